//! The stability map: worst-case convergence factor over (lr, β) for heavy ball and Nesterov.

use super::*;

/// Cells per side of the stability map: fine enough that the bands' edges read as lines (at 40
/// they were staircases), and the SVG stays near 150 KB (one rectangle per run of equal cells).
pub const MAP_CELLS: usize = 100;

/// The stability map's learning-rate range: up to a little past heavy ball's largest stable step
/// at the largest β shown.
pub fn map_lr_max(c: (f64, f64)) -> f64 {
    1.1 * theory::max_stable_lr(Method::HeavyBall, 0.99, c.1)
}

/// The worst-case convergence factor at the centre of each map cell, rows by β (bottom up).
pub fn stability_grid(method: Method, c: (f64, f64)) -> Vec<Vec<f64>> {
    let lr_max = map_lr_max(c);
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
/// factor ρ (grey where ρ ≥ 1), the theory's ρ = 1 bound drawn over it, the optimum and the
/// scene's runs marked.
pub(super) fn draw_stability<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    c: (f64, f64),
    grids: &[Vec<Vec<f64>>; 2],
) -> Result<(), DrawError> {
    let font = page(&root, scale, scene, "where momentum converges")?;
    let body = root.margin(
        (font * 2.2) as u32,
        (font * 1.6) as u32,
        (font * 0.5) as u32,
        (font * 0.8) as u32,
    );
    let (_, h) = body.dim_in_pixel();
    let lr_max = map_lr_max(c);
    let cell_lr = lr_max / MAP_CELLS as f64;
    let cell_beta = 0.99 / MAP_CELLS as f64;
    let rho_min = grids
        .iter()
        .flatten()
        .flatten()
        .copied()
        .fold(1.0f64, f64::min)
        .min(0.99);
    // The key under the maps: the 12 bands as a colour bar from the best ρ to 1, the grey of
    // divergence, and what the line and the cross mean.
    {
        let small = font * 0.8;
        let y = (font * 2.2) as i32 + h as i32 + (font * 0.9) as i32;
        let (box_w, box_h) = ((font * 1.3) as i32, (font * 0.8) as i32);
        let text = |s: &str, x: i32| -> Result<i32, DrawError> {
            let style = text_style(small, INK).pos(Pos::new(HPos::Left, VPos::Center));
            root.draw_text(s, &style, (x, y)).map_err(err)?;
            Ok(x + text_width(scene, s, small, scale) as i32)
        };
        let swatch_box = |x: i32, c: Rgb| {
            root.draw(&Rectangle::new(
                [(x, y - box_h / 2), (x + box_w, y + box_h / 2)],
                rgb(c).filled(),
            ))
            .map_err(err)
        };
        let gap = (font * 0.5) as i32;
        let mut x = text("worst-case convergence factor ρ", (font * 0.8) as i32)? + gap;
        x = text(&format!("{rho_min:.2}"), x)? + gap / 2;
        for b in 0..12 {
            swatch_box(x, style::band_colour(f64::from(b) / 11.0))?;
            x += box_w;
        }
        x = text("1", x + gap / 2)? + gap * 2;
        swatch_box(x, crate::picture::mark::MASKED)?;
        x = text("diverges", x + box_w + gap / 2)? + gap * 2;
        text("line: ρ = 1 in theory   ×: fastest", x)?;
    }
    for (k, panel) in body.split_evenly((1, 2)).iter().enumerate() {
        let (method, name) = if k == 0 {
            (Method::HeavyBall, "heavy ball")
        } else {
            (Method::Nesterov, "Nesterov")
        };
        let mut chart = ChartBuilder::on(panel)
            .margin((font * 0.6) as u32)
            .caption(name, text_style(font, INK))
            .x_label_area_size((font * 2.6) as u32)
            .y_label_area_size((font * 3.4) as u32)
            .build_cartesian_2d(axis_range(0.0, lr_max), 0f64..0.99f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .label_style(text_style(font * TICK, INK))
            .axis_desc_style(text_style(font, INK))
            .x_desc("learning rate")
            .y_desc("β")
            .draw()
            .map_err(err)?;
        let grid = &grids[k];
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
        let bound: Vec<(f64, f64)> = (0..=99)
            .map(|b| {
                let beta = f64::from(b) * 0.01;
                (
                    theory::max_stable_lr(method, beta, c.1).min(lr_max),
                    beta.min(0.99),
                )
            })
            .collect();
        chart
            .draw_series(LineSeries::new(
                bound,
                INK_RGB.stroke_width((1.5 * scale) as u32),
            ))
            .map_err(err)?;
        let best = if method == Method::HeavyBall {
            let (lr, beta, _) = theory::optimal_heavy_ball(c);
            (lr, beta)
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
        chart
            .draw_series(std::iter::once(Cross::new(
                best,
                (5.0 * scale) as i32,
                WHITE.stroke_width((2.0 * scale) as u32),
            )))
            .map_err(err)?;
        for (i, run) in scene.runs.iter().enumerate() {
            if let Some((m, lr, beta)) = theory_point(&run.optimizer) {
                if m == method && lr <= lr_max {
                    let colour = rgb(run_colour(scene, i));
                    chart
                        .draw_series(std::iter::once(Circle::new(
                            (lr, beta),
                            (4.5 * scale) as i32,
                            colour.filled(),
                        )))
                        .map_err(err)?;
                    chart
                        .draw_series(std::iter::once(Circle::new(
                            (lr, beta),
                            (4.5 * scale) as i32,
                            WHITE.stroke_width(scale as u32),
                        )))
                        .map_err(err)?;
                }
            }
        }
    }
    root.present().map_err(err)?;
    Ok(())
}
