//! `cargo xtask build-bench`: a cold `cargo build` of the checked-in Syntho client with each
//! TLS stack its features offer (issue 16). The client is copied into a throwaway workspace
//! under `.cache/build-bench/` with the repository's `Cargo.lock` (the versions CI builds);
//! its dependencies are fetched once, untimed; then, per TLS feature, a fresh target folder
//! of its own and one `cargo build --no-default-features --features TLS`, measured by the
//! bench's meter (`bench/measure.rs`: wall time, peak RSS of the largest process, and the
//! CPU time, user + system, of the whole tree). Prints a table and, unless `--no-write`,
//! writes it as its own section of `BENCHMARKS.md` (from [`MARKER`] to the next section
//! marker or the end, the part `cargo xtask bench` keeps).
//!
//! Not in CI: four cold builds take minutes of CPU.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::bench::check::copy_dir;
use crate::bench::machine;
use crate::bench::measure::{Meter, Sample};
use crate::bench::text::{first_line, megabytes, write_section};
use crate::corpus::fetch;
use crate::flags::BuildBench;

/// Where the section of `BENCHMARKS.md` this command writes begins.
pub(crate) const MARKER: &str = "<!-- cargo xtask build-bench -->";

/// The TLS features of a generated crate (`generator/src/emit/manifest.rs`), the default
/// first, with what each one builds.
pub(crate) const STACKS: [(&str, &str); 4] = [
    ("rustls", "rustls + aws-lc-rs (default)"),
    ("rustls-ring", "rustls + ring"),
    (
        "rustls-no-provider",
        "rustls, the application's provider (none built)",
    ),
    ("native-tls", "native-tls (OpenSSL)"),
];

/// One measured build.
struct Built {
    feature: &'static str,
    what: &'static str,
    sample: Sample,
    /// Packages compiled (`Compiling` lines of the log).
    crates: usize,
    /// The load averages when it started.
    load: String,
}

pub(crate) fn run(root: &Path, flags: &BuildBench) -> Result<(), String> {
    let chosen: Vec<(&'static str, &'static str)> = STACKS
        .into_iter()
        .filter(|(feature, _)| flags.tls.is_empty() || flags.tls.iter().any(|t| t == *feature))
        .collect();
    let cache = root.join(".cache").join("build-bench");
    let workspace = cache.join("workspace");
    fetch::remove_dir(&workspace)?;
    copy_dir(&root.join("generated-client"), &workspace.join("crate"))?;
    let manifest = workspace.join("Cargo.toml");
    fs::write(
        &manifest,
        "# A throwaway workspace written by `cargo xtask build-bench`.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\"crate\"]\n",
    )
    .map_err(|e| format!("cannot write {}: {e}", manifest.display()))?;
    fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("build-bench: cargo fetch (untimed)");
    let status = Command::new(&cargo)
        .arg("fetch")
        .current_dir(&workspace)
        .env_remove("CARGO_MANIFEST_DIR")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo fetch failed (see above)".to_owned());
    }
    let meter = Meter::install(&cache)?;
    let mut built = Vec::new();
    for (feature, what) in chosen {
        let target = cache.join(format!("target-{feature}"));
        fetch::remove_dir(&target)?;
        let log = cache.join(format!("build-{feature}.log"));
        let load = machine::read().load;
        eprintln!("build-bench: cold cargo build --features {feature} (load {load})");
        let mut command = Command::new(&cargo);
        command
            .args(["build", "--offline", "--no-default-features", "--features"])
            .arg(feature)
            .current_dir(&workspace)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("CARGO_MANIFEST_DIR")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_BUILD_RUSTFLAGS");
        let outcome = meter.run(&mut command, &log)?;
        if let Some(failure) = outcome.failure {
            return Err(format!(
                "the build with {feature} failed: {}",
                first_line(&failure)
            ));
        }
        let crates = fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .filter(|line| line.trim_start().starts_with("Compiling "))
            .count();
        eprintln!(
            "build-bench: {feature}: {:.1} s wall, {:.1} s CPU, {}, {crates} crates",
            outcome.sample.wall.as_secs_f64(),
            outcome.sample.cpu.as_secs_f64(),
            megabytes(outcome.sample.peak_rss)
        );
        // The build is measured; its folder is hundreds of MB.
        fetch::remove_dir(&target)?;
        built.push(Built {
            feature,
            what,
            sample: outcome.sample,
            crates,
            load,
        });
    }
    let section = section(&built);
    print!("{section}");
    if flags.no_write {
        eprintln!("build-bench: --no-write: BENCHMARKS.md left as it was");
        return Ok(());
    }
    write_section(root, MARKER, &section, "build-bench")
}

/// The section of `BENCHMARKS.md`.
fn section(built: &[Built]) -> String {
    let machine = machine::read();
    let mut out = format!(
        "{MARKER}\n## Cold build of the Syntho client, by TLS stack\n\n\
         Written by `cargo xtask build-bench` (`xtask/src/build_bench.rs`), {} on {} ({} cores, \
         {}). `generated-client/` is copied into a throwaway workspace under \
         `.cache/build-bench/` with the repository's `Cargo.lock`; its dependencies are fetched \
         first (untimed); each row is then one `cargo build --offline --no-default-features \
         --features TLS` (debug profile, `CARGO_INCREMENTAL=0`) into an empty target folder of \
         its own, so every dependency is compiled. Wall time is from spawn to exit; CPU is \
         user + system time of cargo and every process it waited for (rustc, build scripts, \
         the C compiler), which moves less than wall time on a shared machine; peak RSS is \
         the largest single process of the tree. The machine was shared with other jobs \
         (the load averages when each build started are in its row): wall times are \
         inflated, CPU times much less so.\n\n\
         | TLS feature | stack | wall | CPU (user+sys) | peak RSS | crates compiled | load at start |\n\
         |---|---|---|---|---|---|---|\n",
        machine.date, machine.cpu, machine.cores, machine.rustc
    );
    for b in built {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            b.feature,
            b.what,
            seconds(b.sample.wall),
            seconds(b.sample.cpu),
            megabytes(b.sample.peak_rss),
            b.crates,
            b.load
        );
    }
    out
}

/// "83.4 s".
fn seconds(time: Duration) -> String {
    format!("{:.1} s", time.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stacks_are_the_generated_crates_features() {
        let manifest = include_str!("../../generated-client/Cargo.toml");
        for (feature, _) in STACKS {
            assert!(
                manifest.contains(&format!("\n{feature} = [")),
                "{feature} is not a feature of the generated crate"
            );
        }
    }

    #[test]
    fn the_section_has_a_row_per_build() {
        let built = Built {
            feature: "rustls",
            what: "rustls + aws-lc-rs (default)",
            sample: Sample {
                wall: Duration::from_millis(83_400),
                peak_rss: 512_000_000,
                cpu: Duration::from_millis(150_000),
            },
            crates: 120,
            load: "1.0 2.0 3.0".to_owned(),
        };
        let text = section(&[built]);
        assert!(text.starts_with(MARKER), "{text}");
        assert!(
            text.contains("| `rustls` | rustls + aws-lc-rs (default) | 83.4 s | 150.0 s | 512 MB | 120 | 1.0 2.0 3.0 |"),
            "{text}"
        );
    }
}
