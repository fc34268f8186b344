//! Reading the files a build reads (scenes, data files, fonts, the manifest) so that no file can
//! hang it or eat its memory: only regular files are opened (a named pipe would block `open`
//! until a writer comes, `/dev/zero` never ends), each kind with a size limit, and the read is
//! bounded by that limit even if the file grows while it is read.
//!
//! Also here: where a file a scene names may be ([`inside_project`]): a data file or a font
//! resolves, links followed, inside the scene's folder or the working directory, unless the
//! command line allows any place.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest scene file read, bytes.
pub const MAX_SCENE_BYTES: u64 = 1 << 20;
/// The largest data file (`data_file`) read, bytes.
pub const MAX_DATA_BYTES: u64 = 64 << 20;
/// The largest font file (`draw.font`) read, bytes.
pub const MAX_FONT_BYTES: u64 = 64 << 20;
/// The largest `manifest.json` read, bytes (a larger one is ignored: everything renders).
pub const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// The scene argument that means standard input (`render -`).
pub const STDIN_ARG: &str = "-";
/// How a scene read from standard input is named in messages and in the manifest.
pub const STDIN_NAME: &str = "<stdin>";

/// True when `path` is the argument that means standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN_ARG
}

/// Reads standard input to its end, at most `limit` bytes. A terminal is refused: reading it
/// would wait for someone to type a scene.
pub fn read_stdin(limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::IsTerminal;
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(ReadError::Terminal);
    }
    let mut bytes = Vec::new();
    stdin.lock().take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Not a regular file: a folder, a named pipe, a device, a socket.
    #[error("it is {0}, not a regular file")]
    NotAFile(&'static str),
    /// Larger than the limit for its kind.
    #[error("it is larger than the {} limit", human(*.limit))]
    TooLarge { limit: u64 },
    /// Standard input is a terminal, not a piped scene.
    #[error("standard input is a terminal; pipe a scene in, e.g. `render - < scene.toml`")]
    Terminal,
    /// The file system refused.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl ReadError {
    /// True when the file is not there at all.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

/// `n` bytes in words: "1 MiB", "64 MiB".
fn human(n: u64) -> String {
    if n >= 1 << 20 && n % (1 << 20) == 0 {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n % (1 << 10) == 0 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n}-byte")
    }
}

/// What a non-regular file is, for messages.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let ft = meta.file_type();
    if ft.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Reads the regular file at `path` (links followed), at most `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    // The type is looked at before opening: opening a named pipe blocks.
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile(kind_of(&meta)));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    let file = std::fs::File::open(path)?;
    // And again on what was opened, in case the path changed in between.
    let opened = file.metadata()?;
    if !opened.is_file() {
        return Err(ReadError::NotAFile(kind_of(&opened)));
    }
    let mut bytes = Vec::with_capacity(opened.len().min(limit) as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// The folders a scene's files may be in: its own folder and the working directory, as
/// canonical paths (those that exist).
pub fn project_folders(scene: &Path) -> Vec<PathBuf> {
    let dir = scene.parent().filter(|d| !d.as_os_str().is_empty());
    [
        dir.map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(".")),
        PathBuf::from("."),
    ]
    .iter()
    .filter_map(|d| d.canonicalize().ok())
    .collect()
}

/// True when `path` (links followed) lies inside one of `folders` (canonical). A path that
/// cannot be resolved is not inside (the read that follows reports why).
pub fn inside_project(path: &Path, folders: &[PathBuf]) -> bool {
    match path.canonicalize() {
        Ok(p) => folders.iter().any(|f| p.starts_with(f)),
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let dir = std::env::temp_dir().join(format!("inertia-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("a.txt");
        std::fs::write(&f, b"12345").unwrap();
        assert_eq!(read_bounded(&f, 5).unwrap(), b"12345");
        assert!(matches!(
            read_bounded(&f, 4),
            Err(ReadError::TooLarge { limit: 4 })
        ));
        assert!(matches!(
            read_bounded(&dir, 100),
            Err(ReadError::NotAFile("a folder"))
        ));
        #[cfg(unix)]
        {
            assert!(matches!(
                read_bounded(Path::new("/dev/zero"), 100),
                Err(ReadError::NotAFile("a device"))
            ));
        }
        assert!(read_bounded(&dir.join("missing"), 100)
            .unwrap_err()
            .is_not_found());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn files_outside_the_project_folders_are_told_apart() {
        let dir = std::env::temp_dir().join(format!("inertia-inside-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/p.csv"), b"x").unwrap();
        let folders = vec![dir.join("sub").canonicalize().unwrap()];
        assert!(inside_project(&dir.join("sub/p.csv"), &folders));
        assert!(inside_project(&dir.join("sub/../sub/p.csv"), &folders));
        std::fs::write(dir.join("q.csv"), b"x").unwrap();
        assert!(!inside_project(&dir.join("sub/../q.csv"), &folders));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("q.csv"), dir.join("sub/link.csv")).unwrap();
            assert!(!inside_project(&dir.join("sub/link.csv"), &folders));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
