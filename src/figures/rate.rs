//! The rate chart: the best worst-case convergence factor against β for heavy ball and
//! Nesterov on a convex quadratic, with Polyak's optimum, Nesterov's classical constants and
//! the scene's runs.

use super::*;

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

/// The rate chart: theory's curves in the colours of their methods' runs (gradient descent's
/// best rate dashed across), Polyak's optimum ringed and labelled beneath, Nesterov's
/// constants (lr = 1/L, β = (√κ − 1)/(√κ + 1)) ringed in Nesterov's colour with their
/// numbers in the legend, each run a dot at its own (β, ρ) named in the legend. The y axis
/// spans what is drawn, not 0 to 1.
pub(super) fn draw_rate<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    c: (f64, f64),
    curves: &[Vec<(f64, f64)>; 2],
    legend: &Legend,
) -> Result<(), DrawError> {
    let page = page(&root, scale, scene, "rate against β")?;
    let font = page.font;
    let body = under_title(&root, &page, (0.8, 1.2));
    let width = (2.0 * scale) as u32;
    let (lr_star, beta_star, rate_star) = theory::optimal_heavy_ball(c);
    let (lr_nag, beta_nag, rate_nag) = theory::optimal_nesterov(c);
    let gd = theory::optimal_gd(c).1;
    let runs: Vec<(usize, f64, f64)> = scene
        .runs
        .iter()
        .enumerate()
        .filter_map(|(i, run)| {
            let (method, lr, beta) = theory_point(&run.optimizer)?;
            Some((i, beta, theory::worst_rate(method, lr, beta, c).min(1.02)))
        })
        .collect();
    // The y range: every curve, run and the optimum, with room under the optimum for its label.
    let values = curves
        .iter()
        .flatten()
        .map(|p| p.1)
        .chain(runs.iter().map(|r| r.2))
        .chain([gd, rate_star, rate_nag]);
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let span = (hi - lo).max(0.05);
    let (y0, y1) = (lo - span * 0.05, hi + span * 0.05);
    let colour = |kind: &str| rgb(style::named_kind_colour(kind));
    let theory_rows = [
        (format!("GD's best rate {gd:.3}"), colour("gd"), true),
        ("heavy ball, best lr".to_string(), colour("momentum"), false),
        ("Nesterov, best lr".to_string(), colour("nesterov"), false),
    ];
    let mut rows: Vec<LegendRow> = theory_rows
        .iter()
        .map(|(label, c, dashed)| {
            let style = c.stroke_width(if *dashed { scale as u32 * 3 / 2 } else { width });
            let swatch = if *dashed {
                Swatch::Dashed(style, (5.0, 3.0))
            } else {
                Swatch::Line(style)
            };
            (label.clone(), swatch)
        })
        .collect();
    rows.push(("fastest (Polyak's β*)".to_string(), Swatch::Ring(INK_RGB)));
    rows.push((
        format!("Nesterov's lr = 1/L = {lr_nag:.3}, β = {beta_nag:.3}: ρ = {rate_nag:.3}"),
        Swatch::Ring(colour("nesterov")),
    ));
    for &(i, _, _) in &runs {
        rows.push((
            scene.runs[i].label.clone(),
            Swatch::Dot(rgb(run_colour(scene, i))),
        ));
    }
    let fraction = |(b, r): (f64, f64)| (b, (r - y0) / (y1 - y0));
    let mut lines: Vec<Vec<(f64, f64)>> = curves
        .iter()
        .map(|curve| curve.iter().map(|&p| fraction(p)).collect())
        .collect();
    lines.push(vec![fraction((0.0, gd)), fraction((1.0, gd))]);
    lines.extend(runs.iter().map(|&(_, b, r)| vec![fraction((b, r))]));
    lines.push(vec![fraction((beta_star, rate_star))]);
    lines.push(vec![fraction((beta_nag, rate_nag))]);
    let x_area = font * 2.6;
    let tick = |v: f64| format!("{}", (v * 100.0).round() / 100.0);
    let y_area = y_label_area_linear(scene, &axis_range(y0, y1), &tick, font, scale);
    let plot = plot_size(body.dim_in_pixel(), 0.0, 0.0, x_area, y_area);
    let plan = legend.plan(&lines, &rows, small(font), plot);
    let (body, band) = reserve(body, &plan, legend, &rows, small(font));
    let (y0, y1) = plan.grow_linear(y0, y1);
    // Room under the optimum for its label: the ring, a gap and a line of text.
    let plot_h = plot_size(body.dim_in_pixel(), 0.0, 0.0, x_area, y_area).1;
    let need = (10.0 * scale + small(font) * 1.4) / plot_h;
    let y0 = if (rate_star - y0) / (y1 - y0) < need && need < 0.9 {
        (rate_star - need * y1) / (1.0 - need)
    } else {
        y0
    };
    let mut chart = ChartBuilder::on(&body)
        .x_label_area_size(x_area as u32)
        .y_label_area_size(y_area as u32)
        .build_cartesian_2d(0f64..1f64, axis_range(y0, y1))
        .map_err(err)?;
    let y_ticks = TickFormat::for_range(y0, y1);
    draw_axes(
        &mut chart,
        &root,
        scene,
        font,
        scale,
        &Axes {
            x_title: "β",
            y_title: "worst-case convergence factor ρ",
            x_label: &|v| format!("{}", (v * 10.0).round() / 10.0),
            y_label: &|v| y_ticks.label(v),
            grid: true,
        },
    )?;
    chart
        .draw_series(DashedLineSeries::new(
            [(0.0, gd), (1.0, gd)],
            5.0 * scale,
            3.0 * scale,
            colour("gd").stroke_width(scale as u32 * 3 / 2),
        ))
        .map_err(err)?;
    for (points, kind) in [(&curves[0], "momentum"), (&curves[1], "nesterov")] {
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                colour(kind).stroke_width(width),
            ))
            .map_err(err)?;
    }
    // The optimum: ringed, its values beneath it.
    let star = point_at(&chart, &(beta_star, rate_star));
    ring(&root, star, INK_RGB, scale)?;
    root.draw_text(
        &format!("β* = {beta_star:.3}, ρ* = {rate_star:.3}, lr* = {lr_star:.3}"),
        &text_style(small(font), INK).pos(Pos::new(HPos::Center, VPos::Top)),
        (star.0, star.1 + (10.0 * scale) as i32),
    )
    .map_err(err)?;
    for &(i, beta, r) in &runs {
        dot(
            &root,
            point_at(&chart, &(beta, r)),
            rgb(run_colour(scene, i)),
            scale,
        )?;
    }
    // Nesterov's constants: ringed over the dots (a run there shows inside); their numbers
    // are in the legend, where they cover nothing (beside the ring they would cross the
    // curves that meet there).
    ring(
        &root,
        point_at(&chart, &(beta_nag, rate_nag)),
        colour("nesterov"),
        scale,
    )?;
    if !plan.below {
        legend_box(&chart, scale, small(font), &rows, plan.corner)?;
    }
    if let Some((band, top)) = band {
        band.draw(&root, top, scale)?;
    }
    root.present().map_err(err)?;
    Ok(())
}
