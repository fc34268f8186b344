//! Finding a surface's local minima inside a window, for formulas that do not list theirs, and
//! telling global minima from local ones.
//!
//! The search is deterministic: a damped Newton descent from each point of a fixed grid over
//! the window, each step −(H + μI)⁻¹∇f with μ just large enough to make the matrix positive
//! definite (so every step goes downhill, and saddles and maxima repel instead of attracting),
//! halved until f decreases (Armijo). A limit point counts as a minimum only where the gradient
//! vanishes to rounding (the last Newton step is tiny), the exact Hessian is positive definite
//! and the point lies inside the window; limits closer than a millionth of the window are one
//! minimum. Points where the Hessian is singular (a valley floor of minima, a kink) are not
//! isolated minima and are not reported. The search stops after a budget of evaluations (the
//! caller's, so that a long formula costs no more time than a short one), keeping what it has
//! found; the grid is walked in a fixed order, so what is found is the same on every run.

use super::{Hessian, Point, Window};

/// Grid points per axis the search starts from.
const GRID: usize = 12;
/// Descent steps per start, at most.
const MAX_STEPS: usize = 200;
/// The most minima reported (the lowest), so that a ripple of hundreds stays readable.
pub const MAX_MINIMA: usize = 32;

/// Two minima whose values differ by at most this much, relative to 1 + |f*|, are equally
/// deep: both global.
pub const SAME_DEPTH: f64 = 1e-9;

/// The eigenvalues (λ_min, λ_max) of a symmetric 2×2 matrix.
pub fn eigenvalues(h: &Hessian) -> (f64, f64) {
    let mean = (h[0][0] + h[1][1]) / 2.0;
    let half_gap = ((h[0][0] - h[1][1]) / 2.0).hypot(h[0][1]);
    (mean - half_gap, mean + half_gap)
}

/// The solution d of (h + μI)·d = g, or `None` when the matrix is singular.
fn solve(h: &Hessian, mu: f64, g: Point) -> Option<Point> {
    let (a, b, c, d) = (h[0][0] + mu, h[0][1], h[1][0], h[1][1] + mu);
    let det = a * d - b * c;
    let scale = a.abs().max(b.abs()).max(c.abs()).max(d.abs());
    if !det.is_finite() || det.abs() <= 1e-14 * scale * scale {
        return None;
    }
    Some([(d * g[0] - b * g[1]) / det, (a * g[1] - c * g[0]) / det])
}

/// The local minima of `f` inside `window`, lowest first (equally deep ones in the order
/// found), from at most `budget` evaluations of `f`, which gives (value, gradient, Hessian) at
/// a point.
pub fn find(
    f: &dyn Fn(Point) -> (f64, Point, Hessian),
    window: &Window,
    budget: usize,
) -> Vec<Point> {
    let size = window.width().max(window.height());
    let evaluations = std::cell::Cell::new(0usize);
    let counted = |p: Point| {
        evaluations.set(evaluations.get() + 1);
        f(p)
    };
    let mut found: Vec<(Point, f64)> = Vec::new();
    for i in 0..GRID {
        for j in 0..GRID {
            if evaluations.get() >= budget {
                break;
            }
            let start = [
                window.x.0 + window.width() * (i as f64 + 0.5) / GRID as f64,
                window.y.0 + window.height() * (j as f64 + 0.5) / GRID as f64,
            ];
            let Some((p, value)) = descend(&counted, start, size, &|| evaluations.get() >= budget)
            else {
                continue;
            };
            if !window.contains(p) {
                continue;
            }
            let same = |q: &Point| (q[0] - p[0]).hypot(q[1] - p[1]) <= 1e-6 * size;
            match found.iter_mut().find(|(q, _)| same(q)) {
                Some(existing) if value < existing.1 => *existing = (p, value),
                Some(_) => {}
                None => found.push((p, value)),
            }
        }
    }
    // Lowest first; a stable sort keeps equally deep minima in grid order.
    found.sort_by(|a, b| a.1.total_cmp(&b.1));
    found.truncate(MAX_MINIMA);
    found.into_iter().map(|(p, _)| p).collect()
}

/// Starts along a line the search descends from (a curve's minima).
const LINE_GRID: usize = 48;

/// The local minima of a curve `f` (which gives (f, f', f'') at x) inside `range`, lowest first,
/// from at most `budget` evaluations: the search over the plane, in one dimension. Newton's
/// step where f'' > 0; elsewhere (a hump, an inflection) a descent step of an eighth of the
/// range, halved until f decreases.
pub fn find_on_line(
    f: &dyn Fn(f64) -> (f64, f64, f64),
    range: (f64, f64),
    budget: usize,
) -> Vec<f64> {
    let size = range.1 - range.0;
    let mut evaluations = 0usize;
    let mut found: Vec<(f64, f64)> = Vec::new();
    'starts: for i in 0..LINE_GRID {
        let mut x = range.0 + size * (i as f64 + 0.5) / LINE_GRID as f64;
        let (mut value, mut g, mut h) = f(x);
        evaluations += 1;
        let mut minimum = None;
        for _ in 0..MAX_STEPS {
            if evaluations >= budget || !(value.is_finite() && g.is_finite() && h.is_finite()) {
                continue 'starts;
            }
            let newton = h > 0.0;
            let d = if newton {
                g / h
            } else {
                g.signum() * size / 8.0
            };
            if newton && d.abs() <= 1e-15 * (size + x.abs()) {
                minimum = Some((x, value));
                break;
            }
            if d == 0.0 {
                // f' = 0 where f'' ≤ 0: a maximum or a flat point, not a minimum.
                continue 'starts;
            }
            let mut t = 1.0;
            loop {
                if evaluations >= budget {
                    continue 'starts;
                }
                let q = x - t * d;
                let (fq, gq, hq) = f(q);
                evaluations += 1;
                if fq.is_finite() && fq <= value - 1e-4 * t * g * d {
                    (x, value, g, h) = (q, fq, gq, hq);
                    break;
                }
                t /= 2.0;
                if t < 1e-12 {
                    // No decrease to be had: x is as low as rounding allows.
                    if h <= 0.0 {
                        continue 'starts;
                    }
                    minimum = Some((x, value));
                    break;
                }
            }
            if minimum.is_some() {
                break;
            }
        }
        let Some((x, value)) = minimum else {
            continue;
        };
        if !(range.0..=range.1).contains(&x) {
            continue;
        }
        match found.iter_mut().find(|(q, _)| (q - x).abs() <= 1e-6 * size) {
            Some(existing) if value < existing.1 => *existing = (x, value),
            Some(_) => {}
            None => found.push((x, value)),
        }
    }
    found.sort_by(|a, b| a.1.total_cmp(&b.1));
    found.truncate(MAX_MINIMA);
    found.into_iter().map(|(x, _)| x).collect()
}

/// Damped Newton descent from `start`; the minimum it ends at with its value, if it is one
/// (`None` too when `spent` says the budget ran out on the way).
fn descend(
    f: &dyn Fn(Point) -> (f64, Point, Hessian),
    start: Point,
    size: f64,
    spent: &dyn Fn() -> bool,
) -> Option<(Point, f64)> {
    let mut p = start;
    let (mut value, mut g, mut h) = f(p);
    for _ in 0..MAX_STEPS {
        if spent() {
            return None;
        }
        if !(value.is_finite() && g[0].is_finite() && g[1].is_finite()) {
            return None;
        }
        let (lo, hi) = eigenvalues(&h);
        if !(lo.is_finite() && hi.is_finite()) {
            return None;
        }
        // Shift the spectrum so that the smallest eigenvalue is a small positive share of the
        // largest: a Newton step where H is positive definite, a descent step elsewhere.
        let floor = 1e-6 * hi.abs().max(1e-12);
        let mu = if lo > floor { 0.0 } else { floor - lo };
        let d = solve(&h, mu, g)?;
        // Converged when the step is down to rounding (the gradient itself is only known to
        // a few units in the last place).
        if d[0].hypot(d[1]) <= 1e-15 * (size + p[0].abs() + p[1].abs()) {
            return is_minimum(&h, mu).then_some((p, value));
        }
        // Armijo backtracking along −d, which is a descent direction (g·d > 0).
        let slope = g[0] * d[0] + g[1] * d[1];
        let mut t = 1.0;
        loop {
            if spent() {
                return None;
            }
            let q = [p[0] - t * d[0], p[1] - t * d[1]];
            let (fq, gq, hq) = f(q);
            if fq.is_finite() && fq <= value - 1e-4 * t * slope {
                p = q;
                (value, g, h) = (fq, gq, hq);
                break;
            }
            t /= 2.0;
            if t < 1e-12 {
                // No decrease to be had: p is as low as rounding allows.
                return is_minimum(&h, mu).then_some((p, value));
            }
        }
    }
    None
}

/// A limit point is a minimum when no damping was needed there: the Hessian is positive
/// definite.
fn is_minimum(h: &Hessian, mu: f64) -> bool {
    let (lo, hi) = eigenvalues(h);
    mu == 0.0 && lo > 1e-9 * hi.abs().max(1e-300)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(r: f64) -> Window {
        Window::new((-r, r), (-r, r))
    }

    #[test]
    fn eigenvalues_of_a_symmetric_matrix() {
        let (lo, hi) = eigenvalues(&[[2.0, 1.0], [1.0, 2.0]]);
        assert!((lo - 1.0).abs() < 1e-15 && (hi - 3.0).abs() < 1e-15);
    }

    /// f = (x² − 1)² + y²: two minima at (±1, 0), a saddle at the origin which the search
    /// must not report.
    #[test]
    fn two_wells_and_no_saddle() {
        let f = |[x, y]: Point| {
            let w = x * x - 1.0;
            (
                w * w + y * y,
                [4.0 * x * w, 2.0 * y],
                [[12.0 * x * x - 4.0, 0.0], [0.0, 2.0]],
            )
        };
        let minima = find(&f, &window(2.0), 100_000);
        assert_eq!(minima.len(), 2, "{minima:?}");
        for m in &minima {
            assert!(
                (m[0].abs() - 1.0).abs() < 1e-12 && m[1].abs() < 1e-12,
                "{m:?}"
            );
        }
    }

    /// Minima outside the window are not reported; a maximum never is.
    #[test]
    fn only_minima_inside_the_window() {
        // f = −cos x − cos y: minima at (2πk, 2πl), maxima at (π + 2πk, π + 2πl), saddles
        // between.
        let f = |[x, y]: Point| {
            let (sx, cx) = x.sin_cos();
            let (sy, cy) = y.sin_cos();
            (-cx - cy, [sx, sy], [[cx, 0.0], [0.0, cy]])
        };
        let minima = find(&f, &window(4.0), 100_000);
        assert_eq!(minima.len(), 1, "{minima:?}");
        assert!(minima[0][0].abs() < 1e-12 && minima[0][1].abs() < 1e-12);
        let minima = find(&f, &Window::new((2.0, 9.0), (-1.0, 1.0)), 100_000);
        assert_eq!(minima.len(), 1);
        assert!((minima[0][0] - std::f64::consts::TAU).abs() < 1e-9);
    }

    /// Along a line: the tilted double well's two wells, deeper first, and not its hump; a
    /// maximum's neighbourhood (−x²) has none.
    #[test]
    fn two_wells_on_a_line_and_no_hump() {
        let f = |x: f64| {
            let w = x * x - 1.0;
            (w * w + 0.3 * x, 4.0 * x * w + 0.3, 12.0 * x * x - 4.0)
        };
        let minima = find_on_line(&f, (-2.0, 2.0), 100_000);
        assert_eq!(minima.len(), 2, "{minima:?}");
        assert!(minima[0] < -1.0 && minima[1] > 0.9, "{minima:?}");
        for m in &minima {
            assert!(f(*m).1.abs() < 1e-12, "{m}");
        }
        assert!(find_on_line(&|x: f64| (-x * x, -2.0 * x, -2.0), (-1.0, 1.0), 100_000).is_empty());
    }

    /// The budget bounds the work, and a small one finds what its first starts reach.
    #[test]
    fn the_budget_bounds_the_evaluations() {
        let calls = std::cell::Cell::new(0);
        let f = |[x, y]: Point| {
            calls.set(calls.get() + 1);
            let w = x * x - 1.0;
            (
                w * w + y * y,
                [4.0 * x * w, 2.0 * y],
                [[12.0 * x * x - 4.0, 0.0], [0.0, 2.0]],
            )
        };
        let all = find(&f, &window(2.0), 100_000);
        let unbounded = calls.replace(0);
        let some = find(&f, &window(2.0), 60);
        assert!(calls.get() <= 60, "{} evaluations", calls.get());
        assert!(unbounded > 60 && some.len() <= all.len() && !some.is_empty());
    }
}
