//! XML bodies: how each `application/xml`, `text/xml` or `+xml` body is written and read,
//! decided once from its schema and the OpenAPI `xml` objects in it (`name`, `attribute`,
//! `wrapped`, `namespace`, `prefix`), and kept on the model for emit to print
//! (`runtime/src/xml.rs` walks it at run time).
//!
//! `openapiv3` drops the `xml` object, so this walks the document's JSON (its `$ref`s made
//! canonical, as the rest of the model reads them). Invariants:
//! - a body is XML only when its schema is an object (through `$ref`s and `allOf`); a body
//!   without a schema, or whose schema is text (`type: string`), is the whole document as
//!   text or bytes, as before;
//! - what XML cannot express from the schema (a map, a union of several shapes, an array of
//!   arrays, an attribute that is not text, an array at the root) makes the body raw bytes,
//!   with a warning naming the place and the reason; never silently;
//! - the naming follows the specification's examples: an element is named by `xml.name`,
//!   else by the property; an array's items by the items' `xml.name`, else the array's
//!   `xml.name`, else the property (wrapped in an element of the array's name only with
//!   `wrapped: true`); the root by `xml.name`, else the component's name, else the body's
//!   type name. An unnamed inline body object with one object property is that property as
//!   the root (`{"CreateBucketConfiguration": {..}}`, AWS's bodies: generic converters read a
//!   document the same way);
//! - shapes are numbered in the order they are first met (operations in their order,
//!   request body first, then responses by status), so the output is deterministic;
//!   recursive schemas refer to their own number.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Api, BodyEncoding, ModelWarning, TypeRef};

/// How an XML body's root is written; see `runtime::XmlRoot`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlBody {
    /// The root element's name, with its prefix.
    pub name: String,
    /// Namespace declarations on the root: attribute (`xmlns`, `xmlns:p`), URI.
    pub namespaces: Vec<(String, String)>,
    /// The one property of the body value that is the root element, if so.
    pub property: Option<String>,
    /// The root's content.
    pub shape: XmlShapeRef,
}

/// The content of an element: text of a kind, a shape of `Api::xml_shapes`, or free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum XmlShapeRef {
    /// Text standing for this JSON kind.
    Text(XmlText),
    /// The object shape with this index in `Api::xml_shapes`.
    Object(usize),
    /// A value the schema leaves free.
    Any,
}

/// The JSON kind of a text; see `runtime::XmlText`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum XmlText {
    /// A string (dates, UUIDs and bytes too).
    String,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// A boolean.
    Boolean,
}

/// One property of an object shape; see `runtime::XmlField`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlField {
    /// The property's JSON name.
    pub property: String,
    /// The element's or attribute's name, with its prefix.
    pub name: String,
    /// A namespace declared on the element.
    pub namespace: Option<(String, String)>,
    /// How it is written.
    pub kind: XmlKind,
    /// Listed in the schema's `required`.
    pub required: bool,
    /// Its content (each item's, for an array).
    pub shape: XmlShapeRef,
}

/// How a property is written; see `runtime::XmlKind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlKind {
    /// An attribute.
    Attribute,
    /// A child element.
    Element,
    /// One element per item, named `item`, inside an element of the field's name when
    /// `wrapped`.
    Array {
        /// Inside an element of the field's name.
        wrapped: bool,
        /// Each item's element name.
        item: String,
        /// A namespace declared on each item's element.
        item_namespace: Option<(String, String)>,
    },
}

/// What XML cannot say: the place (a JSON pointer) and why.
struct Unsupported {
    place: String,
    reason: String,
}

/// The `xml` object of a schema (outer ones override inner ones, key by key).
#[derive(Debug, Clone, Default)]
struct XmlObject {
    name: Option<String>,
    namespace: Option<String>,
    prefix: Option<String>,
    attribute: bool,
    wrapped: bool,
}

impl XmlObject {
    fn apply(&mut self, value: Option<&Value>) {
        let Some(Value::Object(xml)) = value else {
            return;
        };
        let text = |key: &str| xml.get(key).and_then(Value::as_str).map(str::to_owned);
        if let Some(name) = text("name").filter(|n| !n.is_empty()) {
            self.name = Some(name);
        }
        if let Some(namespace) = text("namespace") {
            self.namespace = Some(namespace);
        }
        if let Some(prefix) = text("prefix") {
            self.prefix = Some(prefix);
        }
        if let Some(attribute) = xml.get("attribute").and_then(Value::as_bool) {
            self.attribute = attribute;
        }
        if let Some(wrapped) = xml.get("wrapped").and_then(Value::as_bool) {
            self.wrapped = wrapped;
        }
    }

    /// `name` with this object's prefix.
    fn prefixed(&self, name: &str) -> String {
        match self.prefix.as_deref().filter(|p| !p.is_empty()) {
            Some(prefix) => format!("{prefix}:{name}"),
            None => name.to_owned(),
        }
    }

    /// The declaration of this object's namespace (`xmlns` or `xmlns:prefix`).
    fn declaration(&self) -> Option<(String, String)> {
        let uri = self.namespace.clone()?;
        let attribute = match self.prefix.as_deref().filter(|p| !p.is_empty()) {
            Some(prefix) => format!("xmlns:{prefix}"),
            None => "xmlns".to_owned(),
        };
        Some((attribute, uri))
    }
}

/// What a schema is, for XML: `$ref`s followed and `allOf` parts merged.
#[derive(Debug, Default)]
struct View {
    /// Where the schema (the last `$ref`'s target) is: the object shape's identity.
    place: String,
    /// The first component a `$ref` on the way named.
    component: Option<String>,
    xml: XmlObject,
    types: Vec<String>,
    properties: Vec<(String, String)>,
    required: Vec<String>,
    items: Option<String>,
    /// A map (`additionalProperties` with a schema), or a union of several shapes.
    other: Option<String>,
}

/// How many `$ref`s and `allOf` levels a schema may chain before it is refused.
const MAX_HOPS: usize = 64;

struct Walker<'a> {
    doc: &'a Value,
    /// What the walk left out (never a reason to give up the body).
    warnings: Vec<ModelWarning>,
    shapes: Vec<Vec<XmlField>>,
    by_place: BTreeMap<String, usize>,
}

impl Walker<'_> {
    fn at(&self, place: &str) -> Option<&Value> {
        self.doc.pointer(place.strip_prefix('#').unwrap_or(place))
    }

    /// `place`, or where its `$ref` chain ends (`None`: nothing there).
    fn follow(&self, place: &str) -> Option<String> {
        let mut place = place.to_owned();
        for _ in 0..MAX_HOPS {
            match self.at(&place)?.get("$ref") {
                Some(Value::String(reference)) => place = reference.clone(),
                _ => return Some(place),
            }
        }
        None
    }

    fn view(&self, place: &str) -> Result<View, Unsupported> {
        let mut view = View::default();
        self.fill(place, &mut view, 0)?;
        Ok(view)
    }

    /// Adds the schema at `place` to `view` (outer `xml` keys win: the outer schema is
    /// applied last by the caller order below).
    fn fill(&self, place: &str, view: &mut View, hops: usize) -> Result<(), Unsupported> {
        let unsupported = |reason: &str| Unsupported {
            place: place.to_owned(),
            reason: reason.to_owned(),
        };
        if hops > MAX_HOPS {
            return Err(unsupported(
                "`$ref`s and `allOf`s chained too deep (a cycle?)",
            ));
        }
        let Some(schema) = self.at(place) else {
            return Err(unsupported("a `$ref` to nothing"));
        };
        let Value::Object(map) = schema else {
            // `true`/`{}`: anything.
            return Ok(());
        };
        if view.place.is_empty() || hops == 0 {
            view.place = place.to_owned();
        }
        if let Some(Value::String(reference)) = map.get("$ref") {
            if view.component.is_none() {
                view.component = reference
                    .strip_prefix("#/components/schemas/")
                    .filter(|rest| !rest.contains('/'))
                    .map(|name| name.replace("~1", "/").replace("~0", "~"));
            }
            self.fill(reference, view, hops + 1)?;
            view.place = reference.clone();
        }
        if let Some(Value::Array(parts)) = map.get("allOf") {
            for i in 0..parts.len() {
                self.fill(&format!("{place}/allOf/{i}"), view, hops + 1)?;
            }
            view.place = place.to_owned();
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(variants)) = map.get(key) {
                let not_null: Vec<usize> = (0..variants.len())
                    .filter(|&i| {
                        variants[i].get("type").and_then(Value::as_str) != Some("null")
                            && !variants[i]
                                .get("enum")
                                .is_some_and(|e| e == &Value::Array(vec![Value::Null]))
                    })
                    .collect();
                match not_null.as_slice() {
                    [] => {}
                    [one] => self.fill(&format!("{place}/{key}/{one}"), view, hops + 1)?,
                    _ => {
                        view.other = Some(format!(
                            "a `{key}` of several shapes (XML has no way to tell them apart)"
                        ));
                    }
                }
            }
        }
        match map.get("type") {
            Some(Value::String(ty)) => view.types.push(ty.clone()),
            Some(Value::Array(types)) => view
                .types
                .extend(types.iter().filter_map(Value::as_str).map(str::to_owned)),
            _ => {}
        }
        if let Some(Value::Object(properties)) = map.get("properties") {
            for key in properties.keys() {
                let property = format!("{place}/properties/{}", crate::pointer::escape(key));
                match view.properties.iter_mut().find(|(name, _)| name == key) {
                    Some(existing) => existing.1 = property,
                    None => view.properties.push((key.clone(), property)),
                }
            }
        }
        if let Some(Value::Array(required)) = map.get("required") {
            view.required
                .extend(required.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        if map.get("items").is_some_and(Value::is_object) {
            view.items = Some(format!("{place}/items"));
        }
        if map
            .get("additionalProperties")
            .is_some_and(|a| a.is_object() || a == &Value::Bool(true))
            && !map.contains_key("properties")
        {
            view.other = Some(
                "a map (`additionalProperties`): XML names its elements only by the schema"
                    .to_owned(),
            );
        }
        view.xml.apply(map.get("xml"));
        Ok(())
    }

    /// The kind of the view: its declared type, else what its keywords imply.
    fn kind(view: &View) -> &str {
        if let Some(ty) = view.types.iter().find(|t| t.as_str() != "null") {
            return ty;
        }
        if !view.properties.is_empty() {
            "object"
        } else if view.items.is_some() {
            "array"
        } else {
            ""
        }
    }

    /// The content shape of the schema at `place`.
    fn shape(&mut self, view: &View) -> Result<XmlShapeRef, Unsupported> {
        let unsupported = |reason: String| Unsupported {
            place: view.place.clone(),
            reason,
        };
        if let Some(reason) = &view.other {
            return Err(unsupported(reason.clone()));
        }
        Ok(match Self::kind(view) {
            "string" => XmlShapeRef::Text(XmlText::String),
            "integer" => XmlShapeRef::Text(XmlText::Integer),
            "number" => XmlShapeRef::Text(XmlText::Number),
            "boolean" => XmlShapeRef::Text(XmlText::Boolean),
            "array" => {
                return Err(unsupported(
                    "an array of arrays (the items of one cannot be told from the next's)"
                        .to_owned(),
                ));
            }
            "object" if !view.properties.is_empty() => {
                if let Some(&index) = self.by_place.get(&view.place) {
                    return Ok(XmlShapeRef::Object(index));
                }
                let index = self.shapes.len();
                self.shapes.push(Vec::new());
                self.by_place.insert(view.place.clone(), index);
                let mut fields = Vec::with_capacity(view.properties.len());
                for (property, place) in &view.properties {
                    fields.push(self.field(property, place, view.required.contains(property))?);
                }
                self.shapes[index] = fields;
                XmlShapeRef::Object(index)
            }
            _ => XmlShapeRef::Any,
        })
    }

    fn field(
        &mut self,
        property: &str,
        place: &str,
        required: bool,
    ) -> Result<XmlField, Unsupported> {
        let view = self.view(place)?;
        let name = view
            .xml
            .prefixed(view.xml.name.as_deref().unwrap_or(property));
        let namespace = view.xml.declaration();
        let text = matches!(
            Self::kind(&view),
            "string" | "integer" | "number" | "boolean"
        );
        if view.xml.attribute && !text {
            // AWS's `Grantee` object carries `attribute: true` (meant for its `xsi:type`).
            self.warnings.push(ModelWarning {
                place: place.to_owned(),
                message: "`xml.attribute` on a value that is not text is left out: it is written as an element".to_owned(),
                help: "put `attribute: true` on a string, number or boolean property".to_owned(),
            });
        }
        if view.xml.attribute && text {
            let shape = self.shape(&view)?;
            return Ok(XmlField {
                property: property.to_owned(),
                name,
                namespace: None,
                kind: XmlKind::Attribute,
                required,
                shape,
            });
        }
        if view.other.is_none() && Self::kind(&view) == "array" {
            let Some(items) = &view.items else {
                return Ok(XmlField {
                    property: property.to_owned(),
                    name: name.clone(),
                    namespace,
                    kind: XmlKind::Array {
                        wrapped: view.xml.wrapped,
                        item: name,
                        item_namespace: None,
                    },
                    required,
                    shape: XmlShapeRef::Any,
                });
            };
            let items = self.view(items)?;
            let item = match &items.xml.name {
                Some(item) => items.xml.prefixed(item),
                None => name.clone(),
            };
            let shape = self.shape(&items)?;
            return Ok(XmlField {
                property: property.to_owned(),
                name,
                namespace,
                kind: XmlKind::Array {
                    wrapped: view.xml.wrapped,
                    item,
                    item_namespace: items.xml.declaration(),
                },
                required,
                shape,
            });
        }
        let shape = self.shape(&view)?;
        Ok(XmlField {
            property: property.to_owned(),
            name,
            namespace,
            kind: XmlKind::Element,
            required,
            shape,
        })
    }

    /// The root of the body whose schema is at `place`; `None`: not an object, so the
    /// body stays the document as text or bytes.
    fn root(&mut self, place: &str, type_name: &str) -> Result<Option<XmlBody>, Unsupported> {
        let view = self.view(place)?;
        let kind = Self::kind(&view);
        if kind == "array" {
            return Err(Unsupported {
                place: place.to_owned(),
                reason: "an array as the whole body (an XML document has one root element)"
                    .to_owned(),
            });
        }
        if let Some(reason) = &view.other {
            return Err(Unsupported {
                place: view.place.clone(),
                reason: reason.clone(),
            });
        }
        if kind != "object" || view.properties.is_empty() {
            return Ok(None);
        }
        // An unnamed inline object with one object property: that property is the root.
        if view.xml.name.is_none() && view.component.is_none() && view.properties.len() == 1 {
            let (property, inner) = &view.properties[0];
            let inner_view = self.view(inner)?;
            if Self::kind(&inner_view) == "object" && !inner_view.xml.attribute {
                let name = inner_view
                    .xml
                    .prefixed(inner_view.xml.name.as_deref().unwrap_or(property));
                return Ok(Some(XmlBody {
                    name,
                    namespaces: inner_view.xml.declaration().into_iter().collect(),
                    property: Some(property.clone()),
                    shape: self.shape(&inner_view)?,
                }));
            }
        }
        let name = view
            .xml
            .name
            .clone()
            .or_else(|| view.component.clone())
            .unwrap_or_else(|| type_name.to_owned());
        Ok(Some(XmlBody {
            name: view.xml.prefixed(&name),
            namespaces: view.xml.declaration().into_iter().collect(),
            property: None,
            shape: self.shape(&view)?,
        }))
    }
}

/// Decides every XML body of `api` (bodies the operation stage marked `BodyEncoding::Xml`):
/// its root and shapes, or text/bytes for a body that is not an object, or bytes with a
/// warning where XML cannot express the schema. `merged` is the document the model read.
pub(super) fn decide(api: &mut Api, merged: &Value) {
    let xml_bodies = api.operations.iter().any(|op| {
        op.body
            .as_ref()
            .is_some_and(|b| b.encoding == BodyEncoding::Xml)
            || op
                .responses
                .iter()
                .any(|r| matches!(r.body, Some((BodyEncoding::Xml, _))))
    });
    if !xml_bodies {
        return;
    }
    let mut doc = merged.clone();
    super::refs::canonicalize(&mut doc);
    let mut walker = Walker {
        doc: &doc,
        warnings: Vec::new(),
        shapes: Vec::new(),
        by_place: BTreeMap::new(),
    };
    let mut warnings = Vec::new();
    for op in &mut api.operations {
        let op_place = format!("#/paths/{}/{}", crate::pointer::escape(&op.path), op.method);
        let responses = walker.follow(&format!("{op_place}/responses"));
        // Each response's place, by its key as the document writes it (`4XX` or `4xx`).
        let response_places: Vec<Option<String>> = op
            .responses
            .iter()
            .map(|response| {
                let label = response.status.label();
                let key = responses
                    .as_ref()
                    .and_then(|r| walker.at(r))
                    .and_then(Value::as_object)
                    .and_then(|r| r.keys().find(|k| k.eq_ignore_ascii_case(&label)).cloned());
                responses
                    .as_ref()
                    .zip(key)
                    .map(|(r, key)| format!("{r}/{}", crate::pointer::escape(&key)))
            })
            .collect();
        let op_type = op.type_name.clone();
        let mut decide_one = |place: Option<String>, ty: &TypeRef, media_type: Option<&str>| {
            let type_name = match ty {
                TypeRef::Named(name) => name.clone(),
                _ => format!("{op_type}Body"),
            };
            // The request body or response object, through its `$ref`, and its XML media type.
            let object = place.and_then(|place| walker.follow(&place));
            let media_type = media_type.map(str::to_owned).or_else(|| {
                let content = walker.at(&format!("{}/content", object.as_deref()?))?;
                let mut keys: Vec<&String> = content.as_object()?.keys().collect();
                keys.sort();
                keys.into_iter()
                    .find(|k| super::operation::is_xml(&k.to_ascii_lowercase()))
                    .cloned()
            });
            let (Some(object), Some(media_type)) = (object, media_type) else {
                return Err((BodyEncoding::Bytes, TypeRef::Bytes));
            };
            let schema = format!(
                "{object}/content/{}/schema",
                crate::pointer::escape(&media_type)
            );
            let as_document = if media_type.to_ascii_lowercase().starts_with("text/") {
                (BodyEncoding::Text, TypeRef::String)
            } else {
                (BodyEncoding::Bytes, TypeRef::Bytes)
            };
            if walker.at(&schema).is_none() {
                return Err(as_document);
            }
            // A body given up leaves no shape behind (nor a half-built one to reuse).
            let (shapes, notes) = (walker.shapes.len(), walker.warnings.len());
            let root = walker.root(&schema, &type_name);
            if !matches!(root, Ok(Some(_))) {
                walker.shapes.truncate(shapes);
                walker.warnings.truncate(notes);
                walker.by_place.retain(|_, index| *index < shapes);
            }
            match root {
                Ok(Some(root)) => Ok(root),
                Ok(None) => Err(as_document),
                Err(why) => {
                    let at = if why.place == schema {
                        String::new()
                    } else {
                        format!(" (at {})", why.place)
                    };
                    warnings.push(ModelWarning {
                        place: schema.clone(),
                        message: format!(
                            "the XML body is read and sent as raw bytes: {}{at}",
                            why.reason
                        ),
                        help: "describe the body as an object whose properties XML can name, or send and read the bytes yourself".to_owned(),
                    });
                    Err((BodyEncoding::Bytes, TypeRef::Bytes))
                }
            }
        };
        if let Some(body) = op.body.as_mut().filter(|b| b.encoding == BodyEncoding::Xml) {
            let place = Some(format!("{op_place}/requestBody"));
            match decide_one(place, &body.ty, Some(&body.media_type)) {
                Ok(root) => body.xml = Some(root),
                Err((encoding, ty)) => {
                    body.encoding = encoding;
                    body.ty = ty;
                }
            }
        }
        for (response, place) in op.responses.iter_mut().zip(response_places) {
            let Some((BodyEncoding::Xml, ty)) = &response.body else {
                continue;
            };
            match decide_one(place, ty, None) {
                Ok(root) => response.xml = Some(root),
                Err(document) => response.body = Some(document),
            }
        }
        // A body turned into text or bytes changes the success type.
        op.success = super::operation::success_of(&op.responses);
    }
    api.xml_shapes = walker.shapes;
    api.warnings.extend(warnings);
    api.warnings.extend(walker.warnings);
    api.warnings.sort();
    api.warnings.dedup();
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::testing::{api, doc};

    fn put(media_type: &str, schema: serde_json::Value) -> serde_json::Value {
        json!({"/x": {"put": {
            "requestBody": {"required": true, "content": {media_type: {"schema": schema}}},
            "responses": {"200": {"description": "ok",
                "content": {media_type: {"schema": {"$ref": "#/components/schemas/List"}}}}}
        }}})
    }

    /// The specification's naming rules: a wrapped array is named by the array's `xml.name`
    /// and its items by theirs; an unwrapped one repeats the items' name (else the array's,
    /// else the property's); a `$ref`'d component names the root; a recursive schema refers
    /// to its own shape.
    #[test]
    fn names_follow_the_xml_objects() {
        let schemas = json!({
            "List": {"type": "object", "required": ["ids"], "properties": {
                "ids": {"type": "array", "xml": {"wrapped": true, "name": "Ids"},
                    "items": {"type": "integer", "xml": {"name": "Id"}}},
                "Parts": {"allOf": [{"$ref": "#/components/schemas/Parts"}, {"xml": {"name": "Part"}}]},
                "notes": {"type": "array", "items": {"type": "string"}},
                "next": {"$ref": "#/components/schemas/List"},
                "kind": {"type": "string", "xml": {"attribute": true, "prefix": "k", "name": "type"}}
            }},
            "Parts": {"type": "array", "items": {"type": "boolean"}}
        });
        let api = api(doc(
            schemas,
            put(
                "application/xml",
                json!({"$ref": "#/components/schemas/List"}),
            ),
        ));
        let op = &api.operations[0];
        let body = op.body.as_ref().unwrap();
        assert_eq!(body.encoding, BodyEncoding::Xml);
        let root = body.xml.as_ref().unwrap();
        assert_eq!(
            (root.name.as_str(), root.property.as_deref()),
            ("List", None)
        );
        assert_eq!(op.responses[0].xml.as_ref(), Some(root));
        assert_eq!(api.xml_shapes.len(), 1, "one shape, recursive");
        let fields: Vec<(&str, &str, &XmlKind, XmlShapeRef)> = api.xml_shapes[0]
            .iter()
            .map(|f| (f.property.as_str(), f.name.as_str(), &f.kind, f.shape))
            .collect();
        let array = |wrapped, item: &str| XmlKind::Array {
            wrapped,
            item: item.to_owned(),
            item_namespace: None,
        };
        assert_eq!(
            fields,
            [
                (
                    "ids",
                    "Ids",
                    &array(true, "Id"),
                    XmlShapeRef::Text(XmlText::Integer)
                ),
                (
                    "Parts",
                    "Part",
                    &array(false, "Part"),
                    XmlShapeRef::Text(XmlText::Boolean)
                ),
                (
                    "notes",
                    "notes",
                    &array(false, "notes"),
                    XmlShapeRef::Text(XmlText::String)
                ),
                ("next", "next", &XmlKind::Element, XmlShapeRef::Object(0)),
                (
                    "kind",
                    "k:type",
                    &XmlKind::Attribute,
                    XmlShapeRef::Text(XmlText::String)
                ),
            ]
        );
        assert!(api.xml_shapes[0][0].required && !api.xml_shapes[0][1].required);
    }

    /// A body XML cannot express is raw bytes with a warning naming the place (and leaves no
    /// shape behind); a body whose schema is a string is the document as text, silently.
    #[test]
    fn what_xml_cannot_say_is_bytes_with_a_warning() {
        let schemas = json!({"List": {"type": "object", "properties": {"a": {"type": "string"}}}});
        let map = json!({"type": "object", "properties": {
            "inner": {"type": "object", "properties": {"b": {"type": "string"}}},
            "tags": {"type": "object", "additionalProperties": {"type": "string"}}}});
        let bytes = api(doc(schemas.clone(), put("application/xml", map)));
        let body = bytes.operations[0].body.as_ref().unwrap();
        assert_eq!(
            (body.encoding, &body.ty, &body.xml),
            (BodyEncoding::Bytes, &TypeRef::Bytes, &None)
        );
        let warning = &bytes.warnings[0];
        assert_eq!(
            warning.place,
            "#/paths/~1x/put/requestBody/content/application~1xml/schema"
        );
        assert!(
            warning.message.contains("a map (`additionalProperties`)"),
            "{}",
            warning.message
        );
        assert!(
            warning.message.contains("/properties/tags"),
            "{}",
            warning.message
        );
        // The response's shape is the only one.
        assert_eq!(bytes.xml_shapes.len(), 1);
        assert_eq!(bytes.xml_shapes[0][0].property, "a");

        let api = api(doc(schemas, put("text/xml", json!({"type": "string"}))));
        let body = api.operations[0].body.as_ref().unwrap();
        assert_eq!(
            (body.encoding, &body.ty),
            (BodyEncoding::Text, &TypeRef::String)
        );
        assert!(api.warnings.is_empty(), "{:?}", api.warnings);
    }
}
