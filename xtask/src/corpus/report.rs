//! The report: a line per failure, the failures grouped by cause, and a summary.
//!
//! A cause is a failure's stage and first line with the specifics taken out (quoted names,
//! paths, numbers, JSON pointers into the spec), so that one generator limitation hit by a
//! hundred specs is one line with a count and an example.

use std::collections::BTreeMap;

use super::run::{SpecResult, Stage};

/// The cause every panic is grouped under, whatever its message.
pub const PANIC: &str = "PANIC";

/// The first line of a message, at most 200 characters.
pub fn first_line(message: &str) -> String {
    let line = message.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let line = line.trim();
    if line.chars().count() > 200 {
        let cut: String = line.chars().take(197).collect();
        format!("{cut}...")
    } else {
        line.to_owned()
    }
}

/// The cause of a failure: its message with names, paths and numbers replaced by placeholders.
/// Quoted text that says what kind of thing failed (an OpenAPI keyword, a media type, a
/// version) is kept; other quoted text (names) becomes `_`.
pub fn normalize(message: &str) -> String {
    let line = first_line(message);
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    let mut word = String::new();
    while let Some(c) = chars.next() {
        match c {
            '`' | '"' => {
                let mut inside = String::new();
                let mut closed = false;
                for d in chars.by_ref() {
                    if d == c {
                        closed = true;
                        break;
                    }
                    inside.push(d);
                }
                let kept = if telling(&inside) {
                    inside.as_str()
                } else {
                    "_"
                };
                // Marked so that the word pass below leaves it alone.
                word.push('\u{1}');
                word.push(c);
                word.push_str(kept);
                if closed {
                    word.push(c);
                }
            }
            ' ' => words.push(std::mem::take(&mut word)),
            _ => word.push(c),
        }
    }
    words.push(word);
    let words: Vec<String> = words
        .into_iter()
        .map(|word| {
            if word.contains('\u{1}') {
                return word.replace('\u{1}', "");
            }
            let bare = word.trim_end_matches([':', ',', ';', ')', '.']);
            if bare.contains('/') || bare.contains(".md") || bare.contains(".rs") {
                let tail = &word[bare.len()..];
                let bare = bare.trim_start_matches('(');
                return format!("{}{tail}", pointer_shape(bare));
            }
            let mut w = String::new();
            let mut in_number = false;
            for c in word.chars() {
                if c.is_ascii_digit() {
                    if !in_number {
                        w.push('N');
                    }
                    in_number = true;
                } else {
                    in_number = false;
                    w.push(c);
                }
            }
            w
        })
        .collect();
    words.join(" ")
}

/// Quoted text worth keeping in a cause: a keyword, a media type or a version.
fn telling(text: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "$ref",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "additionalProperties",
        "discriminator",
        "items",
        "properties",
        "enum",
        "type",
        "format",
        "nullable",
        "default",
        "const",
        "style",
        "explode",
        "content",
        "schema",
        "parameters",
        "requestBody",
        "responses",
        "security",
        "securitySchemes",
        "callbacks",
        "links",
        "headers",
        "examples",
        "object",
        "array",
        "string",
        "integer",
        "number",
        "boolean",
        "null",
    ];
    KEYWORDS.contains(&text)
        || (text.contains('/') && !text.contains(['#', '{', ' ']) && text.len() < 60)
        || (!text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// A path or JSON pointer reduced to its shape: `/paths/~1pets/get/responses/200/content`
/// stays informative as `/paths/*/get/responses/N/content`, a file place becomes `<path>`.
fn pointer_shape(word: &str) -> String {
    let Some(rest) = word.trim_start_matches('#').strip_prefix('/') else {
        return "<path>".to_owned();
    };
    let tokens: Vec<&str> = rest.split('/').collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(token) = tokens.get(i) {
        let previous = i.checked_sub(1).and_then(|p| tokens.get(p)).copied();
        let before = i.checked_sub(2).and_then(|p| tokens.get(p)).copied();
        let generic = matches!(
            previous,
            Some("paths" | "properties" | "content" | "responses")
        ) || before == Some("components")
            || token.chars().all(|c| c.is_ascii_digit());
        out.push(if generic { "*" } else { token });
        i += 1;
    }
    format!("/{}", out.join("/"))
}

/// The figures of a run.
#[derive(Debug, Default)]
pub struct Figures {
    /// Specs run.
    pub specs: usize,
    /// Operations in their pages.
    pub operations: usize,
    /// Specs generated into a crate.
    pub generated: usize,
    /// Specs whose pages merged back to the original.
    pub round_trip: usize,
    /// Crates `cargo check`ed.
    pub checked: usize,
    /// Of those, the ones that compiled.
    pub compiled: usize,
    /// Panics, at any stage.
    pub panics: usize,
    /// Schemas read as free-form JSON (`serde_json::Value`), each with a warning.
    pub fallbacks: usize,
    /// Specs with at least one of those.
    pub specs_with_fallbacks: usize,
    /// Seconds spent generating, summed over specs.
    pub generate_seconds: f64,
}

/// Sums the results.
pub fn figures(results: &[SpecResult]) -> Figures {
    let mut f = Figures {
        specs: results.len(),
        ..Figures::default()
    };
    for r in results {
        f.operations += r.operations;
        f.generated += usize::from(r.generated);
        f.round_trip += usize::from(r.round_trip);
        f.checked += usize::from(r.compiled.is_some());
        f.compiled += usize::from(r.compiled == Some(true));
        f.panics += r.failures.iter().filter(|x| x.panic).count();
        f.fallbacks += r.fallbacks.len();
        f.specs_with_fallbacks += usize::from(!r.fallbacks.is_empty());
        f.generate_seconds += r.generate_time.as_secs_f64();
    }
    f
}

/// What a fallback warning's message says without its particulars: the values of an `enum`
/// are left out (`enum: [..]`), the keywords named are kept.
fn fallback_reason(message: &str) -> String {
    let mut reason = first_line(message);
    if let Some(start) = reason.find("`enum: [") {
        let values = start + "`enum: [".len();
        if let Some(end) = reason[values..].find("]`") {
            reason.replace_range(values..values + end, "..");
        }
    }
    reason
}

/// `12 (34.5%)`.
fn share(n: usize, of: usize) -> String {
    if of == 0 {
        format!("{n}")
    } else {
        format!("{n} ({:.1}%)", n as f64 * 100.0 / of as f64)
    }
}

/// The report as text: failures, causes, summary.
pub fn render(results: &[SpecResult], generated_stage: bool, wall_seconds: f64) -> String {
    let mut out = String::new();
    let mut causes: BTreeMap<(Stage, String), (usize, &str)> = BTreeMap::new();
    let failures: usize = results.iter().map(|r| r.failures.len()).sum();
    if failures > 0 {
        out.push_str("failures:\n");
    }
    for result in results {
        for failure in &result.failures {
            let kind = if failure.panic { "PANIC " } else { "" };
            out.push_str(&format!(
                "  {} {}: {kind}{}\n",
                result.id,
                failure.stage.name(),
                first_line(&failure.message)
            ));
            let cause = if failure.panic {
                format!("{PANIC} {}", normalize(&failure.message))
            } else {
                normalize(&failure.message)
            };
            let entry = causes
                .entry((failure.stage, cause))
                .or_insert((0, result.id.as_str()));
            entry.0 += 1;
        }
    }
    if !causes.is_empty() {
        let mut sorted: Vec<_> = causes.into_iter().collect();
        sorted.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
        out.push_str("\nfailures by cause (count, stage, cause, example spec):\n");
        for ((stage, cause), (count, example)) in sorted {
            out.push_str(&format!(
                "  {count:>5}  {:<10}  {cause}  (e.g. {example})\n",
                stage.name()
            ));
        }
    }
    if results.iter().any(|r| !r.fallbacks.is_empty()) {
        out.push_str("\nschemas read as free-form JSON (count, spec):\n");
        let mut reasons: BTreeMap<String, (usize, &str)> = BTreeMap::new();
        for result in results.iter().filter(|r| !r.fallbacks.is_empty()) {
            out.push_str(&format!("  {:>5}  {}\n", result.fallbacks.len(), result.id));
            for message in &result.fallbacks {
                let entry = reasons
                    .entry(fallback_reason(message))
                    .or_insert((0, result.id.as_str()));
                entry.0 += 1;
            }
        }
        let mut sorted: Vec<_> = reasons.into_iter().collect();
        sorted.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
        out.push_str(
            "\nschemas read as free-form JSON, by reason (count, reason, example spec):\n",
        );
        for (reason, (count, example)) in sorted {
            out.push_str(&format!("  {count:>5}  {reason}  (e.g. {example})\n"));
        }
    }
    let f = figures(results);
    out.push('\n');
    if generated_stage {
        let compiled = if f.checked > 0 {
            format!("compiled {} of {}", share(f.compiled, f.checked), f.checked)
        } else {
            "compiled - (none checked)".to_owned()
        };
        out.push_str(&format!(
            "summary: {} specs, {} operations; generated {}, round-trip {}, {compiled}; \
             panics {}; free-form JSON fallbacks {} (in {} specs); generation {:.1} s in \
             total ({:.1} s wall)\n",
            f.specs,
            f.operations,
            share(f.generated, f.specs),
            share(f.round_trip, f.specs),
            f.panics,
            f.fallbacks,
            f.specs_with_fallbacks,
            f.generate_seconds,
            wall_seconds,
        ));
    } else {
        out.push_str(&format!(
            "summary (merge stage): {} specs, {} operations; round-trip {}; panics {}; {:.1} s wall\n",
            f.specs,
            f.operations,
            share(f.round_trip, f.specs),
            f.panics,
            wall_seconds,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_reasons_lose_enum_values_only() {
        assert_eq!(
            fallback_reason(
                "read as JSON: a schema with `type: string`, `enum: [1, \"a\"]` together"
            ),
            "read as JSON: a schema with `type: string`, `enum: [..]` together"
        );
        assert_eq!(
            fallback_reason("a schema with `format` together"),
            "a schema with `format` together"
        );
    }

    #[test]
    fn causes_lose_names_paths_and_numbers() {
        assert_eq!(
            normalize("x.com/pets.md:12:3: component `Pet` is defined twice (2 times)"),
            "<path>: component `_` is defined twice (N times)"
        );
        assert_eq!(
            normalize("x.md:8: unsupported OpenAPI version \"3.1.0\"; stitch reads 3.0.x"),
            "<path>: unsupported OpenAPI version \"3.1.0\"; stitch reads N.N.x"
        );
        assert_eq!(
            normalize("#/paths/~1a/post/requestBody: a `multipart/form-data` body of `Foo`"),
            "/paths/*/post/requestBody: a `multipart/form-data` body of `_`"
        );
        assert_eq!(
            normalize("/paths/~1pets/get/responses/200/content is missing\nmore"),
            "/paths/*/get/responses/*/content is missing"
        );
        assert_eq!(
            normalize("/components/schemas/Pet/default is missing"),
            "/components/schemas/*/default is missing"
        );
    }
}
