//! The Rust rules: does code written against the old generated crate still compile and mean
//! the same against the new one? Compares the two models ([`Api`]), judged against what the
//! emit stage writes, asking emit's own predicates where it decides per type
//! (`derives_default`, `has_constructor`, `taken_by_new`, `built_types` in `emit::types`):
//!
//! - a `Client` method per operation (required parameters and a required body positional,
//!   optional ones setters of the builder), returning the success type, failing with a
//!   per-operation error enum of one variant per documented error status; the error enum and
//!   the success enum (several success bodies) are `#[non_exhaustive]`, so a new status is
//!   additive;
//! - structs are `#[non_exhaustive]` with public fields: a new field is additive (no caller
//!   can have written a struct literal or an exhaustive pattern); a struct a caller builds
//!   derives `Default` (all fields optional) or has `new` with its required fields, so a
//!   required field added to it (an argument more), or `Default` lost, is breaking;
//! - open enums, untagged and tagged unions are `#[non_exhaustive]`: a new variant is additive
//!   (a value that arrived as `Unknown(..)`, or as another variant, may now arrive as it);
//!   closed enums (the one value that tells union variants apart) are exhaustive;
//! - one `ClientBuilder` method per security scheme.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Change, Layer, Side, Subject, Verdict};
use crate::emit::{built_types, derives_default, has_constructor, taken_by_new};
use crate::method::HttpMethod;
use crate::model::{Api, Field, Operation, Response, Success, TypeDef, TypeKind, TypeRef, camel};
use crate::pointer::escape as pointer_token;

/// Every Rust change from `old` to `new`; the documents give the places of types.
pub(super) fn changes(old: &Api, new: &Api, old_doc: &Value, new_doc: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    operations(old, new, &mut out);
    let old_places = TypePlaces::new(old, old_doc);
    let new_places = TypePlaces::new(new, new_doc);
    types(old, new, &old_places, &new_places, &mut out);
    security(old, new, &mut out);
    out
}

/// Records one change of the operation or type being compared: verdict, kind, message.
type Push<'a> = dyn Fn(&mut Vec<Change>, Verdict, &'static str, String) + 'a;

/// Where a change inside an operation or type is shown: what was removed in the old pages
/// (`places.0`), everything else in the new ones (`places.1`).
fn side_of(kind: &str, places: &(String, String)) -> (Side, String) {
    if kind.ends_with("-removed") {
        (Side::Old, places.0.clone())
    } else {
        (Side::New, places.1.clone())
    }
}

fn op_subject(op: &Operation) -> Subject {
    Subject::Operation {
        path: op.path.clone(),
        method: op.method,
    }
}

fn op_pointer(op: &Operation) -> String {
    super::wire::op_pointer(&op.path, op.method)
}

fn change(
    verdict: Verdict,
    kind: &'static str,
    subject: Subject,
    side: Side,
    pointer: String,
    message: String,
) -> Change {
    Change::new(verdict, Layer::Rust, kind, subject, message).at(side, pointer)
}

fn operations(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let old_by_name: BTreeMap<&str, &Operation> = old
        .operations
        .iter()
        .map(|op| (op.name.as_str(), op))
        .collect();
    let new_by_name: BTreeMap<&str, &Operation> = new
        .operations
        .iter()
        .map(|op| (op.name.as_str(), op))
        .collect();
    let new_by_route: BTreeMap<(&str, HttpMethod), &Operation> = new
        .operations
        .iter()
        .map(|op| ((op.path.as_str(), op.method), op))
        .collect();
    let mut renamed_to = BTreeSet::new();
    for (name, old_op) in &old_by_name {
        if let Some(new_op) = new_by_name.get(name) {
            operation(old_op, new_op, out);
            continue;
        }
        match new_by_route.get(&(old_op.path.as_str(), old_op.method)) {
            Some(new_op) if !old_by_name.contains_key(new_op.name.as_str()) => {
                renamed_to.insert(new_op.name.as_str());
                out.push(change(
                    Verdict::Breaking,
                    "method-renamed",
                    op_subject(new_op),
                    Side::New,
                    op_pointer(new_op),
                    format!("`Client::{name}` is now `Client::{}`", new_op.name),
                ));
            }
            _ => out.push(change(
                Verdict::Breaking,
                "method-removed",
                op_subject(old_op),
                Side::Old,
                op_pointer(old_op),
                format!("`Client::{name}` was removed"),
            )),
        }
    }
    for (name, new_op) in &new_by_name {
        if !old_by_name.contains_key(name) && !renamed_to.contains(name) {
            out.push(change(
                Verdict::Additive,
                "method-added",
                op_subject(new_op),
                Side::New,
                op_pointer(new_op),
                format!("`Client::{name}` was added"),
            ));
        }
    }
}

/// The positional arguments of a method: required parameters, then a required body.
fn positional(op: &Operation) -> Vec<(String, TypeRef)> {
    let mut args: Vec<(String, TypeRef)> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| (p.name.clone(), p.ty.clone()))
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        args.push(("body".to_owned(), body.ty.clone()));
    }
    args
}

/// The builder's setters: optional parameters and an optional body.
fn setters(op: &Operation) -> BTreeMap<String, TypeRef> {
    let mut setters: BTreeMap<String, TypeRef> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| (p.name.clone(), p.ty.clone()))
        .collect();
    if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
        setters.insert("body".to_owned(), body.ty.clone());
    }
    setters
}

fn operation(old: &Operation, new: &Operation, out: &mut Vec<Change>) {
    let subject = op_subject(new);
    let places = (op_pointer(old), op_pointer(new));
    let name = &new.name;
    let push = |out: &mut Vec<Change>, verdict, kind, message: String| {
        let (side, at) = side_of(kind, &places);
        out.push(change(verdict, kind, subject.clone(), side, at, message));
    };

    let (old_args, new_args) = (positional(old), positional(new));
    if old_args.len() < new_args.len() {
        let added: Vec<String> = new_args
            .iter()
            .filter(|(n, _)| !old_args.iter().any(|(o, _)| o == n))
            .map(|(n, t)| format!("`{n}: {}`", show(t)))
            .collect();
        push(
            out,
            Verdict::Breaking,
            "positional-parameter-added",
            format!(
                "`Client::{name}` takes {} positional argument{} more: {}",
                new_args.len() - old_args.len(),
                plural(new_args.len() - old_args.len()),
                added.join(", ")
            ),
        );
    } else if old_args.len() > new_args.len() {
        let removed: Vec<String> = old_args
            .iter()
            .filter(|(o, _)| !new_args.iter().any(|(n, _)| o == n))
            .map(|(o, _)| format!("`{o}`"))
            .collect();
        push(
            out,
            Verdict::Breaking,
            "positional-parameter-removed",
            format!(
                "`Client::{name}` takes {} positional argument{} fewer: {}",
                old_args.len() - new_args.len(),
                plural(old_args.len() - new_args.len()),
                removed.join(", ")
            ),
        );
    } else {
        for ((old_name, old_ty), (new_name, new_ty)) in old_args.iter().zip(&new_args) {
            if old_ty != new_ty {
                push(
                    out,
                    Verdict::Breaking,
                    "parameter-type-changed",
                    format!(
                        "argument `{new_name}` of `Client::{name}` (was `{old_name}`) changed type from `{}` to `{}`",
                        show(old_ty),
                        show(new_ty)
                    ),
                );
            }
        }
    }

    let (old_setters, new_setters) = (setters(old), setters(new));
    for (setter, old_ty) in &old_setters {
        match new_setters.get(setter) {
            None => {
                let now_positional = new_args.iter().any(|(n, _)| n == setter);
                let how = if now_positional {
                    "became a positional argument"
                } else {
                    "was removed"
                };
                push(
                    out,
                    Verdict::Breaking,
                    "setter-removed",
                    format!("the setter `{setter}` of `Client::{name}`'s builder {how}"),
                );
            }
            Some(new_ty) if new_ty != old_ty => push(
                out,
                Verdict::Breaking,
                "setter-type-changed",
                format!(
                    "the setter `{setter}` of `Client::{name}`'s builder takes `{}` instead of `{}`",
                    show(new_ty),
                    show(old_ty)
                ),
            ),
            Some(_) => {}
        }
    }
    for (setter, ty) in &new_setters {
        if !old_setters.contains_key(setter) {
            push(
                out,
                Verdict::Additive,
                "setter-added",
                format!(
                    "`Client::{name}`'s builder gained the setter `{setter}({})`",
                    show(ty)
                ),
            );
        }
    }

    if old.success != new.success {
        push(
            out,
            Verdict::Breaking,
            "return-type-changed",
            format!(
                "`Client::{name}` returns `{}` instead of `{}`",
                show_success(new),
                show_success(old)
            ),
        );
    } else if new.success == Success::Enum {
        variants(
            &old.responses,
            &new.responses,
            true,
            &new.response_name(),
            out,
            &push,
        );
    }
    variants(
        &old.responses,
        &new.responses,
        false,
        &new.error_name(),
        out,
        &push,
    );
    pagination(old, new, out, &push);
    if old.doc != new.doc || old.example != new.example {
        push(
            out,
            Verdict::Patch,
            "docs-changed",
            format!("the rustdoc of `Client::{name}` changed"),
        );
    }
}

/// The builder's `.pages()` and `.items()` (`model::pagination`): gained (additive), lost or
/// with another item type (breaking), or paging another way (patch: the same methods).
fn pagination(old: &Operation, new: &Operation, out: &mut Vec<Change>, push: &Push<'_>) {
    let name = &new.name;
    match (&old.pagination, &new.pagination) {
        (None, Some(paged)) => push(
            out,
            Verdict::Additive,
            "pagination-added",
            format!(
                "`Client::{name}` pages ({}): its builder has `.pages()` and `.items()`",
                paged.style.name()
            ),
        ),
        (Some(_), None) => push(
            out,
            Verdict::Breaking,
            "pagination-removed",
            format!(
                "`Client::{name}` no longer pages: its builder's `.pages()` and `.items()` are gone"
            ),
        ),
        (Some(was), Some(is)) if was.items.item != is.items.item => push(
            out,
            Verdict::Breaking,
            "pagination-items-changed",
            format!(
                "the items of `Client::{name}` are `{}`, not `{}`",
                show(&is.items.item),
                show(&was.items.item)
            ),
        ),
        (Some(was), Some(is)) if was.style != is.style || was.items != is.items => push(
            out,
            Verdict::Patch,
            "pagination-changed",
            format!(
                "`Client::{name}` pages another way ({}, was {})",
                is.style.name(),
                was.style.name()
            ),
        ),
        _ => {}
    }
}

/// The variants of the error enum (`success == false`) or of the success enum.
fn variants(
    old: &[Response],
    new: &[Response],
    success: bool,
    enum_name: &str,
    out: &mut Vec<Change>,
    push: &Push<'_>,
) {
    let of = |responses: &[Response]| -> BTreeMap<String, Option<TypeRef>> {
        responses
            .iter()
            .filter(|r| r.success == success)
            .map(|r| (r.variant.clone(), r.body.as_ref().map(|b| b.1.clone())))
            .collect()
    };
    let (old, new) = (of(old), of(new));
    let (added, removed, changed) = if success {
        (
            "response-variant-added",
            "response-variant-removed",
            "response-variant-changed",
        )
    } else {
        (
            "error-variant-added",
            "error-variant-removed",
            "error-variant-changed",
        )
    };
    for (variant, old_ty) in &old {
        match new.get(variant) {
            None => push(
                out,
                Verdict::Breaking,
                removed,
                format!("`{enum_name}::{variant}` was removed"),
            ),
            Some(new_ty) if new_ty != old_ty => push(
                out,
                Verdict::Breaking,
                changed,
                format!(
                    "`{enum_name}::{variant}` holds {} instead of {}",
                    show_payload(new_ty),
                    show_payload(old_ty)
                ),
            ),
            Some(_) => {}
        }
    }
    let before = if success {
        "a success the client did not document"
    } else {
        "`Error::UnexpectedStatus`"
    };
    for variant in new.keys() {
        if !old.contains_key(variant) {
            push(
                out,
                Verdict::Additive,
                added,
                format!(
                    "`{enum_name}` gained the variant `{variant}` (it is `#[non_exhaustive]`): this status, {before} until now, arrives as it"
                ),
            );
        }
    }
}

/// Where each named type is defined: its component, else the first operation that uses it.
struct TypePlaces {
    places: BTreeMap<String, String>,
}

impl TypePlaces {
    fn new(api: &Api, doc: &Value) -> TypePlaces {
        let mut places = BTreeMap::new();
        if let Some(schemas) = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for key in schemas.keys() {
                places
                    .entry(camel(key))
                    .or_insert_with(|| format!("/components/schemas/{}", pointer_token(key)));
            }
        }
        let map = api.type_map();
        for op in &api.operations {
            let mut stack: Vec<&TypeRef> = op.params.iter().map(|p| &p.ty).collect();
            stack.extend(op.body.as_ref().map(|b| &b.ty));
            stack.extend(
                op.responses
                    .iter()
                    .filter_map(|r| r.body.as_ref().map(|b| &b.1)),
            );
            if let Success::Type(ty) = &op.success {
                stack.push(ty);
            }
            let mut seen = BTreeSet::new();
            while let Some(ty) = stack.pop() {
                match ty {
                    TypeRef::Named(name) => {
                        if seen.insert(name.as_str())
                            && let Some(def) = map.get(name.as_str())
                        {
                            stack.extend(def.kind.held_types());
                        }
                    }
                    TypeRef::Vec(inner)
                    | TypeRef::Map(inner)
                    | TypeRef::Option(inner)
                    | TypeRef::Box(inner) => stack.push(inner),
                    _ => {}
                }
            }
            for name in seen {
                places
                    .entry(name.to_owned())
                    .or_insert_with(|| op_pointer(op));
            }
        }
        TypePlaces { places }
    }

    fn of(&self, name: &str) -> String {
        self.places.get(name).cloned().unwrap_or_default()
    }
}

/// What a shape is called in messages.
fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "a struct",
        TypeKind::Enum { open: true, .. } => "an open enum",
        TypeKind::Enum { open: false, .. } => "a closed enum",
        TypeKind::Union { .. } => "an untagged union",
        TypeKind::Tagged { .. } => "a tagged union",
        TypeKind::Alias(_) => "a type alias",
    }
}

fn types(
    old: &Api,
    new: &Api,
    old_places: &TypePlaces,
    new_places: &TypePlaces,
    out: &mut Vec<Change>,
) {
    let old_types = old.type_map();
    let new_types = new.type_map();
    let (old_sent, new_sent) = (built_types(old), built_types(new));
    for (name, old_def) in &old_types {
        let subject = Subject::Type((*name).to_owned());
        let Some(new_def) = new_types.get(name) else {
            out.push(change(
                Verdict::Breaking,
                "type-removed",
                subject,
                Side::Old,
                old_places.of(name),
                format!("the type `{name}` was removed"),
            ));
            continue;
        };
        let places = (old_places.of(name), new_places.of(name));
        let push = |out: &mut Vec<Change>, verdict, kind, message: String| {
            let (side, at) = side_of(kind, &places);
            out.push(change(verdict, kind, subject.clone(), side, at, message));
        };
        let sent = (old_sent.contains(name), new_sent.contains(name));
        type_def(old_def, new_def, sent, out, &push);
    }
    for (name, def) in &new_types {
        if !old_types.contains_key(name) {
            out.push(change(
                Verdict::Additive,
                "type-added",
                Subject::Type((*name).to_owned()),
                Side::New,
                new_places.of(name),
                format!("the type `{name}` ({}) was added", kind_name(&def.kind)),
            ));
        }
    }
}

fn type_def(
    old: &TypeDef,
    new: &TypeDef,
    (old_sent, new_sent): (bool, bool),
    out: &mut Vec<Change>,
    push: &Push<'_>,
) {
    let name = &new.name;
    let mut docs_changed = old.doc != new.doc;
    match (&old.kind, &new.kind) {
        (TypeKind::Struct { fields: old_fields }, TypeKind::Struct { fields: new_fields }) => {
            let by_name = |fields: &[Field]| -> BTreeMap<String, Field> {
                fields.iter().map(|f| (f.name.clone(), f.clone())).collect()
            };
            let (old_map, new_map) = (by_name(old_fields), by_name(new_fields));
            for (field, old_field) in &old_map {
                match new_map.get(field) {
                    None => push(
                        out,
                        Verdict::Breaking,
                        "field-removed",
                        format!("the field `{name}::{field}` was removed"),
                    ),
                    Some(new_field) => {
                        if new_field.ty != old_field.ty {
                            push(
                                out,
                                Verdict::Breaking,
                                "field-type-changed",
                                format!(
                                    "the field `{name}::{field}` changed type from `{}` to `{}`",
                                    show(&old_field.ty),
                                    show(&new_field.ty)
                                ),
                            );
                        }
                        docs_changed |= new_field.doc != old_field.doc;
                    }
                }
            }
            for (field, new_field) in &new_map {
                if !old_map.contains_key(field) {
                    push(
                        out,
                        Verdict::Additive,
                        "field-added",
                        format!(
                            "`{name}` gained the field `{field}: {}` (it is `#[non_exhaustive]`: no caller wrote a struct literal or an exhaustive pattern of it)",
                            show(&new_field.ty)
                        ),
                    );
                }
            }
            match (derives_default(old_fields), derives_default(new_fields)) {
                (true, false) => push(
                    out,
                    Verdict::Breaking,
                    "default-removed",
                    format!("`{name}` no longer implements `Default`"),
                ),
                (false, true) => push(
                    out,
                    Verdict::Additive,
                    "default-added",
                    format!("`{name}` now implements `Default`"),
                ),
                _ => {}
            }
            match (
                has_constructor(old_fields, old_sent),
                has_constructor(new_fields, new_sent),
            ) {
                (true, false) => push(
                    out,
                    Verdict::Breaking,
                    "constructor-removed",
                    format!("`{name}::new` was removed"),
                ),
                (false, true) => push(
                    out,
                    Verdict::Additive,
                    "constructor-added",
                    format!("`{name}::new` (its required fields) was added"),
                ),
                (true, true) => {
                    let (old_args, new_args) =
                        (constructor_args(old_fields), constructor_args(new_fields));
                    if old_args != new_args {
                        push(
                            out,
                            Verdict::Breaking,
                            "constructor-changed",
                            format!(
                                "`{name}::new` takes ({}), was ({})",
                                show_args(&new_args),
                                show_args(&old_args)
                            ),
                        );
                    }
                }
                (false, false) => {}
            }
        }
        (
            TypeKind::Enum {
                variants: old_variants,
                open: old_open,
            },
            TypeKind::Enum {
                variants: new_variants,
                open: new_open,
            },
        ) => {
            let of = |variants: &[crate::model::EnumVariant]| -> BTreeMap<String, String> {
                variants
                    .iter()
                    .map(|v| (v.name.clone(), v.value.clone()))
                    .collect()
            };
            let (old_map, new_map) = (of(old_variants), of(new_variants));
            for (variant, value) in &old_map {
                match new_map.get(variant) {
                    None => push(
                        out,
                        Verdict::Breaking,
                        "enum-variant-removed",
                        format!("`{name}::{variant}` (`{value}`) was removed"),
                    ),
                    Some(new_value) if new_value != value => push(
                        out,
                        Verdict::Breaking,
                        "enum-value-changed",
                        format!("`{name}::{variant}` is `{new_value}` on the wire, was `{value}`"),
                    ),
                    Some(_) => {}
                }
            }
            for (variant, value) in &new_map {
                if !old_map.contains_key(variant) {
                    // An open enum is `#[non_exhaustive]`; a closed one (the one value that
                    // tells union variants apart) is exhaustive.
                    let (verdict, message) = if *old_open && *new_open {
                        (
                            Verdict::Additive,
                            format!(
                                "`{name}` gained the variant `{variant}` (`{value}`; it is `#[non_exhaustive]`): a value that arrived as `Unknown` now arrives as it"
                            ),
                        )
                    } else {
                        (
                            Verdict::Breaking,
                            format!(
                                "`{name}` gained the variant `{variant}` (`{value}`): exhaustive `match`es of this closed enum no longer compile"
                            ),
                        )
                    };
                    push(out, verdict, "enum-variant-added", message);
                }
            }
            if old_open != new_open {
                push(
                    out,
                    Verdict::Breaking,
                    "enum-openness-changed",
                    format!(
                        "`{name}` is now {} (was {})",
                        kind_name(&new.kind),
                        kind_name(&old.kind)
                    ),
                );
            }
        }
        (TypeKind::Union { variants: a }, TypeKind::Union { variants: b }) => {
            let of = |v: &[crate::model::UnionVariant]| -> BTreeMap<String, TypeRef> {
                v.iter().map(|v| (v.name.clone(), v.ty.clone())).collect()
            };
            payload_variants(name, &of(a), &of(b), "union", out, push);
        }
        (
            TypeKind::Tagged {
                tag: old_tag,
                variants: a,
            },
            TypeKind::Tagged {
                tag: new_tag,
                variants: b,
            },
        ) => {
            let of = |v: &[crate::model::TaggedVariant]| -> BTreeMap<String, TypeRef> {
                v.iter().map(|v| (v.name.clone(), v.ty.clone())).collect()
            };
            payload_variants(name, &of(a), &of(b), "tagged", out, push);
            if old_tag != new_tag {
                push(
                    out,
                    Verdict::Breaking,
                    "tag-changed",
                    format!("`{name}` is told apart by `{new_tag}`, was `{old_tag}`"),
                );
            }
        }
        (TypeKind::Alias(a), TypeKind::Alias(b)) => {
            if a != b {
                push(
                    out,
                    Verdict::Breaking,
                    "alias-target-changed",
                    format!("`{name}` is now `{}`, was `{}`", show(b), show(a)),
                );
            }
        }
        (old_kind, new_kind) => push(
            out,
            Verdict::Breaking,
            "type-kind-changed",
            format!(
                "`{name}` is now {}, was {}",
                kind_name(new_kind),
                kind_name(old_kind)
            ),
        ),
    }
    if docs_changed {
        push(
            out,
            Verdict::Patch,
            "docs-changed",
            format!("the rustdoc of `{name}` changed"),
        );
    }
}

/// Variants with payloads (untagged or tagged unions).
fn payload_variants(
    name: &str,
    old: &BTreeMap<String, TypeRef>,
    new: &BTreeMap<String, TypeRef>,
    what: &'static str,
    out: &mut Vec<Change>,
    push: &Push<'_>,
) {
    let (added, removed, changed) = match what {
        "union" => (
            "union-variant-added",
            "union-variant-removed",
            "union-variant-changed",
        ),
        _ => (
            "tagged-variant-added",
            "tagged-variant-removed",
            "tagged-variant-changed",
        ),
    };
    for (variant, ty) in old {
        match new.get(variant) {
            None => push(
                out,
                Verdict::Breaking,
                removed,
                format!("`{name}::{variant}` was removed"),
            ),
            Some(new_ty) if new_ty != ty => push(
                out,
                Verdict::Breaking,
                changed,
                format!(
                    "`{name}::{variant}` holds `{}` instead of `{}`",
                    show(new_ty),
                    show(ty)
                ),
            ),
            Some(_) => {}
        }
    }
    for (variant, ty) in new {
        if !old.contains_key(variant) {
            push(
                out,
                Verdict::Additive,
                added,
                format!(
                    "`{name}` gained the variant `{variant}({})` (it is `#[non_exhaustive]`): a value may now decode as it",
                    show(ty)
                ),
            );
        }
    }
}

fn security(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let of = |api: &Api| -> BTreeMap<String, String> {
        api.security_schemes
            .iter()
            .map(|s| (s.method.clone(), s.key.clone()))
            .collect()
    };
    let (old_methods, new_methods) = (of(old), of(new));
    let pointer = |key: &str| format!("/components/securitySchemes/{}", pointer_token(key));
    for (method, key) in &old_methods {
        if !new_methods.contains_key(method) {
            out.push(change(
                Verdict::Breaking,
                "credential-method-removed",
                Subject::Api,
                Side::Old,
                pointer(key),
                format!("`ClientBuilder::{method}` was removed"),
            ));
        }
    }
    for (method, key) in &new_methods {
        if !old_methods.contains_key(method) {
            out.push(change(
                Verdict::Additive,
                "credential-method-added",
                Subject::Api,
                Side::New,
                pointer(key),
                format!("`ClientBuilder::{method}` was added"),
            ));
        }
    }
}

/// The arguments of a struct's `new` (see `emit::types::constructor`), in order.
fn constructor_args(fields: &[Field]) -> Vec<(&str, &TypeRef)> {
    fields
        .iter()
        .filter(|f| taken_by_new(f))
        .map(|f| (f.name.as_str(), &f.ty))
        .collect()
}

fn show_args(args: &[(&str, &TypeRef)]) -> String {
    args.iter()
        .map(|(name, ty)| format!("{name}: {}", show(ty)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn show_success(op: &Operation) -> String {
    match &op.success {
        Success::Unit => "()".to_owned(),
        Success::Type(ty) => show(ty),
        Success::Enum => op.response_name(),
    }
}

fn show_payload(ty: &Option<TypeRef>) -> String {
    match ty {
        Some(ty) => format!("`{}`", show(ty)),
        None => "nothing".to_owned(),
    }
}

/// A type as the generated code writes it (without module paths).
pub(super) fn show(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::I32 => "i32".to_owned(),
        TypeRef::I64 => "i64".to_owned(),
        TypeRef::U64 => "u64".to_owned(),
        TypeRef::F32 => "f32".to_owned(),
        TypeRef::F64 => "f64".to_owned(),
        TypeRef::Uuid => "Uuid".to_owned(),
        TypeRef::DateTime => "DateTime<Utc>".to_owned(),
        TypeRef::Date => "NaiveDate".to_owned(),
        TypeRef::Bytes => "Vec<u8>".to_owned(),
        TypeRef::Json => "serde_json::Value".to_owned(),
        TypeRef::JsonObject => "serde_json::Map<String, serde_json::Value>".to_owned(),
        TypeRef::Named(name) | TypeRef::User(name) => name.clone(),
        TypeRef::Form => "Form".to_owned(),
        TypeRef::ByteStream => "ByteStream".to_owned(),
        TypeRef::Upload => "Upload".to_owned(),
        TypeRef::Events(inner) => format!("EventStream<{}>", show(inner)),
        TypeRef::Vec(inner) => format!("Vec<{}>", show(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", show(inner)),
        TypeRef::Option(inner) => format!("Option<{}>", show(inner)),
        TypeRef::Box(inner) => format!("Box<{}>", show(inner)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;
    use serde_json::json;

    /// The model of a document with `paths` and `schemas`.
    fn api(paths: Value, schemas: Value) -> (Api, Value) {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": paths,
            "components": {"schemas": schemas}
        });
        let api = Api::from_merged(&doc, &Options::default()).expect("model");
        (api, doc)
    }

    fn kinds(old: &(Api, Value), new: &(Api, Value)) -> Vec<(&'static str, Verdict)> {
        let mut found: Vec<(&'static str, Verdict)> = changes(&old.0, &new.0, &old.1, &new.1)
            .into_iter()
            .filter(|c| c.kind != "docs-changed")
            .map(|c| (c.kind, c.verdict))
            .collect();
        found.sort();
        found
    }

    fn get(params: Value, schema: Value) -> Value {
        json!({"/a": {"get": {"operationId": "get_a", "parameters": params,
            "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": schema}}},
                "404": {"description": "gone"}}}}})
    }

    fn job(props: Value, required: Value) -> Value {
        json!({"Job": {"type": "object", "properties": props, "required": required}})
    }

    const JOB: &str = "#/components/schemas/Job";

    /// `post /a` with a required body of `Job`.
    fn post(schema: Value) -> Value {
        json!({"/a": {"post": {"operationId": "post_a",
            "requestBody": {"required": true, "content": {"application/json": {"schema": schema}}},
            "responses": {"204": {"description": "ok"}}}}})
    }

    #[test]
    fn a_new_field_is_additive_unless_new_takes_it() {
        let id = json!({"id": {"type": "string"}});
        let with_note = json!({"id": {"type": "string"}, "note": {"type": "string"}});
        // A response struct: any new field, required or not, is additive.
        let response = |props: &Value, required: Value| {
            api(
                get(json!([]), json!({"$ref": JOB})),
                job(props.clone(), required),
            )
        };
        let old = response(&id, json!(["id"]));
        let new = response(&with_note, json!(["id"]));
        assert_eq!(kinds(&old, &new), [("field-added", Verdict::Additive)]);
        let found = changes(&old.0, &new.0, &old.1, &new.1);
        assert!(
            found[0].message.contains("`note: Option<String>`")
                && found[0].message.contains("`#[non_exhaustive]`"),
            "{}",
            found[0].message
        );
        assert_eq!(
            found[0].at,
            Some((Side::New, "/components/schemas/Job".into()))
        );
        assert_eq!(kinds(&new, &old), [("field-removed", Verdict::Breaking)]);
        let required = response(&with_note, json!(["id", "note"]));
        assert_eq!(kinds(&old, &required), [("field-added", Verdict::Additive)]);

        // A request body: `new` takes the required fields, so only a new optional field is
        // additive.
        let body = |props: &Value, required: Value| {
            api(post(json!({"$ref": JOB})), job(props.clone(), required))
        };
        let old = body(&id, json!(["id"]));
        let optional = body(&with_note, json!(["id"]));
        assert_eq!(kinds(&old, &optional), [("field-added", Verdict::Additive)]);
        let required = body(&with_note, json!(["id", "note"]));
        assert_eq!(
            kinds(&old, &required),
            [
                ("constructor-changed", Verdict::Breaking),
                ("field-added", Verdict::Additive)
            ]
        );
        let found = changes(&old.0, &required.0, &old.1, &required.1);
        let changed = found.iter().find(|c| c.kind == "constructor-changed");
        assert_eq!(
            changed.map(|c| c.message.as_str()),
            Some("`Job::new` takes (id: String, note: String), was (id: String)")
        );
        // An optional field that becomes required: `new` takes it (its type changes too).
        assert_eq!(
            kinds(&optional, &required),
            [
                ("constructor-changed", Verdict::Breaking),
                ("field-type-changed", Verdict::Breaking)
            ]
        );
        // A body of optional fields derives `Default`; a required field takes it away.
        let none = body(&id, json!([]));
        assert_eq!(
            kinds(&none, &old),
            [
                ("constructor-added", Verdict::Additive),
                ("default-removed", Verdict::Breaking),
                ("field-type-changed", Verdict::Breaking)
            ]
        );
    }

    /// A body type printed as an alias of a response type of the same shape still has `new`:
    /// emit and diff ask the same `built_types`.
    #[test]
    fn a_body_printed_as_an_alias_has_new() {
        let schema =
            |props: Value| json!({"type": "object", "properties": props, "required": ["id"]});
        let mut paths = post(json!({"$ref": "#/components/schemas/Sent"}));
        paths["/b"] = get(json!([]), json!({"$ref": JOB}))["/a"].clone();
        let id = json!({"id": {"type": "string"}, "n": {"type": "integer"}});
        let old = api(
            paths.clone(),
            json!({"Job": schema(id.clone()), "Sent": schema(id)}),
        );
        let built = built_types(&old.0);
        assert!(built.contains("Job") && built.contains("Sent"), "{built:?}");
        let crate_ = crate::emit::emit_crate(&old.0, &old.1).expect("emit");
        let types = crate_
            .files
            .get("src/types.rs")
            .map(String::as_str)
            .unwrap_or_default();
        assert!(types.contains("pub type Sent = Job;"), "{types}");
        assert!(types.contains("pub fn new(id: String) -> Self"), "{types}");
    }

    #[test]
    fn parameters_positional_and_setters() {
        let q = |required: bool| json!([{"name": "q", "in": "query", "required": required, "schema": {"type": "string"}}]);
        let s = json!({"type": "string"});
        let none = api(get(json!([]), s.clone()), json!({}));
        let required = api(get(q(true), s.clone()), json!({}));
        let optional = api(get(q(false), s.clone()), json!({}));
        assert_eq!(
            kinds(&none, &required),
            [("positional-parameter-added", Verdict::Breaking)]
        );
        assert_eq!(
            kinds(&none, &optional),
            [("setter-added", Verdict::Additive)]
        );
        assert_eq!(
            kinds(&optional, &none),
            [("setter-removed", Verdict::Breaking)]
        );
        assert_eq!(
            kinds(&optional, &required),
            [
                ("positional-parameter-added", Verdict::Breaking),
                ("setter-removed", Verdict::Breaking)
            ]
        );
        let int = api(
            get(
                json!([{"name": "q", "in": "query", "required": true, "schema": {"type": "integer"}}]),
                s,
            ),
            json!({}),
        );
        assert_eq!(
            kinds(&required, &int),
            [("parameter-type-changed", Verdict::Breaking)]
        );
    }

    #[test]
    fn methods_removed_renamed_and_added() {
        let s = json!({"type": "string"});
        let a = api(get(json!([]), s.clone()), json!({}));
        let mut renamed_paths = get(json!([]), s.clone());
        renamed_paths["/a"]["get"]["operationId"] = json!("fetch_a");
        let renamed = api(renamed_paths, json!({}));
        assert_eq!(kinds(&a, &renamed), [("method-renamed", Verdict::Breaking)]);
        let mut more_paths = get(json!([]), s);
        more_paths["/b"] =
            json!({"get": {"operationId": "get_b", "responses": {"204": {"description": "ok"}}}});
        let more = api(more_paths, json!({}));
        assert_eq!(kinds(&a, &more), [("method-added", Verdict::Additive)]);
        assert_eq!(kinds(&more, &a), [("method-removed", Verdict::Breaking)]);
    }

    #[test]
    fn pagination_gained_lost_and_changed() {
        let array = json!({"type": "array", "items": {"type": "string"}});
        let page = json!([{"name": "page", "in": "query", "schema": {"type": "integer"}}]);
        let offset = json!([{"name": "offset", "in": "query", "schema": {"type": "integer"}}]);
        let plain = api(get(json!([]), array.clone()), json!({}));
        let paged = api(get(page.clone(), array.clone()), json!({}));
        let both = kinds(&plain, &paged);
        assert!(
            both.contains(&("pagination-added", Verdict::Additive)),
            "{both:?}"
        );
        let both = kinds(&paged, &plain);
        assert!(
            both.contains(&("pagination-removed", Verdict::Breaking)),
            "{both:?}"
        );
        let other = api(get(offset, array), json!({}));
        let both = kinds(&paged, &other);
        assert!(
            both.contains(&("pagination-changed", Verdict::Patch)),
            "{both:?}"
        );
        let numbers = api(
            get(page, json!({"type": "array", "items": {"type": "integer"}})),
            json!({}),
        );
        let both = kinds(&paged, &numbers);
        assert!(
            both.contains(&("pagination-items-changed", Verdict::Breaking)),
            "{both:?}"
        );
    }

    #[test]
    fn new_variants_of_non_exhaustive_enums_are_additive() {
        let e = |values: Value| json!({"E": {"type": "string", "enum": values}});
        let r = json!({"$ref": "#/components/schemas/E"});
        let old = api(get(json!([]), r.clone()), e(json!(["a"])));
        let new = api(get(json!([]), r.clone()), e(json!(["a", "b"])));
        assert_eq!(
            kinds(&old, &new),
            [("enum-variant-added", Verdict::Additive)]
        );
        assert_eq!(
            kinds(&new, &old),
            [("enum-variant-removed", Verdict::Breaking)]
        );
        let mut more_errors = get(json!([]), r);
        more_errors["/a"]["get"]["responses"]["409"] = json!({"description": "conflict"});
        let more = api(more_errors, e(json!(["a"])));
        assert_eq!(
            kinds(&old, &more),
            [("error-variant-added", Verdict::Additive)]
        );
        assert_eq!(
            kinds(&more, &old),
            [("error-variant-removed", Verdict::Breaking)]
        );
        let u = |branches: Value| json!({"U": {"oneOf": branches}});
        let r = json!({"$ref": "#/components/schemas/U"});
        let two = json!([{"type": "string"}, {"type": "integer"}]);
        let three = json!([{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]);
        let old = api(get(json!([]), r.clone()), u(two));
        let new = api(get(json!([]), r), u(three));
        assert_eq!(
            kinds(&old, &new),
            [("union-variant-added", Verdict::Additive)]
        );
        assert_eq!(
            kinds(&new, &old),
            [("union-variant-removed", Verdict::Breaking)]
        );
    }

    #[test]
    fn return_and_field_types() {
        let old = api(
            get(json!([]), json!({"$ref": JOB})),
            job(json!({"n": {"type": "integer"}}), json!(["n"])),
        );
        let new = api(
            get(json!([]), json!({"$ref": JOB})),
            job(json!({"n": {"type": "string"}}), json!(["n"])),
        );
        assert_eq!(
            kinds(&old, &new),
            [("field-type-changed", Verdict::Breaking)]
        );
        let plain = api(get(json!([]), json!({"type": "string"})), json!({}));
        let found = kinds(&plain, &old);
        assert!(
            found.contains(&("return-type-changed", Verdict::Breaking)),
            "{found:?}"
        );
        assert!(
            found.contains(&("type-added", Verdict::Additive)),
            "{found:?}"
        );
    }

    #[test]
    fn types_show_as_written() {
        let ty = TypeRef::Option(Box::new(TypeRef::Vec(Box::new(TypeRef::Named(
            "Job".into(),
        )))));
        assert_eq!(show(&ty), "Option<Vec<Job>>");
        assert_eq!(
            show(&TypeRef::Map(Box::new(TypeRef::DateTime))),
            "BTreeMap<String, DateTime<Utc>>"
        );
    }
}
