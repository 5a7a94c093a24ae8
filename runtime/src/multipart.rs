//! `multipart/form-data` request bodies, built part by part (for an operation whose body
//! schema lists its parts).

use super::{json_body, Failure};

/// The boundary between the parts of a `multipart/form-data` body; a part that
/// contains it is refused.
const MULTIPART_BOUNDARY: &str = "stitch-part-8f3c1e6a9b2d4f70a5c7e1b3d9f2a6c4";

/// The `Content-Type` of a `multipart/form-data` body.
pub(crate) const MULTIPART_CONTENT_TYPE: &str =
    "multipart/form-data; boundary=stitch-part-8f3c1e6a9b2d4f70a5c7e1b3d9f2a6c4";

/// A `multipart/form-data` body being built, one part at a time.
#[derive(Debug, Default)]
pub(crate) struct Multipart {
    body: Vec<u8>,
}

impl Multipart {
    /// One part; `file_name` makes it a file part.
    pub(crate) fn part(
        &mut self,
        name: &str,
        file_name: Option<&str>,
        content_type: Option<&str>,
        data: &[u8],
    ) -> Result<(), Failure> {
        let head = part_head(name, file_name, content_type)?;
        if data
            .windows(MULTIPART_BOUNDARY.len())
            .any(|w| w == MULTIPART_BOUNDARY.as_bytes())
        {
            return Err(Failure::InvalidRequest(format!(
                "the part `{name}` contains the multipart boundary"
            )));
        }
        self.body.extend_from_slice(head.as_bytes());
        self.body.extend_from_slice(data);
        self.body.extend_from_slice(b"\r\n");
        Ok(())
    }
}

/// The boundary line and headers that open a part (its data follows, then CRLF); a name or
/// content type that cannot be sent is an error.
pub(crate) fn part_head(
    name: &str,
    file_name: Option<&str>,
    content_type: Option<&str>,
) -> Result<String, Failure> {
    for (what, text) in [("part name", Some(name)), ("file name", file_name)] {
        if text.is_some_and(|text| text.chars().any(|c| c == '"' || c.is_control())) {
            return Err(Failure::InvalidRequest(format!(
                "the {what} {text:?} cannot be sent in a multipart body"
            )));
        }
    }
    if content_type.is_some_and(|t| t.chars().any(char::is_control)) {
        return Err(Failure::InvalidRequest(format!(
            "the content type of the part `{name}` holds a control character"
        )));
    }
    let mut head =
        format!("--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"");
    if let Some(file_name) = file_name {
        head.push_str(&format!("; filename=\"{file_name}\""));
    }
    head.push_str("\r\n");
    if let Some(content_type) = content_type {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    head.push_str("\r\n");
    Ok(head)
}

/// The line that ends a multipart body.
pub(crate) fn multipart_end() -> String {
    format!("--{MULTIPART_BOUNDARY}--\r\n")
}

/// One method per kind of part: each multipart body's encoding calls those its parts need (a
/// `Form` none of them), so an API uses some.
#[allow(dead_code)]
impl Multipart {
    /// A text part.
    pub(crate) fn text(&mut self, name: &str, value: &str) -> Result<(), Failure> {
        self.part(name, None, None, value.as_bytes())
    }

    /// A file part (`application/octet-stream`), named after the part.
    pub(crate) fn file(&mut self, name: &str, value: &[u8]) -> Result<(), Failure> {
        self.part(name, Some(name), Some("application/octet-stream"), value)
    }

    /// A JSON part.
    pub(crate) fn json<T: serde::Serialize>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), Failure> {
        let data = json_body(value)?;
        self.part(name, None, Some("application/json"), &data)
    }

    /// The parts so far, without the line that ends the body.
    pub(crate) fn into_parts(self) -> Vec<u8> {
        self.body
    }

    /// The whole body.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.body.extend_from_slice(multipart_end().as_bytes());
        self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_in_order_with_their_headers() {
        let mut body = Multipart::default();
        assert!(body.text("title", "Hi").is_ok());
        assert!(body.file("image", b"\x00\x01").is_ok());
        assert!(body.json("meta", &serde_json::json!({"a": 1})).is_ok());
        let body = String::from_utf8_lossy(&body.finish()).into_owned();
        let b = MULTIPART_BOUNDARY;
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHi\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"image\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n\u{0}\u{1}\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n\
             {{\"a\":1}}\r\n--{b}--\r\n"
        );
        assert_eq!(body, expected);
        assert!(MULTIPART_CONTENT_TYPE.ends_with(MULTIPART_BOUNDARY));
    }

    #[test]
    fn what_cannot_be_sent_is_refused() {
        let mut body = Multipart::default();
        assert!(body.text("a\"b", "x").is_err());
        assert!(body.text("a\nb", "x").is_err());
        assert!(body.part("a", Some("f\"n"), None, b"x").is_err());
        assert!(body
            .part("a", None, Some("text/plain\r\nX: y"), b"x")
            .is_err());
        let data = format!("before {MULTIPART_BOUNDARY} after");
        assert!(body.text("a", &data).is_err());
    }
}
