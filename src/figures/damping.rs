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
    let font = page.font;
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
    let (y0, y1, steps) = (lo - pad, hi + pad, scene.output.steps.max(1) as f64);
    let width = (2.0 * scale) as u32;
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
        rows.push((label, Swatch::Line(c.stroke_width(width))));
    }
    let body = under_title(&root, &page, (0.8, 1.2));
    let x_area = font * 2.6;
    let y_ticks = TickFormat::for_range(y0, y1);
    let label = |v: f64| y_ticks.label(v);
    let y_area = y_label_area_linear(scene, &axis_range(y0, y1), &label, font, scale);
    let plot = plot_size(body.dim_in_pixel(), 0.0, 0.0, x_area, y_area);
    let plan = legend.plan(&lines, &rows, small(font), plot);
    let (body, band) = reserve(body, &plan, legend, &rows, small(font));
    let (y0, y1) = plan.grow_linear(y0, y1);
    let y_range = axis_range(y0, y1);
    let mut chart = ChartBuilder::on(&body)
        .x_label_area_size(x_area as u32)
        .y_label_area_size(y_area as u32)
        .build_cartesian_2d(0f64..steps, y_range.clone())
        .map_err(err)?;
    draw_axes(
        &mut chart,
        &root,
        scene,
        font,
        scale,
        &Axes {
            x_title: "step",
            y_title: "x − x*",
            x_label: &|v| format!("{v:.0}"),
            y_label: &label,
            grid: true,
        },
    )?;
    chart
        .draw_series(LineSeries::new(
            [
                (0.0, near(&y_range, 0.0)),
                (scene.output.steps as f64, near(&y_range, 0.0)),
            ],
            RGBColor(180, 180, 180).stroke_width(scale as u32),
        ))
        .map_err(err)?;
    for (i, t) in trajectories.iter().enumerate() {
        let c = rgb(run_colour(scene, i));
        chart
            .draw_series(LineSeries::new(
                t.positions
                    .iter()
                    .enumerate()
                    .map(|(k, p)| (k as f64, near(&y_range, p[0] - x_star))),
                c.stroke_width(width),
            ))
            .map_err(err)?;
    }
    if !plan.below {
        legend_box(&chart, scale, small(font), &rows, plan.corner)?;
    }
    if let Some((band, top)) = band {
        band.draw(&root, top, scale)?;
    }
    root.present().map_err(err)?;
    Ok(())
}
