//! Recursion among the named types, settled once over the whole model after every type is
//! defined (component schemas and inline types of operations alike).
//!
//! Three graphs over the named types, each read through its strongly connected components
//! (Tarjan's algorithm, iterative, so a chain of 100,000 schemas neither recurses nor takes
//! quadratic time):
//!
//! 1. **Aliases.** A `pub type` that reaches itself through other aliases (`A: $ref B`,
//!    `B: $ref A`; `A: $ref A`; `A: allOf [$ref B]`, `B: allOf [$ref A]`; `A: array of A`)
//!    cannot be written in Rust (E0391), and such a cycle never says what the data is. It
//!    is a diagnostic naming the cycle.
//! 2. **The same JSON value.** A union's variants, a tagged union's payloads, a flattened
//!    field and an alias's target are decoded from the very value their owner is decoded
//!    from. A cycle there (`U: oneOf [U, string]`) decodes forever (a stack overflow on any
//!    input), and the branch that refers back adds nothing the others do not accept. It is a
//!    diagnostic naming the cycle (rather than dropping the branch quietly: the spec is
//!    wrong, and the user decides which branch goes).
//! 3. **By value.** A field or payload that holds a named type directly (or in an `Option`)
//!    and lies on a cycle of such holdings is boxed, so the type has a size. Holdings through
//!    a `Vec` or a map already have one. An edge `a → b` lies on a cycle exactly when `a` and
//!    `b` are in one strongly connected component.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::{ModelError, TypeDef, TypeKind, TypeRef};

/// Reports the cycles no Rust type can hold (one error per cycle), or boxes the recursion
/// that data can nest in.
pub(super) fn settle(
    defs: &mut BTreeMap<String, TypeDef>,
    places: &BTreeMap<String, String>,
) -> Result<(), ModelError> {
    let names: Vec<&str> = defs.keys().map(String::as_str).collect();
    let alias_edges = graph(defs.values(), |kind| {
        let mut targets = Vec::new();
        if let TypeKind::Alias(ty) = kind {
            every_named(ty, &mut targets);
        }
        targets
    });
    let place_of = |i: usize| {
        places
            .get(names[i])
            .cloned()
            .unwrap_or_else(|| names[i].to_owned())
    };
    let mut errors = cycles(&alias_edges)
        .into_iter()
        .map(|cycle| {
            let path: Vec<String> = cycle.iter().map(|&i| place_of(i)).collect();
            alias_cycle(&path[0], &path)
        })
        .collect::<Vec<_>>();
    if errors.is_empty() {
        let same_value = graph(defs.values(), |kind| {
            same_value_types(kind).filter_map(by_value_target).collect()
        });
        errors.extend(cycles(&same_value).into_iter().map(|cycle| {
            let path: Vec<String> = cycle.iter().map(|&i| place_of(i)).collect();
            ModelError::Rejected {
                place: path[0].clone(),
                what: format!(
                    "a union that includes itself: decoding it would decode it again from the \
                     same value, without end: {}",
                    path.join(" → ")
                ),
                help: "remove the `oneOf`/`anyOf` branch (or `allOf` part) that refers back: \
                       it accepts nothing the other branches do not"
                    .to_owned(),
            }
        }));
    }
    if let Some(error) = ModelError::from_all(errors) {
        return Err(error);
    }

    let by_value = graph(defs.values(), |kind| {
        held_types(kind).filter_map(by_value_target).collect()
    });
    let component = strongly_connected(&by_value);
    let to_box: Vec<Vec<usize>> = by_value
        .iter()
        .enumerate()
        .map(|(i, targets)| {
            let mut boxed: Vec<usize> = targets
                .iter()
                .copied()
                .filter(|&j| component[j] == component[i])
                .collect();
            boxed.sort_unstable();
            boxed.dedup();
            boxed
        })
        .collect();
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    for (i, def) in defs.values_mut().enumerate() {
        for &j in &to_box[i] {
            for ty in held_types_mut(&mut def.kind) {
                if by_value_target(ty) == Some(names[j].as_str()) {
                    box_named(ty);
                }
            }
        }
    }
    Ok(())
}

/// The error for a cycle of schemas that are each only another one of them (`A: $ref B`,
/// `B: $ref A`), given as the places it goes through, back to the first; found here over the
/// aliases of the model, or by `schema` while it follows a chain of `$ref`s.
pub(super) fn alias_cycle(place: &str, cycle: &[String]) -> ModelError {
    ModelError::Rejected {
        place: place.to_owned(),
        what: format!(
            "a `$ref` cycle of schemas that are each only another one of them: {}",
            cycle.join(" → ")
        ),
        help: "each schema of the cycle is a `$ref` to the next (or a one-part `allOf`/`anyOf`, \
               or an array or map of it), so none says what the data is: give one of them a \
               shape of its own (`type: object` with `properties`) or point its `$ref` elsewhere"
            .to_owned(),
    }
}

/// One cycle per strongly connected component that has one (several nodes, or a node with
/// an edge to itself), in node order: the shortest way from the component's first node back
/// to itself, both ends included.
fn cycles(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let component = strongly_connected(edges);
    let mut size: BTreeMap<usize, usize> = BTreeMap::new();
    for &c in &component {
        *size.entry(c).or_default() += 1;
    }
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for start in 0..edges.len() {
        let c = component[start];
        let cyclic = size[&c] > 1 || edges[start].contains(&start);
        if !cyclic || !done.insert(c) {
            continue;
        }
        // Breadth first from `start`, inside its component, until an edge leads back.
        let mut parent: BTreeMap<usize, usize> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        let mut last = start;
        'search: while let Some(node) = queue.pop_front() {
            for &next in &edges[node] {
                if next == start {
                    last = node;
                    break 'search;
                }
                if component[next] == c && !parent.contains_key(&next) {
                    parent.insert(next, node);
                    queue.push_back(next);
                }
            }
        }
        // `last` → its parents → `start`, turned round, then back to `start`.
        let mut path = vec![last];
        while let Some(&p) = path.last().and_then(|node| parent.get(node)) {
            path.push(p);
        }
        path.reverse();
        path.push(start);
        out.push(path);
    }
    out
}

/// For each node, the id of its strongly connected component (Tarjan's algorithm with an
/// explicit stack: deep graphs do not recurse).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut component = vec![UNSEEN; n];
    let mut next_order = 0;
    let mut next_component = 0;
    // The nodes being visited, each with the position of the next edge to follow.
    let mut visiting: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        visiting.push((root, 0));
        while let Some(&(v, position)) = visiting.last() {
            if order[v] == UNSEEN {
                // First look at `v`.
                order[v] = next_order;
                low[v] = next_order;
                next_order += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(position) {
                if let Some(top) = visiting.last_mut() {
                    top.1 += 1;
                }
                if order[w] == UNSEEN {
                    visiting.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            visiting.pop();
            if let Some(&(parent, _)) = visiting.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == order[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// How deep the named types nest in one another: the most named types on one chain of
/// holdings (`A` holds `B` holds `C`: 3), through every kind of holding (by value, in an
/// `Option`, a `Box`, a `Vec` or a map), counting the types of a cycle once each.
///
/// The compiler walks exactly these chains, field by field, when it works out whether a type
/// needs drop glue and which auto traits (`Send`, `Sync`, ...) it has, and gives up past the
/// crate's `recursion_limit` (E0320 "overflow while adding drop-check rules", "queries
/// overflow the depth limit"); emit sets the limit from this depth. A `Box` or a `Vec` does
/// not cut the chain: the compiler looks through them too. Linear in the size of the model:
/// the longest path over the strongly connected components, which Tarjan's algorithm numbers
/// so that every edge between two components goes to a lower number.
pub(super) fn nesting_depth(types: &[TypeDef]) -> usize {
    let edges = graph(types.iter(), |kind| {
        let mut targets = Vec::new();
        for ty in held_types(kind) {
            every_named(ty, &mut targets);
        }
        targets
    });
    let component = strongly_connected(&edges);
    let count = component.iter().map(|&c| c + 1).max().unwrap_or(0);
    let mut members = vec![Vec::new(); count];
    for (node, &c) in component.iter().enumerate() {
        members[c].push(node);
    }
    let mut depth = vec![0; count];
    for c in 0..count {
        let below = members[c]
            .iter()
            .flat_map(|&node| &edges[node])
            .map(|&next| component[next])
            .filter(|&d| d != c)
            .map(|d| depth[d])
            .max()
            .unwrap_or(0);
        depth[c] = members[c].len() + below;
    }
    depth.into_iter().max().unwrap_or(0)
}

/// One graph over the named types `defs` (numbered in the order given, which is name order
/// everywhere here): for each type, the types that `targets` names in its shape.
fn graph<'d>(
    defs: impl Iterator<Item = &'d TypeDef> + Clone,
    targets: impl Fn(&'d TypeKind) -> Vec<&'d str>,
) -> Vec<Vec<usize>> {
    let index: BTreeMap<&str, usize> = defs
        .clone()
        .enumerate()
        .map(|(i, def)| (def.name.as_str(), i))
        .collect();
    defs.map(|def| {
        targets(&def.kind)
            .into_iter()
            .filter_map(|name| index.get(name).copied())
            .collect()
    })
    .collect()
}

/// Every named type `ty` mentions, at any depth.
fn every_named<'t>(ty: &'t TypeRef, into: &mut Vec<&'t str>) {
    match ty {
        TypeRef::Named(name) => into.push(name),
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Box(inner) => {
            every_named(inner, into);
        }
        _ => {}
    }
}

/// The types decoded from the same JSON value as a value of `kind` itself.
fn same_value_types(kind: &TypeKind) -> Box<dyn Iterator<Item = &TypeRef> + '_> {
    match kind {
        TypeKind::Struct { fields } => Box::new(fields.iter().filter(|f| f.flatten).map(|f| &f.ty)),
        TypeKind::Union { variants } => Box::new(variants.iter().map(|v| &v.ty)),
        TypeKind::Tagged { variants, .. } => Box::new(variants.iter().map(|v| &v.ty)),
        TypeKind::Alias(ty) => Box::new(std::iter::once(ty)),
        TypeKind::Enum { .. } => Box::new(std::iter::empty()),
    }
}

fn held_types(kind: &TypeKind) -> Box<dyn Iterator<Item = &TypeRef> + '_> {
    match kind {
        TypeKind::Struct { fields } => Box::new(fields.iter().map(|f| &f.ty)),
        TypeKind::Union { variants } => Box::new(variants.iter().map(|v| &v.ty)),
        TypeKind::Tagged { variants, .. } => Box::new(variants.iter().map(|v| &v.ty)),
        TypeKind::Alias(ty) => Box::new(std::iter::once(ty)),
        TypeKind::Enum { .. } => Box::new(std::iter::empty()),
    }
}

fn held_types_mut(kind: &mut TypeKind) -> Box<dyn Iterator<Item = &mut TypeRef> + '_> {
    match kind {
        TypeKind::Struct { fields } => Box::new(fields.iter_mut().map(|f| &mut f.ty)),
        TypeKind::Union { variants } => Box::new(variants.iter_mut().map(|v| &mut v.ty)),
        TypeKind::Tagged { variants, .. } => Box::new(variants.iter_mut().map(|v| &mut v.ty)),
        TypeKind::Alias(_) | TypeKind::Enum { .. } => Box::new(std::iter::empty()),
    }
}

/// The named type `ty` holds by value: itself, or in an `Option` or a `Box`.
fn by_value_target(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        TypeRef::Option(inner) | TypeRef::Box(inner) => by_value_target(inner),
        _ => None,
    }
}

fn box_named(ty: &mut TypeRef) {
    match ty {
        TypeRef::Option(inner) => box_named(inner),
        TypeRef::Named(_) => {
            let named = std::mem::replace(ty, TypeRef::Json);
            *ty = TypeRef::Box(Box::new(named));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_of_a_long_chain_and_a_ring_without_recursion() {
        let n = 200_000;
        let chain: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        let ids = strongly_connected(&chain);
        assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), n);
        assert!(cycles(&chain).is_empty());
        let ring: Vec<Vec<usize>> = (0..n).map(|i| vec![(i + 1) % n]).collect();
        assert!(strongly_connected(&ring).iter().all(|&c| c == 0));
        let found = cycles(&ring);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].len(), n + 1);
        assert_eq!((found[0][0], found[0][1], found[0][n]), (0, 1, 0));
    }

    #[test]
    fn cycles_are_the_shortest_way_back_and_self_loops_count() {
        // 0 → 1 → 2 → 0 and 1 → 0; 3 → 3; 4 → 0 (not on a cycle).
        let edges = vec![vec![1], vec![2, 0], vec![0], vec![3], vec![0]];
        assert_eq!(cycles(&edges), [vec![0, 1, 0], vec![3, 3]]);
    }
}
