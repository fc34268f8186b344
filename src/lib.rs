//! inertia: deterministic, fast pictures of optimizers on 2-D loss surfaces.
//!
//! The pipeline flows one way, one module per stage:
//!
//! 1. [`scene`]: a TOML scene file becomes a checked [`scene::Scene`] (all input errors are born
//!    here, located to file, line, column and key).
//! 2. [`trajectory`]: the scene's runs ([`optimizer`] rules on a [`surface`]) become
//!    [`trajectory::Trajectory`]s, computed in parallel.
//! 3. [`render`]: a scene and its trajectories become one [`picture::Picture`], the display list
//!    every backend reads: [`picture::frames`] animates it, [`picture::raster`] paints it,
//!    [`picture::svg`] writes it; [`figures`] makes the static charts as pictures too. All
//!    text is shaped by [`text`] from the embedded font (or the scene's own).
//! 4. [`encode`]: frames become files (GIF, PNG, CSV), written atomically by [`output`].
//!
//! [`pipeline`] runs the stages for one scene. [`batch`] runs a build of many scenes into one
//! output folder (freshness against the [`manifest`], verification, single frames, the
//! [`gallery`], watching), telling its caller how it goes through [`report`]'s `Progress` and
//! what it did in a `Report`; every failure is an [`Error`] ([`error`]). The library never
//! prints: `src/main.rs` parses the command line into a [`batch::Batch`], shows its progress,
//! prints its report and maps errors to exit statuses.

#![forbid(unsafe_code)]
// Errors are reported once per run; carrying them by value keeps their fields plain.
#![allow(clippy::result_large_err)]

pub mod batch;
pub mod encode;
pub mod error;
pub mod expr;
pub mod figures;
pub mod gallery;
pub mod manifest;
pub mod noise;
pub mod optimizer;
pub mod output;
pub mod picture;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod scene;
pub mod schema;
pub mod surface;
pub mod text;
pub mod theory;
pub mod trajectory;

pub use error::Error;

/// The built-in surfaces and optimizers with their formulas, as `render --list` prints them.
pub fn catalogue() -> String {
    use std::fmt::Write;
    let mut out =
        String::from("Surfaces ([surface] kind = ...; or expr = \"formula in x and y\"):\n");
    for k in surface::SURFACE_KINDS {
        let _ = writeln!(out, "  {:<18} f = {}", k.name, k.formula);
        if !k.parameters.is_empty() {
            let _ = writeln!(out, "  {:<18}   parameters: {}", "", k.parameters);
        }
        let _ = writeln!(
            out,
            "  {:<18}   default window: x ∈ [{}, {}], y ∈ [{}, {}]",
            "", k.window.x.0, k.window.x.1, k.window.y.0, k.window.y.1
        );
    }
    out.push_str("\nOptimizers ([[optimizer]] kind = ...; g is the gradient):\n");
    for k in optimizer::OPTIMIZER_KINDS {
        for (i, (form, rule)) in k.forms.iter().enumerate() {
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
        let _ = writeln!(out, "  {:<10} keys: {}", "", k.parameters);
    }
    out
}
