//! Stage 3 of the pipeline: trajectories become frames.
//!
//! [`Figure::new`] does the work that is done once per scene: it lays the canvas out
//! ([`Layout`]: one plot, or the panels of small multiples), draws the static background
//! ([`background`]) and maps every trajectory to pixel coordinates in its panel.
//! [`animate::Animator`] then walks the steps: each step strokes only the new path segments onto
//! a persistent trail canvas and composes the moving overlays (heads, markers, step counter) over
//! the rectangle that changed, so a frame costs the same at step 5 as at step 500.
//! The static figure is the animator's last frame, so the GIF's last frame and the PNG agree;
//! [`svg`] writes the same figure as vector shapes from the same geometry.

pub mod animate;
pub mod background;
pub mod paint;
pub mod style;
pub mod svg;
pub mod text;

use tiny_skia::Pixmap;

use crate::scene::{Aspect, Overlay, Panels, Scene};
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

/// One plot rectangle of a figure: the whole plot, or one of the small multiples. The scene's
/// window maps onto each panel alike.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub rect: IRect,
    /// The line above the panel (small multiples only).
    pub title: Option<PanelTitle>,
    /// Tick labels under the panel (no panel below it) and left of it (first column).
    pub x_ticks: bool,
    pub y_ticks: bool,
}

/// What a small multiple's title line says.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelTitle {
    pub text: String,
    /// The run whose colour the swatch before the text shows, when the panel holds one run.
    pub swatch: Option<usize>,
    /// A muted remark at the right end of the line (e.g. "diverged at step 12").
    pub note: Option<String>,
}

/// Where everything goes on the canvas.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: u32,
    pub height: u32,
    pub sizes: Sizes,
    /// The plotting region: the one plot, or the region the small multiples share.
    pub plot: IRect,
    /// The plot rectangles inside `plot`, in reading order (one unless the scene asks for
    /// small multiples).
    pub panels: Vec<Panel>,
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
        let sizes = Sizes::for_canvas(width, height);
        let f = sizes.font;
        let swatch_width = (f * 2.2) as i32;
        let widest = labels
            .iter()
            .map(|l| background::text_width(l, f))
            .max()
            .unwrap_or(0);
        let most = (f64::from(width) * 0.4) as i32;
        let panel = (widest as i32 + swatch_width + (f * 2.0) as i32)
            .clamp(((f * 8.0) as i32).min(most), most);
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
            panels: vec![Panel {
                rect: plot,
                title: None,
                x_ticks: true,
                y_ticks: true,
            }],
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

    /// Shrinks a `w × h` rectangle to the proportions of the window when `equal` (one data unit
    /// as long across as up); unchanged otherwise.
    fn fit(&self, (w, h): (i32, i32), equal: bool) -> (i32, i32) {
        if !equal {
            return (w, h);
        }
        let a = self.window.width() / self.window.height();
        if f64::from(w) > f64::from(h) * a {
            (((f64::from(h) * a).round() as i32).max(1), h)
        } else {
            (w, ((f64::from(w) / a).round() as i32).max(1))
        }
    }

    /// Gives the one plot the window's proportions (`[draw] aspect = "equal"`), centring the
    /// plot and the legend beside it in the room they had.
    pub fn equalize(&mut self) {
        let r = self.plot;
        let (w, h) = self.fit((r.width() as i32, r.height() as i32), true);
        let (dx, dy) = (r.width() as i32 - w, r.height() as i32 - h);
        // Half the width given up goes left of the plot, half right of the legend; the height
        // given up, half above and half below.
        self.plot = IRect {
            x0: r.x0 + dx / 2,
            y0: r.y0 + dy / 2,
            x1: r.x0 + dx / 2 + w,
            y1: r.y0 + dy / 2 + h,
        };
        let shift = dx - dx / 2;
        self.swatch_x -= shift;
        self.legend_text_x -= shift;
        self.counter.x0 -= shift;
        self.panels[0].rect = self.plot;
    }

    /// Cuts the plotting region into a grid of one panel per title (small multiples), the
    /// grid whose panels are largest in their smaller dimension, each with the window's
    /// proportions when `equal`, the grid centred in the region. Tick labels go to the left
    /// column and under the lowest panel of each column; every panel has a title line.
    pub fn split(&mut self, titles: Vec<PanelTitle>, equal: bool) {
        let n = titles.len().max(1);
        let f = self.sizes.font;
        let title_h = (f * 1.5) as i32;
        // Wide enough that neighbouring panels' end tick labels ("3" and "−3") stay apart.
        let gap_x = (f * 2.0) as i32;
        // The x tick labels of a panel with an empty cell below must not reach the next row.
        let gap_y = title_h + (f * 0.7) as i32;
        let region = self.plot;
        let size = |cols: usize| {
            let rows = n.div_ceil(cols) as i32;
            let pw = (region.width() as i32 - (cols as i32 - 1) * gap_x) / cols as i32;
            let ph = (region.height() as i32 - title_h - (rows - 1) * gap_y) / rows;
            self.fit((pw.max(1), ph.max(1)), equal)
        };
        // Largest smaller side; among equals, the fewest empty cells.
        let cols = (1..=n)
            .max_by_key(|&c| {
                let (pw, ph) = size(c);
                (pw.min(ph), std::cmp::Reverse(c * n.div_ceil(c) - n))
            })
            .unwrap_or(1);
        let rows = n.div_ceil(cols) as i32;
        let (pw, ph) = size(cols);
        let grid_w = cols as i32 * pw + (cols as i32 - 1) * gap_x;
        let grid_h = title_h + rows * ph + (rows - 1) * gap_y;
        let (left, top) = (
            region.x0 + (region.width() as i32 - grid_w).max(0) / 2,
            region.y0 + (region.height() as i32 - grid_h).max(0) / 2,
        );
        self.panels = titles
            .into_iter()
            .enumerate()
            .map(|(i, title)| {
                let (row, col) = ((i / cols) as i32, (i % cols) as i32);
                let x0 = left + col * (pw + gap_x);
                let y0 = top + title_h + row * (ph + gap_y);
                Panel {
                    rect: IRect {
                        x0,
                        y0,
                        x1: x0 + pw,
                        y1: y0 + ph,
                    },
                    title: Some(title),
                    x_ticks: i + cols >= n,
                    y_ticks: col == 0,
                }
            })
            .collect();
    }

    /// Pixel coordinates of a data point in `panel` (continuous: pixel (i, j) covers
    /// [i, i+1) × [j, j+1)).
    pub fn to_px(&self, panel: usize, p: Point) -> (f64, f64) {
        let w = self.window;
        let r = self.panels[panel].rect;
        let x = f64::from(r.x0) + (p[0] - w.x.0) / w.width() * f64::from(r.width());
        let y = f64::from(r.y1) - (p[1] - w.y.0) / w.height() * f64::from(r.height());
        (x, y)
    }

    /// True when the pixel point lies inside `panel`.
    pub fn in_panel(&self, panel: usize, (x, y): (f64, f64)) -> bool {
        let r = self.panels[panel].rect;
        x >= f64::from(r.x0) && x <= f64::from(r.x1) && y >= f64::from(r.y0) && y <= f64::from(r.y1)
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
    /// The panel the run is drawn in (index into [`Layout::panels`]).
    pub panel: usize,
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
    /// Their centres, in pixels.
    pub minima_px: Vec<(f64, f64)>,
    /// The legend rows, positioned.
    pub legend: Vec<LegendEntry>,
    /// Steps in the animation (frames = steps + 1).
    pub steps: usize,
    /// Teaching overlays drawn at each head.
    pub overlays: Vec<Overlay>,
}

impl Figure {
    /// Lays out and draws the background for `scene` and its computed `trajectories`.
    pub fn new(scene: &Scene, trajectories: &[Trajectory]) -> Result<Figure, RenderError> {
        let (w, h) = (scene.output.width, scene.output.height);
        let note = |t: &Trajectory| t.diverged.map(|d| format!("diverged at step {}", d.step));
        let small_multiples = scene.draw.panels != Panels::Single;
        // Each run's panel: its setting's or its start point's with small multiples, else the
        // one plot. A setting's runs are in start-point order.
        let mut panel_of = vec![0; scene.runs.len()];
        for (i, setting) in scene.settings.iter().enumerate() {
            for (k, &r) in setting.runs.iter().enumerate() {
                panel_of[r] = match scene.draw.panels {
                    Panels::Single => 0,
                    Panels::Sweep => i,
                    Panels::Start => k,
                };
            }
        }
        // When every panel holds one run, the panel titles name the runs and the legend keeps
        // only the markers. With a panel per start point the legend names the settings (the
        // same colour in every panel).
        let titled =
            scene.draw.panels == Panels::Sweep && scene.settings.iter().all(|s| s.runs.len() == 1);
        let entries: Vec<(String, Option<String>)> = if titled {
            Vec::new()
        } else if scene.draw.panels == Panels::Start {
            scene
                .settings
                .iter()
                .map(|s| {
                    let diverged: Vec<&Trajectory> = s
                        .runs
                        .iter()
                        .filter_map(|&r| trajectories.get(r))
                        .filter(|t| t.diverged.is_some())
                        .collect();
                    let note = match diverged.as_slice() {
                        [] => None,
                        [t] if s.runs.len() == 1 => note(t),
                        d => Some(format!(
                            "diverged in {} of {} panels",
                            d.len(),
                            s.runs.len()
                        )),
                    };
                    (s.label.clone(), note)
                })
                .collect()
        } else {
            scene
                .runs
                .iter()
                .zip(trajectories)
                .map(|(run, t)| (run.label.clone(), note(t)))
                .collect()
        };
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
        let equal = scene.draw.aspect == Aspect::Equal;
        if equal && !small_multiples {
            layout.equalize();
        }
        let titles: Vec<PanelTitle> = match scene.draw.panels {
            Panels::Single => Vec::new(),
            Panels::Sweep => scene
                .settings
                .iter()
                .map(|s| {
                    let only = (s.runs.len() == 1).then(|| s.runs[0]);
                    PanelTitle {
                        text: s.label.clone(),
                        swatch: only,
                        note: only.and_then(|r| trajectories.get(r)).and_then(note),
                    }
                })
                .collect(),
            Panels::Start => scene.settings[0]
                .runs
                .iter()
                .map(|&r| {
                    let p = scene.runs[r].start;
                    PanelTitle {
                        // A true minus, as on the axes.
                        text: format!("from ({}, {})", p[0], p[1]).replace('-', "−"),
                        swatch: None,
                        note: None,
                    }
                })
                .collect(),
        };
        if small_multiples {
            layout.split(titles, equal);
        }
        let s = layout.sizes;
        let minima_px: Vec<(f64, f64)> = scene
            .surface
            .minima()
            .into_iter()
            .filter(|m| scene.window.contains(*m))
            .flat_map(|m| (0..layout.panels.len()).map(move |p| (p, m)))
            .map(|(p, m)| layout.to_px(p, m))
            .collect();
        let minima: Vec<paint::Sprite> = minima_px
            .iter()
            .filter_map(|&(x, y)| {
                paint::Sprite::star(
                    (x as f32, y as f32),
                    s.marker_radius * 1.25,
                    style::WHITE,
                    style::INK,
                    s.outline,
                )
            })
            .collect();
        // With one plot the step counter sits level with the minimum (see `Layout::legend`);
        // the clock of small multiples sits right under the legend.
        layout.settle_y = if small_multiples {
            Some(f64::from(layout.plot.y0))
        } else {
            minima_px.first().map(|m| m.1)
        };
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
                let panel = panel_of[i];
                let gradient_step_px = if overlays.contains(&Overlay::Gradient) {
                    t.positions
                        .iter()
                        .map(|p| {
                            let g = scene.surface.gradient(*p);
                            layout.to_px(panel, [p[0] - lr * g[0], p[1] - lr * g[1]])
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                let lookahead_px = if overlays.contains(&Overlay::Lookahead) {
                    t.gradient_points
                        .iter()
                        .map(|p| layout.to_px(panel, *p))
                        .collect()
                } else {
                    Vec::new()
                };
                RunPath {
                    colour: style::run_colour(scene.colour_slot(i)),
                    panel,
                    px: t
                        .positions
                        .iter()
                        .map(|p| layout.to_px(panel, *p))
                        .collect(),
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
        for (run, &panel) in scene.runs.iter().zip(&panel_of) {
            let p = layout.to_px(panel, run.start);
            if layout.in_panel(panel, p) && !starts.contains(&p) {
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
            minima_px,
            legend,
            steps: scene.output.steps,
            overlays: scene.draw.overlays.clone(),
        })
    }
}

/// For tests: a shipped scene (`scenes/NAME.toml`), checked, with its figure.
#[cfg(test)]
pub(crate) fn shipped_figure(name: &str) -> (Scene, Figure) {
    let path = format!("{}/scenes/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let scene = crate::scene::load(std::path::Path::new(&path)).unwrap();
    let t = crate::pipeline::trajectories(&scene);
    let fig = Figure::new(&scene, &t).unwrap();
    (scene, fig)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(n: usize) -> Vec<PanelTitle> {
        (0..n)
            .map(|i| PanelTitle {
                text: format!("panel {i}"),
                swatch: Some(i),
                note: None,
            })
            .collect()
    }

    /// Small multiples tile the plotting region: equal, disjoint panels in reading order, with
    /// room for their title lines, tick labels exactly on the outer edges.
    #[test]
    fn panels_tile_the_plotting_region() {
        let window = Window::new((-1.0, 1.0), (-1.0, 1.0));
        for (w, h) in [(640, 480), (720, 540), (1280, 400), (400, 900)] {
            for n in 1..=16 {
                let mut layout = Layout::new(w, h, window, &["start".into()]);
                let region = layout.plot;
                layout.split(titles(n), false);
                let p = &layout.panels;
                assert_eq!(p.len(), n);
                let title_h = (layout.sizes.font * 1.5) as i32;
                let cols = p.iter().filter(|q| q.rect.y0 == p[0].rect.y0).count();
                for (i, q) in p.iter().enumerate() {
                    let r = q.rect;
                    assert_eq!(
                        (r.width(), r.height()),
                        (p[0].rect.width(), p[0].rect.height())
                    );
                    assert!(r.width() >= 20 && r.height() >= 20, "{w}×{h}, {n}: {r:?}");
                    assert!(
                        r.x0 >= region.x0 && r.x1 <= region.x1,
                        "{w}×{h}, {n}: {r:?}"
                    );
                    assert!(r.y0 - title_h >= region.y0 && r.y1 <= region.y1);
                    assert_eq!(q.y_ticks, i % cols == 0, "{w}×{h}, {n}, panel {i}");
                    assert_eq!(q.x_ticks, i + cols >= n, "{w}×{h}, {n}, panel {i}");
                    for o in &p[..i] {
                        // Disjoint, title lines included, and after the earlier ones.
                        let with_title = IRect {
                            y0: r.y0 - title_h,
                            ..r
                        };
                        assert!(with_title.intersect(o.rect).is_empty(), "{i}: {r:?} {o:?}");
                        assert!((o.rect.y0, o.rect.x0) < (r.y0, r.x0));
                    }
                }
                // The grid leaves fewer empty cells than a row.
                let rows = n.div_ceil(cols);
                assert!(rows * cols - n < cols, "{w}×{h}, {n}: {rows}×{cols}");
            }
        }
        // Four panels on a 4:3 canvas make a 2 × 2 grid, sixteen a 4 × 4 one.
        let mut layout = Layout::new(640, 480, window, &[]);
        layout.split(titles(4), false);
        assert_eq!(layout.panels[1].rect.y0, layout.panels[0].rect.y0);
        assert!(layout.panels[2].rect.y0 > layout.panels[0].rect.y0);
        layout.split(titles(16), false);
        assert_eq!(layout.panels[3].rect.y0, layout.panels[0].rect.y0);
        assert!(layout.panels[4].rect.y0 > layout.panels[0].rect.y0);
    }

    /// In small multiples each run is drawn in its own setting's panel and nowhere else: the
    /// pixels of a run's exact colour lie in its panel (or its title's swatch).
    #[test]
    fn each_run_is_drawn_in_its_own_panel() {
        let (scene, fig) = shipped_figure("beta_sweep_panels");
        assert_eq!(fig.layout.panels.len(), scene.runs.len());
        let last = animate::still(&fig, fig.steps).unwrap();
        let w = fig.layout.width as i32;
        let font = fig.layout.sizes.font;
        for (i, run) in fig.runs.iter().enumerate() {
            assert_eq!(run.panel, i);
            let r = fig.layout.panels[i].rect;
            let title_band = IRect {
                y0: r.y0 - (font * 1.5) as i32,
                ..r
            };
            let c = run.colour;
            let mut inside = 0;
            for (k, px) in last.data().chunks_exact(4).enumerate() {
                if px[..3] != c {
                    continue;
                }
                let (x, y) = (k as i32 % w, k as i32 / w);
                let at = IRect::new(x, y, x + 1, y + 1);
                assert!(
                    !title_band.intersect(at).is_empty(),
                    "run {i}'s colour at ({x}, {y}), outside its panel {r:?}"
                );
                inside += 1;
            }
            assert!(inside > 50, "run {i}: {inside} pixels of its colour");
            // Its path starts at the start point mapped into its own panel.
            assert_eq!(run.px[0], fig.layout.to_px(i, scene.runs[i].start));
            assert!(fig.layout.in_panel(i, run.px[0]));
        }
    }

    /// Canvases at the extremes of the size limits, one plot or sixteen panels, lay out inside
    /// the canvas and draw (a tall, narrow canvas once made the legend panel's bounds cross).
    #[test]
    fn extreme_canvases_lay_out_and_draw() {
        for (w, h) in [(160, 4096), (4096, 160), (160, 160)] {
            for panels in ["single", "sweep"] {
                let src = format!(
                    "[output]\nsize = [{w}, {h}]\nsteps = 3\n[draw]\npanels = \"{panels}\"\n\
                     [surface]\nkind = \"bowl\"\n[[start]]\nat = [1.0, 1.0]\n\
                     [[optimizer]]\nkind = \"momentum\"\nlr = [0.1, 0.2, 0.3, 0.4]\n\
                     beta = [0.0, 0.3, 0.6, 0.9]\n"
                );
                let scene = Scene::from_toml(std::path::Path::new("t.toml"), &src).unwrap();
                let t = crate::pipeline::trajectories(&scene);
                let fig = Figure::new(&scene, &t).unwrap();
                let canvas = IRect::new(0, 0, w as i32, h as i32);
                for p in &fig.layout.panels {
                    assert!(!p.rect.is_empty(), "{w}×{h} {panels}: {:?}", p.rect);
                    assert_eq!(p.rect.intersect(canvas), p.rect, "{w}×{h} {panels}");
                }
                let last = animate::still(&fig, 3).unwrap();
                assert_eq!((last.width(), last.height()), (w, h));
            }
        }
    }

    /// With `aspect = "equal"` one data unit is as many pixels across as up, in one plot and in
    /// every panel of small multiples, and the plots stay inside the room they had.
    #[test]
    fn equal_aspect_makes_units_square() {
        for (x, y) in [
            ((-3.0, 3.0), (-3.0, 3.0)),
            ((-3.0, 3.0), (-1.0, 1.0)),
            ((0.0, 1.0), (0.0, 5.0)),
        ] {
            let window = Window::new(x, y);
            let unit = |layout: &Layout, panel: usize| {
                let o = layout.to_px(panel, [x.0, y.0]);
                let ex = layout.to_px(panel, [x.0 + 1.0, y.0]);
                let ey = layout.to_px(panel, [x.0, y.0 + 1.0]);
                (ex.0 - o.0, o.1 - ey.1)
            };
            let mut single = Layout::new(640, 480, window, &["a run".into()]);
            let region = single.plot;
            single.equalize();
            let (ux, uy) = unit(&single, 0);
            assert!((ux - uy).abs() <= 0.02 * ux + 0.5, "{ux} {uy}");
            assert_eq!(single.plot.intersect(region), single.plot);
            assert!(
                single.swatch_x > single.plot.x1,
                "the legend stays right of the plot"
            );
            for n in [2, 4, 9] {
                let mut grid = Layout::new(720, 540, window, &[]);
                let region = grid.plot;
                grid.split(titles(n), true);
                for (i, p) in grid.panels.iter().enumerate() {
                    let (ux, uy) = unit(&grid, i);
                    assert!((ux - uy).abs() <= 0.02 * ux + 0.5, "{n} panels: {ux} {uy}");
                    assert_eq!(p.rect.intersect(region), p.rect);
                }
            }
        }
    }

    /// With one panel per start point each run is drawn in its start's panel, a setting has
    /// one colour in every panel, and the legend names the settings.
    #[test]
    fn start_panels_group_runs_by_start_and_colour_them_by_setting() {
        let (scene, fig) = shipped_figure("himmelblau_starts");
        assert_eq!(fig.layout.panels.len(), 4);
        for (k, p) in fig.layout.panels.iter().enumerate() {
            let start = scene.runs[scene.settings[0].runs[k]].start;
            let title = p.title.as_ref().unwrap();
            let text = format!("from ({}, {})", start[0], start[1]).replace('-', "−");
            assert_eq!(title.text, text);
        }
        for (i, setting) in scene.settings.iter().enumerate() {
            for (k, &r) in setting.runs.iter().enumerate() {
                assert_eq!(fig.runs[r].panel, k);
                assert_eq!(fig.runs[r].colour, style::run_colour(i));
                assert_eq!(scene.colour_slot(r), i);
                assert!(fig.layout.in_panel(k, fig.runs[r].px[0]));
            }
        }
        let runs: Vec<&str> = fig
            .legend
            .iter()
            .filter(|e| matches!(e.symbol, LegendSymbol::Run(_)))
            .map(|e| e.text.as_str())
            .collect();
        assert_eq!(runs, ["GD lr=0.01", "Momentum β=0.9"]);
    }
}
