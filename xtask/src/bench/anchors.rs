//! The anchors: other generators of Rust clients, measured beside stitch in the same run.
//!
//! - progenitor, as `cargo-progenitor` installed from crates.io with
//!   `cargo install --locked` into `.cache/bench/tools/`;
//! - openapi-generator (generator `rust`), as the PyPI package `openapi-generator-cli` (which
//!   carries the jar) installed with pip into a virtual environment `.cache/bench/venv/`; it
//!   needs Java on the `PATH`.
//!
//! Each is installed once and reused. An anchor that cannot be installed is a row in the report
//! saying why, never a failure of the run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::inputs::Spec;
use super::measure::Meter;
use crate::corpus::fetch;

/// The pinned cargo-progenitor version (the newest 0.x on crates.io when pinned).
pub const PROGENITOR_VERSION: &str = "0.15.1";
/// The pinned openapi-generator-cli version on PyPI (the newest 7.x when pinned).
pub const OPENAPI_GENERATOR_VERSION: &str = "7.26.0";

/// A generator measured by the bench.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tool {
    /// `stitch generate` on the folder of pages.
    StitchPages,
    /// `stitch generate` on the whole JSON file.
    StitchJson,
    /// `cargo progenitor` on the whole JSON file.
    Progenitor,
    /// `openapi-generator-cli generate -g rust` on the whole JSON file.
    OpenApiGenerator,
}

impl Tool {
    /// The name in tables.
    pub fn name(self) -> String {
        match self {
            Tool::StitchPages => "stitch (pages)".to_owned(),
            Tool::StitchJson => "stitch (JSON)".to_owned(),
            Tool::Progenitor => format!("progenitor {PROGENITOR_VERSION}"),
            Tool::OpenApiGenerator => format!("openapi-generator {OPENAPI_GENERATOR_VERSION}"),
        }
    }

    /// A short name for folders, logs and JSON keys.
    pub fn key(self) -> &'static str {
        match self {
            Tool::StitchPages => "stitch-pages",
            Tool::StitchJson => "stitch-json",
            Tool::Progenitor => "progenitor",
            Tool::OpenApiGenerator => "openapi-generator",
        }
    }

    /// Whether this is stitch rather than an anchor.
    pub fn is_stitch(self) -> bool {
        matches!(self, Tool::StitchPages | Tool::StitchJson)
    }
}

/// The program that runs a tool, or why there is none.
pub type Installed = Result<PathBuf, String>;

/// The command that generates `spec`'s client into `out` with `tool`, whose program is
/// `program`.
pub fn command(tool: Tool, program: &Path, spec: &Spec, out: &Path) -> Command {
    let mut command = Command::new(program);
    match tool {
        Tool::StitchPages | Tool::StitchJson => {
            let input = if tool == Tool::StitchPages {
                &spec.pages
            } else {
                &spec.json
            };
            command
                .args(["generate", "--quiet", "--out"])
                .arg(out)
                .args(["--crate-name", &spec.crate_name])
                .arg(input);
        }
        Tool::Progenitor => {
            // Run as cargo runs a subcommand: the subcommand's name comes first.
            command
                .args(["progenitor", "-i"])
                .arg(&spec.json)
                .arg("-o")
                .arg(out)
                .args(["-n", &spec.crate_name, "-v", "0.1.0"]);
        }
        Tool::OpenApiGenerator => {
            command
                .args(["generate", "-g", "rust", "--skip-validate-spec", "-i"])
                .arg(&spec.json)
                .arg("-o")
                .arg(out)
                .arg(format!(
                    "--additional-properties=packageName={}",
                    spec.crate_name
                ));
        }
    }
    command
}

/// `cargo-progenitor`, installed into `cache/tools/` on first use.
pub fn progenitor(cache: &Path, meter: &Meter) -> Installed {
    let root = cache.join("tools");
    let program = root.join("bin").join("cargo-progenitor");
    if program.is_file() {
        return Ok(program);
    }
    eprintln!(
        "bench: installing cargo-progenitor {PROGENITOR_VERSION} into {} (once; a few minutes)",
        root.display()
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut install = Command::new(cargo);
    install
        .args([
            "install",
            "cargo-progenitor",
            "--locked",
            "--version",
            PROGENITOR_VERSION,
            "--root",
        ])
        .arg(&root)
        // cargo install builds in a temporary folder of its own unless told otherwise.
        .env_remove("CARGO_TARGET_DIR");
    let log = cache.join("logs").join("install-progenitor.log");
    let outcome = meter.run(&mut install, &log)?;
    if let Some(failure) = outcome.failure {
        return Err(format!("not installable: {failure}"));
    }
    if !program.is_file() {
        return Err(format!(
            "not installable: cargo install left no {}",
            program.display()
        ));
    }
    Ok(program)
}

/// `openapi-generator-cli`, installed with pip into the virtual environment `cache/venv/` on
/// first use (and again when the pinned version changes).
pub fn openapi_generator(cache: &Path, meter: &Meter) -> Installed {
    let venv = cache.join("venv");
    let program = venv.join("bin").join("openapi-generator-cli");
    let stamp = venv.join("stitch-bench-pin.txt");
    let pin = format!("openapi-generator-cli=={OPENAPI_GENERATOR_VERSION}");
    let java = Command::new("java").arg("-version").output();
    if !java.is_ok_and(|output| output.status.success()) {
        return Err("not installable: it needs Java, and `java -version` does not run".to_owned());
    }
    if program.is_file() && fs::read_to_string(&stamp).is_ok_and(|text| text.trim() == pin) {
        return Ok(program);
    }
    eprintln!("bench: installing {pin} into {} (once)", venv.display());
    fetch::remove_dir(&venv)?;
    let logs = cache.join("logs");
    let mut create = Command::new("python3");
    create.args(["-m", "venv"]).arg(&venv);
    if let Some(failure) = meter
        .run(&mut create, &logs.join("install-venv.log"))?
        .failure
    {
        return Err(format!("not installable: {failure}"));
    }
    let mut pip = Command::new(venv.join("bin").join("pip"));
    pip.args(["install", "--disable-pip-version-check", "--quiet", &pin]);
    if let Some(failure) = meter
        .run(&mut pip, &logs.join("install-openapi-generator.log"))?
        .failure
    {
        return Err(format!("not installable: {failure}"));
    }
    if !program.is_file() {
        return Err(format!(
            "not installable: pip left no {}",
            program.display()
        ));
    }
    fs::write(&stamp, &pin).map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    Ok(program)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_names_and_keys_are_distinct() {
        let tools = [
            Tool::StitchPages,
            Tool::StitchJson,
            Tool::Progenitor,
            Tool::OpenApiGenerator,
        ];
        let keys: std::collections::BTreeSet<&str> = tools.iter().map(|t| t.key()).collect();
        assert_eq!(keys.len(), tools.len());
        assert!(Tool::StitchJson.is_stitch() && !Tool::Progenitor.is_stitch());
    }
}
