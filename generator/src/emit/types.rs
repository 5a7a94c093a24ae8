//! The `types` module: one Rust item per named type of the model.
//!
//! Docs are the model's, printed as they are: a type or field the spec says nothing about has
//! no doc in the model (`None`, see `model::schema::docs`) and none here (the module allows
//! `missing_docs`), except a flattened field, which says what it holds ([`field_doc`]). Types
//! of the same shape are printed once (see `dedup`). A struct with optional fields carries
//! serde_with's `#[skip_serializing_none]` once rather than a `#[serde(..)]` line per field
//! (see `struct_item`).
//!
//! A client designed to evolve: what a server may add without breaking an old client (a
//! response field, an optional request field, an enum value, a union variant) must not break
//! code written against the old crate either. So every struct, untagged and tagged union is
//! `#[non_exhaustive]` (no struct literals or exhaustive patterns outside the crate, a `_` arm
//! in `match`es); a struct a caller builds has `Default` (all fields optional) or `new` with
//! its required fields ([`has_constructor`]), after which its public fields are assigned.
//! `stitch diff`'s Rust rules ask the same predicates ([`derives_default`],
//! [`has_constructor`], [`built_types`]) rather than copies of them.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{Scope, doc_attrs, ident, type_tokens};
use crate::model::{
    Api, EnumVariant, Field, TaggedVariant, TypeDef, TypeKind, TypeRef, UnionVariant,
};

/// The items of the type `types[index]`; `alias_of` is the type it is printed as an alias of,
/// if any.
/// `sent`: the type is one a caller builds to send (see `Api::sent_types`).
pub(super) fn type_items(
    types: &[TypeDef],
    index: usize,
    alias_of: Option<&TypeDef>,
    sent: bool,
) -> TokenStream {
    let def = &types[index];
    let doc = doc_attrs(def.doc.as_deref().unwrap_or_default());
    let name = ident(&def.name);
    if let Some(target) = alias_of {
        let target = ident(&target.name);
        return quote! {
            #doc
            pub type #name = #target;
        };
    }
    match &def.kind {
        TypeKind::Struct { fields } => {
            let mut items = struct_item(&doc, &name, fields, &def.derives);
            if has_constructor(fields, sent) {
                items.extend(constructor(&name, fields));
            }
            items
        }
        TypeKind::Enum { variants, open } => enum_item(&doc, &name, variants, *open),
        TypeKind::Union { variants } => union_item(types, &doc, &name, variants, &def.derives),
        TypeKind::Tagged { tag, variants } => tagged_item(&doc, &name, tag, variants, &def.derives),
        TypeKind::Alias(ty) => {
            let ty = type_tokens(ty, Scope::Types);
            quote! {
                #doc
                pub type #name = #ty;
            }
        }
    }
}

/// The `types` module's doc: what it holds, and which schemas the user's own types stand for
/// (the config's `[types.replace]` and `[types.format]`, `Api::user_types`).
pub(super) fn module_doc(api: &Api) -> String {
    let mut doc = String::from("The API's schemas as Rust types.");
    if !api.user_types.is_empty() {
        doc.push_str(
            "\n\nYour own types stand for these schemas (the config file's `[types]`); \
             no type is generated for them:\n",
        );
        for (what, path) in &api.user_types {
            doc.push_str(&format!("\n- {what}: `{path}`"));
        }
    }
    doc
}

/// The field's doc: the spec's, or for a flattened field (which the spec does not name) what
/// it holds; `None` for a field the spec says nothing about.
pub(super) fn field_doc(field: &Field) -> Option<&str> {
    match (&field.doc, field.flatten, &field.ty) {
        (Some(doc), _, _) => Some(doc),
        (None, true, TypeRef::Map(_)) => {
            Some("Properties not named above (`additionalProperties`).")
        }
        (None, true, _) => Some(
            "The `oneOf`/`anyOf` part of this schema's `allOf`: its properties sit beside the \
             ones above.",
        ),
        (None, false, _) => None,
    }
}

/// An empty doc line after `doc`, to start a new paragraph, unless there is no doc.
fn paragraph_break(doc: &TokenStream) -> Option<TokenStream> {
    (!doc.is_empty()).then(|| quote!(#[doc = ""]))
}

/// A struct. Optional fields are left out when `None`; a required nullable field, sent as
/// `null`, is marked `#[serialize_always]`.
///
/// Most structs are written inside the runtime's `object!`, which adds their `Serialize`,
/// `Deserialize`, `Debug` and `PartialEq` at a fraction of what the derives cost the compiler
/// ([`lean`]; see `runtime/src/object.rs`): it reads each field's `#[wire = ".."]` (its
/// property name, written for every field) and `#[serialize_always]`, leaves out every other
/// `Option` field that is `None`, and decodes an empty JSON array as the empty object; their
/// derive list holds `Default` and the config's derives (the macro writes `Clone`). A struct with a flattened field or a derive by path
/// that the config adds keeps serde's derives, serde_with's `#[skip_serializing_none]` written
/// once on the struct, and `#[serde(default)]` when its fields are all optional, so it also
/// decodes from an empty JSON array.
///
/// `#[non_exhaustive]`: a field the server adds later is a new field here, which must not
/// break callers' struct literals or patterns (they build it with `Default` or `new` and
/// assign fields, and match with `..`).
fn struct_item(
    doc: &TokenStream,
    name: &syn::Ident,
    fields: &[Field],
    derives: &[String],
) -> TokenStream {
    let default = derives_default(fields).then(|| quote!(Default,));
    let extra = extra_derives(derives);
    let lean = lean(fields, derives);
    let is_skipped = |f: &Field| f.ty.is_option() && !f.required && !f.flatten;
    let skip_none = (!lean && fields.iter().any(is_skipped))
        .then(|| quote!(#[serde_with::skip_serializing_none]));
    // serde reads a struct from a JSON array too, and fills the fields the array leaves out
    // with their `#[serde(default)]`, so a struct of optional fields decodes from `[]` (PHP's
    // empty object). One `#[serde(default)]` on such a struct keeps that; on any other struct
    // it would fill missing required fields as well.
    let default_all = (!lean && !fields.is_empty() && fields.iter().all(is_skipped))
        .then(|| quote!(#[serde(default)]));
    let fields = fields.iter().map(|field| {
        let doc = doc_attrs(field_doc(field).unwrap_or_default());
        let name = ident(&field.name);
        let ty = type_tokens(&field.ty, Scope::Types);
        if lean {
            // `object!` takes every field's property name from `#[wire = ".."]`, and marks
            // every `Option` it must not leave out.
            let wire = &field.wire;
            let always =
                (field.ty.is_option() && !is_skipped(field)).then(|| quote!(#[serialize_always]));
            return quote! {
                #doc
                #[wire = #wire]
                #always
                pub #name: #ty,
            };
        }
        // skip_serializing_none marks the `Option`s among the fields it leaves out.
        let always = (field.ty.is_option() && !is_skipped(field) && skip_none.is_some())
            .then(|| quote!(#[serialize_always]));
        if field.flatten {
            return quote! {
                #doc
                #[serde(flatten)]
                #always
                pub #name: #ty,
            };
        }
        let rename = (field.name != field.wire).then(|| {
            let wire = &field.wire;
            quote!(#[serde(rename = #wire)])
        });
        quote! {
            #doc
            #rename
            #always
            pub #name: #ty,
        }
    });
    if lean {
        // `object!` writes `Clone` (through its `read`, cheaper to check than the derive).
        let derive =
            (default.is_some() || !extra.is_empty()).then(|| quote!(#[derive(#default #extra)]));
        return quote! {
            super::runtime::object! {
                #doc
                #derive
                #[non_exhaustive]
                pub struct #name {
                    #(#fields)*
                }
            }
        };
    }
    quote! {
        #doc
        #skip_none
        #[derive(Debug, Clone, PartialEq, #default #extra serde::Serialize, serde::Deserialize)]
        #default_all
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// Whether a struct is written inside the runtime's `object!` (lean for the compiler: see
/// `runtime/src/object.rs`) rather than with serde's derives: every struct without a
/// flattened field (`#[serde(flatten)]` needs serde's buffering of the other properties,
/// which only the derive does) and without a derive the config adds by path
/// (`schemars::JsonSchema` may read the `serde` attributes the macro consumes; the standard
/// library's do not). The runtime part is emitted when one is.
pub(super) fn lean(fields: &[Field], derives: &[String]) -> bool {
    // The standard library's derives (`Eq`, `Hash`, ..) read no attributes; a path
    // (`schemars::JsonSchema`) may.
    derives.iter().all(|d| !d.contains("::")) && !fields.iter().any(|f| f.flatten)
}

/// The derives the config adds to a type (`TypeDef::derives`, decided by the model), each
/// followed by a comma.
fn extra_derives(derives: &[String]) -> TokenStream {
    let paths = derives
        .iter()
        .filter_map(|d| syn::parse_str::<syn::Path>(d).ok());
    quote!(#(#paths,)*)
}

/// Whether a struct of these fields derives `Default`: every field optional (`Option`), or a
/// flattened map (empty by default). `stitch diff` asks this too.
pub(crate) fn derives_default(fields: &[Field]) -> bool {
    fields
        .iter()
        .all(|f| f.ty.is_option() || (f.flatten && matches!(f.ty, TypeRef::Map(_))))
}

/// Whether `new` takes this field (see [`constructor`]): a required field, or a flattened
/// union (which has no default). `stitch diff` asks this too.
pub(crate) fn taken_by_new(field: &Field) -> bool {
    field.required || (field.flatten && !matches!(field.ty, TypeRef::Map(_)))
}

/// Whether a struct has `new` (see [`constructor`]): it is one a caller builds to send
/// (`sent`: see [`built_types`]) and does not derive `Default`, so `#[non_exhaustive]` would
/// leave the caller no other way to build it. Response structs get none: a field the server
/// adds to a response (even a required one) must not change a signature. `stitch diff` asks
/// this too.
pub(crate) fn has_constructor(fields: &[Field], sent: bool) -> bool {
    sent && !derives_default(fields)
}

/// The names of the structs a caller builds: the types a parameter or body holds
/// (`Api::sent_types`), with every other name of their shape (see `dedup`: a sent type
/// printed as an alias of a response type gives that type its `new`). `stitch diff` asks this
/// too.
pub(crate) fn built_types(api: &Api) -> BTreeSet<&str> {
    built_types_with(api, &super::dedup::aliases(&api.types))
}

/// [`built_types`], given `dedup::aliases` of the API's types.
pub(super) fn built_types_with<'a>(api: &'a Api, aliases: &[Option<usize>]) -> BTreeSet<&'a str> {
    let sent = api.sent_types();
    // The printed type of each class that holds a sent type.
    let printed: BTreeSet<usize> = api
        .types
        .iter()
        .enumerate()
        .filter(|(_, def)| sent.contains(def.name.as_str()))
        .map(|(i, _)| aliases[i].unwrap_or(i))
        .collect();
    api.types
        .iter()
        .enumerate()
        .filter(|&(i, _)| printed.contains(&aliases[i].unwrap_or(i)))
        .map(|(_, def)| def.name.as_str())
        .collect()
}

/// `new` with the required fields, every other one `None` (or empty): for a struct a caller
/// builds to send that does not derive `Default` (see [`has_constructor`]). The struct is
/// `#[non_exhaustive]`, so a caller writes
/// `let mut body = DeploymentCreate::new(name, flow_id); body.paused = Some(true);`, which
/// keeps compiling when the server adds an optional field.
fn constructor(name: &syn::Ident, fields: &[Field]) -> TokenStream {
    let takes = taken_by_new;
    let required: Vec<&Field> = fields.iter().filter(|f| takes(f)).collect();
    let params = required.iter().map(|f| {
        let field = ident(&f.name);
        let ty = type_tokens(&f.ty, Scope::Types);
        quote!(#field: #ty)
    });
    let inits = fields.iter().map(|f| {
        let field = ident(&f.name);
        if takes(f) {
            quote!(#field,)
        } else {
            quote!(#field: Default::default(),)
        }
    });
    let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let optional = required.len() < fields.len();
    let doc = if optional {
        format!(
            "`{name}` from its required fields, the optional ones `None`: set them on the\n\
             value (`let mut value = {name}::new(..); value.field = Some(..);`)."
        )
    } else {
        format!("`{name}` from its fields (the server may add optional ones later).")
    };
    let doc = doc_attrs(&doc);
    quote! {
        impl #name {
            #doc
            #many
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits)* }
            }
        }
    }
}

/// A string enum: the runtime's `open_enum!` (or `closed_enum!`) writes the enum and its
/// conversions from the table of known values.
fn enum_item(
    doc: &TokenStream,
    name: &syn::Ident,
    variants: &[EnumVariant],
    open: bool,
) -> TokenStream {
    let table = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.value;
        quote! { #variant = #value, }
    });
    let writer = if open {
        quote!(open_enum)
    } else {
        quote!(closed_enum)
    };
    quote! {
        super::runtime::#writer! {
            #doc
            pub enum #name {
                #(#table)*
            }
        }
    }
}

/// The wire names of the fields of `ty`, when it is a named struct (boxed or not).
pub(super) fn struct_wire_names<'a>(types: &'a [TypeDef], ty: &TypeRef) -> Option<Vec<&'a str>> {
    let name = match ty {
        TypeRef::Named(name) => name,
        TypeRef::Box(inner) => match inner.as_ref() {
            TypeRef::Named(name) => name,
            _ => return None,
        },
        _ => return None,
    };
    types
        .iter()
        .find(|t| &t.name == name)
        .and_then(|t| match &t.kind {
            TypeKind::Struct { fields } => Some(
                fields
                    .iter()
                    .filter(|f| !f.flatten)
                    .map(|f| f.wire.as_str())
                    .collect(),
            ),
            _ => None,
        })
}

/// An untagged union, `#[non_exhaustive]` (a branch the server adds later is a new variant).
fn union_item(
    types: &[TypeDef],
    doc: &TokenStream,
    name: &syn::Ident,
    variants: &[UnionVariant],
    derives: &[String],
) -> TokenStream {
    let gap = paragraph_break(doc);
    let extra = extra_derives(derives);
    let decls = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = type_tokens(&v.ty, Scope::Types);
        quote! { #variant(#ty), }
    });
    let structs = variants
        .iter()
        .filter(|v| struct_wire_names(types, &v.ty).is_some())
        .count();
    if structs < 2 {
        return quote! {
            #doc
            #gap
            /// Decoded by trying each variant in order; encoded as the variant's own JSON.
            #[derive(Debug, Clone, PartialEq, #extra serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #name {
                #(#decls)*
            }
        };
    }
    // Several object shapes: serde's untagged decoding would take the first one that fits,
    // and an object whose properties are all optional fits anything (dropping what it does
    // not name). Instead the runtime's `best_fit` tries every variant, and the one naming most
    // of the object's properties wins (the first one on a tie). Each variant is a row of its
    // properties' wire names (none for a variant that is not an object shape) and a reader.
    let shapes = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let names = struct_wire_names(types, &v.ty).unwrap_or_default();
        quote! {
            (&[#(#names),*], |v| serde_json::from_value(v).map(Self::#variant)),
        }
    });
    let type_name = name.to_string();
    quote! {
        #doc
        #gap
        /// Decoded as the variant that fits and names most of the object's properties (the
        /// first one on a tie); encoded as the variant's own JSON.
        #[derive(Debug, Clone, PartialEq, #extra serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#decls)*
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::runtime::best_fit(deserializer, #type_name, &[#(#shapes)*])
            }
        }
    }
}

/// A `discriminator`: internally tagged on the wire (`{"petType": "cat", ...}`), written by
/// hand rather than with `#[serde(tag)]`, because each variant's struct usually has the tag
/// property itself (it is required in the schema and the struct is also used on its own):
/// serde's internal tagging would remove the tag before the struct sees it (a missing required
/// field) and write it twice when serializing. Here the struct decodes the whole object, tag
/// included, and encodes it; the tag is added only when the struct does not write it. A tag this
/// client does not know (or none) keeps the whole value in `Unknown`.
fn tagged_item(
    doc: &TokenStream,
    name: &syn::Ident,
    tag: &str,
    variants: &[TaggedVariant],
    derives: &[String],
) -> TokenStream {
    let gap = paragraph_break(doc);
    let extra: Vec<syn::Path> = derives
        .iter()
        .filter_map(|d| syn::parse_str(d).ok())
        .collect();
    let decls = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = type_tokens(&v.ty, Scope::Types);
        let doc = format!(" `{tag}: {}`.", v.value.replace('`', "'"));
        quote! {
            #[doc = #doc]
            #variant(#ty),
        }
    });
    let to_value = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.value;
        quote! { Self::#variant(inner) => (#value, serde_json::to_value(inner)), }
    });
    let from_value = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.value;
        quote! {
            Some(#value) => serde_json::from_value(value).map(Self::#variant).map_err(serde::de::Error::custom),
        }
    });
    let doc_tag = format!(" Tagged by the `{tag}` property.");
    quote! {
        #doc
        #gap
        #[doc = #doc_tag]
        /// A tag this client does not know arrives as `Unknown`, kept whole.
        #[derive(Debug, Clone, PartialEq #(, #extra)*)]
        #[non_exhaustive]
        pub enum #name {
            #(#decls)*
            /// A tag this version of the client does not know, or no tag: the value as it came.
            Unknown(serde_json::Value),
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let (tag, value) = match self {
                    #(#to_value)*
                    Self::Unknown(value) => return value.serialize(serializer),
                };
                let mut value = value.map_err(serde::ser::Error::custom)?;
                if let serde_json::Value::Object(map) = &mut value {
                    map.entry(#tag).or_insert_with(|| serde_json::Value::from(tag));
                }
                value.serialize(serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#from_value)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
    }
}
