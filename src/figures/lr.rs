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
    let font = page.font;
    let steps = scene.output.steps.max(1) as f64;
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
    let width = (2.0 * scale) as u32;
    let rows: Vec<LegendRow> = (0..trajectories.len())
        .filter_map(|i| {
            let label = scene.legend_label(i)?;
            Some((
                label.to_string(),
                Swatch::Line(rgb(run_colour(scene, i)).stroke_width(width)),
            ))
        })
        .collect();
    let lines: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|s| {
            s.iter()
                .map(|&(x, y)| (x / steps, (y - y0) / (y1 - y0)))
                .collect()
        })
        .collect();
    let body = under_title(&root, &page, (0.8, 1.2));
    let x_area = font * 2.6;
    let y_ticks = TickFormat::for_range(y0, y1);
    let label = |v: f64| y_ticks.label(v);
    let y_area = y_label_area_linear(scene, &axis_range(y0, y1), &label, font, scale);
    let plot = plot_size(body.dim_in_pixel(), 0.0, 0.0, x_area, y_area);
    let plan = legend.plan(&lines, &rows, small(font), plot);
    let (body, band) = reserve(body, &plan, legend, &rows, small(font));
    let (y0, y1) = plan.grow_linear(y0, y1);
    let mut chart = ChartBuilder::on(&body)
        .x_label_area_size(x_area as u32)
        .y_label_area_size(y_area as u32)
        .build_cartesian_2d(0f64..steps, axis_range(y0, y1))
        .map_err(err)?;
    draw_axes(
        &mut chart,
        &root,
        scene,
        font,
        scale,
        &Axes {
            x_title: "step",
            y_title: "learning rate",
            x_label: &|v| format!("{v:.0}"),
            y_label: &label,
            grid: true,
        },
    )?;
    for (i, s) in series.iter().enumerate() {
        chart
            .draw_series(LineSeries::new(
                s.iter().copied(),
                rgb(run_colour(scene, i)).stroke_width(width),
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
