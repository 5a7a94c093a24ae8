//! Operations whose documented answer is a redirect (GitHub's `repos/download-tarball-archive`
//! documents only `302` with a `Location`): the redirect is their success, and the client
//! must not follow it (the runtime's `redirect.rs`).
//!
//! Invariant: a redirect is a success only where no 2xx is documented; `304 Not Modified`
//! is an answer to a conditional request, not a redirect, so it never counts; an operation
//! is a redirect operation exactly when it has successes and all of them are redirects.

use super::{Response, StatusMatch};

/// Whether `status` is a redirect (3xx but `304`).
fn is_redirect(status: StatusMatch) -> bool {
    match status {
        StatusMatch::Code(code) => (300..400).contains(&code) && code != 304,
        StatusMatch::Class(class) => class == 3,
        StatusMatch::Default => false,
    }
}

/// Where no 2xx is documented, the documented redirects are the successes (and `default`
/// then stays an error).
pub(super) fn settle(responses: &mut [Response]) {
    if responses.iter().any(|r| r.success) {
        return;
    }
    for response in responses.iter_mut().filter(|r| is_redirect(r.status)) {
        response.success = true;
    }
}

/// Whether every documented success of the operation is a redirect (and there is one).
pub(super) fn is_answer(responses: &[Response]) -> bool {
    let mut successes = responses.iter().filter(|r| r.success).peekable();
    successes.peek().is_some() && successes.all(|r| is_redirect(r.status))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: StatusMatch, success: bool) -> Response {
        Response {
            status,
            success,
            variant: status.label(),
            body: None,
            headers: Vec::new(),
            doc: None,
            xml: None,
        }
    }

    fn settled(statuses: &[StatusMatch]) -> (Vec<bool>, bool) {
        let mut responses: Vec<Response> = statuses
            .iter()
            .map(|s| response(*s, s.is_success()))
            .collect();
        settle(&mut responses);
        let answer = is_answer(&responses);
        (responses.iter().map(|r| r.success).collect(), answer)
    }

    #[test]
    fn redirects_are_the_success_only_where_no_2xx_is_documented() {
        use StatusMatch::{Class, Code, Default};
        // GitHub's download operations: a 302 alone.
        assert_eq!(settled(&[Code(302)]), (vec![true], true));
        assert_eq!(
            settled(&[Code(302), Code(404), Default]),
            (vec![true, false, false], true)
        );
        assert_eq!(settled(&[Class(3)]), (vec![true], true));
        // A 2xx beside a redirect: the redirect stays an error status, and is followed.
        assert_eq!(settled(&[Code(200), Code(302)]), (vec![true, false], false));
        // 304 is not a redirect.
        assert_eq!(settled(&[Code(304)]), (vec![false], false));
        assert_eq!(settled(&[Code(304), Code(307)]), (vec![false, true], true));
        // Nothing documented but errors.
        assert_eq!(settled(&[Code(404)]), (vec![false], false));
    }
}
