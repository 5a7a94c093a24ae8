//! A fake Syntho server on loopback, for end-to-end tests of the generated client.
//!
//! It is written against the wire format (`serde_json::Value`), never against the generated
//! types, so a mistake in the generated code cannot hide behind the same mistake here. It keeps
//! jobs in memory, answers the six Jobs operations, checks credentials, and can be told to
//! misbehave (503s with or without `Retry-After`, raw answers, slow answers).
//!
//! Every request and every JSON answer is checked against `generated-client/openapi.json` with a
//! JSON Schema validator: the request's path and query parameters against the operation's
//! parameters, the body against the documented response of that operation and status. A
//! mismatch is recorded as a violation; tests end with [`FakeServer::assert_no_violations`].
//! Injected raw answers are deliberate and are not checked.
//!
//! ```no_run
//! # async fn example() {
//! use stitch_tests::fake_server::{FakeJob, FakeServer};
//! let server = FakeServer::start().await;
//! let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));
//! // ... point the client at server.base_url() ...
//! server.assert_no_violations();
//! # let _ = id;
//! # }
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

/// The `sessionid` cookie the server accepts by default.
pub const SESSION_ID: &str = "fake-session-0123456789";
/// The `Authorization` header the server accepts by default.
pub const AUTHORIZATION: &str = "Bearer fake-token-abcdef";

/// The credentials the server accepts.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The accepted value of the `sessionid` cookie (scheme `authentication`).
    pub session_id: String,
    /// The accepted value of the `Authorization` header (scheme `OIDC`), compared exactly.
    pub authorization: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            session_id: SESSION_ID.to_owned(),
            authorization: AUTHORIZATION.to_owned(),
        }
    }
}

/// How a job ends when it runs to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `... → SUCCESS`
    Success,
    /// `... → FAILURE`
    Failure,
}

/// A job as the server keeps it. Fields are wire strings, so a test can seed values the API
/// does not document (they are then reported as violations when sent).
#[derive(Debug, Clone, PartialEq)]
pub struct FakeJob {
    /// The job id; [`FakeJob::new`] gives a fresh UUID.
    pub id: String,
    /// `engine_id`, matched exactly against the path of `/latest/` and `/list/`.
    pub engine_id: Option<String>,
    /// `type` on the wire (`synthesize`, `pii_scan`, ...).
    pub job_type: String,
    /// `status` on the wire (`STARTED`, `IN_PROGRESS`, ...).
    pub status: String,
    /// `created`, an RFC 3339 timestamp; `/latest/` picks the greatest.
    pub created: Option<String>,
    /// The text `download_log` answers.
    pub log: String,
    /// Where the job ends: STARTED → IN_PROGRESS → this.
    pub outcome: Outcome,
    /// Whether each `GET /api/v1/jobs/{job_id}/` moves the job one step further (before
    /// answering).
    pub advance_on_get: bool,
}

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl FakeJob {
    /// An engine id to use in tests.
    pub const ENGINE: &'static str = "6f1c8e52-7a0d-4c53-9b8e-2d4f0a1b3c5d";
    /// Another engine id.
    pub const OTHER_ENGINE: &'static str = "0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a";

    /// A fresh `STARTED` job of `job_type` on `engine_id` that advances on every GET and
    /// ends in success.
    pub fn new(engine_id: &str, job_type: &str) -> FakeJob {
        let n = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = uuid::Uuid::from_u128(0x5e5e_0000_0000_4000_8000_0000_0000_0000 | u128::from(n));
        FakeJob {
            id: id.to_string(),
            engine_id: Some(engine_id.to_owned()),
            job_type: job_type.to_owned(),
            status: "STARTED".to_owned(),
            created: Some(format!("2026-01-01T00:00:{:02}Z", n % 60)),
            log: format!("job {id}: started\n"),
            outcome: Outcome::Success,
            advance_on_get: true,
        }
    }

    /// The same job with `status`.
    pub fn status(mut self, status: &str) -> FakeJob {
        self.status = status.to_owned();
        self
    }

    /// The same job with `created`.
    pub fn created(mut self, created: &str) -> FakeJob {
        self.created = Some(created.to_owned());
        self
    }

    /// The same job with `log` as its log text.
    pub fn log(mut self, log: &str) -> FakeJob {
        self.log = log.to_owned();
        self
    }

    /// The same job ending in `outcome`.
    pub fn outcome(mut self, outcome: Outcome) -> FakeJob {
        self.outcome = outcome;
        self
    }

    /// The same job, frozen: GETs do not advance it.
    pub fn frozen(mut self) -> FakeJob {
        self.advance_on_get = false;
        self
    }

    fn is_finished(&self) -> bool {
        matches!(self.status.as_str(), "SUCCESS" | "FAILURE" | "REVOKED")
    }

    fn advance(&mut self) {
        let next = match self.status.as_str() {
            "STARTED" => "IN_PROGRESS",
            "IN_PROGRESS" => match self.outcome {
                Outcome::Success => "SUCCESS",
                Outcome::Failure => "FAILURE",
            },
            _ => return,
        };
        self.log.push_str(&format!("status {next}\n"));
        self.status = next.to_owned();
    }

    /// The job as `JobSchema` on the wire.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "engine_id": self.engine_id,
            "workflow_id": null,
            "type": self.job_type,
            "status": self.status,
            "created": self.created,
            "last_updated": self.created,
            "settings": {"rows": 1000},
            "now": null,
            "attachment_types": ["LOG"],
        })
    }
}

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// `GET`, `PUT`, ...
    pub method: String,
    /// The path exactly as it came on the wire (still percent-encoded).
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// The headers, names lowercase; values that are not text are `<binary>`.
    pub headers: Vec<(String, String)>,
    /// The `operationId` the request matched, if any.
    pub operation: Option<String>,
    /// The status the server answered (0 while it has not answered).
    pub status: u16,
}

impl RecordedRequest {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A deliberate misbehaviour for one request.
#[derive(Debug, Clone)]
enum Fault {
    /// Answer this instead of doing anything else (not checked against the spec).
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Close the connection without answering.
    HangUp,
}

#[derive(Debug, Default)]
struct ServerState {
    jobs: Vec<FakeJob>,
    faults: VecDeque<Fault>,
    requests: Vec<RecordedRequest>,
    violations: Vec<String>,
}

struct Shared {
    config: ServerConfig,
    spec: Spec,
    state: Mutex<ServerState>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, ServerState> {
        // A test that panicked while holding the lock must not hide its own failure behind a
        // poisoned lock here.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The running fake server. Dropping it stops the server.
pub struct FakeServer {
    base_url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeServer")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeServer {
    /// Starts a server on `127.0.0.1` (a free port) with the default credentials, on the
    /// current tokio runtime.
    pub async fn start() -> FakeServer {
        FakeServer::start_with(ServerConfig::default()).await
    }

    /// Starts a server that accepts the credentials in `config`.
    pub async fn start_with(config: ServerConfig) -> FakeServer {
        let spec = Spec::load(&crate::generated_client().join("openapi.json"));
        let shared = Arc::new(Shared {
            config,
            spec,
            state: Mutex::new(ServerState::default()),
        });
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("bind 127.0.0.1:0");
        let address = listener.local_addr().expect("local address");
        let router = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            // Ends when the task is aborted (the server is dropped) or the runtime stops.
            let _ = axum::serve(listener, router).await;
        });
        FakeServer {
            base_url: format!("http://{address}"),
            shared,
            task,
        }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Adds a job; returns its id.
    pub fn add_job(&self, job: FakeJob) -> String {
        let id = job.id.clone();
        self.shared.state().jobs.push(job);
        id
    }

    /// The job with `id` as the server has it now.
    pub fn job(&self, id: &str) -> Option<FakeJob> {
        self.shared
            .state()
            .jobs
            .iter()
            .find(|job| job.id == id)
            .cloned()
    }

    /// The next `count` requests are answered `status` with no body (and `Retry-After:
    /// retry_after` when given), whatever they ask.
    pub fn fail_next(&self, count: usize, status: u16, retry_after: Option<&str>) {
        let headers: Vec<(String, String)> = retry_after
            .map(|value| ("retry-after".to_owned(), value.to_owned()))
            .into_iter()
            .collect();
        let mut state = self.shared.state();
        for _ in 0..count {
            state.faults.push_back(Fault::Respond {
                status,
                headers: headers.clone(),
                body: Vec::new(),
            });
        }
    }

    /// The next request is answered exactly this: `status`, `content_type` (none when
    /// `None`) and `body`, unchecked.
    pub fn respond_raw_next(
        &self,
        status: u16,
        content_type: Option<&str>,
        body: impl Into<Vec<u8>>,
    ) {
        let headers = content_type
            .map(|value| ("content-type".to_owned(), value.to_owned()))
            .into_iter()
            .collect();
        self.shared.state().faults.push_back(Fault::Respond {
            status,
            headers,
            body: body.into(),
        });
    }

    /// The next request is answered normally, but only after `wait`.
    pub fn delay_next(&self, wait: Duration) {
        self.shared.state().faults.push_back(Fault::Delay(wait));
    }

    /// The next `count` requests get no answer: the server closes their connection after
    /// reading them (status 0 in [`FakeServer::requests`]).
    pub fn hang_up_next(&self, count: usize) {
        let mut state = self.shared.state();
        for _ in 0..count {
            state.faults.push_back(Fault::HangUp);
        }
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.state().requests.clone()
    }

    /// How many requests arrived so far.
    pub fn request_count(&self) -> usize {
        self.shared.state().requests.len()
    }

    /// The spec violations seen so far (requests and answers that do not match
    /// `openapi.json`), and forgets them.
    pub fn take_violations(&self) -> Vec<String> {
        std::mem::take(&mut self.shared.state().violations)
    }

    /// Panics, listing them, when any request or answer did not match the spec.
    #[track_caller]
    pub fn assert_no_violations(&self) {
        let violations = self.shared.state().violations.clone();
        assert!(
            violations.is_empty(),
            "the exchange broke the spec:\n  {}",
            violations.join("\n  ")
        );
    }
}

/// The server's view of `openapi.json`: one route per operation, validators compiled once.
struct Spec {
    routes: Vec<Route>,
}

struct Route {
    method: String,
    /// The template split on `/`: `Ok(literal)` or `Err(parameter name)`.
    segments: Vec<Result<String, String>>,
    operation: String,
    parameters: Vec<Parameter>,
    has_request_body: bool,
    /// Status → the body's validator (`None`: documented without content).
    responses: HashMap<u16, Option<jsonschema::Validator>>,
}

struct Parameter {
    name: String,
    location: String,
    required: bool,
    /// The schema's `type`, to read the string from the wire as that type.
    kind: String,
    validator: jsonschema::Validator,
}

impl Spec {
    fn load(path: &std::path::Path) -> Spec {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let document: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
        let components = document.get("components").cloned().unwrap_or(json!({}));
        // `#/components/schemas/X` resolves inside a root that carries the components.
        let compile = |schema: &Value| -> jsonschema::Validator {
            let mut root = json!({ "components": components });
            if let (Value::Object(root), Value::Object(schema)) = (&mut root, schema) {
                for (key, value) in schema {
                    root.insert(key.clone(), value.clone());
                }
            }
            jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&root)
                .unwrap_or_else(|e| panic!("schema {schema} does not compile: {e}"))
        };
        let mut routes = Vec::new();
        let paths = document["paths"].as_object().expect("paths");
        for (template, item) in paths {
            let segments = template
                .split('/')
                .map(
                    |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(name) => Err(name.to_owned()),
                        None => Ok(segment.to_owned()),
                    },
                )
                .collect::<Vec<_>>();
            for (method, operation) in item.as_object().expect("path item") {
                let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let parameters = operation
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|parameter| {
                        let schema = parameter.get("schema").cloned().unwrap_or(json!({}));
                        Parameter {
                            name: parameter["name"].as_str().expect("name").to_owned(),
                            location: parameter["in"].as_str().expect("in").to_owned(),
                            required: parameter.get("required") == Some(&Value::Bool(true)),
                            kind: schema
                                .get("type")
                                .and_then(Value::as_str)
                                .unwrap_or("string")
                                .to_owned(),
                            validator: compile(&schema),
                        }
                    })
                    .collect();
                let mut responses = HashMap::new();
                for (status, response) in operation["responses"].as_object().expect("responses") {
                    let Ok(status) = status.parse::<u16>() else {
                        continue;
                    };
                    let validator = response
                        .pointer("/content/application~1json/schema")
                        .map(&compile);
                    responses.insert(status, validator);
                }
                routes.push(Route {
                    method: method.to_ascii_uppercase(),
                    segments: segments.clone(),
                    operation: id.to_owned(),
                    parameters,
                    has_request_body: operation.get("requestBody").is_some(),
                    responses,
                });
            }
        }
        Spec { routes }
    }

    /// The route for `method` and the raw `path`, with its decoded path parameters.
    fn find(&self, method: &str, path: &str) -> Option<(&Route, BTreeMap<String, String>)> {
        let raw: Vec<&str> = path.split('/').collect();
        'routes: for route in &self.routes {
            if route.method != method || route.segments.len() != raw.len() {
                continue;
            }
            let mut parameters = BTreeMap::new();
            for (segment, raw) in route.segments.iter().zip(&raw) {
                match segment {
                    Ok(literal) if literal == raw => {}
                    Ok(_) => continue 'routes,
                    Err(_) if raw.is_empty() => continue 'routes,
                    Err(name) => {
                        let value = percent_encoding::percent_decode_str(raw)
                            .decode_utf8_lossy()
                            .into_owned();
                        parameters.insert(name.clone(), value);
                    }
                }
            }
            return Some((route, parameters));
        }
        None
    }
}

/// Reads a query string the way a form decoder does (`+` is a space).
fn parse_query(query: Option<&str>) -> Vec<(String, String)> {
    let decode = |text: &str| {
        percent_encoding::percent_decode_str(&text.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

/// A wire string read as the parameter's schema type, for validation.
fn typed(kind: &str, value: &str) -> Value {
    match kind {
        "integer" | "number" => serde_json::from_str::<serde_json::Number>(value)
            .map(Value::Number)
            .unwrap_or_else(|_| Value::String(value.to_owned())),
        "boolean" => match value {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            other => Value::String(other.to_owned()),
        },
        _ => Value::String(value.to_owned()),
    }
}

fn schema_errors(validator: &jsonschema::Validator, instance: &Value) -> Option<String> {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|error| {
            let at = error.instance_path().to_string();
            format!(
                "{}{error}",
                if at.is_empty() {
                    String::new()
                } else {
                    format!("at {at}: ")
                }
            )
        })
        .collect();
    (!errors.is_empty()).then(|| errors.join("; "))
}

/// Whether the request carries one of the accepted credentials.
fn authenticated(config: &ServerConfig, headers: &axum::http::HeaderMap) -> bool {
    let by_header = headers
        .get_all(header::AUTHORIZATION)
        .iter()
        .any(|value| value.as_bytes() == config.authorization.as_bytes());
    let by_cookie = headers.get_all(header::COOKIE).iter().any(|value| {
        value.to_str().is_ok_and(|cookies| {
            cookies.split(';').any(|cookie| {
                cookie
                    .trim()
                    .split_once('=')
                    .is_some_and(|(name, value)| name == "sessionid" && value == config.session_id)
            })
        })
    });
    by_header || by_cookie
}

/// An answer before it is checked and sent.
struct Answer {
    status: u16,
    body: Option<Value>,
}

impl Answer {
    fn json(status: u16, body: Value) -> Answer {
        Answer {
            status,
            body: Some(body),
        }
    }
}

fn validation_error(location: &str, name: &str, msg: &str, kind: &str) -> Answer {
    Answer::json(
        422,
        json!({"errors": [{"loc": [location, name], "msg": msg, "type": kind}]}),
    )
}

fn not_found() -> Answer {
    Answer::json(404, json!({"detail": "Not found."}))
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, 1 << 20).await.unwrap_or_default();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap_or("<binary>").to_owned(),
            )
        })
        .collect();
    let found = shared.spec.find(&method, &path);
    let (index, fault) = {
        let mut state = shared.state();
        state.requests.push(RecordedRequest {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            headers,
            operation: found.as_ref().map(|(route, _)| route.operation.clone()),
            status: 0,
        });
        (state.requests.len() - 1, state.faults.pop_front())
    };
    let reply = |status: u16, extra: Vec<(String, String)>, body: Vec<u8>| {
        shared.state().requests[index].status = status;
        let mut response = Response::new(Body::from(body));
        *response.status_mut() =
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        headers.insert("x-request-id", HeaderValue::from(index + 1));
        for (name, value) in extra {
            if let (Ok(name), Ok(value)) = (
                header::HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                headers.insert(name, value);
            }
        }
        response
    };
    match fault {
        Some(Fault::Respond {
            status,
            headers,
            body,
        }) => return reply(status, headers, body),
        Some(Fault::Delay(wait)) => tokio::time::sleep(wait).await,
        // Unwinding out of the handler ends the connection's task, which closes the socket
        // before any response is written; `resume_unwind` skips the panic hook, so nothing
        // is printed.
        Some(Fault::HangUp) => std::panic::resume_unwind(Box::new("fake server: hang up")),
        None => {}
    }

    if !authenticated(&shared.config, &parts.headers) {
        let body = json!({"detail": "Authentication credentials were not provided."});
        return reply(
            401,
            vec![("content-type".to_owned(), "application/json".to_owned())],
            body.to_string().into_bytes(),
        );
    }
    let Some((route, path_parameters)) = found else {
        shared.state().violations.push(format!(
            "{method} {path}: no documented operation has this method and path"
        ));
        let answer = not_found();
        return reply(
            answer.status,
            vec![("content-type".to_owned(), "application/json".to_owned())],
            answer.body.unwrap_or_default().to_string().into_bytes(),
        );
    };

    // The request against the operation's parameters.
    let query = parse_query(query.as_deref());
    let mut violations = Vec::new();
    for parameter in &route.parameters {
        let values: Vec<&String> = match parameter.location.as_str() {
            "path" => path_parameters.get(&parameter.name).into_iter().collect(),
            "query" => query
                .iter()
                .filter(|(name, _)| *name == parameter.name)
                .map(|(_, value)| value)
                .collect(),
            _ => Vec::new(),
        };
        if values.is_empty() && parameter.required {
            violations.push(format!(
                "{}: the required {} parameter `{}` is missing",
                route.operation, parameter.location, parameter.name
            ));
        }
        if values.len() > 1 {
            violations.push(format!(
                "{}: the {} parameter `{}` came {} times",
                route.operation,
                parameter.location,
                parameter.name,
                values.len()
            ));
        }
        for value in values {
            if let Some(errors) =
                schema_errors(&parameter.validator, &typed(&parameter.kind, value))
            {
                violations.push(format!(
                    "{}: the {} parameter `{}` = {value:?} does not match its schema: {errors}",
                    route.operation, parameter.location, parameter.name
                ));
            }
        }
    }
    for (name, _) in &query {
        if !route
            .parameters
            .iter()
            .any(|parameter| parameter.location == "query" && parameter.name == *name)
        {
            violations.push(format!(
                "{}: the query parameter `{name}` is not documented",
                route.operation
            ));
        }
    }
    if !route.has_request_body && !body.is_empty() {
        violations.push(format!(
            "{}: a body of {} bytes came with an operation that takes none",
            route.operation,
            body.len()
        ));
    }

    let answer = answer(&shared, &route.operation, &path_parameters, &query);

    // The answer against the documented response.
    match route.responses.get(&answer.status) {
        Some(Some(validator)) => match &answer.body {
            Some(body) => {
                if let Some(errors) = schema_errors(validator, body) {
                    violations.push(format!(
                        "{}: the {} answer does not match its schema: {errors}\n    body: {body}",
                        route.operation, answer.status
                    ));
                }
            }
            None => violations.push(format!(
                "{}: the {} answer has no body, but the spec documents one",
                route.operation, answer.status
            )),
        },
        Some(None) if answer.body.is_some() => violations.push(format!(
            "{}: the {} answer has a body, but the spec documents none",
            route.operation, answer.status
        )),
        // Documented without content, or deliberately undocumented (404).
        _ => {}
    }
    shared.state().violations.extend(violations);

    match answer.body {
        Some(body) => reply(
            answer.status,
            vec![("content-type".to_owned(), "application/json".to_owned())],
            body.to_string().into_bytes(),
        ),
        None => reply(answer.status, Vec::new(), Vec::new()),
    }
}

/// What the API does: the answer to one documented operation.
fn answer(
    shared: &Shared,
    operation: &str,
    path: &BTreeMap<String, String>,
    query: &[(String, String)],
) -> Answer {
    let query_value = |name: &str| {
        query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    let mut state = shared.state();
    match operation {
        "jobs_latest_retrieve" | "jobs_list" => {
            let engine = path.get("engine_id").cloned().unwrap_or_default();
            let job_type = query_value("job_type");
            if operation == "jobs_latest_retrieve" && job_type.is_none() {
                return validation_error("query", "job_type", "Field required", "missing");
            }
            if job_type
                .as_ref()
                .is_some_and(|job_type| !KNOWN_JOB_TYPES.contains(&job_type.as_str()))
            {
                return validation_error(
                    "query",
                    "job_type",
                    &format!("Input should be one of {}", KNOWN_JOB_TYPES.join(", ")),
                    "enum",
                );
            }
            let matching = state.jobs.iter().filter(|job| {
                job.engine_id.as_deref() == Some(engine.as_str())
                    && job_type
                        .as_ref()
                        .is_none_or(|wanted| &job.job_type == wanted)
            });
            if operation == "jobs_list" {
                let jobs: Vec<Value> = matching.map(FakeJob::to_json).collect();
                return Answer::json(200, json!({ "jobs": jobs }));
            }
            // The greatest `created`; the last added among equals.
            match matching
                .enumerate()
                .max_by(|(i, a), (j, b)| (&a.created, i).cmp(&(&b.created, j)))
            {
                Some((_, job)) => Answer::json(200, job.to_json()),
                None => not_found(),
            }
        }
        "jobs_retrieve"
        | "jobs_cancel_update"
        | "jobs_delete_destroy"
        | "jobs_download_log_retrieve" => {
            let id = path.get("job_id").cloned().unwrap_or_default();
            let Ok(uuid) = uuid::Uuid::parse_str(&id) else {
                return validation_error(
                    "path",
                    "job_id",
                    "Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-]",
                    "uuid_parsing",
                );
            };
            let Some(position) = state
                .jobs
                .iter()
                .position(|job| uuid::Uuid::parse_str(&job.id).is_ok_and(|job_id| job_id == uuid))
            else {
                return not_found();
            };
            let job = &mut state.jobs[position];
            match operation {
                "jobs_retrieve" => {
                    if job.advance_on_get {
                        job.advance();
                    }
                    Answer::json(200, job.to_json())
                }
                "jobs_cancel_update" => {
                    let reason = if job.is_finished() {
                        format!("job already finished with {}", job.status)
                    } else {
                        job.status = "REVOKED".to_owned();
                        job.log.push_str("status REVOKED\n");
                        "job cancelled".to_owned()
                    };
                    Answer::json(
                        200,
                        json!({"id": job.id, "status": job.status, "reason": reason}),
                    )
                }
                "jobs_delete_destroy" => {
                    let job = state.jobs.remove(position);
                    Answer::json(
                        200,
                        json!({"id": job.id, "status": job.status, "reason": "job deleted"}),
                    )
                }
                _ => Answer::json(200, json!({"id": job.id, "log": job.log})),
            }
        }
        _ => Answer {
            status: 501,
            body: None,
        },
    }
}

/// The `JobType` values the API documents.
const KNOWN_JOB_TYPES: &[&str] = &[
    "synthesize",
    "fk_scan",
    "pii_scan",
    "subsetting",
    "create_engine",
    "update_engine",
    "update_engine_settings",
    "schema_resolve",
    "sync_target",
    "import_engine",
    "export_engine",
];
