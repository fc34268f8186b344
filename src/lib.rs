//! inertia: deterministic, fast pictures of optimizers on 2-D loss surfaces.
//!
//! The pipeline flows one way, one module per stage:
//!
//! 1. [`scene`]: a TOML scene file becomes a checked [`scene::Scene`] (all input errors are born
//!    here, located to file, line, column and key).
//! 2. [`trajectory`]: the scene's runs ([`optimizer`] rules on a [`surface`]) become
//!    [`trajectory::Trajectory`]s, computed in parallel.
//! 3. [`render`]: trajectories are drawn into frames over a background drawn once.
//! 4. [`encode`]: frames become files (GIF, PNG, CSV), written atomically by [`output`].
//!
//! [`pipeline`] runs the stages for one scene; `src/main.rs` only parses the command line.

#![forbid(unsafe_code)]
// Errors are reported once per run; carrying them by value keeps their fields plain.
#![allow(clippy::result_large_err)]

pub mod encode;
pub mod expr;
pub mod figures;
pub mod gallery;
pub mod keys;
pub mod manifest;
pub mod noise;
pub mod optimizer;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod scene;
pub mod schema;
pub mod surface;
pub mod theory;
pub mod trajectory;

/// The built-in surfaces and optimizers with their formulas, as `render --list` prints them.
pub fn catalogue() -> String {
    use std::fmt::Write;
    let mut out =
        String::from("Surfaces ([surface] kind = ...; or expr = \"formula in x and y\"):\n");
    for k in surface::SURFACE_KINDS {
        let _ = writeln!(out, "  {:<18} f = {}", k.name, k.formula);
        for key in k.keys {
            let _ = writeln!(out, "  {:<18}   {}", "", key.summary());
        }
        let _ = writeln!(out, "  {:<18}   default window: {}", "", k.window.text());
    }
    out.push_str("\nOptimizers ([[optimizer]] kind = ...; g is the gradient):\n");
    for k in optimizer::OPTIMIZER_KINDS {
        for (i, f) in k.forms.iter().enumerate() {
            let (form, rule) = (f.name, f.rule);
            let name = if i == 0 { k.name } else { "" };
            let form = if form.is_empty() {
                String::new()
            } else if i == 0 {
                format!("form = \"{form}\" (default)")
            } else {
                format!("form = \"{form}\"")
            };
            let _ = writeln!(out, "  {name:<10} {form:<28} {rule}");
        }
        let keys: Vec<String> = k.keys.iter().map(|key| key.summary()).collect();
        let _ = writeln!(out, "  {:<10} keys: {}", "", keys.join(", "));
    }
    out
}
