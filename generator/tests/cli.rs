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

/// Issue 16: the config file is part of the input. A change of its `[types]` changes the
/// generated crate, which `check --config` reports as drift (with a fix that regenerates
/// with the same config), and a crate generated with a config is up to date only with it.
#[test]
fn a_config_change_is_drift_for_check() {
    let api = r##"{"openapi":"3.0.3","info":{"title":"T","version":"1"},"paths":{"/a":{"get":{"operationId":"getThing","responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Thing"}}}}}}}},"components":{"schemas":{"Thing":{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}}}}}"##;
    let dir = folder(&[("api.json", api), ("api.toml", "on_conflict = \"error\"\n")]);
    let check = [
        "check", "api.json", "--out", "client", "--config", "api.toml",
    ];
    let generate = [
        "generate", "api.json", "--out", "client", "--config", "api.toml",
    ];
    assert_eq!(stitch(dir.path(), &generate).code, 0);
    assert_eq!(stitch(dir.path(), &check).code, 0);
    fs::write(
        dir.path().join("api.toml"),
        "[types]\nderives = [\"Eq\", \"Hash\"]\n",
    )
    .expect("write");
    let drift = stitch(dir.path(), &check);
    assert_eq!(drift.code, 1, "{}", drift.stderr);
    assert!(drift.stderr.contains("src/types.rs"), "{}", drift.stderr);
    assert!(
        drift
            .stderr
            .contains("stitch generate api.json --out client --config api.toml"),
        "{}",
        drift.stderr
    );
    assert_eq!(stitch(dir.path(), &generate).code, 0);
    assert_eq!(stitch(dir.path(), &check).code, 0);
    assert!(read(dir.path().join("client/src/types.rs")).contains("Eq,"));
    // Without the config, the same crate has drifted.
    let without = stitch(dir.path(), &["check", "api.json", "--out", "client"]);
    assert_eq!(without.code, 1, "{}", without.stderr);
}

/// What the spec puts into a header the generated client sends (a request body's media type,
/// a header parameter's name, an apiKey header's name) must be something a header can carry:
/// a control or non-ASCII character there is exit 2 with the place in the page (a header
/// parameter: a warning, and the parameter left out), not a client that fails (or, before,
/// panicked in `HeaderValue::from_static`) on every call.
#[test]
fn header_text_a_header_cannot_carry_is_named_in_the_page() {
    let body = |media_type: &str| {
        format!(
            r#""paths":{{"/a":{{"post":{{"requestBody":{{"content":{{"{media_type}":{{"schema":{{"type":"string"}}}}}}}},"responses":{{"204":{{"description":"ok"}}}}}}}}}}}}"#
        )
    };
    for media_type in [
        r"text/plain\u0001",
        "text/pläin",
        r"application/json\r\nX-Injected: 1",
    ] {
        bad(
            &[("p.md", &page("POST /a", &body(media_type)))],
            &["p.md"],
            &[
                "error: unsupported: the media type",
                "which an HTTP header cannot carry",
                "--> p.md:8:",
                "help: write it in visible ASCII",
            ],
        );
    }
    // A header parameter no header can carry is left out with a warning (Notion's spec has one
    // named ""), so the rest of the API stays usable; the other parameters are kept.
    let header = r#""paths":{"/a":{"get":{"operationId":"get_a","parameters":[{"name":"X Trace\u0000","in":"header","schema":{"type":"string"}},{"name":"X-Kept","in":"header","schema":{"type":"string"}}],"responses":{"204":{"description":"ok"}}}}}}"#;
    let dir = folder(&[("p.md", &page("GET /a", header))]);
    let out = stitch(dir.path(), &["generate", "p.md", "--out", "client"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for needle in [
        "warning: the header parameter name \"X Trace\\0\"",
        "the parameter is left out of the client",
        "--> p.md:8:",
        "help: use ASCII letters, digits and `-`",
    ] {
        assert!(
            out.stderr.contains(needle),
            "no {needle:?} in:\n{}",
            out.stderr
        );
    }
    let operations = read(dir.path().join("client/src/operations.rs"));
    assert!(operations.contains("\"X-Kept\""), "{operations}");
    assert!(!operations.contains("X Trace"), "{operations}");
    let scheme = r#""components":{"securitySchemes":{"key":{"type":"apiKey","in":"header","name":"X-Kéy"}}},"security":[{"key":[]}],"paths":{"/a":{"get":{"responses":{"204":{"description":"ok"}}}}}}"#;
    bad(
        &[("p.md", &page("GET /a", scheme))],
        &["p.md"],
        &[
            "error: unsupported: the apiKey name \"X-Kéy\"",
            "--> p.md:8:",
        ],
    );
}

/// Makes a FIFO at `path` with mkfifo(1).
#[cfg(unix)]
fn fifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(made.success());
}

#[cfg(unix)]
#[test]
fn special_files_are_never_read_so_nothing_hangs() {
    // A FIFO named `*.json` used to block the run forever, and a `*.json` link to /dev/zero to
    // read until memory ran out. The timeout in `stitch_within` turns a hang into a failure.
    let dir = folder(&[("docs/jobs.md", JOBS)]);
    fifo(&dir.path().join("docs/pipe.json"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.json")).expect("symlink");
    std::os::unix::fs::symlink("jobs.md", dir.path().join("docs/link.md")).expect("symlink");

    // Named directly: an error naming the file and what it is.
    let out = stitch_within(dir.path(), &["merge", "docs/pipe.json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("docs/pipe.json") && out.stderr.contains("not a regular file (a FIFO)"),
        "{}",
        out.stderr
    );
    let out = stitch_within(dir.path(), &["merge", "zero.json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("not a regular file (a device)"),
        "{}",
        out.stderr
    );

    // Inside a walked folder: skipped with a warning; the link to a regular file is read.
    let out = stitch_within(dir.path(), &["generate", "docs", "--out", "client"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("warning: skipped docs/pipe.json: it is not a regular file (a FIFO)"),
        "{}",
        out.stderr
    );
    assert!(dir.path().join("client/Cargo.toml").is_file());
}

#[test]
fn an_input_larger_than_the_limit_is_an_error_until_the_flag_raises_it() {
    let dir = folder(&[("jobs.md", JOBS)]);
    let out = stitch(
        dir.path(),
        &["merge", "jobs.md", "--max-input-size", "1KiB"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("jobs.md")
            && out.stderr.contains("than 1 KiB, the limit for one input")
            && out.stderr.contains("--max-input-size"),
        "{}",
        out.stderr
    );
    let out = stitch(dir.path(), &["merge", "jobs.md", "--max-input-size", "1M"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = stitch(
        dir.path(),
        &["merge", "jobs.md", "--max-input-size", "lots"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("is not a size"), "{}", out.stderr);
}

#[test]
fn the_output_folder_inside_an_input_folder_is_never_read_back() {
    // `generate docs --out docs/client` used to read docs/client/openapi.json as input on the
    // second run, so an operation deleted from the pages stayed in the client.
    let two = format!(
        "{}\n## GET /b\n\n```json\n{HEAD}\"paths\":{{\"/b\":{{\"get\":{{\"operationId\":\"get_b\",\
         \"responses\":{{\"200\":{{\"description\":\"ok\"}}}}}}}}}}}}\n```\n",
        page("GET /a", OK_GET_A)
    );
    let dir = folder(&[("docs/api.md", &two)]);
    let run = |args: &[&str]| {
        let out = stitch(dir.path(), args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stderr
    };
    run(&["generate", "docs", "--out", "docs/client"]);
    let spec = dir.path().join("docs/client/openapi.json");
    assert!(read(spec.clone()).contains("/b"));

    // Delete GET /b from the page: the next run must drop it, and say it skipped the crate.
    fs::write(dir.path().join("docs/api.md"), page("GET /a", OK_GET_A)).expect("write");
    let stderr = run(&["generate", "docs", "--out", "docs/client"]);
    assert!(
        stderr.contains("skipped docs/client: it is the output folder of this run"),
        "{stderr}"
    );
    assert!(!read(spec.clone()).contains("/b"), "GET /b was read back");
    let stderr = run(&["check", "docs", "--out", "docs/client"]);
    assert!(stderr.contains("up to date"), "{stderr}");

    // Another crate stitch wrote, inside an input folder, is skipped by its marker.
    let stderr = run(&["merge", "docs"]);
    assert!(
        stderr.contains("skipped docs/client: it holds a crate stitch generated"),
        "{stderr}"
    );
    // `merge --out` into an input folder: the merged file is not read back on the next run.
    run(&["merge", "docs", "--out", "docs/merged.json"]);
    let stderr = run(&["merge", "docs", "--out", "docs/merged.json"]);
    assert!(
        stderr.contains("skipped docs/merged.json: it is the output file of this run"),
        "{stderr}"
    );
    // And naming a file inside the output folder is an error, not a silent read-back.
    let out = stitch(
        dir.path(),
        &[
            "generate",
            "docs/client/openapi.json",
            "--out",
            "docs/client",
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("the output of this run"),
        "{}",
        out.stderr
    );
}

/// [`stitch`], killed after 60 seconds: a run that hangs fails the test instead of hanging it.
#[cfg(unix)]
fn stitch_within(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stitch"))
        .current_dir(dir)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run stitch");
    let started = std::time::Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("stitch {args:?} hung");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("output");
    Output {
        code: output.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[cfg(unix)]
#[test]
fn a_run_killed_at_any_moment_leaves_the_old_or_the_new_crate() {
    // Issue 12 item 10: the swap is one atomic exchange on Linux, so `client` is a complete
    // crate with the user's files whenever the run dies; a later run gives back the `target/`
    // a killed run had moved aside and clears its leftovers.
    // v2 is the seed page without its last operation.
    let fewer = JOBS
        .get(..JOBS.rfind("\n## ").unwrap_or(JOBS.len()))
        .unwrap_or(JOBS);
    let dir = folder(&[("v1/jobs.md", JOBS), ("v2/jobs.md", fewer)]);
    let out = stitch(dir.path(), &["generate", "v1", "--out", "client"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let client = dir.path().join("client");
    fs::write(client.join("README.md"), "mine\n").expect("readme");
    fs::create_dir_all(client.join("target/debug")).expect("target");
    fs::write(client.join("target/debug/cache"), "build").expect("cache");

    // How long one run takes, to spread the kills over it.
    let started = std::time::Instant::now();
    assert_eq!(
        stitch(dir.path(), &["generate", "v2", "--out", "client"]).code,
        0
    );
    let run = started.elapsed().as_micros().max(1000) as u64;
    for round in 0..30u64 {
        let input = if round % 2 == 0 { "v1" } else { "v2" };
        let mut child = Command::new(env!("CARGO_BIN_EXE_stitch"))
            .current_dir(dir.path())
            .args(["generate", input, "--out", "client", "--quiet"])
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_micros(run * round / 30));
        let _ = child.kill();
        let _ = child.wait();
        for file in ["Cargo.toml", "openapi.json", "src/lib.rs", "README.md"] {
            assert!(
                client.join(file).is_file(),
                "round {round}: {file} is missing"
            );
        }
        assert_eq!(read(client.join("README.md")), "mine\n", "round {round}");
    }
    let out = stitch(dir.path(), &["generate", "v1", "--out", "client"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(read(client.join("target/debug/cache")), "build");
    let names: Vec<String> = fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".client"))
        .collect();
    assert!(names.is_empty(), "leftovers: {names:?}");
}

#[test]
fn control_characters_in_spec_text_never_reach_the_generated_files() {
    // Issue 12 item 11: a DEL in `info.title` made Cargo.toml invalid TOML, and a NUL reached
    // `CARGO_PKG_DESCRIPTION`, with which Cargo cannot start rustc. The fixture puts DEL, NUL,
    // ESC, BS and a bare CR in the title, version, descriptions, summaries and an enum value.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/control_characters.json")
        .canonicalize()
        .expect("fixture");
    let dir = folder(&[]);
    let fixture = fixture.to_string_lossy();
    let out = stitch(dir.path(), &["generate", &fixture, "--out", "client"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for file in [
        "Cargo.toml",
        "src/lib.rs",
        "src/types.rs",
        "src/operations.rs",
    ] {
        let text = read(dir.path().join("client").join(file));
        let raw: Vec<char> = text
            .chars()
            .filter(|&c| c.is_control() && c != '\n' && c != '\t')
            .collect();
        assert!(raw.is_empty(), "{file} holds {raw:?}");
    }
    let manifest = read(dir.path().join("client/Cargo.toml"));
    assert!(
        manifest.contains(
            "description = \"Rust client for the Control characters API (version 1.0), \
             generated by stitch\"\n"
        ),
        "{manifest}"
    );
}

#[test]
fn a_page_without_fragments_is_named() {
    // Issue 12: "no OpenAPI fragments found in the inputs" did not say which file.
    let prose = "# Jobs\n\nSome prose.\n\n```json\n{\"example\": 1}\n```\n";
    let stderr = bad(
        &[("docs/jobs.md", prose)],
        &["docs"],
        &[
            "error: no OpenAPI fragments found in docs/jobs.md\n",
            " --> docs/jobs.md\n",
            "with an `openapi` key",
        ],
    );
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
}

#[test]
fn json_cut_short_is_reported_where_it_stops() {
    // Issue 12: the error pointed at the closing fence, not at the line where the JSON stops.
    let text =
        "# T\n\n## GET /a\n\n```json\n{\"openapi\": \"3.0.3\",\n  \"paths\": {\"/a\": {}\n\n```\n";
    bad(
        &[("p.md", text)],
        &["p.md"],
        &["invalid JSON in a ```json block", " --> p.md:7:21\n"],
    );
    let whole = "{\"openapi\": \"3.0.3\",\n  \"paths\": {\n\n";
    bad(
        &[("api.json", whole)],
        &["api.json"],
        &[" --> api.json:2:13\n"],
    );
}

#[test]
fn a_crate_name_cargo_would_reject_fails_before_any_work() {
    // Issue 12: a 300-character --crate-name was accepted, then Cargo failed on it.
    let long = "x".repeat(300);
    bad(
        &[("jobs.md", JOBS)],
        &["jobs.md", "--crate-name", &long],
        &[
            "is not a valid crate name: it has 300 characters, more than 64",
            "--crate-name",
        ],
    );
}

#[test]
fn merge_does_not_create_missing_folders() {
    // Issue 12: `merge --out /no/such/dir/x.json` created the folders silently. Decision: an
    // error naming the missing folder (a typo in --out should not grow a tree of folders).
    let dir = folder(&[("jobs.md", JOBS)]);
    let out = stitch(dir.path(), &["merge", "jobs.md", "--out", "no/such/x.json"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("the folder no/such does not exist"),
        "{}",
        out.stderr
    );
    assert!(!dir.path().join("no").exists());
}

#[test]
fn a_schema_read_as_free_form_json_is_a_warning_with_its_place() {
    // An array among the values of a string `enum`: no Rust type says both.
    let rest = r##""components":{"schemas":{"Odd":{"type":"string","enum":["a",["b"]]}}},"paths":{"/a":{"get":{"operationId":"get_a","responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Odd"}}}}}}}}}"##;
    let dir = folder(&[("p.md", &page("GET /a", rest))]);
    let out = stitch(dir.path(), &["generate", "p.md", "--out", "client"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for needle in [
        "warning: read as free-form JSON (`serde_json::Value`): a schema with `type: string`, `enum: [\"a\", [\"b\"]]` together",
        "--> p.md:8:",
        "at #/components/schemas/Odd in the merged document",
        "help: describe the value with one `type`",
    ] {
        assert!(
            out.stderr.contains(needle),
            "no {needle:?} in:\n{}",
            out.stderr
        );
    }
}

/// `cargo xtask codegen` writes the crate's version from the config file (where it bumps it):
/// `stitch generate` and `check` take the same version, so a bumped crate is not drift; without
/// a config version the one in DIR/Cargo.toml is kept.
#[test]
fn generate_and_check_take_the_version_of_the_config_file_or_the_crate() {
    let dir = folder(&[
        ("p.md", &page("GET /a", OK_GET_A)),
        ("api.toml", "version = \"0.4.1\"\n"),
        ("next.toml", "version = \"0.5.0\"\n"),
    ]);
    let manifest = |dir: &Path| fs::read_to_string(dir.join("client/Cargo.toml")).expect("read");
    let generate = stitch(
        dir.path(),
        &[
            "generate", "p.md", "--out", "client", "--config", "api.toml",
        ],
    );
    assert_eq!(generate.code, 0, "{}", generate.stderr);
    assert!(manifest(dir.path()).contains("\nversion = \"0.4.1\"\n"));
    let check = |args: &[&str]| {
        let mut all = vec!["check", "p.md", "--out", "client"];
        all.extend(args);
        stitch(dir.path(), &all)
    };
    assert_eq!(check(&["--config", "api.toml"]).code, 0);
    // Without a config version the crate's own is kept: no drift, and generate keeps it.
    assert_eq!(check(&[]).code, 0);
    assert_eq!(
        stitch(dir.path(), &["generate", "p.md", "--out", "client"]).code,
        0
    );
    assert!(manifest(dir.path()).contains("\nversion = \"0.4.1\"\n"));
    // Another version in the config file is drift, naming the manifest.
    let drift = check(&["--config", "next.toml"]);
    assert_eq!(drift.code, 1, "{}", drift.stderr);
    assert!(drift.stderr.contains("Cargo.toml"), "{}", drift.stderr);
}

/// The checked-in Syntho client is what `stitch check` expects with the settings file that
/// `cargo xtask codegen` reads (and whose version it bumps).
#[test]
fn stitch_check_agrees_with_cargo_xtask_codegen_on_the_checked_in_client() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = stitch(
        &root,
        &[
            "check",
            "specs/syntho",
            "--out",
            "generated-client",
            "--config",
            "specs/syntho.toml",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
}
