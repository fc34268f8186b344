//! `linear_regression`: the mean squared error of a line y ≈ m·x + b through data points, over
//! (m, b) = (x, y).

use super::{DefaultWindow, Dims, Hessian, Point, Surface, SurfaceFn, SurfaceKind, Window};
use crate::keys::{Key, KeyError, Type, Values};

/// The most data points a linear-regression surface takes (inline or from a file).
pub const MAX_DATA_POINTS: usize = 100_000;

pub const KIND: SurfaceKind = SurfaceKind {
    name: "linear_regression",
    formula: "(1/n)·Σ(m·xᵢ + b − yᵢ)² over (m, b) = (x, y)",
    doc: "The loss of fitting a line to data: a quadratic whose shape the data decide.",
    keys: &[
        Key::new(
            "data",
            Type::Points {
                min: 2,
                max: MAX_DATA_POINTS,
            },
            "data point",
            "The data points [[x, y], ...].",
        )
        .example("[[0, 1], [1, 3], [2, 5]]"),
        Key::new(
            "data_file",
            Type::PointsFile {
                min: 2,
                max: MAX_DATA_POINTS,
            },
            "data file",
            "A CSV file of rows `x,y`, relative to the scene file; a header row and `#` \
             comments are skipped.",
        )
        .example("\"points.csv\""),
    ],
    exactly_one_of: &["data", "data_file"],
    window: DefaultWindow::Computed("centred on the least-squares fit"),
    dims: Some(Dims::Two),
    build,
};

fn build(v: &Values) -> Result<Surface, KeyError> {
    let (points, key) = match v.points("data") {
        Some(p) => (p, "data"),
        None => (v.points("data_file").unwrap_or_default(), "data_file"),
    };
    let lr = LinearRegression::new(points.to_vec()).ok_or_else(|| {
        KeyError::at(
            key,
            "the data's x values do not vary, so the best line is not unique",
        )
        .with_hint("give points with at least two different x values")
    })?;
    if !lr.is_drawable() {
        return Err(KeyError::at(
            key,
            "the data are too large to draw: their least-squares fit, or its loss, is not a \
             finite number small enough for a view window",
        )
        .with_hint("rescale the data (values below about 1e100 draw)"));
    }
    Ok(Surface::new(&KIND, lr))
}

/// Least-squares data summarised for the MSE surface of y ≈ m·x + b.
///
/// The loss is kept in its exact quadratic form around the least-squares optimum (m*, b*),
/// f(m, b) = f* + h_mm·dm² + 2·h_mb·dm·db + h_bb·db², which is algebraically equal to
/// (1/n)·Σ(m·xᵢ + b − yᵢ)² but evaluates in O(1) and does not lose digits near the optimum.
///
/// The gradient is that of the mean squared error of a set of points (all of them, or a
/// minibatch, see [`LinearRegression::batch_gradient`]) in the same centred form: with the
/// residuals at the optimum rᵢ = m*·xᵢ + b* − yᵢ,
/// ∇ = 2·(mean(x²)·dm + mean(x)·db + mean(r·x), mean(x)·dm + db + mean(r)).
/// The residuals' means vanish for all points together (the normal equations) up to rounding;
/// for a minibatch they are its pull away from the full-data optimum. The means are summed in
/// data order, so a batch of every point gives the full-data gradient bit for bit.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearRegression {
    /// The data points (xᵢ, yᵢ).
    pub points: Vec<Point>,
    /// The means over all points.
    all: Means,
    /// The least-squares slope and intercept.
    pub optimum: Point,
    /// The MSE at the optimum.
    pub min_loss: f64,
}

/// The means of a set of points that its mean-squared-error gradient is made of.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Means {
    /// mean(x²).
    xx: f64,
    /// mean(x).
    x: f64,
    /// mean(r·x), r the residual at the full-data optimum.
    rx: f64,
    /// mean(r).
    r: f64,
}

impl Means {
    /// The means over `points` (summed in the order given) with residuals at `optimum`.
    fn of<'a>(points: impl Iterator<Item = &'a Point>, optimum: Point) -> Means {
        let (mut xx, mut x, mut rx, mut r, mut n) = (0.0, 0.0, 0.0, 0.0, 0usize);
        for p in points {
            let residual = optimum[0] * p[0] + optimum[1] - p[1];
            xx += p[0] * p[0];
            x += p[0];
            rx += residual * p[0];
            r += residual;
            n += 1;
        }
        let n = n as f64;
        Means {
            xx: xx / n,
            x: x / n,
            rx: rx / n,
            r: r / n,
        }
    }

    /// The mean-squared-error gradient at (m*, b*) + (dm, db).
    fn gradient(&self, dm: f64, db: f64) -> Point {
        let gm = self.xx * dm + self.x * db + self.rx;
        let gb = self.x * dm + db + self.r;
        [2.0 * gm, 2.0 * gb]
    }

    /// The mean squared error's Hessian, 2·[[mean(x²), mean(x)], [mean(x), 1]].
    fn hessian(&self) -> Hessian {
        [[2.0 * self.xx, 2.0 * self.x], [2.0 * self.x, 2.0]]
    }
}

impl LinearRegression {
    /// True when the fit, its loss and its curvatures are finite and the fit lies where a
    /// default window around it (a few times its own size) stays finite.
    fn is_drawable(&self) -> bool {
        let Means { xx, x, rx, r } = self.all;
        [xx, x, rx, r, self.min_loss]
            .iter()
            .chain(&self.optimum)
            .all(|v| v.is_finite())
            && self.optimum.iter().all(|v| v.abs() < 1e150)
    }

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
        let optimum = [m, b];
        Some(LinearRegression {
            all: Means::of(points.iter(), optimum),
            optimum,
            min_loss,
            points,
        })
    }

    /// The gradient of the mean squared error over the points at `indices` (increasing, as a
    /// [`crate::minibatch::Batches`] gives them) at `(m, b)`: a minibatch's gradient. Every
    /// index gives [`SurfaceFn::value_and_gradient`]'s gradient bit for bit.
    pub fn batch_gradient(&self, [m, b]: Point, indices: &[usize]) -> Point {
        let means = Means::of(indices.iter().map(|&i| &self.points[i]), self.optimum);
        means.gradient(m - self.optimum[0], b - self.optimum[1])
    }

    /// The Hessian of the mean squared error over the points at `indices`.
    pub fn batch_hessian(&self, indices: &[usize]) -> Hessian {
        Means::of(indices.iter().map(|&i| &self.points[i]), self.optimum).hessian()
    }
}

impl SurfaceFn for LinearRegression {
    fn value_and_gradient(&self, [m, b]: Point) -> (f64, f64, f64) {
        let dm = m - self.optimum[0];
        let db = b - self.optimum[1];
        let Means { xx, x, .. } = self.all;
        let f = self.min_loss + dm * (xx * dm + x * db) + db * (x * dm + db);
        let [gm, gb] = self.all.gradient(dm, db);
        (f, gm, gb)
    }

    fn hessian(&self, _: Point) -> Hessian {
        self.all.hessian()
    }

    fn minima(&self) -> Vec<Point> {
        vec![self.optimum]
    }

    fn quadratic_curvatures(&self) -> Option<(f64, f64)> {
        let Means { xx, x, .. } = self.all;
        let tr = 2.0 * (xx + 1.0);
        let det = 4.0 * (xx - x * x);
        let disc = (tr * tr / 4.0 - det).max(0.0).sqrt();
        Some((tr / 2.0 - disc, tr / 2.0 + disc))
    }

    fn axis_names(&self) -> (&'static str, &'static str) {
        ("m (slope)", "b (intercept)")
    }

    /// Centred on the optimum (m, b), at least ±3 wide.
    fn own_window(&self) -> Option<Window> {
        let [m, b] = self.optimum;
        let (hm, hb) = (3.0f64.max(m.abs()), 3.0f64.max(b.abs()));
        Some(Window::new((m - hm, m + hm), (b - hb, b + hb)))
    }

    fn data_points(&self) -> Option<&[Point]> {
        Some(&self.points)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loss_is_the_mean_squared_error() {
        let pts = vec![[0.0, 1.0], [1.0, 2.9], [2.0, 5.2], [3.0, 6.8]];
        let s = LinearRegression::new(pts.clone()).unwrap();
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

    /// A minibatch's gradient is 2/|B|·Σ(m·xᵢ + b − yᵢ)·(xᵢ, 1) over its points, and a batch
    /// of every point is the surface's gradient bit for bit.
    #[test]
    fn batch_gradients_are_the_batch_mean_squared_error_gradients() {
        let pts = vec![[0.0, 1.0], [1.0, 2.9], [2.0, 5.2], [3.0, 6.8], [4.5, 9.1]];
        let s = LinearRegression::new(pts.clone()).unwrap();
        for (m, b) in [(0.0, 0.0), (2.0, 1.0), (-1.5, 3.25)] {
            for batch in [&[0usize][..], &[1, 3], &[0, 2, 4], &[0, 1, 2, 3, 4]] {
                let k = batch.len() as f64;
                let (mut gm, mut gb) = (0.0, 0.0);
                for &i in batch {
                    let [x, y] = pts[i];
                    gm += 2.0 * (m * x + b - y) * x / k;
                    gb += 2.0 * (m * x + b - y) / k;
                }
                let g = s.batch_gradient([m, b], batch);
                for (a, e) in [(g[0], gm), (g[1], gb)] {
                    assert!(
                        (a - e).abs() < 1e-12 * (1.0 + e.abs()),
                        "{batch:?}: {a} vs {e}"
                    );
                }
                let h = s.batch_hessian(batch);
                let xx: f64 = batch.iter().map(|&i| pts[i][0] * pts[i][0]).sum::<f64>() / k;
                assert!(
                    (h[0][0] - 2.0 * xx).abs() < 1e-12 && h[1][1] == 2.0,
                    "{h:?}"
                );
            }
            let (_, gx, gy) = s.value_and_gradient([m, b]);
            let all = s.batch_gradient([m, b], &[0, 1, 2, 3, 4]);
            assert_eq!([gx.to_bits(), gy.to_bits()], all.map(f64::to_bits));
        }
    }
}
