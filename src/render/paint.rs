//! Anti-aliased, sub-pixel drawing of paths and markers with tiny-skia.
//!
//! plotters draws text and axes; its strokes wider than one pixel are not anti-aliased and its
//! coordinates are whole pixels, so everything that moves (paths, heads) and every marker is drawn
//! here instead, onto the same pixels.

use tiny_skia::{FillRule, LineCap, LineJoin, Mask, Paint, PathBuilder, Pixmap, Stroke, Transform};

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

fn paint(colour: Rgb, alpha: u8) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(colour[0], colour[1], colour[2], alpha);
    p.anti_alias = true;
    p
}

/// Strokes the segment a → b (pixel coordinates) with round caps.
pub fn segment(
    pixmap: &mut Pixmap,
    a: (f32, f32),
    b: (f32, f32),
    colour: Rgb,
    width: f32,
    clip: Option<&Mask>,
) {
    let mut pb = PathBuilder::new();
    pb.move_to(a.0, a.1);
    pb.line_to(b.0, b.1);
    if let Some(path) = pb.finish() {
        let stroke = Stroke {
            width,
            line_cap: LineCap::Round,
            line_join: LineJoin::Round,
            ..Stroke::default()
        };
        pixmap.stroke_path(
            &path,
            &paint(colour, 255),
            &stroke,
            Transform::identity(),
            clip,
        );
    }
}

/// A filled disc with an outline, centred at (x, y) in the coordinates of `transform`.
pub fn disc(
    pixmap: &mut Pixmap,
    centre: (f32, f32),
    radius: f32,
    fill: Option<Rgb>,
    outline: Rgb,
    outline_width: f32,
    transform: Transform,
) {
    let Some(path) = PathBuilder::from_circle(centre.0, centre.1, radius) else {
        return;
    };
    if let Some(fill) = fill {
        pixmap.fill_path(&path, &paint(fill, 255), FillRule::Winding, transform, None);
    }
    let stroke = Stroke {
        width: outline_width,
        ..Stroke::default()
    };
    pixmap.stroke_path(&path, &paint(outline, 255), &stroke, transform, None);
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

/// A diagonal cross (where a diverged run stopped), centred at (x, y).
pub fn cross(
    pixmap: &mut Pixmap,
    centre: (f32, f32),
    radius: f32,
    colour: Rgb,
    width: f32,
    transform: Transform,
) {
    let mut pb = PathBuilder::new();
    pb.move_to(centre.0 - radius, centre.1 - radius);
    pb.line_to(centre.0 + radius, centre.1 + radius);
    pb.move_to(centre.0 - radius, centre.1 + radius);
    pb.line_to(centre.0 + radius, centre.1 - radius);
    if let Some(path) = pb.finish() {
        let stroke = Stroke {
            width,
            line_cap: LineCap::Round,
            ..Stroke::default()
        };
        pixmap.stroke_path(&path, &paint(colour, 255), &stroke, transform, None);
    }
}

/// A mask that lets drawing through inside `rect` only.
pub fn rect_mask(width: u32, height: u32, rect: IRect) -> Option<Mask> {
    let mut mask = Mask::new(width, height)?;
    let r = tiny_skia::Rect::from_ltrb(
        rect.x0 as f32,
        rect.y0 as f32,
        rect.x1 as f32,
        rect.y1 as f32,
    )?;
    let path = PathBuilder::from_rect(r);
    mask.fill_path(&path, FillRule::Winding, false, Transform::identity());
    Some(mask)
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
    Some((
        (a.0 + t0 * dx, a.1 + t0 * dy),
        (a.0 + t1 * dx, a.1 + t1 * dy),
    ))
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
    }

    #[test]
    fn rect_union_and_intersection() {
        let a = IRect {
            x0: 0,
            y0: 0,
            x1: 4,
            y1: 4,
        };
        let b = IRect {
            x0: 2,
            y0: 3,
            x1: 9,
            y1: 5,
        };
        assert_eq!(
            a.union(b),
            IRect {
                x0: 0,
                y0: 0,
                x1: 9,
                y1: 5
            }
        );
        assert_eq!(
            a.intersect(b),
            IRect {
                x0: 2,
                y0: 3,
                x1: 4,
                y1: 4
            }
        );
        assert_eq!(IRect::default().union(b), b);
    }
}
