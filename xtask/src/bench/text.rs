//! Text helpers that the bench's stages ([`super::generate`], [`super::check`]), its
//! [`super::report`] and the other benchmark commands share, with the one writer of a
//! `BENCHMARKS.md` section. A leaf: it imports nothing of the bench, so the stages do not
//! import the report (nor the report the stages) for them.

/// The first line of a message.
pub fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or_default()
}

/// "0.042 s", "3.52 s", "61.3 s".
pub fn seconds(duration: std::time::Duration) -> String {
    let s = duration.as_secs_f64();
    if s < 0.1 {
        format!("{s:.3} s")
    } else if s < 10.0 {
        format!("{s:.2} s")
    } else {
        format!("{s:.1} s")
    }
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

/// `doc` (a markdown file of sections each written by its own command, each beginning with
/// its marker line `<!-- cargo xtask NAME -->`) with the section that begins with `marker`
/// replaced by `section`, up to the next section's marker or the end; appended at the end
/// when `doc` has none yet. The other sections are kept as they are.
pub fn replace_section(doc: &str, marker: &str, section: &str) -> String {
    let section = section.trim_end();
    let Some(start) = doc.find(marker) else {
        return format!("{}\n\n{section}\n", doc.trim_end());
    };
    let after = start + marker.len();
    let rest = doc[after..]
        .find("\n<!-- cargo xtask ")
        .map(|at| doc[after + at..].trim().to_owned());
    let before = doc[..start].trim_end();
    match rest {
        Some(rest) => format!("{before}\n\n{section}\n\n{rest}\n"),
        None => format!("{before}\n\n{section}\n"),
    }
}

/// Writes `section` into `root/BENCHMARKS.md` in place of the one that begins with `marker`
/// (see [`replace_section`]) and says so on stderr in `command`'s name.
pub fn write_section(
    root: &std::path::Path,
    marker: &str,
    section: &str,
    command: &str,
) -> Result<(), String> {
    let path = root.join("BENCHMARKS.md");
    let old = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    std::fs::write(&path, replace_section(&old, marker, section))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("{command}: wrote its section of BENCHMARKS.md");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_is_replaced_or_appended_and_the_others_kept() {
        let a = "<!-- cargo xtask a -->\n## A\nold a\n";
        let b = "<!-- cargo xtask b -->\n## B\nold b\n";
        let doc = format!("# Title\n\ntext\n\n{a}\n{b}");
        let new_a = replace_section(
            &doc,
            "<!-- cargo xtask a -->",
            "<!-- cargo xtask a -->\nnew a\n",
        );
        assert_eq!(
            new_a,
            "# Title\n\ntext\n\n<!-- cargo xtask a -->\nnew a\n\n<!-- cargo xtask b -->\n## B\nold b\n"
        );
        let new_b = replace_section(
            &new_a,
            "<!-- cargo xtask b -->",
            "<!-- cargo xtask b -->\nnew b",
        );
        assert!(
            new_b.ends_with("new a\n\n<!-- cargo xtask b -->\nnew b\n"),
            "{new_b}"
        );
        let added = replace_section(
            "# Title\n",
            "<!-- cargo xtask c -->",
            "<!-- cargo xtask c -->\nc\n",
        );
        assert_eq!(added, "# Title\n\n<!-- cargo xtask c -->\nc\n");
    }

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
