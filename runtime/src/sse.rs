//! Server-sent events: the value of an operation whose success body is `text/event-stream`
//! ([`EventStream`], a `Stream` of typed [`Event`]s), parsed by the `sse-stream` crate, and
//! its reconnection ([`ReconnectPolicy`]), which sends the request again through the
//! client's send path (credentials, headers, timeouts) with `Last-Event-ID`.
//!
//! Invariants: an event's `data` is decoded on its own (one that does not decode is an
//! error item, and the stream goes on); blocks without `data` dispatch nothing but their `id`
//! and `retry` still count; without a policy the stream ends where the connection does; with
//! one it reconnects after the server's `retry:` (else the policy's delay), at most
//! `max_attempts` times in a row without an event, never after a `204 No Content`.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use reqwest::header::HeaderMap;

use super::{Error, Failure, Resend, ResponseValue, StreamError, Streamed};

/// One server-sent event.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The event's type (`event:`); `message` when the server names none.
    pub event: String,
    /// The event's `data`, decoded as the API documents it (the text as it is for a
    /// string schema; several `data:` lines are joined with line feeds).
    pub data: T,
    /// The event's `id:`, if it has one (the stream's last id is what a reconnection sends
    /// as `Last-Event-ID`).
    pub id: Option<String>,
    /// The reconnection delay the server asked for with this event (`retry:`), if any.
    pub retry: Option<Duration>,
}

/// When and how often an [`EventStream`] reconnects after its connection ends or breaks.
///
/// The wait before each attempt is the server's last `retry:`, else [`delay`](Self::delay)
/// (3 seconds unless set). The count of attempts starts again with every event received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconnectPolicy {
    max_attempts: u32,
    delay: Duration,
}

impl Default for ReconnectPolicy {
    /// Up to 5 attempts in a row, 3 seconds apart unless the server says otherwise.
    fn default() -> Self {
        ReconnectPolicy {
            max_attempts: 5,
            delay: Duration::from_secs(3),
        }
    }
}

impl ReconnectPolicy {
    /// At most `attempts` reconnections in a row without an event in between.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The wait before reconnecting when the server sent no `retry:`.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Events<T> = Pin<Box<dyn Stream<Item = Result<Event<T>, StreamError>> + Send>>;
type Blocks = Pin<Box<dyn Stream<Item = Result<sse_stream::Sse, sse_stream::Error>> + Send>>;

/// A stream of server-sent events, each `Result<Event<T>, StreamError>`, read as they
/// arrive. It ends where the connection does, unless [`reconnect`](Self::reconnect) asks it
/// to connect again.
///
/// ```text
/// let mut events = client.watch_jobs().await?.reconnect(ReconnectPolicy::default());
/// while let Some(event) = events.next().await {
///     let event = event?;
///     println!("{}: {:?}", event.event, event.data);
/// }
/// ```
pub struct EventStream<T> {
    state: Option<State<T>>,
    running: Option<Events<T>>,
}

struct State<T> {
    blocks: Option<Blocks>,
    resend: Option<Resend>,
    policy: Option<ReconnectPolicy>,
    decode: fn(&str) -> Result<T, String>,
    last_event_id: Option<String>,
    retry: Option<Duration>,
    attempts: u32,
    done: bool,
}

impl<T: Send + 'static> EventStream<T> {
    pub(crate) fn new(
        response: reqwest::Response,
        resend: Option<Resend>,
        decode: fn(&str) -> Result<T, String>,
    ) -> Self {
        EventStream {
            state: Some(State {
                blocks: Some(blocks(response)),
                resend,
                policy: None,
                decode,
                last_event_id: None,
                retry: None,
                attempts: 0,
                done: false,
            }),
            running: None,
        }
    }

    /// Reconnects as `policy` says when the connection ends or breaks, sending the request
    /// again with the last event id received as `Last-Event-ID`. A request whose body was
    /// read as it was sent (a file, a stream) cannot be sent again: its stream ends where
    /// the connection does. Set before the first event is read (later, it changes nothing).
    pub fn reconnect(mut self, policy: ReconnectPolicy) -> Self {
        if let Some(state) = self.state.as_mut() {
            state.policy = Some(policy);
        }
        self
    }

    fn events(&mut self) -> &mut Events<T> {
        let state = &mut self.state;
        self.running.get_or_insert_with(|| {
            let events = futures_util::stream::unfold(state.take(), |state| async move {
                let mut state = state?;
                let item = state.next().await?;
                Some((item, Some(state)))
            });
            Box::pin(events)
        })
    }
}

impl<T: Send + 'static> State<T> {
    /// The next item: an event, or the error that ends the stream; `None` at its end.
    async fn next(&mut self) -> Option<Result<Event<T>, StreamError>> {
        loop {
            if self.done {
                return None;
            }
            if let Some(blocks) = self.blocks.as_mut() {
                match blocks.next().await {
                    Some(Ok(block)) => {
                        if let Some(event) = self.dispatch(block) {
                            return Some(event);
                        }
                        continue;
                    }
                    Some(Err(error)) => {
                        self.blocks = None;
                        if !self.may_reconnect() {
                            self.done = true;
                            return Some(Err(stream_error(error)));
                        }
                    }
                    None => {
                        self.blocks = None;
                        if !self.may_reconnect() {
                            return None;
                        }
                    }
                }
            }
            if let Err(error) = self.reconnect().await {
                self.done = true;
                return error.map(Err);
            }
        }
    }

    /// The event of one block: `None` for a block without `data` (its `id` and `retry`
    /// still count).
    fn dispatch(&mut self, block: sse_stream::Sse) -> Option<Result<Event<T>, StreamError>> {
        // An id holding NUL is ignored (the WHATWG rules).
        if let Some(id) = block.id.as_ref().filter(|id| !id.contains('\0')) {
            self.last_event_id = Some(id.clone());
        }
        let retry = block.retry.map(Duration::from_millis);
        if retry.is_some() {
            self.retry = retry;
        }
        let data = block.data?;
        self.attempts = 0;
        let event = block
            .event
            .filter(|event| !event.is_empty())
            .unwrap_or_else(|| "message".to_owned());
        Some(match (self.decode)(&data) {
            Ok(data) => Ok(Event {
                event,
                data,
                id: block.id,
                retry,
            }),
            Err(message) => Err(StreamError::Decode(format!(
                "the data of a `{event}` event{} does not decode: {message}",
                block
                    .id
                    .map(|id| format!(" (id {id:?})"))
                    .unwrap_or_default()
            ))),
        })
    }

    fn may_reconnect(&self) -> bool {
        match (&self.policy, &self.resend) {
            (Some(policy), Some(_)) => self.attempts < policy.max_attempts,
            _ => false,
        }
    }

    /// Connects again; `Err(None)`: the stream ends quietly, `Err(Some(error))`: with an
    /// error.
    async fn reconnect(&mut self) -> Result<(), Option<StreamError>> {
        loop {
            let (Some(policy), Some(resend)) = (&self.policy, &self.resend) else {
                return Err(None);
            };
            if self.attempts >= policy.max_attempts {
                return Err(None);
            }
            self.attempts += 1;
            tokio::time::sleep(self.retry.unwrap_or(policy.delay)).await;
            let Some(mut request) = resend.request.try_clone() else {
                return Err(None);
            };
            if let Some(id) = &self.last_event_id {
                request
                    .headers
                    .retain(|(name, _)| !name.eq_ignore_ascii_case("last-event-id"));
                request.headers.push(("Last-Event-ID", id.clone()));
            }
            let sent = resend
                .client
                .execute_as::<Streamed>(request, &resend.options)
                .await;
            match sent {
                Ok(Streamed::Live { response, .. }) => {
                    let status = response.status();
                    if status == reqwest::StatusCode::NO_CONTENT {
                        return Err(None);
                    }
                    if !is_event_stream(response.headers()) {
                        return Err(Some(StreamError::Reconnect {
                            status,
                            message: "the answer is not `text/event-stream`".to_owned(),
                        }));
                    }
                    self.blocks = Some(blocks(response));
                    return Ok(());
                }
                Ok(Streamed::Whole(response)) => {
                    return Err(Some(StreamError::Reconnect {
                        status: response.status(),
                        message: response.message(),
                    }));
                }
                // The server is not there (yet): the next attempt, if any.
                Err(Failure::Transport { source, .. }) => {
                    if self.attempts >= policy.max_attempts {
                        return Err(Some(StreamError::Transport(source)));
                    }
                }
                Err(Failure::InvalidRequest(message)) => {
                    return Err(Some(StreamError::Decode(message)));
                }
                // A credential or a middleware refused the reconnection: nothing was sent.
                Err(failure) => {
                    let kind = super::failure_kind(&failure);
                    let message = format!("the reconnection was not sent ({kind})");
                    return Err(Some(StreamError::Decode(message)));
                }
            }
        }
    }
}

/// A failure of the parser: the connection's (`Transport`), or what arrived (`Decode`).
fn stream_error(error: sse_stream::Error) -> StreamError {
    match error {
        sse_stream::Error::Body(error) => match error.downcast::<reqwest::Error>() {
            Ok(error) => StreamError::from(*error),
            Err(error) => StreamError::Decode(format!("the event stream broke: {error}")),
        },
        other => StreamError::Decode(other.to_string()),
    }
}

/// The blocks of an event stream's body, as they arrive.
fn blocks(response: reqwest::Response) -> Blocks {
    Box::pin(sse_stream::SseByteStream::new(response.bytes_stream()))
}

/// True when `headers` declare an event stream (`text/event-stream`).
pub(crate) fn is_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("text/event-stream"))
}

impl<T: Send + 'static> Stream for EventStream<T> {
    type Item = Result<Event<T>, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events().as_mut().poll_next(cx)
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

/// The decoders of an operation whose success body is an event stream.
#[allow(dead_code)]
impl Streamed {
    /// The body as an event stream whose `data` is the documented JSON type.
    pub(crate) fn events<T: serde::de::DeserializeOwned + Send + 'static, E>(
        self,
    ) -> Result<ResponseValue<EventStream<T>>, Error<E>> {
        self.event_stream(|data| serde_json::from_str(data).map_err(|error| error.to_string()))
    }

    /// The body as an event stream whose `data` is kept as text.
    pub(crate) fn events_text<E>(self) -> Result<ResponseValue<EventStream<String>>, Error<E>> {
        self.event_stream(|data| Ok(data.to_owned()))
    }

    fn event_stream<T: Send + 'static, E>(
        self,
        decode: fn(&str) -> Result<T, String>,
    ) -> Result<ResponseValue<EventStream<T>>, Error<E>> {
        match self {
            Streamed::Live { response, resend } => {
                let head = super::head(&response);
                if !is_event_stream(response.headers()) {
                    // The body is left unread: it may never end.
                    return Err(Error::UnexpectedContentType(head));
                }
                head.empty(EventStream::new(response, resend.map(|r| *r), decode))
            }
            Streamed::Whole(response) => Err(Error::UnexpectedStatus(response)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_server::{Reply, Server};
    use crate::{Client, Request, RequestOptions};

    #[test]
    fn only_an_event_stream_is_one() {
        let mut headers = HeaderMap::new();
        assert!(!is_event_stream(&headers));
        headers.insert(
            "content-type",
            "Text/Event-Stream; charset=utf-8"
                .parse()
                .unwrap_or_else(|_| unreachable!()),
        );
        assert!(is_event_stream(&headers));
        headers.insert(
            "content-type",
            "text/plain".parse().unwrap_or_else(|_| unreachable!()),
        );
        assert!(!is_event_stream(&headers));
    }

    #[tokio::test]
    async fn events_are_decoded_one_by_one_and_another_type_is_refused() {
        let body = "retry: 7\n\nid: a\ndata: 1\n\nevent: x\ndata: nope\n\ndata: 3\n\n";
        let server = Server::start(vec![
            Reply::new(200, body).header("content-type", "text/event-stream"),
            Reply::new(200, "[]").header("content-type", "application/json"),
        ])
        .await;
        let client = Client::builder(&server.url)
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        let options = RequestOptions::default();
        let send = || client.execute_as::<Streamed>(Request::get("/e".to_owned(), &[]), &options);
        let streamed = send().await.unwrap_or_else(|error| panic!("{error:?}"));
        let events = match streamed.events::<u32, ()>() {
            Ok(events) => events.into_inner(),
            Err(error) => panic!("{error:?}"),
        };
        let items: Vec<_> = events.collect().await;
        assert_eq!(items.len(), 3, "{items:?}");
        match &items[0] {
            Ok(event) => {
                assert_eq!(
                    (event.event.as_str(), event.data, event.id.as_deref()),
                    ("message", 1, Some("a"))
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&items[1], Err(StreamError::Decode(message)) if message.contains("`x`")));
        assert!(matches!(&items[2], Ok(event) if event.data == 3 && event.id.is_none()));
        let streamed = send().await.unwrap_or_else(|error| panic!("{error:?}"));
        assert!(matches!(
            streamed.events_text::<()>(),
            Err(Error::UnexpectedContentType(_))
        ));
    }
}
