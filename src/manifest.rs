//! `outputs/manifest.json`: what each scene's outputs were made from, so unchanged scenes are
//! skipped and anyone can check that the assets match their sources.
//!
//! Per scene (keyed by output name): the scene file and a SHA-256 of it and of every data file it
//! reads, the inertia version that rendered it, and each output's size and SHA-256. A scene is
//! *fresh* when all of that still holds; `render` skips fresh scenes unless `--force` is given.
//! The file is JSON with sorted keys and no timestamps, so the same renders give the same bytes.
//! Paths in it are relative to the output folder, so a render from any working directory reads
//! them right (and a committed manifest holds no machine's paths).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::output::{self, OutputError};

/// Writing the manifest failed.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The records could not be written as JSON.
    #[error("cannot write the manifest as JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// The file could not be written.
    #[error(transparent)]
    Write(#[from] OutputError),
}
use crate::scene::Scene;

/// The manifest's file name inside the output folder.
pub const FILE: &str = "manifest.json";

/// One output file's size and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    pub bytes: u64,
    pub sha256: String,
}

/// What one scene's outputs were made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SceneRecord {
    /// The scene file, relative to the output folder (see [`stored_path`]).
    pub scene: String,
    /// SHA-256 of the scene file and of each file it reads, by path relative to the output
    /// folder.
    pub inputs: BTreeMap<String, String>,
    /// The inertia version that rendered the outputs.
    pub inertia: String,
    /// Each output, by file name.
    pub outputs: BTreeMap<String, FileRecord>,
}

/// The whole manifest, by output name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub scenes: BTreeMap<String, SceneRecord>,
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A path as the manifest in `out` stores it: relative to `out`.
pub fn stored_path(path: &Path, out: &Path) -> String {
    if path == Path::new(crate::input::STDIN_NAME) {
        return crate::input::STDIN_NAME.to_string();
    }
    output::relative_path(path, out)
}

/// The file a path stored in the manifest in `out` names, for a reader in any working
/// directory.
pub fn resolve(stored: &str, out: &Path) -> PathBuf {
    let p = Path::new(stored);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        out.join(p)
    }
}

/// The hashes of the bytes a scene was made from (its [`Scene::sources`]), by stored path: what
/// its outputs were rendered from.
pub fn source_hashes(scene: &Scene, out: &Path) -> BTreeMap<String, String> {
    scene
        .sources
        .iter()
        .map(|s| (stored_path(&s.path, out), sha256(&s.bytes)))
        .collect()
}

/// The hashes of a scene's inputs as they are on disk now, by stored path; unreadable inputs
/// hash as "unreadable" (so the scene is never taken as fresh).
pub fn input_hashes(scene: &Scene, out: &Path) -> BTreeMap<String, String> {
    std::iter::once(&scene.path)
        .chain(&scene.inputs)
        .map(|p| {
            let hash = crate::input::read_bounded(p, crate::input::MAX_DATA_BYTES)
                .map_or_else(|_| "unreadable".to_string(), |b| sha256(&b));
            (stored_path(p, out), hash)
        })
        .collect()
}

/// Whether the file at `path` has `bytes` bytes whose SHA-256 is `sha256`: the size is looked
/// at first, and the file is hashed as it is read, a block at a time.
fn file_matches(path: &Path, bytes: u64, sha256: &str) -> bool {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    if !file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() == bytes)
    {
        return false;
    }
    let mut hasher = Sha256::new();
    let mut block = [0u8; 64 * 1024];
    loop {
        match file.read(&mut block) {
            Ok(0) => break,
            Ok(n) => hasher.update(&block[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    hex(&hasher.finalize()) == sha256
}

impl Manifest {
    /// Reads the manifest in `dir`. A missing one is empty; one that cannot be used (not a
    /// regular file, larger than [`crate::input::MAX_MANIFEST_BYTES`], not a manifest) is
    /// empty too, so everything renders, and the second value says why it was set aside.
    pub fn load(dir: &Path) -> (Manifest, Option<String>) {
        let path = dir.join(FILE);
        let bytes = match crate::input::read_bounded(&path, crate::input::MAX_MANIFEST_BYTES) {
            Ok(b) => b,
            Err(e) if e.is_not_found() => return (Manifest::default(), None),
            Err(e) => {
                let why = format!(
                    "`{}` is set aside: {e}; every scene renders",
                    path.display()
                );
                return (Manifest::default(), Some(why));
            }
        };
        match serde_json::from_slice(&bytes) {
            Ok(m) => (m, None),
            Err(e) => {
                let why = format!(
                    "`{}` is set aside: it is not a manifest ({e}); every scene renders",
                    path.display()
                );
                (Manifest::default(), Some(why))
            }
        }
    }

    /// Writes the manifest into `dir`, atomically.
    pub fn save(&self, dir: &Path) -> Result<(), ManifestError> {
        let mut text = serde_json::to_string_pretty(self).map_err(ManifestError::Json)?;
        text.push('\n');
        output::write_atomic_if_changed(&dir.join(FILE), text.as_bytes())?;
        Ok(())
    }

    /// The record for a scene whose outputs were just made in `out`.
    pub fn record(scene: &Scene, files: &[(String, Vec<u8>)], out: &Path) -> SceneRecord {
        SceneRecord {
            scene: stored_path(&scene.path, out),
            // The hashes of what was rendered: the bytes read when the scene was checked.
            inputs: source_hashes(scene, out),
            inertia: env!("CARGO_PKG_VERSION").to_string(),
            outputs: files
                .iter()
                .map(|(name, bytes)| {
                    (
                        name.clone(),
                        FileRecord {
                            bytes: bytes.len() as u64,
                            sha256: sha256(bytes),
                        },
                    )
                })
                .collect(),
        }
    }

    /// True when `scene`'s outputs in `dir` are what its current inputs and this inertia would
    /// make: same input hashes, same version, and every recorded output present and unchanged
    /// (its size, then its hash).
    pub fn is_fresh(&self, scene: &Scene, dir: &Path) -> bool {
        let Some(r) = self.scenes.get(&scene.output.name) else {
            return false;
        };
        r.inertia == env!("CARGO_PKG_VERSION")
            && r.scene == stored_path(&scene.path, dir)
            && r.inputs == input_hashes(scene, dir)
            && !r.outputs.is_empty()
            && r.outputs
                .iter()
                .all(|(name, f)| file_matches(&dir.join(name), f.bytes, &f.sha256))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_strings() {
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn freshness_follows_inputs_and_outputs() {
        let dir = std::env::temp_dir().join(format!("inertia-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let scene_path = dir.join("s.toml");
        let src = "[output]\nname = \"s\"\n[surface]\nkind = \"bowl\"\n[[start]]\nat = [1, 1]\n[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n";
        std::fs::write(&scene_path, src).unwrap();
        let scene = crate::scene::load(&scene_path).unwrap();
        let files = vec![("s.csv".to_string(), b"run\n".to_vec())];
        std::fs::write(dir.join("s.csv"), b"run\n").unwrap();
        let mut m = Manifest::default();
        assert!(!m.is_fresh(&scene, &dir));
        m.scenes
            .insert("s".into(), Manifest::record(&scene, &files, &dir));
        assert!(m.is_fresh(&scene, &dir));
        // Paths are stored relative to the output folder.
        assert_eq!(m.scenes["s"].scene, "s.toml");
        // Saved and loaded, it is the same.
        m.save(&dir).unwrap();
        assert_eq!(Manifest::load(&dir), (m.clone(), None));
        // An output edited by hand is not fresh.
        std::fs::write(dir.join("s.csv"), b"runs\n").unwrap();
        assert!(!m.is_fresh(&scene, &dir));
        std::fs::write(dir.join("s.csv"), b"run\n").unwrap();
        // Nor is a changed scene file.
        std::fs::write(&scene_path, format!("{src}\n# edited\n")).unwrap();
        assert!(!m.is_fresh(&scene, &dir));
        // A scene edited while its render ran: the record holds what was rendered (read
        // before the edit), so the edited scene is not taken as rendered.
        m.scenes
            .insert("s".into(), Manifest::record(&scene, &files, &dir));
        assert_eq!(m.scenes["s"].inputs["s.toml"], sha256(src.as_bytes()));
        assert!(!m.is_fresh(&scene, &dir));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A manifest that cannot be used is set aside with a reason: everything renders.
    #[test]
    fn an_unusable_manifest_is_set_aside() {
        let dir = std::env::temp_dir().join(format!("inertia-bad-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(Manifest::load(&dir), (Manifest::default(), None));
        std::fs::write(dir.join(FILE), b"{ not json").unwrap();
        let (m, why) = Manifest::load(&dir);
        assert_eq!(m, Manifest::default());
        assert!(why.unwrap().contains("not a manifest"));
        std::fs::remove_file(dir.join(FILE)).unwrap();
        std::fs::create_dir(dir.join(FILE)).unwrap();
        let (_, why) = Manifest::load(&dir);
        assert!(why.unwrap().contains("a folder"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
