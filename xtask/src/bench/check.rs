//! Timing `cargo check` of a generated client from a warm dependency cache.
//!
//! The crate is copied into a throwaway workspace of its own under `.cache/bench/check/` and
//! checked once with an empty `src/lib.rs` (building only its dependencies, into
//! `.cache/bench/target/`, untimed); then, for each timed run, its own `src/lib.rs` is put back
//! or touched and `cargo check` runs again, so what is timed is the crate itself, as after an
//! edit. Incremental compilation is off (`CARGO_INCREMENTAL=0`), so a
//! touched file is checked in full rather than mostly read back from the incremental cache.

use std::fs::{self, File};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

use super::anchors::Tool;
use super::measure::{self, Meter, Sample};
use super::text::{first_line, megabytes};
use crate::corpus::fetch;

/// What `cargo check` of one generated client did.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The spec's label.
    pub spec: String,
    /// The generator of the client.
    pub tool: Tool,
    /// The figures, or why there are none (the client did not generate, or does not build).
    pub outcome: Result<CheckFigures, String>,
}

/// The figures of the timed checks.
#[derive(Debug, Clone)]
pub struct CheckFigures {
    /// Every timed run, in order.
    pub runs: Vec<Sample>,
    /// The median wall time.
    pub wall: Duration,
    /// The median peak memory (of cargo or rustc, whichever was larger), bytes.
    pub peak_rss: u64,
    /// The median CPU time (user + system of cargo and every rustc it ran).
    pub cpu: Duration,
}

impl CheckFigures {
    /// The medians as one sample.
    pub fn median(&self) -> Sample {
        Sample {
            wall: self.wall,
            peak_rss: self.peak_rss,
            cpu: self.cpu,
        }
    }
}

/// Checks the crate in `crate_dir` (written by `tool` for `spec`) as described in the module
/// docs. `lockfile`, when given, is copied beside it so stitch's clients build against the
/// versions the repository pins.
pub fn check(
    spec: &str,
    tool: Tool,
    crate_dir: &Path,
    lockfile: Option<&Path>,
    runs: usize,
    cache: &Path,
    meter: &Meter,
) -> Checked {
    let outcome = check_crate(spec, tool, crate_dir, lockfile, runs, cache, meter);
    if let Err(why) = &outcome {
        eprintln!(
            "bench: cargo check of {spec} by {}: {}",
            tool.name(),
            first_line(why)
        );
    }
    Checked {
        spec: spec.to_owned(),
        tool,
        outcome,
    }
}

/// [`check`], as a `Result`.
fn check_crate(
    spec: &str,
    tool: Tool,
    crate_dir: &Path,
    lockfile: Option<&Path>,
    runs: usize,
    cache: &Path,
    meter: &Meter,
) -> Result<CheckFigures, String> {
    let name = format!("{}-{}", super::slug(spec), tool.key());
    let workspace = workspace(&name, crate_dir, lockfile, cache)?;
    let member = workspace.join("crate");
    let logs = cache.join("logs");
    let cargo_check = || cargo_check(&workspace, cache, &[]);

    // The dependencies first, untimed, with an empty crate root standing in for the crate's
    // own, so that only they are built.
    eprintln!(
        "bench: cargo check of {spec} by {}: dependencies first (untimed)",
        tool.name()
    );
    let lib = member.join("src").join("lib.rs");
    let root_source = fs::read(&lib).map_err(|e| format!("cannot read {}: {e}", lib.display()))?;
    fs::write(
        &lib,
        "//! Stands in for the crate while its dependencies build.\n",
    )
    .map_err(|e| format!("cannot write {}: {e}", lib.display()))?;
    let warm = meter.run(
        &mut cargo_check(),
        &logs.join(format!("check-{name}-warm.log")),
    )?;
    fs::write(&lib, root_source).map_err(|e| format!("cannot write {}: {e}", lib.display()))?;
    if let Some(failure) = warm.failure {
        return Err(format!("its dependencies do not build: {failure}"));
    }
    let log = logs.join(format!("check-{name}.log"));
    let mut samples = Vec::new();
    for run in 1..=runs.max(1) {
        touch(&lib)?;
        let outcome = meter.run(&mut cargo_check(), &log)?;
        if let Some(failure) = outcome.failure {
            return Err(format!("does not build: {failure}"));
        }
        eprintln!(
            "bench: cargo check of {spec} by {} run {run}/{}: {:.1} s, {:.1} s CPU, {}",
            tool.name(),
            runs.max(1),
            outcome.sample.wall.as_secs_f64(),
            outcome.sample.cpu.as_secs_f64(),
            megabytes(outcome.sample.peak_rss)
        );
        samples.push(outcome.sample);
    }
    let walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    let peaks: Vec<u64> = samples.iter().map(|s| s.peak_rss).collect();
    let cpus: Vec<Duration> = samples.iter().map(|s| s.cpu).collect();
    Ok(CheckFigures {
        wall: measure::median_duration(&walls),
        cpu: measure::median_duration(&cpus),
        peak_rss: measure::median_bytes(&peaks),
        runs: samples,
    })
}

/// A throwaway workspace `cache/check/NAME/` holding a copy of `crate_dir` as its member
/// `crate`, with `lockfile` beside it when given.
pub(super) fn workspace(
    name: &str,
    crate_dir: &Path,
    lockfile: Option<&Path>,
    cache: &Path,
) -> Result<std::path::PathBuf, String> {
    let workspace = cache.join("check").join(name);
    fetch::remove_dir(&workspace)?;
    let member = workspace.join("crate");
    copy_dir(crate_dir, &member)?;
    let manifest = workspace.join("Cargo.toml");
    fs::write(
        &manifest,
        "# A throwaway workspace written by `cargo xtask bench`.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\"crate\"]\n",
    )
    .map_err(|e| format!("cannot write {}: {e}", manifest.display()))?;
    if let Some(lockfile) = lockfile {
        fs::copy(lockfile, workspace.join("Cargo.lock"))
            .map_err(|e| format!("cannot copy {}: {e}", lockfile.display()))?;
    }
    Ok(workspace)
}

/// `cargo check ARGS..` in `workspace`, into the bench's target folder, without incremental
/// compilation.
pub(super) fn cargo_check(workspace: &Path, cache: &Path, args: &[&str]) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["check", "--message-format", "short"])
        .args(args)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", cache.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("CARGO_MANIFEST_DIR");
    command
}

/// Sets a file's modification time to now, so cargo checks its crate again.
pub(super) fn touch(path: &Path) -> Result<(), String> {
    File::options()
        .append(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}

/// Copies the folder `from` to `to` (which must not exist), skipping `target/`.
pub fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    for path in fetch::files_under(from, |name| name != "target")? {
        let relative = path.strip_prefix(from).unwrap_or(&path);
        let target = to.join(relative);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::copy(&path, &target).map_err(|e| {
            format!(
                "cannot copy {} to {}: {e}",
                path.display(),
                target.display()
            )
        })?;
    }
    Ok(())
}
