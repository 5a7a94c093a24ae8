//! String enums: the values of an `enum` schema, and the open enum they become.
//!
//! Invariants: values keep their order, once each; variant names are unique and never
//! `Unknown` (the open enum's catch-all); an inline enum with the same set of values as one
//! defined before reuses it (components are defined first, see `TypeBuilder::new`).

use std::collections::BTreeSet;

use openapiv3::{Schema, SchemaKind, Type};

use super::TypeBuilder;
use super::docs::schema_doc;
use crate::model::names::{Namespace, camel};
use crate::model::{EnumVariant, TypeKind, TypeRef};

impl TypeBuilder<'_> {
    /// The type of an inline string enum with these `values`: the enum defined first for the
    /// same set of values (components first), else a new one named from `hint`.
    pub(super) fn enum_type(
        &mut self,
        item: &Schema,
        values: &[String],
        hint: &str,
        place: &str,
    ) -> TypeRef {
        if let Some(existing) = self.enums.get(&sorted(values)) {
            return TypeRef::Named(existing.clone());
        }
        let name = self.names.claim(&camel(hint));
        self.enums.insert(sorted(values), name.clone());
        let doc = schema_doc(item, &name);
        self.insert(&name, doc, enum_kind(values), place);
        TypeRef::Named(name)
    }
}

/// The values of a string enum schema (`enum` on a string, or on a schema without a type).
pub(super) fn string_enum(item: &Schema) -> Option<Vec<String>> {
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

pub(super) fn sorted(values: &[String]) -> Vec<String> {
    let mut values = values.to_vec();
    values.sort();
    values
}

pub(super) fn enum_kind(values: &[String]) -> TypeKind {
    let mut names = Namespace::with_reserved(&["Unknown"]);
    let variants = values
        .iter()
        .map(|value| EnumVariant {
            name: names.claim(&camel(value)),
            value: value.clone(),
        })
        .collect();
    TypeKind::Enum {
        variants,
        open: true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::model::testing::{api, doc};
    use crate::model::{Success, TypeRef};

    #[test]
    fn inline_enum_with_the_same_values_reuses_the_component() {
        let api = api(doc(
            json!({"Kind": {"type": "string", "enum": ["a", "b", "c"]}}),
            json!({"/x": {"get": {"operationId": "list_x", "parameters": [
                {"in": "query", "name": "kind", "schema": {"type": "string", "enum": ["c", "a", "b"]}},
                {"in": "query", "name": "other", "schema": {"type": "string", "enum": ["z"]}}
            ], "responses": {"204": {"description": "done"}}}}}),
        ));
        let op = &api.operations[0];
        assert_eq!(op.params[0].ty, TypeRef::Named("Kind".into()));
        assert!(!op.params[0].required);
        assert_eq!(op.params[1].ty, TypeRef::Named("ListXOther".into()));
        assert_eq!(op.success, Success::Unit);
    }
}
