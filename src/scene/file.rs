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

/// A whole number, written `60` or `60.0`. Editors check scenes against the JSON Schema, where
/// 60.0 is an integer too; the checker accepts what the schema accepts. `60.5` is an error
/// ("expected a whole number").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Whole(pub i64);

impl<'de> Deserialize<'de> for Whole {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Whole;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a whole number")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Whole, E> {
                Ok(Whole(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Whole, E> {
                i64::try_from(v)
                    .map(Whole)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Whole, E> {
                // Whole and well inside i64 (2^62), so the conversion is exact.
                if v.fract() == 0.0 && v.abs() < 4.6e18 {
                    Ok(Whole(v as i64))
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Float(v), &self))
                }
            }
        }
        d.deserialize_any(Visitor)
    }
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
    pub size: Option<Spanned<Vec<Spanned<Whole>>>>,
    pub fps: Option<Spanned<f64>>,
    pub steps: Option<Spanned<Whole>>,
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
    pub levels: Option<Spanned<Whole>>,
    pub scale: Option<Spanned<String>>,
    pub charts: Option<Spanned<Vec<Spanned<String>>>>,
    pub overlays: Option<Spanned<Vec<Spanned<String>>>>,
    pub panels: Option<Spanned<String>>,
    pub aspect: Option<Spanned<String>>,
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
    pub seed: Option<Spanned<Whole>>,
}
