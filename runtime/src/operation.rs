//! The `operation!` macro and the one request builder every operation shares (`Builder`).

/// A request builder: the client, this request's settings, and the operation's parameters
/// `O` (each required argument, each optional one until it is set). Every operation's
/// builder is this type, named for the operation (`pub type ListPets<'a> = Builder<'a,
/// ListPetsParams>`), with the setters of the operation's optional parameters in an `impl` of
/// its own; what all builders share (the per-request settings below, `send`, `.await`,
/// `Debug`, `Clone`) is written and type-checked once, generic over `O`. Its `Debug` names the
/// operation and shows the call's settings, not the parameters' values (a derived `Debug` per
/// operation would cost the compiler a function for each).
#[derive(Clone)]
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Builder<'a, O> {
    pub(crate) call: super::Call<'a>,
    pub(crate) params: O,
}

/// What an operation's parameters type (`O` of [`Builder`]) tells the builder: how its
/// request is made, how its response is decoded, and which operation it is. `operation!`
/// writes the one impl per operation from its `request` and `decode`. Public in name only
/// (the generated crate's `runtime` module is private), so that the builder's public methods
/// may be bounded by it; what it names stays the runtime's.
#[allow(private_interfaces, private_bounds)]
pub trait Operation: super::Typed + Sized {
    /// What `decode` reads: the whole response, or one whose success body is still arriving.
    type Received: super::Receive;

    /// Which operation this is, for middlewares and tracing.
    const INFO: super::OperationInfo;

    /// The request, from the parameters.
    fn request(self) -> Result<super::Request, super::Failure>;

    /// The value or the typed error, by status; `strict`: an undocumented success status is
    /// an error.
    fn decode(response: Self::Received, strict: bool) -> super::Decoded<Self>;
}

impl<'a, O: Operation> Builder<'a, O>
where
    O::Received: 'a,
    O::Value: 'a,
    O::Error: 'a,
{
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

    /// Adds a header to this request, after the ones added before (several values of
    /// one name are all sent); it replaces the client's default headers of that name
    /// ([`ClientBuilder::default_header`](super::ClientBuilder::default_header)).
    ///
    /// Checked when the request is sent, before anything goes out: a name HTTP does
    /// not allow, a value holding CR, LF, NUL or another control character, a header
    /// the operation sets itself (a header parameter that is set, a credential, the
    /// body's media type, the cookies), a header the HTTP client writes (`Host`,
    /// `Content-Length`, `Transfer-Encoding`, `Connection` ...) and the idempotency
    /// key's header are `Error::InvalidRequest`, naming the header, never its value.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.call.options.headers.push(name.into(), value.into());
        self
    }

    /// Sends `key` as this request's idempotency key (in the `Idempotency-Key`
    /// header unless [`ClientBuilder::idempotency_header`](super::ClientBuilder::idempotency_header)
    /// names another), and lets a POST or PATCH be retried by the retry policy like
    /// an idempotent request: every attempt carries the same key, so a server that
    /// honours it does the write once. Without a key (or [`idempotent`](Self::idempotent)),
    /// POST and PATCH are never retried. An empty key, or one holding CR, LF or
    /// another control character, is `Error::InvalidRequest`.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.call.options.idempotency = Some(super::IdempotencyKey::Given(key.into()));
        self
    }

    /// Like [`idempotency_key`](Self::idempotency_key) with a fresh random key (a
    /// UUID v4) made each time the request is sent, the same for all of that send's
    /// retries.
    pub fn idempotent(mut self) -> Self {
        self.call.options.idempotency = Some(super::IdempotencyKey::Generated);
        self
    }

    /// Sends the request; the value comes with the response's status and headers.
    pub fn send(self) -> super::Sending<'a, O::Value, O::Error> {
        let mut call = self.call;
        call.options.operation = Some(O::INFO);
        super::sending(call, self.params.request(), O::decode)
    }

    /// The call and the request (not yet sent), for a stream of pages (`paginate.rs`),
    /// which sends it and the next ones itself.
    #[allow(dead_code)] // an API may have no paginated operation
    pub(crate) fn into_parts(self) -> (super::Call<'a>, Result<super::Request, super::Failure>) {
        (self.call, self.params.request())
    }
}

impl<O: Operation> std::fmt::Debug for Builder<'_, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("operation", &O::INFO)
            .field("call", &self.call)
            .finish_non_exhaustive()
    }
}

impl<'a, O: Operation> std::future::IntoFuture for Builder<'a, O>
where
    O::Received: 'a,
    O::Value: 'a,
    O::Error: 'a,
{
    type Output = Result<O::Value, super::Error<O::Error>>;
    type IntoFuture = super::ValueFuture<'a, O::Value, O::Error>;

    fn into_future(self) -> Self::IntoFuture {
        super::ValueFuture::new(self.send())
    }
}

/// One operation, from the Rust items that describe it (what differs between operations),
/// into what it is made of beside the shared [`Builder`]:
///
/// ```text
/// operation! {
///     #[link = "list_pets"]                          // the method's name in doc links (no `r#`)
///     #[operation(id = "listPets", template = "/pets")] // for middlewares and tracing
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
/// gives the parameters struct `ListPetsParams` (each required argument, each optional one
/// as an `Option`; `Clone`), its [`Operation`] impl (`request`, `decode`, the
/// operation's id and template), the request builder `pub type ListPets<'a> =
/// Builder<'a, ListPetsParams>` that the method `Client::list_pets` (written by the generator
/// in the one `impl Client` block of the `operations` module) starts, with the setters of
/// the optional parameters in an `impl` of its own, and the error enum with its derives and
/// docs. The setters every builder has, `send` and `.await` are [`Builder`]'s. The
/// parameters struct is named `$name` followed by `Params` (the generator claims that name
/// beside the builder's, its error's and its response's).
macro_rules! operation {
    (
        #[link = $link:literal]
        #[operation(id = $op_id:literal, template = $template:literal)]
        fn $method:ident($($arg:ident: $arg_ty:ty),* $(,)?) -> $name:ident {}
        struct $params:ident {
            $($(#[$setter_doc:meta])* $setter:ident: $setter_ty:ty,)*
        }
        type Value = $value:ty;
        pub enum $error:ident { $($errors:tt)* }
        fn request $request_args:tt -> $request_ty:ty $request:block
        fn decode($response:ident: $received:ty, $strict:ident: bool) -> $decode_ty:ty $decode:block
    ) => {
        #[doc = concat!(
            "Request builder for [`Client::", $link, "`](super::Client::",
            $link, "): set optional parameters with its methods, then `.await` ",
            "it for the value, or [`send`](super::Builder::send) it for the value ",
            "with status and headers."
        )]
        pub type $name<'a> = super::runtime::Builder<'a, $params>;

        #[doc = concat!("The parameters of [`", stringify!($name), "`].")]
        #[derive(Clone)]
        pub struct $params {
            $(pub(crate) $arg: $arg_ty,)*
            $(pub(crate) $setter: Option<$setter_ty>,)*
        }

        impl super::runtime::Typed for $params {
            type Value = $value;
            type Error = $error;
        }

        #[allow(private_interfaces)]
        impl super::runtime::Operation for $params {
            type Received = $received;

            const INFO: super::runtime::OperationInfo =
                super::runtime::OperationInfo { id: $op_id, template: $template };

            fn request $request_args -> $request_ty $request

            fn decode($response: $received, $strict: bool) -> $decode_ty $decode
        }

        impl $name<'_> {
            $(
                $(#[$setter_doc])*
                pub fn $setter(mut self, value: impl Into<$setter_ty>) -> Self {
                    self.params.$setter = Some(value.into());
                    self
                }
            )*
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
                    params: GetItemsParams {
                        id: id.into(),
                        limit: None,
                    },
                }
            }

            /// Makes an item.
            pub fn create_item(&self, name: impl Into<String>) -> CreateItem<'_> {
                CreateItem {
                    call: self.call(),
                    params: CreateItemParams { name: name.into() },
                }
            }
        }

        runtime::operation! {
            #[link = "get_items"]
            #[operation(id = "getItems", template = "/items/{id}")]
            fn get_items(id: String) -> GetItems {}

            struct GetItemsParams {
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

        runtime::operation! {
            #[link = "create_item"]
            #[operation(id = "createItem", template = "/items")]
            fn create_item(name: String) -> CreateItem {}

            struct CreateItemParams {}

            type Value = String;

            pub enum CreateItemError {}

            fn request(self) -> Result<runtime::Request, runtime::Failure> {
                let mut request = runtime::Request::post("/items".to_owned(), &[]);
                request.body = Some(("application/json", runtime::json_body(&self.name)?));
                Ok(request)
            }

            fn decode(response: runtime::RawResponse, strict: bool) -> runtime::Decoded<Self> {
                match response.status().as_u16() {
                    201 => response.json(),
                    200..=299 if !strict => response.json(),
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
        // Its `Debug` names the operation, not the parameters' values.
        let debug = format!("{:?}", client.get_items("secret-id").limit(3));
        assert!(debug.starts_with("Builder { operation: OperationInfo { id: \"getItems\""));
        assert!(!debug.contains("secret-id"), "{debug}");
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
    async fn request_headers_and_an_idempotency_key() {
        let server = Server::start(vec![Reply::new(503, ""), Reply::new(200, "").json("[]")]).await;
        let client = Client::builder(&server.url)
            .default_header("X-Team", "a")
            .retry_policy(RetryPolicy::default().initial_backoff(std::time::Duration::ZERO))
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        let items = client
            .get_items("x")
            .header("X-Request-Id", "r-1")
            .header("X-Team", "b")
            .idempotency_key("k-1")
            .await;
        assert_eq!(items.ok(), Some(Vec::new()));
        let seen = server.seen();
        assert_eq!(seen.len(), 2);
        for request in &seen {
            assert_eq!(request.header("x-request-id"), Some("r-1"));
            assert_eq!(request.header("x-team"), Some("b"));
            assert_eq!(request.header("idempotency-key"), Some("k-1"));
        }
        let generated = client.get_items("x").idempotent().send().await;
        assert!(generated.is_ok(), "{generated:?}");
        let key = server.seen()[2]
            .header("idempotency-key")
            .map(str::to_owned);
        assert!(key.is_some_and(|key| uuid::Uuid::parse_str(&key).is_ok()));
        // A header that cannot be sent is an error naming it; nothing is sent.
        let bad = client.get_items("x").header("X-Note", "a\r\nb").await;
        match bad {
            Err(Error::InvalidRequest(message)) => assert!(message.contains("`X-Note`")),
            other => panic!("{other:?}"),
        }
        assert_eq!(server.seen().len(), 3);
    }

    /// A POST is retried only with an idempotency key, which every attempt carries.
    #[tokio::test]
    async fn a_post_is_retried_with_its_idempotency_key_and_not_without() {
        let script = || {
            vec![
                Reply::new(503, "busy"),
                Reply::new(201, "").json(r#""made""#),
            ]
        };
        let fast = RetryPolicy::default().initial_backoff(std::time::Duration::ZERO);
        let server = Server::start(script()).await;
        let client = Client::builder(&server.url)
            .retry_policy(fast.clone())
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        let made = client.create_item("a").idempotency_key("make-a").await;
        assert_eq!(made.ok().as_deref(), Some("made"));
        let seen = server.seen();
        assert_eq!(seen.len(), 2);
        for request in &seen {
            assert_eq!(request.method, "POST");
            assert_eq!(request.body, br#""a""#);
            assert_eq!(request.header("idempotency-key"), Some("make-a"));
        }

        let server = Server::start(script()).await;
        let client = Client::builder(&server.url)
            .retry_policy(fast)
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        let once = client.create_item("b").await;
        assert!(matches!(once, Err(Error::UnexpectedStatus(_))), "{once:?}");
        let seen = server.seen();
        assert_eq!(seen.len(), 1, "a POST without a key is not retried");
        assert_eq!(seen[0].header("idempotency-key"), None);
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
