//! Example arguments for an operation, synthesized from the OpenAPI document: a JSON value for
//! every parameter and body the generated `Client` method takes, chosen so that a validator
//! that checks requests against the document (such as Prism) accepts them.
//!
//! The values are JSON on purpose: a caller turns each into the Rust type the model chose for
//! it with `serde_json::from_value` (the type is printed by [`rust_type`]), so the synthesis
//! reads the document's schemas — enums, formats, limits, examples — which the model's
//! [`TypeRef`] no longer carries.
//!
//! How a value is chosen, first that applies: the schema's `const`, its first `enum` value,
//! its `example` (or first of `examples`), its `default`, then a value made from its type and
//! limits (`minimum`, `maximum`, `minLength`, `maxLength`, `minItems`, `format`). Objects get
//! their required properties, and with [`Fill::All`] their optional ones too (to a bounded
//! depth); `readOnly` properties are never sent. `allOf` parts are merged, the first non-null
//! branch of a `oneOf`/`anyOf` is taken. Everything is deterministic and nothing here panics:
//! a `$ref` that resolves nowhere or a schema that is not an object gives `null`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::model::{Api, Operation, SchemeKind, Success, TypeDef, TypeKind, TypeRef};

/// Which optional values to set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// Only what is required: required parameters, a required body, required properties.
    Required,
    /// Everything: optional parameters, an optional body, optional properties too.
    All,
}

/// One argument of a call: the Rust name of the parameter (or of the body), its type, and the
/// value to convert into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Argument {
    /// The Rust name: the positional argument's name, or the builder method that sets it.
    pub name: String,
    /// The Rust type (what `serde_json::from_value` must produce).
    pub ty: TypeRef,
    /// The value.
    pub value: Value,
    /// The value is the document's own example, taken as written (not synthesized), or an
    /// item of an array's `enum` that lists item values (no array equals any of them): when
    /// a validator rejects it, the document contradicts itself.
    pub from_example: bool,
}

/// One call of an operation's `Client` method.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The `Client` method.
    pub method: String,
    /// Positional arguments, in order.
    pub positional: Vec<Argument>,
    /// Builder methods to call before sending, in order.
    pub setters: Vec<Argument>,
}

impl Call {
    /// A required argument is positional, an optional one a setter.
    fn push(&mut self, required: bool, argument: Argument) {
        if required {
            self.positional.push(argument);
        } else {
            self.setters.push(argument);
        }
    }
}

/// How deep optional properties are filled with [`Fill::All`]; deeper, only required ones.
const OPTIONAL_DEPTH: usize = 3;
/// How deep a value is built at all (recursive schemas stop here with `null`).
const MAX_DEPTH: usize = 24;

/// The call of `op` with arguments from `document` (the merged OpenAPI document the model was
/// built from): required parameters and a required body always, optional ones with
/// [`Fill::All`].
pub fn call(document: &Value, op: &Operation, fill: Fill) -> Call {
    let operation = document
        .get("paths")
        .and_then(|paths| paths.get(&op.path))
        .map(|item| resolve(document, item));
    let item = operation.unwrap_or(&Value::Null);
    let spec_op = item.get(op.method.as_str()).unwrap_or(&Value::Null);
    let mut call = Call {
        method: op.name.clone(),
        positional: Vec::new(),
        setters: Vec::new(),
    };
    for param in &op.params {
        if !param.required && fill == Fill::Required {
            continue;
        }
        let spec_param =
            find_parameter(document, item, spec_op, &param.wire, param.location.word());
        let (value, from_example) = match spec_param {
            Some(spec_param) => parameter_value(document, spec_param, fill),
            None => (Value::Null, false),
        };
        call.push(
            param.required,
            Argument {
                name: param.name.clone(),
                ty: param.ty.clone(),
                value,
                from_example,
            },
        );
    }
    if let Some(body) = &op.body
        && (body.required || fill == Fill::All)
    {
        let media = spec_op
            .get("requestBody")
            .map(|b| resolve(document, b))
            .and_then(|b| b.get("content"))
            .and_then(|c| c.get(&body.media_type))
            .unwrap_or(&Value::Null);
        let (value, from_example) = media_value(document, media, fill);
        call.push(
            body.required,
            Argument {
                name: crate::emit::body_name(op),
                ty: body.ty.clone(),
                value,
                from_example,
            },
        );
    }
    call
}

/// The Rust type as code, as rustfmt writes it (`Vec<types::Pet>`), naming schemas
/// `types::Name` (for code that has `use <crate>::types;`).
/// An `Upload` (an argument of `impl Into<Upload>`) is written as the bytes it is made from,
/// `Vec<u8>`.
pub fn rust_type(ty: &TypeRef) -> String {
    let ty = if *ty == TypeRef::Upload {
        &TypeRef::Bytes
    } else {
        ty
    };
    let tokens = crate::emit::type_tokens(ty, crate::emit::Scope::Sibling);
    // Printed by prettyplease as the right side of an alias: tokens' own `to_string` spaces
    // every punctuation mark (`Vec < types :: Pet >`).
    let printed = syn::parse2::<syn::File>(quote::quote!(type T = #tokens;))
        .map(|file| prettyplease::unparse(&file))
        .unwrap_or_else(|_| tokens.to_string());
    printed
        .trim()
        .strip_prefix("type T = ")
        .and_then(|text| text.strip_suffix(';'))
        .map_or_else(|| tokens.to_string(), str::to_owned)
}

/// A value for `schema` (which may be a `$ref`), with the document's components reachable.
pub fn value(document: &Value, schema: &Value, fill: Fill) -> Value {
    synthesize(document, schema, fill, 0)
}

/// A parameter's value: its own example, else one from its schema (or its content's schema).
fn parameter_value(document: &Value, param: &Value, fill: Fill) -> (Value, bool) {
    if let Some(example) = own_example(document, param)
        && param
            .get("schema")
            .is_none_or(|schema| fits(document, schema, &example))
    {
        return (example, true);
    }
    if let Some(schema) = param.get("schema") {
        let (value, from_example) = schema_value(document, schema, fill);
        // A parameter is text on the wire: `1` for `oneOf: [integer, string]` is read by
        // both branches (Prism refuses it: "must match exactly one schema in oneOf"), so
        // the string branch's value is taken where it reads as nothing else.
        if let Some(text) = unambiguous_text(document, schema, &value, fill) {
            return (text, false);
        }
        return (value, from_example);
    }
    let media = param
        .get("content")
        .and_then(Value::as_object)
        .and_then(|content| content.values().next())
        .unwrap_or(&Value::Null);
    media_value(document, media, fill)
}

/// For a parameter whose schema is a `oneOf` with a string branch, and whose value is a
/// number or a boolean (which the string branch also reads, as text), that branch's value
/// when it does not read as a number or a boolean.
fn unambiguous_text(document: &Value, schema: &Value, value: &Value, fill: Fill) -> Option<Value> {
    if !matches!(value, Value::Number(_) | Value::Bool(_)) {
        return None;
    }
    let branches = resolve(document, schema).get("oneOf")?.as_array()?;
    let string = branches
        .iter()
        .find(|branch| type_name(resolve(document, branch)) == Some("string"))?;
    match synthesize(document, string, fill, 1) {
        Value::String(text)
            if text.parse::<f64>().is_err() && text != "true" && text != "false" =>
        {
            Some(Value::String(text))
        }
        _ => None,
    }
}

/// A media type object's value: its example, else one from its schema.
fn media_value(document: &Value, media: &Value, fill: Fill) -> (Value, bool) {
    if let Some(example) = own_example(document, media)
        && media
            .get("schema")
            .is_none_or(|schema| fits(document, schema, &example))
    {
        return (example, true);
    }
    schema_value(document, media.get("schema").unwrap_or(&Value::Null), fill)
}

/// A schema's value, and whether it is the schema's example taken as written.
fn schema_value(document: &Value, schema: &Value, fill: Fill) -> (Value, bool) {
    let resolved = resolve(document, schema);
    // `{type: array, enum: ["live", ..]}`: the value is one of the document's own enum values
    // as one item, and no array can equal a string.
    let enum_of_items = type_name(resolved) == Some("array")
        && resolved
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().any(|v| !v.is_null() && !v.is_array()));
    let from_example = enum_of_items
        || (resolved.get("const").is_none()
            && resolved.get("enum").is_none()
            && schema_example(resolved).is_some_and(|example| fits(document, resolved, example)));
    (synthesize(document, schema, fill, 0), from_example)
}

/// `example`, or the value of the first of `examples` (a map of Example objects, which may be
/// `$ref`s) of a parameter or media type object.
fn own_example(document: &Value, object: &Value) -> Option<Value> {
    if let Some(example) = object.get("example") {
        return Some(example.clone());
    }
    object
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|examples| examples.values().next())
        .map(|example| resolve(document, example))
        .and_then(|example| example.get("value"))
        .cloned()
}

/// A schema's `example`, or the first of its `examples` (3.1: an array).
fn schema_example(schema: &Value) -> Option<&Value> {
    schema.get("example").or_else(|| {
        schema
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|examples| examples.first())
    })
}

/// The parameter `name` in `location` of an operation: the operation's own, else the path
/// item's (an operation's parameter overrides the path item's of the same name and place).
fn find_parameter<'a>(
    document: &'a Value,
    item: &'a Value,
    operation: &'a Value,
    name: &str,
    location: &str,
) -> Option<&'a Value> {
    [operation, item].into_iter().find_map(|holder| {
        holder
            .get("parameters")
            .and_then(Value::as_array)?
            .iter()
            .map(|param| resolve(document, param))
            .find(|param| {
                param.get("name").and_then(Value::as_str) == Some(name)
                    && param.get("in").and_then(Value::as_str) == Some(location)
            })
    })
}

/// Follows `$ref`s inside the document (a few hops at most; a cycle or a reference that
/// resolves nowhere gives `null`).
fn resolve<'a>(document: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return value;
        };
        match reference
            .strip_prefix('#')
            .and_then(|pointer| document.pointer(pointer))
        {
            Some(target) => value = target,
            None => return &Value::Null,
        }
    }
    &Value::Null
}

/// The value of one schema at `depth`.
fn synthesize(document: &Value, schema: &Value, fill: Fill, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let schema = resolve(document, schema);
    // Deep down, a value that may be `null` is: a required but nullable recursive property
    // (`parent: Record | null`) ends here rather than [`MAX_DEPTH`] levels down.
    if depth > OPTIONAL_DEPTH && nullable(document, schema) {
        return Value::Null;
    }
    let Some(object) = schema.as_object() else {
        // `true` or a missing schema: anything goes.
        return Value::String("string".to_owned());
    };
    if let Some(value) = object.get("const") {
        return value.clone();
    }
    if let Some(first) = object.get("enum").and_then(Value::as_array).and_then(|e| {
        // A `null` among the values is there for nullability; a real value says more.
        e.iter().find(|v| !v.is_null()).or_else(|| e.first())
    }) {
        if fits(document, schema, first) {
            return first.clone();
        }
        // An array whose `enum` lists item values (`{type: array, enum: [a, b], items:
        // {type: string}}`, written for "each item one of"): one item of the first.
        if type_name(schema) == Some("array")
            && object
                .get("items")
                .is_none_or(|items| fits(document, items, first))
        {
            return Value::Array(vec![first.clone()]);
        }
    }
    // An example or default that contradicts its own schema (a date-time where the format
    // is `date`, an object for an array) is passed over: the value is built from the type.
    if let Some(example) = schema_example(schema) {
        if fits(document, schema, example) {
            return example.clone();
        }
        // A number or boolean written for a string (`example: 442035159999` for a phone
        // number typed `string`) means its text.
        if matches!(example, Value::Number(_) | Value::Bool(_)) {
            let text = Value::String(example.to_string());
            if fits(document, schema, &text) {
                return text;
            }
        }
    }
    if let Some(default) = object.get("default").filter(|d| fits(document, schema, d)) {
        return default.clone();
    }
    if let Some(parts) = object.get("allOf").and_then(Value::as_array) {
        let mut merged: Option<Map<String, Value>> = None;
        let mut other = None;
        for part in parts {
            // A part that only annotates (`description`, `xml`) says nothing of the value.
            if !constrains(resolve(document, part)) {
                continue;
            }
            match synthesize(document, part, fill, depth + 1) {
                Value::Object(properties) => merged.get_or_insert_default().extend(properties),
                value => other = other.or(Some(value)),
            }
        }
        // Properties beside the `allOf` belong to the same object.
        if object.contains_key("properties") || type_name(schema) == Some("object") {
            if let Value::Object(own) = object_value(document, object, fill, depth) {
                merged.get_or_insert_default().extend(own);
            }
        }
        return match (merged, other) {
            (Some(merged), _) => Value::Object(merged),
            (None, Some(value)) => value,
            (None, None) => Value::String(string_value(object)),
        };
    }
    for union in ["oneOf", "anyOf"] {
        if let Some(branches) = object.get(union).and_then(Value::as_array) {
            let branch = branches
                .iter()
                .find(|b| type_name(resolve(document, b)) != Some("null"))
                .or_else(|| branches.first());
            if let Some(branch) = branch {
                return synthesize(document, branch, fill, depth + 1);
            }
        }
    }
    match type_name(schema) {
        Some("object") => object_value(document, object, fill, depth),
        Some("array") => {
            let item = synthesize(
                document,
                object.get("items").unwrap_or(&Value::Bool(true)),
                fill,
                depth + 1,
            );
            let count = object
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .clamp(1, 16);
            Value::Array((0..count).map(|_| item.clone()).collect())
        }
        Some("integer") => integer_value(object),
        Some("number") => number_value(object),
        Some("boolean") => Value::Bool(true),
        Some("null") => Value::Null,
        Some("string") => Value::String(string_value(object)),
        _ if object.contains_key("properties") => object_value(document, object, fill, depth),
        _ if object.contains_key("items") => {
            let item = synthesize(document, &object["items"], fill, depth + 1);
            Value::Array(vec![item])
        }
        _ => Value::String(string_value(object)),
    }
}

/// Whether `value` has the type the schema says (`type`, also a 3.1 list of types; without
/// one, `properties` say object and `items` array), and, for a string, the shape of its
/// `format` where a generated client reads the format into a type (`date`, `date-time`,
/// `uuid`); inside, every `allOf` part, the required properties (other than `readOnly`
/// ones, which a client never sends) and the properties and items present, down to
/// [`MAX_DEPTH`] (a document's example with a string where an item is an integer, or
/// without a required property, does not fit: the generated type would refuse it). A
/// schema that says nothing fits anything.
fn fits(document: &Value, schema: &Value, value: &Value) -> bool {
    fits_at(document, schema, value, 0)
}

fn fits_at(document: &Value, schema: &Value, value: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    let schema = resolve(document, schema);
    let Some(object) = schema.as_object() else {
        return true;
    };
    if let Some(parts) = object.get("allOf").and_then(Value::as_array)
        && !parts
            .iter()
            .all(|part| fits_at(document, part, value, depth + 1))
    {
        return false;
    }
    let types: Vec<&str> = match object.get("type") {
        Some(Value::String(name)) => vec![name.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ if object.contains_key("properties") => vec!["object"],
        _ if object.contains_key("items") => vec!["array"],
        _ => return true,
    };
    let nullable = object.get("nullable") == Some(&Value::Bool(true));
    let typed = types.iter().any(|&name| match (name, value) {
        ("string", Value::String(text)) => object
            .get("format")
            .and_then(Value::as_str)
            .is_none_or(|format| formatted(format, text)),
        ("integer", Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        ("number", Value::Number(_))
        | ("boolean", Value::Bool(_))
        | ("array", Value::Array(_))
        | ("object", Value::Object(_))
        | ("null", Value::Null) => true,
        _ => false,
    });
    if !typed {
        return nullable && value.is_null();
    }
    let properties = object.get("properties").and_then(Value::as_object);
    match value {
        Value::Object(map) => {
            let required = object
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str);
            let read_only = |name: &str| {
                properties
                    .and_then(|p| p.get(name))
                    .map(|p| resolve(document, p))
                    .and_then(|p| p.get("readOnly"))
                    == Some(&Value::Bool(true))
            };
            let mut required = required;
            if !required.all(|name| map.contains_key(name) || read_only(name)) {
                return false;
            }
            map.iter().all(|(name, value)| {
                properties
                    .and_then(|p| p.get(name))
                    .is_none_or(|property| fits_at(document, property, value, depth + 1))
            })
        }
        Value::Array(items) => object.get("items").is_none_or(|schema| {
            items
                .iter()
                .all(|item| fits_at(document, schema, item, depth + 1))
        }),
        _ => true,
    }
}

/// Whether `text` has the shape of `format` (only the formats a client reads into a type;
/// any other format is taken as written).
fn formatted(format: &str, text: &str) -> bool {
    let digits = |part: &str, n: usize| part.len() == n && part.bytes().all(|b| b.is_ascii_digit());
    let date = |text: &str| {
        let mut parts = text.split('-');
        matches!(
            (parts.next(), parts.next(), parts.next(), parts.next()),
            (Some(y), Some(m), Some(d), None) if digits(y, 4) && digits(m, 2) && digits(d, 2)
        )
    };
    match format {
        "date" => date(text),
        "date-time" => text.split_once(['T', 't', ' ']).is_some_and(|(day, time)| {
            date(day) && time.len() >= 8 && time.get(..2).is_some_and(|hour| digits(hour, 2))
        }),
        "uuid" => {
            let parts: Vec<&str> = text.split('-').collect();
            parts.len() == 5
                && parts
                    .iter()
                    .zip([8, 4, 4, 4, 12])
                    .all(|(part, n)| part.len() == n && part.bytes().all(|b| b.is_ascii_hexdigit()))
        }
        _ => true,
    }
}

/// Whether a schema says anything about the value (rather than only describing it).
fn constrains(schema: &Value) -> bool {
    const KEYWORDS: &[&str] = &[
        "type",
        "properties",
        "items",
        "enum",
        "const",
        "allOf",
        "oneOf",
        "anyOf",
        "format",
        "pattern",
        "additionalProperties",
        "example",
        "default",
        "minimum",
        "maximum",
    ];
    schema
        .as_object()
        .is_some_and(|object| KEYWORDS.iter().any(|k| object.contains_key(*k)))
}

/// Whether `null` is a value of the schema: `nullable: true` (3.0), `null` in a 3.1 type
/// list, or a `null` branch of a `oneOf`/`anyOf`.
fn nullable(document: &Value, schema: &Value) -> bool {
    let null_type = |schema: &Value| match schema.get("type") {
        Some(Value::String(name)) => name == "null",
        Some(Value::Array(names)) => names.iter().any(|name| name == "null"),
        _ => false,
    };
    schema.get("nullable") == Some(&Value::Bool(true))
        || null_type(schema)
        || ["oneOf", "anyOf"].iter().any(|union| {
            schema
                .get(*union)
                .and_then(Value::as_array)
                .is_some_and(|branches| branches.iter().any(|b| null_type(resolve(document, b))))
        })
}

/// The schema's type: `type`, or the first non-null type of a 3.1 type list.
fn type_name(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(name) => Some(name),
        Value::Array(names) => names
            .iter()
            .filter_map(Value::as_str)
            .find(|name| *name != "null")
            .or_else(|| names.iter().find_map(Value::as_str)),
        _ => None,
    }
}

/// An object with the properties [`Fill`] asks for (never `readOnly` ones).
fn object_value(document: &Value, object: &Map<String, Value>, fill: Fill, depth: usize) -> Value {
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut value = Map::new();
    // A map that must not be empty gets one entry.
    if let Some(extra) = object.get("additionalProperties").filter(|a| a.is_object())
        && object
            .get("minProperties")
            .and_then(Value::as_u64)
            .unwrap_or(0)
            > 0
        && object.get("properties").is_none()
    {
        value.insert(
            "key".to_owned(),
            synthesize(document, extra, fill, depth + 1),
        );
    }
    let Some(properties) = object.get("properties").and_then(Value::as_object) else {
        return Value::Object(value);
    };
    for (name, property) in properties {
        let wanted =
            required.contains(&name.as_str()) || (fill == Fill::All && depth < OPTIONAL_DEPTH);
        let read_only = resolve(document, property)
            .get("readOnly")
            .and_then(Value::as_bool)
            == Some(true);
        if wanted && !read_only {
            value.insert(
                name.clone(),
                synthesize(document, property, fill, depth + 1),
            );
        }
    }
    Value::Object(value)
}

/// A limit of the schema as a number.
fn limit(object: &Map<String, Value>, key: &str) -> Option<f64> {
    object.get(key).and_then(Value::as_f64)
}

/// The bounds of a number schema: (lowest allowed, highest allowed, step of an exclusive
/// bound). OpenAPI 3.0 writes exclusivity as a boolean beside the bound, 3.1 as the bound.
fn bounds(object: &Map<String, Value>, step: f64) -> (Option<f64>, Option<f64>) {
    let exclusive = |key: &str| object.get(key).and_then(Value::as_bool) == Some(true);
    let low = match limit(object, "exclusiveMinimum") {
        Some(bound) => Some(bound + step),
        None => limit(object, "minimum").map(|m| {
            if exclusive("exclusiveMinimum") {
                m + step
            } else {
                m
            }
        }),
    };
    let high = match limit(object, "exclusiveMaximum") {
        Some(bound) => Some(bound - step),
        None => limit(object, "maximum").map(|m| {
            if exclusive("exclusiveMaximum") {
                m - step
            } else {
                m
            }
        }),
    };
    (low, high)
}

/// 1, moved into the schema's bounds, a multiple of `multipleOf` when it has one.
fn integer_value(object: &Map<String, Value>) -> Value {
    let (low, high) = bounds(object, 1.0);
    let mut value = 1.0_f64;
    if let Some(multiple) = limit(object, "multipleOf").filter(|m| *m >= 1.0) {
        value = multiple;
    }
    if let Some(low) = low
        && value < low
    {
        value = low.ceil();
    }
    if let Some(high) = high
        && value > high
    {
        value = high.floor();
    }
    // Within i64 (a bound beyond it is the schema's business, not a reason to panic).
    let value = value.clamp(i64::MIN as f64, i64::MAX as f64) as i64;
    Value::from(value)
}

/// 1.5, moved into the schema's bounds.
fn number_value(object: &Map<String, Value>) -> Value {
    let (low, high) = bounds(object, 0.5);
    let mut value = 1.5_f64;
    if let Some(multiple) = limit(object, "multipleOf").filter(|m| *m > 0.0) {
        value = multiple;
    }
    if let Some(low) = low
        && value < low
    {
        value = low;
    }
    if let Some(high) = high
        && value > high
    {
        value = high;
    }
    serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// A string for the schema's `pattern` when it has one that [`matching`] can satisfy (grown
/// to `minLength` where the pattern lets it), else for its `format`, padded or cut to its
/// length limits.
fn string_value(object: &Map<String, Value>) -> String {
    let min = object
        .get("minLength")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(4096);
    let min = usize::try_from(min).unwrap_or(4096);
    let max = object
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |max| usize::try_from(max).unwrap_or(usize::MAX));
    if let Some(text) = object
        .get("pattern")
        .and_then(Value::as_str)
        .and_then(|pattern| matching(pattern, min.min(max)))
    {
        return text;
    }
    let format = object.get("format").and_then(Value::as_str).unwrap_or("");
    let text = match format {
        "date-time" => "2024-01-02T03:04:05Z",
        "date" => "2024-01-02",
        "time" => "03:04:05Z",
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "email" => "user@example.com",
        "uri" | "url" | "uri-reference" | "iri" => "https://example.com/",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "c3RpdGNo",
        "int32" | "int64" => "1",
        _ => "string",
    };
    let mut text = text.to_owned();
    while text.chars().count() < min {
        text.push('x');
    }
    text.chars().take(max).collect()
}

/// A string a simple regular expression (`pattern`, ECMA 262 flavour) matches, as short as
/// it can be but at least `min` characters when the pattern's repetitions allow that:
/// literals, escapes (`\d`, `\w`, `\s`, escaped punctuation), `.`, character classes
/// (their first member; a negated class a character it leaves out), groups and alternatives
/// (the first), and quantifiers (their least count, `+` once; then, to reach `min`, more
/// copies of the last repeated atoms that may take them — a quantified atom's text repeated
/// still matches). `None` for what this does not read (look-arounds, back-references, an
/// unbalanced pattern): the caller falls back.
fn matching(pattern: &str, min: usize) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut at = 0;
    let Piece { mut text, slots } = alternatives(&chars, &mut at, 0)?;
    if at != chars.len() {
        return None;
    }
    // Latest slot first, so the byte offsets of the earlier ones stay right.
    for slot in slots.iter().rev() {
        let short = min.saturating_sub(text.chars().count());
        let atom_len = slot.atom.chars().count();
        if short == 0 {
            break;
        }
        if atom_len == 0 {
            continue;
        }
        let copies = short.div_ceil(atom_len).min(slot.room);
        text.insert_str(slot.at, &slot.atom.repeat(copies));
    }
    Some(text)
}

/// The text matched so far and where it may grow.
struct Piece {
    text: String,
    slots: Vec<Slot>,
}

/// A place in a [`Piece`]'s text where more copies of a quantified atom may go.
struct Slot {
    /// Byte offset (just after the copies already there).
    at: usize,
    /// The text of one copy.
    atom: String,
    /// How many more copies the quantifier allows.
    room: usize,
}

/// The first alternative of a sequence, up to the `)` that ends its group (not consumed).
fn alternatives(chars: &[char], at: &mut usize, depth: usize) -> Option<Piece> {
    if depth > 32 {
        return None;
    }
    let first = sequence(chars, at, depth)?;
    while chars.get(*at) == Some(&'|') {
        *at += 1;
        sequence(chars, at, depth)?;
    }
    Some(first)
}

/// One alternative: atoms with their quantifiers, up to `|` or `)`.
fn sequence(chars: &[char], at: &mut usize, depth: usize) -> Option<Piece> {
    let mut out = Piece {
        text: String::new(),
        slots: Vec::new(),
    };
    while let Some(&c) = chars.get(*at) {
        let atom = match c {
            '|' | ')' => break,
            '^' | '$' => {
                *at += 1;
                continue;
            }
            '(' => {
                *at += 1;
                if chars.get(*at) == Some(&'?') {
                    // Only the non-capturing group is read; look-arounds are not.
                    if chars.get(*at + 1) != Some(&':') {
                        return None;
                    }
                    *at += 2;
                }
                let inner = alternatives(chars, at, depth + 1)?;
                if chars.get(*at) != Some(&')') {
                    return None;
                }
                *at += 1;
                inner
            }
            '[' => {
                *at += 1;
                plain(class(chars, at)?)
            }
            '\\' => {
                *at += 1;
                let escaped = *chars.get(*at)?;
                *at += 1;
                plain(escape(escaped)?)
            }
            '.' => {
                *at += 1;
                plain('a')
            }
            '*' | '+' | '?' | '{' => return None,
            other => {
                *at += 1;
                plain(other)
            }
        };
        let (count, most) = quantifier(chars, at)?;
        if count > 0 {
            // The atom's own slots, in its first copy.
            let offset = out.text.len();
            out.slots.extend(atom.slots.into_iter().map(|slot| Slot {
                at: slot.at + offset,
                ..slot
            }));
        }
        out.text.push_str(&atom.text.repeat(count));
        let room = most.map_or(usize::MAX, |most| most.saturating_sub(count));
        if room > 0 {
            out.slots.push(Slot {
                at: out.text.len(),
                atom: atom.text,
                room,
            });
        }
    }
    Some(out)
}

/// One character, with no room to grow.
fn plain(c: char) -> Piece {
    Piece {
        text: c.to_string(),
        slots: Vec::new(),
    }
}

/// The least and the most count of the quantifier at `at`, if any (`(1, Some(1))` without
/// one; the most is `None` when unbounded).
fn quantifier(chars: &[char], at: &mut usize) -> Option<(usize, Option<usize>)> {
    let counts = match chars.get(*at) {
        Some('*') => {
            *at += 1;
            (0, None)
        }
        Some('?') => {
            *at += 1;
            (0, Some(1))
        }
        Some('+') => {
            *at += 1;
            (1, None)
        }
        Some('{') => {
            let close = chars[*at..].iter().position(|c| *c == '}')? + *at;
            let inside: String = chars[*at + 1..close].iter().collect();
            let mut bounds = inside.split(',');
            let least = bounds.next()?.trim().parse::<usize>().ok()?;
            let most = match bounds.next() {
                None => Some(least),
                Some(most) if most.trim().is_empty() => None,
                Some(most) => Some(most.trim().parse::<usize>().ok()?),
            };
            *at = close + 1;
            (least.min(256), most)
        }
        _ => return Some((1, Some(1))),
    };
    // A lazy quantifier's `?` changes nothing here.
    if chars.get(*at) == Some(&'?') {
        *at += 1;
    }
    Some(counts)
}

/// A character of the class that starts after `[` (consumed through its `]`).
fn class(chars: &[char], at: &mut usize) -> Option<char> {
    let negated = chars.get(*at) == Some(&'^');
    if negated {
        *at += 1;
    }
    let mut members: Vec<(char, char)> = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(*at)?;
        *at += 1;
        if c == ']' && !first {
            break;
        }
        first = false;
        let low = if c == '\\' {
            let escaped = *chars.get(*at)?;
            *at += 1;
            escape(escaped)?
        } else {
            c
        };
        if chars.get(*at) == Some(&'-') && chars.get(*at + 1).is_some_and(|c| *c != ']') {
            let high = chars[*at + 1];
            *at += 2;
            members.push((low, high));
        } else {
            members.push((low, low));
        }
    }
    if negated {
        ['x', 'a', '0', 'Z', '_']
            .into_iter()
            .find(|c| !members.iter().any(|(low, high)| (*low..=*high).contains(c)))
    } else {
        members.first().map(|(low, _)| *low)
    }
}

/// A character an escape matches.
fn escape(c: char) -> Option<char> {
    match c {
        'd' => Some('0'),
        'w' => Some('a'),
        's' => Some(' '),
        'D' | 'W' | 'S' => Some('-'),
        'n' => Some('\n'),
        't' => Some('\t'),
        'b' | 'B' | '1'..='9' | 'p' | 'P' | 'u' | 'x' | 'c' | 'k' => None,
        other => Some(other),
    }
}

/// The base URL every usage example builds its client with.
const EXAMPLE_BASE_URL: &str = "https://api.example.com";
/// How many optional setters a usage example chains at most.
const EXAMPLE_SETTERS: usize = 2;

/// The usage example of `op`'s `Client` method: the body of a `rust,no_run` doctest of the
/// generated crate (`crate_name` with `-` read as `_`), lines starting with `# ` hidden by
/// rustdoc. It builds a `Client` (with the credential of the operation's first security
/// scheme), binds what cannot be written in place, calls the method with the required
/// arguments of [`call`] with [`Fill::Required`], chains up to two (`EXAMPLE_SETTERS`) optional
/// setters that are written in place (values of [`Fill::All`]), and awaits the answer.
///
/// Values are Rust where that is short and exact — string and number literals, enum
/// variants (`types::JobType::Synthesize`), `"..".parse()?` for uuids and dates — and
/// `serde_json::from_str(r#".."#)?` into the argument's type otherwise
/// (structs, unions, lists, maps). The text only depends on its inputs.
pub fn usage(api: &Api, document: &Value, op: &Operation) -> String {
    usage_with(api, &api.type_map(), document, op)
}

/// [`usage`] of every operation of `api`, in order (the type map built once).
pub fn usages(api: &Api, document: &Value) -> Vec<String> {
    let types = api.type_map();
    api.operations
        .iter()
        .map(|op| usage_with(api, &types, document, op))
        .collect()
}

fn usage_with(
    api: &Api,
    types: &BTreeMap<&str, &TypeDef>,
    document: &Value,
    op: &Operation,
) -> String {
    let krate = api.crate_name.replace('-', "_");
    let required = call(document, op, Fill::Required);
    let all = call(document, op, Fill::All);
    let mut uses = Uses::default();
    let mut bindings = Vec::new();
    let mut taken: Vec<String> = vec!["client".to_owned()];
    let mut positional = Vec::new();
    for argument in &required.positional {
        let value = adapt(&argument.ty, &argument.value);
        match literal(types, &argument.ty, &value, &mut uses) {
            Some(code) => positional.push(code),
            None => {
                let name = fresh(&argument.name, &mut taken);
                bindings.push(binding(&name, &argument.ty, &value, &mut uses));
                positional.push(name);
            }
        }
    }
    let setters: Vec<String> = all
        .setters
        .iter()
        .filter_map(|argument| {
            let value = adapt(&argument.ty, &argument.value);
            let mut setter_uses = Uses::default();
            let code = literal(types, &argument.ty, &value, &mut setter_uses)?;
            uses.merge(setter_uses);
            Some(format!("    .{}({code})", ident(&argument.name)))
        })
        .take(EXAMPLE_SETTERS)
        .collect();

    let mut lines = Vec::new();
    let mut imports = vec!["Client"];
    if uses.form {
        imports.push("Form");
    }
    if uses.types {
        imports.push("types");
    }
    if uses.uuid {
        imports.push("uuid");
    }
    if uses.chrono {
        imports.push("chrono");
    }
    let imports = if imports.len() == 1 {
        imports[0].to_owned()
    } else {
        format!("{{{}}}", imports.join(", "))
    };
    lines.push(format!("use {krate}::{imports};"));
    lines.push("# async fn example() -> Result<(), Box<dyn std::error::Error>> {".to_owned());
    lines.push(client_line(api, op));
    lines.extend(bindings);
    let receiver = match &op.success {
        Success::Unit => String::new(),
        _ => format!("let {} = ", result_name(&op.success, &taken)),
    };
    let head = format!(
        "{receiver}client.{}({})",
        ident(&op.name),
        positional.join(", ")
    );
    if setters.is_empty() {
        lines.push(format!("{head}.await?;"));
    } else {
        lines.push(head);
        lines.extend(setters);
        lines.push("    .await?;".to_owned());
    }
    lines.push("# Ok(())".to_owned());
    lines.push("# }".to_owned());
    lines.join("\n")
}

/// Which of the crate's modules and re-exported crates an example names.
#[derive(Debug, Default)]
struct Uses {
    form: bool,
    types: bool,
    uuid: bool,
    chrono: bool,
}

impl Uses {
    fn merge(&mut self, other: Uses) {
        self.form |= other.form;
        self.types |= other.types;
        self.uuid |= other.uuid;
        self.chrono |= other.chrono;
    }

    /// Notes the names `ty` is written with.
    fn note(&mut self, ty: &TypeRef) {
        match ty {
            TypeRef::Named(_) => self.types = true,
            TypeRef::Uuid => self.uuid = true,
            TypeRef::DateTime | TypeRef::Date => self.chrono = true,
            TypeRef::Vec(inner)
            | TypeRef::Map(inner)
            | TypeRef::Option(inner)
            | TypeRef::Box(inner) => self.note(inner),
            _ => {}
        }
    }
}

/// `let client = ..`: with the credential of the operation's first security scheme the
/// client knows (a placeholder token, or user and password for HTTP basic).
fn client_line(api: &Api, op: &Operation) -> String {
    let scheme = op
        .security
        .iter()
        .find_map(|key| api.security_schemes.iter().find(|s| &s.key == key));
    match scheme {
        None => format!("let client = Client::new({EXAMPLE_BASE_URL:?})?;"),
        Some(scheme) => {
            let credential = match scheme.kind {
                SchemeKind::Basic => "\"user\", \"password\"",
                _ => "\"TOKEN\"",
            };
            format!(
                "let client = Client::builder({EXAMPLE_BASE_URL:?}).{}({credential}).build()?;",
                ident(&scheme.method)
            )
        }
    }
}

/// The name the answer is bound to: the success type's name in snake case (`job_schema`),
/// else `response`.
fn result_name(success: &Success, taken: &[String]) -> String {
    let name = match success {
        Success::Type(TypeRef::Named(name)) => crate::model::snake(name),
        _ => String::new(),
    };
    if name.is_empty() || crate::model::is_keyword(&name) || taken.contains(&name) {
        "response".to_owned()
    } else {
        name
    }
}

/// A binding name for an argument: its own name unless an earlier binding (or `client`)
/// has it, then with `_` appended.
fn fresh(name: &str, taken: &mut Vec<String>) -> String {
    let mut name = ident(name);
    while taken.contains(&name) {
        name.push('_');
    }
    taken.push(name.clone());
    name
}

/// `let name: Type = ..;` for a value that is not written in place: parsed from text for
/// uuids and dates, read from JSON for everything else.
fn binding(name: &str, ty: &TypeRef, value: &Value, uses: &mut Uses) -> String {
    uses.note(ty);
    let rust = rust_type(ty);
    match (ty, value) {
        (TypeRef::Uuid | TypeRef::DateTime | TypeRef::Date, Value::String(text)) => {
            format!("let {name}: {rust} = {text:?}.parse()?;")
        }
        // `serde_json::json!` would read better, but it reads an integer beyond `i32` as an
        // out-of-range `i32` literal and hits the macro recursion limit on a big object.
        _ => {
            let json = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned());
            format!(
                "let {name}: {rust} = serde_json::from_str({})?;",
                raw_string(&json)
            )
        }
    }
}

/// The value written in place as an argument of `impl Into<T>` when that is short and exact:
/// a string, number or boolean literal of the right kind, or an enum variant. `None` when it
/// needs a binding.
fn literal(
    types: &BTreeMap<&str, &TypeDef>,
    ty: &TypeRef,
    value: &Value,
    uses: &mut Uses,
) -> Option<String> {
    match (ty, value) {
        (TypeRef::String, Value::String(text)) => Some(format!("{text:?}")),
        (TypeRef::Bool, Value::Bool(flag)) => Some(flag.to_string()),
        // An integer literal is an `i32`, which converts into `i32`, `i64` and `f64`.
        (TypeRef::I32 | TypeRef::I64 | TypeRef::F64, Value::Number(n))
            if n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) =>
        {
            Some(n.to_string())
        }
        (TypeRef::I64, Value::Number(n)) => n.as_i64().map(|n| format!("{n}_i64")),
        (TypeRef::U64, Value::Number(n)) => n.as_u64().map(|n| format!("{n}_u64")),
        (TypeRef::F64, Value::Number(n)) => n.as_f64().map(|n| format!("{n:?}")),
        (TypeRef::F32, Value::Number(n)) => n
            .as_f64()
            .filter(|n| (*n as f32) as f64 == *n)
            .map(|n| format!("{:?}_f32", n as f32)),
        // A multipart body the API does not describe: the caller adds the parts.
        (TypeRef::Form, _) => {
            uses.form = true;
            Some("Form::new().text(\"field\", \"value\")".to_owned())
        }
        (TypeRef::Bytes | TypeRef::Upload, Value::Array(bytes)) => {
            let bytes: Option<Vec<u8>> = bytes
                .iter()
                .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                .collect();
            let text = String::from_utf8(bytes?).ok()?;
            Some(format!("{text:?}.as_bytes()"))
        }
        (TypeRef::Named(name), Value::String(text)) => {
            let def = types.get(name.as_str())?;
            match &def.kind {
                TypeKind::Enum { variants, .. } => {
                    let variant = variants.iter().find(|v| &v.value == text)?;
                    uses.types = true;
                    Some(format!("types::{}::{}", ident(name), ident(&variant.name)))
                }
                TypeKind::Alias(TypeRef::String) => Some(format!("{text:?}")),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A value shaped for its Rust type where JSON and Rust disagree on the wire form: a
/// non-string value for a `String` (a text body, a parameter typed loosely) is its JSON text,
/// and a string for bytes is its UTF-8 bytes. A `null` where the type is a plain scalar (the
/// schema said nothing the synthesis could use, e.g. a `$ref` that resolves nowhere) becomes
/// a neutral value of that scalar, which `null` cannot be read into.
pub fn adapt(ty: &TypeRef, value: &Value) -> Value {
    match (ty, value) {
        (TypeRef::Option(inner) | TypeRef::Box(inner), _) => adapt(inner, value),
        (TypeRef::String, Value::String(_)) => value.clone(),
        (TypeRef::String, Value::Null) => Value::String("string".to_owned()),
        (TypeRef::I32 | TypeRef::I64 | TypeRef::U64, Value::Null) => Value::from(1),
        (TypeRef::F32 | TypeRef::F64, Value::Null) => Value::from(1.5),
        (TypeRef::Bool, Value::Null) => Value::Bool(true),
        (TypeRef::String, other) => Value::String(other.to_string()),
        (TypeRef::Bytes | TypeRef::Upload, Value::String(text)) => {
            Value::Array(text.bytes().map(Value::from).collect())
        }
        // A structured value for raw bytes (an `application/xml` body with an object schema):
        // its JSON text, as bytes.
        (
            TypeRef::Bytes | TypeRef::Upload,
            Value::Object(_) | Value::Number(_) | Value::Bool(_),
        ) => Value::Array(value.to_string().bytes().map(Value::from).collect()),
        _ => value.clone(),
    }
}

/// A Rust raw string literal holding `text`: `r#"..."#`, with as many `#` as it takes.
pub fn raw_string(text: &str) -> String {
    let mut hashes = 1;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{text}\"{fence}")
}

/// A Rust identifier, raw (`r#type`) when it is a keyword.
fn ident(name: &str) -> String {
    if crate::model::is_keyword(name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A small API for the usage examples: a bearer-secured operation with a uuid path
    /// parameter, a required struct body, and optional enum and integer query parameters;
    /// and an unsecured one without parameters or answer.
    fn usage_api() -> (Api, Value) {
        let document = json!({
            "openapi": "3.0.3",
            "info": {"title": "Pets", "version": "1"},
            "paths": {
                "/pets/{pet_id}": {
                    "put": {
                        "operationId": "updatePet",
                        "security": [{"bearer": []}],
                        "parameters": [
                            {"name": "pet_id", "in": "path", "required": true,
                             "schema": {"type": "string", "format": "uuid"}},
                            {"name": "kind", "in": "query",
                             "schema": {"$ref": "#/components/schemas/Kind"}},
                            {"name": "limit", "in": "query",
                             "schema": {"type": "integer", "format": "int64", "minimum": 5}},
                            {"name": "big", "in": "query",
                             "schema": {"type": "integer", "format": "int64", "minimum": 3000000000u64}}
                        ],
                        "requestBody": {"required": true, "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Pet"}}}},
                        "responses": {"200": {"description": "ok", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Pet"}}}}}
                    }
                },
                "/ping": {"delete": {"operationId": "ping", "responses": {"204": {"description": "gone"}}}}
            },
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                "schemas": {
                    "Kind": {"type": "string", "enum": ["cat", "dog"]},
                    "Pet": {"type": "object", "required": ["name"], "properties": {
                        "name": {"type": "string", "example": "Rex"},
                        "kind": {"$ref": "#/components/schemas/Kind"}
                    }}
                }
            }
        });
        let options = crate::Options {
            crate_name: "pets-client".to_owned(),
            ..Default::default()
        };
        let api = Api::from_merged(&document, &options).expect("the test API models");
        (api, document)
    }

    /// The example binds what has no literal (the uuid, the struct body), writes literals in
    /// place (the enum variant, the integer), chains at most two setters (not the third,
    /// `big`), imports only what it names, and sets the credential of the operation's scheme.
    #[test]
    fn usage_binds_what_has_no_literal_and_chains_setters() {
        let (api, _) = usage_api();
        let op = api
            .operations
            .iter()
            .find(|op| op.name == "update_pet")
            .unwrap();
        let expected = r####"use pets_client::{Client, types, uuid};
# async fn example() -> Result<(), Box<dyn std::error::Error>> {
let client = Client::builder("https://api.example.com").bearer("TOKEN").build()?;
let pet_id: uuid::Uuid = "3fa85f64-5717-4562-b3fc-2c963f66afa6".parse()?;
let body: types::Pet = serde_json::from_str(r#"{
  "name": "Rex"
}"#)?;
let pet = client.update_pet(pet_id, body)
    .kind(types::Kind::Cat)
    .limit(5)
    .await?;
# Ok(())
# }"####;
        assert_eq!(op.example.as_deref(), Some(expected));
    }

    /// Without security the client is `Client::new`; without a success body nothing is bound.
    #[test]
    fn usage_without_security_or_answer() {
        let (api, _) = usage_api();
        let op = api.operations.iter().find(|op| op.name == "ping").unwrap();
        let expected = "use pets_client::Client;
# async fn example() -> Result<(), Box<dyn std::error::Error>> {
let client = Client::new(\"https://api.example.com\")?;
client.ping().await?;
# Ok(())
# }";
        assert_eq!(op.example.as_deref(), Some(expected));
    }

    /// Literals carry the suffix their `impl Into<T>` needs: an unsuffixed integer is an
    /// `i32`, which does not convert into `u64` or `f32`, nor hold 3000000000.
    #[test]
    fn literals_fit_their_parameter_type() {
        let types = BTreeMap::new();
        let mut uses = Uses::default();
        let mut lit = |ty: TypeRef, value: Value| literal(&types, &ty, &value, &mut uses);
        assert_eq!(lit(TypeRef::I64, json!(5)).as_deref(), Some("5"));
        assert_eq!(
            lit(TypeRef::I64, json!(3000000000u64)).as_deref(),
            Some("3000000000_i64")
        );
        assert_eq!(lit(TypeRef::U64, json!(5)).as_deref(), Some("5_u64"));
        assert_eq!(lit(TypeRef::F32, json!(1.5)).as_deref(), Some("1.5_f32"));
        assert_eq!(lit(TypeRef::F64, json!(2)).as_deref(), Some("2"));
        assert_eq!(lit(TypeRef::F64, json!(2.25)).as_deref(), Some("2.25"));
        assert_eq!(
            lit(TypeRef::String, json!("a\"b")).as_deref(),
            Some("\"a\\\"b\"")
        );
        // A value of the wrong kind, or a type without literals, is bound instead.
        assert_eq!(lit(TypeRef::I32, json!("x")), None);
        assert_eq!(lit(TypeRef::Uuid, json!("x")), None);
        assert_eq!(lit(TypeRef::Named("Missing".to_owned()), json!("x")), None);
    }

    /// GitHub's examples that its own types refuse (issue 11): a `null` example of an
    /// object (no `type`, only `properties`), strings where the items are integers, an item
    /// without a required property. Each is passed over for a value built from the schema;
    /// an example that fits (a `readOnly` required property may be missing) is kept.
    #[test]
    fn examples_that_do_not_fit_inside_are_passed_over() {
        let doc = json!({});
        let object = json!({"properties": {"q": {"type": "string"}}});
        assert!(!fits(&doc, &object, &Value::Null));
        let ids = json!({"type": "object", "required": ["ids"],
            "properties": {"ids": {"type": "array", "items": {"type": "integer"}}}});
        assert!(!fits(&doc, &ids, &json!({"ids": ["1296269"]})));
        assert!(fits(&doc, &ids, &json!({"ids": [1296269]})));
        let options = json!({"type": "array", "items": {"type": "object",
            "required": ["name", "priority", "id"],
            "properties": {"name": {"type": "string"}, "priority": {"type": "integer"},
                "id": {"type": "integer", "readOnly": true}}}});
        assert!(!fits(&doc, &options, &json!([{"name": "High"}])));
        assert!(fits(
            &doc,
            &options,
            &json!([{"name": "High", "priority": 1}])
        ));
        let media = json!({"schema": ids, "example": {"ids": ["1"]}});
        assert_eq!(
            media_value(&doc, &media, Fill::Required),
            (json!({"ids": [1]}), false)
        );
    }

    /// A path parameter of `oneOf: [integer, string]` is text on the wire, where `1` is read
    /// by both branches: the string branch's value is taken.
    #[test]
    fn a_text_parameter_of_one_of_takes_a_value_only_one_branch_reads() {
        let doc = json!({});
        let param = json!({"name": "workflow_id", "in": "path", "required": true,
            "schema": {"oneOf": [{"type": "integer"}, {"type": "string"}]}});
        assert_eq!(
            parameter_value(&doc, &param, Fill::Required).0,
            json!("string")
        );
        let numeric = json!({"name": "id", "in": "path", "required": true,
            "schema": {"oneOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+$"}]}});
        assert_eq!(parameter_value(&doc, &numeric, Fill::Required).0, json!(1));
    }

    #[test]
    fn rust_types_print_as_rustfmt_writes_them() {
        let ty = TypeRef::Option(Box::new(TypeRef::Vec(Box::new(TypeRef::Named(
            "Pet".to_owned(),
        )))));
        assert_eq!(rust_type(&ty), "Option<Vec<types::Pet>>");
        // What converts into an `Upload`: the conformance drivers read it from JSON.
        assert_eq!(rust_type(&TypeRef::Upload), "Vec<u8>");
        assert_eq!(
            rust_type(&TypeRef::DateTime),
            "chrono::DateTime<chrono::Utc>"
        );
    }

    #[test]
    fn values_take_the_wire_form_of_their_rust_type() {
        let text = adapt(&TypeRef::String.optional(), &json!({"a": 1}));
        assert_eq!(text, json!("{\"a\":1}"));
        assert_eq!(adapt(&TypeRef::Bytes, &json!("ab")), json!([97, 98]));
        assert_eq!(adapt(&TypeRef::I64, &Value::Null), json!(1));
        assert_eq!(adapt(&TypeRef::Bool, &Value::Null), json!(true));
        assert_eq!(adapt(&TypeRef::Json, &Value::Null), Value::Null);
    }

    /// A required, nullable, recursive property ends in `null` a few levels down instead of
    /// nesting [`MAX_DEPTH`] objects.
    #[test]
    fn nullable_recursion_stops_early() {
        let document = json!({"components": {"schemas": {"Node": {
            "type": "object", "required": ["next"],
            "properties": {"next": {"allOf": [{"$ref": "#/components/schemas/Node"}], "nullable": true}}
        }}}});
        let node = value(
            &document,
            &json!({"$ref": "#/components/schemas/Node"}),
            Fill::Required,
        );
        let mut depth = 0;
        let mut at = &node;
        while let Some(next) = at.get("next") {
            depth += 1;
            at = next;
        }
        assert!(at.is_null(), "{node}");
        assert!(depth <= OPTIONAL_DEPTH + 1, "{depth} levels: {node}");
    }

    #[test]
    fn values_follow_enums_formats_and_limits() {
        let doc = json!({});
        let v = |schema: Value| value(&doc, &schema, Fill::Required);
        assert_eq!(
            v(json!({"type": "string", "enum": [null, "b"]})),
            json!("b")
        );
        assert_eq!(
            v(json!({"type": "string", "format": "uuid"})),
            json!("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        );
        assert_eq!(v(json!({"type": "integer", "minimum": 10.0})), json!(10));
        assert_eq!(
            v(json!({"type": "integer", "maximum": 0, "exclusiveMaximum": true})),
            json!(-1)
        );
        assert_eq!(
            v(json!({"type": "integer", "exclusiveMinimum": 5})),
            json!(6)
        );
        assert_eq!(
            v(json!({"type": "string", "minLength": 8})),
            json!("stringxx")
        );
        assert_eq!(v(json!({"type": "string", "maxLength": 3})), json!("str"));
        assert_eq!(v(json!({"type": ["null", "boolean"]})), json!(true));
    }

    /// Examples, defaults and enum values that contradict their own schema are passed over
    /// (the value is built from the type); an array's `enum` of item values gives one item.
    #[test]
    fn values_that_contradict_their_schema_are_passed_over() {
        let doc = json!({});
        let v = |schema: Value| value(&doc, &schema, Fill::Required);
        assert_eq!(
            v(json!({"type": "string", "format": "date", "example": "2025-10-15T13:51:07.245Z"})),
            json!("2024-01-02")
        );
        assert_eq!(
            v(json!({"type": "string", "format": "date", "example": "2025-10-15"})),
            json!("2025-10-15")
        );
        assert_eq!(
            v(
                json!({"type": "array", "items": {"type": "string"}, "enum": ["live", "promotions"]})
            ),
            json!(["live"])
        );
        assert_eq!(
            v(json!({"type": "array", "items": {"type": "integer"}, "default": {"a": 1}})),
            json!([1])
        );
        assert_eq!(
            v(json!({"type": "integer", "default": "ten", "minimum": 3})),
            json!(3)
        );
        assert_eq!(
            v(json!({"type": "string", "format": "uuid", "example": "x"})),
            json!("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        );
        assert_eq!(
            v(json!({"type": "string", "format": "date-time", "example": "2017-07-21T17:32:28Z"})),
            json!("2017-07-21T17:32:28Z")
        );
        assert_eq!(
            v(json!({"type": "string", "format": "date-time", "example": "2017-07-21Tü"})),
            v(json!({"type": "string", "format": "date-time"}))
        );
        // A parameter's own example is checked against its schema too.
        let param = json!({"name": "date_from", "in": "query", "schema": {"type": "string", "format": "date"},
            "examples": {"x": {"value": "2025-10-15T13:51:07.245Z"}}});
        assert_eq!(
            parameter_value(&doc, &param, Fill::Required),
            (json!("2024-01-02"), false)
        );
        let param = json!({"name": "mixin", "in": "query",
            "schema": {"type": "array", "items": {"type": "string"}, "enum": ["live", "promotions"]}});
        assert_eq!(
            parameter_value(&doc, &param, Fill::Required),
            (json!(["live"]), true)
        );
        assert_eq!(
            v(json!({"type": "string", "example": 442035159999_u64})),
            json!("442035159999")
        );
        assert_eq!(
            v(json!({"type": "string", "format": "uuid", "example": 12})),
            json!("3fa85f64-5717-4562-b3fc-2c963f66afa6")
        );
        let media =
            json!({"schema": {"type": "array", "items": {"type": "string"}}, "example": {"a": 1}});
        assert_eq!(
            media_value(&doc, &media, Fill::Required),
            (json!(["string"]), false)
        );
        assert_eq!(
            adapt(&TypeRef::Bytes, &json!({"a": 1})),
            json!(b"{\"a\":1}".to_vec())
        );
    }

    #[test]
    fn patterns_give_strings_they_match() {
        let m = |p: &str| matching(p, 0);
        assert_eq!(m("^KS[0-9a-fA-F]{32}$").map(|s| s.len()), Some(34));
        assert_eq!(m("^KS[0-9a-fA-F]{2}$").as_deref(), Some("KS00"));
        assert_eq!(
            m(r"^\d{1,13}$|^\d{1,13}[\.,]\d{1,5}$").as_deref(),
            Some("0")
        );
        assert_eq!(
            m(r"^(op-[a-f0-9]{3}|\d{12}|ec2)$").as_deref(),
            Some("op-aaa")
        );
        assert_eq!(m(r"^sg-(?:[0-9a-f]{2})$").as_deref(), Some("sg-00"));
        assert_eq!(m("[^a-z]+").as_deref(), Some("0"));
        assert_eq!(
            m(r"arn:aws:iam::\d{2}:role/.*").as_deref(),
            Some("arn:aws:iam::00:role/")
        );
        assert_eq!(m("(?=x)a"), None);
        assert_eq!(m("(ab"), None);
        assert_eq!(m(r"(a)\1"), None);
    }

    /// AWS ARNs: a pattern whose shortest match is shorter than `minLength` (20) is grown at
    /// its last open repetition, so the value keeps matching and is long enough; a pattern
    /// with no room stays as short as it is, and `maxLength` caps the growth.
    #[test]
    fn patterns_grow_to_min_length_where_they_may() {
        let doc = json!({});
        let v = |schema: Value| value(&doc, &schema, Fill::Required);
        let arn = r"arn:(aws[a-zA-Z-]*)?:[a-z]+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1})?:(\d{12})?:[a-zA-Z0-9-_/:.]+";
        let text = v(json!({"type": "string", "pattern": arn, "minLength": 20, "maxLength": 2048}));
        assert_eq!(text, json!("arn::a:::aaaaaaaaaaa"));
        // Growth stays inside `{n,m}`, then moves to an earlier repetition.
        assert_eq!(matching("a{1,3}b{2}c?", 8).as_deref(), Some("aaabbc"));
        assert_eq!(matching("x+-[0-9]{1,2}", 6).as_deref(), Some("xxx-00"));
        // A group repeats as a whole.
        assert_eq!(matching("(ab)+", 5).as_deref(), Some("ababab"));
        assert_eq!(
            v(json!({"type": "string", "pattern": "^a+$", "minLength": 4, "maxLength": 3})),
            json!("aaa")
        );
    }

    #[test]
    fn annotation_only_all_of_parts_and_non_empty_maps() {
        let doc = json!({"components": {"schemas": {"Criterion": {
            "type": "object", "minProperties": 1,
            "additionalProperties": {"type": "integer"}
        }}}});
        let schema = json!({"allOf": [
            {"$ref": "#/components/schemas/Criterion"},
            {"xml": {"name": "criterion"}, "description": "AWS writes these"}
        ]});
        assert_eq!(value(&doc, &schema, Fill::All), json!({"key": 1}));
    }

    #[test]
    fn objects_get_required_properties_or_all_but_never_read_only_ones() {
        let doc = json!({"components": {"schemas": {"Pet": {
            "type": "object",
            "required": ["name", "id"],
            "properties": {
                "id": {"type": "integer", "readOnly": true},
                "name": {"type": "string"},
                "tag": {"$ref": "#/components/schemas/Tag"}
            }
        }, "Tag": {"type": "string", "example": "cat"}}}});
        let pet = json!({"$ref": "#/components/schemas/Pet"});
        assert_eq!(value(&doc, &pet, Fill::Required), json!({"name": "string"}));
        assert_eq!(
            value(&doc, &pet, Fill::All),
            json!({"name": "string", "tag": "cat"})
        );
    }

    #[test]
    fn recursion_and_dangling_references_end_without_panicking() {
        let doc = json!({"components": {"schemas": {"Node": {
            "type": "object", "required": ["next"],
            "properties": {"next": {"$ref": "#/components/schemas/Node"}}
        }}}});
        let node = value(
            &doc,
            &json!({"$ref": "#/components/schemas/Node"}),
            Fill::All,
        );
        assert!(node.is_object());
        assert_eq!(
            value(&doc, &json!({"$ref": "#/nowhere"}), Fill::All),
            json!("string")
        );
        let cycle = json!({"a": {"$ref": "#/a"}});
        assert_eq!(
            value(&cycle, &json!({"$ref": "#/a"}), Fill::All),
            json!("string")
        );
    }

    /// The calls of an operation, through the model: required arguments positional in the
    /// model's order (parameters, then the body), optional ones as setters named like the
    /// builder methods, each with a value its schema accepts.
    #[test]
    fn calls_follow_the_generated_method_signature() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/pets/{petId}": {
                "parameters": [{"name": "petId", "in": "path", "required": true,
                                "schema": {"type": "integer", "minimum": 7}}],
                "put": {
                    "operationId": "updatePet",
                    "parameters": [
                        {"name": "mode", "in": "query", "schema": {"type": "string", "enum": ["fast", "slow"]}},
                        {"$ref": "#/components/parameters/Trace"}
                    ],
                    "requestBody": {"required": true, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Pet"}}}},
                    "responses": {"204": {"description": "done"}}
                }
            }},
            "components": {
                "parameters": {"Trace": {"name": "X-Trace", "in": "header", "example": "abc", "schema": {"type": "string"}}},
                "schemas": {"Pet": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string", "minLength": 10},
                    "age": {"type": "integer"}
                }}}
            }
        });
        let api = crate::model::Api::from_merged(&doc, &crate::Options::default()).expect("model");
        let op = &api.operations[0];
        let required = call(&doc, op, Fill::Required);
        assert_eq!(required.method, "update_pet");
        let values: Vec<(&str, &Value)> = required
            .positional
            .iter()
            .map(|a| (a.name.as_str(), &a.value))
            .collect();
        assert_eq!(
            values,
            [
                ("pet_id", &json!(7)),
                ("body", &json!({"name": "stringxxxx"}))
            ]
        );
        assert!(required.setters.is_empty());
        let all = call(&doc, op, Fill::All);
        let setters: Vec<(&str, &Value, bool)> = all
            .setters
            .iter()
            .map(|a| (a.name.as_str(), &a.value, a.from_example))
            .collect();
        assert_eq!(
            setters,
            [
                ("mode", &json!("fast"), false),
                ("x_trace", &json!("abc"), true)
            ]
        );
        assert_eq!(
            all.positional[1].value,
            json!({"name": "stringxxxx", "age": 1})
        );
    }
}
