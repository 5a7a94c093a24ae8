//! The generated `syntho-client` against a real HTTP server on loopback.
//!
//! Every test starts its own [`FakeServer`] (an axum server on `127.0.0.1:0` that checks every
//! request and every JSON answer against `generated-client/openapi.json`) and talks to it
//! through the generated client only, over real HTTP. Tests end with
//! `server.assert_no_violations()`: the exchange kept to the spec on both sides.

use std::time::{Duration, Instant};

use stitch_tests::fake_server::{AUTHORIZATION, FakeJob, FakeServer, Outcome, SESSION_ID};
use syntho_client::operations::{
    JobsCancelUpdateError, JobsDeleteDestroyError, JobsListError, JobsRetrieveError,
};
use syntho_client::types::{
    JobAttachmentType, JobStatus, JobType, ValidationError, ValidationErrorLocItem,
};
use syntho_client::{Client, Error, RetryPolicy};

/// Retries as the default policy does, but with waits of a few milliseconds.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

/// A client for `server` that logs in with the OIDC header and retries fast.
fn client_for(server: &FakeServer) -> Client {
    Client::builder(server.base_url())
        .oidc(AUTHORIZATION)
        .retry_policy(fast_retries())
        .build()
        .expect("client builds")
}

/// The error of a call that must fail.
#[track_caller]
fn expect_err<T: std::fmt::Debug, E>(result: Result<T, Error<E>>) -> Error<E> {
    match result {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(error) => error,
    }
}

/// All six operations work end to end against a server that keeps state: `latest` picks the
/// newest job of the type, `list` filters by engine and optional type, `retrieve` shows the
/// job advancing, `download_log` returns its log, `cancel` revokes it, `delete` removes it.
#[tokio::test]
async fn all_six_operations_work_end_to_end() {
    let server = FakeServer::start().await;
    let old = server.add_job(
        FakeJob::new(FakeJob::ENGINE, "synthesize")
            .created("2026-01-01T08:00:00Z")
            .status("SUCCESS"),
    );
    let new = server.add_job(
        FakeJob::new(FakeJob::ENGINE, "synthesize")
            .created("2026-01-02T08:00:00Z")
            .log("reading source\n"),
    );
    let scan = server.add_job(FakeJob::new(FakeJob::ENGINE, "pii_scan"));
    server.add_job(FakeJob::new(FakeJob::OTHER_ENGINE, "synthesize"));
    let client = client_for(&server);

    let latest = client
        .jobs_latest_retrieve(FakeJob::ENGINE, "synthesize")
        .await
        .expect("latest");
    assert_eq!(latest.id.to_string(), new);
    assert_eq!(latest.r#type, JobType::Synthesize);
    assert_eq!(latest.status, JobStatus::Started);
    assert_eq!(
        latest.engine_id.map(|id| id.to_string()).as_deref(),
        Some(FakeJob::ENGINE)
    );
    assert_eq!(latest.attachment_types, Some(vec![JobAttachmentType::Log]));
    assert_eq!(latest.workflow_id, None);
    assert!(latest.created.is_some());

    let all = client.jobs_list(FakeJob::ENGINE).await.expect("list");
    let ids: Vec<String> = all.jobs.iter().map(|job| job.id.to_string()).collect();
    assert_eq!(ids, [old.clone(), new.clone(), scan.clone()]);
    let scans = client
        .jobs_list(FakeJob::ENGINE)
        .job_type(JobType::PiiScan)
        .await
        .expect("filtered list");
    assert_eq!(scans.jobs.len(), 1);
    assert_eq!(scans.jobs[0].r#type, JobType::PiiScan);

    let job = client.jobs_retrieve(new.as_str()).await.expect("retrieve");
    assert_eq!(
        job.status,
        JobStatus::InProgress,
        "each GET advances the job"
    );

    let log = client
        .jobs_download_log_retrieve(new.as_str())
        .await
        .expect("log");
    assert_eq!(log.id.map(|id| id.to_string()), Some(new.clone()));
    let log = log.log.expect("a log");
    assert!(log.starts_with("reading source\n"), "{log}");
    assert!(log.contains("IN_PROGRESS"), "{log}");

    let cancelled = client
        .jobs_cancel_update(new.as_str())
        .await
        .expect("cancel");
    assert_eq!(cancelled.status, Some(JobStatus::Revoked));
    assert_eq!(cancelled.id.map(|id| id.to_string()), Some(new.clone()));
    assert_eq!(server.job(&new).expect("still there").status, "REVOKED");

    let deleted = client
        .jobs_delete_destroy(old.as_str())
        .await
        .expect("delete");
    assert_eq!(deleted.status, Some(JobStatus::Success));
    assert!(server.job(&old).is_none(), "the job is gone");

    let seen: Vec<(String, String, Option<String>)> = server
        .requests()
        .into_iter()
        .map(|request| (request.method, request.path, request.query))
        .collect();
    let engine = FakeJob::ENGINE;
    let expected = [
        (
            "GET",
            format!("/api/v1/jobs/{engine}/latest/"),
            Some("job_type=synthesize"),
        ),
        ("GET", format!("/api/v1/jobs/{engine}/list/"), None),
        (
            "GET",
            format!("/api/v1/jobs/{engine}/list/"),
            Some("job_type=pii_scan"),
        ),
        ("GET", format!("/api/v1/jobs/{new}/"), None),
        ("GET", format!("/api/v1/jobs/{new}/download_log/"), None),
        ("PUT", format!("/api/v1/jobs/{new}/cancel/"), None),
        ("DELETE", format!("/api/v1/jobs/{old}/delete/"), None),
    ]
    .map(|(method, path, query)| (method.to_owned(), path, query.map(str::to_owned)));
    assert_eq!(seen, expected);
    server.assert_no_violations();
}

/// The `authentication` scheme sends the session id as the `sessionid` cookie (and nothing
/// else), and the server accepts it.
#[tokio::test]
async fn the_cookie_scheme_authenticates() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));
    let client = Client::builder(server.base_url())
        .authentication(SESSION_ID)
        .build()
        .expect("client");
    client
        .jobs_retrieve(id)
        .await
        .expect("authenticated by cookie");
    let request = &server.requests()[0];
    assert_eq!(
        request.header("cookie"),
        Some(format!("sessionid={SESSION_ID}").as_str())
    );
    assert_eq!(request.header("authorization"), None);
    server.assert_no_violations();
}

/// The `OIDC` scheme sends the `Authorization` header exactly as given, and the server
/// accepts it.
#[tokio::test]
async fn the_header_scheme_authenticates() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));
    let client = Client::builder(server.base_url())
        .oidc(AUTHORIZATION)
        .build()
        .expect("client");
    client
        .jobs_retrieve(id)
        .await
        .expect("authenticated by header");
    let request = &server.requests()[0];
    assert_eq!(request.header("authorization"), Some(AUTHORIZATION));
    assert_eq!(request.header("cookie"), None);
    server.assert_no_violations();
}

/// Without a credential (or with a wrong one) the server answers 401, a status the API does
/// not document: the client returns `Error::UnexpectedStatus` keeping the status and body.
#[tokio::test]
async fn a_missing_credential_is_an_unexpected_401() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));
    let anonymous = Client::new(server.base_url()).expect("client");
    let wrong = Client::builder(server.base_url())
        .oidc("Bearer not-the-token")
        .build()
        .expect("client");
    for client in [anonymous, wrong] {
        let error = expect_err(client.jobs_retrieve(id.as_str()).await);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
        match &error {
            Error::UnexpectedStatus(response) => {
                assert_eq!(response.status().as_u16(), 401);
                assert!(
                    response.text().contains("credentials"),
                    "{}",
                    response.text()
                );
            }
            other => panic!("expected UnexpectedStatus, got {other:?}"),
        }
        assert!(error.to_string().contains("401"), "{error}");
    }
    assert_eq!(server.request_count(), 2, "a 401 is not retried");
    server.assert_no_violations();
}

/// A documented 422 arrives typed: `Error::Api` holding
/// `JobsRetrieveError::UnprocessableEntity` with the server's `loc`, `msg` and `type`.
#[tokio::test]
async fn a_documented_422_is_a_typed_api_error() {
    let server = FakeServer::start().await;
    let client = client_for(&server);
    let error = expect_err(client.jobs_retrieve("not-a-uuid").await);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    let Error::Api(response) = &error else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 422);
    let JobsRetrieveError::UnprocessableEntity(body) = response.value() else {
        panic!("expected UnprocessableEntity, got {:?}", response.value());
    };
    let errors = body.errors.as_deref().expect("errors");
    let [
        ValidationError {
            loc, msg, r#type, ..
        },
    ] = errors
    else {
        panic!("expected one error, got {errors:?}");
    };
    assert_eq!(
        loc,
        &[
            ValidationErrorLocItem::String("path".to_owned()),
            ValidationErrorLocItem::String("job_id".to_owned()),
        ]
    );
    assert!(msg.contains("UUID"), "{msg}");
    assert_eq!(r#type, "uuid_parsing");
    assert!(matches!(
        error.api_error(),
        Some(JobsRetrieveError::UnprocessableEntity(_))
    ));
    assert_eq!(server.request_count(), 1, "a 422 is not retried");
    server.assert_no_violations();
}

/// An unknown job id answers 404, which the API does not document: `UnexpectedStatus`.
#[tokio::test]
async fn an_unknown_job_is_an_unexpected_404() {
    let server = FakeServer::start().await;
    let client = client_for(&server);
    let error = expect_err(
        client
            .jobs_retrieve("00000000-0000-4000-8000-000000000000")
            .await,
    );
    let Error::UnexpectedStatus(response) = &error else {
        panic!("expected UnexpectedStatus, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 404);
    assert!(response.text().contains("Not found"), "{}", response.text());
    server.assert_no_violations();
}

/// A GET answered 503 twice, then 200, succeeds through the retries: the server saw three
/// requests.
#[tokio::test]
async fn a_get_is_retried_through_503s() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));
    let client = client_for(&server);
    server.fail_next(2, 503, None);
    let job = client.jobs_retrieve(id.as_str()).await.expect("third try");
    assert_eq!(job.id.to_string(), id);
    let statuses: Vec<u16> = server.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [503, 503, 200]);
    server.assert_no_violations();
}

/// 429, 502 and 504 are retried like 503; 500 is not.
#[tokio::test]
async fn only_the_transient_statuses_are_retried() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize").frozen());
    let client = client_for(&server);
    for status in [429, 502, 504] {
        server.fail_next(1, status, None);
        client.jobs_retrieve(id.as_str()).await.expect("retried");
    }
    let statuses: Vec<u16> = server.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 200, 502, 200, 504, 200]);

    server.fail_next(1, 500, None);
    let error = expect_err(client.jobs_retrieve(id.as_str()).await);
    assert!(
        matches!(&error, Error::UnexpectedStatus(r) if r.status().as_u16() == 500),
        "{error:?}"
    );
    assert_eq!(server.request_count(), 7, "a 500 is not retried");
    server.assert_no_violations();
}

/// When the 503s outlast the retries, the last one surfaces as the documented
/// `ServiceUnavailable`, after exactly `1 + max_retries` requests.
#[tokio::test]
async fn retries_give_up_with_the_documented_503() {
    let server = FakeServer::start().await;
    let client = client_for(&server);
    server.fail_next(10, 503, None);
    let error = expect_err(
        client
            .jobs_list(FakeJob::ENGINE)
            .retry_policy(fast_retries().max_retries(2))
            .await,
    );
    assert!(
        matches!(&error, Error::Api(r) if *r.value() == JobsListError::ServiceUnavailable),
        "{error:?}"
    );
    assert_eq!(server.request_count(), 3);
    server.assert_no_violations();
}

/// `RetryPolicy::none()`, per request or per client, surfaces the first 503 as
/// `Error::Api(ServiceUnavailable)` after a single request.
#[tokio::test]
async fn retry_policy_none_does_not_retry() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));

    let client = client_for(&server);
    server.fail_next(1, 503, None);
    let error = expect_err(
        client
            .jobs_retrieve(id.as_str())
            .retry_policy(RetryPolicy::none())
            .await,
    );
    assert_eq!(
        error.api_error(),
        Some(&JobsRetrieveError::ServiceUnavailable)
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.request_count(), 1);

    let never = Client::builder(server.base_url())
        .oidc(AUTHORIZATION)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    server.fail_next(1, 503, None);
    let error = expect_err(never.jobs_retrieve(id.as_str()).await);
    assert_eq!(
        error.api_error(),
        Some(&JobsRetrieveError::ServiceUnavailable)
    );
    assert_eq!(server.request_count(), 2);

    // A per-request policy also overrides the client's in the other direction.
    server.fail_next(1, 503, None);
    never
        .jobs_retrieve(id.as_str())
        .retry_policy(fast_retries())
        .await
        .expect("retried by the request's policy");
    assert_eq!(server.request_count(), 4);
    server.assert_no_violations();
}

/// A documented 503 that comes with a body keeps it: `Error::Api` holds the typed
/// `ServiceUnavailable` and the response as it arrived, and the error's message is the
/// server's (`detail`). Without a body, the message names the typed error.
#[tokio::test]
async fn a_documented_error_keeps_the_body_and_shows_the_servers_message() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));
    let client = client_for(&server);
    let body = r#"{"detail": "down for maintenance until 14:00"}"#;
    server.respond_raw_next(503, Some("application/json"), body);
    let error = expect_err(
        client
            .jobs_retrieve(id.as_str())
            .retry_policy(RetryPolicy::none())
            .await,
    );
    assert_eq!(
        error.api_error(),
        Some(&JobsRetrieveError::ServiceUnavailable)
    );
    assert_eq!(
        error.raw_response().map(|r| r.body()),
        Some(body.as_bytes())
    );
    assert_eq!(
        error.to_string(),
        "the server answered 503 Service Unavailable: down for maintenance until 14:00"
    );

    server.fail_next(1, 503, None);
    let error = expect_err(
        client
            .jobs_retrieve(id.as_str())
            .retry_policy(RetryPolicy::none())
            .await,
    );
    assert_eq!(
        error.to_string(),
        "the server answered 503 Service Unavailable: ServiceUnavailable"
    );
    server.assert_no_violations();
}

/// The server answers `201` where the API documents `200`: the job is decoded all the same
/// and `send()` shows the 201. In strict mode (per client, or per request) it is
/// `UnexpectedStatus` with the body kept.
#[tokio::test]
async fn an_undocumented_201_is_the_documented_value_unless_strict() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));
    let job = server.job(&id).expect("job").to_json().to_string();
    let client = client_for(&server);

    server.respond_raw_next(201, Some("application/json"), job.clone());
    let response = client
        .jobs_retrieve(id.as_str())
        .send()
        .await
        .expect("a 201 is a success");
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.id.to_string(), id);

    server.respond_raw_next(201, Some("application/json"), job.clone());
    let error = expect_err(client.jobs_retrieve(id.as_str()).strict_status(true).await);
    let Error::UnexpectedStatus(raw) = &error else {
        panic!("expected UnexpectedStatus, got {error:?}");
    };
    assert_eq!((raw.status().as_u16(), raw.text()), (201, job.clone()));

    let strict = Client::builder(server.base_url())
        .oidc(AUTHORIZATION)
        .strict_status(true)
        .build()
        .expect("client");
    server.respond_raw_next(201, Some("application/json"), job);
    let error = expect_err(strict.jobs_retrieve(id.as_str()).await);
    assert!(matches!(&error, Error::UnexpectedStatus(_)), "{error:?}");
    server.assert_no_violations();
}

/// `Retry-After: 1` makes the client wait about a second before retrying (instead of its
/// millisecond backoff).
#[tokio::test]
async fn retry_after_is_honoured() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));
    let client = client_for(&server);
    server.fail_next(1, 503, Some("1"));
    let started = Instant::now();
    client.jobs_retrieve(id.as_str()).await.expect("second try");
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(950),
        "retried after {elapsed:?}"
    );
    assert!(
        elapsed < Duration::from_secs(5),
        "retried after {elapsed:?}"
    );
    assert_eq!(server.request_count(), 2);
    server.assert_no_violations();
}

/// A `Retry-After` longer than the policy's `max_retry_after` is cut to it.
#[tokio::test]
async fn a_long_retry_after_is_capped_by_the_policy() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));
    let client = client_for(&server);
    server.fail_next(1, 503, Some("3600"));
    let started = Instant::now();
    client
        .jobs_retrieve(id.as_str())
        .retry_policy(fast_retries().max_retry_after(Duration::from_millis(20)))
        .await
        .expect("second try");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.request_count(), 2);
    server.assert_no_violations();
}

/// `Retry-After` as an HTTP date: two hours ahead waits (here, the policy's 20 ms cap) instead
/// of the policy's backoff of several seconds; a date already past retries at once.
#[tokio::test]
async fn retry_after_may_be_an_http_date() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));
    let client = client_for(&server);
    // Without the date, the wait would be this backoff: 5 to 10 s.
    let slow = RetryPolicy::default()
        .initial_backoff(Duration::from_secs(10))
        .max_backoff(Duration::from_secs(10))
        .max_retry_after(Duration::from_millis(20));
    let date = |offset: chrono::Duration| {
        (chrono::Utc::now() + offset)
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string()
    };
    for offset in [chrono::Duration::hours(2), chrono::Duration::hours(-2)] {
        let before = server.request_count();
        server.fail_next(1, 503, Some(&date(offset)));
        let started = Instant::now();
        client
            .jobs_retrieve(id.as_str())
            .retry_policy(slow.clone())
            .await
            .expect("second try");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "retried after {:?} for a date {offset} away",
            started.elapsed()
        );
        assert_eq!(server.request_count(), before + 2);
    }
    server.assert_no_violations();
}

/// PUT (cancel) and DELETE are idempotent, so the runtime retries them on 503 like a GET.
#[tokio::test]
async fn put_and_delete_are_retried_too() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));
    let client = client_for(&server);

    server.fail_next(1, 503, None);
    let cancelled = client
        .jobs_cancel_update(id.as_str())
        .await
        .expect("cancel");
    assert_eq!(cancelled.status, Some(JobStatus::Revoked));

    server.fail_next(2, 503, None);
    let deleted = client
        .jobs_delete_destroy(id.as_str())
        .await
        .expect("delete");
    assert_eq!(deleted.status, Some(JobStatus::Revoked));

    let seen: Vec<(String, u16)> = server
        .requests()
        .into_iter()
        .map(|request| (request.method, request.status))
        .collect();
    let expected = [
        ("PUT", 503),
        ("PUT", 200),
        ("DELETE", 503),
        ("DELETE", 503),
        ("DELETE", 200),
    ]
    .map(|(method, status)| (method.to_owned(), status));
    assert_eq!(seen, expected);

    // And their documented 503 is typed when retries are off.
    server.fail_next(2, 503, None);
    let error = expect_err(
        client
            .jobs_cancel_update(id.as_str())
            .retry_policy(RetryPolicy::none())
            .await,
    );
    assert_eq!(
        error.api_error(),
        Some(&JobsCancelUpdateError::ServiceUnavailable)
    );
    let error = expect_err(
        client
            .jobs_delete_destroy(id.as_str())
            .retry_policy(RetryPolicy::none())
            .await,
    );
    assert_eq!(
        error.api_error(),
        Some(&JobsDeleteDestroyError::ServiceUnavailable)
    );
    server.assert_no_violations();
}

/// The values of header `name` (lowercase) that `request` carried, in order.
fn header_values(request: &stitch_tests::fake_server::RecordedRequest, name: &str) -> Vec<String> {
    request
        .headers
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
        .collect()
}

/// Headers the caller adds: the client's defaults go with every request, a request's own
/// replace the defaults of their name, several values of one name are all sent; an
/// idempotency key goes with each attempt of its request, the same on the retry, and
/// `.idempotent()` makes a fresh UUID v4 per call. A header the operation sets itself (the
/// OIDC credential's `Authorization`) or one that cannot be sent is refused, naming it,
/// before anything goes out; a default the transport owns is refused by `build`.
#[tokio::test]
async fn added_headers_and_idempotency_keys_reach_the_server() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));
    let client = Client::builder(server.base_url())
        .oidc(AUTHORIZATION)
        .retry_policy(fast_retries())
        .default_header("X-Tenant", "acme")
        .default_header("X-Env", "prod")
        .build()
        .expect("client builds");

    server.fail_next(1, 503, None);
    let cancelled = client
        .jobs_cancel_update(id.as_str())
        .header("X-Env", "staging")
        .header("X-Tag", "a")
        .header("X-Tag", "b")
        .idempotency_key("cancel-7")
        .await
        .expect("cancel");
    assert_eq!(cancelled.status, Some(JobStatus::Revoked));
    let requests = server.requests();
    let statuses: Vec<u16> = requests.iter().map(|request| request.status).collect();
    assert_eq!(statuses, [503, 200]);
    for request in &requests {
        assert_eq!(header_values(request, "x-tenant"), ["acme"]);
        assert_eq!(header_values(request, "x-env"), ["staging"]);
        assert_eq!(header_values(request, "x-tag"), ["a", "b"]);
        assert_eq!(header_values(request, "idempotency-key"), ["cancel-7"]);
        assert_eq!(request.header("authorization"), Some(AUTHORIZATION));
    }

    for _ in 0..2 {
        client
            .jobs_retrieve(id.as_str())
            .idempotent()
            .await
            .expect("retrieve");
    }
    let requests = server.requests();
    let keys: Vec<&str> = requests[2..]
        .iter()
        .map(|request| request.header("idempotency-key").unwrap_or_default())
        .collect();
    assert_eq!(keys.len(), 2);
    assert_ne!(keys[0], keys[1], "a fresh key per call");
    for key in keys {
        let version = uuid::Uuid::parse_str(key).map(|uuid| uuid.get_version_num());
        assert_eq!(version.ok(), Some(4), "{key}");
    }
    // Without a key nothing of the kind is sent.
    client.jobs_retrieve(id.as_str()).await.expect("retrieve");
    assert_eq!(server.requests()[4].header("idempotency-key"), None);

    let error = expect_err(
        client
            .jobs_retrieve(id.as_str())
            .header("Authorization", "Bearer someone-else")
            .await,
    );
    let message = error.to_string();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(message.contains("`authorization`"), "{message}");
    assert!(!message.contains("someone-else"), "{message}");
    let error = expect_err(
        client
            .jobs_retrieve(id.as_str())
            .header("X-Note", "a\r\nX-Evil: 1")
            .await,
    );
    assert!(error.to_string().contains("`X-Note`"), "{error}");
    assert_eq!(server.request_count(), 5, "refused requests are not sent");

    let refused = Client::builder(server.base_url())
        .default_header("Content-Length", "0")
        .build();
    match refused {
        Err(Error::InvalidRequest(message)) => assert!(message.contains("`Content-Length`")),
        other => panic!("expected a refused default header, got {other:?}"),
    }
    server.assert_no_violations();
}

/// Path parameters are percent-encoded as exactly one segment: `/`, `?`, `#`, spaces and
/// non-ASCII cannot change the path or start a query or fragment. The server sees the encoded
/// segment on the wire and decodes it back to the original value.
#[tokio::test]
async fn path_parameters_stay_inside_their_segment() {
    let server = FakeServer::start().await;
    let client = client_for(&server);
    let cases = [
        ("../../admin", "/api/v1/jobs/..%2F..%2Fadmin/"),
        ("a?b", "/api/v1/jobs/a%3Fb/"),
        ("a#b", "/api/v1/jobs/a%23b/"),
        ("a b", "/api/v1/jobs/a%20b/"),
        ("a/b", "/api/v1/jobs/a%2Fb/"),
        ("%2e%2e", "/api/v1/jobs/%252e%252e/"),
        ("...", "/api/v1/jobs/.../"),
        ("é", "/api/v1/jobs/%C3%A9/"),
    ];
    for (id, _) in cases {
        // None of them is a UUID: the server answers its typed 422, so the value arrived as
        // the `job_id` of `jobs_retrieve`, not somewhere else.
        let error = expect_err(client.jobs_retrieve(id).await);
        assert!(
            matches!(
                error.api_error(),
                Some(JobsRetrieveError::UnprocessableEntity(_))
            ),
            "{id:?}: {error:?}"
        );
    }
    let requests = server.requests();
    let seen: Vec<(&str, Option<&str>, Option<&str>)> = requests
        .iter()
        .map(|r| (r.path.as_str(), r.query.as_deref(), r.operation.as_deref()))
        .collect();
    let expected: Vec<(&str, Option<&str>, Option<&str>)> = cases
        .iter()
        .map(|(_, path)| (*path, None, Some("jobs_retrieve")))
        .collect();
    assert_eq!(seen, expected);

    // The same holds for the engine id of `list` (the query stays the query).
    let list = client
        .jobs_list("x/../y?job_type=pii_scan")
        .job_type(JobType::Synthesize)
        .await
        .expect("list");
    assert!(list.jobs.is_empty());
    let last = server.requests().pop().expect("a request");
    assert_eq!(
        last.path,
        "/api/v1/jobs/x%2F..%2Fy%3Fjob_type%3Dpii_scan/list/"
    );
    assert_eq!(last.query.as_deref(), Some("job_type=synthesize"));
    server.assert_no_violations();
}

/// `..`, `.` and the empty string cannot stand as one path segment: every operation refuses
/// them with `Error::InvalidRequest` before sending anything.
#[tokio::test]
async fn dot_segments_and_empty_ids_are_refused_without_a_request() {
    let server = FakeServer::start().await;
    let client = client_for(&server);
    for id in ["..", ".", ""] {
        let errors = [
            expect_err(client.jobs_retrieve(id).await).to_string(),
            expect_err(client.jobs_cancel_update(id).await).to_string(),
            expect_err(client.jobs_delete_destroy(id).await).to_string(),
            expect_err(client.jobs_download_log_retrieve(id).await).to_string(),
            expect_err(client.jobs_list(id).await).to_string(),
            expect_err(client.jobs_latest_retrieve(id, "synthesize").await).to_string(),
        ];
        for message in errors {
            assert!(message.starts_with("invalid request"), "{id:?}: {message}");
            assert!(message.contains("path segment"), "{id:?}: {message}");
        }
        assert!(matches!(
            expect_err(client.jobs_retrieve(id).await),
            Error::InvalidRequest(_)
        ));
    }
    assert_eq!(server.request_count(), 0, "nothing was sent");
}

/// Enum values the client does not know (a newer server's `status`, `type` or attachment
/// type) decode as `Unknown(..)` and serialize back unchanged.
#[tokio::test]
async fn unknown_enum_values_survive_a_round_trip() {
    let server = FakeServer::start().await;
    let client = client_for(&server);
    let id = "7d0c4a8e-1f2b-4c3d-9e4f-5a6b7c8d9e0f";
    let sent = serde_json::json!({
        "id": id,
        "type": "quantum_scan",
        "status": "PAUSED",
        "attachment_types": ["LOG", "VIDEO_REPORT"],
    });
    server.respond_raw_next(200, Some("application/json"), sent.to_string());
    let job = client.jobs_retrieve(id).await.expect("decodes");
    assert_eq!(job.status, JobStatus::Unknown("PAUSED".to_owned()));
    assert_eq!(job.r#type, JobType::Unknown("quantum_scan".to_owned()));
    assert_eq!(
        job.attachment_types,
        Some(vec![
            JobAttachmentType::Log,
            JobAttachmentType::Unknown("VIDEO_REPORT".to_owned())
        ])
    );
    assert_eq!(serde_json::to_value(&job).expect("serializes"), sent);

    let message = serde_json::json!({"id": id, "status": "ARCHIVED", "reason": null});
    server.respond_raw_next(200, Some("application/json"), message.to_string());
    let cancelled = client.jobs_cancel_update(id).await.expect("decodes");
    assert_eq!(
        cancelled.status,
        Some(JobStatus::Unknown("ARCHIVED".to_owned()))
    );
    assert_eq!(
        serde_json::to_value(&cancelled).expect("serializes"),
        serde_json::json!({"id": id, "status": "ARCHIVED"}),
        "a null reason is left out, the unknown status kept"
    );
    server.assert_no_violations();
}

/// An HTML error page on 500 is `UnexpectedStatus` with the page kept as the raw body.
#[tokio::test]
async fn an_html_500_page_is_an_unexpected_status_with_its_body() {
    let server = FakeServer::start().await;
    let client = client_for(&server);
    let page = "<!doctype html><html><body><h1>Server Error (500)</h1></body></html>";
    server.respond_raw_next(500, Some("text/html; charset=utf-8"), page);
    let error = expect_err(client.jobs_list(FakeJob::ENGINE).await);
    let Error::UnexpectedStatus(response) = &error else {
        panic!("expected UnexpectedStatus, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 500);
    assert_eq!(response.body(), page.as_bytes());
    assert_eq!(
        response.headers().get("content-type").map(|v| v.as_bytes()),
        Some(&b"text/html; charset=utf-8"[..])
    );
    assert!(error.to_string().contains("Server Error (500)"), "{error}");
    server.assert_no_violations();
}

/// A truncated JSON body on 200 is `Error::Decode`, keeping the raw body and the decoder's
/// message.
#[tokio::test]
async fn truncated_json_is_a_decode_error_with_the_raw_body() {
    let server = FakeServer::start().await;
    let client = client_for(&server);
    let truncated = r#"{"id": "7d0c4a8e-1f2b-4c3d-9e4f-5a6b7c8d9e0f", "type": "synth"#;
    server.respond_raw_next(200, Some("application/json"), truncated);
    let error = expect_err(
        client
            .jobs_retrieve("7d0c4a8e-1f2b-4c3d-9e4f-5a6b7c8d9e0f")
            .await,
    );
    let Error::Decode { response, message } = &error else {
        panic!("expected Decode, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.body(), truncated.as_bytes());
    assert!(message.contains("EOF"), "{message}");
    assert_eq!(
        error.raw_response().map(|r| r.body()),
        Some(truncated.as_bytes())
    );
    server.assert_no_violations();
}

/// A 200 declared as `text/html` is `UnexpectedContentType`, even when the body would decode.
#[tokio::test]
async fn a_wrong_content_type_is_unexpected_content_type() {
    let server = FakeServer::start().await;
    let client = client_for(&server);
    server.respond_raw_next(200, Some("text/html"), r#"{"jobs": []}"#);
    let error = expect_err(client.jobs_list(FakeJob::ENGINE).await);
    let Error::UnexpectedContentType(response) = &error else {
        panic!("expected UnexpectedContentType, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.text(), r#"{"jobs": []}"#);
    assert!(error.to_string().contains("text/html"), "{error}");

    // `application/problem+json` and parameters are fine; no content type at all is read as
    // JSON too.
    server.respond_raw_next(
        200,
        Some("application/vnd.syntho+json; charset=utf-8"),
        r#"{"jobs": []}"#,
    );
    client.jobs_list(FakeJob::ENGINE).await.expect("+json");
    server.respond_raw_next(200, None, r#"{"jobs": []}"#);
    client
        .jobs_list(FakeJob::ENGINE)
        .await
        .expect("no content type");
    server.assert_no_violations();
}

/// Whatever comes back, the client returns an error value and never panics: empty, `null`,
/// wrong shapes, invalid UTF-8, huge numbers, a 422 that is not JSON, statuses nobody
/// documents.
#[tokio::test]
async fn garbage_answers_are_errors_not_panics() {
    let server = FakeServer::start().await;
    let client = client_for(&server);
    let id = "7d0c4a8e-1f2b-4c3d-9e4f-5a6b7c8d9e0f";
    let json = Some("application/json");
    let answers: Vec<(u16, Option<&str>, Vec<u8>)> = vec![
        (200, json, Vec::new()),
        (200, json, b"null".to_vec()),
        (200, json, b"[]".to_vec()),
        (200, json, b"\"SUCCESS\"".to_vec()),
        (
            200,
            json,
            br#"{"id": 1e999, "type": [], "status": {}}"#.to_vec(),
        ),
        (
            200,
            json,
            br#"{"id": "not-a-uuid", "type": "synthesize", "status": "SUCCESS"}"#.to_vec(),
        ),
        (200, json, vec![0xff, 0xfe, b'{', 0x80]),
        (200, Some("application/octet-stream"), vec![0, 1, 2, 3]),
        (422, Some("text/plain"), b"Unprocessable".to_vec()),
        (422, json, b"{\"errors\": [{\"loc\": 5}]}".to_vec()),
        (204, None, Vec::new()),
        (418, json, b"{}".to_vec()),
        (599, None, vec![0xff; 4096]),
    ];
    let count = answers.len();
    for (status, content_type, body) in answers {
        server.respond_raw_next(status, content_type, body.clone());
        let error = expect_err(client.jobs_retrieve(id).await);
        assert_eq!(
            error.status().map(|s| s.as_u16()),
            Some(status),
            "{error:?}"
        );
        // Display and Debug work on every one of them.
        assert!(!error.to_string().is_empty());
        assert!(!format!("{error:?}").is_empty());
    }
    assert_eq!(server.request_count(), count);
    server.assert_no_violations();
}

/// A credential holding CR or LF (header injection) is refused by `build()`, not at the
/// first request and not with a panic, and the error does not repeat the credential.
#[tokio::test]
async fn a_credential_with_crlf_is_refused_by_build() {
    let secret = "s3cr3t-value";
    let attempts = [
        Client::builder("http://127.0.0.1:9")
            .oidc(format!("Bearer {secret}\r\nX-Injected: 1"))
            .build(),
        Client::builder("http://127.0.0.1:9")
            .oidc(format!("Bearer {secret}\n"))
            .build(),
        Client::builder("http://127.0.0.1:9")
            .authentication(format!("{secret}\r\nSet-Cookie: admin=1"))
            .build(),
        Client::builder("http://127.0.0.1:9")
            .authentication(format!("{secret}; admin=1"))
            .build(),
    ];
    for attempt in attempts {
        let error = match attempt {
            Ok(client) => panic!("built a client with an injecting credential: {client:?}"),
            Err(error) => error,
        };
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        let display = error.to_string();
        let debug = format!("{error:?}");
        assert!(display.contains("credential of"), "{display}");
        assert!(!display.contains(secret), "{display}");
        assert!(!debug.contains(secret), "{debug}");
    }
}

/// Credentials appear neither in the `Debug` output of the builder or the client nor in the
/// `Display` or `Debug` of any error (401, 422, 503, decode, transport).
#[tokio::test]
async fn credentials_never_appear_in_debug_output_or_errors() {
    let server = FakeServer::start().await;
    let token = "Bearer TOKEN-must-not-leak-123";
    let session = "SESSION-must-not-leak-456";
    let builder = Client::builder(server.base_url())
        .oidc(token)
        .authentication(session)
        .retry_policy(RetryPolicy::none());
    let mut outputs = vec![format!("{builder:?}")];
    let client = builder.build().expect("client");
    outputs.push(format!("{client:?}"));
    outputs.push(format!("{:?}", client.clone()));

    let id = "7d0c4a8e-1f2b-4c3d-9e4f-5a6b7c8d9e0f";
    let mut errors = Vec::new();
    errors.push(expect_err(client.jobs_retrieve(id).await)); // 401: not the server's values
    errors.push(expect_err(client.jobs_retrieve("not-a-uuid").await));
    server.fail_next(1, 503, None);
    errors.push(expect_err(client.jobs_retrieve(id).await));
    server.respond_raw_next(200, Some("application/json"), "{");
    errors.push(expect_err(client.jobs_retrieve(id).await));
    server.delay_next(Duration::from_secs(2));
    errors.push(expect_err(
        client
            .jobs_retrieve(id)
            .timeout(Some(Duration::from_millis(20)))
            .await,
    ));
    for error in &errors {
        outputs.push(error.to_string());
        outputs.push(format!("{error:?}"));
        if let Some(source) = std::error::Error::source(error) {
            outputs.push(format!("{source} {source:?}"));
        }
    }
    assert!(
        outputs.iter().any(|o| o.contains("redacted")),
        "{outputs:#?}"
    );
    for output in &outputs {
        assert!(!output.contains("TOKEN-must-not-leak"), "leaked: {output}");
        assert!(
            !output.contains("SESSION-must-not-leak"),
            "leaked: {output}"
        );
    }
    // The credentials did go out, both of them, on every request.
    for request in server.requests() {
        assert_eq!(request.header("authorization"), Some(token));
        assert_eq!(
            request.header("cookie"),
            Some(format!("sessionid={session}").as_str())
        );
    }
}

/// The `User-Agent` names the crate and its version (and can be replaced).
#[tokio::test]
async fn the_user_agent_names_the_crate() {
    let server = FakeServer::start().await;
    let client = client_for(&server);
    client.jobs_list(FakeJob::ENGINE).await.expect("list");
    let custom = Client::builder(server.base_url())
        .oidc(AUTHORIZATION)
        .user_agent("my-app/2.0")
        .build()
        .expect("client");
    custom.jobs_list(FakeJob::ENGINE).await.expect("list");
    let agents: Vec<Option<String>> = server
        .requests()
        .iter()
        .map(|r| r.header("user-agent").map(str::to_owned))
        .collect();
    assert_eq!(
        agents,
        [
            Some("syntho-client/0.1.0".to_owned()),
            Some("my-app/2.0".to_owned())
        ]
    );
    server.assert_no_violations();
}

/// `.send()` returns the value with the response's status and headers; a typed API error
/// keeps them too.
#[tokio::test]
async fn send_gives_the_status_and_headers() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));
    let client = client_for(&server);
    let response = client
        .jobs_retrieve(id.as_str())
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), syntho_client::StatusCode::OK);
    assert_eq!(
        response.headers().get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/json"[..])
    );
    assert_eq!(
        response.headers().get("x-request-id").map(|v| v.as_bytes()),
        Some(&b"1"[..])
    );
    assert_eq!(response.id.to_string(), id, "derefs to the value");
    let (status, headers, job) = response.into_parts();
    assert_eq!(status.as_u16(), 200);
    assert!(headers.contains_key("x-request-id"));
    assert_eq!(job.id.to_string(), id);

    let error = expect_err(client.jobs_retrieve("nope").send().await);
    let Error::Api(response) = error else {
        panic!("expected Error::Api");
    };
    assert_eq!(response.status().as_u16(), 422);
    assert_eq!(
        response.headers().get("x-request-id").map(|v| v.as_bytes()),
        Some(&b"2"[..])
    );
    server.assert_no_violations();
}

/// Requests are `Send` futures and clones share the client: many tasks can call at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clones_serve_concurrent_tasks() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize").frozen());
    let client = client_for(&server);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let client = client.clone();
        let id = id.clone();
        tasks.spawn(async move { client.jobs_retrieve(id).await.map(|job| job.status) });
    }
    while let Some(result) = tasks.join_next().await {
        assert_eq!(result.expect("task").expect("call"), JobStatus::Started);
    }
    assert_eq!(server.request_count(), 16);
    server.assert_no_violations();
}

/// A per-request timeout against a slow server is `Error::Transport`, quickly, naming the
/// method and path; a timeout is not retried.
#[tokio::test]
async fn a_per_request_timeout_is_a_transport_error() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));
    let client = client_for(&server);
    server.delay_next(Duration::from_secs(3));
    let started = Instant::now();
    let error = expect_err(
        client
            .jobs_retrieve(id.as_str())
            .timeout(Some(Duration::from_millis(50)))
            .await,
    );
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    let Error::Transport {
        method,
        path,
        source,
    } = &error
    else {
        panic!("expected Transport, got {error:?}");
    };
    assert_eq!(method.as_str(), "GET");
    assert_eq!(*path, format!("/api/v1/jobs/{id}/"));
    assert!(source.is_timeout(), "{source:?}");
    assert_eq!(error.status(), None);
    assert!(
        error
            .to_string()
            .contains(&format!("GET /api/v1/jobs/{id}/")),
        "{error}"
    );
    assert_eq!(server.request_count(), 1, "a timeout is not retried");

    // Without the override the same (now fast) request succeeds.
    client.jobs_retrieve(id.as_str()).await.expect("fast");
    server.assert_no_violations();
}

/// `.timeout(None)` on a request means no timeout, as its documentation says, even when the
/// client has one.
#[tokio::test]
async fn a_request_timeout_of_none_disables_the_clients_timeout() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));
    let client = Client::builder(server.base_url())
        .oidc(AUTHORIZATION)
        .timeout(Some(Duration::from_millis(50)))
        .build()
        .expect("client");
    server.delay_next(Duration::from_millis(300));
    client
        .jobs_retrieve(id.as_str())
        .timeout(None)
        .await
        .expect("no timeout for this request");
    server.delay_next(Duration::from_millis(300));
    let error = expect_err(client.jobs_retrieve(id.as_str()).await);
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    server.assert_no_violations();
}

/// A connection that closes before the answer (a server restarting, a stale keep-alive
/// connection) is a connection error: idempotent requests are retried after it, and when it
/// keeps happening the result is `Error::Transport`.
#[tokio::test]
async fn a_connection_closed_before_the_answer_is_retried() {
    let server = FakeServer::start().await;
    let id = server.add_job(FakeJob::new(FakeJob::ENGINE, "synthesize"));
    let client = client_for(&server);
    server.hang_up_next(2);
    client.jobs_retrieve(id.as_str()).await.expect("third try");
    server.hang_up_next(1);
    client
        .jobs_cancel_update(id.as_str())
        .await
        .expect("second try");
    let statuses: Vec<u16> = server.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [0, 0, 200, 0, 200]);

    server.hang_up_next(10);
    let error = expect_err(
        client
            .jobs_list(FakeJob::ENGINE)
            .retry_policy(fast_retries().max_retries(1))
            .await,
    );
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(server.request_count(), 5 + 2);
    server.assert_no_violations();
}

/// A refused connection is retried (for idempotent requests) and then surfaces as
/// `Error::Transport`.
#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let client = Client::builder(format!("http://{address}"))
        .retry_policy(fast_retries())
        .build()
        .expect("client");
    let error = expect_err(client.jobs_list(FakeJob::ENGINE).await);
    let Error::Transport { source, .. } = &error else {
        panic!("expected Transport, got {error:?}");
    };
    assert!(source.is_connect(), "{source:?}");
    assert!(
        !error.to_string().contains(&address.to_string()),
        "the URL is left out: {error}"
    );
}

/// The fake server's spec checks are live: a request outside the spec (a `job_type` the enum
/// does not have) and an answer outside it (a status the enum does not have) are both
/// reported. Without this, `assert_no_violations` could pass vacuously.
#[tokio::test]
async fn the_server_reports_exchanges_outside_the_spec() {
    let server = FakeServer::start().await;
    let client = client_for(&server);
    let error = expect_err(
        client
            .jobs_list(FakeJob::ENGINE)
            .job_type(JobType::Unknown("quantum_scan".to_owned()))
            .await,
    );
    assert!(matches!(
        error.api_error(),
        Some(JobsListError::UnprocessableEntity(_))
    ));
    let violations = server.take_violations();
    assert_eq!(violations.len(), 1, "{violations:#?}");
    assert!(
        violations[0].contains("`job_type` = \"quantum_scan\""),
        "{violations:#?}"
    );

    let id = server.add_job(
        FakeJob::new(FakeJob::ENGINE, "synthesize")
            .status("PAUSED")
            .frozen(),
    );
    let job = client
        .jobs_retrieve(id.as_str())
        .await
        .expect("still decodes");
    assert_eq!(job.status, JobStatus::Unknown("PAUSED".to_owned()));
    let violations = server.take_violations();
    assert_eq!(violations.len(), 1, "{violations:#?}");
    assert!(
        violations[0].contains("jobs_retrieve: the 200 answer"),
        "{violations:#?}"
    );
    assert!(violations[0].contains("PAUSED"), "{violations:#?}");

    // Formats are checked too: an engine id that is not a UUID breaks `JobSchema`, and the
    // client, which decodes it as a `Uuid`, refuses it as well.
    server.add_job(FakeJob::new("plain-engine", "synthesize"));
    let error = expect_err(client.jobs_list("plain-engine").await);
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let violations = server.take_violations();
    assert_eq!(violations.len(), 1, "{violations:#?}");
    assert!(
        violations[0].contains("/jobs/0/engine_id"),
        "{violations:#?}"
    );
    server.assert_no_violations();
}

#[allow(dead_code)] // its `main` is for `cargo run --example`
#[path = "../../generated-client/examples/run_job.rs"]
mod run_job;

fn example_config(server: &FakeServer, credential: run_job::Credential) -> run_job::Config {
    run_job::Config {
        base_url: server.base_url().to_owned(),
        credential,
        engine_id: FakeJob::ENGINE.to_owned(),
        poll_interval: Duration::from_millis(5),
        max_poll_interval: Duration::from_millis(20),
        deadline: Duration::from_secs(10),
    }
}

/// The `run_job` example follows the latest synthesize job to its end (polling through a
/// 503) and prints its log, with either credential.
#[tokio::test]
async fn the_run_job_example_follows_a_job_to_its_end() {
    let server = FakeServer::start().await;
    server.add_job(FakeJob::new(FakeJob::ENGINE, "pii_scan").created("2026-03-01T00:00:00Z"));
    let id = server.add_job(
        FakeJob::new(FakeJob::ENGINE, "synthesize")
            .created("2026-02-01T00:00:00Z")
            .log("copying 12 tables\n"),
    );
    let token = AUTHORIZATION
        .strip_prefix("Bearer ")
        .expect("a bearer token");
    let config = example_config(&server, run_job::Credential::Token(token.to_owned()));
    let mut out = Vec::new();
    let status = run_job::run(&config, &mut out).await.expect("runs");
    assert_eq!(status, JobStatus::Success);
    let out = String::from_utf8(out).expect("text");
    assert!(
        out.contains(&format!("job {id} (synthesize): STARTED")),
        "{out}"
    );
    assert!(out.contains("IN_PROGRESS"), "{out}");
    assert!(
        out.contains("copying 12 tables\nstatus IN_PROGRESS\nstatus SUCCESS"),
        "{out}"
    );
    let operations: Vec<String> = server
        .requests()
        .into_iter()
        .filter_map(|r| r.operation)
        .collect();
    assert_eq!(
        operations,
        [
            "jobs_latest_retrieve",
            "jobs_retrieve",
            "jobs_retrieve",
            "jobs_download_log_retrieve"
        ]
    );

    // A failing job, a session cookie, and the server unavailable past the retries once.
    let failing = server.add_job(
        FakeJob::new(FakeJob::ENGINE, "synthesize")
            .created("2026-02-02T00:00:00Z")
            .outcome(Outcome::Failure),
    );
    let config = example_config(&server, run_job::Credential::Session(SESSION_ID.to_owned()));
    let before = server.request_count();
    server.delay_next(Duration::ZERO); // the `latest` call
    server.fail_next(4, 503, None); // the first poll and its three retries
    let mut out = Vec::new();
    let status = run_job::run(&config, &mut out).await.expect("runs");
    assert_eq!(status, JobStatus::Failure);
    let out = String::from_utf8(out).expect("text");
    assert!(out.contains(&format!("job {failing}: FAILURE")), "{out}");
    assert!(out.contains("unavailable, polling again"), "{out}");
    assert_eq!(server.request_count() - before, 1 + 4 + 2 + 1);
    server.assert_no_violations();
}

/// The example reads its settings from arguments first, then the environment.
#[test]
fn the_run_job_example_reads_args_and_env() {
    let env = |name: &str| match name {
        "SYNTHO_BASE_URL" => Some("https://env.example".to_owned()),
        "SYNTHO_ENGINE_ID" => Some("env-engine".to_owned()),
        "SYNTHO_SESSION_ID" => Some("session".to_owned()),
        _ => None,
    };
    let config = run_job::Config::from_args(&[], env).expect("from env");
    assert_eq!(config.base_url, "https://env.example");
    assert_eq!(config.engine_id, "env-engine");
    assert!(matches!(config.credential, run_job::Credential::Session(_)));
    assert!(!format!("{config:?}").contains("session\""), "{config:?}");
    let args = ["arg-engine".to_owned(), "https://arg.example".to_owned()];
    let config = run_job::Config::from_args(&args, env).expect("from args");
    assert_eq!(
        (config.engine_id.as_str(), config.base_url.as_str()),
        ("arg-engine", "https://arg.example")
    );
    let missing = run_job::Config::from_args(&[], |_| None).expect_err("nothing set");
    assert!(missing.contains("SYNTHO_ENGINE_ID"), "{missing}");
}
