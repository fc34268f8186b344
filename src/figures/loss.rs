//! The convergence chart: f − f* and the distance to a minimum against the step (log scale),
//! or the loss itself where no minimum is known.

use super::*;

/// One run's series: f − f* and the distance to the nearest minimum, per step.
pub(super) struct RunSeries {
    /// Its legend row, if it has one of its own (see [`Scene::legend_label`]).
    label: Option<String>,
    colour: Rgb,
    gap: Vec<f64>,
    distance: Vec<f64>,
}

pub(super) struct LossData {
    runs: Vec<RunSeries>,
    steps: usize,
}

/// Values below this are drawn at this floor on the log axes (exact convergence is 0).
pub(super) const FLOOR: f64 = 1e-16;

impl LossData {
    pub(super) fn new(scene: &Scene, trajectories: &[Trajectory]) -> Option<LossData> {
        let minima = scene.surface.minima();
        let f_star = scene.surface.lowest_minimum()?;
        let runs = trajectories
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let gap: Vec<f64> = t.losses.iter().map(|f| (f - f_star).max(FLOOR)).collect();
                let dist: Vec<f64> = t
                    .positions
                    .iter()
                    .map(|p| {
                        minima
                            .iter()
                            .map(|m| ((p[0] - m[0]).powi(2) + (p[1] - m[1]).powi(2)).sqrt())
                            .fold(f64::INFINITY, f64::min)
                            .max(FLOOR)
                    })
                    .collect();
                RunSeries {
                    label: scene.legend_label(i).map(str::to_string),
                    colour: run_colour(scene, i),
                    gap,
                    distance: dist,
                }
            })
            .collect();
        Some(LossData {
            runs,
            steps: scene.output.steps,
        })
    }
}

pub(super) fn draw_loss<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    data: &LossData,
    place: &LegendPlace,
) -> Result<(), DrawError> {
    let font = page(&root, scale, scene, "convergence")?;
    let body = under_title(&root, font, (0.5, 0.8));
    let panels = body.split_evenly((1, 2));
    let lo_hi = |pick: fn(&RunSeries) -> &[f64]| {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for r in &data.runs {
            for &v in pick(r) {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        let lo = lo.max(FLOOR);
        (lo / 2.0, (hi * 2.0).max(lo * 10.0))
    };
    let label_style = text_style(font * TICK, INK);
    let axis_style = text_style(font, INK);
    for (k, panel) in panels.iter().enumerate() {
        let (desc, range) = if k == 0 {
            ("f(θ) − f*", lo_hi(|r| &r.gap))
        } else {
            ("distance to the nearest minimum", lo_hi(|r| &r.distance))
        };
        let mut chart = ChartBuilder::on(panel)
            .margin((font * 0.6) as u32)
            .x_label_area_size((font * 2.6) as u32)
            .y_label_area_size((font * 4.2) as u32)
            .build_cartesian_2d(
                0f64..data.steps.max(1) as f64,
                log_axis_range(range.0, range.1).log_scale(),
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(225, 225, 225))
            .label_style(label_style.clone())
            .axis_desc_style(axis_style.clone())
            .x_desc("step")
            .y_desc(desc)
            .y_label_formatter(&|v| log_tick(*v))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .draw()
            .map_err(err)?;
        let mut rows: Vec<LegendRow> = Vec::new();
        for run in &data.runs {
            let values = if k == 0 { &run.gap } else { &run.distance };
            // A line ends where it reaches the floor (exact convergence, or below what f64
            // resolves) rather than running along the bottom as if it were a plateau there.
            let end = values
                .iter()
                .position(|&v| v <= FLOOR)
                .map_or(values.len(), |i| i + 1);
            let c = rgb(run.colour);
            chart
                .draw_series(LineSeries::new(
                    values[..end]
                        .iter()
                        .enumerate()
                        .map(|(i, &v)| (i as f64, v)),
                    c.stroke_width((2.0 * scale) as u32),
                ))
                .map_err(err)?;
            if let Some(label) = &run.label {
                rows.push((label.clone(), c.stroke_width((2.0 * scale) as u32)));
            }
        }
        if k == 0 {
            let (lo, hi) = (range.0.log10(), range.1.log10());
            let steps = data.steps.max(1) as f64;
            let lines: Vec<Vec<(f64, f64)>> = data
                .runs
                .iter()
                .map(|r| {
                    r.gap
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (i as f64 / steps, (v.log10() - lo) / (hi - lo)))
                        .collect()
                })
                .collect();
            place.draw(&chart, scale, font * TICK, &lines, &rows)?;
        }
    }
    root.present().map_err(err)?;
    Ok(())
}

/// The loss f(θ_t) against the step on a linear scale, one line per run: the convergence chart
/// of a surface with no known minimum, where f − f* has no f*.
pub(super) fn draw_raw_loss<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    trajectories: &[Trajectory],
    place: &LegendPlace,
) -> Result<(), DrawError> {
    let font = page(&root, scale, scene, "loss")?;
    let body = under_title(&root, font, (0.5, 0.8));
    let (lo, hi) = trajectories
        .iter()
        .flat_map(|t| t.losses.iter().copied())
        .filter(|f| f.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), f| {
            (a.min(f), b.max(f))
        });
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let pad = ((hi - lo) * 0.05)
        .max(hi.abs().max(lo.abs()) * 1e-9)
        .max(1e-12);
    let (lo, hi) = (lo - pad, hi + pad);
    let label_style = text_style(font * TICK, INK);
    let y_range = axis_range(lo, hi);
    let mut chart = ChartBuilder::on(&body)
        .margin((font * 0.6) as u32)
        .x_label_area_size((font * 2.6) as u32)
        .y_label_area_size((font * 4.2) as u32)
        .build_cartesian_2d(0f64..scene.output.steps.max(1) as f64, y_range.clone())
        .map_err(err)?;
    let y_ticks = TickFormat::for_range(lo, hi);
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(225, 225, 225))
        .label_style(label_style.clone())
        .axis_desc_style(text_style(font, INK))
        .x_desc("step")
        .y_desc("f(θ)")
        .y_label_formatter(&|v| y_ticks.label(*v))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .draw()
        .map_err(err)?;
    let mut rows: Vec<LegendRow> = Vec::new();
    for (i, t) in trajectories.iter().enumerate() {
        let c = rgb(run_colour(scene, i));
        chart
            .draw_series(LineSeries::new(
                t.losses
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.is_finite())
                    .map(|(k, &f)| (k as f64, near(&y_range, f))),
                c.stroke_width((2.0 * scale) as u32),
            ))
            .map_err(err)?;
        if let Some(label) = scene.legend_label(i) {
            rows.push((label.to_string(), c.stroke_width((2.0 * scale) as u32)));
        }
    }
    let steps = scene.output.steps.max(1) as f64;
    let lines: Vec<Vec<(f64, f64)>> = trajectories
        .iter()
        .map(|t| {
            t.losses
                .iter()
                .enumerate()
                .filter(|(_, f)| f.is_finite())
                .map(|(k, f)| (k as f64 / steps, (f - lo) / (hi - lo)))
                .collect()
        })
        .collect();
    place.draw(&chart, scale, font * TICK, &lines, &rows)?;
    root.present().map_err(err)?;
    Ok(())
}
