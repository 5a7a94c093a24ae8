//! The HTTP methods an OpenAPI path item can hold: one enum for every stage (source headings,
//! the merge, the model, emit, the corpus splitter).
//!
//! Invariant: [`HttpMethod::ALL`] is OpenAPI's order (`get`, `put`, `post`, `delete`,
//! `options`, `head`, `patch`, `trace`), the one order in which methods are listed anywhere.

use std::fmt;

/// An HTTP method of an OpenAPI path item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    /// `get`.
    Get,
    /// `put`.
    Put,
    /// `post`.
    Post,
    /// `delete`.
    Delete,
    /// `options`.
    Options,
    /// `head`.
    Head,
    /// `patch`.
    Patch,
    /// `trace`.
    Trace,
}

impl HttpMethod {
    /// Every method, in the order OpenAPI lists them in a path item (the order of the enum, so
    /// sorting by `HttpMethod` sorts in this order).
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Options,
        HttpMethod::Head,
        HttpMethod::Patch,
        HttpMethod::Trace,
    ];

    /// The key in a path item: lowercase (`get`).
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Put => "put",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
            HttpMethod::Options => "options",
            HttpMethod::Head => "head",
            HttpMethod::Patch => "patch",
            HttpMethod::Trace => "trace",
        }
    }

    /// The method as HTTP writes it: uppercase (`GET`).
    pub const fn upper(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }

    /// The method whose path-item key is `key` (lowercase, exactly: OpenAPI's keys are
    /// case-sensitive), or `None` for any other key (`parameters`, `summary`, `GET`, ...).
    pub fn from_key(key: &str) -> Option<HttpMethod> {
        HttpMethod::ALL.into_iter().find(|m| m.as_str() == key)
    }
}

impl fmt::Display for HttpMethod {
    /// The lowercase key (`get`), as in a path item.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::HttpMethod;

    #[test]
    fn all_is_openapis_order_and_keys_round_trip() {
        let keys: Vec<&str> = HttpMethod::ALL.iter().map(|m| m.as_str()).collect();
        assert_eq!(
            keys,
            [
                "get", "put", "post", "delete", "options", "head", "patch", "trace"
            ]
        );
        let mut sorted = HttpMethod::ALL;
        sorted.sort();
        assert_eq!(sorted, HttpMethod::ALL, "the enum's order is ALL's order");
        for method in HttpMethod::ALL {
            assert_eq!(HttpMethod::from_key(method.as_str()), Some(method));
            assert_eq!(method.to_string(), method.as_str());
            assert_eq!(method.upper(), method.as_str().to_ascii_uppercase());
        }
    }

    #[test]
    fn other_keys_are_no_method() {
        for key in [
            "",
            "GET",
            "Get",
            "parameters",
            "summary",
            "servers",
            "connect",
            "get ",
        ] {
            assert_eq!(HttpMethod::from_key(key), None, "{key:?}");
        }
    }
}
