//! Operations and security schemes: method names, parameters, bodies and typed responses.

use std::collections::BTreeSet;

use openapiv3::{
    APIKeyLocation, MediaType, OpenAPI, Parameter, ParameterSchemaOrContent, QueryStyle,
    ReferenceOr, StatusCode,
};

use super::names::{Namespace, camel, snake};
use super::schema::TypeBuilder;
use super::{
    BodyEncoding, ModelError, Operation, Param, ParamLocation, PathPart, RequestBody, Response,
    SchemeKind, SecurityScheme, StatusMatch, Success, TypeKind, TypeRef,
};
use crate::doc::to_rustdoc;

/// Methods of `Client` that operations must not take.
const CLIENT_METHODS: &[&str] = &["new", "builder", "base_url", "execute", "http_client"];
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
];
/// Fields and methods of a request builder that parameters must not take.
const REQUEST_METHODS: &[&str] = &[
    "new",
    "send",
    "timeout",
    "retry_policy",
    "client",
    "options",
    "into_future",
];
/// The order methods are listed in a path item.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The security schemes of `components.securitySchemes`, sorted by key.
pub(crate) fn security_schemes(spec: &OpenAPI) -> Result<Vec<SecurityScheme>, ModelError> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    let mut entries: Vec<_> = components.security_schemes.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut methods = Namespace::with_reserved(BUILDER_METHODS);
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
            S::HTTP { scheme, .. } => {
                return Err(ModelError::Unsupported {
                    place,
                    what: format!("the HTTP authentication scheme `{scheme}`"),
                    help: "stitch supports `bearer` and `basic`".to_owned(),
                });
            }
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
            method: methods.claim(&snake(key)),
            kind,
            doc,
        });
    }
    Ok(schemes)
}

/// Every operation of the document, sorted by method name.
pub(crate) fn operations(
    spec: &OpenAPI,
    types: &mut TypeBuilder<'_>,
    schemes: &[SecurityScheme],
) -> Result<Vec<Operation>, ModelError> {
    let mut method_names = Namespace::with_reserved(CLIENT_METHODS);
    let mut type_names = Namespace::default();
    let mut operations = Vec::new();
    // Paths come sorted from the merge stage; sort again so any OpenAPI file is deterministic.
    let mut paths: Vec<_> = spec.paths.paths.iter().collect();
    paths.sort_by(|a, b| a.0.cmp(b.0));
    for (path, item) in paths {
        let place = format!("#/paths/{}", escape_pointer(path));
        let ReferenceOr::Item(item) = item else {
            return Err(ModelError::Unsupported {
                place,
                what: "a `$ref` path item".to_owned(),
                help: "define the path item inline".to_owned(),
            });
        };
        let mut ops: Vec<(&str, &openapiv3::Operation)> = item.iter().collect();
        ops.sort_by_key(|(method, _)| METHODS.iter().position(|m| m == method));
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
            let params = ctx.params(types, &item.parameters, &op.parameters)?;
            let path_parts = ctx.path_parts(&params)?;
            let body = ctx.body(types, op.request_body.as_ref())?;
            let responses = ctx.responses(types, &op.responses)?;
            let success = success_of(&responses);
            let security = security_of(spec, op, schemes, &op_place)?;
            operations.push(Operation {
                doc: operation_doc(op, method, path, &responses),
                name,
                type_name,
                method: method.to_owned(),
                path: path.clone(),
                path_parts,
                params,
                body,
                responses,
                success,
                security,
            });
        }
    }
    operations.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(operations)
}

/// Claims `{base}`, `{base}Error` and `{base}Response` together, so they never collide.
fn claim_type_name(names: &mut Namespace, base: &str) -> String {
    let mut n = 1u64;
    loop {
        let candidate = if n == 1 {
            base.to_owned()
        } else {
            format!("{base}{n}")
        };
        let mut probe = names.clone();
        let all_free = [
            candidate.clone(),
            format!("{candidate}Error"),
            format!("{candidate}Response"),
        ]
        .iter()
        .all(|c| probe.claim(c) == *c);
        if all_free {
            *names = probe;
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
            let ParameterSchemaOrContent::Schema(schema) = &data.format else {
                return Err(ModelError::Unsupported {
                    place,
                    what: format!("parameter `{}` described by `content`", data.name),
                    help: "describe the parameter with `schema`".to_owned(),
                });
            };
            let hint = format!("{}{}", self.type_name, camel(&data.name));
            let ty = match types.type_of(schema, &hint, &format!("{place}/schema"))? {
                TypeRef::Option(inner) => *inner,
                other => other,
            };
            let explode = match param {
                Parameter::Query { style, .. } => {
                    if !matches!(style, QueryStyle::Form) {
                        return Err(ModelError::Unsupported {
                            place,
                            what: format!("query parameter style {style:?}"),
                            help: "stitch sends query parameters in `form` style".to_owned(),
                        });
                    }
                    data.explode.unwrap_or(true)
                }
                _ => data.explode.unwrap_or(false),
            };
            check_param_type(types, &ty, location, &data.name, &place)?;
            let doc = match data.description.as_deref().filter(|d| !d.trim().is_empty()) {
                Some(description) => to_rustdoc(description),
                None => format!("The `{}` {} parameter.", data.name, location_word(location)),
            };
            params.push(Param {
                name: names.claim(&snake(&data.name)),
                wire: data.name.clone(),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                explode,
                doc,
            });
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
        match param {
            ReferenceOr::Item(param) => Ok(param),
            ReferenceOr::Reference { reference } => {
                let key = reference.strip_prefix("#/components/parameters/");
                let found = key.and_then(|key| {
                    self.spec
                        .components
                        .as_ref()
                        .and_then(|c| c.parameters.get(key))
                });
                match found {
                    Some(ReferenceOr::Item(param)) => Ok(param),
                    _ => Err(ModelError::UnresolvedRef {
                        place: place.to_owned(),
                        reference: reference.clone(),
                    }),
                }
            }
        }
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
        let body = match body {
            ReferenceOr::Item(body) => body,
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/requestBodies/")
                    .and_then(|key| {
                        self.spec
                            .components
                            .as_ref()
                            .and_then(|c| c.request_bodies.get(key))
                    });
                match found {
                    Some(ReferenceOr::Item(body)) => body,
                    _ => {
                        return Err(ModelError::UnresolvedRef {
                            place,
                            reference: reference.clone(),
                        });
                    }
                }
            }
        };
        let Some((media_type, encoding, media)) = choose_media(&body.content) else {
            return Err(ModelError::Unsupported {
                place,
                what: format!(
                    "request bodies of type {}",
                    body.content.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
                help: "stitch sends JSON, text and raw bytes bodies".to_owned(),
            });
        };
        let hint = format!("{}Body", self.type_name);
        let ty = media_type_of(types, encoding, media, &hint, &format!("{place}/content"))?;
        let doc = match body.description.as_deref().filter(|d| !d.trim().is_empty()) {
            Some(description) => to_rustdoc(description),
            None => "The request body.".to_owned(),
        };
        Ok(Some(RequestBody {
            media_type: media_type.to_owned(),
            encoding,
            ty,
            required: body.required,
            doc,
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
            let label = status_label(status);
            let place = format!("{}/responses/{label}", self.place);
            let response = match response {
                ReferenceOr::Item(r) => r,
                ReferenceOr::Reference { reference } => {
                    let found = reference
                        .strip_prefix("#/components/responses/")
                        .and_then(|key| {
                            self.spec
                                .components
                                .as_ref()
                                .and_then(|c| c.responses.get(key))
                        });
                    match found {
                        Some(ReferenceOr::Item(r)) => r,
                        _ => {
                            return Err(ModelError::UnresolvedRef {
                                place,
                                reference: reference.clone(),
                            });
                        }
                    }
                }
            };
            let body = if response.content.is_empty() {
                None
            } else {
                let (encoding, media) = match choose_media(&response.content) {
                    Some((_, encoding, media)) => (encoding, Some(media)),
                    // An unusual media type: keep the raw bytes.
                    None => (BodyEncoding::Bytes, None),
                };
                let hint = format!("{}Response{}", self.type_name, camel(&label));
                let ty = match media {
                    Some(media) => {
                        media_type_of(types, encoding, media, &hint, &format!("{place}/content"))?
                    }
                    None => TypeRef::Bytes,
                };
                Some((encoding, ty))
            };
            let doc = if response.description.trim().is_empty() {
                format!("Status {label}.")
            } else {
                to_rustdoc(&response.description)
            };
            out.push(Response {
                status,
                success: status.is_success(),
                variant: variants.claim(&variant_name(status)),
                body,
                doc,
            });
        }
        // With no 2xx response documented, `default` describes the success.
        if !out.iter().any(|r| r.success) {
            for response in out.iter_mut().filter(|r| r.status == StatusMatch::Default) {
                response.success = true;
            }
        }
        Ok(out)
    }
}

/// Picks the media type to use: JSON first, then text, then raw bytes.
fn choose_media(
    content: &indexmap::IndexMap<String, MediaType>,
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
        BodyEncoding::Json => match &media.schema {
            Some(schema) => types.type_of(schema, hint, &format!("{place}/schema"))?,
            None => TypeRef::Json,
        },
        BodyEncoding::Text => TypeRef::String,
        BodyEncoding::Bytes => TypeRef::Bytes,
    })
}

fn check_param_type(
    types: &TypeBuilder<'_>,
    ty: &TypeRef,
    location: ParamLocation,
    name: &str,
    place: &str,
) -> Result<(), ModelError> {
    let scalar = |ty: &TypeRef| match ty {
        TypeRef::String
        | TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::F32
        | TypeRef::F64
        | TypeRef::Uuid
        | TypeRef::DateTime
        | TypeRef::Date => true,
        TypeRef::Named(n) => matches!(types.kind_of(n), Some(TypeKind::Enum { .. })),
        _ => false,
    };
    let ok = match ty {
        TypeRef::Vec(inner) => location == ParamLocation::Query && scalar(inner),
        other => scalar(other),
    };
    if ok {
        Ok(())
    } else {
        Err(ModelError::Unsupported {
            place: place.to_owned(),
            what: format!(
                "{} parameter `{name}` of this type",
                location_word(location)
            ),
            help: "stitch sends scalars and enums (and arrays of them in the query)".to_owned(),
        })
    }
}

fn location_of(param: &Parameter) -> ParamLocation {
    match param {
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

fn location_word(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn status_label(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Class(class) => format!("{class}XX"),
        StatusMatch::Default => "default".to_owned(),
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

fn success_of(responses: &[Response]) -> Success {
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

fn operation_doc(
    op: &openapiv3::Operation,
    method: &str,
    path: &str,
    responses: &[Response],
) -> String {
    let mut parts = Vec::new();
    for text in [&op.summary, &op.description].into_iter().flatten() {
        let text = to_rustdoc(text);
        if !text.is_empty() && !parts.contains(&text) {
            parts.push(text);
        }
    }
    parts.push(format!(
        "`{} {}`",
        method.to_ascii_uppercase(),
        path.replace('`', "'")
    ));
    if !responses.is_empty() {
        let mut list = String::from("Responses:");
        for response in responses {
            let first_line = response.doc.lines().next().unwrap_or_default();
            list.push_str(&format!(
                "\n- `{}`: {first_line}",
                status_label(response.status)
            ));
        }
        parts.push(list);
    }
    parts.join("\n\n")
}

fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
