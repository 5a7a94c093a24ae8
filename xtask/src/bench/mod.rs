//! `cargo xtask bench`: stitch against the anchors (progenitor, openapi-generator), measured
//! in one run on one machine.
//!
//! ```text
//! cargo xtask bench [--runs N] [--check-runs N] [--quick] [--no-anchors] [--no-check] [--stages] [--graph]
//! cargo xtask bench --per-tag [--graph]
//! ```
//!
//! For GitHub's REST API description, a few mid-sized specs of the APIs.guru corpus and the
//! Syntho pages ([`inputs`]), it times `stitch generate` (the release binary) from the pages and
//! from the whole JSON file and the anchors on the JSON file ([`generate`], [`anchors`]): wall
//! time and peak memory ([`measure`]), lines and bytes of the generated Rust. Then it times
//! `cargo check` of the generated GitHub clients (from pages and from the whole JSON file) and
//! Syntho client, and of openapi-generator's GitHub client, from a warm dependency cache
//! ([`check`]), then the per-tag section in the same run ([`features`]: GitHub's client with
//! growing sets of features; Microsoft Graph with `--graph`), so that issue 17's targets
//! ([`goals`], judged by [`limits`]) and the growth with the number of operations
//! ([`growth`]) stand beside the anchor measured minutes before. The tables go to stdout and,
//! with the machine's facts ([`machine`]), into `BENCHMARKS.md` and `BENCHMARKS.json` at the
//! repository root ([`report`]). Progress goes to stderr. `--per-tag` runs the per-tag
//! section alone (the quick run), with the anchor of the last full run.
//!
//! Everything fetched, installed or written on the way lives in `.cache/bench/` (gitignored).
//! An anchor that cannot be installed or fails is a row of the report; the run itself fails
//! only when stitch cannot be built or a spec cannot be fetched.

pub mod anchors;
pub mod check;
pub mod features;
pub mod generate;
pub mod goals;
pub mod growth;
pub mod inputs;
pub mod limits;
pub mod machine;
pub mod measure;
pub mod quiet;
pub mod report;
pub mod text;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anchors::Tool;
use report::{Results, SpecResult};

use crate::flags::Bench;

/// The bench cache, relative to the workspace root (gitignored with `/.cache`).
pub const CACHE: &str = ".cache/bench";

/// Default runs of stitch (`--runs`).
pub(crate) const STITCH_RUNS: usize = 5;
/// The most runs of an anchor.
const ANCHOR_RUNS: usize = 3;

/// The parsed arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Args {
    runs: usize,
    check_runs: usize,
    quick: bool,
    anchors: bool,
    check: bool,
    stages: bool,
    graph: bool,
}

/// The settings of a run, from its flags: `--quick` implies `--no-anchors` and `--no-check`.
fn settings(flags: &Bench) -> Args {
    Args {
        runs: flags.runs,
        check_runs: flags.check_runs,
        quick: flags.quick,
        anchors: !flags.no_anchors && !flags.quick,
        check: !flags.no_check && !flags.quick,
        stages: flags.stages,
        graph: flags.graph,
    }
}

/// A spec label as one folder name: `docker.com/engine` → `docker.com-engine`.
pub fn slug(label: &str) -> String {
    label.replace(['/', '\\'], "-")
}

/// Runs the bench command; `Err` when stitch cannot be built, a spec cannot be fetched, or the
/// report cannot be written.
pub fn run(root: &Path, flags: Bench) -> Result<(), String> {
    if let Some(result) = &flags.measure_child {
        return measure::child(result, &flags.command);
    }
    let args = settings(&flags);
    let start = Instant::now();
    let cache = root.join(CACHE);
    fs::create_dir_all(&cache).map_err(|e| format!("cannot create {}: {e}", cache.display()))?;
    let anchor_runs = args.runs.min(ANCHOR_RUNS);

    // Before the build, so that the load average is the machine's, not ours.
    let machine = machine::read();
    let stitch = build_stitch(root)?;
    let meter = measure::Meter::install(&cache.join("bin"))?;
    if flags.per_tag {
        return features::run(root, &cache, &machine, &stitch, &meter, args.graph);
    }

    eprintln!("bench: preparing the specs");
    let mut specs = vec![inputs::github(&cache)?];
    if !args.quick {
        specs.extend(inputs::corpus_specs(root, &cache)?);
    }
    specs.push(inputs::syntho(root, &cache)?);

    let (progenitor, openapi_generator) = if args.anchors {
        (
            anchors::progenitor(&cache, &meter),
            anchors::openapi_generator(&cache, &meter),
        )
    } else {
        (
            Err("not run (--no-anchors)".to_owned()),
            Err("not run (--no-anchors)".to_owned()),
        )
    };

    let mut results = Vec::new();
    for spec in specs {
        eprintln!(
            "bench: {} ({} operations, {} pages)",
            spec.label, spec.operations, spec.page_count
        );
        let stitch_program: anchors::Installed = Ok(stitch.clone());
        let mut generated = vec![
            generate::measure(
                Tool::StitchPages,
                &stitch_program,
                &spec,
                args.runs,
                &cache,
                &meter,
            ),
            generate::measure(
                Tool::StitchJson,
                &stitch_program,
                &spec,
                args.runs,
                &cache,
                &meter,
            ),
        ];
        if args.anchors {
            generated.push(generate::measure(
                Tool::Progenitor,
                &progenitor,
                &spec,
                anchor_runs,
                &cache,
                &meter,
            ));
            generated.push(generate::measure(
                Tool::OpenApiGenerator,
                &openapi_generator,
                &spec,
                anchor_runs,
                &cache,
                &meter,
            ));
        }
        results.push(SpecResult { spec, generated });
    }

    let checks = if args.check {
        checks(root, &cache, &results, args.check_runs, &meter)
    } else {
        Vec::new()
    };
    // The per-tag section in the same run; its row of all features is the check above.
    let per_tag = if args.check {
        let all = checks
            .iter()
            .find(|c| c.spec == "github" && c.tool == Tool::StitchPages)
            .map(|c| {
                c.outcome
                    .as_ref()
                    .map(check::CheckFigures::median)
                    .map_err(Clone::clone)
            });
        let measured = features::measure(root, &cache, &stitch, &meter, args.graph, all);
        if let Err(why) = &measured {
            eprintln!("bench: the per-tag section did not run: {why}");
        }
        measured
    } else if args.quick {
        Err("not run (--quick)".to_owned())
    } else {
        Err("not run (--no-check)".to_owned())
    };

    if args.stages {
        stages(root, &cache)?;
    }

    // The command as typed (for the report): this program's arguments after `bench`.
    let mut command = String::from("cargo xtask bench");
    for arg in std::env::args_os().skip(2) {
        command.push(' ');
        command.push_str(&arg.to_string_lossy());
    }
    let results = Results {
        command,
        machine,
        runs: (args.runs, if args.anchors { anchor_runs } else { 0 }),
        check_runs: if args.check { args.check_runs } else { 0 },
        specs: results,
        checks,
        per_tag,
        graph: args.graph,
        total: start.elapsed(),
        others: meter.others(),
    };
    print!("{}", report::tables(&results));
    let per_tag_section = results.per_tag.as_ref().ok().map(|rows| {
        features::section(
            &results.machine,
            &results.command,
            rows,
            report::anchor(&results).as_ref(),
            &results.others,
        )
    });
    if let Some(section) = &per_tag_section {
        print!("\n{section}");
    }
    if args.quick {
        eprintln!("bench: --quick: BENCHMARKS.md and BENCHMARKS.json left as they were");
        return Ok(());
    }
    let md = root.join("BENCHMARKS.md");
    // The sections `cargo xtask bench --per-tag` and `cargo xtask stream-bench` write (from
    // the first of their markers on) are kept; this run's per-tag section replaces its own.
    let kept = fs::read_to_string(&md)
        .ok()
        .and_then(|old| {
            let at = [features::MARKER, crate::stream_bench::MARKER]
                .iter()
                .filter_map(|marker| old.find(marker))
                .min()?;
            Some(old[at..].to_owned())
        })
        .map(|section| format!("\n{section}"))
        .unwrap_or_default();
    let main = report::markdown(&results);
    let doc = match &per_tag_section {
        Some(section) if kept.contains(features::MARKER) => {
            text::replace_section(&(main + &kept), features::MARKER, section)
        }
        Some(section) => format!("{main}\n{section}{kept}"),
        None => main + &kept,
    };
    fs::write(&md, doc).map_err(|e| format!("cannot write {}: {e}", md.display()))?;
    let json_path = root.join("BENCHMARKS.json");
    let mut text = serde_json::to_string_pretty(&report::json(&results))
        .map_err(|e| format!("cannot write the results as JSON: {e}"))?;
    text.push('\n');
    fs::write(&json_path, text)
        .map_err(|e| format!("cannot write {}: {e}", json_path.display()))?;
    eprintln!(
        "bench: wrote BENCHMARKS.md and BENCHMARKS.json in {:.0} s",
        results.total.as_secs_f64()
    );
    Ok(())
}

/// Builds the release binary of stitch and returns its path.
fn build_stitch(root: &Path) -> Result<PathBuf, String> {
    eprintln!("bench: cargo build --release -p stitch");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "-p", "stitch"])
        .current_dir(root)
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !status.success() {
        return Err(format!(
            "cargo build --release -p stitch failed ({status}); fix the build and run again"
        ));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map_or_else(|| root.join("target"), |dir| root.join(dir));
    let program = target
        .join("release")
        .join(format!("stitch{}", std::env::consts::EXE_SUFFIX));
    if !program.is_file() {
        return Err(format!(
            "cargo build --release -p stitch left no {}",
            program.display()
        ));
    }
    Ok(program)
}

/// Times `cargo check` of stitch's GitHub clients (from pages, from the whole JSON file) and
/// Syntho client and of openapi-generator's GitHub client, where they were generated.
fn checks(
    root: &Path,
    cache: &Path,
    results: &[SpecResult],
    runs: usize,
    meter: &measure::Meter,
) -> Vec<check::Checked> {
    let lockfile = root.join("Cargo.lock");
    let lockfile = lockfile.is_file().then_some(lockfile);
    let wanted = [
        ("github", Tool::StitchPages),
        ("github", Tool::StitchJson),
        ("github", Tool::OpenApiGenerator),
        ("syntho", Tool::StitchPages),
    ];
    let mut out = Vec::new();
    for (label, tool) in wanted {
        let Some(spec) = results.iter().find(|r| r.spec.label == label) else {
            continue;
        };
        let Some(generated) = spec.generated.iter().find(|g| g.tool == tool) else {
            continue;
        };
        let checked = match &generated.outcome {
            Ok(figures) => check::check(
                label,
                tool,
                &figures.out,
                if tool.is_stitch() {
                    lockfile.as_deref()
                } else {
                    None
                },
                runs,
                cache,
                meter,
            ),
            Err(_) => check::Checked {
                spec: label.to_owned(),
                tool,
                outcome: Err("not generated".to_owned()),
            },
        };
        out.push(checked);
    }
    out
}

/// Runs the per-stage benches (`cargo bench -p stitch --bench pipeline`), their output on
/// stderr, with GitHub's spec where this run put it.
fn stages(root: &Path, cache: &Path) -> Result<(), String> {
    eprintln!("bench: cargo bench -p stitch --bench pipeline");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["bench", "-p", "stitch", "--bench", "pipeline"])
        .current_dir(root)
        .env("STITCH_BENCH_GITHUB", inputs::github_dir(cache))
        .stdin(Stdio::null())
        .stdout(Stdio::from(std::io::stderr()))
        .status()
        .map_err(|e| format!("cannot run cargo bench: {e}"))?;
    if !status.success() {
        return Err(format!(
            "cargo bench -p stitch --bench pipeline failed ({status})"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The settings of `cargo xtask bench ARGS..`.
    fn parse(args: &[&str]) -> Result<Args, String> {
        use clap::Parser as _;
        let all = std::iter::once("bench").chain(args.iter().copied());
        let flags = Bench::try_parse_from(all).map_err(|e| e.to_string())?;
        Ok(settings(&flags))
    }

    #[test]
    fn arguments() {
        let defaults = parse(&[]).expect("parses");
        assert_eq!(
            defaults,
            Args {
                runs: 5,
                check_runs: 1,
                quick: false,
                anchors: true,
                check: true,
                stages: false,
                graph: false
            }
        );
        let quick = parse(&["--quick", "--runs=2"]).expect("parses");
        assert_eq!((quick.runs, quick.anchors, quick.check), (2, false, false));
        assert_eq!(parse(&["--runs", "3"]).expect("parses").runs, 3);
        assert_eq!(parse(&["--check-runs", "2"]).expect("parses").check_runs, 2);
        assert!(parse(&["--graph"]).expect("parses").graph);
        assert!(parse(&["--per-tag", "--graph"]).expect("parses").graph);
        let bare = parse(&["--no-anchors", "--no-check"]).expect("parses");
        assert_eq!(
            (bare.anchors, bare.check, bare.quick),
            (false, false, false)
        );
        assert!(parse(&["--runs", "0"]).is_err());
        assert!(parse(&["--", "sh"]).is_err());
        assert!(parse(&["--runs"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
    }

    #[test]
    fn slugs_are_one_folder() {
        assert_eq!(slug("docker.com/engine"), "docker.com-engine");
        assert_eq!(slug("github"), "github");
    }
}
