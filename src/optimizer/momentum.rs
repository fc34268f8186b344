//! `momentum`: heavy-ball momentum in its three common conventions (PyTorch's buffer, the
//! exponential moving average, the physics texts' velocity).

use crate::keys::{Absent, Key, Range};
use crate::surface::Point;
use crate::theory::Method;

use super::{
    Form, Memory, Optimizer, OptimizerKind, QuadraticTheory, StepInfo, BETA, LR, MAX_KEYS,
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
                   θ ← θ − lr·buf",
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
    keys: &[LR, BETA, DAMPENING],
    theory: Some(theory),
};

/// PyTorch's dampening: the fraction of each new gradient left out of the buffer.
const DAMPENING: Key = Key::sweepable(
    "dampening",
    "dampening",
    "The fraction of each new gradient left out of the buffer.",
    Range::from_to(0.0, 1.0),
    Absent::Number(0.0),
)
.only_forms(&["pytorch"])
.named_when_set();

/// PyTorch's SGD with momentum.
pub fn pytorch(lr: f64, beta: f64, dampening: f64) -> Optimizer {
    Optimizer::new(&KIND, "pytorch", &[lr, beta, dampening])
}

/// The exponential-moving-average form.
pub fn ema(lr: f64, beta: f64) -> Optimizer {
    Optimizer::new(&KIND, "ema", &[lr, beta, 0.0])
}

/// The velocity form of physics texts.
pub fn velocity(lr: f64, beta: f64) -> Optimizer {
    Optimizer::new(&KIND, "velocity", &[lr, beta, 0.0])
}

fn pytorch_step(
    &[lr, beta, dampening, ..]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    gradient: &mut dyn FnMut(Point) -> Point,
) -> StepInfo {
    let g = gradient(theta);
    let mut position = theta;
    for i in 0..2 {
        let v = &mut m.first[i];
        *v = if m.t == 1 {
            g[i]
        } else {
            beta * *v + (1.0 - dampening) * g[i]
        };
        position[i] = theta[i] - lr * *v;
    }
    StepInfo {
        position,
        gradient_at: theta,
        gradient: g,
    }
}

fn ema_step(
    &[lr, beta, ..]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    gradient: &mut dyn FnMut(Point) -> Point,
) -> StepInfo {
    let g = gradient(theta);
    let mut position = theta;
    for i in 0..2 {
        let v = &mut m.first[i];
        *v = beta * *v + (1.0 - beta) * g[i];
        position[i] = theta[i] - lr * *v;
    }
    StepInfo {
        position,
        gradient_at: theta,
        gradient: g,
    }
}

fn velocity_step(
    &[lr, beta, ..]: &[f64; MAX_KEYS],
    m: &mut Memory,
    theta: Point,
    gradient: &mut dyn FnMut(Point) -> Point,
) -> StepInfo {
    let g = gradient(theta);
    let mut position = theta;
    for i in 0..2 {
        let v = &mut m.first[i];
        *v = beta * *v - lr * g[i];
        position[i] = theta[i] + *v;
    }
    StepInfo {
        position,
        gradient_at: theta,
        gradient: g,
    }
}

/// Every form is heavy ball: with v = −lr·buf the PyTorch form is the velocity form with
/// lr·(1 − dampening) (after its first step), and the EMA form is the PyTorch form with
/// dampening β.
fn theory(o: &Optimizer) -> QuadraticTheory {
    let beta = o.beta().unwrap_or(0.0);
    let lr = match o.form().name {
        "ema" => o.lr() * (1.0 - beta),
        "pytorch" => o.lr() * (1.0 - o.get("dampening").unwrap_or(0.0)),
        _ => o.lr(),
    };
    QuadraticTheory {
        method: Method::HeavyBall,
        lr,
        beta,
    }
}
