//! Static charts beside the animation, drawn once with plotters into both an SVG and a PNG from
//! the same drawing code, so the two have identical content.
//!
//! The PNG is drawn at twice its size and averaged down 2×2 (plotters' wide strokes are not
//! anti-aliased; supersampling makes every line and glyph smooth). A new chart is a function
//! generic over plotters' `DrawingBackend` plus an entry in [`charts`].
//!
//! Charts now: `loss` — f(θ_t) − f* against step (log scale, one line per run) and the
//! distance to the nearest known minimum, for every scene whose surface has known minima.

use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::optimizer::Optimizer;
use crate::picture::mark::{Rgb, INK};
use crate::picture::plot::{axis_range, log_axis_range, Recorder, TickFormat};
use crate::picture::{DrawError, Picture};
use crate::render::style;
use crate::scene::{Chart, Scene};
use crate::theory::{self, Method};
use crate::trajectory::Trajectory;

/// One chart's encoded files: (file-name suffix, bytes), e.g. (".loss.png", ...).
pub type ChartFiles = Vec<(String, Vec<u8>)>;

/// Tick labels, legends and notes relative to a chart's body text: 12.5 pixels per em at
/// 640 × 480.
const TICK: f64 = 0.93;

fn err<E: std::fmt::Debug>(e: E) -> DrawError {
    DrawError(format!("drawing a chart failed: {e:?}"))
}

/// Text for plotters at `size` (pixels per em, already multiplied by the chart's scale) in
/// colour `c`.
fn text_style(size: f64, c: Rgb) -> TextStyle<'static> {
    crate::picture::plot::scaled_text_style(size as f32, c, Pos::new(HPos::Left, VPos::Top))
}

/// `v` kept near an axis range `r`: within one span beyond either end. A line leaving the axis
/// still leaves the plot, and plotters' whole-pixel coordinates never overflow (a value 1e300
/// spans beyond a range of 1 is 1e300 pixels away).
fn near(r: &std::ops::Range<f64>, v: f64) -> f64 {
    let span = r.end - r.start;
    v.clamp(r.start - span, r.end + span)
}

/// The colour of run `i` in every chart: the animation's (see [`style::run_colours`]).
fn run_colour(scene: &Scene, i: usize) -> Rgb {
    style::run_colours(scene)
        .get(i)
        .copied()
        .unwrap_or(style::PALETTE[0])
}

/// The width of `text` at `size` (scaled pixels per em) in `scene`'s fonts, in scaled pixels.
fn text_width(scene: &Scene, text: &str, size: f64, scale: f64) -> f64 {
    f64::from(crate::render::fonts_for(scene).width(text, (size / scale) as f32)) * scale
}

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c[0], c[1], c[2])
}

/// The charts a scene asks for (`[draw] charts`), encoded: `<name><suffix>` files.
pub fn charts(scene: &Scene, trajectories: &[Trajectory]) -> Result<ChartFiles, DrawError> {
    let mut files = Vec::new();
    let fonts = crate::render::fonts_for(scene);
    let (w, h) = (scene.output.width, scene.output.height * 3 / 4);
    // Draws one chart with the same generic drawing call for both backends and files it as
    // `<suffix>.png` and `<suffix>.svg` (a closure cannot be generic over the backend).
    macro_rules! chart {
        ($suffix:literal, $height:expr, |$area:ident, $scale:ident| $draw:expr) => {{
            let (png, svg) = both(&fonts, w, $height, |$area, $scale| $draw)?;
            files.push((concat!($suffix, ".png").to_string(), png));
            files.push((concat!($suffix, ".svg").to_string(), svg));
        }};
    }
    let curvatures = scene.surface.quadratic_curvatures().filter(|c| c.0 > 0.0);
    if let (true, Some(c)) = (scene.draw.charts.contains(&Chart::Rate), curvatures) {
        // The curves are computed once for both backends.
        let curves = rate_curves(c);
        chart!(".rate", h, |area, scale| draw_rate(
            area, scale, scene, c, &curves
        ));
    }
    if let (true, Some(c)) = (scene.draw.charts.contains(&Chart::Stability), curvatures) {
        let grids = [
            stability_grid(Method::HeavyBall, c),
            stability_grid(Method::Nesterov, c),
        ];
        chart!(".stability", h, |area, scale| draw_stability(
            area, scale, scene, c, &grids
        ));
    }
    if scene.draw.charts.contains(&Chart::Damping) {
        let place = LegendPlace::new(&fonts);
        chart!(".damping", h, |area, scale| draw_damping(
            area,
            scale,
            scene,
            trajectories,
            &place
        ));
    }
    if scene.draw.charts.contains(&Chart::Ewma) {
        if let Some(series) = noisy_gradients(scene, trajectories) {
            let place = LegendPlace::new(&fonts);
            chart!(".ewma", h, |area, scale| draw_ewma(
                area, scale, scene, &series, &place
            ));
        }
    }
    if scene.draw.charts.contains(&Chart::Surface3d) {
        chart!(".surface3d", h * 4 / 3, |area, scale| draw_surface3d(
            area,
            scale,
            scene,
            trajectories
        ));
    }
    if !scene.draw.charts.contains(&Chart::Loss) {
        return Ok(files);
    }
    let place = LegendPlace::new(&fonts);
    if let Some(data) = LossData::new(scene, trajectories) {
        chart!(".loss", h, |area, scale| draw_loss(
            area, scale, scene, &data, &place
        ));
    } else {
        // No known minimum (a saddle, a formula without `minima`): the loss itself.
        chart!(".loss", h, |area, scale| draw_raw_loss(
            area,
            scale,
            scene,
            trajectories,
            &place
        ));
    }
    Ok(files)
}

/// A tick label of a log axis: powers of ten as `1e−5` (with a true minus, as the animations'
/// axes), other ticks (a range within a decade has them) as plain decimals from 0.001 to 9999.
fn log_tick(v: f64) -> String {
    let exp = v.abs().log10().floor();
    let mantissa = v / 10f64.powf(exp);
    let s = if (mantissa - 1.0).abs() > 1e-9 && (1e-3..1e4).contains(&v) {
        let digits = (2.0 - exp).clamp(0.0, 5.0) as usize;
        let s = format!("{v:.digits$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        format!("{v:.0e}")
    };
    s.replace('-', "−")
}

/// One row of a chart's legend: its label and the style of its sample line.
type LegendRow = (String, ShapeStyle);

/// The legend box every chart uses, in a corner of the chart's plotting area: translucent
/// white, a light border, a sample line and a label per row in `font_px` text. Sized by the
/// backend's own text measure, so it fits whatever fonts the scene draws with.
fn legend_box<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &ChartContext<'a, DB, CT>,
    scale: f64,
    font_px: f64,
    rows: &[LegendRow],
    corner: Corner,
) -> Result<(), DrawError> {
    if rows.is_empty() {
        return Ok(());
    }
    let area = chart.plotting_area().strip_coord_spec();
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let style = text_style(font_px, INK).pos(Pos::new(HPos::Left, VPos::Center));
    let mut text_w = 0;
    for (label, _) in rows {
        text_w = text_w.max(area.estimate_text_size(label, &style).map_err(err)?.0 as i32);
    }
    let px = |v: f64| (v * scale) as i32;
    let (pad, sample, gap) = (px(6.0), px(18.0), px(6.0));
    let row_h = (font_px * 1.45) as i32;
    let (box_w, box_h) = (
        pad + sample + gap + text_w + pad,
        pad + rows.len() as i32 * row_h + pad - px(2.0),
    );
    let margin = px(6.0);
    let (x0, y0) = match corner {
        Corner::UpperRight => (w - margin - box_w, margin),
        Corner::UpperLeft => (margin, margin),
        Corner::LowerRight => (w - margin - box_w, h - margin - box_h),
        Corner::LowerLeft => (margin, h - margin - box_h),
    };
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + box_w, y0 + box_h)],
        WHITE.mix(0.85).filled(),
    ))
    .map_err(err)?;
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + box_w, y0 + box_h)],
        RGBColor(200, 200, 200).stroke_width(scale as u32),
    ))
    .map_err(err)?;
    for (k, (label, line)) in rows.iter().enumerate() {
        let y = y0 + pad + k as i32 * row_h + row_h / 2 - px(1.0);
        area.draw(&PathElement::new(
            vec![(x0 + pad, y), (x0 + pad + sample, y)],
            *line,
        ))
        .map_err(err)?;
        area.draw(&Text::new(
            label.as_str(),
            (x0 + pad + sample + gap, y),
            style.clone(),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// A corner of a chart's plotting area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Corner {
    UpperRight,
    UpperLeft,
    LowerRight,
    LowerLeft,
}

impl Corner {
    const ALL: [Corner; 4] = [
        Corner::UpperRight,
        Corner::UpperLeft,
        Corner::LowerRight,
        Corner::LowerLeft,
    ];
}

/// The corner where a legend box `size` (fractions of the plotting area) covers the fewest
/// sample points of the lines (fractions, y up), upper right first among equals. Each segment
/// between consecutive points of a line is sampled eight times, so a steep stretch counts too.
fn emptiest_corner(lines: &[Vec<(f64, f64)>], size: (f64, f64)) -> Corner {
    let (w, h) = (size.0.min(1.0), size.1.min(1.0));
    let covered = |corner: Corner| {
        let (x0, y0) = match corner {
            Corner::UpperRight => (1.0 - w, 1.0 - h),
            Corner::UpperLeft => (0.0, 1.0 - h),
            Corner::LowerRight => (1.0 - w, 0.0),
            Corner::LowerLeft => (0.0, 0.0),
        };
        let inside = |(x, y): (f64, f64)| x >= x0 && x <= x0 + w && y >= y0 && y <= y0 + h;
        lines
            .iter()
            .flat_map(|line| line.windows(2))
            .flat_map(|seg| {
                (0..8).map(move |k| {
                    let t = f64::from(k) / 8.0;
                    (
                        seg[0].0 + t * (seg[1].0 - seg[0].0),
                        seg[0].1 + t * (seg[1].1 - seg[0].1),
                    )
                })
            })
            .filter(|p| inside(*p))
            .count()
    };
    Corner::ALL
        .into_iter()
        .min_by_key(|&c| covered(c))
        .unwrap_or(Corner::UpperRight)
}

/// A legend placed where it hides the least of the data: the corner is chosen by the first
/// backend to draw and kept for the other, so the PNG and the SVG agree.
struct LegendPlace {
    chosen: std::cell::Cell<Option<Corner>>,
    /// The fonts the legend's labels are measured in.
    fonts: std::sync::Arc<crate::text::Fonts>,
    /// Plotters units per pixel of the chart being drawn.
    scale: f64,
}

impl LegendPlace {
    fn new(fonts: &std::sync::Arc<crate::text::Fonts>) -> Self {
        LegendPlace {
            chosen: std::cell::Cell::new(None),
            fonts: fonts.clone(),
            scale: f64::from(crate::picture::plot::SCALE),
        }
    }

    /// The corner for a legend of `labels` in `font_px` text over a plotting area of
    /// `plot_px`, given the chart's lines in plot fractions.
    fn corner(
        &self,
        lines: &[Vec<(f64, f64)>],
        labels: &[&str],
        font_px: f64,
        plot_px: (u32, u32),
    ) -> Corner {
        if let Some(c) = self.chosen.get() {
            return c;
        }
        let widest = labels
            .iter()
            .map(|l| f64::from(self.fonts.width(l, (font_px / self.scale) as f32)) * self.scale)
            .fold(0.0, f64::max);
        // Swatch, gaps and border around the text; rows of about 1.5 lines each.
        let w = widest + font_px * 4.5;
        let h = labels.len() as f64 * font_px * 1.5 + font_px;
        let size = (
            w / f64::from(plot_px.0.max(1)),
            h / f64::from(plot_px.1.max(1)),
        );
        let c = emptiest_corner(lines, size);
        self.chosen.set(Some(c));
        c
    }

    /// Draws the chart's legend `rows`, in `font_px` text, in the corner it hides the least of
    /// `lines` (the chart's lines in plot fractions) in.
    fn draw<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
        &self,
        chart: &ChartContext<'a, DB, CT>,
        scale: f64,
        font_px: f64,
        lines: &[Vec<(f64, f64)>],
        rows: &[LegendRow],
    ) -> Result<(), DrawError> {
        let plot = chart.plotting_area().dim_in_pixel();
        let labels: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        let corner = self.corner(lines, &labels, font_px, plot);
        legend_box(chart, scale, font_px, rows, corner)
    }
}

/// Draws a chart (a function generic over plotters' backend, called once) into a `w × h`
/// picture through the recording backend, and encodes that one picture as PNG and as SVG, so
/// the two have the same content.
fn both<D>(
    fonts: &std::sync::Arc<crate::text::Fonts>,
    w: u32,
    h: u32,
    draw: D,
) -> Result<(Vec<u8>, Vec<u8>), DrawError>
where
    D: Fn(DrawingArea<Recorder, Shift>, f64) -> Result<(), DrawError>,
{
    let mut picture = Picture::new(w, h, fonts.clone());
    {
        let area = Recorder::new(&mut picture).into_drawing_area();
        draw(area, f64::from(crate::picture::plot::SCALE))?;
    }
    let pixmap = crate::picture::raster::paint(&picture)?;
    let png =
        crate::encode::png::encode(&pixmap, crate::encode::png::Content::Lines).map_err(err)?;
    let svg = crate::picture::svg::write(&picture, 0, &crate::encode::png::encode_image);
    Ok((png, svg.into_bytes()))
}

/// One run's series: f − f* and the distance to the nearest minimum, per step.
struct RunSeries {
    /// Its legend row, if it has one of its own (see [`Scene::legend_label`]).
    label: Option<String>,
    colour: Rgb,
    gap: Vec<f64>,
    distance: Vec<f64>,
}

struct LossData {
    runs: Vec<RunSeries>,
    steps: usize,
}

/// Values below this are drawn at this floor on the log axes (exact convergence is 0).
const FLOOR: f64 = 1e-16;

impl LossData {
    fn new(scene: &Scene, trajectories: &[Trajectory]) -> Option<LossData> {
        let minima = scene.surface.minima();
        let f_star = scene.surface.lowest_minimum()?;
        let runs = trajectories
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let gap: Vec<f64> = t.losses.iter().map(|f| (f - f_star).max(FLOOR)).collect();
                let dist: Vec<f64> = t
                    .positions
                    .iter()
                    .map(|p| {
                        minima
                            .iter()
                            .map(|m| ((p[0] - m[0]).powi(2) + (p[1] - m[1]).powi(2)).sqrt())
                            .fold(f64::INFINITY, f64::min)
                            .max(FLOOR)
                    })
                    .collect();
                RunSeries {
                    label: scene.legend_label(i).map(str::to_string),
                    colour: run_colour(scene, i),
                    gap,
                    distance: dist,
                }
            })
            .collect();
        Some(LossData {
            runs,
            steps: scene.output.steps,
        })
    }
}

fn draw_loss<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    data: &LossData,
    place: &LegendPlace,
) -> Result<(), DrawError> {
    let font = page(&root, scale, scene, "convergence")?;
    let body = under_title(&root, font, (0.5, 0.8));
    let panels = body.split_evenly((1, 2));
    let lo_hi = |pick: fn(&RunSeries) -> &[f64]| {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for r in &data.runs {
            for &v in pick(r) {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        let lo = lo.max(FLOOR);
        (lo / 2.0, (hi * 2.0).max(lo * 10.0))
    };
    let label_style = text_style(font * TICK, INK);
    let axis_style = text_style(font, INK);
    for (k, panel) in panels.iter().enumerate() {
        let (desc, range) = if k == 0 {
            ("f(θ) − f*", lo_hi(|r| &r.gap))
        } else {
            ("distance to the nearest minimum", lo_hi(|r| &r.distance))
        };
        let mut chart = ChartBuilder::on(panel)
            .margin((font * 0.6) as u32)
            .x_label_area_size((font * 2.6) as u32)
            .y_label_area_size((font * 4.2) as u32)
            .build_cartesian_2d(
                0f64..data.steps.max(1) as f64,
                log_axis_range(range.0, range.1).log_scale(),
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(225, 225, 225))
            .label_style(label_style.clone())
            .axis_desc_style(axis_style.clone())
            .x_desc("step")
            .y_desc(desc)
            .y_label_formatter(&|v| log_tick(*v))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .draw()
            .map_err(err)?;
        let mut rows: Vec<LegendRow> = Vec::new();
        for run in &data.runs {
            let values = if k == 0 { &run.gap } else { &run.distance };
            // A line ends where it reaches the floor (exact convergence, or below what f64
            // resolves) rather than running along the bottom as if it were a plateau there.
            let end = values
                .iter()
                .position(|&v| v <= FLOOR)
                .map_or(values.len(), |i| i + 1);
            let c = rgb(run.colour);
            chart
                .draw_series(LineSeries::new(
                    values[..end]
                        .iter()
                        .enumerate()
                        .map(|(i, &v)| (i as f64, v)),
                    c.stroke_width((2.0 * scale) as u32),
                ))
                .map_err(err)?;
            if let Some(label) = &run.label {
                rows.push((label.clone(), c.stroke_width((2.0 * scale) as u32)));
            }
        }
        if k == 0 {
            let (lo, hi) = (range.0.log10(), range.1.log10());
            let steps = data.steps.max(1) as f64;
            let lines: Vec<Vec<(f64, f64)>> = data
                .runs
                .iter()
                .map(|r| {
                    r.gap
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (i as f64 / steps, (v.log10() - lo) / (hi - lo)))
                        .collect()
                })
                .collect();
            place.draw(&chart, scale, font * TICK, &lines, &rows)?;
        }
    }
    root.present().map_err(err)?;
    Ok(())
}

/// The loss f(θ_t) against the step on a linear scale, one line per run: the convergence chart
/// of a surface with no known minimum, where f − f* has no f*.
fn draw_raw_loss<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    trajectories: &[Trajectory],
    place: &LegendPlace,
) -> Result<(), DrawError> {
    let font = page(&root, scale, scene, "loss")?;
    let body = under_title(&root, font, (0.5, 0.8));
    let (lo, hi) = trajectories
        .iter()
        .flat_map(|t| t.losses.iter().copied())
        .filter(|f| f.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), f| {
            (a.min(f), b.max(f))
        });
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let pad = ((hi - lo) * 0.05)
        .max(hi.abs().max(lo.abs()) * 1e-9)
        .max(1e-12);
    let (lo, hi) = (lo - pad, hi + pad);
    let label_style = text_style(font * TICK, INK);
    let y_range = axis_range(lo, hi);
    let mut chart = ChartBuilder::on(&body)
        .margin((font * 0.6) as u32)
        .x_label_area_size((font * 2.6) as u32)
        .y_label_area_size((font * 4.2) as u32)
        .build_cartesian_2d(0f64..scene.output.steps.max(1) as f64, y_range.clone())
        .map_err(err)?;
    let y_ticks = TickFormat::for_range(lo, hi);
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(225, 225, 225))
        .label_style(label_style.clone())
        .axis_desc_style(text_style(font, INK))
        .x_desc("step")
        .y_desc("f(θ)")
        .y_label_formatter(&|v| y_ticks.label(*v))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .draw()
        .map_err(err)?;
    let mut rows: Vec<LegendRow> = Vec::new();
    for (i, t) in trajectories.iter().enumerate() {
        let c = rgb(run_colour(scene, i));
        chart
            .draw_series(LineSeries::new(
                t.losses
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.is_finite())
                    .map(|(k, &f)| (k as f64, near(&y_range, f))),
                c.stroke_width((2.0 * scale) as u32),
            ))
            .map_err(err)?;
        if let Some(label) = scene.legend_label(i) {
            rows.push((label.to_string(), c.stroke_width((2.0 * scale) as u32)));
        }
    }
    let steps = scene.output.steps.max(1) as f64;
    let lines: Vec<Vec<(f64, f64)>> = trajectories
        .iter()
        .map(|t| {
            t.losses
                .iter()
                .enumerate()
                .filter(|(_, f)| f.is_finite())
                .map(|(k, f)| (k as f64 / steps, (f - lo) / (hi - lo)))
                .collect()
        })
        .collect();
    place.draw(&chart, scale, font * TICK, &lines, &rows)?;
    root.present().map_err(err)?;
    Ok(())
}

/// Where a run sits in theory's (lr, β) plane: its method and the lr of the equivalent
/// heavy-ball or Nesterov recurrence (the EMA form takes steps (1 − β) times smaller).
fn theory_point(o: &Optimizer) -> Option<(Method, f64, f64)> {
    o.theory().map(|t| (t.method, t.lr, t.beta))
}

/// The page under a chart's title: `font · 2.2` from the top, `font · 0.5` from the bottom,
/// and `font` times `sides` (left, right) from the sides.
fn under_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    font: f64,
    sides: (f64, f64),
) -> DrawingArea<DB, Shift> {
    root.margin(
        (font * 2.2) as u32,
        (font * 0.5) as u32,
        (font * sides.0) as u32,
        (font * sides.1) as u32,
    )
}

/// The chart's title and font size, on a white page; returns the font size.
fn page<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    what: &str,
) -> Result<f64, DrawError> {
    // The animation's text sizes, so a chart reads like the figure beside it.
    let (w, h) = (scene.output.width, scene.output.height);
    let font = f64::from(crate::picture::Sizes::for_canvas(w, h).font) * scale;
    root.fill(&WHITE).map_err(err)?;
    // The title shrinks to fit the page (never below the smallest text), then is shortened.
    let (w, _) = root.dim_in_pixel();
    let text = format!("{} — {what}", scene.title);
    let room = f64::from(w) - font;
    let natural = text_width(scene, &text, font * 1.25, scale);
    let min = f64::from(crate::picture::mark::MIN_FONT) * scale;
    let size = if natural > room {
        (font * 1.25 * room / natural).max(min.min(font * 1.25))
    } else {
        font * 1.25
    };
    let fonts = crate::render::fonts_for(scene);
    let text = crate::text::fit_text(&fonts, &text, (size / scale) as f32, (room / scale) as f32);
    let title = text_style(size, INK).pos(Pos::new(HPos::Center, VPos::Top));
    root.draw_text(&text, &title, (w as i32 / 2, (font * 0.5) as i32))
        .map_err(err)?;
    Ok(font)
}

/// The best convergence rate against β (over learning rates), for heavy ball and Nesterov, with
/// Polyak's β* and gradient descent's best rate; the scene's runs at their own (lr, β).
/// The best worst-case rate against β, for heavy ball and for Nesterov, β from 0 to 0.99.
fn rate_curves(c: (f64, f64)) -> [Vec<(f64, f64)>; 2] {
    [Method::HeavyBall, Method::Nesterov].map(|method| {
        (0..=198)
            .map(|i| {
                let b = f64::from(i) * 0.005;
                (b, theory::best_rate_for_beta(method, b, c).1.min(1.02))
            })
            .collect()
    })
}

fn draw_rate<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    c: (f64, f64),
    curves: &[Vec<(f64, f64)>; 2],
) -> Result<(), DrawError> {
    let font = page(&root, scale, scene, "rate against β")?;
    let body = under_title(&root, font, (0.8, 1.2));
    let mut chart = ChartBuilder::on(&body)
        .x_label_area_size((font * 2.6) as u32)
        .y_label_area_size((font * 4.2) as u32)
        .build_cartesian_2d(0f64..1f64, 0f64..1.02f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(225, 225, 225))
        .label_style(text_style(font * TICK, INK))
        .axis_desc_style(text_style(font, INK))
        .x_desc("β")
        .y_desc("worst-case convergence factor ρ (best lr)")
        .draw()
        .map_err(err)?;
    let width = (2.0 * scale) as u32;
    let (lr_star, beta_star, rate_star) = theory::optimal_heavy_ball(c);
    let gd = theory::optimal_gd(c).1;
    let grey = RGBColor(200, 200, 200);
    chart
        .draw_series(LineSeries::new(
            [(0.0, gd), (1.0, gd)],
            grey.stroke_width((scale) as u32),
        ))
        .map_err(err)?;
    let mut rows: Vec<LegendRow> = vec![(
        format!("GD's best rate {gd:.3}"),
        grey.stroke_width(scale as u32),
    )];
    // Theory in ink and grey; colours are kept for the scene's runs.
    for (points, name, colour) in [
        (&curves[0], "heavy ball", INK_RGB),
        (&curves[1], "Nesterov", RGBColor(150, 150, 150)),
    ] {
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                colour.stroke_width(width),
            ))
            .map_err(err)?;
        rows.push((name.to_string(), colour.stroke_width(width)));
    }
    chart
        .draw_series(LineSeries::new(
            [(beta_star, 0.0), (beta_star, 1.02)],
            RGBColor(200, 200, 200).stroke_width(scale as u32),
        ))
        .map_err(err)?;
    chart
        .draw_series(std::iter::once(Text::new(
            format!("β* = {beta_star:.3}, ρ* = {rate_star:.3}, lr* = {lr_star:.3}"),
            (beta_star, 0.05),
            text_style(font * TICK, INK).pos(Pos::new(HPos::Right, VPos::Bottom)),
        )))
        .map_err(err)?;
    for (i, run) in scene.runs.iter().enumerate() {
        if let Some((method, lr, beta)) = theory_point(&run.optimizer) {
            let r = theory::worst_rate(method, lr, beta, c).min(1.02);
            let colour = rgb(run_colour(scene, i));
            chart
                .draw_series(std::iter::once(Circle::new(
                    (beta, r),
                    (4.0 * scale) as i32,
                    colour.filled(),
                )))
                .map_err(err)?;
        }
    }
    legend_box(&chart, scale, font * TICK, &rows, Corner::LowerRight)?;
    root.present().map_err(err)?;
    Ok(())
}

/// The damping regime of a heavy-ball run along x, when the surface is a quadratic whose x axis
/// is a principal axis (so x moves on its own, as on f = ½λw²).
pub fn damping_regime(scene: &Scene, o: &Optimizer) -> Option<theory::Damping> {
    let (a, _) = scene.surface.axis_curvatures()?;
    match theory_point(o)? {
        (Method::HeavyBall, lr, beta) => Some(theory::damping(lr * a, beta, 1e-9 + 1e-3 * beta)),
        _ => None,
    }
}

/// Each run's x − x* against the step: w_t of the course's damping figure.
fn draw_damping<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    trajectories: &[Trajectory],
    place: &LegendPlace,
) -> Result<(), DrawError> {
    let font = page(&root, scale, scene, "damping")?;
    let x_star = scene.surface.minima().first().map_or(0.0, |m| m[0]);
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for t in trajectories {
        for p in &t.positions {
            lo = lo.min(p[0] - x_star);
            hi = hi.max(p[0] - x_star);
        }
    }
    let pad = ((hi - lo) * 0.08).max(1e-9);
    let y_range = axis_range(lo - pad, hi + pad);
    let body = under_title(&root, font, (0.8, 1.2));
    let mut chart = ChartBuilder::on(&body)
        .x_label_area_size((font * 2.6) as u32)
        .y_label_area_size((font * 4.2) as u32)
        .build_cartesian_2d(0f64..scene.output.steps.max(1) as f64, y_range.clone())
        .map_err(err)?;
    let y_ticks = TickFormat::for_range(lo - pad, hi + pad);
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(225, 225, 225))
        .label_style(text_style(font * TICK, INK))
        .axis_desc_style(text_style(font, INK))
        .x_desc("step")
        .y_desc("x − x*")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| y_ticks.label(*v))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            [
                (0.0, near(&y_range, 0.0)),
                (scene.output.steps as f64, near(&y_range, 0.0)),
            ],
            RGBColor(180, 180, 180).stroke_width(scale as u32),
        ))
        .map_err(err)?;
    let width = (2.0 * scale) as u32;
    let (y0, y1, steps) = (lo - pad, hi + pad, scene.output.steps.max(1) as f64);
    let mut lines = Vec::new();
    let mut rows: Vec<LegendRow> = Vec::new();
    for (i, (run, t)) in scene.runs.iter().zip(trajectories).enumerate() {
        let c = rgb(run_colour(scene, i));
        lines.push(
            t.positions
                .iter()
                .enumerate()
                .map(|(k, p)| (k as f64 / steps, (p[0] - x_star - y0) / (y1 - y0)))
                .collect::<Vec<_>>(),
        );
        let label = match damping_regime(scene, &run.optimizer) {
            Some(theory::Damping::Over) => format!("{}: over-damped", run.label),
            Some(theory::Damping::Critical) => format!("{}: critically damped", run.label),
            Some(theory::Damping::Under) => format!("{}: under-damped", run.label),
            None => run.label.clone(),
        };
        chart
            .draw_series(LineSeries::new(
                t.positions
                    .iter()
                    .enumerate()
                    .map(|(k, p)| (k as f64, near(&y_range, p[0] - x_star))),
                c.stroke_width(width),
            ))
            .map_err(err)?;
        rows.push((label, c.stroke_width(width)));
    }
    place.draw(&chart, scale, font * TICK, &lines, &rows)?;
    root.present().map_err(err)?;
    Ok(())
}

/// The x components of the noisy gradients the first noisy run used, step by step: the exact
/// gradient where it was taken plus the same seeded noise the run drew.
pub fn noisy_gradients(scene: &Scene, trajectories: &[Trajectory]) -> Option<(String, Vec<f64>)> {
    let (run, t) = scene
        .runs
        .iter()
        .zip(trajectories)
        .find(|(r, _)| r.noise.is_some())?;
    let n = run.noise?;
    let mut noise = crate::noise::GaussianNoise::new(n.std, n.seed);
    let xs = t
        .gradient_points
        .iter()
        .map(|p| {
            let g = scene.surface.gradient(*p);
            let (nx, _ny) = (noise.sample(), noise.sample());
            g[0] + nx
        })
        .collect();
    Some((run.label.clone(), xs))
}

/// The EWMA figure: the noisy series, and its moving averages for three β, plain (left) and
/// bias-corrected (right).
fn draw_ewma<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    series: &(String, Vec<f64>),
    place: &LegendPlace,
) -> Result<(), DrawError> {
    let font = page(&root, scale, scene, "moving averages of noisy gradients")?;
    let (label, xs) = series;
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.08).max(1e-9);
    let body = under_title(&root, font, (0.5, 0.8));
    let betas = [0.5, 0.9, 0.98];
    let colours = [style::PALETTE[4], style::PALETTE[1], style::PALETTE[3]];
    for (k, panel) in body.split_evenly((1, 2)).iter().enumerate() {
        let caption = if k == 0 {
            "vₜ = β·vₜ₋₁ + (1 − β)·gₜ"
        } else {
            "bias-corrected vₜ / (1 − βᵗ)"
        };
        let y_range = axis_range(lo - pad, hi + pad);
        let mut chart = ChartBuilder::on(panel)
            .margin((font * 0.6) as u32)
            .caption(caption, text_style(font * 0.9, INK))
            .x_label_area_size((font * 2.6) as u32)
            .y_label_area_size((font * 3.6) as u32)
            .build_cartesian_2d(0f64..xs.len().max(1) as f64, y_range.clone())
            .map_err(err)?;
        let y_ticks = TickFormat::for_range(lo - pad, hi + pad);
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(225, 225, 225))
            .label_style(text_style(font * TICK, INK))
            .axis_desc_style(text_style(font * 0.9, INK))
            .x_desc("step")
            .y_desc(format!("∂f/∂x seen by {label}"))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| y_ticks.label(*v))
            .draw()
            .map_err(err)?;
        let grey = RGBColor(170, 170, 170);
        // Every line of this panel in plot fractions, for the legend's place.
        let (y0, y1) = (lo - pad, hi + pad);
        let n = xs.len().max(1) as f64;
        let fractions = |v: &[f64]| -> Vec<(f64, f64)> {
            v.iter()
                .enumerate()
                .map(|(t, &x)| ((t + 1) as f64 / n, (x - y0) / (y1 - y0)))
                .collect()
        };
        let mut lines = vec![fractions(xs)];
        let mut rows: Vec<LegendRow> = vec![(
            "noisy gradient".to_string(),
            grey.stroke_width(scale as u32),
        )];
        chart
            .draw_series(LineSeries::new(
                xs.iter()
                    .enumerate()
                    .map(|(t, &x)| ((t + 1) as f64, near(&y_range, x))),
                grey.stroke_width(scale as u32),
            ))
            .map_err(err)?;
        for (beta, colour) in betas.iter().zip(colours) {
            let (plain, corrected) = theory::ewma(xs, *beta);
            let values = if k == 0 { plain } else { corrected };
            lines.push(fractions(&values));
            let c = rgb(colour);
            let width = (2.0 * scale) as u32;
            let label = format!("β = {beta}");
            chart
                .draw_series(LineSeries::new(
                    values
                        .iter()
                        .enumerate()
                        .map(|(t, &v)| ((t + 1) as f64, near(&y_range, v))),
                    c.stroke_width(width),
                ))
                .map_err(err)?;
            rows.push((label, c.stroke_width(width)));
        }
        if k == 1 {
            place.draw(&chart, scale, font * TICK, &lines, &rows)?;
        }
    }
    root.present().map_err(err)?;
    Ok(())
}

/// Grid points per side of the 3-D surface.
const SURFACE_GRID: usize = 32;

/// The surface seen from above at an angle, heights capped a little above the highest start
/// (so a steep rim does not flatten the valley), with every run's path drawn on it.
fn draw_surface3d<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    trajectories: &[Trajectory],
) -> Result<(), DrawError> {
    let font = page(&root, scale, scene, "the surface in 3-D")?;
    let win = scene.window;
    let f = |x: f64, y: f64| scene.surface.value([x, y]);
    let start_top = scene
        .runs
        .iter()
        .map(|r| f(r.start[0], r.start[1]))
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let xs: Vec<f64> = (0..=SURFACE_GRID)
        .map(|i| win.x.0 + win.width() * i as f64 / SURFACE_GRID as f64)
        .collect();
    let ys: Vec<f64> = (0..=SURFACE_GRID)
        .map(|i| win.y.0 + win.height() * i as f64 / SURFACE_GRID as f64)
        .collect();
    for &x in &xs {
        for &y in &ys {
            let v = f(x, y);
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    if !lo.is_finite() {
        return Ok(());
    }
    let cap = if start_top.is_finite() {
        (start_top + 0.25 * (start_top - lo))
            .min(hi)
            .max(lo + 1e-12)
    } else {
        hi.max(lo + 1e-12)
    };
    let clamp = move |v: f64| if v.is_finite() { v.clamp(lo, cap) } else { cap };
    let body = root.margin(
        (font * 2.0) as u32,
        (font * 0.5) as u32,
        (font * 0.5) as u32,
        (font * 0.5) as u32,
    );
    let mut chart = ChartBuilder::on(&body)
        .margin((font * 1.0) as u32)
        .build_cartesian_3d(
            axis_range(win.x.0, win.x.1),
            axis_range(lo, cap),
            axis_range(win.y.0, win.y.1),
        )
        .map_err(err)?;
    chart.with_projection(|mut p| {
        // From the low-x, low-y side and fairly high: the valley floors, where the paths run,
        // face the viewer (paths are drawn over the surface, so none may lie behind a wall).
        p.yaw = -0.6;
        p.pitch = 0.6;
        p.scale = 0.85;
        p.into_matrix()
    });
    let (x_name, y_name) = scene.surface.axis_names();
    let (x_ticks, y_ticks, f_ticks) = (
        TickFormat::for_range(win.x.0, win.x.1),
        TickFormat::for_range(win.y.0, win.y.1),
        TickFormat::for_range(lo, cap),
    );
    chart
        .configure_axes()
        .light_grid_style(RGBColor(235, 235, 235))
        .max_light_lines(2)
        .label_style(text_style(font * TICK, INK))
        .x_formatter(&|v| x_ticks.label(*v))
        .y_formatter(&|v| f_ticks.label(*v))
        .z_formatter(&|v| y_ticks.label(*v))
        .draw()
        .map_err(err)?;
    let span = cap - lo;
    // Where the surface rises above the cap it is cut flat: grey there, so a cut does not
    // pass for a plateau.
    // Opaque (a tenth of white mixed in), so neighbouring cells meet without seams.
    let pale = |c: Rgb| rgb(c.map(|v| ((u32::from(v) * 9 + 255) / 10) as u8)).filled();
    let style = move |v: &f64| {
        if *v >= cap && cap < hi {
            pale(crate::picture::mark::MASKED)
        } else {
            pale(style::band_colour((v - lo) / span))
        }
    };
    chart
        .draw_series(
            SurfaceSeries::xoz(xs.iter().copied(), ys.iter().copied(), move |x, y| {
                clamp(f(x, y))
            })
            .style_func(&style),
        )
        .map_err(err)?;
    let mut rows: Vec<LegendRow> = Vec::new();
    for (i, (t, run)) in trajectories.iter().zip(&scene.runs).enumerate() {
        let c = rgb(run_colour(scene, i));
        let path: Vec<(f64, f64, f64)> = t
            .positions
            .iter()
            .filter(|p| win.contains(**p))
            .map(|p| (p[0], clamp(f(p[0], p[1])), p[1]))
            .collect();
        let width = (2.0 * scale) as u32;
        chart
            .draw_series(LineSeries::new(path.clone(), c.stroke_width(width)))
            .map_err(err)?;
        rows.push((run.label.clone(), c.stroke_width(width)));
        if let Some(&first) = path.first() {
            // The start, as in the animation: a white ring.
            for style in [WHITE.filled(), INK_RGB.stroke_width(scale.max(1.0) as u32)] {
                chart
                    .draw_series(std::iter::once(Circle::new(
                        first,
                        (4.5 * scale) as i32,
                        style,
                    )))
                    .map_err(err)?;
            }
        }
        if let Some(&last) = path.last() {
            chart
                .draw_series(std::iter::once(Circle::new(
                    last,
                    (4.0 * scale) as i32,
                    c.filled(),
                )))
                .map_err(err)?;
        }
    }
    legend_box(&chart, scale, font * TICK, &rows, Corner::UpperLeft)?;
    root.draw_text(
        &format!("{x_name} left–right, f up, {y_name} in depth; ring: start; grey: cut off"),
        &text_style(font * TICK, INK).pos(Pos::new(HPos::Left, VPos::Bottom)),
        (
            (font * 0.8) as i32,
            root.dim_in_pixel().1 as i32 - (font * 0.5) as i32,
        ),
    )
    .map_err(err)?;
    root.present().map_err(err)?;
    Ok(())
}

const INK_RGB: RGBColor = RGBColor(INK[0], INK[1], INK[2]);

/// Cells per side of the stability map: fine enough that the bands' edges read as lines (at 40
/// they were staircases), and the SVG stays near 150 KB (one rectangle per run of equal cells).
pub const MAP_CELLS: usize = 100;

/// The stability map's learning-rate range: up to a little past heavy ball's largest stable step
/// at the largest β shown.
pub fn map_lr_max(c: (f64, f64)) -> f64 {
    1.1 * theory::max_stable_lr(Method::HeavyBall, 0.99, c.1)
}

/// The worst-case convergence factor at the centre of each map cell, rows by β (bottom up).
pub fn stability_grid(method: Method, c: (f64, f64)) -> Vec<Vec<f64>> {
    let lr_max = map_lr_max(c);
    (0..MAP_CELLS)
        .map(|j| {
            let beta = (j as f64 + 0.5) / MAP_CELLS as f64 * 0.99;
            (0..MAP_CELLS)
                .map(|i| {
                    let lr = (i as f64 + 0.5) / MAP_CELLS as f64 * lr_max;
                    theory::worst_rate(method, lr, beta, c)
                })
                .collect()
        })
        .collect()
}

/// Heavy ball and Nesterov side by side over (lr, β): colour is the worst-case convergence
/// factor ρ (grey where ρ ≥ 1), the theory's ρ = 1 bound drawn over it, the optimum and the
/// scene's runs marked.
fn draw_stability<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    c: (f64, f64),
    grids: &[Vec<Vec<f64>>; 2],
) -> Result<(), DrawError> {
    let font = page(&root, scale, scene, "where momentum converges")?;
    let body = root.margin(
        (font * 2.2) as u32,
        (font * 1.6) as u32,
        (font * 0.5) as u32,
        (font * 0.8) as u32,
    );
    let (_, h) = body.dim_in_pixel();
    let lr_max = map_lr_max(c);
    let cell_lr = lr_max / MAP_CELLS as f64;
    let cell_beta = 0.99 / MAP_CELLS as f64;
    let rho_min = grids
        .iter()
        .flatten()
        .flatten()
        .copied()
        .fold(1.0f64, f64::min)
        .min(0.99);
    // The key under the maps: the 12 bands as a colour bar from the best ρ to 1, the grey of
    // divergence, and what the line and the cross mean.
    {
        let small = font * 0.8;
        let y = (font * 2.2) as i32 + h as i32 + (font * 0.9) as i32;
        let (box_w, box_h) = ((font * 1.3) as i32, (font * 0.8) as i32);
        let text = |s: &str, x: i32| -> Result<i32, DrawError> {
            let style = text_style(small, INK).pos(Pos::new(HPos::Left, VPos::Center));
            root.draw_text(s, &style, (x, y)).map_err(err)?;
            Ok(x + text_width(scene, s, small, scale) as i32)
        };
        let swatch_box = |x: i32, c: Rgb| {
            root.draw(&Rectangle::new(
                [(x, y - box_h / 2), (x + box_w, y + box_h / 2)],
                rgb(c).filled(),
            ))
            .map_err(err)
        };
        let gap = (font * 0.5) as i32;
        let mut x = text("worst-case convergence factor ρ", (font * 0.8) as i32)? + gap;
        x = text(&format!("{rho_min:.2}"), x)? + gap / 2;
        for b in 0..12 {
            swatch_box(x, style::band_colour(f64::from(b) / 11.0))?;
            x += box_w;
        }
        x = text("1", x + gap / 2)? + gap * 2;
        swatch_box(x, crate::picture::mark::MASKED)?;
        x = text("diverges", x + box_w + gap / 2)? + gap * 2;
        text("line: ρ = 1 in theory   ×: fastest", x)?;
    }
    for (k, panel) in body.split_evenly((1, 2)).iter().enumerate() {
        let (method, name) = if k == 0 {
            (Method::HeavyBall, "heavy ball")
        } else {
            (Method::Nesterov, "Nesterov")
        };
        let mut chart = ChartBuilder::on(panel)
            .margin((font * 0.6) as u32)
            .caption(name, text_style(font, INK))
            .x_label_area_size((font * 2.6) as u32)
            .y_label_area_size((font * 3.4) as u32)
            .build_cartesian_2d(axis_range(0.0, lr_max), 0f64..0.99f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .label_style(text_style(font * TICK, INK))
            .axis_desc_style(text_style(font, INK))
            .x_desc("learning rate")
            .y_desc("β")
            .draw()
            .map_err(err)?;
        let grid = &grids[k];
        // ρ in 12 bands from the best ρ on either map to 1 (like contour bands), and each row's
        // run of equal bands as one rectangle: the map reads as bands and its SVG stays small.
        let band = |rho: f64| {
            if rho < 1.0 {
                let t = ((rho - rho_min) / (1.0 - rho_min)).clamp(0.0, 1.0);
                style::band_colour((t * 12.0).floor() / 11.0)
            } else {
                crate::picture::mark::MASKED
            }
        };
        let mut cells = Vec::new();
        for (j, row) in grid.iter().enumerate() {
            let mut start = 0;
            for i in 1..=row.len() {
                if i == row.len() || band(row[i]) != band(row[start]) {
                    let (x0, y0) = (start as f64 * cell_lr, j as f64 * cell_beta);
                    let x1 = i as f64 * cell_lr;
                    cells.push(Rectangle::new(
                        [(x0, y0), (x1, y0 + cell_beta)],
                        rgb(band(row[start])).filled(),
                    ));
                    start = i;
                }
            }
        }
        chart.draw_series(cells).map_err(err)?;
        let bound: Vec<(f64, f64)> = (0..=99)
            .map(|b| {
                let beta = f64::from(b) * 0.01;
                (
                    theory::max_stable_lr(method, beta, c.1).min(lr_max),
                    beta.min(0.99),
                )
            })
            .collect();
        chart
            .draw_series(LineSeries::new(
                bound,
                INK_RGB.stroke_width((1.5 * scale) as u32),
            ))
            .map_err(err)?;
        let best = if method == Method::HeavyBall {
            let (lr, beta, _) = theory::optimal_heavy_ball(c);
            (lr, beta)
        } else {
            let mut best = (0.0, 0.0, f64::INFINITY);
            for (j, row) in grid.iter().enumerate() {
                for (i, &rho) in row.iter().enumerate() {
                    if rho < best.2 {
                        best = (
                            (i as f64 + 0.5) * cell_lr,
                            (j as f64 + 0.5) * cell_beta,
                            rho,
                        );
                    }
                }
            }
            (best.0, best.1)
        };
        chart
            .draw_series(std::iter::once(Cross::new(
                best,
                (5.0 * scale) as i32,
                WHITE.stroke_width((2.0 * scale) as u32),
            )))
            .map_err(err)?;
        for (i, run) in scene.runs.iter().enumerate() {
            if let Some((m, lr, beta)) = theory_point(&run.optimizer) {
                if m == method && lr <= lr_max {
                    let colour = rgb(run_colour(scene, i));
                    chart
                        .draw_series(std::iter::once(Circle::new(
                            (lr, beta),
                            (4.5 * scale) as i32,
                            colour.filled(),
                        )))
                        .map_err(err)?;
                    chart
                        .draw_series(std::iter::once(Circle::new(
                            (lr, beta),
                            (4.5 * scale) as i32,
                            WHITE.stroke_width(scale as u32),
                        )))
                        .map_err(err)?;
                }
            }
        }
    }
    root.present().map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene(src: &str) -> Scene {
        Scene::from_toml(std::path::Path::new("t.toml"), src).unwrap()
    }

    #[test]
    fn log_ticks_are_powers_of_ten_or_plain_decimals_with_a_true_minus() {
        assert_eq!(log_tick(1e-5), "1e−5");
        assert_eq!(log_tick(1.0), "1e0");
        assert_eq!(log_tick(1e3), "1e3");
        assert_eq!(log_tick(2.0), "2");
        assert_eq!(log_tick(0.05), "0.05");
        assert_eq!(log_tick(300.0), "300");
        assert_eq!(log_tick(2e-5), "2e−5");
    }

    fn hex(c: Rgb) -> String {
        format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
    }

    /// The texts of an SVG the picture writer made (each line of text is a group labelled with
    /// it).
    fn texts(svg: &str) -> Vec<String> {
        svg.split("aria-label=\"")
            .skip(1)
            .filter_map(|t| t.split('"').next())
            .map(|t| {
                t.replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
            })
            .collect()
    }

    /// The number of points of each stroked path of colour `c`.
    fn stroked_paths(svg: &str, c: Rgb) -> Vec<usize> {
        let stroke = format!("stroke=\"{}\"", hex(c));
        svg.lines()
            .filter(|l| l.starts_with("<path d=\"M") && l.contains(&stroke))
            .filter_map(|l| l.split("d=\"").nth(1))
            .map(|d| {
                d.split('"')
                    .next()
                    .unwrap_or("")
                    .matches(['M', 'L'])
                    .count()
            })
            .collect()
    }

    /// The legend goes to the corner its box hides the least of the lines in.
    #[test]
    fn the_legend_takes_the_emptiest_corner() {
        // A line falling from the upper left to the lower right: the upper right is free.
        let falling = vec![(0.0, 1.0), (1.0, 0.0)];
        assert_eq!(emptiest_corner(&[falling], (0.3, 0.3)), Corner::UpperRight);
        // A flat line along the top and one along the bottom right: the lower left is free.
        let top = vec![(0.0, 0.95), (1.0, 0.95)];
        let bottom_right = vec![(0.6, 0.05), (1.0, 0.05)];
        assert_eq!(
            emptiest_corner(&[top.clone(), bottom_right], (0.4, 0.3)),
            Corner::LowerLeft
        );
        // Nothing anywhere: the upper right.
        assert_eq!(emptiest_corner(&[], (0.4, 0.3)), Corner::UpperRight);
        // The choice is made once and kept, whatever the second backend's pixel size.
        let place = LegendPlace::new(&crate::text::embedded());
        let first = place.corner(std::slice::from_ref(&top), &["a"], 10.0, (300, 200));
        assert_eq!(first, Corner::LowerRight);
        let again = place.corner(&[], &["a"], 20.0, (600, 400));
        assert_eq!(again, first);
    }

    /// A run that converges exactly (GD with lr ½ on x² + y² lands on the minimum in one step)
    /// ends its lines at the floor instead of running along the bottom.
    #[test]
    fn loss_lines_end_where_they_reach_the_floor() {
        let s = scene(
            "[output]\nsize = [320, 240]\nsteps = 20\n[surface]\nkind = \"bowl\"\n\
             [[start]]\nat = [1, 1]\n[[optimizer]]\nkind = \"gd\"\nlr = 0.5\n",
        );
        let t = crate::pipeline::trajectories(&s);
        assert_eq!(t[0].losses[1], 0.0, "exact convergence in one step");
        let files = charts(&s, &t).unwrap();
        let svg = String::from_utf8(files[1].1.clone()).unwrap();
        let lines = stroked_paths(&svg, run_colour(&s, 0));
        // f − f* and the distance, each from step 0 to step 1 (the legend swatch has 2 too).
        assert!(lines.len() >= 2, "{lines:?}");
        assert!(lines.iter().all(|&n| n == 2), "{lines:?}");
    }

    #[test]
    fn loss_charts_come_in_png_and_svg_with_every_run() {
        let s = scene(
            "title = \"T\"\n[output]\nsize = [320, 240]\nsteps = 30\n[surface]\nkind = \"quadratic\"\n[[start]]\nat = [2.5, -2]\n[[optimizer]]\nlabel = \"GD run\"\nkind = \"gd\"\nlr = 0.05\n[[optimizer]]\nlabel = \"Heavy ball\"\nkind = \"momentum\"\nlr = 0.05\n",
        );
        let t = crate::pipeline::trajectories(&s);
        let files = charts(&s, &t).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, [".loss.png", ".loss.svg"]);
        let svg = String::from_utf8(files[1].1.clone()).unwrap();
        assert!(
            svg.contains("GD run") && svg.contains("Heavy ball") && svg.contains("convergence")
        );
        let png = image::load_from_memory(&files[0].1).unwrap().to_rgb8();
        assert_eq!((png.width(), png.height()), (320, 180));
        // Both run colours are drawn; anti-aliasing leaves in-between shades too.
        let has = |c: Rgb| png.pixels().any(|p| p.0 == c);
        assert!(has(style::PALETTE[0]) && has(style::PALETTE[1]));
        let distinct: std::collections::BTreeSet<[u8; 3]> = png.pixels().map(|p| p.0).collect();
        assert!(distinct.len() > 50);
        // Deterministic.
        assert_eq!(charts(&s, &t).unwrap(), files);
    }

    /// The map's own ρ = 1 edge (the first cell of each row that diverges) is the textbook bound
    /// lr = 2(1 + β)/λ_max (heavy ball) and 2(1 + β)/((1 + 2β)·λ_max) (Nesterov), within a cell.
    #[test]
    fn the_stability_maps_edge_is_the_theory_bound_within_one_cell() {
        let c = (1.0, 25.0);
        let cell = map_lr_max(c) / MAP_CELLS as f64;
        for method in [Method::HeavyBall, Method::Nesterov] {
            for (j, row) in stability_grid(method, c).iter().enumerate() {
                let beta = (j as f64 + 0.5) / MAP_CELLS as f64 * 0.99;
                let bound = theory::max_stable_lr(method, beta, c.1);
                match row.iter().position(|&rho| rho >= 1.0) {
                    Some(i) => {
                        let edge = i as f64 * cell;
                        assert!(
                            (edge - bound).abs() <= cell,
                            "{method:?} β={beta}: edge {edge} vs {bound}"
                        );
                    }
                    None => assert!(bound >= map_lr_max(c) - cell, "{method:?} β={beta}"),
                }
            }
        }
    }

    #[test]
    fn asked_for_charts_are_drawn_and_need_a_quadratic() {
        let src = "[output]\nsize = [320, 240]\nsteps = 10\n[surface]\nkind = \"quadratic\"\nb = 25\n[draw]\ncharts = [\"rate\", \"stability\"]\n[[start]]\nat = [1, 1]\n[[optimizer]]\nkind = \"momentum\"\nlr = 0.05\n";
        let s = scene(src);
        let t = crate::pipeline::trajectories(&s);
        let files = charts(&s, &t).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            names,
            [".rate.png", ".rate.svg", ".stability.png", ".stability.svg"]
        );
        // The map's key: a colour bar of the 12 bands from the best ρ on either map (at Polyak's
        // optimum for κ = 25: (√25 − 1)/(√25 + 1) = 0.67, the grid's best within a cell) to 1.
        let svg = String::from_utf8(files[3].1.clone()).unwrap();
        assert!(svg.contains("diverges") && svg.contains("0.67"), "the key");
        for b in 0..12 {
            let c = style::band_colour(f64::from(b) / 11.0);
            let fill = format!("fill=\"{}\"", hex(c));
            assert!(svg.contains(&fill), "band {b} in the key");
        }
        let rosen = src.replace("kind = \"quadratic\"\nb = 25", "kind = \"rosenbrock\"");
        let e = Scene::from_toml(std::path::Path::new("t.toml"), &rosen).unwrap_err();
        assert_eq!(e.key, "draw.charts");
        assert!(e.message.contains("convex quadratic"), "{e}");
        let typo = src.replace("\"rate\"", "\"rates\"");
        let e = Scene::from_toml(std::path::Path::new("t.toml"), &typo).unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("did you mean `rate`?"));
    }

    /// The series the EWMA chart averages is exactly the noisy gradients the run stepped with:
    /// for gradient descent, g_k = (θ_k − θ_{k+1})/lr.
    #[test]
    fn the_ewma_series_is_the_gradient_the_run_used() {
        let src = "[output]\nsize = [320, 240]\nsteps = 25\n[surface]\nkind = \"quadratic\"\n[draw]\ncharts = [\"ewma\"]\n[[start]]\nat = [2, 1]\n[[optimizer]]\nkind = \"gd\"\nlr = 0.05\nnoise = { std = 2.0, seed = 5 }\n";
        let s = scene(src);
        let t = crate::pipeline::trajectories(&s);
        let (_, xs) = noisy_gradients(&s, &t).unwrap();
        assert_eq!(xs.len(), 25);
        for (k, g) in xs.iter().enumerate() {
            let used = (t[0].positions[k][0] - t[0].positions[k + 1][0]) / 0.05;
            assert!(
                (g - used).abs() < 1e-9 * (1.0 + used.abs()),
                "step {k}: {g} vs {used}"
            );
        }
        let names: Vec<String> = charts(&s, &t).unwrap().into_iter().map(|f| f.0).collect();
        assert_eq!(names, [".ewma.png", ".ewma.svg"]);
        let quiet = src.replace("\nnoise = { std = 2.0, seed = 5 }", "");
        let e = Scene::from_toml(std::path::Path::new("t.toml"), &quiet).unwrap_err();
        assert!(e.message.contains("needs a run with gradient noise"), "{e}");
    }

    #[test]
    fn the_3d_view_draws_the_surface_and_every_path() {
        let src = "[output]\nsize = [320, 240]\nsteps = 20\n[surface]\nkind = \"bowl\"\n[draw]\ncharts = [\"surface3d\"]\n[[start]]\nat = [2, 1]\n[[optimizer]]\nlabel = \"GD run\"\nkind = \"gd\"\nlr = 0.1\n[[optimizer]]\nkind = \"momentum\"\nlr = 0.05\n";
        let s = scene(src);
        let t = crate::pipeline::trajectories(&s);
        let files = charts(&s, &t).unwrap();
        assert_eq!(files[0].0, ".surface3d.png");
        let png = image::load_from_memory(&files[0].1).unwrap().to_rgb8();
        assert_eq!((png.width(), png.height()), (320, 240));
        let has = |c: Rgb| png.pixels().any(|p| p.0 == c);
        assert!(
            has(style::PALETTE[0]) && has(style::PALETTE[1]),
            "both paths are drawn"
        );
        let svg = String::from_utf8(files[1].1.clone()).unwrap();
        assert!(
            svg.lines()
                .filter(|l| l.starts_with("<path") && l.contains("Z\" fill="))
                .count()
                >= 32 * 32,
            "the surface is drawn as a mesh"
        );
        // The legend names both runs; the start is a white ring.
        assert!(
            svg.contains("GD run") && svg.contains("Momentum"),
            "a legend"
        );
        assert!(svg.contains("ring: start"));
        // The bowl rises above the cap (a quarter above the start's height): cut cells are grey.
        let grey = hex(crate::picture::mark::MASKED.map(|v| ((u32::from(v) * 9 + 255) / 10) as u8));
        assert!(svg.contains(&grey), "cut cells");
    }

    /// With no known minimum there is no f*: the loss chart shows f itself, one line per run,
    /// on a linear axis that holds every finite loss (a saddle's go below zero).
    #[test]
    fn surfaces_without_known_minima_get_a_chart_of_the_loss_itself() {
        let s = scene(
            "[output]\nsize = [320, 240]\nsteps = 30\n[surface]\nkind = \"saddle\"\n\
             [[start]]\nat = [1, 0.1]\n[[optimizer]]\nlabel = \"plain\"\nkind = \"gd\"\nlr = 0.05\n\
             [[optimizer]]\nlabel = \"heavy\"\nkind = \"momentum\"\nlr = 0.05\nbeta = 0.9\n",
        );
        let t = crate::pipeline::trajectories(&s);
        assert!(
            t[1].losses.last().unwrap() < &-1.0,
            "momentum leaves the saddle"
        );
        let files = charts(&s, &t).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, [".loss.png", ".loss.svg"]);
        let svg = String::from_utf8(files[1].1.clone()).unwrap();
        assert!(svg.contains("plain") && svg.contains("heavy") && svg.contains("f(θ)"));
        assert!(!svg.contains("f(θ) − f*"), "no f* to subtract");
        // Negative tick labels: the axis reaches the lowest loss.
        let negative = |l: &String| l.starts_with('−') && l[3..].parse::<f64>().is_ok();
        assert!(texts(&svg).iter().any(negative), "a negative tick label");
        let png = image::load_from_memory(&files[0].1).unwrap().to_rgb8();
        let has = |c: Rgb| png.pixels().any(|p| p.0 == c);
        assert!(has(style::PALETTE[0]) && has(style::PALETTE[1]));
    }
}
