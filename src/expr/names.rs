//! The names a formula may use: the functions (with their usage and arity), the constants and
//! the variables, and help for names that are none of these (a close function name, a
//! case mistake, implicit multiplication such as `xy` or `x2`).

use super::vm::{Func, Op};

/// A callable function: its name, a usage example for hints, its number of arguments and the
/// instruction it compiles to.
pub(super) struct Function {
    pub(super) name: &'static str,
    pub(super) usage: &'static str,
    pub(super) arity: usize,
    pub(super) op: Op,
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

pub(super) fn lookup_function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// The known function closest to `name` by Levenshtein distance, if it is close enough to be a
/// plausible typo.
pub(super) fn suggest_function(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let limit = if lower.len() <= 3 { 1 } else { 2 };
    FUNCTIONS
        .iter()
        .filter(|f| f.name.len().abs_diff(lower.len()) <= limit)
        .map(|f| (strsim::levenshtein(&lower, f.name), f.name))
        .filter(|&(distance, _)| distance <= limit)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, name)| name)
}

/// Help for a name that is neither a variable, a constant nor a function.
pub(super) fn unknown_variable_hint(name: &str) -> String {
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
