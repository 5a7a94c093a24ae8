//! Timing one generator on one spec: a fresh output folder for every run (so no run merely
//! finds its output up to date), the median wall time and peak memory of the runs, and the
//! size of what the last run wrote (`.rs` files only: lines and bytes).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::anchors::{self, Tool};
use super::inputs::Spec;
use super::measure::{self, Meter, Sample};
use super::text::{first_line, megabytes};
use crate::corpus::fetch;

/// What one generator did with one spec.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The generator.
    pub tool: Tool,
    /// The figures, or why there are none (not installed, failed, panicked).
    pub outcome: Result<Figures, String>,
}

/// The figures of a generator that succeeded on every run.
#[derive(Debug, Clone)]
pub struct Figures {
    /// Every run, in order.
    pub runs: Vec<Sample>,
    /// The median wall time.
    pub wall: Duration,
    /// The median peak memory, bytes.
    pub peak_rss: u64,
    /// The generated `.rs` files.
    pub size: Size,
    /// The folder the last run wrote.
    pub out: PathBuf,
}

/// The size of the generated Rust source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Size {
    /// How many `.rs` files.
    pub files: u64,
    /// Their lines.
    pub lines: u64,
    /// Their bytes.
    pub bytes: u64,
}

/// Runs `tool` (the program `program`, or why it is missing) `runs` times on `spec`, writing
/// into `cache/out/<spec>/<tool>/`. Stops at the first failed run.
pub fn measure(
    tool: Tool,
    program: &anchors::Installed,
    spec: &Spec,
    runs: usize,
    cache: &Path,
    meter: &Meter,
) -> Generated {
    let outcome = match program {
        Ok(program) => measure_installed(tool, program, spec, runs, cache, meter),
        Err(why) => Err(why.clone()),
    };
    if let Err(why) = &outcome {
        eprintln!(
            "bench: {}: {} failed: {}",
            spec.label,
            tool.name(),
            first_line(why)
        );
    }
    Generated { tool, outcome }
}

/// [`measure()`] with the program at hand.
fn measure_installed(
    tool: Tool,
    program: &Path,
    spec: &Spec,
    runs: usize,
    cache: &Path,
    meter: &Meter,
) -> Result<Figures, String> {
    let slug = super::slug(&spec.label);
    let out = cache.join("out").join(&slug).join(tool.key());
    let log = cache
        .join("logs")
        .join(format!("generate-{slug}-{}.log", tool.key()));
    let mut samples = Vec::new();
    for run in 1..=runs.max(1) {
        fetch::remove_dir(&out)?;
        if let Some(parent) = out.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let mut command = anchors::command(tool, program, spec, &out);
        let outcome = meter.run(&mut command, &log)?;
        if let Some(failure) = outcome.failure {
            return Err(failure);
        }
        eprintln!(
            "bench: {}: {} run {run}/{}: {:.2} s, {}",
            spec.label,
            tool.name(),
            runs.max(1),
            outcome.sample.wall.as_secs_f64(),
            megabytes(outcome.sample.peak_rss)
        );
        samples.push(outcome.sample);
    }
    let size = rust_size(&out)?;
    if size.files == 0 {
        return Err(format!(
            "it exited 0 but wrote no .rs file into {} (log: {})",
            out.display(),
            log.display()
        ));
    }
    let walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    let peaks: Vec<u64> = samples.iter().map(|s| s.peak_rss).collect();
    Ok(Figures {
        wall: measure::median_duration(&walls),
        peak_rss: measure::median_bytes(&peaks),
        runs: samples,
        size,
        out,
    })
}

/// The `.rs` files under `dir` (every depth, `target/` skipped): how many, lines, bytes.
pub fn rust_size(dir: &Path) -> Result<Size, String> {
    let mut size = Size::default();
    for path in fetch::files_under(dir, |name| name != "target")? {
        if path.extension().is_some_and(|ext| ext == "rs") {
            let bytes =
                fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            size.files += 1;
            size.bytes += bytes.len() as u64;
            size.lines += line_count(&bytes);
        }
    }
    Ok(size)
}

/// Lines of a text: newlines, plus one for a last line without one.
fn line_count(bytes: &[u8]) -> u64 {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    if bytes.last().is_some_and(|&b| b != b'\n') {
        newlines + 1
    } else {
        newlines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_like_wc_plus_an_unterminated_last_line() {
        assert_eq!(line_count(b""), 0);
        assert_eq!(line_count(b"a\nb\n"), 2);
        assert_eq!(line_count(b"a\nb"), 2);
    }

    #[test]
    fn only_rust_files_count() {
        let dir = std::env::temp_dir().join(format!("xtask-size-{}", std::process::id()));
        let _ignored = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src/apis")).expect("dirs");
        fs::create_dir_all(dir.join("target")).expect("dirs");
        fs::write(dir.join("src/lib.rs"), "mod apis;\n").expect("write");
        fs::write(dir.join("src/apis/mod.rs"), "fn a() {}\nfn b() {}\n").expect("write");
        fs::write(dir.join("README.md"), "# x\n").expect("write");
        fs::write(dir.join("target/x.rs"), "skipped\n").expect("write");
        let size = rust_size(&dir).expect("size");
        assert_eq!(
            size,
            Size {
                files: 2,
                lines: 3,
                bytes: 30
            }
        );
        let _ignored = fs::remove_dir_all(&dir);
    }
}
