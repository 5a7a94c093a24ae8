//! `stitch diff`: what changed between two versions of an API's pages, and whether it breaks
//! callers.
//!
//! Both sides go through source, merge and model as for `generate`. Then two sets of rules run:
//!
//! - `wire` compares the two merged documents (every `$ref` followed): is a client
//!   of the old document still correct against a server of the new one? The oasdiff class of
//!   rules: operations, parameters, bodies, responses, schemas (types, formats, enums,
//!   properties, `required`, nullability, limits), security and servers.
//! - `rust` compares the two models ([`crate::model::Api`]): does code written
//!   against the old generated crate still compile and mean the same against the new one?
//!   Methods, positional parameters and setters, return types, error enums, structs, enums,
//!   unions, aliases, credential methods. It judges what emit writes, asking emit's own
//!   predicates: structs, unions, open enums and the error and success enums are
//!   `#[non_exhaustive]`, so a new field or variant is additive; a required field more in a
//!   struct a caller builds (`new` takes it) is breaking.
//!
//! Each [`Change`] has a [`Verdict`], a [`Layer`], a stable kebab-case `kind`, a one-line
//! message and its place in the pages (the new ones, or the old ones for what was removed).
//! The [`Report`] holds them sorted by operation, then type, then kind, the overall verdict and
//! the crate's next version under Cargo's semver rules ([`next_version`]).

pub mod release;
mod render;
mod rust;
mod wire;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use crate::diagnostic::{self, Diagnostic, Label, Position};
use crate::merge::Merged;
use crate::method::HttpMethod;
use crate::model::Api;
use crate::source::Input;
use crate::{Diagnosed, Error, OnConflict, Options};

pub use render::{human, json, markdown};
pub use semver::Version;

/// The version `diff` bumps when none is given: the one stitch writes into a new crate.
pub const DEFAULT_VERSION: &str = "0.1.0";

/// How much a change matters to callers. Ordered: `None < Patch < Additive < Breaking`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Nothing changed.
    None,
    /// Documentation (or another detail no caller can observe) changed.
    Patch,
    /// Something was added; existing callers keep working.
    Additive,
    /// Existing callers may stop compiling or working.
    Breaking,
}

impl Verdict {
    /// `none`, `patch`, `additive` or `breaking`.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::None => "none",
            Verdict::Patch => "patch",
            Verdict::Additive => "additive",
            Verdict::Breaking => "breaking",
        }
    }

    /// Reads a verdict name (`none`, `patch`, `additive`, `breaking`).
    pub fn from_name(name: &str) -> Option<Verdict> {
        [
            Verdict::None,
            Verdict::Patch,
            Verdict::Additive,
            Verdict::Breaking,
        ]
        .into_iter()
        .find(|v| v.name() == name)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which contract a change concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    /// HTTP: requests and responses an old client and a new server exchange.
    Wire,
    /// The generated Rust API: code written against the old crate.
    Rust,
}

impl Layer {
    /// `wire` or `rust`.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Wire => "wire",
            Layer::Rust => "rust",
        }
    }
}

/// What a change is about; changes are grouped and sorted by it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// The API as a whole (servers, security schemes, `info`).
    Api,
    /// One operation.
    Operation {
        /// The path template.
        path: String,
        /// The HTTP method.
        method: HttpMethod,
    },
    /// A schema component (wire) or a named type of the crate (rust).
    Type(String),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Api => f.write_str("the API"),
            Subject::Operation { path, method } => write!(f, "{} {path}", method.upper()),
            Subject::Type(name) => write!(f, "type {name}"),
        }
    }
}

/// Where a change is in the pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file.
    pub file: PathBuf,
    /// The 1-based line, when known.
    pub line: Option<usize>,
}

/// Which side of the comparison a place is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Side {
    /// The old pages (what was removed).
    Old,
    /// The new pages.
    New,
}

/// One change between the old and the new API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// How much it matters.
    pub verdict: Verdict,
    /// Wire or Rust.
    pub layer: Layer,
    /// A stable kebab-case id of the rule (`required-parameter-added`).
    pub kind: &'static str,
    /// What changed, in one line.
    pub message: String,
    /// The operation or type it concerns.
    pub subject: Subject,
    /// Where it is: in the new pages, or in the old ones for what was removed.
    pub place: Option<Place>,
    /// The side and the JSON pointer into that side's merged document, resolved into `place`.
    pub(crate) at: Option<(Side, String)>,
}

impl Change {
    /// A change without a place.
    pub fn new(
        verdict: Verdict,
        layer: Layer,
        kind: &'static str,
        subject: Subject,
        message: impl Into<String>,
    ) -> Change {
        Change {
            verdict,
            layer,
            kind,
            message: message.into(),
            subject,
            place: None,
            at: None,
        }
    }

    /// Sets the place: a JSON pointer into the merged document of `side`.
    pub(crate) fn at(mut self, side: Side, pointer: impl Into<String>) -> Change {
        self.at = Some((side, pointer.into()));
        self
    }

    fn sort_key(&self) -> (&Subject, &str, Layer, &str) {
        (&self.subject, self.kind, self.layer, &self.message)
    }
}

/// The outcome of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The largest verdict of any change; `None` when nothing changed.
    pub verdict: Verdict,
    /// The version the crate has now.
    pub version: String,
    /// The version it should get under Cargo's semver rules.
    pub next_version: String,
    /// Every change, sorted by operation, then type, then kind.
    pub changes: Vec<Change>,
}

impl Report {
    /// How many changes have `verdict`.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.changes.iter().filter(|c| c.verdict == verdict).count()
    }
}

/// What the user chose for one diff.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// How conflicting component definitions are resolved, on both sides.
    pub on_conflict: OnConflict,
    /// The crate's current version, bumped into [`Report::next_version`]
    /// ([`DEFAULT_VERSION`] when `None`; read one with [`parse_version`]).
    pub version: Option<semver::Version>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            on_conflict: OnConflict::Error,
            version: None,
        }
    }
}

/// A bad `--version`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{version}` is not a semver version: {why}\n  help: pass --version MAJOR.MINOR.PATCH, e.g. 0.1.0"
)]
pub struct VersionError {
    /// What was given.
    pub version: String,
    /// What the semver parser said.
    pub why: String,
}

/// Reads a crate version (`MAJOR.MINOR.PATCH`, with an optional pre-release or build suffix).
pub fn parse_version(version: &str) -> Result<semver::Version, VersionError> {
    semver::Version::parse(version.trim()).map_err(|e| VersionError {
        version: version.to_owned(),
        why: e.to_string(),
    })
}

/// The version after a change of `verdict`, under Cargo's semver rules: from 1.0.0 on, breaking
/// bumps the major, additive the minor, patch the patch; below 1.0.0 every number moves one
/// place right (0.y.z: breaking bumps y, anything else z; 0.0.z: any change bumps z, since Cargo
/// treats every 0.0.z as incompatible with the others). `None` keeps the version. A pre-release
/// or build suffix is dropped by any bump.
pub fn next_version(version: &str, verdict: Verdict) -> Result<String, VersionError> {
    let parsed = parse_version(version)?;
    bump(&parsed, verdict)
        .map(|next| next.to_string())
        .ok_or_else(|| VersionError {
            version: version.to_owned(),
            why: "a number would overflow".to_owned(),
        })
}

/// [`next_version`] of a parsed version; `None` on overflow.
fn bump(version: &semver::Version, verdict: Verdict) -> Option<semver::Version> {
    if verdict == Verdict::None {
        return Some(version.clone());
    }
    let (major, minor, patch) = (version.major, version.minor, version.patch);
    let up = |n: u64| n.checked_add(1);
    Some(match (major, minor, verdict) {
        (0, 0, _) => semver::Version::new(0, 0, up(patch)?),
        (0, _, Verdict::Breaking) => semver::Version::new(0, up(minor)?, 0),
        (0, _, _) => semver::Version::new(0, minor, up(patch)?),
        (_, _, Verdict::Breaking) => semver::Version::new(up(major)?, 0, 0),
        (_, _, Verdict::Additive) => semver::Version::new(major, up(minor)?, 0),
        _ => semver::Version::new(major, minor, up(patch)?),
    })
}

/// One side, read: the merged document and the model.
struct Read {
    merged: Merged,
    api: Api,
}

/// Merges and models one side's sources; `Err` holds its diagnostics.
fn read_side(sources: &[Input], on_conflict: OnConflict) -> Diagnosed<Read> {
    let Diagnosed {
        result,
        diagnostics,
    } = crate::merge_sources(sources, on_conflict);
    let merged = match result {
        Ok(merged) => merged,
        Err(error) => {
            return Diagnosed {
                result: Err(error),
                diagnostics,
            };
        }
    };
    match Api::from_merged(&merged.value, &Options::default()) {
        Ok(api) => {
            let mut diagnostics = diagnostics;
            diagnostics.extend(diagnostic::of_model_warnings(&api.warnings, &merged));
            Diagnosed {
                result: Ok(Read { merged, api }),
                diagnostics,
            }
        }
        Err(e) => {
            let error = Error::Model(e);
            let mut all = diagnostic::of_error(&error, Some(&merged));
            all.extend(diagnostics);
            Diagnosed {
                result: Err(error),
                diagnostics: all,
            }
        }
    }
}

/// Compares the API of the `old` sources with that of the `new` ones (pages, OpenAPI files,
/// as read by [`crate::source::read_inputs`]). The diagnostics are both sides' (errors of
/// either side fail the diff; warnings are kept), then a bad version's.
pub fn diff_sources(old: &[Input], new: &[Input], options: &DiffOptions) -> Diagnosed<Report> {
    let old_side = read_side(old, options.on_conflict);
    let new_side = read_side(new, options.on_conflict);
    let mut diagnostics = old_side.diagnostics;
    diagnostics.extend(new_side.diagnostics);
    let (old_read, new_read) = match (old_side.result, new_side.result) {
        (Ok(old_read), Ok(new_read)) => (old_read, new_read),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => {
            return Diagnosed {
                result: Err(e),
                diagnostics,
            };
        }
        (Err(a), Err(b)) => {
            return Diagnosed {
                result: Err(Error::Several(vec![a, b])),
                diagnostics,
            };
        }
    };
    let version = options
        .version
        .clone()
        .unwrap_or_else(|| semver::Version::new(0, 1, 0)); // DEFAULT_VERSION, tested
    let mut changes = wire::changes(&old_read.merged.value, &new_read.merged.value);
    changes.extend(rust::changes(
        &old_read.api,
        &new_read.api,
        &old_read.merged.value,
        &new_read.merged.value,
    ));
    changes.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    changes.dedup();
    place_all(&mut changes, Side::Old, &old_read.merged, old);
    place_all(&mut changes, Side::New, &new_read.merged, new);
    let verdict = changes
        .iter()
        .map(|c| c.verdict)
        .max()
        .unwrap_or(Verdict::None);
    let next = bump(&version, verdict).map_or_else(|| version.to_string(), |next| next.to_string());
    Diagnosed {
        result: Ok(Report {
            verdict,
            version: version.to_string(),
            next_version: next,
            changes,
        }),
        diagnostics,
    }
}

/// Compares the API an `openapi.json` document describes (a generated crate's, as checked in)
/// with that of the `new` sources: what `cargo xtask codegen --check` reports as drift. Old
/// places are lines of `old` as `serde_json` writes it pretty-printed (how stitch writes a
/// crate's `openapi.json`), in a file named `old_file`.
pub fn diff_document(
    old_file: impl Into<PathBuf>,
    old: &serde_json::Value,
    new: &[Input],
    options: &DiffOptions,
) -> Diagnosed<Report> {
    let text = serde_json::to_string_pretty(old).unwrap_or_default();
    let old = [Input {
        path: old_file.into(),
        text,
    }];
    diff_sources(&old, new, options)
}

/// Resolves the places of `side` in `changes`: the pointer's origin in the merged document,
/// then its line in the pages, all in one batch (linear in the pages, see
/// [`diagnostic::to_json_all`]).
fn place_all(changes: &mut [Change], side: Side, merged: &Merged, sources: &[Input]) {
    let mut wanted: Vec<(usize, Diagnostic)> = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        let Some((at_side, pointer)) = &change.at else {
            continue;
        };
        if *at_side != side {
            continue;
        }
        let Some(origin) = merged.origin_of(pointer) else {
            continue;
        };
        let mut d = Diagnostic::warning(String::new());
        d.labels.push(Label {
            file: origin.file.clone(),
            position: Position::Fragment {
                line: origin.line,
                pointer: origin.pointer,
            },
            text: String::new(),
        });
        wanted.push((i, d));
    }
    let diagnostics: Vec<Diagnostic> = wanted.iter().map(|(_, d)| d.clone()).collect();
    let lines = diagnostic::to_json_all(&diagnostics, sources);
    for ((i, d), line) in wanted.iter().zip(lines) {
        let value: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        let line = value["line"].as_u64().and_then(|l| usize::try_from(l).ok());
        let file = value["file"]
            .as_str()
            .map(PathBuf::from)
            .or_else(|| d.labels.first().map(|l| l.file.clone()));
        if let (Some(change), Some(file)) = (changes.get_mut(*i), file) {
            change.place = Some(Place { file, line });
        }
    }
}

/// How many changes of each verdict, largest first, without the empty ones: "2 breaking,
/// 1 additive".
pub(crate) fn counts(report: &Report) -> String {
    let parts: Vec<String> = [Verdict::Breaking, Verdict::Additive, Verdict::Patch]
        .into_iter()
        .filter_map(|v| {
            let n = report.count(v);
            (n > 0).then(|| format!("{n} {v}"))
        })
        .collect();
    parts.join(", ")
}

/// The changes grouped by subject, in report order.
pub(crate) fn grouped(report: &Report) -> BTreeMap<&Subject, Vec<&Change>> {
    let mut groups: BTreeMap<&Subject, Vec<&Change>> = BTreeMap::new();
    for change in &report.changes {
        groups.entry(&change.subject).or_default().push(change);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_version_follows_cargo_semver() {
        let next = |v: &str, verdict| next_version(v, verdict).expect("valid");
        assert_eq!(next("0.1.0", Verdict::Breaking), "0.2.0");
        assert_eq!(next("0.1.3", Verdict::Additive), "0.1.4");
        assert_eq!(next("0.1.3", Verdict::Patch), "0.1.4");
        assert_eq!(next("0.1.3", Verdict::None), "0.1.3");
        assert_eq!(next("0.0.4", Verdict::Breaking), "0.0.5");
        assert_eq!(next("0.0.4", Verdict::Patch), "0.0.5");
        assert_eq!(next("1.2.3", Verdict::Breaking), "2.0.0");
        assert_eq!(next("1.2.3", Verdict::Additive), "1.3.0");
        assert_eq!(next("1.2.3", Verdict::Patch), "1.2.4");
        assert_eq!(next("1.2.3-beta.1", Verdict::Patch), "1.2.4");
        assert_eq!(next(" 2.0.0 ", Verdict::None), "2.0.0");
        let bad = next_version("1.2", Verdict::Patch).expect_err("not semver");
        assert!(
            bad.to_string().contains("`1.2` is not a semver version"),
            "{bad}"
        );
        assert!(next_version(&format!("{}.0.0", u64::MAX), Verdict::Breaking).is_err());
    }

    #[test]
    fn the_default_version_is_the_one_generate_writes() {
        let page = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"204":{"description":"ok"}}}}}}"#;
        let sources = [Input {
            path: "a.json".into(),
            text: page.to_owned(),
        }];
        let krate = crate::generate(&sources, &Options::default(), OnConflict::Error)
            .result
            .expect("generate");
        let manifest = &krate.files["Cargo.toml"];
        assert!(
            manifest.contains(&format!("\nversion = \"{DEFAULT_VERSION}\"\n")),
            "{manifest}"
        );
        let report = diff_sources(&sources, &sources, &DiffOptions::default())
            .result
            .expect("diff");
        assert_eq!(report.version, DEFAULT_VERSION);
        assert_eq!(report.verdict, Verdict::None);
    }

    #[test]
    fn verdicts_are_ordered_and_named() {
        assert!(Verdict::Breaking > Verdict::Additive);
        assert!(Verdict::Additive > Verdict::Patch);
        assert!(Verdict::Patch > Verdict::None);
        for v in [
            Verdict::None,
            Verdict::Patch,
            Verdict::Additive,
            Verdict::Breaking,
        ] {
            assert_eq!(Verdict::from_name(v.name()), Some(v));
        }
        assert_eq!(Verdict::from_name("major"), None);
    }
}
