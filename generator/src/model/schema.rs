//! Schemas to Rust types: which shape each schema becomes, and what it is called.
//!
//! Decisions, in one place:
//! - a `$ref` to `#/components/schemas/X` is the named type for `X`;
//! - `anyOf`/`oneOf` with a `{"type": "null"}` branch (or `nullable: true`) is an `Option`;
//!   the remaining branches are the type itself when one is left, otherwise an untagged union
//!   tried in order (integers before numbers);
//! - a string `enum` is an open enum; an inline enum with the same set of values as an enum
//!   already defined (components first) reuses that enum;
//! - an object with properties is a struct; `additionalProperties` alone is a map; any other
//!   object is a JSON object; `allOf` of objects is one struct with every property;
//! - inline types are named after where they stand (`JobSchemaSettings` for the `settings`
//!   property of `JobSchema`), made unique in one namespace, in a deterministic order;
//! - a field that reaches its own struct without going through a `Vec` or a map is boxed.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, OpenAPI, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::names::{Namespace, camel, snake};
use super::{EnumVariant, Field, ModelError, TypeDef, TypeKind, TypeRef, UnionVariant};
use crate::doc::to_rustdoc;

/// How deep `allOf` may nest through references before it is called cyclic.
const MAX_ALL_OF_DEPTH: usize = 64;

/// Builds named types while operations and components ask for them.
pub(crate) struct TypeBuilder<'a> {
    spec: &'a OpenAPI,
    names: Namespace,
    /// Component key → Rust name.
    components: BTreeMap<String, String>,
    /// Every named type defined so far, by Rust name.
    defs: BTreeMap<String, TypeDef>,
    /// Sorted enum values → the enum defined for them first.
    enums: BTreeMap<Vec<String>, String>,
}

impl<'a> TypeBuilder<'a> {
    /// Names and defines every component schema.
    pub(crate) fn new(spec: &'a OpenAPI) -> Result<Self, ModelError> {
        let mut builder = TypeBuilder {
            spec,
            names: Namespace::default(),
            components: BTreeMap::new(),
            defs: BTreeMap::new(),
            enums: BTreeMap::new(),
        };
        let schemas: BTreeMap<&String, &ReferenceOr<Schema>> = spec
            .components
            .iter()
            .flat_map(|c| c.schemas.iter())
            .collect();
        for key in schemas.keys() {
            let name = builder.names.claim(&camel(key));
            builder.components.insert((*key).clone(), name);
        }
        // Component enums first, so inline enums anywhere can reuse them.
        for (key, schema) in &schemas {
            if let ReferenceOr::Item(item) = schema {
                if let Some(values) = string_enum(item) {
                    let name = builder.components[*key].clone();
                    builder.enums.entry(sorted(&values)).or_insert(name);
                }
            }
        }
        for (key, schema) in &schemas {
            let name = builder.components[*key].clone();
            let place = format!("#/components/schemas/{key}");
            builder.define_component(&name, schema, &place)?;
        }
        Ok(builder)
    }

    /// The named types, sorted by name, with recursion boxed.
    pub(crate) fn finish(self) -> Vec<TypeDef> {
        let mut defs = self.defs;
        box_recursion(&mut defs);
        defs.into_values().collect()
    }

    /// The Rust type for `schema`, defining inline types named after `hint` as needed.
    ///
    /// Generic over `Schema` and `Box<Schema>`: openapiv3 boxes properties and items.
    pub(crate) fn type_of<S: Borrow<Schema>>(
        &mut self,
        schema: &ReferenceOr<S>,
        hint: &str,
        place: &str,
    ) -> Result<TypeRef, ModelError> {
        match schema {
            ReferenceOr::Reference { reference } => self.resolve(reference, place),
            ReferenceOr::Item(item) => self.item_type(item.borrow(), hint, place),
        }
    }

    /// The shape of the named type `name`, once defined.
    pub(crate) fn kind_of(&self, name: &str) -> Option<&TypeKind> {
        self.defs.get(name).map(|d| &d.kind)
    }

    /// The Rust name of the component schema `reference` points to.
    fn resolve(&self, reference: &str, place: &str) -> Result<TypeRef, ModelError> {
        let unresolved = || ModelError::UnresolvedRef {
            place: place.to_owned(),
            reference: reference.to_owned(),
        };
        let key = schema_key(reference).ok_or_else(unresolved)?;
        self.components
            .get(&key)
            .map(|name| TypeRef::Named(name.clone()))
            .ok_or_else(unresolved)
    }

    /// The schema behind a component reference, for `allOf` flattening.
    fn component_schema(&self, reference: &str, place: &str) -> Result<&'a Schema, ModelError> {
        let unresolved = || ModelError::UnresolvedRef {
            place: place.to_owned(),
            reference: reference.to_owned(),
        };
        let key = schema_key(reference).ok_or_else(unresolved)?;
        let spec: &'a OpenAPI = self.spec;
        let found = spec
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(&key))
            .ok_or_else(unresolved)?;
        match found {
            ReferenceOr::Item(schema) => Ok(schema),
            ReferenceOr::Reference { reference } => self.component_schema(reference, place),
        }
    }

    fn define_component(
        &mut self,
        name: &str,
        schema: &ReferenceOr<Schema>,
        place: &str,
    ) -> Result<(), ModelError> {
        let item = match schema {
            ReferenceOr::Reference { reference } => {
                let target = self.resolve(reference, place)?;
                let doc = format!("An alias of [`{}`].", type_name_of(&target));
                self.insert(name, doc, TypeKind::Alias(target));
                return Ok(());
            }
            ReferenceOr::Item(item) => item,
        };
        if let Some(kind) = self.named_kind(name, item, place)? {
            let doc = schema_doc(item, name);
            self.insert(name, doc, kind);
            return Ok(());
        }
        let ty = self.item_type(item, name, place)?;
        let doc = schema_doc(item, name);
        self.insert(name, doc, TypeKind::Alias(ty));
        Ok(())
    }

    fn insert(&mut self, name: &str, doc: String, kind: TypeKind) {
        self.defs.insert(
            name.to_owned(),
            TypeDef {
                name: name.to_owned(),
                doc,
                kind,
            },
        );
    }

    /// The shape of a schema that needs a named type of its own (struct, enum, union), or
    /// `None` when it is a plain type (string, array, map, ...).
    fn named_kind(
        &mut self,
        name: &str,
        item: &Schema,
        place: &str,
    ) -> Result<Option<TypeKind>, ModelError> {
        if let Some(values) = string_enum(item) {
            return Ok(Some(enum_kind(&values)));
        }
        match &item.schema_kind {
            SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => {
                let fields = self.fields(name, &object.properties, &object.required, place)?;
                Ok(Some(TypeKind::Struct { fields }))
            }
            SchemaKind::Any(any) if !any.properties.is_empty() && any.all_of.is_empty() => {
                let fields = self.fields(name, &any.properties, &any.required, place)?;
                Ok(Some(TypeKind::Struct { fields }))
            }
            SchemaKind::AllOf { all_of } if all_of.len() > 1 => {
                let mut properties = indexmap_like::Props::default();
                for (i, part) in all_of.iter().enumerate() {
                    let part_place = format!("{place}/allOf/{i}");
                    self.collect_all_of(part, &mut properties, &part_place, 0)?;
                }
                let fields =
                    self.fields_from(name, &properties.entries, &properties.required, place)?;
                Ok(Some(TypeKind::Struct { fields }))
            }
            SchemaKind::AnyOf { any_of: branches } | SchemaKind::OneOf { one_of: branches } => {
                let (non_null, _) = split_null(branches);
                if non_null.len() < 2 {
                    return Ok(None);
                }
                let variants = self.union_variants(name, &non_null, place)?;
                Ok(Some(TypeKind::Union { variants }))
            }
            _ => Ok(None),
        }
    }

    fn item_type(&mut self, item: &Schema, hint: &str, place: &str) -> Result<TypeRef, ModelError> {
        let nullable = item.schema_data.nullable;
        let ty = self.item_type_inner(item, hint, place)?;
        Ok(if nullable { ty.optional() } else { ty })
    }

    fn item_type_inner(
        &mut self,
        item: &Schema,
        hint: &str,
        place: &str,
    ) -> Result<TypeRef, ModelError> {
        if let Some(values) = string_enum(item) {
            if let Some(existing) = self.enums.get(&sorted(&values)) {
                return Ok(TypeRef::Named(existing.clone()));
            }
            let name = self.names.claim(&camel(hint));
            self.enums.insert(sorted(&values), name.clone());
            let doc = schema_doc(item, &name);
            self.insert(&name, doc, enum_kind(&values));
            return Ok(TypeRef::Named(name));
        }
        let ty = match &item.schema_kind {
            SchemaKind::Type(Type::String(string)) => match &string.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
                VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => TypeRef::Uuid,
                _ => TypeRef::String,
            },
            SchemaKind::Type(Type::Integer(integer)) => match &integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(number)) => match &number.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => {
                    let inner =
                        self.type_of(items, &format!("{hint}Item"), &format!("{place}/items"))?;
                    TypeRef::Vec(Box::new(inner))
                }
                None => TypeRef::Vec(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(object)) => {
                if object.properties.is_empty() {
                    self.map_type(object.additional_properties.as_ref(), hint, place)?
                } else {
                    self.named_inline(item, hint, place)?
                }
            }
            SchemaKind::AnyOf { any_of: branches } | SchemaKind::OneOf { one_of: branches } => {
                let (non_null, has_null) = split_null(branches);
                let ty = match non_null.as_slice() {
                    [] => TypeRef::Json,
                    [only] => self.type_of(only, hint, place)?,
                    _ => self.named_inline(item, hint, place)?,
                };
                if has_null { ty.optional() } else { ty }
            }
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [only] => self.type_of(only, hint, &format!("{place}/allOf/0"))?,
                [] => TypeRef::Json,
                _ => self.named_inline(item, hint, place)?,
            },
            SchemaKind::Not { .. } => TypeRef::Json,
            SchemaKind::Any(any) => {
                if any.typ.as_deref() == Some("null") {
                    TypeRef::Json.optional()
                } else if !any.properties.is_empty() && any.all_of.is_empty() {
                    self.named_inline(item, hint, place)?
                } else if let Some(items) = &any.items {
                    let inner =
                        self.type_of(items, &format!("{hint}Item"), &format!("{place}/items"))?;
                    TypeRef::Vec(Box::new(inner))
                } else if any.typ.as_deref() == Some("object") {
                    self.map_type(any.additional_properties.as_ref(), hint, place)?
                } else {
                    TypeRef::Json
                }
            }
        };
        Ok(ty)
    }

    /// Defines a named inline type (struct, union) for `item` under a fresh name from `hint`.
    fn named_inline(
        &mut self,
        item: &Schema,
        hint: &str,
        place: &str,
    ) -> Result<TypeRef, ModelError> {
        let name = self.names.claim(&camel(hint));
        // Reserve the name before recursing so nested inline types cannot take it.
        self.insert(&name, String::new(), TypeKind::Alias(TypeRef::Json));
        let kind = match self.named_kind(&name, item, place)? {
            Some(kind) => kind,
            None => TypeKind::Alias(TypeRef::Json),
        };
        let doc = schema_doc(item, &name);
        self.insert(&name, doc, kind);
        Ok(TypeRef::Named(name))
    }

    fn map_type(
        &mut self,
        additional: Option<&AdditionalProperties>,
        hint: &str,
        place: &str,
    ) -> Result<TypeRef, ModelError> {
        Ok(match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let value = self.type_of(
                    schema,
                    &format!("{hint}Value"),
                    &format!("{place}/additionalProperties"),
                )?;
                TypeRef::Map(Box::new(value))
            }
            _ => TypeRef::JsonObject,
        })
    }

    fn fields(
        &mut self,
        owner: &str,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        place: &str,
    ) -> Result<Vec<Field>, ModelError> {
        let entries: Vec<(String, ReferenceOr<Box<Schema>>)> = properties
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let required: BTreeSet<String> = required.iter().cloned().collect();
        self.fields_from(owner, &entries, &required, place)
    }

    fn fields_from(
        &mut self,
        owner: &str,
        properties: &[(String, ReferenceOr<Box<Schema>>)],
        required: &BTreeSet<String>,
        place: &str,
    ) -> Result<Vec<Field>, ModelError> {
        let mut field_names = Namespace::default();
        let mut fields = Vec::with_capacity(properties.len());
        for (wire, schema) in properties {
            let hint = format!("{owner}{}", camel(wire));
            let prop_place = format!(
                "{place}/properties/{}",
                wire.replace('~', "~0").replace('/', "~1")
            );
            let ty = self.type_of(schema, &hint, &prop_place)?;
            let is_required = required.contains(wire);
            let ty = if is_required { ty } else { ty.optional() };
            let doc = match schema {
                ReferenceOr::Item(item) => property_doc(item, wire),
                ReferenceOr::Reference { .. } => format!("`{wire}`."),
            };
            fields.push(Field {
                name: field_names.claim(&snake(wire)),
                wire: wire.clone(),
                ty,
                required: is_required,
                doc,
            });
        }
        Ok(fields)
    }

    fn collect_all_of(
        &self,
        part: &ReferenceOr<Schema>,
        into: &mut indexmap_like::Props,
        place: &str,
        depth: usize,
    ) -> Result<(), ModelError> {
        if depth > MAX_ALL_OF_DEPTH {
            return Err(ModelError::Unsupported {
                place: place.to_owned(),
                what: "a cyclic `allOf`".to_owned(),
                help: "break the cycle: an `allOf` must not include itself".to_owned(),
            });
        }
        let schema: &Schema = match part {
            ReferenceOr::Reference { reference } => self.component_schema(reference, place)?,
            ReferenceOr::Item(item) => item,
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                into.add(&object.properties, &object.required);
                Ok(())
            }
            SchemaKind::Any(any) => {
                into.add(&any.properties, &any.required);
                for (i, inner) in any.all_of.iter().enumerate() {
                    self.collect_all_of(inner, into, &format!("{place}/allOf/{i}"), depth + 1)?;
                }
                Ok(())
            }
            SchemaKind::AllOf { all_of } => {
                for (i, inner) in all_of.iter().enumerate() {
                    self.collect_all_of(inner, into, &format!("{place}/allOf/{i}"), depth + 1)?;
                }
                Ok(())
            }
            _ => Err(ModelError::Unsupported {
                place: place.to_owned(),
                what: "an `allOf` part that is not an object".to_owned(),
                help: "stitch merges `allOf` parts that are objects; describe the type with one schema".to_owned(),
            }),
        }
    }

    fn union_variants(
        &mut self,
        owner: &str,
        branches: &[&ReferenceOr<Schema>],
        place: &str,
    ) -> Result<Vec<UnionVariant>, ModelError> {
        let mut ordered: Vec<(usize, &ReferenceOr<Schema>)> =
            branches.iter().copied().enumerate().collect();
        // Untagged unions try variants in order: an integer must be tried before a number.
        ordered.sort_by_key(|(i, branch)| (usize::from(branch_word(branch) == "Number"), *i));
        let mut variant_names = Namespace::with_reserved(&[]);
        let mut variants = Vec::with_capacity(ordered.len());
        for (i, branch) in ordered {
            let word = match branch {
                ReferenceOr::Reference { reference } => {
                    type_name_of(&self.resolve(reference, place)?)
                }
                ReferenceOr::Item(_) => branch_word(branch).to_owned(),
            };
            let hint = format!("{owner}{word}");
            let ty = self.type_of(branch, &hint, &format!("{place}/anyOf/{i}"))?;
            variants.push(UnionVariant {
                name: variant_names.claim(&word),
                ty,
            });
        }
        Ok(variants)
    }
}

/// Properties gathered from the parts of an `allOf`, in first-seen order.
mod indexmap_like {
    use std::collections::BTreeSet;

    use openapiv3::{ReferenceOr, Schema};

    #[derive(Default)]
    pub(super) struct Props {
        pub(super) entries: Vec<(String, ReferenceOr<Box<Schema>>)>,
        pub(super) required: BTreeSet<String>,
    }

    impl Props {
        pub(super) fn add(
            &mut self,
            properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
            required: &[String],
        ) {
            for (name, schema) in properties {
                match self.entries.iter_mut().find(|(n, _)| n == name) {
                    Some(entry) => entry.1 = schema.clone(),
                    None => self.entries.push((name.clone(), schema.clone())),
                }
            }
            self.required.extend(required.iter().cloned());
        }
    }
}

/// The component key a `#/components/schemas/...` reference names (JSON pointer unescaped).
fn schema_key(reference: &str) -> Option<String> {
    let key = reference.strip_prefix("#/components/schemas/")?;
    Some(key.replace("~1", "/").replace("~0", "~"))
}

/// The values of a string enum schema (`enum` on a string, or on a schema without a type).
fn string_enum(item: &Schema) -> Option<Vec<String>> {
    let values: Vec<String> = match &item.schema_kind {
        SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
            string.enumeration.iter().flatten().cloned().collect()
        }
        SchemaKind::Any(any) if !any.enumeration.is_empty() => {
            let strings: Vec<String> = any
                .enumeration
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            if strings.len() != any.enumeration.iter().filter(|v| !v.is_null()).count() {
                return None;
            }
            strings
        }
        _ => return None,
    };
    let mut seen = BTreeSet::new();
    let unique: Vec<String> = values
        .into_iter()
        .filter(|v| seen.insert(v.clone()))
        .collect();
    (!unique.is_empty()).then_some(unique)
}

fn sorted(values: &[String]) -> Vec<String> {
    let mut values = values.to_vec();
    values.sort();
    values
}

fn enum_kind(values: &[String]) -> TypeKind {
    let mut names = Namespace::with_reserved(&["Unknown"]);
    let variants = values
        .iter()
        .map(|value| EnumVariant {
            name: names.claim(&camel(value)),
            value: value.clone(),
            doc: format!("`{}`", value.replace('`', "'")),
        })
        .collect();
    TypeKind::Enum { variants }
}

/// The branches of an `anyOf`/`oneOf` that are not `{"type": "null"}`, and whether one was.
fn split_null(branches: &[ReferenceOr<Schema>]) -> (Vec<&ReferenceOr<Schema>>, bool) {
    let mut has_null = false;
    let mut rest = Vec::with_capacity(branches.len());
    for branch in branches {
        match branch {
            ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Any(any),
                ..
            }) if any.typ.as_deref() == Some("null") => has_null = true,
            ReferenceOr::Item(item) if item.schema_data.nullable => {
                has_null = true;
                rest.push(branch);
            }
            _ => rest.push(branch),
        }
    }
    (rest, has_null)
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

/// The Rust name of a named type reference (for docs and variant names).
fn type_name_of(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        other => format!("{other:?}"),
    }
}

fn schema_doc(item: &Schema, name: &str) -> String {
    let data = &item.schema_data;
    match (&data.title, &data.description) {
        (_, Some(description)) if !description.trim().is_empty() => to_rustdoc(description),
        (Some(title), _) if !title.trim().is_empty() && title != name => to_rustdoc(title),
        _ => format!("The `{name}` schema."),
    }
}

fn property_doc(item: &Schema, wire: &str) -> String {
    let data = &item.schema_data;
    match (&data.title, &data.description) {
        (_, Some(description)) if !description.trim().is_empty() => to_rustdoc(description),
        (Some(title), _) if !title.trim().is_empty() => to_rustdoc(title),
        _ => format!("`{}`.", wire.replace('`', "'")),
    }
}

/// Boxes every struct field and union payload that reaches its own type by value.
fn box_recursion(defs: &mut BTreeMap<String, TypeDef>) {
    // Edges by value: a field or payload that holds the named type directly or in an Option.
    let edges: BTreeMap<String, BTreeSet<String>> = defs
        .iter()
        .map(|(name, def)| {
            let targets = held_types(&def.kind)
                .filter_map(|ty| by_value_target(ty).map(str::to_owned))
                .collect();
            (name.clone(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(node) = stack.pop() {
            if node == to {
                return true;
            }
            if seen.insert(node.clone()) {
                if let Some(next) = edges.get(&node) {
                    stack.extend(next.iter().cloned());
                }
            }
        }
        false
    };
    let mut to_box: Vec<(String, String)> = Vec::new();
    for (name, def) in defs.iter() {
        for ty in held_types(&def.kind) {
            if let Some(target) = by_value_target(ty) {
                if reaches(target, name) {
                    to_box.push((name.clone(), target.to_owned()));
                }
            }
        }
    }
    for (owner, target) in to_box {
        if let Some(def) = defs.get_mut(&owner) {
            for ty in held_types_mut(&mut def.kind) {
                if by_value_target(ty) == Some(target.as_str()) {
                    box_named(ty);
                }
            }
        }
    }
}

fn held_types(kind: &TypeKind) -> Box<dyn Iterator<Item = &TypeRef> + '_> {
    match kind {
        TypeKind::Struct { fields } => Box::new(fields.iter().map(|f| &f.ty)),
        TypeKind::Union { variants } => Box::new(variants.iter().map(|v| &v.ty)),
        TypeKind::Alias(ty) => Box::new(std::iter::once(ty)),
        TypeKind::Enum { .. } => Box::new(std::iter::empty()),
    }
}

fn held_types_mut(kind: &mut TypeKind) -> Box<dyn Iterator<Item = &mut TypeRef> + '_> {
    match kind {
        TypeKind::Struct { fields } => Box::new(fields.iter_mut().map(|f| &mut f.ty)),
        TypeKind::Union { variants } => Box::new(variants.iter_mut().map(|v| &mut v.ty)),
        TypeKind::Alias(_) | TypeKind::Enum { .. } => Box::new(std::iter::empty()),
    }
}

fn by_value_target(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        TypeRef::Option(inner) => by_value_target(inner),
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
