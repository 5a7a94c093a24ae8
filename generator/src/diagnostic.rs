//! Diagnostics: every stage's errors (and the merge's warnings) as messages a person or a CI
//! job can act on.
//!
//! A [`Diagnostic`] has a severity, a message, labelled places in the input files, notes and a
//! help line. It is rendered the way a compiler does ([`Diagnostic::render`]: `file:line:column`,
//! the offending line of the page with the place underlined, then what to do), or as one JSON
//! object per line ([`Diagnostic::to_json`]) for machines.
//!
//! Places inside a fragment are named by a JSON pointer (`/components/schemas/JobSchema`) and
//! mapped back to the page's line and column here, by scanning the fragment's JSON text from the
//! line where its fence starts; errors of the model stage, which name places in the merged
//! document, go through [`crate::merge::Merged::origin_of`] first. Long lines (the Syntho pages keep
//! each fragment on one line of several thousand characters) are shown as a window around the
//! place.
//!
//! Rendering is deterministic: no colours, no terminal width, the same text on every machine.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::Error;
use crate::merge::{MergeError, Merged, Origin};
use crate::model::ModelError;
use crate::source::{Input, SourceError};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The run fails (exit code 2).
    Error,
    /// Something stitch resolved on its own; the run goes on.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where in a file a label points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// Somewhere in the file.
    File,
    /// A 1-based line.
    Line(usize),
    /// A 1-based line and column (in characters).
    LineColumn(usize, usize),
    /// The place at a JSON pointer inside the fragment that starts at a 1-based line.
    Fragment {
        /// The fragment's first line.
        line: usize,
        /// The JSON pointer inside the fragment (empty for the whole fragment).
        pointer: String,
    },
}

/// A labelled place in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The file.
    pub file: PathBuf,
    /// Where in it.
    pub position: Position,
    /// What is there (may be empty).
    pub text: String,
}

impl Label {
    fn new(file: &Path, position: Position, text: impl Into<String>) -> Self {
        Label {
            file: file.to_path_buf(),
            position,
            text: text.into(),
        }
    }

    fn at_origin(origin: &Origin, text: impl Into<String>) -> Self {
        Label::new(
            &origin.file,
            Position::Fragment {
                line: origin.line,
                pointer: origin.pointer.clone(),
            },
            text,
        )
    }
}

/// One problem (or warning), with the places it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// The places; the first is the main one.
    pub labels: Vec<Label>,
    /// More detail, one line each (e.g. the differences of a conflict).
    pub notes: Vec<String>,
    /// What to do about it.
    pub help: Option<String>,
}

/// A label with its place found in the file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Resolved {
    file: PathBuf,
    /// 1-based line and column, when known.
    line: Option<usize>,
    column: Option<usize>,
    /// How many characters to underline.
    width: usize,
    /// The text of the line, when the file was read.
    line_text: Option<String>,
    text: String,
}

impl Diagnostic {
    /// An error with this message and no places yet.
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    /// A warning with this message and no places yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Sets what to do about it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn label(mut self, label: Label) -> Self {
        self.labels.push(label);
        self
    }

    /// The main place as `file:line:column` (as much as is known), found in `sources`.
    pub fn location(&self, sources: &[Input]) -> Option<String> {
        let label = self.labels.first()?;
        let resolved = resolve(label, sources);
        Some(show_location(&resolved))
    }

    /// Renders the diagnostic as a compiler does, without colours:
    ///
    /// ```text
    /// error: invalid JSON in a ```json block: expected value
    ///  --> specs/a.md:7:13
    ///   |
    /// 7 |   "paths": {,}
    ///   |             ^ here
    ///   = help: fix the JSON, or mark the block as another language if it is not JSON
    /// ```
    pub fn render(&self, sources: &[Input]) -> String {
        let resolved: Vec<Resolved> = self.labels.iter().map(|l| resolve(l, sources)).collect();
        let gutter = resolved
            .iter()
            .filter_map(|r| r.line)
            .max()
            .map_or(1, |line| line.to_string().len());
        let pad = " ".repeat(gutter);
        let mut out = format!("{}: {}\n", self.severity.name(), self.message);
        for (i, label) in resolved.iter().enumerate() {
            let arrow = if i == 0 { "-->" } else { ":::" };
            let _ = writeln!(out, "{pad}{arrow} {}", show_location(label));
            match (&label.line_text, label.line, label.column) {
                (Some(text), Some(line), column) => {
                    let (shown, caret_at) = window(text, column.unwrap_or(1));
                    let _ = writeln!(out, "{pad} |");
                    let _ = writeln!(out, "{line:>gutter$} | {shown}");
                    let marks = if column.is_some() {
                        "^".repeat(label.width.max(1))
                    } else {
                        String::new()
                    };
                    let text = if label.text.is_empty() {
                        String::new()
                    } else if marks.is_empty() {
                        label.text.clone()
                    } else {
                        format!(" {}", label.text)
                    };
                    let line = format!("{pad} | {}{marks}{text}", " ".repeat(caret_at));
                    let _ = writeln!(out, "{}", line.trim_end());
                }
                _ if !label.text.is_empty() => {
                    let _ = writeln!(out, "{pad} = {}", label.text);
                }
                _ => {}
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "{pad} = {note}");
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = help: {help}");
        }
        out
    }

    /// The diagnostic as one line of JSON: `severity`, `message`, `file`, `line`, `column`
    /// (of the main place, `null` when unknown), `help`, `notes`, and every place in `labels`.
    pub fn to_json(&self, sources: &[Input]) -> String {
        let resolved: Vec<Resolved> = self.labels.iter().map(|l| resolve(l, sources)).collect();
        let first = resolved.first();
        let labels: Vec<serde_json::Value> = resolved
            .iter()
            .map(|r| {
                json!({
                    "file": r.file.display().to_string(),
                    "line": r.line,
                    "column": r.column,
                    "label": r.text,
                })
            })
            .collect();
        json!({
            "severity": self.severity.name(),
            "message": self.message,
            "file": first.map(|r| r.file.display().to_string()),
            "line": first.and_then(|r| r.line),
            "column": first.and_then(|r| r.column),
            "help": self.help,
            "notes": self.notes,
            "labels": labels,
        })
        .to_string()
    }
}

fn show_location(label: &Resolved) -> String {
    let mut text = label.file.display().to_string();
    if let Some(line) = label.line {
        let _ = write!(text, ":{line}");
        if let Some(column) = label.column {
            let _ = write!(text, ":{column}");
        }
    }
    text
}

/// How many characters of a long line are shown around the place.
const WINDOW: usize = 80;

/// The part of `line` shown around 1-based `column`, and the caret's offset in it.
fn window(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let at = column.saturating_sub(1).min(chars.len());
    if chars.len() <= WINDOW {
        return (chars.iter().collect(), at);
    }
    let start = at.saturating_sub(WINDOW / 3);
    let end = (start + WINDOW).min(chars.len());
    let start = end.saturating_sub(WINDOW).min(start);
    let mut shown = String::new();
    let mut caret = at - start;
    if start > 0 {
        shown.push('…');
        caret += 1;
    }
    shown.extend(chars.get(start..end).unwrap_or_default());
    if end < chars.len() {
        shown.push('…');
    }
    (shown, caret)
}

fn resolve(label: &Label, sources: &[Input]) -> Resolved {
    let text = sources
        .iter()
        .find(|input| input.path == label.file)
        .map(|input| input.text.as_str());
    let mut resolved = Resolved {
        file: label.file.clone(),
        line: None,
        column: None,
        width: 1,
        line_text: None,
        text: label.text.clone(),
    };
    let (line, column, width) = match (&label.position, text) {
        (Position::File, _) => return resolved,
        (Position::Line(line), _) => (*line, None, 1),
        (Position::LineColumn(line, column), Some(text)) => {
            let index = Lines::new(text);
            let offset = index.offset(*line, *column);
            (*line, Some(*column), token_width(text, offset))
        }
        (Position::LineColumn(line, column), None) => (*line, Some(*column), 1),
        (Position::Fragment { line, pointer }, Some(text)) => {
            let index = Lines::new(text);
            let start = index.offset(*line, 1);
            // The place itself, else its nearest ancestor that is there.
            let mut pointer = pointer.as_str();
            let mut found = locate(text, start, pointer);
            while found.is_none() && !pointer.is_empty() {
                pointer = &pointer[..pointer.rfind('/').unwrap_or(0)];
                found = locate(text, start, pointer);
            }
            match found {
                Some((offset, width)) => {
                    let (line, column) = index.locate(offset);
                    let width = text
                        .get(offset..offset + width)
                        .map_or(width, |s| s.chars().count());
                    (line, Some(column), width)
                }
                None => (*line, None, 1),
            }
        }
        (Position::Fragment { line, .. }, None) => (*line, None, 1),
    };
    resolved.line = Some(line);
    resolved.column = column;
    resolved.width = width;
    resolved.line_text = text.map(|text| Lines::new(text).line_text(line).to_owned());
    resolved
}

/// The width (in characters) of the token starting at byte `offset`: a JSON string with its
/// quotes, a word, or one character.
fn token_width(text: &str, offset: usize) -> usize {
    let Some(rest) = text.get(offset..) else {
        return 1;
    };
    let rest = rest.lines().next().unwrap_or_default();
    if rest.starts_with('"') {
        let mut escaped = false;
        for (i, c) in rest.char_indices().skip(1) {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => return rest.get(..=i).map_or(1, |s| s.chars().count()),
                _ => escaped = false,
            }
        }
        return 1;
    }
    let word = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .count();
    word.max(1)
}

/// Line starts of a text, for offsets to lines and columns and back.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    fn locate(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |prefix| prefix.chars().count() + 1);
        (line, column)
    }

    /// The byte offset of 1-based `line` and `column` (clamped to the text).
    fn offset(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let text = self.text.get(start..).unwrap_or_default();
        let skip = text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(text.len(), |(i, _)| i);
        start + skip
    }

    fn line_text(&self, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = self.starts.get(line).copied().unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or_default()
            .trim_end_matches(['\n', '\r'])
    }
}

/// Finds JSON pointer `pointer` in the JSON text that starts at (or a little after) byte
/// `start` of `text`: the byte offset and length of the key (or array element) it names, or of
/// the document's opening bracket for the empty pointer. `None` when the text is not plain JSON
/// there (a YAML fragment, a fence inside a block quote) or the pointer is not found.
pub fn locate(text: &str, start: usize, pointer: &str) -> Option<(usize, usize)> {
    let tokens: Vec<String> = if pointer.is_empty() {
        Vec::new()
    } else {
        pointer
            .strip_prefix('/')?
            .split('/')
            .map(crate::pointer_key)
            .collect()
    };
    let bytes = text.as_bytes();
    // The fragment starts on this line, perhaps after an indentation.
    let mut scan = Scan {
        bytes,
        pos: start.min(bytes.len()),
    };
    scan.spaces();
    if !matches!(scan.peek(), Some(b'{' | b'[')) {
        return None;
    }
    scan.find(&tokens, 0)
}

/// A scanner over JSON text that does not build values.
struct Scan<'a> {
    bytes: &'a [u8],
    pos: usize,
}

/// How deep the scanner follows nesting (serde_json itself stops at 128).
const MAX_DEPTH: usize = 256;

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.spaces();
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    /// A string: its byte range, quotes included.
    fn string(&mut self) -> Option<(usize, usize)> {
        self.spaces();
        let start = self.pos;
        if self.peek()? != b'"' {
            return None;
        }
        self.pos += 1;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    return Some((start, self.pos));
                }
                _ => self.pos += 1,
            }
        }
    }

    fn skip_value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.spaces();
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' => {
                self.pos += 1;
                if self.eat(b'}').is_some() {
                    return Some(());
                }
                loop {
                    self.string()?;
                    self.eat(b':')?;
                    self.skip_value(depth + 1)?;
                    if self.eat(b',').is_none() {
                        return self.eat(b'}');
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                if self.eat(b']').is_some() {
                    return Some(());
                }
                loop {
                    self.skip_value(depth + 1)?;
                    if self.eat(b',').is_none() {
                        return self.eat(b']');
                    }
                }
            }
            _ => {
                let start = self.pos;
                while matches!(self.peek(), Some(b) if b.is_ascii_alphanumeric() || b"+-.".contains(&b))
                {
                    self.pos += 1;
                }
                (self.pos > start).then_some(())
            }
        }
    }

    fn find(&mut self, tokens: &[String], depth: usize) -> Option<(usize, usize)> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.spaces();
        let Some((token, rest)) = tokens.split_first() else {
            return Some((self.pos, 1));
        };
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                if self.eat(b'}').is_some() {
                    return None;
                }
                loop {
                    let (start, end) = self.string()?;
                    let key: String = serde_json::from_slice(self.bytes.get(start..end)?).ok()?;
                    self.eat(b':')?;
                    if key == *token {
                        if rest.is_empty() {
                            return Some((start, end - start));
                        }
                        return self.find(rest, depth + 1);
                    }
                    self.skip_value(depth + 1)?;
                    self.eat(b',')?;
                }
            }
            b'[' => {
                let index: usize = token.parse().ok()?;
                self.pos += 1;
                for _ in 0..index {
                    self.skip_value(depth + 1)?;
                    self.eat(b',')?;
                }
                self.spaces();
                if rest.is_empty() {
                    return Some((self.pos, 1));
                }
                self.find(rest, depth + 1)
            }
            _ => None,
        }
    }
}

/// Names the model chose for operations, by path and method, for the duplicate-id warning.
pub type OperationNames = BTreeMap<(String, String), String>;

/// Every diagnostic of a failed run: one per problem, in the order found. `merged` (when the
/// merge succeeded) maps the model's places back to the pages.
pub fn of_error(error: &Error, merged: Option<&Merged>) -> Vec<Diagnostic> {
    match error {
        Error::Source(e) => vec![of_source(e)],
        Error::Merge(e) => of_merge(e),
        Error::Model(ModelError::Several(errors)) => {
            errors.iter().map(|e| of_model(e, merged)).collect()
        }
        Error::Model(e) => vec![of_model(e, merged)],
        Error::Emit(e) => vec![
            Diagnostic::error(e.to_string())
                .help("this is a bug in stitch: please report it with the input pages"),
        ],
        Error::Several(errors) => errors.iter().flat_map(|e| of_error(e, merged)).collect(),
    }
}

fn of_source(e: &SourceError) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(&e.message).help(&e.help);
    if let Some(file) = &e.location.file {
        let position = match (e.location.line, e.location.column) {
            (Some(line), Some(column)) => Position::LineColumn(line, column),
            (Some(line), None) => Position::Line(line),
            _ => Position::File,
        };
        diagnostic = diagnostic.label(Label::new(file, position, "here"));
    }
    diagnostic
}

fn of_merge(e: &MergeError) -> Vec<Diagnostic> {
    match e {
        MergeError::NoFragments => {
            // The Display text is "message\n  help: help".
            let text = e.to_string();
            let (message, help) = text.split_once("\n  help: ").unwrap_or((&text, ""));
            vec![Diagnostic::error(message).help(help)]
        }
        MergeError::Fragment {
            file,
            line,
            message,
            help,
        } => {
            let pointer = if message.contains("version") {
                "/openapi"
            } else {
                ""
            };
            let position = Position::Fragment {
                line: *line,
                pointer: pointer.to_owned(),
            };
            vec![Diagnostic::error(message).help(help).label(Label::new(
                file,
                position,
                "in this document",
            ))]
        }
        MergeError::Conflicts { conflicts } => conflicts
            .iter()
            .map(|c| {
                // Point at the first difference (or, where it is missing, its parent).
                let first_difference = c
                    .difference
                    .split_once(": ")
                    .map(|(pointer, _)| pointer)
                    .filter(|pointer| pointer.starts_with('/'))
                    .unwrap_or_default();
                let origin = |at: &(PathBuf, usize)| Origin {
                    file: at.0.clone(),
                    line: at.1,
                    pointer: format!("{}{first_difference}", c.pointer),
                };
                let mut help = "make the two definitions identical".to_owned();
                if c.pointer.starts_with("/components/") {
                    help.push_str(
                        ", or choose --on-conflict rename (keep both) or widen (merge them)",
                    );
                }
                let mut diagnostic =
                    Diagnostic::error(format!("conflicting definitions of {}", c.what))
                        .label(Label::at_origin(
                            &origin(&c.second),
                            "defined differently here",
                        ))
                        .label(Label::at_origin(&origin(&c.first), "first defined here"))
                        .help(help);
                diagnostic.notes = c
                    .difference
                    .split("; ")
                    .map(|d| format!("difference: {d}"))
                    .collect();
                diagnostic
            })
            .collect(),
    }
}

fn of_model(e: &ModelError, merged: Option<&Merged>) -> Diagnostic {
    let located =
        |diagnostic: Diagnostic, place: &str| match merged.and_then(|m| m.origin_of(place)) {
            Some(origin) => diagnostic.label(Label::at_origin(&origin, "here")),
            None => diagnostic,
        };
    match e {
        ModelError::Unsupported { place, what, help } => {
            let mut d =
                located(Diagnostic::error(format!("unsupported: {what}")), place).help(help);
            d.notes.push(at_place(place));
            d
        }
        ModelError::Rejected { place, what, help } => {
            let mut d = located(Diagnostic::error(what.clone()), place).help(help);
            d.notes.push(at_place(place));
            d
        }
        ModelError::UnresolvedRef { place, reference } => {
            let mut d = located(
                Diagnostic::error(format!("`$ref` {reference} resolves nowhere")),
                place,
            )
            .help("add the component, or fix the reference");
            d.notes.push(at_place(place));
            d
        }
        other => {
            let text = other.to_string();
            let (message, help) = text.split_once("\n  help: ").unwrap_or((&text, ""));
            let diagnostic = Diagnostic::error(message);
            if help.is_empty() {
                diagnostic
            } else {
                diagnostic.help(help)
            }
        }
    }
}

/// "at PLACE in the merged document", with a very long place cut in the middle.
fn at_place(place: &str) -> String {
    const MAX: usize = 120;
    let chars: Vec<char> = place.chars().collect();
    let shown = if chars.len() > MAX {
        let head: String = chars.iter().take(MAX / 2).collect();
        let tail: String = chars.iter().skip(chars.len() - MAX / 2).collect();
        format!("{head}…{tail}")
    } else {
        place.to_owned()
    };
    format!("at {shown} in the merged document")
}

/// The warnings of a successful merge: duplicate operation ids (with the method names the
/// model chose, when `names` has them), renamed and widened components.
pub fn of_merged(merged: &Merged, names: &OperationNames) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for duplicate in &merged.duplicate_operation_ids {
        let mut diagnostic = Diagnostic::warning(format!(
            "operationId `{}` is used by {} operations",
            duplicate.id,
            duplicate.operations.len()
        ))
        .help("give each operation its own operationId");
        let mut chosen = Vec::new();
        for (path, method, origin) in &duplicate.operations {
            let shown = format!("{} {path}", method.to_ascii_uppercase());
            diagnostic = diagnostic.label(Label::at_origin(origin, format!("`{shown}`")));
            if let Some(name) = names.get(&(path.clone(), method.clone())) {
                chosen.push(format!("`{name}` for `{shown}`"));
            }
        }
        if !chosen.is_empty() {
            diagnostic.notes.push(format!(
                "the client methods are named {}",
                chosen.join(", ")
            ));
        }
        out.push(diagnostic);
    }
    for (path, method, name, origin) in &merged.undeclared_path_parameters {
        let diagnostic = Diagnostic::warning(format!(
            "the path `{path}` has `{{{name}}}` but `{} {path}` does not declare it",
            method.to_ascii_uppercase()
        ))
        .label(Label::at_origin(origin, "this operation"))
        .help(format!(
            "declare `{name}` in the operation's `parameters` with `in: path` and `required: \
             true` (it is sent as a required string meanwhile)"
        ));
        out.push(diagnostic);
    }
    for renamed in &merged.renamed {
        let diagnostic = Diagnostic::warning(format!(
            "components.{}.{} is defined differently in two places: kept both, this one as `{}`",
            renamed.section, renamed.from, renamed.to
        ))
        .label(Label::at_origin(
            &renamed.at,
            format!("renamed to `{}`", renamed.to),
        ))
        .label(Label::at_origin(
            &renamed.kept,
            format!("keeps the name `{}`", renamed.from),
        ))
        .help("make the definitions identical to have one type (or use --on-conflict widen)");
        out.push(diagnostic);
    }
    for widened in &merged.widened {
        let mut diagnostic = Diagnostic::warning(format!(
            "widened {}: merged {} different definitions into one",
            widened.what,
            widened.places.len()
        ))
        .help("make the definitions identical to silence this warning");
        for (i, place) in widened.places.iter().enumerate() {
            let text = if i == 0 { "defined here" } else { "and here" };
            diagnostic = diagnostic.label(Label::at_origin(place, text));
        }
        diagnostic.notes = widened
            .changes
            .iter()
            .map(|c| format!("widened: {c}"))
            .collect();
        out.push(diagnostic);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_are_found_in_one_line_json() {
        let text = "# T\n\n```json\n{\"openapi\":\"3.0.3\",\"paths\":{\"/a\":{\"get\":{\"x\":[1,{\"y\":2}]}}}}\n```\n";
        let start = Lines::new(text).offset(4, 1);
        let found = locate(text, start, "/paths/~1a/get");
        let Some((offset, len)) = found else {
            panic!("not found")
        };
        assert_eq!(text.get(offset..offset + len), Some("\"get\""));
        let Some((offset, _)) = locate(text, start, "/paths/~1a/get/x/1/y") else {
            panic!("not found")
        };
        assert_eq!(text.get(offset..offset + 3), Some("\"y\""));
        assert_eq!(locate(text, start, "/nothing"), None);
        assert_eq!(locate("openapi: 3", 0, "/openapi"), None);
    }

    #[test]
    fn long_lines_are_windowed_around_the_place() {
        let line = "x".repeat(300);
        let (shown, caret) = window(&line, 200);
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert_eq!(shown.chars().count(), WINDOW + 2);
        assert_eq!(caret, WINDOW / 3 + 1);
        assert_eq!(window("short", 3), ("short".to_owned(), 2));
    }

    #[test]
    fn rendering_names_file_line_column_snippet_and_help() {
        let input = Input {
            path: PathBuf::from("p.md"),
            text: "# T\n\n```json\n{\"openapi\": 1}\n```\n".to_owned(),
        };
        let diagnostic = Diagnostic::error("unsupported OpenAPI version 1")
            .label(Label::new(
                Path::new("p.md"),
                Position::Fragment {
                    line: 4,
                    pointer: "/openapi".to_owned(),
                },
                "here",
            ))
            .help("convert it");
        let shown = diagnostic.render(std::slice::from_ref(&input));
        assert_eq!(
            shown,
            "error: unsupported OpenAPI version 1\n --> p.md:4:2\n  |\n4 | {\"openapi\": 1}\n  |  ^^^^^^^^^ here\n  = help: convert it\n"
        );
        let json = diagnostic.to_json(&[input]);
        assert!(
            json.starts_with(
                "{\"severity\":\"error\",\"message\":\"unsupported OpenAPI version 1\",\"file\":\"p.md\",\"line\":4,\"column\":2,\"help\":\"convert it\""
            ),
            "{json}"
        );
    }
}
