//! What a build tells its caller: while it runs, through a [`Progress`] the caller implements,
//! and when it is done, as a [`Report`].
//!
//! The library never prints. The command line shows progress as terminal bars and the report
//! as a table; a test can count the calls or read the report's fields. Scenes render in
//! parallel and so do the frames of each scene, so a [`Progress`] is called from several
//! threads at once.

use std::path::PathBuf;
use std::time::Duration;

use crate::scene::{Scene, SceneWarning};

/// Live progress of a build. Every method has an empty default, so an implementation picks the
/// events it shows; [`NoProgress`] shows none.
///
/// For each scene that renders, the calls are `scene_started`, `frames` (once the frame count is
/// known), `frame_done` per frame (from any thread, in any order), then `scene_done`. A scene
/// skipped as unchanged only gets `scene_done`. Rendering (and verifying) runs between
/// `batch_started` and `batch_done`; checking and single frames report notes only. `note` may
/// come at any time.
pub trait Progress: Sync {
    /// Rendering (or verifying) `scenes` scenes begins.
    fn batch_started(&self, _scenes: usize) {}
    /// `scene` begins rendering.
    fn scene_started(&self, _scene: &Scene) {}
    /// `scene` will draw `total` frames.
    fn frames(&self, _scene: &Scene, _total: usize) {}
    /// One more frame of `scene` is drawn.
    fn frame_done(&self, _scene: &Scene) {}
    /// `scene` is finished with: rendered, skipped, or failed.
    fn scene_done(&self, _scene: &Scene) {}
    /// Every scene is finished with.
    fn batch_done(&self) {}
    /// Something to tell the user now; the build goes on.
    fn note(&self, _note: &Note<'_>) {}
}

/// A [`Progress`] that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// A message for the user while a build runs.
#[derive(Debug, Clone, Copy)]
pub enum Note<'a> {
    /// A scene was read with a warning; it is still rendered.
    Warning(&'a SceneWarning),
    /// A run of `scene` diverged; it is drawn up to its last finite step.
    Diverged {
        scene: &'a Scene,
        run: &'a DivergedRun,
    },
    /// How long each stage of rendering `scene` took, in order (only when the `INERTIA_TIMINGS`
    /// environment variable is set).
    Timings {
        scene: &'a Scene,
        stages: &'a [(&'static str, Duration)],
    },
    /// Something about the output folder (e.g. a manifest that had to be set aside, the files of
    /// a scene that no longer exists); the build goes on.
    Folder(&'a str),
}

/// What a build did, scene by scene, in the order the scenes were given.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub scenes: Vec<SceneReport>,
    /// The files `--prune` deleted: those the manifest listed for scenes that no longer exist.
    pub pruned: Vec<PathBuf>,
}

/// What was done with one scene.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneReport {
    /// The scene's output name.
    pub name: String,
    /// The scene file.
    pub path: PathBuf,
    /// How many runs the scene expands to.
    pub runs: usize,
    pub outcome: Outcome,
    /// The runs that diverged (empty unless the scene was rendered or verified).
    pub diverged: Vec<DivergedRun>,
    /// What the checker warned about.
    pub warnings: Vec<SceneWarning>,
}

/// What happened to a scene.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Checked and found valid; nothing rendered.
    Checked,
    /// Its outputs were up to date; nothing rendered.
    Skipped,
    /// Rendered and written.
    Rendered {
        files: Vec<WrittenFile>,
        millis: u128,
    },
    /// Rendered in memory and found equal to the files in the output folder.
    Verified { millis: u128 },
    /// One frame rendered and written to `path`.
    FrameWritten { path: PathBuf },
}

/// A file written for a scene: its name in the output folder and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    pub name: String,
    pub bytes: u64,
}

/// A run that diverged: its index in the scene's run order, its label and the step at which it
/// stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DivergedRun {
    pub run: usize,
    pub label: String,
    pub step: usize,
    /// Why and when, in words: "diverged at step 12", "singular Hessian at step 3".
    pub note: String,
}

impl SceneReport {
    /// The report of `scene` with this outcome and these diverged runs.
    pub fn new(scene: &Scene, outcome: Outcome, diverged: Vec<DivergedRun>) -> Self {
        SceneReport {
            name: scene.output.name.clone(),
            path: scene.path.clone(),
            runs: scene.runs.len(),
            outcome,
            diverged,
            warnings: scene.warnings.clone(),
        }
    }
}
