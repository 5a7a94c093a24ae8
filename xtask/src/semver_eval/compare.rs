//! One pair of versions judged twice: `stitch diff`'s report against cargo-semver-checks'
//! failed lints. A pair agrees when both call it breaking or neither does; a lint that
//! requires a major version is missed when no breaking Rust change of stitch names any of the
//! items it found.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use stitch::diff::{Layer, Report, Verdict};

use super::checks::{Failure, Level, Proof};

/// The two judgements of one pair.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// `github 18.2.0 → 19.0.0`, `syntho operation-removed`.
    pub name: String,
    /// Operations in the new version's document.
    pub operations: usize,
    /// stitch's overall verdict.
    pub stitch: Verdict,
    /// stitch's verdict of the Rust layer alone.
    pub stitch_rust: Verdict,
    /// stitch's changes.
    pub changes: usize,
    /// stitch's breaking changes by `layer/kind`.
    pub breaking_kinds: BTreeMap<String, usize>,
    /// The largest bump cargo-semver-checks requires (`None`: no lint failed).
    pub csc: Option<Level>,
    /// Its failed lints.
    pub failures: Vec<Failure>,
    /// Items of major lints that no breaking Rust change of stitch names: `lint: item`.
    pub missed: Vec<String>,
    /// stitch's `field-type-changed` messages, which cargo-semver-checks has no lint for.
    pub type_changes: Vec<String>,
    /// Each of those compiled as a probe against both clients (`checks::probe`), when run.
    pub probes: Vec<(String, Proof)>,
}

impl Outcome {
    /// Whether cargo-semver-checks calls the pair breaking.
    pub fn csc_breaking(&self) -> bool {
        self.csc == Some(Level::Major)
    }

    /// Whether the overall verdicts agree (breaking or not).
    pub fn agrees(&self) -> bool {
        self.csc_breaking() == (self.stitch == Verdict::Breaking)
    }

    /// Whether stitch's Rust layer and cargo-semver-checks agree (breaking or not).
    pub fn rust_agrees(&self) -> bool {
        self.csc_breaking() == (self.stitch_rust == Verdict::Breaking)
    }

    /// Whether compiled probes prove the pair breaking for Rust callers where
    /// cargo-semver-checks is silent: stitch's only Rust-breaking changes are field types (what
    /// the probes can compile), there are probes, and every one compiles against the old client
    /// and not against the new one.
    pub fn proven(&self) -> bool {
        !self.csc_breaking()
            && self.stitch_rust == Verdict::Breaking
            && self
                .breaking_kinds
                .keys()
                .filter(|k| k.starts_with("rust/"))
                .all(|k| k == "rust/field-type-changed")
            && !self.probes.is_empty()
            && self.probes.iter().all(|(_, p)| *p == Proof::Breaks)
    }

    /// The ground truth for Rust callers: cargo-semver-checks requires a major version, or a
    /// compiled probe shows code written against the old client failing against the new one.
    pub fn truth_breaking(&self) -> bool {
        self.csc_breaking() || self.proven()
    }

    /// Whether stitch's Rust layer agrees with the ground truth (the primary figure).
    pub fn rust_agrees_truth(&self) -> bool {
        self.truth_breaking() == (self.stitch_rust == Verdict::Breaking)
    }

    /// Whether stitch's overall verdict agrees with the ground truth for Rust callers.
    pub fn agrees_truth(&self) -> bool {
        self.truth_breaking() == (self.stitch == Verdict::Breaking)
    }

    /// Items of the major lints.
    pub fn major_items(&self) -> usize {
        self.failures
            .iter()
            .filter(|f| f.level == Level::Major && !f.warning)
            .map(|f| f.items.len().max(1))
            .sum()
    }
}

/// Judges one pair.
pub fn judge(
    name: String,
    operations: usize,
    report: &Report,
    failures: Vec<Failure>,
    lib: &str,
) -> Outcome {
    let stitch_rust = report
        .changes
        .iter()
        .filter(|c| c.layer == Layer::Rust)
        .map(|c| c.verdict)
        .max()
        .unwrap_or(Verdict::None);
    let mut breaking_kinds = BTreeMap::new();
    let mut named = BTreeSet::new();
    for change in report
        .changes
        .iter()
        .filter(|c| c.verdict == Verdict::Breaking)
    {
        *breaking_kinds
            .entry(format!("{}/{}", change.layer.name(), change.kind))
            .or_insert(0) += 1;
        if change.layer == Layer::Rust {
            if let stitch::diff::Subject::Type(name) = &change.subject {
                named.insert(name.clone());
            }
            for (i, part) in change.message.split('`').enumerate() {
                if i % 2 == 1 {
                    named.extend(identifiers(part));
                }
            }
        }
    }
    // A method's builder and error enum are named after it (`jobs_list`: `JobsList`,
    // `JobsListError`, `JobsListResponse`): they go and come with the method.
    let methods: Vec<String> = named
        .iter()
        .filter(|w| w.contains('_') || w.starts_with(|c: char| c.is_ascii_lowercase()))
        .map(|w| w.to_upper_camel_case())
        .collect();
    for camel in methods {
        for suffix in ["", "Error", "Response"] {
            named.insert(format!("{camel}{suffix}"));
        }
    }
    for generic in GENERIC {
        named.remove(*generic);
    }
    let mut missed = Vec::new();
    for failure in failures
        .iter()
        .filter(|f| f.level == Level::Major && !f.warning)
    {
        for item in &failure.items {
            let found = identifiers(item)
                .into_iter()
                .filter(|w| w != lib && !GENERIC.contains(&w.as_str()))
                .any(|w| named.contains(&w));
            if !found {
                missed.push(format!("{}: {item}", failure.lint));
            }
        }
    }
    Outcome {
        name,
        operations,
        stitch: report.verdict,
        stitch_rust,
        changes: report.changes.len(),
        breaking_kinds,
        csc: failures
            .iter()
            .filter(|f| !f.warning)
            .map(|f| f.level)
            .max(),
        failures,
        missed,
        type_changes: report
            .changes
            .iter()
            .filter(|c| c.layer == Layer::Rust && c.kind == "field-type-changed")
            .map(|c| c.message.clone())
            .collect(),
        probes: Vec::new(),
    }
}

/// Words too common to tie a finding to a change: the modules, the client, std's types and
/// the words of cargo-semver-checks' item lines.
const GENERIC: &[&str] = &[
    "types",
    "operations",
    "runtime",
    "Client",
    "ClientBuilder",
    "Option",
    "Vec",
    "String",
    "BTreeMap",
    "Box",
    "new",
    "struct",
    "enum",
    "field",
    "variant",
    "method",
    "fn",
    "function",
    "of",
    "in",
    "now",
    "takes",
    "parameters",
    "instead",
    "type",
    "impl",
    "trait",
    "for",
    "was",
    "the",
    "is",
    "no",
    "longer",
    "pub",
];

/// The Rust identifiers in `text`.
fn identifiers(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty() && !w.starts_with(|c: char| c.is_ascii_digit()))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use stitch::diff::{Change, Subject};

    use super::*;

    fn report(changes: Vec<Change>) -> Report {
        Report {
            verdict: changes
                .iter()
                .map(|c| c.verdict)
                .max()
                .unwrap_or(Verdict::None),
            version: "0.1.0".into(),
            next_version: "0.2.0".into(),
            changes,
        }
    }

    fn failure(lint: &str, level: Level, items: &[&str]) -> Failure {
        Failure {
            lint: lint.into(),
            description: String::new(),
            level,
            warning: false,
            items: items.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn a_major_item_is_missed_unless_a_breaking_rust_change_names_it() {
        let removed = Change::new(
            Verdict::Breaking,
            Layer::Rust,
            "field-removed",
            Subject::Type("Job".into()),
            "the field `Job::now` was removed",
        );
        let method = Change::new(
            Verdict::Breaking,
            Layer::Rust,
            "method-removed",
            Subject::Type("x".into()),
            "`Client::jobs_delete` was removed",
        );
        let report = report(vec![removed, method]);
        let failures = vec![
            failure(
                "struct_pub_field_missing",
                Level::Major,
                &["field now of struct Job", "field log of struct JobLog"],
            ),
            failure("inherent_method_added", Level::Minor, &["x::Client::y"]),
            failure(
                "enum_missing",
                Level::Major,
                &["enum x::operations::JobsDeleteError"],
            ),
        ];
        let outcome = judge("p".into(), 1, &report, failures, "x");
        assert_eq!(
            outcome.missed,
            ["struct_pub_field_missing: field log of struct JobLog"]
        );
        assert!(outcome.agrees() && outcome.rust_agrees());
        assert_eq!(outcome.major_items(), 3);
        assert_eq!(outcome.breaking_kinds["rust/field-removed"], 1);
    }

    #[test]
    fn probes_make_the_ground_truth_where_cargo_semver_checks_is_silent() {
        let retyped = Change::new(
            Verdict::Breaking,
            Layer::Rust,
            "field-type-changed",
            Subject::Type("Job".into()),
            "the field `Job::id` changed type from `String` to `i64`",
        );
        let wire = Change::new(
            Verdict::Breaking,
            Layer::Wire,
            "enum-value-added",
            Subject::Type("Job".into()),
            "`Status` may now be `late` in a response",
        );
        let mut outcome = judge("p".into(), 1, &report(vec![retyped]), Vec::new(), "x");
        assert!(!outcome.rust_agrees() && !outcome.proven());
        assert!(!outcome.rust_agrees_truth(), "no probe: a disagreement");
        outcome.probes = vec![(outcome.type_changes[0].clone(), Proof::Breaks)];
        assert!(outcome.proven() && outcome.truth_breaking());
        assert!(outcome.rust_agrees_truth() && outcome.agrees_truth());
        outcome.probes[0].1 = Proof::Compiles;
        assert!(!outcome.proven() && !outcome.rust_agrees_truth());
        // Breaking on the wire only: the Rust layer agrees, the overall verdict does not.
        let outcome = judge("w".into(), 1, &report(vec![wire]), Vec::new(), "x");
        assert!(outcome.rust_agrees_truth() && !outcome.agrees_truth());
    }
}
