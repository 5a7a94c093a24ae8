//! The checked-in client (`generated-client`) is what the generator makes of `specs/syntho`, and
//! the drift check notices when it is not.

use std::fs;
use std::path::Path;

use stitch::GeneratedCrate;
use stitch_tests::{generated_client, read_input, syntho_jobs_page, syntho_options, syntho_specs};

/// Regenerating the Syntho client in memory gives exactly the files checked in under
/// `generated-client`: `cargo test` alone catches a stale client.
#[test]
fn generated_client_is_up_to_date() {
    let sources = stitch::source::read_inputs(&[syntho_specs()]).expect("reading specs/syntho");
    let mut generated = stitch::generate(&sources, &syntho_options(), stitch::OnConflict::Error)
        .result
        .unwrap_or_else(|e| panic!("generating the Syntho client: {e}"));
    // The crate's version is `cargo xtask codegen`'s, kept in specs/syntho.toml.
    let settings = syntho_specs().with_extension("toml");
    let settings: toml::Table = fs::read_to_string(&settings)
        .expect("reading specs/syntho.toml")
        .parse()
        .expect("specs/syntho.toml is TOML");
    let version = settings["version"].as_str().expect("a version string");
    let version = stitch::diff::parse_version(version).expect("a semver version");
    assert!(stitch::diff::release::set_crate_version(
        &mut generated,
        &version
    ));
    let drift = stitch::write::check_crate(&generated, &generated_client())
        .unwrap_or_else(|e| panic!("checking generated-client: {e}"));
    assert!(
        drift.is_clean(),
        "generated-client is out of date with specs/syntho:\n{}",
        drift.report(&generated_client(), "cargo xtask codegen")
    );
}

/// Copies the files the generator owns (`Cargo.toml`, `src/`, `openapi.json`) of
/// `generated-client` into `to`.
fn copy_generated_client(to: &Path) {
    let from = generated_client();
    fs::copy(from.join("Cargo.toml"), to.join("Cargo.toml")).expect("copy Cargo.toml");
    fs::copy(from.join("openapi.json"), to.join("openapi.json")).expect("copy openapi.json");
    copy_dir(&from.join("src"), &to.join("src"));
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

fn generate_from_jobs_page(text: String) -> GeneratedCrate {
    let page = stitch::source::Input {
        path: syntho_jobs_page(),
        text,
    };
    stitch::generate(&[page], &syntho_options(), stitch::OnConflict::Error)
        .result
        .unwrap_or_else(|e| panic!("generating the Syntho client: {e}"))
}

/// A copy of the checked-in client is clean against the pristine pages, also with files the
/// generator does not own beside it (README, examples); after one description in the JSON of
/// `jobs.md` changes, the check reports drift and names every file that changed.
#[test]
fn edited_spec_is_reported_as_drift() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_generated_client(dir.path());
    fs::write(dir.path().join("README.md"), "# my notes\n").expect("write README");
    fs::create_dir_all(dir.path().join("examples")).expect("create examples");
    fs::write(dir.path().join("examples/mine.rs"), "fn main() {}\n").expect("write example");

    let original = read_input(&syntho_jobs_page()).text;
    let pristine = generate_from_jobs_page(original.clone());
    let drift = stitch::write::check_crate(&pristine, dir.path()).expect("check pristine copy");
    assert!(drift.is_clean(), "a pristine copy reports drift:\n{drift}");

    let needle = r#""description":"Latest job""#;
    assert_eq!(
        original.matches(needle).count(),
        1,
        "the seed's description moved"
    );
    let edited =
        generate_from_jobs_page(original.replace(needle, r#""description":"Latest job!!""#));
    let changed: Vec<String> = pristine
        .files
        .iter()
        .filter(|(path, text)| edited.files.get(*path) != Some(text))
        .map(|(path, _)| path.clone())
        .collect();
    assert!(
        !changed.is_empty(),
        "editing a description changed no generated file"
    );

    let drift = stitch::write::check_crate(&edited, dir.path()).expect("check after edit");
    assert!(!drift.is_clean(), "an edited description reports no drift");
    let report = drift.to_string();
    assert_eq!(
        drift.changed, changed,
        "changed files, in the report:\n{report}"
    );
    assert!(
        drift.missing.is_empty() && drift.stale.is_empty(),
        "only changed files expected:\n{report}"
    );
    for path in &changed {
        assert!(
            report.contains(path.as_str()),
            "the drift report does not name the changed file {path}:\n{report}"
        );
    }
}
