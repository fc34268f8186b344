//! `beale`: (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², flat plateaus and sharp
//! ridges.

use crate::keys::{KeyError, Values};

use super::{DefaultWindow, Dims, Hessian, Point, Surface, SurfaceFn, SurfaceKind, Window};

pub const KIND: SurfaceKind = SurfaceKind {
    name: "beale",
    formula: "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
    doc: "Flat plateaus and steep ridges around a minimum at (3, 0.5).",
    keys: &[],
    exactly_one_of: &[],
    window: DefaultWindow::Fixed(Window::new((-4.5, 4.5), (-4.5, 4.5))),
    dims: Some(Dims::Two),
    build,
};

fn build(_: &Values) -> Result<Surface, KeyError> {
    Ok(Surface::new(&KIND, Beale))
}

/// f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)².
#[derive(Debug, Clone, PartialEq)]
pub struct Beale;

impl SurfaceFn for Beale {
    fn value_and_gradient(&self, [x, y]: Point) -> (f64, f64, f64) {
        let t1 = 1.5 - x + x * y;
        let t2 = 2.25 - x + x * y * y;
        let t3 = 2.625 - x + x * y * y * y;
        let f = t1 * t1 + t2 * t2 + t3 * t3;
        let gx = 2.0 * t1 * (y - 1.0) + 2.0 * t2 * (y * y - 1.0) + 2.0 * t3 * (y * y * y - 1.0);
        let gy = 2.0 * t1 * x + 4.0 * t2 * x * y + 6.0 * t3 * x * y * y;
        (f, gx, gy)
    }

    /// f = Σ tᵢ² with tᵢ = cᵢ − x + x·yⁱ: f_xx = 2Σ(yⁱ − 1)², f_xy = 2Σ((yⁱ − 1)·i·x·yⁱ⁻¹ +
    /// tᵢ·i·yⁱ⁻¹), f_yy = 2Σ((i·x·yⁱ⁻¹)² + tᵢ·i(i − 1)·x·yⁱ⁻²).
    fn hessian(&self, [x, y]: Point) -> Hessian {
        let (mut xx, mut xy, mut yy) = (0.0, 0.0, 0.0);
        for (i, c) in [(1, 1.5), (2, 2.25), (3, 2.625)] {
            let n = f64::from(i);
            let y_i = y.powi(i);
            let y_i1 = y.powi(i - 1);
            let y_i2 = if i >= 2 { y.powi(i - 2) } else { 0.0 };
            let t = c - x + x * y_i;
            let tx = y_i - 1.0;
            let ty = n * x * y_i1;
            xx += 2.0 * tx * tx;
            xy += 2.0 * (tx * ty + t * n * y_i1);
            yy += 2.0 * (ty * ty + t * n * (n - 1.0) * x * y_i2);
        }
        [[xx, xy], [xy, yy]]
    }

    fn minima(&self) -> Vec<Point> {
        vec![[3.0, 0.5]]
    }
}
