//! `adamw`: torch's AdamW, Adam with decoupled weight decay: θ shrinks by lr·weight_decay of
//! itself at every step, apart from the gradient's scaling.

use crate::keys::{Absent, Key, Range};
use crate::surface::Point;

use super::adam::moments_and_step;
use super::{
    eps, Form, Memory, Optimizer, OptimizerKind, Oracle, StepError, StepInfo, AMSGRAD, BETA1,
    BETA2, LR, MAX_KEYS,
};

pub const KIND: OptimizerKind = OptimizerKind {
    name: "adamw",
    title: "AdamW",
    doc: "AdamW: Adam whose weight decay pulls θ toward 0 directly, not through the gradient.",
    forms: &[Form {
        name: "",
        doc: "PyTorch (decoupled weight decay)",
        rule: "θ ← θ·(1 − lr·weight_decay), g taken before; m = β₁m + (1 − β₁)g; \
               v = β₂v + (1 − β₂)g²; θ ← θ − lr/(1 − β₁ᵗ) · m/(√v/√(1 − β₂ᵗ) + eps) \
               (amsgrad: max of the v so far for v)",
        step,
    }],
    keys: &[LR, BETA1, BETA2, eps(1e-8), WEIGHT_DECAY, AMSGRAD],
    theory: None,
};

/// AdamW's decoupled weight decay, 0.01 by default as in torch.
const WEIGHT_DECAY: Key = Key::sweepable(
    "weight_decay",
    "weight decay",
    "Decoupled weight decay: θ ← θ·(1 − lr·weight_decay) at every step, before the Adam step.",
    Range::at_least(0.0),
    Absent::Number(0.01),
);

/// PyTorch's AdamW.
pub fn new(
    lr: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    amsgrad: bool,
) -> Optimizer {
    Optimizer::new(
        &KIND,
        "",
        &[
            lr,
            beta1,
            beta2,
            eps,
            weight_decay,
            f64::from(u8::from(amsgrad)),
        ],
    )
}

/// `_single_tensor_adamw` (`_single_tensor_adam` with `decoupled_weight_decay=True` in newer
/// torch): `param.mul_(1 - lr * weight_decay)`, then Adam's moments and step on the decayed θ
/// with the gradient taken before the decay.
fn step(
    &[lr, beta1, beta2, eps, weight_decay, amsgrad]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    oracle: &mut dyn Oracle,
) -> Result<StepInfo, StepError> {
    let g = oracle.gradient(theta);
    let shrink = 1.0 - lr * weight_decay;
    let decayed = [theta[0] * shrink, theta[1] * shrink];
    let position = moments_and_step(decayed, g, m, lr, beta1, beta2, eps, amsgrad != 0.0);
    Ok(StepInfo {
        position,
        gradient_at: theta,
        gradient: g,
    })
}
