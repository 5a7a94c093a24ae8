//! Bodies that are never held in memory whole: a success body read as it arrives
//! ([`ByteStream`], the value of an operation whose success body is binary), and a request
//! body read as it is sent ([`Upload`]: a file or a stream). `Streamed` is what the `decode`
//! of such an operation reads: a success response with its body still arriving, every other
//! status read whole (error bodies are short, and typed from the whole body).
//!
//! Invariants: nothing here buffers a body unless the caller asks ([`ByteStream::bytes`],
//! [`ByteStream::text`]); a request whose body is read as it is sent is sent once (never
//! retried: the body cannot be read twice), and an [`Upload`] of a stream is sent by one
//! request only (a clone shares it; the second send is `Error::InvalidRequest`).

use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use reqwest::{Method, StatusCode};

use super::{Error, Failure, RawResponse, Receive, Resend, ResponseValue};

/// A failure while a body streams: the connection broke, or what arrived cannot be read
/// as documented (an event's data, a body's text). It names what failed, never a credential.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError {
    /// The connection failed while the body arrived (or, for an event stream, while it
    /// reconnected).
    Transport(reqwest::Error),
    /// Writing the body where the caller asked (a file, an `AsyncWrite`) failed.
    Io(std::io::Error),
    /// The body is not what the API documents: not UTF-8 text, not an event stream, an
    /// event whose `data` does not decode as the documented type.
    Decode(String),
    /// An event stream's reconnection was answered with something other than events.
    Reconnect {
        /// The status of the answer.
        status: StatusCode,
        /// What was wrong with it.
        message: String,
    },
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Transport(error) => write!(f, "the body stream failed: {error}"),
            StreamError::Io(error) => write!(f, "writing the body failed: {error}"),
            StreamError::Decode(message) => write!(f, "the body cannot be read: {message}"),
            StreamError::Reconnect { status, message } => {
                write!(f, "reconnecting the event stream got {status}: {message}")
            }
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StreamError::Transport(error) => Some(error),
            StreamError::Io(error) => Some(error),
            _ => None,
        }
    }
}

impl From<reqwest::Error> for StreamError {
    fn from(error: reqwest::Error) -> Self {
        StreamError::Transport(error.without_url())
    }
}

type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, StreamError>> + Send>>;

/// A response body read as it arrives: a `Stream` of chunks (or
/// [`bytes_stream`](Self::bytes_stream)), copied into a file or any `AsyncWrite` with
/// [`write_to`](Self::write_to) and [`write_to_file`](Self::write_to_file), or read whole
/// with [`bytes`](Self::bytes) and [`text`](Self::text). Only those two hold the whole body.
///
/// ```text
/// let body = client.download_file("f-1").await?;
/// let written = body.write_to_file("out.bin").await?;
/// ```
pub struct ByteStream {
    chunks: Chunks,
    length: Option<u64>,
}

impl ByteStream {
    fn new(response: reqwest::Response) -> Self {
        let length = response.content_length();
        ByteStream {
            chunks: Box::pin(response.bytes_stream().map_err(StreamError::from)),
            length,
        }
    }

    /// A body that arrived whole.
    fn whole(body: Vec<u8>) -> Self {
        let length = Some(body.len() as u64);
        let chunk = Ok(Bytes::from(body));
        ByteStream {
            chunks: Box::pin(futures_util::stream::iter([chunk])),
            length,
        }
    }

    /// The body's length as the server announced it (`Content-Length`), if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.length
    }

    /// The body as a `Stream` of chunks, in order, each as it arrives.
    pub fn bytes_stream(self) -> impl Stream<Item = Result<Bytes, StreamError>> + Send {
        self.chunks
    }

    /// Reads the whole body into memory.
    pub async fn bytes(mut self) -> Result<Bytes, StreamError> {
        let mut whole = Vec::with_capacity(self.length.unwrap_or(0).min(1 << 20) as usize);
        while let Some(chunk) = self.chunks.next().await {
            whole.extend_from_slice(&chunk?);
        }
        Ok(Bytes::from(whole))
    }

    /// Reads the whole body as UTF-8 text (anything else is [`StreamError::Decode`]).
    pub async fn text(self) -> Result<String, StreamError> {
        let bytes = self.bytes().await?;
        String::from_utf8(bytes.into()).map_err(|error| StreamError::Decode(error.to_string()))
    }

    /// Copies the body into `writer` chunk by chunk as it arrives, then flushes it; the
    /// number of bytes written.
    pub async fn write_to<W>(mut self, writer: &mut W) -> Result<u64, StreamError>
    where
        W: tokio::io::AsyncWrite + Unpin + ?Sized,
    {
        use tokio::io::AsyncWriteExt;
        let mut written = 0u64;
        while let Some(chunk) = self.chunks.next().await {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(StreamError::Io)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(StreamError::Io)?;
        Ok(written)
    }

    /// Creates (or truncates) the file at `path` and copies the body into it as it arrives;
    /// the number of bytes written.
    pub async fn write_to_file(
        self,
        path: impl AsRef<std::path::Path>,
    ) -> Result<u64, StreamError> {
        let mut file = tokio::fs::File::create(path)
            .await
            .map_err(StreamError::Io)?;
        self.write_to(&mut file).await
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.chunks.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("content_length", &self.length)
            .finish_non_exhaustive()
    }
}

/// A request body: bytes in memory (`Vec<u8>`, `Bytes`, `String`, `&'static [u8]`; sent
/// again when a request is retried), or a body read as it is sent: a file
/// ([`Upload::file`], or a `tokio::fs::File`) or a `Stream` of chunks ([`Upload::stream`]).
///
/// A request with a body read as it is sent is never retried (the body cannot be read
/// twice), whatever the retry policy; and the body goes with one request only: a clone of
/// the request builder shares it, and sending the second is `Error::InvalidRequest`.
#[derive(Clone)]
pub struct Upload {
    body: UploadBody,
}

#[derive(Clone)]
enum UploadBody {
    Bytes(Bytes),
    /// Taken by the request that sends it.
    Streamed(Arc<Mutex<Option<Upstream>>>),
}

/// The chunks of a body read as it is sent.
pub(crate) type Upstream =
    Pin<Box<dyn Stream<Item = Result<Bytes, Box<dyn std::error::Error + Send + Sync>>> + Send>>;

impl Upload {
    /// A body read from `stream` as it is sent, chunk by chunk.
    pub fn stream<S, B, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes> + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        Upload::streamed(Box::pin(stream.map_ok(Into::into).map_err(Into::into)))
    }

    /// A body read from the file at `path` as it is sent.
    pub async fn file(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        Ok(Upload::from(tokio::fs::File::open(path).await?))
    }

    fn streamed(body: Upstream) -> Self {
        Upload {
            body: UploadBody::Streamed(Arc::new(Mutex::new(Some(body)))),
        }
    }
}

/// What an operation's binary body and a `Form`'s streamed part call (an API may have neither).
#[allow(dead_code)]
impl Upload {
    /// Puts the body into `request` as `media_type`: bytes as its (re-sendable) body, a
    /// stream as its upload; a stream another request took already is an error.
    pub(crate) fn attach(
        &self,
        request: &mut super::Request,
        media_type: &'static str,
    ) -> Result<(), Failure> {
        match &self.body {
            UploadBody::Bytes(bytes) => request.body = Some((media_type, bytes.to_vec())),
            UploadBody::Streamed(_) => {
                let body = reqwest::Body::wrap_stream(self.chunks()?);
                request.upload = Some((media_type, body));
            }
        }
        Ok(())
    }

    /// The body's chunks (a stream is taken: another request cannot send it).
    pub(crate) fn chunks(&self) -> Result<Upstream, Failure> {
        match &self.body {
            UploadBody::Bytes(bytes) => {
                let chunk = Ok(bytes.clone());
                Ok(Box::pin(futures_util::stream::iter([chunk])))
            }
            UploadBody::Streamed(shared) => {
                let taken = shared.lock().ok().and_then(|mut body| body.take());
                taken.ok_or_else(|| {
                    Failure::InvalidRequest(
                        "this request's body was a stream another send already read; \
                         a streamed body goes with one request: build the request again \
                         with a new stream or file"
                            .to_owned(),
                    )
                })
            }
        }
    }

    /// True for bytes in memory (which a request can send again).
    pub(crate) fn in_memory(&self) -> bool {
        matches!(self.body, UploadBody::Bytes(_))
    }

    /// The bytes, when they are in memory.
    pub(crate) fn bytes_in_memory(&self) -> Option<Vec<u8>> {
        match &self.body {
            UploadBody::Bytes(bytes) => Some(bytes.to_vec()),
            UploadBody::Streamed(_) => None,
        }
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.body {
            UploadBody::Bytes(bytes) => write!(f, "Upload({} bytes)", bytes.len()),
            UploadBody::Streamed(_) => f.write_str("Upload(stream)"),
        }
    }
}

impl From<Bytes> for Upload {
    fn from(bytes: Bytes) -> Self {
        Upload {
            body: UploadBody::Bytes(bytes),
        }
    }
}

impl From<Vec<u8>> for Upload {
    fn from(bytes: Vec<u8>) -> Self {
        Upload::from(Bytes::from(bytes))
    }
}

impl From<&'static [u8]> for Upload {
    fn from(bytes: &'static [u8]) -> Self {
        Upload::from(Bytes::from_static(bytes))
    }
}

impl From<String> for Upload {
    fn from(text: String) -> Self {
        Upload::from(Bytes::from(text))
    }
}

impl From<&'static str> for Upload {
    fn from(text: &'static str) -> Self {
        Upload::from(Bytes::from_static(text.as_bytes()))
    }
}

impl From<tokio::fs::File> for Upload {
    /// The file, read from where it stands as it is sent.
    fn from(file: tokio::fs::File) -> Self {
        let chunks = tokio_util::io::ReaderStream::new(file);
        Upload::streamed(Box::pin(chunks.map_err(Into::into)))
    }
}

impl PartialEq for Upload {
    /// Bytes are equal by their value, a stream only to itself (and its clones).
    fn eq(&self, other: &Self) -> bool {
        match (&self.body, &other.body) {
            (UploadBody::Bytes(a), UploadBody::Bytes(b)) => a == b,
            (UploadBody::Streamed(a), UploadBody::Streamed(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for Upload {}

/// What the `decode` of an operation with a streamed success body reads: a success status
/// (2xx) with its body still arriving, any other status read whole, as [`RawResponse`]. It
/// has `RawResponse`'s decoders for the error statuses. Public in name only (what an
/// operation's `Operation::Received` names; the generated crate does not export it).
#[derive(Debug)]
#[allow(private_interfaces)]
pub enum Streamed {
    /// A success: the body is read by the value.
    Live {
        response: reqwest::Response,
        /// Read by an event stream (`sse.rs`), which not every API has.
        #[allow(dead_code)]
        resend: Option<Box<Resend>>,
    },
    /// Any other status, read whole.
    Whole(RawResponse),
}

impl Receive for Streamed {
    const RESENDS: bool = true;
    const STREAMS: bool = true;

    fn status(&self) -> reqwest::StatusCode {
        match self {
            Streamed::Live { response, .. } => response.status(),
            Streamed::Whole(response) => response.status,
        }
    }

    async fn receive(
        response: reqwest::Response,
        method: Method,
        path: String,
        resend: Option<Resend>,
    ) -> Result<Self, Failure> {
        if response.status().is_success() {
            let resend = resend.map(Box::new);
            return Ok(Streamed::Live { response, resend });
        }
        RawResponse::receive(response, method, path, None)
            .await
            .map(Streamed::Whole)
    }
}

/// The status and headers of `response`, with an empty body (the body is read elsewhere).
pub(crate) fn head(response: &reqwest::Response) -> RawResponse {
    RawResponse {
        status: response.status(),
        headers: Box::new(response.headers().clone()),
        body: Vec::new(),
    }
}

/// The decoders of the operations' `decode` functions (each calls those it needs).
#[allow(dead_code)]
impl Streamed {
    /// The response status.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Streamed::Live { response, .. } => response.status(),
            Streamed::Whole(response) => response.status(),
        }
    }

    /// The response as [`RawResponse`]: a success's body is not read (it is left empty).
    pub(crate) fn whole(self) -> RawResponse {
        match self {
            Streamed::Whole(response) => response,
            Streamed::Live { response, .. } => head(&response),
        }
    }

    /// The body as a [`ByteStream`], read as it arrives.
    pub(crate) fn download<E>(self) -> Result<ResponseValue<ByteStream>, Error<E>> {
        match self {
            Streamed::Live { response, .. } => {
                let head = head(&response);
                head.empty(ByteStream::new(response))
            }
            Streamed::Whole(mut response) => {
                let body = std::mem::take(&mut response.body);
                response.empty(ByteStream::whole(body))
            }
        }
    }
}

/// `RawResponse`'s decoders of the error statuses, on [`Streamed`] (whose error statuses
/// are read whole; an undocumented success's body is not read).
#[allow(dead_code)]
impl Streamed {
    pub(crate) fn json_error<T: serde::de::DeserializeOwned, V, E>(
        self,
        variant: impl FnOnce(T) -> E,
    ) -> Result<ResponseValue<V>, Error<E>> {
        self.whole().json_error(variant)
    }

    pub(crate) fn text_error<V, E>(
        self,
        variant: impl FnOnce(String) -> E,
    ) -> Result<ResponseValue<V>, Error<E>> {
        self.whole().text_error(variant)
    }

    pub(crate) fn bytes_error<V, E>(
        self,
        variant: impl FnOnce(Vec<u8>) -> E,
    ) -> Result<ResponseValue<V>, Error<E>> {
        self.whole().bytes_error(variant)
    }

    pub(crate) fn error<V, E>(self, value: E) -> Result<ResponseValue<V>, Error<E>> {
        self.whole().error(value)
    }

    pub(crate) fn unexpected<V, E>(self) -> Result<ResponseValue<V>, Error<E>> {
        self.whole().unexpected()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_server::{Reply, Server};
    use crate::{Client, Request, RequestOptions};

    #[test]
    fn a_streamed_upload_goes_with_one_request_and_bytes_with_every_one() {
        let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(b"ab".to_vec())]);
        let upload = Upload::stream(chunks);
        let shared = upload.clone();
        assert_eq!(upload, shared);
        let mut request = Request::put("/f".to_owned(), &[]);
        assert!(upload
            .attach(&mut request, "application/octet-stream")
            .is_ok());
        assert!(request.upload.is_some() && request.body.is_none());
        assert!(
            request.try_clone().is_none(),
            "a streamed request cannot be sent again"
        );
        let mut again = Request::put("/f".to_owned(), &[]);
        assert!(matches!(
            shared.attach(&mut again, "application/octet-stream"),
            Err(Failure::InvalidRequest(_))
        ));
        let bytes = Upload::from(b"ab".to_vec());
        for _ in 0..2 {
            let mut request = Request::put("/f".to_owned(), &[]);
            assert!(bytes.attach(&mut request, "text/plain").is_ok());
            assert_eq!(request.body, Some(("text/plain", b"ab".to_vec())));
        }
        assert_ne!(bytes, upload);
        assert_eq!(
            format!("{bytes:?} {upload:?}"),
            "Upload(2 bytes) Upload(stream)"
        );
    }

    #[tokio::test]
    async fn a_success_streams_and_an_error_is_read_whole() {
        let server = Server::start(vec![
            Reply::new(200, "0123456789").header("content-type", "application/octet-stream"),
            Reply::new(500, "broken"),
        ])
        .await;
        let client = Client::builder(&server.url)
            .retry_policy(crate::RetryPolicy::none())
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        let options = RequestOptions::default();
        let send = || client.execute_as::<Streamed>(Request::get("/f".to_owned(), &[]), &options);
        let streamed = send().await.unwrap_or_else(|error| panic!("{error:?}"));
        let value = streamed.download::<()>().map(|value| value.into_inner());
        let text = match value {
            Ok(body) => body.text().await.ok(),
            Err(error) => panic!("{error:?}"),
        };
        assert_eq!(text.as_deref(), Some("0123456789"));
        let streamed = send().await.unwrap_or_else(|error| panic!("{error:?}"));
        assert_eq!(streamed.status().as_u16(), 500);
        match streamed.unexpected::<(), ()>() {
            Err(Error::UnexpectedStatus(response)) => assert_eq!(response.body(), b"broken"),
            other => panic!("{other:?}"),
        }
    }

    /// A streamed request has no total timeout (it would end the body), but its timeout still
    /// bounds the wait for the response's headers: a server that accepts and never answers
    /// fails the call instead of holding it forever.
    #[tokio::test]
    async fn a_server_that_never_answers_times_out_before_the_headers() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        let address = listener
            .local_addr()
            .unwrap_or_else(|error| panic!("{error}"));
        // Accepts connections and keeps them open without a byte of answer.
        let silent = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        let client = Client::builder(format!("http://{address}"))
            .timeout(Some(std::time::Duration::from_millis(200)))
            .retry_policy(crate::RetryPolicy::none())
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        let options = RequestOptions::default();
        let call = client.execute_as::<Streamed>(Request::get("/f".to_owned(), &[]), &options);
        let outcome = tokio::time::timeout(std::time::Duration::from_secs(10), call).await;
        silent.abort();
        match outcome {
            Ok(Err(failure @ Failure::Timeout { .. })) => {
                let error: Error<()> = failure.into();
                assert_eq!(error.to_string(), "GET /f: no response within 200 ms");
            }
            Ok(other) => panic!("expected a timeout, got {other:?}"),
            Err(_) => panic!("the call was still waiting after 10 s"),
        }
    }
}
