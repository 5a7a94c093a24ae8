//! The per-API parts of the client: `Client` methods, `ClientBuilder` credential methods, and
//! the `operations` module (one request builder, one error enum and, where needed, one
//! response enum per operation).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{doc_attrs, ident, type_tokens};
use crate::model::{
    Api, BodyEncoding, Operation, Param, ParamLocation, PathPart, Response, SchemeKind,
    SecurityScheme, StatusMatch, Success, TypeKind, TypeRef,
};

/// More arguments than this (`&self` or the client included) and clippy asks for a struct: we
/// allow it, since the API defines them.
const CLIPPY_MAX_ARGS: usize = 7;

/// `impl Client { one method per operation }` and `impl ClientBuilder { one method per scheme }`.
pub(super) fn client_module(api: &Api) -> TokenStream {
    let methods = api.operations.iter().map(client_method);
    let schemes = api.security_schemes.iter().map(scheme_method);
    quote! {
        impl super::Client {
            #(#methods)*
        }

        impl super::ClientBuilder {
            #(#schemes)*
        }
    }
}

/// The `operations` module.
pub(super) fn operations_module(api: &Api) -> TokenStream {
    let items = api.operations.iter().map(|op| operation_items(api, op));
    quote! { #(#items)* }
}

fn scheme_method(scheme: &SecurityScheme) -> TokenStream {
    let doc = doc_attrs(&scheme.doc);
    let method = ident(&scheme.method);
    let key = &scheme.key;
    match &scheme.kind {
        SchemeKind::Basic => quote! {
            #doc
            pub fn #method(self, user: impl Into<String>, password: impl Into<String>) -> Self {
                self.credential(#key, super::runtime::Credential::Basic { user: super::runtime::Secret::new(user), password: super::runtime::Secret::new(password) })
            }
        },
        kind => {
            let credential = match kind {
                SchemeKind::Header(name) => {
                    quote!(super::runtime::Credential::Header { name: #name, value: super::runtime::Secret::new(value) })
                }
                SchemeKind::Query(name) => {
                    quote!(super::runtime::Credential::Query { name: #name, value: super::runtime::Secret::new(value) })
                }
                SchemeKind::Cookie(name) => {
                    quote!(super::runtime::Credential::Cookie { name: #name, value: super::runtime::Secret::new(value) })
                }
                _ => quote!(super::runtime::Credential::Bearer(
                    super::runtime::Secret::new(value)
                )),
            };
            quote! {
                #doc
                pub fn #method(self, value: impl Into<String>) -> Self {
                    self.credential(#key, #credential)
                }
            }
        }
    }
}

/// Positional arguments: required parameters, then a required body.
fn positional(op: &Operation) -> Vec<(syn::Ident, TokenStream)> {
    let mut args: Vec<(syn::Ident, TokenStream)> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| (ident(&p.name), type_tokens(&p.ty, false)))
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        args.push((body_ident(op), type_tokens(&body.ty, false)));
    }
    args
}

/// Builder methods: optional parameters, then an optional body (name, type, doc).
fn optional(op: &Operation) -> Vec<(syn::Ident, TokenStream, &str)> {
    let mut setters: Vec<(syn::Ident, TokenStream, &str)> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| (ident(&p.name), type_tokens(&p.ty, false), p.doc.as_str()))
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
        setters.push((
            body_ident(op),
            type_tokens(&body.ty, false),
            body.doc.as_str(),
        ));
    }
    setters
}

/// The body's argument name: `body`, unless a parameter took it.
fn body_ident(op: &Operation) -> syn::Ident {
    let mut name = "body".to_owned();
    while op.params.iter().any(|p| p.name == name) {
        name.push('_');
    }
    ident(&name)
}

fn client_method(op: &Operation) -> TokenStream {
    let doc = doc_attrs(&op.doc);
    let method = ident(&op.name);
    let builder = ident(&op.type_name);
    let args = positional(op);
    let allow =
        (args.len() + 1 > CLIPPY_MAX_ARGS).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let params = args.iter().map(|(name, ty)| quote!(#name: impl Into<#ty>));
    let values = args.iter().map(|(name, _)| quote!(#name.into()));
    quote! {
        #doc
        #allow
        pub fn #method(&self, #(#params),*) -> super::operations::#builder<'_> {
            super::operations::#builder::new(self, #(#values),*)
        }
    }
}

fn operation_items(api: &Api, op: &Operation) -> TokenStream {
    let builder = ident(&op.type_name);
    let error = ident(&format!("{}Error", op.type_name));
    let method_link = format!(
        " Request builder for [`Client::{}`](super::Client::{}).",
        op.name, op.name
    );
    let success_ty = success_type(op);
    let error_enum = error_enum(op, &error);
    let response_enum = response_enum(op);

    let args = positional(op);
    let allow =
        (args.len() + 1 > CLIPPY_MAX_ARGS).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    for (name, ty) in &args {
        fields.push(quote!(#name: #ty,));
        inits.push(quote!(#name,));
    }
    let mut setters = Vec::new();
    for (name, ty, doc) in optional(op) {
        let doc = doc_attrs(doc);
        fields.push(quote!(#name: Option<#ty>,));
        inits.push(quote!(#name: None,));
        setters.push(quote! {
            #doc
            pub fn #name(mut self, value: impl Into<#ty>) -> Self {
                self.#name = Some(value.into());
                self
            }
        });
    }
    let arg_decls = args.iter().map(|(name, ty)| quote!(#name: #ty));
    let send_body = send_body(api, op, &error);

    quote! {
        #[doc = #method_link]
        ///
        /// Set optional parameters and per-request settings with its methods, then `.await` it
        /// for the value, or call [`send`](Self::send) for the value with status and headers.
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #builder<'a> {
            client: &'a super::Client,
            #(#fields)*
            options: super::runtime::RequestOptions,
        }

        impl<'a> #builder<'a> {
            #allow
            pub(crate) fn new(client: &'a super::Client, #(#arg_decls),*) -> Self {
                #builder { client, #(#inits)* options: Default::default() }
            }

            #(#setters)*

            /// Overrides the client's timeout for this request (`None`: no timeout).
            pub fn timeout(mut self, timeout: Option<std::time::Duration>) -> Self {
                self.options.timeout = Some(timeout);
                self
            }

            /// Overrides the client's retry policy for this request.
            pub fn retry_policy(mut self, policy: super::RetryPolicy) -> Self {
                self.options.retry = Some(policy);
                self
            }

            /// Sends the request; the value comes with the response's status and headers.
            #[allow(clippy::result_large_err)]
            pub async fn send(self) -> Result<super::ResponseValue<#success_ty>, super::Error<#error>> {
                #send_body
            }
        }

        impl<'a> std::future::IntoFuture for #builder<'a> {
            type Output = Result<#success_ty, super::Error<#error>>;
            type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send + 'a>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(async move { self.send().await.map(super::ResponseValue::into_inner) })
            }
        }

        #error_enum
        #response_enum
    }
}

fn success_type(op: &Operation) -> TokenStream {
    match &op.success {
        Success::Unit => quote!(()),
        Success::Type(ty) => type_tokens(ty, false),
        Success::Enum => {
            let name = ident(&format!("{}Response", op.type_name));
            quote!(#name)
        }
    }
}

fn error_enum(op: &Operation, error: &syn::Ident) -> TokenStream {
    let doc = format!(
        " The documented error responses of [`Client::{}`](super::Client::{}).",
        op.name, op.name
    );
    let variants = op
        .responses
        .iter()
        .filter(|r| !r.success)
        .map(|r| variant_decl(op, r));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #error {
            #(#variants)*
        }
    }
}

fn response_enum(op: &Operation) -> Option<TokenStream> {
    if op.success != Success::Enum {
        return None;
    }
    let name = ident(&format!("{}Response", op.type_name));
    let doc = format!(
        " The documented success responses of [`Client::{}`](super::Client::{}).",
        op.name, op.name
    );
    let variants = op
        .responses
        .iter()
        .filter(|r| r.success)
        .map(|r| variant_decl(op, r));
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
        }
    })
}

fn variant_decl(_op: &Operation, response: &Response) -> TokenStream {
    let label = match response.status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Class(class) => format!("{class}XX"),
        StatusMatch::Default => "default".to_owned(),
    };
    let doc = doc_attrs(&format!("`{label}`: {}", response.doc));
    let variant = ident(&response.variant);
    match &response.body {
        Some((_, ty)) => {
            let ty = type_tokens(ty, false);
            quote! { #doc #variant(#ty), }
        }
        None => quote! { #doc #variant, },
    }
}

/// The body of `send`: build the request, send it, decode the response by status.
fn send_body(api: &Api, op: &Operation, error: &syn::Ident) -> TokenStream {
    let path = path_expr(api, op);
    let method = match op.method.as_str() {
        "get" => quote!(reqwest::Method::GET),
        "put" => quote!(reqwest::Method::PUT),
        "post" => quote!(reqwest::Method::POST),
        "delete" => quote!(reqwest::Method::DELETE),
        "options" => quote!(reqwest::Method::OPTIONS),
        "head" => quote!(reqwest::Method::HEAD),
        "patch" => quote!(reqwest::Method::PATCH),
        _ => quote!(reqwest::Method::TRACE),
    };
    let schemes = &op.security;
    let params = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .map(|p| param_statement(api, p));
    let body = op.body.as_ref().map(|body| {
        let name = body_ident(op);
        let media_type = match body.encoding {
            BodyEncoding::Multipart => quote!(super::runtime::MULTIPART_CONTENT_TYPE),
            _ => {
                let media_type = &body.media_type;
                quote!(#media_type)
            }
        };
        let bytes = match body.encoding {
            BodyEncoding::Multipart => multipart_expr(api, &body.ty),
            BodyEncoding::Json => quote!(super::runtime::json_body(&value)?),
            BodyEncoding::Text => quote!(value.into_bytes()),
            BodyEncoding::Bytes => quote!(value),
            BodyEncoding::Form => quote!(super::runtime::form_body(&value)?),
        };
        if body.required {
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
    let arms = response_arms(op, error);
    let needs_mut =
        op.body.is_some() || op.params.iter().any(|p| p.location != ParamLocation::Path);
    let mutable = needs_mut.then(|| quote!(mut));
    quote! {
        let path = #path;
        let #mutable request = super::runtime::Request::new(#method, path, &[#(#schemes),*]);
        #(#params)*
        #body
        let response = self.client.execute(request, &self.options).await?;
        match response.status().as_u16() {
            #(#arms)*
        }
    }
}

/// The path with every parameter percent-encoded as one segment.
fn path_expr(api: &Api, op: &Operation) -> TokenStream {
    if !op
        .path_parts
        .iter()
        .any(|p| matches!(p, PathPart::Param(_)))
    {
        let path = &op.path;
        return quote!(String::from(#path));
    }
    let pieces = op.path_parts.iter().map(|part| match part {
        PathPart::Literal(text) => quote!(#text),
        PathPart::Param(name) => {
            let param = op.params.iter().find(|p| &p.name == name);
            let (wire, ty) = match param {
                Some(param) => (param.wire.as_str(), &param.ty),
                None => (name.as_str(), &TypeRef::String),
            };
            let field = ident(name);
            let value = match ty {
                TypeRef::String => quote!(&self.#field),
                TypeRef::Vec(item) if **item == TypeRef::String => quote!(&self.#field.join(",")),
                TypeRef::Vec(item) if is_scalar(api, item) => {
                    let text = to_param_string(item, quote!(item));
                    quote!(&self.#field.iter().map(|item| #text).collect::<Vec<String>>().join(","))
                }
                ty if is_scalar(api, ty) => {
                    let text = to_param_string(ty, quote!(self.#field));
                    quote!(&#text)
                }
                // Any other shape (a union of an integer and a string, ...): from its JSON.
                _ => quote!(&super::runtime::param_text(#wire, &self.#field)?),
            };
            quote!(&super::runtime::path_segment(#wire, #value)?)
        }
    });
    quote!([#(#pieces),*].concat())
}

/// An expression turning `value` (a place of type `ty`) into the text sent on the wire.
fn to_param_string(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match ty {
        TypeRef::String => quote!(#value.clone()),
        TypeRef::DateTime => quote!(#value.to_rfc3339()),
        _ => quote!(#value.to_string()),
    }
}

fn param_statement(api: &Api, param: &Param) -> TokenStream {
    let field = ident(&param.name);
    let wire = &param.wire;
    let list = match param.location {
        ParamLocation::Query => quote!(request.query),
        ParamLocation::Header => quote!(request.headers),
        ParamLocation::Cookie => quote!(request.cookies),
        ParamLocation::Path => return TokenStream::new(),
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
    let scalar = |ty: &TypeRef| is_scalar(api, ty);
    let flat_struct = |name: &str| {
        struct_fields(api, name).filter(|fields| {
            fields.iter().all(|f| {
                !f.flatten
                    && match &f.ty {
                        TypeRef::Option(inner) => scalar(inner),
                        other => scalar(other),
                    }
            })
        })
    };
    let push = match &param.ty {
        TypeRef::Vec(item) if scalar(item) && param.deep_object => {
            let text = to_param_string(item, quote!(item));
            let each = push(&format!("{wire}[]"), text);
            quote! {
                for item in value {
                    #each
                }
            }
        }
        TypeRef::Vec(item) if scalar(item) && param.explode => {
            let text = to_param_string(item, quote!(item));
            let each = push(wire, text);
            quote! {
                for item in value {
                    #each
                }
            }
        }
        TypeRef::Vec(item) if **item == TypeRef::String => {
            let separator = param.separator.to_string();
            push(wire, quote!(value.join(#separator)))
        }
        TypeRef::Vec(item) if scalar(item) => {
            let text = to_param_string(item, quote!(item));
            let separator = param.separator.to_string();
            let one = push(wire, quote!(joined.join(#separator)));
            quote! {
                let joined: Vec<String> = value.iter().map(|item| #text).collect();
                #one
            }
        }
        TypeRef::Named(name) if flat_struct(name).is_some() => {
            // An object, `form` style exploded: one pair per property that is set
            // (`deepObject`: `name[property]`).
            let fields = flat_struct(name).unwrap_or_default();
            let pushes = fields.iter().map(|f| {
                let field = ident(&f.name);
                let key = if param.deep_object {
                    format!("{wire}[{}]", f.wire)
                } else {
                    f.wire.clone()
                };
                match &f.ty {
                    TypeRef::Option(inner) => {
                        let one = push(&key, to_param_string(inner, quote!(inner)));
                        quote! {
                            if let Some(inner) = &value.#field {
                                #one
                            }
                        }
                    }
                    ty => push(&key, to_param_string(ty, quote!(value.#field))),
                }
            });
            quote!(#(#pushes)*)
        }
        ty if scalar(ty) => push(wire, to_param_string(ty, quote!(value))),
        // Any other shape in a header or cookie: `simple` style, from its JSON.
        _ if !query => push(wire, quote!(super::runtime::param_text(#wire, value)?)),
        // Any other shape in the query (unions, nested objects, maps): encoded from its JSON
        // at run time.
        _ => {
            let explode = param.explode;
            let deep = param.deep_object;
            quote!(super::runtime::query_value(&mut #list, #wire, value, #explode, #deep)?;)
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

fn response_arms(op: &Operation, error: &syn::Ident) -> Vec<TokenStream> {
    let success_enum = ident(&format!("{}Response", op.type_name));
    let mut arms = Vec::new();
    let mut has_default = false;
    for response in &op.responses {
        let pattern = match response.status {
            StatusMatch::Code(code) => {
                let code = Literal::u16_unsuffixed(code);
                quote!(#code)
            }
            StatusMatch::Class(class) => {
                let low = Literal::u16_unsuffixed(class * 100);
                let high = Literal::u16_unsuffixed(class * 100 + 99);
                quote!(#low..=#high)
            }
            StatusMatch::Default if response.success => quote!(200..=299),
            StatusMatch::Default => {
                has_default = true;
                quote!(_)
            }
        };
        let variant = ident(&response.variant);
        // Decodes the body; `wrap` (a variant constructor) wraps the value, if given.
        let decoded = |wrap: Option<TokenStream>| {
            let map = wrap.as_ref().map(|w| quote!(.map(#w)));
            match &response.body {
                Some((BodyEncoding::Json, ty)) => {
                    let ty = type_tokens(ty, false);
                    quote!(response.json::<#ty, #error>()? #map)
                }
                Some((BodyEncoding::Text, _)) => quote!(response.text_value::<#error>()? #map),
                Some((BodyEncoding::Bytes | BodyEncoding::Form | BodyEncoding::Multipart, _)) => {
                    quote!(response.bytes_value() #map)
                }
                None => {
                    let value = wrap.unwrap_or_else(|| quote!(()));
                    quote!(response.unit(#value))
                }
            }
        };
        let arm = if response.success {
            match &op.success {
                Success::Enum => {
                    let value = decoded(Some(quote!(#success_enum::#variant)));
                    quote!(Ok(#value))
                }
                Success::Type(_) => {
                    let value = decoded(None);
                    quote!(Ok(#value))
                }
                Success::Unit => quote!(Ok(response.unit(()))),
            }
        } else {
            let value = decoded(Some(quote!(#error::#variant)));
            quote!(Err(super::Error::Api(#value)))
        };
        arms.push(quote!(#pattern => #arm,));
    }
    if !has_default {
        arms.push(quote!(_ => Err(super::Error::UnexpectedStatus(response)),));
    }
    arms
}

/// The fields of the named struct `name`, if it is one.
fn struct_fields<'a>(api: &'a Api, name: &str) -> Option<&'a [crate::model::Field]> {
    api.types
        .iter()
        .find(|t| t.name == name)
        .and_then(|t| match &t.kind {
            TypeKind::Struct { fields } => Some(fields.as_slice()),
            _ => None,
        })
}

/// Builds a `multipart/form-data` body from `value` (the body struct `ty`): one part per
/// property that is set; bytes as file parts, scalars and enums as text, arrays as one part per
/// item, anything else as a JSON part.
fn multipart_expr(api: &Api, ty: &TypeRef) -> TokenStream {
    let fields = match ty {
        TypeRef::Named(name) => struct_fields(api, name).unwrap_or_default(),
        // Not an object: the whole body is one part named `file`.
        TypeRef::Bytes => {
            return quote! {{
                let mut form = super::runtime::Multipart::default();
                form.file("file", &value)?;
                form.finish()
            }};
        }
        TypeRef::Vec(item) if **item == TypeRef::Bytes => {
            return quote! {{
                let mut form = super::runtime::Multipart::default();
                for item in &value {
                    form.file("file", item)?;
                }
                form.finish()
            }};
        }
        _ => &[],
    };
    let is_enum = |ty: &TypeRef| match ty {
        TypeRef::Named(name) => api
            .types
            .iter()
            .any(|t| &t.name == name && matches!(t.kind, TypeKind::Enum { .. })),
        _ => false,
    };
    let part = |ty: &TypeRef, wire: &str, value: TokenStream| -> TokenStream {
        match ty {
            TypeRef::Bytes => quote!(form.file(#wire, #value)?;),
            TypeRef::String => quote!(form.text(#wire, #value)?;),
            TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::U64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::Uuid
            | TypeRef::Date => quote!(form.text(#wire, &#value.to_string())?;),
            TypeRef::DateTime => quote!(form.text(#wire, &#value.to_rfc3339())?;),
            named if is_enum(named) => quote!(form.text(#wire, #value.as_str())?;),
            _ => quote!(form.json(#wire, #value)?;),
        }
    };
    let parts = fields.iter().map(|field| {
        let name = ident(&field.name);
        let wire = field.wire.as_str();
        if field.flatten && matches!(field.ty, TypeRef::Map(_)) {
            return quote! {
                for (key, item) in &value.#name {
                    form.json(key, item)?;
                }
            };
        }
        if field.flatten {
            // A flattened union: each property of whichever branch it holds is a JSON part.
            return quote! {
                if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(&value.#name) {
                    for (key, item) in &map {
                        form.json(key, item)?;
                    }
                }
            };
        }
        let (inner, optional) = match &field.ty {
            TypeRef::Option(inner) => (inner.as_ref(), true),
            other => (other, false),
        };
        let one = match inner {
            TypeRef::Vec(item) if !matches!(item.as_ref(), TypeRef::Vec(_)) => {
                let each = part(item, wire, quote!(item));
                quote! {
                    for item in field {
                        #each
                    }
                }
            }
            other => part(other, wire, quote!(field)),
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
            let mut form = super::runtime::Multipart::default();
            #(#parts)*
            form.finish()
        }
    }
}

/// True for types sent as one text value (scalars and open enums).
fn is_scalar(api: &Api, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String
        | TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::U64
        | TypeRef::F32
        | TypeRef::F64
        | TypeRef::Uuid
        | TypeRef::DateTime
        | TypeRef::Date => true,
        TypeRef::Named(name) => api
            .types
            .iter()
            .any(|t| &t.name == name && matches!(t.kind, TypeKind::Enum { .. })),
        _ => false,
    }
}
