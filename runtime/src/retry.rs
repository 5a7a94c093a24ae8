//! Retries: the policy, the wait before each attempt (exponential backoff with jitter, or
//! the server's `Retry-After`), and which failures may be tried again.

use std::time::Duration;

use reqwest::header::HeaderMap;

/// When and how requests are retried.
///
/// Only idempotent requests (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) are retried: after a
/// connection that failed or closed before the response (not after a timeout), and after
/// the statuses 429, 502, 503 and 504. The wait doubles from `initial_backoff` up to
/// `max_backoff`, with jitter (a random wait between half and all of it); a `Retry-After`
/// header (seconds or an HTTP date) replaces it, up to `max_retry_after`. The default is 3 retries from
/// 100 ms up to 5 s, `Retry-After` up to 60 s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Retry at most `retries` times (0: never).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The wait before the first retry; it doubles for each further one.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest wait between two attempts when the server gives no `Retry-After`.
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The longest `Retry-After` honoured; a longer one is cut to this.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// The number of retries this policy allows.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The wait before retry number `attempt + 1` without `Retry-After`: the backoff
    /// doubled `attempt` times, at most `max_backoff`, with jitter.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt);
        let full = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        full.mul_f64(0.5 + random_fraction() / 2.0)
    }

    /// The wait before retry number `attempt + 1` after a response with `headers`.
    pub(crate) fn wait(&self, attempt: u32, headers: &HeaderMap) -> Duration {
        let retry_after = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(retry_after);
        match retry_after {
            Some(wait) => wait.min(self.max_retry_after),
            None => self.backoff(attempt),
        }
    }
}

/// The wait a `Retry-After` value asks for: seconds (`120`), or an HTTP date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`), which a date already past makes no wait at all.
fn retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at =
        std::time::UNIX_EPOCH + Duration::from_secs(u64::try_from(date.timestamp()).unwrap_or(0));
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Whether a failed attempt may be tried again: the connection failed, or it closed before
/// the response arrived (a restarting server, a stale keep-alive connection). A timeout may
/// not: the server may still be working on the request.
pub(crate) fn retryable(error: &reqwest::Error) -> bool {
    error.is_connect() || (error.is_request() && !error.is_timeout())
}

/// A number in [0, 1) from the standard library's per-process random hash keys.
fn random_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    hasher.write_u128(nanos);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderValue, RETRY_AFTER};

    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_an_http_date() {
        assert_eq!(retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(" 0 "), Some(Duration::ZERO));
        // A date already past: no wait at all.
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        // A date to come: about the time until then.
        let soon = std::time::SystemTime::now() + Duration::from_secs(90);
        let soon = chrono::DateTime::<chrono::Utc>::from(soon).to_rfc2822();
        let wait = retry_after(&soon).unwrap_or_default();
        assert!(
            wait > Duration::from_secs(85) && wait <= Duration::from_secs(90),
            "{wait:?}"
        );
        for garbage in ["", "soon", "-5", "1.5", "Wed, 99 Oct 2015 07:28:00 GMT"] {
            assert_eq!(retry_after(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn the_backoff_doubles_with_jitter_up_to_the_maximum() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350));
        for (attempt, full) in [(0, 100), (1, 200), (2, 350), (3, 350), (40, 350)] {
            let full = Duration::from_millis(full);
            for _ in 0..20 {
                let wait = policy.backoff(attempt);
                assert!(
                    wait >= full / 2 && wait <= full,
                    "attempt {attempt}: {wait:?}"
                );
            }
        }
    }

    #[test]
    fn a_retry_after_header_replaces_the_backoff_up_to_its_maximum() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(10));
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(policy.wait(5, &headers), Duration::from_secs(3));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("3600"));
        assert_eq!(policy.wait(0, &headers), Duration::from_secs(10));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("later"));
        assert!(policy.wait(0, &headers) <= Duration::from_millis(100));
    }

    #[test]
    fn policies() {
        assert_eq!(RetryPolicy::none().retries(), 0);
        assert_eq!(RetryPolicy::default().retries(), 3);
        assert_eq!(RetryPolicy::default().max_retries(7).retries(), 7);
    }

    #[test]
    fn random_fractions_are_in_the_unit_interval() {
        for _ in 0..1000 {
            let x = random_fraction();
            assert!((0.0..1.0).contains(&x), "{x}");
        }
    }
}
