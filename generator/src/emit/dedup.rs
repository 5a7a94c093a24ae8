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
    // Start from the shapes and split classes by the classes their references are in, until
    // no class splits.
    let mut class = shape.clone();
    let mut count = shapes.len();
    loop {
        let mut ids: BTreeMap<(usize, Vec<usize>), usize> = BTreeMap::new();
        let mut next = Vec::with_capacity(types.len());
        for i in 0..types.len() {
            let key = (class[i], refs[i].iter().map(|&j| class[j]).collect());
            let id = ids.len();
            next.push(*ids.entry(key).or_insert(id));
        }
        let new_count = ids.len();
        class = next;
        if new_count == count {
            break;
        }
        count = new_count;
    }
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

/// The shape of a type as text, with each named type replaced by `named(name)`. Aliases are
/// never merged (they are one line each): their signature holds their own index.
fn signature(i: usize, def: &TypeDef, named: &mut dyn FnMut(&str) -> String) -> String {
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
            doc: String::new(),
        }
    }

    fn object(name: &str, fields: Vec<Field>) -> TypeDef {
        TypeDef {
            name: name.into(),
            doc: String::new(),
            kind: TypeKind::Struct { fields },
            component: true,
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
}
