//! `rmsprop`: PyTorch's RMSprop (not centred, no momentum), each coordinate's step scaled by a
//! moving average of its squared gradients.

use crate::keys::{Absent, Key, Range};
use crate::surface::Point;

use super::{eps, Form, Memory, Optimizer, OptimizerKind, StepInfo, LR, MAX_KEYS};

pub const KIND: OptimizerKind = OptimizerKind {
    name: "rmsprop",
    title: "RMSprop",
    doc: "RMSprop: each coordinate's step divided by the root of its recent squared gradients.",
    forms: &[Form {
        name: "",
        doc: "PyTorch (not centred, no momentum)",
        rule: "v = α·v + (1 − α)·g²; θ ← θ − lr·g/(√v + eps)",
        step,
    }],
    keys: &[LR, ALPHA, eps(1e-8)],
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

/// PyTorch's RMSprop.
pub fn new(lr: f64, alpha: f64, eps: f64) -> Optimizer {
    Optimizer::new(&KIND, "", &[lr, alpha, eps])
}

fn step(
    &[lr, alpha, eps, ..]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    gradient: &mut dyn FnMut(Point) -> Point,
) -> StepInfo {
    let g = gradient(theta);
    let mut position = theta;
    for i in 0..2 {
        m.second[i] = alpha * m.second[i] + (1.0 - alpha) * g[i] * g[i];
        let avg = m.second[i].sqrt() + eps;
        position[i] = theta[i] - lr * (g[i] / avg);
    }
    StepInfo {
        position,
        gradient_at: theta,
        gradient: g,
    }
}
