//! `--on-conflict rename`: keep every definition of a component under its own name.
//!
//! Invariant: the first definition (in file and line order) keeps the name; each other takes
//! its file's name as a suffix (`JobSchemaDatabaseReport`, numbered when taken), and every
//! `$ref` of the fragments that give it points at it, so each page's references keep meaning
//! what the page meant.

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde_json::Value;

use super::merger::Merger;
use super::slot::Group;
use super::{Renamed, origin};
use crate::pointer;
use crate::source::Fragment;

/// How many rounds of renaming may cascade (a renamed schema changes the schemas that refer to
/// it) before the remaining differences are reported as conflicts.
pub(super) const MAX_RENAME_ROUNDS: usize = 16;

/// One fragment's component to rename.
pub(super) struct RenameStep {
    fragment: usize,
    section: String,
    from: String,
    to: String,
    renamed: Renamed,
}

impl Merger {
    /// The renames that `--on-conflict rename` makes for the component conflicts found so far.
    pub(super) fn rename_plan(&self, order: &[Cow<'_, Fragment>]) -> Vec<RenameStep> {
        let mut plan = Vec::new();
        for (section, entry) in &self.components {
            let Group::Entries(names) = entry else {
                continue;
            };
            let mut taken: BTreeSet<String> = names.keys().cloned().collect();
            for (name, slot) in names {
                let Some((first, rest)) = slot.variants.split_first() else {
                    continue;
                };
                let kept = origin(&first.at, &slot.pointer);
                for variant in rest {
                    let suffix = variant
                        .sources
                        .first()
                        .and_then(|&i| order.get(i))
                        .and_then(|f| f.file.file_stem())
                        .map(|stem| {
                            use heck::ToUpperCamelCase;
                            stem.to_string_lossy().to_upper_camel_case()
                        })
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| "Other".to_owned());
                    let base = format!("{name}{suffix}");
                    let mut to = base.clone();
                    let mut n = 2;
                    while taken.contains(&to) {
                        to = format!("{base}{n}");
                        n += 1;
                    }
                    taken.insert(to.clone());
                    let renamed = Renamed {
                        section: section.clone(),
                        from: name.clone(),
                        to: to.clone(),
                        // The page still says the old name.
                        at: origin(&variant.at, &pointer::join(["components", section, name])),
                        kept: kept.clone(),
                    };
                    for &fragment in &variant.sources {
                        plan.push(RenameStep {
                            fragment,
                            section: section.clone(),
                            from: name.clone(),
                            to: to.clone(),
                            renamed: renamed.clone(),
                        });
                    }
                }
            }
        }
        plan
    }
}

/// Carries out `plan` on the fragments in merge order (copying each fragment it changes) and
/// records each rename in `renamed`.
pub(super) fn apply(
    plan: Vec<RenameStep>,
    order: &mut [Cow<'_, Fragment>],
    renamed: &mut Vec<Renamed>,
) {
    for step in plan {
        if let Some(fragment) = order.get_mut(step.fragment) {
            let value = &mut fragment.to_mut().value;
            rename_in(value, &step.section, &step.from, &step.to);
        }
        renamed.push(step.renamed);
    }
}

/// Renames component `from` to `to` in `section` of one fragment, and every `$ref` to it.
fn rename_in(fragment: &mut Value, section: &str, from: &str, to: &str) {
    if let Some(entries) = fragment
        .get_mut("components")
        .and_then(|c| c.get_mut(section))
        .and_then(Value::as_object_mut)
    {
        let old = std::mem::take(entries);
        *entries = old
            .into_iter()
            .map(|(name, value)| {
                if name == from {
                    (to.to_owned(), value)
                } else {
                    (name, value)
                }
            })
            .collect();
    }
    let old_ref = format!("#{}", pointer::join(["components", section, from]));
    let new_ref = format!("#{}", pointer::join(["components", section, to]));
    rewrite_refs(fragment, &old_ref, &new_ref);
}

fn rewrite_refs(value: &mut Value, old: &str, new: &str) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "$ref"
                    && let Value::String(reference) = child
                {
                    if reference == old {
                        *reference = new.to_owned();
                    } else if let Some(rest) = reference.strip_prefix(old)
                        && rest.starts_with('/')
                    {
                        *reference = format!("{new}{rest}");
                    }
                } else {
                    rewrite_refs(child, old, new);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, old, new)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::merge::OnConflict;
    use crate::merge::testing::{fragment, merged_with, schema_doc};

    #[test]
    fn rename_keeps_both_and_rewires_each_fragment() {
        let a = schema_doc(
            json!({"type": "object", "properties": {"x": {"type": "string"}}}),
            "/a",
        );
        let b = schema_doc(
            json!({"type": "object", "properties": {"y": {"type": "string"}}}),
            "/b",
        );
        let all = [
            fragment("pages/b_page.md", 3, b),
            fragment("pages/a.md", 9, a),
        ];
        let merged = merged_with(&all, OnConflict::Rename);
        let schemas = &merged.value["components"]["schemas"];
        assert!(
            schemas["S"]["properties"].get("x").is_some(),
            "a.md is first: keeps S"
        );
        assert!(
            schemas["SBPage"]["properties"].get("y").is_some(),
            "{schemas}"
        );
        let reference = |path: &str| {
            merged.value["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
                ["schema"]["$ref"]
                .clone()
        };
        assert_eq!(reference("/a"), "#/components/schemas/S");
        assert_eq!(reference("/b"), "#/components/schemas/SBPage");
        assert_eq!(merged.renamed.len(), 1);
        assert_eq!(
            (
                merged.renamed[0].from.as_str(),
                merged.renamed[0].to.as_str()
            ),
            ("S", "SBPage")
        );
        // The same in any order.
        let reversed = [all[1].clone(), all[0].clone()];
        assert_eq!(
            merged_with(&reversed, OnConflict::Rename).value,
            merged.value
        );
    }

    #[test]
    fn renaming_rewrites_the_component_and_refs_into_it_only() {
        let mut value = json!({
            "components": {"schemas": {"a/b": {"type": "string"}, "a": {"type": "integer"}}},
            "x": [{"$ref": "#/components/schemas/a~1b"}],
            "y": {"$ref": "#/components/schemas/a~1b/properties/p"},
            "z": {"$ref": "#/components/schemas/a~1bc"},
            "w": {"$ref": "#/components/schemas/a"}
        });
        rename_in(&mut value, "schemas", "a/b", "c~d");
        assert_eq!(
            value,
            json!({
                "components": {"schemas": {"c~d": {"type": "string"}, "a": {"type": "integer"}}},
                "x": [{"$ref": "#/components/schemas/c~0d"}],
                "y": {"$ref": "#/components/schemas/c~0d/properties/p"},
                "z": {"$ref": "#/components/schemas/a~1bc"},
                "w": {"$ref": "#/components/schemas/a"}
            })
        );
        let names: Vec<&String> = value["components"]["schemas"]
            .as_object()
            .map_or(Vec::new(), |o| o.keys().collect());
        assert_eq!(names, ["c~d", "a"], "the renamed one keeps its place");
    }
}
