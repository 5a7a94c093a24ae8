//! A release of a generated client decided from a [`Report`]: the version in the crate's
//! `Cargo.toml` and the crate's `CHANGELOG.md`, one section a version, newest first.
//!
//! `cargo xtask codegen` calls these with the report of the crate's checked-in `openapi.json`
//! (old) against the pages (new): when the API changed, the crate gets the report's
//! `next_version` and the changelog a section listing every change (the tables of the
//! markdown format, grouped by operation and type). Invariants: nothing here reads a clock or
//! the environment (the same report and text give the same bytes); applying a report with no
//! changes to a changelog whose newest section is the crate's version changes nothing, so a
//! second run writes nothing.

use super::render::changelog_section;
use super::{Report, Version};
use crate::GeneratedCrate;

/// The changelog's file name in the crate folder.
pub const CHANGELOG: &str = "CHANGELOG.md";

/// The manifest's file name in the crate folder.
const MANIFEST: &str = "Cargo.toml";

/// Sets the `version` of the `[package]` table in the crate's `Cargo.toml` (as stitch writes
/// it: one `version = "..."` line in that table). `false` when the manifest has no such line,
/// and nothing changed.
pub fn set_crate_version(krate: &mut GeneratedCrate, version: &Version) -> bool {
    let Some(manifest) = krate.files.get_mut(MANIFEST) else {
        return false;
    };
    let mut table = String::new();
    let mut done = false;
    let mut out = String::with_capacity(manifest.len());
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            table = trimmed.to_owned();
        }
        let is_version = trimmed
            .strip_prefix("version")
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if !done && table == "[package]" && is_version {
            out.push_str(&format!("version = \"{version}\"\n"));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    if done {
        *manifest = out;
    }
    done
}

/// The version of the newest section of a changelog (its first `## ` heading), if any.
pub fn newest_version(changelog: &str) -> Option<&str> {
    changelog
        .lines()
        .find_map(|line| line.strip_prefix("## "))
        .and_then(|heading| heading.split_whitespace().next())
}

/// The changelog after a run that gives the crate `version`.
///
/// `existing` is the file as it is (`None`: there is none yet; it is started with a preamble
/// and a section for the version the crate had before). `report`, when it holds changes, adds
/// its section (headed by its `next_version`, which should be `version`); without changes, a
/// section is added only when the newest one is not `version` (the version was set by hand),
/// saying so. New sections go above the older ones; the text of older ones is kept as it is.
pub fn changelog(
    existing: Option<&str>,
    crate_name: &str,
    version: &Version,
    report: Option<&Report>,
) -> String {
    let changed = report.filter(|r| !r.changes.is_empty());
    let mut text = match existing {
        Some(text) => text.to_owned(),
        None => {
            let first = changed.map_or_else(|| version.to_string(), |r| r.version.clone());
            format!(
                "# Changelog of `{crate_name}`\n\n\
                 Written by stitch (`cargo xtask codegen`), newest first. Each section is a \
                 version of the crate and what changed in the API since the version below it, \
                 as `stitch diff` judged each change: breaking, additive or patch, on the wire \
                 (an old client against a new server) and for Rust callers (code written \
                 against the old crate), with its place in the pages. Sections are added when \
                 the pages change; the older ones are kept as they are.\n\n\
                 ## {first}\n\nThe first version recorded here.\n"
            )
        }
    };
    let section = match changed {
        Some(report) => changelog_section(report),
        None if newest_version(&text) == Some(version.to_string().as_str()) => return text,
        None => format!("## {version}\n\nNo change in the API: the version was set by hand.\n"),
    };
    insert_section(&mut text, &section);
    text
}

/// Puts `section` above the first `## ` heading of `text` (at the end when there is none),
/// with one blank line between sections.
fn insert_section(text: &mut String, section: &str) {
    let at = if text.starts_with("## ") {
        Some(0)
    } else {
        text.find("\n## ").map(|i| i + 1)
    };
    match at {
        Some(at) => text.insert_str(at, &format!("{}\n\n", section.trim_end())),
        None => {
            let kept = text.trim_end().len();
            text.truncate(kept);
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(section.trim_end());
            text.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::{Change, Layer, Place, Subject, Verdict};
    use super::*;

    fn report(changes: Vec<Change>) -> Report {
        let verdict = changes
            .iter()
            .map(|c| c.verdict)
            .max()
            .unwrap_or(Verdict::None);
        Report {
            verdict,
            version: "0.1.0".into(),
            next_version: if changes.is_empty() { "0.1.0" } else { "0.2.0" }.into(),
            changes,
        }
    }

    fn removed() -> Change {
        let mut change = Change::new(
            Verdict::Breaking,
            Layer::Wire,
            "operation-removed",
            Subject::Operation {
                path: "/a".into(),
                method: crate::method::HttpMethod::Delete,
            },
            "the operation DELETE /a was removed",
        );
        change.place = Some(Place {
            file: "old/openapi.json".into(),
            line: Some(12),
        });
        change
    }

    #[test]
    fn the_package_version_is_set_and_nothing_else() {
        let manifest = "# Generated\n[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[dependencies]\nversion = \"1\"\n";
        let mut krate = GeneratedCrate {
            files: BTreeMap::from([("Cargo.toml".to_owned(), manifest.to_owned())]),
        };
        assert!(set_crate_version(&mut krate, &Version::new(0, 2, 0)));
        assert_eq!(
            krate.files["Cargo.toml"],
            manifest.replacen("0.1.0", "0.2.0", 1)
        );
        let mut none = GeneratedCrate::default();
        assert!(!set_crate_version(&mut none, &Version::new(1, 0, 0)));
    }

    #[test]
    fn a_new_changelog_starts_with_the_old_version_and_the_changes_above_it() {
        let v2 = Version::new(0, 2, 0);
        let text = changelog(None, "x-client", &v2, Some(&report(vec![removed()])));
        assert!(text.starts_with("# Changelog of `x-client`\n\n"), "{text}");
        let new = text
            .find("## 0.2.0\n\nbreaking: 0.1.0 → 0.2.0")
            .expect("new section");
        let old = text
            .find("## 0.1.0\n\nThe first version")
            .expect("old section");
        assert!(new < old, "{text}");
        assert!(text.contains("\n### `DELETE /a`\n"), "{text}");
        assert!(
            text.contains("| breaking | wire | `operation-removed` | the operation DELETE /a was removed | `old/openapi.json:12` |\n\n## 0.1.0"),
            "{text}"
        );
        assert_eq!(newest_version(&text), Some("0.2.0"));
        // The next run, with no changes, writes the same bytes.
        let again = changelog(Some(&text), "x-client", &v2, Some(&report(Vec::new())));
        assert_eq!(again, text);
        let again = changelog(Some(&text), "x-client", &v2, None);
        assert_eq!(again, text);
    }

    #[test]
    fn a_version_set_by_hand_gets_a_section_once() {
        let v1 = Version::new(0, 1, 0);
        let start = changelog(None, "x", &v1, None);
        assert_eq!(newest_version(&start), Some("0.1.0"));
        let v3 = Version::new(1, 0, 0);
        let bumped = changelog(Some(&start), "x", &v3, None);
        assert!(
            bumped.contains(
                "## 1.0.0\n\nNo change in the API: the version was set by hand.\n\n## 0.1.0\n"
            ),
            "{bumped}"
        );
        assert_eq!(changelog(Some(&bumped), "x", &v3, None), bumped);
        // A changelog without any section gets the new one at its end.
        let bare = changelog(Some("# Notes\n"), "x", &v3, None);
        assert_eq!(
            bare,
            "# Notes\n\n## 1.0.0\n\nNo change in the API: the version was set by hand.\n"
        );
    }
}
