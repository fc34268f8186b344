//! The parser: recursive descent over the tokens of [`super::lex`], emitting postfix code
//! straight into [`Code`] (no syntax tree), which folds constants as they come.
//!
//! Every error is an [`ExprError`] with the span of the offending text and, where one helps, a
//! hint. The error builders are kept out of line and cold so that the recursive rules keep
//! small stack frames; nesting is bounded by [`MAX_DEPTH`], so hostile input cannot overflow
//! the stack.

use std::f64::consts::{E, PI};
use std::ops::Range;

use super::fold::Code;
use super::lex::{column, Kind, Lexer, Token};
use super::names::{lookup_function, suggest_function, unknown_variable_hint, Function};
use super::vm::Op;
use super::ExprError;

/// Deepest accepted nesting of parentheses, function calls, unary signs and exponent chains.
/// The parser is recursive, so this bound is what keeps hostile input from overflowing the
/// stack: at the limit it needs about 100 KiB of stack optimised and 0.5 MiB unoptimised, well
/// within the 2 MiB Rust gives spawned threads.
pub(super) const MAX_DEPTH: usize = 200;

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
pub(super) struct Parser<'a> {
    src: &'a str,
    lexer: Lexer<'a>,
    /// The lookahead token.
    current: Token,
    /// The token consumed last, for hints about implicit multiplication and missing operands.
    previous: Option<Token>,
    /// Number of active `unary` rules; every kind of nesting passes through one.
    depth: usize,
    code: Code,
}

impl<'a> Parser<'a> {
    pub(super) fn new(src: &'a str) -> Result<Self, ExprError> {
        let mut lexer = Lexer::new(src);
        let current = lexer.next_token()?;
        Ok(Parser {
            src,
            lexer,
            current,
            previous: None,
            depth: 0,
            code: Code::default(),
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

    pub(super) fn parse_formula(mut self) -> Parse<Vec<Op>> {
        self.parse_sum()?;
        match self.current.kind {
            Kind::End => Ok(self.code.into_ops()),
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
            let right_start = self.code.end();
            self.parse_product()?;
            self.code.binary(op, right_start);
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
            let right_start = self.code.end();
            self.parse_unary()?;
            self.code.binary(op, right_start);
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
                self.code.unary(Op::Neg);
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
            let right_start = self.code.end();
            self.parse_unary()?;
            self.code.binary(Op::Pow, right_start);
        }
        Ok(())
    }

    fn parse_primary(&mut self) -> Parse<()> {
        let token = self.current;
        match token.kind {
            Kind::Number(value) => {
                self.advance()?;
                self.code.operand(Op::Const(value));
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
        self.code.operand(op);
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
                    second_start = self.code.end();
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
            self.code.unary(function.op);
        } else {
            self.code.binary(function.op, second_start);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::test_support::*;
    use crate::expr::{Expr, MAX_LEN};

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
}
