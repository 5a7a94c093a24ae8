//! Credentials and the header and cookie text they and parameters go into: a [`Secret`]
//! never shows in `Debug` output or error messages; header and cookie values are checked
//! (never a panic on CR, LF or another character HTTP does not allow). A bearer token may
//! also come from a [`TokenSource`] (a user's callback, or an OAuth2 token provider), asked
//! on every attempt, and so may an API key in a header, the query or a cookie (a key rotated
//! by a secret store): [`Credential::Key`], set on each attempt by [`attempt_keys`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::Failure;

/// A credential: kept out of `Debug` output and error messages.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    /// A credential as given (see [`Credential`]).
    #[allow(dead_code)] // called by the generated `client` module, if the API has security schemes
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How one security scheme's credential is sent.
// The generated `client` module writes one `ClientBuilder` method per security scheme, each
// constructing its kind: an API uses some kinds, or none.
#[allow(dead_code)]
#[derive(Clone, Debug)]
pub(crate) enum Credential {
    Header {
        name: &'static str,
        value: Secret,
    },
    Query {
        name: &'static str,
        value: Secret,
    },
    Cookie {
        name: &'static str,
        value: Secret,
    },
    Bearer(Secret),
    Basic {
        user: Secret,
        password: Secret,
    },
    /// `Authorization: Bearer <token>`, the token asked from its source on every attempt.
    Token(Arc<dyn TokenSource>),
    /// An API key named `name` in `place`, asked from its source (the user's callback) on
    /// every attempt.
    Key {
        place: KeyPlace,
        name: &'static str,
        source: Arc<dyn TokenSource>,
    },
}

/// Where an API key goes.
#[allow(dead_code)] // each generated `{scheme}_with` of an API-key scheme names one
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyPlace {
    Header,
    Query,
    Cookie,
}

/// What a credential's source (a callback, a token endpoint) failed with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future of a token.
pub(crate) type TokenFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Secret, BoxError>> + Send + 'a>>;

/// Where a bearer token comes from when it is not one fixed value: asked on every attempt of
/// a request (so a token that expired between two retries is replaced).
pub(crate) trait TokenSource: Send + Sync + fmt::Debug {
    /// The token to send now; `http` is the client's HTTP client (for a token endpoint).
    fn token<'a>(&'a self, http: &'a reqwest::Client) -> TokenFuture<'a>;

    /// Whether the source can work for a client of `base_url` (checked by
    /// `ClientBuilder::build`; the message names the scheme and what to do).
    fn check(&self, _base_url: &str) -> Result<(), String> {
        Ok(())
    }

    /// The server answered `401` to a request that carried `token`: whether to send the
    /// request once more with a fresh token (the source forgets `token` if it still holds it).
    fn rejected(&self, _token: &Secret) -> bool {
        false
    }
}

/// A bearer token from the user's async callback, called on every attempt (the callback
/// caches, if it should).
struct TokenFn(Box<dyn Fn() -> TokenFuture<'static> + Send + Sync>);

impl fmt::Debug for TokenFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenFn(<callback>)")
    }
}

impl TokenSource for TokenFn {
    fn token<'a>(&'a self, _http: &'a reqwest::Client) -> TokenFuture<'a> {
        (self.0)()
    }
}

#[allow(dead_code)] // called by the generated `client` module, if the API has a bearer scheme
impl Credential {
    /// A bearer token from `callback`, an async closure called on every attempt.
    pub(crate) fn token_fn<F, Fut, E>(callback: F) -> Credential
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        Credential::Token(callback_source(callback))
    }

    /// An API key named `name` in `place`, from `callback`, an async closure called on every
    /// attempt.
    pub(crate) fn key_fn<F, Fut, E>(place: KeyPlace, name: &'static str, callback: F) -> Credential
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        Credential::Key {
            place,
            name,
            source: callback_source(callback),
        }
    }
}

/// The user's async callback as a [`TokenSource`].
fn callback_source<F, Fut, E>(callback: F) -> Arc<dyn TokenSource>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<String, E>> + Send + 'static,
    E: Into<BoxError>,
{
    Arc::new(TokenFn(Box::new(move || {
        let token = callback();
        Box::pin(async move { token.await.map(Secret).map_err(Into::into) })
    })))
}

/// An API key of a request, to ask its source for on each attempt: the scheme, how errors
/// name it, where it goes, its name and its source.
pub(crate) struct PendingKey<'a> {
    pub(crate) scheme: &'static str,
    pub(crate) what: String,
    pub(crate) place: KeyPlace,
    pub(crate) name: &'static str,
    pub(crate) source: &'a Arc<dyn TokenSource>,
}

/// Holds the place of a key set on every attempt in the request's `headers`, so no added
/// header takes it (the header itself, or the `Cookie` header when there is no cookie yet).
pub(crate) fn reserve_key(
    headers: &mut HeaderMap,
    place: KeyPlace,
    name: &str,
) -> Result<(), Failure> {
    let reserved = match place {
        KeyPlace::Header => header_name(name)?,
        KeyPlace::Cookie => reqwest::header::COOKIE,
        KeyPlace::Query => return Ok(()),
    };
    if !headers.contains_key(&reserved) {
        headers.insert(reserved, HeaderValue::from_static(""));
    }
    Ok(())
}

/// Asks each key's source for this attempt's value and puts it in place: a header set in
/// `headers`, a cookie added to its `Cookie` header; the query pairs are returned. A source
/// that fails is `Failure::Credential` naming the scheme; a value that cannot go where it
/// goes is refused by the scheme's name, never shown.
pub(crate) async fn attempt_keys(
    keys: &[PendingKey<'_>],
    http: &reqwest::Client,
    headers: &mut HeaderMap,
) -> Result<Vec<(String, String)>, Failure> {
    let mut query = Vec::new();
    for key in keys {
        let value = key
            .source
            .token(http)
            .await
            .map_err(|source| Failure::Credential {
                scheme: key.scheme.to_owned(),
                source,
            })?;
        let value = value.expose();
        match key.place {
            KeyPlace::Header => {
                headers.insert(
                    header_name(key.name)?,
                    header_value(&key.what, value, true)?,
                );
            }
            KeyPlace::Query => query.push((key.name.to_owned(), value.to_owned())),
            KeyPlace::Cookie => {
                check_cookie(&key.what, value)?;
                let pair = format!("{}={value}", key.name);
                let cookie = match headers.get(reqwest::header::COOKIE) {
                    Some(before) if !before.is_empty() => {
                        format!("{}; {pair}", before.to_str().unwrap_or_default())
                    }
                    _ => pair,
                };
                headers.insert(
                    reqwest::header::COOKIE,
                    header_value("a cookie", &cookie, true)?,
                );
            }
        }
    }
    Ok(query)
}

/// A header name, refused (not panicking) when HTTP does not allow it.
pub(crate) fn header_name(name: &str) -> Result<HeaderName, Failure> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Failure::InvalidRequest(format!("`{name}` is not a valid HTTP header name")))
}

/// A header value, refused (not panicking) when it holds CR, LF or another control
/// character; `what` names it in the error without showing the value.
pub(crate) fn header_value(
    what: &str,
    value: &str,
    sensitive: bool,
) -> Result<HeaderValue, Failure> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        Failure::InvalidRequest(format!(
            "{what} contains a character not allowed in an HTTP header (such as CR or LF)"
        ))
    })?;
    header.set_sensitive(sensitive);
    Ok(header)
}

/// Refuses a cookie value that would break the `Cookie` header.
pub(crate) fn check_cookie(what: &str, value: &str) -> Result<(), Failure> {
    if value
        .chars()
        .any(|c| c.is_control() || c == ';' || c == ',')
    {
        return Err(Failure::InvalidRequest(format!(
            "{what} contains a character not allowed in a cookie (such as `;`, `,`, CR or LF)"
        )));
    }
    Ok(())
}

/// Standard base64 with padding (for HTTP basic authentication).
pub(crate) fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug_output() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "<redacted>");
        let credentials = [
            Credential::Header {
                name: "X-Key",
                value: Secret::new("hunter2"),
            },
            Credential::Query {
                name: "key",
                value: Secret::new("hunter2"),
            },
            Credential::Cookie {
                name: "session",
                value: Secret::new("hunter2"),
            },
            Credential::Bearer(Secret::new("hunter2")),
            Credential::Basic {
                user: Secret::new("hunter2"),
                password: Secret::new("hunter2"),
            },
            Credential::token_fn(|| async { Ok::<_, BoxError>("hunter2".to_owned()) }),
            Credential::key_fn(KeyPlace::Header, "X-Key", || async {
                Ok::<_, BoxError>("hunter2".to_owned())
            }),
        ];
        for credential in credentials {
            let shown = format!("{credential:?} {credential:#?}");
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(
                shown.contains("<redacted>") || shown.contains("<callback>"),
                "{shown}"
            );
        }
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn base64_as_rfc_4648_says() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
            ("Aladdin:open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
        ];
        for (input, encoded) in cases {
            assert_eq!(base64(input.as_bytes()), encoded, "{input:?}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
    }

    #[test]
    fn header_and_cookie_text_is_checked_without_showing_it() {
        assert!(header_name("X-Request-Id").is_ok());
        assert!(header_name("bad name").is_err());
        let value = header_value("the credential of `key`", "abc", true);
        assert!(value.is_ok_and(|value| value.is_sensitive()));
        match header_value("the credential of `key`", "secret\r\nX-Evil: 1", true) {
            Err(Failure::InvalidRequest(message)) => {
                assert!(message.contains("the credential of `key`"), "{message}");
                assert!(!message.contains("secret"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(check_cookie("c", "abc").is_ok());
        for bad in ["a;b", "a,b", "a\nb"] {
            assert!(check_cookie("c", bad).is_err(), "{bad:?}");
        }
    }

    /// A bearer token from the user's async callback, asked on every attempt; its failure
    /// is `Error::Credential` naming the scheme, and nothing is sent.
    #[tokio::test]
    async fn a_token_callback_is_asked_on_every_attempt() {
        use std::sync::atomic::{AtomicUsize, Ordering};

        use crate::test_server::{Reply, Server};
        use crate::{Client, Error, Request, RequestOptions, RetryPolicy};

        let server = Server::start(vec![Reply::new(503, ""), Reply::new(200, "")]).await;
        let asked = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&asked);
        let client = Client::builder(&server.url)
            .retry_policy(RetryPolicy::default().initial_backoff(std::time::Duration::ZERO))
            .credential(
                "jwt",
                Credential::token_fn(move || {
                    let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                    async move { Ok::<_, std::io::Error>(format!("tok-{n}")) }
                }),
            )
            .credential(
                "broken",
                Credential::token_fn(|| async {
                    Err::<String, _>(std::io::Error::other("the vault is sealed"))
                }),
            )
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        let sent = client
            .execute(
                Request::get("/a".to_owned(), &["jwt"]),
                &RequestOptions::default(),
            )
            .await;
        assert_eq!(sent.map(|r| r.status().as_u16()).ok(), Some(200));
        let seen = server.seen();
        let tokens: Vec<_> = seen.iter().map(|r| r.header("authorization")).collect();
        assert_eq!(tokens, [Some("Bearer tok-1"), Some("Bearer tok-2")]);
        assert_eq!(asked.load(Ordering::SeqCst), 2);
        // A request without the scheme does not ask.
        let _ = client
            .execute(
                Request::get("/b".to_owned(), &[]),
                &RequestOptions::default(),
            )
            .await;
        assert_eq!(asked.load(Ordering::SeqCst), 2);
        assert_eq!(server.seen()[2].header("authorization"), None);
        let failed = client
            .execute(
                Request::get("/c".to_owned(), &["broken"]),
                &RequestOptions::default(),
            )
            .await
            .map_err(Error::<()>::from);
        match failed {
            Err(error @ Error::Credential { .. }) => assert_eq!(
                error.to_string(),
                "the credential of `broken` could not be obtained: the vault is sealed"
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(server.seen().len(), 3);
        // A token that cannot be a header is refused by name, not sent.
        let client = Client::builder(&server.url)
            .credential(
                "jwt",
                Credential::token_fn(|| async { Ok::<_, BoxError>("a\r\nb".to_owned()) }),
            )
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        let bad = client
            .execute(
                Request::get("/d".to_owned(), &["jwt"]),
                &RequestOptions::default(),
            )
            .await;
        assert!(matches!(bad, Err(Failure::InvalidRequest(m)) if m.contains("`jwt`")));
        assert_eq!(server.seen().len(), 3);
    }

    /// An API key from the user's async callback (a key a secret store rotates), in a
    /// header, the query or a cookie: asked on every attempt, so a retry carries the key of
    /// its own moment; its failure is `Error::Credential` naming the scheme, and nothing is
    /// sent; an added header cannot take the key's place.
    #[tokio::test]
    async fn an_api_key_callback_is_asked_on_every_attempt_in_each_place() {
        use std::sync::atomic::{AtomicUsize, Ordering};

        use crate::test_server::{Reply, Server};
        use crate::{Client, Error, Request, RequestOptions, RetryPolicy};

        let server = Server::start(vec![
            Reply::new(503, ""),
            Reply::new(200, ""),
            Reply::new(200, ""),
        ])
        .await;
        let asked = Arc::new(AtomicUsize::new(0));
        let rotating = |prefix: &'static str| {
            let counter = Arc::clone(&asked);
            move || {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                async move { Ok::<_, std::io::Error>(format!("{prefix}-{n}")) }
            }
        };
        let client = Client::builder(&server.url)
            .retry_policy(RetryPolicy::default().initial_backoff(std::time::Duration::ZERO))
            .credential(
                "header_key",
                Credential::key_fn(KeyPlace::Header, "X-Api-Key", rotating("h")),
            )
            .credential(
                "query_key",
                Credential::key_fn(KeyPlace::Query, "api_key", rotating("q")),
            )
            .credential(
                "cookie_key",
                Credential::key_fn(KeyPlace::Cookie, "session", rotating("c")),
            )
            .credential(
                "sealed",
                Credential::key_fn(KeyPlace::Header, "X-Other", || async {
                    Err::<String, _>(std::io::Error::other("the vault is sealed"))
                }),
            )
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        let mut request = Request::get("/a".to_owned(), &["header_key", "query_key"]);
        request.query.push(("q".into(), "x".to_owned()));
        let mut options = RequestOptions::default();
        options.headers.push("X-Trace".to_owned(), "t-1".to_owned());
        let sent = client.execute(request, &options).await;
        assert_eq!(sent.map(|r| r.status().as_u16()).ok(), Some(200));
        let seen = server.seen();
        // Two attempts, each with its own keys (asked header first, then query).
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].header("x-api-key"), Some("h-1"));
        assert_eq!(seen[0].target, "/a?q=x&api_key=q-2");
        assert_eq!(seen[1].header("x-api-key"), Some("h-3"));
        assert_eq!(seen[1].target, "/a?q=x&api_key=q-4");
        assert_eq!(seen[1].header("x-trace"), Some("t-1"));
        // A cookie beside the operation's own cookie parameter.
        let mut request = Request::get("/b".to_owned(), &["cookie_key"]);
        request.cookies.push(("lang", "en".to_owned()));
        let sent = client.execute(request, &RequestOptions::default()).await;
        assert_eq!(sent.map(|r| r.status().as_u16()).ok(), Some(200));
        assert_eq!(
            server.seen()[2].header("cookie"),
            Some("lang=en; session=c-5")
        );
        // An added header may not replace the key.
        let mut options = RequestOptions::default();
        options
            .headers
            .push("X-Api-Key".to_owned(), "mine".to_owned());
        let clash = client
            .execute(Request::get("/c".to_owned(), &["header_key"]), &options)
            .await;
        assert!(
            matches!(clash, Err(Failure::InvalidRequest(_))),
            "{clash:?}"
        );
        // A source that fails: nothing sent, the scheme named.
        let failed = client
            .execute(
                Request::get("/d".to_owned(), &["sealed"]),
                &RequestOptions::default(),
            )
            .await
            .map_err(Error::<()>::from);
        match failed {
            Err(error @ Error::Credential { .. }) => assert_eq!(
                error.to_string(),
                "the credential of `sealed` could not be obtained: the vault is sealed"
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(server.seen().len(), 3);
    }
}
