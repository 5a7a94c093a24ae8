//! Stage 2: merge the fragments into one OpenAPI document.
//!
//! The merge works on [`serde_json::Value`]s, not on `openapiv3` structs: those drop
//! `"default": null` and add defaults such as a parameter's `style`, and the merged document must
//! say exactly what the pages say.
//!
//! Paths merge by path and then by method, components by section and name, top-level tags by
//! name. Identical definitions collapse into one; different definitions under one name are a
//! [`Conflict`], and every conflict is reported, each with both locations and what differs.
//!
//! The result does not depend on the order of the fragments or on how they are split across
//! files: fragments are visited in (file, line) order, every map is written in a fixed order, and
//! of two equal definitions written with their keys in a different order the one whose compact
//! JSON is smallest is kept.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::source::{Fragment, METHODS};

/// Top-level keys written first, in this order, after `openapi`.
const LEADING_KEYS: [&str; 3] = ["info", "servers", "security"];

/// Why the fragments do not merge into one document.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MergeError {
    /// There was nothing to merge.
    #[error(
        "no OpenAPI fragments found in the inputs\n  help: put each operation's OpenAPI 3.0 \
         document in a ```json block under its `## METHOD /path` heading, or pass an OpenAPI \
         JSON or YAML file"
    )]
    NoFragments,
    /// A fragment is not an OpenAPI 3.0 document of the expected shape.
    #[error("{}:{line}: {message}\n  help: {help}", .file.display())]
    Fragment {
        /// The file the fragment came from.
        file: PathBuf,
        /// The fragment's line.
        line: usize,
        /// What is wrong.
        message: String,
        /// What to do about it.
        help: String,
    },
    /// Different definitions share a name; all of them are listed.
    #[error("{}", display_conflicts(.conflicts))]
    Conflicts {
        /// Every conflict, in the order of the merged document.
        conflicts: Vec<Conflict>,
    },
}

/// Two different definitions of the same thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// What is defined twice, e.g. `components.schemas.JobSchema`, `paths./a.get` or `info`.
    pub what: String,
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
             help: make the two definitions identical (a later --on-conflict policy will also \
             resolve this)",
            At(&self.second),
            self.what,
            At(&self.first),
            self.difference
        )
    }
}

fn display_conflicts(conflicts: &[Conflict]) -> String {
    conflicts
        .iter()
        .map(Conflict::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Displays a `(file, line)` location as `file:line`.
struct At<'a>(&'a (PathBuf, usize));

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.0.0.display(), self.0.1)
    }
}

/// Merges `fragments` into one OpenAPI 3.0 document.
pub fn merge(fragments: &[Fragment]) -> Result<Value, MergeError> {
    if fragments.is_empty() {
        return Err(MergeError::NoFragments);
    }
    let mut order: Vec<&Fragment> = fragments.iter().collect();
    order.sort_by(|a, b| {
        (&a.file, a.line)
            .cmp(&(&b.file, b.line))
            .then_with(|| compact(&a.value).cmp(&compact(&b.value)))
    });

    let mut merger = Merger::default();
    for fragment in order {
        merger.add(fragment)?;
    }
    merger.finish()
}

fn compact(value: &Value) -> String {
    value.to_string()
}

/// Orders compact serializations: shorter first, then by text.
fn smaller(a: &str, b: &str) -> bool {
    (a.len(), a) < (b.len(), b)
}

/// One definition of a slot, and where it was first seen.
#[derive(Debug)]
struct Variant {
    value: Value,
    compact: String,
    at: (PathBuf, usize),
}

/// Every distinct definition of one named thing, first one first.
#[derive(Debug)]
struct Slot {
    what: String,
    variants: Vec<Variant>,
}

impl Slot {
    fn new(what: String) -> Self {
        Slot {
            what,
            variants: Vec::new(),
        }
    }

    fn add(&mut self, value: &Value, at: &(PathBuf, usize)) {
        let text = compact(value);
        match self.variants.iter_mut().find(|v| v.value == *value) {
            Some(variant) => {
                // Equal, perhaps with keys in another order: keep the smallest writing, so the
                // choice does not depend on which fragment came first.
                if smaller(&text, &variant.compact) {
                    variant.value = value.clone();
                    variant.compact = text;
                }
            }
            None => self.variants.push(Variant {
                value: value.clone(),
                compact: text,
                at: at.clone(),
            }),
        }
    }

    fn value(&self) -> Value {
        self.variants
            .first()
            .map(|v| v.value.clone())
            .unwrap_or(Value::Null)
    }

    fn conflicts(&self, out: &mut Vec<Conflict>) {
        let Some((first, rest)) = self.variants.split_first() else {
            return;
        };
        for other in rest {
            out.push(Conflict {
                what: self.what.clone(),
                first: first.at.clone(),
                second: other.at.clone(),
                difference: difference(&first.value, &other.value, &first.at, &other.at),
            });
        }
    }
}

/// An entry of the `paths` object.
#[derive(Debug)]
enum PathEntry {
    /// A path item: its keys (path-level keys and methods) by name.
    Item(BTreeMap<String, Slot>),
    /// An `x-` extension of the paths object.
    Extension(Slot),
}

/// An entry of the `components` object.
#[derive(Debug)]
enum Section {
    /// A section such as `schemas`: definitions by name.
    Named(BTreeMap<String, Slot>),
    /// An `x-` extension of the components object.
    Extension(Slot),
}

#[derive(Debug, Default)]
struct Merger {
    /// The highest `openapi` version seen: its patch number and its text.
    version: Option<(u64, String)>,
    /// Top-level keys other than `openapi`, `paths`, `components` and `tags`.
    top: BTreeMap<String, Slot>,
    tags: BTreeMap<String, Slot>,
    paths: BTreeMap<String, PathEntry>,
    components: BTreeMap<String, Section>,
}

impl Merger {
    fn add(&mut self, fragment: &Fragment) -> Result<(), MergeError> {
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
                "give an OpenAPI 3.0 document (an object with `openapi`, `info` and `paths`)",
            ));
        };
        self.add_version(document.get("openapi"))
            .map_err(|message| invalid(message, "convert the document to OpenAPI 3.0.x"))?;

        for (key, value) in document {
            match key.as_str() {
                "openapi" => {}
                "paths" => {
                    let paths = value.as_object().ok_or_else(|| {
                        invalid(not_object("paths", value), "make `paths` an object")
                    })?;
                    self.add_paths(paths, &at)
                        .map_err(|m| invalid(m, "fix the path item"))?;
                }
                "components" => {
                    let components = value.as_object().ok_or_else(|| {
                        invalid(
                            not_object("components", value),
                            "make `components` an object",
                        )
                    })?;
                    self.add_components(components, &at)
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
                        .or_insert_with(|| Slot::new(key.clone()))
                        .add(value, &at);
                }
            }
        }
        Ok(())
    }

    fn add_version(&mut self, version: Option<&Value>) -> Result<(), String> {
        let Some(version) = version else {
            return Err("no `openapi` version: stitch reads OpenAPI 3.0.x documents".to_owned());
        };
        let unsupported = || {
            format!(
                "unsupported OpenAPI version {}; stitch reads 3.0.x",
                short(version)
            )
        };
        let text = version.as_str().ok_or_else(unsupported)?;
        let patch_text = text.strip_prefix("3.0.").ok_or_else(unsupported)?;
        let digits: String = patch_text
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let patch = digits.parse::<u64>().map_err(|_| unsupported())?;
        let candidate = (patch, text.to_owned());
        let replace = match &self.version {
            None => true,
            Some((best_patch, best_text)) => match patch.cmp(best_patch) {
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

    fn add_paths(
        &mut self,
        paths: &Map<String, Value>,
        at: &(PathBuf, usize),
    ) -> Result<(), String> {
        for (path, item) in paths {
            if path.starts_with("x-") {
                let entry = self
                    .paths
                    .entry(path.clone())
                    .or_insert_with(|| PathEntry::Extension(Slot::new(format!("paths.{path}"))));
                if let PathEntry::Extension(slot) = entry {
                    slot.add(item, at);
                }
                continue;
            }
            let item = item
                .as_object()
                .ok_or_else(|| not_object(&format!("paths.{path}"), item))?;
            let entry = self
                .paths
                .entry(path.clone())
                .or_insert_with(|| PathEntry::Item(BTreeMap::new()));
            if let PathEntry::Item(keys) = entry {
                for (key, value) in item {
                    keys.entry(key.clone())
                        .or_insert_with(|| Slot::new(format!("paths.{path}.{key}")))
                        .add(value, at);
                }
            }
        }
        Ok(())
    }

    fn add_components(
        &mut self,
        components: &Map<String, Value>,
        at: &(PathBuf, usize),
    ) -> Result<(), String> {
        for (section, entries) in components {
            if section.starts_with("x-") {
                let entry = self.components.entry(section.clone()).or_insert_with(|| {
                    Section::Extension(Slot::new(format!("components.{section}")))
                });
                if let Section::Extension(slot) = entry {
                    slot.add(entries, at);
                }
                continue;
            }
            let entries = entries
                .as_object()
                .ok_or_else(|| not_object(&format!("components.{section}"), entries))?;
            let entry = self
                .components
                .entry(section.clone())
                .or_insert_with(|| Section::Named(BTreeMap::new()));
            if let Section::Named(names) = entry {
                for (name, value) in entries {
                    names
                        .entry(name.clone())
                        .or_insert_with(|| Slot::new(format!("components.{section}.{name}")))
                        .add(value, at);
                }
            }
        }
        Ok(())
    }

    fn add_tags(&mut self, tags: &Value, at: &(PathBuf, usize)) -> Result<(), String> {
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
                .or_insert_with(|| Slot::new(format!("tags.{name}")))
                .add(tag, at);
        }
        Ok(())
    }

    fn finish(self) -> Result<Value, MergeError> {
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
                PathEntry::Item(keys) => {
                    for key in item_key_order(keys) {
                        if let Some(slot) = keys.get(key) {
                            slot.conflicts(&mut conflicts);
                        }
                    }
                }
                PathEntry::Extension(slot) => slot.conflicts(&mut conflicts),
            }
        }
        for section in self.components.values() {
            match section {
                Section::Named(names) => names.values().for_each(|s| s.conflicts(&mut conflicts)),
                Section::Extension(slot) => slot.conflicts(&mut conflicts),
            }
        }
        for (key, slot) in &self.top {
            if !LEADING_KEYS.contains(&key.as_str()) {
                slot.conflicts(&mut conflicts);
            }
        }
        if !conflicts.is_empty() {
            return Err(MergeError::Conflicts { conflicts });
        }

        let mut out = Map::new();
        if let Some((_, version)) = &self.version {
            out.insert("openapi".to_owned(), Value::String(version.clone()));
        }
        for key in LEADING_KEYS {
            if let Some(slot) = self.top.get(key) {
                out.insert(key.to_owned(), slot.value());
            }
        }
        if !self.tags.is_empty() {
            out.insert(
                "tags".to_owned(),
                self.tags.values().map(Slot::value).collect(),
            );
        }
        let mut paths = Map::new();
        for (path, entry) in &self.paths {
            let value = match entry {
                PathEntry::Item(keys) => {
                    let mut item = Map::new();
                    for key in item_key_order(keys) {
                        if let Some(slot) = keys.get(key) {
                            item.insert(key.to_owned(), slot.value());
                        }
                    }
                    Value::Object(item)
                }
                PathEntry::Extension(slot) => slot.value(),
            };
            paths.insert(path.clone(), value);
        }
        out.insert("paths".to_owned(), Value::Object(paths));
        if !self.components.is_empty() {
            let mut components = Map::new();
            for (name, section) in &self.components {
                let value = match section {
                    Section::Named(names) => Value::Object(
                        names
                            .iter()
                            .map(|(name, slot)| (name.clone(), slot.value()))
                            .collect(),
                    ),
                    Section::Extension(slot) => slot.value(),
                };
                components.insert(name.clone(), value);
            }
            out.insert("components".to_owned(), Value::Object(components));
        }
        for (key, slot) in &self.top {
            if !LEADING_KEYS.contains(&key.as_str()) {
                out.insert(key.clone(), slot.value());
            }
        }
        Ok(Value::Object(out))
    }
}

/// A path item's keys in output order: path-level keys sorted, then methods in OpenAPI order.
fn item_key_order(keys: &BTreeMap<String, Slot>) -> Vec<&str> {
    let mut order: Vec<&str> = keys
        .keys()
        .map(String::as_str)
        .filter(|key| !METHODS.contains(key))
        .collect();
    order.extend(
        METHODS
            .iter()
            .copied()
            .filter(|method| keys.contains_key(*method)),
    );
    order
}

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

/// A value as compact JSON, cut short when long.
fn short(value: &Value) -> String {
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
fn difference(a: &Value, b: &Value, at_a: &(PathBuf, usize), at_b: &(PathBuf, usize)) -> String {
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
                    let len = push_token(pointer, key);
                    match b.get(key) {
                        Some(value_b) => self.walk(value_a, value_b, pointer, found, more),
                        None => self.missing(pointer, true, found, more),
                    }
                    pointer.truncate(len);
                }
                for key in b.keys().filter(|key| !a.contains_key(*key)) {
                    let len = push_token(pointer, key);
                    self.missing(pointer, false, found, more);
                    pointer.truncate(len);
                }
            }
            (Value::Array(a), Value::Array(b)) => {
                for index in 0..a.len().max(b.len()) {
                    let len = push_token(pointer, &index.to_string());
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

/// Appends one JSON pointer token (escaped) and returns the length to truncate back to.
fn push_token(pointer: &mut String, token: &str) -> usize {
    let len = pointer.len();
    pointer.push('/');
    pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
    len
}

fn show_pointer(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(the whole value)"
    } else {
        pointer
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::*;
    use crate::source::{Input, fragments};

    const JOBS: &str = include_str!("../../specs/syntho/jobs.md");

    fn seed_fragments() -> Vec<Fragment> {
        let input = Input {
            path: PathBuf::from("specs/syntho/jobs.md"),
            text: JOBS.to_owned(),
        };
        match fragments(&[input]) {
            Ok(found) => found,
            Err(e) => panic!("{e}"),
        }
    }

    fn merged(fragments: &[Fragment]) -> Value {
        match merge(fragments) {
            Ok(value) => value,
            Err(e) => panic!("{e}"),
        }
    }

    fn pretty(value: &Value) -> String {
        serde_json::to_string_pretty(value).unwrap_or_else(|e| panic!("{e}"))
    }

    fn conflicts(result: Result<Value, MergeError>) -> Vec<Conflict> {
        match result {
            Err(MergeError::Conflicts { conflicts }) => conflicts,
            other => panic!("expected conflicts, got {other:?}"),
        }
    }

    fn fragment(file: &str, line: usize, value: Value) -> Fragment {
        Fragment {
            file: PathBuf::from(file),
            line,
            heading: None,
            value,
        }
    }

    #[test]
    fn seed_page_merges_into_one_document() {
        let found = seed_fragments();
        assert_eq!(found.len(), 6);
        let doc = merged(&found);

        let keys: Vec<&str> = doc
            .as_object()
            .map_or(Vec::new(), |o| o.keys().map(String::as_str).collect());
        assert_eq!(
            keys,
            [
                "openapi",
                "info",
                "servers",
                "security",
                "paths",
                "components"
            ]
        );
        assert_eq!(doc["openapi"], "3.0.3");

        let paths: Vec<&String> = doc["paths"]
            .as_object()
            .map_or(Vec::new(), |o| o.keys().collect());
        assert_eq!(
            paths,
            [
                "/api/v1/jobs/{engine_id}/latest/",
                "/api/v1/jobs/{engine_id}/list/",
                "/api/v1/jobs/{job_id}/",
                "/api/v1/jobs/{job_id}/cancel/",
                "/api/v1/jobs/{job_id}/delete/",
                "/api/v1/jobs/{job_id}/download_log/",
            ]
        );

        // JobSchema is written out in three fragments and collapses into one definition.
        let with_job_schema = found
            .iter()
            .filter(|f| f.value["components"]["schemas"].get("JobSchema").is_some());
        assert_eq!(with_job_schema.count(), 3);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["JobSchema"],
            found[0].value["components"]["schemas"]["JobSchema"]
        );
        let names: Vec<&String> = schemas
            .as_object()
            .map_or(Vec::new(), |o| o.keys().collect());
        assert_eq!(
            names,
            [
                "HTTPValidationError",
                "JobAttachmentType",
                "JobLogSchema",
                "JobMessageSchema",
                "JobSchema",
                "JobStatus",
                "JobType",
                "ListOfJobSchema",
                "ValidationError",
            ]
        );

        // `"default": null` survives (openapiv3 would drop it), and key order inside a schema
        // stays as written.
        let engine_id = &schemas["JobSchema"]["properties"]["engine_id"];
        assert_eq!(
            engine_id.as_object().map(|o| o.contains_key("default")),
            Some(true)
        );
        assert!(engine_id["default"].is_null());
        let property_order: Vec<&String> = schemas["JobSchema"]["properties"]
            .as_object()
            .map_or(Vec::new(), |o| o.keys().collect());
        assert_eq!(property_order.first().map(|k| k.as_str()), Some("id"));
        assert_eq!(property_order.get(1).map(|k| k.as_str()), Some("engine_id"));
        assert_eq!(doc.to_string().matches("\"default\":null").count(), 13);
    }

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

    #[test]
    fn other_versions_are_rejected_at_the_fragment() {
        let error = merge(&[fragment(
            "api.json",
            1,
            json!({"openapi": "3.1.0", "paths": {}}),
        )]);
        let Err(error) = error else {
            panic!("must fail")
        };
        assert_eq!(
            error.to_string(),
            "api.json:1: unsupported OpenAPI version \"3.1.0\"; stitch reads 3.0.x\n  help: convert the document to OpenAPI 3.0.x"
        );
        assert_eq!(merge(&[]), Err(MergeError::NoFragments));
    }

    #[test]
    fn yaml_file_merges_with_a_page() {
        let yaml = Input {
            path: PathBuf::from("specs/extra.yaml"),
            text: "openapi: 3.0.3\ninfo:\n  title: Syntho Backend API\n  version: 1.0.0 (v1)\n\
                   paths:\n  /api/v1/health/:\n    get:\n      operationId: health\n      responses:\n        200:\n          description: ok\n"
                .to_owned(),
        };
        let page = Input {
            path: PathBuf::from("specs/syntho/jobs.md"),
            text: JOBS.to_owned(),
        };
        let found = fragments(&[yaml, page]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.len(), 7);
        let doc = merged(&found);
        assert_eq!(doc["paths"].as_object().map(Map::len), Some(7));
        assert_eq!(
            doc["paths"]["/api/v1/health/"]["get"]["responses"]["200"]["description"],
            "ok"
        );
        assert!(Path::new("specs/extra.yaml").extension().is_some());

        let text = crate::yaml::to_string(&doc).unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(crate::yaml::from_str(&text).ok(), Some(doc));
    }
}
