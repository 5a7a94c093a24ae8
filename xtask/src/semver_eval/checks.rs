//! cargo-semver-checks, the ground truth for the Rust layer: installed with `cargo install`
//! into the cache, run on rustdoc JSON that this module builds for each generated client.
//!
//! Every client is written as a crate of its own (an empty `[workspace]` table, this
//! repository's `Cargo.lock`, so the dependency versions are the checked-in client's) and
//! documented with `cargo rustdoc --output-format json` into one shared target folder, so the
//! dependencies build once for the whole run. cargo-semver-checks then compares two JSON files
//! (`--baseline-rustdoc`, `--current-rustdoc`), as it does for a release, with
//! `--release-type patch`, so every change that needs a new minor or major version fails a
//! lint; each lint's required bump comes from `cargo semver-checks --list`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use stitch::GeneratedCrate;

/// The version installed; a new one is a deliberate change of the figures.
pub const VERSION: &str = "0.51.0";

/// What a lint needs: the bump a change it finds requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// A new minor version (additive).
    Minor,
    /// A new major version (breaking).
    Major,
}

/// One lint that failed, with the items it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The lint's id (`struct_missing`).
    pub lint: String,
    /// What the lint checks, one line.
    pub description: String,
    /// The bump it requires (`None`: not in `--list`, counted as major).
    pub level: Level,
    /// The items it found ("Failed in:" lines, file paths cut).
    pub items: Vec<String>,
}

/// The binary in the cache, installed first if it is not there (minutes).
pub fn install(cache: &Path) -> Result<PathBuf, String> {
    let bin = cache.join("bin").join("cargo-semver-checks");
    if bin.is_file() {
        return Ok(bin);
    }
    eprintln!(
        "installing cargo-semver-checks {VERSION} into {} (takes minutes)",
        cache.display()
    );
    let status = Command::new("cargo")
        .args([
            "install",
            "cargo-semver-checks",
            "--locked",
            "--version",
            VERSION,
        ])
        .arg("--root")
        .arg(cache)
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if !status.success() || !bin.is_file() {
        return Err(format!(
            "cargo install cargo-semver-checks failed ({status})"
        ));
    }
    Ok(bin)
}

/// Each lint's required bump, from `cargo semver-checks --list` (a table whose rows start with
/// the lint id and hold its level `major` or `minor`).
pub fn lint_levels(bin: &Path) -> Result<BTreeMap<String, Level>, String> {
    let output = Command::new(bin)
        .args(["semver-checks", "--list"])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut levels = BTreeMap::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let Some(id) = words.next() else {
            continue;
        };
        if !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            continue;
        }
        let level = words.find_map(|w| match w {
            "major" => Some(Level::Major),
            "minor" => Some(Level::Minor),
            _ => None,
        });
        if let Some(level) = level {
            levels.insert(id.to_owned(), level);
        }
    }
    if levels.is_empty() {
        return Err(format!(
            "cargo semver-checks --list named no lints:\n{}",
            text.trim()
        ));
    }
    Ok(levels)
}

/// Writes `krate` as a crate of its own in `dir` and documents it as rustdoc JSON into
/// `json`, building in `target`; returns how long rustdoc took.
pub fn rustdoc_json(
    krate: &GeneratedCrate,
    dir: &Path,
    lockfile: &Path,
    target: &Path,
    json: &Path,
) -> Result<Duration, String> {
    let mut krate = krate.clone();
    if let Some(manifest) = krate.files.get_mut("Cargo.toml") {
        manifest.push_str("\n[workspace]\n");
    }
    stitch::write::write_crate(&krate, dir)
        .map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
    fs::copy(lockfile, dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy {}: {e}", lockfile.display()))?;
    let lib = lib_name(&krate)?;
    let start = Instant::now();
    let output = Command::new("cargo")
        .arg("rustdoc")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .args(["--lib", "--quiet", "--"])
        .args([
            "-Zunstable-options",
            "--output-format=json",
            "--document-private-items",
            "--document-hidden-items",
            "--cap-lints=allow",
        ])
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo rustdoc: {e}"))?;
    let took = start.elapsed();
    if !output.status.success() {
        return Err(format!(
            "cargo rustdoc failed for {} ({}):\n{}",
            dir.display(),
            output.status,
            tail(&String::from_utf8_lossy(&output.stderr), 20)
        ));
    }
    let made = target.join("doc").join(format!("{lib}.json"));
    if let Some(parent) = json.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    fs::copy(&made, json).map_err(|e| format!("cannot copy {}: {e}", made.display()))?;
    Ok(took)
}

/// The crate's library name: its package name with `-` read as `_`.
fn lib_name(krate: &GeneratedCrate) -> Result<String, String> {
    let manifest = krate.files.get("Cargo.toml").ok_or("no Cargo.toml")?;
    let table: toml::Table = manifest
        .parse()
        .map_err(|e| format!("the generated Cargo.toml is not TOML: {e}"))?;
    let name = table
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(toml::Value::as_str)
        .ok_or("the generated Cargo.toml names no package")?;
    Ok(name.replace('-', "_"))
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// cargo-semver-checks on two rustdoc JSON files: every lint that failed, with the bump
/// `levels` gives it; how long it took.
pub fn compare(
    bin: &Path,
    baseline: &Path,
    current: &Path,
    levels: &BTreeMap<String, Level>,
) -> Result<(Vec<Failure>, Duration), String> {
    let start = Instant::now();
    let output = Command::new(bin)
        .args(["semver-checks", "check-release", "--release-type", "patch"])
        .arg("--baseline-rustdoc")
        .arg(baseline)
        .arg("--current-rustdoc")
        .arg(current)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let took = start.elapsed();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let failures = parse(&text, levels);
    // Exit 0: no lint failed; 1: some did. Anything else, or 1 without a parsed failure, is a
    // run that did not compare.
    match output.status.code() {
        Some(0) => Ok((failures, took)),
        Some(1) if !failures.is_empty() => Ok((failures, took)),
        _ => Err(format!(
            "cargo semver-checks did not compare {} with {} ({}):\n{}",
            baseline.display(),
            current.display(),
            output.status,
            tail(&text, 30)
        )),
    }
}

/// The failed lints of cargo-semver-checks' report:
///
/// ```text
/// --- failure struct_missing: pub struct removed or renamed ---
/// ...
/// Failed in:
///   struct a::types::X, previously in file /x/src/types.rs:12
/// ```
pub fn parse(text: &str, levels: &BTreeMap<String, Level>) -> Vec<Failure> {
    let mut failures: Vec<Failure> = Vec::new();
    let mut in_items = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed
            .strip_prefix("--- failure ")
            .and_then(|r| r.strip_suffix(" ---"))
        {
            let (lint, description) = rest.split_once(": ").unwrap_or((rest, ""));
            failures.push(Failure {
                lint: lint.to_owned(),
                description: description.to_owned(),
                level: levels.get(lint).copied().unwrap_or(Level::Major),
                items: Vec::new(),
            });
            in_items = false;
            continue;
        }
        if trimmed == "Failed in:" {
            in_items = true;
            continue;
        }
        if in_items {
            if trimmed.is_empty() || trimmed.starts_with("---") || trimmed.starts_with("Summary") {
                in_items = false;
                continue;
            }
            if let Some(failure) = failures.last_mut() {
                failure.items.push(cut_file(trimmed));
            }
        }
    }
    failures
}

/// An item line without the file it names (`, previously in file /x/src/a.rs:3`,
/// ` in /x/src/a.rs:3`), so reports do not depend on where the cache is.
fn cut_file(line: &str) -> String {
    for marker in [", previously in file ", " in file ", ", in ", " in /"] {
        if let Some(i) = line.find(marker) {
            return line[..i].to_owned();
        }
    }
    line.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_read_with_their_items_and_levels() {
        let text = "\
     Checking x v1.0.0 -> v1.0.0 (no change)
--- failure struct_missing: pub struct removed or renamed ---

Description:
A publicly-visible struct cannot be imported by its prior path.
        ref: https://doc.rust-lang.org/cargo/reference/semver.html#item-remove

Failed in:
  struct x::types::Job, previously in file /tmp/a/src/types.rs:12
  struct x::types::Log, previously in file /tmp/a/src/types.rs:40

--- failure inherent_method_added: method added ---

Failed in:
  x::Client::jobs_list in /tmp/b/src/operations.rs:3

     Summary semver requires new major version: 1 major and 1 minor checks failed
";
        let levels = BTreeMap::from([("inherent_method_added".to_owned(), Level::Minor)]);
        let failures = parse(text, &levels);
        assert_eq!(failures.len(), 2);
        assert_eq!(failures[0].lint, "struct_missing");
        assert_eq!(failures[0].level, Level::Major);
        assert_eq!(
            failures[0].items,
            ["struct x::types::Job", "struct x::types::Log"]
        );
        assert_eq!(failures[1].level, Level::Minor);
        assert_eq!(failures[1].items, ["x::Client::jobs_list"]);
    }
}
