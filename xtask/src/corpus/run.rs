//! Running specs through the generator: split into pages, generate, merge back and compare,
//! and optionally `cargo check` the generated crates. Every call into stitch (and the splitter)
//! runs under `catch_unwind` with a quiet panic hook that remembers where the panic happened,
//! on worker threads with large stacks, so one odd spec cannot end the run.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use stitch::GeneratedCrate;
use stitch::source::Input;

use super::fetch::Corpus;
use super::split;
use crate::members::{self, Strictness};

/// Where a spec failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Reading or parsing the spec file.
    Load,
    /// Splitting it into pages.
    Split,
    /// `stitch::generate` on the pages.
    Generate,
    /// `stitch::merge_sources` on the pages, compared with the original.
    RoundTrip,
    /// `cargo check` of the generated crate.
    Compile,
}

impl Stage {
    /// The stage's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Split => "split",
            Stage::Generate => "generate",
            Stage::RoundTrip => "round-trip",
            Stage::Compile => "compile",
        }
    }
}

/// One failure of one spec.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Where.
    pub stage: Stage,
    /// The whole message.
    pub message: String,
    /// A panic rather than an error.
    pub panic: bool,
}

/// What happened to one spec.
#[derive(Debug)]
pub struct SpecResult {
    /// The spec id.
    pub id: String,
    /// Operations in the pages.
    pub operations: usize,
    /// The pages were generated into a crate.
    pub generated: bool,
    /// Merging the pages gave back the original's operations and reached components.
    pub round_trip: bool,
    /// Time spent in `stitch::generate`.
    pub generate_time: Duration,
    /// Every failure, in stage order.
    pub failures: Vec<Failure>,
    /// The messages of the schemas the generator read as free-form JSON
    /// (`serde_json::Value`), each with a warning (see `stitch::diagnostic::is_json_fallback`).
    pub fallbacks: Vec<String>,
    /// The generated crate, kept when it is to be compiled.
    pub krate: Option<GeneratedCrate>,
    /// The crate's `cargo check` succeeded (`None`: not compiled).
    pub compiled: Option<bool>,
    /// The list operations and pagination detected (`--pagination`; `None`: not surveyed).
    pub paging: Option<super::paging::Survey>,
}

/// What to do with each spec.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Run the generator (otherwise only split and merge).
    pub generate: bool,
    /// Keep the first this many generated crates (in `ids` order) in the results, to compile
    /// them.
    pub keep_crates: usize,
    /// Write the pages under this folder (`<folder>/<page>.md`).
    pub pages_dir: Option<PathBuf>,
    /// Survey the list operations and their pagination (`--pagination`).
    pub pagination: bool,
}

thread_local! {
    /// The message and place of the last panic on this thread, set by the quiet hook.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A panic hook, as `std::panic::take_hook` returns it.
type Hook = Box<dyn Fn(&panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

/// A panic hook that prints nothing and remembers the panic for [`guarded`]; the previous hook
/// comes back when this is dropped.
pub struct QuietPanics {
    previous: Option<Hook>,
}

impl QuietPanics {
    /// Installs the quiet hook.
    pub fn install() -> QuietPanics {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(|info| {
            let message = payload_text(info.payload());
            let place = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let _ignored = LAST_PANIC.try_with(|last| {
                if let Ok(mut last) = last.try_borrow_mut() {
                    *last = Some(format!("{message}{place}"));
                }
            });
        }));
        QuietPanics {
            previous: Some(previous),
        }
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            panic::set_hook(previous);
        }
    }
}

/// The text of a panic payload.
fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a non-string payload".to_owned()
    }
}

/// Runs `f`, turning a panic into `Err(message and place)`.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let _ignored = LAST_PANIC.try_with(|last| last.borrow_mut().take());
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        LAST_PANIC
            .try_with(|last| last.borrow_mut().take())
            .ok()
            .flatten()
            .unwrap_or_else(|| payload_text(payload.as_ref()))
    })
}

/// A crate name for a spec id: `corpus-` and the id's letters and digits.
pub fn crate_name(id: &str) -> String {
    let mut name = String::from("corpus-");
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    // Package names have at most 64 characters (`stitch::check_crate_name`): a long id keeps
    // its start and a hash of the whole id, so names stay unique.
    if name.len() <= stitch::MAX_CRATE_NAME {
        return name.to_owned();
    }
    let hash = format!("{:08x}", super::fnv1a(id.bytes()) as u32);
    let keep = stitch::MAX_CRATE_NAME - hash.len() - 1;
    format!("{}-{hash}", name[..keep].trim_end_matches('-'))
}

/// The generator's options for one spec.
// `..Default::default()` keeps this compiling when stitch's options grow.
#[allow(clippy::needless_update)]
pub(crate) fn options(id: &str) -> stitch::Options {
    stitch::Options {
        crate_name: crate_name(id),
        ..Default::default()
    }
}

/// Runs one spec through the stages the plan asks for.
pub fn run_spec(corpus: &Corpus, id: &str, plan: &Plan) -> SpecResult {
    let mut result = SpecResult {
        id: id.to_owned(),
        operations: 0,
        generated: false,
        round_trip: false,
        generate_time: Duration::ZERO,
        failures: Vec::new(),
        fallbacks: Vec::new(),
        krate: None,
        compiled: None,
        paging: None,
    };
    let path = corpus.path_of(id);
    let spec: Value = match fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
    {
        Ok(spec) => spec,
        Err(e) => {
            result.failures.push(failure(Stage::Load, e, false));
            return result;
        }
    };
    let split = match guarded(|| split::split(&spec)) {
        Ok(Ok(split)) => split,
        Ok(Err(e)) => {
            result.failures.push(failure(Stage::Split, e, false));
            return result;
        }
        Err(panic) => {
            result.failures.push(failure(Stage::Split, panic, true));
            return result;
        }
    };
    result.operations = split.operations;
    if let Some(dir) = &plan.pages_dir {
        if let Err(e) = split::write_pages(dir, &split.pages) {
            result.failures.push(failure(Stage::Split, e, false));
        }
    }
    let inputs: Vec<Input> = split
        .pages
        .into_iter()
        .map(|page| Input {
            path: PathBuf::from(format!("{id}/{}", page.name)),
            text: page.text,
        })
        .collect();

    if plan.generate {
        let options = options(id);
        let start = Instant::now();
        let generated = guarded(|| {
            let diagnosed = stitch::generate(&inputs, &options, stitch::OnConflict::Error);
            result.fallbacks = diagnosed
                .diagnostics
                .iter()
                .filter(|d| stitch::diagnostic::is_json_fallback(d))
                .map(|d| d.message.clone())
                .collect();
            diagnosed.result
        });
        result.generate_time = start.elapsed();
        match generated {
            Ok(Ok(krate)) => {
                result.generated = true;
                if plan.keep_crates > 0 {
                    result.krate = Some(krate);
                }
            }
            Ok(Err(e)) => result
                .failures
                .push(failure(Stage::Generate, e.to_string(), false)),
            Err(panic) => result.failures.push(failure(Stage::Generate, panic, true)),
        }
    }

    match guarded(|| {
        stitch::merge_sources(&inputs, stitch::OnConflict::Error)
            .result
            .map(|merged| merged.value)
    }) {
        Ok(Ok(merged)) => match guarded(|| {
            if plan.pagination {
                result.paging = Some(super::paging::survey(&merged, id));
            }
            compare(&spec, &merged)
        }) {
            Ok(None) => result.round_trip = true,
            Ok(Some(difference)) => {
                result
                    .failures
                    .push(failure(Stage::RoundTrip, difference, false))
            }
            Err(panic) => result.failures.push(failure(Stage::RoundTrip, panic, true)),
        },
        Ok(Err(e)) => result
            .failures
            .push(failure(Stage::RoundTrip, e.to_string(), false)),
        Err(panic) => result.failures.push(failure(Stage::RoundTrip, panic, true)),
    }
    result
}

/// A failure value.
fn failure(stage: Stage, message: String, panic: bool) -> Failure {
    Failure {
        stage,
        message,
        panic,
    }
}

/// The first difference between what the pages should merge to and what they merged to.
fn compare(spec: &Value, merged: &Value) -> Option<String> {
    let expected = split::expected(spec);
    let mut actual = Map::new();
    actual.insert(
        "paths".to_owned(),
        merged
            .get("paths")
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new())),
    );
    // Sections the merge writes empty are sections without components.
    actual.insert(
        "components".to_owned(),
        Value::Object(split::nonempty_components(merged)),
    );
    split::first_difference(&expected, &Value::Object(actual))
}

/// Runs every spec of `ids` on `jobs` worker threads; the results come back in `ids` order.
/// `progress` is called on the main thread after each spec with the count done so far.
pub fn run_all(
    corpus: &Corpus,
    ids: &[String],
    plan: &Plan,
    jobs: usize,
    mut progress: impl FnMut(usize, &SpecResult),
) -> Vec<SpecResult> {
    let next = AtomicUsize::new(0);
    let running: Mutex<BTreeMap<usize, Instant>> = Mutex::new(BTreeMap::new());
    let mut results: Vec<Option<SpecResult>> = ids.iter().map(|_| None).collect();
    let (send, receive) = mpsc::channel::<(usize, SpecResult)>();
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            let send = send.clone();
            let (next, running) = (&next, &running);
            let worker = move || {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(id) = ids.get(index) else {
                        break;
                    };
                    if let Ok(mut running) = running.lock() {
                        running.insert(index, Instant::now());
                    }
                    let result = run_spec(corpus, id, plan);
                    if let Ok(mut running) = running.lock() {
                        running.remove(&index);
                    }
                    if send.send((index, result)).is_err() {
                        break;
                    }
                }
            };
            // Large stacks: a deeply nested spec must not overflow (that cannot be caught).
            let spawned = std::thread::Builder::new()
                .name("corpus".to_owned())
                .stack_size(512 << 20)
                .spawn_scoped(scope, worker);
            if let Err(e) = spawned {
                eprintln!("warning: cannot start a worker thread: {e}");
            }
        }
        drop(send);
        let mut done = 0;
        let mut warned = std::collections::BTreeSet::new();
        loop {
            match receive.recv_timeout(Duration::from_secs(10)) {
                Ok((index, result)) => {
                    done += 1;
                    progress(done, &result);
                    if let Some(slot) = results.get_mut(index) {
                        *slot = Some(result);
                    }
                    drop_extra_crates(&mut results, plan.keep_crates);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    // Name specs that take long, once each, so a hang is visible.
                    if let Ok(running) = running.lock() {
                        for (index, start) in running.iter() {
                            if start.elapsed() > Duration::from_secs(60) && warned.insert(*index) {
                                let id = ids.get(*index).map_or("?", String::as_str);
                                eprintln!("  still running after 60 s: {id}");
                            }
                        }
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
    });
    results
        .into_iter()
        .zip(ids)
        .map(|(result, id)| {
            result.unwrap_or_else(|| SpecResult {
                id: id.clone(),
                operations: 0,
                generated: false,
                round_trip: false,
                generate_time: Duration::ZERO,
                fallbacks: Vec::new(),
                failures: vec![failure(
                    Stage::Load,
                    "the worker running this spec stopped".to_owned(),
                    false,
                )],
                krate: None,
                compiled: None,
                paging: None,
            })
        })
        .collect()
}

/// Drops every kept crate after the first `keep` (in `ids` order) of the results so far: a
/// crate with `keep` others before it can never be among the first `keep`.
fn drop_extra_crates(results: &mut [Option<SpecResult>], keep: usize) {
    let mut seen = 0;
    for result in results.iter_mut().flatten() {
        if result.krate.is_some() {
            if seen >= keep {
                result.krate = None;
            }
            seen += 1;
        }
    }
}

/// Writes the first `count` generated crates of `results` into `dir` as members of a throwaway
/// workspace and runs `cargo check` once for all of them (target folder `target_dir`), marking
/// each result compiled or not. Returns how many were checked.
pub fn compile(
    results: &mut [SpecResult],
    count: usize,
    dir: &Path,
    lockfile: &Path,
    target_dir: &Path,
) -> Result<usize, String> {
    let mut indices: BTreeMap<String, usize> = BTreeMap::new();
    let mut crates = Vec::new();
    for (index, result) in results.iter().enumerate() {
        if let Some(krate) = &result.krate
            && crates.len() < count
        {
            let name = crate_name(&result.id);
            indices.insert(name.clone(), index);
            crates.push((name, krate));
        }
    }
    let outcomes = members::check(
        &crates,
        dir,
        lockfile,
        target_dir,
        Strictness::Compiles,
        "cargo xtask corpus",
    )?;
    for (name, outcome) in &outcomes {
        let Some(result) = indices.get(name).and_then(|&i| results.get_mut(i)) else {
            continue;
        };
        result.compiled = Some(outcome.is_empty());
        if let Some(first) = outcome.first() {
            result
                .failures
                .push(failure(Stage::Compile, first.clone(), false));
        }
    }
    Ok(outcomes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(id: &str, generated: bool) -> Option<SpecResult> {
        Some(SpecResult {
            id: id.to_owned(),
            operations: 1,
            generated,
            round_trip: true,
            generate_time: Duration::ZERO,
            failures: Vec::new(),
            fallbacks: Vec::new(),
            krate: generated.then(|| GeneratedCrate {
                files: BTreeMap::new(),
            }),
            compiled: None,
            paging: None,
        })
    }

    #[test]
    fn only_the_first_crates_in_order_are_kept_whatever_the_arrival_order() {
        let mut results = vec![None, result("b", true), None, result("d", true)];
        drop_extra_crates(&mut results, 2);
        results[2] = result("c", true);
        drop_extra_crates(&mut results, 2);
        results[0] = result("a", false);
        drop_extra_crates(&mut results, 2);
        let kept: Vec<&str> = results
            .iter()
            .flatten()
            .filter(|r| r.krate.is_some())
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(kept, ["b", "c"]);
    }

    #[test]
    fn panics_become_errors_with_their_place() {
        let _quiet = QuietPanics::install();
        let caught = guarded(|| -> u8 { panic!("boom") });
        let message = caught.expect_err("a panic");
        assert!(message.starts_with("boom at "), "{message}");
        assert!(message.contains("run.rs"), "{message}");
    }

    #[test]
    fn crate_names_are_valid_package_names() {
        assert_eq!(
            crate_name("googleapis.com/dns"),
            "corpus-googleapis-com-dns"
        );
        assert_eq!(crate_name("1forge.com"), "corpus-1forge-com");
        // 15 Azure ids are longer than a package name may be.
        let id = "azure.com/EnterpriseKnowledgeGraph-EnterpriseKnowledgeGraphSwagger";
        let name = crate_name(id);
        assert_eq!(stitch::check_crate_name(&name), Ok(()), "{name}");
        assert!(
            name.starts_with("corpus-azure-com-enterpriseknowledgegraph-"),
            "{name}"
        );
        assert_ne!(name, crate_name(&format!("{id}2")));
    }
}
