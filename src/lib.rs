//! inertia: deterministic, fast pictures of optimizers on 2-D loss surfaces.
//!
//! The pipeline flows one way, one module per stage:
//!
//! 1. [`scene`]: a TOML scene file becomes a checked [`scene::Scene`] (all input errors are born
//!    here, located to file, line, column and key).
//! 2. [`trajectory`]: the scene's runs ([`optimizer`] rules on a [`surface`], their learning
//!    rates following a [`schedule`], their gradients from [`minibatch`]es on data) become
//!    [`trajectory::Trajectory`]s, computed in parallel.
//! 3. [`render`]: a scene and its trajectories become one [`picture::Picture`], the display list
//!    every backend reads: [`picture::frames`] animates it, [`picture::raster`] paints it,
//!    [`picture::svg`] writes it; [`figures`] makes the static charts as pictures too. All
//!    text is shaped by [`text`] from the embedded font (or the scene's own).
//! 4. [`encode`]: frames become files (GIF, PNG, CSV), written atomically by [`output`].
//!
//! [`memory`] is the global allocator `render` installs, which maps large buffers (canvases,
//! chunks of quantized GIF frames) on huge pages: it holds the crate's `unsafe` code, allowed
//! there alone. Every lock is taken through [`sync`], so a thread that panicked holding one
//! does not make it unusable.
//!
//! [`pipeline`] runs the stages for one scene. [`batch`] runs a build of many scenes into one
//! output folder (freshness against the [`manifest`], verification, single frames, the
//! [`gallery`], watching), telling its caller how it goes through [`report`]'s `Progress` and
//! what it did in a `Report`; every failure is an [`Error`] ([`error`]). The library never
//! prints: `src/main.rs` parses the command line into a [`batch::Batch`], shows its progress,
//! prints its report and maps errors to exit statuses.
//!
//! Each surface kind, optimizer kind, schedule kind, chart and overlay is declared once: a
//! surface or an optimizer in its own file under [`surface`] or [`optimizer`], a schedule in
//! [`schedule`], the scene's own keys and names
//! in [`scene::tables`], all described with [`keys`]. The scene checker, [`schema`] (the JSON
//! Schema), [`reference`](mod@reference) (`render --list`, the README's tables) and [`gallery`] read those
//! declarations and list nothing of their own.

// Denied everywhere but in `memory` (the allocator's system calls; see its header for the
// measurement).
#![deny(unsafe_code)]
// Errors are reported once per run; carrying them by value keeps their fields plain.
#![allow(clippy::result_large_err)]

pub mod batch;
pub mod caption;
pub mod encode;
pub mod error;
pub mod expr;
pub mod figures;
pub mod gallery;
pub mod input;
pub mod keys;
pub mod manifest;
pub mod memory;
pub mod minibatch;
pub mod noise;
pub mod optimizer;
pub mod output;
pub mod picture;
pub mod pipeline;
pub mod player;
pub mod reference;
pub mod render;
pub mod report;
pub mod scene;
pub mod schedule;
pub mod schema;
pub mod starter;
pub mod surface;
pub mod sync;
pub mod text;
pub mod theory;
pub mod trajectory;

pub use error::Error;

/// The built-in surfaces and optimizers with their formulas and keys, and the charts and
/// overlays, as `render --list` prints them (see [`reference::list`]).
pub fn catalogue() -> String {
    reference::list()
}
