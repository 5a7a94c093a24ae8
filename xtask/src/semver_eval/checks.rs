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
    /// Whether cargo-semver-checks reports it as a warning (a lint whose findings may break
    /// callers, which does not fail the check), not a failure.
    pub warning: bool,
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
/// `json`, building in `target`; returns how long rustdoc took (when the crate on disk was
/// already this one, its JSON is kept, with the time it took then, if known).
pub fn rustdoc_json(
    krate: &GeneratedCrate,
    dir: &Path,
    lockfile: &Path,
    target: &Path,
    json: &Path,
) -> Result<Option<Duration>, String> {
    let lib = lib_name(krate)?;
    let mut krate = krate.clone();
    if let Some(manifest) = krate.files.get_mut("Cargo.toml") {
        *manifest = own_package(manifest, dir, &lib);
    }
    let outcome = stitch::write::write_crate(&krate, dir)
        .map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
    // The JSON of an earlier run is this crate's when the crate did not change; so is the time
    // it took, kept beside it.
    let seconds = json.with_extension("seconds");
    if matches!(outcome, stitch::write::WriteOutcome::Unchanged) && json.is_file() {
        let kept = fs::read_to_string(&seconds).ok();
        return Ok(kept
            .and_then(|s| s.trim().parse::<f64>().ok())
            .map(Duration::from_secs_f64));
    }
    fs::copy(lockfile, dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy {}: {e}", lockfile.display()))?;
    // rustdoc writes `doc/LIB.json` for every crate of that library name; cargo skips a crate
    // it finds fresh, so the file would be another crate's: the library's root is touched first,
    // and the file removed, so the JSON copied is this crate's or the run fails.
    let made = target.join("doc").join(format!("{lib}.json"));
    let _ignored = fs::remove_file(&made);
    let root = dir.join("src").join("lib.rs");
    fs::File::options()
        .append(true)
        .open(&root)
        .and_then(|f| f.set_modified(std::time::SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", root.display()))?;
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
    if let Some(parent) = json.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    fs::copy(&made, json).map_err(|e| format!("cannot copy {}: {e}", made.display()))?;
    fs::write(&seconds, format!("{}\n", took.as_secs_f64()))
        .map_err(|e| format!("cannot write {}: {e}", seconds.display()))?;
    Ok(Some(took))
}

/// The manifest of a crate of its own (an empty `[workspace]`), whose package name is made
/// unique by its folder's name while its library keeps the name `lib`: cargo hashes a path
/// package by its name and its path relative to its workspace root (`.` for every one of these
/// crates), so crates of one package name would share their build artifacts in the shared
/// target folder; cargo-semver-checks compares items by the library's name.
fn own_package(manifest: &str, dir: &Path, lib: &str) -> String {
    let folder: String = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let mut out = String::new();
    let mut renamed = false;
    for line in manifest.split_inclusive('\n') {
        if !renamed && line.starts_with("name = ") {
            out.push_str(&format!("name = \"eval-{folder}\"\n"));
            renamed = true;
        } else {
            out.push_str(line);
        }
    }
    out.push_str(&format!("\n[lib]\nname = \"{lib}\"\n\n[workspace]\n"));
    out
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
    // Exit 0: no lint failed; otherwise (1 or 100 in 0.51) some did. A failing exit without a
    // parsed failure is a run that did not compare.
    match output.status.code() {
        Some(0) => Ok((failures, took)),
        Some(_) if !failures.is_empty() => Ok((failures, took)),
        _ => Err(format!(
            "cargo semver-checks did not compare {} with {} ({}):\n{}",
            baseline.display(),
            current.display(),
            output.status,
            tail(&text, 30)
        )),
    }
}

/// The failed lints (and the warnings) of cargo-semver-checks' report, each item once:
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
        let header = [("--- failure ", false), ("--- warning ", true)]
            .into_iter()
            .find_map(|(prefix, warning)| {
                let rest = trimmed.strip_prefix(prefix)?.strip_suffix(" ---")?;
                Some((rest, warning))
            });
        if let Some((rest, warning)) = header {
            let (lint, description) = rest.split_once(": ").unwrap_or((rest, ""));
            failures.push(Failure {
                lint: lint.to_owned(),
                description: description.to_owned(),
                level: levels.get(lint).copied().unwrap_or(Level::Major),
                warning,
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
            let item = cut_file(trimmed);
            if let Some(failure) = failures.last_mut()
                && !failure.items.contains(&item)
            {
                failure.items.push(item);
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

/// What compiling a probe showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// It compiles against the old client and not against the new one: the change breaks
    /// callers.
    Breaks,
    /// It compiles against both.
    Compiles,
    /// It does not compile against the old client (the probe is wrong, not the change).
    Invalid,
}

/// The name of the probe example in each crate folder.
const PROBE: &str = "stitch_probe";

/// Compiles `probes` (Rust items, one line each, naming the crate's types unqualified) as an
/// example of the old crate (folder `old`) and of the new one (`new`), both of library `lib`,
/// building in `target`: a probe that compiles against the old crate and not the new one
/// shows a change that breaks callers.
pub fn probe(
    old: &Path,
    new: &Path,
    lib: &str,
    probes: &[String],
    target: &Path,
) -> Result<Vec<Proof>, String> {
    let header = [
        "#![allow(dead_code, unused_imports)]".to_owned(),
        "use std::collections::BTreeMap;".to_owned(),
        format!("use {lib}::types::*;"),
    ];
    let mut text = header.join("\n");
    text.push('\n');
    for probe in probes {
        text.push_str(probe);
        text.push('\n');
    }
    text.push_str("fn main() {}\n");
    let first = header.len() + 1;
    let failing = |dir: &Path| -> Result<std::collections::BTreeSet<usize>, String> {
        let examples = dir.join("examples");
        fs::create_dir_all(&examples)
            .map_err(|e| format!("cannot create {}: {e}", examples.display()))?;
        fs::write(examples.join(format!("{PROBE}.rs")), &text)
            .map_err(|e| format!("cannot write the probe in {}: {e}", examples.display()))?;
        let output = Command::new("cargo")
            .arg("check")
            .arg("--manifest-path")
            .arg(dir.join("Cargo.toml"))
            .args(["--example", PROBE, "--message-format", "short", "--quiet"])
            .env("CARGO_TARGET_DIR", target)
            .output()
            .map_err(|e| format!("cannot run cargo check: {e}"))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        let needle = format!("{PROBE}.rs:");
        let lines: std::collections::BTreeSet<usize> = stderr
            .lines()
            .filter(|l| l.contains(": error"))
            .filter_map(|l| l.split(&needle).nth(1)?.split(':').next()?.parse().ok())
            .collect();
        if !output.status.success() && lines.is_empty() {
            return Err(format!(
                "cargo check of the probe in {} failed:\n{}",
                dir.display(),
                tail(&stderr, 20)
            ));
        }
        Ok(lines)
    };
    let old_errors = failing(old)?;
    let new_errors = failing(new)?;
    Ok((0..probes.len())
        .map(|i| {
            let line = first + i;
            if old_errors.contains(&line) {
                Proof::Invalid
            } else if new_errors.contains(&line) {
                Proof::Breaks
            } else {
                Proof::Compiles
            }
        })
        .collect())
}

/// A probe of a `field-type-changed` change of stitch (`the field `A::f` changed type from
/// `T1` to `T2``): a function that borrows the field as its old type, `None` for any other
/// message or a type it cannot name.
pub fn field_probe(message: &str, index: usize) -> Option<String> {
    let parts: Vec<&str> = message.split('`').collect();
    let [_, path, _, old, ..] = parts.as_slice() else {
        return None;
    };
    let (ty, field) = path.split_once("::")?;
    if old.contains("Form") {
        return None;
    }
    let old = qualified(old);
    Some(format!(
        "fn probe_{index}(v: &{ty}) -> &{old} {{ &v.{field} }}"
    ))
}

/// A type as stitch's diff shows it, with the names of other crates qualified.
fn qualified(ty: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(match word.as_str() {
            "Utc" => "chrono::Utc",
            "NaiveDate" => "chrono::NaiveDate",
            "DateTime" => "chrono::DateTime",
            "Uuid" => "uuid::Uuid",
            other => other,
        });
        word.clear();
    };
    let mut previous = ' ';
    for c in ty.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            // `serde_json::Value` is already qualified: leave its parts alone.
            if c == ':' || previous == ':' {
                out.push_str(&word);
                word.clear();
            } else {
                flush(&mut word, &mut out);
            }
            out.push(c);
        }
        previous = c;
    }
    flush(&mut word, &mut out);
    out
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
  x::Client::jobs_list in /tmp/b/src/operations.rs:3

--- warning partial_ord_enum_variants_reordered: enum variants reordered ---

Failed in:
  Status::Unknown moved from position 4 to 5, in /tmp/b/src/types.rs:1389

     Summary semver requires new major version: 1 major and 1 minor checks failed
";
        let levels = BTreeMap::from([("inherent_method_added".to_owned(), Level::Minor)]);
        let failures = parse(text, &levels);
        assert_eq!(failures.len(), 3);
        assert_eq!(failures[0].lint, "struct_missing");
        assert_eq!(failures[0].level, Level::Major);
        assert_eq!(
            failures[0].items,
            ["struct x::types::Job", "struct x::types::Log"]
        );
        assert_eq!(failures[1].level, Level::Minor);
        assert_eq!(
            field_probe(
                "the field `Job::at` changed type from `Option<DateTime<Utc>>` to `Uuid`",
                3
            )
            .as_deref(),
            Some("fn probe_3(v: &Job) -> &Option<chrono::DateTime<chrono::Utc>> { &v.at }")
        );
        assert_eq!(
            qualified("BTreeMap<String, serde_json::Value>"),
            "BTreeMap<String, serde_json::Value>"
        );
        assert_eq!(field_probe("`Client::x` was removed", 0), None);
        assert_eq!(failures[1].items, ["x::Client::jobs_list"]);
        assert!(!failures[1].warning && failures[2].warning);
        assert_eq!(
            failures[2].items,
            ["Status::Unknown moved from position 4 to 5"]
        );
    }
}
