//! `cargo xtask fuzz`: a structured fuzzer for the whole pipeline.
//!
//! ```text
//! cargo xtask fuzz [--cases N] [--seed S] [--check K] [--lint check|clippy] [--open CLASS,..]
//!                  [--jobs J] [--timeout T] [--minimize]
//! cargo xtask fuzz --seed S --case N [--write DIR] [--minimize]
//! ```
//!
//! Each case is an arbitrary but valid OpenAPI document drawn by [`document::document`] from the
//! seed and the case number, so `--seed S --case N` replays it exactly. Half the cases go in as
//! one JSON file, half as GitBook-style pages (cut by the corpus splitter), so the source and
//! merge stages run too. Each case runs in its own process (this program with `--child`,
//! `--jobs` at a time), so a stack overflow, which aborts a process, or a case that never ends
//! (`--timeout`) is one failing case and not the end of the run. For each case:
//!
//! 1. the whole pipeline runs (`stitch::generate`), and every diagnostic is rendered
//!    as text and as JSON: a **panic**, a **crash** or a **timeout** fails the run;
//! 2. a failed generation must explain itself with at least one error diagnostic, and every
//!    error must name a place in the inputs (file:line) — else an **unexplained** failure;
//! 3. a generated crate is generated again and must be **byte-identical**;
//! 4. the first K generated crates are written as members of one throwaway workspace
//!    (`target/fuzz/crates`, this repository's `Cargo.lock`, target folder `target/fuzz/target`
//!    so dependencies build once and stay built between runs) and checked by one
//!    `cargo clippy -- -D warnings` (or `cargo check` with `--lint check`): a crate that does
//!    not compile warning-free fails the run.
//!
//! A valid document that stitch refuses is not a failure of the run (stitch may decline what
//! it cannot express, with a diagnostic), but the refusals are counted by message so new ones
//! stand out. Every failing case is written to `target/fuzz/findings/seed-S-case-N.json`, and
//! with `--minimize` shrunk (while it still fails the same way) to `...case-N.min.json`;
//! `--case N --write DIR` writes one case's inputs for a bug report.
//!
//! Classes of input that are known to break stitch today are off unless `--open` names them
//! (see [`document::Open`]; none today), so the fixed-seed run in CI (`.ci/run`: `cargo xtask
//! fuzz --cases 100 --seed 1 --check 6`, about 15 s with dependencies built) fails only on new
//! problems. The checks see what stitch and the compiler see: a `oneOf` that holds itself and
//! a media type a header cannot carry are refused with a diagnostic now, but what only goes
//! wrong when a generated client runs (`null` through a `$ref`) needs a run-time check.

mod document;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;
use stitch::diagnostic::Severity;
use stitch::source::Input;
use stitch::{GeneratedCrate, OnConflict, Options};

use crate::corpus::run::{QuietPanics, guarded};
use crate::corpus::split;
use crate::flags::{self, Fuzz, Lint};
use crate::members::{self, Strictness};
use document::Open;

/// The parsed arguments.
#[derive(Debug)]
struct Args {
    cases: u64,
    seed: u64,
    check: usize,
    strictness: Strictness,
    open: Vec<Open>,
    case: Option<u64>,
    write: Option<PathBuf>,
    /// Seconds a case may take before it is a failure.
    timeout: u64,
    /// Cases run at once.
    jobs: usize,
    /// Run `--case` here and report on stdout for the parent (see [`child`]).
    child: bool,
    /// The child runs this document instead of the case's (the minimizer's candidates).
    document: Option<PathBuf>,
    /// Shrink each failing case's document (see [`minimize`]).
    minimize: bool,
}

/// The settings of a run, from its flags; `Err` on an unknown class or flags that do not go
/// together.
fn settings(flags: Fuzz) -> Result<Args, String> {
    if (flags.write.is_some() || flags.child) && flags.case.is_none() {
        return Err("--write needs --case".to_owned());
    }
    let mut open = Vec::new();
    for name in &flags.open {
        if name == "all" {
            open = Open::ALL.to_vec();
            continue;
        }
        let class = Open::from_name(name).ok_or_else(|| format!("unknown class `{name}`"))?;
        if !open.contains(&class) {
            open.push(class);
        }
    }
    open.sort();
    Ok(Args {
        cases: flags.cases,
        seed: flags.seed,
        check: flags::count(flags.check),
        strictness: match flags.lint {
            Lint::Clippy => Strictness::WarningFree,
            Lint::Check => Strictness::Compiles,
        },
        open,
        case: flags.case,
        write: flags.write,
        timeout: flags.timeout.max(1),
        jobs: flags::jobs(flags.jobs),
        child: flags.child,
        document: flags.document,
        minimize: flags.minimize,
    })
}

/// The inputs of one case: one JSON file, or pages cut by the corpus splitter.
fn inputs(document: &Value, case: u64) -> Vec<Input> {
    let folder = format!("case-{case}");
    if case % 2 == 1
        && let Ok(Ok(cut)) = guarded(|| split::split(document))
        && !cut.pages.is_empty()
    {
        return cut
            .pages
            .into_iter()
            .map(|page| Input {
                path: PathBuf::from(format!("{folder}/{}", page.name)),
                text: page.text,
            })
            .collect();
    }
    let text = serde_json::to_string_pretty(document).unwrap_or_default();
    vec![Input {
        path: PathBuf::from(format!("{folder}/openapi.json")),
        text,
    }]
}

/// Why a case failed the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// The process died (a stack overflow, an abort, out of memory).
    Crash,
    /// The case took longer than `--timeout`.
    Slow,
    Panic,
    Unexplained,
    Nondeterministic,
    Compile,
}

impl Kind {
    const ALL: [Kind; 6] = [
        Kind::Crash,
        Kind::Slow,
        Kind::Panic,
        Kind::Unexplained,
        Kind::Nondeterministic,
        Kind::Compile,
    ];

    /// The word for the kind in the child's report.
    fn code(self) -> &'static str {
        match self {
            Kind::Crash => "crash",
            Kind::Slow => "slow",
            Kind::Panic => "panic",
            Kind::Unexplained => "unexplained",
            Kind::Nondeterministic => "nondeterministic",
            Kind::Compile => "compile",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Crash => "the process died",
            Kind::Slow => "too slow",
            Kind::Panic => "panic",
            Kind::Unexplained => "failure without a placed error diagnostic",
            Kind::Nondeterministic => "output differs between two runs",
            Kind::Compile => "generated crate does not build warning-free",
        }
    }
}

/// What happened to one case.
struct Outcome {
    /// The crate, when the document generated.
    krate: Option<GeneratedCrate>,
    /// The first line of the first error, when stitch refused the document.
    refused: Option<String>,
    /// Failures of the run.
    failures: Vec<(Kind, String)>,
}

/// Runs one case through the pipeline (everything but the compile).
fn run_case(inputs: &[Input], case_name: &str) -> Outcome {
    let options = Options {
        crate_name: case_name.to_owned(),
        ..Default::default()
    };
    let mut outcome = Outcome {
        krate: None,
        refused: None,
        failures: Vec::new(),
    };
    let run = match guarded(|| stitch::generate(inputs, &options, OnConflict::Error)) {
        Ok(run) => run,
        Err(panic) => {
            outcome.failures.push((Kind::Panic, panic));
            return outcome;
        }
    };
    let mut placed_errors = 0;
    for diagnostic in &run.diagnostics {
        match guarded(|| (diagnostic.render(inputs), diagnostic.to_json(inputs))) {
            Ok((text, _)) => {
                let placed = inputs
                    .iter()
                    .any(|i| text.contains(&format!("{}:", i.path.display())));
                if diagnostic.severity == Severity::Error {
                    if placed {
                        placed_errors += 1;
                    } else {
                        outcome.failures.push((Kind::Unexplained, text));
                    }
                }
            }
            Err(panic) => outcome.failures.push((Kind::Panic, panic)),
        }
    }
    match run.result {
        Ok(krate) => {
            match guarded(|| stitch::generate(inputs, &options, OnConflict::Error)) {
                Ok(again) => match again.result {
                    Ok(again) if again.files == krate.files => {}
                    _ => outcome
                        .failures
                        .push((Kind::Nondeterministic, "a second run differs".to_owned())),
                },
                Err(panic) => outcome.failures.push((Kind::Panic, panic)),
            }
            outcome.krate = Some(krate);
        }
        Err(error) => {
            if placed_errors == 0 && outcome.failures.is_empty() {
                outcome.failures.push((
                    Kind::Unexplained,
                    format!("no error diagnostic names a place: {error}"),
                ));
            }
            let first = error.to_string();
            outcome.refused = Some(first.lines().next().unwrap_or_default().to_owned());
        }
    }
    outcome
}

/// A refusal's message with the names, places and numbers taken out, so refusals of one kind
/// count together.
fn shape(message: &str) -> String {
    // A leading place (`#/paths/...: `) varies with the case.
    let message = match message.strip_prefix("#/") {
        Some(rest) => rest.split_once(": ").map_or(message, |(_, m)| m),
        None => message,
    };
    // So does a trailing list of places (a cycle's: `: #/a → #/b → #/a`).
    let message = message.split_once(": #/").map_or(message, |(head, _)| head);
    let mut out = String::new();
    let mut quoted = None;
    for c in message.chars() {
        match quoted {
            Some(close) if c == close => {
                out.push_str("..");
                out.push(c);
                quoted = None;
            }
            Some(_) => {}
            None if c == '`' || c == '"' => {
                out.push(c);
                quoted = Some(c);
            }
            None if c.is_ascii_digit() => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            None => out.push(c),
        }
    }
    out
}

/// Runs the fuzz command; `Err` on bad usage or when any case failed.
pub fn run(root: &Path, flags: Fuzz) -> Result<(), String> {
    let args = settings(flags)?;
    if args.child {
        return child(&args);
    }
    if let Some(dir) = &args.write {
        eprintln!(
            "the inputs of case {} go to {}",
            args.case.unwrap_or_default(),
            dir.display()
        );
    }
    let work = root.join("target").join("fuzz");
    let findings = work.join("findings");
    let cases: Vec<u64> = match args.case {
        Some(case) => vec![case],
        None => (0..args.cases).collect(),
    };
    let open: Vec<&str> = args.open.iter().map(|o| o.name()).collect();
    eprintln!(
        "fuzz: {} case(s), seed {}, open classes: {}",
        cases.len(),
        args.seed,
        if open.is_empty() {
            "none".to_owned()
        } else {
            open.join(", ")
        }
    );
    let start = Instant::now();
    let mut generated = 0usize;
    let mut refusals: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    let mut failures: Vec<(u64, Kind, String)> = Vec::new();
    let mut to_check: Vec<(u64, String, GeneratedCrate)> = Vec::new();
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let reports = in_children(&exe, &args, &cases, start);
    for (&case, outcome) in cases.iter().zip(reports) {
        let name = format!("fuzz-{}-{case}", args.seed);
        if outcome.generated {
            generated += 1;
            // The child generated it, so generating it here is safe: the crate to compile.
            if to_check.len() < args.check {
                let document = document::document(args.seed, case, &args.open);
                let _quiet = QuietPanics::install();
                if let Some(krate) = run_case(&inputs(&document, case), &name).krate {
                    to_check.push((case, name, krate));
                }
            }
        }
        if let Some(refused) = outcome.refused {
            refusals.entry(shape(&refused)).or_insert((0, case)).0 += 1;
        }
        for (kind, message) in outcome.failures {
            failures.push((case, kind, message));
        }
    }
    let generate_time = start.elapsed().as_secs_f64();

    let check_start = Instant::now();
    let crates: Vec<(String, &GeneratedCrate)> = to_check
        .iter()
        .map(|(_, name, krate)| (name.clone(), krate))
        .collect();
    let outcomes = members::check(
        &crates,
        &work.join("crates"),
        &root.join("Cargo.lock"),
        &work.join("target"),
        args.strictness,
        "cargo xtask fuzz",
    )?;
    for (case, name, _) in &to_check {
        for line in outcomes.get(name).into_iter().flatten() {
            failures.push((*case, Kind::Compile, line.clone()));
        }
    }
    let check_time = check_start.elapsed().as_secs_f64();

    println!(
        "fuzz: {} cases, {generated} generated, {} refused with a diagnostic, {} crates {} ({generate_time:.1} s generating, {check_time:.1} s compiling)",
        cases.len(),
        cases.len() - generated,
        outcomes.len(),
        match args.strictness {
            Strictness::WarningFree => "clippy -D warnings",
            Strictness::Compiles => "cargo check",
        },
    );
    if !refusals.is_empty() {
        println!("\nrefused (valid documents stitch declines; count, first case, message):");
        let mut sorted: Vec<_> = refusals.iter().collect();
        sorted.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
        for (message, (count, case)) in sorted {
            println!("  {count:>5}  case {case:<6} {message}");
        }
    }
    if failures.is_empty() {
        println!("\nno failures");
        return Ok(());
    }
    fs::create_dir_all(&findings)
        .map_err(|e| format!("cannot create {}: {e}", findings.display()))?;
    // One line per case and kind: its first message, and how many more there are.
    let mut grouped: BTreeMap<(Kind, u64), Vec<&str>> = BTreeMap::new();
    for (case, kind, message) in &failures {
        grouped
            .entry((*kind, *case))
            .or_default()
            .push(message.lines().next().unwrap_or_default());
    }
    println!("\nFAILURES:");
    for ((kind, case), messages) in &grouped {
        let more = match messages.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        println!("  case {case:<6} {}: {}{more}", kind.name(), messages[0]);
        let document = document::document(args.seed, *case, &args.open);
        let path = findings.join(format!("seed-{}-case-{case}.json", args.seed));
        let text = serde_json::to_string_pretty(&document).unwrap_or_default();
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        if args.minimize && *kind != Kind::Compile {
            let small = minimize(&exe, &args, *case, *kind, document, &findings);
            let path = path.with_extension("min.json");
            let text = serde_json::to_string_pretty(&small).unwrap_or_default();
            fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("           shrunk to {}", path.display());
        }
    }
    let open_flag = if open.is_empty() {
        String::new()
    } else {
        format!(" --open {}", open.join(","))
    };
    Err(format!(
        "{} failing case(s); documents in {}; replay one with `cargo xtask fuzz --seed {} --case N{open_flag}`",
        grouped
            .keys()
            .map(|(_, case)| case)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        findings.display(),
        args.seed
    ))
}

/// What a child reported for one case.
#[derive(Debug, Default)]
struct Reported {
    generated: bool,
    refused: Option<String>,
    failures: Vec<(Kind, String)>,
}

/// The child: runs case `--case` in this process and reports it on stdout, one line each:
/// `generated`, `refused MESSAGE`, `failure KIND MESSAGE` (newlines escaped as `\n`).
/// Each case runs in its own process so that what cannot be caught (a stack overflow aborts
/// the process) or should not be waited for (a case that never ends) is one failing case, not
/// the end of the run.
fn child(args: &Args) -> Result<(), String> {
    let case = args.case.unwrap_or_default();
    let document = match &args.document {
        Some(path) => fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        None => document::document(args.seed, case, &args.open),
    };
    let inputs = inputs(&document, case);
    if let Some(dir) = &args.write {
        write_inputs(dir, &inputs)?;
    }
    let outcome = {
        let _quiet = QuietPanics::install();
        run_case(&inputs, &format!("fuzz-{}-{case}", args.seed))
    };
    let mut report = String::new();
    if outcome.krate.is_some() {
        report.push_str("generated\n");
    }
    if let Some(refused) = &outcome.refused {
        report.push_str(&format!("refused {}\n", refused.replace('\n', "\\n")));
    }
    for (kind, message) in &outcome.failures {
        let message = message.replace('\n', "\\n");
        report.push_str(&format!("failure {} {message}\n", kind.code()));
    }
    print!("{report}");
    Ok(())
}

/// Runs `cases` in children, `--jobs` at a time; the reports come back in `cases` order.
fn in_children(exe: &Path, args: &Args, cases: &[u64], start: Instant) -> Vec<Reported> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let reports: Mutex<BTreeMap<usize, Reported>> = Mutex::new(BTreeMap::new());
    let step = (cases.len() / 10).clamp(100, 1000);
    std::thread::scope(|scope| {
        for _ in 0..args.jobs.min(cases.len()).max(1) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&case) = cases.get(index) else {
                        break;
                    };
                    let report = in_child(exe, args, case, None);
                    if let Ok(mut reports) = reports.lock() {
                        reports.insert(index, report);
                    }
                    let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if finished % step == 0 && finished < cases.len() {
                        eprintln!(
                            "  {finished}/{} cases, {:.0} s",
                            cases.len(),
                            start.elapsed().as_secs_f64()
                        );
                    }
                }
            });
        }
    });
    reports
        .into_inner()
        .unwrap_or_default()
        .into_values()
        .collect()
}

/// Runs case `case` in a child process (this program with `--child`), killed after
/// `--timeout` seconds.
fn in_child(exe: &Path, args: &Args, case: u64, document: Option<&Path>) -> Reported {
    use std::io::Read;
    use std::process::{Command, Stdio};
    use std::time::Duration;

    let mut command = Command::new(exe);
    command.args(["fuzz", "--child", "--check", "0"]);
    command.args([
        "--seed",
        &args.seed.to_string(),
        "--case",
        &case.to_string(),
    ]);
    if !args.open.is_empty() {
        let open: Vec<&str> = args.open.iter().map(|o| o.name()).collect();
        command.args(["--open", &open.join(",")]);
    }
    if let Some(dir) = &args.write {
        command.arg("--write").arg(dir);
    }
    if let Some(path) = document {
        command.arg("--document").arg(path);
    }
    let failed = |kind: Kind, message: String| Reported {
        failures: vec![(kind, message)],
        ..Reported::default()
    };
    let mut running = match command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(running) => running,
        Err(e) => return failed(Kind::Crash, format!("cannot start {}: {e}", exe.display())),
    };
    // Both pipes are read on threads, so a chatty child never blocks on a full pipe.
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ignored = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = reader(
        running
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = reader(
        running
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let status = loop {
        match running.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => {
                let _ignored = running.kill();
                let _ignored = running.wait();
                break None;
            }
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    let Some(status) = status else {
        return failed(Kind::Slow, format!("not done after {} s", args.timeout));
    };
    if !status.success() {
        let last = stderr
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or("no message");
        return failed(Kind::Crash, format!("{status}: {last}"));
    }
    let mut reported = Reported::default();
    for line in stdout.lines() {
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        let rest = rest.replace("\\n", "\n");
        match word {
            "generated" => reported.generated = true,
            "refused" => reported.refused = Some(rest),
            "failure" => {
                let (code, message) = rest.split_once(' ').unwrap_or((rest.as_str(), ""));
                let kind = Kind::ALL
                    .into_iter()
                    .find(|k| k.code() == code)
                    .unwrap_or(Kind::Crash);
                reported.failures.push((kind, message.to_owned()));
            }
            _ => {}
        }
    }
    reported
}

/// The JSON pointers of every member and element of `value`, deepest last.
fn removable(value: &Value, here: &str, out: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => return,
    };
    for (token, child) in children {
        let pointer = format!("{here}/{token}");
        out.push(pointer.clone());
        removable(child, &pointer, out);
    }
}

/// `value` without the member or element at `pointer`.
fn without(value: &Value, pointer: &str) -> Option<Value> {
    let (parent, last) = pointer.rsplit_once('/')?;
    let mut copy = value.clone();
    let last = last.replace("~1", "/").replace("~0", "~");
    match copy.pointer_mut(parent)? {
        Value::Object(map) => {
            map.shift_remove(&last)?;
        }
        Value::Array(items) => {
            let index: usize = last.parse().ok()?;
            if index >= items.len() {
                return None;
            }
            items.remove(index);
        }
        _ => return None,
    }
    Some(copy)
}

/// Shrinks `document` while the case still fails with `kind`: greedy passes that each try
/// removing every member and array element (outermost first), keeping a removal when the
/// failure stays. Each candidate runs in a child, so a crash or a hang is a verdict too.
fn minimize(
    exe: &Path,
    args: &Args,
    case: u64,
    kind: Kind,
    mut document: Value,
    findings: &Path,
) -> Value {
    let scratch = findings.join(format!("candidate-{}-{case}.json", args.seed));
    let start = Instant::now();
    let budget = std::time::Duration::from_secs(args.timeout.saturating_mul(10).max(300));
    let mut progress = true;
    while progress && start.elapsed() < budget {
        progress = false;
        let mut pointers = Vec::new();
        removable(&document, "", &mut pointers);
        for pointer in pointers {
            if start.elapsed() >= budget {
                break;
            }
            let Some(candidate) = without(&document, &pointer) else {
                continue;
            };
            let text = serde_json::to_string_pretty(&candidate).unwrap_or_default();
            if fs::write(&scratch, text).is_err() {
                return document;
            }
            let reported = in_child(exe, args, case, Some(&scratch));
            if reported.failures.iter().any(|(k, _)| *k == kind) {
                document = candidate;
                progress = true;
            }
        }
    }
    let _ignored = fs::remove_file(&scratch);
    document
}

/// Writes a case's inputs under `dir`.
fn write_inputs(dir: &Path, inputs: &[Input]) -> Result<(), String> {
    for input in inputs {
        // The inputs are `case-N/<file>`: keep the file name only.
        let name = input.path.file_name().unwrap_or_default();
        let path = dir.join(name);
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        fs::write(&path, &input.text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    eprintln!("inputs written to {}", dir.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The settings of `cargo xtask fuzz ARGS..`.
    fn parse(args: &[&str]) -> Result<Args, String> {
        use clap::Parser as _;
        let all = std::iter::once("fuzz").chain(args.iter().copied());
        settings(Fuzz::try_parse_from(all).map_err(|e| e.to_string())?)
    }

    #[test]
    fn arguments() {
        let args = parse(&["--cases", "5", "--seed=3", "--open", "all"]).expect("parses");
        assert_eq!((args.cases, args.seed), (5, 3));
        assert_eq!((args.check, args.timeout, args.minimize), (12, 60, false));
        assert_eq!(args.strictness, Strictness::WarningFree);
        let args = parse(&[
            "--lint",
            "check",
            "--timeout",
            "0",
            "--case",
            "4",
            "--child",
        ])
        .expect("parses");
        assert_eq!((args.strictness, args.timeout), (Strictness::Compiles, 1));
        assert!(args.child && args.case == Some(4));
        assert!(parse(&["--child"]).is_err());
        assert_eq!(args.open, Open::ALL);
        // The classes of issue 12 are fixed and drawn always: no longer names of `--open`.
        assert!(parse(&["--open", "ref-cycle"]).is_err());
        assert!(parse(&["--open", "nope"]).is_err());
        assert!(parse(&["--write", "x"]).is_err());
        assert!(parse(&["--lint", "loud"]).is_err());
    }

    #[test]
    fn refusals_of_one_kind_count_together() {
        assert_eq!(
            shape("#/paths/~1a/get: parameter `foo` (3 times) is not supported"),
            shape("#/paths/~1b/post: parameter `bar` (12 times) is not supported")
        );
        assert_eq!(
            shape(
                "#/components/schemas/a: a cycle: #/components/schemas/a → #/components/schemas/a"
            ),
            shape(
                "#/components/schemas/b: a cycle: #/components/schemas/b → #/components/schemas/c"
            )
        );
    }

    #[test]
    fn the_minimizer_removes_members_and_elements_by_pointer() {
        let value = serde_json::json!({ "a/b": [1, 2, { "c": 3 }], "d": 4 });
        let mut pointers = Vec::new();
        removable(&value, "", &mut pointers);
        assert_eq!(
            pointers,
            ["/a~1b", "/a~1b/0", "/a~1b/1", "/a~1b/2", "/a~1b/2/c", "/d"]
        );
        assert_eq!(
            without(&value, "/a~1b/1"),
            Some(serde_json::json!({ "a/b": [1, { "c": 3 }], "d": 4 }))
        );
        assert_eq!(
            without(&value, "/a~1b"),
            Some(serde_json::json!({ "d": 4 }))
        );
        assert_eq!(without(&value, "/a~1b/7"), None);
        assert_eq!(without(&value, "/nope"), None);
    }

    #[test]
    fn a_case_runs_without_failures() {
        let document = document::document(1, 0, &[]);
        let inputs = inputs(&document, 0);
        let outcome = run_case(&inputs, "fuzz-test");
        assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
        assert!(outcome.krate.is_some() || outcome.refused.is_some());
    }
}
