//! The `types` module: one Rust item per named type of the model.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, type_tokens};
use crate::model::{EnumVariant, Field, TaggedVariant, TypeDef, TypeKind, TypeRef, UnionVariant};

/// Every named type, in the model's (sorted) order.
pub(super) fn types_module(types: &[TypeDef]) -> TokenStream {
    let items = types.iter().map(|def| type_item(types, def));
    quote! { #(#items)* }
}

fn type_item(types: &[TypeDef], def: &TypeDef) -> TokenStream {
    let doc = doc_attrs(&def.doc);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct { fields } => struct_item(&doc, &name, fields),
        TypeKind::Enum { variants } => enum_item(&doc, &name, variants),
        TypeKind::Union { variants } => union_item(types, &doc, &name, variants),
        TypeKind::Tagged { tag, variants } => tagged_item(&doc, &name, tag, variants),
        TypeKind::Alias(ty) => {
            let ty = type_tokens(ty, true);
            quote! {
                #doc
                pub type #name = #ty;
            }
        }
    }
}

fn struct_item(doc: &TokenStream, name: &syn::Ident, fields: &[Field]) -> TokenStream {
    let all_optional = fields
        .iter()
        .all(|f| f.ty.is_option() || (f.flatten && matches!(f.ty, TypeRef::Map(_))));
    let default = all_optional.then(|| quote!(Default,));
    let fields = fields.iter().map(|field| {
        let doc = doc_attrs(&field.doc);
        let name = ident(&field.name);
        let ty = type_tokens(&field.ty, true);
        if field.flatten {
            return quote! {
                #doc
                #[serde(flatten)]
                pub #name: #ty,
            };
        }
        let rename = (field.name != field.wire).then(|| {
            let wire = &field.wire;
            quote!(#[serde(rename = #wire)])
        });
        // Absent optional fields stay absent when sent back; a required nullable field is sent
        // as `null`.
        let skip = (field.ty.is_option() && !field.required)
            .then(|| quote!(#[serde(default, skip_serializing_if = "Option::is_none")]));
        quote! {
            #doc
            #rename
            #skip
            pub #name: #ty,
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn enum_item(doc: &TokenStream, name: &syn::Ident, variants: &[EnumVariant]) -> TokenStream {
    let decls = variants.iter().map(|v| {
        let doc = doc_attrs(&v.doc);
        let variant = ident(&v.name);
        quote! { #doc #variant, }
    });
    let to_str = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.value;
        quote! { Self::#variant => #value, }
    });
    let from_str = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.value;
        quote! { #value => Self::#variant, }
    });
    quote! {
        #doc
        ///
        /// Open: a value this client does not know yet arrives as `Unknown` and is sent back
        /// unchanged.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#decls)*
            /// A value this version of the client does not know.
            Unknown(String),
        }

        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl From<#name> for String {
            fn from(value: #name) -> Self {
                match value {
                    #name::Unknown(value) => value,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

/// The wire names of the fields of `ty`, when it is a named struct (boxed or not).
fn struct_wire_names<'a>(types: &'a [TypeDef], ty: &TypeRef) -> Option<Vec<&'a str>> {
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

fn union_item(
    types: &[TypeDef],
    doc: &TokenStream,
    name: &syn::Ident,
    variants: &[UnionVariant],
) -> TokenStream {
    let decls = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = type_tokens(&v.ty, true);
        let doc = format!(" The `{}` shape.", v.name);
        quote! {
            #[doc = #doc]
            #variant(#ty),
        }
    });
    let structs = variants
        .iter()
        .filter(|v| struct_wire_names(types, &v.ty).is_some())
        .count();
    if structs < 2 {
        return quote! {
            #doc
            ///
            /// Decoded by trying each variant in order; encoded as the variant's own JSON.
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            #[allow(clippy::large_enum_variant)]
            pub enum #name {
                #(#decls)*
            }
        };
    }
    // Several object shapes: serde's untagged decoding would take the first one that fits,
    // and an object whose properties are all optional fits anything (dropping what it does
    // not name). Instead every variant is tried and the one naming most of the object's
    // properties wins (the first one on a tie).
    let tries = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = type_tokens(&v.ty, true);
        let score = match struct_wire_names(types, &v.ty) {
            Some(names) => quote! {
                keys.iter().filter(|key| [#(#names),*].contains(&key.as_str())).count()
            },
            None => quote!(0),
        };
        quote! {
            if let Ok(inner) = serde_json::from_value::<#ty>(value.clone()) {
                let score: usize = #score;
                if best.as_ref().is_none_or(|(top, _)| score > *top) {
                    best = Some((score, Self::#variant(inner)));
                }
            }
        }
    });
    let no_match = format!("the value matches no shape of {name}");
    quote! {
        #doc
        ///
        /// Decoded as the variant that fits and names most of the object's properties (the
        /// first one on a tie); encoded as the variant's own JSON.
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#decls)*
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                let keys: Vec<String> = match &value {
                    serde_json::Value::Object(map) => map.keys().cloned().collect(),
                    _ => Vec::new(),
                };
                let mut best: Option<(usize, Self)> = None;
                #(#tries)*
                match best {
                    Some((_, found)) => Ok(found),
                    None => Err(serde::de::Error::custom(#no_match)),
                }
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
) -> TokenStream {
    let decls = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = type_tokens(&v.ty, true);
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
        ///
        #[doc = #doc_tag]
        /// A tag this client does not know arrives as `Unknown`, kept whole.
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
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
