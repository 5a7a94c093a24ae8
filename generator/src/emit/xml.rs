//! XML bodies: the model's shapes (`Api::xml_shapes`) printed as statics of the
//! `operations` module (`XML_SHAPE_{n}`, which may refer to one another: recursive schemas),
//! and each body's root as a `runtime::XmlRoot` expression for `xml_body` and the `xml`
//! decoders. Nothing is decided here (see `model::xml`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Api, RequestBody, XmlBody, XmlField, XmlKind, XmlShapeRef, XmlText};

/// The statics of every object shape, in the model's order (none for an API without XML
/// bodies).
pub(super) fn shape_items(api: &Api) -> TokenStream {
    let items = api.xml_shapes.iter().enumerate().map(|(index, fields)| {
        let name = shape_ident(index);
        let fields = fields.iter().map(field_tokens);
        quote! {
            static #name: runtime::XmlShape = runtime::XmlShape::Object(&[#(#fields),*]);
        }
    });
    quote!(#(#items)*)
}

/// `&runtime::XmlRoot { .. }` for a body.
pub(super) fn root_tokens(root: &XmlBody) -> TokenStream {
    let name = &root.name;
    let namespaces = root
        .namespaces
        .iter()
        .map(|(attribute, uri)| quote!((#attribute, #uri)));
    let property = match &root.property {
        Some(property) => quote!(Some(#property)),
        None => quote!(None),
    };
    let shape = shape_tokens(root.shape);
    quote! {
        &runtime::XmlRoot {
            name: #name,
            namespaces: &[#(#namespaces),*],
            property: #property,
            shape: #shape,
        }
    }
}

/// The bytes of an XML request body (`value`: the body, by reference). The model gives every
/// XML body its root; one without (which the model never makes) is sent as JSON rather than
/// not at all.
pub(super) fn body_bytes(body: &RequestBody, value: TokenStream) -> TokenStream {
    match &body.xml {
        Some(root) => {
            let root = root_tokens(root);
            quote!(runtime::xml_body(#root, #value)?)
        }
        None => quote!(runtime::json_body(#value)?),
    }
}

fn shape_ident(index: usize) -> proc_macro2::Ident {
    format_ident!("XML_SHAPE_{}", index)
}

fn shape_tokens(shape: XmlShapeRef) -> TokenStream {
    match shape {
        XmlShapeRef::Object(index) => {
            let name = shape_ident(index);
            quote!(&#name)
        }
        XmlShapeRef::Any => quote!(&runtime::XmlShape::Any),
        XmlShapeRef::Text(text) => {
            let text = match text {
                XmlText::String => quote!(String),
                XmlText::Integer => quote!(Integer),
                XmlText::Number => quote!(Number),
                XmlText::Boolean => quote!(Boolean),
            };
            quote!(&runtime::XmlShape::Text(runtime::XmlText::#text))
        }
    }
}

fn namespace_tokens(namespace: Option<&(String, String)>) -> TokenStream {
    match namespace {
        Some((attribute, uri)) => quote!(Some((#attribute, #uri))),
        None => quote!(None),
    }
}

fn field_tokens(field: &XmlField) -> TokenStream {
    let property = &field.property;
    let name = &field.name;
    let namespace = namespace_tokens(field.namespace.as_ref());
    let kind = match &field.kind {
        XmlKind::Attribute => quote!(runtime::XmlKind::Attribute),
        XmlKind::Element => quote!(runtime::XmlKind::Element),
        XmlKind::Array {
            wrapped,
            item,
            item_namespace,
        } => {
            let item_namespace = namespace_tokens(item_namespace.as_ref());
            quote!(runtime::XmlKind::Array { wrapped: #wrapped, item: #item, item_namespace: #item_namespace })
        }
    };
    let required = field.required;
    let shape = shape_tokens(field.shape);
    quote! {
        runtime::XmlField {
            property: #property,
            name: #name,
            namespace: #namespace,
            kind: #kind,
            required: #required,
            shape: #shape,
        }
    }
}
