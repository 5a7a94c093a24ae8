//! What the merge warns about and resolves on its own: operation ids used twice, and `{name}`s
//! in a path that no parameter declares.
//!
//! Invariant: a warning never stops the merge; each names every place involved.

use std::collections::BTreeMap;

use serde_json::Value;

use super::merger::Merger;
use super::slot::Group;
use super::{DuplicateOperationId, Origin, methods, origin};
use crate::pointer;

impl Merger {
    /// Operation ids used more than once, in path and method order.
    pub(super) fn duplicate_operation_ids(&self) -> Vec<DuplicateOperationId> {
        let mut by_id: BTreeMap<String, Vec<(String, String, Origin)>> = BTreeMap::new();
        for (path, entry) in &self.paths {
            let Group::Entries(keys) = entry else {
                continue;
            };
            for method in methods() {
                let Some(slot) = keys.get(method) else {
                    continue;
                };
                let Some(first) = slot.variants.first() else {
                    continue;
                };
                if let Some(id) = first.value.get("operationId").and_then(Value::as_str) {
                    by_id.entry(id.to_owned()).or_default().push((
                        path.clone(),
                        method.to_owned(),
                        origin(&first.at, &format!("{}/operationId", slot.pointer)),
                    ));
                }
            }
        }
        by_id
            .into_iter()
            .filter(|(_, operations)| operations.len() > 1)
            .map(|(id, operations)| DuplicateOperationId { id, operations })
            .collect()
    }
}

/// Every `{name}` in a path that its operation does not declare with `in: path` (at path or
/// operation level; `$ref` parameters are looked up in `components.parameters`).
pub(super) fn undeclared_path_parameters(
    document: &Value,
    origins: &BTreeMap<String, Origin>,
) -> Vec<(String, String, String, Origin)> {
    let mut out = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return out;
    };
    let declared_in = |list: Option<&Value>| -> Vec<String> {
        let mut names = Vec::new();
        for param in list.and_then(Value::as_array).into_iter().flatten() {
            let param = match param.get("$ref").and_then(Value::as_str) {
                Some(reference) => reference
                    .strip_prefix('#')
                    .and_then(|pointer| document.pointer(pointer))
                    .unwrap_or(param),
                None => param,
            };
            if param.get("in").and_then(Value::as_str) == Some("path")
                && let Some(name) = param.get("name").and_then(Value::as_str)
            {
                names.push(name.to_owned());
            }
        }
        names
    };
    for (path, item) in paths {
        let template: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        if template.is_empty() {
            continue;
        }
        let shared = declared_in(item.get("parameters"));
        for method in methods() {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let own = declared_in(operation.get("parameters"));
            for name in &template {
                if shared.iter().chain(&own).any(|declared| declared == name) {
                    continue;
                }
                let pointer = pointer::join(["paths", path, method]);
                if let Some(origin) = origins.get(&pointer) {
                    out.push((
                        path.clone(),
                        method.to_owned(),
                        (*name).to_owned(),
                        origin.clone(),
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::json;

    use crate::merge::OnConflict;
    use crate::merge::testing::{fragment, merged_with};

    #[test]
    fn duplicate_operation_ids_and_origins_are_reported() {
        let op = |path: &str| json!({"openapi": "3.0.3", "paths": {path: {"get": {"operationId": "same", "responses": {}}}}});
        let merged = merged_with(
            &[fragment("a.md", 4, op("/a")), fragment("b.md", 6, op("/b"))],
            OnConflict::Error,
        );
        assert_eq!(merged.duplicate_operation_ids.len(), 1);
        let places: Vec<(String, usize)> = merged.duplicate_operation_ids[0]
            .operations
            .iter()
            .map(|(_, _, o)| (o.file.display().to_string(), o.line))
            .collect();
        assert_eq!(places, [("a.md".to_owned(), 4), ("b.md".to_owned(), 6)]);
        let origin = merged.origin_of("#/paths/~1b/get/responses");
        assert_eq!(
            origin.map(|o| (o.line, o.pointer)),
            Some((6, "/paths/~1b/get/responses".to_owned()))
        );
    }

    #[test]
    fn undeclared_path_parameters_are_reported_per_operation() {
        let page = json!({"openapi": "3.0.3",
            "paths": {"/a/{x}/{y}": {
                "parameters": [{"$ref": "#/components/parameters/X"}],
                "get": {"responses": {}},
                "post": {"parameters": [{"name": "y", "in": "path", "required": true}], "responses": {}}
            }},
            "components": {"parameters": {"X": {"name": "x", "in": "path", "required": true}}}});
        let merged = merged_with(&[fragment("a.md", 3, page)], OnConflict::Error);
        let found: Vec<(&str, &str, &str, &std::path::Path, usize, &str)> = merged
            .undeclared_path_parameters
            .iter()
            .map(|(path, method, name, at)| {
                (
                    path.as_str(),
                    method.as_str(),
                    name.as_str(),
                    at.file.as_path(),
                    at.line,
                    at.pointer.as_str(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [(
                "/a/{x}/{y}",
                "get",
                "y",
                PathBuf::from("a.md").as_path(),
                3,
                "/paths/~1a~1{x}~1{y}/get"
            )]
        );
    }
}
