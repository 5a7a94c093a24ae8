//! How the cost of `cargo check` of GitHub's client grows with the operations it compiles
//! (issue 17): the per-tag rows of about 100, 300 and 1,000 operations and all of them, CPU
//! time and memory per operation, and the anchor's per-operation figure beside them. Pure: it
//! reads rows measured by [`super::features`] and renders them.
//!
//! A row's per-operation figure is what it costs above the runtime alone (the row without
//! features), divided by its operations: the fixed cost of the runtime is not spread over the
//! operations. The anchor's crate has no part without operations to subtract, so its figure is
//! its whole cost divided by its operations (an upper bound of its marginal cost).

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Value, json};

use super::features::{Anchor, Row, ids};
use super::text::megabytes;
use super::text::seconds;

/// The rows of the growth table, in this order (growing operations).
const GROWTH: [&str; 5] = [
    ids::GITHUB_NONE,
    ids::GITHUB_100,
    ids::GITHUB_300,
    ids::GITHUB_1000,
    ids::GITHUB_ALL,
];

/// One line of the growth table.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// What was compiled, in words.
    pub subject: String,
    /// The operations compiled.
    pub operations: usize,
    /// Wall time.
    pub wall: Duration,
    /// CPU time, when known (an anchor from an old run has none).
    pub cpu: Option<Duration>,
    /// Peak memory, bytes.
    pub peak_rss: u64,
    /// CPU time per operation (see the module docs).
    pub cpu_per_operation: Option<Duration>,
    /// Peak memory per operation, bytes (see the module docs).
    pub bytes_per_operation: Option<u64>,
    /// Whether this is the anchor's line.
    pub anchor: bool,
}

/// The lines of the growth table from the per-tag `rows` (those that succeeded) and the
/// `anchor`.
pub fn lines(rows: &[Row], anchor: Option<&Anchor>) -> Vec<Line> {
    let measured = |id: &str| {
        rows.iter()
            .find(|row| row.id == id)
            .and_then(|row| row.outcome.as_ref().ok().map(|s| (row, *s)))
    };
    let base = measured(ids::GITHUB_NONE).map(|(_, s)| s);
    let mut out = Vec::new();
    for id in GROWTH {
        let Some((row, sample)) = measured(id) else {
            continue;
        };
        let per = |n: usize| (n > 0).then_some(n);
        let (cpu_per_operation, bytes_per_operation) = match (base, per(row.operations)) {
            (Some(base), Some(n)) => (
                Some(sample.cpu.saturating_sub(base.cpu) / u32::try_from(n).unwrap_or(u32::MAX)),
                Some(sample.peak_rss.saturating_sub(base.peak_rss) / n as u64),
            ),
            _ => (None, None),
        };
        out.push(Line {
            subject: row.subject.clone(),
            operations: row.operations,
            wall: sample.wall,
            cpu: Some(sample.cpu),
            peak_rss: sample.peak_rss,
            cpu_per_operation,
            bytes_per_operation,
            anchor: false,
        });
    }
    if let Some(anchor) = anchor.filter(|a| a.operations > 0) {
        let n = anchor.operations;
        out.push(Line {
            subject: "openapi-generator's client (the anchor), whole JSON".to_owned(),
            operations: n,
            wall: anchor.wall,
            cpu: anchor.cpu,
            peak_rss: anchor.peak_rss,
            cpu_per_operation: anchor
                .cpu
                .map(|cpu| cpu / u32::try_from(n).unwrap_or(u32::MAX)),
            bytes_per_operation: Some(anchor.peak_rss / n as u64),
            anchor: true,
        });
    }
    out
}

/// Milliseconds: "45 ms", "4.5 ms", "0.45 ms".
fn millis(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1e3;
    if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else if ms >= 1.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

/// The growth table as a markdown subsection; empty when no line was measured.
pub fn table(lines: &[Line]) -> String {
    if lines.iter().all(|line| line.anchor) {
        return String::new();
    }
    let mut out = String::from(
        "\n### Growth with the number of operations\n\n\
         `cargo check` of GitHub's client from its pages by the operations its features compile. \
         Per operation: what the run costs above the runtime alone (the row without features), \
         divided by its operations; the anchor's is its whole figure divided by its operations, \
         as its crate has no part without operations to subtract.\n\n\
         | operations | what | CPU | wall | peak memory | CPU per operation | memory per operation |\n\
         |---:|---|---:|---:|---:|---:|---:|\n",
    );
    for line in lines {
        let dash = || "—".to_owned();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            line.operations,
            line.subject,
            line.cpu.map_or_else(dash, seconds),
            seconds(line.wall),
            megabytes(line.peak_rss),
            line.cpu_per_operation.map_or_else(dash, millis),
            line.bytes_per_operation.map_or_else(dash, megabytes),
        );
    }
    out
}

/// The growth table as JSON.
pub fn json(lines: &[Line]) -> Value {
    lines
        .iter()
        .map(|line| {
            json!({
                "subject": line.subject,
                "operations": line.operations,
                "anchor": line.anchor,
                "wall_seconds": line.wall.as_secs_f64(),
                "cpu_seconds": line.cpu.map(|d| d.as_secs_f64()),
                "peak_rss_bytes": line.peak_rss,
                "cpu_seconds_per_operation": line.cpu_per_operation.map(|d| d.as_secs_f64()),
                "peak_rss_bytes_per_operation": line.bytes_per_operation,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::measure::Sample;

    fn row(id: &'static str, operations: usize, cpu: f64, mb: u64) -> Row {
        Row {
            id,
            what: "cargo check (github)".to_owned(),
            subject: id.to_owned(),
            operations,
            outcome: Ok(Sample {
                wall: Duration::from_secs_f64(cpu * 2.0),
                cpu: Duration::from_secs_f64(cpu),
                peak_rss: mb * 1_000_000,
            }),
            target: None,
        }
    }

    #[test]
    fn per_operation_figures_are_above_the_runtime_alone_and_the_anchor_whole() {
        let mut rows = vec![
            row(ids::GITHUB_GENERATE, 1223, 2.0, 200),
            row(ids::GITHUB_NONE, 0, 1.0, 200),
            row(ids::GITHUB_100, 100, 11.0, 400),
            row(ids::GITHUB_TWO_TAGS, 262, 17.0, 1000),
            row(ids::GITHUB_ALL, 1000, 61.0, 3200),
        ];
        rows[3].outcome = Err("does not build".to_owned());
        let anchor = Anchor {
            wall: Duration::from_secs(100),
            cpu: Some(Duration::from_secs(100)),
            peak_rss: 5_000_000_000,
            operations: 1000,
            date: "2026-12-03".to_owned(),
            same_run: true,
        };
        let lines = lines(&rows, Some(&anchor));
        let subjects: Vec<&str> = lines.iter().map(|l| l.subject.as_str()).collect();
        assert_eq!(
            subjects,
            [
                ids::GITHUB_NONE,
                ids::GITHUB_100,
                ids::GITHUB_ALL,
                "openapi-generator's client (the anchor), whole JSON"
            ]
        );
        assert_eq!(lines[0].cpu_per_operation, None);
        assert_eq!(lines[1].cpu_per_operation, Some(Duration::from_millis(100)));
        assert_eq!(lines[1].bytes_per_operation, Some(2_000_000));
        assert_eq!(lines[2].cpu_per_operation, Some(Duration::from_millis(60)));
        assert_eq!(lines[2].bytes_per_operation, Some(3_000_000));
        assert_eq!(lines[3].cpu_per_operation, Some(Duration::from_millis(100)));
        assert_eq!(lines[3].bytes_per_operation, Some(5_000_000));

        let table = table(&lines);
        assert!(
            table.contains("| 100 | github-100 | 11.0 s | 22.0 s | 400 MB | 100 ms | 2.0 MB |"),
            "{table}"
        );
        assert!(table.contains("| 0 | github-none | 1.00 s | 2.00 s | 200 MB | — | — |"));
        let value = json(&lines);
        assert_eq!(value[3]["anchor"], true);
        assert_eq!(value[1]["peak_rss_bytes_per_operation"], 2_000_000);
    }

    #[test]
    fn an_anchor_alone_makes_no_table_and_an_old_anchor_has_no_cpu() {
        let anchor = Anchor {
            wall: Duration::from_secs(100),
            cpu: None,
            peak_rss: 5_000_000_000,
            operations: 1000,
            date: "2026-11-29".to_owned(),
            same_run: false,
        };
        let lines = lines(&[], Some(&anchor));
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].cpu_per_operation, None);
        assert_eq!(table(&lines), "");
        assert_eq!(millis(Duration::from_micros(4500)), "4.5 ms");
        assert_eq!(millis(Duration::from_micros(450)), "0.45 ms");
    }
}
