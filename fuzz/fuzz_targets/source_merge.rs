//! Bytes → up to three inputs (split at 0xFF bytes; the first byte picks each one's kind and
//! the conflict policy) → source stage → merge stage → diagnostics. Nothing may panic.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use stitch::OnConflict;
use stitch::source::Input;

const NAMES: [&str; 4] = ["a.md", "b.json", "c.yaml", "d.md"];

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let sources: Vec<Input> = rest
        .split(|&b| b == 0xFF)
        .take(3)
        .enumerate()
        .map(|(i, bytes)| Input {
            path: PathBuf::from(format!(
                "{i}/{}",
                NAMES[(usize::from(first) + i) % NAMES.len()]
            )),
            text: String::from_utf8_lossy(bytes).into_owned(),
        })
        .collect();
    let policy =
        [OnConflict::Error, OnConflict::Rename, OnConflict::Widen][usize::from(first >> 4) % 3];
    let run = stitch::merge_sources(&sources, policy);
    for diagnostic in &run.diagnostics {
        let _ = diagnostic.render(&sources);
        let _ = diagnostic.to_json(&sources);
    }
});
