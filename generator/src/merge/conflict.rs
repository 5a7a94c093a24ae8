//! Two different definitions of one thing, and how their difference is shown.
//!
//! Invariant: a conflict names both places (file and line) and at most [`MAX_DIFFERENCES`]
//! differing JSON pointers, each with both values or which side it is missing on; it never
//! says nothing, even for values that differ only where no pointer reaches.

use std::fmt;
use std::path::PathBuf;

use serde_json::Value;

use super::slot::compact;
use crate::pointer;

/// Two different definitions of the same thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// What is defined twice, e.g. `components.schemas.JobSchema`, `paths./a.get` or `info`.
    pub what: String,
    /// The same place as a JSON pointer into either fragment, e.g.
    /// `/components/schemas/JobSchema`.
    pub pointer: String,
    /// Where the first definition is (file and line of its fragment).
    pub first: (PathBuf, usize),
    /// Where the differing definition is.
    pub second: (PathBuf, usize),
    /// The first differing JSON pointers and both values, e.g.
    /// `/properties/workflow_id: present in jobs.md:12, missing in db.md:40`.
    pub difference: String,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: conflicting definitions of {}\n  first defined at {}\n  difference: {}\n  \
             help: make the two definitions identical{}",
            At(&self.second),
            self.what,
            At(&self.first),
            self.difference,
            if self.pointer.starts_with("/components/") {
                ", or choose --on-conflict rename (keep both) or widen (merge them)"
            } else {
                ""
            }
        )
    }
}

/// Every conflict, one after the other (the text of [`MergeError::Conflicts`](super::MergeError::Conflicts)).
pub(super) fn display_conflicts(conflicts: &[Conflict]) -> String {
    conflicts
        .iter()
        .map(Conflict::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Displays a `(file, line)` location as `file:line`.
pub(super) struct At<'a>(pub(super) &'a (PathBuf, usize));

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.0.0.display(), self.0.1)
    }
}

/// A value as compact JSON, cut short when long.
pub(super) fn short(value: &Value) -> String {
    const MAX: usize = 60;
    let text = compact(value);
    if text.chars().count() <= MAX {
        return text;
    }
    let cut: String = text.chars().take(MAX - 3).collect();
    cut + "..."
}

/// How many differing places a conflict names.
const MAX_DIFFERENCES: usize = 3;

/// Names the first places where `a` (at `at_a`) and `b` (at `at_b`) differ, as JSON pointers
/// with both values.
pub(super) fn difference(
    a: &Value,
    b: &Value,
    at_a: &(PathBuf, usize),
    at_b: &(PathBuf, usize),
) -> String {
    let mut found = Vec::new();
    let mut more = false;
    let mut pointer = String::new();
    let places = Places {
        a: At(at_a).to_string(),
        b: At(at_b).to_string(),
    };
    places.walk(a, b, &mut pointer, &mut found, &mut more);
    let mut text = found.join("; ");
    if more {
        text.push_str("; ...");
    }
    if text.is_empty() {
        // Unreachable for values that compare unequal, but never say nothing.
        text = format!("{} in {}, {} in {}", short(a), places.a, short(b), places.b);
    }
    text
}

/// The two locations being compared, as `file:line`.
struct Places {
    a: String,
    b: String,
}

impl Places {
    fn walk(
        &self,
        a: &Value,
        b: &Value,
        pointer: &mut String,
        found: &mut Vec<String>,
        more: &mut bool,
    ) {
        if a == b {
            return;
        }
        if found.len() >= MAX_DIFFERENCES {
            *more = true;
            return;
        }
        match (a, b) {
            (Value::Object(a), Value::Object(b)) => {
                for (key, value_a) in a {
                    let len = pointer::push(pointer, key);
                    match b.get(key) {
                        Some(value_b) => self.walk(value_a, value_b, pointer, found, more),
                        None => self.missing(pointer, true, found, more),
                    }
                    pointer.truncate(len);
                }
                for key in b.keys().filter(|key| !a.contains_key(*key)) {
                    let len = pointer::push(pointer, key);
                    self.missing(pointer, false, found, more);
                    pointer.truncate(len);
                }
            }
            (Value::Array(a), Value::Array(b)) => {
                for index in 0..a.len().max(b.len()) {
                    let len = pointer::push(pointer, &index.to_string());
                    match (a.get(index), b.get(index)) {
                        (Some(value_a), Some(value_b)) => {
                            self.walk(value_a, value_b, pointer, found, more);
                        }
                        (Some(_), None) => self.missing(pointer, true, found, more),
                        (None, _) => self.missing(pointer, false, found, more),
                    }
                    pointer.truncate(len);
                }
            }
            _ => found.push(format!(
                "{}: {} in {}, {} in {}",
                show_pointer(pointer),
                short(a),
                self.a,
                short(b),
                self.b
            )),
        }
    }

    /// Records a place present on one side only (`in_a`: present in `a`, missing in `b`).
    fn missing(&self, pointer: &str, in_a: bool, found: &mut Vec<String>, more: &mut bool) {
        if found.len() >= MAX_DIFFERENCES {
            *more = true;
            return;
        }
        let (present, missing) = if in_a {
            (&self.a, &self.b)
        } else {
            (&self.b, &self.a)
        };
        found.push(format!(
            "{}: present in {present}, missing in {missing}",
            show_pointer(pointer)
        ));
    }
}

pub(super) fn show_pointer(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(the whole value)"
    } else {
        pointer
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::merge::testing::{conflicts, fragment, merged, seed_fragments};
    use crate::merge::{MergeError, merge};

    #[test]
    fn conflicting_components_are_reported_with_both_locations() {
        let found = seed_fragments();
        let mut db = found[1].clone();
        db.file = PathBuf::from("specs/syntho/db.md");
        db.line = 40;
        if let Some(properties) =
            db.value["components"]["schemas"]["JobSchema"]["properties"].as_object_mut()
        {
            properties.remove("workflow_id");
        }
        db.value["info"]["version"] = json!("2");
        let mut all = found.clone();
        all.push(db);

        let reported = conflicts(merge(&all));
        let whats: Vec<&str> = reported.iter().map(|c| c.what.as_str()).collect();
        assert_eq!(whats, ["info", "components.schemas.JobSchema"]);
        // `db` also re-states the list operation, identically, so that is no conflict.
        let schema = &reported[1];
        assert_eq!(schema.first, (PathBuf::from("specs/syntho/db.md"), 40));
        assert_eq!(schema.second, (PathBuf::from("specs/syntho/jobs.md"), 8));
        assert_eq!(
            schema.difference,
            "/properties/workflow_id: present in specs/syntho/jobs.md:8, missing in specs/syntho/db.md:40"
        );
        let shown = MergeError::Conflicts {
            conflicts: reported.clone(),
        }
        .to_string();
        assert!(shown.contains(
            "specs/syntho/jobs.md:8: conflicting definitions of components.schemas.JobSchema\n  \
             first defined at specs/syntho/db.md:40\n  difference: /properties/workflow_id"
        ), "{shown}");
        assert!(
            shown.contains("\n  help: make the two definitions identical"),
            "{shown}"
        );
        assert!(
            reported[0]
                .difference
                .contains("/version: \"2\" in specs/syntho/db.md:40"),
            "{}",
            reported[0].difference
        );
    }

    #[test]
    fn same_operation_twice_collapses_and_different_conflicts() {
        let op = |description: &str| json!({"openapi": "3.0.3", "paths": {"/a": {"get": {"description": description, "responses": {}}}}});
        let doc = merged(&[fragment("a.md", 1, op("x")), fragment("b.md", 1, op("x"))]);
        assert_eq!(doc["paths"]["/a"]["get"]["description"], "x");
        let reported = conflicts(merge(&[
            fragment("a.md", 5, op("x")),
            fragment("b.md", 7, op("y")),
        ]));
        assert_eq!(reported.len(), 1);
        assert_eq!(reported[0].what, "paths./a.get");
        assert_eq!(
            reported[0].difference,
            "/description: \"x\" in a.md:5, \"y\" in b.md:7"
        );
    }

    #[test]
    fn a_difference_names_at_most_three_places_and_both_sides() {
        let a_at = (PathBuf::from("a.md"), 1);
        let b_at = (PathBuf::from("b.md"), 2);
        let a = json!({"a": 1, "b": [1, 2], "c": "x", "d": true});
        let b = json!({"a": 2, "b": [1], "c": "y"});
        assert_eq!(
            difference(&a, &b, &a_at, &b_at),
            "/a: 1 in a.md:1, 2 in b.md:2; /b/1: present in a.md:1, missing in b.md:2; \
             /c: \"x\" in a.md:1, \"y\" in b.md:2; ..."
        );
        assert_eq!(
            difference(
                &json!({"a~/b": [1]}),
                &json!({"a~/b": [], "z": 0}),
                &a_at,
                &b_at
            ),
            "/a~0~1b/0: present in a.md:1, missing in b.md:2; /z: present in b.md:2, missing in a.md:1"
        );
        assert_eq!(
            difference(&json!(1), &json!("1"), &a_at, &b_at),
            "(the whole value): 1 in a.md:1, \"1\" in b.md:2"
        );
        let long = json!("x".repeat(100));
        assert_eq!(short(&long).chars().count(), 60);
        assert!(short(&long).ends_with("..."));
    }
}
