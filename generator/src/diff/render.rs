//! A [`Report`] as text: for a terminal ([`human`]), for machines ([`json`]) and for a pull
//! request comment ([`markdown`]). All three are deterministic and list the changes grouped by
//! operation and type, in report order.

use std::fmt::Write as _;

use serde_json::json;

use super::{Change, Place, Report, Verdict, counts, grouped};

fn place_text(place: Option<&Place>) -> String {
    match place {
        Some(Place {
            file,
            line: Some(line),
        }) => format!("{}:{line}", file.display()),
        Some(Place { file, line: None }) => file.display().to_string(),
        None => String::new(),
    }
}

/// The first line: the overall verdict, the version step and the counts.
fn headline(report: &Report) -> String {
    if report.changes.is_empty() {
        return format!(
            "no changes: version {} stays {}",
            report.version, report.next_version
        );
    }
    let n = report.changes.len();
    format!(
        "{}: {} → {} ({n} change{}: {})",
        report.verdict,
        report.version,
        report.next_version,
        if n == 1 { "" } else { "s" },
        counts(report)
    )
}

/// The report for a terminal:
///
/// ```text
/// breaking: 0.1.0 → 0.2.0 (2 changes: 2 breaking)
///
/// GET /a
///   breaking  wire  required-parameter-added  the required query parameter `q` was added
///             at new/a.md:7
/// ```
pub fn human(report: &Report) -> String {
    let mut out = format!("{}\n", headline(report));
    let width = report
        .changes
        .iter()
        .map(|c| c.kind.len())
        .max()
        .unwrap_or(0);
    for (subject, changes) in grouped(report) {
        let _ = writeln!(out, "\n{subject}");
        for change in changes {
            let _ = writeln!(
                out,
                "  {:<8}  {:<4}  {:<width$}  {}",
                change.verdict.name(),
                change.layer.name(),
                change.kind,
                change.message
            );
            let place = place_text(change.place.as_ref());
            if !place.is_empty() {
                let _ = writeln!(out, "  {:<8}  {:<4}  {:<width$}  at {place}", "", "", "");
            }
        }
    }
    out
}

fn change_json(change: &Change) -> serde_json::Value {
    let place = change.place.as_ref().map(|p| {
        json!({
            "file": p.file.display().to_string(),
            "line": p.line,
        })
    });
    json!({
        "verdict": change.verdict.name(),
        "layer": change.layer.name(),
        "kind": change.kind,
        "subject": change.subject.to_string(),
        "message": change.message,
        "place": place,
    })
}

/// The report as one JSON object: `verdict`, `version`, `next_version` and `changes` (each
/// with `verdict`, `layer`, `kind`, `subject`, `message` and `place`: `file` and `line`, or
/// `null` when unknown).
pub fn json(report: &Report) -> String {
    let changes: Vec<serde_json::Value> = report.changes.iter().map(change_json).collect();
    let value = json!({
        "verdict": report.verdict.name(),
        "version": report.version,
        "next_version": report.next_version,
        "changes": changes,
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    )
}

/// Text safe in a markdown table cell.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
}

/// The report for a pull request comment: a heading with the verdict and the version step,
/// then one table per operation or type.
pub fn markdown(report: &Report) -> String {
    let mark = match report.verdict {
        Verdict::Breaking => "🔴",
        Verdict::Additive => "🟡",
        Verdict::Patch => "🔵",
        Verdict::None => "⚪",
    };
    let mut out = format!("## {mark} API diff: {}\n\n", headline(report));
    if report.changes.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "Next version of the client crate under Cargo's semver rules: `{}` (from `{}`).",
        report.next_version, report.version
    );
    tables(report, &mut out);
    out
}

/// A changelog section of `report` (see `release.rs`): the headline and the tables of
/// [`markdown`] under a `## VERSION` heading, for the version the changes lead to.
pub(crate) fn changelog_section(report: &Report) -> String {
    let mut out = format!("## {}\n\n{}\n", report.next_version, headline(report));
    tables(report, &mut out);
    out
}

/// One `### subject` table a subject (operation or type) of `report`, in report order.
fn tables(report: &Report, out: &mut String) {
    for (subject, changes) in grouped(report) {
        let _ = writeln!(out, "\n### `{}`\n", cell(&subject.to_string()));
        let _ = writeln!(out, "| verdict | layer | kind | change | where |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for change in changes {
            let place = place_text(change.place.as_ref());
            let place = if place.is_empty() {
                String::new()
            } else {
                format!("`{}`", cell(&place))
            };
            let _ = writeln!(
                out,
                "| {} | {} | `{}` | {} | {place} |",
                change.verdict.name(),
                change.layer.name(),
                change.kind,
                cell(&change.message)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Layer, Subject};
    use super::*;

    fn report() -> Report {
        let mut change = Change::new(
            Verdict::Breaking,
            Layer::Wire,
            "operation-removed",
            Subject::Operation {
                path: "/a".into(),
                method: crate::method::HttpMethod::Get,
            },
            "the operation GET /a was removed | really",
        );
        change.place = Some(Place {
            file: "old/a.md".into(),
            line: Some(7),
        });
        Report {
            verdict: Verdict::Breaking,
            version: "0.1.0".into(),
            next_version: "0.2.0".into(),
            changes: vec![change],
        }
    }

    #[test]
    fn every_format_names_verdict_version_kind_and_place() {
        let report = report();
        let text = human(&report);
        assert!(
            text.starts_with("breaking: 0.1.0 → 0.2.0 (1 change: 1 breaking)\n"),
            "{text}"
        );
        assert!(
            text.contains("\nGET /a\n  breaking  wire  operation-removed"),
            "{text}"
        );
        assert!(text.contains("at old/a.md:7"), "{text}");
        let value: serde_json::Value = serde_json::from_str(&json(&report)).expect("json");
        assert_eq!(value["verdict"], "breaking");
        assert_eq!(value["next_version"], "0.2.0");
        assert_eq!(value["changes"][0]["kind"], "operation-removed");
        assert_eq!(value["changes"][0]["layer"], "wire");
        assert_eq!(value["changes"][0]["place"]["file"], "old/a.md");
        assert_eq!(value["changes"][0]["place"]["line"], 7);
        let md = markdown(&report);
        assert!(md.starts_with("## 🔴 API diff: breaking"), "{md}");
        assert!(md.contains("### `GET /a`"), "{md}");
        assert!(md.contains("removed \\| really | `old/a.md:7` |"), "{md}");
    }

    #[test]
    fn no_changes_say_so() {
        let report = Report {
            verdict: Verdict::None,
            version: "1.0.0".into(),
            next_version: "1.0.0".into(),
            changes: Vec::new(),
        };
        assert_eq!(human(&report), "no changes: version 1.0.0 stays 1.0.0\n");
        assert!(markdown(&report).contains("no changes"));
        assert!(json(&report).contains("\"changes\": []"));
    }
}
