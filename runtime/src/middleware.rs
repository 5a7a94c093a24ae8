//! Middleware: with the generated crate's cargo feature `middleware`, the client runs every
//! attempt of a request through a stack of [`reqwest-middleware`] middlewares
//! ([`ClientBuilder::with`](super::ClientBuilder::with)), the ecosystem's seam for reqwest, so
//! the middlewares written for it (and one's own) plug in unchanged. A middleware sees the
//! request as it goes out (parameters, credentials and headers in place), may change it,
//! observe or change the response, or answer itself without sending anything.
//!
//! Invariants: middlewares run on every attempt, inside the retry loop (a retry, and the
//! resend after an OAuth2 token refresh, go through them again, after the credential of that
//! attempt is set); the first added is the outermost; each attempt's [`Extensions`] hold the
//! [`OperationInfo`] of the request. Without the feature nothing of this is compiled and an
//! attempt is the HTTP client's `execute`.
//!
//! [`reqwest-middleware`]: https://docs.rs/reqwest-middleware

use std::fmt;

use reqwest::Method;

use super::{retryable, transport_kind, BoxError, Client, Failure};

#[cfg(feature = "middleware")]
pub use http::Extensions;
#[cfg(feature = "middleware")]
pub use reqwest_middleware::{Middleware, Next};

/// Which operation a request is: in a middleware's [`Extensions`] (with the `middleware`
/// feature) and on the `tracing` span (with the `tracing` feature).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationInfo {
    /// The API's `operationId` (the method's name where the API gives none).
    pub id: &'static str,
    /// The operation's path template as the API writes it (`/pets/{petId}`).
    pub template: &'static str,
}

/// The client's middleware stack (empty, and nothing at all without the feature).
#[derive(Clone, Default)]
pub(crate) struct Middlewares {
    #[cfg(feature = "middleware")]
    stack: Vec<std::sync::Arc<dyn Middleware>>,
    /// The HTTP client wrapped with the stack, made by [`Middlewares::build`].
    #[cfg(feature = "middleware")]
    client: Option<reqwest_middleware::ClientWithMiddleware>,
}

impl fmt::Debug for Middlewares {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        #[cfg(feature = "middleware")]
        return write!(f, "{} middlewares", self.stack.len());
        #[cfg(not(feature = "middleware"))]
        f.write_str("no middlewares")
    }
}

impl Middlewares {
    /// The stack, ready to send through `http`.
    pub(crate) fn build(self, http: &reqwest::Client) -> Self {
        #[cfg(feature = "middleware")]
        if !self.stack.is_empty() {
            let client =
                reqwest_middleware::ClientWithMiddleware::new(http.clone(), self.stack.clone());
            return Middlewares {
                client: Some(client),
                ..self
            };
        }
        let _ = http;
        self
    }
}

/// Why an attempt brought no response.
#[derive(Debug)]
pub(crate) enum AttemptError {
    /// The HTTP client failed (connection, timeout, TLS): maybe retried.
    Http(reqwest::Error),
    /// No response headers within this long (a request whose body streams): maybe retried.
    Timeout(std::time::Duration),
    /// A middleware failed the request: never retried.
    #[allow(dead_code)] // made only with the `middleware` feature
    Middleware(BoxError),
}

impl AttemptError {
    /// Whether another attempt may help: a transport error worth retrying, or no headers in
    /// time; never a middleware's error.
    pub(crate) fn retryable(&self) -> bool {
        match self {
            AttemptError::Http(source) => retryable(source),
            AttemptError::Timeout(_) => true,
            AttemptError::Middleware(_) => false,
        }
    }

    /// The attempt's `error.type` (a fixed word, never a message).
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            AttemptError::Http(source) => transport_kind(source),
            AttemptError::Timeout(_) => "timeout",
            AttemptError::Middleware(_) => "middleware",
        }
    }

    /// The failure a call reports.
    pub(crate) fn into_failure(self, method: &Method, path: &str) -> Failure {
        match self {
            AttemptError::Http(source) => Failure::Transport {
                method: method.clone(),
                path: path.to_owned(),
                source: source.without_url(),
            },
            AttemptError::Timeout(after) => Failure::Timeout {
                method: method.clone(),
                path: path.to_owned(),
                after,
            },
            #[cfg(feature = "middleware")]
            AttemptError::Middleware(source) => Failure::Middleware {
                method: method.clone(),
                path: path.to_owned(),
                source,
            },
            #[cfg(not(feature = "middleware"))]
            AttemptError::Middleware(source) => Failure::InvalidRequest(source.to_string()),
        }
    }
}

impl Client {
    /// Sends one attempt of a request: through the middleware stack when there is one.
    pub(crate) async fn send_attempt(
        &self,
        request: reqwest::Request,
        operation: Option<OperationInfo>,
    ) -> Result<reqwest::Response, AttemptError> {
        #[cfg(feature = "middleware")]
        if let Some(client) = &self.middleware.client {
            let mut extensions = Extensions::new();
            if let Some(operation) = operation {
                extensions.insert(operation);
            }
            return client
                .execute_with_extensions(request, &mut extensions)
                .await
                .map_err(|error| match error {
                    reqwest_middleware::Error::Reqwest(error) => AttemptError::Http(error),
                    reqwest_middleware::Error::Middleware(error) => {
                        AttemptError::Middleware(error.into())
                    }
                });
        }
        let _ = operation;
        self.http.execute(request).await.map_err(AttemptError::Http)
    }
}

#[cfg(feature = "middleware")]
impl super::ClientBuilder {
    /// Adds a middleware (the `middleware` feature): every attempt of every request goes
    /// through the middlewares in the order they were added, the first outermost, inside
    /// the retry loop (a retried request passes through them again). A middleware may change
    /// the request, observe or change the response, or answer itself by returning a response
    /// without calling `next` (`reqwest::Response::from(http::Response<_>)`). Its error
    /// fails the call with `Error::Middleware`, never retried. The request's [`Extensions`]
    /// hold its [`OperationInfo`].
    ///
    /// Any [`Middleware`] of the `reqwest-middleware` crate works, and so does an async
    /// function of the request, the extensions and `next` (see the crate's docs).
    pub fn with<M: Middleware>(self, middleware: M) -> Self {
        self.with_arc(std::sync::Arc::new(middleware))
    }

    /// [`with`](Self::with) for a middleware already in an `Arc` (shared with other clients).
    pub fn with_arc(mut self, middleware: std::sync::Arc<dyn Middleware>) -> Self {
        self.middleware.stack.push(middleware);
        self
    }
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "middleware")]
    mod stacks {
        use std::sync::{Arc, Mutex};
        use std::time::Duration;

        use reqwest::header::HeaderValue;

        use super::super::*;
        use crate::test_server::{Reply, Server};
        use crate::{ClientBuilder, Error, Request, RequestOptions, RetryPolicy};

        type Log = Arc<Mutex<Vec<String>>>;

        fn note(log: &Log, line: String) {
            log.lock().unwrap_or_else(|e| e.into_inner()).push(line);
        }

        fn lines(log: &Log) -> Vec<String> {
            log.lock().unwrap_or_else(|e| e.into_inner()).clone()
        }

        /// Adds `X-Tag: <name>` to the request, and notes when it ran and what came back.
        struct Tag {
            name: &'static str,
            log: Log,
        }

        #[async_trait::async_trait]
        impl Middleware for Tag {
            async fn handle(
                &self,
                mut request: reqwest::Request,
                extensions: &mut Extensions,
                next: Next<'_>,
            ) -> reqwest_middleware::Result<reqwest::Response> {
                let operation = extensions.get::<OperationInfo>().map(|op| op.id);
                note(&self.log, format!("{} in {operation:?}", self.name));
                request
                    .headers_mut()
                    .append("x-tag", HeaderValue::from_static(self.name));
                let response = next.run(request, extensions).await?;
                note(
                    &self.log,
                    format!("{} out {}", self.name, response.status().as_u16()),
                );
                Ok(response)
            }
        }

        /// Answers every request itself with `200 {"cached": true}`; nothing is sent.
        struct Cache;

        #[async_trait::async_trait]
        impl Middleware for Cache {
            async fn handle(
                &self,
                request: reqwest::Request,
                _: &mut Extensions,
                _: Next<'_>,
            ) -> reqwest_middleware::Result<reqwest::Response> {
                let body = format!(r#"{{"cached": true, "path": "{}"}}"#, request.url().path());
                let response = http::Response::builder()
                    .status(200)
                    .header("content-type", "application/json")
                    .body(body)
                    .map_err(reqwest_middleware::Error::middleware)?;
                Ok(reqwest::Response::from(response))
            }
        }

        /// Refuses every request.
        struct Deny;

        #[async_trait::async_trait]
        impl Middleware for Deny {
            async fn handle(
                &self,
                _: reqwest::Request,
                _: &mut Extensions,
                _: Next<'_>,
            ) -> reqwest_middleware::Result<reqwest::Response> {
                Err(reqwest_middleware::Error::middleware(
                    std::io::Error::other("not allowed here"),
                ))
            }
        }

        fn client(url: &str, add: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Client {
            let builder = Client::builder(url)
                .retry_policy(RetryPolicy::default().initial_backoff(Duration::ZERO));
            add(builder)
                .build()
                .unwrap_or_else(|error| panic!("{error}"))
        }

        fn options() -> RequestOptions {
            RequestOptions {
                operation: Some(OperationInfo {
                    id: "getThing",
                    template: "/things/{id}",
                }),
                ..RequestOptions::default()
            }
        }

        #[tokio::test]
        async fn a_middleware_adds_a_header_on_every_attempt() {
            let server = Server::start(vec![Reply::new(503, "busy"), Reply::new(200, "ok")]).await;
            let log = Log::default();
            let client = client(&server.url, |b| {
                b.with(Tag {
                    name: "one",
                    log: Arc::clone(&log),
                })
            });
            let response = client
                .execute(Request::get("/things/1".to_owned(), &[]), &options())
                .await;
            assert_eq!(response.map(|r| r.status().as_u16()).ok(), Some(200));
            let seen = server.seen();
            assert_eq!(seen.len(), 2);
            assert!(seen.iter().all(|r| r.header("x-tag") == Some("one")));
            assert_eq!(
                lines(&log),
                [
                    "one in Some(\"getThing\")",
                    "one out 503",
                    "one in Some(\"getThing\")",
                    "one out 200"
                ]
            );
        }

        #[tokio::test]
        async fn middlewares_compose_in_the_order_they_were_added() {
            let server = Server::start(vec![Reply::new(200, "ok")]).await;
            let log = Log::default();
            let client = client(&server.url, |b| {
                b.with(Tag {
                    name: "outer",
                    log: Arc::clone(&log),
                })
                .with_arc(Arc::new(Tag {
                    name: "inner",
                    log: Arc::clone(&log),
                }))
            });
            let response = client
                .execute(
                    Request::get("/a".to_owned(), &[]),
                    &RequestOptions::default(),
                )
                .await;
            assert_eq!(response.map(|r| r.status().as_u16()).ok(), Some(200));
            let seen = &server.seen()[0];
            let tags: Vec<&str> = seen
                .headers
                .iter()
                .filter(|(name, _)| name == "x-tag")
                .map(|(_, value)| value.as_str())
                .collect();
            assert_eq!(tags, ["outer", "inner"]);
            assert_eq!(
                lines(&log),
                [
                    "outer in None",
                    "inner in None",
                    "inner out 200",
                    "outer out 200"
                ]
            );
            assert!(format!("{client:?}").contains("2 middlewares"));
        }

        #[tokio::test]
        async fn a_middleware_answers_itself_and_nothing_is_sent() {
            let server = Server::start(vec![Reply::new(500, "never")]).await;
            let log = Log::default();
            let client = client(&server.url, |b| {
                b.with(Tag {
                    name: "outer",
                    log: Arc::clone(&log),
                })
                .with(Cache)
            });
            let response = client
                .execute(Request::get("/things/7".to_owned(), &[]), &options())
                .await
                .unwrap_or_else(|error| panic!("{error:?}"));
            assert_eq!(response.status().as_u16(), 200);
            assert_eq!(response.text(), r#"{"cached": true, "path": "/things/7"}"#);
            assert!(server.seen().is_empty());
            assert_eq!(
                lines(&log),
                ["outer in Some(\"getThing\")", "outer out 200"]
            );
        }

        #[tokio::test]
        async fn a_middlewares_error_fails_the_call_without_a_retry() {
            let server = Server::start(vec![Reply::new(200, "ok")]).await;
            let client = client(&server.url, |b| b.with(Deny));
            let result: Result<_, Error> = client
                .execute(
                    Request::get("/a".to_owned(), &[]),
                    &RequestOptions::default(),
                )
                .await
                .map_err(Error::from);
            match result {
                Err(Error::Middleware {
                    method,
                    path,
                    source,
                }) => {
                    assert_eq!((method, path.as_str()), (Method::GET, "/a"));
                    assert_eq!(source.to_string(), "not allowed here");
                }
                other => panic!("{other:?}"),
            }
            assert!(server.seen().is_empty());
        }
    }
}
