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
//!
//! A call passes when Prism reports no violation of the document by the request and the
//! client decoded the answer into the documented type (the success type, or the operation's
//! typed error for a documented error status, counted apart). An operation passes when every
//! call of it passes. [`report`] writes `CONFORMANCE.md` and `CONFORMANCE.json` at the root.

mod driver;
mod prism;
mod report;

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
}

impl CallResult {
    /// No violation, and the answer decoded.
    pub fn passed(&self) -> bool {
        self.violations.is_empty() && (self.kind == "ok" || self.kind == "api")
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
}

/// A spec ready to build.
struct Prepared {
    id: String,
    file: PathBuf,
    package: String,
    operations: usize,
    planned: Vec<Planned>,
}

/// Runs the conformance command.
pub fn run(root: &Path, flags: Conformance) -> Result<(), String> {
    let args = settings(flags);
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
    for (id, file) in &specs {
        match prepare(file, id, &workspace) {
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
        seconds: started.elapsed().as_secs_f64(),
    };
    let markdown = report::markdown(&setup, &runs);
    print!("{markdown}");
    if args.write {
        let json = serde_json::to_string_pretty(&report::json(&setup, &runs))
            .map_err(|e| format!("cannot write the JSON report: {e}"))?;
        for (name, text) in [
            ("CONFORMANCE.md", markdown),
            ("CONFORMANCE.json", json + "\n"),
        ] {
            let path = root.join(name);
            fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        eprintln!("conformance: wrote CONFORMANCE.md and CONFORMANCE.json");
    }
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
    }
}

/// Generates the client of one spec file and writes it and its driver into the workspace.
fn prepare(file: &Path, id: &str, workspace: &Path) -> Result<Prepared, String> {
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
    Ok(Prepared {
        id: id.to_owned(),
        file: file.to_path_buf(),
        package,
        operations: api.operations.len(),
        planned,
    })
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

/// Serves the spec with Prism, runs its driver, and reads both back. Prism crashes on some
/// requests (a bug of its own, e.g. an absent array header); the call it crashed on is
/// recorded as `PrismCrashed`, and Prism is started again for the calls after it.
fn drive(prism: &Path, cache: &Path, spec: &Prepared, program: &Path, dynamic: bool) -> SpecRun {
    let start = Instant::now();
    let logs = cache.join("logs");
    let _ignored = fs::create_dir_all(&logs);
    let mut run = failed(&spec.id, spec.operations, String::new());
    let mut verdicts: BTreeMap<String, prism::Verdict> = BTreeMap::new();
    let mut outcomes: BTreeMap<String, (String, u16, String)> = BTreeMap::new();
    let mut crashes = 0;
    let mut from = 0;
    loop {
        let log = match crashes {
            0 => logs.join(format!("{}.log", spec.package)),
            n => logs.join(format!("{}.{n}.log", spec.package)),
        };
        let mut mock = match prism::Mock::start(prism, &spec.file, &log, dynamic) {
            Ok(mock) => mock,
            Err(e) => {
                run.failure = Some(e);
                return run;
            }
        };
        let lines = match run_driver(program, &mock.address, from) {
            Ok(lines) => lines,
            Err(e) => {
                run.failure = Some(e);
                return run;
            }
        };
        let these = prism::verdicts(&mock.log_through("end"));
        let crashed = mock.stopped();
        drop(mock);
        for line in lines.lines() {
            let mut fields = line.splitn(4, '\t');
            if let (Some(index), Some(kind), Some(status), message) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            {
                outcomes.insert(
                    index.to_owned(),
                    (
                        kind.to_owned(),
                        status.parse().unwrap_or(0),
                        message.unwrap_or("").to_owned(),
                    ),
                );
            }
        }
        // The call Prism was serving when it stopped: the last marker it logged.
        let last = these.keys().filter_map(|k| k.parse::<usize>().ok()).max();
        verdicts.extend(these);
        let (Some(status), Some(last)) = (crashed, last) else {
            break;
        };
        crashes += 1;
        outcomes.insert(
            last.to_string(),
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
        outcomes.retain(|index, _| index.parse::<usize>().is_ok_and(|i| i <= last));
        from = last + 1;
        if crashes >= MAX_CRASHES || from >= spec.planned.len() {
            break;
        }
    }
    if crashes > 0 {
        run.note = Some(format!(
            "Prism crashed {crashes} time(s) and was started again; see {CACHE}/logs/"
        ));
    }
    run.failure = None;
    for (index, planned) in spec.planned.iter().enumerate() {
        let label = index.to_string();
        let (kind, status, message) = match (&planned.skip, outcomes.remove(&label)) {
            (Some(reason), _) => ("skipped".to_owned(), 0, reason.clone()),
            (None, Some(outcome)) => outcome,
            (None, None) if crashes >= MAX_CRASHES && index >= from => (
                "NotRun".to_owned(),
                0,
                format!("not called: Prism crashed {crashes} times on this document"),
            ),
            (None, None) => (
                "missing".to_owned(),
                0,
                "the driver printed no outcome (it stopped or timed out)".to_owned(),
            ),
        };
        let verdict = verdicts.get(&label).cloned().unwrap_or_default();
        run.calls.push(CallResult {
            http: planned.http.clone(),
            method: planned.method.clone(),
            fill: planned.fill,
            kind,
            status,
            message,
            violations: verdict.violations,
            answer_violations: verdict.answer_violations,
            form_body: planned.form_body,
            from_example: planned
                .call
                .positional
                .iter()
                .chain(&planned.call.setters)
                .any(|a| a.from_example),
        });
    }
    run.seconds = start.elapsed().as_secs_f64();
    run
}

/// Runs a driver against `address` from call `from` on, stopping it after
/// [`DRIVER_TIMEOUT`]; its stdout.
fn run_driver(program: &Path, address: &str, from: usize) -> Result<String, String> {
    let mut child = Command::new(program)
        .arg(address)
        .arg(from.to_string())
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
