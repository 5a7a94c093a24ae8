//! Pagination: how a list operation's pages follow one another, decided once per operation and
//! stored on it ([`Operation::pagination`](super::Operation::pagination)); the emit stage only
//! prints it (`.pages()` and `.items()` on the request builder).
//!
//! What decides, first first:
//! 1. the config file (`[pagination.<operationId>]` in `specs/<api>.toml` or `--config`), which
//!    declares, overrides or turns off (`"none"`) an operation's pagination;
//! 2. a vendor extension on the operation: `x-ms-pageable` (Azure), `x-speakeasy-pagination`,
//!    `x-fern-pagination`, or `x-pagination` (read with the config file's keys);
//! 3. the conventions of large real APIs, read from the parameters and the success body: a
//!    documented `Link` response header (RFC 8288, GitHub), a cursor request parameter with a
//!    next-cursor field in the body (`cursor`/`next_cursor`, Google's
//!    `pageToken`/`nextPageToken`, Slack's `response_metadata.next_cursor`), Stripe's
//!    `starting_after` with `has_more`, a next-page URL in the body (Azure's `nextLink`,
//!    `next` of Django REST framework), `offset`/`limit`, and `page`/`per_page`.
//!
//! Invariants: an operation is paginated only when its success body holds the items, an array
//! (the body itself, or one field of it: the only array field, or the one with a list's
//! usual name), so `.items()` always has an item type; every parameter named is a query
//! parameter of the operation and every body path exists in the documented body (the config
//! and the extensions are checked: a name that is not there is never a client that silently
//! pages wrong); conventions apply to `GET` operations only. A config rule that does not fit is
//! an error (the user wrote it); a vendor extension that does not fit is a warning naming the
//! operation and why, and the operation is generated without pagination (the API's authors
//! wrote it, the user cannot fix it: Microsoft Graph's `x-ms-pageable` names `@odata.nextLink`
//! on 1,878 operations whose documented bodies lack it).

use std::collections::BTreeMap;

use super::{
    Api, HttpMethod, ModelError, ModelWarning, Operation, Param, ParamLocation, Success, TypeDef,
    TypeKind, TypeRef,
};

/// How an operation's pages follow one another, and where a page's items are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// How the next page is asked for.
    pub style: PageStyle,
    /// Where each page's items are.
    pub items: PageItems,
    /// What decided it.
    pub origin: PageOrigin,
}

/// How the next page is asked for. Parameter names are wire names of query parameters; body
/// paths are wire names of fields, outermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStyle {
    /// The response's RFC 8288 `Link` header names the next page (`rel="next"`); none: the last.
    LinkHeader,
    /// The body holds the next page's URL at `next` (Azure's `nextLink`); null, empty or
    /// missing: the last page.
    NextUrl {
        /// Where the URL is in the body.
        next: Vec<String>,
    },
    /// The body holds a token at `next` that the next request sends in `param`; null, empty
    /// or missing (or `has_more` false): the last page.
    Cursor {
        /// The request's query parameter.
        param: String,
        /// Where the token is in the body.
        next: Vec<String>,
        /// A boolean in the body that says whether more pages follow.
        has_more: Option<Vec<String>>,
    },
    /// The next request sends the last item's `field` in `param` (Stripe's `starting_after`
    /// with an object's `id`); an empty page (or `has_more` false): the last.
    LastItem {
        /// The request's query parameter.
        param: String,
        /// The item's field whose value is sent.
        field: String,
        /// A boolean in the body that says whether more pages follow.
        has_more: Option<Vec<String>>,
    },
    /// The next request sends in `param` the offset of the item after this page's last; an
    /// empty page, or fewer items than the `limit` sent: the last.
    Offset {
        /// The offset parameter.
        param: String,
        /// The page size parameter, if the operation has one.
        limit: Option<String>,
    },
    /// The next request sends the next page number in `param` (the first is `start`); an
    /// empty page, or fewer items than the `size` sent: the last.
    Page {
        /// The page number parameter.
        param: String,
        /// The page size parameter, if the operation has one.
        size: Option<String>,
        /// The number of the first page (the parameter's default or minimum, else 1).
        start: u64,
    },
}

impl PageStyle {
    /// A short name of the style, for reports and docs: `link`, `next-url`, `cursor`,
    /// `last-item`, `offset`, `page`.
    pub fn name(&self) -> &'static str {
        match self {
            PageStyle::LinkHeader => "link",
            PageStyle::NextUrl { .. } => "next-url",
            PageStyle::Cursor { .. } => "cursor",
            PageStyle::LastItem { .. } => "last-item",
            PageStyle::Offset { .. } => "offset",
            PageStyle::Page { .. } => "page",
        }
    }
}

/// Where a page's items are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageItems {
    /// The field of the body that holds them: its Rust name and wire name (`None`: the body
    /// is the array).
    pub field: Option<(String, String)>,
    /// The field (or the body) is an `Option` of the array: `None` is no items.
    pub optional: bool,
    /// The type of one item.
    pub item: TypeRef,
}

impl PageItems {
    /// The wire path of the array in the body (empty: the body itself).
    pub fn path(&self) -> Vec<String> {
        self.field.iter().map(|(_, wire)| wire.clone()).collect()
    }
}

/// What decided an operation's pagination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageOrigin {
    /// The config file, at this place (`specs/api.toml:12`).
    Config(String),
    /// This vendor extension of the operation (`x-ms-pageable`).
    Extension(&'static str),
    /// The conventions read from the parameters and the body.
    Convention,
}

/// The pagination settings of one operation in a config file, as written there: the model
/// checks them against the operation (see [`PageOverride::style`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageOverride {
    /// Where it is written (`specs/api.toml:12`), for errors.
    pub place: String,
    /// `link`, `next-url`, `cursor`, `last-item`, `offset`, `page`, or `none` (the operation is
    /// not paginated, whatever the conventions say).
    pub style: String,
    /// The query parameter the next request sets (cursor, last-item, offset, page).
    pub param: Option<String>,
    /// The page size parameter (offset, page).
    pub limit: Option<String>,
    /// Where the next token or URL is in the body, dotted (`response_metadata.next_cursor`).
    pub next: Option<String>,
    /// Where a boolean "more pages follow" is in the body, dotted (cursor, last-item).
    pub has_more: Option<String>,
    /// The item field sent by last-item (default `id`).
    pub field: Option<String>,
    /// The body's field that holds the items (default: found as the conventions find it;
    /// `""`: the body is the array).
    pub items: Option<String>,
    /// The first page's number (page; default: the parameter's default or minimum, else 1).
    pub start: Option<u64>,
}

/// The styles a config file or `x-pagination` may name.
pub const STYLES: [&str; 7] = [
    "link",
    "next-url",
    "cursor",
    "last-item",
    "offset",
    "page",
    "none",
];

/// The pagination of every operation of `api`, from the config's overrides (by operationId or
/// method name), the operations' extensions in `merged` and the conventions. An override that
/// names no operation, or that does not fit its operation, is an error naming its place; an
/// extension that does not fit is a warning (`Api::warnings`) and the operation has no
/// pagination.
pub(crate) fn paginate(
    api: &mut Api,
    merged: &serde_json::Value,
    overrides: &BTreeMap<String, PageOverride>,
) -> Result<(), ModelError> {
    let mut errors = Vec::new();
    let mut used = vec![false; overrides.len()];
    let types = api.type_map();
    let mut found = Vec::with_capacity(api.operations.len());
    let mut warnings = Vec::new();
    for op in &api.operations {
        let raw = operation_json(merged, op);
        let id = raw
            .and_then(|raw| raw.get("operationId"))
            .and_then(serde_json::Value::as_str);
        let chosen = overrides
            .iter()
            .enumerate()
            .find(|(_, (key, _))| Some(key.as_str()) == id || **key == op.name);
        let decided = match chosen {
            Some((index, (_, rule))) => {
                used[index] = true;
                from_override(op, &types, rule)
            }
            None => match raw.map(|raw| from_extensions(op, &types, raw)) {
                Some(Ok(Some(pagination))) => Ok(pagination),
                Some(Err(warning)) => {
                    warnings.push(warning);
                    Ok(None)
                }
                Some(Ok(None)) | None => Ok(convention(op, &types)),
            },
        };
        match decided {
            Ok(pagination) => found.push(pagination),
            Err(error) => {
                errors.push(error);
                found.push(None);
            }
        }
    }
    for ((key, rule), used) in overrides.iter().zip(used) {
        if !used {
            let mut names: Vec<&str> = api.operations.iter().map(|op| op.name.as_str()).collect();
            names.truncate(8);
            errors.push(ModelError::Config(format!(
                "{}: [pagination.{key}] names no operation of the API\n  help: use an operationId or a method name (such as {})",
                rule.place,
                names.join(", ")
            )));
        }
    }
    if let Some(error) = ModelError::from_all(errors) {
        return Err(error);
    }
    for (op, pagination) in api.operations.iter_mut().zip(found) {
        op.pagination = pagination;
    }
    if !warnings.is_empty() {
        api.warnings.extend(warnings);
        api.warnings.sort();
    }
    Ok(())
}

/// For each operation of `api`, in order, whether it is a list: a `GET` whose success body
/// holds its items as the conventions find them (an array, or an object's array field). The
/// corpus report's denominator of pagination detection.
pub fn list_operations(api: &Api) -> Vec<bool> {
    let types = api.type_map();
    api.operations
        .iter()
        .map(|op| op.method == HttpMethod::Get && items_of(op, &types, None).is_ok())
        .collect()
}

/// The operation's object in the merged document.
fn operation_json<'a>(
    merged: &'a serde_json::Value,
    op: &Operation,
) -> Option<&'a serde_json::Value> {
    merged
        .get("paths")?
        .get(&op.path)?
        .get(op.method.upper().to_ascii_lowercase())
}

/// The success body's type, when every success status has the same one.
fn success_type(op: &Operation) -> Option<&TypeRef> {
    match &op.success {
        Success::Type(ty) => Some(ty),
        _ => None,
    }
}

/// `ty` without `Option`, `Box` and aliases; whether an `Option` was on the way.
fn unwrap<'a>(types: &BTreeMap<&str, &'a TypeDef>, mut ty: &'a TypeRef) -> (&'a TypeRef, bool) {
    let mut optional = false;
    // Aliases do not nest forever (recursion is settled), but bound the walk anyway.
    for _ in 0..64 {
        match ty {
            TypeRef::Option(inner) => {
                optional = true;
                ty = inner;
            }
            TypeRef::Box(inner) => ty = inner,
            TypeRef::Named(name) => match types.get(name.as_str()).map(|def| &def.kind) {
                Some(TypeKind::Alias(inner)) => ty = inner,
                _ => return (ty, optional),
            },
            _ => return (ty, optional),
        }
    }
    (ty, optional)
}

/// The struct fields of `ty` (after [`unwrap`]), if it is a struct.
fn struct_fields<'a>(
    types: &BTreeMap<&str, &'a TypeDef>,
    ty: &'a TypeRef,
) -> Option<&'a [super::Field]> {
    match unwrap(types, ty).0 {
        TypeRef::Named(name) => match types.get(name.as_str()).map(|def| &def.kind) {
            Some(TypeKind::Struct { fields }) => Some(fields),
            _ => None,
        },
        _ => None,
    }
}

/// The type at the wire `path` of a value of type `ty` (unwrapped), if every step is a field.
fn type_at<'a>(
    types: &BTreeMap<&str, &'a TypeDef>,
    ty: &'a TypeRef,
    path: &[String],
) -> Option<&'a TypeRef> {
    let mut ty = ty;
    for key in path {
        let fields = struct_fields(types, ty)?;
        ty = &fields.iter().find(|f| f.wire == *key && !f.flatten)?.ty;
    }
    Some(unwrap(types, ty).0)
}

/// The usual names of a list's array field, most usual first.
const ITEM_FIELDS: [&str; 14] = [
    "data",
    "items",
    "results",
    "value",
    "values",
    "entries",
    "records",
    "elements",
    "list",
    "content",
    "nodes",
    "members",
    "objects",
    "resources",
];

/// Where the items are: `wanted` names the field (`Some("")`: the body); without it, the
/// body when it is an array, else its only array field, else the array field with the most
/// usual name.
fn items_of(
    op: &Operation,
    types: &BTreeMap<&str, &TypeDef>,
    wanted: Option<&str>,
) -> Result<PageItems, String> {
    let body = success_type(op).ok_or("the operation has no single success body")?;
    let (inner, optional) = unwrap(types, body);
    if let TypeRef::Vec(item) = inner {
        if wanted.is_none_or(str::is_empty) {
            return Ok(PageItems {
                field: None,
                optional,
                item: (**item).clone(),
            });
        }
    }
    if wanted == Some("") {
        return Err("the success body is not an array".to_owned());
    }
    let fields =
        struct_fields(types, body).ok_or("the success body is neither an array nor an object")?;
    let arrays: Vec<(&super::Field, &TypeRef, bool)> = fields
        .iter()
        .filter(|f| !f.flatten)
        .filter_map(|f| match unwrap(types, &f.ty) {
            (TypeRef::Vec(item), optional) => Some((f, &**item, optional)),
            _ => None,
        })
        .collect();
    let chosen = match wanted {
        Some(name) => arrays
            .iter()
            .find(|(f, _, _)| f.wire == name)
            .ok_or_else(|| {
                let names: Vec<&str> = arrays.iter().map(|(f, _, _)| f.wire.as_str()).collect();
                format!(
                    "the success body has no array field `{name}` (its array fields: {})",
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    }
                )
            })?,
        None if arrays.len() == 1 => &arrays[0],
        None => ITEM_FIELDS
            .iter()
            .find_map(|usual| {
                arrays
                    .iter()
                    .find(|(f, _, _)| f.wire.eq_ignore_ascii_case(usual))
            })
            .ok_or("the success body has no array field that holds the items")?,
    };
    let (field, item, optional) = chosen;
    Ok(PageItems {
        field: Some((field.name.clone(), field.wire.clone())),
        optional: *optional,
        item: (*item).clone(),
    })
}

/// The operation's query parameter `wire`.
fn query_param<'a>(op: &'a Operation, wire: &str) -> Option<&'a Param> {
    op.params
        .iter()
        .find(|p| p.location == ParamLocation::Query && p.wire == wire)
}

/// A dotted body path (`response_metadata.next_cursor`) as keys; a JSONPath's `$.` and a
/// Fern `$response.` prefix are dropped.
fn keys(dotted: &str) -> Vec<String> {
    let dotted = dotted
        .strip_prefix("$response.")
        .or_else(|| dotted.strip_prefix("$."))
        .unwrap_or(dotted);
    dotted.split('.').map(str::to_owned).collect()
}

/// Checks that the body of `op` has a field at `path` of a type that `want` accepts.
fn check_path(
    op: &Operation,
    types: &BTreeMap<&str, &TypeDef>,
    path: &[String],
    what: &str,
    want: fn(&TypeRef) -> bool,
) -> Result<(), String> {
    let body = success_type(op).ok_or("the operation has no single success body")?;
    match type_at(types, body, path) {
        Some(ty) if want(ty) => Ok(()),
        Some(_) => Err(format!(
            "the success body's `{}` is not {what}",
            path.join(".")
        )),
        None => Err(format!(
            "the success body has no field `{}`",
            path.join(".")
        )),
    }
}

fn is_text(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::String
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::U64
            | TypeRef::Uuid
            | TypeRef::DateTime
            | TypeRef::Json
    )
}

fn is_bool(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Bool)
}

fn is_integer(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::I32 | TypeRef::I64 | TypeRef::U64)
}

/// The number of the first page: the parameter's default, else 1.
fn first_page(param: &Param) -> u64 {
    param
        .default
        .as_deref()
        .and_then(|text| text.parse().ok())
        .unwrap_or(1)
}

/// A style and what it names, as a config file or `x-pagination` writes it: checked against
/// the operation. `Ok(None)`: `none`.
fn from_rule(
    op: &Operation,
    types: &BTreeMap<&str, &TypeDef>,
    rule: &PageOverride,
    origin: PageOrigin,
) -> Result<Option<Pagination>, String> {
    if rule.style == "none" {
        return Ok(None);
    }
    let items = items_of(op, types, rule.items.as_deref())?;
    let param = |default: &[&str]| -> Result<String, String> {
        let name = match &rule.param {
            Some(name) => name.clone(),
            None => default
                .iter()
                .find(|name| query_param(op, name).is_some())
                .map(|name| (*name).to_owned())
                .ok_or_else(|| {
                    format!(
                        "`{}` needs `param`, the query parameter the next request sets",
                        rule.style
                    )
                })?,
        };
        match query_param(op, &name) {
            Some(_) => Ok(name),
            None => Err(format!("the operation has no query parameter `{name}`")),
        }
    };
    let optional_param = |name: &Option<String>| -> Result<Option<String>, String> {
        match name {
            Some(name) if query_param(op, name).is_none() => {
                Err(format!("the operation has no query parameter `{name}`"))
            }
            other => Ok(other.clone()),
        }
    };
    let has_more = match &rule.has_more {
        Some(dotted) => {
            let path = keys(dotted);
            check_path(op, types, &path, "a boolean", is_bool)?;
            Some(path)
        }
        None => None,
    };
    let next = |what: &str| -> Result<Vec<String>, String> {
        let dotted = rule.next.as_deref().ok_or_else(|| {
            format!(
                "`{}` needs `next`, where the {what} is in the body",
                rule.style
            )
        })?;
        let path = keys(dotted);
        check_path(op, types, &path, "a string", is_text)?;
        Ok(path)
    };
    let style = match rule.style.as_str() {
        "link" => PageStyle::LinkHeader,
        "next-url" => PageStyle::NextUrl {
            next: next("next page's URL")?,
        },
        "cursor" => PageStyle::Cursor {
            param: param(&["cursor"])?,
            next: next("next cursor")?,
            has_more,
        },
        "last-item" => {
            let field = rule.field.clone().unwrap_or_else(|| "id".to_owned());
            match type_at(types, &items.item, std::slice::from_ref(&field)) {
                Some(ty) if is_text(ty) => {}
                _ => return Err(format!("the items have no field `{field}` to send")),
            }
            PageStyle::LastItem {
                param: param(&["starting_after"])?,
                field,
                has_more,
            }
        }
        "offset" => PageStyle::Offset {
            param: param(&["offset"])?,
            limit: optional_param(&rule.limit)?,
        },
        "page" => {
            let name = param(&["page"])?;
            let start = match rule.start {
                Some(start) => start,
                None => query_param(op, &name).map_or(1, first_page),
            };
            PageStyle::Page {
                param: name,
                size: optional_param(&rule.limit)?,
                start,
            }
        }
        other => {
            return Err(format!(
                "`{other}` is not a pagination style (use one of {})",
                STYLES.join(", ")
            ));
        }
    };
    Ok(Some(Pagination {
        style,
        items,
        origin,
    }))
}

/// The config file's rule for `op`.
fn from_override(
    op: &Operation,
    types: &BTreeMap<&str, &TypeDef>,
    rule: &PageOverride,
) -> Result<Option<Pagination>, ModelError> {
    from_rule(op, types, rule, PageOrigin::Config(rule.place.clone())).map_err(|problem| {
        ModelError::Config(format!(
            "{}: the pagination of `{}` ({} {}) does not fit it: {problem}\n  help: name a query parameter and body fields the operation documents, or write style = \"none\"",
            rule.place,
            op.name,
            op.method.upper(),
            op.path
        ))
    })
}

/// The operation's vendor extensions; `Ok(None)` when it has none (or says it has one page);
/// the warning when the extension does not fit the operation.
fn from_extensions(
    op: &Operation,
    types: &BTreeMap<&str, &TypeDef>,
    raw: &serde_json::Value,
) -> Result<Option<Option<Pagination>>, ModelWarning> {
    const NAMES: [&str; 4] = [
        "x-ms-pageable",
        "x-speakeasy-pagination",
        "x-fern-pagination",
        "x-pagination",
    ];
    let Some((name, value)) = NAMES
        .iter()
        .find_map(|name| raw.get(*name).map(|value| (*name, value)))
    else {
        return Ok(None);
    };
    let rule = match name {
        "x-ms-pageable" => ms_pageable(value),
        "x-speakeasy-pagination" => speakeasy(value),
        "x-fern-pagination" => fern(value),
        _ => plain(value),
    };
    let place = format!(
        "#/paths/{}/{}/{name}",
        crate::pointer::escape(&op.path),
        op.method.upper().to_ascii_lowercase()
    );
    let rule = rule.map_err(|problem| extension_error(op, &place, name, &problem))?;
    from_rule(op, types, &rule, PageOrigin::Extension(name))
        .map(Some)
        .map_err(|problem| extension_error(op, &place, name, &problem))
}

fn extension_error(op: &Operation, place: &str, name: &str, problem: &str) -> ModelWarning {
    ModelWarning {
        place: place.to_owned(),
        message: format!(
            "`{name}` of `{}` does not fit the operation: {problem}; it is generated without pagination",
            op.name
        ),
        help: "fix the extension, or declare the pagination in the config file ([pagination.<operationId>], or style = \"none\" to silence this)".to_owned(),
    }
}

fn text(value: &serde_json::Value, key: &str) -> Option<String> {
    value.get(key)?.as_str().map(str::to_owned)
}

/// Azure's `x-ms-pageable`: `nextLinkName` (null: one page) and `itemName` (default `value`).
fn ms_pageable(value: &serde_json::Value) -> Result<PageOverride, String> {
    let next = text(value, "nextLinkName");
    Ok(PageOverride {
        style: if next.is_some() { "next-url" } else { "none" }.to_owned(),
        next,
        items: Some(text(value, "itemName").unwrap_or_else(|| "value".to_owned())),
        ..PageOverride::default()
    })
}

/// Speakeasy's `x-speakeasy-pagination`: `type` (`offsetLimit`, `cursor`, `url`), `inputs`
/// (`{name, in: parameters, type: offset|page|limit|cursor}`) and `outputs` (`results`,
/// `nextCursor`, `nextUrl`, as JSONPath `$.a.b`).
fn speakeasy(value: &serde_json::Value) -> Result<PageOverride, String> {
    let kind = text(value, "type").ok_or("it has no `type`")?;
    let inputs = value
        .get("inputs")
        .and_then(serde_json::Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let input = |role: &str| {
        inputs
            .iter()
            .find(|input| {
                text(input, "type").as_deref() == Some(role)
                    && text(input, "in")
                        .as_deref()
                        .is_none_or(|at| at == "parameters")
            })
            .and_then(|input| text(input, "name"))
    };
    let outputs = value.get("outputs").cloned().unwrap_or_default();
    let results = text(&outputs, "results").map(|path| keys(&path).join("."));
    let mut rule = PageOverride {
        items: results,
        ..PageOverride::default()
    };
    match kind.as_str() {
        "offsetLimit" => match (input("offset"), input("page")) {
            (Some(offset), _) => {
                rule.style = "offset".to_owned();
                rule.param = Some(offset);
            }
            (None, Some(page)) => {
                rule.style = "page".to_owned();
                rule.param = Some(page);
            }
            (None, None) => {
                return Err("an offsetLimit input of type offset or page is missing".to_owned());
            }
        },
        "cursor" => {
            rule.style = "cursor".to_owned();
            rule.param =
                Some(input("cursor").ok_or("a cursor input in the parameters is missing")?);
            let next = text(&outputs, "nextCursor").ok_or("outputs.nextCursor is missing")?;
            // `$.data[-1].id`: the last item's field.
            if let Some((_, field)) = next.split_once("[-1].") {
                rule.style = "last-item".to_owned();
                rule.field = Some(field.to_owned());
            } else {
                rule.next = Some(next);
            }
        }
        "url" => {
            rule.style = "next-url".to_owned();
            rule.next = Some(text(&outputs, "nextUrl").ok_or("outputs.nextUrl is missing")?);
        }
        other => {
            return Err(format!(
                "the type `{other}` is not one of offsetLimit, cursor, url"
            ));
        }
    }
    Ok(rule)
}

/// Fern's `x-fern-pagination`: `cursor: $request.x` with `next_cursor: $response.y`, or
/// `offset: $request.page` (with `step: $request.limit`, an offset) and `results`.
fn fern(value: &serde_json::Value) -> Result<PageOverride, String> {
    let request =
        |key: &str| text(value, key).map(|v| v.strip_prefix("$request.").unwrap_or(&v).to_owned());
    let mut rule = PageOverride {
        items: text(value, "results").map(|path| keys(&path).join(".")),
        has_more: text(value, "has-next-page").or_else(|| text(value, "has_next_page")),
        ..PageOverride::default()
    };
    if let Some(cursor) = request("cursor") {
        rule.style = "cursor".to_owned();
        rule.param = Some(cursor);
        rule.next = Some(text(value, "next_cursor").ok_or("next_cursor is missing")?);
    } else if let Some(offset) = request("offset") {
        rule.param = Some(offset);
        match request("step") {
            Some(step) => {
                rule.style = "offset".to_owned();
                rule.limit = Some(step);
            }
            None => rule.style = "page".to_owned(),
        }
    } else {
        return Err("it has neither `cursor` nor `offset`".to_owned());
    }
    Ok(rule)
}

/// `x-pagination`, written with the config file's keys (`style`, `param`, `limit`, `next`,
/// `has_more`, `field`, `items`, `start`).
fn plain(value: &serde_json::Value) -> Result<PageOverride, String> {
    Ok(PageOverride {
        style: text(value, "style").ok_or("it has no `style`")?,
        param: text(value, "param"),
        limit: text(value, "limit"),
        next: text(value, "next"),
        has_more: text(value, "has_more"),
        field: text(value, "field"),
        items: text(value, "items"),
        start: value.get("start").and_then(serde_json::Value::as_u64),
        ..PageOverride::default()
    })
}

/// `name` lowercased without `_`, `-` and `$`, for comparing parameter and field names.
fn norm(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | '$' | '.' | '@'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The first query parameter of `op` whose normalized name is in `names` and whose type
/// `want` accepts.
fn find_param<'a>(
    op: &'a Operation,
    names: &[&str],
    want: fn(&TypeRef) -> bool,
) -> Option<&'a Param> {
    names.iter().find_map(|name| {
        op.params.iter().find(|p| {
            p.location == ParamLocation::Query && norm(&p.wire) == *name && want(strip(&p.ty))
        })
    })
}

fn strip(ty: &TypeRef) -> &TypeRef {
    match ty {
        TypeRef::Option(inner) | TypeRef::Box(inner) => strip(inner),
        other => other,
    }
}

/// Objects of the body where pagination fields are found besides its top level.
const HOLDERS: [&str; 10] = [
    "responsemetadata",
    "meta",
    "metadata",
    "pagination",
    "paging",
    "pageinfo",
    "links",
    "cursor",
    "cursors",
    "page",
];

/// The first field of the body (top level, then inside one of [`HOLDERS`]) whose normalized
/// name is in `names` and whose type `want` accepts: its wire path.
fn find_field(
    op: &Operation,
    types: &BTreeMap<&str, &TypeDef>,
    names: &[&str],
    want: fn(&TypeRef) -> bool,
) -> Option<Vec<String>> {
    let body = success_type(op)?;
    let top = struct_fields(types, body)?;
    let at = |fields: &[super::Field]| {
        names.iter().find_map(|name| {
            fields
                .iter()
                .find(|f| !f.flatten && norm(&f.wire) == *name && want(unwrap(types, &f.ty).0))
                .map(|f| f.wire.clone())
        })
    };
    if let Some(wire) = at(top) {
        return Some(vec![wire]);
    }
    for holder in HOLDERS {
        for field in top.iter().filter(|f| norm(&f.wire) == holder) {
            if let Some(inner) = struct_fields(types, &field.ty) {
                if let Some(wire) = at(inner) {
                    return Some(vec![field.wire.clone(), wire]);
                }
            }
        }
    }
    None
}

/// The conventions of large real APIs (see the module's docs), for a `GET` operation.
fn convention(op: &Operation, types: &BTreeMap<&str, &TypeDef>) -> Option<Pagination> {
    if op.method != HttpMethod::Get {
        return None;
    }
    let items = items_of(op, types, None).ok()?;
    let page = |style| {
        Some(Pagination {
            style,
            items: items.clone(),
            origin: PageOrigin::Convention,
        })
    };
    let any = |_: &TypeRef| true;
    let link_header = op
        .responses
        .iter()
        .filter(|r| r.success)
        .flat_map(|r| &r.headers)
        .any(|h| h.name.eq_ignore_ascii_case("link"));
    if link_header {
        return page(PageStyle::LinkHeader);
    }
    let has_more = find_field(
        op,
        types,
        &["hasmore", "hasnextpage", "hasnext", "more"],
        is_bool,
    );
    if let Some(param) = find_param(op, &["startingafter"], any) {
        let with_id =
            matches!(type_at(types, &items.item, &["id".to_owned()]), Some(ty) if is_text(ty));
        if with_id && has_more.is_some() {
            return page(PageStyle::LastItem {
                param: param.wire.clone(),
                field: "id".to_owned(),
                has_more,
            });
        }
    }
    let cursor_params = [
        "cursor",
        "pagetoken",
        "nextpagetoken",
        "nexttoken",
        "continuationtoken",
        "continuation",
        "pagecursor",
        "startcursor",
        "startingtoken",
        "after",
        "marker",
        "nextcursor",
    ];
    // A body's bare `next` is most often a URL (Django REST framework, Jira): a next URL
    // below, never a cursor; and a cursor is a string (Jira's integer `after` is a time).
    if let Some(param) = find_param(op, &cursor_params, |ty| *ty == TypeRef::String) {
        let tokens = [
            "nextcursor",
            "nextpagetoken",
            "nexttoken",
            "nextpagecursor",
            "continuationtoken",
            "nextcontinuationtoken",
            "nextmarker",
            "endcursor",
            "cursor",
            "after",
        ];
        if let Some(next) = find_field(op, types, &tokens, |ty| *ty == TypeRef::String) {
            return page(PageStyle::Cursor {
                param: param.wire.clone(),
                next,
                has_more,
            });
        }
    }
    let urls = [
        "nextlink",
        "odatanextlink",
        "nexturl",
        "nextpageurl",
        "nexthref",
        "nextpage",
        "next",
    ];
    if let Some(next) = find_field(op, types, &urls, |ty| *ty == TypeRef::String) {
        return page(PageStyle::NextUrl { next });
    }
    let sizes = [
        "limit",
        "perpage",
        "pagesize",
        "size",
        "count",
        "maxresults",
        "top",
        "take",
        "pagelimit",
        "max",
    ];
    let size = find_param(op, &sizes, is_integer).map(|p| p.wire.clone());
    if let Some(param) = find_param(op, &["offset", "skip", "startindex"], is_integer) {
        return page(PageStyle::Offset {
            param: param.wire.clone(),
            limit: size,
        });
    }
    if let Some(param) = find_param(
        op,
        &["page", "pagenumber", "pageno", "pagenum", "pageindex"],
        is_integer,
    ) {
        return page(PageStyle::Page {
            param: param.wire.clone(),
            size,
            start: first_page(param),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::testing::doc;

    fn model(paths: serde_json::Value, schemas: serde_json::Value) -> Api {
        crate::model::testing::api(doc(schemas, paths))
    }

    fn only(api: &Api) -> &Pagination {
        match api.operations.first().and_then(|op| op.pagination.as_ref()) {
            Some(pagination) => pagination,
            None => panic!("not paginated: {:?}", api.operations.first()),
        }
    }

    fn query(name: &str, ty: &str) -> serde_json::Value {
        json!({"name": name, "in": "query", "schema": {"type": ty}})
    }

    fn list(params: serde_json::Value, body: serde_json::Value) -> serde_json::Value {
        json!({"/things": {"get": {
            "operationId": "list_things",
            "parameters": params,
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": body}}}}
        }}})
    }

    fn thing() -> serde_json::Value {
        json!({"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]})
    }

    #[test]
    fn a_link_header_on_an_array_is_github_style() {
        let mut paths = list(
            json!([query("per_page", "integer"), query("page", "integer")]),
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}),
        );
        paths["/things"]["get"]["responses"]["200"]["headers"] =
            json!({"Link": {"schema": {"type": "string"}}});
        let api = model(paths, json!({"Thing": thing()}));
        let pagination = only(&api);
        assert_eq!(pagination.style, PageStyle::LinkHeader);
        assert_eq!(pagination.items.field, None);
        assert_eq!(pagination.items.item, TypeRef::Named("Thing".to_owned()));
    }

    #[test]
    fn slack_cursor_in_response_metadata() {
        let api = model(
            list(
                json!([query("cursor", "string"), query("limit", "integer")]),
                json!({"type": "object", "properties": {
                    "ok": {"type": "boolean"},
                    "channels": {"type": "array", "items": {"type": "string"}},
                    "response_metadata": {"type": "object", "properties": {"next_cursor": {"type": "string"}}}
                }}),
            ),
            json!({}),
        );
        let pagination = only(&api);
        assert_eq!(
            pagination.style,
            PageStyle::Cursor {
                param: "cursor".to_owned(),
                next: vec!["response_metadata".to_owned(), "next_cursor".to_owned()],
                has_more: None,
            }
        );
        assert_eq!(pagination.items.path(), vec!["channels".to_owned()]);
        assert!(pagination.items.optional);
    }

    #[test]
    fn stripe_starting_after_with_has_more() {
        let api = model(
            list(
                json!([query("starting_after", "string"), query("limit", "integer")]),
                json!({"type": "object", "required": ["data", "has_more"], "properties": {
                    "data": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                    "has_more": {"type": "boolean"},
                    "url": {"type": "string"}
                }}),
            ),
            json!({"Thing": thing()}),
        );
        let pagination = only(&api);
        assert_eq!(
            pagination.style,
            PageStyle::LastItem {
                param: "starting_after".to_owned(),
                field: "id".to_owned(),
                has_more: Some(vec!["has_more".to_owned()]),
            }
        );
        assert!(!pagination.items.optional);
    }

    #[test]
    fn offset_and_page_styles() {
        let body = json!({"type": "object", "properties": {"results": {"type": "array", "items": {"type": "integer"}}, "count": {"type": "integer"}}});
        let api = model(
            list(
                json!([query("offset", "integer"), query("limit", "integer")]),
                body.clone(),
            ),
            json!({}),
        );
        assert_eq!(
            only(&api).style,
            PageStyle::Offset {
                param: "offset".to_owned(),
                limit: Some("limit".to_owned())
            }
        );
        let mut page = query("page", "integer");
        page["schema"]["default"] = json!(0);
        let api = model(
            list(json!([page, query("per_page", "integer")]), body),
            json!({}),
        );
        assert_eq!(
            only(&api).style,
            PageStyle::Page {
                param: "page".to_owned(),
                size: Some("per_page".to_owned()),
                start: 0
            }
        );
    }

    #[test]
    fn parameters_never_take_the_stream_methods_names() {
        let api = model(
            list(
                json!([
                    query("page", "integer"),
                    query("items", "integer"),
                    query("pages", "integer")
                ]),
                json!({"type": "array", "items": {"type": "string"}}),
            ),
            json!({}),
        );
        let names: Vec<&str> = api.operations[0]
            .params
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert!(
            !names.contains(&"items") && !names.contains(&"pages"),
            "{names:?}"
        );
        assert_eq!(only(&api).style.name(), "page");
    }

    #[test]
    fn a_list_without_paging_parameters_is_not_paginated() {
        let api = model(
            list(
                json!([query("q", "string")]),
                json!({"type": "array", "items": {"type": "string"}}),
            ),
            json!({}),
        );
        assert_eq!(api.operations[0].pagination, None);
    }

    #[test]
    fn azure_x_ms_pageable() {
        let mut paths = list(
            json!([]),
            json!({"type": "object", "properties": {
                "value": {"type": "array", "items": {"type": "string"}},
                "nextLink": {"type": "string"}
            }}),
        );
        paths["/things"]["get"]["x-ms-pageable"] = json!({"nextLinkName": "nextLink"});
        let api = model(paths.clone(), json!({}));
        let pagination = only(&api);
        assert_eq!(pagination.origin, PageOrigin::Extension("x-ms-pageable"));
        assert_eq!(
            pagination.style,
            PageStyle::NextUrl {
                next: vec!["nextLink".to_owned()]
            }
        );
        paths["/things"]["get"]["x-ms-pageable"] = json!({"nextLinkName": null});
        assert_eq!(
            model(paths.clone(), json!({})).operations[0].pagination,
            None
        );
        // Microsoft Graph's `@odata.nextLink` on a body without it: a warning naming the
        // operation and why, and the operation without pagination (not an error).
        paths["/things"]["get"]["x-ms-pageable"] = json!({"nextLinkName": "next_link"});
        let api = model(paths.clone(), json!({}));
        assert_eq!(api.operations[0].pagination, None);
        let warnings: Vec<&str> = api.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            warnings,
            [
                "`x-ms-pageable` of `list_things` does not fit the operation: the success body \
                 has no field `next_link`; it is generated without pagination"
            ]
        );
        assert_eq!(api.warnings[0].place, "#/paths/~1things/get/x-ms-pageable");
        // A speakeasy extension that cannot be read is a warning too.
        let get = &mut paths["/things"]["get"];
        if let Some(object) = get.as_object_mut() {
            object.remove("x-ms-pageable");
        }
        get["x-speakeasy-pagination"] = json!({"inputs": []});
        let api = model(paths, json!({}));
        assert_eq!(api.operations[0].pagination, None);
        assert!(
            api.warnings[0].message.contains("it has no `type`"),
            "{:?}",
            api.warnings
        );
    }

    #[test]
    fn speakeasy_and_fern_extensions() {
        let body = json!({"type": "object", "properties": {
            "data": {"type": "array", "items": {"type": "string"}},
            "next": {"type": "string"}
        }});
        let mut paths = list(
            json!([query("since", "string"), query("offset", "integer")]),
            body,
        );
        paths["/things"]["get"]["x-speakeasy-pagination"] = json!({
            "type": "cursor",
            "inputs": [{"name": "since", "in": "parameters", "type": "cursor"}],
            "outputs": {"nextCursor": "$.next", "results": "$.data"}
        });
        let api = model(paths.clone(), json!({}));
        assert_eq!(
            only(&api).style,
            PageStyle::Cursor {
                param: "since".to_owned(),
                next: vec!["next".to_owned()],
                has_more: None
            }
        );
        let get = &mut paths["/things"]["get"];
        if let Some(object) = get.as_object_mut() {
            object.remove("x-speakeasy-pagination");
        }
        get["x-fern-pagination"] =
            json!({"offset": "$request.offset", "results": "$response.data"});
        let api = model(paths, json!({}));
        assert_eq!(
            only(&api).origin,
            PageOrigin::Extension("x-fern-pagination")
        );
        assert_eq!(only(&api).style.name(), "page");
    }

    #[test]
    fn config_overrides_are_checked() {
        let paths = list(
            json!([query("q", "string"), query("skip_to", "string")]),
            json!({"type": "object", "properties": {
                "rows": {"type": "array", "items": {"type": "string"}},
                "continue": {"type": "string"}
            }}),
        );
        let merged = doc(json!({}), paths);
        let options = crate::options::Options {
            crate_name: "c".to_owned(),
            ..crate::options::Options::default()
        };
        let mut api = match Api::from_merged(&merged, &options) {
            Ok(api) => api,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(api.operations[0].pagination, None);
        let rule = PageOverride {
            place: "api.toml:3".to_owned(),
            style: "cursor".to_owned(),
            param: Some("skip_to".to_owned()),
            next: Some("continue".to_owned()),
            ..PageOverride::default()
        };
        let mut overrides = BTreeMap::from([("list_things".to_owned(), rule.clone())]);
        assert!(paginate(&mut api, &merged, &overrides).is_ok());
        assert_eq!(
            only(&api).origin,
            PageOrigin::Config("api.toml:3".to_owned())
        );
        assert_eq!(only(&api).items.path(), vec!["rows".to_owned()]);
        overrides.insert(
            "list_things".to_owned(),
            PageOverride {
                param: Some("cursor".to_owned()),
                ..rule.clone()
            },
        );
        let error = paginate(&mut api, &merged, &overrides)
            .err()
            .map(|e| e.to_string());
        let error = error.unwrap_or_default();
        assert!(
            error.starts_with("api.toml:3: the pagination of `list_things` (GET /things) does not fit it: the operation has no query parameter `cursor`"),
            "{error}"
        );
        let overrides = BTreeMap::from([("nothing".to_owned(), rule)]);
        let error = paginate(&mut api, &merged, &overrides)
            .err()
            .map(|e| e.to_string());
        assert!(
            error
                .unwrap_or_default()
                .contains("[pagination.nothing] names no operation")
        );
    }
}
