//! The canonical order of the merged document and of its conflicts.
//!
//! Invariant: the output's order depends on nothing but its content: `openapi`, then
//! [`LEADING_KEYS`], `tags` by name, `paths` by path (in a path item, path-level keys sorted,
//! then methods in OpenAPI order), `components` by section and name, then the other top-level
//! keys sorted. Conflicts are listed in the same order.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::merger::Merger;
use super::slot::{Group, Slot};
use super::{Conflict, is_method, methods};

/// Top-level keys written first, in this order, after `openapi`.
pub(super) const LEADING_KEYS: [&str; 3] = ["info", "servers", "security"];

impl Merger {
    /// Every conflict, in the order of the merged document.
    pub(super) fn conflicts(&self) -> Vec<Conflict> {
        let mut conflicts = Vec::new();
        for key in LEADING_KEYS {
            if let Some(slot) = self.top.get(key) {
                slot.conflicts(&mut conflicts);
            }
        }
        for slot in self.tags.values() {
            slot.conflicts(&mut conflicts);
        }
        for entry in self.paths.values() {
            match entry {
                Group::Entries(keys) => {
                    for key in item_key_order(keys) {
                        if let Some(slot) = keys.get(key) {
                            slot.conflicts(&mut conflicts);
                        }
                    }
                }
                Group::Extension(slot) => slot.conflicts(&mut conflicts),
            }
        }
        for section in self.components.values() {
            match section {
                Group::Entries(names) => names.values().for_each(|s| s.conflicts(&mut conflicts)),
                Group::Extension(slot) => slot.conflicts(&mut conflicts),
            }
        }
        for (key, slot) in &self.top {
            if !LEADING_KEYS.contains(&key.as_str()) {
                slot.conflicts(&mut conflicts);
            }
        }
        conflicts
    }

    /// The merged document in canonical order. Each slot's definition is moved out: the
    /// document is built once, at the end, and the slots are not read again.
    pub(super) fn document(&mut self) -> Value {
        let mut out = Map::new();
        if let Some((_, version)) = &self.version {
            out.insert("openapi".to_owned(), Value::String(version.clone()));
        }
        for key in LEADING_KEYS {
            if let Some(slot) = self.top.get_mut(key) {
                out.insert(key.to_owned(), slot.take());
            }
        }
        if !self.tags.is_empty() {
            out.insert(
                "tags".to_owned(),
                self.tags.values_mut().map(Slot::take).collect(),
            );
        }
        let mut paths = Map::new();
        for (path, entry) in &mut self.paths {
            let value = match entry {
                Group::Entries(keys) => {
                    let mut item = Map::new();
                    let order: Vec<String> = item_key_order(keys)
                        .into_iter()
                        .map(str::to_owned)
                        .collect();
                    for key in order {
                        if let Some(slot) = keys.get_mut(&key) {
                            item.insert(key, slot.take());
                        }
                    }
                    Value::Object(item)
                }
                Group::Extension(slot) => slot.take(),
            };
            paths.insert(path.clone(), value);
        }
        out.insert("paths".to_owned(), Value::Object(paths));
        if !self.components.is_empty() {
            let mut components = Map::new();
            for (name, section) in &mut self.components {
                let value = match section {
                    Group::Entries(names) => Value::Object(
                        names
                            .iter_mut()
                            .map(|(name, slot)| (name.clone(), slot.take()))
                            .collect(),
                    ),
                    Group::Extension(slot) => slot.take(),
                };
                components.insert(name.clone(), value);
            }
            out.insert("components".to_owned(), Value::Object(components));
        }
        for (key, slot) in &mut self.top {
            if !LEADING_KEYS.contains(&key.as_str()) {
                out.insert(key.clone(), slot.take());
            }
        }
        Value::Object(out)
    }
}

/// A path item's keys in output order: path-level keys sorted, then methods in OpenAPI order.
fn item_key_order(keys: &BTreeMap<String, Slot>) -> Vec<&str> {
    let mut order: Vec<&str> = keys
        .keys()
        .map(String::as_str)
        .filter(|key| !is_method(key))
        .collect();
    for method in methods() {
        if keys.contains_key(method) {
            order.push(method);
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::merge::testing::{fragment, merged, pretty, seed_fragments};
    use crate::source::Fragment;
    use std::path::PathBuf;

    #[test]
    fn output_does_not_depend_on_fragment_order_or_files() {
        let found = seed_fragments();
        let forward = pretty(&merged(&found));

        let mut reversed = found.clone();
        reversed.reverse();
        assert_eq!(pretty(&merged(&reversed)), forward);

        // One file per operation, in an order unrelated to the page.
        let split: Vec<Fragment> = found
            .iter()
            .enumerate()
            .map(|(i, f)| Fragment {
                file: PathBuf::from(format!("{}.md", 9 - i)),
                line: 3,
                ..f.clone()
            })
            .collect();
        assert_eq!(pretty(&merged(&split)), forward);
    }

    #[test]
    fn path_items_and_tags_are_written_in_a_fixed_order() {
        let a = json!({"openapi": "3.0.0", "tags": [{"name": "b"}],
            "paths": {"/a": {"post": {}, "parameters": []}}, "x-z": 1, "externalDocs": {"url": "u"}});
        let b = json!({"openapi": "3.0.3", "tags": [{"name": "a"}, {"name": "b"}],
            "paths": {"/a": {"get": {}, "summary": "s"}}});
        let doc = merged(&[fragment("a.json", 1, a), fragment("b.json", 1, b)]);
        let keys: Vec<&String> = doc.as_object().map_or(Vec::new(), |o| o.keys().collect());
        assert_eq!(keys, ["openapi", "tags", "paths", "externalDocs", "x-z"]);
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(doc["tags"], json!([{"name": "a"}, {"name": "b"}]));
        let item: Vec<&String> = doc["paths"]["/a"]
            .as_object()
            .map_or(Vec::new(), |o| o.keys().collect());
        assert_eq!(item, ["parameters", "summary", "get", "post"]);
    }
}
