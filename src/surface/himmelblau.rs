//! `himmelblau`: (x² + y − 11)² + (x + y² − 7)², four minima of equal depth.

use crate::keys::{KeyError, Values};

use super::{DefaultWindow, Dims, Hessian, Point, Surface, SurfaceFn, SurfaceKind, Window};

pub const KIND: SurfaceKind = SurfaceKind {
    name: "himmelblau",
    formula: "(x² + y − 11)² + (x + y² − 7)²",
    doc: "Four minima of equal depth: where a run ends depends on where it starts.",
    keys: &[],
    exactly_one_of: &[],
    window: DefaultWindow::Fixed(Window::new((-5.0, 5.0), (-5.0, 5.0))),
    dims: Some(Dims::Two),
    build,
};

fn build(_: &Values) -> Result<Surface, KeyError> {
    Ok(Surface::new(&KIND, Himmelblau))
}

/// f = (x² + y − 11)² + (x + y² − 7)².
#[derive(Debug, Clone, PartialEq)]
pub struct Himmelblau;

impl SurfaceFn for Himmelblau {
    fn value_and_gradient(&self, [x, y]: Point) -> (f64, f64, f64) {
        let p = x * x + y - 11.0;
        let q = x + y * y - 7.0;
        (p * p + q * q, 4.0 * x * p + 2.0 * q, 2.0 * p + 4.0 * y * q)
    }

    /// With p = x² + y − 11 and q = x + y² − 7: f_xx = 4p + 8x² + 2, f_xy = 4x + 4y,
    /// f_yy = 2 + 4q + 8y².
    fn hessian(&self, [x, y]: Point) -> Hessian {
        let p = x * x + y - 11.0;
        let q = x + y * y - 7.0;
        let xy = 4.0 * x + 4.0 * y;
        [
            [4.0 * p + 8.0 * x * x + 2.0, xy],
            [xy, 2.0 + 4.0 * q + 8.0 * y * y],
        ]
    }

    fn minima(&self) -> Vec<Point> {
        vec![
            [3.0, 2.0],
            [-2.805_118_086_952_745, 3.131_312_518_250_573],
            [-3.779_310_253_377_747, -3.283_185_991_286_17],
            [3.584_428_340_330_492, -1.848_126_526_964_404],
        ]
    }
}
