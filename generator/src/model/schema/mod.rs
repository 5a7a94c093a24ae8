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
//! - docs are what the spec says, `None` where it says nothing (no stand-in text); a field's
//!   `title` is its doc's first paragraph, before a description that does not repeat it
//!   (see `docs` for the whole rule);
//! - inline types are named after where they stand (`JobSchemaSettings` for the `settings`
//!   property of `JobSchema`), made unique in one namespace, in a deterministic order;
//! - recursion is settled over the whole model at the end ([`super::recursion`]): a field
//!   that reaches its own struct without going through a `Vec` or a map is boxed; cycles no
//!   Rust type can hold are diagnostics.
//!
//! Where each decision lives: this module holds [`TypeBuilder`] (its state, the entry points
//! `type_of`, `multipart_type_of` and `finish`, and the dispatch of a schema to its shape);
//! `pointers` resolves `$ref`s, `objects` makes fields, `all_of` merges `allOf` parts,
//! `unions` makes tagged and untagged unions, `enums` string enums and `docs` the docs of
//! types and fields. Invariants kept here: every named type is defined through `insert` (one
//! name, one place for diagnostics); a component's `null` is on the references to it, not in
//! it; no schema becomes free-form JSON without `fall_back` (one warning per place).

mod all_of;
mod docs;
mod enums;
mod objects;
mod pointers;
mod unions;

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    IntegerFormat, NumberFormat, OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::names::{Namespace, RESERVED_TYPE_NAMES, camel};
use super::{JSON_FALLBACK, ModelError, ModelWarning, TypeDef, TypeKind, TypeRef};
use docs::schema_doc;
use enums::{enum_kind, sorted, string_enum};
use objects::Props;
use pointers::{deep_pointer, not_a_schema, schema_key};
use unions::close_telling_enums;

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
    /// The user's types (the config's `[types]`, see `super::user_types`).
    user: &'a super::TypeSettings,
    /// The formats of `[types.format]` some schema has (the others are warned about).
    used_formats: BTreeSet<String>,
}

impl<'a> TypeBuilder<'a> {
    /// Names and defines every component schema.
    pub(crate) fn new(
        spec: &'a OpenAPI,
        pointers: &'a BTreeMap<String, Schema>,
        user: &'a super::TypeSettings,
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
            user,
            used_formats: BTreeSet::new(),
        };
        let schemas: BTreeMap<&String, &ReferenceOr<Schema>> = spec
            .components
            .iter()
            .flat_map(|c| c.schemas.iter())
            .collect();
        let keys: BTreeSet<&str> = schemas.keys().map(|k| k.as_str()).collect();
        let (errors, _) = super::user_types::check_entries(user, &keys, &BTreeSet::new());
        if let Some(error) = ModelError::from_all(errors) {
            return Err(error);
        }
        // A replaced component keeps its name (nothing else takes it) but has no type.
        let schemas: BTreeMap<&String, &ReferenceOr<Schema>> = schemas
            .into_iter()
            .map(|(key, schema)| {
                let name = builder.names.claim(&camel(key));
                builder.components.insert(key.clone(), name);
                if matches!(schema, ReferenceOr::Item(item) if admits_null(item)) {
                    builder.nullable.insert(key.clone());
                }
                (key, schema)
            })
            .filter(|(key, _)| !user.replace.contains_key(*key))
            .collect();
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
        let (_, unused) =
            super::user_types::check_entries(self.user, &BTreeSet::new(), &self.used_formats);
        let mut warnings: Vec<ModelWarning> = self.warnings.into_values().collect();
        warnings.extend(unused);
        Ok((defs.into_values().collect(), warnings))
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

    /// The formats of `[types.format]` that some schema had so far.
    pub(crate) fn used_formats(&self) -> &BTreeSet<String> {
        &self.used_formats
    }

    /// The shape of the named type `name`, once defined.
    pub(crate) fn kind_of(&self, name: &str) -> Option<&TypeKind> {
        self.defs.get(name).map(|d| &d.kind)
    }

    fn define_component(
        &mut self,
        name: &str,
        schema: &ReferenceOr<Schema>,
        place: &str,
    ) -> Result<(), ModelError> {
        let item = match schema {
            ReferenceOr::Reference { .. } => {
                // A `$ref` says nothing of its own: the alias has no doc (rustdoc shows
                // what it stands for).
                let target = self.type_of(schema, name, place)?;
                self.insert(name, None, TypeKind::Alias(target), place);
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
    fn insert(&mut self, name: &str, doc: Option<String>, kind: TypeKind, place: &str) {
        self.places.insert(name.to_owned(), place.to_owned());
        self.defs.insert(
            name.to_owned(),
            TypeDef {
                name: name.to_owned(),
                doc,
                kind,
                component: false,
                derives: Vec::new(),
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
                let mut props = Props::default();
                props.add(
                    &object.properties,
                    &object.required,
                    object.additional_properties.as_ref(),
                );
                let fields = self.fields_from(name, &props, place)?;
                Ok(Some(TypeKind::Struct { fields }))
            }
            SchemaKind::Any(any) if !any.properties.is_empty() && any.all_of.is_empty() => {
                let mut props = Props::default();
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
            return Ok(self.enum_type(item, &values, hint, place));
        }
        if let Some((ty, format)) =
            super::user_types::format_type(self.user, &item.schema_kind, self.binary_as_bytes)
        {
            self.used_formats.insert(format);
            return Ok(ty);
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
        self.insert(&name, None, TypeKind::Alias(TypeRef::Json), place);
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

/// The Rust name of a named type reference (for docs and variant names).
fn type_name_of(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::model::testing::{api, def, doc, fields};
    use crate::model::{JSON_FALLBACK, TypeKind, TypeRef};

    #[test]
    fn openapi_3_1_schemas_read_as_their_3_0_meaning() {
        let mut document = doc(
            json!({"Pet": {"type": "object", "required": ["id", "kind", "tag", "any"], "properties": {
                "id": {"type": ["integer", "null"], "format": "int64"},
                "kind": {"const": "dog"},
                "tag": {"type": ["string", "integer"]},
                "any": true,
                "photo": {"type": "string", "contentEncoding": "base64"},
                "age": {"type": "integer", "exclusiveMinimum": 0}
            }}}),
            json!({}),
        );
        document["openapi"] = json!("3.1.0");
        document.as_object_mut().map(|d| d.remove("paths"));
        let api = api(document);
        let pet = fields(def(&api, "Pet"));
        let ty = |name: &str| &pet.iter().find(|f| f.name == name).unwrap().ty;
        assert_eq!(ty("id"), &TypeRef::Option(Box::new(TypeRef::I64)));
        assert_eq!(ty("kind"), &TypeRef::Named("PetKind".into()));
        assert_eq!(ty("tag"), &TypeRef::Named("PetTag".into()));
        assert_eq!(ty("any"), &TypeRef::Json);
        // `contentEncoding: base64` is `format: byte`: base64 text, kept as a string.
        assert_eq!(ty("photo"), &TypeRef::Option(Box::new(TypeRef::String)));
        match &def(&api, "PetTag").kind {
            TypeKind::Union { variants } => assert_eq!(variants.len(), 2),
            other => panic!("not a union: {other:?}"),
        }
    }

    #[test]
    fn decimal_integer_limits_and_other_types_keywords_keep_the_type() {
        let api = api(doc(
            json!({"S": {"type": "object", "required": ["limit"], "properties": {
                "limit": {"type": "integer", "minimum": 0.0, "maximum": 50.0},
                "offset": {"type": "integer", "exclusiveMinimum": 0.5, "multipleOf": 1.0},
                "level": {"type": "integer", "enum": [1.0, 2.0]},
                "flag": {"type": "boolean", "format": "boolean"},
                "name": {"type": "string", "minimum": 1, "items": {"type": "string"}},
                "with_all_of": {"type": "object", "required": ["a"], "allOf": [
                    {"type": "object", "properties": {"a": {"type": "string"}}}
                ]},
                "tags": {"additionalProperties": {"type": "string"}},
                "at": {"format": "date-time"},
                "yes_no": {"type": "string", "enum": [true, false]},
                "created": {"type": "string", "format": "date-time", "allOf": [{"$ref": "#/components/schemas/When"}]}
            }}, "When": {"type": "string", "format": "date-time"}}),
            json!({}),
        ));
        let s = fields(def(&api, "S"));
        let ty = |name: &str| &s.iter().find(|f| f.name == name).unwrap().ty;
        assert_eq!(ty("limit"), &TypeRef::I64);
        assert_eq!(ty("offset"), &TypeRef::I64.optional());
        assert_eq!(ty("level"), &TypeRef::I64.optional());
        assert_eq!(ty("flag"), &TypeRef::Bool.optional());
        assert_eq!(ty("name"), &TypeRef::String.optional());
        assert_eq!(
            ty("tags"),
            &TypeRef::Map(Box::new(TypeRef::String)).optional()
        );
        assert_eq!(ty("at"), &TypeRef::DateTime.optional());
        assert_eq!(ty("yes_no"), &TypeRef::Named("SYesNo".into()).optional());
        assert_eq!(ty("created"), &TypeRef::Named("When".into()).optional());
        let all_of = fields(def(&api, "SWithAllOf"));
        assert_eq!((all_of[0].wire.as_str(), all_of[0].required), ("a", true));
        assert_eq!(api.warnings, []);
    }

    #[test]
    fn schemas_read_as_free_form_json_are_warnings_with_their_place() {
        let api = api(doc(
            json!({"S": {"type": "object", "properties": {
                "odd": {"type": "string", "enum": ["a", ["b"]]},
                "any": {},
                "not": {"not": {"type": "string"}}
            }}}),
            json!({}),
        ));
        let s = fields(def(&api, "S"));
        assert!(s.iter().all(|f| f.ty == TypeRef::Json.optional()), "{s:?}");
        // `{}` and `not` say that anything goes: only `odd` is a fallback.
        let places: Vec<_> = api.warnings.iter().map(|w| w.place.as_str()).collect();
        assert_eq!(places, ["#/components/schemas/S/properties/odd"]);
        assert!(
            api.warnings[0].message.starts_with(JSON_FALLBACK)
                && api.warnings[0].message.contains("`enum: [\"a\", [\"b\"]]`"),
            "{:?}",
            api.warnings
        );
    }

    #[test]
    fn nullability_survives_a_ref_to_every_kind() {
        let api = api(doc(
            json!({
                "Root": {"type": "object",
                    "required": ["e", "o", "u", "n", "s", "a", "p", "al"],
                    "properties": {
                        "e": {"$ref": "#/components/schemas/E"},
                        "o": {"$ref": "#/components/schemas/O"},
                        "u": {"$ref": "#/components/schemas/U"},
                        "n": {"$ref": "#/components/schemas/N"},
                        "s": {"$ref": "#/components/schemas/S"},
                        "a": {"$ref": "#/components/schemas/A"},
                        "p": {"$ref": "#/components/schemas/P"},
                        "al": {"$ref": "#/components/schemas/Al"}
                    }},
                "E": {"type": "string", "enum": ["x", "y"], "nullable": true},
                "O": {"type": "object", "nullable": true, "properties": {"q": {"type": "string"}}},
                "U": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]},
                "N": {"enum": ["a", null]},
                "S": {"type": "string", "nullable": true},
                "A": {"type": "array", "items": {"type": "string"}, "nullable": true},
                "P": {"type": "object", "properties": {"q": {"type": "string"}}},
                "Al": {"$ref": "#/components/schemas/E"}
            }),
            json!({}),
        ));
        let root = fields(def(&api, "Root"));
        let types: Vec<(&str, &TypeRef)> = root.iter().map(|f| (f.name.as_str(), &f.ty)).collect();
        let named = |n: &str| TypeRef::Named(n.into());
        assert_eq!(
            types,
            [
                ("e", &named("E").optional()),
                ("o", &named("O").optional()),
                ("u", &named("U").optional()),
                ("n", &named("N").optional()),
                ("s", &named("S").optional()),
                ("a", &named("A").optional()),
                ("p", &named("P")),
                // An alias of a nullable enum is the `Option` itself.
                ("al", &named("Al")),
            ]
        );
        assert!(root.iter().all(|f| f.required));
        // The `null` is on the reference, once, not also inside the alias.
        assert_eq!(def(&api, "S").kind, TypeKind::Alias(TypeRef::String));
        assert_eq!(def(&api, "Al").kind, TypeKind::Alias(named("E").optional()));
        assert!(matches!(def(&api, "U").kind, TypeKind::Union { .. }));

        // OpenAPI 3.1: a type list with `null`, and `null` among an enum's values.
        let mut doc31 = doc(
            json!({
                "Root": {"type": "object", "required": ["t", "m", "inline"], "properties": {
                    "t": {"$ref": "#/components/schemas/T"},
                    "m": {"$ref": "#/components/schemas/M"},
                    "inline": {"type": ["string", "integer", "null"]}
                }},
                "T": {"type": ["string", "integer", "null"]},
                "M": {"type": ["string", "null"], "enum": ["a", null]}
            }),
            json!({}),
        );
        doc31["openapi"] = json!("3.1.0");
        let api = crate::model::testing::api(doc31);
        let root = fields(def(&api, "Root"));
        assert_eq!(root[0].ty, named("T").optional());
        assert_eq!(root[1].ty, named("M").optional());
        assert!(root[2].ty.is_option(), "{:?}", root[2].ty);
        assert!(matches!(def(&api, "T").kind, TypeKind::Union { .. }));
        assert!(matches!(def(&api, "M").kind, TypeKind::Enum { .. }));
    }
}
