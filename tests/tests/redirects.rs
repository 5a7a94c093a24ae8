//! Redirects through a generated client, over real HTTP on loopback: the `redirects` fixture
//! (`tests/fixtures/redirects.yaml`) against an API server that answers with redirects to a
//! second server (as GitHub sends archive downloads to codeload). An operation whose
//! documented answer is a `302` gets that `302`, typed, and nothing reaches the second
//! server; an ordinary operation follows the redirect, and its API key stays behind.

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[allow(dead_code)]
pub mod redirects {
    include!(concat!(env!("OUT_DIR"), "/redirects.rs"));
}

use redirects::Client;

/// Every request a server saw: method, path and its headers.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<(String, String, axum::http::HeaderMap)>>>);

impl Seen {
    fn all(&self) -> Vec<(String, String, axum::http::HeaderMap)> {
        self.0.lock().map(|seen| seen.clone()).unwrap_or_default()
    }
}

/// Starts a server that records each request and answers it with `answer(other, path)`.
async fn start(answer: fn(&str, &str) -> Response, other: String) -> (String, Seen) {
    let seen = Seen::default();
    let router = axum::Router::new()
        .fallback(
            move |State((seen, other)): State<(Seen, String)>, request: Request| async move {
                let path = request.uri().path().to_owned();
                if let Ok(mut all) = seen.0.lock() {
                    all.push((
                        request.method().to_string(),
                        path.clone(),
                        request.headers().clone(),
                    ));
                }
                answer(&other, &path)
            },
        )
        .with_state((seen.clone(), other));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{address}"), seen)
}

/// The API: every path redirects to the same path on the second server.
fn api(other: &str, path: &str) -> Response {
    (StatusCode::FOUND, [("location", format!("{other}{path}"))]).into_response()
}

/// The second server: an archive, or an item.
fn storage(_: &str, path: &str) -> Response {
    if path.starts_with("/items/") {
        (
            [("content-type", "application/json")],
            r#"{"id": 7, "name": "seven"}"#,
        )
            .into_response()
    } else {
        ([("content-type", "application/gzip")], "archive bytes").into_response()
    }
}

async fn servers() -> ((String, Seen), (String, Seen)) {
    let storage = start(storage, String::new()).await;
    let api = start(api, storage.0.clone()).await;
    (api, storage)
}

fn client(base_url: &str) -> Client {
    Client::builder(base_url)
        .api_key("hunter2")
        .build()
        .unwrap_or_else(|error| panic!("{error}"))
}

#[tokio::test(flavor = "current_thread")]
async fn a_redirect_operation_gets_its_302_typed_and_does_not_follow_it() {
    let ((api_url, api_seen), (storage_url, storage_seen)) = servers().await;
    let client = client(&api_url);
    let response = client
        .repos_download_tarball_archive("octo", "hello", "main")
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(response.status().as_u16(), 302);
    assert_eq!(
        response.location(),
        Some(format!("{storage_url}/repos/octo/hello/tarball/main").as_str())
    );
    // `.await` gives the value (none), and still does not follow.
    let value = client
        .repos_download_tarball_archive("octo", "hello", "main")
        .await;
    assert!(value.is_ok(), "{value:?}");
    assert_eq!(api_seen.all().len(), 2);
    assert!(
        storage_seen.all().is_empty(),
        "a request reached the redirect's target"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn an_ordinary_operation_follows_and_leaves_its_api_key_behind() {
    let ((api_url, api_seen), (_, storage_seen)) = servers().await;
    let client = client(&api_url);
    let item = client
        .get_item(7)
        .x_trace("t-1")
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!((item.id, item.name.as_str()), (7, "seven"));
    let api_seen = api_seen.all();
    assert_eq!(api_seen.len(), 1);
    assert_eq!(
        api_seen[0].2.get("x-api-key").map(|v| v.as_bytes()),
        Some(&b"hunter2"[..])
    );
    let storage_seen = storage_seen.all();
    assert_eq!(storage_seen.len(), 1);
    assert_eq!(storage_seen[0].1, "/items/7");
    // Another origin: the credential stays behind, the header parameter goes along.
    assert!(storage_seen[0].2.get("x-api-key").is_none());
    assert_eq!(
        storage_seen[0].2.get("x-trace").map(|v| v.as_bytes()),
        Some(&b"t-1"[..])
    );
}
