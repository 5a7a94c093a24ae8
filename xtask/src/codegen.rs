//! `cargo xtask codegen [--check]`: the checked-in client `generated-client/` (package
//! `syntho-client`) is what stitch makes of the pages in `specs/syntho/`, with the settings of
//! `specs/syntho.toml` beside them (conflict policy, the crate's version).
//!
//! One path for both modes, in the style of rust-analyzer's `ensure_file_contents`: generate in
//! memory, then [`ensure_crate`] either writes what differs or, with `--check`, changes nothing
//! and reports every stale file (exit 1). Before the file list, `--check` says what the drift
//! means for the API ([`api_report`]: `stitch::diff` of the crate's checked-in `openapi.json`
//! against the pages, with its verdict and the crate's next version).
//!
//! The same report decides the release ([`release()`]): when the API changed, the crate's version
//! is the report's next one (written back to `specs/syntho.toml` when the version lives there)
//! and `generated-client/CHANGELOG.md`, which codegen owns, gets a section listing the changes.
//! Once written, `openapi.json` describes the pages, so a second run finds no change and writes
//! nothing; `--check` reports a stale version or changelog like any other stale file.

use std::path::Path;

use stitch::diff::{Report, Version, release};
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

/// Regenerates the client, or with `--check` compares it with the disk. The crate's version and
/// changelog come with it ([`release()`]): when the API changed since the checked-in
/// `openapi.json`, the version is bumped as `stitch diff`'s verdict says (written back to
/// `specs/syntho.toml`) and `generated-client/CHANGELOG.md` gets a section listing the changes.
pub(crate) fn run(root: &Path, flags: &Codegen) -> Result<Done, String> {
    let mode = if flags.check {
        Mode::Check
    } else {
        Mode::Write
    };
    let settings_path = root.join(format!("{SPECS}.toml"));
    let config = config::read(&settings_path)?;
    let (mut krate, sources) = generate(root, &config)?;
    let out = root.join(CLIENT);
    let current = current_version(&config, &out);
    let report = api_report(root, &sources, config.on_conflict, &current);
    let settings = release(&mut krate, &out, &current, report.as_ref().ok())?;
    let summary = || summary_text(&report);
    // Paths in messages are relative to the workspace root, where the user runs cargo.
    let done = ensure_crate(&krate, &out, Path::new(CLIENT), mode, summary)?;
    if let (Mode::Write, Ok(report)) = (mode, &report)
        && !report.changes.is_empty()
    {
        say(&format!(
            "the API changed ({}): version {} → {}, its changes added to {CLIENT}/{}",
            report.verdict,
            report.version,
            report.next_version,
            release::CHANGELOG
        ));
    }
    let Some(version) = settings.filter(|_| config.version.is_some()) else {
        return Ok(done);
    };
    // The version lives in the settings file: it follows the crate's.
    let shown = format!("{SPECS}.toml");
    let text =
        std::fs::read_to_string(&settings_path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let Some(wanted) = set_settings_version(&text, &version) else {
        return Ok(done);
    };
    if wanted == text {
        return Ok(done);
    }
    match mode {
        Mode::Check => {
            say(&format!(
                "{shown}: stale: the client's version is {version} (run `{FIX}`)"
            ));
            Ok(Done::Drift)
        }
        Mode::Write => {
            std::fs::write(&settings_path, wanted)
                .map_err(|e| format!("cannot write {shown}: {e}"))?;
            say(&format!("wrote version = \"{version}\" to {shown}"));
            Ok(done)
        }
    }
}

/// The client as the pages generate it, in memory, with the pages it was made from; every
/// diagnostic is printed on the way.
fn generate(root: &Path, config: &config::Config) -> Result<(GeneratedCrate, Vec<Input>), String> {
    let options = stitch::Options {
        crate_name: CRATE_NAME.to_owned(),
        pagination: config.pagination.clone(),
        types: config.types.clone(),
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
    Ok((krate, sources))
}

/// The crate's version before this run: `version` of `specs/syntho.toml`, else the checked-in
/// crate's own (`generated-client/Cargo.toml`), else the one stitch starts a crate with.
fn current_version(config: &config::Config, out: &Path) -> Version {
    config
        .version
        .clone()
        .or_else(|| {
            let text = std::fs::read_to_string(out.join("Cargo.toml")).ok()?;
            let table = text.parse::<toml::Table>().ok()?;
            let package = table.get("package")?.as_table()?;
            stitch::diff::parse_version(package.get("version")?.as_str()?).ok()
        })
        .unwrap_or_else(|| Version::new(0, 1, 0))
}

/// What changed in the API: `stitch diff` of the API the checked-in crate was made from (its
/// `openapi.json`) against the pages, with `version` as the crate's current one — every change
/// with its verdict, layer and place (relative to `root`), the overall verdict and the next
/// version under Cargo's semver rules. `Err` says why there is no report (no `openapi.json`
/// yet, or one that does not read).
fn api_report(
    root: &Path,
    pages: &[Input],
    on_conflict: OnConflict,
    version: &Version,
) -> Result<Report, String> {
    let document = Path::new(CLIENT).join("openapi.json");
    let old = std::fs::read_to_string(root.join(&document))
        .map_err(|e| format!("cannot read {}: {e}", document.display()))?;
    let old: serde_json::Value = serde_json::from_str(&old)
        .map_err(|e| format!("{} is not JSON: {e}", document.display()))?;
    let options = stitch::diff::DiffOptions {
        on_conflict,
        version: Some(version.clone()),
    };
    let mut report = stitch::diff::diff_document(&document, &old, pages, &options)
        .result
        .map_err(|e| e.to_string())?;
    // Places name the pages as the user sees them, the same on every machine.
    for place in report.changes.iter_mut().filter_map(|c| c.place.as_mut()) {
        if let Ok(relative) = place.file.strip_prefix(root) {
            place.file = relative.to_path_buf();
        }
    }
    Ok(report)
}

/// What the drift means for the API, for `--check` (see [`api_report`]). When the API is the
/// same (the drift is in what stitch writes) it says so; when there is no report it says why
/// (the file list follows either way).
fn summary_text(report: &Result<Report, String>) -> String {
    let document = Path::new(CLIENT).join("openapi.json");
    match report {
        Ok(report) if report.changes.is_empty() => format!(
            "the API is unchanged since {} (the drift is in what stitch writes)",
            document.display()
        ),
        Ok(report) => format!(
            "what changed in the API since {}:\n{}",
            document.display(),
            stitch::diff::human(report).trim_end()
        ),
        Err(e) => format!("no API summary: {e}"),
    }
}

/// Gives `krate` its release: the version is the report's next one when the API changed, else
/// `current`; it goes into the crate's `Cargo.toml`, and `CHANGELOG.md` (which codegen owns:
/// the one on disk, with a section added when the API changed) joins the crate's files. The
/// version is returned, for the settings file.
fn release(
    krate: &mut GeneratedCrate,
    out: &Path,
    current: &Version,
    report: Option<&Report>,
) -> Result<Option<Version>, String> {
    let changed = report.filter(|r| !r.changes.is_empty());
    let version = match changed {
        Some(report) => {
            stitch::diff::parse_version(&report.next_version).map_err(|e| e.to_string())?
        }
        None => current.clone(),
    };
    if !release::set_crate_version(krate, &version) {
        return Err(format!(
            "stitch wrote no package version into {CLIENT}/Cargo.toml (a bug in stitch)"
        ));
    }
    let path = out.join(release::CHANGELOG);
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read {CLIENT}/{}: {e}", release::CHANGELOG)),
    };
    let changelog = release::changelog(existing.as_deref(), CRATE_NAME, &version, changed);
    krate.files.insert(release::CHANGELOG.to_owned(), changelog);
    Ok(Some(version))
}

/// The settings file's text with its top-level `version = "..."` line set to `version`
/// (comments and everything else kept as written); `None` when it has no such line.
fn set_settings_version(text: &str, version: &Version) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut done = false;
    let mut top_level = true;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            top_level = false;
        }
        let is_version = trimmed
            .strip_prefix("version")
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if top_level && !done && is_version {
            out.push_str(&format!("version = \"{version}\"\n"));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    done.then_some(out)
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
        let pages = stitch::source::read_inputs(&[root.join(SPECS)]).expect("reading the pages");
        let v1 = Version::new(0, 1, 0);
        let same = summary_text(&api_report(&root, &pages, OnConflict::Error, &v1));
        assert!(same.starts_with("the API is unchanged"), "{same}");

        let edited = Input {
            path: pages[0].path.clone(),
            text: without_delete(&pages[0].text),
        };
        let report = api_report(&root, &[edited], OnConflict::Error, &v1);
        let summary = summary_text(&report);
        assert!(summary.contains("operation-removed"), "{summary}");
        assert!(summary.contains("breaking: 0.1.0 → 0.2.0"), "{summary}");
        assert!(
            summary.contains("generated-client/openapi.json:"),
            "{summary}"
        );
    }

    /// The page text without its `DELETE` section (an operation removed: breaking).
    fn without_delete(text: &str) -> String {
        let start = text.find("## DELETE").expect("a DELETE section");
        let end = start + text[start..].find("\n## ").expect("a section after it") + 1;
        format!("{}{}", &text[..start], &text[end..])
    }

    /// Every file under `dir`, by relative path, with its bytes.
    fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(at) = stack.pop() {
            for entry in fs::read_dir(&at).expect("read dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let key = path
                        .strip_prefix(dir)
                        .expect("inside")
                        .display()
                        .to_string();
                    files.insert(key, fs::read(&path).expect("read"));
                }
            }
        }
        files
    }

    /// Codegen in a copy of the workspace (`specs/` and the client's `openapi.json`): the first
    /// run writes the crate at the version of `specs/syntho.toml` and starts the changelog;
    /// a second run changes no byte. Cutting an operation from the page is breaking: the version
    /// goes 0.1.0 → 0.2.0 in `Cargo.toml` and `specs/syntho.toml`, and the changelog gets a
    /// 0.2.0 section naming it (`--check` reports all that as stale first); a description
    /// edit is a patch: 0.2.0 → 0.2.1. Each time, a second run writes nothing.
    #[test]
    fn codegen_bumps_the_version_and_writes_the_changelog() {
        let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dir = tempfile_dir("bump");
        let root = dir.as_path();
        fs::create_dir_all(root.join(SPECS)).expect("specs dir");
        fs::create_dir_all(root.join(CLIENT)).expect("client dir");
        for entry in fs::read_dir(real.join(SPECS)).expect("read specs") {
            let path = entry.expect("entry").path();
            let name = path.file_name().expect("a name").to_owned();
            fs::copy(&path, root.join(SPECS).join(name)).expect("copy page");
        }
        let settings = format!("{SPECS}.toml");
        fs::write(
            root.join(&settings),
            "# the client\non_conflict = \"error\"\nversion = \"0.1.0\" # bumped by codegen\n",
        )
        .expect("write settings");
        let openapi = format!("{CLIENT}/openapi.json");
        fs::copy(real.join(&openapi), root.join(&openapi)).expect("copy openapi.json");
        let write = Codegen { check: false };
        let check = Codegen { check: true };
        let read = |path: &str| fs::read_to_string(root.join(path)).expect("read");
        let version_line = |path: &str| {
            read(path)
                .lines()
                .find(|l| l.starts_with("version"))
                .map(str::to_owned)
                .unwrap_or_default()
        };
        let changelog = format!("{CLIENT}/CHANGELOG.md");

        assert!(matches!(run(root, &write), Ok(Done::Ok)));
        assert_eq!(
            version_line(&format!("{CLIENT}/Cargo.toml")),
            "version = \"0.1.0\""
        );
        assert_eq!(release::newest_version(&read(&changelog)), Some("0.1.0"));
        let before = snapshot(root);
        assert!(matches!(run(root, &check), Ok(Done::Ok)));
        assert!(matches!(run(root, &write), Ok(Done::Ok)));
        assert_eq!(snapshot(root), before, "a second run changed files");

        let page = root.join(SPECS).join("jobs.md");
        let text = fs::read_to_string(&page).expect("read page");
        fs::write(&page, without_delete(&text)).expect("edit page");
        let edited = snapshot(root);
        assert!(matches!(run(root, &check), Ok(Done::Drift)));
        assert_eq!(snapshot(root), edited, "--check changed files");
        assert!(matches!(run(root, &write), Ok(Done::Ok)));
        assert_eq!(
            version_line(&format!("{CLIENT}/Cargo.toml")),
            "version = \"0.2.0\""
        );
        assert_eq!(
            read(&settings),
            "# the client\non_conflict = \"error\"\nversion = \"0.2.0\"\n"
        );
        let log = read(&changelog);
        assert_eq!(release::newest_version(&log), Some("0.2.0"), "{log}");
        assert!(log.contains("## 0.2.0\n\nbreaking: 0.1.0 → 0.2.0"), "{log}");
        assert!(log.contains("`operation-removed`"), "{log}");
        assert!(log.contains("`generated-client/openapi.json:"), "{log}");
        assert!(log.contains("\n## 0.1.0\n"), "{log}");
        let bumped = snapshot(root);
        assert!(matches!(run(root, &check), Ok(Done::Ok)));
        assert!(matches!(run(root, &write), Ok(Done::Ok)));
        assert_eq!(snapshot(root), bumped, "a second run changed files");

        let text = fs::read_to_string(&page).expect("read page");
        let needle = r#""description":"Latest job""#;
        let docs = text.replacen(needle, r#""description":"The latest job""#, 1);
        assert_ne!(docs, text, "the seed's description moved");
        fs::write(&page, docs).expect("edit page");
        assert!(matches!(run(root, &write), Ok(Done::Ok)));
        let log = read(&changelog);
        assert!(log.contains("## 0.2.1\n\npatch: 0.2.0 → 0.2.1"), "{log}");
        assert!(log.find("## 0.2.1") < log.find("## 0.2.0"), "{log}");
        assert!(log.contains("`specs/syntho/jobs.md:"), "{log}");
        assert_eq!(version_line(&settings), "version = \"0.2.1\"");
        let patched = snapshot(root);
        assert!(matches!(run(root, &write), Ok(Done::Ok)));
        assert_eq!(snapshot(root), patched, "a second run changed files");
        let _ignored = fs::remove_dir_all(root);
    }

    /// A fresh folder under the system's temp folder for one test.
    fn tempfile_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-codegen-{name}-{}", std::process::id()));
        let _ignored = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn the_settings_version_line_is_rewritten_alone() {
        let v = Version::new(0, 3, 0);
        let text = "# v\nversion = \"0.2.0\"\non_conflict = \"error\"\n[x]\nversion = \"9\"\n";
        assert_eq!(
            set_settings_version(text, &v).as_deref(),
            Some("# v\nversion = \"0.3.0\"\non_conflict = \"error\"\n[x]\nversion = \"9\"\n")
        );
        assert_eq!(set_settings_version("on_conflict = \"error\"\n", &v), None);
    }
}
