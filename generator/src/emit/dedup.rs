//! Types that are printed once: named types of the same shape (the same fields with the same
//! types and docs, the same variants) are printed once, under the shortest name of a
//! component schema (of an inline type only when none is a component), and every other name
//! becomes an alias of it (`pub type WebhookIssueAssignee = SimpleUser;`). A component's
//! name is the spec's own, so it never becomes an alias of a name stitch made up
//! (`pub type Collection = Vec2Item;` because a schema called `Vec` holds the same object).
//!
//! Specs repeat inline shapes a lot (GitHub's webhook payloads carry the same user object
//! hundreds of times); each has its own name in the model, and keeps it here, but the code is
//! written once. Shapes are compared as the coarsest partition stable under "same shape, with
//! references to types of the same class" (Moore's partition refinement), so recursive
//! structures that are identical are merged too.

use std::collections::BTreeMap;

use crate::model::{TypeDef, TypeKind, TypeRef};

/// For each type (by index), the index of the type it is an alias of, or `None` when it is
/// printed in full.
pub(super) fn aliases(types: &[TypeDef]) -> Vec<Option<usize>> {
    let index: BTreeMap<&str, usize> = types
        .iter()
        .enumerate()
        .map(|(i, def)| (def.name.as_str(), i))
        .collect();
    // Each type's shape with its references left out (numbered once), and the types it
    // refers to, in order.
    let mut shapes: BTreeMap<String, usize> = BTreeMap::new();
    let mut shape = Vec::with_capacity(types.len());
    let mut refs = Vec::with_capacity(types.len());
    for (i, def) in types.iter().enumerate() {
        let mut named = Vec::new();
        let text = signature(i, def, &mut |name| match index.get(name) {
            Some(&j) => {
                named.push(j);
                String::from("#")
            }
            None => format!("?{name:?}"),
        });
        let id = shapes.len();
        shape.push(*shapes.entry(text).or_insert(id));
        refs.push(named);
    }
    let class = refine(shape, &refs);
    // The representative of a class: a component first, then the shortest name, then the
    // first in order.
    let rank = |def: &TypeDef| (!def.component, def.name.len());
    let mut representative: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, def) in types.iter().enumerate() {
        representative
            .entry(class[i])
            .and_modify(|r| {
                if rank(def) < rank(&types[*r]) {
                    *r = i;
                }
            })
            .or_insert(i);
    }
    (0..types.len())
        .map(|i| Some(representative[&class[i]]).filter(|&r| r != i))
        .collect()
}

/// The coarsest partition of the types that refines `shape` (a class id per type) and is
/// stable: two types in one class refer, position by position, to types of one class. For
/// each type, its class id (ids are arbitrary; only which types share one matters).
///
/// Hopcroft's "all but the largest part" refinement: a class is re-examined only for its
/// members whose references changed class (pending), the non-pending members of a class all
/// have the same key (the classes of their references), and when a class splits the largest
/// part keeps its id, so a type changes class O(log n) times and the whole takes
/// O(m log n) for m references. (Splitting every class in rounds until none splits, as
/// Moore's algorithm does, takes a round per link of a chain of `$ref`s: quadratic.)
fn refine(shape: Vec<usize>, refs: &[Vec<usize>]) -> Vec<usize> {
    let n = shape.len();
    let mut class = shape;
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, targets) in refs.iter().enumerate() {
        for &j in targets {
            preds[j].push(i);
        }
    }
    let classes = class.iter().max().map_or(0, |m| m + 1);
    // Members of each class, with each type's position in its class's list (O(1) removal).
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); classes];
    let mut position = vec![0; n];
    for (i, &c) in class.iter().enumerate() {
        position[i] = members[c].len();
        members[c].push(i);
    }
    // Every type starts pending: the first look at a class splits it by its members' keys.
    let mut pending = vec![true; n];
    let mut pending_of: Vec<Vec<usize>> = members.clone();
    let mut queue: Vec<usize> = (0..classes).collect();
    let mut in_part = vec![false; n];
    let key =
        |class: &[usize], i: usize| -> Vec<usize> { refs[i].iter().map(|&j| class[j]).collect() };
    while let Some(y) = queue.pop() {
        let dirty = std::mem::take(&mut pending_of[y]);
        if dirty.is_empty() {
            continue;
        }
        for &i in &dirty {
            pending[i] = false;
        }
        // A member that is not pending: its key is the key of every member not pending.
        let settled = (dirty.len() < members[y].len()).then(|| {
            dirty.iter().for_each(|&i| in_part[i] = true);
            let found = members[y].iter().copied().find(|&i| !in_part[i]);
            dirty.iter().for_each(|&i| in_part[i] = false);
            found
        });
        let stay_key = settled.flatten().map(|r| key(&class, r));
        let mut groups: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
        for &i in &dirty {
            let k = key(&class, i);
            if Some(&k) != stay_key.as_ref() {
                groups.entry(k).or_default().push(i);
            }
        }
        let mut parts: Vec<Vec<usize>> = groups.into_values().collect();
        // What stays (when nothing is settled, the largest group stays instead).
        let staying = members[y].len() - parts.iter().map(Vec::len).sum::<usize>();
        if staying == 0 {
            let largest = (0..parts.len()).max_by_key(|&p| (parts[p].len(), std::cmp::Reverse(p)));
            if let Some(largest) = largest {
                parts.swap_remove(largest);
            }
        } else if let Some(p) =
            (0..parts.len()).max_by_key(|&p| (parts[p].len(), std::cmp::Reverse(p)))
        {
            // A group larger than what stays keeps the id; what stays moves instead.
            if parts[p].len() > staying {
                let keep = parts.swap_remove(p);
                keep.iter().for_each(|&i| in_part[i] = true);
                for part in &parts {
                    part.iter().for_each(|&i| in_part[i] = true);
                }
                let rest: Vec<usize> = members[y]
                    .iter()
                    .copied()
                    .filter(|&i| !in_part[i])
                    .collect();
                keep.iter().for_each(|&i| in_part[i] = false);
                for part in &parts {
                    part.iter().for_each(|&i| in_part[i] = false);
                }
                parts.push(rest);
            }
        }
        let mut moved = Vec::new();
        for part in parts {
            let new = members.len();
            members.push(Vec::with_capacity(part.len()));
            pending_of.push(Vec::new());
            for i in part {
                let at = position[i];
                members[y].swap_remove(at);
                if let Some(&other) = members[y].get(at) {
                    position[other] = at;
                }
                position[i] = members[new].len();
                members[new].push(i);
                class[i] = new;
                moved.push(i);
            }
        }
        for i in moved {
            for &p in &preds[i] {
                if !pending[p] {
                    pending[p] = true;
                    pending_of[class[p]].push(p);
                    if pending_of[class[p]].len() == 1 {
                        queue.push(class[p]);
                    }
                }
            }
        }
    }
    class
}

/// The shape of a type as text, with each named type replaced by `named(name)`. Aliases are
/// never merged (they are one line each): their signature holds their own index.
fn signature(i: usize, def: &TypeDef, named: &mut dyn FnMut(&str) -> String) -> String {
    // Types of different extra derives (the config's) are different types.
    let derives = if def.derives.is_empty() {
        String::new()
    } else {
        format!("derive {:?}\n", def.derives)
    };
    derives + &shape_signature(i, def, named)
}

/// [`signature`] without the derives.
fn shape_signature(i: usize, def: &TypeDef, named: &mut dyn FnMut(&str) -> String) -> String {
    let mut ty = |ty: &TypeRef| type_signature(ty, named);
    match &def.kind {
        TypeKind::Alias(_) => format!("alias {i}"),
        TypeKind::Struct { fields } => {
            let mut out = String::from("struct");
            for f in fields {
                out.push_str(&format!(
                    "\n{:?} {:?} {} {} {} {:?}",
                    f.name,
                    f.wire,
                    ty(&f.ty),
                    f.required,
                    f.flatten,
                    super::types::field_doc(f)
                ));
            }
            out
        }
        TypeKind::Enum { variants, open } => {
            let mut out = format!("enum {open}");
            for v in variants {
                out.push_str(&format!("\n{:?} {:?}", v.name, v.value));
            }
            out
        }
        TypeKind::Union { variants } => {
            let mut out = String::from("union");
            for v in variants {
                out.push_str(&format!("\n{:?} {}", v.name, ty(&v.ty)));
            }
            out
        }
        TypeKind::Tagged { tag, variants } => {
            let mut out = format!("tagged {tag:?}");
            for v in variants {
                out.push_str(&format!("\n{:?} {:?} {}", v.name, v.value, ty(&v.ty)));
            }
            out
        }
    }
}

fn type_signature(ty: &TypeRef, named: &mut dyn FnMut(&str) -> String) -> String {
    match ty {
        TypeRef::Named(name) => named(name),
        TypeRef::Vec(inner) => format!("Vec<{}>", type_signature(inner, named)),
        TypeRef::Map(inner) => format!("Map<{}>", type_signature(inner, named)),
        TypeRef::Option(inner) => format!("Option<{}>", type_signature(inner, named)),
        TypeRef::Box(inner) => format!("Box<{}>", type_signature(inner, named)),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Field;

    fn field(name: &str, ty: TypeRef) -> Field {
        Field {
            name: name.into(),
            wire: name.into(),
            ty,
            required: true,
            flatten: false,
            doc: None,
        }
    }

    fn object(name: &str, fields: Vec<Field>) -> TypeDef {
        TypeDef {
            name: name.into(),
            doc: None,
            kind: TypeKind::Struct { fields },
            component: true,
            derives: Vec::new(),
        }
    }

    #[test]
    fn same_shapes_become_aliases_of_the_shortest_name_recursively() {
        let named = |n: &str| TypeRef::Named(n.into());
        let types = vec![
            object("AUser", vec![field("login", TypeRef::String)]),
            object("Issue", vec![field("user", named("AUser"))]),
            object("IssueCopy", vec![field("user", named("User"))]),
            // Recursive and identical: merged too.
            object("Node", vec![field("next", named("Node").optional())]),
            object("Node2", vec![field("next", named("Node2").optional())]),
            object("Other", vec![field("login", TypeRef::I64)]),
            object("User", vec![field("login", TypeRef::String)]),
        ];
        let aliases = aliases(&types);
        assert_eq!(
            aliases,
            [Some(6), None, Some(1), None, Some(3), None, None],
            "{types:#?}"
        );
    }

    #[test]
    fn a_component_is_never_an_alias_of_an_inline_type() {
        let inline = TypeDef {
            component: false,
            derives: Vec::new(),
            ..object("Vec2Item", vec![field("id", TypeRef::Uuid)])
        };
        let types = vec![
            object("Collection", vec![field("id", TypeRef::Uuid)]),
            inline,
            object("LongerComponentName", vec![field("id", TypeRef::Uuid)]),
        ];
        // The inline name is shorter, but `Collection` is the spec's: the others alias it.
        assert_eq!(aliases(&types), [None, Some(0), Some(0)], "{types:#?}");
    }

    /// Moore's refinement, round by round until no class splits: the reference `refine`
    /// must agree with (quadratic on chains, fine for small graphs).
    fn moore(shape: &[usize], refs: &[Vec<usize>]) -> Vec<usize> {
        let mut class = shape.to_vec();
        let mut count = usize::MAX;
        loop {
            let mut ids: BTreeMap<(usize, Vec<usize>), usize> = BTreeMap::new();
            let next: Vec<usize> = (0..class.len())
                .map(|i| {
                    let key = (class[i], refs[i].iter().map(|&j| class[j]).collect());
                    let id = ids.len();
                    *ids.entry(key).or_insert(id)
                })
                .collect();
            class = next;
            if ids.len() == count {
                return class;
            }
            count = ids.len();
        }
    }

    /// Which types share a class, as each type's first classmate: comparable across ids.
    fn canonical(class: &[usize]) -> Vec<usize> {
        let mut first: BTreeMap<usize, usize> = BTreeMap::new();
        (0..class.len())
            .map(|i| *first.entry(class[i]).or_insert(i))
            .collect()
    }

    #[test]
    fn refinement_agrees_with_moore_on_random_graphs() {
        // A small linear congruential generator: the same graphs on every run.
        let mut seed: u64 = 0x5eed;
        let mut next = |bound: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            usize::try_from(seed >> 33).unwrap_or(0) % bound
        };
        for round in 0..400 {
            let n = 1 + next(24);
            let shapes = 1 + next(3);
            // Types of one shape have the same number of references, as in `aliases`.
            let arity: Vec<usize> = (0..shapes).map(|_| next(3)).collect();
            let shape: Vec<usize> = (0..n).map(|_| next(shapes)).collect();
            let refs: Vec<Vec<usize>> = shape
                .iter()
                .map(|&s| (0..arity[s]).map(|_| next(n)).collect())
                .collect();
            assert_eq!(
                canonical(&refine(shape.clone(), &refs)),
                canonical(&moore(&shape, &refs)),
                "round {round}: shape {shape:?} refs {refs:?}"
            );
        }
    }

    #[test]
    fn a_chain_of_same_shapes_splits_into_every_link() {
        // `S0.next: S1`, ..., the last without a reference: no two links are alike.
        let n = 50_000;
        let shape: Vec<usize> = (0..n).map(|i| usize::from(i + 1 == n)).collect();
        let refs: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        let class = refine(shape, &refs);
        assert_eq!(
            class
                .iter()
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            n
        );
    }
}
