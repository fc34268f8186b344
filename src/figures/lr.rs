//! The learning-rate chart: the rate each run used at each step, one line per run, so a
//! schedule (steps, cosine, warm-up) is seen beside the paths it shapes.

use super::*;

/// Each run's learning rate against the step: the rate step k used, drawn from step k − 1 to
/// step k (a schedule is constant within a step). Runs with equal rates draw one on the other;
/// the legend names them all.
pub(super) fn draw_lr<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    trajectories: &[Trajectory],
    legend: &Legend,
) -> Result<(), DrawError> {
    let page = page(&root, scale, scene, "learning rate")?;
    // Each run's rates as steps: (k − 1, lr_k), (k, lr_k), the rate in force (Adagrad's
    // decay included), as the player's readout shows it.
    let series: Vec<Vec<(f64, f64)>> = trajectories
        .iter()
        .zip(&scene.runs)
        .map(|(t, run)| {
            (1..=t.lrs.len())
                .map(|k| (k, run.lr_in_force(k)))
                .flat_map(|(k, lr)| [(k as f64 - 1.0, lr), (k as f64, lr)])
                .filter(|p| p.1.is_finite())
                .collect()
        })
        .collect();
    let (lo, hi) = series
        .iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.1), b.max(p.1))
        });
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    // From zero (a rate's size is read against nothing), with a little room above.
    let (y0, y1) = (
        lo.min(0.0),
        hi + (hi - lo.min(0.0)).max(hi.abs() * 0.1).max(1e-12) * 0.08,
    );
    run_lines_chart(
        &root,
        &page,
        scale,
        scene,
        legend,
        &series,
        &run_rows(scene, trajectories.len(), run_line_width(scale)),
        (y0, y1),
        "learning rate",
        None,
    )
}
