//! The rate chart: the best worst-case convergence factor against β for heavy ball and
//! Nesterov on a convex quadratic, with Polyak's optimum and the scene's runs.

use super::*;

/// The best convergence rate against β (over learning rates), for heavy ball and Nesterov, with
/// Polyak's β* and gradient descent's best rate; the scene's runs at their own (lr, β).
/// The best worst-case rate against β, for heavy ball and for Nesterov, β from 0 to 0.99.
pub(super) fn rate_curves(c: (f64, f64)) -> [Vec<(f64, f64)>; 2] {
    [Method::HeavyBall, Method::Nesterov].map(|method| {
        (0..=198)
            .map(|i| {
                let b = f64::from(i) * 0.005;
                (b, theory::best_rate_for_beta(method, b, c).1.min(1.02))
            })
            .collect()
    })
}

pub(super) fn draw_rate<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    c: (f64, f64),
    curves: &[Vec<(f64, f64)>; 2],
) -> Result<(), DrawError> {
    let font = page(&root, scale, scene, "rate against β")?;
    let body = under_title(&root, font, (0.8, 1.2));
    let mut chart = ChartBuilder::on(&body)
        .x_label_area_size((font * 2.6) as u32)
        .y_label_area_size((font * 4.2) as u32)
        .build_cartesian_2d(0f64..1f64, 0f64..1.02f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(225, 225, 225))
        .label_style(text_style(font * TICK, INK))
        .axis_desc_style(text_style(font, INK))
        .x_desc("β")
        .y_desc("worst-case convergence factor ρ (best lr)")
        .draw()
        .map_err(err)?;
    let width = (2.0 * scale) as u32;
    let (lr_star, beta_star, rate_star) = theory::optimal_heavy_ball(c);
    let gd = theory::optimal_gd(c).1;
    let grey = RGBColor(200, 200, 200);
    chart
        .draw_series(LineSeries::new(
            [(0.0, gd), (1.0, gd)],
            grey.stroke_width((scale) as u32),
        ))
        .map_err(err)?;
    let mut rows: Vec<LegendRow> = vec![(
        format!("GD's best rate {gd:.3}"),
        grey.stroke_width(scale as u32),
    )];
    // Theory in ink and grey; colours are kept for the scene's runs.
    for (points, name, colour) in [
        (&curves[0], "heavy ball", INK_RGB),
        (&curves[1], "Nesterov", RGBColor(150, 150, 150)),
    ] {
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                colour.stroke_width(width),
            ))
            .map_err(err)?;
        rows.push((name.to_string(), colour.stroke_width(width)));
    }
    chart
        .draw_series(LineSeries::new(
            [(beta_star, 0.0), (beta_star, 1.02)],
            RGBColor(200, 200, 200).stroke_width(scale as u32),
        ))
        .map_err(err)?;
    chart
        .draw_series(std::iter::once(Text::new(
            format!("β* = {beta_star:.3}, ρ* = {rate_star:.3}, lr* = {lr_star:.3}"),
            (beta_star, 0.05),
            text_style(font * TICK, INK).pos(Pos::new(HPos::Right, VPos::Bottom)),
        )))
        .map_err(err)?;
    for (i, run) in scene.runs.iter().enumerate() {
        if let Some((method, lr, beta)) = theory_point(&run.optimizer) {
            let r = theory::worst_rate(method, lr, beta, c).min(1.02);
            let colour = rgb(run_colour(scene, i));
            chart
                .draw_series(std::iter::once(Circle::new(
                    (beta, r),
                    (4.0 * scale) as i32,
                    colour.filled(),
                )))
                .map_err(err)?;
        }
    }
    legend_box(&chart, scale, font * TICK, &rows, Corner::LowerRight)?;
    root.present().map_err(err)?;
    Ok(())
}
