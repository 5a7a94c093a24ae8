//! Errors: [`Error`], what a call gives when it fails (documented error statuses typed,
//! everything else kept with the response as it arrived), and [`Failure`], a failure before
//! any response, which converts into every operation's `Error`. Messages never contain
//! credentials, and a server's text is shown on one line, cut short.

use std::fmt;

use reqwest::{Method, StatusCode};

use super::{ApiError, BoxError, RawResponse};

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
    /// (a success status too, in strict mode: see
    /// [`ClientBuilder::strict_status`](super::ClientBuilder::strict_status)).
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
    /// No response headers arrived within the request's timeout. Only a request whose body
    /// streams (an upload, a download, an event stream) reports this: it has no total
    /// timeout, which would end the body too, so the timeout bounds the wait for the answer's
    /// headers instead; any other request's timeout is a [`Error::Transport`].
    Timeout {
        /// The request's method.
        method: Method,
        /// The request's path (without the query string).
        path: String,
        /// How long the client waited.
        after: std::time::Duration,
    },
    /// A paginated call cannot go on to the next page (it ends the stream of pages): the
    /// server named a page already followed (a cursor or link sent twice, the same page
    /// again), which would loop forever, or a next link outside the client's base URL.
    Pagination {
        /// The page that named the next one, as it arrived.
        response: RawResponse,
        /// What is wrong.
        message: String,
    },
    /// The credential of a security scheme could not be obtained: the token callback
    /// failed, or the OAuth2 token endpoint refused or could not be reached. Nothing was sent.
    Credential {
        /// The security scheme's key in the API.
        scheme: String,
        /// What failed (never the credential itself).
        source: BoxError,
    },
    /// A middleware (see [`ClientBuilder::with`](super::ClientBuilder::with)) failed the
    /// request.
    #[cfg(feature = "middleware")]
    Middleware {
        /// The request's method.
        method: Method,
        /// The request's path (without the query string).
        path: String,
        /// What the middleware said.
        source: BoxError,
    },
}

impl<E> Error<E> {
    /// The response status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.raw_response().map(RawResponse::status)
    }

    /// The response as it arrived (status, headers, raw body), whenever one did.
    pub fn raw_response(&self) -> Option<&RawResponse> {
        match self {
            Error::Api(error) => Some(error.raw_response()),
            Error::UnexpectedStatus(response)
            | Error::UnexpectedContentType(response)
            | Error::Decode { response, .. }
            | Error::Pagination { response, .. } => Some(response),
            _ => None,
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
pub(crate) const BODY_EXCERPT: usize = 200;

/// At most this many characters of a body go into `Debug` output.
pub(crate) const DEBUG_BODY: usize = 1000;

/// `text` cut after `max` characters, with `…` where it was cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// `text` on one line: control characters (line breaks, escapes) become spaces, so a
/// server's text cannot break or restyle the terminal an error is printed on.
pub(crate) fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The body's text for an error message: on one line, cut after 200 characters.
fn excerpt(response: &RawResponse) -> String {
    one_line(&shorten(&response.text(), BODY_EXCERPT))
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(error) => match error.message() {
                message if message.is_empty() => write!(
                    f,
                    "the server answered {}: {:?}",
                    error.status(),
                    error.value()
                ),
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
            Error::Transport {
                method,
                path,
                source,
            } => write!(f, "{method} {path} failed: {source}"),
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::Timeout {
                method,
                path,
                after,
            } => write!(
                f,
                "{method} {path}: no response within {} ms",
                after.as_millis()
            ),
            Error::Pagination { message, .. } => write!(f, "pagination stopped: {message}"),
            Error::Credential { scheme, source } => {
                write!(
                    f,
                    "the credential of `{scheme}` could not be obtained: {source}"
                )
            }
            #[cfg(feature = "middleware")]
            Error::Middleware {
                method,
                path,
                source,
            } => write!(f, "{method} {path} failed in a middleware: {source}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::Credential { source, .. } => Some(source.as_ref()),
            #[cfg(feature = "middleware")]
            Error::Middleware { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// A failure before any documented response: converts into every operation's error.
#[derive(Debug)]
pub(crate) enum Failure {
    Transport {
        method: Method,
        path: String,
        source: reqwest::Error,
    },
    InvalidRequest(String),
    Timeout {
        method: Method,
        path: String,
        after: std::time::Duration,
    },
    #[allow(dead_code)] // made when the API has a bearer or OAuth2 scheme
    Credential {
        scheme: String,
        source: BoxError,
    },
    #[cfg(feature = "middleware")]
    Middleware {
        method: Method,
        path: String,
        source: BoxError,
    },
}

impl<E> From<Failure> for Error<E> {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Transport {
                method,
                path,
                source,
            } => Error::Transport {
                method,
                path,
                source,
            },
            Failure::InvalidRequest(message) => Error::InvalidRequest(message),
            Failure::Timeout {
                method,
                path,
                after,
            } => Error::Timeout {
                method,
                path,
                after,
            },
            Failure::Credential { scheme, source } => Error::Credential { scheme, source },
            #[cfg(feature = "middleware")]
            Failure::Middleware {
                method,
                path,
                source,
            } => Error::Middleware {
                method,
                path,
                source,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderMap;

    use super::*;

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT),
            headers: Box::new(HeaderMap::new()),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn messages_show_the_status_and_the_servers_text() {
        let error: Error = Error::UnexpectedStatus(raw(418, r#"{"message": "short and stout"}"#));
        assert_eq!(
            error.to_string(),
            "the server answered 418 I'm a teapot, a status the API does not document here: short and stout"
        );
        assert_eq!(error.status(), Some(StatusCode::IM_A_TEAPOT));
        assert!(error.raw_response().is_some());
        let decode: Error = Error::Decode {
            response: raw(200, "<html>\n</html>"),
            message: "expected value".to_owned(),
        };
        assert_eq!(
            decode.to_string(),
            "the 200 OK response does not decode (expected value): <html> </html>"
        );
        let invalid: Error =
            Failure::InvalidRequest("the path parameter `id` is \"\"".to_owned()).into();
        assert_eq!(
            invalid.to_string(),
            "invalid request: the path parameter `id` is \"\""
        );
        assert_eq!(invalid.status(), None);
    }

    #[test]
    fn a_documented_error_without_a_message_shows_its_value() {
        let error = raw(410, "").error::<(), &str>("Gone").err();
        let error = error.unwrap_or(Error::InvalidRequest(String::new()));
        assert_eq!(error.to_string(), "the server answered 410 Gone: \"Gone\"");
        assert_eq!(error.api_error(), Some(&"Gone"));
    }

    #[test]
    fn shorten_counts_characters_not_bytes() {
        assert_eq!(shorten("ééé", 2), "éé…");
        assert_eq!(shorten("ab", 2), "ab");
        assert_eq!(one_line("a\tb\r\nc"), "a b  c");
    }
}
