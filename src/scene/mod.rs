//! Stage 1 of the pipeline: a scene file becomes a checked [`Scene`].
//!
//! Checking happens in two steps. [`file::SceneFile`] is the raw TOML as serde reads it, every value
//! with its byte span. [`Scene::from_toml`] then checks every value against its documented range,
//! builds the surface and expands the optimizer entries into runs. Every user-facing input error
//! is born here, as a [`SceneError`] naming file, line, column and key, with a hint where one helps.
//! Nothing downstream of a [`Scene`] needs to re-check its input.

pub mod diagnostic;
pub mod file;

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;

use diagnostic::did_you_mean;
pub use diagnostic::SceneError;
use file::{DrawTable, NumberOrList, OptimizerTable, SceneFile, SurfaceTable};

use crate::expr::Expr;
use crate::optimizer::{Optimizer, OPTIMIZER_KINDS};
use crate::surface::linear_regression::LinearRegression;
use crate::surface::{formula, quadratic, surface_kind, Point, Surface, Window, SURFACE_KINDS};
use crate::trajectory::{Noise, Run};

/// Documented limits on scene values (see the README's scene reference).
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
}

/// How contour levels are spaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContourScale {
    /// Log-spaced when the surface spans more than two decades over the window, else linear.
    Auto,
    Linear,
    Log,
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
}

/// How a plot's two axes share their scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aspect {
    /// Each axis stretched to fill the plot (the window's x and y units may differ on screen).
    Fill,
    /// One data unit is as long across as up: circles stay round (a bowl's contours, a
    /// straight GD path at 45°), the plot shrinks to the window's proportions and is centred.
    Equal,
}

/// `[draw] aspect` values as written in scenes.
pub const ASPECTS: &[(&str, Aspect)] = &[("fill", Aspect::Fill), ("equal", Aspect::Equal)];

/// How the animation lays its runs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panels {
    /// One plot holding every run.
    Single,
    /// Small multiples: one panel per optimizer setting (each entry, and each value of its
    /// sweeps), the start points of a setting sharing its panel. Every panel shows the same
    /// window, and one step counter is the clock of them all.
    Sweep,
    /// Small multiples: one panel per start point, every setting in each. A setting has the
    /// same colour in every panel.
    Start,
}

/// `[draw] panels` values as written in scenes.
pub const PANELS: &[(&str, Panels)] = &[
    ("single", Panels::Single),
    ("sweep", Panels::Sweep),
    ("start", Panels::Start),
];

/// One optimizer setting: an entry with one value of each of its sweeps. Its runs differ only
/// in their start point.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The runs' label without the start point (a `{start}` placeholder is left out, with the
    /// word "from" before it).
    pub label: String,
    /// Indices into [`Scene::runs`], in start-point order.
    pub runs: Vec<usize>,
}

/// What a frame can show at each run's head, besides the head itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    /// The step just taken, θ_k − θ_{k−1}, drawn on from the head: where inertia carries it.
    Velocity,
    /// The plain gradient step −lr·∇f(θ_k) from the head.
    Gradient,
    /// Where the next gradient is taken (Nesterov's look-ahead point θ + β·v), when it is not
    /// the head itself.
    Lookahead,
    /// A small loss-curve chart beside the plot (f − f*, log scale), growing step by step.
    Loss,
}

/// Overlay names as written in scenes.
pub const OVERLAYS: &[(&str, Overlay)] = &[
    ("velocity", Overlay::Velocity),
    ("gradient", Overlay::Gradient),
    ("lookahead", Overlay::Lookahead),
    ("loss", Overlay::Loss),
];

/// A static chart a scene can ask for in `[draw] charts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// f − f* and the distance to the minimum against the step; f itself where no minimum is
    /// known.
    Loss,
    /// The best convergence rate against β for heavy ball and Nesterov, β* marked (quadratics).
    Rate,
    /// The convergence factor over the (lr, β) plane for heavy ball and Nesterov (quadratics).
    Stability,
    /// Each run's x − x* against the step, heavy-ball runs labelled with their damping regime
    /// (over-, critically or under-damped) on axis-aligned quadratics.
    Damping,
    /// The noisy gradients the first noisy run saw (x component) and their exponential moving
    /// averages for β = 0.5, 0.9, 0.98, without and with bias correction.
    Ewma,
    /// A 3-D view of the surface with every run's path on it.
    Surface3d,
}

/// Chart names as written in scenes.
pub const CHARTS: &[(&str, Chart)] = &[
    ("loss", Chart::Loss),
    ("rate", Chart::Rate),
    ("stability", Chart::Stability),
    ("damping", Chart::Damping),
    ("ewma", Chart::Ewma),
    ("surface3d", Chart::Surface3d),
];

/// A located, non-fatal remark about a scene (e.g. a start point outside the window).
pub type SceneWarning = SceneError;

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
    pub window: Window,
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

/// A file a scene was made from, with the exact bytes that were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: PathBuf,
    pub bytes: std::sync::Arc<[u8]>,
}

/// Reads and checks a scene file.
pub fn load(path: &Path) -> Result<Scene, SceneError> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| SceneError::whole_file(path, format!("cannot read the scene file: {e}")))?;
    Scene::from_toml(path, &source)
}

/// The context every check needs to locate an error.
struct Checker<'a> {
    path: &'a Path,
    source: &'a str,
    warnings: Vec<SceneWarning>,
    /// The data files read while checking, with their bytes.
    sources: std::cell::RefCell<Vec<Source>>,
}

impl Checker<'_> {
    fn error(&self, span: Range<usize>, key: &str, message: impl Into<String>) -> SceneError {
        SceneError::at(self.path, self.source, span, key, message)
    }

    fn number(
        &self,
        v: &Spanned<f64>,
        key: &str,
        ok: impl Fn(f64) -> bool,
        expected: &str,
    ) -> Result<f64, SceneError> {
        let x = *v.get_ref();
        if x.is_finite() && ok(x) {
            Ok(x)
        } else {
            Err(self.error(v.span(), key, format!("expected {expected}, found {x}")))
        }
    }

    fn pair(&self, v: &Spanned<Vec<f64>>, key: &str, what: &str) -> Result<Point, SceneError> {
        match v.get_ref().as_slice() {
            [a, b] if a.is_finite() && b.is_finite() => Ok([*a, *b]),
            [a, b] => Err(self.error(
                v.span(),
                key,
                format!("expected {what}: two finite numbers, found [{a}, {b}]"),
            )),
            other => Err(self.error(
                v.span(),
                key,
                format!(
                    "expected {what}: two finite numbers, found {} value{}",
                    other.len(),
                    if other.len() == 1 { "" } else { "s" }
                ),
            )),
        }
    }

    fn range(&self, v: &Spanned<Vec<f64>>, key: &str) -> Result<(f64, f64), SceneError> {
        let [lo, hi] = self.pair(v, key, "a range [min, max]")?;
        // The width must be a finite number too: [-1e308, 1e308] has none.
        if lo < hi && (hi - lo).is_finite() {
            Ok((lo, hi))
        } else if lo < hi {
            Err(self
                .error(
                    v.span(),
                    key,
                    format!("the window [{lo}, {hi}] is wider than the largest number"),
                )
                .with_hint("use a window whose width is below 1e308"))
        } else {
            Err(self
                .error(
                    v.span(),
                    key,
                    format!("expected a range [min, max] with min < max, found [{lo}, {hi}]"),
                )
                .with_hint(format!(
                    "write [{}, {}]",
                    lo.min(hi),
                    lo.max(hi) + f64::from(u8::from(lo == hi))
                )))
        }
    }
}

/// The dotted key whose value starts at byte `at`: the table header above it (`output`,
/// `optimizer[1]`) and the key before the `=` on its line. Best effort, for messages only.
fn key_at(source: &str, at: usize, at_value: bool) -> String {
    let at = at.min(source.len());
    let before = &source[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let prefix = &before[line_start..];
    // The identifier at the end of `text` (a bare or quoted TOML key).
    let last_ident = |text: &str| -> String {
        let t = text.trim_end().trim_end_matches('"');
        let start = t
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .map_or(0, |i| i + 1);
        t[start..].to_string()
    };
    let mut path: Vec<String> = Vec::new();
    // Inline tables open on this line: `noise = { std = ...`.
    let mut depth_keys: Vec<String> = Vec::new();
    let mut rest = prefix;
    while let Some(i) = rest.find(['{', '}']) {
        if rest.as_bytes()[i] == b'{' {
            let left = rest[..i].trim_end().trim_end_matches('=');
            depth_keys.push(last_ident(left));
        } else {
            depth_keys.pop();
        }
        rest = &rest[i + 1..];
    }
    // At a value: the key before its `=`; at a key: nothing more (the caller adds it).
    // A table header names a top-level table: `[colors]` is not inside the table above it.
    if prefix.trim_start().starts_with('[') {
        return String::new();
    }
    // At a value (or inside a list value): the key before the last `=` of the innermost inline
    // table; at a key: nothing more (the caller adds it).
    let value_key = if at_value {
        rest.rsplit_once('=').map(|(k, _)| last_ident(k))
    } else {
        None
    };
    let mut table = String::new();
    let mut arrays: Vec<(String, usize)> = Vec::new();
    for line in before[..line_start].lines() {
        let l = line.trim();
        if let Some(name) = l.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_string();
            let n = match arrays.iter_mut().find(|(a, _)| *a == name) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    arrays.push((name.clone(), 0));
                    0
                }
            };
            table = format!("{name}[{n}]");
        } else if let Some(name) = l.strip_prefix('[').and_then(|r| r.split(']').next()) {
            table = name.trim().to_string();
        }
    }
    if !table.is_empty() {
        path.push(table);
    }
    path.extend(depth_keys.into_iter().filter(|k| !k.is_empty()));
    path.extend(value_key.filter(|k| !k.is_empty()));
    path.join(".")
}

/// The position just after the last non-blank character (where a missing table would go).
fn end_of_text(source: &str) -> Range<usize> {
    let end = source.trim_end().len();
    end..end
}

/// Converts a TOML parse or type error into a located [`SceneError`] with a hint.
fn toml_error(path: &Path, source: &str, e: &toml::de::Error) -> SceneError {
    let span = e.span().unwrap_or(0..0);
    let message = e.message().trim().to_string();
    let found = source.get(span.clone()).unwrap_or("").trim();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let unknown = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest
            .split_once("expected ")
            .map(|(_, list)| {
                list.split('`')
                    .enumerate()
                    .filter(|(i, _)| i % 2 == 1)
                    .map(|(_, s)| s)
                    .collect()
            })
            .unwrap_or_default();
        let hint = match did_you_mean(unknown, &expected) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "the keys here are {}",
                expected
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let table = key_at(source, span.start, false);
        let key = if table.is_empty() {
            unknown.to_string()
        } else {
            format!("{table}.{unknown}")
        };
        return SceneError::at(path, source, span, key, format!("unknown key `{unknown}`"))
            .with_hint(hint);
    }
    let quoted = found.starts_with('"') || found.starts_with('\'');
    if message.contains("untagged enum NumberOrList") {
        let e = SceneError::at(
            path,
            source,
            span.clone(),
            key_at(source, span.start, true),
            format!("expected a number or a list of numbers, found `{found}`"),
        );
        return if quoted {
            e.with_hint("numbers are written without quotes")
        } else {
            e
        };
    }
    let key = if let Some(rest) = message.strip_prefix("missing field `") {
        rest.split('`').next().unwrap_or("").to_string()
    } else if message.starts_with("invalid type")
        || message.starts_with("invalid value")
        || message.starts_with("invalid length")
    {
        key_at(source, span.start, true)
    } else {
        String::new()
    };
    let hint = if message.contains("invalid type: integer") && message.contains("sequence") {
        Some("a pair is written as a list: [x, y]".to_string())
    } else if message.contains("invalid type: string")
        && (message.contains("f64") || message.contains("whole number"))
    {
        Some("numbers are written without quotes".to_string())
    } else if message.contains("floating point") && message.contains("whole number") {
        Some("this value is a whole number: no fractional part".to_string())
    } else {
        None
    };
    SceneError::at(path, source, span, key, message).with_optional_hint(hint)
}

impl Scene {
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

    /// Parses and checks scene text. `path` is used for messages and to find data files.
    pub fn from_toml(path: &Path, source: &str) -> Result<Scene, SceneError> {
        let raw: SceneFile = toml::from_str(source).map_err(|e| toml_error(path, source, &e))?;
        let mut c = Checker {
            path,
            source,
            warnings: Vec::new(),
            sources: Default::default(),
        };
        let title = raw
            .title
            .as_ref()
            .map(|t| t.get_ref().clone())
            .unwrap_or_default();
        let output = check_output(&c, &raw)?;
        let (surface_name, surface, mut window, inputs) = check_surface(&c, &raw)?;
        let draw = check_draw(&c, &raw)?;
        let theory = draw
            .charts
            .iter()
            .any(|ch| matches!(ch, Chart::Rate | Chart::Stability));
        let convex_quadratic = matches!(surface.quadratic_curvatures(), Some((lo, _)) if lo > 0.0);
        let chart_span = || draw_span(&raw, |d| d.charts.as_ref().map(|c| c.span()));
        if draw.charts.contains(&Chart::Ewma)
            && !raw.optimizer.iter().any(|o| o.get_ref().noise.is_some())
        {
            return Err(c
                .error(
                    chart_span(),
                    "draw.charts",
                    "the ewma chart needs a run with gradient noise",
                )
                .with_hint("add noise = { std = 1.0, seed = 1 } to an optimizer"));
        }
        if theory && !convex_quadratic {
            return Err(c
                .error(
                    chart_span(),
                    "draw.charts",
                    "the rate and stability charts need a convex quadratic surface",
                )
                .with_hint(
                    "use kind = \"quadratic\", \"bowl\", \"ravine\" or \"linear_regression\"",
                ));
        }
        let title = if title.is_empty() {
            surface_name.clone()
        } else {
            title
        };
        if raw.start.is_empty() {
            return Err(c
                .error(end_of_text(source), "start", "no start point")
                .with_hint("add a start point:\n[[start]]\nat = [2.5, -2.0]"));
        }
        let mut points = Vec::new();
        for (i, s) in raw.start.iter().enumerate() {
            points.push(c.pair(&s.get_ref().at, &format!("start[{i}].at"), "a point [x, y]")?);
        }
        // A default window grows to hold every start point (with a margin); a window the
        // scene sets is kept as written.
        let set = raw
            .surface
            .as_ref()
            .map(|t| (t.get_ref().x.is_some(), t.get_ref().y.is_some()));
        let (x_set, y_set) = set.unwrap_or((false, false));
        window = window_holding(window, &points, !x_set, !y_set);
        let mut starts = Vec::new();
        for (i, (s, &p)) in raw.start.iter().zip(&points).enumerate() {
            let key = format!("start[{i}].at");
            if !window.contains(p) {
                let w = c
                    .error(
                        s.get_ref().at.span(),
                        &key,
                        "this start point is outside the view window",
                    )
                    .with_hint("widen `surface.x` / `surface.y` or move the point");
                c.warnings.push(w);
            }
            let (f, gx, gy) = surface.value_and_gradient(p);
            if !(f.is_finite() && gx.is_finite() && gy.is_finite()) {
                return Err(c
                    .error(
                        s.get_ref().at.span(),
                        &key,
                        format!("the surface is not finite here (f = {f}, ∇f = ({gx}, {gy}))"),
                    )
                    .with_hint(
                        "start where the formula is defined, e.g. inside the domain of ln or sqrt",
                    ));
            }
            starts.push(p);
        }
        if raw.optimizer.is_empty() {
            return Err(c
                .error(end_of_text(source), "optimizer", "no optimizer")
                .with_hint("add one:\n[[optimizer]]\nkind = \"gd\"\nlr = 0.05"));
        }
        let mut runs = Vec::new();
        let mut settings = Vec::new();
        for (entry, table) in raw.optimizer.iter().enumerate() {
            let only_entry = raw.optimizer.len() == 1;
            expand_entry(
                &c,
                (entry, only_entry),
                table,
                &starts,
                &mut runs,
                &mut settings,
            )?;
        }
        let panels_span = || draw_span(&raw, |d| d.panels.as_ref().map(|p| p.span()));
        if draw.panels == Panels::Sweep && settings.len() > limits::MAX_PANELS {
            return Err(c
                .error(
                    panels_span(),
                    "draw.panels",
                    format!(
                        "the optimizers make {} settings, more panels than the limit of {}",
                        settings.len(),
                        limits::MAX_PANELS
                    ),
                )
                .with_hint("shorten the sweeps, or use panels = \"single\""));
        }
        if draw.panels == Panels::Start && starts.len() > limits::MAX_PANELS {
            return Err(c
                .error(
                    panels_span(),
                    "draw.panels",
                    format!(
                        "the scene has {} start points, more panels than the limit of {}",
                        starts.len(),
                        limits::MAX_PANELS
                    ),
                )
                .with_hint("use fewer start points, or panels = \"single\""));
        }
        let warnings = std::mem::take(&mut c.warnings);
        let sources = std::iter::once(Source {
            path: path.to_path_buf(),
            bytes: source.as_bytes().into(),
        })
        .chain(c.sources.into_inner())
        .collect();
        Ok(Scene {
            path: path.to_path_buf(),
            title,
            output,
            surface_name,
            surface,
            window,
            draw,
            runs,
            settings,
            inputs,
            sources,
            warnings,
        })
    }
}

fn check_output(c: &Checker, raw: &SceneFile) -> Result<OutputSpec, SceneError> {
    let default_name = c
        .path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("scene")
        .to_string();
    let mut spec = OutputSpec {
        name: default_name,
        width: 640,
        height: 480,
        fps: 15.0,
        steps: 60,
        hold: 1.5,
    };
    let Some(table) = &raw.output else {
        return Ok(spec);
    };
    let t = table.get_ref();
    if let Some(name) = &t.name {
        let n = name.get_ref();
        let ok = !n.is_empty()
            && n.len() <= 100
            && n.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-' || ch == '.')
            && !n.starts_with('.');
        if !ok {
            return Err(c
                .error(
                    name.span(),
                    "output.name",
                    format!("`{n}` is not a usable file name"),
                )
                .with_hint(
                    "use letters, digits, `_`, `-` and `.` (not first), at most 100 characters",
                ));
        }
        spec.name = n.clone();
    }
    if let Some(size) = &t.size {
        let (lo, hi) = limits::SIZE;
        let dims = size.get_ref();
        if dims.len() != 2 {
            return Err(c.error(
                size.span(),
                "output.size",
                format!("expected [width, height], found {} values", dims.len()),
            ));
        }
        for (d, what) in dims.iter().zip(["width", "height"]) {
            let v = d.get_ref().0;
            if v < i64::from(lo) || v > i64::from(hi) {
                return Err(c.error(
                    d.span(),
                    "output.size",
                    format!("expected a {what} from {lo} to {hi} pixels, found {v}"),
                ));
            }
        }
        spec.width = dims[0].get_ref().0 as u32;
        spec.height = dims[1].get_ref().0 as u32;
    }
    if let Some(fps) = &t.fps {
        let (lo, hi) = limits::FPS;
        spec.fps = c.number(
            fps,
            "output.fps",
            |v| (lo..=hi).contains(&v),
            &format!("a frame rate from {lo} to {hi}"),
        )?;
    }
    if let Some(steps) = &t.steps {
        let v = steps.get_ref().0;
        if v < 1 || v > limits::MAX_STEPS as i64 {
            return Err(c.error(
                steps.span(),
                "output.steps",
                format!("expected from 1 to {} steps, found {v}", limits::MAX_STEPS),
            ));
        }
        spec.steps = v as usize;
    }
    let estimate = limits::memory_estimate(spec.steps as u64 + 1, spec.width, spec.height);
    if estimate > limits::MEMORY_BUDGET {
        let span = t
            .steps
            .as_ref()
            .map(|s| s.span())
            .or(t.size.as_ref().map(|s| s.span()))
            .unwrap_or(table.span());
        return Err(c
            .error(
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
            .with_hint("use fewer steps or a smaller size"));
    }
    if let Some(hold) = &t.hold {
        spec.hold = c.number(
            hold,
            "output.hold",
            |v| (0.0..=limits::MAX_HOLD).contains(&v),
            &format!("seconds from 0 to {}", limits::MAX_HOLD),
        )?;
    }
    Ok(spec)
}

/// The span of a `[draw]` key that `key` picks, for errors found after `check_draw` (the
/// start of the file when the key is not written).
fn draw_span(raw: &SceneFile, key: impl Fn(&DrawTable) -> Option<Range<usize>>) -> Range<usize> {
    raw.draw
        .as_ref()
        .and_then(|d| key(d.get_ref()))
        .unwrap_or(0..0)
}

fn check_draw(c: &Checker, raw: &SceneFile) -> Result<DrawSpec, SceneError> {
    let mut spec = DrawSpec {
        levels: 16,
        scale: ContourScale::Auto,
        charts: vec![Chart::Loss],
        overlays: Vec::new(),
        panels: Panels::Single,
        aspect: Aspect::Fill,
    };
    let Some(table) = &raw.draw else {
        return Ok(spec);
    };
    let t = table.get_ref();
    if let Some(list) = &t.overlays {
        spec.overlays = named_list(c, list, "draw.overlays", OVERLAYS, ("overlay", "overlays"))?;
    }
    if let Some(list) = &t.charts {
        spec.charts = named_list(c, list, "draw.charts", CHARTS, ("chart", "charts"))?;
    }
    if let Some(panels) = &t.panels {
        spec.panels = named(c, panels, "draw.panels", PANELS, "panels value")?;
    }
    if let Some(aspect) = &t.aspect {
        spec.aspect = named(c, aspect, "draw.aspect", ASPECTS, "aspect")?;
    }
    if let Some(levels) = &t.levels {
        let (lo, hi) = limits::LEVELS;
        let v = levels.get_ref().0;
        if v < lo as i64 || v > hi as i64 {
            return Err(c.error(
                levels.span(),
                "draw.levels",
                format!("expected from {lo} to {hi} contour levels, found {v}"),
            ));
        }
        spec.levels = v as usize;
    }
    if let Some(scale) = &t.scale {
        spec.scale = match scale.get_ref().as_str() {
            "auto" => ContourScale::Auto,
            "linear" => ContourScale::Linear,
            "log" => ContourScale::Log,
            other => {
                return Err(c
                    .error(
                        scale.span(),
                        "draw.scale",
                        format!("unknown scale `{other}`"),
                    )
                    .with_hint("use \"auto\", \"linear\" or \"log\""))
            }
        };
    }
    Ok(spec)
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

/// A list of names from `table` (e.g. `charts = ["loss", "rate"]`), each once, in the order
/// given; an unknown name is an error with a "did you mean" hint. `what` is the singular and
/// plural of what the names are, for messages.
fn named_list<T: Copy + PartialEq>(
    c: &Checker,
    list: &Spanned<Vec<Spanned<String>>>,
    key: &str,
    table: &[(&str, T)],
    what: (&str, &str),
) -> Result<Vec<T>, SceneError> {
    let mut out = Vec::new();
    for name in list.get_ref() {
        let item = named(c, name, key, table, what.0)?;
        if !out.contains(&item) {
            out.push(item);
        }
    }
    Ok(out)
}

/// The item `name` stands for in `table`; an unknown name is an error with a "did you mean"
/// hint, or the list of known names. `what` names the kind of name, for messages.
fn named<T: Copy>(
    c: &Checker,
    name: &Spanned<String>,
    key: &str,
    table: &[(&str, T)],
    what: &str,
) -> Result<T, SceneError> {
    if let Some((_, item)) = table.iter().find(|(n, _)| n == name.get_ref()) {
        return Ok(*item);
    }
    let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
    let hint = match did_you_mean(name.get_ref(), &names) {
        Some(n) => format!("did you mean `{n}`?"),
        None => format!(
            "use {}",
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Err(c
        .error(
            name.span(),
            key,
            format!("unknown {what} `{}`", name.get_ref()),
        )
        .with_hint(hint))
}

/// The keys of `[surface]` that each kind accepts besides `kind`, `x` and `y`.
fn surface_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "quadratic" => &["a", "b", "angle", "center"],
        "rosenbrock" => &["a", "b"],
        "rastrigin" => &["a"],
        "multi_minima" => &["tilt"],
        "linear_regression" => &["data", "data_file"],
        _ => &[],
    }
}

/// The keys set in a `[surface]` table, with their spans, in a fixed order.
fn surface_keys_present(t: &SurfaceTable) -> Vec<(&'static str, Range<usize>)> {
    let mut keys = Vec::new();
    macro_rules! present {
        ($($k:ident),*) => {$(
            if let Some(v) = &t.$k {
                keys.push((stringify!($k), v.span()));
            }
        )*};
    }
    present!(a, b, angle, center, tilt, data, data_file, minima);
    keys
}

fn check_surface(
    c: &Checker,
    raw: &SceneFile,
) -> Result<(String, Surface, Window, Vec<PathBuf>), SceneError> {
    let Some(table) = &raw.surface else {
        return Err(c
            .error(0..0, "surface", "no [surface] table")
            .with_hint("add one, e.g.\n[surface]\nkind = \"quadratic\"\na = 1.0\nb = 10.0"));
    };
    let t = table.get_ref();
    let mut inputs = Vec::new();
    let (name, surface, default_window) = match (&t.kind, &t.expr) {
        (Some(kind), Some(expr)) => {
            return Err(c
                .error(
                    expr.span(),
                    "surface.expr",
                    "a surface has either `kind` or `expr`, not both",
                )
                .with_hint(format!(
                    "remove `kind = \"{}\"` to use the formula",
                    kind.get_ref()
                )))
        }
        (None, None) => {
            return Err(c
                .error(
                    table.span(),
                    "surface",
                    "expected `kind` (a built-in surface) or `expr` (a formula)",
                )
                .with_hint("e.g. kind = \"rosenbrock\" or expr = \"(1 - x)^2 + 100*(y - x^2)^2\""))
        }
        (None, Some(expr)) => {
            for (key, span) in surface_keys_present(t) {
                if key != "minima" {
                    return Err(c
                        .error(
                            span,
                            &format!("surface.{key}"),
                            format!("`{key}` does not apply to an `expr` surface"),
                        )
                        .with_hint("an `expr` surface takes `expr`, `minima`, `x` and `y`"));
                }
            }
            let parsed = Expr::parse(expr.get_ref()).map_err(|e| {
                let span = expr_span_in_file(c.source, expr.span(), e.span.clone());
                c.error(span, "surface.expr", e.message.clone())
                    .with_optional_hint(e.hint.clone())
            })?;
            let mut minima = Vec::new();
            if let Some(list) = &t.minima {
                for (i, m) in list.get_ref().iter().enumerate() {
                    minima.push(c.pair(m, &format!("surface.minima[{i}]"), "a point [x, y]")?);
                }
            }
            let surface = Surface::new(
                &formula::KIND,
                formula::Formula {
                    expr: parsed,
                    minima,
                },
            );
            let window = surface.default_window();
            ("expr".to_string(), surface, window)
        }
        (Some(kind), None) => {
            let name = kind.get_ref().as_str();
            let Some(k) = surface_kind(name) else {
                let names: Vec<&str> = SURFACE_KINDS.iter().map(|k| k.name).collect();
                let hint = match did_you_mean(name, &names) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "the built-in surfaces are {}; `render --list` shows them",
                        names.join(", ")
                    ),
                };
                return Err(c
                    .error(
                        kind.span(),
                        "surface.kind",
                        format!("unknown surface kind `{name}`"),
                    )
                    .with_hint(hint));
            };
            let allowed = surface_keys(name);
            for (key, span) in surface_keys_present(t) {
                if !allowed.contains(&key) {
                    let hint = if allowed.is_empty() {
                        format!("`{name}` has no parameters")
                    } else {
                        format!(
                            "`{name}` takes {}",
                            allowed
                                .iter()
                                .map(|k| format!("`{k}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    };
                    return Err(c
                        .error(
                            span,
                            &format!("surface.{key}"),
                            format!("`{key}` does not apply to surface kind `{name}`"),
                        )
                        .with_hint(hint));
                }
            }
            let num = |v: &Option<Spanned<f64>>,
                       key: &str,
                       default: f64,
                       ok: fn(f64) -> bool,
                       expected: &str| match v {
                Some(v) => c.number(v, &format!("surface.{key}"), ok, expected),
                None => Ok(default),
            };
            let built = |kind: &crate::surface::SurfaceKind| {
                (kind.build)(&crate::keys::Values::default()).expect("a kind without keys")
            };
            let surface = match name {
                "quadratic" => {
                    let a = num(&t.a, "a", 1.0, |v| v > 0.0, "a positive curvature")?;
                    let b = num(&t.b, "b", 10.0, |v| v > 0.0, "a positive curvature")?;
                    let angle = num(&t.angle, "angle", 0.0, |_| true, "an angle in degrees")?;
                    let center = match &t.center {
                        Some(v) => c.pair(v, "surface.center", "a point [x, y]")?,
                        None => [0.0, 0.0],
                    };
                    Surface::new(
                        &quadratic::KIND,
                        quadratic::Quadratic {
                            a,
                            b,
                            angle: angle.to_radians(),
                            center,
                        },
                    )
                }
                "rosenbrock" => Surface::new(
                    &crate::surface::rosenbrock::KIND,
                    crate::surface::rosenbrock::Rosenbrock {
                        a: num(&t.a, "a", 1.0, |_| true, "a number")?,
                        b: num(&t.b, "b", 100.0, |v| v > 0.0, "a positive number")?,
                    },
                ),
                "rastrigin" => Surface::new(
                    &crate::surface::rastrigin::KIND,
                    crate::surface::rastrigin::Rastrigin {
                        a: num(&t.a, "a", 10.0, |v| v >= 0.0, "a non-negative amplitude")?,
                    },
                ),
                "multi_minima" => Surface::new(
                    &crate::surface::multi_minima::KIND,
                    crate::surface::multi_minima::MultiMinima {
                        tilt: num(
                            &t.tilt,
                            "tilt",
                            0.6,
                            |v| v.abs() < 1.5,
                            "a tilt with |tilt| < 1.5 (beyond it the shallow pit disappears)",
                        )?,
                    },
                ),
                "linear_regression" => {
                    let (points, span, key) =
                        linear_regression_data(c, t, table.span(), &mut inputs)?;
                    let lr = LinearRegression::new(points).ok_or_else(|| {
                        c.error(
                            span,
                            key,
                            "the data's x values do not vary, so the best line is not unique",
                        )
                        .with_hint("give points with at least two different x values")
                    })?;
                    Surface::new(&crate::surface::linear_regression::KIND, lr)
                }
                _ => built(k),
            };
            let window = surface.default_window();
            (name.to_string(), surface, window)
        }
    };
    let x = match &t.x {
        Some(v) => c.range(v, "surface.x")?,
        None => default_window.x,
    };
    let y = match &t.y {
        Some(v) => c.range(v, "surface.y")?,
        None => default_window.y,
    };
    Ok((name, surface, Window::new(x, y), inputs))
}

/// Maps a span inside a formula to a span in the scene file, through the string's quotes.
fn expr_span_in_file(source: &str, value: Range<usize>, inner: Range<usize>) -> Range<usize> {
    let raw = source.get(value.clone()).unwrap_or("");
    let (open, escaped) = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        (3, true)
    } else if raw.starts_with('\'') {
        (1, false)
    } else if raw.starts_with('"') {
        (1, raw.contains('\\'))
    } else {
        (0, true)
    };
    if escaped {
        // Escapes or multi-line strings shift offsets: point at the whole value instead.
        return value;
    }
    let start = value.start + open + inner.start;
    let end = (value.start + open + inner.end).min(value.end);
    start..end.max(start)
}

/// Reads the linear-regression points from `data` or `data_file`.
fn linear_regression_data(
    c: &Checker,
    t: &SurfaceTable,
    table_span: Range<usize>,
    inputs: &mut Vec<PathBuf>,
) -> Result<(Vec<Point>, Range<usize>, &'static str), SceneError> {
    match (&t.data, &t.data_file) {
        (Some(_), Some(f)) => Err(c.error(
            f.span(),
            "surface.data_file",
            "give either `data` or `data_file`, not both",
        )),
        (None, None) => Err(c
            .error(
                table_span,
                "surface",
                "a linear_regression surface needs data points",
            )
            .with_hint("add data = [[0, 1], [1, 3], [2, 5]] or data_file = \"points.csv\"")),
        (Some(data), None) => {
            let mut points = Vec::new();
            for (i, p) in data.get_ref().iter().enumerate() {
                points.push(c.pair(p, &format!("surface.data[{i}]"), "a data point [x, y]")?);
            }
            check_point_count(c, points.len(), data.span(), "surface.data")?;
            Ok((points, data.span(), "surface.data"))
        }
        (None, Some(file)) => {
            let dir = c.path.parent().unwrap_or(Path::new("."));
            let data_path = dir.join(file.get_ref());
            let text = std::fs::read_to_string(&data_path).map_err(|e| {
                c.error(
                    file.span(),
                    "surface.data_file",
                    format!("cannot read `{}`: {e}", data_path.display()),
                )
                .with_hint("the path is relative to the scene file's folder")
            })?;
            let points = parse_points_csv(&data_path, &text)?;
            check_point_count(c, points.len(), file.span(), "surface.data_file")?;
            c.sources.borrow_mut().push(Source {
                path: data_path.clone(),
                bytes: text.as_bytes().into(),
            });
            inputs.push(data_path);
            Ok((points, file.span(), "surface.data_file"))
        }
    }
}

fn check_point_count(
    c: &Checker,
    n: usize,
    span: Range<usize>,
    key: &str,
) -> Result<(), SceneError> {
    if !(2..=limits::MAX_DATA_POINTS).contains(&n) {
        return Err(c.error(
            span,
            key,
            format!(
                "expected from 2 to {} data points, found {n}",
                limits::MAX_DATA_POINTS
            ),
        ));
    }
    Ok(())
}

/// Parses `x,y` rows; a first row that is not numeric is a header. Blank lines and `#` comments
/// are skipped.
pub fn parse_points_csv(path: &Path, text: &str) -> Result<Vec<Point>, SceneError> {
    let mut points = Vec::new();
    let mut offset = 0;
    let mut first_row = true;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let row = line.trim();
        if row.is_empty() || row.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = row.split(',').map(str::trim).collect();
        let parsed: Vec<Option<f64>> = fields.iter().map(|f| f.parse::<f64>().ok()).collect();
        match parsed.as_slice() {
            [Some(x), Some(y)] if x.is_finite() && y.is_finite() => points.push([*x, *y]),
            _ if first_row && parsed.iter().all(Option::is_none) => {}
            _ => {
                return Err(SceneError::at(
                    path,
                    text,
                    start..start + line.trim_end().len(),
                    "",
                    format!("expected a row `x,y` of two finite numbers, found `{row}`"),
                ))
            }
        }
        first_row = false;
    }
    Ok(points)
}

/// One hyper-parameter of an optimizer entry: its key, its values (one, or a sweep) and span.
struct Param {
    key: &'static str,
    values: Vec<f64>,
    swept: bool,
}

/// Expands optimizer entry `entry` (`only` when it is the scene's one entry) into its runs, one
/// per sweep combination and start point, and its settings, one per sweep combination.
fn expand_entry(
    c: &Checker,
    (entry, only): (usize, bool),
    spanned: &Spanned<OptimizerTable>,
    starts: &[Point],
    runs: &mut Vec<Run>,
    settings: &mut Vec<Setting>,
) -> Result<(), SceneError> {
    let t = spanned.get_ref();
    let key = |k: &str| format!("optimizer[{entry}].{k}");
    let kind = t.kind.get_ref().as_str();
    let Some(info) = OPTIMIZER_KINDS.iter().find(|k| k.name == kind) else {
        let names: Vec<&str> = OPTIMIZER_KINDS.iter().map(|k| k.name).collect();
        let hint = match did_you_mean(kind, &names) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the optimizers are {}", names.join(", ")),
        };
        return Err(c
            .error(
                t.kind.span(),
                &key("kind"),
                format!("unknown optimizer kind `{kind}`"),
            )
            .with_hint(hint));
    };
    // Which keys each kind takes (besides label, kind, noise).
    let allowed: &[&str] = match kind {
        "gd" => &["lr"],
        "momentum" => &["lr", "beta", "dampening", "form"],
        "nesterov" => &["lr", "beta", "form"],
        "adagrad" => &["lr", "lr_decay", "eps"],
        "rmsprop" => &["lr", "alpha", "eps"],
        "adam" => &["lr", "beta1", "beta2", "eps"],
        _ => unreachable!("every kind in OPTIMIZER_KINDS is listed"),
    };
    type Check = (fn(f64) -> bool, &'static str);
    type Key<'t> = (
        &'static str,
        &'t Option<Spanned<NumberOrList>>,
        Option<f64>,
        Check,
    );
    let table: [Key; 8] = [
        ("lr", &t.lr, None, (|v| v > 0.0, "a learning rate > 0")),
        (
            "beta",
            &t.beta,
            Some(0.9),
            (|v| (0.0..1.0).contains(&v), "a momentum β with 0 ≤ β < 1"),
        ),
        (
            "dampening",
            &t.dampening,
            Some(0.0),
            (|v| (0.0..=1.0).contains(&v), "a dampening from 0 to 1"),
        ),
        (
            "beta1",
            &t.beta1,
            Some(0.9),
            (|v| (0.0..1.0).contains(&v), "β₁ with 0 ≤ β₁ < 1"),
        ),
        (
            "beta2",
            &t.beta2,
            Some(0.999),
            (|v| (0.0..1.0).contains(&v), "β₂ with 0 ≤ β₂ < 1"),
        ),
        (
            "alpha",
            &t.alpha,
            Some(0.99),
            (
                |v| (0.0..1.0).contains(&v),
                "a smoothing constant α with 0 ≤ α < 1",
            ),
        ),
        ("eps", &t.eps, None, (|v| v > 0.0, "an epsilon > 0")),
        (
            "lr_decay",
            &t.lr_decay,
            Some(0.0),
            (|v| v >= 0.0, "a learning-rate decay ≥ 0"),
        ),
    ];
    if let Some(form) = &t.form {
        if !allowed.contains(&"form") {
            return Err(c
                .error(
                    form.span(),
                    &key("form"),
                    format!("`form` does not apply to `{kind}`"),
                )
                .with_hint("only `momentum` and `nesterov` have forms"));
        }
    }
    let mut params: Vec<Param> = Vec::new();
    for (name, value, default, (ok, expected)) in table {
        let present = value.is_some();
        if present && !allowed.contains(&name) {
            let span = value.as_ref().map(|v| v.span()).unwrap_or(0..0);
            let takes = allowed
                .iter()
                .filter(|k| **k != "form")
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(c
                .error(
                    span,
                    &key(name),
                    format!("`{name}` does not apply to `{kind}`"),
                )
                .with_hint(format!(
                    "`{kind}` takes {takes} ({})",
                    info.keys
                        .iter()
                        .map(|k| k.summary())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
        }
        if !allowed.contains(&name) {
            continue;
        }
        let (values, swept) = match value {
            Some(v) => {
                let (list, swept) = match v.get_ref() {
                    NumberOrList::One(x) => (vec![*x], false),
                    NumberOrList::Many(xs) => (xs.clone(), true),
                };
                if list.is_empty() {
                    return Err(c.error(
                        v.span(),
                        &key(name),
                        "an empty sweep: give at least one value",
                    ));
                }
                for x in &list {
                    if !(x.is_finite() && ok(*x)) {
                        return Err(c.error(
                            v.span(),
                            &key(name),
                            format!("expected {expected}, found {x}"),
                        ));
                    }
                }
                (list, swept)
            }
            None => match (name, default) {
                ("lr", _) => {
                    return Err(c
                        .error(spanned.span(), &key("lr"), "missing the learning rate `lr`")
                        .with_hint("add e.g. lr = 0.05"))
                }
                ("eps", _) => match info.key("eps").map(|k| k.absent) {
                    Some(crate::keys::Absent::Number(d)) => (vec![d], false),
                    _ => unreachable!("eps has a default"),
                },
                (_, Some(d)) => (vec![d], false),
                (_, None) => unreachable!("keys without defaults are handled above"),
            },
        };
        params.push(Param {
            key: name,
            values,
            swept,
        });
    }
    let form = match &t.form {
        Some(f) => {
            let name = f.get_ref().as_str();
            let forms: Vec<&str> = info.forms.iter().map(|f| f.name).collect();
            if !forms.contains(&name) {
                let hint = match did_you_mean(name, &forms) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "`{kind}` has the forms {}",
                        forms
                            .iter()
                            .map(|f| format!("\"{f}\""))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                return Err(c
                    .error(
                        f.span(),
                        &key("form"),
                        format!("unknown form `{name}` for `{kind}`"),
                    )
                    .with_hint(hint));
            }
            name.to_string()
        }
        None => info.forms[0].name.to_string(),
    };
    if let (Some(d), "momentum") = (&t.dampening, kind) {
        if form != "pytorch" {
            return Err(c
                .error(
                    d.span(),
                    &key("dampening"),
                    format!("`dampening` only applies to the \"pytorch\" form, not \"{form}\""),
                )
                .with_hint("the ema form already weights the gradient by (1 − β)"));
        }
    }
    let noise = match &t.noise {
        Some(n) => {
            let n = n.get_ref();
            let std = c.number(
                &n.std,
                &key("noise.std"),
                |v| v >= 0.0,
                "a standard deviation ≥ 0",
            )?;
            let seed = match &n.seed {
                Some(s) if s.get_ref().0 >= 0 => s.get_ref().0 as u64,
                Some(s) => {
                    return Err(c.error(
                        s.span(),
                        &key("noise.seed"),
                        format!("expected a seed ≥ 0, found {}", s.get_ref().0),
                    ))
                }
                None => 0,
            };
            Some(Noise { std, seed })
        }
        None => None,
    };
    // Check the label's placeholders once, before expanding.
    let placeholders: BTreeSet<&str> = params
        .iter()
        .map(|p| p.key)
        .chain(["kind", "form", "start", "run"])
        .collect();
    if let Some(label) = &t.label {
        for name in label_placeholders(label.get_ref()) {
            if !placeholders.contains(name.as_str()) {
                return Err(c
                    .error(
                        label.span(),
                        &key("label"),
                        format!("unknown placeholder `{{{name}}}`"),
                    )
                    .with_hint(format!(
                        "this entry can use {}",
                        placeholders
                            .iter()
                            .map(|p| format!("{{{p}}}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
            }
        }
    }
    // Cartesian product of the sweeps, the first key varying slowest.
    let combos = params.iter().map(|p| p.values.len()).product::<usize>() * starts.len();
    if runs.len() + combos > limits::MAX_RUNS {
        return Err(c
            .error(
                spanned.span(),
                &format!("optimizer[{entry}]"),
                format!(
                    "the sweeps expand to {} runs in all, more than the limit of {}",
                    runs.len() + combos,
                    limits::MAX_RUNS
                ),
            )
            .with_hint("shorten the sweep lists or split the scene"));
    }
    let mut index = vec![0usize; params.len()];
    loop {
        let value = |k: &str| {
            params
                .iter()
                .zip(&index)
                .find(|(p, _)| p.key == k)
                .map(|(p, i)| p.values[*i])
        };
        let get = |k: &str| value(k).unwrap_or(0.0);
        let values: Vec<f64> = info.keys.iter().map(|k| get(k.name)).collect();
        let form_name = if info.has_named_forms() {
            form.as_str()
        } else {
            ""
        };
        let optimizer = Optimizer::new(info, form_name, &values);
        let first_run = runs.len();
        let setting_label = match &t.label {
            Some(l) => {
                // The label without its start point: " from {start}" goes as a whole.
                let without = l.get_ref().replace(" from {start}", "");
                let filled = fill_label(&without, &|name| match name {
                    "kind" => Some(kind.to_string()),
                    "form" => Some(form.clone()),
                    "start" => Some(String::new()),
                    "run" => Some(first_run.to_string()),
                    other => value(other).map(|v| v.to_string()),
                });
                filled.split_whitespace().collect::<Vec<_>>().join(" ")
            }
            // A panel title need not repeat what every panel shares.
            None if only && params.iter().any(|p| p.swept) => swept_values(&params, &index),
            None => default_label(kind, &params, &index, false, starts[0]),
        };
        settings.push(Setting {
            label: setting_label,
            runs: (first_run..first_run + starts.len()).collect(),
        });
        for start in starts {
            let run_index = runs.len();
            let label = match &t.label {
                Some(l) => fill_label(l.get_ref(), &|name| match name {
                    "kind" => Some(kind.to_string()),
                    "form" => Some(form.clone()),
                    "start" => Some(format!("({}, {})", start[0], start[1])),
                    "run" => Some(run_index.to_string()),
                    other => value(other).map(|v| v.to_string()),
                }),
                None => default_label(kind, &params, &index, starts.len() > 1, *start),
            };
            runs.push(Run {
                index: run_index,
                label,
                entry,
                optimizer,
                start: *start,
                noise,
            });
        }
        // Advance the odometer, last key fastest.
        let mut k = params.len();
        loop {
            if k == 0 {
                return Ok(());
            }
            k -= 1;
            index[k] += 1;
            if index[k] < params[k].values.len() {
                break;
            }
            index[k] = 0;
        }
    }
}

/// The swept parameters' values of one combination, e.g. `lr=0.1 β=0.9`.
fn swept_values(params: &[Param], index: &[usize]) -> String {
    params
        .iter()
        .zip(index)
        .filter(|(p, _)| p.swept)
        .map(|(p, i)| {
            let symbol = match p.key {
                "beta" => "β",
                "beta1" => "β₁",
                "beta2" => "β₂",
                "alpha" => "α",
                other => other,
            };
            format!("{symbol}={}", p.values[*i])
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `{name}` placeholders in a label (`{{` and `}}` are literal braces).
fn label_placeholders(label: &str) -> Vec<String> {
    let names = std::cell::RefCell::new(Vec::new());
    fill_label(label, &|name| {
        names.borrow_mut().push(name.to_string());
        None
    });
    names.into_inner()
}

/// Replaces each `{name}` by `lookup(name)`; unknown names are left as written.
fn fill_label<F: ?Sized + Fn(&str) -> Option<String>>(label: &str, lookup: &F) -> String {
    let mut out = String::new();
    let mut rest = label;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
        } else if let (true, Some(end)) = (tail.starts_with('{'), tail.find('}')) {
            let name = &tail[1..end];
            match lookup(name) {
                Some(v) => out.push_str(&v),
                None => out.push_str(&tail[..=end]),
            }
            rest = &tail[end + 1..];
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

fn default_label(
    kind: &str,
    params: &[Param],
    index: &[usize],
    many_starts: bool,
    start: Point,
) -> String {
    let mut label = crate::optimizer::optimizer_kind(kind)
        .map_or(kind, |k| k.title)
        .to_string();
    let values = swept_values(params, index);
    if !values.is_empty() {
        label.push(' ');
        label.push_str(&values);
    }
    if many_starts {
        label.push_str(&format!(" from ({}, {})", start[0], start[1]));
    }
    label
}

#[cfg(test)]
mod tests;
