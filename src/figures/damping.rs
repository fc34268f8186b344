//! The damping chart: each heavy-ball run's x − x* against the step, named by its regime.

use super::*;

/// The damping regime of a heavy-ball run along x, when the surface is a quadratic whose x axis
/// is a principal axis (so x moves on its own, as on f = ½λw²).
pub fn damping_regime(scene: &Scene, o: &Optimizer) -> Option<theory::Damping> {
    let (a, _) = scene.surface.axis_curvatures()?;
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
    place: &LegendPlace,
) -> Result<(), DrawError> {
    let font = page(&root, scale, scene, "damping")?;
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
    let y_range = axis_range(lo - pad, hi + pad);
    let body = under_title(&root, font, (0.8, 1.2));
    let mut chart = ChartBuilder::on(&body)
        .x_label_area_size((font * 2.6) as u32)
        .y_label_area_size((font * 4.2) as u32)
        .build_cartesian_2d(0f64..scene.output.steps.max(1) as f64, y_range.clone())
        .map_err(err)?;
    let y_ticks = TickFormat::for_range(lo - pad, hi + pad);
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(225, 225, 225))
        .label_style(text_style(font * TICK, INK))
        .axis_desc_style(text_style(font, INK))
        .x_desc("step")
        .y_desc("x − x*")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| y_ticks.label(*v))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            [
                (0.0, near(&y_range, 0.0)),
                (scene.output.steps as f64, near(&y_range, 0.0)),
            ],
            RGBColor(180, 180, 180).stroke_width(scale as u32),
        ))
        .map_err(err)?;
    let width = (2.0 * scale) as u32;
    let (y0, y1, steps) = (lo - pad, hi + pad, scene.output.steps.max(1) as f64);
    let mut lines = Vec::new();
    let mut rows: Vec<LegendRow> = Vec::new();
    for (i, (run, t)) in scene.runs.iter().zip(trajectories).enumerate() {
        let c = rgb(run_colour(scene, i));
        lines.push(
            t.positions
                .iter()
                .enumerate()
                .map(|(k, p)| (k as f64 / steps, (p[0] - x_star - y0) / (y1 - y0)))
                .collect::<Vec<_>>(),
        );
        let label = match damping_regime(scene, &run.optimizer) {
            Some(theory::Damping::Over) => format!("{}: over-damped", run.label),
            Some(theory::Damping::Critical) => format!("{}: critically damped", run.label),
            Some(theory::Damping::Under) => format!("{}: under-damped", run.label),
            None => run.label.clone(),
        };
        chart
            .draw_series(LineSeries::new(
                t.positions
                    .iter()
                    .enumerate()
                    .map(|(k, p)| (k as f64, near(&y_range, p[0] - x_star))),
                c.stroke_width(width),
            ))
            .map_err(err)?;
        rows.push((label, c.stroke_width(width)));
    }
    place.draw(&chart, scale, font * TICK, &lines, &rows)?;
    root.present().map_err(err)?;
    Ok(())
}
