//! The `operation!` macro: one operation's request builder from the items that describe it.

/// One operation, from the Rust items that describe it (what differs between operations),
/// into everything it is made of (what they share, written once here):
///
/// ```text
/// operation! {
///     #[link = "list_pets"]                          // the method's name in doc links (no `r#`)
///     fn list_pets(owner: String) -> ListPets {}       // the method, its required arguments
///     struct ListPets {
///         /// Docs of the setter.
///         limit: i64,                                  // optional: one setter each
///     }
///     type Value = Vec<types::Pet>;                    // what `.await` gives on success
///     pub enum ListPetsError { .. }                    // the documented error statuses
///     fn request(self) -> Result<Request, Failure> { .. }
///     fn decode(response: RawResponse, strict: bool) -> Decoded<Self> { .. }
/// }
/// ```
///
/// gives the request builder `ListPets<'a>` (the client's `Call`, each required argument,
/// each optional one as an `Option`) that the method `Client::list_pets`, written by the
/// generator in the one `impl Client` block of the `operations` module, starts; its setters, `timeout`, `retry_policy`, `strict_status`, `send` and `.await` (`IntoFuture`),
/// `request` and `decode`; and the error enum, with its derives and docs.
macro_rules! operation {
    (
        #[link = $link:literal]
        fn $method:ident($($arg:ident: $arg_ty:ty),* $(,)?) -> $name:ident {}
        struct $builder:ident {
            $($(#[$setter_doc:meta])* $setter:ident: $setter_ty:ty,)*
        }
        type Value = $value:ty;
        pub enum $error:ident { $($errors:tt)* }
        fn request $request_args:tt -> $request_ty:ty $request:block
        fn decode $decode_args:tt -> $decode_ty:ty $decode:block
    ) => {
        #[doc = concat!(
            "Request builder for [`Client::", $link, "`](super::Client::",
            $link, "): set optional parameters with its methods, then `.await` ",
            "it for the value, or [`send`](Self::send) it for the value with status and headers."
        )]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct $name<'a> {
            call: super::runtime::Call<'a>,
            $($arg: $arg_ty,)*
            $($setter: Option<$setter_ty>,)*
        }

        impl super::runtime::Typed for $name<'_> {
            type Value = $value;
            type Error = $error;
        }

        impl<'a> $name<'a> {
            $(
                $(#[$setter_doc])*
                pub fn $setter(mut self, value: impl Into<$setter_ty>) -> Self {
                    self.$setter = Some(value.into());
                    self
                }
            )*

            /// Overrides the client's timeout for this request (`None`: no timeout).
            pub fn timeout(mut self, timeout: Option<std::time::Duration>) -> Self {
                self.call.options.timeout = Some(timeout);
                self
            }

            /// Overrides the client's retry policy for this request.
            pub fn retry_policy(mut self, policy: super::RetryPolicy) -> Self {
                self.call.options.retry = Some(policy);
                self
            }

            /// Overrides the client's strict mode for this request: with `true`, a success
            /// status the operation does not document is `Error::UnexpectedStatus` (see
            /// [`ClientBuilder::strict_status`](super::ClientBuilder::strict_status)).
            pub fn strict_status(mut self, strict: bool) -> Self {
                self.call.options.strict_status = Some(strict);
                self
            }

            /// Sends the request; the value comes with the response's status and headers.
            pub fn send(self) -> super::Sending<'a, $value, $error> {
                let call = self.call.clone();
                super::runtime::sending(call, self.request(), Self::decode)
            }

            fn request $request_args -> $request_ty $request

            fn decode $decode_args -> $decode_ty $decode
        }

        impl<'a> std::future::IntoFuture for $name<'a> {
            type Output = Result<$value, super::Error<$error>>;
            type IntoFuture = super::ValueFuture<'a, $value, $error>;

            fn into_future(self) -> Self::IntoFuture {
                super::ValueFuture::new(self.send())
            }
        }

        #[doc = concat!(
            "The documented error responses of [`Client::", $link,
            "`](super::Client::", $link, ")."
        )]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum $error { $($errors)* }
    };
}

pub(crate) use operation;

#[cfg(test)]
mod tests {
    //! The macro called as a generated client calls it: from an `operations` module beside
    //! `runtime`, under a module that has `Client`, `Error` and the other re-exports.

    use crate as runtime;
    use crate::test_server::{Reply, Server};
    use crate::{Client, Error, RetryPolicy, Sending, ValueFuture};

    mod operations {
        use super::runtime;

        impl super::Client {
            /// Gets the items of `id`.
            pub fn get_items(&self, id: impl Into<String>) -> GetItems<'_> {
                GetItems {
                    call: self.call(),
                    id: id.into(),
                    limit: None,
                }
            }
        }

        runtime::operation! {
            #[link = "get_items"]
            fn get_items(id: String) -> GetItems {}

            struct GetItems {
                /// At most this many.
                limit: i64,
            }

            type Value = Vec<String>;

            pub enum GetItemsError {
                /// `404`: no such thing.
                NotFound(String),
            }

            fn request(self) -> Result<runtime::Request, runtime::Failure> {
                let path = runtime::path("/items/{id}", &[&self.id])?;
                let mut request = runtime::Request::get(path, &[]);
                runtime::push(&mut request.query, "limit", self.limit.as_ref());
                Ok(request)
            }

            fn decode(response: runtime::RawResponse, strict: bool) -> runtime::Decoded<Self> {
                use GetItemsError as Error;
                match response.status().as_u16() {
                    200 => response.json(),
                    404 => response.text_error(Error::NotFound),
                    201..=299 if !strict => response.json(),
                    _ => response.unexpected(),
                }
            }
        }
    }

    use operations::GetItemsError;

    fn client(server: &Server) -> Client {
        Client::builder(&server.url)
            .build()
            .unwrap_or_else(|error| panic!("{error}"))
    }

    #[tokio::test]
    async fn a_request_builder_sends_its_arguments_and_decodes_the_value() {
        let server = Server::start(vec![Reply::new(200, "").json(r#"["a", "b"]"#)]).await;
        let client = client(&server);
        let items = client.get_items("x/y").limit(2).await;
        assert_eq!(items.ok(), Some(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(server.seen()[0].target, "/items/x%2Fy?limit=2");
        let sent = client.get_items("z").send().await;
        assert_eq!(sent.map(|value| value.status().as_u16()).ok(), Some(200));
        assert_eq!(server.seen()[1].target, "/items/z");
    }

    #[tokio::test]
    async fn a_documented_error_is_typed() {
        let server = Server::start(vec![Reply::new(404, "gone")]).await;
        match client(&server).get_items("x").await {
            Err(Error::Api(error)) => {
                assert_eq!(error.value(), &GetItemsError::NotFound("gone".to_owned()));
                assert_eq!(error.status().as_u16(), 404);
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn an_undocumented_success_is_the_value_unless_strict() {
        let server = Server::start(vec![Reply::new(201, "").json("[]")]).await;
        let client = client(&server);
        assert_eq!(client.get_items("x").await.ok(), Some(Vec::new()));
        let strict = client.get_items("x").strict_status(true).await;
        assert!(
            matches!(strict, Err(Error::UnexpectedStatus(_))),
            "{strict:?}"
        );
    }

    #[tokio::test]
    async fn per_request_settings_override_the_clients() {
        let server = Server::start(vec![Reply::new(503, "busy")]).await;
        let client = client(&server);
        let result = client
            .get_items("x")
            .retry_policy(RetryPolicy::none())
            .timeout(Some(std::time::Duration::from_secs(5)))
            .await;
        assert!(
            matches!(result, Err(Error::UnexpectedStatus(_))),
            "{result:?}"
        );
        assert_eq!(server.seen().len(), 1);
        // The futures are the runtime's, named in the generated crate's root.
        let sending: Sending<'_, Vec<String>, GetItemsError> = client.get_items("x").send();
        let value: ValueFuture<'_, Vec<String>, GetItemsError> = ValueFuture::new(sending);
        assert!(matches!(value.await, Err(Error::UnexpectedStatus(_))));
    }
}
