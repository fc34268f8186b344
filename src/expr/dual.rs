//! Dual numbers: a value with its partial derivatives in `x` and `y`, so the stack machine gives
//! the exact gradient by forward-mode automatic differentiation, both directions at once.
//!
//! Every rule computes its value part with exactly the `f64` operations of the plain path, and
//! keeps a zero derivative zero where the slope is infinite or NaN (see [`scaled`]).

use std::f64::consts::LN_10;
use std::ops::{Add, Div, Mul, Neg, Sub};

use super::vm::{sigmoid, Func, Scalar};

/// A value with its partial derivatives in `x` and `y` (forward-mode automatic differentiation,
/// both directions at once).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Dual {
    pub(super) value: f64,
    pub(super) dx: f64,
    pub(super) dy: f64,
}

impl Dual {
    pub(super) fn variable(value: f64, dx: f64, dy: f64) -> Self {
        Dual { value, dx, dy }
    }

    /// `f(u)` with `value = f(u)` and `slope = f'(u)`: the chain rule.
    fn chained(value: f64, slope: f64, u: Dual) -> Self {
        Dual {
            value,
            dx: scaled(slope, u.dx),
            dy: scaled(slope, u.dy),
        }
    }
}

/// `slope · derivative`, except that a zero derivative stays zero even when the slope is infinite
/// or NaN: `sqrt(x)` at x = 0 has an infinite ∂/∂x but its ∂/∂y is exactly 0, not NaN.
fn scaled(slope: f64, derivative: f64) -> f64 {
    if derivative == 0.0 {
        0.0
    } else {
        slope * derivative
    }
}

impl Add for Dual {
    type Output = Dual;
    fn add(self, o: Dual) -> Dual {
        Dual {
            value: self.value + o.value,
            dx: self.dx + o.dx,
            dy: self.dy + o.dy,
        }
    }
}

impl Sub for Dual {
    type Output = Dual;
    fn sub(self, o: Dual) -> Dual {
        Dual {
            value: self.value - o.value,
            dx: self.dx - o.dx,
            dy: self.dy - o.dy,
        }
    }
}

impl Mul for Dual {
    type Output = Dual;
    fn mul(self, o: Dual) -> Dual {
        Dual {
            value: self.value * o.value,
            dx: self.dx * o.value + self.value * o.dx,
            dy: self.dy * o.value + self.value * o.dy,
        }
    }
}

impl Div for Dual {
    type Output = Dual;
    /// (a/b)' = (a' − (a/b)·b') / b, which reuses the quotient instead of squaring `b`.
    fn div(self, o: Dual) -> Dual {
        let value = self.value / o.value;
        Dual {
            value,
            dx: (self.dx - value * o.dx) / o.value,
            dy: (self.dy - value * o.dy) / o.value,
        }
    }
}

impl Neg for Dual {
    type Output = Dual;
    fn neg(self) -> Dual {
        Dual {
            value: -self.value,
            dx: -self.dx,
            dy: -self.dy,
        }
    }
}

impl Scalar for Dual {
    const ZERO: Self = Dual {
        value: 0.0,
        dx: 0.0,
        dy: 0.0,
    };

    fn constant(c: f64) -> Self {
        Dual {
            value: c,
            dx: 0.0,
            dy: 0.0,
        }
    }

    fn value(self) -> f64 {
        self.value
    }

    fn add_const(self, c: f64) -> Self {
        Dual {
            value: self.value + c,
            ..self
        }
    }

    fn mul_const(self, c: f64) -> Self {
        Dual {
            value: self.value * c,
            dx: self.dx * c,
            dy: self.dy * c,
        }
    }

    fn const_minus(self, c: f64) -> Self {
        Dual {
            value: c - self.value,
            dx: -self.dx,
            dy: -self.dy,
        }
    }

    /// The slope 2u is finite whenever the value is, so no zero-derivative guard is needed.
    fn square(self) -> Self {
        let slope = 2.0 * self.value;
        Dual {
            value: self.value * self.value,
            dx: slope * self.dx,
            dy: slope * self.dy,
        }
    }

    fn pow_const(self, exponent: f64) -> Self {
        let value = self.value.powf(exponent);
        Dual::chained(value, power_slope(self.value, exponent), self)
    }

    /// d(a^b) = b·a^(b−1)·a' + a^b·ln(a)·b'.
    ///
    /// This is the textbook a^b·(b'·ln a + b·a'/a) rearranged so that each term vanishes when its
    /// derivative does: with b' = 0 it is exactly the constant-exponent rule (finite for
    /// negative bases), and it never divides by a zero base.
    fn pow_var(self, exponent: Self) -> Self {
        let value = self.value.powf(exponent.value);
        let base_slope = power_slope(self.value, exponent.value);
        // a^b·ln a → 0 as a → 0⁺ whenever a^b → 0.
        let exponent_slope = if value == 0.0 {
            0.0
        } else {
            value * self.value.ln()
        };
        Dual {
            value,
            dx: scaled(base_slope, self.dx) + scaled(exponent_slope, exponent.dx),
            dy: scaled(base_slope, self.dy) + scaled(exponent_slope, exponent.dy),
        }
    }

    fn call(self, f: Func) -> Self {
        let value = f.eval(self.value);
        Dual::chained(value, f.slope(self.value, value), self)
    }

    /// ∂atan2(y, x) = (x·y' − y·x') / (x² + y²).
    fn atan2(y: Self, x: Self) -> Self {
        let value = f64::atan2(y.value, x.value);
        let r2 = x.value * x.value + y.value * y.value;
        Dual {
            value,
            dx: (x.value * y.dx - y.value * x.dx) / r2,
            dy: (x.value * y.dy - y.value * x.dy) / r2,
        }
    }
}

/// d(a^c)/da = c·a^(c−1), taken as 0 for c = 0 (so `x^0` is flat even at x = 0).
pub(super) fn power_slope(base: f64, exponent: f64) -> f64 {
    if exponent == 0.0 {
        0.0
    } else {
        exponent * base.powf(exponent - 1.0)
    }
}

impl Func {
    /// The derivative f'(u), given `value = f(u)` to save recomputing it.
    pub(super) fn slope(self, u: f64, value: f64) -> f64 {
        match self {
            Func::Exp => value,
            // Outside the domain the value is NaN; keep the slope NaN too rather than a
            // plausible-looking finite number.
            Func::Ln if u < 0.0 => f64::NAN,
            Func::Ln => 1.0 / u,
            Func::Log10 if u < 0.0 => f64::NAN,
            Func::Log10 => 1.0 / (u * LN_10),
            // Infinite at 0 (the caller treats that as divergence), NaN below 0.
            Func::Sqrt => 0.5 / value,
            Func::Sin => u.cos(),
            Func::Cos => -u.sin(),
            Func::Tan => 1.0 + value * value,
            Func::Tanh => 1.0 - value * value,
            Func::Sinh => u.cosh(),
            Func::Cosh => u.sinh(),
            Func::Atan => 1.0 / (1.0 + u * u),
            Func::Abs => {
                if u > 0.0 {
                    1.0
                } else if u < 0.0 {
                    -1.0
                } else if u == 0.0 {
                    0.0
                } else {
                    f64::NAN
                }
            }
            // σ'(u) = σ(u)·σ(−u); computing σ(−u) directly avoids the cancellation of 1 − σ(u).
            Func::Sigmoid => value * sigmoid(-u),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::test_support::*;

    #[test]
    fn rosenbrock_value_and_gradient_match_hand_derivation() {
        let expr = parse("(1 - x)^2 + 100*(y - x^2)^2");
        let points: [(f64, f64); 7] = [
            (0.0, 0.0),
            (1.0, 1.0),
            (-1.2, 1.0),
            (0.5, -0.3),
            (2.0, 3.0),
            (-3.7, 11.2),
            (1e-3, 7.5),
        ];
        for (x, y) in points {
            let f = (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2);
            let fx = -2.0 * (1.0 - x) - 400.0 * x * (y - x * x);
            let fy = 200.0 * (y - x * x);
            let (v, gx, gy) = expr.value_and_gradient(x, y);
            assert_close(v, f, "rosenbrock value");
            assert_close(gx, fx, "rosenbrock d/dx");
            assert_close(gy, fy, "rosenbrock d/dy");
            assert_close(expr.value(x, y), f, "rosenbrock value()");
        }
    }

    #[test]
    fn exp_of_negated_square_is_not_exp_of_square() {
        let expr = parse("exp(-y^2)");
        let (f, fx, fy) = expr.value_and_gradient(0.0, 1.0);
        assert_close(f, (-1f64).exp(), "exp(-y^2) at y = 1");
        assert_eq!(fx, 0.0);
        assert_close(fy, -2.0 * (-1f64).exp(), "d/dy exp(-y^2) at y = 1");
    }

    #[test]
    fn every_function_has_its_analytic_derivative() {
        type Pair = (fn(f64) -> f64, fn(f64) -> f64);
        fn sig(u: f64) -> f64 {
            1.0 / (1.0 + (-u).exp())
        }
        let table: Vec<(&str, Pair, &[f64])> = vec![
            ("exp", (f64::exp, f64::exp), &[-2.0, 0.0, 0.7, 3.0]),
            ("ln", (f64::ln, |u| 1.0 / u), &[0.1, 1.0, 2.5]),
            ("log", (f64::ln, |u| 1.0 / u), &[0.3, 4.0]),
            (
                "log10",
                (f64::log10, |u| 1.0 / (u * LN_10)),
                &[0.2, 1.0, 50.0],
            ),
            ("sqrt", (f64::sqrt, |u| 0.5 / u.sqrt()), &[0.01, 1.0, 9.0]),
            ("sin", (f64::sin, f64::cos), &[-1.0, 0.0, 2.0]),
            ("cos", (f64::cos, |u| -u.sin()), &[-1.0, 0.0, 2.0]),
            (
                "tan",
                (f64::tan, |u| 1.0 / (u.cos() * u.cos())),
                &[-1.0, 0.0, 1.2],
            ),
            (
                "tanh",
                (f64::tanh, |u| 1.0 / (u.cosh() * u.cosh())),
                &[-2.0, 0.0, 0.5],
            ),
            ("sinh", (f64::sinh, f64::cosh), &[-2.0, 0.0, 0.5]),
            ("cosh", (f64::cosh, f64::sinh), &[-2.0, 0.0, 0.5]),
            (
                "atan",
                (f64::atan, |u| 1.0 / (1.0 + u * u)),
                &[-3.0, 0.0, 0.5],
            ),
            ("abs", (f64::abs, f64::signum), &[-3.0, 0.5]),
            (
                "sigmoid",
                (sig, |u| sig(u) * (1.0 - sig(u))),
                &[-4.0, 0.0, 1.5],
            ),
        ];
        for (name, (f, df), points) in table {
            let plain = parse(&format!("{name}(x)"));
            let chained = parse(&format!("{name}(2*x - y)"));
            for &u in points {
                let (v, gx, gy) = plain.value_and_gradient(u, 0.0);
                assert_close(v, f(u), &format!("{name}({u})"));
                assert_close(gx, df(u), &format!("{name}'({u})"));
                assert_eq!(gy, 0.0, "{name} does not depend on y");
                // x = u, y = u: the argument is 2u − u = u; chain rule gives (2f', −f').
                let (v, gx, gy) = chained.value_and_gradient(u, u);
                assert_close(v, f(u), &format!("{name}(2x - y)"));
                assert_close(gx, 2.0 * df(u), &format!("d/dx {name}(2x - y)"));
                assert_close(gy, -df(u), &format!("d/dy {name}(2x - y)"));
            }
        }
    }

    #[test]
    fn abs_slope_is_the_sign_and_zero_at_zero() {
        assert_gradient("abs(x)", -2.0, 0.0, (2.0, -1.0, 0.0));
        assert_gradient("abs(x)", 3.0, 0.0, (3.0, 1.0, 0.0));
        assert_gradient("abs(x)", 0.0, 0.0, (0.0, 0.0, 0.0));
        assert_gradient("abs(x*y)", -2.0, 3.0, (6.0, -3.0, 2.0));
    }

    #[test]
    fn min_and_max_follow_the_selected_branch() {
        assert_gradient("min(x, 2*y)", 1.0, 2.0, (1.0, 1.0, 0.0));
        assert_gradient("min(x, 2*y)", 5.0, 2.0, (4.0, 0.0, 2.0));
        assert_gradient("min(x, 2*y)", 4.0, 2.0, (4.0, 1.0, 0.0)); // tie: first argument
        assert_gradient("max(x, 2*y)", 1.0, 2.0, (4.0, 0.0, 2.0));
        assert_gradient("max(x, 2*y)", 5.0, 2.0, (5.0, 1.0, 0.0));
        assert_gradient("max(x, 2*y)", 4.0, 2.0, (4.0, 1.0, 0.0)); // tie: first argument
        assert!(
            eval("min(ln(-1), 0)", 0.0, 0.0).is_nan(),
            "NaN is not hidden"
        );
        assert!(
            eval("max(0, sqrt(-1))", 0.0, 0.0).is_nan(),
            "NaN is not hidden"
        );
    }

    #[test]
    fn atan2_gradient() {
        let (x, y) = (0.6, -1.3);
        let r2 = x * x + y * y;
        assert_gradient("atan2(y, x)", x, y, (y.atan2(x), -y / r2, x / r2));
    }

    #[test]
    fn power_with_variable_exponent() {
        let expected = (8.0, 3.0 * 4.0, 8.0 * 2f64.ln());
        assert_gradient("x^y", 2.0, 3.0, expected);
        assert_gradient("pow(x, y)", 2.0, 3.0, expected);
        assert_gradient("2^x", 3.0, 0.0, (8.0, 8.0 * 2f64.ln(), 0.0));
        // x^x: d/dx = x^x (ln x + 1).
        assert_gradient(
            "x^x",
            1.5,
            0.0,
            (
                1.5f64.powf(1.5),
                1.5f64.powf(1.5) * (1.5f64.ln() + 1.0),
                0.0,
            ),
        );
    }

    #[test]
    fn negative_bases_with_constant_exponents_stay_finite() {
        assert_gradient("x^2", -2.0, 0.0, (4.0, -4.0, 0.0));
        assert_gradient("x**2", -2.0, 0.0, (4.0, -4.0, 0.0));
        assert_gradient("x^3", -2.0, 0.0, (-8.0, 12.0, 0.0));
        assert_gradient("pow(x, 3)", -2.0, 0.0, (-8.0, 12.0, 0.0));
        assert_gradient("x^-1", -2.0, 0.0, (-0.5, -0.25, 0.0));
        assert_eq!(eval("(-2)^2", 0.0, 0.0), 4.0);
        // An exponent that depends on nothing at run time takes the constant rule too.
        assert_gradient("x^(0*y + 2)", -2.0, 1.0, (4.0, -4.0, 0.0));
    }

    #[test]
    fn zero_bases_and_exponents() {
        assert_gradient("x^0", 0.0, 0.0, (1.0, 0.0, 0.0));
        assert_gradient("x^y", 0.0, 2.0, (0.0, 0.0, 0.0));
        // A negative base with a variable exponent: ∂/∂x exists, ∂/∂y does not (ln of a
        // negative number), and says so with NaN rather than a made-up number.
        let (f, fx, fy) = parse("x^y").value_and_gradient(-2.0, 2.0);
        assert_eq!((f, fx), (4.0, -4.0));
        assert!(fy.is_nan());
        let (f, fx, fy) = parse("sqrt(x) + y").value_and_gradient(0.0, 1.0);
        assert_eq!((f, fx, fy), (1.0, f64::INFINITY, 1.0));
    }

    #[test]
    fn sigmoid_saturates_without_overflow() {
        assert_eq!(
            parse("sigmoid(x)").value_and_gradient(1000.0, 0.0),
            (1.0, 0.0, 0.0)
        );
        assert_eq!(
            parse("sigmoid(x)").value_and_gradient(-1000.0, 0.0),
            (0.0, 0.0, 0.0)
        );
        let (f, fx, _) = parse("sigmoid(x)").value_and_gradient(-40.0, 0.0);
        assert!(f > 0.0 && close(fx, f * (1.0 - f), 1e-12), "{f} {fx}");
    }

    #[test]
    fn gradient_matches_central_finite_differences() {
        let mut rng = Rng(42);
        let h = 1e-6;
        for _ in 0..400 {
            let src = smooth_formula(&mut rng, 4);
            let expr = parse(&src);
            for _ in 0..3 {
                let (x, y) = (rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0));
                let (f, fx, fy) = expr.value_and_gradient(x, y);
                assert!(f.is_finite(), "`{src}` at ({x}, {y})");
                let dx = (expr.value(x + h, y) - expr.value(x - h, y)) / (2.0 * h);
                let dy = (expr.value(x, y + h) - expr.value(x, y - h)) / (2.0 * h);
                // Truncation error ~h², round-off ~ε·|f|/h.
                let tolerance = |g: f64| 1e-6 * (1.0 + g.abs()) + 1e-8 * f.abs();
                assert!(
                    (fx - dx).abs() <= tolerance(fx),
                    "`{src}` d/dx at ({x}, {y}): {fx} vs {dx}"
                );
                assert!(
                    (fy - dy).abs() <= tolerance(fy),
                    "`{src}` d/dy at ({x}, {y}): {fy} vs {dy}"
                );
            }
        }
    }
}
