//! `cargo xtask codegen [--check]`: the checked-in client `generated-client/` (package
//! `syntho-client`) is what stitch makes of the pages in `specs/syntho/`, with the conflict
//! policy of `specs/syntho.toml` beside them.
//!
//! One path for both modes, in the style of rust-analyzer's `ensure_file_contents`: generate in
//! memory, then [`ensure_crate`] either writes what differs or, with `--check`, changes nothing
//! and reports every stale file (exit 1).

use std::path::Path;

use stitch::GeneratedCrate;
use stitch::write::{self, WriteOutcome};

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
    let krate = generate(root)?;
    let mode = if flags.check {
        Mode::Check
    } else {
        Mode::Write
    };
    // Paths in messages are relative to the workspace root, where the user runs cargo.
    ensure_crate(&krate, &root.join(CLIENT), Path::new(CLIENT), mode)
}

/// The client as the pages generate it, in memory; every diagnostic is printed on the way.
fn generate(root: &Path) -> Result<GeneratedCrate, String> {
    let options = stitch::Options {
        crate_name: CRATE_NAME.to_owned(),
    };
    // The conflict policy sits beside the specs folder: `specs/syntho.toml`.
    let config = config::read(&root.join(format!("{SPECS}.toml")))?;
    let sources = stitch::source::read_inputs(&[root.join(SPECS)]).map_err(|e| e.to_string())?;
    let run = stitch::generate(&sources, &options, config.on_conflict);
    for shown in stitch::diagnostic::render_all(&run.diagnostics, &sources) {
        say(&shown);
    }
    run.result.map_err(|e| match e {
        stitch::Error::Several(all) => format!("{} problems in {SPECS}", all.len()),
        _ => format!("the pages in {SPECS} do not generate a client"),
    })
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
) -> Result<Done, String> {
    let up_to_date = format!("{} is up to date", shown.display());
    match mode {
        Mode::Check => {
            let drift = write::check_crate(krate, out).map_err(|e| e.to_string())?;
            if drift.is_clean() {
                say(&up_to_date);
                return Ok(Done::Ok);
            }
            // The drift report. A summary of what changed in the API (operations and types
            // added, removed or changed) belongs here, before the file list, as its own
            // `say`: the file list below stays the last part, unchanged.
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
        let check = |k: &GeneratedCrate| ensure_crate(k, &out, shown, Mode::Check);
        assert!(matches!(check(&v1), Ok(Done::Drift)));
        assert!(!out.exists(), "check mode wrote something");
        assert!(matches!(
            ensure_crate(&v1, &out, shown, Mode::Write),
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
}
