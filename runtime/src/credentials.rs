//! Credentials and the header and cookie text they and parameters go into: a [`Secret`]
//! never shows in `Debug` output or error messages; header and cookie values are checked
//! (never a panic on CR, LF or another character HTTP does not allow).

use std::fmt;

use reqwest::header::{HeaderName, HeaderValue};

use super::Failure;

/// A credential: kept out of `Debug` output and error messages.
#[derive(Clone)]
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
    Header { name: &'static str, value: Secret },
    Query { name: &'static str, value: Secret },
    Cookie { name: &'static str, value: Secret },
    Bearer(Secret),
    Basic { user: Secret, password: Secret },
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
        ];
        for credential in credentials {
            let shown = format!("{credential:?} {credential:#?}");
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains("<redacted>"), "{shown}");
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
}
