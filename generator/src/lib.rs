//! stitch turns API reference pages into a typed Rust client.
//!
//! The pipeline runs one way, one module per stage, each with its own error type:
//!
//! 1. [`source`]: read inputs (markdown pages, OpenAPI JSON/YAML files, folders) and find the
//!    OpenAPI fragments in them, remembering file and line;
//! 2. [`merge`]: merge the fragments, as JSON values, into one OpenAPI document;
//! 3. [`model`]: turn the merged document into Rust types and operations, deciding every name
//!    and shape once;
//! 4. [`emit`]: turn the model into formatted Rust source with `quote`, `syn` and `prettyplease`;
//! 5. [`write`](mod@write): write the crate atomically, or compare it with what is on disk.
//!
//! [`generate`] runs stages 1–4 and returns the files of the crate in memory.

pub mod doc;
pub mod emit;
pub mod merge;
pub mod model;
pub mod source;
pub mod write;
mod yaml;

use std::path::PathBuf;

pub use emit::GeneratedCrate;

/// Characters a crate name may hold (Cargo's rule for package names).
fn valid_crate_name(name: &str) -> bool {
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// What the user chose for one run of the generator.
#[derive(Debug, Clone)]
pub struct Options {
    /// The package name of the generated crate, e.g. `syntho-client`.
    pub crate_name: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            crate_name: "api-client".to_owned(),
        }
    }
}

/// Any error of the pipeline, naming the stage it came from.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading the inputs or finding fragments failed.
    #[error(transparent)]
    Source(#[from] source::SourceError),
    /// The fragments do not merge into one document.
    #[error(transparent)]
    Merge(#[from] merge::MergeError),
    /// The merged document cannot be turned into Rust.
    #[error(transparent)]
    Model(#[from] model::ModelError),
    /// Generating the Rust source failed (a bug in stitch).
    #[error(transparent)]
    Emit(#[from] emit::EmitError),
}

/// Reads `inputs` (files or folders) and merges every fragment into one OpenAPI document.
pub fn merge_inputs(inputs: &[PathBuf]) -> Result<serde_json::Value, Error> {
    let sources = source::read_inputs(inputs)?;
    merge_sources(&sources)
}

/// Merges already-read sources into one OpenAPI document.
pub fn merge_sources(sources: &[source::Input]) -> Result<serde_json::Value, Error> {
    let fragments = source::fragments(sources)?;
    Ok(merge::merge(&fragments)?)
}

/// Runs the whole pipeline on `inputs` and returns the generated crate in memory.
pub fn generate(inputs: &[PathBuf], options: &Options) -> Result<GeneratedCrate, Error> {
    let sources = source::read_inputs(inputs)?;
    generate_from_sources(&sources, options)
}

/// Runs the pipeline on already-read sources (used by tests that build pages in memory).
pub fn generate_from_sources(
    sources: &[source::Input],
    options: &Options,
) -> Result<GeneratedCrate, Error> {
    let merged = merge_sources(sources)?;
    let api = model::Api::from_merged(&merged, options)?;
    Ok(emit::emit_crate(&api, &merged)?)
}

/// Runs the pipeline on already-read sources and returns the client as the source of one Rust
/// module (no inner attributes, no `crate::` paths), so tests can compile it with
/// `mod x { include!(..); }` inside another crate.
pub fn generate_module_from_sources(
    sources: &[source::Input],
    options: &Options,
) -> Result<String, Error> {
    let merged = merge_sources(sources)?;
    let api = model::Api::from_merged(&merged, options)?;
    Ok(emit::emit_module(&api)?)
}
