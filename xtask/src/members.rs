//! Checking many generated crates at once: write them as the members of one throwaway cargo
//! workspace (with this repository's `Cargo.lock`, so the dependency versions are the
//! checked-in client's) and run one `cargo check` or `cargo clippy` over all of them, so the
//! dependencies build once. Used by `cargo xtask corpus --compile` and `cargo xtask fuzz`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::Command;

use stitch::GeneratedCrate;

/// How strictly the members are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// `cargo check`: the crates compile.
    Compiles,
    /// `cargo clippy -- -D warnings`: the crates compile without a rustc or clippy warning (what
    /// a user's CI with `-D warnings` sees).
    WarningFree,
}

/// Writes `crates` (folder name, crate) into `dir` as the members of a throwaway workspace,
/// written by `by` (named in its manifest), and checks them in one cargo run with target folder
/// `target_dir`. Returns, per folder name, its error lines (`<crate>/src/x.rs:1:2: error: ..`,
/// each once), empty when the crate passed; `Err` when cargo failed before any crate was checked (dependency
/// resolution, the network, a dependency that does not build).
pub fn check(
    crates: &[(String, &GeneratedCrate)],
    dir: &Path,
    lockfile: &Path,
    target_dir: &Path,
    strictness: Strictness,
    by: &str,
) -> Result<BTreeMap<String, Vec<String>>, String> {
    if crates.is_empty() {
        return Ok(BTreeMap::new());
    }
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut members = BTreeSet::new();
    for (name, krate) in crates {
        stitch::write::write_crate(krate, &dir.join(name))
            .map_err(|e| format!("cannot write the crate {name}: {e}"))?;
        members.insert(name.as_str());
    }
    if lockfile.is_file() {
        let _ignored = fs::copy(lockfile, dir.join("Cargo.lock"));
    }
    // A crate whose manifest cargo cannot read stops the whole workspace: it is taken out,
    // with cargo's message as its failure, and the others are checked without it.
    let mut unloadable: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    loop {
        let loadable: BTreeSet<&str> = members
            .iter()
            .copied()
            .filter(|m| !unloadable.contains_key(m))
            .collect();
        let mut outcomes = match run_cargo(dir, &loadable, target_dir, strictness, by)? {
            Run::Checked(outcomes) => outcomes,
            Run::Unloadable(member, message) => match members.get(member.as_str()) {
                Some(&member) => {
                    unloadable.insert(member, message);
                    continue;
                }
                None => return Err(message.join("\n")),
            },
        };
        for (member, message) in unloadable {
            outcomes.insert(member.to_owned(), message);
        }
        return Ok(outcomes);
    }
}

/// What one cargo run over the workspace gave.
enum Run {
    /// Per member, its error lines (empty: passed).
    Checked(BTreeMap<String, Vec<String>>),
    /// The member (folder name) whose manifest cargo could not load, and cargo's message.
    Unloadable(String, Vec<String>),
}

/// Writes the workspace manifest for `members` and runs cargo over them.
fn run_cargo(
    dir: &Path,
    members: &BTreeSet<&str>,
    target_dir: &Path,
    strictness: Strictness,
    by: &str,
) -> Result<Run, String> {
    if members.is_empty() {
        return Ok(Run::Checked(BTreeMap::new()));
    }
    let mut manifest = format!(
        "# A throwaway workspace of generated crates, written by `{by}`.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\n"
    );
    for name in members {
        manifest.push_str(&format!("    \"{name}\",\n"));
    }
    manifest.push_str("]\n");
    let path = dir.join("Cargo.toml");
    fs::write(&path, manifest).map_err(|e| format!("cannot write {}: {e}", path.display()))?;

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    let what = match strictness {
        Strictness::Compiles => {
            command.arg("check");
            "cargo check"
        }
        Strictness::WarningFree => {
            command.arg("clippy");
            "cargo clippy -D warnings"
        }
    };
    command.args(["--workspace", "--keep-going", "--message-format", "short"]);
    if strictness == Strictness::WarningFree {
        command.args(["--", "-D", "warnings"]);
    }
    eprintln!(
        "{what} of {} generated crates in {}",
        members.len(),
        dir.display()
    );
    let output = command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    // `<crate>/src/x.rs:1:2: error...` lines name the crate by its folder.
    let mut errors: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut failed: BTreeSet<&str> = BTreeSet::new();
    for line in stderr.lines() {
        if let Some(rest) = line.strip_prefix("error: could not compile `")
            && let Some((name, _)) = rest.split_once('`')
            && let Some(member) = members.get(name)
        {
            failed.insert(member);
            continue;
        }
        if !line.contains(": error") {
            continue;
        }
        if let Some((folder, _)) = line.split_once('/')
            && let Some(member) = members.get(folder)
        {
            let lines = errors.entry(member).or_default();
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    if !output.status.success() && failed.is_empty() {
        // `error: failed to load manifest for workspace member `/path/to/<member>``
        if let Some(line) = stderr
            .lines()
            .find(|l| l.starts_with("error: failed to load manifest for workspace member"))
            && let Some(path) = line.split('`').nth(1)
            && let Some(member) = Path::new(path).file_name().and_then(|n| n.to_str())
        {
            let message: Vec<String> = stderr
                .lines()
                .filter(|l| l.starts_with("error") || l.contains("-->"))
                .map(str::to_owned)
                .collect();
            return Ok(Run::Unloadable(member.to_owned(), message));
        }
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "{what} failed before checking the crates:\n{}",
            tail.join("\n")
        ));
    }
    Ok(Run::Checked(
        members
            .iter()
            .map(|&name| {
                let lines: Vec<String> = match errors.get(name) {
                    _ if !failed.contains(name) => Vec::new(),
                    Some(lines) => lines.iter().map(|l| (*l).to_owned()).collect(),
                    None => vec![format!("{what} failed")],
                };
                (name.to_owned(), lines)
            })
            .collect(),
    ))
}
