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
            x0: (x - r).floor() as i32 - 1,
            y0: (y - r).floor() as i32 - 1,
            x1: (x + r).ceil() as i32 + 2,
            y1: (y + r).ceil() as i32 + 2,
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
