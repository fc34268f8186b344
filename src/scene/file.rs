//! The raw scene file: what serde reads from TOML, before any checking.
//!
//! Every user-set value is wrapped in [`Spanned`] so that the checks in [`super`] can point at the
//! exact bytes of the offending value. Unknown keys are rejected here (`deny_unknown_fields`), which
//! gives the key's own span; [`super::diagnostic`] turns serde's message into a "did you mean" hint.
//! Nothing in this module knows what a valid value is: that is the job of [`super::Scene`].

use serde::Deserialize;
use toml::Spanned;

/// A number or a list of numbers; a list is a sweep (one run per value).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum NumberOrList {
    One(f64),
    Many(Vec<f64>),
}

/// The whole scene file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SceneFile {
    pub title: Option<Spanned<String>>,
    pub output: Option<Spanned<OutputTable>>,
    pub surface: Option<Spanned<SurfaceTable>>,
    pub draw: Option<Spanned<DrawTable>>,
    #[serde(default)]
    pub start: Vec<Spanned<StartTable>>,
    #[serde(default)]
    pub optimizer: Vec<Spanned<OptimizerTable>>,
}

/// `[output]`: file names, canvas and clock.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputTable {
    pub name: Option<Spanned<String>>,
    pub size: Option<Spanned<Vec<Spanned<i64>>>>,
    pub fps: Option<Spanned<f64>>,
    pub steps: Option<Spanned<i64>>,
    pub hold: Option<Spanned<f64>>,
}

/// `[surface]`: a built-in `kind` with its parameters, or a user `expr`, and the view window.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurfaceTable {
    pub kind: Option<Spanned<String>>,
    pub expr: Option<Spanned<String>>,
    pub a: Option<Spanned<f64>>,
    pub b: Option<Spanned<f64>>,
    pub angle: Option<Spanned<f64>>,
    pub center: Option<Spanned<Vec<f64>>>,
    pub tilt: Option<Spanned<f64>>,
    pub data: Option<Spanned<Vec<Spanned<Vec<f64>>>>>,
    pub data_file: Option<Spanned<String>>,
    pub minima: Option<Spanned<Vec<Spanned<Vec<f64>>>>>,
    pub x: Option<Spanned<Vec<f64>>>,
    pub y: Option<Spanned<Vec<f64>>>,
}

/// `[draw]`: how the surface is shown.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawTable {
    pub levels: Option<Spanned<i64>>,
    pub scale: Option<Spanned<String>>,
    pub charts: Option<Spanned<Vec<Spanned<String>>>>,
    pub overlays: Option<Spanned<Vec<Spanned<String>>>>,
    pub panels: Option<Spanned<String>>,
}

/// `[[start]]`: one start point.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartTable {
    pub at: Spanned<Vec<f64>>,
}

/// `[[optimizer]]`: one optimizer entry; any numeric hyper-parameter may be a sweep.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptimizerTable {
    pub label: Option<Spanned<String>>,
    pub kind: Spanned<String>,
    pub form: Option<Spanned<String>>,
    pub lr: Option<Spanned<NumberOrList>>,
    pub beta: Option<Spanned<NumberOrList>>,
    pub dampening: Option<Spanned<NumberOrList>>,
    pub beta1: Option<Spanned<NumberOrList>>,
    pub beta2: Option<Spanned<NumberOrList>>,
    pub alpha: Option<Spanned<NumberOrList>>,
    pub eps: Option<Spanned<NumberOrList>>,
    pub lr_decay: Option<Spanned<NumberOrList>>,
    pub noise: Option<Spanned<NoiseTable>>,
}

/// `noise = { std = 0.5, seed = 7 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoiseTable {
    pub std: Spanned<f64>,
    pub seed: Option<Spanned<i64>>,
}
