//! Repository tasks, run as `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! - `cargo xtask codegen` regenerates `generated-client/` (package `syntho-client`) from the
//!   pages in `specs/syntho/`; `cargo xtask codegen --check` changes nothing and fails (exit 1),
//!   naming every stale file, when `generated-client/` is not what the pages generate (see
//!   `codegen.rs`);
//! - `cargo xtask corpus` runs the generator over APIs.guru's directory of public API
//!   descriptions (see `corpus/mod.rs`);
//! - `cargo xtask bench` measures stitch beside other generators and writes `BENCHMARKS.md`
//!   (see `bench/mod.rs`);
//! - `cargo xtask fuzz` runs generated OpenAPI documents through the whole pipeline and
//!   compiles a sample of the crates warning-free (see `fuzz/mod.rs`).
//! - `cargo xtask conformance` runs generated clients against Prism, a validating mock server,
//!   and writes `CONFORMANCE.md` (see `conformance/mod.rs`).
//! - `cargo xtask stream-bench` measures the memory of streamed bodies and writes its section
//!   of `BENCHMARKS.md` (see `stream_bench.rs`).
//! - `cargo xtask build-bench` measures a cold build of the Syntho client with each TLS stack
//!   and writes its section of `BENCHMARKS.md` (see `build_bench.rs`).
//! - `cargo xtask msrv` checks the generated crates' `rust-version` against fresh resolves of
//!   their dependencies (see `msrv.rs`).
//! - `cargo xtask semver-eval` compares `stitch diff`'s verdicts with cargo-semver-checks on
//!   GitHub's spec history and edits of the Syntho pages, and writes `SEMVER.md` (see
//!   `semver_eval/mod.rs`).
//!
//! Every command and flag is defined once, with clap, in [`flags`]; `cargo xtask --help` and
//! `cargo xtask <COMMAND> --help` print them. Exit codes: 0 done, 1 drift, 2 usage or any other
//! error.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use flags::{Cli, Command};

mod bench;
mod build_bench;
mod codegen;
mod config;
mod conformance;
mod corpus;
mod flags;
mod fuzz;
mod members;
mod msrv;
mod semver_eval;
mod stream_bench;

/// How a task ended, when it did not fail.
enum Done {
    Ok,
    Drift,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // `--help` lands here too, with exit code 0; usage errors have exit code 2.
            let _ignored = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let result = workspace_root().and_then(|root| match cli.command {
        Command::Codegen(flags) => codegen::run(&root, &flags),
        Command::Corpus(flags) => corpus::run(&root, flags).map(|()| Done::Ok),
        Command::Bench(flags) => bench::run(&root, flags).map(|()| Done::Ok),
        Command::Fuzz(flags) => fuzz::run(&root, flags).map(|()| Done::Ok),
        Command::Conformance(flags) => conformance::run(&root, flags).map(|()| Done::Ok),
        Command::StreamBench(flags) => stream_bench::run(&root, &flags).map(|()| Done::Ok),
        Command::BuildBench(flags) => build_bench::run(&root, &flags).map(|()| Done::Ok),
        Command::Msrv(flags) => msrv::run(&root, &flags).map(|()| Done::Ok),
        Command::SemverEval(flags) => semver_eval::run(&root, &flags).map(|()| Done::Ok),
    });
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

/// "1 file", "3 files": the one plural of xtask's messages and reports.
fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// The workspace root: the parent of this package's folder.
fn workspace_root() -> Result<PathBuf, String> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| "cannot find the workspace root (xtask has no parent folder)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn counts_read_well() {
        assert_eq!(plural(1, "file"), "1 file");
        assert_eq!(plural(0, "page"), "0 pages");
        assert_eq!(plural(3, "stale file"), "3 stale files");
    }
}
