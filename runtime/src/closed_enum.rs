//! The `closed_enum!` macro: a string enum of exactly the values listed.

/// A closed string enum, from its values (`Variant = "value"`): only these values decode, any
/// other is an error. The model closes the one-value enums that tell the variants of a union
/// apart (`"type": {"enum": ["abort_details"]}`), so a variant whose fixed value is not the
/// one received does not fit. Conversions to text, `Display` and serde as for `open_enum!`.
macro_rules! closed_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($variant:ident = $value:literal),* $(,)? }) => {
        $(#[$meta])*
        ///
        /// Closed: only the values listed decode (this value is what tells the variants of a
        /// union apart).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(#[doc = concat!("`", $value, "`")] $variant,)*
        }

        impl $name {
            /// The value on the wire.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $(Self::$variant => $value,)*
                }
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.as_str().to_owned()
            }
        }

        super::runtime::text_impls!($name);

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                match value.as_str() {
                    $($value => Ok(Self::$variant),)*
                    other => Err(serde::de::Error::unknown_variant(other, &[$($value),*])),
                }
            }
        }
    };
}

pub(crate) use closed_enum;
