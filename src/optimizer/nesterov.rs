//! `nesterov`: Nesterov's accelerated gradient as PyTorch writes it and as the look-ahead of
//! Sutskever et al.

use crate::keys::{Absent, Bound, Key, Named, Range};
use crate::surface::Point;
use crate::theory::{self, Method};

use super::{
    add, with_weight_decay, Form, Memory, Optimizer, OptimizerKind, Oracle, QuadraticTheory,
    StepError, StepInfo, LR, MAX_KEYS, WEIGHT_DECAY,
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
            rule: "v = β·v − lr·g(θ + β·v); θ ← θ + v (v₀ = 0)",
            step: lookahead_step,
        },
    ],
    keys: &[LR.named(&[OPTIMAL_LR]), BETA, DAMPENING, WEIGHT_DECAY],
    theory: Some(theory),
};

/// Nesterov's β: torch's SGD refuses `nesterov=True` without momentum, and at β = 0 both forms
/// are plain gradient descent.
const BETA: Key = Key::sweepable(
    "beta",
    "momentum β",
    "The momentum: the fraction of the velocity kept from step to step.",
    Range {
        min: Bound::Exclusive(0.0),
        max: Bound::Exclusive(1.0),
    },
    Absent::Number(0.9),
)
.symbol("β")
.named(&[OPTIMAL_BETA])
.why(
    "torch's SGD refuses nesterov=True without momentum (\"Nesterov momentum requires a \
     momentum and zero dampening\"); for plain gradient descent use kind = \"gd\"",
);

/// `lr = "optimal"`: Nesterov's classical step for an L-smooth, μ-strongly convex function.
const OPTIMAL_LR: Named = Named {
    name: "optimal",
    doc: "Nesterov's learning rate 1/L = 1/λ_max.",
    value: |curvatures, _| theory::optimal_nesterov(curvatures).0,
};

/// `beta = "optimal"`: Nesterov's classical momentum for that step.
const OPTIMAL_BETA: Named = Named {
    name: "optimal",
    doc: "Nesterov's momentum (√κ − 1)/(√κ + 1), κ = λ_max/λ_min.",
    value: |curvatures, _| theory::optimal_nesterov(curvatures).1,
};

/// torch's SGD takes a dampening with `nesterov=True` only when it is 0.
const DAMPENING: Key = Key::sweepable(
    "dampening",
    "dampening",
    "torch's dampening, which Nesterov momentum requires to be 0.",
    Range::from_to(0.0, 0.0),
    Absent::Number(0.0),
)
.only_forms(&["pytorch"])
.named_when_set()
.why(
    "torch's SGD refuses nesterov=True with dampening (\"Nesterov momentum requires a momentum \
     and zero dampening\"); for a damped buffer use kind = \"momentum\"",
);

/// PyTorch's SGD with `nesterov=True`.
pub fn pytorch(lr: f64, beta: f64) -> Optimizer {
    Optimizer::new(&KIND, "pytorch", &[lr, beta, 0.0, 0.0])
}

/// PyTorch's SGD with `nesterov=True` and coupled weight decay.
pub fn pytorch_with_decay(lr: f64, beta: f64, weight_decay: f64) -> Optimizer {
    Optimizer::new(&KIND, "pytorch", &[lr, beta, 0.0, weight_decay])
}

/// The look-ahead form.
pub fn lookahead(lr: f64, beta: f64) -> Optimizer {
    Optimizer::new(&KIND, "lookahead", &[lr, beta, 0.0, 0.0])
}

/// `_single_tensor_sgd` with `nesterov=True`: the buffer as for momentum, then
/// `grad = grad.add(buf, alpha=momentum)` and `param.add_(grad, alpha=-lr)`.
fn pytorch_step(
    &[lr, beta, dampening, weight_decay, ..]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    oracle: &mut dyn Oracle,
) -> Result<StepInfo, StepError> {
    let raw = oracle.gradient(theta);
    let g = with_weight_decay(raw, theta, weight_decay);
    let mut position = theta;
    for i in 0..2 {
        let buf = &mut m.first[i];
        *buf = if m.t == 1 {
            g[i]
        } else {
            add(*buf * beta, g[i], 1.0 - dampening)
        };
        let update = add(g[i], *buf, beta);
        position[i] = add(theta[i], update, -lr);
    }
    Ok(StepInfo {
        position,
        gradient_at: theta,
        gradient: raw,
    })
}

fn lookahead_step(
    &[lr, beta, _, weight_decay, ..]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    oracle: &mut dyn Oracle,
) -> Result<StepInfo, StepError> {
    let v = m.first;
    let ahead = [theta[0] + beta * v[0], theta[1] + beta * v[1]];
    let raw = oracle.gradient(ahead);
    let g = with_weight_decay(raw, ahead, weight_decay);
    let mut position = theta;
    for i in 0..2 {
        m.first[i] = beta * v[i] - lr * g[i];
        position[i] = theta[i] + m.first[i];
    }
    Ok(StepInfo {
        position,
        gradient_at: ahead,
        gradient: raw,
    })
}

/// Both forms follow Nesterov's recurrence with the same lr and β (the PyTorch form's positions
/// are the look-ahead form's look-ahead points); weight decay shifts every curvature, which the
/// charts' recurrence on the surface's own curvatures does not describe.
fn theory(o: &Optimizer) -> Option<QuadraticTheory> {
    (o.get("weight_decay") == Some(0.0)).then(|| QuadraticTheory {
        method: Method::Nesterov,
        lr: o.lr(),
        beta: o.beta().unwrap_or(0.0),
    })
}
