//! The trajectory figure as SVG: the PNG's last frame, with the same layout and geometry, as
//! vector shapes a course author can scale, edit or put in a slide.
//!
//! What plotters draws for the PNG (title, axes, ticks, legend text, panel titles) it draws here
//! too, on its SVG backend, from the same function (`background::draw_furniture`). The
//! surface itself (bands and contour lines) is the one raster part: the background's plot
//! rectangle embedded once as a PNG and placed in every panel, over plotters' part as in the
//! PNG. Paths, heads, markers, overlays
//! and the step counter are written as SVG elements from the [`Figure`]'s pixel geometry, in the
//! order the animator paints them, and clipped to their panel as the PNG's are.
//!
//! Numbers are written with two decimals, so the same scene gives the same bytes.

use std::fmt::Write as _;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::animate::{self, Shape};
use super::background::{draw_furniture, text_style};
use super::style::{self, Rgb, INK, MUTED, WHITE};
use super::{Figure, LegendSymbol, RenderError};
use crate::scene::{Overlay, Scene};

/// `#rrggbb`.
fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// The SVG elements written after plotters' part, in painting order.
struct Shapes {
    out: String,
}

impl Shapes {
    fn polyline(&mut self, points: &[(f64, f64)], colour: Rgb, width: f32) {
        if points.len() < 2 || points.iter().any(|p| !(p.0.is_finite() && p.1.is_finite())) {
            return;
        }
        let pts: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.2},{y:.2}"))
            .collect();
        let _ = writeln!(
            self.out,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="{width:.2}" stroke-linecap="round" stroke-linejoin="round"/>"#,
            pts.join(" "),
            hex(colour),
        );
    }

    fn line(&mut self, a: (f32, f32), b: (f32, f32), colour: Rgb, width: f32) {
        let _ = writeln!(
            self.out,
            r#"<line x1="{:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}" stroke="{}" stroke-width="{width:.2}" stroke-linecap="round"/>"#,
            a.0,
            a.1,
            b.0,
            b.1,
            hex(colour)
        );
    }

    /// A disc ringed by an outline centred on its edge, as [`super::paint::ringed_disc`].
    fn ringed_disc(&mut self, c: (f32, f32), r: f32, fill: Rgb, outline: Rgb, width: f32) {
        let _ = writeln!(
            self.out,
            r#"<circle cx="{:.2}" cy="{:.2}" r="{r:.2}" fill="{}" stroke="{}" stroke-width="{width:.2}"/>"#,
            c.0,
            c.1,
            hex(fill),
            hex(outline)
        );
    }

    /// The five-pointed star of [`super::paint::star`].
    fn star(&mut self, c: (f32, f32), radius: f32, width: f32) {
        let pts: Vec<String> = (0..10)
            .map(|k| {
                let r = if k % 2 == 0 { radius } else { radius * 0.45 };
                let a = std::f32::consts::PI * (k as f32 / 5.0 - 0.5);
                format!("{:.2},{:.2}", c.0 + r * a.cos(), c.1 + r * a.sin())
            })
            .collect();
        let _ = writeln!(
            self.out,
            r#"<polygon points="{}" fill="{}" stroke="{}" stroke-width="{width:.2}" stroke-linejoin="round"/>"#,
            pts.join(" "),
            hex(WHITE),
            hex(INK)
        );
    }

    /// The arrow of [`super::paint::arrow`]: a shaft and two barbs 25° either side of it.
    fn arrow(&mut self, from: (f32, f32), to: (f32, f32), colour: Rgb, width: f32) {
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        let len = dx.hypot(dy);
        if len < 1.0 {
            return;
        }
        self.line(from, to, colour, width);
        let head = (width * 3.0).min(len * 0.6);
        let (ux, uy) = (dx / len, dy / len);
        for side in [-1.0f32, 1.0] {
            let (c, s) = (25f32.to_radians().cos(), side * 25f32.to_radians().sin());
            let (bx, by) = (-(ux * c - uy * s), -(ux * s + uy * c));
            self.line(to, (to.0 + bx * head, to.1 + by * head), colour, width);
        }
    }

    fn clip_start(&mut self, id: usize) {
        let _ = writeln!(self.out, r#"<g clip-path="url(#panel{id})">"#);
    }

    fn clip_end(&mut self) {
        self.out.push_str("</g>\n");
    }
}

/// Standard base64 (RFC 4648, with padding), for the embedded surface image.
fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The trajectory figure at the last step as an SVG document.
pub fn trajectory_svg(scene: &Scene, figure: &Figure) -> Result<Vec<u8>, RenderError> {
    style::register_font();
    let layout = &figure.layout;
    let (w, h) = (layout.width, layout.height);
    let s = layout.sizes;
    let step = figure.steps;
    // Plotters' part: the furniture and the step counter.
    let mut furniture = String::new();
    {
        let root = SVGBackend::with_string(&mut furniture, (w, h)).into_drawing_area();
        draw_furniture(&root, scene, layout, &figure.legend)?;
        let c = layout.counter;
        let counter = text_style(s.font, INK).pos(Pos::new(HPos::Left, VPos::Center));
        root.draw_text(
            &super::counter_text(step, figure.steps),
            &counter,
            (c.x0, (c.y0 + c.y1) / 2),
        )
        .map_err(|e| RenderError(format!("drawing the SVG failed: {e:?}")))?;
        root.present()
            .map_err(|e| RenderError(format!("drawing the SVG failed: {e:?}")))?;
    }
    // Plotters writes `<svg …>` on the first line and `</svg>` on the last; what lies between
    // goes under the surface images and the paths.
    let body = furniture
        .split_once('\n')
        .map(|(_, rest)| rest)
        .unwrap_or("")
        .trim_end()
        .strip_suffix("</svg>")
        .unwrap_or("");

    // The surface, once: the first panel's pixels of the background.
    let first = layout.panels[0].rect;
    let surface = figure
        .background
        .clone_rect(
            tiny_skia::IntRect::from_xywh(first.x0, first.y0, first.width(), first.height())
                .ok_or_else(|| RenderError("empty panel".into()))?,
        )
        .ok_or_else(|| RenderError("panel outside the canvas".into()))?;
    let png = crate::encode::png::encode(&surface)
        .map_err(|e| RenderError(format!("encoding the SVG's surface image failed: {e}")))?;

    let mut doc = String::new();
    let _ = writeln!(
        doc,
        r#"<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">"#
    );
    let _ = writeln!(doc, r##"<rect width="{w}" height="{h}" fill="#ffffff"/>"##);
    doc.push_str("<defs>\n");
    let _ = writeln!(
        doc,
        r#"<image id="surface" width="{}" height="{}" preserveAspectRatio="none" xlink:href="data:image/png;base64,{}"/>"#,
        first.width(),
        first.height(),
        base64(&png)
    );
    for (i, panel) in layout.panels.iter().enumerate() {
        let r = panel.rect;
        let _ = writeln!(
            doc,
            r#"<clipPath id="panel{i}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>"#,
            r.x0,
            r.y0,
            r.width(),
            r.height()
        );
    }
    doc.push_str("</defs>\n");
    // As in the PNG, the surface goes over plotters' part (whose axis lines run along the
    // panels' edges, inside them). Plotters puts one-pixel lines on whole coordinates, which
    // is the edge between two pixels in SVG: half a pixel on, they cover one pixel, as in the
    // PNG, instead of blurring over two.
    doc.push_str("<g transform=\"translate(0.5 0.5)\">\n");
    doc.push_str(body);
    doc.push_str("\n</g>\n");
    for panel in &layout.panels {
        let _ = writeln!(
            doc,
            r##"<use xlink:href="#surface" x="{}" y="{}"/>"##,
            panel.rect.x0, panel.rect.y0
        );
    }

    let mut out = Shapes { out: doc };
    // Frames just outside each panel and the inset, as the background's one-pixel lines.
    for panel in &layout.panels {
        frame(&mut out, panel.rect, INK);
    }
    if let Some(r) = layout.inset {
        frame(&mut out, r, MUTED);
    }
    swatches(&mut out, figure);
    // Paths, panel by panel, then the inset's curves: stacked as the animator strokes them,
    // step by step (every run's k-th segment over the (k−1)-th ones), so a path that another
    // crosses later lies under it here as in the PNG.
    let pad = f64::from(s.line_width) * 2.0;
    for (p, panel) in layout.panels.iter().enumerate() {
        let paths: Vec<(usize, &[(f64, f64)])> = figure
            .runs
            .iter()
            .enumerate()
            .filter(|(_, run)| run.panel == p)
            .map(|(i, run)| (i, &run.px[..run.px.len().min(step + 1)]))
            .collect();
        out.clip_start(p);
        for (i, piece) in stacked_pieces(&paths, panel.rect, pad) {
            out.polyline(&piece, figure.runs[i].colour, s.line_width);
        }
        out.clip_end();
    }
    if let Some(inset) = layout.inset {
        let paths: Vec<(usize, &[(f64, f64)])> = figure
            .runs
            .iter()
            .enumerate()
            .map(|(i, run)| (i, &run.inset_px[..run.inset_px.len().min(step + 1)]))
            .collect();
        for (i, piece) in stacked_pieces(&paths, inset, 0.0) {
            out.polyline(&piece, figure.runs[i].colour, s.line_width * 0.6);
        }
    }
    // Markers, overlays and heads, in the animator's order.
    for &(x, y) in &figure.minima_px {
        out.star((x as f32, y as f32), s.marker_radius * 1.25, s.outline);
    }
    for &(x, y) in &figure.starts {
        let c = (x as f32, y as f32);
        out.ringed_disc(c, s.marker_radius * 0.8, WHITE, INK, s.outline * 1.4);
    }
    let thin = s.line_width * 0.7;
    for (shape, panel) in animate::overlay_shapes(figure, step) {
        out.clip_start(panel);
        match shape {
            Shape::Arrow { from, to, colour } => out.arrow(from, to, colour, thin),
            Shape::Ring { centre, colour } => {
                out.ringed_disc(centre, s.head_radius * 0.7, WHITE, colour, thin)
            }
        }
        out.clip_end();
    }
    for (c, cross, i) in animate::heads(figure, step) {
        let run = &figure.runs[i];
        if cross {
            let r = s.head_radius;
            out.clip_start(run.panel);
            for (dx, dy) in [(r, r), (r, -r)] {
                out.line(
                    (c.0 - dx, c.1 - dy),
                    (c.0 + dx, c.1 + dy),
                    run.colour,
                    s.line_width,
                );
            }
            out.clip_end();
        } else {
            out.ringed_disc(c, s.head_radius, run.colour, INK, s.outline);
        }
    }
    out.out.push_str("</svg>\n");
    Ok(out.out.into_bytes())
}

/// The paths (run index, pixel points) cut into polylines in the order the animator strokes
/// them: step by step, runs in order within a step, each segment clipped to `r` grown by `pad`
/// (in f64, so a diverging run's far points, even infinite ones, never reach the document).
/// A run's consecutive segments share one polyline as long as no other run's segment comes
/// between them.
fn stacked_pieces(
    paths: &[(usize, &[(f64, f64)])],
    r: super::paint::IRect,
    pad: f64,
) -> Vec<(usize, Vec<(f64, f64)>)> {
    let bounds = (
        f64::from(r.x0) - pad,
        f64::from(r.y0) - pad,
        f64::from(r.x1) + pad,
        f64::from(r.y1) + pad,
    );
    let steps = paths.iter().map(|(_, px)| px.len()).max().unwrap_or(0);
    let mut pieces: Vec<(usize, Vec<(f64, f64)>)> = Vec::new();
    for k in 1..steps {
        for &(run, px) in paths {
            let Some((a, b)) = px
                .get(k)
                .and_then(|&b| super::paint::clip_segment(px[k - 1], b, bounds))
            else {
                continue;
            };
            match pieces.last_mut() {
                Some((last_run, piece)) if *last_run == run && piece.last() == Some(&a) => {
                    piece.push(b)
                }
                _ => pieces.push((run, vec![a, b])),
            }
        }
    }
    pieces
}

/// A one-pixel line just outside `r` (pixel centres half a pixel out).
fn frame(out: &mut Shapes, r: super::paint::IRect, c: Rgb) {
    let _ = writeln!(
        out.out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{}" stroke-width="1"/>"#,
        f64::from(r.x0) - 0.5,
        f64::from(r.y0) - 0.5,
        r.width() + 1,
        r.height() + 1,
        hex(c)
    );
}

/// The legend's and the panel titles' swatches, as the background draws them.
fn swatches(out: &mut Shapes, figure: &Figure) {
    let layout = &figure.layout;
    let s = layout.sizes;
    let half = (layout.swatch_width / 2) as f32;
    for panel in &layout.panels {
        if let Some(run) = panel.title.as_ref().and_then(|t| t.swatch) {
            let x = panel.rect.x0 as f32;
            let y = super::background::title_y(layout, panel.rect) as f32;
            let (a, b) = ((x + s.line_width, y), (x + 2.0 * half, y));
            out.line(a, b, style::run_colour(run), s.line_width * 1.5);
        }
    }
    for entry in &figure.legend {
        let (x, y) = (layout.swatch_x as f32, entry.y as f32);
        let thin = s.line_width * 0.7;
        match entry.symbol {
            LegendSymbol::Run(i) => {
                let c = style::run_colour(i);
                out.line((x - half, y), (x + half, y), c, s.line_width);
                out.ringed_disc((x + half, y), s.head_radius, c, INK, s.outline);
            }
            LegendSymbol::Start => {
                out.ringed_disc((x, y), s.marker_radius * 0.8, WHITE, INK, s.outline * 1.4)
            }
            LegendSymbol::Minimum => out.star((x, y), s.marker_radius * 1.25, s.outline),
            LegendSymbol::Overlay(Overlay::Velocity) => {
                out.arrow((x - half, y), (x + half, y), MUTED, thin)
            }
            LegendSymbol::Overlay(Overlay::Gradient) => {
                out.arrow((x - half, y), (x + half, y), INK, thin)
            }
            LegendSymbol::Overlay(Overlay::Lookahead) => {
                out.ringed_disc((x, y), s.head_radius * 0.7, WHITE, MUTED, thin)
            }
            LegendSymbol::Overlay(Overlay::Loss) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path leaving the panel (to infinity, even) is cut where it leaves and resumes where
    /// it comes back.
    #[test]
    fn paths_are_clipped_to_their_panel_in_pieces() {
        let r = super::super::paint::IRect::new(0, 0, 100, 100);
        let px = [
            (10.0, 10.0),
            (50.0, 50.0),
            (f64::NEG_INFINITY, f64::INFINITY),
            (1e12, 50.0),
            (50.0, 60.0),
            (60.0, 60.0),
        ];
        let pieces = stacked_pieces(&[(0, &px)], r, 0.0);
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert_eq!(pieces[0], (0, vec![(10.0, 10.0), (50.0, 50.0)]));
        assert_eq!(pieces[1].1.len(), 3);
        assert_eq!(pieces[1].1[0].0, 100.0);
        assert_eq!(pieces[1].1[1..], [(50.0, 60.0), (60.0, 60.0)]);
        let points = pieces.iter().flat_map(|p| &p.1);
        assert!(points.clone().all(|p| p.0.is_finite() && p.1.is_finite()));
    }

    /// Two runs are stacked step by step, as the animator strokes them: run 1's first segment
    /// lies over run 0's first and under run 0's second. Once run 1 has stopped, run 0's
    /// remaining segments make one polyline.
    #[test]
    fn paths_are_stacked_step_by_step() {
        let r = super::super::paint::IRect::new(0, 0, 100, 100);
        let a = [
            (0.0, 0.0),
            (10.0, 0.0),
            (20.0, 0.0),
            (30.0, 0.0),
            (40.0, 0.0),
        ];
        let b = [(0.0, 5.0), (10.0, 5.0)];
        let pieces = stacked_pieces(&[(0, &a), (1, &b)], r, 0.0);
        let order: Vec<(usize, usize)> = pieces.iter().map(|(i, p)| (*i, p.len())).collect();
        assert_eq!(order, [(0, 2), (1, 2), (0, 4)]);
    }

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
        assert_eq!(base64(&[0xfb, 0xff, 0xbf]), "+/+/");
    }

    /// The document holds what the PNG shows: one surface image (the background's own pixels)
    /// placed in every panel, one path per run, every head, the title, the panel titles and
    /// the step counter; and the same figure gives the same bytes.
    #[test]
    fn the_svg_holds_the_pngs_content() {
        for name in ["beta_sweep_panels", "gd_vs_momentum", "nesterov_lookahead"] {
            let (scene, fig) = super::super::shipped_figure(name);
            let bytes = trajectory_svg(&scene, &fig).unwrap();
            assert_eq!(bytes, trajectory_svg(&scene, &fig).unwrap(), "{name}");
            let doc = String::from_utf8(bytes).unwrap();
            assert!(
                doc.starts_with("<svg ") && doc.ends_with("</svg>\n"),
                "{name}"
            );
            assert_eq!(doc.matches("<svg").count(), 1, "{name}");
            assert_eq!(doc.matches("<image ").count(), 1, "{name}");
            let panels = fig.layout.panels.len();
            assert_eq!(doc.matches("<use ").count(), panels, "{name}");
            // Every segment of every path (these scenes stay in their windows) is in a
            // polyline of its run's colour and the path's width, and the inset's likewise.
            let segments = |colour: Rgb, width: f32| {
                let tail = format!(
                    "\" fill=\"none\" stroke=\"{}\" stroke-width=\"{width:.2}\"",
                    hex(colour)
                );
                doc.lines()
                    .filter_map(|l| l.strip_prefix("<polyline points=\""))
                    .filter_map(|l| l.split_once(&tail))
                    .map(|(points, _)| points.split(' ').count() - 1)
                    .sum::<usize>()
            };
            let lw = fig.layout.sizes.line_width;
            for run in &fig.runs {
                assert_eq!(segments(run.colour, lw), run.px.len() - 1, "{name}");
                if fig.layout.inset.is_some() {
                    assert_eq!(segments(run.colour, lw * 0.6), run.px.len() - 1, "{name}");
                }
            }
            // One polyline per run where a panel holds one run.
            if name == "beta_sweep_panels" {
                assert_eq!(doc.matches("<polyline points=").count(), fig.runs.len());
            }
            let escaped = |t: &str| t.replace('&', "&amp;").replace('\'', "&apos;");
            assert!(doc.contains(&escaped(&scene.title)), "{name}");
            assert!(doc.contains(&format!("step {0} / {0}", scene.output.steps)));
            for p in &fig.layout.panels {
                if let Some(t) = &p.title {
                    assert!(doc.contains(&escaped(&t.text)), "{name}: {}", t.text);
                }
            }
            // The embedded image is the background's surface, pixel for pixel.
            let data = doc
                .split("base64,")
                .nth(1)
                .and_then(|d| d.split('"').next())
                .unwrap();
            let png = decode_base64(data);
            let img = image::load_from_memory(&png).unwrap().to_rgb8();
            let r = fig.layout.panels[0].rect;
            assert_eq!(img.dimensions(), (r.width(), r.height()));
            let w = fig.layout.width as usize;
            for (x, y, p) in img.enumerate_pixels() {
                let i = ((r.y0 as usize + y as usize) * w + r.x0 as usize + x as usize) * 4;
                assert_eq!(p.0, fig.background.data()[i..i + 3], "{name}: ({x}, {y})");
            }
        }
    }

    fn decode_base64(s: &str) -> Vec<u8> {
        const TABLE: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        for quad in s.as_bytes().chunks(4) {
            let mut n = 0u32;
            let mut valid = 0;
            for &c in quad {
                n <<= 6;
                if let Some(v) = TABLE.iter().position(|&t| t == c) {
                    n |= v as u32;
                    valid += 1;
                }
            }
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            out.extend_from_slice(&bytes[..valid - 1]);
        }
        out
    }
}
