//! Anti-aliased, sub-pixel drawing of paths and markers.
//!
//! plotters draws text and axes; its strokes wider than one pixel are not anti-aliased and its
//! coordinates are whole pixels, so everything that moves (paths, heads) and every marker is drawn
//! here instead, onto the same pixels. Path segments and discs are shaded from their exact
//! distance field (coverage = how far inside the shape a pixel centre lies, ramped over one
//! pixel): that is as smooth as a supersampling rasterizer and, for the small shapes an animation
//! adds each frame, an order of magnitude faster than building and filling a stroke outline.
//! The star marker, drawn rarely, is filled by tiny-skia.

use tiny_skia::{FillRule, LineJoin, Paint, PathBuilder, Pixmap, Stroke, Transform};

use super::style::Rgb;

/// A rectangle of whole pixels, `x0..x1` × `y0..y1` (exclusive ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IRect {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl IRect {
    pub const fn new(x0: i32, y0: i32, x1: i32, y1: i32) -> IRect {
        IRect { x0, y0, x1, y1 }
    }

    /// The canvas rectangle a pixmap covers when its top-left pixel is at `origin`.
    pub fn of_pixmap(origin: (i32, i32), pixmap: &Pixmap) -> IRect {
        IRect::new(
            origin.0,
            origin.1,
            origin.0 + pixmap.width() as i32,
            origin.1 + pixmap.height() as i32,
        )
    }

    pub fn is_empty(&self) -> bool {
        self.x1 <= self.x0 || self.y1 <= self.y0
    }

    pub fn width(&self) -> u32 {
        (self.x1 - self.x0).max(0) as u32
    }

    pub fn height(&self) -> u32 {
        (self.y1 - self.y0).max(0) as u32
    }

    /// The smallest rectangle holding both (an empty rectangle holds nothing).
    pub fn union(self, o: IRect) -> IRect {
        if self.is_empty() {
            return o;
        }
        if o.is_empty() {
            return self;
        }
        IRect {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }

    pub fn intersect(self, o: IRect) -> IRect {
        IRect {
            x0: self.x0.max(o.x0),
            y0: self.y0.max(o.y0),
            x1: self.x1.min(o.x1),
            y1: self.y1.min(o.y1),
        }
    }

    /// The pixels touched by a disc or box of radius `r` around (x, y).
    pub fn around(x: f32, y: f32, r: f32) -> IRect {
        IRect {
            x0: (x - r).floor() as i32 - 1,
            y0: (y - r).floor() as i32 - 1,
            x1: (x + r).ceil() as i32 + 2,
            y1: (y + r).ceil() as i32 + 2,
        }
    }
}

/// Coverage levels of anti-aliased edges. Edges are smooth with a handful of levels, and few
/// levels mean few distinct edge colours: frames compress better and the GIF palette holds the
/// moving parts' colours exactly.
pub const COVERAGE_LEVELS: f32 = 4.0;

/// Rounds a coverage to the nearest level in [0, 1].
#[inline]
pub fn quantize_coverage(c: f32) -> f32 {
    (c.clamp(0.0, 1.0) * COVERAGE_LEVELS + 0.5).floor() / COVERAGE_LEVELS
}

/// Blends `colour` over the pixel at byte offset `i` with coverage `a` ∈ (0, 1].
#[inline]
fn blend(data: &mut [u8], i: usize, colour: Rgb, a: f32) {
    for c in 0..3 {
        let d = f32::from(data[i + c]);
        data[i + c] = (d + (f32::from(colour[c]) - d) * a + 0.5) as u8;
    }
}

/// Shades the pixels of `clip` (canvas coordinates) near a shape: `coverage(x, y)` at each pixel
/// centre, for pixels within `bounds` = (x0, y0, x1, y1) and, on each row, within the x range
/// `row_span(y)` returns. `origin` is the canvas position of the pixmap's top-left pixel (a
/// pixmap may be a patch of the canvas).
#[allow(clippy::too_many_arguments)]
fn shade(
    pixmap: &mut Pixmap,
    origin: (i32, i32),
    clip: IRect,
    bounds: (f32, f32, f32, f32),
    row_span: impl Fn(f32) -> (f32, f32),
    mut coverage: impl FnMut(f32, f32) -> [f32; 2],
    colours: [Rgb; 2],
) {
    let area = IRect {
        x0: bounds.0.floor() as i32 - 1,
        y0: bounds.1.floor() as i32 - 1,
        x1: bounds.2.ceil() as i32 + 1,
        y1: bounds.3.ceil() as i32 + 1,
    }
    .intersect(clip)
    .intersect(IRect::of_pixmap(origin, pixmap));
    if area.is_empty() {
        return;
    }
    let w = pixmap.width() as usize;
    let data = pixmap.data_mut();
    for y in area.y0..area.y1 {
        let py = y as f32 + 0.5;
        let (lo, hi) = row_span(py);
        let x0 = (lo.floor() as i32 - 1).max(area.x0);
        let x1 = (hi.ceil() as i32 + 1).min(area.x1);
        let row = (y - origin.1) as usize * w;
        for x in x0..x1 {
            let [outer, inner] = coverage(x as f32 + 0.5, py).map(quantize_coverage);
            if outer <= 0.0 {
                continue;
            }
            let i = (row + (x - origin.0) as usize) * 4;
            blend(data, i, colours[0], outer);
            if inner > 0.0 {
                blend(data, i, colours[1], inner);
            }
        }
    }
}

/// A thick segment a → b with round caps (a capsule of the given width), canvas coordinates,
/// drawn only inside `clip`.
pub fn capsule(
    pixmap: &mut Pixmap,
    origin: (i32, i32),
    clip: IRect,
    a: (f32, f32),
    b: (f32, f32),
    colour: Rgb,
    width: f32,
) {
    let r = width / 2.0;
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let bounds = (
        a.0.min(b.0) - r,
        a.1.min(b.1) - r,
        a.0.max(b.0) + r,
        a.1.max(b.1) + r,
    );
    // On row y only the part of the segment within r + 1 rows can reach: its x range, widened.
    let row_span = |y: f32| {
        if dy.abs() < 1e-6 {
            return (bounds.0, bounds.2);
        }
        let t0 = ((y - r - 1.0 - a.1) / dy).clamp(0.0, 1.0);
        let t1 = ((y + r + 1.0 - a.1) / dy).clamp(0.0, 1.0);
        let (xa, xb) = (a.0 + t0 * dx, a.0 + t1 * dx);
        (xa.min(xb) - r - 1.0, xa.max(xb) + r + 1.0)
    };
    shade(
        pixmap,
        origin,
        clip,
        bounds,
        row_span,
        |x, y| {
            let (px, py) = (x - a.0, y - a.1);
            let t = if len2 > 0.0 {
                ((px * dx + py * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (ex, ey) = (px - t * dx, py - t * dy);
            let d = (ex * ex + ey * ey).sqrt();
            [r + 0.5 - d, 0.0]
        },
        [colour, colour],
    );
}

#[allow(clippy::too_many_arguments)]
/// An arrow: a shaft and a two-stroke head, anti-aliased.
pub fn arrow(
    patch: &mut Pixmap,
    origin: (i32, i32),
    clip: IRect,
    from: (f32, f32),
    to: (f32, f32),
    colour: Rgb,
    width: f32,
) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let len = dx.hypot(dy);
    if len < 1.0 {
        return;
    }
    capsule(patch, origin, clip, from, to, colour, width);
    let head = (width * 3.0).min(len * 0.6);
    let (ux, uy) = (dx / len, dy / len);
    for side in [-1.0f32, 1.0] {
        // 25° either side of the shaft, pointing back.
        let (c, s) = (25f32.to_radians().cos(), side * 25f32.to_radians().sin());
        let (bx, by) = (-(ux * c - uy * s), -(ux * s + uy * c));
        capsule(
            patch,
            origin,
            clip,
            to,
            (to.0 + bx * head, to.1 + by * head),
            colour,
            width,
        );
    }
}

/// A disc of `radius` filled with `fill`, ringed by an `outline` of `outline_width` centred on
/// its edge; canvas coordinates.
#[allow(clippy::too_many_arguments)]
pub fn ringed_disc(
    pixmap: &mut Pixmap,
    origin: (i32, i32),
    clip: IRect,
    centre: (f32, f32),
    radius: f32,
    fill: Rgb,
    outline: Rgb,
    outline_width: f32,
) {
    let outer = radius + outline_width / 2.0;
    let inner = radius - outline_width / 2.0;
    let bounds = (
        centre.0 - outer,
        centre.1 - outer,
        centre.0 + outer,
        centre.1 + outer,
    );
    shade(
        pixmap,
        origin,
        clip,
        bounds,
        |_| (bounds.0, bounds.2),
        |x, y| {
            let d = ((x - centre.0).powi(2) + (y - centre.1).powi(2)).sqrt();
            [outer + 0.5 - d, inner + 0.5 - d]
        },
        [outline, fill],
    );
}

fn paint(colour: Rgb, alpha: u8) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(colour[0], colour[1], colour[2], alpha);
    p.anti_alias = true;
    p
}

/// A five-pointed star (the minimum marker), centred at (x, y).
pub fn star(
    pixmap: &mut Pixmap,
    centre: (f32, f32),
    radius: f32,
    fill: Rgb,
    outline: Rgb,
    outline_width: f32,
    transform: Transform,
) {
    let mut pb = PathBuilder::new();
    for k in 0..10 {
        let r = if k % 2 == 0 { radius } else { radius * 0.45 };
        let a = std::f32::consts::PI * (k as f32 / 5.0 - 0.5);
        let (x, y) = (centre.0 + r * a.cos(), centre.1 + r * a.sin());
        if k == 0 {
            pb.move_to(x, y);
        } else {
            pb.line_to(x, y);
        }
    }
    pb.close();
    let Some(path) = pb.finish() else {
        return;
    };
    pixmap.fill_path(&path, &paint(fill, 255), FillRule::Winding, transform, None);
    let stroke = Stroke {
        width: outline_width,
        line_join: LineJoin::Round,
        ..Stroke::default()
    };
    pixmap.stroke_path(&path, &paint(outline, 255), &stroke, transform, None);
}

/// A small premultiplied RGBA image at a fixed canvas position: a marker rendered once and then
/// blended wherever it is needed, so that every frame and every patch gets exactly the same
/// pixels (a path rasterizer's anti-aliasing may depend on where the drawing is clipped).
pub struct Sprite {
    origin: (i32, i32),
    pixmap: Pixmap,
}

impl Sprite {
    /// A star marker centred at `centre` (canvas coordinates).
    pub fn star(
        centre: (f32, f32),
        radius: f32,
        fill: Rgb,
        outline: Rgb,
        outline_width: f32,
    ) -> Option<Sprite> {
        let pad = radius + outline_width + 2.0;
        let origin = (
            (centre.0 - pad).floor() as i32,
            (centre.1 - pad).floor() as i32,
        );
        let size = (2.0 * pad).ceil() as u32 + 2;
        let mut pixmap = Pixmap::new(size, size)?;
        let t = Transform::from_translate(-origin.0 as f32, -origin.1 as f32);
        star(&mut pixmap, centre, radius, fill, outline, outline_width, t);
        Some(Sprite { origin, pixmap })
    }

    /// The canvas rectangle the sprite covers.
    pub fn rect(&self) -> IRect {
        IRect::of_pixmap(self.origin, &self.pixmap)
    }

    /// Blends the sprite over `target`, whose top-left pixel is at canvas position `origin`.
    pub fn blit(&self, target: &mut Pixmap, origin: (i32, i32)) {
        let area = self.rect().intersect(IRect::of_pixmap(origin, target));
        if area.is_empty() {
            return;
        }
        let (sw, tw) = (self.pixmap.width() as usize, target.width() as usize);
        let src = self.pixmap.data();
        let dst = target.data_mut();
        for y in area.y0..area.y1 {
            for x in area.x0..area.x1 {
                let s = (((y - self.origin.1) as usize) * sw + (x - self.origin.0) as usize) * 4;
                let a = u32::from(src[s + 3]);
                if a == 0 {
                    continue;
                }
                let d = (((y - origin.1) as usize) * tw + (x - origin.0) as usize) * 4;
                for c in 0..3 {
                    let v = u32::from(src[s + c]) + (u32::from(dst[d + c]) * (255 - a) + 127) / 255;
                    dst[d + c] = v.min(255) as u8;
                }
            }
        }
    }
}

/// Clips the segment a → b to `r` (Liang–Barsky), in f64 so that far-away points of a diverging
/// run never reach the f32 rasterizer.
pub fn clip_segment(
    a: (f64, f64),
    b: (f64, f64),
    r: (f64, f64, f64, f64),
) -> Option<((f64, f64), (f64, f64))> {
    let (x0, y0, x1, y1) = r;
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let mut t0: f64 = 0.0;
    let mut t1: f64 = 1.0;
    for (p, q) in [
        (-dx, a.0 - x0),
        (dx, x1 - a.0),
        (-dy, a.1 - y0),
        (dy, y1 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0 > t1 || !t0.is_finite() || !t1.is_finite() {
        return None;
    }
    let (p, q) = (
        (a.0 + t0 * dx, a.1 + t0 * dy),
        (a.0 + t1 * dx, a.1 + t1 * dy),
    );
    // An infinite end point gives ∞ − ∞ on the way: such a segment is not drawn.
    [p.0, p.1, q.0, q.1]
        .iter()
        .all(|v| v.is_finite())
        .then_some((p, q))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The capsule's coverage is its distance field: full inside, none beyond half a pixel out,
    /// and the same whichever way the segment runs.
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
        // Some pixel on the edge is partially covered (anti-aliased).
        assert!((0..64 * 64).any(|i| (1..255).contains(&p.data()[i * 4])));
        // A patch drawn with an origin gives the same pixels as the whole canvas.
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

    #[test]
    fn clipping_keeps_inside_cuts_crossing_drops_outside() {
        let r = (0.0, 0.0, 10.0, 10.0);
        assert_eq!(
            clip_segment((1.0, 1.0), (9.0, 9.0), r),
            Some(((1.0, 1.0), (9.0, 9.0)))
        );
        assert_eq!(
            clip_segment((5.0, 5.0), (15.0, 5.0), r),
            Some(((5.0, 5.0), (10.0, 5.0)))
        );
        assert_eq!(
            clip_segment((-5.0, 5.0), (1e300, 5.0), r).map(|s| s.0),
            Some((0.0, 5.0))
        );
        assert_eq!(clip_segment((11.0, 0.0), (20.0, 5.0), r), None);
    }

    #[test]
    fn rect_union_and_intersection() {
        let a = IRect::new(0, 0, 4, 4);
        let b = IRect::new(2, 3, 9, 5);
        assert_eq!(a.union(b), IRect::new(0, 0, 9, 5));
        assert_eq!(a.intersect(b), IRect::new(2, 3, 4, 4));
        assert_eq!(IRect::default().union(b), b);
    }
}
