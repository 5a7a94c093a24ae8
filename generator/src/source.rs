//! Stage 1: read the inputs and find the OpenAPI fragments in them.
//!
//! An input is a markdown page (`.md`, `.markdown`), a whole OpenAPI document (`.json`, `.yaml`,
//! `.yml`), or a folder of them. A whole document is one fragment. In a page, every fenced
//! ```` ```json ```` (or ```` ```yaml ````) block holding an object with an `openapi` key is a
//! fragment; other JSON blocks are examples and are skipped. Markdown is parsed with
//! pulldown-cmark, never with regular expressions.
//!
//! A fragment remembers the file and line it came from and the operation heading it stands under
//! (`## GET /api/v1/jobs/{engine\_id}/latest/`); the heading and the operation inside the
//! fragment must agree.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use serde_json::Value;

use crate::method::HttpMethod;

/// A file read into memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The path as the user gave it (or as found when walking a folder).
    pub path: PathBuf,
    /// The whole text of the file.
    pub text: String,
}

/// One OpenAPI document found in an input.
#[derive(Debug, Clone, PartialEq)]
pub struct Fragment {
    /// The file it came from.
    pub file: PathBuf,
    /// The 1-based line where it starts: the first content line of its code fence in a page,
    /// `1` for a whole JSON or YAML file.
    pub line: usize,
    /// The operation heading it stands under, if the most recent heading is one.
    pub heading: Option<Heading>,
    /// The document.
    pub value: Value,
}

/// An operation heading such as `## GET /api/v1/jobs/{engine\_id}/latest/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// The method in lowercase: `get`, `put`, ...
    pub method: String,
    /// The path with markdown escapes undone: `/api/v1/jobs/{engine_id}/latest/`.
    pub path: String,
    /// The 1-based line of the heading.
    pub line: usize,
}

impl Heading {
    /// Reads a heading's text as `METHOD /path`, or `None` when it is not an operation heading.
    pub fn parse(text: &str, line: usize) -> Option<Heading> {
        let mut words = text.split_whitespace();
        let method = words.next()?.to_ascii_lowercase();
        let path = words.next()?;
        if words.next().is_some()
            || !path.starts_with('/')
            || HttpMethod::from_key(&method).is_none()
        {
            return None;
        }
        Some(Heading {
            method,
            path: path.to_owned(),
            line,
        })
    }
}

impl fmt::Display for Heading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method.to_ascii_uppercase(), self.path)
    }
}

/// Where a [`SourceError`] points: a file, and a line and column in it when known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// The file, if the error is about one.
    pub file: Option<PathBuf>,
    /// The 1-based line.
    pub line: Option<usize>,
    /// The 1-based column (in characters).
    pub column: Option<usize>,
}

impl fmt::Display for Location {
    /// Writes `file:line:col: ` (as much of it as is known), or nothing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(file) = &self.file else {
            return Ok(());
        };
        write!(f, "{}", file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": ")
    }
}

/// An input that cannot be read, or a fragment that cannot be found or does not fit its heading.
///
/// Displays as `file:line:col: what is wrong` and, on the next line, `  help: what to do`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}{message}\n  help: {help}")]
pub struct SourceError {
    /// Where the problem is.
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

impl SourceError {
    fn new(location: Location, message: impl Into<String>, help: impl Into<String>) -> Self {
        SourceError {
            location,
            message: message.into(),
            help: help.into(),
        }
    }

    fn in_file(file: &Path, message: impl Into<String>, help: impl Into<String>) -> Self {
        let location = Location {
            file: Some(file.to_path_buf()),
            line: None,
            column: None,
        };
        SourceError::new(location, message, help)
    }

    fn at(
        file: &Path,
        (line, column): (usize, usize),
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        let location = Location {
            file: Some(file.to_path_buf()),
            line: Some(line),
            column: Some(column),
        };
        SourceError::new(location, message, help)
    }
}

const INPUT_HELP: &str =
    "pass markdown pages (.md, .markdown), OpenAPI files (.json, .yaml, .yml), or folders of them";

/// What kind of input a file is, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Markdown,
    Json,
    Yaml,
}

impl Kind {
    fn of(path: &Path) -> Option<Kind> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "md" | "markdown" => Some(Kind::Markdown),
            "json" => Some(Kind::Json),
            "yaml" | "yml" => Some(Kind::Yaml),
            _ => None,
        }
    }
}

/// The largest input file read by default: 64 MiB. The largest public OpenAPI documents
/// (Microsoft Graph's, about 47 MB of JSON) fit; `--max-input-size` raises it.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 64 * 1024 * 1024;

/// How inputs are read: [`read_inputs_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Files larger than this many bytes are an error (a `*.json` link to `/dev/zero` must not
    /// read until memory runs out).
    pub max_input_size: u64,
    /// Folders never read as input: the output crate folder of this run (so a crate written
    /// inside an input folder is not read back as input). Compared after resolving links.
    pub exclude: Vec<PathBuf>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_input_size: DEFAULT_MAX_INPUT_SIZE,
            exclude: Vec::new(),
        }
    }
}

/// The inputs that were read, and what was passed over on the way.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadInputs {
    /// The files read, sorted by path.
    pub inputs: Vec<Input>,
    /// Files and folders inside input folders that were not read, and why (sorted by path).
    pub skipped: Vec<Skipped>,
}

/// A file or folder inside an input folder that was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file or folder.
    pub path: PathBuf,
    /// Why, as the end of a sentence: "it is the output folder of this run".
    pub reason: String,
}

/// The first line of every `Cargo.toml` stitch writes; a folder whose `Cargo.toml` starts with
/// it is a generated crate and is never read as input (its `openapi.json` is stitch's output).
pub const GENERATED_MARKER: &str =
    "# Generated by stitch. Do not edit by hand: change the input pages and regenerate.";

/// Whether `dir` holds a crate that stitch generated (its `Cargo.toml` starts with
/// [`GENERATED_MARKER`]).
pub fn is_generated_crate(dir: &Path) -> bool {
    let manifest = dir.join("Cargo.toml");
    if !fs::metadata(&manifest).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let Ok(file) = fs::File::open(manifest) else {
        return false;
    };
    let mut first = Vec::with_capacity(GENERATED_MARKER.len());
    let read = file
        .take(GENERATED_MARKER.len() as u64)
        .read_to_end(&mut first);
    read.is_ok() && first == GENERATED_MARKER.as_bytes()
}

/// Reads every input with the default [`ReadOptions`]; see [`read_inputs_with`].
pub fn read_inputs(paths: &[PathBuf]) -> Result<Vec<Input>, SourceError> {
    read_inputs_with(paths, &ReadOptions::default()).map(|read| read.inputs)
}

/// Reads every input: each path is a file or a folder, walked recursively (hidden entries are
/// skipped) for markdown, JSON and YAML files. The result is sorted by path and free of
/// duplicates, so it does not depend on the order of `paths`.
///
/// Only regular files are read (a link to one is fine), none larger than
/// `options.max_input_size`. A FIFO, socket or device named as an input is an error; inside a
/// walked folder it is skipped. Inside walked folders, the folders of `options.exclude` and
/// crates stitch generated ([`GENERATED_MARKER`]) are skipped too; every skip is listed in
/// [`ReadInputs::skipped`] so the caller can say so. An input named directly that lies inside
/// an excluded folder is an error.
pub fn read_inputs_with(
    paths: &[PathBuf],
    options: &ReadOptions,
) -> Result<ReadInputs, SourceError> {
    if paths.is_empty() {
        return Err(SourceError::new(
            Location::default(),
            "no inputs given",
            INPUT_HELP,
        ));
    }
    let excluded: BTreeSet<PathBuf> = options
        .exclude
        .iter()
        .filter_map(|dir| fs::canonicalize(dir).ok())
        .collect();
    let mut walker = Walker {
        files: Vec::new(),
        skipped: Vec::new(),
        visited: BTreeSet::new(),
        excluded,
    };
    for path in paths {
        let metadata = fs::metadata(path).map_err(|e| {
            let message = if e.kind() == std::io::ErrorKind::NotFound {
                "no such file or folder".to_owned()
            } else {
                format!("cannot read: {e}")
            };
            SourceError::in_file(path, message, "check the path; ".to_owned() + INPUT_HELP)
        })?;
        if let Some(out) = walker.excluding(path) {
            return Err(SourceError::in_file(
                path,
                format!(
                    "this input is (inside) the output of this run, {}: stitch would read back what it \
                     writes",
                    out.display()
                ),
                "pass the pages the crate is generated from, or write the crate elsewhere with \
                 --out",
            ));
        }
        if metadata.is_dir() {
            let before = walker.files.len();
            walker.walk(path)?;
            if walker.files.len() == before {
                let mut message =
                    "empty input folder: it holds no markdown, JSON or YAML files".to_owned();
                if walker.skipped.iter().any(|s| s.path.starts_with(path)) {
                    message.push_str(" that stitch may read (see the skipped entries above)");
                }
                return Err(SourceError::in_file(path, message, INPUT_HELP));
            }
        } else if !metadata.is_file() {
            return Err(not_regular(path, &metadata));
        } else if Kind::of(path).is_some() {
            walker.files.push(path.clone());
        } else {
            return Err(SourceError::in_file(
                path,
                "not a markdown page, JSON file or YAML file",
                INPUT_HELP,
            ));
        }
    }

    // Sort by path; the same file reached twice (`a/x.md` and `a/./x.md`, or a file and its
    // folder) is read once, under the smallest of its names.
    let Walker {
        mut files,
        mut skipped,
        ..
    } = walker;
    files.sort();
    files.dedup();
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    skipped.dedup();
    let mut seen = BTreeSet::new();
    let mut inputs = Vec::with_capacity(files.len());
    for path in files {
        let identity = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if !seen.insert(identity) {
            continue;
        }
        let text = read_text(&path, options.max_input_size)?;
        inputs.push(Input { path, text });
    }
    if inputs.is_empty() {
        return Err(SourceError::new(
            Location::default(),
            "no inputs found",
            INPUT_HELP,
        ));
    }
    Ok(ReadInputs { inputs, skipped })
}

/// The error for an input that is not a regular file.
fn not_regular(path: &Path, metadata: &fs::Metadata) -> SourceError {
    SourceError::in_file(
        path,
        format!("not a regular file ({})", file_kind(metadata)),
        "pass a regular file (or a link to one); stitch does not read FIFOs, sockets or devices",
    )
}

/// What a file that is not a regular file is, for messages.
fn file_kind(metadata: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    if metadata.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// Collects the input files under the folders it walks.
struct Walker {
    files: Vec<PathBuf>,
    skipped: Vec<Skipped>,
    /// Folders already walked, resolved (a link back up is walked once).
    visited: BTreeSet<PathBuf>,
    /// [`ReadOptions::exclude`], resolved.
    excluded: BTreeSet<PathBuf>,
}

impl Walker {
    /// The excluded folder `path` lies in (or is), if any.
    fn excluding(&self, path: &Path) -> Option<&PathBuf> {
        if self.excluded.is_empty() {
            return None;
        }
        let resolved = fs::canonicalize(path).ok()?;
        self.excluded.iter().find(|out| resolved.starts_with(out))
    }

    /// Collects the input files under `dir`, skipping hidden entries, folders already visited
    /// (through a symbolic link), excluded and generated folders, and special files.
    fn walk(&mut self, dir: &Path) -> Result<(), SourceError> {
        let unreadable = |e: std::io::Error| {
            SourceError::in_file(
                dir,
                format!("cannot read folder: {e}"),
                "check its permissions",
            )
        };
        let identity = fs::canonicalize(dir).map_err(unreadable)?;
        if !self.visited.insert(identity) {
            return Ok(());
        }
        let mut entries = Vec::new();
        for entry in fs::read_dir(dir).map_err(unreadable)? {
            entries.push(entry.map_err(unreadable)?.path());
        }
        entries.sort();
        for path in entries {
            let hidden = path
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            let metadata = fs::metadata(&path).map_err(|e| {
                SourceError::in_file(&path, format!("cannot read: {e}"), "check the path")
            })?;
            let reason = if metadata.is_dir() {
                if self.excluding(&path).is_some() {
                    "it is the output folder of this run".to_owned()
                } else if is_generated_crate(&path) {
                    "it holds a crate stitch generated (its Cargo.toml says so)".to_owned()
                } else {
                    self.walk(&path)?;
                    continue;
                }
            } else if Kind::of(&path).is_none() {
                continue;
            } else if self.excluding(&path).is_some() {
                // `merge docs --out docs/merged.json` run twice.
                "it is the output file of this run".to_owned()
            } else if metadata.is_file() {
                self.files.push(path);
                continue;
            } else {
                format!("it is not a regular file ({})", file_kind(&metadata))
            };
            self.skipped.push(Skipped { path, reason });
        }
        Ok(())
    }
}

/// Reads a regular file of at most `max_size` bytes as UTF-8 text (a byte order mark dropped).
fn read_text(path: &Path, max_size: u64) -> Result<String, SourceError> {
    let cannot_read = |e: std::io::Error| {
        SourceError::in_file(
            path,
            format!("cannot read: {e}"),
            "check the file's permissions",
        )
    };
    let too_large = |size: Option<u64>| {
        let size = match size {
            Some(size) => format!(" ({})", show_size(size)),
            None => " (it grew while being read)".to_owned(),
        };
        SourceError::in_file(
            path,
            format!(
                "the file is larger{size} than {}, the limit for one input",
                show_size(max_size)
            ),
            "raise the limit with --max-input-size (e.g. --max-input-size 256MiB), or split \
             the document",
        )
    };
    let mut open = fs::OpenOptions::new();
    open.read(true);
    #[cfg(unix)]
    {
        // A FIFO put in place after the caller's check must not block the open.
        use std::os::unix::fs::OpenOptionsExt;
        open.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = open.open(path).map_err(cannot_read)?;
    let metadata = file.metadata().map_err(cannot_read)?;
    if !metadata.is_file() {
        return Err(not_regular(path, &metadata));
    }
    if metadata.len() > max_size {
        return Err(too_large(Some(metadata.len())));
    }
    let mut bytes = Vec::new();
    file.take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() as u64 > max_size {
        return Err(too_large(None));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => text,
        }),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let before = bytes.get(..valid).unwrap_or_default();
            let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            // The bytes before `valid` are UTF-8, so the column counts characters.
            let column = 1 + String::from_utf8_lossy(before.get(line_start..).unwrap_or_default())
                .chars()
                .count();
            Err(SourceError::at(
                path,
                (line, column),
                "not UTF-8 text",
                "save the file as UTF-8",
            ))
        }
    }
}

/// A size for people: `64 MiB`, `1.5 KiB`, `12 bytes`.
pub fn show_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            return if bytes % size == 0 {
                format!("{} {unit}", bytes / size)
            } else {
                format!("{:.1} {unit}", bytes as f64 / size as f64)
            };
        }
    }
    format!("{bytes} bytes")
}

/// Reads a size such as `--max-input-size` takes: a number of bytes, optionally followed by
/// `K`/`KiB`, `M`/`MiB` or `G`/`GiB` (powers of 1024, any case, a space allowed).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("`{text}` is not a size: write e.g. 128MiB or 1G")),
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{text}` is not a size: write e.g. 128MiB or 1G"))
}

/// Finds every fragment in `inputs`, in input order and, within a page, in page order; fails
/// with the first problem. [`find_fragments`] reports them all.
pub fn fragments(inputs: &[Input]) -> Result<Vec<Fragment>, SourceError> {
    let (found, mut errors) = find_fragments(inputs);
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(errors.swap_remove(0))
    }
}

/// Finds every fragment in `inputs` and every problem: a bad fence or file does not stop the
/// search, so one run reports them all. Fragments come in input order and, within a page, in
/// page order; problems in the same order.
pub fn find_fragments(inputs: &[Input]) -> (Vec<Fragment>, Vec<SourceError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        if let Err(e) = input_fragments(input, &mut out, &mut errors) {
            errors.push(e);
        }
    }
    (out, errors)
}

/// The fragments of one input; problems in a page's fences go to `errors`, a whole file that
/// cannot be read is the error returned.
fn input_fragments(
    input: &Input,
    out: &mut Vec<Fragment>,
    errors: &mut Vec<SourceError>,
) -> Result<(), SourceError> {
    {
        match Kind::of(&input.path) {
            Some(Kind::Markdown) => page_fragments(input, out, errors),
            Some(Kind::Json) => {
                let value = serde_json::from_str(&input.text).map_err(|e| {
                    SourceError::at(
                        &input.path,
                        json_error_position(&input.text, &e),
                        format!("invalid JSON: {}", json_message(&e)),
                        "fix the JSON syntax",
                    )
                })?;
                out.push(Fragment {
                    file: input.path.clone(),
                    line: 1,
                    heading: None,
                    value,
                });
            }
            Some(Kind::Yaml) => {
                let value = crate::yaml::from_str(&input.text).map_err(|e| {
                    let location = Location {
                        file: Some(input.path.clone()),
                        line: e.line,
                        column: e.line.and(e.column),
                    };
                    SourceError::new(
                        location,
                        format!("invalid YAML: {}", e.message),
                        "fix the YAML",
                    )
                })?;
                out.push(Fragment {
                    file: input.path.clone(),
                    line: 1,
                    heading: None,
                    value,
                });
            }
            None => {
                return Err(SourceError::in_file(
                    &input.path,
                    "not a markdown page, JSON file or YAML file",
                    INPUT_HELP,
                ));
            }
        }
    }
    Ok(())
}

/// Where a JSON error is, as a 1-based line and column in `text`: where serde_json says, but
/// for JSON that is cut short, just after its last character rather than at the end of the
/// text (which, for a fence, is the closing fence's line).
fn json_error_position(text: &str, e: &serde_json::Error) -> (usize, usize) {
    if e.classify() != serde_json::error::Category::Eof {
        return (e.line().max(1), e.column().max(1));
    }
    let content = text.trim_end();
    let line = 1 + content.matches('\n').count();
    let last_line = content.rsplit('\n').next().unwrap_or_default();
    (line, last_line.chars().count() + 1)
}

/// serde_json's message without its own " at line L column C" suffix (the location is shown
/// in front of the message instead).
fn json_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match full.strip_suffix(&suffix) {
        Some(message) => message.to_owned(),
        None => full,
    }
}

/// Byte offsets to 1-based lines and columns and back, for one text: the one line index of
/// stitch (pages are indexed once here, and once per run for diagnostics).
///
/// Building it is linear in the text; finding a line is a binary search. Columns count
/// characters, so finding one walks its line: [`LineIndex::locate_all`] finds many places in
/// one walk, so thousands of places on one long line (a one-line JSON fragment) stay linear.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// The byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// The text indexed.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The 1-based line of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).max(1)
    }

    /// The byte offset where 1-based `line` starts (the text's length past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The 1-based line and column (in characters) of byte `offset`.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let column = match self.text.get(start..offset) {
            Some(prefix) => prefix.chars().count() + 1,
            None => offset.saturating_sub(start) + 1,
        };
        (line, column)
    }

    /// [`LineIndex::locate`] for many offsets at once, in the order given: each line is walked
    /// once however many places are on it (linear in the text, plus sorting the offsets).
    pub fn locate_all(&self, offsets: &[usize]) -> Vec<(usize, usize)> {
        let mut order: Vec<usize> = (0..offsets.len()).collect();
        order.sort_by_key(|&i| offsets.get(i).copied().unwrap_or(0));
        let mut out = vec![(1, 1); offsets.len()];
        // The last place found: its line, byte offset and column.
        let mut last: Option<(usize, usize, usize)> = None;
        for i in order {
            let offset = offsets.get(i).copied().unwrap_or(0);
            let line = self.line_of(offset);
            let found = match last {
                Some((last_line, last_offset, last_column)) if last_line == line => self
                    .text
                    .get(last_offset..offset)
                    .map(|between| (line, last_column + between.chars().count())),
                _ => None,
            };
            let (line, column) = found.unwrap_or_else(|| self.locate(offset));
            last = Some((line, offset, column));
            if let Some(slot) = out.get_mut(i) {
                *slot = (line, column);
            }
        }
        out
    }

    /// The byte offset of 1-based `line` and `column`, clamped to the end of that line.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let start = self.line_start(line);
        let text = self.line_text(line);
        let skip = text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(text.len(), |(i, _)| i);
        start + skip
    }

    /// The text of 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self.starts.get(line).copied().unwrap_or(self.text.len());
        let text = self.text.get(start..end).unwrap_or_default();
        text.trim_end_matches(['\n', '\r'])
    }
}

/// The language of a fenced code block that may hold a fragment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FenceLanguage {
    Json,
    Yaml,
}

impl FenceLanguage {
    fn of(info: &str) -> Option<FenceLanguage> {
        let word = info.split_whitespace().next()?.to_ascii_lowercase();
        match word.as_str() {
            "json" => Some(FenceLanguage::Json),
            "yaml" | "yml" => Some(FenceLanguage::Yaml),
            _ => None,
        }
    }
}

/// A fenced code block being read.
struct Fence {
    language: FenceLanguage,
    /// The page line of the first content line (the line after the opening fence).
    first_line: usize,
    content: String,
}

/// A heading being read.
struct OpenHeading {
    line: usize,
    text: String,
}

fn page_fragments(input: &Input, out: &mut Vec<Fragment>, errors: &mut Vec<SourceError>) {
    let index = LineIndex::new(&input.text);
    let mut heading: Option<Heading> = None;
    let mut open_heading: Option<OpenHeading> = None;
    let mut fence: Option<Fence> = None;

    let parser = Parser::new_ext(&input.text, pulldown_cmark::Options::empty());
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                let (line, _) = index.locate(range.start);
                open_heading = Some(OpenHeading {
                    line,
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(open) = open_heading.take() {
                    heading = Heading::parse(open.text.trim(), open.line);
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                fence = FenceLanguage::of(&info).map(|language| Fence {
                    language,
                    first_line: index.locate(range.start).0 + 1,
                    // The block's text is at most the block: one allocation, not a doubling
                    // per text event of a many-megabyte page.
                    content: String::with_capacity(range.len()),
                });
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(fence) = fence.take() {
                    match fence_fragment(input, &index, &fence, heading.as_ref()) {
                        Ok(found) => out.extend(found),
                        Err(e) => errors.push(e),
                    }
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(open) = open_heading.as_mut() {
                    open.text.push_str(&text);
                } else if let Some(fence) = fence.as_mut() {
                    fence.content.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(open) = open_heading.as_mut() {
                    open.text.push(' ');
                }
            }
            _ => {}
        }
    }
}

/// The fragment in one fenced code block, if it holds one.
fn fence_fragment(
    input: &Input,
    index: &LineIndex<'_>,
    fence: &Fence,
    heading: Option<&Heading>,
) -> Result<Option<Fragment>, SourceError> {
    let value = match fence.language {
        FenceLanguage::Json => serde_json::from_str::<Value>(&fence.content).map_err(|e| {
            let (line, column) = json_error_position(&fence.content, &e);
            let position = page_position(index, fence, line, column);
            SourceError::at(
                &input.path,
                position,
                format!("invalid JSON in a ```json block: {}", json_message(&e)),
                "fix the JSON, or mark the block as another language if it is not JSON",
            )
        })?,
        FenceLanguage::Yaml => match crate::yaml::from_str(&fence.content) {
            Ok(value) => value,
            // YAML blocks that do not even look like OpenAPI are examples, like JSON blocks
            // without `openapi`; only report errors in ones that do.
            Err(_)
                if !fence
                    .content
                    .lines()
                    .any(|line| line.starts_with("openapi:")) =>
            {
                return Ok(None);
            }
            Err(e) => {
                let position = match (e.line, e.column) {
                    (Some(line), Some(column)) => page_position(index, fence, line, column),
                    _ => (fence.first_line, 1),
                };
                return Err(SourceError::at(
                    &input.path,
                    position,
                    format!("invalid YAML in a ```yaml block: {}", e.message),
                    "fix the YAML",
                ));
            }
        },
    };
    let is_openapi = value
        .as_object()
        .is_some_and(|object| object.contains_key("openapi"));
    if !is_openapi {
        return Ok(None);
    }
    if let Some(heading) = heading {
        check_heading(input, index, heading, fence.first_line, &value)?;
    }
    Ok(Some(Fragment {
        file: input.path.clone(),
        line: fence.first_line,
        heading: heading.cloned(),
        value,
    }))
}

/// The page line and column of `(line, column)` within a fence's content. Content lines are
/// page lines with any container prefix (indentation, `> `) removed, so the column is shifted by
/// what was removed.
fn page_position(
    index: &LineIndex<'_>,
    fence: &Fence,
    line: usize,
    column: usize,
) -> (usize, usize) {
    let page_line = fence.first_line + line - 1;
    let content_line = fence.content.lines().nth(line - 1).unwrap_or_default();
    let content_line = content_line.trim_end_matches('\r');
    let page_text = index.line_text(page_line);
    let removed = if page_text.ends_with(content_line) {
        page_text
            .chars()
            .count()
            .saturating_sub(content_line.chars().count())
    } else {
        0
    };
    (page_line, removed + column)
}

/// Checks that a fragment under an operation heading holds exactly that operation.
fn check_heading(
    input: &Input,
    index: &LineIndex<'_>,
    heading: &Heading,
    fragment_line: usize,
    value: &Value,
) -> Result<(), SourceError> {
    let operations = operations(value);
    let agrees = matches!(
        operations.as_slice(),
        [(path, method)] if *path == heading.path && *method == heading.method
    );
    let single_path = value
        .get("paths")
        .and_then(Value::as_object)
        .is_some_and(|paths| paths.len() == 1);
    if agrees && single_path {
        return Ok(());
    }
    let holds = if operations.is_empty() {
        "no operation".to_owned()
    } else {
        operations
            .iter()
            .map(|(path, method)| format!("`{} {path}`", method.to_ascii_uppercase()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let column = heading_column(index, heading.line);
    Err(SourceError::at(
        &input.path,
        (heading.line, column),
        format!(
            "the heading says `{heading}` but the OpenAPI block below it (line {fragment_line}) \
             holds {holds}"
        ),
        "make the heading and the operation agree",
    ))
}

/// The column where a heading's text starts (after `#`s and spaces), or 1.
fn heading_column(index: &LineIndex<'_>, line: usize) -> usize {
    let text = index.line_text(line);
    let trimmed = text.trim_start().trim_start_matches('#').trim_start();
    if trimmed.is_empty() {
        return 1;
    }
    text.chars().count() - trimmed.chars().count() + 1
}

/// Every `(path, method)` in a document's `paths`, in document order.
fn operations(value: &Value) -> Vec<(&str, &str)> {
    let Some(paths) = value.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (path, item) in paths {
        if let Some(item) = item.as_object() {
            for key in item.keys() {
                if let Some(method) = HttpMethod::from_key(key) {
                    out.push((path.as_str(), method.as_str()));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const JOBS: &str = include_str!("../../specs/syntho/jobs.md");

    fn page(name: &str, text: &str) -> Input {
        Input {
            path: PathBuf::from(name),
            text: text.to_owned(),
        }
    }

    fn error_of<T: fmt::Debug>(result: Result<T, SourceError>) -> SourceError {
        match result {
            Ok(value) => panic!("expected an error, got {value:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn seed_page_has_six_fragments_with_headings_and_lines() {
        let found = fragments(&[page("specs/syntho/jobs.md", JOBS)]);
        let Ok(found) = found else {
            panic!("{found:?}")
        };
        let summary: Vec<(usize, String, String, usize)> = found
            .iter()
            .map(|f| {
                let h = f
                    .heading
                    .clone()
                    .unwrap_or_else(|| panic!("no heading at {}", f.line));
                (f.line, h.method, h.path, h.line)
            })
            .collect();
        let expected = [
            (8, "get", "/api/v1/jobs/{engine_id}/latest/", 3),
            (16, "get", "/api/v1/jobs/{engine_id}/list/", 11),
            (24, "get", "/api/v1/jobs/{job_id}/", 19),
            (32, "put", "/api/v1/jobs/{job_id}/cancel/", 27),
            (40, "delete", "/api/v1/jobs/{job_id}/delete/", 35),
            (48, "get", "/api/v1/jobs/{job_id}/download_log/", 43),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|&(line, method, path, heading)| {
                (line, method.to_owned(), path.to_owned(), heading)
            })
            .collect();
        assert_eq!(summary, expected);
        assert!(
            found
                .iter()
                .all(|f| f.file == Path::new("specs/syntho/jobs.md"))
        );
    }

    #[test]
    fn examples_tags_quotes_and_object_sections_are_ordinary() {
        let text = "# Things\n\n{% hint style=\"info\" %}\nSome prose.\n{% endhint %}\n\n\
                    ## The Thing object\n\n>\n\n```json\n{\"openapi\":\"3.0.3\",\"components\":{}}\n```\n\n\
                    ## GET /things\n\n> List\n\n```JSON title=x\n{\"openapi\":\"3.0.3\",\"paths\":{\"/things\":{\"get\":{}}}}\n```\n\n\
                    ```json\n{\"example\": true}\n```\n\n```text\nnot json at all\n```\n";
        let found = fragments(&[page("p.md", text)]);
        let Ok(found) = found else {
            panic!("{found:?}")
        };
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].heading, None);
        assert_eq!(found[0].line, 12);
        let heading = Heading {
            method: "get".into(),
            path: "/things".into(),
            line: 15,
        };
        assert_eq!(found[1].heading, Some(heading));
        assert_eq!(found[1].line, 20);
    }

    #[test]
    fn heading_and_operation_must_agree() {
        let text = "# T\n\n## POST /api/v1/jobs/{job\\_id}/\n\n```json\n\
                    {\"openapi\":\"3.0.3\",\"paths\":{\"/api/v1/jobs/{job_id}/\":{\"get\":{}}}}\n```\n";
        let error = error_of(fragments(&[page("p.md", text)]));
        let shown = error.to_string();
        assert_eq!(error.location.line, Some(3), "{shown}");
        assert!(shown.starts_with("p.md:3:4: "), "{shown}");
        assert!(shown.contains("`POST /api/v1/jobs/{job_id}/`"), "{shown}");
        assert!(shown.contains("`GET /api/v1/jobs/{job_id}/`"), "{shown}");
        assert!(
            shown.ends_with("\n  help: make the heading and the operation agree"),
            "{shown}"
        );
    }

    #[test]
    fn heading_with_two_operations_is_an_error() {
        let text = "## GET /a\n\n```json\n\
                    {\"openapi\":\"3.0.3\",\"paths\":{\"/a\":{\"get\":{},\"put\":{}}}}\n```\n";
        let error = error_of(fragments(&[page("p.md", text)]));
        assert!(error.to_string().contains("`GET /a`, `PUT /a`"), "{error}");
    }

    #[test]
    fn invalid_json_points_at_the_page_line() {
        let text =
            "# T\n\n## GET /a\n\n```json\n{\"openapi\": \"3.0.3\",\n  \"paths\": {,}\n}\n```\n";
        let error = error_of(fragments(&[page("p.md", text)]));
        assert_eq!(error.location.line, Some(7), "{error}");
        assert_eq!(error.location.column, Some(13), "{error}");
        assert!(
            error.to_string().starts_with("p.md:7:13: invalid JSON"),
            "{error}"
        );
    }

    #[test]
    fn every_bad_fence_is_reported_and_good_ones_kept() {
        let text = "## GET /a\n\n```json\n{\"openapi\": }\n```\n\n## GET /b\n\n```json\n\
                    {\"openapi\":\"3.0.3\",\"paths\":{\"/b\":{\"get\":{}}}}\n```\n\n\
                    ## PUT /c\n\n```json\n{\"openapi\":\"3.0.3\",\"paths\":{\"/c\":{\"get\":{}}}}\n```\n";
        let (found, errors) = find_fragments(&[page("p.md", text)]);
        assert_eq!(found.len(), 1);
        let lines: Vec<Option<usize>> = errors.iter().map(|e| e.location.line).collect();
        assert_eq!(lines, [Some(4), Some(13)]);
        assert_eq!(error_of(fragments(&[page("p.md", text)])), errors[0]);
    }

    #[test]
    fn invalid_json_in_a_quoted_fence_counts_the_prefix() {
        let text = "> ```json\n> {\"a\": ]}\n> ```\n";
        let error = error_of(fragments(&[page("p.md", text)]));
        assert_eq!(
            (error.location.line, error.location.column),
            (Some(2), Some(9)),
            "{error}"
        );
    }

    #[test]
    fn yaml_fences_and_whole_files() {
        let text = "## GET /a\n\n```yaml\nopenapi: 3.0.3\npaths:\n  /a:\n    get: {}\n```\n\n\
                    ```yaml\nnot: [valid\n```\n";
        let found = fragments(&[page("p.md", text)]);
        let Ok(found) = found else {
            panic!("{found:?}")
        };
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, 4);
        assert_eq!(found[0].value["paths"]["/a"]["get"], serde_json::json!({}));

        let whole = page(
            "api.yaml",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
        );
        let found = fragments(&[whole]);
        let Ok(found) = found else {
            panic!("{found:?}")
        };
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].line, found[0].heading.clone()), (1, None));
        assert_eq!(found[0].value["info"]["version"], "1");

        let error = error_of(fragments(&[page("api.yml", "a: [1,\nb: 2\n")]));
        assert!(error.location.line.is_some(), "{error}");
        let error = error_of(fragments(&[page("api.json", "{\n  \"a\": 1,\n}")]));
        assert_eq!(error.location.line, Some(3), "{error}");
    }

    #[test]
    fn read_inputs_walks_sorts_and_deduplicates() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("tempdir")
        };
        let root = dir.path();
        let write = |name: &str| {
            let path = root.join(name);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
            }
            fs::write(&path, "# x\n").unwrap_or_else(|e| panic!("{e}"));
        };
        write("b.md");
        write("a/z.yaml");
        write("a/c.json");
        write("a/notes.txt");
        write(".hidden/x.md");
        write("a/.secret.md");
        fs::create_dir_all(root.join("empty")).unwrap_or_else(|e| panic!("{e}"));

        let forward = read_inputs(&[root.join("b.md"), root.to_path_buf()]);
        let backward = read_inputs(&[root.to_path_buf(), root.join("b.md")]);
        let (Ok(forward), Ok(backward)) = (forward, backward) else {
            panic!("read failed")
        };
        assert_eq!(forward, backward);
        let names: Vec<_> = forward
            .iter()
            .map(|i| i.path.strip_prefix(root).ok())
            .collect();
        let expected = ["a/c.json", "a/z.yaml", "b.md"].map(|n| Some(Path::new(n)));
        assert_eq!(names, expected);

        let error = error_of(read_inputs(&[root.join("empty")]));
        assert!(error.to_string().contains("empty input folder"), "{error}");
        let error = error_of(read_inputs(&[root.join("missing.md")]));
        assert!(
            error.to_string().contains("no such file or folder"),
            "{error}"
        );
        let error = error_of(read_inputs(&[]));
        assert!(
            error.to_string().starts_with("no inputs given\n  help: "),
            "{error}"
        );

        fs::write(root.join("bad.md"), b"ok\n\xff").unwrap_or_else(|e| panic!("{e}"));
        let error = error_of(read_inputs(&[root.join("bad.md")]));
        assert_eq!(
            (error.location.line, error.location.column),
            (Some(2), Some(1))
        );
    }
}
