//! The `types` module: one Rust item per named type of the model.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, type_tokens};
use crate::model::{EnumVariant, Field, TypeDef, TypeKind, UnionVariant};

/// Every named type, in the model's (sorted) order.
pub(super) fn types_module(types: &[TypeDef]) -> TokenStream {
    let items = types.iter().map(type_item);
    quote! { #(#items)* }
}

fn type_item(def: &TypeDef) -> TokenStream {
    let doc = doc_attrs(&def.doc);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct { fields } => struct_item(&doc, &name, fields),
        TypeKind::Enum { variants } => enum_item(&doc, &name, variants),
        TypeKind::Union { variants } => union_item(&doc, &name, variants),
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
    let all_optional = fields.iter().all(|f| f.ty.is_option());
    let default = all_optional.then(|| quote!(Default,));
    let fields = fields.iter().map(|field| {
        let doc = doc_attrs(&field.doc);
        let name = ident(&field.name);
        let ty = type_tokens(&field.ty, true);
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

fn union_item(doc: &TokenStream, name: &syn::Ident, variants: &[UnionVariant]) -> TokenStream {
    let decls = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = type_tokens(&v.ty, true);
        let doc = format!(" The `{}` shape.", v.name);
        quote! {
            #[doc = #doc]
            #variant(#ty),
        }
    });
    quote! {
        #doc
        ///
        /// Decoded by trying each variant in order; encoded as the variant's own JSON.
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#decls)*
        }
    }
}
