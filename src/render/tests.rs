//! Layout and figure tests over shipped scenes.

use super::*;
use crate::picture::frames::{self, still};
use crate::surface::Window;

fn titles(n: usize) -> Vec<PanelTitle> {
    (0..n)
        .map(|i| PanelTitle {
            text: format!("panel {i}"),
            swatch: Some(i),
            note: None,
        })
        .collect()
}

/// Small multiples tile the plotting region: equal, disjoint panels in reading order, with
/// room for their title lines, tick labels exactly on the outer edges.
#[test]
fn panels_tile_the_plotting_region() {
    let window = Window::new((-1.0, 1.0), (-1.0, 1.0));
    for (w, h) in [(640, 480), (720, 540), (1280, 400), (400, 900)] {
        for n in 1..=16 {
            let mut layout = Layout::new(w, h, window);
            let region = layout.plot;
            layout.split(titles(n), false);
            let p = &layout.panels;
            assert_eq!(p.len(), n);
            let title_h = layout.panel_title_height();
            let cols = p.iter().filter(|q| q.rect.y0 == p[0].rect.y0).count();
            for (i, q) in p.iter().enumerate() {
                let r = q.rect;
                assert_eq!(
                    (r.width(), r.height()),
                    (p[0].rect.width(), p[0].rect.height())
                );
                assert!(r.width() >= 20 && r.height() >= 20, "{w}×{h}, {n}: {r:?}");
                assert!(
                    r.x0 >= region.x0 && r.x1 <= region.x1,
                    "{w}×{h}, {n}: {r:?}"
                );
                assert!(r.y0 - title_h >= region.y0 && r.y1 <= region.y1);
                assert_eq!(q.y_ticks, i % cols == 0, "{w}×{h}, {n}, panel {i}");
                assert_eq!(q.x_ticks, i + cols >= n, "{w}×{h}, {n}, panel {i}");
                for o in &p[..i] {
                    // Disjoint, title lines included, and after the earlier ones.
                    let with_title = IRect {
                        y0: r.y0 - title_h,
                        ..r
                    };
                    assert!(with_title.intersect(o.rect).is_empty(), "{i}: {r:?} {o:?}");
                    assert!((o.rect.y0, o.rect.x0) < (r.y0, r.x0));
                }
            }
            // The grid leaves fewer empty cells than a row.
            let rows = n.div_ceil(cols);
            assert!(rows * cols - n < cols, "{w}×{h}, {n}: {rows}×{cols}");
        }
    }
    // Four panels on a 4:3 canvas make a 2 × 2 grid, sixteen a 4 × 4 one.
    let mut layout = Layout::new(640, 480, window);
    layout.split(titles(4), false);
    assert_eq!(layout.panels[1].rect.y0, layout.panels[0].rect.y0);
    assert!(layout.panels[2].rect.y0 > layout.panels[0].rect.y0);
    layout.split(titles(16), false);
    assert_eq!(layout.panels[3].rect.y0, layout.panels[0].rect.y0);
    assert!(layout.panels[4].rect.y0 > layout.panels[0].rect.y0);
}

/// In small multiples each run is drawn in its own setting's panel and nowhere else: the
/// pixels of a run's exact colour lie in its panel (or its title's swatch).
#[test]
fn each_run_is_drawn_in_its_own_panel() {
    let (scene, fig) = shipped_figure("beta_sweep_panels");
    assert_eq!(fig.layout.panels.len(), scene.runs.len());
    let last = still(&fig.picture, fig.picture.steps).unwrap();
    let w = fig.layout.width as i32;
    let title_h = fig.layout.panel_title_height();
    for (i, run) in fig.runs.iter().enumerate() {
        assert_eq!(run.panel, i);
        let r = fig.layout.panels[i].rect;
        let title_band = IRect {
            y0: r.y0 - title_h,
            ..r
        };
        let c = run.colour;
        let mut inside = 0;
        for (k, px) in last.data().chunks_exact(4).enumerate() {
            if px[..3] != c {
                continue;
            }
            let (x, y) = (k as i32 % w, k as i32 / w);
            let at = IRect::new(x, y, x + 1, y + 1);
            assert!(
                !title_band.intersect(at).is_empty(),
                "run {i}'s colour at ({x}, {y}), outside its panel {r:?}"
            );
            inside += 1;
        }
        assert!(inside > 50, "run {i}: {inside} pixels of its colour");
        // Its path starts at the start point mapped into its own panel.
        assert_eq!(run.px[0], fig.layout.to_px(i, scene.runs[i].start));
        assert!(fig.layout.in_panel(i, run.px[0]));
    }
}

/// Canvases at the extremes of the size limits, one plot or sixteen panels, lay out inside
/// the canvas and draw.
#[test]
fn extreme_canvases_lay_out_and_draw() {
    for (w, h) in [(160, 4096), (4096, 160), (160, 160)] {
        for panels in ["single", "sweep"] {
            let src = format!(
                "[output]\nsize = [{w}, {h}]\nsteps = 3\n[draw]\npanels = \"{panels}\"\n\
                 [surface]\nkind = \"bowl\"\n[[start]]\nat = [1.0, 1.0]\n\
                 [[optimizer]]\nkind = \"momentum\"\nlr = [0.1, 0.2, 0.3, 0.4]\n\
                 beta = [0.0, 0.3, 0.6, 0.9]\n"
            );
            let scene = Scene::from_toml(std::path::Path::new("t.toml"), &src).unwrap();
            let t = crate::pipeline::trajectories(&scene);
            let fig = Figure::new(&scene, &t).unwrap();
            let canvas = IRect::new(0, 0, w as i32, h as i32);
            for p in &fig.layout.panels {
                assert!(!p.rect.is_empty(), "{w}×{h} {panels}: {:?}", p.rect);
                assert_eq!(p.rect.intersect(canvas), p.rect, "{w}×{h} {panels}");
            }
            let last = still(&fig.picture, 3).unwrap();
            assert_eq!((last.width(), last.height()), (w, h));
        }
    }
}

/// With equal units one data unit is as many pixels across as up, in one plot and in every
/// panel of small multiples, and the plots stay inside the room they had.
#[test]
fn equal_aspect_makes_units_square() {
    for (x, y) in [
        ((-3.0, 3.0), (-3.0, 3.0)),
        ((-3.0, 3.0), (-1.0, 1.0)),
        ((0.0, 1.0), (0.0, 5.0)),
    ] {
        let window = Window::new(x, y);
        let unit = |layout: &Layout, panel: usize| {
            let o = layout.to_px(panel, [x.0, y.0]);
            let ex = layout.to_px(panel, [x.0 + 1.0, y.0]);
            let ey = layout.to_px(panel, [x.0, y.0 + 1.0]);
            (ex.0 - o.0, o.1 - ey.1)
        };
        let mut single = Layout::new(640, 480, window);
        let region = single.plot;
        single.equalize();
        let (ux, uy) = unit(&single, 0);
        assert!((ux - uy).abs() <= 0.02 * ux + 0.5, "{ux} {uy}");
        assert_eq!(single.plot.intersect(region), single.plot);
        assert!(
            single.legend_x > single.plot.x1,
            "the legend stays right of the plot"
        );
        for n in [2, 4, 9] {
            let mut grid = Layout::new(720, 540, window);
            let region = grid.plot;
            grid.split(titles(n), true);
            for (i, p) in grid.panels.iter().enumerate() {
                let (ux, uy) = unit(&grid, i);
                assert!((ux - uy).abs() <= 0.02 * ux + 0.5, "{n} panels: {ux} {uy}");
                assert_eq!(p.rect.intersect(region), p.rect);
            }
        }
    }
}

/// With one panel per start point each run is drawn in its start's panel, a setting has
/// one colour in every panel, and the legend names the settings.
#[test]
fn start_panels_group_runs_by_start_and_colour_them_by_setting() {
    let (scene, fig) = shipped_figure("himmelblau_starts");
    assert_eq!(fig.layout.panels.len(), 4);
    for (k, p) in fig.layout.panels.iter().enumerate() {
        let start = scene.runs[scene.settings[0].runs[k]].start;
        let title = p.title.as_ref().unwrap();
        let text = format!("from ({}, {})", start[0], start[1]).replace('-', "−");
        assert_eq!(title.text, text);
    }
    for setting in &scene.settings {
        let colour = fig.runs[setting.runs[0]].colour;
        for (k, &r) in setting.runs.iter().enumerate() {
            assert_eq!(fig.runs[r].panel, k);
            assert_eq!(fig.runs[r].colour, colour);
            assert!(fig.layout.in_panel(k, fig.runs[r].px[0]));
        }
    }
    assert_ne!(
        fig.runs[scene.settings[0].runs[0]].colour,
        fig.runs[scene.settings[1].runs[0]].colour
    );
    let runs: Vec<&str> = fig
        .legend
        .iter()
        .filter(|e| matches!(e.symbol, LegendSymbol::Run(_)))
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(runs, ["GD lr=0.01", "Momentum β=0.9"]);
}

/// Chunked frames equal frames composed one after another from step 0, pixel for pixel, and
/// each of those equals the still composed directly (with and without teaching overlays, in
/// one plot and in small multiples, with a data view).
#[test]
fn incremental_frames_equal_stills() {
    for name in [
        "gd_vs_momentum",
        "momentum_vs_nesterov",
        "nesterov_lookahead",
        "beta_sweep_panels",
        "himmelblau_starts",
        "minibatch_sgd",
    ] {
        let (_, fig) = shipped_figure(name);
        let pic = &fig.picture;
        let sequential = frames::sequential_frames(pic).unwrap();
        let chunked = frames::all_frames(pic).unwrap();
        assert_eq!(sequential.len(), pic.steps + 1, "{name}");
        assert!(
            sequential.last().unwrap().data() == chunked.last.data(),
            "{name}: last frame"
        );
        for (step, frame) in sequential.iter().enumerate() {
            let s = still(pic, step).unwrap();
            let (d, e) = (frame.data(), s.data());
            if let Some(i) = (0..d.len() / 4).find(|&i| d[i * 4..i * 4 + 4] != e[i * 4..i * 4 + 4])
            {
                let w = pic.width as usize;
                panic!(
                    "{name}, step {step}: pixel ({}, {}) is {:?} incrementally, {:?} in the still",
                    i % w,
                    i / w,
                    &d[i * 4..i * 4 + 4],
                    &e[i * 4..i * 4 + 4]
                );
            }
        }
    }
}

/// Chunks carried on from the chunk before (one thread), and chunks that idle threads start
/// from their snapshots, from the last one back, into the canvases of chunks done before them
/// (four threads): every frame is still the frame composed from step 0, pixel for pixel.
#[test]
fn chunks_carried_on_or_started_from_snapshots_make_the_same_frames() {
    let (_, fig) = shipped_figure("adamw_decay");
    let pic = &fig.picture;
    let digest = |p: &tiny_skia::Pixmap| {
        use sha2::Digest;
        sha2::Sha256::digest(p.data()).to_vec()
    };
    let sequential: Vec<Vec<u8>> = frames::sequential_frames(pic)
        .unwrap()
        .iter()
        .map(digest)
        .collect();
    assert!(pic.steps + 1 > 4 * 32, "five chunks at least");
    for threads in [1, 4] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let chunked: Vec<Vec<u8>> = pool.install(|| {
            let (plan, _) = frames::Plan::new(pic).unwrap();
            plan.run(|| (), |_, _, patch| digest(patch.frame()))
                .unwrap()
        });
        assert_eq!(chunked.len(), sequential.len(), "{threads} threads");
        for (step, (c, s)) in chunked.iter().zip(&sequential).enumerate() {
            assert_eq!(c, s, "{threads} threads, step {step}");
        }
    }
}

/// The loss inset is laid out when asked for and its curves grow with the steps.
#[test]
fn the_loss_inset_grows_with_the_animation() {
    let (_, fig) = shipped_figure("nesterov_lookahead");
    let r = fig.layout.inset.expect("an inset");
    let w = fig.layout.width as usize;
    let inked = |step: usize| {
        let p = still(&fig.picture, step).unwrap();
        let mut n = 0;
        for y in r.y0..r.y1 {
            for x in r.x0..r.x1 {
                let i = (y as usize * w + x as usize) * 4;
                n += usize::from(p.data()[i..i + 3] != [255, 255, 255]);
            }
        }
        n
    };
    let (a, b, c) = (inked(0), inked(10), inked(30));
    assert_eq!(a, 0, "nothing drawn at step 0");
    assert!(b > 20 && c > b, "{a} {b} {c}");
    assert!(shipped_figure("gd_vs_momentum").1.layout.inset.is_none());
}

/// The minimum stays visible when a head sits on it: the star's outline is drawn over heads.
#[test]
fn a_head_on_the_minimum_does_not_hide_it() {
    let src = "[output]\nsteps = 4\n[surface]\nkind = \"bowl\"\n[[start]]\nat = [0.0, 0.0]\n\
               [[optimizer]]\nkind = \"gd\"\nlr = 0.1\n";
    let scene = Scene::from_toml(std::path::Path::new("t.toml"), src).unwrap();
    let t = crate::pipeline::trajectories(&scene);
    let fig = Figure::new(&scene, &t).unwrap();
    let last = still(&fig.picture, 4).unwrap();
    let c = fig.layout.to_px(0, [0.0, 0.0]);
    let s = fig.layout.sizes;
    // The star's top point lies beyond the head; ink is there.
    let tip = (c.0 as f32, c.1 as f32 - s.marker_radius * 1.1);
    let w = fig.layout.width as usize;
    let i = (tip.1 as usize * w + tip.0 as usize) * 4;
    assert!(last.data()[i] < 120, "{:?}", &last.data()[i..i + 3]);
    // And ink crosses the head's disc (the outline over it).
    let dark_in_head = (-3..=3)
        .flat_map(|dx| (-3..=3).map(move |dy| (dx, dy)))
        .filter(|(dx, dy)| {
            let (x, y) = ((c.0 as i32 + dx) as usize, (c.1 as i32 + dy) as usize);
            let p = &last.data()[(y * w + x) * 4..(y * w + x) * 4 + 3];
            p.iter().all(|&v| v < 90)
        })
        .count();
    assert!(dark_in_head > 0, "the outline crosses the head");
}

/// A title too long for the canvas is shrunk a little or put on two lines, never cut: the
/// lines hold the whole title, lie on the canvas, and the plot starts under the second.
#[test]
fn long_titles_wrap_and_push_the_plot_down() {
    let fonts = crate::text::embedded();
    let window = Window::new((-1.0, 1.0), (-1.0, 1.0));
    let short = "Gradient descent";
    let long = "A run that diverges beside two that converge, and a title long enough that it \
                cannot stay on one line of a small canvas";
    let plain = Layout::new(640, 240, window);
    let mut one = Layout::new(640, 240, window);
    one.set_title(&fonts, short);
    assert_eq!(one.title.0, [short]);
    assert_eq!(one.region, plain.region, "a short title moves nothing");
    let mut two = Layout::new(640, 240, window);
    two.set_title(&fonts, long);
    let (lines, size) = &two.title;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(format!("{} {}", lines[0], lines[1]), long);
    for l in lines {
        assert!(fonts.width(l, *size) <= 640.0 - 8.0, "{l}");
    }
    assert!(*size >= crate::picture::mark::MIN_FONT);
    let second_bottom = two.title_y + (size * 1.2).ceil() + size * 0.6;
    assert!(
        two.region.y0 as f32 >= second_bottom,
        "{:?} vs {second_bottom}",
        two.region
    );
    assert!(two.region.height() < plain.region.height());
}

/// The minima read apart: a white star at the global minimum, a smaller grey one at the local
/// minimum, a diamond at the saddle between them, and a legend row for each kind.
#[test]
fn global_and_local_minima_and_the_saddle_are_marked_apart() {
    use crate::picture::mark::{PolygonShape, LOCAL_MINIMUM};
    let (scene, fig) = shipped_figure("multiple_minima");
    // (shape, fill, centre, radius)
    type Polygon = (PolygonShape, Option<Rgb>, (f32, f32), f32);
    let polygons: Vec<Polygon> = fig
        .picture
        .items
        .iter()
        .filter(|i| i.layer == Layer::Over)
        .filter_map(|i| match &i.kind {
            ItemKind::Mark(Mark::Polygon {
                shape, fill, c, r, ..
            }) => Some((*shape, *fill, *c, *r)),
            _ => None,
        })
        .collect();
    let at = |p: Point| {
        let q = fig.layout.to_px(0, p);
        (q.0 as f32, q.1 as f32)
    };
    let minima = scene.surface.minima();
    assert_eq!(scene.surface.global_minimum_count(), 1);
    let global = polygons
        .iter()
        .find(|m| m.0 == PolygonShape::Star && m.1 == Some(WHITE))
        .expect("a white star");
    let local = polygons
        .iter()
        .find(|m| m.0 == PolygonShape::Star && m.1 == Some(LOCAL_MINIMUM))
        .expect("a grey star");
    assert_eq!(global.2, at(minima[0]));
    assert_eq!(local.2, at(minima[1]));
    assert!(local.3 < global.3, "the shallow pit's star is the smaller");
    let saddle = polygons
        .iter()
        .find(|m| m.0 == PolygonShape::Diamond)
        .expect("a diamond");
    assert_eq!(saddle.2, at(scene.surface.saddles()[0]));
    let rows: Vec<&str> = fig.legend.iter().map(|e| e.text.as_str()).collect();
    for row in ["global minimum", "local minimum", "saddle point"] {
        assert!(rows.contains(&row), "{rows:?}");
    }
    // One minimum alone is just "minimum".
    let (_, fig) = shipped_figure("gd_vs_momentum");
    let rows: Vec<&str> = fig.legend.iter().map(|e| e.text.as_str()).collect();
    assert!(rows.contains(&"minimum") && !rows.contains(&"local minimum"));
}

/// A run that leaves the window keeps a head: a triangle in its colour on the plot's edge,
/// pointing the way it went, in every frame it is out; and its legend row says from when.
#[test]
fn a_run_out_of_the_window_waits_on_its_edge() {
    use crate::picture::mark::PolygonShape;
    let src = "[output]\nsteps = 30\n[surface]\nkind = \"saddle\"\nx = [-2, 2]\ny = [-2, 2]\n\
               [[start]]\nat = [1.5, 0.05]\n[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n";
    let scene = Scene::from_toml(std::path::Path::new("t.toml"), src).unwrap();
    let t = crate::pipeline::trajectories(&scene);
    let fig = Figure::new(&scene, &t).unwrap();
    let gone = t[0]
        .positions
        .iter()
        .position(|p| !scene.view.contains(*p))
        .expect("the run leaves the window");
    assert!(gone < 30);
    let note = fig.legend[0].note.as_deref();
    assert_eq!(note, Some(format!("off-plot at step {gone}").as_str()));
    let panel = fig.layout.panels[0].rect;
    for step in [gone - 1, gone, 30] {
        let mut marks = Vec::new();
        for item in &fig.picture.items {
            if let ItemKind::Track(track @ Track::Heads { .. }) = &item.kind {
                fig.picture
                    .track_marks(track, fig.picture.clip_of(item), step, &mut marks);
            }
        }
        let triangle = marks.iter().find_map(|m| match m {
            Mark::Polygon {
                shape: PolygonShape::Triangle { degrees },
                c,
                fill,
                ..
            } => Some((*degrees, *c, *fill)),
            _ => None,
        });
        if step < gone {
            assert!(triangle.is_none(), "step {step}: {marks:?}");
            continue;
        }
        let (degrees, c, fill) = triangle.unwrap_or_else(|| panic!("step {step}: {marks:?}"));
        // Pixels grow downwards: the run goes up (y grows) out of the top edge, at 270°.
        assert_eq!(degrees, 270, "step {step}");
        assert_eq!(fill, Some(fig.runs[0].colour));
        assert!(panel.contains((f64::from(c.0), f64::from(c.1))));
        assert!(
            f64::from(c.1) - f64::from(panel.y0) < f64::from(fig.layout.sizes.head_radius) * 2.0
        );
    }
}

/// The data view: a panel right of the plot, level with it and clear of the legend, its data
/// points drawn once, and per run one line track on the step clock of its path: at step k the
/// line y = m_k·x + b_k of the run's position k, in the SVG and in the painted frame.
#[test]
fn the_data_view_draws_each_runs_line_in_step_with_its_path() {
    let (scene, fig) = shipped_figure("minibatch_sgd");
    let t = crate::pipeline::trajectories(&scene);
    let d = fig.layout.data.clone().expect("a data view");
    let plot = fig.layout.plot;
    assert!(
        d.rect.x0 >= plot.x1 + fig.layout.y_label_area,
        "{d:?} {plot:?}"
    );
    assert!(d.rect.x1 < fig.layout.legend_x);
    assert_eq!((d.rect.y0, d.rect.y1), (plot.y0, plot.y1));
    assert!(d.rect.width() > 150, "{d:?}");
    let pic = &fig.picture;
    let clip = pic
        .clips
        .iter()
        .position(|c| *c == d.rect)
        .expect("its clip");
    let points = scene.surface.data_points().unwrap();
    let dots = pic
        .items
        .iter()
        .filter(|i| i.layer == Layer::Top && matches!(i.kind, ItemKind::Mark(Mark::Disc { .. })))
        .count();
    assert_eq!(dots, points.len());
    let lines: Vec<(usize, &Track)> = pic
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            ItemKind::Track(tr @ Track::Lines { .. }) => {
                assert_eq!(i.clip, Some(clip));
                Some((i.run.expect("a run's line"), tr))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        lines.iter().map(|l| l.0).collect::<Vec<_>>(),
        (0..scene.runs.len()).collect::<Vec<_>>()
    );
    let (x0, x1) = d.window.x;
    for (run, track) in &lines {
        let Track::Lines { ends, colour, .. } = track else {
            unreachable!()
        };
        assert_eq!(ends.len(), t[*run].positions.len());
        assert_eq!(*colour, fig.runs[*run].colour);
        for step in [0, 7, pic.steps] {
            let [m, b] = t[*run].positions[step];
            // The line's pixel y at pixel x, from the data window.
            let y_at = |px: f64| {
                let x = x0 + (px - f64::from(d.rect.x0)) / f64::from(d.rect.width()) * (x1 - x0);
                d.to_px([x, m * x + b]).1
            };
            let mut marks = Vec::new();
            pic.track_marks(track, d.rect, step, &mut marks);
            let [Mark::Capsule { a, b: e, .. }] = marks.as_slice() else {
                panic!("run {run}, step {step}: {marks:?}")
            };
            for p in [a, e] {
                assert!(
                    (f64::from(p.1) - y_at(f64::from(p.0))).abs() < 0.05,
                    "{p:?}"
                );
            }
            // The SVG of the step draws that stroke in the run's colour.
            let svg = crate::picture::svg::write(pic, step, &|_| Vec::new());
            let stroke = format!(
                "M{} {}L{} {}",
                crate::picture::svg::n32(a.0),
                crate::picture::svg::n32(a.1),
                crate::picture::svg::n32(e.0),
                crate::picture::svg::n32(e.1)
            );
            assert!(svg.contains(&stroke), "run {run}, step {step}: {stroke}");
        }
    }
    // In the painted frame, the last run's line (drawn over the others) has its colour where
    // it crosses the panel's middle, away from the data points.
    let (run, track) = lines.last().unwrap();
    for step in [0, 7] {
        let mut marks = Vec::new();
        pic.track_marks(track, d.rect, step, &mut marks);
        let Mark::Capsule { a, b, .. } = marks[0] else {
            unreachable!()
        };
        let frame = still(pic, step).unwrap();
        let w = pic.width as usize;
        let on_line = (0..=20)
            .map(|k| {
                let s = 0.25 + 0.5 * k as f32 / 20.0;
                (a.0 + s * (b.0 - a.0), a.1 + s * (b.1 - a.1))
            })
            .filter(|&(x, y)| {
                points.iter().all(|&p| {
                    let q = d.to_px(p);
                    (q.0 - f64::from(x)).hypot(q.1 - f64::from(y)) > 8.0
                })
            })
            .filter(|&(x, y)| {
                let i = (y as usize * w + x as usize) * 4;
                frame.data()[i..i + 3] == fig.runs[*run].colour
            })
            .count();
        assert!(
            on_line >= 5,
            "step {step}: {on_line} samples in the run's colour"
        );
    }
}
