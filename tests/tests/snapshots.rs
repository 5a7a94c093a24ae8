//! Snapshots (insta) of everything code generation writes, for review: the module generated
//! from each fixture page, and every file of the Syntho client crate.

use stitch_tests::{fixture_module, fixture_names, syntho_options, syntho_specs};

/// Replaces a generated module's `mod runtime { .. }` block (and the doc and attribute lines
/// above it) by one line naming the runtime files it holds: they are the runtime crate's own
/// (`runtime/src/`, minus their tests), reviewed there, and which of them an API gets is what
/// the snapshot shows.
fn elide_runtime(name: &str, module: &str) -> String {
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
    let files: Vec<&str> = lines[open..close]
        .iter()
        .filter_map(|line| line.strip_prefix("    mod ")?.trim_end().strip_suffix(" {"))
        .collect();
    let elided = format!(
        "// mod runtime {{ .. }}: the runtime crate's files {}\n",
        files.join(", ")
    );
    [lines[..start].concat(), elided, lines[close + 1..].concat()].concat()
}

/// The client module generated from each fixture page is exactly the reviewed one
/// (`snapshots/snapshots__<fixture>.snap`), so every change to generated code is seen in review.
/// The runtime's files are elided (see [`elide_runtime`]).
#[test]
fn fixture_modules() {
    let names = fixture_names();
    assert!(!names.is_empty(), "no fixture pages found");
    for name in names {
        let module = fixture_module(&name);
        insta::assert_snapshot!(name.as_str(), elide_runtime(&name, &module));
    }
}

/// Every file of the Syntho client crate (`Cargo.toml`, `src/*.rs`, `openapi.json`) is exactly
/// the reviewed one (`snapshots/snapshots__syntho__<path>.snap`), but the runtime's files
/// (`src/runtime/*.rs`, copies of the runtime crate's): their list is the snapshot
/// `snapshots__syntho__src_runtime_files.snap`.
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
    let mut runtime_files = String::new();
    for (path, contents) in &generated.files {
        if path.starts_with("src/runtime/") {
            runtime_files.push_str(path);
            runtime_files.push('\n');
            continue;
        }
        let name = format!("syntho__{}", path.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name.as_str(), contents);
    }
    insta::assert_snapshot!("syntho__src_runtime_files", runtime_files);
}
