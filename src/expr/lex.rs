//! The lexer: a formula split into tokens (numbers, names, operators, parentheses, commas),
//! on demand, so the first error reported is the leftmost one. Characters people paste from
//! papers or other languages (`x²`, `×`, `−`, `π`) are errors with a hint saying what to write.

use std::ops::Range;

use super::ExprError;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
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
    pub(super) fn starts_operand(self) -> bool {
        matches!(self, Kind::Number(_) | Kind::Ident | Kind::LParen)
    }

    pub(super) fn is_operator(self) -> bool {
        matches!(
            self,
            Kind::Plus | Kind::Minus | Kind::Star | Kind::Slash | Kind::Caret
        )
    }
}

/// A token: its kind and its byte range in the formula.
#[derive(Debug, Clone, Copy)]
pub(super) struct Token {
    pub(super) kind: Kind,
    pub(super) start: usize,
    pub(super) end: usize,
}

impl Token {
    pub(super) fn span(self) -> Range<usize> {
        self.start..self.end
    }
}

/// Splits the formula into tokens on demand, so the first error reported is the leftmost one.
pub(super) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    /// The token produced last, for hints such as "write x^2" after `x²`.
    last: Option<Token>,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Lexer {
            src,
            pos: 0,
            last: None,
        }
    }

    pub(super) fn next_token(&mut self) -> Result<Token, ExprError> {
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
pub(super) fn column(src: &str, at: usize) -> usize {
    src[..at].chars().count() + 1
}

#[cfg(test)]
mod tests {
    use std::f64::consts::{E, PI};

    use crate::expr::test_support::*;

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
}
