//! Pixel geometry shared by every reader of a picture: whole-pixel rectangles and segment
//! clipping.

/// A rectangle of whole pixels, `x0..x1` × `y0..y1` (exclusive ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
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

    /// The canvas rectangle a `width × height` image covers when its top-left pixel is at
    /// `origin`.
    pub fn at(origin: (i32, i32), width: u32, height: u32) -> IRect {
        IRect::new(
            origin.0,
            origin.1,
            origin.0 + width as i32,
            origin.1 + height as i32,
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

    /// The pixels touched by a disc or box of radius `r` around (x, y), with a pixel to spare
    /// for anti-aliasing.
    pub fn around(x: f32, y: f32, r: f32) -> IRect {
        IRect {
            x0: floor_i32(x - r) - 1,
            y0: floor_i32(y - r) - 1,
            x1: ceil_i32(x + r) + 2,
            y1: ceil_i32(y + r) + 2,
        }
    }

    /// The rectangle grown by `d` pixels on every side.
    pub fn grown(self, d: i32) -> IRect {
        IRect::new(self.x0 - d, self.y0 - d, self.x1 + d, self.y1 + d)
    }

    /// The rectangle as `(x0, y0, x1, y1)` in f64, grown by `pad`.
    pub fn bounds(&self, pad: f64) -> (f64, f64, f64, f64) {
        (
            f64::from(self.x0) - pad,
            f64::from(self.y0) - pad,
            f64::from(self.x1) + pad,
            f64::from(self.y1) + pad,
        )
    }

    /// True when the point lies inside or on the edge.
    pub fn contains(&self, (x, y): (f64, f64)) -> bool {
        x >= f64::from(self.x0)
            && x <= f64::from(self.x1)
            && y >= f64::from(self.y0)
            && y <= f64::from(self.y1)
    }
}

/// A point in pixels, f32, as the painters use.
pub type P32 = (f32, f32);

/// Converts an f64 pixel point to f32 (points are clipped before, so they are small).
/// `x.floor() as i32`, inline: `floor` is a call into libm on x86-64 without SSE4.1, and
/// pixel bounds take millions of them in a long animation (3 % of its instructions).
#[inline]
pub fn floor_i32(x: f32) -> i32 {
    // Below 2³¹ truncating is exact (and an f32 of 2²³ or more is whole already); beyond, and
    // for NaN, the standard way decides.
    if x.abs() < 2_147_483_648.0 {
        let t = x as i32;
        if t as f32 > x {
            t - 1
        } else {
            t
        }
    } else {
        x.floor() as i32
    }
}

/// `x.ceil() as i32`, inline (see [`floor_i32`]).
#[inline]
pub fn ceil_i32(x: f32) -> i32 {
    if x.abs() < 2_147_483_648.0 {
        let t = x as i32;
        if (t as f32) < x {
            t + 1
        } else {
            t
        }
    } else {
        x.ceil() as i32
    }
}

pub fn p32(p: (f64, f64)) -> P32 {
    (p.0 as f32, p.1 as f32)
}

/// Clips the segment a → b to `r` = (x0, y0, x1, y1) (Liang–Barsky), in f64 so that far-away
/// points of a diverging run never reach the f32 painters.
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

    /// The inline floor and ceiling are the standard ones on every kind of f32 that reaches
    /// them: whole, fractional, negative, signed zeros, at the edges of i32, huge, infinite, NaN.
    #[test]
    fn inline_floor_and_ceil_are_the_standard_ones() {
        let mut values = vec![
            0.0f32,
            -0.0,
            0.5,
            -0.5,
            1.0,
            -1.0,
            2.999_999_8,
            -2.999_999_8,
            8_388_607.5,
            -8_388_607.5,
            16_777_217.0,
            2_147_483_520.0,
            -2_147_483_520.0,
            2_147_483_648.0,
            -2_147_483_648.0,
            3e9,
            -3e9,
            1e30,
            f32::MAX,
            f32::MIN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
        ];
        let mut x: u32 = 12345;
        for _ in 0..100_000 {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            values.push(f32::from_bits(x));
            values.push((x as f32 / u32::MAX as f32 - 0.5) * 5000.0);
        }
        for v in values {
            assert_eq!(floor_i32(v), v.floor() as i32, "floor {v:e}");
            assert_eq!(ceil_i32(v), v.ceil() as i32, "ceil {v:e}");
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
        assert_eq!(clip_segment((5.0, 5.0), (f64::INFINITY, f64::NAN), r), None);
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
