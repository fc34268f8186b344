//! The convergence chart: f − f* and the distance to the global minimum against the step (log
//! scale), or the loss itself where no minimum is known.
//!
//! The y axis spans the runs that converge: a run that diverges (or climbs a hundredfold above
//! where it started) would stretch the axis over dozens of decades and flatten every other
//! line, so it is drawn until it leaves the top of the chart, where an upward triangle marks
//! the exit and its legend row says so. With one panel per start point, runs of one setting
//! share a colour and each start has its own line style.

use super::*;

/// One run's series: f − f* and the distance to the nearest global minimum, per step.
pub(super) struct RunSeries {
    /// Its legend row, if it has one of its own (see [`Scene::legend_label`]).
    pub(super) label: Option<String>,
    pub(super) colour: Rgb,
    /// The run's line style: its start point's place with one panel per start, else 0.
    pub(super) style: usize,
    pub(super) gap: Vec<f64>,
    pub(super) distance: Vec<f64>,
    /// The run diverged or climbed far above its start: it does not set the axis.
    pub(super) leaves: bool,
    /// The run stopped early: it diverged.
    pub(super) diverged: bool,
}

pub(super) struct LossData {
    pub(super) runs: Vec<RunSeries>,
    pub(super) steps: usize,
    /// Legend rows for the start points' line styles (empty unless runs share a colour).
    pub(super) start_rows: Vec<LegendRow>,
    /// Whether several minima share the lowest value (the distance is to the nearest of them).
    pub(super) several_global: bool,
}

/// Values below this are drawn at this floor on the log axes (exact convergence is 0).
pub(super) const FLOOR: f64 = 1e-16;

/// How far above its start a run may climb and still set the y axis.
const CLIMB: f64 = 100.0;

/// Line styles for the start points of one setting: solid, dashed, dotted, long dashes (as
/// `(dash, gap)` pixels; solid is `None`), in start order and then again.
const START_STYLES: [Option<(f64, f64)>; 4] =
    [None, Some((7.0, 4.0)), Some((1.0, 4.0)), Some((14.0, 5.0))];

/// The swatch of line style `k` in `colour`, `width` scaled pixels wide.
fn start_swatch(k: usize, colour: RGBColor, width: u32) -> Swatch {
    let style = colour.stroke_width(width);
    match START_STYLES[k % START_STYLES.len()] {
        None => Swatch::Line(style),
        Some(pattern) => Swatch::Dashed(style, pattern),
    }
}

impl LossData {
    pub(super) fn new(scene: &Scene, trajectories: &[Trajectory]) -> Option<LossData> {
        let f_star = scene.surface.lowest_minimum()?;
        // The global minima: every known minimum at the lowest value (several on Himmelblau's
        // surface). A run settled in a shallower pit stays far from all of them.
        let tolerance = 1e-9 * (1.0 + f_star.abs());
        let global: Vec<_> = scene
            .surface
            .minima()
            .into_iter()
            .filter(|m| (scene.surface.value(*m) - f_star).abs() <= tolerance)
            .collect();
        let by_start = scene.draw.panels == crate::scene::Panels::Start
            && scene.settings.iter().any(|s| s.runs.len() > 1);
        let runs = trajectories
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let gap: Vec<f64> = t.losses.iter().map(|f| (f - f_star).max(FLOOR)).collect();
                let distance: Vec<f64> = t
                    .positions
                    .iter()
                    .map(|p| {
                        global
                            .iter()
                            .map(|m| ((p[0] - m[0]).powi(2) + (p[1] - m[1]).powi(2)).sqrt())
                            .fold(f64::INFINITY, f64::min)
                            .max(FLOOR)
                    })
                    .collect();
                let first = gap.first().copied().unwrap_or(FLOOR);
                let leaves = t.diverged.is_some()
                    || gap
                        .iter()
                        .any(|&g| !g.is_finite() || g > CLIMB * first.max(FLOOR * CLIMB));
                let style = if by_start {
                    scene
                        .settings
                        .iter()
                        .find_map(|s| s.runs.iter().position(|&r| r == i))
                        .unwrap_or(0)
                } else {
                    0
                };
                RunSeries {
                    label: scene.legend_label(i).map(str::to_string),
                    colour: run_colour(scene, i),
                    style,
                    gap,
                    distance,
                    leaves,
                    diverged: t.diverged.is_some(),
                }
            })
            .collect();
        let start_rows = if by_start {
            let first = scene.settings.iter().find(|s| s.runs.len() > 1);
            first
                .map(|s| {
                    s.runs
                        .iter()
                        .enumerate()
                        .map(|(k, &r)| {
                            let p = scene.runs[r].start;
                            (
                                format!("from ({}, {})", p[0], p[1]),
                                start_swatch(
                                    k,
                                    INK_RGB,
                                    (1.5 * f64::from(crate::picture::plot::SCALE)) as u32,
                                ),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        Some(LossData {
            runs,
            steps: scene.output.steps,
            start_rows,
            several_global: global.len() > 1,
        })
    }
}

/// The range of `values` over the runs that set the axis (those that do not leave; all runs if
/// every one does), widened a factor 2 below and above, at least a decade tall.
pub(super) fn log_range(data: &LossData, values: fn(&RunSeries) -> &[f64]) -> (f64, f64) {
    let setting: Vec<&RunSeries> = if data.runs.iter().all(|r| r.leaves) {
        data.runs.iter().collect()
    } else {
        data.runs.iter().filter(|r| !r.leaves).collect()
    };
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for r in setting {
        for &v in values(r).iter().filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if !lo.is_finite() {
        return (FLOOR, 1.0);
    }
    let lo = lo.max(FLOOR);
    (lo / 2.0, (hi * 2.0).max(lo * 10.0))
}

/// The stretches of a line (step, value > 0) that lie within `lo..=hi` on a log axis, each
/// ending on the axis's edge where the line crosses it (interpolated in log space), so a line
/// leaving the chart stops at its edge.
fn clip_log(points: &[(f64, f64)], lo: f64, hi: f64) -> Vec<Vec<(f64, f64)>> {
    let (a, b) = (lo.log10(), hi.log10());
    let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    let inside = |y: f64| (a..=b).contains(&y);
    for w in points.windows(2) {
        let ((x0, v0), (x1, v1)) = (w[0], w[1]);
        let (y0, y1) = (v0.log10(), v1.log10());
        // The part of this segment within the axis, as parameters t ∈ [0, 1].
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        if y0 == y1 {
            if !inside(y0) {
                continue;
            }
        } else {
            let (ta, tb) = ((a - y0) / (y1 - y0), (b - y0) / (y1 - y0));
            t0 = t0.max(ta.min(tb));
            t1 = t1.min(ta.max(tb));
            if t0 > t1 {
                if !current.is_empty() {
                    pieces.push(std::mem::take(&mut current));
                }
                continue;
            }
        }
        let at = |t: f64| (x0 + t * (x1 - x0), 10f64.powf(y0 + t * (y1 - y0)));
        if current.is_empty() || t0 > 0.0 {
            if current.len() > 1 {
                pieces.push(std::mem::take(&mut current));
            }
            current = vec![at(t0)];
        }
        current.push(at(t1));
        if t1 < 1.0 {
            pieces.push(std::mem::take(&mut current));
        }
    }
    if current.len() > 1 {
        pieces.push(current);
    }
    pieces.retain(|p| p.len() > 1);
    pieces
}

/// Where a line first leaves the top of a log axis ending at `hi`: the step (interpolated in
/// log space between the last point below and the first above), if it does.
fn exit_step(values: &[f64], hi: f64) -> Option<f64> {
    let k = values.windows(2).position(|w| w[0] <= hi && w[1] > hi)?;
    let (a, b) = (values[k].max(FLOOR).log10(), values[k + 1].log10());
    let t = if b.is_finite() && b > a {
        (hi.log10() - a) / (b - a)
    } else {
        1.0
    };
    Some(k as f64 + t.clamp(0.0, 1.0))
}

/// An upward triangle in `c` with a white rim, its tip at `at` (backend coordinates): where a
/// run leaves the top of a chart.
fn exit_mark<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    c: RGBColor,
    scale: f64,
) -> Result<(), DrawError> {
    let (x, y) = at;
    let (half, tall) = ((5.0 * scale) as i32, (8.0 * scale) as i32);
    let points = vec![
        (x, y - tall / 2),
        (x + half, y + tall / 2),
        (x - half, y + tall / 2),
    ];
    root.draw(&Polygon::new(points.clone(), c.filled()))
        .map_err(err)?;
    let mut outline = points;
    outline.push(outline[0]);
    root.draw(&PathElement::new(outline, WHITE.stroke_width(scale as u32)))
        .map_err(err)
}

pub(super) fn draw_loss<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    scale: f64,
    scene: &Scene,
    data: &LossData,
    legend: &Legend,
) -> Result<(), DrawError> {
    let page = page(&root, scale, scene, "convergence")?;
    let font = page.font;
    let body = under_title(&root, &page, (0.5, 0.8));
    let steps = data.steps.max(1) as f64;
    let width = (2.0 * scale) as u32;
    // The legend (in the first panel): the runs with rows of their own, a note on each run
    // that leaves the chart, and the start points' line styles.
    let mut rows: Vec<LegendRow> = data
        .runs
        .iter()
        .filter_map(|run| {
            let label = run.label.as_ref()?;
            let label = match (run.leaves, run.diverged) {
                (true, true) => format!("{label} (diverges ▲)"),
                (true, false) => format!("{label} (climbs off ▲)"),
                _ => label.clone(),
            };
            Some((label, Swatch::Line(rgb(run.colour).stroke_width(width))))
        })
        .collect();
    rows.extend(data.start_rows.iter().cloned());
    // Each panel says what it measures above it; the y titles are the formulas.
    let captions = [
        "loss above the lowest minimum",
        if data.several_global {
            "distance to the nearest global minimum"
        } else {
            "distance to the global minimum"
        },
    ];
    let caption_h = caption_height(font);
    let picks: [fn(&RunSeries) -> &[f64]; 2] = [|r| &r.gap, |r| &r.distance];
    let ranges = picks.map(|pick| log_range(data, pick));
    let (margin, x_area) = (font * 0.6, font * 2.6);
    let y_areas = ranges.map(|(lo, hi)| {
        let spec: LogCoord<f64> = log_axis_range(lo, hi).log_scale().into();
        y_label_area(scene, &spec, &|v| log_tick(v), font, scale)
    });
    // The first panel's lines in fractions of the data's range (y up), for the legend's place.
    let (llo, lhi) = (ranges[0].0.log10(), ranges[0].1.log10());
    let lines: Vec<Vec<(f64, f64)>> = data
        .runs
        .iter()
        .map(|r| {
            r.gap
                .iter()
                .enumerate()
                .map(|(i, v)| (i as f64 / steps, (v.log10() - llo) / (lhi - llo)))
                .collect()
        })
        .collect();
    let (bw, bh) = body.dim_in_pixel();
    let plot = plot_size((bw / 2, bh), margin, caption_h, x_area, y_areas[0]);
    let plan = legend.plan(&lines, &rows, small(font), plot);
    let (body, band) = reserve(body, &plan, legend, &rows, small(font));
    let panels = body.split_evenly((1, 2));
    for (k, panel) in panels.iter().enumerate() {
        let pick = picks[k];
        let (lo, hi) = ranges[k];
        let y_area = y_areas[k];
        let (lo, hi) = if k == 0 && !plan.below {
            plan.grow_log(lo, hi)
        } else {
            (lo, hi)
        };
        let y_range = log_axis_range(lo, hi);
        let mut chart = ChartBuilder::on(panel)
            .margin(margin as u32)
            .margin_top((margin + caption_h) as u32)
            .x_label_area_size(x_area as u32)
            .y_label_area_size(y_area as u32)
            .build_cartesian_2d(0f64..steps, y_range.clone().log_scale())
            .map_err(err)?;
        draw_caption(&root, &chart, scene, captions[k], font, scale)?;
        draw_axes(
            &mut chart,
            &root,
            scene,
            font,
            scale,
            &Axes {
                x_title: "step",
                // On a curve θ is the one number x.
                y_title: match (k, scene.surface.dims()) {
                    (0, crate::surface::Dims::Two) => "f(θ) − f*",
                    (0, crate::surface::Dims::One) => "f(x) − f*",
                    (_, crate::surface::Dims::Two) => "‖θ − θ*‖",
                    (_, crate::surface::Dims::One) => "|x − x*|",
                },
                x_label: &|v| format!("{v:.0}"),
                y_label: &|v| log_tick(v),
                grid: true,
            },
        )?;
        let top = y_range.end;
        let mut exits = Vec::new();
        for run in &data.runs {
            let values = pick(run);
            // A line ends where it reaches the floor (exact convergence, or below what f64
            // resolves) rather than running along the bottom as if it were a plateau there.
            let end = values
                .iter()
                .position(|&v| v <= FLOOR)
                .map_or(values.len(), |i| i + 1);
            let points: Vec<(f64, f64)> = values[..end]
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite())
                .map(|(i, &v)| (i as f64, v.max(FLOOR)))
                .collect();
            let c = rgb(run.colour);
            for piece in clip_log(&points, y_range.start, top) {
                match START_STYLES[run.style % START_STYLES.len()] {
                    None => chart
                        .draw_series(LineSeries::new(piece, c.stroke_width(width)))
                        .map(|_| ()),
                    Some((dash, gap)) => chart
                        .draw_series(DashedLineSeries::new(
                            piece,
                            dash * scale,
                            gap * scale,
                            c.stroke_width(width),
                        ))
                        .map(|_| ()),
                }
                .map_err(err)?;
            }
            if let Some(x) = exit_step(&values[..end], top) {
                exits.push((point_at(&chart, &(x, top)), c));
            }
        }
        for (at, c) in exits {
            exit_mark(&root, at, c, scale)?;
        }
        if k == 0 && !plan.below {
            legend_box(&chart, scale, small(font), &rows, plan.corner)?;
        }
    }
    if let Some((band, top)) = band {
        band.draw(&root, top, scale)?;
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
    legend: &Legend,
) -> Result<(), DrawError> {
    let page = page(&root, scale, scene, "loss")?;
    let font = page.font;
    let body = under_title(&root, &page, (0.5, 0.8));
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
    let width = (2.0 * scale) as u32;
    let mut rows: Vec<LegendRow> = Vec::new();
    for i in 0..trajectories.len() {
        if let Some(label) = scene.legend_label(i) {
            let c = rgb(run_colour(scene, i));
            rows.push((label.to_string(), Swatch::Line(c.stroke_width(width))));
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
    let (margin, x_area) = (font * 0.6, font * 2.6);
    let y_ticks = TickFormat::for_range(lo, hi);
    let label = |v: f64| y_ticks.label(v);
    let y_area = y_label_area_linear(scene, &axis_range(lo, hi), &label, font, scale);
    let plot = plot_size(body.dim_in_pixel(), margin, 0.0, x_area, y_area);
    let plan = legend.plan(&lines, &rows, small(font), plot);
    let (body, band) = reserve(body, &plan, legend, &rows, small(font));
    let (lo, hi) = plan.grow_linear(lo, hi);
    let y_range = axis_range(lo, hi);
    let mut chart = ChartBuilder::on(&body)
        .margin(margin as u32)
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
            y_title: "f(θ)",
            x_label: &|v| format!("{v:.0}"),
            y_label: &label,
            grid: true,
        },
    )?;
    for (i, t) in trajectories.iter().enumerate() {
        let c = rgb(run_colour(scene, i));
        chart
            .draw_series(LineSeries::new(
                t.losses
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.is_finite())
                    .map(|(k, &f)| (k as f64, near(&y_range, f))),
                c.stroke_width(width),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A line is cut where it leaves the axis and picks up where it comes back, each piece
    /// ending exactly on the edge (interpolated in log space).
    #[test]
    fn lines_are_clipped_to_a_log_axis_at_its_edges() {
        let line = [(0.0, 1.0), (1.0, 100.0), (2.0, 1.0), (3.0, 0.01)];
        let pieces = clip_log(&line, 0.1, 10.0);
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        let close = |a: (f64, f64), b: (f64, f64)| {
            (a.0 - b.0).abs() < 1e-12 && (a.1 / b.1 - 1.0).abs() < 1e-12
        };
        assert!(close(pieces[0][0], (0.0, 1.0)));
        assert!(close(pieces[0][1], (0.5, 10.0)), "{pieces:?}");
        assert!(close(pieces[1][0], (1.5, 10.0)), "{pieces:?}");
        assert!(close(*pieces[1].last().unwrap(), (2.5, 0.1)), "{pieces:?}");
        // Every point of every piece is within the axis.
        for p in pieces.iter().flatten() {
            assert!(
                (0.1 * (1.0 - 1e-12)..=10.0 * (1.0 + 1e-12)).contains(&p.1),
                "{p:?}"
            );
        }
        // Wholly inside: one piece, unchanged; wholly outside: none.
        assert_eq!(clip_log(&line[2..], 1e-3, 10.0), vec![line[2..].to_vec()]);
        assert!(clip_log(&[(0.0, 1e3), (1.0, 1e4)], 0.1, 10.0).is_empty());
        assert_eq!(exit_step(&[1.0, 1e2], 10.0), Some(0.5));
        assert_eq!(exit_step(&[1.0, 2.0], 10.0), None);
    }
}
