//! `rastrigin`: 2a + x² − a·cos 2πx + y² − a·cos 2πy, a bowl covered in local minima.

use crate::keys::{Key, KeyError, Range, Values};

use super::{DefaultWindow, Dims, Hessian, Point, Surface, SurfaceFn, SurfaceKind, Window};

pub const KIND: SurfaceKind = SurfaceKind {
    name: "rastrigin",
    formula: "2a + x² − a·cos 2πx + y² − a·cos 2πy",
    doc: "A bowl covered in a grid of local minima; the global one is at the origin.",
    keys: &[Key::number(
        "a",
        "amplitude",
        "The amplitude of the ripples.",
        Range::at_least(0.0),
        10.0,
    )],
    exactly_one_of: &[],
    window: DefaultWindow::Fixed(Window::new((-5.12, 5.12), (-5.12, 5.12))),
    dims: Some(Dims::Two),
    build,
};

fn build(v: &Values) -> Result<Surface, KeyError> {
    Ok(Surface::new(&KIND, Rastrigin { a: v.number("a") }))
}

/// f = 2A + x² − A·cos 2πx + y² − A·cos 2πy.
#[derive(Debug, Clone, PartialEq)]
pub struct Rastrigin {
    pub a: f64,
}

impl SurfaceFn for Rastrigin {
    fn value_and_gradient(&self, [x, y]: Point) -> (f64, f64, f64) {
        let a = self.a;
        let tau = std::f64::consts::TAU;
        let f = 2.0 * a + x * x - a * (tau * x).cos() + y * y - a * (tau * y).cos();
        (
            f,
            2.0 * x + a * tau * (tau * x).sin(),
            2.0 * y + a * tau * (tau * y).sin(),
        )
    }

    /// f_xx = 2 + A·4π²·cos 2πx, f_yy likewise, f_xy = 0.
    fn hessian(&self, [x, y]: Point) -> Hessian {
        let a = self.a;
        let tau = std::f64::consts::TAU;
        [
            [2.0 + a * tau * tau * (tau * x).cos(), 0.0],
            [0.0, 2.0 + a * tau * tau * (tau * y).cos()],
        ]
    }

    fn minima(&self) -> Vec<Point> {
        vec![[0.0, 0.0]]
    }
}
