//! Best-fit decoding of an untagged union of several object shapes.

/// One shape of a [`best_fit`] union: the wire names of its properties (none for a
/// shape that is not an object) and a function that reads the value as that shape.
pub(crate) type Shape<T> = (
    &'static [&'static str],
    fn(serde_json::Value) -> Result<T, serde_json::Error>,
);

/// Decodes an untagged union of several object shapes (`name` is its type, for the
/// error). serde's untagged decoding would take the first shape that fits, and an object
/// whose properties are all optional fits anything; here every shape is tried, and of
/// those that fit, the one naming most of the object's properties wins (the first one on
/// a tie).
pub(crate) fn best_fit<'de, D: serde::Deserializer<'de>, T>(
    deserializer: D,
    name: &str,
    shapes: &[Shape<T>],
) -> Result<T, D::Error> {
    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
    let keys: Vec<&str> = match &value {
        serde_json::Value::Object(map) => map.keys().map(String::as_str).collect(),
        _ => Vec::new(),
    };
    let mut best: Option<(usize, T)> = None;
    for (names, read) in shapes {
        if let Ok(found) = read(value.clone()) {
            let score = keys.iter().filter(|key| names.contains(key)).count();
            if best.as_ref().is_none_or(|(top, _)| score > *top) {
                best = Some((score, found));
            }
        }
    }
    match best {
        Some((_, found)) => Ok(found),
        None => Err(serde::de::Error::custom(format_args!(
            "the value matches no shape of {name}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Small {
        id: Option<i64>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Large {
        id: Option<i64>,
        name: Option<String>,
    }

    #[derive(Debug, PartialEq)]
    enum Union {
        Small(Small),
        Large(Large),
        Number(f64),
    }

    impl<'de> Deserialize<'de> for Union {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::best_fit(
                deserializer,
                "Union",
                &[
                    (&["id"], |v| serde_json::from_value(v).map(Self::Small)),
                    (&["id", "name"], |v| {
                        serde_json::from_value(v).map(Self::Large)
                    }),
                    (&[], |v| serde_json::from_value(v).map(Self::Number)),
                ],
            )
        }
    }

    fn decode(json: &str) -> Result<Union, String> {
        serde_json::from_str(json).map_err(|error| error.to_string())
    }

    #[test]
    fn the_shape_naming_most_properties_wins() {
        // Both shapes fit (every property is optional); `Large` names both properties.
        let large = Large {
            id: Some(1),
            name: Some("x".to_owned()),
        };
        assert_eq!(decode(r#"{"id": 1, "name": "x"}"#), Ok(Union::Large(large)));
        // A tie (both name `id`): the first shape.
        assert_eq!(
            decode(r#"{"id": 2}"#),
            Ok(Union::Small(Small { id: Some(2) }))
        );
        // No property named: still the first shape that fits.
        assert_eq!(decode("{}"), Ok(Union::Small(Small { id: None })));
        assert_eq!(decode("2.5"), Ok(Union::Number(2.5)));
    }

    #[test]
    fn a_value_no_shape_fits_is_an_error_naming_the_type() {
        let error = decode(r#""text""#).err().unwrap_or_default();
        assert!(error.contains("matches no shape of Union"), "{error}");
    }
}
