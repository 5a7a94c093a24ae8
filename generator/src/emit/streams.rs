//! What a client whose API has streamed bodies (`model::streams`) gets beyond the others:
//! the runtime's `stream.rs` (and `sse.rs` for event streams), their types re-exported at
//! the crate root, and the dependencies they use. Invariant: a client without streamed
//! bodies gets none of it (no file, no re-export, no dependency).

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Api, Operation, RequestBody, Success, TypeRef};

/// True when an operation reads its success body as it arrives, or may send a body from a
/// file or a stream (a binary body, or a `Form`, which can have such file parts): the
/// runtime's `stream.rs`.
pub(super) fn uses_streams(api: &Api) -> bool {
    api.operations.iter().any(|op| {
        op.streams()
            || op
                .body
                .as_ref()
                .is_some_and(|body| matches!(body.ty, TypeRef::Upload | TypeRef::Form))
    })
}

/// True when an operation's success body is an event stream: the runtime's `sse.rs`.
pub(super) fn uses_events(api: &Api) -> bool {
    api.operations.iter().any(|op| {
        op.responses
            .iter()
            .any(|r| r.success && matches!(r.body, Some((_, TypeRef::Events(_)))))
    })
}

/// The runtime's stream types, re-exported at the crate root for the API's users.
pub(super) fn reexports(api: &Api) -> TokenStream {
    let streams = uses_streams(api).then(|| {
        quote! {
            pub use runtime::{ByteStream, StreamError, Upload};
        }
    });
    let events = uses_events(api).then(|| {
        quote! {
            pub use runtime::{Event, EventStream, ReconnectPolicy};
        }
    });
    quote! {
        #streams
        #events
    }
}

/// The dependency lines (TOML) a client with streamed bodies adds, and the features its
/// `reqwest` and `tokio` lines take.
pub(super) struct Dependencies {
    /// Lines added to `[dependencies]`, in order.
    pub(super) lines: Vec<&'static str>,
    /// Features added to `reqwest`'s.
    pub(super) reqwest: &'static [&'static str],
    /// Features added to `tokio`'s.
    pub(super) tokio: &'static [&'static str],
}

/// What [`Dependencies`] `api` needs (none without streamed bodies).
pub(super) fn dependencies(api: &Api) -> Dependencies {
    if !uses_streams(api) {
        return Dependencies {
            lines: Vec::new(),
            reqwest: &[],
            tokio: &[],
        };
    }
    let mut lines = vec![
        r#"bytes = "1""#,
        r#"futures-util = { version = "0.3", default-features = false, features = ["std"] }"#,
        r#"tokio-util = { version = "0.7", default-features = false, features = ["io"] }"#,
    ];
    if uses_events(api) {
        lines.push(r#"sse-stream = "0.3""#);
    }
    Dependencies {
        lines,
        reqwest: &["stream"],
        tokio: &["fs", "io-util"],
    }
}

impl Dependencies {
    /// A dependency line of every client, with the features added to `reqwest`'s and
    /// `tokio`'s (their lists end with `"]`).
    pub(super) fn line(&self, line: &str) -> String {
        let added = if line.starts_with("reqwest ") {
            self.reqwest
        } else if line.starts_with("tokio ") {
            self.tokio
        } else {
            &[]
        };
        match line.rfind("\"]") {
            Some(end) if !added.is_empty() => {
                let features: String = added.iter().map(|f| format!(", \"{f}\"")).collect();
                format!("{}{features}{}", &line[..=end], &line[end + 1..])
            }
            _ => line.to_owned(),
        }
    }
}

/// The type an operation's `decode` reads: the runtime's `Streamed` when its success body
/// streams, else the whole response.
pub(super) fn received(op: &Operation) -> TokenStream {
    if op.streams() {
        quote!(runtime::Streamed)
    } else {
        quote!(runtime::RawResponse)
    }
}

/// How a streamed success becomes the value (`None`: the operation does not stream).
pub(super) fn success_value(op: &Operation) -> Option<TokenStream> {
    match &op.success {
        Success::Type(TypeRef::ByteStream) => Some(quote!(response.download())),
        Success::Type(TypeRef::Events(data)) if **data == TypeRef::String => {
            Some(quote!(response.events_text()))
        }
        Success::Type(TypeRef::Events(_)) => Some(quote!(response.events())),
        _ => None,
    }
}

/// The statement that puts a body that may be read as it is sent (`name`: an `Upload` sent
/// as `media_type`, or a `Form`) into the request (`None`: the body is neither).
pub(super) fn attach_upload(
    body: &RequestBody,
    name: &syn::Ident,
    media_type: &TokenStream,
) -> Option<TokenStream> {
    let args = match body.ty {
        TypeRef::Upload => quote!(&mut request, #media_type),
        TypeRef::Form => quote!(&mut request),
        _ => return None,
    };
    Some(if body.required {
        quote!(self.#name.attach(#args)?;)
    } else {
        quote! {
            if let Some(value) = &self.#name {
                value.attach(#args)?;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_added_to_reqwest_and_tokio_only() {
        let deps = Dependencies {
            lines: Vec::new(),
            reqwest: &["stream"],
            tokio: &["fs", "io-util"],
        };
        assert_eq!(
            deps.line(r#"reqwest = { version = "0.13", features = ["json", "query"] }"#),
            r#"reqwest = { version = "0.13", features = ["json", "query", "stream"] }"#
        );
        assert_eq!(
            deps.line(r#"tokio = { version = "1", features = ["time"] }"#),
            r#"tokio = { version = "1", features = ["time", "fs", "io-util"] }"#
        );
        assert_eq!(deps.line(r#"serde_json = "1""#), r#"serde_json = "1""#);
    }
}
