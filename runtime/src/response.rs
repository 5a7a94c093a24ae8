//! Responses: the raw response as it arrived ([`RawResponse`], with a short `Debug` and the
//! server's message for errors), the decoded value with its status and headers
//! ([`ResponseValue`]), a documented error ([`ApiError`]), the common headers read for the
//! caller (`ETag`, `Location`, rate limits), and the decoders the operations' `decode`
//! functions call.

use std::fmt;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::{one_line, shorten, Error, BODY_EXCERPT, DEBUG_BODY};

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
        ResponseValue {
            status: self.status,
            headers: self.headers,
            value: f(self.value),
        }
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
    pub(crate) status: StatusCode,
    pub(crate) headers: Box<HeaderMap>,
    pub(crate) body: Vec<u8>,
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
        const FIELDS: [&str; 6] = [
            "message",
            "error_description",
            "detail",
            "exception_message",
            "error",
            "title",
        ];
        let text = |value: Option<&serde_json::Value>| match value {
            Some(serde_json::Value::String(text)) if !text.trim().is_empty() => Some(text.clone()),
            _ => None,
        };
        if let Ok(serde_json::Value::Object(map)) =
            serde_json::from_slice::<serde_json::Value>(&self.body)
        {
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
    pub(crate) fn media_type(&self) -> Option<String> {
        let value = self
            .headers
            .get(reqwest::header::CONTENT_TYPE)?
            .to_str()
            .ok()?;
        let essence = value.split(';').next().unwrap_or_default().trim();
        Some(essence.to_ascii_lowercase())
    }

    /// True when the response declares a JSON body (`application/json` or `+json`).
    fn declares_json(&self) -> bool {
        self.media_type().is_some_and(|media_type| {
            media_type == "application/json" || media_type.ends_with("+json")
        })
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
        let text = std::str::from_utf8(&self.body)
            .map_err(|error| BodyProblem::Decode(error.to_string()))?;
        if self.declares_json() {
            if let Ok(serde_json::Value::String(unquoted)) = serde_json::from_str(text) {
                return Ok(unquoted);
            }
        }
        Ok(text.to_owned())
    }
}

/// The decoders of the operations' `decode` functions: each operation calls those its
/// documented statuses and media types need, so an API uses some of them.
#[allow(dead_code)]
impl RawResponse {
    /// Decodes a JSON body; a body with another declared media type is an error.
    pub(crate) fn json<T: serde::de::DeserializeOwned, E>(
        self,
    ) -> Result<ResponseValue<T>, Error<E>> {
        match self.read_json() {
            Ok(value) => Ok(ResponseValue {
                status: self.status,
                headers: self.headers,
                value,
            }),
            Err(problem) => Err(problem.into_error(self)),
        }
    }

    /// Decodes a text body (see `read_text` for a JSON string sent as text).
    pub(crate) fn text_value<E>(self) -> Result<ResponseValue<String>, Error<E>> {
        match self.read_text() {
            Ok(value) => Ok(ResponseValue {
                status: self.status,
                headers: self.headers,
                value,
            }),
            Err(problem) => Err(problem.into_error(self)),
        }
    }

    /// Keeps a binary body as it is.
    pub(crate) fn bytes_value<E>(self) -> Result<ResponseValue<Vec<u8>>, Error<E>> {
        Ok(ResponseValue {
            status: self.status,
            headers: self.headers,
            value: self.body,
        })
    }

    /// A response whose body is not read: `value` stands for it.
    fn unit<T>(self, value: T) -> ResponseValue<T> {
        ResponseValue {
            status: self.status,
            headers: self.headers,
            value,
        }
    }

    /// A success without a body: `value` stands for it.
    pub(crate) fn empty<T, E>(self, value: T) -> Result<ResponseValue<T>, Error<E>> {
        Ok(self.unit(value))
    }

    /// A documented error without a body schema: `Error::Api` holding `value`, and the
    /// response with whatever body the server sent.
    pub(crate) fn error<T, E>(self, value: E) -> Result<ResponseValue<T>, Error<E>> {
        Err(Error::Api(ApiError {
            value,
            response: self,
        }))
    }

    /// A status the operation does not document.
    pub(crate) fn unexpected<T, E>(self) -> Result<ResponseValue<T>, Error<E>> {
        Err(Error::UnexpectedStatus(self))
    }

    /// A JSON success body that is one variant (`variant`) of the response enum.
    pub(crate) fn json_as<T: serde::de::DeserializeOwned, V, E>(
        self,
        variant: impl FnOnce(T) -> V,
    ) -> Result<ResponseValue<V>, Error<E>> {
        self.json::<T, E>().map(|value| value.map(variant))
    }

    /// A text success body that is one variant of the response enum.
    pub(crate) fn text_as<V, E>(
        self,
        variant: impl FnOnce(String) -> V,
    ) -> Result<ResponseValue<V>, Error<E>> {
        self.text_value::<E>().map(|value| value.map(variant))
    }

    /// A binary success body that is one variant of the response enum.
    pub(crate) fn bytes_as<V, E>(
        self,
        variant: impl FnOnce(Vec<u8>) -> V,
    ) -> Result<ResponseValue<V>, Error<E>> {
        self.bytes_value::<E>().map(|value| value.map(variant))
    }

    /// The JSON body of a documented error status: `Error::Api` holding it as `variant`
    /// (and the response as it arrived).
    pub(crate) fn json_error<T: serde::de::DeserializeOwned, V, E>(
        self,
        variant: impl FnOnce(T) -> E,
    ) -> Result<ResponseValue<V>, Error<E>> {
        Err(match self.read_json() {
            Ok(value) => Error::Api(ApiError {
                value: variant(value),
                response: self,
            }),
            Err(problem) => problem.into_error(self),
        })
    }

    /// The text body of a documented error status, as `variant` in `Error::Api`.
    pub(crate) fn text_error<V, E>(
        self,
        variant: impl FnOnce(String) -> E,
    ) -> Result<ResponseValue<V>, Error<E>> {
        Err(match self.read_text() {
            Ok(value) => Error::Api(ApiError {
                value: variant(value),
                response: self,
            }),
            Err(problem) => problem.into_error(self),
        })
    }

    /// The binary body of a documented error status, as `variant` in `Error::Api`.
    pub(crate) fn bytes_error<V, E>(
        self,
        variant: impl FnOnce(Vec<u8>) -> E,
    ) -> Result<ResponseValue<V>, Error<E>> {
        Err(Error::Api(ApiError {
            value: variant(self.body.clone()),
            response: self,
        }))
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

/// Accessors of the headers many APIs send, on [`ResponseValue`] and [`RawResponse`] alike.
macro_rules! common_headers {
    ($($ty:ident$(<$generic:ident>)?),*) => {$(
        impl$(<$generic>)? $ty$(<$generic>)? {
            /// The `ETag` header as sent (quotes and a `W/` prefix kept), ready to go back
            /// in an `If-Match` or `If-None-Match` header (`.header("If-Match", etag)`);
            /// `None` when absent or not visible ASCII.
            pub fn etag(&self) -> Option<&str> {
                text(&self.headers, "etag")
            }

            /// The `Location` header as sent (it may be relative to the request's URL);
            /// `None` when absent or not visible ASCII.
            pub fn location(&self) -> Option<&str> {
                text(&self.headers, "location")
            }

            /// The request quota of the current window: `RateLimit-Limit`, else
            /// `X-RateLimit-Limit` (the number before any `,` or `;`); `None` when neither
            /// is a number.
            pub fn rate_limit_limit(&self) -> Option<u64> {
                rate_limit(&self.headers, "limit")
            }

            /// The requests left in the current window: `RateLimit-Remaining`, else
            /// `X-RateLimit-Remaining`; `None` when neither is a number.
            pub fn rate_limit_remaining(&self) -> Option<u64> {
                rate_limit(&self.headers, "remaining")
            }

            /// When the window resets: `RateLimit-Reset`, else `X-RateLimit-Reset`, as the
            /// server means it (seconds from now in the IETF draft, a Unix time in seconds
            /// at GitHub and many others); `None` when neither is a number.
            pub fn rate_limit_reset(&self) -> Option<u64> {
                rate_limit(&self.headers, "reset")
            }
        }
    )*};
}

common_headers!(RawResponse, ResponseValue<T>);

/// The first value of header `name` as text, when it is visible ASCII.
fn text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name)?.to_str().ok()
}

/// The number of `RateLimit-{field}`, else of `X-RateLimit-{field}`: the digits before any
/// `,` or `;` (the draft's `100, 100;w=60`).
fn rate_limit(headers: &HeaderMap, field: &str) -> Option<u64> {
    let number = |name: String| {
        let value = text(headers, &name)?;
        value.split([',', ';']).next()?.trim().parse::<u64>().ok()
    };
    number(format!("ratelimit-{field}")).or_else(|| number(format!("x-ratelimit-{field}")))
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderValue, CONTENT_TYPE};

    use super::*;

    fn response(status: u16, content_type: Option<&'static str>, body: &str) -> RawResponse {
        let mut headers = HeaderMap::new();
        if let Some(content_type) = content_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        RawResponse {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT),
            headers: Box::new(headers),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn common_headers() {
        let mut raw = response(201, None, "");
        let headers = &mut raw.headers;
        headers.insert("etag", HeaderValue::from_static("W/\"v7\""));
        headers.insert("location", HeaderValue::from_static("/items/7"));
        headers.insert("x-ratelimit-limit", HeaderValue::from_static("5000"));
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("4999"));
        headers.insert("ratelimit-remaining", HeaderValue::from_static("42"));
        headers.insert("ratelimit-limit", HeaderValue::from_static("100, 100;w=60"));
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("soon"));
        assert_eq!(raw.etag(), Some("W/\"v7\""));
        assert_eq!(raw.location(), Some("/items/7"));
        assert_eq!(raw.rate_limit_limit(), Some(100));
        assert_eq!(raw.rate_limit_remaining(), Some(42));
        assert_eq!(raw.rate_limit_reset(), None);
        let value = ResponseValue {
            status: raw.status,
            headers: raw.headers.clone(),
            value: (),
        };
        assert_eq!(value.etag(), Some("W/\"v7\""));
        assert_eq!(value.location(), Some("/items/7"));
        assert_eq!(value.rate_limit_limit(), Some(100));
        assert_eq!(value.rate_limit_remaining(), Some(42));
        assert_eq!(value.rate_limit_reset(), None);
        let bare = response(200, None, "");
        assert_eq!((bare.etag(), bare.location()), (None, None));
        assert_eq!(bare.rate_limit_remaining(), None);
        let mut odd = response(200, None, "");
        odd.headers.insert(
            "etag",
            HeaderValue::from_bytes(b"\"caf\xe9\"").unwrap_or(HeaderValue::from_static("x")),
        );
        assert_eq!(odd.etag(), None);
    }

    #[test]
    fn the_servers_message() {
        let message = |body: &str| response(400, Some("application/json"), body).message();
        assert_eq!(message(r#"{"detail": "bad id", "title": "Bad"}"#), "bad id");
        assert_eq!(message(r#"{"error": {"message": "nested"}}"#), "nested");
        assert_eq!(message(r#"{"message": "  ", "error": "second"}"#), "second");
        assert_eq!(
            message("line one\nline two\x1b[31m"),
            "line one line two [31m"
        );
        assert_eq!(message(""), "");
        let long = message(&"x".repeat(500));
        assert_eq!(long.chars().count(), 201);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn debug_shows_the_body_as_text_cut_short() {
        let short = format!("{:?}", response(200, None, "hello"));
        assert!(short.contains("body: \"hello\""), "{short}");
        let long = format!("{:?}", response(200, None, &"é".repeat(1500)));
        assert!(long.contains("…\" (3000 bytes)"), "{long}");
        assert_eq!(long.matches('é').count(), 1000);
    }

    #[test]
    fn json_bodies_and_their_media_type() {
        let value: Result<ResponseValue<Vec<i32>>, Error> = response(
            200,
            Some("application/problem+json; charset=utf-8"),
            "[1, 2]",
        )
        .json();
        assert_eq!(value.ok().map(ResponseValue::into_inner), Some(vec![1, 2]));
        // No declared type is accepted; another declared type is not.
        let value: Result<ResponseValue<i32>, Error> = response(200, None, "3").json();
        assert!(value.is_ok());
        let value: Result<ResponseValue<i32>, Error> = response(200, Some("text/html"), "3").json();
        assert!(matches!(value, Err(Error::UnexpectedContentType(_))));
        let value: Result<ResponseValue<i32>, Error> =
            response(200, Some("application/json"), "{").json();
        assert!(matches!(value, Err(Error::Decode { .. })));
    }

    #[test]
    fn text_bodies_unquote_only_what_the_server_labels_json() {
        let text = |content_type, body| {
            response(200, content_type, body)
                .text_value::<()>()
                .ok()
                .map(ResponseValue::into_inner)
        };
        assert_eq!(
            text(Some("application/json"), "\"1.0.0\"").as_deref(),
            Some("1.0.0")
        );
        assert_eq!(
            text(Some("text/plain"), "\"1.0.0\"").as_deref(),
            Some("\"1.0.0\"")
        );
        assert_eq!(text(None, "plain").as_deref(), Some("plain"));
        let invalid = RawResponse {
            body: vec![0xff],
            ..response(200, None, "")
        };
        assert!(matches!(
            invalid.text_value::<()>(),
            Err(Error::Decode { .. })
        ));
    }

    #[test]
    fn documented_errors_keep_the_response() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Problem {
            code: i32,
        }
        let result: Result<ResponseValue<()>, Error<Problem>> = response(
            422,
            Some("application/json"),
            r#"{"code": 7, "message": "no"}"#,
        )
        .json_error(|p| p);
        match result {
            Err(Error::Api(error)) => {
                assert_eq!(error.value(), &Problem { code: 7 });
                assert_eq!(error.status(), StatusCode::UNPROCESSABLE_ENTITY);
                assert_eq!(error.message(), "no");
                assert_eq!(error.code, 7);
                assert!(error.raw_response().text().contains("\"code\""));
            }
            other => panic!("{other:?}"),
        }
    }
}
