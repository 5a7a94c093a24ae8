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
//!
//! [types]                          # the user's types and derives (`model::user_types`)
//! derives = ["Eq", "Hash"]         # for every generated type that can have them
//!
//! [types.derive]                   # per type, by Rust name
//! JobSchema = ["schemars::JsonSchema"]
//!
//! [types.replace]                  # a component schema replaced by the user's type
//! Money = { type = "rust_decimal::Decimal", impls = ["Eq", "Hash", "PartialOrd", "Ord", "Default"] }
//!
//! [types.format]                   # every schema of a format (`schema_type` limits the type)
//! decimal = { type = "rust_decimal::Decimal", schema_type = "string" }
//!
//! [types.crates]                   # dependencies the paths and derives need
//! rust_decimal = { version = "1", features = ["serde-str"] }
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
use crate::model::{CrateDependency, PageOverride, PlacedDerives, STYLES, TypeSettings, UserType};

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
    /// The user's types and extra derives (`[types]`).
    pub types: TypeSettings,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    on_conflict: Option<Spanned<String>>,
    version: Option<Spanned<String>>,
    #[serde(default)]
    pagination: BTreeMap<String, Spanned<Rule>>,
    types: Option<TypesFile>,
}

/// A list of trait names, with its place and each name's.
type Traits = Spanned<Vec<Spanned<String>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TypesFile {
    derives: Option<Traits>,
    #[serde(default)]
    derive: BTreeMap<String, Traits>,
    #[serde(default)]
    replace: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    format: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    crates: BTreeMap<String, Spanned<toml::Value>>,
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
            "the settings are on_conflict, version, [pagination.<operationId>] tables with style, param, limit, next, has_more, field, items, start, and [types] with derives and the tables derive, replace, format, crates"
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
    if let Some(types) = parsed.types {
        config.types = types_settings(types, text, file)?;
    }
    Ok(config)
}

/// The `[types]` section, checked: crate names, Rust paths, trait names (whether the entries
/// fit the API is the model's check, `model::user_types`).
fn types_settings(types: TypesFile, text: &str, file: &str) -> Result<TypeSettings, String> {
    let at = |span: std::ops::Range<usize>| format!("{file}:{}", line_of(text, span.start));
    let mut settings = TypeSettings::default();
    for (name, value) in types.crates {
        let place = at(value.span());
        crate::model::check_crate(&name).map_err(|e| {
            format!("{place}: [types.crates] {e}\n  help: use the crate's name on crates.io")
        })?;
        let line = dependency_line(&name, value.get_ref()).map_err(|e| {
            format!("{place}: [types.crates] {name}: {e}\n  help: write {name} = {{ version = \"1\", features = [\"..\"] }}")
        })?;
        settings
            .crates
            .insert(name, CrateDependency { line, place });
    }
    let crates: std::collections::BTreeSet<String> = settings.crates.keys().cloned().collect();
    let traits = |list: Traits, what: &str| -> Result<PlacedDerives, String> {
        let place = at(list.span());
        let mut derives = Vec::new();
        for name in list.into_inner() {
            let line = at(name.span());
            let name = name.into_inner();
            crate::model::check_trait(&name, &crates).map_err(|e| {
                format!("{line}: {what}: {e}\n  help: see the README's section \"Your own types and derives\"")
            })?;
            if !derives.contains(&name) {
                derives.push(name);
            }
        }
        Ok(PlacedDerives { derives, place })
    };
    if let Some(list) = types.derives {
        settings.derives = Some(traits(list, "[types] derives")?);
    }
    for (name, list) in types.derive {
        let derives = traits(list, &format!("[types.derive] {name}"))?;
        settings.derive.insert(name, derives);
    }
    for (table, entries, is_format) in [
        ("replace", types.replace, false),
        ("format", types.format, true),
    ] {
        for (key, value) in entries {
            let place = at(value.span());
            let entry = user_type(value.get_ref(), is_format, &crates).map_err(|e| {
                format!("{place}: [types.{table}] {key}: {e}\n  help: write {key} = {{ type = \"crate::path::Type\", impls = [\"Eq\", \"Hash\"] }} (impls: what the type implements beyond serde, Debug, Clone and PartialEq)")
            })?;
            let entry = UserType { place, ..entry };
            if is_format {
                settings.format.insert(key, entry);
            } else {
                settings.replace.insert(key, entry);
            }
        }
    }
    Ok(settings)
}

/// A `[types.replace]` or `[types.format]` entry: a path, or a table of `type`, `impls` (and
/// for a format `schema_type`).
fn user_type(
    value: &toml::Value,
    is_format: bool,
    crates: &std::collections::BTreeSet<String>,
) -> Result<UserType, String> {
    let mut entry = UserType::default();
    match value {
        toml::Value::String(path) => entry.path = path.clone(),
        toml::Value::Table(table) => {
            for (key, value) in table {
                match (key.as_str(), value) {
                    ("type", toml::Value::String(path)) => entry.path = path.clone(),
                    ("impls", toml::Value::Array(items)) => {
                        for item in items {
                            let toml::Value::String(name) = item else {
                                return Err("`impls` holds a value that is not a string".to_owned());
                            };
                            crate::model::check_trait(name, crates)
                                .map_err(|e| format!("impls: {e}"))?;
                            entry.impls.push(name.clone());
                        }
                    }
                    ("schema_type", toml::Value::String(only)) if is_format => {
                        if !["string", "integer", "number"].contains(&only.as_str()) {
                            return Err(format!(
                                "schema_type `{only}` is not one of string, integer, number"
                            ));
                        }
                        entry.schema_type = Some(only.clone());
                    }
                    _ => {
                        return Err(format!(
                            "unknown or mistyped key `{key}` (the keys are type, impls{})",
                            if is_format { ", schema_type" } else { "" }
                        ));
                    }
                }
            }
            if entry.path.is_empty() {
                return Err("the entry has no `type`".to_owned());
            }
        }
        _ => return Err("the entry is neither a type path nor a table".to_owned()),
    }
    crate::model::check_path(&entry.path, crates)?;
    Ok(entry)
}

/// The `Cargo.toml` line of a `[types.crates]` entry: a version, or a table of `version`,
/// `features` and `default-features`, written in that order.
fn dependency_line(name: &str, value: &toml::Value) -> Result<String, String> {
    let quote = |text: &str| serde_json::Value::from(text).to_string();
    let table = match value {
        toml::Value::String(version) => return Ok(format!("{name} = {}", quote(version))),
        toml::Value::Table(table) => table,
        _ => return Err("the entry is neither a version nor a table".to_owned()),
    };
    let mut version = None;
    let mut features = Vec::new();
    let mut default_features = None;
    for (key, value) in table {
        match (key.as_str(), value) {
            ("version", toml::Value::String(v)) => version = Some(v.clone()),
            ("features", toml::Value::Array(items)) => {
                for item in items {
                    let toml::Value::String(feature) = item else {
                        return Err("`features` holds a value that is not a string".to_owned());
                    };
                    features.push(quote(feature));
                }
            }
            ("default-features", toml::Value::Boolean(on)) => default_features = Some(*on),
            _ => {
                return Err(format!(
                    "unknown or mistyped key `{key}` (the keys are version, features, default-features)"
                ));
            }
        }
    }
    let version = version.ok_or("the entry has no `version`")?;
    let mut parts = vec![format!("version = {}", quote(&version))];
    if let Some(on) = default_features {
        parts.push(format!("default-features = {on}"));
    }
    if !features.is_empty() {
        parts.push(format!("features = [{}]", features.join(", ")));
    }
    Ok(format!("{name} = {{ {} }}", parts.join(", ")))
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

    #[test]
    fn types_are_read_with_their_places_and_crates_as_cargo_lines() {
        let text = "[types]\nderives = [\"Eq\", \"Hash\", \"Eq\"]\n\n[types.derive]\nJob = [\"schemars::JsonSchema\"]\n\n[types.replace]\nMoney = { type = \"rust_decimal::Decimal\", impls = [\"Hash\"] }\n\n[types.format]\ndecimal = \"rust_decimal::Decimal\"\n\n[types.crates]\nrust_decimal = { features = [\"serde\"], version = \"1.36\" }\nschemars = { version = \"1\", default-features = false }\n";
        let config = parse(text, "api.toml").unwrap_or_else(|e| panic!("{e}"));
        let types = &config.types;
        let all = types.derives.as_ref().expect("derives");
        assert_eq!(all.derives, ["Eq", "Hash"]);
        assert_eq!(all.place, "api.toml:2");
        assert_eq!(types.derive["Job"].derives, ["schemars::JsonSchema"]);
        assert_eq!(types.replace["Money"].path, "rust_decimal::Decimal");
        assert_eq!(types.replace["Money"].impls, ["Hash"]);
        assert_eq!(types.replace["Money"].place, "api.toml:8");
        assert_eq!(types.format["decimal"].place, "api.toml:11");
        assert_eq!(
            types.crates["rust_decimal"].line,
            "rust_decimal = { version = \"1.36\", features = [\"serde\"] }"
        );
        assert_eq!(
            types.crates["schemars"].line,
            "schemars = { version = \"1\", default-features = false }"
        );
    }

    #[test]
    fn bad_type_entries_name_the_line_and_what_to_do() {
        let error = |text: &str| parse(text, "api.toml").err().unwrap_or_default();
        let no_crate = error("[types.replace]\nMoney = \"rust_decimal::Decimal\"\n");
        assert!(
            no_crate.starts_with("api.toml:2: [types.replace] Money: `rust_decimal::Decimal` names the crate `rust_decimal`, which the client does not depend on"),
            "{no_crate}"
        );
        let invalid = error("\n[types.format]\ndecimal = \"rust decimal\"\n");
        assert!(
            invalid.starts_with(
                "api.toml:3: [types.format] decimal: `rust decimal` is not a Rust type path"
            ),
            "{invalid}"
        );
        let derive = error("[types]\nderives = [\"Eq\",\n \"Serialize\"]\n");
        assert!(
            derive.starts_with(
                "api.toml:3: [types] derives: `Serialize` is not a derive stitch knows"
            ),
            "{derive}"
        );
        let key = error("[types.replace]\nMoney = { path = \"String\" }\n");
        assert!(key.contains("unknown or mistyped key `path`"), "{key}");
        let own = error("[types.crates]\nserde = \"1\"\n");
        assert!(
            own.starts_with("api.toml:2: [types.crates] `serde` is a dependency stitch manages"),
            "{own}"
        );
        let typo = error("[types]\nderive = [\"Eq\"]\n");
        assert!(typo.starts_with("api.toml:2:"), "{typo}");
        let schema_type =
            error("[types.format]\nx = { type = \"String\", schema_type = \"text\" }\n");
        assert!(
            schema_type.contains("schema_type `text` is not one of"),
            "{schema_type}"
        );
    }
}
