//! Optimizers and their update rules, each following one named, documented convention.
//!
//! An [`Optimizer`] is a fully specified rule (every hyper-parameter a number, sweeps already
//! expanded); [`OptimizerState`] is what it carries from step to step. A new optimizer is a new
//! [`Optimizer`] variant, its arm in [`OptimizerState::step`], its entry in [`OPTIMIZER_KINDS`],
//! and its keys in the scene checker.
//!
//! All arithmetic is f64 and written in the same order as the reference implementation it names
//! (PyTorch's `torch.optim` for `pytorch` forms, Adagrad, RMSprop and Adam), so results agree with
//! that reference to the last bits on the same inputs.

use crate::surface::Point;

/// Which of the three common heavy-ball conventions a `momentum` run follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MomentumForm {
    /// PyTorch's SGD: buf = g on the first step, then buf = β·buf + (1 − dampening)·g;
    /// θ ← θ − lr·buf.
    Pytorch,
    /// Exponential moving average: v = β·v + (1 − β)·g; θ ← θ − lr·v (v₀ = 0).
    Ema,
    /// Velocity (Polyak's heavy ball as in physics texts): v = β·v − lr·g; θ ← θ + v (v₀ = 0).
    Velocity,
}

/// Which Nesterov convention a `nesterov` run follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NesterovForm {
    /// PyTorch's SGD with `nesterov=True`: buf as in [`MomentumForm::Pytorch`], then
    /// θ ← θ − lr·(g + β·buf).
    Pytorch,
    /// Look-ahead (Sutskever et al.): v = β·v − lr·∇f(θ + β·v); θ ← θ + v (v₀ = 0).
    Lookahead,
}

/// A fully specified optimizer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Optimizer {
    /// Gradient descent: θ ← θ − lr·g.
    Gd { lr: f64 },
    Momentum {
        lr: f64,
        beta: f64,
        /// Only used by the PyTorch form.
        dampening: f64,
        form: MomentumForm,
    },
    Nesterov {
        lr: f64,
        beta: f64,
        /// Only used by the PyTorch form (PyTorch requires 0 with Nesterov; so do we).
        dampening: f64,
        form: NesterovForm,
    },
    /// PyTorch's Adagrad: sum += g²; clr = lr / (1 + (t − 1)·lr_decay);
    /// θ ← θ − clr·g / (√sum + eps).
    Adagrad { lr: f64, lr_decay: f64, eps: f64 },
    /// PyTorch's RMSprop (not centred, no momentum): v = α·v + (1 − α)·g²;
    /// θ ← θ − lr·g / (√v + eps).
    Rmsprop { lr: f64, alpha: f64, eps: f64 },
    /// PyTorch's Adam: m = β₁·m + (1 − β₁)·g; v = β₂·v + (1 − β₂)·g²;
    /// θ ← θ − (lr / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + eps).
    Adam {
        lr: f64,
        beta1: f64,
        beta2: f64,
        eps: f64,
    },
}

/// The name, conventions and keys of an optimizer kind, for `render --list` and the README.
#[derive(Debug, Clone, Copy)]
pub struct OptimizerKind {
    pub name: &'static str,
    /// `(form, update rule)`; the first form is the default.
    pub forms: &'static [(&'static str, &'static str)],
    /// Keys with their defaults, as `key = default` (`lr` is always required).
    pub parameters: &'static str,
}

/// Every optimizer kind, in the order `render --list` shows them.
pub const OPTIMIZER_KINDS: &[OptimizerKind] = &[
    OptimizerKind {
        name: "gd",
        forms: &[("", "θ ← θ − lr·g")],
        parameters: "lr",
    },
    OptimizerKind {
        name: "momentum",
        forms: &[
            (
                "pytorch",
                "buf = g (first step), then buf = β·buf + (1 − dampening)·g; θ ← θ − lr·buf",
            ),
            ("ema", "v = β·v + (1 − β)·g; θ ← θ − lr·v"),
            ("velocity", "v = β·v − lr·g; θ ← θ + v"),
        ],
        parameters: "lr, beta = 0.9, dampening = 0 (pytorch form only)",
    },
    OptimizerKind {
        name: "nesterov",
        forms: &[
            (
                "pytorch",
                "buf as in momentum/pytorch; θ ← θ − lr·(g + β·buf)",
            ),
            (
                "lookahead",
                "v = β·v − lr·∇f(θ + β·v); θ ← θ + v",
            ),
        ],
        parameters: "lr, beta = 0.9",
    },
    OptimizerKind {
        name: "adagrad",
        forms: &[(
            "",
            "s = s + g²; θ ← θ − lr/(1 + (t−1)·lr_decay)·g/(√s + eps)",
        )],
        parameters: "lr, lr_decay = 0, eps = 1e-10",
    },
    OptimizerKind {
        name: "rmsprop",
        forms: &[("", "v = α·v + (1 − α)·g²; θ ← θ − lr·g/(√v + eps)")],
        parameters: "lr, alpha = 0.99, eps = 1e-8",
    },
    OptimizerKind {
        name: "adam",
        forms: &[(
            "",
            "m = β₁·m + (1 − β₁)·g; v = β₂·v + (1 − β₂)·g²; θ ← θ − lr/(1 − β₁ᵗ)·m/(√v/√(1 − β₂ᵗ) + eps)",
        )],
        parameters: "lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8",
    },
];

/// What one step did: the new position and where the gradient was taken.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepInfo {
    /// θ after the step.
    pub position: Point,
    /// The point the gradient was evaluated at (θ itself, or the look-ahead point).
    pub gradient_at: Point,
    /// The (possibly noisy) gradient that was used.
    pub gradient: Point,
}

/// The state an optimizer carries between steps, per coordinate.
#[derive(Debug, Clone, PartialEq)]
pub struct OptimizerState {
    optimizer: Optimizer,
    /// Steps taken so far (t in the formulas is `steps + 1` during a step).
    steps: u64,
    /// Momentum buffer / velocity / first moment.
    first: Point,
    /// Second moment / squared-gradient sum.
    second: Point,
}

impl OptimizerState {
    pub fn new(optimizer: Optimizer) -> Self {
        OptimizerState {
            optimizer,
            steps: 0,
            first: [0.0; 2],
            second: [0.0; 2],
        }
    }

    /// The velocity-like state: the momentum buffer, the velocity or Adam's first moment.
    pub fn velocity(&self) -> Point {
        self.first
    }

    /// Takes one step from `theta`. `gradient` returns the gradient at a point (the caller adds
    /// noise there, so that noisy runs see noise wherever the gradient is taken).
    pub fn step(&mut self, theta: Point, mut gradient: impl FnMut(Point) -> Point) -> StepInfo {
        let first_step = self.steps == 0;
        self.steps += 1;
        let t = self.steps as f64;
        let mut out = StepInfo {
            position: theta,
            gradient_at: theta,
            gradient: [0.0; 2],
        };
        match self.optimizer {
            Optimizer::Gd { lr } => {
                let g = gradient(theta);
                out.gradient = g;
                for i in 0..2 {
                    out.position[i] = theta[i] - lr * g[i];
                }
            }
            Optimizer::Momentum {
                lr,
                beta,
                dampening,
                form,
            } => {
                let g = gradient(theta);
                out.gradient = g;
                for i in 0..2 {
                    let v = &mut self.first[i];
                    match form {
                        MomentumForm::Pytorch => {
                            *v = if first_step {
                                g[i]
                            } else {
                                beta * *v + (1.0 - dampening) * g[i]
                            };
                            out.position[i] = theta[i] - lr * *v;
                        }
                        MomentumForm::Ema => {
                            *v = beta * *v + (1.0 - beta) * g[i];
                            out.position[i] = theta[i] - lr * *v;
                        }
                        MomentumForm::Velocity => {
                            *v = beta * *v - lr * g[i];
                            out.position[i] = theta[i] + *v;
                        }
                    }
                }
            }
            Optimizer::Nesterov {
                lr,
                beta,
                dampening,
                form,
            } => match form {
                NesterovForm::Pytorch => {
                    let g = gradient(theta);
                    out.gradient = g;
                    for i in 0..2 {
                        let buf = &mut self.first[i];
                        *buf = if first_step {
                            g[i]
                        } else {
                            beta * *buf + (1.0 - dampening) * g[i]
                        };
                        let update = g[i] + beta * *buf;
                        out.position[i] = theta[i] - lr * update;
                    }
                }
                NesterovForm::Lookahead => {
                    let v = self.first;
                    let ahead = [theta[0] + beta * v[0], theta[1] + beta * v[1]];
                    let g = gradient(ahead);
                    out.gradient = g;
                    out.gradient_at = ahead;
                    for i in 0..2 {
                        self.first[i] = beta * v[i] - lr * g[i];
                        out.position[i] = theta[i] + self.first[i];
                    }
                }
            },
            Optimizer::Adagrad { lr, lr_decay, eps } => {
                let g = gradient(theta);
                out.gradient = g;
                let clr = lr / (1.0 + (t - 1.0) * lr_decay);
                for i in 0..2 {
                    self.second[i] += g[i] * g[i];
                    let std = self.second[i].sqrt() + eps;
                    out.position[i] = theta[i] - clr * (g[i] / std);
                }
            }
            Optimizer::Rmsprop { lr, alpha, eps } => {
                let g = gradient(theta);
                out.gradient = g;
                for i in 0..2 {
                    self.second[i] = alpha * self.second[i] + (1.0 - alpha) * g[i] * g[i];
                    let avg = self.second[i].sqrt() + eps;
                    out.position[i] = theta[i] - lr * (g[i] / avg);
                }
            }
            Optimizer::Adam {
                lr,
                beta1,
                beta2,
                eps,
            } => {
                let g = gradient(theta);
                out.gradient = g;
                let bias_correction1 = 1.0 - beta1.powf(t);
                let bias_correction2 = 1.0 - beta2.powf(t);
                let step_size = lr / bias_correction1;
                for i in 0..2 {
                    self.first[i] = beta1 * self.first[i] + (1.0 - beta1) * g[i];
                    self.second[i] = beta2 * self.second[i] + (1.0 - beta2) * g[i] * g[i];
                    let denom = self.second[i].sqrt() / bias_correction2.sqrt() + eps;
                    out.position[i] = theta[i] - step_size * (self.first[i] / denom);
                }
            }
        }
        out
    }
}

impl Optimizer {
    /// The learning rate.
    pub fn lr(&self) -> f64 {
        match *self {
            Optimizer::Gd { lr }
            | Optimizer::Momentum { lr, .. }
            | Optimizer::Nesterov { lr, .. }
            | Optimizer::Adagrad { lr, .. }
            | Optimizer::Rmsprop { lr, .. }
            | Optimizer::Adam { lr, .. } => lr,
        }
    }

    /// The momentum coefficient β, for the kinds that have one.
    pub fn beta(&self) -> Option<f64> {
        match *self {
            Optimizer::Momentum { beta, .. } | Optimizer::Nesterov { beta, .. } => Some(beta),
            _ => None,
        }
    }
}
