//! `adagrad`: torch's Adagrad, each coordinate's step scaled by its gradients' history.

use crate::keys::{Absent, Key, Range};
use crate::surface::Point;

use super::{
    addcdiv, addcmul, eps, with_weight_decay, Form, Memory, Optimizer, OptimizerKind, Oracle,
    StepError, StepInfo, LR, MAX_KEYS, WEIGHT_DECAY,
};

pub const KIND: OptimizerKind = OptimizerKind {
    name: "adagrad",
    title: "Adagrad",
    doc: "Adagrad: each coordinate's step shrinks with the sum of its squared gradients.",
    forms: &[Form {
        name: "",
        doc: "PyTorch",
        rule: "s = s + g² (s₀ = initial_accumulator_value); \
               θ ← θ − lr/(1 + (t − 1)·lr_decay) · g/(√s + eps)",
        step,
    }],
    keys: &[LR, eps(1e-10), LR_DECAY, WEIGHT_DECAY, INITIAL_ACCUMULATOR],
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

const INITIAL_ACCUMULATOR: Key = Key::sweepable(
    "initial_accumulator_value",
    "initial accumulator value",
    "Where the sum of squared gradients starts: a larger one makes the first steps shorter.",
    Range::at_least(0.0),
    Absent::Number(0.0),
)
.named_when_set();

/// PyTorch's Adagrad.
pub fn new(lr: f64, lr_decay: f64, eps: f64) -> Optimizer {
    Optimizer::new(&KIND, "", &[lr, eps, lr_decay, 0.0, 0.0])
}

/// PyTorch's Adagrad with every option: `Adagrad(lr, lr_decay, weight_decay,
/// initial_accumulator_value, eps)`.
pub fn with_options(
    lr: f64,
    lr_decay: f64,
    weight_decay: f64,
    initial_accumulator_value: f64,
    eps: f64,
) -> Optimizer {
    Optimizer::new(
        &KIND,
        "",
        &[lr, eps, lr_decay, weight_decay, initial_accumulator_value],
    )
}

/// `_single_tensor_adagrad`: weight decay, `clr = lr / (1 + (step - 1) * lr_decay)`,
/// `state_sum.addcmul_(grad, grad, value=1)`, `std = state_sum.sqrt().add_(eps)`,
/// `param.addcdiv_(grad, std, value=-clr)`.
fn step(
    &[lr, eps, lr_decay, weight_decay, initial, ..]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    oracle: &mut dyn Oracle,
) -> Result<StepInfo, StepError> {
    if m.t == 1 {
        // torch's state["sum"] = torch.full_like(p, initial_accumulator_value).
        m.second = [initial; 2];
    }
    let raw = oracle.gradient(theta);
    let g = with_weight_decay(raw, theta, weight_decay);
    let step = m.t as f64;
    let clr = lr / (1.0 + (step - 1.0) * lr_decay);
    let mut position = theta;
    for i in 0..2 {
        m.second[i] = addcmul(m.second[i], g[i], g[i], 1.0);
        let std = m.second[i].sqrt() + eps;
        position[i] = addcdiv(theta[i], g[i], std, -clr);
    }
    Ok(StepInfo {
        position,
        gradient_at: theta,
        gradient: raw,
    })
}
