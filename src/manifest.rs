//! `outputs/manifest.json`: what each scene's outputs were made from, so unchanged scenes are
//! skipped and anyone can check that the assets match their sources.
//!
//! Per scene (keyed by output name): the scene file and a SHA-256 of it and of every data file it
//! reads, the inertia version that rendered it, and each output's size and SHA-256. A scene is
//! *fresh* when all of that still holds; `render` skips fresh scenes unless `--force` is given.
//! The file is JSON with sorted keys and no timestamps, so the same renders give the same bytes.

use std::collections::BTreeMap;
use std::path::Path;

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
    /// The scene file, as it was given.
    pub scene: String,
    /// SHA-256 of the scene file and of each data file it reads, by path.
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
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The hashes of the bytes a scene was made from (its [`Scene::sources`]), by path: what its
/// outputs were rendered from.
pub fn source_hashes(scene: &Scene) -> BTreeMap<String, String> {
    scene
        .sources
        .iter()
        .map(|s| (s.path.display().to_string(), sha256(&s.bytes)))
        .collect()
}

/// The hashes of a scene's inputs as they are on disk now; unreadable inputs hash as
/// "unreadable" (so the scene is never taken as fresh).
pub fn input_hashes(scene: &Scene) -> BTreeMap<String, String> {
    std::iter::once(&scene.path)
        .chain(&scene.inputs)
        .map(|p| {
            let hash = std::fs::read(p).map_or_else(|_| "unreadable".to_string(), |b| sha256(&b));
            (p.display().to_string(), hash)
        })
        .collect()
}

impl Manifest {
    /// Reads the manifest in `dir`; a missing or unreadable one is empty (everything renders).
    pub fn load(dir: &Path) -> Manifest {
        std::fs::read(dir.join(FILE))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Writes the manifest into `dir`, atomically.
    pub fn save(&self, dir: &Path) -> Result<(), ManifestError> {
        let mut text = serde_json::to_string_pretty(self).map_err(ManifestError::Json)?;
        text.push('\n');
        Ok(output::write_atomic(&dir.join(FILE), text.as_bytes())?)
    }

    /// The record for a scene whose outputs were just made.
    pub fn record(scene: &Scene, files: &[(String, Vec<u8>)]) -> SceneRecord {
        SceneRecord {
            scene: scene.path.display().to_string(),
            // The hashes of what was rendered: the bytes read when the scene was checked.
            inputs: source_hashes(scene),
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
    /// make: same input hashes, same version, and every recorded output present and unchanged.
    pub fn is_fresh(&self, scene: &Scene, dir: &Path) -> bool {
        let Some(r) = self.scenes.get(&scene.output.name) else {
            return false;
        };
        r.inertia == env!("CARGO_PKG_VERSION")
            && r.scene == scene.path.display().to_string()
            && r.inputs == input_hashes(scene)
            && !r.outputs.is_empty()
            && r.outputs.iter().all(|(name, f)| {
                std::fs::read(dir.join(name))
                    .is_ok_and(|b| b.len() as u64 == f.bytes && sha256(&b) == f.sha256)
            })
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
            .insert("s".into(), Manifest::record(&scene, &files));
        assert!(m.is_fresh(&scene, &dir));
        // Saved and loaded, it is the same.
        m.save(&dir).unwrap();
        assert_eq!(Manifest::load(&dir), m);
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
            .insert("s".into(), Manifest::record(&scene, &files));
        assert_eq!(
            m.scenes["s"].inputs[&scene_path.display().to_string()],
            sha256(src.as_bytes())
        );
        assert!(!m.is_fresh(&scene, &dir));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
