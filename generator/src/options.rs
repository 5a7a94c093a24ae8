//! What the user chose for one run of the generator, and the check of the crate name.
//!
//! A leaf module: it imports nothing of the pipeline but [`model::is_keyword`] (and names the
//! model's `PageOverride`, a plain value), so every stage can take [`Options`] without reaching
//! up into `lib.rs`.
//!
//! [`model::is_keyword`]: crate::model::is_keyword

/// What the user chose for one run of the generator.
#[derive(Debug, Clone)]
pub struct Options {
    /// The package name of the generated crate, e.g. `syntho-client`.
    pub crate_name: String,
    /// Pagination declared or overridden per operation (by operationId or method name), from
    /// the config file (`[pagination.<operationId>]`; see `stitch::config`).
    pub pagination: std::collections::BTreeMap<String, crate::model::PageOverride>,
    /// The user's types and extra derives, from the config file (`[types]`).
    pub types: crate::model::TypeSettings,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            crate_name: "api-client".to_owned(),
            pagination: std::collections::BTreeMap::new(),
            types: crate::model::TypeSettings::default(),
        }
    }
}

/// The longest crate name accepted: crates.io's limit. Cargo names files and folders after the
/// crate, so a much longer name (300 characters) fails in Cargo, long after stitch accepted it.
pub const MAX_CRATE_NAME: usize = 64;

/// Checks a crate name as crates.io does: 1 to [`MAX_CRATE_NAME`] ASCII letters, digits, `-`
/// and `_`, starting with a letter, and (with `-` read as `_`) not a Rust keyword, which other
/// crates could not name. `Err` says what is wrong, as the end of "`name` is not a valid crate
/// name: ...".
pub fn check_crate_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".to_owned());
    }
    let length = name.chars().count();
    if length > MAX_CRATE_NAME {
        return Err(format!(
            "it has {length} characters, more than {MAX_CRATE_NAME}"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(format!(
            "it holds {c:?}; only ASCII letters, digits, `-` and `_` are allowed"
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err("it must start with a letter".to_owned());
    }
    if crate::model::is_keyword(&name.replace('-', "_")) {
        return Err("it is a Rust keyword, which other crates could not name".to_owned());
    }
    Ok(())
}

/// Whether [`check_crate_name`] accepts `name`.
pub(crate) fn valid_crate_name(name: &str) -> bool {
    check_crate_name(name).is_ok()
}
