//! Per-tag cargo features (issue 17), on `fixtures/features/three_tags.json`: three tags
//! (`Repos`, `Issues`, `Git Data`; one operation under two of them) sharing types (a user
//! type in two tags, an error body in all three, a type only webhooks would name, inline
//! response types printed once across tags).
//!
//! - the gated code is the reviewed one (snapshots of `Cargo.toml`, `lib.rs`, `types.rs`,
//!   `operations.rs` and every feature's files under `types/` and `operations/`);
//! - the same crate whatever order the document lists its paths, schemas and tags in;
//! - the crate, outside the workspace, passes `cargo check` with no feature (a client without
//!   operations), with each feature alone, with two, and with the default (`full`), without a
//!   warning; a program calling `repos` and `issues` builds with those two features and fails
//!   with only `git-data`, naming the missing method;
//! - a disabled feature's files are never read: with every file that `repos` does not compile
//!   replaced by text that is not Rust, the crate still checks with `repos`, and fails with
//!   `issues`, naming the broken file.
//!
//! `cargo check` runs in its own target folder (`target/features-check/`): the dependencies
//! are checked there once (minutes on a cold cache), then each run takes seconds.

use std::path::{Path, PathBuf};
use std::process::Command;

const CRATE: &str = "three-tags";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/features/three_tags.json")
}

/// The crate generated from `input` (a file).
fn generate(input: &Path) -> stitch::GeneratedCrate {
    let sources = stitch::source::read_inputs(&[input.to_path_buf()])
        .unwrap_or_else(|e| panic!("reading {}: {e}", input.display()));
    let options = stitch::Options {
        crate_name: CRATE.to_owned(),
        ..Default::default()
    };
    stitch::generate(&sources, &options, stitch::OnConflict::Error)
        .result
        .unwrap_or_else(|e| panic!("generating {}: {e}", input.display()))
}

#[test]
fn gated_code_is_the_reviewed_one() {
    let krate = generate(&fixture());
    let features: Vec<&str> = krate
        .files
        .keys()
        .map(String::as_str)
        .filter(|path| path.starts_with("src/types/") || path.starts_with("src/operations/"))
        .collect();
    // One file per feature and per set of features that share items, and `full`'s types.
    assert_eq!(
        features,
        [
            "src/operations/git-data.rs",
            "src/operations/issues.rs",
            "src/operations/repos.rs",
            "src/operations/shared/issues+repos.rs",
            "src/types/full.rs",
            "src/types/git-data.rs",
            "src/types/issues.rs",
            "src/types/repos.rs",
            "src/types/shared/git-data+repos.rs",
            "src/types/shared/issues+repos.rs",
        ]
    );
    for path in [
        "Cargo.toml",
        "src/lib.rs",
        "src/types.rs",
        "src/operations.rs",
    ]
    .into_iter()
    .chain(features)
    {
        let name = format!("three_tags__{}", path.replace(['/', '.', '+', '-'], "_"));
        insta::assert_snapshot!(name.as_str(), &krate.files[path]);
    }
}

/// `document` listed in another order: paths, the methods of each path item, component
/// schemas and each operation's tags reversed (what the API says is unchanged; a schema's
/// property order, which is the fields' order, is kept).
fn reversed(document: &serde_json::Value) -> serde_json::Value {
    fn rev(map: &serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        let map = map.as_object().cloned().unwrap_or_default();
        map.into_iter().rev().collect()
    }
    let mut out = document.clone();
    let mut paths = rev(&document["paths"]);
    for item in paths.values_mut() {
        let mut methods = rev(item);
        for op in methods.values_mut() {
            if let Some(tags) = op.get_mut("tags").and_then(|t| t.as_array_mut()) {
                tags.reverse();
            }
        }
        *item = serde_json::Value::Object(methods);
    }
    out["paths"] = serde_json::Value::Object(paths);
    out["components"]["schemas"] =
        serde_json::Value::Object(rev(&document["components"]["schemas"]));
    out
}

#[test]
fn features_do_not_depend_on_input_order() {
    let text = std::fs::read_to_string(fixture()).expect("reading the fixture");
    let document: serde_json::Value = serde_json::from_str(&text).expect("the fixture is JSON");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let backwards = dir.path().join("three_tags.json");
    let reversed = reversed(&document);
    assert_ne!(
        serde_json::to_string(&reversed).ok(),
        serde_json::to_string(&document).ok(),
        "the reversed document must differ in order"
    );
    std::fs::write(
        &backwards,
        serde_json::to_string_pretty(&reversed).unwrap_or_default(),
    )
    .expect("writing the reversed fixture");
    let forwards = generate(&fixture());
    let again = generate(&backwards);
    for (path, text) in &forwards.files {
        // `openapi.json` is the document as it was given; what is generated from it is not.
        if path == "openapi.json" || path.starts_with("src/runtime/") {
            continue;
        }
        assert!(
            again.files.get(path) == Some(text),
            "{path} differs when the document lists its members in reverse order"
        );
    }
    assert_eq!(
        forwards.files.keys().collect::<Vec<_>>(),
        again.files.keys().collect::<Vec<_>>()
    );
}

/// A program of a user of two areas: one method of `repos`, one of `issues`.
const TWO_AREAS: &str = r#"fn main() {
    let client = three_tags::Client::new("http://127.0.0.1:1").expect("a client");
    let repo = client.repos_get("octo", "hello");
    let issue = client.issues_get("octo", "hello", 1);
    let _: (three_tags::operations::ReposGet<'_>, three_tags::operations::IssuesGet<'_>) = (repo, issue);
    let _ = std::mem::size_of::<three_tags::types::Issue>();
}
"#;

/// `cargo check` of the crate in `dir` with these arguments: `Ok(stderr)` or `Err(stderr)`.
fn cargo_check(dir: &Path, args: &[&str]) -> Result<String, String> {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/features-check");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .arg("check")
        .arg("--offline")
        .arg("--message-format=short")
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() {
        Ok(stderr)
    } else {
        Err(stderr)
    }
}

/// The crate written into `dir`, with the workspace's `Cargo.lock`; its folder.
fn write_crate(krate: &stitch::GeneratedCrate, dir: &Path) -> PathBuf {
    let root = dir.join(CRATE);
    for (path, text) in &krate.files {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().expect("a file has a folder")).expect("mkdir");
        std::fs::write(&file, text).expect("writing the crate");
    }
    // The workspace's versions of the dependencies, as `.ci/run` checks the Syntho client.
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"),
        root.join("Cargo.lock"),
    )
    .expect("copying Cargo.lock");
    root
}

#[test]
fn each_feature_alone_none_and_all_compile_without_warnings() {
    let krate = generate(&fixture());
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = write_crate(&krate, dir.path());
    let runs: [&[&str]; 6] = [
        // `rustls`: the default TLS stack, which `--no-default-features` turns off too.
        &["--no-default-features", "--features", "rustls"],
        &["--no-default-features", "--features", "rustls,repos"],
        &["--no-default-features", "--features", "rustls,issues"],
        &["--no-default-features", "--features", "rustls,git-data"],
        &["--no-default-features", "--features", "rustls,repos,issues"],
        &[],
    ];
    for args in runs {
        match cargo_check(&root, args) {
            Ok(stderr) => assert!(
                !stderr.contains("warning"),
                "cargo check {args:?} warned:\n{stderr}"
            ),
            Err(stderr) => panic!("cargo check {args:?} failed:\n{stderr}"),
        }
    }
    // A user's program: builds with the two features it calls, not with another one.
    let bin = root.join("src/bin/two_areas.rs");
    std::fs::create_dir_all(bin.parent().expect("src/bin")).expect("mkdir src/bin");
    std::fs::write(&bin, TWO_AREAS).expect("writing the program");
    let two = [
        "--bins",
        "--no-default-features",
        "--features",
        "rustls,repos,issues",
    ];
    if let Err(stderr) = cargo_check(&root, &two) {
        panic!("the two-area program does not build with repos,issues:\n{stderr}");
    }
    let other = [
        "--bins",
        "--no-default-features",
        "--features",
        "rustls,git-data",
    ];
    match cargo_check(&root, &other) {
        Ok(_) => panic!("the two-area program built with git-data alone: nothing is gated"),
        Err(stderr) => assert!(
            stderr.contains("no method named `repos_get`"),
            "expected the missing `repos_get`:\n{stderr}"
        ),
    }
}

/// What replaces the files a feature does not compile: not Rust, so reading it fails.
const BROKEN: &str = "this is not Rust {\ncompile_error!(\"read although its feature is off\");\n";

/// rustc never reads the file of a disabled feature (the `include!` under its `cfg` is
/// stripped before it is expanded), so its parsing and name resolution cost nothing: with
/// every file `repos` does not compile (`issues`, `git-data`, `full`) broken, `repos` alone
/// checks, and `issues` fails on the broken file, which shows the break is noticed when the
/// file is read.
#[test]
fn a_disabled_features_files_are_never_read() {
    let mut krate = generate(&fixture());
    // A package name of its own: cargo names what it builds of a path package by its name and
    // its path inside the workspace, which the other tests' crates share, so in the one target
    // folder a check of theirs could stand for this one's (and `issues` pass unread).
    let manifest = krate
        .files
        .get_mut("Cargo.toml")
        .expect("the crate has a manifest");
    let renamed = manifest.replace(
        &format!("name = \"{CRATE}\""),
        &format!("name = \"{CRATE}-broken\""),
    );
    assert_ne!(*manifest, renamed, "the manifest names the package {CRATE}");
    *manifest = renamed;
    let mut broken = Vec::new();
    for (path, text) in &mut krate.files {
        let feature_file = path.starts_with("src/types/") || path.starts_with("src/operations/");
        // `shared/issues+repos.rs` and `shared/git-data+repos.rs` are compiled under `repos`.
        if feature_file && !path.contains("repos") {
            *text = BROKEN.to_owned();
            broken.push(path.clone());
        }
    }
    assert_eq!(
        broken,
        [
            "src/operations/git-data.rs",
            "src/operations/issues.rs",
            "src/types/full.rs",
            "src/types/git-data.rs",
            "src/types/issues.rs",
        ]
    );
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = write_crate(&krate, dir.path());
    let repos = ["--no-default-features", "--features", "rustls,repos"];
    match cargo_check(&root, &repos) {
        Ok(stderr) => assert!(
            !stderr.contains("warning"),
            "cargo check {repos:?} warned:\n{stderr}"
        ),
        Err(stderr) => panic!("a file `repos` does not compile was read:\n{stderr}"),
    }
    let issues = ["--no-default-features", "--features", "rustls,issues"];
    match cargo_check(&root, &issues) {
        Ok(_) => panic!("the broken files of `issues` were not read with `issues` on"),
        Err(stderr) => assert!(
            stderr.contains("issues.rs"),
            "expected an error in a file of `issues`:\n{stderr}"
        ),
    }
}
