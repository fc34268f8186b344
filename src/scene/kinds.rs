//! Stage 2's kind-dependent tables: `[surface]` and each `[[optimizer]]` entry, whose keys
//! depend on the kind they name. The keys come from the kinds' declarations
//! ([`crate::surface::SURFACE_KINDS`], [`crate::optimizer::OPTIMIZER_KINDS`]) and from
//! [`super::tables`]; nothing here lists a kind or a key. An entry's keys that depend on more
//! than its kind (names for numbers, the schedule, minibatches) are checked in
//! [`super::entry_keys`].

use std::collections::BTreeSet;
use std::ops::Range;

use crate::keys::{Key, KeyError, Value, Values};
use crate::optimizer::{optimizer_kind, Form, OptimizerKind, OPTIMIZER_KINDS};
use crate::schedule::Schedule;
use crate::surface::{surface_kind, Dims, Surface, SurfaceKind, Window, FORMULA, SURFACE_KINDS};

use super::check::{
    and_list, check_key, check_value, join, quoted, report_missing, report_not_a_table,
    report_unknown_keys, text, Checker,
};
use super::diagnostic::did_you_mean;
use super::file::{Raw, RawTable, RawValue};
use super::tables::{self, OPTIMIZER_KEYS, SURFACE_KIND, WINDOW_KEYS};
use super::{entry_keys, expand};

/// A checked `[surface]`.
pub struct CheckedSurface {
    /// The kind's name, or `expr`.
    pub name: String,
    pub surface: Surface,
    /// The window the scene sets, or the surface's default.
    pub window: Window,
    /// Whether the scene set `x` and `y` (a window it does not set grows to hold the start
    /// points).
    pub set: (bool, bool),
}

/// Every key a `[surface]` table may have under some kind, in declaration order.
fn every_surface_key() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = vec![SURFACE_KIND.name];
    for k in SURFACE_KINDS.iter().copied().chain([FORMULA]) {
        for key in k.keys {
            if !names.contains(&key.name) {
                names.push(key.name);
            }
        }
    }
    names.extend(WINDOW_KEYS.iter().map(|k| k.name));
    names
}

/// True for the formula surface (`expr = "..."`), which is chosen by its key, not by `kind`.
fn is_formula(kind: &SurfaceKind) -> bool {
    kind.name == FORMULA.name
}

/// How messages name a surface kind.
fn surface_phrase(kind: &SurfaceKind) -> String {
    if is_formula(kind) {
        format!("an `{}` surface", FORMULA.name)
    } else {
        format!("surface kind `{}`", kind.name)
    }
}

/// Checks `[surface]` (`raw`: its value, if written).
pub fn check_surface(c: &mut Checker, raw: Option<&Raw>) -> Option<CheckedSurface> {
    let Some(raw) = raw else {
        report_missing(c, &tables::SURFACE, 0..0, "");
        return None;
    };
    let RawValue::Table(t) = &raw.value else {
        report_not_a_table(c, &tables::SURFACE, raw, tables::SURFACE.name);
        return None;
    };
    let errors = c.errors.len();
    let known = every_surface_key();
    let kind = pick_surface_kind(c, t, &raw.span);
    let allowed: Vec<&str> = match kind {
        Some(k) if is_formula(k) => k.keys.iter().map(|key| key.name).collect(),
        Some(k) => std::iter::once(SURFACE_KIND.name)
            .chain(k.keys.iter().map(|key| key.name))
            .collect(),
        None => known.clone(),
    };
    let allowed: Vec<&str> = allowed
        .into_iter()
        .chain(WINDOW_KEYS.iter().map(|k| k.name))
        .collect();
    report_unknown_keys(c, t, &known, &allowed, "surface");
    let x = check_key(c, &WINDOW_KEYS[0], t, &raw.span, "surface");
    let y = check_key(c, &WINDOW_KEYS[1], t, &raw.span, "surface");
    let kind = kind?;
    // Keys of other kinds: named as not applying to this one.
    for entry in &t.entries {
        let key = entry.key.as_str();
        if known.contains(&key) && !allowed.contains(&key) {
            let phrase = surface_phrase(kind);
            let hint = if is_formula(kind) {
                format!("{phrase} takes {}", and_list(&backticked(&allowed)))
            } else if kind.keys.is_empty() {
                format!("`{}` has no parameters", kind.name)
            } else {
                let own: Vec<&str> = kind.keys.iter().map(|k| k.name).collect();
                format!("`{}` takes {}", kind.name, quoted(&own))
            };
            let e = c
                .at(
                    entry.value.span.clone(),
                    &join("surface", key),
                    format!("`{key}` does not apply to {phrase}"),
                )
                .with_hint(hint);
            c.report(e);
        }
    }
    let values = kind_values(c, kind, t, &raw.span)?;
    if c.errors.len() > errors {
        return None;
    }
    let surface = match (kind.build)(&values) {
        Ok(s) => s,
        Err(e) => {
            report_key_error(c, e, t, &raw.span);
            return None;
        }
    };
    if let (Dims::One, Some(y)) = (surface.dims(), t.get(WINDOW_KEYS[1].name)) {
        let what = if is_formula(kind) {
            "a formula in x alone is a curve f(x)".to_string()
        } else {
            format!("`{}` is a curve f(x)", kind.name)
        };
        let e = c
            .at(
                y.value.span.clone(),
                &join("surface", WINDOW_KEYS[1].name),
                format!(
                    "{what}: it has no y range (the range of f shown is chosen from the curve)"
                ),
            )
            .with_hint(if is_formula(kind) {
                "remove `y`, or use y in the formula for a 2-D surface"
            } else {
                "remove `y`; `x` sets the range shown"
            });
        c.report(e);
        return None;
    }
    let default = surface.default_window();
    let window = Window::new(
        match x {
            Some(Value::Interval(x)) => x,
            _ => default.x,
        },
        match y {
            Some(Value::Interval(y)) => y,
            _ => default.y,
        },
    );
    Some(CheckedSurface {
        name: kind.name.to_string(),
        surface,
        window,
        set: (t.get("x").is_some(), t.get("y").is_some()),
    })
}

fn backticked(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| format!("`{n}`")).collect()
}

/// The kind a `[surface]` table names: its `kind`, or the formula for `expr`.
fn pick_surface_kind(
    c: &mut Checker,
    t: &RawTable,
    span: &Range<usize>,
) -> Option<&'static SurfaceKind> {
    let expr = FORMULA.keys[0].name;
    match (t.get(SURFACE_KIND.name), t.get(expr)) {
        (Some(kind), Some(formula)) => {
            let e = c
                .at(
                    formula.value.span.clone(),
                    &join("surface", expr),
                    format!("a surface has either `kind` or `{expr}`, not both"),
                )
                .with_hint(format!(
                    "remove `kind = {}` to use the formula",
                    c.text(&kind.value.span)
                ));
            c.report(e);
            None
        }
        (None, None) => {
            let e = c
                .at(
                    span.clone(),
                    "surface",
                    format!("expected `kind` (a built-in surface) or `{expr}` (a formula)"),
                )
                .with_hint("e.g. kind = \"rosenbrock\" or expr = \"(1 - x)^2 + 100*(y - x^2)^2\"");
            c.report(e);
            None
        }
        (None, Some(_)) => Some(FORMULA),
        (Some(kind), None) => {
            let name = text(c, &kind.value, "surface.kind")?;
            if let Some(k) = surface_kind(&name) {
                return Some(k);
            }
            let names: Vec<&str> = SURFACE_KINDS.iter().map(|k| k.name).collect();
            let hint = match did_you_mean(&name, &names) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "the built-in surfaces are {}; `render --list` shows them",
                    names.join(", ")
                ),
            };
            let e = c
                .at(
                    kind.value.span.clone(),
                    "surface.kind",
                    format!("unknown surface kind `{name}`"),
                )
                .with_hint(hint);
            c.report(e);
            None
        }
    }
}

/// The checked values of a surface kind's own keys, after its "exactly one of" rule.
fn kind_values(
    c: &mut Checker,
    kind: &SurfaceKind,
    t: &RawTable,
    span: &Range<usize>,
) -> Option<Values> {
    let one_of = kind.exactly_one_of;
    let given: Vec<&str> = one_of
        .iter()
        .copied()
        .filter(|k| t.get(k).is_some())
        .collect();
    if !one_of.is_empty() && given.len() != 1 {
        let names = backticked(one_of);
        let e = if given.is_empty() {
            let examples: Vec<String> = one_of
                .iter()
                .filter_map(|k| kind.key(k))
                .map(|k| format!("{} = {}", k.name, k.example))
                .collect();
            c.at(
                span.clone(),
                "surface",
                format!("a {} surface needs {}", kind.name, names.join(" or ")),
            )
            .with_hint(format!("add {}", examples.join(" or ")))
        } else {
            let second = t.get(given[1]).expect("given");
            c.at(
                second.value.span.clone(),
                &join("surface", given[1]),
                format!("give either {}, not both", names.join(" or ")),
            )
        };
        c.report(e);
        return None;
    }
    let errors = c.errors.len();
    let mut values = Values::default();
    for key in kind.keys {
        if let Some(v) = check_key(c, key, t, span, "surface") {
            values.set(key.name, v);
        }
    }
    (c.errors.len() == errors).then_some(values)
}

/// Locates a kind constructor's complaint at the key it names (inside a formula, at the
/// column), or at the table.
fn report_key_error(c: &mut Checker, e: KeyError, t: &RawTable, table_span: &Range<usize>) {
    let (span, key) = match e.key.and_then(|k| t.get(k).map(|entry| (k, entry))) {
        Some((k, entry)) => {
            let span = match &e.within {
                Some(inner) => span_in_string(c.source, entry.value.span.clone(), inner.clone()),
                None => entry.value.span.clone(),
            };
            (span, join("surface", k))
        }
        None => (table_span.clone(), "surface".to_string()),
    };
    let error = c.at(span, &key, e.message).with_optional_hint(e.hint);
    c.report(error);
}

/// Maps a span inside a string's text to a span in the scene file, through the string's quotes.
fn span_in_string(source: &str, value: Range<usize>, inner: Range<usize>) -> Range<usize> {
    let raw = source.get(value.clone()).unwrap_or("");
    let (open, escaped) = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        (3, true)
    } else if raw.starts_with('\'') {
        (1, false)
    } else if raw.starts_with('"') {
        (1, raw.contains('\\'))
    } else {
        (0, true)
    };
    if escaped {
        // Escapes or multi-line strings shift offsets: point at the whole value instead.
        return value;
    }
    let start = value.start + open + inner.start;
    let end = (value.start + open + inner.end).min(value.end);
    start..end.max(start)
}

/// What a parameter of an optimizer entry sets in its runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// One of the kind's keys (the optimizer's hyper-parameters).
    Kind,
    /// `batch`: points per minibatch.
    Batch,
    /// `shuffle_seed`: the minibatches' shuffle.
    ShuffleSeed,
    /// `noise.std`.
    NoiseStd,
    /// `noise.seed`.
    NoiseSeed,
}

/// One parameter of an optimizer entry: its key, and its values (one, or a sweep).
#[derive(Debug, Clone)]
pub struct Param {
    pub key: &'static Key,
    pub values: Vec<f64>,
    /// Written as a list (a sweep, even of one value).
    pub list: bool,
    pub slot: Slot,
}

impl Param {
    /// The name its placeholder has in labels: the key's, `noise.` before noise's keys.
    pub fn placeholder(&self) -> String {
        match self.slot {
            Slot::NoiseStd | Slot::NoiseSeed => format!("noise.{}", self.key.name),
            _ => self.key.name.to_string(),
        }
    }
}

/// A checked optimizer entry, before its sweeps are expanded.
#[derive(Debug, Clone)]
pub struct Entry {
    /// 0-based, in file order.
    pub index: usize,
    /// The `[[optimizer]]` header.
    pub span: Range<usize>,
    pub kind: &'static OptimizerKind,
    pub form: &'static Form,
    /// The kind's keys in their declared order, then `batch` and `shuffle_seed` (with
    /// minibatches), then `noise.std` and `noise.seed` (with noise): the order sweeps expand
    /// in, the first varying slowest.
    pub params: Vec<Param>,
    /// Whether the entry has gradient noise (its values are among the params).
    pub noisy: bool,
    /// Whether the entry steps on minibatches (its values are among the params).
    pub batched: bool,
    pub schedule: Option<Schedule>,
    pub label: Option<String>,
}

/// Every key an optimizer entry may have under some kind, in declaration order.
fn every_optimizer_key() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = OPTIMIZER_KEYS.iter().map(|k| k.name).collect();
    for k in OPTIMIZER_KINDS {
        for key in k.keys {
            if !names.contains(&key.name) {
                names.push(key.name);
            }
        }
    }
    names
}

/// Checks the `[[optimizer]]` entries (`raw`: their array, if written) for the checked
/// `surface` (`None` when it is invalid: the checks that depend on it are skipped).
pub fn check_optimizers(
    c: &mut Checker,
    raw: Option<&Raw>,
    surface: Option<&Surface>,
) -> Option<Vec<Entry>> {
    let Some(raw) = raw else {
        let end = c.end_of_text();
        report_missing(c, &tables::OPTIMIZER, end, "");
        return None;
    };
    let items = super::check::tables(c, &tables::OPTIMIZER, raw, "optimizer")?;
    if items.is_empty() {
        report_missing(c, &tables::OPTIMIZER, raw.span.clone(), "");
        return None;
    }
    let entries: Vec<Option<Entry>> = items
        .into_iter()
        .enumerate()
        .map(|(i, (t, span))| check_entry(c, i, t, span, surface))
        .collect();
    entries.into_iter().collect()
}

fn check_entry(
    c: &mut Checker,
    index: usize,
    t: &RawTable,
    span: Range<usize>,
    surface: Option<&Surface>,
) -> Option<Entry> {
    let at = format!("optimizer[{index}]");
    let errors = c.errors.len();
    let known = every_optimizer_key();
    let kind = match t.get(tables::OPTIMIZER_KIND.name) {
        None => {
            report_missing(c, &tables::OPTIMIZER_KIND, span.clone(), &at);
            None
        }
        Some(entry) => pick_optimizer_kind(c, &entry.value, &join(&at, "kind")),
    };
    let allowed: Vec<&str> = match kind {
        Some(k) => OPTIMIZER_KEYS
            .iter()
            .map(|key| key.name)
            .filter(|name| *name != tables::FORM.name || k.has_named_forms())
            .chain(k.keys.iter().map(|key| key.name))
            .collect(),
        None => known.clone(),
    };
    report_unknown_keys(c, t, &known, &allowed, &at);
    let noise = match check_key(c, &tables::NOISE, t, &span, &at) {
        Some(Value::Table(v)) => Some(entry_keys::noise_params(&v)),
        _ => None,
    };
    // Not written: no schedule; written: the schedule, or `None` when it is wrong.
    let schedule: Option<Option<Schedule>> = match t.get(tables::SCHEDULE.name) {
        None => Some(None),
        Some(entry) => {
            entry_keys::check_schedule(c, &entry.value, &join(&at, tables::SCHEDULE.name)).map(Some)
        }
    };
    let batch = entry_keys::check_batch(c, t, &span, &at, surface);
    let label = match check_key(c, &tables::LABEL, t, &span, &at) {
        Some(Value::Text(l)) => Some(l),
        _ => None,
    };
    let kind = kind?;
    // Keys of other kinds, and `form` for a kind without forms.
    for entry in &t.entries {
        let key = entry.key.as_str();
        if !known.contains(&key) || allowed.contains(&key) {
            continue;
        }
        let hint = if key == tables::FORM.name {
            let with_forms: Vec<String> = OPTIMIZER_KINDS
                .iter()
                .filter(|k| k.has_named_forms())
                .map(|k| format!("`{}`", k.name))
                .collect();
            format!("only {} have forms", and_list(&with_forms))
        } else {
            let own: Vec<&str> = kind.keys.iter().map(|k| k.name).collect();
            format!("`{}` takes {}", kind.name, quoted(&own))
        };
        let e = c
            .at(
                entry.value.span.clone(),
                &join(&at, key),
                format!("`{key}` does not apply to `{}`", kind.name),
            )
            .with_hint(hint);
        c.report(e);
    }
    // A kind without forms has one, unnamed; a `form` written for it is reported above.
    let form = if kind.has_named_forms() {
        pick_form(c, kind, t, &at)?
    } else {
        &kind.forms[0]
    };
    let mut params = Vec::new();
    for key in kind.keys {
        let written = t.get(key.name);
        if let (Some(entry), false) = (written, key.applies_to_form(form.name)) {
            let forms: Vec<String> = key.forms.iter().map(|f| format!("\"{f}\"")).collect();
            let e = c
                .at(
                    entry.value.span.clone(),
                    &join(&at, key.name),
                    format!(
                        "`{}` only applies to the {} form, not \"{}\"",
                        key.name,
                        and_list(&forms),
                        form.name
                    ),
                )
                .with_hint(format!(
                    "remove it, or use form = {}; the \"{}\" form's rule is {}",
                    forms[0], form.name, form.rule
                ));
            c.report(e);
            continue;
        }
        let value = match written {
            // A number written as a name theory computes (or as text by mistake).
            Some(entry) if is_number(key) && contains_text(&entry.value) => {
                let key_at = join(&at, key.name);
                entry_keys::resolve_names(
                    c,
                    kind.name,
                    form.name,
                    key,
                    &entry.value,
                    &key_at,
                    surface,
                )
                .and_then(|raw| check_value(c, key, &raw, &key_at))
            }
            _ => check_key(c, key, t, &span, &at),
        };
        if let Some(Value::Sweep { values, list }) = value {
            params.push(Param {
                key,
                values,
                list,
                slot: Slot::Kind,
            });
        }
    }
    if c.errors.len() > errors {
        return None;
    }
    let (batch, schedule) = (batch?, schedule?);
    let batched = !batch.is_empty();
    params.extend(batch);
    let noisy = noise.is_some();
    params.extend(noise.unwrap_or_default());
    if let Some(label) = &label {
        check_placeholders(c, kind, &params, label, t, &at)?;
    }
    Some(Entry {
        index,
        span,
        kind,
        form,
        params,
        noisy,
        batched,
        schedule,
        label,
    })
}

/// True for a numeric key.
fn is_number(key: &Key) -> bool {
    matches!(key.ty, crate::keys::Type::Number { .. })
}

/// True when a value is text, or a list holding text: a name for a number (`"polyak"`).
fn contains_text(raw: &Raw) -> bool {
    match &raw.value {
        RawValue::String(_) => true,
        RawValue::Array(items) => items.iter().any(|i| matches!(i.value, RawValue::String(_))),
        _ => false,
    }
}

fn pick_optimizer_kind(c: &mut Checker, raw: &Raw, at: &str) -> Option<&'static OptimizerKind> {
    let name = text(c, raw, at)?;
    if let Some(k) = optimizer_kind(&name) {
        return Some(k);
    }
    let names: Vec<&str> = OPTIMIZER_KINDS.iter().map(|k| k.name).collect();
    let hint = match did_you_mean(&name, &names) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("the optimizers are {}", names.join(", ")),
    };
    let e = c
        .at(
            raw.span.clone(),
            at,
            format!("unknown optimizer kind `{name}`"),
        )
        .with_hint(hint);
    c.report(e);
    None
}

/// The entry's form: the one written, or the kind's first.
fn pick_form(
    c: &mut Checker,
    kind: &'static OptimizerKind,
    t: &RawTable,
    at: &str,
) -> Option<&'static Form> {
    let Some(entry) = t.get(tables::FORM.name) else {
        return Some(&kind.forms[0]);
    };
    let at = join(at, tables::FORM.name);
    let name = text(c, &entry.value, &at)?;
    if let Some(form) = kind
        .forms
        .iter()
        .find(|f| !f.name.is_empty() && f.name == name)
    {
        return Some(form);
    }
    let forms: Vec<&str> = kind.forms.iter().map(|f| f.name).collect();
    let hint = match did_you_mean(&name, &forms) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!(
            "`{}` has the forms {}",
            kind.name,
            forms
                .iter()
                .map(|f| format!("\"{f}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let e = c
        .at(
            entry.value.span.clone(),
            &at,
            format!("unknown form `{name}` for `{}`", kind.name),
        )
        .with_hint(hint);
    c.report(e);
    None
}

/// The names a label of an entry of `kind` with these `params` may use in `{...}`.
pub fn placeholders(kind: &OptimizerKind, params: &[Param]) -> BTreeSet<String> {
    kind.keys
        .iter()
        .map(|k| k.name.to_string())
        .chain(params.iter().map(Param::placeholder))
        .chain(expand::TEXT_PLACEHOLDERS.iter().map(|p| p.to_string()))
        .collect()
}

fn check_placeholders(
    c: &mut Checker,
    kind: &OptimizerKind,
    params: &[Param],
    label: &str,
    t: &RawTable,
    at: &str,
) -> Option<()> {
    let allowed = placeholders(kind, params);
    let span = t
        .get(tables::LABEL.name)
        .map_or(0..0, |e| e.value.span.clone());
    let at = join(at, tables::LABEL.name);
    for placeholder in expand::label_placeholders(label) {
        let (name, format) = expand::split_placeholder(&placeholder);
        if !allowed.contains(name) {
            let e = c
                .at(
                    span.clone(),
                    &at,
                    format!("unknown placeholder `{{{name}}}`"),
                )
                .with_hint(format!(
                    "this entry can use {}",
                    allowed
                        .iter()
                        .map(|p| format!("{{{p}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            c.report(e);
            return None;
        }
        let Some(format) = format else {
            continue;
        };
        let numeric = kind
            .key(name)
            .copied()
            .or_else(|| {
                params
                    .iter()
                    .find(|p| p.placeholder() == name)
                    .map(|p| *p.key)
            })
            .is_some_and(|k| !matches!(k.ty, crate::keys::Type::Bool { .. }));
        let problem = if !numeric {
            Some(format!(
                "`{{{placeholder}}}`: only numbers take a format, and `{name}` is not one"
            ))
        } else if expand::NumberFormat::parse(format).is_none() {
            Some(format!(
                "`{{{placeholder}}}`: unknown number format `{format}`"
            ))
        } else {
            None
        };
        if let Some(message) = problem {
            let e = c
                .at(span.clone(), &at, message)
                .with_hint(expand::NumberFormat::HINT);
            c.report(e);
            return None;
        }
    }
    Some(())
}
