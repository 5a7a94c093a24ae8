//! OAuth2 tokens for `oauth2` security schemes: [`OAuth2`] says how to get them (the client
//! credentials grant, RFC 6749 §4.4, or a refresh token, §6), and a token provider gets them
//! from the token endpoint, keeps the current one and refreshes it.
//!
//! Written by hand on the client's own `reqwest::Client` (a form POST and a JSON answer)
//! rather than with the `oauth2` crate, which brings its own HTTP abstraction, `sha2`, `rand`,
//! `url` and more for the flows a generated client never runs (authorization redirects,
//! PKCE, device codes); the two grants here are one request each.
//!
//! Invariants: one provider per client, shared by its clones; at most one token request in
//! flight (the others wait for its token, then use it); a token is refreshed when less than
//! `refresh_ahead` (default 30 s, at most half its lifetime) is left, and when the API
//! answers `401` to a request that carried it (once per request; a token already replaced
//! is not refreshed again); the client id, secret and tokens never appear in `Debug`
//! output, errors or traces, and the token endpoint's error text is shown on one line, cut
//! short.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{
    base64, one_line, shorten, BoxError, Credential, Secret, TokenFuture, TokenSource, BODY_EXCERPT,
};

/// How to get OAuth2 access tokens for a security scheme: the grant, the client's
/// credentials, and optionally a token URL and scopes other than the API's (pass it to the
/// scheme's `..._oauth2` method on the `ClientBuilder`).
///
/// The client id and secret are sent with HTTP basic authentication (RFC 6749 §2.3.1)
/// unless [`credentials_in_body`](Self::credentials_in_body) says otherwise. `Debug` output
/// shows neither.
#[derive(Clone, Debug)]
pub struct OAuth2 {
    grant: Grant,
    client_id: Secret,
    client_secret: Option<Secret>,
    token_url: Option<String>,
    scopes: Option<Vec<String>>,
    refresh_ahead: Duration,
    in_body: bool,
    timeout: Duration,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Grant {
    ClientCredentials,
    RefreshToken(Secret),
}

impl OAuth2 {
    /// The client credentials grant: tokens for the client itself, from `client_id` and
    /// `client_secret`, at the token URL of the API's `clientCredentials` flow.
    pub fn client_credentials(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        OAuth2 {
            grant: Grant::ClientCredentials,
            client_id: Secret::new(client_id),
            client_secret: Some(Secret::new(client_secret)),
            token_url: None,
            scopes: None,
            refresh_ahead: Duration::from_secs(30),
            in_body: false,
            timeout: Duration::from_secs(30),
        }
    }

    /// The refresh token grant: access tokens from `refresh_token` (obtained elsewhere, say
    /// by the user's authorization code flow) at the `refreshUrl` of the API's
    /// `authorizationCode` flow (its `tokenUrl` when it gives none). A new refresh token in
    /// an answer replaces the old one.
    pub fn refresh_token(client_id: impl Into<String>, refresh_token: impl Into<String>) -> Self {
        OAuth2 {
            grant: Grant::RefreshToken(Secret::new(refresh_token)),
            client_secret: None,
            ..OAuth2::client_credentials(client_id, String::new())
        }
    }

    /// The client's secret (for [`refresh_token`](Self::refresh_token), where a
    /// confidential client has one).
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(Secret::new(secret));
        self
    }

    /// The token endpoint, in place of the API's.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// The scopes to ask for, in place of the API's (all of the flow's); none: no `scope`.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// How long before its expiry a token is replaced (default 30 s; at most half its
    /// lifetime), so a request never leaves with a token about to expire.
    pub fn refresh_ahead(mut self, ahead: Duration) -> Self {
        self.refresh_ahead = ahead;
        self
    }

    /// The timeout of a token request, from connecting to the end of the answer (default
    /// 30 s); the calls waiting for the token fail with it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends the client id and secret as form fields (`client_secret_post`) rather than
    /// with HTTP basic authentication.
    pub fn credentials_in_body(mut self) -> Self {
        self.in_body = true;
        self
    }

    /// The credential of scheme `scheme`: this with the API's token URLs and scopes where
    /// none were given (the client credentials flow's, and the authorization code flow's
    /// refresh URL), checked.
    #[allow(dead_code)] // called by the generated `client` module for an OAuth2 scheme
    pub(crate) fn credential(
        mut self,
        scheme: &'static str,
        client_credentials: Option<(&str, &[&str])>,
        refresh: Option<(&str, &[&str])>,
    ) -> Credential {
        let spec = match self.grant {
            Grant::ClientCredentials => client_credentials,
            Grant::RefreshToken(_) => refresh,
        };
        if self.token_url.is_none() {
            self.token_url = spec.map(|(url, _)| url.to_owned());
        }
        if self.scopes.is_none() {
            self.scopes = Some(spec.map_or_else(Vec::new, |(_, scopes)| {
                scopes.iter().map(|s| (*s).to_owned()).collect()
            }));
        }
        let refresh = match &self.grant {
            Grant::RefreshToken(token) => Some(token.clone()),
            Grant::ClientCredentials => None,
        };
        Credential::Token(Arc::new(TokenProvider {
            scheme,
            config: self,
            state: Mutex::new(State {
                token: None,
                refresh,
            }),
            gate: tokio::sync::Mutex::new(()),
            url: std::sync::OnceLock::new(),
        }))
    }

    /// The token URL, made absolute against `base_url` (the client's: OpenAPI allows a
    /// relative `tokenUrl`), or why there is none that works.
    pub(crate) fn resolve(&self, scheme: &str, base_url: &str) -> Result<String, String> {
        let Some(url) = &self.token_url else {
            let flow = match self.grant {
                Grant::ClientCredentials => "`clientCredentials` flow",
                Grant::RefreshToken(_) => "`authorizationCode` flow",
            };
            return Err(format!(
                "the API gives no token URL for the {flow} of the `{scheme}` scheme: set one \
                 with `OAuth2::token_url`"
            ));
        };
        // `join` keeps an absolute URL as it is and resolves a relative one (RFC 3986).
        let base = reqwest::Url::parse(&format!("{}/", base_url.trim_end_matches('/')));
        match base.and_then(|base| base.join(url)) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(parsed.to_string()),
            _ => Err(format!(
                "the token URL of the `{scheme}` scheme must be an http or https URL, \
                 absolute or relative to the base URL: set one with `OAuth2::token_url`"
            )),
        }
    }
}

/// The current token and the refresh token.
struct State {
    token: Option<Token>,
    refresh: Option<Secret>,
}

#[derive(Clone)]
struct Token {
    access: Secret,
    /// When it must be replaced (its expiry less the margin); `None`: never.
    renew_at: Option<Instant>,
}

/// The token provider of one OAuth2 scheme of one client (and its clones).
struct TokenProvider {
    scheme: &'static str,
    config: OAuth2,
    state: Mutex<State>,
    /// Held while a token is requested: one request in flight.
    gate: tokio::sync::Mutex<()>,
    /// The token URL, resolved by `ClientBuilder::build`.
    url: std::sync::OnceLock<String>,
}

impl fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenProvider")
            .field("scheme", &self.scheme)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// What the token endpoint failed with (its message never holds a credential).
#[derive(Debug)]
struct TokenError(String);

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TokenError {}

impl TokenProvider {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current token, if it need not be replaced yet.
    fn current(&self) -> Option<Secret> {
        let state = self.lock();
        let token = state.token.as_ref()?;
        match token.renew_at {
            Some(at) if Instant::now() >= at => None,
            _ => Some(token.access.clone()),
        }
    }

    async fn token(&self, http: &reqwest::Client) -> Result<Secret, BoxError> {
        if let Some(token) = self.current() {
            return Ok(token);
        }
        let _gate = self.gate.lock().await;
        // Another call may have got one while this one waited.
        if let Some(token) = self.current() {
            return Ok(token);
        }
        let token = self.request(http).await?;
        Ok(token)
    }

    /// Asks the token endpoint for a token, and keeps it.
    async fn request(&self, http: &reqwest::Client) -> Result<Secret, TokenError> {
        let config = &self.config;
        let url = self.url.get().map(String::as_str).unwrap_or_default();
        let mut form: Vec<(&str, &str)> = Vec::new();
        let refresh = self.lock().refresh.clone();
        match (&config.grant, &refresh) {
            (Grant::RefreshToken(_), Some(refresh)) => {
                form.push(("grant_type", "refresh_token"));
                form.push(("refresh_token", refresh.expose()));
            }
            _ => form.push(("grant_type", "client_credentials")),
        }
        let scope = config.scopes.as_deref().unwrap_or_default().join(" ");
        if !scope.is_empty() {
            form.push(("scope", &scope));
        }
        let mut request = http
            .post(url)
            .timeout(config.timeout)
            .header(reqwest::header::ACCEPT, "application/json")
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            );
        let secret = config.client_secret.as_ref().map(Secret::expose);
        if config.in_body {
            form.push(("client_id", config.client_id.expose()));
            if let Some(secret) = secret {
                form.push(("client_secret", secret));
            }
        } else {
            // RFC 6749 §2.3.1: each form-encoded, then joined by `:`.
            let pair = format!(
                "{}:{}",
                form_encode(config.client_id.expose()),
                form_encode(secret.unwrap_or_default())
            );
            let mut value = reqwest::header::HeaderValue::from_str(&format!(
                "Basic {}",
                base64(pair.as_bytes())
            ))
            .map_err(|_| TokenError("the client id cannot be sent".to_owned()))?;
            value.set_sensitive(true);
            request = request.header(reqwest::header::AUTHORIZATION, value);
        }
        let body = form
            .iter()
            .map(|(name, value)| format!("{name}={}", form_encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        let sent = Instant::now();
        let failed = |what: String| TokenError(format!("the token endpoint {what}"));
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|error| failed(format!("cannot be reached: {}", error.without_url())))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|error| failed(format!("answer cannot be read: {}", error.without_url())))?;
        let answer: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let field = |name: &str| answer.get(name).and_then(serde_json::Value::as_str);
        if !status.is_success() {
            let reason = match (field("error"), field("error_description")) {
                (Some(error), Some(description)) => format!("{error}: {description}"),
                (Some(error), None) => error.to_owned(),
                _ => text,
            };
            return Err(failed(format!(
                "answered {status}: {}",
                one_line(&shorten(&reason, BODY_EXCERPT))
            )));
        }
        let Some(access) = field("access_token").filter(|token| !token.is_empty()) else {
            return Err(failed(format!(
                "answered {status} without an `access_token`"
            )));
        };
        match field("token_type") {
            Some(kind) if !kind.eq_ignore_ascii_case("bearer") => {
                return Err(failed(format!(
                    "gave a token of type `{}`, not a bearer token",
                    one_line(&shorten(kind, 40))
                )));
            }
            _ => {}
        }
        // `expires_in` is a number of seconds; some servers send it as a string.
        let lifetime = match answer.get("expires_in") {
            Some(serde_json::Value::Number(n)) => n.as_u64(),
            Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .map(Duration::from_secs);
        let renew_at = lifetime.map(|lifetime| {
            let margin = config.refresh_ahead.min(lifetime / 2);
            sent + (lifetime - margin)
        });
        let access = Secret::new(access);
        let mut state = self.lock();
        if let Some(refresh) = field("refresh_token").filter(|token| !token.is_empty()) {
            state.refresh = Some(Secret::new(refresh));
        }
        state.token = Some(Token {
            access: access.clone(),
            renew_at,
        });
        Ok(access)
    }
}

impl TokenSource for TokenProvider {
    fn token<'a>(&'a self, http: &'a reqwest::Client) -> TokenFuture<'a> {
        Box::pin(TokenProvider::token(self, http))
    }

    fn check(&self, base_url: &str) -> Result<(), String> {
        let url = self.config.resolve(self.scheme, base_url)?;
        // One build per builder; a second (impossible today) keeps the first URL.
        let _ = self.url.set(url);
        Ok(())
    }

    fn rejected(&self, token: &Secret) -> bool {
        let mut state = self.lock();
        if state.token.as_ref().is_some_and(|t| t.access == *token) {
            state.token = None;
        }
        true
    }
}

/// `application/x-www-form-urlencoded` text (spaces as `+`).
fn form_encode(text: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'*')
        .remove(b' ');
    percent_encoding::utf8_percent_encode(text, KEEP)
        .to_string()
        .replace(' ', "+")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::net::SocketAddr;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex as StdMutex;

    use axum::extract::State as AxumState;
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::{get, post};
    use axum::Router;

    use super::*;
    use crate::{Client, Error, Request, RequestOptions};

    /// A token request as the endpoint saw it: its `Authorization` header and its body.
    type Form = (Option<String>, String);

    /// A token endpoint and an API on loopback: the endpoint issues `t1`, `t2` ... living
    /// `lifetime` seconds and counts its requests; the API answers `401` to a token it did
    /// not issue, that expired, or that was revoked.
    #[derive(Clone, Default)]
    struct Auth {
        issued: Arc<StdMutex<BTreeMap<String, Instant>>>,
        requests: Arc<AtomicUsize>,
        refuse_all: Arc<std::sync::atomic::AtomicBool>,
        forms: Arc<StdMutex<Vec<Form>>>,
        lifetime: u64,
    }

    async fn token_endpoint(
        AxumState(auth): AxumState<Auth>,
        headers: HeaderMap,
        body: String,
    ) -> (StatusCode, String) {
        let n = auth.requests.fetch_add(1, Ordering::SeqCst) + 1;
        let authorization = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        auth.forms
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((authorization.clone(), body.clone()));
        // Client `app` with secret `s3cret`: base64 of `app:s3cret`.
        let basic = authorization.as_deref() == Some("Basic YXBwOnMzY3JldA==");
        let posted = body.contains("client_id=app") && body.contains("client_secret=s3cret");
        if !basic && !posted {
            return (
                StatusCode::UNAUTHORIZED,
                r#"{"error": "invalid_client", "error_description": "unknown client"}"#.to_owned(),
            );
        }
        // Let concurrent callers pile up behind the one request.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let token = format!("t{n}");
        auth.issued
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                token.clone(),
                Instant::now() + Duration::from_secs(auth.lifetime),
            );
        let body = format!(
            r#"{{"access_token": "{token}", "token_type": "Bearer", "expires_in": {}, "refresh_token": "r{n}"}}"#,
            auth.lifetime
        );
        (StatusCode::OK, body)
    }

    async fn api(AxumState(auth): AxumState<Auth>, headers: HeaderMap) -> (StatusCode, String) {
        let token = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_owned();
        let issued = auth.issued.lock().unwrap_or_else(|e| e.into_inner());
        let refuse = auth.refuse_all.load(Ordering::SeqCst);
        match issued.get(&token) {
            Some(expiry) if Instant::now() < *expiry && !refuse => (StatusCode::OK, token),
            _ => (StatusCode::UNAUTHORIZED, "expired".to_owned()),
        }
    }

    async fn start(auth: Auth) -> String {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let router = Router::new()
            .route("/oauth/token", post(token_endpoint))
            .route("/things", get(api))
            .with_state(auth);
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        format!("http://{address}")
    }

    fn client(url: &str, oauth: OAuth2) -> Client {
        let token_url = format!("{url}/oauth/token");
        let credential = oauth.credential(
            "oauth",
            Some((token_url.as_str(), &["read", "write"])),
            None,
        );
        Client::builder(url)
            .credential("oauth", credential)
            .build()
            .unwrap_or_else(|error| panic!("{error}"))
    }

    async fn call(client: &Client) -> Result<String, String> {
        let request = Request::get("/things".to_owned(), &["oauth"]);
        match client.execute(request, &RequestOptions::default()).await {
            Ok(response) if response.status().is_success() => Ok(response.text()),
            Ok(response) => Err(format!("{}", response.status())),
            Err(failure) => Err(Error::<()>::from(failure).to_string()),
        }
    }

    /// Twenty concurrent calls, twice, across clones of one client: one token request per
    /// expiry, and every call carries a valid token.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn one_refresh_per_expiry_under_concurrent_calls() {
        let auth = Auth {
            lifetime: 1,
            ..Auth::default()
        };
        let url = start(auth.clone()).await;
        let client = client(&url, OAuth2::client_credentials("app", "s3cret"));
        for (round, token) in [(1, "t1"), (2, "t2")] {
            let calls = (0..20).map(|_| {
                let client = client.clone();
                tokio::spawn(async move { call(&client).await })
            });
            for call in calls.collect::<Vec<_>>() {
                let answer = call.await.unwrap_or_else(|e| Err(e.to_string()));
                assert_eq!(answer.as_deref(), Ok(token), "round {round}");
            }
            assert_eq!(
                auth.requests.load(Ordering::SeqCst),
                round,
                "token requests"
            );
            // Past the token's lifetime (1 s, renewed half a second early).
            tokio::time::sleep(Duration::from_millis(1100)).await;
        }
        let forms = auth.forms.lock().unwrap_or_else(|e| e.into_inner()).clone();
        for (authorization, body) in &forms {
            assert_eq!(authorization.as_deref(), Some("Basic YXBwOnMzY3JldA=="));
            assert_eq!(body, "grant_type=client_credentials&scope=read+write");
        }
    }

    /// A token the API refuses (revoked before its expiry) is replaced once, and the request
    /// sent again with the new one.
    #[tokio::test]
    async fn a_401_refreshes_the_token_once_and_the_request_is_sent_again() {
        let auth = Auth {
            lifetime: 3600,
            ..Auth::default()
        };
        let url = start(auth.clone()).await;
        let client = client(
            &url,
            OAuth2::client_credentials("app", "s3cret").credentials_in_body(),
        );
        assert_eq!(call(&client).await.as_deref(), Ok("t1"));
        auth.issued
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        assert_eq!(call(&client).await.as_deref(), Ok("t2"));
        assert_eq!(auth.requests.load(Ordering::SeqCst), 2);
        // An API that refuses every token: one refresh, then the 401 is the answer.
        auth.refuse_all.store(true, Ordering::SeqCst);
        assert_eq!(call(&client).await, Err("401 Unauthorized".to_owned()));
        assert_eq!(auth.requests.load(Ordering::SeqCst), 3);
        let forms = auth.forms.lock().unwrap_or_else(|e| e.into_inner()).clone();
        assert_eq!(forms[0].0, None, "credentials in the body, not a header");
        assert_eq!(
            forms[0].1,
            "grant_type=client_credentials&scope=read+write&client_id=app&client_secret=s3cret"
        );
    }

    #[tokio::test]
    async fn a_refresh_token_is_used_and_rotated() {
        let auth = Auth {
            lifetime: 3600,
            ..Auth::default()
        };
        let url = start(auth.clone()).await;
        let token_url = format!("{url}/oauth/token");
        let credential = OAuth2::refresh_token("app", "r0")
            .client_secret("s3cret")
            .scopes(["read"])
            .credential("oauth", None, Some((token_url.as_str(), &["all"])));
        let client = Client::builder(&url)
            .credential("oauth", credential)
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(call(&client).await.as_deref(), Ok("t1"));
        auth.issued
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        assert_eq!(call(&client).await.as_deref(), Ok("t2"));
        let forms = auth.forms.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let bodies: Vec<&str> = forms.iter().map(|(_, body)| body.as_str()).collect();
        assert_eq!(
            bodies,
            [
                "grant_type=refresh_token&refresh_token=r0&scope=read",
                "grant_type=refresh_token&refresh_token=r1&scope=read"
            ]
        );
    }

    #[tokio::test]
    async fn a_refused_client_is_a_credential_error_without_secrets() {
        let auth = Auth {
            lifetime: 3600,
            ..Auth::default()
        };
        let url = start(auth.clone()).await;
        let client = client(&url, OAuth2::client_credentials("app", "hunter2"));
        let message = call(&client).await.err().unwrap_or_default();
        assert_eq!(
            message,
            "the credential of `oauth` could not be obtained: the token endpoint answered \
             401 Unauthorized: invalid_client: unknown client"
        );
        assert!(!format!("{client:?}").contains("hunter2"));
        // A scheme without a token URL in the API, and none given, is refused by `build`.
        let credential = OAuth2::client_credentials("app", "s").credential("oauth", None, None);
        let built = Client::builder(&url)
            .credential("oauth", credential)
            .build();
        match built {
            Err(Error::InvalidRequest(message)) => assert_eq!(
                message,
                "the API gives no token URL for the `clientCredentials` flow of the `oauth` \
                 scheme: set one with `OAuth2::token_url`"
            ),
            other => panic!("{other:?}"),
        }
    }

    /// A relative `tokenUrl` (OpenAPI allows one) is resolved against the base URL.
    #[tokio::test]
    async fn a_relative_token_url_is_resolved_against_the_base_url() {
        let auth = Auth {
            lifetime: 3600,
            ..Auth::default()
        };
        let url = start(auth.clone()).await;
        let credential = OAuth2::client_credentials("app", "s3cret").credential(
            "oauth",
            Some(("oauth/token", &[])),
            None,
        );
        let client = Client::builder(&url)
            .credential("oauth", credential)
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(call(&client).await.as_deref(), Ok("t1"));
        assert_eq!(
            auth.forms.lock().unwrap_or_else(|e| e.into_inner())[0].1,
            "grant_type=client_credentials"
        );
        let credential = OAuth2::client_credentials("app", "s")
            .token_url("ftp://x/token")
            .credential("oauth", None, None);
        let built = Client::builder(&url)
            .credential("oauth", credential)
            .build();
        assert!(
            matches!(&built, Err(Error::InvalidRequest(m)) if m.contains("`oauth`")),
            "{built:?}"
        );
    }

    /// A token endpoint that never answers fails the call after the token request's timeout,
    /// rather than holding every call that waits for the token.
    #[tokio::test]
    async fn a_token_endpoint_that_never_answers_times_out() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let silent = tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                open.push(socket);
            }
        });
        let credential = OAuth2::client_credentials("app", "s3cret")
            .timeout(Duration::from_millis(200))
            .credential("oauth", Some(("/token", &[])), None);
        let client = Client::builder(format!("http://{address}"))
            .credential("oauth", credential)
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        let started = Instant::now();
        let message = call(&client).await.err().unwrap_or_default();
        assert!(
            message.starts_with("the credential of `oauth` could not be obtained: the token endpoint cannot be reached"),
            "{message}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        silent.abort();
    }

    #[test]
    fn form_encoding() {
        assert_eq!(form_encode("a b+c&d=é"), "a+b%2Bc%26d%3D%C3%A9");
    }
}
