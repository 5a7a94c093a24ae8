//! Pagination end to end: the clients generated from the `paging_*` fixtures (slices of
//! GitHub, Stripe, Slack, Google Cloud DNS, Azure, and offset/page APIs) page through axum
//! servers on loopback with their `.items()` and `.pages()` streams: every style to its last
//! page, an empty first page, a retried page, a page limit, laziness, and the loops and
//! foreign links that end a stream with `Error::Pagination`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};

macro_rules! generated {
    ($($name:ident),* $(,)?) => {
        $(
            #[allow(dead_code)]
            pub mod $name {
                include!(concat!(env!("OUT_DIR"), "/", stringify!($name), ".rs"));
            }
        )*
    };
}

generated!(
    paging_azure,
    paging_github,
    paging_google,
    paging_offset_page,
    paging_slack,
    paging_stripe,
);

/// The requests a server received (path and query), in order.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, uri: &Uri) {
        self.lock().push(uri.to_string());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn seen(&self) -> Vec<String> {
        self.lock().clone()
    }
}

/// Serves `router` on a loopback port; its base URL.
async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

type Params = Query<BTreeMap<String, String>>;

fn number(params: &BTreeMap<String, String>, name: &str, default: usize) -> usize {
    params
        .get(name)
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn json_response(status: StatusCode, headers: &[(&str, String)], body: Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(name.as_bytes()),
            axum::http::HeaderValue::from_str(value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

/// GitHub's issues: `page`/`per_page`, and a `Link` header with `next` and `last` (absolute
/// URLs, as GitHub sends) on every page but the last.
async fn github_issues(
    State((log, base)): State<(Log, Arc<Mutex<String>>)>,
    uri: Uri,
    Query(params): Params,
) -> Response {
    log.push(&uri);
    let total: usize = 5;
    let per_page = number(&params, "per_page", 30);
    let page = number(&params, "page", 1);
    let issues: Vec<Value> = (1..=total)
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|n| json!({"id": n, "number": n, "title": format!("issue {n}"), "state": "open"}))
        .collect();
    let last = total.div_ceil(per_page);
    let base = base.lock().map(|b| b.clone()).unwrap_or_default();
    let url = |p: usize| format!("<{base}/repos/o/r/issues?per_page={per_page}&page={p}>");
    let mut links = Vec::new();
    if page < last {
        links.push(format!("{}; rel=\"next\"", url(page + 1)));
        links.push(format!("{}; rel=\"last\"", url(last)));
    }
    if page > 1 {
        links.push(format!("{}; rel=\"first\"", url(1)));
    }
    let headers: Vec<(&str, String)> = if links.is_empty() {
        Vec::new()
    } else {
        vec![("link", links.join(", "))]
    };
    json_response(StatusCode::OK, &headers, Value::from(issues))
}

#[tokio::test]
async fn github_link_headers_lead_to_the_last_page() {
    use paging_github::Client;
    let log = Log::default();
    let base = Arc::new(Mutex::new(String::new()));
    let url = serve(
        Router::new()
            .route("/repos/{owner}/{repo}/issues", get(github_issues))
            .with_state((log.clone(), base.clone())),
    )
    .await;
    if let Ok(mut b) = base.lock() {
        *b = url.clone();
    }
    let client = Client::new(&url).expect("client");

    // Lazy: a stream that is never polled sends nothing.
    let unpolled = client.issues_list_for_repo("o", "r").items();
    drop(unpolled);
    assert!(log.seen().is_empty());

    let issues: Vec<_> = client
        .issues_list_for_repo("o", "r")
        .per_page(2)
        .items()
        .try_collect()
        .await
        .expect("every issue");
    let numbers: Vec<i64> = issues.iter().map(|issue| issue.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);
    assert_eq!(
        log.seen(),
        [
            "/repos/o/r/issues?per_page=2",
            "/repos/o/r/issues?per_page=2&page=2",
            "/repos/o/r/issues?per_page=2&page=3",
        ]
    );

    // Pages keep their status and headers; a page limit stops early.
    let pages: Vec<_> = client
        .issues_list_for_repo("o", "r")
        .per_page(2)
        .pages()
        .max_pages(2)
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    let first = pages[0].as_ref().expect("first page");
    assert_eq!(first.status().as_u16(), 200);
    assert!(first.headers().contains_key("link"));
    assert_eq!(first.len(), 2);
    assert_eq!(log.seen().len(), 5);
}

/// A `Link` to another host ends the stream with `Error::Pagination`: the client's credentials
/// never go there.
#[tokio::test]
async fn a_link_to_another_host_is_not_followed() {
    use paging_github::{Client, Error};
    let log = Log::default();
    let handler = {
        let log = log.clone();
        move |uri: Uri| async move {
            log.push(&uri);
            json_response(
                StatusCode::OK,
                &[(
                    "link",
                    "<https://elsewhere.example/issues?page=2>; rel=\"next\"".to_owned(),
                )],
                json!([{"id": 1, "number": 1, "title": "a", "state": "open"}]),
            )
        }
    };
    let url = serve(Router::new().route("/repos/{owner}/{repo}/issues", get(handler))).await;
    let client = Client::new(&url).expect("client");
    let results: Vec<_> = client
        .issues_list_for_repo("o", "r")
        .items()
        .collect()
        .await;
    assert_eq!(results.len(), 2, "{results:?}");
    assert!(results[0].is_ok());
    match &results[1] {
        Err(Error::Pagination { message, response }) => {
            assert!(
                message.contains("not under the client's base URL"),
                "{message}"
            );
            assert_eq!(response.status().as_u16(), 200);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(log.seen().len(), 1);
}

/// Slack: `cursor` and `response_metadata.next_cursor`, which is `""` on the last page.
#[tokio::test]
async fn slack_cursor_ends_on_an_empty_next_cursor() {
    use paging_slack::Client;
    let log = Log::default();
    let handler = {
        let log = log.clone();
        move |uri: Uri, Query(params): Params| async move {
            log.push(&uri);
            let (channels, next) = match params.get("cursor").map(String::as_str) {
                None => (vec!["general", "random"], "dGVhbTpDMDYx"),
                Some("dGVhbTpDMDYx") => (vec!["dev"], "dGVhbTpDMDYy"),
                Some("dGVhbTpDMDYy") => (vec!["ops"], ""),
                Some(_) => {
                    return json_response(StatusCode::BAD_REQUEST, &[], json!({"ok": false}));
                }
            };
            let channels: Vec<Value> = channels
                .into_iter()
                .map(|name| json!({"id": name.to_uppercase(), "name": name}))
                .collect();
            json_response(
                StatusCode::OK,
                &[],
                json!({"ok": true, "channels": channels, "response_metadata": {"next_cursor": next}}),
            )
        }
    };
    // Slack's server path is `/api`: requests go under it.
    let url = serve(Router::new().route("/api/conversations.list", get(handler))).await;
    let client = Client::new(&url).expect("client");
    let names: Vec<String> = client
        .conversations_list()
        .limit(2)
        .items()
        .map_ok(|channel| channel.name)
        .try_collect()
        .await
        .expect("every channel");
    assert_eq!(names, ["general", "random", "dev", "ops"]);
    assert_eq!(
        log.seen(),
        [
            "/api/conversations.list?limit=2",
            "/api/conversations.list?limit=2&cursor=dGVhbTpDMDYx",
            "/api/conversations.list?limit=2&cursor=dGVhbTpDMDYy",
        ]
    );
}

/// A server that sends the same cursor again would loop forever: the stream ends with
/// `Error::Pagination` after the page that repeated it.
#[tokio::test]
async fn a_repeated_cursor_ends_the_stream_with_an_error() {
    use paging_slack::{Client, Error};
    let log = Log::default();
    let handler = {
        let log = log.clone();
        move |uri: Uri| async move {
            log.push(&uri);
            let n = log.seen().len();
            json_response(
                StatusCode::OK,
                &[],
                json!({"ok": true, "channels": [{"id": format!("C{n}"), "name": format!("c{n}")}],
                       "response_metadata": {"next_cursor": "stuck"}}),
            )
        }
    };
    let url = serve(Router::new().route("/api/conversations.list", get(handler))).await;
    let client = Client::new(&url).expect("client");
    let results: Vec<_> = client.conversations_list().items().collect().await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(results[0].is_ok() && results[1].is_ok());
    match &results[2] {
        Err(error @ Error::Pagination { message, .. }) => {
            assert!(
                message.contains("cursor `cursor=stuck` a second time"),
                "{message}"
            );
            assert!(
                error.to_string().starts_with("pagination stopped: "),
                "{error}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(log.seen().len(), 2);
}

/// Stripe: the last customer's `id` in `starting_after`, while `has_more`.
#[tokio::test]
async fn stripe_starting_after_until_has_more_is_false() {
    use paging_stripe::Client;
    let log = Log::default();
    let handler = {
        let log = log.clone();
        move |uri: Uri, Query(params): Params| async move {
            log.push(&uri);
            let all: Vec<String> = (1..=5).map(|n| format!("cus_{n}")).collect();
            let limit = number(&params, "limit", 10);
            let start = match params.get("starting_after") {
                Some(after) => all
                    .iter()
                    .position(|id| id == after)
                    .map_or(all.len(), |i| i + 1),
                None => 0,
            };
            let data: Vec<Value> = all[start..]
                .iter()
                .take(limit)
                .map(|id| json!({"id": id, "object": "customer", "created": 1_600_000_000}))
                .collect();
            let has_more = start + data.len() < all.len();
            json_response(
                StatusCode::OK,
                &[],
                json!({"object": "list", "url": "/v1/customers", "has_more": has_more, "data": data}),
            )
        }
    };
    let url = serve(Router::new().route("/v1/customers", get(handler))).await;
    let client = Client::new(&url).expect("client");
    let ids: Vec<String> = client
        .get_customers()
        .limit(2)
        .items()
        .map_ok(|customer| customer.id)
        .try_collect()
        .await
        .expect("every customer");
    assert_eq!(ids, ["cus_1", "cus_2", "cus_3", "cus_4", "cus_5"]);
    assert_eq!(
        log.seen(),
        [
            "/v1/customers?limit=2",
            "/v1/customers?limit=2&starting_after=cus_2",
            "/v1/customers?limit=2&starting_after=cus_4",
        ]
    );
}

/// Google: `pageToken`/`nextPageToken`; an empty first page without a token is the only page.
#[tokio::test]
async fn google_page_tokens_and_an_empty_first_page() {
    use paging_google::Client;
    let log = Log::default();
    let handler = {
        let log = log.clone();
        move |uri: Uri, Query(params): Params| async move {
            log.push(&uri);
            if params.get("dnsName").map(String::as_str) == Some("empty.") {
                return json_response(
                    StatusCode::OK,
                    &[],
                    json!({"kind": "dns#managedZonesListResponse"}),
                );
            }
            let body = match params.get("pageToken").map(String::as_str) {
                None => {
                    json!({"managedZones": [{"name": "a"}, {"name": "b"}], "nextPageToken": "CgJiYg=="})
                }
                Some("CgJiYg==") => json!({"managedZones": [{"name": "c"}]}),
                Some(_) => json!({}),
            };
            json_response(StatusCode::OK, &[], body)
        }
    };
    let url =
        serve(Router::new().route("/dns/v1/projects/{project}/managedZones", get(handler))).await;
    let client = Client::new(&url).expect("client");
    let zones: Vec<Option<String>> = client
        .dns_managed_zones_list("p")
        .items()
        .map_ok(|zone| zone.name)
        .try_collect()
        .await
        .expect("every zone");
    assert_eq!(
        zones,
        [
            Some("a".to_owned()),
            Some("b".to_owned()),
            Some("c".to_owned())
        ]
    );
    assert_eq!(
        log.seen()[1],
        "/dns/v1/projects/p/managedZones?pageToken=CgJiYg%3D%3D"
    );

    let empty: Vec<_> = client
        .dns_managed_zones_list("p")
        .dns_name("empty.")
        .items()
        .collect()
        .await;
    assert!(empty.is_empty(), "{empty:?}");
    let pages: Vec<_> = client
        .dns_managed_zones_list("p")
        .dns_name("empty.")
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 1, "an empty first page is still a page");
    assert_eq!(log.seen().len(), 4);
}

/// Azure: `x-ms-pageable`'s `nextLink`, a URL (relative here) holding the `api-version` and a
/// skip token.
#[tokio::test]
async fn azure_next_links() {
    use paging_azure::Client;
    let log = Log::default();
    let handler = {
        let log = log.clone();
        move |uri: Uri, Query(params): Params| async move {
            log.push(&uri);
            let body = match params.get("$skiptoken").map(String::as_str) {
                None => json!({"value": [{"name": "web-1"}],
                    "nextLink": "/subscriptions/s/providers/Microsoft.Web/sites?api-version=2018-02-01&$skiptoken=t%2B1"}),
                Some("t+1") => json!({"value": [{"name": "web-2"}], "nextLink": null}),
                Some(_) => json!({"value": []}),
            };
            json_response(StatusCode::OK, &[], body)
        }
    };
    let url = serve(Router::new().route(
        "/subscriptions/{id}/providers/Microsoft.Web/sites",
        get(handler),
    ))
    .await;
    let client = Client::new(&url).expect("client");
    let names: Vec<Option<String>> = client
        .web_apps_list("s", "2018-02-01")
        .items()
        .map_ok(|site| site.name)
        .try_collect()
        .await
        .expect("every site");
    assert_eq!(names, [Some("web-1".to_owned()), Some("web-2".to_owned())]);
    assert_eq!(log.seen().len(), 2);
    assert!(
        log.seen()[1].contains("skiptoken=t%2B1"),
        "{:?}",
        log.seen()
    );
}

/// Offset/limit: the offset advances by each page's count; a short page is the last; a 503
/// on the way is retried by the client's policy and the stream goes on.
#[tokio::test]
async fn offset_and_limit_with_a_retried_page() {
    use paging_offset_page::{Client, RetryPolicy};
    let log = Log::default();
    let failed_once = Arc::new(Mutex::new(false));
    let handler = {
        let log = log.clone();
        move |uri: Uri, Query(params): Params| async move {
            log.push(&uri);
            let offset = number(&params, "offset", 0);
            let limit = number(&params, "limit", 100);
            if offset == 2 {
                let mut failed = failed_once.lock().unwrap_or_else(|p| p.into_inner());
                if !*failed {
                    *failed = true;
                    return StatusCode::SERVICE_UNAVAILABLE.into_response();
                }
            }
            let results: Vec<Value> = (offset..5)
                .take(limit)
                .map(|n| json!({"sku": format!("sku-{n}")}))
                .collect();
            json_response(StatusCode::OK, &[], json!({"count": 5, "results": results}))
        }
    };
    let url = serve(Router::new().route("/products", get(handler))).await;
    let client = Client::builder(&url)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::ZERO))
        .build()
        .expect("client");
    let skus: Vec<String> = client
        .list_products()
        .limit(2)
        .items()
        .map_ok(|product| product.sku)
        .try_collect()
        .await
        .expect("every product");
    assert_eq!(skus, ["sku-0", "sku-1", "sku-2", "sku-3", "sku-4"]);
    assert_eq!(
        log.seen(),
        [
            "/products?limit=2",
            "/products?limit=2&offset=2",
            "/products?limit=2&offset=2",
            "/products?limit=2&offset=4",
        ]
    );
}

/// A documented error on a later page ends the stream with it, typed.
#[tokio::test]
async fn an_error_page_ends_the_stream() {
    use paging_offset_page::operations::ListProductsError;
    use paging_offset_page::{Client, Error, RetryPolicy};
    let handler = |Query(params): Params| async move {
        if number(&params, "offset", 0) > 0 {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        json_response(
            StatusCode::OK,
            &[],
            json!({"count": 9, "results": [{"sku": "a"}]}),
        )
    };
    let url = serve(Router::new().route("/products", get(handler))).await;
    let client = Client::builder(&url)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    let results: Vec<_> = client.list_products().items().collect().await;
    assert_eq!(results.len(), 2, "{results:?}");
    match &results[1] {
        Err(Error::Api(error)) => {
            assert_eq!(error.value(), &ListProductsError::ServiceUnavailable)
        }
        other => panic!("{other:?}"),
    }
}

/// Page/per_page on an array body: the page number advances from the documented first page
/// (the default, 1) until a short or empty page.
#[tokio::test]
async fn page_and_per_page_until_a_short_or_empty_page() {
    use paging_offset_page::Client;
    let log = Log::default();
    let handler = {
        let log = log.clone();
        move |uri: Uri, Query(params): Params| async move {
            log.push(&uri);
            let page = number(&params, "page", 1);
            let per_page = number(&params, "per_page", 2);
            let reviews: Vec<Value> = (1..=3)
                .skip((page - 1) * per_page)
                .take(per_page)
                .map(|id| json!({"id": id, "stars": 5}))
                .collect();
            json_response(StatusCode::OK, &[], Value::from(reviews))
        }
    };
    let url = serve(Router::new().route("/reviews", get(handler))).await;
    let client = Client::new(&url).expect("client");
    let ids: Vec<i64> = client
        .list_reviews()
        .per_page(2)
        .items()
        .map_ok(|review| review.id)
        .try_collect()
        .await
        .expect("every review");
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(
        log.seen(),
        ["/reviews?per_page=2", "/reviews?per_page=2&page=2"]
    );

    // Without a page size the client cannot tell a short page: an empty one ends the list.
    let all: Vec<_> = client
        .list_reviews()
        .items()
        .try_collect::<Vec<_>>()
        .await
        .expect("reviews");
    assert_eq!(all.len(), 3);
    assert_eq!(
        &log.seen()[2..],
        ["/reviews", "/reviews?page=2", "/reviews?page=3"]
    );
    let none: Vec<_> = client.list_reviews().items().max_pages(0).collect().await;
    assert!(none.is_empty());
    assert_eq!(log.seen().len(), 5);
}

/// The config file's rules reach the generated client: one turns a detected list off, one
/// declares a style the conventions would not choose; a rule that does not fit the operation
/// is an error naming the file and line.
#[test]
fn config_rules_declare_override_and_are_checked() {
    let fixture = stitch_tests::read_input(&stitch_tests::fixture_path("paging_offset_page"));
    let generate = |config: &str| {
        let config =
            stitch::config::parse(config, "catalog.toml").unwrap_or_else(|e| panic!("{e}"));
        let options = stitch::Options {
            crate_name: "catalog".to_owned(),
            pagination: config.pagination,
            ..Default::default()
        };
        stitch::generate_module(
            std::slice::from_ref(&fixture),
            &options,
            stitch::OnConflict::Error,
        )
        .result
        .map_err(|e| e.to_string())
    };
    let detected = generate("").expect("generates");
    assert!(detected.contains("impl<'a> ListReviews<'a>"));
    let module = generate(
        "[pagination.listReviews]\nstyle = \"none\"\n\n[pagination.list_products]\nstyle = \"page\"\nparam = \"offset\"\nstart = 0\n",
    )
    .expect("generates");
    assert!(!module.contains("impl<'a> ListReviews<'a>"), "turned off");
    assert!(module.contains("runtime::Paging::Page"), "declared");
    let error = generate("\n[pagination.listProducts]\nstyle = \"cursor\"\nnext = \"count\"\n")
        .err()
        .unwrap_or_default();
    assert!(
        error.starts_with("catalog.toml:2: the pagination of `list_products` (GET /products) does not fit it: `cursor` needs `param`, the query parameter the next request sets\n  help: "),
        "{error}"
    );
}
