//! Encoding: parameters into the path, the query, headers and cookies (`simple`, `form` and
//! `deepObject` styles, exploded or not), and JSON and form-urlencoded request bodies.
//!
//! Each operation's `request` calls the helpers its parameters and body need, so an API uses
//! some of them: this module alone allows dead code.
#![allow(dead_code)]

use super::Failure;

/// A value sent as one piece of text in the path, the query, a header or a cookie.
pub(crate) trait ParamText {
    fn param_text(&self) -> String;
}

impl ParamText for String {
    fn param_text(&self) -> String {
        self.clone()
    }
}

impl ParamText for chrono::DateTime<chrono::Utc> {
    fn param_text(&self) -> String {
        self.to_rfc3339()
    }
}

impl ParamText for bool {
    fn param_text(&self) -> String {
        self.to_string()
    }
}

impl ParamText for i32 {
    fn param_text(&self) -> String {
        self.to_string()
    }
}

impl ParamText for i64 {
    fn param_text(&self) -> String {
        self.to_string()
    }
}

impl ParamText for u64 {
    fn param_text(&self) -> String {
        self.to_string()
    }
}

impl ParamText for f32 {
    fn param_text(&self) -> String {
        self.to_string()
    }
}

impl ParamText for f64 {
    fn param_text(&self) -> String {
        self.to_string()
    }
}

impl ParamText for uuid::Uuid {
    fn param_text(&self) -> String {
        self.to_string()
    }
}

impl ParamText for chrono::NaiveDate {
    fn param_text(&self) -> String {
        self.to_string()
    }
}

/// Adds `name=value` to a query, header or cookie list, when there is a value.
pub(crate) fn push<K: From<&'static str>, T: ParamText>(
    list: &mut Vec<(K, String)>,
    name: &'static str,
    value: Option<&T>,
) {
    if let Some(value) = value {
        list.push((name.into(), value.param_text()));
    }
}

/// Adds one `name=item` pair per item (an exploded array), when there is a value.
pub(crate) fn push_each<K: From<&'static str>, T: ParamText>(
    list: &mut Vec<(K, String)>,
    name: &'static str,
    items: Option<&[T]>,
) {
    for item in items.unwrap_or_default() {
        list.push((name.into(), item.param_text()));
    }
}

/// Adds `name=item1<separator>item2...` (an array sent as one value), when there is a
/// value.
pub(crate) fn push_joined<K: From<&'static str>, T: ParamText>(
    list: &mut Vec<(K, String)>,
    name: &'static str,
    items: Option<&[T]>,
    separator: &str,
) {
    if let Some(items) = items {
        let texts: Vec<String> = items.iter().map(ParamText::param_text).collect();
        list.push((name.into(), texts.join(separator)));
    }
}

/// Characters left as they are in a path segment: RFC 3986 unreserved.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes a path parameter as exactly one segment.
pub(crate) fn path_segment(name: &str, value: &str) -> Result<String, Failure> {
    if value.is_empty() || value == "." || value == ".." {
        return Err(Failure::InvalidRequest(format!(
            "the path parameter `{name}` is {value:?}, which cannot stand as a path segment"
        )));
    }
    Ok(percent_encoding::utf8_percent_encode(value, SEGMENT).to_string())
}

/// The path of `template` (`/users/{username}/repos`) with each `{name}` replaced by the
/// next of `values`, percent-encoded as one segment.
pub(crate) fn path(template: &str, values: &[&str]) -> Result<String, Failure> {
    let mut path = String::with_capacity(template.len());
    let mut values = values.iter();
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('{') {
        let (name, after) = after.split_once('}').unwrap_or((after, ""));
        path.push_str(before);
        path.push_str(&path_segment(
            name,
            values.next().copied().unwrap_or_default(),
        )?);
        rest = after;
    }
    path.push_str(rest);
    Ok(path)
}

/// The text of a path, header or cookie parameter of any shape (`simple` style), from
/// its JSON: a string as it is, a number or boolean as written, an array's items joined
/// with commas, an object as `key,value,...`.
pub(crate) fn param_text<T: serde::Serialize>(name: &str, value: &T) -> Result<String, Failure> {
    use serde_json::Value;
    fn text(value: &Value) -> String {
        match value {
            Value::Null => String::new(),
            Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }
    let value = serde_json::to_value(value).map_err(|error| {
        Failure::InvalidRequest(format!(
            "the parameter `{name}` does not serialize: {error}"
        ))
    })?;
    Ok(match &value {
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k},{}", text(v)))
            .collect::<Vec<_>>()
            .join(","),
        other => text(other),
    })
}

/// Adds a query parameter of any shape, from its JSON: a scalar is `name=value`; an array
/// repeats the name per item (`explode`) or joins the items with commas; an object sends
/// each property as its own pair (`explode`), or `name=k,v,...`; with `deep` (`deepObject`)
/// properties are `name[k]=v`, nested ones `name[k][j]=v`, array items `name[k][]=v`.
/// `null` sends nothing; anything nested that the style cannot express is sent as JSON.
pub(crate) fn query_value<T: serde::Serialize>(
    query: &mut Vec<(std::borrow::Cow<'static, str>, String)>,
    name: &'static str,
    value: &T,
    explode: bool,
    deep: bool,
) -> Result<(), Failure> {
    use serde_json::Value;
    fn text(value: &Value) -> Option<String> {
        match value {
            Value::Null => None,
            Value::String(text) => Some(text.clone()),
            other => Some(other.to_string()),
        }
    }
    fn deep_pairs(
        query: &mut Vec<(std::borrow::Cow<'static, str>, String)>,
        key: String,
        value: &Value,
    ) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    deep_pairs(query, format!("{key}[{k}]"), v);
                }
            }
            Value::Array(items) => {
                for item in items {
                    deep_pairs(query, format!("{key}[]"), item);
                }
            }
            other => {
                if let Some(text) = text(other) {
                    query.push((key.into(), text));
                }
            }
        }
    }
    let value = serde_json::to_value(value).map_err(|error| {
        Failure::InvalidRequest(format!(
            "the query parameter `{name}` does not serialize: {error}"
        ))
    })?;
    if deep {
        deep_pairs(query, name.to_owned(), &value);
        return Ok(());
    }
    match &value {
        Value::Array(items) if explode => {
            for item in items {
                if let Some(text) = text(item) {
                    query.push((name.into(), text));
                }
            }
        }
        Value::Array(items) => {
            let joined: Vec<String> = items.iter().filter_map(text).collect();
            query.push((name.into(), joined.join(",")));
        }
        Value::Object(map) if explode => {
            for (k, v) in map {
                if let Some(text) = text(v) {
                    query.push((k.clone().into(), text));
                }
            }
        }
        Value::Object(map) => {
            let joined: Vec<String> = map
                .iter()
                .filter_map(|(k, v)| text(v).map(|v| format!("{k},{v}")))
                .collect();
            query.push((name.into(), joined.join(",")));
        }
        other => {
            if let Some(text) = text(other) {
                query.push((name.into(), text));
            }
        }
    }
    Ok(())
}

/// Serializes a JSON request body.
pub(crate) fn json_body<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, Failure> {
    serde_json::to_vec(value).map_err(|error| {
        Failure::InvalidRequest(format!("the request body does not serialize: {error}"))
    })
}

/// Characters left as they are in a form-urlencoded name or value.
const FORM: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'*');

/// Serializes an `application/x-www-form-urlencoded` request body: each property of the
/// object is one `name=value` pair (in the order of `serde_json`'s map), an array repeats the name
/// once per item, `null` is left out, and a nested object is sent as JSON text.
pub(crate) fn form_body<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, Failure> {
    let invalid = |message: String| Failure::InvalidRequest(message);
    let value = serde_json::to_value(value)
        .map_err(|error| invalid(format!("the request body does not serialize: {error}")))?;
    let serde_json::Value::Object(map) = value else {
        return Err(invalid("a form request body must be an object".to_owned()));
    };
    fn text(value: &serde_json::Value) -> Option<String> {
        match value {
            serde_json::Value::Null => None,
            serde_json::Value::String(text) => Some(text.clone()),
            other => Some(other.to_string()),
        }
    }
    let mut pairs = Vec::new();
    for (name, value) in &map {
        let items: Vec<&serde_json::Value> = match value {
            serde_json::Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for item in items {
            if let Some(text) = text(item) {
                pairs.push(format!(
                    "{}={}",
                    percent_encoding::utf8_percent_encode(name, FORM),
                    percent_encoding::utf8_percent_encode(&text, FORM)
                ));
            }
        }
    }
    Ok(pairs.join("&").into_bytes())
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    fn invalid(result: Result<String, Failure>) -> String {
        match result {
            Err(Failure::InvalidRequest(message)) => message,
            other => panic!("expected an invalid request, got {other:?}"),
        }
    }

    #[test]
    fn a_path_parameter_is_exactly_one_segment() {
        let path = |values: &[&str]| path("/users/{user}/repos/{repo}", values);
        assert_eq!(
            path(&["octocat", "hello"]).ok().as_deref(),
            Some("/users/octocat/repos/hello")
        );
        // Reserved and non-ASCII characters are percent-encoded, unreserved ones kept.
        assert_eq!(
            path(&["a/b?c#d", "é x-_.~%"]).ok().as_deref(),
            Some("/users/a%2Fb%3Fc%23d/repos/%C3%A9%20x-_.~%25")
        );
        // A value that would not stand as a segment is refused, naming the parameter.
        for value in ["", ".", ".."] {
            let message = invalid(path(&[value, "x"]));
            assert!(message.contains("`user`"), "{message}");
        }
    }

    #[test]
    fn a_path_with_fewer_values_than_parameters_is_refused_not_a_panic() {
        assert!(path("/a/{x}/{y}", &["1"]).is_err());
        assert_eq!(path("/a/{x", &["1"]).ok().as_deref(), Some("/a/1"));
    }

    #[test]
    fn simple_style_parameter_text() {
        assert_eq!(param_text("p", &"text").ok().as_deref(), Some("text"));
        assert_eq!(param_text("p", &3.5).ok().as_deref(), Some("3.5"));
        assert_eq!(
            param_text("p", &vec![1, 2, 3]).ok().as_deref(),
            Some("1,2,3")
        );
        let object = serde_json::json!({"a": 1, "b": "x"});
        assert_eq!(param_text("p", &object).ok().as_deref(), Some("a,1,b,x"));
    }

    type Query = Vec<(Cow<'static, str>, String)>;

    fn query(value: serde_json::Value, explode: bool, deep: bool) -> Vec<(String, String)> {
        let mut query: Query = Vec::new();
        let result = query_value(&mut query, "p", &value, explode, deep);
        assert!(result.is_ok());
        query
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn query_parameters_of_every_style() {
        use serde_json::json;
        assert_eq!(query(json!("a b"), true, false), pairs(&[("p", "a b")]));
        assert_eq!(query(json!(null), true, false), pairs(&[]));
        assert_eq!(
            query(json!([1, 2]), true, false),
            pairs(&[("p", "1"), ("p", "2")])
        );
        assert_eq!(
            query(json!([1, null, 2]), false, false),
            pairs(&[("p", "1,2")])
        );
        assert_eq!(
            query(json!({"a": 1, "b": null}), true, false),
            pairs(&[("a", "1")])
        );
        assert_eq!(
            query(json!({"a": 1, "b": 2}), false, false),
            pairs(&[("p", "a,1,b,2")])
        );
        assert_eq!(
            query(json!({"a": {"b": 1}, "c": [1, 2]}), true, true),
            pairs(&[("p[a][b]", "1"), ("p[c][]", "1"), ("p[c][]", "2")])
        );
    }

    #[test]
    fn push_helpers_send_only_what_is_there() {
        let mut list: Vec<(&'static str, String)> = Vec::new();
        push(&mut list, "a", Some(&7i64));
        push::<_, i64>(&mut list, "b", None);
        push_each(&mut list, "c", Some(&[true, false][..]));
        push_joined(&mut list, "d", Some(&[1.5f64, 2.0][..]), "|");
        push_joined::<_, String>(&mut list, "e", None, ",");
        let expected = [("a", "7"), ("c", "true"), ("c", "false"), ("d", "1.5|2")];
        let expected: Vec<(&str, String)> = expected
            .iter()
            .map(|(k, v)| (*k, (*v).to_owned()))
            .collect();
        assert_eq!(list, expected);
    }

    #[test]
    fn form_bodies() {
        let body = serde_json::json!({"name": "a b&c", "tags": ["x", "y"], "none": null, "n": 1});
        let encoded = form_body(&body).map(String::from_utf8);
        assert_eq!(
            encoded.ok().and_then(Result::ok).as_deref(),
            Some("name=a%20b%26c&tags=x&tags=y&n=1")
        );
        assert!(form_body(&[1, 2]).is_err());
    }
}
