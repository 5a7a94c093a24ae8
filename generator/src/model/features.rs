//! Per-tag cargo features of a large API's crate (issue 17): which features there are, which
//! operations each one compiles and which named types each one needs.
//!
//! The unit is the OpenAPI tag: it is in the document itself, so the crate generated from the
//! pages and the one generated from the whole file have the same features (GitBook pages, and
//! the pages stitch's corpus splitter makes, are one per tag anyway). Each tag is one feature,
//! named from the tag ([`feature_name`]); operations without a tag share one feature,
//! `untagged`. An operation with several tags is compiled under any of them. A named type is
//! compiled under every feature whose operations reach it, through parameters, bodies,
//! responses and pagination items, then transitively through fields, variants and aliases
//! ([`Features::types`]).
//!
//! Small APIs get no features ([`MIN_OPERATIONS`], at least two groups): the crate stays as it
//! was, the Syntho client included.
//!
//! Invariants: decided once, here, from the model and the merged document; deterministic (tags
//! sorted, collisions suffixed `-2`, `-3`.. in that order, sets sorted); names are valid Cargo
//! feature names and never one the crate already has (`default`, `full`, `middleware`,
//! `tracing`, and the names of optional dependencies).

use std::collections::{BTreeMap, BTreeSet};

use super::{Api, TypeRef};

/// The fewest operations for which a crate gets per-tag features. Below, `cargo check` of the
/// whole client takes about a second (GitHub's 1,223 operations take 41 s: about 33 ms each),
/// so features would buy nothing and cost `cfg` lines in every item.
pub const MIN_OPERATIONS: usize = 30;

/// The feature that turns on every tag's feature (on by default).
pub const FULL: &str = "full";

/// The feature of operations without a tag.
pub const UNTAGGED: &str = "untagged";

/// Names a tag's feature may not take: the crate's other features, Cargo's `default`, and the
/// optional dependencies (and a few names other features may take later).
const RESERVED: &[&str] = &[
    "default",
    FULL,
    "middleware",
    "tracing",
    "http",
    "reqwest-middleware",
    "rustls",
    "native-tls",
    "std",
];

/// One cargo feature: a tag's operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// The feature's name in `Cargo.toml` (`repos`).
    pub name: String,
    /// The tag as the API writes it (`None`: the operations without a tag).
    pub tag: Option<String>,
    /// How many operations it compiles.
    pub operations: usize,
}

/// The features of a crate, and what each one compiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Features {
    /// Every feature, sorted by name.
    pub features: Vec<Feature>,
    /// Per operation (as in `Api::operations`), the indices into `features` it is compiled
    /// under, sorted; never empty.
    pub operations: Vec<Vec<usize>>,
    /// Per named type (as in `Api::types`), the indices of the features whose operations
    /// reach it, sorted; empty for a type no operation reaches.
    pub types: Vec<Vec<usize>>,
}

/// The features of `api` (operations' tags read from `merged`, the document the model was
/// built from), or `None` for an API below the threshold ([`MIN_OPERATIONS`], or all its
/// operations under one tag).
pub(crate) fn decide(api: &Api, merged: &serde_json::Value) -> Option<Features> {
    if api.operations.len() < MIN_OPERATIONS {
        return None;
    }
    // Each operation's tags (`None`: untagged), as the document writes them.
    let tags: Vec<Vec<Option<String>>> = api
        .operations
        .iter()
        .map(|op| {
            let item = path_item(merged, &op.path);
            let tags: BTreeSet<Option<String>> = item
                .and_then(|item| item.get(op.method.as_str()))
                .and_then(|op| op.get("tags"))
                .and_then(serde_json::Value::as_array)
                .map(|tags| {
                    tags.iter()
                        .filter_map(serde_json::Value::as_str)
                        .map(|tag| Some(tag.to_owned()))
                        .collect()
                })
                .unwrap_or_default();
            if tags.is_empty() {
                vec![None]
            } else {
                tags.into_iter().collect()
            }
        })
        .collect();
    let groups: BTreeSet<&Option<String>> = tags.iter().flatten().collect();
    if groups.len() < 2 {
        return None;
    }
    // Names in tag order (untagged first), collisions suffixed in that order.
    let mut taken: BTreeSet<String> = RESERVED.iter().map(|s| (*s).to_owned()).collect();
    let mut named: BTreeMap<&Option<String>, String> = BTreeMap::new();
    for group in &groups {
        let base = match group {
            Some(tag) => feature_name(tag),
            None => UNTAGGED.to_owned(),
        };
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(name.clone());
        named.insert(group, name);
    }
    let mut features: Vec<Feature> = named
        .iter()
        .map(|(group, name)| Feature {
            name: name.clone(),
            tag: (*group).clone(),
            operations: 0,
        })
        .collect();
    features.sort_by(|a, b| a.name.cmp(&b.name));
    let index: BTreeMap<&str, usize> = features
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), i))
        .collect();
    let operations: Vec<Vec<usize>> = tags
        .iter()
        .map(|tags| {
            let set: BTreeSet<usize> = tags
                .iter()
                .filter_map(|tag| index.get(named.get(tag)?.as_str()).copied())
                .collect();
            set.into_iter().collect()
        })
        .collect();
    for ops in &operations {
        for &f in ops {
            features[f].operations += 1;
        }
    }
    let types = reach(api, &operations, features.len());
    Some(Features {
        features,
        operations,
        types,
    })
}

/// The path item of `path` in `merged`, through one `$ref` to another path item.
fn path_item<'a>(merged: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    let item = merged.get("paths")?.get(path)?;
    match item.get("$ref").and_then(serde_json::Value::as_str) {
        Some(reference) => {
            let keys = crate::pointer::fragment_tokens(reference)?;
            crate::pointer::resolve(merged, &keys)
        }
        None => Some(item),
    }
}

/// A tag as a Cargo feature name: ASCII letters and digits lowercased, every other run of
/// characters one `-`, none at either end; `tag` when nothing is left (`Git Data` → `git-data`,
/// `users.user` → `users-user`, `Ärger` → `rger`).
pub fn feature_name(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len());
    let mut gap = false;
    for c in tag.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    if out.is_empty() {
        out.push_str("tag");
    }
    out
}

/// Per type, the features reaching it: one walk per feature from its operations' types
/// through the types they hold.
fn reach(api: &Api, operations: &[Vec<usize>], count: usize) -> Vec<Vec<usize>> {
    let index: BTreeMap<&str, usize> = api
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    // The named types each type holds, once.
    let held: Vec<Vec<usize>> = api
        .types
        .iter()
        .map(|def| {
            let mut out = BTreeSet::new();
            for ty in def.kind.held_types() {
                named_in(ty, &index, &mut out);
            }
            out.into_iter().collect()
        })
        .collect();
    // The named types each feature's operations name directly.
    let mut roots: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); count];
    for (op, features) in api.operations.iter().zip(operations) {
        let mut named = BTreeSet::new();
        for param in &op.params {
            named_in(&param.ty, &index, &mut named);
        }
        if let Some(body) = &op.body {
            named_in(&body.ty, &index, &mut named);
        }
        for response in &op.responses {
            if let Some((_, ty)) = &response.body {
                named_in(ty, &index, &mut named);
            }
        }
        if let super::Success::Type(ty) = &op.success {
            named_in(ty, &index, &mut named);
        }
        if let Some(pagination) = &op.pagination {
            named_in(&pagination.items.item, &index, &mut named);
        }
        for &f in features {
            roots[f].extend(named.iter().copied());
        }
    }
    let mut types: Vec<Vec<usize>> = vec![Vec::new(); api.types.len()];
    let mut seen = vec![usize::MAX; api.types.len()];
    for (f, roots) in roots.iter().enumerate() {
        let mut stack: Vec<usize> = roots.iter().copied().collect();
        while let Some(t) = stack.pop() {
            if seen[t] == f {
                continue;
            }
            seen[t] = f;
            // Features are walked in order, so each list comes out sorted.
            types[t].push(f);
            stack.extend(held[t].iter().copied().filter(|&u| seen[u] != f));
        }
    }
    types
}

/// The named types `ty` names, at any depth (`Vec`, `Option`, maps, boxes, event streams).
fn named_in(ty: &TypeRef, index: &BTreeMap<&str, usize>, out: &mut BTreeSet<usize>) {
    match ty {
        TypeRef::Named(name) => {
            if let Some(&i) = index.get(name.as_str()) {
                out.insert(i);
            }
        }
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Box(inner)
        | TypeRef::Events(inner) => named_in(inner, index, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::testing::{api, doc};
    use super::*;

    #[test]
    fn tags_become_cargo_feature_names() {
        assert_eq!(feature_name("repos"), "repos");
        assert_eq!(feature_name("Git Data"), "git-data");
        assert_eq!(feature_name("users.user"), "users-user");
        assert_eq!(feature_name("  --Weird__Tag!! "), "weird-tag");
        assert_eq!(feature_name("Ärger"), "rger");
        assert_eq!(feature_name("日本"), "tag");
        assert_eq!(feature_name("2fa"), "2fa");
    }

    /// A document of `n` operations: operation `i` is tagged `tags(i)` and answers the
    /// component `answer(i)`.
    fn many(
        n: usize,
        tags: impl Fn(usize) -> serde_json::Value,
        answer: impl Fn(usize) -> &'static str,
    ) -> serde_json::Value {
        let mut paths = serde_json::Map::new();
        for i in 0..n {
            let schema = json!({"$ref": format!("#/components/schemas/{}", answer(i))});
            let mut op = json!({"operationId": format!("op{i:02}"),
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}});
            let tags = tags(i);
            if !tags.is_null() {
                op["tags"] = tags;
            }
            paths.insert(format!("/p{i:02}"), json!({"get": op}));
        }
        doc(
            json!({
                "Shared": {"type": "object", "properties": {"a": {"type": "string"}}},
                "Repo": {"type": "object", "properties": {"owner": {"$ref": "#/components/schemas/Shared"}}},
                "Issue": {"type": "object", "properties": {"by": {"$ref": "#/components/schemas/Shared"},
                    "repo": {"type": "array", "items": {"$ref": "#/components/schemas/Repo"}}}},
                "Lonely": {"type": "object", "properties": {"x": {"type": "integer"}}}
            }),
            serde_json::Value::Object(paths),
        )
    }

    fn names(features: &Features, of: &[usize]) -> Vec<String> {
        of.iter()
            .map(|&f| features.features[f].name.clone())
            .collect()
    }

    #[test]
    fn types_are_compiled_under_every_feature_that_reaches_them() {
        let document = many(
            40,
            |i| match i % 4 {
                0 => json!(["Repos"]),
                1 => json!(["issues"]),
                2 => json!(["issues", "Repos"]),
                _ => serde_json::Value::Null,
            },
            |i| if i % 4 == 1 { "Issue" } else { "Repo" },
        );
        let api = api(document.clone());
        let Some(features) = decide(&api, &document) else {
            panic!("40 operations under three groups get features");
        };
        let listed: Vec<(&str, Option<&str>, usize)> = features
            .features
            .iter()
            .map(|f| (f.name.as_str(), f.tag.as_deref(), f.operations))
            .collect();
        assert_eq!(
            listed,
            [
                ("issues", Some("issues"), 20),
                ("repos", Some("Repos"), 20),
                ("untagged", None, 10)
            ]
        );
        let of_type = |name: &str| {
            let i = api
                .types
                .iter()
                .position(|t| t.name == name)
                .unwrap_or(usize::MAX);
            names(&features, &features.types[i])
        };
        assert_eq!(of_type("Shared"), ["issues", "repos", "untagged"]);
        assert_eq!(of_type("Repo"), ["issues", "repos", "untagged"]);
        assert_eq!(of_type("Issue"), ["issues"]);
        assert!(of_type("Lonely").is_empty());
        assert_eq!(
            names(&features, &features.operations[2]),
            ["issues", "repos"]
        );
        // The same features whatever order the document lists its paths and tags in.
        let mut reversed = document.clone();
        let paths = document["paths"].as_object().cloned().unwrap_or_default();
        let mut backwards = serde_json::Map::new();
        for (path, mut item) in paths.into_iter().rev() {
            let tags = item.get_mut("get").and_then(|op| op.get_mut("tags"));
            if let Some(tags) = tags.and_then(serde_json::Value::as_array_mut) {
                tags.reverse();
            }
            backwards.insert(path, item);
        }
        reversed["paths"] = serde_json::Value::Object(backwards);
        let again = super::super::testing::api(reversed.clone());
        assert_eq!(decide(&again, &reversed), Some(features));
    }

    #[test]
    fn small_and_single_tag_apis_get_none_and_collisions_are_suffixed() {
        let small = many(29, |i| json!([format!("t{}", i % 3)]), |_| "Repo");
        assert_eq!(decide(&api(small.clone()), &small), None);
        let one = many(40, |_| json!(["only"]), |_| "Repo");
        assert_eq!(decide(&api(one.clone()), &one), None);
        let clash = many(
            40,
            |i| {
                let tag = ["Full", "full!", "a b", "A-B", "tracing"][i % 5];
                json!([tag])
            },
            |_| "Repo",
        );
        let features = decide(&api(clash.clone()), &clash).map(|f| {
            f.features
                .into_iter()
                .map(|f| (f.name, f.tag.unwrap_or_default()))
                .collect::<Vec<_>>()
        });
        let expected = [
            ("a-b", "A-B"),
            ("a-b-2", "a b"),
            ("full-2", "Full"),
            ("full-3", "full!"),
            ("tracing-2", "tracing"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()));
        assert_eq!(features, Some(expected.to_vec()));
    }
}
