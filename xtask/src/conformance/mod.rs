//! `cargo xtask conformance`: generated clients against Prism, a validator nobody here wrote.
//!
//! ```text
//! cargo xtask conformance [--sample N] [--seed S] [--spec ID]...
//! ```
//!
//! For each spec of a deterministic sample of the APIs.guru corpus (drawn like `cargo xtask
//! corpus`), the whole OpenAPI file is generated into a client crate, and a driver
//! ([`driver`]) is written beside it that calls every operation with arguments synthesized from
//! the document ([`stitch::example`]): once with the required ones, once more with every
//! optional one when there are any. All crates and drivers are members of one throwaway
//! workspace in `.cache/conformance/`, built once (one target folder). Then, one spec at a time,
//! `prism mock` serves the spec on a loopback port ([`prism`]) and the driver runs against it.
//! A document Prism cannot route as written (AWS's Smithy `#` suffixes, two templates matching
//! the same URLs) is served as several copies, one Prism each, and the driver calls each
//! operation against the Prism that serves it ([`shard`]).
//!
//! A call whose static answer did not decode (the request being valid) is made again against
//! a fresh Prism with `Prefer: dynamic=true`, which answers from the schemas instead of the
//! document's examples. Where Prism said its static answer violates the document, the dynamic
//! judgement decides the call; otherwise it only explains the failure. The report keeps both
//! figures (passed with static answers only, and passed).
//!
//! A call passes when Prism reports no violation of the document by the request and the
//! client decoded the answer into the documented type (the success type, or the operation's
//! typed error for a documented error status, counted apart). An operation passes when every
//! call of it passes. [`report`] writes `CONFORMANCE.md` and `CONFORMANCE.json` at the root.

mod driver;
mod prism;
mod report;
mod shard;
mod store;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use stitch::example::Fill;

use crate::corpus::run::{crate_name, options};
use crate::corpus::{fetch, sample};
use crate::flags::{self, Conformance};
use driver::Planned;

/// The cache folder, relative to the workspace root (gitignored).
const CACHE: &str = ".cache/conformance";
/// Where Prism is installed, relative to the workspace root.
const PRISM_CACHE: &str = ".cache/prism";
/// The corpus cache (shared with `cargo xtask corpus`).
const CORPUS_CACHE: &str = ".cache/corpus";
/// How many times Prism is started again after crashing, per spec.
const MAX_CRASHES: usize = 20;
/// The id of GitHub's description in reports.
const GITHUB: &str = "github";
/// Minimal documents run beside the specs in every run (id, path from the workspace root),
/// each showing what Prism does with one kind of body next to a JSON twin of the same
/// schema; the report lists them apart, outside the overall figures.
const PROBES: &[(&str, &str)] = &[("probe/prism-xml", "xtask/probes/prism-xml.json")];
/// How long one driver may run before it is stopped.
const DRIVER_TIMEOUT: Duration = Duration::from_secs(600);

#[derive(Debug)]
struct Args {
    sample: usize,
    seed: u64,
    specs: Vec<String>,
    github: bool,
    dynamic: bool,
    write: bool,
    update: bool,
    report_only: bool,
}

/// The settings of a run, from its flags.
fn settings(flags: Conformance) -> Args {
    Args {
        sample: flags::count(flags.sample),
        seed: flags.seed,
        specs: flags
            .specs
            .iter()
            .map(|id| id.trim_end_matches(".json").to_owned())
            .collect(),
        github: flags.github,
        dynamic: flags.dynamic,
        write: !flags.no_write,
        update: flags.update,
        report_only: flags.report_only,
    }
}

/// One call's result.
#[derive(Debug, Clone)]
pub struct CallResult {
    /// `GET /pets/{id}`.
    pub http: String,
    /// The `Client` method.
    pub method: String,
    /// `required` or `all` arguments.
    pub fill: Fill,
    /// `ok`, `api`, `argument`, `skipped`, `missing`, or the client's `Error` variant.
    pub kind: String,
    /// The response status (0: none).
    pub status: u16,
    /// The client's message, for failures.
    pub message: String,
    /// Prism's violations of the document by the request.
    pub violations: Vec<String>,
    /// Prism's violations of the document by its own answer (the document's examples
    /// contradict its schemas): reported, not held against the call.
    pub answer_violations: Vec<String>,
    /// The arguments came (in part) from the document's own examples.
    pub from_example: bool,
    /// The call sent a form-urlencoded body.
    pub form_body: bool,
    /// The call sent an XML body.
    pub xml_body: bool,
    /// The operation documents a redirect (a `3xx` response).
    pub redirect: bool,
    /// A documented answer of the operation has an XML body.
    pub xml_answer: bool,
    /// The properties its XML answers carry as attributes: JSON name, XML name.
    pub xml_attributes: Vec<(String, String)>,
    /// The same call judged again against an answer Prism built from the schemas
    /// (`Prefer: dynamic=true`), made when the static answer (from the document's examples)
    /// did not decode and Prism said that answer violates the document.
    pub dynamic: Option<Judged>,
    /// Read back from a report written before calls kept the flags the explanations read:
    /// the explanation it was written with (see `store`). `None` for a call of this run.
    pub recorded: Option<Option<String>>,
}

/// How a call made again went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    /// As [`CallResult::kind`].
    pub kind: String,
    /// The response status (0: none).
    pub status: u16,
    /// The client's message, for failures.
    pub message: String,
    /// Prism's violations of the document by the request.
    pub violations: Vec<String>,
    /// Prism's violations of the document by its own (dynamic) answer.
    pub answer_violations: Vec<String>,
}

impl Judged {
    /// No violation, and the answer decoded.
    pub fn passed(&self) -> bool {
        self.violations.is_empty() && (self.kind == "ok" || self.kind == "api")
    }
}

impl CallResult {
    /// No violation, and the static answer decoded.
    pub fn passed_static(&self) -> bool {
        self.violations.is_empty() && (self.kind == "ok" || self.kind == "api")
    }

    /// Passed with the static answer, or (that answer violating the document, as Prism
    /// says) with a dynamic one.
    pub fn passed(&self) -> bool {
        self.passed_static()
            || (!self.answer_violations.is_empty()
                && self.dynamic.as_ref().is_some_and(Judged::passed))
    }

    /// The static answer did not decode: judged again with an answer built from the
    /// schemas. Only when Prism says the static answer violates the document does a dynamic
    /// pass count as a pass; otherwise it only explains the failure (`report::explained`).
    fn worth_judging_again(&self) -> bool {
        self.kind == "Decode" && self.violations.is_empty()
    }
}

/// One spec's run.
#[derive(Debug, Clone)]
pub struct SpecRun {
    /// The corpus id.
    pub id: String,
    /// Operations in the generated client.
    pub operations: usize,
    /// Every call, in order.
    pub calls: Vec<CallResult>,
    /// Why the spec could not be run at all (generation, build, Prism).
    pub failure: Option<String>,
    /// Something to know about a run that happened (Prism crashed part way).
    pub note: Option<String>,
    /// How long Prism and the driver took.
    pub seconds: f64,
    /// When it ran (`None`: in a full run before the report kept the time).
    pub run_at: Option<String>,
}

/// A spec ready to build.
struct Prepared {
    id: String,
    package: String,
    operations: usize,
    planned: Vec<Planned>,
    /// The documents Prism serves, each with the calls (indices into `planned`) made against
    /// it: the spec file itself, or its copies without `#` suffixes ([`shard`]).
    served: Vec<(PathBuf, Vec<usize>)>,
}

/// Runs the conformance command.
pub fn run(root: &Path, flags: Conformance) -> Result<(), String> {
    let args = settings(flags);
    if args.report_only {
        let (setup, runs) = store::read(&root.join("CONFORMANCE.json"))?;
        return write_reports(root, &setup, &runs);
    }
    let started = Instant::now();
    let prism = prism::install(&root.join(PRISM_CACHE))?;
    let corpus = fetch::corpus(&root.join(CORPUS_CACHE))?;
    let all = corpus.ids()?;
    let ids = if args.specs.is_empty() {
        sample(all, args.sample, args.seed)
    } else {
        for id in &args.specs {
            if !all.contains(id) {
                return Err(format!("no spec `{id}` in the corpus"));
            }
        }
        args.specs.clone()
    };
    // (id, file) of every spec to run.
    let mut specs: Vec<(String, PathBuf)> = ids
        .iter()
        .map(|id| (id.clone(), corpus.path_of(id)))
        .collect();
    if args.github {
        let bench = root.join(crate::bench::CACHE);
        specs.push((
            GITHUB.to_owned(),
            crate::bench::inputs::github_json(&bench)?,
        ));
    }
    for (id, path) in PROBES {
        specs.push(((*id).to_owned(), root.join(path)));
    }
    eprintln!(
        "conformance: {} specs of {}-{} against {}@{}",
        specs.len(),
        fetch::PACKAGE,
        fetch::VERSION,
        prism::PACKAGE,
        prism::VERSION
    );
    let cache = root.join(CACHE);
    // Kept between runs: files are only rewritten when they change, so cargo rebuilds only
    // the crates and drivers that did.
    let workspace = cache.join("workspace");
    fs::create_dir_all(&workspace)
        .map_err(|e| format!("cannot create {}: {e}", workspace.display()))?;

    let mut runs: BTreeMap<String, SpecRun> = BTreeMap::new();
    let mut prepared = Vec::new();
    let documents = cache.join("documents");
    fs::create_dir_all(&documents)
        .map_err(|e| format!("cannot create {}: {e}", documents.display()))?;
    for (id, file) in &specs {
        match prepare(file, id, &workspace, &documents) {
            Ok(spec) => prepared.push(spec),
            Err(failure) => {
                runs.insert(id.clone(), failed(id, 0, failure));
            }
        }
    }
    let built = build(root, &workspace, &cache.join("target"), &prepared)?;
    eprintln!(
        "conformance: built in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    for spec in &prepared {
        let run = match built.get(&spec.package) {
            Some(Ok(program)) => drive(&prism, &cache, spec, program, args.dynamic),
            Some(Err(message)) => failed(&spec.id, spec.operations, message.clone()),
            None => failed(
                &spec.id,
                spec.operations,
                "the driver was not built".to_owned(),
            ),
        };
        let figures = report::tally(std::slice::from_ref(&run));
        eprintln!(
            "  {}: {}/{} operations pass ({:.0} s){}",
            spec.id,
            figures.operations_passed,
            figures.operations,
            run.seconds,
            run.failure
                .as_ref()
                .map(|f| format!(": {}", report::first_line(f)))
                .unwrap_or_default()
        );
        runs.insert(spec.id.clone(), run);
    }
    let runs: Vec<SpecRun> = specs.iter().filter_map(|(id, _)| runs.remove(id)).collect();
    let setup = report::Setup {
        corpus: format!("{}-{}", fetch::PACKAGE, fetch::VERSION),
        prism: format!("{}@{}", prism::PACKAGE, prism::VERSION),
        seed: args.seed,
        github: args.github,
        dynamic: args.dynamic,
        sample: if args.specs.is_empty() {
            Some(args.sample)
        } else {
            None
        },
        seconds: Some(started.elapsed().as_secs_f64()),
    };
    let (setup, runs) = if args.update {
        let (old, kept) = store::read(&root.join("CONFORMANCE.json"))?;
        store::merge(old, kept, &setup, runs)?
    } else {
        (setup, runs)
    };
    if args.write {
        write_reports(root, &setup, &runs)
    } else {
        print!("{}", report::markdown(&setup, &runs));
        Ok(())
    }
}

/// Writes `CONFORMANCE.md` and `CONFORMANCE.json` at `root`.
fn write_reports(root: &Path, setup: &report::Setup, runs: &[SpecRun]) -> Result<(), String> {
    let markdown = report::markdown(setup, runs);
    let json = serde_json::to_string_pretty(&report::json(setup, runs))
        .map_err(|e| format!("cannot write the JSON report: {e}"))?;
    for (name, text) in [
        ("CONFORMANCE.md", markdown),
        ("CONFORMANCE.json", json + "\n"),
    ] {
        let path = root.join(name);
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    eprintln!("conformance: wrote CONFORMANCE.md and CONFORMANCE.json");
    Ok(())
}

/// A spec that could not be run.
fn failed(id: &str, operations: usize, failure: String) -> SpecRun {
    SpecRun {
        id: id.to_owned(),
        operations,
        calls: Vec::new(),
        failure: Some(failure),
        note: None,
        seconds: 0.0,
        run_at: Some(store::now()),
    }
}

/// Generates the client of one spec file and writes it and its driver into the workspace,
/// and Prism's copies of the document into `documents` when it needs them ([`shard`]).
fn prepare(file: &Path, id: &str, workspace: &Path, documents: &Path) -> Result<Prepared, String> {
    let package = crate_name(id);
    let options = options(id);
    let sources = stitch::source::read_inputs(&[file.to_path_buf()]).map_err(|e| e.to_string())?;
    let krate = stitch::generate(&sources, &options, stitch::OnConflict::Error)
        .result
        .map_err(|e| format!("generate: {}", report::first_line(&e.to_string())))?;
    let document: Value = stitch::merge_sources(&sources, stitch::OnConflict::Error)
        .result
        .map(|merged| merged.value)
        .map_err(|e| e.to_string())?;
    let api = stitch::model::Api::from_merged(&document, &options).map_err(|e| e.to_string())?;
    let planned = driver::plan(&api, &document);
    stitch::write::write_crate(&krate, &workspace.join(&package))
        .map_err(|e| format!("cannot write the crate: {e}"))?;
    let drive = workspace.join(format!("drive-{package}"));
    let src = drive.join("src");
    fs::create_dir_all(&src).map_err(|e| format!("cannot create {}: {e}", src.display()))?;
    let files = [
        (
            drive.join("Cargo.toml"),
            driver::manifest(&format!("drive-{package}"), &package),
        ),
        (
            src.join("main.rs"),
            driver::program(&api, &package, &planned),
        ),
    ];
    for (path, text) in files {
        write_if_changed(&path, &text)?;
    }
    let served = served(file, &package, documents, &planned)?;
    Ok(Prepared {
        id: id.to_owned(),
        package,
        operations: api.operations.len(),
        planned,
        served,
    })
}

/// The documents Prism serves for a spec and the calls made against each: the file itself
/// for every call, or (its templates holding `#` suffixes) one copy per [`shard::Shard`],
/// written into `documents`.
fn served(
    file: &Path,
    package: &str,
    documents: &Path,
    planned: &[Planned],
) -> Result<Vec<(PathBuf, Vec<usize>)>, String> {
    let everything = || vec![(file.to_path_buf(), (0..planned.len()).collect())];
    // The spec as JSON (every corpus spec and GitHub's is); anything else is served as is.
    let Some(document) = fs::read_to_string(file)
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
    else {
        return Ok(everything());
    };
    let Some(shards) = shard::split(&document) else {
        return Ok(everything());
    };
    let mut served: Vec<(PathBuf, Vec<usize>)> = Vec::with_capacity(shards.len());
    let mut homes: BTreeMap<String, usize> = BTreeMap::new();
    for (n, shard) in shards.iter().enumerate() {
        let path = documents.join(format!("{package}.{n}.json"));
        let text = serde_json::to_string(&shard.document)
            .map_err(|e| format!("cannot write Prism's copy of the document: {e}"))?;
        write_if_changed(&path, &text)?;
        for (method, template) in &shard.operations {
            homes.insert(format!("{method} {template}"), n);
        }
        served.push((path, Vec::new()));
    }
    for (index, call) in planned.iter().enumerate() {
        // Every operation of the client is in the document, so in a copy; were one not, the
        // first copy serves it (and Prism says it has no such route).
        let home = homes.get(&call.http).copied().unwrap_or(0);
        served[home].1.push(index);
    }
    served.retain(|(_, calls)| !calls.is_empty());
    Ok(served)
}

/// Writes `text` to `path` unless the file already holds it (an unchanged file keeps its
/// modification time, and cargo does not rebuild its crate).
fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Builds every driver at once (one workspace, one target folder, `--keep-going`): the
/// program of each client package, or the first compiler error.
fn build(
    root: &Path,
    workspace: &Path,
    target: &Path,
    prepared: &[Prepared],
) -> Result<BTreeMap<String, Result<PathBuf, String>>, String> {
    let mut manifest = String::from(
        "# A throwaway workspace written by `cargo xtask conformance`.\n[workspace]\nresolver = \"2\"\nmembers = [\n",
    );
    for spec in prepared {
        manifest.push_str(&format!("    \"{0}\",\n    \"drive-{0}\",\n", spec.package));
    }
    manifest.push_str("]\n");
    write_if_changed(&workspace.join("Cargo.toml"), &manifest)?;
    // The repository's lockfile: the versions the checked-in client is tested with.
    let _ignored = fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock"));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("conformance: building {} drivers", prepared.len());
    let output = Command::new(cargo)
        .args([
            "build",
            "--workspace",
            "--keep-going",
            "--message-format",
            "json",
        ])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("CARGO_MANIFEST_DIR")
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    let mut programs: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let name = message
            .pointer("/target/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .replace('_', "-");
        match message.get("reason").and_then(Value::as_str) {
            Some("compiler-artifact") => {
                if let Some(program) = message.get("executable").and_then(Value::as_str) {
                    programs.insert(name, PathBuf::from(program));
                }
            }
            Some("compiler-message")
                if message.pointer("/message/level").and_then(Value::as_str) == Some("error") =>
            {
                let rendered = message
                    .pointer("/message/rendered")
                    .and_then(Value::as_str)
                    .unwrap_or("error");
                errors.entry(name).or_insert_with(|| rendered.to_owned());
            }
            _ => {}
        }
    }
    Ok(prepared
        .iter()
        .map(|spec| {
            let drive = format!("drive-{}", spec.package);
            let result = match programs.get(&drive) {
                Some(program) => Ok(program.clone()),
                None => Err(match (errors.get(&spec.package), errors.get(&drive)) {
                    (Some(error), _) => format!("the client does not compile: {error}"),
                    (None, Some(error)) => format!("the driver does not compile: {error}"),
                    (None, None) => "the driver was not built".to_owned(),
                }),
            };
            (spec.package.clone(), result)
        })
        .collect())
}

/// One call's outcome as the driver printed it: kind, status, message.
type Outcome = (String, u16, String);

/// What one Prism said and the driver printed over some calls.
#[derive(Default)]
struct Served {
    /// Per call index.
    outcomes: BTreeMap<usize, Outcome>,
    /// Per call index.
    verdicts: BTreeMap<usize, prism::Verdict>,
    /// How often Prism crashed.
    crashes: usize,
}

/// Serves every document of the spec with Prism, runs its driver against each for the calls
/// the document serves, and reads both back; then judges again, against answers built from
/// the schemas, the calls whose static answer did not decode because it violates the
/// document (unless the whole run is `--dynamic`).
fn drive(prism: &Path, cache: &Path, spec: &Prepared, program: &Path, dynamic: bool) -> SpecRun {
    let start = Instant::now();
    let logs = cache.join("logs");
    let _ignored = fs::create_dir_all(&logs);
    let mut run = failed(&spec.id, spec.operations, String::new());
    let mut outcomes: BTreeMap<usize, Outcome> = BTreeMap::new();
    let mut verdicts: BTreeMap<usize, prism::Verdict> = BTreeMap::new();
    let mut again: BTreeMap<usize, Judged> = BTreeMap::new();
    let mut crashes = 0;
    let several = spec.served.len() > 1;
    for (n, (document, calls)) in spec.served.iter().enumerate() {
        let calls: Vec<usize> = calls
            .iter()
            .copied()
            .filter(|&i| spec.planned[i].skip.is_none())
            .collect();
        if calls.is_empty() {
            continue;
        }
        let stem = if several {
            format!("{}.{n}", spec.package)
        } else {
            spec.package.clone()
        };
        let mode = if dynamic { Mode::Dynamic } else { Mode::Static };
        let served = match serve(prism, document, &logs.join(&stem), program, &calls, mode) {
            Ok(served) => served,
            Err(e) => {
                run.failure = Some(e);
                return run;
            }
        };
        crashes += served.crashes;
        // Calls worth judging again: a valid request whose static answer does not decode.
        let retry: Vec<usize> = if dynamic {
            Vec::new()
        } else {
            calls
                .iter()
                .copied()
                .filter(|i| {
                    served
                        .outcomes
                        .get(i)
                        .is_some_and(|(kind, _, _)| kind == "Decode")
                        && served
                            .verdicts
                            .get(i)
                            .is_none_or(|v| v.violations.is_empty())
                })
                .collect()
        };
        outcomes.extend(served.outcomes);
        verdicts.extend(served.verdicts);
        if retry.is_empty() {
            continue;
        }
        let log = logs.join(format!("{stem}.dynamic"));
        match serve(prism, document, &log, program, &retry, Mode::Prefer) {
            Ok(served) => {
                crashes += served.crashes;
                for index in retry {
                    let Some((kind, status, message)) = served.outcomes.get(&index).cloned() else {
                        continue;
                    };
                    let verdict = served.verdicts.get(&index).cloned().unwrap_or_default();
                    again.insert(
                        index,
                        Judged {
                            kind,
                            status,
                            message,
                            violations: verdict.violations,
                            answer_violations: verdict.answer_violations,
                        },
                    );
                }
            }
            Err(e) => {
                run.note = Some(format!("the dynamic second judgement failed: {e}"));
            }
        }
    }
    if crashes > 0 {
        run.note = Some(format!(
            "Prism crashed {crashes} time(s) and was started again; see {CACHE}/logs/"
        ));
    }
    run.failure = None;
    for (index, planned) in spec.planned.iter().enumerate() {
        let (kind, status, message) = match (&planned.skip, outcomes.remove(&index)) {
            (Some(reason), _) => ("skipped".to_owned(), 0, reason.clone()),
            (None, Some(outcome)) => outcome,
            (None, None) => (
                "missing".to_owned(),
                0,
                "the driver printed no outcome (it stopped or timed out)".to_owned(),
            ),
        };
        let verdict = verdicts.remove(&index).unwrap_or_default();
        let call = CallResult {
            http: planned.http.clone(),
            method: planned.method.clone(),
            fill: planned.fill,
            kind,
            status,
            message,
            violations: verdict.violations,
            answer_violations: verdict.answer_violations,
            form_body: planned.form_body,
            xml_body: planned.xml_body,
            redirect: planned.redirect,
            xml_answer: planned.xml_answer,
            xml_attributes: planned.xml_attributes.clone(),
            from_example: planned
                .call
                .positional
                .iter()
                .chain(&planned.call.setters)
                .any(|a| a.from_example),
            dynamic: again.remove(&index),
            recorded: None,
        };
        debug_assert!(call.dynamic.is_none() || call.worth_judging_again());
        run.calls.push(call);
    }
    run.seconds = start.elapsed().as_secs_f64();
    run
}

/// How Prism answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// From the document's examples (Prism's default).
    Static,
    /// Every answer built from the schemas (`prism mock --dynamic`).
    Dynamic,
    /// Static, but every request asks for a dynamic answer (`Prefer: dynamic=true`, Prism's
    /// per-request switch).
    Prefer,
}

/// Serves `document` with Prism (log `<stem>.log`) and runs the driver for `calls` against
/// it. Prism crashes on some requests (a bug of its own, e.g. an absent array header); the
/// call it crashed on is recorded as `PrismCrashed`, and Prism is started again for the calls
/// after it, up to [`MAX_CRASHES`] times; calls left then are `NotRun`.
fn serve(
    prism: &Path,
    document: &Path,
    stem: &Path,
    program: &Path,
    calls: &[usize],
    mode: Mode,
) -> Result<Served, String> {
    let mut served = Served::default();
    let mut from = 0;
    let name = stem.file_name().unwrap_or_default().to_string_lossy();
    loop {
        let log = match served.crashes {
            0 => stem.with_file_name(format!("{name}.log")),
            n => stem.with_file_name(format!("{name}.{n}.log")),
        };
        let mock = prism::Mock::start(prism, document, &log, mode == Mode::Dynamic)?;
        let mut mock = mock;
        let lines = run_driver(program, &mock.address, from, calls, mode == Mode::Prefer)?;
        let these = prism::verdicts(&mock.log_through("end"));
        let crashed = mock.stopped();
        drop(mock);
        for line in lines.lines() {
            let mut fields = line.splitn(4, '\t');
            if let (Some(index), Some(kind), Some(status), message) =
                (fields.next(), fields.next(), fields.next(), fields.next())
                && let Ok(index) = index.parse::<usize>()
            {
                served.outcomes.insert(
                    index,
                    (
                        kind.to_owned(),
                        status.parse().unwrap_or(0),
                        message.unwrap_or("").to_owned(),
                    ),
                );
            }
        }
        // The call Prism was serving when it stopped: the last marker it logged.
        let these: BTreeMap<usize, prism::Verdict> = these
            .into_iter()
            .filter_map(|(label, verdict)| Some((label.parse::<usize>().ok()?, verdict)))
            .collect();
        let last = these.keys().max().copied();
        served.verdicts.extend(these);
        let (Some(status), Some(last)) = (crashed, last) else {
            break;
        };
        served.crashes += 1;
        served.outcomes.insert(
            last,
            (
                "PrismCrashed".to_owned(),
                0,
                format!(
                    "Prism stopped ({status}) on this request; see {CACHE}/logs/{}",
                    log.file_name().unwrap_or_default().to_string_lossy()
                ),
            ),
        );
        // Calls after it failed to connect; they run again against a new Prism.
        served.outcomes.retain(|&index, _| index <= last);
        from = last + 1;
        if !calls.iter().any(|&i| i >= from) {
            break;
        }
        if served.crashes >= MAX_CRASHES {
            for &index in calls.iter().filter(|&&i| i >= from) {
                served.outcomes.insert(
                    index,
                    (
                        "NotRun".to_owned(),
                        0,
                        format!(
                            "not called: Prism crashed {} times on this document",
                            served.crashes
                        ),
                    ),
                );
            }
            break;
        }
    }
    Ok(served)
}

/// Runs a driver against `address` for `calls` from call `from` on (the environment
/// variable `STITCH_CONFORMANCE_CALLS`), asking Prism for dynamic answers when `prefer_dynamic`
/// (`STITCH_CONFORMANCE_PREFER`), stopping it after [`DRIVER_TIMEOUT`]; its stdout.
fn run_driver(
    program: &Path,
    address: &str,
    from: usize,
    calls: &[usize],
    prefer_dynamic: bool,
) -> Result<String, String> {
    let list: Vec<String> = calls.iter().map(usize::to_string).collect();
    let mut command = Command::new(program);
    command
        .arg(address)
        .arg(from.to_string())
        .env(driver::CALLS_VAR, list.join(","))
        .env_remove(driver::PREFER_VAR);
    if prefer_dynamic {
        command.env(driver::PREFER_VAR, "dynamic=true");
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || stdout.map(prism::read_all).unwrap_or_default());
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() > DRIVER_TIMEOUT => {
                let _ignored = child.kill();
                let _ignored = child.wait();
                break;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("cannot wait for the driver: {e}")),
        }
    }
    reader
        .join()
        .map_err(|_| "the driver's output could not be read".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The settings of `cargo xtask conformance ARGS..`.
    fn parse(args: &[&str]) -> Result<Args, String> {
        use clap::Parser as _;
        let all = std::iter::once("conformance").chain(args.iter().copied());
        Ok(settings(
            Conformance::try_parse_from(all).map_err(|e| e.to_string())?,
        ))
    }

    #[test]
    fn arguments() {
        let args =
            parse(&["--sample", "5", "--seed=3", "--spec", "xkcd.com.json"]).expect("parses");
        assert_eq!((args.sample, args.seed), (5, 3));
        assert_eq!(args.specs, ["xkcd.com"]);
        assert!(args.write && !args.github && !args.dynamic);
        let args = parse(&["--no-write", "--github", "--dynamic"]).expect("parses");
        assert!(!args.write && args.github && args.dynamic && args.sample == 10);
        assert!(parse(&["--sample"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
    }
}
