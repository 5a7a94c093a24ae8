//! Stage 3: the merged OpenAPI document to an intermediate representation of Rust types and
//! operations.
//!
//! Every `$ref` is resolved, every name chosen and every shape decided here, once; the emit
//! stage only prints what this module decided.

pub mod features;
mod lenient;
mod names;
mod operation;
mod pagination;
mod recursion;
mod redirects;
mod refs;
mod schema;
mod streams;
#[cfg(test)]
mod testing;
mod user_types;
mod xml;

use std::collections::{BTreeMap, BTreeSet};

pub use names::{camel, is_keyword, snake};
pub use pagination::{
    PageItems, PageOrigin, PageOverride, PageStyle, Pagination, STYLES, list_operations,
};
pub use user_types::{
    ALWAYS_DERIVED, CLIENT_CRATES, CrateDependency, PlacedDerives, STD_DERIVES, TypeSettings,
    UserType, check_crate, check_path, check_trait,
};
pub use xml::{XmlBody, XmlField, XmlKind, XmlShapeRef, XmlText};

use crate::method::HttpMethod;
use crate::options::{Options, valid_crate_name};

/// The whole client: what the emit stage prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Package name of the generated crate (`syntho-client`).
    pub crate_name: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The path of the API's server (`/api` for `servers: [{"url": "/api"}]`), put before
    /// every operation's path; empty for none (see `operation::server_path`).
    pub server_path: String,
    /// Named types, sorted by name.
    pub types: Vec<TypeDef>,
    /// Operations, sorted by method name.
    pub operations: Vec<Operation>,
    /// Security schemes, sorted by builder method name.
    pub security_schemes: Vec<SecurityScheme>,
    /// What the model could only approximate (a schema read as free-form JSON although it
    /// says more), sorted by place; reported as warnings.
    pub warnings: Vec<ModelWarning>,
    /// The object shapes of the XML bodies (`XmlShapeRef::Object` indexes them; see `xml`).
    pub xml_shapes: Vec<Vec<XmlField>>,
    /// The `Cargo.toml` dependency lines the config's `[types.crates]` adds, sorted by crate
    /// (see `user_types`).
    pub dependencies: Vec<String>,
    /// The schemas the user's types stand for, for the docs: what (`` the schema `Money` ``,
    /// `` `format: decimal` ``) and the type's path; in the config's order.
    pub user_types: Vec<(String, String)>,
    /// The crate's per-tag cargo features (`None`: a small API, no features; see `features`).
    pub features: Option<features::Features>,
}

/// Something the model could build only approximately, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ModelWarning {
    /// Where, as a JSON pointer into the merged document (`#/components/schemas/A/properties/b`).
    pub place: String,
    /// What happened, in one line.
    pub message: String,
    /// What the user can do.
    pub help: String,
}

/// The start of the message of every warning about a schema that falls back to free-form
/// JSON: the one place that says so, for the diagnostics and for whoever counts them.
pub const JSON_FALLBACK: &str = "read as free-form JSON (`serde_json::Value`)";

/// A reference to a Rust type, as used by a field, parameter or body.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u64` (`format: uint64`).
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `uuid::Uuid` (`format: uuid`).
    Uuid,
    /// `chrono::DateTime<chrono::Utc>` (`format: date-time`).
    DateTime,
    /// `chrono::NaiveDate` (`format: date`).
    Date,
    /// `Vec<u8>`: raw bytes of a binary body.
    Bytes,
    /// The runtime's `ByteStream`: a binary success body read as it arrives (`streams.rs`).
    ByteStream,
    /// The runtime's `Upload`: a binary request body from bytes, a file or a stream.
    Upload,
    /// The runtime's `EventStream<T>`: a `text/event-stream` success body, each event's
    /// `data` a `T` (`String`: the text as it is).
    Events(Box<TypeRef>),
    /// `serde_json::Value`: any JSON.
    Json,
    /// `serde_json::Map<String, serde_json::Value>`: any JSON object.
    JsonObject,
    /// A type of [`Api::types`], by its Rust name.
    Named(String),
    /// The runtime's `Form`: a `multipart/form-data` body whose parts the API does not
    /// describe (its schema is not an object of properties), built part by part by the caller.
    Form,
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `std::collections::BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// A type the user names in the config file (`[types.replace]`, `[types.format]`), by
    /// its Rust path (`rust_decimal::Decimal`; see `user_types`).
    User(String),
    /// `Option<T>`.
    Option(Box<TypeRef>),
    /// `Box<T>` (breaks recursion).
    Box(Box<TypeRef>),
}

impl TypeRef {
    /// Wraps in `Option` unless it already is one.
    pub fn optional(self) -> TypeRef {
        match self {
            TypeRef::Option(_) => self,
            other => TypeRef::Option(Box::new(other)),
        }
    }

    /// True for `Option<_>`.
    pub fn is_option(&self) -> bool {
        matches!(self, TypeRef::Option(_))
    }
}

/// A named type of the generated `types` module.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Rust name (`JobSchema`).
    pub name: String,
    /// Rustdoc text from the schema's `title` and `description` (made safe by
    /// [`crate::doc::to_rustdoc`]); `None` when the spec says nothing about the type but its
    /// name (the emit stage then prints no doc). See `model::schema::docs` for the rule.
    pub doc: Option<String>,
    /// The shape.
    pub kind: TypeKind,
    /// The type of a component schema: its name is the spec's (the inline types' names are
    /// made from where they stand). Of types printed once (`emit::dedup`), a component keeps
    /// its own definition rather than becoming an alias of an inline type's name.
    pub component: bool,
    /// Derives beyond the ones every type of its kind has, from the config file
    /// (`[types] derives`, `[types.derive]`), in the order written; only those everything it
    /// holds supports (see `user_types::decide_derives`).
    pub derives: Vec<String>,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct {
        /// Fields, in the order the schema lists its properties.
        fields: Vec<Field>,
    },
    /// A string enum: open (known values plus `Unknown(String)`, the default), or closed
    /// (only these values decode) where a fixed value is what tells the variants of a union
    /// apart (see `model::schema`).
    Enum {
        /// Known values.
        variants: Vec<EnumVariant>,
        /// An unknown value decodes as `Unknown(String)`; closed enums reject it.
        open: bool,
    },
    /// A union of distinct JSON shapes (`anyOf`/`oneOf`), tried in order.
    Union {
        /// One variant per branch.
        variants: Vec<UnionVariant>,
    },
    /// A `oneOf`/`anyOf` with a `discriminator`: internally tagged, one variant per tag value,
    /// plus `Unknown(serde_json::Value)` for a tag this client does not know.
    Tagged {
        /// The tag property on the wire (`petType`).
        tag: String,
        /// One variant per tag value.
        variants: Vec<TaggedVariant>,
    },
    /// A type alias (`pub type X = Vec<Y>;`).
    Alias(TypeRef),
}

impl TypeKind {
    /// The types this one holds: fields, variant payloads, the aliased type.
    pub fn held_types(&self) -> Vec<&TypeRef> {
        match self {
            TypeKind::Struct { fields } => fields.iter().map(|f| &f.ty).collect(),
            TypeKind::Union { variants } => variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Tagged { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias(ty) => vec![ty],
            TypeKind::Enum { .. } => Vec::new(),
        }
    }
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust name (without `r#`; see [`is_keyword`]).
    pub name: String,
    /// Name on the wire.
    pub wire: String,
    /// The Rust type (an `Option` when the property is not required or is nullable).
    pub ty: TypeRef,
    /// Required by the schema (a required `Option` is still sent, as `null`).
    pub required: bool,
    /// `#[serde(flatten)]` (`wire` is empty): the map that keeps properties the struct does
    /// not name (`additionalProperties` beside `properties`; `ty` is a `Map`), or a union among
    /// the parts of an `allOf` (`ty` is the union).
    pub flatten: bool,
    /// Rustdoc text from the property's `title` and `description`, with the known values
    /// of an integer enum, a documented default and base64 for `format: byte` (see
    /// `model::schema::docs`); `None` when the spec says nothing (a `$ref`'d property, the
    /// flattened fields): the emit stage decides what to print then.
    pub doc: Option<String>,
}

/// A known value of an open enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    /// Rust name.
    pub name: String,
    /// Value on the wire.
    pub value: String,
}

/// A branch of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// Rust name.
    pub name: String,
    /// Payload type.
    pub ty: TypeRef,
}

/// A variant of a tagged union.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    /// Rust name.
    pub name: String,
    /// The tag's value on the wire.
    pub value: String,
    /// Payload type (a named struct).
    pub ty: TypeRef,
}

/// One API operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Method name on `Client` (snake case `operationId`).
    pub name: String,
    /// The `operationId` as the API writes it (`None` where it gives none).
    pub operation_id: Option<String>,
    /// Name of the request builder type (`JobsList`); see [`Operation::error_name`].
    pub type_name: String,
    /// HTTP method.
    pub method: HttpMethod,
    /// The path template as written (`/api/v1/jobs/{job_id}/`).
    pub path: String,
    /// The path split into literal text and parameters.
    pub path_parts: Vec<PathPart>,
    /// Rustdoc text: the summary and the description (`None` when the spec gives neither).
    /// The emit stage adds the method, path and statuses.
    pub doc: Option<String>,
    /// Parameters: required ones first (in spec order), then optional ones (in spec order).
    pub params: Vec<Param>,
    /// The request body, if any.
    pub body: Option<RequestBody>,
    /// Documented responses.
    pub responses: Vec<Response>,
    /// What the success value is.
    pub success: Success,
    /// Keys of the security schemes whose credentials this operation sends when configured.
    pub security: Vec<String>,
    /// The usage example of the `Client` method: the body of a `rust,no_run` doctest
    /// ([`crate::example::usage`]), set once every operation and type is known.
    pub example: Option<String>,
    /// How its pages follow one another, for a list operation (see `model::pagination`).
    pub pagination: Option<Pagination>,
    /// Every documented success is a redirect (`302` with a `Location`): the client does not
    /// follow it, the redirect is the answer (see `model::redirects`).
    pub redirect_is_answer: bool,
}

impl Operation {
    /// The error enum's name: `{type_name}Error`.
    pub fn error_name(&self) -> String {
        operation::error_name(&self.type_name)
    }

    /// The success enum's name (when several success bodies differ): `{type_name}Response`.
    pub fn response_name(&self) -> String {
        operation::response_name(&self.type_name)
    }

    /// The parameters struct's name (the builder is `Builder<'a, {type_name}Params>`).
    pub fn params_name(&self) -> String {
        operation::params_name(&self.type_name)
    }
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Literal text, sent as is.
    Literal(String),
    /// The parameter with this Rust name, percent-encoded as one segment.
    Param(String),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
    /// In the `Cookie` header.
    Cookie,
}

impl ParamLocation {
    /// The spec's word for it (a parameter's `in`).
    pub fn word(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

/// An operation parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Rust name.
    pub name: String,
    /// Name on the wire.
    pub wire: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// The Rust type, without the `Option` of an optional parameter.
    pub ty: TypeRef,
    /// Required parameters are positional arguments; optional ones are builder methods.
    pub required: bool,
    /// How the value is written on the wire (decided from the location, the style and the
    /// type; the emit stage only prints it).
    pub encoding: ParamEncoding,
    /// The spec's `description` as rustdoc (`None`: the spec says nothing).
    pub doc: Option<String>,
    /// The schema's `default` as JSON text (`None`: none given), for the docs: what the
    /// server assumes when the parameter is not sent.
    pub default: Option<String>,
}

/// How one scalar value (a parameter, an item of an array, a property of an object, a text
/// part of a multipart body) is written as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// A `String`, as it is.
    String,
    /// A string enum: its value on the wire.
    Enum,
    /// A date-time: RFC 3339.
    DateTime,
    /// A number, boolean, UUID or date: its `Display` text.
    Display,
}

/// How a parameter is written on the wire.
///
/// Query parameters are `form` style (or `deepObject`); path, header and cookie parameters
/// `simple` style. Only the shapes listed here are written by generated code; any other is
/// encoded from its JSON at run time.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamEncoding {
    /// A scalar or a string enum: one text value.
    Text(Text),
    /// An array of scalars, one `key=item` pair per item (query only: exploded `form`, where
    /// `key` is the name, or `deepObject`, where it is `name[]`).
    Repeated {
        /// The name of every pair.
        key: String,
        /// How each item is written.
        item: Text,
    },
    /// An array of scalars as one value: the items joined by `separator` (`,` for `form`
    /// and `simple`, ` ` for `spaceDelimited`, `|` for `pipeDelimited`).
    Joined {
        /// How each item is written.
        item: Text,
        /// What goes between two items.
        separator: char,
    },
    /// An object whose properties are all scalars (in the query, a header or a cookie): one
    /// pair per property that is set.
    Properties(Vec<PropertyText>),
    /// Any other shape (a union, a nested object, a map, an array of objects; any non-scalar
    /// in the path): from its JSON at run time. `explode` and `deep_object` are the query's
    /// style (both `false` elsewhere).
    Json {
        /// `form` style with `explode: true`.
        explode: bool,
        /// `style: deepObject`.
        deep_object: bool,
    },
}

/// One property of an object parameter sent as its own pair ([`ParamEncoding::Properties`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyText {
    /// The struct field's Rust name.
    pub field: String,
    /// The pair's name: the property's wire name (`form`) or `name[property]` (`deepObject`).
    pub key: String,
    /// How the value is written.
    pub text: Text,
    /// The field is an `Option`: the pair is sent only when it is set.
    pub optional: bool,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    /// Media type sent.
    pub media_type: String,
    /// How it is encoded.
    pub encoding: BodyEncoding,
    /// The Rust type.
    pub ty: TypeRef,
    /// Required bodies are positional arguments; optional ones are a builder method.
    pub required: bool,
    /// How a `multipart/form-data` body is cut into parts (`None` for every other encoding).
    pub multipart: Option<Multipart>,
    /// The spec's `description` as rustdoc (`None`: the spec says nothing).
    pub doc: Option<String>,
    /// How an XML body is written (`Some` exactly when `encoding` is `Xml`).
    pub xml: Option<XmlBody>,
}

/// How a `multipart/form-data` request body is cut into parts, decided from its type.
#[derive(Debug, Clone, PartialEq)]
pub enum Multipart {
    /// The runtime's `Form` ([`TypeRef::Form`]): the API does not describe the parts, the
    /// caller adds them.
    Form,
    /// Binary (`Vec<u8>`): the whole body is one file part named `file`.
    File,
    /// An array of binaries: one file part named `file` per item.
    Files,
    /// An object (a struct): one part per property that is set, in the struct's order.
    Parts(Vec<Part>),
}

/// One property of a multipart body object.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The struct field's Rust name.
    pub field: String,
    /// The part's name (the property's wire name; empty for the flattened kinds).
    pub wire: String,
    /// How the field becomes parts.
    pub kind: PartKind,
}

/// How one field of a multipart body object becomes parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// One part (none when `optional` and unset).
    One {
        /// How the part is written.
        value: PartValue,
        /// The field is an `Option`.
        optional: bool,
    },
    /// An array: one part per item, all of the same name (none when `optional` and unset).
    Each {
        /// How each item's part is written.
        item: PartValue,
        /// The field is an `Option`.
        optional: bool,
    },
    /// A flattened map (`additionalProperties` beside `properties`): one JSON part per entry,
    /// named by its key.
    Entries,
    /// A flattened union (a `oneOf` among the parts of an `allOf`): one JSON part per
    /// property of the branch it holds.
    Flattened,
}

/// How one multipart part is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartValue {
    /// Bytes, as a file part.
    File,
    /// A text part.
    Text(Text),
    /// Any other shape, as a JSON part.
    Json,
}

/// How a body (request or response) is carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BodyEncoding {
    /// JSON (`application/json` and `+json`).
    Json,
    /// Plain text.
    Text,
    /// Raw bytes.
    Bytes,
    /// `application/x-www-form-urlencoded` (requests only): each property of the body
    /// object is one `name=value` pair; arrays repeat the name; nested objects are sent as JSON.
    Form,
    /// `multipart/form-data` (requests only): each property of the body object is one part;
    /// `format: binary` properties are bytes sent as file parts, arrays are one part per
    /// item, objects are JSON parts.
    Multipart,
    /// XML (`application/xml`, `text/xml`, `+xml`) of an object schema, laid out by the
    /// body's `XmlBody` (see `model::xml`).
    Xml,
}

/// Which responses a status code matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// Exactly this code.
    Code(u16),
    /// Every code of this class (`4XX` is `Class(4)`).
    Class(u16),
    /// Every code not matched otherwise.
    Default,
}

impl StatusMatch {
    /// True when the matched statuses are successes (2xx).
    pub fn is_success(self) -> bool {
        match self {
            StatusMatch::Code(code) => (200..300).contains(&code),
            StatusMatch::Class(class) => class == 2,
            StatusMatch::Default => false,
        }
    }
    /// As the spec writes it: `404`, `4XX`, `default`.
    pub fn label(self) -> String {
        match self {
            StatusMatch::Code(code) => code.to_string(),
            StatusMatch::Class(class) => format!("{class}XX"),
            StatusMatch::Default => "default".to_owned(),
        }
    }
}

/// A documented response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The statuses it covers.
    pub status: StatusMatch,
    /// A success response (2xx; `default` too when no 2xx response is documented).
    pub success: bool,
    /// Variant name in the error enum or the success enum.
    pub variant: String,
    /// The body: how it is decoded, and into what (`None`: no body).
    pub body: Option<(BodyEncoding, TypeRef)>,
    /// The documented response headers, sorted by name (read with `ResponseValue::headers`).
    pub headers: Vec<ResponseHeader>,
    /// The spec's `description` as rustdoc (`None`: empty).
    pub doc: Option<String>,
    /// How an XML body is read (`Some` exactly when the body's encoding is `Xml`).
    pub xml: Option<XmlBody>,
}

/// A documented response header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHeader {
    /// Its name, as the spec writes it.
    pub name: String,
    /// The first line of its `description`, as rustdoc (`None`: none).
    pub doc: Option<String>,
}

/// The value a successful call returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// Nothing (`()`): no documented success body.
    Unit,
    /// One type for every success status.
    Type(TypeRef),
    /// Several success statuses with different bodies: `{type_name}Response`, one variant each.
    Enum,
}

/// A security scheme: one `ClientBuilder` method.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// The key in `components.securitySchemes` (`OIDC`).
    pub key: String,
    /// The builder method (`oidc`).
    pub method: String,
    /// How the credential is sent.
    pub kind: SchemeKind,
    /// Rustdoc text.
    pub doc: String,
}

/// How a credential is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// An API key in this header.
    Header(String),
    /// An API key in this query parameter.
    Query(String),
    /// An API key in this cookie.
    Cookie(String),
    /// `Authorization: Bearer <token>` (http bearer, OAuth2, OpenID Connect).
    Bearer,
    /// `Authorization: Basic ...` from a user name and password.
    Basic,
    /// `Authorization: Bearer <token>`, where the API's OAuth2 flows let the client get
    /// tokens itself (client credentials, or a refresh token).
    OAuth2(OAuthFlows),
}

/// The OAuth2 flows of a scheme that a client can run itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthFlows {
    /// The `clientCredentials` flow.
    pub client_credentials: Option<OAuthFlow>,
    /// Where a refresh token is exchanged: the `authorizationCode` flow's `refreshUrl`, else
    /// its `tokenUrl`.
    pub refresh: Option<OAuthFlow>,
}

/// One OAuth2 flow's token endpoint and scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthFlow {
    /// The URL tokens come from.
    pub token_url: String,
    /// Every scope the flow lists, in the API's order.
    pub scopes: Vec<String>,
}

/// The merged document cannot be turned into Rust.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The merged document is not a valid OpenAPI 3.0 or 3.1 document.
    #[error(
        "the merged document is not valid OpenAPI: {0}\n  help: check the fragments against the OpenAPI specification of their version"
    )]
    Invalid(String),
    /// A construct stitch does not support yet.
    #[error("{place}: {what} is not supported yet\n  help: {help}")]
    Unsupported {
        /// Where, as a JSON pointer into the merged document.
        place: String,
        /// What.
        what: String,
        /// What the user can do.
        help: String,
    },
    /// The crate name is not a valid Cargo package name.
    #[error(
        "`{0}` is not a valid crate name\n  help: use at most 64 ASCII letters, digits, `-` and `_`, starting with a letter, not a Rust keyword"
    )]
    CrateName(String),
    /// A `$ref` that resolves nowhere.
    #[error(
        "{place}: `$ref` {reference} resolves nowhere\n  help: add the component or fix the reference"
    )]
    UnresolvedRef {
        /// Where.
        place: String,
        /// The reference.
        reference: String,
    },
    /// Something no Rust type can stand for: a cycle of schemas that never says what the
    /// data is, a union that includes itself (see `recursion`), a `$ref` to something that
    /// is not a schema.
    #[error("{place}: {what}\n  help: {help}")]
    Rejected {
        /// Where, as a JSON pointer into the merged document.
        place: String,
        /// What is wrong (a cycle spelled out place by place).
        what: String,
        /// What the user can do.
        help: String,
    },
    /// A setting of the config file that does not fit the API (the text names the file and
    /// line, what is wrong and, after `\n  help: `, what to do).
    #[error("{0}")]
    Config(String),
    /// Several of the above, in document order (one per operation that failed).
    #[error("{}", several_text(.0))]
    Several(Vec<ModelError>),
}

impl ModelError {
    /// One error as itself, several as `Several`; `None` for none.
    pub(crate) fn from_all(mut errors: Vec<ModelError>) -> Option<ModelError> {
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(ModelError::Several(errors)),
        }
    }
}

fn several_text(errors: &[ModelError]) -> String {
    let texts: Vec<String> = errors.iter().map(ToString::to_string).collect();
    texts.join("\n")
}

impl Api {
    /// Builds the model from the merged document.
    pub fn from_merged(merged: &serde_json::Value, options: &Options) -> Result<Api, ModelError> {
        if !valid_crate_name(&options.crate_name) {
            return Err(ModelError::CrateName(options.crate_name.clone()));
        }
        let (spec, pointers) = lenient::parse(merged)?;
        let mut types = schema::TypeBuilder::new(&spec, &pointers, &options.types)?;
        let server_path = operation::server_path(&spec)?;
        let security_schemes = operation::security_schemes(&spec)?;
        let operations = operation::operations(&spec, &mut types, &security_schemes)?;
        let user_types = user_types::doc_lines(&options.types, types.used_formats());
        let (mut types, mut warnings) = types.finish()?;
        warnings.extend(user_types::decide_derives(&mut types, &options.types)?);
        warnings.sort();
        let mut api = Api {
            crate_name: options.crate_name.clone(),
            title: spec.info.title.clone(),
            version: spec.info.version.clone(),
            description: spec.info.description.clone(),
            server_path,
            types,
            operations,
            security_schemes,
            warnings,
            xml_shapes: Vec::new(),
            dependencies: options
                .types
                .crates
                .values()
                .map(|c| c.line.clone())
                .collect(),
            user_types,
            features: None,
        };
        pagination::paginate(&mut api, merged, &options.pagination)?;
        xml::decide(&mut api, merged);
        let examples = crate::example::usages(&api, merged);
        for (op, example) in api.operations.iter_mut().zip(examples) {
            op.example = Some(example);
        }
        api.features = features::decide(&api, merged);
        Ok(api)
    }

    /// How deep the named types nest in one another (see `recursion::nesting_depth`):
    /// what the generated crate's `recursion_limit` has to allow for.
    pub fn nesting_depth(&self) -> usize {
        recursion::nesting_depth(&self.types)
    }

    /// Named types by name.
    pub fn type_map(&self) -> BTreeMap<&str, &TypeDef> {
        self.types.iter().map(|t| (t.name.as_str(), t)).collect()
    }

    /// The named types a caller builds to send: request bodies and parameters, and every
    /// type they hold. (The emit stage gives their structs a `new` of the required fields.)
    pub fn sent_types(&self) -> BTreeSet<&str> {
        let map = self.type_map();
        let mut stack: Vec<&TypeRef> = self
            .operations
            .iter()
            .flat_map(|op| {
                let body = op.body.as_ref().map(|b| &b.ty);
                op.params.iter().map(|p| &p.ty).chain(body)
            })
            .collect();
        let mut seen = BTreeSet::new();
        while let Some(ty) = stack.pop() {
            match ty {
                TypeRef::Named(name) => {
                    if let Some(def) = map.get(name.as_str()) {
                        if seen.insert(def.name.as_str()) {
                            stack.extend(def.kind.held_types());
                        }
                    }
                }
                TypeRef::Vec(inner)
                | TypeRef::Map(inner)
                | TypeRef::Option(inner)
                | TypeRef::Box(inner) => stack.push(inner),
                _ => {}
            }
        }
        seen
    }

    /// Whether any type the client shows its user (a named type's fields or variants, a
    /// parameter, a body, a response) holds a type for which `found` is true.
    pub fn exposes(&self, found: impl Fn(&TypeRef) -> bool) -> bool {
        let mut stack: Vec<&TypeRef> = self
            .types
            .iter()
            .flat_map(|def| def.kind.held_types())
            .collect();
        for op in &self.operations {
            stack.extend(op.params.iter().map(|p| &p.ty));
            stack.extend(op.body.as_ref().map(|b| &b.ty));
            stack.extend(
                op.responses
                    .iter()
                    .filter_map(|r| r.body.as_ref().map(|b| &b.1)),
            );
        }
        while let Some(ty) = stack.pop() {
            if found(ty) {
                return true;
            }
            if let TypeRef::Vec(inner)
            | TypeRef::Map(inner)
            | TypeRef::Option(inner)
            | TypeRef::Box(inner) = ty
            {
                stack.push(inner);
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::testing::{api, def, doc, fields, model_error};
    use super::*;

    /// The nesting depth counts every named type on the longest chain of holdings, through
    /// `Option`, `Vec` and maps alike, and the types of a cycle once each (not forever).
    #[test]
    fn nesting_depth_is_the_longest_chain_through_any_holding_with_cycles_counted_once() {
        let link = |next: serde_json::Value| json!({"type": "object", "properties": {"id": {"type": "integer"}, "next": next}});
        let to = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
        let mut schemas = serde_json::Map::new();
        // L0 → … → L9 (L4 holds a `Vec` of L5, L6 a map of L7), then L9 → R0 ⇄ R1.
        for i in 0..10 {
            let next = match i {
                4 => json!({"type": "array", "items": to("L5")}),
                6 => json!({"type": "object", "additionalProperties": to("L7")}),
                9 => to("R0"),
                _ => to(&format!("L{}", i + 1)),
            };
            schemas.insert(format!("L{i}"), link(next));
        }
        schemas.insert("R0".into(), link(to("R1")));
        schemas.insert("R1".into(), link(to("R0")));
        schemas.insert("Lone".into(), link(json!({"type": "string"})));
        let deep = api(doc(serde_json::Value::Object(schemas), json!({})));
        assert_eq!(deep.nesting_depth(), 12);
        let flat = api(doc(
            json!({"A": link(json!({"type": "string"}))}),
            json!({}),
        ));
        assert_eq!(flat.nesting_depth(), 1);
    }

    #[test]
    fn error_statuses_are_typed_by_code_and_bodiless_ones_are_unit() {
        let api = api(doc(
            json!({"Err": {"type": "object", "properties": {"msg": {"type": "string"}}}}),
            json!({"/x/{id}": {"get": {"parameters": [{"in": "path", "name": "id", "required": true, "schema": {"type": "string"}}],
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}},
                "422": {"description": "bad", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Err"}}}},
                "503": {"description": "down"}
            }}}}),
        ));
        let op = &api.operations[0];
        assert_eq!(op.name, "get_x_id");
        assert_eq!(op.success, Success::Type(TypeRef::String));
        let errors: Vec<_> = op
            .responses
            .iter()
            .filter(|r| !r.success)
            .map(|r| (r.variant.as_str(), r.body.is_some()))
            .collect();
        assert_eq!(
            errors,
            [("UnprocessableEntity", true), ("ServiceUnavailable", false)]
        );
        assert_eq!(
            op.path_parts,
            [
                PathPart::Literal("/x/".into()),
                PathPart::Param("id".into())
            ]
        );
    }

    #[test]
    fn bad_crate_names_are_errors_not_panics() {
        let bad_name = Options {
            crate_name: "no spaces".into(),
            ..Default::default()
        };
        assert!(Api::from_merged(&doc(json!({}), json!({})), &bad_name).is_err());
    }

    #[test]
    fn default_response_is_success_when_no_2xx_is_documented() {
        let api = api(doc(
            json!({}),
            json!({"/p": {"post": {"operationId": "Create-Pet", "responses": {"default": {"description": "pet", "content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "boolean"}}}}}}}}}}),
        ));
        let op = &api.operations[0];
        assert_eq!(op.name, "create_pet");
        assert!(op.responses[0].success);
        assert_eq!(
            op.success,
            Success::Type(TypeRef::Named("CreatePetResponseDefault".into()))
        );
    }

    #[test]
    fn std_type_names_are_reserved_for_schemas_and_operations() {
        let api = api(doc(
            json!({"Option": {"type": "object", "properties": {"a": {"type": "string"}}},
                   "Result": {"type": "string", "enum": ["x"]},
                   "Error": {"type": "object", "properties": {"a": {"type": "string"}}}}),
            json!({"/r": {"get": {"operationId": "result", "responses": {"204": {"description": "ok"}}}}}),
        ));
        let names: Vec<_> = api.types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Error", "Option2", "Result2"]);
        assert_eq!(api.operations[0].name, "result");
        assert_eq!(api.operations[0].type_name, "Result2");
    }

    #[test]
    fn object_parameters_in_delimited_styles_are_diagnostics_with_places() {
        let pipes = doc(
            json!({}),
            json!({"/x": {"get": {"parameters": [{"in": "query", "name": "f", "style": "pipeDelimited",
                "schema": {"type": "object", "properties": {"a": {"type": "string"}}}}],
                "responses": {"204": {"description": "ok"}}}}}),
        );
        let err = model_error(pipes);
        assert!(
            err.contains("#/paths/~1x/get/parameters/0") && err.contains("pipeDelimited"),
            "{err}"
        );
    }

    #[test]
    fn every_operation_that_fails_is_reported() {
        let missing = |name: &str| json!({"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}}});
        let err = Api::from_merged(
            &doc(
                json!({}),
                json!({"/a": {"get": {"responses": missing("One")}},
                       "/b": {"get": {"responses": {"204": {"description": "ok"}}}},
                       "/c": {"get": {"responses": missing("Two")}}}),
            ),
            &Options {
                crate_name: "c".into(),
                ..Default::default()
            },
        )
        .err();
        let Some(ModelError::Several(errors)) = err else {
            panic!("expected two errors, got {err:?}");
        };
        let refs: Vec<String> = errors
            .iter()
            .map(|e| match e {
                ModelError::UnresolvedRef { reference, .. } => reference.clone(),
                other => other.to_string(),
            })
            .collect();
        assert_eq!(
            refs,
            ["#/components/schemas/One", "#/components/schemas/Two"]
        );
    }

    #[test]
    fn multipart_bodies_without_described_parts_are_forms() {
        for schema in [
            json!({"type": "object"}),
            json!({"type": "string"}),
            json!({"oneOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "object", "properties": {"b": {"type": "string"}}}]}),
            json!(null),
        ] {
            let mut media = json!({});
            if !schema.is_null() {
                media["schema"] = schema.clone();
            }
            let api = api(doc(
                json!({}),
                json!({"/x": {"post": {"requestBody": {"content": {"multipart/form-data": media}},
                    "responses": {"204": {"description": "ok"}}}}}),
            ));
            let body = api.operations[0].body.as_ref().map(|b| &b.ty);
            assert_eq!(body, Some(&TypeRef::Form), "{schema}");
        }
        let described = api(doc(
            json!({}),
            json!({"/x": {"post": {"requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}},
                "responses": {"204": {"description": "ok"}}}}}),
        ));
        let body = described.operations[0].body.as_ref().map(|b| &b.ty);
        assert!(matches!(body, Some(TypeRef::Named(_))), "{body:?}");
    }

    #[test]
    fn chained_component_refs_resolve_and_cycles_are_diagnostics() {
        let mut chained = doc(
            json!({}),
            json!({"/x": {"get": {"parameters": [{"$ref": "#/components/parameters/A"}],
                "responses": {"200": {"$ref": "#/components/responses/R"}}}}}),
        );
        chained["components"]["parameters"] = json!({
            "A": {"$ref": "#/components/parameters/B"},
            "B": {"in": "query", "name": "b", "schema": {"type": "integer", "format": "int32"}}
        });
        chained["components"]["responses"] = json!({
            "R": {"$ref": "#/components/responses/S"},
            "S": {"description": "ok", "content": {"text/plain": {"schema": {"type": "string"}}}}
        });
        let api = api(chained.clone());
        let op = &api.operations[0];
        assert_eq!(
            (op.params[0].wire.as_str(), &op.params[0].ty),
            ("b", &TypeRef::I32)
        );
        assert_eq!(op.success, Success::Type(TypeRef::String));

        chained["components"]["parameters"]["B"] = json!({"$ref": "#/components/parameters/A"});
        let err = model_error(chained);
        assert!(
            err.contains("#/paths/~1x/get/parameters/0") && err.contains("cycle"),
            "{err}"
        );
    }

    /// A body documented under 204 (or 205, 304) is not read, with a warning at its place;
    /// the same body under a `2XX` range or another status still is.
    #[test]
    fn no_content_statuses_drop_their_documented_body_with_a_warning() {
        let body = json!({"application/json": {"schema": {"type": "string"}}});
        let api = api(doc(
            json!({}),
            json!({"/x": {"delete": {"responses": {
                "204": {"description": "gone", "content": body},
                "2XX": {"description": "other", "content": body},
                "304": {"description": "same", "content": body}
            }}}}),
        ));
        let op = &api.operations[0];
        let bodies: Vec<_> = op
            .responses
            .iter()
            .map(|r| (r.variant.as_str(), r.body.is_some()))
            .collect();
        assert_eq!(
            bodies,
            [
                ("NoContent", false),
                ("NotModified", false),
                ("Status2xx", true)
            ]
        );
        let places: Vec<_> = api.warnings.iter().map(|w| w.place.as_str()).collect();
        assert_eq!(
            places,
            [
                "#/paths/~1x/delete/responses/204/content",
                "#/paths/~1x/delete/responses/304/content"
            ]
        );
        assert!(
            api.warnings[0].message.contains("RFC 9110"),
            "{:?}",
            api.warnings
        );
    }

    #[test]
    fn validation_keywords_openapiv3_rejects_are_forgiven_and_bad_parts_are_located() {
        let api = api(doc(
            json!({"S": {"type": "object", "properties": {
                "a": {"type": "string", "required": true, "maxLength": -1, "format": 7},
                "n": {"type": "number", "exclusiveMinimum": 0, "minimum": "5"},
                "o": {"type": "string", "nullable": "true"}
            }}}),
            json!({"/x": {"get": {"parameters": [{"in": "query", "name": "q",
                "schema": {"type": "integer", "maximum": "9"}}],
                "responses": {"204": {"description": "ok"}}}}}),
        ));
        let s = fields(def(&api, "S"));
        let summary: Vec<_> = s.iter().map(|f| (f.name.as_str(), f.required)).collect();
        assert_eq!(summary, [("a", true), ("n", false), ("o", false)]);
        assert_eq!(s[2].ty, TypeRef::String.optional());
        assert_eq!(api.operations[0].params[0].ty, TypeRef::I64);

        let bad = doc(
            json!({"Fine": {"type": "string"}, "Bad": {"type": "object", "properties": {"y": {"type": 7}}}}),
            json!({}),
        );
        let err = model_error(bad);
        assert!(
            err.contains("#/components/schemas/Bad: invalid type"),
            "{err}"
        );
    }

    #[test]
    fn cycles_no_type_can_hold_are_errors_naming_them() {
        let cases = [
            (
                json!({"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}),
                "`$ref` cycle of schemas that are each only another one of them: #/components/schemas/A → #/components/schemas/B → #/components/schemas/A",
            ),
            (
                json!({"A": {"$ref": "#/components/schemas/A"}}),
                "#/components/schemas/A → #/components/schemas/A",
            ),
            (
                json!({"A": {"type": "array", "items": {"$ref": "#/components/schemas/A"}}}),
                "`$ref` cycle",
            ),
            (
                json!({"U": {"oneOf": [{"$ref": "#/components/schemas/U"}, {"type": "string"}]}}),
                "a union that includes itself: decoding it would decode it again from the same value, without end: #/components/schemas/U → #/components/schemas/U",
            ),
            (
                json!({"U": {"oneOf": [{"$ref": "#/components/schemas/V"}, {"type": "string"}]},
                       "V": {"anyOf": [{"$ref": "#/components/schemas/U"}, {"type": "integer"}]}}),
                "#/components/schemas/U → #/components/schemas/V → #/components/schemas/U",
            ),
            (
                json!({"A": {"type": "object", "properties": {"i": {"$ref": "#/info"}}}}),
                "#/components/schemas/A/properties/i: `$ref` #/info points at something that is not a schema",
            ),
        ];
        for (schemas, needle) in cases {
            let err = model_error(doc(schemas.clone(), json!({})));
            assert!(err.contains(needle), "{schemas}: {err}");
        }
        // Recursion that data can nest in is fine: through a struct's field (boxed) or a list.
        let api = api(doc(
            json!({"U": {"oneOf": [{"type": "object", "properties": {"u": {"$ref": "#/components/schemas/U"}}}, {"type": "string"}]},
                   "L": {"type": "object", "properties": {"l": {"type": "array", "items": {"$ref": "#/components/schemas/L"}}}}}),
            json!({}),
        ));
        assert!(matches!(def(&api, "U").kind, TypeKind::Union { .. }));
    }

    #[test]
    fn a_ring_of_20000_schemas_is_modelled_and_boxed() {
        // Each `S{i}` holds the next by value and the last holds the first: every field is on
        // the cycle, so every one is boxed. (Boxing used to search the graph once per field:
        // quadratic, minutes for this.)
        let n = 20_000;
        let mut schemas = serde_json::Map::new();
        for i in 0..n {
            let next = json!({"$ref": format!("#/components/schemas/S{}", (i + 1) % n)});
            schemas.insert(
                format!("S{i}"),
                json!({"type": "object", "properties": {"next": next}}),
            );
        }
        let api = api(doc(serde_json::Value::Object(schemas), json!({})));
        assert_eq!(api.types.len(), n);
        for def in &api.types {
            let next = TypeRef::Named(format!(
                "S{}",
                (def.name[1..].parse::<usize>().unwrap_or(0) + 1) % n
            ));
            assert_eq!(
                fields(def)[0].ty,
                TypeRef::Box(Box::new(next)).optional(),
                "{}",
                def.name
            );
        }
    }
}
