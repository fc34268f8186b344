//! `outputs/manifest.json`: what each scene's outputs were made from, so unchanged scenes are
//! skipped and anyone can check that the assets match their sources.
//!
//! Per scene (keyed by output name): the scene file and a SHA-256 of it and of every data file it
//! reads, the inertia version that rendered it, and each output's size and SHA-256. A scene is
//! *fresh* when all of that still holds; `render` skips fresh scenes unless `--force` is given.
//! The file is JSON with sorted keys and no timestamps, so the same renders give the same bytes.
//! Paths in it are relative to the output folder, so a render from any working directory reads
//! them right (and a committed manifest holds no machine's paths).
//!
//! Beside it, [`Stamps`] (`.manifest-stat.json`) is a local cache, never meant to be committed:
//! each output's size and modification time when it last had the hash the manifest records, so
//! an unchanged build looks at each file's metadata instead of reading and hashing it. A file
//! whose size or time differs from its stamp is hashed, as without the cache.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

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
    /// What the gallery's card says of the scene as it was rendered (absent in a record from
    /// before cards were kept: the gallery reads the scene file again for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<crate::gallery::Card>,
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
        let (manifest, why, _) = Manifest::load_keeping(dir);
        (manifest, why)
    }

    /// [`Manifest::load`], with the bytes the manifest was read from (none when there was no
    /// file or it could not be read), for [`Manifest::load_again`].
    pub fn load_keeping(dir: &Path) -> (Manifest, Option<String>, Option<Vec<u8>>) {
        let path = dir.join(FILE);
        let bytes = match crate::input::read_bounded(&path, crate::input::MAX_MANIFEST_BYTES) {
            Ok(b) => b,
            Err(e) if e.is_not_found() => return (Manifest::default(), None, None),
            Err(e) => {
                let why = format!(
                    "`{}` is set aside: {e}; every scene renders",
                    path.display()
                );
                return (Manifest::default(), Some(why), None);
            }
        };
        let (manifest, why) = Manifest::parse(&path, &bytes);
        (manifest, why, Some(bytes))
    }

    /// The manifest in `dir` as it is now: `read`, when the file still holds the bytes it was
    /// read from (see [`Manifest::load_keeping`]), else parsed from what it holds now (empty
    /// when it cannot be read, as [`Manifest::load`] has it). Reading the file to compare
    /// it is tens of microseconds; parsing a manifest of 26 scenes again took about half a
    /// millisecond.
    pub fn load_again(dir: &Path, read: (Manifest, Option<Vec<u8>>)) -> Manifest {
        let path = dir.join(FILE);
        match (
            read,
            crate::input::read_bounded(&path, crate::input::MAX_MANIFEST_BYTES),
        ) {
            ((manifest, Some(was)), Ok(now)) if was == now => manifest,
            (_, Ok(now)) => Manifest::parse(&path, &now).0,
            (_, Err(_)) => Manifest::default(),
        }
    }

    /// The manifest `bytes` (read from `path`) hold, or an empty one and why it was set aside.
    fn parse(path: &Path, bytes: &[u8]) -> (Manifest, Option<String>) {
        match serde_json::from_slice(bytes) {
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
            card: Some(crate::gallery::Card::of(scene)),
        }
    }

    /// True when `scene`'s outputs in `dir` are what its inputs, as they were read to make it,
    /// and this inertia would make: same input hashes, same version, and every recorded output
    /// present and unchanged (its size, then its hash).
    /// A file whose size and modification time are those `stamps` holds for its recorded hash
    /// is not read again.
    pub fn is_fresh(&self, scene: &Scene, dir: &Path, stamps: &Stamps) -> bool {
        let Some(r) = self.scenes.get(&scene.output.name) else {
            return false;
        };
        r.inertia == env!("CARGO_PKG_VERSION")
            && r.scene == stored_path(&scene.path, dir)
            && r.inputs == source_hashes(scene, dir)
            && !r.outputs.is_empty()
            && r.outputs
                .iter()
                .all(|(name, f)| stamps.matches(dir, name, f))
    }
}

/// The stamps file's name inside the output folder (see [`Stamps`]).
pub const STAMPS_FILE: &str = ".manifest-stat.json";

/// What a file looked like when it had a hash: size, modification time, the hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    bytes: u64,
    secs: u64,
    nanos: u32,
    sha256: String,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata, sha256: &str) -> Option<Stamp> {
        let since = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        Some(Stamp {
            bytes: meta.len(),
            secs: since.as_secs(),
            nanos: since.subsec_nanos(),
            sha256: sha256.to_string(),
        })
    }
}

/// The output folder's stamps: for each output file (by name), its size and modification time
/// when it last had the hash the manifest records (after it was written, or when it was hashed
/// and matched). A file whose metadata still equals its stamp is taken to still have that hash;
/// any change of size or time (an edit, a copy, a checkout) makes it hashed again. A missing or
/// unreadable stamps file is an empty one: everything is hashed, as it would be without it.
#[derive(Debug, Default)]
pub struct Stamps {
    map: Mutex<BTreeMap<String, Stamp>>,
    changed: AtomicBool,
}

impl Stamps {
    /// Reads the stamps in `dir` (empty when missing or unusable).
    pub fn load(dir: &Path) -> Stamps {
        let map =
            crate::input::read_bounded(&dir.join(STAMPS_FILE), crate::input::MAX_MANIFEST_BYTES)
                .ok()
                .and_then(|bytes| serde_json::from_slice(&bytes).ok())
                .unwrap_or_default();
        Stamps {
            map: Mutex::new(map),
            changed: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Stamp>> {
        crate::sync::lock(&self.map)
    }

    fn insert(&self, name: &str, stamp: Stamp) {
        let mut map = self.lock();
        if map.get(name) != Some(&stamp) {
            map.insert(name.to_string(), stamp);
            self.changed.store(true, Ordering::Relaxed);
        }
    }

    /// Whether the file `name` in `dir` is the output `f` records: its stamp, or else its size
    /// and then its hash (a match is stamped).
    pub fn matches(&self, dir: &Path, name: &str, f: &FileRecord) -> bool {
        let path = dir.join(name);
        let Ok(meta) = std::fs::metadata(&path) else {
            return false;
        };
        if !meta.is_file() || meta.len() != f.bytes {
            return false;
        }
        // Taken before the file is read: if it changes meanwhile, its time no longer matches
        // this stamp, and the next build hashes it again.
        let stamp = Stamp::of(&meta, &f.sha256);
        if stamp.is_some() && self.lock().get(name) == stamp.as_ref() {
            return true;
        }
        let matches = file_matches(&path, f.bytes, &f.sha256);
        if let (true, Some(stamp)) = (matches, stamp) {
            self.insert(name, stamp);
        }
        matches
    }

    /// Stamps the file `name` just written into `dir` with the hash of what was written.
    pub fn written(&self, dir: &Path, name: &str, sha256: &str) {
        if let Some(stamp) = std::fs::metadata(dir.join(name))
            .ok()
            .and_then(|m| Stamp::of(&m, sha256))
        {
            self.insert(name, stamp);
        }
    }

    /// Writes the stamps of the outputs `manifest` lists into `dir` (others are dropped),
    /// atomically but not flushed, when they changed; a failure is ignored (the next build
    /// hashes again).
    pub fn save(&self, dir: &Path, manifest: &Manifest) {
        let listed: std::collections::HashSet<(&str, &str)> = manifest
            .scenes
            .values()
            .flat_map(|r| r.outputs.iter())
            .map(|(name, f)| (name.as_str(), f.sha256.as_str()))
            .collect();
        let mut map = self.lock();
        let before = map.len();
        map.retain(|name, stamp| listed.contains(&(name.as_str(), stamp.sha256.as_str())));
        if !self.changed.load(Ordering::Relaxed) && map.len() == before {
            return;
        }
        // A cache: not flushed to disk (a stamps file lost or cut short reads as empty).
        if let Ok(text) = serde_json::to_vec(&*map) {
            let _ = output::replace_unflushed(&dir.join(STAMPS_FILE), &text);
        }
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
        let stamps = Stamps::default();
        assert!(!m.is_fresh(&scene, &dir, &stamps));
        m.scenes
            .insert("s".into(), Manifest::record(&scene, &files, &dir));
        assert!(m.is_fresh(&scene, &dir, &stamps));
        // Paths are stored relative to the output folder.
        assert_eq!(m.scenes["s"].scene, "s.toml");
        // Saved and loaded, it is the same.
        m.save(&dir).unwrap();
        assert_eq!(Manifest::load(&dir), (m.clone(), None));
        // An output edited by hand is not fresh.
        std::fs::write(dir.join("s.csv"), b"runs\n").unwrap();
        assert!(!m.is_fresh(&scene, &dir, &stamps));
        std::fs::write(dir.join("s.csv"), b"run\n").unwrap();
        // Nor is a changed scene file, as the next build reads it.
        std::fs::write(&scene_path, format!("{src}\n# edited\n")).unwrap();
        let edited = crate::scene::load(&scene_path).unwrap();
        assert!(!m.is_fresh(&edited, &dir, &stamps));
        // A scene edited while its render ran: the record holds what was rendered (read
        // before the edit), so the edited scene is not taken as rendered.
        m.scenes
            .insert("s".into(), Manifest::record(&scene, &files, &dir));
        assert_eq!(m.scenes["s"].inputs["s.toml"], sha256(src.as_bytes()));
        assert!(!m.is_fresh(&edited, &dir, &stamps));
        // Freshness is judged on the bytes a scene was read from, not read again.
        assert!(m.is_fresh(&scene, &dir, &stamps));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A file whose size and time are its stamp's is not read again (shown by an edit that
    /// keeps both going unseen); a new time makes it hashed, and a mismatch is not fresh.
    /// Stamps of files the manifest does not list are dropped when saved.
    #[test]
    fn stamps_spare_reading_unchanged_files_and_notice_edits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        std::fs::write(&path, b"run\n").unwrap();
        let f = FileRecord {
            bytes: 4,
            sha256: sha256(b"run\n"),
        };
        let stamps = Stamps::default();
        assert!(stamps.matches(dir.path(), "a.csv", &f));
        assert_eq!(stamps.lock().len(), 1);
        let time = std::fs::metadata(&path).unwrap().modified().unwrap();
        let set_time = |t: std::time::SystemTime| {
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(t)
                .unwrap();
        };
        std::fs::write(&path, b"xyz\n").unwrap();
        set_time(time);
        assert!(stamps.matches(dir.path(), "a.csv", &f));
        set_time(time + std::time::Duration::from_secs(1));
        assert!(!stamps.matches(dir.path(), "a.csv", &f));
        std::fs::write(&path, b"run\n").unwrap();
        assert!(stamps.matches(dir.path(), "a.csv", &f));
        assert!(!stamps.matches(dir.path(), "missing.csv", &f));

        let mut m = Manifest::default();
        m.scenes.insert(
            "a".into(),
            SceneRecord {
                scene: "a.toml".into(),
                inputs: BTreeMap::new(),
                inertia: env!("CARGO_PKG_VERSION").into(),
                outputs: [("a.csv".to_string(), f.clone())].into(),
                card: None,
            },
        );
        stamps.save(dir.path(), &m);
        assert_eq!(*Stamps::load(dir.path()).lock(), *stamps.lock());
        Stamps::load(dir.path()).save(dir.path(), &Manifest::default());
        assert!(Stamps::load(dir.path()).lock().is_empty());
        std::fs::write(dir.path().join(STAMPS_FILE), b"{ not json").unwrap();
        assert!(Stamps::load(dir.path()).lock().is_empty());
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

    /// Read again, a manifest is the one read before while its file holds the same bytes, and
    /// what the file holds as soon as anything replaced it (or nothing, once it is gone).
    #[test]
    fn a_manifest_read_again_is_the_one_read_before_only_while_its_file_is_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let record = |scene: &str| SceneRecord {
            scene: scene.into(),
            inputs: BTreeMap::new(),
            inertia: "0".into(),
            outputs: BTreeMap::new(),
            card: None,
        };
        let mut on_disk = Manifest::default();
        on_disk.scenes.insert("a".into(), record("a.toml"));
        on_disk.save(dir.path()).unwrap();
        // The manifest as read, marked so that keeping it shows.
        let marked = |(mut m, _, bytes): (Manifest, Option<String>, Option<Vec<u8>>)| {
            m.scenes.insert("kept".into(), record("kept.toml"));
            (m, bytes)
        };
        let again = Manifest::load_again(dir.path(), marked(Manifest::load_keeping(dir.path())));
        assert!(again.scenes.contains_key("kept") && again.scenes.contains_key("a"));

        let read = marked(Manifest::load_keeping(dir.path()));
        on_disk.scenes.insert("b".into(), record("b.toml"));
        on_disk.save(dir.path()).unwrap();
        let again = Manifest::load_again(dir.path(), read);
        assert_eq!(again, on_disk);

        let read = marked(Manifest::load_keeping(dir.path()));
        std::fs::remove_file(dir.path().join(FILE)).unwrap();
        assert_eq!(Manifest::load_again(dir.path(), read), Manifest::default());
        // None at first, one written since: read.
        let read = marked(Manifest::load_keeping(dir.path()));
        on_disk.save(dir.path()).unwrap();
        assert_eq!(Manifest::load_again(dir.path(), read), on_disk);
    }
}
