//! The rules against an independent transcription of torch's optimizers.
//!
//! Below, torch's single-tensor code paths (`torch/optim/sgd.py` `_single_tensor_sgd`,
//! `adagrad.py` `_single_tensor_adagrad`, `rmsprop.py` `_single_tensor_rmsprop`, `adam.py`
//! `_single_tensor_adam` with `decoupled_weight_decay` for AdamW, `nadam.py`
//! `_single_tensor_nadam`) and `lr_scheduler.py`'s `_get_closed_form_lr` are transcribed line by
//! line, as close to the Python as Rust allows: a parameter is a float64 tensor of two elements
//! whose in-place methods compute what ATen's CPU kernels compute (`add_(t, alpha)` is
//! self + alpha·t, `addcmul_` self + (value·t1)·t2, `addcdiv_` self + (value·t1)/t2, `lerp_`
//! ATen's two-formula lerp), and the Python scalars are f64 (`x ** y` is C's `pow`). Each rule
//! then runs 300 steps from the same start on several surfaces, with the same exact gradients,
//! beside inertia's, and the largest difference of the parameters is measured and printed
//! (`cargo test --test torch_transcription -- --nocapture`): it is zero, the parameters agree
//! to the bit. Newton's method, which torch does not have, is compared with a solve by LU with
//! partial pivoting (LAPACK's `dgesv`, what `torch.linalg.solve` does), within 1e-12 of the
//! parameters' size.

use inertia::optimizer::*;
use inertia::schedule::Schedule;
use inertia::surface::*;
use inertia::trajectory::{simulate, Run, Trajectory};

/// A float64 tensor of two elements with the methods torch's optimizers call on parameters and
/// state, each as ATen computes it elementwise on the CPU.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Tensor([f64; 2]);

impl Tensor {
    fn zeros_like(_: &Tensor) -> Tensor {
        Tensor([0.0; 2])
    }

    fn full_like(_: &Tensor, value: f64) -> Tensor {
        Tensor([value; 2])
    }

    fn map(self, f: impl Fn(f64) -> f64) -> Tensor {
        Tensor([f(self.0[0]), f(self.0[1])])
    }

    fn zip(self, other: Tensor, f: impl Fn(f64, f64) -> f64) -> Tensor {
        Tensor([f(self.0[0], other.0[0]), f(self.0[1], other.0[1])])
    }

    /// `self.mul_(other)` with a scalar.
    fn mul_(&mut self, other: f64) -> &mut Tensor {
        *self = self.map(|a| a * other);
        self
    }

    /// `self.add(other, alpha=alpha)`: ATen's add kernel, self + alpha·other.
    fn add(&self, other: &Tensor, alpha: f64) -> Tensor {
        self.zip(*other, |a, b| a + alpha * b)
    }

    /// `self.add_(other, alpha=alpha)`.
    fn add_(&mut self, other: &Tensor, alpha: f64) -> &mut Tensor {
        *self = self.add(other, alpha);
        self
    }

    /// `self.add_(scalar)`.
    fn add_scalar_(&mut self, other: f64) -> &mut Tensor {
        *self = self.map(|a| a + other);
        self
    }

    /// `self.addcmul(t1, t2, value=value)`: self + value·t1·t2, as `(value * t1) * t2`.
    fn addcmul(&self, t1: &Tensor, t2: &Tensor, value: f64) -> Tensor {
        Tensor([
            self.0[0] + value * t1.0[0] * t2.0[0],
            self.0[1] + value * t1.0[1] * t2.0[1],
        ])
    }

    fn addcmul_(&mut self, t1: &Tensor, t2: &Tensor, value: f64) -> &mut Tensor {
        *self = self.addcmul(t1, t2, value);
        self
    }

    /// `self.addcdiv_(t1, t2, value=value)`: self + value·t1/t2, as `(value * t1) / t2`.
    fn addcdiv_(&mut self, t1: &Tensor, t2: &Tensor, value: f64) -> &mut Tensor {
        *self = Tensor([
            self.0[0] + value * t1.0[0] / t2.0[0],
            self.0[1] + value * t1.0[1] / t2.0[1],
        ]);
        self
    }

    /// `self.lerp_(end, weight)`: ATen's lerp, `self + weight * (end - self)` when
    /// |weight| < 0.5, else `end - (end - self) * (1 - weight)`.
    fn lerp_(&mut self, end: &Tensor, weight: f64) -> &mut Tensor {
        *self = self.zip(*end, |s, e| {
            if weight.abs() < 0.5 {
                s + weight * (e - s)
            } else {
                e - (e - s) * (1.0 - weight)
            }
        });
        self
    }

    fn sqrt(&self) -> Tensor {
        self.map(f64::sqrt)
    }

    /// `self.div(scalar)`.
    fn div(&self, other: f64) -> Tensor {
        self.map(|a| a / other)
    }

    /// `torch.maximum(a, b)`: NaN wins.
    fn maximum(a: &Tensor, b: &Tensor) -> Tensor {
        a.zip(*b, |x, y| {
            if x.is_nan() || y.is_nan() {
                f64::NAN
            } else {
                x.max(y)
            }
        })
    }
}

/// Hyper-parameters of one torch optimizer, as its constructor takes them.
#[derive(Debug, Clone, Copy)]
enum Torch {
    Sgd {
        lr: f64,
        momentum: f64,
        dampening: f64,
        weight_decay: f64,
        nesterov: bool,
    },
    Adagrad {
        lr: f64,
        lr_decay: f64,
        weight_decay: f64,
        initial_accumulator_value: f64,
        eps: f64,
    },
    RmsProp {
        lr: f64,
        alpha: f64,
        eps: f64,
        weight_decay: f64,
        momentum: f64,
        centered: bool,
    },
    Adam {
        lr: f64,
        betas: (f64, f64),
        eps: f64,
        weight_decay: f64,
        amsgrad: bool,
        decoupled_weight_decay: bool,
    },
    NAdam {
        lr: f64,
        betas: (f64, f64),
        eps: f64,
        weight_decay: f64,
        momentum_decay: f64,
    },
}

/// torch's per-parameter state (`self.state[p]`).
#[derive(Debug, Clone)]
struct State {
    step: f64,
    momentum_buffer: Option<Tensor>,
    sum: Tensor,
    square_avg: Tensor,
    grad_avg: Tensor,
    exp_avg: Tensor,
    exp_avg_sq: Tensor,
    max_exp_avg_sq: Tensor,
    mu_product: f64,
}

impl State {
    /// The lazy state initialisation of each optimizer's `_init_group`.
    fn new(optimizer: &Torch, p: &Tensor) -> State {
        let sum = match optimizer {
            // state["sum"] = torch.full_like(p, init_value)
            Torch::Adagrad {
                initial_accumulator_value,
                ..
            } => Tensor::full_like(p, *initial_accumulator_value),
            _ => Tensor::zeros_like(p),
        };
        State {
            step: 0.0,
            momentum_buffer: match optimizer {
                // RMSprop: state["momentum_buffer"] = torch.zeros_like(p) when momentum > 0;
                // SGD: None until the first step.
                Torch::RmsProp { .. } => Some(Tensor::zeros_like(p)),
                _ => None,
            },
            sum,
            square_avg: Tensor::zeros_like(p),
            grad_avg: Tensor::zeros_like(p),
            exp_avg: Tensor::zeros_like(p),
            exp_avg_sq: Tensor::zeros_like(p),
            max_exp_avg_sq: Tensor::zeros_like(p),
            // state["mu_product"] = torch.ones((), dtype=_get_scalar_dtype())
            mu_product: 1.0,
        }
    }
}

/// `optimizer.step()` for one parameter with gradient `grad` at learning rate `lr` (the
/// group's, as a scheduler has set it).
fn torch_step(optimizer: &Torch, lr: f64, param: &mut Tensor, grad: Tensor, state: &mut State) {
    match *optimizer {
        Torch::Sgd {
            momentum,
            dampening,
            weight_decay,
            nesterov,
            ..
        } => {
            // _single_tensor_sgd
            let mut grad = grad;
            if weight_decay != 0.0 {
                grad = grad.add(param, weight_decay);
            }
            if momentum != 0.0 {
                let buf = match &mut state.momentum_buffer {
                    None => {
                        // buf = torch.clone(grad).detach()
                        state.momentum_buffer = Some(grad);
                        state.momentum_buffer.as_mut().unwrap()
                    }
                    Some(buf) => {
                        buf.mul_(momentum).add_(&grad, 1.0 - dampening);
                        buf
                    }
                };
                if nesterov {
                    grad = grad.add(buf, momentum);
                } else {
                    grad = *buf;
                }
            }
            param.add_(&grad, -lr);
        }
        Torch::Adagrad {
            lr_decay,
            weight_decay,
            eps,
            ..
        } => {
            // _single_tensor_adagrad
            state.step += 1.0;
            let step = state.step;
            let mut grad = grad;
            if weight_decay != 0.0 {
                grad = grad.add(param, weight_decay);
            }
            let clr = lr / (1.0 + (step - 1.0) * lr_decay);
            state.sum.addcmul_(&grad, &grad, 1.0);
            let mut std = state.sum.sqrt();
            std.add_scalar_(eps);
            param.addcdiv_(&grad, &std, -clr);
        }
        Torch::RmsProp {
            alpha,
            eps,
            weight_decay,
            momentum,
            centered,
            ..
        } => {
            // _single_tensor_rmsprop
            state.step += 1.0;
            let mut grad = grad;
            if weight_decay != 0.0 {
                grad = grad.add(param, weight_decay);
            }
            state
                .square_avg
                .mul_(alpha)
                .addcmul_(&grad, &grad, 1.0 - alpha);
            let mut avg = if centered {
                state.grad_avg.lerp_(&grad, 1.0 - alpha);
                state
                    .square_avg
                    .addcmul(&state.grad_avg, &state.grad_avg, -1.0)
                    .sqrt()
            } else {
                state.square_avg.sqrt()
            };
            avg.add_scalar_(eps);
            if momentum > 0.0 {
                let buf = state.momentum_buffer.as_mut().unwrap();
                buf.mul_(momentum).addcdiv_(&grad, &avg, 1.0);
                param.add_(buf, -lr);
            } else {
                param.addcdiv_(&grad, &avg, -lr);
            }
        }
        Torch::Adam {
            betas: (beta1, beta2),
            eps,
            weight_decay,
            amsgrad,
            decoupled_weight_decay,
            ..
        } => {
            // _single_tensor_adam (torch ≥ 2.6 writes AdamW as decoupled_weight_decay=True)
            state.step += 1.0;
            let mut grad = grad;
            if weight_decay != 0.0 {
                if decoupled_weight_decay {
                    param.mul_(1.0 - lr * weight_decay);
                } else {
                    grad = grad.add(param, weight_decay);
                }
            }
            state.exp_avg.lerp_(&grad, 1.0 - beta1);
            state
                .exp_avg_sq
                .mul_(beta2)
                .addcmul_(&grad, &grad, 1.0 - beta2);
            let step = state.step;
            let bias_correction1 = 1.0 - beta1.powf(step);
            let bias_correction2 = 1.0 - beta2.powf(step);
            let step_size = lr / bias_correction1;
            let bias_correction2_sqrt = bias_correction2.sqrt();
            let mut denom = if amsgrad {
                state.max_exp_avg_sq = Tensor::maximum(&state.max_exp_avg_sq, &state.exp_avg_sq);
                state.max_exp_avg_sq.sqrt().div(bias_correction2_sqrt)
            } else {
                state.exp_avg_sq.sqrt().div(bias_correction2_sqrt)
            };
            denom.add_scalar_(eps);
            param.addcdiv_(&state.exp_avg, &denom, -step_size);
        }
        Torch::NAdam {
            betas: (beta1, beta2),
            eps,
            weight_decay,
            momentum_decay,
            ..
        } => {
            // _single_tensor_nadam
            state.step += 1.0;
            let step = state.step;
            let bias_correction2 = 1.0 - beta2.powf(step);
            let mut grad = grad;
            if weight_decay != 0.0 {
                grad = grad.add(param, weight_decay);
            }
            let mu = beta1 * (1.0 - 0.5 * 0.96f64.powf(step * momentum_decay));
            let mu_next = beta1 * (1.0 - 0.5 * 0.96f64.powf((step + 1.0) * momentum_decay));
            state.mu_product *= mu;
            state.exp_avg.lerp_(&grad, 1.0 - beta1);
            state
                .exp_avg_sq
                .mul_(beta2)
                .addcmul_(&grad, &grad, 1.0 - beta2);
            let mut denom = state.exp_avg_sq.div(bias_correction2).sqrt();
            let mu_product_next = state.mu_product * mu_next;
            denom.add_scalar_(eps);
            param.addcdiv_(&grad, &denom, -lr * (1.0 - mu) / (1.0 - state.mu_product));
            param.addcdiv_(
                &state.exp_avg,
                &denom,
                (-lr * mu_next) / (1.0 - mu_product_next),
            );
        }
    }
}

/// The group's base learning rate.
fn base_lr(optimizer: &Torch) -> f64 {
    match *optimizer {
        Torch::Sgd { lr, .. }
        | Torch::Adagrad { lr, .. }
        | Torch::RmsProp { lr, .. }
        | Torch::Adam { lr, .. }
        | Torch::NAdam { lr, .. } => lr,
    }
}

/// `lr_scheduler.py`'s `_get_closed_form_lr()` at `last_epoch`.
fn closed_form_lr(schedule: &Schedule, base_lr: f64, last_epoch: u64) -> f64 {
    use std::f64::consts::PI;
    match schedule {
        // StepLR: base_lr * self.gamma ** (self.last_epoch // self.step_size)
        Schedule::Step { step_size, gamma } => {
            base_lr * gamma.powf((last_epoch / step_size) as f64)
        }
        // MultiStepLR: base_lr * self.gamma ** bisect_right(milestones, self.last_epoch)
        Schedule::MultiStep { milestones, gamma } => {
            let bisect_right = milestones.iter().filter(|m| **m <= last_epoch).count();
            base_lr * gamma.powf(bisect_right as f64)
        }
        // ExponentialLR: base_lr * self.gamma ** self.last_epoch
        Schedule::Exponential { gamma } => base_lr * gamma.powf(last_epoch as f64),
        // CosineAnnealingLR: self.eta_min + (base_lr - self.eta_min)
        //     * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
        Schedule::Cosine { t_max, eta_min } => {
            eta_min
                + (base_lr - eta_min) * (1.0 + (PI * last_epoch as f64 / *t_max as f64).cos()) / 2.0
        }
        // LinearLR: base_lr * (self.start_factor + (self.end_factor - self.start_factor)
        //     * min(self.total_iters, self.last_epoch) / self.total_iters)
        Schedule::Linear {
            start_factor,
            end_factor,
            total_iters,
        } => {
            base_lr
                * (start_factor
                    + (end_factor - start_factor) * (*total_iters).min(last_epoch) as f64
                        / *total_iters as f64)
        }
        // SequentialLR(schedulers, milestones): idx = bisect_right(milestones, last_epoch);
        // past a milestone the scheduler is stepped with last_epoch - milestone (step(0), then
        // step() calls from there).
        Schedule::WarmupCosine {
            warmup,
            start_factor,
            t_max,
            eta_min,
        } => {
            if last_epoch < *warmup {
                closed_form_lr(
                    &Schedule::Linear {
                        start_factor: *start_factor,
                        end_factor: 1.0,
                        total_iters: *warmup,
                    },
                    base_lr,
                    last_epoch,
                )
            } else {
                closed_form_lr(
                    &Schedule::Cosine {
                        t_max: *t_max,
                        eta_min: *eta_min,
                    },
                    base_lr,
                    last_epoch - warmup,
                )
            }
        }
    }
}

/// torch's training loop: `loss.backward()` (the exact gradient), `optimizer.step()`,
/// `scheduler.step()`; the parameters after each step.
fn torch_run(
    optimizer: &Torch,
    schedule: Option<&Schedule>,
    surface: &Surface,
    start: Point,
    steps: usize,
) -> Vec<Point> {
    let mut param = Tensor(start);
    let mut state = State::new(optimizer, &param);
    let mut path = vec![start];
    for last_epoch in 0..steps as u64 {
        let lr = match schedule {
            Some(s) => closed_form_lr(s, base_lr(optimizer), last_epoch),
            None => base_lr(optimizer),
        };
        let grad = Tensor(surface.gradient(param.0));
        torch_step(optimizer, lr, &mut param, grad, &mut state);
        path.push(param.0);
    }
    path
}

/// The largest difference between two paths, relative to the parameters' size (at least 1).
fn largest_difference(a: &[Point], b: &[Point]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .flat_map(|(p, q)| (0..2).map(move |i| (p[i] - q[i]).abs() / p[i].abs().max(1.0)))
        .fold(0.0, f64::max)
}

fn quadratic() -> Surface {
    Surface::new(
        &quadratic::KIND,
        quadratic::Quadratic {
            a: 1.0,
            b: 12.0,
            angle: 0.6,
            center: [0.4, -0.3],
        },
    )
}

/// The surfaces every rule runs on, each with a start point.
fn surfaces() -> Vec<(&'static str, Surface, Point)> {
    vec![
        ("quadratic", quadratic(), [2.5, -2.0]),
        (
            "rosenbrock",
            Surface::new(
                &rosenbrock::KIND,
                rosenbrock::Rosenbrock { a: 1.0, b: 100.0 },
            ),
            [-1.2, 1.0],
        ),
        (
            "himmelblau",
            Surface::new(&himmelblau::KIND, himmelblau::Himmelblau),
            [0.5, -0.4],
        ),
        (
            "beale",
            Surface::new(&beale::KIND, beale::Beale),
            [1.0, 1.5],
        ),
    ]
}

const STEPS: usize = 300;

fn inertia_run(
    o: Optimizer,
    schedule: Option<&Schedule>,
    surface: &Surface,
    start: Point,
) -> Trajectory {
    let run = Run {
        schedule: schedule.cloned(),
        ..Run::new(0, "", o, start)
    };
    let window = Window::new((-1e9, 1e9), (-1e9, 1e9));
    simulate(&run, surface, &window, STEPS)
}

/// Runs every (inertia, torch) pair on every surface, with and without a schedule; returns the
/// largest difference and checks it.
fn compare(name: &str, pairs: &[(Optimizer, Torch)]) -> f64 {
    let schedules = [
        None,
        Some(Schedule::Cosine {
            t_max: 80,
            eta_min: 0.0,
        }),
        Some(Schedule::Linear {
            start_factor: 0.1,
            end_factor: 1.0,
            total_iters: 30,
        }),
        Some(Schedule::MultiStep {
            milestones: vec![50, 120],
            gamma: 0.3,
        }),
        Some(Schedule::WarmupCosine {
            warmup: 20,
            start_factor: 0.1,
            t_max: 100,
            eta_min: 0.001,
        }),
    ];
    let mut largest: f64 = 0.0;
    let mut compared = 0;
    for (o, torch) in pairs {
        for (surface_name, surface, start) in surfaces() {
            for schedule in &schedules {
                let ours = inertia_run(*o, schedule.as_ref(), &surface, start);
                if ours.diverged.is_some() {
                    // A run that leaves every bound is not a stable run; the pairs are chosen
                    // so that few do, and those are skipped.
                    continue;
                }
                let theirs = torch_run(torch, schedule.as_ref(), &surface, start, STEPS);
                let d = largest_difference(&ours.positions, &theirs);
                // The same arithmetic in the same order: equal to the bit, well within the
                // 1e-12 promised (a textbook θ − s·(m/d) for torch's θ + (−s·m)/d already
                // differs by about 1e-15 over these runs).
                assert!(
                    d == 0.0,
                    "{name} {o:?} on {surface_name} with {schedule:?}: differs by {d:e}"
                );
                largest = largest.max(d);
                compared += 1;
            }
        }
    }
    assert!(
        compared >= pairs.len() * 8,
        "{name}: only {compared} runs compared"
    );
    eprintln!("{name:<10} largest difference from the torch transcription over {compared} runs of {STEPS} steps: {largest:e}");
    largest
}

#[test]
fn sgd_momentum_and_nesterov_are_torchs() {
    let sgd = |lr, momentum, dampening, weight_decay, nesterov| Torch::Sgd {
        lr,
        momentum,
        dampening,
        weight_decay,
        nesterov,
    };
    compare(
        "gd",
        &[
            (gd::new(1e-3), sgd(1e-3, 0.0, 0.0, 0.0, false)),
            (gd::with_decay(1e-3, 0.1), sgd(1e-3, 0.0, 0.0, 0.1, false)),
        ],
    );
    compare(
        "momentum",
        &[
            (
                momentum::pytorch(1e-3, 0.9, 0.0),
                sgd(1e-3, 0.9, 0.0, 0.0, false),
            ),
            (
                momentum::pytorch(1e-3, 0.8, 0.3),
                sgd(1e-3, 0.8, 0.3, 0.0, false),
            ),
            (
                momentum::pytorch(1e-3, 0.0, 1.0),
                sgd(1e-3, 0.0, 1.0, 0.0, false),
            ),
            (
                momentum::pytorch_with_decay(1e-3, 0.9, 0.1, 0.05),
                sgd(1e-3, 0.9, 0.1, 0.05, false),
            ),
        ],
    );
    compare(
        "nesterov",
        &[
            (nesterov::pytorch(1e-3, 0.9), sgd(1e-3, 0.9, 0.0, 0.0, true)),
            (
                nesterov::pytorch_with_decay(5e-4, 0.95, 0.1),
                sgd(5e-4, 0.95, 0.0, 0.1, true),
            ),
        ],
    );
}

#[test]
fn adagrad_is_torchs() {
    let t = |lr, lr_decay, weight_decay, initial_accumulator_value| Torch::Adagrad {
        lr,
        lr_decay,
        weight_decay,
        initial_accumulator_value,
        eps: 1e-10,
    };
    compare(
        "adagrad",
        &[
            (adagrad::new(0.1, 0.0, 1e-10), t(0.1, 0.0, 0.0, 0.0)),
            (
                adagrad::with_options(0.1, 0.01, 0.1, 0.5, 1e-10),
                t(0.1, 0.01, 0.1, 0.5),
            ),
        ],
    );
}

#[test]
fn rmsprop_is_torchs() {
    let t = |lr, alpha, weight_decay, momentum, centered| Torch::RmsProp {
        lr,
        alpha,
        eps: 1e-8,
        weight_decay,
        momentum,
        centered,
    };
    compare(
        "rmsprop",
        &[
            (
                rmsprop::new(1e-3, 0.99, 1e-8),
                t(1e-3, 0.99, 0.0, 0.0, false),
            ),
            (
                rmsprop::with_options(1e-3, 0.9, 1e-8, 0.0, 0.0, true),
                t(1e-3, 0.9, 0.0, 0.0, true),
            ),
            (
                rmsprop::with_options(5e-4, 0.99, 1e-8, 0.05, 0.9, false),
                t(5e-4, 0.99, 0.05, 0.9, false),
            ),
            (
                rmsprop::with_options(5e-4, 0.95, 1e-8, 0.1, 0.5, true),
                t(5e-4, 0.95, 0.1, 0.5, true),
            ),
        ],
    );
}

#[test]
fn adam_and_adamw_are_torchs() {
    let t = |lr, weight_decay, amsgrad, decoupled_weight_decay| Torch::Adam {
        lr,
        betas: (0.9, 0.999),
        eps: 1e-8,
        weight_decay,
        amsgrad,
        decoupled_weight_decay,
    };
    compare(
        "adam",
        &[
            (
                adam::new(0.01, 0.9, 0.999, 1e-8),
                t(0.01, 0.0, false, false),
            ),
            (
                adam::with_options(0.01, 0.9, 0.999, 1e-8, 0.1, true),
                t(0.01, 0.1, true, false),
            ),
            (
                adam::with_options(0.05, 0.9, 0.999, 1e-8, 0.0, true),
                t(0.05, 0.0, true, false),
            ),
        ],
    );
    compare(
        "adamw",
        &[
            (
                adamw::new(0.01, 0.9, 0.999, 1e-8, 0.01, false),
                t(0.01, 0.01, false, true),
            ),
            (
                adamw::new(0.02, 0.9, 0.999, 1e-8, 0.3, true),
                t(0.02, 0.3, true, true),
            ),
        ],
    );
}

#[test]
fn nadam_is_torchs() {
    let t = |lr, weight_decay, momentum_decay| Torch::NAdam {
        lr,
        betas: (0.9, 0.999),
        eps: 1e-8,
        weight_decay,
        momentum_decay,
    };
    compare(
        "nadam",
        &[
            (
                nadam::new(0.01, 0.9, 0.999, 1e-8, 0.0, 0.004),
                t(0.01, 0.0, 0.004),
            ),
            (
                nadam::new(0.005, 0.9, 0.999, 1e-8, 0.1, 0.01),
                t(0.005, 0.1, 0.01),
            ),
        ],
    );
}

/// LAPACK's `dgesv` on a 2×2 system: LU with partial pivoting, then the two triangular solves.
fn lu_solve(h: [[f64; 2]; 2], b: Point) -> Point {
    let (mut a, mut rhs) = (h, b);
    if a[1][0].abs() > a[0][0].abs() {
        a.swap(0, 1);
        rhs.swap(0, 1);
    }
    let l = a[1][0] / a[0][0];
    let u11 = a[1][1] - l * a[0][1];
    let y1 = rhs[1] - l * rhs[0];
    let x1 = y1 / u11;
    let x0 = (rhs[0] - a[0][1] * x1) / a[0][0];
    [x0, x1]
}

/// Newton's step against θ − lr·solve(H + damping·I, ∇f) by LU: the two solves round
/// differently, so the paths agree to rounding, not to the bit.
#[test]
fn newton_is_a_linear_solve() {
    let mut largest: f64 = 0.0;
    for (lr, damping) in [(1.0, 0.0), (0.5, 0.0), (1.0, 0.5)] {
        for (name, surface, start) in surfaces() {
            if name == "beale" {
                // Beale's Hessian is singular along y = 1: Newton stops there.
                continue;
            }
            let ours = inertia_run(newton::new(lr, damping), None, &surface, start);
            let mut p = start;
            let mut theirs = vec![p];
            for _ in 0..ours.last_step() {
                let mut h = surface.hessian(p);
                h[0][0] += damping;
                h[1][1] += damping;
                let d = lu_solve(h, surface.gradient(p));
                p = [p[0] - lr * d[0], p[1] - lr * d[1]];
                theirs.push(p);
            }
            let d = largest_difference(&ours.positions, &theirs);
            assert!(
                d <= 1e-12,
                "newton lr {lr} damping {damping} on {name}: {d:e}"
            );
            largest = largest.max(d);
        }
    }
    eprintln!("newton     largest difference from an LU solve: {largest:e}");
}

/// The transcription itself is torch's arithmetic, not inertia's: its helpers differ where
/// torch's kernels differ from the textbook formulas.
#[test]
fn the_transcription_uses_atens_kernels() {
    let mut m = Tensor([0.1, 0.7]);
    m.lerp_(&Tensor([0.7, 0.1]), 0.9);
    assert_eq!(
        m.0[0].to_bits(),
        (0.7 - (0.7 - 0.1) * (1.0 - 0.9f64)).to_bits()
    );
    let mut p = Tensor([0.0, 0.0]);
    p.addcdiv_(&Tensor([3.0, 3.0]), &Tensor([7.0, 7.0]), -0.1);
    assert_eq!(p.0[0].to_bits(), ((-0.1 * 3.0) / 7.0f64).to_bits());
    assert_ne!(p.0[0].to_bits(), (-0.1 * (3.0 / 7.0f64)).to_bits());
}
