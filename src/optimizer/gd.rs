//! `gd`: plain gradient descent, θ ← θ − lr·g.

use crate::surface::Point;
use crate::theory::Method;

use super::{Form, Memory, Optimizer, OptimizerKind, QuadraticTheory, StepInfo, LR, MAX_KEYS};

pub const KIND: OptimizerKind = OptimizerKind {
    name: "gd",
    title: "GD",
    doc: "Gradient descent: a step down the gradient, with no memory.",
    forms: &[Form {
        name: "",
        doc: "",
        rule: "θ ← θ − lr·g",
        step,
    }],
    keys: &[LR],
    theory: Some(theory),
};

/// Gradient descent with learning rate `lr`.
pub fn new(lr: f64) -> Optimizer {
    Optimizer::new(&KIND, "", &[lr])
}

fn step(
    &[lr, ..]: &[f64; MAX_KEYS],
    _: &mut Memory,
    theta: Point,
    gradient: &mut dyn FnMut(Point) -> Point,
) -> StepInfo {
    let g = gradient(theta);
    let mut position = theta;
    for i in 0..2 {
        position[i] = theta[i] - lr * g[i];
    }
    StepInfo {
        position,
        gradient_at: theta,
        gradient: g,
    }
}

/// Heavy ball with β = 0.
fn theory(o: &Optimizer) -> QuadraticTheory {
    QuadraticTheory {
        method: Method::HeavyBall,
        lr: o.lr(),
        beta: 0.0,
    }
}
