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
