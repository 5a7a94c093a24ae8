//! The `open_enum!` macro: a string enum that keeps values it does not know.

/// An open string enum, from its known values (`Variant = "value"`): the enum with an
/// `Unknown(String)` variant that keeps any other value (and sends it back unchanged),
/// and its conversions from and to text, `Display`, `FromStr` and serde.
macro_rules! open_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($variant:ident = $value:literal),* $(,)? }) => {
        $(#[$meta])*
        ///
        /// Open: a value this client does not know yet arrives as `Unknown` and is sent
        /// back unchanged; a value a later version knows is a new variant (so `match`es need a
        /// `_` arm). Ordered by the value on the wire, so a value a later version knows
        /// sorts where it sorted as `Unknown`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(#[doc = concat!("`", $value, "`")] $variant,)*
            /// A value this version of the client does not know.
            Unknown(String),
        }

        impl $name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        // By the wire value, not by declaration order (what a derive would give): a variant
        // added in a later version then never moves a value's place in a sort or a `BTreeMap`
        // (cargo-semver-checks' `partial_ord_enum_variants_reordered`). `Unknown("x")` after
        // the known `x` (a caller may build it), so the order agrees with `Eq`.
        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                let unknown = |e: &Self| matches!(e, Self::Unknown(_));
                (self.as_str(), unknown(self)).cmp(&(other.as_str(), unknown(other)))
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                match value {
                    $name::Unknown(value) => value,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        super::runtime::text_impls!($name);

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

pub(crate) use open_enum;

#[cfg(test)]
mod tests {
    //! The enum macros called as a generated client's `types` module calls them.

    use crate as runtime;

    mod types {
        super::runtime::open_enum! {
            /// A status.
            pub enum Status {
                Open = "open",
                InProgress = "in progress",
            }
        }

        super::runtime::closed_enum! {
            /// A kind.
            pub enum Kind {
                Cat = "cat",
            }
        }
    }

    use types::{Kind, Status};

    use crate::ParamText;

    #[test]
    fn an_open_enum_keeps_values_it_does_not_know() {
        let decoded: Vec<Status> =
            serde_json::from_str(r#"["open", "in progress", "new"]"#).unwrap_or_default();
        assert_eq!(
            decoded,
            [
                Status::Open,
                Status::InProgress,
                Status::Unknown("new".to_owned())
            ]
        );
        assert_eq!(
            serde_json::to_string(&decoded).ok().as_deref(),
            Some(r#"["open","in progress","new"]"#)
        );
        assert_eq!(Status::InProgress.to_string(), "in progress");
        assert_eq!("open".parse::<Status>(), Ok(Status::Open));
        assert_eq!(String::from(Status::Unknown("x".to_owned())), "x");
        assert_eq!(Status::from("in progress".to_owned()), Status::InProgress);
        assert_eq!(Status::Open.param_text(), "open");
    }

    #[test]
    fn an_open_enum_sorts_by_its_wire_value_whatever_its_version_knows() {
        let unknown = |v: &str| Status::Unknown(v.to_owned());
        let mut sorted = vec![
            unknown("zz"),
            Status::Open,
            unknown("aa"),
            Status::InProgress,
        ];
        sorted.sort();
        assert_eq!(
            sorted,
            [
                unknown("aa"),
                Status::InProgress,
                Status::Open,
                unknown("zz")
            ]
        );
        // A value this version knows, built by hand as unknown: after the known one, not equal.
        assert!(Status::Open < unknown("open"));
        assert!(unknown("open") < unknown("openx"));
    }

    #[test]
    fn a_closed_enum_refuses_other_values() {
        assert_eq!(
            serde_json::from_str::<Kind>(r#""cat""#).ok(),
            Some(Kind::Cat)
        );
        let error = serde_json::from_str::<Kind>(r#""dog""#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.contains("unknown variant `dog`, expected `cat`"),
            "{error}"
        );
        assert_eq!(
            serde_json::to_string(&Kind::Cat).ok().as_deref(),
            Some(r#""cat""#)
        );
        assert_eq!(String::from(Kind::Cat), "cat");
        assert_eq!(Kind::Cat.param_text(), "cat");
    }
}
