//! Doc lines kept out of the token round trip.
//!
//! A doc line as a token is a string literal: escaped when it is made (`quote`), checked and
//! unescaped when `syn` parses it, and printed by prettyplease as `/// line`. For an API like
//! GitHub's, whose every type, field and operation is documented, that round trip of the text
//! was a large part of emitting. So `doc_attrs` puts one short stand-in attribute for all the
//! lines of a doc (`#[doc = "\0N"]`, N its number in this thread's table) and keeps the lines
//! here; `format` puts them back where prettyplease printed the stand-in (`///\0N` or
//! `//!\0N`, a whole line): one line each, at the stand-in's indentation, exactly as
//! prettyplease prints one `#[doc]` attribute per line (`///` and the line without trailing
//! spaces).
//!
//! Invariants: a stand-in can be told from any real doc text, because `doc_attrs` drops
//! control characters from the lines it is given and puts a space before every non-empty one,
//! so a printed real line is `///` or `/// text`, never `///\0`; tokens are formatted on the
//! thread that made them (each piece is made and printed in one job), so the table of that
//! thread holds their lines; a stand-in left in the text (printed some other way) is an
//! error, never silently written.

use std::cell::RefCell;

thread_local! {
    /// The doc lines of this thread's stand-ins (each stand-in's joined by `\n`), by number.
    static LINES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The character that starts a stand-in (and that no doc line keeps).
const MARK: char = '\0';

/// The stand-in for `lines` (doc lines as `doc_attrs` makes them, joined by `\n`: no control
/// characters, each empty or starting with a space).
pub(in crate::emit) fn stand_in(lines: String) -> String {
    LINES.with(|table| {
        let mut table = table.borrow_mut();
        table.push(lines);
        format!("{MARK}{}", table.len() - 1)
    })
}

/// Forgets this thread's lines (at the start of a run, so the table does not grow across
/// runs in one process).
pub(in crate::emit) fn clear() {
    LINES.with(|lines| lines.borrow_mut().clear());
}

/// `text` with every stand-in's line made the doc line it stands for; `None` if a stand-in is
/// left anywhere else, or its number is unknown.
pub(super) fn restore(text: String) -> Option<String> {
    if !text.contains(MARK) {
        return Some(text);
    }
    LINES.with(|lines| {
        let lines = lines.borrow();
        let mut out = String::with_capacity(text.len() * 2);
        // Only the lines a stand-in's mark is on are read; the text between them is copied
        // whole. `text[..copied]` is in `out`.
        let mut copied = 0;
        while let Some(found) = text[copied..].find(MARK) {
            let (start, end) = super::line_around(&text, copied + found);
            out.push_str(&text[copied..start]);
            copied = end;
            let line = &text[start..end];
            let body = line.strip_suffix('\n').unwrap_or(line);
            let code = body.trim_start_matches(' ');
            let indent = &body[..body.len() - code.len()];
            let stand_in = code
                .strip_prefix("///")
                .map(|rest| ("///", rest))
                .or_else(|| code.strip_prefix("//!").map(|rest| ("//!", rest)))
                .and_then(|(slashes, rest)| {
                    let number = rest.strip_prefix(MARK)?;
                    let doc = lines.get(number.parse::<usize>().ok()?)?;
                    Some((slashes, doc))
                });
            match stand_in {
                Some((slashes, doc)) => {
                    for doc in doc.split('\n') {
                        out.push_str(indent);
                        out.push_str(slashes);
                        // As prettyplease prints a doc line: trailing spaces cut.
                        out.push_str(doc.trim_end_matches(' '));
                        out.push('\n');
                    }
                }
                None => return None,
            }
        }
        out.push_str(&text[copied..]);
        Some(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_ins_become_their_lines() {
        clear();
        let a = stand_in(" First line.  ".to_owned());
        let b = stand_in(" One.\n\n Two.".to_owned());
        let c = stand_in(" Crate.".to_owned());
        let text = format!("///{a}\n    ///{b}\nstruct S;\n//!{c}\nlet s = \"a\";\n");
        assert_eq!(
            restore(text).as_deref(),
            Some(
                "/// First line.\n    /// One.\n    ///\n    /// Two.\nstruct S;\n//! Crate.\nlet s = \"a\";\n"
            )
        );
    }

    #[test]
    fn a_stand_in_printed_otherwise_is_refused() {
        clear();
        let a = stand_in(" x".to_owned());
        assert_eq!(restore(format!("#[doc = \"{a}\"]\n")), None);
        assert_eq!(restore(format!("///{a}9999\n")), None);
    }
}
