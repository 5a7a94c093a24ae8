//! The wire rules: is a client of the old document still correct against a server of the new
//! one? Compares the two merged documents as JSON values, following `$ref`s on each side.
//!
//! A schema is compared in a direction: in a request the client writes and the server reads
//! (accepting more values is compatible, accepting fewer breaks old clients); in a response the
//! server writes and the client reads (sending fewer kinds of values is compatible, sending
//! new ones breaks old clients). A component reached from several operations is compared once
//! per direction, its changes grouped under the component (by its Rust name, so the wire and
//! the Rust changes of one type stand together). Whatever differs and no rule
//! explains is reported too: `docs-changed` (patch) when only descriptions, titles, summaries,
//! examples or extensions differ, `unclassified-change` (additive: review it) otherwise.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::{Change, Layer, Side, Subject, Verdict};
use crate::method::HttpMethod;
use crate::model::camel;
use crate::pointer::{escape as pointer_token, unescape as pointer_key};

/// Keywords no request or response shows (documentation, and the names and groups the
/// Rust layer judges): their changes are patches on the wire.
const DOC_KEYS: [&str; 9] = [
    "description",
    "summary",
    "title",
    "example",
    "examples",
    "externalDocs",
    "deprecated",
    "operationId",
    "tags",
];

/// How deep `$ref` chains and nested schemas are followed.
const MAX_DEPTH: usize = 64;

/// Who writes the values a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Direction {
    /// The client writes, the server reads.
    Request,
    /// The server writes, the client reads.
    Response,
}

impl Direction {
    fn word(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }

    /// The verdict of a change that lets the writer send more kinds of values (`looser`) or
    /// fewer.
    fn verdict(self, looser: bool) -> Verdict {
        match (self, looser) {
            (Direction::Request, true) | (Direction::Response, false) => Verdict::Additive,
            _ => Verdict::Breaking,
        }
    }
}

/// Every wire change from `old` to `new` (merged OpenAPI documents).
pub(super) fn changes(old: &Value, new: &Value) -> Vec<Change> {
    let mut walk = Walk {
        old,
        new,
        changes: Vec::new(),
        seen: BTreeSet::new(),
        touched: BTreeSet::new(),
    };
    walk.api();
    walk.operations();
    walk.components_left();
    walk.changes
}

struct Walk<'a> {
    old: &'a Value,
    new: &'a Value,
    changes: Vec<Change>,
    /// Schema pairs compared: (old pointer, new pointer, direction).
    seen: BTreeSet<(String, String, Direction)>,
    /// Subjects that got a change from a rule (not from the catch-all).
    touched: BTreeSet<Subject>,
}

/// One side of a comparison: the value, where it is, and its document.
#[derive(Clone, Copy)]
struct At<'a, 'p> {
    value: &'a Value,
    pointer: &'p str,
}

impl<'a> Walk<'a> {
    fn push(&mut self, change: Change) {
        self.touched.insert(change.subject.clone());
        self.changes.push(change);
    }

    fn change(
        &mut self,
        verdict: Verdict,
        kind: &'static str,
        subject: &Subject,
        side: Side,
        pointer: &str,
        message: String,
    ) {
        self.push(
            Change::new(verdict, Layer::Wire, kind, subject.clone(), message).at(side, pointer),
        );
    }

    /// Servers, security schemes and `info`.
    fn api(&mut self) {
        let subject = Subject::Api;
        let url = |doc: &Value| {
            doc.pointer("/servers/0/url")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let (old_url, new_url) = (url(self.old), url(self.new));
        if old_url != new_url {
            self.change(
                Verdict::Breaking,
                "server-changed",
                &subject,
                Side::New,
                "/servers",
                format!("the server URL changed from `{old_url}` to `{new_url}`"),
            );
        }
        let old_schemes = object(self.old.pointer("/components/securitySchemes"));
        let new_schemes = object(self.new.pointer("/components/securitySchemes"));
        for (name, old_scheme) in old_schemes {
            let pointer = format!("/components/securitySchemes/{}", pointer_token(name));
            match new_schemes.get(name) {
                None => self.change(
                    Verdict::Breaking,
                    "security-scheme-removed",
                    &subject,
                    Side::Old,
                    &pointer,
                    format!("the security scheme `{name}` was removed"),
                ),
                Some(new_scheme) => {
                    if without_docs(old_scheme) != without_docs(new_scheme) {
                        self.change(
                            Verdict::Breaking,
                            "security-scheme-changed",
                            &subject,
                            Side::New,
                            &pointer,
                            format!(
                                "the security scheme `{name}` sends its credential differently"
                            ),
                        );
                    } else if old_scheme != new_scheme {
                        self.change(
                            Verdict::Patch,
                            "docs-changed",
                            &subject,
                            Side::New,
                            &pointer,
                            format!("the documentation of the security scheme `{name}` changed"),
                        );
                    }
                }
            }
        }
        for name in new_schemes.keys() {
            if !old_schemes.contains_key(name) {
                let pointer = format!("/components/securitySchemes/{}", pointer_token(name));
                self.change(
                    Verdict::Additive,
                    "security-scheme-added",
                    &subject,
                    Side::New,
                    &pointer,
                    format!("the security scheme `{name}` was added"),
                );
            }
        }
        if self.old.get("info") != self.new.get("info") {
            self.change(
                Verdict::Patch,
                "info-changed",
                &subject,
                Side::New,
                "/info",
                "the API's `info` (title, version or description) changed".to_owned(),
            );
        }
    }

    fn operations(&mut self) {
        let old_ops = operations(self.old);
        let new_ops = operations(self.new);
        for (path, method) in old_ops.keys() {
            if !new_ops.contains_key(&(path.clone(), *method)) {
                let subject = Subject::Operation {
                    path: path.clone(),
                    method: *method,
                };
                self.change(
                    Verdict::Breaking,
                    "operation-removed",
                    &subject,
                    Side::Old,
                    &op_pointer(path, *method),
                    format!("the operation {subject} was removed"),
                );
            }
        }
        for (key, new_op) in &new_ops {
            let (path, method) = key;
            let subject = Subject::Operation {
                path: path.clone(),
                method: *method,
            };
            let pointer = op_pointer(path, *method);
            let Some(old_op) = old_ops.get(key) else {
                self.change(
                    Verdict::Additive,
                    "operation-added",
                    &subject,
                    Side::New,
                    &pointer,
                    format!("the operation {subject} was added"),
                );
                continue;
            };
            self.operation(&subject, &pointer, path, old_op, new_op);
            if !self.touched.contains(&subject) {
                let old_item = self.old.pointer(&path_pointer(path));
                let new_item = self.new.pointer(&path_pointer(path));
                let old_all = (old_op, old_item.and_then(|i| i.get("parameters")));
                let new_all = (new_op, new_item.and_then(|i| i.get("parameters")));
                let old_all = json!([old_all.0, old_all.1]);
                let new_all = json!([new_all.0, new_all.1]);
                if let Some((verdict, kind, message)) =
                    leftover(&old_all, &new_all, &subject.to_string())
                {
                    self.change(verdict, kind, &subject, Side::New, &pointer, message);
                }
            }
        }
    }

    fn operation(
        &mut self,
        subject: &Subject,
        pointer: &str,
        path: &str,
        old_op: &'a Value,
        new_op: &'a Value,
    ) {
        self.parameters(subject, pointer, path, old_op, new_op);
        self.request_body(subject, pointer, old_op, new_op);
        self.responses(subject, pointer, old_op, new_op);
        // Security: an old client configured for one of the old alternatives keeps working
        // when some new alternative needs no more than it.
        let old_security = security(self.old, old_op);
        let new_security = security(self.new, new_op);
        if old_security != new_security {
            let kept = old_security.iter().all(|old_alt| {
                new_security
                    .iter()
                    .any(|new_alt| new_alt.is_subset(old_alt))
            });
            let show = |alts: &BTreeSet<BTreeSet<String>>| {
                let shown: Vec<String> = alts
                    .iter()
                    .map(|alt| {
                        if alt.is_empty() {
                            "none".to_owned()
                        } else {
                            alt.iter().cloned().collect::<Vec<_>>().join(" + ")
                        }
                    })
                    .collect();
                shown.join(" or ")
            };
            self.change(
                if kept {
                    Verdict::Additive
                } else {
                    Verdict::Breaking
                },
                "security-changed",
                subject,
                Side::New,
                pointer,
                format!(
                    "the credentials {subject} accepts changed from {} to {}",
                    show(&old_security),
                    show(&new_security)
                ),
            );
        }
    }

    fn parameters(
        &mut self,
        subject: &Subject,
        op_pointer: &str,
        path: &str,
        old_op: &'a Value,
        new_op: &'a Value,
    ) {
        let old_params = parameters(self.old, path, old_op, op_pointer);
        let new_params = parameters(self.new, path, new_op, op_pointer);
        for ((location, name), (old_at, old_param)) in &old_params {
            let what = format!("{location} parameter `{name}`");
            let Some((new_at, new_param)) = new_params.get(&(location.clone(), name.clone()))
            else {
                self.change(
                    Verdict::Breaking,
                    "parameter-removed",
                    subject,
                    Side::Old,
                    old_at,
                    format!("the {what} was removed (old clients still send it)"),
                );
                continue;
            };
            let required = |p: &Value| p.get("required").and_then(Value::as_bool) == Some(true);
            match (required(old_param), required(new_param)) {
                (false, true) => self.change(
                    Verdict::Breaking,
                    "parameter-became-required",
                    subject,
                    Side::New,
                    new_at,
                    format!("the {what} became required"),
                ),
                (true, false) => self.change(
                    Verdict::Additive,
                    "parameter-became-optional",
                    subject,
                    Side::New,
                    new_at,
                    format!("the {what} became optional"),
                ),
                _ => {}
            }
            let style = |p: &Value| (p.get("style").cloned(), p.get("explode").cloned());
            if style(old_param) != style(new_param) {
                self.change(
                    Verdict::Breaking,
                    "parameter-style-changed",
                    subject,
                    Side::New,
                    new_at,
                    format!("the {what} is serialized differently (`style` or `explode`)"),
                );
            }
            if let (Some(old_schema), Some(new_schema)) =
                (old_param.get("schema"), new_param.get("schema"))
            {
                self.schema(
                    subject,
                    &what,
                    Direction::Request,
                    At {
                        value: old_schema,
                        pointer: &format!("{old_at}/schema"),
                    },
                    At {
                        value: new_schema,
                        pointer: &format!("{new_at}/schema"),
                    },
                    0,
                );
            }
        }
        for ((location, name), (new_at, new_param)) in &new_params {
            if old_params.contains_key(&(location.clone(), name.clone())) {
                continue;
            }
            let what = format!("{location} parameter `{name}`");
            if new_param.get("required").and_then(Value::as_bool) == Some(true) {
                self.change(
                    Verdict::Breaking,
                    "required-parameter-added",
                    subject,
                    Side::New,
                    new_at,
                    format!("the required {what} was added"),
                );
            } else {
                self.change(
                    Verdict::Additive,
                    "optional-parameter-added",
                    subject,
                    Side::New,
                    new_at,
                    format!("the optional {what} was added"),
                );
            }
        }
    }

    fn request_body(
        &mut self,
        subject: &Subject,
        op_pointer: &str,
        old_op: &'a Value,
        new_op: &'a Value,
    ) {
        let pointer = format!("{op_pointer}/requestBody");
        let old_body = old_op
            .get("requestBody")
            .map(|b| resolve(self.old, b, &pointer));
        let new_body = new_op
            .get("requestBody")
            .map(|b| resolve(self.new, b, &pointer));
        let required = |b: &Value| b.get("required").and_then(Value::as_bool) == Some(true);
        match (old_body, new_body) {
            (None, None) => {}
            (Some((_, old_at)), None) => self.change(
                Verdict::Breaking,
                "request-body-removed",
                subject,
                Side::Old,
                &old_at,
                "the request body was removed (old clients still send one)".to_owned(),
            ),
            (None, Some((new_body, new_at))) => {
                let (verdict, kind, what) = if required(new_body) {
                    (Verdict::Breaking, "required-request-body-added", "required")
                } else {
                    (Verdict::Additive, "optional-request-body-added", "optional")
                };
                self.change(
                    verdict,
                    kind,
                    subject,
                    Side::New,
                    &new_at,
                    format!("an {what} request body was added"),
                );
            }
            (Some((old_body, old_at)), Some((new_body, new_at))) => {
                match (required(old_body), required(new_body)) {
                    (false, true) => self.change(
                        Verdict::Breaking,
                        "request-body-became-required",
                        subject,
                        Side::New,
                        &new_at,
                        "the request body became required".to_owned(),
                    ),
                    (true, false) => self.change(
                        Verdict::Additive,
                        "request-body-became-optional",
                        subject,
                        Side::New,
                        &new_at,
                        "the request body became optional".to_owned(),
                    ),
                    _ => {}
                }
                self.content(
                    subject,
                    "the request body",
                    Direction::Request,
                    (old_body, &old_at),
                    (new_body, &new_at),
                );
            }
        }
    }

    /// Compares the `content` of two bodies (request bodies or responses).
    fn content(
        &mut self,
        subject: &Subject,
        what: &str,
        direction: Direction,
        (old_body, old_at): (&'a Value, &str),
        (new_body, new_at): (&'a Value, &str),
    ) {
        let old_content = object(old_body.get("content"));
        let new_content = object(new_body.get("content"));
        for (media, old_media) in old_content {
            let media_at = |at: &str| format!("{at}/content/{}", pointer_token(media));
            let Some(new_media) = new_content.get(media) else {
                // A request the server no longer reads, or a response the client cannot read.
                self.change(
                    Verdict::Breaking,
                    "media-type-removed",
                    subject,
                    Side::Old,
                    &media_at(old_at),
                    format!("{what} no longer comes as `{media}`"),
                );
                continue;
            };
            if let (Some(old_schema), Some(new_schema)) =
                (old_media.get("schema"), new_media.get("schema"))
            {
                self.schema(
                    subject,
                    &format!("{what} (`{media}`)"),
                    direction,
                    At {
                        value: old_schema,
                        pointer: &format!("{}/schema", media_at(old_at)),
                    },
                    At {
                        value: new_schema,
                        pointer: &format!("{}/schema", media_at(new_at)),
                    },
                    0,
                );
            }
        }
        for media in new_content.keys() {
            if !old_content.contains_key(media) {
                let verdict = match direction {
                    Direction::Request => Verdict::Additive,
                    // Old clients do not know how to read it when the server picks it.
                    Direction::Response if old_content.is_empty() => Verdict::Breaking,
                    Direction::Response => Verdict::Additive,
                };
                self.change(
                    verdict,
                    "media-type-added",
                    subject,
                    Side::New,
                    &format!("{new_at}/content/{}", pointer_token(media)),
                    format!("{what} may now come as `{media}`"),
                );
            }
        }
    }

    fn responses(
        &mut self,
        subject: &Subject,
        op_pointer: &str,
        old_op: &'a Value,
        new_op: &'a Value,
    ) {
        let old_responses = object(old_op.get("responses"));
        let new_responses = object(new_op.get("responses"));
        let success = |status: &str| status.starts_with('2');
        for (status, old_response) in old_responses {
            let at = format!("{op_pointer}/responses/{}", pointer_token(status));
            let Some(new_response) = new_responses.get(status) else {
                let (verdict, kind) = if success(status) {
                    (Verdict::Breaking, "success-response-removed")
                } else {
                    (Verdict::Patch, "error-response-removed")
                };
                self.change(
                    verdict,
                    kind,
                    subject,
                    Side::Old,
                    &at,
                    format!("the `{status}` response is no longer documented"),
                );
                continue;
            };
            let (old_response, old_at) = resolve(self.old, old_response, &at);
            let (new_response, new_at) = resolve(self.new, new_response, &at);
            self.content(
                subject,
                &format!("the `{status}` response"),
                Direction::Response,
                (old_response, &old_at),
                (new_response, &new_at),
            );
        }
        for status in new_responses.keys() {
            if !old_responses.contains_key(status) {
                let at = format!("{op_pointer}/responses/{}", pointer_token(status));
                let (kind, what) = if success(status) {
                    ("success-response-added", "success")
                } else {
                    ("error-response-added", "error")
                };
                self.change(
                    Verdict::Additive,
                    kind,
                    subject,
                    Side::New,
                    &at,
                    format!("the {what} response `{status}` was added"),
                );
            }
        }
    }

    /// Compares two schemas in `direction`. `what` names the place for messages; a
    /// component's changes go under the component.
    #[allow(clippy::too_many_arguments)]
    fn schema(
        &mut self,
        subject: &Subject,
        what: &str,
        direction: Direction,
        old: At<'a, '_>,
        new: At<'a, '_>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let (old_value, old_pointer) = resolve(self.old, old.value, old.pointer);
        let (new_value, new_pointer) = resolve(self.new, new.value, new.pointer);
        if !self
            .seen
            .insert((old_pointer.clone(), new_pointer.clone(), direction))
        {
            return;
        }
        // Inside a component, changes belong to the component.
        let (subject, what) = match component_name(&new_pointer) {
            Some(name) if new_pointer.matches('/').count() == 3 => {
                let name = pointer_key(name);
                (Subject::Type(camel(&name)), format!("`{name}`"))
            }
            _ => (subject.clone(), what.to_owned()),
        };
        let subject = &subject;
        let what = what.as_str();
        let dir = direction.word();

        let (old_types, old_null) = shape(self.old, old_value);
        let (new_types, new_null) = shape(self.new, new_value);
        if old_types != new_types {
            let looser = accepts_all(&new_types, &old_types);
            let stricter = accepts_all(&old_types, &new_types);
            let verdict = if looser || stricter {
                direction.verdict(looser)
            } else {
                Verdict::Breaking
            };
            self.change(
                verdict,
                "type-changed",
                subject,
                Side::New,
                &new_pointer,
                format!(
                    "{what} ({dir}) changed type from {} to {}",
                    show_types(&old_types),
                    show_types(&new_types)
                ),
            );
        }
        if old_null != new_null {
            let (kind, how) = if new_null {
                ("became-nullable", "may now be null")
            } else {
                ("became-non-nullable", "can no longer be null")
            };
            self.change(
                direction.verdict(new_null),
                kind,
                subject,
                Side::New,
                &new_pointer,
                format!("{what} ({dir}) {how}"),
            );
        }
        let old_eff = effective(self.old, old_value, &old_pointer);
        let new_eff = effective(self.new, new_value, &new_pointer);
        let (old_value, old_pointer) = old_eff;
        let (new_value, new_pointer) = new_eff;

        let format_of = |v: &Value| v.get("format").and_then(Value::as_str).map(str::to_owned);
        match (format_of(old_value), format_of(new_value)) {
            (Some(a), Some(b)) if a != b => self.change(
                Verdict::Breaking,
                "format-changed",
                subject,
                Side::New,
                &new_pointer,
                format!("{what} ({dir}) changed format from `{a}` to `{b}`"),
            ),
            (Some(a), None) => self.change(
                direction.verdict(true),
                "format-removed",
                subject,
                Side::Old,
                &old_pointer,
                format!("{what} ({dir}) no longer has format `{a}`"),
            ),
            (None, Some(b)) => self.change(
                direction.verdict(false),
                "format-added",
                subject,
                Side::New,
                &new_pointer,
                format!("{what} ({dir}) now has format `{b}`"),
            ),
            _ => {}
        }

        self.enum_values(
            subject,
            what,
            direction,
            (old_value, &old_pointer),
            (new_value, &new_pointer),
        );
        self.limits(subject, what, direction, old_value, new_value, &new_pointer);
        if old_value.get("default") != new_value.get("default") {
            // What the server assumes when a client leaves the value out.
            let verdict = match direction {
                Direction::Request => Verdict::Breaking,
                Direction::Response => Verdict::Patch,
            };
            let shown = |v: &Value| v.get("default").map_or("none".to_owned(), Value::to_string);
            self.change(
                verdict,
                "default-changed",
                subject,
                Side::New,
                &new_pointer,
                format!(
                    "{what} ({dir}): the default changed from {} to {}",
                    shown(old_value),
                    shown(new_value)
                ),
            );
        }
        let closed = |v: &Value| v.get("additionalProperties") == Some(&Value::Bool(false));
        if closed(old_value) != closed(new_value) {
            let (how, looser) = if closed(new_value) {
                ("no longer allows", false)
            } else {
                ("now allows", true)
            };
            self.change(
                direction.verdict(looser),
                "additional-properties-changed",
                subject,
                Side::New,
                &new_pointer,
                format!("{what} ({dir}) {how} properties it does not name"),
            );
        }
        self.properties(
            subject,
            what,
            direction,
            At {
                value: old_value,
                pointer: &old_pointer,
            },
            At {
                value: new_value,
                pointer: &new_pointer,
            },
            depth,
        );
        for key in ["items", "additionalProperties", "not"] {
            if let (Some(a), Some(b)) = (old_value.get(key), new_value.get(key))
                && a.is_object()
                && b.is_object()
            {
                let inner = match key {
                    "items" => format!("{what}[]"),
                    "additionalProperties" => format!("{what} (values)"),
                    _ => format!("{what} (not)"),
                };
                self.schema(
                    subject,
                    &inner,
                    direction,
                    At {
                        value: a,
                        pointer: &format!("{old_pointer}/{key}"),
                    },
                    At {
                        value: b,
                        pointer: &format!("{new_pointer}/{key}"),
                    },
                    depth + 1,
                );
            }
        }
        for key in ["anyOf", "oneOf", "allOf"] {
            let old_branches = branches(self.old, old_value, key);
            let new_branches = branches(self.new, new_value, key);
            if old_branches.is_empty() && new_branches.is_empty() {
                continue;
            }
            for (i, ((a, ai), (b, bi))) in old_branches.iter().zip(&new_branches).enumerate() {
                self.schema(
                    subject,
                    &format!("{what} ({key} #{})", i + 1),
                    direction,
                    At {
                        value: a,
                        pointer: &format!("{old_pointer}/{key}/{ai}"),
                    },
                    At {
                        value: b,
                        pointer: &format!("{new_pointer}/{key}/{bi}"),
                    },
                    depth + 1,
                );
            }
            let (old_n, new_n) = (old_branches.len(), new_branches.len());
            if old_n != new_n {
                // More branches of anyOf/oneOf let the writer send more; of allOf, fewer.
                let more = new_n > old_n;
                let looser = if key == "allOf" { !more } else { more };
                let (kind, how, side, at) = if more {
                    ("schema-branch-added", "gained", Side::New, &new_pointer)
                } else {
                    ("schema-branch-removed", "lost", Side::Old, &old_pointer)
                };
                self.change(
                    direction.verdict(looser),
                    kind,
                    subject,
                    side,
                    at,
                    format!(
                        "{what} ({dir}) {how} {} `{key}` branch{}",
                        old_n.abs_diff(new_n),
                        if old_n.abs_diff(new_n) == 1 { "" } else { "es" }
                    ),
                );
            }
        }
    }

    fn enum_values(
        &mut self,
        subject: &Subject,
        what: &str,
        direction: Direction,
        (old_value, old_pointer): (&Value, &str),
        (new_value, new_pointer): (&Value, &str),
    ) {
        let values = |v: &Value| -> Option<Vec<Value>> {
            v.get("enum")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter(|x| !x.is_null()).cloned().collect())
        };
        let dir = direction.word();
        match (values(old_value), values(new_value)) {
            (Some(old_values), Some(new_values)) => {
                for value in &old_values {
                    if !new_values.contains(value) {
                        self.change(
                            direction.verdict(false),
                            "enum-value-removed",
                            subject,
                            Side::Old,
                            &format!("{old_pointer}/enum"),
                            format!("{what} ({dir}) lost the enum value {value}"),
                        );
                    }
                }
                for value in &new_values {
                    if !old_values.contains(value) {
                        let note = match direction {
                            Direction::Response => {
                                " (stitch's open enums keep it as `Unknown`; stricter clients fail)"
                            }
                            Direction::Request => "",
                        };
                        self.change(
                            direction.verdict(true),
                            "enum-value-added",
                            subject,
                            Side::New,
                            &format!("{new_pointer}/enum"),
                            format!("{what} ({dir}) gained the enum value {value}{note}"),
                        );
                    }
                }
            }
            (None, Some(_)) => self.change(
                direction.verdict(false),
                "enum-added",
                subject,
                Side::New,
                &format!("{new_pointer}/enum"),
                format!("{what} ({dir}) is now limited to a list of values"),
            ),
            (Some(_), None) => self.change(
                direction.verdict(true),
                "enum-removed",
                subject,
                Side::Old,
                &format!("{old_pointer}/enum"),
                format!("{what} ({dir}) is no longer limited to a list of values"),
            ),
            (None, None) => {}
        }
    }

    /// Numeric limits, `pattern`, `multipleOf`, `uniqueItems`.
    fn limits(
        &mut self,
        subject: &Subject,
        what: &str,
        direction: Direction,
        old_value: &Value,
        new_value: &Value,
        new_pointer: &str,
    ) {
        let dir = direction.word();
        // (keyword, a larger value is looser)
        let numeric = [
            ("maxLength", true),
            ("maxItems", true),
            ("maxProperties", true),
            ("maximum", true),
            ("exclusiveMaximum", true),
            ("minLength", false),
            ("minItems", false),
            ("minProperties", false),
            ("minimum", false),
            ("exclusiveMinimum", false),
        ];
        for (key, larger_is_looser) in numeric {
            let number = |v: &Value| v.get(key).and_then(Value::as_f64);
            let looser = match (number(old_value), number(new_value)) {
                (Some(a), Some(b)) if a != b => (b > a) == larger_is_looser,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                _ => continue,
            };
            let shown = |v: &Value| v.get(key).map_or("none".to_owned(), Value::to_string);
            self.change(
                direction.verdict(looser),
                "limit-changed",
                subject,
                Side::New,
                new_pointer,
                format!(
                    "{what} ({dir}): `{key}` changed from {} to {}",
                    shown(old_value),
                    shown(new_value)
                ),
            );
        }
        for key in ["pattern", "multipleOf", "uniqueItems"] {
            let (a, b) = (old_value.get(key), new_value.get(key));
            if a != b {
                let looser = b.is_none() || b == Some(&Value::Bool(false));
                self.change(
                    direction.verdict(looser),
                    "limit-changed",
                    subject,
                    Side::New,
                    new_pointer,
                    format!(
                        "{what} ({dir}): `{key}` changed from {} to {}",
                        a.map_or("none".to_owned(), Value::to_string),
                        b.map_or("none".to_owned(), Value::to_string)
                    ),
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn properties(
        &mut self,
        subject: &Subject,
        what: &str,
        direction: Direction,
        old: At<'a, '_>,
        new: At<'a, '_>,
        depth: usize,
    ) {
        let dir = direction.word();
        let old_props = object(old.value.get("properties"));
        let new_props = object(new.value.get("properties"));
        let required = |v: &Value| -> BTreeSet<String> {
            v.get("required")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (old_required, new_required) = (required(old.value), required(new.value));
        let prop_at = |at: &str, name: &str| format!("{at}/properties/{}", pointer_token(name));
        for (name, old_prop) in old_props {
            let was_required = old_required.contains(name);
            let Some(new_prop) = new_props.get(name) else {
                let how = if was_required { "required" } else { "optional" };
                self.change(
                    Verdict::Breaking,
                    "property-removed",
                    subject,
                    Side::Old,
                    &prop_at(old.pointer, name),
                    format!("{what} ({dir}) lost the {how} property `{name}`"),
                );
                continue;
            };
            let is_required = new_required.contains(name);
            let new_at = prop_at(new.pointer, name);
            if was_required != is_required {
                let (kind, how) = if is_required {
                    ("property-became-required", "became required")
                } else {
                    ("property-became-optional", "became optional")
                };
                self.change(
                    direction.verdict(!is_required),
                    kind,
                    subject,
                    Side::New,
                    &new_at,
                    format!("property `{name}` of {what} ({dir}) {how}"),
                );
            }
            self.schema(
                subject,
                &property(what, name),
                direction,
                At {
                    value: old_prop,
                    pointer: &prop_at(old.pointer, name),
                },
                At {
                    value: new_prop,
                    pointer: &new_at,
                },
                depth + 1,
            );
        }
        for name in new_props.keys() {
            if old_props.contains_key(name) {
                continue;
            }
            let is_required = new_required.contains(name);
            let verdict = match direction {
                Direction::Request if is_required => Verdict::Breaking,
                _ => Verdict::Additive,
            };
            let (kind, how) = if is_required {
                ("required-property-added", "required")
            } else {
                ("optional-property-added", "optional")
            };
            self.change(
                verdict,
                kind,
                subject,
                Side::New,
                &prop_at(new.pointer, name),
                format!("{what} ({dir}) gained the {how} property `{name}`"),
            );
        }
    }

    /// Components whose definitions differ with no rule explaining it (docs, or a detail).
    ///
    /// A component no operation reaches (a webhook's payload, say) is compared here as the
    /// server's data, in the response direction.
    fn components_left(&mut self) {
        let old_schemas = object(self.old.pointer("/components/schemas"));
        let new_schemas = object(self.new.pointer("/components/schemas"));
        let reached: BTreeSet<String> = self.seen.iter().map(|(_, new, _)| new.clone()).collect();
        for (name, new_schema) in new_schemas {
            let Some(old_schema) = old_schemas.get(name) else {
                continue;
            };
            let pointer = format!("/components/schemas/{}", pointer_token(name));
            let subject = Subject::Type(camel(name));
            if old_schema == new_schema {
                continue;
            }
            if !reached.contains(&pointer) {
                self.schema(
                    &subject,
                    &format!("`{name}`"),
                    Direction::Response,
                    At {
                        value: old_schema,
                        pointer: &pointer,
                    },
                    At {
                        value: new_schema,
                        pointer: &pointer,
                    },
                    0,
                );
            }
            if self.touched.contains(&subject) {
                continue;
            }
            if let Some((verdict, kind, message)) =
                leftover(old_schema, new_schema, &format!("the schema `{name}`"))
            {
                self.change(verdict, kind, &subject, Side::New, &pointer, message);
            }
        }
    }
}

/// What differs between `old` and `new` when no rule found a change: nothing, documentation
/// only (`docs-changed`, patch), only which components `$ref`s name, the rules having found
/// the named ones compatible (`ref-changed`, patch), or something no rule reads
/// (`unclassified-change`, additive: review it).
fn leftover(old: &Value, new: &Value, what: &str) -> Option<(Verdict, &'static str, String)> {
    if old == new {
        return None;
    }
    let (old, new) = (without_docs(old), without_docs(new));
    Some(if old == new {
        (
            Verdict::Patch,
            "docs-changed",
            format!("the documentation of {what} changed"),
        )
    } else if without_refs(&old) == without_refs(&new) {
        (
            Verdict::Patch,
            "ref-changed",
            format!("{what} now names other components, of a compatible shape"),
        )
    } else {
        (
            Verdict::Additive,
            "unclassified-change",
            format!("{what} changed in a way no rule classifies (review it)"),
        )
    })
}

/// The value with every `$ref` blanked.
fn without_refs(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if k == "$ref" {
                        Value::Null
                    } else {
                        without_refs(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_refs).collect()),
        other => other.clone(),
    }
}

/// How a property of the schema `what` is named in messages: `` `Job.status` `` for a
/// component's, "the `200` response: property `status`" otherwise.
fn property(what: &str, name: &str) -> String {
    match what.strip_suffix('`') {
        Some(start) if what.starts_with('`') && !start.contains(' ') => format!("{start}.{name}`"),
        _ => format!("{what}: property `{name}`"),
    }
}

/// The object at `value`, or an empty one.
fn object(value: Option<&Value>) -> &Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    value
        .and_then(Value::as_object)
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

/// Every operation: (path, method) → the operation object.
fn operations(doc: &Value) -> BTreeMap<(String, HttpMethod), &Value> {
    let mut ops = BTreeMap::new();
    for (path, item) in object(doc.get("paths")) {
        for method in HttpMethod::ALL {
            if let Some(op) = item.get(method.as_str()).filter(|op| op.is_object()) {
                ops.insert((path.clone(), method), op);
            }
        }
    }
    ops
}

fn path_pointer(path: &str) -> String {
    format!("/paths/{}", pointer_token(path))
}

/// The pointer of an operation in a merged document.
pub(super) fn op_pointer(path: &str, method: HttpMethod) -> String {
    format!("{}/{}", path_pointer(path), method.as_str())
}

/// Follows `$ref`s from `value` at `pointer`: the value it names and its pointer.
fn resolve<'a>(doc: &'a Value, value: &'a Value, pointer: &str) -> (&'a Value, String) {
    let mut value = value;
    let mut pointer = pointer.to_owned();
    for _ in 0..MAX_DEPTH {
        let Some(target) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(ref_pointer)
        else {
            break;
        };
        match doc.pointer(&target) {
            Some(next) => {
                value = next;
                pointer = target;
            }
            None => break,
        }
    }
    (value, pointer)
}

/// The JSON pointer of an internal `$ref` (`#/components/schemas/A%20B` → `/components/schemas/A B`).
fn ref_pointer(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    percent_encoding::percent_decode_str(fragment)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// The component a pointer is in (`/components/schemas/Job/properties/x` → `Job`).
fn component_name(pointer: &str) -> Option<&str> {
    let rest = pointer.strip_prefix("/components/schemas/")?;
    Some(rest.split('/').next().unwrap_or(rest))
}

/// The parameters of an operation, path-level ones included (the operation's own win):
/// (in, name) → (pointer, parameter).
fn parameters<'a>(
    doc: &'a Value,
    path: &str,
    op: &'a Value,
    op_pointer: &str,
) -> BTreeMap<(String, String), (String, &'a Value)> {
    let mut params = BTreeMap::new();
    let item_pointer = path_pointer(path);
    let item = doc.pointer(&item_pointer);
    let lists = [
        (item.and_then(|i| i.get("parameters")), item_pointer),
        (op.get("parameters"), op_pointer.to_owned()),
    ];
    for (list, at) in lists {
        let Some(list) = list.and_then(Value::as_array) else {
            continue;
        };
        for (i, param) in list.iter().enumerate() {
            let (param, pointer) = resolve(doc, param, &format!("{at}/parameters/{i}"));
            let location = param.get("in").and_then(Value::as_str).unwrap_or("");
            let name = param.get("name").and_then(Value::as_str).unwrap_or("");
            // Header names are not case-sensitive.
            let name = if location == "header" {
                name.to_ascii_lowercase()
            } else {
                name.to_owned()
            };
            params.insert((location.to_owned(), name), (pointer, param));
        }
    }
    params
}

/// The security alternatives of an operation (its own, else the document's): each the set
/// of scheme names it needs together.
/// No requirement at all is one alternative that needs nothing.
fn security(doc: &Value, op: &Value) -> BTreeSet<BTreeSet<String>> {
    let list = op.get("security").or_else(|| doc.get("security"));
    let mut alternatives: BTreeSet<BTreeSet<String>> = list
        .and_then(Value::as_array)
        .map(|alts| {
            alts.iter()
                .map(|alt| object(Some(alt)).keys().cloned().collect())
                .collect()
        })
        .unwrap_or_default();
    if alternatives.is_empty() {
        alternatives.insert(BTreeSet::new());
    }
    alternatives
}

/// The value without documentation keywords and extensions, at every depth.
fn without_docs(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !DOC_KEYS.contains(&k.as_str()) && !k.starts_with("x-"))
                .map(|(k, v)| (k.clone(), without_docs(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_docs).collect()),
        other => other.clone(),
    }
}

/// The JSON types a schema allows (empty: any) and whether it allows null: `type` (a string,
/// or 3.1's list), `nullable`, and a `{"type": "null"}` branch of `anyOf`/`oneOf` whose one
/// other branch is the real schema.
fn shape(doc: &Value, schema: &Value) -> (BTreeSet<String>, bool) {
    shape_at(doc, schema, 0)
}

/// [`shape`], `depth` `anyOf`s deep (a `$ref` cycle through them ends at [`MAX_DEPTH`]).
fn shape_at(doc: &Value, schema: &Value, depth: usize) -> (BTreeSet<String>, bool) {
    let mut types = BTreeSet::new();
    let mut null = schema.get("nullable").and_then(Value::as_bool) == Some(true);
    match schema.get("type") {
        Some(Value::String(t)) => {
            types.insert(t.clone());
        }
        Some(Value::Array(list)) => {
            types.extend(list.iter().filter_map(Value::as_str).map(str::to_owned))
        }
        _ => {}
    }
    if types.remove("null") {
        null = true;
    }
    if schema
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(Value::is_null))
    {
        null = true;
    }
    for key in ["anyOf", "oneOf"] {
        let Some(list) = schema.get(key).and_then(Value::as_array) else {
            continue;
        };
        let mut others = Vec::new();
        for branch in list {
            let (branch, _) = resolve(doc, branch, "");
            if is_null_schema(branch) {
                null = true;
            } else {
                others.push(branch);
            }
        }
        if let [only] = others.as_slice()
            && types.is_empty()
            && depth < MAX_DEPTH
        {
            let (inner, inner_null) = shape_at(doc, only, depth + 1);
            types = inner;
            null |= inner_null;
        }
    }
    (types, null)
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
        || schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|a| a.len() == 1 && a[0].is_null())
}

/// The schema that says what the value is: the one non-null branch of an `anyOf`/`oneOf`
/// with a null branch (`anyOf: [X, {"type": "null"}]`), else the schema itself.
fn effective<'a>(doc: &'a Value, schema: &'a Value, pointer: &str) -> (&'a Value, String) {
    for key in ["anyOf", "oneOf"] {
        let Some(list) = schema.get(key).and_then(Value::as_array) else {
            continue;
        };
        let others: Vec<(usize, &Value)> = list
            .iter()
            .enumerate()
            .filter(|(_, b)| !is_null_schema(resolve(doc, b, "").0))
            .collect();
        if others.len() == 1 && others.len() < list.len() {
            let (i, branch) = others[0];
            return resolve(doc, branch, &format!("{pointer}/{key}/{i}"));
        }
    }
    (schema, pointer.to_owned())
}

/// The branches of `key` (`anyOf`, `oneOf`, `allOf`) without null branches, with their index.
fn branches<'a>(doc: &'a Value, schema: &'a Value, key: &str) -> Vec<(&'a Value, usize)> {
    schema
        .get(key)
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .enumerate()
                .filter(|(_, b)| !is_null_schema(resolve(doc, b, "").0))
                .map(|(i, b)| (b, i))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a schema of types `wide` accepts every value of types `narrow` (empty: any type;
/// `number` includes `integer`).
fn accepts_all(wide: &BTreeSet<String>, narrow: &BTreeSet<String>) -> bool {
    if wide.is_empty() {
        return true;
    }
    if narrow.is_empty() {
        return false;
    }
    narrow
        .iter()
        .all(|t| wide.contains(t) || (t == "integer" && wide.contains("number")))
}

fn show_types(types: &BTreeSet<String>) -> String {
    if types.is_empty() {
        "any".to_owned()
    } else {
        types
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A document with one `GET /a` operation built from `op`, and `schemas`.
    fn doc(op: Value, schemas: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": op}},
            "components": {"schemas": schemas}
        })
    }

    fn kinds(old: &Value, new: &Value) -> Vec<(&'static str, Verdict)> {
        changes(old, new)
            .into_iter()
            .map(|c| (c.kind, c.verdict))
            .collect()
    }

    fn response(schema: Value) -> Value {
        json!({"responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": schema}}}}})
    }

    fn request(schema: Value) -> Value {
        json!({"requestBody": {"required": true,
            "content": {"application/json": {"schema": schema}}},
            "responses": {"204": {"description": "ok"}}})
    }

    #[test]
    fn the_same_document_has_no_changes() {
        let d = doc(
            response(json!({"$ref": "#/components/schemas/A"})),
            json!({"A": {"type": "object"}}),
        );
        assert!(changes(&d, &d).is_empty());
    }

    #[test]
    fn operations_removed_break_and_added_add() {
        let old = doc(response(json!({"type": "string"})), json!({}));
        let mut new = old.clone();
        new["paths"]["/b"] = json!({"post": {"responses": {"204": {"description": "ok"}}}});
        assert_eq!(kinds(&old, &new), [("operation-added", Verdict::Additive)]);
        assert_eq!(
            kinds(&new, &old),
            [("operation-removed", Verdict::Breaking)]
        );
    }

    #[test]
    fn parameters_required_break_and_optional_add() {
        let with = |required: bool| {
            let mut op = response(json!({"type": "string"}));
            op["parameters"] = json!([{"name": "q", "in": "query", "required": required,
                "schema": {"type": "string"}}]);
            doc(op, json!({}))
        };
        let none = doc(response(json!({"type": "string"})), json!({}));
        assert_eq!(
            kinds(&none, &with(true)),
            [("required-parameter-added", Verdict::Breaking)]
        );
        assert_eq!(
            kinds(&none, &with(false)),
            [("optional-parameter-added", Verdict::Additive)]
        );
        assert_eq!(
            kinds(&with(false), &with(true)),
            [("parameter-became-required", Verdict::Breaking)]
        );
        assert_eq!(
            kinds(&with(true), &none),
            [("parameter-removed", Verdict::Breaking)]
        );
    }

    #[test]
    fn enum_values_depend_on_the_direction() {
        let e = |values: Value| json!({"E": {"type": "string", "enum": values}});
        let r = json!({"$ref": "#/components/schemas/E"});
        let old = doc(response(r.clone()), e(json!(["a"])));
        let new = doc(response(r.clone()), e(json!(["a", "b"])));
        assert_eq!(kinds(&old, &new), [("enum-value-added", Verdict::Breaking)]);
        assert_eq!(
            kinds(&new, &old),
            [("enum-value-removed", Verdict::Additive)]
        );
        let old = doc(request(r.clone()), e(json!(["a"])));
        let new = doc(request(r), e(json!(["a", "b"])));
        assert_eq!(kinds(&old, &new), [("enum-value-added", Verdict::Additive)]);
        let change = &changes(&old, &new)[0];
        assert_eq!(change.subject, Subject::Type("E".into()));
        assert_eq!(
            change.at,
            Some((Side::New, "/components/schemas/E/enum".into()))
        );
        assert_eq!(
            kinds(&new, &old),
            [("enum-value-removed", Verdict::Breaking)]
        );
    }

    #[test]
    fn properties_and_types_in_both_directions() {
        let obj = |props: Value, required: Value| json!({"O": {"type": "object", "properties": props, "required": required}});
        let r = json!({"$ref": "#/components/schemas/O"});
        let one = obj(json!({"a": {"type": "string"}}), json!(["a"]));
        let two = obj(
            json!({"a": {"type": "string"}, "b": {"type": "integer"}}),
            json!(["a"]),
        );
        let two_req = obj(
            json!({"a": {"type": "string"}, "b": {"type": "integer"}}),
            json!(["a", "b"]),
        );
        let retyped = obj(json!({"a": {"type": "integer"}}), json!(["a"]));
        let nullable = obj(
            json!({"a": {"anyOf": [{"type": "string"}, {"type": "null"}]}}),
            json!(["a"]),
        );
        let resp = |s: &Value| doc(response(r.clone()), s.clone());
        let req = |s: &Value| doc(request(r.clone()), s.clone());
        assert_eq!(
            kinds(&resp(&one), &resp(&two)),
            [("optional-property-added", Verdict::Additive)]
        );
        assert_eq!(
            kinds(&req(&one), &req(&two)),
            [("optional-property-added", Verdict::Additive)]
        );
        assert_eq!(
            kinds(&req(&one), &req(&two_req)),
            [("required-property-added", Verdict::Breaking)]
        );
        assert_eq!(
            kinds(&resp(&two), &resp(&one)),
            [("property-removed", Verdict::Breaking)]
        );
        assert_eq!(
            kinds(&resp(&one), &resp(&retyped)),
            [("type-changed", Verdict::Breaking)]
        );
        assert_eq!(
            kinds(&resp(&one), &resp(&nullable)),
            [("became-nullable", Verdict::Breaking)]
        );
        assert_eq!(
            kinds(&req(&one), &req(&nullable)),
            [("became-nullable", Verdict::Additive)]
        );
        assert_eq!(
            kinds(&resp(&two), &resp(&two_req)),
            [("property-became-required", Verdict::Additive)]
        );
    }

    #[test]
    fn formats_limits_and_widening() {
        let s = |schema: Value| doc(request(schema), json!({}));
        let t = |schema: Value| doc(response(schema), json!({}));
        assert_eq!(
            kinds(
                &s(json!({"type": "string"})),
                &s(json!({"type": "string", "format": "uuid"}))
            ),
            [("format-added", Verdict::Breaking)]
        );
        assert_eq!(
            kinds(
                &t(json!({"type": "string"})),
                &t(json!({"type": "string", "format": "uuid"}))
            ),
            [("format-added", Verdict::Additive)]
        );
        assert_eq!(
            kinds(
                &s(json!({"type": "integer"})),
                &s(json!({"type": "number"}))
            ),
            [("type-changed", Verdict::Additive)]
        );
        assert_eq!(
            kinds(
                &s(json!({"type": "string", "maxLength": 5})),
                &s(json!({"type": "string", "maxLength": 3}))
            ),
            [("limit-changed", Verdict::Breaking)]
        );
        assert_eq!(
            kinds(
                &s(json!({"type": "string", "maxLength": 5})),
                &s(json!({"type": "string", "maxLength": 9}))
            ),
            [("limit-changed", Verdict::Additive)]
        );
    }

    #[test]
    fn responses_security_and_docs() {
        let base = doc(response(json!({"type": "string"})), json!({}));
        let mut more = base.clone();
        more["paths"]["/a"]["get"]["responses"]["404"] = json!({"description": "gone"});
        assert_eq!(
            kinds(&base, &more),
            [("error-response-added", Verdict::Additive)]
        );
        assert_eq!(
            kinds(&more, &base),
            [("error-response-removed", Verdict::Patch)]
        );
        let mut moved = base.clone();
        let ok = moved["paths"]["/a"]["get"]["responses"]["200"].take();
        moved["paths"]["/a"]["get"]["responses"] = json!({"201": ok});
        let found = kinds(&base, &moved);
        assert!(
            found.contains(&("success-response-removed", Verdict::Breaking)),
            "{found:?}"
        );
        let mut secured = base.clone();
        secured["paths"]["/a"]["get"]["security"] = json!([{"key": []}]);
        assert_eq!(
            kinds(&base, &secured),
            [("security-changed", Verdict::Breaking)]
        );
        let mut documented = base.clone();
        documented["paths"]["/a"]["get"]["description"] = json!("Now with words.");
        assert_eq!(
            kinds(&base, &documented),
            [("docs-changed", Verdict::Patch)]
        );
        let mut renamed = base.clone();
        renamed["paths"]["/a"]["get"]["operationId"] = json!("fetch_a");
        assert_eq!(kinds(&base, &renamed), [("docs-changed", Verdict::Patch)]);
        let mut detailed = base.clone();
        detailed["paths"]["/a"]["get"]["callbacks"] = json!({"done": {}});
        assert_eq!(
            kinds(&base, &detailed),
            [("unclassified-change", Verdict::Additive)]
        );
        assert!(
            changes(&base, &detailed)[0]
                .message
                .ends_with("changed in a way no rule classifies (review it)")
        );
    }

    #[test]
    fn a_nullable_union_of_itself_ends() {
        let looped =
            json!({"L": {"anyOf": [{"$ref": "#/components/schemas/L"}, {"type": "null"}]}});
        let r = json!({"$ref": "#/components/schemas/L"});
        let old = doc(response(r.clone()), looped.clone());
        let mut new_schemas = looped;
        new_schemas["L"]["description"] = json!("now documented");
        let new = doc(response(r), new_schemas);
        assert_eq!(kinds(&old, &new), [("docs-changed", Verdict::Patch)]);
    }

    #[test]
    fn defaults_closed_objects_renamed_refs_and_unreached_components() {
        let s = |schema: Value| doc(request(schema), json!({}));
        assert_eq!(
            kinds(
                &s(json!({"type": "boolean", "default": true})),
                &s(json!({"type": "boolean", "default": false}))
            ),
            [("default-changed", Verdict::Breaking)]
        );
        assert_eq!(
            kinds(
                &s(json!({"type": "object"})),
                &s(json!({"type": "object", "additionalProperties": false}))
            ),
            [("additional-properties-changed", Verdict::Breaking)]
        );
        let a = json!({"A": {"type": "string"}, "B": {"type": "string"}});
        let old = doc(
            response(json!({"$ref": "#/components/schemas/A"})),
            a.clone(),
        );
        let new = doc(response(json!({"$ref": "#/components/schemas/B"})), a);
        assert_eq!(kinds(&old, &new), [("ref-changed", Verdict::Patch)]);
        let hook = |props: Value| json!({"Hook": {"type": "object", "properties": props}});
        let old = doc(
            response(json!({"type": "string"})),
            hook(json!({"a": {"type": "string"}})),
        );
        let new = doc(
            response(json!({"type": "string"})),
            hook(json!({"a": {"type": "integer"}})),
        );
        assert_eq!(kinds(&old, &new), [("type-changed", Verdict::Breaking)]);
    }

    #[test]
    fn recursive_components_end() {
        let node = json!({"Node": {"type": "object", "properties": {
            "next": {"$ref": "#/components/schemas/Node"}, "v": {"type": "string"}}}});
        let mut changed = node.clone();
        changed["Node"]["properties"]["v"] = json!({"type": "integer"});
        let r = json!({"$ref": "#/components/schemas/Node"});
        assert_eq!(
            kinds(&doc(response(r.clone()), node), &doc(response(r), changed)),
            [("type-changed", Verdict::Breaking)]
        );
    }
}
