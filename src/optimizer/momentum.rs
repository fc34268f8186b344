//! `momentum`: heavy-ball momentum in its three common conventions (torch's buffer, the
//! exponential moving average, the physics texts' velocity).

use crate::keys::{Absent, Key, Named, Range};
use crate::surface::Point;
use crate::theory::{self, Method};

use super::{
    add, with_weight_decay, Form, Memory, Optimizer, OptimizerKind, Oracle, QuadraticTheory,
    StepError, StepInfo, BETA, LR, MAX_KEYS, WEIGHT_DECAY,
};

pub const KIND: OptimizerKind = OptimizerKind {
    name: "momentum",
    title: "Momentum",
    doc: "Heavy-ball momentum: steps build up speed along directions the gradient keeps.",
    forms: &[
        Form {
            name: "pytorch",
            doc: "PyTorch's SGD",
            rule: "buf = g on the first step, then buf = β·buf + (1 − dampening)·g; \
                   θ ← θ − lr·buf (β = 0: no buffer, θ ← θ − lr·g)",
            step: pytorch_step,
        },
        Form {
            name: "ema",
            doc: "the exponential moving average with (1 − β)",
            rule: "v = β·v + (1 − β)·g; θ ← θ − lr·v (v₀ = 0)",
            step: ema_step,
        },
        Form {
            name: "velocity",
            doc: "the heavy ball of physics texts",
            rule: "v = β·v − lr·g; θ ← θ + v (v₀ = 0)",
            step: velocity_step,
        },
    ],
    keys: &[
        LR.named(&[POLYAK_LR]),
        BETA.named(&[POLYAK_BETA]),
        DAMPENING,
        WEIGHT_DECAY,
    ],
    theory: Some(theory),
};

/// `lr = "polyak"`: Polyak's optimal heavy-ball learning rate. The EMA form's steps are (1 − β)
/// times the others' for the same lr, so its rate is the optimum divided by (1 − β*).
const POLYAK_LR: Named = Named {
    name: "polyak",
    doc: "Polyak's optimal heavy-ball learning rate 4/(√λ_max + √λ_min)² (divided by 1 − β* \
          in the ema form, which moves like it).",
    value: |curvatures, form| {
        let (lr, beta, _) = theory::optimal_heavy_ball(curvatures);
        if form == "ema" {
            lr / (1.0 - beta)
        } else {
            lr
        }
    },
};

/// `beta = "polyak"`: Polyak's optimal momentum.
const POLYAK_BETA: Named = Named {
    name: "polyak",
    doc: "Polyak's optimal momentum β* = ((√κ − 1)/(√κ + 1))², κ = λ_max/λ_min.",
    value: |curvatures, _| theory::optimal_heavy_ball(curvatures).1,
};

/// PyTorch's dampening: the fraction of each new gradient left out of the buffer.
const DAMPENING: Key = Key::sweepable(
    "dampening",
    "dampening",
    "The fraction of each new gradient left out of the buffer (none on the first step, and \
     none at β = 0, where torch keeps no buffer).",
    Range::from_to(0.0, 1.0),
    Absent::Number(0.0),
)
.only_forms(&["pytorch"])
.named_when_set();

/// PyTorch's SGD with momentum.
pub fn pytorch(lr: f64, beta: f64, dampening: f64) -> Optimizer {
    Optimizer::new(&KIND, "pytorch", &[lr, beta, dampening, 0.0])
}

/// PyTorch's SGD with momentum and coupled weight decay.
pub fn pytorch_with_decay(lr: f64, beta: f64, dampening: f64, weight_decay: f64) -> Optimizer {
    Optimizer::new(&KIND, "pytorch", &[lr, beta, dampening, weight_decay])
}

/// The exponential-moving-average form.
pub fn ema(lr: f64, beta: f64) -> Optimizer {
    Optimizer::new(&KIND, "ema", &[lr, beta, 0.0, 0.0])
}

/// The velocity form of physics texts.
pub fn velocity(lr: f64, beta: f64) -> Optimizer {
    Optimizer::new(&KIND, "velocity", &[lr, beta, 0.0, 0.0])
}

/// `_single_tensor_sgd`: with momentum ≠ 0 the buffer is a clone of g on the first step, then
/// `buf.mul_(momentum).add_(grad, alpha=1 - dampening)`; with momentum 0 there is no buffer
/// at all (plain SGD, whatever the dampening). Then `param.add_(grad, alpha=-lr)`.
fn pytorch_step(
    &[lr, beta, dampening, weight_decay, ..]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    oracle: &mut dyn Oracle,
) -> Result<StepInfo, StepError> {
    let raw = oracle.gradient(theta);
    let mut g = with_weight_decay(raw, theta, weight_decay);
    let mut position = theta;
    for i in 0..2 {
        if beta != 0.0 {
            let buf = &mut m.first[i];
            *buf = if m.t == 1 {
                g[i]
            } else {
                add(*buf * beta, g[i], 1.0 - dampening)
            };
            g[i] = *buf;
        }
        position[i] = add(theta[i], g[i], -lr);
    }
    Ok(StepInfo {
        position,
        gradient_at: theta,
        gradient: raw,
    })
}

fn ema_step(
    &[lr, beta, _, weight_decay, ..]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    oracle: &mut dyn Oracle,
) -> Result<StepInfo, StepError> {
    let raw = oracle.gradient(theta);
    let g = with_weight_decay(raw, theta, weight_decay);
    let mut position = theta;
    for i in 0..2 {
        let v = &mut m.first[i];
        *v = beta * *v + (1.0 - beta) * g[i];
        position[i] = theta[i] - lr * *v;
    }
    Ok(StepInfo {
        position,
        gradient_at: theta,
        gradient: raw,
    })
}

fn velocity_step(
    &[lr, beta, _, weight_decay, ..]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    oracle: &mut dyn Oracle,
) -> Result<StepInfo, StepError> {
    let raw = oracle.gradient(theta);
    let g = with_weight_decay(raw, theta, weight_decay);
    let mut position = theta;
    for i in 0..2 {
        let v = &mut m.first[i];
        *v = beta * *v - lr * g[i];
        position[i] = theta[i] + *v;
    }
    Ok(StepInfo {
        position,
        gradient_at: theta,
        gradient: raw,
    })
}

/// Every form is heavy ball: with v = −lr·buf the PyTorch form is the velocity form with
/// lr·(1 − dampening) (after its first step; at β = 0 it is plain gradient descent), and the
/// EMA form is the PyTorch form with dampening β. Weight decay adds to every curvature, which
/// the charts' recurrence on the surface's own curvatures does not describe.
fn theory(o: &Optimizer) -> Option<QuadraticTheory> {
    if o.get("weight_decay") != Some(0.0) {
        return None;
    }
    let beta = o.beta().unwrap_or(0.0);
    let lr = match o.form().name {
        "ema" => o.lr() * (1.0 - beta),
        "pytorch" if beta != 0.0 => o.lr() * (1.0 - o.get("dampening").unwrap_or(0.0)),
        _ => o.lr(),
    };
    Some(QuadraticTheory {
        method: Method::HeavyBall,
        lr,
        beta,
    })
}
