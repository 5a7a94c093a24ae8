//! Every distinct definition of one named thing, and the groups of them a path item or a
//! components section is.
//!
//! Invariant: equal definitions (as JSON values: key order does not count) are one [`Variant`];
//! of their writings the smallest compact JSON is kept, so the result does not depend on which
//! fragment came first. Variants stay in the order they were first seen.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use super::Conflict;
use super::conflict::difference;

pub(super) fn compact(value: &Value) -> String {
    value.to_string()
}

/// Whether two values are written alike: equal, with object keys in the same order.
fn same_writing(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b.iter())
                    .all(|((ka, va), (kb, vb))| ka == kb && same_writing(va, vb))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| same_writing(x, y))
        }
        _ => a == b,
    }
}

/// Orders compact serializations: shorter first, then by text.
pub(super) fn smaller(a: &str, b: &str) -> bool {
    (a.len(), a) < (b.len(), b)
}

/// One definition of a slot, and where it was first seen.
#[derive(Debug)]
pub(super) struct Variant {
    pub(super) value: Value,
    /// `value` as compact JSON, once it was needed.
    pub(super) compact: Option<String>,
    pub(super) at: (PathBuf, usize),
    /// The fragments (indexes in merge order) that give this definition.
    pub(super) sources: Vec<usize>,
}

/// Every distinct definition of one named thing, first one first.
#[derive(Debug)]
pub(super) struct Slot {
    pub(super) what: String,
    /// The slot as a JSON pointer (`/components/schemas/JobSchema`).
    pub(super) pointer: String,
    pub(super) variants: Vec<Variant>,
}

impl Slot {
    pub(super) fn new(what: String, pointer: String) -> Self {
        Slot {
            what,
            pointer,
            variants: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, value: &Value, at: &(PathBuf, usize), source: usize) {
        // Written the same way is the common case (one component copied onto many pages):
        // it is found by an ordered walk, without the key lookups of `==`. Variants are
        // pairwise unequal, so at most one is equal to `value`, whichever way it is found.
        let found = match self
            .variants
            .iter()
            .position(|v| same_writing(&v.value, value))
        {
            Some(i) => Some((i, true)),
            None => self
                .variants
                .iter()
                .position(|v| v.value == *value)
                .map(|i| (i, false)),
        };
        match found {
            Some((i, same)) => {
                let variant = &mut self.variants[i];
                variant.sources.push(source);
                // Equal, perhaps with keys in another order: keep the smallest writing, so the
                // choice does not depend on which fragment came first. Written the same way
                // there is nothing to choose, and nothing is serialized.
                if !same {
                    let text = compact(value);
                    let current = variant
                        .compact
                        .get_or_insert_with(|| compact(&variant.value));
                    if smaller(&text, current) {
                        variant.value = value.clone();
                        variant.compact = Some(text);
                    }
                }
            }
            None => self.variants.push(Variant {
                value: value.clone(),
                compact: None,
                at: at.clone(),
                sources: vec![source],
            }),
        }
    }

    /// The slot's (first) definition, moved out: the merged document is built once, at the
    /// end, and the slot is not read again.
    pub(super) fn take(&mut self) -> Value {
        self.variants
            .first_mut()
            .map(|v| std::mem::take(&mut v.value))
            .unwrap_or(Value::Null)
    }

    pub(super) fn conflicts(&self, out: &mut Vec<Conflict>) {
        let Some((first, rest)) = self.variants.split_first() else {
            return;
        };
        for other in rest {
            out.push(Conflict {
                what: self.what.clone(),
                pointer: self.pointer.clone(),
                first: first.at.clone(),
                second: other.at.clone(),
                difference: difference(&first.value, &other.value, &first.at, &other.at),
            });
        }
    }
}

/// An entry of the `paths` object (a path item: its keys, path-level keys and methods, by
/// name) or of the `components` object (a section such as `schemas`: its definitions by name),
/// or an `x-` extension of either.
#[derive(Debug)]
pub(super) enum Group {
    /// The entry's keys by name, each merged on its own.
    Entries(BTreeMap<String, Slot>),
    /// An `x-` extension, merged whole.
    Extension(Slot),
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::merge::testing::{fragment, merged, pretty};

    #[test]
    fn equal_definitions_in_another_key_order_keep_the_smallest_writing() {
        let a = json!({"openapi": "3.0.3", "components": {"schemas": {"S": {"type": "object", "title": "S"}}}});
        let b = json!({"openapi": "3.0.1", "components": {"schemas": {"S": {"title": "S", "type": "object"}}}});
        let one = merged(&[
            fragment("a.md", 1, a.clone()),
            fragment("b.md", 1, b.clone()),
        ]);
        let two = merged(&[fragment("b.md", 1, a), fragment("a.md", 1, b)]);
        assert_eq!(pretty(&one), pretty(&two));
        assert_eq!(one["openapi"], "3.0.3");
    }

    #[test]
    fn a_slot_keeps_one_variant_per_definition_in_first_seen_order() {
        let at = |file: &str| (PathBuf::from(file), 1);
        let mut slot = Slot::new(
            "components.schemas.S".to_owned(),
            "/components/schemas/S".to_owned(),
        );
        slot.add(&json!({"b": 1, "a": 2}), &at("x.md"), 0);
        slot.add(&json!({"c": 1}), &at("y.md"), 1);
        slot.add(&json!({"a": 2, "b": 1}), &at("z.md"), 2);
        assert_eq!(slot.variants.len(), 2);
        assert_eq!(slot.variants[0].sources, [0, 2]);
        assert_eq!(slot.variants[0].at, at("x.md"), "where it was first seen");
        // As long as the other writing, and smaller as text: that writing is kept.
        assert_eq!(slot.variants[0].value.to_string(), r#"{"a":2,"b":1}"#);
        let mut conflicts = Vec::new();
        slot.conflicts(&mut conflicts);
        assert_eq!(conflicts.len(), 1);
        assert_eq!(
            (&conflicts[0].first, &conflicts[0].second),
            (&at("x.md"), &at("y.md"))
        );
        assert_eq!(slot.take().to_string(), r#"{"a":2,"b":1}"#);
    }
}
