//! The formula surface, `[surface] expr = "..."`: a user's f(x, y) with exact gradients and
//! Hessians (see [`crate::expr`]), and the minima the user asks to mark, or, without
//! `minima`, those found inside the view window (see [`super::minima`]).

use crate::expr::Expr;
use crate::keys::{Key, KeyError, Type, Values};

use super::{DefaultWindow, Hessian, Point, Surface, SurfaceFn, SurfaceKind, Window};

pub const KIND: SurfaceKind = SurfaceKind {
    name: "expr",
    formula: "a formula in x and y, e.g. \"(1 - x)^2 + 100*(y - x^2)^2\"",
    doc: "Any formula: `^` (or `**`) is right-associative, -x^2 is -(x²), multiplication is \
          explicit (2*x). Functions: exp ln log log10 sqrt sin cos tan tanh sinh cosh atan abs \
          sigmoid, and min max atan2 pow (two arguments); constants pi and e.",
    keys: &[
        Key::new("expr", Type::Text, "formula", "The formula in x and y.")
            .required("\"(1 - x)^2 + 100*(y - x^2)^2\""),
        Key::new(
            "minima",
            Type::Points {
                min: 0,
                max: usize::MAX,
            },
            "point",
            "Points [[x, y], ...] to mark as minima.",
        )
        .absent(crate::keys::Absent::Computed(
            "the local minima found inside the view window",
        )),
    ],
    exactly_one_of: &[],
    window: DefaultWindow::Fixed(Window::new((-3.0, 3.0), (-3.0, 3.0))),
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
    let formula = match v.points("minima") {
        Some(given) => Formula::with_minima(expr, given.to_vec()),
        None => Formula {
            expr,
            minima: Vec::new(),
            given: false,
        },
    };
    Ok(Surface::new(&KIND, formula))
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
        }))
    }
}
