//! The per-API parts of the client: `ClientBuilder` credential methods, and the `operations`
//! module (per operation: its `Client` method, its request builder, its error enum and, where
//! needed, its response enum).
//!
//! What every operation shares (the `Client` method's body, the builder struct, the setters
//! of optional parameters, `timeout`, `retry_policy`, `send`, `IntoFuture`, the error enum's
//! derives and docs) is the runtime's `operation!` macro; what is left here is only what
//! differs: the arguments, how they go into the request, and how each documented status is
//! decoded.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{Scope, doc_attrs, ident, type_tokens};
use crate::model::{
    Api, BodyEncoding, Multipart, Operation, Param, ParamEncoding, ParamLocation, PartKind,
    PartValue, PathPart, RequestBody, Response, SchemeKind, SecurityScheme, StatusMatch, Success,
    Text, TypeRef,
};

/// More arguments than this (`&self` or the client included) and clippy asks for a struct: we
/// allow it, since the API defines them.
const CLIPPY_MAX_ARGS: usize = 7;

/// The `use` lines of the `client` module: `runtime`, when there are credentials to set.
pub(super) fn client_uses(api: &Api) -> TokenStream {
    if api.security_schemes.is_empty() {
        TokenStream::new()
    } else {
        uses(vec![quote!(runtime)])
    }
}

/// The `use` lines of the `operations` module: only the modules it names.
pub(super) fn operations_uses(api: &Api) -> TokenStream {
    let mut names = Vec::new();
    if !api.operations.is_empty() {
        names.push(quote!(runtime));
    }
    if api.operations.iter().any(operation_mentions_named) {
        names.push(quote!(types));
    }
    uses(names)
}

fn uses(names: Vec<TokenStream>) -> TokenStream {
    match names.len() {
        0 => TokenStream::new(),
        1 => quote!(use super::#(#names)*;),
        _ => quote!(use super::{#(#names),*};),
    }
}

/// True when the type names a type of the `types` module.
fn mentions_named(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(_) => true,
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Box(inner) => mentions_named(inner),
        _ => false,
    }
}

fn operation_mentions_named(op: &Operation) -> bool {
    op.params.iter().any(|p| mentions_named(&p.ty))
        || op.body.as_ref().is_some_and(|b| mentions_named(&b.ty))
        || op
            .responses
            .iter()
            .any(|r| r.body.as_ref().is_some_and(|(_, ty)| mentions_named(ty)))
}

/// The API's base path (the runtime's `ClientBuilder` starts from it), and
/// `impl ClientBuilder { one method per scheme }`.
pub(super) fn client_items(api: &Api) -> TokenStream {
    let server_path = &api.server_path;
    let server_path = quote! {
        /// The path of the API's server (the first of its `servers`), put before every
        /// operation's path unless the base URL already ends with it.
        pub(crate) const SERVER_PATH: &str = #server_path;
    };
    if api.security_schemes.is_empty() {
        return server_path;
    }
    let schemes = api.security_schemes.iter().map(scheme_method);
    quote! {
        #server_path

        impl super::ClientBuilder {
            #(#schemes)*
        }
    }
}

fn scheme_method(scheme: &SecurityScheme) -> TokenStream {
    let doc = doc_attrs(&scheme.doc);
    let method = ident(&scheme.method);
    let key = &scheme.key;
    match &scheme.kind {
        SchemeKind::Basic => quote! {
            #doc
            pub fn #method(self, user: impl Into<String>, password: impl Into<String>) -> Self {
                self.credential(#key, runtime::Credential::Basic { user: runtime::Secret::new(user), password: runtime::Secret::new(password) })
            }
        },
        kind => {
            let credential = match kind {
                SchemeKind::Header(name) => {
                    quote!(runtime::Credential::Header { name: #name, value: runtime::Secret::new(value) })
                }
                SchemeKind::Query(name) => {
                    quote!(runtime::Credential::Query { name: #name, value: runtime::Secret::new(value) })
                }
                SchemeKind::Cookie(name) => {
                    quote!(runtime::Credential::Cookie { name: #name, value: runtime::Secret::new(value) })
                }
                _ => quote!(runtime::Credential::Bearer(runtime::Secret::new(value))),
            };
            let more = super::credentials::token_methods(scheme);
            quote! {
                #doc
                pub fn #method(self, value: impl Into<String>) -> Self {
                    self.credential(#key, #credential)
                }
                #more
            }
        }
    }
}

/// Positional arguments: required parameters, then a required body (name, type).
fn positional(op: &Operation) -> Vec<(syn::Ident, &TypeRef)> {
    let mut args: Vec<(syn::Ident, &TypeRef)> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| (ident(&p.name), &p.ty))
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        args.push((body_ident(op), &body.ty));
    }
    args
}

/// Builder methods: optional parameters, then an optional body (name, type, doc).
fn optional(op: &Operation) -> Vec<(syn::Ident, &TypeRef, String)> {
    let mut setters: Vec<(syn::Ident, &TypeRef, String)> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| (ident(&p.name), &p.ty, param_doc(p)))
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
        setters.push((body_ident(op), &body.ty, body_doc(body)));
    }
    setters
}

/// A setter's docs: the spec's description, if any, then where and how the value is sent and
/// what the server assumes without it (its `default`), which is what a reader would otherwise
/// look up in the spec.
fn param_doc(param: &Param) -> String {
    let wire = code(&param.wire);
    let mut sent = match param.location {
        ParamLocation::Query => format!("Sent as the {wire} query parameter"),
        ParamLocation::Header => format!("Sent as the {wire} header"),
        ParamLocation::Cookie => format!("Sent as the {wire} cookie"),
        ParamLocation::Path => format!("Sent as the {wire} path parameter"),
    };
    match &param.encoding {
        ParamEncoding::Text(_) => {}
        ParamEncoding::Repeated { key, .. } => {
            sent.push_str(&format!(", one {} pair per item", code(key)));
        }
        ParamEncoding::Joined { separator, .. } => {
            let separator = match separator {
                ' ' => "spaces".to_owned(),
                other => code(&other.to_string()),
            };
            sent.push_str(&format!(", the items joined by {separator}"));
        }
        ParamEncoding::Properties(_) => {
            sent.push_str(", one pair per property that is set");
        }
        ParamEncoding::Json {
            deep_object: true, ..
        } => sent.push_str(" in `deepObject` style"),
        ParamEncoding::Json { .. } => {}
    }
    sent.push('.');
    if let Some(default) = &param.default {
        sent.push_str(&format!(
            " Without it, the server assumes {}.",
            code(default)
        ));
    }
    match &param.doc {
        Some(doc) => format!("{doc}\n\n{sent}"),
        None => sent,
    }
}

/// The optional body's setter docs: the spec's description, if any, and the media type.
fn body_doc(body: &RequestBody) -> String {
    let sent = match body.multipart {
        Some(_) => "Sent as `multipart/form-data`.".to_owned(),
        None => format!("Sent as {}.", code(&body.media_type)),
    };
    match &body.doc {
        Some(doc) => format!("{doc}\n\n{sent}"),
        None => format!("The request body. {sent}"),
    }
}

/// `text` as an inline code span on one line: backticks become `'`, line breaks spaces.
fn code(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| match c {
            '`' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    format!("`{text}`")
}

/// The body's argument name: `body`, unless a parameter took it.
pub(crate) fn body_name(op: &Operation) -> String {
    let mut name = "body".to_owned();
    while op.params.iter().any(|p| p.name == name) {
        name.push('_');
    }
    name
}

fn body_ident(op: &Operation) -> syn::Ident {
    ident(&body_name(op))
}

fn too_many_arguments(op: &Operation) -> Option<TokenStream> {
    (positional(op).len() + 1 > CLIPPY_MAX_ARGS)
        .then(|| quote!(#[allow(clippy::too_many_arguments)]))
}

/// The items of one operation: one call of the runtime's `operation!` (the request builder
/// and what every builder shares, the setters of the optional parameters, the error enum),
/// written as the Rust items it reads, so only what differs between operations is written
/// here: the arguments, how they go into the request, and how each documented status is
/// decoded. A success enum, if any, follows. (The `Client` method is [`client_method`].)
pub(super) fn operation_items(op: &Operation) -> TokenStream {
    let method = ident(&op.name);
    // Intra-doc links cannot name a raw identifier (`Client::r#type`), but `Client::type` works.
    let link = Literal::string(&op.name);
    let builder = ident(&op.type_name);
    let params = ident(&op.params_name());
    let error = ident(&op.error_name());
    let args = positional(op).into_iter().map(|(name, ty)| {
        let ty = type_tokens(ty, Scope::Sibling);
        quote!(#name: #ty)
    });
    let setters = optional(op).into_iter().map(|(name, ty, doc)| {
        let doc = doc_attrs(&doc);
        let ty = type_tokens(ty, Scope::Sibling);
        quote!(#doc #name: #ty,)
    });
    let success_ty = success_type(op);
    let errors = op.responses.iter().filter(|r| !r.success).map(variant_decl);
    let request_body = request_body(op);
    let decode_body = decode_body(op, &error);
    // `strict` decides only where an undocumented 2xx may be taken as the success value.
    let strict = ident(if undocumented_success(op).is_some() {
        "strict"
    } else {
        "_strict"
    });
    let response_enum = response_enum(op);
    let pagination = super::paginate::items(op);
    let received = super::streams::received(op);
    let id = op.operation_id.as_deref().unwrap_or(&op.name);
    let template = &op.path;
    quote! {
        runtime::operation! {
            #[link = #link]
            #[operation(id = #id, template = #template)]
            fn #method(#(#args),*) -> #builder {}
            struct #params {
                #(#setters)*
            }
            type Value = #success_ty;
            pub enum #error {
                #(#errors)*
            }
            fn request(self) -> Result<runtime::Request, runtime::Failure> {
                #request_body
            }
            fn decode(response: #received, #strict: bool) -> runtime::Decoded<Self> {
                #decode_body
            }
        }

        #response_enum

        #pagination
    }
}

/// The `Client` method of an operation, for the one `impl Client` block of the `operations`
/// module: its docs, its required arguments, and the request builder it starts.
pub(super) fn client_method(op: &Operation, features: Option<&str>) -> TokenStream {
    let doc = doc_attrs(&method_doc(op, features));
    let method = ident(&op.name);
    let builder = ident(&op.type_name);
    let params = ident(&op.params_name());
    let allow = too_many_arguments(op);
    let positional = positional(op);
    let args = positional.iter().map(|(name, ty)| {
        let ty = type_tokens(ty, Scope::Sibling);
        quote!(#name: impl Into<#ty>)
    });
    let fields = positional
        .iter()
        .map(|(name, _)| quote!(#name: #name.into(),));
    let setters = optional(op)
        .into_iter()
        .map(|(name, _, _)| quote!(#name: None,));
    quote! {
        #doc
        #allow
        pub fn #method(&self, #(#args),*) -> #builder<'_> {
            #builder { call: self.call(), params: #params { #(#fields)* #(#setters)* } }
        }
    }
}

/// The `Client` method's documentation: the operation's summary and description, one line
/// with the method, the path and the documented statuses, then its usage example as a
/// `no_run` doctest (compiled by the generated crate's `cargo test`, never run). `features`:
/// a paragraph on the cargo features that compile it (`emit::features`), before the example.
fn method_doc(op: &Operation, features: Option<&str>) -> String {
    let mut doc = op.doc.clone().map(|d| d + "\n\n").unwrap_or_default();
    doc.push_str(&status_line(op));
    if let Some(features) = features {
        doc.push_str("\n\n");
        doc.push_str(features);
    }
    if let Some(example) = &op.example {
        doc.push_str(&format!("\n\n# Example\n\n```rust,no_run\n{example}\n```"));
    }
    doc
}

/// One line: the method and path, the success statuses (with their headers), then the error
/// statuses, whose descriptions are on the variants of the error enum it links to.
fn status_line(op: &Operation) -> String {
    let mut line = format!("`{} {}`", op.method.upper(), op.path.replace('`', "'"));
    let mut successes = Vec::new();
    for response in op.responses.iter().filter(|r| r.success) {
        let mut text = format!("`{}`", response.status.label());
        if let Some(first_line) = response.doc.as_deref().and_then(|d| d.lines().next()) {
            text.push_str(&format!(" ({})", first_line.trim()));
        }
        if !response.headers.is_empty() {
            let names: Vec<String> = response.headers.iter().map(|h| code(&h.name)).collect();
            text.push_str(&format!(
                " with the headers {} (read them with `send()`)",
                names.join(", ")
            ));
        }
        successes.push(text);
    }
    if !successes.is_empty() {
        line.push_str(&format!(" returns {}", successes.join(", ")));
    }
    let errors: Vec<String> = op
        .responses
        .iter()
        .filter(|r| !r.success)
        .map(|r| format!("`{}`", r.status.label()))
        .collect();
    if !errors.is_empty() {
        let separator = if successes.is_empty() { ":" } else { ";" };
        let error = op.error_name();
        line.push_str(&format!(
            "{separator} errors {} are [`{error}`](super::operations::{error})",
            errors.join(", ")
        ));
    }
    line.push('.');
    line
}

fn success_type(op: &Operation) -> TokenStream {
    match &op.success {
        Success::Unit => quote!(()),
        Success::Type(ty) => type_tokens(ty, Scope::Sibling),
        Success::Enum => {
            let name = ident(&op.response_name());
            quote!(#name)
        }
    }
}

/// The success enum of an operation with several success bodies, `#[non_exhaustive]` as the
/// error enum is (a success status the server documents later is a new variant).
fn response_enum(op: &Operation) -> Option<TokenStream> {
    if op.success != Success::Enum {
        return None;
    }
    let name = ident(&op.response_name());
    let doc = format!(
        " The documented success responses of [`Client::{}`](super::Client::{}).",
        op.name, op.name
    );
    let variants = op.responses.iter().filter(|r| r.success).map(variant_decl);
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
    })
}

/// A variant of the error or response enum: its status, the response's description and its
/// documented headers.
fn variant_decl(response: &Response) -> TokenStream {
    let label = response.status.label();
    let mut doc = match &response.doc {
        Some(doc) => format!("`{label}`: {doc}"),
        None => format!("`{label}`."),
    };
    if !response.headers.is_empty() {
        doc.push_str("\n\nHeaders (read them with `headers()`):");
        for header in &response.headers {
            doc.push_str(&format!("\n- {}", code(&header.name)));
            if let Some(text) = &header.doc {
                doc.push_str(&format!(": {text}"));
            }
        }
    }
    let doc = doc_attrs(&doc);
    let variant = ident(&response.variant);
    match &response.body {
        Some((_, ty)) => {
            let ty = type_tokens(ty, Scope::Sibling);
            quote! { #doc #variant(#ty), }
        }
        None => quote! { #doc #variant, },
    }
}

/// The body of the builder's `request`: the path, the parameters and the body.
fn request_body(op: &Operation) -> TokenStream {
    let path = path_statement(op);
    let method = ident(op.method.as_str());
    let schemes = &op.security;
    let params = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .map(param_statement);
    let body = op.body.as_ref().map(|body| {
        let name = body_ident(op);
        let media_type = match body.encoding {
            BodyEncoding::Multipart => quote!(runtime::MULTIPART_CONTENT_TYPE),
            _ => {
                let media_type = &body.media_type;
                quote!(#media_type)
            }
        };
        let bytes = match (body.encoding, &body.multipart) {
            (BodyEncoding::Multipart, Some(multipart)) => multipart_expr(multipart),
            // A multipart body the model left without parts: none is in its type either.
            (BodyEncoding::Multipart, None) => multipart_expr(&Multipart::Parts(Vec::new())),
            (BodyEncoding::Json, _) => quote!(runtime::json_body(&value)?),
            (BodyEncoding::Text, _) => quote!(value.into_bytes()),
            (BodyEncoding::Bytes, _) => quote!(value),
            (BodyEncoding::Form, _) => quote!(runtime::form_body(&value)?),
            (BodyEncoding::Xml, _) => super::xml::body_bytes(body, quote!(&value)),
        };
        let by_reference = matches!(
            body.encoding,
            BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Xml
        );
        if let Some(attach) = super::streams::attach_upload(body, &name, &media_type) {
            attach
        } else if body.required && by_reference {
            let bytes = match body.encoding {
                BodyEncoding::Form => quote!(runtime::form_body(&self.#name)?),
                BodyEncoding::Xml => super::xml::body_bytes(body, quote!(&self.#name)),
                _ => quote!(runtime::json_body(&self.#name)?),
            };
            quote!(request.body = Some((#media_type, #bytes));)
        } else if body.required {
            quote! {
                let value = self.#name;
                request.body = Some((#media_type, #bytes));
            }
        } else {
            quote! {
                if let Some(value) = self.#name {
                    request.body = Some((#media_type, #bytes));
                }
            }
        }
    });
    let mut request = quote!(runtime::Request::#method(path, &[#(#schemes),*]));
    if op.redirect_is_answer {
        request = quote!(#request.without_redirects());
    }
    if op.body.is_none() && op.params.iter().all(|p| p.location == ParamLocation::Path) {
        return quote! {
            #path
            Ok(#request)
        };
    }
    quote! {
        #path
        let mut request = #request;
        #(#params)*
        #body
        Ok(request)
    }
}

/// The statement that sets `path`: the template with every parameter percent-encoded as one
/// segment.
fn path_statement(op: &Operation) -> TokenStream {
    let literal = |part: &PathPart| matches!(part, PathPart::Literal(_));
    if op.path_parts.iter().all(literal) {
        let path = &op.path;
        return quote!(let path = String::from(#path););
    }
    let mut template = String::new();
    let mut values = Vec::new();
    // The same as one expression, for a path `runtime::path` cannot read.
    let mut pieces = Vec::new();
    // A brace in the literal text, or in a name, would be read as a parameter.
    let mut plain = true;
    const UNDECLARED: ParamEncoding = ParamEncoding::Text(Text::String);
    for part in &op.path_parts {
        match part {
            PathPart::Literal(text) => {
                template.push_str(text);
                plain &= !text.contains(['{', '}']);
                pieces.push(quote!(#text));
            }
            PathPart::Param(name) => {
                let param = op.params.iter().find(|p| &p.name == name);
                let (wire, encoding) = match param {
                    Some(param) => (param.wire.as_str(), &param.encoding),
                    None => (name.as_str(), &UNDECLARED),
                };
                template.push_str(&format!("{{{wire}}}"));
                plain &= !wire.contains(['{', '}']);
                let field = ident(name);
                let value = match encoding {
                    ParamEncoding::Text(Text::String) => quote!(&self.#field),
                    ParamEncoding::Text(text) => {
                        let text = to_param_string(*text, quote!(self.#field));
                        quote!(&#text)
                    }
                    ParamEncoding::Joined {
                        item: Text::String,
                        separator,
                    } => {
                        let separator = separator.to_string();
                        quote!(&self.#field.join(#separator))
                    }
                    ParamEncoding::Joined { item, separator } => {
                        let separator = separator.to_string();
                        let text = to_param_string(*item, quote!(item));
                        quote!(&self.#field.iter().map(|item| #text).collect::<Vec<String>>().join(#separator))
                    }
                    // Any other shape (a union of an integer and a string, ...): from its JSON.
                    _ => quote!(&runtime::param_text(#wire, &self.#field)?),
                };
                pieces.push(quote!(&runtime::path_segment(#wire, #value)?));
                values.push(value);
            }
        }
    }
    if plain {
        quote!(let path = runtime::path(#template, &[#(#values),*])?;)
    } else {
        quote!(let path = [#(#pieces),*].concat();)
    }
}

/// An expression turning `value` (a place holding a scalar written as `text`) into the text
/// sent on the wire.
fn to_param_string(text: Text, value: TokenStream) -> TokenStream {
    match text {
        Text::String => quote!(#value.clone()),
        Text::DateTime => quote!(#value.to_rfc3339()),
        Text::Enum | Text::Display => quote!(#value.to_string()),
    }
}

/// The statement that adds a query, header or cookie parameter to the request, as the model
/// decided ([`ParamEncoding`]).
fn param_statement(param: &Param) -> TokenStream {
    let field = ident(&param.name);
    let wire = &param.wire;
    let list = match param.location {
        ParamLocation::Query => quote!(request.query),
        ParamLocation::Header => quote!(request.headers),
        ParamLocation::Cookie => quote!(request.cookies),
        ParamLocation::Path => return TokenStream::new(),
    };
    // The common shapes go through the runtime's helpers, one line each: a scalar, and an
    // array of scalars (one pair per item, or one value joining them).
    let one = if param.required {
        quote!(Some(&self.#field))
    } else {
        quote!(self.#field.as_ref())
    };
    let items = if param.required {
        quote!(Some(self.#field.as_slice()))
    } else {
        quote!(self.#field.as_deref())
    };
    // Query names may be built at run time (`Cow`); header and cookie names are static.
    let query = param.location == ParamLocation::Query;
    let push = |key: &str, text: TokenStream| {
        if query {
            quote!(#list.push((#key.into(), #text));)
        } else {
            quote!(#list.push((#key, #text));)
        }
    };
    let push = match &param.encoding {
        ParamEncoding::Text(_) => return quote!(runtime::push(&mut #list, #wire, #one);),
        ParamEncoding::Repeated { key, .. } => {
            return quote!(runtime::push_each(&mut #list, #key, #items););
        }
        ParamEncoding::Joined { separator, .. } => {
            let separator = separator.to_string();
            return quote!(runtime::push_joined(&mut #list, #wire, #items, #separator););
        }
        ParamEncoding::Properties(properties) => {
            // An object: one pair per property that is set.
            let pushes = properties.iter().map(|property| {
                let field = ident(&property.field);
                let key = &property.key;
                if property.optional {
                    let one = push(key, to_param_string(property.text, quote!(inner)));
                    quote! {
                        if let Some(inner) = &value.#field {
                            #one
                        }
                    }
                } else {
                    push(key, to_param_string(property.text, quote!(value.#field)))
                }
            });
            quote!(#(#pushes)*)
        }
        // Any other shape in a header or cookie: `simple` style, from its JSON.
        ParamEncoding::Json { .. } if !query => {
            push(wire, quote!(runtime::param_text(#wire, value)?))
        }
        // Any other shape in the query (unions, nested objects, maps): encoded from its JSON
        // at run time.
        ParamEncoding::Json {
            explode,
            deep_object,
        } => {
            quote!(runtime::query_value(&mut #list, #wire, value, #explode, #deep_object)?;)
        }
    };
    if param.required {
        quote! {
            {
                let value = &self.#field;
                #push
            }
        }
    } else {
        quote! {
            if let Some(value) = &self.#field {
                #push
            }
        }
    }
}

/// The body of the builder's `decode`: one arm per documented status. The operation's error
/// and response enums are `Error` and `Response` in it. When the only arm would be the
/// catch-all (no responses, or only `default`), the body is that arm's value alone: a `match`
/// with a single wildcard arm is clippy's `match_single_binding`.
fn decode_body(op: &Operation, error: &syn::Ident) -> TokenStream {
    let success_enum = ident(&op.response_name());
    let uses_error = op.responses.iter().any(|r| !r.success);
    let use_error = uses_error.then(|| quote!(use #error as Error;));
    let use_response =
        (op.success == Success::Enum).then(|| quote!(use #success_enum as Response;));
    let arms = response_arms(op);
    let decode = match arms.as_slice() {
        [(None, value)] => value.clone(),
        _ => {
            let arms = arms.iter().map(|(pattern, value)| {
                let pattern = pattern.clone().unwrap_or_else(|| quote!(_));
                quote!(#pattern => #value,)
            });
            quote! {
                match response.status().as_u16() {
                    #(#arms)*
                }
            }
        }
    };
    quote! {
        #use_error
        #use_response
        #decode
    }
}

/// The arm for an undocumented success status (2xx), when there may be one: the operation
/// documents a success, every documented success has the same body (one success type), and
/// no `2XX` or success `default` already covers every 2xx. Unless the call is strict, such a
/// status is decoded like the documented success (servers answer `201` where the API says
/// `200`). The pattern is the 2xx range without the codes documented on their own (see
/// [`status_pattern`]), guarded by `!strict`.
fn undocumented_success(op: &Operation) -> Option<(TokenStream, TokenStream)> {
    let mut successes = op.responses.iter().filter(|r| r.success);
    let first = successes.clone().next()?;
    // A redirect operation's answer is the redirect: a 2xx is the redirect's target's.
    if op.redirect_is_answer {
        return None;
    }
    let covers_2xx =
        |r: &Response| matches!(r.status, StatusMatch::Class(2) | StatusMatch::Default);
    if op.success == Success::Enum || successes.any(covers_2xx) {
        return None;
    }
    let range = status_pattern(op, StatusMatch::Class(2), true).ok()??;
    Some((quote!(#range if !strict), success_value(op, first)))
}

/// The word of a body's decoding method (`json`, `json_as`, `json_error`, ...).
fn encoding_word(encoding: BodyEncoding) -> &'static str {
    match encoding {
        BodyEncoding::Json => "json",
        BodyEncoding::Text => "text",
        BodyEncoding::Xml => "xml",
        BodyEncoding::Bytes | BodyEncoding::Form | BodyEncoding::Multipart => "bytes",
    }
}

/// How a success response becomes the operation's value (types are inferred: from the
/// response enum's variant, or from `decode`'s type).
fn success_value(op: &Operation, response: &Response) -> TokenStream {
    let variant = ident(&response.variant);
    let encoding = response.body.as_ref().map(|(encoding, _)| *encoding);
    if let Some(value) = super::streams::success_value(op) {
        return value;
    }
    if let (Some(BodyEncoding::Xml), Some(root)) = (encoding, &response.xml) {
        let root = super::xml::root_tokens(root);
        return match op.success {
            Success::Enum => quote!(response.xml_as(#root, Response::#variant)),
            _ => quote!(response.xml(#root)),
        };
    }
    match (&op.success, encoding) {
        (Success::Enum, Some(encoding)) => {
            let method = ident(&format!("{}_as", encoding_word(encoding)));
            quote!(response.#method(Response::#variant))
        }
        (Success::Enum, None) => quote!(response.empty(Response::#variant)),
        (Success::Type(_), Some(BodyEncoding::Json)) => quote!(response.json()),
        (Success::Type(_), Some(BodyEncoding::Text)) => quote!(response.text_value()),
        (Success::Type(_), Some(_)) => quote!(response.bytes_value()),
        (Success::Type(_), None) | (Success::Unit, _) => quote!(response.empty(())),
    }
}

/// The status pattern of a response: its code, or its class's range without the codes that
/// other responses document (`200 => .., 201..=299 => ..` for `200` beside `2XX`, so no arm
/// overlaps another: clippy's `match_overlapping_arm`), `None` for the catch-all. `Err` for a
/// class whose every code is documented on its own: nothing is left for its arm.
fn status_pattern(
    op: &Operation,
    status: StatusMatch,
    success: bool,
) -> Result<Option<TokenStream>, ()> {
    let class = match status {
        StatusMatch::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            return Ok(Some(quote!(#code)));
        }
        StatusMatch::Class(class) => class,
        // A success `default` (no 2xx documented) stands for the 2xx class.
        StatusMatch::Default if success => 2,
        StatusMatch::Default => return Ok(None),
    };
    let low = class * 100;
    let high = low + 99;
    let mut taken: Vec<u16> = op
        .responses
        .iter()
        .filter_map(|r| match r.status {
            StatusMatch::Code(code) if (low..=high).contains(&code) => Some(code),
            _ => None,
        })
        .collect();
    taken.sort_unstable();
    taken.dedup();
    let mut ranges = Vec::new();
    let mut next = low;
    for code in taken.into_iter().chain([high + 1]) {
        if code > next {
            let (from, to) = (
                Literal::u16_unsuffixed(next),
                Literal::u16_unsuffixed(code - 1),
            );
            ranges.push(if next == code - 1 {
                quote!(#from)
            } else {
                quote!(#from..=#to)
            });
        }
        next = code + 1;
    }
    if ranges.is_empty() {
        return Err(());
    }
    Ok(Some(quote!(#(#ranges)|*)))
}

/// One `(pattern, value)` per documented status (`None`: the catch-all), the arm for an
/// undocumented 2xx ([`undocumented_success`]) before the catch-all, and a catch-all for
/// undocumented statuses unless `default` is documented.
fn response_arms(op: &Operation) -> Vec<(Option<TokenStream>, TokenStream)> {
    let mut arms = Vec::new();
    for response in &op.responses {
        let Ok(pattern) = status_pattern(op, response.status, response.success) else {
            continue;
        };
        let value = if response.success {
            success_value(op, response)
        } else {
            let variant = ident(&response.variant);
            match &response.body {
                Some((BodyEncoding::Xml, _)) if response.xml.is_some() => {
                    let root = response.xml.as_ref().map(super::xml::root_tokens);
                    quote!(response.xml_error(#root, Error::#variant))
                }
                Some((encoding, _)) => {
                    let method = ident(&format!("{}_error", encoding_word(*encoding)));
                    quote!(response.#method(Error::#variant))
                }
                None => quote!(response.error(Error::#variant)),
            }
        };
        arms.push((pattern, value));
    }
    if !arms.iter().any(|(pattern, _)| pattern.is_none()) {
        arms.push((None, quote!(response.unexpected())));
    }
    if let Some((pattern, value)) = undocumented_success(op) {
        // Before the catch-all (`default`, or the one just added), which would take it.
        let at = arms
            .iter()
            .position(|(pattern, _)| pattern.is_none())
            .unwrap_or(arms.len());
        arms.insert(at, (Some(pattern), value));
    }
    arms
}

/// Builds a `multipart/form-data` body from `value` as the model cut it into parts
/// ([`Multipart`]).
fn multipart_expr(multipart: &Multipart) -> TokenStream {
    let parts = match multipart {
        // Parts the API does not describe: as the caller built them.
        Multipart::Form => return quote!(value.encode()?),
        // Not an object: the whole body is one part named `file`.
        Multipart::File => {
            return quote! {{
                let mut form = runtime::Multipart::default();
                form.file("file", &value)?;
                form.finish()
            }};
        }
        Multipart::Files => {
            return quote! {{
                let mut form = runtime::Multipart::default();
                for item in &value {
                    form.file("file", item)?;
                }
                form.finish()
            }};
        }
        Multipart::Parts(parts) => parts,
    };
    let write = |part: PartValue, wire: &str, value: TokenStream| -> TokenStream {
        match part {
            PartValue::File => quote!(form.file(#wire, #value)?;),
            PartValue::Text(Text::String) => quote!(form.text(#wire, #value)?;),
            PartValue::Text(Text::Display) => quote!(form.text(#wire, &#value.to_string())?;),
            PartValue::Text(Text::DateTime) => quote!(form.text(#wire, &#value.to_rfc3339())?;),
            PartValue::Text(Text::Enum) => quote!(form.text(#wire, #value.as_str())?;),
            PartValue::Json => quote!(form.json(#wire, #value)?;),
        }
    };
    let parts = parts.iter().map(|part| {
        let name = ident(&part.field);
        let wire = part.wire.as_str();
        let (one, optional) = match part.kind {
            PartKind::Entries => {
                return quote! {
                    for (key, item) in &value.#name {
                        form.json(key, item)?;
                    }
                };
            }
            // A flattened union: each property of whichever branch it holds is a JSON part.
            PartKind::Flattened => {
                return quote! {
                    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(&value.#name) {
                        for (key, item) in &map {
                            form.json(key, item)?;
                        }
                    }
                };
            }
            PartKind::Each { item, optional } => {
                let each = write(item, wire, quote!(item));
                let one = quote! {
                    for item in field {
                        #each
                    }
                };
                (one, optional)
            }
            PartKind::One { value, optional } => (write(value, wire, quote!(field)), optional),
        };
        if optional {
            quote! {
                if let Some(field) = &value.#name {
                    #one
                }
            }
        } else {
            quote! {
                {
                    let field = &value.#name;
                    #one
                }
            }
        }
    });
    quote! {
        {
            let mut form = runtime::Multipart::default();
            #(#parts)*
            form.finish()
        }
    }
}
