//! Loss surfaces f(x, y): the built-in catalogue and user formulas.
//!
//! A [`Surface`] is immutable and knows its value, its exact gradient, its known minima (to mark on
//! figures) and a sensible default view window. A new built-in surface is a new [`Surface`]
//! variant plus its entry in [`SurfaceKind`] (name, formula and parameters for `render --list`).

use crate::expr::Expr;

/// A point or vector in the plane.
pub type Point = [f64; 2];

/// A view window `[x_min, x_max] × [y_min, y_max]`, with min < max on both axes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl Window {
    pub const fn new(x: (f64, f64), y: (f64, f64)) -> Self {
        Window { x, y }
    }

    pub fn width(&self) -> f64 {
        self.x.1 - self.x.0
    }

    pub fn height(&self) -> f64 {
        self.y.1 - self.y.0
    }

    /// The window grown by `factor` times its own size on every side: the bound that a run must
    /// stay inside (see [`crate::trajectory`]).
    pub fn grown(&self, factor: f64) -> Window {
        let (dx, dy) = (self.width() * factor, self.height() * factor);
        Window::new(
            (self.x.0 - dx, self.x.1 + dx),
            (self.y.0 - dy, self.y.1 + dy),
        )
    }

    pub fn contains(&self, p: Point) -> bool {
        (self.x.0..=self.x.1).contains(&p[0]) && (self.y.0..=self.y.1).contains(&p[1])
    }
}

/// Least-squares data summarised for the MSE surface of y ≈ m·x + b.
///
/// The loss is kept in its exact quadratic form around the least-squares optimum,
/// f(m, b) = f* + h_mm·dm² + 2·h_mb·dm·db + h_bb·db², which is algebraically equal to
/// (1/n)·Σ(m·xᵢ + b − yᵢ)² but evaluates in O(1) and does not lose digits near the optimum.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearRegression {
    /// The data points (xᵢ, yᵢ).
    pub points: Vec<Point>,
    h_mm: f64,
    h_mb: f64,
    h_bb: f64,
    /// The least-squares slope and intercept.
    pub optimum: Point,
    /// The MSE at the optimum.
    pub min_loss: f64,
}

impl LinearRegression {
    /// Summarises the data; `None` when the x values do not vary (the optimum is not unique).
    pub fn new(points: Vec<Point>) -> Option<Self> {
        let n = points.len() as f64;
        if points.len() < 2 {
            return None;
        }
        let mean_x = points.iter().map(|p| p[0]).sum::<f64>() / n;
        let mean_y = points.iter().map(|p| p[1]).sum::<f64>() / n;
        let sxx: f64 = points.iter().map(|p| (p[0] - mean_x).powi(2)).sum();
        let sxy: f64 = points
            .iter()
            .map(|p| (p[0] - mean_x) * (p[1] - mean_y))
            .sum();
        if sxx.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) || !sxx.is_finite() {
            return None;
        }
        let m = sxy / sxx;
        let b = mean_y - m * mean_x;
        let min_loss = points
            .iter()
            .map(|p| (m * p[0] + b - p[1]).powi(2))
            .sum::<f64>()
            / n;
        let sum_x2 = points.iter().map(|p| p[0] * p[0]).sum::<f64>();
        Some(LinearRegression {
            h_mm: sum_x2 / n,
            h_mb: mean_x,
            h_bb: 1.0,
            optimum: [m, b],
            min_loss,
            points,
        })
    }

    fn value_and_gradient(&self, m: f64, b: f64) -> (f64, f64, f64) {
        let dm = m - self.optimum[0];
        let db = b - self.optimum[1];
        let gm = self.h_mm * dm + self.h_mb * db;
        let gb = self.h_mb * dm + self.h_bb * db;
        let f = self.min_loss + dm * gm + db * gb;
        (f, 2.0 * gm, 2.0 * gb)
    }
}

/// A loss surface over the plane.
#[derive(Debug, Clone)]
pub enum Surface {
    /// f = ½(a·u² + b·v²), (u, v) = (x − cx, y − cy) rotated by −angle.
    Quadratic {
        a: f64,
        b: f64,
        /// Rotation of the principal axes, in radians.
        angle: f64,
        center: Point,
    },
    /// f = (a − x)² + b·(y − x²)².
    Rosenbrock { a: f64, b: f64 },
    /// f = (x² + y − 11)² + (x + y² − 7)².
    Himmelblau,
    /// f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)².
    Beale,
    /// f = x² − y².
    Saddle,
    /// f = 2A + x² − A·cos 2πx + y² − A·cos 2πy.
    Rastrigin { a: f64 },
    /// f = (4 − 2.1x² + x⁴/3)·x² + xy + (−4 + 4y²)·y².
    SixHumpCamel,
    /// f = (x² − 1)² + tilt·x + y²: a shallow pit (x > 0) beside a deeper basin (x < 0).
    MultiMinima { tilt: f64 },
    /// The MSE of y ≈ m·x + b over the data, as a function of (m, b) = (x, y).
    LinearRegression(LinearRegression),
    /// A user formula in x and y; `minima` are the points the user asked to mark.
    Formula { expr: Expr, minima: Vec<Point> },
}

/// The name, formula, parameters and default window of a built-in surface kind.
#[derive(Debug, Clone, Copy)]
pub struct SurfaceKind {
    pub name: &'static str,
    pub formula: &'static str,
    /// Parameter keys with their defaults, as `key = default`.
    pub parameters: &'static str,
    pub window: Window,
}

/// Every built-in surface kind, in the order `render --list` shows them.
pub const SURFACE_KINDS: &[SurfaceKind] = &[
    SurfaceKind {
        name: "quadratic",
        formula: "½(a·u² + b·v²), (u, v) = (x − cx, y − cy) rotated by −angle",
        parameters: "a = 1, b = 10, angle = 0 (degrees), center = [0, 0]",
        window: Window::new((-3.0, 3.0), (-3.0, 3.0)),
    },
    SurfaceKind {
        name: "bowl",
        formula: "x² + y²",
        parameters: "",
        window: Window::new((-3.0, 3.0), (-3.0, 3.0)),
    },
    SurfaceKind {
        name: "ravine",
        formula: "x² + 100·y²",
        parameters: "",
        window: Window::new((-3.0, 3.0), (-1.0, 1.0)),
    },
    SurfaceKind {
        name: "rosenbrock",
        formula: "(a − x)² + b·(y − x²)²",
        parameters: "a = 1, b = 100",
        window: Window::new((-2.0, 2.0), (-1.0, 3.0)),
    },
    SurfaceKind {
        name: "himmelblau",
        formula: "(x² + y − 11)² + (x + y² − 7)²",
        parameters: "",
        window: Window::new((-5.0, 5.0), (-5.0, 5.0)),
    },
    SurfaceKind {
        name: "beale",
        formula: "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
        parameters: "",
        window: Window::new((-4.5, 4.5), (-4.5, 4.5)),
    },
    SurfaceKind {
        name: "saddle",
        formula: "x² − y²",
        parameters: "",
        window: Window::new((-2.0, 2.0), (-2.0, 2.0)),
    },
    SurfaceKind {
        name: "rastrigin",
        formula: "2a + x² − a·cos 2πx + y² − a·cos 2πy",
        parameters: "a = 10",
        window: Window::new((-5.12, 5.12), (-5.12, 5.12)),
    },
    SurfaceKind {
        name: "six_hump_camel",
        formula: "(4 − 2.1x² + x⁴/3)·x² + xy + (−4 + 4y²)·y²",
        parameters: "",
        window: Window::new((-2.0, 2.0), (-1.0, 1.0)),
    },
    SurfaceKind {
        name: "multi_minima",
        formula: "(x² − 1)² + tilt·x + y²: shallow pit at x ≈ 1, deeper basin at x ≈ −1",
        parameters: "tilt = 0.6",
        window: Window::new((-2.0, 2.0), (-1.5, 1.5)),
    },
    SurfaceKind {
        name: "linear_regression",
        formula: "(1/n)·Σ(m·xᵢ + b − yᵢ)² over (m, b) = (x, y)",
        parameters: "data = [[x, y], ...] or data_file = \"points.csv\"",
        window: Window::new((-3.0, 3.0), (-3.0, 3.0)),
    },
];

/// Looks up a built-in surface kind by name.
pub fn surface_kind(name: &str) -> Option<&'static SurfaceKind> {
    SURFACE_KINDS.iter().find(|k| k.name == name)
}

impl Surface {
    /// f(x, y).
    pub fn value(&self, p: Point) -> f64 {
        match self {
            Surface::Formula { expr, .. } => expr.value(p[0], p[1]),
            _ => self.value_and_gradient(p).0,
        }
    }

    /// ∇f(x, y).
    pub fn gradient(&self, p: Point) -> Point {
        let (_, gx, gy) = self.value_and_gradient(p);
        [gx, gy]
    }

    /// (f, ∂f/∂x, ∂f/∂y), exact.
    pub fn value_and_gradient(&self, p: Point) -> (f64, f64, f64) {
        let [x, y] = p;
        match self {
            Surface::Quadratic {
                a,
                b,
                angle,
                center,
            } => {
                let (dx, dy) = (x - center[0], y - center[1]);
                if *angle == 0.0 {
                    let f = 0.5 * (a * dx * dx + b * dy * dy);
                    return (f, a * dx, b * dy);
                }
                let (s, c) = angle.sin_cos();
                let u = c * dx + s * dy;
                let v = -s * dx + c * dy;
                let f = 0.5 * (a * u * u + b * v * v);
                (f, a * u * c - b * v * s, a * u * s + b * v * c)
            }
            Surface::Rosenbrock { a, b } => {
                let r = y - x * x;
                let f = (a - x).powi(2) + b * r * r;
                (f, -2.0 * (a - x) - 4.0 * b * x * r, 2.0 * b * r)
            }
            Surface::Himmelblau => {
                let p = x * x + y - 11.0;
                let q = x + y * y - 7.0;
                (p * p + q * q, 4.0 * x * p + 2.0 * q, 2.0 * p + 4.0 * y * q)
            }
            Surface::Beale => {
                let t1 = 1.5 - x + x * y;
                let t2 = 2.25 - x + x * y * y;
                let t3 = 2.625 - x + x * y * y * y;
                let f = t1 * t1 + t2 * t2 + t3 * t3;
                let gx =
                    2.0 * t1 * (y - 1.0) + 2.0 * t2 * (y * y - 1.0) + 2.0 * t3 * (y * y * y - 1.0);
                let gy = 2.0 * t1 * x + 4.0 * t2 * x * y + 6.0 * t3 * x * y * y;
                (f, gx, gy)
            }
            Surface::Saddle => (x * x - y * y, 2.0 * x, -2.0 * y),
            Surface::Rastrigin { a } => {
                let tau = std::f64::consts::TAU;
                let f = 2.0 * a + x * x - a * (tau * x).cos() + y * y - a * (tau * y).cos();
                (
                    f,
                    2.0 * x + a * tau * (tau * x).sin(),
                    2.0 * y + a * tau * (tau * y).sin(),
                )
            }
            Surface::SixHumpCamel => {
                let (x2, y2) = (x * x, y * y);
                let f = (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (-4.0 + 4.0 * y2) * y2;
                let gx = 8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y;
                let gy = x - 8.0 * y + 16.0 * y2 * y;
                (f, gx, gy)
            }
            Surface::MultiMinima { tilt } => {
                let w = x * x - 1.0;
                (w * w + tilt * x + y * y, 4.0 * x * w + tilt, 2.0 * y)
            }
            Surface::LinearRegression(lr) => lr.value_and_gradient(x, y),
            Surface::Formula { expr, .. } => expr.value_and_gradient(x, y),
        }
    }

    /// The known minima, to mark on figures (global ones first where the surface has several).
    pub fn minima(&self) -> Vec<Point> {
        match self {
            Surface::Quadratic { center, .. } => vec![*center],
            Surface::Rosenbrock { a, .. } => vec![[*a, a * a]],
            Surface::Himmelblau => vec![
                [3.0, 2.0],
                [-2.805_118_086_952_745, 3.131_312_518_250_573],
                [-3.779_310_253_377_747, -3.283_185_991_286_17],
                [3.584_428_340_330_492, -1.848_126_526_964_404],
            ],
            Surface::Beale => vec![[3.0, 0.5]],
            Surface::Saddle => vec![],
            Surface::Rastrigin { .. } => vec![[0.0, 0.0]],
            Surface::SixHumpCamel => vec![[0.089_842_0, -0.712_656_4], [-0.089_842_0, 0.712_656_4]],
            Surface::MultiMinima { tilt } => multi_minima_wells(*tilt)
                .into_iter()
                .map(|x| [x, 0.0])
                .collect(),
            Surface::LinearRegression(lr) => vec![lr.optimum],
            Surface::Formula { minima, .. } => minima.clone(),
        }
    }

    /// The lowest value at the known minima (f*), when there are minima and it is finite.
    pub fn lowest_minimum(&self) -> Option<f64> {
        let f = self
            .minima()
            .iter()
            .map(|m| self.value(*m))
            .fold(f64::INFINITY, f64::min);
        f.is_finite().then_some(f)
    }

    /// The principal curvatures (λ_min, λ_max) when the surface is a quadratic with a constant
    /// Hessian; `None` otherwise. Used for the theory that holds exactly on quadratics.
    pub fn quadratic_curvatures(&self) -> Option<(f64, f64)> {
        match self {
            Surface::Quadratic { a, b, .. } => Some((a.min(*b), a.max(*b))),
            Surface::Saddle => Some((-2.0, 2.0)),
            Surface::LinearRegression(lr) => {
                let tr = 2.0 * (lr.h_mm + lr.h_bb);
                let det = 4.0 * (lr.h_mm * lr.h_bb - lr.h_mb * lr.h_mb);
                let disc = (tr * tr / 4.0 - det).max(0.0).sqrt();
                Some((tr / 2.0 - disc, tr / 2.0 + disc))
            }
            _ => None,
        }
    }

    /// Axis names: (x, y) for most surfaces, (m, b) for linear regression.
    pub fn axis_names(&self) -> (&'static str, &'static str) {
        match self {
            Surface::LinearRegression(_) => ("m (slope)", "b (intercept)"),
            _ => ("x", "y"),
        }
    }
}

/// The x of the two wells of (x² − 1)² + tilt·x (the roots of 4x³ − 4x + tilt = 0 outside the
/// barrier), deeper one first. For |tilt| ≥ 4/(3√3)·2 the shallow well disappears.
fn multi_minima_wells(tilt: f64) -> Vec<f64> {
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

    fn all_builtins() -> Vec<Surface> {
        vec![
            Surface::Quadratic {
                a: 1.0,
                b: 10.0,
                angle: 0.4,
                center: [0.5, -0.25],
            },
            Surface::Rosenbrock { a: 1.0, b: 100.0 },
            Surface::Himmelblau,
            Surface::Beale,
            Surface::Saddle,
            Surface::Rastrigin { a: 10.0 },
            Surface::SixHumpCamel,
            Surface::MultiMinima { tilt: 0.6 },
            Surface::LinearRegression(
                LinearRegression::new(vec![[0.0, 1.0], [1.0, 2.9], [2.0, 5.2], [3.0, 6.8]])
                    .unwrap(),
            ),
        ]
    }

    /// The analytic gradients agree with a central difference (a test oracle only).
    #[test]
    fn gradients_match_finite_differences() {
        let h = 1e-6;
        for s in all_builtins() {
            for p in [[0.3, -0.7], [1.1, 0.4], [-1.6, 1.3], [2.0, -0.2]] {
                let g = s.gradient(p);
                let fx = (s.value([p[0] + h, p[1]]) - s.value([p[0] - h, p[1]])) / (2.0 * h);
                let fy = (s.value([p[0], p[1] + h]) - s.value([p[0], p[1] - h])) / (2.0 * h);
                for (a, n) in [(g[0], fx), (g[1], fy)] {
                    assert!(
                        (a - n).abs() <= 1e-5 * (1.0 + n.abs()),
                        "{s:?} at {p:?}: analytic {a} vs numeric {n}"
                    );
                }
            }
        }
    }

    /// Every listed minimum is a stationary point, and no other sample point nearby is lower.
    #[test]
    fn minima_are_stationary_and_local_minima() {
        for s in all_builtins() {
            for m in s.minima() {
                let g = s.gradient(m);
                assert!(g[0].abs() < 1e-5 && g[1].abs() < 1e-5, "{s:?} {m:?} {g:?}");
                let f0 = s.value(m);
                for (dx, dy) in [(1e-3, 0.0), (-1e-3, 0.0), (0.0, 1e-3), (0.0, -1e-3)] {
                    assert!(s.value([m[0] + dx, m[1] + dy]) >= f0, "{s:?} {m:?}");
                }
            }
        }
    }

    #[test]
    fn multi_minima_has_a_shallow_pit_and_a_deeper_basin() {
        let s = Surface::MultiMinima { tilt: 0.6 };
        let minima = s.minima();
        assert_eq!(minima.len(), 2);
        assert!(minima[0][0] < 0.0 && minima[1][0] > 0.0);
        assert!(s.value(minima[0]) < s.value(minima[1]));
    }

    #[test]
    fn linear_regression_loss_is_the_mean_squared_error() {
        let pts = vec![[0.0, 1.0], [1.0, 2.9], [2.0, 5.2], [3.0, 6.8]];
        let lr = LinearRegression::new(pts.clone()).unwrap();
        let s = Surface::LinearRegression(lr);
        for (m, b) in [(0.0, 0.0), (2.0, 1.0), (-1.5, 3.25)] {
            let mse: f64 = pts
                .iter()
                .map(|p| (m * p[0] + b - p[1]).powi(2))
                .sum::<f64>()
                / pts.len() as f64;
            let f = s.value([m, b]);
            assert!((f - mse).abs() < 1e-12 * (1.0 + mse), "{f} vs {mse}");
        }
        assert!(LinearRegression::new(vec![[1.0, 1.0], [1.0, 2.0]]).is_none());
    }

    #[test]
    fn quadratic_gradient_is_the_rotated_hessian_product() {
        // For angle 0 the gradient is (a·x, b·y) exactly.
        let s = Surface::Quadratic {
            a: 1.0,
            b: 10.0,
            angle: 0.0,
            center: [0.0, 0.0],
        };
        assert_eq!(s.value_and_gradient([2.5, -2.0]), (23.125, 2.5, -20.0));
    }
}
