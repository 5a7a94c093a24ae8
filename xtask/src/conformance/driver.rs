//! The driver of one spec: a binary package beside the generated crate that calls every
//! operation once with its required arguments and once more with the optional ones too (when
//! it has any), against the address given as its first argument. Prism serves the document's
//! paths at its root, whatever `servers` says, so the client is built with `base_path("")`
//! (without it, the server's path, e.g. `/ws/1.1`, goes before every request's path).
//!
//! Every argument is the JSON value [`stitch::example`] synthesized from the document, turned
//! into the Rust type the model chose with `serde_json::from_str::<T>` — so an argument that
//! does not fit its own type is reported (kind `argument`) instead of failing the build.
//! The driver's arguments are the address and, optionally, the first call to make (after
//! Prism crashed on the one before). The environment variable [`CALLS_VAR`], when set, lists
//! the calls to make (comma-separated indices; the harness runs a driver once per document
//! Prism serves, see `shard`), and [`PREFER_VAR`], when set, is sent as the `Prefer` header of
//! every request (`dynamic=true`: Prism answers from the schemas, not the examples). Before call `n` the driver sends the marker `TRACE /__stitch_conformance/<n>` (a raw HTTP
//! request on its own connection) so Prism's log can be split by call; after the last call,
//! the marker `end`. For each call it prints one line: `n<TAB>kind<TAB>status<TAB>message`,
//! where kind is `ok` (decoded into the success type), `api` (decoded into the operation's
//! typed error), `argument`, or the `Error` variant the client returned.

use std::fmt::Write as _;

use serde_json::Value;
use stitch::example::{self, Argument, Call, Fill};
use stitch::model::{
    Api, BodyEncoding, Operation, SchemeKind, StatusMatch, TypeRef, XmlKind, XmlShapeRef,
};

/// The environment variable that lists the calls a driver run makes.
pub const CALLS_VAR: &str = "STITCH_CONFORMANCE_CALLS";
/// The environment variable whose value goes into a `Prefer` header on every request.
pub const PREFER_VAR: &str = "STITCH_CONFORMANCE_PREFER";

/// One planned call.
#[derive(Debug, Clone)]
pub struct Planned {
    /// `GET /pets/{id}`.
    pub http: String,
    /// The `Client` method.
    pub method: String,
    /// Required only, or optional arguments too.
    pub fill: Fill,
    /// The arguments.
    pub call: Call,
    /// Why the call is not made (an argument the harness cannot build).
    pub skip: Option<String>,
    /// The call sends a body, as `application/x-www-form-urlencoded`.
    pub form_body: bool,
    /// The call sends an XML body (`application/xml`, `text/xml`, `+xml`).
    pub xml_body: bool,
    /// The operation documents a redirect (a `3xx` response).
    pub redirect: bool,
    /// A documented answer of the operation has an XML body.
    pub xml_answer: bool,
    /// The properties its XML answers carry as attributes (`xml.attribute: true`): JSON
    /// name and XML name (without prefix).
    pub xml_attributes: Vec<(String, String)>,
}

/// The calls of every operation: with required arguments, and again with every argument
/// when the operation takes optional ones.
pub fn plan(api: &Api, document: &Value) -> Vec<Planned> {
    let mut planned = Vec::new();
    for op in &api.operations {
        let optional =
            op.params.iter().any(|p| !p.required) || op.body.as_ref().is_some_and(|b| !b.required);
        let fills: &[Fill] = if optional {
            &[Fill::Required, Fill::All]
        } else {
            &[Fill::Required]
        };
        for &fill in fills {
            let call = example::call(document, op, fill);
            planned.push(Planned {
                http: format!("{} {}", op.method.upper(), op.path),
                method: op.name.clone(),
                fill,
                skip: skip_reason(op, &call),
                form_body: op.body.as_ref().is_some_and(|b| {
                    b.encoding == BodyEncoding::Form && (b.required || fill == Fill::All)
                }),
                xml_body: op.body.as_ref().is_some_and(|b| {
                    b.media_type.contains("xml") && (b.required || fill == Fill::All)
                }),
                redirect: op.responses.iter().any(|r| {
                    matches!(
                        r.status,
                        StatusMatch::Code(300..=399) | StatusMatch::Class(3)
                    )
                }),
                xml_answer: op.responses.iter().any(|r| r.xml.is_some()),
                xml_attributes: xml_attributes(api, op),
                call,
            });
        }
    }
    planned
}

/// The properties the operation's XML answers carry as attributes, at any depth: JSON name
/// and XML name (without prefix), sorted.
fn xml_attributes(api: &Api, op: &Operation) -> Vec<(String, String)> {
    let mut todo: Vec<usize> = op
        .responses
        .iter()
        .filter_map(|r| match r.xml.as_ref()?.shape {
            XmlShapeRef::Object(index) => Some(index),
            _ => None,
        })
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    let mut found = std::collections::BTreeSet::new();
    while let Some(index) = todo.pop() {
        if !seen.insert(index) {
            continue;
        }
        for field in api.xml_shapes.get(index).into_iter().flatten() {
            if field.kind == XmlKind::Attribute {
                let local = field.name.rsplit(':').next().unwrap_or(&field.name);
                found.insert((field.property.clone(), local.to_owned()));
            }
            if let XmlShapeRef::Object(inner) = field.shape {
                todo.push(inner);
            }
        }
    }
    found.into_iter().collect()
}

/// Why a call cannot be written: a multipart body the API does not describe (built part by
/// part by the caller, no JSON stands for it).
fn skip_reason(_op: &Operation, call: &Call) -> Option<String> {
    call.positional
        .iter()
        .chain(&call.setters)
        .any(|argument| mentions_form(&argument.ty))
        .then(|| "a multipart body without a schema (built part by part)".to_owned())
}

fn mentions_form(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Form => true,
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Box(inner) => mentions_form(inner),
        _ => false,
    }
}

/// The driver's `Cargo.toml`.
pub fn manifest(package: &str, client_package: &str) -> String {
    format!(
        "# Written by `cargo xtask conformance`.\n\
         [package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n\
         {client_package} = {{ path = \"../{client_package}\" }}\n\
         chrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\n\
         reqwest = {{ version = \"0.13\", default-features = false }}\n\
         serde_json = \"1\"\n\
         tokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}\n\
         uuid = {{ version = \"1\", features = [\"serde\"] }}\n"
    )
}

/// The driver's `src/main.rs`.
pub fn program(api: &Api, client_package: &str, planned: &[Planned]) -> String {
    let lib = client_package.replace('-', "_");
    let mut text = format!(
        "//! Conformance driver written by `cargo xtask conformance`: calls every operation of \
         `{client_package}`.\n\
         #![allow(unused_imports, unused_mut, clippy::all)]\n\
         use std::io::{{Read, Write}};\n\
         use {lib} as api;\n\
         use api::types;\n\n"
    );
    text.push_str(PRELUDE);
    text.push_str(
        "#[tokio::main(flavor = \"current_thread\")]\nasync fn main() {\n\
         let address = std::env::args().nth(1).unwrap_or_default();\n\
         let from: usize = std::env::args().nth(2).and_then(|n| n.parse().ok()).unwrap_or(0);\n\
         let builder = api::Client::builder(format!(\"http://{address}\"))\n\
         .base_path(\"\")\n\
         .retry_policy(api::RetryPolicy::none())\n\
         .timeout(Some(std::time::Duration::from_secs(30)))",
    );
    for scheme in &api.security_schemes {
        let method = ident(&scheme.method);
        match scheme.kind {
            SchemeKind::Basic => {
                let _ = write!(text, "\n.{method}(\"conformance\", \"secret\")");
            }
            _ => {
                let _ = write!(text, "\n.{method}(\"conformance\")");
            }
        }
    }
    let _ = write!(
        text,
        ";\nlet only: Option<Vec<usize>> = std::env::var(\"{CALLS_VAR}\").ok()\n\
         .map(|list| list.split(',').filter_map(|n| n.parse().ok()).collect());\n\
         let wanted = |index: usize| from <= index && only.as_ref().map_or(true, |only| only.contains(&index));\n\
         let builder = match std::env::var(\"{PREFER_VAR}\") {{\n\
         Ok(prefer) => {{\n\
         let mut headers = reqwest::header::HeaderMap::new();\n\
         match reqwest::header::HeaderValue::from_str(&prefer) {{\n\
         Ok(value) => {{ headers.insert(reqwest::header::HeaderName::from_static(\"prefer\"), value); }}\n\
         Err(error) => {{ eprintln!(\"bad {PREFER_VAR}: {{error}}\"); std::process::exit(2); }}\n\
         }}\n\
         match reqwest::Client::builder().default_headers(headers).build() {{\n\
         Ok(http) => builder.http_client(http),\n\
         Err(error) => {{ eprintln!(\"cannot build the HTTP client: {{error}}\"); std::process::exit(2); }}\n\
         }}\n\
         }}\n\
         Err(_) => builder,\n\
         }}"
    );
    text.push_str(
        ";\nlet client = match builder.build() {\nOk(client) => client,\n\
         Err(error) => { eprintln!(\"cannot build the client: {error}\"); std::process::exit(2); }\n};\n",
    );
    for (index, planned) in planned.iter().enumerate() {
        if planned.skip.is_some() {
            continue;
        }
        let _ = writeln!(
            text,
            "if wanted({index}) {{\nmarker(&address, \"{index}\");\nprintln!(\"{index}\\t{{}}\", call_{index}(&client).await);\n}}"
        );
    }
    text.push_str("marker(&address, \"end\");\n}\n\n");
    for (index, planned) in planned.iter().enumerate() {
        if planned.skip.is_none() {
            call_function(&mut text, index, &planned.call);
        }
    }
    text
}

/// What every driver shares: the marker request and the outcome line.
const PRELUDE: &str = r#"/// Sends `TRACE /__stitch_conformance/<label>` on its own connection and reads the answer
/// (`TRACE`: no operation has it, so Prism routes the marker nowhere and validates nothing;
/// a `GET` could match a template such as `/{Bucket}/{Key}` and be validated, and even crash
/// Prism).
fn marker(address: &str, label: &str) {
    if let Ok(mut stream) = std::net::TcpStream::connect(address) {
        let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(10)));
        let _ = write!(stream, "TRACE /__stitch_conformance/{label} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
        let mut sink = Vec::new();
        let _ = stream.read_to_end(&mut sink);
    }
}

/// One line of text: no tabs or line breaks, at most 300 characters.
fn line(text: String) -> String {
    text.replace(['\t', '\n', '\r'], " ").chars().take(300).collect()
}

/// `kind<TAB>status<TAB>message` of a call's result.
fn outcome<T, E: std::fmt::Debug>(result: Result<api::ResponseValue<T>, api::Error<E>>) -> String {
    match result {
        Ok(value) => format!("ok\t{}\t", value.status().as_u16()),
        Err(error) => {
            let status = error.status().map_or(0, |s| s.as_u16());
            if error.api_error().is_some() {
                return format!("api\t{status}\t");
            }
            let debug = format!("{error:?}");
            let variant: String = debug.chars().take_while(|c| c.is_alphanumeric()).collect();
            format!("{variant}\t{status}\t{}", line(error.to_string()))
        }
    }
}

"#;

/// `async fn call_<index>`: builds the arguments, calls, and says how it went.
fn call_function(text: &mut String, index: usize, call: &Call) {
    let _ = writeln!(
        text,
        "async fn call_{index}(client: &api::Client) -> String {{"
    );
    let arguments: Vec<&Argument> = call.positional.iter().chain(&call.setters).collect();
    for (n, argument) in arguments.iter().enumerate() {
        let ty = example::rust_type(&argument.ty);
        let json = example::adapt(&argument.ty, &argument.value).to_string();
        let _ = writeln!(
            text,
            "let a{n} = match serde_json::from_str::<{ty}>({}) {{ Ok(value) => value, \
             Err(error) => return format!(\"argument\\t0\\t{}: {{}}\", line(error.to_string())) }};",
            example::raw_string(&json),
            argument.name.replace(['"', '\\', '{', '}'], "")
        );
    }
    let positional: Vec<String> = (0..call.positional.len())
        .map(|n| format!("a{n}"))
        .collect();
    let _ = writeln!(
        text,
        "let request = client.{}({});",
        ident(&call.method),
        positional.join(", ")
    );
    for (offset, setter) in call.setters.iter().enumerate() {
        let n = call.positional.len() + offset;
        let _ = writeln!(text, "let request = request.{}(a{n});", ident(&setter.name));
    }
    text.push_str("outcome(request.send().await)\n}\n\n");
}

/// A Rust identifier, raw when it is a keyword.
fn ident(name: &str) -> String {
    if stitch::model::is_keyword(name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}
