//! `rosenbrock`: (a − x)² + b(y − x²)², the curved valley.

use crate::keys::{Key, KeyError, Range, Values};

use super::{DefaultWindow, Dims, Hessian, Point, Surface, SurfaceFn, SurfaceKind, Window};

pub const KIND: SurfaceKind = SurfaceKind {
    name: "rosenbrock",
    formula: "(a − x)² + b(y − x²)²",
    doc: "A curved, flat-bottomed valley with its minimum at (a, a²).",
    keys: &[
        Key::number(
            "a",
            "number",
            "Where the minimum is: (a, a²).",
            Range::ANY,
            1.0,
        ),
        Key::number(
            "b",
            "coefficient",
            "How steep the valley's walls are.",
            Range::above(0.0),
            100.0,
        ),
    ],
    exactly_one_of: &[],
    window: DefaultWindow::Fixed(Window::new((-2.0, 2.0), (-1.0, 3.0))),
    dims: Some(Dims::Two),
    build,
};

fn build(v: &Values) -> Result<Surface, KeyError> {
    Ok(Surface::new(
        &KIND,
        Rosenbrock {
            a: v.number("a"),
            b: v.number("b"),
        },
    ))
}

/// f = (a − x)² + b·(y − x²)².
#[derive(Debug, Clone, PartialEq)]
pub struct Rosenbrock {
    pub a: f64,
    pub b: f64,
}

impl SurfaceFn for Rosenbrock {
    fn value_and_gradient(&self, [x, y]: Point) -> (f64, f64, f64) {
        let Rosenbrock { a, b } = *self;
        let r = y - x * x;
        let f = (a - x).powi(2) + b * r * r;
        (f, -2.0 * (a - x) - 4.0 * b * x * r, 2.0 * b * r)
    }

    /// f_xx = 2 − 4b(y − x²) + 8bx², f_xy = −4bx, f_yy = 2b.
    fn hessian(&self, [x, y]: Point) -> Hessian {
        let Rosenbrock { b, .. } = *self;
        let r = y - x * x;
        let xy = -4.0 * b * x;
        [[2.0 - 4.0 * b * r + 8.0 * b * x * x, xy], [xy, 2.0 * b]]
    }

    fn minima(&self) -> Vec<Point> {
        vec![[self.a, self.a * self.a]]
    }
}
