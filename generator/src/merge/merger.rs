//! The merge itself: each fragment read into slots, then finished into one document.
//!
//! Invariant: a fragment that is not a usable OpenAPI 3.0 or 3.1 document is an error naming
//! its file and line (never a panic), and the fragments after it are still read, so one run
//! reports every bad fragment. The merged document says the newest `openapi` version any
//! fragment says.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::conflict::short;
use super::slot::{Group, Slot, smaller};
use super::warnings::undeclared_path_parameters;
use super::{Conflict, MergeError, Merged, OnConflict, Origin, origin};
use crate::pointer;
use crate::source::Fragment;

/// The slots of the fragments read so far, by place in the document.
#[derive(Debug, Default)]
pub(super) struct Merger {
    /// The index (in merge order) of the fragment being added.
    pub(super) current: usize,
    /// The highest `openapi` version seen: its patch number and its text.
    pub(super) version: Option<((u64, u64), String)>,
    /// Top-level keys other than `openapi`, `paths`, `components` and `tags`.
    pub(super) top: BTreeMap<String, Slot>,
    /// Tags by name.
    pub(super) tags: BTreeMap<String, Slot>,
    /// Path items by path.
    pub(super) paths: BTreeMap<String, Group>,
    /// Components sections by name.
    pub(super) components: BTreeMap<String, Group>,
    /// Component schemas `--on-conflict widen` could not widen, by pointer: the one conflict to
    /// report for each (see [`Merger::widen`]).
    pub(super) unwidened: BTreeMap<String, Conflict>,
}

impl Merger {
    /// Reads one fragment (the one at index `current` in merge order) into the slots.
    pub(super) fn add(&mut self, fragment: &Fragment) -> Result<(), MergeError> {
        let at = (fragment.file.clone(), fragment.line);
        let invalid = |message: String, help: &str| MergeError::Fragment {
            file: fragment.file.clone(),
            line: fragment.line,
            message,
            help: help.to_owned(),
        };
        let Some(document) = fragment.value.as_object() else {
            return Err(invalid(
                format!(
                    "not an OpenAPI document: a {} instead of an object",
                    kind(&fragment.value)
                ),
                "give an OpenAPI 3.0 or 3.1 document (an object with `openapi`, `info` and `paths`)",
            ));
        };
        self.add_version(document.get("openapi"))
            .map_err(|message| {
                invalid(message, "convert the document to OpenAPI 3.0.x or 3.1.x")
            })?;

        for (key, value) in document {
            match key.as_str() {
                "openapi" => {}
                "paths" => {
                    let paths = value.as_object().ok_or_else(|| {
                        invalid(not_object("paths", value), "make `paths` an object")
                    })?;
                    Self::add_groups(&mut self.paths, "paths", paths, &at, self.current)
                        .map_err(|m| invalid(m, "fix the path item"))?;
                }
                "components" => {
                    let components = value.as_object().ok_or_else(|| {
                        invalid(
                            not_object("components", value),
                            "make `components` an object",
                        )
                    })?;
                    Self::add_groups(
                        &mut self.components,
                        "components",
                        components,
                        &at,
                        self.current,
                    )
                    .map_err(|m| invalid(m, "make each components section an object"))?;
                }
                "tags" => {
                    self.add_tags(value, &at).map_err(|m| {
                        invalid(
                            m,
                            "make `tags` a list of objects, each with a string `name`",
                        )
                    })?;
                }
                _ => {
                    self.top
                        .entry(key.clone())
                        .or_insert_with(|| Slot::new(key.clone(), pointer::join([key])))
                        .add(value, &at, self.current);
                }
            }
        }
        Ok(())
    }

    fn add_version(&mut self, version: Option<&Value>) -> Result<(), String> {
        let Some(version) = version else {
            return Err(
                "not an OpenAPI document: it has no `openapi` version (stitch reads OpenAPI \
                 3.0.x and 3.1.x documents)"
                    .to_owned(),
            );
        };
        let unsupported = || {
            format!(
                "unsupported OpenAPI version {}; stitch reads 3.0.x and 3.1.x",
                short(version)
            )
        };
        let text = version.as_str().ok_or_else(unsupported)?;
        let (minor, patch_text) = if let Some(rest) = text.strip_prefix("3.0.") {
            (0, rest)
        } else if let Some(rest) = text.strip_prefix("3.1.") {
            (1, rest)
        } else {
            return Err(unsupported());
        };
        let digits: String = patch_text
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let patch = digits.parse::<u64>().map_err(|_| unsupported())?;
        // The merged document says the newest version any fragment says: 3.1 reads 3.0's
        // schemas the same but for `nullable`, which the model reads in either.
        let candidate = ((minor, patch), text.to_owned());
        let replace = match &self.version {
            None => true,
            Some((best, best_text)) => match candidate.0.cmp(best) {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => smaller(text, best_text),
            },
        };
        if replace {
            self.version = Some(candidate);
        }
        Ok(())
    }

    /// Adds the entries of a fragment's `paths` or `components` (`top`) object.
    fn add_groups(
        groups: &mut BTreeMap<String, Group>,
        top: &str,
        entries: &Map<String, Value>,
        at: &(PathBuf, usize),
        current: usize,
    ) -> Result<(), String> {
        for (name, value) in entries {
            if name.starts_with("x-") {
                let group = groups.entry(name.clone()).or_insert_with(|| {
                    Group::Extension(Slot::new(
                        format!("{top}.{name}"),
                        pointer::join([top, name]),
                    ))
                });
                if let Group::Extension(slot) = group {
                    slot.add(value, at, current);
                }
                continue;
            }
            let value = value
                .as_object()
                .ok_or_else(|| not_object(&format!("{top}.{name}"), value))?;
            let group = groups
                .entry(name.clone())
                .or_insert_with(|| Group::Entries(BTreeMap::new()));
            if let Group::Entries(slots) = group {
                for (key, inner) in value {
                    slots
                        .entry(key.clone())
                        .or_insert_with(|| {
                            Slot::new(
                                format!("{top}.{name}.{key}"),
                                pointer::join([top, name, key]),
                            )
                        })
                        .add(inner, at, current);
                }
            }
        }
        Ok(())
    }

    fn add_tags(&mut self, tags: &Value, at: &(PathBuf, usize)) -> Result<(), String> {
        let current = self.current;
        let tags = tags
            .as_array()
            .ok_or_else(|| format!("`tags` is a {}, not a list", kind(tags)))?;
        for tag in tags {
            let name = tag
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("the tag {} has no string `name`", short(tag)))?;
            self.tags
                .entry(name.to_owned())
                .or_insert_with(|| Slot::new(format!("tags.{name}"), "/tags".to_owned()))
                .add(tag, at, current);
        }
        Ok(())
    }

    /// Where each slot was first defined.
    pub(super) fn origins(&self) -> BTreeMap<String, Origin> {
        let mut origins = BTreeMap::new();
        let mut note = |slot: &Slot| {
            if let Some(first) = slot.variants.first() {
                origins.insert(slot.pointer.clone(), origin(&first.at, &slot.pointer));
            }
        };
        self.top.values().for_each(&mut note);
        for entry in self.paths.values() {
            match entry {
                Group::Entries(keys) => keys.values().for_each(&mut note),
                Group::Extension(slot) => note(slot),
            }
        }
        for section in self.components.values() {
            match section {
                Group::Entries(names) => names.values().for_each(&mut note),
                Group::Extension(slot) => note(slot),
            }
        }
        origins
    }

    /// The merged document: `on_conflict` applied, then every conflict left reported, or the
    /// document written in canonical order with where its pieces came from and the warnings.
    pub(super) fn finish(mut self, on_conflict: OnConflict) -> Result<Merged, MergeError> {
        let widened = if on_conflict == OnConflict::Widen {
            self.widen()
        } else {
            Vec::new()
        };
        let mut conflicts = self.conflicts();
        if !conflicts.is_empty() {
            if on_conflict == OnConflict::Widen {
                conflicts = self.explain_unwidened(conflicts);
            }
            return Err(MergeError::Conflicts { conflicts });
        }
        let origins = self.origins();
        let duplicate_operation_ids = self.duplicate_operation_ids();
        let value = self.document();
        let undeclared_path_parameters = undeclared_path_parameters(&value, &origins);
        Ok(Merged {
            value,
            origins,
            duplicate_operation_ids,
            undeclared_path_parameters,
            renamed: Vec::new(),
            widened,
        })
    }
}

/// What kind of JSON value `value` is, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

fn not_object(what: &str, value: &Value) -> String {
    format!("`{what}` is a {}, not an object", kind(value))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::merge::merge;
    use crate::merge::testing::fragment;

    #[test]
    fn other_versions_are_rejected_at_the_fragment() {
        let error = merge(&[fragment(
            "api.json",
            1,
            json!({"openapi": "3.2.0", "paths": {}}),
        )]);
        let Err(error) = error else {
            panic!("must fail")
        };
        assert_eq!(
            error.to_string(),
            "api.json:1: unsupported OpenAPI version \"3.2.0\"; stitch reads 3.0.x and 3.1.x\n  help: convert the document to OpenAPI 3.0.x or 3.1.x"
        );
    }

    #[test]
    fn fragments_of_3_0_and_3_1_merge_under_the_newest_version() {
        let doc = merge(&[
            fragment("a.json", 1, json!({"openapi": "3.1.0", "paths": {}})),
            fragment("b.json", 1, json!({"openapi": "3.0.3", "paths": {}})),
            fragment("c.json", 1, json!({"openapi": "3.1.1", "paths": {}})),
        ])
        .expect("3.0 and 3.1 fragments merge");
        assert_eq!(doc["openapi"], "3.1.1");
    }
}
