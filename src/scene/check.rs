//! Stage 2's generic part: a raw TOML value checked against a declared [`Key`].
//!
//! [`Checker`] carries what every check needs (the file, its text, the errors and warnings found
//! so far, the data files read). Each check reports what is wrong and returns `None`, so that
//! independent problems are all found in one pass; a check whose input depends on a failed one
//! is skipped instead of reporting a consequence.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::keys::{number_text, with_article, Absent, Choice, Key, Type, Value, Values};

use super::diagnostic::{did_you_mean, SceneError};
use super::file::{Raw, RawTable, RawValue};
use super::{parse_points_csv, Source};

/// The context of one scene's checks.
pub struct Checker<'a> {
    pub path: &'a Path,
    pub source: &'a str,
    pub errors: Vec<SceneError>,
    pub warnings: Vec<SceneError>,
    /// Data files read while checking, with their bytes.
    pub sources: Vec<Source>,
    /// How files the scene names may be read.
    pub options: super::LoadOptions,
}

impl<'a> Checker<'a> {
    pub fn new(path: &'a Path, source: &'a str, options: super::LoadOptions) -> Self {
        Checker {
            path,
            source,
            errors: Vec::new(),
            warnings: Vec::new(),
            sources: Vec::new(),
            options,
        }
    }

    /// An error at `span` about `key` (not yet reported).
    pub fn at(&self, span: Range<usize>, key: &str, message: impl Into<String>) -> SceneError {
        SceneError::at(self.path, self.source, span, key, message)
    }

    /// Reports an error.
    pub fn report(&mut self, e: SceneError) {
        self.errors.push(e);
    }

    /// The text `span` covers, for "found `...`" in messages (shortened when long).
    pub fn text(&self, span: &Range<usize>) -> String {
        super::diagnostic::quote(self.source.get(span.clone()).unwrap_or("").trim())
    }

    /// The position just after the last non-blank character (where a missing table would go).
    pub fn end_of_text(&self) -> Range<usize> {
        let end = self.source.trim_end().len();
        end..end
    }
}

/// `parent.key`, or `key` at the top level.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `` `a`, `b` `` for messages.
pub fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reports every key of `table` that is not in `known`, with a "did you mean" among `known` or
/// the list of `allowed` keys (those the table takes, a subset of `known`).
pub fn report_unknown_keys(
    c: &mut Checker,
    table: &RawTable,
    known: &[&str],
    allowed: &[&str],
    at: &str,
) {
    for entry in &table.entries {
        if known.contains(&entry.key.as_str()) {
            continue;
        }
        let hint = match did_you_mean(&entry.key, known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the keys here are {}", quoted(allowed)),
        };
        let e = c
            .at(
                entry.key_span.clone(),
                &join(at, &entry.key),
                format!("unknown key `{}`", entry.key),
            )
            .with_hint(hint);
        c.report(e);
    }
}

/// Checks a table against `keys`: unknown keys, each key's value, defaults and required keys.
/// `None` when anything in it is wrong.
pub fn check_table(
    c: &mut Checker,
    table: &RawTable,
    span: &Range<usize>,
    keys: &[Key],
    at: &str,
) -> Option<Values> {
    let errors = c.errors.len();
    let names: Vec<&str> = keys.iter().map(|k| k.name).collect();
    report_unknown_keys(c, table, &names, &names, at);
    let mut values = Values::default();
    for key in keys {
        if let Some(v) = check_key(c, key, table, span, at) {
            values.set(key.name, v);
        }
    }
    (c.errors.len() == errors).then_some(values)
}

/// The value of `key` in `table`: checked when written, its default when not (`None` when it
/// has none, or when it is wrong or missing, which is reported).
pub fn check_key(
    c: &mut Checker,
    key: &Key,
    table: &RawTable,
    table_span: &Range<usize>,
    at: &str,
) -> Option<Value> {
    match table.get(key.name) {
        Some(entry) => check_value(c, key, &entry.value, &join(at, key.name)),
        None => {
            if key.absent == Absent::Required {
                report_missing(c, key, table_span.clone(), at);
            }
            default_value(key)
        }
    }
}

/// `e` with the key's reason for its range as the hint, when it declares one.
fn with_why(e: SceneError, key: &Key) -> SceneError {
    if key.why.is_empty() {
        e
    } else {
        e.with_hint(key.why)
    }
}

/// Reports that the required `key` is missing from the table at `span`.
pub fn report_missing(c: &mut Checker, key: &Key, span: Range<usize>, at: &str) {
    let whole_table = matches!(
        key.ty,
        Type::Table(_) | Type::Tables { .. } | Type::Surface | Type::Optimizers | Type::Schedule
    );
    let e = if whole_table {
        c.at(span, key.name, format!("no {}", key.what))
            .with_hint(format!("add one, e.g.\n{}", key.example))
    } else {
        let e = c.at(
            span,
            &join(at, key.name),
            format!("missing {} `{}`", key.the_what(), key.name),
        );
        if key.example.is_empty() {
            e
        } else {
            e.with_hint(format!("add e.g. {} = {}", key.name, key.example))
        }
    };
    c.report(e);
}

/// What `key` is when not written, if anything is assumed.
pub fn default_value(key: &Key) -> Option<Value> {
    let names = |choices: &[Choice], wanted: &[&str]| -> Vec<usize> {
        wanted
            .iter()
            .filter_map(|w| choices.iter().position(|c| c.name == *w))
            .collect()
    };
    Some(match (key.absent, key.ty) {
        (Absent::Number(v), Type::Number { sweep: true, .. }) => Value::Sweep {
            values: vec![v],
            list: false,
        },
        (Absent::Number(v), _) => Value::Number(v),
        (Absent::Whole(v), Type::Whole { sweep: true, .. }) => Value::Sweep {
            values: vec![v as f64],
            list: false,
        },
        (Absent::Whole(v), _) => Value::Whole(v),
        (Absent::Bool(b), Type::Bool { sweep: true }) => Value::Sweep {
            values: vec![f64::from(u8::from(b))],
            list: false,
        },
        (Absent::Bool(b), _) => Value::Bool(b),
        (Absent::Point(p), _) => Value::Point(p),
        (Absent::WholePair(p), _) => Value::WholePair(p),
        (Absent::Name(n), Type::Choice(choices)) => Value::Choice(names(choices, &[n])[0]),
        (Absent::Names(n), Type::Choices(choices)) => Value::Choices(names(choices, n)),
        _ => return None,
    })
}

/// A number as the checker reads it: integers and floats alike.
fn number(raw: &Raw) -> Option<f64> {
    raw.value.as_number()
}

/// A whole number: an integer, or a float without a fractional part (what the JSON Schema
/// calls an integer), well inside i64 so that the conversion is exact.
fn whole(raw: &Raw) -> Result<i64, ()> {
    match raw.value {
        RawValue::Integer(i) => Ok(i),
        RawValue::Float(f) if f.fract() == 0.0 && f.abs() < 4.6e18 => Ok(f as i64),
        _ => Err(()),
    }
}

/// Checks one written value against `key`. `at` is the value's dotted key.
pub fn check_value(c: &mut Checker, key: &Key, raw: &Raw, at: &str) -> Option<Value> {
    match key.ty {
        Type::Number { range, sweep } => {
            let (values, list) = match &raw.value {
                RawValue::Array(items) if sweep => {
                    if items.is_empty() {
                        let e = c.at(
                            raw.span.clone(),
                            at,
                            "an empty sweep: give at least one value",
                        );
                        c.report(e);
                        return None;
                    }
                    let Some(values) = items.iter().map(number).collect::<Option<Vec<f64>>>()
                    else {
                        let quoted = items.iter().any(|i| matches!(i.value, RawValue::String(_)));
                        report_type(c, raw, at, "a number or a list of numbers", quoted);
                        return None;
                    };
                    (values, true)
                }
                other => match number(raw) {
                    Some(x) => (vec![x], false),
                    None => {
                        let what = if sweep {
                            "a number or a list of numbers"
                        } else {
                            "a number"
                        };
                        report_type(c, raw, at, what, matches!(other, RawValue::String(_)));
                        return None;
                    }
                },
            };
            if let Some(bad) = values.iter().find(|x| !range.contains(**x)) {
                let e = c.at(
                    raw.span.clone(),
                    at,
                    format!("expected {}, found {}", key.expected(), number_text(*bad)),
                );
                c.report(with_why(e, key));
                return None;
            }
            Some(if sweep {
                Value::Sweep { values, list }
            } else {
                Value::Number(values[0])
            })
        }
        Type::Whole { range, sweep } => {
            let (items, list) = match &raw.value {
                RawValue::Array(items) if sweep => {
                    if items.is_empty() {
                        let e = c.at(
                            raw.span.clone(),
                            at,
                            "an empty sweep: give at least one value",
                        );
                        c.report(e);
                        return None;
                    }
                    (items.as_slice(), true)
                }
                _ => (std::slice::from_ref(raw), false),
            };
            let mut values = Vec::new();
            for item in items {
                let v = check_whole(c, item, at)?;
                if !range.contains(v as f64) {
                    let e = c.at(
                        item.span.clone(),
                        at,
                        format!("expected {}, found {v}", key.expected()),
                    );
                    c.report(with_why(e, key));
                    return None;
                }
                values.push(v);
            }
            Some(if sweep {
                Value::Sweep {
                    values: values.iter().map(|&v| v as f64).collect(),
                    list,
                }
            } else {
                Value::Whole(values[0])
            })
        }
        Type::Bool { sweep } => {
            let (items, list) = match &raw.value {
                RawValue::Array(items) if sweep && !items.is_empty() => (items.as_slice(), true),
                _ => (std::slice::from_ref(raw), false),
            };
            let mut values = Vec::new();
            for item in items {
                let RawValue::Bool(b) = item.value else {
                    let e = c
                        .at(
                            item.span.clone(),
                            at,
                            format!("expected true or false, found `{}`", c.text(&item.span)),
                        )
                        .with_hint(format!("write {} = true or {} = false", key.name, key.name));
                    c.report(e);
                    return None;
                };
                values.push(b);
            }
            Some(if sweep {
                Value::Sweep {
                    values: values.iter().map(|&b| f64::from(u8::from(b))).collect(),
                    list,
                }
            } else {
                Value::Bool(values[0])
            })
        }
        Type::WholeList { range } => {
            let RawValue::Array(items) = &raw.value else {
                let e = c
                    .at(
                        raw.span.clone(),
                        at,
                        format!(
                            "expected a list of {}s, found `{}`",
                            key.what,
                            c.text(&raw.span)
                        ),
                    )
                    .with_hint(format!(
                        "a list is written in brackets, e.g. {}",
                        key.example
                    ));
                c.report(e);
                return None;
            };
            if items.is_empty() {
                let e = c
                    .at(
                        raw.span.clone(),
                        at,
                        format!("expected at least one {}", key.what),
                    )
                    .with_hint(format!("e.g. {}", key.example));
                c.report(e);
                return None;
            }
            let mut values: Vec<i64> = Vec::new();
            for item in items {
                let v = check_whole(c, item, at)?;
                if !range.contains(v as f64) {
                    let e = c.at(
                        item.span.clone(),
                        at,
                        format!("expected {}s {}, found {v}", key.what, range.text("")),
                    );
                    c.report(with_why(e, key));
                    return None;
                }
                if let Some(&last) = values.last() {
                    if v <= last {
                        let e = c
                            .at(
                                item.span.clone(),
                                at,
                                format!("the {}s must increase: {v} follows {last}", key.what),
                            )
                            .with_hint("list them in increasing order, each once");
                        c.report(e);
                        return None;
                    }
                }
                values.push(v);
            }
            Some(Value::Wholes(values))
        }
        Type::Text => text(c, raw, at).map(Value::Text),
        Type::FileName => {
            let n = text(c, raw, at)?;
            let ok = !n.is_empty()
                && n.len() <= 100
                && n.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-' || ch == '.')
                && !n.starts_with('.');
            if !ok {
                let e = c
                    .at(
                        raw.span.clone(),
                        at,
                        format!("`{n}` is not a usable file name"),
                    )
                    .with_hint(
                        "use letters, digits, `_`, `-` and `.` (not first), at most 100 characters",
                    );
                c.report(e);
                return None;
            }
            Some(Value::Text(n))
        }
        Type::Choice(choices) => choice(c, key, choices, raw, at).map(Value::Choice),
        Type::Choices(choices) => choice_list(c, key, choices, raw, at).map(Value::Choices),
        Type::SweptKeys => {
            let names = super::tables::slider_keys();
            choice_list(c, key, &names, raw, at).map(Value::Choices)
        }
        Type::Point => {
            point(c, raw, at, &format!("{} [x, y]", with_article(key.what))).map(Value::Point)
        }
        Type::Position => match raw.value.as_number() {
            Some(x) if x.is_finite() => Some(Value::Number(x)),
            Some(x) => {
                let e = c.at(
                    raw.span.clone(),
                    at,
                    format!(
                        "expected {}: a finite number x, or [x, y], found {x}",
                        key.a_what()
                    ),
                );
                c.report(e);
                None
            }
            None if matches!(raw.value, RawValue::Array(_)) => {
                point(c, raw, at, &format!("{} [x, y]", with_article(key.what))).map(Value::Point)
            }
            None => {
                let quoted = matches!(raw.value, RawValue::String(_));
                report_type(
                    c,
                    raw,
                    at,
                    &format!("{}: x on a 1-D surface, [x, y] on a 2-D one", key.a_what()),
                    quoted,
                );
                None
            }
        },
        Type::Interval => interval(c, raw, at).map(Value::Interval),
        Type::WholePair { names, range, unit } => {
            let items = pair_items(c, raw, at, &format!("[{}, {}]", names[0], names[1]))?;
            let mut out = [0i64; 2];
            for ((item, name), slot) in items.iter().zip(names).zip(&mut out) {
                let v = check_whole(c, item, at)?;
                if !range.contains(v as f64) {
                    let e = c.at(
                        item.span.clone(),
                        at,
                        format!(
                            "expected {} {} {unit}, found {v}",
                            with_article(name),
                            range.text(name)
                        ),
                    );
                    c.report(e);
                    return None;
                }
                *slot = v;
            }
            Some(Value::WholePair(out))
        }
        Type::Points { min, max } => {
            let RawValue::Array(items) = &raw.value else {
                let e = c
                    .at(
                        raw.span.clone(),
                        at,
                        format!(
                            "expected a list of {}s [[x, y], ...], found `{}`",
                            key.what,
                            c.text(&raw.span)
                        ),
                    )
                    .with_hint("a list of points is written [[x, y], [x, y]]");
                c.report(e);
                return None;
            };
            let mut points = Vec::new();
            let what = format!("{} [x, y]", with_article(key.what));
            for (i, item) in items.iter().enumerate() {
                points.push(point(c, item, &format!("{at}[{i}]"), &what));
            }
            let points: Vec<[f64; 2]> = points.into_iter().collect::<Option<_>>()?;
            check_count(c, points.len(), (min, max), &raw.span, at, key.what)?;
            Some(Value::Points(points))
        }
        Type::Positions { min, max } => {
            let items = match &raw.value {
                RawValue::Array(items) => items,
                _ => {
                    let e = c
                        .at(
                            raw.span.clone(),
                            at,
                            format!(
                                "expected a list of {}s, found `{}`",
                                key.what,
                                c.text(&raw.span)
                            ),
                        )
                        .with_hint(
                            "a list of points is written [[x, y], [x, y]]; on a curve, [x, x]",
                        );
                    c.report(e);
                    return None;
                }
            };
            // The first item says which: numbers (a curve's) or points.
            let numbers = items.first().is_some_and(|i| i.value.as_number().is_some());
            if numbers {
                let mut xs = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item.value.as_number() {
                        Some(x) if x.is_finite() => xs.push(x),
                        _ => {
                            let e = c
                                .at(
                                    item.span.clone(),
                                    &format!("{at}[{i}]"),
                                    format!(
                                        "expected a finite number like the list's first, found `{}`",
                                        c.text(&item.span)
                                    ),
                                )
                                .with_hint("a list of numbers [x, x] (a curve), or of points [[x, y], [x, y]]");
                            c.report(e);
                            return None;
                        }
                    }
                }
                check_count(c, xs.len(), (min, max), &raw.span, at, key.what)?;
                return Some(Value::Numbers(xs));
            }
            let mut points = Vec::new();
            let what = format!("{} [x, y]", with_article(key.what));
            for (i, item) in items.iter().enumerate() {
                points.push(point(c, item, &format!("{at}[{i}]"), &what));
            }
            let points: Vec<[f64; 2]> = points.into_iter().collect::<Option<_>>()?;
            check_count(c, points.len(), (min, max), &raw.span, at, key.what)?;
            Some(Value::Points(points))
        }
        Type::FontFile => {
            let (font_path, bytes) = read_beside_scene(c, raw, at, crate::input::MAX_FONT_BYTES)?;
            let font = match crate::text::Font::from_bytes(&bytes, 0) {
                Ok(f) => f,
                Err(e) => {
                    let e = c
                        .at(
                            raw.span.clone(),
                            at,
                            format!("`{}` is {e}", font_path.display()),
                        )
                        .with_hint("give a TrueType or OpenType font: .ttf, .otf or .ttc");
                    c.report(e);
                    return None;
                }
            };
            c.sources.push(Source {
                path: font_path.clone(),
                bytes: bytes.into(),
            });
            Some(Value::Font(crate::keys::FontFile {
                path: font_path,
                font: std::sync::Arc::new(font),
            }))
        }
        Type::PointsFile { min, max } => {
            let (data_path, bytes) = read_beside_scene(c, raw, at, crate::input::MAX_DATA_BYTES)?;
            let Ok(text) = std::str::from_utf8(&bytes) else {
                let e = c.at(
                    raw.span.clone(),
                    at,
                    format!("`{}` is not UTF-8 text", data_path.display()),
                );
                c.report(e);
                return None;
            };
            let points = match parse_points_csv(&data_path, text, Some(c.path)) {
                Ok(p) => p,
                Err(e) => {
                    // A file outside the project (read because the command line allows it)
                    // may be anything: its content is not shown.
                    let outside = !crate::input::inside_project(
                        &data_path,
                        &crate::input::project_folders(c.path),
                    );
                    c.report(if outside { e.hiding_content() } else { e });
                    return None;
                }
            };
            check_count(c, points.len(), (min, max), &raw.span, at, "data point")?;
            c.sources.push(Source {
                path: data_path,
                bytes: bytes.into(),
            });
            Some(Value::Points(points))
        }
        Type::Table(keys) => {
            let RawValue::Table(table) = &raw.value else {
                report_not_a_table(c, key, raw, at);
                return None;
            };
            check_table(c, table, &raw.span, keys, at).map(Value::Table)
        }
        Type::Tables { keys, max } => {
            let items = tables(c, key, raw, at)?;
            if items.len() > max {
                let e = c.at(
                    raw.span.clone(),
                    at,
                    format!(
                        "expected at most {max} {}s, found {}",
                        key.what,
                        items.len()
                    ),
                );
                c.report(e);
                return None;
            }
            let mut all = Vec::new();
            for (i, (table, span)) in items.iter().enumerate() {
                all.push(check_table(c, table, span, keys, &format!("{at}[{i}]")));
            }
            all.into_iter()
                .collect::<Option<Vec<_>>>()
                .map(Value::Tables)
        }
        Type::Surface | Type::Optimizers | Type::Schedule => {
            unreachable!("the kind-dependent tables are checked by scene::kinds")
        }
    }
}

/// The tables of an array of tables (`[[start]]`), each with its span; reports anything else.
pub fn tables<'r>(
    c: &mut Checker,
    key: &Key,
    raw: &'r Raw,
    at: &str,
) -> Option<Vec<(&'r RawTable, Range<usize>)>> {
    let items: Option<Vec<_>> = match &raw.value {
        RawValue::Array(items) => items
            .iter()
            .map(|i| match &i.value {
                RawValue::Table(t) => Some((t, i.span.clone())),
                _ => None,
            })
            .collect(),
        _ => None,
    };
    if items.is_none() {
        report_not_a_table(c, key, raw, at);
    }
    items
}

/// Reports a value that should be a table (or, for `[[...]]` keys, tables).
pub fn report_not_a_table(c: &mut Checker, key: &Key, raw: &Raw, at: &str) {
    let (expected, example) = match key.ty {
        Type::Tables { .. } | Type::Optimizers => (
            format!("[[{}]] tables", key.name),
            format!("[[{}]]", key.name),
        ),
        // A top-level table is usually written as a header; a nested one inline.
        _ if at == key.name => ("a table".to_string(), format!("[{}]", key.name)),
        _ => ("a table".to_string(), format!("{} = {{ ... }}", key.name)),
    };
    let e = c
        .at(
            raw.span.clone(),
            at,
            format!("expected {expected}, found `{}`", c.text(&raw.span)),
        )
        .with_hint(format!("write it as {example}"));
    c.report(e);
}

/// Reports a value of the wrong type: "expected a number, found `"0.5"`".
pub fn report_type(c: &mut Checker, raw: &Raw, at: &str, expected: &str, quoted_number: bool) {
    let e = c.at(
        raw.span.clone(),
        at,
        format!("expected {expected}, found `{}`", c.text(&raw.span)),
    );
    let e = if quoted_number {
        e.with_hint("numbers are written without quotes")
    } else {
        e
    };
    c.report(e);
}

fn check_whole(c: &mut Checker, raw: &Raw, at: &str) -> Option<i64> {
    match whole(raw) {
        Ok(v) => Some(v),
        Err(()) => {
            match raw.value {
                RawValue::Float(f) if f.fract() == 0.0 || !f.is_finite() => {
                    // Whole, but beyond what a whole number here can be.
                    let e = c
                        .at(
                            raw.span.clone(),
                            at,
                            format!(
                                "expected a whole number below 2^62 (about 4.6e18), found {}",
                                c.text(&raw.span)
                            ),
                        )
                        .with_hint("use a smaller number");
                    c.report(e);
                }
                RawValue::Float(_) => {
                    let e = c
                        .at(
                            raw.span.clone(),
                            at,
                            format!("expected a whole number, found {}", c.text(&raw.span)),
                        )
                        .with_hint("this value is a whole number: no fractional part");
                    c.report(e);
                }
                ref other => report_type(
                    c,
                    raw,
                    at,
                    "a whole number",
                    matches!(other, RawValue::String(_)),
                ),
            }
            None
        }
    }
}

/// The text of a string value; reports anything else.
pub fn text(c: &mut Checker, raw: &Raw, at: &str) -> Option<String> {
    match &raw.value {
        RawValue::String(s) => Some(s.clone()),
        _ => {
            let e = c
                .at(
                    raw.span.clone(),
                    at,
                    format!("expected text, found `{}`", c.text(&raw.span)),
                )
                .with_hint("text is written in quotes: \"...\"");
            c.report(e);
            None
        }
    }
}

/// A list of names from `choices`, each once, in the order first given; reports anything else.
fn choice_list(
    c: &mut Checker,
    key: &Key,
    choices: &[Choice],
    raw: &Raw,
    at: &str,
) -> Option<Vec<usize>> {
    let RawValue::Array(items) = &raw.value else {
        let e = c
            .at(
                raw.span.clone(),
                at,
                format!(
                    "expected a list of {}s, found `{}`",
                    key.what,
                    c.text(&raw.span)
                ),
            )
            .with_hint(format!(
                "a list is written in brackets, e.g. [\"{}\"]",
                choices[0].name
            ));
        c.report(e);
        return None;
    };
    let mut picked = Vec::new();
    let mut ok = true;
    for item in items {
        match choice(c, key, choices, item, at) {
            // Each name once, in the order first given.
            Some(i) if !picked.contains(&i) => picked.push(i),
            Some(_) => {}
            None => ok = false,
        }
    }
    ok.then_some(picked)
}

/// The index of the name `raw` among `choices`; an unknown name is reported with a "did you
/// mean" hint or the list of names.
fn choice(c: &mut Checker, key: &Key, choices: &[Choice], raw: &Raw, at: &str) -> Option<usize> {
    let names: Vec<&str> = choices.iter().map(|ch| ch.name).collect();
    let listed = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let RawValue::String(name) = &raw.value else {
        let e = c
            .at(
                raw.span.clone(),
                at,
                format!("expected {}, found `{}`", key.a_what(), c.text(&raw.span)),
            )
            .with_hint(format!("use {listed}"));
        c.report(e);
        return None;
    };
    if let Some(i) = names.iter().position(|n| n == name) {
        return Some(i);
    }
    let hint = match did_you_mean(name, &names) {
        Some(n) => format!("did you mean `{n}`?"),
        None => format!("use {listed}"),
    };
    let e = c
        .at(
            raw.span.clone(),
            at,
            format!("unknown {} `{name}`", key.what),
        )
        .with_hint(hint);
    c.report(e);
    None
}

/// The two items of a pair written as a list; reports anything else. `what` names the pair in
/// messages.
fn pair_items<'r>(c: &mut Checker, raw: &'r Raw, at: &str, what: &str) -> Option<&'r [Raw]> {
    match &raw.value {
        RawValue::Array(items) if items.len() == 2 => Some(items),
        RawValue::Array(items) => {
            let n = items.len();
            let e = c.at(
                raw.span.clone(),
                at,
                format!(
                    "expected {what}, found {n} value{}",
                    if n == 1 { "" } else { "s" }
                ),
            );
            c.report(e);
            None
        }
        _ => {
            let e = c
                .at(
                    raw.span.clone(),
                    at,
                    format!("expected {what}, found `{}`", c.text(&raw.span)),
                )
                .with_hint("a pair is written as a list: [x, y]");
            c.report(e);
            None
        }
    }
}

/// Two finite numbers; `what` names the pair ("a start point [x, y]").
fn point(c: &mut Checker, raw: &Raw, at: &str, what: &str) -> Option<[f64; 2]> {
    let what = format!("{what}: two finite numbers");
    let items = pair_items(c, raw, at, &what)?;
    match (number(&items[0]), number(&items[1])) {
        (Some(a), Some(b)) if a.is_finite() && b.is_finite() => Some([a, b]),
        (Some(a), Some(b)) => {
            let e = c.at(
                raw.span.clone(),
                at,
                format!("expected {what}, found [{a}, {b}]"),
            );
            c.report(e);
            None
        }
        _ => {
            let quoted = items.iter().any(|i| matches!(i.value, RawValue::String(_)));
            report_type(c, raw, at, &what, quoted);
            None
        }
    }
}

/// A window range `[min, max]` with min < max and a finite width.
fn interval(c: &mut Checker, raw: &Raw, at: &str) -> Option<(f64, f64)> {
    use super::diagnostic::compact;
    let [lo, hi] = point(c, raw, at, "a range [min, max]")?;
    let limit = crate::picture::plot::AXIS_LIMIT;
    // The width must be a finite number too: [-1e308, 1e308] has none.
    if lo < hi && (hi - lo).is_finite() && lo.abs() <= limit && hi.abs() <= limit {
        return Some((lo, hi));
    }
    let e = if lo < hi {
        c.at(
            raw.span.clone(),
            at,
            format!(
                "the window [{}, {}] is too large to draw",
                compact(lo),
                compact(hi)
            ),
        )
        .with_hint("use a window within ±1e300 whose width is a finite number")
    } else {
        c.at(
            raw.span.clone(),
            at,
            format!(
                "expected a range [min, max] with min < max, found [{}, {}]",
                compact(lo),
                compact(hi)
            ),
        )
        .with_hint(format!(
            "write [{}, {}]",
            compact(lo.min(hi)),
            compact(lo.max(hi) + f64::from(u8::from(lo == hi)))
        ))
    };
    c.report(e);
    None
}

/// The file a key names (a path relative to the scene file's folder) with its bytes, at most
/// `limit` of them; an error at the key when it cannot be read, is not a regular file, is too
/// large, or lies outside the scene's folder and the working directory (unless the options
/// allow any place).
fn read_beside_scene(
    c: &mut Checker,
    raw: &Raw,
    at: &str,
    limit: u64,
) -> Option<(PathBuf, Vec<u8>)> {
    let name = text(c, raw, at)?;
    let dir = c.path.parent().unwrap_or(Path::new("."));
    let path: PathBuf = dir.join(&name);
    if !c.options.allow_outside
        && !crate::input::inside_project(&path, &crate::input::project_folders(c.path))
    {
        let e = c
            .at(
                raw.span.clone(),
                at,
                format!(
                    "`{}` is outside the scene's folder and the working directory",
                    path.display()
                ),
            )
            .with_hint(
                "keep the scene's files in its project (links are followed), or pass \
                 --allow-outside",
            );
        c.report(e);
        return None;
    }
    match crate::input::read_bounded(&path, limit) {
        Ok(bytes) => Some((path, bytes)),
        Err(e) => {
            let hint = match e {
                crate::input::ReadError::Io(_) => "the path is relative to the scene file's folder",
                crate::input::ReadError::NotAFile(_) => "name a file",
                crate::input::ReadError::TooLarge { .. } => "use a smaller file",
                crate::input::ReadError::Terminal => "name a file",
            };
            let e = c
                .at(
                    raw.span.clone(),
                    at,
                    format!("cannot read `{}`: {e}", path.display()),
                )
                .with_hint(hint);
            c.report(e);
            None
        }
    }
}

/// Reports a count of `what`s outside `min..=max` (`usize::MAX`: no upper limit).
fn check_count(
    c: &mut Checker,
    n: usize,
    (min, max): (usize, usize),
    span: &Range<usize>,
    at: &str,
    what: &str,
) -> Option<()> {
    if (min..=max).contains(&n) {
        return Some(());
    }
    let expected = if max == usize::MAX {
        format!("at least {min}")
    } else {
        format!("from {min} to {max}")
    };
    let e = c.at(
        span.clone(),
        at,
        format!("expected {expected} {what}s, found {n}"),
    );
    c.report(e);
    None
}
