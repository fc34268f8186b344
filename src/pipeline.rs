//! The stages run in order for one scene: checked [`Scene`] → trajectories → [`Figure`] → frames
//! → encoded bytes → files. Every output is built in memory first and only then written, each
//! file atomically, so a failure at any stage leaves the previous outputs untouched.

use std::path::{Path, PathBuf};

use crate::encode::gif::GifEncoder;
use crate::encode::{
    self,
    palette::{Histogram, NearestCache, Palette},
};
use crate::error::EncodeError;
use crate::output::{self, OutputError};
use crate::picture::frames;
use crate::picture::mark::{INK, WHITE};
use crate::render::Figure;
use crate::report::{Note, Progress};
use crate::scene::Scene;
use crate::trajectory::{self, Trajectory};

/// The error of every stage, defined in [`crate::error`]; named here too for callers of
/// [`render`].
pub use crate::error::Error;

/// The encoded files of one scene, not yet written: `(file name, bytes)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    pub files: Vec<(String, Vec<u8>)>,
    /// Runs that diverged: (run index, label, step).
    pub diverged: Vec<(usize, String, usize)>,
}

impl Outputs {
    /// Writes every file into `dir` atomically; returns the paths written.
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
        output::ensure_dir(dir)?;
        let mut written = Vec::new();
        for (name, bytes) in &self.files {
            let path = dir.join(name);
            output::write_atomic(&path, bytes)?;
            written.push(path);
        }
        Ok(written)
    }
}

/// Stage 2: every run's trajectory, in run order.
pub fn trajectories(scene: &Scene) -> Vec<Trajectory> {
    trajectory::simulate_all(
        &scene.runs,
        &scene.surface,
        &scene.window,
        scene.output.steps,
    )
}

fn diverged(scene: &Scene, trajectories: &[Trajectory]) -> Vec<(usize, String, usize)> {
    scene
        .runs
        .iter()
        .zip(trajectories)
        .filter_map(|(r, t)| t.diverged.map(|d| (r.index, r.label.clone(), d.step)))
        .collect()
}

/// Renders the whole scene in memory: `<name>.gif`, `<name>.png` and `<name>.svg` (the last
/// frame), `<name>.csv` and the charts
/// of [`crate::figures`] (`<name>.loss.png` and `.svg`). `progress` hears of the frame count and
/// of each frame drawn.
pub fn render(scene: &Scene, progress: &dyn Progress) -> Result<Outputs, Error> {
    let mut clock = StageClock::new();
    let trajectories = trajectories(scene);
    clock.lap("trajectories");
    let figure = Figure::new(scene, &trajectories)?;
    clock.lap("background");
    let picture = &figure.picture;
    progress.frames(scene, picture.steps + 1);
    let (plan, keyframes) = frames::Plan::new(picture)?;
    clock.lap("plan");
    let encoder = GifEncoder::new(
        picture.width,
        picture.height,
        gif_palette(&figure, &keyframes),
    );
    let delays = encode::gif::frame_delays(picture.steps + 1, scene.output.fps, scene.output.hold);
    clock.lap("palette");
    // Frames are drawn and quantized chunk by chunk in parallel, while the PNG and the SVG (of
    // the last frame, known from the plan) and the charts are made beside them.
    let (((png, svg), charts), frames) = rayon::join(
        || {
            rayon::join(
                || {
                    rayon::join(
                        || encode::png::encode(&keyframes.last, encode::png::Content::Bands),
                        || {
                            crate::picture::svg::write(
                                picture,
                                picture.steps,
                                &encode::png::encode_image,
                            )
                            .into_bytes()
                        },
                    )
                },
                || crate::figures::charts(scene, &trajectories),
            )
        },
        || {
            plan.run(NearestCache::default, |cache, _, patch, _| {
                progress.frame_done(scene);
                encoder.quantize(&patch, cache)
            })
        },
    );
    let frames = frames?;
    clock.lap("frames+png");
    let gif = encoder.encode(&frames, &delays);
    clock.lap("gif");
    let gif = gif.map_err(EncodeError::Gif)?;
    let png = png.map_err(EncodeError::Png)?;
    let charts = charts?;
    let csv = encode::csv::encode(&scene.runs, &trajectories);
    clock.lap("csv");
    clock.report(scene, progress);
    let name = &scene.output.name;
    let mut files = vec![
        (format!("{name}.gif"), gif),
        (format!("{name}.png"), png),
        (format!("{name}.svg"), svg),
        (format!("{name}.csv"), csv),
    ];
    files.extend(
        charts
            .into_iter()
            .map(|(suffix, bytes)| (format!("{name}{suffix}"), bytes)),
    );
    Ok(Outputs {
        files,
        diverged: diverged(scene, &trajectories),
    })
}

/// Stage timings, measured when `INERTIA_TIMINGS` is set and handed to the caller's
/// [`Progress`] as a [`Note::Timings`] (for profiling; the benchmark in `benches/` is the
/// measurement of record).
struct StageClock {
    enabled: bool,
    last: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration)>,
}

impl StageClock {
    fn new() -> Self {
        StageClock {
            enabled: std::env::var_os("INERTIA_TIMINGS").is_some(),
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        if self.enabled {
            let now = std::time::Instant::now();
            self.laps.push((stage, now - self.last));
            self.last = now;
        }
    }

    fn report(&self, scene: &Scene, progress: &dyn Progress) {
        if self.enabled {
            progress.note(&Note::Timings {
                scene,
                stages: &self.laps,
            });
        }
    }
}

/// The GIF palette: it must represent the background (sampled on every fourth pixel: it is
/// flat bands) and, exactly, what the animation adds to it: the pixels where the last frame or
/// frame 0 differ from the background. Run colours, ink and white are always exact.
pub fn gif_palette(figure: &Figure, keyframes: &frames::Keyframes) -> Palette {
    let mut histogram = Histogram::default();
    let background = keyframes.background.data();
    for px in background.chunks_exact(16) {
        histogram.add([px[0], px[1], px[2]], 4);
    }
    for frame in [keyframes.last.data(), keyframes.first.data()] {
        for (px, b) in frame.chunks_exact(4).zip(background.chunks_exact(4)) {
            if px != b {
                histogram.add([px[0], px[1], px[2]], 1);
            }
        }
    }
    let mut forced: Vec<[u8; 3]> = Vec::new();
    for c in figure.runs.iter().map(|r| r.colour).chain([INK, WHITE]) {
        if !forced.contains(&c) {
            forced.push(c);
        }
    }
    Palette::from_histogram(histogram, &forced)
}

/// Renders the single frame at `step` as `<name>.frame<step>.png` (for inspecting frames).
pub fn render_frame(scene: &Scene, step: usize) -> Result<Outputs, Error> {
    let trajectories = trajectories(scene);
    let figure = Figure::new(scene, &trajectories)?;
    let step = step.min(figure.picture.steps);
    let still = frames::still(&figure.picture, step)?;
    let png = encode::png::encode(&still, encode::png::Content::Bands).map_err(EncodeError::Png)?;
    Ok(Outputs {
        files: vec![(format!("{}.frame{step}.png", scene.output.name), png)],
        diverged: diverged(scene, &trajectories),
    })
}
