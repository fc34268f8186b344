//! `quadratic`: ½(a·u² + b·v²), a convex bowl with curvatures a and b along axes rotated by
//! `angle` around `center`. The surface every theory chart is exact on.

use crate::keys::{Key, KeyError, Range, Type, Values};

use super::{DefaultWindow, Dims, Hessian, Point, Surface, SurfaceFn, SurfaceKind, Window};

pub const KIND: SurfaceKind = SurfaceKind {
    name: "quadratic",
    formula: "½(a·u² + b·v²), (u, v) = (x − cx, y − cy) rotated by −angle",
    doc: "A convex quadratic with curvatures a and b along its principal axes.",
    keys: &[
        Key::number(
            "a",
            "curvature",
            "The curvature along the first principal axis.",
            Range::above(0.0),
            1.0,
        ),
        Key::number(
            "b",
            "curvature",
            "The curvature along the second principal axis.",
            Range::above(0.0),
            10.0,
        ),
        Key::number(
            "angle",
            "angle in degrees",
            "The rotation of the principal axes, in degrees.",
            Range::ANY,
            0.0,
        ),
        Key::new("center", Type::Point, "point", "The minimum [cx, cy].")
            .absent(crate::keys::Absent::Point([0.0, 0.0])),
    ],
    exactly_one_of: &[],
    window: DefaultWindow::Fixed(Window::new((-3.0, 3.0), (-3.0, 3.0))),
    dims: Some(Dims::Two),
    build,
};

fn build(v: &Values) -> Result<Surface, KeyError> {
    Ok(Surface::new(
        &KIND,
        Quadratic {
            a: v.number("a"),
            b: v.number("b"),
            angle: v.number("angle").to_radians(),
            center: v.point("center"),
        },
    ))
}

/// f = ½(a·u² + b·v²), (u, v) = (x − cx, y − cy) rotated by −angle. Also the math of `bowl` and
/// `ravine`.
#[derive(Debug, Clone, PartialEq)]
pub struct Quadratic {
    pub a: f64,
    pub b: f64,
    /// Rotation of the principal axes, in radians.
    pub angle: f64,
    pub center: Point,
}

impl SurfaceFn for Quadratic {
    fn value_and_gradient(&self, p: Point) -> (f64, f64, f64) {
        let Quadratic {
            a,
            b,
            angle,
            center,
        } = *self;
        let [x, y] = p;
        let (dx, dy) = (x - center[0], y - center[1]);
        if angle == 0.0 {
            let f = 0.5 * (a * dx * dx + b * dy * dy);
            return (f, a * dx, b * dy);
        }
        let (s, c) = angle.sin_cos();
        let u = c * dx + s * dy;
        let v = -s * dx + c * dy;
        let f = 0.5 * (a * u * u + b * v * v);
        (f, a * u * c - b * v * s, a * u * s + b * v * c)
    }

    /// Rᵀ·diag(a, b)·R: f_xx = a·c² + b·s², f_xy = (a − b)·s·c, f_yy = a·s² + b·c² with
    /// (s, c) = (sin, cos) of the angle; diag(a, b) unrotated.
    fn hessian(&self, _: Point) -> Hessian {
        let Quadratic { a, b, angle, .. } = *self;
        if angle == 0.0 {
            return [[a, 0.0], [0.0, b]];
        }
        let (s, c) = angle.sin_cos();
        let xy = (a - b) * s * c;
        [[a * c * c + b * s * s, xy], [xy, a * s * s + b * c * c]]
    }

    fn minima(&self) -> Vec<Point> {
        vec![self.center]
    }

    fn quadratic_curvatures(&self) -> Option<(f64, f64)> {
        Some((self.a.min(self.b), self.a.max(self.b)))
    }

    fn x_curvature(&self) -> Option<f64> {
        (self.angle == 0.0).then_some(self.a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_is_the_rotated_hessian_product() {
        // For angle 0 the gradient is (a·x, b·y) exactly.
        let q = Quadratic {
            a: 1.0,
            b: 10.0,
            angle: 0.0,
            center: [0.0, 0.0],
        };
        assert_eq!(q.value_and_gradient([2.5, -2.0]), (23.125, 2.5, -20.0));
    }
}
