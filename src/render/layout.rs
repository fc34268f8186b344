//! Where everything goes on an animation's canvas: the title band, the plotting region (one plot,
//! or the panels of small multiples), the tick-label areas, the legend column and the step
//! counter.
//!
//! The regions depend on the canvas size only, never on what the labels say: every scene of one
//! size has its plotting region and its legend in the same place. Inside the region a plot takes
//! the window's proportions when units are equal (the default) and is centred; long legend
//! labels are shortened with an ellipsis.

use crate::picture::{IRect, Sizes};
use crate::scene::Overlay;
use crate::surface::{Point, Window};
use crate::text::{fit_text, wrap_two, Fonts};

/// What a legend row shows before its text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LegendSymbol {
    Run(usize),
    Start,
    /// A minimum's star: the global one's, or a local one's.
    Minimum {
        global: bool,
    },
    Saddle,
    /// A data point of the data view.
    Data,
    Overlay(Overlay),
}

/// Which fixed markers the plot shows, so the legend names each kind once.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Markers {
    pub global_minimum: bool,
    pub local_minimum: bool,
    pub saddle: bool,
}

/// One legend row, positioned.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub symbol: LegendSymbol,
    /// The label in full.
    pub text: String,
    /// The label as drawn: one line, or two where it is too long for the legend column (cut
    /// at a space; an ellipsis ends what still does not fit).
    pub lines: Vec<String>,
    /// A second, smaller line (e.g. "diverged at step 12").
    pub note: Option<String>,
    /// The middle of the row's first line (the symbol's), and of its note line. A second line
    /// of the label lies `line_gap` below the first.
    pub y: f32,
    pub line_gap: f32,
    pub note_y: f32,
}

/// One plot rectangle: the whole plot, or one of the small multiples. The scene's window maps
/// onto each panel alike.
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

/// The data view beside the plot (`[draw] data_view`): a rectangle with its own axes onto
/// which the data's window maps.
#[derive(Debug, Clone, PartialEq)]
pub struct DataPanel {
    pub rect: IRect,
    pub window: Window,
}

impl DataPanel {
    /// Pixel coordinates of a data point (x, y) (continuous, as [`Layout::to_px`]).
    pub fn to_px(&self, p: Point) -> (f64, f64) {
        let (w, r) = (self.window, self.rect);
        let x = f64::from(r.x0) + (p[0] - w.x.0) / w.width() * f64::from(r.width());
        let y = f64::from(r.y1) - (p[1] - w.y.0) / w.height() * f64::from(r.height());
        (x, y)
    }
}

/// Where everything goes on the canvas.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: u32,
    pub height: u32,
    pub sizes: Sizes,
    /// The plotting region, fixed for a canvas size: the one plot and the small multiples lie
    /// inside it, and the legend column runs beside it from top to bottom.
    pub region: IRect,
    /// The one plot (the region, or the part of it with the window's proportions), or the
    /// bounds of the small multiples.
    pub plot: IRect,
    /// The plot rectangles inside `plot`, in reading order.
    pub panels: Vec<Panel>,
    pub window: Window,
    /// The middle of the title's first line.
    pub title_y: f32,
    /// The title's lines (one, or two when it is too long for one; see [`Layout::set_title`])
    /// and their size.
    pub title: (Vec<String>, f32),
    /// Room under a panel for tick labels and the axis title, and left of it.
    pub x_label_area: i32,
    pub y_label_area: i32,
    /// The legend column: its left edge and its width.
    pub legend_x: i32,
    pub legend_width: i32,
    /// The step counter's box (redrawn every frame).
    pub counter: IRect,
    /// Where runs are expected to settle (the first minimum's pixel row), if known.
    pub settle_y: Option<f64>,
    /// The loss inset's plotting rectangle, when the scene asks for one and there is room.
    pub inset: Option<IRect>,
    /// The data view, when the scene asks for one (see [`Layout::reserve_data`]).
    pub data: Option<DataPanel>,
    /// The middle of a legend swatch, and the swatch's width.
    pub swatch_x: f32,
    pub swatch_width: f32,
    pub legend_text_x: f32,
}

/// The smallest side a plot may have, pixels.
const MIN_PLOT: i32 = 24;
/// The most a panel's sides may differ by when units are equal: a window far wider than high
/// is drawn this flat and no flatter (its units then differ).
const MAX_ASPECT: f64 = 8.0;
/// The share of the width the plot and a data view share that the plot gets at most: a
/// loss surface is the figure's subject, the data its companion.
const PLOT_SHARE: f64 = 0.58;

impl Layout {
    /// Lays out a `width × height` canvas for `window`.
    pub fn new(width: u32, height: u32, window: Window) -> Layout {
        let sizes = Sizes::for_canvas(width, height);
        let f = sizes.font;
        let (w, h) = (width as i32, height as i32);
        let swatch_width = f * 2.2;
        // A fixed share of the canvas for the legend: the same in every scene of this size.
        let legend_width = ((w as f32 * 0.27) as i32).max((f * 9.0) as i32).min(w / 2);
        let legend_x = w - legend_width;
        let title_h = (sizes.title_font * 2.0) as i32;
        let x_label_area = (sizes.tick_font * 1.6 + f * 1.9) as i32;
        let y_label_area = (sizes.tick_font * 2.9 + f * 1.6) as i32;
        let margin = (f * 0.7) as i32;
        let plot = IRect {
            x0: (y_label_area + margin).min(legend_x - MIN_PLOT - margin),
            y0: title_h.min(h - MIN_PLOT - 2),
            x1: legend_x - margin,
            y1: (h - x_label_area - margin / 2).max(title_h.min(h - MIN_PLOT - 2) + MIN_PLOT),
        };
        let plot = IRect {
            x0: plot.x0.max(2),
            y1: plot.y1.min(h - 2),
            ..plot
        };
        let counter = IRect::new(legend_x, plot.y0, w - 2, plot.y0 + (f * 1.8) as i32);
        Layout {
            width,
            height,
            sizes,
            region: plot,
            plot,
            panels: vec![Panel {
                rect: plot,
                title: None,
                x_ticks: true,
                y_ticks: true,
            }],
            window,
            title_y: title_h as f32 * 0.5,
            title: (Vec::new(), sizes.title_font),
            x_label_area,
            y_label_area,
            legend_x,
            legend_width,
            counter,
            settle_y: None,
            inset: None,
            data: None,
            swatch_x: legend_x as f32 + swatch_width / 2.0 + 2.0,
            swatch_width,
            legend_text_x: legend_x as f32 + swatch_width + sizes.head_radius + f * 0.6,
        }
    }

    /// Sets the title: shrunk a little or put on two lines to fit the canvas (see
    /// [`crate::text::title_lines`]). A second line moves the plotting region down by a line,
    /// so call this before the plot is equalized or split.
    pub fn set_title(&mut self, fonts: &crate::text::Fonts, title: &str) {
        let (lines, size) = crate::text::title_lines(
            fonts,
            title,
            self.sizes.title_font,
            crate::picture::mark::MIN_FONT,
            self.width as f32 - 8.0,
        );
        if lines.len() > 1 {
            let line = (size * 1.2).ceil() as i32;
            let h = self.height as i32;
            let room = (self.region.height() as i32 - MIN_PLOT).max(0);
            let down = line.min(room);
            self.region.y0 += down;
            self.plot.y0 += down;
            for p in &mut self.panels {
                p.rect.y0 += down;
            }
            self.counter = IRect::new(
                self.counter.x0,
                self.counter.y0 + down,
                self.counter.x1,
                (self.counter.y1 + down).min(h),
            );
            self.title_y = (self.title_y - line as f32 / 2.0 + size * 0.7).max(size * 0.7);
        }
        self.title = (lines, size);
    }

    /// Keeps the right part of the plotting region for a data view onto `window`: the plot (or
    /// the small multiples) get `PLOT_SHARE` of the width the two share, the data view the
    /// rest, with room between them for the data view's tick labels. Call before the plot is
    /// equalized or split, then [`Layout::place_data`].
    pub fn reserve_data(&mut self, window: Window) {
        let r = self.region;
        let between = self.data_gap();
        let shared = (r.width() as i32 - between).max(2 * MIN_PLOT);
        let plot_w = ((f64::from(shared) * PLOT_SHARE) as i32).max(MIN_PLOT);
        let x1 = r.x0 + plot_w;
        self.region.x1 = x1;
        self.plot.x1 = x1;
        self.panels[0].rect.x1 = x1;
        self.data = Some(DataPanel {
            rect: IRect::new(x1 + between, r.y0, r.x1, r.y1),
            window,
        });
    }

    /// The room between the plot and the data view: the data view's tick-label area and a
    /// margin.
    fn data_gap(&self) -> i32 {
        self.y_label_area + (self.sizes.font * 0.7) as i32
    }

    /// Puts the plot (or the small multiples) at the left of the region and gives the data
    /// view everything from there to the region's right edge, level with the plots, so a plot
    /// that the window's proportions make narrow leaves its width to the data; the region is
    /// whole again afterwards.
    pub fn place_data(&mut self) {
        let Some(data) = &self.data else {
            return;
        };
        let right = data.rect.x1;
        let dx = self.region.x0 - self.plot.x0;
        let shift = |r: IRect| IRect::new(r.x0 + dx, r.y0, r.x1 + dx, r.y1);
        self.plot = shift(self.plot);
        for p in &mut self.panels {
            p.rect = shift(p.rect);
        }
        let x0 = (self.plot.x1 + self.data_gap()).min(right - MIN_PLOT);
        let rect = IRect::new(x0, self.plot.y0, right, self.plot.y1);
        if let Some(d) = &mut self.data {
            d.rect = rect;
        }
        // The region is whole again: the title centres over both.
        self.region.x1 = right;
    }

    /// Shrinks a `w × h` rectangle to the proportions of the window when `equal` (one data unit
    /// as long across as up, within [`MAX_ASPECT`]); unchanged otherwise.
    fn fit(&self, (w, h): (i32, i32), equal: bool) -> (i32, i32) {
        if !equal {
            return (w, h);
        }
        let a = (self.window.width() / self.window.height()).clamp(1.0 / MAX_ASPECT, MAX_ASPECT);
        let a = if a.is_finite() { a } else { 1.0 };
        if f64::from(w) > f64::from(h) * a {
            (((f64::from(h) * a).round() as i32).max(MIN_PLOT.min(w)), h)
        } else {
            (w, ((f64::from(w) / a).round() as i32).max(MIN_PLOT.min(h)))
        }
    }

    /// Gives the one plot the window's proportions: centred across the plotting region, at its
    /// top (under the title, as a page reads).
    pub fn equalize(&mut self) {
        let r = self.plot;
        let (w, h) = self.fit((r.width() as i32, r.height() as i32), true);
        let dx = r.width() as i32 - w;
        self.plot = IRect::new(r.x0 + dx / 2, r.y0, r.x0 + dx / 2 + w, r.y0 + h);
        self.panels[0].rect = self.plot;
    }

    /// Cuts the plotting region into a grid of one panel per title (small multiples), the
    /// grid whose panels are largest in their smaller dimension, each with the window's
    /// proportions when `equal`, the grid centred in the region. Tick labels go to the left
    /// column and under the lowest panel of each column; every panel has a title line.
    pub fn split(&mut self, titles: Vec<PanelTitle>, equal: bool) {
        let n = titles.len().max(1);
        let f = self.sizes.font;
        let title_h = self.panel_title_height();
        // Wide enough that neighbouring panels' end tick labels ("3" and "−3") stay apart.
        let gap_x = (f * 2.0) as i32;
        // The x tick labels of a panel with an empty cell below must not reach the next row.
        let gap_y = title_h + (self.sizes.tick_font * 1.6) as i32;
        let region = self.region;
        // Gaps shrink where the region is too small for them (tiny canvases).
        let gaps = |cols: usize| {
            let rows = n.div_ceil(cols) as i32;
            let (c, r) = (cols as i32, rows);
            let gx = gap_x
                .min((region.width() as i32 - c) / (c - 1).max(1))
                .max(0);
            let gy = gap_y
                .min((region.height() as i32 - title_h - r) / (r - 1).max(1))
                .max(0);
            (gx, gy)
        };
        let size = |cols: usize| {
            let rows = n.div_ceil(cols) as i32;
            let (gx, gy) = gaps(cols);
            let pw = (region.width() as i32 - (cols as i32 - 1) * gx) / cols as i32;
            let ph = (region.height() as i32 - title_h - (rows - 1) * gy) / rows;
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
        let (gap_x, gap_y) = gaps(cols);
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
                    rect: IRect::new(x0, y0, x0 + pw, y0 + ph),
                    title: Some(title),
                    x_ticks: i + cols >= n,
                    y_ticks: col == 0,
                }
            })
            .collect();
        self.plot = self
            .panels
            .iter()
            .fold(IRect::default(), |b, p| b.union(p.rect));
    }

    /// The height of a small multiple's title line.
    pub fn panel_title_height(&self) -> i32 {
        (self.sizes.font * 1.6) as i32
    }

    /// The middle of the title line above the panel `r`.
    pub fn panel_title_y(&self, r: IRect) -> f32 {
        r.y0 as f32 - self.sizes.font * 0.85
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
    pub fn in_panel(&self, panel: usize, p: (f64, f64)) -> bool {
        self.panels[panel].rect.contains(p)
    }

    /// Positions the legend rows (runs first, then the start and minimum markers, the data
    /// view's points and the overlays) and, under them, the step counter.
    ///
    /// The counter sits in the legend column at the height where runs settle: a GIF frame is one
    /// rectangle holding everything that changed, heads and counter alike, and every stretch of
    /// unchanged pixels in it costs codes. Level with the minimum, the counter shares its rows
    /// with the heads for most of an animation, which keeps frames small.
    pub fn legend(
        &mut self,
        fonts: &Fonts,
        runs: &[(String, Option<String>)],
        markers: Markers,
        overlays: &[Overlay],
    ) -> Vec<LegendEntry> {
        let f = self.sizes.font;
        let counter_h = (f * 1.8) as i32;
        let mut y = self.region.y0 as f32 + f * 0.8;
        let bottom = (self.region.y1 - counter_h) as f32 - f * 0.8;
        let mut rows = Vec::new();
        let max_text = (self.width as f32 - self.legend_text_x - 4.0).max(10.0);
        let small = self.sizes.small_font;
        let line_gap = f * 1.2;
        let mut push = |symbol, text: &str, note: Option<String>, y: &mut f32| {
            let lines = wrap_two(fonts, text, f, max_text);
            let extra = (lines.len() - 1) as f32 * line_gap;
            let row_h = f * 1.75 + extra + if note.is_some() { small * 1.15 } else { 0.0 };
            if *y + row_h > bottom {
                return false;
            }
            rows.push(LegendEntry {
                symbol,
                text: text.to_string(),
                lines,
                note_y: *y + extra + f * 0.55 + small * 0.6,
                note: note.map(|n| fit_text(fonts, &n, small, max_text)),
                y: *y,
                line_gap,
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
        if markers.global_minimum {
            let name = if markers.local_minimum {
                "global minimum"
            } else {
                "minimum"
            };
            push(LegendSymbol::Minimum { global: true }, name, None, &mut y);
        }
        if markers.local_minimum {
            push(
                LegendSymbol::Minimum { global: false },
                "local minimum",
                None,
                &mut y,
            );
        }
        if markers.saddle {
            push(LegendSymbol::Saddle, "saddle point", None, &mut y);
        }
        if self.data.is_some() {
            push(LegendSymbol::Data, "data point", None, &mut y);
        }
        for overlay in overlays.iter().filter(|o| **o != Overlay::Loss) {
            push(
                LegendSymbol::Overlay(*overlay),
                overlay_label(*overlay),
                None,
                &mut y,
            );
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
        let below_legend = f64::from(y) + f64::from(f) * 0.4 - f64::from(f) * 0.85;
        let top = (settle - f64::from(counter_h) / 2.0)
            .max(below_legend)
            .min(f64::from(self.region.y1 - counter_h)) as i32;
        self.counter = IRect::new(self.legend_x, top, self.width as i32 - 2, top + counter_h);
        if overlays.contains(&Overlay::Loss) {
            // Under the counter, if at least four text lines fit.
            let (x0, x1) = (
                self.legend_x + (self.sizes.tick_font * 2.6) as i32,
                self.width as i32 - (f * 0.8) as i32,
            );
            let y0 = self.counter.y1 + (f * 1.6) as i32;
            let y1 = (y0 + (f * 7.0) as i32).min(self.region.y1 - (f * 1.6) as i32);
            if y1 - y0 >= (f * 4.0) as i32 && x1 - x0 >= (f * 4.0) as i32 {
                self.inset = Some(IRect::new(x0, y0, x1, y1));
            }
        }
        rows
    }
}

/// The legend text of a teaching overlay.
pub fn overlay_label(o: Overlay) -> &'static str {
    match o {
        Overlay::Velocity => "velocity",
        Overlay::Gradient => "gradient step",
        Overlay::Lookahead => "look-ahead point",
        Overlay::Loss => "f − f*",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The regions depend on the canvas size only.
    #[test]
    fn the_plot_box_and_legend_are_fixed_for_a_canvas_size() {
        let a = Layout::new(640, 480, Window::new((-3.0, 3.0), (-3.0, 3.0)));
        let b = Layout::new(640, 480, Window::new((0.0, 1.0), (-5.0, 50.0)));
        assert_eq!((a.plot, a.legend_x), (b.plot, b.legend_x));
        assert!(a.plot.x1 < a.legend_x);
    }
}
