//! The user's types and derives (the config file's `[types]` section, see `stitch::config`):
//! a component schema replaced by a type the user names (`[types.replace]`), a `format` mapped
//! to one (`[types.format]`), extra derives for every type (`[types] derives`) or per type
//! (`[types.derive]`), and the crates those name (`[types.crates]`).
//!
//! Decisions, in one place:
//! - a replaced component has no generated type: every `$ref` to it is [`TypeRef::User`] (its
//!   `null` still an `Option`); a format mapping applies to every string, integer or number
//!   schema with that `format` (and, when the entry says `schema_type`, only of that type),
//!   except `binary` inside a multipart body (a file part);
//! - a user's type must implement `Serialize`, `Deserialize`, `Debug`, `Clone` and `PartialEq`
//!   (what every generated container derives); any further trait it has is declared in its
//!   entry's `impls`, and only then does a container holding it get that derive;
//! - an extra derive is given to a type only when everything it holds supports it, decided as
//!   a greatest fixed point over all named types (recursive types keep what their cycle
//!   supports); what is refused is a warning naming the type, the derive and the reason, never
//!   a crate that does not compile. String enums already have `Eq`, `Hash`, `PartialOrd` and
//!   `Ord`; they take no `Default` (no variant is a default) and no derive of another crate
//!   (their serde is the runtime macro's, which a derive would not see), and neither do
//!   untagged or tagged unions take `Default`;
//! - a derive of another crate (`schemars::JsonSchema`) is trusted for the scalar types
//!   (strings, numbers, `uuid`, `chrono`, `serde_json::Value`: enable the crate's features for
//!   them in `[types.crates]`) and checked for the named and user's types;
//! - the crates of `[types.crates]` are dependency lines of the generated `Cargo.toml`, sorted
//!   by name.
//!
//! Invariant: every entry that cannot apply is an error or a warning naming the config file
//! and line (`place`): a component that does not exist, a type with derives that does not
//! exist, a path or trait that is not valid Rust or names a crate that is no dependency are
//! errors; a format no schema uses and a refused derive are warnings.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

use super::{ModelError, ModelWarning, TypeDef, TypeKind, TypeRef};

/// The derives of the standard library an extra derive may name, in the order they are
/// written.
pub const STD_DERIVES: &[&str] = &["Eq", "Hash", "PartialOrd", "Ord", "Default"];

/// What every generated struct and union derives already (a user's type must implement them).
pub const ALWAYS_DERIVED: &[&str] = &["Debug", "Clone", "PartialEq"];

/// The crates a generated client depends on whatever the API, which a user's path may name
/// without a `[types.crates]` entry (`std`, `core` and `alloc` too).
pub const CLIENT_CRATES: &[&str] = &["alloc", "chrono", "core", "serde_json", "std", "uuid"];

/// Crates stitch itself may add to a generated client: a `[types.crates]` entry may not
/// name them (two lines for one dependency would break the `Cargo.toml`).
const STITCH_CRATES: &[&str] = &[
    "bytes",
    "chrono",
    "futures",
    "futures-util",
    "http",
    "percent-encoding",
    "quick-xml",
    "reqwest",
    "reqwest-middleware",
    "serde",
    "serde_json",
    "serde_with",
    "sse-stream",
    "tokio",
    "tokio-util",
    "tracing",
    "uuid",
];

/// The `[types]` settings of the config file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TypeSettings {
    /// Derives for every generated type that can have them (`[types] derives`), with the
    /// place of the list.
    pub derives: Option<PlacedDerives>,
    /// Derives per type, by Rust name (`[types.derive]`).
    pub derive: BTreeMap<String, PlacedDerives>,
    /// Component schemas replaced by a user's type, by component key (`[types.replace]`).
    pub replace: BTreeMap<String, UserType>,
    /// Formats mapped to a user's type, by format (`[types.format]`).
    pub format: BTreeMap<String, UserType>,
    /// Crates the paths and derives name, by package name (`[types.crates]`).
    pub crates: BTreeMap<String, CrateDependency>,
}

/// A list of derives and where the config file gives it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlacedDerives {
    /// Trait names: a standard derive (`Eq`) or a path (`schemars::JsonSchema`).
    pub derives: Vec<String>,
    /// `file:line`.
    pub place: String,
}

/// A user's type in place of a schema.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UserType {
    /// Its Rust path (`rust_decimal::Decimal`), checked by [`check_path`].
    pub path: String,
    /// The traits it implements beyond the ones every type must ([`ALWAYS_DERIVED`], serde):
    /// standard derives and paths, as in `derives`.
    pub impls: Vec<String>,
    /// `[types.format]` only: the schema type the mapping is limited to (`string`,
    /// `integer`, `number`), or any.
    pub schema_type: Option<String>,
    /// `file:line`.
    pub place: String,
}

/// A dependency of the generated crate that the config adds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CrateDependency {
    /// The `Cargo.toml` line (`rust_decimal = { version = "1", features = ["serde"] }`).
    pub line: String,
    /// `file:line`.
    pub place: String,
}

/// The name a crate has in Rust paths (`-` read as `_`).
fn path_name(package: &str) -> String {
    package.replace('-', "_")
}

/// Checks that a `[types.crates]` key may be added: a valid package name, not one stitch
/// manages itself.
pub fn check_crate(name: &str) -> Result<(), String> {
    crate::options::check_crate_name(name)
        .map_err(|why| format!("`{name}` is not a valid crate name: {why}"))?;
    if STITCH_CRATES.contains(&name) {
        return Err(format!(
            "`{name}` is a dependency stitch manages in every client that needs it; name its types without an entry"
        ));
    }
    Ok(())
}

/// The crate a path's first segment names, when it must be a dependency (`None` for a
/// one-segment path such as `String`, which needs none).
fn first_crate(path: &syn::Path) -> Option<String> {
    (path.segments.len() > 1)
        .then(|| path.segments.first().map(|s| s.ident.to_string()))
        .flatten()
}

/// Checks that the crate `path` starts with is one the client depends on (`crates`: the
/// `[types.crates]` keys).
fn check_crate_of(path: &syn::Path, text: &str, crates: &BTreeSet<String>) -> Result<(), String> {
    let Some(first) = first_crate(path) else {
        return Ok(());
    };
    if matches!(first.as_str(), "crate" | "self" | "super") {
        return Err(format!(
            "`{text}` is relative to the generated crate; name the type by its crate's path"
        ));
    }
    if CLIENT_CRATES.contains(&first.as_str()) || crates.iter().any(|c| path_name(c) == first) {
        return Ok(());
    }
    Err(format!(
        "`{text}` names the crate `{first}`, which the client does not depend on; add it under [types.crates] (`{first} = {{ version = \"..\" }}`)"
    ))
}

/// Checks a user's type: a Rust type path (generic arguments allowed) whose crate the client
/// depends on.
pub fn check_path(text: &str, crates: &BTreeSet<String>) -> Result<(), String> {
    let parsed: syn::TypePath = syn::parse_str(text).map_err(|_| {
        format!("`{text}` is not a Rust type path (such as `rust_decimal::Decimal`)")
    })?;
    if parsed.qself.is_some() {
        return Err(format!(
            "`{text}` is a qualified path; name the type by its plain path"
        ));
    }
    check_crate_of(&parsed.path, text, crates)
}

/// Checks a derive or an `impls` entry: a standard derive ([`STD_DERIVES`], or one of
/// [`ALWAYS_DERIVED`]) or a trait path of a crate the client depends on.
pub fn check_trait(text: &str, crates: &BTreeSet<String>) -> Result<(), String> {
    if STD_DERIVES.contains(&text) || ALWAYS_DERIVED.contains(&text) {
        return Ok(());
    }
    let path: syn::Path = syn::parse_str(text).map_err(|_| {
        format!("`{text}` is not a trait name or path (such as `Hash` or `schemars::JsonSchema`)")
    })?;
    if path.segments.len() < 2 {
        return Err(format!(
            "`{text}` is not a derive stitch knows; the standard ones are {}, and another crate's is written with its path (`schemars::JsonSchema`)",
            STD_DERIVES.join(", ")
        ));
    }
    check_crate_of(&path, text, crates)
}

/// The `format` of a string, integer or number schema, as the spec writes it, with the
/// schema's type.
pub(crate) fn format_of(kind: &SchemaKind) -> Option<(&'static str, String)> {
    fn text<T: std::fmt::Debug>(
        format: &VariantOrUnknownOrEmpty<T>,
        name: impl Fn(&T) -> &'static str,
    ) -> Option<String> {
        match format {
            VariantOrUnknownOrEmpty::Item(item) => Some(name(item).to_owned()),
            VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
            VariantOrUnknownOrEmpty::Empty => None,
        }
    }
    match kind {
        SchemaKind::Type(Type::String(string)) => text(&string.format, |f| match f {
            StringFormat::Date => "date",
            StringFormat::DateTime => "date-time",
            StringFormat::Password => "password",
            StringFormat::Byte => "byte",
            StringFormat::Binary => "binary",
        })
        .map(|f| ("string", f)),
        SchemaKind::Type(Type::Integer(integer)) => text(&integer.format, |f| match f {
            openapiv3::IntegerFormat::Int32 => "int32",
            openapiv3::IntegerFormat::Int64 => "int64",
        })
        .map(|f| ("integer", f)),
        SchemaKind::Type(Type::Number(number)) => text(&number.format, |f| match f {
            openapiv3::NumberFormat::Float => "float",
            openapiv3::NumberFormat::Double => "double",
        })
        .map(|f| ("number", f)),
        _ => None,
    }
}

/// The user's type for a schema of this kind, by its format: the `[types.format]` entry's
/// path and the format (to note it as used). `multipart`: inside a multipart body, where
/// `binary` is a file part and stays bytes.
pub(crate) fn format_type(
    settings: &TypeSettings,
    kind: &SchemaKind,
    multipart: bool,
) -> Option<(TypeRef, String)> {
    let (schema_type, format) = format_of(kind)?;
    if multipart && format == "binary" {
        return None;
    }
    let entry = settings.format.get(&format)?;
    if entry
        .schema_type
        .as_deref()
        .is_some_and(|only| only != schema_type)
    {
        return None;
    }
    Some((TypeRef::User(entry.path.clone()), format))
}

/// The replaced component keys that name no component schema, and the formats no schema
/// uses: errors and warnings naming the config file's line.
pub(crate) fn check_entries(
    settings: &TypeSettings,
    components: &BTreeSet<&str>,
    used_formats: &BTreeSet<String>,
) -> (Vec<ModelError>, Vec<ModelWarning>) {
    let mut errors = Vec::new();
    for (key, entry) in &settings.replace {
        if !components.contains(key.as_str()) {
            let some: Vec<&str> = components.iter().copied().take(8).collect();
            errors.push(ModelError::Config(format!(
                "{}: [types.replace] names `{key}`, which is not a component schema of the API\n  help: use a key of components.schemas as the API writes it (such as {})",
                entry.place,
                if some.is_empty() { "none: the API has no component schemas".to_owned() } else { some.join(", ") }
            )));
        }
    }
    let warnings = settings
        .format
        .iter()
        .filter(|(format, _)| !used_formats.contains(*format))
        .map(|(format, entry)| ModelWarning {
            place: entry.place.clone(),
            message: format!(
                "[types.format] maps `{format}`, but no schema of the API has that format{}",
                entry
                    .schema_type
                    .as_deref()
                    .map(|t| format!(" with type `{t}`"))
                    .unwrap_or_default()
            ),
            help: "remove the entry, or check the format's spelling against the API".to_owned(),
        })
        .collect();
    (errors, warnings)
}

/// The schemas the user's types stand for, for the docs of the `types` module (see
/// `Api::user_types`): every replaced component, and the formats some schema has.
pub(crate) fn doc_lines(
    settings: &TypeSettings,
    used_formats: &BTreeSet<String>,
) -> Vec<(String, String)> {
    let replaced = settings
        .replace
        .iter()
        .map(|(key, entry)| (format!("the schema `{key}`"), entry.path.clone()));
    let formats = settings
        .format
        .iter()
        .filter(|(format, _)| used_formats.contains(*format))
        .map(|(format, entry)| {
            let of = entry
                .schema_type
                .as_deref()
                .map(|t| format!(" of a `{t}`"))
                .unwrap_or_default();
            (format!("`format: {format}`{of}"), entry.path.clone())
        });
    replaced.chain(formats).collect()
}

/// Why a type (or what it holds) lacks a trait, for the warning.
type Lack = String;

/// Decides every named type's extra derives (`TypeDef::derives`) from `settings`; the
/// refusals are warnings. A `[types.derive]` entry naming no type is an error.
pub(crate) fn decide_derives(
    types: &mut [TypeDef],
    settings: &TypeSettings,
) -> Result<Vec<ModelWarning>, ModelError> {
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let names: BTreeSet<&str> = types.iter().map(|t| t.name.as_str()).collect();
    for (name, entry) in &settings.derive {
        if !names.contains(name.as_str()) {
            let some: Vec<&str> = names.iter().copied().take(8).collect();
            errors.push(ModelError::Config(format!(
                "{}: [types.derive] names `{name}`, which is not a type of the client\n  help: use the Rust name of a generated type (such as {})",
                entry.place,
                some.join(", ")
            )));
        }
    }
    if let Some(error) = ModelError::from_all(errors) {
        return Err(error);
    }
    // What each type asks for, and where it was asked (for the warning).
    let mut granted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut asked: BTreeMap<(String, String), String> = BTreeMap::new();
    for def in types.iter() {
        let mut wanted = Vec::new();
        if let Some(all) = &settings.derives {
            wanted.extend(
                all.derives
                    .iter()
                    .map(|d| (d.clone(), all.place.clone(), false)),
            );
        }
        if let Some(own) = settings.derive.get(&def.name) {
            wanted.extend(
                own.derives
                    .iter()
                    .map(|d| (d.clone(), own.place.clone(), true)),
            );
        }
        let mut set = BTreeSet::new();
        for (derive, place, own) in wanted {
            if ALWAYS_DERIVED.contains(&derive.as_str()) {
                continue;
            }
            match kind_refuses(def, &derive) {
                Some(_) if !own => {}
                Some(why) => warnings.push(refusal(def, &derive, &place, &why)),
                None => {
                    if !already_derived(def, &derive) {
                        asked.insert((def.name.clone(), derive.clone()), place);
                        set.insert(derive);
                    }
                }
            }
        }
        granted.insert(def.name.clone(), set);
    }
    let defs: BTreeMap<&str, &TypeDef> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    let user = user_impls(settings);
    // Greatest fixed point: take away what a held type lacks until nothing changes.
    let mut refused: BTreeMap<(String, String), Lack> = BTreeMap::new();
    loop {
        let mut changed = false;
        for def in types.iter() {
            let wanted: Vec<String> = granted[&def.name].iter().cloned().collect();
            for derive in wanted {
                let lack = def
                    .kind
                    .held_types()
                    .into_iter()
                    .chain(tagged_unknown(def))
                    .find_map(|ty| lacks(ty, &derive, &granted, &defs, &user))
                    .or_else(|| needs(&derive, &granted[&def.name]));
                if let Some(lack) = lack {
                    if let Some(set) = granted.get_mut(&def.name) {
                        set.remove(&derive);
                    }
                    refused.insert((def.name.clone(), derive), lack);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    // One warning per refused derive and type; the ones every type asked for are grouped.
    let mut grouped: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for ((name, derive), lack) in refused {
        let place = asked
            .get(&(name.clone(), derive.clone()))
            .cloned()
            .unwrap_or_default();
        let own = settings
            .derive
            .get(&name)
            .is_some_and(|d| d.derives.contains(&derive));
        if own {
            if let Some(def) = defs.get(name.as_str()) {
                warnings.push(refusal(def, &derive, &place, &lack));
            }
        } else {
            grouped
                .entry((derive, place))
                .or_default()
                .push(format!("{name} ({lack})"));
        }
    }
    for ((derive, place), types) in grouped {
        warnings.push(ModelWarning {
            place,
            message: format!(
                "`{derive}` is not derived on {} type{} that cannot have it: {}",
                types.len(),
                if types.len() == 1 { "" } else { "s" },
                types.join("; ")
            ),
            help: help_for(&derive),
        });
    }
    for def in types.iter_mut() {
        def.derives = ordered(&granted[&def.name]);
    }
    Ok(warnings)
}

/// The derives in the order they are written: the standard ones first, then paths, sorted.
fn ordered(set: &BTreeSet<String>) -> Vec<String> {
    let mut out: Vec<String> = STD_DERIVES
        .iter()
        .filter(|d| set.contains(**d))
        .map(|d| (*d).to_owned())
        .collect();
    out.extend(
        set.iter()
            .filter(|d| !STD_DERIVES.contains(&d.as_str()))
            .cloned(),
    );
    out
}

fn refusal(def: &TypeDef, derive: &str, place: &str, why: &str) -> ModelWarning {
    ModelWarning {
        place: place.to_owned(),
        message: format!("`{derive}` is not derived on {}: {why}", def.name),
        help: help_for(derive),
    }
}

fn help_for(derive: &str) -> String {
    format!(
        "a type derives `{derive}` only when all it holds has it: add it to the held types' [types.derive] entries, list it in a user's type's `impls`, or remove it"
    )
}

/// Why a type of this kind can never derive `derive`, if it cannot.
fn kind_refuses(def: &TypeDef, derive: &str) -> Option<String> {
    match (&def.kind, derive) {
        (TypeKind::Alias(_), _) => Some(
            "it is an alias (`pub type`); name the type it stands for".to_owned(),
        ),
        (TypeKind::Enum { .. }, "Default") => {
            Some("a string enum has no default value".to_owned())
        }
        (TypeKind::Enum { .. }, d) if !STD_DERIVES.contains(&d) => Some(
            "a string enum's serde is written by the runtime's macro, which a derive would not follow".to_owned(),
        ),
        (TypeKind::Union { .. } | TypeKind::Tagged { .. }, "Default") => {
            Some("a union has no default variant".to_owned())
        }
        _ => None,
    }
}

/// Whether the type has `derive` without asking (string enums' standard derives, the
/// `Default` of a struct of optional fields).
fn already_derived(def: &TypeDef, derive: &str) -> bool {
    match &def.kind {
        TypeKind::Enum { .. } => STD_DERIVES.contains(&derive),
        TypeKind::Struct { fields } => derive == "Default" && crate::emit::derives_default(fields),
        _ => false,
    }
}

/// A tagged union's `Unknown(serde_json::Value)` variant, which `held_types` leaves out.
fn tagged_unknown(def: &TypeDef) -> Option<&'static TypeRef> {
    static JSON: TypeRef = TypeRef::Json;
    matches!(def.kind, TypeKind::Tagged { .. }).then_some(&JSON)
}

/// The derives `derive` needs on the same type: `Ord` needs `Eq` and `PartialOrd`.
fn needs(derive: &str, granted: &BTreeSet<String>) -> Option<Lack> {
    (derive == "Ord" && !(granted.contains("Eq") && granted.contains("PartialOrd")))
        .then(|| "`Ord` needs `Eq` and `PartialOrd` derived too".to_owned())
}

/// The `impls` of each user's type, by path.
fn user_impls(settings: &TypeSettings) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in settings.replace.values().chain(settings.format.values()) {
        out.entry(entry.path.clone())
            .or_default()
            .extend(entry.impls.iter().cloned());
    }
    out
}

/// What in `ty` lacks `derive`, if anything does.
fn lacks(
    ty: &TypeRef,
    derive: &str,
    granted: &BTreeMap<String, BTreeSet<String>>,
    defs: &BTreeMap<&str, &TypeDef>,
    user: &BTreeMap<String, BTreeSet<String>>,
) -> Option<Lack> {
    let std = STD_DERIVES.contains(&derive);
    let scalar = |name: &str, has: &[&str]| {
        (std && !has.contains(&derive))
            .then(|| format!("it holds `{name}`, which has no `{derive}`"))
    };
    const ALL: &[&str] = STD_DERIVES;
    const NO_DEFAULT: &[&str] = &["Eq", "Hash", "PartialOrd", "Ord"];
    match ty {
        TypeRef::String
        | TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::U64
        | TypeRef::Bytes => None,
        TypeRef::F32 => scalar("f32", &["PartialOrd", "Default"]),
        TypeRef::F64 => scalar("f64", &["PartialOrd", "Default"]),
        TypeRef::Uuid => scalar("uuid::Uuid", ALL),
        TypeRef::DateTime => scalar("chrono::DateTime<Utc>", NO_DEFAULT),
        TypeRef::Date => scalar("chrono::NaiveDate", NO_DEFAULT),
        TypeRef::Json => scalar("serde_json::Value", &["Eq", "Default"]),
        TypeRef::JsonObject => scalar("serde_json::Map", &["Eq", "Default"]),
        // Empty, or `None`, whatever they hold.
        TypeRef::Vec(_) | TypeRef::Map(_) | TypeRef::Option(_) if derive == "Default" => None,
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Box(inner) => lacks(inner, derive, granted, defs, user),
        TypeRef::Events(_) | TypeRef::Form | TypeRef::ByteStream | TypeRef::Upload => {
            Some(format!("it holds a streamed body, which has no `{derive}`"))
        }
        TypeRef::User(path) => {
            (!user.get(path).is_some_and(|impls| impls.contains(derive))).then(|| {
                format!("it holds `{path}`, whose entry does not list `{derive}` in its `impls`")
            })
        }
        TypeRef::Named(name) => {
            let def = defs.get(name.as_str())?;
            match &def.kind {
                TypeKind::Alias(target) => lacks(target, derive, granted, defs, user),
                _ if already_derived(def, derive) => None,
                _ if granted.get(name).is_some_and(|set| set.contains(derive)) => None,
                _ => Some(format!(
                    "it holds `{name}`, which does not derive `{derive}`"
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::testing::{def, doc, fields};
    use crate::model::{Api, ParamEncoding};
    use crate::options::Options;

    /// The model of `document` with the config file `config` (named `api.toml`).
    fn model(document: serde_json::Value, config: &str) -> Result<Api, String> {
        let config = crate::config::parse(config, "api.toml")?;
        let options = Options {
            crate_name: "test-client".to_owned(),
            types: config.types,
            ..Default::default()
        };
        Api::from_merged(&document, &options).map_err(|e| e.to_string())
    }

    fn ledger() -> serde_json::Value {
        doc(
            json!({
                "Money": {"type": "string", "nullable": true},
                "Rate": {"type": "string", "format": "decimal"},
                "Account": {"type": "object", "required": ["balance", "id"], "properties": {
                    "balance": {"$ref": "#/components/schemas/Money"},
                    "rate": {"$ref": "#/components/schemas/Rate"},
                    "count": {"type": "integer", "format": "decimal"},
                    "next": {"$ref": "#/components/schemas/Account"},
                    "id": {"type": "string"}
                }},
                "Stats": {"type": "object", "properties": {
                    "mean": {"type": "number"},
                    "account": {"$ref": "#/components/schemas/Account"}
                }},
                "Holder": {"type": "object", "properties": {
                    "stats": {"$ref": "#/components/schemas/Stats"}
                }},
                "Kind": {"type": "string", "enum": ["a", "b"]},
                "Either": {"oneOf": [
                    {"$ref": "#/components/schemas/Account"},
                    {"type": "string"}
                ]}
            }),
            json!({"/a": {"get": {
                "parameters": [{"name": "m", "in": "query", "schema": {"$ref": "#/components/schemas/Money"}}],
                "responses": {"200": {"description": "ok"}}
            }}}),
        )
    }

    const DECIMAL: &str = "[types.crates]\nrust_decimal = \"1\"\n";

    #[test]
    fn a_replaced_component_is_the_users_type_everywhere() {
        let config = format!("[types.replace]\nMoney = \"rust_decimal::Decimal\"\n{DECIMAL}");
        let api = model(ledger(), &config).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            api.types.iter().all(|t| t.name != "Money"),
            "no type for Money"
        );
        let account = fields(def(&api, "Account"));
        let user = TypeRef::User("rust_decimal::Decimal".to_owned());
        // Money is nullable: the `null` stays on the reference.
        assert_eq!(account[0].ty, user.clone().optional());
        let param = &api.operations[0].params[0];
        assert_eq!(param.ty, user);
        assert!(matches!(param.encoding, ParamEncoding::Json { .. }));
        assert_eq!(api.dependencies, ["rust_decimal = \"1\""]);
        assert_eq!(
            api.user_types,
            [(
                "the schema `Money`".to_owned(),
                "rust_decimal::Decimal".to_owned()
            )]
        );
    }

    #[test]
    fn a_format_maps_to_the_users_type_of_its_schema_type_only() {
        let config = format!(
            "[types.format]\ndecimal = {{ type = \"rust_decimal::Decimal\", schema_type = \"string\" }}\nuint128 = \"u128\"\n{DECIMAL}"
        );
        let api = model(ledger(), &config).unwrap_or_else(|e| panic!("{e}"));
        let user = TypeRef::User("rust_decimal::Decimal".to_owned());
        assert!(matches!(&def(&api, "Rate").kind, TypeKind::Alias(ty) if *ty == user));
        // An integer with `format: decimal` is not a string: it stays an integer.
        assert_eq!(fields(def(&api, "Account"))[2].ty, TypeRef::I64.optional());
        let unused: Vec<&ModelWarning> = api
            .warnings
            .iter()
            .filter(|w| w.message.contains("uint128"))
            .collect();
        assert_eq!(unused.len(), 1, "{:?}", api.warnings);
        assert_eq!(unused[0].place, "api.toml:3");
        assert!(
            unused[0]
                .message
                .contains("no schema of the API has that format")
        );
    }

    #[test]
    fn entries_that_do_not_fit_the_api_are_errors_naming_the_line() {
        let missing = model(ledger(), "[types.replace]\nMony = \"String\"\n").unwrap_err();
        assert!(
            missing.starts_with(
                "api.toml:2: [types.replace] names `Mony`, which is not a component schema"
            ),
            "{missing}"
        );
        let no_type = model(ledger(), "[types.derive]\nNope = [\"Hash\"]\n").unwrap_err();
        assert!(
            no_type.starts_with("api.toml:2: [types.derive] names `Nope`, which is not a type"),
            "{no_type}"
        );
    }

    /// The derives given to each type of the ledger under `config`.
    fn derives(config: &str) -> (BTreeMap<String, Vec<String>>, Vec<ModelWarning>) {
        let api = model(ledger(), config).unwrap_or_else(|e| panic!("{e}"));
        let derives = api
            .types
            .iter()
            .map(|t| (t.name.clone(), t.derives.clone()))
            .collect();
        (derives, api.warnings)
    }

    #[test]
    fn derives_go_only_where_everything_held_has_them() {
        let (derives, warnings) = derives("[types]\nderives = [\"Eq\", \"Hash\", \"Debug\"]\n");
        // Recursive `Account` (Box<Account>) keeps them; `Stats` has an f64, and `Holder`
        // holds `Stats`; the enum has them already; a union of `Account` and a string has them.
        assert_eq!(derives["Account"], ["Eq", "Hash"]);
        assert!(derives["Stats"].is_empty());
        assert!(derives["Holder"].is_empty());
        assert!(derives["Kind"].is_empty());
        assert_eq!(derives["Either"], ["Eq", "Hash"]);
        let eq: Vec<&ModelWarning> = warnings
            .iter()
            .filter(|w| w.message.starts_with("`Eq` is not derived"))
            .collect();
        assert_eq!(eq.len(), 1, "{warnings:?}");
        assert_eq!(eq[0].place, "api.toml:2");
        assert!(
            eq[0]
                .message
                .contains("Holder (it holds `Stats`, which does not derive `Eq`)")
                && eq[0]
                    .message
                    .contains("Stats (it holds `f64`, which has no `Eq`)"),
            "{}",
            eq[0].message
        );
    }

    #[test]
    fn a_users_type_passes_on_only_the_traits_its_entry_lists() {
        let base = "[types.replace]\nMoney = { type = \"rust_decimal::Decimal\", impls = [\"Eq\"] }\n[types]\nderives = [\"Eq\", \"Hash\"]\n";
        let (derives, warnings) = derives(&format!("{base}{DECIMAL}"));
        assert_eq!(derives["Account"], ["Eq"]);
        assert!(warnings.iter().any(|w| w.message.contains(
            "Account (it holds `rust_decimal::Decimal`, whose entry does not list `Hash` in its `impls`)"
        )), "{warnings:?}");
    }

    #[test]
    fn per_type_derives_that_cannot_be_are_refused_with_the_reason() {
        let config = "[types.derive]\nEither = [\"Default\"]\nKind = [\"Default\"]\nAccount = [\"Ord\", \"Default\"]\nHolder = [\"Default\", \"PartialOrd\"]\n";
        let (derives, warnings) = derives(config);
        let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
        assert!(
            messages
                .contains(&"`Default` is not derived on Either: a union has no default variant"),
            "{messages:?}"
        );
        assert!(
            messages
                .contains(&"`Default` is not derived on Kind: a string enum has no default value"),
            "{messages:?}"
        );
        assert!(
            messages.contains(
                &"`Ord` is not derived on Account: `Ord` needs `Eq` and `PartialOrd` derived too"
            ),
            "{messages:?}"
        );
        // Required fields of types with `Default` (`String`, a nullable one) allow it.
        assert_eq!(derives["Account"], ["Default"]);
        // `Holder` of all-optional fields derives `Default` already: no warning, no repeat;
        // `PartialOrd` goes through `Stats` only if `Stats` derives it.
        assert!(derives["Holder"].is_empty());
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`PartialOrd` is not derived on Holder: it holds `Stats`")),
            "{messages:?}"
        );
    }

    fn crates(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn paths_and_traits_are_checked() {
        let none = crates(&[]);
        let decimal = crates(&["rust_decimal"]);
        assert!(check_path("rust_decimal::Decimal", &decimal).is_ok());
        assert!(check_path("String", &none).is_ok());
        assert!(check_path("std::sync::Arc<str>", &none).is_ok());
        assert!(check_path("chrono::NaiveTime", &none).is_ok());
        let missing = check_path("rust_decimal::Decimal", &none).unwrap_err();
        assert!(missing.contains("add it under [types.crates]"), "{missing}");
        let invalid = check_path("rust decimal", &none).unwrap_err();
        assert!(invalid.contains("is not a Rust type path"), "{invalid}");
        assert!(check_path("crate::Money", &none).is_err());
        assert!(check_path("<T as Tr>::X", &none).is_err());
        assert!(check_trait("Hash", &none).is_ok());
        assert!(check_trait("Debug", &none).is_ok());
        let unknown = check_trait("Serialize", &none).unwrap_err();
        assert!(unknown.contains("not a derive stitch knows"), "{unknown}");
        assert!(check_trait("schemars::JsonSchema", &crates(&["schemars"])).is_ok());
        assert!(check_trait("schemars::JsonSchema", &none).is_err());
        assert!(check_crate("rust_decimal").is_ok());
        assert!(check_crate("serde").is_err());
        assert!(check_crate("no crate").is_err());
    }

    #[test]
    fn another_crates_derive_is_checked_through_named_types_only() {
        let config =
            "[types.crates]\nschemars = \"1\"\n[types]\nderives = [\"schemars::JsonSchema\"]\n";
        let (derives, warnings) = derives(config);
        // Scalars, boxes and `f64` are trusted; the string enum cannot take it.
        assert_eq!(derives["Account"], ["schemars::JsonSchema"]);
        assert_eq!(derives["Stats"], ["schemars::JsonSchema"]);
        assert!(derives["Kind"].is_empty());
        assert!(warnings.is_empty(), "{warnings:?}");
        let api = model(
            doc(
                json!({
                    "Kind": {"type": "string", "enum": ["a", "b"]},
                    "Job": {"type": "object", "properties": {"kind": {"$ref": "#/components/schemas/Kind"}}}
                }),
                json!({}),
            ),
            config,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(def(&api, "Job").derives.is_empty());
        let messages: Vec<&str> = api.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`schemars::JsonSchema` is not derived on 1 type that cannot have it: Job (it holds `Kind`, which does not derive `schemars::JsonSchema`)"
            ]
        );
    }
}
