//! Checked optimizer entries become runs: one per sweep combination and start point, in the
//! documented order (entries in file order, then sweep values with the kind's first key varying
//! slowest, then start points), with their labels (placeholders filled, numbers in the format
//! a placeholder asks for).

use crate::minibatch::Minibatch;
use crate::optimizer::Optimizer;
use crate::surface::{Dims, Point};
use crate::trajectory::{Noise, Run};

use super::check::Checker;
use super::kinds::{Entry, Param, Slot};
use super::{limits, Setting};

/// Expands every entry into its runs and settings; reports (once) a scene whose sweeps make
/// more runs than [`limits::MAX_RUNS`].
pub fn expand(
    c: &mut Checker,
    entries: &[Entry],
    starts: &[Point],
    dims: Dims,
) -> Option<(Vec<Run>, Vec<Setting>)> {
    let mut runs = Vec::new();
    let mut settings = Vec::new();
    let only = entries.len() == 1;
    for entry in entries {
        let combos = entry
            .params
            .iter()
            .map(|p| p.values.len())
            .product::<usize>()
            * starts.len();
        if runs.len() + combos > limits::MAX_RUNS {
            let e = c
                .at(
                    entry.span.clone(),
                    &format!("optimizer[{}]", entry.index),
                    format!(
                        "the sweeps expand to {} runs in all, more than the limit of {}",
                        runs.len() + combos,
                        limits::MAX_RUNS
                    ),
                )
                .with_hint("shorten the sweep lists or split the scene");
            c.report(e);
            return None;
        }
        expand_entry(entry, only, starts, dims, &mut runs, &mut settings);
    }
    distinguish_defaults(entries, &mut runs, &mut settings);
    Some((runs, settings))
}

/// Settings of different entries whose default labels coincide (two `gd` entries that differ
/// only in their learning rate both read "GD") get what tells them apart appended: every key
/// whose value differs within the group, and the form when forms differ.
fn distinguish_defaults(entries: &[Entry], runs: &mut [Run], settings: &mut [Setting]) {
    let written = |entry: usize| {
        entries
            .iter()
            .find(|e| e.index == entry)
            .is_some_and(|e| e.label.is_some())
    };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (k, s) in settings.iter().enumerate() {
        if written(s.entry) {
            continue;
        }
        match groups.iter_mut().find(|g| settings[g[0]].label == s.label) {
            Some(g) => g.push(k),
            None => groups.push(vec![k]),
        }
    }
    for group in groups {
        let entries_in: std::collections::BTreeSet<usize> =
            group.iter().map(|&k| settings[k].entry).collect();
        if entries_in.len() < 2 {
            continue;
        }
        let optimizers: Vec<Optimizer> = group
            .iter()
            .map(|&k| runs[settings[k].runs[0]].optimizer)
            .collect();
        let forms_differ = optimizers
            .iter()
            .any(|o| o.form().name != optimizers[0].form().name);
        let keys: Vec<&crate::keys::Key> = optimizers[0]
            .kind()
            .keys
            .iter()
            .filter(|key| {
                let first = optimizers[0].get(key.name);
                optimizers.iter().any(|o| o.get(key.name) != first)
            })
            .collect();
        for (&k, o) in group.iter().zip(&optimizers) {
            let mut suffix = String::new();
            if forms_differ {
                suffix.push_str(&format!(" ({})", o.form().name));
            }
            for key in &keys {
                if let Some(v) = o.get(key.name) {
                    suffix.push_str(&format!(" {}={}", key.symbol_or_name(), key.value_text(v)));
                }
            }
            let old = settings[k].label.clone();
            settings[k].label.push_str(&suffix);
            for &r in &settings[k].runs {
                // Before the start point, if the label names one.
                let label = &mut runs[r].label;
                match label.strip_prefix(old.as_str()) {
                    Some(rest) => *label = format!("{old}{suffix}{rest}"),
                    None => label.push_str(&suffix),
                }
            }
        }
    }
}

/// Expands one entry (`only`: the scene's one entry), odometer-style, the last key fastest.
fn expand_entry(
    entry: &Entry,
    only: bool,
    starts: &[Point],
    dims: Dims,
    runs: &mut Vec<Run>,
    settings: &mut Vec<Setting>,
) {
    let params = &entry.params;
    let (kind, form) = (entry.kind.name, entry.form.name);
    let schedule = entry
        .schedule
        .as_ref()
        .map_or("constant", |s| s.kind().name);
    let mut index = vec![0usize; params.len()];
    loop {
        let picked = |slot: Slot| {
            params
                .iter()
                .zip(&index)
                .filter(|(p, _)| p.slot == slot)
                .map(|(p, i)| p.values[*i])
                .collect::<Vec<f64>>()
        };
        // A placeholder's value as a label writes it, formatted when asked.
        let value = |placeholder: &str| {
            let (name, format) = split_placeholder(placeholder);
            let (param, i) = params
                .iter()
                .zip(&index)
                .find(|(p, _)| p.placeholder() == name)?;
            let v = param.values[*i];
            Some(match format.and_then(NumberFormat::parse) {
                Some(f) => f.apply(v),
                None => param.key.value_text(v),
            })
        };
        let optimizer = Optimizer::new(entry.kind, form, &picked(Slot::Kind));
        let noise = entry.noisy.then(|| Noise {
            std: picked(Slot::NoiseStd)[0],
            seed: picked(Slot::NoiseSeed)[0] as u64,
        });
        let batch = entry.batched.then(|| Minibatch {
            size: picked(Slot::Batch)[0] as usize,
            seed: picked(Slot::ShuffleSeed).first().map_or(0, |s| *s as u64),
        });
        let first_run = runs.len();
        let setting_label = match &entry.label {
            Some(l) => {
                // The label without its start point: " from {start}" goes as a whole.
                let without = l.replace(" from {start}", "");
                let filled = fill_label(&without, &|name| match name {
                    "kind" => Some(kind.to_string()),
                    "form" => Some(form.to_string()),
                    "schedule" => Some(schedule.to_string()),
                    "start" => Some(String::new()),
                    "run" => Some(first_run.to_string()),
                    other => value(other),
                });
                filled.split_whitespace().collect::<Vec<_>>().join(" ")
            }
            // A panel title need not repeat what every panel shares.
            None if only && params.iter().any(|p| p.list) => swept_values(params, &index),
            None => default_label(entry, &index, false, dims.point_text(starts[0])),
        };
        settings.push(Setting {
            label: setting_label,
            runs: (first_run..first_run + starts.len()).collect(),
            entry: entry.index,
            swept: params
                .iter()
                .zip(&index)
                .filter(|(p, _)| p.list)
                .map(|(p, i)| (p.key.name, p.values[*i]))
                .collect(),
        });
        for start in starts {
            let run_index = runs.len();
            let label = match &entry.label {
                Some(l) => fill_label(l, &|name| match name {
                    "kind" => Some(kind.to_string()),
                    "form" => Some(form.to_string()),
                    "schedule" => Some(schedule.to_string()),
                    "start" => Some(dims.point_text(*start)),
                    "run" => Some(run_index.to_string()),
                    other => value(other),
                }),
                None => default_label(entry, &index, starts.len() > 1, dims.point_text(*start)),
            };
            runs.push(Run {
                index: run_index,
                label,
                entry: entry.index,
                optimizer,
                start: *start,
                noise,
                schedule: entry.schedule.clone(),
                batch,
            });
        }
        // Advance the odometer, last key fastest.
        let mut k = params.len();
        loop {
            if k == 0 {
                return;
            }
            k -= 1;
            index[k] += 1;
            if index[k] < params[k].values.len() {
                break;
            }
            index[k] = 0;
        }
    }
}

/// The swept parameters' values of one combination, e.g. `lr=0.1 β=0.9`.
fn swept_values(params: &[Param], index: &[usize]) -> String {
    params
        .iter()
        .zip(index)
        .filter(|(p, _)| p.list)
        .map(|(p, i)| {
            format!(
                "{}={}",
                p.key.symbol_or_name(),
                p.key.value_text(p.values[*i])
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The placeholders that are not keys: what the run is and where it starts.
pub const TEXT_PLACEHOLDERS: &[&str] = &["kind", "form", "start", "run", "schedule"];

/// `name` and its format, from a placeholder's text `name:format` (`lr:.3` → (`lr`, `.3`)).
pub fn split_placeholder(placeholder: &str) -> (&str, Option<&str>) {
    match placeholder.split_once(':') {
        Some((name, format)) => (name, Some(format)),
        None => (placeholder, None),
    }
}

/// How a label writes a number, Rust's way: `.N` with N decimals (`{beta:.3}` → 0.900),
/// `.Ne` in scientific notation with N decimals (`{lr:.2e}` → 5.00e-2), `e` in the shortest
/// scientific notation that reads back the same (`{lr:e}` → 5e-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberFormat {
    Fixed(usize),
    Scientific(Option<usize>),
}

impl NumberFormat {
    /// What the formats are, for hints.
    pub const HINT: &'static str = "a number takes a format as in Rust: {lr:.3} (3 decimals), \
                                    {lr:.2e} (scientific, 2 decimals) or {lr:e} (scientific)";

    /// The format written `text` (after the colon), if it is one; at most 17 decimals.
    pub fn parse(text: &str) -> Option<NumberFormat> {
        let digits = |d: &str| {
            (!d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
                .then(|| d.parse::<usize>().ok())
                .flatten()
                .filter(|n| *n <= 17)
        };
        if text == "e" {
            return Some(NumberFormat::Scientific(None));
        }
        let decimals = text.strip_prefix('.')?;
        match decimals.strip_suffix('e') {
            Some(d) => digits(d).map(|n| NumberFormat::Scientific(Some(n))),
            None => digits(decimals).map(NumberFormat::Fixed),
        }
    }

    /// `v` written in this format.
    pub fn apply(self, v: f64) -> String {
        match self {
            NumberFormat::Fixed(n) => format!("{v:.n$}"),
            NumberFormat::Scientific(Some(n)) => format!("{v:.n$e}"),
            NumberFormat::Scientific(None) => format!("{v:e}"),
        }
    }
}

/// The `{name}` placeholders in a label, each as written inside its braces (`lr:.3` included;
/// `{{` and `}}` are literal braces).
pub fn label_placeholders(label: &str) -> Vec<String> {
    let names = std::cell::RefCell::new(Vec::new());
    fill_label(label, &|name| {
        names.borrow_mut().push(name.to_string());
        None
    });
    names.into_inner()
}

/// Replaces each `{name}` by `lookup(name)`; unknown names are left as written.
fn fill_label<F: ?Sized + Fn(&str) -> Option<String>>(label: &str, lookup: &F) -> String {
    let mut out = String::new();
    let mut rest = label;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
        } else if let (true, Some(end)) = (tail.starts_with('{'), tail.find('}')) {
            let name = &tail[1..end];
            match lookup(name) {
                Some(v) => out.push_str(&v),
                None => out.push_str(&tail[..=end]),
            }
            rest = &tail[end + 1..];
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The label of a run without a written one: the kind's title, the swept values, and the start
/// point when there are several.
fn default_label(entry: &Entry, index: &[usize], many_starts: bool, start: String) -> String {
    let mut label = entry.kind.title.to_string();
    let values = swept_values(&entry.params, index);
    if !values.is_empty() {
        label.push(' ');
        label.push_str(&values);
    }
    if many_starts {
        label.push_str(&format!(" from {start}"));
    }
    label
}
