//! `adam`: torch's Adam, momentum on the gradient and RMSprop's scaling, both bias-corrected,
//! with coupled weight decay and AMSGrad.

use crate::surface::Point;

use super::{
    addcdiv, addcmul, eps, lerp, maximum, with_weight_decay, Form, Memory, Optimizer,
    OptimizerKind, Oracle, StepError, StepInfo, AMSGRAD, BETA1, BETA2, LR, MAX_KEYS, WEIGHT_DECAY,
};

pub const KIND: OptimizerKind = OptimizerKind {
    name: "adam",
    title: "Adam",
    doc: "Adam: a moving average of gradients, scaled per coordinate, both bias-corrected.",
    forms: &[Form {
        name: "",
        doc: "PyTorch (bias-corrected)",
        rule: "m = β₁m + (1 − β₁)g; v = β₂v + (1 − β₂)g²; \
               θ ← θ − lr/(1 − β₁ᵗ) · m/(√v/√(1 − β₂ᵗ) + eps) (amsgrad: max of the v so far \
               for v)",
        step,
    }],
    keys: &[LR, BETA1, BETA2, eps(1e-8), WEIGHT_DECAY, AMSGRAD],
    theory: None,
};

/// PyTorch's Adam.
pub fn new(lr: f64, beta1: f64, beta2: f64, eps: f64) -> Optimizer {
    with_options(lr, beta1, beta2, eps, 0.0, false)
}

/// PyTorch's Adam with every option.
pub fn with_options(
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

fn step(
    &[lr, beta1, beta2, eps, weight_decay, amsgrad]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    oracle: &mut dyn Oracle,
) -> Result<StepInfo, StepError> {
    let raw = oracle.gradient(theta);
    let g = with_weight_decay(raw, theta, weight_decay);
    let position = moments_and_step(theta, g, m, lr, beta1, beta2, eps, amsgrad != 0.0);
    Ok(StepInfo {
        position,
        gradient_at: theta,
        gradient: raw,
    })
}

/// The part of `_single_tensor_adam` after weight decay, shared with AdamW:
/// `exp_avg.lerp_(grad, 1 - beta1)`, `exp_avg_sq.mul_(beta2).addcmul_(grad, grad,
/// value=1 - beta2)`, `bias_correction1 = 1 - beta1 ** step` (likewise 2),
/// `step_size = lr / bias_correction1`, `bias_correction2_sqrt = sqrt(bias_correction2)`,
/// AMSGrad's `torch.maximum(max_exp_avg_sqs[i], exp_avg_sq)`,
/// `denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)` and
/// `param.addcdiv_(exp_avg, denom, value=-step_size)`. Returns the new θ.
#[allow(clippy::too_many_arguments)]
pub(super) fn moments_and_step(
    theta: Point,
    g: Point,
    m: &mut Memory,
    lr: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    amsgrad: bool,
) -> Point {
    let step = m.t as f64;
    let bias_correction1 = 1.0 - beta1.powf(step);
    let bias_correction2 = 1.0 - beta2.powf(step);
    let step_size = lr / bias_correction1;
    let bias_correction2_sqrt = bias_correction2.sqrt();
    let mut position = theta;
    for i in 0..2 {
        m.first[i] = lerp(m.first[i], g[i], 1.0 - beta1);
        m.second[i] = addcmul(m.second[i] * beta2, g[i], g[i], 1.0 - beta2);
        let second = if amsgrad {
            m.max_second[i] = maximum(m.max_second[i], m.second[i]);
            m.max_second[i]
        } else {
            m.second[i]
        };
        let denom = second.sqrt() / bias_correction2_sqrt + eps;
        position[i] = addcdiv(theta[i], m.first[i], denom, -step_size);
    }
    position
}
