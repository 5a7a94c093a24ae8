//! The client generated from each fixture page (and from the Syntho pages) compiles inside
//! another crate and works: its types round-trip the JSON the fixture documents, and its
//! requests reach a local server as the page describes. `build.rs` writes the modules to
//! `$OUT_DIR/<name>.rs`.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

macro_rules! generated {
    ($($name:ident),* $(,)?) => {
        $(
            #[allow(dead_code)]
            pub mod $name {
                include!(concat!(env!("OUT_DIR"), "/", stringify!($name), ".rs"));
            }
        )*

        /// Every fixture page has a compiled module here: a new fixture cannot go unchecked.
        #[test]
        fn every_fixture_is_compiled() {
            let compiled: Vec<&str> = [$(stringify!($name)),*]
                .into_iter()
                .filter(|name| *name != "syntho")
                .collect();
            assert_eq!(compiled, stitch_tests::fixture_names());
        }
    };
}

generated!(
    bodiless_error,
    inline_enum_reuse,
    nullable_anyof,
    shared_tags,
    string_object_union,
    two_security_schemes,
    syntho,
);

/// A request as the local server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    /// Path and query, as sent (still percent-encoded).
    uri: String,
    headers: axum::http::HeaderMap,
}

/// A local HTTP server that answers every request with one fixed response and records what it
/// received.
struct Server {
    base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// Starts a server answering `status` with `body` (sent as `application/json`), or with an
    /// empty body when `body` is `None`.
    async fn start(status: u16, body: Option<Value>) -> Server {
        use axum::response::IntoResponse;

        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let router = axum::Router::new().fallback(move |request: axum::extract::Request| {
            let record = Arc::clone(&record);
            let body = body.clone();
            async move {
                record.lock().expect("lock").push(Seen {
                    method: request.method().to_string(),
                    uri: request.uri().to_string(),
                    headers: request.headers().clone(),
                });
                let status = axum::http::StatusCode::from_u16(status).expect("status");
                match body {
                    Some(body) => (status, axum::Json(body)).into_response(),
                    None => status.into_response(),
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, router).await });
        Server {
            base_url: format!("http://{address}"),
            seen,
        }
    }

    /// The one request the server received.
    fn only_request(&self) -> Seen {
        let seen = self.seen.lock().expect("lock");
        assert_eq!(seen.len(), 1, "requests received: {seen:#?}");
        seen[0].clone()
    }
}

/// Deserializes `value` as `T`, serializes it back and returns both.
fn round_trip<T>(value: Value) -> (T, Value)
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let typed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{value} does not deserialize: {e}"));
    let back = serde_json::to_value(&typed).expect("serialize");
    (typed, back)
}

/// `anyOf [X, null]` with `default: null` is `Option<X>` for a string, a uuid, a date-time, a
/// `$ref` (an open enum) and an array: filled values round-trip unchanged, and `null` or an
/// absent field is `None` (and is left out when serializing).
#[test]
fn nullable_anyof_is_option() {
    use nullable_anyof::types::{ItemSchema, ItemState};

    let full = json!({
        "id": "item-1",
        "name": "first",
        "owner_id": "0b5e2b1c-4a9f-4d3e-9c1a-2f6d8e7b5a41",
        "updated": "2024-05-06T07:08:09Z",
        "state": "OPEN",
        "labels": ["a", "b"],
        "history": ["OPEN", "CLOSED", "REOPENED"],
    });
    let (item, back) = round_trip::<ItemSchema>(full.clone());
    assert_eq!(back, full);
    assert_eq!(item.name.as_deref(), Some("first"));
    assert_eq!(
        item.owner_id.map(|id| id.to_string()).as_deref(),
        Some("0b5e2b1c-4a9f-4d3e-9c1a-2f6d8e7b5a41")
    );
    assert_eq!(item.updated.map(|at| at.timestamp()), Some(1_714_979_289));
    assert_eq!(item.state, Some(ItemState::Open));
    assert_eq!(
        item.history,
        Some(vec![
            ItemState::Open,
            ItemState::Closed,
            ItemState::Unknown("REOPENED".to_owned()),
        ])
    );

    let nulls = json!({
        "id": "item-2", "name": null, "owner_id": null, "updated": null,
        "state": null, "labels": null, "history": null,
    });
    let (item, back) = round_trip::<ItemSchema>(nulls);
    assert_eq!(
        item,
        ItemSchema {
            id: "item-2".to_owned(),
            name: None,
            owner_id: None,
            updated: None,
            state: None,
            labels: None,
            history: None,
        }
    );
    assert_eq!(back, json!({ "id": "item-2" }));
    let (absent, _) = round_trip::<ItemSchema>(json!({ "id": "item-2" }));
    assert_eq!(absent, item);
}

/// `anyOf [string, object, null]` is an optional enum that round-trips both a string and an
/// object, and takes `null` as `None`.
#[test]
fn string_object_union_round_trips_each_shape() {
    use string_object_union::types::{ConfigSchema, ConfigSchemaSettings};

    let id = "0b5e2b1c-4a9f-4d3e-9c1a-2f6d8e7b5a41";
    let text = json!({ "id": id, "settings": "{\"rows\": 10}" });
    let (config, back) = round_trip::<ConfigSchema>(text.clone());
    assert_eq!(back, text);
    assert_eq!(
        config.settings,
        Some(ConfigSchemaSettings::String("{\"rows\": 10}".to_owned()))
    );

    let object = json!({ "id": id, "settings": { "rows": 10, "nested": { "a": [1, null] } } });
    let (config, back) = round_trip::<ConfigSchema>(object.clone());
    assert_eq!(back, object);
    assert!(
        matches!(&config.settings, Some(ConfigSchemaSettings::Object(map)) if map["rows"] == 10),
        "{config:?}"
    );

    let (config, back) = round_trip::<ConfigSchema>(json!({ "id": id, "settings": null }));
    assert_eq!(config.settings, None);
    assert_eq!(back, json!({ "id": id }));
}

/// A query parameter whose inline enum lists a component enum's values in another order takes
/// that component type (`types::Color`, which would not compile if a second type had been
/// made), while an inline enum matching no component gets its own open type; both are sent as
/// their wire values.
#[tokio::test]
async fn inline_enum_reuses_the_component() {
    use inline_enum_reuse::types::{Color, ListOfPaintSchema, PaintSchema, PaintsListFinish};
    use inline_enum_reuse::{Client, RetryPolicy};

    let server = Server::start(
        200,
        Some(json!({ "paints": [
            { "id": "p1", "color": "light_grey" },
            { "id": "p2", "color": "ultraviolet" },
        ]})),
    )
    .await;
    let client = Client::builder(&server.base_url)
        .api_key("key")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    let paints = client
        .paints_list()
        .color(Color::LightGrey)
        .finish(PaintsListFinish::Satin)
        .await
        .expect("paints");
    assert_eq!(
        paints,
        ListOfPaintSchema {
            paints: vec![
                PaintSchema {
                    id: "p1".to_owned(),
                    color: Color::LightGrey,
                },
                PaintSchema {
                    id: "p2".to_owned(),
                    color: Color::Unknown("ultraviolet".to_owned()),
                },
            ],
        }
    );
    let seen = server.only_request();
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.uri, "/api/v1/paints/?color=light_grey&finish=satin");
    assert_eq!(seen.headers["x-api-key"], "key");
}

/// A documented `503` without a body is a unit variant of the operation's error enum, a `422`
/// beside it decodes its body as `HttpValidationError`, and an undocumented status keeps the
/// status and the raw body.
#[tokio::test]
async fn bodiless_error_is_a_unit_variant() {
    use bodiless_error::operations::WidgetsRetrieveError;
    use bodiless_error::types::{HttpValidationError, ValidationError, ValidationErrorLocItem};
    use bodiless_error::{Client, Error, RetryPolicy};

    async fn call(status: u16, body: Option<Value>) -> Error<WidgetsRetrieveError> {
        let server = Server::start(status, body).await;
        let client = Client::builder(&server.base_url)
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("client");
        let error = client
            .widgets_retrieve("w1")
            .await
            .expect_err("an error status");
        assert_eq!(server.only_request().uri, "/api/v1/widgets/w1/");
        error
    }

    let error = call(503, None).await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        error.api_error(),
        Some(&WidgetsRetrieveError::ServiceUnavailable)
    );

    let body = json!({ "errors": [{ "loc": ["path", "widget_id", 0], "msg": "bad", "type": "value_error" }] });
    let error = call(422, Some(body)).await;
    assert_eq!(
        error.api_error(),
        Some(&WidgetsRetrieveError::UnprocessableEntity(
            HttpValidationError {
                errors: Some(vec![ValidationError {
                    loc: vec![
                        ValidationErrorLocItem::String("path".to_owned()),
                        ValidationErrorLocItem::String("widget_id".to_owned()),
                        ValidationErrorLocItem::Integer(0),
                    ],
                    msg: "bad".to_owned(),
                    r#type: "value_error".to_owned(),
                }]),
            }
        ))
    );

    let error = call(500, Some(json!({ "detail": "boom" }))).await;
    match &error {
        Error::UnexpectedStatus(response) => {
            assert_eq!(response.status().as_u16(), 500);
            assert_eq!(response.text(), r#"{"detail":"boom"}"#);
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
}

/// Two alternative apiKey schemes (a cookie and a header) each get a builder method named after
/// the scheme; each sends its credential where the page says, and `Debug` never shows it.
#[tokio::test]
async fn two_security_schemes_send_their_credentials() {
    use two_security_schemes::types::PongSchema;
    use two_security_schemes::{Client, RetryPolicy};

    let server = Server::start(200, Some(json!({ "ok": true }))).await;
    let client = Client::builder(&server.base_url)
        .authentication("session-secret")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    assert!(!format!("{client:?}").contains("session-secret"));
    assert_eq!(
        client.ping_retrieve().await.expect("pong"),
        PongSchema { ok: true }
    );
    let seen = server.only_request();
    assert_eq!(seen.headers["cookie"], "sessionid=session-secret");
    assert!(!seen.headers.contains_key("authorization"));

    let server = Server::start(200, Some(json!({ "ok": false }))).await;
    let client = Client::builder(&server.base_url)
        .oidc("Bearer token-secret")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    assert!(!format!("{client:?}").contains("token-secret"));
    assert_eq!(
        client.ping_retrieve().await.expect("pong"),
        PongSchema { ok: false }
    );
    let seen = server.only_request();
    assert_eq!(seen.headers["authorization"], "Bearer token-secret");
    assert!(!seen.headers.contains_key("cookie"));
}

/// Two operations on two paths, from two `##` sections, one of them with two tags, are both
/// methods of the one `Client`, each sending its own method and path (the path parameter
/// percent-encoded as one segment).
#[tokio::test]
async fn shared_tags_operations_are_on_one_client() {
    use shared_tags::types::TeamSchema;
    use shared_tags::{Client, RetryPolicy};

    let team = json!({ "id": "t/1", "archived": true });
    for archive in [false, true] {
        let server = Server::start(200, Some(team.clone())).await;
        let client = Client::builder(&server.base_url)
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("client");
        let got = if archive {
            client.teams_archive_update("t/1").await.expect("team")
        } else {
            client.teams_retrieve("t/1").await.expect("team")
        };
        assert_eq!(
            got,
            TeamSchema {
                id: "t/1".to_owned(),
                archived: true,
            }
        );
        let seen = server.only_request();
        if archive {
            assert_eq!(
                (seen.method.as_str(), seen.uri.as_str()),
                ("PUT", "/api/v1/teams/t%2F1/archive/")
            );
        } else {
            assert_eq!(
                (seen.method.as_str(), seen.uri.as_str()),
                ("GET", "/api/v1/teams/t%2F1/")
            );
        }
    }
}

/// The Syntho client compiled from `specs/syntho` builds with `Client::new`, round-trips a job
/// (open enums included), and lists jobs with the optional `job_type` filter.
#[tokio::test]
async fn syntho_module_works() {
    use syntho::types::{JobAttachmentType, JobSchema, JobSchemaSettings, JobStatus, JobType};
    use syntho::{Client, RetryPolicy};

    Client::new("http://127.0.0.1:1").expect("Client::new");

    let job = json!({
        "id": "0b5e2b1c-4a9f-4d3e-9c1a-2f6d8e7b5a41",
        "engine_id": "1c6f3c2d-5b0a-4e4f-8d2b-3a7e9f8c6b52",
        "type": "fk_scan",
        "status": "PAUSED",
        "created": "2024-05-06T07:08:09Z",
        "settings": { "rows": 10 },
        "attachment_types": ["LOG", "PRIVACY_REPORT"],
    });
    let (typed, back) = round_trip::<JobSchema>(job.clone());
    assert_eq!(back, job);
    assert_eq!(typed.r#type, JobType::FkScan);
    assert_eq!(typed.status, JobStatus::Unknown("PAUSED".to_owned()));
    assert!(matches!(typed.settings, Some(JobSchemaSettings::Object(_))));
    assert_eq!(
        typed.attachment_types,
        Some(vec![
            JobAttachmentType::Log,
            JobAttachmentType::PrivacyReport
        ])
    );

    let server = Server::start(200, Some(json!({ "jobs": [job] }))).await;
    let client = Client::builder(&server.base_url)
        .oidc("Bearer t")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    let jobs = client
        .jobs_list("engine 1")
        .job_type(JobType::Synthesize)
        .await
        .expect("jobs");
    assert_eq!(jobs.jobs, vec![typed]);
    let seen = server.only_request();
    assert_eq!(
        seen.uri,
        "/api/v1/jobs/engine%201/list/?job_type=synthesize"
    );
}
