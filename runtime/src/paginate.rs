//! Pagination: a list operation's pages as a lazy [`Pages`] stream (each page's
//! `ResponseValue`: value, status, headers) and its items as an [`Items`] stream, both
//! `futures::Stream`s. A paginated operation's request builder has `.pages()` and `.items()`.
//!
//! Invariants: nothing is sent until the stream is polled, and one request at a time; every
//! page goes through the client's normal send path (`Client::execute`: credentials, added
//! headers, the retry policy and timeouts of the builder); the stream ends after the first
//! error; a next page the server names again (a cursor or link already followed, or the same
//! page again) ends the stream with [`Error::Pagination`] rather than loop, and so does a
//! next link outside the client's base URL (which would carry its credentials elsewhere).

use std::collections::{BTreeSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{Call, Error, Failure, RawResponse, Request, ResponseValue};

/// How an operation's next page is asked for (the generator writes one per paginated
/// operation, so an API uses some of the variants). Body paths are field names, outermost
/// first.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy)]
pub(crate) enum Paging {
    /// RFC 8288 `Link` header, `rel="next"`.
    Link,
    /// The next page's URL in the body.
    NextUrl { next: &'static [&'static str] },
    /// A token in the body, sent in the query parameter `param`.
    Cursor {
        param: &'static str,
        next: &'static [&'static str],
        has_more: Option<&'static [&'static str]>,
    },
    /// The last item's `field`, sent in the query parameter `param`.
    LastItem {
        param: &'static str,
        field: &'static str,
        has_more: Option<&'static [&'static str]>,
    },
    /// The offset of the next item, in `param`; `limit` is the page size parameter.
    Offset {
        param: &'static str,
        limit: Option<&'static str>,
    },
    /// The next page number, in `param` (the first is `start`); `size` is the page size
    /// parameter.
    Page {
        param: &'static str,
        size: Option<&'static str>,
        start: u64,
    },
}

type Decode<T, E> = fn(RawResponse, bool) -> Result<ResponseValue<T>, Error<E>>;

/// A page, what follows it, and the cursors and links followed so far with the page's hash.
type Fetched<T, E> = (
    Result<ResponseValue<T>, Error<E>>,
    Next<E>,
    BTreeSet<String>,
    Option<u64>,
);

type PageFuture<'a, T, E> = Pin<Box<dyn Future<Output = Fetched<T, E>> + Send + 'a>>;

/// What follows a page.
enum Next<E> {
    Request(Request),
    Fail(Error<E>),
    End,
}

/// The pages of a paginated operation, one `ResponseValue` (value, status, headers) each: a
/// lazy `futures::Stream` (from a request builder's `.pages()`). It ends after the last page or
/// after an error, and after [`max_pages`](Self::max_pages) pages when set.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<'a, T, E> {
    call: Call<'a>,
    decode: Decode<T, E>,
    paging: Paging,
    items: &'static [&'static str],
    next: Next<E>,
    in_flight: Option<PageFuture<'a, T, E>>,
    max_pages: Option<usize>,
    fetched: usize,
    /// Cursors and links followed, and the hash of the last page's body.
    seen: BTreeSet<String>,
    last_body: Option<u64>,
}

// The stream is never pinned structurally: its fields move freely.
impl<T, E> Unpin for Pages<'_, T, E> {}

/// The stream of a request builder's pages: `request` is its first request, `decode` its
/// decoder, `items` where the items are in the body (empty: the body is the array).
pub(crate) fn pages<'a, T, E>(
    call: Call<'a>,
    request: Result<Request, Failure>,
    decode: Decode<T, E>,
    paging: Paging,
    items: &'static [&'static str],
) -> Pages<'a, T, E> {
    Pages {
        call,
        decode,
        paging,
        items,
        next: match request {
            Ok(request) => Next::Request(request),
            Err(failure) => Next::Fail(failure.into()),
        },
        in_flight: None,
        max_pages: None,
        fetched: 0,
        seen: BTreeSet::new(),
        last_body: None,
    }
}

impl<T, E> Pages<'_, T, E> {
    /// Stops after `pages` pages (`0`: sends nothing).
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.max_pages = Some(pages);
        self
    }
}

impl<T, E> fmt::Debug for Pages<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("paging", &self.paging)
            .field("fetched", &self.fetched)
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

impl<'a, T: Send + 'a, E: Send + 'a> futures::Stream for Pages<'a, T, E> {
    type Item = Result<ResponseValue<T>, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.in_flight.is_none() {
            match std::mem::replace(&mut this.next, Next::End) {
                Next::End => return Poll::Ready(None),
                Next::Fail(error) => return Poll::Ready(Some(Err(error))),
                Next::Request(_) if this.max_pages.is_some_and(|max| this.fetched >= max) => {
                    return Poll::Ready(None);
                }
                Next::Request(request) => {
                    this.fetched += 1;
                    this.in_flight = Some(Box::pin(fetch(
                        this.call.clone(),
                        request,
                        this.decode,
                        this.paging,
                        this.items,
                        std::mem::take(&mut this.seen),
                        this.last_body.take(),
                    )));
                }
            }
        }
        let Some(in_flight) = this.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        match in_flight.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready((page, next, seen, last_body)) => {
                this.in_flight = None;
                this.next = next;
                this.seen = seen;
                this.last_body = last_body;
                Poll::Ready(Some(page))
            }
        }
    }
}

/// Sends one page's request and works out what follows it; `seen` and `last_body` come back
/// with the page, updated.
async fn fetch<T, E>(
    call: Call<'_>,
    request: Request,
    decode: Decode<T, E>,
    paging: Paging,
    items: &'static [&'static str],
    seen: BTreeSet<String>,
    last_body: Option<u64>,
) -> Fetched<T, E> {
    // Pages are requested again and again, so their request must be one that can be copied;
    // a body read as it is sent (an upload) cannot be.
    let Some(sent) = request.try_clone() else {
        let message = "a paginated request cannot send a streamed body".to_owned();
        return (
            Err(Error::InvalidRequest(message)),
            Next::End,
            seen,
            last_body,
        );
    };
    let (response, trace) = call
        .client
        .execute_traced::<RawResponse>(sent, &call.options)
        .await;
    let response = match response {
        Ok(response) => response,
        Err(failure) => return (Err(failure.into()), Next::End, seen, last_body),
    };
    let strict = call
        .options
        .strict_status
        .unwrap_or(call.client.strict_status);
    let mut walk = Walk {
        base_url: &call.client.base_url,
        request,
        paging,
        items,
        seen,
        last_body,
    };
    let next = if response.status().is_success() {
        walk.next(&response)
    } else {
        Ok(None)
    };
    let failed = match &next {
        Err(message) => Some((response.clone(), message.clone())),
        Ok(_) => None,
    };
    let page = decode(response, strict);
    trace.decoded(&page);
    let next = match (page.is_ok(), next, failed) {
        (false, _, _) => Next::End,
        (true, Ok(Some(request)), _) => Next::Request(request),
        (true, Ok(None), _) => Next::End,
        (true, Err(_), Some((response, message))) => {
            Next::Fail(Error::Pagination { response, message })
        }
        (true, Err(_), None) => Next::End,
    };
    (page, next, walk.seen, walk.last_body)
}

/// Works out the next request from a page's response.
struct Walk<'r> {
    base_url: &'r str,
    request: Request,
    paging: Paging,
    items: &'static [&'static str],
    seen: BTreeSet<String>,
    last_body: Option<u64>,
}

impl Walk<'_> {
    /// The next request (carrying `seen` and the page's hash along), `None` after the last
    /// page, `Err` when following would loop or leave the base URL.
    fn next(&mut self, response: &RawResponse) -> Result<Option<Request>, String> {
        let body: serde_json::Value =
            serde_json::from_slice(response.body()).unwrap_or(serde_json::Value::Null);
        let items = at(&body, self.items).and_then(serde_json::Value::as_array);
        let count = items.map_or(0, Vec::len);
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        response.body().hash(&mut hasher);
        let hash = hasher.finish();
        if count > 0 && self.last_body == Some(hash) {
            return Err(
                "the server sent the same page again; stopping rather than loop".to_owned(),
            );
        }
        self.last_body = Some(hash);
        let more = |has_more: Option<&'static [&'static str]>| {
            has_more
                .and_then(|path| at(&body, path))
                .and_then(serde_json::Value::as_bool)
                != Some(false)
        };
        let next = match self.paging {
            Paging::Link => match next_link(response) {
                Some(link) => self.follow(&link)?,
                None => return Ok(None),
            },
            Paging::NextUrl { next } => match token(at(&body, next)) {
                Some(link) => self.follow(&link)?,
                None => return Ok(None),
            },
            Paging::Cursor {
                param,
                next,
                has_more,
            } => match token(at(&body, next)) {
                Some(cursor) if more(has_more) => self.set(param, cursor)?,
                _ => return Ok(None),
            },
            Paging::LastItem {
                param,
                field,
                has_more,
            } => {
                let last = items
                    .and_then(|items| items.last())
                    .and_then(|item| token(item.get(field)));
                match last {
                    Some(last) if more(has_more) => self.set(param, last)?,
                    _ => return Ok(None),
                }
            }
            Paging::Offset { param, limit } => {
                if count == 0 || self.short(limit, count) {
                    return Ok(None);
                }
                let offset = self.current(param).unwrap_or(0);
                let next = offset.saturating_add(count as u64);
                self.set(param, next.to_string())?
            }
            Paging::Page { param, size, start } => {
                if count == 0 || self.short(size, count) {
                    return Ok(None);
                }
                let page = self.current(param).unwrap_or(start);
                self.set(param, page.saturating_add(1).to_string())?
            }
        };
        Ok(Some(next))
    }

    /// The number the request sends in `param`, if any.
    fn current(&self, param: &str) -> Option<u64> {
        let value = self
            .request
            .query
            .iter()
            .rev()
            .find(|(name, _)| name == param)?;
        value.1.parse().ok()
    }

    /// A page with fewer items than the page size the request asked for is the last.
    fn short(&self, size: Option<&'static str>, count: usize) -> bool {
        size.and_then(|size| self.current(size))
            .is_some_and(|size| (count as u64) < size)
    }

    /// The request again with `param` set to `value` (a cursor already sent is an error).
    fn set(&mut self, param: &str, value: String) -> Result<Request, String> {
        if !self.seen.insert(format!("{param}={value}")) {
            return Err(format!(
                "the server sent the cursor `{param}={}` a second time; stopping rather than loop",
                shorten(&value)
            ));
        }
        // `fetch` refused a request with an upload before the first page.
        let mut request = self.request.copy_without_upload();
        request.query.retain(|(name, _)| name != param);
        request.query.push((param.to_owned().into(), value));
        Ok(request)
    }

    /// The request for the URL `link` (resolved against this request's URL), which must be
    /// under the client's base URL.
    fn follow(&mut self, link: &str) -> Result<Request, String> {
        let current = reqwest::Url::parse(&format!("{}{}", self.base_url, self.request.path))
            .map_err(|e| format!("the request's URL does not parse: {e}"))?;
        let url = current
            .join(link)
            .map_err(|e| format!("the next page's link `{}` is not a URL: {e}", shorten(link)))?;
        let base = reqwest::Url::parse(self.base_url)
            .map_err(|e| format!("the base URL does not parse: {e}"))?;
        let base_path = base.path().trim_end_matches('/');
        let path = url.path();
        let inside = url.origin() == base.origin()
            && path.starts_with(base_path)
            && (path.len() == base_path.len() || path[base_path.len()..].starts_with('/'));
        if !inside {
            return Err(format!(
                "the next page's link `{}` is not under the client's base URL `{}`; not following it (the request would carry the client's credentials elsewhere)",
                shorten(link),
                self.base_url
            ));
        }
        if !self.seen.insert(url.to_string()) {
            return Err(format!(
                "the server sent the link `{}` a second time; stopping rather than loop",
                shorten(link)
            ));
        }
        // `fetch` refused a request with an upload before the first page.
        let mut request = self.request.copy_without_upload();
        request.path = path[base_path.len()..].to_owned();
        request.query = url
            .query_pairs()
            .map(|(name, value)| (name.into_owned().into(), value.into_owned()))
            .collect();
        Ok(request)
    }
}

fn shorten(text: &str) -> String {
    super::one_line(&super::shorten(text, 100))
}

/// The value at `path` in `value`.
fn at<'v>(value: &'v serde_json::Value, path: &[&str]) -> Option<&'v serde_json::Value> {
    path.iter().try_fold(value, |value, key| value.get(key))
}

/// A cursor or link as text: a non-empty string, or a number; `None` for null, `""`,
/// `false` and anything else.
fn token(value: Option<&serde_json::Value>) -> Option<String> {
    match value? {
        serde_json::Value::String(text) if !text.is_empty() => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The `rel="next"` target of the response's `Link` headers (RFC 8288): `<url>; rel="next"`,
/// several links separated by commas, `rel` holding several space-separated relations.
fn next_link(response: &RawResponse) -> Option<String> {
    for value in response.headers().get_all(reqwest::header::LINK) {
        let Ok(value) = value.to_str() else { continue };
        let mut rest = value;
        while let Some(open) = rest.find('<') {
            let after = &rest[open + 1..];
            let close = after.find('>')?;
            let target = &after[..close];
            let params_start = &after[close + 1..];
            // The link's parameters run to the next `,` outside a quoted string.
            let mut quoted = false;
            let end = params_start
                .char_indices()
                .find(|&(_, c)| {
                    if c == '"' {
                        quoted = !quoted;
                    }
                    c == ',' && !quoted
                })
                .map_or(params_start.len(), |(i, _)| i);
            let params = &params_start[..end];
            let is_next = params.split(';').any(|param| {
                let Some((name, value)) = param.split_once('=') else {
                    return false;
                };
                name.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|rel| rel.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return Some(target.trim().to_owned());
            }
            rest = &params_start[end..];
        }
    }
    None
}

/// The items of a paginated operation across all its pages: a lazy `futures::Stream` (from a
/// request builder's `.items()`). It ends after the last page's last item or after an error,
/// and after [`max_pages`](Self::max_pages) pages when set.
#[must_use = "streams do nothing unless polled"]
pub struct Items<'a, T, I, E> {
    pages: Pages<'a, T, E>,
    items: fn(T) -> Vec<I>,
    buffer: VecDeque<I>,
}

// The stream is never pinned structurally: its fields move freely.
impl<T, I, E> Unpin for Items<'_, T, I, E> {}

/// What a paginated operation's `items` takes out of a page whose value is the array itself:
/// a function rather than a closure per operation, so it is type-checked once.
#[allow(dead_code)] // an API's pages may all hold their items in a field
pub(crate) fn whole_page<I>(page: Vec<I>) -> Vec<I> {
    page
}

/// A paginated operation's `pages`, written once for every builder (the generated method
/// only names its `paging` and where its `items` are).
impl<'a, O> super::Builder<'a, O>
where
    O: super::Operation<Received = RawResponse>,
    O::Value: 'a,
    O::Error: 'a,
{
    /// The stream of this request's pages: this request first, then the ones `paging` asks
    /// for; `items` is where the items are in the body (empty: the body is the array).
    pub(crate) fn paginate(
        self,
        paging: Paging,
        items: &'static [&'static str],
    ) -> Pages<'a, O::Value, O::Error> {
        let (call, request) = self.into_parts();
        pages(call, request, O::decode, paging, items)
    }
}

/// The items of `pages`, taken out of each page's value by `items`.
pub(crate) fn items<'a, T, I, E>(
    pages: Pages<'a, T, E>,
    items: fn(T) -> Vec<I>,
) -> Items<'a, T, I, E> {
    Items {
        pages,
        items,
        buffer: VecDeque::new(),
    }
}

impl<T, I, E> Items<'_, T, I, E> {
    /// Stops after the items of `pages` pages (`0`: sends nothing).
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.pages.max_pages = Some(pages);
        self
    }
}

impl<T, I, E> fmt::Debug for Items<'_, T, I, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish_non_exhaustive()
    }
}

impl<'a, T: Send + 'a, I, E: Send + 'a> futures::Stream for Items<'a, T, I, E> {
    type Item = Result<I, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => this.buffer.extend((this.items)(page.into_inner())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue};
    use reqwest::StatusCode;

    use super::*;

    fn response(links: &[&str], body: &str) -> RawResponse {
        let mut headers = HeaderMap::new();
        for link in links {
            headers.append(
                reqwest::header::LINK,
                HeaderValue::from_str(link).expect("header"),
            );
        }
        RawResponse {
            status: StatusCode::OK,
            headers: Box::new(headers),
            body: body.as_bytes().to_vec(),
        }
    }

    fn walk(base_url: &str, paging: Paging) -> Walk<'_> {
        let mut request = Request::get("/items".to_owned(), &[]);
        request.query.push(("limit".into(), "2".to_owned()));
        Walk {
            base_url,
            request,
            paging,
            items: &["data"],
            seen: BTreeSet::new(),
            last_body: None,
        }
    }

    #[test]
    fn the_next_link_is_found_among_others() {
        let github = r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#;
        assert_eq!(
            next_link(&response(&[github], "")).as_deref(),
            Some("https://api.github.com/repositories/1/issues?page=2")
        );
        // A quoted comma, several relations in one `rel`, the link in a second header.
        let odd = r#"</a?x=1>; title="a, b"; rel="prev", </b>; rel="last next""#;
        assert_eq!(next_link(&response(&[odd], "")).as_deref(), Some("/b"));
        let two = response(&["</p>; rel=prev", "</n>; REL=next"], "");
        assert_eq!(next_link(&two).as_deref(), Some("/n"));
        assert_eq!(next_link(&response(&[r#"</x>; rel="nextish""#], "")), None);
        assert_eq!(next_link(&response(&["<broken; rel=next"], "")), None);
        assert_eq!(next_link(&response(&[], "")), None);
    }

    #[test]
    fn links_are_followed_under_the_base_url_only() {
        let paging = Paging::NextUrl { next: &["next"] };
        let page = |next: &str| response(&[], &format!(r#"{{"data": [1], "next": {next}}}"#));
        let mut under = walk("http://127.0.0.1:9/api", paging);
        let next = under.next(&page(r#""/api/items?page=2&q=a%20b""#));
        let next = next.ok().flatten().expect("a next request");
        assert_eq!(next.path, "/items");
        assert_eq!(
            next.query,
            [
                ("page".into(), "2".to_owned()),
                ("q".into(), "a b".to_owned())
            ]
        );
        // Relative to the request's URL, as a browser resolves it.
        let next = under
            .next(&page(r#""items?page=3""#))
            .ok()
            .flatten()
            .expect("next");
        assert_eq!(next.path, "/items");
        for outside in [
            r#""http://127.0.0.1:10/api/items""#,
            r#""https://127.0.0.1:9/api/items""#,
            r#""/apix/items""#,
            r#""/other""#,
        ] {
            let error = walk("http://127.0.0.1:9/api", paging).next(&page(outside));
            let error = error.err().unwrap_or_default();
            assert!(
                error.contains("not under the client's base URL"),
                "{outside}: {error}"
            );
        }
        for last in ["null", r#""""#, "false"] {
            assert!(matches!(
                walk("http://h", paging).next(&page(last)),
                Ok(None)
            ));
        }
        let mut again = walk("http://h", paging);
        assert!(again.next(&page(r#""/items?p=2""#)).is_ok());
        let error = again.next(&response(&[], r#"{"data": [2], "next": "/items?p=2"}"#));
        assert!(error.err().unwrap_or_default().contains("a second time"));
    }

    #[test]
    fn cursors_offsets_and_pages() {
        let cursor = Paging::Cursor {
            param: "cursor",
            next: &["meta", "next"],
            has_more: Some(&["more"]),
        };
        let next = walk("http://h", cursor).next(&response(
            &[],
            r#"{"data": [1], "meta": {"next": 42}, "more": true}"#,
        ));
        let query = next.ok().flatten().map(|r| r.query).unwrap_or_default();
        assert_eq!(
            query,
            [
                ("limit".into(), "2".to_owned()),
                ("cursor".into(), "42".to_owned())
            ]
        );
        let done = walk("http://h", cursor).next(&response(
            &[],
            r#"{"data": [1], "meta": {"next": "c"}, "more": false}"#,
        ));
        assert!(matches!(done, Ok(None)));

        let offset = Paging::Offset {
            param: "offset",
            limit: Some("limit"),
        };
        let full = walk("http://h", offset).next(&response(&[], r#"{"data": [1, 2]}"#));
        let query = full.ok().flatten().map(|r| r.query).unwrap_or_default();
        assert_eq!(query[1], ("offset".into(), "2".to_owned()));
        let short = walk("http://h", offset).next(&response(&[], r#"{"data": [1]}"#));
        assert!(matches!(short, Ok(None)));

        let page = Paging::Page {
            param: "page",
            size: None,
            start: 0,
        };
        let mut pages = walk("http://h", page);
        let next = pages
            .next(&response(&[], r#"{"data": [1]}"#))
            .ok()
            .flatten();
        assert_eq!(next.map(|r| r.query[1].1.clone()).as_deref(), Some("1"));
        // The same page again would loop: an error, not a next request.
        let same = pages.next(&response(&[], r#"{"data": [1]}"#));
        assert!(same
            .err()
            .unwrap_or_default()
            .contains("the same page again"));
        assert!(matches!(
            pages.next(&response(&[], r#"{"data": []}"#)),
            Ok(None)
        ));
        // A body that is not JSON has no items: the last page.
        assert!(matches!(
            walk("http://h", page).next(&response(&[], "<html>")),
            Ok(None)
        ));
    }
}
