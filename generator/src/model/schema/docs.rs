//! Docs of types and fields, from a schema's `title` and `description`.

use openapiv3::{Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

use crate::doc::to_rustdoc;

pub(super) fn schema_doc(item: &Schema, name: &str) -> String {
    let data = &item.schema_data;
    match (&data.title, &data.description) {
        (_, Some(description)) if !description.trim().is_empty() => to_rustdoc(description),
        (Some(title), _) if !title.trim().is_empty() && title != name => to_rustdoc(title),
        _ => format!("The `{name}` schema."),
    }
}

pub(super) fn property_doc(item: &Schema, wire: &str) -> String {
    let data = &item.schema_data;
    let mut doc = match (&data.title, &data.description) {
        (_, Some(description)) if !description.trim().is_empty() => to_rustdoc(description),
        (Some(title), _) if !title.trim().is_empty() => to_rustdoc(title),
        _ => format!("`{}`.", wire.replace('`', "'")),
    };
    // An integer enum stays a plain integer (any value is accepted); the known ones are listed.
    if let SchemaKind::Type(Type::Integer(integer)) = &item.schema_kind {
        let values: Vec<String> = integer
            .enumeration
            .iter()
            .flatten()
            .map(i64::to_string)
            .collect();
        if !values.is_empty() {
            doc.push_str(&format!("\n\nKnown values: `{}`.", values.join("`, `")));
        }
    }
    // A documented default is the server's business (an absent field is `None`); it is shown.
    if let Some(default) = data.default.as_ref().filter(|d| !d.is_null()) {
        let text = default.to_string().replace('`', "'");
        if text.len() <= 80 {
            doc.push_str(&format!("\n\nDefault: `{text}`."));
        }
    }
    if let SchemaKind::Type(Type::String(string)) = &item.schema_kind {
        if matches!(
            &string.format,
            VariantOrUnknownOrEmpty::Item(StringFormat::Byte)
        ) {
            doc.push_str("\n\nBase64-encoded bytes (`format: byte`), kept as text.");
        }
    }
    doc
}
