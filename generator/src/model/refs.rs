//! `$ref`s put in one form before the model reads the document.
//!
//! Real documents point anywhere: into another operation's response
//! (`#/paths/~1users~1%7Bid%7D/get/responses/200/content/application~1json/schema`), through
//! a `$ref` on the way (`.../schema/properties/name`, where `schema` is itself a `$ref`), at a
//! `$ref` that points on (a chain), or at another operation's parameter. The model resolves
//! schemas by component name or by a plain pointer, so every internal `$ref` that is not a
//! whole component (`#/components/<section>/<name>`) is rewritten here, in the model's copy of
//! the document (the crate's `openapi.json` keeps the original), to its *canonical* form: the
//! percent-decoding of the URI fragment undone, every `$ref` met on the way followed, and a
//! chain followed to its end (or to a whole component). A `$ref` whose target is a path item
//! (another path's, or 3.1's `components/pathItems`), or a parameter, response, request body
//! or header outside `components`, is replaced by a copy of the target, as the model reads
//! those by component name only.
//!
//! What cannot be followed (a missing target, a cycle, an external file) is left as written;
//! the model then reports it with its place.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::pointer;

/// How many `$ref`s are followed for one pointer before it is called cyclic.
const MAX_HOPS: usize = 32;

/// Rewrites the document's internal `$ref`s to their canonical form (see the module docs).
pub(super) fn canonicalize(doc: &mut Value) {
    let mut found = Vec::new();
    collect(doc, &mut found);
    found.sort();
    found.dedup();
    let mut pointers: BTreeMap<String, Rewrite> = BTreeMap::new();
    let mut inlined: Vec<(String, String)> = Vec::new();
    for reference in found {
        let Some(target) = canonical(doc, &reference, 0, false) else {
            continue;
        };
        if inline_kind(&target) {
            inlined.push((reference, target));
        } else if target != reference {
            pointers.insert(reference, Rewrite::Pointer(target));
        }
    }
    if !pointers.is_empty() {
        apply(doc, &pointers);
    }
    // Copies are taken after the pointers are rewritten, so what they hold is canonical too
    // (the rewrite changes `$ref` strings only, never where things are).
    let copies: BTreeMap<String, Rewrite> = inlined
        .into_iter()
        .filter_map(|(reference, target)| {
            let value = value_at(doc, &target)?.clone();
            Some((reference, Rewrite::Inline(value)))
        })
        .collect();
    if !copies.is_empty() {
        apply(doc, &copies);
    }
}

/// What one `$ref` becomes.
enum Rewrite {
    /// The same `$ref`, pointing at the canonical place.
    Pointer(String),
    /// The target itself, in place of the `$ref`.
    Inline(Value),
}

/// Every internal `$ref` that is not a whole component.
fn collect(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if reference.starts_with('#')
                    && (!is_whole_component(reference)
                        || reference.starts_with("#/components/pathItems/"))
                {
                    into.push(reference.clone());
                }
            }
            map.values().for_each(|inner| collect(inner, into));
        }
        Value::Array(items) => items.iter().for_each(|inner| collect(inner, into)),
        _ => {}
    }
}

fn apply(value: &mut Value, rewrites: &BTreeMap<String, Rewrite>) {
    match value {
        Value::Object(map) => {
            let rewrite = match map.get("$ref") {
                Some(Value::String(reference)) => rewrites.get(reference),
                _ => None,
            };
            match rewrite {
                Some(Rewrite::Pointer(target)) => {
                    map.insert("$ref".to_owned(), Value::String(target.clone()));
                }
                Some(Rewrite::Inline(target)) => {
                    *value = target.clone();
                    return;
                }
                None => {}
            }
            map.values_mut().for_each(|inner| apply(inner, rewrites));
        }
        Value::Array(items) => items.iter_mut().for_each(|inner| apply(inner, rewrites)),
        _ => {}
    }
}

/// `#/components/<section>/<name>`, with nothing after the name.
fn is_whole_component(reference: &str) -> bool {
    reference
        .strip_prefix("#/components/")
        .is_some_and(|rest| rest.split('/').count() == 2)
}

/// The canonical pointer (`#/...`, `~`-escaped, not percent-encoded) of `reference`: every
/// `$ref` on the way followed; at the end, a chain followed on unless it reaches a whole
/// component (`through_components` follows those too, for a walk that must go inside).
fn canonical(
    doc: &Value,
    reference: &str,
    hops: usize,
    through_components: bool,
) -> Option<String> {
    if hops > MAX_HOPS {
        return None;
    }
    let segments = pointer::fragment_tokens(reference)?;
    let mut at: Vec<String> = Vec::new();
    let mut node = doc;
    for segment in segments {
        if let Some(Value::String(next)) = node.get("$ref") {
            // The walk goes on inside the target of the `$ref` met on the way.
            let base = canonical(doc, next, hops + 1, true)?;
            node = value_at(doc, &base)?;
            at = pointer::fragment_tokens(&base)?;
        }
        node = pointer::child(node, &segment)?;
        at.push(segment);
    }
    let here = format!("#{}", pointer::join(&at));
    match node.get("$ref") {
        Some(Value::String(next)) if through_components || !is_whole_component(&here) => {
            if is_whole_component(next) && !through_components {
                Some(next.clone())
            } else {
                canonical(doc, next, hops + 1, through_components)
            }
        }
        _ => Some(here),
    }
}

/// The value at an internal reference (a canonical pointer).
fn value_at<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    pointer::resolve(doc, pointer::fragment_tokens(reference)?)
}

/// Whether a canonical target is copied in place of the `$ref` — a path item, or a parameter,
/// response, request body or header outside `components` — rather than kept as a pointer
/// (schemas, and whatever `components` holds by name).
fn inline_kind(target: &str) -> bool {
    let Some(segments) = pointer::fragment_tokens(target) else {
        return false;
    };
    let n = segments.len();
    // A whole path item: another path's (`#/paths/~1other`), or 3.1's `components/pathItems`.
    match segments
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["paths", _] | ["components", "pathItems", _] => return true,
        ["components", ..] => return false,
        _ => {}
    }
    let at = |back: usize| n.checked_sub(back).map(|i| segments[i].as_str());
    let not_a_property = at(3) != Some("properties");
    match (at(2), at(1)) {
        (Some("parameters"), Some(index)) => not_a_property && index.parse::<usize>().is_ok(),
        (Some("responses" | "headers"), Some(_)) => not_a_property,
        (_, Some("requestBody")) => at(2) != Some("properties"),
        _ => false,
    }
}

/// Whether an internal `$ref` (in canonical form) points at a place where the document holds
/// a schema: a component schema, the `schema` of a parameter, header or media type, a
/// `definitions`/`$defs` entry, anything under a vendor extension (`x-...`), or a schema
/// keyword's place inside one of those (`properties/<name>`, `items`, `allOf/<n>`, ...).
/// Anything else (`#/info`, `#/paths/~1x/get`, `#/components/responses/R`) is not a schema,
/// even when its JSON happens to read as one.
pub(super) fn is_schema_pointer(reference: &str) -> bool {
    let Some(segments) = reference
        .strip_prefix('#')
        .filter(|rest| rest.starts_with('/'))
        .and_then(pointer::tokens)
    else {
        return false;
    };
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let is_index = |s: &str| s.parse::<usize>().is_ok();
    let mut rest: &[&str] = &segments;
    // Keyword places are peeled off the end until what is left is where a schema begins.
    loop {
        rest = match rest {
            [first, ..] if first.starts_with("x-") => return true,
            [.., "schema"] | ["components", "schemas", _] | ["definitions" | "$defs", _] => {
                return true;
            }
            [
                ..,
                "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas",
                _,
            ] => &rest[..rest.len() - 2],
            [.., "allOf" | "anyOf" | "oneOf" | "prefixItems", index] if is_index(index) => {
                &rest[..rest.len() - 2]
            }
            [
                ..,
                "items"
                | "additionalProperties"
                | "additionalItems"
                | "not"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "unevaluatedProperties"
                | "unevaluatedItems",
            ] => &rest[..rest.len() - 1],
            _ => return false,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema_at(doc: &Value, pointer: &str) -> Value {
        doc.pointer(pointer).cloned().unwrap_or(Value::Null)
    }

    #[test]
    fn percent_encoded_and_through_ref_pointers_become_plain_ones() {
        let mut doc = json!({
            "paths": {"/u/{id}": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/User"}}}}}}}},
            "components": {"schemas": {
                "User": {"type": "object", "properties": {"name": {"type": "string"}}},
                "A": {"$ref": "#/paths/~1u~1%7Bid%7D/get/responses/200/content/application~1json/schema/properties/name"},
                "B": {"type": "object", "properties": {"n": {"$ref": "#/components/schemas/A"}}}
            }}
        });
        canonicalize(&mut doc);
        assert_eq!(
            schema_at(&doc, "/components/schemas/A"),
            json!({"$ref": "#/components/schemas/User/properties/name"})
        );
        // Whole components are left alone, aliases included.
        assert_eq!(
            schema_at(&doc, "/components/schemas/B/properties/n"),
            json!({"$ref": "#/components/schemas/A"})
        );
    }

    #[test]
    fn chains_end_at_the_definition_or_a_whole_component() {
        let mut doc = json!({"components": {"schemas": {
            "D": {"type": "object", "properties": {
                "size": {"$ref": "#/components/schemas/E/properties/size"}}},
            "E": {"type": "object", "properties": {"size": {"type": "integer"},
                  "owner": {"$ref": "#/components/schemas/D"}}},
            "F": {"properties": {
                "size": {"$ref": "#/components/schemas/D/properties/size"},
                "owner": {"$ref": "#/components/schemas/E/properties/owner"}}}
        }}});
        canonicalize(&mut doc);
        assert_eq!(
            schema_at(&doc, "/components/schemas/F/properties/size"),
            json!({"$ref": "#/components/schemas/E/properties/size"})
        );
        assert_eq!(
            schema_at(&doc, "/components/schemas/F/properties/owner"),
            json!({"$ref": "#/components/schemas/D"})
        );
    }

    #[test]
    fn parameters_of_other_operations_are_copied_in() {
        let parameter =
            json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}});
        let mut doc = json!({"paths": {
            "/a/{id}": {"get": {"parameters": [parameter.clone()]}},
            "/b/{id}": {"get": {"parameters": [{"$ref": "#/paths/~1a~1%7Bid%7D/get/parameters/0"}]}}
        }});
        canonicalize(&mut doc);
        assert_eq!(
            schema_at(&doc, "/paths/~1b~1{id}/get/parameters/0"),
            parameter
        );
    }

    #[test]
    fn path_items_that_point_elsewhere_are_copied_in() {
        let item = json!({"get": {"responses": {"200": {"description": "ok"}}}});
        let mut doc = json!({
            "paths": {"/a": item.clone(), "/b": {"$ref": "#/paths/~1a"},
                      "/c": {"$ref": "#/components/pathItems/C"}},
            "components": {"pathItems": {"C": item.clone()}}
        });
        canonicalize(&mut doc);
        assert_eq!(schema_at(&doc, "/paths/~1b"), item);
        assert_eq!(schema_at(&doc, "/paths/~1c"), item);
    }

    #[test]
    fn what_cannot_be_followed_is_left_as_written() {
        let original = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B/properties/x"},
            "B": {"$ref": "#/components/schemas/A/properties/x"},
            "C": {"$ref": "#/nowhere/at/all"},
            "D": {"$ref": "other.json#/components/schemas/D"}
        }}});
        let mut doc = original.clone();
        canonicalize(&mut doc);
        assert_eq!(doc, original);
    }
}
