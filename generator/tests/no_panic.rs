//! No input makes stitch panic: property tests feed the whole pipeline (source, merge, model,
//! emit) and the diagnostics renderer arbitrary bytes as pages and files, and the Syntho seed
//! page mutated both as text and as JSON. A panic anywhere fails the test. The number of cases
//! is bounded (see `CASES`) so `cargo test` stays fast, and no failure files are written.

use std::path::PathBuf;

use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use serde_json::Value;
use stitch::source::Input;
use stitch::{OnConflict, Options};

const JOBS: &str = include_str!("../../specs/syntho/jobs.md");
const DATABASE_REPORT: &str = include_str!("../../tests/fixtures/conflicts/database_report.md");

/// Cases per property.
const CASES: u32 = 256;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const POLICIES: [OnConflict; 3] = [OnConflict::Error, OnConflict::Rename, OnConflict::Widen];

/// Runs every stage and renders every diagnostic both ways; returns whether it generated.
fn run(sources: &[Input], policy: OnConflict) -> bool {
    let options = Options {
        crate_name: "fuzzed-client".to_owned(),
        ..Default::default()
    };
    let run = stitch::generate(sources, &options, policy);
    for diagnostic in &run.diagnostics {
        let shown = diagnostic.render(sources);
        assert!(shown.starts_with("error: ") || shown.starts_with("warning: "));
        let json = diagnostic.to_json(sources);
        assert!(serde_json::from_str::<Value>(&json).is_ok(), "{json}");
    }
    if run.result.is_err() {
        assert!(
            !run.diagnostics.is_empty(),
            "a failure always explains itself"
        );
    }
    run.result.is_ok()
}

fn input(name: &str, text: String) -> Input {
    Input {
        path: PathBuf::from(name),
        text,
    }
}

/// The JSON pointers of every value in `value`.
fn pointers(value: &Value, here: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let token = key.replace('~', "~0").replace('/', "~1");
                pointers(child, format!("{here}/{token}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointers(child, format!("{here}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(here);
}

/// Replacement values for a JSON mutation.
fn replacement(choice: u8, text: &str) -> Option<Value> {
    Some(match choice % 10 {
        0 => return None, // remove the key or element
        1 => Value::Null,
        2 => Value::Bool(true),
        3 => serde_json::json!(-1),
        4 => Value::String(text.to_owned()),
        5 => serde_json::json!({}),
        6 => serde_json::json!([]),
        7 => serde_json::json!({"$ref": format!("#/components/schemas/{text}")}),
        8 => serde_json::json!({"type": text, "properties": {text: {"type": "array"}}}),
        _ => serde_json::json!({"allOf": [{"$ref": "#/components/schemas/JobSchema"}]}),
    })
}

/// Sets (or removes) the value at `pointer`.
fn mutate(document: &mut Value, pointer: &str, new: Option<Value>) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        if let Some(new) = new {
            *document = new;
        }
        return;
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    match (document.pointer_mut(parent), new) {
        (Some(Value::Object(map)), Some(new)) => {
            map.insert(last, new);
        }
        (Some(Value::Object(map)), None) => {
            map.shift_remove(&last);
        }
        (Some(Value::Array(items)), new) => {
            if let Ok(i) = last.parse::<usize>()
                && i < items.len()
            {
                match new {
                    Some(new) => items[i] = new,
                    None => {
                        items.remove(i);
                    }
                }
            }
        }
        _ => {}
    }
}

/// The seed page with the fence on page line `line` replaced by `value`.
fn with_fence(page: &str, line: usize, value: &Value) -> String {
    page.lines()
        .enumerate()
        .map(|(i, text)| {
            if i + 1 == line {
                value.to_string()
            } else {
                text.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Page lines of the seed's fences.
const SEED_FENCES: [usize; 6] = [8, 16, 24, 32, 40, 48];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_as_a_page_or_file(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
        kind in 0usize..3,
        policy in 0usize..3,
    ) {
        let name = ["p.md", "p.json", "p.yaml"][kind];
        let text = String::from_utf8_lossy(&bytes).into_owned();
        run(&[input(name, text)], POLICIES[policy]);
    }

    #[test]
    fn markdown_ish_noise_around_fences(
        parts in prop::collection::vec(0usize..12, 0..24),
        words in prop::collection::vec("[a-z{}/_ ]{0,6}", 24),
    ) {
        const PIECES: [&str; 12] = [
            "## GET /", "\n", "```json\n", "```\n", "{\"openapi\":\"3.0.3\",", "\"paths\":{",
            "}", "> ", "    ", "```yaml\nopenapi: 3.0.3\n", "\"/a/{", "{% hint %}",
        ];
        let mut text = String::new();
        for (i, part) in parts.iter().enumerate() {
            text.push_str(PIECES[*part % PIECES.len()]);
            text.push_str(&words[i % words.len()]);
        }
        run(&[input("p.md", text)], OnConflict::Error);
    }

    #[test]
    fn the_seed_page_mutated_as_text(
        at in 0.0f64..1.0,
        cut in 0usize..64,
        insert in prop::collection::vec(any::<u8>(), 0..16),
        policy in 0usize..3,
    ) {
        let bytes = JOBS.as_bytes();
        let start = ((bytes.len() as f64) * at) as usize;
        let end = (start + cut).min(bytes.len());
        let mut mutated = bytes[..start].to_vec();
        mutated.extend(&insert);
        mutated.extend(&bytes[end..]);
        let text = String::from_utf8_lossy(&mutated).into_owned();
        run(&[input("specs/jobs.md", text)], POLICIES[policy]);
    }

    #[test]
    fn seed_fragments_mutated_as_json(
        mutations in prop::collection::vec((0usize..6, any::<prop::sample::Index>(), any::<u8>(), "[A-Za-z_]{0,8}"), 1..4),
        policy in 0usize..3,
        with_report in any::<bool>(),
    ) {
        let lines: Vec<&str> = JOBS.lines().collect();
        let mut page = JOBS.to_owned();
        for (fence, index, choice, text) in mutations {
            let line = SEED_FENCES[fence];
            let current: Vec<String> = page.lines().map(str::to_owned).collect();
            let source = current.get(line - 1).map_or(lines[line - 1], String::as_str);
            let Ok(mut value) = serde_json::from_str::<Value>(source) else { continue };
            let mut all = Vec::new();
            pointers(&value, String::new(), &mut all);
            let pointer = index.get(&all).clone();
            mutate(&mut value, &pointer, replacement(choice, &text));
            page = with_fence(&page, line, &value);
        }
        let mut sources = vec![input("specs/jobs.md", page)];
        if with_report {
            sources.insert(0, input("specs/database_report.md", DATABASE_REPORT.to_owned()));
        }
        run(&sources, POLICIES[policy]);
    }
}

#[test]
fn the_unmutated_inputs_generate() {
    assert!(run(
        &[input("specs/jobs.md", JOBS.to_owned())],
        OnConflict::Error
    ));
    let both = [
        input("specs/database_report.md", DATABASE_REPORT.to_owned()),
        input("specs/jobs.md", JOBS.to_owned()),
    ];
    assert!(!run(&both, OnConflict::Error));
    assert!(run(&both, OnConflict::Rename));
    assert!(run(&both, OnConflict::Widen));
}
