//! Stage 2 of the pipeline: from a checked scene's runs to their trajectories.
//!
//! Every run is independent, so runs are computed in parallel with rayon; each run's arithmetic is
//! sequential and its noise has its own seeded stream, so the result (and every byte written from
//! it) is the same whatever the thread count.

use rayon::prelude::*;

use crate::noise::GaussianNoise;
use crate::optimizer::{Optimizer, OptimizerState};
use crate::surface::{Point, Surface, Window};

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
}

/// Why and when a run stopped early.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Divergence {
    /// The step that produced a non-finite value or left the bound.
    pub step: usize,
    /// True when the step left the bound with finite values (the point is kept), false when it
    /// produced a non-finite value (the point is dropped).
    pub left_bound: bool,
}

/// The path of one run: positions and losses for steps 0 (the start) ..= the last finite step.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    pub positions: Vec<Point>,
    pub losses: Vec<f64>,
    /// Where step k's gradient was taken (index k − 1 for step k; the look-ahead point for
    /// look-ahead Nesterov, θ itself otherwise).
    pub gradient_points: Vec<Point>,
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

/// Runs `run` for `steps` steps on `surface`, stopping at the first non-finite value or the first
/// step outside `window` grown by [`DIVERGENCE_MARGIN`].
pub fn simulate(run: &Run, surface: &Surface, window: &Window, steps: usize) -> Trajectory {
    let bound = window.grown(DIVERGENCE_MARGIN);
    let mut noise = run.noise.map(|n| GaussianNoise::new(n.std, n.seed));
    let mut state = OptimizerState::new(run.optimizer);
    let mut theta = run.start;
    let mut traj = Trajectory {
        positions: Vec::with_capacity(steps + 1),
        losses: Vec::with_capacity(steps + 1),
        gradient_points: Vec::with_capacity(steps),
        diverged: None,
    };
    traj.positions.push(theta);
    traj.losses.push(surface.value(theta));
    for step in 1..=steps {
        let info = state.step(theta, |p| {
            let mut g = surface.gradient(p);
            if let Some(noise) = noise.as_mut() {
                g[0] += noise.sample();
                g[1] += noise.sample();
            }
            g
        });
        let p = info.position;
        let loss = surface.value(p);
        let finite = p[0].is_finite() && p[1].is_finite() && loss.is_finite();
        if !finite {
            traj.diverged = Some(Divergence {
                step,
                left_bound: false,
            });
            break;
        }
        traj.positions.push(p);
        traj.losses.push(loss);
        traj.gradient_points.push(info.gradient_at);
        theta = p;
        if !bound.contains(p) {
            traj.diverged = Some(Divergence {
                step,
                left_bound: true,
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
