//! Stage 3 of the pipeline: trajectories become frames.
//!
//! [`Figure::new`] does the work that is done once per scene: it lays the canvas out
//! ([`Layout`]), draws the static background ([`background`]) and maps every trajectory to pixel
//! coordinates. [`animate::Animator`] then walks the steps: each step strokes only the new path
//! segments onto a persistent trail canvas and composes the moving overlays (heads, markers, step
//! counter) over the rectangle that changed, so a frame costs the same at step 5 as at step 500.
//! The static figure is the animator's last frame, so the GIF's last frame and the PNG agree.

pub mod animate;
pub mod background;
pub mod paint;
pub mod style;
pub mod text;

use tiny_skia::Pixmap;

use crate::scene::{Overlay, Scene};
use crate::surface::{Point, Window};
use crate::trajectory::{Divergence, Trajectory};
use paint::IRect;
use style::Sizes;

pub use background::Levels;

/// A failure while drawing (not an input error: the scene was already checked).
#[derive(Debug, Clone, PartialEq)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RenderError {}

/// What a legend row shows before its text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LegendSymbol {
    Run(usize),
    Start,
    Minimum,
    Overlay(Overlay),
}

/// One legend row, positioned.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub symbol: LegendSymbol,
    pub text: String,
    /// A second, smaller line (e.g. "diverged at step 12").
    pub note: Option<String>,
    pub y: i32,
    pub note_y: i32,
}

/// Where everything goes on the canvas.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: u32,
    pub height: u32,
    pub sizes: Sizes,
    /// The plot rectangle: the window maps onto it.
    pub plot: IRect,
    pub window: Window,
    pub title_y: i32,
    pub x_label_area: i32,
    pub y_label_area: i32,
    /// The step counter's box (redrawn every frame).
    pub counter: IRect,
    /// Where runs are expected to settle (the first minimum's pixel row), if known.
    pub settle_y: Option<f64>,
    /// The loss inset's plotting rectangle, when the scene asks for one and there is room.
    pub inset: Option<IRect>,
    pub swatch_x: i32,
    pub swatch_width: i32,
    pub legend_text_x: i32,
}

impl PartialEq for Sizes {
    fn eq(&self, o: &Self) -> bool {
        self.font == o.font && self.line_width == o.line_width
    }
}

impl Layout {
    /// Lays out a `width × height` canvas for `window`, with a legend panel on the right wide
    /// enough for `labels` (but never more than 40 % of the width).
    pub fn new(width: u32, height: u32, window: Window, labels: &[String]) -> Layout {
        let sizes = Sizes::for_height(height);
        let f = sizes.font;
        let swatch_width = (f * 2.2) as i32;
        let widest = labels
            .iter()
            .map(|l| background::text_width(l, f))
            .max()
            .unwrap_or(0);
        let panel = (widest as i32 + swatch_width + (f * 2.0) as i32)
            .clamp((f * 8.0) as i32, (f64::from(width) * 0.4) as i32);
        let title_h = (sizes.title_font * 1.9) as i32;
        let x_label_area = (f * 3.4) as i32;
        let y_label_area = (f * 4.0) as i32;
        let plot = IRect {
            x0: y_label_area + (f * 0.6) as i32,
            y0: title_h,
            x1: width as i32 - panel - (f * 1.2) as i32,
            y1: height as i32 - x_label_area - (f * 0.4) as i32,
        };
        let panel_x0 = plot.x1 + (f * 1.0) as i32;
        // Placed under the legend by `legend`.
        let counter = IRect {
            x0: panel_x0,
            y0: plot.y0,
            x1: width as i32 - 2,
            y1: plot.y0 + (f * 1.8) as i32,
        };
        Layout {
            width,
            height,
            sizes,
            plot,
            window,
            title_y: (title_h as f64 * 0.55) as i32,
            x_label_area,
            y_label_area,
            counter,
            settle_y: None,
            inset: None,
            swatch_x: panel_x0 + swatch_width / 2,
            swatch_width,
            legend_text_x: panel_x0 + swatch_width + (f * 0.8) as i32,
        }
    }

    /// Pixel coordinates of a data point (continuous: pixel (i, j) covers [i, i+1) × [j, j+1)).
    pub fn to_px(&self, p: Point) -> (f64, f64) {
        let w = self.window;
        let x = f64::from(self.plot.x0) + (p[0] - w.x.0) / w.width() * f64::from(self.plot.width());
        let y =
            f64::from(self.plot.y1) - (p[1] - w.y.0) / w.height() * f64::from(self.plot.height());
        (x, y)
    }

    /// True when the pixel point lies inside the plot rectangle.
    pub fn in_plot(&self, (x, y): (f64, f64)) -> bool {
        x >= f64::from(self.plot.x0)
            && x <= f64::from(self.plot.x1)
            && y >= f64::from(self.plot.y0)
            && y <= f64::from(self.plot.y1)
    }

    /// Positions the legend rows (runs first, then the start and minimum markers) and, under
    /// them, the step counter.
    ///
    /// The counter sits in the panel beside the plot, at the height where runs settle: a GIF
    /// frame is one rectangle holding everything that changed, heads and counter alike, and
    /// every stretch of unchanged pixels in it costs codes. Level with the minimum, the counter
    /// shares its rows with the heads for most of an animation, which keeps frames small.
    fn legend(
        &mut self,
        runs: &[(String, Option<String>)],
        has_minimum: bool,
        overlays: &[Overlay],
    ) -> Vec<LegendEntry> {
        let f = self.sizes.font;
        let counter_h = (f * 1.8) as i32;
        let mut y = f64::from(self.plot.y0) + f * 0.8;
        let bottom = f64::from(self.plot.y1 - counter_h) - f * 0.8;
        let mut rows = Vec::new();
        let max_text = (self.width as i32 - self.legend_text_x - 4).max(10) as u32;
        let mut push = |symbol, text: &str, note: Option<String>, y: &mut f64| {
            let row_h = f * 1.7 + if note.is_some() { f * 1.0 } else { 0.0 };
            if *y + row_h > bottom {
                return false;
            }
            rows.push(LegendEntry {
                symbol,
                text: fit_text(text, f, max_text),
                note_y: (*y + f * 1.05) as i32,
                note,
                y: *y as i32,
            });
            *y += row_h;
            true
        };
        let mut shown = 0;
        for (i, (label, note)) in runs.iter().enumerate() {
            if !push(LegendSymbol::Run(i), label, note.clone(), &mut y) {
                break;
            }
            shown += 1;
        }
        y += f * 0.6;
        push(LegendSymbol::Start, "start", None, &mut y);
        if has_minimum {
            push(LegendSymbol::Minimum, "minimum", None, &mut y);
        }
        for overlay in overlays.iter().filter(|o| **o != Overlay::Loss) {
            let text = overlay_label(*overlay);
            push(LegendSymbol::Overlay(*overlay), text, None, &mut y);
        }
        if shown < runs.len() {
            if let Some(last) = rows
                .iter_mut()
                .rev()
                .find(|r| matches!(r.symbol, LegendSymbol::Run(_)))
            {
                last.note = Some(format!("… and {} more runs", runs.len() - shown));
            }
        }
        // At the height where runs end up (the first minimum, else the plot's middle), but
        // never over the legend.
        let settle = self
            .settle_y
            .unwrap_or(f64::from(self.plot.y0 + self.plot.y1) / 2.0);
        let below_legend = y + f * 0.4 - f * 0.85;
        let top = (settle - f64::from(counter_h) / 2.0)
            .max(below_legend)
            .min(f64::from(self.plot.y1 - counter_h)) as i32;
        self.counter = IRect {
            x0: self.swatch_x - self.swatch_width / 2,
            y0: top,
            x1: self.width as i32 - 2,
            y1: top + counter_h,
        };
        if overlays.contains(&Overlay::Loss) {
            // Under the counter, if at least four text lines fit.
            let (x0, x1) = (
                self.counter.x0 + (f * 2.6) as i32,
                self.width as i32 - (f * 0.8) as i32,
            );
            let y0 = self.counter.y1 + (f * 1.6) as i32;
            let y1 = (y0 + (f * 7.0) as i32).min(self.plot.y1 - (f * 1.6) as i32);
            if y1 - y0 >= (f * 4.0) as i32 && x1 - x0 >= (f * 4.0) as i32 {
                self.inset = Some(IRect { x0, y0, x1, y1 });
            }
        }
        rows
    }
}

/// The legend text of a teaching overlay.
fn overlay_label(o: Overlay) -> &'static str {
    match o {
        Overlay::Velocity => "velocity",
        Overlay::Gradient => "gradient step",
        Overlay::Lookahead => "look-ahead point",
        Overlay::Loss => "f − f*",
    }
}

/// The step counter's text. Digits in the embedded font all have the same advance, so a
/// left-aligned counter changes only the pixels of the digits that changed.
pub fn counter_text(step: usize, steps: usize) -> String {
    format!("step {step} / {steps}")
}

/// Shortens `text` with an ellipsis until it fits in `max` pixels.
fn fit_text(text: &str, size: f64, max: u32) -> String {
    if background::text_width(text, size) <= max {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let t: String = chars.iter().collect::<String>() + "…";
        if background::text_width(&t, size) <= max {
            return t;
        }
    }
    String::new()
}

/// A run as the renderer needs it: colour and pixel path.
#[derive(Debug, Clone)]
pub struct RunPath {
    pub colour: style::Rgb,
    /// Pixel coordinates of steps 0 ..= last finite step.
    pub px: Vec<(f64, f64)>,
    pub diverged: Option<Divergence>,
    /// For the gradient overlay: where −lr·∇f(θ_k) leads from θ_k, per step (pixels).
    pub gradient_step_px: Vec<(f64, f64)>,
    /// For the look-ahead overlay: where step k + 1's gradient is taken, per step (pixels).
    pub lookahead_px: Vec<(f64, f64)>,
    /// For the loss inset: (step, f − f*) per step, in the inset's pixels.
    pub inset_px: Vec<(f64, f64)>,
}

/// Everything drawn once per scene, ready for the animator.
pub struct Figure {
    pub layout: Layout,
    pub background: Pixmap,
    pub levels: Levels,
    pub runs: Vec<RunPath>,
    /// Start points inside the window, in pixels.
    pub starts: Vec<(f64, f64)>,
    /// The minima inside the window, as star markers rendered once.
    pub minima: Vec<paint::Sprite>,
    /// Steps in the animation (frames = steps + 1).
    pub steps: usize,
    /// Teaching overlays drawn at each head.
    pub overlays: Vec<Overlay>,
}

impl Figure {
    /// Lays out and draws the background for `scene` and its computed `trajectories`.
    pub fn new(scene: &Scene, trajectories: &[Trajectory]) -> Result<Figure, RenderError> {
        let (w, h) = (scene.output.width, scene.output.height);
        let entries: Vec<(String, Option<String>)> = scene
            .runs
            .iter()
            .zip(trajectories)
            .map(|(run, t)| {
                let note = t.diverged.map(|d| format!("diverged at step {}", d.step));
                (run.label.clone(), note)
            })
            .collect();
        let labels: Vec<String> = entries
            .iter()
            .map(|e| e.0.clone())
            .chain(
                scene
                    .draw
                    .overlays
                    .iter()
                    .map(|o| overlay_label(*o).to_string()),
            )
            .collect();
        let mut layout = Layout::new(w, h, scene.window, &labels);
        let s = layout.sizes;
        let minima: Vec<paint::Sprite> = scene
            .surface
            .minima()
            .into_iter()
            .filter(|m| scene.window.contains(*m))
            .filter_map(|m| {
                let (x, y) = layout.to_px(m);
                paint::Sprite::star(
                    (x as f32, y as f32),
                    s.marker_radius * 1.25,
                    style::WHITE,
                    style::INK,
                    s.outline,
                )
            })
            .collect();
        layout.settle_y = scene
            .surface
            .minima()
            .into_iter()
            .find(|m| scene.window.contains(*m))
            .map(|m| layout.to_px(m).1);
        let legend = layout.legend(&entries, !minima.is_empty(), &scene.draw.overlays);
        let (background, levels) = background::draw(scene, &layout, &legend)?;
        let overlays = &scene.draw.overlays;
        // The inset's scale: steps across, log10(f − f*) up, over every run's losses (f* is the
        // lowest known minimum, else a hair below the lowest loss seen).
        let lowest = trajectories
            .iter()
            .flat_map(|t| t.losses.iter().copied())
            .fold(f64::INFINITY, f64::min);
        let f_star = match scene.surface.lowest_minimum() {
            Some(f) => f.min(lowest),
            None => lowest - 1e-12,
        };
        let gaps = || {
            trajectories
                .iter()
                .flat_map(|t| t.losses.iter().map(|f| (f - f_star).max(1e-16).log10()))
        };
        let (g_lo, g_hi) = gaps().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), g| {
            (a.min(g), b.max(g))
        });
        let steps = scene.output.steps.max(1) as f64;
        let inset_scale = layout.inset.filter(|_| g_lo.is_finite()).map(|r| {
            let span = (g_hi - g_lo).max(1e-9);
            move |k: usize, f: f64| {
                let g = (f - f_star).max(1e-16).log10();
                (
                    f64::from(r.x0) + k as f64 / steps * f64::from(r.width()),
                    f64::from(r.y1) - (g - g_lo) / span * f64::from(r.height()),
                )
            }
        });
        let runs = trajectories
            .iter()
            .zip(&scene.runs)
            .enumerate()
            .map(|(i, (t, run))| {
                let lr = run.optimizer.lr();
                let gradient_step_px = if overlays.contains(&Overlay::Gradient) {
                    t.positions
                        .iter()
                        .map(|p| {
                            let g = scene.surface.gradient(*p);
                            layout.to_px([p[0] - lr * g[0], p[1] - lr * g[1]])
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                let lookahead_px = if overlays.contains(&Overlay::Lookahead) {
                    t.gradient_points.iter().map(|p| layout.to_px(*p)).collect()
                } else {
                    Vec::new()
                };
                RunPath {
                    colour: style::run_colour(i),
                    px: t.positions.iter().map(|p| layout.to_px(*p)).collect(),
                    diverged: t.diverged,
                    gradient_step_px,
                    lookahead_px,
                    inset_px: inset_scale
                        .map(|map| {
                            t.losses
                                .iter()
                                .enumerate()
                                .map(|(k, f)| map(k, *f))
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect();
        let mut starts: Vec<(f64, f64)> = Vec::new();
        for run in &scene.runs {
            let p = layout.to_px(run.start);
            if layout.in_plot(p) && !starts.contains(&p) {
                starts.push(p);
            }
        }
        Ok(Figure {
            layout,
            background,
            levels,
            runs,
            starts,
            minima,
            steps: scene.output.steps,
            overlays: scene.draw.overlays.clone(),
        })
    }
}
