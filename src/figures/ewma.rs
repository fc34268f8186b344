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

/// The colours of the moving averages' β: a ramp of the run's colour, darker for a longer
/// memory, as a sweep's runs are.
fn beta_colours(run: Rgb) -> [Rgb; 3] {
    [0.0f32, 0.3, 0.6].map(|t| run.map(|v| (f32::from(v) * (1.0 - t)).round() as u8))
}

/// The EWMA figure: the noisy series, and its moving averages for three β, plain (left) and
/// bias-corrected (right), on one y axis.
pub(super) fn draw_ewma<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    series: &(String, Vec<f64>),
    legend: &Legend,
) -> Result<(), DrawError> {
    let page = page(&root, scale, scene, "moving averages of noisy gradients")?;
    let font = page.font;
    let (label, xs) = series;
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.08).max(1e-9);
    let (y0, y1) = (lo - pad, hi + pad);
    let body = under_title(&root, &page, (0.5, 0.8));
    let betas = [0.5, 0.9, 0.98];
    let run = scene
        .runs
        .iter()
        .position(|r| r.noise.is_some())
        .map_or(style::PALETTE[0], |i| run_colour(scene, i));
    let colours = beta_colours(run);
    let averages: Vec<(Vec<f64>, Vec<f64>)> = betas.iter().map(|b| theory::ewma(xs, *b)).collect();
    let grey = RGBColor(170, 170, 170);
    let width = (2.0 * scale) as u32;
    let mut rows: Vec<LegendRow> = vec![(
        "noisy gradient".to_string(),
        Swatch::Line(grey.stroke_width(scale as u32)),
    )];
    for (beta, colour) in betas.iter().zip(colours) {
        rows.push((
            format!("β = {beta}"),
            Swatch::Line(rgb(colour).stroke_width(width)),
        ));
    }
    let n = xs.len().max(1) as f64;
    let fractions = |v: &[f64]| -> Vec<(f64, f64)> {
        v.iter()
            .enumerate()
            .map(|(t, &x)| ((t + 1) as f64 / n, (x - y0) / (y1 - y0)))
            .collect()
    };
    // The legend goes in the right panel; the room it needs grows both panels' axes alike.
    let mut lines = vec![fractions(xs)];
    lines.extend(averages.iter().map(|(_, corrected)| fractions(corrected)));
    let panels = body.split_evenly((1, 2));
    let (margin, x_area) = (font * 0.6, font * 2.6);
    let y_ticks = TickFormat::for_range(y0, y1);
    let tick = |v: f64| y_ticks.label(v);
    let y_area = y_label_area_linear(scene, &axis_range(y0, y1), &tick, font, scale);
    let caption_h = caption_height(font);
    let plot = plot_size(panels[1].dim_in_pixel(), margin, caption_h, x_area, y_area);
    let plan = legend.plan(&lines, &rows, small(font), plot);
    let (body, band) = reserve(body, &plan, legend, &rows, small(font));
    let (y0, y1) = plan.grow_linear(y0, y1);
    let y_range = axis_range(y0, y1);
    let panels = body.split_evenly((1, 2));
    let y_title = format!("∂f/∂x seen by {label}");
    for (k, panel) in panels.iter().enumerate() {
        let caption = if k == 0 {
            "vₜ = β·vₜ₋₁ + (1 − β)·gₜ"
        } else {
            "bias-corrected vₜ / (1 − βᵗ)"
        };
        let mut chart = ChartBuilder::on(panel)
            .margin(margin as u32)
            .margin_top((margin + caption_h) as u32)
            .x_label_area_size(x_area as u32)
            .y_label_area_size(y_area as u32)
            .build_cartesian_2d(0f64..n, y_range.clone())
            .map_err(err)?;
        draw_caption(&root, &chart, scene, caption, font, scale)?;
        draw_axes(
            &mut chart,
            &root,
            scene,
            font,
            scale,
            &Axes {
                x_title: "step",
                y_title: &y_title,
                x_label: &|v| format!("{v:.0}"),
                y_label: &tick,
                grid: true,
            },
        )?;
        chart
            .draw_series(LineSeries::new(
                xs.iter()
                    .enumerate()
                    .map(|(t, &x)| ((t + 1) as f64, near(&y_range, x))),
                grey.stroke_width(scale as u32),
            ))
            .map_err(err)?;
        for ((plain, corrected), colour) in averages.iter().zip(colours) {
            let values = if k == 0 { plain } else { corrected };
            chart
                .draw_series(LineSeries::new(
                    values
                        .iter()
                        .enumerate()
                        .map(|(t, &v)| ((t + 1) as f64, near(&y_range, v))),
                    rgb(colour).stroke_width(width),
                ))
                .map_err(err)?;
        }
        if k == 1 && !plan.below {
            legend_box(&chart, scale, small(font), &rows, plan.corner)?;
        }
    }
    if let Some((band, top)) = band {
        band.draw(&root, top, scale)?;
    }
    root.present().map_err(err)?;
    Ok(())
}
