//! `six_hump_camel`: (4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y², six local minima, two global.

use crate::keys::{KeyError, Values};

use super::{DefaultWindow, Dims, Hessian, Point, Surface, SurfaceFn, SurfaceKind, Window};

pub const KIND: SurfaceKind = SurfaceKind {
    name: "six_hump_camel",
    formula: "(4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²",
    doc: "Six local minima, two of them global.",
    keys: &[],
    exactly_one_of: &[],
    window: DefaultWindow::Fixed(Window::new((-2.0, 2.0), (-1.0, 1.0))),
    dims: Some(Dims::Two),
    build,
};

fn build(_: &Values) -> Result<Surface, KeyError> {
    Ok(Surface::new(&KIND, SixHumpCamel))
}

/// f = (4 − 2.1x² + x⁴/3)·x² + xy + (−4 + 4y²)·y².
#[derive(Debug, Clone, PartialEq)]
pub struct SixHumpCamel;

impl SurfaceFn for SixHumpCamel {
    fn value_and_gradient(&self, [x, y]: Point) -> (f64, f64, f64) {
        let (x2, y2) = (x * x, y * y);
        let f = (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (-4.0 + 4.0 * y2) * y2;
        let gx = 8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y;
        let gy = x - 8.0 * y + 16.0 * y2 * y;
        (f, gx, gy)
    }

    /// f_xx = 8 − 25.2x² + 10x⁴, f_xy = 1, f_yy = −8 + 48y².
    fn hessian(&self, [x, y]: Point) -> Hessian {
        let x2 = x * x;
        [
            [8.0 - 25.2 * x2 + 10.0 * x2 * x2, 1.0],
            [1.0, -8.0 + 48.0 * y * y],
        ]
    }

    fn minima(&self) -> Vec<Point> {
        vec![[0.089_842_0, -0.712_656_4], [-0.089_842_0, 0.712_656_4]]
    }
}
