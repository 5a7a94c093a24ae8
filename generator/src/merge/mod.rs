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
//!
//! # Map
//!
//! This file is the public API ([`merge`], [`merge_with`], [`Merged`], the error and warning
//! types) and the rename loop. The rest, one concern a file:
//!
//! - `merger.rs`: `Merger` reads each fragment into slots (checking its shape and version)
//!   and `finish`es them into a [`Merged`]. Invariant: a fragment that is not a usable
//!   document is an error naming its file and line, never a panic; the others are still read.
//! - `slot.rs`: `Slot`, every distinct definition of one named thing (first first), and
//!   `Group`, the slots of one path item or components section. Invariant: equal definitions
//!   are one variant, kept in their smallest writing, whatever order they came in.
//! - `order.rs`: the canonical order of the output and of its conflicts. Invariant: every map
//!   is written in a fixed order that does not depend on the input's order.
//! - `conflict.rs`: [`Conflict`] and how a difference is shown. Invariant: a conflict names
//!   both places and the first differing JSON pointers with both values.
//! - `rename.rs`: `--on-conflict rename`. Invariant: each fragment's `$ref`s point at its own
//!   definition; the first definition (in file and line order) keeps the name.
//! - `widen.rs`: `--on-conflict widen`. Invariant: only component schemas are widened, every
//!   change is recorded, and what cannot be widened is one conflict per schema.
//! - `warnings.rs`: what the merge warns about (duplicate operation ids, undeclared path
//!   parameters). Invariant: warnings never stop the merge.

mod conflict;
mod merger;
mod order;
mod rename;
mod slot;
#[cfg(test)]
mod testing;
mod warnings;
mod widen;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

pub use conflict::Conflict;

use crate::method::HttpMethod;
use crate::source::Fragment;
use conflict::display_conflicts;
use merger::Merger;
use slot::compact;

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
        if on_conflict == OnConflict::Rename
            && errors.is_empty()
            && round < rename::MAX_RENAME_ROUNDS
        {
            let plan = merger.rename_plan(&order);
            if !plan.is_empty() {
                rename::apply(plan, &mut order, &mut renamed);
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

/// The HTTP methods a path item holds, in OpenAPI order: the one place the merge names them.
fn methods() -> impl Iterator<Item = &'static str> {
    HttpMethod::ALL.into_iter().map(HttpMethod::as_str)
}

/// Whether a path item's key is an HTTP method.
fn is_method(key: &str) -> bool {
    HttpMethod::from_key(key).is_some()
}

/// The `file:line` of a location, for messages.
pub fn place(file: &std::path::Path, line: usize) -> String {
    format!("{}:{line}", file.display())
}

/// The origin of the piece at `pointer` in the fragment at `at`.
fn origin(at: &(PathBuf, usize), pointer: &str) -> Origin {
    Origin {
        file: at.0.clone(),
        line: at.1,
        pointer: pointer.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::{Map, json};

    use super::testing::{JOBS, fragment, merged, seed_fragments};
    use super::*;
    use crate::source::{Input, fragments};

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
    fn no_fragments_name_the_inputs_read() {
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
        assert_eq!(files_named(&[]), "the inputs");
        assert_eq!(files_named(&[PathBuf::from("a.md")]), "a.md");
        assert_eq!(
            files_named(&["a.md", "b.md"].map(PathBuf::from)),
            "a.md and b.md"
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
