//! A call: what a request builder holds ([`Call`], [`RequestOptions`]), the request it
//! builds ([`Request`]), sending it with retries (`Client::execute_as`) and the futures a
//! builder's `send` and `.await` give ([`Sending`], [`ValueFuture`]). Written once, generic,
//! rather than once per operation.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::Method;

use super::{
    attempt_keys, base64, check_cookie, failure_kind, header_name, header_value, merge_headers,
    reserve_key, AttemptError, CallTrace, Client, Credential, Error, ExtraHeaders, Failure,
    IdempotencyKey, OperationInfo, PendingKey, RawResponse, Redirects, ResponseValue, RetryPolicy,
};

/// A sent request: a future of the decoded value with the response's status and headers
/// (what a request builder's `send` returns). `E` is the operation's documented errors.
#[must_use = "a future does nothing until it is awaited"]
pub struct Sending<'a, T, E> {
    future: SendingFuture<'a, T, E>,
}

type SendingFuture<'a, T, E> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<ResponseValue<T>, Error<E>>> + Send + 'a>,
>;

/// Sends `request` (built by a request builder) and decodes the response with `decode`
/// (the builder's, by status): written once, generic, rather than once per operation. `R` is
/// what `decode` reads: the whole response ([`RawResponse`]), or one whose success body is
/// still arriving (`Streamed`, in `stream.rs`).
pub(crate) fn sending<'a, R: Receive + 'a, T: 'a, E: 'a>(
    call: Call<'a>,
    request: Result<Request, Failure>,
    decode: fn(R, bool) -> Result<ResponseValue<T>, Error<E>>,
) -> Sending<'a, T, E> {
    Sending {
        future: Box::pin(async move {
            let (response, trace) = call
                .client
                .execute_traced::<R>(request?, &call.options)
                .await;
            let strict = call
                .options
                .strict_status
                .unwrap_or(call.client.strict_status);
            let decoded = decode(response?, strict);
            trace.decoded(&decoded);
            decoded
        }),
    }
}

impl<T, E> std::future::Future for Sending<'_, T, E> {
    type Output = Result<ResponseValue<T>, Error<E>>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
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

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.sending)
            .poll(cx)
            .map(|sent| sent.map(ResponseValue::into_inner))
    }
}

impl<T, E> fmt::Debug for ValueFuture<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ValueFuture")
    }
}

/// What a request builder's `decode` reads, made from a response whose headers arrived.
pub(crate) trait Receive: Sized + Send {
    /// Reads what `decode` needs of `response` (the request's method and path name it in
    /// errors); `resend` is how to send the request again, made only when
    /// [`Receive::RESENDS`] asks for it.
    fn receive(
        response: reqwest::Response,
        method: Method,
        path: String,
        resend: Option<Resend>,
    ) -> impl std::future::Future<Output = Result<Self, Failure>> + Send;

    /// The request is kept (when it can be sent again) for `receive`.
    const RESENDS: bool = false;

    /// The success body is read after `receive`, as it arrives: the request's timeout,
    /// which would end the body too, is not set (the connect timeout still is).
    const STREAMS: bool = false;

    /// The response's status (for the call's `tracing` span).
    fn status(&self) -> reqwest::StatusCode;
}

/// What it takes to send a request again (an event stream reconnecting, in `sse.rs`; an API
/// without event streams never reads it).
#[derive(Debug)]
#[allow(dead_code)]
pub(crate) struct Resend {
    pub(crate) client: Client,
    pub(crate) options: RequestOptions,
    pub(crate) request: Request,
}

impl Receive for RawResponse {
    fn status(&self) -> reqwest::StatusCode {
        self.status
    }

    /// Reads the whole body.
    async fn receive(
        response: reqwest::Response,
        method: Method,
        path: String,
        _: Option<Resend>,
    ) -> Result<Self, Failure> {
        let status = response.status();
        let headers = Box::new(response.headers().clone());
        let body = response
            .bytes()
            .await
            .map_err(|source| Failure::Transport {
                method,
                path,
                source: source.without_url(),
            })?;
        Ok(RawResponse {
            status,
            headers,
            body: body.to_vec(),
        })
    }
}

/// The success value and the documented errors of a request builder (the builder's
/// `send` returns `Result<ResponseValue<Value>, Error<Error>>`).
pub trait Typed {
    type Value;
    type Error;
}

/// What a request builder's `decode` returns.
pub(crate) type Decoded<B> = Result<ResponseValue<<B as Typed>::Value>, Error<<B as Typed>::Error>>;

/// What every request builder holds besides its arguments: the client, and the settings
/// that override the client's for this request.
#[derive(Debug, Clone)]
pub(crate) struct Call<'a> {
    pub(crate) client: &'a Client,
    pub(crate) options: RequestOptions,
}

/// Per-request settings that override the client's.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestOptions {
    /// `Some(None)`: this request has no timeout, whatever the client's.
    pub(crate) timeout: Option<Option<Duration>>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) strict_status: Option<bool>,
    /// Headers of this request (see the `headers` module for how they meet the others).
    pub(crate) headers: ExtraHeaders,
    /// The idempotency key: with one, a POST or PATCH is retried like an idempotent request.
    pub(crate) idempotency: Option<IdempotencyKey>,
    /// Which operation this is (set by `operation!`), for middlewares and tracing.
    pub(crate) operation: Option<OperationInfo>,
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
    /// A body sent as it is read (a file, a stream: `stream.rs`), with its media type; a
    /// request with one is never retried, since the body cannot be read twice.
    pub(crate) upload: Option<(&'static str, reqwest::Body)>,
    /// Keys of the security schemes whose configured credentials go with it.
    pub(crate) schemes: &'static [&'static str],
    /// Whether redirects are followed (not for an operation whose answer is one: `redirect.rs`).
    pub(crate) follow_redirects: bool,
}

impl Request {
    /// A copy to send again; `None` for a request whose body is read as it is sent.
    pub(crate) fn try_clone(&self) -> Option<Request> {
        self.upload.is_none().then(|| self.copy_without_upload())
    }

    /// A copy of everything but a body read as it is sent (which cannot be copied): for a
    /// request known to have none, or whose copy must not send it.
    pub(crate) fn copy_without_upload(&self) -> Request {
        Request {
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            cookies: self.cookies.clone(),
            body: self.body.clone(),
            upload: None,
            schemes: self.schemes,
            follow_redirects: self.follow_redirects,
        }
    }
}

/// One constructor per HTTP method: each operation calls its own, so an API uses some.
#[allow(dead_code)]
impl Request {
    /// A request without parameters or body yet; `schemes` are the keys of the
    /// security schemes whose configured credentials go with it.
    pub(crate) fn new(method: Method, path: String, schemes: &'static [&'static str]) -> Self {
        Request {
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            upload: None,
            schemes,
            follow_redirects: true,
        }
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

impl Client {
    /// A request's client and settings, to start a request builder with.
    pub(crate) fn call(&self) -> Call<'_> {
        Call {
            client: self,
            options: RequestOptions::default(),
        }
    }

    /// Sends `request`, retrying as the policy allows, and reads of the response what `R`
    /// keeps (in a `tracing` span, with the `tracing` feature).
    #[allow(dead_code)] // called by event streams' reconnection (`sse.rs`): an API may have none
    pub(crate) async fn execute_as<R: Receive>(
        &self,
        request: Request,
        options: &RequestOptions,
    ) -> Result<R, Failure> {
        self.execute_traced(request, options).await.0
    }

    /// [`execute_as`](Self::execute_as), with the call's trace, to record how decoding went.
    pub(crate) async fn execute_traced<R: Receive>(
        &self,
        request: Request,
        options: &RequestOptions,
    ) -> (Result<R, Failure>, CallTrace) {
        let trace = CallTrace::start(&self.base_url, &request.method, options.operation);
        let mut resends = 0;
        let attempts = self.attempts::<R>(request, options, &trace, &mut resends);
        let result = trace.instrument(attempts).await;
        trace.finish(resends, result.as_ref().map(Receive::status));
        (result, trace)
    }

    /// What [`execute_as`](Self::execute_as) does: every attempt, counting the ones after the
    /// first in `resends`. An attempt goes through the middlewares, with the credential of
    /// that attempt (a token source is asked each time); a `401` to a token a source then
    /// forgets is sent once more with a fresh token, whatever the method (the server refused
    /// it before doing anything).
    async fn attempts<R: Receive>(
        &self,
        mut request: Request,
        options: &RequestOptions,
        trace: &CallTrace,
        resends: &mut u32,
    ) -> Result<R, Failure> {
        let resend = if R::RESENDS {
            request.try_clone().map(|request| Resend {
                client: self.clone(),
                options: options.clone(),
                request,
            })
        } else {
            None
        };
        let mut upload = request.upload.take();
        let redirects = Redirects::of(&request, &self.idempotency_header);
        let url = format!("{}{}", self.base_url, request.path);
        let mut headers = HeaderMap::new();
        let mut query = request.query;
        let mut cookies = Vec::new();
        let mut tokens = Vec::new();
        let mut keys = Vec::new();
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
                    headers.insert(
                        header_name(name)?,
                        header_value(&what, value.expose(), true)?,
                    );
                }
                Credential::Query { name, value } => {
                    query.push(((*name).into(), value.expose().to_owned()))
                }
                Credential::Cookie { name, value } => {
                    check_cookie(&what, value.expose())?;
                    cookies.push(format!("{name}={}", value.expose()));
                }
                Credential::Bearer(token) => {
                    let value = format!("Bearer {}", token.expose());
                    headers.insert(
                        reqwest::header::AUTHORIZATION,
                        header_value(&what, &value, true)?,
                    );
                }
                Credential::Basic { user, password } => {
                    let pair = format!("{}:{}", user.expose(), password.expose());
                    let value = format!("Basic {}", base64(pair.as_bytes()));
                    headers.insert(
                        reqwest::header::AUTHORIZATION,
                        header_value(&what, &value, true)?,
                    );
                }
                // Set on each attempt; named here so no added header takes its place.
                Credential::Token(source) => {
                    headers.insert(
                        reqwest::header::AUTHORIZATION,
                        reqwest::header::HeaderValue::from_static("Bearer"),
                    );
                    tokens.push((*scheme, what, source));
                }
                Credential::Key {
                    place,
                    name,
                    source,
                } => {
                    reserve_key(&mut headers, *place, name)?;
                    keys.push(PendingKey {
                        scheme,
                        what,
                        place: *place,
                        name,
                        source,
                    });
                }
            }
        }
        if !cookies.is_empty() {
            headers.insert(
                reqwest::header::COOKIE,
                header_value("a cookie", &cookies.join("; "), true)?,
            );
        }
        let content_type =
            (request.body.as_ref().map(|body| body.0)).or(upload.as_ref().map(|upload| upload.0));
        if let Some(content_type) = content_type {
            headers.insert(
                reqwest::header::CONTENT_TYPE,
                header_value("the request body's media type", content_type, false)?,
            );
        }
        // One key per send, the same for each retry.
        let key = options.idempotency.as_ref().map(IdempotencyKey::resolve);
        merge_headers(
            &mut headers,
            &options.headers,
            key.as_deref().map(|key| (&self.idempotency_header, key)),
            &self.default_headers,
            &self.idempotency_header,
        )?;
        let retry = options.retry.as_ref().unwrap_or(&self.retry);
        let timeout = options.timeout.unwrap_or(self.timeout);
        // POST and PATCH only with an idempotency key: the server can then tell a retry from
        // a new request, so a write is never done twice.
        let idempotent = key.is_some()
            || [
                Method::GET,
                Method::HEAD,
                Method::PUT,
                Method::DELETE,
                Method::OPTIONS,
                Method::TRACE,
            ]
            .contains(&request.method);
        let streamed = upload.is_some();
        let mut attempt = 0u32;
        let mut refreshed = false;
        loop {
            let mut attempt_headers = headers.clone();
            let mut sent_tokens = Vec::new();
            for (scheme, what, source) in &tokens {
                let token =
                    source
                        .token(&self.http)
                        .await
                        .map_err(|source| Failure::Credential {
                            scheme: (*scheme).to_owned(),
                            source,
                        })?;
                let value = format!("Bearer {}", token.expose());
                attempt_headers.insert(
                    reqwest::header::AUTHORIZATION,
                    header_value(what, &value, true)?,
                );
                sent_tokens.push((source, token));
            }
            let key_query = attempt_keys(&keys, &self.http, &mut attempt_headers).await?;
            let mut builder = self
                .http
                .request(request.method.clone(), &url)
                .headers(attempt_headers);
            if !query.is_empty() {
                builder = builder.query(&query);
            }
            if !key_query.is_empty() {
                builder = builder.query(&key_query);
            }
            // A body that streams either way takes as long as it takes: the timeout then bounds
            // only the wait for the response's headers (below), never the body.
            let header_timeout = timeout.filter(|_| R::STREAMS || streamed);
            if let Some(timeout) = timeout.filter(|_| header_timeout.is_none()) {
                builder = builder.timeout(timeout);
            }
            if let Some((_, body)) = &request.body {
                builder = builder.body(body.clone());
            }
            if let Some((_, body)) = upload.take() {
                builder = builder.body(body);
            }
            let may_retry = idempotent && attempt < retry.retries() && !streamed;
            let sent = match (builder.build(), header_timeout) {
                (Ok(built), None) => {
                    self.send_following(built, options.operation, &redirects)
                        .await
                }
                (Ok(built), Some(limit)) => {
                    let send = self.send_following(built, options.operation, &redirects);
                    tokio::time::timeout(limit, send)
                        .await
                        .unwrap_or(Err(AttemptError::Timeout(limit)))
                }
                (Err(source), _) => Err(AttemptError::Http(source)),
            };
            match sent {
                Ok(response) => {
                    let status = response.status();
                    trace.attempt(*resends, Ok(status));
                    // A streamed body was read by this attempt: it cannot be sent again.
                    if status == reqwest::StatusCode::UNAUTHORIZED
                        && !refreshed
                        && !streamed
                        && sent_tokens.iter().fold(false, |again, (source, token)| {
                            source.rejected(token) || again
                        })
                    {
                        refreshed = true;
                        *resends += 1;
                        continue;
                    }
                    if may_retry && matches!(status.as_u16(), 429 | 502 | 503 | 504) {
                        let wait = retry.wait(attempt, response.headers());
                        drop(response);
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                        *resends += 1;
                        continue;
                    }
                    let (method, path) = (request.method.clone(), request.path.clone());
                    return R::receive(response, method, path, resend).await;
                }
                Err(error) if may_retry && error.retryable() => {
                    trace.attempt(*resends, Err(error.kind()));
                    tokio::time::sleep(retry.backoff(attempt)).await;
                    attempt += 1;
                    *resends += 1;
                }
                Err(error) => {
                    let failure = error.into_failure(&request.method, &request.path);
                    trace.attempt(*resends, Err(failure_kind(&failure)));
                    return Err(failure);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::test_server::{Reply, Server};
    use crate::Secret;

    impl Client {
        /// Sends `request`, retrying as the policy allows, and reads the whole response (for
        /// the runtime's tests).
        pub(crate) async fn execute(
            &self,
            request: Request,
            options: &RequestOptions,
        ) -> Result<RawResponse, Failure> {
            self.execute_as(request, options).await
        }
    }

    fn fast_retries() -> RetryPolicy {
        RetryPolicy::default()
            .initial_backoff(Duration::from_millis(1))
            .max_backoff(Duration::from_millis(2))
    }

    fn client(server: &Server) -> Client {
        Client::builder(&server.url)
            .retry_policy(fast_retries())
            .build()
            .unwrap_or_else(|error| panic!("{error}"))
    }

    async fn status(client: &Client, request: Request) -> Result<u16, String> {
        match client.execute(request, &RequestOptions::default()).await {
            Ok(response) => Ok(response.status().as_u16()),
            Err(failure) => Err(format!("{failure:?}")),
        }
    }

    #[tokio::test]
    async fn idempotent_requests_are_retried_on_503_and_429() {
        let server = Server::start(vec![
            Reply::new(503, "busy"),
            Reply::new(429, "slow down").header("retry-after", "0"),
            Reply::new(200, "ok"),
        ])
        .await;
        let client = client(&server);
        assert_eq!(
            status(&client, Request::get("/a".to_owned(), &[])).await,
            Ok(200)
        );
        assert_eq!(server.seen().len(), 3);
    }

    #[tokio::test]
    async fn a_post_is_never_retried() {
        let server = Server::start(vec![Reply::new(503, "busy"), Reply::new(200, "ok")]).await;
        let client = client(&server);
        assert_eq!(
            status(&client, Request::post("/a".to_owned(), &[])).await,
            Ok(503)
        );
        assert_eq!(server.seen().len(), 1);
    }

    fn with_key(key: IdempotencyKey) -> RequestOptions {
        RequestOptions {
            idempotency: Some(key),
            ..RequestOptions::default()
        }
    }

    #[tokio::test]
    async fn a_post_or_patch_with_an_idempotency_key_is_retried_with_the_same_key() {
        let server = Server::start(vec![Reply::new(503, "busy"), Reply::new(201, "made")]).await;
        let client = client(&server);
        let options = with_key(IdempotencyKey::Given("order-42".to_owned()));
        let response = client
            .execute(Request::post("/orders".to_owned(), &[]), &options)
            .await;
        assert_eq!(response.map(|r| r.status().as_u16()).ok(), Some(201));
        let seen = server.seen();
        assert_eq!(seen.len(), 2);
        for request in &seen {
            assert_eq!(request.method, "POST");
            assert_eq!(request.header("idempotency-key"), Some("order-42"));
        }
        // A PATCH too, under the header the client names.
        let server = Server::start(vec![Reply::new(502, ""), Reply::new(200, "")]).await;
        let client = Client::builder(&server.url)
            .retry_policy(fast_retries())
            .idempotency_header("X-Request-Key")
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        let response = client
            .execute(Request::patch("/orders/1".to_owned(), &[]), &options)
            .await;
        assert_eq!(response.map(|r| r.status().as_u16()).ok(), Some(200));
        let seen = server.seen();
        assert_eq!(seen.len(), 2);
        assert!(seen
            .iter()
            .all(|r| r.header("x-request-key") == Some("order-42")
                && r.header("idempotency-key").is_none()));
    }

    #[tokio::test]
    async fn a_generated_key_is_one_per_send_and_kept_across_its_retries() {
        let server = Server::start(vec![
            Reply::new(503, ""),
            Reply::new(200, ""),
            Reply::new(200, ""),
        ])
        .await;
        let client = client(&server);
        let options = with_key(IdempotencyKey::Generated);
        for _ in 0..2 {
            let response = client
                .execute(Request::post("/orders".to_owned(), &[]), &options)
                .await;
            assert_eq!(response.map(|r| r.status().as_u16()).ok(), Some(200));
        }
        let keys: Vec<String> = server
            .seen()
            .iter()
            .map(|r| r.header("idempotency-key").unwrap_or_default().to_owned())
            .collect();
        assert_eq!(keys.len(), 3);
        assert_eq!(keys[0], keys[1], "a retry carries its send's key");
        assert_ne!(keys[1], keys[2], "another send has another key");
        for key in &keys {
            let version = uuid::Uuid::parse_str(key).map(|uuid| uuid.get_version_num());
            assert_eq!(version.ok(), Some(4), "{key}");
        }
    }

    #[tokio::test]
    async fn request_and_default_headers_beside_the_operations() {
        let server = Server::start(vec![Reply::new(200, "")]).await;
        let client = Client::builder(&server.url)
            .default_header("X-Team", "payments")
            .default_header("X-Env", "prod")
            .default_header("X-Trace", "from the client")
            .credential("bearer", Credential::Bearer(Secret::new("t0k")))
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        let mut options = RequestOptions::default();
        options
            .headers
            .push("X-Env".to_owned(), "staging".to_owned());
        options.headers.push("X-Tag".to_owned(), "a".to_owned());
        options.headers.push("x-tag".to_owned(), "b".to_owned());
        let mut request = Request::get("/a".to_owned(), &["bearer"]);
        request.headers.push(("X-Trace", "param".to_owned()));
        let response = client.execute(request, &options).await;
        assert_eq!(response.map(|r| r.status().as_u16()).ok(), Some(200));
        let seen = &server.seen()[0];
        let all = |name: &str| -> Vec<&str> {
            seen.headers
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .collect()
        };
        assert_eq!(all("x-team"), ["payments"]);
        assert_eq!(all("x-env"), ["staging"]);
        assert_eq!(all("x-tag"), ["a", "b"]);
        assert_eq!(all("x-trace"), ["param"]);
        assert_eq!(all("authorization"), ["Bearer t0k"]);
        // A request's header may not replace what the operation sets: a parameter, a
        // credential, the body's media type; nothing is sent.
        for name in ["x-trace", "Authorization", "Content-Type"] {
            let mut options = RequestOptions::default();
            options.headers.push(name.to_owned(), "mine".to_owned());
            let mut request = Request::post("/b".to_owned(), &["bearer"]);
            request.headers.push(("X-Trace", "param".to_owned()));
            request.body = Some(("application/json", b"{}".to_vec()));
            match client.execute(request, &options).await {
                Err(Failure::InvalidRequest(message)) => {
                    let lower = message.to_lowercase();
                    assert!(
                        lower.contains(&format!("`{}`", name.to_lowercase())),
                        "{message}"
                    );
                    assert!(!message.contains("mine"), "{message}");
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        assert_eq!(server.seen().len(), 1);
    }

    #[tokio::test]
    async fn retries_stop_at_the_policys_maximum() {
        let server = Server::start(vec![Reply::new(502, "bad gateway")]).await;
        let client = client(&server);
        let options = RequestOptions {
            retry: Some(fast_retries().max_retries(2)),
            ..RequestOptions::default()
        };
        let response = client
            .execute(Request::put("/a".to_owned(), &[]), &options)
            .await;
        assert_eq!(response.map(|r| r.status().as_u16()).ok(), Some(502));
        assert_eq!(server.seen().len(), 3);
        // No retries at all, and a status that is not retried.
        let options = RequestOptions {
            retry: Some(RetryPolicy::none()),
            ..RequestOptions::default()
        };
        let _ = client
            .execute(Request::delete("/b".to_owned(), &[]), &options)
            .await;
        assert_eq!(server.seen().len(), 4);
    }

    #[tokio::test]
    async fn a_retry_after_is_honoured() {
        let server = Server::start(vec![
            Reply::new(503, "").header("retry-after", "1"),
            Reply::new(200, ""),
        ])
        .await;
        let client = client(&server);
        let start = Instant::now();
        assert_eq!(
            status(&client, Request::get("/a".to_owned(), &[])).await,
            Ok(200)
        );
        assert!(
            start.elapsed() >= Duration::from_millis(900),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test]
    async fn a_refused_connection_is_retried_then_reported_without_the_url() {
        // A port nothing listens on: bind one, then free it.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address");
        drop(listener);
        let client = Client::builder(format!("http://{address}"))
            .retry_policy(fast_retries())
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        let request = Request::new(Method::GET, "/x/y".to_owned(), &[]);
        match client.execute(request, &RequestOptions::default()).await {
            Err(Failure::Transport {
                method,
                path,
                source,
            }) => {
                assert_eq!((method, path.as_str()), (Method::GET, "/x/y"));
                assert!(source.is_connect() && source.url().is_none(), "{source:?}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn parameters_body_and_the_credentials_of_the_requests_schemes() {
        let server = Server::start(vec![Reply::new(200, "")]).await;
        let client = Client::builder(&server.url)
            .credential(
                "key",
                Credential::Header {
                    name: "X-Key",
                    value: Secret::new("k1"),
                },
            )
            .credential(
                "query",
                Credential::Query {
                    name: "api_key",
                    value: Secret::new("q1"),
                },
            )
            .credential(
                "session",
                Credential::Cookie {
                    name: "sid",
                    value: Secret::new("c1"),
                },
            )
            .credential(
                "basic",
                Credential::Basic {
                    user: Secret::new("Aladdin"),
                    password: Secret::new("open sesame"),
                },
            )
            .credential("unused", Credential::Bearer(Secret::new("never")))
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        let mut request = Request::post("/items".to_owned(), &["key", "query", "session", "basic"]);
        request.query.push(("q".into(), "a b&c".to_owned()));
        request.headers.push(("X-Trace", "t1".to_owned()));
        request.cookies.push(("theme", "dark".to_owned()));
        request.body = Some(("application/json", b"{}".to_vec()));
        assert_eq!(status(&client, request).await, Ok(200));
        let seen = &server.seen()[0];
        assert_eq!(seen.method, "POST");
        assert_eq!(seen.target, "/items?q=a+b%26c&api_key=q1");
        assert_eq!(seen.header("x-trace"), Some("t1"));
        assert_eq!(seen.header("x-key"), Some("k1"));
        assert_eq!(seen.header("cookie"), Some("theme=dark; sid=c1"));
        assert_eq!(
            seen.header("authorization"),
            Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        );
        assert_eq!(seen.header("content-type"), Some("application/json"));
        assert_eq!(seen.body, b"{}");
        // A request without schemes sends no credential.
        assert_eq!(
            status(&client, Request::get("/open".to_owned(), &[])).await,
            Ok(200)
        );
        let seen = &server.seen()[1];
        assert!(seen.header("x-key").is_none() && seen.header("authorization").is_none());
        assert_eq!(seen.target, "/open");
    }

    #[tokio::test]
    async fn a_parameter_that_cannot_be_a_header_is_refused_before_sending() {
        let server = Server::start(vec![Reply::new(200, "")]).await;
        let client = client(&server);
        let mut request = Request::get("/a".to_owned(), &[]);
        request.headers.push(("X-Bad", "a\r\nX-Evil: 1".to_owned()));
        assert!(matches!(
            client.execute(request, &RequestOptions::default()).await,
            Err(Failure::InvalidRequest(_))
        ));
        assert!(server.seen().is_empty());
    }
}
