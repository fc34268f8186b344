//! User-written loss surfaces: parsing formulas `f(x, y)` and evaluating them with exact gradients.
//!
//! A scene file may describe its surface as a formula, e.g.
//! `expr = "(1 - x)^2 + 100*(y - x^2)^2"`. This module owns everything about such formulas, one
//! file per stage:
//!
//! * `lex.rs`: the formula split into tokens, with hints for characters pasted from papers
//!   (`x²`, `×`, `−`);
//! * `parse.rs`: the grammar (standard mathematical precedence, so `-x^2` is `-(x^2)` and `2^3^2`
//!   is `2^9`), recursive descent straight into postfix code, and the error messages, with byte
//!   spans into the formula so the caller can point at a column; `names.rs` holds the functions
//!   and constants it knows and the suggestions for names it does not;
//! * `fold.rs`: the code the parser emits, constant sub-expressions folded once and constant
//!   operands turned into cheaper one-operand instructions;
//! * `vm.rs`: the stack machine that runs the code over any number type;
//! * `dual.rs`: dual numbers, so the same code gives the value and the exact gradient by
//!   forward-mode automatic differentiation. Finite differences are never used: optimizers walk
//!   along these gradients for thousands of steps and would amplify their truncation error;
//! * `hyper.rs`: second-order dual numbers, so the same code gives the exact Hessian too (for
//!   Newton's method and for finding a formula's minima).
//!
//! Evaluation runs hundreds of thousands of times per image, so it allocates nothing for
//! ordinary formulas and never recurses.

use std::fmt;
use std::ops::Range;

mod dual;
mod fold;
mod hyper;
mod lex;
mod names;
mod parse;
mod vm;

#[cfg(test)]
mod test_support;

use dual::Dual;
use hyper::HyperDual;
use vm::{Op, Scalar, INLINE_STACK};

/// Longest accepted formula in bytes; anything longer is almost certainly a mistake (a pasted
/// file) and would only slow the parser down.
const MAX_LEN: usize = 10_000;

/// A parsed formula f(x, y), immutable, cheap to evaluate, Send + Sync, Clone, Debug.
///
/// Internally the formula is a postfix program for a small stack machine; the same program is
/// run over plain `f64` for [`Expr::value`] and over dual numbers for
/// [`Expr::value_and_gradient`], so both always agree on the value bit for bit.
#[derive(Debug, Clone)]
pub struct Expr {
    /// The formula as written, trimmed.
    source: String,
    /// Postfix program; running it leaves exactly one value on the stack.
    code: Box<[Op]>,
    /// Largest stack height the program reaches, computed once at parse time.
    max_stack: usize,
}

/// Where and why parsing failed. `span` is a byte range inside the formula string (so the caller can
/// point at the column in the scene file); `message` says what was expected; `hint` is an optional help.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprError {
    /// Byte range of the offending text inside the formula; always on `char` boundaries.
    pub span: Range<usize>,
    /// What went wrong, e.g. "unknown variable `z`".
    pub message: String,
    /// How to fix it, when we can tell, e.g. "the variables are `x` and `y`".
    pub hint: Option<String>,
}

impl ExprError {
    fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        ExprError {
            span,
            message: message.into(),
            hint: None,
        }
    }

    fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for ExprError {
    /// Only the message: the caller decides how to show the span and the hint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExprError {}

impl Expr {
    /// Parses a formula over the variables `x` and `y`.
    ///
    /// Never panics, whatever the input; every error span lies inside `src` on `char` boundaries.
    pub fn parse(src: &str) -> Result<Expr, ExprError> {
        if src.len() > MAX_LEN {
            return Err(ExprError::new(
                0..src.len(),
                format!(
                    "the formula is too long ({} bytes; at most {MAX_LEN} are allowed)",
                    src.len()
                ),
            ));
        }
        if src.trim().is_empty() {
            return Err(
                ExprError::new(0..0, "expected a formula").with_hint("for example `x^2 + 10*y^2`")
            );
        }
        let code = parse::Parser::new(src)?
            .parse_formula()
            .map_err(|error| *error)?;
        let max_stack = vm::stack_height(&code);
        Ok(Expr {
            source: src.trim().to_owned(),
            code: code.into_boxed_slice(),
            max_stack,
        })
    }

    /// f(x, y)
    pub fn value(&self, x: f64, y: f64) -> f64 {
        self.run(x, y)
    }

    /// (f, ∂f/∂x, ∂f/∂y) at (x, y), exact (dual numbers).
    pub fn value_and_gradient(&self, x: f64, y: f64) -> (f64, f64, f64) {
        let result = self.run(Dual::variable(x, 1.0, 0.0), Dual::variable(y, 0.0, 1.0));
        (result.value, result.dx, result.dy)
    }

    /// (f, ∇f, Hessian) at (x, y), exact (second-order dual numbers); the value is
    /// [`Expr::value`]'s bit for bit.
    pub fn value_gradient_hessian(&self, x: f64, y: f64) -> (f64, [f64; 2], [[f64; 2]; 2]) {
        let r = self.run(
            HyperDual::variable(x, 1.0, 0.0),
            HyperDual::variable(y, 0.0, 1.0),
        );
        (r.value, [r.dx, r.dy], [[r.dxx, r.dxy], [r.dxy, r.dyy]])
    }

    /// True when the formula reads `y`: one that does not is a curve f(x) (a 1-D scene).
    pub fn uses_y(&self) -> bool {
        self.code.iter().any(|op| matches!(op, Op::Y))
    }

    /// The formula as written (trimmed), for legends and error messages.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Runs the program over any number type, on the machine stack when it fits.
    fn run<N: Scalar>(&self, x: N, y: N) -> N {
        if self.max_stack <= INLINE_STACK {
            let mut stack = [N::ZERO; INLINE_STACK];
            vm::execute(&self.code, x, y, &mut stack)
        } else {
            let mut stack = vec![N::ZERO; self.max_stack];
            vm::execute(&self.code, x, y, &mut stack)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::test_support::*;

    #[test]
    fn a_formula_without_y_is_a_curve() {
        assert!(!parse("0.5*(x - 5)^2").uses_y());
        assert!(!parse("exp(x) + pi").uses_y());
        assert!(parse("x + y").uses_y());
        // Read, even where it cancels: the formula is over the plane.
        assert!(parse("x^2 + 0*y").uses_y());
    }

    #[test]
    fn source_is_the_trimmed_formula() {
        assert_eq!(parse("  x^2 + y^2 \n").source(), "x^2 + y^2");
    }

    #[test]
    fn empty_formula() {
        for src in ["", "   ", "\n\t"] {
            let e = error(src);
            assert_eq!(e.span, 0..0);
            assert_eq!(e.message, "expected a formula");
        }
    }

    #[test]
    fn overlong_formulas_are_rejected() {
        let src = format!("{}x", "x+".repeat(5000));
        let e = error(&src);
        assert_eq!(e.span, 0..src.len());
        assert!(e.message.contains("too long"));
    }

    #[test]
    fn expr_is_send_sync_clone_debug() {
        fn check<T: Send + Sync + Clone + fmt::Debug + 'static>() {}
        check::<Expr>();
        fn is_error<T: std::error::Error + Send + Sync + 'static>() {}
        is_error::<ExprError>();
        let a = parse("x + y");
        let b = a.clone();
        assert_eq!(a.value(1.0, 2.0), b.value(1.0, 2.0));
        assert!(format!("{a:?}").contains("x + y"));
    }
}
