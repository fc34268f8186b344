//! Second-order dual numbers: a value with its gradient and Hessian in `x` and `y`, so the stack
//! machine gives the exact Hessian by forward-mode automatic differentiation (what Newton's
//! method and the search for a formula's minima need).
//!
//! Every rule is the chain rule to second order: a one-argument function f of u gives
//! ∂ᵢf = f′(u)·∂ᵢu and ∂ᵢ∂ⱼf = f″(u)·∂ᵢu·∂ⱼu + f′(u)·∂ᵢ∂ⱼu. The value part uses exactly the
//! `f64` operations of the plain path, and a zero derivative stays zero where a slope is
//! infinite or NaN (as in [`super::dual`]).

use std::f64::consts::LN_10;
use std::ops::{Add, Div, Mul, Neg, Sub};

use super::dual::power_slope;
use super::vm::{sigmoid, Func, Scalar};

/// A value with its first and second partial derivatives in `x` and `y`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct HyperDual {
    pub(super) value: f64,
    pub(super) dx: f64,
    pub(super) dy: f64,
    pub(super) dxx: f64,
    pub(super) dxy: f64,
    pub(super) dyy: f64,
}

/// `slope · derivative`, a zero derivative staying zero whatever the slope.
fn scaled(slope: f64, derivative: f64) -> f64 {
    if derivative == 0.0 {
        0.0
    } else {
        slope * derivative
    }
}

impl HyperDual {
    /// The variable with value `value` and gradient (dx, dy): x is (1, 0), y is (0, 1).
    pub(super) fn variable(value: f64, dx: f64, dy: f64) -> Self {
        HyperDual {
            value,
            dx,
            dy,
            dxx: 0.0,
            dxy: 0.0,
            dyy: 0.0,
        }
    }

    /// f(u) with `value` = f(u), `slope` = f′(u) and `curvature` = f″(u).
    fn chained(value: f64, slope: f64, curvature: f64, u: HyperDual) -> Self {
        HyperDual {
            value,
            dx: scaled(slope, u.dx),
            dy: scaled(slope, u.dy),
            dxx: scaled(curvature, u.dx * u.dx) + scaled(slope, u.dxx),
            dxy: scaled(curvature, u.dx * u.dy) + scaled(slope, u.dxy),
            dyy: scaled(curvature, u.dy * u.dy) + scaled(slope, u.dyy),
        }
    }

    /// True when no derivative is nonzero (a constant, as far as the variables go).
    fn is_constant(&self) -> bool {
        [self.dx, self.dy, self.dxx, self.dxy, self.dyy]
            .iter()
            .all(|d| *d == 0.0)
    }
}

impl Add for HyperDual {
    type Output = HyperDual;
    fn add(self, o: HyperDual) -> HyperDual {
        HyperDual {
            value: self.value + o.value,
            dx: self.dx + o.dx,
            dy: self.dy + o.dy,
            dxx: self.dxx + o.dxx,
            dxy: self.dxy + o.dxy,
            dyy: self.dyy + o.dyy,
        }
    }
}

impl Sub for HyperDual {
    type Output = HyperDual;
    fn sub(self, o: HyperDual) -> HyperDual {
        HyperDual {
            value: self.value - o.value,
            dx: self.dx - o.dx,
            dy: self.dy - o.dy,
            dxx: self.dxx - o.dxx,
            dxy: self.dxy - o.dxy,
            dyy: self.dyy - o.dyy,
        }
    }
}

impl Mul for HyperDual {
    type Output = HyperDual;
    /// ∂ᵢ∂ⱼ(ab) = ∂ᵢ∂ⱼa·b + ∂ᵢa·∂ⱼb + ∂ⱼa·∂ᵢb + a·∂ᵢ∂ⱼb.
    fn mul(self, o: HyperDual) -> HyperDual {
        let (a, b) = (self, o);
        HyperDual {
            value: a.value * b.value,
            dx: a.dx * b.value + a.value * b.dx,
            dy: a.dy * b.value + a.value * b.dy,
            dxx: a.dxx * b.value + 2.0 * a.dx * b.dx + a.value * b.dxx,
            dxy: a.dxy * b.value + a.dx * b.dy + a.dy * b.dx + a.value * b.dxy,
            dyy: a.dyy * b.value + 2.0 * a.dy * b.dy + a.value * b.dyy,
        }
    }
}

impl Div for HyperDual {
    type Output = HyperDual;
    /// w = a/b: ∂ᵢw = (∂ᵢa − w·∂ᵢb)/b and ∂ᵢ∂ⱼw = (∂ᵢ∂ⱼa − ∂ᵢw·∂ⱼb − ∂ⱼw·∂ᵢb − w·∂ᵢ∂ⱼb)/b.
    fn div(self, o: HyperDual) -> HyperDual {
        let (a, b) = (self, o);
        let w = a.value / b.value;
        let dx = (a.dx - w * b.dx) / b.value;
        let dy = (a.dy - w * b.dy) / b.value;
        HyperDual {
            value: w,
            dx,
            dy,
            dxx: (a.dxx - 2.0 * dx * b.dx - w * b.dxx) / b.value,
            dxy: (a.dxy - dx * b.dy - dy * b.dx - w * b.dxy) / b.value,
            dyy: (a.dyy - 2.0 * dy * b.dy - w * b.dyy) / b.value,
        }
    }
}

impl Neg for HyperDual {
    type Output = HyperDual;
    fn neg(self) -> HyperDual {
        HyperDual {
            value: -self.value,
            dx: -self.dx,
            dy: -self.dy,
            dxx: -self.dxx,
            dxy: -self.dxy,
            dyy: -self.dyy,
        }
    }
}

impl Scalar for HyperDual {
    const ZERO: Self = HyperDual {
        value: 0.0,
        dx: 0.0,
        dy: 0.0,
        dxx: 0.0,
        dxy: 0.0,
        dyy: 0.0,
    };

    fn constant(c: f64) -> Self {
        HyperDual {
            value: c,
            ..Self::ZERO
        }
    }

    fn value(self) -> f64 {
        self.value
    }

    fn add_const(self, c: f64) -> Self {
        HyperDual {
            value: self.value + c,
            ..self
        }
    }

    fn mul_const(self, c: f64) -> Self {
        HyperDual {
            value: self.value * c,
            dx: self.dx * c,
            dy: self.dy * c,
            dxx: self.dxx * c,
            dxy: self.dxy * c,
            dyy: self.dyy * c,
        }
    }

    fn const_minus(self, c: f64) -> Self {
        HyperDual {
            value: c - self.value,
            ..-self
        }
    }

    /// u²: slope 2u and curvature 2, both finite whenever the value is.
    fn square(self) -> Self {
        let u = self;
        HyperDual {
            value: u.value * u.value,
            dx: 2.0 * u.value * u.dx,
            dy: 2.0 * u.value * u.dy,
            dxx: 2.0 * (u.dx * u.dx + u.value * u.dxx),
            dxy: 2.0 * (u.dx * u.dy + u.value * u.dxy),
            dyy: 2.0 * (u.dy * u.dy + u.value * u.dyy),
        }
    }

    /// u^c: slope c·u^(c−1), curvature c·(c − 1)·u^(c−2) (0 for c = 0 or 1, so that `x^1` is
    /// flat in its second derivative even at x = 0).
    fn pow_const(self, exponent: f64) -> Self {
        let value = self.value.powf(exponent);
        let curvature = if exponent == 0.0 || exponent == 1.0 {
            0.0
        } else {
            exponent * (exponent - 1.0) * self.value.powf(exponent - 2.0)
        };
        HyperDual::chained(value, power_slope(self.value, exponent), curvature, self)
    }

    /// a^b = exp(b·ln a), so with g = b·ln a: ∂ᵢ(a^b) = a^b·∂ᵢg and
    /// ∂ᵢ∂ⱼ(a^b) = a^b·(∂ᵢ∂ⱼg + ∂ᵢg·∂ⱼg), where ∂ᵢg = ∂ᵢb·ln a + b·∂ᵢa/a and
    /// ∂ᵢ∂ⱼg = ∂ᵢ∂ⱼb·ln a + (∂ᵢb·∂ⱼa + ∂ⱼb·∂ᵢa)/a + b·(∂ᵢ∂ⱼa/a − ∂ᵢa·∂ⱼa/a²). An exponent
    /// that is constant takes the constant rule, finite for negative bases.
    fn pow_var(self, exponent: Self) -> Self {
        if exponent.is_constant() {
            return self.pow_const(exponent.value);
        }
        let (a, b) = (self, exponent);
        let value = a.value.powf(b.value);
        if value == 0.0 {
            // a^b → 0 as a → 0⁺, and so do its derivatives wherever they are finite.
            return HyperDual::constant(0.0);
        }
        let ln_a = a.value.ln();
        let gx = b.dx * ln_a + b.value * a.dx / a.value;
        let gy = b.dy * ln_a + b.value * a.dy / a.value;
        let second = |bij: f64, bi: f64, bj: f64, ai: f64, aj: f64, aij: f64| {
            bij * ln_a
                + (bi * aj + bj * ai) / a.value
                + b.value * (aij / a.value - ai * aj / (a.value * a.value))
        };
        let gxx = second(b.dxx, b.dx, b.dx, a.dx, a.dx, a.dxx);
        let gxy = second(b.dxy, b.dx, b.dy, a.dx, a.dy, a.dxy);
        let gyy = second(b.dyy, b.dy, b.dy, a.dy, a.dy, a.dyy);
        HyperDual {
            value,
            dx: value * gx,
            dy: value * gy,
            dxx: value * (gxx + gx * gx),
            dxy: value * (gxy + gx * gy),
            dyy: value * (gyy + gy * gy),
        }
    }

    fn call(self, f: Func) -> Self {
        let value = f.eval(self.value);
        let slope = f.slope(self.value, value);
        HyperDual::chained(value, slope, f.curvature(self.value, value, slope), self)
    }

    /// w = atan2(y, x) = atan(y/x) on the right half-plane: ∂ᵢw = Nᵢ/r² with
    /// Nᵢ = x·∂ᵢy − y·∂ᵢx and r² = x² + y², so ∂ⱼ∂ᵢw = (∂ⱼNᵢ − ∂ᵢw·∂ⱼr²)/r².
    fn atan2(y: Self, x: Self) -> Self {
        let value = f64::atan2(y.value, x.value);
        let r2 = x.value * x.value + y.value * y.value;
        let nx = x.value * y.dx - y.value * x.dx;
        let ny = x.value * y.dy - y.value * x.dy;
        let (wx, wy) = (nx / r2, ny / r2);
        let r2x = 2.0 * (x.value * x.dx + y.value * y.dx);
        let r2y = 2.0 * (x.value * x.dy + y.value * y.dy);
        // ∂ⱼNᵢ = ∂ⱼx·∂ᵢy + x·∂ᵢ∂ⱼy − ∂ⱼy·∂ᵢx − y·∂ᵢ∂ⱼx.
        let nxx = x.value * y.dxx - y.value * x.dxx;
        let nxy = x.dy * y.dx + x.value * y.dxy - y.dy * x.dx - y.value * x.dxy;
        let nyy = x.value * y.dyy - y.value * x.dyy;
        HyperDual {
            value,
            dx: wx,
            dy: wy,
            dxx: (nxx - wx * r2x) / r2,
            dxy: (nxy - wx * r2y) / r2,
            dyy: (nyy - wy * r2y) / r2,
        }
    }
}

impl Func {
    /// The second derivative f″(u), given `value` = f(u) and `slope` = f′(u).
    fn curvature(self, u: f64, value: f64, slope: f64) -> f64 {
        match self {
            Func::Exp => value,
            Func::Ln if u < 0.0 => f64::NAN,
            Func::Ln => -1.0 / (u * u),
            Func::Log10 if u < 0.0 => f64::NAN,
            Func::Log10 => -1.0 / (u * u * LN_10),
            // −¼·u^(−3/2): infinite at 0 (the caller treats that as divergence), NaN below.
            Func::Sqrt => -0.25 / (value * value * value),
            Func::Sin | Func::Cos => -value,
            // (1 + tan²)′ = 2·tan·(1 + tan²).
            Func::Tan => 2.0 * value * slope,
            // (1 − tanh²)′ = −2·tanh·(1 − tanh²).
            Func::Tanh => -2.0 * value * slope,
            Func::Sinh | Func::Cosh => value,
            Func::Atan => -2.0 * u * slope * slope,
            Func::Abs if u.is_nan() => f64::NAN,
            Func::Abs => 0.0,
            // (σ(u)·σ(−u))′ = σ′·(σ(−u) − σ(u)).
            Func::Sigmoid => slope * (sigmoid(-u) - value),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::expr::test_support::*;

    /// The Hessian of `src` at (x, y), and the gradient's central differences (a test oracle
    /// only: the gradient itself is exact).
    fn hessian_and_differences(src: &str, x: f64, y: f64) -> ([[f64; 2]; 2], [[f64; 2]; 2]) {
        let expr = parse(src);
        let (_, _, h) = expr.value_gradient_hessian(x, y);
        let e = 1e-6;
        let g = |x, y| {
            let (_, gx, gy) = expr.value_and_gradient(x, y);
            [gx, gy]
        };
        let (gxp, gxm) = (g(x + e, y), g(x - e, y));
        let (gyp, gym) = (g(x, y + e), g(x, y - e));
        let numeric = [
            [(gxp[0] - gxm[0]) / (2.0 * e), (gyp[0] - gym[0]) / (2.0 * e)],
            [(gxp[1] - gxm[1]) / (2.0 * e), (gyp[1] - gym[1]) / (2.0 * e)],
        ];
        (h, numeric)
    }

    #[test]
    fn rosenbrock_hessian_matches_hand_derivation() {
        let expr = parse("(1 - x)^2 + 100*(y - x^2)^2");
        for (x, y) in [(0.0, 0.0), (1.0, 1.0), (-1.2, 1.0), (0.5, -0.3)] {
            let (f, g, h) = expr.value_gradient_hessian(x, y);
            assert_eq!(
                f.to_bits(),
                expr.value(x, y).to_bits(),
                "the value is the plain one"
            );
            let (_, gx, gy) = expr.value_and_gradient(x, y);
            assert_close(g[0], gx, "d/dx");
            assert_close(g[1], gy, "d/dy");
            assert_close(h[0][0], 2.0 - 400.0 * (y - x * x) + 800.0 * x * x, "f_xx");
            assert_close(h[0][1], -400.0 * x, "f_xy");
            assert_close(h[1][0], -400.0 * x, "f_yx");
            assert_close(h[1][1], 200.0, "f_yy");
        }
    }

    #[test]
    fn every_function_has_its_second_derivative() {
        // (name, f″(u), points): checked on f(2x − y) at x = y = u, where the chain rule gives
        // the Hessian f″(u)·[[4, −2], [−2, 1]].
        type Curv = fn(f64) -> f64;
        fn sig(u: f64) -> f64 {
            1.0 / (1.0 + (-u).exp())
        }
        let table: Vec<(&str, Curv, &[f64])> = vec![
            ("exp", f64::exp, &[-1.0, 0.5]),
            ("ln", |u| -1.0 / (u * u), &[0.3, 2.0]),
            (
                "log10",
                |u| -1.0 / (u * u * std::f64::consts::LN_10),
                &[0.5, 3.0],
            ),
            ("sqrt", |u| -0.25 * u.powf(-1.5), &[0.2, 4.0]),
            ("sin", |u| -u.sin(), &[-1.0, 2.0]),
            ("cos", |u| -u.cos(), &[-1.0, 2.0]),
            ("tan", |u| 2.0 * u.tan() / (u.cos() * u.cos()), &[-0.7, 0.4]),
            (
                "tanh",
                |u| -2.0 * u.tanh() / (u.cosh() * u.cosh()),
                &[-1.0, 0.3],
            ),
            ("sinh", f64::sinh, &[-1.0, 0.5]),
            ("cosh", f64::cosh, &[-1.0, 0.5]),
            (
                "atan",
                |u| -2.0 * u / ((1.0 + u * u) * (1.0 + u * u)),
                &[-2.0, 0.5],
            ),
            ("abs", |_| 0.0, &[-2.0, 0.5]),
            (
                "sigmoid",
                |u| sig(u) * (1.0 - sig(u)) * (1.0 - 2.0 * sig(u)),
                &[-2.0, 0.7],
            ),
        ];
        for (name, curvature, points) in table {
            let expr = parse(&format!("{name}(2*x - y)"));
            for &u in points {
                let (_, _, h) = expr.value_gradient_hessian(u, u);
                let c = curvature(u);
                for (got, factor, at) in [
                    (h[0][0], 4.0, "xx"),
                    (h[0][1], -2.0, "xy"),
                    (h[1][0], -2.0, "yx"),
                    (h[1][1], 1.0, "yy"),
                ] {
                    assert!(
                        close(got, factor * c, 1e-12),
                        "{name}″ at {u} ({at}): {got} vs {}",
                        factor * c
                    );
                }
            }
        }
    }

    #[test]
    fn products_quotients_powers_and_atan2() {
        // f = x²y³: f_xx = 2y³, f_xy = 6xy², f_yy = 6x²y.
        let (x, y) = (1.3, -0.7);
        let (_, _, h) = parse("x^2 * y^3").value_gradient_hessian(x, y);
        assert_close(h[0][0], 2.0 * y * y * y, "x²y³ xx");
        assert_close(h[0][1], 6.0 * x * y * y, "x²y³ xy");
        assert_close(h[1][1], 6.0 * x * x * y, "x²y³ yy");
        // f = x/y: f_xx = 0, f_xy = −1/y², f_yy = 2x/y³.
        let (_, _, h) = parse("x / y").value_gradient_hessian(x, y);
        assert_close(h[0][0], 0.0, "x/y xx");
        assert_close(h[0][1], -1.0 / (y * y), "x/y xy");
        assert_close(h[1][1], 2.0 * x / (y * y * y), "x/y yy");
        // f = x^y: f_xx = y(y−1)x^(y−2), f_xy = x^(y−1)(1 + y ln x), f_yy = x^y ln²x.
        let (x, y) = (1.7, 2.3);
        let (_, _, h) = parse("x^y").value_gradient_hessian(x, y);
        assert_close(h[0][0], y * (y - 1.0) * x.powf(y - 2.0), "x^y xx");
        assert_close(h[0][1], x.powf(y - 1.0) * (1.0 + y * x.ln()), "x^y xy");
        assert_close(h[1][1], x.powf(y) * x.ln() * x.ln(), "x^y yy");
        // Negative bases with constant exponents stay finite: (x^3)″ = 6x.
        let (_, _, h) = parse("x^3 + pow(y, 2)").value_gradient_hessian(-2.0, -1.0);
        assert_eq!(h, [[-12.0, 0.0], [0.0, 2.0]]);
        // atan2(y, x): f_xx = 2xy/r⁴, f_xy = (y² − x²)/r⁴, f_yy = −2xy/r⁴.
        let (x, y) = (0.6, -1.3);
        let r4 = (x * x + y * y) * (x * x + y * y);
        let (_, _, h) = parse("atan2(y, x)").value_gradient_hessian(x, y);
        assert_close(h[0][0], 2.0 * x * y / r4, "atan2 xx");
        assert_close(h[0][1], (y * y - x * x) / r4, "atan2 xy");
        assert_close(h[1][1], -2.0 * x * y / r4, "atan2 yy");
    }

    #[test]
    fn hessians_match_differences_of_the_exact_gradient() {
        let mut rng = Rng(7);
        for _ in 0..300 {
            let src = smooth_formula(&mut rng, 4);
            for _ in 0..3 {
                let (x, y) = (rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0));
                let (h, numeric) = hessian_and_differences(&src, x, y);
                assert_eq!(h[0][1].to_bits(), h[1][0].to_bits(), "`{src}`: symmetric");
                for i in 0..2 {
                    for j in 0..2 {
                        let tolerance = 1e-5 * (1.0 + numeric[i][j].abs());
                        assert!(
                            (h[i][j] - numeric[i][j]).abs() <= tolerance,
                            "`{src}` at ({x}, {y}) [{i}][{j}]: {} vs {}",
                            h[i][j],
                            numeric[i][j]
                        );
                    }
                }
            }
        }
    }
}
