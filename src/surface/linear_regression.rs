//! `linear_regression`: the mean squared error of a line y ≈ m·x + b through data points, over
//! (m, b) = (x, y).

use super::{DefaultWindow, Point, Surface, SurfaceFn, SurfaceKind, Window};
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
    /// True when the fit, its loss and its curvatures are finite and the fit lies where a
    /// default window around it (a few times its own size) stays finite.
    fn is_drawable(&self) -> bool {
        [self.h_mm, self.h_mb, self.h_bb, self.min_loss]
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
}

impl SurfaceFn for LinearRegression {
    fn value_and_gradient(&self, [m, b]: Point) -> (f64, f64, f64) {
        let dm = m - self.optimum[0];
        let db = b - self.optimum[1];
        let gm = self.h_mm * dm + self.h_mb * db;
        let gb = self.h_mb * dm + self.h_bb * db;
        let f = self.min_loss + dm * gm + db * gb;
        (f, 2.0 * gm, 2.0 * gb)
    }

    fn minima(&self) -> Vec<Point> {
        vec![self.optimum]
    }

    fn quadratic_curvatures(&self) -> Option<(f64, f64)> {
        let tr = 2.0 * (self.h_mm + self.h_bb);
        let det = 4.0 * (self.h_mm * self.h_bb - self.h_mb * self.h_mb);
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
}
