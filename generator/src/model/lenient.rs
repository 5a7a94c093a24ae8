//! Reading the merged document into `openapiv3`, forgiving what stitch does not use.
//!
//! `openapiv3` is strict about validation keywords (`minimum: "5"`, 3.1's numeric
//! `exclusiveMinimum: 0`, `maxLength: -1`) and about Swagger 2 leftovers (`required: true` on
//! a property). None of these change a Rust type, so before parsing they are normalized in a
//! copy of the document (the crate's `openapi.json` keeps the original): validation keywords
//! of the wrong type are dropped, and `required: true` on a property moves to its parent's
//! `required` list, and Swagger 2's file type is a binary string. Keywords that only constrain
//! another type than the schema's (`minimum` on a string, `format` on a boolean) are dropped,
//! an integer's decimal-written limits (`minimum: 0.0`, as Pydantic writes them) are integers,
//! and a string `enum`'s unquoted YAML values (`true`, `43`) are strings: `openapiv3` would
//! otherwise read each of these as a schema of no type, which is free-form JSON. What still
//! does not parse is reported with the place it is at.
//!
//! OpenAPI 3.1 documents (JSON Schema 2020-12 schemas) are read the same way: their
//! spellings are turned into the 3.0 ones that mean the same for a Rust type ([`from_3_1`]):
//! `type: [T, "null"]` is `type: T, nullable: true`, `const` a one-value `enum`, a boolean
//! schema `true` the free-form `{}`, `contentEncoding: base64` a `format: byte` string, and a
//! document without `paths` has none.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, Schema};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::ModelError;

/// Validation keywords that must be numbers (or, for the two exclusive ones in 3.0, booleans).
const NUMERIC: &[&str] = &[
    "minimum",
    "maximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];

/// Of [`NUMERIC`], the ones that count (lengths, items, properties): whole and not negative.
const COUNTS: &[&str] = &[
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];

/// Boolean keywords: `"true"`/`"false"` become booleans, anything else that is not one is
/// dropped (3.1's numeric `exclusiveMinimum` among them).
const FLAGS: &[&str] = &[
    "exclusiveMinimum",
    "exclusiveMaximum",
    "uniqueItems",
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
];

/// Parses the merged document, after normalizing what stitch does not use; with it, the
/// schemas that `$ref`s point at outside `#/components/schemas/<name>` (a path's response
/// schema, a property of another response, ...), by reference.
pub(super) fn parse(merged: &Value) -> Result<(OpenAPI, BTreeMap<String, Schema>), ModelError> {
    let doc = normalized(merged);
    let mut pointers = BTreeMap::new();
    collect_pointers(&doc, &doc, &mut pointers);
    // By value: serde's untagged enums (`ReferenceOr`, at every level of a schema) then move
    // each part's buffered content on instead of copying it again at every level, and
    // strings are moved, not copied. Where it does not parse, the copy is made again to
    // find the place.
    match OpenAPI::deserialize(doc) {
        Ok(spec) => Ok((spec, pointers)),
        Err(error) => Err(locate(&normalized(merged), &error.to_string())),
    }
}

/// The copy of `merged` that `openapiv3` reads: references canonical, the document cleaned.
fn normalized(merged: &Value) -> Value {
    let mut doc = merged.clone();
    super::refs::canonicalize(&mut doc);
    normalize_document(&mut doc);
    doc
}

/// Every `$ref` in `value` that points at a schema somewhere other than a whole entry of
/// `components` (those are resolved by section), parsed.
fn collect_pointers(doc: &Value, value: &Value, into: &mut BTreeMap<String, Schema>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let segments = reference.strip_prefix("#/").map(|p| p.split('/').count());
                let whole_component = reference.starts_with("#/components/") && segments == Some(3);
                // Inside a component schema, the model walks `properties`, `items`, ... itself;
                // anything else (`definitions`, `$defs`) is looked up here.
                let walked_by_model = reference
                    .strip_prefix("#/components/schemas/")
                    .is_some_and(|rest| walkable(rest.split('/').skip(1)));
                if !whole_component && !walked_by_model && !into.contains_key(reference) {
                    let target = reference.strip_prefix('#').and_then(|p| doc.pointer(p));
                    if let Some(target) = target.filter(|t| t.get("$ref").is_none()) {
                        let schema = Schema::deserialize(target)
                            .unwrap_or_else(|error| unreadable(&error.to_string()));
                        into.insert(reference.clone(), schema);
                    }
                }
            }
            for inner in map.values() {
                collect_pointers(doc, inner, into);
            }
        }
        Value::Array(items) => {
            for inner in items {
                collect_pointers(doc, inner, into);
            }
        }
        _ => {}
    }
}

/// The extension that marks a `$ref`'s target that is there but is not a schema openapiv3 can
/// read (Codat's `{"type": {..}}` under `definitions`); its value says why. The model reads
/// such a target as free-form JSON, with a warning ([`unreadable`]).
pub(crate) const UNREADABLE: &str = "x-stitch-unreadable";

/// A schema of anything that carries [`UNREADABLE`] with `why`.
fn unreadable(why: &str) -> Schema {
    let mut schema = Schema {
        schema_data: openapiv3::SchemaData::default(),
        schema_kind: openapiv3::SchemaKind::Any(openapiv3::AnySchema::default()),
    };
    schema
        .schema_data
        .extensions
        .insert(UNREADABLE.to_owned(), Value::String(why.to_owned()));
    schema
}

/// Whether the model's walk inside a component schema (`model::schema`'s `pointer_schema`)
/// follows these pointer segments: `properties/<name>`, `items`, `additionalProperties`,
/// `allOf|oneOf|anyOf/<index>`.
fn walkable<'s>(mut segments: impl Iterator<Item = &'s str>) -> bool {
    while let Some(segment) = segments.next() {
        let ok = match segment {
            "properties" => segments.next().is_some(),
            "items" | "additionalProperties" => true,
            "allOf" | "oneOf" | "anyOf" => {
                segments.next().is_some_and(|i| i.parse::<usize>().is_ok())
            }
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

/// Normalizes every schema the document holds, wherever it stands.
fn normalize_document(doc: &mut Value) {
    // 3.1 made `paths` optional (a document may hold only webhooks and components).
    if let Some(map) = doc.as_object_mut() {
        map.entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Some(components) = doc.get_mut("components") {
        for schema in values_mut(components.get_mut("schemas")) {
            normalize_schema(schema);
        }
        for parameter in values_mut(components.get_mut("parameters")) {
            normalize_holder(parameter);
        }
        for header in values_mut(components.get_mut("headers")) {
            normalize_holder(header);
        }
        for body in values_mut(components.get_mut("requestBodies")) {
            normalize_content(body);
        }
        for response in values_mut(components.get_mut("responses")) {
            normalize_response(response);
        }
    }
    for item in values_mut(doc.get_mut("paths")) {
        normalize_operation(item);
        if let Some(map) = item.as_object_mut() {
            for (key, op) in map.iter_mut() {
                if key != "parameters" && op.is_object() {
                    normalize_operation(op);
                }
            }
        }
    }
}

/// Parameters, request body and responses of an operation (or the parameters of a path item).
fn normalize_operation(op: &mut Value) {
    // Callbacks are requests the server makes, not the client: nothing to generate, and
    // `openapiv3` cannot read one given by `$ref`.
    if let Some(map) = op.as_object_mut() {
        map.remove("callbacks");
    }
    if let Some(Value::Array(parameters)) = op.get_mut("parameters") {
        parameters.iter_mut().for_each(normalize_holder);
    }
    if let Some(body) = op.get_mut("requestBody") {
        normalize_content(body);
    }
    if let Some(responses) = op.get_mut("responses") {
        for response in values_mut(Some(responses)) {
            normalize_response(response);
        }
    }
}

fn normalize_response(response: &mut Value) {
    normalize_content(response);
    for header in values_mut(response.get_mut("headers")) {
        normalize_holder(header);
    }
}

/// A parameter or header: its `schema` and its `content`.
fn normalize_holder(holder: &mut Value) {
    if let Some(schema) = holder.get_mut("schema") {
        normalize_schema(schema);
    }
    normalize_content(holder);
}

fn normalize_content(holder: &mut Value) {
    for media in values_mut(holder.get_mut("content")) {
        super::streams::item_schema_first(media);
        if let Some(schema) = media.get_mut("schema") {
            normalize_schema(schema);
        }
    }
}

/// One schema and every schema inside it.
fn normalize_schema(schema: &mut Value) {
    // 3.1: `true` is the schema that allows anything, `false` the one that allows nothing
    // (no Rust value can be built for it, so it reads as anything too).
    if schema.is_boolean() {
        *schema = Value::Object(Map::new());
    }
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    from_3_1(map);
    // Swagger 2's file type (`type: file`, or `type: object, format: file` as converters
    // write it) is binary content.
    let file = map.get("type").is_some_and(|t| t == "file")
        || (map.get("type").is_some_and(|t| t == "object")
            && map.get("format").is_some_and(|f| f == "file")
            && !map.contains_key("properties"));
    if file {
        map.insert("type".to_owned(), Value::from("string"));
        map.insert("format".to_owned(), Value::from("binary"));
    }
    if map.get("type").is_some_and(|t| t == "integer") {
        whole_integer_limits(map);
    }
    drop_other_types_keywords(map);
    if map.get("type").is_some_and(|t| t == "string") {
        string_enum_values(map);
    }
    for key in NUMERIC {
        let bad = map
            .get(*key)
            .is_some_and(|v| !v.is_number() || (COUNTS.contains(key) && v.as_u64().is_none()));
        if bad {
            map.remove(*key);
        }
    }
    for key in FLAGS {
        let fixed = match map.get(*key) {
            Some(Value::String(text)) if text == "true" => Some(Some(true)),
            Some(Value::String(text)) if text == "false" => Some(Some(false)),
            Some(Value::Bool(_)) | None => None,
            Some(_) => Some(None),
        };
        match fixed {
            Some(Some(flag)) => {
                map.insert((*key).to_owned(), Value::Bool(flag));
            }
            Some(None) => {
                map.remove(*key);
            }
            None => {}
        }
    }
    for key in ["format", "pattern", "title", "description"] {
        if map.get(key).is_some_and(|v| !v.is_string()) {
            map.remove(key);
        }
    }
    if map.get("required").is_some_and(|v| !v.is_array()) {
        map.remove("required");
    }
    // `required: true` on a property (Swagger 2 style) joins the parent's `required`.
    let mut lifted = Vec::new();
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            if let Some(property) = property.as_object_mut() {
                if property.get("required").is_some_and(|v| v.is_boolean())
                    && property.remove("required") == Some(Value::Bool(true))
                {
                    lifted.push(Value::from(name.as_str()));
                }
            }
            normalize_schema(property);
        }
    }
    if !lifted.is_empty() {
        let required = map
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = required {
            for name in lifted {
                if !list.contains(&name) {
                    list.push(name);
                }
            }
        }
    }
    for key in ["items", "not"] {
        if let Some(inner) = map.get_mut(key) {
            normalize_schema(inner);
        }
    }
    // `additionalProperties: true|false` is valid as it is.
    if let Some(inner) = map
        .get_mut("additionalProperties")
        .filter(|v| v.is_object())
    {
        normalize_schema(inner);
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(parts)) = map.get_mut(key) {
            parts.iter_mut().for_each(normalize_schema);
        }
    }
}

/// The keywords that constrain only numbers (integers are numbers).
const NUMBER_KEYWORDS: &[&str] = &[
    "multipleOf",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "enum",
    "format",
];

/// The keywords that constrain only one kind of JSON value, by the `type` they apply to
/// (`enum` and `format` where `openapiv3` reads them).
const KEYWORDS_OF_TYPE: &[(&str, &[&str])] = &[
    (
        "string",
        &["pattern", "minLength", "maxLength", "enum", "format"],
    ),
    ("number", NUMBER_KEYWORDS),
    ("integer", NUMBER_KEYWORDS),
    ("boolean", &["enum"]),
    (
        "object",
        &[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
        ],
    ),
    ("array", &["items", "minItems", "maxItems", "uniqueItems"]),
];

/// Drops, from a schema with one `type`, the keywords that only constrain values of another
/// type (`minimum` on a string, `maxLength` on an integer, `format` on a boolean, `items` on
/// an object). JSON Schema applies such a keyword only to values of its own type, so on this
/// schema it constrains nothing; `openapiv3`, however, reads a schema that has one as a schema
/// of no type at all, which would make the field free-form JSON.
fn drop_other_types_keywords(map: &mut Map<String, Value>) {
    let Some(typ) = map.get("type").and_then(Value::as_str) else {
        return;
    };
    let Some((_, own)) = KEYWORDS_OF_TYPE.iter().find(|(t, _)| *t == typ) else {
        return;
    };
    let own: &[&str] = own;
    // The foreign keywords the schema has, removed in sorted order: `remove` moves the last
    // key into the removed one's place, so the order of removals is the order of the keys
    // left. Removing one it does not have changes nothing, so only those it has are looked up.
    let mut foreign: Vec<&str> = map
        .keys()
        .map(String::as_str)
        .filter(|key| {
            !own.contains(key)
                && KEYWORDS_OF_TYPE
                    .iter()
                    .any(|(_, keywords)| keywords.contains(key))
        })
        .collect();
    if foreign.is_empty() {
        return;
    }
    foreign.sort_unstable();
    let foreign: Vec<String> = foreign.into_iter().map(str::to_owned).collect();
    for keyword in &foreign {
        map.remove(keyword);
    }
}

/// A string schema's `enum` values that are not strings (`[true, false]`, `[43, "x"]`: YAML
/// reads unquoted `yes`, `no` and digits so) are the strings they are written as: the
/// values are strings on the wire, as `type` says. `null` stays (it makes the enum nullable).
fn string_enum_values(map: &mut Map<String, Value>) {
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        for value in values.iter_mut() {
            if value.is_boolean() || value.is_number() {
                *value = Value::String(value.to_string());
            }
        }
    }
}

/// An integer schema's limits and values written as decimals (`minimum: 0.0`, `maximum: 50.0`,
/// `multipleOf: 1.0`, `enum: [1.0, 2.0]`: Pydantic writes them so) are integers: `openapiv3`
/// reads an integer schema only when they are, and reads anything else as a schema of no
/// type (which would be free-form JSON). A whole-number limit becomes that integer; a limit
/// that is not whole (`minimum: 0.5`) says nothing about the Rust type and is dropped, and so
/// is an `enum` holding a value that is not a whole number (the type stays an integer).
fn whole_integer_limits(map: &mut Map<String, Value>) {
    /// The integer a JSON number stands for, if it is a whole number in `i64`'s range.
    fn whole(value: &Value) -> Option<Value> {
        if value.is_i64() {
            return Some(value.clone());
        }
        let float = value.as_f64()?;
        // `i64::MAX as f64` rounds up to 2^63, which is out of range: compare with `<`.
        let in_range = float >= i64::MIN as f64 && float < i64::MAX as f64;
        (float.fract() == 0.0 && in_range).then(|| Value::from(float as i64))
    }
    for key in ["minimum", "maximum", "multipleOf"] {
        if let Some(value) = map.get(key).filter(|v| v.is_number()) {
            match whole(value) {
                Some(integer) => {
                    map.insert(key.to_owned(), integer);
                }
                None => {
                    map.remove(key);
                }
            }
        }
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        let integers: Option<Vec<Value>> = values
            .iter()
            .map(|v| {
                if v.is_null() {
                    Some(Value::Null)
                } else {
                    whole(v)
                }
            })
            .collect();
        match integers {
            Some(integers) => {
                map.insert("enum".to_owned(), Value::Array(integers));
            }
            None => {
                map.remove("enum");
            }
        }
    }
}

/// Rewrites one schema's OpenAPI 3.1 (JSON Schema 2020-12) spellings as the 3.0 ones that
/// give the same Rust type. Keywords that are already 3.0 are left alone, so a 3.0 schema
/// comes out unchanged.
fn from_3_1(map: &mut Map<String, Value>) {
    // `type: ["string", "null"]`: the non-null type, nullable; several non-null types become
    // an `anyOf` of one branch per type.
    if let Some(Value::Array(types)) = map.get("type") {
        let nullable = types.iter().any(|t| t == "null");
        let mut rest: Vec<Value> = types
            .iter()
            .filter(|t| t.is_string() && *t != "null")
            .cloned()
            .collect();
        rest.dedup();
        map.remove("type");
        match rest.len() {
            0 if nullable => {
                map.insert("type".to_owned(), Value::from("null"));
            }
            0 => {}
            1 => {
                map.insert("type".to_owned(), rest.remove(0));
            }
            _ if !map.contains_key("anyOf") && !map.contains_key("oneOf") => {
                let branches = rest
                    .into_iter()
                    .map(|t| Value::Object(Map::from_iter([("type".to_owned(), t)])))
                    .collect();
                map.insert("anyOf".to_owned(), Value::Array(branches));
            }
            _ => {}
        }
        if nullable && rest_is_typed(map) {
            map.insert("nullable".to_owned(), Value::Bool(true));
        }
    }
    if let Some(value) = map.remove("const") {
        map.entry("enum")
            .or_insert_with(|| Value::Array(vec![value]));
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if map.get(exclusive).is_some_and(Value::is_number) {
            if let Some(value) = map.remove(exclusive) {
                if !map.contains_key(bound) {
                    map.insert(bound.to_owned(), value);
                    map.insert(exclusive.to_owned(), Value::Bool(true));
                }
            }
        }
    }
    if map.get("type").is_some_and(|t| t == "string") && !map.contains_key("format") {
        let base64 = map.get("contentEncoding").is_some_and(|e| e == "base64");
        let binary = map
            .get("contentMediaType")
            .and_then(Value::as_str)
            .is_some_and(|media| !media.contains("json") && !media.starts_with("text/"));
        if base64 {
            map.insert("format".to_owned(), Value::from("byte"));
        } else if binary {
            map.insert("format".to_owned(), Value::from("binary"));
        }
    }
    // Schemas kept under `$defs` are reached by `$ref` like any other place in the document.
    if let Some(Value::Object(defs)) = map.get_mut("$defs") {
        defs.values_mut().for_each(normalize_schema);
    }
}

/// Whether a schema rewritten from a 3.1 type list says what it is (a `type` other than
/// `null`, or branches), so `nullable` has something to qualify.
fn rest_is_typed(map: &Map<String, Value>) -> bool {
    map.get("type").is_some_and(|t| t != "null") || map.contains_key("anyOf")
}

/// The values of an object (nothing for anything else).
fn values_mut(value: Option<&mut Value>) -> impl Iterator<Item = &mut Value> {
    value
        .and_then(Value::as_object_mut)
        .map(Map::values_mut)
        .into_iter()
        .flatten()
}

/// Tries one part of the document alone: the parse error, if any.
type Check = fn(&Value) -> Option<String>;

/// Why `value` does not parse as a `T`, if it does not.
fn parse_error<T: for<'de> Deserialize<'de>>(value: &Value) -> Option<String> {
    T::deserialize(value).err().map(|e| e.to_string())
}

/// Names the first component schema, path item or other part that does not parse, so the
/// message says where to look.
fn locate(doc: &Value, message: &str) -> ModelError {
    let escape = crate::pointer::escape;
    use openapiv3::{Parameter, PathItem, ReferenceOr, RequestBody, Response, SecurityScheme};
    let parts: [(&str, &str, Check); 6] = [
        ("components", "schemas", parse_error::<ReferenceOr<Schema>>),
        (
            "components",
            "parameters",
            parse_error::<ReferenceOr<Parameter>>,
        ),
        (
            "components",
            "responses",
            parse_error::<ReferenceOr<Response>>,
        ),
        (
            "components",
            "requestBodies",
            parse_error::<ReferenceOr<RequestBody>>,
        ),
        (
            "components",
            "securitySchemes",
            parse_error::<ReferenceOr<SecurityScheme>>,
        ),
        ("paths", "", parse_error::<ReferenceOr<PathItem>>),
    ];
    for (top, section, check) in parts {
        let holder = match (doc.get(top), section) {
            (Some(top), "") => Some(top),
            (Some(top), section) => top.get(section),
            (None, _) => None,
        };
        let Some(Value::Object(entries)) = holder else {
            continue;
        };
        for (key, value) in entries {
            if let Some(error) = check(value) {
                let place = if section.is_empty() {
                    format!("#/{top}/{}", escape(key))
                } else {
                    format!("#/{top}/{section}/{}", escape(key))
                };
                return ModelError::Invalid(format!("{place}: {error}"));
            }
        }
    }
    ModelError::Invalid(message.to_owned())
}
