//! `multi_minima`: (x² − 1)² + tilt·x + y², a shallow pit beside a deeper basin.

use crate::keys::{Key, KeyError, Range, Values};

use super::{DefaultWindow, Dims, Hessian, Point, Surface, SurfaceFn, SurfaceKind, Window};

pub const KIND: SurfaceKind = SurfaceKind {
    name: "multi_minima",
    formula: "(x² − 1)² + tilt·x + y²",
    doc: "A shallow pit at x ≈ 1 beside a deeper basin at x ≈ −1.",
    keys: &[Key::number(
        "tilt",
        "tilt",
        "How much deeper the left basin is than the right pit; beyond ±1.5 the pit disappears.",
        Range::within(1.5),
        0.6,
    )],
    exactly_one_of: &[],
    window: DefaultWindow::Fixed(Window::new((-2.0, 2.0), (-1.5, 1.5))),
    dims: Some(Dims::Two),
    build,
};

fn build(v: &Values) -> Result<Surface, KeyError> {
    Ok(Surface::new(
        &KIND,
        MultiMinima {
            tilt: v.number("tilt"),
        },
    ))
}

/// f = (x² − 1)² + tilt·x + y²: a shallow pit (x > 0) beside a deeper basin (x < 0).
#[derive(Debug, Clone, PartialEq)]
pub struct MultiMinima {
    pub tilt: f64,
}

impl SurfaceFn for MultiMinima {
    fn value_and_gradient(&self, [x, y]: Point) -> (f64, f64, f64) {
        let tilt = self.tilt;
        let w = x * x - 1.0;
        (w * w + tilt * x + y * y, 4.0 * x * w + tilt, 2.0 * y)
    }

    /// f_xx = 12x² − 4, f_yy = 2.
    fn hessian(&self, [x, _]: Point) -> Hessian {
        [[12.0 * x * x - 4.0, 0.0], [0.0, 2.0]]
    }

    fn minima(&self) -> Vec<Point> {
        wells(self.tilt).into_iter().map(|x| [x, 0.0]).collect()
    }

    /// The top of the barrier between the two wells, where there are two: the middle root of
    /// 4x³ − 4x + tilt = 0 (Newton from 0, where the cubic falls with slope −4).
    fn saddles(&self) -> Vec<Point> {
        if wells(self.tilt).len() < 2 {
            return Vec::new();
        }
        let mut x = 0.0_f64;
        for _ in 0..60 {
            x -= (4.0 * x * x * x - 4.0 * x + self.tilt) / (12.0 * x * x - 4.0);
        }
        vec![[x, 0.0]]
    }
}

/// The x of the two wells of (x² − 1)² + tilt·x (the roots of 4x³ − 4x + tilt = 0 outside the
/// barrier), deeper one first. For |tilt| ≥ 4/(3√3)·2 the shallow well disappears.
pub(crate) fn wells(tilt: f64) -> Vec<f64> {
    // Newton from each side; the cubic is monotone beyond |x| ≥ 1/√3.
    let solve = |mut x: f64| {
        for _ in 0..60 {
            let f = 4.0 * x * x * x - 4.0 * x + tilt;
            let d = 12.0 * x * x - 4.0;
            x -= f / d;
        }
        x
    };
    let left = solve(-1.5);
    let right = solve(1.5);
    let mut wells = vec![];
    for x in [left, right] {
        let curvature = 12.0 * x * x - 4.0;
        let residual = 4.0 * x * x * x - 4.0 * x + tilt;
        if curvature > 0.0
            && residual.abs() < 1e-9
            && !wells.iter().any(|w: &f64| (w - x).abs() < 1e-6)
        {
            wells.push(x);
        }
    }
    let f = |x: f64| (x * x - 1.0).powi(2) + tilt * x;
    wells.sort_by(|a, b| f(*a).total_cmp(&f(*b)));
    wells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shallow_pit_and_a_deeper_basin() {
        let s = MultiMinima { tilt: 0.6 };
        let minima = s.minima();
        assert_eq!(minima.len(), 2);
        assert!(minima[0][0] < 0.0 && minima[1][0] > 0.0);
        assert!(s.value(minima[0]) < s.value(minima[1]));
    }

    /// The saddle is a critical point with an indefinite Hessian, between the wells.
    #[test]
    fn the_barrier_top_is_the_saddle_between_the_wells() {
        let s = MultiMinima { tilt: 0.6 };
        let [saddle] = s.saddles()[..] else {
            panic!("one saddle: {:?}", s.saddles());
        };
        let (_, gx, gy) = s.value_and_gradient(saddle);
        assert!(gx.abs() < 1e-12 && gy == 0.0, "{gx} {gy}");
        let h = s.hessian(saddle);
        assert!(h[0][0] < 0.0 && h[1][1] > 0.0);
        let m = s.minima();
        let (lo, hi) = (m[0][0].min(m[1][0]), m[0][0].max(m[1][0]));
        assert!(lo < saddle[0] && saddle[0] < hi);
    }
}
