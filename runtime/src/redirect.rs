//! Redirects, followed by the runtime rather than by reqwest (the client it builds has
//! `redirect::Policy::none()`), because what to do is a question of the operation and of
//! which headers carry credentials, and reqwest's policy is one per `reqwest::Client` and
//! sees neither.
//!
//! - An operation whose documented successes are all redirects (GitHub's
//!   `repos/download-tarball-archive`: `302` with a `Location`) never follows one: the `3xx`
//!   is its answer, decoded as documented (`send()` gives its status and `location()`).
//! - Any other operation follows `301`, `302`, `303`, `307` and `308` up to
//!   [`MAX_REDIRECTS`] times (reqwest's default is the same ten). `303`, and `301`/`302` after
//!   a `POST`, go on as a `GET` without the body (as browsers and reqwest do); `307` and
//!   `308` send the same method and body again, unless the body was streamed (it cannot be
//!   read twice): that `3xx` is then the answer. A `Location` that is missing, not a URL or
//!   not `http`/`https` ends the chain there too, as does the limit: the last `3xx` is the
//!   answer (an undocumented status keeps its raw response, `Location` included).
//! - To another origin (scheme, host or port), only the headers that carry no credential
//!   go along: the operation's header parameters, `Accept`, `User-Agent`, the body's media
//!   type and the idempotency key. Every credential (`Authorization`, an API key's header,
//!   cookies) and every header added with `default_header` or `.header(..)` is dropped
//!   (reqwest drops only `Authorization`, cookies and `Proxy-Authorization`, so an API key
//!   in its own header would have reached the other host). A credential in the query is
//!   never carried: the next URL is the server's `Location`. Within one origin every
//!   header is kept.
//!
//! Each hop goes through the middlewares as its own attempt. With a `reqwest::Client` of
//! your own (`ClientBuilder::http_client`), its redirect policy runs first: give it
//! `redirect::Policy::none()` so the rules above hold (reqwest's default would follow the
//! redirect of a redirect operation and hand back the target's answer).

use reqwest::header::{HeaderMap, HeaderName};
use reqwest::{Method, StatusCode, Url};

use super::{AttemptError, Client, OperationInfo, Request};

/// The most redirects one attempt follows.
pub(crate) const MAX_REDIRECTS: usize = 10;

/// Headers that go along to another origin whatever the request (none carries a credential).
const PLAIN_HEADERS: [HeaderName; 3] = [
    reqwest::header::ACCEPT,
    reqwest::header::USER_AGENT,
    reqwest::header::CONTENT_TYPE,
];

impl Request {
    /// The request of an operation whose documented answer is a redirect: it is not followed.
    #[allow(dead_code)] // called by the operations of an API that has such an operation
    pub(crate) fn without_redirects(mut self) -> Self {
        self.follow_redirects = false;
        self
    }
}

/// How one request treats redirects: whether it follows them, and which of its headers may
/// go to another origin.
#[derive(Debug, Clone)]
pub(crate) struct Redirects {
    follow: bool,
    cross_origin: Vec<HeaderName>,
}

impl Redirects {
    /// The rules of `request`, whose idempotency key (if any) goes in `idempotency`.
    pub(crate) fn of(request: &Request, idempotency: &HeaderName) -> Self {
        let mut cross_origin: Vec<HeaderName> = request
            .headers
            .iter()
            .filter_map(|(name, _)| HeaderName::from_bytes(name.as_bytes()).ok())
            .collect();
        cross_origin.extend(PLAIN_HEADERS);
        cross_origin.push(idempotency.clone());
        Redirects {
            follow: request.follow_redirects,
            cross_origin,
        }
    }

    /// The headers of `headers` that may go to another origin.
    fn cross_origin(&self, headers: &HeaderMap) -> HeaderMap {
        let mut kept = HeaderMap::new();
        for (name, value) in headers {
            if self.cross_origin.contains(name) {
                kept.append(name.clone(), value.clone());
            }
        }
        kept
    }
}

/// Where a redirect answer points, if it is one this client follows.
fn target(response: &reqwest::Response) -> Option<Url> {
    if !matches!(response.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers().get(reqwest::header::LOCATION)?;
    let location = location
        .to_str()
        .ok()
        .filter(|text| !text.trim().is_empty())?;
    let next = response.url().join(location).ok()?;
    matches!(next.scheme(), "http" | "https").then_some(next)
}

/// Whether `a` and `b` are one origin (scheme, host and port).
fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// The method the next request uses after `status` answered `method`, and whether it sends
/// the body again.
fn next_method(status: StatusCode, method: &Method) -> (Method, bool) {
    match status.as_u16() {
        303 if *method != Method::HEAD => (Method::GET, false),
        301 | 302 if *method == Method::POST => (Method::GET, false),
        _ => (method.clone(), true),
    }
}

impl Client {
    /// Sends one attempt of a request and follows its redirects as `rules` say (see the
    /// module's docs), each hop through [`send_attempt`](Client::send_attempt).
    pub(crate) async fn send_following(
        &self,
        request: reqwest::Request,
        operation: Option<OperationInfo>,
        rules: &Redirects,
    ) -> Result<reqwest::Response, AttemptError> {
        if !rules.follow {
            return self.send_attempt(request, operation).await;
        }
        let origin = request.url().clone();
        let timeout = request.timeout().copied();
        let mut method = request.method().clone();
        let mut headers = request.headers().clone();
        let mut body = request
            .body()
            .and_then(|body| body.as_bytes())
            .map(<[u8]>::to_vec);
        let mut streamed = request.body().is_some() && body.is_none();
        let mut response = self.send_attempt(request, operation).await?;
        for _ in 0..MAX_REDIRECTS {
            let Some(next) = target(&response) else {
                return Ok(response);
            };
            let (next_method, keeps_body) = next_method(response.status(), &method);
            if keeps_body && streamed {
                return Ok(response);
            }
            if !keeps_body {
                body = None;
                streamed = false;
                headers.remove(reqwest::header::CONTENT_TYPE);
                headers.remove(reqwest::header::CONTENT_LENGTH);
            }
            if !same_origin(&origin, &next) {
                headers = rules.cross_origin(&headers);
            }
            method = next_method;
            let mut request = reqwest::Request::new(method.clone(), next);
            *request.headers_mut() = headers.clone();
            *request.timeout_mut() = timeout;
            if let Some(bytes) = &body {
                *request.body_mut() = Some(bytes.clone().into());
            }
            drop(response);
            response = self.send_attempt(request, operation).await?;
        }
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_server::{Reply, Server};
    use crate::{Credential, Secret};

    fn client(server: &Server) -> Client {
        Client::builder(&server.url)
            .credential(
                "key",
                Credential::Header {
                    name: "X-Api-Key",
                    value: Secret::new("hunter2"),
                },
            )
            .credential("bearer", Credential::Bearer(Secret::new("token")))
            .default_header("X-Team", "a")
            .build()
            .unwrap_or_else(|error| panic!("{error}"))
    }

    fn request(method: Method) -> Request {
        let mut request = Request::new(method, "/start".to_owned(), &["key", "bearer"]);
        request.headers.push(("X-Trace", "t1".to_owned()));
        request
    }

    #[tokio::test]
    async fn a_redirect_to_another_origin_drops_every_credential() {
        let other = Server::start(vec![Reply::new(200, "there")]).await;
        let first = Server::start(vec![
            Reply::new(302, "").header("location", &format!("{}/next?a=1", other.url))
        ])
        .await;
        let client = client(&first);
        let mut get = request(Method::GET);
        get.query.push(("q".into(), "1".to_owned()));
        let raw = client.execute(get, &Default::default()).await;
        assert_eq!(raw.map(|r| r.status().as_u16()).ok(), Some(200));
        let seen = first.seen();
        assert_eq!(seen[0].header("x-api-key"), Some("hunter2"));
        let seen = other.seen();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].target, "/next?a=1");
        for name in ["x-api-key", "authorization", "x-team"] {
            assert_eq!(seen[0].header(name), None, "{name} went to the other host");
        }
        // The operation's own header parameter goes along.
        assert_eq!(seen[0].header("x-trace"), Some("t1"));
    }

    #[tokio::test]
    async fn a_redirect_within_the_origin_keeps_the_headers() {
        let server = Server::start(vec![
            Reply::new(307, "").header("location", "/again"),
            Reply::new(200, "done"),
        ])
        .await;
        let client = client(&server);
        let mut post = request(Method::POST);
        post.body = Some(("application/json", b"{\"a\":1}".to_vec()));
        let raw = client.execute(post, &Default::default()).await;
        assert_eq!(raw.map(|r| r.status().as_u16()).ok(), Some(200));
        let seen = server.seen();
        assert_eq!(seen.len(), 2);
        assert_eq!(
            (seen[1].method.as_str(), seen[1].target.as_str()),
            ("POST", "/again")
        );
        assert_eq!(seen[1].body, b"{\"a\":1}");
        assert_eq!(seen[1].header("x-api-key"), Some("hunter2"));
        assert_eq!(seen[1].header("x-team"), Some("a"));
    }

    #[tokio::test]
    async fn a_303_goes_on_as_a_get_without_the_body() {
        let server = Server::start(vec![
            Reply::new(303, "").header("location", "/result"),
            Reply::new(200, "done"),
        ])
        .await;
        let client = client(&server);
        let mut post = request(Method::POST);
        post.body = Some(("application/json", b"{}".to_vec()));
        let raw = client.execute(post, &Default::default()).await;
        assert_eq!(raw.map(|r| r.status().as_u16()).ok(), Some(200));
        let seen = server.seen();
        assert_eq!((seen[1].method.as_str(), seen[1].body.len()), ("GET", 0));
        assert_eq!(seen[1].header("content-type"), None);
    }

    #[tokio::test]
    async fn a_redirect_operation_gets_its_3xx_and_the_chain_ends_at_the_limit() {
        let server = Server::start(vec![Reply::new(302, "").header("location", "/loop")]).await;
        let client = client(&server);
        let raw = client
            .execute(
                request(Method::GET).without_redirects(),
                &Default::default(),
            )
            .await;
        assert_eq!(raw.map(|r| r.status().as_u16()).ok(), Some(302));
        assert_eq!(server.seen().len(), 1);
        // A loop ends after MAX_REDIRECTS hops with the last 3xx.
        let raw = client
            .execute(request(Method::GET), &Default::default())
            .await;
        assert_eq!(raw.map(|r| r.status().as_u16()).ok(), Some(302));
        assert_eq!(server.seen().len(), 1 + 1 + MAX_REDIRECTS);
    }

    #[tokio::test]
    async fn a_location_that_is_not_an_http_url_ends_the_chain() {
        for location in ["ftp://example.com/x", "http://[::1", ""] {
            let server =
                Server::start(vec![Reply::new(301, "").header("location", location)]).await;
            let client = client(&server);
            let raw = client
                .execute(request(Method::GET), &Default::default())
                .await;
            assert_eq!(raw.map(|r| r.status().as_u16()).ok(), Some(301));
            assert_eq!(server.seen().len(), 1);
        }
    }
}
