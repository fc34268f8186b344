//! The formula surface, `[surface] expr = "..."`: a user's f(x, y) with exact gradients
//! (see [`crate::expr`]) and the minima the user asks to mark.

use crate::expr::Expr;
use crate::keys::{Key, KeyError, Type, Values};

use super::{DefaultWindow, Point, Surface, SurfaceFn, SurfaceKind, Window};

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
        ),
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
    let minima = v
        .points("minima")
        .map(<[Point]>::to_vec)
        .unwrap_or_default();
    Ok(Surface::new(&KIND, Formula { expr, minima }))
}

/// A user formula in x and y; `minima` are the points the user asked to mark.
#[derive(Debug, Clone)]
pub struct Formula {
    pub expr: Expr,
    pub minima: Vec<Point>,
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

    fn minima(&self) -> Vec<Point> {
        self.minima.clone()
    }
}
