//! `double_well`: (x² − 1)² + tilt·x, a shallow well beside a deeper one along a line: whether a
//! run rolls out of the shallow one is the whole picture.

use crate::keys::{Key, KeyError, Range, Values};

use super::multi_minima::wells;
use super::{CurveFn, DefaultWindow, Dims, Surface, SurfaceKind};

pub const KIND: SurfaceKind = SurfaceKind {
    name: "double_well",
    formula: "(x² − 1)² + tilt·x",
    doc: "A 1-D double well: a shallow well at x ≈ 1 beside a deeper one at x ≈ −1, a hump \
          between.",
    keys: &[Key::number(
        "tilt",
        "tilt",
        "How much deeper the left well is than the right one; beyond ±1.5 the right one \
         disappears.",
        Range::within(1.5),
        0.3,
    )],
    exactly_one_of: &[],
    window: DefaultWindow::Range((-2.0, 2.0)),
    dims: Some(Dims::One),
    build,
};

fn build(v: &Values) -> Result<Surface, KeyError> {
    Ok(Surface::curve(
        &KIND,
        DoubleWell {
            tilt: v.number("tilt"),
        },
    ))
}

/// f = (x² − 1)² + tilt·x.
#[derive(Debug, Clone, PartialEq)]
pub struct DoubleWell {
    pub tilt: f64,
}

impl DoubleWell {
    /// The top of the hump between the wells: the root of f' = 4x³ − 4x + tilt between them
    /// (f'' < 0 there), by Newton from 0.
    pub fn hump(&self) -> f64 {
        let mut x = 0.0;
        for _ in 0..60 {
            x -= self.value_and_derivative(x).1 / self.second_derivative(x);
        }
        x
    }
}

impl CurveFn for DoubleWell {
    fn value_and_derivative(&self, x: f64) -> (f64, f64) {
        let w = x * x - 1.0;
        (w * w + self.tilt * x, 4.0 * x * w + self.tilt)
    }

    /// f'' = 12x² − 4.
    fn second_derivative(&self, x: f64) -> f64 {
        12.0 * x * x - 4.0
    }

    fn minima(&self) -> Vec<f64> {
        wells(self.tilt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// At x = 2 with tilt 0.3, by hand: f = (4 − 1)² + 0.6 = 9.6, f' = 4·2·3 + 0.3 = 24.3,
    /// f'' = 48 − 4 = 44; at x = 0: f = 1, f' = 0.3, f'' = −4 (the hump's side).
    #[test]
    fn value_derivatives_by_hand() {
        let w = DoubleWell { tilt: 0.3 };
        assert_eq!(w.value_and_derivative(2.0), (9.6, 24.3));
        assert_eq!(w.second_derivative(2.0), 44.0);
        assert_eq!(w.value_and_derivative(0.0), (1.0, 0.3));
        assert_eq!(w.second_derivative(0.0), -4.0);
    }

    /// Two wells, the deeper (left) first, each a root of f' with f'' > 0, and the hump
    /// between them a root with f'' < 0.
    #[test]
    fn two_wells_and_a_hump() {
        let w = DoubleWell { tilt: 0.3 };
        let m = w.minima();
        assert_eq!(m.len(), 2);
        assert!(m[0] < -1.0 && m[1] > 0.9 && m[1] < 1.0, "{m:?}");
        assert!(w.value(m[0]) < w.value(m[1]));
        for x in m.iter().copied().chain([w.hump()]) {
            assert!(w.value_and_derivative(x).1.abs() < 1e-12, "{x}");
        }
        assert!(w.second_derivative(m[0]) > 0.0 && w.second_derivative(m[1]) > 0.0);
        let h = w.hump();
        assert!(w.second_derivative(h) < 0.0 && m[0] < h && h < m[1], "{h}");
        let s = Surface::curve(&KIND, w.clone());
        assert_eq!(s.global_minimum_count(), 1);
    }
}
