//! The formula surface, `[surface] expr = "..."`: a user's f(x, y) with exact gradients and
//! Hessians (see [`crate::expr`]), and the minima the user asks to mark, or, without
//! `minima`, those found inside the view window (see [`super::minima`]). A formula that does
//! not read `y` is a curve f(x): a 1-D scene.

use crate::expr::Expr;
use crate::keys::{Key, KeyError, Type, Value, Values};

use super::{CurveFn, DefaultWindow, Hessian, Point, Surface, SurfaceFn, SurfaceKind, Window};

pub const KIND: SurfaceKind = SurfaceKind {
    name: "expr",
    formula: "a formula in x and y, e.g. \"(1 - x)^2 + 100*(y - x^2)^2\", or in x alone (a 1-D \
              scene), e.g. \"0.5*(x - 5)^2\"",
    doc: "Any formula: `^` (or `**`) is right-associative, -x^2 is -(x²), multiplication is \
          explicit (2*x). Functions: exp ln log log10 sqrt sin cos tan tanh sinh cosh atan abs \
          sigmoid, and min max atan2 pow (two arguments); constants pi and e.",
    keys: &[
        Key::new(
            "expr",
            Type::Text,
            "formula",
            "The formula in x and y, or in x alone for a 1-D scene.",
        )
        .required("\"(1 - x)^2 + 100*(y - x^2)^2\""),
        Key::new(
            "minima",
            Type::Positions {
                min: 0,
                max: usize::MAX,
            },
            "point",
            "Points [[x, y], ...] to mark as minima; for a formula in x alone, their x [x, ...].",
        )
        .absent(crate::keys::Absent::Computed(
            "the local minima found inside the view window",
        )),
        Key::new(
            "saddles",
            Type::Positions {
                min: 0,
                max: usize::MAX,
            },
            "point",
            "Points [[x, y], ...] to mark as saddle points (a formula in x and y).",
        )
        .absent(crate::keys::Absent::Computed("none marked")),
    ],
    exactly_one_of: &[],
    window: DefaultWindow::Fixed(Window::new((-3.0, 3.0), (-3.0, 3.0))),
    dims: None,
    build,
};

fn build(v: &Values) -> Result<Surface, KeyError> {
    let source = v.text("expr").unwrap_or_default();
    let expr = Expr::parse(source).map_err(|e| KeyError {
        key: Some("expr"),
        message: e.message,
        hint: e.hint,
        within: Some(e.span),
    })?;
    let given = v.get("minima");
    let saddles = v
        .points("saddles")
        .map(<[Point]>::to_vec)
        .unwrap_or_default();
    if !expr.uses_y() {
        if v.get("saddles").is_some() {
            return Err(KeyError::at(
                "saddles",
                "a formula in x alone is a curve, which has no saddle points",
            )
            .with_hint("leave `saddles` out, or write the formula in x and y"));
        }
        let minima = match given {
            None => None,
            Some(Value::Numbers(xs)) => Some(xs.clone()),
            Some(Value::Points(p)) if p.is_empty() => Some(Vec::new()),
            Some(_) => {
                return Err(KeyError::at(
                    "minima",
                    "a formula in x alone is a curve: its minima are numbers, their x",
                )
                .with_hint("write e.g. minima = [5.0]"))
            }
        };
        return Ok(Surface::curve(
            &KIND,
            match minima {
                Some(m) => FormulaCurve::with_minima(expr, m),
                None => FormulaCurve {
                    expr,
                    minima: Vec::new(),
                    given: false,
                },
            },
        ));
    }
    let formula = match given {
        None => Formula {
            expr,
            minima: Vec::new(),
            given: false,
            saddles: Vec::new(),
        },
        Some(Value::Points(given)) => Formula::with_minima(expr, given.to_vec()),
        Some(Value::Numbers(xs)) if xs.is_empty() => Formula::with_minima(expr, Vec::new()),
        Some(_) => {
            return Err(KeyError::at(
                "minima",
                "a formula in x and y marks its minima as points [x, y]",
            )
            .with_hint("write e.g. minima = [[1.0, 1.0]]"))
        }
    };
    Ok(Surface::new(&KIND, Formula { saddles, ..formula }))
}

/// A user formula in x and y and its minima: the points the user asked to mark, or those
/// found inside the view window.
#[derive(Debug, Clone)]
pub struct Formula {
    pub expr: Expr,
    /// The minima, deepest first.
    pub minima: Vec<Point>,
    /// Whether the scene gave the minima (otherwise they are searched for).
    pub given: bool,
    /// The saddle points the scene asked to mark.
    pub saddles: Vec<Point>,
}

impl Formula {
    /// The formula with the minima the user gave, deepest first (equally deep ones in the
    /// order given).
    pub fn with_minima(expr: Expr, mut minima: Vec<Point>) -> Formula {
        minima.sort_by(|a, b| expr.value(a[0], a[1]).total_cmp(&expr.value(b[0], b[1])));
        Formula {
            expr,
            minima,
            given: true,
            saddles: Vec::new(),
        }
    }
}

impl SurfaceFn for Formula {
    fn value_and_gradient(&self, [x, y]: Point) -> (f64, f64, f64) {
        self.expr.value_and_gradient(x, y)
    }

    /// The value alone: the formula's plain program, cheaper than the one with duals (and equal
    /// to its value bit for bit).
    fn value(&self, [x, y]: Point) -> f64 {
        self.expr.value(x, y)
    }

    fn hessian(&self, [x, y]: Point) -> Hessian {
        self.expr.value_gradient_hessian(x, y).2
    }

    fn minima(&self) -> Vec<Point> {
        self.minima.clone()
    }

    fn saddles(&self) -> Vec<Point> {
        self.saddles.clone()
    }

    fn with_minima_found(&self, window: &Window) -> Option<Box<dyn SurfaceFn>> {
        if self.given {
            return None;
        }
        let expr = &self.expr;
        // A budget of formula bytes times evaluations: a few thousand evaluations of a typical
        // formula, a thousand of the longest (about a second unoptimised).
        let budget = (10_000_000 / (expr.source().len() + 100)).clamp(1_000, 40_000);
        let minima = super::minima::find(
            &|[x, y]| {
                let (f, g, h) = expr.value_gradient_hessian(x, y);
                (f, g, h)
            },
            window,
            budget,
        );
        Some(Box::new(Formula {
            expr: self.expr.clone(),
            minima,
            given: false,
            saddles: self.saddles.clone(),
        }))
    }
}

/// A user formula in x alone (a curve) and its minima: the x the user asked to mark, or those
/// found in the view's x range.
#[derive(Debug, Clone)]
pub struct FormulaCurve {
    pub expr: Expr,
    /// The minima's x, deepest first.
    pub minima: Vec<f64>,
    /// Whether the scene gave the minima (otherwise they are searched for).
    pub given: bool,
}

impl FormulaCurve {
    /// The curve with the minima the user gave, deepest first (equally deep ones in the order
    /// given).
    pub fn with_minima(expr: Expr, mut minima: Vec<f64>) -> FormulaCurve {
        minima.sort_by(|a, b| expr.value(*a, 0.0).total_cmp(&expr.value(*b, 0.0)));
        FormulaCurve {
            expr,
            minima,
            given: true,
        }
    }
}

// The formula does not read y, so any y gives f(x); 0 is as good as any.
impl CurveFn for FormulaCurve {
    fn value_and_derivative(&self, x: f64) -> (f64, f64) {
        let (f, dx, _) = self.expr.value_and_gradient(x, 0.0);
        (f, dx)
    }

    fn value(&self, x: f64) -> f64 {
        self.expr.value(x, 0.0)
    }

    fn second_derivative(&self, x: f64) -> f64 {
        self.expr.value_gradient_hessian(x, 0.0).2[0][0]
    }

    fn minima(&self) -> Vec<f64> {
        self.minima.clone()
    }

    fn with_minima_found(&self, x: (f64, f64)) -> Option<Box<dyn CurveFn>> {
        if self.given {
            return None;
        }
        let expr = &self.expr;
        // The same budget as over the plane (a line needs far fewer evaluations).
        let budget = (10_000_000 / (expr.source().len() + 100)).clamp(1_000, 40_000);
        let minima = super::minima::find_on_line(
            &|x| {
                let (f, g, h) = expr.value_gradient_hessian(x, 0.0);
                (f, g[0], h[0][0])
            },
            x,
            budget,
        );
        Some(Box::new(FormulaCurve {
            expr: self.expr.clone(),
            minima,
            given: false,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(expr: &str, minima: Option<Value>) -> Result<Surface, KeyError> {
        let mut v = Values::default();
        v.set("expr", Value::Text(expr.into()));
        if let Some(m) = minima {
            v.set("minima", m);
        }
        build(&v)
    }

    /// A formula in x alone is a curve: ½(x − 5)² at x = 1 is 8 with f' = −4 and f'' = 1,
    /// worked by hand; its minimum is found at 5.
    #[test]
    fn a_formula_in_x_alone_is_a_curve() {
        let s = built("0.5*(x - 5)^2", None).unwrap();
        assert_eq!(s.dims(), super::super::Dims::One);
        assert_eq!(s.value_and_gradient([1.0, 0.0]), (8.0, -4.0, 0.0));
        assert_eq!(s.hessian([1.0, 0.0]), [[1.0, 0.0], [0.0, 0.0]]);
        let found = s.with_minima_found(&Window::new((-2.0, 12.0), (-1.0, 1.0)));
        let m = found.minima();
        assert_eq!(m.len(), 1);
        assert!((m[0][0] - 5.0).abs() < 1e-12, "{m:?}");
        let given = built("0.5*(x - 5)^2", Some(Value::Numbers(vec![5.0]))).unwrap();
        assert_eq!(given.minima(), [[5.0, 0.0]]);
    }

    /// Minima given in the other shape are refused at `minima`, saying which shape.
    #[test]
    fn minima_take_the_formula_s_shape() {
        let e = built("x^2", Some(Value::Points(vec![[0.0, 0.0]]))).unwrap_err();
        assert_eq!(e.key, Some("minima"));
        assert!(e.message.contains("numbers"), "{}", e.message);
        let e = built("x^2 + y^2", Some(Value::Numbers(vec![0.0]))).unwrap_err();
        assert!(e.message.contains("points"), "{}", e.message);
        assert_eq!(
            built("x^2 + y^2", None).unwrap().dims(),
            super::super::Dims::Two
        );
    }
}
