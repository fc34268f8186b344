//! `quadratic1d`: ½·λ·(x − c)², the curve of every damping and convergence formula in 1-D
//! (f(w) = ½λw² of the textbook with w = x − c).

use crate::keys::{Key, KeyError, Range, Values};

use super::{CurveFn, DefaultWindow, Dims, Surface, SurfaceKind};

pub const KIND: SurfaceKind = SurfaceKind {
    name: "quadratic1d",
    formula: "½·lambda·(x − center)²",
    doc: "A 1-D parabola with curvature lambda: the curve the damping and rate formulas are exact \
          on.",
    keys: &[
        Key::number(
            "lambda",
            "curvature",
            "The curvature λ = f'' (the same everywhere).",
            Range::above(0.0),
            1.0,
        )
        .symbol("λ"),
        Key::number("center", "center", "The minimum's x.", Range::ANY, 0.0),
    ],
    exactly_one_of: &[],
    window: DefaultWindow::Range((-3.0, 3.0)),
    dims: Some(Dims::One),
    build,
};

fn build(v: &Values) -> Result<Surface, KeyError> {
    Ok(Surface::curve(
        &KIND,
        Quadratic1d {
            lambda: v.number("lambda"),
            center: v.number("center"),
        },
    ))
}

/// f = ½·λ·(x − c)².
#[derive(Debug, Clone, PartialEq)]
pub struct Quadratic1d {
    pub lambda: f64,
    pub center: f64,
}

impl CurveFn for Quadratic1d {
    fn value_and_derivative(&self, x: f64) -> (f64, f64) {
        let d = x - self.center;
        (0.5 * self.lambda * d * d, self.lambda * d)
    }

    fn second_derivative(&self, _: f64) -> f64 {
        self.lambda
    }

    fn minima(&self) -> Vec<f64> {
        vec![self.center]
    }

    fn curvature(&self) -> Option<f64> {
        Some(self.lambda)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ½·2·(x − 5)² at x = 3: f = 4, f' = −4, f'' = 2, worked by hand.
    #[test]
    fn value_derivative_and_curvature_by_hand() {
        let q = Quadratic1d {
            lambda: 2.0,
            center: 5.0,
        };
        assert_eq!(q.value_and_derivative(3.0), (4.0, -4.0));
        assert_eq!(q.second_derivative(3.0), 2.0);
        assert_eq!(q.minima(), [5.0]);
        let s = Surface::curve(&KIND, q);
        assert_eq!(s.dims(), Dims::One);
        assert_eq!(s.value_and_gradient([3.0, 0.0]), (4.0, -4.0, 0.0));
        assert_eq!(s.hessian([3.0, 0.0]), [[2.0, 0.0], [0.0, 0.0]]);
        assert_eq!(s.quadratic_curvatures(), Some((2.0, 2.0)));
        assert_eq!(s.minima(), [[5.0, 0.0]]);
    }
}
