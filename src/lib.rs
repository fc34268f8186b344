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
//!
//! Each surface kind, optimizer kind, chart and overlay is declared once: a surface or an
//! optimizer in its own file under [`surface`] or [`optimizer`], the scene's own keys and names
//! in [`scene::tables`], all described with [`keys`]. The scene checker, [`schema`] (the JSON
//! Schema), [`reference`](mod@reference) (`render --list`, the README's tables) and [`gallery`] read those
//! declarations and list nothing of their own.

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
pub mod reference;
pub mod render;
pub mod scene;
pub mod schema;
pub mod surface;
pub mod theory;
pub mod trajectory;

/// The built-in surfaces and optimizers with their formulas and keys, and the charts and
/// overlays, as `render --list` prints them (see [`reference::list`]).
pub fn catalogue() -> String {
    reference::list()
}
