//! The human-readable reference of the scene format, generated from the declarations: the text
//! `render --list` prints, and the README's surface and optimizer tables (`tests/readme.rs`
//! fails, showing the table to paste, when the README's differ).
//!
//! Nothing here names a kind, a key or a chart: everything comes from
//! [`crate::surface::SURFACE_KINDS`], [`crate::optimizer::OPTIMIZER_KINDS`],
//! [`crate::schedule::SCHEDULE_KINDS`] and [`crate::scene::tables`].

use std::fmt::Write;

use crate::keys::{Key, Type};
use crate::optimizer::{OptimizerKind, OPTIMIZER_KINDS};
use crate::scene::tables;
use crate::schedule::SCHEDULE_KINDS;
use crate::surface::{SurfaceKind, FORMULA, SURFACE_KINDS};

/// What `render --list` prints: every surface kind (formula, keys with defaults and ranges,
/// default window), every optimizer kind (forms with their update rules, keys) and the names
/// `[draw]` takes (charts, overlays, panels, ...), each with its one-line doc.
pub fn list() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Surfaces ([surface] kind = \"...\"; or {} = \"formula in x and y\", or in x alone: a \
         1-D scene):",
        FORMULA.keys[0].name
    );
    for kind in SURFACE_KINDS.iter().copied().chain([FORMULA]) {
        list_surface(&mut out, kind);
    }
    out.push_str(
        "\nOptimizers ([[optimizer]] kind = \"...\"; g is the gradient, plus weight_decay·θ where \
         that is set):\n",
    );
    for kind in OPTIMIZER_KINDS {
        list_optimizer(&mut out, kind);
    }
    out.push_str(
        "\nSchedules ([[optimizer]] schedule = { kind = \"...\", ... }; lr at step k, 0-based):\n",
    );
    for kind in SCHEDULE_KINDS {
        let indent = format!("  {:<12} ", "");
        let _ = writeln!(
            out,
            "  {:<12} {} (torch's {})",
            kind.name, kind.formula, kind.torch
        );
        let _ = writeln!(out, "{indent}{}", kind.doc);
        let keys: Vec<String> = kind.keys.iter().map(Key::summary).collect();
        let _ = writeln!(out, "{indent}keys: {}", keys.join(", "));
    }
    let own = tables::OUTPUT_KEYS
        .iter()
        .map(|k| ("output", k))
        .chain(tables::DRAW_KEYS.iter().map(|k| ("draw", k)));
    for (table, key) in own {
        let default = key.absent.text().unwrap_or_default();
        if let Type::Bool { .. } = key.ty {
            let _ = writeln!(
                out,
                "\n{} ([{table}] {} = true; default {default}):\n  {}",
                capitalized(&key.name.replace('_', " ")),
                key.name,
                key.doc
            );
            continue;
        }
        let slider_keys;
        let (form, choices): (&str, &[crate::keys::Choice]) = match key.ty {
            Type::Choice(choices) => ("\"...\"", choices),
            Type::Choices(choices) => ("[...]", choices),
            Type::SweptKeys => {
                slider_keys = tables::slider_keys();
                ("[...]", &slider_keys)
            }
            _ => continue,
        };
        let _ = writeln!(
            out,
            "\n{} ([{table}] {} = {form}; default {default}):",
            capitalized(key.name),
            key.name
        );
        if key.ty == Type::SweptKeys {
            let _ = writeln!(out, "  {}", key.doc);
            let names: Vec<&str> = choices.iter().map(|c| c.name).collect();
            let _ = writeln!(
                out,
                "  any key an optimizer entry sweeps: {}",
                names.join(", ")
            );
            continue;
        }
        for c in choices {
            let _ = writeln!(out, "  {:<12} {}", c.name, c.doc);
        }
    }
    out
}

fn list_surface(out: &mut String, kind: &SurfaceKind) {
    let indent = format!("  {:<18}   ", "");
    let _ = writeln!(out, "  {:<18} f = {}", kind.name, kind.formula);
    let _ = writeln!(out, "{indent}{}", kind.doc);
    for key in kind.keys {
        let _ = writeln!(out, "{indent}{}: {}", key.summary(), key.doc);
    }
    if !kind.exactly_one_of.is_empty() {
        let names: Vec<String> = kind
            .exactly_one_of
            .iter()
            .map(|n| format!("`{n}`"))
            .collect();
        let _ = writeln!(out, "{indent}exactly one of {}", names.join(", "));
    }
    let _ = writeln!(out, "{indent}default window: {}", kind.window.text());
}

fn list_optimizer(out: &mut String, kind: &OptimizerKind) {
    let indent = format!("  {:<10} ", "");
    for (i, form) in kind.forms.iter().enumerate() {
        let name = if i == 0 { kind.name } else { "" };
        let label = match (form.name, i) {
            ("", _) => String::new(),
            (f, 0) => format!("form = \"{f}\" (default)"),
            (f, _) => format!("form = \"{f}\""),
        };
        let _ = writeln!(out, "  {name:<10} {label:<28} {}", form.rule);
    }
    let _ = writeln!(out, "{indent}{}", kind.doc);
    let keys: Vec<String> = kind.keys.iter().map(Key::summary).collect();
    let _ = writeln!(out, "{indent}keys: {}", keys.join(", "));
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn uncapitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Text for a markdown table cell: pipes escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// A kind's keys for a table cell: `a = 1 (> 0), angle = 0`; a key without a plain default with
/// its doc.
fn keys_cell(keys: &[Key], exactly_one_of: &[&str]) -> String {
    let described = |k: &Key| match k.absent.text() {
        Some(_) => k.summary_in_form(),
        None => format!(
            "`{}` ({})",
            k.name,
            uncapitalized(k.doc.trim_end_matches('.'))
        ),
    };
    let mut parts: Vec<String> = keys
        .iter()
        .filter(|k| !exactly_one_of.contains(&k.name))
        .map(described)
        .collect();
    if !exactly_one_of.is_empty() {
        let choices: Vec<String> = exactly_one_of
            .iter()
            .filter_map(|n| keys.iter().find(|k| k.name == *n))
            .map(described)
            .collect();
        parts.push(format!("{}: exactly one", choices.join(" or ")));
    }
    cell(&parts.join(", "))
}

/// The README's table of surface kinds (under "### Surfaces").
pub fn surfaces_markdown() -> String {
    let mut out = String::from(
        "| kind | f(x, y), or f(x) in 1-D | what it shows | keys (defaults, ranges) | default window |\n\
         |---|---|---|---|---|\n",
    );
    for kind in SURFACE_KINDS {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            kind.name,
            cell(kind.formula),
            cell(kind.doc),
            keys_cell(kind.keys, kind.exactly_one_of),
            cell(&kind.window.text())
        );
    }
    out
}

/// The README's table of optimizer kinds, one row per form (under "### Optimizers").
pub fn optimizers_markdown() -> String {
    let mut out =
        String::from("| kind | form | update | keys (defaults, ranges) |\n|---|---|---|---|\n");
    for kind in OPTIMIZER_KINDS {
        for (i, form) in kind.forms.iter().enumerate() {
            let name = match form.name {
                "" => String::new(),
                f if i == 0 => format!("`{f}` (default)"),
                f => format!("`{f}`"),
            };
            let form_cell = match (name.is_empty(), form.doc.is_empty()) {
                (true, _) => form.doc.to_string(),
                (false, true) => name,
                (false, false) => format!("{name}: {}", form.doc),
            };
            let keys: Vec<String> = kind
                .keys
                .iter()
                .filter(|k| k.applies_to_form(form.name))
                .map(Key::summary_in_form)
                .collect();
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                kind.name,
                cell(&form_cell),
                cell(form.rule),
                cell(&keys.join(", "))
            );
        }
    }
    out
}

/// The README's table of schedule kinds (under "### Schedules").
pub fn schedules_markdown() -> String {
    let mut out = String::from(
        "| kind | torch | lr at step k | what it does | keys (defaults, ranges) |\n\
         |---|---|---|---|---|\n",
    );
    for kind in SCHEDULE_KINDS {
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {} | {} |",
            kind.name,
            kind.torch,
            cell(kind.formula),
            cell(kind.doc),
            cell(
                &kind
                    .keys
                    .iter()
                    .map(Key::summary)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_names_every_kind_form_chart_and_overlay() {
        let text = list();
        for kind in SURFACE_KINDS {
            assert!(
                text.contains(&format!("\n  {} ", kind.name)),
                "{}",
                kind.name
            );
            assert!(text.contains(kind.formula), "{}", kind.name);
        }
        for kind in OPTIMIZER_KINDS {
            assert!(
                text.contains(&format!("\n  {} ", kind.name)),
                "{}",
                kind.name
            );
            for form in kind.forms {
                assert!(text.contains(form.rule), "{}", form.rule);
            }
            for key in kind.keys {
                assert!(text.contains(&key.summary()), "{}", key.summary());
            }
        }
        for c in tables::CHARTS.iter().chain(tables::OVERLAYS) {
            assert!(text.contains(c.doc), "{}", c.name);
        }
        for kind in SCHEDULE_KINDS {
            assert!(
                text.contains(kind.formula) && text.contains(kind.doc),
                "{}",
                kind.name
            );
            for key in kind.keys {
                assert!(text.contains(&key.summary()), "{}", key.summary());
            }
        }
        assert!(
            text.contains("Charts ([draw] charts = [...]; default [\"loss\"]):"),
            "{text}"
        );
        assert!(
            text.contains("Aspect ([draw] aspect = \"...\"; default \"equal\"):"),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "Data view ([draw] data_view = true; default false):\n  {}",
                tables::DATA_VIEW_KEY.doc
            )),
            "{text}"
        );
    }

    #[test]
    fn tables_have_a_row_per_kind_and_form_with_escaped_pipes() {
        let surfaces = surfaces_markdown();
        assert_eq!(surfaces.lines().count(), 2 + SURFACE_KINDS.len());
        assert!(
            surfaces.contains("tilt = 0.6 (\\|tilt\\| < 1.5)"),
            "{surfaces}"
        );
        let forms: usize = OPTIMIZER_KINDS.iter().map(|k| k.forms.len()).sum();
        let optimizers = optimizers_markdown();
        assert_eq!(optimizers.lines().count(), 2 + forms);
        // Keys that apply to one form are listed in that form's row only.
        let rows: Vec<&str> = optimizers
            .lines()
            .filter(|l| l.starts_with("| `momentum`"))
            .collect();
        assert!(rows[0].contains("dampening = 0") && !rows[1].contains("dampening"));
        // Every row has its table's number of cells: escaped pipes stay inside a cell.
        for (table, cells) in [(&surfaces, 5), (&optimizers, 4)] {
            for row in table.lines() {
                let pipes = row.matches('|').count() - row.matches("\\|").count();
                assert_eq!(pipes, cells + 1, "{row}");
            }
        }
    }
}
