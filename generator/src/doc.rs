//! Turns OpenAPI prose into text that is safe to emit as rustdoc.
//!
//! The `description` and `summary` fields of an OpenAPI document hold CommonMark written by
//! API authors, often with raw HTML, bare URLs, square brackets such as `[optional]` and code
//! samples. Emitted verbatim as `#[doc = "..."]` in the generated crate, that text breaks
//! `cargo doc` under `-D warnings` (`rustdoc::invalid_html_tags`, `rustdoc::bare_urls`,
//! `rustdoc::broken_intra_doc_links`) and `cargo test` (an unlabelled or `rust` code block
//! becomes a doctest that fails to compile).
//!
//! [`to_rustdoc`] parses the text with `pulldown-cmark`, using the extensions rustdoc enables,
//! and makes small edits on the source by byte range, so the rest of the text reads as the
//! author wrote it:
//!
//! - every code block becomes a fenced block labelled `text`;
//! - the HTML whose meaning Markdown has is converted: `<a href>` to a link (an absolute
//!   `http`, `https` or `mailto` one; of any other, such as a relative or `javascript:` one,
//!   only the text is kept), `<b>`/`<strong>` and `<i>`/`<em>` to emphasis, `<code>` around
//!   plain text to a code span, `<br>` to a line break and `<p>` to a paragraph break (a
//!   space in tables and headings). Pairs are matched within one block;
//! - any other raw HTML, and a tag without its pair, is escaped (`<` as `&lt;`, `>` as
//!   `&gt;`), so it shows literally;
//! - bare `http://` and `https://` URLs are wrapped in `<...>` (autolinks);
//! - square brackets that do not form a link are escaped as `\[` and `\]`;
//! - links whose destination rustdoc would take for an item path (`[Pet](Pet)`) get a `./`
//!   prefix, so rustdoc leaves them alone;
//! - a list item's lazy continuation line (text that goes on without the item's indentation)
//!   is indented to the item's content, as clippy's `doc_lazy_continuation` asks: the same
//!   paragraph either way;
//! - line endings become `\n`, trailing whitespace and leading/trailing blank lines go.
//!
//! The edits run until the text no longer changes (escaping an HTML block can turn its
//! content into ordinary text that needs a pass of its own). Should that not settle, the
//! whole text is shown as one `text` code block, which is always safe.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};

/// How many rewriting passes to try before falling back to one `text` code block.
const MAX_PASSES: usize = 6;

/// Converts an OpenAPI `description`/`summary` into text safe for a `#[doc = "..."]`
/// attribute: no doctests, no raw HTML, no bare URLs and no accidental intra-doc links.
///
/// Never panics; empty or blank input gives an empty string.
pub fn to_rustdoc(text: &str) -> String {
    // A pure function of the text, and specs repeat their texts (a parameter's or a field's
    // description on every operation or type that has it; GitHub's pages ask for about
    // 14,600 docs): each distinct text is converted once per thread.
    DONE.with(|done| {
        if let Some(hit) = done.borrow().get(text) {
            return hit.clone();
        }
        let converted = convert(text);
        let mut done = done.borrow_mut();
        if done.len() >= MAX_REMEMBERED {
            done.clear();
        }
        done.insert(text.to_owned(), converted.clone());
        converted
    })
}

/// How many texts [`to_rustdoc`] remembers per thread before it starts afresh: a bound for
/// long-running callers.
const MAX_REMEMBERED: usize = 1 << 16;

thread_local! {
    /// The texts [`to_rustdoc`] converted on this thread, by text.
    static DONE: std::cell::RefCell<std::collections::HashMap<String, String>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// [`to_rustdoc`] without the memo.
fn convert(text: &str) -> String {
    let mut current = tidy(&normalize_line_endings(text));
    for _ in 0..MAX_PASSES {
        let next = tidy(&rewrite(&current));
        if next == current {
            return current;
        }
        current = next;
    }
    as_text_block(&current)
}

/// Replaces `\r\n` and lone `\r` with `\n`.
fn normalize_line_endings(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Trims trailing whitespace on every line and drops leading and trailing blank lines.
fn tidy(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    let first = lines.iter().position(|l| !l.is_empty());
    let last = lines.iter().rposition(|l| !l.is_empty());
    match (first, last) {
        (Some(first), Some(last)) => lines[first..=last].join("\n"),
        _ => String::new(),
    }
}

/// The last resort: the whole text as one fenced `text` block, which nothing can escape.
fn as_text_block(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let fence = fence_for(text);
    format!("{fence}text\n{text}\n{fence}")
}

/// A backtick fence longer than any backtick run in `content` (at least three).
fn fence_for(content: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in content.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

/// The markdown extensions rustdoc itself enables, so constructs are seen as rustdoc sees them.
fn rustdoc_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

/// One replacement of a byte range of the source.
struct Edit {
    range: Range<usize>,
    with: String,
}

/// A code block being read: where it is, what kind, and its content so far.
struct CodeBlock {
    range: Range<usize>,
    indented: bool,
    content: String,
}

/// A link being read: where it is, where it points, and the span of its text.
struct OpenLink {
    range: Range<usize>,
    dest: String,
    title: String,
    fix: bool,
    inner: Option<Range<usize>>,
}

/// One pass: parses `src` and returns it with every unsafe construct edited.
fn rewrite(src: &str) -> String {
    let mut edits: Vec<Edit> = Vec::new();
    let mut code: Option<CodeBlock> = None;
    let mut links: Vec<OpenLink> = Vec::new();
    // Images hide URLs from `bare_urls` just like links do.
    let mut images = 0usize;
    // Contiguous text, gathered so that URLs split over several events are seen whole.
    let mut pending: Option<Range<usize>> = None;
    let mut pending_in_link = false;
    // The content column of each open list item, innermost last, and the open block quotes
    // (inside one, a line starts with `>`, and is left alone).
    let mut items: Vec<usize> = Vec::new();
    let mut quotes = 0usize;
    // Raw HTML tags, converted once all are known; what [`HtmlTag`] needs to know of each.
    let mut html: Vec<HtmlTag> = Vec::new();
    let mut seq = 0usize;
    let mut text_run = String::new();
    let mut block = 0usize;
    let mut one_line = 0usize;
    let mut anchor_open = false;

    for (event, range) in Parser::new_ext(src, rustdoc_options()).into_offset_iter() {
        if let Some(link) = links.last_mut() {
            if !matches!(event, Event::End(TagEnd::Link)) {
                link.inner = Some(match link.inner.take() {
                    Some(inner) => inner.start.min(range.start)..inner.end.max(range.end),
                    None => range.clone(),
                });
            }
        }
        let in_link = !links.is_empty() || images > 0 || anchor_open;
        if let Event::Text(t) = &event {
            if let Some(block) = code.as_mut() {
                block.content.push_str(t);
                continue;
            }
            text_run.push_str(t);
            match pending.as_mut() {
                Some(p) if p.end == range.start && pending_in_link == in_link => {
                    p.end = range.end;
                }
                _ => {
                    if let Some(p) = pending.take() {
                        text_edits(src, p, pending_in_link, &mut edits);
                    }
                    pending = Some(range.clone());
                    pending_in_link = in_link;
                }
            }
            continue;
        }
        if let Some(p) = pending.take() {
            text_edits(src, p, pending_in_link, &mut edits);
        }
        seq += 1;
        let text_before = std::mem::take(&mut text_run);
        match &event {
            Event::Start(Tag::Table(_) | Tag::Heading { .. }) => one_line += 1,
            Event::End(TagEnd::Table | TagEnd::Heading(_)) => {
                one_line = one_line.saturating_sub(1);
                block += 1;
                anchor_open = false;
            }
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image,
            ) => {}
            Event::End(_) => {
                block += 1;
                // An `<a>` left open does not pair across blocks.
                anchor_open = false;
            }
            _ => {}
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                code = Some(CodeBlock {
                    range,
                    indented: matches!(kind, CodeBlockKind::Indented),
                    content: String::new(),
                });
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(block) = code.take() {
                    edits.push(code_block_edit(src, block));
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                let place = HtmlPlace {
                    block,
                    one_line: one_line > 0 || quotes > 0,
                    seq,
                    text_before: &text_before,
                    indent: items.last().copied().unwrap_or(0),
                };
                let inline = matches!(event, Event::InlineHtml(_));
                let first = html.len();
                html_tags(src, range, inline, &place, &mut html, &mut edits);
                for tag in &html[first..] {
                    if tag.kind == TagKind::Link {
                        anchor_open = !tag.closing;
                    }
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => links.push(OpenLink {
                range,
                fix: !matches!(link_type, LinkType::Autolink | LinkType::Email)
                    && rustdoc_takes_as_path(&dest_url),
                dest: dest_url.to_string(),
                title: title.to_string(),
                inner: None,
            }),
            Event::End(TagEnd::Link) => {
                if let Some(link) = links.pop() {
                    if link.fix {
                        edits.push(link_edit(src, link));
                    }
                }
            }
            Event::Start(Tag::Image { .. }) => images += 1,
            Event::End(TagEnd::Image) => images = images.saturating_sub(1),
            Event::Start(Tag::Item) => items.push(content_column(src, range.start)),
            Event::End(TagEnd::Item) => {
                items.pop();
            }
            Event::Start(Tag::BlockQuote(_)) => quotes += 1,
            Event::End(TagEnd::BlockQuote(_)) => quotes = quotes.saturating_sub(1),
            Event::SoftBreak if quotes == 0 => {
                if let Some(&column) = items.last() {
                    let line = range.end;
                    let rest = src.get(line..).unwrap_or_default();
                    let spaces = rest.bytes().take_while(|&b| b == b' ').count();
                    if spaces < column && !rest.starts_with('\n') {
                        edits.push(Edit {
                            range: line..line,
                            with: " ".repeat(column - spaces),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(p) = pending.take() {
        text_edits(src, p, pending_in_link, &mut edits);
    }
    html_tag_edits(src, &html, &mut edits);
    apply(src, edits)
}

/// The column where the content of the list item whose marker is at `start` begins: after
/// the marker (`-`, `*`, `+`, `1.`, `1)`) and the spaces that follow it.
fn content_column(src: &str, start: usize) -> usize {
    let line_start = src
        .get(..start)
        .and_then(|s| s.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line = src.get(line_start..).unwrap_or_default();
    let line = line.split('\n').next().unwrap_or_default();
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let marker = if rest.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        digits + usize::from(rest[digits..].starts_with(['.', ')']))
    };
    let after = rest.get(marker..).unwrap_or_default();
    let spaces = after.bytes().take_while(|&b| b == b' ').count();
    // Five or more spaces: the content is an indented code block, one space in.
    let spaces = if (1..=4).contains(&spaces) { spaces } else { 1 };
    indent + marker + spaces
}

/// Applies edits in source order; an edit overlapping an earlier one is dropped.
fn apply(src: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(src.len() + edits.len() * 4);
    let mut pos = 0;
    for edit in edits {
        let Range { start, end } = edit.range;
        if start < pos || end < start || end > src.len() {
            continue;
        }
        let (Some(kept), Some(_)) = (src.get(pos..start), src.get(start..end)) else {
            continue;
        };
        out.push_str(kept);
        out.push_str(&edit.with);
        pos = end;
    }
    out.push_str(src.get(pos..).unwrap_or_default());
    out
}

/// Edits for one stretch of plain text: escape stray brackets, wrap bare URLs.
fn text_edits(src: &str, range: Range<usize>, in_link: bool, edits: &mut Vec<Edit>) {
    let Some(text) = src.get(range.clone()) else {
        return;
    };
    if !in_link {
        for url in find_urls(text) {
            let (start, end) = (range.start + url.start, range.start + url.end);
            edits.push(Edit {
                range: start..start,
                with: "<".to_owned(),
            });
            edits.push(Edit {
                range: end..end,
                with: ">".to_owned(),
            });
        }
    }
    for (i, c) in text.char_indices() {
        if (c == '[' || c == ']') && !is_escaped(src, range.start + i) {
            let at = range.start + i;
            edits.push(Edit {
                range: at..at + 1,
                with: format!("\\{c}"),
            });
        }
    }
}

/// Whether the character at `pos` is preceded by an odd number of backslashes.
fn is_escaped(src: &str, pos: usize) -> bool {
    let before = src.as_bytes().get(..pos).unwrap_or_default();
    before.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

/// Byte ranges, within `text`, of the bare `http://` and `https://` URLs in it.
fn find_urls(text: &str) -> Vec<Range<usize>> {
    let mut urls = Vec::new();
    let mut from = 0;
    while let Some(start) = next_scheme(text, from) {
        let scheme_len = if text.as_bytes().get(start + 4) == Some(&b's') {
            8
        } else {
            7
        };
        let rest = text.get(start..).unwrap_or_default();
        let mut end = start
            + rest
                .char_indices()
                .find(|&(_, c)| ends_url(c))
                .map_or(rest.len(), |(i, _)| i);
        // Trailing punctuation belongs to the sentence, not to the URL.
        while let Some(url) = text.get(start..end) {
            let Some(last) = url.chars().last() else {
                break;
            };
            let unbalanced_paren =
                last == ')' && url.matches(')').count() > url.matches('(').count();
            if ".,;:!?'*_~".contains(last) || unbalanced_paren {
                end -= last.len_utf8();
            } else {
                break;
            }
        }
        if end > start + scheme_len {
            urls.push(start..end);
        }
        from = end.max(start + scheme_len);
    }
    urls
}

/// The byte offset of the next `http://` or `https://` (any case) at or after `from`.
fn next_scheme(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    (from..bytes.len()).find(|&i| {
        let rest = &bytes[i..];
        let starts = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
        starts(b"http://") || starts(b"https://")
    })
}

/// Characters that cannot be part of a bare URL (nor of an autolink).
fn ends_url(c: char) -> bool {
    c.is_whitespace() || c.is_control() || "<>\"`[]{}|\\".contains(c)
}

/// Whether rustdoc would try to resolve a link destination as an item path (and warn when it
/// cannot). Mirrors rustdoc: destinations with `/` are real links, `#frag` is an anchor, and
/// only path-like characters make a candidate.
fn rustdoc_takes_as_path(dest: &str) -> bool {
    if dest.contains('/') {
        return false;
    }
    let path = dest.replace('`', "");
    let path = path.split('#').next().unwrap_or_default().trim();
    !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_alphanumeric() || ":_<>, !*&;@()".contains(c))
}

/// Rewrites a link whose destination rustdoc would take as a path: `[Pet](Pet)` becomes
/// `[Pet](<./Pet>)`, which points to the same place but has a `/`.
fn link_edit(src: &str, link: OpenLink) -> Edit {
    let mut dest = String::from("./");
    for c in link.dest.chars() {
        if matches!(c, '<' | '>' | '\\') {
            dest.push('\\');
        }
        if c != '\n' {
            dest.push(c);
        }
    }
    let mut tail = format!("](<{dest}>");
    if !link.title.is_empty() {
        tail.push_str(" \"");
        for c in link.title.chars() {
            match c {
                '"' | '\\' => {
                    tail.push('\\');
                    tail.push(c);
                }
                '\n' => tail.push(' '),
                _ => tail.push(c),
            }
        }
        tail.push('"');
    }
    tail.push(')');
    match link.inner {
        Some(inner) if inner.start > link.range.start && inner.end <= link.range.end => Edit {
            range: inner.end..link.range.end,
            with: tail,
        },
        _ => {
            let opening = if src
                .get(link.range.clone())
                .is_some_and(|s| s.starts_with('!'))
            {
                "!["
            } else {
                "["
            };
            Edit {
                range: link.range,
                with: format!("{opening}{tail}"),
            }
        }
    }
}

/// What an HTML tag of the source means, for [`html_tag_edits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagKind {
    /// `<a href="...">` and `</a>`.
    Link,
    /// `<b>`, `<strong>`.
    Bold,
    /// `<i>`, `<em>`.
    Italic,
    /// `<code>`.
    Code,
    /// `<br>`.
    Break,
    /// `<p>`.
    Paragraph,
    /// Anything else: escaped, shown as written.
    Other,
}

/// An HTML tag found in the source's raw HTML, with what is needed to convert it once every
/// tag is known (pairs are matched after the whole text is read).
struct HtmlTag {
    range: Range<usize>,
    kind: TagKind,
    closing: bool,
    /// The `href` of an opening `<a>`, entities decoded.
    href: Option<String>,
    /// The block it stands in: tags pair only within one block.
    block: usize,
    /// In a table or a heading (one line: no line breaks there) or a block quote.
    one_line: bool,
    /// The whole event was this tag (inline HTML, not an HTML block).
    inline: bool,
    /// How many events other than text came before it (itself included).
    seq: usize,
    /// The text (entities and escapes decoded) since the previous event other than text.
    text_before: String,
    /// The content column of the innermost list item around it.
    indent: usize,
}

/// Where in the document an HTML event stands, for [`html_tags`].
struct HtmlPlace<'t> {
    block: usize,
    one_line: bool,
    seq: usize,
    text_before: &'t str,
    indent: usize,
}

/// One tag at the start of `text`: `<name attr="value" ...>`, `</name>` or `<name/>`. Returns
/// its length, its lowercase name, whether it is a closing tag, and its `href`.
fn parse_tag(text: &str) -> Option<(usize, String, bool, Option<String>)> {
    let b = text.as_bytes();
    if b.first() != Some(&b'<') {
        return None;
    }
    let mut i = 1;
    let closing = b.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let start = i;
    if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    while b.get(i).is_some_and(u8::is_ascii_alphanumeric) {
        i += 1;
    }
    let name = text.get(start..i)?.to_ascii_lowercase();
    let mut href = None;
    loop {
        let before = i;
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match b.get(i)? {
            b'>' => return Some((i + 1, name, closing, href)),
            b'/' if !closing && b.get(i + 1) == Some(&b'>') => {
                return Some((i + 2, name, closing, href));
            }
            _ if closing || i == before => return None,
            _ => {}
        }
        let attr_start = i;
        if !b
            .get(i)
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'_' | b':'))
        {
            return None;
        }
        while b
            .get(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':' | b'-'))
        {
            i += 1;
        }
        let attr = text.get(attr_start..i)?.to_ascii_lowercase();
        let mut j = i;
        while b.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        if b.get(j) != Some(&b'=') {
            continue;
        }
        j += 1;
        while b.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        let value = match b.get(j)? {
            quote @ (b'"' | b'\'') => {
                let end = j + 1 + b.get(j + 1..)?.iter().position(|c| c == quote)?;
                let value = text.get(j + 1..end)?;
                i = end + 1;
                value
            }
            _ => {
                let end = j + b
                    .get(j..)?
                    .iter()
                    .position(|c| c.is_ascii_whitespace() || b"\"'=<>`".contains(c))
                    .unwrap_or(b.len() - j);
                if end == j {
                    return None;
                }
                i = end;
                text.get(j..end)?
            }
        };
        if attr == "href" {
            href = Some(decode_entities(value));
        }
    }
}

/// Decodes the entities an attribute value commonly holds (`&amp;`, `&quot;`, `&#39;`, ...).
fn decode_entities(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Reads the raw HTML at `range`: tags go to `tags` (converted or escaped once all are known,
/// by [`html_tag_edits`]); any other `<` and `>` is escaped now.
fn html_tags(
    src: &str,
    range: Range<usize>,
    inline: bool,
    place: &HtmlPlace<'_>,
    tags: &mut Vec<HtmlTag>,
    edits: &mut Vec<Edit>,
) {
    let Some(html) = src.get(range.clone()) else {
        return;
    };
    let mut i = 0;
    while let Some(c) = html.get(i..).and_then(|rest| rest.chars().next()) {
        let at = range.start + i;
        if c == '<' {
            if let Some((len, name, closing, href)) = html.get(i..).and_then(parse_tag) {
                let kind = match name.as_str() {
                    "a" if closing || href.is_some() => TagKind::Link,
                    "b" | "strong" => TagKind::Bold,
                    "i" | "em" => TagKind::Italic,
                    "code" => TagKind::Code,
                    "br" => TagKind::Break,
                    "p" => TagKind::Paragraph,
                    _ => TagKind::Other,
                };
                // Only a tag that is a whole inline event can close a code span: the text
                // before any other is not kept (a block may hold many tags).
                let inline = inline && len == html.len();
                tags.push(HtmlTag {
                    range: at..at + len,
                    kind,
                    closing,
                    href,
                    block: place.block,
                    one_line: place.one_line,
                    inline,
                    seq: place.seq,
                    text_before: if inline {
                        place.text_before.to_owned()
                    } else {
                        String::new()
                    },
                    indent: place.indent,
                });
                i += len;
                continue;
            }
        }
        let with = match c {
            '<' => Some("&lt;"),
            '>' => Some("&gt;"),
            _ => None,
        };
        if let Some(with) = with {
            edits.push(Edit {
                range: at..at + 1,
                with: with.to_owned(),
            });
        }
        i += c.len_utf8();
    }
}

/// A link destination that may become a Markdown link: an absolute `http`, `https` or
/// `mailto` URL with nothing that could end or escape `<...>`. A relative one points into the
/// API's own site, which the reader of the client's docs does not have; a `javascript:` (or
/// any other scheme) is never a link.
fn linkable(href: &str) -> bool {
    let lower = href.trim().to_ascii_lowercase();
    let absolute = ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.len() > scheme.len() && lower.starts_with(scheme));
    absolute
        && !href
            .trim()
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '\\'))
}

/// A code span holding `text` exactly: a fence longer than any backtick run in it, padded
/// with spaces when it starts or ends with a backtick.
fn code_span(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if text.starts_with('`') || text.ends_with('`') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// The line break a `<br>` stands for: a hard break (`\` at the end of the line) where the
/// paragraph goes on, nothing where it ends anyway, a space where a line cannot break.
fn line_break(src: &str, tag: &HtmlTag) -> String {
    if tag.one_line {
        return " ".to_owned();
    }
    let after = src.get(tag.range.end..).unwrap_or_default();
    let (rest_of_line, next) = after.split_once('\n').unwrap_or((after, ""));
    if !rest_of_line.trim().is_empty() {
        return format!("\\\n{}", " ".repeat(tag.indent));
    }
    let next_line = next.split('\n').next().unwrap_or_default();
    if next_line.trim().is_empty() {
        String::new()
    } else {
        "\\".to_owned()
    }
}

/// The paragraph break a `<p>` or `</p>` stands for: a blank line (indented to the list item
/// it is in), a space where a line cannot break.
fn paragraph_break(src: &str, tag: &HtmlTag) -> String {
    if tag.one_line {
        return " ".to_owned();
    }
    let line_start = src
        .get(..tag.range.start)
        .and_then(|s| s.rfind('\n'))
        .map_or(0, |i| i + 1);
    let before = src.get(line_start..tag.range.start).unwrap_or_default();
    let after = src.get(tag.range.end..).unwrap_or_default();
    let rest_of_line = after.split('\n').next().unwrap_or_default();
    let indent = " ".repeat(tag.indent);
    match (before.trim().is_empty(), rest_of_line.trim().is_empty()) {
        // Alone on its line, or ending one: the line break around it is enough with one more.
        (_, true) if tag.closing => String::new(),
        (true, _) => format!("\n{indent}"),
        _ => format!("\n\n{indent}"),
    }
}

/// Converts the HTML tags whose meaning Markdown has: `<a href>` pairs to links (the text
/// alone when the destination is not [`linkable`]), `<b>`/`<strong>` and `<i>`/`<em>` pairs
/// to emphasis, an inline `<code>` pair around plain text to a code span, `<br>` to a line
/// break and `<p>` to a paragraph break. A pair is two tags of one block; a tag without its
/// pair, and every other tag, is escaped and shown as written.
fn html_tag_edits(src: &str, tags: &[HtmlTag], edits: &mut Vec<Edit>) {
    // What each tag becomes (`None`: escaped); a code span replaces its whole pair.
    let mut with: Vec<Option<String>> = vec![None; tags.len()];
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for (i, tag) in tags.iter().enumerate() {
        match tag.kind {
            TagKind::Break => with[i] = Some(line_break(src, tag)),
            TagKind::Paragraph => with[i] = Some(paragraph_break(src, tag)),
            TagKind::Other => {}
            kind if !tag.closing => {
                // Tags of one kind do not nest (an `<a>` inside an `<a>` is no link): a second
                // opening leaves the first without a pair.
                open.retain(|&o| tags[o].kind != kind);
                open.push(i);
            }
            kind => {
                let Some(at) = open.iter().rposition(|&o| tags[o].kind == kind) else {
                    continue;
                };
                let o = open.remove(at);
                if tags[o].block != tag.block {
                    continue;
                }
                match kind {
                    TagKind::Bold => {
                        with[o] = Some("**".to_owned());
                        with[i] = Some("**".to_owned());
                    }
                    TagKind::Italic => {
                        with[o] = Some("*".to_owned());
                        with[i] = Some("*".to_owned());
                    }
                    TagKind::Link => match tags[o].href.as_deref().map(str::trim) {
                        Some(href) if linkable(href) => {
                            with[o] = Some("[".to_owned());
                            with[i] = Some(format!("](<{href}>)"));
                        }
                        _ => {
                            with[o] = Some(String::new());
                            with[i] = Some(String::new());
                        }
                    },
                    TagKind::Code => {
                        let plain = tags[o].inline && tag.inline && tag.seq == tags[o].seq + 1;
                        if plain && !tag.text_before.trim().is_empty() {
                            spans.push((o, i, code_span(&tag.text_before)));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    let mut inside_span = vec![false; tags.len()];
    for (o, c, text) in spans {
        inside_span[o] = true;
        inside_span[c] = true;
        edits.push(Edit {
            range: tags[o].range.start..tags[c].range.end,
            with: text,
        });
    }
    for ((tag, with), inside) in tags.iter().zip(with).zip(inside_span) {
        if inside {
            continue;
        }
        let with = with.unwrap_or_else(|| {
            src.get(tag.range.clone())
                .unwrap_or_default()
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        });
        edits.push(Edit {
            range: tag.range.clone(),
            with,
        });
    }
}

/// Rewrites a code block as a fenced `text` block, keeping the prefix of its containers
/// (block quotes, list items) on every line.
fn code_block_edit(src: &str, block: CodeBlock) -> Edit {
    let CodeBlock {
        range,
        indented,
        mut content,
    } = block;
    let line_start = src
        .get(..range.start)
        .and_then(|s| s.rfind('\n'))
        .map_or(0, |i| i + 1);
    let prefix = src.get(line_start..range.start).unwrap_or_default();
    // An indented block starts after its four columns of indentation: take them back.
    let mut cut = prefix.len();
    if indented {
        let mut columns = 0;
        while columns < 4 {
            match prefix.get(..cut).and_then(|p| p.chars().last()) {
                Some(' ') => columns += 1,
                Some('\t') => columns += 4,
                _ => break,
            }
            cut -= 1;
        }
    }
    // Keep block quote markers, turn list markers into spaces. A `>` directly followed by
    // text gets the optional space after it, so the columns after it stay the same.
    let mut container = String::new();
    let mut chars = prefix.get(..cut).unwrap_or_default().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '>' => {
                container.push('>');
                if !matches!(chars.peek(), Some(' ' | '\t')) {
                    container.push(' ');
                }
            }
            ' ' | '\t' => container.push(c),
            _ => container.push(' '),
        }
    }
    let start = line_start + cut;
    let mut end = range.end;
    if src.get(..end).is_some_and(|s| s.ends_with('\n')) && end > start {
        end -= 1;
    }
    if !content.is_empty() && !content.ends_with('\n') {
        content.push('\n');
    }
    let fence = fence_for(&content);
    let mut with = format!("{fence}text\n");
    for line in content.split_inclusive('\n') {
        with.push_str(&container);
        with.push_str(line);
    }
    with.push_str(&container);
    with.push_str(&fence);
    Edit {
        range: start..end,
        with,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Events of the converted text, for checking what rustdoc will see.
    fn events(text: &str) -> Vec<Event<'_>> {
        Parser::new_ext(text, rustdoc_options()).collect()
    }

    #[test]
    fn lazy_continuations_of_list_items_are_indented_and_read_the_same() {
        let input = "Values:\n- `a`: first\nNote: more\n- `b`: second\n   1. nested\n   lazy\n\n> - quoted\n> lazy";
        let out = to_rustdoc(input);
        assert_eq!(
            out,
            "Values:\n- `a`: first\n  Note: more\n- `b`: second\n   1. nested\n      lazy\n\n> - quoted\n> lazy"
        );
        assert_eq!(events(input), events(&out));
        // Already indented, or a new paragraph: unchanged.
        let fine = "- one\n  two\n\nthree";
        assert_eq!(to_rustdoc(fine), fine);
    }

    /// Asserts the invariants every output must meet.
    fn assert_safe(input: &str) {
        let out = to_rustdoc(input);
        let mut in_link = 0;
        let mut in_code = false;
        for (event, range) in Parser::new_ext(&out, rustdoc_options()).into_offset_iter() {
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    in_code = true;
                    assert_eq!(
                        kind,
                        CodeBlockKind::Fenced("text".into()),
                        "{input:?} -> {out:?}"
                    );
                }
                Event::End(TagEnd::CodeBlock) => in_code = false,
                Event::Html(_) | Event::InlineHtml(_) => panic!("raw HTML in {out:?}"),
                Event::Start(Tag::Link { .. } | Tag::Image { .. }) => in_link += 1,
                Event::End(TagEnd::Link | TagEnd::Image) => in_link -= 1,
                Event::Text(t) if !in_code => {
                    let source = &out[range.clone()];
                    for (i, c) in source.char_indices() {
                        if c == '[' || c == ']' {
                            assert!(
                                is_escaped(&out, range.start + i),
                                "bracket in {input:?} -> {out:?}"
                            );
                        }
                    }
                    if in_link == 0 {
                        // What rustdoc's `bare_urls` looks for: a scheme and then a host.
                        for scheme in ["http://", "https://"] {
                            for (i, _) in t.match_indices(scheme) {
                                let next = t[i + scheme.len()..].chars().next();
                                assert!(
                                    !next.is_some_and(char::is_alphanumeric),
                                    "bare URL in {input:?} -> {out:?}"
                                );
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        assert!(!out.contains('\r'));
        assert_eq!(out, out.trim_matches('\n'));
        assert!(out.lines().all(|l| l == l.trim_end()), "{out:?}");
        // The conversion is idempotent.
        assert_eq!(to_rustdoc(&out), out, "not idempotent for {input:?}");
    }

    #[test]
    fn empty_input_gives_empty_output() {
        assert_eq!(to_rustdoc(""), "");
        assert_eq!(to_rustdoc(" \n\r\n\t\n"), "");
    }

    #[test]
    fn plain_text_is_untouched() {
        let text = "Returns the *current* user.\n\nSee `GET /users/{id}`.";
        assert_eq!(to_rustdoc(text), text);
    }

    /// The destinations of the links in rustdoc's reading of `out`.
    fn link_destinations(out: &str) -> Vec<String> {
        events(out)
            .into_iter()
            .filter_map(|event| match event {
                Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn html_links_become_markdown_links_when_absolute() {
        for (input, expected) in [
            (
                "Use <a href=\"https://x.example/a?b=1&amp;c=2\">the docs</a> first.",
                "Use [the docs](<https://x.example/a?b=1&c=2>) first.",
            ),
            (
                "Mail <A HREF='mailto:a@b.example' target=_blank>us</A>.",
                "Mail [us](<mailto:a@b.example>).",
            ),
            (
                "<a href=https://x.example>https://x.example</a>",
                "[https://x.example](<https://x.example>)",
            ),
            // A relative link points into the API's own site: its text is kept.
            (
                "Log in using the <a href='/api/playground/#/Auth/auth_create'>POST /api/v1/auth/</a> endpoint",
                "Log in using the POST /api/v1/auth/ endpoint",
            ),
            ("See <a href=\"#top\">above</a>.", "See above."),
        ] {
            assert_eq!(to_rustdoc(input), expected, "{input}");
            assert_safe(input);
        }
    }

    #[test]
    fn hostile_html_links_never_become_links_or_raw_html() {
        for input in [
            "<a href=\"javascript:alert(1)\">click</a>",
            "<a href=\" JavaScript:alert(1)\">click</a>",
            "<a href='javascript:alert(\"x\")'>click</a> and <a href=vbscript:x>this</a>",
            "<a href=\"data:text/html,<script>x</script>\">data</a>",
            "<a href=\"https://x.example/a b\">spaced</a>",
            "<a href=\"https://x.example/>\">angle</a>",
            "<a href=\"https://x.example/\\\">backslash</a>",
        ] {
            let out = to_rustdoc(input);
            for dest in link_destinations(&out) {
                let dest = dest.to_ascii_lowercase();
                assert!(
                    dest.starts_with("https://") && !dest.contains(' '),
                    "{input:?} -> {out:?}"
                );
            }
            assert!(!out.to_ascii_lowercase().contains("](<javascript"), "{out}");
            assert_safe(input);
        }
        // Unclosed tags, unclosed quotes and tags split over lines stay escaped text.
        for (input, expected) in [
            (
                "<a href=\"https://x.example\">text",
                // The URL shown is then wrapped like any bare one.
                "&lt;a href=\"<https://x.example>\"&gt;text",
            ),
            ("text</a> more", "text&lt;/a&gt; more"),
            ("<b>bold, never closed", "&lt;b&gt;bold, never closed"),
            ("a <div>block</div>", "a &lt;div&gt;block&lt;/div&gt;"),
        ] {
            assert_eq!(to_rustdoc(input), expected, "{input}");
            assert_safe(input);
        }
        for input in [
            "<a href=\"https://x.example>text</a>",
            "<a href='https://x.example'\nclass=x>split</a>",
            "<a href=\"https://a.example\">x <a href=\"https://b.example\">y</a></a>",
            "<a href=\"https://a.example\">[y](https://b.example)</a>",
            "<b><i>both</b></i>",
            "<b>one\n\ntwo</b>",
            "<code>`</code> <code></code> <code>a <b>b</b></code>",
            "<a href=\"https://a.example\"><img src=x></a>",
            "<p><p><br><br></p></p>",
            "- item<br>more<p>para</p>\n- <b>x</b>",
            "> quoted<br>line<p>para",
            "# Head<br>ing <p> x",
        ] {
            assert_safe(input);
        }
    }

    #[test]
    fn inline_html_formatting_becomes_markdown() {
        for (input, expected) in [
            (
                "<b>Note:</b> it <i>is</i> <strong>so</strong> <em>very</em>.",
                "**Note:** it *is* **so** *very*.",
            ),
            (
                "Call <code>list[0] &lt; 2</code> now.",
                "Call `list[0] < 2` now.",
            ),
            ("Quote <code>a`b</code>.", "Quote ``a`b``."),
            ("one<br>two<br/>three<br />", "one\\\ntwo\\\nthree"),
            ("one<br>\ntwo", "one\\\ntwo"),
            ("First.<p>Second.</p>", "First.\n\nSecond."),
            ("<p>First.</p>\n<p>Second.</p>", "First.\n\nSecond."),
            ("- a<br>b", "- a\\\n  b"),
            (
                "| a | b |\n|---|---|\n| x<br>y | z |",
                "| a | b |\n|---|---|\n| x y | z |",
            ),
        ] {
            assert_eq!(to_rustdoc(input), expected, "{input}");
            assert_safe(input);
        }
    }

    #[test]
    fn html_block_is_escaped_and_its_content_made_safe() {
        let text = "<div>\nSee [x] at https://a.example/b\n</div>";
        let out = to_rustdoc(text);
        assert!(out.starts_with("&lt;div&gt;"), "{out}");
        assert!(out.contains("\\[x\\]"), "{out}");
        assert!(out.contains("<https://a.example/b>"), "{out}");
        assert_safe(text);
        assert_safe("<!-- a comment -->\n\ntext<br>more<br/>");
        assert_safe("> <div>\n> <p>quoted</p>\n> </div>");
    }

    #[test]
    fn json_block_becomes_text() {
        let text = "Example:\n\n```json\n{\"a\": [1, 2]}\n```\n\nDone.";
        assert_eq!(
            to_rustdoc(text),
            "Example:\n\n```text\n{\"a\": [1, 2]}\n```\n\nDone."
        );
    }

    #[test]
    fn rust_block_becomes_text() {
        let text = "```rust\nfn main() { panic!() }\n```";
        assert_eq!(to_rustdoc(text), "```text\nfn main() { panic!() }\n```");
        assert_eq!(
            to_rustdoc("~~~\nlet x = 1;\n~~~"),
            "```text\nlet x = 1;\n```"
        );
    }

    #[test]
    fn indented_block_becomes_text() {
        let text = "Call it like this:\n\n    client.get()\n        .send()\n\nThen wait.";
        assert_eq!(
            to_rustdoc(text),
            "Call it like this:\n\n```text\nclient.get()\n    .send()\n```\n\nThen wait."
        );
        assert_eq!(to_rustdoc("    only code"), "```text\nonly code\n```");
    }

    #[test]
    fn code_blocks_in_containers_keep_their_container() {
        assert_eq!(
            to_rustdoc("- item\n\n      code\n\n- next"),
            "- item\n\n  ```text\n  code\n  ```\n\n- next"
        );
        assert_eq!(
            to_rustdoc("> ```sh\n> curl x\n> ```\n> after"),
            "> ```text\n> curl x\n> ```\n> after"
        );
        assert_eq!(
            to_rustdoc("1. ```\n   a\n   ```"),
            "1. ```text\n   a\n   ```"
        );
        // A `>` without its optional space: the columns after it are kept.
        assert_eq!(
            to_rustdoc(">1. ```\n>    a\n>    ```"),
            ">1. ```text\n>    a\n>    ```"
        );
        assert_safe("- a\n  - b\n\n        deep code\n");
        assert_safe("> - ```\n>   x\n>   ```");
        assert_safe("-     code after marker");
    }

    #[test]
    fn fence_outgrows_backticks_in_code() {
        let out = to_rustdoc("````\n```\ninner\n```\n````");
        assert_eq!(out, "````text\n```\ninner\n```\n````");
        assert_safe("```\n`````\n");
    }

    #[test]
    fn unterminated_fence_is_closed() {
        assert_eq!(
            to_rustdoc("```rust\nlet x = 1;"),
            "```text\nlet x = 1;\n```"
        );
        assert_eq!(to_rustdoc("```"), "```text\n```");
    }

    #[test]
    fn bare_urls_are_wrapped() {
        assert_eq!(
            to_rustdoc("see https://example.com/x."),
            "see <https://example.com/x>."
        );
        assert_eq!(
            to_rustdoc("(docs: http://a.example/b_(c)), more"),
            "(docs: <http://a.example/b_(c)>), more"
        );
        assert_eq!(
            to_rustdoc("https://a.example/?q=1&r=2, then"),
            "<https://a.example/?q=1&r=2>, then"
        );
        assert_eq!(to_rustdoc("http:// alone"), "http:// alone");
    }

    #[test]
    fn links_and_autolinks_stay() {
        for text in [
            "[a link](https://x.y)",
            "<https://x.y/z>",
            "[https://x.y](https://x.y)",
            "[ref][r]\n\n[r]: https://x.y",
            "![img](https://x.y/i.png)",
            "[anchor](#section)",
            "[mail](mailto:a@b.example)",
        ] {
            assert_eq!(to_rustdoc(text), text);
        }
    }

    #[test]
    fn path_like_link_destinations_get_a_slash() {
        assert_eq!(to_rustdoc("[Pet](Pet)"), "[Pet](<./Pet>)");
        assert_eq!(
            to_rustdoc("[the pet](Pet \"A \\\"pet\\\"\")"),
            "[the pet](<./Pet> \"A \\\"pet\\\"\")"
        );
        assert_eq!(to_rustdoc("[](Foo)"), "[](<./Foo>)");
        assert_eq!(to_rustdoc("[x][r]\n\n[r]: Bar"), "[x](<./Bar>)\n\n[r]: Bar");
    }

    #[test]
    fn stray_brackets_are_escaped() {
        assert_eq!(to_rustdoc("[optional]"), "\\[optional\\]");
        assert_eq!(to_rustdoc("type: array[string]"), "type: array\\[string\\]");
        assert_eq!(to_rustdoc("[missing][ref]"), "\\[missing\\]\\[ref\\]");
        assert_eq!(to_rustdoc("already \\[escaped\\]"), "already \\[escaped\\]");
        assert_eq!(
            to_rustdoc("[see https://x.example]"),
            "\\[see <https://x.example>\\]"
        );
        assert_safe("| a | b[] |\n|---|---|\n| [x] | y |");
        assert_safe("# Title [beta]\n\ntext");
    }

    #[test]
    fn inline_code_is_untouched() {
        let text = "Use `a[0]`, `<b>` and `https://x.y` as is.";
        assert_eq!(to_rustdoc(text), text);
    }

    #[test]
    fn line_endings_and_whitespace_are_normalised() {
        assert_eq!(to_rustdoc("\r\n\r\na  \r\nb\rc\t\n\n\n"), "a\nb\nc");
    }

    #[test]
    fn tricky_inputs_never_panic() {
        let pieces = [
            "```",
            "~~~",
            "<",
            ">",
            "[",
            "]",
            "\r\n",
            "\r",
            "\n",
            "    ",
            "\t",
            "`a",
            "<!--",
            "-->",
            "\\",
            "http://",
            "https://x.y",
            "é",
            "日本",
            "🦀",
            "\u{0}",
            "\u{feff}",
            "> ",
            "- ",
            "1. ",
            "|",
            "![",
            "](",
            ")",
            "&amp;",
            "&#91;",
            "*",
            "_",
            "[^1]",
            "[^1]: n",
            "<a href='x'>",
            "<a href=\"https://x.y\">",
            "<a href=javascript:x>",
            "</a>",
            "<b>",
            "</b>",
            "<code>",
            "</code>",
            "<br>",
            "<p>",
            "</div>",
            "\u{2028}",
            "#",
            "[x]: y",
        ];
        let mut checked = 0;
        for a in pieces {
            for b in pieces {
                for c in ["", "\n", " text ", "\n\n    "] {
                    let input = format!("{a}{c}{b}{a}");
                    assert_safe(&input);
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000);
        // A few longer mixtures.
        let mut s = String::new();
        for (i, p) in pieces.iter().enumerate() {
            s.push_str(p);
            if i % 3 == 0 {
                s.push('\n');
            }
            assert_safe(&s);
        }
    }

    #[test]
    fn output_has_no_doctest_blocks() {
        let out = to_rustdoc("```\nassert!(false);\n```\n\n    indented();\n\n```ignore\nx\n```");
        for event in events(&out) {
            if let Event::Start(Tag::CodeBlock(kind)) = event {
                assert_eq!(kind, CodeBlockKind::Fenced("text".into()));
            }
        }
    }
}
