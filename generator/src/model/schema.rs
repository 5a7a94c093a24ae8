//! Schemas to Rust types: which shape each schema becomes, and what it is called.
//!
//! Decisions, in one place:
//! - a `$ref` to `#/components/schemas/X` is the named type for `X`; a schema whose name
//!   would shadow a std type the generated code names unqualified (`Option`, `Result`,
//!   `String`, `Vec`, `Box`, ...: [`RESERVED_TYPE_NAMES`]) gets a suffix (`Option2`);
//! - a schema that admits `null` ([`admits_null`]: `nullable`, `null` among an enum's values
//!   or 3.1 types, a `null` branch or part) is an `Option`. For a component, the `Option` is
//!   on every `$ref` to it (`Option<X>`), not inside it, whatever its kind (enum, struct,
//!   union, alias), so nullability survives a `$ref`; an internal `$ref` to something that is
//!   not a schema (`#/info`) is a diagnostic;
//! - `anyOf`/`oneOf` with a `{"type": "null"}` branch (or `nullable: true`, or `null` among an
//!   enum's values) is an `Option`; the remaining branches are the type itself when one is
//!   left, otherwise an untagged union tried narrowest first (objects with more required
//!   properties, then integers, booleans and arrays, then enums and formatted strings, then
//!   strings and numbers, then free-form values);
//! - `oneOf`/`anyOf` with a `discriminator` whose branches are all `$ref`s is a tagged enum:
//!   one variant per tag value (the `mapping`, then unmapped branches under their component
//!   names) holding the component's type, plus `Unknown(serde_json::Value)`; the component
//!   struct keeps the tag property (see `emit::types` for why serde's `tag` is not used); a
//!   component that extends a base with a `discriminator` is a struct even when its `allOf`
//!   is the base alone (never an alias of the tagged enum it is a variant of);
//! - an untagged union whose branches are all strings, at least one an `enum` (Chroma's `Key`:
//!   `oneOf` of one-value enums and a plain string) is one open enum of every value;
//! - a one-value `enum` (or `const`) property that two or more object variants of an untagged
//!   union fix to different values (Prefect's `"type": {"enum": ["abort_details"]}`) decides
//!   the variant: its enum is closed (`TypeKind::Enum { open: false }`), so a variant whose
//!   value differs does not decode ([`close_telling_enums`]);
//! - a string `enum` is otherwise an open enum; an inline enum with the same set of values as an
//!   enum already defined (components first) reuses that enum; an integer `enum` is a plain
//!   integer with the known values in its docs;
//! - no schema becomes `serde_json::Value` silently: `{}` (or only `not`) is free-form JSON by
//!   its own word; a schema that says more than stitch reads is free-form JSON with a warning
//!   naming its place and why (`Api::warnings`, see `fall_back`). `lenient` removes most
//!   causes beforehand (decimal integer limits, keywords of another type);
//! - formats: `int32` (and `int8`/`int16`/`uint8`/`uint16`) is `i32`, `uint64` is `u64`, other
//!   integers `i64`; `float` is `f32`, other numbers `f64`; `byte` stays base64 text
//!   (`String`); `binary` is `Vec<u8>` in multipart bodies and text elsewhere (raw bodies are
//!   bytes anyway); `date-time`, `date`, `uuid` are chrono and uuid types; `{}` is JSON;
//! - an object with properties is a struct; `additionalProperties: true` or a schema beside
//!   properties adds a flattened `additional_properties` map that keeps the rest;
//!   `additionalProperties` alone is a map; any other object is a JSON object;
//! - `allOf` of objects is one struct with every property; parts that only add a description
//!   or `nullable` are ignored (`allOf: [$ref X]` with `nullable` is `Option<X>`); a
//!   `oneOf`/`anyOf` part is a flattened `variant` field; scalar or array parts beside others
//!   are a diagnostic;
//! - readOnly and writeOnly properties are optional (left out when `None`) even when required,
//!   since one struct serves requests and responses;
//! - documented defaults are shown in the docs; an absent field is `None` (the server applies
//!   its default);
//! - inline types are named after where they stand (`JobSchemaSettings` for the `settings`
//!   property of `JobSchema`), made unique in one namespace, in a deterministic order;
//! - recursion is settled over the whole model at the end ([`super::recursion`]): a field
//!   that reaches its own struct without going through a `Vec` or a map is boxed; cycles no
//!   Rust type can hold are diagnostics.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, Discriminator, IntegerFormat, NumberFormat, OpenAPI, ReferenceOr, Schema,
    SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::names::{Namespace, RESERVED_TYPE_NAMES, camel, snake};
use super::{
    EnumVariant, Field, JSON_FALLBACK, ModelError, ModelWarning, TaggedVariant, TypeDef, TypeKind,
    TypeRef, UnionVariant,
};
use crate::doc::to_rustdoc;

/// Builds named types while operations and components ask for them.
pub(crate) struct TypeBuilder<'a> {
    spec: &'a OpenAPI,
    /// Schemas that `$ref`s point at outside `#/components/schemas` (inside a path's
    /// response, another response, ...), by reference.
    pointers: &'a BTreeMap<String, Schema>,
    names: Namespace,
    /// Component key → Rust name.
    components: BTreeMap<String, String>,
    /// Every named type defined so far, by Rust name.
    defs: BTreeMap<String, TypeDef>,
    /// Sorted enum values → the enum defined for them first.
    enums: BTreeMap<Vec<String>, String>,
    /// `format: binary` strings are bytes (`Vec<u8>`): set while building a multipart body.
    binary_as_bytes: bool,
    /// Component key → references of the components whose `allOf` names it directly (for
    /// a `discriminator` on a base schema), sorted.
    children: BTreeMap<String, Vec<String>>,
    /// Types of `$ref`s that point inside a component schema
    /// (`#/components/schemas/A/properties/b`), by reference.
    deep_refs: BTreeMap<String, TypeRef>,
    /// `$ref`s inside a component schema whose type is being built (a use met meanwhile is
    /// recursion).
    building: BTreeSet<String>,
    /// The schemas whose inline types are being built, innermost last, each with its type's
    /// name (see [`TypeBuilder::named_inline`]).
    inline: Vec<(Schema, String)>,
    /// Schemas read as free-form JSON although they say more, by place.
    warnings: BTreeMap<String, ModelWarning>,
    /// Component keys of the schemas that admit `null` ([`admits_null`]). Their named
    /// types (and aliases) are defined without the `null`, and every `$ref` to them is an
    /// `Option`, so nullability survives a `$ref` whatever the schema's kind.
    nullable: BTreeSet<String>,
    /// Rust name → where the named type was defined (a JSON pointer), for diagnostics.
    places: BTreeMap<String, String>,
}

impl<'a> TypeBuilder<'a> {
    /// Names and defines every component schema.
    pub(crate) fn new(
        spec: &'a OpenAPI,
        pointers: &'a BTreeMap<String, Schema>,
    ) -> Result<Self, ModelError> {
        let mut builder = TypeBuilder {
            spec,
            pointers,
            names: Namespace::with_reserved(RESERVED_TYPE_NAMES),
            components: BTreeMap::new(),
            defs: BTreeMap::new(),
            enums: BTreeMap::new(),
            binary_as_bytes: false,
            children: BTreeMap::new(),
            deep_refs: BTreeMap::new(),
            building: BTreeSet::new(),
            inline: Vec::new(),
            warnings: BTreeMap::new(),
            nullable: BTreeSet::new(),
            places: BTreeMap::new(),
        };
        let schemas: BTreeMap<&String, &ReferenceOr<Schema>> = spec
            .components
            .iter()
            .flat_map(|c| c.schemas.iter())
            .collect();
        for (key, schema) in &schemas {
            let name = builder.names.claim(&camel(key));
            builder.components.insert((*key).clone(), name);
            if matches!(schema, ReferenceOr::Item(item) if admits_null(item)) {
                builder.nullable.insert((*key).clone());
            }
        }
        for (key, schema) in &schemas {
            if let ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::AllOf { all_of },
                ..
            }) = schema
            {
                for part in all_of {
                    if let ReferenceOr::Reference { reference } = part {
                        if let Some(parent) = schema_key(reference) {
                            builder
                                .children
                                .entry(parent)
                                .or_default()
                                .push(format!("#/components/schemas/{key}"));
                        }
                    }
                }
            }
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

    /// The named types, sorted by name, with recursion boxed, and the warnings, by place; or
    /// the cycles no Rust type can hold (see [`super::recursion`]).
    pub(crate) fn finish(self) -> Result<(Vec<TypeDef>, Vec<ModelWarning>), ModelError> {
        let mut defs = self.defs;
        for name in self.components.values() {
            if let Some(def) = defs.get_mut(name) {
                def.component = true;
            }
        }
        close_telling_enums(&mut defs);
        super::recursion::settle(&mut defs, &self.places)?;
        Ok((
            defs.into_values().collect(),
            self.warnings.into_values().collect(),
        ))
    }

    /// Free-form JSON for a schema at `place` that says more than stitch can read (`why`),
    /// with a warning: no schema becomes `serde_json::Value` silently.
    fn fall_back(&mut self, place: &str, why: String, help: &str) -> TypeRef {
        self.warn(ModelWarning {
            place: place.to_owned(),
            message: format!("{JSON_FALLBACK}: {why}"),
            help: help.to_owned(),
        });
        TypeRef::Json
    }

    /// Records a warning of the model (one per place), reported with the diagnostics.
    pub(crate) fn warn(&mut self, warning: ModelWarning) {
        self.warnings.insert(warning.place.clone(), warning);
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
            ReferenceOr::Reference { reference } => {
                not_a_schema(reference, place)?;
                if self.pointers.contains_key(reference) || deep_pointer(reference).is_some() {
                    self.deep_ref_type(reference, place)
                } else {
                    let ty = self.resolve(reference, place)?;
                    let nullable =
                        schema_key(reference).is_some_and(|k| self.nullable.contains(&k));
                    Ok(if nullable { ty.optional() } else { ty })
                }
            }
            ReferenceOr::Item(item) => {
                // A schema that a `$ref` elsewhere points at is built once, under the name of
                // whichever use comes first.
                if let Some(ty) = self.deep_refs.get(place) {
                    return Ok(ty.clone());
                }
                let ty = self.item_type(item.borrow(), hint, place)?;
                if self.pointers.contains_key(place) {
                    self.deep_refs.insert(place.to_owned(), ty.clone());
                }
                Ok(ty)
            }
        }
    }

    /// The type of a `$ref` that points at a schema other than a whole component
    /// (`#/components/schemas/A/properties/b`, `#/paths/~1x/get/responses/200/content/...`):
    /// the schema it points at, built once under a name from the pointer (`AB`...).
    fn deep_ref_type(&mut self, reference: &str, place: &str) -> Result<TypeRef, ModelError> {
        if self.building.contains(reference) {
            // Recursion through the same pointer ends in free-form JSON rather than looping.
            return Ok(self.fall_back(
                place,
                format!("the schema at {reference} contains itself through this `$ref`"),
                "move the recursive schema to `components/schemas` and point the `$ref`s at it",
            ));
        }
        if let Some(ty) = self.deep_refs.get(reference) {
            return Ok(ty.clone());
        }
        let schema = self.component_schema(reference, place)?;
        self.building.insert(reference.to_owned());
        let hint: String = reference
            .trim_start_matches('#')
            .split('/')
            .map(crate::pointer_key)
            // Structural words and media types (`application/json`) say nothing about the type;
            // paths (`/users/{id}`) do.
            .filter(|s| !s.contains('/') || s.starts_with('/'))
            .filter(|s| {
                !matches!(
                    s.as_str(),
                    "" | "components"
                        | "schemas"
                        | "properties"
                        | "allOf"
                        | "oneOf"
                        | "anyOf"
                        | "paths"
                        | "content"
                        | "schema"
                        | "responses"
                        | "requestBodies"
                        | "parameters"
                )
            })
            .map(|s| camel(&s))
            .collect();
        let ty = self.item_type(schema, &hint, place);
        self.building.remove(reference);
        let ty = ty?;
        self.deep_refs.insert(reference.to_owned(), ty.clone());
        Ok(ty)
    }

    /// The schema a pointer inside a component schema names.
    fn pointer_schema(
        &self,
        reference: &str,
        key: &str,
        path: &[String],
        place: &str,
    ) -> Result<&'a Schema, ModelError> {
        let unresolved = || ModelError::UnresolvedRef {
            place: place.to_owned(),
            reference: reference.to_owned(),
        };
        let root = format!("#/components/schemas/{}", crate::pointer_token(key));
        let mut schema: &'a Schema = self.component_schema(&root, place)?;
        let mut segments = path.iter();
        while let Some(segment) = segments.next() {
            let next: Option<ReferenceOr<&'a Schema>> =
                match (segment.as_str(), &schema.schema_kind) {
                    ("properties", kind) => {
                        let name = segments.next().ok_or_else(unresolved)?;
                        let properties = match kind {
                            SchemaKind::Type(Type::Object(o)) => Some(&o.properties),
                            SchemaKind::Any(a) => Some(&a.properties),
                            _ => None,
                        };
                        properties.and_then(|p| p.get(name)).map(unbox)
                    }
                    ("items", SchemaKind::Type(Type::Array(array))) => {
                        array.items.as_ref().map(unbox)
                    }
                    ("items", SchemaKind::Any(any)) => any.items.as_ref().map(unbox),
                    ("additionalProperties", SchemaKind::Type(Type::Object(o))) => {
                        match &o.additional_properties {
                            Some(AdditionalProperties::Schema(s)) => Some(match s.as_ref() {
                                ReferenceOr::Reference { reference } => ReferenceOr::Reference {
                                    reference: reference.clone(),
                                },
                                ReferenceOr::Item(item) => ReferenceOr::Item(item),
                            }),
                            _ => None,
                        }
                    }
                    (keyword @ ("allOf" | "oneOf" | "anyOf"), kind) => {
                        // `allOf` beside `type: object` (or other keywords) is read as a
                        // schema of no type that holds the parts (Codat's `Transaction`).
                        let parts = match (keyword, kind) {
                            (
                                _,
                                SchemaKind::AllOf { all_of: parts }
                                | SchemaKind::OneOf { one_of: parts }
                                | SchemaKind::AnyOf { any_of: parts },
                            ) => parts,
                            ("allOf", SchemaKind::Any(any)) => &any.all_of,
                            ("oneOf", SchemaKind::Any(any)) => &any.one_of,
                            ("anyOf", SchemaKind::Any(any)) => &any.any_of,
                            _ => return Err(unresolved()),
                        };
                        let index: usize = segments
                            .next()
                            .and_then(|i| i.parse().ok())
                            .ok_or_else(unresolved)?;
                        parts.get(index).map(|p| match p {
                            ReferenceOr::Reference { reference } => ReferenceOr::Reference {
                                reference: reference.clone(),
                            },
                            ReferenceOr::Item(item) => ReferenceOr::Item(item),
                        })
                    }
                    _ => None,
                };
            schema = match next.ok_or_else(unresolved)? {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    if deep_pointer(&reference).is_some() {
                        return Err(ModelError::Unsupported {
                            place: place.to_owned(),
                            what: format!(
                                "a `$ref` ({reference}) reached through another one pointing inside a schema"
                            ),
                            help: "point the `$ref` at a component schema".to_owned(),
                        });
                    }
                    self.component_schema(&reference, place)?
                }
            };
        }
        Ok(schema)
    }

    /// The type of a `multipart/form-data` body: always a type of its own (a `$ref` is
    /// resolved and its schema built again under `hint`), in which `format: binary` strings
    /// are bytes, sent as file parts.
    pub(crate) fn multipart_type_of(
        &mut self,
        schema: &ReferenceOr<Schema>,
        hint: &str,
        place: &str,
    ) -> Result<TypeRef, ModelError> {
        let item: &Schema = match schema {
            ReferenceOr::Reference { reference } => self.component_schema(reference, place)?,
            ReferenceOr::Item(item) => item,
        };
        self.binary_as_bytes = true;
        let ty = self.item_type(item, hint, place);
        self.binary_as_bytes = false;
        ty
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

    /// The schema behind a component reference, for `allOf` flattening: a component that
    /// is itself a `$ref` is followed (in a loop, so a long chain does not recurse), and a
    /// chain that comes back to where it was is a cycle.
    fn component_schema(&self, reference: &str, place: &str) -> Result<&'a Schema, ModelError> {
        let pointers: &'a BTreeMap<String, Schema> = self.pointers;
        let spec: &'a OpenAPI = self.spec;
        let mut chain: Vec<&str> = Vec::new();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut reference = reference;
        loop {
            not_a_schema(reference, place)?;
            if let Some(schema) = pointers.get(reference) {
                return Ok(schema);
            }
            if let Some((key, path)) = deep_pointer(reference) {
                return self.pointer_schema(reference, &key, &path, place);
            }
            let unresolved = || ModelError::UnresolvedRef {
                place: place.to_owned(),
                reference: reference.to_owned(),
            };
            let key = schema_key(reference).ok_or_else(unresolved)?;
            let found = spec
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(&key))
                .ok_or_else(unresolved)?;
            if !seen.insert(reference) {
                let start = chain.iter().position(|r| *r == reference).unwrap_or(0);
                let cycle: Vec<String> = chain[start..]
                    .iter()
                    .chain([&reference])
                    .map(|r| (*r).to_owned())
                    .collect();
                return Err(super::recursion::alias_cycle(place, &cycle));
            }
            chain.push(reference);
            match found {
                ReferenceOr::Item(schema) => return Ok(schema),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
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
                let target = self.type_of(schema, name, place)?;
                let doc = match deep_pointer(reference).is_some()
                    || self.pointers.contains_key(reference)
                {
                    true => format!("The schema at `{}`.", reference.replace('`', "'")),
                    false => format!("An alias of [`{}`].", type_name_of(&target)),
                };
                self.insert(name, doc, TypeKind::Alias(target), place);
                return Ok(());
            }
            ReferenceOr::Item(item) => item,
        };
        // A `discriminator` on a base schema that others extend with `allOf`: the base is
        // the tagged enum of its mapping and of the schemas that extend it.
        if let Some(discriminator) = &item.schema_data.discriminator {
            if !matches!(
                item.schema_kind,
                SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. }
            ) {
                let key = place.strip_prefix("#/components/schemas/").unwrap_or(place);
                let children = self.children.get(key).cloned().unwrap_or_default();
                if let Some(kind) =
                    self.tagged_kind_of(discriminator, children, Some(place), place)?
                {
                    let doc = schema_doc(item, name);
                    self.insert(name, doc, kind, place);
                    return Ok(());
                }
            }
        }
        if let Some(kind) = self.named_kind(name, item, place)? {
            let doc = schema_doc(item, name);
            self.insert(name, doc, kind, place);
            return Ok(());
        }
        let ty = match self.item_type(item, name, place)? {
            // The `null` is on every `$ref` to this component (see `nullable`), not here.
            TypeRef::Option(inner) if admits_null(item) => *inner,
            ty => ty,
        };
        let doc = schema_doc(item, name);
        self.insert(name, doc, TypeKind::Alias(ty), place);
        Ok(())
    }

    /// Defines (or redefines) the named type `name`, which stands at `place`.
    fn insert(&mut self, name: &str, doc: String, kind: TypeKind, place: &str) {
        self.places.insert(name.to_owned(), place.to_owned());
        self.defs.insert(
            name.to_owned(),
            TypeDef {
                name: name.to_owned(),
                doc,
                kind,
                component: false,
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
                let mut props = indexmap_like::Props::default();
                props.add(
                    &object.properties,
                    &object.required,
                    object.additional_properties.as_ref(),
                );
                let fields = self.fields_from(name, &props, place)?;
                Ok(Some(TypeKind::Struct { fields }))
            }
            SchemaKind::Any(any) if !any.properties.is_empty() && any.all_of.is_empty() => {
                let mut props = indexmap_like::Props::default();
                props.add(
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                );
                let fields = self.fields_from(name, &props, place)?;
                Ok(Some(TypeKind::Struct { fields }))
            }
            // `allOf` beside `properties`, `required` or `type: object` (which makes openapiv3
            // read the schema as one of no type): one struct of every part and its own
            // properties. Parts that are not objects leave it to the caller's fallback.
            SchemaKind::Any(any)
                if !any.all_of.is_empty()
                    && matches!(any.typ.as_deref(), None | Some("object")) =>
            {
                let whole = ReferenceOr::Item(item.clone());
                let Ok(props) = self.collect_all_of(std::slice::from_ref(&whole), place) else {
                    return Ok(None);
                };
                let fields = self.fields_from(name, &props, place)?;
                Ok(Some(TypeKind::Struct { fields }))
            }
            SchemaKind::AllOf { all_of }
                if self.all_of_parts(all_of, place)?.len() > 1
                    || self.is_tagged_child(all_of, place) =>
            {
                let properties = self.collect_all_of(all_of, place)?;
                let fields = self.fields_from(name, &properties, place)?;
                Ok(Some(TypeKind::Struct { fields }))
            }
            SchemaKind::AnyOf { any_of: branches } | SchemaKind::OneOf { one_of: branches } => {
                let (non_null, _) = split_null(branches);
                if let Some(discriminator) = &item.schema_data.discriminator {
                    if let Some(kind) = self.tagged_kind(discriminator, &non_null, place)? {
                        return Ok(Some(kind));
                    }
                }
                if non_null.len() < 2 {
                    return Ok(None);
                }
                if let Some(values) = self.string_union_values(&non_null, place)? {
                    return Ok(Some(enum_kind(&values)));
                }
                let variants = self.union_variants(name, &non_null, place)?;
                Ok(Some(TypeKind::Union { variants }))
            }
            _ => Ok(None),
        }
    }

    fn item_type(&mut self, item: &Schema, hint: &str, place: &str) -> Result<TypeRef, ModelError> {
        let ty = self.item_type_inner(item, hint, place)?;
        Ok(if admits_null(item) { ty.optional() } else { ty })
    }

    fn item_type_inner(
        &mut self,
        item: &Schema,
        hint: &str,
        place: &str,
    ) -> Result<TypeRef, ModelError> {
        if let Some(why) = item.schema_data.extensions.get(super::lenient::UNREADABLE) {
            let why = why.as_str().unwrap_or_default();
            return Ok(self.fall_back(
                place,
                format!(
                    "the `$ref` points at something that is not a schema stitch can read ({why})"
                ),
                "fix the schema the `$ref` points at",
            ));
        }
        if let Some(values) = string_enum(item) {
            if let Some(existing) = self.enums.get(&sorted(&values)) {
                return Ok(TypeRef::Named(existing.clone()));
            }
            let name = self.names.claim(&camel(hint));
            self.enums.insert(sorted(&values), name.clone());
            let doc = schema_doc(item, &name);
            self.insert(&name, doc, enum_kind(&values), place);
            return Ok(TypeRef::Named(name));
        }
        let ty = match &item.schema_kind {
            SchemaKind::Type(Type::String(string)) => match &string.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary) if self.binary_as_bytes => {
                    TypeRef::Bytes
                }
                VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => TypeRef::Uuid,
                _ => TypeRef::String,
            },
            SchemaKind::Type(Type::Integer(integer)) => match &integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                VariantOrUnknownOrEmpty::Unknown(format)
                    if matches!(format.as_str(), "int8" | "int16" | "uint8" | "uint16") =>
                {
                    TypeRef::I32
                }
                VariantOrUnknownOrEmpty::Unknown(format)
                    if matches!(format.as_str(), "uint64" | "uint") =>
                {
                    TypeRef::U64
                }
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
            SchemaKind::AllOf { all_of } => {
                let parts = self.all_of_parts(all_of, place)?;
                // `allOf: [{$ref: X}, {nullable: true}]` is an optional X ([`admits_null`]).
                match parts.as_slice() {
                    [(i, only)] => self.type_of(*only, hint, &format!("{place}/allOf/{i}"))?,
                    [] => TypeRef::Json,
                    _ => self.named_inline(item, hint, place)?,
                }
            }
            SchemaKind::Not { .. } => TypeRef::Json,
            SchemaKind::Any(any) => {
                if any.typ.as_deref() == Some("null") {
                    TypeRef::Json.optional()
                } else if !any.properties.is_empty()
                    || (!any.all_of.is_empty()
                        && matches!(any.typ.as_deref(), None | Some("object")))
                {
                    self.named_inline(item, hint, place)?
                } else if let Some(items) = &any.items {
                    let inner =
                        self.type_of(items, &format!("{hint}Item"), &format!("{place}/items"))?;
                    TypeRef::Vec(Box::new(inner))
                } else if any.typ.as_deref() == Some("object")
                    || (any.typ.is_none() && any.additional_properties.is_some())
                {
                    // `additionalProperties` says it is an object even without the `type`.
                    self.map_type(any.additional_properties.as_ref(), hint, place)?
                } else if let Some(typed) = typed_by_format(item, any) {
                    self.item_type_inner(&typed, hint, place)?
                } else if let Some((i, only)) = self.sole_all_of_part(any, place)? {
                    // `type: string` beside `allOf: [{$ref: Id}]`: the part says which string.
                    self.type_of(only, hint, &format!("{place}/allOf/{i}"))?
                } else if let Some(why) = unread(any) {
                    self.fall_back(
                        place,
                        why,
                        "describe the value with one `type` and the keywords of that type, or \
                         with `oneOf`/`anyOf` branches",
                    )
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
        // The same schema met again while its own type is being built: the properties an
        // `allOf` copies (as copies) from a `$ref`'d schema are typed where the `allOf`
        // stands, so `B: {properties: {p: {allOf: [$ref A]}}}` with `A: {allOf: [$ref B]}`
        // would copy `p` into `p` into `p` without end (a stack overflow). A schema equal to
        // one it is nested in can only come from such a copy (a part of a tree is smaller
        // than the tree), and builds the same type again: it is that type, recursive (boxed
        // by `recursion::settle` where it holds itself by value).
        if let Some((_, name)) = self.inline.iter().find(|(outer, _)| outer == item) {
            return Ok(TypeRef::Named(name.clone()));
        }
        let name = self.names.claim(&camel(hint));
        // Reserve the name before recursing so nested inline types cannot take it.
        self.insert(&name, String::new(), TypeKind::Alias(TypeRef::Json), place);
        self.inline.push((item.clone(), name.clone()));
        let kind = self.named_kind(&name, item, place);
        self.inline.pop();
        let kind = match kind? {
            Some(kind) => kind,
            None => TypeKind::Alias(self.fall_back(
                place,
                "a schema whose parts could not be merged into one type".to_owned(),
                "make every `allOf` part an object, or describe the type with one schema",
            )),
        };
        let doc = schema_doc(item, &name);
        self.insert(&name, doc, kind, place);
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

    fn fields_from(
        &mut self,
        owner: &str,
        props: &indexmap_like::Props,
        place: &str,
    ) -> Result<Vec<Field>, ModelError> {
        let required = &props.required;
        let mut field_names = Namespace::default();
        let mut fields = Vec::with_capacity(props.entries.len() + 1);
        for (wire, schema) in &props.entries {
            let hint = format!("{owner}{}", camel(wire));
            let prop_place = format!("{place}/properties/{}", crate::pointer_token(wire));
            let ty = self.type_of(schema, &hint, &prop_place)?;
            // readOnly and writeOnly properties are only ever in one direction, and one struct
            // serves both: they are optional (and left out when `None`) even when required.
            let one_way = matches!(schema, ReferenceOr::Item(item)
                if item.schema_data.read_only || item.schema_data.write_only);
            let is_required = required.contains(wire) && !one_way;
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
                flatten: false,
                doc,
            });
        }
        // A union among the `allOf` parts: one flattened field holding whichever branch fits.
        for (part, part_place) in &props.unions {
            let ty = self.type_of(part, &format!("{owner}Variant"), part_place)?;
            fields.push(Field {
                name: field_names.claim("variant"),
                wire: String::new(),
                ty,
                required: true,
                flatten: true,
                doc: "The `oneOf`/`anyOf` part of this schema's `allOf`: its properties sit beside the ones above.".to_owned(),
            });
        }
        // `additionalProperties` beside `properties`: the other properties are kept in a map.
        let value = match &props.additional {
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            Some(AdditionalProperties::Schema(schema)) => Some(self.type_of(
                schema,
                &format!("{owner}Value"),
                &format!("{place}/additionalProperties"),
            )?),
            _ => None,
        };
        if let Some(value) = value {
            fields.push(Field {
                name: field_names.claim("additional_properties"),
                wire: String::new(),
                ty: TypeRef::Map(Box::new(value)),
                required: false,
                flatten: true,
                doc: "Properties not named above (`additionalProperties`).".to_owned(),
            });
        }
        Ok(fields)
    }

    /// Whether the component at `place` extends (by `allOf`) a base schema with a
    /// `discriminator`, so it is a variant of the base's tagged enum. Such a component is a
    /// struct of its own even when its `allOf` is the base alone (Azure's
    /// `DataFactory: allOf [$ref Compute]`): as an alias of the base, the variant would hold
    /// the tagged enum itself, and decoding would go round for ever.
    fn is_tagged_child(&self, all_of: &[ReferenceOr<Schema>], place: &str) -> bool {
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

    /// The `allOf` parts that say something about the type ([`meaningful_parts`]). When none
    /// of them is an object (`allOf: [{$ref: Id}, {type: string, maxLength: 8}]`), they all
    /// describe one scalar or array, and the first says which: a `$ref` first, for its name.
    fn all_of_parts<'p>(
        &self,
        all_of: &'p [ReferenceOr<Schema>],
        place: &str,
    ) -> Result<Vec<(usize, &'p ReferenceOr<Schema>)>, ModelError> {
        let parts = meaningful_parts(all_of);
        if parts.len() < 2 {
            return Ok(parts);
        }
        for (_, part) in &parts {
            let schema: &Schema = match part {
                ReferenceOr::Reference { reference } => self.component_schema(reference, place)?,
                ReferenceOr::Item(item) => item,
            };
            let scalar = matches!(
                schema.schema_kind,
                SchemaKind::Type(
                    Type::String(_)
                        | Type::Number(_)
                        | Type::Integer(_)
                        | Type::Boolean(_)
                        | Type::Array(_)
                )
            );
            if !scalar {
                return Ok(parts);
            }
        }
        let first = parts
            .iter()
            .find(|(_, part)| matches!(part, ReferenceOr::Reference { .. }))
            .or_else(|| parts.first())
            .copied();
        Ok(first.into_iter().collect())
    }

    /// The one `allOf` part that says what a schema is, when `allOf` stands beside a scalar
    /// `type` (which makes openapiv3 read the schema as one of no type).
    fn sole_all_of_part<'p>(
        &self,
        any: &'p openapiv3::AnySchema,
        place: &str,
    ) -> Result<Option<(usize, &'p ReferenceOr<Schema>)>, ModelError> {
        if any.all_of.is_empty() || !any.properties.is_empty() {
            return Ok(None);
        }
        Ok(match self.all_of_parts(&any.all_of, place)?.as_slice() {
            [only] => Some(*only),
            _ => None,
        })
    }

    /// The properties of every part of `all_of` (the `allOf` of the schema at `place`),
    /// parts of parts included, in document order.
    ///
    /// The walk keeps its own stack, so an acyclic chain of any depth works (no recursion, no
    /// depth limit); a `$ref` back to a schema the walk is inside of is a cycle, reported with
    /// the schemas it goes through.
    fn collect_all_of<'p>(
        &self,
        all_of: &'p [ReferenceOr<Schema>],
        place: &str,
    ) -> Result<indexmap_like::Props, ModelError>
    where
        'a: 'p,
    {
        enum Step<'p> {
            /// Gather this part (at this place).
            Visit(&'p ReferenceOr<Schema>, String),
            /// The walk leaves the schema last entered by `$ref`.
            Leave,
        }
        let mut into = indexmap_like::Props::default();
        // The `$ref`s the walk is inside of, outermost first (the schema itself first).
        let mut path: Vec<String> = vec![place.to_owned()];
        let parts = |all_of: &'p [ReferenceOr<Schema>], place: &str| {
            let steps: Vec<Step<'p>> = all_of
                .iter()
                .enumerate()
                .map(|(i, part)| Step::Visit(part, format!("{place}/allOf/{i}")))
                .collect();
            steps.into_iter().rev()
        };
        let mut stack: Vec<Step<'p>> = parts(all_of, place).collect();
        while let Some(step) = stack.pop() {
            let (part, place) = match step {
                Step::Visit(part, place) => (part, place),
                Step::Leave => {
                    path.pop();
                    continue;
                }
            };
            let schema: &'p Schema = match part {
                ReferenceOr::Reference { reference } => {
                    if let Some(start) = path.iter().position(|r| r == reference) {
                        let mut cycle = path[start..].to_vec();
                        cycle.push(reference.clone());
                        return Err(ModelError::Rejected {
                            place,
                            what: format!("a cyclic `allOf`: {}", cycle.join(" → ")),
                            help: "break the cycle: an `allOf` must not include itself".to_owned(),
                        });
                    }
                    path.push(reference.clone());
                    stack.push(Step::Leave);
                    self.component_schema(reference, &place)?
                }
                ReferenceOr::Item(item) => item,
            };
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => into.add(
                    &object.properties,
                    &object.required,
                    object.additional_properties.as_ref(),
                ),
                SchemaKind::Any(any) => {
                    into.add(
                        &any.properties,
                        &any.required,
                        any.additional_properties.as_ref(),
                    );
                    stack.extend(parts(&any.all_of, &place));
                }
                SchemaKind::AllOf { all_of } => stack.extend(parts(all_of, &place)),
                // A union beside the other parts: kept whole, flattened into the struct.
                SchemaKind::OneOf { one_of: branches } | SchemaKind::AnyOf { any_of: branches } => {
                    match split_null(branches).0.as_slice() {
                        [only] => stack.push(Step::Visit(only, place)),
                        [] => {}
                        _ => into.unions.push((part.clone(), place)),
                    }
                }
                _ => return Err(ModelError::Unsupported {
                    place,
                    what: "an `allOf` part that is not an object (a scalar or an array beside other parts)"
                    .to_owned(),
                    help: "stitch merges `allOf` parts that are objects; describe the type with one schema".to_owned(),
                }),
            }
        }
        Ok(into)
    }

    /// For a union whose branches are all strings, at least one of them an enum
    /// (`oneOf: [{enum: ["Document"]}, {enum: ["Score"]}, {type: string}]`): the values of
    /// all the enums, in order, once each. Such a union is one open enum: the known values are
    /// variants, any other string (the plain `string` branch, or a value a newer server adds)
    /// is `Unknown`. As an untagged union it would decode everything into its first enum
    /// branch (an open enum accepts any string), never reaching the others.
    fn string_union_values(
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

    fn union_variants(
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
    fn tagged_kind(
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
    fn tagged_kind_of(
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

/// Properties gathered from the parts of an `allOf`, in first-seen order.
mod indexmap_like {
    use std::collections::BTreeSet;

    use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

    #[derive(Default)]
    pub(super) struct Props {
        pub(super) entries: Vec<(String, ReferenceOr<Box<Schema>>)>,
        pub(super) required: BTreeSet<String>,
        /// The last part's `additionalProperties` that allows any (`true` or a schema).
        pub(super) additional: Option<AdditionalProperties>,
        /// `oneOf`/`anyOf` parts, with their places: flattened into the struct.
        pub(super) unions: Vec<(ReferenceOr<Schema>, String)>,
    }

    impl Props {
        pub(super) fn add(
            &mut self,
            properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
            required: &[String],
            additional: Option<&AdditionalProperties>,
        ) {
            if let Some(additional) = additional {
                if !matches!(additional, AdditionalProperties::Any(false)) {
                    self.additional = Some(additional.clone());
                }
            }
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

/// The parts of an `allOf` that say something about the shape (with their index): parts
/// that only add a description or `nullable: true` are left out.
fn meaningful_parts(parts: &[ReferenceOr<Schema>]) -> Vec<(usize, &ReferenceOr<Schema>)> {
    parts
        .iter()
        .enumerate()
        .filter(|(_, part)| match part {
            ReferenceOr::Reference { .. } => true,
            ReferenceOr::Item(item) => match &item.schema_kind {
                SchemaKind::Any(any) => {
                    !(any.properties.is_empty()
                        && any.all_of.is_empty()
                        && any.any_of.is_empty()
                        && any.one_of.is_empty()
                        && any.items.is_none()
                        && any.enumeration.is_empty()
                        && any.additional_properties.is_none()
                        && matches!(any.typ.as_deref(), None | Some("null")))
                }
                _ => true,
            },
        })
        .collect()
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

/// A schema of no `type` that only has a `format` (`{"format": "date-time"}`) as the typed
/// schema the format belongs to: an integer for `int32`/`int64`, a number for `float`/`double`,
/// a string for any other.
fn typed_by_format(item: &Schema, any: &openapiv3::AnySchema) -> Option<Schema> {
    let format = any.format.as_ref()?;
    let alone = any.typ.is_none()
        && any.properties.is_empty()
        && any.items.is_none()
        && any.enumeration.is_empty()
        && any.all_of.is_empty()
        && any.one_of.is_empty()
        && any.any_of.is_empty()
        && any.not.is_none();
    if !alone {
        return None;
    }
    let typ = match format.as_str() {
        "int32" | "int64" | "int8" | "int16" | "uint8" | "uint16" | "uint64" => "integer",
        "float" | "double" => "number",
        _ => "string",
    };
    let value = serde_json::json!({"type": typ, "format": format});
    let kind: SchemaKind = serde_json::from_value(value).ok()?;
    Some(Schema {
        schema_data: item.schema_data.clone(),
        schema_kind: kind,
    })
}

/// What a schema that `openapiv3` could not read as one type says that the model does not
/// use, or `None` when it says nothing about the value (`{}`, or only `not`, `nullable`,
/// a description...): free-form JSON is then exactly what it describes.
fn unread(any: &openapiv3::AnySchema) -> Option<String> {
    let mut said = Vec::new();
    if let Some(typ) = &any.typ {
        said.push(format!("`type: {typ}`"));
    }
    if !any.enumeration.is_empty() {
        let values: Vec<String> = any.enumeration.iter().map(|v| v.to_string()).collect();
        let mut values = values.join(", ");
        if values.len() > 60 {
            values = format!("{}...", values.chars().take(57).collect::<String>());
        }
        said.push(format!("`enum: [{values}]`"));
    }
    for (keyword, present) in [
        ("allOf", !any.all_of.is_empty()),
        ("oneOf", !any.one_of.is_empty()),
        ("anyOf", !any.any_of.is_empty()),
        ("additionalProperties", any.additional_properties.is_some()),
        ("format", any.format.is_some()),
    ] {
        if present {
            said.push(format!("`{keyword}`"));
        }
    }
    (!said.is_empty()).then(|| format!("a schema with {} together", said.join(", ")))
}

/// A schema reference as `ReferenceOr<&Schema>`, from a boxed one.
fn unbox(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<&Schema> {
    match schema {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(item) => ReferenceOr::Item(item),
    }
}

/// For a `$ref` that points inside a component schema (`#/components/schemas/A/properties/b`):
/// the component key and the rest of the pointer, unescaped. `None` for a plain component.
fn deep_pointer(reference: &str) -> Option<(String, Vec<String>)> {
    let rest = reference.strip_prefix("#/components/schemas/")?;
    let mut segments = rest.split('/').map(crate::pointer_key);
    let key = segments.next()?;
    let path: Vec<String> = segments.collect();
    (!path.is_empty()).then_some((key, path))
}

/// An internal `$ref` that points at something other than a schema (`#/info`) is an error
/// (its JSON may well read as a schema, and would quietly become `serde_json::Value`).
fn not_a_schema(reference: &str, place: &str) -> Result<(), ModelError> {
    if !reference.starts_with('#') || super::refs::is_schema_pointer(reference) {
        return Ok(());
    }
    Err(ModelError::Rejected {
        place: place.to_owned(),
        what: format!("`$ref` {reference} points at something that is not a schema"),
        help: "point the `$ref` at a schema: a component schema (`#/components/schemas/<name>`) \
               or the `schema` of a parameter, header or media type"
            .to_owned(),
    })
}

/// The component key a `#/components/schemas/...` reference names (JSON pointer unescaped).
fn schema_key(reference: &str) -> Option<String> {
    let key = reference.strip_prefix("#/components/schemas/")?;
    Some(crate::pointer_key(key))
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
    TypeKind::Enum {
        variants,
        open: true,
    }
}

/// Whether `item` admits `null`, the one test for it: `nullable: true`, `null` among the
/// values of an `enum` (3.1's `type: [.., "null"]` arrives here as `nullable`, see
/// `lenient`), `{"type": "null"}` itself, a `null` branch of an `anyOf`/`oneOf`, or a
/// nullable part of an `allOf`. The type of such a schema is an `Option`, and a `$ref` to
/// such a component is one too.
fn admits_null(item: &Schema) -> bool {
    let is_null_part = |part: &ReferenceOr<Schema>| {
        matches!(part, ReferenceOr::Item(p) if p.schema_data.nullable
            || matches!(&p.schema_kind, SchemaKind::Any(any) if any.typ.as_deref() == Some("null")))
    };
    item.schema_data.nullable
        || match &item.schema_kind {
            SchemaKind::Type(Type::String(string)) => string.enumeration.contains(&None),
            SchemaKind::Any(any) => {
                any.typ.as_deref() == Some("null")
                    || any.enumeration.iter().any(serde_json::Value::is_null)
            }
            SchemaKind::AnyOf { any_of: branches } | SchemaKind::OneOf { one_of: branches } => {
                split_null(branches).1
            }
            SchemaKind::AllOf { all_of } => all_of.iter().any(is_null_part),
            _ => false,
        }
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
    let mut doc = match (&data.title, &data.description) {
        (_, Some(description)) if !description.trim().is_empty() => to_rustdoc(description),
        (Some(title), _) if !title.trim().is_empty() => to_rustdoc(title),
        _ => format!("`{}`.", wire.replace('`', "'")),
    };
    // An integer enum stays a plain integer (any value is accepted); the known ones are listed.
    if let SchemaKind::Type(Type::Integer(integer)) = &item.schema_kind {
        let values: Vec<String> = integer
            .enumeration
            .iter()
            .flatten()
            .map(i64::to_string)
            .collect();
        if !values.is_empty() {
            doc.push_str(&format!("\n\nKnown values: `{}`.", values.join("`, `")));
        }
    }
    // A documented default is the server's business (an absent field is `None`); it is shown.
    if let Some(default) = data.default.as_ref().filter(|d| !d.is_null()) {
        let text = default.to_string().replace('`', "'");
        if text.len() <= 80 {
            doc.push_str(&format!("\n\nDefault: `{text}`."));
        }
    }
    if let SchemaKind::Type(Type::String(string)) = &item.schema_kind {
        if matches!(
            &string.format,
            VariantOrUnknownOrEmpty::Item(StringFormat::Byte)
        ) {
            doc.push_str("\n\nBase64-encoded bytes (`format: byte`), kept as text.");
        }
    }
    doc
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
fn close_telling_enums(defs: &mut BTreeMap<String, TypeDef>) {
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
