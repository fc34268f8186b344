//! Helpers shared by the tests of every stage: parsing that must succeed or fail, closeness of
//! floats, and a tiny deterministic generator of random formulas.

use std::ops::Range;

use super::{Expr, ExprError};

pub(super) fn parse(src: &str) -> Expr {
    Expr::parse(src).unwrap_or_else(|e| panic!("`{src}` should parse, got {e:?}"))
}

pub(super) fn eval(src: &str, x: f64, y: f64) -> f64 {
    parse(src).value(x, y)
}

pub(super) fn error(src: &str) -> ExprError {
    match Expr::parse(src) {
        Ok(expr) => panic!("`{src}` should not parse, got {expr:?}"),
        Err(e) => e,
    }
}

/// |a − b| ≤ tol·max(1, |a|, |b|).
pub(super) fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * 1f64.max(a.abs()).max(b.abs())
}

pub(super) fn assert_close(actual: f64, expected: f64, what: &str) {
    assert!(
        close(actual, expected, 1e-12),
        "{what}: got {actual}, expected {expected}"
    );
}

pub(super) fn assert_gradient(src: &str, x: f64, y: f64, expected: (f64, f64, f64)) {
    let (f, fx, fy) = parse(src).value_and_gradient(x, y);
    assert_close(f, expected.0, &format!("{src} value at ({x}, {y})"));
    assert_close(fx, expected.1, &format!("{src} d/dx at ({x}, {y})"));
    assert_close(fy, expected.2, &format!("{src} d/dy at ({x}, {y})"));
}

pub(super) fn assert_error(src: &str, span: Range<usize>, message: &str, hint: Option<&str>) {
    let e = error(src);
    assert_eq!(e.span, span, "span for `{src}`: {e:?}");
    assert_eq!(e.message, message, "message for `{src}`");
    assert_eq!(e.hint.as_deref(), hint, "hint for `{src}`");
    assert_eq!(e.to_string(), message, "Display shows the message only");
}

pub(super) fn hint_of(src: &str) -> String {
    error(src).hint.unwrap_or_default()
}

/// xorshift64*: a tiny deterministic generator, good enough to shuffle test inputs.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() >> 33) as usize % n
    }

    pub(super) fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.below(items.len())]
    }

    /// Uniform in [lo, hi).
    pub(super) fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }
}

pub(super) fn same_bits_or_both_nan(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// A random smooth formula of bounded depth, built so that values stay moderate on [-1, 1]².
pub(super) fn smooth_formula(rng: &mut Rng, depth: usize) -> String {
    if depth == 0 || rng.below(4) == 0 {
        return match rng.below(3) {
            0 => "x".to_owned(),
            1 => "y".to_owned(),
            _ => format!("({:.1})", rng.uniform(-1.5, 1.5)),
        };
    }
    let a = smooth_formula(rng, depth - 1);
    let b = smooth_formula(rng, depth - 1);
    match rng.below(16) {
        0 => format!("({a} + {b})"),
        1 => format!("({a} - {b})"),
        2 => format!("{a} * {b}"),
        3 => format!("{a} / (2 + cos({b}))"),
        4 => format!("sin({a})"),
        5 => format!("cos({a})"),
        6 => format!("tanh({a})"),
        7 => format!("atan({a})"),
        8 => format!("sigmoid({a})"),
        9 => format!("exp(tanh({a}))"),
        10 => format!("sqrt(1 + ({a})^2)"),
        11 => format!("ln(2 + sin({a}))"),
        12 => format!("({a})^2"),
        13 => format!("-({a})^3"),
        14 => format!("(1.5 + sin({a}))^({b})"),
        _ => format!("atan2({a}, 3 + cos({b}))"),
    }
}
