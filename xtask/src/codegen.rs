//! `cargo xtask codegen [--check]`: the checked-in client `generated-client/` (package
//! `syntho-client`) is what stitch makes of the pages in `specs/syntho/`, with the conflict
//! policy of `specs/syntho.toml` beside them.
//!
//! One path for both modes, in the style of rust-analyzer's `ensure_file_contents`: generate in
//! memory, then [`ensure_crate`] either writes what differs or, with `--check`, changes nothing
//! and reports every stale file (exit 1). Before the file list, `--check` says what the drift
//! means for the API ([`semantic_summary`]: `stitch::diff` of the crate's checked-in
//! `openapi.json` against the pages, with its verdict and the crate's next version).

use std::path::Path;

use stitch::source::Input;
use stitch::write::{self, WriteOutcome};
use stitch::{GeneratedCrate, OnConflict};

use crate::flags::Codegen;
use crate::{Done, config, plural, say};

/// The input pages, relative to the workspace root.
const SPECS: &str = "specs/syntho";
/// The generated crate's folder, relative to the workspace root.
const CLIENT: &str = "generated-client";
/// The generated crate's package name.
const CRATE_NAME: &str = "syntho-client";
/// The command that fixes drift.
const FIX: &str = "cargo xtask codegen";

/// Whether [`ensure_crate`] may change the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Write every file that differs (`cargo xtask codegen`).
    Write,
    /// Change nothing; report drift (`cargo xtask codegen --check`).
    Check,
}

/// Regenerates the client, or with `--check` compares it with the disk.
pub(crate) fn run(root: &Path, flags: &Codegen) -> Result<Done, String> {
    let (krate, sources, on_conflict) = generate(root)?;
    let mode = if flags.check {
        Mode::Check
    } else {
        Mode::Write
    };
    let summary = || semantic_summary(&root.join(CLIENT), Path::new(CLIENT), &sources, on_conflict);
    // Paths in messages are relative to the workspace root, where the user runs cargo.
    ensure_crate(&krate, &root.join(CLIENT), Path::new(CLIENT), mode, summary)
}

/// The client as the pages generate it, in memory, with the pages it was made from and the
/// conflict policy; every diagnostic is printed on the way.
fn generate(root: &Path) -> Result<(GeneratedCrate, Vec<Input>, OnConflict), String> {
    // The conflict policy and pagination rules sit beside the specs folder: `specs/syntho.toml`.
    let config = config::read(&root.join(format!("{SPECS}.toml")))?;
    let options = stitch::Options {
        crate_name: CRATE_NAME.to_owned(),
        pagination: config.pagination.clone(),
    };
    let sources = stitch::source::read_inputs(&[root.join(SPECS)]).map_err(|e| e.to_string())?;
    let run = stitch::generate(&sources, &options, config.on_conflict);
    for shown in stitch::diagnostic::render_all(&run.diagnostics, &sources) {
        say(&shown);
    }
    let krate = run.result.map_err(|e| match e {
        stitch::Error::Several(all) => format!("{} problems in {SPECS}", all.len()),
        _ => format!("the pages in {SPECS} do not generate a client"),
    })?;
    Ok((krate, sources, config.on_conflict))
}

/// What the drift means for the API: `stitch diff` of the API the checked-in crate was made
/// from (its `openapi.json`, at the crate's `Cargo.toml` version) against the pages — every
/// change with its verdict, layer and place, the overall verdict and the next version under
/// Cargo's semver rules. When the API is the same (the drift is in what stitch writes) it says
/// so; when the old document cannot be read it says why (the file list follows either way).
fn semantic_summary(out: &Path, shown: &Path, pages: &[Input], on_conflict: OnConflict) -> String {
    let document = shown.join("openapi.json");
    let old = match std::fs::read_to_string(out.join("openapi.json")) {
        Ok(text) => text,
        Err(e) => return format!("no API summary: cannot read {}: {e}", document.display()),
    };
    let old: serde_json::Value = match serde_json::from_str(&old) {
        Ok(value) => value,
        Err(e) => return format!("no API summary: {} is not JSON: {e}", document.display()),
    };
    let version = std::fs::read_to_string(out.join("Cargo.toml"))
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|table| {
            let package = table.get("package")?.as_table()?;
            stitch::diff::parse_version(package.get("version")?.as_str()?).ok()
        });
    let options = stitch::diff::DiffOptions {
        on_conflict,
        version,
    };
    let run = stitch::diff::diff_document(&document, &old, pages, &options);
    match run.result {
        Ok(report) if report.changes.is_empty() => format!(
            "the API is unchanged since {} (the drift is in what stitch writes)",
            document.display()
        ),
        Ok(report) => format!(
            "what changed in the API since {}:\n{}",
            document.display(),
            stitch::diff::human(&report).trim_end()
        ),
        Err(e) => format!("no API summary: {e}"),
    }
}

/// Makes the crate folder `out` hold `krate` (rust-analyzer's `ensure_file_contents`, for a
/// whole crate): in [`Mode::Write`] the files that differ are written (atomically, see
/// `stitch::write`), in [`Mode::Check`] nothing changes and drift is reported file by file,
/// naming `out` as `shown`. `Done::Drift` only in check mode.
fn ensure_crate(
    krate: &GeneratedCrate,
    out: &Path,
    shown: &Path,
    mode: Mode,
    summary: impl FnOnce() -> String,
) -> Result<Done, String> {
    let up_to_date = format!("{} is up to date", shown.display());
    match mode {
        Mode::Check => {
            let drift = write::check_crate(krate, out).map_err(|e| e.to_string())?;
            if drift.is_clean() {
                say(&up_to_date);
                return Ok(Done::Ok);
            }
            // What changed in the API first, then the stale files (the last part, unchanged).
            say(&summary());
            say(&drift.report(shown, FIX));
            Ok(Done::Drift)
        }
        Mode::Write => {
            match write::write_crate(krate, out).map_err(|e| e.to_string())? {
                WriteOutcome::Unchanged => say(&up_to_date),
                WriteOutcome::Written {
                    written,
                    removed,
                    warning,
                } => {
                    let mut line = format!(
                        "wrote {} to {}",
                        plural(written.len(), "file"),
                        shown.display()
                    );
                    if !removed.is_empty() {
                        line.push_str(&format!(
                            ", removed {}",
                            plural(removed.len(), "stale file")
                        ));
                    }
                    say(&line);
                    if let Some(warning) = warning {
                        say(&format!("warning: {warning}"));
                    }
                }
            }
            Ok(Done::Ok)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::fs;

    use super::*;

    fn krate(lib: &str) -> GeneratedCrate {
        GeneratedCrate {
            files: BTreeMap::from([
                (
                    "Cargo.toml".to_owned(),
                    "[package]\nname = \"x\"\nversion = \"0.1.0\"\n".to_owned(),
                ),
                ("src/lib.rs".to_owned(), lib.to_owned()),
            ]),
        }
    }

    /// Check mode changes nothing and finds drift; write mode fixes it; then both agree.
    #[test]
    fn one_path_writes_or_checks() {
        let dir = std::env::temp_dir().join(format!("xtask-codegen-{}", std::process::id()));
        let _ignored = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        let out = dir.join("client");
        let shown = Path::new("client");
        let v1 = krate("pub fn a() {}\n");
        let check = |k: &GeneratedCrate| ensure_crate(k, &out, shown, Mode::Check, String::new);
        assert!(matches!(check(&v1), Ok(Done::Drift)));
        assert!(!out.exists(), "check mode wrote something");
        assert!(matches!(
            ensure_crate(&v1, &out, shown, Mode::Write, String::new),
            Ok(Done::Ok)
        ));
        assert!(matches!(check(&v1), Ok(Done::Ok)));
        let v2 = krate("pub fn b() {}\n");
        assert!(matches!(check(&v2), Ok(Done::Drift)));
        assert_eq!(
            fs::read_to_string(out.join("src/lib.rs")).expect("read"),
            "pub fn a() {}\n"
        );
        let _ignored = fs::remove_dir_all(&dir);
    }

    /// The summary of the checked-in client against its own pages says the API is unchanged;
    /// against the pages with the `DELETE` section cut, it names the removed operation as
    /// breaking, placed in the old `openapi.json`, and the next version.
    #[test]
    fn the_summary_says_what_changed_in_the_api() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let out = root.join(CLIENT);
        let pages = stitch::source::read_inputs(&[root.join(SPECS)]).expect("reading the pages");
        let same = semantic_summary(&out, Path::new(CLIENT), &pages, OnConflict::Error);
        assert!(same.starts_with("the API is unchanged"), "{same}");

        let page = &pages[0];
        let start = page.text.find("## DELETE").expect("a DELETE section");
        let end = start
            + page.text[start..]
                .find("\n## ")
                .expect("a section after it")
            + 1;
        let edited = Input {
            path: page.path.clone(),
            text: format!("{}{}", &page.text[..start], &page.text[end..]),
        };
        let summary = semantic_summary(&out, Path::new(CLIENT), &[edited], OnConflict::Error);
        assert!(summary.contains("operation-removed"), "{summary}");
        assert!(summary.contains("breaking: 0.1.0 → 0.2.0"), "{summary}");
        assert!(
            summary.contains("generated-client/openapi.json:"),
            "{summary}"
        );
    }
}
