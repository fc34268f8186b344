//! Batch builds: a set of scene files (or folders of them) and one output folder, checked,
//! rendered, verified or cut into single frames as one job. This is everything `render` does
//! besides parsing its arguments and printing.
//!
//! A [`Batch`] first reads and checks every scene and that no two write the same file
//! ([`Batch::load`]): all invalid input is found before any work, every error of every scene
//! at once, so it writes nothing. Then ([`Batch::build`]), by [`Mode`]:
//!
//! - **render**: the output folder is checked (writable, no folder where a file goes), the
//!   temporaries of killed renders are swept, and each scene renders in parallel unless the
//!   manifest says its outputs are up to date; then, under the folder's manifest lock (so renders
//!   sharing a folder lose no record), the new records are merged into the manifest as it is on
//!   disk, records of scenes that no longer exist are dropped (with `prune`, their files are
//!   deleted first; otherwise a record whose files remain is kept, with a note), and the gallery
//!   is written from the merged manifest;
//! - **verify**: each scene renders in memory and its files are compared with the folder's;
//! - **frame**: one still per scene;
//! - **check**: nothing more.
//!
//! Progress goes to a [`Progress`], the result is a [`Report`]; [`Batch::watch`] repeats a
//! build whenever a file it reads changes.

mod watch;

#[cfg(test)]
mod tests;

pub use watch::{WatchTiming, Watcher};

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::error::Error;
use crate::gallery::{self, GalleryEntry};
use crate::manifest::{Manifest, SceneRecord};
use crate::output;
use crate::pipeline::{self, Outputs};
use crate::report::{DivergedRun, Note, Outcome, Progress, Report, SceneReport, WrittenFile};
use crate::scene::{self, LoadOptions, Scene, SceneError};

/// One build: which scenes, where their outputs go, and what to do with them.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Scene files, or folders whose `*.toml` files are scenes, as given.
    pub inputs: Vec<PathBuf>,
    /// The folder the outputs are written to (and read from, to verify).
    pub out: PathBuf,
    pub mode: Mode,
    /// How the scenes' files are read.
    pub options: LoadOptions,
}

/// What a build does with its scenes once they are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Nothing: checking was the point.
    Check,
    /// Render and write every scene whose outputs are not up to date (every scene with
    /// `force`), then the manifest and the gallery; with `prune`, also delete the files the
    /// manifest lists for scenes that no longer exist.
    Render { force: bool, prune: bool },
    /// Render in memory and compare with the files in the output folder; write nothing.
    Verify,
    /// Write the frame at `step` of each scene as `<name>.frame<step>.png`.
    Frame { step: usize },
}

impl Batch {
    /// Checks the scenes, then does the build.
    pub fn run(&self, progress: &dyn Progress) -> Result<Report, Error> {
        let scenes = self.load(progress)?;
        self.build(&scenes, progress)
    }

    /// Reads and checks every scene (folders expanded, in order) and that no two scenes write
    /// the same file; every error of every scene is reported at once. The scenes' warnings go
    /// to `progress`, once all are read.
    pub fn load(&self, progress: &dyn Progress) -> Result<Vec<Scene>, Error> {
        let mut scenes = Vec::new();
        let mut errors = Vec::new();
        // Read and checked in parallel, taken in order.
        let loaded: Vec<_> = scene_paths(&self.inputs)?
            .par_iter()
            .map(|path| scene::load_with(path, self.options))
            .collect();
        for result in loaded {
            match result {
                Ok(s) => scenes.push(s),
                Err(mut e) => errors.append(&mut e),
            }
        }
        errors.extend(name_clashes(&scenes));
        if !errors.is_empty() {
            return Err(Error::Invalid { errors });
        }
        for warning in scenes.iter().flat_map(|s| &s.warnings) {
            progress.note(&Note::Warning(warning));
        }
        Ok(scenes)
    }

    /// Does the build on scenes [`Batch::load`] read.
    pub fn build(&self, scenes: &[Scene], progress: &dyn Progress) -> Result<Report, Error> {
        // Run on a thread of the pool: work split from there is taken up by the others as they
        // wake, while this thread goes on. From any other thread (a single scene runs where it
        // is called), each split waited for a thread to wake before anything went on: 0.1 to
        // 4.6 ms each on 2 cores.
        let report = rayon::scope(|_| self.build_here(scenes, progress));
        // The blocks kept for the next scene go with the build, not with the process.
        crate::memory::release_kept();
        report
    }

    /// [`Batch::build`] on the calling thread.
    fn build_here(&self, scenes: &[Scene], progress: &dyn Progress) -> Result<Report, Error> {
        match self.mode {
            Mode::Check => Ok(Report {
                scenes: scenes
                    .iter()
                    .map(|s| SceneReport::new(s, Outcome::Checked, Vec::new()))
                    .collect(),
                pruned: Vec::new(),
            }),
            Mode::Render { force, prune } => self.render(scenes, force, prune, progress),
            Mode::Verify => self.verify(scenes, progress),
            Mode::Frame { step } => self.frame(scenes, step),
        }
    }

    fn render(
        &self,
        scenes: &[Scene],
        force: bool,
        prune: bool,
        progress: &dyn Progress,
    ) -> Result<Report, Error> {
        output::check_writable(&self.out).map_err(Error::OutputDir)?;
        let names: Vec<String> = scenes.iter().flat_map(pipeline::file_names).collect();
        let shared = [
            crate::manifest::FILE,
            crate::manifest::STAMPS_FILE,
            gallery::FILE,
        ];
        output::check_targets(&self.out, names.iter().map(String::as_str).chain(shared))
            .map_err(Error::OutputDir)?;
        // The temporaries of a render that was killed go even when nothing renders.
        output::remove_stray_temporaries(&self.out);
        let (manifest, set_aside, manifest_bytes) = Manifest::load_keeping(&self.out);
        let stamps = crate::manifest::Stamps::load(&self.out);
        if let Some(why) = &set_aside {
            progress.note(&Note::Folder(why));
        }
        progress.batch_started(scenes.len());
        let results: Vec<_> = scenes
            .par_iter()
            .map(|s| {
                let result = self.render_scene(s, &manifest, &stamps, force, progress);
                progress.scene_done(s);
                result
            })
            .collect();
        progress.batch_done();
        // Every scene has finished by now; the first failure, in scene order, is reported.
        let mut reports = Vec::with_capacity(scenes.len());
        let mut records = Vec::new();
        for result in results {
            let (report, record) = result?;
            records.extend(record.map(|r| (report.name.clone(), r)));
            reports.push(report);
        }
        let _turn = output::ManifestLock::acquire(&self.out);
        let read = (manifest, manifest_bytes);
        let (manifest, pruned) = self.update_manifest(read, records, prune, progress)?;
        stamps.save(&self.out, &manifest);
        write_gallery(&self.out, &manifest, scenes)?;
        Ok(Report {
            scenes: reports,
            pruned,
        })
    }

    /// Merges `records` into the manifest as it is on disk now (not as it was at the start of
    /// the build: records another render saved meanwhile are kept; `read`, the manifest as the
    /// build read it with the bytes it was read from, is kept when the file is unchanged) and
    /// saves it. Records of
    /// scenes that no longer exist, in the folders this build read, are dropped: with `prune`
    /// after their files are deleted (returned), otherwise only when their files are gone too
    /// (a record whose files remain is kept, with a note saying how to delete them). Called
    /// under the folder's [`output::ManifestLock`].
    fn update_manifest(
        &self,
        read: (Manifest, Option<Vec<u8>>),
        records: Vec<(String, SceneRecord)>,
        prune: bool,
        progress: &dyn Progress,
    ) -> Result<(Manifest, Vec<PathBuf>), Error> {
        let mut manifest = Manifest::load_again(&self.out, read);
        manifest.scenes.extend(records);
        let folders = self.folders();
        let mut pruned = Vec::new();
        manifest.scenes.retain(|name, record| {
            let scene_file = crate::manifest::resolve(&record.scene, &self.out);
            let in_scope = scene_file
                .parent()
                .is_some_and(|p| folders.contains(&output::absolute(p)));
            // A scene read from standard input has no file to miss.
            let piped = record.scene == crate::input::STDIN_NAME;
            if !in_scope || piped || scene_file.is_file() {
                return true;
            }
            let files: Vec<PathBuf> = record
                .outputs
                .keys()
                .map(|f| self.out.join(f))
                .filter(|f| f.is_file())
                .collect();
            if prune {
                for f in files {
                    if std::fs::remove_file(&f).is_ok() {
                        pruned.push(f);
                    }
                }
                return false;
            }
            if files.is_empty() {
                return false;
            }
            let note = format!(
                "`{name}`: its scene file `{}` no longer exists; its {} file(s) stay until \
                 `render --prune`",
                scene_file.display(),
                files.len()
            );
            progress.note(&Note::Folder(&note));
            true
        });
        manifest.save(&self.out)?;
        Ok((manifest, pruned))
    }

    /// The folders this build's scenes come from (absolute): the folders given, and the folder
    /// of each scene file given.
    fn folders(&self) -> Vec<PathBuf> {
        self.inputs
            .iter()
            .map(|input| {
                let folder = if input.is_dir() {
                    input.clone()
                } else {
                    input
                        .parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
                };
                output::absolute(&folder)
            })
            .collect()
    }

    /// Renders and writes one scene, unless its outputs are up to date; returns its report and,
    /// when it was rendered, its new manifest record.
    fn render_scene(
        &self,
        scene: &Scene,
        manifest: &Manifest,
        stamps: &crate::manifest::Stamps,
        force: bool,
        progress: &dyn Progress,
    ) -> Result<(SceneReport, Option<SceneRecord>), Error> {
        let started = Instant::now();
        if !force && manifest.is_fresh(scene, &self.out, stamps) {
            let report = SceneReport::new(scene, Outcome::Skipped, Vec::new());
            return Ok((report, None));
        }
        progress.scene_started(scene);
        // Files made before the GIF are written (and flushed) while it is still being made.
        let staged = output::Staged::new(&self.out);
        let outputs =
            pipeline::render_into(scene, progress, &|name, bytes| staged.stage(name, bytes))?;
        outputs.write_staged(staged, &self.out)?;
        let diverged = diverged_runs(&outputs);
        for run in &diverged {
            progress.note(&Note::Diverged { scene, run });
        }
        let record = Manifest::record(scene, &outputs.files, &self.out);
        for (name, file) in &record.outputs {
            stamps.written(&self.out, name, &file.sha256);
        }
        let files = outputs
            .files
            .iter()
            .map(|(name, bytes)| WrittenFile {
                name: name.clone(),
                bytes: bytes.len() as u64,
            })
            .collect();
        let millis = started.elapsed().as_millis();
        let report = SceneReport::new(scene, Outcome::Rendered { files, millis }, diverged);
        Ok((report, Some(record)))
    }

    fn verify(&self, scenes: &[Scene], progress: &dyn Progress) -> Result<Report, Error> {
        progress.batch_started(scenes.len());
        let results: Vec<Result<(SceneReport, Vec<PathBuf>), Error>> = scenes
            .par_iter()
            .map(|s| {
                let started = Instant::now();
                progress.scene_started(s);
                let result = pipeline::render(s, progress).map(|outputs| {
                    let differing = self.differing_files(&outputs);
                    let millis = started.elapsed().as_millis();
                    let outcome = Outcome::Verified { millis };
                    (
                        SceneReport::new(s, outcome, diverged_runs(&outputs)),
                        differing,
                    )
                });
                progress.scene_done(s);
                result
            })
            .collect();
        progress.batch_done();
        let mut reports = Vec::with_capacity(scenes.len());
        let mut differing = Vec::new();
        for result in results {
            let (report, files) = result?;
            reports.push(report);
            differing.extend(files);
        }
        if differing.is_empty() {
            Ok(Report {
                scenes: reports,
                pruned: Vec::new(),
            })
        } else {
            Err(Error::Verify { differing })
        }
    }

    /// The files of `outputs` that are missing from the output folder or differ there.
    fn differing_files(&self, outputs: &Outputs) -> Vec<PathBuf> {
        outputs
            .files
            .iter()
            .map(|(name, bytes)| (self.out.join(name), bytes))
            .filter(|(path, bytes)| std::fs::read(path).ok().as_ref() != Some(*bytes))
            .map(|(path, _)| path)
            .collect()
    }

    fn frame(&self, scenes: &[Scene], step: usize) -> Result<Report, Error> {
        output::check_writable(&self.out).map_err(Error::OutputDir)?;
        if let Some(s) = scenes.iter().find(|s| step > s.output.steps) {
            return Err(Error::Usage(format!(
                "--frame {step} is beyond the steps of `{}`, which has {} (frames 0 to {})",
                s.path.display(),
                s.output.steps,
                s.output.steps
            )));
        }
        output::remove_stray_temporaries(&self.out);
        let mut reports = Vec::with_capacity(scenes.len());
        for s in scenes {
            let outputs = pipeline::render_frame(s, step)?;
            let mut written = outputs.write(&self.out)?;
            let outcome = Outcome::FrameWritten {
                path: written.remove(0),
            };
            reports.push(SceneReport::new(s, outcome, diverged_runs(&outputs)));
        }
        Ok(Report {
            scenes: reports,
            pruned: Vec::new(),
        })
    }
}

/// The scene files `inputs` name: files as given (`-` for standard input), folders as the
/// `*.toml` files in them and in their sub-folders (a course keeps a folder per chapter),
/// sorted by path. Hidden entries are passed over, and links to folders are not followed (no
/// loop can make the walk endless). A folder that cannot be read or holds no scene is invalid
/// input.
pub fn scene_paths(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut paths = Vec::new();
    for input in inputs {
        if crate::input::is_stdin(input) || !input.is_dir() {
            paths.push(input.clone());
            continue;
        }
        let mut found = Vec::new();
        walk(input, 0, &mut found)?;
        found.sort();
        if found.is_empty() {
            return Err(SceneError::whole_file(
                input,
                "this folder holds no scene files (*.toml), nor do its sub-folders",
            )
            .into());
        }
        paths.extend(found);
    }
    Ok(paths)
}

/// How deep [`scene_paths`] looks into sub-folders.
const MAX_FOLDER_DEPTH: usize = 16;

/// The `*.toml` files in `folder` and its sub-folders (see [`scene_paths`]).
fn walk(folder: &Path, depth: usize, found: &mut Vec<PathBuf>) -> Result<(), Error> {
    let entries = std::fs::read_dir(folder)
        .map_err(|e| SceneError::whole_file(folder, format!("cannot read the folder: {e}")))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        // The entry's own type: a link to a folder is not walked into.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if depth < MAX_FOLDER_DEPTH {
                walk(&path, depth + 1, found)?;
            }
        } else if path.extension().is_some_and(|x| x == "toml") {
            found.push(path);
        }
    }
    Ok(())
}

/// Every pair of scenes that would write the same file (by the same `output.name`, or through
/// a derived name: a scene named `a.loss` and the loss chart of a scene named `a` both write
/// `a.loss.png`), as an error at the later scene's `output.name`; and any scene that would write
/// over the manifest or the gallery.
pub fn name_clashes(scenes: &[Scene]) -> Vec<SceneError> {
    let shared = [crate::manifest::FILE, gallery::FILE];
    let mut errors = Vec::new();
    let mut written: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, s) in scenes.iter().enumerate() {
        let names = pipeline::file_names(s);
        let at = |message: String, hint: &str| {
            let source = s
                .sources
                .first()
                .map(|src| String::from_utf8_lossy(&src.bytes).into_owned())
                .unwrap_or_default();
            SceneError::at(
                &s.path,
                &source,
                s.output.name_span.clone(),
                "output.name",
                message,
            )
            .with_hint(hint)
        };
        if let Some(f) = names.iter().find(|n| shared.contains(&n.as_str())) {
            errors.push(at(
                format!("this scene would write `{f}`, which the output folder keeps for itself"),
                "give the scene another `output.name`",
            ));
        }
        let clash = names.iter().find_map(|n| written.get(n).map(|&j| (n, j)));
        if let Some((file, j)) = clash {
            errors.push(at(
                format!(
                    "this scene and `{}` (output.name = \"{}\") would both write `{file}`",
                    scenes[j].path.display(),
                    scenes[j].output.name
                ),
                "give one of them another `output.name`",
            ));
        } else {
            for n in names {
                written.insert(n, i);
            }
        }
    }
    errors
}

fn diverged_runs(outputs: &Outputs) -> Vec<DivergedRun> {
    outputs
        .diverged
        .iter()
        .map(|(run, label, divergence)| DivergedRun {
            run: *run,
            label: label.clone(),
            step: divergence.step,
            note: divergence.note(),
        })
        .collect()
}

/// The largest caption file the gallery reads back.
const MAX_CAPTION_BYTES: u64 = 1 << 20;

/// Writes the gallery of every scene in `manifest` whose scene file is still there and whose
/// files are all there; an unchanged gallery is not written again. The files of this build's
/// scenes are there (each was found up to date or just written); the others' are looked for. A
/// scene this build did not load is shown by the card its record keeps (see
/// [`gallery::Card`]), or, in a record from before cards were kept, read and checked again (and
/// left out when it no longer reads as a scene). A scene's caption is read back from its
/// caption file, made from the trajectories only when that file cannot be read.
fn write_gallery(out: &Path, manifest: &Manifest, loaded: &[Scene]) -> Result<(), Error> {
    // Each loaded scene by the path the manifest stores for it (worked out once per scene).
    let loaded: std::collections::HashMap<String, &Scene> = loaded
        .iter()
        .map(|s| (crate::manifest::stored_path(&s.path, out), s))
        .collect();
    // In parallel, in the manifest's order (a scene read again takes about 0.2 ms).
    let records: Vec<(&String, &SceneRecord)> = manifest.scenes.iter().collect();
    let entries: Vec<GalleryEntry> = records
        .par_iter()
        .filter_map(|&(name, record)| {
            let loaded = loaded.get(&record.scene).copied();
            // A scene this build did not load shows only when its files are all there.
            if loaded.is_none() && !record.outputs.keys().all(|f| out.join(f).is_file()) {
                return None;
            }
            let files: Vec<(String, u64)> = record
                .outputs
                .iter()
                .map(|(name, file)| (name.clone(), file.bytes))
                .collect();
            let caption_file = pipeline::FileNames(name).with(".txt");
            let caption = record
                .outputs
                .contains_key(&caption_file)
                .then(|| {
                    crate::input::read_bounded(&out.join(&caption_file), MAX_CAPTION_BYTES).ok()
                })
                .flatten()
                .and_then(|bytes| String::from_utf8(bytes).ok());
            let read;
            let scene = match loaded {
                Some(s) => s,
                None => {
                    let path = crate::manifest::resolve(&record.scene, out);
                    if let (Some(card), Some(text)) = (&record.card, &caption) {
                        // A piped scene has no file to be shown from.
                        let there = record.scene != crate::input::STDIN_NAME && path.is_file();
                        return there.then(|| GalleryEntry {
                            card: card.clone(),
                            scene_link: record.scene.clone(),
                            files,
                            caption: crate::caption::paragraph(text),
                        });
                    }
                    read = scene::load(&path).ok()?;
                    &read
                }
            };
            Some(match caption {
                Some(text) => {
                    GalleryEntry::with_caption(scene, out, &files, crate::caption::paragraph(&text))
                }
                None => GalleryEntry::new(scene, out, &files),
            })
        })
        .collect();
    let page = gallery::index_html(&entries);
    output::write_atomic_if_changed(&out.join(gallery::FILE), page.as_bytes())?;
    Ok(())
}
