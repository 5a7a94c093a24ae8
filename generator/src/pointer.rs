//! JSON pointers (RFC 6901): the one place that escapes, unescapes, joins, splits and resolves
//! them.
//!
//! A pointer is a list of reference tokens, each written `/` and the token with `~` as `~0` and
//! `/` as `~1` (`/paths/~1jobs~1{id}/get`); the empty pointer is the whole document. In a
//! `$ref` it is a URI fragment (`#/components/schemas/Job%20Schema`): percent-decoded first,
//! then split ([`fragment_tokens`]).
//!
//! Invariants: [`unescape`] undoes [`escape`] for every token (`~1` is read before `~0`, so
//! `~01` is `~1`, never `/`); a pointer built by [`push`] or [`join`] splits back by [`tokens`]
//! into the same tokens; nothing here panics on any text or value. Text that is not a valid
//! pointer is read leniently where that is harmless (a `~` not followed by `0` or `1` stays as
//! written) and refused (`None`) where it is not (a non-empty pointer without its leading `/`).

use serde_json::Value;

/// A key as a reference token: `~` written `~0`, `/` written `~1` (`a/b~c` → `a~1b~0c`).
pub fn escape(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    push_escaped(&mut out, key);
    out
}

/// The key a reference token stands for: the inverse of [`escape`] (`a~1b~0c` → `a/b~c`).
/// `~1` is read before `~0`, as RFC 6901 says, so `~01` is the key `~1`. A `~` followed by
/// anything else is kept as written.
pub fn unescape(token: &str) -> String {
    if !token.contains('~') {
        return token.to_owned();
    }
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends `/` and `key` as a reference token to `pointer`, and returns the length `pointer`
/// had, to truncate back to when a walk returns from the key.
pub fn push(pointer: &mut String, key: &str) -> usize {
    let len = pointer.len();
    pointer.push('/');
    push_escaped(pointer, key);
    len
}

/// The pointer made of `keys` (`["paths", "/a", "get"]` → `/paths/~1a/get`); no keys make the
/// empty pointer, the whole document.
pub fn join<K: AsRef<str>>(keys: impl IntoIterator<Item = K>) -> String {
    let mut pointer = String::new();
    for key in keys {
        push(&mut pointer, key.as_ref());
    }
    pointer
}

/// The keys of `pointer`, unescaped (`/a~1b/c` → `["a/b", "c"]`; the empty pointer → no keys;
/// `/` → one empty key). `None` when a non-empty pointer does not start with `/`.
pub fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(unescape).collect())
}

/// The keys of a `$ref`'s URI fragment (`#/a~1b/c%20d` → `["a/b", "c d"]`): percent-decoding
/// undone (text that does not decode to UTF-8 stays as written), then split by [`tokens`].
/// `None` when `reference` does not start with `#` or the rest is not a pointer.
pub fn fragment_tokens(reference: &str) -> Option<Vec<String>> {
    let fragment = reference.strip_prefix('#')?;
    let decoded = percent_encoding::percent_decode_str(fragment)
        .decode_utf8()
        .map_or_else(|_| fragment.to_owned(), |decoded| decoded.into_owned());
    tokens(&decoded)
}

/// The member `key` of an object, or the item at index `key` of an array. An index is read as
/// `usize` reads decimal text, so `01` and `+1` are item 1 (RFC 6901 would refuse both; the
/// model has always read `$ref`s this way).
pub fn child<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    match value {
        Value::Object(map) => map.get(key),
        Value::Array(items) => items.get(key.parse::<usize>().ok()?),
        _ => None,
    }
}

/// The value that `keys` (unescaped, as [`tokens`] gives them) lead to from `value`, each
/// step taken by [`child`]; no keys lead to `value` itself.
pub fn resolve<K: AsRef<str>>(value: &Value, keys: impl IntoIterator<Item = K>) -> Option<&Value> {
    keys.into_iter()
        .try_fold(value, |node, key| child(node, key.as_ref()))
}

/// Appends `key` escaped, without a copy of it.
fn push_escaped(out: &mut String, key: &str) {
    let mut rest = key;
    while let Some(at) = rest.find(['~', '/']) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let mut after = after.chars();
        let escaped = if after.next() == Some('~') {
            "~0"
        } else {
            "~1"
        };
        out.push_str(escaped);
        rest = after.as_str();
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn escaping_writes_tilde_before_slash_and_round_trips() {
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape(""), "");
        assert_eq!(escape("a/b~c"), "a~1b~0c");
        // `~` is escaped first in effect: `~/` is `~0~1`, not `~01` (which would read back as `~1`).
        assert_eq!(escape("~/"), "~0~1");
        assert_eq!(escape("/~1"), "~1~01");
        assert_eq!(escape("é/ü~"), "é~1ü~0");
        for key in [
            "", "a", "~", "/", "~0", "~1", "~01", "/~", "a/b/c", "~~//", "é~/",
        ] {
            assert_eq!(unescape(&escape(key)), key, "{key:?}");
        }
    }

    #[test]
    fn unescaping_reads_one_before_zero() {
        assert_eq!(unescape("a~1b~0c"), "a/b~c");
        // RFC 6901 §4: `~01` is `~1`; reading `~0` first would give `/`.
        assert_eq!(unescape("~01"), "~1");
        assert_eq!(unescape("~10"), "/0");
        // Anything else after `~` is kept as written.
        assert_eq!(unescape("~2~"), "~2~");
        assert_eq!(unescape(""), "");
    }

    #[test]
    fn join_and_push_build_pointers_that_split_back() {
        assert_eq!(join::<&str>([]), "", "no keys: the root");
        assert_eq!(join(["paths", "/a/{id}", "get"]), "/paths/~1a~1{id}/get");
        assert_eq!(join([""]), "/", "one empty key");
        assert_eq!(join(["", ""]), "//");
        let keys = ["components", "schemas", "a~b/c", "", "0"];
        assert_eq!(tokens(&join(keys)), Some(keys.map(str::to_owned).to_vec()));

        let mut pointer = "/paths".to_owned();
        let len = push(&mut pointer, "/x~");
        assert_eq!(pointer, "/paths/~1x~0");
        pointer.truncate(len);
        assert_eq!(pointer, "/paths");
    }

    #[test]
    fn tokens_need_the_leading_slash() {
        assert_eq!(tokens(""), Some(Vec::new()));
        assert_eq!(tokens("/"), Some(vec![String::new()]));
        assert_eq!(
            tokens("/a~1b/c"),
            Some(vec!["a/b".to_owned(), "c".to_owned()])
        );
        assert_eq!(tokens("a/b"), None);
        assert_eq!(tokens("#/a"), None);
    }

    #[test]
    fn fragments_are_percent_decoded_before_they_are_split() {
        assert_eq!(fragment_tokens("#"), Some(Vec::new()));
        assert_eq!(
            fragment_tokens("#/a~1b/c%20d"),
            Some(vec!["a/b".to_owned(), "c d".to_owned()])
        );
        // `%2F` is a `/` of the pointer, `~1` one inside a key.
        assert_eq!(
            fragment_tokens("#/a%2Fb~1c"),
            Some(vec!["a".to_owned(), "b/c".to_owned()])
        );
        // Not UTF-8 once decoded: kept as written.
        assert_eq!(fragment_tokens("#/%FF"), Some(vec!["%FF".to_owned()]));
        assert_eq!(fragment_tokens("/a"), None, "not a fragment");
        assert_eq!(fragment_tokens("#a"), None, "no leading slash");
    }

    #[test]
    fn resolve_walks_objects_and_arrays() {
        let doc = json!({"paths": {"/a": {"get": {"parameters": [{"name": "x"}, {"name": "y"}]}}},
            "": {"~": 1}, "a/b": 2});
        assert_eq!(resolve::<&str>(&doc, []), Some(&doc), "the root");
        let at = |pointer: &str| resolve(&doc, tokens(pointer)?);
        assert_eq!(at("/paths/~1a/get/parameters/1/name"), Some(&json!("y")));
        assert_eq!(at("//~0"), Some(&json!(1)), "empty key, then `~`");
        assert_eq!(at("/a~1b"), Some(&json!(2)));
        assert_eq!(at("/paths/~1a/get/parameters/2"), None, "past the end");
        assert_eq!(at("/paths/~1a/get/parameters/x"), None, "not an index");
        assert_eq!(at("/paths/~1a/get/parameters/-1"), None);
        assert_eq!(at("/a~1b/c"), None, "inside a number");
        assert_eq!(at("/missing"), None);
        // Indexes are read leniently, as the model always has.
        assert_eq!(at("/paths/~1a/get/parameters/01/name"), Some(&json!("y")));
        assert_eq!(child(&json!([1, 2]), "0"), Some(&json!(1)));
        assert_eq!(child(&json!("text"), "0"), None);
    }
}
