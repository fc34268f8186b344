//! The stability map: worst-case convergence factor over (lr, β) for heavy ball and Nesterov.

use super::*;

/// Cells per side of the stability map: fine enough that the bands' edges read as lines (at 40
/// they were staircases), and the SVG stays near 150 KB (one rectangle per run of equal cells).
pub const MAP_CELLS: usize = 100;

/// The stability map's learning-rate range: up to a little past heavy ball's largest stable step
/// at the largest β shown, and past every run of the scene that theory places on the map (up
/// to four times that), so no run's dot falls off it.
pub fn map_lr_max(c: (f64, f64), scene: &Scene) -> f64 {
    let bound = 1.1 * theory::max_stable_lr(Method::HeavyBall, 0.99, c.1);
    let runs = scene
        .runs
        .iter()
        .filter_map(|r| theory_point(&r.optimizer))
        .map(|(_, lr, _)| lr * 1.05)
        .filter(|lr| lr.is_finite())
        .fold(0.0, f64::max);
    bound.max(runs.min(4.0 * bound))
}

/// The worst-case convergence factor at the centre of each map cell over learning rates
/// `0..lr_max`, rows by β (bottom up).
pub fn stability_grid(method: Method, c: (f64, f64), lr_max: f64) -> Vec<Vec<f64>> {
    (0..MAP_CELLS)
        .map(|j| {
            let beta = (j as f64 + 0.5) / MAP_CELLS as f64 * 0.99;
            (0..MAP_CELLS)
                .map(|i| {
                    let lr = (i as f64 + 0.5) / MAP_CELLS as f64 * lr_max;
                    theory::worst_rate(method, lr, beta, c)
                })
                .collect()
        })
        .collect()
}

/// Heavy ball and Nesterov side by side over (lr, β): colour is the worst-case convergence
/// factor ρ (grey where ρ ≥ 1), the theory's ρ = 1 bound drawn over it, the optimum ringed
/// (Polyak's, whose numbers the key gives, and the best cell of Nesterov's map), Nesterov's
/// constants lr = 1/L, β = (√κ − 1)/(√κ + 1) ringed in Nesterov's colour with their numbers
/// in the key, the scene's runs as dots named in each map's legend; the key under the maps,
/// on as many rows as the page's width needs.
pub(super) fn draw_stability<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    c: (f64, f64),
    lr_max: f64,
    grids: &[Vec<Vec<f64>>; 2],
    legend: &Legend,
) -> Result<(), DrawError> {
    let page = page(&root, scale, scene, "where momentum converges")?;
    let font = page.font;
    let cell_lr = lr_max / MAP_CELLS as f64;
    let cell_beta = 0.99 / MAP_CELLS as f64;
    let (lr_star, beta_star, rate_star) = theory::optimal_heavy_ball(c);
    let (lr_nag, beta_nag, rate_nag) = theory::optimal_nesterov(c);
    let nesterov_colour = rgb(style::named_kind_colour("nesterov"));
    let rho_min = grids
        .iter()
        .flatten()
        .flatten()
        .copied()
        .fold(1.0f64, f64::min)
        .min(0.99);
    // The key under the maps: the bands as a colour bar from the best ρ to 1, the grey of
    // divergence, the bound, the optimum's ring and every run's dot.
    let mut groups: Vec<Vec<KeyPart>> = vec![
        vec![
            KeyPart::Text("worst-case convergence factor ρ".into()),
            KeyPart::Text(format!("{rho_min:.2}")),
            KeyPart::Bar,
            KeyPart::Text("1".into()),
        ],
        vec![
            KeyPart::Box(crate::picture::mark::MASKED),
            KeyPart::Text("diverges".into()),
        ],
        vec![
            KeyPart::Swatch(Swatch::Line(INK_RGB.stroke_width((1.5 * scale) as u32))),
            KeyPart::Text("ρ = 1 in theory".into()),
        ],
        vec![
            KeyPart::Swatch(Swatch::Ring(INK_RGB)),
            KeyPart::Text(format!(
                "fastest (heavy ball: lr* = {lr_star:.3}, β* = {beta_star:.3}, ρ* = {rate_star:.3})"
            )),
        ],
        vec![
            KeyPart::Swatch(Swatch::Ring(nesterov_colour)),
            KeyPart::Text(format!(
                "Nesterov's lr = 1/L = {lr_nag:.3}, β = {beta_nag:.3}: ρ = {rate_nag:.3}"
            )),
        ],
    ];
    for (i, run) in scene.runs.iter().enumerate() {
        if let Some((_, lr, _)) = theory_point(&run.optimizer) {
            // A learning rate past the map's end (four times its usual range) is named, not
            // drawn.
            let label = if lr <= lr_max {
                run.label.clone()
            } else {
                format!("{} (lr beyond the map)", run.label)
            };
            groups.push(vec![
                KeyPart::Swatch(Swatch::Dot(rgb(run_colour(scene, i)))),
                KeyPart::Text(label),
            ]);
        }
    }
    let (page_w, page_h) = root.dim_in_pixel();
    let band = legend.band(groups, small(font), f64::from(page_w) - font);
    band.draw(&root, f64::from(page_h) - band.height - font * 0.2, scale)?;
    let body = root.margin(
        page.top as u32,
        (band.height + font * 0.2) as u32,
        (font * 0.5) as u32,
        (font * 0.8) as u32,
    );
    for (k, panel) in body.split_evenly((1, 2)).iter().enumerate() {
        let (method, name) = if k == 0 {
            (Method::HeavyBall, "heavy ball")
        } else {
            (Method::Nesterov, "Nesterov")
        };
        let grid = &grids[k];
        let best = if method == Method::HeavyBall {
            (lr_star, beta_star)
        } else {
            let mut best = (0.0, 0.0, f64::INFINITY);
            for (j, row) in grid.iter().enumerate() {
                for (i, &rho) in row.iter().enumerate() {
                    if rho < best.2 {
                        best = (
                            (i as f64 + 0.5) * cell_lr,
                            (j as f64 + 0.5) * cell_beta,
                            rho,
                        );
                    }
                }
            }
            (best.0, best.1)
        };
        let bound: Vec<(f64, f64)> = (0..=99)
            .map(|b| {
                let beta = f64::from(b) * 0.01;
                (
                    theory::max_stable_lr(method, beta, c.1).min(lr_max),
                    beta.min(0.99),
                )
            })
            .collect();
        let runs: Vec<(usize, f64, f64)> = scene
            .runs
            .iter()
            .enumerate()
            .filter_map(|(i, run)| {
                let (m, lr, beta) = theory_point(&run.optimizer)?;
                (m == method && lr <= lr_max).then_some((i, lr, beta))
            })
            .collect();
        let (margin, x_area) = (font * 0.6, font * 2.6);
        let x_ticks = TickFormat::for_range(0.0, lr_max);
        let tick = |v: f64| format!("{}", (v * 10.0).round() / 10.0);
        let y_area = y_label_area_linear(scene, &(0.0..0.99), &tick, font, scale);
        let mut chart = ChartBuilder::on(panel)
            .margin(margin as u32)
            .margin_top((margin + caption_height(font)) as u32)
            .x_label_area_size(x_area as u32)
            .y_label_area_size(y_area as u32)
            .build_cartesian_2d(axis_range(0.0, lr_max), 0f64..0.99f64)
            .map_err(err)?;
        draw_caption(&root, &chart, scene, name, font, scale)?;
        draw_axes(
            &mut chart,
            &root,
            scene,
            font,
            scale,
            &Axes {
                x_title: "learning rate",
                y_title: "β",
                x_label: &|v| x_ticks.label(v),
                y_label: &tick,
                grid: false,
            },
        )?;
        // ρ in 12 bands from the best ρ on either map to 1 (like contour bands), and each row's
        // run of equal bands as one rectangle: the map reads as bands and its SVG stays small.
        let band = |rho: f64| {
            if rho < 1.0 {
                let t = ((rho - rho_min) / (1.0 - rho_min)).clamp(0.0, 1.0);
                style::band_colour((t * 12.0).floor() / 11.0)
            } else {
                crate::picture::mark::MASKED
            }
        };
        let mut cells = Vec::new();
        for (j, row) in grid.iter().enumerate() {
            let mut start = 0;
            for i in 1..=row.len() {
                if i == row.len() || band(row[i]) != band(row[start]) {
                    let (x0, y0) = (start as f64 * cell_lr, j as f64 * cell_beta);
                    let x1 = i as f64 * cell_lr;
                    cells.push(Rectangle::new(
                        [(x0, y0), (x1, y0 + cell_beta)],
                        rgb(band(row[start])).filled(),
                    ));
                    start = i;
                }
            }
        }
        chart.draw_series(cells).map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                bound,
                INK_RGB.stroke_width((1.5 * scale) as u32),
            ))
            .map_err(err)?;
        // Dots first, the ring around the optimum over them: a run at the optimum shows inside.
        for &(i, lr, beta) in &runs {
            dot(
                &root,
                point_at(&chart, &(lr, beta)),
                rgb(run_colour(scene, i)),
                scale,
            )?;
        }
        ring(&root, point_at(&chart, &best), INK_RGB, scale)?;
        if method == Method::Nesterov && lr_nag <= lr_max {
            ring(
                &root,
                point_at(&chart, &(lr_nag, beta_nag)),
                nesterov_colour,
                scale,
            )?;
        }
    }
    root.present().map_err(err)?;
    Ok(())
}
