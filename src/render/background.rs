//! The static background of a figure, drawn once per scene: the surface as filled contour bands
//! with anti-aliased contour lines, axes, ticks, title and the legend, but nothing that moves.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rayon::prelude::*;
use tiny_skia::{Pixmap, Transform};

use super::paint::{self, IRect};
use super::style::{self, band_colour, Rgb, FONT, INK, MASKED, MUTED, WHITE};
use super::{Layout, LegendEntry, RenderError};
use crate::scene::{ContourScale, Scene};
use crate::surface::Surface;

/// How contour levels were chosen for a scene, in "level coordinates" h(f): h = f (linear) or
/// h = ln(f − f_lo + δ) (log), levels evenly spaced in h.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levels {
    pub log: bool,
    pub f_lo: f64,
    pub f_hi: f64,
    delta: f64,
    h_lo: f64,
    step: f64,
    count: usize,
}

impl Levels {
    /// Chooses levels from the finite values seen over the window.
    pub fn choose(values: &[f64], count: usize, scale: ContourScale) -> Levels {
        let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if finite.is_empty() {
            finite.push(0.0);
        }
        let f_lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
        let f_hi = finite
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
            .max(f_lo + 1e-12);
        let tenth = finite.len() / 10;
        let p10 = *finite.select_nth_unstable_by(tenth, f64::total_cmp).1;
        // "Spans decades": the top of the window is far above where most of the low region is.
        let log = match scale {
            ContourScale::Log => true,
            ContourScale::Linear => false,
            ContourScale::Auto => (f_hi - f_lo) > 100.0 * (p10 - f_lo),
        };
        let delta = (f_hi - f_lo) * 1e-4;
        let mut levels = Levels {
            log,
            f_lo,
            f_hi,
            delta,
            h_lo: 0.0,
            step: 1.0,
            count,
        };
        let (h_lo, h_hi) = (levels.h(f_lo), levels.h(f_hi));
        levels.h_lo = h_lo;
        levels.step = (h_hi - h_lo) / count as f64;
        levels
    }

    /// The level coordinate of f, and dh/df.
    fn h_and_slope(&self, f: f64) -> (f64, f64) {
        if self.log {
            let s = (f - self.f_lo).max(0.0) + self.delta;
            (s.ln(), 1.0 / s)
        } else {
            (f, 1.0)
        }
    }

    fn h(&self, f: f64) -> f64 {
        self.h_and_slope(f).0
    }

    /// The band of f: 0 (lowest) ..= count − 1.
    pub fn band(&self, f: f64) -> usize {
        let b = ((self.h(f) - self.h_lo) / self.step).floor();
        b.clamp(0.0, (self.count - 1) as f64) as usize
    }
}

/// Line strength of contour lines (alpha of ink at full coverage).
const CONTOUR_ALPHA: f64 = 0.32;

/// Draws the filled bands and contour lines into every panel of `rgb` (row-major RGB). The
/// panels are the same size, so the surface is computed once, values and gradients at pixel
/// centres, rows in parallel, and copied into each.
pub fn draw_surface(
    rgb: &mut [u8],
    layout: &Layout,
    surface: &Surface,
    levels_count: usize,
    scale: ContourScale,
) -> Levels {
    let first = layout.panels[0].rect;
    let (pw, ph) = (first.width() as usize, first.height() as usize);
    let w = layout.width as usize;
    // Data units per pixel along each axis.
    let sx = layout.window.width() / pw as f64;
    let sy = layout.window.height() / ph as f64;
    // Levels come from the values on every other pixel of every other row: a quarter of the
    // evaluations, and the bands are clamped at both ends anyway.
    let values: Vec<f64> = (0..ph)
        .into_par_iter()
        .step_by(2)
        .flat_map_iter(|row| {
            let y = layout.window.y.1 - (row as f64 + 0.5) * sy;
            (0..pw).step_by(2).map(move |col| {
                let x = layout.window.x.0 + (col as f64 + 0.5) * sx;
                surface.value([x, y])
            })
        })
        .collect();
    let levels = Levels::choose(&values, levels_count, scale);
    let colours: Vec<Rgb> = (0..levels.count)
        .map(|b| band_colour(b as f64 / (levels.count - 1).max(1) as f64))
        .collect();
    let row_bytes = pw * 3;
    let mut plot_rgb = vec![0u8; row_bytes * ph];
    plot_rgb
        .par_chunks_mut(row_bytes)
        .enumerate()
        .for_each(|(row, out)| {
            let y = layout.window.y.1 - (row as f64 + 0.5) * sy;
            for (col, px) in out.chunks_exact_mut(3).enumerate() {
                let x = layout.window.x.0 + (col as f64 + 0.5) * sx;
                let (f, gx, gy) = surface.value_and_gradient([x, y]);
                if !f.is_finite() {
                    px.copy_from_slice(&MASKED);
                    continue;
                }
                let band = levels.band(f);
                let mut c = colours[band];
                let (h, slope) = levels.h_and_slope(f);
                let grad_px = slope * ((gx * sx).powi(2) + (gy * sy).powi(2)).sqrt();
                if grad_px.is_finite() && grad_px > 0.0 {
                    let t = (h - levels.h_lo) / levels.step;
                    // t ≥ 0 here, so adding ½ and truncating rounds (and inlines, unlike round).
                    let nearest = (t + 0.5) as i64 as f64;
                    if nearest >= 1.0 && nearest <= (levels.count - 1) as f64 {
                        let d_px = (t - nearest).abs() * levels.step / grad_px;
                        // Quantized coverage keeps the background to a few colours per band, all
                        // exact in a GIF palette.
                        let coverage =
                            f64::from(super::paint::quantize_coverage((1.0 - d_px) as f32));
                        let a = CONTOUR_ALPHA * coverage;
                        for k in 0..3 {
                            c[k] =
                                (f64::from(c[k]) * (1.0 - a) + f64::from(INK[k]) * a + 0.5) as u8;
                        }
                    }
                }
                px.copy_from_slice(&c);
            }
        });
    for panel in &layout.panels {
        let r = panel.rect;
        for row in 0..ph {
            let dst = ((r.y0 as usize + row) * w + r.x0 as usize) * 3;
            rgb[dst..dst + row_bytes]
                .copy_from_slice(&plot_rgb[row * row_bytes..(row + 1) * row_bytes]);
        }
    }
    levels
}

/// How one axis labels its ticks: enough digits to tell neighbouring ticks apart, scientific
/// notation for very large or small values, and, when the window is tiny next to its distance
/// from zero (x ∈ [1e9, 1e9 + 10]), labels relative to an offset that the axis title shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TickFormat {
    /// Subtracted from every tick; 0 when labels are absolute.
    pub offset: f64,
    /// The tick spacing is about this (plotters picks ~7 "nice" ticks).
    step: f64,
}

impl TickFormat {
    pub fn for_range(lo: f64, hi: f64) -> Self {
        let span = (hi - lo).abs().max(f64::MIN_POSITIVE);
        let step = span / 7.0;
        let magnitude = lo.abs().max(hi.abs());
        let offset = if magnitude / span > 1e4 {
            // A round number at or below the window, at the scale of the window.
            let unit = 10f64.powf(span.log10().ceil());
            (lo.min(hi) / unit).floor() * unit
        } else {
            0.0
        };
        TickFormat { offset, step }
    }

    /// The label of the tick at `v`.
    pub fn label(&self, v: f64) -> String {
        let v = v - self.offset;
        // Ticks a hundred-thousandth of a step from zero are zero (rounding in the tick maths).
        let v = if v.abs() < self.step * 1e-5 { 0.0 } else { v };
        let digits_after_point = (-self.step.log10().floor()).max(0.0) as usize + 1;
        let s = if v != 0.0 && (v.abs() >= 1e5 || v.abs() < 1e-3) {
            // Significant digits enough to tell ticks one step apart.
            let sig = ((v.abs() / self.step).log10().ceil().max(0.0) as usize + 1).min(15);
            let s = format!("{v:.prec$e}", prec = sig.saturating_sub(1).max(1));
            let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
            let mantissa = if mantissa.contains('.') {
                mantissa.trim_end_matches('0').trim_end_matches('.')
            } else {
                mantissa
            };
            format!("{mantissa}e{exp}")
        } else {
            let s = format!("{v:.prec$}", prec = digits_after_point.min(12));
            if s.contains('.') {
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                s
            }
        };
        s.replace('-', "−")
    }

    /// The axis title: the name, with the offset when labels are relative.
    pub fn axis_title(&self, name: &str) -> String {
        if self.offset == 0.0 {
            name.to_string()
        } else {
            let o = TickFormat {
                offset: 0.0,
                step: self.offset.abs() / 1e3,
            };
            let sign = if self.offset < 0.0 { "+" } else { "−" };
            format!("{name} {sign} {}", o.label(self.offset.abs()))
        }
    }
}

fn plotters_error<E: std::fmt::Debug>(e: E) -> RenderError {
    RenderError(format!("drawing the figure failed: {e:?}"))
}

/// Text in the embedded font at `size` pixels, in colour `c`.
pub(crate) fn text_style(size: f64, c: Rgb) -> TextStyle<'static> {
    TextStyle {
        font: (FONT, size).into_font(),
        color: colour(c).to_backend_color(),
        pos: Pos::new(HPos::Left, VPos::Top),
    }
}

fn colour(c: Rgb) -> RGBColor {
    RGBColor(c[0], c[1], c[2])
}

/// Everything of the figure plotters draws, for any backend (the PNG's bitmap, the SVG): the
/// title, each panel's axes with ticks and labels, the panel titles, the legend text and the
/// inset's labels. Swatches, markers and paths are drawn by the caller.
pub(crate) fn draw_furniture<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    scene: &Scene,
    layout: &Layout,
    legend: &[LegendEntry],
) -> Result<(), RenderError> {
    let sizes = layout.sizes;
    let text = |size: f64, c: Rgb| text_style(size, c);
    // Title, centred over the plot.
    let title_style = text(sizes.title_font, INK).pos(Pos::new(HPos::Center, VPos::Center));
    root.draw_text(
        &scene.title,
        &title_style,
        ((layout.plot.x0 + layout.plot.x1) / 2, layout.title_y),
    )
    .map_err(plotters_error)?;
    // Axes, ticks and labels, over exactly the panel rectangles the layout chose; small
    // multiples share their axes, so only the outer panels carry tick labels.
    let win = layout.window;
    let (x_name, y_name) = scene.surface.axis_names();
    let x_ticks = TickFormat::for_range(win.x.0, win.x.1);
    let y_ticks = TickFormat::for_range(win.y.0, win.y.1);
    let (x_name, y_name) = (x_ticks.axis_title(x_name), y_ticks.axis_title(y_name));
    for panel in &layout.panels {
        let r = panel.rect;
        let x_area = if panel.x_ticks {
            layout.x_label_area
        } else {
            0
        };
        let y_area = if panel.y_ticks {
            layout.y_label_area
        } else {
            0
        };
        let chart_area = root.clone().shrink(
            (r.x0 - y_area, r.y0),
            (
                (r.width() as i32 + y_area) as u32,
                (r.height() as i32 + x_area) as u32,
            ),
        );
        let mut chart = ChartBuilder::on(&chart_area)
            .x_label_area_size(x_area)
            .y_label_area_size(y_area)
            .build_cartesian_2d(win.x.0..win.x.1, win.y.0..win.y.1)
            .map_err(plotters_error)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(if panel.x_ticks { 7 } else { 0 })
            .y_labels(if panel.y_ticks { 7 } else { 0 })
            .x_label_formatter(&|v| x_ticks.label(*v))
            .y_label_formatter(&|v| y_ticks.label(*v))
            .label_style(text(sizes.font * 0.9, INK))
            .axis_desc_style(text(sizes.font, INK))
            .axis_style(colour(INK))
            .x_desc(if panel.x_ticks { x_name.as_str() } else { "" })
            .y_desc(if panel.y_ticks { y_name.as_str() } else { "" })
            .draw()
            .map_err(plotters_error)?;
        if let Some(title) = &panel.title {
            draw_panel_title(root, layout, panel.rect, title)?;
        }
    }
    // Legend text; its swatches are drawn by the caller.
    let label_style = text(sizes.font, INK).pos(Pos::new(HPos::Left, VPos::Center));
    let note_style = text(sizes.font * 0.8, MUTED).pos(Pos::new(HPos::Left, VPos::Center));
    for entry in legend {
        root.draw_text(&entry.text, &label_style, (layout.legend_text_x, entry.y))
            .map_err(plotters_error)?;
        if let Some(note) = &entry.note {
            root.draw_text(note, &note_style, (layout.legend_text_x, entry.note_y))
                .map_err(plotters_error)?;
        }
    }
    if let Some(r) = layout.inset {
        let small = text(sizes.font * 0.75, MUTED);
        root.draw_text(
            "f − f* (log)",
            &small.pos(Pos::new(HPos::Left, VPos::Bottom)),
            (r.x0, r.y0 - (sizes.font * 0.3) as i32),
        )
        .map_err(plotters_error)?;
        root.draw_text(
            "step",
            &text(sizes.font * 0.75, MUTED).pos(Pos::new(HPos::Right, VPos::Top)),
            (r.x1, r.y1 + (sizes.font * 0.25) as i32),
        )
        .map_err(plotters_error)?;
    }
    Ok(())
}

/// Draws the whole background: returns it as a pixmap, with the levels used.
pub fn draw(
    scene: &Scene,
    layout: &Layout,
    legend: &[LegendEntry],
) -> Result<(Pixmap, Levels), RenderError> {
    style::register_font();
    let (w, h) = (layout.width, layout.height);
    let sizes = layout.sizes;
    let mut rgb = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        draw_furniture(&root, scene, layout, legend)?;
        root.present().map_err(plotters_error)?;
    }
    let levels = draw_surface(
        &mut rgb,
        layout,
        &scene.surface,
        scene.draw.levels,
        scene.draw.scale,
    );
    let mut pixmap = rgb_to_pixmap(&rgb, w, h)?;
    // A crisp one-pixel frame around each panel, and around the loss inset (whose curves grow
    // frame by frame).
    for panel in &layout.panels {
        frame_rect(&mut pixmap, panel.rect, INK);
    }
    if let Some(r) = layout.inset {
        frame_rect(&mut pixmap, r, MUTED);
    }
    // Legend swatches.
    let id = Transform::identity();
    let whole = IRect {
        x0: 0,
        y0: 0,
        x1: w as i32,
        y1: h as i32,
    };
    let half = (layout.swatch_width / 2) as f32;
    for panel in &layout.panels {
        if let Some(run) = panel.title.as_ref().and_then(|t| t.swatch) {
            let (x, y) = (panel.rect.x0 as f32, title_y(layout, panel.rect) as f32);
            let c = style::run_colour(run);
            let (a, b) = ((x + sizes.line_width, y), (x + 2.0 * half, y));
            paint::capsule(&mut pixmap, (0, 0), whole, a, b, c, sizes.line_width * 1.5);
        }
    }
    for entry in legend {
        let (x, y) = (layout.swatch_x as f32, entry.y as f32);
        match entry.symbol {
            super::LegendSymbol::Run(i) => {
                let c = style::run_colour(i);
                paint::capsule(
                    &mut pixmap,
                    (0, 0),
                    whole,
                    (x - half, y),
                    (x + half, y),
                    c,
                    sizes.line_width,
                );
                paint::ringed_disc(
                    &mut pixmap,
                    (0, 0),
                    whole,
                    (x + half, y),
                    sizes.head_radius,
                    c,
                    INK,
                    sizes.outline,
                );
            }
            super::LegendSymbol::Start => paint::ringed_disc(
                &mut pixmap,
                (0, 0),
                whole,
                (x, y),
                sizes.marker_radius * 0.8,
                WHITE,
                INK,
                sizes.outline * 1.4,
            ),
            super::LegendSymbol::Minimum => paint::star(
                &mut pixmap,
                (x, y),
                sizes.marker_radius * 1.25,
                WHITE,
                INK,
                sizes.outline,
                id,
            ),
            super::LegendSymbol::Overlay(o) => {
                let (from, to) = ((x - half, y), (x + half, y));
                let thin = sizes.line_width * 0.7;
                match o {
                    crate::scene::Overlay::Velocity => {
                        paint::arrow(&mut pixmap, (0, 0), whole, from, to, MUTED, thin)
                    }
                    crate::scene::Overlay::Gradient => {
                        paint::arrow(&mut pixmap, (0, 0), whole, from, to, INK, thin)
                    }
                    crate::scene::Overlay::Lookahead => paint::ringed_disc(
                        &mut pixmap,
                        (0, 0),
                        whole,
                        (x, y),
                        sizes.head_radius * 0.7,
                        WHITE,
                        MUTED,
                        thin,
                    ),
                    // The inset explains itself; it has no legend row.
                    crate::scene::Overlay::Loss => {}
                }
            }
        }
    }
    Ok((pixmap, levels))
}

/// The middle of the title line above the panel `r`.
pub(crate) fn title_y(layout: &Layout, r: IRect) -> i32 {
    r.y0 - (layout.sizes.font * 0.85) as i32
}

/// A small multiple's title line: the text after room for its swatch, and the note at the
/// right end in the muted colour, the text shortened to fit beside it.
fn draw_panel_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    layout: &Layout,
    r: IRect,
    title: &super::PanelTitle,
) -> Result<(), RenderError> {
    let f = layout.sizes.font;
    let y = title_y(layout, r);
    let x = r.x0
        + if title.swatch.is_some() {
            layout.swatch_width + (f * 0.5) as i32
        } else {
            0
        };
    let room = |note: &str| {
        let used = if note.is_empty() {
            0
        } else {
            text_width(note, f * 0.8) as i32 + (f * 0.6) as i32
        };
        (r.x1 - x - used).max(0) as u32
    };
    // The note in full if the text still fits beside it, else its first word ("diverged").
    let note = match &title.note {
        Some(n) if text_width(&title.text, f) <= room(n) => n.as_str(),
        Some(n) => n.split(' ').next().unwrap_or(""),
        None => "",
    };
    if !note.is_empty() {
        let style = text_style(f * 0.8, MUTED).pos(Pos::new(HPos::Right, VPos::Center));
        root.draw_text(note, &style, (r.x1, y))
            .map_err(plotters_error)?;
    }
    let fitted = super::fit_text(&title.text, f, room(note));
    let style = text_style(f, INK).pos(Pos::new(HPos::Left, VPos::Center));
    root.draw_text(&fitted, &style, (x, y))
        .map_err(plotters_error)?;
    Ok(())
}

/// A one-pixel line just outside `r`.
fn frame_rect(pixmap: &mut Pixmap, r: IRect, c: Rgb) {
    for x in r.x0 - 1..=r.x1 {
        put(pixmap, x, r.y0 - 1, c);
        put(pixmap, x, r.y1, c);
    }
    for y in r.y0 - 1..=r.y1 {
        put(pixmap, r.x0 - 1, y, c);
        put(pixmap, r.x1, y, c);
    }
}

fn put(pixmap: &mut Pixmap, x: i32, y: i32, c: Rgb) {
    let (w, h) = (pixmap.width() as i32, pixmap.height() as i32);
    if (0..w).contains(&x) && (0..h).contains(&y) {
        let i = ((y * w + x) * 4) as usize;
        pixmap.data_mut()[i..i + 4].copy_from_slice(&[c[0], c[1], c[2], 255]);
    }
}

/// Converts row-major RGB to an opaque pixmap.
pub fn rgb_to_pixmap(rgb: &[u8], w: u32, h: u32) -> Result<Pixmap, RenderError> {
    let mut pixmap = Pixmap::new(w, h)
        .ok_or_else(|| RenderError(format!("cannot allocate a {w}×{h} canvas")))?;
    for (dst, src) in pixmap
        .data_mut()
        .chunks_exact_mut(4)
        .zip(rgb.chunks_exact(3))
    {
        dst.copy_from_slice(&[src[0], src[1], src[2], 255]);
    }
    Ok(pixmap)
}

/// Draws `text` into the rectangle `rect` of `pixmap` over that rectangle's current pixels
/// (used for the step counter, the one text that changes per frame).
pub fn draw_text_in(
    pixmap: &mut Pixmap,
    rect: IRect,
    text: &str,
    size: f64,
    colour_rgb: Rgb,
) -> Result<(), RenderError> {
    let (rw, rh) = (rect.width(), rect.height());
    if rw == 0 || rh == 0 {
        return Ok(());
    }
    let pw = pixmap.width() as usize;
    let mut rgb = vec![0u8; rw as usize * rh as usize * 3];
    let data = pixmap.data();
    for row in 0..rh as usize {
        for col in 0..rw as usize {
            let s = ((rect.y0 as usize + row) * pw + rect.x0 as usize + col) * 4;
            let d = (row * rw as usize + col) * 3;
            rgb[d..d + 3].copy_from_slice(&data[s..s + 3]);
        }
    }
    {
        let area = BitMapBackend::with_buffer(&mut rgb, (rw, rh)).into_drawing_area();
        let style = text_style(size, colour_rgb).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw_text(text, &style, (0, rh as i32 / 2))
            .map_err(plotters_error)?;
        area.present().map_err(plotters_error)?;
    }
    let data = pixmap.data_mut();
    for row in 0..rh as usize {
        for col in 0..rw as usize {
            let d = ((rect.y0 as usize + row) * pw + rect.x0 as usize + col) * 4;
            let s = (row * rw as usize + col) * 3;
            data[d..d + 3].copy_from_slice(&rgb[s..s + 3]);
        }
    }
    Ok(())
}

/// The width in pixels of `text` in the embedded font at `size`.
pub fn text_width(text: &str, size: f64) -> u32 {
    style::register_font();
    (FONT, size)
        .into_font()
        .box_size(text)
        .map(|(w, _)| w)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_short_and_use_a_true_minus() {
        let t = TickFormat::for_range(-3.0, 3.0);
        assert_eq!(t.label(-3.0), "−3");
        assert_eq!(t.label(0.5), "0.5");
        assert_eq!(t.label(1e-15), "0");
        assert_eq!(t.axis_title("x"), "x");
        let t = TickFormat::for_range(0.0, 1.0);
        assert_eq!(t.label(0.25), "0.25");
        let t = TickFormat::for_range(0.0, 1e6);
        assert_eq!(t.label(250000.0), "2.5e5");
        assert_eq!(t.label(500000.0), "5e5");
    }

    #[test]
    fn neighbouring_ticks_stay_distinct_far_from_zero_and_at_tiny_scales() {
        // A window 10 wide at 1e9: labels are offsets, the axis title says from what.
        let t = TickFormat::for_range(1e9, 1e9 + 10.0);
        assert_eq!(t.axis_title("x"), "x − 1e9");
        assert_eq!(t.label(1e9 + 2.0), "2");
        assert_eq!(t.label(1e9 + 10.0), "10");
        // A window of nanometres around zero: scientific labels with enough digits.
        let t = TickFormat::for_range(-1e-9, 1e-9);
        assert_eq!(t.label(-5e-10), "−5e−10");
        assert_ne!(t.label(2e-10), t.label(4e-10));
        // Ticks 1e-4 apart near 3: enough decimals.
        let t = TickFormat::for_range(3.0, 3.0007);
        assert_ne!(t.label(3.0001), t.label(3.0002));
    }

    #[test]
    fn log_levels_for_surfaces_that_span_decades() {
        // Rosenbrock-like spread: most values small, a few huge.
        let mut v: Vec<f64> = (0..1000).map(|i| f64::from(i) * 0.01).collect();
        v.extend((0..100).map(|i| 1000.0 + f64::from(i) * 20.0));
        let l = Levels::choose(&v, 16, ContourScale::Auto);
        assert!(l.log);
        // A quadratic bowl sampled on a grid: linear.
        let q: Vec<f64> = (0..100)
            .flat_map(|i| {
                (0..100).map(move |j| {
                    let (x, y) = (f64::from(i) / 50.0 - 1.0, f64::from(j) / 50.0 - 1.0);
                    0.5 * (x * x + 10.0 * y * y)
                })
            })
            .collect();
        assert!(!Levels::choose(&q, 16, ContourScale::Auto).log);
        let l = Levels::choose(&q, 16, ContourScale::Linear);
        assert_eq!(l.band(l.f_lo), 0);
        assert_eq!(l.band(l.f_hi), 15);
    }
}
