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
    let font = page.font;
    let steps = scene.output.steps.max(1) as f64;
    let series: Vec<Vec<(f64, f64)>> = trajectories.iter().map(step_lengths).collect();
    let converging = trajectories.iter().any(|t| t.diverged.is_none());
    let hi = series
        .iter()
        .zip(trajectories)
        .filter(|(_, t)| !converging || t.diverged.is_none())
        .flat_map(|(s, _)| s.iter().map(|p| p.1))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let (y0, y1) = (0.0, if hi > 0.0 { hi * 1.08 } else { 1.0 });
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
                .map(|&(x, y)| (x / steps, ((y - y0) / (y1 - y0)).min(2.0)))
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
            y_title: "step length |θₖ − θₖ₋₁|",
            x_label: &|v| format!("{v:.0}"),
            y_label: &label,
            grid: true,
        },
    )?;
    for (i, s) in series.iter().enumerate() {
        chart
            .draw_series(LineSeries::new(
                s.iter()
                    .filter(|p| p.1.is_finite())
                    .map(|&(x, y)| (x, near(&y_range, y))),
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
