//! The one place that reads and writes YAML.
//!
//! stitch uses [`yaml_serde`], the YAML organisation's maintained continuation of `serde_yaml`:
//! `serde_yaml` itself is archived and deprecated, and its fork `serde_yml` is unmaintained and
//! unsound (RUSTSEC-2025-0068). Keeping every use of the crate behind this module means a later
//! switch (to `serde_norway`, say) touches one file.
//!
//! YAML is read into a [`yaml_serde::Value`] first and then converted to a
//! [`serde_json::Value`] by hand, so that merge keys (`<<: *anchor`) are applied, non-string keys
//! such as response codes (`200:`) become strings, and values JSON cannot hold (`.nan`, `.inf`,
//! tags) are reported instead of being silently turned into something else.

use serde_json::Value;

/// YAML that cannot be read, or a value that cannot be written as YAML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub(crate) struct YamlError {
    /// What is wrong, as the YAML crate (or the conversion to JSON) says it.
    pub(crate) message: String,
    /// The 1-based line of the problem, when known.
    pub(crate) line: Option<usize>,
    /// The 1-based column of the problem, when known.
    pub(crate) column: Option<usize>,
}

impl YamlError {
    fn at(message: String, location: Option<yaml_serde::Location>) -> Self {
        YamlError {
            message,
            line: location.as_ref().map(yaml_serde::Location::line),
            column: location.as_ref().map(yaml_serde::Location::column),
        }
    }

    fn without_location(message: String) -> Self {
        YamlError {
            message,
            line: None,
            column: None,
        }
    }
}

/// Parses one YAML document into a JSON value.
pub(crate) fn from_str(text: &str) -> Result<Value, YamlError> {
    let mut value: yaml_serde::Value = yaml_serde::from_str(text).map_err(|e| {
        let location = e.location();
        YamlError::at(e.to_string(), location)
    })?;
    value.apply_merge().map_err(|e| {
        let location = e.location();
        YamlError::at(
            format!("cannot apply a YAML merge key (`<<`): {e}"),
            location,
        )
    })?;
    to_json(value, &mut String::new())
}

/// Writes a JSON value as YAML, keeping the order of object keys.
pub(crate) fn to_string(value: &Value) -> Result<String, YamlError> {
    yaml_serde::to_string(value).map_err(|e| YamlError::without_location(e.to_string()))
}

/// Converts `value` (found at JSON pointer `pointer`) to JSON.
fn to_json(value: yaml_serde::Value, pointer: &mut String) -> Result<Value, YamlError> {
    Ok(match value {
        yaml_serde::Value::Null => Value::Null,
        yaml_serde::Value::Bool(b) => Value::Bool(b),
        yaml_serde::Value::Number(n) => number_to_json(&n, pointer)?,
        yaml_serde::Value::String(s) => Value::String(s),
        yaml_serde::Value::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (index, item) in items.into_iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&index.to_string());
                out.push(to_json(item, pointer)?);
                pointer.truncate(len);
            }
            Value::Array(out)
        }
        yaml_serde::Value::Mapping(mapping) => {
            let mut out = serde_json::Map::with_capacity(mapping.len());
            for (key, item) in mapping {
                let key = key_to_string(key, pointer)?;
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&crate::pointer::escape(&key));
                let item = to_json(item, pointer)?;
                pointer.truncate(len);
                if out.insert(key.clone(), item).is_some() {
                    return Err(YamlError::without_location(format!(
                        "duplicate key `{key}` in the mapping at `{}`",
                        display_pointer(pointer)
                    )));
                }
            }
            Value::Object(out)
        }
        yaml_serde::Value::Tagged(tagged) => {
            return Err(YamlError::without_location(format!(
                "the YAML tag `{}` at `{}` has no JSON equivalent",
                tagged.tag,
                display_pointer(pointer)
            )));
        }
    })
}

fn number_to_json(n: &yaml_serde::Number, pointer: &str) -> Result<Value, YamlError> {
    if let Some(u) = n.as_u64() {
        return Ok(Value::from(u));
    }
    if let Some(i) = n.as_i64() {
        return Ok(Value::from(i));
    }
    n.as_f64()
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| {
            YamlError::without_location(format!(
                "the number `{n}` at `{}` has no JSON equivalent",
                display_pointer(pointer)
            ))
        })
}

/// JSON object keys are strings; YAML keys may be numbers or booleans (`200:`), which become
/// their plain text.
fn key_to_string(key: yaml_serde::Value, pointer: &str) -> Result<String, YamlError> {
    match key {
        yaml_serde::Value::String(s) => Ok(s),
        yaml_serde::Value::Number(n) => Ok(n.to_string()),
        yaml_serde::Value::Bool(b) => Ok(b.to_string()),
        yaml_serde::Value::Null => Ok("null".to_owned()),
        other => Err(YamlError::without_location(format!(
            "a {} is used as a key in the mapping at `{}`; JSON keys must be strings",
            match other {
                yaml_serde::Value::Sequence(_) => "sequence",
                yaml_serde::Value::Mapping(_) => "mapping",
                _ => "tagged value",
            },
            display_pointer(pointer)
        ))),
    }
}

fn display_pointer(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_yaml_with_numeric_keys_and_null_defaults() {
        let value = from_str(
            "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\nx:\n  default: null\n",
        );
        let Ok(value) = value else {
            panic!("{value:?}")
        };
        assert_eq!(value["openapi"], "3.0.3");
        assert_eq!(
            value["paths"]["/a"]["get"]["responses"]["200"]["description"],
            "ok"
        );
        assert_eq!(
            value["x"].as_object().map(|o| o.contains_key("default")),
            Some(true)
        );
        assert!(value["x"]["default"].is_null());
    }

    #[test]
    fn applies_merge_keys() {
        let value = from_str("base: &b {a: 1}\nderived:\n  <<: *b\n  c: 2\n");
        let Ok(value) = value else {
            panic!("{value:?}")
        };
        assert_eq!(value["derived"], serde_json::json!({"c": 2, "a": 1}));
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let Err(error) = from_str("a: 1\nb: [1, 2\nc: 3\n") else {
            panic!("must fail")
        };
        assert!(error.line.is_some(), "{error:?}");
        assert!(error.column.is_some(), "{error:?}");
    }

    #[test]
    fn non_finite_numbers_are_errors_not_null() {
        let Err(error) = from_str("a:\n  b: .inf\n") else {
            panic!("must fail")
        };
        assert!(error.message.contains("/a/b"), "{error}");
    }

    #[test]
    fn writes_yaml_in_key_order() {
        let value = serde_json::json!({"openapi": "3.0.3", "info": {"title": "t"}, "a": null});
        let Ok(text) = to_string(&value) else {
            panic!("to_string failed")
        };
        assert_eq!(text, "openapi: 3.0.3\ninfo:\n  title: t\na: null\n");
        assert_eq!(from_str(&text), Ok(value));
    }
}
