//! Generates one Rust module per fixture (`fixtures/*.md` pages, and whole OpenAPI files
//! `fixtures/*.json`, `*.yaml`, `*.yml`) and one for the Syntho pages
//! (`../specs/syntho`), written to `$OUT_DIR/<name>.rs`, so `tests/fixtures_compile.rs` can
//! `include!` them and prove that what the generator writes compiles and works.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out_dir = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);

    let fixtures_dir = manifest_dir.join("fixtures");
    println!("cargo:rerun-if-changed={}", fixtures_dir.display());
    let mut fixtures = Vec::new();
    for entry in fs::read_dir(&fixtures_dir)
        .map_err(|e| format!("cannot read {}: {e}", fixtures_dir.display()))?
    {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path
            .extension()
            .is_some_and(|ext| ["md", "json", "yaml", "yml"].iter().any(|e| ext == *e))
        {
            fixtures.push(path);
        }
    }
    fixtures.sort();
    for path in &fixtures {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .ok_or_else(|| format!("fixture name is not UTF-8: {}", path.display()))?;
        generate_module(name, path, &out_dir)?;
    }

    let syntho = manifest_dir.join("../specs/syntho");
    println!("cargo:rerun-if-changed={}", syntho.display());
    generate_module("syntho", &syntho, &out_dir)
}

/// Generates the client for `input` (a page or a folder of pages) as one module and writes it
/// to `$OUT_DIR/<name>.rs`.
fn generate_module(name: &str, input: &Path, out_dir: &Path) -> Result<(), String> {
    let sources = stitch::source::read_inputs(&[input.to_path_buf()])
        .map_err(|e| format!("{}: {e}", input.display()))?;
    // A fixture's config file (`fixtures/<name>.toml`), as `stitch_tests::fixture_options`.
    let config = input.with_extension("toml");
    let config = if input.is_file() && config.is_file() {
        println!("cargo:rerun-if-changed={}", config.display());
        stitch::config::read(&config)?
    } else {
        stitch::config::Config::default()
    };
    let options = stitch::Options {
        crate_name: format!("{name}-client"),
        pagination: config.pagination,
        types: config.types,
    };
    let module = stitch::generate_module(&sources, &options, stitch::OnConflict::Error)
        .result
        .map_err(|e| format!("generating {}: {e}", input.display()))?;
    let out = out_dir.join(format!("{name}.rs"));
    fs::write(&out, module).map_err(|e| format!("cannot write {}: {e}", out.display()))
}
