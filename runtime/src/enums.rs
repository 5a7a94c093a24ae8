//! What the enum macros share.

/// What an open and a closed enum share, all through `as_str`: `Display`, serde's
/// `Serialize` (the value on the wire) and `ParamText` (the value in a path, query or header).
macro_rules! text_impls {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl super::runtime::ParamText for $name {
            fn param_text(&self) -> String {
                self.as_str().to_owned()
            }
        }
    };
}

pub(crate) use text_impls;
