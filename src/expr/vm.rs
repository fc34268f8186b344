//! The stack machine: the compiled form of a formula ([`Op`]) and the interpreter that runs it
//! over any [`Scalar`], plain `f64` for values or [`super::dual::Dual`] for gradients.
//!
//! One program serves both number types, so the value part of a gradient evaluation is
//! bit for bit the plain value.

use std::ops::{Add, Div, Mul, Neg, Sub};

/// Evaluation-stack slots kept on the machine stack. Formulas needing more (only absurdly nested
/// ones) fall back to a heap buffer per evaluation.
pub(super) const INLINE_STACK: usize = 16;

/// One stack-machine instruction. A single flat enum, so the interpreter dispatches once per
/// instruction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Op {
    // Pushes.
    /// Pushes a constant (literals, `pi`, `e`, folded sub-expressions).
    Const(f64),
    /// Pushes the variable `x`.
    X,
    /// Pushes the variable `y`.
    Y,

    // Unary: replace the top of the stack.
    Neg,
    /// `u + c` (and `u − c` as `u + (−c)`, which IEEE arithmetic defines identically).
    AddConst(f64),
    /// `u · c`.
    MulConst(f64),
    /// `c − u`.
    ConstMinus(f64),
    /// `u^2`, the most common power, as one multiplication.
    Square,
    /// `u^c` with an exponent known at parse time: derivative `c·u^(c−1)·u'`, which stays
    /// finite and correct for negative bases such as `(−2)^2`.
    PowConst(f64),
    Call(Func),

    // Binary: pop the right operand and replace the left one by the result.
    Add,
    Sub,
    Mul,
    Div,
    /// `a^b` where the exponent depends on the variables.
    Pow,
    Min,
    Max,
    /// `atan2(y, x)`: the left operand is `y`.
    Atan2,
}

impl Op {
    /// How the instruction changes the stack height.
    fn stack_effect(self) -> isize {
        match self {
            Op::Const(_) | Op::X | Op::Y => 1,
            Op::Neg
            | Op::AddConst(_)
            | Op::MulConst(_)
            | Op::ConstMinus(_)
            | Op::Square
            | Op::PowConst(_)
            | Op::Call(_) => 0,
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Pow | Op::Min | Op::Max | Op::Atan2 => -1,
        }
    }
}

/// The one-argument functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Func {
    Exp,
    Ln,
    Log10,
    Sqrt,
    Sin,
    Cos,
    Tan,
    Tanh,
    Sinh,
    Cosh,
    Atan,
    Abs,
    Sigmoid,
}

impl Func {
    /// The function's value; shared by the `f64` and dual paths so they agree bit for bit.
    pub(super) fn eval(self, u: f64) -> f64 {
        match self {
            Func::Exp => u.exp(),
            Func::Ln => u.ln(),
            Func::Log10 => u.log10(),
            Func::Sqrt => u.sqrt(),
            Func::Sin => u.sin(),
            Func::Cos => u.cos(),
            Func::Tan => u.tan(),
            Func::Tanh => u.tanh(),
            Func::Sinh => u.sinh(),
            Func::Cosh => u.cosh(),
            Func::Atan => u.atan(),
            Func::Abs => u.abs(),
            Func::Sigmoid => sigmoid(u),
        }
    }
}

/// Logistic function, in the form that never overflows `exp`.
pub(super) fn sigmoid(u: f64) -> f64 {
    if u >= 0.0 {
        1.0 / (1.0 + (-u).exp())
    } else {
        let e = u.exp();
        e / (1.0 + e)
    }
}

/// `min(a, b)` following the selected operand's derivative; the first operand wins ties, and
/// NaN in either operand gives NaN: a domain error must not be hidden by `min`.
fn min<N: Scalar>(a: N, b: N) -> N {
    if a.value() <= b.value() {
        a
    } else if b.value() < a.value() {
        b
    } else {
        N::constant(f64::NAN)
    }
}

/// `max(a, b)`, with the same conventions as [`min`].
fn max<N: Scalar>(a: N, b: N) -> N {
    if a.value() >= b.value() {
        a
    } else if b.value() > a.value() {
        b
    } else {
        N::constant(f64::NAN)
    }
}

/// Runs `code`; `stack` must hold at least [`stack_height`]`(code)` slots.
///
/// The top of the stack lives in a local (`top`) so unary instructions and the result of binary
/// ones never touch memory; `stack` only holds the values below it.
pub(super) fn execute<N: Scalar>(code: &[Op], x: N, y: N, stack: &mut [N]) -> N {
    let mut top = N::ZERO;
    // Number of values below `top` (the first push spills the meaningless initial `top`).
    let mut below = 0;
    for op in code {
        match *op {
            Op::Const(c) => push(stack, &mut below, &mut top, N::constant(c)),
            Op::X => push(stack, &mut below, &mut top, x),
            Op::Y => push(stack, &mut below, &mut top, y),
            Op::Neg => top = -top,
            Op::AddConst(c) => top = top.add_const(c),
            Op::MulConst(c) => top = top.mul_const(c),
            Op::ConstMinus(c) => top = top.const_minus(c),
            Op::Square => top = top.square(),
            Op::PowConst(c) => top = top.pow_const(c),
            Op::Call(f) => top = top.call(f),
            Op::Add => top = pop(stack, &mut below) + top,
            Op::Sub => top = pop(stack, &mut below) - top,
            Op::Mul => top = pop(stack, &mut below) * top,
            Op::Div => top = pop(stack, &mut below) / top,
            Op::Pow => top = pop(stack, &mut below).pow_var(top),
            Op::Min => top = min(pop(stack, &mut below), top),
            Op::Max => top = max(pop(stack, &mut below), top),
            Op::Atan2 => top = N::atan2(pop(stack, &mut below), top),
        }
    }
    debug_assert_eq!(below, 1, "a compiled formula leaves exactly one value");
    top
}

/// Makes `value` the new top, spilling the old one onto `stack`.
#[inline(always)]
fn push<N: Copy>(stack: &mut [N], below: &mut usize, top: &mut N, value: N) {
    stack[*below] = *top;
    *below += 1;
    *top = value;
}

/// The value below the top of the stack (a binary instruction's left operand).
#[inline(always)]
fn pop<N: Copy>(stack: &[N], below: &mut usize) -> N {
    *below -= 1;
    stack[*below]
}

/// The largest stack height `code` reaches.
pub(super) fn stack_height(code: &[Op]) -> usize {
    let mut height: isize = 0;
    let mut max = 0;
    for op in code {
        height += op.stack_effect();
        max = max.max(height);
    }
    max.unsigned_abs()
}

/// What the interpreter needs from a number type. Implemented by `f64` and
/// [`Dual`](super::dual::Dual); the dual
/// implementation computes its value part with exactly the same `f64` operations.
pub(super) trait Scalar:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    const ZERO: Self;
    fn constant(c: f64) -> Self;
    /// The plain value, for comparisons in `min`/`max`.
    fn value(self) -> f64;
    fn add_const(self, c: f64) -> Self;
    fn mul_const(self, c: f64) -> Self;
    fn const_minus(self, c: f64) -> Self;
    fn square(self) -> Self;
    fn pow_const(self, exponent: f64) -> Self;
    fn pow_var(self, exponent: Self) -> Self;
    fn call(self, f: Func) -> Self;
    fn atan2(y: Self, x: Self) -> Self;
}

impl Scalar for f64 {
    const ZERO: Self = 0.0;

    fn constant(c: f64) -> Self {
        c
    }

    fn value(self) -> f64 {
        self
    }

    fn add_const(self, c: f64) -> Self {
        self + c
    }

    fn mul_const(self, c: f64) -> Self {
        self * c
    }

    fn const_minus(self, c: f64) -> Self {
        c - self
    }

    fn square(self) -> Self {
        self * self
    }

    fn pow_const(self, exponent: f64) -> Self {
        self.powf(exponent)
    }

    fn pow_var(self, exponent: Self) -> Self {
        self.powf(exponent)
    }

    fn call(self, f: Func) -> Self {
        f.eval(self)
    }

    fn atan2(y: Self, x: Self) -> Self {
        f64::atan2(y, x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::test_support::*;

    #[test]
    fn domain_errors_are_nan() {
        for src in ["ln(x)", "sqrt(x)", "x^0.5", "log10(x)", "x^y"] {
            let (f, _, _) = parse(src).value_and_gradient(-1.0, 0.5);
            assert!(f.is_nan(), "{src} at x = -1");
            assert!(eval(src, -1.0, 0.5).is_nan(), "{src} at x = -1");
        }
        assert!(eval("(-8)^(1/3)", 0.0, 0.0).is_nan());
        assert!(parse("ln(x)").value_and_gradient(-1.0, 0.0).1.is_nan());
    }

    #[test]
    fn deep_formulas_use_the_heap_stack() {
        let depth = 150;
        let src = format!("{}x{}", "x*(".repeat(depth), ")".repeat(depth));
        let expr = parse(&src);
        assert!(expr.max_stack > INLINE_STACK);
        let x: f64 = 1.01;
        let (f, fx, _) = expr.value_and_gradient(x, 0.0);
        let n = depth as i32 + 1;
        assert!(close(f, x.powi(n), 1e-12));
        assert!(close(fx, f64::from(n) * x.powi(n - 1), 1e-12));
        assert_eq!(expr.value(x, 0.0).to_bits(), f.to_bits());
    }

    #[test]
    fn long_flat_formulas_are_fine() {
        let src = format!("{}x", "x+".repeat(4999));
        assert_eq!(src.len(), 9999);
        let expr = parse(&src);
        assert_eq!(expr.max_stack, 2);
        assert_eq!(expr.value_and_gradient(2.0, 0.0), (10000.0, 5000.0, 0.0));
    }
}
