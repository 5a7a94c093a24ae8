//! Stage 5: write a generated crate to disk atomically, or compare it with what is on disk.
//!
//! # What the generator owns
//!
//! In the crate folder `out`, the generator owns the files of the [`GeneratedCrate`]
//! (`Cargo.toml`, `openapi.json`, `src/*.rs`) and **everything else under `out/src/`**: a module
//! that is no longer generated is stale and is removed. Every other file and folder in `out`
//! (`README.md`, `examples/`, the user's own files) belongs to the user and is kept as it is,
//! bytes, permissions and modification time.
//!
//! # How a write works
//!
//! [`write_crate`] first compares the crate with the disk; when they match exactly nothing is
//! written (modification times stay, so Cargo rebuilds nothing). Otherwise it builds the complete
//! new crate folder next to `out`, in `.{name}.stitch-tmp-{pid}-{n}` in the same parent folder
//! (so the final renames stay on one file system): the generated files first, then copies of the
//! user's files. Only then does it swap the folders with renames: `out` becomes
//! `.{name}.stitch-old-{pid}-{n}`, the temporary folder becomes `out`, and the old folder is
//! deleted. A failure before the swap deletes the temporary folder and leaves `out` exactly as it
//! was; a failure during the swap renames the old folder back.
//!
//! # `target/`
//!
//! A `target/` folder directly inside `out` (left by running Cargo inside a crate that is not
//! part of a workspace) is neither copied nor deleted: copying a build cache would be slow, and
//! deleting it would throw the user's builds away. It is *moved* into the new folder with one
//! rename just before the swap (cheap: it stays on the same file system), and moved back when
//! the swap fails. The generator never writes anything under `target/`.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use crate::GeneratedCrate;

/// The folder under `out` whose whole content the generator owns.
const OWNED_FOLDER: &str = "src";

/// The build folder inside `out` that is moved, never copied (see the module docs).
const BUILD_FOLDER: &str = "target";

/// The longest excerpt of a line shown in a drift report, in characters.
const EXCERPT_CHARS: usize = 72;

/// Makes the names of temporary folders unique within one process (tests write in parallel).
static SEQUENCE: AtomicUsize = AtomicUsize::new(0);

/// Writing or checking a crate folder failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A file or folder could not be read.
    #[error("cannot read {}: {source}\n  help: check that it exists and that you may read it", path.display())]
    Read {
        /// What could not be read.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A file or folder could not be created or written.
    #[error("cannot write {}: {source}\n  help: check that the folder is writable and the disk is not full; nothing was changed in {}", path.display(), out.display())]
    Write {
        /// What could not be written.
        path: PathBuf,
        /// The crate folder (or file) that was being written, left as it was.
        out: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The lock on writing the crate folder could not be taken.
    #[error("cannot lock {} to write {}: {source}\n  help: check that the folder is readable; nothing was changed", path.display(), out.display())]
    Lock {
        /// What was to be locked.
        path: PathBuf,
        /// The crate folder.
        out: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The folder a file is to be written into does not exist (or is not a folder).
    #[error("the folder {} does not exist\n  help: create it first, or write somewhere else", path.display())]
    NoFolder {
        /// The missing folder.
        path: PathBuf,
    },
    /// `out` exists but is not a folder.
    #[error("{} is not a folder\n  help: give --out a folder (it is created when missing), or move the file away", path.display())]
    NotAFolder {
        /// The path given as the crate folder.
        path: PathBuf,
    },
    /// `out` has no folder name (`/`, or a path ending in `..` that does not exist).
    #[error("{} does not name a folder\n  help: give --out a folder such as `my-client`", path.display())]
    NoFolderName {
        /// The path given as the crate folder.
        path: PathBuf,
    },
    /// A user's file or folder stands where the generator writes (or needs a folder).
    #[error("{} is in the way: {what}\n  help: move it away (or rename it) and run again; nothing was changed", path.display())]
    InTheWay {
        /// The user's file or folder.
        path: PathBuf,
        /// What the generator wanted there.
        what: &'static str,
    },
    /// The generated crate names a path the generator must not write (a bug in stitch).
    #[error(
        "the generated crate holds the path `{path}`, which is not a plain relative path outside `target/`\n  help: this is a bug in stitch; please report it with the input pages"
    )]
    InvalidPath {
        /// The offending relative path.
        path: String,
    },
    /// Renaming the new folder into place failed.
    #[error("cannot put the new crate in place at {}: {source}{note}", out.display())]
    Swap {
        /// The crate folder.
        out: PathBuf,
        /// Why the rename failed.
        #[source]
        source: io::Error,
        /// What state the folders were left in, and what to do.
        note: String,
    },
    /// An earlier error, after which the temporary folder could not be removed.
    #[error("{original}\n  note: the temporary folder {} could not be removed ({source}); delete it by hand", leftover.display())]
    Cleanup {
        /// The error that made the write stop.
        original: Box<WriteError>,
        /// The temporary folder left behind.
        leftover: PathBuf,
        /// Why removing it failed.
        #[source]
        source: io::Error,
    },
    /// A document cannot be turned into text in the chosen format.
    #[error(
        "cannot write the merged document as {format}: {message}\n  help: write it in the other format (an --out file ending in .json, or in .yaml)"
    )]
    Render {
        /// `JSON` or `YAML`.
        format: &'static str,
        /// What the writer said.
        message: String,
    },
    /// A failure injected by `write_crate_with_fault` (unit tests only).
    #[cfg(test)]
    #[error("injected failure after writing {files} files (test hook)")]
    Injected {
        /// How many files had been written.
        files: usize,
    },
}

/// What [`write_crate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The folder already held exactly the generated crate; nothing was written.
    Unchanged,
    /// The folder was replaced by the new crate.
    Written {
        /// Generated files that were created or whose content changed (relative, `/`-separated).
        written: Vec<String>,
        /// Stale files under `src/` that were removed (relative, `/`-separated).
        removed: Vec<String>,
        /// Something that did not stop the write but needs the user's attention (the previous
        /// folder could not be deleted, say).
        warning: Option<String>,
    },
}

/// How a file on disk differs from the generated one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// The first line (1-based) that differs, with both versions; `None` where that side has
    /// no such line (the file ends earlier). Lines are excerpts around the first differing
    /// character, at most a few dozen characters long.
    Line {
        /// The 1-based line number.
        line: usize,
        /// The line in the file on disk.
        on_disk: Option<String>,
        /// The line the generator writes.
        generated: Option<String>,
    },
    /// A folder (or another non-file) stands where the generator writes a file.
    NotAFile,
}

/// How a crate folder differs from the generated crate. Paths are relative to the crate folder
/// and `/`-separated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drift {
    /// Generated files whose content on disk differs.
    pub changed: Vec<String>,
    /// Generated files that are not on disk.
    pub missing: Vec<String>,
    /// Files under `src/` that the generator no longer writes.
    pub stale: Vec<String>,
    /// For changed files, the first difference.
    pub details: BTreeMap<String, Difference>,
}

impl Drift {
    /// Whether the folder holds exactly the generated crate.
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.stale.is_empty()
    }

    /// A report for people: every drifted file as a path joined onto `out` (as `out` displays)
    /// with what is wrong, ending with `help: run `fix_command``.
    pub fn report(&self, out: &Path, fix_command: &str) -> String {
        self.render(
            out,
            &format!("run `{fix_command}` to update {}", out.display()),
        )
    }

    fn render(&self, out: &Path, help: &str) -> String {
        let name = if out.as_os_str().is_empty() {
            "the crate".to_owned()
        } else {
            out.display().to_string()
        };
        if self.is_clean() {
            return format!("{name} is up to date\n");
        }
        let count = self.changed.len() + self.missing.len() + self.stale.len();
        let files = if count == 1 { "file" } else { "files" };
        let mut text = format!(
            "{name} is out of date: {count} {files} differ from what the inputs generate\n"
        );
        let mut entries: Vec<(&str, &str)> = Vec::new();
        entries.extend(self.changed.iter().map(|p| (p.as_str(), "changed")));
        entries.extend(self.missing.iter().map(|p| (p.as_str(), "missing")));
        entries.extend(self.stale.iter().map(|p| (p.as_str(), "stale")));
        entries.sort();
        for (rel, kind) in entries {
            let path = join_rel(out, rel);
            let shown = path.display();
            match (kind, self.details.get(rel)) {
                (
                    "changed",
                    Some(Difference::Line {
                        line,
                        on_disk,
                        generated,
                    }),
                ) => {
                    text.push_str(&format!(
                        "  {shown}: changed, first at line {line}\n      on disk:   {}\n      generated: {}\n",
                        shown_line(on_disk.as_deref()),
                        shown_line(generated.as_deref()),
                    ));
                }
                ("changed", Some(Difference::NotAFile)) => {
                    text.push_str(&format!(
                        "  {shown}: is not a file, but the generator writes one there\n"
                    ));
                }
                ("changed", None) => text.push_str(&format!("  {shown}: changed\n")),
                ("missing", _) => {
                    text.push_str(&format!("  {shown}: missing (the generator writes it)\n"));
                }
                _ => text.push_str(&format!(
                    "  {shown}: stale (not generated; the generator owns src/ and removes it)\n"
                )),
            }
        }
        text.push_str(&format!("help: {help}\n"));
        text
    }
}

impl fmt::Display for Drift {
    /// The report with paths relative to the crate folder; see [`Drift::report`] for one that
    /// names the folder and the command to run.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Path::new(""), "regenerate the crate to update it"))
    }
}

/// One side of a changed line, quoted so that whitespace differences show.
fn shown_line(line: Option<&str>) -> String {
    match line {
        Some(line) => format!("{line:?}"),
        None => "(end of file)".to_owned(),
    }
}

/// Writes `krate` into the folder `out` atomically (see the module docs): the generated files
/// replace the old ones, stale files under `src/` disappear, everything else in `out` is kept.
/// When `out` already holds exactly `krate`, nothing is written.
pub fn write_crate(krate: &GeneratedCrate, out: &Path) -> Result<WriteOutcome, WriteError> {
    write_with(krate, out, Fault::None)
}

/// [`write_crate`], failing on purpose before the `fail_after_files + 1`-th file is written into
/// the temporary folder (generated and copied files count alike). For tests of atomicity: when
/// the crate has no more files than that, the write succeeds. Unit tests only.
#[cfg(test)]
fn write_crate_with_fault(
    krate: &GeneratedCrate,
    out: &Path,
    fail_after_files: usize,
) -> Result<WriteOutcome, WriteError> {
    write_with(krate, out, Fault::AfterFiles(fail_after_files))
}

/// Compares `krate` with the folder `out`. A missing folder is not an error: every generated
/// file is then missing.
pub fn check_crate(krate: &GeneratedCrate, out: &Path) -> Result<Drift, WriteError> {
    validate(krate)?;
    let folder = resolve_out(out)?;
    drift_of(krate, &folder.path, folder.exists)
}

/// A failure to inject, for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    /// Writing fails before the file after this many (see `write_crate_with_fault`).
    #[cfg(test)]
    AfterFiles(usize),
    /// Renaming the new folder into place fails (after `out` was moved away).
    #[cfg(test)]
    Swap,
}

/// The crate folder as the file system sees it.
struct OutFolder {
    /// The path to work on (symbolic links resolved).
    path: PathBuf,
    /// Whether it exists.
    exists: bool,
}

fn resolve_out(out: &Path) -> Result<OutFolder, WriteError> {
    let read_error = |source| WriteError::Read {
        path: out.to_path_buf(),
        source,
    };
    match fs::symlink_metadata(out) {
        Ok(meta) => {
            let path = if meta.file_type().is_symlink() || out.file_name().is_none() {
                fs::canonicalize(out).map_err(read_error)?
            } else {
                out.to_path_buf()
            };
            let meta = fs::metadata(&path).map_err(read_error)?;
            if !meta.is_dir() {
                return Err(WriteError::NotAFolder {
                    path: out.to_path_buf(),
                });
            }
            Ok(OutFolder { path, exists: true })
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if out.file_name().is_none() {
                return Err(WriteError::NoFolderName {
                    path: out.to_path_buf(),
                });
            }
            Ok(OutFolder {
                path: out.to_path_buf(),
                exists: false,
            })
        }
        Err(e) => Err(read_error(e)),
    }
}

/// Every path of the crate must be relative, plain (no `.`, `..`, empty parts, backslashes or
/// drive letters) and outside `target/`.
fn validate(krate: &GeneratedCrate) -> Result<(), WriteError> {
    for rel in krate.files.keys() {
        let mut parts = rel.split('/');
        let plain = rel.split('/').all(|part| {
            !part.is_empty() && part != "." && part != ".." && !part.contains(['\\', ':'])
        });
        if !plain || parts.next() == Some(BUILD_FOLDER) {
            return Err(WriteError::InvalidPath { path: rel.clone() });
        }
    }
    Ok(())
}

/// `base` joined with a `/`-separated relative path.
fn join_rel(base: &Path, rel: &str) -> PathBuf {
    let mut path = base.to_path_buf();
    path.extend(rel.split('/'));
    path
}

fn drift_of(krate: &GeneratedCrate, out: &Path, exists: bool) -> Result<Drift, WriteError> {
    let mut drift = Drift::default();
    if !exists {
        drift.missing = krate.files.keys().cloned().collect();
        return Ok(drift);
    }
    for (rel, content) in &krate.files {
        let path = join_rel(out, rel);
        let meta = match fs::metadata(&path) {
            Ok(meta) => meta,
            // A file where a folder of the path should be: the generated file is not there.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                drift.missing.push(rel.clone());
                continue;
            }
            Err(source) => return Err(WriteError::Read { path, source }),
        };
        if !meta.is_file() {
            drift.changed.push(rel.clone());
            drift.details.insert(rel.clone(), Difference::NotAFile);
            continue;
        }
        let on_disk = fs::read(&path).map_err(|source| WriteError::Read { path, source })?;
        if on_disk != content.as_bytes() {
            drift.changed.push(rel.clone());
            let on_disk = String::from_utf8_lossy(&on_disk);
            drift
                .details
                .insert(rel.clone(), first_difference(&on_disk, content));
        }
    }
    let src = out.join(OWNED_FOLDER);
    if fs::metadata(&src).is_ok_and(|meta| meta.is_dir()) {
        let mut found = Vec::new();
        list_files(&src, OWNED_FOLDER, &mut found)?;
        drift.stale = found
            .into_iter()
            .filter(|rel| !krate.files.contains_key(rel))
            .collect();
    }
    Ok(drift)
}

/// Every non-folder under `dir` (not following links), as `/`-separated paths below `prefix`.
fn list_files(dir: &Path, prefix: &str, found: &mut Vec<String>) -> Result<(), WriteError> {
    for (name, path, file_type) in sorted_entries(dir)? {
        let rel = format!("{prefix}/{}", name.to_string_lossy());
        if file_type.is_dir() {
            list_files(&path, &rel, found)?;
        } else {
            found.push(rel);
        }
    }
    Ok(())
}

/// The entries of `dir`, sorted by name.
fn sorted_entries(dir: &Path) -> Result<Vec<(OsString, PathBuf, fs::FileType)>, WriteError> {
    let read_error = |source| WriteError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(|source| WriteError::Read {
            path: path.clone(),
            source,
        })?;
        entries.push((entry.file_name(), path, file_type));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

/// The first line where `on_disk` and `generated` differ.
fn first_difference(on_disk: &str, generated: &str) -> Difference {
    let mut disk_lines = on_disk.split('\n');
    let mut generated_lines = generated.split('\n');
    let mut line = 0;
    loop {
        line += 1;
        match (disk_lines.next(), generated_lines.next()) {
            (Some(a), Some(b)) if a == b => continue,
            (None, None) => {
                // Unreachable for different texts; report the end rather than panic.
                return Difference::Line {
                    line,
                    on_disk: None,
                    generated: None,
                };
            }
            (a, b) => {
                let (a, b) = excerpts(a, b);
                return Difference::Line {
                    line,
                    on_disk: a,
                    generated: b,
                };
            }
        }
    }
}

/// Excerpts of two lines around their first differing character.
fn excerpts(a: Option<&str>, b: Option<&str>) -> (Option<String>, Option<String>) {
    let common = match (a, b) {
        (Some(a), Some(b)) => a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count(),
        _ => 0,
    };
    // Start a little before the difference, so that it shows with some context.
    let start = common.saturating_sub(EXCERPT_CHARS / 3);
    let cut = |line: &str| {
        let total = line.chars().count();
        let mut text: String = line.chars().skip(start).take(EXCERPT_CHARS).collect();
        if start > 0 {
            text.insert(0, '…');
        }
        if start + EXCERPT_CHARS < total {
            text.push('…');
        }
        text
    };
    (a.map(cut), b.map(cut))
}

fn write_with(
    krate: &GeneratedCrate,
    out: &Path,
    fault: Fault,
) -> Result<WriteOutcome, WriteError> {
    validate(krate)?;
    let folder = resolve_out(out)?;
    let name = folder
        .path
        .file_name()
        .ok_or_else(|| WriteError::NoFolderName {
            path: out.to_path_buf(),
        })?;
    let parent = match folder.path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.exists {
        fs::create_dir_all(&parent).map_err(|source| WriteError::Write {
            path: parent.clone(),
            out: out.to_path_buf(),
            source,
        })?;
    }
    // Everything from here on sees `out` as no other stitch run changes it.
    let _lock = lock_out(&parent, out)?;
    // Another run may have written `out` while this one waited.
    let folder = resolve_out(out)?;
    recover_leftovers(&parent, name, &folder.path);
    let drift = drift_of(krate, &folder.path, folder.exists)?;
    if folder.exists && drift.is_clean() {
        return Ok(WriteOutcome::Unchanged);
    }
    let sibling = |kind: &str| {
        let mut file_name = OsString::from(".");
        file_name.push(name);
        let sequence = SEQUENCE.fetch_add(1, Ordering::Relaxed);
        file_name.push(format!(".stitch-{kind}-{}-{sequence}", std::process::id()));
        parent.join(file_name)
    };
    let tmp = sibling("tmp");
    let old = sibling("old");

    // A leftover of an earlier process that had our process id is ours to remove.
    if fs::symlink_metadata(&tmp).is_ok() {
        fs::remove_dir_all(&tmp).map_err(|source| WriteError::Write {
            path: tmp.clone(),
            out: out.to_path_buf(),
            source,
        })?;
    }
    fs::create_dir(&tmp).map_err(|source| WriteError::Write {
        path: tmp.clone(),
        out: out.to_path_buf(),
        source,
    })?;

    let mut builder = Builder {
        krate,
        out,
        old_folder: &folder.path,
        tmp: &tmp,
        #[cfg(test)]
        fault,
        #[cfg(test)]
        files: 0,
    };
    if let Err(error) = builder.fill(&drift, folder.exists) {
        return Err(remove_tmp(error, &tmp));
    }

    let warning = if folder.exists {
        swap(&folder.path, out, &tmp, &old, fault)?
    } else {
        fs::rename(&tmp, &folder.path).map_err(|source| {
            remove_tmp(
                WriteError::Swap {
                    out: out.to_path_buf(),
                    source,
                    note: String::from(
                        "\n  help: nothing was changed; check that the parent folder is writable",
                    ),
                },
                &tmp,
            )
        })?;
        None
    };
    let mut written = drift.changed;
    written.extend(drift.missing);
    written.sort();
    Ok(WriteOutcome::Written {
        written,
        removed: drift.stale,
        warning,
    })
}

/// Removes the temporary folder after `error`, reporting a failure to do so as well.
fn remove_tmp(error: WriteError, tmp: &Path) -> WriteError {
    match fs::remove_dir_all(tmp) {
        Ok(()) => error,
        Err(source) => WriteError::Cleanup {
            original: Box::new(error),
            leftover: tmp.to_path_buf(),
            source,
        },
    }
}

/// Fills the temporary folder with the new crate.
struct Builder<'a> {
    krate: &'a GeneratedCrate,
    /// The crate folder as the user named it (for messages).
    out: &'a Path,
    /// The crate folder to copy the user's files from.
    old_folder: &'a Path,
    tmp: &'a Path,
    /// The fault to inject while filling the folder.
    #[cfg(test)]
    fault: Fault,
    /// Files written so far (counted for `Fault::AfterFiles`).
    #[cfg(test)]
    files: usize,
}

impl Builder<'_> {
    fn fill(&mut self, drift: &Drift, exists: bool) -> Result<(), WriteError> {
        let krate = self.krate;
        let unchanged = |rel: &String| !drift.changed.contains(rel) && !drift.missing.contains(rel);
        for (rel, content) in &krate.files {
            let path = join_rel(self.tmp, rel);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(|source| self.write_error(dir, source))?;
            }
            self.count_file()?;
            fs::write(&path, content).map_err(|source| self.write_error(&path, source))?;
            if exists && unchanged(rel) {
                // Same bytes as before: keep the modification time too.
                keep_modified(&join_rel(self.old_folder, rel), &path);
            }
        }
        if !exists {
            return Ok(());
        }
        // Ancestors of generated files must stay folders.
        let mut owned_folders = BTreeSet::new();
        for rel in krate.files.keys() {
            let mut parts: Vec<&str> = rel.split('/').collect();
            parts.pop();
            while !parts.is_empty() {
                owned_folders.insert(parts.join("/"));
                parts.pop();
            }
        }
        for (name, path, file_type) in sorted_entries(self.old_folder)? {
            let rel = name.to_string_lossy().into_owned();
            if rel == OWNED_FOLDER || name == BUILD_FOLDER {
                continue;
            }
            self.copy_user(&path, &rel, file_type, &owned_folders)?;
        }
        Ok(())
    }

    /// Copies the user's entry `from` (at `rel` in the crate) into the temporary folder.
    fn copy_user(
        &mut self,
        from: &Path,
        rel: &str,
        file_type: fs::FileType,
        owned_folders: &BTreeSet<String>,
    ) -> Result<(), WriteError> {
        let to = join_rel(self.tmp, rel);
        if file_type.is_dir() {
            if self.krate.files.contains_key(rel) {
                return Err(WriteError::InTheWay {
                    path: from.to_path_buf(),
                    what: "a folder stands where the generator writes a file",
                });
            }
            fs::create_dir_all(&to).map_err(|source| self.write_error(&to, source))?;
            for (name, path, file_type) in sorted_entries(from)? {
                let rel = format!("{rel}/{}", name.to_string_lossy());
                self.copy_user(&path, &rel, file_type, owned_folders)?;
            }
            // Permissions last: a read-only folder must be filled first.
            let permissions = fs::metadata(from)
                .map_err(|source| WriteError::Read {
                    path: from.to_path_buf(),
                    source,
                })?
                .permissions();
            fs::set_permissions(&to, permissions)
                .map_err(|source| self.write_error(&to, source))?;
            return Ok(());
        }
        if self.krate.files.contains_key(rel) {
            // The generator's file replaces it.
            return Ok(());
        }
        if owned_folders.contains(rel) {
            return Err(WriteError::InTheWay {
                path: from.to_path_buf(),
                what: "the generator writes files in a folder of this name",
            });
        }
        self.count_file()?;
        if file_type.is_symlink() {
            copy_symlink(from, &to).map_err(|source| self.write_error(&to, source))?;
        } else if file_type.is_file() {
            fs::copy(from, &to).map_err(|source| self.write_error(&to, source))?;
            keep_modified(from, &to);
        } else {
            return Err(WriteError::InTheWay {
                path: from.to_path_buf(),
                what: "it is not a file, folder or link, so it cannot be carried over",
            });
        }
        Ok(())
    }

    /// Counts one more file, failing when a fault is due.
    #[cfg(test)]
    fn count_file(&mut self) -> Result<(), WriteError> {
        if let Fault::AfterFiles(limit) = self.fault
            && self.files >= limit
        {
            return Err(WriteError::Injected { files: self.files });
        }
        self.files += 1;
        Ok(())
    }

    /// Counts one more file: outside unit tests no fault is ever due.
    #[cfg(not(test))]
    #[allow(clippy::unnecessary_wraps, clippy::unused_self)] // the shape of the test version
    fn count_file(&mut self) -> Result<(), WriteError> {
        Ok(())
    }

    fn write_error(&self, path: &Path, source: io::Error) -> WriteError {
        WriteError::Write {
            path: path.to_path_buf(),
            out: self.out.to_path_buf(),
            source,
        }
    }
}

/// Gives `to` the modification time of `from`, as far as the platform allows. This is a
/// courtesy (fewer rebuilds, honest timestamps on the user's files), so failing is not an error.
fn keep_modified(from: &Path, to: &Path) {
    let Ok(modified) = fs::metadata(from).and_then(|meta| meta.modified()) else {
        return;
    };
    let set = |file: fs::File, time: SystemTime| file.set_modified(time);
    let done = fs::File::open(to).and_then(|file| set(file, modified));
    if done.is_err() {
        let _ignored = fs::File::options()
            .write(true)
            .open(to)
            .and_then(|file| set(file, modified));
    }
}

#[cfg(unix)]
fn copy_symlink(from: &Path, to: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(fs::read_link(from)?, to)
}

#[cfg(not(unix))]
fn copy_symlink(from: &Path, to: &Path) -> io::Result<()> {
    // Without portable symbolic links, carry over what the link points to.
    fs::copy(from, to).map(|_| ())
}

/// Swaps the filled temporary folder `tmp` with the crate folder `real` (named `out` in
/// messages), keeping the old one at `old` until the new one is in place. Returns a warning
/// when the old folder could not be deleted afterwards.
fn swap(
    real: &Path,
    out: &Path,
    tmp: &Path,
    old: &Path,
    fault: Fault,
) -> Result<Option<String>, WriteError> {
    let swap_error = |source, note: String| WriteError::Swap {
        out: out.to_path_buf(),
        source,
        note,
    };
    let build = real.join(BUILD_FOLDER);
    let moved_build = tmp.join(BUILD_FOLDER);
    let has_build = fs::symlink_metadata(&build).is_ok();
    if has_build && let Err(source) = fs::rename(&build, &moved_build) {
        let note = "\n  help: nothing was changed; the crate's target/ folder could not be moved (delete it, or run again)".to_owned();
        return Err(remove_tmp(swap_error(source, note), tmp));
    }
    // Moves target/ back into `real`; a note for the user when that fails.
    let restore_build = || -> Option<String> {
        if !has_build {
            return None;
        }
        fs::rename(&moved_build, &build).err().map(|e| {
            format!(
                "\n  help: the crate's build folder is at {} ({e}); move it back to {}",
                moved_build.display(),
                build.display()
            )
        })
    };

    // The swap failed with the crate folder as it was: target/ moved back, `tmp` removed.
    let left_as_it_was = |source: io::Error| {
        let mut note = String::from(
            "\n  help: the crate folder was left as it was; check that no other program holds files in it, then run again",
        );
        match restore_build() {
            None => remove_tmp(swap_error(source, note), tmp),
            Some(stranded) => {
                note.push_str(&stranded);
                swap_error(source, note)
            }
        }
    };

    // Linux: one atomic exchange; `tmp` then holds the old crate.
    let exchanged = match fault {
        #[cfg(test)]
        Fault::Swap => Err(io::Error::other("injected failure during the swap")),
        _ => exchange(tmp, real),
    };
    match exchanged {
        Ok(true) => {
            return Ok(fs::remove_dir_all(tmp).err().map(|e| {
                format!(
                    "the previous crate folder {} could not be deleted ({e}); delete it by hand",
                    tmp.display()
                )
            }));
        }
        Ok(false) => {}
        Err(source) => return Err(left_as_it_was(source)),
    }

    // Elsewhere: two renames, the old folder put back when the second fails.
    if let Err(source) = fs::rename(real, old) {
        return Err(left_as_it_was(source));
    }

    if let Err(source) = fs::rename(tmp, real) {
        return Err(match fs::rename(old, real) {
            Ok(()) => {
                let mut note =
                    String::from("\n  help: the previous crate folder was put back; run again");
                match restore_build() {
                    None => remove_tmp(swap_error(source, note), tmp),
                    Some(stranded) => {
                        note.push_str(&stranded);
                        swap_error(source, note)
                    }
                }
            }
            Err(restore) => swap_error(
                source,
                format!(
                    "\n  help: moving the previous crate back failed too ({restore}): it is at {}; rename it to {} by hand{}",
                    old.display(),
                    real.display(),
                    if has_build {
                        format!(" and move {} back into it", moved_build.display())
                    } else {
                        String::new()
                    }
                ),
            ),
        });
    }

    Ok(fs::remove_dir_all(old).err().map(|e| {
        format!(
            "the previous crate folder {} could not be deleted ({e}); delete it by hand",
            old.display()
        )
    }))
}

/// Exchanges the folders `a` and `b` atomically: `Ok(false)` where the platform or the file
/// system has no such exchange (the caller then falls back to two renames).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Exchanges the folders `a` and `b` atomically: `Ok(false)` where the platform or the file
/// system has no such exchange (the caller then falls back to two renames).
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

/// The exclusive lock on writing one crate folder, held until dropped (see the module docs).
struct OutLock {
    /// The locked folder (Unix); the lock goes with the file descriptor.
    #[cfg(unix)]
    _folder: fs::File,
}

/// Takes the lock on writing a crate folder in `parent`, waiting for a run that holds it: an
/// advisory `flock` on the parent folder (std's `File::lock` is newer than this crate's minimum
/// Rust). `out` names the crate folder in messages. Where there is no `flock` (not Unix), runs
/// are not serialized.
fn lock_out(parent: &Path, out: &Path) -> Result<OutLock, WriteError> {
    #[cfg(unix)]
    {
        use rustix::fs::{FlockOperation, flock};
        let locked = fs::File::open(parent).and_then(|folder| {
            flock(&folder, FlockOperation::LockExclusive)
                .map(|()| folder)
                .map_err(io::Error::from)
        });
        match locked {
            Ok(folder) => Ok(OutLock { _folder: folder }),
            Err(source) => Err(WriteError::Lock {
                path: parent.to_path_buf(),
                out: out.to_path_buf(),
                source,
            }),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (parent, out);
        Ok(OutLock {})
    }
}

/// Clears what a killed run left beside the crate folder `real` (called holding the lock, so
/// no live run owns them): each `.{name}.stitch-tmp-*` folder gives back the `target/` it holds
/// when `real` has none, then is deleted. Best effort: a leftover that cannot be cleared stays,
/// and a `target/` that cannot be moved back keeps its folder alive.
fn recover_leftovers(parent: &Path, name: &std::ffi::OsStr, real: &Path) {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".stitch-tmp-");
    let Some(prefix) = prefix.to_str() else {
        return;
    };
    let Ok(entries) = sorted_entries(parent) else {
        return;
    };
    for (file_name, path, file_type) in entries {
        if !file_type.is_dir() || !file_name.to_str().is_some_and(|n| n.starts_with(prefix)) {
            continue;
        }
        let build = path.join(BUILD_FOLDER);
        let real_build = real.join(BUILD_FOLDER);
        if fs::symlink_metadata(&build).is_ok() {
            let stranded = fs::symlink_metadata(real).is_ok_and(|m| m.is_dir())
                && fs::symlink_metadata(&real_build).is_err();
            if !stranded || fs::rename(&build, &real_build).is_err() {
                continue;
            }
        }
        let _ignored = fs::remove_dir_all(&path);
    }
}

/// How a merged OpenAPI document is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    /// Pretty-printed JSON.
    Json,
    /// YAML.
    Yaml,
}

impl DocumentFormat {
    /// YAML for paths ending in `.yaml` or `.yml` (any case), JSON otherwise.
    pub fn for_path(path: &Path) -> DocumentFormat {
        let yaml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        if yaml {
            DocumentFormat::Yaml
        } else {
            DocumentFormat::Json
        }
    }
}

/// A document as text in `format`, ending with a newline.
pub fn render_document(
    value: &serde_json::Value,
    format: DocumentFormat,
) -> Result<String, WriteError> {
    let mut text = match format {
        DocumentFormat::Json => {
            serde_json::to_string_pretty(value).map_err(|e| WriteError::Render {
                format: "JSON",
                message: e.to_string(),
            })?
        }
        DocumentFormat::Yaml => crate::yaml::to_string(value).map_err(|e| WriteError::Render {
            format: "YAML",
            message: e.to_string(),
        })?,
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Writes a document to the file `path` (YAML for `.yaml`/`.yml`, JSON otherwise) atomically:
/// into a temporary file beside it, then renamed over it. The folder must exist: a typo in
/// `--out` should not silently create a tree of folders.
pub fn write_document(value: &serde_json::Value, path: &Path) -> Result<(), WriteError> {
    let text = render_document(value, DocumentFormat::for_path(path))?;
    let write_error = |at: &Path, source| WriteError::Write {
        path: at.to_path_buf(),
        out: path.to_path_buf(),
        source,
    };
    let name = path.file_name().ok_or_else(|| WriteError::NoFolderName {
        path: path.to_path_buf(),
    })?;
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match fs::metadata(&parent) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(WriteError::NoFolder { path: parent }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(WriteError::NoFolder { path: parent });
        }
        Err(source) => return Err(write_error(&parent, source)),
    }
    let mut tmp_name = OsString::from(".");
    tmp_name.push(name);
    let sequence = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    tmp_name.push(format!(".stitch-tmp-{}-{sequence}", std::process::id()));
    let tmp = parent.join(tmp_name);
    let written = fs::write(&tmp, text).and_then(|()| fs::rename(&tmp, path));
    if let Err(source) = written {
        let _ignored = fs::remove_file(&tmp);
        return Err(write_error(path, source));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    type Tree = BTreeMap<String, Vec<u8>>;

    fn krate(files: &[(&str, &str)]) -> GeneratedCrate {
        GeneratedCrate {
            files: files
                .iter()
                .map(|(p, c)| ((*p).to_owned(), (*c).to_owned()))
                .collect(),
        }
    }

    fn v1() -> GeneratedCrate {
        krate(&[
            ("Cargo.toml", "[package]\nname = \"c\"\n"),
            ("openapi.json", "{}\n"),
            ("src/lib.rs", "pub mod a;\npub mod b;\n"),
            ("src/a.rs", "pub struct A;\n"),
            ("src/b.rs", "pub struct B;\n"),
        ])
    }

    fn v2() -> GeneratedCrate {
        krate(&[
            ("Cargo.toml", "[package]\nname = \"c\"\n"),
            ("openapi.json", "{\"x\": 1}\n"),
            ("src/lib.rs", "pub mod a;\n"),
            ("src/a.rs", "pub struct A;\npub struct Z;\n"),
        ])
    }

    /// Every file under `dir` (not following links) with its bytes; links as `-> target`.
    fn tree(dir: &Path) -> Tree {
        fn walk(dir: &Path, prefix: &str, tree: &mut Tree) {
            for (name, path, file_type) in sorted_entries(dir).expect("read folder") {
                let rel = format!("{prefix}{}", name.to_string_lossy());
                if file_type.is_dir() {
                    tree.insert(format!("{rel}/"), Vec::new());
                    walk(&path, &format!("{rel}/"), tree);
                } else if file_type.is_symlink() {
                    let target = fs::read_link(&path).expect("read link");
                    tree.insert(rel, format!("-> {}", target.display()).into_bytes());
                } else {
                    tree.insert(rel, fs::read(&path).expect("read file"));
                }
            }
        }
        let mut tree = Tree::new();
        walk(dir, "", &mut tree);
        tree
    }

    /// The names in `parent` (to see leftover temporary folders).
    fn names(parent: &Path) -> Vec<String> {
        sorted_entries(parent)
            .expect("read parent")
            .into_iter()
            .map(|(name, _, _)| name.to_string_lossy().into_owned())
            .collect()
    }

    fn user_files(out: &Path) {
        fs::write(out.join("README.md"), "# mine\n").expect("README");
        fs::create_dir_all(out.join("examples/deep")).expect("examples");
        fs::write(out.join("examples/demo.rs"), "fn main() {}\n").expect("example");
        fs::write(out.join("examples/deep/x.txt"), "x").expect("deep");
    }

    #[test]
    fn writes_a_new_crate_into_a_missing_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("nested/client");
        let outcome = write_crate(&v1(), &out).expect("write");
        let WriteOutcome::Written {
            written,
            removed,
            warning,
        } = outcome
        else {
            panic!("a new crate was not written")
        };
        assert_eq!(written.len(), 5);
        assert!(removed.is_empty() && warning.is_none());
        assert_eq!(
            tree(&out).get("src/a.rs").map(Vec::as_slice),
            Some(&b"pub struct A;\n"[..])
        );
        assert!(check_crate(&v1(), &out).expect("check").is_clean());
        assert_eq!(names(&dir.path().join("nested")), ["client"]);
    }

    #[test]
    fn keeps_user_files_and_removes_stale_modules() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("client");
        write_crate(&v1(), &out).expect("first write");
        user_files(&out);
        fs::write(out.join("src/handwritten.rs"), "// stale\n").expect("stale file");
        let before = tree(&out);

        let outcome = write_crate(&v2(), &out).expect("second write");
        let WriteOutcome::Written {
            written, removed, ..
        } = outcome
        else {
            panic!("a changed crate was not written")
        };
        assert_eq!(written, ["openapi.json", "src/a.rs", "src/lib.rs"]);
        assert_eq!(removed, ["src/b.rs", "src/handwritten.rs"]);

        let after = tree(&out);
        for user in ["README.md", "examples/demo.rs", "examples/deep/x.txt"] {
            assert_eq!(after.get(user), before.get(user), "{user} was not kept");
        }
        assert!(!after.contains_key("src/b.rs") && !after.contains_key("src/handwritten.rs"));
        assert!(check_crate(&v2(), &out).expect("check").is_clean());
        assert_eq!(
            names(dir.path()),
            ["client"],
            "a temporary folder was left behind"
        );
    }

    #[test]
    fn user_files_keep_their_modification_time() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("client");
        write_crate(&v1(), &out).expect("first write");
        user_files(&out);
        let long_ago = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        let readme = out.join("README.md");
        fs::File::options()
            .write(true)
            .open(&readme)
            .and_then(|f| f.set_modified(long_ago))
            .expect("set time");
        write_crate(&v2(), &out).expect("second write");
        let modified = fs::metadata(&readme)
            .and_then(|m| m.modified())
            .expect("mtime");
        assert_eq!(modified, long_ago);
    }

    #[test]
    fn an_up_to_date_crate_is_not_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("client");
        write_crate(&v1(), &out).expect("first write");
        let long_ago = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        let lib = out.join("src/lib.rs");
        fs::File::options()
            .write(true)
            .open(&lib)
            .and_then(|f| f.set_modified(long_ago))
            .expect("set time");
        assert_eq!(
            write_crate(&v1(), &out).expect("second write"),
            WriteOutcome::Unchanged
        );
        let modified = fs::metadata(&lib)
            .and_then(|m| m.modified())
            .expect("mtime");
        assert_eq!(modified, long_ago, "an unchanged file was rewritten");
    }

    #[test]
    fn an_injected_failure_leaves_the_old_crate_as_it_was() {
        for fail_after in [0, 1, 4, 6] {
            let dir = tempfile::tempdir().expect("tempdir");
            let out = dir.path().join("client");
            write_crate(&v1(), &out).expect("first write");
            user_files(&out);
            let before = tree(&out);
            let error = write_crate_with_fault(&v2(), &out, fail_after).expect_err("fault");
            assert!(matches!(error, WriteError::Injected { .. }), "{error}");
            assert_eq!(
                tree(&out),
                before,
                "failing after {fail_after} files changed the crate"
            );
            assert_eq!(
                names(dir.path()),
                ["client"],
                "a temporary folder was left behind"
            );
        }
    }

    #[test]
    fn a_failed_swap_puts_the_old_crate_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("client");
        write_crate(&v1(), &out).expect("first write");
        user_files(&out);
        fs::create_dir_all(out.join("target/debug")).expect("target");
        fs::write(out.join("target/debug/cache"), "build").expect("cache");
        let before = tree(&out);
        let error = write_with(&v2(), &out, Fault::Swap).expect_err("fault");
        assert!(error.to_string().contains("run again"), "{error}");
        assert_eq!(tree(&out), before);
        assert_eq!(names(dir.path()), ["client"]);
    }

    /// Issue 12 item 10: concurrent runs on one folder deleted `target/` and left user files in
    /// `.client.stitch-old-*`. With the lock, each run sees the folder the previous one wrote.
    #[test]
    fn concurrent_writes_to_one_folder_lose_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("client");
        write_crate(&v1(), &out).expect("first write");
        user_files(&out);
        fs::create_dir_all(out.join("target/debug")).expect("target");
        fs::write(out.join("target/debug/cache"), "build").expect("cache");
        let generated: BTreeSet<String> = v1()
            .files
            .into_keys()
            .chain(v2().files.into_keys())
            .collect();
        let user = |tree: &Tree| -> Tree {
            tree.iter()
                .filter(|(rel, _)| !rel.starts_with("src/") && !generated.contains(*rel))
                .map(|(rel, bytes)| (rel.clone(), bytes.clone()))
                .collect()
        };
        let before = user(&tree(&out));
        std::thread::scope(|scope| {
            for thread in 0..4 {
                let out = &out;
                scope.spawn(move || {
                    for round in 0..20 {
                        let krate = if (thread + round) % 2 == 0 {
                            v1()
                        } else {
                            v2()
                        };
                        write_crate(&krate, out).expect("write");
                    }
                });
            }
        });
        assert_eq!(user(&tree(&out)), before, "user files and target/ kept");
        assert_eq!(names(dir.path()), ["client"], "no leftovers");
    }

    #[test]
    fn a_killed_runs_leftover_gives_back_target_and_is_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("client");
        write_crate(&v1(), &out).expect("first write");
        // What a run killed after moving target/ aside, before the exchange, leaves.
        let leftover = dir.path().join(".client.stitch-tmp-999999-0");
        fs::create_dir_all(leftover.join("target/debug")).expect("leftover");
        fs::write(leftover.join("target/debug/cache"), "build").expect("cache");
        fs::write(leftover.join("Cargo.toml"), "partial").expect("partial");
        write_crate(&v2(), &out).expect("write");
        assert_eq!(
            fs::read_to_string(out.join("target/debug/cache"))
                .ok()
                .as_deref(),
            Some("build")
        );
        assert_eq!(names(dir.path()), ["client"]);
    }

    #[test]
    fn the_build_folder_is_moved_not_copied_or_lost() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("client");
        write_crate(&v1(), &out).expect("first write");
        fs::create_dir_all(out.join("target/debug")).expect("target");
        fs::write(out.join("target/debug/cache"), "build").expect("cache");
        write_crate(&v2(), &out).expect("second write");
        assert_eq!(
            fs::read(out.join("target/debug/cache")).expect("cache kept"),
            b"build"
        );
        assert!(check_crate(&v2(), &out).expect("check").is_clean());
    }

    #[cfg(unix)]
    #[test]
    fn links_are_carried_over_as_links() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("client");
        write_crate(&v1(), &out).expect("first write");
        std::os::unix::fs::symlink("../elsewhere", out.join("link")).expect("link");
        write_crate(&v2(), &out).expect("second write");
        assert_eq!(
            fs::read_link(out.join("link")).expect("link kept"),
            Path::new("../elsewhere")
        );
    }

    #[test]
    fn a_user_folder_where_a_generated_file_goes_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("client");
        fs::create_dir_all(out.join("openapi.json")).expect("folder in the way");
        let error = write_crate(&v1(), &out).expect_err("in the way");
        assert!(matches!(error, WriteError::InTheWay { .. }), "{error}");
        assert_eq!(names(dir.path()), ["client"]);
        let drift = check_crate(&v1(), &out).expect("check");
        assert_eq!(
            drift.details.get("openapi.json"),
            Some(&Difference::NotAFile)
        );
    }

    #[test]
    fn a_file_named_src_is_replaced_by_the_generated_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("client");
        fs::create_dir_all(&out).expect("mkdir");
        fs::write(out.join("src"), "a file").expect("src file");
        let drift = check_crate(&v1(), &out).expect("check");
        assert_eq!(drift.missing.len(), 5, "{drift}");
        write_crate(&v1(), &out).expect("write");
        assert!(check_crate(&v1(), &out).expect("check").is_clean());
    }

    #[test]
    fn a_file_as_out_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("client");
        fs::write(&out, "not a folder").expect("file");
        assert!(matches!(
            write_crate(&v1(), &out),
            Err(WriteError::NotAFolder { .. })
        ));
        assert!(matches!(
            check_crate(&v1(), &out),
            Err(WriteError::NotAFolder { .. })
        ));
    }

    #[test]
    fn paths_that_escape_the_crate_are_rejected() {
        let dir = tempfile::tempdir().expect("tempdir");
        for bad in [
            "../x.rs",
            "/abs.rs",
            "src//a.rs",
            "target/x",
            "src/./a.rs",
            "",
        ] {
            let error = write_crate(&krate(&[(bad, "")]), dir.path()).expect_err(bad);
            assert!(
                matches!(error, WriteError::InvalidPath { .. }),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn check_reports_changed_missing_and_stale_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("client");
        write_crate(&v1(), &out).expect("write");
        user_files(&out);
        let mut next = v2();
        next.files
            .insert("src/new.rs".to_owned(), "pub fn f() {}\n".to_owned());
        let drift = check_crate(&next, &out).expect("check");
        assert_eq!(drift.changed, ["openapi.json", "src/a.rs", "src/lib.rs"]);
        assert_eq!(drift.missing, ["src/new.rs"]);
        assert_eq!(drift.stale, ["src/b.rs"]);
        assert_eq!(
            drift.details.get("src/lib.rs"),
            Some(&Difference::Line {
                line: 2,
                on_disk: Some("pub mod b;".to_owned()),
                generated: Some(String::new()),
            })
        );
        assert_eq!(
            drift.details.get("src/a.rs"),
            Some(&Difference::Line {
                line: 2,
                on_disk: Some(String::new()),
                generated: Some("pub struct Z;".to_owned()),
            })
        );

        let report = drift.report(Path::new("gen"), "cargo xtask codegen");
        let path = |rel: &str| join_rel(Path::new("gen"), rel).display().to_string();
        assert!(
            report.contains(&format!("{}: changed, first at line 2", path("src/lib.rs"))),
            "{report}"
        );
        assert!(report.contains("on disk:   \"pub mod b;\""), "{report}");
        assert!(
            report.contains(&format!("{}: missing", path("src/new.rs"))),
            "{report}"
        );
        assert!(
            report.contains(&format!("{}: stale", path("src/b.rs"))),
            "{report}"
        );
        assert!(
            report
                .trim_end()
                .ends_with("help: run `cargo xtask codegen` to update gen"),
            "{report}"
        );
        assert!(
            !report.contains("README") && !report.contains("examples"),
            "{report}"
        );
        assert!(drift.to_string().contains("src/b.rs: stale"), "{drift}");
    }

    #[test]
    fn check_of_a_missing_folder_reports_every_file_missing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let drift = check_crate(&v1(), &dir.path().join("absent")).expect("check");
        assert_eq!(drift.missing.len(), 5);
        assert!(drift.changed.is_empty() && drift.stale.is_empty());
    }

    #[test]
    fn long_lines_are_shortened_around_the_difference() {
        let prefix = "x".repeat(200);
        let Difference::Line {
            line,
            on_disk,
            generated,
        } = first_difference(
            &format!("a\n{prefix}A{prefix}\n"),
            &format!("a\n{prefix}B{prefix}\n"),
        )
        else {
            panic!("no line difference")
        };
        assert_eq!(line, 2);
        let (on_disk, generated) = (on_disk.unwrap_or_default(), generated.unwrap_or_default());
        assert!(
            on_disk.starts_with('…') && on_disk.ends_with('…'),
            "{on_disk}"
        );
        assert!(on_disk.contains('A') && generated.contains('B'));
        assert!(on_disk.chars().count() <= EXCERPT_CHARS + 2);
    }

    #[test]
    fn a_shorter_file_ends_early() {
        assert_eq!(
            first_difference("a\n", "a\nb\n"),
            Difference::Line {
                line: 2,
                on_disk: Some(String::new()),
                generated: Some("b".to_owned())
            }
        );
        assert_eq!(
            first_difference("a", "a\n"),
            Difference::Line {
                line: 2,
                on_disk: None,
                generated: Some(String::new())
            }
        );
    }

    /// Issue 12: `merge --out /no/such/dir/x.json` created the folders silently.
    #[test]
    fn a_document_is_not_written_into_a_missing_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("no/such/x.json");
        let error = write_document(&serde_json::json!({}), &target).expect_err("missing folder");
        assert_eq!(
            error.to_string().lines().next(),
            Some(
                format!(
                    "the folder {} does not exist",
                    dir.path().join("no/such").display()
                )
                .as_str()
            )
        );
        assert_eq!(names(dir.path()), Vec::<String>::new(), "nothing created");
        fs::write(dir.path().join("file"), "").expect("file");
        let error = write_document(&serde_json::json!({}), &dir.path().join("file/x.json"));
        assert!(
            matches!(error, Err(WriteError::NoFolder { .. })),
            "{error:?}"
        );
    }

    #[test]
    fn documents_are_json_or_yaml_by_extension() {
        let dir = tempfile::tempdir().expect("tempdir");
        let value = serde_json::json!({"openapi": "3.0.3", "paths": {}});
        let json = dir.path().join("sub/merged.json");
        fs::create_dir(dir.path().join("sub")).expect("sub");
        write_document(&value, &json).expect("json");
        assert_eq!(
            fs::read_to_string(&json).expect("read json"),
            "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {}\n}\n"
        );
        let yaml = dir.path().join("merged.YML");
        write_document(&value, &yaml).expect("yaml");
        let text = fs::read_to_string(&yaml).expect("read yaml");
        assert!(text.starts_with("openapi: 3.0.3\n"), "{text}");
        assert!(text.ends_with('\n'));
        assert_eq!(names(dir.path()), ["merged.YML", "sub"]);
    }
}
