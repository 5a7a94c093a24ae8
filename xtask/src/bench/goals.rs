//! Issue 17's targets as rows of the report's targets table, each with its figure, the anchor
//! beside it (openapi-generator's GitHub client, measured in the same run) and its verdict,
//! judged on CPU time and peak memory ([`super::limits`]). Pure: it reads [`Results`].
//!
//! Where each figure comes from: generation from GitHub's pages is the run's generation of
//! the pages (median of `--runs`); all features and the whole-JSON client are the run's
//! `cargo check` of stitch's GitHub clients (median of `--check-runs`); `repos` + `issues` and
//! Microsoft Graph are rows of the per-tag section ([`super::features`]), Graph only with
//! `--graph`.

use super::anchors::Tool;
use super::features::{Row, anchor_words, ids};
use super::limits::{self, Limit, sample_words};
use super::measure::{self, Sample};
use super::report::{Results, Target, Verdict};

/// The targets table's rows for issue 17, in the issue's order of figures.
pub fn targets(results: &Results) -> Vec<Target> {
    let anchor = super::report::anchor(results);
    let anchor_check = anchor
        .as_ref()
        .map_or_else(|| "not checked".to_owned(), anchor_words);
    let github = results.specs.iter().find(|s| s.spec.label == "github");
    let generated = |tool: Tool| {
        github
            .and_then(|s| s.generated.iter().find(|g| g.tool == tool))
            .and_then(|g| g.outcome.as_ref().ok())
            .map(|f| Sample {
                wall: f.wall,
                peak_rss: f.peak_rss,
                cpu: measure::median_duration(&f.runs.iter().map(|s| s.cpu).collect::<Vec<_>>()),
            })
    };
    let checked = |tool: Tool| {
        let check = results
            .checks
            .iter()
            .find(|c| c.spec == "github" && c.tool == tool);
        match check.map(|c| &c.outcome) {
            Some(Ok(figures)) => Ok(figures.median()),
            Some(Err(why)) => Err(format!("does not build: {}", super::text::first_line(why))),
            None => Err("not checked".to_owned()),
        }
    };
    let per_tag = |id: &str| -> Result<Sample, String> {
        let rows: &[Row] = results.per_tag.as_deref().map_err(Clone::clone)?;
        match rows.iter().find(|row| row.id == id).map(|row| &row.outcome) {
            Some(Ok(sample)) => Ok(*sample),
            Some(Err(why)) => Err(format!("failed: {}", super::text::first_line(why))),
            None => Err("not run".to_owned()),
        }
    };
    let graph = |id: &str| {
        if results.graph {
            per_tag(id)
        } else {
            Err("not run: pass --graph".to_owned())
        }
    };

    let og_generate =
        generated(Tool::OpenApiGenerator).map_or_else(|| "—".to_owned(), |s| sample_words(&s));
    let mut out = vec![
        judged(
            &limits::GITHUB_GENERATE,
            generated(Tool::StitchPages).ok_or_else(|| "stitch failed on the pages".to_owned()),
            og_generate,
        ),
        judged(
            &limits::GITHUB_ALL,
            checked(Tool::StitchPages),
            anchor_check.clone(),
        ),
        judged(
            &limits::GITHUB_TWO_TAGS,
            per_tag(ids::GITHUB_TWO_TAGS),
            anchor_check.clone(),
        ),
        judged(
            &limits::GITHUB_WHOLE_JSON,
            checked(Tool::StitchJson),
            anchor_check,
        ),
        judged(
            &limits::GRAPH_GENERATE,
            graph(ids::GRAPH_GENERATE),
            String::new(),
        ),
    ];
    let mut one_tag = judged(
        &limits::GRAPH_ONE_TAG,
        graph(ids::GRAPH_ONE_TAG),
        String::new(),
    );
    if let Ok(all) = graph(ids::GRAPH_ALL) {
        one_tag.measured = format!("{}; all features: {}", one_tag.measured, sample_words(&all));
    }
    out.push(one_tag);
    out
}

/// One target judged: the figure and the verdict, or why it was not measured.
fn judged(limit: &Limit, outcome: Result<Sample, String>, anchor: String) -> Target {
    match outcome {
        Ok(sample) => {
            let judged = limits::judge(&sample, limit);
            let mut measured = sample_words(&sample);
            if judged == limits::Judged::MetByCpu {
                measured.push_str(" (met by CPU time; wall time over on a shared machine)");
            }
            Target {
                target: limit.title(),
                measured,
                anchor,
                verdict: Verdict::of(judged.met()),
            }
        }
        Err(why) => Target {
            target: limit.title(),
            measured: "—".to_owned(),
            anchor,
            verdict: Verdict::NotMeasured(why),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_target_is_met_by_cpu_time_missed_or_not_measured() {
        let met = judged(
            &limits::GITHUB_TWO_TAGS,
            Ok(Sample::of(7.0, 20.0, 500)),
            "a".to_owned(),
        );
        assert_eq!(met.verdict, Verdict::Met);
        assert_eq!(
            met.measured,
            "7.00 s CPU (20.0 s wall), 500 MB (met by CPU time; wall time over on a shared machine)"
        );
        let missed = judged(
            &limits::GITHUB_TWO_TAGS,
            Ok(Sample::of(7.0, 7.0, 601)),
            String::new(),
        );
        assert_eq!(missed.verdict, Verdict::Missed);
        let not = judged(
            &limits::GRAPH_GENERATE,
            Err("not run: pass --graph".to_owned()),
            String::new(),
        );
        assert_eq!(
            not.verdict,
            Verdict::NotMeasured("not run: pass --graph".to_owned())
        );
        assert_eq!(not.measured, "—");
    }

    use crate::bench::check::{CheckFigures, Checked};
    use crate::bench::generate::{Figures, Generated, Size};
    use crate::bench::inputs::Spec;
    use crate::bench::report::{Results, SpecResult, tables};

    fn figures(s: Sample) -> Figures {
        Figures {
            runs: vec![s],
            wall: s.wall,
            peak_rss: s.peak_rss,
            size: Size::default(),
            out: "out".into(),
        }
    }

    fn checked(tool: Tool, outcome: Result<Sample, &str>) -> Checked {
        Checked {
            spec: "github".to_owned(),
            tool,
            outcome: outcome
                .map(|s| CheckFigures {
                    runs: vec![s],
                    wall: s.wall,
                    peak_rss: s.peak_rss,
                    cpu: s.cpu,
                })
                .map_err(str::to_owned),
        }
    }

    fn results(per_tag: Result<Vec<Row>, String>, graph: bool) -> Results {
        let spec = Spec {
            label: "github".to_owned(),
            origin: "@octokit/openapi".to_owned(),
            crate_name: "github-client".to_owned(),
            json: "api.github.com.json".into(),
            pages: "pages".into(),
            operations: 1223,
            json_bytes: 13_000_000,
            page_count: 47,
        };
        Results {
            command: "cargo xtask bench".to_owned(),
            machine: crate::bench::machine::Machine {
                cpu: "AMD EPYC".to_owned(),
                cores: 2,
                memory: 0,
                os: "Linux".to_owned(),
                rustc: "rustc".to_owned(),
                date: "2026-12-03".to_owned(),
                load: "1.00".to_owned(),
            },
            runs: (5, 3),
            check_runs: 1,
            specs: vec![SpecResult {
                spec,
                generated: vec![
                    Generated {
                        tool: Tool::StitchPages,
                        outcome: Ok(figures(Sample::of(0.45, 0.7, 196))),
                    },
                    Generated {
                        tool: Tool::OpenApiGenerator,
                        outcome: Ok(figures(Sample::of(30.0, 12.7, 958))),
                    },
                ],
            }],
            checks: vec![
                checked(Tool::StitchPages, Ok(Sample::of(38.0, 40.6, 2965))),
                checked(Tool::StitchJson, Err("exited with code 101\nerror[E0425]")),
                checked(Tool::OpenApiGenerator, Ok(Sample::of(99.5, 102.2, 6894))),
            ],
            per_tag,
            graph,
            total: Duration::from_secs(600),
            others: Vec::new(),
        }
    }

    fn per_tag_row(id: &'static str, outcome: Result<Sample, String>) -> Row {
        Row {
            id,
            what: "cargo check (github)".to_owned(),
            subject: id.to_owned(),
            operations: 262,
            outcome,
            target: None,
        }
    }

    #[test]
    fn issue_17s_targets_are_rows_with_the_anchor_of_the_same_run() {
        let rows = vec![per_tag_row(
            ids::GITHUB_TWO_TAGS,
            Ok(Sample::of(7.9, 8.5, 590)),
        )];
        let run = results(Ok(rows), false);
        let targets = targets(&run);
        let by = |start: &str| {
            targets
                .iter()
                .find(|t| t.target.contains(start))
                .unwrap_or_else(|| panic!("no target {start}"))
        };
        let generate = by("from its pages ≤ 0.5 s");
        assert_eq!(generate.verdict, Verdict::Met);
        assert_eq!(generate.anchor, "30.0 s CPU (12.7 s wall), 958 MB");
        let all = by("all features");
        assert_eq!(all.verdict, Verdict::Missed);
        assert_eq!(all.measured, "38.0 s CPU (40.6 s wall), 2965 MB");
        assert_eq!(all.anchor, "99.5 s CPU (102.2 s wall), 6894 MB");
        let two = by("`repos` + `issues`");
        assert_eq!(two.verdict, Verdict::Met);
        assert!(two.measured.contains("met by CPU time"), "{}", two.measured);
        let whole = by("whole-JSON");
        assert_eq!(
            whole.verdict,
            Verdict::NotMeasured("does not build: exited with code 101".to_owned())
        );
        for graph in [by("Microsoft Graph"), by("Graph v1.0, one tag")] {
            assert_eq!(
                graph.verdict,
                Verdict::NotMeasured("not run: pass --graph".to_owned())
            );
        }

        // With --graph, Graph's rows are judged, the full figure beside the one tag's.
        let rows = vec![
            per_tag_row(ids::GRAPH_GENERATE, Err("exited with code 2".to_owned())),
            per_tag_row(ids::GRAPH_ONE_TAG, Ok(Sample::of(50.0, 70.0, 2900))),
            per_tag_row(ids::GRAPH_ALL, Ok(Sample::of(900.0, 1000.0, 30_000))),
        ];
        let run = results(Ok(rows), true);
        let targets = super::targets(&run);
        let by = |start: &str| {
            targets
                .iter()
                .find(|t| t.target.contains(start))
                .unwrap_or_else(|| panic!("no target {start}"))
        };
        assert_eq!(
            by("Microsoft Graph").verdict,
            Verdict::NotMeasured("failed: exited with code 2".to_owned())
        );
        let one = by("one tag");
        assert_eq!(one.verdict, Verdict::Met);
        assert!(
            one.measured
                .ends_with("; all features: 900.0 s CPU (1000.0 s wall), 30000 MB"),
            "{}",
            one.measured
        );
        assert_eq!(
            by("`repos` + `issues`").verdict,
            Verdict::NotMeasured("not run".to_owned())
        );

        // Without the per-tag section, its targets say why.
        let run = results(Err("not run (--no-check)".to_owned()), true);
        let table = tables(&run);
        assert!(
            table.contains(
                "| issue 17: cargo check, GitHub from pages, `repos` + `issues` ≤ 8 s, ≤ 600 MB \
                 | — | 99.5 s CPU (102.2 s wall), 6894 MB | not measured (not run (--no-check)) |"
            ),
            "{table}"
        );
        assert!(
            table.contains("| target | measured | anchor | verdict |"),
            "{table}"
        );
        assert!(
            table.contains("| github | stitch (JSON) | exited with code 101 | | | |"),
            "{table}"
        );
    }
}
