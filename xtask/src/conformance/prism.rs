//! Prism (`@stoplight/prism-cli`), the third-party validator: installed once with `npm install`
//! into `.cache/prism/`, started as `prism mock` on a free loopback port per spec, and read
//! back through its log.
//!
//! Prism validates every request against the document (path, query, headers, cookies,
//! security, body) and writes each violation as a `[VALIDATOR] ✖  error` line under the
//! request's `[HTTP SERVER] <method> <path> ℹ  info  Request received` line; a request it
//! cannot serve at all (no path matched, no acceptable response) ends with `Request
//! terminated with error: <type>: <title>`. The driver sends a marker request
//! (`TRACE /__stitch_conformance/<n>`) before call `n`, so every block of the log after marker
//! `n` belongs to call `n`, however many requests the call made.
//!
//! Prism runs in its default static mode: answers come from the document's examples, or are
//! built from the schemas without randomness, so the same spec gives the same answers. A
//! request with the header `Prefer: dynamic=true` (Prism's per-request switch) gets an answer
//! drawn from the schemas instead, seeded (`--seed 1`) so runs repeat.

use std::fs;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The npm package.
pub const PACKAGE: &str = "@stoplight/prism-cli";
/// Its pinned version.
pub const VERSION: &str = "5.16.0";
/// The path prefix of the driver's marker requests.
pub const MARKER: &str = "/__stitch_conformance/";
/// How long Prism may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(90);

/// The `prism` program, installed into `cache` first when it is not there.
pub fn install(cache: &Path) -> Result<PathBuf, String> {
    let program = cache.join("node_modules").join(".bin").join("prism");
    let stamp = cache.join(format!("installed-{VERSION}"));
    if program.is_file() && stamp.is_file() {
        return Ok(program);
    }
    fs::create_dir_all(cache).map_err(|e| format!("cannot create {}: {e}", cache.display()))?;
    let spec = format!("{PACKAGE}@{VERSION}");
    eprintln!(
        "conformance: installing {spec} with npm into {}",
        cache.display()
    );
    let output = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
        .arg(cache)
        .arg(&spec)
        .output()
        .map_err(|e| format!("cannot run npm (is Node.js installed?): {e}"))?;
    if !output.status.success() || !program.is_file() {
        return Err(format!(
            "npm install {spec} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    fs::write(&stamp, "").map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    Ok(program)
}

/// A running `prism mock`; stopped (killed and reaped) when dropped.
pub struct Mock {
    child: Child,
    /// `127.0.0.1:<port>`.
    pub address: String,
    /// Where its output goes.
    pub log: PathBuf,
}

impl Mock {
    /// Starts `prism mock spec` on a free loopback port, logging to `log`, and waits until it
    /// listens.
    pub fn start(program: &Path, spec: &Path, log: &Path, dynamic: bool) -> Result<Mock, String> {
        let port = free_port()?;
        let out =
            fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("cannot share {}: {e}", log.display()))?;
        let child = Command::new(program)
            .arg("mock")
            .arg(spec)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            // Dynamic answers (`--dynamic`, or a request's `Prefer: dynamic=true`) are drawn
            // by json-schema-faker, seeded: the same on every run.
            .args(if dynamic {
                &["--dynamic", "--seed", "1"][..]
            } else {
                &["--seed", "1"]
            })
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let mut mock = Mock {
            child,
            address: format!("127.0.0.1:{port}"),
            log: log.to_path_buf(),
        };
        let start = Instant::now();
        loop {
            let text = fs::read_to_string(log).unwrap_or_default();
            if text.contains("Prism is listening") {
                return Ok(mock);
            }
            if let Ok(Some(status)) = mock.child.try_wait() {
                return Err(format!(
                    "prism mock stopped ({status}) before listening: {}",
                    last_lines(&text, 6)
                ));
            }
            if start.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "prism mock did not listen within {} s: {}",
                    START_TIMEOUT.as_secs(),
                    last_lines(&text, 6)
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The log so far, once it shows the marker `label` (waiting up to a few seconds for
    /// Prism to write it).
    pub fn log_through(&self, label: &str) -> String {
        let wanted = format!("{MARKER}{label} ");
        let start = Instant::now();
        loop {
            let text = fs::read_to_string(&self.log).unwrap_or_default();
            if text.contains(&wanted) || start.elapsed() > Duration::from_secs(5) {
                return text;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Mock {
    /// How Prism ended, if it stopped on its own (it crashes on some documents).
    pub fn stopped(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            _ => None,
        }
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ignored = self.child.kill();
        let _ignored = self.child.wait();
    }
}

/// A port nobody listens on now (the OS picks it; released before Prism binds it).
fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}

/// The last `n` lines of a text, on one line.
fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join(" | ")
}

/// What Prism said about one call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Requests the call made.
    pub requests: usize,
    /// Each violation of the document by the request, as Prism's message.
    pub violations: Vec<String>,
    /// Each violation of the document by Prism's own answer (`Violation: response...`): the
    /// document's example, or what Prism built from it, contradicts its schema. Not the
    /// client's doing; reported, never counted against a call.
    pub answer_violations: Vec<String>,
}

/// Splits a Prism log into the verdict of each call, keyed by the marker label that preceded
/// it (`"0"`, `"1"`, ..).
pub fn verdicts(log: &str) -> std::collections::BTreeMap<String, Verdict> {
    let mut verdicts = std::collections::BTreeMap::new();
    // The marker of the call the lines belong to, and whether the block is the marker's own.
    let mut current: Option<String> = None;
    let mut in_marker = false;
    for line in log.lines() {
        let line = strip_ansi(line);
        // The marker's own answer (always an error: no operation has `TRACE`) ends its
        // block: what follows belongs to the call, even when Prism logged no `Request
        // received` for the call's request (it writes `Invalid JSON and unable to correct`
        // instead for some requests).
        if in_marker
            && let Some(rest) = line.split("[HTTP SERVER] ").nth(1)
            && rest
                .split_whitespace()
                .nth(1)
                .is_some_and(|p| p.starts_with(MARKER))
            && !rest.contains("Request received")
        {
            in_marker = false;
            continue;
        }
        if let Some(rest) = line.split("[HTTP SERVER] ").nth(1)
            && rest.contains("Request received")
        {
            let path = rest.split_whitespace().nth(1).unwrap_or("");
            if let Some(label) = path.strip_prefix(MARKER) {
                current = Some(label.to_owned());
                in_marker = true;
                verdicts
                    .entry(label.to_owned())
                    .or_insert_with(Verdict::default);
            } else {
                in_marker = false;
                if let Some(verdict) = current.as_ref().and_then(|c| verdicts.get_mut(c)) {
                    verdict.requests += 1;
                }
            }
            continue;
        }
        if in_marker {
            continue;
        }
        let Some(verdict) = current.as_ref().and_then(|c| verdicts.get_mut(c)) else {
            continue;
        };
        if let Some(message) = line.split("[VALIDATOR] ✖  error").nth(1) {
            let message = message.trim();
            match message.strip_prefix("Violation: response") {
                Some(_) => verdict.answer_violations.push(message.to_owned()),
                None => verdict.violations.push(message.to_owned()),
            }
        } else if let Some(error) = line.split("Request terminated with error: ").nth(1) {
            // The consequence of the validator's errors, already counted; anything else is
            // Prism refusing the request on its own (no route, nothing acceptable).
            if !error.contains("#UNPROCESSABLE_ENTITY") || verdict.violations.is_empty() {
                let error = error.split("/errors#").nth(1).unwrap_or(error);
                verdict.violations.push(error.trim().to_owned());
            }
        }
    }
    verdicts
}

/// A line without terminal colour codes.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads a child's whole stdout (used for the driver).
pub fn read_all(mut from: impl Read) -> String {
    let mut text = String::new();
    let _ignored = from.read_to_string(&mut text);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A log as Prism 5.16 writes it (copied from a run), with two calls after their markers.
    const LOG: &str = "\
[1:52:43 PM] › [CLI] ▶  start     Prism is listening on http://127.0.0.1:4999
[1:52:49 PM] › [HTTP SERVER] get /__stitch_conformance/0 ℹ  info      Request received
[1:52:49 PM] › [HTTP SERVER] get /__stitch_conformance/0 ✖  error     Request terminated with error: https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR: Route not resolved, no path matched
[1:52:49 PM] › [HTTP SERVER] post /pets/abc ℹ  info      Request received
[1:52:49 PM] ›     [VALIDATOR] ⚠  warning   Request did not pass the validation rules
[1:52:49 PM] ›     [VALIDATOR] ✖  error     Request body must have required property 'name'
[1:52:49 PM] ›     [VALIDATOR] ✖  error     Request path parameter id must be integer
[1:52:49 PM] › [HTTP SERVER] post /pets/abc ✖  error     Request terminated with error: https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY: Invalid request
[1:52:49 PM] › [HTTP SERVER] get /__stitch_conformance/1 ℹ  info      Request received
[1:52:49 PM] › [HTTP SERVER] post /pets/1 ℹ  info      Request received
[1:52:49 PM] ›     [VALIDATOR] ✔  success   The request passed the validation rules. Looking for the best response
[1:52:49 PM] ›     [VALIDATOR] ✖  error     Violation: response.body.etag Response body property etag must match format \"byte\"
[1:52:49 PM] › [HTTP SERVER] get /__stitch_conformance/2 ℹ  info      Request received
[1:52:49 PM] › [HTTP SERVER] get /nowhere ℹ  info      Request received
[1:52:49 PM] › [HTTP SERVER] get /nowhere ✖  error     Request terminated with error: https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR: Route not resolved, no path matched
[7:11:33 PM] › [HTTP SERVER] trace /__stitch_conformance/3 ℹ  info      Request received
[7:11:33 PM] › [HTTP SERVER] trace /__stitch_conformance/3 ✖  error     Request terminated with error: https://stoplight.io/prism/errors#NO_METHOD_MATCHED_ERROR: Route resolved, but no method matched
[7:11:33 PM] › [CLI] …  awaiting  Invalid JSON and unable to correct
[7:11:33 PM] ›     [NEGOTIATOR] ℹ  info      Request contains an accept header: */*
[7:11:33 PM] ›     [VALIDATOR] ⚠  warning   Request did not pass the validation rules
[7:11:33 PM] ›     [VALIDATOR] ✖  error     Request body must be object
";

    #[test]
    fn each_call_gets_the_violations_logged_after_its_marker() {
        let verdicts = verdicts(LOG);
        assert_eq!(verdicts.len(), 4);
        assert_eq!(
            verdicts["0"].violations,
            [
                "Request body must have required property 'name'",
                "Request path parameter id must be integer"
            ]
        );
        assert_eq!(verdicts["1"].requests, 1);
        assert!(verdicts["1"].violations.is_empty());
        assert_eq!(
            verdicts["1"].answer_violations,
            [
                "Violation: response.body.etag Response body property etag must match format \"byte\""
            ]
        );
        assert_eq!(
            verdicts["2"].violations,
            ["NO_PATH_MATCHED_ERROR: Route not resolved, no path matched"]
        );
        // No `Request received` for the call (copied from an S3 run): its violations are
        // still its own, not the marker's.
        assert_eq!(verdicts["3"].violations, ["Request body must be object"]);
    }
}
