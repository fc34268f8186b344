//! The keys of an `[[optimizer]]` entry that reach beyond its kind's numbers: names theory
//! computes from the surface (`lr = "polyak"`), the `schedule` table (its keys depend on its
//! kind, declared in [`crate::schedule`]), minibatches (`batch`, `shuffle_seed`, on surfaces
//! made from data) and the swept values of `noise`.

use std::ops::Range;

use crate::keys::{Key, Value};
use crate::optimizer::OPTIMIZER_KINDS;
use crate::schedule::{schedule_kind, Schedule, SCHEDULE_KINDS};
use crate::surface::linear_regression::LinearRegression;
use crate::surface::Surface;

use super::check::{and_list, check_key, join, quoted, report_unknown_keys, text, Checker};
use super::diagnostic::did_you_mean;
use super::file::{Raw, RawTable, RawValue};
use super::kinds::{Param, Slot};
use super::tables;

/// `raw`, the value of `key` written for an optimizer of form `form`, with every name it
/// takes (`"polyak"`, `"optimal"`) replaced by the number it stands for on `surface`, spans
/// kept, so that the number is checked like any other. A name the key does not take, or one
/// on a surface where theory gives no optimum, is reported. `surface` is `None` when the
/// surface is invalid (reported already): names are then left unresolved, quietly.
pub fn resolve_names(
    c: &mut Checker,
    kind: &str,
    form: &str,
    key: &Key,
    raw: &Raw,
    at: &str,
    surface: Option<&Surface>,
) -> Option<Raw> {
    let one = |c: &mut Checker, item: &Raw| -> Option<Raw> {
        let RawValue::String(name) = &item.value else {
            return Some(item.clone());
        };
        let value = named_value(c, kind, form, key, name, &item.span, at, surface)?;
        Some(Raw {
            value: RawValue::Float(value),
            span: item.span.clone(),
        })
    };
    match &raw.value {
        RawValue::Array(items) => {
            let resolved: Vec<Option<Raw>> = items.iter().map(|i| one(c, i)).collect();
            Some(Raw {
                value: RawValue::Array(resolved.into_iter().collect::<Option<_>>()?),
                span: raw.span.clone(),
            })
        }
        _ => one(c, raw),
    }
}

/// The number `name` stands for as a value of `key`, or `None` (reported unless `surface` is
/// unknown).
#[allow(clippy::too_many_arguments)]
fn named_value(
    c: &mut Checker,
    kind: &str,
    form: &str,
    key: &Key,
    name: &str,
    span: &Range<usize>,
    at: &str,
    surface: Option<&Surface>,
) -> Option<f64> {
    let Some(named) = key.named_value(name) else {
        // Which kinds take this name for this key, if any: "polyak" is heavy ball's.
        let takers: Vec<String> = OPTIMIZER_KINDS
            .iter()
            .filter(|k| {
                k.key(key.name)
                    .is_some_and(|k| k.named_value(name).is_some())
            })
            .map(|k| format!("`{}`", k.name))
            .collect();
        let own: Vec<String> = key
            .named
            .iter()
            .map(|n| format!("\"{}\"", n.name))
            .collect();
        let mut hint = "numbers are written without quotes".to_string();
        if !own.is_empty() {
            hint.push_str(&format!(
                "; `{kind}`'s {} also takes {} on convex quadratic surfaces",
                key.name,
                own.join(" or ")
            ));
        } else if !takers.is_empty() {
            hint.push_str(&format!(
                "; \"{name}\" is a value of the {} of {}, not of `{kind}`'s",
                key.name,
                and_list(&takers)
            ));
        }
        let expected = match key.ty {
            crate::keys::Type::Number { sweep: true, .. } => "a number or a list of numbers",
            _ => "a number",
        };
        let e = c
            .at(
                span.clone(),
                at,
                format!("expected {expected}, found `{}`", c.text(span)),
            )
            .with_hint(hint);
        c.report(e);
        return None;
    };
    let surface = surface?;
    match surface.quadratic_curvatures() {
        Some((lo, hi)) if lo > 0.0 => Some((named.value)((lo, hi), form)),
        _ => {
            let e = c
                .at(
                    span.clone(),
                    at,
                    format!(
                        "{} = \"{name}\" needs a convex quadratic surface, and `{}` is not one",
                        key.name,
                        surface.kind().name
                    ),
                )
                .with_hint(format!(
                    "\"{name}\" is {}, computed from the surface's curvatures; give a number, \
                     or use a quadratic surface (quadratic, bowl, ravine, linear_regression)",
                    lowercase_first(named.doc.trim_end_matches('.'))
                ));
            c.report(e);
            None
        }
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Every key a `schedule` table may have under some kind, `kind` first.
fn every_schedule_key() -> Vec<&'static str> {
    let mut names = vec!["kind"];
    for k in SCHEDULE_KINDS {
        for key in k.keys {
            if !names.contains(&key.name) {
                names.push(key.name);
            }
        }
    }
    names
}

/// Checks `schedule = { kind = "...", ... }` (`raw`, at `at`).
pub fn check_schedule(c: &mut Checker, raw: &Raw, at: &str) -> Option<Schedule> {
    let RawValue::Table(t) = &raw.value else {
        let e = c
            .at(
                raw.span.clone(),
                at,
                format!("expected a table, found `{}`", c.text(&raw.span)),
            )
            .with_hint(format!(
                "write it as schedule = {}",
                tables::SCHEDULE.example
            ));
        c.report(e);
        return None;
    };
    let known = every_schedule_key();
    let names: Vec<&str> = SCHEDULE_KINDS.iter().map(|k| k.name).collect();
    let kind = match t.get("kind") {
        None => {
            let e = c
                .at(raw.span.clone(), at, "missing the schedule's `kind`")
                .with_hint(format!(
                    "add kind = \"...\": {}",
                    names
                        .iter()
                        .map(|n| format!("\"{n}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            c.report(e);
            None
        }
        Some(entry) => {
            let name = text(c, &entry.value, &join(at, "kind"))?;
            match schedule_kind(&name) {
                Some(k) => Some(k),
                None => {
                    let hint = match did_you_mean(&name, &names) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("the schedules are {}", names.join(", ")),
                    };
                    let e = c
                        .at(
                            entry.value.span.clone(),
                            &join(at, "kind"),
                            format!("unknown schedule kind `{name}`"),
                        )
                        .with_hint(hint);
                    c.report(e);
                    None
                }
            }
        }
    };
    let allowed: Vec<&str> = match kind {
        Some(k) => std::iter::once("kind")
            .chain(k.keys.iter().map(|key| key.name))
            .collect(),
        None => known.clone(),
    };
    let errors = c.errors.len();
    report_unknown_keys(c, t, &known, &allowed, at);
    let kind = kind?;
    for entry in &t.entries {
        let key = entry.key.as_str();
        if known.contains(&key) && !allowed.contains(&key) {
            let own: Vec<&str> = kind.keys.iter().map(|k| k.name).collect();
            let e = c
                .at(
                    entry.value.span.clone(),
                    &join(at, key),
                    format!("`{key}` does not apply to schedule kind `{}`", kind.name),
                )
                .with_hint(format!("`{}` takes {}", kind.name, quoted(&own)));
            c.report(e);
        }
    }
    let mut values = crate::keys::Values::default();
    for key in kind.keys {
        if let Some(v) = check_key(c, key, t, &raw.span, at) {
            values.set(key.name, v);
        }
    }
    if c.errors.len() > errors {
        return None;
    }
    match (kind.build)(&values) {
        Ok(s) => Some(s),
        Err(e) => {
            let span = e
                .key
                .and_then(|k| t.get(k))
                .map_or(raw.span.clone(), |entry| entry.value.span.clone());
            let error = c.at(span, at, e.message).with_optional_hint(e.hint);
            c.report(error);
            None
        }
    }
}

/// The parameters `batch` and `shuffle_seed` give an entry in table `t` (empty when neither
/// is written). Minibatches need a surface made from data, and a batch no larger than its
/// points; `surface` is `None` when the surface is invalid (reported already), and then
/// nothing here is reported.
pub fn check_batch(
    c: &mut Checker,
    t: &RawTable,
    span: &Range<usize>,
    at: &str,
    surface: Option<&Surface>,
) -> Option<Vec<Param>> {
    let written: Vec<&Key> = [&tables::BATCH, &tables::SHUFFLE_SEED]
        .into_iter()
        .filter(|k| t.get(k.name).is_some())
        .collect();
    if written.is_empty() {
        return Some(Vec::new());
    }
    let errors = c.errors.len();
    let batch = check_key(c, &tables::BATCH, t, span, at);
    let seed = check_key(c, &tables::SHUFFLE_SEED, t, span, at);
    let surface = surface?;
    let Some(data) = surface.downcast_ref::<LinearRegression>() else {
        let key = written[0];
        let e = c
            .at(
                t.get(key.name)
                    .map_or(span.clone(), |e| e.value.span.clone()),
                &join(at, key.name),
                format!(
                    "`{}` needs a surface made from data, and `{}` is not one",
                    key.name,
                    surface.kind().name
                ),
            )
            .with_hint(
                "minibatches are drawn from the data points of kind = \"linear_regression\"; \
                 for gradient noise on other surfaces, use noise = { std = 0.5 }",
            );
        c.report(e);
        return None;
    };
    if c.errors.len() > errors {
        return None;
    }
    let n = data.points.len();
    let mut params = Vec::new();
    match batch {
        Some(Value::Sweep { values, list }) => {
            if let Some(too_big) = values.iter().find(|b| **b as usize > n) {
                let e = c
                    .at(
                        t.get(tables::BATCH.name)
                            .map_or(span.clone(), |e| e.value.span.clone()),
                        &join(at, tables::BATCH.name),
                        format!("a batch of {too_big} points, but the data has {n}"),
                    )
                    .with_hint(format!("use a batch from 1 to {n}"));
                c.report(e);
                return None;
            }
            params.push(Param {
                key: &tables::BATCH,
                values,
                list,
                slot: Slot::Batch,
            });
        }
        // Only the seed: every point in every batch.
        _ => params.push(Param {
            key: &tables::BATCH,
            values: vec![n as f64],
            list: false,
            slot: Slot::Batch,
        }),
    }
    if let Some(Value::Sweep { values, list }) = seed {
        params.push(Param {
            key: &tables::SHUFFLE_SEED,
            values,
            list,
            slot: Slot::ShuffleSeed,
        });
    }
    Some(params)
}

/// The parameters of a checked `noise` table: its standard deviation and its seed, each one
/// value or a sweep.
pub fn noise_params(values: &crate::keys::Values) -> Vec<Param> {
    let [std, seed] = [&tables::NOISE_KEYS[0], &tables::NOISE_KEYS[1]];
    let mut params = Vec::new();
    for (key, slot) in [(std, Slot::NoiseStd), (seed, Slot::NoiseSeed)] {
        if let Some(Value::Sweep { values, list }) = values.get(key.name) {
            params.push(Param {
                key,
                values: values.clone(),
                list: *list,
                slot,
            });
        }
    }
    params
}
