//! User-written loss surfaces: parsing formulas `f(x, y)` and evaluating them with exact gradients.
//!
//! A scene file may describe its surface as a formula, e.g.
//! `expr = "(1 - x)^2 + 100*(y - x^2)^2"`. This module owns everything about such formulas:
//!
//! * the grammar (standard mathematical precedence, so `-x^2` is `-(x^2)` and `2^3^2` is `2^9`),
//! * the error messages, with byte spans into the formula so the caller can point at a column,
//! * compilation into a flat stack-machine program (constant sub-expressions folded once),
//! * evaluation of the value alone, or of the value and the exact gradient by forward-mode
//!   automatic differentiation with dual numbers. Finite differences are never used: optimizers
//!   walk along these gradients for thousands of steps and would amplify their truncation error.
//!
//! Evaluation runs hundreds of thousands of times per image, so it allocates nothing for
//! ordinary formulas and never recurses.

use std::f64::consts::{E, LN_10, PI};
use std::fmt;
use std::ops::{Add, Div, Mul, Neg, Range, Sub};

/// Longest accepted formula in bytes; anything longer is almost certainly a mistake (a pasted
/// file) and would only slow the parser down.
const MAX_LEN: usize = 10_000;

/// Deepest accepted nesting of parentheses, function calls, unary signs and exponent chains.
/// The parser is recursive, so this bound is what keeps hostile input from overflowing the
/// stack: at the limit it needs about 100 KiB of stack optimised and 0.5 MiB unoptimised, well
/// within the 2 MiB Rust gives spawned threads.
const MAX_DEPTH: usize = 200;

/// Evaluation-stack slots kept on the machine stack. Formulas needing more (only absurdly nested
/// ones) fall back to a heap buffer per evaluation.
const INLINE_STACK: usize = 16;

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
        let code = Parser::new(src)?.parse_formula().map_err(|error| *error)?;
        let max_stack = stack_height(&code);
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

    /// The formula as written (trimmed), for legends and error messages.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Runs the program over any number type, on the machine stack when it fits.
    fn run<N: Scalar>(&self, x: N, y: N) -> N {
        if self.max_stack <= INLINE_STACK {
            let mut stack = [N::ZERO; INLINE_STACK];
            execute(&self.code, x, y, &mut stack)
        } else {
            let mut stack = vec![N::ZERO; self.max_stack];
            execute(&self.code, x, y, &mut stack)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Program representation and interpreter
// ---------------------------------------------------------------------------------------------

/// One stack-machine instruction. A single flat enum, so the interpreter dispatches once per
/// instruction.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
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
enum Func {
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
    fn eval(self, u: f64) -> f64 {
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

    /// The derivative f'(u), given `value = f(u)` to save recomputing it.
    fn slope(self, u: f64, value: f64) -> f64 {
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

/// Logistic function, in the form that never overflows `exp`.
fn sigmoid(u: f64) -> f64 {
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
fn execute<N: Scalar>(code: &[Op], x: N, y: N, stack: &mut [N]) -> N {
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
fn stack_height(code: &[Op]) -> usize {
    let mut height: isize = 0;
    let mut max = 0;
    for op in code {
        height += op.stack_effect();
        max = max.max(height);
    }
    max.unsigned_abs()
}

/// Evaluates a program without variables at parse time, with the very interpreter that runs it
/// later, so folded constants are bit-for-bit what evaluation would have computed.
fn fold(code: &[Op]) -> f64 {
    let mut stack = [0.0; 2];
    execute(code, 0.0, 0.0, &mut stack)
}

// ---------------------------------------------------------------------------------------------
// Number types: f64 for values, Dual for values with gradients
// ---------------------------------------------------------------------------------------------

/// What the interpreter needs from a number type. Implemented by `f64` and [`Dual`]; the dual
/// implementation computes its value part with exactly the same `f64` operations.
trait Scalar:
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

/// A value with its partial derivatives in `x` and `y` (forward-mode automatic differentiation,
/// both directions at once).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Dual {
    value: f64,
    dx: f64,
    dy: f64,
}

impl Dual {
    fn variable(value: f64, dx: f64, dy: f64) -> Self {
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
fn power_slope(base: f64, exponent: f64) -> f64 {
    if exponent == 0.0 {
        0.0
    } else {
        exponent * base.powf(exponent - 1.0)
    }
}

// ---------------------------------------------------------------------------------------------
// Known names
// ---------------------------------------------------------------------------------------------

/// A callable function: its name, a usage example for hints, its number of arguments and the
/// instruction it compiles to.
struct Function {
    name: &'static str,
    usage: &'static str,
    arity: usize,
    op: Op,
}

impl Function {
    const fn one(name: &'static str, usage: &'static str, f: Func) -> Self {
        Function {
            name,
            usage,
            arity: 1,
            op: Op::Call(f),
        }
    }

    const fn two(name: &'static str, usage: &'static str, op: Op) -> Self {
        Function {
            name,
            usage,
            arity: 2,
            op,
        }
    }
}

/// Every function the grammar knows, in the order used to break ties between suggestions.
const FUNCTIONS: &[Function] = &[
    Function::one("exp", "exp(u)", Func::Exp),
    Function::one("ln", "ln(u)", Func::Ln),
    Function::one("log", "log(u)", Func::Ln),
    Function::one("log10", "log10(u)", Func::Log10),
    Function::one("sqrt", "sqrt(u)", Func::Sqrt),
    Function::one("sin", "sin(u)", Func::Sin),
    Function::one("cos", "cos(u)", Func::Cos),
    Function::one("tan", "tan(u)", Func::Tan),
    Function::one("tanh", "tanh(u)", Func::Tanh),
    Function::one("sinh", "sinh(u)", Func::Sinh),
    Function::one("cosh", "cosh(u)", Func::Cosh),
    Function::one("atan", "atan(u)", Func::Atan),
    Function::one("abs", "abs(u)", Func::Abs),
    Function::one("sigmoid", "sigmoid(u)", Func::Sigmoid),
    Function::two("min", "min(a, b)", Op::Min),
    Function::two("max", "max(a, b)", Op::Max),
    Function::two("atan2", "atan2(y, x)", Op::Atan2),
    Function::two("pow", "pow(a, b)", Op::Pow),
];

/// Names that are operands rather than functions.
const OPERAND_NAMES: &[&str] = &["x", "y", "pi", "e"];

fn lookup_function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// The known function closest to `name`, if it is close enough to be a plausible typo.
fn suggest_function(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let limit = if lower.len() <= 3 { 1 } else { 2 };
    FUNCTIONS
        .iter()
        .filter(|f| f.name.len().abs_diff(lower.len()) <= limit)
        .map(|f| (edit_distance(&lower, f.name), f.name))
        .filter(|&(distance, _)| distance <= limit)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, name)| name)
}

/// Levenshtein distance over bytes (names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.as_bytes().iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// Help for a name that is neither a variable, a constant nor a function.
fn unknown_variable_hint(name: &str) -> String {
    const VARIABLES: &str = "the variables are `x` and `y`";
    let lower = name.to_ascii_lowercase();
    if lower != name
        && (OPERAND_NAMES.contains(&lower.as_str()) || lookup_function(&lower).is_some())
    {
        return format!("names are case-sensitive: write `{lower}`");
    }
    let bytes = name.as_bytes();
    if bytes.len() > 1 && bytes.iter().all(|&b| b == b'x' || b == b'y') {
        let product: Vec<String> = name.chars().map(String::from).collect();
        return format!(
            "{VARIABLES}; implicit multiplication is not supported, write {}",
            product.join("*")
        );
    }
    if bytes.len() > 1
        && (bytes[0] == b'x' || bytes[0] == b'y')
        && bytes[1..].iter().all(u8::is_ascii_digit)
    {
        let (var, digits) = name.split_at(1);
        return format!(
            "{VARIABLES}; write {var}^{digits} for a power or {var}*{digits} for a product"
        );
    }
    VARIABLES.to_owned()
}

// ---------------------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Number(f64),
    Ident,
    Plus,
    Minus,
    Star,
    Slash,
    /// `^` or `**`.
    Caret,
    LParen,
    RParen,
    Comma,
    End,
}

impl Kind {
    /// Whether a token of this kind can begin an operand (used to recognise implicit
    /// multiplication).
    fn starts_operand(self) -> bool {
        matches!(self, Kind::Number(_) | Kind::Ident | Kind::LParen)
    }

    fn is_operator(self) -> bool {
        matches!(
            self,
            Kind::Plus | Kind::Minus | Kind::Star | Kind::Slash | Kind::Caret
        )
    }
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

impl Token {
    fn span(self) -> Range<usize> {
        self.start..self.end
    }
}

/// Splits the formula into tokens on demand, so the first error reported is the leftmost one.
struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    /// The token produced last, for hints such as "write x^2" after `x²`.
    last: Option<Token>,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Self {
        Lexer {
            src,
            pos: 0,
            last: None,
        }
    }

    fn next_token(&mut self) -> Result<Token, ExprError> {
        let rest = &self.src[self.pos..];
        let trimmed = rest.trim_start();
        self.pos += rest.len() - trimmed.len();
        let start = self.pos;
        let bytes = self.src.as_bytes();
        let kind = match trimmed.chars().next() {
            None => Kind::End,
            Some('0'..='9' | '.') => self.number(start)?,
            Some('a'..='z' | 'A'..='Z' | '_') => {
                let mut end = start + 1;
                while end < bytes.len()
                    && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_')
                {
                    end += 1;
                }
                self.pos = end;
                Kind::Ident
            }
            Some(c) => {
                let kind = match c {
                    '+' => Kind::Plus,
                    '-' => Kind::Minus,
                    '*' if bytes.get(start + 1) == Some(&b'*') => {
                        self.pos += 1;
                        Kind::Caret
                    }
                    '*' => Kind::Star,
                    '/' => Kind::Slash,
                    '^' => Kind::Caret,
                    '(' => Kind::LParen,
                    ')' => Kind::RParen,
                    ',' => Kind::Comma,
                    _ => return Err(self.unexpected_character(start, c)),
                };
                self.pos += 1;
                kind
            }
        };
        let token = Token {
            kind,
            start,
            end: self.pos,
        };
        self.last = Some(token);
        Ok(token)
    }

    /// Lexes `12`, `2.5`, `.5`, `5.`, `1e-3`, `2.5E+4`; rejects `1e`, `1.2.3`, `.`.
    fn number(&mut self, start: usize) -> Result<Kind, ExprError> {
        let bytes = self.src.as_bytes();
        let digits_from = |mut i: usize| {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            i
        };
        let mut end = digits_from(start);
        let mut mantissa_digits = end - start;
        if bytes.get(end) == Some(&b'.') {
            let fraction_end = digits_from(end + 1);
            mantissa_digits += fraction_end - (end + 1);
            end = fraction_end;
        }
        if mantissa_digits == 0 {
            return Err(
                self.malformed_number(start..end, "write a digit next to the point, e.g. 0.5")
            );
        }
        let mut has_exponent = false;
        if matches!(bytes.get(end), Some(b'e' | b'E')) {
            let mut i = end + 1;
            let signed = matches!(bytes.get(i), Some(b'+' | b'-'));
            if signed {
                i += 1;
            }
            let exponent_end = digits_from(i);
            if exponent_end > i {
                end = exponent_end;
                has_exponent = true;
            } else if !signed
                && bytes
                    .get(i)
                    .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_')
            {
                // `2exp(x)` or `2ex`: the number stops before the name, and the parser then
                // reports the missing `*` with a useful hint.
            } else {
                return Err(self.malformed_number(
                    start..i,
                    "the exponent needs digits, e.g. `1e-3`; for the constant e write `2*e`",
                ));
            }
        }
        if bytes.get(end) == Some(&b'.') {
            let mut bad_end = end;
            while bad_end < bytes.len()
                && (bytes[bad_end].is_ascii_digit() || bytes[bad_end] == b'.')
            {
                bad_end += 1;
            }
            let hint = if has_exponent {
                "the exponent of a number must be a whole number"
            } else {
                "a number has at most one decimal point"
            };
            return Err(self.malformed_number(start..bad_end, hint));
        }
        self.pos = end;
        match self.src[start..end].parse::<f64>() {
            Ok(value) => Ok(Kind::Number(value)),
            Err(_) => Err(ExprError::new(
                start..end,
                format!("malformed number `{}`", &self.src[start..end]),
            )),
        }
    }

    fn malformed_number(&self, span: Range<usize>, hint: &str) -> ExprError {
        let message = format!("malformed number `{}`", &self.src[span.clone()]);
        ExprError::new(span, message).with_hint(hint)
    }

    fn unexpected_character(&self, start: usize, c: char) -> ExprError {
        let span = start..start + c.len_utf8();
        // Invisible characters are shown escaped; quotes and backslashes as themselves.
        let shown = match c {
            '\'' | '"' | '\\' => c.to_string(),
            _ => c.escape_debug().to_string(),
        };
        let error = ExprError::new(span, format!("unexpected character `{shown}`"));
        match self.character_hint(start, c) {
            Some(hint) => error.with_hint(hint),
            None => error,
        }
    }

    /// Help for characters people paste from papers or other languages.
    fn character_hint(&self, start: usize, c: char) -> Option<String> {
        if superscript(c).is_some() {
            let exponent: String = self.src[start..].chars().map_while(superscript).collect();
            let base = match self.last {
                Some(
                    t @ Token {
                        kind: Kind::Number(_) | Kind::Ident,
                        ..
                    },
                ) => &self.src[t.span()],
                _ => "",
            };
            return Some(if base.is_empty() {
                format!("write ^{exponent} for powers, e.g. x^{exponent}")
            } else {
                format!("write {base}^{exponent}")
            });
        }
        let hint = match c {
            '×' | '·' | '⋅' | '∙' | '∗' => "write * for multiplication",
            '÷' | '∕' => "write / for division",
            '−' | '–' | '—' => "write - (the ASCII minus sign)",
            'π' => "write pi",
            '√' => "write sqrt(...)",
            '[' | ']' | '{' | '}' => "use ( and ) for grouping",
            _ => return None,
        };
        Some(hint.to_owned())
    }
}

/// The ASCII character a superscript digit or minus stands for.
fn superscript(c: char) -> Option<char> {
    match c {
        '⁰' => Some('0'),
        '¹' => Some('1'),
        '²' => Some('2'),
        '³' => Some('3'),
        '⁴'..='⁹' => char::from_digit(u32::from(c) - u32::from('⁰'), 10),
        '⁻' => Some('-'),
        _ => None,
    }
}

/// 1-based character column of byte offset `at`, for hints that mention another location.
fn column(src: &str, at: usize) -> usize {
    src[..at].chars().count() + 1
}

// ---------------------------------------------------------------------------------------------
// Parser (recursive descent emitting postfix code)
// ---------------------------------------------------------------------------------------------

/// Result of the recursive parsing rules. The error is boxed so that every recursive frame (and
/// every `?` temporary in it) stays small: the depth limit bounds the recursion, this keeps each
/// level cheap, even in unoptimised builds.
type Parse<T> = Result<T, Box<ExprError>>;

/// Recursive-descent parser that emits postfix code directly (no syntax tree), folding constant
/// sub-expressions as it goes.
///
/// Grammar, loosest binding first:
///
/// ```text
/// sum     = product (("+" | "-") product)*
/// product = unary (("*" | "/") unary)*
/// unary   = ("-" | "+") unary | power
/// power   = primary ("^" unary)?          -- right-associative; allows 2^-x
/// primary = number | name | name "(" args ")" | "(" sum ")"
/// ```
struct Parser<'a> {
    src: &'a str,
    lexer: Lexer<'a>,
    /// The lookahead token.
    current: Token,
    /// The token consumed last, for hints about implicit multiplication and missing operands.
    previous: Option<Token>,
    /// Number of active `unary` rules; every kind of nesting passes through one.
    depth: usize,
    code: Vec<Op>,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Result<Self, ExprError> {
        let mut lexer = Lexer::new(src);
        let current = lexer.next_token()?;
        Ok(Parser {
            src,
            lexer,
            current,
            previous: None,
            depth: 0,
            code: Vec::new(),
        })
    }

    /// Consumes the lookahead token and returns it.
    fn advance(&mut self) -> Parse<Token> {
        let next = self.lexer.next_token()?;
        let token = std::mem::replace(&mut self.current, next);
        self.previous = Some(token);
        Ok(token)
    }

    fn text(&self, token: Token) -> &'a str {
        match token.kind {
            Kind::End => "end of formula",
            _ => &self.src[token.span()],
        }
    }

    fn parse_formula(mut self) -> Parse<Vec<Op>> {
        self.parse_sum()?;
        match self.current.kind {
            Kind::End => Ok(self.code),
            Kind::RParen => Err(ExprError::new(self.current.span(), "unmatched `)`")
                .with_hint("there is no `(` for it to close")
                .into()),
            _ => Err(self.expected_operator()),
        }
    }

    fn parse_sum(&mut self) -> Parse<()> {
        self.parse_product()?;
        loop {
            let op = match self.current.kind {
                Kind::Plus => Op::Add,
                Kind::Minus => Op::Sub,
                _ => return Ok(()),
            };
            self.advance()?;
            let right_start = self.code.len();
            self.parse_product()?;
            self.emit_binary(op, right_start);
        }
    }

    fn parse_product(&mut self) -> Parse<()> {
        self.parse_unary()?;
        loop {
            let op = match self.current.kind {
                Kind::Star => Op::Mul,
                Kind::Slash => Op::Div,
                _ => return Ok(()),
            };
            self.advance()?;
            let right_start = self.code.len();
            self.parse_unary()?;
            self.emit_binary(op, right_start);
        }
    }

    /// Unary signs bind looser than `^`, so `-x^2` is `-(x^2)`.
    fn parse_unary(&mut self) -> Parse<()> {
        self.depth += 1;
        // The outermost `unary` is depth 1, so MAX_DEPTH levels of nesting need MAX_DEPTH + 1.
        if self.depth > MAX_DEPTH + 1 {
            return Err(self.too_deep());
        }
        match self.current.kind {
            Kind::Minus => {
                self.advance()?;
                self.parse_unary()?;
                self.emit_unary(Op::Neg);
            }
            Kind::Plus => {
                self.advance()?;
                self.parse_unary()?;
            }
            _ => self.parse_power()?,
        }
        self.depth -= 1;
        Ok(())
    }

    /// `^` is right-associative (`2^3^2 = 2^9`) and its exponent may carry a sign (`2^-x`).
    fn parse_power(&mut self) -> Parse<()> {
        self.parse_primary()?;
        if self.current.kind == Kind::Caret {
            self.advance()?;
            let right_start = self.code.len();
            self.parse_unary()?;
            self.emit_binary(Op::Pow, right_start);
        }
        Ok(())
    }

    fn parse_primary(&mut self) -> Parse<()> {
        let token = self.current;
        match token.kind {
            Kind::Number(value) => {
                self.advance()?;
                self.emit_operand(Op::Const(value));
            }
            Kind::LParen => {
                self.advance()?;
                self.parse_sum()?;
                if self.current.kind != Kind::RParen {
                    return Err(self.unclosed(token));
                }
                self.advance()?;
            }
            Kind::Ident => {
                self.advance()?;
                self.parse_name(token)?;
            }
            _ => return Err(self.expected_operand()),
        }
        Ok(())
    }

    /// A variable, a constant or a function call; `name` has been consumed.
    fn parse_name(&mut self, name: Token) -> Parse<()> {
        let op = match self.text(name) {
            "x" => Op::X,
            "y" => Op::Y,
            "pi" => Op::Const(PI),
            "e" => Op::Const(E),
            text => {
                return match lookup_function(text) {
                    Some(function) => self.parse_call(name, function),
                    None => Err(self.unknown_name(name)),
                };
            }
        };
        self.emit_operand(op);
        Ok(())
    }

    /// The argument list of a call; the function's name has been consumed.
    fn parse_call(&mut self, name: Token, function: &Function) -> Parse<()> {
        if self.current.kind != Kind::LParen {
            return Err(self.missing_call_parenthesis(function));
        }
        let open = self.advance()?;
        let mut count = 0;
        // Where the second argument's code starts, for folding two-argument functions.
        let mut second_start = 0;
        let close = if self.current.kind == Kind::RParen {
            self.advance()?
        } else {
            loop {
                if count == 1 {
                    second_start = self.code.len();
                }
                self.parse_sum()?;
                count += 1;
                match self.current.kind {
                    Kind::Comma => {
                        self.advance()?;
                    }
                    Kind::RParen => break self.advance()?,
                    _ => return Err(self.unclosed(open)),
                }
            }
        };
        if count != function.arity {
            return Err(wrong_arity(function, count, name.start..close.end));
        }
        if function.arity == 1 {
            self.emit_unary(function.op);
        } else {
            self.emit_binary(function.op, second_start);
        }
        Ok(())
    }

    // The error builders below are kept out of line and cold so that the recursive rules above
    // keep small stack frames.

    #[cold]
    #[inline(never)]
    fn too_deep(&self) -> Box<ExprError> {
        Box::new(
            ExprError::new(
                self.current.span(),
                format!("the formula is nested too deeply (more than {MAX_DEPTH} levels)"),
            )
            .with_hint("simplify the formula"),
        )
    }

    /// A name that is neither a variable, a constant nor a function.
    #[cold]
    #[inline(never)]
    fn unknown_name(&self, name: Token) -> Box<ExprError> {
        let text = self.text(name);
        let error = if self.current.kind == Kind::LParen {
            let error = ExprError::new(name.span(), format!("unknown function `{text}`"));
            match suggest_function(text) {
                Some(known) => error.with_hint(format!("did you mean `{known}`?")),
                None => error,
            }
        } else {
            ExprError::new(name.span(), format!("unknown variable `{text}`"))
                .with_hint(unknown_variable_hint(text))
        };
        Box::new(error)
    }

    #[cold]
    #[inline(never)]
    fn missing_call_parenthesis(&self, function: &Function) -> Box<ExprError> {
        Box::new(
            ExprError::new(
                self.current.span(),
                format!("expected `(` after `{}`", function.name),
            )
            .with_hint(format!(
                "functions are called with parentheses: `{}`",
                function.usage
            )),
        )
    }

    /// The error for a group or call opened by `open` that is not followed by `)`.
    #[cold]
    #[inline(never)]
    fn unclosed(&self, open: Token) -> Box<ExprError> {
        let found = self.current;
        if found.kind.starts_operand() {
            return self.expected_operator();
        }
        let hint = format!(
            "the `(` at column {} is not closed",
            column(self.src, open.start)
        );
        let message = match found.kind {
            Kind::End => "expected `)`".to_owned(),
            _ => format!("expected `)`, found `{}`", self.text(found)),
        };
        Box::new(ExprError::new(found.span(), message).with_hint(hint))
    }

    /// The error for a complete operand followed by something that is not an operator.
    #[cold]
    #[inline(never)]
    fn expected_operator(&self) -> Box<ExprError> {
        Box::new(self.expected_operator_error())
    }

    fn expected_operator_error(&self) -> ExprError {
        let found = self.current;
        let right = self.text(found);
        let error = ExprError::new(
            found.span(),
            format!("expected an operator, found `{right}`"),
        );
        if found.kind == Kind::Comma {
            return error.with_hint("`,` only separates function arguments");
        }
        let Some(previous) = self.previous else {
            return error;
        };
        if !(found.kind.starts_operand()
            && matches!(previous.kind, Kind::Number(_) | Kind::Ident | Kind::RParen))
        {
            return error;
        }
        let left = self.text(previous);
        if previous.kind == Kind::RParen || found.kind == Kind::LParen {
            error.with_hint(format!(
                "insert `*` between `{left}` and `{right}`: implicit multiplication is not supported"
            ))
        } else {
            error.with_hint(format!(
                "write {left}*{right} (implicit multiplication is not supported)"
            ))
        }
    }

    /// The error for a missing operand, e.g. `x +`, `* x`, `()`.
    #[cold]
    #[inline(never)]
    fn expected_operand(&self) -> Box<ExprError> {
        Box::new(self.expected_operand_error())
    }

    fn expected_operand_error(&self) -> ExprError {
        let found = self.current;
        let error = ExprError::new(found.span(), "expected a number, variable, function or `(`");
        let previous = self.previous.map(|t| t.kind);
        let hint = match (found.kind, previous) {
            (Kind::End, Some(kind)) if kind.is_operator() => {
                let operator = self.previous.map_or("", |t| self.text(t));
                format!("`{operator}` needs an operand after it")
            }
            (Kind::Star | Kind::Slash | Kind::Caret, _) => {
                format!("`{}` needs an operand before it", self.text(found))
            }
            (Kind::RParen, Some(Kind::LParen)) => "the parentheses are empty".to_owned(),
            (Kind::RParen | Kind::Comma, Some(Kind::Comma)) | (Kind::Comma, Some(Kind::LParen)) => {
                "a function argument is missing".to_owned()
            }
            _ => return error,
        };
        error.with_hint(hint)
    }

    /// Appends a push instruction.
    fn emit_operand(&mut self, op: Op) {
        self.code.push(op);
    }

    /// Appends a unary instruction, folding it when its operand is a constant.
    ///
    /// In postfix code an operand whose last instruction is a `Const` *is* that single
    /// instruction, so looking at the tail of `code` is enough.
    fn emit_unary(&mut self, op: Op) {
        match self.code.last_mut() {
            Some(Op::Const(a)) => *a = fold(&[Op::Const(*a), op]),
            _ => self.code.push(op),
        }
    }

    /// Appends a binary instruction whose right operand starts at `right_start`, folding
    /// constant operands away: two constants give a constant; one constant gives the cheaper
    /// one-operand forms (`AddConst`, `MulConst`, `ConstMinus`), and a constant exponent gives
    /// `Square` or `PowConst`, whose derivative stays finite for negative bases.
    fn emit_binary(&mut self, op: Op, right_start: usize) {
        // The left operand ends just before `right_start`; like any operand, it is a single
        // instruction when that last instruction is a `Const`.
        let left = match right_start.checked_sub(1).and_then(|i| self.code.get(i)) {
            Some(&Op::Const(c)) => Some(c),
            _ => None,
        };
        let right = match self.code.last() {
            Some(&Op::Const(c)) => Some(c),
            _ => None,
        };
        if let (Some(a), Some(b)) = (left, right) {
            self.code.truncate(right_start - 1);
            self.code
                .push(Op::Const(fold(&[Op::Const(a), Op::Const(b), op])));
            return;
        }
        if let Some(unary) = right.and_then(|c| with_constant_right(op, c)) {
            self.code.pop();
            self.code.push(unary);
            return;
        }
        if let Some(unary) = left.and_then(|c| with_constant_left(op, c)) {
            self.code.remove(right_start - 1);
            self.code.push(unary);
            return;
        }
        self.code.push(op);
    }
}

#[cold]
#[inline(never)]
fn wrong_arity(function: &Function, count: usize, span: Range<usize>) -> Box<ExprError> {
    let expected = match function.arity {
        1 => "1 argument".to_owned(),
        n => format!("{n} arguments"),
    };
    Box::new(
        ExprError::new(
            span,
            format!("`{}` takes {expected}, found {count}", function.name),
        )
        .with_hint(format!("usage: `{}`", function.usage)),
    )
}

/// `u op c` as a one-operand instruction, when there is one.
fn with_constant_right(op: Op, c: f64) -> Option<Op> {
    match op {
        Op::Add => Some(Op::AddConst(c)),
        Op::Sub => Some(Op::AddConst(-c)),
        Op::Mul => Some(Op::MulConst(c)),
        Op::Pow if c == 2.0 => Some(Op::Square),
        Op::Pow => Some(Op::PowConst(c)),
        _ => None,
    }
}

/// `c op u` as a one-operand instruction, when there is one.
fn with_constant_left(op: Op, c: f64) -> Option<Op> {
    match op {
        Op::Add => Some(Op::AddConst(c)),
        Op::Sub => Some(Op::ConstMinus(c)),
        Op::Mul => Some(Op::MulConst(c)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Expr {
        Expr::parse(src).unwrap_or_else(|e| panic!("`{src}` should parse, got {e:?}"))
    }

    fn eval(src: &str, x: f64, y: f64) -> f64 {
        parse(src).value(x, y)
    }

    fn error(src: &str) -> ExprError {
        match Expr::parse(src) {
            Ok(expr) => panic!("`{src}` should not parse, got {expr:?}"),
            Err(e) => e,
        }
    }

    /// |a − b| ≤ tol·max(1, |a|, |b|).
    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * 1f64.max(a.abs()).max(b.abs())
    }

    fn assert_close(actual: f64, expected: f64, what: &str) {
        assert!(
            close(actual, expected, 1e-12),
            "{what}: got {actual}, expected {expected}"
        );
    }

    fn assert_gradient(src: &str, x: f64, y: f64, expected: (f64, f64, f64)) {
        let (f, fx, fy) = parse(src).value_and_gradient(x, y);
        assert_close(f, expected.0, &format!("{src} value at ({x}, {y})"));
        assert_close(fx, expected.1, &format!("{src} d/dx at ({x}, {y})"));
        assert_close(fy, expected.2, &format!("{src} d/dy at ({x}, {y})"));
    }

    #[test]
    fn precedence_follows_mathematical_convention() {
        let cases = [
            ("-x^2", 3.0, -9.0),
            ("2^3^2", 0.0, 512.0),
            ("-2^2", 0.0, -4.0),
            ("2^-1", 0.0, 0.5),
            ("2^-x", 2.0, 0.25),
            ("1-2-3", 0.0, -4.0),
            ("8/2/2", 0.0, 2.0),
            ("2*3^2", 0.0, 18.0),
            ("1+2*3", 0.0, 7.0),
            ("(1+2)*3", 0.0, 9.0),
            ("2*-x", 3.0, -6.0),
            ("2--x", 3.0, 5.0),
            ("+x", 3.0, 3.0),
            ("-x^2^-1", 4.0, -2.0),
            ("x/2*4", 3.0, 6.0),
            ("2**3**2", 0.0, 512.0),
        ];
        for (src, x, expected) in cases {
            assert_eq!(eval(src, x, 0.0), expected, "{src} at x = {x}");
            // The dual path must agree, including on folded constants.
            assert_eq!(parse(src).value_and_gradient(x, 0.0).0, expected, "{src}");
        }
    }

    #[test]
    fn double_star_is_a_synonym_for_caret() {
        let a = parse("x**2 + y ** 3");
        let b = parse("x^2 + y^3");
        for (x, y) in [(0.0, 0.0), (-2.0, 1.5), (3.25, -0.5)] {
            assert_eq!(a.value_and_gradient(x, y), b.value_and_gradient(x, y));
        }
    }

    #[test]
    fn numbers_constants_and_whitespace() {
        assert_eq!(eval("3", 0.0, 0.0), 3.0);
        assert_eq!(eval("2.5", 0.0, 0.0), 2.5);
        assert_eq!(eval(".5", 0.0, 0.0), 0.5);
        assert_eq!(eval("5.", 0.0, 0.0), 5.0);
        assert_eq!(eval("1e-3", 0.0, 0.0), 1e-3);
        assert_eq!(eval("2.5E+4", 0.0, 0.0), 2.5e4);
        assert_eq!(eval("pi", 0.0, 0.0), PI);
        assert_eq!(eval("e", 0.0, 0.0), E);
        assert_eq!(eval("e^x", 1.0, 0.0), E.powf(1.0));
        assert_eq!(eval(" \t( 1 -x ) ^ 2\n+ y ", 3.0, 1.0), 5.0);
        assert_eq!(eval("min ( x , y )", 3.0, 1.0), 1.0);
    }

    #[test]
    fn source_is_the_trimmed_formula() {
        assert_eq!(parse("  x^2 + y^2 \n").source(), "x^2 + y^2");
    }

    #[test]
    fn constants_are_folded_and_constant_operands_specialised() {
        use Op::*;
        let cases: &[(&str, &[Op])] = &[
            ("2*3 + x", &[X, AddConst(6.0)]),
            ("x - 3", &[X, AddConst(-3.0)]),
            ("1 - x", &[X, ConstMinus(1.0)]),
            ("2*x", &[X, MulConst(2.0)]),
            ("x/2", &[X, Const(2.0), Div]),
            ("2/x", &[Const(2.0), X, Div]),
            ("x^2", &[X, Square]),
            ("pow(x, 2)", &[X, Square]),
            ("x^(1/2)", &[X, PowConst(0.5)]),
            ("2^x", &[Const(2.0), X, Pow]),
            ("x^y", &[X, Y, Pow]),
            ("min(x, 2)", &[X, Const(2.0), Min]),
            ("sin(pi/2) * -1", &[Const(-1.0)]),
            ("max(1, 2) + atan2(0, -1)", &[Const(2.0 + PI)]),
            ("-(x*y)", &[X, Y, Mul, Neg]),
        ];
        for &(src, code) in cases {
            assert_eq!(&*parse(src).code, code, "{src}");
        }
        assert_eq!(parse("(1 - x)^2 + 100*(y - x^2)^2").code.len(), 10);
    }

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

    // ----- errors -----

    fn assert_error(src: &str, span: Range<usize>, message: &str, hint: Option<&str>) {
        let e = error(src);
        assert_eq!(e.span, span, "span for `{src}`: {e:?}");
        assert_eq!(e.message, message, "message for `{src}`");
        assert_eq!(e.hint.as_deref(), hint, "hint for `{src}`");
        assert_eq!(e.to_string(), message, "Display shows the message only");
    }

    fn hint_of(src: &str) -> String {
        error(src).hint.unwrap_or_default()
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
    fn unexpected_characters() {
        assert_error("x $ y", 2..3, "unexpected character `$`", None);
        assert_error("x ' y", 2..3, "unexpected character `'`", None);
        assert_error("x\u{0}", 1..2, "unexpected character `\\0`", None);
        assert_error("x\u{200b}", 1..4, "unexpected character `\\u{200b}`", None);
        assert_error(
            "x² + y²",
            1..3,
            "unexpected character `²`",
            Some("write x^2"),
        );
        assert_error(
            "x + y³",
            5..7,
            "unexpected character `³`",
            Some("write y^3"),
        );
        assert_error("x¹⁰", 1..3, "unexpected character `¹`", Some("write x^10"));
        assert_error(
            "2 × x",
            2..4,
            "unexpected character `×`",
            Some("write * for multiplication"),
        );
        assert_error(
            "x − y",
            2..5,
            "unexpected character `−`",
            Some("write - (the ASCII minus sign)"),
        );
        assert_error("é", 0..2, "unexpected character `é`", None);
        assert_error("x + 𝑦", 4..8, "unexpected character `𝑦`", None);
    }

    #[test]
    fn unknown_names() {
        assert_error(
            "x + z",
            4..5,
            "unknown variable `z`",
            Some("the variables are `x` and `y`"),
        );
        assert_error(
            "sinn(x)",
            0..4,
            "unknown function `sinn`",
            Some("did you mean `sin`?"),
        );
        assert_error("foo(x)", 0..3, "unknown function `foo`", None);
        assert_eq!(hint_of("sigmod(x)"), "did you mean `sigmoid`?");
        assert_eq!(hint_of("SIN(x)"), "did you mean `sin`?");
        assert_eq!(hint_of("arctan(x)"), "did you mean `atan`?");
        assert_eq!(hint_of("X + 1"), "names are case-sensitive: write `x`");
        assert!(hint_of("xy").ends_with("write x*y"), "{}", hint_of("xy"));
        assert!(hint_of("x2").contains("write x^2"), "{}", hint_of("x2"));
    }

    #[test]
    fn function_without_parentheses() {
        assert_error(
            "sin x",
            4..5,
            "expected `(` after `sin`",
            Some("functions are called with parentheses: `sin(u)`"),
        );
        let e = error("1 + exp");
        assert_eq!(
            (e.span, e.message.as_str()),
            (7..7, "expected `(` after `exp`")
        );
    }

    #[test]
    fn wrong_arity_names_the_function_and_count() {
        assert_error(
            "min(x)",
            0..6,
            "`min` takes 2 arguments, found 1",
            Some("usage: `min(a, b)`"),
        );
        assert_error(
            "1 + sin(x, y)",
            4..13,
            "`sin` takes 1 argument, found 2",
            Some("usage: `sin(u)`"),
        );
        assert_error(
            "sin()",
            0..5,
            "`sin` takes 1 argument, found 0",
            Some("usage: `sin(u)`"),
        );
        assert_eq!(
            error("atan2(1, 2, 3)").message,
            "`atan2` takes 2 arguments, found 3"
        );
    }

    #[test]
    fn unbalanced_parentheses() {
        assert_error(
            "(x + 1",
            6..6,
            "expected `)`",
            Some("the `(` at column 1 is not closed"),
        );
        assert_error(
            "2 * (x + 1",
            10..10,
            "expected `)`",
            Some("the `(` at column 5 is not closed"),
        );
        assert_error(
            // Columns count characters: the no-break space is two bytes but one column.
            "\u{a0}(x",
            4..4,
            "expected `)`",
            Some("the `(` at column 2 is not closed"),
        );
        assert_error(
            "sin(x",
            5..5,
            "expected `)`",
            Some("the `(` at column 4 is not closed"),
        );
        assert_error(
            "(x, y)",
            2..3,
            "expected `)`, found `,`",
            Some("the `(` at column 1 is not closed"),
        );
        assert_error(
            "x + 1)",
            5..6,
            "unmatched `)`",
            Some("there is no `(` for it to close"),
        );
        assert_eq!(error("(x))").message, "unmatched `)`");
    }

    #[test]
    fn trailing_garbage_and_implicit_multiplication() {
        assert_error(
            "x y",
            2..3,
            "expected an operator, found `y`",
            Some("write x*y (implicit multiplication is not supported)"),
        );
        assert_error(
            "2x",
            1..2,
            "expected an operator, found `x`",
            Some("write 2*x (implicit multiplication is not supported)"),
        );
        assert_error(
            "(x+1)(x-1)",
            5..6,
            "expected an operator, found `(`",
            Some("insert `*` between `)` and `(`: implicit multiplication is not supported"),
        );
        assert_error(
            "sin(2 x)",
            6..7,
            "expected an operator, found `x`",
            Some("write 2*x (implicit multiplication is not supported)"),
        );
        assert!(hint_of("2exp(x)").starts_with("write 2*exp"));
        assert_error(
            "x, y",
            1..2,
            "expected an operator, found `,`",
            Some("`,` only separates function arguments"),
        );
    }

    #[test]
    fn missing_operands() {
        const MESSAGE: &str = "expected a number, variable, function or `(`";
        assert_error("x +", 3..3, MESSAGE, Some("`+` needs an operand after it"));
        assert_error("* x", 0..1, MESSAGE, Some("`*` needs an operand before it"));
        assert_error("x ^", 3..3, MESSAGE, Some("`^` needs an operand after it"));
        assert_error("()", 1..2, MESSAGE, Some("the parentheses are empty"));
        assert_error(
            "min(x,)",
            6..7,
            MESSAGE,
            Some("a function argument is missing"),
        );
        assert_error(
            "min(,x)",
            4..5,
            MESSAGE,
            Some("a function argument is missing"),
        );
        assert_eq!(error("x * / y").span, 4..5);
    }

    #[test]
    fn malformed_numbers() {
        let e = error("1e");
        assert_eq!(
            (e.span, e.message.as_str()),
            (0..2, "malformed number `1e`")
        );
        let e = error("x + 1.2.3");
        assert_eq!(
            (e.span, e.message.as_str()),
            (4..9, "malformed number `1.2.3`")
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("a number has at most one decimal point")
        );
        let e = error("x + 1e+");
        assert_eq!(
            (e.span, e.message.as_str()),
            (4..7, "malformed number `1e+`")
        );
        let e = error("2 * .");
        assert_eq!((e.span, e.message.as_str()), (4..5, "malformed number `.`"));
        let e = error("1e5.5");
        assert_eq!(
            (e.span, e.message.as_str()),
            (0..5, "malformed number `1e5.5`")
        );
    }

    #[test]
    fn nesting_is_limited_without_overflowing_the_stack() {
        let nested = |n: usize| format!("{}x{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(eval(&nested(MAX_DEPTH), 2.0, 0.0), 2.0);
        let e = error(&nested(MAX_DEPTH + 1));
        assert!(e.message.contains("nested too deeply"), "{e:?}");
        assert_eq!(e.span, MAX_DEPTH + 1..MAX_DEPTH + 2);

        assert_eq!(eval(&format!("{}x", "-".repeat(MAX_DEPTH)), 2.0, 0.0), 2.0);
        assert!(error(&format!("{}x", "-".repeat(MAX_DEPTH + 1)))
            .message
            .contains("nested"));
        assert_eq!(eval(&format!("{}1", "1^".repeat(MAX_DEPTH)), 0.0, 0.0), 1.0);
        assert!(error(&format!("{}1", "1^".repeat(MAX_DEPTH + 1)))
            .message
            .contains("nested"));
        assert!(error(&format!("{}x", "sin(".repeat(300)))
            .message
            .contains("nested"));

        // Far beyond the limit, within the length limit: still an error, not a crash.
        assert!(error(&"(".repeat(MAX_LEN)).message.contains("nested"));
        assert!(error(&"-".repeat(MAX_LEN)).message.contains("nested"));
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

    // ----- property tests -----

    /// xorshift64*: a tiny deterministic generator, good enough to shuffle test inputs.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() >> 33) as usize % n
        }

        fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
            &items[self.below(items.len())]
        }

        /// Uniform in [lo, hi).
        fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
            lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
        }
    }

    fn same_bits_or_both_nan(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    #[test]
    fn parse_never_panics_and_spans_are_valid() {
        const ALPHABET: &[&str] = &[
            "0", "1", "2", "9", "x", "y", "x", "y", "+", "-", "*", "/", "^", "**", "(", "(", ")",
            ")", ",", " ", " ", ".", "e", "E", "e-", "pi", "sin", "sin(", "min(", "atan2(", "exp(",
            "sqrt(", "abs(", "sigmoid(", "pow(", "ln(", "z", "_", "²", "é", "€", "𝑥", "−", "$",
            "\t", "1e5", "0.5", "sinn(",
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut parsed = 0;
        for round in 0..20_000 {
            let src = if round % 2 == 0 {
                // Pure noise over the alphabet.
                let len = rng.below(24);
                (0..len).map(|_| *rng.pick(ALPHABET)).collect()
            } else {
                // A valid formula with a few random edits: mostly near-valid input.
                let mut src = smooth_formula(&mut rng, 3);
                for _ in 0..rng.below(3) {
                    let boundaries: Vec<usize> = src
                        .char_indices()
                        .map(|(i, _)| i)
                        .chain([src.len()])
                        .collect();
                    let at = *rng.pick(&boundaries);
                    if rng.below(2) == 0 && at < src.len() {
                        src.remove(at);
                    } else {
                        let fragment = *rng.pick(ALPHABET);
                        src.insert_str(at, fragment);
                    }
                }
                src
            };
            match Expr::parse(&src) {
                Err(e) => {
                    assert!(
                        e.span.start <= e.span.end && e.span.end <= src.len(),
                        "`{src}`: {e:?}"
                    );
                    assert!(src.is_char_boundary(e.span.start), "`{src}`: {e:?}");
                    assert!(src.is_char_boundary(e.span.end), "`{src}`: {e:?}");
                    assert!(!e.message.is_empty());
                }
                Ok(expr) => {
                    parsed += 1;
                    for (x, y) in [(0.0, 0.0), (0.5, -1.5), (-2.0, 3.0), (1e3, -1e-3)] {
                        let v = expr.value(x, y);
                        let (f, _, _) = expr.value_and_gradient(x, y);
                        assert!(
                            same_bits_or_both_nan(v, f),
                            "`{src}` at ({x}, {y}): {v} vs {f}"
                        );
                    }
                }
            }
        }
        assert!(
            parsed > 4000,
            "the generator should also produce valid formulas ({parsed})"
        );
    }

    /// A random smooth formula of bounded depth, built so that values stay moderate on [-1, 1]².
    fn smooth_formula(rng: &mut Rng, depth: usize) -> String {
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
