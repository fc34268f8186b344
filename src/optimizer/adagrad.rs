//! `adagrad`: PyTorch's Adagrad, each coordinate's step scaled by its gradients' history.

use crate::keys::{Absent, Key, Range};
use crate::surface::Point;

use super::{eps, Form, Memory, Optimizer, OptimizerKind, StepInfo, LR, MAX_KEYS};

pub const KIND: OptimizerKind = OptimizerKind {
    name: "adagrad",
    title: "Adagrad",
    doc: "Adagrad: each coordinate's step shrinks with the sum of its squared gradients.",
    forms: &[Form {
        name: "",
        doc: "PyTorch",
        rule: "s = s + g²; θ ← θ − lr/(1 + (t − 1)·lr_decay) · g/(√s + eps)",
        step,
    }],
    keys: &[LR, eps(1e-10), LR_DECAY],
    theory: None,
};

const LR_DECAY: Key = Key::sweepable(
    "lr_decay",
    "learning-rate decay",
    "How fast the learning rate decays with the step number.",
    Range::at_least(0.0),
    Absent::Number(0.0),
)
.named_when_set();

/// PyTorch's Adagrad.
pub fn new(lr: f64, lr_decay: f64, eps: f64) -> Optimizer {
    Optimizer::new(&KIND, "", &[lr, eps, lr_decay])
}

fn step(
    &[lr, eps, lr_decay, ..]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    gradient: &mut dyn FnMut(Point) -> Point,
) -> StepInfo {
    let g = gradient(theta);
    let t = m.t as f64;
    let clr = lr / (1.0 + (t - 1.0) * lr_decay);
    let mut position = theta;
    for i in 0..2 {
        m.second[i] += g[i] * g[i];
        let std = m.second[i].sqrt() + eps;
        position[i] = theta[i] - clr * (g[i] / std);
    }
    StepInfo {
        position,
        gradient_at: theta,
        gradient: g,
    }
}
