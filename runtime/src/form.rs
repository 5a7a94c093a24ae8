//! [`Form`]: a `multipart/form-data` body the user fills, for an operation whose API
//! description does not say what its parts are.

use super::{
    multipart_end, part_head, Failure, Multipart, Request, Upload, MULTIPART_CONTENT_TYPE,
};

/// A `multipart/form-data` body you build part by part, for an operation whose API
/// description does not say what its parts are (its body is not an object of
/// properties). Each part is sent in the order added.
///
/// ```text
/// let form = Form::new().text("title", "My recipe").file("image", "photo.png", "image/png", bytes);
/// ```
///
/// A file part can also be read as it is sent ([`file_stream`](Self::file_stream)): a form
/// with one is sent once, never retried, like any body read as it is sent (see [`Upload`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    parts: Vec<FormPart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct FormPart {
    name: String,
    file: Option<(String, String)>,
    data: Vec<u8>,
    /// The part's data read as it is sent (then `data` is empty).
    stream: Option<Upload>,
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text part.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let data = value.into().into_bytes();
        self.parts.push(FormPart {
            name: name.into(),
            file: None,
            data,
            stream: None,
        });
        self
    }

    /// Adds a file part: its file name, its content type (`application/octet-stream`
    /// when unknown) and its bytes.
    pub fn file(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Vec<u8>>,
    ) -> Self {
        let file = Some((file_name.into(), content_type.into()));
        self.parts.push(FormPart {
            name: name.into(),
            file,
            data: data.into(),
            stream: None,
        });
        self
    }

    /// Adds a file part whose data is read as it is sent: a file
    /// (`Upload::file(path).await?`, a `tokio::fs::File`) or a stream ([`Upload::stream`]);
    /// its file name and content type as for [`file`](Self::file). The data is not searched
    /// for the multipart boundary (a 40-character random-looking token) as in-memory parts
    /// are.
    pub fn file_stream(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Upload>,
    ) -> Self {
        let file = Some((file_name.into(), content_type.into()));
        self.parts.push(FormPart {
            name: name.into(),
            file,
            data: Vec::new(),
            stream: Some(data.into()),
        });
        self
    }

    /// Puts the form into `request`: in memory when every part is (a request that can be
    /// sent again), else as a body read as it is sent, part by part.
    pub(crate) fn attach(&self, request: &mut Request) -> Result<(), Failure> {
        if self
            .parts
            .iter()
            .all(|part| part.stream.as_ref().is_none_or(Upload::in_memory))
        {
            let mut form = self.clone();
            for part in &mut form.parts {
                if let Some(stream) = part.stream.take() {
                    part.data = stream.bytes_in_memory().unwrap_or_default();
                }
            }
            request.body = Some((MULTIPART_CONTENT_TYPE, form.encode()?));
            return Ok(());
        }
        let mut pieces = Vec::new();
        let mut text = Vec::new();
        for part in &self.parts {
            let (file_name, content_type) = match &part.file {
                Some((file_name, content_type)) => {
                    (Some(file_name.as_str()), Some(content_type.as_str()))
                }
                None => (None, None),
            };
            match &part.stream {
                Some(stream) => {
                    text.extend_from_slice(
                        part_head(&part.name, file_name, content_type)?.as_bytes(),
                    );
                    pieces.push(Upload::from(std::mem::take(&mut text)).chunks()?);
                    pieces.push(stream.chunks()?);
                    text.extend_from_slice(b"\r\n");
                }
                None => {
                    let mut one = Multipart::default();
                    one.part(&part.name, file_name, content_type, &part.data)?;
                    text.extend_from_slice(&one.into_parts());
                }
            }
        }
        text.extend_from_slice(multipart_end().as_bytes());
        pieces.push(Upload::from(text).chunks()?);
        let body = futures_util::StreamExt::flatten(futures_util::stream::iter(pieces));
        request.upload = Some((MULTIPART_CONTENT_TYPE, reqwest::Body::wrap_stream(body)));
        Ok(())
    }

    /// The body on the wire (of the parts in memory); a name that cannot be sent is an error.
    pub(crate) fn encode(&self) -> Result<Vec<u8>, Failure> {
        let mut body = Multipart::default();
        for part in &self.parts {
            match &part.file {
                Some((file_name, content_type)) => {
                    body.part(&part.name, Some(file_name), Some(content_type), &part.data)?
                }
                None => body.part(&part.name, None, None, &part.data)?,
            }
        }
        Ok(body.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_is_sent_as_its_parts_in_order() {
        let form = Form::new().text("title", "My recipe").file(
            "image",
            "photo.png",
            "image/png",
            vec![1u8, 2],
        );
        let mut expected = Multipart::default();
        assert!(expected.text("title", "My recipe").is_ok());
        assert!(expected
            .part("image", Some("photo.png"), Some("image/png"), &[1, 2])
            .is_ok());
        assert_eq!(form.encode().ok(), Some(expected.finish()));
        assert!(Form::new().text("bad\"name", "x").encode().is_err());
    }
}
