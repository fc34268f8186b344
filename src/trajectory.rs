//! Stage 2 of the pipeline: from a checked scene's runs to their trajectories.
//!
//! Every run is independent, so runs are computed in parallel with rayon; each run's arithmetic is
//! sequential, and its noise and its minibatches have their own seeded streams, so the result
//! (and every byte written from it) is the same whatever the thread count.
//!
//! Step k (1-based) of a run uses the learning rate of its schedule after k − 1 scheduler
//! steps, and, with minibatches, the gradient (and Hessian) of the k-th batch; the loss
//! recorded is always the full surface's.

use rayon::prelude::*;

use crate::minibatch::{Batches, Minibatch};
use crate::noise::GaussianNoise;
use crate::optimizer::{Optimizer, OptimizerState, Oracle, StepError};
use crate::schedule::Schedule;
use crate::surface::linear_regression::LinearRegression;
use crate::surface::{Dims, Hessian, Point, Surface, Window};

/// How far outside the view window a run may wander (in window sizes on each side) before it
/// counts as diverged: generous, so that an overshooting run that comes back is not cut short.
pub const DIVERGENCE_MARGIN: f64 = 10.0;

/// Gradient noise of a run: N(0, std²) added to each gradient component.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Noise {
    pub std: f64,
    pub seed: u64,
}

/// One expanded run: an optimizer with concrete hyper-parameters, from one start point.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// 0-based index in the expansion order (entries, then sweep values, then start points).
    pub index: usize,
    /// The legend label, placeholders filled.
    pub label: String,
    /// The optimizer entry (0-based) this run came from.
    pub entry: usize,
    pub optimizer: Optimizer,
    pub start: Point,
    pub noise: Option<Noise>,
    /// The learning-rate schedule (`None`: the optimizer's lr at every step).
    pub schedule: Option<Schedule>,
    /// Minibatches over the surface's data points (`None`: every point at every step).
    pub batch: Option<Minibatch>,
}

impl Run {
    /// A run of `optimizer` from `start` with no noise, schedule or minibatches.
    pub fn new(index: usize, label: impl Into<String>, optimizer: Optimizer, start: Point) -> Run {
        Run {
            index,
            label: label.into(),
            entry: 0,
            optimizer,
            start,
            noise: None,
            schedule: None,
            batch: None,
        }
    }

    /// The learning rate of step `step` (1-based): the schedule's after `step − 1` scheduler
    /// steps, or the optimizer's own.
    pub fn lr_at(&self, step: usize) -> f64 {
        let base = self.optimizer.lr();
        match &self.schedule {
            Some(s) => s.lr(base, step as u64 - 1),
            None => base,
        }
    }

    /// The learning rate the update rule applies at step `step` (≥ 1): [`Run::lr_at`], decayed
    /// where the rule decays it (Adagrad's lr / (1 + (t − 1)·lr_decay)). What the player's
    /// readout and the lr chart show.
    pub fn lr_in_force(&self, step: usize) -> f64 {
        let lr = self.lr_at(step.max(1));
        match self.optimizer.get("lr_decay") {
            Some(decay) if decay != 0.0 => lr / (1.0 + (step.max(1) as f64 - 1.0) * decay),
            _ => lr,
        }
    }
}

/// Why a run stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The step produced a position or loss that is not a finite number (the point is
    /// dropped).
    NonFinite,
    /// The step left the window grown by [`DIVERGENCE_MARGIN`] with finite values (the point
    /// is kept).
    LeftBound,
    /// Newton's method met a Hessian it cannot invert (no step is taken).
    SingularHessian,
}

/// Why and when a run stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Divergence {
    /// The step that could not be taken, produced a non-finite value or left the bound.
    pub step: usize,
    pub reason: StopReason,
}

impl Divergence {
    /// What happened, for the legend and the terminal: "diverged at step 12", "singular
    /// Hessian at step 3".
    pub fn note(&self) -> String {
        match self.reason {
            StopReason::NonFinite | StopReason::LeftBound => {
                format!("diverged at step {}", self.step)
            }
            StopReason::SingularHessian => format!("singular Hessian at step {}", self.step),
        }
    }
}

/// The path of one run: positions and losses for steps 0 (the start) ..= the last step taken.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    pub positions: Vec<Point>,
    /// The full surface's loss at each position (with minibatches too).
    pub losses: Vec<f64>,
    /// Where step k's gradient was taken (index k − 1 for step k; the look-ahead point for
    /// look-ahead Nesterov, θ itself otherwise).
    pub gradient_points: Vec<Point>,
    /// The learning rate step k was taken with (index k − 1 for step k): the schedule's rate,
    /// or the optimizer's own at every step.
    pub lrs: Vec<f64>,
    pub diverged: Option<Divergence>,
}

impl Trajectory {
    /// The last step this trajectory has (0 = only the start).
    pub fn last_step(&self) -> usize {
        self.positions.len() - 1
    }

    /// The position at `step`, or the last one if the run stopped earlier.
    pub fn position_at(&self, step: usize) -> Point {
        self.positions[step.min(self.last_step())]
    }
}

/// What one step of a run sees: the surface (or the step's minibatch of its data) and the
/// run's noise, added to each gradient component wherever a gradient is taken.
struct StepOracle<'a> {
    surface: &'a Surface,
    /// The data and this step's batch, for minibatch runs.
    batch: Option<(&'a LinearRegression, &'a [usize])>,
    noise: Option<&'a mut GaussianNoise>,
}

impl Oracle for StepOracle<'_> {
    fn gradient(&mut self, p: Point) -> Point {
        let mut g = match self.batch {
            Some((data, indices)) => data.batch_gradient(p, indices),
            None => self.surface.gradient(p),
        };
        if let Some(noise) = self.noise.as_deref_mut() {
            g[0] += noise.sample();
            // A curve's second coordinate is none of its own: no noise moves it.
            if self.surface.dims() == Dims::Two {
                g[1] += noise.sample();
            }
        }
        g
    }

    fn dims(&self) -> Dims {
        self.surface.dims()
    }

    fn hessian(&mut self, p: Point) -> Hessian {
        match self.batch {
            Some((data, indices)) => data.batch_hessian(indices),
            None => self.surface.hessian(p),
        }
    }
}

/// Runs `run` for `steps` steps on `surface`, stopping at the first step that cannot be taken,
/// the first non-finite value or the first step outside `window` grown by
/// [`DIVERGENCE_MARGIN`] (on a curve, outside its x range grown so). A run with minibatches needs a surface made from data (the scene
/// checker makes sure of it); on another it steps with the full gradient.
pub fn simulate(run: &Run, surface: &Surface, window: &Window, steps: usize) -> Trajectory {
    let bound = window.grown(DIVERGENCE_MARGIN);
    let mut noise = run.noise.map(|n| GaussianNoise::new(n.std, n.seed));
    let data = surface.downcast_ref::<LinearRegression>();
    let mut batches = match (run.batch, data) {
        (Some(b), Some(data)) => Some(Batches::new(data.points.len(), b)),
        _ => None,
    };
    let mut state = OptimizerState::new(run.optimizer);
    let mut theta = run.start;
    let mut traj = Trajectory {
        positions: Vec::with_capacity(steps + 1),
        losses: Vec::with_capacity(steps + 1),
        gradient_points: Vec::with_capacity(steps),
        lrs: Vec::with_capacity(steps),
        diverged: None,
    };
    traj.positions.push(theta);
    traj.losses.push(surface.value(theta));
    for step in 1..=steps {
        let lr = run.lr_at(step);
        let batch = match (&mut batches, data) {
            (Some(b), Some(data)) => Some((data, b.next_batch())),
            _ => None,
        };
        let mut oracle = StepOracle {
            surface,
            batch,
            noise: noise.as_mut(),
        };
        let info = match state.step_at_lr(lr, theta, &mut oracle) {
            Ok(info) => info,
            Err(StepError::SingularHessian) => {
                traj.diverged = Some(Divergence {
                    step,
                    reason: StopReason::SingularHessian,
                });
                break;
            }
        };
        let p = info.position;
        let loss = surface.value(p);
        let finite = p[0].is_finite() && p[1].is_finite() && loss.is_finite();
        if !finite {
            traj.diverged = Some(Divergence {
                step,
                reason: StopReason::NonFinite,
            });
            break;
        }
        traj.positions.push(p);
        traj.losses.push(loss);
        traj.gradient_points.push(info.gradient_at);
        traj.lrs.push(lr);
        theta = p;
        let inside = match surface.dims() {
            Dims::Two => bound.contains(p),
            Dims::One => (bound.x.0..=bound.x.1).contains(&p[0]),
        };
        if !inside {
            traj.diverged = Some(Divergence {
                step,
                reason: StopReason::LeftBound,
            });
            break;
        }
    }
    traj
}

/// Computes every run's trajectory in parallel; the result is in run order.
pub fn simulate_all(
    runs: &[Run],
    surface: &Surface,
    window: &Window,
    steps: usize,
) -> Vec<Trajectory> {
    runs.par_iter()
        .map(|run| simulate(run, surface, window, steps))
        .collect()
}
