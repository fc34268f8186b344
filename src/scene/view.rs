//! What a scene's plot shows: the window over the plane (2-D), or the curve f(x) over an x range
//! with the range of f chosen to show it (1-D). The checker makes the view once; everything
//! drawn after reads it, so no stage guesses the dimension from the numbers.

use crate::surface::{Dims, Point, Surface, Window};

/// A checked scene's view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum View {
    /// A 2-D scene: contours over this window.
    Plane(Window),
    /// A 1-D scene: the curve over `x`, f shown over `f` (see [`curve_range`]).
    Curve { x: (f64, f64), f: (f64, f64) },
}

impl View {
    pub fn dims(&self) -> Dims {
        match self {
            View::Plane(_) => Dims::Two,
            View::Curve { .. } => Dims::One,
        }
    }

    /// The plot's window: x and y over the plane, x and f(x) for a curve.
    pub fn window(&self) -> Window {
        match *self {
            View::Plane(w) => w,
            View::Curve { x, f } => Window::new(x, f),
        }
    }

    /// The window over the plane, for what only a 2-D scene draws (the 3-D view).
    pub fn plane(&self) -> Option<Window> {
        match *self {
            View::Plane(w) => Some(w),
            View::Curve { .. } => None,
        }
    }

    /// The size a tolerance is a share of: the window's larger side, or the x range's width.
    pub fn size(&self) -> f64 {
        match *self {
            View::Plane(w) => w.width().max(w.height()),
            View::Curve { x, .. } => x.1 - x.0,
        }
    }

    /// Where the plot shows the surface's point `p`: `p` itself over the plane, (x, f(x)) on
    /// the curve.
    pub fn plot_point(&self, surface: &Surface, p: Point) -> Point {
        match self {
            View::Plane(_) => p,
            View::Curve { .. } => [p[0], surface.value(p)],
        }
    }

    /// True when the surface's point `p` lies in the view (a curve's: its x in the range).
    pub fn contains(&self, p: Point) -> bool {
        match *self {
            View::Plane(w) => w.contains(p),
            View::Curve { x, .. } => (x.0..=x.1).contains(&p[0]),
        }
    }
}

/// Samples of the curve across its x range when its f range is chosen.
const SAMPLES: usize = 1024;

/// The curve shows f up to this many times the highest start's height above the lowest value,
/// when the curve climbs higher over the range (x¹⁰ over [−10, 10] from x = 1): the runs live
/// below their starts, and the rest of the curve would flatten them into the bottom edge.
const CAP: f64 = 3.0;

/// Why a curve's f range cannot be drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum RangeError {
    /// f is not a finite number anywhere in the range.
    NowhereFinite,
    /// The values to show reach beyond what an axis can hold (the largest magnitude).
    TooLarge(f64),
}

/// The range of f a curve shows over `x` with runs starting at `starts` (their x): from the
/// lowest value over the range to the highest, capped at `CAP` times the highest start's
/// height above the lowest (the starts inside the range), with a margin of 6 % each side. A
/// curve flat to the precision of its values gets a range around them.
pub fn curve_range(
    surface: &Surface,
    x: (f64, f64),
    starts: &[f64],
) -> Result<(f64, f64), RangeError> {
    let f = |x: f64| surface.value([x, 0.0]);
    let width = x.1 - x.0;
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let minima = surface.minima();
    let samples = (0..=SAMPLES)
        .map(|i| x.0 + width * i as f64 / SAMPLES as f64)
        .chain(starts.iter().copied())
        .chain(minima.iter().map(|m| m[0]))
        .filter(|v| (x.0..=x.1).contains(v));
    for v in samples.map(f).filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return Err(RangeError::NowhereFinite);
    }
    let start_top = starts
        .iter()
        .filter(|s| (x.0..=x.1).contains(*s))
        .map(|s| f(*s))
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    if start_top > lo {
        let cap = lo + CAP * (start_top - lo);
        if cap.is_finite() {
            hi = hi.min(cap);
        }
    }
    let span = hi - lo;
    let (a, b) = if span.is_finite() && span > 1e-9 * lo.abs().max(hi.abs()) {
        let m = 0.06 * span;
        (lo - m, hi + m)
    } else if span.is_finite() {
        // Flat: a range around the value, wide enough to read.
        let pad = (lo.abs() * 0.1).max(1.0);
        (lo - pad, hi + pad)
    } else {
        return Err(RangeError::TooLarge(if lo.abs() > hi.abs() {
            lo
        } else {
            hi
        }));
    };
    let limit = crate::picture::plot::AXIS_LIMIT;
    let drawable = a.is_finite()
        && b.is_finite()
        && a.abs() <= limit
        && b.abs() <= limit
        && (b - a).is_finite();
    if !drawable {
        return Err(RangeError::TooLarge(if a.abs() > b.abs() { a } else { b }));
    }
    Ok((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surface::quadratic1d::{Quadratic1d, KIND};

    fn parabola() -> Surface {
        Surface::curve(
            &KIND,
            Quadratic1d {
                lambda: 1.0,
                center: 5.0,
            },
        )
    }

    /// ½(x − 5)² over [−2, 12] from 0: f from 0 to 24.5 (at −2), under the cap (3·12.5), with
    /// 6 % margins.
    #[test]
    fn the_whole_curve_when_it_is_not_much_higher_than_the_start() {
        let (a, b) = curve_range(&parabola(), (-2.0, 12.0), &[0.0]).unwrap();
        let m = 0.06 * 24.5;
        assert!(
            (a + m).abs() < 1e-12 && (b - 24.5 - m).abs() < 1e-12,
            "{a} {b}"
        );
    }

    /// From the minimum's neighbourhood the curve is capped at three times the start's height.
    #[test]
    fn capped_above_the_starts() {
        let (a, b) = curve_range(&parabola(), (-2.0, 12.0), &[4.0]).unwrap();
        let top = 3.0 * 0.5;
        assert!((b - (top + 0.06 * top)).abs() < 1e-12, "{a} {b}");
    }

    #[test]
    fn nowhere_finite_and_too_large_are_errors() {
        let formula = |src: &str| {
            let mut v = crate::keys::Values::default();
            v.set("expr", crate::keys::Value::Text(src.into()));
            (crate::surface::FORMULA.build)(&v).unwrap()
        };
        assert_eq!(
            curve_range(&formula("ln(x)"), (-3.0, -1.0), &[-2.0]),
            Err(RangeError::NowhereFinite)
        );
        assert!(matches!(
            curve_range(&formula("1e305*x"), (-3.0, 3.0), &[2.0]),
            Err(RangeError::TooLarge(_))
        ));
        // A flat curve gets a range around its value.
        let (a, b) = curve_range(&formula("7 + 0*x"), (-3.0, 3.0), &[0.0]).unwrap();
        assert!(a < 7.0 && b > 7.0);
    }
}
