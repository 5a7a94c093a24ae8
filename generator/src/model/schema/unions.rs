//! `oneOf`/`anyOf`: tagged enums (a `discriminator` over component schemas), open enums of
//! string unions, untagged unions tried narrowest first, and the one-value enums that tell
//! untagged variants apart ([`close_telling_enums`]).
//!
//! Invariants: an untagged union's variants are ordered once here (objects with more required
//! properties, then integers, booleans and arrays, then enums and formatted strings, then
//! strings and numbers, then free-form values), and emit keeps that order; a tagged enum's
//! variants are whole component schemas, else the union stays untagged.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{Discriminator, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};

use super::enums::string_enum;
use super::pointers::{deep_pointer, schema_key};
use super::{TypeBuilder, type_name_of};
use crate::model::names::{Namespace, camel};
use crate::model::{ModelError, TaggedVariant, TypeDef, TypeKind, TypeRef, UnionVariant};

impl<'a> TypeBuilder<'a> {
    /// Whether the component at `place` extends (by `allOf`) a base schema with a
    /// `discriminator`, so it is a variant of the base's tagged enum. Such a component is a
    /// struct of its own even when its `allOf` is the base alone (Azure's
    /// `DataFactory: allOf [$ref Compute]`): as an alias of the base, the variant would hold
    /// the tagged enum itself, and decoding would go round for ever.
    pub(super) fn is_tagged_child(&self, all_of: &[ReferenceOr<Schema>], place: &str) -> bool {
        let is_component = place
            .strip_prefix("#/components/schemas/")
            .is_some_and(|key| self.components.contains_key(key));
        let schemas = self.spec.components.as_ref().map(|c| &c.schemas);
        is_component
            && all_of.iter().any(|part| {
                let ReferenceOr::Reference { reference } = part else {
                    return false;
                };
                let base = schema_key(reference).and_then(|key| schemas?.get(&key));
                matches!(base, Some(ReferenceOr::Item(base))
                    if base.schema_data.discriminator.is_some()
                        && !matches!(base.schema_kind, SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. }))
            })
    }

    /// For a union whose branches are all strings, at least one of them an enum
    /// (`oneOf: [{enum: ["Document"]}, {enum: ["Score"]}, {type: string}]`): the values of
    /// all the enums, in order, once each. Such a union is one open enum: the known values are
    /// variants, any other string (the plain `string` branch, or a value a newer server adds)
    /// is `Unknown`. As an untagged union it would decode everything into its first enum
    /// branch (an open enum accepts any string), never reaching the others.
    pub(super) fn string_union_values(
        &self,
        branches: &[&ReferenceOr<Schema>],
        place: &str,
    ) -> Result<Option<Vec<String>>, ModelError> {
        let mut values: Vec<String> = Vec::new();
        for branch in branches {
            let schema = match branch {
                ReferenceOr::Reference { reference } => self.component_schema(reference, place)?,
                ReferenceOr::Item(item) => item,
            };
            if let Some(more) = string_enum(schema) {
                for value in more {
                    if !values.contains(&value) {
                        values.push(value);
                    }
                }
                continue;
            }
            let plain_string = matches!(&schema.schema_kind,
                SchemaKind::Type(Type::String(string))
                    if matches!(string.format, VariantOrUnknownOrEmpty::Empty));
            if !plain_string {
                return Ok(None);
            }
        }
        Ok((!values.is_empty()).then_some(values))
    }

    pub(super) fn union_variants(
        &mut self,
        owner: &str,
        branches: &[&ReferenceOr<Schema>],
        place: &str,
    ) -> Result<Vec<UnionVariant>, ModelError> {
        // Untagged unions try variants in order, so the narrower shapes go first: objects
        // with more required properties, then integers, booleans and arrays, then enums and
        // formatted strings, then plain strings and numbers, then free-form values.
        let mut ordered: Vec<(usize, &ReferenceOr<Schema>, (u8, i64))> =
            Vec::with_capacity(branches.len());
        for (i, branch) in branches.iter().copied().enumerate() {
            let schema = match branch {
                ReferenceOr::Reference { reference } => self.component_schema(reference, place)?,
                ReferenceOr::Item(item) => item,
            };
            ordered.push((i, branch, branch_rank(schema)));
        }
        ordered.sort_by_key(|(i, _, rank)| (*rank, *i));
        let mut variant_names = Namespace::with_reserved(&[]);
        let mut variants = Vec::with_capacity(ordered.len());
        for (i, branch, _) in ordered {
            let word = match branch {
                ReferenceOr::Reference { reference } => match deep_pointer(reference) {
                    Some((key, path)) => camel(path.last().unwrap_or(&key)),
                    None if self.pointers.contains_key(reference) => "Ref".to_owned(),
                    None => type_name_of(&self.resolve(reference, place)?),
                },
                ReferenceOr::Item(_) => branch_word(branch).to_owned(),
            };
            let hint = format!("{owner}{word}");
            // The union as a whole is optional when a branch is nullable; the payload is not.
            let ty = match self.type_of(branch, &hint, &format!("{place}/anyOf/{i}"))? {
                TypeRef::Option(inner) => *inner,
                ty => ty,
            };
            variants.push(UnionVariant {
                name: variant_names.claim(&word),
                ty,
            });
        }
        Ok(variants)
    }

    /// A `discriminator` over branches that all name component schemas: one variant per tag
    /// value (the `mapping` first, in its order, then each branch not mapped, under its
    /// component name). `None` when a branch is inline: that stays an untagged union.
    pub(super) fn tagged_kind(
        &mut self,
        discriminator: &Discriminator,
        branches: &[&ReferenceOr<Schema>],
        place: &str,
    ) -> Result<Option<TypeKind>, ModelError> {
        let mut refs = Vec::with_capacity(branches.len());
        for branch in branches {
            match branch {
                ReferenceOr::Reference { reference } => refs.push(reference.clone()),
                ReferenceOr::Item(_) => return Ok(None),
            }
        }
        self.tagged_kind_of(discriminator, refs, None, place)
    }

    /// The tagged enum over `refs` and the `mapping` (leaving out `exclude`, the base schema
    /// itself), or `None` when no variant is left.
    pub(super) fn tagged_kind_of(
        &mut self,
        discriminator: &Discriminator,
        refs: Vec<String>,
        exclude: Option<&str>,
        place: &str,
    ) -> Result<Option<TypeKind>, ModelError> {
        // A tagged enum names each variant's type, so every target must be a whole component
        // schema; a mapping into another file or a branch pointing inside a schema leaves
        // the union untagged (its branches are tried in turn).
        let whole = |reference: &str| {
            reference
                .strip_prefix("#/components/schemas/")
                .is_some_and(|key| !key.contains('/') && !key.contains('#'))
        };
        let mapped = discriminator
            .mapping
            .values()
            .map(|target| match target.starts_with('#') {
                true => target.clone(),
                false => format!("#/components/schemas/{target}"),
            });
        if !refs.iter().cloned().chain(mapped).all(|r| whole(&r)) {
            return Ok(None);
        }
        let mut entries: Vec<(String, String)> = Vec::new();
        for (value, target) in &discriminator.mapping {
            let reference = if target.starts_with('#') {
                target.clone()
            } else {
                format!("#/components/schemas/{target}")
            };
            if Some(reference.as_str()) != exclude {
                entries.push((value.clone(), reference));
            }
        }
        for reference in refs {
            if !entries.iter().any(|(_, r)| *r == reference) {
                let value = schema_key(&reference).ok_or_else(|| ModelError::UnresolvedRef {
                    place: place.to_owned(),
                    reference: reference.clone(),
                })?;
                entries.push((value, reference));
            }
        }
        if entries.is_empty() {
            return Ok(None);
        }
        let mut names = Namespace::with_reserved(&["Unknown"]);
        let mut variants = Vec::with_capacity(entries.len());
        for (value, reference) in entries {
            let ty = self.resolve(&reference, &format!("{place}/discriminator"))?;
            variants.push(TaggedVariant {
                name: names.claim(&type_name_of(&ty)),
                value,
                ty,
            });
        }
        Ok(Some(TypeKind::Tagged {
            tag: discriminator.property_name.clone(),
            variants,
        }))
    }
}

/// Where a union branch goes in the order variants are tried (lower first), and among
/// objects, more required properties first.
fn branch_rank(schema: &Schema) -> (u8, i64) {
    let required = |r: &[String]| -i64::try_from(r.len()).unwrap_or(i64::MAX);
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => {
            (0, required(&object.required))
        }
        SchemaKind::Any(any) if !any.properties.is_empty() => (0, required(&any.required)),
        SchemaKind::AllOf { .. } => (0, 0),
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => (1, 0),
        SchemaKind::Type(Type::Integer(_) | Type::Boolean(_) | Type::Array(_)) => (1, 0),
        SchemaKind::Type(Type::String(string))
            if !string.enumeration.is_empty()
                || !matches!(string.format, VariantOrUnknownOrEmpty::Empty) =>
        {
            (2, 0)
        }
        SchemaKind::Type(Type::String(_) | Type::Number(_)) => (3, 0),
        _ => (4, 0),
    }
}

/// A readable word for an inline union branch: its JSON kind.
fn branch_word(branch: &ReferenceOr<Schema>) -> &'static str {
    let ReferenceOr::Item(item) = branch else {
        return "Ref";
    };
    match &item.schema_kind {
        SchemaKind::Type(Type::String(_)) => "String",
        SchemaKind::Type(Type::Integer(_)) => "Integer",
        SchemaKind::Type(Type::Number(_)) => "Number",
        SchemaKind::Type(Type::Boolean(_)) => "Boolean",
        SchemaKind::Type(Type::Array(_)) => "Array",
        SchemaKind::Type(Type::Object(_)) => "Object",
        SchemaKind::Any(any) => match any.typ.as_deref() {
            Some("object") => "Object",
            Some("array") => "Array",
            _ if !any.properties.is_empty() => "Object",
            _ => "Value",
        },
        _ => "Value",
    }
}

/// Closes the one-value enums that tell the variants of an untagged union apart.
///
/// Without a `discriminator`, specs tag object variants with a property of one fixed value
/// (`"type": {"enum": ["abort_details"]}`, or `const`). When such a property is fixed in two
/// or more variants of a union, to different values, its value decides the variant: its enum
/// is made closed, so a variant whose value differs does not decode and the union's decoding
/// (each variant tried, see `emit::types`) lands on the one that has it. An open enum would
/// accept any value as `Unknown`, and every variant would fit. The enum stays closed wherever
/// else it is used: it has one value.
pub(super) fn close_telling_enums(defs: &mut BTreeMap<String, TypeDef>) {
    let named = |ty: &TypeRef| -> Option<String> {
        match ty {
            TypeRef::Named(name) => Some(name.clone()),
            TypeRef::Option(inner) | TypeRef::Box(inner) => match inner.as_ref() {
                TypeRef::Named(name) => Some(name.clone()),
                TypeRef::Box(inner) => match inner.as_ref() {
                    TypeRef::Named(name) => Some(name.clone()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    };
    // The single value of a one-value enum.
    let fixed_value = |name: &str| -> Option<String> {
        match &defs.get(name)?.kind {
            TypeKind::Enum { variants, .. } if variants.len() == 1 => {
                Some(variants[0].value.clone())
            }
            _ => None,
        }
    };
    let mut to_close = BTreeSet::new();
    for def in defs.values() {
        let TypeKind::Union { variants } = &def.kind else {
            continue;
        };
        // Property → (value, enum) for each variant that fixes it.
        let mut fixed: BTreeMap<&str, Vec<(String, String)>> = BTreeMap::new();
        for variant in variants {
            let Some(TypeKind::Struct { fields }) = named(&variant.ty)
                .and_then(|n| defs.get(&n))
                .map(|d| &d.kind)
            else {
                continue;
            };
            for field in fields.iter().filter(|f| !f.flatten) {
                if let Some(enum_name) = named(&field.ty) {
                    if let Some(value) = fixed_value(&enum_name) {
                        fixed
                            .entry(&field.wire)
                            .or_default()
                            .push((value, enum_name));
                    }
                }
            }
        }
        for uses in fixed.values() {
            let values: BTreeSet<&String> = uses.iter().map(|(value, _)| value).collect();
            if uses.len() >= 2 && values.len() >= 2 {
                to_close.extend(uses.iter().map(|(_, name)| name.clone()));
            }
        }
    }
    for name in to_close {
        if let Some(TypeKind::Enum { open, .. }) = defs.get_mut(&name).map(|d| &mut d.kind) {
            *open = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::model::testing::{api, def, doc, fields};
    use crate::model::{TypeKind, TypeRef};

    #[test]
    fn nullable_any_of_is_option_and_string_object_union_is_an_enum() {
        let api = api(doc(
            json!({"Job": {"type": "object", "required": ["id", "type"], "properties": {
                "id": {"type": "string", "format": "uuid"},
                "type": {"type": "string"},
                "engine_id": {"anyOf": [{"type": "string", "format": "uuid"}, {"type": "null"}], "default": null},
                "created": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]},
                "settings": {"anyOf": [{"type": "string"}, {"type": "object"}, {"type": "null"}]}
            }}}),
            json!({}),
        ));
        let job = fields(def(&api, "Job"));
        let ty = |name: &str| &job.iter().find(|f| f.name == name).unwrap().ty;
        assert_eq!(ty("id"), &TypeRef::Uuid);
        assert_eq!(ty("type"), &TypeRef::String);
        assert_eq!(ty("engine_id"), &TypeRef::Option(Box::new(TypeRef::Uuid)));
        assert_eq!(ty("created"), &TypeRef::Option(Box::new(TypeRef::DateTime)));
        assert_eq!(
            ty("settings"),
            &TypeRef::Option(Box::new(TypeRef::Named("JobSettings".into())))
        );
        match &def(&api, "JobSettings").kind {
            TypeKind::Union { variants } => {
                let names: Vec<_> = variants.iter().map(|v| v.name.as_str()).collect();
                assert_eq!(names, ["String", "Object"]);
                assert_eq!(variants[1].ty, TypeRef::JsonObject);
            }
            other => panic!("not a union: {other:?}"),
        }
    }

    #[test]
    fn discriminator_is_tagged_and_inline_branches_stay_untagged() {
        let api = api(doc(
            json!({
                "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                        "discriminator": {"propertyName": "kind", "mapping": {"dog": "#/components/schemas/Dog"}}},
                "Cat": {"type": "object", "properties": {"kind": {"type": "string"}}},
                "Dog": {"type": "object", "properties": {"kind": {"type": "string"}}},
                "Mixed": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"type": "string"}],
                          "discriminator": {"propertyName": "kind"}}
            }),
            json!({}),
        ));
        match &def(&api, "Pet").kind {
            TypeKind::Tagged { tag, variants } => {
                assert_eq!(tag, "kind");
                let pairs: Vec<_> = variants
                    .iter()
                    .map(|v| (v.name.as_str(), v.value.as_str()))
                    .collect();
                assert_eq!(pairs, [("Dog", "dog"), ("Cat", "Cat")]);
            }
            other => panic!("not tagged: {other:?}"),
        }
        assert!(matches!(def(&api, "Mixed").kind, TypeKind::Union { .. }));
    }

    #[test]
    fn fixed_values_decide_union_variants() {
        let api = api(doc(
            json!({
                "Accept": {"type": "object", "properties": {"type": {"const": "accept"}}},
                "Reject": {"type": "object", "properties": {"type": {"enum": ["reject"]}, "reason": {"type": "string"}}},
                "Details": {"anyOf": [{"$ref": "#/components/schemas/Accept"}, {"$ref": "#/components/schemas/Reject"}]},
                "Lonely": {"type": "object", "properties": {"kind": {"enum": ["only"]}}},
                "Key": {"oneOf": [{"enum": ["Document"]}, {"type": "string", "enum": ["Score"]}, {"type": "string"}]}
            }),
            json!({}),
        ));
        let open = |name: &str| match &def(&api, name).kind {
            TypeKind::Enum { open, variants } => (*open, variants.len()),
            other => panic!("{name} is not an enum: {other:?}"),
        };
        // The `type` of each variant tells them apart: closed.
        assert_eq!(open("AcceptType"), (false, 1));
        assert_eq!(open("RejectType"), (false, 1));
        // A one-value enum in no union stays open.
        assert_eq!(open("LonelyKind"), (true, 1));
        // A union of string enums and a string is one open enum of every value.
        assert_eq!(open("Key"), (true, 2));
    }
}
