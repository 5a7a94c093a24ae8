//! Prism's copies of a document whose path templates hold a `#` suffix.
//!
//! APIs.guru's AWS descriptions come from Smithy models, which write "the same path, told
//! apart by a query parameter or a header" as a path with a suffix:
//! `/v1/domain/permissions/policy#domain`, `/{Bucket}/{Key}#uploadId`. The suffix is no part
//! of any URL (the fragment never goes on the wire), and the generated client rightly sends
//! the path without it; the parameter the suffix names is declared on the operation as usual
//! (a required query parameter or header), so the client sends it. Prism, though, routes on
//! the template as written: it answers every such request `NO_PATH_MATCHED`, or
//! `NO_METHOD_MATCHED` where the bare path exists with other methods.
//!
//! So Prism is served *copies* of the document (the client is still generated from the
//! original): every path template without its suffix. Where two operations then share a path
//! and a method they cannot be in one document, so the operations are dealt into as few
//! copies as possible, none holding the same path and method twice (in document order: an
//! operation goes into the first copy where its path and method are free). One Prism serves
//! each copy, and the driver calls each operation against the Prism that serves it.
//!
//! The same holds for templates that differ only in their parameters' names
//! (`/v1/{jobName}` and `/v1/{name}` in Google's storagetransfer): they match the same URLs,
//! and Prism validates a request against whichever it finds first, so a copy holds at most
//! one of them.
//!
//! Nothing else changes: every parameter, body and response is as in the original, so the
//! request validation is as strict as before (the suffix's query parameter or header stays
//! required wherever the original requires it). Path-level parameters are moved into each
//! operation of their path item (an operation's own parameter of the same name and place
//! wins, as OpenAPI says), because two original path items may now share one template.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The HTTP methods of a path item.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A copy being dealt: its paths, its operations (as [`Shard::operations`]), and the bare
/// template it holds for each route.
type Building = (
    Map<String, Value>,
    Vec<(String, String)>,
    BTreeMap<String, String>,
);

/// One copy of the document and the operations it serves.
#[derive(Debug, Clone, PartialEq)]
pub struct Shard {
    /// The document Prism serves.
    pub document: Value,
    /// `(METHOD, template as in the original)` of each operation it serves (the driver's
    /// `Planned::http` is `METHOD template`).
    pub operations: Vec<(String, String)>,
}

/// The template without its Smithy suffix (`/a/{b}#c` → `/a/{b}`).
pub fn bare(template: &str) -> &str {
    template.split_once('#').map_or(template, |(path, _)| path)
}

/// The URLs a template matches: the bare template with every parameter's name left out
/// (`/v1/{jobName}` → `/v1/{}`).
fn route(template: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in bare(template).chars() {
        match c {
            '{' => {
                inside = true;
                out.push('{');
            }
            '}' => {
                inside = false;
                out.push('}');
            }
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

/// Prism's copies of `document`, or `None` when no path template holds a `#` suffix (Prism
/// then serves the original file).
pub fn split(document: &Value) -> Option<Vec<Shard>> {
    let paths = document.get("paths")?.as_object()?;
    let mut routes: BTreeMap<String, &str> = BTreeMap::new();
    let same_route = paths
        .keys()
        .any(|template| *routes.entry(route(template)).or_insert(template) != template.as_str());
    if !same_route && !paths.keys().any(|template| template.contains('#')) {
        return None;
    }
    let mut shards: Vec<Building> = Vec::new();
    for (template, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        let shared = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let path = bare(template);
        let key = route(template);
        for (method, operation) in item {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let mut operation = operation.clone();
            add_shared(document, &mut operation, &shared);
            let free = shards.iter().position(|(paths, _, held)| {
                held.get(&key).is_none_or(|held| held == path)
                    && paths
                        .get(path)
                        .and_then(Value::as_object)
                        .is_none_or(|item| !item.contains_key(method))
            });
            let index = free.unwrap_or_else(|| {
                shards.push((Map::new(), Vec::new(), BTreeMap::new()));
                shards.len() - 1
            });
            let (paths, operations, held) = &mut shards[index];
            held.insert(key.clone(), path.to_owned());
            let entry = paths
                .entry(path.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(entry) = entry.as_object_mut() {
                entry.insert(method.clone(), operation);
            }
            operations.push((method.to_uppercase(), template.clone()));
        }
    }
    Some(
        shards
            .into_iter()
            .map(|(paths, operations, _)| {
                let mut copy = document.clone();
                if let Some(object) = copy.as_object_mut() {
                    object.insert("paths".to_owned(), Value::Object(paths));
                }
                Shard {
                    document: copy,
                    operations,
                }
            })
            .collect(),
    )
}

/// Adds the path item's `shared` parameters to `operation`, but for those it declares itself
/// (same `name` and `in`).
fn add_shared(document: &Value, operation: &mut Value, shared: &[Value]) {
    if shared.is_empty() {
        return;
    }
    let Some(operation) = operation.as_object_mut() else {
        return;
    };
    let own: Vec<(String, String)> = operation
        .get("parameters")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(|p| identity(document, p)).collect())
        .unwrap_or_default();
    let mut added: Vec<Value> = shared
        .iter()
        .filter(|p| identity(document, p).is_none_or(|id| !own.contains(&id)))
        .cloned()
        .collect();
    if added.is_empty() {
        return;
    }
    let list = operation
        .entry("parameters")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Some(list) = list.as_array_mut() {
        list.append(&mut added);
    }
}

/// `(name, in)` of a parameter, through a local `$ref`.
fn identity(document: &Value, parameter: &Value) -> Option<(String, String)> {
    let mut parameter = parameter;
    // A chain of references, followed a few steps (a longer one is not a parameter).
    for _ in 0..8 {
        match parameter.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                parameter = document.pointer(reference.strip_prefix('#')?)?;
            }
            None => break,
        }
    }
    Some((
        parameter.get("name")?.as_str()?.to_owned(),
        parameter.get("in")?.as_str()?.to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documents_without_suffixes_are_served_as_they_are() {
        let document = json!({"paths": {"/a": {"get": {}}, "/a/{b}": {"get": {}}, "/a/{b}:run": {"post": {}}}});
        assert_eq!(split(&document), None);
    }

    /// Templates that differ only in their parameters' names match the same URLs: each goes
    /// into its own copy, whatever their methods.
    #[test]
    fn templates_matching_the_same_urls_are_dealt_apart() {
        let document = json!({"paths": {
            "/v1/{jobName}": {"get": {"operationId": "GetJob"}, "patch": {"operationId": "PatchJob"}},
            "/v1/{name}": {"get": {"operationId": "ListOperations"}, "delete": {"operationId": "DeletePool"}},
            "/v1/{name}:cancel": {"post": {"operationId": "Cancel"}}
        }});
        let shards = split(&document).expect("split");
        let templates = |i: usize| -> Vec<&str> {
            shards[i]
                .operations
                .iter()
                .map(|(_, p)| p.as_str())
                .collect()
        };
        assert_eq!(shards.len(), 2);
        assert_eq!(
            templates(0),
            ["/v1/{jobName}", "/v1/{jobName}", "/v1/{name}:cancel"]
        );
        assert_eq!(templates(1), ["/v1/{name}", "/v1/{name}"]);
        assert_eq!(route("/v1/{name}#x"), "/v1/{}");
    }

    /// Suffixed templates lose their suffix; operations that would then share a path and a
    /// method go into separate copies; everything else (parameters) is kept, and path-level
    /// parameters move into the operations, an operation's own one winning.
    #[test]
    fn suffixes_are_removed_and_colliding_operations_are_dealt_apart() {
        let document = json!({
            "openapi": "3.0.0",
            "components": {"parameters": {"Domain": {"name": "domain", "in": "query", "required": true, "schema": {"type": "string"}}}},
            "paths": {
                "/policy#domain": {
                    "parameters": [{"$ref": "#/components/parameters/Domain"}, {"name": "x", "in": "header", "schema": {"type": "string"}}],
                    "get": {"operationId": "GetDomainPolicy"},
                    "delete": {"operationId": "DeleteDomainPolicy", "parameters": [{"name": "x", "in": "header", "required": true, "schema": {"type": "string"}}]}
                },
                "/policy#repository": {"get": {"operationId": "GetRepositoryPolicy", "parameters": [{"name": "repository", "in": "query", "required": true}]}},
                "/policy": {"put": {"operationId": "PutPolicy"}, "get": {"operationId": "GetPolicy"}}
            }
        });
        let shards = split(&document).expect("split");
        assert_eq!(shards.len(), 3);
        let ops = |i: usize| -> Vec<String> {
            shards[i]
                .operations
                .iter()
                .map(|(m, p)| format!("{m} {p}"))
                .collect()
        };
        assert_eq!(
            ops(0),
            ["GET /policy#domain", "DELETE /policy#domain", "PUT /policy"]
        );
        assert_eq!(ops(1), ["GET /policy#repository"]);
        assert_eq!(ops(2), ["GET /policy"]);
        let first = &shards[0].document;
        assert_eq!(first["openapi"], "3.0.0");
        assert_eq!(first["components"], document["components"]);
        let paths = first["paths"].as_object().expect("paths");
        assert_eq!(paths.keys().collect::<Vec<_>>(), ["/policy"]);
        assert_eq!(
            first["paths"]["/policy"]["get"]["parameters"],
            json!([{"$ref": "#/components/parameters/Domain"}, {"name": "x", "in": "header", "schema": {"type": "string"}}])
        );
        assert_eq!(
            first["paths"]["/policy"]["delete"]["parameters"],
            json!([{"name": "x", "in": "header", "required": true, "schema": {"type": "string"}}, {"$ref": "#/components/parameters/Domain"}])
        );
        assert_eq!(
            shards[1].document["paths"]["/policy"]["get"]["parameters"][0]["required"],
            true
        );
        assert!(
            shards[1].document["paths"]["/policy"]
                .get("parameters")
                .is_none()
        );
    }
}
