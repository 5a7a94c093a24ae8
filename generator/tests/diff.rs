//! `stitch diff` on real pages: the Syntho Jobs page copied into a temporary folder and edited
//! the way an API changes (an operation removed, a required parameter added, an optional
//! response field added, a field's type changed, an enum value added to a response and to a
//! request, documentation only, nothing), run through the real command line. Each case checks
//! the kinds, layers and verdicts of the changes, their places in the pages, the overall
//! verdict and the next version; and the exit codes of `--fail-on` and of bad input.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

const JOBS: &str = include_str!("../../specs/syntho/jobs.md");

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn stitch(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_stitch"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run stitch");
    let out = Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out
}

/// A folder with `old/jobs.md` (the page as it is) and `new/jobs.md` (as `edit` makes it).
fn pages(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (side, text) in [("old", JOBS.to_owned()), ("new", edit(JOBS))] {
        fs::create_dir_all(dir.path().join(side)).expect("mkdir");
        fs::write(dir.path().join(side).join("jobs.md"), text).expect("write");
    }
    dir
}

/// `text` with `from` replaced by `to`, which must be there.
fn replaced(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from} is not in the page");
    text.replace(from, to)
}

/// The 1-based line of the first line of `text` that holds `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    let index = text
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} is not in the page"));
    u64::try_from(index + 1).expect("line")
}

/// Runs `stitch diff old --to new --format json` and returns the report.
fn diff(dir: &tempfile::TempDir, extra: &[&str]) -> Value {
    let mut args = vec!["diff", "old", "--to", "new", "--format", "json"];
    args.extend(extra);
    let out = stitch(dir.path(), &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

/// (layer, kind, verdict) of every change, in report order.
fn kinds(report: &Value) -> Vec<(String, String, String)> {
    report["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["layer"].as_str().unwrap_or("").to_owned(),
                c["kind"].as_str().unwrap_or("").to_owned(),
                c["verdict"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// The change of this layer and kind.
fn change<'a>(report: &'a Value, layer: &str, kind: &str) -> &'a Value {
    report["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["layer"] == layer && c["kind"] == kind)
        .unwrap_or_else(|| panic!("no {layer} {kind} in {report:#}"))
}

fn owned(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    list.iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect()
}

#[test]
fn no_change_is_none_and_keeps_the_version() {
    let dir = pages(str::to_owned);
    let report = diff(&dir, &["--version", "1.4.2"]);
    assert_eq!(report["verdict"], "none");
    assert_eq!(report["version"], "1.4.2");
    assert_eq!(report["next_version"], "1.4.2");
    assert_eq!(kinds(&report), []);
    let human = stitch(dir.path(), &["diff", "old", "--to", "new"]);
    assert_eq!(human.code, 0);
    assert_eq!(human.stdout, "no changes: version 0.1.0 stays 0.1.0\n");
}

#[test]
fn a_removed_operation_breaks_both_layers_at_its_place_in_the_old_page() {
    let dir = pages(|text| {
        let start = text
            .find("## DELETE /api/v1/jobs/{job\\_id}/delete/")
            .expect("section");
        let end = start + 3 + text[start + 3..].find("## ").expect("next section");
        format!("{}{}", &text[..start], &text[end..])
    });
    let report = diff(&dir, &[]);
    assert_eq!(report["verdict"], "breaking");
    assert_eq!(report["next_version"], "0.2.0");
    assert_eq!(
        kinds(&report),
        owned(&[
            ("rust", "method-removed", "breaking"),
            ("wire", "operation-removed", "breaking"),
        ])
    );
    let removed = change(&report, "wire", "operation-removed");
    assert_eq!(removed["subject"], "DELETE /api/v1/jobs/{job_id}/delete/");
    assert_eq!(removed["place"]["file"], "old/jobs.md");
    let fragment = line_of(JOBS, "\"/api/v1/jobs/{job_id}/delete/\"");
    assert_eq!(removed["place"]["line"], fragment);
    assert!(
        change(&report, "rust", "method-removed")["message"]
            .as_str()
            .is_some_and(|m| m.contains("`Client::jobs_delete_destroy` was removed"))
    );
}

#[test]
fn a_required_parameter_is_a_new_positional_argument() {
    // Only in the list operation's fragment.
    let dir = pages(|text| {
        let lines: Vec<String> = text
            .lines()
            .map(|line| {
                if line.contains("\"operationId\":\"jobs_list\"") {
                    replaced(
                        line,
                        "{\"in\":\"query\",\"name\":\"job_type\"",
                        "{\"in\":\"query\",\"name\":\"limit\",\"schema\":{\"type\":\"integer\"},\"required\":true},{\"in\":\"query\",\"name\":\"job_type\"",
                    )
                } else {
                    line.to_owned()
                }
            })
            .collect();
        lines.join("\n") + "\n"
    });
    let report = diff(&dir, &["--version", "1.2.3"]);
    assert_eq!(report["verdict"], "breaking");
    assert_eq!(report["next_version"], "2.0.0");
    assert_eq!(
        kinds(&report),
        owned(&[
            ("rust", "docs-changed", "patch"),
            ("rust", "positional-parameter-added", "breaking"),
            ("wire", "required-parameter-added", "breaking"),
        ])
    );
    let added = change(&report, "wire", "required-parameter-added");
    assert_eq!(added["subject"], "GET /api/v1/jobs/{engine_id}/list/");
    assert_eq!(added["place"]["file"], "new/jobs.md");
    assert_eq!(
        added["place"]["line"],
        line_of(JOBS, "\"operationId\":\"jobs_list\"")
    );
    let rust = change(&report, "rust", "positional-parameter-added");
    assert!(
        rust["message"]
            .as_str()
            .is_some_and(|m| m.contains("`limit: i64`")),
        "{rust}"
    );
}

/// Adds a property to `JobSchema` in every fragment that defines it.
fn job_schema_with(id: &str) -> impl Fn(&str) -> String {
    move |text: &str| {
        replaced(
            text,
            "\"properties\":{\"id\":{\"format\":\"uuid\",\"title\":\"Id\",\"type\":\"string\"},\"engine_id\"",
            &format!("\"properties\":{id},\"engine_id\""),
        )
    }
}

#[test]
fn an_optional_response_field_is_additive_on_the_wire_and_in_rust() {
    let dir = pages(job_schema_with(
        "{\"id\":{\"format\":\"uuid\",\"title\":\"Id\",\"type\":\"string\"},\"note\":{\"title\":\"Note\",\"type\":\"string\"}",
    ));
    let report = diff(&dir, &[]);
    assert_eq!(
        kinds(&report),
        owned(&[
            ("rust", "field-added", "additive"),
            ("wire", "optional-property-added", "additive"),
        ])
    );
    let wire = change(&report, "wire", "optional-property-added");
    assert_eq!(wire["subject"], "type JobSchema");
    assert_eq!(wire["place"]["file"], "new/jobs.md");
    // The first fragment that defines JobSchema.
    assert_eq!(wire["place"]["line"], line_of(JOBS, "\"JobSchema\":{"));
    let rust = change(&report, "rust", "field-added");
    assert!(
        rust["message"].as_str().is_some_and(
            |m| m.contains("`note: Option<String>`") && m.contains("`#[non_exhaustive]`")
        ),
        "{rust}"
    );
    assert_eq!(report["verdict"], "additive");
    assert_eq!(report["next_version"], "0.1.1");
}

#[test]
fn a_field_type_change_breaks_both_layers() {
    let dir = pages(job_schema_with(
        "{\"id\":{\"title\":\"Id\",\"type\":\"integer\"}",
    ));
    let report = diff(&dir, &[]);
    assert_eq!(
        kinds(&report),
        owned(&[
            ("rust", "field-type-changed", "breaking"),
            ("wire", "format-removed", "breaking"),
            ("wire", "type-changed", "breaking"),
        ])
    );
    let rust = change(&report, "rust", "field-type-changed");
    assert!(
        rust["message"]
            .as_str()
            .is_some_and(|m| m.contains("from `Uuid` to `i64`")),
        "{rust}"
    );
}

#[test]
fn an_enum_value_in_a_response_breaks_and_in_a_request_adds_on_the_wire() {
    let response = pages(|text| replaced(text, "\"REVOKED\"]", "\"REVOKED\",\"QUEUED\"]"));
    let report = diff(&response, &[]);
    assert_eq!(report["verdict"], "breaking");
    let wire = change(&report, "wire", "enum-value-added");
    assert_eq!(wire["verdict"], "breaking");
    // `JobStatus` is `#[non_exhaustive]`: callers' `match`es have a `_` arm.
    let rust = change(&report, "rust", "enum-variant-added");
    assert_eq!(rust["verdict"], "additive");
    assert_eq!(rust["subject"], "type JobStatus");
    assert!(
        rust["message"]
            .as_str()
            .is_some_and(|m| m.contains("`Queued`")),
        "{rust}"
    );

    let request = pages(|text| {
        replaced(
            text,
            "\"update_engine_settings\"]}}",
            "\"update_engine_settings\",\"vacuum\"]}}",
        )
    });
    let report = diff(&request, &[]);
    let wire = change(&report, "wire", "enum-value-added");
    assert_eq!(wire["verdict"], "additive");
    assert_eq!(wire["subject"], "GET /api/v1/jobs/{engine_id}/list/");
    // The query parameter no longer shares `JobType`: the setter takes a new enum.
    let setter = change(&report, "rust", "setter-type-changed");
    assert_eq!(setter["verdict"], "breaking");
    assert_eq!(change(&report, "rust", "type-added")["verdict"], "additive");
    assert_eq!(report["verdict"], "breaking");
}

/// A documented error status more: an `Error::UnexpectedStatus` before, a variant of the
/// `#[non_exhaustive]` error enum now; additive in both layers.
#[test]
fn a_new_error_status_is_additive_in_rust() {
    let dir = pages(|text| {
        replaced(
            text,
            "\"description\":\"Validation error\"},\"503\":{\"description\":\"Message: unable to fetch engine from external service\"}}}}}}",
            "\"description\":\"Validation error\"},\"404\":{\"description\":\"No such job\"},\"503\":{\"description\":\"Message: unable to fetch engine from external service\"}}}}}}",
        )
    });
    let report = diff(&dir, &[]);
    let rust = change(&report, "rust", "error-variant-added");
    assert_eq!(rust["verdict"], "additive");
    assert_eq!(rust["subject"], "GET /api/v1/jobs/{engine_id}/latest/");
    assert!(
        rust["message"]
            .as_str()
            .is_some_and(|m| m.contains("`JobsLatestRetrieveError` gained the variant `NotFound`")),
        "{rust}"
    );
    assert_eq!(report["verdict"], "additive", "{report:#}");
    assert_eq!(report["next_version"], "0.1.1");
}

#[test]
fn documentation_only_is_a_patch_and_fail_on_gates() {
    let dir = pages(|text| {
        replaced(
            text,
            "\"description\":\"List jobs\"",
            "\"description\":\"List the jobs of an engine\"",
        )
    });
    let report = diff(&dir, &[]);
    assert_eq!(report["verdict"], "patch");
    assert_eq!(report["next_version"], "0.1.1");
    assert_eq!(
        kinds(&report),
        owned(&[
            ("wire", "docs-changed", "patch"),
            ("rust", "docs-changed", "patch"),
        ])
    );
    let args = ["diff", "old", "--to", "new", "--fail-on"];
    let breaking = stitch(dir.path(), &[&args[..], &["breaking"]].concat());
    assert_eq!(breaking.code, 0, "{}", breaking.stderr);
    let additive = stitch(dir.path(), &[&args[..], &["additive"]].concat());
    assert_eq!(additive.code, 0, "{}", additive.stderr);

    let removed = pages(|text| replaced(text, "\"REVOKED\"]", "\"REVOKED\",\"QUEUED\"]"));
    let tripped = stitch(removed.path(), &[&args[..], &["breaking"]].concat());
    assert_eq!(tripped.code, 1, "{}", tripped.stderr);
    assert!(
        tripped.stdout.starts_with("breaking: 0.1.0 → 0.2.0"),
        "{}",
        tripped.stdout
    );
}

#[test]
fn markdown_is_fit_for_a_pull_request() {
    let dir = pages(|text| replaced(text, "\"REVOKED\"]", "\"REVOKED\",\"QUEUED\"]"));
    let out = stitch(
        dir.path(),
        &["diff", "old", "--to", "new", "--format", "markdown"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("## "), "{}", out.stdout);
    assert!(
        out.stdout.contains("API diff: breaking: 0.1.0 → 0.2.0"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("### `type JobStatus`"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("| additive | rust | `enum-variant-added` |"),
        "{}",
        out.stdout
    );
}

#[test]
fn bad_input_exits_2_naming_the_place() {
    let dir = pages(|text| replaced(text, "{\"openapi\":\"3.0.3\"", "{\"openapi\":\"3.0.3\",,"));
    let out = stitch(dir.path(), &["diff", "old", "--to", "new"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("new/jobs.md:"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);

    let missing = stitch(dir.path(), &["diff", "old", "--to", "nowhere"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(missing.stderr.contains("nowhere"), "{}", missing.stderr);

    let version = stitch(
        dir.path(),
        &["diff", "old", "--to", "old", "--version", "one"],
    );
    assert_eq!(version.code, 2, "{}", version.stderr);
    assert!(
        version.stderr.contains("`one` is not a semver version"),
        "{}",
        version.stderr
    );
}

#[test]
fn a_file_or_its_folder_give_the_same_report_every_time() {
    let dir = pages(|text| replaced(text, "\"REVOKED\"]", "\"REVOKED\",\"QUEUED\"]"));
    let folder = stitch(
        dir.path(),
        &["diff", "old", "--to", "new", "--format", "json"],
    );
    let file = stitch(
        dir.path(),
        &["diff", "old/jobs.md", "--to", "new", "--format", "json"],
    );
    let again = stitch(
        dir.path(),
        &["diff", "old", "--to", "new", "--format", "json"],
    );
    assert_eq!(folder.code, 0, "{}", folder.stderr);
    assert!(
        folder.stdout.contains("enum-variant-added"),
        "{}",
        folder.stdout
    );
    assert_eq!(folder.stdout, file.stdout);
    assert_eq!(folder.stdout, again.stdout);
}

/// What `cargo xtask codegen --check` will call: the checked-in `openapi.json` against the
/// pages. Unchanged pages say nothing; an edited page names the change in the new page, and a
/// removal its line in the old document.
#[test]
fn the_checked_in_document_against_the_pages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = fs::read_to_string(root.join("generated-client/openapi.json")).expect("read");
    let old: Value = serde_json::from_str(&text).expect("json");
    let page = |text: &str| stitch::source::Input {
        path: "specs/syntho/jobs.md".into(),
        text: text.to_owned(),
    };
    let options = stitch::diff::DiffOptions::default();
    let same = stitch::diff::diff_document("openapi.json", &old, &[page(JOBS)], &options);
    let report = same.result.expect("diff");
    assert_eq!(report.verdict, stitch::diff::Verdict::None, "{report:#?}");

    let edited = replaced(JOBS, "\"REVOKED\"]", "\"FAILURE\"]");
    let run = stitch::diff::diff_document("openapi.json", &old, &[page(&edited)], &options);
    let report = run.result.expect("diff");
    assert_eq!(report.verdict, stitch::diff::Verdict::Breaking);
    let removed = report
        .changes
        .iter()
        .find(|c| c.kind == "enum-variant-removed")
        .expect("variant removed");
    let place = removed.place.as_ref().expect("place");
    assert_eq!(place.file, Path::new("openapi.json"));
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("\"JobStatus\": {"))
        .expect("JobStatus")
        + 1;
    assert_eq!(place.line, Some(line), "{removed:?}");
    let wire = report
        .changes
        .iter()
        .find(|c| c.kind == "enum-value-removed")
        .expect("value removed");
    let place = wire.place.as_ref().expect("place");
    assert_eq!(place.file, Path::new("openapi.json"));
    let value = text
        .lines()
        .position(|l| l.trim() == "\"REVOKED\"")
        .expect("REVOKED")
        + 1;
    assert!(
        place.line.is_some_and(|l| l < value && l > line),
        "{wire:?}"
    );
}
