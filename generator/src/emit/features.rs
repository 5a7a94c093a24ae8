//! The per-tag cargo features of a crate (`model::features` decides them; this prints them):
//! the files of each feature's items, the `Client` methods' docs, the `[features]` lines of
//! `Cargo.toml`, and the list in the crate docs.
//!
//! - Items are grouped by the features that compile them (their gate), and each group that
//!   is not always compiled is a file of its own, `include!`d by its module under the group's
//!   `cfg` (`#[cfg(feature = "repos")] include!("types/repos.rs");`): rustc strips the
//!   `include!` before expanding it, so the file of a disabled feature is never read, parsed
//!   or resolved. `include!` rather than `mod x; pub use x::*;`: the items stay in their
//!   module (`crate::types::Foo`), and every path the emitters write (`super::`, `types::`,
//!   the module's private helpers and XML statics) means what it means in one file.
//! - An operation's items (its `operation!` call, response enum, pagination, and its `Client`
//!   method in an `impl super::Client` block of the file) are in the file of its features.
//! - A type is compiled under any feature that reaches it; types printed once (`dedup`) take
//!   the union of their class for every name of the class, so a printed type and each alias of
//!   it are in one file, there whenever one of them is needed (classes are congruent: what one
//!   member holds, the others hold through types of the same classes, which then have the
//!   feature too). A type every feature reaches stays in `types.rs`: whoever uses the crate
//!   needs it. A type no operation reaches (a component only webhooks name) is in
//!   `types/full.rs`, compiled under `full` only (`full` is never a tag's feature).
//! - Items reached by several features (but not all) are one file per distinct set of
//!   features, in `shared/` (`types/shared/issues+repos.rs`, compiled under `any(..)` of
//!   them), so no item carries a `cfg` of its own and each file is read exactly when one of its
//!   features is on. Measured on Microsoft Graph v1.0 (418 features): 707 distinct sets of
//!   types; one file per set keeps the `any(..)` list once per file instead of once per item
//!   (6,043 items had lists of 50 features or more).
//! - `full` enables every feature and is the default, so nothing changes for a user who does
//!   not choose; `default-features = false, features = ["rustls", "repos", "issues"]` compiles two (the TLS stack is a default feature too).
//! - Without `full`, parts of the runtime and of the `use` lines go unused: the crate allows
//!   `dead_code`, `unused_imports` and `unused_macros` then (`cfg_attr(not(feature = "full"), ..)`), never with
//!   `full`, so the whole client is linted as before.
//!
//! Rustdoc: `doc(cfg)` is nightly-only, so the items carry no badge; docs.rs and `cargo doc`
//! build the default (`full`), which documents everything, each `Client` method says which
//! features compile it, and the crate docs list the features. The single-module form
//! (`emit_module`) has no cargo features and gets no files.
//!
//! Invariants: a group's file name is a function of its set of features alone (a feature's
//! name, `full`, or `shared/` and the names joined by `+`, shortened with a hash when long),
//! so an API change that leaves a set alone leaves its file's name alone; groups and their
//! items are in a fixed order (by gate, then by index), so the output is deterministic.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Api;
use crate::model::features::FULL;

/// Under which features an item is compiled.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Gate {
    /// Always (no features in the crate, or every feature needs it).
    Always,
    /// Under any of these features (indices into `Features::features`).
    Any(Vec<usize>),
    /// Under `full` only (no operation reaches it).
    Full,
}

/// The items of a module compiled under one gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Group {
    /// The file of the group, relative to the module's folder, without `.rs` (`repos`,
    /// `shared/issues+repos`, `full`); `None` for the items always compiled, which stay in
    /// the module's own file.
    pub(super) file: Option<String>,
    /// The `#[cfg(..)]` line(s) the module's `include!` of the file carries.
    pub(super) cfg: String,
    /// The items' indices (into `Api::types` or `Api::operations`), ascending.
    pub(super) items: Vec<usize>,
}

/// The gates of every type and operation of a crate: plain data, shared by the threads that
/// print the pieces (tokens are not `Send`).
#[derive(Debug, Clone, Default)]
pub(super) struct Gates {
    /// The features' names (empty: no features).
    names: Vec<String>,
    /// Per type of `Api::types`.
    types: Vec<Gate>,
    /// Per operation of `Api::operations`.
    operations: Vec<Gate>,
}

impl Gates {
    /// The gates of `api` printed with `aliases` (see `dedup::aliases`); none when `gated` is
    /// false (the single-module form) or the API has no features.
    pub(super) fn of(api: &Api, aliases: &[Option<usize>], gated: bool) -> Gates {
        let Some(features) = api.features.as_ref().filter(|_| gated) else {
            return Gates::default();
        };
        let all = features.features.len();
        let gate = |set: &[usize]| match set.len() {
            0 => Gate::Full,
            n if n == all => Gate::Always,
            _ => Gate::Any(set.to_vec()),
        };
        // The union of each dedup class, by its printed type.
        let mut class: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, set) in features.types.iter().enumerate() {
            let printed = aliases.get(i).copied().flatten().unwrap_or(i);
            class
                .entry(printed)
                .or_default()
                .extend(set.iter().copied());
        }
        for set in class.values_mut() {
            set.sort_unstable();
            set.dedup();
        }
        let types = (0..api.types.len())
            .map(|i| {
                let printed = aliases.get(i).copied().flatten().unwrap_or(i);
                gate(class.get(&printed).map_or(&[][..], Vec::as_slice))
            })
            .collect();
        Gates {
            names: features.features.iter().map(|f| f.name.clone()).collect(),
            types,
            operations: features.operations.iter().map(|set| gate(set)).collect(),
        }
    }

    /// The types of `count` (`Api::types.len()`) by gate: the ones always compiled first (with
    /// no file), then one group per gate in the gates' order.
    pub(super) fn type_groups(&self, count: usize) -> Vec<Group> {
        self.groups(&self.types, count)
    }

    /// The operations of `count` (`Api::operations.len()`) by gate, as [`Gates::type_groups`].
    pub(super) fn operation_groups(&self, count: usize) -> Vec<Group> {
        self.groups(&self.operations, count)
    }

    fn groups(&self, gates: &[Gate], count: usize) -> Vec<Group> {
        let mut by_gate: BTreeMap<&Gate, Vec<usize>> = BTreeMap::new();
        for i in 0..count {
            by_gate
                .entry(gates.get(i).unwrap_or(&Gate::Always))
                .or_default()
                .push(i);
        }
        // The always compiled group is there even when empty: the module's own file.
        by_gate.entry(&Gate::Always).or_default();
        let mut taken: BTreeMap<String, usize> = BTreeMap::new();
        by_gate
            .into_iter()
            .map(|(gate, items)| {
                let file = self.file(gate).map(|base| {
                    // Two long sets whose shortened names collide (a hash collision): the
                    // second gets `-2`, in the gates' order.
                    let n = taken.entry(base.clone()).or_insert(0);
                    *n += 1;
                    match *n {
                        1 => base,
                        n => format!("{base}-{n}"),
                    }
                });
                Group {
                    file,
                    cfg: self.cfg(gate),
                    items,
                }
            })
            .collect()
    }

    /// The file of a gate's group (see the module docs); `None` for `Always`.
    fn file(&self, gate: &Gate) -> Option<String> {
        match gate {
            Gate::Always => None,
            Gate::Full => Some(FULL.to_owned()),
            Gate::Any(set) if set.len() == 1 => Some(self.names[set[0]].clone()),
            Gate::Any(set) => {
                let names: Vec<&str> = set.iter().map(|&f| self.names[f].as_str()).collect();
                let joined = names.join("+");
                if joined.len() <= MAX_FILE_NAME {
                    Some(format!("shared/{joined}"))
                } else {
                    Some(format!(
                        "shared/{}+{}-more-{:016x}",
                        names[0],
                        names.len() - 1,
                        fnv1a(joined.as_bytes())
                    ))
                }
            }
        }
    }

    /// The `#[cfg(..)]` of a gate (empty for `Always`): on one line when it fits, else one
    /// feature a line.
    fn cfg(&self, gate: &Gate) -> String {
        match gate {
            Gate::Always => String::new(),
            Gate::Full => format!("#[cfg(feature = \"{FULL}\")]\n"),
            Gate::Any(set) if set.len() == 1 => {
                format!("#[cfg(feature = \"{}\")]\n", self.names[set[0]])
            }
            Gate::Any(set) => {
                let names: Vec<String> = set
                    .iter()
                    .map(|&f| format!("feature = \"{}\"", self.names[f]))
                    .collect();
                let line = format!("#[cfg(any({}))]\n", names.join(", "));
                if line.len() <= 100 {
                    line
                } else {
                    let mut text = String::from("#[cfg(any(\n");
                    for name in names {
                        text.push_str(&format!("    {name},\n"));
                    }
                    text.push_str("))]\n");
                    text
                }
            }
        }
    }

    /// The paragraph the `Client` method of operation `index` adds to its docs: the features
    /// that compile it; `None` when it is always compiled.
    pub(super) fn method_doc(&self, index: usize) -> Option<String> {
        let names: Vec<String> = match self.operations.get(index)? {
            Gate::Always => return None,
            Gate::Any(set) => set
                .iter()
                .map(|&f| format!("`{}`", self.names[f]))
                .collect(),
            Gate::Full => vec![format!("`{FULL}`")],
        };
        Some(match names.len() {
            1 => format!(
                "Compiled with the cargo feature {} (on by default, in `full`).",
                names[0]
            ),
            _ => format!(
                "Compiled with any of the cargo features {} (on by default, in `full`).",
                names.join(", ")
            ),
        })
    }
}

/// The longest file name (without `.rs`) of a shared group written out in full; longer sets
/// are shortened with a hash (file systems allow 255 bytes a name; Graph has sets of 246
/// features).
const MAX_FILE_NAME: usize = 80;

/// FNV-1a (64 bits): a hash that is the same on every machine and in every version of Rust.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The lines a module's file ends with for its groups with files: each group's `cfg` and
/// `include!("MODULE/FILE.rs");`, one blank line apart.
pub(super) fn includes(module: &str, groups: &[Group]) -> String {
    let mut text = String::new();
    for group in groups {
        let Some(file) = &group.file else { continue };
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&group.cfg);
        text.push_str(&format!("include!(\"{module}/{file}.rs\");\n"));
    }
    text
}

/// The crate's inner attribute that allows what a subset of features leaves unused.
pub(super) fn crate_attrs(api: &Api) -> Option<TokenStream> {
    api.features.as_ref()?;
    Some(
        quote!(#![cfg_attr(not(feature = #FULL), allow(dead_code, unused_imports, unused_macros))]),
    )
}

/// What the crate's `default` feature list adds for the tags: `, "full"`, or nothing for a
/// crate without features (`manifest` writes the one `default` line).
pub(super) fn default_member(api: &Api) -> String {
    match api.features {
        Some(_) => format!(", \"{FULL}\""),
        None => String::new(),
    }
}

/// The `[features]` lines of the tags (after the crate's other features): `full` and one line
/// per tag. Nothing for a crate without features.
pub(super) fn manifest_lines(api: &Api) -> String {
    let Some(features) = &api.features else {
        return String::new();
    };
    let names: Vec<String> = features
        .features
        .iter()
        .map(|f| format!("\"{}\"", f.name))
        .collect();
    let mut toml = format!("{FULL} = [{}]\n", names.join(", "));
    for feature in &features.features {
        toml.push_str(&format!("{} = []\n", feature.name));
    }
    toml
}

/// The crate docs' section on the features; `None` for a crate without features.
pub(super) fn crate_doc(api: &Api) -> Option<String> {
    let features = api.features.as_ref()?;
    let mut doc = String::from(
        "\n\n# Cargo features\n\n\
         Each tag of the API is a cargo feature that compiles its operations and the types they \
         need. All are on by default (the feature `full`); a program that calls a few areas \
         compiles only those:\n\n\
         ```toml\n\
         [dependencies]\n",
    );
    let two: Vec<String> = features
        .features
        .iter()
        .take(2)
        .map(|f| format!("\"{}\"", f.name))
        .collect();
    doc.push_str(&format!(
        "{} = {{ path = \"../{}\", default-features = false, features = [\"rustls\", {}] }}\n```\n\n\
         `default-features = false` turns the default TLS stack off too: name one (`rustls`, \
         `rustls-ring`, `rustls-no-provider` or `native-tls`). With no tag's feature the client \
         has no operations. The features, with the tag each stands \
         for and its number of operations:\n\n",
        api.crate_name,
        api.crate_name,
        two.join(", ")
    ));
    for feature in &features.features {
        let tag = match &feature.tag {
            Some(tag) => format!("tag `{}`", tag.replace('`', "'")),
            None => "operations without a tag".to_owned(),
        };
        doc.push_str(&format!(
            "- `{}`: {tag}, {} operation{}\n",
            feature.name,
            feature.operations,
            if feature.operations == 1 { "" } else { "s" }
        ));
    }
    Some(doc)
}
