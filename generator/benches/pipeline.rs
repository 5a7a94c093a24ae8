//! The pipeline's stages, timed one by one with divan: `source` (find the fragments), `merge`,
//! `model`, `emit` and `write` (to a fresh temporary folder).
//!
//! ```text
//! cargo bench -p stitch --bench pipeline                 # every stage on every input
//! cargo bench -p stitch --bench pipeline -- emit         # one stage
//! ```
//!
//! Inputs: the Syntho pages (`specs/syntho/`) always; GitHub's REST API description, as the
//! whole JSON file (`github-json`) and as GitBook-style pages (`github-pages`), when
//! `cargo xtask bench` has fetched and split it into `.cache/bench/github/` (or wherever
//! `STITCH_BENCH_GITHUB` points: a folder holding `api.github.com.json` and `pages/`).
//! A missing or failing input is skipped with a line saying why.
//!
//! Each stage is timed on the output of the stages before it, computed once per input before
//! timing starts. A bench stops after 10 s (or divan's 100 samples), so GitHub's stages take
//! about two minutes in all; `cargo test --benches` runs each once, as a smoke test.

use std::path::PathBuf;
use std::sync::OnceLock;

use divan::{Bencher, black_box};
use stitch::source::{self, Fragment, Input};
use stitch::{GeneratedCrate, OnConflict, emit, merge, model, write};

fn main() {
    // Say up front which inputs are missing and why, before divan's table.
    for name in INPUTS {
        if let Err(why) = prepared(name) {
            println!("pipeline: {name} skipped: {why}");
        }
    }
    divan::main();
}

/// Every input, in the order of the tables.
const INPUTS: [&str; 3] = ["syntho", "github-json", "github-pages"];

/// The inputs that could be prepared.
fn inputs() -> Vec<&'static str> {
    INPUTS
        .into_iter()
        .filter(|name| prepared(name).is_ok())
        .collect()
}

/// An input with the result of every stage, so each stage can be timed on its own input.
struct Prepared {
    /// The crate name the model is given.
    crate_name: &'static str,
    /// The files read.
    sources: Vec<Input>,
    /// What `source` finds in them.
    fragments: Vec<Fragment>,
    /// What `merge` makes of those.
    merged: serde_json::Value,
    /// What `model` makes of that.
    api: model::Api,
    /// What `emit` makes of that.
    krate: GeneratedCrate,
}

/// The workspace root.
fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The folder holding GitHub's `api.github.com.json` and `pages/`.
fn github_dir() -> PathBuf {
    std::env::var_os("STITCH_BENCH_GITHUB")
        .map_or_else(|| root().join(".cache/bench/github"), PathBuf::from)
}

/// The input `name`, prepared on first use; `Err` says why it cannot be.
fn prepared(name: &str) -> Result<&'static Prepared, &'static str> {
    static SYNTHO: OnceLock<Result<Prepared, String>> = OnceLock::new();
    static GITHUB_JSON: OnceLock<Result<Prepared, String>> = OnceLock::new();
    static GITHUB_PAGES: OnceLock<Result<Prepared, String>> = OnceLock::new();
    let (cell, crate_name, path) = match name {
        "syntho" => (&SYNTHO, "syntho-client", root().join("specs/syntho")),
        "github-json" => (
            &GITHUB_JSON,
            "github-client",
            github_dir().join("api.github.com.json"),
        ),
        "github-pages" => (&GITHUB_PAGES, "github-client", github_dir().join("pages")),
        _ => return Err("no such input"),
    };
    match cell.get_or_init(|| prepare(crate_name, path)) {
        Ok(prepared) => Ok(prepared),
        Err(why) => Err(why.as_str()),
    }
}

/// Reads `path` and runs every stage once.
fn prepare(crate_name: &'static str, path: PathBuf) -> Result<Prepared, String> {
    if !path.exists() {
        return Err(format!(
            "{} is missing (run `cargo xtask bench --quick` once to fetch GitHub's spec, or set \
             STITCH_BENCH_GITHUB to a folder holding api.github.com.json and pages/)",
            path.display()
        ));
    }
    let sources = source::read_inputs(std::slice::from_ref(&path))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let (fragments, errors) = source::find_fragments(&sources);
    if let Some(error) = errors.first() {
        return Err(format!("bad fragments in {}: {error}", path.display()));
    }
    let merged = merge::merge_with(&fragments, OnConflict::Error)
        .map_err(|errors| {
            let first = errors.first().map(ToString::to_string).unwrap_or_default();
            format!("{} does not merge: {first}", path.display())
        })?
        .value;
    let api = model::Api::from_merged(&merged, &options(crate_name))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let krate = emit::emit_crate(&api, &merged).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Prepared {
        crate_name,
        sources,
        fragments,
        merged,
        api,
        krate,
    })
}

/// The generator's options for a crate name.
// `..Default::default()` keeps this compiling when stitch's options grow.
#[allow(clippy::needless_update)]
fn options(crate_name: &str) -> stitch::Options {
    stitch::Options {
        crate_name: crate_name.to_owned(),
        ..Default::default()
    }
}

/// The prepared input of a bench (divan only passes names that [`inputs`] returned).
fn input(name: &str) -> &'static Prepared {
    match prepared(name) {
        Ok(prepared) => prepared,
        Err(why) => unreachable!("divan ran the input {name}, which is not prepared: {why}"),
    }
}

/// Finding the fragments in the files read (markdown parsing, JSON parsing).
#[divan::bench(args = inputs(), max_time = 10)]
fn source(bencher: Bencher, name: &str) {
    let input = input(name);
    bencher.bench(|| source::find_fragments(black_box(&input.sources)));
}

/// Merging the fragments into one document.
#[divan::bench(args = inputs(), max_time = 10)]
fn merge(bencher: Bencher, name: &str) {
    let input = input(name);
    bencher.bench(|| merge::merge_with(black_box(&input.fragments), OnConflict::Error));
}

/// Reading the merged document into the model: names, types, operations.
#[divan::bench(args = inputs(), max_time = 10)]
fn model(bencher: Bencher, name: &str) {
    let input = input(name);
    let options = options(input.crate_name);
    bencher.bench(|| model::Api::from_merged(black_box(&input.merged), &options));
}

/// Printing, parsing and formatting the Rust source.
#[divan::bench(args = inputs(), max_time = 10)]
fn emit(bencher: Bencher, name: &str) {
    let input = input(name);
    bencher.bench(|| emit::emit_crate(black_box(&input.api), &input.merged));
}

/// Writing the crate into a fresh temporary folder (created and removed outside the timing).
#[divan::bench(args = inputs(), max_time = 10)]
fn write(bencher: Bencher, name: &str) {
    let input = input(name);
    bencher
        .with_inputs(|| tempfile::tempdir().ok())
        .bench_local_values(|dir| {
            let written = dir
                .as_ref()
                .map(|dir| write::write_crate(&input.krate, &dir.path().join("crate")));
            // The folder is returned so that removing it is not timed.
            (dir, written)
        });
}
