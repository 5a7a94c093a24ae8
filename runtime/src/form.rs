//! [`Form`]: a `multipart/form-data` body the user fills, for an operation whose API
//! description does not say what its parts are.

use super::{Failure, Multipart};

/// A `multipart/form-data` body you build part by part, for an operation whose API
/// description does not say what its parts are (its body is not an object of
/// properties). Each part is sent in the order added.
///
/// ```text
/// let form = Form::new().text("title", "My recipe").file("image", "photo.png", "image/png", bytes);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    parts: Vec<FormPart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct FormPart {
    name: String,
    file: Option<(String, String)>,
    data: Vec<u8>,
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
        });
        self
    }

    /// The body on the wire; a name that cannot be sent is an error.
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
