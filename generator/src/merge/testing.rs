//! What the merge's tests share: the seed page and small fragments.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::{Conflict, MergeError, Merged, OnConflict, merge, merge_with};
use crate::source::{Fragment, Input, fragments};

pub(super) const JOBS: &str = include_str!("../../../specs/syntho/jobs.md");

/// The fragments of the Syntho Jobs page.
pub(super) fn seed_fragments() -> Vec<Fragment> {
    let input = Input {
        path: PathBuf::from("specs/syntho/jobs.md"),
        text: JOBS.to_owned(),
    };
    match fragments(&[input]) {
        Ok(found) => found,
        Err(e) => panic!("{e}"),
    }
}

pub(super) fn merged(fragments: &[Fragment]) -> Value {
    match merge(fragments) {
        Ok(value) => value,
        Err(e) => panic!("{e}"),
    }
}

pub(super) fn merged_with(fragments: &[Fragment], policy: OnConflict) -> Merged {
    merge_with(fragments, policy).unwrap_or_else(|e| panic!("{e:?}"))
}

pub(super) fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| panic!("{e}"))
}

pub(super) fn conflicts(result: Result<Value, MergeError>) -> Vec<Conflict> {
    match result {
        Err(MergeError::Conflicts { conflicts }) => conflicts,
        other => panic!("expected conflicts, got {other:?}"),
    }
}

pub(super) fn fragment(file: &str, line: usize, value: Value) -> Fragment {
    Fragment {
        file: PathBuf::from(file),
        line,
        heading: None,
        value,
    }
}

/// A document with component schema `S` and one operation at `path` that returns it.
pub(super) fn schema_doc(schema: Value, path: &str) -> Value {
    json!({"openapi": "3.0.3",
        "paths": {path: {"get": {"responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}}}}}},
        "components": {"schemas": {"S": schema}}})
}
