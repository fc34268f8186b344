//! A plotters drawing backend that records into a [`Picture`]: charts keep plotters' layout,
//! axes and tick placement, and get this display list's painters (anti-aliased strokes at
//! sub-pixel positions, the text engine's glyphs) and its SVG writer.
//!
//! plotters hands backends whole-number coordinates, so the recorder reports a canvas
//! [`SCALE`] times larger than the picture and divides every coordinate, width and text size
//! by it: a chart drawn for the recorder positions things to a quarter pixel. Chart code
//! multiplies its sizes by [`SCALE`] accordingly.
//!
//! Also here: [`TickFormat`], how every axis of every figure labels its ticks.

use std::sync::Arc;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontTransform,
};

use super::mark::Rgb;
use super::{Colour, DrawError, ItemKind, Layer, Path, Picture, Rotation, Shape, Stroke, Text};

/// plotters coordinates per pixel.
pub const SCALE: f32 = 4.0;

/// plotters' text size per pixel per em. plotters measures text (for legend boxes) with the
/// embedded font through ab_glyph, whose size is the line height (ascender − descender), not
/// the em: DejaVu Sans's line is 1.164 em. Text styles handed to plotters are this much
/// larger, and the recorder divides it out, so plotters' measures and the text engine agree.
pub const PLOTTERS_SIZE_PER_EM: f32 = (1901.0 + 483.0) / 2048.0;

/// Registers the embedded font with plotters (once per process), for the measures plotters
/// takes itself.
pub fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The bytes are compiled in and known good; plotters only fails on unreadable fonts.
        let _ = plotters::style::register_font(
            "sans-serif",
            plotters::style::FontStyle::Normal,
            crate::text::EMBEDDED_FONT,
        );
    });
}

/// The pixels per em of a plotters text size.
fn em(size: f64) -> f32 {
    size as f32 / (SCALE * PLOTTERS_SIZE_PER_EM)
}

/// Records plotters' drawing as items of `picture` in `layer`, clipped to `clip`.
pub struct Recorder<'p> {
    pub picture: &'p mut Picture,
    pub layer: Layer,
    pub clip: Option<usize>,
}

impl<'p> Recorder<'p> {
    pub fn new(picture: &'p mut Picture) -> Self {
        register_font();
        Recorder {
            picture,
            layer: Layer::Under,
            clip: None,
        }
    }

    fn push(&mut self, kind: ItemKind) {
        self.picture.push(self.layer, self.clip, kind);
    }
}

fn px(c: BackendCoord) -> (f32, f32) {
    (c.0 as f32 / SCALE, c.1 as f32 / SCALE)
}

fn colour(c: BackendColor) -> Colour {
    Colour([
        c.rgb.0,
        c.rgb.1,
        c.rgb.2,
        (c.alpha.clamp(0.0, 1.0) * 255.0).round() as u8,
    ])
}

/// A stroke width in pixels from plotters' (scaled) width. plotters' default width of 1 means
/// a hairline: no stroke is thinner than a pixel.
fn width(w: u32) -> f32 {
    (w as f32 / SCALE).max(1.0)
}

/// Moves a thin axis-aligned line onto pixel centres, so a one-pixel line covers one row or
/// column of pixels instead of blurring over two.
fn snap(a: (f32, f32), b: (f32, f32), w: f32) -> ((f32, f32), (f32, f32)) {
    if w > 1.5 || (w.round() - w).abs() > 0.01 {
        return (a, b);
    }
    let centre = |v: f32| v.floor() + 0.5;
    if a.0 == b.0 {
        ((centre(a.0), a.1), (centre(b.0), b.1))
    } else if a.1 == b.1 {
        ((a.0, centre(a.1)), (b.0, centre(b.1)))
    } else {
        (a, b)
    }
}

impl DrawingBackend for Recorder<'_> {
    type ErrorType = DrawError;

    fn get_size(&self) -> (u32, u32) {
        (
            (self.picture.width as f32 * SCALE) as u32,
            (self.picture.height as f32 * SCALE) as u32,
        )
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<DrawError>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<DrawError>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<DrawError>> {
        if color.alpha == 0.0 {
            return Ok(());
        }
        let (x, y) = px(point);
        let d = 1.0 / SCALE;
        self.push(ItemKind::Shape(Shape {
            path: Path::rect(x, y, x + d, y + d),
            fill: Some(colour(color)),
            stroke: None,
        }));
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<DrawError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let w = width(style.stroke_width());
        let (a, b) = snap(px(from), px(to), w);
        self.push(ItemKind::Shape(Shape {
            path: Path::polyline([a, b]),
            fill: None,
            stroke: Some(Stroke {
                colour: colour(style.color()),
                width: w,
                round: false,
            }),
        }));
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<DrawError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let (a, b) = (px(upper_left), px(bottom_right));
        let (x0, y0, x1, y1) = (a.0.min(b.0), a.1.min(b.1), a.0.max(b.0), a.1.max(b.1));
        let shape = if fill {
            // Whole-pixel edges: cells that share an edge leave no seam between them.
            let (x0, y0, x1, y1) = (x0.round(), y0.round(), x1.round(), y1.round());
            Shape {
                path: Path::rect(x0, y0, x1.max(x0 + 1.0), y1.max(y0 + 1.0)),
                fill: Some(colour(style.color())),
                stroke: None,
            }
        } else {
            let w = width(style.stroke_width());
            // A one-pixel frame on pixel centres.
            let (x0, y0) = snap((x0, y0), (x0, y1), w).0;
            let (x1, y1) = snap((x1, y1), (x1, y0), w).0;
            let (_, y0) = snap((x0, y0), (x1, y0), w).0;
            let (_, y1) = snap((x0, y1), (x1, y1), w).0;
            Shape {
                path: Path::rect(x0, y0, x1, y1),
                fill: None,
                stroke: Some(Stroke {
                    colour: colour(style.color()),
                    width: w,
                    round: false,
                }),
            }
        };
        self.push(ItemKind::Shape(shape));
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<DrawError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let points: Vec<(f32, f32)> = path.into_iter().map(px).collect();
        if points.len() < 2 {
            return Ok(());
        }
        self.push(ItemKind::Shape(Shape {
            path: Path::polyline(points),
            fill: None,
            stroke: Some(Stroke {
                colour: colour(style.color()),
                width: width(style.stroke_width()),
                round: true,
            }),
        }));
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<DrawError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let (x, y) = px(center);
        let path = Path::circle(x, y, radius as f32 / SCALE);
        let c = colour(style.color());
        self.push(ItemKind::Shape(if fill {
            Shape {
                path,
                fill: Some(c),
                stroke: None,
            }
        } else {
            Shape {
                path,
                fill: None,
                stroke: Some(Stroke {
                    colour: c,
                    width: width(style.stroke_width()),
                    round: true,
                }),
            }
        }));
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<DrawError>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let points: Vec<(f32, f32)> = vert.into_iter().map(px).collect();
        if points.len() < 3 {
            return Ok(());
        }
        let c = colour(style.color());
        // An opaque polygon is outlined in its own colour too: the polygons of a mesh then meet
        // without the faint seams that anti-aliased edges leave between neighbours.
        let stroke = (c.alpha() == 255).then_some(Stroke {
            colour: c,
            width: 0.6,
            round: false,
        });
        self.push(ItemKind::Shape(Shape {
            path: Path::polygon(points),
            fill: Some(c),
            stroke,
        }));
        Ok(())
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<DrawError>> {
        let c = style.color();
        if c.alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        let shaped = Arc::new(self.picture.fonts.shape(text, em(style.size())));
        let anchor = style.anchor();
        let pen = anchor_offset(&shaped, anchor.h_pos, anchor.v_pos);
        let (x, y) = px(pos);
        let (rotation, (dx, dy)) = match style.transform() {
            FontTransform::Rotate270 => (Rotation::Ccw90, (pen.1, -pen.0)),
            _ => (Rotation::None, pen),
        };
        self.push(ItemKind::Text(Text {
            shaped,
            x: x + dx,
            y: y + dy,
            colour: [c.rgb.0, c.rgb.1, c.rgb.2],
            rotation,
        }));
        Ok(())
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<DrawError>> {
        let s = self.picture.fonts.shape(text, em(style.size()));
        Ok((
            (s.width * SCALE).ceil() as u32,
            (s.height() * SCALE).ceil() as u32,
        ))
    }

    fn blit_bitmap(
        &mut self,
        _pos: BackendCoord,
        _size: (u32, u32),
        _src: &[u8],
    ) -> Result<(), DrawingErrorKind<DrawError>> {
        Err(DrawingErrorKind::DrawingError(DrawError(
            "bitmaps are not drawn through plotters".into(),
        )))
    }
}

/// Where the pen starts on the baseline relative to an anchor point, for a line of text.
pub fn anchor_offset(s: &crate::text::Shaped, h: HPos, v: VPos) -> (f32, f32) {
    let dx = match h {
        HPos::Left => 0.0,
        HPos::Center => -s.width / 2.0,
        HPos::Right => -s.width,
    };
    let dy = match v {
        VPos::Top => s.ascent,
        VPos::Center => (s.ascent - s.descent) / 2.0,
        VPos::Bottom => -s.descent,
    };
    (dx, dy)
}

impl Picture {
    /// Text `text` at `size` anchored at `at` (`h`: which end or the middle of the line is at
    /// `at.0`; `v`: its top, middle or bottom at `at.1`), in `layer`.
    #[allow(clippy::too_many_arguments)]
    pub fn anchored_text(
        &mut self,
        layer: Layer,
        text: &str,
        size: f32,
        at: (f32, f32),
        (h, v): (HPos, VPos),
        colour: Rgb,
    ) -> f32 {
        let shaped = Arc::new(self.fonts.shape(text, size));
        let (dx, dy) = anchor_offset(&shaped, h, v);
        let width = shaped.width;
        self.push(
            layer,
            None,
            ItemKind::Text(Text {
                shaped,
                x: at.0 + dx,
                y: at.1 + dy,
                colour,
                rotation: Rotation::None,
            }),
        );
        width
    }
}

/// A text style for plotters at `size` pixels per em (scaled for the recorder), in colour
/// `c`, anchored at `pos`.
pub fn text_style(size: f32, c: Rgb, pos: Pos) -> TextStyle<'static> {
    scaled_text_style(size * SCALE, c, pos)
}

/// [`text_style`] for a size already multiplied by [`SCALE`].
pub fn scaled_text_style(size: f32, c: Rgb, pos: Pos) -> TextStyle<'static> {
    TextStyle {
        font: ("sans-serif", f64::from(size * PLOTTERS_SIZE_PER_EM)).into_font(),
        color: RGBColor(c[0], c[1], c[2]).to_backend_color(),
        pos,
    }
}

/// The largest magnitude an axis end may have: beyond it plotters' tick arithmetic (spans,
/// powers of ten) overflows.
pub const AXIS_LIMIT: f64 = 1e300;

/// A range plotters can lay ticks on, whatever data it was taken from: ends finite and within
/// ±[`AXIS_LIMIT`] (where the data gave no finite end at all, as an empty or overflowing
/// series does, `(0, 1)`), in order, and a span that is finite and not lost in the ends'
/// precision (plotters' tick loop never ends on a span of zero, infinity or 1e-300 at 1e15).
pub fn axis_range(lo: f64, hi: f64) -> std::ops::Range<f64> {
    let clamp = |v: f64| v.clamp(-AXIS_LIMIT, AXIS_LIMIT);
    let (lo, hi) = match (lo.is_finite(), hi.is_finite()) {
        (true, true) => (clamp(lo.min(hi)), clamp(lo.max(hi))),
        (true, false) => (clamp(lo), clamp(lo)),
        (false, true) => (clamp(hi), clamp(hi)),
        (false, false) => return 0.0..1.0,
    };
    let magnitude = lo.abs().max(hi.abs());
    let min_span = (magnitude * 1e-9).max(1e-300);
    if hi - lo >= min_span {
        return lo..hi;
    }
    let mid = lo / 2.0 + hi / 2.0;
    let half = min_span / 2.0;
    let (a, b) = ((mid - half).max(-AXIS_LIMIT), (mid + half).min(AXIS_LIMIT));
    // At the limit itself the span opens inwards.
    if b - a >= min_span {
        a..b
    } else if a <= -AXIS_LIMIT {
        a..a + min_span
    } else {
        b - min_span..b
    }
}

/// [`axis_range`] for a log axis: ends within [1/[`AXIS_LIMIT`], [`AXIS_LIMIT`]] and at least a
/// tenth of a decade apart.
pub fn log_axis_range(lo: f64, hi: f64) -> std::ops::Range<f64> {
    let bound = |v: f64| {
        if v.is_nan() {
            1.0
        } else {
            v.clamp(1.0 / AXIS_LIMIT, AXIS_LIMIT)
        }
    };
    let (lo, hi) = (bound(lo.min(hi)), bound(lo.max(hi)));
    let (lo, hi) = if hi / lo >= 10f64.powf(0.1) {
        (lo, hi)
    } else {
        let mid = (lo.log10() + hi.log10()) / 2.0;
        (10f64.powf(mid - 0.05), 10f64.powf(mid + 0.05))
    };
    bound(lo)..bound(hi)
}

/// How one axis labels its ticks: enough digits to tell neighbouring ticks apart, scientific
/// notation for very large or small values, and, when the window is tiny next to its distance
/// from zero (x ∈ [1e9, 1e9 + 10]), labels relative to an offset that the axis title shows.
/// Negative numbers use a true minus.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TickFormat {
    /// Subtracted from every tick; 0 when labels are absolute.
    pub offset: f64,
    /// The tick spacing is about this (plotters picks ~7 "nice" ticks).
    step: f64,
}

impl TickFormat {
    pub fn for_range(lo: f64, hi: f64) -> Self {
        // The range as the axis has it.
        let r = axis_range(lo, hi);
        let (lo, hi) = (r.start, r.end);
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
        let digits_after_point = (-self.step.log10().floor()).clamp(0.0, 30.0) as usize + 1;
        let s = if v != 0.0 && (v.abs() >= 1e5 || v.abs() < 1e-3) {
            // Significant digits enough to tell ticks one step apart.
            let sig = ((v.abs() / self.step).log10().ceil().clamp(0.0, 30.0) as usize + 1).min(15);
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
        let t = TickFormat::for_range(1e9, 1e9 + 10.0);
        assert_eq!(t.axis_title("x"), "x − 1e9");
        assert_eq!(t.label(1e9 + 2.0), "2");
        assert_eq!(t.label(1e9 + 10.0), "10");
        let t = TickFormat::for_range(-1e-9, 1e-9);
        assert_eq!(t.label(-5e-10), "−5e−10");
        assert_ne!(t.label(2e-10), t.label(4e-10));
        let t = TickFormat::for_range(3.0, 3.0007);
        assert_ne!(t.label(3.0001), t.label(3.0002));
    }

    #[test]
    fn axis_ranges_are_finite_ordered_and_wide_enough() {
        let ok = |r: std::ops::Range<f64>| {
            assert!(r.start.is_finite() && r.end.is_finite(), "{r:?}");
            assert!(r.end > r.start, "{r:?}");
            assert!((r.end - r.start).is_finite(), "{r:?}");
            assert!(r.start.abs() <= AXIS_LIMIT && r.end.abs() <= AXIS_LIMIT);
        };
        for (lo, hi) in [
            (f64::INFINITY, f64::NEG_INFINITY),
            (f64::NAN, f64::NAN),
            (-f64::MAX, f64::MAX),
            (1e15, 1e15),
            (3.0, 1.0),
            (0.0, 1e-320),
            (f64::NAN, 4.0),
            (1e305, f64::INFINITY),
        ] {
            ok(axis_range(lo, hi));
            let l = log_axis_range(lo, hi);
            ok(l.clone());
            assert!(l.start > 0.0);
        }
        assert_eq!(axis_range(-3.0, 3.0), -3.0..3.0);
        assert_eq!(axis_range(f64::INFINITY, f64::NEG_INFINITY), 0.0..1.0);
        assert_eq!(log_axis_range(1e-3, 1e2), 1e-3..1e2);
    }

    /// What plotters draws through the recorder lands in the picture at a quarter of its
    /// coordinates: a chart's axes, tick labels (as text items) and a line series.
    #[test]
    fn plotters_draws_into_the_display_list() {
        let mut picture = Picture::new(200, 150, crate::text::embedded());
        {
            let root = Recorder::new(&mut picture).into_drawing_area();
            let mut chart = ChartBuilder::on(&root)
                .x_label_area_size(20.0 * SCALE)
                .y_label_area_size(30.0 * SCALE)
                .build_cartesian_2d(0.0..1.0, 0.0..1.0)
                .unwrap();
            chart
                .configure_mesh()
                .disable_mesh()
                .label_style(text_style(12.0, [0, 0, 0], Pos::new(HPos::Left, VPos::Top)))
                .draw()
                .unwrap();
            chart
                .draw_series(LineSeries::new(
                    [(0.0, 0.0), (1.0, 1.0)],
                    ShapeStyle::from(&BLACK).stroke_width((2.0 * SCALE) as u32),
                ))
                .unwrap();
        }
        let texts: Vec<&str> = picture
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Text(t) => Some(t.shaped.text.as_str()),
                _ => None,
            })
            .collect();
        assert!(texts.contains(&"0.5"), "{texts:?}");
        let series = picture.items.iter().find_map(|i| match &i.kind {
            ItemKind::Shape(s) if s.stroke.is_some_and(|k| k.round && k.width > 1.0) => Some(s),
            _ => None,
        });
        let s = series.expect("the line series");
        assert_eq!(s.stroke.unwrap().width, 2.0);
        let (x0, _, x1, _) = s.path.bounds().unwrap();
        assert!(x0 >= 29.0 && x1 <= 200.0, "{x0} {x1}");
    }
}
