//! Writing files safely: every output is written to a temporary file in its own directory and
//! renamed into place, so a reader (or a render killed half-way) only ever sees a complete old file
//! or a complete new one.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The marker in the names of temporary files, so a later run can find and remove strays.
const TEMP_MARKER: &str = ".inertia-tmp-";

/// An I/O failure, with the path it happened on; the I/O error is its source.
#[derive(Debug, thiserror::Error)]
#[error("cannot write `{}`: {source}", path.display())]
pub struct OutputError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

fn err(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError {
        path: path.to_path_buf(),
        source,
    }
}

/// Creates `dir` (and parents) if needed.
pub fn ensure_dir(dir: &Path) -> Result<(), OutputError> {
    fs::create_dir_all(dir).map_err(err(dir))
}

/// Checks that `dir` exists (creating it) and that files can be created in it, by creating and
/// removing a probe file. Run before any work so an unusable folder is reported up front.
pub fn check_writable(dir: &Path) -> Result<(), OutputError> {
    ensure_dir(dir)?;
    let probe = dir.join(format!(".probe{TEMP_MARKER}{}", std::process::id()));
    fs::File::create(&probe).map_err(err(dir))?;
    fs::remove_file(&probe).map_err(err(dir))
}

/// Writes `bytes` to `path` atomically: temporary file in the same directory, flushed, renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}{TEMP_MARKER}{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(err(path))
}

/// Removes temporary files that a killed run left in `dir`. Files of runs still alive (by pid)
/// are left alone.
pub fn remove_stray_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let own = std::process::id().to_string();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some((_, pid)) = name.split_once(TEMP_MARKER) {
            let alive = pid == own || Path::new("/proc").join(pid).exists();
            if !alive {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporaries() {
        let dir = std::env::temp_dir().join(format!("inertia-output-{}", std::process::id()));
        ensure_dir(&dir).unwrap();
        let path = dir.join("a.txt");
        write_atomic(&path, b"old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        // A stray from a dead process (pid 0 never names a user process) is removed.
        let stray = dir.join(format!(".a.txt{TEMP_MARKER}0"));
        fs::write(&stray, b"half").unwrap();
        remove_stray_temporaries(&dir);
        assert!(!stray.exists());
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.txt")]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unwritable_directory_is_reported_with_its_path() {
        let path = Path::new("/proc/inertia-cannot-write/a.gif");
        let e = write_atomic(path, b"x").unwrap_err();
        assert_eq!(e.path, path);
        assert!(e.to_string().contains("/proc/inertia-cannot-write/a.gif"));
    }
}
