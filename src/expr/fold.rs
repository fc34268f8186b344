//! Constant folding: the code the parser emits, folded as it is emitted.
//!
//! An operator whose operands are all constants becomes one constant, computed by the very
//! interpreter that runs the program later ([`fold`]), so a folded constant is bit for bit what
//! evaluation would have computed. An operator with one constant operand becomes a cheaper
//! one-operand instruction (`AddConst`, `MulConst`, `ConstMinus`), and a constant exponent
//! becomes `Square` or `PowConst`, whose derivative stays finite for negative bases.

use super::vm::{self, Op};

/// A postfix program under construction: the parser appends each operand and operator as it
/// reads it, and operators are folded on the spot.
#[derive(Debug, Default)]
pub(super) struct Code(Vec<Op>);

impl Code {
    /// Where the next instruction goes: the start of the operand about to be parsed, which
    /// [`Code::binary`] needs to find its left operand.
    pub(super) fn end(&self) -> usize {
        self.0.len()
    }

    /// The finished program.
    pub(super) fn into_ops(self) -> Vec<Op> {
        self.0
    }

    /// Appends a push instruction.
    pub(super) fn operand(&mut self, op: Op) {
        self.0.push(op);
    }

    /// Appends a unary instruction, folding it when its operand is a constant.
    ///
    /// In postfix code an operand whose last instruction is a `Const` *is* that single
    /// instruction, so looking at the tail of `code` is enough.
    pub(super) fn unary(&mut self, op: Op) {
        match self.0.last_mut() {
            Some(Op::Const(a)) => *a = fold(&[Op::Const(*a), op]),
            _ => self.0.push(op),
        }
    }

    /// Appends a binary instruction whose right operand starts at `right_start`, folding
    /// constant operands away: two constants give a constant; one constant gives the cheaper
    /// one-operand forms (`AddConst`, `MulConst`, `ConstMinus`), and a constant exponent gives
    /// `Square` or `PowConst`, whose derivative stays finite for negative bases.
    pub(super) fn binary(&mut self, op: Op, right_start: usize) {
        // The left operand ends just before `right_start`; like any operand, it is a single
        // instruction when that last instruction is a `Const`.
        let left = match right_start.checked_sub(1).and_then(|i| self.0.get(i)) {
            Some(&Op::Const(c)) => Some(c),
            _ => None,
        };
        let right = match self.0.last() {
            Some(&Op::Const(c)) => Some(c),
            _ => None,
        };
        if let (Some(a), Some(b)) = (left, right) {
            self.0.truncate(right_start - 1);
            self.0
                .push(Op::Const(fold(&[Op::Const(a), Op::Const(b), op])));
            return;
        }
        if let Some(unary) = right.and_then(|c| with_constant_right(op, c)) {
            self.0.pop();
            self.0.push(unary);
            return;
        }
        if let Some(unary) = left.and_then(|c| with_constant_left(op, c)) {
            self.0.remove(right_start - 1);
            self.0.push(unary);
            return;
        }
        self.0.push(op);
    }
}

/// Evaluates a program without variables at parse time, with the very interpreter that runs it
/// later, so folded constants are bit-for-bit what evaluation would have computed.
fn fold(code: &[Op]) -> f64 {
    let mut stack = [0.0; 2];
    vm::execute(code, 0.0, 0.0, &mut stack)
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

#[cfg(test)]
mod tests {
    use std::f64::consts::PI;

    use super::*;
    use crate::expr::test_support::*;

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
}
