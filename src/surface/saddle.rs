//! `saddle`: x² − y², a saddle point at the origin and no minimum.

use crate::keys::{KeyError, Values};

use super::{DefaultWindow, Dims, Hessian, Point, Surface, SurfaceFn, SurfaceKind, Window};

pub const KIND: SurfaceKind = SurfaceKind {
    name: "saddle",
    formula: "x² − y²",
    doc: "A saddle point at the origin: downhill leads away from it, and there is no minimum.",
    keys: &[],
    exactly_one_of: &[],
    window: DefaultWindow::Fixed(Window::new((-2.0, 2.0), (-2.0, 2.0))),
    dims: Some(Dims::Two),
    build,
};

fn build(_: &Values) -> Result<Surface, KeyError> {
    Ok(Surface::new(&KIND, Saddle))
}

/// f = x² − y².
#[derive(Debug, Clone, PartialEq)]
pub struct Saddle;

impl SurfaceFn for Saddle {
    fn value_and_gradient(&self, [x, y]: Point) -> (f64, f64, f64) {
        (x * x - y * y, 2.0 * x, -2.0 * y)
    }

    fn hessian(&self, _: Point) -> Hessian {
        [[2.0, 0.0], [0.0, -2.0]]
    }

    fn minima(&self) -> Vec<Point> {
        vec![]
    }

    fn saddles(&self) -> Vec<Point> {
        vec![[0.0, 0.0]]
    }

    fn quadratic_curvatures(&self) -> Option<(f64, f64)> {
        Some((-2.0, 2.0))
    }
}
