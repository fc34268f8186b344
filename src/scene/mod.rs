//! Stage 1 of the pipeline: a scene file becomes a checked [`Scene`].
//!
//! Checking happens in two steps. [`file::SceneFile`] is the TOML, spanned: every value and
//! every key with its byte span, and nothing else (only TOML syntax errors come from the `toml`
//! crate). [`Scene::from_toml`] then walks that tree against the declared keys: the scene's own
//! tables in [`tables`], each surface's and optimizer's in its kind's file (see
//! [`crate::surface`], [`crate::optimizer`]). It reports unknown keys with a "did you mean",
//! values of the wrong type, values out of range and missing keys, fills in defaults, builds the
//! surface and expands the optimizer entries (sweeps included) into runs. Independent errors
//! are all collected ([`Scene::check`]); every one is a [`SceneError`] naming file, line,
//! column and dotted key, with a hint where one helps. Nothing downstream of a [`Scene`] needs
//! to re-check its input.
//!
//! Modules: [`file`](mod@file) (stage 1), [`check`] (a value against a declared key), [`kinds`] (the
//! kind-dependent `[surface]` and `[[optimizer]]` tables), [`entry_keys`] (an entry's names
//! for numbers, schedule and minibatches), [`expand`] (sweeps into runs and labels),
//! [`tables`] (declarations), [`diagnostic`] (located errors).

pub mod check;
pub mod diagnostic;
pub mod entry_keys;
pub mod expand;
pub mod file;
pub mod kinds;
pub mod tables;
pub mod view;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::keys::{Key, Value, Values};
use crate::surface::{Dims, Point, Surface, Window};
use crate::trajectory::Run;

use check::{check_table, check_value, report_missing, report_unknown_keys, Checker};
pub use diagnostic::SceneError;
use file::{RawTable, RawValue, SceneFile};
pub use tables::{
    Aspect, Chart, ContourScale, Format, Overlay, Panels, ASPECTS, CHARTS, FORMATS, OVERLAYS,
    PANELS, SCALES,
};
pub use view::View;

/// Documented limits on scene values (see the README's scene reference). The declarations in
/// [`tables`] read their ranges from here.
pub mod limits {
    /// Canvas width and height, pixels.
    pub const SIZE: (u32, u32) = (160, 4096);
    /// Frames per second. GIF delays are whole hundredths of a second and browsers clamp delays
    /// below 2/100 s, so 50 fps is the fastest rate a GIF really plays at.
    pub const FPS: (f64, f64) = (0.5, 50.0);
    /// Optimizer steps per run.
    pub const MAX_STEPS: usize = 10_000;
    /// Runs after sweep expansion.
    pub const MAX_RUNS: usize = 64;
    /// Panels of small multiples (beyond this they are too small to read).
    pub const MAX_PANELS: usize = 16;
    /// Seconds the last frame is held.
    pub const MAX_HOLD: f64 = 30.0;
    /// Contour levels.
    pub const LEVELS: (usize, usize) = (2, 64);
    /// Data points of a linear-regression surface.
    pub const MAX_DATA_POINTS: usize = crate::surface::linear_regression::MAX_DATA_POINTS;
    /// Memory budget of one render, bytes: a scene whose worst case (every frame changing every
    /// pixel, plus the canvases) would need more is refused before anything is allocated.
    pub const MEMORY_BUDGET: u64 = 4 << 30;

    /// The worst-case memory of rendering `frames` frames of `width × height`: one byte per
    /// pixel per frame for the quantized frames, and about 48 canvases of 4 bytes per pixel.
    pub fn memory_estimate(frames: u64, width: u32, height: u32) -> u64 {
        let pixels = u64::from(width) * u64::from(height);
        frames * pixels + 48 * 4 * pixels
    }
}

/// `[output]`, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSpec {
    /// Base name of every output file: `<name>.gif`, `.png`, `.csv`.
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    /// Optimizer steps; an animation has `steps + 1` frames.
    pub steps: usize,
    /// Seconds the last frame is held before the loop restarts.
    pub hold: f64,
    /// Where `name` is written in the scene file (`0..0` when it is not: the name is the
    /// file's), for errors about the files the scene writes.
    pub name_span: Range<usize>,
    /// The kinds of file to write (the caption `NAME.txt` is always written).
    pub formats: Vec<Format>,
    /// The step the player shows first (at most `steps`; the last step unless the scene says).
    pub poster: usize,
}

impl OutputSpec {
    /// True when the scene writes files of `format`.
    pub fn writes(&self, format: Format) -> bool {
        self.formats.contains(&format)
    }
}

/// `[draw]`, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawSpec {
    pub levels: usize,
    pub scale: ContourScale,
    /// The static charts to draw besides the animation (see [`crate::figures`]).
    pub charts: Vec<Chart>,
    /// Teaching overlays drawn on every frame (none by default).
    pub overlays: Vec<Overlay>,
    /// One plot, or small multiples.
    pub panels: Panels,
    /// How the window's units map to pixels.
    pub aspect: Aspect,
    /// The font the scene's text is drawn in first (`None`: the embedded one only).
    pub font: Option<crate::keys::FontFile>,
    /// Swept optimizer keys the player shows as sliders, each swept by at least one entry.
    pub sliders: Vec<&'static str>,
    /// A panel beside the plot with the data and each run's line (linear_regression only;
    /// [`Scene::data_window`] is its window).
    pub data_view: bool,
}

/// One optimizer setting: an entry with one value of each of its sweeps. Its runs differ only
/// in their start point.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The runs' label without the start point (a `{start}` placeholder is left out, with the
    /// word "from" before it).
    pub label: String,
    /// Indices into [`Scene::runs`], in start-point order.
    pub runs: Vec<usize>,
    /// The optimizer entry (0-based) the setting comes from.
    pub entry: usize,
    /// The entry's swept keys with this setting's values, in the kind's key order (empty when
    /// nothing is swept): what orders a sweep's settings, e.g. for a colour ramp.
    pub swept: Vec<(&'static str, f64)>,
}

/// A located, non-fatal remark about a scene (e.g. a start point outside the window).
pub type SceneWarning = SceneError;

/// A file a scene was made from, with the exact bytes that were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: PathBuf,
    pub bytes: Arc<[u8]>,
}

/// A checked scene: every value in range, every run expanded. Immutable from here on.
#[derive(Debug, Clone)]
pub struct Scene {
    /// The scene file.
    pub path: PathBuf,
    pub title: String,
    pub output: OutputSpec,
    /// The surface kind's name (`quadratic`, ...) or `expr`.
    pub surface_name: String,
    pub surface: Surface,
    /// What the plot shows: a window over the plane, or a curve (a 1-D scene).
    pub view: View,
    /// The data view's window when `draw.data_view` is set: the data points' x and y ranges
    /// with a margin (see [`data_window`]).
    pub data_window: Option<Window>,
    pub draw: DrawSpec,
    /// The runs in expansion order: entries in file order, then sweep values, then start points.
    pub runs: Vec<Run>,
    /// The optimizer settings the runs come from, in the same order (one panel each when
    /// `draw.panels` is `sweep`).
    pub settings: Vec<Setting>,
    /// Other files the scene reads (linear-regression data).
    pub inputs: Vec<PathBuf>,
    /// The very bytes this scene was made from: the scene file first, then each data file it
    /// read. The manifest records their hashes, so a file edited while a render runs is never
    /// taken as rendered.
    pub sources: Vec<Source>,
    pub warnings: Vec<SceneWarning>,
}

/// Reads and checks a scene file; the first error (in file order) if it is invalid.
pub fn load(path: &Path) -> Result<Scene, SceneError> {
    load_with(path, LoadOptions::default()).map_err(|mut e| e.remove(0))
}

/// How a scene's files are read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Data files and fonts may be anywhere (by default they must lie in the scene's folder or
    /// the working directory, links followed).
    pub allow_outside: bool,
}

/// Reads (a regular file, at most [`crate::input::MAX_SCENE_BYTES`]) and checks a scene file;
/// every independent error, in file order.
///
/// The path `-` reads the scene from standard input: it is called `<stdin>` in messages, its
/// data files are found from the working directory, and its default output name is `stdin`.
pub fn load_with(path: &Path, options: LoadOptions) -> Result<Scene, Vec<SceneError>> {
    let (path, read) = if crate::input::is_stdin(path) {
        (
            Path::new(crate::input::STDIN_NAME),
            crate::input::read_stdin(crate::input::MAX_SCENE_BYTES),
        )
    } else {
        (
            path,
            crate::input::read_bounded(path, crate::input::MAX_SCENE_BYTES),
        )
    };
    let bytes = read.map_err(|e| {
        vec![SceneError::whole_file(
            path,
            format!("cannot read the scene file: {e}"),
        )]
    })?;
    let source = String::from_utf8(bytes).map_err(|e| {
        vec![SceneError::whole_file(
            path,
            format!(
                "the scene file is not UTF-8 text (byte {} is not)",
                e.utf8_error().valid_up_to()
            ),
        )]
    })?;
    Scene::check_with(path, &source, options)
}

impl Scene {
    /// How many coordinates the scene's points have: a 1-D scene draws a curve.
    pub fn dims(&self) -> Dims {
        self.view.dims()
    }

    /// Which run colour run `run` is drawn in, in the animation and in every chart: its own,
    /// or, with one panel per start point, its setting's (so a setting looks the same in
    /// every panel).
    pub fn colour_slot(&self, run: usize) -> usize {
        if self.draw.panels == Panels::Start {
            self.settings
                .iter()
                .position(|s| s.runs.contains(&run))
                .unwrap_or(run)
        } else {
            run
        }
    }

    /// The label run `run` has in a chart's legend: its own, or, with one panel per start
    /// point, its setting's, given with the setting's first run only (the others share its
    /// colour and its legend row).
    pub fn legend_label(&self, run: usize) -> Option<&str> {
        if self.draw.panels != Panels::Start {
            return self.runs.get(run).map(|r| r.label.as_str());
        }
        self.settings
            .iter()
            .find(|s| s.runs.first() == Some(&run))
            .map(|s| s.label.as_str())
    }

    /// Parses and checks scene text; the first error (in file order) if it is invalid. `path`
    /// is used for messages and to find data files.
    pub fn from_toml(path: &Path, source: &str) -> Result<Scene, SceneError> {
        Scene::check(path, source).map_err(|errors| {
            errors
                .into_iter()
                .next()
                .expect("an invalid scene has an error")
        })
    }

    /// Parses and checks scene text, reporting every independent error, in file order (a
    /// check that depends on a wrong value is skipped rather than reporting a consequence).
    pub fn check(path: &Path, source: &str) -> Result<Scene, Vec<SceneError>> {
        Scene::check_with(path, source, LoadOptions::default())
    }

    /// [`Scene::check`] with `options` for the files the scene names.
    pub fn check_with(
        path: &Path,
        source: &str,
        options: LoadOptions,
    ) -> Result<Scene, Vec<SceneError>> {
        let file = SceneFile::parse(path, source)?;
        let mut c = Checker::new(path, source, options);
        let scene = check_scene(&mut c, &file.root);
        match scene {
            Some(scene) if c.errors.is_empty() => Ok(scene),
            _ => {
                let mut errors = c.errors;
                errors.sort_by_key(|e| (e.line, e.column));
                Err(errors)
            }
        }
    }
}

/// The span of the value at `keys` under `root` (`0..0` when not written), for errors found
/// after a table was checked.
fn span_of(root: &RawTable, keys: &[&str]) -> Range<usize> {
    let mut table = root;
    let mut span = 0..0;
    for key in keys {
        let Some(entry) = table.get(key) else {
            return 0..0;
        };
        span = entry.value.span.clone();
        if let RawValue::Table(t) = &entry.value.value {
            table = t;
        }
    }
    span
}

/// The checks of one scene; `None` when anything is wrong (reported in `c`).
fn check_scene(c: &mut Checker, root: &RawTable) -> Option<Scene> {
    let top: Vec<&str> = tables::SCENE_KEYS.iter().map(|k| k.name).collect();
    report_unknown_keys(c, root, &top, &top, "");
    let title = match root.get(tables::TITLE.name) {
        Some(entry) => match check_value(c, &tables::TITLE, &entry.value, tables::TITLE.name) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        },
        None => Some(String::new()),
    };
    let output = check_output(c, root);
    let surface = kinds::check_surface(c, root.get(tables::SURFACE.name).map(|e| &e.value));
    let draw = own_table(c, &tables::DRAW, root).map(|v| draw_spec(&v));
    let starts = check_starts(c, root);
    let entries = kinds::check_optimizers(
        c,
        root.get(tables::OPTIMIZER.name).map(|e| &e.value),
        surface.as_ref().map(|s| &s.surface),
    );

    // Checks across tables, each once the tables it relates are valid.
    let chart_span = || span_of(root, &["draw", tables::CHARTS_KEY.name]);
    if let (Some(draw), Some(entries)) = (&draw, &entries) {
        if draw.charts.contains(&Chart::Ewma) && !entries.iter().any(|e| e.noisy) {
            let e = c
                .at(
                    chart_span(),
                    "draw.charts",
                    "the ewma chart needs a run with gradient noise",
                )
                .with_hint("add noise = { std = 1.0, seed = 1 } to an optimizer");
            c.report(e);
        }
    }
    if let (Some(draw), Some(s)) = (&draw, &surface) {
        let theory = draw
            .charts
            .iter()
            .any(|ch| matches!(ch, Chart::Rate | Chart::Stability));
        let convex_quadratic =
            matches!(s.surface.quadratic_curvatures(), Some((lo, _)) if lo > 0.0);
        if theory && !convex_quadratic {
            let e = c
                .at(
                    chart_span(),
                    "draw.charts",
                    "the rate and stability charts need a convex quadratic surface",
                )
                .with_hint(match s.surface.dims() {
                    Dims::Two => {
                        "use a surface with a constant, positive curvature, e.g. kind = \"quadratic\""
                    }
                    Dims::One => {
                        "use a curve with a constant, positive curvature, e.g. kind = \"quadratic1d\""
                    }
                });
            c.report(e);
        }
    }
    if let (Some(draw), Some(s)) = (&draw, &surface) {
        if s.surface.dims() == Dims::One {
            check_curve_draw(c, root, draw);
        }
    }
    // Start points in the surface's own coordinates (a curve's x as [x, 0]).
    let starts = match (&surface, starts) {
        (Some(s), Some(starts)) => start_points(c, s.surface.dims(), starts),
        _ => None,
    };
    let data_window = match (&draw, &surface) {
        (Some(draw), Some(s)) => check_data_view(c, root, draw, s),
        _ => Ok(None),
    };
    let view = match (&surface, &starts) {
        (Some(s), Some(starts)) => check_start_points(c, root, s, starts),
        _ => None,
    };
    let expanded = match (&entries, &starts, &surface) {
        (Some(entries), Some(starts), Some(s)) => {
            let points: Vec<Point> = starts.iter().map(|(p, _)| *p).collect();
            expand::expand(c, entries, &points, s.surface.dims())
        }
        _ => None,
    };
    if let (Some(draw), Some((_, settings)), Some(starts)) = (&draw, &expanded, &starts) {
        check_panels(c, root, draw, settings.len(), starts.len());
    }
    if let (Some(draw), Some((runs, _))) = (&draw, &expanded) {
        check_glyphs(c, root, draw, title.as_deref().unwrap_or(""), runs);
    }
    if let (Some(draw), Some((_, settings))) = (&draw, &expanded) {
        check_sliders(c, root, draw, settings);
    }
    if let (Some(draw), Some(output)) = (&draw, &output) {
        let stills = output.writes(Format::Png) || output.writes(Format::Svg);
        if !draw.charts.is_empty() && !stills {
            let w = c
                .at(
                    span_of(root, &["draw", tables::CHARTS_KEY.name]),
                    "draw.charts",
                    "no chart is written: charts come as PNG and SVG, and `output.formats` has \
                     neither",
                )
                .with_hint("add \"png\" or \"svg\" to `output.formats`, or set charts = []");
            c.warnings.push(w);
        }
    }
    let (runs, settings) = expanded?;
    let (output, draw, surface, view) = (output?, draw?, surface?, view?);
    let data_window = data_window.ok()?;
    let title = match title? {
        t if t.is_empty() => surface.name.clone(),
        t => t,
    };
    let mut sources = vec![Source {
        path: c.path.to_path_buf(),
        bytes: c.source.as_bytes().into(),
    }];
    sources.append(&mut c.sources);
    Some(Scene {
        path: c.path.to_path_buf(),
        title,
        output,
        surface_name: surface.name,
        // A formula without `minima` has its minima found in the window it is shown in (the
        // view made sure of it already, to mark them on the curve).
        surface: surface.surface.with_minima_found(&view.window()),
        view,
        data_window,
        draw,
        runs,
        settings,
        inputs: sources[1..].iter().map(|s| s.path.clone()).collect(),
        sources,
        warnings: std::mem::take(&mut c.warnings),
    })
}

/// The text the scene writes itself (its title and its optimizers' labels) must be drawable: a
/// character that neither the scene's font nor the embedded one has would come out as a box.
/// Each such text is an error at its key, naming the characters.
fn check_glyphs(c: &mut Checker, root: &RawTable, draw: &DrawSpec, title: &str, runs: &[Run]) {
    let fonts = match &draw.font {
        Some(f) => crate::text::Fonts::with_preferred(f.font.clone()),
        None => crate::text::Fonts::embedded(),
    };
    let report = |c: &mut Checker, span: Range<usize>, key: String, text: &str| {
        let missing = fonts.missing(text);
        if missing.is_empty() {
            return;
        }
        let listed: Vec<String> = missing
            .iter()
            .map(|ch| {
                if ch.is_control() || ch.is_whitespace() {
                    format!("U+{:04X}", *ch as u32)
                } else {
                    format!("{ch} (U+{:04X})", *ch as u32)
                }
            })
            .collect();
        let (message, hint) = match &draw.font {
            None => (
                format!("the embedded font has no glyphs for {}", listed.join(", ")),
                "set `draw.font` to a font that has them, e.g. font = \"fonts/NotoSansSC-Regular.otf\" \
                 under [draw] (TTF, OTF or TTC, relative to the scene file)"
                    .to_string(),
            ),
            Some(f) => (
                format!(
                    "neither `{}` nor the embedded font has glyphs for {}",
                    f.path.display(),
                    listed.join(", ")
                ),
                "use a font in `draw.font` that has them".to_string(),
            ),
        };
        let e = c.at(span, &key, message).with_hint(hint);
        c.report(e);
    };
    report(
        c,
        span_of(root, &[tables::TITLE.name]),
        "title".into(),
        title,
    );
    // Each entry's written label, once: its runs' labels only add numbers and names.
    let entries = match root.get(tables::OPTIMIZER.name).map(|e| &e.value.value) {
        Some(RawValue::Array(a)) => a.as_slice(),
        _ => &[],
    };
    for (i, raw) in entries.iter().enumerate() {
        let RawValue::Table(t) = &raw.value else {
            continue;
        };
        let Some(label) = t.get("label") else {
            continue;
        };
        if let Some(run) = runs.iter().find(|r| r.entry == i) {
            report(
                c,
                label.value.span.clone(),
                format!("optimizer[{i}].label"),
                &run.label,
            );
        }
    }
}

/// A table of the scene's own (`[output]`, `[draw]`), checked; its defaults when not written.
fn own_table(c: &mut Checker, key: &Key, root: &RawTable) -> Option<Values> {
    let crate::keys::Type::Table(keys) = key.ty else {
        unreachable!("`{}` is declared as a table", key.name)
    };
    match root.get(key.name) {
        Some(entry) => match check_value(c, key, &entry.value, key.name)? {
            Value::Table(v) => Some(v),
            _ => None,
        },
        None => check_table(c, &RawTable::default(), &(0..0), keys, key.name),
    }
}

fn check_output(c: &mut Checker, root: &RawTable) -> Option<OutputSpec> {
    let v = own_table(c, &tables::OUTPUT, root)?;
    let default_name = if c.path == Path::new(crate::input::STDIN_NAME) {
        "stdin".to_string()
    } else {
        c.path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("scene")
            .to_string()
    };
    let whole = |k: &str| match v.get(k) {
        Some(Value::Whole(n)) => *n,
        other => unreachable!("`{k}` is a whole number with a default: {other:?}"),
    };
    let Some(Value::WholePair([width, height])) = v.get(tables::SIZE.name) else {
        unreachable!("size has a default")
    };
    let spec = OutputSpec {
        name_span: span_of(root, &["output", tables::NAME.name]),
        name: v
            .text(tables::NAME.name)
            .map_or(default_name, str::to_string),
        // Checked within limits::SIZE, so the conversions are exact.
        width: *width as u32,
        height: *height as u32,
        fps: v.number("fps"),
        steps: whole(tables::STEPS.name) as usize,
        hold: v.number("hold"),
        formats: match v.get(tables::FORMATS_KEY.name) {
            Some(Value::Choices(i)) => i.iter().map(|&i| Format::from_index(i)).collect(),
            other => unreachable!("formats has a default: {other:?}"),
        },
        poster: 0,
    };
    let steps = spec.steps;
    let spec = OutputSpec {
        poster: match v.get(tables::POSTER.name) {
            Some(Value::Whole(n)) if *n as usize > steps => {
                let e = c
                    .at(
                        span_of(root, &["output", tables::POSTER.name]),
                        "output.poster",
                        format!("the poster step {n} is beyond the scene's {steps} steps"),
                    )
                    .with_hint(format!(
                        "use a step from 0 to {steps}, or leave it out for the last"
                    ));
                c.report(e);
                return None;
            }
            Some(Value::Whole(n)) => *n as usize,
            _ => steps,
        },
        ..spec
    };
    let estimate = limits::memory_estimate(spec.steps as u64 + 1, spec.width, spec.height);
    if estimate > limits::MEMORY_BUDGET {
        let span = [tables::STEPS.name, tables::SIZE.name, ""]
            .iter()
            .map(|k| {
                if k.is_empty() {
                    span_of(root, &["output"])
                } else {
                    span_of(root, &["output", k])
                }
            })
            .find(|s| *s != (0..0))
            .unwrap_or(0..0);
        let e = c
            .at(
                span,
                "output",
                format!(
                    "{} frames of {}×{} may need {:.1} GiB, more than the {} GiB budget",
                    spec.steps + 1,
                    spec.width,
                    spec.height,
                    estimate as f64 / f64::from(1u32 << 30),
                    limits::MEMORY_BUDGET >> 30
                ),
            )
            .with_hint("use fewer steps or a smaller size");
        c.report(e);
        return None;
    }
    Some(spec)
}

/// `[draw]` from its checked values (defaults filled in).
fn draw_spec(v: &Values) -> DrawSpec {
    let index = |k: &str| match v.get(k) {
        Some(Value::Choice(i)) => *i,
        other => unreachable!("`{k}` is a name with a default: {other:?}"),
    };
    let indices = |k: &str| match v.get(k) {
        Some(Value::Choices(i)) => i.clone(),
        other => unreachable!("`{k}` is a list of names with a default: {other:?}"),
    };
    DrawSpec {
        levels: match v.get("levels") {
            Some(Value::Whole(n)) => *n as usize,
            other => unreachable!("levels has a default: {other:?}"),
        },
        scale: ContourScale::from_index(index("scale")),
        charts: indices("charts")
            .into_iter()
            .map(Chart::from_index)
            .collect(),
        overlays: indices("overlays")
            .into_iter()
            .map(Overlay::from_index)
            .collect(),
        panels: Panels::from_index(index("panels")),
        aspect: Aspect::from_index(index("aspect")),
        font: match v.get("font") {
            Some(Value::Font(f)) => Some(f.clone()),
            _ => None,
        },
        sliders: match v.get(tables::SLIDERS_KEY.name) {
            Some(Value::Choices(i)) => {
                let names = tables::slider_keys();
                i.iter().map(|&i| names[i].name).collect()
            }
            _ => Vec::new(),
        },
        data_view: matches!(v.get(tables::DATA_VIEW_KEY.name), Some(Value::Bool(true))),
    }
}

/// The data view's window: the points' x range widened by 6 % on each side and their y range
/// by 10 % (a line through them reads against the panel's edges); a range of one value is
/// widened by ±1.
pub fn data_window(points: &[Point]) -> Window {
    let range = |k: usize, margin: f64| {
        let (lo, hi) = points
            .iter()
            .map(|p| p[k])
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        let pad = if hi > lo { (hi - lo) * margin } else { 1.0 };
        (lo - pad, hi + pad)
    };
    Window::new(range(0, 0.06), range(1, 0.10))
}

/// The data view's window, when the scene asks for one: an error at `draw.data_view` when the
/// surface is not made from data, or when its data are too large to draw.
fn check_data_view(
    c: &mut Checker,
    root: &RawTable,
    draw: &DrawSpec,
    s: &kinds::CheckedSurface,
) -> Result<Option<Window>, ()> {
    if !draw.data_view {
        return Ok(None);
    }
    let span = span_of(root, &["draw", tables::DATA_VIEW_KEY.name]);
    let linear_regression = crate::surface::linear_regression::KIND.name;
    let Some(points) = s.surface.data_points() else {
        let e = c
            .at(
                span,
                "draw.data_view",
                format!(
                    "the data view shows the data a {linear_regression} surface is fitted to, \
                     and this surface is `{}`",
                    s.name
                ),
            )
            .with_hint(format!(
                "use kind = \"{linear_regression}\" with `data` or `data_file`, or remove \
                 data_view"
            ));
        c.report(e);
        return Err(());
    };
    let window = data_window(points);
    if !drawable(&window) {
        let e = c
            .at(
                span,
                "draw.data_view",
                "the data points are too far apart to draw in the data view",
            )
            .with_hint("rescale the data (values below about 1e300 draw), or remove data_view");
        c.report(e);
        return Err(());
    }
    Ok(Some(window))
}

/// Each slider must be a key some optimizer entry sweeps, and sliders need the runs of a value
/// together in one plot (or one per start point), not a panel per setting.
fn check_sliders(c: &mut Checker, root: &RawTable, draw: &DrawSpec, settings: &[Setting]) {
    if draw.sliders.is_empty() {
        return;
    }
    let span = || span_of(root, &["draw", tables::SLIDERS_KEY.name]);
    let swept: Vec<&str> = settings
        .iter()
        .flat_map(|s| s.swept.iter().map(|(k, _)| *k))
        .collect();
    for key in &draw.sliders {
        if !swept.contains(key) {
            let hint = if swept.is_empty() {
                format!(
                    "give `{key}` a list of values in an optimizer entry, e.g. {key} = [0.5, 0.9]"
                )
            } else {
                let mut names: Vec<&str> = Vec::new();
                for k in &swept {
                    if !names.contains(k) {
                        names.push(k);
                    }
                }
                format!(
                    "the swept keys are {}",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let e = c
                .at(
                    span(),
                    "draw.sliders",
                    format!("`{key}` is not swept: no optimizer entry gives it a list of values"),
                )
                .with_hint(hint);
            c.report(e);
        }
    }
    if draw.panels == Panels::Sweep {
        let e = c
            .at(
                span(),
                "draw.sliders",
                "sliders choose among the runs of one plot, and panels = \"sweep\" gives each \
                 setting its own panel",
            )
            .with_hint("use panels = \"single\" (or \"start\") with sliders");
        c.report(e);
    }
}

/// A start point as written: a number (a curve's x) or [x, y].
#[derive(Debug, Clone, Copy, PartialEq)]
enum StartAt {
    X(f64),
    Point(Point),
}

/// The `[[start]]` points with the spans of their `at` values.
fn check_starts(c: &mut Checker, root: &RawTable) -> Option<Vec<(StartAt, Range<usize>)>> {
    let key = &tables::START;
    let Some(entry) = root.get(key.name) else {
        let end = c.end_of_text();
        report_missing(c, key, end, "");
        return None;
    };
    let Value::Tables(tables) = check_value(c, key, &entry.value, key.name)? else {
        unreachable!("`start` is declared as tables")
    };
    if tables.is_empty() {
        report_missing(c, key, entry.value.span.clone(), "");
        return None;
    }
    let RawValue::Array(items) = &entry.value.value else {
        unreachable!("checked as tables")
    };
    let at = tables::START_KEYS[0].name;
    Some(
        tables
            .iter()
            .zip(items)
            .map(|(v, item)| {
                let span = match &item.value {
                    RawValue::Table(t) => t
                        .get(at)
                        .map_or(item.span.clone(), |e| e.value.span.clone()),
                    _ => item.span.clone(),
                };
                let start = match v.get(at) {
                    Some(Value::Number(x)) => StartAt::X(*x),
                    Some(Value::Point(p)) => StartAt::Point(*p),
                    other => unreachable!("`at` is required and a position: {other:?}"),
                };
                (start, span)
            })
            .collect(),
    )
}

/// The start points in the surface's coordinates: a number on a curve (held as [x, 0]), [x, y]
/// on a plane; each written in the other shape is an error at its `at`.
fn start_points(
    c: &mut Checker,
    dims: Dims,
    starts: Vec<(StartAt, Range<usize>)>,
) -> Option<Vec<(Point, Range<usize>)>> {
    let mut ok = true;
    let mut out = Vec::new();
    for (i, (start, span)) in starts.into_iter().enumerate() {
        let key = format!("start[{i}].at");
        match (dims, start) {
            (Dims::One, StartAt::X(x)) => out.push(([x, 0.0], span)),
            (Dims::Two, StartAt::Point(p)) => out.push((p, span)),
            (Dims::One, StartAt::Point(p)) => {
                let e = c
                    .at(
                        span,
                        &key,
                        "the surface is 1-D (a curve f(x)): a start point is a number, its x",
                    )
                    .with_hint(format!("write at = {}", p[0]));
                c.report(e);
                ok = false;
            }
            (Dims::Two, StartAt::X(x)) => {
                let e = c
                    .at(span, &key, "the surface is 2-D: a start point is [x, y]")
                    .with_hint(format!(
                        "write at = [{x}, 0.0]; a number alone starts a 1-D scene (a 1-D kind, \
                         or a formula in x alone)"
                    ));
                c.report(e);
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// What `[draw]` asks of a 1-D scene that only a plane has: the 3-D view is refused; contour
/// levels, their scale and the aspect of the two axes have nothing to act on (f and x are not
/// one unit), which a warning says when the scene sets them.
fn check_curve_draw(c: &mut Checker, root: &RawTable, draw: &DrawSpec) {
    if draw.charts.contains(&Chart::Surface3d) {
        let e = c
            .at(
                span_of(root, &["draw", tables::CHARTS_KEY.name]),
                "draw.charts",
                "the surface3d chart shows a surface over the plane, and this surface is 1-D (a \
                 curve f(x))",
            )
            .with_hint("remove \"surface3d\": the animation draws the curve itself");
        c.report(e);
    }
    for key in ["levels", "scale", "aspect"] {
        let span = span_of(root, &["draw", key]);
        if span != (0..0) {
            let w = c
                .at(
                    span,
                    &format!("draw.{key}"),
                    format!("`{key}` has no effect in a 1-D scene: the plot is the curve f(x), with no contours, and f is not measured in x's unit"),
                )
                .with_hint(format!("remove `{key}`"));
            c.warnings.push(w);
        }
    }
}

/// The view: the window (a default one grown to hold every start point), or for a curve its x
/// range (grown alike) and the range of f it shows; a warning for each start point outside it,
/// and an error for each where the surface is not finite.
fn check_start_points(
    c: &mut Checker,
    root: &RawTable,
    s: &kinds::CheckedSurface,
    starts: &[(Point, Range<usize>)],
) -> Option<View> {
    let points: Vec<Point> = starts.iter().map(|(p, _)| *p).collect();
    let dims = s.surface.dims();
    // A default window grows to hold every start point (with a margin); a window the scene
    // sets is kept as written. A curve's y is none of its own.
    let window = window_holding(s.window, &points, !s.set.0, !s.set.1 && dims == Dims::Two);
    let mut ok = true;
    if !drawable(&window) {
        // A window the scene set was checked as written: the start points grew this one.
        let (_, span) = starts
            .iter()
            .max_by(|a, b| {
                let m = |p: &Point| p[0].abs().max(p[1].abs());
                m(&a.0).total_cmp(&m(&b.0))
            })
            .expect("a scene has start points");
        let hint = match dims {
            Dims::Two => "give the window yourself (`surface.x`, `surface.y`), or move the point",
            Dims::One => "give the range yourself (`surface.x`), or move the point",
        };
        let e = c
            .at(
                span.clone(),
                "start",
                "the view window grown to hold this start point is too large to draw",
            )
            .with_hint(hint);
        c.report(e);
        return None;
    }
    let view = match dims {
        Dims::Two => View::Plane(window),
        Dims::One => {
            let xs: Vec<f64> = points.iter().map(|p| p[0]).collect();
            // The minima a formula finds are marked on the curve, so the range covers them.
            let surface = s.surface.with_minima_found(&window);
            match view::curve_range(&surface, window.x, &xs) {
                Ok(f) => View::Curve { x: window.x, f },
                Err(why) => {
                    use diagnostic::compact;
                    let message = match why {
                        view::RangeError::NowhereFinite => {
                            "the curve is not a finite number anywhere in its x range".to_string()
                        }
                        view::RangeError::TooLarge(v) => format!(
                            "the curve's values over its x range (up to {}) are too large to draw",
                            compact(v)
                        ),
                    };
                    let (span, key) = match span_of(root, &["surface", "x"]) {
                        r if r != (0..0) => (r, "surface.x"),
                        _ => (span_of(root, &["surface"]), "surface"),
                    };
                    let e = c
                        .at(span, key, message)
                        .with_hint("narrow `surface.x` to where the curve is finite and moderate, or start lower on it");
                    c.report(e);
                    return None;
                }
            }
        }
    };
    for (i, (p, span)) in starts.iter().enumerate() {
        let key = format!("start[{i}].at");
        if !view.contains(*p) {
            let (message, hint) = match dims {
                Dims::Two => (
                    "this start point is outside the view window",
                    "widen `surface.x` / `surface.y` or move the point",
                ),
                Dims::One => (
                    "this start point is outside the curve's x range",
                    "widen `surface.x` or move the point",
                ),
            };
            let w = c.at(span.clone(), &key, message).with_hint(hint);
            c.warnings.push(w);
        }
        let (f, gx, gy) = s.surface.value_and_gradient(*p);
        if !(f.is_finite() && gx.is_finite() && gy.is_finite()) {
            use diagnostic::compact;
            let hint = if s.surface.kind().name == crate::surface::FORMULA.name {
                "start where the formula is defined, e.g. inside the domain of ln or sqrt"
            } else {
                "start closer to the minimum: this far out the value overflows"
            };
            let message = match dims {
                Dims::Two => format!(
                    "the surface is not finite here (f = {}, ∇f = ({}, {}))",
                    compact(f),
                    compact(gx),
                    compact(gy)
                ),
                Dims::One => format!(
                    "the curve is not finite here (f = {}, f' = {})",
                    compact(f),
                    compact(gx)
                ),
            };
            let e = c.at(span.clone(), &key, message).with_hint(hint);
            c.report(e);
            ok = false;
        }
    }
    ok.then_some(view)
}

/// True when a window can be drawn: finite ends within ±1e300 and a finite, positive width
/// and height.
fn drawable(w: &crate::surface::Window) -> bool {
    let limit = crate::picture::plot::AXIS_LIMIT;
    [w.x.0, w.x.1, w.y.0, w.y.1]
        .iter()
        .all(|v| v.is_finite() && v.abs() <= limit)
        && w.width().is_finite()
        && w.height().is_finite()
        && w.width() > 0.0
        && w.height() > 0.0
}

/// Refuses more panels than [`limits::MAX_PANELS`].
fn check_panels(c: &mut Checker, root: &RawTable, draw: &DrawSpec, settings: usize, starts: usize) {
    let span = || span_of(root, &["draw", tables::PANELS_KEY.name]);
    let (count, what, hint) = match draw.panels {
        Panels::Sweep => (
            settings,
            format!("the optimizers make {settings} settings"),
            "shorten the sweeps, or use panels = \"single\"",
        ),
        Panels::Start => (
            starts,
            format!("the scene has {starts} start points"),
            "use fewer start points, or panels = \"single\"",
        ),
        Panels::Single => return,
    };
    if count > limits::MAX_PANELS {
        let e = c
            .at(
                span(),
                "draw.panels",
                format!(
                    "{what}, more panels than the limit of {}",
                    limits::MAX_PANELS
                ),
            )
            .with_hint(hint);
        c.report(e);
    }
}

/// `window` grown, along the axes allowed, so that `points` lie inside with a margin of 5 % of
/// the span of the window and the points together.
fn window_holding(window: Window, points: &[Point], grow_x: bool, grow_y: bool) -> Window {
    let grow = |(lo, hi): (f64, f64), vals: &mut dyn Iterator<Item = f64>| {
        let (mut a, mut b) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in vals {
            a = a.min(v);
            b = b.max(v);
        }
        // The margin is 5 % of the span of the window and the points together.
        let m = 0.05 * (b.max(hi) - a.min(lo));
        let lo2 = if a - m < lo { a - m } else { lo };
        let hi2 = if b + m > hi { b + m } else { hi };
        (lo2, hi2)
    };
    Window::new(
        if grow_x {
            grow(window.x, &mut points.iter().map(|p| p[0]))
        } else {
            window.x
        },
        if grow_y {
            grow(window.y, &mut points.iter().map(|p| p[1]))
        } else {
            window.y
        },
    )
}

/// Parses `x,y` rows; a first row that is not numeric is a header. Blank lines and `#` comments
/// are skipped.
pub fn parse_points_csv(
    path: &Path,
    text: &str,
    scene: Option<&Path>,
) -> Result<Vec<Point>, SceneError> {
    let mut points = Vec::new();
    let mut offset = 0;
    let mut first_row = true;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        // A byte-order mark at the start of the file is no part of the first row.
        let row = if start == 0 {
            line.trim_start_matches('\u{FEFF}').trim()
        } else {
            line.trim()
        };
        if row.is_empty() || row.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = row.split(',').map(str::trim).collect();
        let parsed: Vec<Option<f64>> = fields.iter().map(|f| f.parse::<f64>().ok()).collect();
        match parsed.as_slice() {
            [Some(x), Some(y)] if x.is_finite() && y.is_finite() => points.push([*x, *y]),
            _ if first_row && parsed.iter().all(Option::is_none) => {}
            _ => {
                let e = SceneError::at(
                    path,
                    text,
                    start..start + line.trim_end().len(),
                    "surface.data_file",
                    format!(
                        "expected a row `x,y` of two finite numbers, found `{}`",
                        diagnostic::quote(row)
                    ),
                );
                return Err(match scene {
                    Some(scene) => e.with_hint(format!(
                        "this is the data file of `{}`: rows are `x,y`, a first row that is \
                         not numeric is a header, `#` starts a comment",
                        scene.display()
                    )),
                    None => e,
                });
            }
        }
        first_row = false;
    }
    Ok(points)
}

#[cfg(test)]
mod tests;
