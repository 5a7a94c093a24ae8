//! Repository tasks, run as `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! - `cargo xtask codegen` regenerates `generated-client/` (package `syntho-client`) from the
//!   pages in `specs/syntho/`;
//! - `cargo xtask codegen --check` changes nothing and fails (exit 1), naming every stale file,
//!   when `generated-client/` is not what the pages generate;
//! - `cargo xtask corpus` runs the generator over APIs.guru's directory of public API
//!   descriptions (see `corpus/mod.rs`);
//! - `cargo xtask bench` measures stitch beside other generators and writes `BENCHMARKS.md`
//!   (see `bench/mod.rs`);
//! - `cargo xtask fuzz` runs generated OpenAPI documents through the whole pipeline and
//!   compiles a sample of the crates warning-free (see `fuzz/mod.rs`).
//! - `cargo xtask conformance` runs generated clients against Prism, a validating mock server,
//!   and writes `CONFORMANCE.md` (see `conformance/mod.rs`).
//!
//! Exit codes: 0 done, 1 drift, 2 usage or any other error.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use stitch::write::{self, WriteOutcome};

mod bench;
mod config;
mod conformance;
mod corpus;
mod flags;
mod fuzz;
mod members;

/// The input pages, relative to the workspace root.
const SPECS: &str = "specs/syntho";
/// The generated crate's folder, relative to the workspace root.
const CLIENT: &str = "generated-client";
/// The generated crate's package name.
const CRATE_NAME: &str = "syntho-client";
/// The command that fixes drift.
const FIX: &str = "cargo xtask codegen";

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen            regenerate generated-client/ (package syntho-client) from specs/syntho/
  codegen --check    fail (exit 1), naming the stale files, when generated-client/ is out of date

  corpus [..]        run the generator over a corpus of public API descriptions
                     (`cargo xtask corpus --help` for the options)

  bench [..]         time stitch beside progenitor and openapi-generator and write
                     BENCHMARKS.md (`cargo xtask bench --help` for the options)

  fuzz [..]          generated OpenAPI documents through the whole pipeline, a sample
                     compiled with clippy -D warnings (`cargo xtask fuzz --help`)

  conformance [..]   call every operation of generated clients against Prism and write
                     CONFORMANCE.md (`cargo xtask conformance --help` for the options)
";

/// How a task ended, when it did not fail.
enum Done {
    Ok,
    Drift,
}

fn main() -> ExitCode {
    let mut args = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(arg) => args.push(arg),
            Err(arg) => {
                say(&format!(
                    "error: the argument {arg:?} is not valid UTF-8\n\n{USAGE}"
                ));
                return ExitCode::from(2);
            }
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["help" | "--help" | "-h"] => {
            let _ignored = io::stdout().lock().write_all(USAGE.as_bytes());
            return ExitCode::SUCCESS;
        }
        [] => Err(format!("no command given\n\n{USAGE}")),
        ["codegen", rest @ ..] => Err(format!(
            "unexpected arguments to codegen: {}\n\n{USAGE}",
            rest.join(" ")
        )),
        ["corpus", "help" | "--help" | "-h"] => {
            let _ignored = io::stdout().lock().write_all(corpus::USAGE.as_bytes());
            return ExitCode::SUCCESS;
        }
        ["corpus", rest @ ..] => workspace_root()
            .and_then(|root| corpus::run(&root, rest))
            .map(|()| Done::Ok),
        ["bench", "help" | "--help" | "-h"] => {
            let _ignored = io::stdout().lock().write_all(bench::USAGE.as_bytes());
            return ExitCode::SUCCESS;
        }
        ["bench", rest @ ..] => workspace_root()
            .and_then(|root| bench::run(&root, rest))
            .map(|()| Done::Ok),
        ["fuzz", "help" | "--help" | "-h"] => {
            let _ignored = io::stdout().lock().write_all(fuzz::USAGE.as_bytes());
            return ExitCode::SUCCESS;
        }
        ["fuzz", rest @ ..] => workspace_root()
            .and_then(|root| fuzz::run(&root, rest))
            .map(|()| Done::Ok),
        ["conformance", "help" | "--help" | "-h"] => {
            let _ignored = io::stdout().lock().write_all(conformance::USAGE.as_bytes());
            return ExitCode::SUCCESS;
        }
        ["conformance", rest @ ..] => workspace_root()
            .and_then(|root| conformance::run(&root, rest))
            .map(|()| Done::Ok),
        [command, ..] => Err(format!("unknown command `{command}`\n\n{USAGE}")),
    };
    match result {
        Ok(Done::Ok) => ExitCode::SUCCESS,
        Ok(Done::Drift) => ExitCode::from(1),
        Err(message) => {
            say(&format!("error: {message}"));
            ExitCode::from(2)
        }
    }
}

/// A line on stderr; a closed stderr is not worth a panic.
fn say(text: &str) {
    let _ignored = writeln!(io::stderr().lock(), "{}", text.trim_end());
}

/// The workspace root: the parent of this package's folder.
fn workspace_root() -> Result<PathBuf, String> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| "cannot find the workspace root (xtask has no parent folder)".to_owned())
}

/// Regenerates the client, or with `check` compares it with the disk.
fn codegen(check: bool) -> Result<Done, String> {
    let root = workspace_root()?;
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
    let krate = run.result.map_err(|e| match e {
        stitch::Error::Several(all) => format!("{} problems in {SPECS}", all.len()),
        _ => format!("the pages in {SPECS} do not generate a client"),
    })?;
    let out = root.join(CLIENT);
    // Paths in messages are relative to the workspace root, where the user runs cargo.
    let shown = Path::new(CLIENT);
    if check {
        let drift = write::check_crate(&krate, &out).map_err(|e| e.to_string())?;
        if drift.is_clean() {
            say(&format!("{CLIENT} is up to date"));
            return Ok(Done::Ok);
        }
        say(&drift.report(shown, FIX));
        return Ok(Done::Drift);
    }
    match write::write_crate(&krate, &out).map_err(|e| e.to_string())? {
        WriteOutcome::Unchanged => say(&format!("{CLIENT} is up to date")),
        WriteOutcome::Written {
            written,
            removed,
            warning,
        } => {
            let mut line = format!("wrote {} to {CLIENT}", plural(written.len(), "file"));
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

/// "1 file", "3 files".
fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
