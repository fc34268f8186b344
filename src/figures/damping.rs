//! The damping chart: each heavy-ball run's x − x* against the step, named by its regime.

use super::*;

/// The damping regime of a heavy-ball run along x, when the surface is a quadratic whose x axis
/// is a principal axis (so x moves on its own, as on f = ½λw²).
pub fn damping_regime(scene: &Scene, o: &Optimizer) -> Option<theory::Damping> {
    let a = scene.surface.x_curvature()?;
    match theory_point(o)? {
        (Method::HeavyBall, lr, beta) => Some(theory::damping(lr * a, beta, 1e-9 + 1e-3 * beta)),
        _ => None,
    }
}

/// Each run's x − x* against the step: w_t of the course's damping figure.
pub(super) fn draw_damping<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    trajectories: &[Trajectory],
    legend: &Legend,
) -> Result<(), DrawError> {
    let page = page(&root, scale, scene, "damping")?;
    let x_star = scene.surface.minima().first().map_or(0.0, |m| m[0]);
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for t in trajectories {
        for p in &t.positions {
            lo = lo.min(p[0] - x_star);
            hi = hi.max(p[0] - x_star);
        }
    }
    let pad = ((hi - lo) * 0.08).max(1e-9);
    let rows: Vec<LegendRow> = scene
        .runs
        .iter()
        .enumerate()
        .map(|(i, run)| {
            let label = match damping_regime(scene, &run.optimizer) {
                Some(theory::Damping::Over) => format!("{}: over-damped", run.label),
                Some(theory::Damping::Critical) => format!("{}: critically damped", run.label),
                Some(theory::Damping::Under) => format!("{}: under-damped", run.label),
                None => run.label.clone(),
            };
            let c = rgb(run_colour(scene, i));
            (label, Swatch::Line(c.stroke_width(run_line_width(scale))))
        })
        .collect();
    let series: Vec<Vec<(f64, f64)>> = trajectories
        .iter()
        .map(|t| {
            t.positions
                .iter()
                .enumerate()
                .map(|(k, p)| (k as f64, p[0] - x_star))
                .collect()
        })
        .collect();
    run_lines_chart(
        &root,
        &page,
        scale,
        scene,
        legend,
        &series,
        &rows,
        (lo - pad, hi + pad),
        "x − x*",
        Some(0.0),
    )
}
