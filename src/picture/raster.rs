//! The raster painter: a [`Picture`]'s items as anti-aliased pixels.
//!
//! - Markers ([`Mark`]) and path segments are shaded from their exact distance fields:
//!   coverage is how far inside the shape a pixel centre lies, ramped over one pixel and
//!   rounded to [`COVERAGE_LEVELS`] levels. A pixel's value depends on that pixel alone, so a
//!   frame painted in patches equals one painted whole, and few levels keep the GIF palette
//!   exact for everything that moves.
//! - Glyphs are rasterized from their outlines with exact-area coverage at their sub-pixel
//!   position (a quarter pixel), cached per glyph, size and position.
//! - Open paths stroked round (chart series, grid lines, legend swatches) are shaded from
//!   their distance to the nearest segment, unquantized; other static shapes (axes, ticks,
//!   the star marker, filled areas) are filled and stroked by tiny-skia; images are copied.
//!
//! Every function paints onto a target pixmap whose top-left pixel sits at canvas position
//! `origin` (a frame patch, or the whole canvas with origin (0, 0)), only inside `clip`
//! (canvas coordinates).

use std::collections::HashMap;
use std::sync::Arc;

use ab_glyph_rasterizer::{point, Rasterizer};
use tiny_skia::{FillRule, LineCap, LineJoin, Paint, PathBuilder, Pixmap, Transform};

use super::geom::{ceil_i32, floor_i32, IRect, P32};
use super::mark::{Mark, Rgb};
use super::{Colour, ItemKind, Layer, Path, PathOp, Picture, Rotation, Text, Trail};
use crate::text::Segment;

/// Coverage levels of shaded edges (see the module header).
pub const COVERAGE_LEVELS: f32 = 4.0;

/// Rounds a coverage to the nearest level in [0, 1] (no coverage for NaN).
#[inline]
pub fn quantize_coverage(c: f32) -> f32 {
    // Truncating a non-negative number floors it, inline (`floor` is a call into libm on
    // x86-64 without SSE4.1, and this runs once per pixel of the surface).
    let c = if c > 0.0 { c.min(1.0) } else { 0.0 };
    (c * COVERAGE_LEVELS + 0.5) as u32 as f32 / COVERAGE_LEVELS
}

/// Blends `colour` over the opaque pixel at byte offset `i` with coverage `a` ∈ (0, 1].
#[inline]
fn blend(data: &mut [u8], i: usize, colour: Rgb, a: f32) {
    for c in 0..3 {
        let d = f32::from(data[i + c]);
        data[i + c] = (d + (f32::from(colour[c]) - d) * a + 0.5) as u8;
    }
}

/// The target's area in canvas coordinates.
fn target_rect(target: &Pixmap, origin: (i32, i32)) -> IRect {
    IRect::at(origin, target.width(), target.height())
}

/// Shades the pixels of `clip` near a shape: `coverage(x, y)` at each pixel centre gives the
/// outer and inner coverage (an outline colour and a fill colour over it), for pixels within
/// `bounds` and, on each row, within the x range `row_span(y)` returns.
#[allow(clippy::too_many_arguments)]
fn shade(
    target: &mut Pixmap,
    origin: (i32, i32),
    clip: IRect,
    bounds: (f32, f32, f32, f32),
    row_span: impl Fn(f32) -> (f32, f32),
    mut coverage: impl FnMut(f32, f32) -> ([f32; 2], Rgb),
    outer: Rgb,
) {
    let area = IRect {
        x0: floor_i32(bounds.0) - 1,
        y0: floor_i32(bounds.1) - 1,
        x1: ceil_i32(bounds.2) + 1,
        y1: ceil_i32(bounds.3) + 1,
    }
    .intersect(clip)
    .intersect(target_rect(target, origin));
    if area.is_empty() {
        return;
    }
    let w = target.width() as usize;
    let data = target.data_mut();
    for y in area.y0..area.y1 {
        let py = y as f32 + 0.5;
        let (lo, hi) = row_span(py);
        let x0 = (floor_i32(lo) - 1).max(area.x0);
        let x1 = (ceil_i32(hi) + 1).min(area.x1);
        let row = (y - origin.1) as usize * w;
        for x in x0..x1 {
            let ([o, i], inner) = coverage(x as f32 + 0.5, py);
            let (o, i) = (quantize_coverage(o), quantize_coverage(i));
            if o <= 0.0 {
                continue;
            }
            let k = (row + (x - origin.0) as usize) * 4;
            blend(data, k, outer, o);
            if i > 0.0 {
                blend(data, k, inner, i);
            }
        }
    }
}

/// A thick segment a → b with round caps.
pub fn capsule(
    target: &mut Pixmap,
    origin: (i32, i32),
    clip: IRect,
    a: P32,
    b: P32,
    colour: Rgb,
    width: f32,
) {
    let r = width / 2.0;
    let bounds = (
        a.0.min(b.0) - r,
        a.1.min(b.1) - r,
        a.0.max(b.0) + r,
        a.1.max(b.1) + r,
    );
    shade(
        target,
        origin,
        clip,
        bounds,
        |y| segment_row_span(a, b, r + 1.0, y),
        |x, y| {
            let d = segment_distance2(a, b, (x, y)).sqrt();
            ([r + 0.5 - d, 0.0], colour)
        },
        colour,
    );
}

/// The x range of the pixel centres on row `y` that can lie within `reach` of the segment
/// a → b: the part of the segment within `reach` rows, widened by `reach`.
#[inline]
fn segment_row_span(a: P32, b: P32, reach: f32, y: f32) -> (f32, f32) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (lo, hi) = if dy.abs() < 1e-6 {
        (a.0.min(b.0), a.0.max(b.0))
    } else {
        let t0 = ((y - reach - a.1) / dy).clamp(0.0, 1.0);
        let t1 = ((y + reach - a.1) / dy).clamp(0.0, 1.0);
        let (xa, xb) = (a.0 + t0 * dx, a.0 + t1 * dx);
        (xa.min(xb), xa.max(xb))
    };
    (lo - reach, hi + reach)
}

/// The squared distance from `p` to the segment a → b.
#[inline]
fn segment_distance2(a: P32, b: P32, p: P32) -> f32 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let (px, py) = (p.0 - a.0, p.1 - a.1);
    let t = if len2 > 0.0 {
        ((px * dx + py * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (px - t * dx, py - t * dy);
    ex * ex + ey * ey
}

/// A disc of `r` filled by `fill(x, y)` (the colour at a pixel centre), ringed by `ring` of
/// `ring_width` centred on its edge.
#[allow(clippy::too_many_arguments)]
fn ringed_disc(
    target: &mut Pixmap,
    origin: (i32, i32),
    clip: IRect,
    c: P32,
    r: f32,
    fill: impl Fn(f32, f32) -> Rgb,
    ring: Rgb,
    ring_width: f32,
) {
    let outer = r + ring_width / 2.0;
    let inner = r - ring_width / 2.0;
    let bounds = (c.0 - outer, c.1 - outer, c.0 + outer, c.1 + outer);
    shade(
        target,
        origin,
        clip,
        bounds,
        |_| (bounds.0, bounds.2),
        |x, y| {
            let d = ((x - c.0).powi(2) + (y - c.1).powi(2)).sqrt();
            ([outer + 0.5 - d, inner + 0.5 - d], fill(x, y))
        },
        ring,
    );
}

/// The wedge (0-based, clockwise from twelve o'clock) a direction from the centre falls in.
fn wedge_of(dx: f32, dy: f32, n: usize) -> usize {
    // Angle clockwise from up, in [0, 1) turns.
    let turns = dx.atan2(-dy) / std::f32::consts::TAU;
    let turns = if turns < 0.0 { turns + 1.0 } else { turns };
    ((turns * n as f32) as usize).min(n - 1)
}

/// Paints a marker.
pub fn mark(
    target: &mut Pixmap,
    origin: (i32, i32),
    clip: IRect,
    m: &Mark,
    glyphs: &mut GlyphCache,
    fonts: &crate::text::Fonts,
) {
    match m {
        Mark::Disc {
            c,
            r,
            fill,
            ring,
            ring_width,
        } => ringed_disc(
            target,
            origin,
            clip,
            *c,
            *r,
            |_, _| *fill,
            *ring,
            *ring_width,
        ),
        Mark::Wedges {
            c,
            r,
            fills,
            ring,
            ring_width,
        } => {
            let n = fills.len().max(1);
            ringed_disc(
                target,
                origin,
                clip,
                *c,
                *r,
                |x, y| fills[wedge_of(x - c.0, y - c.1, n)],
                *ring,
                *ring_width,
            );
        }
        Mark::Capsule {
            a,
            b,
            colour,
            width,
        } => capsule(target, origin, clip, *a, *b, *colour, *width),
        Mark::Arrow {
            from,
            to,
            colour,
            width,
        } => {
            if let Some(strokes) = Mark::arrow_head(*from, *to, *width) {
                capsule(target, origin, clip, *from, *to, *colour, *width);
                for (a, b) in strokes {
                    capsule(target, origin, clip, a, b, *colour, *width);
                }
            }
        }
        Mark::Cross {
            c,
            r,
            colour,
            width,
        } => {
            for (dx, dy) in [(*r, *r), (*r, -*r)] {
                let (a, b) = ((c.0 - dx, c.1 - dy), (c.0 + dx, c.1 + dy));
                capsule(target, origin, clip, a, b, *colour, *width);
            }
        }
        Mark::Polygon {
            c,
            r,
            shape,
            fill,
            outline,
            width,
        } => {
            let path = Path::polygon(shape.points(*c, *r));
            let shape = super::Shape {
                path,
                fill: fill.map(Colour::rgb),
                stroke: Some(super::Stroke {
                    colour: Colour::rgb(*outline),
                    width: *width,
                    round: true,
                }),
            };
            vector(target, origin, clip, &shape);
        }
        Mark::Text(t) => text(target, origin, clip, t, glyphs, fonts, true),
    }
}

/// How many earlier segments of its piece a new segment is joined with, at most (see
/// [`trail_segment`]): enough for every joint and for a path retracing itself in small steps.
const TRAIL_LOOKBACK: usize = 32;

/// The distance-field coverage of a capsule a → b of half width `r` at pixel centre `p`,
/// quantized.
#[inline]
fn capsule_coverage(a: P32, b: P32, r: f32, p: P32) -> f32 {
    quantize_coverage(r + 0.5 - segment_distance2(a, b, p).sqrt())
}

/// Paints the segment into point `step` of a trail, clipped to `clip` (segments are cut at
/// `clip` grown by twice the path's width, in f64, then painted inside `clip`); returns the
/// pixels it can have touched.
///
/// A piece of a trail (see [`super::TrailPieces`]; its first segment is `piece_start`) is one
/// stroke, as a vector viewer draws a path: where the new segment overlaps the piece's recent
/// segments (at every joint, and all along a path that retraces itself in small steps) a pixel
/// gets only the coverage the stroke's union adds, not its edges blended again. A pixel's value
/// depends on the picture alone, so frames painted in patches still equal stills.
pub fn trail_segment(
    target: &mut Pixmap,
    origin: (i32, i32),
    clip: IRect,
    trail: &Trail,
    step: usize,
    piece_start: usize,
) -> Option<IRect> {
    let ((a, b), rect) = super::trail_segment_geometry(trail, clip, step)?;
    let r = trail.width / 2.0;
    let earlier: Vec<(P32, P32)> = (piece_start.max(step.saturating_sub(TRAIL_LOOKBACK)).max(1)
        ..step)
        .filter_map(|k| super::trail_segment_geometry(trail, clip, k))
        .filter(|(_, b)| !b.intersect(rect).is_empty())
        .map(|(s, _)| s)
        .collect();
    let area = rect.intersect(clip).intersect(target_rect(target, origin));
    let w = target.width() as usize;
    let data = target.data_mut();
    // A pixel is covered only within r + ½ of the segment: each row is walked along the span
    // where that can be (a pixel wider on each side), not across the whole rectangle.
    let reach = r + 0.5;
    for y in area.y0..area.y1 {
        let py = y as f32 + 0.5;
        let row = (y - origin.1) as usize * w;
        let (lo, hi) = segment_row_span(a, b, reach, py);
        for x in floor_i32(lo).max(area.x0)..(ceil_i32(hi) + 1).min(area.x1) {
            let p = (x as f32 + 0.5, py);
            let now = capsule_coverage(a, b, r, p);
            if now <= 0.0 {
                continue;
            }
            let before = earlier
                .iter()
                .map(|&(c, d)| capsule_coverage(c, d, r, p))
                .fold(0.0f32, f32::max);
            if now <= before {
                continue;
            }
            // From the colour at `before` to the colour at `now`.
            let t = (now - before) / (1.0 - before);
            blend(data, (row + (x - origin.0) as usize) * 4, trail.colour, t);
        }
    }
    Some(rect.intersect(clip))
}

fn skia_path(path: &Path, origin: (i32, i32)) -> Option<tiny_skia::Path> {
    let (ox, oy) = (origin.0 as f32, origin.1 as f32);
    let mut pb = PathBuilder::new();
    for op in &path.ops {
        match *op {
            PathOp::MoveTo(x, y) => pb.move_to(x - ox, y - oy),
            PathOp::LineTo(x, y) => pb.line_to(x - ox, y - oy),
            PathOp::Close => pb.close(),
        }
    }
    pb.finish()
}

fn skia_paint(c: Colour) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(c.0[0], c.0[1], c.0[2], c.0[3]);
    p.anti_alias = true;
    p
}

/// A clip mask for `clip` on `target`, or `None` when the shape's bounds lie inside it anyway.
fn clip_mask(
    target: &Pixmap,
    origin: (i32, i32),
    clip: IRect,
    bounds: Option<(f32, f32, f32, f32)>,
    pad: f32,
) -> Result<Option<tiny_skia::Mask>, ()> {
    let area = clip.intersect(target_rect(target, origin));
    if area.is_empty() {
        return Err(());
    }
    let inside = bounds.is_some_and(|(x0, y0, x1, y1)| {
        x0 - pad >= area.x0 as f32
            && y0 - pad >= area.y0 as f32
            && x1 + pad <= area.x1 as f32
            && y1 + pad <= area.y1 as f32
    });
    // A clip that is the whole target clips nothing the target does not (a mask would only
    // slow the painting).
    if inside || area == target_rect(target, origin) {
        return Ok(None);
    }
    let mut mask = tiny_skia::Mask::new(target.width(), target.height()).ok_or(())?;
    let r = tiny_skia::Rect::from_xywh(
        (area.x0 - origin.0) as f32,
        (area.y0 - origin.1) as f32,
        area.width() as f32,
        area.height() as f32,
    )
    .ok_or(())?;
    mask.fill_path(
        &PathBuilder::from_rect(r),
        FillRule::Winding,
        false,
        Transform::identity(),
    );
    Ok(Some(mask))
}

/// The segments of an open path (no `Close`), each subpath's in turn; `None` for a path that
/// closes.
fn open_segments(path: &Path) -> Option<Vec<(P32, P32)>> {
    let mut segments = Vec::with_capacity(path.ops.len());
    let mut at: Option<P32> = None;
    for op in &path.ops {
        match *op {
            PathOp::MoveTo(x, y) => at = Some((x, y)),
            PathOp::LineTo(x, y) => {
                if let Some(a) = at {
                    segments.push((a, (x, y)));
                }
                at = Some((x, y));
            }
            PathOp::Close => return None,
        }
    }
    Some(segments)
}

/// Rows of the distance buffer `round_stroke` fills at a time.
const STROKE_BAND_ROWS: i32 = 128;

/// Strokes the open `path` with round caps and joins, `width` wide, as one shape: a pixel's
/// coverage is how far its centre lies inside the stroke (the distance to the nearest segment
/// against half the width), ramped over one pixel, so every joint is blended once. Unlike the
/// shaded markers', this coverage is not quantized: these are static lines (chart series,
/// grid lines), which no GIF palette has to keep exact. It looks as tiny-skia's stroke does
/// (on quad60's loss chart 96 pixels differ by more than 16 levels of 255) for half the
/// instructions: 13.7 → 7.3 million in quad60's shapes, where the six curves of 61 points
/// took 1.6 ms of tiny-skia's stroking. Returns false, painting nothing, for a path that
/// closes (see [`open_segments`]).
fn round_stroke(
    target: &mut Pixmap,
    origin: (i32, i32),
    clip: IRect,
    path: &Path,
    width: f32,
    colour: Colour,
) -> bool {
    let Some(segments) = open_segments(path) else {
        return false;
    };
    let reach = width / 2.0 + 0.5;
    let Some((x0, y0, x1, y1)) = path.bounds() else {
        return true;
    };
    let area = IRect {
        x0: floor_i32(x0 - reach) - 1,
        y0: floor_i32(y0 - reach) - 1,
        x1: ceil_i32(x1 + reach) + 1,
        y1: ceil_i32(y1 + reach) + 1,
    }
    .intersect(clip)
    .intersect(target_rect(target, origin));
    if area.is_empty() {
        return true;
    }
    let rgb = [colour.0[0], colour.0[1], colour.0[2]];
    let alpha = f32::from(colour.0[3]) / 255.0;
    let columns = area.width() as usize;
    let w = target.width() as usize;
    let data = target.data_mut();
    // The squared distance from each pixel centre of a band of rows to the nearest segment,
    // and each row's columns that any segment reached.
    let mut nearest = Vec::new();
    let mut reached: Vec<(i32, i32)> = Vec::new();
    let mut band = area.y0;
    while band < area.y1 {
        let band_end = (band + STROKE_BAND_ROWS).min(area.y1);
        nearest.clear();
        nearest.resize(columns * (band_end - band) as usize, f32::INFINITY);
        reached.clear();
        reached.resize((band_end - band) as usize, (area.x1, area.x0));
        for &(a, b) in &segments {
            let rows = floor_i32(a.1.min(b.1) - reach).max(band)
                ..ceil_i32(a.1.max(b.1) + reach).min(band_end);
            for y in rows {
                let py = y as f32 + 0.5;
                let (lo, hi) = segment_row_span(a, b, reach, py);
                let xs = floor_i32(lo).max(area.x0)..(ceil_i32(hi) + 1).min(area.x1);
                let row = (y - band) as usize * columns;
                let span = &mut reached[(y - band) as usize];
                *span = (span.0.min(xs.start), span.1.max(xs.end));
                for x in xs {
                    let cell = &mut nearest[row + (x - area.x0) as usize];
                    *cell = cell.min(segment_distance2(a, b, (x as f32 + 0.5, py)));
                }
            }
        }
        for (y, &(from, to)) in (band..band_end).zip(&reached) {
            let row = (y - band) as usize * columns;
            let at = (y - origin.1) as usize * w;
            for x in from..to {
                let d2 = nearest[row + (x - area.x0) as usize];
                if d2 < reach * reach {
                    let coverage = (reach - d2.sqrt()).min(1.0) * alpha;
                    blend(data, (at + (x - origin.0) as usize) * 4, rgb, coverage);
                }
            }
        }
        band = band_end;
    }
    true
}

/// Fills and strokes a vector shape: an open path stroked round and not filled (a chart's
/// series, a grid line) by `round_stroke`, anything else with tiny-skia.
pub fn vector(target: &mut Pixmap, origin: (i32, i32), clip: IRect, shape: &super::Shape) {
    if let (None, Some(stroke)) = (shape.fill, shape.stroke) {
        if stroke.round
            && round_stroke(
                target,
                origin,
                clip,
                &shape.path,
                stroke.width,
                stroke.colour,
            )
        {
            return;
        }
    }
    let Some(path) = skia_path(&shape.path, origin) else {
        return;
    };
    let pad = shape.stroke.map_or(1.0, |s| s.width + 1.0);
    let Ok(mask) = clip_mask(target, origin, clip, shape.path.bounds(), pad) else {
        return;
    };
    if let Some(fill) = shape.fill {
        target.fill_path(
            &path,
            &skia_paint(fill),
            FillRule::Winding,
            Transform::identity(),
            mask.as_ref(),
        );
    }
    if let Some(s) = shape.stroke {
        let stroke = tiny_skia::Stroke {
            width: s.width,
            line_cap: if s.round {
                LineCap::Round
            } else {
                LineCap::Butt
            },
            line_join: if s.round {
                LineJoin::Round
            } else {
                LineJoin::Miter
            },
            ..tiny_skia::Stroke::default()
        };
        target.stroke_path(
            &path,
            &skia_paint(s.colour),
            &stroke,
            Transform::identity(),
            mask.as_ref(),
        );
    }
}

/// Copies image rows onto the target at canvas position (x, y), inside `clip`.
fn image(
    target: &mut Pixmap,
    origin: (i32, i32),
    clip: IRect,
    img: &super::Image,
    (x, y): (i32, i32),
) {
    let area = IRect::at((x, y), img.width, img.height)
        .intersect(clip)
        .intersect(target_rect(target, origin));
    if area.is_empty() {
        return;
    }
    let tw = target.width() as usize;
    let iw = img.width as usize;
    let data = target.data_mut();
    for row in area.y0..area.y1 {
        let src = ((row - y) as usize * iw + (area.x0 - x) as usize) * 3;
        let dst = ((row - origin.1) as usize * tw + (area.x0 - origin.0) as usize) * 4;
        let n = area.width() as usize;
        let pixels = data[dst..dst + n * 4]
            .chunks_exact_mut(4)
            .zip(img.rgb[src..src + n * 3].chunks_exact(3));
        for (to, from) in pixels {
            to.copy_from_slice(&[from[0], from[1], from[2], 255]);
        }
    }
}

/// A glyph rasterized at one size, rotation and sub-pixel offset: coverage relative to the
/// whole pixel its origin falls in.
#[derive(Debug)]
struct GlyphMask {
    left: i32,
    top: i32,
    width: usize,
    height: usize,
    coverage: Vec<u8>,
}

/// Sub-pixel positions per pixel a glyph may take (a quarter pixel).
const SUBPIXEL: f32 = 4.0;

type GlyphKey = (u8, u16, u32, bool, u8, u8);

/// Rasterized glyphs, keyed by font, glyph, size, rotation and sub-pixel offset.
#[derive(Default)]
pub struct GlyphCache {
    masks: HashMap<GlyphKey, Arc<GlyphMask>>,
}

impl GlyphCache {
    fn mask(
        &mut self,
        fonts: &crate::text::Fonts,
        font: u8,
        id: u16,
        size: f32,
        rotated: bool,
        frac: (u8, u8),
    ) -> Arc<GlyphMask> {
        let key = (font, id, size.to_bits(), rotated, frac.0, frac.1);
        self.masks
            .entry(key)
            .or_insert_with(|| {
                Arc::new(rasterize_glyph(
                    &fonts.outline(font, id).segments,
                    fonts.scale(font, size),
                    rotated,
                    (f32::from(frac.0) / SUBPIXEL, f32::from(frac.1) / SUBPIXEL),
                ))
            })
            .clone()
    }
}

/// Rasterizes an outline (font units, y up) scaled by `scale`, turned a quarter counter-
/// clockwise when `rotated`, its origin at `frac` within its pixel.
fn rasterize_glyph(segments: &[Segment], scale: f32, rotated: bool, frac: (f32, f32)) -> GlyphMask {
    let map = |p: [f32; 2]| -> (f32, f32) {
        let (x, y) = (p[0] * scale, -p[1] * scale);
        let (x, y) = if rotated { (y, -x) } else { (x, y) };
        (x + frac.0, y + frac.1)
    };
    let mut lo = (f32::INFINITY, f32::INFINITY);
    let mut hi = (f32::NEG_INFINITY, f32::NEG_INFINITY);
    let mut grow = |p: (f32, f32)| {
        lo = (lo.0.min(p.0), lo.1.min(p.1));
        hi = (hi.0.max(p.0), hi.1.max(p.1));
    };
    for s in segments {
        match *s {
            Segment::MoveTo(p) | Segment::LineTo(p) => grow(map(p)),
            Segment::QuadTo(c, p) => {
                grow(map(c));
                grow(map(p));
            }
            Segment::CubicTo(c1, c2, p) => {
                grow(map(c1));
                grow(map(c2));
                grow(map(p));
            }
            Segment::Close => {}
        }
    }
    if !(lo.0.is_finite() && hi.0.is_finite()) {
        return GlyphMask {
            left: 0,
            top: 0,
            width: 0,
            height: 0,
            coverage: Vec::new(),
        };
    }
    let (left, top) = (floor_i32(lo.0), floor_i32(lo.1));
    let width = (ceil_i32(hi.0) - left).max(0) as usize + 1;
    let height = (ceil_i32(hi.1) - top).max(0) as usize + 1;
    let mut r = Rasterizer::new(width, height);
    let local = |p: [f32; 2]| {
        let (x, y) = map(p);
        point(x - left as f32, y - top as f32)
    };
    let mut start = point(0.0, 0.0);
    let mut pen = start;
    for s in segments {
        match *s {
            Segment::MoveTo(p) => {
                if pen != start {
                    r.draw_line(pen, start);
                }
                start = local(p);
                pen = start;
            }
            Segment::LineTo(p) => {
                let q = local(p);
                r.draw_line(pen, q);
                pen = q;
            }
            Segment::QuadTo(c, p) => {
                let q = local(p);
                r.draw_quad(pen, local(c), q);
                pen = q;
            }
            Segment::CubicTo(c1, c2, p) => {
                let q = local(p);
                r.draw_cubic(pen, local(c1), local(c2), q);
                pen = q;
            }
            Segment::Close => {
                if pen != start {
                    r.draw_line(pen, start);
                }
                pen = start;
            }
        }
    }
    if pen != start {
        r.draw_line(pen, start);
    }
    let mut coverage = vec![0u8; width * height];
    r.for_each_pixel(|i, v| {
        if let Some(c) = coverage.get_mut(i) {
            *c = (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
        }
    });
    GlyphMask {
        left,
        top,
        width,
        height,
        coverage,
    }
}

/// Paints a line of text. `quantized` rounds coverage to the shaded markers' levels (text that
/// changes every frame, whose colours the GIF palette keeps exact).
pub fn text(
    target: &mut Pixmap,
    origin: (i32, i32),
    clip: IRect,
    t: &Text,
    glyphs: &mut GlyphCache,
    fonts: &crate::text::Fonts,
    quantized: bool,
) {
    let area = clip.intersect(target_rect(target, origin));
    if area.is_empty() {
        return;
    }
    let rotated = t.rotation == Rotation::Ccw90;
    let tw = target.width() as usize;
    let size = t.shaped.size;
    for g in &t.shaped.glyphs {
        // The glyph's origin on the canvas.
        let (gx, gy) = if rotated {
            (t.x + g.y, t.y - g.x)
        } else {
            (t.x + g.x, t.y + g.y)
        };
        // The origin rounded to the nearest sub-pixel position: whole pixels and a remainder.
        let (qx, qy) = ((gx * SUBPIXEL).round(), (gy * SUBPIXEL).round());
        let (ix, iy) = ((qx / SUBPIXEL).floor(), (qy / SUBPIXEL).floor());
        let frac = ((qx - ix * SUBPIXEL) as u8, (qy - iy * SUBPIXEL) as u8);
        let m = glyphs.mask(fonts, g.font, g.id, size, rotated, frac);
        let (x0, y0) = (ix as i32 + m.left, iy as i32 + m.top);
        let region = IRect::at((x0, y0), m.width as u32, m.height as u32).intersect(area);
        if region.is_empty() {
            continue;
        }
        let data = target.data_mut();
        for y in region.y0..region.y1 {
            let src = (y - y0) as usize * m.width;
            let dst = (y - origin.1) as usize * tw;
            for x in region.x0..region.x1 {
                let v = m.coverage[src + (x - x0) as usize];
                if v == 0 {
                    continue;
                }
                let mut a = f32::from(v) / 255.0;
                if quantized {
                    a = quantize_coverage(a);
                    if a <= 0.0 {
                        continue;
                    }
                }
                blend(data, (dst + (x - origin.0) as usize) * 4, t.colour, a);
            }
        }
    }
}

/// Paints one static item (shape, text, image, marker) of `picture`.
pub fn static_item(
    target: &mut Pixmap,
    origin: (i32, i32),
    clip: IRect,
    picture: &Picture,
    kind: &ItemKind,
    glyphs: &mut GlyphCache,
) {
    match kind {
        ItemKind::Shape(s) => vector(target, origin, clip, s),
        ItemKind::Text(t) => text(target, origin, clip, t, glyphs, &picture.fonts, false),
        ItemKind::Image { image: i, x, y } => {
            if let Some(img) = picture.images.get(*i) {
                image(target, origin, clip, img, (*x, *y));
            }
        }
        ItemKind::Mark(m) => mark(target, origin, clip, m, glyphs, &picture.fonts),
        ItemKind::Trail(_) | ItemKind::Track(_) => {}
    }
}

/// A new opaque canvas in the picture's background colour.
pub fn canvas(picture: &Picture) -> Result<Pixmap, super::DrawError> {
    crate::memory::canvas_of(picture.width, picture.height, picture.background).ok_or_else(|| {
        super::DrawError(format!(
            "cannot allocate a {}×{} canvas",
            picture.width, picture.height
        ))
    })
}

/// Paints the static items of the layers in `layers` onto `target` (the whole canvas).
pub fn paint_static(
    target: &mut Pixmap,
    picture: &Picture,
    layers: impl Fn(Layer) -> bool,
    glyphs: &mut GlyphCache,
) {
    for item in picture.ordered() {
        if item.is_static() && layers(item.layer) {
            let clip = picture.clip_of(item);
            static_item(target, (0, 0), clip, picture, &item.kind, glyphs);
        }
    }
}

/// The whole picture at its last step, painted directly (a static chart, or the still of an
/// animation's last frame; [`super::frames::still`] gives any step with the animation's own
/// composition).
pub fn paint(picture: &Picture) -> Result<Pixmap, super::DrawError> {
    super::frames::still(picture, picture.steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The capsule's coverage is its distance field: full inside, none beyond half a pixel out,
    /// the same whichever way the segment runs, and a patch painted with an origin equals the
    /// whole canvas there.
    #[test]
    fn capsules_are_anti_aliased_distance_fields() {
        let clip = IRect::new(0, 0, 64, 64);
        let draw = |a, b| {
            let mut p = Pixmap::new(64, 64).unwrap();
            p.fill(tiny_skia::Color::WHITE);
            capsule(&mut p, (0, 0), clip, a, b, [0, 0, 0], 4.0);
            p
        };
        let p = draw((10.0, 10.0), (50.3, 41.7));
        let q = draw((50.3, 41.7), (10.0, 10.0));
        assert!(p.data() == q.data());
        let at = |x: usize, y: usize| p.data()[(y * 64 + x) * 4];
        assert_eq!(at(30, 25), 0, "on the segment: fully covered");
        assert_eq!(at(5, 5), 255, "far away: untouched");
        assert!((0..64 * 64).any(|i| (1..255).contains(&p.data()[i * 4])));
        let mut patch = Pixmap::new(20, 20).unwrap();
        patch.fill(tiny_skia::Color::WHITE);
        capsule(
            &mut patch,
            (20, 15),
            clip,
            (10.0, 10.0),
            (50.3, 41.7),
            [0, 0, 0],
            4.0,
        );
        for y in 0..20 {
            for x in 0..20 {
                assert_eq!(
                    patch.data()[(y * 20 + x) * 4],
                    at(x + 20, y + 15),
                    "({x}, {y})"
                );
            }
        }
    }

    /// Wedges give each colour its share of the disc, clockwise from twelve o'clock.
    #[test]
    fn wedges_split_a_disc_by_angle() {
        assert_eq!(wedge_of(0.1, -1.0, 2), 0, "just right of twelve");
        assert_eq!(wedge_of(-0.1, -1.0, 2), 1, "just left of twelve");
        assert_eq!(wedge_of(1.0, 0.0, 4), 1, "three o'clock");
        assert_eq!(wedge_of(0.0, 1.0, 3), 1, "six o'clock in thirds");
        let mut p = Pixmap::new(40, 40).unwrap();
        p.fill(tiny_skia::Color::WHITE);
        let m = Mark::Wedges {
            c: (20.0, 20.0),
            r: 10.0,
            fills: vec![[255, 0, 0], [0, 0, 255]],
            ring: [0, 0, 0],
            ring_width: 1.0,
        };
        let fonts = crate::text::Fonts::embedded();
        mark(
            &mut p,
            (0, 0),
            IRect::new(0, 0, 40, 40),
            &m,
            &mut GlyphCache::default(),
            &fonts,
        );
        let at = |x: usize, y: usize| &p.data()[(y * 40 + x) * 4..(y * 40 + x) * 4 + 3];
        assert_eq!(at(25, 20), [255, 0, 0], "right half red");
        assert_eq!(at(14, 20), [0, 0, 255], "left half blue");
    }

    /// Glyphs land at their fractional positions: a glyph drawn a quarter pixel further right
    /// has its ink a quarter pixel further right.
    #[test]
    fn glyphs_are_placed_at_sub_pixel_positions() {
        let fonts = crate::text::Fonts::embedded();
        let ink_centre = |x: f32| {
            let mut p = Pixmap::new(40, 30).unwrap();
            p.fill(tiny_skia::Color::WHITE);
            let t = Text {
                shaped: Arc::new(fonts.shape("l", 20.0)),
                x,
                y: 22.0,
                colour: [0, 0, 0],
                rotation: Rotation::None,
            };
            text(
                &mut p,
                (0, 0),
                IRect::new(0, 0, 40, 30),
                &t,
                &mut GlyphCache::default(),
                &fonts,
                false,
            );
            let (mut sum, mut weight) = (0.0, 0.0);
            for (i, px) in p.data().chunks_exact(4).enumerate() {
                let w = f32::from(255 - px[0]);
                sum += w * ((i % 40) as f32 + 0.5);
                weight += w;
            }
            assert!(weight > 0.0);
            sum / weight
        };
        let d = ink_centre(10.25) - ink_centre(10.0);
        assert!((d - 0.25).abs() < 0.05, "{d}");
        let d = ink_centre(11.0) - ink_centre(10.0);
        assert!((d - 1.0).abs() < 0.02, "{d}");
    }
}
