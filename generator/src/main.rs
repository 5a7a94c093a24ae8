//! The `stitch` command line: `generate`, `merge`, `check` and `diff`.
//!
//! Exit codes: 0 done (or up to date), 1 drift (`check` only), 2 bad input or any other error.
//! Diagnostics go to stderr, rendered like a compiler's (file:line:column, the offending line,
//! what is wrong and what to do) or, with `--format json`, as one JSON object per line; every
//! problem of a run is reported, not only the first. Nothing here panics on input.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use stitch::diagnostic::{self, Diagnostic, Severity};
use stitch::source::{self, Input};
use stitch::write::{self, DocumentFormat, WriteOutcome};

/// mimalloc rather than the system's allocator: generating allocates and frees millions of
/// small token and syntax-tree nodes on every core, and glibc's malloc and free were about a
/// third of the CPU time of `stitch generate` (see CHANGELOG, issue 17).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns API reference pages (markdown with OpenAPI fragments) and OpenAPI 3 files into a typed
/// Rust client crate.
///
/// INPUT is a markdown page, an OpenAPI JSON or YAML file, or a folder of them (read in sorted
/// path order). Exit codes: 0 done, 1 drift (check), 2 bad input.
#[derive(Debug, Parser)]
#[command(name = "stitch", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print only errors: no progress lines, no warnings.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// How diagnostics are written to stderr.
    #[arg(long, value_enum, global = true, value_name = "FORMAT", default_value_t = Format::Human)]
    format: Format,
    /// The largest input file read, in bytes or with a unit (KiB, MiB, GiB) [default: 64MiB].
    #[arg(long, global = true, value_name = "SIZE", value_parser = source::parse_size)]
    max_input_size: Option<u64>,
}

/// How diagnostics are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Like a compiler: file:line:column, the offending line, what is wrong, what to do.
    Human,
    /// One JSON object per diagnostic and line: severity, message, file, line, column, help,
    /// notes and labels.
    Json,
    /// For `diff`: its report as markdown, for a pull request comment (diagnostics as `human`).
    Markdown,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate the client crate into DIR.
    ///
    /// The write is atomic (a sibling folder, then one atomic exchange on Linux) and a second
    /// run on DIR waits for the first. The generator owns the files it writes and everything
    /// under DIR/src; README, examples and other files are kept. DIR is never read as input,
    /// even inside an input folder.
    Generate {
        /// Markdown pages, OpenAPI JSON/YAML files, or folders of them.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// The crate folder to write (created when missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The package name of the crate [default: the name in DIR/Cargo.toml, else DIR's name].
        #[arg(long, value_name = "NAME")]
        crate_name: Option<String>,
        /// What to do when two inputs define one component differently [default: the config
        /// file's on_conflict, else error].
        #[arg(long, value_enum, value_name = "POLICY")]
        on_conflict: Option<OnConflict>,
        /// The API's config file (TOML): on_conflict, the crate's version (else the one in
        /// DIR/Cargo.toml is kept), pagination per operation ([pagination.<operationId>]),
        /// your own types and extra derives ([types]; see the README).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Print (or write) the merged OpenAPI document.
    Merge {
        /// Markdown pages, OpenAPI JSON/YAML files, or folders of them.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// Write to FILE instead of stdout: YAML when it ends in .yaml or .yml, JSON otherwise.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// What to do when two inputs define one component differently.
        #[arg(long, value_enum, value_name = "POLICY", default_value_t = OnConflict::Error)]
        on_conflict: OnConflict,
    },
    /// Check that DIR holds what `generate` would write.
    ///
    /// Exit code 0 when up to date, 1 on drift (with a report naming each file), 2 on bad input.
    Check {
        /// Markdown pages, OpenAPI JSON/YAML files, or folders of them.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// The crate folder to compare with.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// What to do when two inputs define one component differently [default: the config
        /// file's on_conflict, else error].
        #[arg(long, value_enum, value_name = "POLICY")]
        on_conflict: Option<OnConflict>,
        /// The API's config file, as `generate` takes it.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Say what changed from the OLD inputs to the NEW ones, and whether it breaks callers.
    ///
    /// Every change is classified on the wire (an old client against a new server) and in
    /// the generated Rust API (code written against the old crate), with its place in the
    /// pages, an overall verdict (breaking, additive, patch, none) and the crate's next version
    /// under Cargo's semver rules. The report goes to stdout (`--format human|json|markdown`).
    /// Exit code 0 when it ran, 1 when `--fail-on` trips, 2 on bad input.
    Diff {
        /// The old markdown pages, OpenAPI JSON/YAML files, or folders of them.
        #[arg(required = true, value_name = "OLD")]
        old: Vec<PathBuf>,
        /// The new inputs.
        #[arg(long, required = true, num_args = 1.., value_name = "NEW")]
        to: Vec<PathBuf>,
        /// What to do when two inputs of one side define one component differently.
        #[arg(long, value_enum, value_name = "POLICY", default_value_t = OnConflict::Error)]
        on_conflict: OnConflict,
        /// The client crate's current version, for the next one [default: 0.1.0, what
        /// `generate` writes].
        #[arg(long, value_name = "VERSION", value_parser = stitch::diff::parse_version)]
        version: Option<stitch::diff::Version>,
        /// Exit with 1 when the overall verdict is this or worse.
        #[arg(long, value_enum, value_name = "VERDICT")]
        fail_on: Option<FailOn>,
    },
}

/// The verdicts `diff --fail-on` can stop at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// Breaking changes.
    Breaking,
    /// Additive or breaking changes.
    Additive,
}

/// How conflicting definitions of one component are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OnConflict {
    /// Report the conflict, naming both places, and stop.
    Error,
    /// Keep both, the later one under a name with its file's name as suffix, each page's
    /// references pointing at its own.
    Rename,
    /// Merge object schemas into one (union of properties; required only where every page
    /// requires it); incompatible types stay an error.
    Widen,
}

impl From<OnConflict> for stitch::OnConflict {
    fn from(policy: OnConflict) -> Self {
        match policy {
            OnConflict::Error => stitch::OnConflict::Error,
            OnConflict::Rename => stitch::OnConflict::Rename,
            OnConflict::Widen => stitch::OnConflict::Widen,
        }
    }
}

/// How a command ended, when it did not fail.
enum Done {
    Ok,
    Drift,
}

/// Where diagnostics and progress lines go, and how they look.
struct Reporter {
    quiet: bool,
    format: Format,
    /// The inputs read so far, so diagnostics can show the offending lines.
    sources: Vec<Input>,
    errors: usize,
    /// The largest input file read.
    max_input_size: u64,
}

impl Reporter {
    /// A progress line (not in `--quiet` or `--format json`).
    fn info(&self, line: &str) {
        if !self.quiet && self.format == Format::Human {
            say(line);
        }
    }

    fn report(&mut self, diagnostic: &Diagnostic) {
        self.report_all(std::slice::from_ref(diagnostic));
    }

    /// Reports diagnostics in one batch, so each input is indexed once however many there are.
    fn report_all(&mut self, diagnostics: &[Diagnostic]) {
        let shown: Vec<Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error || !self.quiet)
            .cloned()
            .collect();
        self.errors += shown
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let lines = match self.format {
            Format::Human | Format::Markdown => diagnostic::render_all(&shown, &self.sources),
            Format::Json => diagnostic::to_json_all(&shown, &self.sources),
        };
        for line in lines {
            say(&line);
        }
    }

    /// Reports a failure that has no place in the inputs.
    fn fail(&mut self, message: &str) {
        let (message, help) = match message.split_once("\n  help: ") {
            Some((message, help)) => (message, Some(help)),
            None => (message, None),
        };
        let mut diagnostic = Diagnostic::error(message);
        if let Some(help) = help {
            diagnostic = diagnostic.help(help);
        }
        self.report(&diagnostic);
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // `--help` and `--version` land here too, with exit code 0.
            let _ignored = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let mut reporter = Reporter {
        quiet: cli.quiet,
        format: cli.format,
        sources: Vec::new(),
        errors: 0,
        max_input_size: cli.max_input_size.unwrap_or(source::DEFAULT_MAX_INPUT_SIZE),
    };
    match run(cli.command, &mut reporter) {
        Ok(Done::Ok) => ExitCode::SUCCESS,
        Ok(Done::Drift) => ExitCode::from(1),
        Err(Failed) => {
            if reporter.format == Format::Human && reporter.errors > 1 {
                say(&format!(
                    "error: stopped after {} problems; nothing was written",
                    reporter.errors
                ));
            }
            ExitCode::from(2)
        }
    }
}

/// A command failed; its diagnostics have been reported.
struct Failed;

/// A line on stderr; a closed stderr is not worth a panic.
fn say(line: &str) {
    let _ignored = writeln!(io::stderr().lock(), "{}", line.trim_end());
}

/// Reads the inputs, never the crate folder `out` (nor other crates stitch wrote) inside an
/// input folder, warning about each entry passed over; reports a failure.
fn read(inputs: &[PathBuf], out: Option<&Path>, reporter: &mut Reporter) -> Result<(), Failed> {
    let options = source::ReadOptions {
        max_input_size: reporter.max_input_size,
        exclude: out.map(Path::to_path_buf).into_iter().collect(),
    };
    match source::read_inputs_with(inputs, &options) {
        Ok(read) => {
            for skipped in &read.skipped {
                reporter.report(
                    &Diagnostic::warning(format!(
                        "skipped {}: {}",
                        skipped.path.display(),
                        skipped.reason
                    ))
                    .help("stitch does not read it as input; move it out of the input folder to silence this"),
                );
            }
            reporter.sources = read.inputs;
            Ok(())
        }
        Err(e) => {
            reporter.report_all(&stitch::diagnostic::of_error(
                &stitch::Error::Source(e),
                None,
            ));
            Err(Failed)
        }
    }
}

/// Generates the crate in memory, reporting every diagnostic.
fn generated(
    inputs: &[PathBuf],
    out: &Path,
    options: &stitch::Options,
    on_conflict: stitch::OnConflict,
    reporter: &mut Reporter,
) -> Result<stitch::GeneratedCrate, Failed> {
    read(inputs, Some(out), reporter)?;
    let run = stitch::generate(&reporter.sources, options, on_conflict);
    reporter.report_all(&run.diagnostics);
    run.result.map_err(|_| Failed)
}

/// `stitch diff`: reads both sides, reports their diagnostics, prints the report to stdout.
fn diff(
    old: &[PathBuf],
    new: &[PathBuf],
    options: &stitch::diff::DiffOptions,
    fail_on: Option<FailOn>,
    reporter: &mut Reporter,
) -> Result<Done, Failed> {
    use stitch::diff::{self, Verdict};
    read(old, None, reporter)?;
    let old_sources = std::mem::take(&mut reporter.sources);
    read(new, None, reporter)?;
    let new_sources = std::mem::take(&mut reporter.sources);
    let run = diff::diff_sources(&old_sources, &new_sources, options);
    reporter.sources = old_sources.into_iter().chain(new_sources).collect();
    reporter.report_all(&run.diagnostics);
    let report = run.result.map_err(|_| Failed)?;
    let text = match reporter.format {
        Format::Human => diff::human(&report),
        Format::Json => diff::json(&report),
        Format::Markdown => diff::markdown(&report),
    };
    let mut stdout = io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        reporter.fail(&format!("cannot write to stdout: {e}"));
        return Err(Failed);
    }
    let limit = match fail_on {
        Some(FailOn::Breaking) => Verdict::Breaking,
        Some(FailOn::Additive) => Verdict::Additive,
        None => return Ok(Done::Ok),
    };
    Ok(if report.verdict >= limit {
        Done::Drift
    } else {
        Done::Ok
    })
}

/// The options of a run and its conflict policy: `--on-conflict`, else the config file's,
/// else `error`; the config file's pagination rules and types. A bad config file is reported (file,
/// line, what to do) and fails the run.
fn configured(
    crate_name: String,
    on_conflict: Option<OnConflict>,
    config: Option<PathBuf>,
    reporter: &mut Reporter,
) -> Result<
    (
        stitch::Options,
        stitch::OnConflict,
        Option<stitch::diff::Version>,
    ),
    Failed,
> {
    let config = match config {
        Some(path) => stitch::config::read(&path).map_err(|e| {
            reporter.fail(&e);
            Failed
        })?,
        None => stitch::config::Config::default(),
    };
    let on_conflict = on_conflict
        .map(stitch::OnConflict::from)
        .or(config.on_conflict)
        .unwrap_or_default();
    let options = stitch::Options {
        crate_name,
        pagination: config.pagination,
        types: config.types,
    };
    Ok((options, on_conflict, config.version))
}

/// Gives the crate the version `cargo xtask codegen` gives it, so `check` agrees with it: the
/// config file's `version`, else the one in DIR/Cargo.toml (a version bumped there by hand or
/// by a release is kept), else stitch's own (0.1.0).
fn versioned(
    krate: &mut stitch::GeneratedCrate,
    configured: Option<stitch::diff::Version>,
    out: &Path,
) {
    let version = configured.or_else(|| {
        fs::read_to_string(out.join("Cargo.toml"))
            .ok()
            .as_deref()
            .and_then(package_version)
    });
    if let Some(version) = version {
        // stitch writes a `version` line into every manifest; were it missing, the crate keeps
        // stitch's own.
        let _written = stitch::diff::release::set_crate_version(krate, &version);
    }
}

fn run(command: Command, reporter: &mut Reporter) -> Result<Done, Failed> {
    match command {
        Command::Diff {
            old,
            to,
            on_conflict,
            version,
            fail_on,
        } => {
            let options = stitch::diff::DiffOptions {
                on_conflict: on_conflict.into(),
                version,
            };
            diff(&old, &to, &options, fail_on, reporter)
        }
        Command::Generate {
            inputs,
            out,
            crate_name,
            on_conflict,
            config,
        } => {
            let crate_name = crate_name_for(crate_name, &out).map_err(|e| {
                reporter.fail(&e);
                Failed
            })?;
            let (options, on_conflict, version) =
                configured(crate_name, on_conflict, config, reporter)?;
            let mut krate = generated(&inputs, &out, &options, on_conflict, reporter)?;
            versioned(&mut krate, version, &out);
            let outcome = write::write_crate(&krate, &out).map_err(|e| {
                reporter.fail(&e.to_string());
                Failed
            })?;
            match outcome {
                WriteOutcome::Unchanged => {
                    reporter.info(&format!("{} is up to date", out.display()))
                }
                WriteOutcome::Written {
                    written,
                    removed,
                    warning,
                } => {
                    let mut line = format!(
                        "wrote {} to {}",
                        count(written.len(), "file"),
                        out.display()
                    );
                    if !removed.is_empty() {
                        line.push_str(&format!(", removed {}", count(removed.len(), "stale file")));
                    }
                    reporter.info(&line);
                    if let Some(warning) = warning {
                        reporter.report(&Diagnostic::warning(warning));
                    }
                }
            }
            Ok(Done::Ok)
        }
        Command::Merge {
            inputs,
            out,
            on_conflict,
        } => {
            read(&inputs, out.as_deref(), reporter)?;
            let run = stitch::merge_sources(&reporter.sources, on_conflict.into());
            reporter.report_all(&run.diagnostics);
            let merged = run.result.map_err(|_| Failed)?.value;
            let summary = merge_summary(&merged);
            let written = match out {
                Some(file) => write::write_document(&merged, &file)
                    .map(|()| format!("merged {summary} into {}", file.display()))
                    .map_err(|e| e.to_string()),
                None => write::render_document(&merged, DocumentFormat::Json)
                    .map_err(|e| e.to_string())
                    .and_then(|text| {
                        let mut stdout = io::stdout().lock();
                        stdout
                            .write_all(text.as_bytes())
                            .and_then(|()| stdout.flush())
                            .map_err(|e| format!("cannot write to stdout: {e}"))
                    })
                    .map(|()| format!("merged {summary}")),
            };
            match written {
                Ok(line) => reporter.info(&line),
                Err(e) => {
                    reporter.fail(&e);
                    return Err(Failed);
                }
            }
            Ok(Done::Ok)
        }
        Command::Check {
            inputs,
            out,
            on_conflict,
            config,
        } => {
            let crate_name = crate_name_for(None, &out).map_err(|e| {
                reporter.fail(&e);
                Failed
            })?;
            // The config is part of the input: the fix regenerates with it.
            let config_flag = config
                .as_ref()
                .map(|path| format!(" --config {}", path.display()))
                .unwrap_or_default();
            let (options, on_conflict, version) =
                configured(crate_name, on_conflict, config, reporter)?;
            let mut krate = generated(&inputs, &out, &options, on_conflict, reporter)?;
            versioned(&mut krate, version, &out);
            let drift = write::check_crate(&krate, &out).map_err(|e| {
                reporter.fail(&e.to_string());
                Failed
            })?;
            if drift.is_clean() {
                reporter.info(&format!("{} is up to date", out.display()));
                return Ok(Done::Ok);
            }
            let inputs: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
            let fix = format!(
                "stitch generate {} --out {}{config_flag}",
                inputs.join(" "),
                out.display()
            );
            let report = drift.report(&out, &fix);
            match reporter.format {
                Format::Human | Format::Markdown => say(&report),
                Format::Json => {
                    let mut lines = report.lines();
                    let mut diagnostic =
                        Diagnostic::error(lines.next().unwrap_or("drift")).help(fix);
                    diagnostic.notes = lines
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned)
                        .collect();
                    say(&diagnostic.to_json(&[]));
                }
            }
            Ok(Done::Drift)
        }
    }
}

/// "1 file", "3 files".
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// "12 paths and 20 schemas".
fn merge_summary(merged: &serde_json::Value) -> String {
    let len = |pointer: &str| {
        merged
            .pointer(pointer)
            .and_then(|v| v.as_object())
            .map_or(0, |o| o.len())
    };
    format!(
        "{} and {}",
        count(len("/paths"), "path"),
        count(len("/components/schemas"), "schema")
    )
}

/// The crate name: the one given, else the one in `out/Cargo.toml` (so regenerating or checking
/// an existing crate keeps its name), else the folder's name.
///
/// The name is checked as crates.io checks names ([`stitch::check_crate_name`]) before any
/// work is done, so a name Cargo would choke on fails here, saying why.
fn crate_name_for(given: Option<String>, out: &Path) -> Result<String, String> {
    let name = chosen_crate_name(given, out)?;
    stitch::check_crate_name(&name).map_err(|why| {
        let shown: String = name.chars().take(80).collect();
        let shown = if shown.len() < name.len() {
            format!("{shown}…")
        } else {
            shown
        };
        format!(
            "`{shown}` is not a valid crate name: {why}\n  help: pass --crate-name NAME: at \
             most {} ASCII letters, digits, `-` and `_`, starting with a letter",
            stitch::MAX_CRATE_NAME
        )
    })?;
    Ok(name)
}

/// The crate name before it is checked; see [`crate_name_for`].
fn chosen_crate_name(given: Option<String>, out: &Path) -> Result<String, String> {
    if let Some(name) = given {
        return Ok(name);
    }
    if let Some(name) = fs::read_to_string(out.join("Cargo.toml"))
        .ok()
        .as_deref()
        .and_then(package_name)
    {
        return Ok(name);
    }
    let folder = match out.file_name() {
        Some(name) => Some(name.to_owned()),
        None => fs::canonicalize(out)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_owned())),
    };
    folder
        .and_then(|name| name.to_str().map(str::to_owned))
        .ok_or_else(|| {
            format!(
                "cannot take a crate name from the folder {}\n  help: pass --crate-name NAME",
                out.display()
            )
        })
}

/// `name` in the `[package]` table of a `Cargo.toml` such as the generator writes
/// (`name = "..."` on one line; a TOML basic string reads as a JSON string).
fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package
            && let Some(value) = line.strip_prefix("name").map(str::trim_start)
            && let Some(value) = value.strip_prefix('=')
        {
            return serde_json::from_str::<String>(value.trim()).ok();
        }
    }
    None
}

/// The `version` of the `[package]` table of a manifest, when it is a semver version.
fn package_version(manifest: &str) -> Option<stitch::diff::Version> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package
            && let Some(value) = line.strip_prefix("version").map(str::trim_start)
            && let Some(value) = value.strip_prefix('=')
        {
            let text = serde_json::from_str::<String>(value.trim()).ok()?;
            return stitch::diff::parse_version(&text).ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_version_is_read_from_a_manifest() {
        let manifest =
            "[package]\nname = \"x\"\nversion = \"0.3.1\"\n[dependencies]\nversion = 1\n";
        assert_eq!(
            package_version(manifest).map(|v| v.to_string()).as_deref(),
            Some("0.3.1")
        );
        assert_eq!(package_version("[package]\nversion = \"x.y\"\n"), None);
        assert_eq!(
            package_version("[dependencies]\nversion = \"1.0.0\"\n"),
            None
        );
    }

    #[test]
    fn the_package_name_is_read_from_a_generated_manifest() {
        let manifest = "# Generated\n[package]\nname = \"syntho-client\"\nversion = \"0.1.0\"\n\n[dependencies]\nname = \"x\"\n";
        assert_eq!(package_name(manifest).as_deref(), Some("syntho-client"));
        assert_eq!(package_name("[dependencies]\nname = \"x\"\n"), None);
        assert_eq!(package_name("[package]\nnamespace = 1\n"), None);
    }

    #[test]
    fn the_crate_name_defaults_to_the_folder_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("my-client");
        assert_eq!(crate_name_for(None, &out).as_deref(), Ok("my-client"));
        assert_eq!(crate_name_for(Some("x".into()), &out).as_deref(), Ok("x"));
        // Issue 12: a 300-character name was accepted, then Cargo failed on its file names.
        let long = crate_name_for(Some("x".repeat(300)), &out).expect_err("too long");
        assert!(
            long.contains("it has 300 characters, more than 64"),
            "{long}"
        );
        assert!(long.contains("--crate-name"), "{long}");
        assert!(crate_name_for(Some("x".repeat(64)), &out).is_ok());
        let keyword = crate_name_for(Some("fn".into()), &out).expect_err("keyword");
        assert!(keyword.contains("Rust keyword"), "{keyword}");
        let spaced = crate_name_for(None, &dir.path().join("my client")).expect_err("space");
        assert!(
            spaced.starts_with("`my client` is not a valid crate name: it holds ' '"),
            "{spaced}"
        );
        fs::create_dir_all(&out).expect("mkdir");
        fs::write(out.join("Cargo.toml"), "[package]\nname = \"kept\"\n").expect("manifest");
        assert_eq!(crate_name_for(None, &out).as_deref(), Ok("kept"));
    }

    #[test]
    fn the_command_line_parses_as_documented() {
        let cli = Cli::try_parse_from([
            "stitch",
            "generate",
            "a.md",
            "b/",
            "--out",
            "o",
            "--on-conflict",
            "widen",
        ])
        .expect("parse");
        let Command::Generate {
            inputs,
            on_conflict,
            crate_name,
            ..
        } = cli.command
        else {
            panic!("not generate")
        };
        assert_eq!(inputs.len(), 2);
        assert_eq!(on_conflict, Some(OnConflict::Widen));
        assert_eq!(crate_name, None);
        assert!(Cli::try_parse_from(["stitch", "generate", "--out", "o"]).is_err());
        assert!(Cli::try_parse_from(["stitch", "check", "a.md"]).is_err());
        assert!(Cli::try_parse_from(["stitch", "merge", "a.md"]).is_ok());
        assert!(
            Cli::try_parse_from([
                "stitch",
                "generate",
                "a",
                "--out",
                "o",
                "--on-conflict",
                "x"
            ])
            .is_err()
        );
    }

    #[test]
    fn a_config_file_is_read_and_the_flag_wins_its_policy() {
        let cli = Cli::try_parse_from([
            "stitch", "check", "a.md", "--out", "o", "--config", "api.toml",
        ])
        .expect("parse");
        let Command::Check {
            config,
            on_conflict,
            ..
        } = cli.command
        else {
            panic!("not check")
        };
        assert_eq!(config, Some(PathBuf::from("api.toml")));
        assert_eq!(on_conflict, None);
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("api.toml");
        std::fs::write(
            &file,
            "on_conflict = \"widen\"\n[pagination.list]\nstyle = \"page\"\n",
        )
        .expect("write");
        let mut reporter = Reporter {
            quiet: true,
            format: Format::Json,
            sources: Vec::new(),
            errors: 0,
            max_input_size: source::DEFAULT_MAX_INPUT_SIZE,
        };
        let read = configured("c".to_owned(), None, Some(file.clone()), &mut reporter);
        let (options, policy, version) = read.unwrap_or_else(|_| panic!("configured"));
        assert_eq!(version, None);
        assert_eq!(policy, stitch::OnConflict::Widen);
        assert_eq!(options.pagination["list"].style, "page");
        let flag = configured(
            "c".to_owned(),
            Some(OnConflict::Rename),
            Some(file.clone()),
            &mut reporter,
        );
        assert_eq!(
            flag.map(|(_, policy, _)| policy).ok(),
            Some(stitch::OnConflict::Rename)
        );
        std::fs::write(&file, "[pagination.list]\nstyle = \"pages\"\n").expect("write");
        assert!(configured("c".to_owned(), None, Some(file), &mut reporter).is_err());
    }

    #[test]
    fn conflict_policies_map_to_the_library() {
        assert_eq!(
            stitch::OnConflict::from(OnConflict::Rename),
            stitch::OnConflict::Rename
        );
        assert_eq!(
            stitch::OnConflict::from(OnConflict::Widen),
            stitch::OnConflict::Widen
        );
        assert!(Cli::try_parse_from(["stitch", "merge", "a.md", "--format", "json", "-q"]).is_ok());
    }
}
