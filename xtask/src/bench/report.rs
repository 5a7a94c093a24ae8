//! The report of a bench run: markdown tables (generation, stitch/anchor ratios, `cargo
//! check`, the targets as met or missed) for stdout and `BENCHMARKS.md`, and the same
//! figures as JSON for `BENCHMARKS.json`. Rows come in the order the run measured them (specs
//! in a fixed order, generators in [`Tool`] order), so the output is deterministic for given
//! figures.
//!
//! Where stitch is compared with an anchor, stitch's figure is the slower (or larger) of its
//! two inputs, pages and whole JSON file, so that no target is met by choosing the kinder one.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Value, json};

use super::anchors::Tool;
use super::check::Checked;
use super::features::{self, Anchor, Row};
use super::generate::{Figures, Generated};
use super::inputs::Spec;
use super::machine::Machine;
use super::measure::Others;
use super::text::{first_line, megabytes, seconds};
use crate::plural;

/// Everything a run measured.
#[derive(Debug, Clone)]
pub struct Results {
    /// The command as typed, e.g. `cargo xtask bench --runs 3`.
    pub command: String,
    /// The machine.
    pub machine: Machine,
    /// Runs per generator: stitch's and the anchors'.
    pub runs: (usize, usize),
    /// Timed `cargo check` runs per client.
    pub check_runs: usize,
    /// Per spec, what each generator did.
    pub specs: Vec<SpecResult>,
    /// The `cargo check` timings (empty with `--no-check`).
    pub checks: Vec<Checked>,
    /// The rows of the per-tag section ([`features`]), or why it did not run.
    pub per_tag: Result<Vec<Row>, String>,
    /// Whether the per-tag section measured Microsoft Graph (`--graph`).
    pub graph: bool,
    /// Wall time of the whole run.
    pub total: Duration,
    /// What other processes used during each measured command.
    pub others: Vec<Others>,
}

/// One spec and what each generator did with it.
#[derive(Debug, Clone)]
pub struct SpecResult {
    /// The spec.
    pub spec: Spec,
    /// One entry per generator, in [`Tool`] order.
    pub generated: Vec<Generated>,
}

impl SpecResult {
    /// The figures of `tool`, when it ran and succeeded.
    fn figures(&self, tool: Tool) -> Option<&Figures> {
        self.generated
            .iter()
            .find(|g| g.tool == tool)
            .and_then(|g| g.outcome.as_ref().ok())
    }

    /// Stitch's figures for comparisons: wall, peak and lines, each the larger over its two
    /// inputs (only those that succeeded; `None` when neither did).
    fn stitch_worst(&self) -> Option<(Duration, u64, u64)> {
        let both: Vec<&Figures> = [Tool::StitchPages, Tool::StitchJson]
            .into_iter()
            .filter_map(|tool| self.figures(tool))
            .collect();
        let wall = both.iter().map(|f| f.wall).max()?;
        let peak = both.iter().map(|f| f.peak_rss).max()?;
        let lines = both.iter().map(|f| f.size.lines).max()?;
        Some((wall, peak, lines))
    }
}

/// Whether a target was met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Measured and met.
    Met,
    /// Measured and missed.
    Missed,
    /// Not measured, and why.
    NotMeasured(String),
}

impl Verdict {
    /// The verdict of a comparison.
    pub(super) fn of(met: bool) -> Verdict {
        if met { Verdict::Met } else { Verdict::Missed }
    }

    /// The table cell.
    fn cell(&self) -> String {
        match self {
            Verdict::Met => "met".to_owned(),
            Verdict::Missed => "**missed**".to_owned(),
            Verdict::NotMeasured(why) => format!("not measured ({why})"),
        }
    }

    /// The JSON value.
    fn key(&self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::Missed => "missed",
            Verdict::NotMeasured(_) => "not measured",
        }
    }
}

/// One of the targets and how the run did.
#[derive(Debug, Clone)]
pub struct Target {
    /// What the target asks.
    pub target: String,
    /// What was measured.
    pub measured: String,
    /// The anchor's figure beside it, where the target has one (empty otherwise).
    pub anchor: String,
    /// Met, missed or not measured.
    pub verdict: Verdict,
}

/// The targets of the issue, judged on `results`.
pub fn targets(results: &Results) -> Vec<Target> {
    let github = results.specs.iter().find(|s| s.spec.label == "github");
    let pages = github.and_then(|s| s.figures(Tool::StitchPages));
    let og = github.and_then(|s| s.figures(Tool::OpenApiGenerator));
    let og_missing = |what: &str| {
        github
            .and_then(|s| {
                s.generated
                    .iter()
                    .find(|g| g.tool == Tool::OpenApiGenerator)
            })
            .map_or_else(
                || format!("{what} did not run"),
                |_| format!("{what} failed"),
            )
    };
    let mut out = Vec::new();

    out.push(match pages {
        Some(f) => Target {
            target: "GitHub from pages: wall ≤ 2 s".to_owned(),
            measured: seconds(f.wall),
            anchor: String::new(),
            verdict: Verdict::of(f.wall <= Duration::from_secs(2)),
        },
        None => unmeasured(
            "GitHub from pages: wall ≤ 2 s",
            "stitch failed on the pages",
        ),
    });
    out.push(match pages {
        Some(f) => Target {
            target: "GitHub from pages: peak memory ≤ 300 MB".to_owned(),
            measured: megabytes(f.peak_rss),
            anchor: String::new(),
            verdict: Verdict::of(f.peak_rss <= 300_000_000),
        },
        None => unmeasured(
            "GitHub from pages: peak memory ≤ 300 MB",
            "stitch failed on the pages",
        ),
    });

    let worst = github.and_then(SpecResult::stitch_worst);
    let target = "GitHub: ≥ 5× faster than openapi-generator";
    out.push(match (worst, og) {
        (Some((wall, _, _)), Some(og)) => {
            let speedup = ratio(og.wall.as_secs_f64(), wall.as_secs_f64());
            Target {
                target: target.to_owned(),
                measured: format!(
                    "{} vs {}: {}× faster",
                    seconds(wall),
                    seconds(og.wall),
                    fixed(speedup, 1)
                ),
                anchor: String::new(),
                verdict: Verdict::of(speedup >= 5.0),
            }
        }
        (None, _) => unmeasured(target, "stitch failed"),
        (_, None) => unmeasured(target, &og_missing("openapi-generator")),
    });
    let target = "GitHub: lines ≤ 0.5× openapi-generator's";
    out.push(match (worst, og) {
        (Some((_, _, lines)), Some(og)) => {
            let share = ratio(lines as f64, og.size.lines as f64);
            Target {
                target: target.to_owned(),
                measured: format!(
                    "{} vs {}: {}×",
                    thousands(lines),
                    thousands(og.size.lines),
                    fixed(share, 2)
                ),
                anchor: String::new(),
                verdict: Verdict::of(share <= 0.5),
            }
        }
        (None, _) => unmeasured(target, "stitch failed"),
        (_, None) => unmeasured(target, &og_missing("openapi-generator")),
    });

    let check_of = |tool: Tool| {
        results
            .checks
            .iter()
            .find(|c| c.spec == "github" && c.tool == tool)
    };
    let stitch_check = check_of(Tool::StitchPages);
    let og_check = check_of(Tool::OpenApiGenerator);
    let not_checked = |check: Option<&Checked>, whose: &str| match check {
        None => format!("{whose} client not checked"),
        Some(_) => format!("{whose} client does not build"),
    };
    let stitch_figures = stitch_check.and_then(|c| c.outcome.as_ref().ok());
    let target = "cargo check of the GitHub client ≤ 60 s";
    out.push(match stitch_figures {
        Some(f) => Target {
            target: target.to_owned(),
            measured: seconds(f.wall),
            anchor: String::new(),
            verdict: Verdict::of(f.wall <= Duration::from_secs(60)),
        },
        None => unmeasured(target, &not_checked(stitch_check, "stitch's")),
    });
    let target = "cargo check of the GitHub client: peak memory ≤ 3 GB";
    out.push(match stitch_figures {
        Some(f) => Target {
            target: target.to_owned(),
            measured: megabytes(f.peak_rss),
            anchor: String::new(),
            verdict: Verdict::of(f.peak_rss <= 3_000_000_000),
        },
        None => unmeasured(target, &not_checked(stitch_check, "stitch's")),
    });
    let target = "cargo check of the GitHub client ≤ 0.5× openapi-generator's";
    let og_figures = og_check.and_then(|c| c.outcome.as_ref().ok());
    out.push(match (stitch_figures, og_figures) {
        (Some(s), Some(o)) => {
            let share = ratio(s.wall.as_secs_f64(), o.wall.as_secs_f64());
            Target {
                target: target.to_owned(),
                measured: format!(
                    "{} vs {}: {}×",
                    seconds(s.wall),
                    seconds(o.wall),
                    fixed(share, 2)
                ),
                anchor: String::new(),
                verdict: Verdict::of(share <= 0.5),
            }
        }
        (None, _) => unmeasured(target, &not_checked(stitch_check, "stitch's")),
        (_, None) => unmeasured(target, &not_checked(og_check, "openapi-generator's")),
    });

    let target = "wall ≤ progenitor's on every spec progenitor handles";
    let mut compared = Vec::new();
    let mut all_met = true;
    for spec in &results.specs {
        let (Some(progenitor), Some((wall, _, _))) =
            (spec.figures(Tool::Progenitor), spec.stitch_worst())
        else {
            continue;
        };
        all_met &= wall <= progenitor.wall;
        compared.push(format!(
            "{}: {} vs {}",
            spec.spec.label,
            seconds(wall),
            seconds(progenitor.wall)
        ));
    }
    out.push(if compared.is_empty() {
        let ran = results
            .specs
            .iter()
            .any(|s| s.generated.iter().any(|g| g.tool == Tool::Progenitor));
        unmeasured(
            target,
            if ran {
                "progenitor handled no spec"
            } else {
                "progenitor did not run"
            },
        )
    } else {
        Target {
            target: target.to_owned(),
            measured: compared.join("; "),
            anchor: String::new(),
            verdict: Verdict::of(all_met),
        }
    });
    out.extend(super::goals::targets(results));
    out
}

/// The anchor of the per-tag section and of issue 17's targets: `cargo check` of
/// openapi-generator's GitHub client in this run; `None` when it was not checked or failed.
pub fn anchor(results: &Results) -> Option<Anchor> {
    let github = results.specs.iter().find(|s| s.spec.label == "github")?;
    let check = results
        .checks
        .iter()
        .find(|c| c.spec == "github" && c.tool == Tool::OpenApiGenerator)?;
    let figures = check.outcome.as_ref().ok()?;
    Some(Anchor {
        wall: figures.wall,
        cpu: Some(figures.cpu),
        peak_rss: figures.peak_rss,
        operations: github.spec.operations,
        date: results.machine.date.clone(),
        same_run: true,
    })
}

/// A target that was not measured.
fn unmeasured(target: &'static str, why: &str) -> Target {
    Target {
        target: target.to_owned(),
        measured: "—".to_owned(),
        anchor: String::new(),
        verdict: Verdict::NotMeasured(why.to_owned()),
    }
}

/// The tables, for stdout and for `BENCHMARKS.md`.
pub fn tables(results: &Results) -> String {
    let mut out = String::new();
    out.push_str(
        "## Targets\n\nIssue 17's time targets are judged on CPU time (user + system of the \
         command and every process it waited for: cargo and each rustc) and memory on the peak \
         of the largest process; wall time is shown beside. Others' work on the machine inflates \
         CPU time too (up to ~1.5× with the second core busy), so each run first waits up to \
         30 s for quiet, and the run says what others used (top of this file). The anchor is openapi-generator's GitHub client, measured in the same run.\n\n\
         | target | measured | anchor | verdict |\n|---|---|---|---|\n",
    );
    for target in targets(results) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            target.target,
            target.measured,
            target.anchor,
            target.verdict.cell()
        );
    }

    out.push_str(
        "\n## Generation\n\nMedian of the runs; memory is peak resident memory; lines and \
         bytes of the generated `.rs` files.\n\n\
         | spec | operations | generator | wall | peak memory | lines | bytes | runs |\n\
         |---|---:|---|---:|---:|---:|---:|---:|\n",
    );
    for spec in &results.specs {
        for generated in &spec.generated {
            let first = format!(
                "| {} | {} | {} |",
                spec.spec.label,
                thousands(spec.spec.operations as u64),
                generated.tool.name()
            );
            match &generated.outcome {
                Ok(f) => {
                    let _ = writeln!(
                        out,
                        "{first} {} | {} | {} | {} | {} |",
                        seconds(f.wall),
                        megabytes(f.peak_rss),
                        thousands(f.size.lines),
                        thousands(f.size.bytes),
                        f.runs.len()
                    );
                }
                Err(why) => {
                    let _ = writeln!(out, "{first} {} | | | | |", cell_text(why));
                }
            }
        }
    }

    let mut ratios = String::new();
    for spec in &results.specs {
        for anchor in [Tool::Progenitor, Tool::OpenApiGenerator] {
            let Some(generated) = spec.generated.iter().find(|g| g.tool == anchor) else {
                continue;
            };
            let row = format!("| {} | {} |", spec.spec.label, anchor.name());
            let (Ok(a), Some((wall, peak, lines))) = (&generated.outcome, spec.stitch_worst())
            else {
                let failed = if generated.outcome.is_err() {
                    anchor.name()
                } else {
                    "stitch".to_owned()
                };
                let _ = writeln!(ratios, "{row} — | — | — | {failed} failed |");
                continue;
            };
            let _ = writeln!(
                ratios,
                "{row} {}× | {}× | {}× | |",
                times(ratio(wall.as_secs_f64(), a.wall.as_secs_f64())),
                times(ratio(peak as f64, a.peak_rss as f64)),
                times(ratio(lines as f64, a.size.lines as f64)),
            );
        }
    }
    if !ratios.is_empty() {
        out.push_str(
            "\n## stitch / anchor\n\nBelow 1 is better for stitch. Stitch's figure is the \
             larger of its two inputs (pages, whole JSON).\n\n\
             | spec | anchor | time | peak memory | lines | |\n|---|---|---:|---:|---:|---|\n",
        );
        out.push_str(&ratios);
    }

    if !results.checks.is_empty() {
        out.push_str(
            "\n## cargo check\n\n`cargo check` of the generated client with its dependencies \
             already built (`src/lib.rs` touched, `CARGO_INCREMENTAL=0`); median of the runs; \
             memory is the peak of cargo or rustc; CPU is user + system time of cargo and every \
             rustc it ran. stitch's GitHub client is checked from its pages and from the whole \
             JSON file.\n\n\
             | client | generator | wall | CPU | peak memory | runs |\n|---|---|---:|---:|---:|---:|\n",
        );
        for check in &results.checks {
            let first = format!("| {} | {} |", check.spec, check.tool.name());
            match &check.outcome {
                Ok(f) => {
                    let _ = writeln!(
                        out,
                        "{first} {} | {} | {} | {} |",
                        seconds(f.wall),
                        seconds(f.cpu),
                        megabytes(f.peak_rss),
                        f.runs.len()
                    );
                }
                Err(why) => {
                    let _ = writeln!(out, "{first} {} | | | |", cell_text(why));
                }
            }
        }
    }
    out
}

/// The whole `BENCHMARKS.md`.
pub fn markdown(results: &Results) -> String {
    let m = &results.machine;
    let mut out = String::from(
        "# Benchmarks\n\n\
         Written by `cargo xtask bench` (`xtask/src/bench/`); do not edit by hand, run it again. \
         Every figure below comes from one run on one machine, anchors included, so the ratios \
         compare tools measured side by side. The same figures are in `BENCHMARKS.json`.\n\n",
    );
    let _ = write!(
        out,
        "- command: `{}`\n- date: {}\n- CPU: {}, {} cores\n- memory: {}\n- OS: {}\n- rustc: {}\n\
         - load average when the run started: {}\n\
         - other processes during the measured commands: {}\n\
         - runs: stitch {}, anchors {}, cargo check {} (medians reported)\n\
         - the whole run took {}\n\n",
        results.command,
        m.date,
        m.cpu,
        m.cores,
        gigabytes(m.memory),
        m.os,
        m.rustc,
        m.load,
        super::quiet::words(&results.others),
        results.runs.0,
        results.runs.1,
        results.check_runs,
        minutes(results.total),
    );
    out.push_str("Specs:\n\n");
    for spec in &results.specs {
        let _ = writeln!(
            out,
            "- {}: {} ({} operations, {} of JSON, {})",
            spec.spec.label,
            spec.spec.origin,
            thousands(spec.spec.operations as u64),
            megabytes(spec.spec.json_bytes),
            plural(spec.spec.page_count, "page")
        );
    }
    out.push('\n');
    out.push_str(&tables(results));
    out.push_str(METHOD);
    out
}

/// How the figures are taken, for `BENCHMARKS.md`.
const METHOD: &str = "
## Method

- stitch is the release binary (`cargo build --release -p stitch`), run as
  `target/release/stitch generate --quiet --out DIR --crate-name NAME INPUT`, once on the folder
  of pages and once on the whole JSON file. The anchors read the whole JSON file:
  `cargo progenitor -i SPEC -o DIR -n NAME -v 0.1.0` and
  `openapi-generator-cli generate -g rust --skip-validate-spec -i SPEC -o DIR`.
- Every run writes into a fresh folder. Wall time is `std::time::Instant` around the child;
  peak memory is the `ru_maxrss` that `wait4` returns for the child, which is the largest
  single process of its tree (the JVM under openapi-generator's Python wrapper, rustc under
  cargo); 1 MB = 10^6 bytes. Linux carries a process's peak across `exec`, so each command is
  started by a small helper process (a copy of the xtask binary), not by the harness, which
  holds GitHub's spec in memory; the helper's few MB are the floor of every figure. Lines and
  bytes count the generated `.rs` files only.
- The pages are GitBook-style pages made from the whole spec by the corpus harness's splitter
  (`xtask/src/corpus/split.rs`): one page per tag, one section per operation, each fence a
  self-contained OpenAPI document with the components that operation reaches. So the pages
  hold only reachable components, and a spec with others (GitHub's: 969 schemas, 344 of them
  used only by its `x-webhooks`) generates less from its pages than from its JSON file.
- `cargo check` runs in a throwaway workspace under `.cache/bench/check/` with the target folder
  `.cache/bench/target/`: once with an empty `src/lib.rs` to build the dependencies (untimed),
  then timed with the crate's own `src/lib.rs`, touched before each run (one run by default;
  `--check-runs N` for a median). stitch's clients use the
  repository's `Cargo.lock`; openapi-generator's client builds with its default features
  (native-tls).
- stitch's GitHub client is checked as generated from the pages and from the whole JSON file.
  The per-tag section below then checks the pages' client with sets of its features
  (`--no-default-features --features rustls,TAGS`) in the same target folder; its row of all
  features is the check of the default features above, not a second one. CPU time is user +
  system time of cargo and every rustc it waited for (`wait4`'s rusage); issue 17's targets
  of time are judged on it, and memory on the peak of the largest process.
- Everything fetched or installed (the spec, cargo-progenitor, a Python venv with
  openapi-generator-cli) is kept in `.cache/bench/` and reused. An anchor that cannot be
  installed, fails or panics is reported in its row; it does not fail the run.
- The stages of the pipeline (source, merge, model, emit, write) are measured separately by
  `cargo bench -p stitch --bench pipeline` (divan), on the Syntho pages and, once this command
  has fetched it, on GitHub's spec (`STITCH_BENCH_GITHUB` overrides where it is looked for);
  `cargo xtask bench --stages` runs it after the rest.
";

/// The results as JSON.
pub fn json(results: &Results) -> Value {
    let m = &results.machine;
    let specs: Vec<Value> = results
        .specs
        .iter()
        .map(|spec| {
            let generators: Vec<Value> = spec
                .generated
                .iter()
                .map(|g| {
                    let value = json!({"generator": g.tool.key(), "name": g.tool.name()});
                    with_outcome(value, &g.outcome, |f, value| {
                        value["wall_seconds"] = json!(f.wall.as_secs_f64());
                        value["peak_rss_bytes"] = json!(f.peak_rss);
                        value["rs_files"] = json!(f.size.files);
                        value["rs_lines"] = json!(f.size.lines);
                        value["rs_bytes"] = json!(f.size.bytes);
                        value["runs"] = runs_json(&f.runs);
                    })
                })
                .collect();
            json!({
                "spec": spec.spec.label,
                "origin": spec.spec.origin,
                "operations": spec.spec.operations,
                "json_bytes": spec.spec.json_bytes,
                "pages": spec.spec.page_count,
                "generators": generators,
            })
        })
        .collect();
    let checks: Vec<Value> = results
        .checks
        .iter()
        .map(|check| {
            let value = json!({"spec": check.spec, "generator": check.tool.key()});
            with_outcome(value, &check.outcome, |f, value| {
                value["wall_seconds"] = json!(f.wall.as_secs_f64());
                value["cpu_seconds"] = json!(f.cpu.as_secs_f64());
                value["peak_rss_bytes"] = json!(f.peak_rss);
                value["runs"] = runs_json(&f.runs);
            })
        })
        .collect();
    let targets: Vec<Value> = targets(results)
        .into_iter()
        .map(|t| {
            let mut value = json!({
                "target": t.target,
                "measured": t.measured,
                "verdict": t.verdict.key(),
            });
            if !t.anchor.is_empty() {
                value["anchor"] = json!(t.anchor);
            }
            if let Verdict::NotMeasured(why) = &t.verdict {
                value["why"] = json!(why);
            }
            value
        })
        .collect();
    json!({
        "command": results.command,
        "date": m.date,
        "machine": {
            "cpu": m.cpu,
            "cores": m.cores,
            "memory_bytes": m.memory,
            "os": m.os,
            "rustc": m.rustc,
            "load_average": m.load,
        },
        "others_cores": results.others.iter().map(|o| json!({
            "command": o.command,
            "cores": o.cores,
        })).collect::<Vec<_>>(),
        "runs": {
            "stitch": results.runs.0,
            "anchors": results.runs.1,
            "cargo_check": results.check_runs,
        },
        "total_seconds": results.total.as_secs_f64(),
        "targets": targets,
        "specs": specs,
        "cargo_check": checks,
        "per_tag": match &results.per_tag {
            Ok(rows) => features::json_of(
                m,
                &results.command,
                rows,
                anchor(results).as_ref(),
            ),
            Err(why) => json!({"status": "not run", "why": why}),
        },
    })
}

/// `value` with the outcome of a run: `"status": "ok"` and what `figures` adds, or
/// `"status": "failed"` and the error.
fn with_outcome<T>(
    mut value: Value,
    outcome: &Result<T, String>,
    figures: impl FnOnce(&T, &mut Value),
) -> Value {
    match outcome {
        Ok(f) => {
            value["status"] = json!("ok");
            figures(f, &mut value);
        }
        Err(why) => {
            value["status"] = json!("failed");
            value["error"] = json!(why);
        }
    }
    value
}

/// Every run of a measurement as JSON.
fn runs_json(runs: &[super::measure::Sample]) -> Value {
    runs.iter()
        .map(|s| {
            json!({
                "wall_seconds": s.wall.as_secs_f64(),
                "cpu_seconds": s.cpu.as_secs_f64(),
                "peak_rss_bytes": s.peak_rss,
            })
        })
        .collect()
}

/// `a / b`, or infinity for a zero `b`.
fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 { f64::INFINITY } else { a / b }
}

/// A ratio with two decimals, three below 0.1 (`0.004` rather than `0.00`).
fn times(value: f64) -> String {
    if value < 0.1 {
        fixed(value, 3)
    } else {
        fixed(value, 2)
    }
}

/// A number with `digits` decimals.
fn fixed(value: f64, digits: usize) -> String {
    format!("{value:.digits$}")
}

/// "2 min 13 s".
fn minutes(duration: Duration) -> String {
    let s = duration.as_secs();
    if s < 60 {
        format!("{s} s")
    } else {
        format!("{} min {} s", s / 60, s % 60)
    }
}

/// Bytes as decimal gigabytes: "25.2 GB".
fn gigabytes(bytes: u64) -> String {
    format!("{:.1} GB", bytes as f64 / 1e9)
}

/// "334,123".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An error message as one table cell: its first line, pipes escaped, at most 160 characters.
fn cell_text(message: &str) -> String {
    let line = first_line(message).replace('|', "\\|");
    match line.char_indices().nth(160) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1_223), "1,223");
        assert_eq!(thousands(334_123), "334,123");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(seconds(Duration::from_millis(3520)), "3.52 s");
        assert_eq!(seconds(Duration::from_millis(42)), "0.042 s");
        assert_eq!(minutes(Duration::from_secs(133)), "2 min 13 s");
        assert_eq!(times(0.004), "0.004");
        assert_eq!(times(0.76), "0.76");
        assert_eq!(cell_text("a | b\nmore"), "a \\| b");
    }

    #[test]
    fn verdicts() {
        assert_eq!(Verdict::of(true), Verdict::Met);
        assert_eq!(Verdict::of(false).cell(), "**missed**");
        assert_eq!(Verdict::NotMeasured("x".into()).cell(), "not measured (x)");
    }
}
