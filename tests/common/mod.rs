//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// A unique temporary folder for one test, removed on drop (also when the test fails).
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// `inertia-<suite>-<pid>-<name>` under the system's temporary folder, empty.
    pub fn new(suite: &str, name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("inertia-{suite}-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The names in `dir`, sorted; empty when `dir` does not exist.
pub fn listing(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
