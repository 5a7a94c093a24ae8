//! Docs of types and fields, from a schema's `title` and `description`.
//!
//! The model keeps what the spec says and nothing else: a type or field whose schema says
//! nothing has no doc (`None`), and the emit stage decides what, if anything, to print for
//! it. No stand-in text ("The `X` schema.") is written here for emit to recognise.
//!
//! The rule, the same for types and fields (all text made safe by [`to_rustdoc`]):
//! - a `description` alone, or a `title` alone, is the doc;
//! - a `title` and a `description`: the title is the first paragraph (rustdoc's summary
//!   line) and the description follows, unless the description's first paragraph is the
//!   title again (the same letters and digits, case aside), when the description alone is
//!   the doc;
//! - a type's doc that only says its own Rust name (a `title: HTTPValidationError` on
//!   `HttpValidationError`, the usual title of a generated spec) is no doc, and such a title
//!   is left out before a description. A field's title is kept even when it restates the
//!   property's name (`Engine Id` for `engine_id`): it is the label the spec gives the field,
//!   and a field listed without it looks undocumented;
//! - a field's doc also says what the schema adds beyond prose, each as a paragraph of its
//!   own: the known values of an integer `enum`, a documented `default`, and that a
//!   `format: byte` string is base64 text.

use openapiv3::{Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

use crate::doc::to_rustdoc;

/// The doc of the named type `name` made from `item`, or `None` when the schema says nothing
/// but its name.
pub(super) fn schema_doc(item: &Schema, name: &str) -> Option<String> {
    let data = &item.schema_data;
    let title = data.title.as_deref().filter(|t| !same_words(t, name));
    title_and_description(title, data.description.as_deref()).filter(|d| !same_words(d, name))
}

/// The doc of a field whose schema is `item`, or `None` when the schema says nothing.
pub(super) fn property_doc(item: &Schema) -> Option<String> {
    let data = &item.schema_data;
    let mut paragraphs: Vec<String> = Vec::new();
    paragraphs.extend(title_and_description(
        data.title.as_deref(),
        data.description.as_deref(),
    ));
    // An integer enum stays a plain integer (any value is accepted); the known ones are listed.
    if let SchemaKind::Type(Type::Integer(integer)) = &item.schema_kind {
        let values: Vec<String> = integer
            .enumeration
            .iter()
            .flatten()
            .map(i64::to_string)
            .collect();
        if !values.is_empty() {
            paragraphs.push(format!("Known values: `{}`.", values.join("`, `")));
        }
    }
    // A documented default is the server's business (an absent field is `None`); it is shown.
    if let Some(default) = data.default.as_ref().filter(|d| !d.is_null()) {
        let text = default.to_string().replace('`', "'");
        if text.len() <= 80 {
            paragraphs.push(format!("Default: `{text}`."));
        }
    }
    if let SchemaKind::Type(Type::String(string)) = &item.schema_kind {
        if matches!(
            &string.format,
            VariantOrUnknownOrEmpty::Item(StringFormat::Byte)
        ) {
            paragraphs.push("Base64-encoded bytes (`format: byte`), kept as text.".to_owned());
        }
    }
    (!paragraphs.is_empty()).then(|| paragraphs.join("\n\n"))
}

/// A title and a description as one doc (see the module's rule); `None` when both are
/// absent or blank.
fn title_and_description(title: Option<&str>, description: Option<&str>) -> Option<String> {
    let title = title.map(to_rustdoc).filter(|t| !t.is_empty());
    let description = description.map(to_rustdoc).filter(|d| !d.is_empty());
    match (title, description) {
        (Some(title), Some(description)) => {
            let first = description.split("\n\n").next().unwrap_or_default();
            Some(if same_words(&title, first) {
                description
            } else {
                format!("{title}\n\n{description}")
            })
        }
        (title, description) => description.or(title),
    }
}

/// True when `text` is `name` in other words: the same ASCII letters and digits, case aside
/// (`Engine Id` and `engine_id`, `HTTPValidationError` and `HttpValidationError`).
fn same_words(text: &str, name: &str) -> bool {
    let letters = |text: &str| -> Vec<char> {
        text.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    letters(text) == letters(name)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::testing::{api, def, doc, fields};

    fn schema(value: serde_json::Value) -> Schema {
        match serde_json::from_value(value) {
            Ok(schema) => schema,
            Err(e) => panic!("not a schema: {e}"),
        }
    }

    #[test]
    fn a_title_leads_a_description_unless_it_says_the_same() {
        let both = |title: &str, description: &str| {
            property_doc(&schema(
                json!({"type": "string", "title": title, "description": description}),
            ))
        };
        assert_eq!(
            both("Engine Id", "The engine that ran the job.").as_deref(),
            Some("Engine Id\n\nThe engine that ran the job.")
        );
        // The description's first paragraph is the title again: said once.
        assert_eq!(
            both("Engine Id", "Engine id.\n\nSet once.").as_deref(),
            Some("Engine id.\n\nSet once.")
        );
        // Blank text is no text.
        assert_eq!(both("  ", "Only this.").as_deref(), Some("Only this."));
        assert_eq!(both("Only this", " \n").as_deref(), Some("Only this"));
        assert_eq!(both(" ", ""), None);
    }

    #[test]
    fn a_field_keeps_a_title_that_restates_its_name_and_adds_what_the_schema_says() {
        let titled =
            schema(json!({"type": "integer", "title": "Level", "enum": [1, 2], "default": 2}));
        assert_eq!(
            property_doc(&titled).as_deref(),
            Some("Level\n\nKnown values: `1`, `2`.\n\nDefault: `2`.")
        );
        let bytes = schema(json!({"type": "string", "format": "byte"}));
        assert_eq!(
            property_doc(&bytes).as_deref(),
            Some("Base64-encoded bytes (`format: byte`), kept as text.")
        );
        assert_eq!(property_doc(&schema(json!({"type": "string"}))), None);
        // A `null` default says nothing the `Option` does not.
        assert_eq!(
            property_doc(&schema(json!({"type": "string", "default": null}))),
            None
        );
    }

    #[test]
    fn a_type_doc_that_only_says_its_name_is_none() {
        let named = |value: serde_json::Value| schema_doc(&schema(value), "HttpValidationError");
        assert_eq!(named(json!({"type": "object"})), None);
        assert_eq!(
            named(json!({"type": "object", "title": "HTTPValidationError"})),
            None
        );
        assert_eq!(
            named(json!({"type": "object", "title": "HTTPValidationError", "description": "Why a request was refused."}))
                .as_deref(),
            Some("Why a request was refused.")
        );
        assert_eq!(
            named(json!({"type": "object", "title": "Validation failure", "description": "Why a request was refused."}))
                .as_deref(),
            Some("Validation failure\n\nWhy a request was refused.")
        );
    }

    /// Through the whole model: no stand-in text anywhere; `$ref`'d and flattened fields and
    /// undocumented types have no doc.
    #[test]
    fn the_model_writes_no_stand_in_docs() {
        let api = api(doc(
            json!({
                "Plain": {"type": "object", "additionalProperties": true, "properties": {
                    "bare": {"type": "string"},
                    "titled": {"type": "string", "title": "Titled"},
                    "other": {"$ref": "#/components/schemas/Other"}
                }},
                "Other": {"type": "string", "enum": ["a"]},
                "Alias": {"$ref": "#/components/schemas/Plain"},
                "Described": {"type": "object", "title": "A thing", "description": "Kept.", "properties": {
                    "x": {"type": "string"}
                }}
            }),
            json!({}),
        ));
        let docs: Vec<(&str, Option<&str>)> = fields(def(&api, "Plain"))
            .iter()
            .map(|f| (f.name.as_str(), f.doc.as_deref()))
            .collect();
        assert_eq!(
            docs,
            [
                ("bare", None),
                ("titled", Some("Titled")),
                ("other", None),
                ("additional_properties", None)
            ]
        );
        for name in ["Plain", "Other", "Alias"] {
            assert_eq!(def(&api, name).doc, None, "{name}");
        }
        assert_eq!(
            def(&api, "Described").doc.as_deref(),
            Some("A thing\n\nKept.")
        );
    }
}
