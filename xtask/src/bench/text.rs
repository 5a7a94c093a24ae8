//! Text helpers that the bench's stages ([`super::generate`], [`super::check`]) and its
//! [`super::report`] share. A leaf: it imports nothing of the bench, so the stages do not import
//! the report (nor the report the stages) for them.

/// The first line of a message.
pub fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or_default()
}

/// Bytes as decimal megabytes: "446 MB", "12.5 MB"; below a megabyte, "57 kB".
pub fn megabytes(bytes: u64) -> String {
    let mb = bytes as f64 / 1e6;
    if mb < 1.0 {
        format!("{:.0} kB", bytes as f64 / 1e3)
    } else if mb < 100.0 {
        format!("{mb:.1} MB")
    } else {
        format!("{mb:.0} MB")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn megabytes_read_well() {
        assert_eq!(megabytes(446_000_000), "446 MB");
        assert_eq!(megabytes(12_500_000), "12.5 MB");
        assert_eq!(megabytes(57_400), "57 kB");
    }

    #[test]
    fn the_first_line_is_the_line_before_the_first_newline() {
        assert_eq!(first_line("a | b\nmore"), "a | b");
        assert_eq!(first_line(""), "");
    }
}
