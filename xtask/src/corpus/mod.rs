//! `cargo xtask corpus`: the generator against APIs.guru's directory of public API
//! descriptions.
//!
//! ```text
//! cargo xtask corpus [--sample N] [--seed S] [--compile K] [--jobs J] [--pagination]
//! cargo xtask corpus --spec ID [--compile 1]
//! cargo xtask corpus --stage merge
//! ```
//!
//! Each spec is split into GitBook-style pages ([`split`]), generated in memory, merged back
//! and compared with the original, and the first K generated crates are `cargo check`ed
//! ([`mod@run`]); [`report`] prints a line per failure, the failures by cause and a summary.
//! Failures are information (exit 0); a panic anywhere, or a corpus that cannot be fetched,
//! fails the run.

pub(crate) mod fetch;
pub(crate) mod paging;
pub(crate) mod report;
pub(crate) mod run;
pub mod split;

use std::path::Path;
use std::time::Instant;

use crate::flags::{self, Corpus, Stage};
use run::{Plan, SpecResult};

/// The cache folder, relative to the workspace root (gitignored).
const CACHE: &str = ".cache/corpus";

/// The parsed arguments.
#[derive(Debug)]
struct Args {
    sample: Option<usize>,
    seed: u64,
    compile: usize,
    spec: Option<String>,
    merge_only: bool,
    jobs: usize,
    pagination: bool,
}

/// The settings of a run, from its flags; `Err` when they do not go together.
fn settings(flags: Corpus) -> Result<Args, String> {
    let merge_only = flags.merge_only || flags.stage == Stage::Merge;
    if merge_only && (flags.sample.is_some() || flags.compile > 0) {
        return Err("--stage merge runs every spec and compiles none".to_owned());
    }
    Ok(Args {
        sample: flags.sample.map(flags::count),
        seed: flags.seed,
        compile: flags::count(flags.compile),
        spec: flags.spec.map(|id| {
            id.trim_end_matches(".json")
                .trim_start_matches("api/")
                .to_owned()
        }),
        merge_only,
        jobs: flags::jobs(flags.jobs),
        pagination: flags.pagination,
    })
}

/// FNV-1a, 64 bits: a stable hash for drawing the sample (the same on every machine and Rust).
pub(crate) fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The first `n` ids in the order of the hash of seed and id.
pub(crate) fn sample(ids: Vec<String>, n: usize, seed: u64) -> Vec<String> {
    let mut keyed: Vec<(u64, String)> = ids
        .into_iter()
        .map(|id| {
            let key = fnv1a(seed.to_le_bytes().into_iter().chain(id.bytes()));
            (key, id)
        })
        .collect();
    keyed.sort();
    keyed.into_iter().take(n).map(|(_, id)| id).collect()
}

/// Runs the corpus command; `Err` on bad usage, a failed fetch, or any panic.
pub fn run(root: &Path, flags: Corpus) -> Result<(), String> {
    let args = settings(flags)?;
    let cache = root.join(CACHE);
    let corpus = fetch::corpus(&cache)?;
    let all = corpus.ids()?;
    let ids = if let Some(id) = &args.spec {
        if !all.contains(id) {
            return Err(format!(
                "no spec `{id}` in the corpus (ids are paths under {}, without .json, e.g. {})",
                cache.display(),
                all.first().map_or("xkcd.com", String::as_str)
            ));
        }
        vec![id.clone()]
    } else if let Some(n) = args.sample {
        sample(all, n, args.seed)
    } else {
        all
    };
    let total = ids.len();
    match (&args.spec, args.sample) {
        (Some(id), _) => eprintln!("corpus: {id}"),
        (None, Some(_)) => eprintln!(
            "corpus: {total} specs drawn with seed {} from {}-{}",
            args.seed,
            fetch::PACKAGE,
            fetch::VERSION
        ),
        (None, None) => eprintln!(
            "corpus: all {total} specs of {}-{}",
            fetch::PACKAGE,
            fetch::VERSION
        ),
    }

    let plan = Plan {
        generate: !args.merge_only,
        keep_crates: args.compile,
        pages_dir: args.spec.as_ref().map(|id| cache.join("pages").join(id)),
        pagination: args.pagination,
    };
    let start = Instant::now();
    let mut results: Vec<SpecResult> = {
        let _quiet = run::QuietPanics::install();
        let step = (total / 10).clamp(50, 500);
        run::run_all(&corpus, &ids, &plan, args.jobs, |done, _| {
            if done % step == 0 && done < total {
                eprintln!(
                    "  {done}/{total} specs, {:.0} s",
                    start.elapsed().as_secs_f64()
                );
            }
        })
    };
    let wall = start.elapsed().as_secs_f64();
    if args.compile > 0 {
        run::compile(
            &mut results,
            args.compile,
            &cache.join("crates"),
            &root.join("Cargo.lock"),
            &root.join("target").join("corpus"),
        )?;
    }
    if let Some(dir) = &plan.pages_dir {
        eprintln!("pages written to {}", dir.display());
        // One spec: the whole messages, not only their first lines.
        for failure in results.iter().flat_map(|r| &r.failures) {
            eprintln!("{} failed:\n{}\n", failure.stage.name(), failure.message);
        }
    }
    print!("{}", report::render(&results, !args.merge_only, wall));
    if args.pagination {
        let surveys = || {
            results
                .iter()
                .filter_map(|r| Some((r.id.as_str(), r.paging.as_ref()?)))
        };
        let table = cache.join("pagination.tsv");
        paging::write_table(&table, surveys())?;
        print!("{}", paging::render(surveys()));
        println!("  each detection: {}", table.display());
    }
    let figures = report::figures(&results);
    if figures.panics > 0 {
        return Err(format!(
            "{} panic(s) in the corpus run: stitch must never panic (see PANIC above)",
            figures.panics
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_is_stable_and_depends_on_the_seed() {
        let ids: Vec<String> = (0..100).map(|i| format!("api{i}.com")).collect();
        let a = sample(ids.clone(), 5, 1);
        assert_eq!(a, sample(ids.clone(), 5, 1));
        assert_ne!(a, sample(ids.clone(), 5, 2));
        assert_eq!(fnv1a(*b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    /// The settings of `cargo xtask corpus ARGS..`.
    fn parse(args: &[&str]) -> Result<Args, String> {
        use clap::Parser as _;
        let all = std::iter::once("corpus").chain(args.iter().copied());
        settings(Corpus::try_parse_from(all).map_err(|e| e.to_string())?)
    }

    #[test]
    fn arguments() {
        let args = parse(&["--sample", "40", "--seed=3", "--compile", "2"]).expect("parses");
        assert_eq!((args.sample, args.seed, args.compile), (Some(40), 3, 2));
        assert!(!args.merge_only && args.jobs >= 1 && args.spec.is_none());
        assert!(parse(&["--stage", "merge", "--sample", "3"]).is_err());
        assert!(parse(&["--merge-only", "--compile", "1"]).is_err());
        assert!(parse(&["--merge-only"]).expect("parses").merge_only);
        assert!(parse(&["--stage=merge"]).expect("parses").merge_only);
        let one = parse(&["--spec", "api/xkcd.com.json", "--jobs", "0"]).expect("parses");
        assert_eq!((one.spec.as_deref(), one.jobs), (Some("xkcd.com"), 1));
        assert!(parse(&["--sample"]).is_err());
        assert!(parse(&["--stage", "most"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
    }
}
