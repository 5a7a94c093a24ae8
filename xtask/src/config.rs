//! The generator's settings for one folder of specs, read from a TOML file beside the folder
//! (`specs/syntho.toml` for `specs/syntho/`): the folder itself holds input pages only, and
//! stitch reads every markdown, JSON and YAML file in it.
//!
//! ```toml
//! # What to do when two pages define one component differently: error, rename or widen.
//! on_conflict = "error"
//!
//! # The client crate's version; `cargo xtask codegen` writes the next one back here when the
//! # API changes (from the verdict of `stitch diff`). Without it, the crate's own version is
//! # the previous one.
//! version = "0.1.0"
//!
//! # Pagination of an operation the pages do not annotate (see the README, "Pagination").
//! [pagination.jobs_list]
//! style = "offset"
//! ```
//!
//! The file's format and checks are the generator's (`stitch::config`, the same as
//! `stitch generate --config`): a missing file means the defaults; unknown keys and values are
//! errors naming the file and line, so a typo does not silently change nothing.

use std::collections::BTreeMap;
use std::path::Path;

use stitch::OnConflict;
use stitch::model::PageOverride;

/// The settings of one specs folder.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    /// The conflict policy (`on_conflict`), `error` when not given.
    pub on_conflict: OnConflict,
    /// The client crate's version (`version`), when given.
    pub version: Option<stitch::diff::Version>,
    /// Pagination rules by operationId or method name (`[pagination.<name>]`).
    pub pagination: BTreeMap<String, PageOverride>,
    /// The user's types and extra derives (`[types]`; see the README, "Your own types and
    /// derives"): a change here changes the client, which `codegen --check` sees.
    pub types: stitch::model::TypeSettings,
}

/// Reads the settings at `path`; a missing file gives the defaults.
pub fn read(path: &Path) -> Result<Config, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    parse(&text, &path.display().to_string())
}

/// Parses the settings file's text; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Config, String> {
    let config = stitch::config::parse(text, file)?;
    Ok(Config {
        on_conflict: config.on_conflict.unwrap_or_default(),
        version: config.version,
        pagination: config.pagination,
        types: config.types,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_is_read_and_checked() {
        assert_eq!(parse("", "s.toml"), Ok(Config::default()));
        let widen = parse("on_conflict = \"widen\"\n", "s.toml").map(|c| c.on_conflict);
        assert_eq!(widen, Ok(OnConflict::Widen));
        let error = parse("on_conflict = \"merge\"", "s.toml")
            .err()
            .unwrap_or_default();
        assert!(
            error.contains("\"error\", \"rename\" or \"widen\""),
            "{error}"
        );
        let error = parse("on-conflict = \"widen\"", "s.toml")
            .err()
            .unwrap_or_default();
        assert!(
            error.starts_with("s.toml:1: unknown field `on-conflict`"),
            "{error}"
        );
        let error = parse("on_conflict = ", "s.toml").err().unwrap_or_default();
        assert!(error.starts_with("s.toml:1: "), "{error}");
        let version = parse("version = \"1.2.3\"\n", "s.toml").map(|c| c.version);
        assert_eq!(version, Ok(Some(stitch::diff::Version::new(1, 2, 3))));
        let error = parse("\nversion = \"1.2\"", "s.toml")
            .err()
            .unwrap_or_default();
        assert!(error.starts_with("s.toml:2: version: "), "{error}");
        assert!(error.contains("`1.2` is not a semver version"), "{error}");
        let error = parse("version = 1", "s.toml").err().unwrap_or_default();
        assert!(error.starts_with("s.toml:1: "), "{error}");
    }

    #[test]
    fn the_syntho_settings_parse() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/syntho.toml");
        let config = read(&path);
        assert_eq!(
            config.as_ref().map(|c| c.on_conflict),
            Ok(OnConflict::Error)
        );
        assert_eq!(config.map(|c| c.pagination.len()), Ok(0));
    }
}
