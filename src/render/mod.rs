//! Stage 3 of the pipeline: a scene and its trajectories become one [`Picture`] — the display list
//! every animation output is read from (GIF frames, the PNG, the SVG).
//!
//! A 1-D scene is the same list with other items: the curve f(x) (the ground under it filled)
//! instead of the surface's bands, each run a ball on the curve at (x, f(x)) with its last few
//! positions fading behind it and the step just taken as an arrow from the previous position,
//! the teaching overlays as arrows along x at the ball. Nothing downstream knows the difference.
//!
//! [`Figure::new`] does the work that is done once per scene: it lays the canvas out
//! ([`layout`]: one plot, or the panels of small multiples, the legend column), computes the
//! surface image ([`surface`]), gives every run its colour ([`style`]) and turns it all into
//! items: the static background (axes and ticks through plotters, the surface, titles, the
//! legend), one trail per run, the markers over the trails, and the tracks that move (heads,
//! teaching overlays, the step counter). Painting and writing the picture is
//! [`crate::picture`]'s job.

pub mod layout;
pub mod style;
pub mod surface;

use std::sync::Arc;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::picture::mark::{Mark, Rgb, INK, MUTED, WHITE};
use crate::picture::plot::{axis_range, text_style, Recorder, TickFormat, SCALE};
use crate::picture::{
    Colour, DrawError, Head, IRect, ItemKind, Layer, Path, Picture, Shape, Stroke, Track, Trail,
};
use crate::scene::{Aspect, Overlay, Panels, Scene, View};
use crate::surface::{Dims, Point};
use crate::text::Fonts;
use crate::trajectory::Trajectory;
pub use layout::{Layout, LegendEntry, LegendSymbol, Markers, Panel, PanelTitle};
pub use surface::Levels;

/// A run as drawn: its panel, its pixel path, its colour.
#[derive(Debug, Clone)]
pub struct RunGeometry {
    /// The panel the run is drawn in (index into [`Layout::panels`]).
    pub panel: usize,
    /// Pixel coordinates of steps 0 ..= last finite step: the path over the plane, or the
    /// ball's places (x, f(x)) on a curve.
    pub px: Arc<[(f64, f64)]>,
    pub colour: Rgb,
}

/// How many past positions fade behind a ball on a curve: about half a second of a 15 fps
/// animation, enough to read the direction and the pace without cluttering the curve.
pub const GHOSTS: usize = 7;

/// A scene's animation as a display list, with the layout it was made from.
pub struct Figure {
    pub layout: Layout,
    /// The contour levels of a 2-D scene's bands (a curve has none).
    pub levels: Option<Levels>,
    pub picture: Picture,
    pub runs: Vec<RunGeometry>,
    /// The legend rows, positioned.
    pub legend: Vec<LegendEntry>,
}

/// The fonts a scene draws with: its own font (`draw.font`) first, if it has one.
pub fn fonts_for(scene: &Scene) -> Arc<Fonts> {
    match &scene.draw.font {
        Some(f) => Arc::new(Fonts::with_preferred(f.font.clone())),
        None => crate::text::embedded(),
    }
}

fn plot_error<E: std::fmt::Debug>(e: E) -> DrawError {
    DrawError(format!("drawing the figure failed: {e:?}"))
}

impl Figure {
    /// Lays out and builds the picture for `scene` and its computed `trajectories`.
    pub fn new(scene: &Scene, trajectories: &[Trajectory]) -> Result<Figure, DrawError> {
        let fonts = fonts_for(scene);
        let (w, h) = (scene.output.width, scene.output.height);
        // A legend note for a run that diverged, or that ends outside the window (its head
        // then waits on the plot's edge, pointing the way it went).
        let note = |t: &Trajectory| {
            t.diverged.map(|d| d.note()).or_else(|| {
                let inside = |p: &Point| scene.view.contains(*p);
                if inside(t.positions.last()?) {
                    return None;
                }
                let gone = t.positions.iter().rposition(inside).map_or(0, |k| k + 1);
                Some(if gone == 0 {
                    "starts off-plot".to_string()
                } else {
                    format!("off-plot at step {gone}")
                })
            })
        };
        let small_multiples = scene.draw.panels != Panels::Single;
        let colours = style::run_colours(scene);
        // Each run's panel: its setting's or its start point's with small multiples, else the
        // one plot. A setting's runs are in start-point order.
        let mut panel_of = vec![0; scene.runs.len()];
        for (i, setting) in scene.settings.iter().enumerate() {
            for (k, &r) in setting.runs.iter().enumerate() {
                panel_of[r] = match scene.draw.panels {
                    Panels::Single => 0,
                    Panels::Sweep => i,
                    Panels::Start => k,
                };
            }
        }
        // When every panel holds one run, the panel titles name the runs and the legend keeps
        // only the markers. With a panel per start point the legend names the settings (the
        // same colour in every panel).
        let titled =
            scene.draw.panels == Panels::Sweep && scene.settings.iter().all(|s| s.runs.len() == 1);
        // (label, note, run whose colour the row shows)
        let entries: Vec<(String, Option<String>, usize)> = if titled {
            Vec::new()
        } else if scene.draw.panels == Panels::Start {
            scene
                .settings
                .iter()
                .map(|s| {
                    let diverged: Vec<&Trajectory> = s
                        .runs
                        .iter()
                        .filter_map(|&r| trajectories.get(r))
                        .filter(|t| t.diverged.is_some())
                        .collect();
                    let note = match diverged.as_slice() {
                        [] => None,
                        [t] if s.runs.len() == 1 => note(t),
                        d => Some(format!(
                            "diverged in {} of {} panels",
                            d.len(),
                            s.runs.len()
                        )),
                    };
                    (s.label.clone(), note, s.runs[0])
                })
                .collect()
        } else {
            scene
                .runs
                .iter()
                .zip(trajectories)
                .enumerate()
                .map(|(i, (run, t))| (run.label.clone(), note(t), i))
                .collect()
        };
        let view = scene.view;
        let dims = view.dims();
        let mut layout = Layout::new(w, h, view.window());
        layout.set_title(&fonts, &scene.title);
        if let Some(window) = scene.data_window {
            layout.reserve_data(window);
        }
        // A curve's f is not measured in x's unit: its plot fills the region.
        let equal = scene.draw.aspect == Aspect::Equal && dims == Dims::Two;
        if equal && !small_multiples {
            layout.equalize();
        }
        let titles: Vec<PanelTitle> = match scene.draw.panels {
            Panels::Single => Vec::new(),
            Panels::Sweep => scene
                .settings
                .iter()
                .map(|s| {
                    let only = (s.runs.len() == 1).then(|| s.runs[0]);
                    PanelTitle {
                        text: s.label.clone(),
                        swatch: only,
                        note: only.and_then(|r| trajectories.get(r)).and_then(note),
                    }
                })
                .collect(),
            Panels::Start => scene.settings[0]
                .runs
                .iter()
                .map(|&r| {
                    let p = scene.runs[r].start;
                    PanelTitle {
                        // A true minus, as on the axes.
                        text: format!("from {}", dims.point_text(p)).replace('-', "−"),
                        swatch: None,
                        note: None,
                    }
                })
                .collect(),
        };
        if small_multiples {
            layout.split(titles, equal);
        }
        layout.place_data();
        let s = layout.sizes;
        // The minima in sight, global ones first, with whether each is global; the saddles.
        let globals = scene.surface.global_minimum_count();
        let in_panels = |points: Vec<(Point, bool)>| -> Vec<((f64, f64), bool)> {
            points
                .into_iter()
                .filter(|(m, _)| view.contains(*m))
                .map(|(m, global)| (view.plot_point(&scene.surface, m), global))
                .flat_map(|m| (0..layout.panels.len()).map(move |p| (p, m)))
                .map(|(p, (m, global))| (layout.to_px(p, m), global))
                .collect()
        };
        let minima_px = in_panels(
            scene
                .surface
                .minima()
                .into_iter()
                .enumerate()
                .map(|(i, m)| (m, i < globals))
                .collect(),
        );
        let saddles_px: Vec<(f64, f64)> = in_panels(
            scene
                .surface
                .saddles()
                .into_iter()
                .map(|p| (p, false))
                .collect(),
        )
        .into_iter()
        .map(|(p, _)| p)
        .collect();
        let markers = Markers {
            global_minimum: minima_px.iter().any(|m| m.1),
            local_minimum: minima_px.iter().any(|m| !m.1),
            saddle: !saddles_px.is_empty(),
        };
        // With one plot the step counter sits level with the minimum (see `Layout::legend`);
        // the clock of small multiples sits right under the legend.
        layout.settle_y = if small_multiples {
            Some(f64::from(layout.region.y0))
        } else {
            minima_px.first().map(|m| m.0 .1)
        };
        let legend_rows: Vec<(String, Option<String>)> =
            entries.iter().map(|e| (e.0.clone(), e.1.clone())).collect();
        let legend = layout.legend(&fonts, &legend_rows, markers, &scene.draw.overlays);
        let bands = match view {
            View::Plane(_) => Some(surface::draw_surface(
                &layout,
                &scene.surface,
                scene.draw.levels,
                scene.draw.scale,
            )),
            View::Curve { .. } => None,
        };

        let mut picture = Picture::new(w, h, fonts.clone());
        picture.steps = scene.output.steps;
        // Clip i is panel i.
        for p in &layout.panels {
            picture.add_clip(p.rect);
        }
        let inset_clip = layout.inset.map(|r| picture.add_clip(r));
        let data_clip = layout.data.as_ref().map(|d| picture.add_clip(d.rect));
        draw_axes(&mut picture, scene, &layout)?;
        let (image, levels) = match bands {
            Some((surface_image, levels)) => (
                Some(picture.add_image(Arc::new(surface_image))),
                Some(levels),
            ),
            None => (None, None),
        };
        for (i, p) in layout.panels.iter().enumerate() {
            match image {
                Some(image) => picture.push(
                    Layer::Under,
                    None,
                    ItemKind::Image {
                        image,
                        x: p.rect.x0,
                        y: p.rect.y0,
                    },
                ),
                None => draw_curve(&mut picture, scene, &layout, i),
            }
            frame(&mut picture, p.rect, INK);
        }
        if let Some(d) = &layout.data {
            frame(&mut picture, d.rect, INK);
        }
        draw_title(&mut picture, &layout);
        for p in &layout.panels {
            if let Some(t) = &p.title {
                picture.set_run(t.swatch);
                draw_panel_title(&mut picture, &layout, p.rect, t, &colours);
                picture.set_run(None);
            }
        }
        let row_run = |row: usize| entries[row].2;
        draw_legend(&mut picture, &layout, &legend, &colours, row_run, dims);

        // The runs.
        let runs: Vec<RunGeometry> = trajectories
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let panel = panel_of[i];
                // On a curve the ball sits at (x, f(x)): the loss the trajectory recorded.
                let at = |(p, f): (&crate::surface::Point, &f64)| match dims {
                    Dims::Two => layout.to_px(panel, *p),
                    Dims::One => layout.to_px(panel, [p[0], *f]),
                };
                RunGeometry {
                    panel,
                    px: t.positions.iter().zip(&t.losses).map(at).collect(),
                    colour: colours[i],
                }
            })
            .collect();
        // Over the plane each run leaves its path; on a curve the curve is the path, and what
        // the ball did is its fading past and its step (tracks, below).
        if dims == Dims::Two {
            for (i, run) in runs.iter().enumerate() {
                picture.set_run(Some(i));
                picture.push(
                    Layer::Trail,
                    Some(run.panel),
                    ItemKind::Trail(Trail {
                        points: run.px.clone(),
                        colour: run.colour,
                        width: s.line_width,
                    }),
                );
            }
            picture.set_run(None);
        }
        if let (Some(r), Some(clip)) = (layout.inset, inset_clip) {
            frame(&mut picture, r, MUTED);
            draw_inset(&mut picture, scene, trajectories, &layout, r, clip, &runs);
        }
        // Markers over the paths: minima, then start points.
        let mut starts: Vec<(f64, f64)> = Vec::new();
        for (run, &panel) in scene.runs.iter().zip(&panel_of) {
            let p = layout.to_px(panel, view.plot_point(&scene.surface, run.start));
            if layout.in_panel(panel, p) && !starts.contains(&p) {
                starts.push(p);
            }
        }
        let f = |p: (f64, f64)| (p.0 as f32, p.1 as f32);
        for &p in &saddles_px {
            picture.push(Layer::Over, None, ItemKind::Mark(Mark::saddle(f(p), &s)));
        }
        for &(m, global) in &minima_px {
            picture.push(
                Layer::Over,
                None,
                ItemKind::Mark(Mark::minimum(f(m), global, &s)),
            );
        }
        for &p in &starts {
            picture.push(Layer::Over, None, ItemKind::Mark(Mark::start(f(p), &s)));
        }
        if let (Some(d), Some(clip)) = (&layout.data, data_clip) {
            draw_data_view(&mut picture, scene, trajectories, d, clip, &runs, &s);
        }
        // What moves, panel by panel: teaching overlays under the heads.
        for (p, _) in layout.panels.iter().enumerate() {
            for (i, (t, run)) in trajectories.iter().zip(&scene.runs).enumerate() {
                if runs[i].panel != p {
                    continue;
                }
                picture.set_run(Some(i));
                if dims == Dims::One {
                    for track in ball_tracks(&layout, &runs[i]) {
                        picture.push(Layer::Moving, Some(p), ItemKind::Track(track));
                    }
                }
                for track in overlay_tracks(scene, &layout, t, run, &runs[i]) {
                    picture.push(Layer::Moving, Some(p), ItemKind::Track(track));
                }
                picture.set_run(None);
            }
            let heads: Vec<Head> = runs
                .iter()
                .zip(trajectories)
                .enumerate()
                .filter(|(_, (r, _))| r.panel == p)
                .map(|(i, (r, t))| Head {
                    run: i,
                    points: r.px.clone(),
                    colour: r.colour,
                    diverged: t.diverged.is_some(),
                })
                .collect();
            picture.push(
                Layer::Moving,
                Some(p),
                ItemKind::Track(Track::Heads { heads, sizes: s }),
            );
        }
        for &p in &saddles_px {
            picture.push(
                Layer::Top,
                None,
                ItemKind::Mark(Mark::saddle_outline(f(p), &s)),
            );
        }
        for &(m, global) in &minima_px {
            picture.push(
                Layer::Top,
                None,
                ItemKind::Mark(Mark::minimum_outline(f(m), global, &s)),
            );
        }
        picture.push(
            Layer::Top,
            None,
            ItemKind::Track(Track::Counter {
                rect: layout.counter,
                size: s.font,
                colour: INK,
            }),
        );
        Ok(Figure {
            layout,
            levels,
            picture,
            runs,
            legend,
        })
    }
}

/// A ball's tracks on a curve: the step just taken as an arrow along x, level with the ball,
/// from the previous place's x to the ball's rim (the step is in x alone; level with the
/// ball it never lies on the curve's line), and its last [`GHOSTS`] places fading behind it.
fn ball_tracks(layout: &Layout, geometry: &RunGeometry) -> Vec<Track> {
    let s = layout.sizes;
    let px = &geometry.px;
    // The arrow stops at the ball's rim, so its head shows; a step shorter than the ball
    // has no arrow (the ball covers it).
    let rim = f64::from(s.head_radius + s.outline);
    let from: Vec<(f64, f64)> = (0..px.len())
        .map(|k| (px[k.saturating_sub(1)].0, px[k].1))
        .collect();
    let to: Vec<Option<(f64, f64)>> = (0..px.len())
        .map(|k| {
            let (a, b) = (from[k], px[k]);
            let dx = b.0 - a.0;
            (k > 0 && dx.abs() > 2.0 * rim).then(|| (b.0 - dx.signum() * rim, b.1))
        })
        .collect();
    vec![
        Track::Arrows {
            from: from.into(),
            to: to.into(),
            colour: geometry.colour,
            width: crate::picture::Sizes::thin(&s),
        },
        Track::Ghosts {
            points: px.clone(),
            colour: geometry.colour,
            count: GHOSTS,
            sizes: s,
        },
    ]
}

/// The tracks of a run's teaching overlays. Over the plane they are drawn in the plane; on a
/// curve the velocity and the gradient step are arrows along x at the ball (the step is in x
/// alone), and the look-ahead point is on the curve, where its gradient is the slope.
fn overlay_tracks(
    scene: &Scene,
    layout: &Layout,
    t: &Trajectory,
    run: &crate::trajectory::Run,
    geometry: &RunGeometry,
) -> Vec<Track> {
    let s = layout.sizes;
    let px = &geometry.px;
    let view = scene.view;
    let curve = view.dims() == Dims::One;
    // The pixel column of x (on a curve, arrows along x run level with the ball).
    let column = |x: f64| layout.to_px(geometry.panel, [x, 0.0]).0;
    let mut tracks = Vec::new();
    for overlay in &scene.draw.overlays {
        match overlay {
            Overlay::Velocity => {
                let to: Vec<Option<(f64, f64)>> = (0..px.len())
                    .map(|k| {
                        (k > 0).then(|| {
                            if curve {
                                let (a, b) = (t.positions[k - 1][0], t.positions[k][0]);
                                (column(2.0 * b - a), px[k].1)
                            } else {
                                (2.0 * px[k].0 - px[k - 1].0, 2.0 * px[k].1 - px[k - 1].1)
                            }
                        })
                    })
                    .collect();
                tracks.push(Track::Arrows {
                    from: px.clone(),
                    to: to.into(),
                    colour: geometry.colour,
                    width: crate::picture::Sizes::thin(&s),
                });
            }
            Overlay::Gradient => {
                let lr = run.optimizer.lr();
                let to: Vec<Option<(f64, f64)>> = t
                    .positions
                    .iter()
                    .zip(px.iter())
                    .map(|(p, head)| {
                        let g = scene.surface.gradient(*p);
                        let q = [p[0] - lr * g[0], p[1] - lr * g[1]];
                        Some(if curve {
                            (column(q[0]), head.1)
                        } else {
                            layout.to_px(geometry.panel, q)
                        })
                    })
                    .collect();
                tracks.push(Track::Arrows {
                    from: px.clone(),
                    to: to.into(),
                    colour: INK,
                    width: crate::picture::Sizes::thin(&s),
                });
            }
            Overlay::Lookahead => {
                let at: Vec<Option<(f64, f64)>> = t
                    .gradient_points
                    .iter()
                    .enumerate()
                    .map(|(k, p)| {
                        let q = layout.to_px(geometry.panel, view.plot_point(&scene.surface, *p));
                        let head = px.get(k)?;
                        ((q.0 - head.0).hypot(q.1 - head.1) > 0.5).then_some(q)
                    })
                    .collect();
                tracks.push(Track::Dots {
                    at: at.into(),
                    mark: Mark::lookahead((0.0, 0.0), geometry.colour, &s),
                });
            }
            Overlay::Loss => {}
        }
    }
    tracks
}

/// The data view: the data points (over everything that moves, so a line never hides one)
/// and each run's current line y = m·x + b across the panel, a track that follows its path
/// step by step, drawn for the run in the run's colour.
fn draw_data_view(
    picture: &mut Picture,
    scene: &Scene,
    trajectories: &[Trajectory],
    data: &layout::DataPanel,
    clip: usize,
    runs: &[RunGeometry],
    s: &crate::picture::Sizes,
) {
    let (x0, x1) = data.window.x;
    for &p in scene.surface.data_points().unwrap_or_default() {
        let (x, y) = data.to_px(p);
        picture.push(
            Layer::Top,
            None,
            ItemKind::Mark(Mark::data_point((x as f32, y as f32), s)),
        );
    }
    for (i, (t, run)) in trajectories.iter().zip(runs).enumerate() {
        let ends: Vec<crate::picture::Segment> = t
            .positions
            .iter()
            .map(|&[m, b]| (data.to_px([x0, m * x0 + b]), data.to_px([x1, m * x1 + b])))
            .collect();
        picture.set_run(Some(i));
        picture.push(
            Layer::Moving,
            Some(clip),
            ItemKind::Track(Track::Lines {
                ends: ends.into(),
                colour: run.colour,
                width: s.line_width,
            }),
        );
        picture.set_run(None);
    }
}

/// The curve f(x) over panel `panel` of a 1-D scene: the ground under it filled, the line over
/// it, sampled twice per pixel column and broken where f is not a finite number.
fn draw_curve(picture: &mut Picture, scene: &Scene, layout: &Layout, panel: usize) {
    let s = layout.sizes;
    let r = layout.panels[panel].rect;
    let w = layout.window;
    let n = (r.width() as usize * 2).max(2);
    // Far points are held a panel's height beyond its edges: the clip cuts them there, and no
    // huge value reaches the painters' f32.
    let (top, bottom) = (
        f64::from(r.y0) - f64::from(r.height()),
        f64::from(r.y1) + f64::from(r.height()),
    );
    let mut pieces: Vec<Vec<(f32, f32)>> = vec![Vec::new()];
    for i in 0..=n {
        let x = w.x.0 + w.width() * i as f64 / n as f64;
        let f = scene.surface.value([x, 0.0]);
        if !f.is_finite() {
            if !pieces.last().is_some_and(Vec::is_empty) {
                pieces.push(Vec::new());
            }
            continue;
        }
        let (px, py) = layout.to_px(panel, [x, f]);
        let py = py.clamp(top, bottom);
        pieces
            .last_mut()
            .expect("there is a piece")
            .push((px as f32, py as f32));
    }
    let ground = r.y1 as f32 + 1.0;
    for piece in pieces.iter().filter(|p| !p.is_empty()) {
        let (first, last) = (piece[0], piece[piece.len() - 1]);
        let outline = piece
            .iter()
            .copied()
            .chain([(last.0, ground), (first.0, ground)]);
        picture.push(
            Layer::Under,
            Some(panel),
            ItemKind::Shape(Shape {
                path: Path::polygon(outline),
                fill: Some(Colour::rgb(style::CURVE_GROUND)),
                stroke: None,
            }),
        );
    }
    for piece in pieces.iter().filter(|p| p.len() > 1) {
        picture.push(
            Layer::Under,
            Some(panel),
            ItemKind::Shape(Shape {
                path: Path::polyline(piece.iter().copied()),
                fill: None,
                stroke: Some(Stroke {
                    colour: Colour::rgb(style::CURVE_LINE),
                    width: s.line_width * 0.75,
                    round: true,
                }),
            }),
        );
    }
}

/// The loss inset: axes labels, and each run's f − f* (log scale) as a trail that grows with the
/// animation.
fn draw_inset(
    picture: &mut Picture,
    scene: &Scene,
    trajectories: &[Trajectory],
    layout: &Layout,
    r: IRect,
    clip: usize,
    runs: &[RunGeometry],
) {
    let s = layout.sizes;
    // The inset's scale: steps across, log10(f − f*) up, over every run's losses (f* is the
    // lowest known minimum, else a hair below the lowest loss seen).
    let lowest = trajectories
        .iter()
        .flat_map(|t| t.losses.iter().copied())
        .fold(f64::INFINITY, f64::min);
    let f_star = match scene.surface.lowest_minimum() {
        Some(f) => f.min(lowest),
        None => lowest - 1e-12,
    };
    let gap = |f: f64| (f - f_star).max(1e-16).log10();
    let (g_lo, g_hi) = trajectories
        .iter()
        .flat_map(|t| t.losses.iter().map(|f| gap(*f)))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), g| {
            (a.min(g), b.max(g))
        });
    if !g_lo.is_finite() {
        return;
    }
    let span = (g_hi - g_lo).max(1e-9);
    let steps = scene.output.steps.max(1) as f64;
    let small = s.small_font;
    picture.anchored_text(
        Layer::Under,
        "f − f* (log)",
        small,
        (r.x0 as f32, r.y0 as f32 - small * 0.3),
        (HPos::Left, VPos::Bottom),
        MUTED,
    );
    picture.anchored_text(
        Layer::Under,
        "step",
        small,
        (r.x1 as f32, r.y1 as f32 + small * 0.25),
        (HPos::Right, VPos::Top),
        MUTED,
    );
    for (i, (t, run)) in trajectories.iter().zip(runs).enumerate() {
        let points: Vec<(f64, f64)> = t
            .losses
            .iter()
            .enumerate()
            .map(|(k, f)| {
                (
                    f64::from(r.x0) + k as f64 / steps * f64::from(r.width()),
                    f64::from(r.y1) - (gap(*f) - g_lo) / span * f64::from(r.height()),
                )
            })
            .collect();
        picture.set_run(Some(i));
        picture.push(
            Layer::Trail,
            Some(clip),
            ItemKind::Trail(Trail {
                points: points.into(),
                colour: run.colour,
                width: s.line_width * 0.6,
            }),
        );
        picture.set_run(None);
    }
}

/// A one-pixel line just outside `r`.
fn frame(picture: &mut Picture, r: IRect, c: Rgb) {
    picture.push(
        Layer::Under,
        None,
        ItemKind::Shape(Shape {
            path: Path::rect(
                r.x0 as f32 - 0.5,
                r.y0 as f32 - 0.5,
                r.x1 as f32 + 0.5,
                r.y1 as f32 + 0.5,
            ),
            fill: None,
            stroke: Some(Stroke {
                colour: Colour::rgb(c),
                width: 1.0,
                round: false,
            }),
        }),
    );
}

/// The title (its lines as the layout set them), centred over the plotting region but never
/// off the canvas.
fn draw_title(picture: &mut Picture, layout: &Layout) {
    let (lines, size) = &layout.title;
    for (k, text) in lines.iter().enumerate() {
        let width = picture.fonts.width(text, *size);
        let centre = ((layout.region.x0 + layout.region.x1) as f32 / 2.0)
            .clamp(width / 2.0 + 4.0, layout.width as f32 - width / 2.0 - 4.0);
        picture.anchored_text(
            Layer::Under,
            text,
            *size,
            (centre, layout.title_y + k as f32 * (size * 1.2).ceil()),
            (HPos::Center, VPos::Center),
            INK,
        );
    }
}

/// Axes, ticks and tick labels around every panel, through plotters; small multiples share
/// their axes, so only the outer panels carry tick labels and axis titles. The data view has
/// its own, titled x and y.
fn draw_axes(picture: &mut Picture, scene: &Scene, layout: &Layout) -> Result<(), DrawError> {
    let names = scene.surface.axis_names();
    for panel in &layout.panels {
        panel_axes(
            picture,
            layout,
            panel.rect,
            layout.window,
            names,
            (panel.x_ticks, panel.y_ticks),
        )?;
    }
    if let Some(d) = &layout.data {
        panel_axes(picture, layout, d.rect, d.window, ("x", "y"), (true, true))?;
    }
    Ok(())
}

/// The axes of one plot rectangle `r` onto `win`: ticks, and where `ticks` says (under, left)
/// tick labels and the axis titles `names`.
fn panel_axes(
    picture: &mut Picture,
    layout: &Layout,
    r: IRect,
    win: crate::surface::Window,
    names: (&str, &str),
    (x_ticks, y_ticks): (bool, bool),
) -> Result<(), DrawError> {
    let s = layout.sizes;
    let x_format = TickFormat::for_range(win.x.0, win.x.1);
    let y_format = TickFormat::for_range(win.y.0, win.y.1);
    let (x_name, y_name) = (x_format.axis_title(names.0), y_format.axis_title(names.1));
    let sc = |v: i32| (v as f32 * SCALE) as i32;
    let root = Recorder::new(picture).into_drawing_area();
    let left = Pos::new(HPos::Left, VPos::Top);
    let x_area = if x_ticks { layout.x_label_area } else { 0 };
    let y_area = if y_ticks { layout.y_label_area } else { 0 };
    let area = root.shrink(
        (sc(r.x0 - y_area), sc(r.y0)),
        (
            sc(r.width() as i32 + y_area) as u32,
            sc(r.height() as i32 + x_area) as u32,
        ),
    );
    let mut chart = ChartBuilder::on(&area)
        .x_label_area_size(sc(x_area))
        .y_label_area_size(sc(y_area))
        .build_cartesian_2d(axis_range(win.x.0, win.x.1), axis_range(win.y.0, win.y.1))
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(if x_ticks { 7 } else { 0 })
        .y_labels(if y_ticks { 7 } else { 0 })
        .x_label_formatter(&|v| x_format.label(*v))
        .y_label_formatter(&|v| y_format.label(*v))
        .label_style(text_style(s.tick_font, INK, left))
        .axis_desc_style(text_style(s.font, INK, left))
        .axis_style(ShapeStyle {
            color: RGBColor(INK[0], INK[1], INK[2]).to_rgba(),
            filled: false,
            stroke_width: SCALE as u32,
        })
        .set_all_tick_mark_size(3.5 * s.scale * SCALE)
        .x_desc(if x_ticks { x_name.as_str() } else { "" })
        .y_desc(if y_ticks { y_name.as_str() } else { "" })
        .draw()
        .map_err(plot_error)?;
    Ok(())
}

/// A small multiple's title line: a swatch, the text, and the note at the right end in the
/// muted colour, the text shortened to fit beside it.
fn draw_panel_title(
    picture: &mut Picture,
    layout: &Layout,
    r: IRect,
    title: &PanelTitle,
    colours: &[Rgb],
) {
    let s = layout.sizes;
    let f = s.font;
    let y = layout.panel_title_y(r);
    let x = r.x0 as f32
        + if title.swatch.is_some() {
            layout.swatch_width + f * 0.5
        } else {
            0.0
        };
    if let Some(run) = title.swatch {
        let a = (r.x0 as f32 + s.line_width, y);
        let b = (r.x0 as f32 + layout.swatch_width, y);
        picture.push(
            Layer::Under,
            None,
            ItemKind::Mark(Mark::Capsule {
                a,
                b,
                colour: colours[run],
                width: s.line_width * 1.5,
            }),
        );
    }
    let small = s.small_font;
    let room = |note: &str| {
        let used = if note.is_empty() {
            0.0
        } else {
            picture.fonts.width(note, small) + f * 0.6
        };
        (r.x1 as f32 - x - used).max(0.0)
    };
    // The note in full if the text still fits beside it, else its first word ("diverged").
    let note = match &title.note {
        Some(n) if picture.fonts.width(&title.text, f) <= room(n) => n.clone(),
        Some(n) => n.split(' ').next().unwrap_or("").to_string(),
        None => String::new(),
    };
    let fitted = crate::text::fit_text(&picture.fonts, &title.text, f, room(&note));
    if !note.is_empty() {
        picture.anchored_text(
            Layer::Under,
            &note,
            small,
            (r.x1 as f32, y),
            (HPos::Right, VPos::Center),
            MUTED,
        );
    }
    picture.anchored_text(
        Layer::Under,
        &fitted,
        f,
        (x, y),
        (HPos::Left, VPos::Center),
        INK,
    );
}

/// The legend: a symbol and a label per row, and a muted note under a row that has one. A
/// run's row (`LegendSymbol::Run(row)`) shows run `row_run(row)`'s colour and draws that run:
/// a stretch of path and its head over the plane, a ball with its fading past on a curve.
fn draw_legend(
    picture: &mut Picture,
    layout: &Layout,
    legend: &[LegendEntry],
    colours: &[Rgb],
    row_run: impl Fn(usize) -> usize,
    dims: Dims,
) {
    let s = layout.sizes;
    let half = layout.swatch_width / 2.0;
    for entry in legend {
        let (x, y) = (layout.swatch_x, entry.y);
        let (from, to) = ((x - half, y), (x + half, y));
        picture.set_run(match entry.symbol {
            LegendSymbol::Run(row) => Some(row_run(row)),
            _ => None,
        });
        let marks: Vec<Mark> = match entry.symbol {
            LegendSymbol::Run(i) => {
                let c = colours[row_run(i)];
                match dims {
                    Dims::Two => vec![Mark::path_swatch(from, to, c, &s), Mark::head(to, c, &s)],
                    Dims::One => {
                        let at = |t: f32| (from.0 + (to.0 - from.0) * t, y);
                        vec![
                            Mark::ghost(at(0.0), c, 4, GHOSTS, &s),
                            Mark::ghost(at(0.4), c, 2, GHOSTS, &s),
                            Mark::head(to, c, &s),
                        ]
                    }
                }
            }
            LegendSymbol::Start => vec![Mark::start((x, y), &s)],
            LegendSymbol::Minimum { global } => vec![Mark::minimum((x, y), global, &s)],
            LegendSymbol::Saddle => vec![Mark::saddle((x, y), &s)],
            LegendSymbol::Data => vec![Mark::data_point((x, y), &s)],
            LegendSymbol::Overlay(Overlay::Velocity) => vec![Mark::arrow(from, to, MUTED, &s)],
            LegendSymbol::Overlay(Overlay::Gradient) => vec![Mark::arrow(from, to, INK, &s)],
            LegendSymbol::Overlay(Overlay::Lookahead) => {
                vec![Mark::Disc {
                    c: (x, y),
                    r: s.head_radius * 0.7,
                    fill: WHITE,
                    ring: MUTED,
                    ring_width: crate::picture::Sizes::thin(&s),
                }]
            }
            // The inset explains itself; it has no legend row.
            LegendSymbol::Overlay(Overlay::Loss) => vec![],
        };
        for m in marks {
            picture.push(Layer::Under, None, ItemKind::Mark(m));
        }
        for (k, line) in entry.lines.iter().enumerate() {
            picture.anchored_text(
                Layer::Under,
                line,
                s.font,
                (layout.legend_text_x, y + k as f32 * entry.line_gap),
                (HPos::Left, VPos::Center),
                INK,
            );
        }
        if let Some(note) = &entry.note {
            picture.anchored_text(
                Layer::Under,
                note,
                s.small_font,
                (layout.legend_text_x, entry.note_y),
                (HPos::Left, VPos::Center),
                MUTED,
            );
        }
        picture.set_run(None);
    }
}

/// For tests: a shipped scene (`scenes/NAME.toml`), checked, with its figure.
#[cfg(test)]
pub(crate) fn shipped_figure(name: &str) -> (Scene, Figure) {
    let path = format!("{}/scenes/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let scene = crate::scene::load(std::path::Path::new(&path)).unwrap();
    let t = crate::pipeline::trajectories(&scene);
    let fig = Figure::new(&scene, &t).unwrap();
    (scene, fig)
}

#[cfg(test)]
mod tests;
