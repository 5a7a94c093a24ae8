//! The config file of one API (`specs/<api>.toml` beside its pages, read by `cargo xtask
//! codegen`; `stitch generate --config FILE`): the conflict policy and pagination per operation.
//!
//! ```toml
//! on_conflict = "error"            # error | rename | widen
//! version = "0.1.0"                # the client crate's version (`cargo xtask codegen` bumps it)
//!
//! [pagination.listChannels]        # by operationId (or the client's method name)
//! style = "cursor"                 # link | next-url | cursor | last-item | offset | page | none
//! param = "cursor"                 # the query parameter the next request sets
//! next = "response_metadata.next_cursor"   # where the next cursor (or URL) is in the body
//! items = "channels"               # the body's array of items ("" when the body is the array)
//! ```
//!
//! Invariant: every mistake is an error naming the file and line (from the `toml` crate's
//! spans) and what to do; unknown keys are errors, so a typo never silently changes nothing.
//! Whether a rule fits its operation (the parameter and fields exist) is the model's check
//! (`model::pagination`), which names the same place.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::merge::OnConflict;
use crate::model::{PageOverride, STYLES};

/// The settings of one API.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    /// The conflict policy (`on_conflict`), when the file gives one.
    pub on_conflict: Option<OnConflict>,
    /// The client crate's version (`version`), when the file gives one; `cargo xtask codegen`
    /// writes the next one back when the API changes.
    pub version: Option<crate::diff::Version>,
    /// Pagination rules by operationId or method name (`[pagination.<name>]`).
    pub pagination: BTreeMap<String, PageOverride>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    on_conflict: Option<Spanned<String>>,
    version: Option<Spanned<String>>,
    #[serde(default)]
    pagination: BTreeMap<String, Spanned<Rule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    style: Spanned<String>,
    param: Option<String>,
    limit: Option<String>,
    next: Option<String>,
    has_more: Option<String>,
    field: Option<String>,
    items: Option<String>,
    start: Option<u64>,
}

/// Reads the config file at `path` (a missing file is an error: the caller decides whether
/// one is optional).
pub fn read(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the config file {}: {e}", path.display()))?;
    parse(&text, &path.display().to_string())
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |before| before.matches('\n').count() + 1)
}

/// Parses the config file's text; `file` names it in errors (`file:line: what`, then
/// `\n  help: ` and what to do).
pub fn parse(text: &str, file: &str) -> Result<Config, String> {
    let parsed: File = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |span| line_of(text, span.start));
        let message = e.message().trim_end().to_owned();
        let help = if message.contains("unknown field") {
            "the settings are on_conflict, version and [pagination.<operationId>] tables with style, param, limit, next, has_more, field, items, start"
        } else {
            "see the config file's format in the README (section Pagination)"
        };
        format!("{file}:{line}: {message}\n  help: {help}")
    })?;
    let mut config = Config::default();
    if let Some(policy) = parsed.on_conflict {
        let line = line_of(text, policy.span().start);
        config.on_conflict = Some(OnConflict::from_name(policy.get_ref()).ok_or_else(|| {
            format!(
                "{file}:{line}: on_conflict is not a policy: \"{}\"\n  help: use \"error\", \"rename\" or \"widen\"",
                policy.get_ref()
            )
        })?);
    }
    if let Some(version) = parsed.version {
        let line = line_of(text, version.span().start);
        let parsed = crate::diff::parse_version(version.get_ref()).map_err(|e| {
            format!("{file}:{line}: version: {e}\n  help: write version = \"MAJOR.MINOR.PATCH\"")
        })?;
        config.version = Some(parsed);
    }
    for (name, rule) in parsed.pagination {
        let line = line_of(text, rule.span().start);
        let rule = rule.into_inner();
        let style_line = line_of(text, rule.style.span().start);
        let style = rule.style.into_inner();
        if !STYLES.contains(&style.as_str()) {
            return Err(format!(
                "{file}:{style_line}: `{style}` is not a pagination style\n  help: use one of {}",
                STYLES.join(", ")
            ));
        }
        config.pagination.insert(
            name,
            PageOverride {
                place: format!("{file}:{line}"),
                style,
                param: rule.param,
                limit: rule.limit,
                next: rule.next,
                has_more: rule.has_more,
                field: rule.field,
                items: rule.items,
                start: rule.start,
            },
        );
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_read_with_their_place() {
        let text = "on_conflict = \"widen\"\n\n[pagination.listThings]\nstyle = \"cursor\"\nparam = \"cursor\"\nnext = \"meta.next\"\n\n[pagination.other]\nstyle = \"none\"\n";
        let config = parse(text, "api.toml").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.on_conflict, Some(OnConflict::Widen));
        let rule = &config.pagination["listThings"];
        assert_eq!(rule.place, "api.toml:3");
        assert_eq!(rule.next.as_deref(), Some("meta.next"));
        assert_eq!(config.pagination["other"].style, "none");
    }

    #[test]
    fn mistakes_name_the_line_and_what_to_do() {
        let error = |text: &str| parse(text, "api.toml").err().unwrap_or_default();
        let bad_style = error("\n[pagination.x]\nstyle = \"cursors\"\n");
        assert!(
            bad_style.starts_with("api.toml:3: `cursors` is not a pagination style"),
            "{bad_style}"
        );
        assert!(
            bad_style.contains("help: use one of link, next-url"),
            "{bad_style}"
        );
        let typo = error("[pagination.x]\nstyle = \"page\"\nparm = \"p\"\n");
        assert!(
            typo.starts_with("api.toml:3: unknown field `parm`"),
            "{typo}"
        );
        let policy = error("\n\non_conflict = \"merge\"");
        assert!(
            policy.starts_with("api.toml:3: on_conflict is not a policy"),
            "{policy}"
        );
        assert!(
            policy.contains("\"error\", \"rename\" or \"widen\""),
            "{policy}"
        );
        let missing = error("[pagination.x]\nparam = \"p\"\n");
        assert!(missing.contains("missing field `style`"), "{missing}");
        assert!(error("on_conflict = ").starts_with("api.toml:1:"));
    }
}
