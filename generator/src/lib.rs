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
//! Two entry points, both on sources already read ([`source::read_inputs`]) and both returning
//! the result with every problem and warning explained as a [`diagnostic::Diagnostic`] that
//! names file, line and column in the pages ([`Diagnosed`]):
//!
//! - [`generate`] runs stages 1–4 and returns the files of the crate in memory (write them
//!   with [`write::write_crate`], compare them with [`write::check_crate`]);
//! - [`merge_sources`] runs stages 1–2 and returns the merged document.
//!
//! [`Options`] (what the user chose) and the crate-name check live in their own module
//! (`options.rs`), which the stages import directly: nothing below `lib.rs` reaches up into it
//! for them.

pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod doc;
pub mod emit;
pub mod example;
pub mod merge;
pub mod method;
pub mod model;
mod options;
pub mod pointer;
pub mod source;
pub mod write;
mod yaml;

pub use emit::GeneratedCrate;
pub use merge::OnConflict;
pub use options::{MAX_CRATE_NAME, Options, check_crate_name};

use diagnostic::Diagnostic;

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

/// Finds and merges the fragments of already-read sources (stages 1–2), resolving component
/// conflicts as `on_conflict` says and reporting every problem of both stages (a bad fence does
/// not hide the conflicts of the others). `stitch merge` and the harnesses that compare the
/// merge with a whole document use it; [`generate`] goes on from here.
pub fn merge_sources(
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

/// Runs the whole pipeline (stages 1–4) on already-read sources and returns the crate's files
/// in memory with every diagnostic, resolving component conflicts as `on_conflict` says.
///
/// Read the inputs first with [`source::read_inputs`] (or `read_inputs_with`); the diagnostics
/// show lines of those sources. Tests that build pages in memory pass them here directly.
pub fn generate(
    sources: &[source::Input],
    options: &Options,
    on_conflict: OnConflict,
) -> Diagnosed<GeneratedCrate> {
    run(sources, options, on_conflict, |api, merged| {
        emit::emit_crate(api, &merged.value)
    })
}

/// [`generate`], but the client comes out as the source of one Rust module (no inner
/// attributes, no `crate::` paths), so a test crate can compile it with
/// `mod x { include!(..); }`. Only the test crates use this form: it is behind the
/// `test-support` feature, which they enable.
#[cfg(feature = "test-support")]
pub fn generate_module(
    sources: &[source::Input],
    options: &Options,
    on_conflict: OnConflict,
) -> Diagnosed<String> {
    run(sources, options, on_conflict, |api, _| {
        emit::emit_module(api)
    })
}

/// Stages 1–3, then `emit` (the crate or the module form), gathering every diagnostic.
fn run<T>(
    sources: &[source::Input],
    options: &Options,
    on_conflict: OnConflict,
    emit: impl FnOnce(&model::Api, &merge::Merged) -> Result<T, emit::EmitError>,
) -> Diagnosed<T> {
    let Diagnosed {
        result,
        diagnostics,
    } = merge_sources(sources, on_conflict);
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
    match emit(&api, &merged) {
        Ok(output) => Diagnosed {
            result: Ok(output),
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
