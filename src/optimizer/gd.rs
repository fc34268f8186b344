//! `gd`: plain gradient descent, θ ← θ − lr·g: torch's SGD without momentum.

use crate::keys::Named;
use crate::surface::Point;
use crate::theory::{self, Method};

use super::{
    add, with_weight_decay, Form, Memory, Optimizer, OptimizerKind, Oracle, QuadraticTheory,
    StepError, StepInfo, LR, MAX_KEYS, WEIGHT_DECAY,
};

pub const KIND: OptimizerKind = OptimizerKind {
    name: "gd",
    title: "GD",
    doc: "Gradient descent: a step down the gradient, with no memory.",
    forms: &[Form {
        name: "",
        doc: "torch's SGD with momentum 0",
        rule: "θ ← θ − lr·g",
        step,
    }],
    keys: &[LR.named(&[OPTIMAL_LR]), WEIGHT_DECAY],
    theory: Some(theory),
};

/// `lr = "optimal"`: the step that minimises gradient descent's worst-case rate on a convex
/// quadratic, 2/(λ_min + λ_max).
const OPTIMAL_LR: Named = Named {
    name: "optimal",
    doc: "Gradient descent's best learning rate 2/(λ_min + λ_max), rate (κ − 1)/(κ + 1).",
    value: |curvatures, _| theory::optimal_gd(curvatures).0,
};

/// Gradient descent with learning rate `lr`.
pub fn new(lr: f64) -> Optimizer {
    with_decay(lr, 0.0)
}

/// Gradient descent with learning rate `lr` and coupled weight decay.
pub fn with_decay(lr: f64, weight_decay: f64) -> Optimizer {
    Optimizer::new(&KIND, "", &[lr, weight_decay])
}

/// `_single_tensor_sgd` with momentum 0: `grad = grad.add(param, alpha=weight_decay)`, then
/// `param.add_(grad, alpha=-lr)`.
fn step(
    &[lr, weight_decay, ..]: &[f64; MAX_KEYS],
    _: &mut Memory,
    theta: Point,
    oracle: &mut dyn Oracle,
) -> Result<StepInfo, StepError> {
    let raw = oracle.gradient(theta);
    let g = with_weight_decay(raw, theta, weight_decay);
    let mut position = theta;
    for i in 0..2 {
        position[i] = add(theta[i], g[i], -lr);
    }
    Ok(StepInfo {
        position,
        gradient_at: theta,
        gradient: raw,
    })
}

/// Heavy ball with β = 0; weight decay adds to every curvature, which the charts' recurrence
/// on the surface's own curvatures does not describe.
fn theory(o: &Optimizer) -> Option<QuadraticTheory> {
    (o.get("weight_decay") == Some(0.0)).then(|| QuadraticTheory {
        method: Method::HeavyBall,
        lr: o.lr(),
        beta: 0.0,
    })
}
