//! Static charts beside the animation, drawn once with plotters into both an SVG and a PNG from
//! the same drawing code, so the two have identical content.
//!
//! The PNG is drawn at twice its size and averaged down 2×2 (plotters' wide strokes are not
//! anti-aliased; supersampling makes every line and glyph smooth). A new chart is a function
//! generic over plotters' `DrawingBackend` plus an entry in [`charts`].
//!
//! Charts now: `loss` — f(θ_t) − f* against step (log scale, one line per run) and the
//! distance to the nearest known minimum, for every scene whose surface has known minima.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::render::background::text_style;
use crate::render::style::{self, Rgb, INK};
use crate::render::RenderError;
use crate::scene::Scene;
use crate::trajectory::Trajectory;

/// One chart's encoded files: (file-name suffix, bytes), e.g. (".loss.png", ...).
pub type ChartFiles = Vec<(String, Vec<u8>)>;

fn err<E: std::fmt::Debug>(e: E) -> RenderError {
    RenderError(format!("drawing a chart failed: {e:?}"))
}

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c[0], c[1], c[2])
}

/// The charts a scene gets, encoded: `<name><suffix>` files.
pub fn charts(scene: &Scene, trajectories: &[Trajectory]) -> Result<ChartFiles, RenderError> {
    let mut files = Vec::new();
    if let Some(data) = LossData::new(scene, trajectories) {
        let (w, h) = (scene.output.width, scene.output.height * 3 / 4);
        let (png, svg) = both(
            w,
            h,
            |area, scale| draw_loss(area, scale, scene, &data),
            |area, scale| draw_loss(area, scale, scene, &data),
        )?;
        files.push((".loss.png".to_string(), png));
        files.push((".loss.svg".to_string(), svg));
    }
    Ok(files)
}

/// Draws the same chart into an SVG of `w × h` (`svg_draw`) and a PNG supersampled 2×
/// (`png_draw`); the two closures are the same generic drawing function, once per backend.
fn both<S, B>(w: u32, h: u32, svg_draw: S, png_draw: B) -> Result<(Vec<u8>, Vec<u8>), RenderError>
where
    S: Fn(DrawingArea<SVGBackend, Shift>, f64) -> Result<(), RenderError>,
    B: Fn(DrawingArea<BitMapBackend, Shift>, f64) -> Result<(), RenderError>,
{
    style::register_font();
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        svg_draw(area, 1.0)?;
    }
    let (bw, bh) = (w * 2, h * 2);
    let mut big = vec![255u8; (bw * bh * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut big, (bw, bh)).into_drawing_area();
        png_draw(area, 2.0)?;
    }
    let mut small = vec![0u8; (w * h * 3) as usize];
    for y in 0..h as usize {
        for x in 0..w as usize {
            for c in 0..3 {
                let at = |dx: usize, dy: usize| {
                    u32::from(big[((2 * y + dy) * bw as usize + 2 * x + dx) * 3 + c])
                };
                let sum = at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1);
                small[(y * w as usize + x) * 3 + c] = ((sum + 2) / 4) as u8;
            }
        }
    }
    let mut png = Vec::new();
    use image::ImageEncoder;
    // Mostly white with thin lines: fast compression costs little size here.
    image::codecs::png::PngEncoder::new_with_quality(
        &mut png,
        image::codecs::png::CompressionType::Default,
        image::codecs::png::FilterType::Sub,
    )
    .write_image(&small, w, h, image::ExtendedColorType::Rgb8)
    .map_err(err)?;
    Ok((png, svg.into_bytes()))
}

/// One run's series: f − f* and the distance to the nearest minimum, per step.
struct RunSeries {
    label: String,
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
        let f_star = minima
            .iter()
            .map(|&m| scene.surface.value(m))
            .fold(f64::INFINITY, f64::min);
        if !f_star.is_finite() {
            return None;
        }
        let runs = scene
            .runs
            .iter()
            .zip(trajectories)
            .enumerate()
            .map(|(i, (run, t))| {
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
                    label: run.label.clone(),
                    colour: style::run_colour(i),
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
) -> Result<(), RenderError> {
    let font = 13.0 * scale * f64::from(scene.output.height) / 480.0;
    root.fill(&WHITE).map_err(err)?;
    let title = text_style(font * 1.25, INK).pos(Pos::new(HPos::Center, VPos::Top));
    let (w, _) = root.dim_in_pixel();
    root.draw_text(
        &format!("{}: convergence", scene.title),
        &title,
        (w as i32 / 2, (font * 0.5) as i32),
    )
    .map_err(err)?;
    let body = root.margin(
        (font * 2.2) as u32,
        (font * 0.5) as u32,
        (font * 0.5) as u32,
        (font * 0.8) as u32,
    );
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
    let label_style = text_style(font * 0.85, INK);
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
                (range.0..range.1).log_scale(),
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
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .draw()
            .map_err(err)?;
        for run in &data.runs {
            let values = if k == 0 { &run.gap } else { &run.distance };
            let c = rgb(run.colour);
            let series = chart
                .draw_series(LineSeries::new(
                    values.iter().enumerate().map(|(i, &v)| (i as f64, v)),
                    c.stroke_width((2.0 * scale) as u32),
                ))
                .map_err(err)?;
            if k == 0 {
                let swatch = (16.0 * scale) as i32;
                series.label(run.label.as_str()).legend(move |(x, y)| {
                    PathElement::new(
                        vec![(x, y), (x + swatch, y)],
                        c.stroke_width((2.0 * scale) as u32),
                    )
                });
            }
        }
        if k == 0 {
            chart
                .configure_series_labels()
                .legend_area_size((24.0 * scale) as u32)
                .background_style(WHITE.mix(0.85))
                .border_style(RGBColor(200, 200, 200))
                .label_font(label_style.clone())
                .position(SeriesLabelPosition::UpperRight)
                .draw()
                .map_err(err)?;
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
        assert!(has(style::run_colour(0)) && has(style::run_colour(1)));
        let distinct: std::collections::BTreeSet<[u8; 3]> = png.pixels().map(|p| p.0).collect();
        assert!(distinct.len() > 50);
        // Deterministic.
        assert_eq!(charts(&s, &t).unwrap(), files);
    }

    #[test]
    fn surfaces_without_known_minima_get_no_loss_chart() {
        let s = scene(
            "[surface]\nkind = \"saddle\"\n[[start]]\nat = [1, 0.1]\n[[optimizer]]\nkind = \"gd\"\nlr = 0.05\n",
        );
        let t = crate::pipeline::trajectories(&s);
        assert!(charts(&s, &t).unwrap().is_empty());
    }
}
