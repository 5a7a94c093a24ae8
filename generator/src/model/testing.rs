//! Helpers of the model's unit tests: a document from components and paths, the model of
//! it, and the parts of the model a test looks at.

use serde_json::json;

use super::{Api, Field, TypeDef, TypeKind};
use crate::options::Options;

/// The model of `doc`; panics (failing the test) when the model fails.
pub(crate) fn api(doc: serde_json::Value) -> Api {
    let options = Options {
        crate_name: "test-client".to_owned(),
        ..Default::default()
    };
    match Api::from_merged(&doc, &options) {
        Ok(api) => api,
        Err(e) => panic!("model failed: {e}"),
    }
}

/// An OpenAPI 3.0 document of these component schemas and paths.
pub(crate) fn doc(schemas: serde_json::Value, paths: serde_json::Value) -> serde_json::Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas}
    })
}

/// The named type `name` of `api`.
pub(crate) fn def<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    match api.types.iter().find(|t| t.name == name) {
        Some(def) => def,
        None => panic!(
            "no type {name} in {:?}",
            api.types.iter().map(|t| &t.name).collect::<Vec<_>>()
        ),
    }
}

/// The fields of a struct.
pub(crate) fn fields(def: &TypeDef) -> &[Field] {
    match &def.kind {
        TypeKind::Struct { fields } => fields,
        other => panic!("{} is not a struct: {other:?}", def.name),
    }
}

/// The text of the error the model of `doc` fails with.
pub(crate) fn model_error(doc: serde_json::Value) -> String {
    let options = Options {
        crate_name: "c".into(),
        ..Default::default()
    };
    match Api::from_merged(&doc, &options) {
        Ok(_) => panic!("expected a model error"),
        Err(e) => e.to_string(),
    }
}
