//! GitHub's REST API history: the releases of the npm package `@octokit/openapi` (one
//! description of `api.github.com` each), fetched with `npm pack` into the cache, and the fixed
//! subset of each that the evaluation compiles ([`subset`]).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::corpus::fetch;

/// The npm package.
pub const PACKAGE: &str = "@octokit/openapi";
/// The description inside each release's tarball.
const FILE: &str = "package/generated/api.github.com.json";

/// The operation tags the evaluation keeps: issues, pull requests, gists, users, reactions
/// and the small tags (licenses, markdown, meta, gitignore, codes of conduct, emojis, rate
/// limit). About a fifth of the API: every kind of change GitHub makes shows up in it, and its
/// client compiles in seconds rather than a minute (the whole one: 40 s of `cargo check` and
/// 3 GB, twice per pair).
pub const TAGS: &[&str] = &[
    "codes-of-conduct",
    "emojis",
    "gists",
    "gitignore",
    "issues",
    "licenses",
    "markdown",
    "meta",
    "pulls",
    "rate-limit",
    "reactions",
    "users",
];

/// Every published version of the package, oldest first (`npm view PACKAGE versions --json`,
/// in the registry's order, which is publication order).
pub fn versions() -> Result<Vec<String>, String> {
    npm_versions(PACKAGE)
}

/// Every published version of npm package `package`, in the registry's order.
pub fn npm_versions(package: &str) -> Result<Vec<String>, String> {
    let output = Command::new("npm")
        .args(["view", package, "versions", "--json"])
        .output()
        .map_err(|e| format!("cannot run npm (is Node.js installed?): {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "npm view {package} versions failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let versions: Vec<String> = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("npm view {package} versions gave no list of versions: {e}"))?;
    Ok(versions)
}

/// The description of release `version`, fetched and unpacked into `cache` first if needed.
pub fn description(cache: &Path, version: &str) -> Result<PathBuf, String> {
    let json = cache
        .join("specs")
        .join(format!("api.github.com-{version}.json"));
    if json.is_file() {
        return Ok(json);
    }
    let downloads = cache.join("npm");
    fs::create_dir_all(&downloads)
        .map_err(|e| format!("cannot create {}: {e}", downloads.display()))?;
    let tarball = downloads.join(format!("octokit-openapi-{version}.tgz"));
    if !tarball.is_file() {
        eprintln!("fetching {PACKAGE}@{version} with npm pack");
        fetch::npm_pack(&format!("{PACKAGE}@{version}"), &downloads, &tarball)?;
    }
    let unpacked = downloads.join("unpack.partial");
    fetch::untar(&tarball, &unpacked, &[FILE])?;
    if let Some(parent) = json.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    fs::rename(unpacked.join(FILE), &json)
        .map_err(|e| format!("cannot move {FILE} to {}: {e}", json.display()))?;
    fetch::remove_dir(&unpacked)?;
    Ok(json)
}

/// The part of a description that the operations tagged with one of `tags` use: those
/// operations (other methods of their paths dropped, paths left empty dropped), and of the
/// components only what they reach through `$ref`s, followed to the end; everything else at the
/// top level (`info`, `servers`, `security`) kept, webhooks dropped. Security schemes are named,
/// not referenced, so all of them are kept.
pub fn subset(document: &Value, tags: &[&str]) -> Value {
    let mut out = document.clone();
    let Some(object) = out.as_object_mut() else {
        return out;
    };
    object.remove("webhooks");
    object.remove("x-webhooks");
    let mut paths = serde_json::Map::new();
    if let Some(all) = document.get("paths").and_then(Value::as_object) {
        for (path, item) in all {
            let Some(item) = item.as_object() else {
                continue;
            };
            let mut kept = serde_json::Map::new();
            let mut any = false;
            for (key, value) in item {
                if stitch::method::HttpMethod::from_key(key).is_none() {
                    kept.insert(key.clone(), value.clone());
                    continue;
                }
                let tagged = value
                    .get("tags")
                    .and_then(Value::as_array)
                    .is_some_and(|t| {
                        t.iter()
                            .any(|t| t.as_str().is_some_and(|t| tags.contains(&t)))
                    });
                if tagged {
                    kept.insert(key.clone(), value.clone());
                    any = true;
                }
            }
            if any {
                paths.insert(path.clone(), Value::Object(kept));
            }
        }
    }
    let reached = reached_components(document, &Value::Object(paths.clone()));
    object.insert("paths".to_owned(), Value::Object(paths));
    if let Some(components) = object.get_mut("components").and_then(Value::as_object_mut) {
        for (section, entries) in components.iter_mut() {
            if section == "securitySchemes" {
                continue;
            }
            if let Some(entries) = entries.as_object_mut() {
                entries.retain(|name, _| reached.contains(&(section.clone(), name.clone())));
            }
        }
        components.retain(|_, entries| entries.as_object().is_none_or(|e| !e.is_empty()));
    }
    out
}

/// The components (section, name) that `$ref`s in `start` reach, directly or through other
/// components.
fn reached_components(document: &Value, start: &Value) -> BTreeSet<(String, String)> {
    let mut reached = BTreeSet::new();
    let mut pending: Vec<&Value> = vec![start];
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    if key == "$ref"
                        && let Some(target) = inner.as_str().and_then(component_of)
                    {
                        if reached.insert(target.clone())
                            && let Some(found) = document
                                .get("components")
                                .and_then(|c| c.get(&target.0))
                                .and_then(|s| s.get(&target.1))
                        {
                            pending.push(found);
                        }
                    } else {
                        pending.push(inner);
                    }
                }
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    reached
}

/// `#/components/SECTION/NAME[/...]` → (SECTION, NAME), the keys unescaped.
fn component_of(reference: &str) -> Option<(String, String)> {
    let keys = stitch::pointer::fragment_tokens(reference)?;
    match keys.as_slice() {
        [components, section, name, ..] if components == "components" => {
            Some((section.clone(), name.clone()))
        }
        _ => None,
    }
}

/// How many operations a description has.
pub fn operation_count(document: &Value) -> usize {
    let mut count = 0;
    if let Some(paths) = document.get("paths").and_then(Value::as_object) {
        for item in paths.values() {
            if let Some(item) = item.as_object() {
                count += item
                    .keys()
                    .filter(|k| stitch::method::HttpMethod::from_key(k).is_some())
                    .count();
            }
        }
    }
    count
}

/// How many component schemas a description has.
pub fn schema_count(document: &Value) -> usize {
    document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map_or(0, serde_json::Map::len)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_subset_keeps_tagged_operations_and_what_they_reach() {
        let document = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {
                    "parameters": [{"$ref": "#/components/parameters/p"}],
                    "get": {"tags": ["issues"], "responses": {"200": {"$ref": "#/components/responses/r"}}},
                    "post": {"tags": ["repos"], "responses": {"204": {"description": "x"}}}
                },
                "/b": {"get": {"tags": ["repos"], "responses": {"200": {"description": "x", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Unused"}}}}}}}
            },
            "components": {
                "parameters": {"p": {"name": "p", "in": "query", "schema": {"$ref": "#/components/schemas/P"}}},
                "responses": {"r": {"description": "x", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}},
                "schemas": {
                    "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B/properties/c"}}},
                    "B": {"type": "object", "properties": {"c": {"type": "string"}}},
                    "P": {"type": "string"},
                    "Unused": {"type": "string"}
                },
                "securitySchemes": {"s": {"type": "http", "scheme": "bearer"}}
            },
            "webhooks": {"w": {}}
        });
        let out = subset(&document, &["issues"]);
        assert_eq!(operation_count(&out), 1);
        assert!(out.pointer("/paths/~1a/get").is_some());
        assert!(out.pointer("/paths/~1a/post").is_none());
        assert!(out.pointer("/paths/~1b").is_none());
        assert!(out.pointer("/paths/~1a/parameters").is_some());
        let schemas: Vec<&String> = out["components"]["schemas"]
            .as_object()
            .map(|s| s.keys().collect())
            .unwrap_or_default();
        assert_eq!(schemas, ["A", "B", "P"]);
        assert_eq!(schema_count(&out), 3);
        assert!(out.pointer("/components/securitySchemes/s").is_some());
        assert!(out.get("webhooks").is_none());
    }
}
