//! The step-length chart: how far each update moved, |θ_k − θ_{k−1}|, against the step, so an
//! adaptive method's shrinking effective step is seen beside the learning rate it was given.

use super::*;

/// Each run's step lengths as (k, |θ_k − θ_{k−1}|) for k = 1, 2, ... (up to its last finite
/// point).
pub fn step_lengths(t: &Trajectory) -> Vec<(f64, f64)> {
    t.positions
        .windows(2)
        .enumerate()
        .map(|(i, w)| ((i + 1) as f64, (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1])))
        .collect()
}

/// The step-length chart: one line per run, from zero (a length is read against nothing, as
/// a rate is on the lr chart); the y axis spans the runs that do not diverge, and a diverging
/// run's line leaves the top.
pub(super) fn draw_step_length<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    trajectories: &[Trajectory],
    legend: &Legend,
) -> Result<(), DrawError> {
    let page = page(&root, scale, scene, "step length")?;
    let series: Vec<Vec<(f64, f64)>> = trajectories.iter().map(step_lengths).collect();
    let converging = trajectories.iter().any(|t| t.diverged.is_none());
    let hi = series
        .iter()
        .zip(trajectories)
        .filter(|(_, t)| !converging || t.diverged.is_none())
        .flat_map(|(s, _)| s.iter().map(|p| p.1))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let range = (0.0, if hi > 0.0 { hi * 1.08 } else { 1.0 });
    run_lines_chart(
        &root,
        &page,
        scale,
        scene,
        legend,
        &series,
        &run_rows(scene, trajectories.len(), run_line_width(scale)),
        range,
        "step length |θₖ − θₖ₋₁|",
        None,
    )
}
