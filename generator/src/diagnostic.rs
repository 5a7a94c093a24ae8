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
//! Finding places is linear in the inputs however many diagnostics point into them: [`render_all`]
//! and [`to_json_all`] index each file once ([`LineIndex`], the one line index of stitch), scan
//! each fragment once for every pointer into it, find all columns of a line in one walk, and copy
//! only the shown window of a line. (Rendering thousands of places one by one used to re-index the
//! page, re-scan the fragment and copy the whole line for each: 4,000 duplicated operation ids in
//! a one-line fragment took 1.4 GB.)
//!
//! Rendering is deterministic: no colours, no terminal width, the same text on every machine.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::Error;
use crate::merge::{MergeError, Merged, Origin};
use crate::model::{JSON_FALLBACK, ModelError, ModelWarning};
use crate::source::{Input, LineIndex, SourceError};

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
        let resolved = SourceMap::new(sources).resolve(std::slice::from_ref(label));
        resolved.first().map(show_location)
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
    ///
    /// To render many diagnostics, use [`render_all`]: it indexes each file once.
    pub fn render(&self, sources: &[Input]) -> String {
        render_all(std::slice::from_ref(self), sources)
            .pop()
            .unwrap_or_default()
    }

    /// The diagnostic as one line of JSON: `severity`, `message`, `file`, `line`, `column`
    /// (of the main place, `null` when unknown), `help`, `notes`, and every place in `labels`.
    /// To write many diagnostics, use [`to_json_all`]: it indexes each file once.
    pub fn to_json(&self, sources: &[Input]) -> String {
        to_json_all(std::slice::from_ref(self), sources)
            .pop()
            .unwrap_or_default()
    }

    fn render_resolved(&self, resolved: &[Resolved]) -> String {
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
            match (&label.snippet, label.line) {
                (Some((shown, caret_at)), Some(line)) => {
                    let _ = writeln!(out, "{pad} |");
                    let _ = writeln!(out, "{line:>gutter$} | {shown}");
                    let marks = if label.column.is_some() {
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
                    let line = format!("{pad} | {}{marks}{text}", " ".repeat(*caret_at));
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

    fn json_resolved(&self, resolved: &[Resolved]) -> String {
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

/// Renders every diagnostic as [`Diagnostic::render`] does. Each file is indexed once and each
/// fragment scanned once for all the places that point into it, so the time and memory are
/// linear in the inputs and the number of places (thousands of warnings on one one-line
/// fragment included).
pub fn render_all(diagnostics: &[Diagnostic], sources: &[Input]) -> Vec<String> {
    each_resolved(diagnostics, sources, Diagnostic::render_resolved)
}

/// Every diagnostic as one line of JSON, as [`Diagnostic::to_json`] writes it; linear like
/// [`render_all`].
pub fn to_json_all(diagnostics: &[Diagnostic], sources: &[Input]) -> Vec<String> {
    each_resolved(diagnostics, sources, Diagnostic::json_resolved)
}

/// `show` applied to each diagnostic with its labels resolved, all labels in one batch.
fn each_resolved(
    diagnostics: &[Diagnostic],
    sources: &[Input],
    show: fn(&Diagnostic, &[Resolved]) -> String,
) -> Vec<String> {
    let labels: Vec<Label> = diagnostics
        .iter()
        .flat_map(|d| d.labels.iter().cloned())
        .collect();
    let resolved = SourceMap::new(sources).resolve(&labels);
    let mut rest = resolved.as_slice();
    diagnostics
        .iter()
        .map(|diagnostic| {
            let (mine, others) = rest.split_at(diagnostic.labels.len().min(rest.len()));
            rest = others;
            show(diagnostic, mine)
        })
        .collect()
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

/// The part of `line` shown around byte `at` (clamped to the line, and to a character
/// boundary), and the caret's offset in it in characters. Lines of up to [`WINDOW`] characters
/// are shown whole; longer ones as a window of that many characters, a third of it before the
/// place, with `…` where the line goes on. The work is bounded by the window, not the line.
fn window(line: &str, at: usize) -> (String, usize) {
    let mut at = at.min(line.len());
    while !line.is_char_boundary(at) {
        at -= 1;
    }
    let (before, after) = line.split_at(at);
    let tabs = |c: char| if c == '\t' { ' ' } else { c };
    if line.chars().take(WINDOW + 1).count() <= WINDOW {
        return (line.chars().map(tabs).collect(), before.chars().count());
    }
    let mut back = before.chars().rev().take(WINDOW / 3).count();
    let forward = after.chars().take(WINDOW - back).count();
    if forward < WINDOW - back {
        // The line ends within the window: show its last WINDOW characters.
        back = before.chars().rev().take(WINDOW - forward).count();
    }
    let from_start = before.chars().rev().nth(back).is_none();
    let to_end = after.chars().nth(forward).is_none();
    let mut shown = String::new();
    let mut caret = back;
    if !from_start {
        shown.push('…');
        caret += 1;
    }
    let mut shown_before: Vec<char> = before.chars().rev().take(back).map(tabs).collect();
    shown_before.reverse();
    shown.extend(shown_before);
    shown.extend(after.chars().take(forward).map(tabs));
    if !to_end {
        shown.push('…');
    }
    (shown, caret)
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
    /// The part of the line shown and the caret's offset in it, when the file was read.
    snippet: Option<(String, usize)>,
    text: String,
}

/// The inputs of a run, for finding many labels' places at once: each file is indexed once
/// ([`LineIndex`]) and each fragment scanned once for every pointer into it ([`locate_all`]).
struct SourceMap<'a> {
    files: BTreeMap<&'a Path, LineIndex<'a>>,
}

/// The places found in one fragment: JSON pointer to byte offset and length.
type Places = BTreeMap<String, (usize, usize)>;

/// A label's place as a byte offset in its file, before lines and columns are known.
struct Place {
    /// The byte offset, or `None` when only the line is known.
    offset: Option<usize>,
    line: usize,
    /// The byte length of the place (for the underline).
    len: usize,
}

impl<'a> SourceMap<'a> {
    fn new(sources: &'a [Input]) -> Self {
        let mut files = BTreeMap::new();
        for input in sources {
            files
                .entry(input.path.as_path())
                .or_insert_with(|| LineIndex::new(&input.text));
        }
        SourceMap { files }
    }

    /// Every label's place, in the order given.
    fn resolve(&self, labels: &[Label]) -> Vec<Resolved> {
        // Fragment places first: every pointer into one fragment found in one scan.
        let mut wanted: BTreeMap<(&Path, usize), BTreeSet<String>> = BTreeMap::new();
        for label in labels {
            if let Position::Fragment { line, pointer } = &label.position
                && self.files.contains_key(label.file.as_path())
            {
                let set = wanted.entry((label.file.as_path(), *line)).or_default();
                // The pointer and its ancestors, for the nearest ancestor that is there.
                let mut pointer = canonical_pointer(pointer);
                loop {
                    let parent = pointer.rfind('/').map(|i| pointer[..i].to_owned());
                    set.insert(pointer);
                    match parent {
                        Some(parent) => pointer = parent,
                        None => break,
                    }
                }
            }
        }
        let mut found: BTreeMap<(&Path, usize), Places> = BTreeMap::new();
        for ((file, line), pointers) in &wanted {
            if let Some(index) = self.files.get(file) {
                let start = index.line_start(*line);
                found.insert((*file, *line), locate_all(index.text(), start, pointers));
            }
        }

        let places: Vec<Option<Place>> = labels
            .iter()
            .map(|label| self.place(label, &found))
            .collect();
        // Lines and columns: per file, every offset in one sweep.
        let mut offsets: BTreeMap<&Path, Vec<usize>> = BTreeMap::new();
        for (label, place) in labels.iter().zip(&places) {
            if let Some(Place {
                offset: Some(offset),
                ..
            }) = place
            {
                offsets
                    .entry(label.file.as_path())
                    .or_default()
                    .push(*offset);
            }
        }
        let mut columns: BTreeMap<&Path, std::vec::IntoIter<(usize, usize)>> = BTreeMap::new();
        for (file, offsets) in &offsets {
            if let Some(index) = self.files.get(file) {
                columns.insert(*file, index.locate_all(offsets).into_iter());
            }
        }

        labels
            .iter()
            .zip(places)
            .map(|(label, place)| {
                let mut resolved = Resolved {
                    file: label.file.clone(),
                    line: None,
                    column: None,
                    width: 1,
                    snippet: None,
                    text: label.text.clone(),
                };
                let Some(place) = place else {
                    return resolved;
                };
                let index = self.files.get(label.file.as_path());
                let (line, column) = match place.offset {
                    Some(_) => match columns
                        .get_mut(label.file.as_path())
                        .and_then(Iterator::next)
                    {
                        Some((line, column)) => (line, Some(column)),
                        None => (place.line, None),
                    },
                    None => (place.line, None),
                };
                resolved.line = Some(line);
                resolved.column = column;
                if let Some(index) = index {
                    let line_start = index.line_start(line);
                    let at = place
                        .offset
                        .unwrap_or(line_start)
                        .saturating_sub(line_start);
                    resolved.snippet = Some(window(index.line_text(line), at));
                    if let Some(offset) = place.offset {
                        resolved.width = index
                            .text()
                            .get(offset..offset + place.len)
                            .map_or(1, |s| s.chars().take(WINDOW).count());
                    }
                }
                resolved
            })
            .collect()
    }

    /// Where a label points, as a byte offset when the file was read; `None` for a whole file.
    fn place(&self, label: &Label, found: &BTreeMap<(&Path, usize), Places>) -> Option<Place> {
        let index = self.files.get(label.file.as_path());
        match (&label.position, index) {
            (Position::File, _) => None,
            (Position::Line(line), _) => Some(Place {
                offset: None,
                line: *line,
                len: 1,
            }),
            (Position::LineColumn(line, column), Some(index)) => {
                let offset = index.offset(*line, *column);
                Some(Place {
                    offset: Some(offset),
                    line: *line,
                    len: token_len(index.text(), offset),
                })
            }
            (Position::LineColumn(line, _), None) | (Position::Fragment { line, .. }, None) => {
                Some(Place {
                    offset: None,
                    line: *line,
                    len: 1,
                })
            }
            (Position::Fragment { line, pointer }, Some(_)) => {
                let places = found.get(&(label.file.as_path(), *line));
                // The place itself, else its nearest ancestor that is there.
                let mut pointer = canonical_pointer(pointer);
                loop {
                    if let Some(&(offset, len)) = places.and_then(|p| p.get(&pointer)) {
                        return Some(Place {
                            offset: Some(offset),
                            line: *line,
                            len,
                        });
                    }
                    match pointer.rfind('/') {
                        Some(i) => pointer.truncate(i),
                        None => {
                            return Some(Place {
                                offset: None,
                                line: *line,
                                len: 1,
                            });
                        }
                    }
                }
            }
        }
    }
}

/// A JSON pointer with every token escaped the one way [`crate::pointer::escape`] does.
fn canonical_pointer(pointer: &str) -> String {
    match pointer.strip_prefix('/') {
        Some(rest) => rest
            .split('/')
            .map(|token| {
                format!(
                    "/{}",
                    crate::pointer::escape(&crate::pointer::unescape(token))
                )
            })
            .collect(),
        None => String::new(),
    }
}

/// The byte length of the token starting at byte `offset`: a JSON string with its quotes, a
/// word, or one character (at most [`WINDOW`] characters are looked at).
fn token_len(text: &str, offset: usize) -> usize {
    let Some(rest) = text.get(offset..) else {
        return 1;
    };
    let rest = rest.lines().next().unwrap_or_default();
    let mut chars = rest.char_indices().take(WINDOW);
    if rest.starts_with('"') {
        let mut escaped = false;
        for (i, c) in chars.skip(1) {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => return i + 1,
                _ => escaped = false,
            }
        }
        return 1;
    }
    chars
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(rest.len().min(WINDOW), |(i, _)| i)
        .max(1)
}

/// Finds JSON pointer `pointer` in the JSON text that starts at (or a little after) byte
/// `start` of `text`: the byte offset and length of the key (or array element) it names, or of
/// the document's opening bracket for the empty pointer. `None` when the text is not plain JSON
/// there (a YAML fragment, a fence inside a block quote) or the pointer is not found.
pub fn locate(text: &str, start: usize, pointer: &str) -> Option<(usize, usize)> {
    let pointer = canonical_pointer(pointer);
    let mut wanted = BTreeSet::new();
    let mut ancestor = pointer.clone();
    while let Some(i) = ancestor.rfind('/') {
        ancestor.truncate(i);
        wanted.insert(ancestor.clone());
    }
    wanted.insert(pointer.clone());
    locate_all(text, start, &wanted).remove(&pointer)
}

/// [`locate`] for many pointers in one scan of the fragment: the place of every pointer of
/// `wanted` that is there. `wanted` must hold the ancestors of each of its pointers (the scan
/// only enters values on the way to one). Linear in the fragment's text.
fn locate_all(text: &str, start: usize, wanted: &BTreeSet<String>) -> Places {
    let mut found = BTreeMap::new();
    let bytes = text.as_bytes();
    // The fragment starts on this line, perhaps after an indentation.
    let mut scan = Scan {
        bytes,
        pos: start.min(bytes.len()),
    };
    scan.spaces();
    if !matches!(scan.peek(), Some(b'{' | b'[')) || !wanted.contains("") {
        return found;
    }
    found.insert(String::new(), (scan.pos, 1));
    let mut pointer = String::new();
    let _complete = scan.collect(&mut pointer, wanted, &mut found, 0);
    found
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

    /// Scans the value at the cursor, whose pointer is `pointer` (a member of `wanted`),
    /// recording into `found` the place of every key or element whose pointer is wanted and
    /// entering only the values on the way to one; skips the rest. `None` when the text stops
    /// being JSON (what was found until then stays found).
    fn collect(
        &mut self,
        pointer: &mut String,
        wanted: &BTreeSet<String>,
        found: &mut BTreeMap<String, (usize, usize)>,
        depth: usize,
    ) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.spaces();
        let object = match self.peek()? {
            b'{' => true,
            b'[' => false,
            _ => return self.skip_value(depth),
        };
        self.pos += 1;
        if self.eat(if object { b'}' } else { b']' }).is_some() {
            return Some(());
        }
        let mut index = 0usize;
        loop {
            let parent = pointer.len();
            pointer.push('/');
            let place = if object {
                let (start, end) = self.string()?;
                let key: String = serde_json::from_slice(self.bytes.get(start..end)?).ok()?;
                pointer.push_str(&crate::pointer::escape(&key));
                self.eat(b':')?;
                (start, end - start)
            } else {
                self.spaces();
                pointer.push_str(&index.to_string());
                index += 1;
                (self.pos, 1)
            };
            if wanted.contains(pointer.as_str()) {
                found.entry(pointer.clone()).or_insert(place);
                pointer.push('/');
                let inside = wanted
                    .range::<str, _>((
                        std::ops::Bound::Included(pointer.as_str()),
                        std::ops::Bound::Unbounded,
                    ))
                    .next()
                    .is_some_and(|w| w.starts_with(pointer.as_str()));
                pointer.pop();
                if inside {
                    self.collect(pointer, wanted, found, depth + 1)?;
                } else {
                    self.skip_value(depth + 1)?;
                }
            } else {
                self.skip_value(depth + 1)?;
            }
            pointer.truncate(parent);
            if self.eat(b',').is_none() {
                return self.eat(if object { b'}' } else { b']' });
            }
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
        MergeError::NoFragments { files } => {
            // The Display text is "message\n  help: help".
            let text = e.to_string();
            let (message, help) = text.split_once("\n  help: ").unwrap_or((&text, ""));
            let mut diagnostic = Diagnostic::error(message).help(help);
            // The message counts them all; the first few are shown as places.
            for file in files.iter().take(10) {
                diagnostic = diagnostic.label(Label::new(file, Position::File, "no fragment here"));
            }
            vec![diagnostic]
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

/// The model's warnings (schemas it could only approximate), each at its place in the pages.
pub fn of_model_warnings(warnings: &[ModelWarning], merged: &Merged) -> Vec<Diagnostic> {
    warnings
        .iter()
        .map(|w| {
            let mut d = Diagnostic::warning(&w.message).help(&w.help);
            if let Some(origin) = merged.origin_of(&w.place) {
                // A vendor extension that does not fit (`model::pagination`), else a schema.
                let what = match w.place.rsplit('/').next() {
                    Some(key) if key.starts_with("x-") => "this extension",
                    _ => "this schema",
                };
                d = d.label(Label::at_origin(&origin, what));
            }
            if w.place.starts_with('#') {
                d.notes.push(at_place(&w.place));
            } else {
                // A setting of the config file (`file:line`, see `model::user_types`).
                d.notes.push(format!("at {}", w.place));
            }
            d
        })
        .collect()
}

/// True for the warning about a schema read as free-form JSON (`serde_json::Value`), for
/// whoever counts them (`cargo xtask corpus`).
pub fn is_json_fallback(diagnostic: &Diagnostic) -> bool {
    diagnostic.severity == Severity::Warning && diagnostic.message.starts_with(JSON_FALLBACK)
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
        let start = LineIndex::new(text).offset(4, 1);
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
        let (shown, caret) = window(&line, 199);
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert_eq!(shown.chars().count(), WINDOW + 2);
        assert_eq!(caret, WINDOW / 3 + 1);
        assert_eq!(window("short", 2), ("short".to_owned(), 2));
        // Near the end, the last WINDOW characters; multi-byte characters count as one.
        let line = "é".repeat(300);
        let (shown, caret) = window(&line, 2 * 295);
        assert!(shown.starts_with('…') && !shown.ends_with('…'), "{shown}");
        assert_eq!((shown.chars().count(), caret), (WINDOW + 1, WINDOW - 5 + 1));
    }

    /// Issue 12 item 4: thousands of places in one one-line fragment (a duplicated
    /// operationId) took 1.4 GB and 44 s for 4,000, because every place indexed the page again,
    /// scanned the fragment from its start and copied the whole line. Now the places are found
    /// in one scan, and a batch renders exactly what one diagnostic at a time renders.
    #[test]
    fn thousands_of_places_on_one_line_are_found_in_one_scan() {
        let count = 20_000;
        let paths: Vec<String> = (0..count)
            .map(|i| format!("\"/p{i}\":{{\"get\":{{\"operationId\":\"same\"}}}}"))
            .collect();
        let text = format!(
            "# T\n\n```json\n{{\"openapi\":\"3.0.3\",\"paths\":{{{}}}}}\n```\n",
            paths.join(",")
        );
        let input = Input {
            path: PathBuf::from("p.md"),
            text,
        };
        let mut diagnostic = Diagnostic::warning("operationId `same` is used by many");
        for i in 0..count {
            diagnostic = diagnostic.label(Label::new(
                Path::new("p.md"),
                Position::Fragment {
                    line: 4,
                    pointer: format!("/paths/~1p{i}/get/operationId"),
                },
                format!("GET /p{i}"),
            ));
        }
        let started = std::time::Instant::now();
        let shown = diagnostic.render(std::slice::from_ref(&input));
        // Quadratic work took minutes here; linear work takes well under a second.
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        assert_eq!(shown.matches("^^^^^^^^^^^^^").count(), count);
        let last = format!("\"/p{}\":{{\"get\":{{\"operationId\"", count - 1);
        let column = input
            .text
            .lines()
            .nth(3)
            .map_or(0, |l| l.find(&last).unwrap_or(0))
            + last.len()
            - "\"operationId\"".len()
            + 1;
        assert!(shown.contains(&format!("p.md:4:{column}\n")), "{column}");

        // A batch of diagnostics renders each as it renders alone (missing pointers fall back
        // to their nearest ancestor; unknown files keep the line only).
        let few = [
            Diagnostic::warning("a").label(Label::new(
                Path::new("p.md"),
                Position::Fragment {
                    line: 4,
                    pointer: "/paths/~1p7/get/nothing".to_owned(),
                },
                "x",
            )),
            Diagnostic::error("b")
                .label(Label::new(
                    Path::new("p.md"),
                    Position::LineColumn(4, 3),
                    "y",
                ))
                .label(Label::new(Path::new("gone.md"), Position::Line(9), "z")),
            Diagnostic::error("c").label(Label::new(Path::new("p.md"), Position::File, "")),
        ];
        let sources = std::slice::from_ref(&input);
        let one_by_one: Vec<String> = few.iter().map(|d| d.render(sources)).collect();
        assert_eq!(render_all(&few, sources), one_by_one);
        assert!(one_by_one[0].contains("^^^^^ x"), "{}", one_by_one[0]);
        let json: Vec<String> = few.iter().map(|d| d.to_json(sources)).collect();
        assert_eq!(to_json_all(&few, sources), json);
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
