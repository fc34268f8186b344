//! The EWMA chart: a run's noisy gradients and their moving averages, plain and bias-corrected.

use super::*;

/// The x components of the noisy gradients the first noisy run used, step by step: the exact
/// gradient where it was taken plus the same seeded noise the run drew.
pub fn noisy_gradients(scene: &Scene, trajectories: &[Trajectory]) -> Option<(String, Vec<f64>)> {
    let (run, t) = scene
        .runs
        .iter()
        .zip(trajectories)
        .find(|(r, _)| r.noise.is_some())?;
    let n = run.noise?;
    let mut noise = crate::noise::GaussianNoise::new(n.std, n.seed);
    let xs = t
        .gradient_points
        .iter()
        .map(|p| {
            let g = scene.surface.gradient(*p);
            let (nx, _ny) = (noise.sample(), noise.sample());
            g[0] + nx
        })
        .collect();
    Some((run.label.clone(), xs))
}

/// The EWMA figure: the noisy series, and its moving averages for three β, plain (left) and
/// bias-corrected (right).
pub(super) fn draw_ewma<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    series: &(String, Vec<f64>),
    place: &LegendPlace,
) -> Result<(), DrawError> {
    let font = page(&root, scale, scene, "moving averages of noisy gradients")?;
    let (label, xs) = series;
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.08).max(1e-9);
    let body = under_title(&root, font, (0.5, 0.8));
    let betas = [0.5, 0.9, 0.98];
    let colours = [style::PALETTE[4], style::PALETTE[1], style::PALETTE[3]];
    for (k, panel) in body.split_evenly((1, 2)).iter().enumerate() {
        let caption = if k == 0 {
            "vₜ = β·vₜ₋₁ + (1 − β)·gₜ"
        } else {
            "bias-corrected vₜ / (1 − βᵗ)"
        };
        let y_range = axis_range(lo - pad, hi + pad);
        let mut chart = ChartBuilder::on(panel)
            .margin((font * 0.6) as u32)
            .caption(caption, text_style(font * 0.9, INK))
            .x_label_area_size((font * 2.6) as u32)
            .y_label_area_size((font * 3.6) as u32)
            .build_cartesian_2d(0f64..xs.len().max(1) as f64, y_range.clone())
            .map_err(err)?;
        let y_ticks = TickFormat::for_range(lo - pad, hi + pad);
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(225, 225, 225))
            .label_style(text_style(font * TICK, INK))
            .axis_desc_style(text_style(font * 0.9, INK))
            .x_desc("step")
            .y_desc(format!("∂f/∂x seen by {label}"))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| y_ticks.label(*v))
            .draw()
            .map_err(err)?;
        let grey = RGBColor(170, 170, 170);
        // Every line of this panel in plot fractions, for the legend's place.
        let (y0, y1) = (lo - pad, hi + pad);
        let n = xs.len().max(1) as f64;
        let fractions = |v: &[f64]| -> Vec<(f64, f64)> {
            v.iter()
                .enumerate()
                .map(|(t, &x)| ((t + 1) as f64 / n, (x - y0) / (y1 - y0)))
                .collect()
        };
        let mut lines = vec![fractions(xs)];
        let mut rows: Vec<LegendRow> = vec![(
            "noisy gradient".to_string(),
            grey.stroke_width(scale as u32),
        )];
        chart
            .draw_series(LineSeries::new(
                xs.iter()
                    .enumerate()
                    .map(|(t, &x)| ((t + 1) as f64, near(&y_range, x))),
                grey.stroke_width(scale as u32),
            ))
            .map_err(err)?;
        for (beta, colour) in betas.iter().zip(colours) {
            let (plain, corrected) = theory::ewma(xs, *beta);
            let values = if k == 0 { plain } else { corrected };
            lines.push(fractions(&values));
            let c = rgb(colour);
            let width = (2.0 * scale) as u32;
            let label = format!("β = {beta}");
            chart
                .draw_series(LineSeries::new(
                    values
                        .iter()
                        .enumerate()
                        .map(|(t, &v)| ((t + 1) as f64, near(&y_range, v))),
                    c.stroke_width(width),
                ))
                .map_err(err)?;
            rows.push((label, c.stroke_width(width)));
        }
        if k == 1 {
            place.draw(&chart, scale, font * TICK, &lines, &rows)?;
        }
    }
    root.present().map_err(err)?;
    Ok(())
}
