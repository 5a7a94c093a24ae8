//! Every name the generated crate uses is chosen here: casing with `heck`, Rust keywords
//! escaped, and collisions resolved deterministically (first come, in sorted order, keeps the
//! plain name; later ones get a numeric suffix).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers even as raw identifiers (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Strict and reserved keywords of Rust 2024: these become raw identifiers (`r#type`).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Standard types and traits that generated code names unqualified (`String`, `Option`,
/// `Result`, `Default::default()`, ...): a schema or operation may not take these names, so a
/// schema called `Option` becomes `Option2` instead of shadowing `std`'s `Option`.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Box", "Default", "From", "Into", "Option", "Result", "Send", "String", "Sync", "Vec",
];

/// Turns arbitrary text into something heck can case: anything that is not alphanumeric
/// separates words.
fn words(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect()
}

thread_local! {
    /// The names [`snake`] and [`camel`] made on this thread, by text: a spec repeats its
    /// property and parameter names on many schemas and operations, and heck's casing is
    /// most of what making a name costs.
    static SNAKE: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    static CAMEL: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

/// How many names of each casing are remembered per thread before starting afresh: a bound
/// for long-running callers.
const MAX_REMEMBERED: usize = 1 << 16;

/// `make(text)`, from `memo` when it was made before (`make` is a pure function of `text`).
fn remembered(
    memo: &'static std::thread::LocalKey<RefCell<HashMap<String, String>>>,
    text: &str,
    make: fn(&str) -> String,
) -> String {
    memo.with(|memo| {
        if let Some(hit) = memo.borrow().get(text) {
            return hit.clone();
        }
        let name = make(text);
        let mut memo = memo.borrow_mut();
        if memo.len() >= MAX_REMEMBERED {
            memo.clear();
        }
        memo.insert(text.to_owned(), name.clone());
        name
    })
}

/// `snake_case` identifier for a field, parameter or method (`r#type` for keywords).
pub fn snake(text: &str) -> String {
    remembered(&SNAKE, text, make_snake)
}

/// [`snake`] without the memo.
fn make_snake(text: &str) -> String {
    let mut name = words(text).to_snake_case();
    if !name.is_ascii() {
        // `ü` between words leaves `__` or an `_` at an end (`delete_id__self`), which
        // rustc's `non_snake_case` rejects: one `_` between words, none at the ends.
        name = ascii_only(&name, '_')
            .split('_')
            .filter(|word| !word.is_empty())
            .collect::<Vec<_>>()
            .join("_");
    }
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.chars().all(|c| c.is_ascii_digit() || c == '_') {
        // `_404` would be a parameter of a `new` that clippy's `just_underscores_and_digits`
        // rejects (found by `cargo xtask fuzz`): a letter first, as `camel` puts `V`.
        name.insert(0, 'n');
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// `UpperCamelCase` identifier for a type or enum variant.
pub fn camel(text: &str) -> String {
    remembered(&CAMEL, text, make_camel)
}

/// [`camel`] without the memo.
fn make_camel(text: &str) -> String {
    let mut name = words(text).to_upper_camel_case();
    if !name.is_ascii() {
        name = ascii_only(&name, 'X');
    }
    if name.is_empty() {
        name = "Empty".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// Replaces non-ASCII characters so identifiers stay portable and readable in any editor.
fn ascii_only(name: &str, replacement: char) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if !out.ends_with(replacement) {
            out.push(replacement);
        }
    }
    out
}

/// `base` followed by `suffix` (a number, a word such as `Error`, or `_query` for a snake-case
/// name), so that the result is as lint-clean as `base`: the `_` that escapes `self`/`Self` is
/// dropped first (`Self_` + `Error` is `SelfError`, `Self_` + `2` is `Self2`, `self_` +
/// `_cookie` is `self_cookie`; `Self_Error`, `Self_2` and `self__cookie` trip rustc's
/// `non_camel_case_types` and `non_snake_case`), and a number after a digit is set off by `_`
/// (`V2` + `2` is `V2_2`, not `V22`). Every name made from another name goes through here.
pub fn suffixed(base: &str, suffix: &str) -> String {
    let base = base.strip_suffix('_').unwrap_or(base);
    let number = suffix.starts_with(|c: char| c.is_ascii_digit());
    if number && base.ends_with(|c: char| c.is_ascii_digit()) {
        format!("{base}_{suffix}")
    } else {
        format!("{base}{suffix}")
    }
}

/// True when `name` must be written as a raw identifier (`r#name`).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// A namespace of identifiers: `claim` hands out `base`, or `base2`, `base3`, ... when taken.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    used: BTreeSet<String>,
}

impl Namespace {
    /// A namespace in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            used: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Whether `name` is already handed out (or reserved).
    pub fn is_taken(&self, name: &str) -> bool {
        self.used.contains(name)
    }

    /// Takes `base` if free, else `alternative` if free, else what [`claim`](Self::claim)
    /// gives for `base`.
    pub fn claim_or(&mut self, base: &str, alternative: &str) -> String {
        if self.used.insert(base.to_owned()) {
            return base.to_owned();
        }
        if self.used.insert(alternative.to_owned()) {
            return alternative.to_owned();
        }
        self.claim(base)
    }

    /// Takes `base` if free, else the first free `base{n}` for n = 2, 3, ...
    pub fn claim(&mut self, base: &str) -> String {
        if self.used.insert(base.to_owned()) {
            return base.to_owned();
        }
        let mut n = 2u64;
        loop {
            let candidate = suffixed(base, &n.to_string());
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_or_tries_the_alternative_before_numbering() {
        let mut names = Namespace::with_reserved(&["timeout"]);
        assert_eq!(names.claim_or("id", "id_query"), "id");
        assert_eq!(names.claim_or("id", "id_header"), "id_header");
        assert_eq!(names.claim_or("id", "id_header"), "id2");
        assert_eq!(names.claim_or("timeout", "timeout_query"), "timeout_query");
    }

    #[test]
    fn casing_and_keywords() {
        assert_eq!(camel("HTTPValidationError"), "HttpValidationError");
        assert_eq!(camel("fk_scan"), "FkScan");
        assert_eq!(camel("IN_PROGRESS"), "InProgress");
        assert_eq!(camel(""), "Empty");
        assert_eq!(camel("2fa"), "V2fa");
        assert_eq!(camel("a.b-c"), "ABC");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(snake("engine_id"), "engine_id");
        assert_eq!(snake("Engine Id"), "engine_id");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("1st"), "_1st");
        assert_eq!(snake("404"), "n404");
        assert_eq!(snake("2_0"), "n2_0");
        assert_eq!(snake("$ref"), "ref");
        assert_eq!(snake("delete /{ID}/ü/self"), "delete_id_self");
        assert_eq!(snake("options /ü"), "options");
        assert_eq!(snake("日本"), "value");
        assert!(is_keyword("type"));
        assert!(!is_keyword("status"));
    }

    #[test]
    fn namespace_suffixes_deterministically() {
        let mut ns = Namespace::with_reserved(&["Client"]);
        assert_eq!(ns.claim("Client"), "Client2");
        assert_eq!(ns.claim("Job"), "Job");
        assert_eq!(ns.claim("Job"), "Job2");
        assert_eq!(ns.claim("V2"), "V2");
        assert_eq!(ns.claim("V2"), "V2_2");
        assert_eq!(ns.claim("Self_"), "Self_");
        assert_eq!(ns.claim("Self_"), "Self2");
        assert_eq!(ns.claim("self_"), "self_");
        assert_eq!(ns.claim("self_"), "self2");
    }

    #[test]
    fn suffixed_names_stay_lint_clean() {
        assert_eq!(suffixed("Self_", "Error"), "SelfError");
        assert_eq!(suffixed("Self_", "2"), "Self2");
        assert_eq!(suffixed("Job", "Response"), "JobResponse");
        assert_eq!(suffixed("Job", "2"), "Job2");
        assert_eq!(suffixed("V2", "2"), "V2_2");
        assert_eq!(suffixed("V2", "Error"), "V2Error");
        assert_eq!(suffixed("self_", "_cookie"), "self_cookie");
        assert_eq!(suffixed("id", "_query"), "id_query");
    }
}
