//! `nadam`: torch's NAdam, Adam with Nesterov momentum and Dozat's momentum schedule
//! μ_t = β₁·(1 − ½·0.96^(t·momentum_decay)).

use crate::keys::{Absent, Key, Range};
use crate::surface::Point;

use super::{
    addcdiv, addcmul, eps, lerp, with_weight_decay, Form, Memory, Optimizer, OptimizerKind, Oracle,
    StepError, StepInfo, BETA1, BETA2, LR, MAX_KEYS, WEIGHT_DECAY,
};

pub const KIND: OptimizerKind = OptimizerKind {
    name: "nadam",
    title: "NAdam",
    doc: "NAdam: Adam whose momentum looks ahead as Nesterov's does, with a warming-up β₁.",
    forms: &[Form {
        name: "",
        doc: "PyTorch",
        rule: "μ_t = β₁(1 − ½·0.96^(t·momentum_decay)); m = β₁m + (1 − β₁)g; \
               v = β₂v + (1 − β₂)g²; d = √(v/(1 − β₂ᵗ)) + eps; \
               θ ← θ − lr(1 − μ_t)/(1 − μ₁⋯μ_t) · g/d − lr·μ_{t+1}/(1 − μ₁⋯μ_{t+1}) · m/d",
        step,
    }],
    keys: &[LR, BETA1, BETA2, eps(1e-8), WEIGHT_DECAY, MOMENTUM_DECAY],
    theory: None,
};

const MOMENTUM_DECAY: Key = Key::sweepable(
    "momentum_decay",
    "momentum decay",
    "How fast the momentum coefficient μ_t warms up to β₁.",
    Range::at_least(0.0),
    Absent::Number(0.004),
)
.named_when_set();

/// PyTorch's NAdam.
pub fn new(
    lr: f64,
    beta1: f64,
    beta2: f64,
    eps: f64,
    weight_decay: f64,
    momentum_decay: f64,
) -> Optimizer {
    Optimizer::new(
        &KIND,
        "",
        &[lr, beta1, beta2, eps, weight_decay, momentum_decay],
    )
}

/// `_single_tensor_nadam`: `bias_correction2 = 1 - beta2 ** step`; weight decay;
/// `mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))`, `mu_next` likewise at
/// step + 1; `mu_product *= mu`; `exp_avg.lerp_(grad, 1 - beta1)`;
/// `exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)`;
/// `denom = exp_avg_sq.div(bias_correction2).sqrt()`; `mu_product_next = mu_product * mu_next`;
/// `denom.add_(eps)`; `param.addcdiv_(grad, denom, value=(-lr * (1.0 - mu) / (1.0 -
/// mu_product)))`; `param.addcdiv_(exp_avg, denom, value=(-lr * mu_next) / (1.0 -
/// mu_product_next))`.
fn step(
    &[lr, beta1, beta2, eps, weight_decay, momentum_decay]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    oracle: &mut dyn Oracle,
) -> Result<StepInfo, StepError> {
    let raw = oracle.gradient(theta);
    let step = m.t as f64;
    let bias_correction2 = 1.0 - beta2.powf(step);
    let g = with_weight_decay(raw, theta, weight_decay);
    let mu = beta1 * (1.0 - 0.5 * 0.96f64.powf(step * momentum_decay));
    let mu_next = beta1 * (1.0 - 0.5 * 0.96f64.powf((step + 1.0) * momentum_decay));
    m.mu_product *= mu;
    let mu_product_next = m.mu_product * mu_next;
    let grad_value = -lr * (1.0 - mu) / (1.0 - m.mu_product);
    let avg_value = (-lr * mu_next) / (1.0 - mu_product_next);
    let mut position = theta;
    for i in 0..2 {
        m.first[i] = lerp(m.first[i], g[i], 1.0 - beta1);
        m.second[i] = addcmul(m.second[i] * beta2, g[i], g[i], 1.0 - beta2);
        let denom = (m.second[i] / bias_correction2).sqrt() + eps;
        position[i] = addcdiv(theta[i], g[i], denom, grad_value);
        position[i] = addcdiv(position[i], m.first[i], denom, avg_value);
    }
    Ok(StepInfo {
        position,
        gradient_at: theta,
        gradient: raw,
    })
}
