//! `cargo xtask stream-bench`: the memory of streamed bodies (issue 15). Builds the benchmark
//! binary (`tests/src/bin/stream_memory.rs`: the client generated from
//! `tests/fixtures/streams.yaml` against a server on loopback in the same process), runs one
//! process per transfer (a download and an upload of `--size` bytes, each streamed and each
//! read or sent whole as the baseline), and reads each one's peak resident memory
//! (`VmHWM`, which it prints). Prints a table and, unless `--no-write`, writes it as the
//! streamed-bodies section of `BENCHMARKS.md` (from [`MARKER`] to the next section's marker
//! or the end of the file; from it on is the part `cargo xtask bench` keeps when it writes the
//! rest).

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use crate::bench::machine;
use crate::bench::text::{megabytes, write_section};
use crate::flags::StreamBench;

/// Where the section of `BENCHMARKS.md` this command writes begins.
pub(crate) const MARKER: &str = "<!-- cargo xtask stream-bench -->";

/// The target of issue 15: peak resident memory of a streamed 1 GB transfer, bytes.
const TARGET: u64 = 50_000_000;

/// One transfer: how the benchmark binary names it, and how the report does.
const MODES: [(&str, &str, &str, bool); 4] = [
    (
        "download-stream",
        "download",
        "`ByteStream::write_to` (streamed)",
        true,
    ),
    (
        "download-bytes",
        "download",
        "`ByteStream::bytes()` (whole, baseline)",
        false,
    ),
    (
        "upload-stream",
        "upload",
        "`Upload::stream` (streamed)",
        true,
    ),
    (
        "upload-bytes",
        "upload",
        "`Vec<u8>` in memory (whole, baseline)",
        false,
    ),
];

/// One measured transfer.
struct Run {
    seconds: f64,
    peak_rss: u64,
}

pub(crate) fn run(root: &Path, flags: &StreamBench) -> Result<(), String> {
    eprintln!(
        "stream-bench: building the benchmark binary (cargo build -p stitch-tests --bin stream_memory)"
    );
    let status = Command::new(env_cargo())
        .current_dir(root)
        .args([
            "build",
            "--quiet",
            "-p",
            "stitch-tests",
            "--bin",
            "stream_memory",
        ])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building the benchmark binary failed (see above)".to_owned());
    }
    let binary = root.join("target/debug/stream_memory");
    let mut runs = Vec::new();
    for (mode, _, _, _) in MODES {
        eprintln!("stream-bench: {mode} of {} bytes", flags.size);
        let output = Command::new(&binary)
            .args([mode, &flags.size.to_string()])
            .output()
            .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
        if !output.status.success() {
            return Err(format!(
                "{mode} failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        runs.push(parse(mode, &String::from_utf8_lossy(&output.stdout))?);
    }
    let section = section(flags.size, &runs);
    print!("{section}");
    if flags.no_write {
        eprintln!("stream-bench: --no-write: BENCHMARKS.md left as it was");
        return Ok(());
    }
    write_section(root, MARKER, &section, "stream-bench")
}

/// `cargo` as the one running xtask names it.
fn env_cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The binary's line: `MODE SIZE SECONDS PEAK_RSS`.
fn parse(mode: &str, stdout: &str) -> Result<Run, String> {
    let line = stdout.lines().find(|line| line.starts_with(mode));
    let fields: Vec<&str> = line
        .map(|l| l.split_whitespace().collect())
        .unwrap_or_default();
    match fields.as_slice() {
        [_, _, seconds, peak] => Ok(Run {
            seconds: seconds
                .parse()
                .map_err(|e| format!("{mode}: seconds {seconds:?}: {e}"))?,
            peak_rss: peak
                .parse()
                .map_err(|e| format!("{mode}: peak {peak:?}: {e}"))?,
        }),
        _ => Err(format!("{mode}: unreadable output {:?}", stdout.trim())),
    }
}

/// The section of `BENCHMARKS.md`.
fn section(size: u64, runs: &[Run]) -> String {
    let machine = machine::read();
    let mut out = format!(
        "{MARKER}\n## Streamed bodies: memory\n\n\
         Written by `cargo xtask stream-bench` (`xtask/src/stream_bench.rs`), {} on {} ({} cores, \
         load {}). Each row is one process (`tests/src/bin/stream_memory.rs`, a debug build): \
         the client generated from `tests/fixtures/streams.yaml` moves {} bytes over loopback \
         to or from an axum server in the same process, which makes a download as it sends it \
         and counts an upload as it reads it; peak RSS is the process's `VmHWM` (client, \
         server and runtime together). The target (issue 15) is under 50 MB for a streamed \
         1 GB transfer.\n\n\
         | transfer | body | peak RSS | time | target |\n|---|---|---|---|---|\n",
        machine.date, machine.cpu, machine.cores, machine.load, size
    );
    for ((_, transfer, body, streamed), run) in MODES.iter().zip(runs) {
        let verdict = match (streamed, run.peak_rss < TARGET) {
            (false, _) => "baseline",
            (true, true) => "met",
            (true, false) => "missed",
        };
        let _ = writeln!(
            out,
            "| {transfer} | {body} | {} | {:.1} s | {verdict} |",
            megabytes(run.peak_rss),
            run.seconds
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_binarys_line_is_read_and_a_bad_one_named() {
        let run = parse("upload-stream", "upload-stream 1024 1.500 11182080\n");
        assert_eq!(
            run.map(|r| (r.seconds, r.peak_rss)).ok(),
            Some((1.5, 11_182_080))
        );
        let bad = parse("upload-stream", "nothing");
        assert!(bad.is_err_and(|e| e.contains("upload-stream")));
    }
}
