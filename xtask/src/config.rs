//! The generator's settings for one folder of specs, read from a TOML file beside the folder
//! (`specs/syntho.toml` for `specs/syntho/`): the folder itself holds input pages only, and
//! stitch reads every markdown, JSON and YAML file in it.
//!
//! ```toml
//! # What to do when two pages define one component differently: error, rename or widen.
//! on_conflict = "error"
//! # The client crate's version; `cargo xtask codegen` writes the next one back here when the
//! # API changes (from the verdict of `stitch diff`). Without it, the crate's own version is
//! # the previous one.
//! version = "0.1.0"
//! ```
//!
//! A missing file means the defaults; unknown keys and values are errors, so a typo does not
//! silently change nothing.

use std::path::Path;

use stitch::OnConflict;

/// The settings of one specs folder.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// The conflict policy (`on_conflict`), `error` when not given.
    pub on_conflict: OnConflict,
    /// The client crate's version (`version`), when given.
    pub version: Option<stitch::diff::Version>,
}

/// Reads the settings at `path`; a missing file gives the defaults.
pub fn read(path: &Path) -> Result<Config, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses the settings file's text.
pub fn parse(text: &str) -> Result<Config, String> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| format!("not valid TOML: {}", e.message()))?;
    let mut config = Config::default();
    for (key, value) in &table {
        match key.as_str() {
            "on_conflict" => {
                let name = value.as_str().unwrap_or_default();
                config.on_conflict = OnConflict::from_name(name).ok_or_else(|| {
                    format!(
                        "on_conflict is not a policy: {}\n  help: use \"error\", \"rename\" or \"widen\"",
                        value.as_str().map_or("not a string".to_owned(), |s| format!("\"{s}\""))
                    )
                })?;
            }
            "version" => {
                let text = value.as_str().ok_or_else(|| {
                    "version is not a string\n  help: write version = \"MAJOR.MINOR.PATCH\""
                        .to_owned()
                })?;
                let version =
                    stitch::diff::parse_version(text).map_err(|e| format!("version: {e}"))?;
                config.version = Some(version);
            }
            other => {
                return Err(format!(
                    "unknown setting `{other}`\n  help: the settings are on_conflict = \"error\" | \"rename\" | \"widen\" and version = \"MAJOR.MINOR.PATCH\""
                ));
            }
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_is_read_and_checked() {
        assert_eq!(parse(""), Ok(Config::default()));
        let widen = parse("on_conflict = \"widen\"\n").map(|c| c.on_conflict);
        assert_eq!(widen, Ok(OnConflict::Widen));
        let error = parse("on_conflict = \"merge\"").err().unwrap_or_default();
        assert!(
            error.contains("\"error\", \"rename\" or \"widen\""),
            "{error}"
        );
        let error = parse("on-conflict = \"widen\"").err().unwrap_or_default();
        assert!(error.contains("unknown setting `on-conflict`"), "{error}");
        let error = parse("on_conflict = ").err().unwrap_or_default();
        assert!(error.starts_with("not valid TOML"), "{error}");
        let version = parse("version = \"1.2.3\"\n").map(|c| c.version);
        assert_eq!(version, Ok(Some(stitch::diff::Version::new(1, 2, 3))));
        let error = parse("version = \"1.2\"").err().unwrap_or_default();
        assert!(error.contains("`1.2` is not a semver version"), "{error}");
        let error = parse("version = 1").err().unwrap_or_default();
        assert!(error.contains("version is not a string"), "{error}");
    }

    #[test]
    fn the_syntho_settings_parse() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/syntho.toml");
        assert_eq!(read(&path).map(|c| c.on_conflict), Ok(OnConflict::Error));
    }
}
