//! The runtime module of a generated crate: the files of the runtime crate (`runtime/src/`,
//! package `stitch-runtime`) that the API uses, embedded here with `include_str!`, so a
//! generated crate is self-contained and the generator never builds the runtime's
//! dependencies.
//!
//! Invariants (see `runtime/src/lib.rs` for the rules the files follow):
//! - the files reach the crate as they are written (rustfmt's layout and comments kept), minus
//!   their `#[cfg(test)] mod tests`, which ends each file; they go to `src/runtime/NAME.rs`
//!   under a generated `src/runtime.rs` (or inline `mod NAME { .. }` blocks in the single-module
//!   form), in the fixed order of [`PARTS`]: the output is deterministic;
//! - [`RuntimeParts`] decides from the model which files an API uses; a file left out is one
//!   nothing the API generates calls, so a client carries no dead runtime. What remains
//!   allowed as dead code is named where it is, in the runtime's files: the constructors,
//!   decoders and encoders each operation picks from, and the credential kinds.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, types};
use crate::model::{Api, BodyEncoding, SchemeKind, TypeKind, TypeRef};

/// One file of the runtime crate.
#[derive(Debug, Clone, Copy)]
pub(super) struct Part {
    /// The module name (`runtime/src/NAME.rs`).
    pub(super) name: &'static str,
    /// The file's text, tests included.
    source: &'static str,
    /// Its items are re-exported as `pub` (it has public items), else as `pub(crate)`.
    public: bool,
    /// Kept although the API may name none of it (see [`PARTS`]): its re-export allows
    /// `unused_imports`.
    maybe_unused: bool,
}

/// Which files an API needs, beyond the ones every client has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Every client.
    Always,
    /// An API with at least one operation (the request machinery, `operation!`).
    Operations,
    /// A `multipart/form-data` request body.
    Multipart,
    /// A multipart body whose parts the schema does not list (the user's `Form`).
    Form,
    /// An untagged union of several object shapes.
    BestFit,
    /// A struct written by `object!` (see `types::lean`).
    Object,
    /// A string enum, open or closed.
    Enums,
    /// An open string enum.
    OpenEnum,
    /// A closed string enum.
    ClosedEnum,
    /// A paginated operation (`.pages()`, `.items()`).
    Paginate,
    /// A body read as it arrives or sent as it is read (`super::streams`).
    Stream,
    /// A success body that is an event stream.
    Sse,
    /// An OAuth2 scheme whose flows the client runs itself.
    OAuth2,
    /// An XML request or response body.
    Xml,
}

macro_rules! part {
    ($name:literal, $public:literal) => {
        part!($name, $public, false)
    };
    ($name:literal, $public:literal, $maybe_unused:literal) => {
        Part {
            name: $name,
            source: include_str!(concat!("../../../runtime/src/", $name, ".rs")),
            public: $public,
            maybe_unused: $maybe_unused,
        }
    };
}

/// The runtime's files, in the order they are declared (that of `runtime/src/lib.rs`), with
/// what makes an API need each. `encoding` is always there: which of its helpers an API's
/// operations call (if any) depends on each parameter's type and style and on each body's
/// media type, decided while printing the operations; the file allows dead code, and its
/// re-export `unused_imports` (an API whose operations send no parameter and no body).
const PARTS: [(Part, Need); 25] = [
    (part!("best_fit", false), Need::BestFit),
    (part!("call", true), Need::Always),
    (part!("client", true), Need::Always),
    (part!("closed_enum", false), Need::ClosedEnum),
    (part!("credentials", false), Need::Always),
    (part!("encoding", false, true), Need::Always),
    (part!("enums", false), Need::Enums),
    (part!("error", true), Need::Always),
    (part!("form", true), Need::Form),
    (part!("headers", false), Need::Always),
    (part!("middleware", true), Need::Always),
    (part!("multipart", false), Need::Multipart),
    (part!("oauth2", true), Need::OAuth2),
    (part!("object", false), Need::Object),
    (part!("open_enum", false), Need::OpenEnum),
    (part!("operation", true), Need::Operations),
    (part!("paginate", true), Need::Paginate),
    (part!("redirect", false), Need::Always),
    (part!("response", true), Need::Always),
    (part!("retry", true), Need::Always),
    (part!("sse", true), Need::Sse),
    (part!("stream", true), Need::Stream),
    (part!("tls", false), Need::Always),
    (part!("trace", false), Need::Always),
    (part!("xml", false), Need::Xml),
];

/// What of the runtime an API uses, decided from the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct RuntimeParts {
    operations: bool,
    multipart: bool,
    form: bool,
    best_fit: bool,
    object: bool,
    open_enum: bool,
    closed_enum: bool,
    paginate: bool,
    stream: bool,
    sse: bool,
    oauth2: bool,
    xml: bool,
}

impl RuntimeParts {
    /// Whether the API has a paginated operation (its crate depends on `futures`).
    pub(super) fn paginates(&self) -> bool {
        self.paginate
    }

    /// Whether the API has a struct written by `object!` (its crate depends on `erased-serde`).
    pub(super) fn objects(&self) -> bool {
        self.object
    }

    /// The parts `api` uses.
    pub(super) fn of(api: &Api) -> Self {
        let bodies = || api.operations.iter().filter_map(|op| op.body.as_ref());
        let mut parts = RuntimeParts {
            operations: !api.operations.is_empty(),
            multipart: bodies().any(|body| body.encoding == BodyEncoding::Multipart),
            form: bodies().any(|body| body.ty == TypeRef::Form),
            paginate: api.operations.iter().any(|op| op.pagination.is_some()),
            stream: super::streams::uses_streams(api),
            sse: super::streams::uses_events(api),
            oauth2: uses_oauth2(api),
            xml: uses_xml(api),
            ..RuntimeParts::default()
        };
        for def in &api.types {
            match &def.kind {
                TypeKind::Struct { fields } => parts.object |= types::lean(fields, &def.derives),
                TypeKind::Enum { open: true, .. } => parts.open_enum = true,
                TypeKind::Enum { open: false, .. } => parts.closed_enum = true,
                // The rule of `types::union_item`: several variants that are object shapes.
                TypeKind::Union { variants } => {
                    let shapes = variants
                        .iter()
                        .filter(|v| types::struct_wire_names(&api.types, &v.ty).is_some())
                        .count();
                    parts.best_fit |= shapes >= 2;
                }
                _ => {}
            }
        }
        parts
    }

    fn needs(&self, need: Need) -> bool {
        match need {
            Need::Always => true,
            Need::Operations => self.operations,
            Need::Multipart => self.multipart || self.form,
            Need::Form => self.form,
            Need::BestFit => self.best_fit,
            Need::Object => self.object,
            Need::Enums => self.open_enum || self.closed_enum,
            Need::OpenEnum => self.open_enum,
            Need::ClosedEnum => self.closed_enum,
            Need::Paginate => self.paginate,
            Need::Stream => self.stream,
            Need::Sse => self.sse,
            Need::OAuth2 => self.oauth2,
            Need::Xml => self.xml,
        }
    }

    /// The files the API uses, in order.
    pub(super) fn files(&self) -> impl Iterator<Item = Part> + '_ {
        PARTS
            .iter()
            .filter(|(_, need)| self.needs(*need))
            .map(|(part, _)| *part)
    }

    /// Lints allowed on the `runtime` module's declaration: none, unless the API has no
    /// operation, when nothing sends a request (the client, its builder and the errors are
    /// still there to name).
    pub(super) fn allow(&self) -> &'static str {
        if self.operations { "" } else { "dead_code" }
    }
}

/// Whether `api` has an OAuth2 scheme whose flows the client runs (the `oauth2` file, and
/// tokio's `sync` feature in the manifest).
pub(super) fn uses_oauth2(api: &Api) -> bool {
    api.security_schemes
        .iter()
        .any(|scheme| matches!(scheme.kind, SchemeKind::OAuth2(_)))
}

/// True when an operation of `api` sends or reads an XML body (the `xml` file, and
/// quick-xml in the crate's manifest).
pub(super) fn uses_xml(api: &Api) -> bool {
    api.operations.iter().any(|op| {
        op.body.as_ref().is_some_and(|b| b.xml.is_some())
            || op.responses.iter().any(|r| r.xml.is_some())
    })
}

impl Part {
    /// The file's text as it goes into a generated crate: without its tests.
    pub(super) fn text(&self) -> &'static str {
        without_tests(self.source)
    }
}

/// `source` up to its `#[cfg(test)] mod tests`, which ends a runtime file (and the blank
/// lines before it).
fn without_tests(source: &'static str) -> &'static str {
    match source.find("\n#[cfg(test)]\nmod tests") {
        // The code before ends with a line break, where trimming stops.
        Some(end) => &source[..=source[..end].trim_end().len()],
        None => source,
    }
}

/// The items of the `runtime` module itself: the server path (`super::SERVER_PATH` in the
/// files), then per file its declaration `mod NAME;` (with `declare`; the single-module form
/// writes `mod NAME { .. }` blocks itself) and the re-export of its items, so siblings and the
/// other modules name them `runtime::Name`.
pub(super) fn root_items(parts: &RuntimeParts, declare: bool) -> TokenStream {
    let declarations = parts
        .files()
        .filter(|_| declare)
        .map(|part| ident(part.name));
    let uses = parts.files().map(|part| {
        let name = ident(part.name);
        let vis = if part.public {
            quote!(pub)
        } else {
            quote!(pub(crate))
        };
        let allow = part.maybe_unused.then(|| quote!(#[allow(unused_imports)]));
        quote!(#allow #vis use self::#name::*;)
    });
    quote! {
        #(mod #declarations;)*
        use super::client::SERVER_PATH;
        #(#uses)*
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runtime crate's `lib.rs` declares and re-exports exactly the files of [`PARTS`],
    /// the way the generated `runtime` module does: a new file cannot be left out of either.
    #[test]
    fn parts_are_the_runtime_crate_files() {
        let lib = include_str!("../../../runtime/src/lib.rs");
        let lines: Vec<&str> = lib.lines().collect();
        // Test helpers (`#[cfg(test)] mod ..;`) are the crate's own.
        let declared: Vec<&str> = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i == 0 || lines[i - 1] != "#[cfg(test)]")
            .filter_map(|(_, line)| line.strip_prefix("mod ")?.strip_suffix(';'))
            .collect();
        let parts: Vec<&str> = PARTS.iter().map(|(part, _)| part.name).collect();
        assert_eq!(declared, parts);
        for (part, _) in PARTS {
            let vis = if part.public { "pub" } else { "pub(crate)" };
            let line = format!("\n{vis} use self::{}::*;\n", part.name);
            assert!(lib.contains(&line), "lib.rs lacks `{}`", line.trim());
        }
    }

    /// What reaches a generated crate holds no tests, and each file's tests are its last item.
    #[test]
    fn files_reach_the_crate_without_their_tests() {
        for (part, _) in PARTS {
            let text = part.text();
            assert!(
                !text.contains("#[cfg(test)]"),
                "{}: tests left in",
                part.name
            );
            assert!(!text.contains("mod tests"), "{}: tests left in", part.name);
            assert!(
                text.ends_with("}\n") || text.ends_with(";\n"),
                "{}",
                part.name
            );
            assert!(!text.ends_with("\n\n"), "{}", part.name);
        }
    }
}
