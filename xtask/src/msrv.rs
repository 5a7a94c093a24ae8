//! The generated crates' MSRV (`rust-version` in `generator/src/emit/manifest.rs`), kept true.
//!
//! A dependency's `rust-version` is the Rust it needs; the declared MSRV holds when every
//! package a client builds declares one no higher. Two checks read `cargo metadata` for that:
//!
//! - the test `tests::the_locked_dependencies_fit_the_declared_msrv` (in `cargo test`, no
//!   network): the workspace's `Cargo.lock`, which CI builds, for every package reachable
//!   from the Syntho client and from the runtime crate (whose dependencies are those of a
//!   client with every runtime part: streams, events, XML, pagination, OAuth2) with every
//!   feature on, on this machine's platform. A `cargo update` that raises the floor fails it.
//! - `cargo xtask msrv` (needs crates.io): fresh resolves, all platforms, of the Syntho client
//!   and of clients generated from fixtures with every runtime part, in a throwaway workspace
//!   under `.cache/msrv/`: once with Cargo's MSRV-aware resolver
//!   (`incompatible-rust-versions = "fallback"`, the default of resolver 3 and edition 2024),
//!   which must stay within the declared MSRV, and once without it (`allow`, resolver 2's
//!   default), whose figure is reported: what a user whose resolver ignores `rust-version`
//!   needs today.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::Command;

use crate::bench::check::copy_dir;
use crate::corpus::fetch;
use crate::flags::Msrv;

/// The fixtures whose clients carry every part of the runtime between them.
const FIXTURES: [(&str, &str); 4] = [
    ("tests/fixtures/streams.yaml", "streams-client"),
    ("tests/fixtures/xml_bodies.yaml", "xml-client"),
    ("tests/fixtures/paging_github.json", "paging-client"),
    (
        "tests/fixtures/oauth2_client_credentials.yaml",
        "oauth2-client",
    ),
];

/// A Rust version, `1.85` or `1.85.0`, compared as numbers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct RustVersion(Vec<u64>);

impl RustVersion {
    pub(crate) fn parse(text: &str) -> Option<RustVersion> {
        let mut parts: Vec<u64> = text
            .split('.')
            .map(|part| part.parse().ok())
            .collect::<Option<_>>()?;
        while parts.len() < 3 {
            parts.push(0);
        }
        Some(RustVersion(parts))
    }
}

impl std::fmt::Display for RustVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u64::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

/// One package a client builds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Needed {
    /// Its `rust-version`, `None` when it declares none.
    pub(crate) rust: Option<RustVersion>,
    pub(crate) name: String,
    pub(crate) version: String,
}

/// The packages reachable from the packages named `roots` through normal and build
/// dependencies (not dev), read from `cargo metadata`'s JSON, the roots left out.
pub(crate) fn reachable(metadata: &str, roots: &[&str]) -> Result<Vec<Needed>, String> {
    let json: serde_json::Value =
        serde_json::from_str(metadata).map_err(|e| format!("cargo metadata wrote no JSON: {e}"))?;
    let packages = json["packages"]
        .as_array()
        .ok_or("cargo metadata: no packages")?;
    let by_id: BTreeMap<&str, &serde_json::Value> = packages
        .iter()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let nodes: BTreeMap<&str, &serde_json::Value> = json["resolve"]["nodes"]
        .as_array()
        .ok_or("cargo metadata: no resolve graph")?
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let start: Vec<&str> = by_id
        .iter()
        .filter(|(_, p)| roots.contains(&p["name"].as_str().unwrap_or_default()))
        .map(|(id, _)| *id)
        .collect();
    if start.len() != roots.len() {
        return Err(format!(
            "cargo metadata: expected the packages {roots:?}, found {} of them",
            start.len()
        ));
    }
    let mut seen = BTreeSet::new();
    let mut stack = start.clone();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let deps = nodes.get(id).and_then(|n| n["deps"].as_array());
        for dep in deps.into_iter().flatten() {
            let normal_or_build = dep["dep_kinds"].as_array().is_some_and(|kinds| {
                kinds
                    .iter()
                    .any(|k| k["kind"].is_null() || k["kind"].as_str() == Some("build"))
            });
            if let (true, Some(pkg)) = (normal_or_build, dep["pkg"].as_str()) {
                stack.push(pkg);
            }
        }
    }
    let mut needed: Vec<Needed> = seen
        .into_iter()
        .filter(|id| !start.contains(id))
        .filter_map(|id| by_id.get(id))
        .map(|p| Needed {
            rust: p["rust_version"].as_str().and_then(RustVersion::parse),
            name: p["name"].as_str().unwrap_or_default().to_owned(),
            version: p["version"].as_str().unwrap_or_default().to_owned(),
        })
        .collect();
    needed.sort();
    Ok(needed)
}

/// The packages that need more than `declared`.
pub(crate) fn above<'a>(needed: &'a [Needed], declared: &RustVersion) -> Vec<&'a Needed> {
    needed
        .iter()
        .filter(|n| n.rust.as_ref().is_some_and(|rust| rust > declared))
        .collect()
}

/// The highest `rust-version` among `needed` and the packages that declare it.
pub(crate) fn floor(needed: &[Needed]) -> (Option<&RustVersion>, Vec<String>) {
    let top = needed.iter().filter_map(|n| n.rust.as_ref()).max();
    let names = needed
        .iter()
        .filter(|n| n.rust.as_ref() == top && top.is_some())
        .map(|n| format!("{} {}", n.name, n.version))
        .collect();
    (top, names)
}

/// The `rust-version` the generated crates declare (read from the checked-in client, which
/// the drift check keeps equal to what the generator writes).
pub(crate) fn declared(root: &Path) -> Result<RustVersion, String> {
    let path = root.join("generated-client").join("Cargo.toml");
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let manifest: toml::Table =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    manifest
        .get("package")
        .and_then(|p| p.get("rust-version"))
        .and_then(|v| v.as_str())
        .and_then(RustVersion::parse)
        .ok_or_else(|| format!("{}: no `package.rust-version`", path.display()))
}

fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs `command`, its stdout as text, or an error with its stderr.
fn output(command: &mut Command, what: &str) -> Result<String, String> {
    let out = command
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

pub(crate) fn run(root: &Path, _flags: &Msrv) -> Result<(), String> {
    let declared = declared(root)?;
    let workspace = root.join(".cache").join("msrv").join("workspace");
    fetch::remove_dir(&workspace)?;
    copy_dir(
        &root.join("generated-client"),
        &workspace.join("syntho-client"),
    )?;
    let mut members = vec!["syntho-client"];
    for (fixture, name) in FIXTURES {
        eprintln!("msrv: generating {name} from {fixture}");
        let out = workspace.join(name);
        output(
            Command::new(cargo())
                .args(["run", "--quiet", "-p", "stitch", "--", "generate"])
                .arg(root.join(fixture))
                .arg("--out")
                .arg(&out)
                .args(["--crate-name", name, "--quiet"])
                .current_dir(root),
            &format!("stitch generate {fixture}"),
        )?;
        members.push(name);
    }
    let list: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    fs::write(
        workspace.join("Cargo.toml"),
        format!(
            "# A throwaway workspace written by `cargo xtask msrv`.\n\
             [workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            list.join(", ")
        ),
    )
    .map_err(|e| format!("cannot write the workspace: {e}"))?;
    let mut failed = Vec::new();
    for (mode, must_fit) in [("fallback", true), ("allow", false)] {
        let _ = fs::remove_file(workspace.join("Cargo.lock"));
        eprintln!("msrv: cargo generate-lockfile (incompatible-rust-versions = {mode})");
        output(
            Command::new(cargo())
                .arg("generate-lockfile")
                .current_dir(&workspace)
                .env("CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS", mode),
            "cargo generate-lockfile",
        )?;
        let metadata = output(
            Command::new(cargo())
                .args([
                    "metadata",
                    "--format-version",
                    "1",
                    "--all-features",
                    "--locked",
                ])
                .current_dir(&workspace),
            "cargo metadata",
        )?;
        let needed = reachable(&metadata, &members)?;
        let (top, names) = floor(&needed);
        let unknown = needed.iter().filter(|n| n.rust.is_none()).count();
        println!(
            "incompatible-rust-versions = {mode}: {} packages, {unknown} without a rust-version; \
             the highest rust-version {} ({})",
            needed.len(),
            top.map_or_else(|| "none".to_owned(), ToString::to_string),
            names.join(", ")
        );
        for over in above(&needed, &declared) {
            let rust = over
                .rust
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            println!(
                "  above {declared}: {} {} needs {rust}",
                over.name, over.version
            );
            if must_fit {
                failed.push(format!("{} {} needs Rust {rust}", over.name, over.version));
            }
        }
    }
    if failed.is_empty() {
        println!("msrv: the declared rust-version {declared} holds with the MSRV-aware resolver");
        Ok(())
    } else {
        Err(format!(
            "the generated crates declare rust-version {declared}, but with the MSRV-aware \
             resolver {}: raise `rust-version` in generator/src/emit/manifest.rs (and \
             regenerate), or narrow the dependency's version there",
            failed.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_as_numbers() {
        let v = |s| RustVersion::parse(s).expect("a version");
        assert!(v("1.85") == v("1.85.0"));
        assert!(v("1.9") < v("1.85"));
        assert!(v("1.89.0") > v("1.85"));
        assert_eq!(RustVersion::parse("1.x"), None);
        assert_eq!(v("1.85").to_string(), "1.85.0");
    }

    /// The workspace's `Cargo.lock` (what CI builds): every package the Syntho client and the
    /// runtime crate (a client with every runtime part) build, every feature on, declares a
    /// `rust-version` no higher than the generated crates'. Fails when a `cargo update` brings
    /// one that needs a newer Rust.
    #[test]
    fn the_locked_dependencies_fit_the_declared_msrv() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the workspace root");
        let declared = declared(root).expect("the declared MSRV");
        let host = output(Command::new("rustc").arg("-vV"), "rustc -vV").expect("rustc runs");
        let host = host
            .lines()
            .find_map(|l| l.strip_prefix("host: "))
            .expect("rustc names its host")
            .to_owned();
        let metadata = output(
            Command::new(cargo())
                .args([
                    "metadata",
                    "--format-version",
                    "1",
                    "--all-features",
                    "--locked",
                ])
                .args(["--filter-platform", &host])
                .current_dir(root),
            "cargo metadata",
        )
        .expect("cargo metadata of the workspace");
        let needed = reachable(&metadata, &["syntho-client", "stitch-runtime"])
            .expect("the client's dependencies");
        assert!(
            needed.iter().any(|n| n.name == "reqwest")
                && needed.iter().any(|n| n.name == "quick-xml")
                && needed.iter().any(|n| n.name == "native-tls"),
            "the closure misses dependencies of a client: {needed:?}"
        );
        let over: Vec<String> = above(&needed, &declared)
            .into_iter()
            .map(|n| {
                let rust = n.rust.as_ref().map(ToString::to_string).unwrap_or_default();
                format!("{} {} needs {rust}", n.name, n.version)
            })
            .collect();
        assert!(
            over.is_empty(),
            "the generated crates declare rust-version {declared}, but in Cargo.lock {}: \
             pin them back (`cargo update -p NAME --precise VERSION`) or raise the MSRV in \
             generator/src/emit/manifest.rs",
            over.join(", ")
        );
    }
}
