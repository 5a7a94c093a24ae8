//! Objects: the fields of a struct from the properties of a schema (or of every part of an
//! `allOf`), and maps from `additionalProperties`.
//!
//! Invariants: fields keep the order the schema lists its properties in, a later `allOf` part
//! overriding an earlier one's property in place; a property is required when any part
//! requires it, except readOnly and writeOnly ones (one struct serves both directions);
//! a field's docs are the spec's, never a stand-in (see [`super::docs`]).

use std::collections::BTreeSet;

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

use super::TypeBuilder;
use super::docs::property_doc;
use crate::model::names::{Namespace, camel, snake};
use crate::model::{Field, ModelError, TypeRef};

impl<'a> TypeBuilder<'a> {
    pub(super) fn map_type(
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

    pub(super) fn fields_from(
        &mut self,
        owner: &str,
        props: &Props,
        place: &str,
    ) -> Result<Vec<Field>, ModelError> {
        let required = &props.required;
        let mut field_names = Namespace::default();
        let mut fields = Vec::with_capacity(props.entries.len() + 1);
        for (wire, schema) in &props.entries {
            let hint = format!("{owner}{}", camel(wire));
            let prop_place = format!("{place}/properties/{}", crate::pointer::escape(wire));
            let ty = self.type_of(schema, &hint, &prop_place)?;
            // readOnly and writeOnly properties are only ever in one direction, and one struct
            // serves both: they are optional (and left out when `None`) even when required.
            let one_way = matches!(schema, ReferenceOr::Item(item)
                if item.schema_data.read_only || item.schema_data.write_only);
            let is_required = required.contains(wire) && !one_way;
            let ty = if is_required { ty } else { ty.optional() };
            let doc = match schema {
                ReferenceOr::Item(item) => property_doc(item),
                ReferenceOr::Reference { .. } => None,
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
                doc: None,
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
                doc: None,
            });
        }
        Ok(fields)
    }
}

/// The properties of an object schema, or of every part of an `allOf`, in first-seen order.
#[derive(Default)]
pub(super) struct Props {
    /// Wire name → schema; a later part's schema replaces an earlier one's in place.
    pub(super) entries: Vec<(String, ReferenceOr<Box<Schema>>)>,
    /// The wire names any part requires.
    pub(super) required: BTreeSet<String>,
    /// The last part's `additionalProperties` that allows any (`true` or a schema).
    pub(super) additional: Option<AdditionalProperties>,
    /// `oneOf`/`anyOf` parts, with their places: flattened into the struct.
    pub(super) unions: Vec<(ReferenceOr<Schema>, String)>,
}

impl Props {
    /// Adds one schema's (or `allOf` part's) properties, required names and
    /// `additionalProperties`.
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::model::testing::{api, def, doc, fields};
    use crate::model::{TypeRef, is_keyword};

    #[test]
    fn keywords_collisions_and_recursion() {
        let api = api(doc(
            json!({
                "Node": {"type": "object", "properties": {
                    "type": {"type": "string"}, "Type": {"type": "string"},
                    "next": {"$ref": "#/components/schemas/Node"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
                }},
                "node": {"type": "string"}
            }),
            json!({}),
        ));
        let node = fields(def(&api, "Node"));
        let names: Vec<_> = node.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["type", "type2", "next", "children"]);
        assert!(is_keyword(&node[0].name));
        assert_eq!(
            node[2].ty,
            TypeRef::Option(Box::new(TypeRef::Box(Box::new(TypeRef::Named(
                "Node".into()
            )))))
        );
        assert_eq!(
            node[3].ty,
            TypeRef::Option(Box::new(TypeRef::Vec(Box::new(TypeRef::Named(
                "Node".into()
            )))))
        );
        // `Node` and `node` both want the name `Node`: sorted keys decide, deterministically.
        assert!(api.types.iter().any(|t| t.name == "Node2"));
    }

    #[test]
    fn read_only_all_of_nullable_formats_and_additional_properties() {
        let api = api(doc(
            json!({
                "Base": {"type": "object", "properties": {"a": {"type": "string"}}},
                "Thing": {"type": "object", "required": ["id", "base", "big", "mode"],
                    "additionalProperties": {"type": "integer"},
                    "properties": {
                        "id": {"type": "integer", "readOnly": true},
                        "base": {"allOf": [{"$ref": "#/components/schemas/Base"}], "nullable": true},
                        "big": {"type": "integer", "format": "uint64"},
                        "mode": {"type": "string", "enum": ["on", "off", null]}
                    }}
            }),
            json!({}),
        ));
        let thing = fields(def(&api, "Thing"));
        let summary: Vec<_> = thing
            .iter()
            .map(|f| (f.name.as_str(), f.required, f.flatten))
            .collect();
        assert_eq!(
            summary,
            [
                ("id", false, false),
                ("base", true, false),
                ("big", true, false),
                ("mode", true, false),
                ("additional_properties", false, true)
            ]
        );
        assert_eq!(thing[0].ty, TypeRef::I64.optional());
        assert_eq!(thing[1].ty, TypeRef::Named("Base".into()).optional());
        assert_eq!(thing[2].ty, TypeRef::U64);
        assert_eq!(thing[3].ty, TypeRef::Named("ThingMode".into()).optional());
        assert_eq!(thing[4].ty, TypeRef::Map(Box::new(TypeRef::I64)));
    }
}
