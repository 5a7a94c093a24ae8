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

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::source::{Fragment, METHODS};

/// "the inputs", "a.md", "a.md and b.md", "a.md, b.md, c.md and 2 more files".
fn files_named(files: &[PathBuf]) -> String {
    const SHOWN: usize = 3;
    let names: Vec<String> = files
        .iter()
        .take(SHOWN)
        .map(|f| f.display().to_string())
        .collect();
    match (names.split_last(), files.len().saturating_sub(SHOWN)) {
        (None, _) => "the inputs".to_owned(),
        (Some((last, [])), 0) => last.clone(),
        (Some((last, rest)), 0) => format!("{} and {last}", rest.join(", ")),
        (Some(_), more) => format!(
            "{} and {more} more file{}",
            names.join(", "),
            if more == 1 { "" } else { "s" }
        ),
    }
}

/// Top-level keys written first, in this order, after `openapi`.
const LEADING_KEYS: [&str; 3] = ["info", "servers", "security"];

/// Why the fragments do not merge into one document.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MergeError {
    /// There was nothing to merge: none of `files` (the inputs read, when known) holds a
    /// fragment.
    #[error(
        "no OpenAPI fragments found in {}\n  help: put each operation's OpenAPI \
         document in a ```json block with an `openapi` key, under its `## METHOD /path` \
         heading, or pass an OpenAPI JSON or YAML file",
        files_named(files)
    )]
    NoFragments {
        /// The inputs that were read and hold no fragment (empty when not known).
        files: Vec<PathBuf>,
    },
    /// A fragment is not an OpenAPI 3.0 or 3.1 document of the expected shape.
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

/// Merges `fragments` into one OpenAPI 3.0 document; conflicts are errors.
pub fn merge(fragments: &[Fragment]) -> Result<Value, MergeError> {
    match merge_with(fragments, OnConflict::Error) {
        Ok(merged) => Ok(merged.value),
        Err(mut errors) => Err(if errors.len() == 1 {
            errors.swap_remove(0)
        } else {
            // Several problems: the first fragment error, else every conflict together.
            let position = errors
                .iter()
                .position(|e| matches!(e, MergeError::Fragment { .. }))
                .unwrap_or(0);
            errors.swap_remove(position)
        }),
    }
}

/// How different definitions of one component are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnConflict {
    /// Report the conflict, naming both places, and fail.
    #[default]
    Error,
    /// Keep every definition under its own name: the first (in file and line order) keeps the
    /// name, the others take their file's name as a suffix (`JobSchemaDatabaseReport`), and
    /// each fragment's `$ref`s point at its own definition.
    Rename,
    /// Merge object schemas into one: the union of their properties, a property required only
    /// where every definition requires it, enum values joined. Incompatible definitions stay an
    /// error.
    Widen,
}

impl OnConflict {
    /// The policy's name on the command line and in configuration files.
    pub fn name(self) -> &'static str {
        match self {
            OnConflict::Error => "error",
            OnConflict::Rename => "rename",
            OnConflict::Widen => "widen",
        }
    }

    /// Reads a policy name (`error`, `rename`, `widen`).
    pub fn from_name(name: &str) -> Option<OnConflict> {
        [OnConflict::Error, OnConflict::Rename, OnConflict::Widen]
            .into_iter()
            .find(|policy| policy.name() == name)
    }
}

/// Where a piece of the merged document was first defined: the fragment's file and line, and the
/// piece's JSON pointer inside that fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file of the fragment.
    pub file: PathBuf,
    /// The fragment's first line.
    pub line: usize,
    /// The JSON pointer inside the fragment (`/components/schemas/JobSchema`).
    pub pointer: String,
}

/// The merged document, where its pieces came from, and what the merge resolved on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The merged OpenAPI document.
    pub value: Value,
    /// For each top-level key, path item key (`/paths/~1a/get`) and component
    /// (`/components/schemas/X`) of the merged document, where it was first defined.
    pub origins: BTreeMap<String, Origin>,
    /// Operation ids used by more than one operation (a warning: the model suffixes them).
    pub duplicate_operation_ids: Vec<DuplicateOperationId>,
    /// `{name}`s in a path that the operation does not declare as a path parameter (a
    /// warning: the model sends them as required strings): path, method, name, and where the
    /// operation is defined.
    pub undeclared_path_parameters: Vec<(String, String, String, Origin)>,
    /// Components renamed by `--on-conflict rename`.
    pub renamed: Vec<Renamed>,
    /// Components merged by `--on-conflict widen`.
    pub widened: Vec<Widened>,
}

impl Merged {
    /// Where the piece of the merged document at JSON pointer `pointer` (with or without a
    /// leading `#`) was defined: the origin of its longest known prefix, with the rest of the
    /// pointer appended.
    pub fn origin_of(&self, pointer: &str) -> Option<Origin> {
        let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
        let mut prefix = pointer;
        loop {
            if let Some(origin) = self.origins.get(prefix) {
                let rest = pointer.get(prefix.len()..).unwrap_or_default();
                return Some(Origin {
                    pointer: format!("{}{rest}", origin.pointer),
                    ..origin.clone()
                });
            }
            prefix = &prefix[..prefix.rfind('/')?];
        }
    }
}

/// One `operationId` shared by several operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateOperationId {
    /// The shared id.
    pub id: String,
    /// Each operation using it: path, method, and where it is defined.
    pub operations: Vec<(String, String, Origin)>,
}

/// A component kept under a new name by `--on-conflict rename`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    /// The components section (`schemas`).
    pub section: String,
    /// The name both definitions had.
    pub from: String,
    /// The new name of this definition.
    pub to: String,
    /// Where the renamed definition is.
    pub at: Origin,
    /// Where the definition that kept the name is.
    pub kept: Origin,
}

/// A component merged from different definitions by `--on-conflict widen`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Widened {
    /// What, e.g. `components.schemas.JobSchema`.
    pub what: String,
    /// Where each definition is.
    pub places: Vec<Origin>,
    /// What was widened, one line each: ``/properties/workflow_id: added (missing in a.md:8)``.
    pub changes: Vec<String>,
}

/// How many rounds of renaming may cascade (a renamed schema changes the schemas that refer to
/// it) before the remaining differences are reported as conflicts.
const MAX_RENAME_ROUNDS: usize = 16;

/// Merges `fragments` into one OpenAPI 3.0 document, resolving component conflicts as
/// `on_conflict` says, and reports every problem found: each fragment that is not a usable
/// OpenAPI 3.0 document, and every conflict.
pub fn merge_with(
    fragments: &[Fragment],
    on_conflict: OnConflict,
) -> Result<Merged, Vec<MergeError>> {
    if fragments.is_empty() {
        return Err(vec![MergeError::NoFragments { files: Vec::new() }]);
    }
    // Fragments are borrowed; one is copied only when a rename rewrites it.
    let mut order: Vec<Cow<'_, Fragment>> = fragments.iter().map(Cow::Borrowed).collect();
    order.sort_by(|a, b| {
        (&a.file, a.line)
            .cmp(&(&b.file, b.line))
            .then_with(|| compact(&a.value).cmp(&compact(&b.value)))
    });

    let mut renamed = Vec::new();
    let mut round = 0;
    loop {
        let mut merger = Merger::default();
        let mut errors = Vec::new();
        for (index, fragment) in order.iter().enumerate() {
            merger.current = index;
            if let Err(e) = merger.add(fragment) {
                errors.push(e);
            }
        }
        if on_conflict == OnConflict::Rename && errors.is_empty() && round < MAX_RENAME_ROUNDS {
            let plan = merger.rename_plan(&order);
            if !plan.is_empty() {
                for step in plan {
                    if let Some(fragment) = order.get_mut(step.fragment) {
                        let value = &mut fragment.to_mut().value;
                        rename_in(value, &step.section, &step.from, &step.to);
                    }
                    renamed.push(step.renamed);
                }
                round += 1;
                continue;
            }
        }
        let finished = merger.finish(on_conflict);
        if !errors.is_empty() {
            if let Err(conflicts) = finished {
                errors.push(conflicts);
            }
            return Err(errors);
        }
        let mut merged = finished.map_err(|e| vec![e])?;
        renamed.sort_by(|a, b| (&a.section, &a.from, &a.to).cmp(&(&b.section, &b.from, &b.to)));
        renamed.dedup();
        merged.renamed = renamed;
        return Ok(merged);
    }
}

/// One fragment's component to rename.
struct RenameStep {
    fragment: usize,
    section: String,
    from: String,
    to: String,
    renamed: Renamed,
}

/// Renames component `from` to `to` in `section` of one fragment, and every `$ref` to it.
fn rename_in(fragment: &mut Value, section: &str, from: &str, to: &str) {
    if let Some(entries) = fragment
        .get_mut("components")
        .and_then(|c| c.get_mut(section))
        .and_then(Value::as_object_mut)
    {
        let old = std::mem::take(entries);
        *entries = old
            .into_iter()
            .map(|(name, value)| {
                if name == from {
                    (to.to_owned(), value)
                } else {
                    (name, value)
                }
            })
            .collect();
    }
    let old_ref = format!("#{}", pointer_of(&["components", section, from]));
    let new_ref = format!("#{}", pointer_of(&["components", section, to]));
    rewrite_refs(fragment, &old_ref, &new_ref);
}

fn rewrite_refs(value: &mut Value, old: &str, new: &str) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "$ref"
                    && let Value::String(reference) = child
                {
                    if reference == old {
                        *reference = new.to_owned();
                    } else if let Some(rest) = reference.strip_prefix(old)
                        && rest.starts_with('/')
                    {
                        *reference = format!("{new}{rest}");
                    }
                } else {
                    rewrite_refs(child, old, new);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, old, new)),
        _ => {}
    }
}

/// A JSON pointer from unescaped tokens.
fn pointer_of(tokens: &[&str]) -> String {
    let mut pointer = String::new();
    for token in tokens {
        push_token(&mut pointer, token);
    }
    pointer
}

/// The `file:line` of a location, for messages.
pub fn place(file: &std::path::Path, line: usize) -> String {
    format!("{}:{line}", file.display())
}

fn compact(value: &Value) -> String {
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
fn smaller(a: &str, b: &str) -> bool {
    (a.len(), a) < (b.len(), b)
}

/// One definition of a slot, and where it was first seen.
#[derive(Debug)]
struct Variant {
    value: Value,
    /// `value` as compact JSON, once it was needed.
    compact: Option<String>,
    at: (PathBuf, usize),
    /// The fragments (indexes in merge order) that give this definition.
    sources: Vec<usize>,
}

/// Every distinct definition of one named thing, first one first.
#[derive(Debug)]
struct Slot {
    what: String,
    /// The slot as a JSON pointer (`/components/schemas/JobSchema`).
    pointer: String,
    variants: Vec<Variant>,
}

impl Slot {
    fn new(what: String, pointer: String) -> Self {
        Slot {
            what,
            pointer,
            variants: Vec::new(),
        }
    }

    fn add(&mut self, value: &Value, at: &(PathBuf, usize), source: usize) {
        match self.variants.iter_mut().find(|v| v.value == *value) {
            Some(variant) => {
                variant.sources.push(source);
                // Equal, perhaps with keys in another order: keep the smallest writing, so the
                // choice does not depend on which fragment came first. Written the same way
                // (the common case: one component copied onto many pages), there is nothing
                // to choose, and nothing is serialized.
                if !same_writing(&variant.value, value) {
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
    fn take(&mut self) -> Value {
        self.variants
            .first_mut()
            .map(|v| std::mem::take(&mut v.value))
            .unwrap_or(Value::Null)
    }

    fn conflicts(&self, out: &mut Vec<Conflict>) {
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
enum Group {
    /// The entry's keys by name, each merged on its own.
    Entries(BTreeMap<String, Slot>),
    /// An `x-` extension, merged whole.
    Extension(Slot),
}

#[derive(Debug, Default)]
struct Merger {
    /// The index (in merge order) of the fragment being added.
    current: usize,
    /// The highest `openapi` version seen: its patch number and its text.
    version: Option<((u64, u64), String)>,
    /// Top-level keys other than `openapi`, `paths`, `components` and `tags`.
    top: BTreeMap<String, Slot>,
    tags: BTreeMap<String, Slot>,
    paths: BTreeMap<String, Group>,
    components: BTreeMap<String, Group>,
    /// Component schemas `--on-conflict widen` could not widen, by pointer: the one conflict to
    /// report for each (see [`Merger::widen`]).
    unwidened: BTreeMap<String, Conflict>,
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
                        .or_insert_with(|| Slot::new(key.clone(), pointer_of(&[key])))
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
                    Group::Extension(Slot::new(format!("{top}.{name}"), pointer_of(&[top, name])))
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
                            Slot::new(format!("{top}.{name}.{key}"), pointer_of(&[top, name, key]))
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

    /// The renames that `--on-conflict rename` makes for the component conflicts found so far.
    fn rename_plan(&self, order: &[Cow<'_, Fragment>]) -> Vec<RenameStep> {
        let mut plan = Vec::new();
        for (section, entry) in &self.components {
            let Group::Entries(names) = entry else {
                continue;
            };
            let mut taken: std::collections::BTreeSet<String> = names.keys().cloned().collect();
            for (name, slot) in names {
                let Some((first, rest)) = slot.variants.split_first() else {
                    continue;
                };
                let kept = origin(&first.at, &slot.pointer);
                for variant in rest {
                    let suffix = variant
                        .sources
                        .first()
                        .and_then(|&i| order.get(i))
                        .and_then(|f| f.file.file_stem())
                        .map(|stem| {
                            use heck::ToUpperCamelCase;
                            stem.to_string_lossy().to_upper_camel_case()
                        })
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| "Other".to_owned());
                    let base = format!("{name}{suffix}");
                    let mut to = base.clone();
                    let mut n = 2;
                    while taken.contains(&to) {
                        to = format!("{base}{n}");
                        n += 1;
                    }
                    taken.insert(to.clone());
                    let renamed = Renamed {
                        section: section.clone(),
                        from: name.clone(),
                        to: to.clone(),
                        // The page still says the old name.
                        at: origin(&variant.at, &pointer_of(&["components", section, name])),
                        kept: kept.clone(),
                    };
                    for &fragment in &variant.sources {
                        plan.push(RenameStep {
                            fragment,
                            section: section.clone(),
                            from: name.clone(),
                            to: to.clone(),
                            renamed: renamed.clone(),
                        });
                    }
                }
            }
        }
        plan
    }

    /// Where each slot was first defined.
    fn origins(&self) -> BTreeMap<String, Origin> {
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

    /// Operation ids used more than once, in path and method order.
    fn duplicate_operation_ids(&self) -> Vec<DuplicateOperationId> {
        let mut by_id: BTreeMap<String, Vec<(String, String, Origin)>> = BTreeMap::new();
        for (path, entry) in &self.paths {
            let Group::Entries(keys) = entry else {
                continue;
            };
            for method in METHODS {
                let Some(slot) = keys.get(method) else {
                    continue;
                };
                let Some(first) = slot.variants.first() else {
                    continue;
                };
                if let Some(id) = first.value.get("operationId").and_then(Value::as_str) {
                    by_id.entry(id.to_owned()).or_default().push((
                        path.clone(),
                        method.to_owned(),
                        origin(&first.at, &format!("{}/operationId", slot.pointer)),
                    ));
                }
            }
        }
        by_id
            .into_iter()
            .filter(|(_, operations)| operations.len() > 1)
            .map(|(id, operations)| DuplicateOperationId { id, operations })
            .collect()
    }

    /// Widens every conflicting schema into one definition, or leaves it conflicting and
    /// records in `unwidened` the one conflict to report: the first definition against the one
    /// that could not be widened into those before it (not one conflict per other page, each
    /// blamed for the same incompatibility).
    fn widen(&mut self) -> Vec<Widened> {
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

    fn finish(mut self, on_conflict: OnConflict) -> Result<Merged, MergeError> {
        let widened = if on_conflict == OnConflict::Widen {
            self.widen()
        } else {
            Vec::new()
        };
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
        if !conflicts.is_empty() {
            if on_conflict == OnConflict::Widen {
                conflicts = self.explain_unwidened(conflicts);
            }
            return Err(MergeError::Conflicts { conflicts });
        }
        let origins = self.origins();
        let duplicate_operation_ids = self.duplicate_operation_ids();

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
        let value = Value::Object(out);
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

    /// The conflicts left under `--on-conflict widen`: a schema that could not be widened is
    /// reported once, as [`Merger::widen`] recorded it; anything else says that only component
    /// schemas are widened.
    fn explain_unwidened(&self, conflicts: Vec<Conflict>) -> Vec<Conflict> {
        let mut reported = std::collections::BTreeSet::new();
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

/// Every `{name}` in a path that its operation does not declare with `in: path` (at path or
/// operation level; `$ref` parameters are looked up in `components.parameters`).
fn undeclared_path_parameters(
    document: &Value,
    origins: &BTreeMap<String, Origin>,
) -> Vec<(String, String, String, Origin)> {
    let mut out = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return out;
    };
    let declared_in = |list: Option<&Value>| -> Vec<String> {
        let mut names = Vec::new();
        for param in list.and_then(Value::as_array).into_iter().flatten() {
            let param = match param.get("$ref").and_then(Value::as_str) {
                Some(reference) => reference
                    .strip_prefix('#')
                    .and_then(|pointer| document.pointer(pointer))
                    .unwrap_or(param),
                None => param,
            };
            if param.get("in").and_then(Value::as_str) == Some("path")
                && let Some(name) = param.get("name").and_then(Value::as_str)
            {
                names.push(name.to_owned());
            }
        }
        names
    };
    for (path, item) in paths {
        let template: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        if template.is_empty() {
            continue;
        }
        let shared = declared_in(item.get("parameters"));
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let own = declared_in(operation.get("parameters"));
            for name in &template {
                if shared.iter().chain(&own).any(|declared| declared == name) {
                    continue;
                }
                let pointer = pointer_of(&["paths", path, method]);
                if let Some(origin) = origins.get(&pointer) {
                    out.push((
                        path.clone(),
                        method.to_owned(),
                        (*name).to_owned(),
                        origin.clone(),
                    ));
                }
            }
        }
    }
    out
}

fn origin(at: &(PathBuf, usize), pointer: &str) -> Origin {
    Origin {
        file: at.0.clone(),
        line: at.1,
        pointer: pointer.to_owned(),
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
        let len = push_token(pointer, key);
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
        let len = push_token(pointer, name);
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
        let len = push_token(pointer, name);
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
    pointer.push_str(&crate::pointer_token(token));
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
            json!({"openapi": "3.2.0", "paths": {}}),
        )]);
        let Err(error) = error else {
            panic!("must fail")
        };
        assert_eq!(
            error.to_string(),
            "api.json:1: unsupported OpenAPI version \"3.2.0\"; stitch reads 3.0.x and 3.1.x\n  help: convert the document to OpenAPI 3.0.x or 3.1.x"
        );
        assert_eq!(
            merge(&[]),
            Err(MergeError::NoFragments { files: Vec::new() })
        );
        let error = MergeError::NoFragments {
            files: ["a.md", "b.md", "c.md", "d.md"].map(PathBuf::from).to_vec(),
        };
        assert!(
            error
                .to_string()
                .starts_with("no OpenAPI fragments found in a.md, b.md, c.md and 1 more file\n"),
            "{error}"
        );
    }

    fn schema_doc(schema: Value, reference: &str) -> Value {
        json!({"openapi": "3.0.3",
            "paths": {reference: {"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}}}}}},
            "components": {"schemas": {"S": schema}}})
    }

    fn merged_with(fragments: &[Fragment], policy: OnConflict) -> Merged {
        merge_with(fragments, policy).unwrap_or_else(|e| panic!("{e:?}"))
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

    #[test]
    fn rename_keeps_both_and_rewires_each_fragment() {
        let a = schema_doc(
            json!({"type": "object", "properties": {"x": {"type": "string"}}}),
            "/a",
        );
        let b = schema_doc(
            json!({"type": "object", "properties": {"y": {"type": "string"}}}),
            "/b",
        );
        let all = [
            fragment("pages/b_page.md", 3, b),
            fragment("pages/a.md", 9, a),
        ];
        let merged = merged_with(&all, OnConflict::Rename);
        let schemas = &merged.value["components"]["schemas"];
        assert!(
            schemas["S"]["properties"].get("x").is_some(),
            "a.md is first: keeps S"
        );
        assert!(
            schemas["SBPage"]["properties"].get("y").is_some(),
            "{schemas}"
        );
        let reference = |path: &str| {
            merged.value["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
                ["schema"]["$ref"]
                .clone()
        };
        assert_eq!(reference("/a"), "#/components/schemas/S");
        assert_eq!(reference("/b"), "#/components/schemas/SBPage");
        assert_eq!(merged.renamed.len(), 1);
        assert_eq!(
            (
                merged.renamed[0].from.as_str(),
                merged.renamed[0].to.as_str()
            ),
            ("S", "SBPage")
        );
        // The same in any order.
        let reversed = [all[1].clone(), all[0].clone()];
        assert_eq!(
            merged_with(&reversed, OnConflict::Rename).value,
            merged.value
        );
    }

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

    #[test]
    fn duplicate_operation_ids_and_origins_are_reported() {
        let op = |path: &str| json!({"openapi": "3.0.3", "paths": {path: {"get": {"operationId": "same", "responses": {}}}}});
        let merged = merged_with(
            &[fragment("a.md", 4, op("/a")), fragment("b.md", 6, op("/b"))],
            OnConflict::Error,
        );
        assert_eq!(merged.duplicate_operation_ids.len(), 1);
        let places: Vec<(String, usize)> = merged.duplicate_operation_ids[0]
            .operations
            .iter()
            .map(|(_, _, o)| (o.file.display().to_string(), o.line))
            .collect();
        assert_eq!(places, [("a.md".to_owned(), 4), ("b.md".to_owned(), 6)]);
        let origin = merged.origin_of("#/paths/~1b/get/responses");
        assert_eq!(
            origin.map(|o| (o.line, o.pointer)),
            Some((6, "/paths/~1b/get/responses".to_owned()))
        );
    }

    #[test]
    fn every_bad_fragment_is_reported() {
        let Err(errors) = merge_with(
            &[
                fragment("a.json", 1, json!([1])),
                fragment("b.json", 1, json!({"openapi": "2.0"})),
                fragment("c.json", 1, json!({"openapi": "3.0.3", "paths": {}})),
            ],
            OnConflict::Error,
        ) else {
            panic!("must fail")
        };
        assert_eq!(errors.len(), 2, "{errors:?}");
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
