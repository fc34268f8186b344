//! Batch builds: a set of scene files (or folders of them) and one output folder, checked,
//! rendered, verified or cut into single frames as one job. This is everything `render` does
//! besides parsing its arguments and printing.
//!
//! A [`Batch`] first reads and checks every scene and that no two write the same files
//! ([`Batch::load`]): all invalid input is found before any work, so it writes nothing. Then
//! ([`Batch::build`]), by [`Mode`]:
//!
//! - **render**: the output folder is checked, the temporaries of killed renders are swept, and
//!   each scene renders in parallel unless the manifest says its outputs are up to date; the
//!   new records are merged into the manifest as it is on disk at the end, and the gallery is
//!   written from the merged manifest;
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
use crate::scene::{self, Scene, SceneError};

/// One build: which scenes, where their outputs go, and what to do with them.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Scene files, or folders whose `*.toml` files are scenes, as given.
    pub inputs: Vec<PathBuf>,
    /// The folder the outputs are written to (and read from, to verify).
    pub out: PathBuf,
    pub mode: Mode,
}

/// What a build does with its scenes once they are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Nothing: checking was the point.
    Check,
    /// Render and write every scene whose outputs are not up to date (every scene with
    /// `force`), then the manifest and the gallery.
    Render { force: bool },
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
    /// the same files. The scenes' warnings go to `progress`, once all are read.
    pub fn load(&self, progress: &dyn Progress) -> Result<Vec<Scene>, Error> {
        let scenes: Vec<Scene> = scene_paths(&self.inputs)?
            .iter()
            .map(|p| scene::load(p))
            .collect::<Result<_, _>>()?;
        for warning in scenes.iter().flat_map(|s| &s.warnings) {
            progress.note(&Note::Warning(warning));
        }
        check_names(&scenes)?;
        Ok(scenes)
    }

    /// Does the build on scenes [`Batch::load`] read.
    pub fn build(&self, scenes: &[Scene], progress: &dyn Progress) -> Result<Report, Error> {
        match self.mode {
            Mode::Check => Ok(Report {
                scenes: scenes
                    .iter()
                    .map(|s| SceneReport::new(s, Outcome::Checked, Vec::new()))
                    .collect(),
            }),
            Mode::Render { force } => self.render(scenes, force, progress),
            Mode::Verify => self.verify(scenes, progress),
            Mode::Frame { step } => self.frame(scenes, step),
        }
    }

    fn render(
        &self,
        scenes: &[Scene],
        force: bool,
        progress: &dyn Progress,
    ) -> Result<Report, Error> {
        output::check_writable(&self.out).map_err(Error::OutputDir)?;
        // The temporaries of a render that was killed go even when nothing renders.
        output::remove_stray_temporaries(&self.out);
        let manifest = Manifest::load(&self.out);
        progress.batch_started(scenes.len());
        let results: Vec<_> = scenes
            .par_iter()
            .map(|s| {
                let result = self.render_scene(s, &manifest, force, progress);
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
        let manifest = update_manifest(&self.out, records)?;
        write_gallery(&self.out, &manifest)?;
        Ok(Report { scenes: reports })
    }

    /// Renders and writes one scene, unless its outputs are up to date; returns its report and,
    /// when it was rendered, its new manifest record.
    fn render_scene(
        &self,
        scene: &Scene,
        manifest: &Manifest,
        force: bool,
        progress: &dyn Progress,
    ) -> Result<(SceneReport, Option<SceneRecord>), Error> {
        let started = Instant::now();
        if !force && manifest.is_fresh(scene, &self.out) {
            let report = SceneReport::new(scene, Outcome::Skipped, Vec::new());
            return Ok((report, None));
        }
        progress.scene_started(scene);
        let outputs = pipeline::render(scene, progress)?;
        outputs.write(&self.out)?;
        let diverged = diverged_runs(&outputs);
        for run in &diverged {
            progress.note(&Note::Diverged { scene, run });
        }
        let record = Manifest::record(scene, &outputs.files);
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
            Ok(Report { scenes: reports })
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
            return Err(Error::Scene(SceneError::whole_file(
                &s.path,
                format!(
                    "--frame {step} is beyond the scene's {} steps",
                    s.output.steps
                ),
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
        Ok(Report { scenes: reports })
    }
}

/// The scene files `inputs` name: files as given, folders as their `*.toml` files, sorted. A
/// folder that cannot be read or holds no scene is invalid input.
pub fn scene_paths(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut paths = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            paths.push(input.clone());
            continue;
        }
        let entries = std::fs::read_dir(input)
            .map_err(|e| SceneError::whole_file(input, format!("cannot read the folder: {e}")))?;
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        found.sort();
        if found.is_empty() {
            return Err(
                SceneError::whole_file(input, "this folder holds no scene files (*.toml)").into(),
            );
        }
        paths.extend(found);
    }
    Ok(paths)
}

/// Checks that no two scenes write the same files (the same `output.name`), naming the first
/// pair found.
pub fn check_names(scenes: &[Scene]) -> Result<(), Error> {
    for (i, a) in scenes.iter().enumerate() {
        if let Some(b) = scenes[..i].iter().find(|b| b.output.name == a.output.name) {
            return Err(Error::SameOutput {
                name: a.output.name.clone(),
                first: b.path.clone(),
                second: a.path.clone(),
            });
        }
    }
    Ok(())
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

/// Merges `records` into the manifest in `out` and saves it. The manifest is read again now,
/// not reused from the start of the build, so records another render saved meanwhile are kept.
fn update_manifest(out: &Path, records: Vec<(String, SceneRecord)>) -> Result<Manifest, Error> {
    let mut manifest = Manifest::load(out);
    manifest.scenes.extend(records);
    manifest.save(out)?;
    Ok(manifest)
}

/// Writes the gallery of every scene in `manifest` whose scene file still reads as a scene.
fn write_gallery(out: &Path, manifest: &Manifest) -> Result<(), Error> {
    let entries: Vec<GalleryEntry> = manifest
        .scenes
        .values()
        .filter_map(|record| {
            let scene = scene::load(Path::new(&record.scene)).ok()?;
            let files: Vec<(String, u64)> = record
                .outputs
                .iter()
                .map(|(name, file)| (name.clone(), file.bytes))
                .collect();
            Some(GalleryEntry::new(&scene, out, &files))
        })
        .collect();
    let page = gallery::index_html(&entries);
    output::write_atomic(&out.join(gallery::FILE), page.as_bytes())?;
    Ok(())
}
