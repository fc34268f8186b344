//! `beale`: (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², flat plateaus and sharp
//! ridges.

use crate::keys::{KeyError, Values};

use super::{DefaultWindow, Point, Surface, SurfaceFn, SurfaceKind, Window};

pub const KIND: SurfaceKind = SurfaceKind {
    name: "beale",
    formula: "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
    doc: "Flat plateaus and steep ridges around a minimum at (3, 0.5).",
    keys: &[],
    exactly_one_of: &[],
    window: DefaultWindow::Fixed(Window::new((-4.5, 4.5), (-4.5, 4.5))),
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

    fn minima(&self) -> Vec<Point> {
        vec![[3.0, 0.5]]
    }
}
