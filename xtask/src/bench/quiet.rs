//! How much of the machine other processes use while the bench measures, and waiting for
//! them to quiet down before a timed run.
//!
//! CPU time is not immune to a shared machine: with the second core busy, the same `cargo
//! check` of GitHub's client took 37.9 s of CPU in one run and 22.3–24.5 s on an idle machine
//! the next day (shared caches, memory bandwidth, a hypervisor's steal). So the bench waits a
//! little for others' work to stop before each run ([`wait`]), measures what others used
//! during it ([`Busy`]), and the report says so beside the figures.
//!
//! "Others" is the machine's busy time from `/proc/stat` (user, nice, system, irq, softirq and
//! steal, all cores) minus the CPU time of the measured command's own processes. Elsewhere
//! than Linux nothing is known and nothing is waited for.

use std::fs;
use std::thread;
use std::time::{Duration, Instant};

use super::measure::Others;

/// Others' use of the machine below which it counts as quiet, in cores.
pub const QUIET_CORES: f64 = 0.2;

/// The longest [`wait`] waits before measuring anyway.
const MOST_WAIT: Duration = Duration::from_secs(30);

/// A point in the machine's busy time, to take another from.
#[derive(Debug, Clone, Copy)]
pub struct Busy {
    /// When it was read.
    at: Instant,
    /// The machine's busy CPU time so far (all cores), `None` when `/proc/stat` cannot be read.
    busy: Option<Duration>,
}

impl Busy {
    /// Now.
    pub fn now() -> Busy {
        Busy {
            at: Instant::now(),
            busy: machine_busy(),
        }
    }

    /// The cores others used on average since `self`, given the CPU time `own` the measured
    /// processes used meanwhile (never below zero; `None` when unknown).
    pub fn others_since(&self, own: Duration) -> Option<f64> {
        let later = Busy::now();
        let spent = later.busy?.checked_sub(self.busy?)?;
        let wall = later.at.duration_since(self.at).as_secs_f64();
        (wall > 0.0).then(|| (spent.saturating_sub(own).as_secs_f64() / wall).max(0.0))
    }
}

/// Waits until others use less than [`QUIET_CORES`] over one second, for at most
/// [`MOST_WAIT`]; returns what they used over the last second looked at (`None` when unknown).
/// Says on stderr when it waits.
pub fn wait(what: &str) -> Option<f64> {
    let start = Instant::now();
    let mut told = false;
    loop {
        let before = Busy::now();
        thread::sleep(Duration::from_secs(1));
        let others = before.others_since(Duration::ZERO)?;
        if others < QUIET_CORES || start.elapsed() >= MOST_WAIT {
            return Some(others);
        }
        if !told {
            eprintln!(
                "bench: others use {others:.2} cores; waiting up to {} s for quiet before {what}",
                MOST_WAIT.as_secs()
            );
            told = true;
        }
    }
}

/// What others used during the measured runs, in words for the reports: on average, at most,
/// and how many runs shared the machine (others above [`QUIET_CORES`]).
pub fn words(others: &[Others]) -> String {
    if others.is_empty() {
        return "not known".to_owned();
    }
    let mean = others.iter().map(|o| o.cores).sum::<f64>() / others.len() as f64;
    let most = others
        .iter()
        .max_by(|a, b| a.cores.total_cmp(&b.cores))
        .map_or(0.0, |o| o.cores);
    let shared = others.iter().filter(|o| o.cores >= QUIET_CORES).count();
    let verdict = if shared == 0 {
        "the machine was quiet throughout".to_owned()
    } else {
        format!(
            "{shared} of {} runs shared the machine (≥ {QUIET_CORES} cores): their CPU times are \
             inflated",
            others.len()
        )
    };
    format!("{mean:.2} cores on average, at most {most:.2}; {verdict}")
}

/// The machine's busy CPU time so far, from the first line of `/proc/stat`.
fn machine_busy() -> Option<Duration> {
    let stat = fs::read_to_string("/proc/stat").ok()?;
    busy_of(stat.lines().next()?, ticks_per_second())
}

/// The busy time in `/proc/stat`'s `cpu` line: user, nice, system, irq, softirq and steal
/// (idle and iowait are not busy; guest time is already in user).
fn busy_of(line: &str, ticks: u64) -> Option<Duration> {
    let mut fields = line.split_whitespace();
    if fields.next()? != "cpu" || ticks == 0 {
        return None;
    }
    let values: Vec<u64> = fields
        .take(8)
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let [user, nice, system, _idle, _iowait, irq, softirq, steal] = values[..] else {
        return None;
    };
    let busy = user + nice + system + irq + softirq + steal;
    Some(Duration::from_secs_f64(busy as f64 / ticks as f64))
}

/// The kernel's clock ticks per second (`USER_HZ`), which `/proc/stat` counts in.
#[allow(unsafe_code)]
fn ticks_per_second() -> u64 {
    // SAFETY: sysconf reads a constant of the system and has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    u64::try_from(ticks).unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_time_counts_user_nice_system_irq_softirq_steal() {
        let line = "cpu  100 20 30 5000 70 1 2 3 0 0";
        assert_eq!(busy_of(line, 100), Some(Duration::from_secs_f64(1.56)));
        assert_eq!(busy_of("cpu0 1 2 3 4 5 6 7 8", 100), None);
        assert_eq!(busy_of("cpu 1 2", 100), None);
        assert_eq!(busy_of("cpu 1 2 3 4 5 6 7 x", 100), None);
    }

    #[test]
    fn words_say_whether_runs_shared_the_machine() {
        let run = |cores| Others {
            command: "cargo check".to_owned(),
            cores,
        };
        assert_eq!(words(&[]), "not known");
        assert_eq!(
            words(&[run(0.0), run(0.1)]),
            "0.05 cores on average, at most 0.10; the machine was quiet throughout"
        );
        assert_eq!(
            words(&[run(0.1), run(0.9)]),
            "0.50 cores on average, at most 0.90; 1 of 2 runs shared the machine (≥ 0.2 cores): \
             their CPU times are inflated"
        );
    }

    #[test]
    fn others_are_never_below_zero() {
        let start = Busy::now();
        thread::sleep(Duration::from_millis(20));
        // Far more CPU time than the machine could have spent: others used none.
        let others = start.others_since(Duration::from_secs(1_000_000));
        if cfg!(target_os = "linux") {
            assert_eq!(others, Some(0.0));
        }
    }
}
