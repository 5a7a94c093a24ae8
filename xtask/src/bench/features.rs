//! The per-tag section of the bench (issue 17): what the per-tag cargo features of a large
//! client cost to check, beside the anchor, written as its own section of `BENCHMARKS.md` and
//! under `per_tag` in `BENCHMARKS.json`. The full `cargo xtask bench` runs it after its own
//! checks; `cargo xtask bench --per-tag [--graph]` runs it alone, as the quick run.
//!
//! GitHub's client is generated from its pages (timed), copied into a throwaway workspace, its
//! dependencies checked once (untimed), then `cargo check` is timed with growing sets of
//! features: none (the runtime alone), the first tags in name order until about 100, 300 and
//! 1,000 operations, the two tags `repos` and `issues`, and all (the default, `full`; in the
//! full run this is the run's own check of the client, not checked twice). With `--graph`,
//! Microsoft Graph v1.0 (`microsoft.com/graph` of the APIs.guru corpus, 20 MB) is generated
//! from its whole file (timed) and its client checked with one tag's feature (`users-user`)
//! and with all of them.
//!
//! Each figure is wall time, CPU time (user and system, of cargo and every rustc it waited
//! for) and peak resident memory of the largest process; targets are judged on CPU time and
//! memory ([`super::limits`]). The anchor (openapi-generator's GitHub client) comes from the
//! same run in the full bench, and from `BENCHMARKS.json` (the last full run's) with
//! `--per-tag`. The growth of the check with the number of operations is [`super::growth`].
//! The section begins at [`MARKER`]; the full bench replaces it and keeps those after it.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use super::check;
use super::limits::{self, Limit};
use super::measure::{Meter, Others, Sample};
use super::text::{first_line, megabytes, seconds, write_section};

/// Where the section of `BENCHMARKS.md` this command writes begins.
pub const MARKER: &str = "<!-- cargo xtask bench --per-tag -->";

/// The Graph spec's id in the corpus.
const GRAPH_ID: &str = "microsoft.com/graph";
/// The one feature of Graph's client checked alone (the `users.user` tag: the user entity).
const GRAPH_TAG: &str = "users-user";

/// The ids of the rows, which the targets table and the growth table look rows up by.
pub mod ids {
    /// `stitch generate` of GitHub's pages.
    pub const GITHUB_GENERATE: &str = "github-generate";
    /// GitHub's client without features: the runtime alone.
    pub const GITHUB_NONE: &str = "github-none";
    /// GitHub's client with the first tags up to about 100 operations.
    pub const GITHUB_100: &str = "github-100";
    /// … about 300 operations.
    pub const GITHUB_300: &str = "github-300";
    /// … about 1,000 operations.
    pub const GITHUB_1000: &str = "github-1000";
    /// GitHub's client with `repos` and `issues`.
    pub const GITHUB_TWO_TAGS: &str = "github-repos-issues";
    /// GitHub's client with all features (the default).
    pub const GITHUB_ALL: &str = "github-all";
    /// `stitch generate` of Graph's whole file.
    pub const GRAPH_GENERATE: &str = "graph-generate";
    /// Graph's client with one tag's feature.
    pub const GRAPH_ONE_TAG: &str = "graph-one-tag";
    /// Graph's client with all features.
    pub const GRAPH_ALL: &str = "graph-all";
}

/// One timed run: what it was, how many operations it compiled, and its figures.
#[derive(Debug, Clone)]
pub struct Row {
    /// Which run this is, one of [`ids`].
    pub id: &'static str,
    /// What was run (`generate`, `cargo check (github)`).
    pub what: String,
    /// The features (or input) in words.
    pub subject: String,
    /// Operations compiled (for checks), or in the spec (for generation).
    pub operations: usize,
    /// The figures, or why there are none.
    pub outcome: Result<Sample, String>,
    /// The issue's target for this row.
    pub target: Option<Limit>,
}

/// The anchor beside the figures: `cargo check` of openapi-generator's GitHub client.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    /// Wall time.
    pub wall: Duration,
    /// CPU time, when the run recorded it (runs before it was recorded did not).
    pub cpu: Option<Duration>,
    /// Peak memory, bytes.
    pub peak_rss: u64,
    /// The operations its client holds (GitHub's, all of them).
    pub operations: usize,
    /// The date of the run that measured it.
    pub date: String,
    /// Whether it was measured in the same run as the rows beside it.
    pub same_run: bool,
}

/// A set of features to check.
struct Set {
    id: &'static str,
    subject: String,
    features: Vec<String>,
    operations: usize,
    target: Option<Limit>,
}

/// A feature of a generated crate: its name and number of operations, as the crate docs list
/// them (`//! - `repos`: tag `repos`, 201 operations`).
pub fn crate_features(lib_rs: &str) -> Vec<(String, usize)> {
    lib_rs
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("//! - `")?;
            let (name, rest) = rest.split_once('`')?;
            let count = rest.rsplit_once(", ")?.1.split(' ').next()?;
            Some((name.to_owned(), count.parse().ok()?))
        })
        .collect()
}

/// The first features in name order whose operations add up to at least `target`, and that
/// sum; `None` when all of them do not.
pub fn first_features(features: &[(String, usize)], target: usize) -> Option<(Vec<String>, usize)> {
    let mut names = Vec::new();
    let mut sum = 0;
    for (name, count) in features {
        if sum >= target {
            break;
        }
        names.push(name.clone());
        sum += count;
    }
    (sum >= target).then_some((names, sum))
}

/// The sets of features GitHub's client is checked with, given its features: none, the
/// first tags by name up to 100, 300 and 1,000 operations, `repos` and `issues`, and all.
fn github_sets(features: &[(String, usize)]) -> Vec<Set> {
    let mut sets = vec![Set {
        id: ids::GITHUB_NONE,
        subject: "no feature (the runtime alone)".to_owned(),
        features: Vec::new(),
        operations: 0,
        target: None,
    }];
    for (id, target) in [
        (ids::GITHUB_100, 100),
        (ids::GITHUB_300, 300),
        (ids::GITHUB_1000, 1000),
    ] {
        if let Some((names, sum)) = first_features(features, target) {
            let tags = if names.len() == 1 { "tag" } else { "tags" };
            sets.push(Set {
                id,
                subject: format!(
                    "first {} {tags} by name (≥ {target} operations)",
                    names.len()
                ),
                features: names,
                operations: sum,
                target: None,
            });
        }
    }
    let count = |name: &str| features.iter().find(|f| f.0 == name).map_or(0, |f| f.1);
    sets.push(Set {
        id: ids::GITHUB_TWO_TAGS,
        subject: "`repos`, `issues`".to_owned(),
        features: vec!["repos".to_owned(), "issues".to_owned()],
        operations: count("repos") + count("issues"),
        target: Some(limits::GITHUB_TWO_TAGS),
    });
    sets.push(Set {
        id: ids::GITHUB_ALL,
        subject: format!("all {} features (default)", features.len()),
        features: vec!["full".to_owned()],
        operations: features.iter().map(|f| f.1).sum(),
        target: Some(limits::GITHUB_ALL),
    });
    sets
}

/// Measures the section's rows: GitHub always, Graph with `graph`. `all`, when given, is the
/// outcome of a check of GitHub's client with its default features made elsewhere in the run,
/// which stands for the row of all features instead of checking it again.
pub fn measure(
    root: &Path,
    cache: &Path,
    stitch: &Path,
    meter: &Meter,
    graph: bool,
    all: Option<Result<Sample, String>>,
) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    let github = super::inputs::github(cache)?;
    let out = cache.join("per-tag").join("github");
    let lockfile = root.join("Cargo.lock");
    let generated = generate(
        meter,
        stitch,
        &github.pages,
        &out,
        ("github-client", ids::GITHUB_GENERATE),
        cache,
        "GitHub from pages",
        github.operations,
        Some(limits::GITHUB_GENERATE),
        &mut rows,
    );
    if generated {
        let lib = fs::read_to_string(out.join("src/lib.rs"))
            .map_err(|e| format!("cannot read the GitHub client's lib.rs: {e}"))?;
        let mut sets = github_sets(&crate_features(&lib));
        let mut all_row = None;
        if let Some(outcome) = all {
            if let Some(at) = sets.iter().position(|set| set.id == ids::GITHUB_ALL) {
                let set = sets.remove(at);
                all_row = Some(Row {
                    id: set.id,
                    what: "cargo check (github)".to_owned(),
                    subject: format!(
                        "{}; the run's check above)",
                        set.subject.trim_end_matches(')')
                    ),
                    operations: set.operations,
                    outcome,
                    target: set.target,
                });
            }
        }
        checks("github", &out, &lockfile, cache, meter, sets, &mut rows)?;
        rows.extend(all_row);
    }
    if graph {
        let corpus = crate::corpus::fetch::corpus(&root.join(".cache/corpus"))?;
        let spec = corpus.path_of(GRAPH_ID);
        let operations = count_operations(&spec)?;
        let out = cache.join("per-tag").join("graph");
        let generated = generate(
            meter,
            stitch,
            &spec,
            &out,
            ("graph-client", ids::GRAPH_GENERATE),
            cache,
            "Microsoft Graph v1.0, whole file",
            operations,
            Some(limits::GRAPH_GENERATE),
            &mut rows,
        );
        if generated {
            let lib = fs::read_to_string(out.join("src/lib.rs"))
                .map_err(|e| format!("cannot read Graph's lib.rs: {e}"))?;
            let features = crate_features(&lib);
            let count = |name: &str| features.iter().find(|f| f.0 == name).map_or(0, |f| f.1);
            let sets = vec![
                Set {
                    id: ids::GRAPH_ONE_TAG,
                    subject: format!("`{GRAPH_TAG}` alone"),
                    features: vec![GRAPH_TAG.to_owned()],
                    operations: count(GRAPH_TAG),
                    target: Some(limits::GRAPH_ONE_TAG),
                },
                Set {
                    id: ids::GRAPH_ALL,
                    subject: format!("all {} features (default)", features.len()),
                    features: vec!["full".to_owned()],
                    operations: features.iter().map(|f| f.1).sum(),
                    target: None,
                },
            ];
            checks("graph", &out, &lockfile, cache, meter, sets, &mut rows)?;
        }
    }
    Ok(rows)
}

/// `cargo xtask bench --per-tag [--graph]`: measures the rows, prints the section and writes
/// it into `BENCHMARKS.md` and its figures into `BENCHMARKS.json` (under `per_tag`; the rest
/// of the file, the last full run's, is kept), with the anchor of the last full run.
pub fn run(
    root: &Path,
    cache: &Path,
    machine: &super::machine::Machine,
    stitch: &Path,
    meter: &Meter,
    graph: bool,
) -> Result<(), String> {
    let rows = measure(root, cache, stitch, meter, graph, None)?;
    let json_path = root.join("BENCHMARKS.json");
    let old = fs::read_to_string(&json_path).ok();
    let anchor = old.as_deref().and_then(anchor_from_json);
    let command = if graph {
        "cargo xtask bench --per-tag --graph"
    } else {
        "cargo xtask bench --per-tag"
    };
    let section = section(machine, command, &rows, anchor.as_ref(), &meter.others());
    print!("{section}");
    write_section(root, MARKER, &section, "bench --per-tag")?;
    let mut value = old
        .as_deref()
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));
    value["per_tag"] = json_of(machine, command, &rows, anchor.as_ref());
    let mut text = serde_json::to_string_pretty(&value)
        .map_err(|e| format!("cannot write the results as JSON: {e}"))?;
    text.push('\n');
    fs::write(&json_path, text)
        .map_err(|e| format!("cannot write {}: {e}", json_path.display()))?;
    eprintln!("bench --per-tag: wrote its figures into BENCHMARKS.json (per_tag)");
    Ok(())
}

/// Times `stitch generate` of `input` into `out`; a row either way; whether it generated.
/// `names` is the crate's name and the row's id.
#[allow(clippy::too_many_arguments)]
fn generate(
    meter: &Meter,
    stitch: &Path,
    input: &Path,
    out: &Path,
    names: (&str, &'static str),
    cache: &Path,
    subject: &str,
    operations: usize,
    target: Option<Limit>,
    rows: &mut Vec<Row>,
) -> bool {
    let (crate_name, id) = names;
    eprintln!("bench --per-tag: generating {subject}");
    let _ignored = crate::corpus::fetch::remove_dir(out);
    let mut command = std::process::Command::new(stitch);
    command
        .args(["generate", "--quiet", "--out"])
        .arg(out)
        .args(["--crate-name", crate_name])
        .arg(input);
    let log = cache
        .join("logs")
        .join(format!("per-tag-generate-{crate_name}.log"));
    let outcome = match meter.run(&mut command, &log) {
        Ok(outcome) => match outcome.failure {
            None => Ok(outcome.sample),
            Some(failure) => Err(failure),
        },
        Err(e) => Err(e),
    };
    let ok = outcome.is_ok();
    rows.push(Row {
        id,
        what: "generate".to_owned(),
        subject: subject.to_owned(),
        operations,
        outcome,
        target,
    });
    ok
}

/// Times `cargo check` of the crate in `crate_dir` with each set of features, after checking
/// its dependencies once.
fn checks(
    name: &str,
    crate_dir: &Path,
    lockfile: &Path,
    cache: &Path,
    meter: &Meter,
    sets: Vec<Set>,
    rows: &mut Vec<Row>,
) -> Result<(), String> {
    let workspace = check::workspace(&format!("per-tag-{name}"), crate_dir, Some(lockfile), cache)?;
    let lib = workspace.join("crate/src/lib.rs");
    let source = fs::read(&lib).map_err(|e| format!("cannot read {}: {e}", lib.display()))?;
    fs::write(
        &lib,
        "//! Stands in for the crate while its dependencies build.\n",
    )
    .map_err(|e| format!("cannot write {}: {e}", lib.display()))?;
    eprintln!("bench --per-tag: cargo check of {name}: dependencies first (untimed)");
    let logs = cache.join("logs");
    let warm = meter.run(
        &mut check::cargo_check(&workspace, cache, &[]),
        &logs.join(format!("per-tag-{name}-warm.log")),
    )?;
    fs::write(&lib, source).map_err(|e| format!("cannot write {}: {e}", lib.display()))?;
    if let Some(failure) = warm.failure {
        return Err(format!(
            "the dependencies of {name}'s client do not build: {failure}"
        ));
    }
    for set in sets {
        check::touch(&lib)?;
        // `default-features = false` turns the TLS stack off too: name the default one.
        let joined = std::iter::once("rustls")
            .chain(set.features.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(",");
        let args = ["--no-default-features", "--features", joined.as_str()];
        eprintln!(
            "bench --per-tag: cargo check of {name} with {}",
            set.subject
        );
        let log = logs.join(format!("per-tag-{}.log", set.id));
        let outcome = meter
            .run(&mut check::cargo_check(&workspace, cache, &args), &log)
            .and_then(|o| match o.failure {
                None => Ok(o.sample),
                Some(failure) => Err(failure),
            });
        if let Ok(sample) = &outcome {
            eprintln!("bench --per-tag: {}", limits::sample_words(sample));
        }
        rows.push(Row {
            id: set.id,
            what: format!("cargo check ({name})"),
            subject: set.subject,
            operations: set.operations,
            outcome,
            target: set.target,
        });
    }
    Ok(())
}

/// The operations of a whole OpenAPI file.
fn count_operations(path: &Path) -> Result<usize, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
    let paths = value.get("paths").and_then(serde_json::Value::as_object);
    Ok(paths.map_or(0, |paths| {
        paths
            .values()
            .filter_map(serde_json::Value::as_object)
            .flat_map(|item| item.keys())
            .filter(|key| stitch::method::HttpMethod::from_key(key).is_some())
            .count()
    }))
}

/// openapi-generator's GitHub client in a full run's `BENCHMARKS.json` (the text): its
/// `cargo check` figures, GitHub's operations and the run's date; `None` when there is none.
pub fn anchor_from_json(text: &str) -> Option<Anchor> {
    let value: Value = serde_json::from_str(text).ok()?;
    let date = value.get("date")?.as_str()?.to_owned();
    let row = value.get("cargo_check")?.as_array()?.iter().find(|row| {
        row.get("spec").and_then(Value::as_str) == Some("github")
            && row.get("generator").and_then(Value::as_str) == Some("openapi-generator")
    })?;
    let operations = value
        .get("specs")?
        .as_array()?
        .iter()
        .find(|spec| spec.get("spec").and_then(Value::as_str) == Some("github"))?
        .get("operations")?
        .as_u64()?;
    let secs = |key: &str| {
        row.get(key)
            .and_then(Value::as_f64)
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64)
    };
    Some(Anchor {
        wall: secs("wall_seconds")?,
        cpu: secs("cpu_seconds"),
        peak_rss: row.get("peak_rss_bytes")?.as_u64()?,
        operations: usize::try_from(operations).ok()?,
        date,
        same_run: false,
    })
}

/// The anchor in words: `102.2 s CPU (104.0 s wall), 6894 MB`, or without CPU time when the
/// run did not record it.
pub fn anchor_words(anchor: &Anchor) -> String {
    match anchor.cpu {
        Some(cpu) => limits::sample_words(&Sample {
            wall: anchor.wall,
            cpu,
            peak_rss: anchor.peak_rss,
        }),
        None => format!(
            "{} wall (CPU not recorded), {}",
            seconds(anchor.wall),
            megabytes(anchor.peak_rss)
        ),
    }
}

/// The section of `BENCHMARKS.md`, written by `command`: the rows, their targets and
/// verdicts, the anchor, and the growth table.
pub fn section(
    machine: &super::machine::Machine,
    command: &str,
    rows: &[Row],
    anchor: Option<&Anchor>,
    others: &[Others],
) -> String {
    let mut out = format!(
        "{MARKER}\n## Per-tag cargo features: cargo check by what is compiled\n\n\
         Written by `{command}` (`xtask/src/bench/features.rs`), {} on {} \
         ({} cores, load {} when it started). Generation is the release binary; `cargo check` \
         runs with the dependencies already checked, `CARGO_INCREMENTAL=0`, \
         `--no-default-features --features rustls,...`. CPU is user + system time of cargo and \
         every rustc it ran; peak memory is the largest single process. Targets are judged on \
         CPU time and peak memory (wall time beside). Others' work inflates CPU time too (up to \
         ~1.5× here with the second core busy), so each run first waits up to 30 s for quiet; \
         other processes during the runs: {}.\n\n\
         | run | what | operations | wall | CPU | peak memory | target | verdict |\n\
         |---|---|---:|---:|---:|---:|---|---|\n",
        machine.date,
        machine.cpu,
        machine.cores,
        machine.load,
        super::quiet::words(others)
    );
    for row in rows {
        let (wall, cpu, peak, verdict) = match &row.outcome {
            Ok(s) => (
                seconds(s.wall),
                seconds(s.cpu),
                megabytes(s.peak_rss),
                row.target
                    .as_ref()
                    .map_or("", |limit| limits::judge(s, limit).words()),
            ),
            Err(why) => (
                format!("failed: {}", first_line(why).replace('|', "\\|")),
                String::new(),
                String::new(),
                "failed",
            ),
        };
        let target = row.target.as_ref().map_or_else(String::new, Limit::words);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {wall} | {cpu} | {peak} | {target} | {verdict} |",
            row.what, row.subject, row.operations
        );
    }
    match anchor {
        Some(anchor) if anchor.same_run => {
            let _ = write!(
                out,
                "\nThe anchor: `cargo check` of openapi-generator's GitHub client ({} operations) \
                 took {} in this run.\n",
                anchor.operations,
                anchor_words(anchor)
            );
        }
        Some(anchor) => {
            let _ = write!(
                out,
                "\nThe anchor: `cargo check` of openapi-generator's GitHub client ({} operations) \
                 took {} in the last full run ({}, the tables above).\n",
                anchor.operations,
                anchor_words(anchor),
                anchor.date
            );
        }
        None => out.push_str(
            "\nThe anchor: no full run of `cargo xtask bench` has checked openapi-generator's \
             GitHub client yet.\n",
        ),
    }
    out.push_str(&super::growth::table(&super::growth::lines(rows, anchor)));
    out
}

/// The rows, the growth and the anchor as JSON (`per_tag` of `BENCHMARKS.json`).
pub fn json_of(
    machine: &super::machine::Machine,
    command: &str,
    rows: &[Row],
    anchor: Option<&Anchor>,
) -> Value {
    let growth = super::growth::json(&super::growth::lines(rows, anchor));
    let rows: Vec<Value> = rows
        .iter()
        .map(|row| {
            let mut value = json!({
                "id": row.id,
                "what": row.what,
                "subject": row.subject,
                "operations": row.operations,
            });
            if let Some(limit) = &row.target {
                value["target"] = json!(limit.words());
                value["target_cpu_seconds"] = json!(limit.seconds);
                value["target_peak_rss_bytes"] = json!(limit.bytes);
            }
            match &row.outcome {
                Ok(s) => {
                    value["status"] = json!("ok");
                    value["wall_seconds"] = json!(s.wall.as_secs_f64());
                    value["cpu_seconds"] = json!(s.cpu.as_secs_f64());
                    value["peak_rss_bytes"] = json!(s.peak_rss);
                    if let Some(limit) = &row.target {
                        let judged = limits::judge(s, limit);
                        value["verdict"] = json!(if judged.met() { "met" } else { "missed" });
                    }
                }
                Err(why) => {
                    value["status"] = json!("failed");
                    value["error"] = json!(why);
                }
            }
            value
        })
        .collect();
    let anchor = anchor.map(|a| {
        json!({
            "generator": "openapi-generator",
            "wall_seconds": a.wall.as_secs_f64(),
            "cpu_seconds": a.cpu.map(|c| c.as_secs_f64()),
            "peak_rss_bytes": a.peak_rss,
            "operations": a.operations,
            "date": a.date,
            "same_run": a.same_run,
        })
    });
    json!({
        "command": command,
        "date": machine.date,
        "load_average": machine.load,
        "rows": rows,
        "anchor": anchor,
        "growth": growth,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_read_from_the_crate_docs_and_summed_in_name_order() {
        let lib = "//! # Cargo features\n//!\n//! - `actions`: tag `actions`, 10 operations\n\
                   //! - `apps`: tag `apps, with a comma`, 1 operation\n\
                   //! - `untagged`: operations without a tag, 5 operations\n#![x]\n";
        let features = crate_features(lib);
        assert_eq!(
            features,
            [
                ("actions".to_owned(), 10),
                ("apps".to_owned(), 1),
                ("untagged".to_owned(), 5)
            ]
        );
        assert_eq!(
            first_features(&features, 11),
            Some((vec!["actions".to_owned(), "apps".to_owned()], 11))
        );
        assert_eq!(first_features(&features, 17), None);
    }

    fn named(features: &[(&str, usize)]) -> Vec<(String, usize)> {
        features
            .iter()
            .map(|(n, c)| ((*n).to_owned(), *c))
            .collect()
    }

    #[test]
    fn github_is_checked_with_none_growing_sets_two_tags_and_all() {
        let features = named(&[
            ("actions", 187),
            ("activity", 32),
            ("apps", 90),
            ("issues", 55),
            ("repos", 201),
            ("users", 500),
        ]);
        let sets = github_sets(&features);
        let ids: Vec<&str> = sets.iter().map(|s| s.id).collect();
        assert_eq!(
            ids,
            [
                ids::GITHUB_NONE,
                ids::GITHUB_100,
                ids::GITHUB_300,
                ids::GITHUB_1000,
                ids::GITHUB_TWO_TAGS,
                ids::GITHUB_ALL
            ]
        );
        assert!(sets[0].features.is_empty() && sets[0].target.is_none());
        assert_eq!(sets[1].subject, "first 1 tag by name (≥ 100 operations)");
        assert_eq!((sets[1].operations, sets[1].features.len()), (187, 1));
        assert_eq!(sets[2].subject, "first 3 tags by name (≥ 300 operations)");
        assert_eq!(sets[2].operations, 309);
        assert_eq!(sets[3].operations, 1065);
        assert_eq!(sets[4].features, ["repos", "issues"]);
        assert_eq!(sets[4].operations, 256);
        assert_eq!(sets[4].target, Some(limits::GITHUB_TWO_TAGS));
        assert_eq!(sets[5].features, ["full"]);
        assert_eq!(sets[5].subject, "all 6 features (default)");
        assert_eq!(sets[5].target, Some(limits::GITHUB_ALL));
        // A smaller API has no set it cannot fill.
        let small = github_sets(&named(&[("repos", 150), ("issues", 20)]));
        let ids: Vec<&str> = small.iter().map(|s| s.id).collect();
        assert_eq!(
            ids,
            [
                ids::GITHUB_NONE,
                ids::GITHUB_100,
                ids::GITHUB_TWO_TAGS,
                ids::GITHUB_ALL
            ]
        );
    }

    #[test]
    fn the_anchor_is_read_from_a_full_runs_json_with_or_without_cpu() {
        let text = r#"{"date": "2026-11-29",
            "specs": [{"spec": "syntho", "operations": 6}, {"spec": "github", "operations": 1223}],
            "cargo_check": [
                {"spec": "github", "generator": "stitch-pages", "wall_seconds": 40.6},
                {"spec": "github", "generator": "openapi-generator", "wall_seconds": 102.2,
                 "peak_rss_bytes": 6894000000}]}"#;
        let anchor = anchor_from_json(text).expect("an anchor");
        assert_eq!(anchor.operations, 1223);
        assert_eq!(anchor.cpu, None);
        assert_eq!(anchor.wall, Duration::from_secs_f64(102.2));
        assert!(!anchor.same_run);
        assert_eq!(
            anchor_words(&anchor),
            "102.2 s wall (CPU not recorded), 6894 MB"
        );
        let with_cpu = text.replace(
            "\"wall_seconds\": 102.2,",
            "\"wall_seconds\": 102.2, \"cpu_seconds\": 99.5,",
        );
        let anchor = anchor_from_json(&with_cpu).expect("an anchor");
        assert_eq!(anchor.cpu, Some(Duration::from_secs_f64(99.5)));
        assert_eq!(anchor_from_json("{}"), None);
        assert_eq!(anchor_from_json("not json"), None);
    }

    fn machine() -> crate::bench::machine::Machine {
        crate::bench::machine::Machine {
            cpu: "AMD EPYC".to_owned(),
            cores: 2,
            memory: 25_300_000_000,
            os: "Linux".to_owned(),
            rustc: "rustc 1.95.0".to_owned(),
            date: "2026-12-03".to_owned(),
            load: "1.00 1.00 1.00".to_owned(),
        }
    }

    fn row(id: &'static str, operations: usize, outcome: Result<Sample, String>) -> Row {
        Row {
            id,
            what: "cargo check (github)".to_owned(),
            subject: id.to_owned(),
            operations,
            outcome,
            target: match id {
                ids::GITHUB_TWO_TAGS => Some(limits::GITHUB_TWO_TAGS),
                ids::GITHUB_ALL => Some(limits::GITHUB_ALL),
                _ => None,
            },
        }
    }

    fn sample(cpu: f64, wall: f64, mb: u64) -> Sample {
        Sample::of(cpu, wall, mb)
    }

    #[test]
    fn the_section_shows_targets_verdicts_the_anchor_and_the_growth() {
        let rows = vec![
            row(ids::GITHUB_NONE, 0, Ok(sample(1.2, 9.2, 228))),
            row(ids::GITHUB_100, 187, Ok(sample(9.1, 48.2, 603))),
            row(ids::GITHUB_TWO_TAGS, 262, Ok(sample(7.5, 27.4, 590))),
            row(
                ids::GITHUB_ALL,
                1223,
                Err("exited with code 101\nmore".to_owned()),
            ),
        ];
        let anchor = Anchor {
            wall: Duration::from_secs_f64(102.2),
            cpu: Some(Duration::from_secs_f64(99.5)),
            peak_rss: 6_894_000_000,
            operations: 1223,
            date: "2026-12-03".to_owned(),
            same_run: true,
        };
        let text = section(&machine(), "cargo xtask bench", &rows, Some(&anchor), &[]);
        assert!(text.starts_with(MARKER), "{text}");
        assert!(text.contains("Written by `cargo xtask bench` ("), "{text}");
        assert!(
            text.contains(
                "| cargo check (github) | github-repos-issues | 262 | 27.4 s | 7.50 s | 590 MB \
             | ≤ 8 s, ≤ 600 MB | met by CPU time (wall time over: shared machine) |"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "| cargo check (github) | github-all | 1223 | failed: exited with code 101 |  |  \
             | ≤ 25 s, ≤ 1.5 GB | failed |"
            ),
            "{text}"
        );
        assert!(
            text.contains("took 99.5 s CPU (102.2 s wall), 6894 MB in this run."),
            "{text}"
        );
        assert!(
            text.contains("### Growth with the number of operations"),
            "{text}"
        );
        assert!(
            text.contains("| 187 | github-100 | 9.10 s | 48.2 s | 603 MB | 42 ms | 2.0 MB |"),
            "{text}"
        );
        let old = Anchor {
            same_run: false,
            ..anchor
        };
        let text = section(
            &machine(),
            "cargo xtask bench --per-tag",
            &rows,
            Some(&old),
            &[],
        );
        assert!(
            text.contains("in the last full run (2026-12-03, the tables above)."),
            "{text}"
        );
        let text = section(&machine(), "cargo xtask bench --per-tag", &rows, None, &[]);
        assert!(
            text.contains("no full run of `cargo xtask bench` has checked"),
            "{text}"
        );
    }

    #[test]
    fn the_json_has_every_row_its_verdict_and_the_growth() {
        let rows = vec![
            row(ids::GITHUB_NONE, 0, Ok(sample(1.0, 2.0, 200))),
            row(ids::GITHUB_TWO_TAGS, 262, Ok(sample(17.7, 27.4, 1033))),
            row(ids::GITHUB_ALL, 1223, Err("does not build".to_owned())),
        ];
        let value = json_of(&machine(), "cargo xtask bench --per-tag", &rows, None);
        assert_eq!(value["rows"][1]["id"], ids::GITHUB_TWO_TAGS);
        assert_eq!(value["rows"][1]["verdict"], "missed");
        assert_eq!(value["rows"][1]["target_peak_rss_bytes"], 600_000_000);
        assert_eq!(value["rows"][2]["status"], "failed");
        assert_eq!(value["rows"][0].get("verdict"), None);
        assert_eq!(value["anchor"], Value::Null);
        assert_eq!(value["growth"].as_array().map(Vec::len), Some(1));
    }
}
