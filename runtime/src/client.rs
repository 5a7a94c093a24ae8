//! The client and its builder: the base URL and path, credentials, default headers and the
//! idempotency key's header, timeouts, retries and strict mode, checked once in
//! [`ClientBuilder::build`].

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName};

use super::with_tls;
use super::{
    check_cookie, header_name, header_value, Credential, Error, ExtraHeaders, Failure, Middlewares,
    RetryPolicy, IDEMPOTENCY_HEADER, SERVER_PATH,
};

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
///
/// Redirects: an operation whose documented successes are all redirects (`302` with a
/// `Location`) gets the redirect as its answer (`send()` gives `location()`) and never
/// follows it. Other operations follow up to 10; `303` (and `301`/`302` after a `POST`) go
/// on as a `GET` without the body. To another origin, credentials (`Authorization`, an API
/// key's header, cookies) and the headers added with `default_header` or `header` stay
/// behind; only the operation's header parameters, `Accept`, `User-Agent`, the body's media
/// type and the idempotency key go along.
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) credentials: Vec<(&'static str, Credential)>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Option<Duration>,
    pub(crate) strict_status: bool,
    /// Sent with every request that does not set the header itself (values sensitive).
    pub(crate) default_headers: HeaderMap,
    /// The header an idempotency key goes in.
    pub(crate) idempotency_header: HeaderName,
    /// What every attempt goes through (the `middleware` feature).
    #[cfg_attr(not(feature = "middleware"), allow(dead_code))]
    pub(crate) middleware: Middlewares,
}

/// Configures a [`Client`]: credentials (one method per security scheme), default headers,
/// timeouts, retries, the base path and how undocumented success statuses are taken.
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
    default_headers: ExtraHeaders,
    idempotency_header: String,
    pub(crate) middleware: Middlewares,
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
            base_path: SERVER_PATH.to_owned(),
            credentials: Vec::new(),
            retry: RetryPolicy::default(),
            timeout: Some(Duration::from_secs(30)),
            connect_timeout: Some(Duration::from_secs(10)),
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned(),
            http: None,
            strict_status: false,
            default_headers: ExtraHeaders::default(),
            idempotency_header: IDEMPOTENCY_HEADER.to_owned(),
            middleware: Middlewares::default(),
        }
    }

    /// The base URL requests go to: the one given to the builder, with the base path
    /// (see [`Client::builder`]), without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl ClientBuilder {
    /// The timeout of each attempt of a request, from connecting to the end of the body
    /// (default 30 s; `None`: no timeout). A request can override it. A request whose body
    /// streams either way (a `ByteStream` or event stream answer, an upload from a file or
    /// a stream) has none: it takes as long as its body does (the connect timeout holds).
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

    /// Adds a header sent with every request (after the ones added before; several values of
    /// one name are all sent). A request's own `.header(name, ..)` replaces the defaults of
    /// that name, and a request that sets the header itself (a header parameter, a
    /// credential, the body's media type, the cookies) sends its own instead. Values never
    /// show in `Debug` output or errors.
    ///
    /// [`build`](Self::build) refuses, naming the header, a name HTTP does not allow, a value
    /// holding CR, LF, NUL or another control character, the headers the HTTP client writes
    /// itself (`Host`, `Content-Length`, `Transfer-Encoding`, `Connection` and the other
    /// hop-by-hop ones) and the idempotency key's header.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push(name.into(), value.into());
        self
    }

    /// The header a request's idempotency key goes in (default `Idempotency-Key`; see
    /// `idempotency_key` on a request builder). [`build`](Self::build) refuses a name HTTP
    /// does not allow.
    pub fn idempotency_header(mut self, name: impl Into<String>) -> Self {
        self.idempotency_header = name.into();
        self
    }

    /// Uses a `reqwest::Client` you configured (proxies, TLS roots, ...); the user agent
    /// and connect timeout set here are then ignored. Build it with
    /// `.redirect(reqwest::redirect::Policy::none())`: this client follows redirects itself,
    /// leaving credentials behind on another origin and not following the redirect of an
    /// operation whose documented answer is one; reqwest's default policy would follow
    /// first, keeping API-key headers.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Sets the credential of the security scheme `scheme` (replacing an earlier one).
    #[allow(dead_code)] // called by the generated `client` module, if the API has security schemes
    pub(crate) fn credential(mut self, scheme: &'static str, credential: Credential) -> Self {
        self.credentials.retain(|(key, _)| *key != scheme);
        self.credentials.push((scheme, credential));
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let mut base_url = self.base_url.trim_end_matches('/').to_owned();
        let given_path = match reqwest::Url::parse(&base_url) {
            Ok(url)
                if matches!(url.scheme(), "http" | "https")
                    && url.query().is_none()
                    && url.fragment().is_none() =>
            {
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
                Credential::Token(source) | Credential::Key { source, .. } => {
                    source.check(&base_url).map_err(Failure::InvalidRequest)?
                }
            }
        }
        let idempotency_header = header_name(&self.idempotency_header).map_err(|_| {
            Failure::InvalidRequest(format!(
                "the idempotency key's header `{}` is not a valid HTTP header name",
                self.idempotency_header
            ))
        })?;
        let default_headers = self
            .default_headers
            .to_map("the default header", &idempotency_header)?;
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut builder = with_tls(
                    reqwest::Client::builder()
                        .user_agent(self.user_agent)
                        // The runtime follows redirects itself (`redirect.rs`).
                        .redirect(reqwest::redirect::Policy::none()),
                )?;
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                builder.build().map_err(|error| {
                    Failure::InvalidRequest(format!("the HTTP client cannot be built: {error}"))
                })?
            }
        };
        let middleware = self.middleware.build(&http);
        Ok(Client {
            http,
            middleware,
            base_url,
            credentials: self.credentials,
            retry: self.retry,
            timeout: self.timeout,
            strict_status: self.strict_status,
            default_headers,
            idempotency_header,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;

    fn invalid(result: Result<Client, Error>) -> String {
        match result {
            Err(Error::InvalidRequest(message)) => message,
            other => panic!("expected an invalid request, got {other:?}"),
        }
    }

    #[test]
    fn the_base_url_and_path() {
        let url = |base: &str, path: &str| {
            Client::builder(base)
                .base_path(path)
                .build()
                .map(|client| client.base_url().to_owned())
        };
        assert_eq!(url("http://h:1/", "").ok().as_deref(), Some("http://h:1"));
        assert_eq!(
            url("http://h:1", "/api/").ok().as_deref(),
            Some("http://h:1/api")
        );
        // A base URL that already ends with the path is used as it is.
        assert_eq!(
            url("http://h:1/api", "api").ok().as_deref(),
            Some("http://h:1/api")
        );
        assert_eq!(
            url("http://h:1/v2", "api").ok().as_deref(),
            Some("http://h:1/v2/api")
        );
        for bad in ["h:1", "ftp://h", "http://h/?q=1", "not a url"] {
            invalid(Client::new(bad));
        }
        invalid(Client::builder("http://h").base_path("a b").build());
        invalid(Client::builder("http://h").base_path("a?b").build());
    }

    #[test]
    fn credentials_never_show_in_debug_output_or_errors() {
        let builder = Client::builder("http://127.0.0.1:1")
            .credential(
                "key",
                Credential::Header {
                    name: "X-Key",
                    value: Secret::new("hunter2"),
                },
            )
            .credential(
                "basic",
                Credential::Basic {
                    user: Secret::new("me"),
                    password: Secret::new("hunter2"),
                },
            );
        assert!(!format!("{builder:?}").contains("hunter2"));
        let client = builder.build();
        assert!(client
            .as_ref()
            .is_ok_and(|client| !format!("{client:?}").contains("hunter2")));
        // A credential that cannot be sent is refused by name, without its value.
        let bad = Client::builder("http://127.0.0.1:1")
            .credential("key", Credential::Bearer(Secret::new("hunter2\n")))
            .build();
        let message = invalid(bad);
        assert!(
            message.contains("`key`") && !message.contains("hunter2"),
            "{message}"
        );
    }

    #[test]
    fn default_headers_are_checked_by_build_and_never_shown() {
        let client = Client::builder("http://h")
            .default_header("X-Api-Key", "hunter2")
            .default_header("X-Team", "a")
            .build();
        let client = client.unwrap_or_else(|error| panic!("{error}"));
        assert!(!format!("{client:?}").contains("hunter2"));
        assert_eq!(client.default_headers.get_all("x-team").iter().count(), 1);
        assert_eq!(client.idempotency_header.as_str(), "idempotency-key");
        let bad = Client::builder("http://h")
            .default_header("X-Api-Key", "hunter2\r\nX-Evil: 1")
            .build();
        let message = invalid(bad);
        assert!(
            message.contains("the default header `X-Api-Key`") && !message.contains("hunter2"),
            "{message}"
        );
        for name in ["", "a b", "Host", "Content-Length", "idempotency-key"] {
            let message = invalid(
                Client::builder("http://h")
                    .default_header(name, "v")
                    .build(),
            );
            assert!(message.contains(&format!("`{name}`")), "{message}");
        }
        // A renamed idempotency header frees `Idempotency-Key` and takes its place.
        let renamed = Client::builder("http://h")
            .idempotency_header("X-Request-Key")
            .default_header("Idempotency-Key", "v");
        assert!(renamed.build().is_ok());
        let clash = Client::builder("http://h")
            .idempotency_header("X-Request-Key")
            .default_header("x-request-key", "v");
        invalid(clash.build());
        let message = invalid(
            Client::builder("http://h")
                .idempotency_header("a:b")
                .build(),
        );
        assert!(message.contains("`a:b`"), "{message}");
    }

    #[test]
    fn a_later_credential_of_a_scheme_replaces_the_earlier() {
        let builder = Client::builder("http://h")
            .credential("key", Credential::Bearer(Secret::new("a")))
            .credential("key", Credential::Bearer(Secret::new("b")));
        assert_eq!(builder.credentials.len(), 1);
        assert!(
            matches!(&builder.credentials[0].1, Credential::Bearer(secret) if secret.expose() == "b")
        );
    }
}
