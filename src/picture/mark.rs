//! Markers, their sizes and the figure's fixed colours: the one place that says what a run's
//! head, a start point, a minimum, a cross, an arrow look like and how big they are.
//!
//! A [`Mark`] is a small shape whose pixels are a function of the pixel alone (the raster
//! painter shades it from its exact distance field), so a frame painted piecewise equals one
//! painted whole. [`Sizes`] scales every size with the canvas; the constructors
//! ([`Mark::head`], [`Mark::start`], [`Mark::minimum`], ...) are what figures, legends and
//! every backend use.

use std::sync::Arc;

use super::geom::{ceil_i32, clip_segment, floor_i32, p32, IRect, P32};
use super::{Text, Track};
use crate::text::Fonts;

/// An opaque colour.
pub type Rgb = [u8; 3];

pub const WHITE: Rgb = [255, 255, 255];
/// Text, axes and marker outlines.
pub const INK: Rgb = [0x22, 0x22, 0x22];
/// Secondary text (e.g. "diverged at step k") and light furniture.
pub const MUTED: Rgb = [0x66, 0x66, 0x66];
/// Where a surface is not a finite number, and cut-off regions.
pub const MASKED: Rgb = [0xD9, 0xD9, 0xD9];
/// A local minimum's star (the global one is white).
pub const LOCAL_MINIMUM: Rgb = [0x88, 0x88, 0x88];

/// Sizes in pixels, scaled with the canvas (designed at 640 × 480).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sizes {
    /// The scale factor from the 640 × 480 design.
    pub scale: f32,
    /// Legend text and axis titles, pixels per em.
    pub font: f32,
    /// Tick labels.
    pub tick_font: f32,
    /// Notes (e.g. "diverged at step 12").
    pub small_font: f32,
    pub title_font: f32,
    /// A run's path.
    pub line_width: f32,
    pub head_radius: f32,
    pub marker_radius: f32,
    /// Marker outlines.
    pub outline: f32,
}

/// The smallest text, pixels per em, whatever the canvas: below it tick labels stop being
/// legible.
pub const MIN_FONT: f32 = 11.0;

impl Sizes {
    /// Sizes for a `width × height` canvas: scaled with the canvas's area (a wide, short
    /// canvas keeps legible text), but never much more than its width or height alone allows,
    /// so a tall, narrow canvas does not get text too wide for it. Text never gets smaller than
    /// [`MIN_FONT`].
    pub fn for_canvas(width: u32, height: u32) -> Self {
        let (w, h) = (width as f32 / 640.0, height as f32 / 480.0);
        let s = (w * h).sqrt().min(w * 1.2).min(h * 1.6).clamp(0.5, 4.0);
        let font = |px: f32| (px * s).max(MIN_FONT.min(px));
        Sizes {
            scale: s,
            font: font(13.5),
            tick_font: font(12.5),
            small_font: font(11.5),
            title_font: font(17.0),
            line_width: 2.4 * s,
            head_radius: 5.0 * s,
            marker_radius: 6.5 * s,
            outline: 1.3 * s,
        }
    }
}

/// A marker shape, in pixels.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// A disc filled with `fill`, ringed by `ring` of `ring_width` centred on its edge.
    Disc {
        c: P32,
        r: f32,
        fill: Rgb,
        ring: Rgb,
        ring_width: f32,
    },
    /// A ringed disc cut into equal wedges, one colour each, clockwise from twelve o'clock
    /// (heads that coincide).
    Wedges {
        c: P32,
        r: f32,
        fills: Vec<Rgb>,
        ring: Rgb,
        ring_width: f32,
    },
    /// A straight stroke with round caps.
    Capsule {
        a: P32,
        b: P32,
        colour: Rgb,
        width: f32,
    },
    /// A shaft from `from` with a two-stroke head at `to`.
    Arrow {
        from: P32,
        to: P32,
        colour: Rgb,
        width: f32,
    },
    /// An × whose arms reach `r` from the centre along both axes.
    Cross {
        c: P32,
        r: f32,
        colour: Rgb,
        width: f32,
    },
    /// A closed outline of `shape` reaching `r` from its centre: filled (or only outlined)
    /// and outlined.
    Polygon {
        c: P32,
        r: f32,
        shape: PolygonShape,
        fill: Option<Rgb>,
        outline: Rgb,
        width: f32,
    },
    /// A line of text (the step counter).
    Text(Text),
}

impl Mark {
    /// A run's head.
    pub fn head(c: P32, colour: Rgb, s: &Sizes) -> Mark {
        Mark::Disc {
            c,
            r: s.head_radius,
            fill: colour,
            ring: INK,
            ring_width: s.outline,
        }
    }

    /// Heads that coincide: one disc, a wedge per run.
    pub fn heads(c: P32, colours: Vec<Rgb>, s: &Sizes) -> Mark {
        Mark::Wedges {
            c,
            r: s.head_radius * 1.15,
            fills: colours,
            ring: INK,
            ring_width: s.outline,
        }
    }

    /// Where a diverged run was last finite.
    pub fn cross(c: P32, colour: Rgb, s: &Sizes) -> Mark {
        Mark::Cross {
            c,
            r: s.head_radius,
            colour,
            width: s.line_width,
        }
    }

    /// A start point: a white ring.
    pub fn start(c: P32, s: &Sizes) -> Mark {
        Mark::Disc {
            c,
            r: s.marker_radius * 0.8,
            fill: WHITE,
            ring: INK,
            ring_width: s.outline * 1.4,
        }
    }

    /// A known minimum, under the heads: a white star where the surface is lowest (a global
    /// minimum), a smaller grey one at a local minimum, so the deep and the shallow pit read
    /// apart at a glance, in every scene and view alike.
    pub fn minimum(c: P32, global: bool, s: &Sizes) -> Mark {
        Self::minimum_of_radius(c, global, Self::minimum_radius(global, s), s)
    }

    /// [`Mark::minimum`] with outer radius `r` (larger in the 3-D view).
    pub fn minimum_of_radius(c: P32, global: bool, r: f32, s: &Sizes) -> Mark {
        Mark::Polygon {
            c,
            r,
            shape: PolygonShape::Star,
            fill: Some(if global { WHITE } else { LOCAL_MINIMUM }),
            outline: INK,
            width: s.outline,
        }
    }

    fn minimum_radius(global: bool, s: &Sizes) -> f32 {
        s.marker_radius * if global { 1.25 } else { 1.05 }
    }

    /// The minimum's outline drawn over the heads, so a head that reaches the minimum never
    /// hides it.
    pub fn minimum_outline(c: P32, global: bool, s: &Sizes) -> Mark {
        Mark::Polygon {
            c,
            r: Self::minimum_radius(global, s),
            shape: PolygonShape::Star,
            fill: None,
            outline: INK,
            width: s.outline * 0.9,
        }
    }

    /// A saddle point (a critical point that is no minimum): a white diamond.
    pub fn saddle(c: P32, s: &Sizes) -> Mark {
        Mark::Polygon {
            c,
            r: s.marker_radius * 0.95,
            shape: PolygonShape::Diamond,
            fill: Some(WHITE),
            outline: INK,
            width: s.outline,
        }
    }

    /// The saddle's outline drawn over the heads, as [`Mark::minimum_outline`].
    pub fn saddle_outline(c: P32, s: &Sizes) -> Mark {
        Mark::Polygon {
            c,
            r: s.marker_radius * 0.95,
            shape: PolygonShape::Diamond,
            fill: None,
            outline: INK,
            width: s.outline * 0.9,
        }
    }

    /// A run's head outside the plot: a triangle in the run's colour on the plot's edge,
    /// pointing the way `towards` (a direction in pixels) the head has gone.
    pub fn outside(c: P32, towards: P32, colour: Rgb, s: &Sizes) -> Mark {
        let angle = towards.1.atan2(towards.0);
        Mark::Polygon {
            c,
            r: s.head_radius * 1.2,
            shape: PolygonShape::Triangle {
                // Quantized so the same direction gives the same marker (and one template in
                // the player) whatever rounding led to it.
                degrees: (angle.to_degrees().round() as i16).rem_euclid(360),
            },
            fill: Some(colour),
            outline: INK,
            width: s.outline,
        }
    }

    /// A ball's place `age` steps back (1: the last one) of `count` shown: a smaller disc in
    /// the run's colour mixed with white the more the older, its ring a darker shade of the
    /// same, so it reads as the run's and as past.
    pub fn ghost(c: P32, colour: Rgb, age: usize, count: usize, s: &Sizes) -> Mark {
        let share = age as f32 / (count + 1) as f32;
        let paler = 0.3 + 0.6 * share;
        Mark::Disc {
            c,
            r: s.head_radius * (0.8 - 0.3 * share),
            fill: tint(colour, paler),
            ring: tint(colour.map(|v| (f32::from(v) * 0.7).round() as u8), paler),
            ring_width: s.outline * 0.8,
        }
    }

    /// Where Nesterov's look-ahead gradient is taken: a small ring in the run's colour.
    pub fn lookahead(c: P32, colour: Rgb, s: &Sizes) -> Mark {
        Mark::Disc {
            c,
            r: s.head_radius * 0.7,
            fill: WHITE,
            ring: colour,
            ring_width: Sizes::thin(s),
        }
    }

    /// A teaching arrow (velocity, gradient step).
    pub fn arrow(from: P32, to: P32, colour: Rgb, s: &Sizes) -> Mark {
        Mark::Arrow {
            from,
            to,
            colour,
            width: Sizes::thin(s),
        }
    }

    /// A data point of the data view: a dark disc ringed in white, so it shows over the runs'
    /// lines.
    pub fn data_point(c: P32, s: &Sizes) -> Mark {
        Mark::Disc {
            c,
            r: s.head_radius * 0.7,
            fill: MUTED,
            ring: WHITE,
            ring_width: s.outline,
        }
    }

    /// A stroke as wide as a run's path (legend swatches).
    pub fn path_swatch(a: P32, b: P32, colour: Rgb, s: &Sizes) -> Mark {
        Mark::Capsule {
            a,
            b,
            colour,
            width: s.line_width,
        }
    }

    /// The same marker centred at `c` (for markers that only move).
    pub fn moved_to(&self, to: P32) -> Mark {
        let mut m = self.clone();
        match &mut m {
            Mark::Disc { c, .. }
            | Mark::Wedges { c, .. }
            | Mark::Cross { c, .. }
            | Mark::Polygon { c, .. } => *c = to,
            Mark::Capsule { a, b, .. } => {
                let d = (to.0 - a.0, to.1 - a.1);
                *a = to;
                *b = (b.0 + d.0, b.1 + d.1);
            }
            Mark::Arrow { from, to: t, .. } => {
                let d = (to.0 - from.0, to.1 - from.1);
                *from = to;
                *t = (t.0 + d.0, t.1 + d.1);
            }
            Mark::Text(t) => {
                t.x = to.0;
                t.y = to.1;
            }
        }
        m
    }

    /// The point [`Mark::moved_to`] moves: a centre, a stroke's or an arrow's start, a text's
    /// pen.
    pub fn anchor(&self) -> P32 {
        match self {
            Mark::Disc { c, .. }
            | Mark::Wedges { c, .. }
            | Mark::Cross { c, .. }
            | Mark::Polygon { c, .. } => *c,
            Mark::Capsule { a, .. } => *a,
            Mark::Arrow { from, .. } => *from,
            Mark::Text(t) => (t.x, t.y),
        }
    }

    /// The pixels the marker can touch (anti-aliasing included).
    pub fn bounds(&self) -> IRect {
        match self {
            Mark::Disc {
                c, r, ring_width, ..
            }
            | Mark::Wedges {
                c, r, ring_width, ..
            } => IRect::around(c.0, c.1, r + ring_width / 2.0 + 1.0),
            Mark::Capsule { a, b, width, .. } => {
                let r = width / 2.0 + 1.0;
                IRect::around(a.0, a.1, r).union(IRect::around(b.0, b.1, r))
            }
            Mark::Arrow {
                from, to, width, ..
            } => {
                let r = width * 3.5 + 1.0;
                IRect::around(from.0, from.1, width / 2.0 + 1.0).union(IRect::around(to.0, to.1, r))
            }
            Mark::Cross { c, r, width, .. } => IRect::around(c.0, c.1, r + width / 2.0 + 1.0),
            Mark::Polygon { c, r, width, .. } => IRect::around(c.0, c.1, r + width + 2.0),
            Mark::Text(t) => {
                let s = &t.shaped;
                IRect::new(
                    floor_i32(t.x) - 2,
                    floor_i32(t.y - s.ascent) - 2,
                    ceil_i32(t.x + s.width) + 3,
                    ceil_i32(t.y + s.descent) + 3,
                )
            }
        }
    }

    /// The arrow's two head strokes, from its tip backwards (25° either side of the shaft);
    /// `None` for an arrow shorter than a pixel, which is not drawn.
    pub fn arrow_head(from: P32, to: P32, width: f32) -> Option<[(P32, P32); 2]> {
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        let len = dx.hypot(dy);
        if len < 1.0 {
            return None;
        }
        let head = (width * 3.0).min(len * 0.6);
        let (ux, uy) = (dx / len, dy / len);
        let stroke = |side: f32| {
            let (c, s) = (25f32.to_radians().cos(), side * 25f32.to_radians().sin());
            let (bx, by) = (-(ux * c - uy * s), -(ux * s + uy * c));
            (to, (to.0 + bx * head, to.1 + by * head))
        };
        Some([stroke(-1.0), stroke(1.0)])
    }
}

/// The outline of a [`Mark::Polygon`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolygonShape {
    /// A five-pointed star, a point up.
    Star,
    /// A square on its corner.
    Diamond,
    /// An isosceles triangle whose tip points `degrees` clockwise from the +x axis (pixels:
    /// y down), its centre at the mark's centre.
    Triangle { degrees: i16 },
}

impl PolygonShape {
    /// The corners of the shape centred at `c` and reaching `r` from it, clockwise.
    pub fn points(self, c: P32, r: f32) -> Vec<P32> {
        let at = |a: f32, rk: f32| (c.0 + rk * a.cos(), c.1 + rk * a.sin());
        let pi = std::f32::consts::PI;
        match self {
            PolygonShape::Star => (0..10)
                .map(|k| {
                    let rk = if k % 2 == 0 { r } else { r * 0.45 };
                    at(pi * (k as f32 / 5.0 - 0.5), rk)
                })
                .collect(),
            PolygonShape::Diamond => (0..4).map(|k| at(pi * (k as f32 / 2.0 - 0.5), r)).collect(),
            PolygonShape::Triangle { degrees } => {
                let a = f32::from(degrees).to_radians();
                [0.0, 0.75, -0.75]
                    .iter()
                    .map(|d: &f32| at(a + d * pi, if *d == 0.0 { r } else { r * 0.8 }))
                    .collect()
            }
        }
    }
}

impl Sizes {
    /// Teaching overlays' stroke width.
    pub fn thin(s: &Sizes) -> f32 {
        s.line_width * 0.7
    }
}

/// Where a head at `p` outside `clip` is shown: the point of the clip's edge nearest to it, moved
/// `inset` pixels inwards, with the unit direction from there towards `p`. `None` when `p` is not
/// a number or the clip is too small to hold the marker.
fn edge_point(clip: IRect, p: (f64, f64), inset: f32) -> Option<(P32, P32)> {
    if p.0.is_nan() || p.1.is_nan() {
        return None;
    }
    let (x0, y0, x1, y1) = clip.bounds(-f64::from(inset));
    if x0 > x1 || y0 > y1 {
        return None;
    }
    let at = (p.0.clamp(x0, x1), p.1.clamp(y0, y1));
    // The way out: across the edge it left by, or diagonally at a corner. Clamped so a point
    // far away (or infinitely) keeps a direction.
    let d = (
        (p.0 - at.0).clamp(-1e12, 1e12),
        (p.1 - at.1).clamp(-1e12, 1e12),
    );
    let len = d.0.hypot(d.1);
    if len.is_nan() || len == 0.0 {
        return None;
    }
    Some((p32(at), ((d.0 / len) as f32, (d.1 / len) as f32)))
}

/// `c` mixed with white by `t` ∈ [0, 1].
pub fn tint(c: Rgb, t: f32) -> Rgb {
    c.map(|v| (f32::from(v) + (255.0 - f32::from(v)) * t).round() as u8)
}

/// The step counter's text.
pub fn counter_text(step: usize, steps: usize) -> String {
    format!("step {step} / {steps}")
}

/// The markers `track` shows at `step` (see [`Track`]).
pub(super) fn track_marks(
    fonts: &Arc<Fonts>,
    steps: usize,
    track: &Track,
    clip: IRect,
    step: usize,
    out: &mut Vec<Mark>,
) {
    match track {
        Track::Heads { heads, sizes } => {
            // (centre, colours) of the discs drawn, and the crosses.
            let mut discs: Vec<(P32, Vec<Rgb>)> = Vec::new();
            let mut crosses: Vec<Mark> = Vec::new();
            // Heads outside the plot: (where on its edge, which way out, colour).
            let mut outside: Vec<(P32, P32, Rgb)> = Vec::new();
            let near = sizes.head_radius * 0.5;
            for h in heads {
                let last = h.points.len().saturating_sub(1);
                let Some(&p) = h.points.get(step.min(last)) else {
                    continue;
                };
                if !clip.contains(p) {
                    if let Some((at, way)) = edge_point(clip, p, sizes.head_radius * 1.4) {
                        outside.push((at, way, h.colour));
                    }
                    continue;
                }
                let c = p32(p);
                if h.diverged && step > last {
                    crosses.push(Mark::cross(c, h.colour, sizes));
                    continue;
                }
                match discs
                    .iter_mut()
                    .find(|(d, _)| (d.0 - c.0).hypot(d.1 - c.1) < near)
                {
                    Some((_, colours)) => colours.push(h.colour),
                    None => discs.push((c, vec![h.colour])),
                }
            }
            out.extend(crosses);
            // Heads that left the plot by the same place are spread along its edge, so each
            // colour shows.
            let mut placed: Vec<P32> = Vec::new();
            let (x0, y0, x1, y1) = clip.bounds(-f64::from(sizes.head_radius * 1.4));
            for (at, way, colour) in outside {
                let along = (-way.1, way.0);
                let k = placed
                    .iter()
                    .filter(|q| (q.0 - at.0).hypot(q.1 - at.1) < near)
                    .count();
                placed.push(at);
                // 0, +1, −1, +2, −2, ... marker widths along the edge, kept on it.
                let side = if k % 2 == 1 { 1.0 } else { -1.0 };
                let step = side * k.div_ceil(2) as f32 * sizes.head_radius * 2.2;
                let on_edge = |step: f32| {
                    let c = (at.0 + along.0 * step, at.1 + along.1 * step);
                    let inside = c.0 >= x0 as f32
                        && c.0 <= x1 as f32
                        && c.1 >= y0 as f32
                        && c.1 <= y1 as f32;
                    inside.then_some(c)
                };
                // The other way where this one runs off the plot's corner.
                let c = on_edge(step).or_else(|| on_edge(-step)).unwrap_or(at);
                out.push(Mark::outside(c, way, colour, sizes));
            }
            for (c, colours) in discs {
                out.push(if colours.len() == 1 {
                    Mark::head(c, colours[0], sizes)
                } else {
                    Mark::heads(c, colours, sizes)
                });
            }
        }
        Track::Arrows {
            from,
            to,
            colour,
            width,
        } => {
            let (Some(&a), Some(Some(b))) = (from.get(step), to.get(step)) else {
                return;
            };
            if !clip.contains(a) {
                return;
            }
            if let Some((a, b)) = clip_segment(a, *b, clip.bounds(0.0)) {
                out.push(Mark::Arrow {
                    from: p32(a),
                    to: p32(b),
                    colour: *colour,
                    width: *width,
                });
            }
        }
        Track::Lines {
            ends,
            colour,
            width,
        } => {
            let Some(&(a, b)) = ends.get(step.min(ends.len().saturating_sub(1))) else {
                return;
            };
            // Cut a width beyond the clip, so the stroke is whole up to the clip's edge, where
            // painting stops.
            if let Some((a, b)) = clip_segment(a, b, clip.bounds(f64::from(*width))) {
                out.push(Mark::Capsule {
                    a: p32(a),
                    b: p32(b),
                    colour: *colour,
                    width: *width,
                });
            }
        }
        Track::Ghosts {
            points,
            colour,
            count,
            sizes,
        } => {
            let Some(last) = points.len().checked_sub(1) else {
                return;
            };
            let now = step.min(last);
            // Newest first, to drop those hidden under a newer place or the ball; painted
            // oldest first, so the newer lie on top.
            let mut shown: Vec<(P32, usize)> = Vec::new();
            let mut taken: Vec<P32> = vec![p32(points[now])];
            // Point 0 is the start, marked on its own.
            for age in 1..=(*count).min(now.saturating_sub(1)) {
                let p = points[now - age];
                if !clip.contains(p) {
                    continue;
                }
                let c = p32(p);
                if taken.iter().any(|t| (t.0 - c.0).hypot(t.1 - c.1) < 1.0) {
                    continue;
                }
                taken.push(c);
                shown.push((c, age));
            }
            for (c, age) in shown.into_iter().rev() {
                out.push(Mark::ghost(c, *colour, age, *count, sizes));
            }
        }
        Track::Dots { at, mark } => {
            if let Some(Some(p)) = at.get(step) {
                if clip.contains(*p) {
                    out.push(mark.moved_to(p32(*p)));
                }
            }
        }
        Track::Counter { rect, size, colour } => {
            let shaped = fonts.shape(&counter_text(step, steps), *size);
            let baseline = (rect.y0 + rect.y1) as f32 / 2.0
                + (shaped.ascent - shaped.descent) / 2.0
                - shaped.size * 0.08;
            out.push(Mark::Text(Text {
                shaped: Arc::new(shaped),
                x: rect.x0 as f32,
                y: baseline,
                colour: *colour,
                rotation: super::Rotation::None,
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Head;
    use super::*;

    #[test]
    fn sizes_scale_with_the_canvas_and_text_has_a_floor() {
        let s = Sizes::for_canvas(640, 480);
        assert_eq!(s.scale, 1.0);
        assert!(s.tick_font >= 12.0);
        let big = Sizes::for_canvas(1280, 960);
        assert_eq!(big.font, 2.0 * s.font);
        let small = Sizes::for_canvas(320, 240);
        assert!(small.tick_font >= MIN_FONT && small.font >= MIN_FONT);
    }

    #[test]
    fn coinciding_heads_share_a_disc_in_wedges_others_do_not() {
        let s = Sizes::for_canvas(640, 480);
        let path = |p: (f64, f64)| -> Arc<[(f64, f64)]> { vec![p, p].into() };
        let heads = vec![
            Head {
                run: 0,
                points: path((10.0, 10.0)),
                colour: [1, 0, 0],
                diverged: false,
            },
            Head {
                run: 0,
                points: path((10.5, 10.0)),
                colour: [2, 0, 0],
                diverged: false,
            },
            Head {
                run: 0,
                points: path((40.0, 10.0)),
                colour: [3, 0, 0],
                diverged: false,
            },
        ];
        let mut out = Vec::new();
        let track = Track::Heads { heads, sizes: s };
        let fonts = crate::text::embedded();
        track_marks(&fonts, 1, &track, IRect::new(0, 0, 100, 100), 1, &mut out);
        assert_eq!(out.len(), 2);
        assert!(
            matches!(&out[0], Mark::Wedges { fills, .. } if fills == &vec![[1, 0, 0], [2, 0, 0]])
        );
        assert!(matches!(
            &out[1],
            Mark::Disc {
                fill: [3, 0, 0],
                ..
            }
        ));
        // Outside the clip: a triangle on its edge per head, pointing out of it, spread
        // along the edge where they left together.
        out.clear();
        track_marks(&fonts, 1, &track, IRect::new(20, 0, 100, 100), 1, &mut out);
        assert_eq!(out.len(), 3);
        let triangles: Vec<(P32, Rgb)> = out
            .iter()
            .filter_map(|m| match m {
                Mark::Polygon {
                    c,
                    shape: PolygonShape::Triangle { degrees: 180 },
                    fill: Some(f),
                    ..
                } => Some((*c, *f)),
                _ => None,
            })
            .collect();
        assert_eq!(triangles.len(), 2, "{out:?}");
        assert_eq!(
            (triangles[0].1, triangles[1].1),
            ([1, 0, 0], [2, 0, 0]),
            "one per colour"
        );
        for (c, _) in &triangles {
            let r = s.head_radius * 1.4;
            assert!((c.0 - (20.0 + r)).abs() < 1e-4, "on the left edge: {c:?}");
        }
        assert!((triangles[0].0 .1 - triangles[1].0 .1).abs() >= s.head_radius * 2.0);
    }
}
