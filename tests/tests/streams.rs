//! Streamed bodies (issue 15) through generated clients, over real HTTP on loopback: the
//! `streams` fixture (`tests/fixtures/streams.yaml`: typed and text server-sent events, binary
//! downloads, binary and multipart uploads) against an axum server that streams its answers
//! and reads requests as they arrive, and the Mercure hub's real spec (`corpus_mercure`)
//! reconnecting with `Last-Event-ID`.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::{StreamExt, TryStreamExt};

#[allow(dead_code)]
pub mod streams {
    include!(concat!(env!("OUT_DIR"), "/streams.rs"));
}

#[allow(dead_code)]
pub mod corpus_mercure {
    include!(concat!(env!("OUT_DIR"), "/corpus_mercure.rs"));
}

use streams::operations::WatchJobError;
use streams::{Client, Error, Form, ReconnectPolicy, RetryPolicy, StreamError, Upload};

/// One request as the server saw it: method, path, headers, and the body's length and
/// checksum (the body is read as it arrives, never kept whole).
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    headers: HeaderMap,
    length: u64,
    checksum: u64,
    /// The body itself, when short (multipart bodies, to compare).
    body: Vec<u8>,
}

#[derive(Clone, Default)]
struct Shared {
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Shared {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }
}

/// FNV-1a over `bytes`, continued from `hash`.
fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x100_0000_01b3);
    }
    hash
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// The `n`th byte of every test file: a pattern no chunking can hide.
fn pattern(n: u64) -> u8 {
    (n.wrapping_mul(31) ^ (n >> 8)) as u8
}

/// The first `length` bytes of the pattern.
fn pattern_bytes(length: u64) -> Vec<u8> {
    (0..length).map(pattern).collect()
}

/// A file of `length` pattern bytes, sent in chunks of 64 KiB as they are made.
fn pattern_body(length: u64) -> Body {
    const CHUNK: u64 = 64 * 1024;
    let chunks = futures_util::stream::iter((0..length.div_ceil(CHUNK)).map(move |i| {
        let start = i * CHUNK;
        let end = (start + CHUNK).min(length);
        Ok::<_, Infallible>(bytes::Bytes::from(
            (start..end).map(pattern).collect::<Vec<u8>>(),
        ))
    }));
    Body::from_stream(chunks)
}

/// An event stream body from `chunks`; `Some(error)` last breaks the connection there.
fn event_body(chunks: Vec<&'static str>, broken: bool) -> Body {
    let mut items: Vec<Result<bytes::Bytes, std::io::Error>> = chunks
        .into_iter()
        .map(|chunk| Ok(bytes::Bytes::from_static(chunk.as_bytes())))
        .collect();
    if broken {
        items.push(Err(std::io::Error::other(
            "the server drops the connection",
        )));
    }
    // A short pause between chunks, so the client reads them as separate arrivals.
    let chunks = futures_util::stream::iter(items).then(|item| async move {
        tokio::time::sleep(Duration::from_millis(2)).await;
        item
    });
    Body::from_stream(chunks)
}

fn events(body: Body) -> Response {
    ([("content-type", "text/event-stream")], body).into_response()
}

fn problem(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "message": message }).to_string();
    (status, [("content-type", "application/json")], body).into_response()
}

/// Reads `request`'s body as it arrives and records it.
async fn record(shared: &Shared, request: Request) -> Seen {
    let (parts, body) = request.into_parts();
    let mut stream = body.into_data_stream();
    let (mut length, mut checksum, mut kept) = (0u64, FNV_START, Vec::new());
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("the request body arrives");
        length += chunk.len() as u64;
        checksum = fnv(checksum, &chunk);
        if kept.len() < 1 << 20 {
            kept.extend_from_slice(&chunk);
        }
    }
    let seen = Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        headers: parts.headers,
        length,
        checksum,
        body: kept,
    };
    shared.seen.lock().expect("lock").push(seen.clone());
    seen
}

/// `GET /jobs/{id}/events`: the first connection sends two events (and `retry: 5`), then
/// half of a third, and breaks; a connection with `Last-Event-ID: 2` gets events 3 and 4 and
/// ends. `missing` is a documented 404.
async fn watch_job(
    State(shared): State<Shared>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let seen = record(&shared, request).await;
    if id == "missing" {
        return problem(StatusCode::NOT_FOUND, "no job missing");
    }
    match seen
        .headers
        .get("last-event-id")
        .map(|v| v.to_str().unwrap_or_default())
    {
        None => events(event_body(
            vec![
                ": the job starts\n\nretry: 5\n\n",
                "id: 1\ndata: {\"step\": \"read\", \"percent\": 10}\n\n",
                "id: 2\nevent: progress\ndata: {\"step\": \"write\",\n",
                "data: \"percent\": 50}\n\n",
                "id: 3\ndata: {\"step\": \"ver",
            ],
            true,
        )),
        Some("2") => events(event_body(
            vec![
                "id: 3\ndata: {\"step\": \"verify\", \"percent\": 90}\n\n",
                "id: 4\nevent: done\ndata: {\"step\": \"done\", \"percent\": 100}\n\n",
                "data: not json\n\n",
            ],
            false,
        )),
        Some(_) => problem(StatusCode::CONFLICT, "resumed from an unexpected id"),
    }
}

/// `GET /logs`: text events, one of two lines, then the stream ends.
async fn tail_logs(State(shared): State<Shared>, request: Request) -> Response {
    record(&shared, request).await;
    events(event_body(
        vec![
            "data: starting\n\n",
            "data: line one\ndata: line two\r\n\r\n",
            "event: end\ndata:\n\n",
        ],
        false,
    ))
}

/// `GET /files/{id}`: `id` is the length of the file (pattern bytes), sent as it is made;
/// `missing` is a documented 404.
async fn download_file(
    State(shared): State<Shared>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    record(&shared, request).await;
    match id.parse::<u64>() {
        Ok(length) => (
            [("content-type", "application/octet-stream")],
            pattern_body(length),
        )
            .into_response(),
        Err(_) => problem(StatusCode::NOT_FOUND, "no such file"),
    }
}

/// `PUT /files/{id}`: reads the body as it arrives; `busy` answers 503 to the first request.
async fn upload_file(
    State(shared): State<Shared>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let seen = record(&shared, request).await;
    let puts = shared.seen().iter().filter(|s| s.method == "PUT").count();
    if id == "busy" && puts == 1 {
        return problem(StatusCode::SERVICE_UNAVAILABLE, "busy");
    }
    let body = serde_json::json!({ "size": seen.length, "parts": [seen.checksum.to_string()] });
    (
        StatusCode::CREATED,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// `POST /attachments`: the multipart body as it arrived.
async fn add_attachment(State(shared): State<Shared>, request: Request) -> Response {
    let seen = record(&shared, request).await;
    let body = serde_json::json!({ "size": seen.length });
    (
        StatusCode::CREATED,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// The loopback server of the `streams` fixture, and what it saw.
async fn start() -> (String, Shared) {
    let shared = Shared::default();
    let router = axum::Router::new()
        .route("/jobs/{id}/events", get(watch_job))
        .route("/logs", get(tail_logs))
        .route("/files/{id}", get(download_file).put(upload_file))
        .route("/attachments", post(add_attachment))
        .route(
            "/archive",
            get(|| async { ([("content-type", "application/zip")], "PK\u{3}\u{4}") }),
        )
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{address}"), shared)
}

fn client(base_url: &str) -> Client {
    Client::builder(base_url)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .expect("client")
}

/// Typed events arrive as the server sends them (`data` over two lines joined, `event` and
/// `id` kept, the default type `message`); the connection breaks after event 2 in the middle
/// of event 3, the stream reconnects after the server's `retry:` with `Last-Event-ID: 2`,
/// event 3 arrives whole, then 4; an event whose data is not the documented type is an error
/// item and the stream goes on; it ends when the server ends it and reconnecting is refused.
#[tokio::test]
async fn typed_events_resume_with_last_event_id_after_a_dropped_connection() {
    let (url, shared) = start().await;
    let client = client(&url);
    let stream = client.watch_job("j-1").await.expect("the stream starts");
    let policy = ReconnectPolicy::default()
        .max_attempts(2)
        .delay(Duration::from_secs(60));
    let items: Vec<_> = stream.reconnect(policy).collect().await;
    let mut items = items.into_iter();
    let mut event = || items.next().expect("another item");
    let first = event().expect("event 1");
    assert_eq!(
        (first.event.as_str(), first.id.as_deref()),
        ("message", Some("1"))
    );
    assert_eq!((first.data.step.as_str(), first.data.percent), ("read", 10));
    let second = event().expect("event 2");
    assert_eq!(
        (second.event.as_str(), second.id.as_deref()),
        ("progress", Some("2"))
    );
    assert_eq!(
        (second.data.step.as_str(), second.data.percent),
        ("write", 50)
    );
    let third = event().expect("event 3, after reconnecting");
    assert_eq!((third.id.as_deref(), third.data.percent), (Some("3"), 90));
    let fourth = event().expect("event 4");
    assert_eq!(
        (fourth.event.as_str(), fourth.data.step.as_str()),
        ("done", "done")
    );
    match event() {
        Err(StreamError::Decode(message)) => assert!(message.contains("message"), "{message}"),
        other => panic!("{other:?}"),
    }
    // The server ended the second connection: the third attempt is refused (409).
    match event() {
        Err(StreamError::Reconnect { status, message }) => {
            assert_eq!(status.as_u16(), 409);
            assert!(message.contains("unexpected id"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(items.next().is_none());
    let seen = shared.seen();
    let resumed: Vec<Option<&str>> = seen
        .iter()
        .map(|s| s.headers.get("last-event-id").and_then(|v| v.to_str().ok()))
        .collect();
    assert_eq!(resumed, [None, Some("2"), Some("4")]);
    assert!(seen.iter().all(|s| s.path == "/jobs/j-1/events"));
}

/// Without a reconnection policy the stream ends where the connection breaks, with the
/// error; a documented error status is typed before any event, from its whole body.
#[tokio::test]
async fn without_a_policy_a_broken_stream_ends_with_its_error() {
    let (url, shared) = start().await;
    let client = client(&url);
    let items: Vec<_> = client
        .watch_job("j-2")
        .await
        .expect("starts")
        .collect()
        .await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[0].is_ok() && items[1].is_ok());
    assert!(
        matches!(items[2], Err(StreamError::Transport(_))),
        "{:?}",
        items[2]
    );
    assert_eq!(shared.seen().len(), 1);

    match client.watch_job("missing").await {
        Err(Error::Api(error)) => match error.value() {
            WatchJobError::NotFound(problem) => assert_eq!(problem.message, "no job missing"),
        },
        other => panic!("{other:?}"),
    }
}

/// A string schema keeps each event's text as it is (lines joined with `\n`, CRLF read).
#[tokio::test]
async fn text_events_keep_their_text() {
    let (url, _) = start().await;
    let sent = client(&url).tail_logs().send().await.expect("starts");
    assert_eq!(sent.status().as_u16(), 200);
    let events: Vec<_> = sent
        .into_inner()
        .map(|event| event.map(|event| (event.event, event.data)))
        .try_collect()
        .await
        .expect("every event");
    let expected = [
        ("message", "starting"),
        ("message", "line one\nline two"),
        ("end", ""),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(e, d)| ((*e).to_owned(), (*d).to_owned()))
        .collect();
    assert_eq!(events, expected);
}

/// A 24 MiB download is written to a file chunk by chunk, byte for byte; `bytes()` and
/// `text()` read a body whole when asked; a documented 404 is typed from its JSON; a `*/*`
/// binary body is a stream too.
#[tokio::test]
async fn a_binary_download_streams_to_a_file() {
    let (url, _) = start().await;
    let client = client(&url);
    let length = 24 * 1024 * 1024;
    let body = client
        .download_file(length.to_string())
        .await
        .expect("download");
    assert_eq!(body.content_length(), None, "chunked: no length announced");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("download.bin");
    let written = body.write_to_file(&path).await.expect("written");
    assert_eq!(written, length);
    let on_disk = std::fs::read(&path).expect("read back");
    assert_eq!(
        fnv(FNV_START, &on_disk),
        fnv(FNV_START, &pattern_bytes(length))
    );

    let whole = client
        .download_file("1000")
        .await
        .expect("download")
        .bytes()
        .await;
    assert_eq!(whole.expect("bytes").to_vec(), pattern_bytes(1000));
    let text = client
        .download_file("300")
        .await
        .expect("download")
        .text()
        .await;
    assert!(
        matches!(text, Err(StreamError::Decode(_))),
        "not UTF-8: {text:?}"
    );
    let chunks: Vec<_> = client
        .download_file("200000")
        .await
        .expect("download")
        .bytes_stream()
        .try_collect()
        .await
        .expect("chunks");
    assert!(chunks.len() > 1, "{} chunks", chunks.len());
    assert_eq!(chunks.concat(), pattern_bytes(200_000));

    match client.download_file("missing").await {
        Err(Error::Api(error)) => assert_eq!(error.status().as_u16(), 404),
        other => panic!("{other:?}"),
    }
    let archive = client.get_archive().await.expect("archive").bytes().await;
    assert_eq!(archive.expect("bytes").as_ref(), b"PK\x03\x04");
}

/// A body sent from a file and from a stream arrives whole and in order, chunked (no
/// `Content-Length`); bytes in memory are sent with their length, as before.
#[tokio::test]
async fn uploads_from_a_file_and_from_a_stream() {
    let (url, shared) = start().await;
    let client = client(&url);
    let length: u64 = 5 * 1024 * 1024 + 7;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("upload.bin");
    std::fs::write(&path, pattern_bytes(length)).expect("written");
    let expected = fnv(FNV_START, &pattern_bytes(length)).to_string();

    let from_file = Upload::file(&path).await.expect("opens");
    let stored = client.upload_file("a", from_file).await.expect("uploaded");
    assert_eq!(
        (stored.size, stored.parts.as_deref()),
        (length as i64, Some(&[expected.clone()][..]))
    );

    let chunks = futures_util::stream::iter((0..length).step_by(100_000).map(move |start| {
        let end = (start + 100_000).min(length);
        Ok::<_, std::io::Error>((start..end).map(pattern).collect::<Vec<u8>>())
    }));
    let stored = client
        .upload_file("b", Upload::stream(chunks))
        .await
        .expect("uploaded");
    assert_eq!(stored.size, length as i64);
    assert_eq!(stored.parts, Some(vec![expected]));

    let file = tokio::fs::File::open(&path).await.expect("opens");
    let stored = client.upload_file("c", file).await.expect("uploaded");
    assert_eq!(stored.size, length as i64);

    client
        .upload_file("d", b"in memory".to_vec())
        .await
        .expect("uploaded");
    let seen = shared.seen();
    for put in &seen[..3] {
        assert_eq!(put.headers["content-type"], "application/octet-stream");
        assert!(
            put.headers.get("content-length").is_none(),
            "{:?}",
            put.headers
        );
    }
    assert_eq!(seen[3].headers["content-length"], "9");
}

/// A streamed body is sent once: a 503 that would be retried for bytes in memory is the
/// answer (one request); bytes in memory are retried. A clone of a request builder shares
/// its stream: the second send is refused before anything is sent.
#[tokio::test]
async fn a_streamed_upload_is_never_retried() {
    let (url, shared) = start().await;
    let client = client(&url);
    let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(b"abc".to_vec())]);
    let once = client.upload_file("busy", Upload::stream(stream)).await;
    assert!(
        matches!(once, Err(Error::UnexpectedStatus(ref r)) if r.status().as_u16() == 503),
        "{once:?}"
    );
    assert_eq!(shared.seen().len(), 1);

    let (url, shared) = start().await;
    let client = self::client(&url);
    let stored = client
        .upload_file("busy", b"abc".to_vec())
        .await
        .expect("retried");
    assert_eq!(stored.size, 3);
    assert_eq!(shared.seen().len(), 2);

    let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(b"abc".to_vec())]);
    let builder = client.upload_file("e", Upload::stream(stream));
    let again = builder.clone();
    builder.await.expect("the first send");
    match again.await {
        Err(Error::InvalidRequest(message)) => {
            assert!(message.contains("one request"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(shared.seen().len(), 3);
}

/// A multipart file part read from a stream goes on the wire exactly as the same part in
/// memory does.
#[tokio::test]
async fn a_multipart_part_from_a_stream() {
    let (url, shared) = start().await;
    let client = client(&url);
    let data = pattern_bytes(300_000);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        data.chunks(7_000).map(|chunk| Ok(chunk.to_vec())).collect();
    let streamed = Form::new()
        .text("title", "report")
        .file_stream(
            "doc",
            "report.bin",
            "application/octet-stream",
            Upload::stream(futures_util::stream::iter(chunks)),
        )
        .text("after", "yes");
    let in_memory = Form::new()
        .text("title", "report")
        .file(
            "doc",
            "report.bin",
            "application/octet-stream",
            data.clone(),
        )
        .text("after", "yes");
    let first = client.add_attachment(streamed).await.expect("sent");
    let second = client.add_attachment(in_memory).await.expect("sent");
    assert_eq!(first.size, second.size);
    let seen = shared.seen();
    assert_eq!(seen[0].body, seen[1].body);
    assert!(seen[0].headers.get("content-length").is_none());
    assert_eq!(
        seen[1].headers["content-length"],
        seen[1].length.to_string().as_str()
    );
    let text = String::from_utf8_lossy(&seen[0].body);
    assert!(text.contains(
        "name=\"doc\"; filename=\"report.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    ));
}

/// The Mercure hub's real spec: its subscription is an event stream of text, and its
/// `Last-Event-ID` header parameter is replaced (not doubled) by the id a reconnection
/// resumes from.
#[tokio::test]
async fn mercure_subscription_resumes_from_its_last_event() {
    use corpus_mercure::Client;

    let shared = Shared::default();
    let router = axum::Router::new()
        .route(
            "/.well-known/mercure",
            get(
                |State(shared): State<Shared>, request: Request| async move {
                    let seen = record(&shared, request).await;
                    let ids: Vec<&str> = seen
                        .headers
                        .get_all("last-event-id")
                        .iter()
                        .filter_map(|v| v.to_str().ok())
                        .collect();
                    match ids.as_slice() {
                        ["urn:uuid:0"] => events(event_body(
                            vec!["id: urn:uuid:1\ndata: {\"@id\": \"/books/1\"}\n\n"],
                            true,
                        )),
                        ["urn:uuid:1"] => events(event_body(
                            vec!["id: urn:uuid:2\ndata: {\"@id\": \"/books/2\"}\n\n"],
                            false,
                        )),
                        _ => StatusCode::NO_CONTENT.into_response(),
                    }
                },
            ),
        )
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });

    let client = Client::builder(format!("http://{address}"))
        .build()
        .expect("client");
    let updates = client
        .get_well_known_mercure(vec!["https://example.com/books/{id}".to_owned()])
        .last_event_id_header("urn:uuid:0")
        .await
        .expect("subscribed")
        .reconnect(corpus_mercure::ReconnectPolicy::default().delay(Duration::from_millis(5)));
    let data: Vec<String> = updates
        .map(|event| event.map(|event| event.data))
        .try_collect()
        .await
        .expect("updates");
    assert_eq!(data, [r#"{"@id": "/books/1"}"#, r#"{"@id": "/books/2"}"#]);
    let ids: Vec<Vec<String>> = shared
        .seen()
        .iter()
        .map(|s| {
            s.headers
                .get_all("last-event-id")
                .iter()
                .map(|v| v.to_str().unwrap_or_default().to_owned())
                .collect()
        })
        .collect();
    // The third connection (after the second ended) is answered 204: the stream ends.
    assert_eq!(
        ids,
        [vec!["urn:uuid:0"], vec!["urn:uuid:1"], vec!["urn:uuid:2"]]
    );
}
