//! Snapshots (insta) of everything code generation writes, for review: the module generated
//! from each fixture page, and every file of the Syntho client crate.

use stitch_tests::{fixture_module, fixture_names, syntho_options, syntho_specs};

/// What replaces the runtime module in the fixture snapshots.
const RUNTIME_ELIDED: &str = "// mod runtime { .. }: the same in every module (checked by the test); \
     reviewed once, as snapshots__syntho__src_runtime_rs.snap\n";

/// Splits a generated module into the module with its `mod runtime { .. }` block (and the doc
/// and attribute lines above it) replaced by [`RUNTIME_ELIDED`], and that block.
fn split_runtime(name: &str, module: &str) -> (String, String) {
    let lines: Vec<&str> = module.split_inclusive('\n').collect();
    let open = lines
        .iter()
        .position(|line| line.trim_end() == "mod runtime {")
        .unwrap_or_else(|| panic!("{name}: no `mod runtime {{` line in the generated module"));
    let mut start = open;
    while start > 0 && (lines[start - 1].starts_with("///") || lines[start - 1].starts_with("#[")) {
        start -= 1;
    }
    let close = open
        + lines[open..]
            .iter()
            .position(|line| line.trim_end() == "}")
            .unwrap_or_else(|| panic!("{name}: `mod runtime {{` is never closed"));
    let rest = [
        lines[..start].concat(),
        RUNTIME_ELIDED.to_owned(),
        lines[close + 1..].concat(),
    ]
    .concat();
    (rest, lines[start..=close].concat())
}

/// The client module generated from each fixture page is exactly the reviewed one
/// (`snapshots/snapshots__<fixture>.snap`), so every change to generated code is seen in review.
/// The runtime module, which does not depend on the API, is the same in every fixture and in
/// the Syntho module, so it is elided here and reviewed once with the Syntho crate.
#[test]
fn fixture_modules() {
    let names = fixture_names();
    assert!(!names.is_empty(), "no fixture pages found");
    let syntho = stitch::generate_module(
        &[stitch_tests::read_input(&stitch_tests::syntho_jobs_page())],
        &syntho_options(),
        stitch::OnConflict::Error,
    )
    .result
    .unwrap_or_else(|e| panic!("generating the Syntho module: {e}"));
    let (_, runtime) = split_runtime("syntho", &syntho);
    for name in names {
        let module = fixture_module(&name);
        let (rest, fixture_runtime) = split_runtime(&name, &module);
        assert!(
            fixture_runtime == runtime,
            "{name}: the runtime module differs from the Syntho module's"
        );
        insta::assert_snapshot!(name.as_str(), rest);
    }
}

/// Every file of the Syntho client crate (`Cargo.toml`, `src/*.rs`, `openapi.json`) is exactly
/// the reviewed one (`snapshots/snapshots__syntho__<path>.snap`).
#[test]
fn syntho_crate_files() {
    let sources = stitch::source::read_inputs(&[syntho_specs()]).expect("reading specs/syntho");
    let generated = stitch::generate(&sources, &syntho_options(), stitch::OnConflict::Error)
        .result
        .unwrap_or_else(|e| panic!("generating the Syntho client: {e}"));
    assert!(
        generated.files.contains_key("src/lib.rs"),
        "no src/lib.rs in {:?}",
        generated.files.keys().collect::<Vec<_>>()
    );
    for (path, contents) in &generated.files {
        let name = format!("syntho__{}", path.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name.as_str(), contents);
    }
}
