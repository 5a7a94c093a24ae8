//! XML bodies (`application/xml`, `text/xml`, `+xml`): a typed value written as XML and an
//! XML answer read into a typed value, the way the API's schemas and their OpenAPI `xml`
//! objects say (element and attribute names, wrapped and unwrapped arrays, namespaces).
//!
//! The generated types are the API's JSON types (serde names are the JSON property names),
//! so XML goes through the JSON value: a value is serialized with `serde_json` and that
//! value written as XML by the body's [`XmlRoot`]; an answer is parsed with quick-xml, turned
//! into a JSON value by the same description (text becomes a number or a boolean where the
//! schema says so, an array where it says so), and deserialized from it. The generator
//! writes each body's description once, as statics (`XmlShape`s may refer to one another,
//! so recursive schemas are described too).
//!
//! Reading never panics: a body that is not well-formed XML, not UTF-8 or nested deeper
//! than [`MAX_DEPTH`] elements is a decode error naming what is wrong.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};
use serde_json::{Map, Value};

use super::{Error, Failure, RawResponse, ResponseValue};

/// How deep the elements of an answer may nest.
pub(crate) const MAX_DEPTH: usize = 256;

/// How a request or response body is written as XML: its root element, and how the value
/// is laid out inside it.
#[derive(Debug)]
pub(crate) struct XmlRoot {
    /// The root element's name, with its prefix (`xml.name`, else the schema's name).
    pub(crate) name: &'static str,
    /// Namespace declarations on the root element: attribute (`xmlns`, `xmlns:p`), URI.
    pub(crate) namespaces: &'static [(&'static str, &'static str)],
    /// The property of the body value that is the root element, when the body's schema is
    /// an unnamed object with that one property (`{"CreateBucketConfiguration": {..}}`,
    /// read as generic XML converters read a document).
    pub(crate) property: Option<&'static str>,
    /// The root element's content.
    pub(crate) shape: &'static XmlShape,
}

/// The content of one element. An API uses the kinds its schemas need.
#[allow(dead_code)]
#[derive(Debug)]
pub(crate) enum XmlShape {
    /// Text: a string, number or boolean.
    Text(XmlText),
    /// Attributes and child elements, one [`XmlField`] per property.
    Object(&'static [XmlField]),
    /// A value the schema leaves free: objects become child elements named by their keys,
    /// arrays repeat the element, anything else is text (and text is read back as text).
    Any,
}

/// What JSON value the text of an element or attribute stands for.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XmlText {
    /// A string (also dates, UUIDs, bytes: their JSON form is a string).
    String,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// `true` or `false` (`1` and `0` are read too).
    Boolean,
}

/// One property of an object.
#[derive(Debug)]
pub(crate) struct XmlField {
    /// The property's name in the JSON value.
    pub(crate) property: &'static str,
    /// The attribute's or element's name, with its prefix.
    pub(crate) name: &'static str,
    /// A namespace declared on the element (attribute, URI).
    pub(crate) namespace: Option<(&'static str, &'static str)>,
    /// How the property is written.
    pub(crate) kind: XmlKind,
    /// Required by the schema (an unwrapped array with no item is then `[]`, not absent).
    pub(crate) required: bool,
    /// The content of the element (of each item's element, for an array).
    pub(crate) shape: &'static XmlShape,
}

/// How a property is written.
#[allow(dead_code)]
#[derive(Debug)]
pub(crate) enum XmlKind {
    /// An attribute of the object's element (its shape is text).
    Attribute,
    /// One child element.
    Element,
    /// An array: one element named `item` per item, inside one element named after the
    /// property when `wrapped`.
    Array {
        /// The items are inside an element of the property's name.
        wrapped: bool,
        /// The name of each item's element, with its prefix.
        item: &'static str,
        /// A namespace declared on each item's element (attribute, URI).
        item_namespace: Option<(&'static str, &'static str)>,
    },
}

/// Writes a request body as XML (UTF-8, with an XML declaration).
pub(crate) fn xml_body<T: serde::Serialize>(root: &XmlRoot, value: &T) -> Result<Vec<u8>, Failure> {
    let value = serde_json::to_value(value).map_err(|error| {
        Failure::InvalidRequest(format!("the request body does not serialize: {error}"))
    })?;
    let value = match root.property {
        Some(property) => value.get(property).cloned().unwrap_or(Value::Null),
        None => value,
    };
    let mut writer = Writer::new(Vec::new());
    let written = writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|()| write_element(&mut writer, root.name, root.namespaces, &value, root.shape));
    written.map_err(|error| {
        Failure::InvalidRequest(format!(
            "the request body does not serialize as XML: {error}"
        ))
    })?;
    Ok(writer.into_inner())
}

type Written = std::io::Result<()>;

/// Writes `value` as the element `name` of the given shape (nothing for `null`).
fn write_element(
    writer: &mut Writer<Vec<u8>>,
    name: &str,
    namespaces: &[(&str, &str)],
    value: &Value,
    shape: &XmlShape,
) -> Written {
    if value.is_null() {
        return Ok(());
    }
    let mut start = BytesStart::new(name);
    for (attribute, uri) in namespaces {
        start.push_attribute((*attribute, *uri));
    }
    let fields = match (shape, value) {
        (XmlShape::Object(fields), Value::Object(map)) => {
            for field in fields.iter() {
                if let (XmlKind::Attribute, Some(value)) = (&field.kind, map.get(field.property)) {
                    if let Some(text) = text_of(value) {
                        start.push_attribute((field.name, text.as_str()));
                    }
                }
            }
            Some((*fields, map))
        }
        _ => None,
    };
    writer.write_event(Event::Start(start))?;
    match (fields, value) {
        (Some((fields, map)), _) => {
            for field in fields {
                let Some(value) = map.get(field.property) else {
                    continue;
                };
                let namespaces: &[(&str, &str)] = match &field.namespace {
                    Some(namespace) => std::slice::from_ref(namespace),
                    None => &[],
                };
                match (&field.kind, value) {
                    (XmlKind::Attribute, _) => {}
                    (
                        XmlKind::Array {
                            wrapped,
                            item,
                            item_namespace,
                        },
                        Value::Array(items),
                    ) => {
                        let item_namespaces: &[(&str, &str)] = match item_namespace {
                            Some(namespace) => std::slice::from_ref(namespace),
                            None => &[],
                        };
                        if *wrapped {
                            let mut start = BytesStart::new(field.name);
                            for (attribute, uri) in namespaces {
                                start.push_attribute((*attribute, *uri));
                            }
                            writer.write_event(Event::Start(start))?;
                        }
                        for value in items {
                            write_element(writer, item, item_namespaces, value, field.shape)?;
                        }
                        if *wrapped {
                            writer.write_event(Event::End(BytesEnd::new(field.name)))?;
                        }
                    }
                    _ => write_element(writer, field.name, namespaces, value, field.shape)?,
                }
            }
        }
        (None, Value::Object(map)) => {
            for (key, value) in map {
                match value {
                    Value::Array(items) => {
                        for value in items {
                            write_element(writer, key, &[], value, &XmlShape::Any)?;
                        }
                    }
                    _ => write_element(writer, key, &[], value, &XmlShape::Any)?,
                }
            }
        }
        (None, Value::Array(items)) => {
            for value in items {
                write_element(writer, "item", &[], value, &XmlShape::Any)?;
            }
        }
        (None, value) => {
            if let Some(text) = text_of(value) {
                writer.write_event(Event::Text(BytesText::new(&text)))?;
            }
        }
    }
    writer.write_event(Event::End(BytesEnd::new(name)))
}

/// The text of a JSON scalar (`None` for `null`, objects and arrays).
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// An element of an answer: local name (no prefix), attributes by local name (namespace
/// declarations left out), child elements and text, in order.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
}

/// Parses a whole document into its root element.
fn parse(body: &[u8]) -> Result<Element, String> {
    let text =
        std::str::from_utf8(body).map_err(|error| format!("the XML is not UTF-8: {error}"))?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    let at = |reader: &Reader<&[u8]>| reader.buffer_position();
    loop {
        let event = reader.read_event().map_err(|error| {
            format!(
                "the XML is not well-formed at byte {}: {error}",
                at(&reader)
            )
        })?;
        let text = match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let empty = matches!(event, Event::Empty(_));
                if stack.len() >= MAX_DEPTH {
                    return Err(format!("the XML nests deeper than {MAX_DEPTH} elements"));
                }
                let element = element_of(start)?;
                if empty {
                    finish(&mut stack, &mut root, element)?;
                } else {
                    stack.push(element);
                }
                continue;
            }
            Event::End(_) => {
                let element = stack
                    .pop()
                    .ok_or_else(|| format!("an end tag without a start at byte {}", at(&reader)))?;
                finish(&mut stack, &mut root, element)?;
                continue;
            }
            Event::Text(text) => text.xml10_content().map(|t| t.into_owned()),
            Event::CData(data) => data.xml10_content().map(|t| t.into_owned()),
            Event::GeneralRef(reference) => match reference.resolve_char_ref() {
                Ok(Some(ch)) => Ok(ch.to_string()),
                Ok(None) => {
                    let name = reference.xml10_content().map_err(|e| e.to_string())?;
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(text) => Ok(text.to_owned()),
                        None => return Err(format!("the XML uses the unknown entity `&{name};`")),
                    }
                }
                Err(error) => {
                    return Err(format!("the XML has a bad character reference: {error}"))
                }
            },
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => continue,
        };
        let text = text.map_err(|error| format!("the XML text does not decode: {error}"))?;
        match stack.last_mut() {
            Some(element) => element.text.push_str(&text),
            None if text.trim().is_empty() => {}
            None => return Err("the XML has text outside its root element".to_owned()),
        }
    }
    if !stack.is_empty() {
        return Err("the XML ends before its root element does".to_owned());
    }
    root.ok_or_else(|| "the body holds no XML element".to_owned())
}

/// A started element, its name and attributes read.
fn element_of(start: &BytesStart<'_>) -> Result<Element, String> {
    let local = |name: &[u8]| String::from_utf8_lossy(name).into_owned();
    let mut element = Element {
        name: local(start.local_name().as_ref()),
        ..Element::default()
    };
    for attribute in start.attributes() {
        let attribute =
            attribute.map_err(|error| format!("the XML has a bad attribute: {error}"))?;
        let key = attribute.key;
        if key.as_ref() == b"xmlns" || key.as_ref().starts_with(b"xmlns:") {
            continue;
        }
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|error| format!("the XML has a bad attribute value: {error}"))?;
        element
            .attributes
            .push((local(key.local_name().as_ref()), value.into_owned()));
    }
    Ok(element)
}

/// Puts a closed element into its parent, or makes it the root.
fn finish(
    stack: &mut [Element],
    root: &mut Option<Element>,
    element: Element,
) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None if root.is_none() => *root = Some(element),
        None => return Err("the XML has more than one root element".to_owned()),
    }
    Ok(())
}

/// The local part of a name (`s3:Key` → `Key`).
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// The JSON value of an element read by `shape`.
fn value_of(element: &Element, shape: &XmlShape) -> Value {
    match shape {
        XmlShape::Text(kind) => scalar(&element.text, *kind),
        XmlShape::Any => any_of(element),
        XmlShape::Object(fields) => {
            let mut map = Map::new();
            for field in fields.iter() {
                let name = local(field.name);
                let value = match &field.kind {
                    XmlKind::Attribute => element
                        .attributes
                        .iter()
                        .find(|(key, _)| key == name)
                        .map(|(_, text)| match field.shape {
                            XmlShape::Text(kind) => scalar(text, *kind),
                            _ => Value::String(text.clone()),
                        }),
                    XmlKind::Element => element
                        .children
                        .iter()
                        .find(|child| child.name == name)
                        .map(|child| value_of(child, field.shape)),
                    XmlKind::Array { wrapped, item, .. } => {
                        let item = local(item);
                        let items = |parent: &Element| -> Value {
                            parent
                                .children
                                .iter()
                                .filter(|child| child.name == item)
                                .map(|child| value_of(child, field.shape))
                                .collect::<Vec<_>>()
                                .into()
                        };
                        if *wrapped {
                            element
                                .children
                                .iter()
                                .find(|child| child.name == name)
                                .map(items)
                        } else {
                            let found = element.children.iter().any(|child| child.name == item);
                            (found || field.required).then(|| items(element))
                        }
                    }
                };
                if let Some(value) = value {
                    map.insert(field.property.to_owned(), value);
                }
            }
            Value::Object(map)
        }
    }
}

/// Text read as the JSON value the schema says; text that is not one stays a string (the
/// type's decoder then names the mismatch).
fn scalar(text: &str, kind: XmlText) -> Value {
    let trimmed = text.trim();
    let parsed = match kind {
        XmlText::String => None,
        XmlText::Integer => trimmed
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| trimmed.parse::<u64>().map(Value::from))
            .ok(),
        XmlText::Number => trimmed.parse::<i64>().map(Value::from).ok().or_else(|| {
            serde_json::from_str::<serde_json::Number>(trimmed)
                .ok()
                .map(Value::Number)
        }),
        XmlText::Boolean => match trimmed {
            "true" | "1" => Some(Value::Bool(true)),
            "false" | "0" => Some(Value::Bool(false)),
            _ => None,
        },
    };
    parsed.unwrap_or_else(|| Value::String(text.to_owned()))
}

/// An element the schema leaves free: text when it has no attribute and no child, else an
/// object of its attributes and children (a name met twice is an array).
fn any_of(element: &Element) -> Value {
    if element.children.is_empty() && element.attributes.is_empty() {
        return Value::String(element.text.clone());
    }
    let mut map = Map::new();
    for (key, text) in &element.attributes {
        map.insert(key.clone(), Value::String(text.clone()));
    }
    for child in &element.children {
        let value = any_of(child);
        match map.get_mut(&child.name) {
            Some(Value::Array(items)) => items.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
            None => {
                map.insert(child.name.clone(), value);
            }
        }
    }
    Value::Object(map)
}

/// Reads an XML body by `root` into a `T`.
fn read_xml<T: serde::de::DeserializeOwned>(
    response: &RawResponse,
    root: &XmlRoot,
) -> Result<T, Option<String>> {
    let declares_xml = |media_type: &str| {
        media_type == "application/xml" || media_type == "text/xml" || media_type.ends_with("+xml")
    };
    if response
        .media_type()
        .is_some_and(|media_type| !declares_xml(&media_type))
    {
        return Err(None);
    }
    let element = parse(&response.body)?;
    let mut value = value_of(&element, root.shape);
    if let Some(property) = root.property {
        let mut map = Map::new();
        map.insert(property.to_owned(), value);
        value = Value::Object(map);
    }
    serde_json::from_value(value).map_err(|error| Some(error.to_string()))
}

/// Why an XML body was not read, as the error: `None` is another declared media type.
fn problem<E>(response: RawResponse, problem: Option<String>) -> Error<E> {
    match problem {
        None => Error::UnexpectedContentType(response),
        Some(message) => Error::Decode { response, message },
    }
}

/// The decoders of XML bodies, beside the JSON ones in `response.rs`: each operation calls
/// those its documented statuses need.
#[allow(dead_code)]
impl RawResponse {
    /// Decodes an XML body by `root`; a body with another declared media type is an error.
    pub(crate) fn xml<T: serde::de::DeserializeOwned, E>(
        self,
        root: &XmlRoot,
    ) -> Result<ResponseValue<T>, Error<E>> {
        match read_xml(&self, root) {
            Ok(value) => self.empty(value),
            Err(why) => Err(problem(self, why)),
        }
    }

    /// An XML success body that is one variant (`variant`) of the response enum.
    pub(crate) fn xml_as<T: serde::de::DeserializeOwned, V, E>(
        self,
        root: &XmlRoot,
        variant: impl FnOnce(T) -> V,
    ) -> Result<ResponseValue<V>, Error<E>> {
        self.xml::<T, E>(root).map(|value| value.map(variant))
    }

    /// The XML body of a documented error status: `Error::Api` holding it as `variant`.
    pub(crate) fn xml_error<T: serde::de::DeserializeOwned, V, E>(
        self,
        root: &XmlRoot,
        variant: impl FnOnce(T) -> E,
    ) -> Result<ResponseValue<V>, Error<E>> {
        match read_xml(&self, root) {
            Ok(value) => self.error(variant(value)),
            Err(why) => Err(problem(self, why)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static TAG: XmlShape = XmlShape::Object(&[
        XmlField {
            property: "key",
            name: "Key",
            namespace: None,
            kind: XmlKind::Element,
            required: true,
            shape: &XmlShape::Text(XmlText::String),
        },
        XmlField {
            property: "size",
            name: "size",
            namespace: None,
            kind: XmlKind::Attribute,
            required: false,
            shape: &XmlShape::Text(XmlText::Integer),
        },
    ]);
    static LIST: XmlShape = XmlShape::Object(&[
        XmlField {
            property: "id",
            name: "id",
            namespace: None,
            kind: XmlKind::Attribute,
            required: true,
            shape: &XmlShape::Text(XmlText::Integer),
        },
        XmlField {
            property: "tags",
            name: "Tags",
            namespace: None,
            kind: XmlKind::Array {
                wrapped: true,
                item: "Tag",
                item_namespace: None,
            },
            required: false,
            shape: &TAG,
        },
        XmlField {
            property: "flags",
            name: "flag",
            namespace: None,
            kind: XmlKind::Array {
                wrapped: false,
                item: "flag",
                item_namespace: None,
            },
            required: true,
            shape: &XmlShape::Text(XmlText::Boolean),
        },
        XmlField {
            property: "next",
            name: "Next",
            namespace: Some(("xmlns:n", "urn:n")),
            kind: XmlKind::Element,
            required: false,
            shape: &LIST,
        },
    ]);
    static ROOT: XmlRoot = XmlRoot {
        name: "List",
        namespaces: &[("xmlns", "urn:list")],
        property: None,
        shape: &LIST,
    };

    fn response(content_type: &str, body: &str) -> RawResponse {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::CONTENT_TYPE, content_type.parse().unwrap());
        RawResponse {
            status: reqwest::StatusCode::OK,
            headers: Box::new(headers),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn writes_attributes_wrapped_and_unwrapped_arrays_and_nested_elements() {
        let value = serde_json::json!({
            "id": 7,
            "tags": [{"key": "a<b", "size": 2}, {"key": "c"}],
            "flags": [true, false],
            "next": {"id": 8, "flags": []},
            "unknown": "left out"
        });
        let body = xml_body(&ROOT, &value).unwrap();
        assert_eq!(
            String::from_utf8(body).unwrap(),
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                r#"<List xmlns="urn:list" id="7"><Tags><Tag size="2"><Key>a&lt;b</Key></Tag>"#,
                r#"<Tag><Key>c</Key></Tag></Tags><flag>true</flag><flag>false</flag>"#,
                r#"<Next xmlns:n="urn:n" id="8"></Next></List>"#
            )
        );
    }

    #[test]
    fn reads_back_by_local_names_with_typed_text() {
        let body = concat!(
            r#"<?xml version="1.0"?><!-- c --><p:List xmlns:p="urn:list" p:id=" 7 ">"#,
            "\n  <p:Tags><p:Tag size=\"2\"><p:Key>a&lt;b&#x21;<![CDATA[<x>]]></p:Key></p:Tag></p:Tags>\n",
            "  <flag>1</flag><flag>false</flag><Next id=\"8\"/></p:List>"
        );
        let value: serde_json::Value = response("text/xml; charset=utf-8", body)
            .xml::<serde_json::Value, ()>(&ROOT)
            .unwrap()
            .into_inner();
        assert_eq!(
            value,
            serde_json::json!({
                "id": 7,
                "tags": [{"key": "a<b!<x>", "size": 2}],
                "flags": [true, false],
                "next": {"id": 8, "flags": []}
            })
        );
    }

    #[test]
    fn the_root_may_be_a_property_of_the_body() {
        static ROOT: XmlRoot = XmlRoot {
            name: "Tag",
            namespaces: &[],
            property: Some("Tag"),
            shape: &TAG,
        };
        let value = serde_json::json!({"Tag": {"key": "k"}});
        let body = xml_body(&ROOT, &value).unwrap();
        let text = String::from_utf8(body.clone()).unwrap();
        assert!(text.ends_with("<Tag><Key>k</Key></Tag>"), "{text}");
        let back: serde_json::Value = response("application/xml", &text)
            .xml::<serde_json::Value, ()>(&ROOT)
            .unwrap()
            .into_inner();
        assert_eq!(back, value);
    }

    #[test]
    fn bad_answers_are_errors_not_panics() {
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        let cases = [
            ("<List><Tags></List>", "not well-formed"),
            ("<List/><List/>", "more than one root"),
            ("text", "outside its root"),
            ("", "no XML element"),
            ("<List>&nope;</List>", "unknown entity"),
            (deep.as_str(), "nests deeper"),
        ];
        for (body, expected) in cases {
            match response("application/xml", body).xml::<serde_json::Value, ()>(&ROOT) {
                Err(Error::Decode { message, .. }) => {
                    assert!(message.contains(expected), "{body}: {message}")
                }
                other => panic!("{body}: {other:?}"),
            }
        }
        let wrong_type = response("application/json", "{}").xml::<serde_json::Value, ()>(&ROOT);
        assert!(matches!(wrong_type, Err(Error::UnexpectedContentType(_))));
        // A required property with text that is not its type: serde names the mismatch.
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct List {
            id: i64,
        }
        match response("application/xml", "<List id=\"x\"/>").xml::<List, ()>(&ROOT) {
            Err(Error::Decode { message, .. }) => {
                assert!(message.contains("invalid type"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}
