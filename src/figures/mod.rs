//! Static charts beside the animation: each chart is drawn once with plotters through the
//! recording backend into a [`Picture`], which the PNG painter and the SVG writer both read, so
//! the two files have the same content.
//!
//! A chart is one file here: a function generic over plotters' `DrawingBackend` plus an entry
//! in [`chart_pictures`]. What every chart shares lives in this file: the page and its title
//! (`page`), the axes (`Axes`: tick labels thinned until neighbours never touch, the y
//! title fitted to the plot's height), points drawn over the plot's edge (`point_at`), and
//! the legend (`legend`: placed where it hides no data).
//!
//! Charts now: `loss` (convergence, every scene with known minima; the loss itself otherwise),
//! `rate` and `stability` (momentum theory on a convex quadratic), `damping`, `ewma`, `lr`,
//! `step_length` and `surface3d`.

use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
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

mod damping;
mod ewma;
mod legend;
mod loss;
mod lr;
mod rate;
mod stability;
mod step_length;
mod surface3d;
#[cfg(test)]
mod tests;

pub use damping::damping_regime;
use damping::*;
pub use ewma::noisy_gradients;
use ewma::*;
use legend::*;
use loss::*;
use lr::*;
use rate::*;
use stability::*;
pub use stability::{map_lr_max, stability_grid, MAP_CELLS};
use step_length::draw_step_length;
pub use step_length::step_lengths;
use surface3d::*;

/// One chart's encoded files: (file-name suffix, bytes), e.g. (".loss.png", ...).
pub type ChartFiles = Vec<(String, Vec<u8>)>;

/// Tick labels, legends and notes relative to a chart's body text: 12.5 pixels per em at
/// 640 × 480.
const TICK: f64 = 0.93;

/// The size of a chart's small text (tick labels, legends, keys, notes) for body text `font`
/// (scaled pixels per em): [`TICK`] of it, never below the smallest text.
fn small(font: f64) -> f64 {
    (font * TICK)
        .max(f64::from(crate::picture::mark::MIN_FONT) * f64::from(crate::picture::plot::SCALE))
}

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

/// The charts a scene asks for (`[draw] charts`), encoded: `<name><suffix>` files, a PNG (when
/// `png`) and an SVG (when `svg`) of the same picture per chart.
pub fn charts(
    scene: &Scene,
    trajectories: &[Trajectory],
    png: bool,
    svg: bool,
) -> Result<ChartFiles, DrawError> {
    use rayon::prelude::*;
    let pictures = chart_pictures(scene, trajectories)?;
    // Each chart's PNG and SVG, in parallel, in order.
    let encoded: Vec<Result<ChartFiles, DrawError>> = pictures
        .par_iter()
        .map(|(suffix, picture)| {
            let (png, svg) = rayon::join(
                || png.then(|| encode_png(picture)).transpose(),
                || svg.then(|| encode_svg(picture)),
            );
            let mut files = Vec::new();
            if let Some(png) = png? {
                files.push((format!("{suffix}.png"), png));
            }
            if let Some(svg) = svg {
                files.push((format!("{suffix}.svg"), svg));
            }
            Ok(files)
        })
        .collect();
    let mut files = Vec::new();
    for chart in encoded {
        files.extend(chart?);
    }
    Ok(files)
}

/// The charts a scene asks for, as pictures: (file-name suffix such as ".loss", picture).
pub fn chart_pictures(
    scene: &Scene,
    trajectories: &[Trajectory],
) -> Result<Vec<(&'static str, Picture)>, DrawError> {
    let mut files = Vec::new();
    let fonts = crate::render::fonts_for(scene);
    // Three quarters of the animation's height, but never flatter than 20 : 9, so a chart of a
    // wide, short scene keeps a plot tall enough to read.
    let w = scene.output.width;
    let h = (scene.output.height * 3 / 4).max(w * 9 / 20);
    // Draws one chart through the recording backend into a picture filed under `suffix`.
    macro_rules! chart {
        ($suffix:literal, $height:expr, |$area:ident, $scale:ident| $draw:expr) => {{
            files.push(($suffix, record(&fonts, w, $height, |$area, $scale| $draw)?));
        }};
    }
    let curvatures = scene.surface.quadratic_curvatures().filter(|c| c.0 > 0.0);
    if let (true, Some(c)) = (scene.draw.charts.contains(&Chart::Rate), curvatures) {
        // The curves are computed once for both backends.
        let curves = rate_curves(c);
        let legend = Legend::new(&fonts);
        // Never flatter than 2 : 1: its legend carries five rows of theory besides the runs,
        // and the plot must stay tall enough for its y title.
        chart!(".rate", h.max(w / 2), |area, scale| draw_rate(
            area, scale, scene, c, &curves, &legend
        ));
    }
    if let (true, Some(c)) = (scene.draw.charts.contains(&Chart::Stability), curvatures) {
        let lr_max = map_lr_max(c, scene);
        let grids = [
            stability_grid(Method::HeavyBall, c, lr_max),
            stability_grid(Method::Nesterov, c, lr_max),
        ];
        let legend = Legend::new(&fonts);
        chart!(".stability", h, |area, scale| draw_stability(
            area, scale, scene, c, lr_max, &grids, &legend
        ));
    }
    if scene.draw.charts.contains(&Chart::Damping) {
        let place = Legend::new(&fonts);
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
            let place = Legend::new(&fonts);
            chart!(".ewma", h, |area, scale| draw_ewma(
                area, scale, scene, &series, &place
            ));
        }
    }
    if scene.draw.charts.contains(&Chart::Lr) {
        let legend = Legend::new(&fonts);
        chart!(".lr", h, |area, scale| draw_lr(
            area,
            scale,
            scene,
            trajectories,
            &legend
        ));
    }
    if scene.draw.charts.contains(&Chart::StepLength) {
        let legend = Legend::new(&fonts);
        chart!(".step_length", h, |area, scale| draw_step_length(
            area,
            scale,
            scene,
            trajectories,
            &legend
        ));
    }
    if scene.draw.charts.contains(&Chart::Surface3d) {
        // Drawn into its picture directly (plotters draws its title only).
        files.push((
            ".surface3d",
            surface3d_picture(&fonts, w, h * 4 / 3, scene, trajectories)?,
        ));
    }
    if !scene.draw.charts.contains(&Chart::Loss) {
        return Ok(files);
    }
    let place = Legend::new(&fonts);
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

/// Draws a chart (a function generic over plotters' backend) into a `w × h` picture through the
/// recording backend.
fn record<D>(
    fonts: &std::sync::Arc<crate::text::Fonts>,
    w: u32,
    h: u32,
    draw: D,
) -> Result<Picture, DrawError>
where
    D: Fn(DrawingArea<Recorder, Shift>, f64) -> Result<(), DrawError>,
{
    let mut picture = Picture::new(w, h, fonts.clone());
    {
        let area = Recorder::new(&mut picture).into_drawing_area();
        draw(area, f64::from(crate::picture::plot::SCALE))?;
    }
    Ok(picture)
}

/// A chart's picture encoded as PNG (its SVG, [`encode_svg`], has the same content).
fn encode_png(picture: &Picture) -> Result<Vec<u8>, DrawError> {
    let pixmap = crate::picture::raster::paint(picture)?;
    crate::encode::png::encode_owned_of(crate::encode::png::Content::Chart, pixmap).map_err(err)
}

/// A chart's picture encoded as SVG.
fn encode_svg(picture: &Picture) -> Vec<u8> {
    crate::picture::svg::write(picture, 0, &crate::encode::png::encode_image).into_bytes()
}

/// Where a run sits in theory's (lr, β) plane: its method and the lr of the equivalent
/// heavy-ball or Nesterov recurrence (the EMA form takes steps (1 − β) times smaller).
fn theory_point(o: &Optimizer) -> Option<(Method, f64, f64)> {
    o.theory().map(|t| (t.method, t.lr, t.beta))
}

/// The page under a chart's title: below the title, `font · 0.5` from the bottom, and `font`
/// times `sides` (left, right) from the sides.
fn under_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    page: &Page,
    sides: (f64, f64),
) -> DrawingArea<DB, Shift> {
    let font = page.font;
    root.margin(
        page.top as u32,
        (font * 0.5) as u32,
        (font * sides.0) as u32,
        (font * sides.1) as u32,
    )
}

/// A chart's page: its body text size and where the space under its title begins (scaled
/// pixels).
pub(super) struct Page {
    pub(super) font: f64,
    pub(super) top: f64,
}

/// The chart's title on a white page. The title shrinks a little to fit the page, then takes
/// two lines (see [`crate::text::title_lines`]); it is never cut at the page's edges.
fn page<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    what: &str,
) -> Result<Page, DrawError> {
    // The animation's text sizes, so a chart reads like the figure beside it.
    let (w, h) = (scene.output.width, scene.output.height);
    let font = f64::from(crate::picture::Sizes::for_canvas(w, h).font) * scale;
    root.fill(&WHITE).map_err(err)?;
    let (w, _) = root.dim_in_pixel();
    let text = format!("{} — {what}", scene.title);
    let room = (f64::from(w) - font) / scale;
    let min = f64::from(crate::picture::mark::MIN_FONT);
    let fonts = crate::render::fonts_for(scene);
    let (lines, size) = crate::text::title_lines(
        &fonts,
        &text,
        (font * 1.25 / scale) as f32,
        min as f32,
        room as f32,
    );
    let size = f64::from(size) * scale;
    let style = text_style(size, INK).pos(Pos::new(HPos::Center, VPos::Top));
    let line = (size * 1.2).round();
    let mut y = font * 0.5;
    for l in &lines {
        root.draw_text(l, &style, (w as i32 / 2, y as i32))
            .map_err(err)?;
        y += line;
    }
    // One line of title leaves `font · 2.2` above the body, as before titles could wrap.
    Ok(Page {
        font,
        top: (font * 2.2).max(y + font * 0.45),
    })
}

/// The plotting-area coordinates of a chart's point as backend coordinates of the whole page,
/// where markers are drawn unclipped: a dot at the plot's edge (β = 0, step 0) shows whole.
pub(super) fn point_at<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &ChartContext<'a, DB, CT>,
    at: &CT::From,
) -> (i32, i32) {
    chart.plotting_area().map_coordinate(at)
}

/// The room a panel's caption takes above its plot: a line of small text and a gap that keeps
/// it clear of the top tick label (half of which stands above the plot).
pub(super) fn caption_height(font: f64) -> f64 {
    small(font) * 2.2
}

/// Draws a panel's caption centred over the chart's plotting area, in the room
/// [`caption_height`] left above it; shortened only if it is wider than the panel.
pub(super) fn draw_caption<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    root: &DrawingArea<DB, Shift>,
    chart: &ChartContext<'a, DB, CT>,
    scene: &Scene,
    text: &str,
    font: f64,
    scale: f64,
) -> Result<(), DrawError> {
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let size = small(font);
    let fonts = crate::render::fonts_for(scene);
    // Over the plot, and over its label area too if it must, but never past the page's edge.
    let page_w = f64::from(root.dim_in_pixel().0);
    let room = f64::from(xr.end - xr.start) + size * 4.0;
    let text = crate::text::fit_text(&fonts, text, (size / scale) as f32, (room / scale) as f32);
    let half = text_width(scene, &text, size, scale) / 2.0;
    let pad = size * 0.5;
    let centre = f64::from(xr.start + xr.end) / 2.0;
    let centre = centre.min(page_w - pad - half).max(pad + half);
    let style = text_style(size, INK).pos(Pos::new(HPos::Center, VPos::Bottom));
    root.draw_text(
        &text,
        &style,
        (centre as i32, yr.start - (size * 0.8) as i32),
    )
    .map_err(err)
}

/// How a chart's axes are titled and labelled (see [`draw_axes`]).
pub(super) struct Axes<'a> {
    pub(super) x_title: &'a str,
    pub(super) y_title: &'a str,
    pub(super) x_label: &'a dyn Fn(f64) -> String,
    pub(super) y_label: &'a dyn Fn(f64) -> String,
    /// A light grid at the labelled ticks.
    pub(super) grid: bool,
}

/// The gap kept between neighbouring tick labels, in ems of the label text.
const LABEL_GAP: f64 = 0.6;

/// The most labels (at most 10) an axis `spec` of `length` scaled pixels can take without two
/// neighbours' boxes coming closer than [`LABEL_GAP`]: along x their widths, along y their
/// line heights, must fit between their centres.
fn label_count<R: Ranged<ValueType = f64>>(
    spec: &R,
    horizontal: bool,
    length: i32,
    size: f64,
    label: &dyn Fn(f64) -> String,
    measure: &dyn Fn(&str) -> f64,
) -> usize {
    for n in (2..=10).rev() {
        let mut at: Vec<(i32, f64)> = spec
            .key_points(n)
            .into_iter()
            .map(|v| {
                let extent = if horizontal {
                    measure(&label(v))
                } else {
                    size * 1.2
                };
                (spec.map(&v, (0, length)), extent)
            })
            .collect();
        at.sort_by_key(|a| a.0);
        let apart = at.windows(2).all(|w| {
            f64::from(w[1].0 - w[0].0).abs() >= (w[0].1 + w[1].1) / 2.0 + size * LABEL_GAP
        });
        if apart {
            return n;
        }
    }
    1
}

/// The width of the label area left of a y axis `spec`: its widest tick label, a gap, and a
/// line for the axis title.
pub(super) fn y_label_area<R: Ranged<ValueType = f64>>(
    scene: &Scene,
    spec: &R,
    label: &dyn Fn(f64) -> String,
    font: f64,
    scale: f64,
) -> f64 {
    let widest = spec
        .key_points(10)
        .into_iter()
        .map(|v| text_width(scene, &label(v), small(font), scale))
        .fold(0.0, f64::max);
    widest + font * 2.1
}

/// [`y_label_area`] for a linear range.
pub(super) fn y_label_area_linear(
    scene: &Scene,
    range: &std::ops::Range<f64>,
    label: &dyn Fn(f64) -> String,
    font: f64,
    scale: f64,
) -> f64 {
    let spec: RangedCoordf64 = range.clone().into();
    y_label_area(scene, &spec, label, font, scale)
}

/// Draws a chart's axes the same way in every chart: tick labels at `font · TICK`, as many as
/// fit apart (see [`label_count`]); the x title under the labels; the y title turned along
/// the plot, shrunk to the plot's height (never below the smallest text) and shortened only
/// past that; a light grid if asked for.
pub(super) fn draw_axes<'c, DB, X, Y>(
    chart: &mut ChartContext<'c, DB, plotters::coord::cartesian::Cartesian2d<X, Y>>,
    root: &DrawingArea<DB, Shift>,
    scene: &Scene,
    font: f64,
    scale: f64,
    axes: &Axes,
) -> Result<(), DrawError>
where
    DB: DrawingBackend + 'c,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let label_size = small(font);
    let measure = |s: &str| text_width(scene, s, label_size, scale);
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let (x0, x1, y0, y1) = (xr.start, xr.end, yr.start, yr.end);
    let spec = chart.as_coord_spec();
    let nx = label_count(
        spec.x_spec(),
        true,
        x1 - x0,
        label_size,
        axes.x_label,
        &measure,
    );
    let ny = label_count(
        spec.y_spec(),
        false,
        y1 - y0,
        label_size,
        axes.y_label,
        &measure,
    );
    let y_widest = spec
        .y_spec()
        .key_points(ny)
        .into_iter()
        .map(|v| measure(&(axes.y_label)(v)))
        .fold(0.0, f64::max);
    {
        let mut mesh = chart.configure_mesh();
        if axes.grid {
            mesh.light_line_style(TRANSPARENT)
                .bold_line_style(RGBColor(225, 225, 225));
        } else {
            mesh.disable_mesh();
        }
        mesh.label_style(text_style(label_size, INK))
            .axis_desc_style(text_style(font, INK))
            .x_desc(axes.x_title)
            .x_labels(nx)
            .y_labels(ny)
            .x_label_formatter(&|v| (axes.x_label)(*v))
            .y_label_formatter(&|v| (axes.y_label)(*v))
            .draw()
            .map_err(err)?;
    }
    if axes.y_title.is_empty() {
        return Ok(());
    }
    // The y title: left of the widest tick label, centred on the plot, fitted to its height.
    let fonts = crate::render::fonts_for(scene);
    let room = f64::from(y1 - y0) / scale;
    let natural = f64::from(fonts.width(axes.y_title, (font / scale) as f32));
    let min = f64::from(crate::picture::mark::MIN_FONT).min(font / scale);
    let size = if natural > room {
        (font / scale * room / natural).max(min)
    } else {
        font / scale
    };
    let text = crate::text::fit_text(&fonts, axes.y_title, size as f32, room as f32);
    let style = text_style(size * scale, INK)
        .pos(Pos::new(HPos::Center, VPos::Bottom))
        .transform(FontTransform::Rotate270);
    // Plotters draws tick labels a third of an em from the tick, ticks an em long at most.
    let x = f64::from(x0) - y_widest - font * 0.9;
    root.draw_text(&text, &style, (x as i32, (y0 + y1) / 2))
        .map_err(err)?;
    Ok(())
}

const INK_RGB: RGBColor = RGBColor(INK[0], INK[1], INK[2]);

/// The legend rows of a run-lines chart: each run its legend names, a line in its colour.
fn run_rows(scene: &Scene, runs: usize, width: u32) -> Vec<LegendRow> {
    (0..runs)
        .filter_map(|i| {
            let label = scene.legend_label(i)?;
            Some((
                label.to_string(),
                Swatch::Line(rgb(run_colour(scene, i)).stroke_width(width)),
            ))
        })
        .collect()
}

/// The stroke width of a run's line on a chart.
fn run_line_width(scale: f64) -> u32 {
    (2.0 * scale) as u32
}

/// A chart of one line per run against the step, in the runs' colours, with a legend that never
/// covers the lines: what the lr, step-length and damping charts share. `series` are the points
/// of each run, `rows` the legend; y spans `y0..y1` (grown for a legend that needs room), and a
/// point above it is drawn at the top's edge. `baseline`, if any, is a grey level line under
/// the runs (the damping chart's x − x* = 0).
#[allow(clippy::too_many_arguments)]
fn run_lines_chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    page: &Page,
    scale: f64,
    scene: &Scene,
    legend: &Legend,
    series: &[Vec<(f64, f64)>],
    rows: &[LegendRow],
    (y0, y1): (f64, f64),
    y_title: &str,
    baseline: Option<f64>,
) -> Result<(), DrawError> {
    let font = page.font;
    let steps = scene.output.steps.max(1) as f64;
    let width = run_line_width(scale);
    let lines: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|s| {
            s.iter()
                .map(|&(x, y)| (x / steps, ((y - y0) / (y1 - y0)).min(2.0)))
                .collect()
        })
        .collect();
    let body = under_title(root, page, (0.8, 1.2));
    let x_area = font * 2.6;
    let y_ticks = TickFormat::for_range(y0, y1);
    let label = |v: f64| y_ticks.label(v);
    let y_area = y_label_area_linear(scene, &axis_range(y0, y1), &label, font, scale);
    let plot = plot_size(body.dim_in_pixel(), 0.0, 0.0, x_area, y_area);
    let plan = legend.plan(&lines, rows, small(font), plot);
    let (body, band) = reserve(body, &plan, legend, rows, small(font));
    let (y0, y1) = plan.grow_linear(y0, y1);
    let y_range = axis_range(y0, y1);
    let mut chart = ChartBuilder::on(&body)
        .x_label_area_size(x_area as u32)
        .y_label_area_size(y_area as u32)
        .build_cartesian_2d(0f64..steps, y_range.clone())
        .map_err(err)?;
    draw_axes(
        &mut chart,
        root,
        scene,
        font,
        scale,
        &Axes {
            x_title: "step",
            y_title,
            x_label: &|v| format!("{v:.0}"),
            y_label: &label,
            grid: true,
        },
    )?;
    if let Some(level) = baseline {
        chart
            .draw_series(LineSeries::new(
                [
                    (0.0, near(&y_range, level)),
                    (scene.output.steps as f64, near(&y_range, level)),
                ],
                RGBColor(180, 180, 180).stroke_width(scale as u32),
            ))
            .map_err(err)?;
    }
    for (i, s) in series.iter().enumerate() {
        chart
            .draw_series(LineSeries::new(
                s.iter()
                    .filter(|p| p.1.is_finite())
                    .map(|&(x, y)| (x, near(&y_range, y))),
                rgb(run_colour(scene, i)).stroke_width(width),
            ))
            .map_err(err)?;
    }
    if !plan.below {
        legend_box(&chart, scale, small(font), rows, plan.corner)?;
    }
    if let Some((band, top)) = band {
        band.draw(root, top, scale)?;
    }
    root.present().map_err(err)?;
    Ok(())
}
