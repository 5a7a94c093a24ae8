//! Splits a whole OpenAPI document into GitBook-style reference pages, the shape of the Syntho
//! seed (`specs/syntho/jobs.md`): one page per tag, and on it one section per operation:
//!
//! ````markdown
//! ## GET /users/{user\_id}
//!
//! > Get a user
//!
//! ```json
//! {"openapi":"3.0.0","info":{..},"servers":[..],"components":{..},"paths":{"/users/{user_id}":{"get":{..}}}}
//! ```
//! ````
//!
//! Each fence holds a self-contained document: the operation (under its path item, with the
//! path item's own fields such as `parameters` beside it), the spec's `openapi`, `info`,
//! `servers` and `security`, and exactly the components the operation reaches (`$ref`s followed
//! transitively through every component section, discriminator mappings, and the security
//! schemes named by the operation's or the global `security`).
//!
//! [`expected`] is what merging all the pages must give back: the spec's operations and every
//! component some operation reaches. Nothing here panics on odd input: whatever is not shaped
//! as OpenAPI says is skipped, and the round trip reports the difference.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use serde_json::{Map, Value};
use stitch::method::HttpMethod;

/// One markdown page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The file name, e.g. `pets.md`.
    pub name: String,
    /// The whole markdown text.
    pub text: String,
}

/// A document split into pages.
#[derive(Debug, Clone)]
pub struct Split {
    /// The pages, sorted by name.
    pub pages: Vec<Page>,
    /// How many operations the pages hold.
    pub operations: usize,
}

/// The most page text one spec may split into. Every fragment carries the components its
/// operation reaches, so a large spec whose schemas all reach each other (Microsoft Graph:
/// 20 and 47 MB, thousands of operations) would split into tens of gigabytes; such a spec is reported
/// as too large to split instead.
pub const MAX_PAGES_BYTES: usize = 512 << 20;

/// A component: its section (`schemas`, `parameters`, ..) and its name.
type Component = (String, String);

/// Splits `spec` into pages (a document without operations into one page of models). Fails
/// when the document's `paths` is not an object, or when its pages would exceed [`MAX_PAGES_BYTES`].
pub fn split(spec: &Value) -> Result<Split, String> {
    // 3.1 made `paths` optional.
    let no_paths = Map::new();
    let paths = match spec.get("paths") {
        None => &no_paths,
        Some(Value::Object(paths)) => paths,
        Some(_) => return Err("the document's `paths` is not an object".to_owned()),
    };
    // Page title -> sections, in the spec's order of paths and methods.
    let mut pages: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut operations = 0;
    let mut bytes = 0;
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in HttpMethod::ALL.map(HttpMethod::as_str) {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let fragment = fragment(spec, path, item, method, operation);
            let fence = serde_json::to_string(&fragment)
                .map_err(|e| format!("cannot write the fragment of {method} {path}: {e}"))?;
            let mut section = format!(
                "## {} {}\n\n",
                method.to_ascii_uppercase(),
                escape_markdown(path)
            );
            if let Some(summary) = summary(operation) {
                section.push_str(&format!("> {}\n\n", escape_markdown(&summary)));
            }
            section.push_str(&format!("```json\n{fence}\n```\n"));
            bytes += section.len();
            if bytes > MAX_PAGES_BYTES {
                return Err(format!(
                    "too large to split: the pages would exceed {} MB (every fragment carries \
                     the components its operation reaches)",
                    MAX_PAGES_BYTES >> 20
                ));
            }
            pages
                .entry(page_title(path, operation))
                .or_default()
                .push(section);
            operations += 1;
        }
    }
    if operations == 0 {
        return models_only(spec);
    }
    // File names from titles, unique even when two titles make the same name.
    let mut used = BTreeSet::new();
    let mut out = Vec::new();
    for (title, sections) in pages {
        let base = file_stem(&title);
        let mut name = format!("{base}.md");
        let mut n = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}-{n}.md");
            n += 1;
        }
        let mut text = format!("# {}\n", escape_markdown(&title));
        for section in sections {
            text.push('\n');
            text.push_str(&section);
        }
        out.push(Page { name, text });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Split {
        pages: out,
        operations,
    })
}

/// A document without operations (3.1 webhooks and their payload schemas, say): one page,
/// `models.md`, whose one fence holds the whole document but its `paths`, so that the client
/// generated from it holds the types.
fn models_only(spec: &Value) -> Result<Split, String> {
    let Some(document) = spec.as_object() else {
        return Err("the document is not an object".to_owned());
    };
    let mut fragment = document.clone();
    fragment.insert("paths".to_owned(), Value::Object(Map::new()));
    let fence = serde_json::to_string(&fragment)
        .map_err(|e| format!("cannot write the models fragment: {e}"))?;
    let text = format!("# Models\n\n## Schemas\n\n```json\n{fence}\n```\n");
    Ok(Split {
        pages: vec![Page {
            name: "models.md".to_owned(),
            text,
        }],
        operations: 0,
    })
}

/// What merging every page of `spec` must give back: `{"paths": .., "components": ..}` with the
/// path items that hold operations, as written, and the
/// components any operation reaches.
pub fn expected(spec: &Value) -> Value {
    let mut paths = Map::new();
    let mut reached = BTreeSet::new();
    if let Some(all) = spec.get("paths").and_then(Value::as_object) {
        for (path, item) in all {
            let Some(item) = item.as_object() else {
                continue;
            };
            let mut has_operation = false;
            for method in HttpMethod::ALL.map(HttpMethod::as_str) {
                if let Some(operation) = item.get(method) {
                    reached.extend(reach(spec, item, operation));
                    has_operation = true;
                }
            }
            if has_operation {
                paths.insert(path.clone(), Value::Object(item.clone()));
            }
        }
    }
    let mut out = Map::new();
    let components = match paths.is_empty() {
        // A document without operations splits into one page with all of its components.
        true => {
            // Empty sections say nothing (the merge leaves them out).
            Value::Object(nonempty_components(spec))
        }
        false => components_of(spec, &reached),
    };
    out.insert("paths".to_owned(), Value::Object(paths));
    out.insert("components".to_owned(), components);
    Value::Object(out)
}

/// The self-contained document of one operation.
fn fragment(
    spec: &Value,
    path: &str,
    item: &Map<String, Value>,
    method: &str,
    operation: &Value,
) -> Value {
    let mut out = Map::new();
    for key in ["openapi", "info", "servers", "security"] {
        if let Some(value) = spec.get(key) {
            out.insert(key.to_owned(), value.clone());
        }
    }
    let reached = reach(spec, item, operation);
    if !reached.is_empty() {
        out.insert("components".to_owned(), components_of(spec, &reached));
    }
    // The path item's own fields (`parameters`, `summary`, `servers`, ..) and this operation.
    let mut path_item = Map::new();
    for (key, value) in item {
        if HttpMethod::from_key(key).is_none() {
            path_item.insert(key.clone(), value.clone());
        }
    }
    path_item.insert(method.to_owned(), operation.clone());
    let mut paths = Map::new();
    paths.insert(path.to_owned(), Value::Object(path_item));
    out.insert("paths".to_owned(), Value::Object(paths));
    Value::Object(out)
}

/// `{section: {name: definition}}` for the `reached` components, in the spec's order.
fn components_of(spec: &Value, reached: &BTreeSet<Component>) -> Value {
    let mut out = Map::new();
    let Some(components) = spec.get("components").and_then(Value::as_object) else {
        return Value::Object(out);
    };
    for (section, entries) in components {
        if section.starts_with("x-") {
            // An extension is one value, not a map of components: whole, or not at all.
            if reached.iter().any(|(s, _)| s == section) {
                out.insert(section.clone(), entries.clone());
            }
            continue;
        }
        let Some(entries) = entries.as_object() else {
            continue;
        };
        let kept: Map<String, Value> = entries
            .iter()
            .filter(|(name, _)| reached.contains(&(section.clone(), (*name).clone())))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        if !kept.is_empty() {
            out.insert(section.clone(), Value::Object(kept));
        }
    }
    Value::Object(out)
}

/// Every component one operation reaches: from the operation, its path item's own fields, and
/// the security schemes of its (or the global) `security`, following `$ref`s transitively.
fn reach(spec: &Value, item: &Map<String, Value>, operation: &Value) -> BTreeSet<Component> {
    let components = spec.get("components").and_then(Value::as_object);
    let mut found: BTreeSet<Component> = BTreeSet::new();
    let mut todo: Vec<&Value> = vec![operation];
    todo.extend(
        item.iter()
            .filter(|(key, _)| HttpMethod::from_key(key).is_none())
            .map(|(_, value)| value),
    );
    // Security schemes named by the operation's and by the global requirements (the fragment
    // carries the global `security`, so it needs those schemes too).
    let mut schemes = BTreeSet::new();
    for security in [operation.get("security"), spec.get("security")]
        .into_iter()
        .flatten()
    {
        for requirement in security.as_array().into_iter().flatten() {
            for name in requirement.as_object().into_iter().flat_map(Map::keys) {
                schemes.insert(name.clone());
            }
        }
    }
    let mut refs: Vec<Component> = schemes
        .into_iter()
        .map(|name| ("securitySchemes".to_owned(), name))
        .collect();
    loop {
        while let Some(value) = todo.pop() {
            collect_refs(value, &mut refs);
        }
        let Some(component) = refs.pop() else {
            break;
        };
        let Some(definition) = lookup(components, &component) else {
            continue;
        };
        let whole_extension = component
            .0
            .starts_with("x-")
            .then(|| components.and_then(|c| c.get(&component.0)))
            .flatten();
        if found.insert(component) {
            // An extension section is carried whole, so everything in it is reached.
            todo.push(whole_extension.unwrap_or(definition));
        }
    }
    found
}

/// The definition of a component, if the spec has it.
fn lookup<'a>(
    components: Option<&'a Map<String, Value>>,
    (section, name): &Component,
) -> Option<&'a Value> {
    components?.get(section)?.as_object()?.get(name)
}

/// Pushes every component `value` refers to (`$ref`s and discriminator mappings), without
/// following them. Iterative, so a deeply nested document cannot overflow the stack.
fn collect_refs(value: &Value, refs: &mut Vec<Component>) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match (key.as_str(), child) {
                        ("$ref", Value::String(reference)) => {
                            refs.extend(component_of_ref(reference));
                        }
                        ("discriminator", Value::Object(discriminator)) => {
                            let mapping = discriminator.get("mapping").and_then(Value::as_object);
                            for target in mapping.into_iter().flat_map(Map::values) {
                                let Some(target) = target.as_str() else {
                                    continue;
                                };
                                if target.starts_with('#') {
                                    refs.extend(component_of_ref(target));
                                } else {
                                    // A bare schema name.
                                    refs.push(("schemas".to_owned(), target.to_owned()));
                                }
                            }
                            stack.push(child);
                        }
                        _ => stack.push(child),
                    }
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
}

/// `#/components/schemas/Foo` (or deeper, `#/components/schemas/Foo/properties/x`) to
/// `("schemas", "Foo")`; other references to nothing.
fn component_of_ref(reference: &str) -> Option<Component> {
    let rest = reference.strip_prefix("#/components/")?;
    let mut tokens = rest.split('/');
    let section = unescape_token(tokens.next()?);
    let name = unescape_token(tokens.next()?);
    Some((section, name))
}

/// A JSON pointer token as written in a URI fragment: percent-decoded, then `~1` and `~0`.
fn unescape_token(token: &str) -> String {
    percent_decode(token).replace("~1", "/").replace("~0", "~")
}

/// Decodes `%XX` escapes; text that does not decode to UTF-8 stays as written.
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map_or_else(|_| text.to_owned(), |decoded| decoded.into_owned())
}

/// The page an operation goes to: its first tag, else the first path segment, else `default`.
fn page_title(path: &str, operation: &Value) -> String {
    let tag = operation
        .get("tags")
        .and_then(Value::as_array)
        .and_then(|tags| tags.first())
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|tag| !tag.is_empty());
    if let Some(tag) = tag {
        return tag.to_owned();
    }
    path.split('/')
        .find(|segment| !segment.is_empty())
        .unwrap_or("default")
        .to_owned()
}

/// The first line of the operation's summary, if it has one.
fn summary(operation: &Value) -> Option<String> {
    let summary = operation.get("summary")?.as_str()?;
    let line = summary
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())?;
    Some(line.to_owned())
}

/// A file stem from a page title: lowercase ASCII letters and digits joined by `-`.
fn file_stem(title: &str) -> String {
    let mut stem = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            stem.push(c.to_ascii_lowercase());
        } else if !stem.ends_with('-') && !stem.is_empty() {
            stem.push('-');
        }
    }
    let stem = stem.trim_end_matches('-');
    if stem.is_empty() {
        "page".to_owned()
    } else {
        stem.chars().take(60).collect()
    }
}

/// Text that reads back as itself in a heading or a paragraph: markdown's special characters
/// backslash-escaped (CommonMark unescapes any ASCII punctuation), line breaks as spaces.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '&' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The `components` of `document` without its empty sections (which say nothing: the merge
/// leaves them out).
pub fn nonempty_components(document: &Value) -> Map<String, Value> {
    let mut components = document
        .get("components")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    components.retain(|_, section| section.as_object().is_none_or(|s| !s.is_empty()));
    components
}

/// Writes `pages` into `dir`, replacing what was there.
pub fn write_pages(dir: &Path, pages: &[Page]) -> Result<(), String> {
    super::fetch::remove_dir(dir)?;
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for page in pages {
        let path = dir.join(&page.name);
        fs::write(&path, &page.text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// The first place where `actual` differs from `expected`, as a JSON pointer and what differs;
/// `None` when they are equal (object key order is ignored, array order is not).
pub fn first_difference(expected: &Value, actual: &Value) -> Option<String> {
    let mut stack = vec![(String::new(), expected, actual)];
    while let Some((at, expected, actual)) = stack.pop() {
        match (expected, actual) {
            (Value::Object(e), Value::Object(a)) => {
                if let Some(key) = e.keys().find(|k| !a.contains_key(*k)) {
                    return Some(format!("{at}/{} is missing", pointer_token(key)));
                }
                if let Some(key) = a.keys().find(|k| !e.contains_key(*k)) {
                    return Some(format!("{at}/{} is extra", pointer_token(key)));
                }
                // Reversed so the first key is looked at first.
                for (key, value) in e.iter().rev() {
                    if let Some(other) = a.get(key) {
                        stack.push((format!("{at}/{}", pointer_token(key)), value, other));
                    }
                }
            }
            (Value::Array(e), Value::Array(a)) => {
                if e.len() != a.len() {
                    return Some(format!("{at} has {} items instead of {}", a.len(), e.len()));
                }
                for (i, (e, a)) in e.iter().zip(a).enumerate().rev() {
                    stack.push((format!("{at}/{i}"), e, a));
                }
            }
            (e, a) if e == a => {}
            (e, a) => {
                return Some(format!("{at} is {} instead of {}", short(a), short(e)));
            }
        }
    }
    None
}

/// A JSON pointer token for a key.
fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A value in at most 60 characters.
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({
            "openapi": "3.0.0",
            "info": {"title": "Pets", "version": "1"},
            "security": [{"key": []}],
            "paths": {
                "/pets/{pet_id}": {
                    "parameters": [{"$ref": "#/components/parameters/PetId"}],
                    "get": {"tags": ["Pets"], "summary": "Get a *pet*\nmore",
                            "responses": {"200": {"$ref": "#/components/responses/Pet"}}},
                    "delete": {"responses": {"204": {"description": "gone"}},
                               "security": [{"oauth": []}]}
                },
                "/": {"get": {"responses": {"200": {"description": "ok"}}}}
            },
            "components": {
                "parameters": {"PetId": {"name": "pet_id", "in": "path", "required": true,
                                         "schema": {"$ref": "#/components/schemas/Id"}}},
                "responses": {"Pet": {"description": "a pet", "content": {"application/json":
                    {"schema": {"$ref": "#/components/schemas/Pet"}}}}},
                "schemas": {
                    "Id": {"type": "string"},
                    "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}],
                            "discriminator": {"propertyName": "kind", "mapping": {"dog": "Dog"}}},
                    "Cat": {"type": "object", "properties": {"friend": {"$ref": "#/components/schemas/Pet"}}},
                    "Dog": {"type": "object"},
                    "Unused": {"type": "integer"}
                },
                "securitySchemes": {
                    "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
                    "oauth": {"type": "http", "scheme": "bearer"},
                    "other": {"type": "http", "scheme": "basic"}
                }
            }
        })
    }

    #[test]
    fn pages_by_tag_then_first_segment_then_default() {
        let split = split(&spec()).expect("splits");
        let names: Vec<&str> = split.pages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["default.md", "pets-2.md", "pets.md"]);
        assert_eq!(split.operations, 3);
        let pets = &split.pages[2].text;
        assert!(
            pets.starts_with(
                "# Pets\n\n## GET /pets/{pet\\_id}\n\n> Get a \\*pet\\*\n\n```json\n{"
            )
        );
    }

    #[test]
    fn fragments_hold_exactly_the_reached_components() {
        let split = split(&spec()).expect("splits");
        let fence = split.pages[2]
            .text
            .lines()
            .find(|l| l.starts_with('{'))
            .expect("the fence line");
        let fragment: Value = serde_json::from_str(fence).expect("json");
        let components = &fragment["components"];
        let mut schemas: Vec<&String> = components["schemas"]
            .as_object()
            .expect("schemas")
            .keys()
            .collect();
        schemas.sort();
        assert_eq!(schemas, ["Cat", "Dog", "Id", "Pet"]);
        assert_eq!(
            components["securitySchemes"]
                .as_object()
                .expect("schemes")
                .keys()
                .collect::<Vec<_>>(),
            ["key"]
        );
        assert_eq!(
            fragment["paths"]["/pets/{pet_id}"]["parameters"][0]["$ref"],
            "#/components/parameters/PetId"
        );
        let delete_page = &split.pages[1].text;
        let fence = delete_page
            .lines()
            .find(|l| l.starts_with('{'))
            .expect("fence");
        let fragment: Value = serde_json::from_str(fence).expect("json");
        let schemes = fragment["components"]["securitySchemes"]
            .as_object()
            .expect("schemes");
        assert_eq!(schemes.keys().collect::<Vec<_>>(), ["key", "oauth"]);
    }

    #[test]
    fn expected_drops_unreached_components() {
        let expected = expected(&spec());
        assert!(expected["components"]["schemas"].get("Unused").is_none());
        assert!(
            expected["components"]["securitySchemes"]
                .get("other")
                .is_none()
        );
        assert!(expected["paths"]["/pets/{pet_id}"].get("delete").is_some());
    }

    #[test]
    fn differences_name_the_place() {
        let a = json!({"a": {"b/c": [1, 2]}});
        let b = json!({"a": {"b/c": [1, 3]}});
        assert_eq!(first_difference(&a, &a), None);
        assert_eq!(
            first_difference(&a, &b).as_deref(),
            Some("/a/b~1c/1 is 3 instead of 2")
        );
    }

    #[test]
    fn odd_documents_do_not_panic() {
        for odd in [
            json!(null),
            json!({"paths": []}),
            json!({"paths": {"/x": 3}}),
            json!({"paths": {"/x": {"get": {"$ref": "#/components/"}}}, "components": 1}),
        ] {
            let _ = split(&odd);
            let _ = expected(&odd);
        }
    }

    #[test]
    fn refs_are_unescaped() {
        assert_eq!(
            component_of_ref("#/components/schemas/a~1b%20c"),
            Some(("schemas".into(), "a/b c".into()))
        );
        assert_eq!(component_of_ref("#/paths/x"), None);
    }

    #[test]
    fn a_document_without_operations_is_one_page_of_models() {
        let spec = json!({"openapi": "3.1.0", "info": {"title": "Hooks", "version": "1"},
            "webhooks": {"paid": {"post": {"requestBody": {"content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/Payment"}}}}}}},
            "components": {"schemas": {"Payment": {"type": "object"}}, "examples": {}}});
        let split = split(&spec).expect("splits");
        assert_eq!(split.operations, 0);
        assert_eq!(split.pages.len(), 1);
        assert_eq!(split.pages[0].name, "models.md");
        assert!(split.pages[0].text.contains("\"paths\":{}"));
        assert!(split.pages[0].text.contains("\"webhooks\""));
        assert_eq!(
            expected(&spec),
            json!({"paths": {}, "components": {"schemas": {"Payment": {"type": "object"}}}})
        );
    }
}
