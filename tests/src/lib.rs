//! Shared helpers for the end-to-end tests.

use std::path::{Path, PathBuf};

pub mod fake_server;

/// The examples of `generated-client/README.md`, compiled as doctests so they stay true.
#[doc = include_str!("../../generated-client/README.md")]
pub mod client_readme {}

/// The folder of the Syntho pages (`specs/syntho`).
pub fn syntho_specs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/syntho")
}

/// The Syntho jobs page, the seed (`specs/syntho/jobs.md`).
pub fn syntho_jobs_page() -> PathBuf {
    syntho_specs().join("jobs.md")
}

/// The checked-in generated client (`generated-client`).
pub fn generated_client() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client")
}

/// The fixture pages (`tests/fixtures`).
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Extensions of fixture files: pages, and whole OpenAPI files.
pub const FIXTURE_EXTENSIONS: &[&str] = &["md", "json", "yaml", "yml"];

/// True for a fixture file (a page or a whole OpenAPI file).
pub fn is_fixture(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| FIXTURE_EXTENSIONS.iter().any(|e| ext == *e))
}

/// The fixture file named `name` (a page or a whole OpenAPI file).
pub fn fixture_path(name: &str) -> PathBuf {
    FIXTURE_EXTENSIONS
        .iter()
        .map(|ext| fixtures_dir().join(format!("{name}.{ext}")))
        .find(|path| path.is_file())
        .unwrap_or_else(|| panic!("no fixture named {name} in {}", fixtures_dir().display()))
}

/// Names (file stems) of every fixture (pages and whole OpenAPI files), sorted.
pub fn fixture_names() -> Vec<String> {
    let dir = fixtures_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("fixture dir entry").path())
        .filter(|path| is_fixture(path))
        .map(|path| {
            path.file_stem()
                .and_then(|stem| stem.to_str())
                .expect("fixture names are UTF-8")
                .to_owned()
        })
        .collect();
    names.sort();
    names
}

/// Reads one file as an in-memory source for the generator.
pub fn read_input(path: &Path) -> stitch::source::Input {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    stitch::source::Input {
        path: path.to_path_buf(),
        text,
    }
}

/// The options a fixture is generated with: its crate name, and the settings of its config
/// file `fixtures/<name>.toml` when it has one (as `tests/build.rs` reads them).
pub fn fixture_options(name: &str) -> stitch::Options {
    let config = fixtures_dir().join(format!("{name}.toml"));
    let config = if config.is_file() {
        stitch::config::read(&config).unwrap_or_else(|e| panic!("{e}"))
    } else {
        stitch::config::Config::default()
    };
    stitch::Options {
        crate_name: format!("{name}-client"),
        pagination: config.pagination,
        types: config.types,
    }
}

/// Generates the client for one fixture page as a single module's source.
pub fn fixture_module(name: &str) -> String {
    let path = fixture_path(name);
    let options = fixture_options(name);
    stitch::generate_module(&[read_input(&path)], &options, stitch::OnConflict::Error)
        .result
        .unwrap_or_else(|e| panic!("generating fixture {name}: {e}"))
}

/// Options for the Syntho client, as `cargo xtask codegen` uses them (with the pagination
/// rules of `specs/syntho.toml`).
pub fn syntho_options() -> stitch::Options {
    let config = syntho_specs().with_extension("toml");
    let config = stitch::config::read(&config).unwrap_or_else(|e| panic!("{e}"));
    stitch::Options {
        crate_name: "syntho-client".to_owned(),
        pagination: config.pagination,
        types: config.types,
    }
}

/// Compares two generated crates file by file; `Err` names the first difference found: a file
/// only one side has, or the first line where a file differs.
pub fn compare_crates(
    expected: &stitch::GeneratedCrate,
    actual: &stitch::GeneratedCrate,
) -> Result<(), String> {
    let expected_names: Vec<&String> = expected.files.keys().collect();
    let actual_names: Vec<&String> = actual.files.keys().collect();
    if expected_names != actual_names {
        return Err(format!(
            "different files: expected {expected_names:?}, got {actual_names:?}"
        ));
    }
    for (name, want) in &expected.files {
        let got = &actual.files[name];
        if want != got {
            let line = want
                .lines()
                .zip(got.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| want.lines().count().min(got.lines().count()));
            return Err(format!(
                "{name} differs at line {}:\n  expected: {:?}\n  got:      {:?}",
                line + 1,
                want.lines().nth(line).unwrap_or("<end of file>"),
                got.lines().nth(line).unwrap_or("<end of file>"),
            ));
        }
    }
    Ok(())
}
