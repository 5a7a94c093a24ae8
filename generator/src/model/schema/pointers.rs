//! Resolving `$ref`s: a component by name (following chains of components that are only
//! `$ref`s, a chain that comes back being a cycle), and pointers into a schema
//! (`#/components/schemas/A/properties/b`, `#/paths/..`) to the schema they name.
//!
//! Invariants: an internal `$ref` to something that is not a schema (`#/info`) is an error,
//! never free-form JSON ([`not_a_schema`]); a schema a pointer names is built once, under the
//! name of whichever use comes first, and a pointer met again while its own type is being
//! built falls back to free-form JSON with a warning rather than looping.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

use super::TypeBuilder;
use crate::model::ModelError;
use crate::model::TypeRef;
use crate::model::names::camel;

impl<'a> TypeBuilder<'a> {
    /// The type of a `$ref` that points at a schema other than a whole component
    /// (`#/components/schemas/A/properties/b`, `#/paths/~1x/get/responses/200/content/...`):
    /// the schema it points at, built once under a name from the pointer (`AB`...).
    pub(super) fn deep_ref_type(
        &mut self,
        reference: &str,
        place: &str,
    ) -> Result<TypeRef, ModelError> {
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
            .map(crate::pointer::unescape)
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
        let root = format!("#/components/schemas/{}", crate::pointer::escape(key));
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

    /// The Rust name of the component schema `reference` points to.
    pub(super) fn resolve(&self, reference: &str, place: &str) -> Result<TypeRef, ModelError> {
        let unresolved = || ModelError::UnresolvedRef {
            place: place.to_owned(),
            reference: reference.to_owned(),
        };
        let key = schema_key(reference).ok_or_else(unresolved)?;
        if let Some(entry) = self.user.replace.get(&key) {
            return Ok(TypeRef::User(entry.path.clone()));
        }
        self.components
            .get(&key)
            .map(|name| TypeRef::Named(name.clone()))
            .ok_or_else(unresolved)
    }

    /// The schema behind a component reference, for `allOf` flattening: a component that
    /// is itself a `$ref` is followed (in a loop, so a long chain does not recurse), and a
    /// chain that comes back to where it was is a cycle.
    pub(super) fn component_schema(
        &self,
        reference: &str,
        place: &str,
    ) -> Result<&'a Schema, ModelError> {
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
                return Err(crate::model::recursion::alias_cycle(place, &cycle));
            }
            chain.push(reference);
            match found {
                ReferenceOr::Item(schema) => return Ok(schema),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
    }
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
pub(super) fn deep_pointer(reference: &str) -> Option<(String, Vec<String>)> {
    let rest = reference.strip_prefix("#/components/schemas/")?;
    let mut segments = rest.split('/').map(crate::pointer::unescape);
    let key = segments.next()?;
    let path: Vec<String> = segments.collect();
    (!path.is_empty()).then_some((key, path))
}

/// An internal `$ref` that points at something other than a schema (`#/info`) is an error
/// (its JSON may well read as a schema, and would quietly become `serde_json::Value`).
pub(super) fn not_a_schema(reference: &str, place: &str) -> Result<(), ModelError> {
    if !reference.starts_with('#') || crate::model::refs::is_schema_pointer(reference) {
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
pub(super) fn schema_key(reference: &str) -> Option<String> {
    let key = reference.strip_prefix("#/components/schemas/")?;
    Some(crate::pointer::unescape(key))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::model::TypeRef;
    use crate::model::testing::{api, def, doc, fields, model_error};

    /// Codat (accounting, commerce): a `$ref` into the `allOf` of a schema that also says
    /// `type: object` (read by openapiv3 as a schema of no type holding the parts) resolves;
    /// a `$ref` to a `definitions` entry that is there but is no schema (`{"type": {..}}`) is
    /// free-form JSON with a warning. Both were "resolves nowhere", failing the whole API.
    #[test]
    fn refs_into_all_of_beside_a_type_and_to_unreadable_definitions() {
        let api = api(doc(
            json!({
                "T": {"type": "object", "allOf": [
                    {"type": "object", "properties": {"a": {"type": "string"}}},
                    {"properties": {"currency": {"type": "string"}}}
                ], "definitions": {"kind": {"type": {"type": "string"}}}},
                "U": {"type": "object", "properties": {
                    "currency": {"$ref": "#/components/schemas/T/allOf/1/properties/currency"},
                    "kind": {"$ref": "#/components/schemas/T/definitions/kind"}
                }}
            }),
            json!({}),
        ));
        let u = fields(def(&api, "U"));
        let types: Vec<_> = u.iter().map(|f| (f.name.as_str(), &f.ty)).collect();
        assert_eq!(
            types,
            [
                ("currency", &TypeRef::String.optional()),
                ("kind", &TypeRef::Json.optional())
            ]
        );
        let places: Vec<_> = api.warnings.iter().map(|w| w.place.as_str()).collect();
        assert_eq!(places, ["#/components/schemas/U/properties/kind"]);
        assert!(
            api.warnings[0]
                .message
                .contains("not a schema stitch can read"),
            "{:?}",
            api.warnings
        );
    }

    #[test]
    fn unresolved_refs_are_errors_not_panics() {
        let err = model_error(doc(
            json!({"A": {"$ref": "#/components/schemas/Missing"}}),
            json!({}),
        ));
        assert!(
            err.contains("#/components/schemas/Missing") && err.contains("resolves nowhere"),
            "{err}"
        );
    }
}
