//! `cargo xtask bench --per-tag [--graph]`: what the per-tag cargo features of a large client
//! cost to check (issue 17), written as its own section of `BENCHMARKS.md`.
//!
//! GitHub's client is generated from its pages (timed), copied into a throwaway workspace, its
//! dependencies checked once (untimed), then `cargo check` is timed with growing sets of
//! features: none (the runtime alone), the first tags in name order until about 100, 300 and
//! 1,000 operations, the two tags `repos` and `issues`, and all (the default, `full`). With
//! `--graph`, Microsoft Graph v1.0 (`microsoft.com/graph` of the APIs.guru corpus, 20 MB) is
//! generated from its whole file (timed) and its client checked with one tag's feature
//! (`users-user`) and with all of them.
//!
//! Each figure is wall time, CPU time (user and system, of cargo and every rustc it waited
//! for) and peak resident memory of the largest process. On a shared machine wall time grows
//! with the load; CPU time and peak memory barely do, so the section shows all three. The
//! anchor (openapi-generator's GitHub client) is read from `BENCHMARKS.json`, the last full
//! run's. The section sits before the streamed-bodies section, from [`MARKER`]; the full
//! bench keeps it.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::Duration;

use super::check;
use super::measure::{Meter, Sample};
use super::text::{first_line, megabytes, write_section};

/// Where the section of `BENCHMARKS.md` this command writes begins.
pub const MARKER: &str = "<!-- cargo xtask bench --per-tag -->";

/// The Graph spec's id in the corpus.
const GRAPH_ID: &str = "microsoft.com/graph";
/// The one feature of Graph's client checked alone (the `users.user` tag: the user entity).
const GRAPH_TAG: &str = "users-user";

/// One timed run: what it was, how many operations it compiled, and its figures.
#[derive(Debug, Clone)]
pub struct Row {
    /// What was run (`generate`, `cargo check`).
    pub what: String,
    /// The features (or input) in words.
    pub subject: String,
    /// Operations compiled (for checks), or in the spec (for generation).
    pub operations: usize,
    /// The figures, or why there are none.
    pub outcome: Result<Sample, String>,
    /// The target for this row, in words, with its limits (seconds, bytes).
    pub target: Option<(String, f64, u64)>,
}

/// A set of features to check: in words, the names, the operations they compile, the target.
type Set = (String, Vec<String>, usize, Option<(String, f64, u64)>);

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

/// Runs the per-tag section: GitHub always, Graph with `graph`; writes the section.
pub fn run(
    root: &Path,
    cache: &Path,
    machine: &super::machine::Machine,
    stitch: &Path,
    meter: &Meter,
    graph: bool,
) -> Result<(), String> {
    let mut rows = Vec::new();
    let github = super::inputs::github(cache)?;
    let out = cache.join("per-tag").join("github");
    let lockfile = root.join("Cargo.lock");
    let generated = generate(
        meter,
        stitch,
        &github.pages,
        &out,
        "github-client",
        cache,
        "GitHub from pages",
        github.operations,
        Some(("generate from pages ≤ 0.5 s".to_owned(), 0.5, u64::MAX)),
        &mut rows,
    );
    if generated {
        let lib = fs::read_to_string(out.join("src/lib.rs"))
            .map_err(|e| format!("cannot read the GitHub client's lib.rs: {e}"))?;
        let features = crate_features(&lib);
        let mut sets: Vec<Set> = vec![(
            "no feature (the runtime alone)".to_owned(),
            Vec::new(),
            0,
            None,
        )];
        for target in [100, 300, 1000] {
            if let Some((names, sum)) = first_features(&features, target) {
                let tags = if names.len() == 1 { "tag" } else { "tags" };
                let subject = format!(
                    "first {} {tags} by name (≥ {target} operations)",
                    names.len()
                );
                sets.push((subject, names, sum, None));
            }
        }
        let count = |name: &str| features.iter().find(|f| f.0 == name).map_or(0, |f| f.1);
        sets.push((
            "`repos`, `issues`".to_owned(),
            vec!["repos".to_owned(), "issues".to_owned()],
            count("repos") + count("issues"),
            Some(("two tags ≤ 8 s, ≤ 600 MB".to_owned(), 8.0, 600_000_000)),
        ));
        let all: usize = features.iter().map(|f| f.1).sum();
        sets.push((
            format!("all {} features (default)", features.len()),
            vec!["full".to_owned()],
            all,
            Some((
                "all features ≤ 25 s, ≤ 1.5 GB".to_owned(),
                25.0,
                1_500_000_000,
            )),
        ));
        checks("github", &out, &lockfile, cache, meter, sets, &mut rows)?;
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
            "graph-client",
            cache,
            "Microsoft Graph v1.0, whole file",
            operations,
            Some(("generate ≤ 10 s, ≤ 2 GB".to_owned(), 10.0, 2_000_000_000)),
            &mut rows,
        );
        if generated {
            let lib = fs::read_to_string(out.join("src/lib.rs"))
                .map_err(|e| format!("cannot read Graph's lib.rs: {e}"))?;
            let features = crate_features(&lib);
            let count = |name: &str| features.iter().find(|f| f.0 == name).map_or(0, |f| f.1);
            let all: usize = features.iter().map(|f| f.1).sum();
            let sets = vec![
                (
                    format!("`{GRAPH_TAG}` alone"),
                    vec![GRAPH_TAG.to_owned()],
                    count(GRAPH_TAG),
                    Some(("one tag ≤ 60 s, ≤ 3 GB".to_owned(), 60.0, 3_000_000_000)),
                ),
                (
                    format!("all {} features (default)", features.len()),
                    vec!["full".to_owned()],
                    all,
                    None,
                ),
            ];
            checks("graph", &out, &lockfile, cache, meter, sets, &mut rows)?;
        }
    }
    let section = section(machine, &rows, &anchor(root));
    print!("{section}");
    write_section(root, MARKER, &section, "bench --per-tag")
}

/// Times `stitch generate` of `input` into `out`; a row either way; whether it generated.
#[allow(clippy::too_many_arguments)]
fn generate(
    meter: &Meter,
    stitch: &Path,
    input: &Path,
    out: &Path,
    crate_name: &str,
    cache: &Path,
    subject: &str,
    operations: usize,
    target: Option<(String, f64, u64)>,
    rows: &mut Vec<Row>,
) -> bool {
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
    for (subject, features, operations, target) in sets {
        check::touch(&lib)?;
        // `default-features = false` turns the TLS stack off too: name the default one.
        let joined = std::iter::once("rustls")
            .chain(features.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(",");
        let args = ["--no-default-features", "--features", joined.as_str()];
        eprintln!("bench --per-tag: cargo check of {name} with {subject}");
        let log = logs.join(format!("per-tag-{name}-{}.log", rows.len()));
        let outcome = meter
            .run(&mut check::cargo_check(&workspace, cache, &args), &log)
            .and_then(|o| match o.failure {
                None => Ok(o.sample),
                Some(failure) => Err(failure),
            });
        if let Ok(sample) = &outcome {
            eprintln!(
                "bench --per-tag: {:.1} s wall, {:.1} s CPU, {}",
                sample.wall.as_secs_f64(),
                sample.cpu.as_secs_f64(),
                megabytes(sample.peak_rss)
            );
        }
        rows.push(Row {
            what: format!("cargo check ({name})"),
            subject,
            operations,
            outcome,
            target,
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

/// openapi-generator's GitHub client in the last full run (`BENCHMARKS.json`): wall seconds,
/// peak bytes and the run's date; `None` when there is none.
fn anchor(root: &Path) -> Option<(f64, u64, String)> {
    let text = fs::read_to_string(root.join("BENCHMARKS.json")).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let date = value.get("date")?.as_str()?.to_owned();
    let row = value.get("cargo_check")?.as_array()?.iter().find(|row| {
        row.get("spec").and_then(|s| s.as_str()) == Some("github")
            && row.get("generator").and_then(|s| s.as_str()) == Some("openapi-generator")
    })?;
    Some((
        row.get("wall_seconds")?.as_f64()?,
        row.get("peak_rss_bytes")?.as_u64()?,
        date,
    ))
}

fn seconds(duration: Duration) -> String {
    let s = duration.as_secs_f64();
    if s < 10.0 {
        format!("{s:.2} s")
    } else {
        format!("{s:.1} s")
    }
}

/// The section of `BENCHMARKS.md`.
fn section(
    machine: &super::machine::Machine,
    rows: &[Row],
    anchor: &Option<(f64, u64, String)>,
) -> String {
    let mut out = format!(
        "{MARKER}\n## Per-tag cargo features: cargo check by what is compiled\n\n\
         Written by `cargo xtask bench --per-tag` (`xtask/src/bench/features.rs`), {} on {} \
         ({} cores, load {} when it started). Generation is the release binary; `cargo check` \
         runs with the dependencies already checked, `CARGO_INCREMENTAL=0`, \
         `--no-default-features --features rustls,...`. CPU is user + system time of cargo and every \
         rustc it ran; peak memory is the largest single process. This machine is shared: wall \
         time is inflated by the load, CPU time and peak memory much less; judge by those.\n\n\
         | run | what | operations | wall | CPU | peak memory | target | verdict |\n\
         |---|---|---:|---:|---:|---:|---|---|\n",
        machine.date, machine.cpu, machine.cores, machine.load
    );
    for row in rows {
        let (wall, cpu, peak, verdict) = match &row.outcome {
            Ok(s) => {
                let verdict = row
                    .target
                    .as_ref()
                    .map_or(String::new(), |(_, secs, bytes)| {
                        let time_ok = s.cpu.as_secs_f64() <= *secs;
                        let wall_ok = s.wall.as_secs_f64() <= *secs;
                        let memory_ok = s.peak_rss <= *bytes;
                        match (time_ok, wall_ok, memory_ok) {
                            (true, true, true) => "met".to_owned(),
                            (true, false, true) => "met by CPU time, not by wall time".to_owned(),
                            (_, _, false) if time_ok => "missed: memory".to_owned(),
                            (false, _, true) => "missed: time".to_owned(),
                            _ => "missed: time and memory".to_owned(),
                        }
                    });
                (
                    seconds(s.wall),
                    seconds(s.cpu),
                    megabytes(s.peak_rss),
                    verdict,
                )
            }
            Err(why) => (
                format!("failed: {}", first_line(why).replace('|', "\\|")),
                String::new(),
                String::new(),
                "failed".to_owned(),
            ),
        };
        let target = row.target.as_ref().map_or("", |t| t.0.as_str());
        let _ = writeln!(
            out,
            "| {} | {} | {} | {wall} | {cpu} | {peak} | {target} | {verdict} |",
            row.what, row.subject, row.operations
        );
    }
    if let Some((wall, peak, date)) = anchor {
        let _ = write!(
            out,
            "\nThe anchor: `cargo check` of openapi-generator's GitHub client took {wall:.1} s and \
             {} in the last full run ({date}, the table above).\n",
            megabytes(*peak)
        );
    }
    out
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
}
