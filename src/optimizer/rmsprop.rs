//! `rmsprop`: torch's RMSprop, each coordinate's step divided by the root of a moving average
//! of its squared gradients (optionally centred, optionally with momentum).

use crate::keys::{Absent, Key, Range};
use crate::surface::Point;

use super::{
    add, addcdiv, addcmul, eps, lerp, with_weight_decay, Form, Memory, Optimizer, OptimizerKind,
    Oracle, StepError, StepInfo, LR, MAX_KEYS, WEIGHT_DECAY,
};

pub const KIND: OptimizerKind = OptimizerKind {
    name: "rmsprop",
    title: "RMSprop",
    doc: "RMSprop: each coordinate's step divided by the root of its recent squared gradients.",
    forms: &[Form {
        name: "",
        doc: "PyTorch",
        rule: "v = α·v + (1 − α)·g²; d = √v + eps (centered: a = α·a + (1 − α)·g, \
               d = √(v − a²) + eps); θ ← θ − lr·g/d (momentum μ > 0: b = μ·b + g/d, \
               θ ← θ − lr·b)",
        step,
    }],
    keys: &[LR, ALPHA, eps(1e-8), WEIGHT_DECAY, MOMENTUM, CENTERED],
    theory: None,
};

const ALPHA: Key = Key::sweepable(
    "alpha",
    "smoothing constant α",
    "The decay of the moving average of squared gradients.",
    Range::UNIT,
    Absent::Number(0.99),
)
.symbol("α");

const MOMENTUM: Key = Key::sweepable(
    "momentum",
    "momentum μ",
    "Momentum on the scaled steps (0: none).",
    Range::UNIT,
    Absent::Number(0.0),
)
.symbol("μ")
.named_when_set();

const CENTERED: Key = Key::flag(
    "centered",
    "centred flag",
    "Centred RMSprop: divide by an estimate of the gradients' standard deviation (the mean \
     square minus the squared mean) instead of their root mean square.",
    false,
)
.named_when_set();

/// PyTorch's RMSprop (not centred, no momentum, no weight decay).
pub fn new(lr: f64, alpha: f64, eps: f64) -> Optimizer {
    with_options(lr, alpha, eps, 0.0, 0.0, false)
}

/// PyTorch's RMSprop with every option.
pub fn with_options(
    lr: f64,
    alpha: f64,
    eps: f64,
    weight_decay: f64,
    momentum: f64,
    centered: bool,
) -> Optimizer {
    Optimizer::new(
        &KIND,
        "",
        &[
            lr,
            alpha,
            eps,
            weight_decay,
            momentum,
            f64::from(u8::from(centered)),
        ],
    )
}

/// `_single_tensor_rmsprop`: weight decay; `square_avg.mul_(alpha).addcmul_(grad, grad,
/// value=1 - alpha)`; centred: `grad_avg.lerp_(grad, 1 - alpha)` and
/// `avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()`, else
/// `avg = square_avg.sqrt()`; `avg.add_(eps)`; with momentum > 0
/// `buf.mul_(momentum).addcdiv_(grad, avg)` and `param.add_(buf, alpha=-lr)`, else
/// `param.addcdiv_(grad, avg, value=-lr)`.
fn step(
    &[lr, alpha, eps, weight_decay, momentum, centered]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    oracle: &mut dyn Oracle,
) -> Result<StepInfo, StepError> {
    let raw = oracle.gradient(theta);
    let g = with_weight_decay(raw, theta, weight_decay);
    let mut position = theta;
    for i in 0..2 {
        m.second[i] = addcmul(m.second[i] * alpha, g[i], g[i], 1.0 - alpha);
        let avg = if centered != 0.0 {
            m.grad_avg[i] = lerp(m.grad_avg[i], g[i], 1.0 - alpha);
            addcmul(m.second[i], m.grad_avg[i], m.grad_avg[i], -1.0).sqrt()
        } else {
            m.second[i].sqrt()
        } + eps;
        position[i] = if momentum > 0.0 {
            m.buffer[i] = addcdiv(m.buffer[i] * momentum, g[i], avg, 1.0);
            add(theta[i], m.buffer[i], -lr)
        } else {
            addcdiv(theta[i], g[i], avg, -lr)
        };
    }
    Ok(StepInfo {
        position,
        gradient_at: theta,
        gradient: raw,
    })
}
