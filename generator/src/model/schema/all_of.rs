//! `allOf`: which parts say something about the type, and the properties of every part,
//! gathered by an iterative walk.
//!
//! Invariants: the walk keeps its own stack, so an acyclic chain of any depth works (no
//! recursion, no depth limit), and a `$ref` back to a schema the walk is inside of is a
//! `ModelError::Rejected` naming the cycle; parts that only add a description or `nullable`
//! are ignored; a scalar or array part beside other parts is `ModelError::Unsupported`.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::objects::Props;
use super::{TypeBuilder, split_null};
use crate::model::ModelError;

impl<'a> TypeBuilder<'a> {
    /// The `allOf` parts that say something about the type ([`meaningful_parts`]). When none
    /// of them is an object (`allOf: [{$ref: Id}, {type: string, maxLength: 8}]`), they all
    /// describe one scalar or array, and the first says which: a `$ref` first, for its name.
    pub(super) fn all_of_parts<'p>(
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
    pub(super) fn sole_all_of_part<'p>(
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
    pub(super) fn collect_all_of<'p>(
        &self,
        all_of: &'p [ReferenceOr<Schema>],
        place: &str,
    ) -> Result<Props, ModelError>
    where
        'a: 'p,
    {
        enum Step<'p> {
            /// Gather this part (at this place).
            Visit(&'p ReferenceOr<Schema>, String),
            /// The walk leaves the schema last entered by `$ref`.
            Leave,
        }
        let mut into = Props::default();
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::model::testing::{api, def, doc, fields, model_error};
    use crate::model::{Api, TypeKind, TypeRef};
    use crate::options::Options;

    /// An inline `allOf` that copies, through `$ref`s, the properties of the schema it stands
    /// in (`Builder.order: allOf [Wrapper, {flag}]`, `Wrapper: allOf [Builder]`) is a type
    /// that holds itself; it was copied into itself without end (a stack overflow found by
    /// `cargo xtask fuzz`, seed 11 case 309).
    #[test]
    fn an_inline_all_of_that_copies_its_own_holder_is_a_recursive_type() {
        let api = api(doc(
            json!({
                "Wrapper": {"allOf": [{"$ref": "#/components/schemas/Builder"}]},
                "Builder": {"type": "object", "properties": {"order": {"allOf": [
                    {"$ref": "#/components/schemas/Wrapper"},
                    {"type": "object", "properties": {"flag": {"type": "boolean"}}}
                ]}}}
            }),
            json!({}),
        ));
        let TypeKind::Struct { fields } = &def(&api, "BuilderOrder").kind else {
            panic!("BuilderOrder is not a struct");
        };
        let order = TypeRef::Named("BuilderOrder".into());
        let held: Vec<(&str, &TypeRef)> = fields.iter().map(|f| (f.name.as_str(), &f.ty)).collect();
        assert_eq!(
            held,
            [
                ("order", &TypeRef::Box(Box::new(order)).optional()),
                ("flag", &TypeRef::Bool.optional())
            ]
        );
    }

    #[test]
    fn all_of_objects_merge_into_one_struct_and_cycles_are_errors() {
        let api = api(doc(
            json!({
                "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
                "Full": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {"name": {"type": "string"}}}]}
            }),
            json!({}),
        ));
        let full = fields(def(&api, "Full"));
        assert_eq!(full.len(), 2);
        assert_eq!(full[0].ty, TypeRef::I64);
        assert!(full[0].required);

        let cyclic = doc(
            json!({
                "A": {"allOf": [{"$ref": "#/components/schemas/B"}, {"type": "object"}]},
                "B": {"allOf": [{"$ref": "#/components/schemas/A"}, {"type": "object"}]}
            }),
            json!({}),
        );
        let options = Options {
            crate_name: "c".into(),
            ..Default::default()
        };
        let err = Api::from_merged(&cyclic, &options)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("cyclic `allOf`"), "{err}");
    }

    #[test]
    fn deep_acyclic_all_of_chains_work_and_cycles_are_named() {
        // `A0: allOf [$ref A1, {p0}]`, ..., 300 deep: far past any fixed limit.
        let depth = 300;
        let mut schemas = serde_json::Map::new();
        for i in 0..depth {
            let mut parts = vec![
                json!({"type": "object", "properties": {format!("p{i}"): {"type": "string"}}}),
            ];
            if i + 1 < depth {
                parts.insert(
                    0,
                    json!({"$ref": format!("#/components/schemas/A{}", i + 1)}),
                );
            }
            schemas.insert(format!("A{i}"), json!({"allOf": parts}));
        }
        let api = api(doc(serde_json::Value::Object(schemas), json!({})));
        let a0 = fields(def(&api, "A0"));
        assert_eq!(a0.len(), depth);
        assert_eq!(
            (a0[0].wire.as_str(), a0[depth - 1].wire.as_str()),
            ("p299", "p0")
        );

        let err = model_error(doc(
            json!({
                "A": {"allOf": [{"$ref": "#/components/schemas/B"}, {"type": "object", "properties": {"a": {"type": "string"}}}]},
                "B": {"allOf": [{"$ref": "#/components/schemas/A"}, {"type": "object", "properties": {"b": {"type": "string"}}}]}
            }),
            json!({}),
        ));
        assert!(
            err.contains("cyclic `allOf`: #/components/schemas/A → #/components/schemas/B → #/components/schemas/A"),
            "{err}"
        );
    }

    #[test]
    fn scalar_parts_beside_others_are_diagnostics_with_places() {
        let err = model_error(doc(
            json!({"A": {"allOf": [
                {"type": "object", "properties": {"a": {"type": "string"}}},
                {"type": "array", "items": {"type": "string"}}
            ]}}),
            json!({}),
        ));
        assert!(
            err.contains("#/components/schemas/A/allOf/1") && err.contains("not supported"),
            "{err}"
        );
    }
}
