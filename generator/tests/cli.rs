//! Bad input never hurts: the `stitch` command line on each kind of bad input exits with 2,
//! names the file, line and column in the page, says what is wrong and what to do, reports
//! every problem of a run, and never panics. Also: the conflict policies on pages that
//! reproduce the Syntho `JobSchema` difference, `--format json`, `--quiet`, drift (exit 1) and
//! that a failed run leaves the previous client as it was.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const JOBS: &str = include_str!("../../specs/syntho/jobs.md");
const DATABASE_REPORT: &str = include_str!("../../tests/fixtures/conflicts/database_report.md");

/// The top of every test fragment.
const HEAD: &str = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"#;

struct Output {
    code: i32,
    stderr: String,
}

/// Runs `stitch` in `dir` with `args`.
fn stitch(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_stitch"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run stitch");
    let out = Output {
        code: output.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out
}

/// A temporary folder holding `files` (name, text).
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(path, text).expect("write");
    }
    dir
}

/// A page with one operation section: `## {heading}` and a fence holding `HEAD` + `rest`.
fn page(heading: &str, rest: &str) -> String {
    format!("# Page\n\n## {heading}\n\n> Summary\n\n```json\n{HEAD}{rest}\n```\n")
}

/// Generates from `inputs` in a folder of `files` and expects bad input: exit code 2 and
/// every one of `needles` in stderr.
fn bad(files: &[(&str, &str)], inputs: &[&str], needles: &[&str]) -> String {
    let dir = folder(files);
    let mut args = vec!["generate"];
    args.extend(inputs);
    args.extend(["--out", "client"]);
    let out = stitch(dir.path(), &args);
    assert_eq!(out.code, 2, "{}", out.stderr);
    for needle in needles {
        assert!(
            out.stderr.contains(needle),
            "no {needle:?} in:\n{}",
            out.stderr
        );
    }
    assert!(!dir.path().join("client").exists(), "nothing is written");
    out.stderr
}

const OK_GET_A: &str =
    r#""paths":{"/a":{"get":{"operationId":"get_a","responses":{"200":{"description":"ok"}}}}}}"#;

#[test]
fn a_fence_that_is_not_json_points_at_the_line_in_the_page() {
    let text = "# T\n\n## GET /a\n\n```json\n{\"openapi\": \"3.0.3\",\n  \"paths\": {,}\n}\n```\n";
    let shown = bad(
        &[("p.md", text)],
        &["p.md"],
        &[
            "error: invalid JSON in a ```json block",
            "--> p.md:7:13",
            "7 |   \"paths\": {,}",
            "|             ^",
            "help: fix the JSON",
        ],
    );
    assert!(!shown.contains("stopped after"), "one problem: {shown}");
}

#[test]
fn json_that_is_not_an_openapi_document() {
    bad(
        &[("swagger.json", "{\"swagger\": \"2.0\", \"paths\": {}}")],
        &["swagger.json"],
        &[
            "--> swagger.json:1",
            "not an OpenAPI document",
            "help: convert",
        ],
    );
    bad(
        &[("list.json", "[1, 2]")],
        &["list.json"],
        &[
            "--> list.json:1",
            "not an OpenAPI document: a list",
            "help:",
        ],
    );
}

#[test]
fn an_unsupported_version_points_at_the_openapi_key() {
    let text = page("GET /a", OK_GET_A).replace("3.0.3", "2.9.0");
    bad(
        &[("p.md", &text)],
        &["p.md"],
        &[
            "unsupported OpenAPI version \"2.9.0\"",
            "--> p.md:8:2",
            "^^^^^^^^^",
            "help: convert the document to OpenAPI 3.0.x or 3.1.x",
        ],
    );
}

#[test]
fn a_heading_that_disagrees_with_its_fragment() {
    bad(
        &[("p.md", &page("POST /a", OK_GET_A))],
        &["p.md"],
        &[
            "the heading says `POST /a` but the OpenAPI block below it (line 8) holds `GET /a`",
            "--> p.md:3:4",
            "3 | ## POST /a",
            "help: make the heading and the operation agree",
        ],
    );
}

#[test]
fn an_operation_defined_twice_with_different_content() {
    let other = OK_GET_A.replace("\"ok\"", "\"fine\"");
    bad(
        &[
            ("a.md", &page("GET /a", OK_GET_A)),
            ("b.md", &page("GET /a", &other)),
        ],
        &["."],
        &[
            "error: conflicting definitions of paths./a.get",
            "--> ./b.md:8:",
            "::: ./a.md:8:",
            "defined differently here",
            "first defined here",
            "difference: /responses/200/description: \"ok\" in ./a.md:8, \"fine\" in ./b.md:8",
            "help: make the two definitions identical",
        ],
    );
}

#[test]
fn a_ref_that_resolves_nowhere_is_named_in_the_page() {
    let rest = r##""paths":{"/a":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Missing"}}}}}}}}}"##;
    bad(
        &[("p.md", &page("GET /a", rest))],
        &["p.md"],
        &[
            "error: `$ref` #/components/schemas/Missing resolves nowhere",
            "--> p.md:8:",
            "help: add the component, or fix the reference",
        ],
    );
}

#[test]
fn a_cyclic_all_of() {
    let rest = r##""paths":{"/a":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/A"}}}}}}}},"components":{"schemas":{"A":{"allOf":[{"$ref":"#/components/schemas/B"},{"type":"object","properties":{"a":{"type":"string"}}}]},"B":{"allOf":[{"$ref":"#/components/schemas/A"},{"type":"object","properties":{"b":{"type":"string"}}}]}}}}"##;
    let shown = bad(
        &[("p.md", &page("GET /a", rest))],
        &["p.md"],
        &["cyclic `allOf`", "--> p.md:8:", "help: break the cycle"],
    );
    assert!(shown.lines().all(|l| l.chars().count() < 300), "{shown}");
}

/// Schemas no Rust type can stand for (issue 12): each is exit 2 with the place in the page,
/// the schemas involved and what to do, never a crate that does not compile or a client that
/// overflows its stack.
#[test]
fn cycles_no_type_can_hold_and_refs_to_non_schemas() {
    let with = |schemas: &str| {
        format!(
            r##""paths":{{"/a":{{"get":{{"responses":{{"200":{{"description":"ok","content":{{"application/json":{{"schema":{{"$ref":"#/components/schemas/Root"}}}}}}}}}}}}}}}},"components":{{"schemas":{{"Root":{{"type":"object","properties":{{"a":{{"$ref":"#/components/schemas/A"}}}}}},{schemas}}}}}}}"##
        )
    };
    let cases: [(&str, &[&str]); 5] = [
        (
            r##""A":{"$ref":"#/components/schemas/B"},"B":{"$ref":"#/components/schemas/A"}"##,
            &[
                "`$ref` cycle",
                "#/components/schemas/A → #/components/schemas/B → #/components/schemas/A",
            ],
        ),
        (
            r##""A":{"$ref":"#/components/schemas/A"}"##,
            &[
                "`$ref` cycle",
                "#/components/schemas/A → #/components/schemas/A",
            ],
        ),
        (
            r##""A":{"allOf":[{"$ref":"#/components/schemas/B"}]},"B":{"allOf":[{"$ref":"#/components/schemas/A"}]}"##,
            &[
                "`$ref` cycle",
                "#/components/schemas/A → #/components/schemas/B",
            ],
        ),
        (
            r##""A":{"oneOf":[{"$ref":"#/components/schemas/A"},{"type":"string"}]}"##,
            &[
                "a union that includes itself",
                "help: remove the `oneOf`/`anyOf` branch",
            ],
        ),
        (
            r##""A":{"$ref":"#/info"}"##,
            &["`$ref` #/info points at something that is not a schema"],
        ),
    ];
    for (schemas, needles) in cases {
        let mut needles = needles.to_vec();
        needles.push("--> p.md:8:");
        bad(
            &[("p.md", &page("GET /a", &with(schemas)))],
            &["p.md"],
            &needles,
        );
    }
}

#[test]
fn duplicate_operation_ids_are_a_warning_naming_both_places_and_names() {
    let b = OK_GET_A.replace("/a", "/b");
    let dir = folder(&[
        ("a.md", &page("GET /a", OK_GET_A)),
        ("b.md", &page("GET /b", &b)),
    ]);
    let out = stitch(dir.path(), &["generate", ".", "--out", "client"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for needle in [
        "warning: operationId `get_a` is used by 2 operations",
        "--> ./a.md:8:",
        "::: ./b.md:8:",
        "`GET /a`",
        "`GET /b`",
        "the client methods are named `get_a` for `GET /a`, `get_a2` for `GET /b`",
        "help: give each operation its own operationId",
    ] {
        assert!(
            out.stderr.contains(needle),
            "no {needle:?} in:\n{}",
            out.stderr
        );
    }
    let quiet = stitch(dir.path(), &["generate", ".", "--out", "client", "--quiet"]);
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""));
}

#[test]
fn path_parameters_missing_from_the_path_or_from_the_operation() {
    let declared_only = r#""paths":{"/a":{"get":{"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}}],"responses":{"200":{"description":"ok"}}}}}}"#;
    bad(
        &[("p.md", &page("GET /a", declared_only))],
        &["p.md"],
        &[
            "path parameter `id` that the path `/a` does not contain",
            "--> p.md:8:",
            "help: add `{id}` to the path or remove the parameter",
        ],
    );

    let in_path_only = r#""paths":{"/a/{id}":{"get":{"responses":{"200":{"description":"ok"}}}}}}"#;
    let dir = folder(&[("p.md", &page("GET /a/{id}", in_path_only))]);
    let out = stitch(dir.path(), &["generate", "p.md", "--out", "client"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for needle in [
        "warning: the path `/a/{id}` has `{id}` but `GET /a/{id}` does not declare it",
        "--> p.md:8:",
        "help: declare `id` in the operation's `parameters` with `in: path`",
    ] {
        assert!(
            out.stderr.contains(needle),
            "no {needle:?} in:\n{}",
            out.stderr
        );
    }
}

#[test]
fn info_servers_and_security_that_disagree_between_pages() {
    let a = r#""servers":[{"url":"/"}],"security":[{"k":[]}],"paths":{"/a":{"get":{"responses":{"200":{"description":"ok"}}}}}}"#;
    let b = r#""servers":[{"url":"/v2"}],"security":[],"paths":{"/b":{"get":{"responses":{"200":{"description":"ok"}}}}}}"#;
    let b_page = page("GET /b", b).replace(r#""version":"1""#, r#""version":"2""#);
    let shown = bad(
        &[("a.md", &page("GET /a", a)), ("b.md", &b_page)],
        &["a.md", "b.md"],
        &[
            "error: conflicting definitions of info",
            "difference: /version: \"1\" in a.md:8, \"2\" in b.md:8",
            "error: conflicting definitions of servers",
            "difference: /0/url: \"/\" in a.md:8, \"/v2\" in b.md:8",
            "error: conflicting definitions of security",
            "--> b.md:8:",
            "::: a.md:8:",
            "error: stopped after 3 problems",
        ],
    );
    assert_eq!(shown.matches("error: conflicting").count(), 3, "{shown}");
}

#[test]
fn an_empty_input_folder() {
    let dir = folder(&[("specs/notes.txt", "not a page")]);
    let out = stitch(dir.path(), &["generate", "specs", "--out", "client"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("error: empty input folder"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--> specs"), "{}", out.stderr);
    assert!(
        out.stderr.contains("help: pass markdown pages"),
        "{}",
        out.stderr
    );
}

#[test]
fn several_problems_in_one_run_are_all_reported() {
    let bad_json = "## GET /x\n\n```json\n{\"openapi\": }\n```\n";
    let shown = bad(
        &[
            ("a.md", bad_json),
            ("b.md", &page("PUT /b", OK_GET_A)),
            ("c.json", "{\"openapi\": \"2.0\", \"paths\": {}}"),
            ("d.md", &page("GET /a", &OK_GET_A.replace("ok", "fine"))),
            ("e.md", &page("GET /a", OK_GET_A)),
        ],
        &["."],
        &[
            "--> ./a.md:4:13",
            "--> ./b.md:3:4",
            "--> ./c.json:1",
            "conflicting definitions of paths./a.get",
            "error: stopped after 4 problems; nothing was written",
        ],
    );
    assert_eq!(shown.matches("\nerror: ").count() + 1, 5, "{shown}");
}

#[test]
fn json_format_is_one_object_per_line() {
    let text = "# T\n\n## GET /a\n\n```json\n{\"openapi\": \"3.0.3\",\n  \"paths\": {,}\n}\n```\n";
    let dir = folder(&[("p.md", text), ("q.md", &page("POST /a", OK_GET_A))]);
    let out = stitch(
        dir.path(),
        &[
            "generate", "p.md", "q.md", "--out", "client", "--format", "json",
        ],
    );
    assert_eq!(out.code, 2);
    let lines: Vec<serde_json::Value> = out
        .stderr
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 2, "{}", out.stderr);
    assert_eq!(lines[0]["severity"], "error");
    assert_eq!(
        (&lines[0]["file"], &lines[0]["line"], &lines[0]["column"]),
        (&"p.md".into(), &7.into(), &13.into())
    );
    assert!(
        lines[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("invalid JSON"))
    );
    assert!(
        lines[0]["help"]
            .as_str()
            .is_some_and(|m| m.contains("fix the JSON"))
    );
    assert_eq!(
        (&lines[1]["file"], &lines[1]["line"]),
        (&"q.md".into(), &3.into())
    );
}

/// The Syntho Jobs page and a page whose `JobSchema` lacks `workflow_id`.
fn conflicting_pages() -> tempfile::TempDir {
    folder(&[
        ("specs/jobs.md", JOBS),
        ("specs/database_report.md", DATABASE_REPORT),
    ])
}

#[test]
fn a_component_conflict_fails_by_default_naming_both_places_and_the_difference() {
    let dir = conflicting_pages();
    for policy in [&[][..], &["--on-conflict", "error"][..]] {
        let mut args = vec!["generate", "specs", "--out", "client"];
        args.extend(policy);
        let out = stitch(dir.path(), &args);
        assert_eq!(out.code, 2, "{}", out.stderr);
        for needle in [
            "error: conflicting definitions of components.schemas.JobSchema",
            "--> specs/jobs.md:8:",
            "::: specs/database_report.md:11:",
            "\"workflow_id\"",
            "difference: /properties/workflow_id: present in specs/jobs.md:8, missing in specs/database_report.md:11",
            "--on-conflict rename",
        ] {
            assert!(
                out.stderr.contains(needle),
                "no {needle:?} in:\n{}",
                out.stderr
            );
        }
        assert!(!dir.path().join("client").exists());
    }
}

fn read(path: PathBuf) -> String {
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn rename_keeps_both_definitions_and_rewires_each_page() {
    let dir = conflicting_pages();
    let out = stitch(
        dir.path(),
        &[
            "generate",
            "specs",
            "--out",
            "client",
            "--on-conflict",
            "rename",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "warning: components.schemas.JobSchema is defined differently in two places: kept both, this one as `JobSchemaJobs`"
        ),
        "{}",
        out.stderr
    );
    let types = read(dir.path().join("client/src/types.rs"));
    assert!(types.contains("pub struct JobSchema {"), "JobSchema kept");
    assert!(
        types.contains("pub struct JobSchemaJobs {"),
        "the other renamed"
    );
    let operations = read(dir.path().join("client/src/operations.rs"));
    // The report page's operation returns its own definition, the Jobs page's its own.
    let value_of = |builder: &str| {
        let start = operations
            .find(&format!("-> {builder} {{}}"))
            .unwrap_or_else(|| panic!("no operation {builder}"));
        let rest = &operations[start..];
        let value = rest.find("type Value = ").map_or("", |i| &rest[i..]);
        value.lines().next().unwrap_or_default().to_owned()
    };
    assert_eq!(
        value_of("DatabaseReportJob"),
        "type Value = types::JobSchema;"
    );
    assert_eq!(
        value_of("JobsRetrieve"),
        "type Value = types::JobSchemaJobs;"
    );

    // Deterministic: the same names again.
    let again = stitch(
        dir.path(),
        &[
            "check",
            "specs",
            "--out",
            "client",
            "--on-conflict",
            "rename",
        ],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
}

#[test]
fn widen_merges_the_definitions_and_says_what_it_widened() {
    let dir = conflicting_pages();
    let out = stitch(
        dir.path(),
        &[
            "merge",
            "specs",
            "--on-conflict",
            "widen",
            "--out",
            "merged.json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    for needle in [
        "warning: widened components.schemas.JobSchema: merged 2 different definitions into one",
        "widened: /properties/workflow_id: added from specs/jobs.md:8 (missing in specs/database_report.md:11)",
    ] {
        assert!(
            out.stderr.contains(needle),
            "no {needle:?} in:\n{}",
            out.stderr
        );
    }
    let merged: serde_json::Value =
        serde_json::from_str(&read(dir.path().join("merged.json"))).expect("merged JSON");
    let schema = &merged["components"]["schemas"]["JobSchema"];
    assert!(schema["properties"].get("workflow_id").is_some());
    assert_eq!(
        schema["required"],
        serde_json::json!(["id", "type", "status"])
    );

    // Incompatible definitions stay an error.
    let jobs = JOBS.replace(
        r#""workflow_id":{"anyOf""#,
        r#""workflow_id":{"type":"integer","anyOf""#,
    );
    let report = DATABASE_REPORT.replacen(
        r#""engine_id":{"#,
        r#""workflow_id":{"type":"string"},"engine_id":{"#,
        1,
    );
    let dir = folder(&[
        ("specs/jobs.md", &jobs),
        ("specs/database_report.md", &report),
    ]);
    let out = stitch(dir.path(), &["merge", "specs", "--on-conflict", "widen"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot widen: /properties/workflow_id"),
        "{}",
        out.stderr
    );
}

#[test]
fn bad_input_leaves_the_previous_client_intact() {
    let dir = folder(&[("p.md", &page("GET /a", OK_GET_A))]);
    let out = stitch(dir.path(), &["generate", "p.md", "--out", "client"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let before = read(dir.path().join("client/src/operations.rs"));

    fs::write(dir.path().join("p.md"), page("POST /a", OK_GET_A)).expect("write");
    let out = stitch(dir.path(), &["generate", "p.md", "--out", "client"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(read(dir.path().join("client/src/operations.rs")), before);
    let names: Vec<_> = fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 2, "no temporary folders left: {names:?}");
}

#[test]
fn check_exits_1_on_drift_and_0_when_up_to_date() {
    let dir = folder(&[("p.md", &page("GET /a", OK_GET_A))]);
    let out = stitch(dir.path(), &["check", "p.md", "--out", "client"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let json = stitch(
        dir.path(),
        &["check", "p.md", "--out", "client", "--format", "json"],
    );
    assert_eq!(json.code, 1);
    let first: serde_json::Value =
        serde_json::from_str(json.stderr.lines().next().unwrap_or_default()).expect("JSON");
    assert_eq!(first["severity"], "error");
    assert_eq!(
        stitch(dir.path(), &["generate", "p.md", "--out", "client"]).code,
        0
    );
    let out = stitch(dir.path(), &["check", "p.md", "--out", "client", "-q"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
}
