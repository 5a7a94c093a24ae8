//! The runtime module every generated crate carries: the client, its builder, errors, retries,
//! credentials, encoding helpers and the best-fit decoding of unions. It is the same for every
//! API (nothing here depends on the model), written once per crate rather than once per
//! operation or type.

use proc_macro2::TokenStream;
use quote::quote;

/// The tokens of the `runtime` module.
pub(super) fn runtime_module() -> TokenStream {
    quote! {
        use std::fmt;
        use std::time::Duration;

        use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
        use reqwest::{Method, StatusCode};

        /// A credential: kept out of `Debug` output and error messages.
        #[derive(Clone)]
        pub(crate) struct Secret(String);

        impl Secret {
            pub(crate) fn new(value: impl Into<String>) -> Self {
                Secret(value.into())
            }

            fn expose(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for Secret {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("<redacted>")
            }
        }

        /// How one security scheme's credential is sent.
        #[derive(Clone, Debug)]
        pub(crate) enum Credential {
            Header { name: &'static str, value: Secret },
            Query { name: &'static str, value: Secret },
            Cookie { name: &'static str, value: Secret },
            Bearer(Secret),
            Basic { user: Secret, password: Secret },
        }

        /// When and how requests are retried.
        ///
        /// Only idempotent requests (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) are retried: after a
        /// connection that failed or closed before the response (not after a timeout), and after
        /// the statuses 429, 502, 503 and 504. The wait doubles from `initial_backoff` up to
        /// `max_backoff`, with jitter (a random wait between half and all of it); a `Retry-After`
        /// header (seconds or an HTTP date) replaces it, up to `max_retry_after`. The default is 3 retries from
        /// 100 ms up to 5 s, `Retry-After` up to 60 s.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct RetryPolicy {
            max_retries: u32,
            initial_backoff: Duration,
            max_backoff: Duration,
            max_retry_after: Duration,
        }

        impl Default for RetryPolicy {
            fn default() -> Self {
                RetryPolicy {
                    max_retries: 3,
                    initial_backoff: Duration::from_millis(100),
                    max_backoff: Duration::from_secs(5),
                    max_retry_after: Duration::from_secs(60),
                }
            }
        }

        impl RetryPolicy {
            /// Never retry.
            pub fn none() -> Self {
                RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
            }

            /// Retry at most `retries` times (0: never).
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.max_retries = retries;
                self
            }

            /// The wait before the first retry; it doubles for each further one.
            pub fn initial_backoff(mut self, wait: Duration) -> Self {
                self.initial_backoff = wait;
                self
            }

            /// The longest wait between two attempts when the server gives no `Retry-After`.
            pub fn max_backoff(mut self, wait: Duration) -> Self {
                self.max_backoff = wait;
                self
            }

            /// The longest `Retry-After` honoured; a longer one is cut to this.
            pub fn max_retry_after(mut self, wait: Duration) -> Self {
                self.max_retry_after = wait;
                self
            }

            /// The number of retries this policy allows.
            pub fn retries(&self) -> u32 {
                self.max_retries
            }

            fn backoff(&self, attempt: u32) -> Duration {
                let factor = 2u32.saturating_pow(attempt);
                let full = self.initial_backoff.saturating_mul(factor).min(self.max_backoff);
                full.mul_f64(0.5 + random_fraction() / 2.0)
            }

            fn wait(&self, attempt: u32, headers: &HeaderMap) -> Duration {
                let retry_after = headers
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|value| value.to_str().ok())
                    .and_then(retry_after);
                match retry_after {
                    Some(wait) => wait.min(self.max_retry_after),
                    None => self.backoff(attempt),
                }
            }
        }

        /// The wait a `Retry-After` value asks for: seconds (`120`), or an HTTP date
        /// (`Wed, 21 Oct 2015 07:28:00 GMT`), which a date already past makes no wait at all.
        fn retry_after(value: &str) -> Option<Duration> {
            let value = value.trim();
            if let Ok(seconds) = value.parse::<u64>() {
                return Some(Duration::from_secs(seconds));
            }
            let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
            let at = std::time::UNIX_EPOCH + Duration::from_secs(u64::try_from(date.timestamp()).unwrap_or(0));
            Some(at.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
        }

        /// Whether a failed attempt may be tried again: the connection failed, or it closed before
        /// the response arrived (a restarting server, a stale keep-alive connection). A timeout may
        /// not: the server may still be working on the request.
        fn retryable(error: &reqwest::Error) -> bool {
            error.is_connect() || (error.is_request() && !error.is_timeout())
        }

        /// A number in [0, 1) from the standard library's per-process random hash keys.
        fn random_fraction() -> f64 {
            use std::hash::{BuildHasher, Hasher};
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default();
            hasher.write_u128(nanos);
            (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
        }

        /// A decoded response value with the status and headers it came with.
        #[derive(Debug, Clone, PartialEq)]
        pub struct ResponseValue<T> {
            status: StatusCode,
            headers: Box<HeaderMap>,
            value: T,
        }

        impl<T> ResponseValue<T> {
            /// The response status.
            pub fn status(&self) -> StatusCode {
                self.status
            }

            /// The response headers.
            pub fn headers(&self) -> &HeaderMap {
                &self.headers
            }

            /// The decoded value.
            pub fn value(&self) -> &T {
                &self.value
            }

            /// The decoded value, dropping status and headers.
            pub fn into_inner(self) -> T {
                self.value
            }

            /// Status, headers and value.
            pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
                (self.status, *self.headers, self.value)
            }

            /// Applies `f` to the value, keeping status and headers.
            pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
                ResponseValue { status: self.status, headers: self.headers, value: f(self.value) }
            }
        }

        impl<T> std::ops::Deref for ResponseValue<T> {
            type Target = T;

            fn deref(&self) -> &T {
                &self.value
            }
        }

        /// A response as it arrived: status, headers and the raw body.
        ///
        /// Its `Debug` output shows the body as text (invalid UTF-8 replaced), cut after
        /// 1,000 characters, not as a list of bytes.
        #[derive(Clone, PartialEq)]
        pub struct RawResponse {
            status: StatusCode,
            headers: Box<HeaderMap>,
            body: Vec<u8>,
        }

        impl RawResponse {
            /// The response status.
            pub fn status(&self) -> StatusCode {
                self.status
            }

            /// The response headers.
            pub fn headers(&self) -> &HeaderMap {
                &self.headers
            }

            /// The raw body.
            pub fn body(&self) -> &[u8] {
                &self.body
            }

            /// The body as text (invalid UTF-8 replaced).
            pub fn text(&self) -> String {
                String::from_utf8_lossy(&self.body).into_owned()
            }

            /// A short message from the server, as error messages show it: the first of the
            /// text fields `message`, `error_description`, `detail`, `exception_message`,
            /// `error` and `title` of a JSON object body (or the text `message` of an object
            /// in one of them, as in `{"error": {"message": ..}}`), else the body's text; on
            /// one line, cut after 200 characters. Empty when there is no body.
            pub fn message(&self) -> String {
                const FIELDS: [&str; 6] = ["message", "error_description", "detail", "exception_message", "error", "title"];
                let text = |value: Option<&serde_json::Value>| match value {
                    Some(serde_json::Value::String(text)) if !text.trim().is_empty() => Some(text.clone()),
                    _ => None,
                };
                if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(&self.body) {
                    for field in FIELDS {
                        let found = match map.get(field) {
                            Some(serde_json::Value::Object(inner)) => text(inner.get("message")),
                            other => text(other),
                        };
                        if let Some(found) = found {
                            return one_line(&shorten(found.trim(), BODY_EXCERPT));
                        }
                    }
                }
                one_line(&shorten(self.text().trim(), BODY_EXCERPT))
            }

            /// The media type of the body, lowercase, without parameters.
            fn media_type(&self) -> Option<String> {
                let value = self.headers.get(reqwest::header::CONTENT_TYPE)?.to_str().ok()?;
                let essence = value.split(';').next().unwrap_or_default().trim();
                Some(essence.to_ascii_lowercase())
            }

            /// True when the response declares a JSON body (`application/json` or `+json`).
            fn declares_json(&self) -> bool {
                self.media_type().is_some_and(|media_type| media_type == "application/json" || media_type.ends_with("+json"))
            }

            /// Reads a JSON body; a body with another declared media type is refused (no
            /// declared type is accepted).
            fn read_json<T: serde::de::DeserializeOwned>(&self) -> Result<T, BodyProblem> {
                if self.media_type().is_some() && !self.declares_json() {
                    return Err(BodyProblem::ContentType);
                }
                serde_json::from_slice(&self.body).map_err(|error| BodyProblem::Decode(error.to_string()))
            }

            /// Reads a text body (it must be UTF-8). A body the server declares as JSON
            /// (`application/json`) that is one JSON string, such as `"1.0.0"` with its quotes,
            /// is that string: servers built on JSON frameworks (FastAPI, axum's `Json`) send
            /// text that way although the API documents `text/plain`. A body declared as text
            /// is taken as it is, quotes included: only the server's own label decides.
            fn read_text(&self) -> Result<String, BodyProblem> {
                let text = std::str::from_utf8(&self.body).map_err(|error| BodyProblem::Decode(error.to_string()))?;
                if self.declares_json() {
                    if let Ok(serde_json::Value::String(unquoted)) = serde_json::from_str(text) {
                        return Ok(unquoted);
                    }
                }
                Ok(text.to_owned())
            }

            /// Decodes a JSON body; a body with another declared media type is an error.
            pub(crate) fn json<T: serde::de::DeserializeOwned, E>(self) -> Result<ResponseValue<T>, Error<E>> {
                match self.read_json() {
                    Ok(value) => Ok(ResponseValue { status: self.status, headers: self.headers, value }),
                    Err(problem) => Err(problem.into_error(self)),
                }
            }

            /// Decodes a text body (see `read_text` for a JSON string sent as text).
            pub(crate) fn text_value<E>(self) -> Result<ResponseValue<String>, Error<E>> {
                match self.read_text() {
                    Ok(value) => Ok(ResponseValue { status: self.status, headers: self.headers, value }),
                    Err(problem) => Err(problem.into_error(self)),
                }
            }

            /// Keeps a binary body as it is.
            pub(crate) fn bytes_value<E>(self) -> Result<ResponseValue<Vec<u8>>, Error<E>> {
                Ok(ResponseValue { status: self.status, headers: self.headers, value: self.body })
            }

            /// A response whose body is not read: `value` stands for it.
            fn unit<T>(self, value: T) -> ResponseValue<T> {
                ResponseValue { status: self.status, headers: self.headers, value }
            }

            /// A success without a body: `value` stands for it.
            pub(crate) fn empty<T, E>(self, value: T) -> Result<ResponseValue<T>, Error<E>> {
                Ok(self.unit(value))
            }

            /// A documented error without a body schema: `Error::Api` holding `value`, and the
            /// response with whatever body the server sent.
            pub(crate) fn error<T, E>(self, value: E) -> Result<ResponseValue<T>, Error<E>> {
                Err(Error::Api(ApiError { value, response: self }))
            }

            /// A status the operation does not document.
            pub(crate) fn unexpected<T, E>(self) -> Result<ResponseValue<T>, Error<E>> {
                Err(Error::UnexpectedStatus(self))
            }

            /// A JSON success body that is one variant (`variant`) of the response enum.
            pub(crate) fn json_as<T: serde::de::DeserializeOwned, V, E>(self, variant: impl FnOnce(T) -> V) -> Result<ResponseValue<V>, Error<E>> {
                self.json::<T, E>().map(|value| value.map(variant))
            }

            /// A text success body that is one variant of the response enum.
            pub(crate) fn text_as<V, E>(self, variant: impl FnOnce(String) -> V) -> Result<ResponseValue<V>, Error<E>> {
                self.text_value::<E>().map(|value| value.map(variant))
            }

            /// A binary success body that is one variant of the response enum.
            pub(crate) fn bytes_as<V, E>(self, variant: impl FnOnce(Vec<u8>) -> V) -> Result<ResponseValue<V>, Error<E>> {
                self.bytes_value::<E>().map(|value| value.map(variant))
            }

            /// The JSON body of a documented error status: `Error::Api` holding it as `variant`
            /// (and the response as it arrived).
            pub(crate) fn json_error<T: serde::de::DeserializeOwned, V, E>(self, variant: impl FnOnce(T) -> E) -> Result<ResponseValue<V>, Error<E>> {
                Err(match self.read_json() {
                    Ok(value) => Error::Api(ApiError { value: variant(value), response: self }),
                    Err(problem) => problem.into_error(self),
                })
            }

            /// The text body of a documented error status, as `variant` in `Error::Api`.
            pub(crate) fn text_error<V, E>(self, variant: impl FnOnce(String) -> E) -> Result<ResponseValue<V>, Error<E>> {
                Err(match self.read_text() {
                    Ok(value) => Error::Api(ApiError { value: variant(value), response: self }),
                    Err(problem) => problem.into_error(self),
                })
            }

            /// The binary body of a documented error status, as `variant` in `Error::Api`.
            pub(crate) fn bytes_error<V, E>(self, variant: impl FnOnce(Vec<u8>) -> E) -> Result<ResponseValue<V>, Error<E>> {
                Err(Error::Api(ApiError { value: variant(self.body.clone()), response: self }))
            }
        }

        impl fmt::Debug for RawResponse {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("RawResponse")
                    .field("status", &self.status)
                    .field("headers", &self.headers)
                    .field("body", &BodyText(&self.body))
                    .finish()
            }
        }

        /// A body in `Debug` output: its text, cut after [`DEBUG_BODY`] characters (with the
        /// whole length in bytes when cut).
        struct BodyText<'a>(&'a [u8]);

        impl fmt::Debug for BodyText<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let text = String::from_utf8_lossy(self.0);
                let short = shorten(&text, DEBUG_BODY);
                write!(f, "{short:?}")?;
                if short.len() != text.len() {
                    write!(f, " ({} bytes)", self.0.len())?;
                }
                Ok(())
            }
        }

        /// Why a body could not be read as the documented type.
        enum BodyProblem {
            /// The response declares another media type.
            ContentType,
            /// The body does not decode; what the decoder said.
            Decode(String),
        }

        impl BodyProblem {
            fn into_error<E>(self, response: RawResponse) -> Error<E> {
                match self {
                    BodyProblem::ContentType => Error::UnexpectedContentType(response),
                    BodyProblem::Decode(message) => Error::Decode { response, message },
                }
            }
        }

        /// A documented error response: the operation's typed error, and the response as it
        /// arrived (status, headers and the raw body, so a message the documented type has no
        /// field for is still there). It dereferences to the typed error.
        #[derive(Debug, Clone, PartialEq)]
        pub struct ApiError<E> {
            value: E,
            response: RawResponse,
        }

        impl<E> ApiError<E> {
            /// The response status.
            pub fn status(&self) -> StatusCode {
                self.response.status
            }

            /// The response headers.
            pub fn headers(&self) -> &HeaderMap {
                &self.response.headers
            }

            /// The typed error.
            pub fn value(&self) -> &E {
                &self.value
            }

            /// The response as it arrived: status, headers and the raw body.
            pub fn raw_response(&self) -> &RawResponse {
                &self.response
            }

            /// The server's message (see [`RawResponse::message`]).
            pub fn message(&self) -> String {
                self.response.message()
            }

            /// The typed error, dropping the response.
            pub fn into_inner(self) -> E {
                self.value
            }

            /// The typed error and the response as it arrived.
            pub fn into_parts(self) -> (E, RawResponse) {
                (self.value, self.response)
            }
        }

        impl<E> std::ops::Deref for ApiError<E> {
            type Target = E;

            fn deref(&self) -> &E {
                &self.value
            }
        }

        /// A sent request: a future of the decoded value with the response's status and headers
        /// (what a request builder's `send` returns). `E` is the operation's documented errors.
        #[must_use = "a future does nothing until it is awaited"]
        pub struct Sending<'a, T, E> {
            future: SendingFuture<'a, T, E>,
        }

        type SendingFuture<'a, T, E> =
            std::pin::Pin<Box<dyn std::future::Future<Output = Result<ResponseValue<T>, Error<E>>> + Send + 'a>>;

        /// Sends `request` (built by a request builder) and decodes the response with `decode`
        /// (the builder's, by status): written once, generic, rather than once per operation.
        pub(crate) fn sending<'a, T: 'a, E: 'a>(
            call: Call<'a>,
            request: Result<Request, Failure>,
            decode: fn(RawResponse, bool) -> Result<ResponseValue<T>, Error<E>>,
        ) -> Sending<'a, T, E> {
            Sending {
                future: Box::pin(async move {
                    let response = call.client.execute(request?, &call.options).await?;
                    let strict = call.options.strict_status.unwrap_or(call.client.strict_status);
                    decode(response, strict)
                }),
            }
        }

        impl<T, E> std::future::Future for Sending<'_, T, E> {
            type Output = Result<ResponseValue<T>, Error<E>>;

            fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
                self.future.as_mut().poll(cx)
            }
        }

        impl<T, E> fmt::Debug for Sending<'_, T, E> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("Sending")
            }
        }

        /// What `.await` on a request builder runs: the request's `send`, then the value without
        /// the response's status and headers. `E` is the operation's documented errors.
        #[must_use = "a future does nothing until it is awaited"]
        pub struct ValueFuture<'a, T, E> {
            sending: Sending<'a, T, E>,
        }

        impl<'a, T, E> ValueFuture<'a, T, E> {
            pub(crate) fn new(sending: Sending<'a, T, E>) -> Self {
                ValueFuture { sending }
            }
        }

        impl<T, E> std::future::Future for ValueFuture<'_, T, E> {
            type Output = Result<T, Error<E>>;

            fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
                std::pin::Pin::new(&mut self.sending).poll(cx).map(|sent| sent.map(ResponseValue::into_inner))
            }
        }

        impl<T, E> fmt::Debug for ValueFuture<'_, T, E> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("ValueFuture")
            }
        }

        /// The success value and the documented errors of a request builder (the builder's
        /// `send` returns `Result<ResponseValue<Value>, Error<Error>>`).
        pub(crate) trait Typed {
            type Value;
            type Error;
        }

        /// What a request builder's `decode` returns.
        pub(crate) type Decoded<B> = Result<ResponseValue<<B as Typed>::Value>, Error<<B as Typed>::Error>>;

        /// Everything that can go wrong with a call; `E` is the operation's documented errors.
        ///
        /// Documented error statuses arrive typed in [`Error::Api`]; every error that comes
        /// from a response keeps it as it arrived (status, headers, raw body:
        /// [`Error::raw_response`]), and its message shows the server's
        /// ([`RawResponse::message`]). Messages never contain credentials.
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum Error<E = std::convert::Infallible> {
            /// The server answered with an error status the API documents; `E` holds it,
            /// beside the response as it arrived.
            Api(ApiError<E>),
            /// The server answered with a status the API does not document for this operation
            /// (a success status too, in strict mode: see [`ClientBuilder::strict_status`]).
            UnexpectedStatus(RawResponse),
            /// The response declares a content type other than the documented one.
            UnexpectedContentType(RawResponse),
            /// The response body does not decode as the documented type.
            Decode {
                /// The response as it arrived.
                response: RawResponse,
                /// What the decoder said.
                message: String,
            },
            /// The request could not be sent, or no response arrived (connection, timeout, TLS).
            Transport {
                /// The request's method.
                method: Method,
                /// The request's path (without the query string).
                path: String,
                /// What failed.
                source: reqwest::Error,
            },
            /// The request could not be built from the arguments or the client's settings.
            InvalidRequest(String),
        }

        impl<E> Error<E> {
            /// The response status, when a response arrived.
            pub fn status(&self) -> Option<StatusCode> {
                match self {
                    Error::Api(error) => Some(error.status()),
                    Error::UnexpectedStatus(response)
                    | Error::UnexpectedContentType(response)
                    | Error::Decode { response, .. } => Some(response.status()),
                    Error::Transport { .. } | Error::InvalidRequest(_) => None,
                }
            }

            /// The response as it arrived (status, headers, raw body), whenever one did.
            pub fn raw_response(&self) -> Option<&RawResponse> {
                match self {
                    Error::Api(error) => Some(error.raw_response()),
                    Error::UnexpectedStatus(response)
                    | Error::UnexpectedContentType(response)
                    | Error::Decode { response, .. } => Some(response),
                    Error::Transport { .. } | Error::InvalidRequest(_) => None,
                }
            }

            /// The documented error, when the server sent one.
            pub fn api_error(&self) -> Option<&E> {
                match self {
                    Error::Api(value) => Some(value.value()),
                    _ => None,
                }
            }
        }

        /// At most this many characters of a body go into an error message.
        const BODY_EXCERPT: usize = 200;

        /// At most this many characters of a body go into `Debug` output.
        const DEBUG_BODY: usize = 1000;

        /// `text` cut after `max` characters, with `…` where it was cut.
        fn shorten(text: &str, max: usize) -> String {
            match text.char_indices().nth(max) {
                Some((end, _)) => format!("{}…", &text[..end]),
                None => text.to_owned(),
            }
        }

        /// `text` on one line: control characters (line breaks, escapes) become spaces, so a
        /// server's text cannot break or restyle the terminal an error is printed on.
        fn one_line(text: &str) -> String {
            text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
        }

        /// The body's text for an error message: on one line, cut after 200 characters.
        fn excerpt(response: &RawResponse) -> String {
            one_line(&shorten(&response.text(), BODY_EXCERPT))
        }

        impl<E: fmt::Debug> fmt::Display for Error<E> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    Error::Api(error) => match error.message() {
                        message if message.is_empty() => write!(f, "the server answered {}: {:?}", error.status(), error.value()),
                        message => write!(f, "the server answered {}: {message}", error.status()),
                    },
                    Error::UnexpectedStatus(response) => write!(
                        f,
                        "the server answered {}, a status the API does not document here: {}",
                        response.status(),
                        response.message()
                    ),
                    Error::UnexpectedContentType(response) => write!(
                        f,
                        "the server answered {} with content type {:?}, not the documented one: {}",
                        response.status(),
                        response.media_type().unwrap_or_default(),
                        excerpt(response)
                    ),
                    Error::Decode { response, message } => write!(
                        f,
                        "the {} response does not decode ({message}): {}",
                        response.status(),
                        excerpt(response)
                    ),
                    Error::Transport { method, path, source } => write!(f, "{method} {path} failed: {source}"),
                    Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
                }
            }
        }

        impl<E: fmt::Debug> std::error::Error for Error<E> {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    Error::Transport { source, .. } => Some(source),
                    _ => None,
                }
            }
        }

        /// A failure before any documented response: converts into every operation's error.
        #[derive(Debug)]
        pub(crate) enum Failure {
            Transport { method: Method, path: String, source: reqwest::Error },
            InvalidRequest(String),
        }

        impl<E> From<Failure> for Error<E> {
            fn from(failure: Failure) -> Self {
                match failure {
                    Failure::Transport { method, path, source } => Error::Transport { method, path, source },
                    Failure::InvalidRequest(message) => Error::InvalidRequest(message),
                }
            }
        }

        /// What every request builder holds besides its arguments: the client, and the settings
        /// that override the client's for this request.
        #[derive(Debug, Clone)]
        pub(crate) struct Call<'a> {
            pub(crate) client: &'a Client,
            pub(crate) options: RequestOptions,
        }

        impl Client {
            /// A request's client and settings, to start a request builder with.
            pub(crate) fn call(&self) -> Call<'_> {
                Call { client: self, options: RequestOptions::default() }
            }
        }

        /// Per-request settings that override the client's.
        #[derive(Debug, Clone, Default)]
        pub(crate) struct RequestOptions {
            /// `Some(None)`: this request has no timeout, whatever the client's.
            pub(crate) timeout: Option<Option<Duration>>,
            pub(crate) retry: Option<RetryPolicy>,
            pub(crate) strict_status: Option<bool>,
        }

        /// A request, ready to send (and to send again).
        #[derive(Debug)]
        pub(crate) struct Request {
            pub(crate) method: Method,
            pub(crate) path: String,
            pub(crate) query: Vec<(std::borrow::Cow<'static, str>, String)>,
            pub(crate) headers: Vec<(&'static str, String)>,
            pub(crate) cookies: Vec<(&'static str, String)>,
            pub(crate) body: Option<(&'static str, Vec<u8>)>,
            /// Keys of the security schemes whose configured credentials go with it.
            pub(crate) schemes: &'static [&'static str],
        }

        impl Request {
            /// A request without parameters or body yet; `schemes` are the keys of the
            /// security schemes whose configured credentials go with it.
            pub(crate) fn new(method: Method, path: String, schemes: &'static [&'static str]) -> Self {
                Request { method, path, query: Vec::new(), headers: Vec::new(), cookies: Vec::new(), body: None, schemes }
            }

            /// A `GET` request (see [`Request::new`]).
            pub(crate) fn get(path: String, schemes: &'static [&'static str]) -> Self {
                Request::new(Method::GET, path, schemes)
            }

            /// A `PUT` request (see [`Request::new`]).
            pub(crate) fn put(path: String, schemes: &'static [&'static str]) -> Self {
                Request::new(Method::PUT, path, schemes)
            }

            /// A `POST` request (see [`Request::new`]).
            pub(crate) fn post(path: String, schemes: &'static [&'static str]) -> Self {
                Request::new(Method::POST, path, schemes)
            }

            /// A `DELETE` request (see [`Request::new`]).
            pub(crate) fn delete(path: String, schemes: &'static [&'static str]) -> Self {
                Request::new(Method::DELETE, path, schemes)
            }

            /// A `OPTIONS` request (see [`Request::new`]).
            pub(crate) fn options(path: String, schemes: &'static [&'static str]) -> Self {
                Request::new(Method::OPTIONS, path, schemes)
            }

            /// A `HEAD` request (see [`Request::new`]).
            pub(crate) fn head(path: String, schemes: &'static [&'static str]) -> Self {
                Request::new(Method::HEAD, path, schemes)
            }

            /// A `PATCH` request (see [`Request::new`]).
            pub(crate) fn patch(path: String, schemes: &'static [&'static str]) -> Self {
                Request::new(Method::PATCH, path, schemes)
            }

            /// A `TRACE` request (see [`Request::new`]).
            pub(crate) fn trace(path: String, schemes: &'static [&'static str]) -> Self {
                Request::new(Method::TRACE, path, schemes)
            }
        }

        /// A value sent as one piece of text in the path, the query, a header or a cookie.
        pub(crate) trait ParamText {
            fn param_text(&self) -> String;
        }

        impl ParamText for String {
            fn param_text(&self) -> String {
                self.clone()
            }
        }

        impl ParamText for chrono::DateTime<chrono::Utc> {
            fn param_text(&self) -> String {
                self.to_rfc3339()
            }
        }

        impl ParamText for bool {
            fn param_text(&self) -> String {
                self.to_string()
            }
        }

        impl ParamText for i32 {
            fn param_text(&self) -> String {
                self.to_string()
            }
        }

        impl ParamText for i64 {
            fn param_text(&self) -> String {
                self.to_string()
            }
        }

        impl ParamText for u64 {
            fn param_text(&self) -> String {
                self.to_string()
            }
        }

        impl ParamText for f32 {
            fn param_text(&self) -> String {
                self.to_string()
            }
        }

        impl ParamText for f64 {
            fn param_text(&self) -> String {
                self.to_string()
            }
        }

        impl ParamText for uuid::Uuid {
            fn param_text(&self) -> String {
                self.to_string()
            }
        }

        impl ParamText for chrono::NaiveDate {
            fn param_text(&self) -> String {
                self.to_string()
            }
        }

        /// Adds `name=value` to a query, header or cookie list, when there is a value.
        pub(crate) fn push<K: From<&'static str>, T: ParamText>(
            list: &mut Vec<(K, String)>,
            name: &'static str,
            value: Option<&T>,
        ) {
            if let Some(value) = value {
                list.push((name.into(), value.param_text()));
            }
        }

        /// Adds one `name=item` pair per item (an exploded array), when there is a value.
        pub(crate) fn push_each<K: From<&'static str>, T: ParamText>(
            list: &mut Vec<(K, String)>,
            name: &'static str,
            items: Option<&[T]>,
        ) {
            for item in items.unwrap_or_default() {
                list.push((name.into(), item.param_text()));
            }
        }

        /// Adds `name=item1<separator>item2...` (an array sent as one value), when there is a
        /// value.
        pub(crate) fn push_joined<K: From<&'static str>, T: ParamText>(
            list: &mut Vec<(K, String)>,
            name: &'static str,
            items: Option<&[T]>,
            separator: &str,
        ) {
            if let Some(items) = items {
                let texts: Vec<String> = items.iter().map(ParamText::param_text).collect();
                list.push((name.into(), texts.join(separator)));
            }
        }

        /// Characters left as they are in a path segment: RFC 3986 unreserved.
        const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'_')
            .remove(b'.')
            .remove(b'~');

        /// Percent-encodes a path parameter as exactly one segment.
        pub(crate) fn path_segment(name: &str, value: &str) -> Result<String, Failure> {
            if value.is_empty() || value == "." || value == ".." {
                return Err(Failure::InvalidRequest(format!(
                    "the path parameter `{name}` is {value:?}, which cannot stand as a path segment"
                )));
            }
            Ok(percent_encoding::utf8_percent_encode(value, SEGMENT).to_string())
        }

        /// The path of `template` (`/users/{username}/repos`) with each `{name}` replaced by the
        /// next of `values`, percent-encoded as one segment.
        pub(crate) fn path(template: &str, values: &[&str]) -> Result<String, Failure> {
            let mut path = String::with_capacity(template.len());
            let mut values = values.iter();
            let mut rest = template;
            while let Some((before, after)) = rest.split_once('{') {
                let (name, after) = after.split_once('}').unwrap_or((after, ""));
                path.push_str(before);
                path.push_str(&path_segment(name, values.next().copied().unwrap_or_default())?);
                rest = after;
            }
            path.push_str(rest);
            Ok(path)
        }

        /// The text of a path, header or cookie parameter of any shape (`simple` style), from
        /// its JSON: a string as it is, a number or boolean as written, an array's items joined
        /// with commas, an object as `key,value,...`.
        pub(crate) fn param_text<T: serde::Serialize>(name: &str, value: &T) -> Result<String, Failure> {
            use serde_json::Value;
            fn text(value: &Value) -> String {
                match value {
                    Value::Null => String::new(),
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                }
            }
            let value = serde_json::to_value(value).map_err(|error| {
                Failure::InvalidRequest(format!("the parameter `{name}` does not serialize: {error}"))
            })?;
            Ok(match &value {
                Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
                Value::Object(map) => map
                    .iter()
                    .map(|(k, v)| format!("{k},{}", text(v)))
                    .collect::<Vec<_>>()
                    .join(","),
                other => text(other),
            })
        }

        /// Adds a query parameter of any shape, from its JSON: a scalar is `name=value`; an array
        /// repeats the name per item (`explode`) or joins the items with commas; an object sends
        /// each property as its own pair (`explode`), or `name=k,v,...`; with `deep` (`deepObject`)
        /// properties are `name[k]=v`, nested ones `name[k][j]=v`, array items `name[k][]=v`.
        /// `null` sends nothing; anything nested that the style cannot express is sent as JSON.
        pub(crate) fn query_value<T: serde::Serialize>(
            query: &mut Vec<(std::borrow::Cow<'static, str>, String)>,
            name: &'static str,
            value: &T,
            explode: bool,
            deep: bool,
        ) -> Result<(), Failure> {
            use serde_json::Value;
            fn text(value: &Value) -> Option<String> {
                match value {
                    Value::Null => None,
                    Value::String(text) => Some(text.clone()),
                    other => Some(other.to_string()),
                }
            }
            fn deep_pairs(query: &mut Vec<(std::borrow::Cow<'static, str>, String)>, key: String, value: &Value) {
                match value {
                    Value::Object(map) => {
                        for (k, v) in map {
                            deep_pairs(query, format!("{key}[{k}]"), v);
                        }
                    }
                    Value::Array(items) => {
                        for item in items {
                            deep_pairs(query, format!("{key}[]"), item);
                        }
                    }
                    other => {
                        if let Some(text) = text(other) {
                            query.push((key.into(), text));
                        }
                    }
                }
            }
            let value = serde_json::to_value(value).map_err(|error| {
                Failure::InvalidRequest(format!("the query parameter `{name}` does not serialize: {error}"))
            })?;
            if deep {
                deep_pairs(query, name.to_owned(), &value);
                return Ok(());
            }
            match &value {
                Value::Array(items) if explode => {
                    for item in items {
                        if let Some(text) = text(item) {
                            query.push((name.into(), text));
                        }
                    }
                }
                Value::Array(items) => {
                    let joined: Vec<String> = items.iter().filter_map(text).collect();
                    query.push((name.into(), joined.join(",")));
                }
                Value::Object(map) if explode => {
                    for (k, v) in map {
                        if let Some(text) = text(v) {
                            query.push((k.clone().into(), text));
                        }
                    }
                }
                Value::Object(map) => {
                    let joined: Vec<String> = map
                        .iter()
                        .filter_map(|(k, v)| text(v).map(|v| format!("{k},{v}")))
                        .collect();
                    query.push((name.into(), joined.join(",")));
                }
                other => {
                    if let Some(text) = text(other) {
                        query.push((name.into(), text));
                    }
                }
            }
            Ok(())
        }

        /// Serializes a JSON request body.
        pub(crate) fn json_body<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, Failure> {
            serde_json::to_vec(value)
                .map_err(|error| Failure::InvalidRequest(format!("the request body does not serialize: {error}")))
        }

        /// Characters left as they are in a form-urlencoded name or value.
        const FORM: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'_')
            .remove(b'.')
            .remove(b'*');

        /// Serializes an `application/x-www-form-urlencoded` request body: each property of the
        /// object is one `name=value` pair (in the order of `serde_json`'s map), an array repeats the name
        /// once per item, `null` is left out, and a nested object is sent as JSON text.
        pub(crate) fn form_body<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, Failure> {
            let invalid = |message: String| Failure::InvalidRequest(message);
            let value = serde_json::to_value(value)
                .map_err(|error| invalid(format!("the request body does not serialize: {error}")))?;
            let serde_json::Value::Object(map) = value else {
                return Err(invalid("a form request body must be an object".to_owned()));
            };
            fn text(value: &serde_json::Value) -> Option<String> {
                match value {
                    serde_json::Value::Null => None,
                    serde_json::Value::String(text) => Some(text.clone()),
                    other => Some(other.to_string()),
                }
            }
            let mut pairs = Vec::new();
            for (name, value) in &map {
                let items: Vec<&serde_json::Value> = match value {
                    serde_json::Value::Array(items) => items.iter().collect(),
                    other => vec![other],
                };
                for item in items {
                    if let Some(text) = text(item) {
                        pairs.push(format!(
                            "{}={}",
                            percent_encoding::utf8_percent_encode(name, FORM),
                            percent_encoding::utf8_percent_encode(&text, FORM)
                        ));
                    }
                }
            }
            Ok(pairs.join("&").into_bytes())
        }

        /// The boundary between the parts of a `multipart/form-data` body; a part that
        /// contains it is refused.
        const MULTIPART_BOUNDARY: &str = "stitch-part-8f3c1e6a9b2d4f70a5c7e1b3d9f2a6c4";

        /// The `Content-Type` of a `multipart/form-data` body.
        pub(crate) const MULTIPART_CONTENT_TYPE: &str =
            "multipart/form-data; boundary=stitch-part-8f3c1e6a9b2d4f70a5c7e1b3d9f2a6c4";

        /// A `multipart/form-data` body being built, one part at a time.
        #[derive(Debug, Default)]
        pub(crate) struct Multipart {
            body: Vec<u8>,
        }

        impl Multipart {
            /// One part; `file_name` makes it a file part.
            fn part(&mut self, name: &str, file_name: Option<&str>, content_type: Option<&str>, data: &[u8]) -> Result<(), Failure> {
                for (what, text) in [("part name", Some(name)), ("file name", file_name)] {
                    if text.is_some_and(|text| text.chars().any(|c| c == '"' || c.is_control())) {
                        return Err(Failure::InvalidRequest(format!("the {what} {text:?} cannot be sent in a multipart body")));
                    }
                }
                if content_type.is_some_and(|t| t.chars().any(char::is_control)) {
                    return Err(Failure::InvalidRequest(format!("the content type of the part `{name}` holds a control character")));
                }
                if data.windows(MULTIPART_BOUNDARY.len()).any(|w| w == MULTIPART_BOUNDARY.as_bytes()) {
                    return Err(Failure::InvalidRequest(format!("the part `{name}` contains the multipart boundary")));
                }
                let mut head = format!("--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"");
                if let Some(file_name) = file_name {
                    head.push_str(&format!("; filename=\"{file_name}\""));
                }
                head.push_str("\r\n");
                if let Some(content_type) = content_type {
                    head.push_str(&format!("Content-Type: {content_type}\r\n"));
                }
                head.push_str("\r\n");
                self.body.extend_from_slice(head.as_bytes());
                self.body.extend_from_slice(data);
                self.body.extend_from_slice(b"\r\n");
                Ok(())
            }

            /// A text part.
            pub(crate) fn text(&mut self, name: &str, value: &str) -> Result<(), Failure> {
                self.part(name, None, None, value.as_bytes())
            }

            /// A file part (`application/octet-stream`), named after the part.
            pub(crate) fn file(&mut self, name: &str, value: &[u8]) -> Result<(), Failure> {
                self.part(name, Some(name), Some("application/octet-stream"), value)
            }

            /// A JSON part.
            pub(crate) fn json<T: serde::Serialize>(&mut self, name: &str, value: &T) -> Result<(), Failure> {
                let data = json_body(value)?;
                self.part(name, None, Some("application/json"), &data)
            }

            /// The whole body.
            pub(crate) fn finish(mut self) -> Vec<u8> {
                self.body.extend_from_slice(format!("--{MULTIPART_BOUNDARY}--\r\n").as_bytes());
                self.body
            }
        }

        /// A `multipart/form-data` body you build part by part, for an operation whose API
        /// description does not say what its parts are (its body is not an object of
        /// properties). Each part is sent in the order added.
        ///
        /// ```text
        /// let form = Form::new().text("title", "My recipe").file("image", "photo.png", "image/png", bytes);
        /// ```
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct Form {
            parts: Vec<FormPart>,
        }

        #[derive(Debug, Clone, PartialEq, Eq)]
        struct FormPart {
            name: String,
            file: Option<(String, String)>,
            data: Vec<u8>,
        }

        impl Form {
            /// An empty form.
            pub fn new() -> Self {
                Self::default()
            }

            /// Adds a text part.
            pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                let data = value.into().into_bytes();
                self.parts.push(FormPart { name: name.into(), file: None, data });
                self
            }

            /// Adds a file part: its file name, its content type (`application/octet-stream`
            /// when unknown) and its bytes.
            pub fn file(
                mut self,
                name: impl Into<String>,
                file_name: impl Into<String>,
                content_type: impl Into<String>,
                data: impl Into<Vec<u8>>,
            ) -> Self {
                let file = Some((file_name.into(), content_type.into()));
                self.parts.push(FormPart { name: name.into(), file, data: data.into() });
                self
            }

            /// The body on the wire; a name that cannot be sent is an error.
            pub(crate) fn encode(&self) -> Result<Vec<u8>, Failure> {
                let mut body = Multipart::default();
                for part in &self.parts {
                    match &part.file {
                        Some((file_name, content_type)) => {
                            body.part(&part.name, Some(file_name), Some(content_type), &part.data)?
                        }
                        None => body.part(&part.name, None, None, &part.data)?,
                    }
                }
                Ok(body.finish())
            }
        }

        fn header_name(name: &str) -> Result<HeaderName, Failure> {
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Failure::InvalidRequest(format!("`{name}` is not a valid HTTP header name")))
        }

        /// A header value, refused (not panicking) when it holds CR, LF or another control
        /// character; `what` names it in the error without showing the value.
        fn header_value(what: &str, value: &str, sensitive: bool) -> Result<HeaderValue, Failure> {
            let mut header = HeaderValue::from_str(value).map_err(|_| {
                Failure::InvalidRequest(format!(
                    "{what} contains a character not allowed in an HTTP header (such as CR or LF)"
                ))
            })?;
            header.set_sensitive(sensitive);
            Ok(header)
        }

        fn check_cookie(what: &str, value: &str) -> Result<(), Failure> {
            if value.chars().any(|c| c.is_control() || c == ';' || c == ',') {
                return Err(Failure::InvalidRequest(format!(
                    "{what} contains a character not allowed in a cookie (such as `;`, `,`, CR or LF)"
                )));
            }
            Ok(())
        }

        fn base64(input: &[u8]) -> String {
            const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
            for chunk in input.chunks(3) {
                let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
                let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
                for i in 0..4 {
                    if i <= chunk.len() {
                        out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
                    } else {
                        out.push('=');
                    }
                }
            }
            out
        }

        /// One shape of a [`best_fit`] union: the wire names of its properties (none for a
        /// shape that is not an object) and a function that reads the value as that shape.
        pub(crate) type Shape<T> = (
            &'static [&'static str],
            fn(serde_json::Value) -> Result<T, serde_json::Error>,
        );

        /// Decodes an untagged union of several object shapes (`name` is its type, for the
        /// error). serde's untagged decoding would take the first shape that fits, and an object
        /// whose properties are all optional fits anything; here every shape is tried, and of
        /// those that fit, the one naming most of the object's properties wins (the first one on
        /// a tie).
        pub(crate) fn best_fit<'de, D: serde::Deserializer<'de>, T>(
            deserializer: D,
            name: &str,
            shapes: &[Shape<T>],
        ) -> Result<T, D::Error> {
            let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
            let keys: Vec<&str> = match &value {
                serde_json::Value::Object(map) => map.keys().map(String::as_str).collect(),
                _ => Vec::new(),
            };
            let mut best: Option<(usize, T)> = None;
            for (names, read) in shapes {
                if let Ok(found) = read(value.clone()) {
                    let score = keys.iter().filter(|key| names.contains(key)).count();
                    if best.as_ref().is_none_or(|(top, _)| score > *top) {
                        best = Some((score, found));
                    }
                }
            }
            match best {
                Some((_, found)) => Ok(found),
                None => Err(serde::de::Error::custom(format_args!("the value matches no shape of {name}"))),
            }
        }

        /// The API client. Cheap to clone: clones share one connection pool.
        ///
        /// Its `Debug` output shows which credentials are set, never their values.
        ///
        /// Statuses: a documented status is decoded as the API describes it. A success status
        /// (2xx) the operation does not document is decoded as its success value when the
        /// operation has exactly one success type (servers answer `201` where the API says
        /// `200`); a request builder's `send` shows the status that came. Operations with
        /// several success types, and strict mode ([`ClientBuilder::strict_status`], or
        /// `strict_status` on one request), give [`Error::UnexpectedStatus`] instead.
        #[derive(Clone, Debug)]
        pub struct Client {
            http: reqwest::Client,
            base_url: String,
            credentials: Vec<(&'static str, Credential)>,
            retry: RetryPolicy,
            timeout: Option<Duration>,
            strict_status: bool,
        }

        /// Configures a [`Client`]: credentials (one method per security scheme), timeouts,
        /// retries, the base path and how undocumented success statuses are taken.
        #[derive(Debug)]
        pub struct ClientBuilder {
            base_url: String,
            base_path: String,
            credentials: Vec<(&'static str, Credential)>,
            retry: RetryPolicy,
            timeout: Option<Duration>,
            connect_timeout: Option<Duration>,
            user_agent: String,
            http: Option<reqwest::Client>,
            strict_status: bool,
        }

        impl Client {
            /// A client for the API at `base_url` (e.g. `https://api.example.com`), without
            /// credentials and with the default settings.
            pub fn new(base_url: impl Into<String>) -> Result<Client, Error> {
                Client::builder(base_url).build()
            }

            /// Starts configuring a client for the API at `base_url`.
            ///
            /// Operation paths go under the path of the API's server (the first entry of its
            /// `servers`, with server variables at their defaults; see [`ClientBuilder::base_path`]):
            /// with `servers: [{"url": "/api"}]`, `Client::builder("http://127.0.0.1:4200")`
            /// calls `http://127.0.0.1:4200/api/...`. Only the server's path is used, for a
            /// relative server URL and an absolute one alike: the scheme, host and port are
            /// always the ones of `base_url`. A `base_url` whose path already ends with the
            /// server's path (`http://127.0.0.1:4200/api`) is used as it is, so giving the
            /// whole URL works too.
            pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
                ClientBuilder {
                    base_url: base_url.into(),
                    base_path: super::client::SERVER_PATH.to_owned(),
                    credentials: Vec::new(),
                    retry: RetryPolicy::default(),
                    timeout: Some(Duration::from_secs(30)),
                    connect_timeout: Some(Duration::from_secs(10)),
                    user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned(),
                    http: None,
                    strict_status: false,
                }
            }

            /// The base URL requests go to: the one given to the builder, with the base path
            /// (see [`Client::builder`]), without a trailing `/`.
            pub fn base_url(&self) -> &str {
                &self.base_url
            }

            /// Sends `request`, retrying as the policy allows, and reads the whole response.
            pub(crate) async fn execute(&self, request: Request, options: &RequestOptions) -> Result<RawResponse, Failure> {
                let url = format!("{}{}", self.base_url, request.path);
                let mut headers = HeaderMap::new();
                let mut query = request.query;
                let mut cookies = Vec::new();
                for (name, value) in &request.headers {
                    let what = format!("the header parameter `{name}`");
                    headers.append(header_name(name)?, header_value(&what, value, false)?);
                }
                for (name, value) in &request.cookies {
                    check_cookie(&format!("the cookie parameter `{name}`"), value)?;
                    cookies.push(format!("{name}={value}"));
                }
                for (scheme, credential) in &self.credentials {
                    if !request.schemes.contains(scheme) {
                        continue;
                    }
                    let what = format!("the credential of `{scheme}`");
                    match credential {
                        Credential::Header { name, value } => {
                            headers.insert(header_name(name)?, header_value(&what, value.expose(), true)?);
                        }
                        Credential::Query { name, value } => query.push(((*name).into(), value.expose().to_owned())),
                        Credential::Cookie { name, value } => {
                            check_cookie(&what, value.expose())?;
                            cookies.push(format!("{name}={}", value.expose()));
                        }
                        Credential::Bearer(token) => {
                            let value = format!("Bearer {}", token.expose());
                            headers.insert(reqwest::header::AUTHORIZATION, header_value(&what, &value, true)?);
                        }
                        Credential::Basic { user, password } => {
                            let pair = format!("{}:{}", user.expose(), password.expose());
                            let value = format!("Basic {}", base64(pair.as_bytes()));
                            headers.insert(reqwest::header::AUTHORIZATION, header_value(&what, &value, true)?);
                        }
                    }
                }
                if !cookies.is_empty() {
                    headers.insert(reqwest::header::COOKIE, header_value("a cookie", &cookies.join("; "), true)?);
                }
                if let Some((content_type, _)) = &request.body {
                    headers.insert(reqwest::header::CONTENT_TYPE, header_value("the request body's media type", content_type, false)?);
                }
                let retry = options.retry.as_ref().unwrap_or(&self.retry);
                let timeout = options.timeout.unwrap_or(self.timeout);
                let idempotent = [Method::GET, Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS, Method::TRACE]
                    .contains(&request.method);
                let mut attempt = 0u32;
                loop {
                    let mut builder = self.http.request(request.method.clone(), &url).headers(headers.clone());
                    if !query.is_empty() {
                        builder = builder.query(&query);
                    }
                    if let Some(timeout) = timeout {
                        builder = builder.timeout(timeout);
                    }
                    if let Some((_, body)) = &request.body {
                        builder = builder.body(body.clone());
                    }
                    let may_retry = idempotent && attempt < retry.max_retries;
                    let transport = |source: reqwest::Error| Failure::Transport {
                        method: request.method.clone(),
                        path: request.path.clone(),
                        source: source.without_url(),
                    };
                    match builder.send().await {
                        Ok(response) => {
                            let status = response.status();
                            if may_retry && matches!(status.as_u16(), 429 | 502 | 503 | 504) {
                                let wait = retry.wait(attempt, response.headers());
                                drop(response);
                                tokio::time::sleep(wait).await;
                                attempt += 1;
                                continue;
                            }
                            let headers = Box::new(response.headers().clone());
                            let body = response.bytes().await.map_err(transport)?;
                            return Ok(RawResponse { status, headers, body: body.to_vec() });
                        }
                        Err(source) if may_retry && retryable(&source) => {
                            tokio::time::sleep(retry.backoff(attempt)).await;
                            attempt += 1;
                        }
                        Err(source) => return Err(transport(source)),
                    }
                }
            }
        }

        impl ClientBuilder {
            /// The timeout of each attempt of a request, from connecting to the end of the body
            /// (default 30 s; `None`: no timeout). A request can override it.
            pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
                self.timeout = timeout;
                self
            }

            /// The timeout for connecting (default 10 s; `None`: no timeout).
            pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
                self.connect_timeout = timeout;
                self
            }

            /// The retry policy (see [`RetryPolicy`]). A request can override it.
            pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
                self.retry = policy;
                self
            }

            /// The `User-Agent` header (default: this crate's name and version).
            pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
                self.user_agent = user_agent.into();
                self
            }

            /// The path every operation's path goes under, in place of the path of the API's
            /// server (see [`Client::builder`]); `""` sends operation paths right after the
            /// base URL. It is added to the base URL unless that URL's path already ends
            /// with it.
            pub fn base_path(mut self, path: impl Into<String>) -> Self {
                self.base_path = path.into();
                self
            }

            /// Strict mode (default off): a success status the operation does not document
            /// is [`Error::UnexpectedStatus`], rather than decoded as the operation's success
            /// value (see [`Client`]). A request can override it.
            pub fn strict_status(mut self, strict: bool) -> Self {
                self.strict_status = strict;
                self
            }

            /// Uses a `reqwest::Client` you configured (proxies, TLS roots, ...); the user agent
            /// and connect timeout set here are then ignored.
            pub fn http_client(mut self, client: reqwest::Client) -> Self {
                self.http = Some(client);
                self
            }

            pub(crate) fn credential(mut self, scheme: &'static str, credential: Credential) -> Self {
                self.credentials.retain(|(key, _)| *key != scheme);
                self.credentials.push((scheme, credential));
                self
            }

            /// Checks the settings and builds the client.
            pub fn build(self) -> Result<Client, Error> {
                let mut base_url = self.base_url.trim_end_matches('/').to_owned();
                let given_path = match reqwest::Url::parse(&base_url) {
                    Ok(url) if matches!(url.scheme(), "http" | "https") && url.query().is_none() && url.fragment().is_none() => {
                        url.path().trim_end_matches('/').to_owned()
                    }
                    _ => {
                        return Err(Error::InvalidRequest(
                            "the base URL must be an absolute http or https URL without a query".to_owned(),
                        ));
                    }
                };
                let base_path = self.base_path.trim_matches('/');
                if base_path.contains(['?', '#']) || base_path.chars().any(|c| c.is_control() || c == ' ') {
                    return Err(Error::InvalidRequest(format!(
                        "the base path {base_path:?} must be a URL path, without a query, a fragment or spaces"
                    )));
                }
                if !base_path.is_empty() && !given_path.ends_with(&format!("/{base_path}")) {
                    base_url.push('/');
                    base_url.push_str(base_path);
                }
                for (scheme, credential) in &self.credentials {
                    let what = format!("the credential of `{scheme}`");
                    match credential {
                        Credential::Header { value, .. } | Credential::Bearer(value) => {
                            header_value(&what, value.expose(), true)?;
                        }
                        Credential::Cookie { value, .. } => check_cookie(&what, value.expose())?,
                        Credential::Basic { user, password } => {
                            header_value(&what, user.expose(), true)?;
                            header_value(&what, password.expose(), true)?;
                        }
                        Credential::Query { .. } => {}
                    }
                }
                let http = match self.http {
                    Some(http) => http,
                    None => {
                        let mut builder = reqwest::Client::builder().user_agent(self.user_agent);
                        if let Some(timeout) = self.connect_timeout {
                            builder = builder.connect_timeout(timeout);
                        }
                        builder
                            .build()
                            .map_err(|error| Failure::InvalidRequest(format!("the HTTP client cannot be built: {error}")))?
                    }
                };
                Ok(Client {
                    http,
                    base_url,
                    credentials: self.credentials,
                    retry: self.retry,
                    timeout: self.timeout,
                    strict_status: self.strict_status,
                })
            }
        }
    }
}

/// The runtime's macros, as source text (prettyplease prints a `macro_rules!` body as one
/// flow of tokens, so these are kept formatted by hand; `tests::macros_parse` checks that they
/// parse). They are the same for every API and come last in the runtime module; the other
/// modules call them by path (`runtime::operation!`), through the `pub(crate) use` after each.
pub(super) const MACROS: &str = r##"
/// One operation, from the Rust items that describe it (what differs between operations),
/// into everything it is made of (what they share, written once here):
///
/// ```text
/// operation! {
///     /// Docs of the `Client` method.
///     pub fn list_pets(owner: String) -> ListPets {}   // required arguments, in order
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
/// gives the method `Client::list_pets(&self, owner: impl Into<String>)`; the request builder
/// `ListPets<'a>` (the client's `Call`, each required argument, each optional one as an
/// `Option`), its setters, `timeout`, `retry_policy`, `strict_status`, `send` and `.await` (`IntoFuture`),
/// `request` and `decode`; and the error enum, with its derives and docs.
macro_rules! operation {
    (
        $(#[$doc:meta])*
        pub fn $method:ident($($arg:ident: $arg_ty:ty),* $(,)?) -> $name:ident {}
        struct $builder:ident {
            $($(#[$setter_doc:meta])* $setter:ident: $setter_ty:ty,)*
        }
        type Value = $value:ty;
        pub enum $error:ident { $($errors:tt)* }
        fn request $request_args:tt -> $request_ty:ty $request:block
        fn decode $decode_args:tt -> $decode_ty:ty $decode:block
    ) => {
        impl super::Client {
            $(#[$doc])*
            pub fn $method(&self, $($arg: impl Into<$arg_ty>),*) -> $name<'_> {
                $name { call: self.call(), $($arg: $arg.into(),)* $($setter: None,)* }
            }
        }

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

/// What an open and a closed enum share, all through `as_str`: `Display`, serde's
/// `Serialize` (the value on the wire) and `ParamText` (the value in a path, query or header).
macro_rules! text_impls {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl super::runtime::ParamText for $name {
            fn param_text(&self) -> String {
                self.as_str().to_owned()
            }
        }
    };
}

pub(crate) use text_impls;

/// An open string enum, from its known values (`Variant = "value"`): the enum with an
/// `Unknown(String)` variant that keeps any other value (and sends it back unchanged),
/// and its conversions from and to text, `Display`, `FromStr` and serde.
macro_rules! open_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($variant:ident = $value:literal),* $(,)? }) => {
        $(#[$meta])*
        ///
        /// Open: a value this client does not know yet arrives as `Unknown` and is sent
        /// back unchanged.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(#[doc = concat!("`", $value, "`")] $variant,)*
            /// A value this version of the client does not know.
            Unknown(String),
        }

        impl $name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                match value {
                    $name::Unknown(value) => value,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        super::runtime::text_impls!($name);

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

pub(crate) use open_enum;

/// A closed string enum, from its values (`Variant = "value"`): only these values decode, any
/// other is an error. The model closes the one-value enums that tell the variants of a union
/// apart (`"type": {"enum": ["abort_details"]}`), so a variant whose fixed value is not the
/// one received does not fit. Conversions to text, `Display` and serde as for `open_enum!`.
macro_rules! closed_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($variant:ident = $value:literal),* $(,)? }) => {
        $(#[$meta])*
        ///
        /// Closed: only the values listed decode (this value is what tells the variants of a
        /// union apart).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(#[doc = concat!("`", $value, "`")] $variant,)*
        }

        impl $name {
            /// The value on the wire.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $(Self::$variant => $value,)*
                }
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.as_str().to_owned()
            }
        }

        super::runtime::text_impls!($name);

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                match value.as_str() {
                    $($value => Ok(Self::$variant),)*
                    other => Err(serde::de::Error::unknown_variant(other, &[$($value),*])),
                }
            }
        }
    };
}

pub(crate) use closed_enum;
"##;

#[cfg(test)]
mod tests {
    #[test]
    fn macros_parse() {
        let parsed = syn::parse_str::<syn::File>(super::MACROS);
        assert!(parsed.is_ok(), "{:?}", parsed.err());
    }
}
