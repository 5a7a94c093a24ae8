//! Headers the user adds: the client's default headers, a request's own (`.header(..)` on a
//! request builder) and its idempotency key, merged with the headers the operation sets
//! (parameters, credentials, the body's media type, cookies) by one rule:
//!
//! - the operation's own header is never replaced: a request's header of the same name is an
//!   error naming it, and a default header of that name is not sent with that request;
//! - a request's headers replace the client's default headers of the same name; several
//!   values of one name (on the request, or among the defaults) are all sent, in order;
//! - the headers that frame the message (`Host`, `Content-Length`, `Transfer-Encoding`,
//!   `Connection` ...) belong to the HTTP client and are refused, and so is the idempotency
//!   key's header, which `.idempotency_key(..)` sets;
//! - a name HTTP does not allow, or a value with CR, LF, NUL or another control character,
//!   is [`Error::InvalidRequest`](super::Error::InvalidRequest) naming the header (never its
//!   value), before anything is sent.
//!
//! Every added value is marked sensitive: `Debug` output shows `Sensitive`, never the value
//! (such a header may carry a token).

use std::fmt;

use reqwest::header::{HeaderMap, HeaderName};

use super::{header_name, header_value, Failure};

/// The header the idempotency key goes in unless the client says otherwise
/// ([`ClientBuilder::idempotency_header`](super::ClientBuilder::idempotency_header)).
pub(crate) const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// Headers the HTTP client writes itself (framing, the connection, the host): a request or a
/// default header of one of these names is refused, since a wrong one would corrupt the
/// message or the connection.
const TRANSPORT_HEADERS: [&str; 9] = [
    "connection",
    "content-length",
    "host",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// The headers a user added, as given (checked when they are sent, or by
/// [`ClientBuilder::build`](super::ClientBuilder::build) for the defaults). `Debug` shows the
/// names only.
#[derive(Clone, Default)]
pub(crate) struct ExtraHeaders(Vec<(String, String)>);

impl ExtraHeaders {
    /// Adds `value` under `name`, after the values already there.
    pub(crate) fn push(&mut self, name: String, value: String) {
        self.0.push((name, value));
    }

    /// The headers as a map, every value sensitive. `what` says whose they are in errors
    /// ("the request's header"); the idempotency key's header and the transport's are refused.
    pub(crate) fn to_map(
        &self,
        what: &str,
        idempotency: &HeaderName,
    ) -> Result<HeaderMap, Failure> {
        let mut map = HeaderMap::new();
        for (name, value) in &self.0 {
            let parsed = header_name(name).map_err(|_| {
                Failure::InvalidRequest(format!(
                    "{what} `{name}` does not have a valid HTTP header name"
                ))
            })?;
            if TRANSPORT_HEADERS.contains(&parsed.as_str()) {
                return Err(Failure::InvalidRequest(format!(
                    "{what} `{name}` is written by the HTTP client and cannot be set"
                )));
            }
            if parsed == *idempotency {
                return Err(Failure::InvalidRequest(format!(
                    "{what} `{name}` is the idempotency key's header: set the key with \
                     `.idempotency_key(..)` or `.idempotent()` on the request"
                )));
            }
            map.append(
                parsed,
                header_value(&format!("{what} `{name}`"), value, true)?,
            );
        }
        Ok(map)
    }
}

impl fmt::Debug for ExtraHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, _)| name))
            .finish()
    }
}

/// A request's idempotency key: given by the caller, or a fresh UUID v4 made when the
/// request is sent (once per send, the same for each of its retries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IdempotencyKey {
    Given(String),
    Generated,
}

impl IdempotencyKey {
    /// The key's text for one send of the request.
    pub(crate) fn resolve(&self) -> String {
        match self {
            IdempotencyKey::Given(key) => key.clone(),
            IdempotencyKey::Generated => uuid::Uuid::new_v4().to_string(),
        }
    }
}

/// Adds to `headers` (the operation's own) the request's `extra` headers, a request's
/// `idempotency` key and the client's `defaults`, by the rules of this module; an error names
/// the header at fault.
pub(crate) fn merge_headers(
    headers: &mut HeaderMap,
    extra: &ExtraHeaders,
    idempotency: Option<(&HeaderName, &str)>,
    defaults: &HeaderMap,
    idempotency_header: &HeaderName,
) -> Result<(), Failure> {
    let own = extra.to_map("the request's header", idempotency_header)?;
    for name in own.keys() {
        if headers.contains_key(name) {
            return Err(Failure::InvalidRequest(format!(
                "the request's header `{name}` is one the operation sets itself (a header \
                 parameter, a credential, the body's media type or the cookies): set it there"
            )));
        }
    }
    if let Some((name, key)) = idempotency {
        if key.is_empty() {
            return Err(Failure::InvalidRequest(
                "the idempotency key is empty".to_owned(),
            ));
        }
        if headers.contains_key(name) {
            return Err(Failure::InvalidRequest(format!(
                "the idempotency key's header `{name}` is also set by the operation (a header \
                 parameter): give the key once"
            )));
        }
        let value = header_value(
            &format!("the idempotency key (header `{name}`)"),
            key,
            false,
        )?;
        headers.insert(name.clone(), value);
    }
    for (name, value) in &own {
        headers.append(name.clone(), value.clone());
    }
    for name in defaults.keys() {
        if !headers.contains_key(name) {
            for value in defaults.get_all(name) {
                headers.append(name.clone(), value.clone());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn key_header() -> HeaderName {
        HeaderName::from_static("idempotency-key")
    }

    fn extra(pairs: &[(&str, &str)]) -> ExtraHeaders {
        let mut extra = ExtraHeaders::default();
        for (name, value) in pairs {
            extra.push((*name).to_owned(), (*value).to_owned());
        }
        extra
    }

    fn message(result: Result<impl fmt::Debug, Failure>) -> String {
        match result {
            Err(Failure::InvalidRequest(message)) => message,
            other => panic!("expected an invalid request, got {other:?}"),
        }
    }

    fn values<'m>(map: &'m HeaderMap, name: &str) -> Vec<&'m str> {
        map.get_all(name)
            .iter()
            .map(|value| value.to_str().unwrap_or("?"))
            .collect()
    }

    #[test]
    fn bad_names_and_values_are_refused_by_name_without_the_value() {
        let key = key_header();
        let bad_name = message(extra(&[("X Bad", "v")]).to_map("the request's header", &key));
        assert!(bad_name.contains("`X Bad`"), "{bad_name}");
        for value in ["a\r\nX-Evil: 1", "a\nb", "a\0b"] {
            let bad = message(extra(&[("X-Token", value)]).to_map("the request's header", &key));
            assert!(
                bad.contains("`X-Token`") && bad.contains("CR or LF"),
                "{bad}"
            );
            assert!(!bad.contains(value), "{bad}");
        }
        for name in ["Host", "content-length", "Transfer-Encoding", "Connection"] {
            let refused = message(extra(&[(name, "x")]).to_map("a default header", &key));
            assert!(refused.contains("written by the HTTP client"), "{refused}");
        }
        let refused = message(extra(&[("IDEMPOTENCY-KEY", "k")]).to_map("a default header", &key));
        assert!(refused.contains(".idempotency_key("), "{refused}");
    }

    #[test]
    fn values_are_sensitive_and_debug_shows_names_only() {
        let headers = extra(&[("X-Token", "hunter2"), ("x-token", "two")]);
        assert_eq!(format!("{headers:?}"), r#"["X-Token", "x-token"]"#);
        let map = headers.to_map("the request's header", &key_header());
        let map = map.unwrap_or_default();
        assert_eq!(values(&map, "x-token"), ["hunter2", "two"]);
        assert!(map.get_all("x-token").iter().all(HeaderValue::is_sensitive));
        assert!(!format!("{map:?}").contains("hunter2"));
    }

    #[test]
    fn the_request_replaces_defaults_and_never_the_operations_headers() {
        let key = key_header();
        let mut defaults = HeaderMap::new();
        defaults.append("x-team", HeaderValue::from_static("a"));
        defaults.append("x-team", HeaderValue::from_static("b"));
        defaults.append("x-env", HeaderValue::from_static("prod"));
        defaults.append("x-trace", HeaderValue::from_static("default"));
        // The operation sets `X-Trace` (a header parameter).
        let operation = || {
            let mut headers = HeaderMap::new();
            headers.insert("x-trace", HeaderValue::from_static("param"));
            headers
        };
        let mut headers = operation();
        let request = extra(&[("X-Env", "dev"), ("X-Env", "test")]);
        assert!(merge_headers(&mut headers, &request, None, &defaults, &key).is_ok());
        assert_eq!(values(&headers, "x-trace"), ["param"]);
        assert_eq!(values(&headers, "x-env"), ["dev", "test"]);
        assert_eq!(values(&headers, "x-team"), ["a", "b"]);
        // A request's header of a name the operation sets is refused.
        let mut headers = operation();
        let clash = extra(&[("x-TRACE", "mine")]);
        let refused = message(merge_headers(&mut headers, &clash, None, &defaults, &key));
        assert!(
            refused.contains("`x-trace`") && !refused.contains("mine"),
            "{refused}"
        );
    }

    #[test]
    fn the_idempotency_key() {
        let key = key_header();
        let none = ExtraHeaders::default();
        let mut headers = HeaderMap::new();
        let sent = merge_headers(
            &mut headers,
            &none,
            Some((&key, "k-1")),
            &HeaderMap::new(),
            &key,
        );
        assert!(sent.is_ok());
        assert_eq!(values(&headers, "idempotency-key"), ["k-1"]);
        for bad in ["", "a\r\nb"] {
            let mut headers = HeaderMap::new();
            let refused = merge_headers(
                &mut headers,
                &none,
                Some((&key, bad)),
                &HeaderMap::new(),
                &key,
            );
            assert!(message(refused).contains("idempotency key"));
        }
        // The operation documents the header itself and the caller set it.
        let mut headers = HeaderMap::new();
        headers.insert("idempotency-key", HeaderValue::from_static("param"));
        let twice = merge_headers(
            &mut headers,
            &none,
            Some((&key, "k")),
            &HeaderMap::new(),
            &key,
        );
        assert!(message(twice).contains("give the key once"));
        // Generated keys: a UUID v4, a fresh one each time.
        let generated = IdempotencyKey::Generated;
        let (a, b) = (generated.resolve(), generated.resolve());
        assert_ne!(a, b);
        let parsed = uuid::Uuid::parse_str(&a).map(|uuid| uuid.get_version_num());
        assert_eq!(parsed.ok(), Some(4));
        assert_eq!(IdempotencyKey::Given("k".to_owned()).resolve(), "k");
    }
}
