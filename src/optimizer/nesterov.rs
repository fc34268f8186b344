//! `nesterov`: Nesterov's accelerated gradient as PyTorch writes it and as the look-ahead of
//! Sutskever et al.

use crate::surface::Point;
use crate::theory::Method;

use super::{
    Form, Memory, Optimizer, OptimizerKind, QuadraticTheory, StepInfo, BETA, LR, MAX_KEYS,
};

pub const KIND: OptimizerKind = OptimizerKind {
    name: "nesterov",
    title: "Nesterov",
    doc: "Nesterov's momentum: the gradient is taken where the velocity is about to carry θ.",
    forms: &[
        Form {
            name: "pytorch",
            doc: "SGD with `nesterov=True`",
            rule: "buf = g on the first step, then buf = β·buf + g; θ ← θ − lr·(g + β·buf)",
            step: pytorch_step,
        },
        Form {
            name: "lookahead",
            doc: "Sutskever et al.",
            rule: "v = β·v − lr·∇f(θ + β·v); θ ← θ + v (v₀ = 0)",
            step: lookahead_step,
        },
    ],
    keys: &[LR, BETA],
    theory: Some(theory),
};

/// PyTorch's SGD with `nesterov=True` (PyTorch requires zero dampening with Nesterov).
pub fn pytorch(lr: f64, beta: f64) -> Optimizer {
    Optimizer::new(&KIND, "pytorch", &[lr, beta])
}

/// The look-ahead form.
pub fn lookahead(lr: f64, beta: f64) -> Optimizer {
    Optimizer::new(&KIND, "lookahead", &[lr, beta])
}

fn pytorch_step(
    &[lr, beta, ..]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    gradient: &mut dyn FnMut(Point) -> Point,
) -> StepInfo {
    let g = gradient(theta);
    let mut position = theta;
    for i in 0..2 {
        let buf = &mut m.first[i];
        // PyTorch's β·buf + (1 − dampening)·g with dampening 0: multiplying by 1.0 is exact,
        // so the bits are PyTorch's.
        *buf = if m.t == 1 { g[i] } else { beta * *buf + g[i] };
        let update = g[i] + beta * *buf;
        position[i] = theta[i] - lr * update;
    }
    StepInfo {
        position,
        gradient_at: theta,
        gradient: g,
    }
}

fn lookahead_step(
    &[lr, beta, ..]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    gradient: &mut dyn FnMut(Point) -> Point,
) -> StepInfo {
    let v = m.first;
    let ahead = [theta[0] + beta * v[0], theta[1] + beta * v[1]];
    let g = gradient(ahead);
    let mut position = theta;
    for i in 0..2 {
        m.first[i] = beta * v[i] - lr * g[i];
        position[i] = theta[i] + m.first[i];
    }
    StepInfo {
        position,
        gradient_at: ahead,
        gradient: g,
    }
}

/// Both forms follow Nesterov's recurrence with the same lr and β (the PyTorch form's positions
/// are the look-ahead form's look-ahead points).
fn theory(o: &Optimizer) -> QuadraticTheory {
    QuadraticTheory {
        method: Method::Nesterov,
        lr: o.lr(),
        beta: o.beta().unwrap_or(0.0),
    }
}
