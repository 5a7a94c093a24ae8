//! Reading the merged document into `openapiv3`, forgiving what stitch does not use.
//!
//! `openapiv3` is strict about validation keywords (`minimum: "5"`, 3.1's numeric
//! `exclusiveMinimum: 0`, `maxLength: -1`) and about Swagger 2 leftovers (`required: true` on
//! a property). None of these change a Rust type, so before parsing they are normalized in a
//! copy of the document (the crate's `openapi.json` keeps the original): validation keywords
//! of the wrong type are dropped, and `required: true` on a property moves to its parent's
//! `required` list. What still does not parse is reported with the place it is at.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, Schema};
use serde_json::{Map, Value};

use super::ModelError;

/// Validation keywords that must be numbers (or, for the two exclusive ones in 3.0, booleans).
const NUMERIC: &[&str] = &[
    "minimum",
    "maximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];

/// Of [`NUMERIC`], the ones that count (lengths, items, properties): whole and not negative.
const COUNTS: &[&str] = &[
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];

/// Boolean keywords: `"true"`/`"false"` become booleans, anything else that is not one is
/// dropped (3.1's numeric `exclusiveMinimum` among them).
const FLAGS: &[&str] = &[
    "exclusiveMinimum",
    "exclusiveMaximum",
    "uniqueItems",
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
];

/// Parses the merged document, after normalizing what stitch does not use; with it, the
/// schemas that `$ref`s point at outside `#/components/schemas/<name>` (a path's response
/// schema, a property of another response, ...), by reference.
pub(super) fn parse(merged: &Value) -> Result<(OpenAPI, BTreeMap<String, Schema>), ModelError> {
    let mut doc = merged.clone();
    normalize_document(&mut doc);
    let spec =
        serde_json::from_value(doc.clone()).map_err(|error| locate(&doc, &error.to_string()))?;
    let mut pointers = BTreeMap::new();
    collect_pointers(&doc, &doc, &mut pointers);
    Ok((spec, pointers))
}

/// Every `$ref` in `value` that points at a schema somewhere other than a whole entry of
/// `components` (those are resolved by section), parsed.
fn collect_pointers(doc: &Value, value: &Value, into: &mut BTreeMap<String, Schema>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let segments = reference.strip_prefix("#/").map(|p| p.split('/').count());
                let whole_component = reference.starts_with("#/components/") && segments == Some(3);
                let inside_component_schema = reference.starts_with("#/components/schemas/");
                if !whole_component && !inside_component_schema && !into.contains_key(reference) {
                    let target = reference.strip_prefix('#').and_then(|p| doc.pointer(p));
                    if let Some(target) = target.filter(|t| t.get("$ref").is_none()) {
                        if let Ok(schema) = serde_json::from_value::<Schema>(target.clone()) {
                            into.insert(reference.clone(), schema);
                        }
                    }
                }
            }
            for inner in map.values() {
                collect_pointers(doc, inner, into);
            }
        }
        Value::Array(items) => {
            for inner in items {
                collect_pointers(doc, inner, into);
            }
        }
        _ => {}
    }
}

/// Normalizes every schema the document holds, wherever it stands.
fn normalize_document(doc: &mut Value) {
    if let Some(components) = doc.get_mut("components") {
        for schema in values_mut(components.get_mut("schemas")) {
            normalize_schema(schema);
        }
        for parameter in values_mut(components.get_mut("parameters")) {
            normalize_holder(parameter);
        }
        for header in values_mut(components.get_mut("headers")) {
            normalize_holder(header);
        }
        for body in values_mut(components.get_mut("requestBodies")) {
            normalize_content(body);
        }
        for response in values_mut(components.get_mut("responses")) {
            normalize_response(response);
        }
    }
    for item in values_mut(doc.get_mut("paths")) {
        normalize_operation(item);
        if let Some(map) = item.as_object_mut() {
            for (key, op) in map.iter_mut() {
                if key != "parameters" && op.is_object() {
                    normalize_operation(op);
                }
            }
        }
    }
}

/// Parameters, request body and responses of an operation (or the parameters of a path item).
fn normalize_operation(op: &mut Value) {
    if let Some(Value::Array(parameters)) = op.get_mut("parameters") {
        parameters.iter_mut().for_each(normalize_holder);
    }
    if let Some(body) = op.get_mut("requestBody") {
        normalize_content(body);
    }
    if let Some(responses) = op.get_mut("responses") {
        for response in values_mut(Some(responses)) {
            normalize_response(response);
        }
    }
}

fn normalize_response(response: &mut Value) {
    normalize_content(response);
    for header in values_mut(response.get_mut("headers")) {
        normalize_holder(header);
    }
}

/// A parameter or header: its `schema` and its `content`.
fn normalize_holder(holder: &mut Value) {
    if let Some(schema) = holder.get_mut("schema") {
        normalize_schema(schema);
    }
    normalize_content(holder);
}

fn normalize_content(holder: &mut Value) {
    for media in values_mut(holder.get_mut("content")) {
        if let Some(schema) = media.get_mut("schema") {
            normalize_schema(schema);
        }
    }
}

/// One schema and every schema inside it.
fn normalize_schema(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    for key in NUMERIC {
        let bad = map
            .get(*key)
            .is_some_and(|v| !v.is_number() || (COUNTS.contains(key) && v.as_u64().is_none()));
        if bad {
            map.remove(*key);
        }
    }
    for key in FLAGS {
        let fixed = match map.get(*key) {
            Some(Value::String(text)) if text == "true" => Some(Some(true)),
            Some(Value::String(text)) if text == "false" => Some(Some(false)),
            Some(Value::Bool(_)) | None => None,
            Some(_) => Some(None),
        };
        match fixed {
            Some(Some(flag)) => {
                map.insert((*key).to_owned(), Value::Bool(flag));
            }
            Some(None) => {
                map.remove(*key);
            }
            None => {}
        }
    }
    for key in ["format", "pattern", "title", "description"] {
        if map.get(key).is_some_and(|v| !v.is_string()) {
            map.remove(key);
        }
    }
    if map.get("required").is_some_and(|v| !v.is_array()) {
        map.remove("required");
    }
    // `required: true` on a property (Swagger 2 style) joins the parent's `required`.
    let mut lifted = Vec::new();
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            if let Some(property) = property.as_object_mut() {
                if property.get("required").is_some_and(|v| v.is_boolean())
                    && property.remove("required") == Some(Value::Bool(true))
                {
                    lifted.push(Value::from(name.as_str()));
                }
            }
            normalize_schema(property);
        }
    }
    if !lifted.is_empty() {
        let required = map
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = required {
            for name in lifted {
                if !list.contains(&name) {
                    list.push(name);
                }
            }
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(inner) = map.get_mut(key) {
            normalize_schema(inner);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = map.get_mut(key) {
            parts.iter_mut().for_each(normalize_schema);
        }
    }
}

/// The values of an object (nothing for anything else).
fn values_mut(value: Option<&mut Value>) -> impl Iterator<Item = &mut Value> {
    value
        .and_then(Value::as_object_mut)
        .map(Map::values_mut)
        .into_iter()
        .flatten()
}

/// Tries one part of the document alone: the parse error, if any.
type Check = fn(&Value) -> Option<String>;

/// Names the first component schema, path item or other part that does not parse, so the
/// message says where to look.
fn locate(doc: &Value, message: &str) -> ModelError {
    let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
    let parts: [(&str, &str, Check); 6] = [
        ("components", "schemas", |v| {
            serde_json::from_value::<openapiv3::ReferenceOr<openapiv3::Schema>>(v.clone())
                .err()
                .map(|e| e.to_string())
        }),
        ("components", "parameters", |v| {
            serde_json::from_value::<openapiv3::ReferenceOr<openapiv3::Parameter>>(v.clone())
                .err()
                .map(|e| e.to_string())
        }),
        ("components", "responses", |v| {
            serde_json::from_value::<openapiv3::ReferenceOr<openapiv3::Response>>(v.clone())
                .err()
                .map(|e| e.to_string())
        }),
        ("components", "requestBodies", |v| {
            serde_json::from_value::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(v.clone())
                .err()
                .map(|e| e.to_string())
        }),
        ("components", "securitySchemes", |v| {
            serde_json::from_value::<openapiv3::ReferenceOr<openapiv3::SecurityScheme>>(v.clone())
                .err()
                .map(|e| e.to_string())
        }),
        ("paths", "", |v| {
            serde_json::from_value::<openapiv3::ReferenceOr<openapiv3::PathItem>>(v.clone())
                .err()
                .map(|e| e.to_string())
        }),
    ];
    for (top, section, check) in parts {
        let holder = match (doc.get(top), section) {
            (Some(top), "") => Some(top),
            (Some(top), section) => top.get(section),
            (None, _) => None,
        };
        let Some(Value::Object(entries)) = holder else {
            continue;
        };
        for (key, value) in entries {
            if let Some(error) = check(value) {
                let place = if section.is_empty() {
                    format!("#/{top}/{}", escape(key))
                } else {
                    format!("#/{top}/{section}/{}", escape(key))
                };
                return ModelError::Invalid(format!("{place}: {error}"));
            }
        }
    }
    ModelError::Invalid(message.to_owned())
}
