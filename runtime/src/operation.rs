//! The `operation!` macro: one operation's request builder from the items that describe it.

/// One operation, from the Rust items that describe it (what differs between operations),
/// into everything it is made of (what they share, written once here):
///
/// ```text
/// operation! {
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
            "Request builder for [`Client::", stringify!($method), "`](super::Client::",
            stringify!($method), "): set optional parameters with its methods, then `.await` ",
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
            "The documented error responses of [`Client::", stringify!($method),
            "`](super::Client::", stringify!($method), ")."
        )]
        #[derive(Debug, Clone, PartialEq)]
        pub enum $error { $($errors)* }
    };
}

pub(crate) use operation;
