//! Bodies that stream: which success bodies the client reads as they arrive (binary ones as
//! the runtime's `ByteStream`, `text/event-stream` ones as its `EventStream<T>`), and which
//! request bodies it can send from a file or a stream (binary ones, as its `Upload`).
//!
//! Invariants: only a success body streams (an error body is read whole, and typed); an
//! operation whose successes have several different bodies (a response enum) streams none of
//! them (binary stays `Vec<u8>`, events their text), so the enums keep their derives; an
//! event's `data` type is the media type's `itemSchema` (OpenAPI 3.2) where there is one,
//! else its `schema`, and a string schema (or none) keeps the text as it is.

use std::collections::BTreeSet;

use openapiv3::{
    MediaType, ReferenceOr, Schema, SchemaKind, StringFormat, StringType, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::schema::TypeBuilder;
use super::{BodyEncoding, ModelError, Operation, Response, TypeRef};

/// The media type of server-sent events.
const EVENT_STREAM: &str = "text/event-stream";

/// OpenAPI 3.2's `itemSchema` (the schema of each item of a sequential media type, such as
/// one event of `text/event-stream`) is what stitch reads as the media type's `schema`
/// (on the cleaned copy `lenient` makes, never the crate's `openapi.json`).
pub(super) fn item_schema_first(media: &mut Value) {
    if let Some(map) = media.as_object_mut() {
        if let Some(item) = map.remove("itemSchema") {
            map.insert("schema".to_owned(), item);
        }
    }
}

/// The body of a response that may stream, decided by its media type: `text/event-stream`
/// is `Events(data type)`; `*/*` with a binary schema (`type: string, format: binary`) is
/// bytes (which `settle` makes a `ByteStream` for a success). `None` for anything else.
pub(super) fn streamed_body(
    types: &mut TypeBuilder<'_>,
    media_type: &str,
    media: &MediaType,
    hint: &str,
    place: &str,
) -> Result<Option<(BodyEncoding, TypeRef)>, ModelError> {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    if essence == "*/*" {
        let binary = matches!(
            &media.schema,
            Some(ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Type(Type::String(StringType {
                    format: VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
                    ..
                })),
                ..
            }))
        );
        return Ok(binary.then_some((BodyEncoding::Bytes, TypeRef::Bytes)));
    }
    if !essence.eq_ignore_ascii_case(EVENT_STREAM) {
        return Ok(None);
    }
    let data = match &media.schema {
        Some(schema) => {
            let hint = format!("{hint}Event");
            match types.type_of(schema, &hint, &format!("{place}/schema"))? {
                // Text, or bytes (which an event cannot carry): the text as it is.
                TypeRef::String | TypeRef::Bytes => TypeRef::String,
                other => other,
            }
        }
        None => TypeRef::String,
    };
    Ok(Some((BodyEncoding::Text, TypeRef::Events(Box::new(data)))))
}

/// Settles which of an operation's responses stream, once it is known which are successes:
/// a binary success body is a `ByteStream`; an event stream stays one only as a success;
/// and with several different success bodies, none streams.
pub(super) fn settle(responses: &mut [Response]) {
    for response in responses.iter_mut() {
        let Some((encoding, ty)) = response.body.as_mut() else {
            continue;
        };
        match ty {
            TypeRef::Bytes if response.success => *ty = TypeRef::ByteStream,
            TypeRef::Events(_) if !response.success => {
                (*encoding, *ty) = (BodyEncoding::Text, TypeRef::String)
            }
            _ => {}
        }
    }
    let bodies: BTreeSet<Option<&(BodyEncoding, TypeRef)>> = responses
        .iter()
        .filter(|r| r.success)
        .map(|r| r.body.as_ref())
        .collect();
    if bodies.len() > 1 {
        for (_, ty) in responses.iter_mut().filter_map(|r| r.body.as_mut()) {
            match ty {
                TypeRef::ByteStream => *ty = TypeRef::Bytes,
                TypeRef::Events(_) => *ty = TypeRef::String,
                _ => {}
            }
        }
    }
}

/// The type of a request body: a binary one is an `Upload` (bytes, a file or a stream).
pub(super) fn request_type(encoding: BodyEncoding, ty: TypeRef) -> TypeRef {
    match (encoding, ty) {
        (BodyEncoding::Bytes, TypeRef::Bytes) => TypeRef::Upload,
        (_, ty) => ty,
    }
}

impl Operation {
    /// True when the success body is read as it arrives (a `ByteStream` or an
    /// `EventStream`): the operation's `decode` reads the runtime's `Streamed`.
    pub fn streams(&self) -> bool {
        self.responses.iter().any(|r| {
            r.success && matches!(r.body, Some((_, TypeRef::ByteStream | TypeRef::Events(_))))
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::testing::{api, doc};
    use super::*;
    use crate::model::Success;

    fn binary() -> serde_json::Value {
        json!({"schema": {"type": "string", "format": "binary"}})
    }

    /// The success value of the one operation of `paths`.
    fn success(paths: serde_json::Value) -> (Success, bool) {
        let api = api(doc(
            json!({"Tick": {"type": "object", "properties": {"n": {"type": "integer"}}}}),
            paths,
        ));
        let op = &api.operations[0];
        (op.success.clone(), op.streams())
    }

    #[test]
    fn binary_and_event_stream_successes_stream_and_errors_do_not() {
        let (value, streams) = success(json!({"/f": {"get": {"responses": {
            "200": {"description": "", "content": {"application/octet-stream": binary()}},
            "404": {"description": "", "content": {"application/octet-stream": binary()}}
        }}}}));
        assert_eq!((value, streams), (Success::Type(TypeRef::ByteStream), true));
        let api = api(doc(
            json!({}),
            json!({"/f": {"get": {"responses": {
                "200": {"description": "", "content": {"*/*": binary()}},
                "404": {"description": "", "content": {"application/octet-stream": binary()}}
            }}}}),
        ));
        let bodies: Vec<_> = api.operations[0]
            .responses
            .iter()
            .map(|r| r.body.clone())
            .collect();
        assert_eq!(
            bodies,
            [
                Some((BodyEncoding::Bytes, TypeRef::ByteStream)),
                Some((BodyEncoding::Bytes, TypeRef::Bytes))
            ]
        );
        // `itemSchema` wins over `schema`; a string schema keeps the text.
        let (value, _) = success(
            json!({"/e": {"get": {"responses": {"200": {"description": "",
            "content": {"text/event-stream": {"schema": {"type": "string"},
                "itemSchema": {"$ref": "#/components/schemas/Tick"}}}}}}}}),
        );
        assert_eq!(
            value,
            Success::Type(TypeRef::Events(Box::new(TypeRef::Named("Tick".to_owned()))))
        );
        let (value, _) = success(
            json!({"/e": {"get": {"responses": {"200": {"description": "",
            "content": {"text/event-stream": {"schema": {"type": "string"}}}}}}}}),
        );
        assert_eq!(
            value,
            Success::Type(TypeRef::Events(Box::new(TypeRef::String)))
        );
    }

    #[test]
    fn several_success_bodies_stream_none() {
        let (value, streams) = success(json!({"/f": {"get": {"responses": {
            "200": {"description": "", "content": {"application/octet-stream": binary()}},
            "201": {"description": "", "content": {"text/event-stream": {}}}
        }}}}));
        assert_eq!((value, streams), (Success::Enum, false));
    }

    #[test]
    fn a_binary_request_body_is_an_upload() {
        let api = api(doc(
            json!({}),
            json!({"/f": {"put": {
                "requestBody": {"content": {"application/octet-stream": binary()}},
                "responses": {"204": {"description": ""}}
            }}}),
        ));
        let body = api.operations[0].body.as_ref().map(|b| b.ty.clone());
        assert_eq!(body, Some(TypeRef::Upload));
    }
}
