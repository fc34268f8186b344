//! Keys declared once: what a scene key is called, what it means, what it takes, its default and
//! its checked range.
//!
//! Every key a scene file can hold is a [`Key`] constant next to the thing it configures: a
//! surface kind's parameters in its file under `surface/`, an optimizer's hyper-parameters in its
//! file under `optimizer/`, the scene's own tables in `scene/tables.rs`. The scene checker, the
//! JSON Schema (`render --schema`), `render --list`, the gallery and the README's tables all read
//! these constants; none of them keeps a list of keys of its own.
//!
//! This module only describes keys and holds checked values ([`Values`]); reading them from TOML
//! is the scene checker's job.

use std::fmt::Write;

/// A point or vector in the plane (the same as [`crate::surface::Point`]).
pub type Point = [f64; 2];

/// A number as docs and messages write it: plainly (`0.05`, `10000`), or in scientific
/// notation when tiny or huge (`1e-8` rather than `0.00000001`). Either form reads back as the
/// same f64.
pub fn number_text(v: f64) -> String {
    let a = v.abs();
    if v.is_finite() && v != 0.0 && !(1e-4..1e16).contains(&a) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// One end of a [`Range`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// No limit on this side.
    Open,
    /// The value itself is allowed.
    Inclusive(f64),
    /// The value itself is not allowed.
    Exclusive(f64),
}

/// The values a number may take. Every checked number is also finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub min: Bound,
    pub max: Bound,
}

impl Range {
    /// Any finite number.
    pub const ANY: Range = Range {
        min: Bound::Open,
        max: Bound::Open,
    };

    /// Above `min`, not `min` itself.
    pub const fn above(min: f64) -> Range {
        Range {
            min: Bound::Exclusive(min),
            max: Bound::Open,
        }
    }

    /// `min` or above.
    pub const fn at_least(min: f64) -> Range {
        Range {
            min: Bound::Inclusive(min),
            max: Bound::Open,
        }
    }

    /// From `min` to `max`, both included.
    pub const fn from_to(min: f64, max: f64) -> Range {
        Range {
            min: Bound::Inclusive(min),
            max: Bound::Inclusive(max),
        }
    }

    /// From 0 (included) to 1 (excluded): a decay factor such as β.
    pub const UNIT: Range = Range {
        min: Bound::Inclusive(0.0),
        max: Bound::Exclusive(1.0),
    };

    /// Strictly between −`limit` and `limit`.
    pub const fn within(limit: f64) -> Range {
        Range {
            min: Bound::Exclusive(-limit),
            max: Bound::Exclusive(limit),
        }
    }

    /// True when `v` is finite and within the range.
    pub fn contains(&self, v: f64) -> bool {
        let above = match self.min {
            Bound::Open => true,
            Bound::Inclusive(m) => v >= m,
            Bound::Exclusive(m) => v > m,
        };
        let below = match self.max {
            Bound::Open => true,
            Bound::Inclusive(m) => v <= m,
            Bound::Exclusive(m) => v < m,
        };
        v.is_finite() && above && below
    }

    /// The range in words, as it follows a noun: "> 0", "≥ 0", "from 0.5 to 50",
    /// "with 0 ≤ β < 1", "with |tilt| < 1.5"; empty for [`Range::ANY`]. `symbol` names the value
    /// where the words need it.
    pub fn text(&self, symbol: &str) -> String {
        use Bound::*;
        let n = number_text;
        match (self.min, self.max) {
            (Open, Open) => String::new(),
            (Exclusive(a), Open) => format!("> {}", n(a)),
            (Inclusive(a), Open) => format!("≥ {}", n(a)),
            (Open, Exclusive(b)) => format!("< {}", n(b)),
            (Open, Inclusive(b)) => format!("≤ {}", n(b)),
            (Inclusive(a), Inclusive(b)) if a == b => format!("equal to {}", n(a)),
            (Inclusive(a), Inclusive(b)) => format!("from {} to {}", n(a), n(b)),
            (Exclusive(a), Exclusive(b)) if a == -b => format!("with |{symbol}| < {}", n(b)),
            (lo, hi) => {
                let (a, lo_op) = match lo {
                    Inclusive(a) => (a, "≤"),
                    Exclusive(a) => (a, "<"),
                    Open => unreachable!("handled above"),
                };
                let (b, hi_op) = match hi {
                    Inclusive(b) => (b, "≤"),
                    Exclusive(b) => (b, "<"),
                    Open => unreachable!("handled above"),
                };
                format!("with {} {lo_op} {symbol} {hi_op} {}", n(a), n(b))
            }
        }
    }
}

/// One name a key may take, with what it means (a chart, an overlay, a panel layout, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub name: &'static str,
    /// One line, for `render --list`, the schema and the README.
    pub doc: &'static str,
}

/// Declares an enum of names a key may take together with its [`Choice`] table, in one list:
/// the variant, its name in scene files and its one-line doc.
///
/// ```ignore
/// choices! {
///     /// How contour levels are spaced.
///     pub enum ContourScale in SCALES {
///         Auto = "auto": "log when the surface spans decades over the window, else linear",
///         Linear = "linear": "evenly spaced",
///     }
/// }
/// ```
/// gives `ContourScale`, `SCALES: &[Choice]` (in the same order), `ContourScale::ALL`,
/// `ContourScale::name` and `ContourScale::from_index`.
#[macro_export]
macro_rules! choices {
    (
        $(#[$meta:meta])*
        pub enum $name:ident in $table:ident {
            $($variant:ident = $text:literal : $doc:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $(#[doc = $doc] $variant),+
        }

        #[doc = concat!("The names a `", stringify!($name), "` is written as in scene files, in declaration order.")]
        pub const $table: &[$crate::keys::Choice] = &[
            $($crate::keys::Choice { name: $text, doc: $doc }),+
        ];

        impl $name {
            /// Every value, in declaration order (the order of the name table).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name it is written as in scene files.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value at `index` in declaration order.
            pub fn from_index(index: usize) -> Self {
                Self::ALL[index]
            }
        }
    };
}

/// What a key's value is, with what the checker checks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Type {
    /// A finite number within `range`; with `sweep`, a list of them is a sweep (one run per
    /// value).
    Number { range: Range, sweep: bool },
    /// A whole number within `range`, written `60` or `60.0` (the JSON Schema's integers); with
    /// `sweep`, a list of them is a sweep.
    Whole { range: Range, sweep: bool },
    /// `true` or `false`; with `sweep`, a list of them is a sweep.
    Bool { sweep: bool },
    /// A list of whole numbers within `range`, strictly increasing, at least one
    /// (`milestones = [30, 80]`).
    WholeList { range: Range },
    /// Any text.
    Text,
    /// A plain file name: letters, digits, `_`, `-` and `.` (not first), at most 100 characters.
    FileName,
    /// One of the names.
    Choice(&'static [Choice]),
    /// A list of the names, each at most once.
    Choices(&'static [Choice]),
    /// A list of names of optimizer keys that can be swept, each at most once (the names are
    /// [`crate::scene::tables::slider_keys`]; checked as [`Value::Choices`] of that list).
    SweptKeys,
    /// `[x, y]`: two finite numbers.
    Point,
    /// A place on the surface: `x`, a finite number, on a 1-D surface, `[x, y]` on a 2-D one
    /// (which the surface decides: the scene checks it once the surface is known).
    Position,
    /// `[min, max]`: two finite numbers with min < max and a finite width.
    Interval,
    /// Two whole numbers within `range`; `names` say which is which, `unit` what they count.
    WholePair {
        names: [&'static str; 2],
        range: Range,
        unit: &'static str,
    },
    /// A list of points `[[x, y], ...]`, from `min` to `max` of them.
    Points { min: usize, max: usize },
    /// A list of places, from `min` to `max` of them: numbers `[x, ...]` on a 1-D surface,
    /// points `[[x, y], ...]` on a 2-D one.
    Positions { min: usize, max: usize },
    /// A CSV file of `x,y` rows (relative to the scene file), from `min` to `max` points.
    PointsFile { min: usize, max: usize },
    /// A font file (TTF, OTF, or the first face of a TTC), relative to the scene file.
    FontFile,
    /// A table with these keys (`noise = { std = 0.5 }`).
    Table(&'static [Key]),
    /// One or more tables with these keys (`[[start]]`), at most `max`.
    Tables { keys: &'static [Key], max: usize },
    /// The `[surface]` table: its keys are the common ones of `scene/tables.rs` and those of its
    /// kind (see [`crate::surface`]).
    Surface,
    /// The `[[optimizer]]` tables: each entry's keys are those of its kind (see
    /// [`crate::optimizer`]).
    Optimizers,
    /// A learning-rate schedule, an inline table `{ kind = "...", ... }` whose keys are those
    /// of its kind (see [`crate::schedule`]).
    Schedule,
}

/// What a missing key means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Absent {
    /// It must be given.
    Required,
    /// It may be left out, and nothing is assumed (e.g. a label: one is made up).
    Optional,
    /// What is assumed instead, in words ("the scene file's name").
    Computed(&'static str),
    Number(f64),
    Whole(i64),
    Bool(bool),
    Point(Point),
    WholePair([i64; 2]),
    /// One name of a [`Type::Choice`].
    Name(&'static str),
    /// Names of a [`Type::Choices`].
    Names(&'static [&'static str]),
}

impl Absent {
    /// The default as written in a scene file (`1`, `[640, 480]`, `"auto"`, `["loss"]`), or in
    /// words for a computed one; `None` when the key is required or nothing is assumed.
    pub fn text(&self) -> Option<String> {
        Some(match self {
            Absent::Required | Absent::Optional => return None,
            Absent::Computed(words) => words.to_string(),
            Absent::Number(v) => number_text(*v),
            Absent::Whole(v) => v.to_string(),
            Absent::Bool(v) => v.to_string(),
            Absent::Point([x, y]) => format!("[{}, {}]", number_text(*x), number_text(*y)),
            Absent::WholePair([a, b]) => format!("[{a}, {b}]"),
            Absent::Name(n) => format!("\"{n}\""),
            Absent::Names(names) => format!(
                "[{}]",
                names
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
    }
}

/// One key of a scene table, declared once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Key {
    /// The key as written in scene files.
    pub name: &'static str,
    /// How formulas and labels write it (`β` for `beta`); the name itself when empty.
    pub symbol: &'static str,
    /// What the value is, as a noun without article, for messages: "learning rate" gives
    /// "expected a learning rate > 0", "unknown chart `x`", "missing the learning rate `lr`".
    pub what: &'static str,
    /// One line for `render --list`, the schema's description and the README.
    pub doc: &'static str,
    pub ty: Type,
    pub absent: Absent,
    /// A value to suggest in hints (`0.05` for `lr`); empty when none helps.
    pub example: &'static str,
    /// For an optimizer's key: the forms it applies to (empty: every form).
    pub forms: &'static [&'static str],
    /// Named in one-line summaries (the gallery's run lines) even at its default value; keys
    /// that rarely change (ε, dampening) are named only when set to something else.
    pub brief: bool,
    /// Names a number key also takes, each standing for a value theory computes from the
    /// surface (`lr = "polyak"`); empty for most keys.
    pub named: &'static [Named],
    /// Why the range is what it is, given as the hint when a value is outside it (empty: no
    /// hint).
    pub why: &'static str,
}

/// A name a number key also takes (`lr = "polyak"`): a value computed from the principal
/// curvatures (λ_min, λ_max) of a convex quadratic surface, where theory gives an optimum.
#[derive(Debug, Clone, Copy)]
pub struct Named {
    pub name: &'static str,
    /// One line: what the value is.
    pub doc: &'static str,
    /// The value for curvatures (λ_min, λ_max), 0 < λ_min ≤ λ_max, in the optimizer form it
    /// is written for (a form may scale its learning rate differently).
    pub value: fn((f64, f64), &str) -> f64,
}

/// Two names are the same when they are written and documented alike (what the value is
/// computed by is then the same declaration).
impl PartialEq for Named {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.doc == other.doc
    }
}

impl Key {
    /// A key of type `ty`, optional with nothing assumed, named in summaries.
    pub const fn new(name: &'static str, ty: Type, what: &'static str, doc: &'static str) -> Key {
        Key {
            name,
            symbol: "",
            what,
            doc,
            ty,
            absent: Absent::Optional,
            example: "",
            forms: &[],
            brief: true,
            named: &[],
            why: "",
        }
    }

    /// A number within `range`, defaulting to `default`.
    pub const fn number(
        name: &'static str,
        what: &'static str,
        doc: &'static str,
        range: Range,
        default: f64,
    ) -> Key {
        Key::new(
            name,
            Type::Number {
                range,
                sweep: false,
            },
            what,
            doc,
        )
        .absent(Absent::Number(default))
    }

    /// An optimizer hyper-parameter: a number within `range`, or a list of them (a sweep).
    pub const fn sweepable(
        name: &'static str,
        what: &'static str,
        doc: &'static str,
        range: Range,
        absent: Absent,
    ) -> Key {
        Key::new(name, Type::Number { range, sweep: true }, what, doc).absent(absent)
    }

    /// The same key with what a missing value means.
    pub const fn absent(self, absent: Absent) -> Key {
        Key { absent, ..self }
    }

    /// The same key, required, with a value to suggest when it is missing.
    pub const fn required(self, example: &'static str) -> Key {
        Key {
            absent: Absent::Required,
            example,
            ..self
        }
    }

    /// The same key with a value to suggest in hints.
    pub const fn example(self, example: &'static str) -> Key {
        Key { example, ..self }
    }

    /// The same key written `symbol` in formulas and labels.
    pub const fn symbol(self, symbol: &'static str) -> Key {
        Key { symbol, ..self }
    }

    /// The same key, applying only to these forms of its optimizer.
    pub const fn only_forms(self, forms: &'static [&'static str]) -> Key {
        Key { forms, ..self }
    }

    /// The same key, also taking these names for values theory computes (`lr = "polyak"`).
    pub const fn named(self, named: &'static [Named]) -> Key {
        Key { named, ..self }
    }

    /// The same key, with why its range is what it is (the hint of an out-of-range error).
    pub const fn why(self, why: &'static str) -> Key {
        Key { why, ..self }
    }

    /// A flag: `true` or `false`, or a list of them (a sweep), defaulting to `default`.
    pub const fn flag(
        name: &'static str,
        what: &'static str,
        doc: &'static str,
        default: bool,
    ) -> Key {
        Key::new(name, Type::Bool { sweep: true }, what, doc).absent(Absent::Bool(default))
    }

    /// The named value `name`, if the key takes it.
    pub fn named_value(&self, name: &str) -> Option<&'static Named> {
        self.named.iter().find(|n| n.name == name)
    }

    /// True when `v` (a number, or a flag held as 1 or 0) is the key's default.
    pub fn is_default(&self, v: f64) -> bool {
        match self.absent {
            Absent::Number(d) => v == d,
            Absent::Whole(d) => v == d as f64,
            Absent::Bool(d) => (v != 0.0) == d,
            _ => false,
        }
    }

    /// A value of this key as scene files write it: `true`/`false` for a flag (held as 1 or
    /// 0 in sweeps and optimizers), the number otherwise.
    pub fn value_text(&self, v: f64) -> String {
        match self.ty {
            Type::Bool { .. } => (v != 0.0).to_string(),
            _ => compact(v),
        }
    }

    /// The same key, named in summaries only when set to something other than its default.
    pub const fn named_when_set(self) -> Key {
        Key {
            brief: false,
            ..self
        }
    }

    /// The symbol, or the name when there is none.
    pub fn symbol_or_name(&self) -> &'static str {
        if self.symbol.is_empty() {
            self.name
        } else {
            self.symbol
        }
    }

    /// True when the key applies to optimizer form `form`.
    pub fn applies_to_form(&self, form: &str) -> bool {
        self.forms.is_empty() || self.forms.contains(&form)
    }

    /// The checked range of a numeric key ([`Range::ANY`] for other types).
    pub fn range(&self) -> Range {
        match self.ty {
            Type::Number { range, .. }
            | Type::Whole { range, .. }
            | Type::WholeList { range }
            | Type::WholePair { range, .. } => range,
            _ => Range::ANY,
        }
    }

    /// "a learning rate", "an epsilon": [`Key::what`] with its indefinite article.
    pub fn a_what(&self) -> String {
        with_article(self.what)
    }

    /// "the learning rate": [`Key::what`] with the definite article.
    pub fn the_what(&self) -> String {
        format!("the {}", self.what)
    }

    /// What a valid value is, in words, for messages and docs: "a learning rate > 0",
    /// "a momentum β with 0 ≤ β < 1", "a frame rate from 0.5 to 50".
    pub fn expected(&self) -> String {
        if let Type::WholePair { names, range, unit } = self.ty {
            let [a, b] = names.map(with_article);
            return format!("{a} and {b}, each {} {unit}", range.text(""));
        }
        let mut text = self.a_what();
        let range = self.range().text(self.symbol_or_name());
        if !range.is_empty() {
            text.push(' ');
            text.push_str(&range);
        }
        text
    }

    /// The key in one line for listings: `beta = 0.9 (0 ≤ β < 1)`, `lr (required, > 0)`,
    /// `center = [0, 0]`, `dampening = 0 (from 0 to 1, pytorch form only)`.
    pub fn summary(&self) -> String {
        self.summary_notes(true)
    }

    /// [`Key::summary`] without the forms the key applies to, for a listing of one form.
    pub fn summary_in_form(&self) -> String {
        self.summary_notes(false)
    }

    fn summary_notes(&self, with_forms: bool) -> String {
        let mut text = self.name.to_string();
        let mut notes: Vec<String> = Vec::new();
        match (self.absent, self.absent.text()) {
            (Absent::Computed(_), Some(words)) => notes.push(format!("default: {words}")),
            (_, Some(value)) => {
                let _ = write!(text, " = {value}");
            }
            (Absent::Required, None) => notes.push("required".into()),
            _ => {}
        }
        let range = self.range().text(self.symbol_or_name());
        if !range.is_empty() {
            notes.push(range.trim_start_matches("with ").to_string());
        }
        if !self.named.is_empty() {
            let names: Vec<String> = self
                .named
                .iter()
                .map(|n| format!("\"{}\"", n.name))
                .collect();
            notes.push(format!("or {}", names.join(" or ")));
        }
        if with_forms && !self.forms.is_empty() {
            notes.push(format!("{} form only", self.forms.join(", ")));
        }
        if !notes.is_empty() {
            let _ = write!(text, " ({})", notes.join(", "));
        }
        text
    }
}

/// `noun` with "a" or "an" before it ("an epsilon", "a learning rate"), by its first letter.
pub fn with_article(noun: &str) -> String {
    let vowel = noun
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

/// A checked value of a key.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    /// A sweepable number: its values, and whether they were written as a list.
    Sweep {
        values: Vec<f64>,
        list: bool,
    },
    Whole(i64),
    Bool(bool),
    /// A strictly increasing list of whole numbers ([`Type::WholeList`]).
    Wholes(Vec<i64>),
    Text(String),
    /// The index of the name in the key's [`Choice`] table.
    Choice(usize),
    /// Indices of the names in the key's [`Choice`] table, each once, in the order given.
    Choices(Vec<usize>),
    Point(Point),
    /// A list of finite numbers ([`Type::Positions`] on a 1-D surface).
    Numbers(Vec<f64>),
    Interval((f64, f64)),
    WholePair([i64; 2]),
    Points(Vec<Point>),
    Font(FontFile),
    Table(Values),
    Tables(Vec<Values>),
}

/// A font a scene draws its text with: where it was read from, and the parsed font.
#[derive(Debug, Clone)]
pub struct FontFile {
    pub path: std::path::PathBuf,
    pub font: std::sync::Arc<crate::text::Font>,
}

impl PartialEq for FontFile {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && std::sync::Arc::ptr_eq(&self.font, &other.font)
    }
}

/// The checked values of one table, by key: what was given, and the defaults of what was not.
/// A key with nothing assumed ([`Absent::Optional`], [`Absent::Computed`]) is absent here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values {
    entries: Vec<(&'static str, Value)>,
}

impl Values {
    /// Sets `key` to `value` (replacing an earlier value).
    pub fn set(&mut self, key: &'static str, value: Value) {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The number `key`. Panics when the declaration has no number `key` with a default: a
    /// builder asking for an undeclared key is a bug (every kind is built in the tests).
    pub fn number(&self, key: &str) -> f64 {
        match self.get(key) {
            Some(Value::Number(v)) => *v,
            other => panic!("no checked number `{key}`: {other:?}"),
        }
    }

    /// The point `key` (panics like [`Values::number`]).
    pub fn point(&self, key: &str) -> Point {
        match self.get(key) {
            Some(Value::Point(p)) => *p,
            other => panic!("no checked point `{key}`: {other:?}"),
        }
    }

    /// The points `key`, when given.
    pub fn points(&self, key: &str) -> Option<&[Point]> {
        match self.get(key) {
            Some(Value::Points(p)) => Some(p),
            _ => None,
        }
    }

    /// The text `key`, when given.
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.get(key) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }
}

/// A problem a kind's constructor finds in checked values (e.g. data whose x values do not
/// vary): which key it is about (`None`: the table as a whole), what is wrong and a hint. The
/// scene checker locates it.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyError {
    pub key: Option<&'static str>,
    pub message: String,
    pub hint: Option<String>,
    /// Byte offsets inside the key's text value (a formula's column), when known.
    pub within: Option<std::ops::Range<usize>>,
}

impl KeyError {
    /// An error about `key`.
    pub fn at(key: &'static str, message: impl Into<String>) -> KeyError {
        KeyError {
            key: Some(key),
            message: message.into(),
            hint: None,
            within: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> KeyError {
        self.hint = Some(hint.into());
        self
    }
}

/// A number as a message or label shows it: as Rust writes it where that is short, in
/// exponent form where it would be long (`1e308`, not 309 digits; `1e-12`).
pub fn compact(v: f64) -> String {
    if v != 0.0 && v.is_finite() && (v.abs() >= 1e16 || v.abs() < 1e-6) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_read_as_words_and_contain_what_they_say() {
        assert_eq!(Range::ANY.text("x"), "");
        assert_eq!(Range::above(0.0).text("lr"), "> 0");
        assert_eq!(Range::at_least(0.0).text("std"), "≥ 0");
        assert_eq!(Range::from_to(0.5, 50.0).text("fps"), "from 0.5 to 50");
        assert_eq!(Range::UNIT.text("β"), "with 0 ≤ β < 1");
        assert_eq!(Range::within(1.5).text("tilt"), "with |tilt| < 1.5");
        assert!(Range::UNIT.contains(0.0) && !Range::UNIT.contains(1.0));
        assert!(!Range::above(0.0).contains(0.0) && Range::above(0.0).contains(1e-300));
        assert!(Range::within(1.5).contains(-1.4) && !Range::within(1.5).contains(-1.5));
        assert!(!Range::ANY.contains(f64::NAN) && !Range::ANY.contains(f64::INFINITY));
    }

    #[test]
    fn keys_describe_themselves() {
        let beta = Key::sweepable(
            "beta",
            "momentum β",
            "doc",
            Range::UNIT,
            Absent::Number(0.9),
        )
        .symbol("β");
        assert_eq!(beta.expected(), "a momentum β with 0 ≤ β < 1");
        assert_eq!(beta.summary(), "beta = 0.9 (0 ≤ β < 1)");
        let lr = Key::sweepable(
            "lr",
            "learning rate",
            "doc",
            Range::above(0.0),
            Absent::Required,
        );
        assert_eq!(lr.expected(), "a learning rate > 0");
        assert_eq!(lr.the_what(), "the learning rate");
        assert_eq!(lr.summary(), "lr (required, > 0)");
        assert_eq!(with_article("epsilon"), "an epsilon");
        let damp = Key::number(
            "dampening",
            "dampening",
            "doc",
            Range::from_to(0.0, 1.0),
            0.0,
        )
        .only_forms(&["pytorch"]);
        assert_eq!(
            damp.summary(),
            "dampening = 0 (from 0 to 1, pytorch form only)"
        );
        assert_eq!(damp.summary_in_form(), "dampening = 0 (from 0 to 1)");
        assert!(damp.applies_to_form("pytorch") && !damp.applies_to_form("ema"));
    }

    #[test]
    fn flags_names_and_single_values_describe_themselves() {
        let flag = Key::flag("amsgrad", "AMSGrad flag", "doc", false);
        assert_eq!(flag.summary(), "amsgrad = false");
        assert_eq!(
            (flag.value_text(1.0), flag.value_text(0.0)),
            ("true".into(), "false".into())
        );
        assert!(flag.is_default(0.0) && !flag.is_default(1.0));
        let only_zero = Key::number(
            "dampening",
            "dampening",
            "doc",
            Range::from_to(0.0, 0.0),
            0.0,
        );
        assert_eq!(only_zero.expected(), "a dampening equal to 0");
        assert!(only_zero.range().contains(0.0) && !only_zero.range().contains(0.5));
        const HALF: Named = Named {
            name: "half",
            doc: "Half the smallest curvature.",
            value: |(lo, _), _| lo / 2.0,
        };
        let lr = Key::sweepable(
            "lr",
            "learning rate",
            "doc",
            Range::above(0.0),
            Absent::Required,
        )
        .named(&[HALF]);
        assert_eq!(lr.summary(), "lr (required, > 0, or \"half\")");
        assert_eq!(
            lr.named_value("half").map(|n| (n.value)((4.0, 9.0), "")),
            Some(2.0)
        );
        assert!(lr.named_value("polyak").is_none());
        assert!(!lr.is_default(0.1) && lr.value_text(0.1) == "0.1");
    }

    #[test]
    fn defaults_are_written_as_in_scene_files() {
        assert_eq!(Absent::Names(&["loss"]).text().unwrap(), "[\"loss\"]");
        assert_eq!(Absent::WholePair([640, 480]).text().unwrap(), "[640, 480]");
        assert_eq!(Absent::Name("auto").text().unwrap(), "\"auto\"");
        assert_eq!(Absent::Required.text(), None);
        assert_eq!(Absent::Number(1e-8).text().unwrap(), "1e-8");
        assert_eq!(Absent::Number(0.999).text().unwrap(), "0.999");
        for v in [1e-10, 0.05, 10000.0, 1e300, -2.5e-7, 0.0] {
            assert_eq!(number_text(v).parse::<f64>(), Ok(v));
        }
    }

    choices! {
        /// A test enum.
        pub enum Fruit in FRUITS {
            Apple = "apple": "red or green",
            Pear = "pear": "green",
        }
    }

    #[test]
    fn choices_declare_the_enum_and_its_names_in_one_order() {
        assert_eq!(FRUITS.len(), Fruit::ALL.len());
        for (i, f) in Fruit::ALL.iter().enumerate() {
            assert_eq!(FRUITS[i].name, f.name());
            assert_eq!(Fruit::from_index(i), *f);
        }
        assert_eq!(FRUITS[1].doc, "green");
    }
}
