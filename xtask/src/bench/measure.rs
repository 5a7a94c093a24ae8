//! Running one command and measuring it: wall time with [`Instant`], and peak memory as the
//! maximum resident set size that `wait4` reports for that child.
//!
//! `wait4`'s rusage of a child covers the child and every descendant it waited for, and its
//! `ru_maxrss` is the largest of them: for `cargo check` that is the peak of `cargo` or of the
//! `rustc` it ran, whichever was larger, for the openapi-generator wrapper that of Python or of
//! the JVM it started. Concurrent grandchildren are not added up. No `/usr/bin/time` needed.
//!
//! Linux carries a process's peak over `exec`: a child spawned by a process that once held
//! hundreds of megabytes (this one, after reading GitHub's spec) would report at least that
//! much. So the command is not spawned from here but from a fresh, small copy of this program
//! (`xtask bench --measure-child RESULT -- PROGRAM ARGS..`, see [`child`]), which waits for it,
//! times it and writes the figures to the file RESULT; its own few megabytes are the floor of
//! every figure.
//!
//! The command's stdout and stderr go to a log file (never a pipe that could fill up), whose
//! last lines explain a failure.

use std::ffi::OsString;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::quiet;

/// The hidden flag of `cargo xtask bench` that runs [`child`].
pub const CHILD_FLAG: &str = "--measure-child";

/// One measured run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Wall time from spawn to exit.
    pub wall: Duration,
    /// Peak resident memory of the largest process of the child's tree, in bytes.
    pub peak_rss: u64,
    /// CPU time (user + system) of the child's tree, the processes it waited for: on a
    /// machine others share, the figure that moves least with their load.
    pub cpu: Duration,
}

impl Sample {
    /// A sample of `cpu` and `wall` seconds and `mb` megabytes (for the tests of what judges
    /// and prints samples).
    #[cfg(test)]
    pub fn of(cpu: f64, wall: f64, mb: u64) -> Sample {
        Sample {
            wall: Duration::from_secs_f64(wall),
            cpu: Duration::from_secs_f64(cpu),
            peak_rss: mb * 1_000_000,
        }
    }
}

/// How a measured run ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The measurements.
    pub sample: Sample,
    /// `None` when the command exited 0, else what went wrong (exit code or signal) and the
    /// last lines of its output.
    pub failure: Option<String>,
}

/// Measures commands through a private copy of this program (see the module docs): a copy,
/// because `cargo build` may replace `target/debug/xtask` while a long run goes on.
#[derive(Debug, Clone)]
pub struct Meter {
    /// The copy of this program that runs [`child`].
    helper: PathBuf,
    /// What other processes used during each run so far (shared by the meter's clones).
    others: Arc<Mutex<Vec<Others>>>,
}

/// What other processes used of the machine while one command was measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Others {
    /// The command, as [`describe`] shows it.
    pub command: String,
    /// The cores they used on average during the run.
    pub cores: f64,
}

impl Meter {
    /// Copies this program to `dir/xtask-measure` and measures with that copy.
    pub fn install(dir: &Path) -> Result<Meter, String> {
        // /proc/self/exe still reads when the file was replaced meanwhile.
        let this = Path::new("/proc/self/exe");
        let source = if this.exists() {
            this.to_path_buf()
        } else {
            std::env::current_exe()
                .map_err(|e| format!("cannot find this program to measure with: {e}"))?
        };
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let helper = dir.join(format!("xtask-measure{}", std::env::consts::EXE_SUFFIX));
        // A fresh file (not one a running helper may hold open), then renamed into place.
        let partial = dir.join("xtask-measure.partial");
        fs::copy(&source, &partial).map_err(|e| {
            format!(
                "cannot copy {} to {}: {e}",
                source.display(),
                partial.display()
            )
        })?;
        fs::rename(&partial, &helper)
            .map_err(|e| format!("cannot rename {}: {e}", partial.display()))?;
        Ok(Meter {
            helper,
            others: Arc::default(),
        })
    }

    /// Runs `command` to its end with stdin closed and stdout and stderr written to `log`, and
    /// measures it. `Err` only when the command cannot be started or measured; a command that
    /// fails is an [`Outcome`] with a `failure`.
    ///
    /// Before it starts, waits a little for other processes to quiet down ([`quiet::wait`]),
    /// and records what they used during the run ([`Meter::others`]).
    pub fn run(&self, command: &mut Command, log: &Path) -> Result<Outcome, String> {
        let shown = describe(command);
        quiet::wait(&format!("`{shown}`"));
        let start = quiet::Busy::now();
        let outcome = run_with(&self.helper, command, log)?;
        if let Some(cores) = start.others_since(outcome.sample.cpu) {
            self.others
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(Others {
                    command: shown,
                    cores,
                });
        }
        Ok(outcome)
    }

    /// What other processes used during each run so far, in order.
    pub fn others(&self) -> Vec<Others> {
        self.others
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// [`Meter::run`], measuring through `helper` (a program that takes the arguments of [`child`] after
/// `bench`).
fn run_with(helper: &Path, command: &mut Command, log: &Path) -> Result<Outcome, String> {
    if let Some(parent) = log.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let out = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| format!("cannot open {} twice: {e}", log.display()))?;
    let shown = describe(command);
    let result = result_file(log);
    let _ignored = fs::remove_file(&result);
    let mut measured = Command::new(helper);
    measured
        .args(["bench", CHILD_FLAG])
        .arg(&result)
        .arg("--")
        .arg(command.get_program())
        .args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        measured.current_dir(dir);
    }
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => measured.env(key, value),
            None => measured.env_remove(key),
        };
    }
    let status = measured
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .status()
        .map_err(|e| format!("cannot run {} to measure `{shown}`: {e}", helper.display()))?;
    let text = fs::read_to_string(&result).map_err(|e| {
        format!(
            "measuring `{shown}` failed ({status}; {}: {e}){}",
            result.display(),
            tail(log, 12)
        )
    })?;
    let (status, sample) = parse_result(&text).map_err(|e| {
        format!(
            "measuring `{shown}` failed: {e} in {}{}",
            result.display(),
            tail(log, 12)
        )
    })?;
    let failure = match status {
        Status::Exited(0) => None,
        other => {
            let reason = reason(log);
            // A Rust panic says so itself; anything else leads with how it ended.
            let summary = if reason.starts_with("panicked") {
                reason
            } else {
                format!("{}: {reason}", other.describe())
            };
            Some(format!(
                "{summary}\n`{shown}` (log: {}){}",
                log.display(),
                tail(log, 12)
            ))
        }
    };
    Ok(Outcome { sample, failure })
}

/// Why a run failed, in one line from its log: a Rust panic's message, else the first line
/// that reads as an error, else the last line.
fn reason(log: &Path) -> String {
    let text = fs::read(log)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let panic = lines
        .iter()
        .position(|line| line.contains("panicked at"))
        .and_then(|at| lines.get(at + 1))
        .map(|message| format!("panicked: {message}"));
    let error = || {
        lines
            .iter()
            .find(|line| {
                line.starts_with("error")
                    || line.contains(": error")
                    || line.contains("Exception")
                    || line.contains("ERROR")
            })
            .map(|line| (*line).to_owned())
    };
    let last = || lines.last().map(|line| (*line).to_owned());
    let found = panic.or_else(error).or_else(last);
    shorten(&found.unwrap_or_else(|| "no output".to_owned()), 200)
}

/// Where the helper writes the figures of the run logged in `log`.
fn result_file(log: &Path) -> PathBuf {
    let mut name = log.file_name().unwrap_or_default().to_os_string();
    name.push(".measure");
    log.with_file_name(name)
}

/// The helper's side of `--measure-child RESULT -- PROGRAM ARGS..` (`command` is PROGRAM
/// ARGS..). Runs PROGRAM with this process's stdio, waits for it with `wait4`, and writes its exit, wall time and peak memory to RESULT.
/// `Err` when the arguments are wrong or PROGRAM cannot be started.
pub fn child(result: &Path, command: &[OsString]) -> Result<(), String> {
    let [program, rest @ ..] = command else {
        return Err(format!(
            "{CHILD_FLAG} takes RESULT -- PROGRAM ARGS.. (it is used by cargo xtask bench itself)"
        ));
    };
    let mut command = Command::new(program);
    command.args(rest);
    let (status, sample) = spawn_and_wait(&mut command)?;
    fs::write(result, format_result(status, sample))
        .map_err(|e| format!("cannot write {}: {e}", result.display()))
}

/// Spawns `command` (stdio inherited), waits for it, and measures it.
fn spawn_and_wait(command: &mut Command) -> Result<(Status, Sample), String> {
    let shown = describe(command);
    let start = Instant::now();
    let child = command
        .spawn()
        .map_err(|e| format!("cannot run `{shown}`: {e}"))?;
    let (status, peak_rss, cpu) =
        wait(child.id()).map_err(|e| format!("waiting for `{shown}`: {e}"))?;
    let wall = start.elapsed();
    // The child is reaped: dropping its handle neither waits nor kills.
    drop(child);
    Ok((
        status,
        Sample {
            wall,
            peak_rss,
            cpu,
        },
    ))
}

/// The helper's result file: `exit CODE` or `signal N`, then `wall_ns N` and `peak_rss N`.
fn format_result(status: Status, sample: Sample) -> String {
    let end = match status {
        Status::Exited(code) => format!("exit {code}"),
        Status::Signalled(signal) => format!("signal {signal}"),
    };
    format!(
        "{end}\nwall_ns {}\npeak_rss {}\ncpu_ns {}\n",
        sample.wall.as_nanos(),
        sample.peak_rss,
        sample.cpu.as_nanos()
    )
}

/// Reads what [`format_result`] wrote.
fn parse_result(text: &str) -> Result<(Status, Sample), String> {
    let mut status = None;
    let mut wall = None;
    let mut peak = None;
    let mut cpu = None;
    for line in text.lines() {
        let Some((key, value)) = line.split_once(' ') else {
            continue;
        };
        match key {
            "exit" => status = value.parse().ok().map(Status::Exited),
            "signal" => status = value.parse().ok().map(Status::Signalled),
            "wall_ns" => wall = value.parse::<u64>().ok().map(Duration::from_nanos),
            "peak_rss" => peak = value.parse::<u64>().ok(),
            "cpu_ns" => cpu = value.parse::<u64>().ok().map(Duration::from_nanos),
            _ => {}
        }
    }
    match (status, wall, peak) {
        (Some(status), Some(wall), Some(peak_rss)) => Ok((
            status,
            Sample {
                wall,
                peak_rss,
                // Written by every helper since it was added; an older one's file has none.
                cpu: cpu.unwrap_or_default(),
            },
        )),
        _ => Err(format!("unreadable figures `{}`", text.trim())),
    }
}

/// The end of a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// It exited with this code.
    Exited(i32),
    /// A signal ended it.
    Signalled(i32),
}

impl Status {
    /// "exited with code 2", "was killed by signal 9".
    fn describe(self) -> String {
        match self {
            Status::Exited(code) => format!("exited with code {code}"),
            Status::Signalled(9) => {
                "was killed by signal 9 (out of memory, or killed by hand)".to_owned()
            }
            Status::Signalled(signal) => format!("was killed by signal {signal}"),
        }
    }
}

/// Waits for the child `pid` with `wait4` and returns how it ended, its tree's peak resident
/// memory in bytes and its tree's CPU time (user + system).
#[allow(unsafe_code)]
fn wait(pid: u32) -> Result<(Status, u64, Duration), String> {
    let pid = libc::pid_t::try_from(pid).map_err(|_| format!("process id {pid} out of range"))?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is a plain C struct of integers, for which all zero bytes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are to live, writable locals of the types wait4 expects; `pid` is
        // our own child, not yet reaped (std's `Child` has not waited for it).
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            break;
        }
        let error = std::io::Error::last_os_error();
        if reaped == -1 && error.kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        return Err(format!("wait4 failed: {error}"));
    }
    let status = if libc::WIFEXITED(status) {
        Status::Exited(libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        Status::Signalled(libc::WTERMSIG(status))
    } else {
        Status::Exited(-1)
    };
    // Linux reports ru_maxrss in kibibytes, macOS in bytes.
    let max_rss = u64::try_from(usage.ru_maxrss).unwrap_or(0);
    let bytes = if cfg!(target_os = "macos") {
        max_rss
    } else {
        max_rss.saturating_mul(1024)
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    Ok((status, bytes, time(usage.ru_utime) + time(usage.ru_stime)))
}

/// The command as a user would type it (program and arguments, no environment).
pub fn describe(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(
        command
            .get_args()
            .map(|arg| arg.to_string_lossy().into_owned()),
    );
    words.join(" ")
}

/// The last `lines` non-empty lines of a log, each on its own indented line, for an error.
pub fn tail(log: &Path, lines: usize) -> String {
    let Ok(bytes) = fs::read(log) else {
        return String::new();
    };
    let text = String::from_utf8_lossy(&bytes);
    let last: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .rev()
        .take(lines)
        .collect();
    last.into_iter()
        .rev()
        .map(|line| format!("\n    {}", shorten(line, 300)))
        .collect()
}

/// At most `max` characters of a line.
fn shorten(line: &str, max: usize) -> String {
    match line.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    }
}

/// The median of some durations (the mean of the middle two for an even count); zero for none.
pub fn median_duration(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

/// The median of some byte counts (the mean of the middle two for an even count); zero for none.
pub fn median_bytes(values: &[u64]) -> u64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    match sorted.len() {
        0 => 0,
        n if n % 2 == 1 => sorted[n / 2],
        n => sorted[n / 2 - 1] / 2 + sorted[n / 2] / 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        let ms = Duration::from_millis;
        assert_eq!(median_duration(&[ms(5), ms(1), ms(3)]), ms(3));
        assert_eq!(
            median_duration(&[ms(4), ms(1), ms(3), ms(2)]),
            Duration::from_micros(2500)
        );
        assert_eq!(median_duration(&[]), Duration::ZERO);
        assert_eq!(median_bytes(&[10, 30, 20]), 20);
        assert_eq!(median_bytes(&[10, 20]), 15);
    }

    #[test]
    fn a_child_is_timed_and_its_memory_and_failure_seen() {
        let (status, sample) =
            spawn_and_wait(Command::new("sh").args(["-c", "exit 0"])).expect("sh runs");
        assert_eq!(status, Status::Exited(0));
        assert!(sample.peak_rss > 0);
        let (status, _) =
            spawn_and_wait(Command::new("sh").args(["-c", "exit 3"])).expect("sh runs");
        assert_eq!(status, Status::Exited(3));
        assert!(spawn_and_wait(&mut Command::new("/nonexistent/program")).is_err());
    }

    #[test]
    fn results_round_trip_and_failures_carry_the_log() {
        let sample = Sample {
            wall: Duration::from_nanos(1_234_567),
            peak_rss: 42 << 20,
            cpu: Duration::from_nanos(987_654),
        };
        for status in [Status::Exited(0), Status::Exited(2), Status::Signalled(9)] {
            let text = format_result(status, sample);
            assert_eq!(parse_result(&text), Ok((status, sample)), "{text}");
        }
        assert!(parse_result("exit 0\n").is_err());

        // A helper that behaves like `xtask bench --measure-child RESULT -- sh -c ..`.
        let dir = tempfile_dir("measure");
        let helper = dir.join("helper.sh");
        fs::write(
            &helper,
            "#!/bin/sh\nresult=$3\nshift 4\n\"$@\"\ncode=$?\n\
             printf 'exit %s\\nwall_ns 5\\npeak_rss 7\\n' $code > \"$result\"\n",
        )
        .expect("write helper");
        let made_executable = Command::new("chmod")
            .arg("+x")
            .arg(&helper)
            .status()
            .is_ok_and(|s| s.success());
        assert!(made_executable);
        let log = dir.join("logs").join("x.log");
        let ok =
            run_with(&helper, Command::new("sh").args(["-c", "echo hi"]), &log).expect("measured");
        assert!(ok.failure.is_none(), "{:?}", ok.failure);
        assert_eq!(ok.sample.peak_rss, 7);
        let failed = run_with(
            &helper,
            Command::new("sh").args(["-c", "echo broken >&2; exit 3"]),
            &log,
        )
        .expect("measured");
        let message = failed.failure.expect("a failure");
        assert!(
            message.starts_with("exited with code 3: broken\n"),
            "{message}"
        );
        fs::write(
            &log,
            "noise\nthread 'main' (1) panicked at src/x.rs:1:2:\nnot yet implemented: y\nmore\n",
        )
        .expect("write log");
        assert_eq!(reason(&log), "panicked: not yet implemented: y");
        fs::write(
            &log,
            "Compiling x\nx/src/lib.rs:1:1: error[E0425]: nope\nerror: could not\n",
        )
        .expect("write log");
        assert_eq!(reason(&log), "x/src/lib.rs:1:1: error[E0425]: nope");
        let _ignored = fs::remove_dir_all(&dir);
    }

    /// A fresh folder under the system's temporary folder.
    fn tempfile_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ignored = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }
}
