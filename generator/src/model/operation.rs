//! Operations and security schemes: method names, parameters, bodies and typed responses.
//!
//! Decisions:
//! - method names are the snake-case `operationId` (or method and path), suffixed on
//!   collision in path order; builder types avoid std names ([`RESERVED_TYPE_NAMES`]);
//! - query parameters are `form` style (arrays repeat the name unless `explode: false`, objects
//!   send one pair per property) or `deepObject` (`name[prop]=v`, `name[]=v`); any shape is
//!   accepted there (unions and nested objects are encoded from their JSON at run time).
//!   Path, header and cookie parameters are `simple` style (arrays comma-joined; other shapes
//!   from their JSON at run time). `spaceDelimited`/`pipeDelimited` are a diagnostic. A `{name}` in the path
//!   that no parameter declares is a required string parameter;
//! - request bodies: JSON first, then form-urlencoded, multipart, text, then raw bytes (any
//!   other media type is sent as raw bytes with that type); responses: JSON, text, else bytes;
//!   a 204, 205 or 304 response has no body whatever its `content` says (a warning);
//! - documented response headers are listed in the docs and read through
//!   `ResponseValue::headers()`;
//! - security: an operation's `security` replaces the document's; `[{}]` sends nothing, and
//!   each alternative's schemes are sent when their credentials are configured. HTTP schemes
//!   other than bearer and basic take the whole `Authorization` value;
//! - the server: only the path of the document's first server (variables at their defaults)
//!   is kept ([`server_path`]); the client puts it after the base URL its user gives, so
//!   relative servers (`/api`) work and the user's host always wins. Path- and
//!   operation-level `servers` are not read;
//! - what the spec puts into a header the client sends (a request body's media type, the
//!   names of header and cookie parameters and of apiKey schemes) is checked here, so a
//!   generated client never builds a header that cannot be sent ([`check_header_text`]): a
//!   media type or an apiKey name no header can carry is an error (without it the client
//!   could not send the body or authenticate); a header or cookie parameter whose name none
//!   can carry is left out of its operation with a warning (the rest of the API stays usable;
//!   Notion's spec has a header parameter named `""`).

use std::collections::BTreeSet;

use openapiv3::{
    APIKeyLocation, MediaType, OpenAPI, Parameter, ParameterSchemaOrContent, QueryStyle,
    ReferenceOr, StatusCode,
};

use super::names::{Namespace, RESERVED_TYPE_NAMES, camel, snake, suffixed};
use super::schema::TypeBuilder;
use super::streams;
use super::{
    BodyEncoding, Field, ModelError, ModelWarning, Multipart, OAuthFlow, OAuthFlows, Operation,
    Param, ParamEncoding, ParamLocation, Part, PartKind, PartValue, PathPart, PropertyText,
    RequestBody, Response, ResponseHeader, SchemeKind, SecurityScheme, StatusMatch, Success, Text,
    TypeKind, TypeRef,
};
use crate::doc::to_rustdoc;
use crate::method::HttpMethod;

/// Methods of `Client` that operations must not take.
/// (`clone` and `fmt` too: an inherent method would shadow the derived trait's.)
const CLIENT_METHODS: &[&str] = &[
    "new",
    "builder",
    "base_url",
    "execute_as",
    "execute_traced",
    "attempts",
    "send_attempt",
    "send_following",
    "http_client",
    "call",
    "clone",
    "fmt",
];
/// Methods of `ClientBuilder` that security schemes must not take.
const BUILDER_METHODS: &[&str] = &[
    "new",
    "build",
    "timeout",
    "connect_timeout",
    "retry_policy",
    "user_agent",
    "http_client",
    "credential",
    "base_path",
    "strict_status",
    "default_header",
    "idempotency_header",
    "with",
    "with_arc",
];
/// Fields and methods of a request builder that parameters must not take.
const REQUEST_METHODS: &[&str] = &[
    "new",
    "clone",
    "fmt",
    "send",
    "timeout",
    "retry_policy",
    "strict_status",
    "client",
    "call",
    "request",
    "decode",
    "options",
    "into_future",
    "header",
    "idempotency_key",
    "idempotent",
    "into_parts",
    // A paginated operation's streams (`emit/paginate.rs`).
    "pages",
    "items",
    "paginate",
];

/// The path of the API's server: the first entry of the document's `servers` (OpenAPI's
/// default server) with each `{variable}` at its default, as `/seg/seg` (percent-encoded
/// where a URL path needs it), or empty for `/` and for no `servers`. Only the path is kept,
/// from a relative URL (`/api`, `api/v1`) and an absolute one (`https://host/v1`) alike: the
/// client's user gives scheme, host and port. A variable left in the path (one `variables`
/// does not declare) is an error.
pub(crate) fn server_path(spec: &OpenAPI) -> Result<String, ModelError> {
    const PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'<')
        .add(b'>')
        .add(b'`')
        .add(b'%');
    let Some(server) = spec.servers.first() else {
        return Ok(String::new());
    };
    let mut url = server.url.clone();
    let mut variables: Vec<_> = server.variables.iter().flatten().collect();
    variables.sort_by(|a, b| a.0.cmp(b.0));
    for (name, variable) in variables {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    let url = url.split(['?', '#']).next().unwrap_or_default();
    let path = match url.split_once("//") {
        // `scheme://host/path` or `//host/path`: what follows the authority.
        Some((scheme, rest)) if !scheme.contains('/') => rest.find('/').map_or("", |i| &rest[i..]),
        _ => url,
    };
    if path.contains(['{', '}']) {
        return Err(ModelError::Unsupported {
            place: "#/servers/0/url".to_owned(),
            what: format!(
                "the server URL {:?} with a variable `variables` does not declare",
                server.url
            ),
            help: "declare the variable under the server's `variables` with a `default`".to_owned(),
        });
    }
    let segments: Vec<String> = path
        .split('/')
        .filter(|segment| !segment.is_empty() && *segment != ".")
        .map(|segment| percent_encoding::utf8_percent_encode(segment, PATH).to_string())
        .collect();
    Ok(segments
        .iter()
        .map(|segment| format!("/{segment}"))
        .collect())
}

/// Refuses a name or value from the spec that the client would send in an HTTP header but
/// that a header cannot carry: `token` names (header and cookie names) must be RFC 9110
/// tokens; other text (a media type) visible ASCII, spaces and tabs. The runtime never
/// builds a header from such text with a constructor that panics; this check makes the
/// mistake a diagnostic at generation instead of a failing request.
fn check_header_text(place: &str, what: &str, text: &str, token: bool) -> Result<(), ModelError> {
    const TOKEN_SYMBOLS: &[u8] = b"!#$%&'*+-.^_`|~";
    let fits = if token {
        !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || TOKEN_SYMBOLS.contains(&b))
    } else {
        text.bytes()
            .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
    };
    if fits {
        return Ok(());
    }
    let help = if token {
        "use ASCII letters, digits and `-` (no spaces, separators or control characters)"
    } else {
        "write it in visible ASCII (such as `application/json`), without control characters"
    };
    Err(ModelError::Unsupported {
        place: place.to_owned(),
        what: format!("{what} {text:?}, which an HTTP header cannot carry"),
        help: help.to_owned(),
    })
}

/// The security schemes of `components.securitySchemes`, sorted by key.
pub(crate) fn security_schemes(spec: &OpenAPI) -> Result<Vec<SecurityScheme>, ModelError> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    let mut entries: Vec<_> = components.security_schemes.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    // A bearer-like scheme's `{method}_with` and `{method}_oauth2` (emit/credentials.rs), and
    // an API-key scheme's `{method}_with`, are kept from other schemes' methods.
    let mut reserved: Vec<String> = BUILDER_METHODS.iter().map(|m| (*m).to_owned()).collect();
    for (key, scheme) in &entries {
        use openapiv3::SecurityScheme as S;
        let bearer = match scheme {
            ReferenceOr::Item(S::HTTP { scheme, .. }) => scheme.eq_ignore_ascii_case("bearer"),
            ReferenceOr::Item(S::OAuth2 { .. } | S::OpenIDConnect { .. }) => true,
            _ => false,
        };
        if bearer || matches!(scheme, ReferenceOr::Item(S::APIKey { .. })) {
            reserved.push(format!("{}_with", snake(key)));
        }
        if bearer {
            reserved.push(format!("{}_oauth2", snake(key)));
        }
    }
    let reserved: Vec<&str> = reserved.iter().map(String::as_str).collect();
    let mut methods = Namespace::with_reserved(&reserved);
    let mut schemes = Vec::with_capacity(entries.len());
    for (key, scheme) in entries {
        let place = format!("#/components/securitySchemes/{key}");
        let ReferenceOr::Item(scheme) = scheme else {
            return Err(ModelError::Unsupported {
                place,
                what: "a `$ref` security scheme".to_owned(),
                help: "define the security scheme inline".to_owned(),
            });
        };
        use openapiv3::SecurityScheme as S;
        let method = methods.claim(&snake(key));
        if let S::APIKey { location, name, .. } = scheme {
            if !matches!(location, APIKeyLocation::Query) {
                check_header_text(&format!("{place}/name"), "the apiKey name", name, true)?;
            }
        }
        let (kind, description, how) = match scheme {
            S::APIKey {
                location,
                name,
                description,
                ..
            } => match location {
                APIKeyLocation::Header => (
                    SchemeKind::Header(name.clone()),
                    description,
                    format!("Sent as the `{name}` header, exactly as given."),
                ),
                APIKeyLocation::Query => (
                    SchemeKind::Query(name.clone()),
                    description,
                    format!("Sent as the `{name}` query parameter."),
                ),
                APIKeyLocation::Cookie => (
                    SchemeKind::Cookie(name.clone()),
                    description,
                    format!("Sent as the `{name}` cookie."),
                ),
            },
            S::HTTP {
                scheme,
                description,
                ..
            } if scheme.eq_ignore_ascii_case("bearer") => (
                SchemeKind::Bearer,
                description,
                "Sent as `Authorization: Bearer <token>`; pass the token alone.".to_owned(),
            ),
            S::HTTP {
                scheme,
                description,
                ..
            } if scheme.eq_ignore_ascii_case("basic") => (
                SchemeKind::Basic,
                description,
                "Sent as `Authorization: Basic ...` from a user name and password.".to_owned(),
            ),
            // Any other HTTP scheme (`digest`, `hoba`, a vendor's own): the caller gives the
            // whole `Authorization` value.
            S::HTTP {
                scheme,
                description,
                ..
            } => (
                SchemeKind::Header("Authorization".to_owned()),
                description,
                format!(
                    "Sent as the `Authorization` header, exactly as given: the `{}` scheme's \
                     name and credentials (`{} ...`).",
                    scheme.replace('`', "'"),
                    scheme.replace('`', "'")
                ),
            ),
            S::OAuth2 {
                description, flows, ..
            } if flows.client_credentials.is_some() || flows.authorization_code.is_some() => (
                SchemeKind::OAuth2(oauth_flows(flows)),
                description,
                format!(
                    "Sent as `Authorization: Bearer <token>`: pass an access token obtained \
                     elsewhere, or let the client get and refresh tokens itself with \
                     `{method}_oauth2`."
                ),
            ),
            S::OAuth2 { description, .. } | S::OpenIDConnect { description, .. } => (
                SchemeKind::Bearer,
                description,
                "Sent as `Authorization: Bearer <token>`; pass an access token obtained elsewhere."
                    .to_owned(),
            ),
        };
        let mut doc = format!("Sets the credential of the `{key}` security scheme.");
        if let Some(description) = description.as_deref().filter(|d| !d.trim().is_empty()) {
            doc.push_str("\n\n");
            doc.push_str(&to_rustdoc(description));
        }
        doc.push_str("\n\n");
        doc.push_str(&how);
        schemes.push(SecurityScheme {
            key: key.clone(),
            method,
            kind,
            doc,
        });
    }
    Ok(schemes)
}

/// The flows of an OAuth2 scheme that a client runs itself.
fn oauth_flows(flows: &openapiv3::OAuth2Flows) -> OAuthFlows {
    let scopes = |scopes: &indexmap::IndexMap<String, String>| scopes.keys().cloned().collect();
    OAuthFlows {
        client_credentials: flows.client_credentials.as_ref().map(|flow| OAuthFlow {
            token_url: flow.token_url.clone(),
            scopes: scopes(&flow.scopes),
        }),
        refresh: flows.authorization_code.as_ref().map(|flow| OAuthFlow {
            token_url: flow
                .refresh_url
                .clone()
                .unwrap_or_else(|| flow.token_url.clone()),
            scopes: scopes(&flow.scopes),
        }),
    }
}

/// Every operation of the document, sorted by method name.
pub(crate) fn operations(
    spec: &OpenAPI,
    types: &mut TypeBuilder<'_>,
    schemes: &[SecurityScheme],
) -> Result<Vec<Operation>, ModelError> {
    let mut method_names = Namespace::with_reserved(CLIENT_METHODS);
    let mut type_names = Namespace::with_reserved(RESERVED_TYPE_NAMES);
    let mut operations = Vec::new();
    let mut errors = Vec::new();
    // Paths come sorted from the merge stage; sort again so any OpenAPI file is deterministic.
    let mut paths: Vec<_> = spec.paths.paths.iter().collect();
    paths.sort_by(|a, b| a.0.cmp(b.0));
    for (path, item) in paths {
        let place = format!("#/paths/{}", crate::pointer::escape(path));
        let ReferenceOr::Item(item) = item else {
            errors.push(ModelError::Unsupported {
                place,
                what: "a `$ref` path item".to_owned(),
                help: "define the path item inline".to_owned(),
            });
            continue;
        };
        // `PathItem::iter` yields only the eight method keys.
        let mut ops: Vec<(HttpMethod, &openapiv3::Operation)> = item
            .iter()
            .filter_map(|(key, op)| Some((HttpMethod::from_key(key)?, op)))
            .collect();
        ops.sort_by_key(|(method, _)| *method);
        for (method, op) in ops {
            let op_place = format!("{place}/{method}");
            let base = match &op.operation_id {
                Some(id) if !id.trim().is_empty() => snake(id),
                _ => snake(&format!("{method} {path}")),
            };
            let name = method_names.claim(&base);
            let type_name = claim_type_name(&mut type_names, &camel(&name));
            let ctx = OpContext {
                spec,
                path,
                place: &op_place,
                type_name: &type_name,
            };
            // An operation that cannot be modelled is reported, and the others still are,
            // so one run names every problem.
            let parts = (|| {
                let params = ctx.params(types, &item.parameters, &op.parameters)?;
                let path_parts = ctx.path_parts(&params)?;
                let body = ctx.body(types, op.request_body.as_ref())?;
                let responses = ctx.responses(types, &op.responses)?;
                let security = security_of(spec, op, schemes, &op_place)?;
                Ok::<_, ModelError>((params, path_parts, body, responses, security))
            })();
            let (params, path_parts, body, responses, security) = match parts {
                Ok(parts) => parts,
                Err(error) => {
                    errors.push(error);
                    continue;
                }
            };
            let success = success_of(&responses);
            let redirect_is_answer = super::redirects::is_answer(&responses);
            operations.push(Operation {
                doc: operation_doc(op),
                name,
                operation_id: op.operation_id.clone().filter(|id| !id.trim().is_empty()),
                type_name,
                method,
                path: path.clone(),
                path_parts,
                params,
                body,
                responses,
                success,
                security,
                example: None,
                pagination: None,
                redirect_is_answer,
            });
        }
    }
    if let Some(error) = ModelError::from_all(errors) {
        return Err(error);
    }
    operations.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(operations)
}

/// The error enum of the operation whose builder is `type_name`.
pub(crate) fn error_name(type_name: &str) -> String {
    suffixed(type_name, "Error")
}

/// The success enum of the operation whose builder is `type_name`.
pub(crate) fn response_name(type_name: &str) -> String {
    suffixed(type_name, "Response")
}

/// The parameters struct of the operation whose builder is `type_name` (the builder is the
/// runtime's `Builder<'a, {type_name}Params>`).
pub(crate) fn params_name(type_name: &str) -> String {
    suffixed(type_name, "Params")
}

/// Claims `{base}`, `{base}Error`, `{base}Response` and `{base}Params` together, so they
/// never collide.
fn claim_type_name(names: &mut Namespace, base: &str) -> String {
    let mut n = 1u64;
    loop {
        let candidate = if n == 1 {
            base.to_owned()
        } else {
            suffixed(base, &n.to_string())
        };
        let all = [
            candidate.clone(),
            error_name(&candidate),
            response_name(&candidate),
            params_name(&candidate),
        ];
        if all.iter().all(|c| !names.is_taken(c)) {
            for name in &all {
                names.claim(name);
            }
            return candidate;
        }
        n += 1;
    }
}

struct OpContext<'a> {
    spec: &'a OpenAPI,
    path: &'a str,
    place: &'a str,
    type_name: &'a str,
}

impl<'a> OpContext<'a> {
    fn params(
        &self,
        types: &mut TypeBuilder<'_>,
        path_level: &'a [ReferenceOr<Parameter>],
        op_level: &'a [ReferenceOr<Parameter>],
    ) -> Result<Vec<Param>, ModelError> {
        // Operation-level parameters override path-level ones with the same name and location.
        let mut merged: Vec<(&'a Parameter, String)> = Vec::new();
        for (level, list) in [("parameters", path_level), ("parameters", op_level)] {
            for (i, param) in list.iter().enumerate() {
                let place = format!("{}/{level}/{i}", self.place);
                let param = self.resolve_param(param, &place)?;
                let key = (param.parameter_data_ref().name.clone(), location_of(param));
                merged
                    .retain(|(p, _)| (p.parameter_data_ref().name.clone(), location_of(p)) != key);
                merged.push((param, place));
            }
        }
        let mut names = Namespace::with_reserved(REQUEST_METHODS);
        let mut params = Vec::with_capacity(merged.len());
        for (param, place) in merged {
            let data = param.parameter_data_ref();
            let location = location_of(param);
            if matches!(location, ParamLocation::Header | ParamLocation::Cookie) {
                let what = format!("the {} parameter name", location.word());
                if let Err(ModelError::Unsupported { place, what, help }) =
                    check_header_text(&format!("{place}/name"), &what, &data.name, true)
                {
                    types.warn(ModelWarning {
                        place,
                        message: format!("{what}: the parameter is left out of the client"),
                        help,
                    });
                    continue;
                }
            }
            // A parameter described by `content` takes the schema of its (first) media type.
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => Some(schema),
                ParameterSchemaOrContent::Content(content) => {
                    content.values().next().and_then(|m| m.schema.as_ref())
                }
            };
            let Some(schema) = schema else {
                return Err(ModelError::Unsupported {
                    place,
                    what: format!(
                        "parameter `{}` with neither `schema` nor a media type with one",
                        data.name
                    ),
                    help: "describe the parameter with `schema`".to_owned(),
                });
            };
            let hint = format!("{}{}", self.type_name, camel(&data.name));
            let ty = match types.type_of(schema, &hint, &format!("{place}/schema"))? {
                TypeRef::Option(inner) => *inner,
                other => other,
            };
            // Query parameters are `form` style (arrays repeat the name when exploded, the
            // default, else are joined with commas; objects are one pair per property);
            // path, header and cookie parameters are `simple` style (arrays joined with commas).
            let deep_object = matches!(
                param,
                Parameter::Query {
                    style: QueryStyle::DeepObject,
                    ..
                }
            );
            let explode = match param {
                Parameter::Query { style, .. } => {
                    let array = matches!(ty, TypeRef::Vec(_));
                    let delimited = matches!(
                        style,
                        QueryStyle::SpaceDelimited | QueryStyle::PipeDelimited
                    );
                    if !(matches!(style, QueryStyle::Form | QueryStyle::DeepObject)
                        || delimited && array)
                    {
                        let style = match style {
                            QueryStyle::SpaceDelimited => "spaceDelimited",
                            QueryStyle::PipeDelimited => "pipeDelimited",
                            QueryStyle::DeepObject => "deepObject",
                            QueryStyle::Form => "form",
                        };
                        return Err(ModelError::Unsupported {
                            place,
                            what: format!("query parameter `{}` in style `{style}`", data.name),
                            help: "stitch sends query parameters in `form` and `deepObject` style (and arrays `spaceDelimited` or `pipeDelimited`); remove `style` or describe the parameter as a string".to_owned(),
                        });
                    }
                    // `spaceDelimited` and `pipeDelimited` arrays are one value unless exploded.
                    let explode_default = !delimited;
                    data.explode.unwrap_or(explode_default) || deep_object
                }
                _ => false,
            };
            let separator = match param {
                Parameter::Query {
                    style: QueryStyle::SpaceDelimited,
                    ..
                } => ' ',
                Parameter::Query {
                    style: QueryStyle::PipeDelimited,
                    ..
                } => '|',
                _ => ',',
            };
            let doc = rustdoc_of(data.description.as_deref());
            let default = match schema {
                ReferenceOr::Item(schema) => schema.schema_data.default.as_ref(),
                ReferenceOr::Reference { .. } => None,
            };
            let encoding = param_encoding(
                types,
                &ty,
                &data.name,
                ParamStyle {
                    path: location == ParamLocation::Path,
                    explode,
                    deep_object,
                    separator,
                },
            );
            // Two parameters of one name in different places (`Last-Event-ID` in the query
            // and in a header): the later one is named after its place too.
            let base = snake(&data.name);
            let by_place = suffixed(&base, &format!("_{}", location.word()));
            params.push(Param {
                name: names.claim_or(&base, &by_place),
                wire: data.name.clone(),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                encoding,
                doc,
                default: default.map(ToString::to_string),
            });
        }
        // A `{name}` in the path that no parameter declares (a common slip in real
        // descriptions) is a required string path parameter.
        for wire in path_template_names(self.path) {
            let declared = params
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.wire == wire);
            if !declared {
                params.push(Param {
                    name: names.claim(&snake(&wire)),
                    doc: None,
                    wire,
                    location: ParamLocation::Path,
                    ty: TypeRef::String,
                    required: true,
                    encoding: ParamEncoding::Text(Text::String),
                    default: None,
                });
            }
        }
        // Required parameters are positional, in spec order; optional ones follow.
        params.sort_by_key(|p| !p.required);
        Ok(params)
    }

    fn resolve_param(
        &self,
        param: &'a ReferenceOr<Parameter>,
        place: &str,
    ) -> Result<&'a Parameter, ModelError> {
        let spec: &'a OpenAPI = self.spec;
        resolve_component(
            param,
            "#/components/parameters/",
            |key| spec.components.as_ref().and_then(|c| c.parameters.get(key)),
            place,
        )
    }

    fn path_parts(&self, params: &[Param]) -> Result<Vec<PathPart>, ModelError> {
        let mut parts = Vec::new();
        let mut rest = self.path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_owned()));
            }
            let wire = &rest[open + 1..close];
            let param = params
                .iter()
                .find(|p| p.location == ParamLocation::Path && p.wire == wire)
                .ok_or_else(|| ModelError::Unsupported {
                    place: self.place.to_owned(),
                    what: format!("path parameter `{{{wire}}}` without a declaration"),
                    help: format!(
                        "declare `{wire}` in the operation's `parameters` with `in: path`"
                    ),
                })?;
            parts.push(PathPart::Param(param.name.clone()));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_owned()));
        }
        for param in params.iter().filter(|p| p.location == ParamLocation::Path) {
            if !parts.contains(&PathPart::Param(param.name.clone())) {
                return Err(ModelError::Unsupported {
                    place: self.place.to_owned(),
                    what: format!(
                        "path parameter `{}` that the path `{}` does not contain",
                        param.wire, self.path
                    ),
                    help: format!(
                        "add `{{{}}}` to the path or remove the parameter",
                        param.wire
                    ),
                });
            }
        }
        Ok(parts)
    }

    fn body(
        &self,
        types: &mut TypeBuilder<'_>,
        body: Option<&ReferenceOr<openapiv3::RequestBody>>,
    ) -> Result<Option<RequestBody>, ModelError> {
        let Some(body) = body else { return Ok(None) };
        let place = format!("{}/requestBody", self.place);
        let spec = self.spec;
        let body = resolve_component(
            body,
            "#/components/requestBodies/",
            |key| {
                spec.components
                    .as_ref()
                    .and_then(|c| c.request_bodies.get(key))
            },
            &place,
        )?;
        if body.content.is_empty() {
            return Ok(None);
        }
        // An unusual media type (`application/jwt`, `application/xml`, ...): raw bytes, sent
        // with that type.
        let fallback = || {
            let mut keys: Vec<&String> = body.content.keys().collect();
            keys.sort();
            keys.first()
                .map(|k| (k.as_str(), BodyEncoding::Bytes, &body.content[k.as_str()]))
        };
        let Some((media_type, encoding, media)) =
            choose_media(&body.content, true).or_else(fallback)
        else {
            return Err(ModelError::Unsupported {
                place,
                what: format!(
                    "request bodies of type {}",
                    body.content.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
                help: "stitch sends JSON, form-urlencoded, multipart, text and raw bytes bodies"
                    .to_owned(),
            });
        };
        let hint = format!("{}Body", self.type_name);
        let content_place = format!("{place}/content/{}", crate::pointer::escape(media_type));
        check_header_text(&content_place, "the media type", media_type, false)?;
        let ty = if encoding == BodyEncoding::Multipart {
            multipart_type(types, media.schema.as_ref(), &hint, &content_place)?
        } else {
            streams::request_type(
                encoding,
                media_type_of(types, encoding, media, &hint, &content_place)?,
            )
        };
        let multipart = (encoding == BodyEncoding::Multipart).then(|| multipart_of(types, &ty));
        Ok(Some(RequestBody {
            media_type: media_type.to_owned(),
            encoding,
            ty,
            required: body.required,
            multipart,
            doc: rustdoc_of(body.description.as_deref()),
            xml: None,
        }))
    }

    fn responses(
        &self,
        types: &mut TypeBuilder<'_>,
        responses: &openapiv3::Responses,
    ) -> Result<Vec<Response>, ModelError> {
        let mut entries: Vec<(StatusMatch, &ReferenceOr<openapiv3::Response>)> = responses
            .responses
            .iter()
            .map(|(code, r)| {
                let status = match code {
                    StatusCode::Code(code) => StatusMatch::Code(*code),
                    StatusCode::Range(class) => StatusMatch::Class(*class),
                };
                (status, r)
            })
            .collect();
        if let Some(default) = &responses.default {
            entries.push((StatusMatch::Default, default));
        }
        entries.sort_by_key(|(status, _)| *status);
        let mut variants = Namespace::default();
        let mut out = Vec::with_capacity(entries.len());
        for (status, response) in entries {
            let label = status.label();
            let place = format!(
                "{}/responses/{}",
                self.place,
                crate::pointer::escape(&label)
            );
            let spec = self.spec;
            let response = resolve_component(
                response,
                "#/components/responses/",
                |key| spec.components.as_ref().and_then(|c| c.responses.get(key)),
                &place,
            )?;
            // RFC 9110 (6.4.1): a 204, 205 or 304 answer ends at its header section, whatever
            // the document says; a schema given there cannot be read (decoding the empty body
            // as JSON would fail every call that succeeds), so it is left out with a warning.
            let bodiless = matches!(status, StatusMatch::Code(204 | 205 | 304));
            if bodiless && !response.content.is_empty() {
                types.warn(ModelWarning {
                    place: format!("{place}/content"),
                    message: format!(
                        "a {label} response has no body (RFC 9110), so its `content` is not read"
                    ),
                    help: format!(
                        "remove `content` from the {label} response (a body needs another status, such as 200)"
                    ),
                });
            }
            let body = if response.content.is_empty() || bodiless {
                None
            } else {
                let (encoding, media) = match choose_media(&response.content, false) {
                    Some((key, encoding, media)) => (encoding, Some((key, media))),
                    // An unusual media type: keep the raw bytes.
                    None => (BodyEncoding::Bytes, None),
                };
                let hint = format!("{}Response{}", self.type_name, camel(&label));
                let body = match media {
                    Some((key, media)) => {
                        let content_place =
                            format!("{place}/content/{}", crate::pointer::escape(key));
                        match streams::streamed_body(types, key, media, &hint, &content_place)? {
                            Some(body) => body,
                            None => (
                                encoding,
                                media_type_of(types, encoding, media, &hint, &content_place)?,
                            ),
                        }
                    }
                    None => (encoding, TypeRef::Bytes),
                };
                Some(body)
            };
            // Documented response headers: listed in the docs, read with
            // `ResponseValue::headers()`.
            let mut headers: Vec<ResponseHeader> = response
                .headers
                .iter()
                .map(|(name, header)| ResponseHeader {
                    name: name.clone(),
                    doc: match header {
                        ReferenceOr::Item(h) => rustdoc_of(h.description.as_deref())
                            .and_then(|d| d.lines().next().map(str::to_owned))
                            .filter(|d| !d.trim().is_empty()),
                        ReferenceOr::Reference { .. } => None,
                    },
                })
                .collect();
            headers.sort_by(|a, b| a.name.cmp(&b.name));
            out.push(Response {
                status,
                success: status.is_success(),
                variant: variants.claim(&variant_name(status)),
                body,
                headers,
                doc: rustdoc_of(Some(&response.description)),
                xml: None,
            });
        }
        super::redirects::settle(&mut out);
        // With no 2xx response documented, `default` describes the success.
        if !out.iter().any(|r| r.success) {
            for response in out.iter_mut().filter(|r| r.status == StatusMatch::Default) {
                response.success = true;
            }
        }
        streams::settle(&mut out);
        Ok(out)
    }
}

/// How many `$ref`s in a row are followed before the chain is called cyclic.
const MAX_REF_CHAIN: usize = 32;

/// Follows a `$ref` into one section of `components` (`prefix`, e.g.
/// `#/components/parameters/`), and a chain of them, to the item.
fn resolve_component<'s, T>(
    item: &'s ReferenceOr<T>,
    prefix: &str,
    lookup: impl Fn(&str) -> Option<&'s ReferenceOr<T>>,
    place: &str,
) -> Result<&'s T, ModelError> {
    let mut current = item;
    for _ in 0..MAX_REF_CHAIN {
        match current {
            ReferenceOr::Item(item) => return Ok(item),
            ReferenceOr::Reference { reference } => {
                let key = reference.strip_prefix(prefix).map(crate::pointer::unescape);
                current =
                    key.as_deref()
                        .and_then(&lookup)
                        .ok_or_else(|| ModelError::UnresolvedRef {
                            place: place.to_owned(),
                            reference: reference.clone(),
                        })?;
            }
        }
    }
    Err(ModelError::Unsupported {
        place: place.to_owned(),
        what: format!("a chain of more than {MAX_REF_CHAIN} `$ref`s (or a cycle)"),
        help: "point the `$ref` at the definition itself".to_owned(),
    })
}

/// Picks the media type to use: JSON first, then (for requests) form-urlencoded, then text,
/// then raw bytes.
fn choose_media(
    content: &indexmap::IndexMap<String, MediaType>,
    request: bool,
) -> Option<(&str, BodyEncoding, &MediaType)> {
    let mut keys: Vec<&String> = content.keys().collect();
    keys.sort();
    let find = |pred: &dyn Fn(&str) -> bool| {
        keys.iter()
            .find(|k| pred(&essence(k)))
            .map(|k| (k.as_str(), &content[k.as_str()]))
    };
    if let Some((k, m)) = find(&|e| e == "application/json" || e.ends_with("+json") || e == "*/*") {
        return Some((k, BodyEncoding::Json, m));
    }
    if request {
        if let Some((k, m)) = find(&|e| e == "application/x-www-form-urlencoded") {
            return Some((k, BodyEncoding::Form, m));
        }
        if let Some((k, m)) = find(&|e| e == "multipart/form-data") {
            return Some((k, BodyEncoding::Multipart, m));
        }
    }
    // XML before text (`text/xml`); `model::xml` decides what each such body is. An image
    // written in XML (`image/svg+xml`) is an image: raw bytes like the others.
    if let Some((k, m)) = find(&|e| is_xml(e) && !e.starts_with("image/")) {
        return Some((k, BodyEncoding::Xml, m));
    }
    if let Some((k, m)) = find(&|e| e.starts_with("text/")) {
        return Some((k, BodyEncoding::Text, m));
    }
    if let Some((k, m)) = find(&|e| {
        e == "application/octet-stream"
            || e.starts_with("image/")
            || e.starts_with("audio/")
            || e.starts_with("video/")
            || e == "application/pdf"
            || e == "application/zip"
    }) {
        return Some((k, BodyEncoding::Bytes, m));
    }
    None
}

/// True for an XML media type (an essence: lowercase, no parameters).
pub(super) fn is_xml(essence: &str) -> bool {
    let essence = essence.split(';').next().unwrap_or_default().trim();
    essence == "application/xml" || essence == "text/xml" || essence.ends_with("+xml")
}

/// The media type without parameters, lowercase.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn media_type_of(
    types: &mut TypeBuilder<'_>,
    encoding: BodyEncoding,
    media: &MediaType,
    hint: &str,
    place: &str,
) -> Result<TypeRef, ModelError> {
    Ok(match encoding {
        BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart | BodyEncoding::Xml => {
            match &media.schema {
                Some(schema) => types.type_of(schema, hint, &format!("{place}/schema"))?,
                None => TypeRef::Json,
            }
        }
        BodyEncoding::Text => TypeRef::String,
        BodyEncoding::Bytes => TypeRef::Bytes,
    })
}

/// The parameter names in a path template (`/a/{id}/b/{x}` → `id`, `x`), in order, once each.
fn path_template_names(path: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let name = rest[open + 1..close].to_owned();
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
        rest = &rest[close + 1..];
    }
    names
}

fn location_of(param: &Parameter) -> ParamLocation {
    match param {
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// The enum variant for a status: its reason phrase (`UnprocessableEntity`), else `Status{code}`.
fn variant_name(status: StatusMatch) -> String {
    let code = match status {
        StatusMatch::Code(code) => code,
        StatusMatch::Class(class) => return format!("Status{class}xx"),
        StatusMatch::Default => return "Default".to_owned(),
    };
    let phrase = match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "LengthRequired",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        414 => "UriTooLong",
        415 => "UnsupportedMediaType",
        416 => "RangeNotSatisfiable",
        417 => "ExpectationFailed",
        418 => "ImATeapot",
        422 => "UnprocessableEntity",
        423 => "Locked",
        424 => "FailedDependency",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        431 => "RequestHeaderFieldsTooLarge",
        451 => "UnavailableForLegalReasons",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        505 => "HttpVersionNotSupported",
        _ => return format!("Status{code}"),
    };
    phrase.to_owned()
}

pub(super) fn success_of(responses: &[Response]) -> Success {
    let successes: Vec<&Response> = responses.iter().filter(|r| r.success).collect();
    let bodies: BTreeSet<Option<&(BodyEncoding, TypeRef)>> =
        successes.iter().map(|r| r.body.as_ref()).collect();
    match bodies.len() {
        0 => Success::Unit,
        1 => match bodies.into_iter().next().flatten() {
            Some((_, ty)) => Success::Type(ty.clone()),
            None => Success::Unit,
        },
        _ => Success::Enum,
    }
}

fn security_of(
    spec: &OpenAPI,
    op: &openapiv3::Operation,
    schemes: &[SecurityScheme],
    place: &str,
) -> Result<Vec<String>, ModelError> {
    let requirements = op.security.as_ref().or(spec.security.as_ref());
    let mut keys = BTreeSet::new();
    for requirement in requirements.into_iter().flatten() {
        for key in requirement.keys() {
            if !schemes.iter().any(|s| &s.key == key) {
                return Err(ModelError::UnresolvedRef {
                    place: format!("{place}/security"),
                    reference: format!("#/components/securitySchemes/{key}"),
                });
            }
            keys.insert(key.clone());
        }
    }
    Ok(keys.into_iter().collect())
}

/// The type of a `multipart/form-data` body: an object's struct (one part per property),
/// binary (one `file` part, or one per item), or else, when the schema does not say what the
/// parts are (none, a string, `{}`, a union of part sets), the runtime's `Form`.
fn multipart_type(
    types: &mut TypeBuilder<'_>,
    schema: Option<&ReferenceOr<openapiv3::Schema>>,
    hint: &str,
    content_place: &str,
) -> Result<TypeRef, ModelError> {
    let Some(schema) = schema else {
        return Ok(TypeRef::Form);
    };
    let ty = types.multipart_type_of(schema, hint, &format!("{content_place}/schema"))?;
    // A nullable schema: there is still a form to send when there is a body at all.
    let ty = match ty {
        TypeRef::Option(inner) => *inner,
        ty => ty,
    };
    let is_struct = matches!(&ty, TypeRef::Named(n)
        if matches!(types.kind_of(n), Some(TypeKind::Struct { .. })));
    let is_files = match &ty {
        TypeRef::Bytes => true,
        TypeRef::Vec(item) => **item == TypeRef::Bytes,
        _ => false,
    };
    Ok(if is_struct || is_files {
        ty
    } else {
        TypeRef::Form
    })
}

/// The `Client` method's docs: the summary and the description, each once (`None`: neither
/// says anything). The emit stage adds the method, the path and the statuses.
fn operation_doc(op: &openapiv3::Operation) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for text in [&op.summary, &op.description].into_iter().flatten() {
        let text = to_rustdoc(text);
        if !text.is_empty() && !parts.contains(&text) {
            parts.push(text);
        }
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// Spec prose as rustdoc: `None` for none, and for text that is blank once made safe.
fn rustdoc_of(text: Option<&str>) -> Option<String> {
    text.map(to_rustdoc).filter(|text| !text.is_empty())
}

/// How a value of type `ty` is written as one text value, or `None` when it is not a scalar
/// (a string, number, boolean, UUID, date, date-time or string enum).
///
/// Reads the builder's types before recursion is settled (`TypeBuilder::finish`), which boxes
/// only fields that hold named structs or unions: never a scalar, so the answer is the same.
fn text_of(types: &TypeBuilder<'_>, ty: &TypeRef) -> Option<Text> {
    Some(match ty {
        TypeRef::String => Text::String,
        TypeRef::DateTime => Text::DateTime,
        TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::U64
        | TypeRef::F32
        | TypeRef::F64
        | TypeRef::Uuid
        | TypeRef::Date => Text::Display,
        TypeRef::Named(name) if matches!(types.kind_of(name), Some(TypeKind::Enum { .. })) => {
            Text::Enum
        }
        _ => return None,
    })
}

/// A parameter's style, as read from the spec.
struct ParamStyle {
    /// A path parameter (`simple` style; objects are never exploded there).
    path: bool,
    /// Arrays in the query: one pair per item.
    explode: bool,
    /// `style: deepObject` in the query.
    deep_object: bool,
    /// What joins an array's items in one value.
    separator: char,
}

/// How a parameter of type `ty` named `wire` is written on the wire (see [`ParamEncoding`]).
fn param_encoding(
    types: &TypeBuilder<'_>,
    ty: &TypeRef,
    wire: &str,
    style: ParamStyle,
) -> ParamEncoding {
    if let Some(text) = text_of(types, ty) {
        return ParamEncoding::Text(text);
    }
    if let TypeRef::Vec(item) = ty {
        if let Some(item) = text_of(types, item) {
            return if style.deep_object {
                ParamEncoding::Repeated {
                    key: format!("{wire}[]"),
                    item,
                }
            } else if style.explode {
                ParamEncoding::Repeated {
                    key: wire.to_owned(),
                    item,
                }
            } else {
                ParamEncoding::Joined {
                    item,
                    separator: style.separator,
                }
            };
        }
    }
    // An object of scalar properties, `form` style exploded: one pair per property
    // (`deepObject`: `name[property]`).
    let fields = match ty {
        TypeRef::Named(name) if !style.path => match types.kind_of(name) {
            Some(TypeKind::Struct { fields }) => Some(fields),
            _ => None,
        },
        _ => None,
    };
    let properties = fields.and_then(|fields| {
        fields
            .iter()
            .map(|field| {
                let (inner, optional) = match &field.ty {
                    TypeRef::Option(inner) => (inner.as_ref(), true),
                    other => (other, false),
                };
                let text = text_of(types, inner).filter(|_| !field.flatten)?;
                let key = if style.deep_object {
                    format!("{wire}[{}]", field.wire)
                } else {
                    field.wire.clone()
                };
                Some(PropertyText {
                    field: field.name.clone(),
                    key,
                    text,
                    optional,
                })
            })
            .collect::<Option<Vec<_>>>()
    });
    match properties {
        Some(properties) => ParamEncoding::Properties(properties),
        None => ParamEncoding::Json {
            explode: style.explode,
            deep_object: style.deep_object,
        },
    }
}

/// How a `multipart/form-data` body of type `ty` (see [`multipart_type`]) is cut into parts.
fn multipart_of(types: &TypeBuilder<'_>, ty: &TypeRef) -> Multipart {
    match ty {
        TypeRef::Form => Multipart::Form,
        TypeRef::Bytes => Multipart::File,
        TypeRef::Vec(item) if **item == TypeRef::Bytes => Multipart::Files,
        TypeRef::Named(name) => match types.kind_of(name) {
            Some(TypeKind::Struct { fields }) => {
                Multipart::Parts(fields.iter().map(|field| part_of(types, field)).collect())
            }
            _ => Multipart::Parts(Vec::new()),
        },
        _ => Multipart::Parts(Vec::new()),
    }
}

/// How one field of a multipart body object becomes parts: bytes as file parts, scalars and
/// enums as text, arrays as one part per item, anything else as a JSON part.
fn part_of(types: &TypeBuilder<'_>, field: &Field) -> Part {
    let value = |ty: &TypeRef| match ty {
        TypeRef::Bytes => PartValue::File,
        ty => text_of(types, ty).map_or(PartValue::Json, PartValue::Text),
    };
    let kind = if field.flatten && matches!(field.ty, TypeRef::Map(_)) {
        PartKind::Entries
    } else if field.flatten {
        PartKind::Flattened
    } else {
        let (inner, optional) = match &field.ty {
            TypeRef::Option(inner) => (inner.as_ref(), true),
            other => (other, false),
        };
        match inner {
            TypeRef::Vec(item) if !matches!(item.as_ref(), TypeRef::Vec(_)) => PartKind::Each {
                item: value(item),
                optional,
            },
            other => PartKind::One {
                value: value(other),
                optional,
            },
        }
    };
    Part {
        field: field.name.clone(),
        wire: field.wire.clone(),
        kind,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::model::{
        Api, Multipart, Operation, ParamEncoding, Part, PartKind, PartValue, PropertyText, Text,
    };

    /// The one operation of a document whose only path is `path` with `operation` under `post`.
    fn operation(path: &str, operation: serde_json::Value) -> Operation {
        let doc = json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "paths": { path: { "post": operation } },
            "components": { "schemas": {
                "Kind": { "type": "string", "enum": ["a", "b"] }
            } }
        });
        let options = crate::options::Options {
            crate_name: "test-client".to_owned(),
            ..Default::default()
        };
        match Api::from_merged(&doc, &options) {
            Ok(mut api) => api.operations.remove(0),
            Err(e) => panic!("model failed: {e}"),
        }
    }

    /// Every parameter's wire encoding is decided by the model from its location, style and
    /// type: scalars as text, arrays of scalars repeated or joined, objects of scalars one
    /// pair per property, anything else (and any object in the path) from its JSON.
    #[test]
    fn parameters_are_encoded_by_location_style_and_type() {
        let param = |name: &str, location: &str, schema: serde_json::Value| json!({ "name": name, "in": location, "schema": schema });
        let strings = json!({ "type": "array", "items": { "type": "string" } });
        let ints = json!({ "type": "array", "items": { "type": "integer" } });
        let flat = json!({ "type": "object", "required": ["a"], "properties": {
            "a": { "type": "string" },
            "b": { "type": "string", "format": "date-time" }
        } });
        let mut deep_object = param("filter", "query", flat.clone());
        deep_object["style"] = json!("deepObject");
        let mut deep_array = param("pick", "query", strings.clone());
        deep_array["style"] = json!("deepObject");
        let mut joined = param("nums", "query", ints.clone());
        joined["explode"] = json!(false);
        let mut spaced = param("words", "query", strings.clone());
        spaced["style"] = json!("spaceDelimited");
        spaced["explode"] = json!(false);
        let mut limit = param(
            "limit",
            "query",
            json!({ "type": "integer", "default": 100 }),
        );
        limit["description"] = json!("How many.");
        let op = operation(
            "/x/{id}/{ids}/{obj}",
            json!({
                "parameters": [
                    param("id", "path", json!({ "type": "integer" })),
                    param("ids", "path", strings.clone()),
                    param("obj", "path", flat.clone()),
                    param("tags", "query", strings.clone()),
                    joined,
                    spaced,
                    deep_array,
                    deep_object,
                    param("plain", "query", flat),
                    param("nested", "query", json!({ "type": "object", "properties": {
                        "inner": { "type": "object", "properties": { "x": { "type": "string" } } }
                    } })),
                    param("X-Tags", "header", strings),
                    param("kind", "query", json!({ "$ref": "#/components/schemas/Kind" })),
                    limit,
                ],
                "responses": { "204": { "description": "done" } }
            }),
        );
        let encoding = |wire: &str| {
            let param = op.params.iter().find(|p| p.wire == wire);
            param.map(|p| p.encoding.clone())
        };
        let properties = |prefix: &str| {
            ParamEncoding::Properties(vec![
                PropertyText {
                    field: "a".to_owned(),
                    key: format!("{prefix}a{}", if prefix.is_empty() { "" } else { "]" }),
                    text: Text::String,
                    optional: false,
                },
                PropertyText {
                    field: "b".to_owned(),
                    key: format!("{prefix}b{}", if prefix.is_empty() { "" } else { "]" }),
                    text: Text::DateTime,
                    optional: true,
                },
            ])
        };
        let repeated = |key: &str, item| ParamEncoding::Repeated {
            key: key.to_owned(),
            item,
        };
        let joined = |item, separator| ParamEncoding::Joined { item, separator };
        let json = |explode, deep_object| ParamEncoding::Json {
            explode,
            deep_object,
        };
        for (wire, expected) in [
            ("id", ParamEncoding::Text(Text::Display)),
            ("ids", joined(Text::String, ',')),
            ("obj", json(false, false)),
            ("tags", repeated("tags", Text::String)),
            ("nums", joined(Text::Display, ',')),
            ("words", joined(Text::String, ' ')),
            ("pick", repeated("pick[]", Text::String)),
            ("filter", properties("filter[")),
            ("plain", properties("")),
            ("nested", json(true, false)),
            ("X-Tags", joined(Text::String, ',')),
            ("kind", ParamEncoding::Text(Text::Enum)),
            ("limit", ParamEncoding::Text(Text::Display)),
        ] {
            assert_eq!(encoding(wire), Some(expected), "{wire}");
        }
        let limit = op.params.iter().find(|p| p.wire == "limit");
        assert_eq!(limit.and_then(|p| p.default.as_deref()), Some("100"));
        assert_eq!(limit.and_then(|p| p.doc.as_deref()), Some("How many."));
        let tags = op.params.iter().find(|p| p.wire == "tags");
        assert_eq!(tags.map(|p| (&p.doc, &p.default)), Some((&None, &None)));
        // The spec says nothing about the operation or its body: no stand-in text.
        assert_eq!(op.doc, None);
        assert_eq!(op.responses[0].doc.as_deref(), Some("done"));
    }

    /// A multipart body object is cut into parts by the model: bytes as file parts, scalars
    /// and enums as text, arrays one part per item, other shapes as JSON; other bodies are
    /// one file part, one per item, or the caller's `Form`.
    #[test]
    fn multipart_parts_are_decided_by_the_model() {
        let multipart = |schema: serde_json::Value| {
            let op = operation(
                "/upload",
                json!({
                    "requestBody": { "content": { "multipart/form-data": { "schema": schema } } },
                    "responses": { "204": { "description": "done" } }
                }),
            );
            op.body.and_then(|b| b.multipart)
        };
        let parts = multipart(
            json!({ "type": "object", "required": ["file", "name"], "properties": {
            "file": { "type": "string", "format": "binary" },
            "name": { "type": "string" },
            "count": { "type": "integer" },
            "when": { "type": "string", "format": "date-time" },
            "kind": { "$ref": "#/components/schemas/Kind" },
            "tags": { "type": "array", "items": { "type": "string" } },
            "files": { "type": "array", "items": { "type": "string", "format": "binary" } },
            "meta": { "type": "object", "properties": { "x": { "type": "string" } } }
        } }),
        );
        let part = |field: &str, kind| Part {
            field: field.to_owned(),
            wire: field.to_owned(),
            kind,
        };
        let one = |value, optional| PartKind::One { value, optional };
        let each = |item| PartKind::Each {
            item,
            optional: true,
        };
        assert_eq!(
            parts,
            Some(Multipart::Parts(vec![
                part("file", one(PartValue::File, false)),
                part("name", one(PartValue::Text(Text::String), false)),
                part("count", one(PartValue::Text(Text::Display), true)),
                part("when", one(PartValue::Text(Text::DateTime), true)),
                part("kind", one(PartValue::Text(Text::Enum), true)),
                part("tags", each(PartValue::Text(Text::String))),
                part("files", each(PartValue::File)),
                part("meta", one(PartValue::Json, true)),
            ]))
        );
        let binary = json!({ "type": "string", "format": "binary" });
        assert_eq!(multipart(binary.clone()), Some(Multipart::File));
        assert_eq!(
            multipart(json!({ "type": "array", "items": binary })),
            Some(Multipart::Files)
        );
        assert_eq!(
            multipart(json!({ "type": "object" })),
            Some(Multipart::Form)
        );
        // Other encodings have no parts.
        let json_body = operation(
            "/j",
            json!({
                "requestBody": { "content": { "application/json": { "schema": { "type": "object" } } } },
                "responses": { "204": { "description": "done" } }
            }),
        );
        assert_eq!(
            json_body.body.map(|b| (b.multipart, b.doc)),
            Some((None, None))
        );
    }

    /// The server path of a document whose `servers` is `servers`.
    fn server_path(servers: serde_json::Value) -> Result<String, String> {
        let doc = json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "servers": servers,
            "paths": {}
        });
        let spec: openapiv3::OpenAPI = serde_json::from_value(doc).expect("a document");
        super::server_path(&spec).map_err(|e| e.to_string())
    }

    /// Only the first server's path is kept, relative or absolute, with variables at their
    /// defaults, `.` and empty segments dropped, query and fragment cut, and what a URL path
    /// cannot hold percent-encoded; `/` and no servers are no path at all.
    #[test]
    fn the_server_path_is_the_first_servers_path() {
        let url = |url: &str| json!([{ "url": url }, { "url": "/second" }]);
        for (servers, expected) in [
            (json!([]), ""),
            (url("/"), ""),
            (url("/api"), "/api"),
            (url("/api/"), "/api"),
            (url("api/v1"), "/api/v1"),
            (url("./api"), "/api"),
            (url("https://api.example.com"), ""),
            (url("https://api.example.com/v1/"), "/v1"),
            (url("//tyk.local/tyk"), "/tyk"),
            (url("http://h/a b?x=1#top"), "/a%20b"),
            (url("/a`b"), "/a%60b"),
            (
                json!([{
                    "url": "{scheme}://{host}/{prefix}/x",
                    "variables": {
                        "scheme": { "default": "https" },
                        "host": { "default": "example.com" },
                        "prefix": { "default": "api/v2" }
                    }
                }]),
                "/api/v2/x",
            ),
            // A variable left in the host does not matter: only the path is used.
            (url("https://{tenant}.example.com/v1"), "/v1"),
        ] {
            assert_eq!(
                server_path(servers.clone()),
                Ok(expected.to_owned()),
                "{servers}"
            );
        }
        let error = server_path(url("/api/{version}")).expect_err("an undeclared variable");
        assert!(error.contains("#/servers/0/url"), "{error}");
        assert!(error.contains("declare the variable"), "{error}");
    }

    /// OAuth2 flows the client runs become `SchemeKind::OAuth2` (token URLs and scopes as the
    /// spec writes them, the refresh URL before the token URL); the names the emitter derives
    /// from a bearer-like scheme (`{method}_with`, `{method}_oauth2`) are kept from others.
    #[test]
    fn oauth2_flows_and_the_derived_method_names() {
        use crate::model::{OAuthFlow, OAuthFlows, SchemeKind};

        let doc = json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "paths": {},
            "components": { "securitySchemes": {
                "auth": { "type": "oauth2", "flows": {
                    "clientCredentials": {
                        "tokenUrl": "https://a.example/token",
                        "scopes": { "b:read": "", "a:write": "" }
                    },
                    "authorizationCode": {
                        "authorizationUrl": "https://a.example/authorize",
                        "tokenUrl": "https://a.example/token",
                        "refreshUrl": "https://a.example/refresh",
                        "scopes": {}
                    }
                } },
                "auth_with": { "type": "apiKey", "in": "header", "name": "X-Key" },
                "implicit": { "type": "oauth2", "flows": { "implicit": {
                    "authorizationUrl": "https://a.example/authorize", "scopes": {}
                } } }
            } }
        });
        let options = crate::options::Options {
            crate_name: "test-client".to_owned(),
            ..Default::default()
        };
        let api = Api::from_merged(&doc, &options).unwrap_or_else(|e| panic!("{e}"));
        let kinds: Vec<(&str, &str, &SchemeKind)> = api
            .security_schemes
            .iter()
            .map(|s| (s.key.as_str(), s.method.as_str(), &s.kind))
            .collect();
        let flows = SchemeKind::OAuth2(OAuthFlows {
            client_credentials: Some(OAuthFlow {
                token_url: "https://a.example/token".to_owned(),
                scopes: vec!["b:read".to_owned(), "a:write".to_owned()],
            }),
            refresh: Some(OAuthFlow {
                token_url: "https://a.example/refresh".to_owned(),
                scopes: Vec::new(),
            }),
        });
        assert_eq!(
            kinds,
            [
                ("auth", "auth", &flows),
                (
                    "auth_with",
                    "auth_with2",
                    &SchemeKind::Header("X-Key".to_owned())
                ),
                ("implicit", "implicit", &SchemeKind::Bearer),
            ]
        );
    }
}
