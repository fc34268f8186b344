//! `adam`: PyTorch's Adam, momentum on the gradient and RMSprop's scaling, both bias-corrected.

use crate::keys::{Absent, Key, Range};
use crate::surface::Point;

use super::{eps, Form, Memory, Optimizer, OptimizerKind, StepInfo, LR, MAX_KEYS};

pub const KIND: OptimizerKind = OptimizerKind {
    name: "adam",
    title: "Adam",
    doc: "Adam: a moving average of gradients, scaled per coordinate, both bias-corrected.",
    forms: &[Form {
        name: "",
        doc: "PyTorch (bias-corrected)",
        rule: "m = β₁m + (1 − β₁)g; v = β₂v + (1 − β₂)g²; \
               θ ← θ − lr/(1 − β₁ᵗ) · m/(√v/√(1 − β₂ᵗ) + eps)",
        step,
    }],
    keys: &[LR, BETA1, BETA2, eps(1e-8)],
    theory: None,
};

const BETA1: Key = Key::sweepable(
    "beta1",
    "first-moment decay β₁",
    "The decay of the moving average of gradients.",
    Range::UNIT,
    Absent::Number(0.9),
)
.symbol("β₁");

const BETA2: Key = Key::sweepable(
    "beta2",
    "second-moment decay β₂",
    "The decay of the moving average of squared gradients.",
    Range::UNIT,
    Absent::Number(0.999),
)
.symbol("β₂");

/// PyTorch's Adam.
pub fn new(lr: f64, beta1: f64, beta2: f64, eps: f64) -> Optimizer {
    Optimizer::new(&KIND, "", &[lr, beta1, beta2, eps])
}

fn step(
    &[lr, beta1, beta2, eps]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    gradient: &mut dyn FnMut(Point) -> Point,
) -> StepInfo {
    let g = gradient(theta);
    let t = m.t as f64;
    let bias_correction1 = 1.0 - beta1.powf(t);
    let bias_correction2 = 1.0 - beta2.powf(t);
    let step_size = lr / bias_correction1;
    let mut position = theta;
    for i in 0..2 {
        m.first[i] = beta1 * m.first[i] + (1.0 - beta1) * g[i];
        m.second[i] = beta2 * m.second[i] + (1.0 - beta2) * g[i] * g[i];
        let denom = m.second[i].sqrt() / bias_correction2.sqrt() + eps;
        position[i] = theta[i] - step_size * (m.first[i] / denom);
    }
    StepInfo {
        position,
        gradient_at: theta,
        gradient: g,
    }
}
