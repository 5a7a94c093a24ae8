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
//! [`generate`] runs stages 1–4 and returns the files of the crate in memory;
//! [`generate_diagnosed`] does the same and also explains every problem and warning as a
//! [`diagnostic::Diagnostic`] that names file, line and column in the pages.

pub mod diagnostic;
pub mod doc;
pub mod emit;
pub mod example;
pub mod merge;
pub mod method;
pub mod model;
pub mod pointer;
pub mod source;
pub mod write;
mod yaml;

use std::path::PathBuf;

pub use emit::GeneratedCrate;
pub use merge::OnConflict;

use diagnostic::Diagnostic;

// The old names of `pointer::escape`/`unescape`, until their callers say `pointer::`.
pub(crate) use pointer::{escape as pointer_token, unescape as pointer_key};

/// The longest crate name accepted: crates.io's limit. Cargo names files and folders after the
/// crate, so a much longer name (300 characters) fails in Cargo, long after stitch accepted it.
pub const MAX_CRATE_NAME: usize = 64;

/// Checks a crate name as crates.io does: 1 to [`MAX_CRATE_NAME`] ASCII letters, digits, `-`
/// and `_`, starting with a letter, and (with `-` read as `_`) not a Rust keyword, which other
/// crates could not name. `Err` says what is wrong, as the end of "`name` is not a valid crate
/// name: ...".
pub fn check_crate_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".to_owned());
    }
    let length = name.chars().count();
    if length > MAX_CRATE_NAME {
        return Err(format!(
            "it has {length} characters, more than {MAX_CRATE_NAME}"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(format!(
            "it holds {c:?}; only ASCII letters, digits, `-` and `_` are allowed"
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err("it must start with a letter".to_owned());
    }
    if model::is_keyword(&name.replace('-', "_")) {
        return Err("it is a Rust keyword, which other crates could not name".to_owned());
    }
    Ok(())
}

/// Whether [`check_crate_name`] accepts `name`.
fn valid_crate_name(name: &str) -> bool {
    check_crate_name(name).is_ok()
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
    /// More than one problem, in the order found (never fewer than two).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Several(Vec<Error>),
}

impl Error {
    /// One error for a list of problems: the problem itself when there is one.
    fn of_all(mut errors: Vec<Error>) -> Error {
        if errors.len() == 1 {
            errors.swap_remove(0)
        } else {
            Error::Several(errors)
        }
    }
}

/// The outcome of a run together with its diagnostics: on failure one error diagnostic per
/// problem, and in any case the warnings (duplicate operation ids, renamed or widened
/// components).
#[derive(Debug)]
pub struct Diagnosed<T> {
    /// What the run produced, or why it failed.
    pub result: Result<T, Error>,
    /// Every error and warning, errors first, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

/// Finds and merges the fragments of already-read sources, reporting every problem of both
/// stages (a bad fence does not hide the conflicts of the others).
pub fn merge_diagnosed(
    sources: &[source::Input],
    on_conflict: OnConflict,
) -> Diagnosed<merge::Merged> {
    let (fragments, source_errors) = source::find_fragments(sources);
    let mut errors: Vec<Error> = source_errors.into_iter().map(Error::Source).collect();
    let merged = if fragments.is_empty() && !errors.is_empty() {
        // Every fragment was bad: "no fragments" would only repeat that.
        None
    } else if fragments.is_empty() {
        // Name the files, so a page whose fences are not fragments is found.
        let files = sources.iter().map(|s| s.path.clone()).collect();
        errors.push(Error::Merge(merge::MergeError::NoFragments { files }));
        None
    } else {
        match merge::merge_with(&fragments, on_conflict) {
            Ok(merged) => Some(merged),
            Err(merge_errors) => {
                errors.extend(merge_errors.into_iter().map(Error::Merge));
                None
            }
        }
    };
    match merged {
        Some(merged) if errors.is_empty() => {
            let diagnostics = diagnostic::of_merged(&merged, &Default::default());
            Diagnosed {
                result: Ok(merged),
                diagnostics,
            }
        }
        _ => {
            let error = Error::of_all(errors);
            Diagnosed {
                diagnostics: diagnostic::of_error(&error, None),
                result: Err(error),
            }
        }
    }
}

/// Runs the whole pipeline on already-read sources, resolving component conflicts as
/// `on_conflict` says and explaining every problem and warning.
pub fn generate_diagnosed(
    sources: &[source::Input],
    options: &Options,
    on_conflict: OnConflict,
) -> Diagnosed<GeneratedCrate> {
    let merged = merge_diagnosed(sources, on_conflict);
    let Diagnosed {
        result,
        diagnostics,
    } = merged;
    let merged = match result {
        Ok(merged) => merged,
        Err(error) => {
            return Diagnosed {
                result: Err(error),
                diagnostics,
            };
        }
    };
    let api = match model::Api::from_merged(&merged.value, options) {
        Ok(api) => api,
        Err(e) => {
            let error = Error::Model(e);
            let mut all = diagnostic::of_error(&error, Some(&merged));
            all.extend(diagnostics);
            return Diagnosed {
                result: Err(error),
                diagnostics: all,
            };
        }
    };
    // The warnings again, now with the method names the model chose.
    let names: diagnostic::OperationNames = api
        .operations
        .iter()
        .map(|op| ((op.path.clone(), op.method.to_string()), op.name.clone()))
        .collect();
    let mut diagnostics = diagnostic::of_merged(&merged, &names);
    diagnostics.extend(diagnostic::of_model_warnings(&api.warnings, &merged));
    match emit::emit_crate(&api, &merged.value) {
        Ok(krate) => Diagnosed {
            result: Ok(krate),
            diagnostics,
        },
        Err(e) => {
            let error = Error::Emit(e);
            let mut all = diagnostic::of_error(&error, Some(&merged));
            all.extend(diagnostics);
            Diagnosed {
                result: Err(error),
                diagnostics: all,
            }
        }
    }
}

/// Reads `inputs` (files or folders) and merges every fragment into one OpenAPI document.
pub fn merge_inputs(inputs: &[PathBuf]) -> Result<serde_json::Value, Error> {
    let sources = source::read_inputs(inputs)?;
    merge_sources(&sources)
}

/// Merges already-read sources into one OpenAPI document (conflicts are errors).
pub fn merge_sources(sources: &[source::Input]) -> Result<serde_json::Value, Error> {
    merge_sources_with(sources, OnConflict::Error)
}

/// Merges already-read sources into one OpenAPI document, resolving conflicts as told.
pub fn merge_sources_with(
    sources: &[source::Input],
    on_conflict: OnConflict,
) -> Result<serde_json::Value, Error> {
    merge_diagnosed(sources, on_conflict)
        .result
        .map(|merged| merged.value)
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
    generate_diagnosed(sources, options, OnConflict::Error).result
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
