//! Tracing: with the generated crate's cargo feature `tracing`, one `tracing` span per call
//! (target `http_client`, level INFO) with OpenTelemetry's HTTP client attributes, and one
//! DEBUG event per attempt.
//!
//! The span: `otel.name` (`GET /pets/{petId}`), `otel.kind` (`client`),
//! `http.request.method`, `url.template` (the API's path template), `server.address`,
//! `server.port`, `openapi.operation_id`, and, when the call ends,
//! `http.response.status_code`, `http.request.resend_count` (the attempts after the first,
//! when there were any) and `error.type` (the status code of a 4xx or 5xx, or what failed:
//! `transport`, `timeout`, `invalid_request`, `credential`, `middleware`, and, for an answer
//! of another status, `decode` (its body does not decode as documented),
//! `unexpected_content_type` and `unexpected_status` (a status the API does not document, in
//! strict mode)). Each attempt's
//! event has `http.request.resend_count` and the status or the `error.type`. A span is the
//! parent of what the call's middlewares and the HTTP client record.
//!
//! Invariant: nothing a caller or a server sends is recorded beyond those fields: no header
//! values, no credentials, no query string or path parameters (the template, not the path),
//! no bodies. Without the feature nothing of this is compiled: [`CallTrace`] is empty.

use std::future::Future;

use reqwest::{Method, StatusCode};

use super::{Error, Failure, OperationInfo};

/// The trace of one call: its span, with the `tracing` feature.
pub(crate) struct CallTrace {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

impl CallTrace {
    /// Opens the span of a call of `method` to the client at `base_url`.
    pub(crate) fn start(base_url: &str, method: &Method, operation: Option<OperationInfo>) -> Self {
        #[cfg(feature = "tracing")]
        {
            let url = reqwest::Url::parse(base_url).ok();
            let host = url
                .as_ref()
                .and_then(|url| url.host_str().map(str::to_owned));
            let port = url.as_ref().and_then(reqwest::Url::port_or_known_default);
            let template = operation.map(|op| op.template);
            let name = match template {
                Some(template) => format!("{method} {template}"),
                None => method.to_string(),
            };
            let span = tracing::info_span!(
                target: "http_client",
                "http_client_request",
                otel.name = %name,
                otel.kind = "client",
                http.request.method = %method,
                url.template = template,
                server.address = host,
                server.port = port,
                openapi.operation_id = operation.map(|op| op.id),
                http.response.status_code = tracing::field::Empty,
                http.request.resend_count = tracing::field::Empty,
                error.type = tracing::field::Empty,
            );
            CallTrace { span }
        }
        #[cfg(not(feature = "tracing"))]
        {
            let _ = (base_url, method, operation);
            CallTrace {}
        }
    }

    /// `future` (the call's attempts) inside the span.
    #[cfg(feature = "tracing")]
    pub(crate) fn instrument<F: Future>(&self, future: F) -> tracing::instrument::Instrumented<F> {
        tracing::Instrument::instrument(future, self.span.clone())
    }

    /// `future` (the call's attempts) as it is.
    #[cfg(not(feature = "tracing"))]
    pub(crate) fn instrument<F: Future>(&self, future: F) -> F {
        future
    }

    /// Attempt number `attempt` (0: the first) ended with `outcome`: the status, or the kind
    /// of error.
    pub(crate) fn attempt(&self, attempt: u32, outcome: Result<StatusCode, &'static str>) {
        #[cfg(feature = "tracing")]
        {
            let _entered = self.span.enter();
            match outcome {
                Ok(status) => tracing::event!(
                    target: "http_client",
                    tracing::Level::DEBUG,
                    http.request.resend_count = attempt,
                    http.response.status_code = status.as_u16(),
                    "attempt"
                ),
                Err(kind) => tracing::event!(
                    target: "http_client",
                    tracing::Level::DEBUG,
                    http.request.resend_count = attempt,
                    error.type = kind,
                    "attempt failed"
                ),
            }
        }
        #[cfg(not(feature = "tracing"))]
        let _ = (attempt, outcome);
    }

    /// The call ended with `result` after `resends` attempts beyond the first.
    pub(crate) fn finish(&self, resends: u32, result: Result<StatusCode, &Failure>) {
        #[cfg(feature = "tracing")]
        {
            if resends > 0 {
                self.span.record("http.request.resend_count", resends);
            }
            match result {
                Ok(status) => {
                    self.span
                        .record("http.response.status_code", status.as_u16());
                    if status.is_client_error() || status.is_server_error() {
                        self.span.record("error.type", status.as_str());
                    }
                }
                Err(failure) => {
                    self.span.record("error.type", failure_kind(failure));
                }
            }
        }
        #[cfg(not(feature = "tracing"))]
        let _ = (resends, result);
    }
}

impl CallTrace {
    /// The call's answer was decoded as `decoded`: a decode failure of an answer whose status
    /// is not an error (a 4xx or 5xx keeps its status as the `error.type`) records its kind.
    pub(crate) fn decoded<T, E>(&self, decoded: &Result<T, Error<E>>) {
        let kind = decoded.as_ref().err().and_then(decode_kind);
        #[cfg(feature = "tracing")]
        if let Some(kind) = kind {
            self.span.record("error.type", kind);
        }
        #[cfg(not(feature = "tracing"))]
        let _ = kind;
    }
}

/// The `error.type` of a response that arrived but did not give the documented value, when
/// its status does not already say what failed: a fixed word, never the decoder's message.
pub(crate) fn decode_kind<E>(error: &Error<E>) -> Option<&'static str> {
    let (response, kind) = match error {
        Error::Decode { response, .. } => (response, "decode"),
        Error::UnexpectedContentType(response) => (response, "unexpected_content_type"),
        Error::UnexpectedStatus(response) => (response, "unexpected_status"),
        _ => return None,
    };
    let status = response.status();
    (!(status.is_client_error() || status.is_server_error())).then_some(kind)
}

/// The `error.type` of a failure: a fixed word, never its message.
pub(crate) fn failure_kind(failure: &Failure) -> &'static str {
    match failure {
        Failure::Transport { source, .. } => transport_kind(source),
        Failure::InvalidRequest(_) => "invalid_request",
        Failure::Timeout { .. } => "timeout",
        Failure::Credential { .. } => "credential",
        #[cfg(feature = "middleware")]
        Failure::Middleware { .. } => "middleware",
    }
}

/// The `error.type` of an HTTP client's error.
pub(crate) fn transport_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else {
        "transport"
    }
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "tracing")]
    mod spans {
        //! Spans and events caught by a small `Subscriber` of the test's own: every field of
        //! every span and event, as text, to check the attributes and that no secret is there.

        use std::collections::BTreeMap;
        use std::fmt::Debug;
        use std::sync::atomic::{AtomicU64, Ordering};
        use std::sync::{Arc, Mutex};
        use std::time::Duration;

        use tracing::field::{Field, Visit};
        use tracing::span::{Attributes, Id, Record};
        use tracing::{Event, Metadata, Subscriber};

        use super::super::*;
        use crate::test_server::{Reply, Server};
        use crate::{Client, Credential, Request, RequestOptions, RetryPolicy, Secret};

        /// What the subscriber saw: the spans' fields (by span) and the events' (with their span).
        #[derive(Default, Debug)]
        struct Seen {
            spans: Vec<BTreeMap<String, String>>,
            events: Vec<(Option<usize>, BTreeMap<String, String>)>,
        }

        #[derive(Clone, Default)]
        struct Catch {
            seen: Arc<Mutex<Seen>>,
            next: Arc<AtomicU64>,
            current: Arc<Mutex<Vec<usize>>>,
        }

        struct Fields<'a>(&'a mut BTreeMap<String, String>);

        impl Visit for Fields<'_> {
            fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
                self.0.insert(field.name().to_owned(), format!("{value:?}"));
            }

            fn record_str(&mut self, field: &Field, value: &str) {
                self.0.insert(field.name().to_owned(), value.to_owned());
            }
        }

        impl Catch {
            fn seen(&self) -> std::sync::MutexGuard<'_, Seen> {
                self.seen.lock().unwrap_or_else(|e| e.into_inner())
            }
        }

        impl Subscriber for Catch {
            fn enabled(&self, _: &Metadata<'_>) -> bool {
                true
            }

            fn new_span(&self, span: &Attributes<'_>) -> Id {
                let mut fields = BTreeMap::new();
                fields.insert("name".to_owned(), span.metadata().name().to_owned());
                span.record(&mut Fields(&mut fields));
                let mut seen = self.seen();
                seen.spans.push(fields);
                self.next.fetch_add(1, Ordering::SeqCst);
                Id::from_u64(seen.spans.len() as u64)
            }

            fn record(&self, span: &Id, values: &Record<'_>) {
                let index = span.into_u64() as usize - 1;
                if let Some(fields) = self.seen().spans.get_mut(index) {
                    values.record(&mut Fields(fields));
                }
            }

            fn record_follows_from(&self, _: &Id, _: &Id) {}

            fn event(&self, event: &Event<'_>) {
                let mut fields = BTreeMap::new();
                event.record(&mut Fields(&mut fields));
                let current = self
                    .current
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .last()
                    .copied();
                self.seen().events.push((current, fields));
            }

            fn enter(&self, span: &Id) {
                let index = span.into_u64() as usize - 1;
                self.current
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(index);
            }

            fn exit(&self, _: &Id) {
                self.current.lock().unwrap_or_else(|e| e.into_inner()).pop();
            }
        }

        fn get(fields: &BTreeMap<String, String>, name: &str) -> Option<String> {
            fields.get(name).cloned()
        }

        #[tokio::test(flavor = "current_thread")]
        async fn a_call_is_one_span_with_the_http_client_attributes_and_an_event_per_attempt() {
            let server = Server::start(vec![
                Reply::new(503, "busy"),
                Reply::new(404, "no such pet hunter2-body"),
            ])
            .await;
            let client = Client::builder(&server.url)
                .retry_policy(RetryPolicy::default().initial_backoff(Duration::ZERO))
                .default_header("X-Api-Key", "hunter2-default")
                .credential("bearer", Credential::Bearer(Secret::new("hunter2-token")))
                .build()
                .unwrap_or_else(|error| panic!("{error}"));
            let catch = Catch::default();
            let _guard = tracing::subscriber::set_default(catch.clone());
            let mut options = RequestOptions {
                operation: Some(OperationInfo {
                    id: "getPet",
                    template: "/pets/{petId}",
                }),
                ..RequestOptions::default()
            };
            options
                .headers
                .push("X-Secret".to_owned(), "hunter2-header".to_owned());
            let mut request = Request::get("/pets/hunter2-path".to_owned(), &["bearer"]);
            request.query.push(("q".into(), "hunter2-query".to_owned()));
            let response = client.execute(request, &options).await;
            assert_eq!(response.map(|r| r.status().as_u16()).ok(), Some(404));
            assert_eq!(server.seen().len(), 2);

            let seen = catch.seen();
            let spans: Vec<_> = seen
                .spans
                .iter()
                .enumerate()
                .filter(|(_, s)| get(s, "name").as_deref() == Some("http_client_request"))
                .collect();
            assert_eq!(spans.len(), 1, "{seen:#?}");
            let (index, span) = spans[0];
            let expect = [
                ("otel.name", "GET /pets/{petId}"),
                ("otel.kind", "client"),
                ("http.request.method", "GET"),
                ("url.template", "/pets/{petId}"),
                ("server.address", "127.0.0.1"),
                ("openapi.operation_id", "getPet"),
                ("http.response.status_code", "404"),
                ("http.request.resend_count", "1"),
                ("error.type", "404"),
            ];
            for (name, value) in expect {
                assert_eq!(get(span, name).as_deref(), Some(value), "{name}: {span:#?}");
            }
            let port = server.url.rsplit(':').next().map(str::to_owned);
            assert_eq!(get(span, "server.port"), port);
            let attempts: Vec<_> = seen
                .events
                .iter()
                .filter(|(parent, _)| *parent == Some(index))
                .filter(|(_, e)| get(e, "message").is_some_and(|m| m.starts_with("attempt")))
                .map(|(_, e)| {
                    (
                        get(e, "http.request.resend_count"),
                        get(e, "http.response.status_code"),
                    )
                })
                .collect();
            assert_eq!(
                attempts,
                [
                    (Some("0".to_owned()), Some("503".to_owned())),
                    (Some("1".to_owned()), Some("404".to_owned()))
                ]
            );
            // No credential, header value, path, query or body anywhere.
            let everything = format!("{seen:?}");
            assert!(!everything.contains("hunter2"), "{everything}");
        }

        #[tokio::test(flavor = "current_thread")]
        async fn a_failed_call_records_its_error_type() {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            let address = listener.local_addr().expect("address");
            drop(listener);
            let client = Client::builder(format!("http://{address}"))
                .retry_policy(RetryPolicy::none())
                .build()
                .unwrap_or_else(|error| panic!("{error}"));
            let catch = Catch::default();
            let _guard = tracing::subscriber::set_default(catch.clone());
            let result = client
                .execute(
                    Request::get("/a".to_owned(), &[]),
                    &RequestOptions::default(),
                )
                .await;
            assert!(result.is_err());
            let seen = catch.seen();
            let span = seen
                .spans
                .iter()
                .find(|s| get(s, "name").as_deref() == Some("http_client_request"));
            let span = span.unwrap_or_else(|| panic!("{seen:#?}"));
            assert_eq!(get(span, "error.type").as_deref(), Some("connect"));
            assert_eq!(get(span, "otel.name").as_deref(), Some("GET"));
            assert_eq!(get(span, "http.response.status_code"), None);
            assert_eq!(get(span, "http.request.resend_count"), None);
        }

        /// The `error.type` of each call of `decode` to a server answering `reply`.
        async fn decode_error_type(
            reply: Reply,
            decode: fn(crate::RawResponse, bool) -> Result<crate::ResponseValue<u32>, Error<()>>,
        ) -> (Option<String>, Option<String>) {
            let server = Server::start(vec![reply]).await;
            let client = Client::builder(&server.url)
                .retry_policy(RetryPolicy::none())
                .build()
                .unwrap_or_else(|error| panic!("{error}"));
            let catch = Catch::default();
            let _guard = tracing::subscriber::set_default(catch.clone());
            let result = crate::sending(
                client.call(),
                Ok(Request::get("/n".to_owned(), &[])),
                decode,
            )
            .await;
            assert!(result.is_err());
            let seen = catch.seen();
            let span = seen
                .spans
                .iter()
                .find(|s| get(s, "name").as_deref() == Some("http_client_request"));
            let span = span.unwrap_or_else(|| panic!("{seen:#?}"));
            (
                get(span, "error.type"),
                get(span, "http.response.status_code"),
            )
        }

        #[tokio::test(flavor = "current_thread")]
        async fn an_answer_that_does_not_decode_records_its_error_type() {
            fn json(
                response: crate::RawResponse,
                _: bool,
            ) -> Result<crate::ResponseValue<u32>, Error<()>> {
                response.json()
            }
            fn strict(
                response: crate::RawResponse,
                _: bool,
            ) -> Result<crate::ResponseValue<u32>, Error<()>> {
                response.unexpected()
            }
            let not_a_number =
                Reply::new(200, "\"seven\"").header("content-type", "application/json");
            assert_eq!(
                decode_error_type(not_a_number, json).await,
                (Some("decode".to_owned()), Some("200".to_owned()))
            );
            let html = Reply::new(200, "<html>").header("content-type", "text/html");
            assert_eq!(
                decode_error_type(html, json).await,
                (
                    Some("unexpected_content_type".to_owned()),
                    Some("200".to_owned())
                )
            );
            assert_eq!(
                decode_error_type(Reply::new(203, ""), strict).await,
                (Some("unexpected_status".to_owned()), Some("203".to_owned()))
            );
            // A 4xx keeps its status as the error type, whatever its body.
            let bad = Reply::new(422, "{").header("content-type", "application/json");
            assert_eq!(
                decode_error_type(bad, json).await,
                (Some("422".to_owned()), Some("422".to_owned()))
            );
        }
    }
}
