//! Issue 17's targets as limits, and how one measured run is judged against one: a leaf, so
//! that the per-tag section ([`super::features`]) and the report's targets table
//! ([`super::goals`]) judge the same way.
//!
//! The time of a target is judged on **CPU time** (user + system of the command and every
//! process it waited for: cargo and each rustc), not wall time: the bench machine is shared, and
//! wall time grows with the others' load much more than CPU time does (CPU time grows too, up
//! to ~1.5× with the second core busy: see [`super::quiet`]). Both are reported; a run that
//! meets the limit by CPU time but not by wall time says so. Memory is the peak resident memory
//! of the largest single process.

use super::measure::Sample;
use super::text::seconds;

/// A target: what it measures, its time limit in seconds of CPU, and its memory limit in bytes
/// (`None` when the target sets none).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// What is measured, as the targets table names it.
    pub what: &'static str,
    /// The most CPU time, seconds.
    pub seconds: f64,
    /// The most peak memory, bytes.
    pub bytes: Option<u64>,
}

/// `cargo check` of GitHub's client from pages, all features.
pub const GITHUB_ALL: Limit = Limit {
    what: "cargo check, GitHub from pages, all features",
    seconds: 25.0,
    bytes: Some(1_500_000_000),
};
/// `cargo check` of GitHub's client from pages with the features `repos` and `issues`.
pub const GITHUB_TWO_TAGS: Limit = Limit {
    what: "cargo check, GitHub from pages, `repos` + `issues`",
    seconds: 8.0,
    bytes: Some(600_000_000),
};
/// `cargo check` of GitHub's client from the whole JSON file.
pub const GITHUB_WHOLE_JSON: Limit = Limit {
    what: "cargo check, GitHub's whole-JSON client",
    seconds: 50.0,
    bytes: Some(2_500_000_000),
};
/// `stitch generate` of GitHub's client from its pages.
pub const GITHUB_GENERATE: Limit = Limit {
    what: "generate GitHub's client from its pages",
    seconds: 0.5,
    bytes: None,
};
/// `stitch generate` of Microsoft Graph v1.0's client from its whole file.
pub const GRAPH_GENERATE: Limit = Limit {
    what: "generate Microsoft Graph v1.0 from its whole file",
    seconds: 10.0,
    bytes: Some(2_000_000_000),
};
/// `cargo check` of Microsoft Graph v1.0's client with one tag's feature.
pub const GRAPH_ONE_TAG: Limit = Limit {
    what: "cargo check, Graph v1.0, one tag's feature",
    seconds: 60.0,
    bytes: Some(3_000_000_000),
};

impl Limit {
    /// The limits in words, as the tables show them: `≤ 25 s, ≤ 1.5 GB`.
    pub fn words(&self) -> String {
        let mut words = format!("≤ {} s", self.seconds);
        if let Some(bytes) = self.bytes {
            let (value, unit) = if bytes >= 1_000_000_000 {
                (bytes as f64 / 1e9, "GB")
            } else {
                (bytes as f64 / 1e6, "MB")
            };
            words.push_str(&format!(", ≤ {value} {unit}"));
        }
        words
    }

    /// The row of the targets table: `issue 17: WHAT ≤ 25 s, ≤ 1.5 GB`.
    pub fn title(&self) -> String {
        format!("issue 17: {} {}", self.what, self.words())
    }
}

/// How a run did against a [`Limit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judged {
    /// CPU time, wall time and memory within the limits.
    Met,
    /// CPU time and memory within, wall time over (the machine was busy).
    MetByCpu,
    /// CPU time over; memory within.
    MissedTime,
    /// Memory over; CPU time within.
    MissedMemory,
    /// Both over.
    MissedBoth,
}

impl Judged {
    /// Whether the target counts as met (judged on CPU time and memory).
    pub fn met(self) -> bool {
        matches!(self, Judged::Met | Judged::MetByCpu)
    }

    /// The table cell.
    pub fn words(self) -> &'static str {
        match self {
            Judged::Met => "met",
            Judged::MetByCpu => "met by CPU time (wall time over: shared machine)",
            Judged::MissedTime => "**missed**: time",
            Judged::MissedMemory => "**missed**: memory",
            Judged::MissedBoth => "**missed**: time and memory",
        }
    }
}

/// Judges `sample` against `limit`: on CPU time and peak memory (see the module docs).
pub fn judge(sample: &Sample, limit: &Limit) -> Judged {
    let time_ok = sample.cpu.as_secs_f64() <= limit.seconds;
    let wall_ok = sample.wall.as_secs_f64() <= limit.seconds;
    let memory_ok = limit.bytes.is_none_or(|bytes| sample.peak_rss <= bytes);
    match (time_ok, memory_ok) {
        (true, true) if wall_ok => Judged::Met,
        (true, true) => Judged::MetByCpu,
        (false, true) => Judged::MissedTime,
        (true, false) => Judged::MissedMemory,
        (false, false) => Judged::MissedBoth,
    }
}

/// A sample in words: `38.1 s CPU (40.6 s wall), 2965 MB`.
pub fn sample_words(sample: &Sample) -> String {
    format!(
        "{} CPU ({} wall), {}",
        seconds(sample.cpu),
        seconds(sample.wall),
        super::text::megabytes(sample.peak_rss)
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn time_is_judged_on_cpu_and_memory_on_the_peak() {
        assert_eq!(
            judge(&Sample::of(20.0, 24.0, 1400), &GITHUB_ALL),
            Judged::Met
        );
        assert_eq!(
            judge(&Sample::of(20.0, 90.0, 1400), &GITHUB_ALL),
            Judged::MetByCpu
        );
        assert_eq!(
            judge(&Sample::of(26.0, 26.0, 1400), &GITHUB_ALL),
            Judged::MissedTime
        );
        assert_eq!(
            judge(&Sample::of(20.0, 20.0, 1501), &GITHUB_ALL),
            Judged::MissedMemory
        );
        assert_eq!(
            judge(&Sample::of(62.0, 94.0, 3138), &GITHUB_ALL),
            Judged::MissedBoth
        );
        // The limits are inclusive; a target without a memory limit ignores memory.
        assert_eq!(
            judge(&Sample::of(25.0, 25.0, 1500), &GITHUB_ALL),
            Judged::Met
        );
        assert_eq!(
            judge(&Sample::of(0.4, 0.4, 9000), &GITHUB_GENERATE),
            Judged::Met
        );
        assert!(Judged::MetByCpu.met() && !Judged::MissedMemory.met());
    }

    #[test]
    fn limits_read_as_the_issue_writes_them() {
        let words: Vec<String> = [
            GITHUB_ALL,
            GITHUB_TWO_TAGS,
            GITHUB_WHOLE_JSON,
            GITHUB_GENERATE,
            GRAPH_GENERATE,
            GRAPH_ONE_TAG,
        ]
        .iter()
        .map(Limit::words)
        .collect();
        assert_eq!(
            words,
            [
                "≤ 25 s, ≤ 1.5 GB",
                "≤ 8 s, ≤ 600 MB",
                "≤ 50 s, ≤ 2.5 GB",
                "≤ 0.5 s",
                "≤ 10 s, ≤ 2 GB",
                "≤ 60 s, ≤ 3 GB"
            ]
        );
        assert_eq!(
            GITHUB_ALL.title(),
            "issue 17: cargo check, GitHub from pages, all features ≤ 25 s, ≤ 1.5 GB"
        );
    }

    #[test]
    fn samples_read_well() {
        assert_eq!(
            sample_words(&Sample::of(38.1, 40.6, 2965)),
            "38.1 s CPU (40.6 s wall), 2965 MB"
        );
        assert_eq!(seconds(Duration::from_millis(42)), "0.042 s");
    }
}
