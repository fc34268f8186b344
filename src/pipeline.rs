//! The stages run in order for one scene: checked [`Scene`] → trajectories → [`Figure`] → frames
//! → encoded bytes → files. Every output is built in memory first and only then written, each
//! file atomically, so a failure at any stage leaves the previous outputs untouched.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::encode::gif::{EncodedFrame, FrameStore, GifEncoder, GifError, QuantizedFrame, Usage};
use crate::encode::{
    self,
    palette::{Histogram, NearestCache, Palette},
};
use crate::error::EncodeError;
use crate::output::{self, OutputError};
use crate::picture::mark::{INK, WHITE};
use crate::picture::{frames, svg};
use crate::render::Figure;
use crate::report::{Note, Progress};
use crate::scene::{Format, Scene};
use crate::trajectory::{self, Trajectory};

/// The error of every stage, defined in [`crate::error`]; named here too for callers of
/// [`render`].
pub use crate::error::Error;

/// The encoded files of one scene, not yet written: `(file name, bytes)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    pub files: Vec<(String, Vec<u8>)>,
    /// Runs that stopped early: (run index, label, why and when).
    pub diverged: Vec<(usize, String, crate::trajectory::Divergence)>,
}

impl Outputs {
    /// Writes every file into `dir` atomically, flushed to disk together (see
    /// [`output::Staged`]); returns the paths written. Files named `FOLDER/FILE` (the frames,
    /// `NAME.frames/0000.png`, ...) are written as their folder, the whole folder atomically (see
    /// [`output::write_dir_atomic`]); its path is returned once.
    pub fn write(&self, dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
        output::ensure_dir(dir)?;
        self.write_staged(output::Staged::new(dir), dir)
    }

    /// [`Outputs::write`] into `dir` through `staged`, which may hold some of the files already
    /// (handed on early by [`render_into`]): the others are staged, then all are committed.
    pub fn write_staged(
        &self,
        staged: output::Staged,
        dir: &Path,
    ) -> Result<Vec<PathBuf>, OutputError> {
        // Each folder with its files (name inside it, bytes).
        type Folder<'a> = (&'a str, Vec<(&'a str, &'a [u8])>);
        let mut folders: Vec<Folder> = Vec::new();
        let mut written = Vec::new();
        for (name, bytes) in &self.files {
            if let Some((folder, file)) = name.split_once('/') {
                match folders.iter_mut().find(|(f, _)| *f == folder) {
                    Some((_, files)) => files.push((file, bytes)),
                    None => folders.push((folder, vec![(file, bytes)])),
                }
                continue;
            }
            if !staged.has(name) {
                staged.stage(name, bytes);
            }
            written.push(dir.join(name));
        }
        staged.commit()?;
        for (folder, files) in folders {
            let path = dir.join(folder);
            output::write_dir_atomic(&path, &files)?;
            written.push(path);
        }
        Ok(written)
    }
}

/// Every file [`render`] writes for `scene`, by name: known before any work, so a batch can
/// find two scenes that would write the same file, and a folder standing in a file's way.
pub fn file_names(scene: &Scene) -> Vec<String> {
    let name = &scene.output.name;
    let mut names: Vec<String> = ["gif", "png", "svg", "csv"]
        .iter()
        .map(|ext| format!("{name}.{ext}"))
        .collect();
    for chart in &scene.draw.charts {
        for ext in ["png", "svg"] {
            names.push(format!("{name}.{}.{ext}", chart.name()));
        }
    }
    names
}

/// Stage 2: every run's trajectory, in run order.
pub fn trajectories(scene: &Scene) -> Vec<Trajectory> {
    trajectory::simulate_all(
        &scene.runs,
        &scene.surface,
        &scene.view.window(),
        scene.output.steps,
    )
}

fn diverged(
    scene: &Scene,
    trajectories: &[Trajectory],
) -> Vec<(usize, String, crate::trajectory::Divergence)> {
    scene
        .runs
        .iter()
        .zip(trajectories)
        .filter_map(|(r, t)| t.diverged.map(|d| (r.index, r.label.clone(), d)))
        .collect()
}

/// The file names of one scene's outputs: `NAME.gif`, `NAME.frames/0000.png`, ...
pub struct FileNames<'a>(pub &'a str);

impl FileNames<'_> {
    pub fn with(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.0)
    }

    /// The folder of frames, `NAME.frames` (see [`Outputs::write`]).
    pub fn frames_dir(&self) -> String {
        format!("{}.frames", self.0)
    }

    /// Frame `index` of `frames` inside the folder: `NAME.frames/0007.png`, numbered with at
    /// least four digits and as many as the last frame's number needs, so names sort in order.
    pub fn frame(&self, index: usize, frames: usize) -> String {
        let digits = frames.saturating_sub(1).to_string().len().max(4);
        format!("{}/{index:0digits$}.png", self.frames_dir())
    }
}

/// Renders the whole scene in memory: the files its `[output] formats` ask for (by default
/// `<name>.gif`, `<name>.png` and `<name>.svg` of the last frame, `<name>.csv`, the player
/// `<name>.html`, and the charts of [`crate::figures`] as PNG and SVG; on request the frames
/// PDF with its LaTeX line and the folder of frames), and always the caption `<name>.txt`.
/// `progress` hears of the frame count and of each frame drawn.
pub fn render(scene: &Scene, progress: &dyn Progress) -> Result<Outputs, Error> {
    render_into(scene, progress, &|_, _| {})
}

/// [`render`], handing each file to `early` (name, bytes) as soon as it is made, while the rest
/// is still being made (the GIF comes last; the frames folder is not handed
/// on): a writer can start on those files meanwhile. Every file is in the [`Outputs`] too.
pub fn render_into(
    scene: &Scene,
    progress: &dyn Progress,
    early: &(dyn Fn(&str, &[u8]) + Sync),
) -> Result<Outputs, Error> {
    let mut clock = StageClock::new();
    let names = FileNames(&scene.output.name);
    let trajectories = trajectories(scene);
    clock.lap("trajectories");
    let o = &scene.output;
    let (png_on, svg_on) = (o.writes(Format::Png), o.writes(Format::Svg));
    // The charts and the CSV read the trajectories alone: they are made beside everything
    // drawn from the figure.
    let charts = || {
        let charts = crate::figures::charts(scene, &trajectories, png_on, svg_on);
        for (suffix, bytes) in charts.iter().flatten() {
            early(&names.with(suffix), bytes);
        }
        charts
    };
    let csv = || {
        let csv = o
            .writes(Format::Csv)
            .then(|| encode::csv::encode(&scene.runs, &trajectories, scene.dims()));
        handed_on(early, &names, ".csv", csv)
    };
    // The figure comes first, alone: its background is rows in parallel, so it takes every
    // thread, and it starts the longest chain (plan, palette, frames, GIF). Made beside the
    // charts, it had one thread (quad60: 35.4 against 33.6 ms, 40 runs each).
    let figure = Figure::new(scene, &trajectories)?;
    clock.lap("figure");
    // What is drawn from the figure starts here (`join` runs its first closure on this thread
    // and leaves the second for another to take).
    let (drawn, (charts, csv)) = rayon::join(
        || draw(scene, &trajectories, figure, progress, &mut clock, early),
        || rayon::join(charts, csv),
    );
    let Drawn {
        figure,
        gif,
        png,
        svg,
        html,
        pdf,
        caption,
        frame_pngs,
    } = drawn?;
    let charts = charts?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add = |suffix: &str, bytes: Option<Vec<u8>>| {
        if let Some(b) = bytes {
            files.push((names.with(suffix), b));
        }
    };
    add(".gif", gif);
    add(".png", png);
    add(".svg", svg);
    add(".csv", csv);
    add(".html", html);
    add(".txt", Some(caption));
    if let Some(pdf) = pdf {
        add(".frames.pdf", Some(pdf));
        add(
            ".tex",
            Some(encode::tex::snippet(&o.name, o.fps, figure.picture.steps + 1).into_bytes()),
        );
    }
    files.extend(
        charts
            .into_iter()
            .map(|(suffix, bytes)| (names.with(&suffix), bytes)),
    );
    let count = frame_pngs.len();
    for (index, png) in frame_pngs.into_iter().enumerate() {
        if let Some(png) = png {
            files.push((names.frame(index, count), png));
        }
    }
    clock.lap("files");
    clock.report(scene, progress);
    Ok(Outputs {
        files,
        diverged: diverged(scene, &trajectories),
    })
}

/// Hands the file `names.with(suffix)`, when it was made, to `early`; gives its bytes back.
fn handed_on(
    early: &(dyn Fn(&str, &[u8]) + Sync),
    names: &FileNames,
    suffix: &str,
    bytes: Option<Vec<u8>>,
) -> Option<Vec<u8>> {
    if let Some(b) = &bytes {
        early(&names.with(suffix), b);
    }
    bytes
}

/// What [`draw`] makes: the figure and everything drawn from it.
struct Drawn {
    figure: Figure,
    gif: Option<Vec<u8>>,
    png: Option<Vec<u8>>,
    svg: Option<Vec<u8>>,
    html: Option<Vec<u8>>,
    pdf: Option<Vec<u8>>,
    /// The caption file's bytes.
    caption: Vec<u8>,
    /// Each frame as PNG, for the folder of frames (`None` when it is not asked for).
    frame_pngs: Vec<Option<Vec<u8>>>,
}

/// The figure of `scene` and what is drawn from it: the frames (compressed for the GIF,
/// encoded for the folder, each as soon as it is drawn, chunk by chunk in parallel) beside the
/// PNG, the SVG, the player and the PDF.
fn draw(
    scene: &Scene,
    trajectories: &[Trajectory],
    figure: Figure,
    progress: &dyn Progress,
    clock: &mut StageClock,
    early: &(dyn Fn(&str, &[u8]) + Sync),
) -> Result<Drawn, Error> {
    let names = FileNames(&scene.output.name);
    // Hands a file made beside the frames on at once.
    let made = |suffix: &str, bytes: Option<Vec<u8>>| handed_on(early, &names, suffix, bytes);
    let o = &scene.output;
    let (gif_on, png_on, frames_on) = (
        o.writes(Format::Gif),
        o.writes(Format::Png),
        o.writes(Format::Frames),
    );
    let picture = &figure.picture;
    let finish_gif = |gif: Option<GifFrames>, frames: Vec<GifFrame>| -> Result<_, Error> {
        let delays = encode::gif::frame_delays(picture.steps + 1, o.fps, o.hold);
        match gif {
            Some(g) => Ok(Some(g.finish(frames, &delays).map_err(EncodeError::Gif)?)),
            None => Ok(None),
        }
    };
    let animated = gif_on || frames_on;
    if animated {
        progress.frames(scene, picture.steps + 1);
    }
    let caption = crate::caption::describe(scene, trajectories);
    // The picture's images (the surface) as PNG, encoded once for the SVG, the player and the
    // PDF, by whichever needs one first.
    let encoded: Vec<std::sync::OnceLock<Vec<u8>>> =
        picture.images.iter().map(|_| Default::default()).collect();
    let png_of = |image: &crate::picture::Image| -> Vec<u8> {
        match picture
            .images
            .iter()
            .position(|i| std::ptr::eq(&**i, image))
        {
            Some(k) => encoded[k]
                .get_or_init(|| encode::png::encode_image(image))
                .clone(),
            None => encode::png::encode_image(image),
        }
    };
    // The plan paints every segment once; its last keyframe is the PNG. What the GIF palette
    // reads of the keyframes is read at once, so the last keyframe can be used up by the PNG
    // beside the frames; the palette is fixed before the first frame.
    let plan = || -> Result<_, Error> {
        if !(animated || png_on) {
            return Ok(None);
        }
        let (mut plan, keyframes) = frames::Plan::new(picture)?;
        let gif = gif_on.then(|| GifFrames::new(&figure, &mut plan, keyframe_colours(&keyframes)));
        Ok(Some((plan, keyframes.last, gif)))
    };
    // A long animation's plan holds the frames it samples until the GIF's palette is made from
    // them: it is made first, so they are not held while the documents are made. Otherwise the
    // plan is made beside the documents.
    let long = frames::sampled_ahead(picture.steps);
    let planned = if long { Some(plan()?) } else { None };
    // The SVG, the player and the PDF read the picture alone: they are made beside the plan
    // (one sequential pass) and the frames. The still PNG waits for the plan's last keyframe.
    // Which starts on this thread and which waits for a free one (the charts, started once
    // the figure is made, hold the other until about now):
    // - up to 256 steps, time: the plan, the palette, the frames and the GIF are the longest
    //   chain, so they start here, and the GIF is made as soon as its frames are;
    // - longer, memory: the documents (the player is most of a long animation's memory) and
    //   the still start here while the frames start on the other thread, and the GIF is
    //   assembled once the documents are gone (10,000 steps: 100 MB peak, against 106 MB in
    //   the short animations' order).
    // The caption is handed on with the documents: a file created on the thread of the
    // longest chain (up to 256 steps) waited up to 6 ms for the file system there.
    let documents = || {
        let caption_file = made(".txt", Some(caption.file().into_bytes())).unwrap_or_default();
        let svg = || {
            made(
                ".svg",
                o.writes(Format::Svg)
                    .then(|| svg::write(picture, picture.steps, &png_of).into_bytes()),
            )
        };
        let html = || {
            made(
                ".html",
                o.writes(Format::Html).then(|| {
                    crate::player::html(scene, trajectories, &figure, &caption, &png_of)
                        .into_bytes()
                }),
            )
        };
        let pdf = || {
            made(
                ".frames.pdf",
                o.writes(Format::Pdf)
                    .then(|| crate::picture::pdf::frames(picture, &png_of)),
            )
        };
        let (svg, (html, pdf)) = rayon::join(svg, || rayon::join(html, pdf));
        (svg, html, pdf, caption_file)
    };
    let animation = || -> Result<_, Error> {
        let Some((plan, last, gif)) = (match planned {
            Some(p) => p,
            None => plan()?,
        }) else {
            return Ok((None, GifStage::Made(None), Vec::new()));
        };
        let png = || match png_on.then(|| encode::png::encode_owned(last)) {
            Some(Ok(bytes)) => Ok(made(".png", Some(bytes))),
            Some(Err(e)) => Err(EncodeError::Png(e)),
            None => Ok(None),
        };
        // The frames, then (but in a long animation) the GIF made of them.
        let frames = || -> Result<_, Error> {
            if !animated {
                return Ok((GifStage::Made(None), Vec::new()));
            }
            let frames = plan.run(Default::default, |(cache, store), _, patch| {
                progress.frame_done(scene);
                let png = frames_on.then(|| encode::png::encode(patch.frame()));
                (gif.as_ref().map(|g| g.frame(patch, cache, store)), png)
            })?;
            let (gif_frames, frame_pngs): (Vec<_>, Vec<_>) = frames.into_iter().unzip();
            let gif_frames: Vec<GifFrame> = gif_frames.into_iter().flatten().collect();
            let stage = if long {
                GifStage::Pending(Box::new((gif, gif_frames)))
            } else {
                GifStage::Made(finish_gif(gif, gif_frames)?)
            };
            Ok((stage, frame_pngs))
        };
        let (frames, png) = join_ordered(long, frames, png);
        let (gif, frame_pngs) = frames?;
        Ok((png?, gif, frame_pngs))
    };
    let (animation, documents) = join_ordered(long, animation, documents);
    let (svg, html, pdf, caption_file) = documents;
    let (png, gif, frame_pngs) = animation?;
    let gif = match gif {
        GifStage::Made(gif) => gif,
        GifStage::Pending(pending) => {
            let (gif, frames) = *pending;
            finish_gif(gif, frames)?
        }
    };
    clock.lap("frames, GIF and stills");
    let frame_pngs = frame_pngs
        .into_iter()
        .map(|p| p.transpose().map_err(EncodeError::Png))
        .collect::<Result<_, _>>()?;
    Ok(Drawn {
        gif,
        png,
        svg,
        html,
        pdf,
        caption: caption_file,
        frame_pngs,
        figure,
    })
}

/// The GIF as the frames leave it: made, or (in a long animation) its frames kept until the
/// documents are done.
enum GifStage {
    Made(Option<Vec<u8>>),
    Pending(Box<(Option<GifFrames>, Vec<GifFrame>)>),
}

/// `rayon::join(a, b)`, but with `b` started on this thread when `b_first`: what is started
/// here runs at once, the other when a thread is free to take it.
fn join_ordered<A, B, RA, RB>(b_first: bool, a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    if b_first {
        let (rb, ra) = rayon::join(b, a);
        (ra, rb)
    } else {
        rayon::join(a, b)
    }
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

/// The GIF of an animation while its frames are drawn. The palette is fixed before the first
/// frame (`gif_palette`); its order, what the frames draw most, is known then only for an
/// animation sampled ahead ([`frames::sampled_ahead`]: `palette_usage` of the frames the plan
/// sampled), whose frames are each compressed as soon as drawn. A shorter animation's frames are
/// quantized as they are drawn and compressed at the end, in the order read off every one of
/// them: no frame is composed twice, and the palette's order is the one sampling every frame
/// would give, so the file is the same.
pub struct GifFrames {
    encoder: GifEncoder,
    ordered: bool,
}

/// One frame of a [`GifFrames`]: compressed, or quantized while the order is not known.
pub enum GifFrame {
    Encoded(EncodedFrame),
    Quantized(QuantizedFrame),
}

impl GifFrames {
    pub fn new(figure: &Figure, plan: &mut frames::Plan, keyframe_colours: Histogram) -> Self {
        let palette = gif_palette(figure, plan, keyframe_colours);
        let ordered = frames::sampled_ahead(figure.picture.steps);
        let usage = if ordered {
            palette_usage(&palette, plan)
        } else {
            Vec::new()
        };
        let (w, h) = (figure.picture.width, figure.picture.height);
        GifFrames {
            encoder: GifEncoder::new(w, h, palette, &usage),
            ordered,
        }
    }

    /// What is kept of one frame until [`GifFrames::finish`].
    pub fn frame(
        &self,
        patch: &frames::FramePatch,
        cache: &mut NearestCache,
        store: &mut FrameStore,
    ) -> GifFrame {
        if self.ordered {
            GifFrame::Encoded(self.encoder.frame(patch, cache))
        } else {
            GifFrame::Quantized(self.encoder.quantize(patch, cache, store))
        }
    }

    /// The file, from every frame in order with its delay (hundredths of a second); frames still
    /// quantized are compressed in parallel first, in the order they give.
    pub fn finish(self, frames: Vec<GifFrame>, delays: &[u16]) -> Result<Vec<u8>, GifError> {
        let encoder = if self.ordered {
            self.encoder
        } else {
            let mut usage = Usage::default();
            for f in &frames {
                if let GifFrame::Quantized(q) = f {
                    usage.add_frame(q.drawn().iter().copied());
                }
            }
            self.encoder.reordered(&usage.keys())
        };
        let encoded: Vec<EncodedFrame> = frames
            .into_par_iter()
            .map(|f| match f {
                GifFrame::Encoded(e) => e,
                GifFrame::Quantized(q) => encoder.compress(&q),
            })
            .collect();
        encoder.assemble(encoded, delays)
    }
}

/// How much each palette colour is drawn in the frames after the first, as an order key (see
/// [`Usage::keys`]), counted on the pixels the frames the plan sampled change.
fn palette_usage(palette: &Palette, plan: &mut frames::Plan) -> Vec<u64> {
    let mut usage = Usage::default();
    let mut cache = NearestCache::default();
    for sample in plan.changed_colours() {
        usage.add_frame(
            sample
                .into_iter()
                .map(|(c, count)| (cache.index(palette, c), u64::from(count))),
        );
    }
    usage.keys()
}

/// What the GIF palette reads of the keyframes: the background (sampled on every fourth
/// pixel: it is flat bands) and the pixels where the last frame differs from it.
pub fn keyframe_colours(keyframes: &frames::Keyframes) -> Histogram {
    let background = keyframes.background.data();
    let width = keyframes.background.width() as usize;
    let sampled = background
        .chunks_exact(16)
        .map(|px| ([px[0], px[1], px[2]], 4));
    let added = frames::changed_pixels(background, keyframes.last.data(), width).map(|c| (c, 1));
    let mut histogram = Histogram::default();
    histogram.add_runs(sampled);
    histogram.add_runs(added);
    histogram
}

/// The GIF palette: it must represent the background and, exactly, what the animation adds to
/// it: the pixels where the last frame ([`keyframe_colours`]) or frame 0 differ from the
/// background. Run colours, ink and white are always exact.
fn gif_palette(figure: &Figure, plan: &frames::Plan, keyframe_colours: Histogram) -> Palette {
    let mut histogram = keyframe_colours;
    for (c, n) in plan.first_colours() {
        histogram.add(c, u64::from(n));
    }
    let mut forced: Vec<[u8; 3]> = Vec::new();
    for c in figure.runs.iter().map(|r| r.colour).chain([INK, WHITE]) {
        if !forced.contains(&c) {
            forced.push(c);
        }
    }
    // A ball's fading past (a curve's) shows in the middle frames, where the sample above may
    // not have seen every shade: each shade is exact too, while they leave room for the rest.
    for item in &figure.picture.items {
        let crate::picture::ItemKind::Track(crate::picture::Track::Ghosts {
            colour,
            count,
            sizes,
            ..
        }) = &item.kind
        else {
            continue;
        };
        for age in 1..=*count {
            if let crate::picture::Mark::Disc { fill, ring, .. } =
                crate::picture::Mark::ghost((0.0, 0.0), *colour, age, *count, sizes)
            {
                for c in [fill, ring] {
                    if !forced.contains(&c) && forced.len() < 96 {
                        forced.push(c);
                    }
                }
            }
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
    let png = encode::png::encode_owned(still).map_err(EncodeError::Png)?;
    Ok(Outputs {
        files: vec![(format!("{}.frame{step}.png", scene.output.name), png)],
        diverged: diverged(scene, &trajectories),
    })
}
