//! `--on-conflict widen`: merge the definitions of a component schema into one.
//!
//! Invariant: the widened schema accepts what each definition accepts (the union of
//! properties, a property required only where every definition requires it, enum values
//! joined); every change is recorded in [`Widened`]; only component schemas are widened, and a
//! schema that cannot be widened is one conflict: the first definition against the one that
//! could not be widened into those before it.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::conflict::{At, difference, short, show_pointer};
use super::merger::Merger;
use super::slot::Group;
use super::{Conflict, Widened, origin};
use crate::pointer;

impl Merger {
    /// Widens every conflicting schema into one definition, or leaves it conflicting and
    /// records in `unwidened` the one conflict to report: the first definition against the one
    /// that could not be widened into those before it (not one conflict per other page, each
    /// blamed for the same incompatibility).
    pub(super) fn widen(&mut self) -> Vec<Widened> {
        let mut widened = Vec::new();
        let Some(Group::Entries(schemas)) = self.components.get_mut("schemas") else {
            return widened;
        };
        let unwidened = &mut self.unwidened;
        for slot in schemas.values_mut() {
            let Some((first, rest)) = slot.variants.split_first() else {
                continue;
            };
            if rest.is_empty() {
                continue;
            }
            let mut value = first.value.clone();
            let mut changes = Vec::new();
            let mut places = vec![origin(&first.at, &slot.pointer)];
            let mut seen = At(&first.at).to_string();
            let mut ok = true;
            for other in rest {
                let here = At(&other.at).to_string();
                let mut pointer = String::new();
                match widen(
                    &value,
                    &other.value,
                    &mut pointer,
                    (&seen, &here),
                    &mut changes,
                ) {
                    Ok(wider) => value = wider,
                    Err(reason) => {
                        let conflict = Conflict {
                            what: slot.what.clone(),
                            pointer: slot.pointer.clone(),
                            first: first.at.clone(),
                            second: other.at.clone(),
                            difference: format!(
                                "{}; cannot widen: {reason}",
                                difference(&first.value, &other.value, &first.at, &other.at)
                            ),
                        };
                        unwidened.insert(slot.pointer.clone(), conflict);
                        ok = false;
                        break;
                    }
                }
                places.push(origin(&other.at, &slot.pointer));
                seen = format!("{seen} and {here}");
            }
            if !ok {
                continue;
            }
            if let Some(first) = slot.variants.first_mut() {
                first.compact = None;
                first.value = value;
            }
            slot.variants.truncate(1);
            widened.push(Widened {
                what: slot.what.clone(),
                places,
                changes,
            });
        }
        widened
    }

    /// The conflicts left under `--on-conflict widen`: a schema that could not be widened is
    /// reported once, as [`Merger::widen`] recorded it; anything else says that only component
    /// schemas are widened.
    pub(super) fn explain_unwidened(&self, conflicts: Vec<Conflict>) -> Vec<Conflict> {
        let mut reported = BTreeSet::new();
        let mut out = Vec::new();
        for mut conflict in conflicts {
            if let Some(unwidened) = self.unwidened.get(&conflict.pointer) {
                if reported.insert(conflict.pointer.clone()) {
                    out.push(unwidened.clone());
                }
                continue;
            }
            if !conflict.pointer.starts_with("/components/schemas/") {
                conflict.difference = format!(
                    "{}; cannot widen: only component schemas are widened",
                    conflict.difference
                );
            }
            out.push(conflict);
        }
        out
    }
}

/// Keys that only describe a schema: when two definitions differ there, the first is kept.
const ANNOTATIONS: [&str; 6] = [
    "description",
    "title",
    "example",
    "examples",
    "externalDocs",
    "deprecated",
];

/// Widens schema `a` (defined at `places.0`) and `b` (at `places.1`) into one that accepts
/// both, recording each change; fails naming the first incompatible place.
fn widen(
    a: &Value,
    b: &Value,
    pointer: &mut String,
    places: (&str, &str),
    changes: &mut Vec<String>,
) -> Result<Value, String> {
    if a == b {
        return Ok(a.clone());
    }
    let incompatible = |pointer: &str| {
        format!(
            "{}: {} in {}, {} in {}",
            show_pointer(pointer),
            short(a),
            places.0,
            short(b),
            places.1
        )
    };
    let (Value::Object(a_map), Value::Object(b_map)) = (a, b) else {
        return Err(incompatible(pointer));
    };
    if a_map.contains_key("$ref") || b_map.contains_key("$ref") {
        return Err(incompatible(pointer));
    }
    let mut out = Map::new();
    let keys: Vec<&String> = a_map
        .keys()
        .chain(b_map.keys().filter(|k| !a_map.contains_key(*k)))
        .collect();
    for key in keys {
        let len = pointer::push(pointer, key);
        let value = match (a_map.get(key), b_map.get(key)) {
            (Some(x), Some(y)) if x == y => x.clone(),
            (Some(x), Some(y)) => match key.as_str() {
                "properties" => widen_properties(x, y, pointer, places, changes)?,
                "required" => {
                    let (Some(x), Some(y)) = (x.as_array(), y.as_array()) else {
                        return Err(incompatible(pointer));
                    };
                    let both: Vec<Value> = x.iter().filter(|v| y.contains(v)).cloned().collect();
                    for dropped in x.iter().chain(y).filter(|v| !both.contains(v)) {
                        let change = format!(
                            "{}: {} is optional (not required everywhere)",
                            show_pointer(pointer),
                            short(dropped)
                        );
                        if !changes.contains(&change) {
                            changes.push(change);
                        }
                    }
                    Value::Array(both)
                }
                "enum" => {
                    let (Some(x), Some(y)) = (x.as_array(), y.as_array()) else {
                        return Err(incompatible(pointer));
                    };
                    let mut all = x.clone();
                    for value in y {
                        if !all.contains(value) {
                            changes.push(format!(
                                "{}: added the value {} (from {})",
                                show_pointer(pointer),
                                short(value),
                                places.1
                            ));
                            all.push(value.clone());
                        }
                    }
                    Value::Array(all)
                }
                _ if ANNOTATIONS.contains(&key.as_str()) || key.starts_with("x-") => x.clone(),
                _ => {
                    let message = format!(
                        "{}: {} in {}, {} in {}",
                        show_pointer(pointer),
                        short(x),
                        places.0,
                        short(y),
                        places.1
                    );
                    pointer.truncate(len);
                    return Err(message);
                }
            },
            (Some(x), None) | (None, Some(x)) => {
                let absent_in_b = a_map.contains_key(key);
                if key == "required" {
                    // Required on one side only: required nowhere.
                    changes.push(format!(
                        "{}: dropped (no `required` in {})",
                        show_pointer(pointer),
                        if absent_in_b { places.1 } else { places.0 }
                    ));
                    pointer.truncate(len);
                    continue;
                }
                if !(ANNOTATIONS.contains(&key.as_str()) || key.starts_with("x-")) {
                    let message = format!(
                        "{}: present in {}, missing in {}",
                        show_pointer(pointer),
                        if absent_in_b { places.0 } else { places.1 },
                        if absent_in_b { places.1 } else { places.0 }
                    );
                    pointer.truncate(len);
                    return Err(message);
                }
                x.clone()
            }
            (None, None) => {
                pointer.truncate(len);
                continue;
            }
        };
        pointer.truncate(len);
        out.insert(key.clone(), value);
    }
    Ok(Value::Object(out))
}

/// The union of two `properties` objects; properties in both are widened.
fn widen_properties(
    a: &Value,
    b: &Value,
    pointer: &mut String,
    places: (&str, &str),
    changes: &mut Vec<String>,
) -> Result<Value, String> {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return Err(format!(
            "{}: `properties` is not an object in both",
            show_pointer(pointer)
        ));
    };
    let mut out = a.clone();
    for (name, schema) in b {
        let len = pointer::push(pointer, name);
        match a.get(name) {
            Some(existing) => {
                let wider = widen(existing, schema, pointer, places, changes)?;
                out.insert(name.clone(), wider);
            }
            None => {
                changes.push(format!(
                    "{}: added from {} (missing in {})",
                    show_pointer(pointer),
                    places.1,
                    places.0
                ));
                out.insert(name.clone(), schema.clone());
            }
        }
        pointer.truncate(len);
    }
    for name in a.keys().filter(|name| !b.contains_key(*name)) {
        let len = pointer::push(pointer, name);
        changes.push(format!(
            "{}: kept from {} (missing in {})",
            show_pointer(pointer),
            places.0,
            places.1
        ));
        pointer.truncate(len);
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use crate::merge::testing::{fragment, merged_with, schema_doc};
    use crate::merge::{MergeError, OnConflict, merge_with};

    #[test]
    fn widen_unions_properties_and_intersects_required() {
        let a = schema_doc(
            json!({"type": "object", "required": ["x", "y"], "properties": {"x": {"type": "string"}, "y": {"type": "string"}}}),
            "/a",
        );
        let b = schema_doc(
            json!({"type": "object", "required": ["x"], "properties": {"x": {"type": "string"}, "z": {"type": "integer"}}}),
            "/a",
        );
        let merged = merged_with(
            &[fragment("a.md", 1, a.clone()), fragment("b.md", 1, b)],
            OnConflict::Widen,
        );
        let schema = &merged.value["components"]["schemas"]["S"];
        assert_eq!(schema["required"], json!(["x"]));
        let names: Vec<&String> = schema["properties"]
            .as_object()
            .map_or(Vec::new(), |o| o.keys().collect());
        assert_eq!(names, ["x", "y", "z"]);
        assert_eq!(merged.widened.len(), 1);
        let changes = merged.widened[0].changes.join("\n");
        assert!(
            changes.contains("/required: \"y\" is optional"),
            "{changes}"
        );
        assert!(
            changes.contains("/properties/z: added from b.md:1 (missing in a.md:1)"),
            "{changes}"
        );

        let c = schema_doc(
            json!({"type": "object", "properties": {"x": {"type": "integer"}}}),
            "/a",
        );
        let Err(errors) = merge_with(
            &[fragment("a.md", 1, a), fragment("c.md", 1, c)],
            OnConflict::Widen,
        ) else {
            panic!("incompatible types must fail")
        };
        let shown = format!("{}", errors[0]);
        assert!(
            shown.contains(
                "cannot widen: /properties/x/type: \"string\" in a.md:1, \"integer\" in c.md:1"
            ),
            "{shown}"
        );
    }

    /// Issue 12: an incompatible schema under `widen` was reported once per other page, each
    /// report blaming the same incompatibility on a page that had none.
    #[test]
    fn an_incompatible_widen_is_reported_once_on_the_pages_that_disagree() {
        let object = |p: &str| json!({"type": "object", "properties": {p: {"type": "string"}}});
        let fragments = [
            fragment("a.md", 1, schema_doc(object("x"), "/a")),
            fragment("b.md", 1, schema_doc(json!({"type": "string"}), "/b")),
            fragment("c.md", 1, schema_doc(object("y"), "/c")),
            fragment("d.md", 1, schema_doc(object("z"), "/d")),
        ];
        let Err(errors) = merge_with(&fragments, OnConflict::Widen) else {
            panic!("a string and an object cannot be widened")
        };
        let [MergeError::Conflicts { conflicts }] = errors.as_slice() else {
            panic!("{errors:?}")
        };
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        let conflict = &conflicts[0];
        assert_eq!(
            (conflict.first.0.as_path(), conflict.second.0.as_path()),
            (Path::new("a.md"), Path::new("b.md"))
        );
        assert!(
            conflict
                .difference
                .ends_with("cannot widen: /type: \"object\" in a.md:1, \"string\" in b.md:1"),
            "{}",
            conflict.difference
        );
    }
}
