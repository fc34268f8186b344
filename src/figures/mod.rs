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

mod damping;
mod ewma;
mod legend;
mod loss;
mod rate;
mod stability;
mod surface3d;
#[cfg(test)]
mod tests;

pub use damping::damping_regime;
use damping::*;
pub use ewma::noisy_gradients;
use ewma::*;
use legend::*;
use loss::*;
use rate::*;
use stability::*;
pub use stability::{map_lr_max, stability_grid, MAP_CELLS};
use surface3d::*;

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

/// The charts a scene asks for (`[draw] charts`), encoded: `<name><suffix>` files, a PNG and an
/// SVG of the same picture per chart.
pub fn charts(scene: &Scene, trajectories: &[Trajectory]) -> Result<ChartFiles, DrawError> {
    let mut files = Vec::new();
    for (suffix, picture) in chart_pictures(scene, trajectories)? {
        let (png, svg) = encode(&picture)?;
        files.push((format!("{suffix}.png"), png));
        files.push((format!("{suffix}.svg"), svg));
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
    let (w, h) = (scene.output.width, scene.output.height * 3 / 4);
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
        // Drawn into its picture directly (plotters draws its title only).
        files.push((
            ".surface3d",
            surface3d_picture(&fonts, w, h * 4 / 3, scene, trajectories)?,
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

/// A chart's picture encoded as PNG and as SVG: the same content in both.
fn encode(picture: &Picture) -> Result<(Vec<u8>, Vec<u8>), DrawError> {
    let pixmap = crate::picture::raster::paint(picture)?;
    let png =
        crate::encode::png::encode(&pixmap, crate::encode::png::Content::Lines).map_err(err)?;
    let svg = crate::picture::svg::write(picture, 0, &crate::encode::png::encode_image);
    Ok((png, svg.into_bytes()))
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

const INK_RGB: RGBColor = RGBColor(INK[0], INK[1], INK[2]);
