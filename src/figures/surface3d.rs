//! The 3-D view: the surface in perspective with every run's path on it.

use super::*;

/// Grid points per side of the 3-D surface.
pub(super) const SURFACE_GRID: usize = 32;

/// The surface seen from above at an angle, heights capped a little above the highest start
/// (so a steep rim does not flatten the valley), with every run's path drawn on it.
pub(super) fn draw_surface3d<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    trajectories: &[Trajectory],
) -> Result<(), DrawError> {
    let page = page(&root, scale, scene, "the surface in 3-D")?;
    let font = page.font;
    let win = scene.window;
    let f = |x: f64, y: f64| scene.surface.value([x, y]);
    let start_top = scene
        .runs
        .iter()
        .map(|r| f(r.start[0], r.start[1]))
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let xs: Vec<f64> = (0..=SURFACE_GRID)
        .map(|i| win.x.0 + win.width() * i as f64 / SURFACE_GRID as f64)
        .collect();
    let ys: Vec<f64> = (0..=SURFACE_GRID)
        .map(|i| win.y.0 + win.height() * i as f64 / SURFACE_GRID as f64)
        .collect();
    for &x in &xs {
        for &y in &ys {
            let v = f(x, y);
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    if !lo.is_finite() {
        return Ok(());
    }
    let cap = if start_top.is_finite() {
        (start_top + 0.25 * (start_top - lo))
            .min(hi)
            .max(lo + 1e-12)
    } else {
        hi.max(lo + 1e-12)
    };
    let clamp = move |v: f64| if v.is_finite() { v.clamp(lo, cap) } else { cap };
    let body = root.margin(
        page.top as u32,
        (font * 0.5) as u32,
        (font * 0.5) as u32,
        (font * 0.5) as u32,
    );
    let mut chart = ChartBuilder::on(&body)
        .margin((font * 1.0) as u32)
        .build_cartesian_3d(
            axis_range(win.x.0, win.x.1),
            axis_range(lo, cap),
            axis_range(win.y.0, win.y.1),
        )
        .map_err(err)?;
    chart.with_projection(|mut p| {
        // From the low-x, low-y side and fairly high: the valley floors, where the paths run,
        // face the viewer (paths are drawn over the surface, so none may lie behind a wall).
        p.yaw = -0.6;
        p.pitch = 0.6;
        p.scale = 0.85;
        p.into_matrix()
    });
    let (x_name, y_name) = scene.surface.axis_names();
    let (x_ticks, y_ticks, f_ticks) = (
        TickFormat::for_range(win.x.0, win.x.1),
        TickFormat::for_range(win.y.0, win.y.1),
        TickFormat::for_range(lo, cap),
    );
    chart
        .configure_axes()
        .light_grid_style(RGBColor(235, 235, 235))
        .max_light_lines(2)
        .label_style(text_style(small(font), INK))
        .x_formatter(&|v| x_ticks.label(*v))
        .y_formatter(&|v| f_ticks.label(*v))
        .z_formatter(&|v| y_ticks.label(*v))
        .draw()
        .map_err(err)?;
    let span = cap - lo;
    // Where the surface rises above the cap it is cut flat: grey there, so a cut does not
    // pass for a plateau.
    // Opaque (a tenth of white mixed in), so neighbouring cells meet without seams.
    let pale = |c: Rgb| rgb(c.map(|v| ((u32::from(v) * 9 + 255) / 10) as u8)).filled();
    let style = move |v: &f64| {
        if *v >= cap && cap < hi {
            pale(crate::picture::mark::MASKED)
        } else {
            pale(style::band_colour((v - lo) / span))
        }
    };
    chart
        .draw_series(
            SurfaceSeries::xoz(xs.iter().copied(), ys.iter().copied(), move |x, y| {
                clamp(f(x, y))
            })
            .style_func(&style),
        )
        .map_err(err)?;
    let mut rows: Vec<LegendRow> = Vec::new();
    for (i, (t, run)) in trajectories.iter().zip(&scene.runs).enumerate() {
        let c = rgb(run_colour(scene, i));
        let path: Vec<(f64, f64, f64)> = t
            .positions
            .iter()
            .filter(|p| win.contains(**p))
            .map(|p| (p[0], clamp(f(p[0], p[1])), p[1]))
            .collect();
        let width = (2.0 * scale) as u32;
        chart
            .draw_series(LineSeries::new(path.clone(), c.stroke_width(width)))
            .map_err(err)?;
        rows.push((run.label.clone(), Swatch::Line(c.stroke_width(width))));
        if let Some(&first) = path.first() {
            // The start, as in the animation: a white ring.
            for style in [WHITE.filled(), INK_RGB.stroke_width(scale.max(1.0) as u32)] {
                chart
                    .draw_series(std::iter::once(Circle::new(
                        first,
                        (4.5 * scale) as i32,
                        style,
                    )))
                    .map_err(err)?;
            }
        }
        if let Some(&last) = path.last() {
            chart
                .draw_series(std::iter::once(Circle::new(
                    last,
                    (4.0 * scale) as i32,
                    c.filled(),
                )))
                .map_err(err)?;
        }
    }
    legend_box(&chart, scale, small(font), &rows, Corner::UpperLeft)?;
    root.draw_text(
        &format!("{x_name} left–right, f up, {y_name} in depth; ring: start; grey: cut off"),
        &text_style(small(font), INK).pos(Pos::new(HPos::Left, VPos::Bottom)),
        (
            (font * 0.8) as i32,
            root.dim_in_pixel().1 as i32 - (font * 0.5) as i32,
        ),
    )
    .map_err(err)?;
    root.present().map_err(err)?;
    Ok(())
}
