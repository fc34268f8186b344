use super::*;

fn scene(src: &str) -> Scene {
    Scene::from_toml(std::path::Path::new("t.toml"), src).unwrap()
}

#[test]
fn log_ticks_are_powers_of_ten_or_plain_decimals_with_a_true_minus() {
    assert_eq!(log_tick(1e-5), "1e−5");
    assert_eq!(log_tick(1.0), "1e0");
    assert_eq!(log_tick(1e3), "1e3");
    assert_eq!(log_tick(2.0), "2");
    assert_eq!(log_tick(0.05), "0.05");
    assert_eq!(log_tick(300.0), "300");
    assert_eq!(log_tick(2e-5), "2e−5");
}

fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// The texts of an SVG the picture writer made (each line of text is a group labelled with
/// it).
fn texts(svg: &str) -> Vec<String> {
    svg.split("aria-label=\"")
        .skip(1)
        .filter_map(|t| t.split('"').next())
        .map(|t| {
            t.replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
        })
        .collect()
}

/// The number of points of each stroked path of colour `c`.
fn stroked_paths(svg: &str, c: Rgb) -> Vec<usize> {
    let stroke = format!("stroke=\"{}\"", hex(c));
    svg.lines()
        .filter(|l| l.starts_with("<path d=\"M") && l.contains(&stroke))
        .filter_map(|l| l.split("d=\"").nth(1))
        .map(|d| {
            d.split('"')
                .next()
                .unwrap_or("")
                .matches(['M', 'L'])
                .count()
        })
        .collect()
}

/// The legend goes to a corner its box hides nothing in; when every corner holds data, the y
/// axis grows so the box sits above the data in an upper corner.
#[test]
fn the_legend_takes_an_empty_corner_or_makes_room() {
    let plan = |lines: &[Vec<(f64, f64)>], size| plan_corner(lines, size);
    // A line falling from the upper left to the lower right: the upper right is free.
    let falling = vec![(0.0, 1.0), (1.0, 0.0)];
    let p = plan(std::slice::from_ref(&falling), (0.3, 0.3));
    assert_eq!((p.corner, p.data_share), (Corner::UpperRight, 1.0));
    // A flat line along the top and one along the bottom right: the lower left is free.
    let top = vec![(0.0, 0.95), (1.0, 0.95)];
    let bottom_right = vec![(0.6, 0.05), (1.0, 0.05)];
    let p = plan(&[top.clone(), bottom_right], (0.4, 0.3));
    assert_eq!((p.corner, p.data_share), (Corner::LowerLeft, 1.0));
    // Nothing anywhere: the upper right.
    assert_eq!(plan(&[], (0.4, 0.3)).corner, Corner::UpperRight);
    // Lines through every corner (a cross and a middle line): room is made above the data.
    let cross = [vec![(0.0, 0.0), (1.0, 1.0)], vec![(0.0, 1.0), (1.0, 0.0)]];
    let p = plan(&cross, (0.3, 0.2));
    assert!(matches!(p.corner, Corner::UpperLeft | Corner::UpperRight));
    assert!((p.data_share - 0.8).abs() < 1e-9, "{p:?}");
    // Grown by that share, the data's top is at 0.8 of the plot, the box above it.
    let (lo, hi) = p.grow_linear(0.0, 1.0);
    assert!((lo, (hi - 1.25).abs() < 1e-9) == (0.0, true), "{hi}");
    let (_, hi) = p.grow_log(1e-4, 1.0);
    assert!((hi.log10() - 1.0).abs() < 1e-9, "{hi}");
    // Only the data under the box's span counts: a peak on the far side needs no room.
    let peak_left = vec![(0.0, 0.0), (0.2, 1.0), (0.4, 0.5), (1.0, 0.5)];
    let p = plan(&[peak_left, vec![(0.0, 0.05), (1.0, 0.05)]], (0.3, 0.3));
    assert_eq!(p.corner, Corner::UpperRight);
    assert!(
        (p.data_share - 1.0).abs() < 1e-9 || p.data_share > 0.99,
        "{p:?}"
    );
}

/// A run that converges exactly (GD with lr ½ on x² + y² lands on the minimum in one step)
/// ends its lines at the floor instead of running along the bottom.
#[test]
fn loss_lines_end_where_they_reach_the_floor() {
    let s = scene(
        "[output]\nsize = [320, 240]\nsteps = 20\n[surface]\nkind = \"bowl\"\n\
         [[start]]\nat = [1, 1]\n[[optimizer]]\nkind = \"gd\"\nlr = 0.5\n",
    );
    let t = crate::pipeline::trajectories(&s);
    assert_eq!(t[0].losses[1], 0.0, "exact convergence in one step");
    let files = charts(&s, &t, true, true).unwrap();
    let svg = String::from_utf8(files[1].1.clone()).unwrap();
    let lines = stroked_paths(&svg, run_colour(&s, 0));
    // f − f* and the distance, each from step 0 to step 1 (the legend swatch has 2 too).
    assert!(lines.len() >= 2, "{lines:?}");
    assert!(lines.iter().all(|&n| n == 2), "{lines:?}");
}

#[test]
fn loss_charts_come_in_png_and_svg_with_every_run() {
    let s = scene(
        "title = \"T\"\n[output]\nsize = [320, 240]\nsteps = 30\n[surface]\nkind = \"quadratic\"\n[[start]]\nat = [2.5, -2]\n[[optimizer]]\nlabel = \"GD run\"\nkind = \"gd\"\nlr = 0.05\n[[optimizer]]\nlabel = \"Heavy ball\"\nkind = \"momentum\"\nlr = 0.05\n",
    );
    let t = crate::pipeline::trajectories(&s);
    let files = charts(&s, &t, true, true).unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(names, [".loss.png", ".loss.svg"]);
    let svg = String::from_utf8(files[1].1.clone()).unwrap();
    assert!(svg.contains("GD run") && svg.contains("Heavy ball") && svg.contains("convergence"));
    let png = image::load_from_memory(&files[0].1).unwrap().to_rgb8();
    assert_eq!((png.width(), png.height()), (320, 180));
    // Both run colours are drawn; anti-aliasing leaves in-between shades too.
    let has = |c: Rgb| png.pixels().any(|p| p.0 == c);
    assert!(has(style::PALETTE[0]) && has(style::PALETTE[1]));
    let distinct: std::collections::BTreeSet<[u8; 3]> = png.pixels().map(|p| p.0).collect();
    assert!(distinct.len() > 50);
    // Deterministic.
    assert_eq!(charts(&s, &t, true, true).unwrap(), files);
    // One format asked for: only its file, the same bytes.
    assert_eq!(charts(&s, &t, true, false).unwrap(), files[..1]);
    assert_eq!(charts(&s, &t, false, true).unwrap(), files[1..]);
    assert!(charts(&s, &t, false, false).unwrap().is_empty());
}

/// The map's own ρ = 1 edge (the first cell of each row that diverges) is the textbook bound
/// lr = 2(1 + β)/λ_max (heavy ball) and 2(1 + β)/((1 + 2β)·λ_max) (Nesterov), within a cell.
#[test]
fn the_stability_maps_edge_is_the_theory_bound_within_one_cell() {
    let c = (1.0, 25.0);
    let s = scene(
        "[surface]\nkind = \"quadratic\"\nb = 25\n[[start]]\nat = [1, 1]\n\
         [[optimizer]]\nkind = \"gd\"\nlr = 0.01\n",
    );
    let lr_max = map_lr_max(c, &s);
    assert_eq!(
        lr_max,
        1.1 * theory::max_stable_lr(Method::HeavyBall, 0.99, 25.0)
    );
    let cell = lr_max / MAP_CELLS as f64;
    for method in [Method::HeavyBall, Method::Nesterov] {
        for (j, row) in stability_grid(method, c, lr_max).iter().enumerate() {
            let beta = (j as f64 + 0.5) / MAP_CELLS as f64 * 0.99;
            let bound = theory::max_stable_lr(method, beta, c.1);
            match row.iter().position(|&rho| rho >= 1.0) {
                Some(i) => {
                    let edge = i as f64 * cell;
                    assert!(
                        (edge - bound).abs() <= cell,
                        "{method:?} β={beta}: edge {edge} vs {bound}"
                    );
                }
                None => assert!(bound >= lr_max - cell, "{method:?} β={beta}"),
            }
        }
    }
}

#[test]
fn asked_for_charts_are_drawn_and_need_a_quadratic() {
    let src = "[output]\nsize = [320, 240]\nsteps = 10\n[surface]\nkind = \"quadratic\"\nb = 25\n[draw]\ncharts = [\"rate\", \"stability\"]\n[[start]]\nat = [1, 1]\n[[optimizer]]\nkind = \"momentum\"\nlr = 0.05\n";
    let s = scene(src);
    let t = crate::pipeline::trajectories(&s);
    let files = charts(&s, &t, true, true).unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        names,
        [".rate.png", ".rate.svg", ".stability.png", ".stability.svg"]
    );
    // The map's key: a colour bar of the 12 bands from the best ρ on either map (at Polyak's
    // optimum for κ = 25: (√25 − 1)/(√25 + 1) = 0.67, the grid's best within a cell) to 1.
    let svg = String::from_utf8(files[3].1.clone()).unwrap();
    assert!(svg.contains("diverges") && svg.contains("0.67"), "the key");
    for b in 0..12 {
        let c = style::band_colour(f64::from(b) / 11.0);
        let fill = format!("fill=\"{}\"", hex(c));
        assert!(svg.contains(&fill), "band {b} in the key");
    }
    let rosen = src.replace("kind = \"quadratic\"\nb = 25", "kind = \"rosenbrock\"");
    let e = Scene::from_toml(std::path::Path::new("t.toml"), &rosen).unwrap_err();
    assert_eq!(e.key, "draw.charts");
    assert!(e.message.contains("convex quadratic"), "{e}");
    let typo = src.replace("\"rate\"", "\"rates\"");
    let e = Scene::from_toml(std::path::Path::new("t.toml"), &typo).unwrap_err();
    assert_eq!(e.hint.as_deref(), Some("did you mean `rate`?"));
}

/// The series the EWMA chart averages is exactly the noisy gradients the run stepped with:
/// for gradient descent, g_k = (θ_k − θ_{k+1})/lr.
#[test]
fn the_ewma_series_is_the_gradient_the_run_used() {
    let src = "[output]\nsize = [320, 240]\nsteps = 25\n[surface]\nkind = \"quadratic\"\n[draw]\ncharts = [\"ewma\"]\n[[start]]\nat = [2, 1]\n[[optimizer]]\nkind = \"gd\"\nlr = 0.05\nnoise = { std = 2.0, seed = 5 }\n";
    let s = scene(src);
    let t = crate::pipeline::trajectories(&s);
    let (_, xs) = noisy_gradients(&s, &t).unwrap();
    assert_eq!(xs.len(), 25);
    for (k, g) in xs.iter().enumerate() {
        let used = (t[0].positions[k][0] - t[0].positions[k + 1][0]) / 0.05;
        assert!(
            (g - used).abs() < 1e-9 * (1.0 + used.abs()),
            "step {k}: {g} vs {used}"
        );
    }
    let names: Vec<String> = charts(&s, &t, true, true)
        .unwrap()
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(names, [".ewma.png", ".ewma.svg"]);
    let quiet = src.replace("\nnoise = { std = 2.0, seed = 5 }", "");
    let e = Scene::from_toml(std::path::Path::new("t.toml"), &quiet).unwrap_err();
    assert!(e.message.contains("needs a run with gradient noise"), "{e}");
}

#[test]
fn the_3d_view_draws_the_surface_and_every_path() {
    let src = "[output]\nsize = [320, 240]\nsteps = 20\n[surface]\nkind = \"bowl\"\n[draw]\ncharts = [\"surface3d\"]\n[[start]]\nat = [2, 1]\n[[optimizer]]\nlabel = \"GD run\"\nkind = \"gd\"\nlr = 0.1\n[[optimizer]]\nkind = \"momentum\"\nlr = 0.05\n";
    let s = scene(src);
    let t = crate::pipeline::trajectories(&s);
    let files = charts(&s, &t, true, true).unwrap();
    assert_eq!(files[0].0, ".surface3d.png");
    let png = image::load_from_memory(&files[0].1).unwrap().to_rgb8();
    assert_eq!((png.width(), png.height()), (320, 240));
    let has = |c: Rgb| png.pixels().any(|p| p.0 == c);
    assert!(
        has(style::PALETTE[0]) && has(style::PALETTE[1]),
        "both paths are drawn"
    );
    let svg = String::from_utf8(files[1].1.clone()).unwrap();
    assert!(
        svg.lines()
            .filter(|l| l.starts_with("<path") && l.contains("Z\" fill="))
            .count()
            >= 32 * 32,
        "the surface is drawn as a mesh"
    );
    // The legend names both runs; the key explains the start's ring, the minimum's star and
    // the cut; the axes are titled.
    let texts = texts(&svg);
    for t in ["GD run", "Momentum", "start", "minimum", "x", "y", "f"] {
        assert!(texts.iter().any(|x| x == t), "{t}: {texts:?}");
    }
    assert!(texts.iter().any(|t| t.starts_with("cut off above f = ")));
    // The bowl rises above the cap (a quarter above the start's height): cut cells are grey.
    let grey = hex(crate::picture::mark::MASKED.map(|v| ((u32::from(v) * 9 + 255) / 10) as u8));
    assert!(svg.contains(&grey), "cut cells");
}

/// With no known minimum there is no f*: the loss chart shows f itself, one line per run,
/// on a linear axis that holds every finite loss (a saddle's go below zero).
#[test]
fn surfaces_without_known_minima_get_a_chart_of_the_loss_itself() {
    let s = scene(
        "[output]\nsize = [320, 240]\nsteps = 30\n[surface]\nkind = \"saddle\"\n\
         [[start]]\nat = [1, 0.1]\n[[optimizer]]\nlabel = \"plain\"\nkind = \"gd\"\nlr = 0.05\n\
         [[optimizer]]\nlabel = \"heavy\"\nkind = \"momentum\"\nlr = 0.05\nbeta = 0.9\n",
    );
    let t = crate::pipeline::trajectories(&s);
    assert!(
        t[1].losses.last().unwrap() < &-1.0,
        "momentum leaves the saddle"
    );
    let files = charts(&s, &t, true, true).unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(names, [".loss.png", ".loss.svg"]);
    let svg = String::from_utf8(files[1].1.clone()).unwrap();
    assert!(svg.contains("plain") && svg.contains("heavy") && svg.contains("f(θ)"));
    assert!(!svg.contains("f(θ) − f*"), "no f* to subtract");
    // Negative tick labels: the axis reaches the lowest loss.
    let negative = |l: &String| l.starts_with('−') && l[3..].parse::<f64>().is_ok();
    assert!(texts(&svg).iter().any(negative), "a negative tick label");
    let png = image::load_from_memory(&files[0].1).unwrap().to_rgb8();
    let has = |c: Rgb| png.pixels().any(|p| p.0 == c);
    assert!(has(style::PALETTE[0]) && has(style::PALETTE[1]));
}

/// Every text item of a picture with its line box.
/// A text and its line box.
type TextBox = (String, (f32, f32, f32, f32));

fn text_boxes(picture: &Picture) -> Vec<TextBox> {
    picture
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            crate::picture::ItemKind::Text(t) => Some((t.shaped.text.clone(), t.bounds())),
            _ => None,
        })
        .collect()
}

/// The scenes of the project's `scenes/` folder, checked, with their trajectories.
fn project_scenes() -> Vec<(Scene, Vec<Trajectory>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let s = crate::scene::load(&p).unwrap();
            let t = crate::pipeline::trajectories(&s);
            (s, t)
        })
        .collect()
}

/// Scenes that once drew badly, beside the project's: a stability map of x² + 100y² (its
/// learning rates need three decimals), a diverging run on a small canvas under a long title,
/// several starts in panels on a short canvas.
const HARD_SCENES: [&str; 3] = [
    "title = \"x² + 100y²\"\n[output]\nsize = [640, 480]\nsteps = 30\n[surface]\nkind = \"quadratic\"\n\
     b = 100\n[draw]\ncharts = [\"loss\", \"rate\", \"stability\"]\n[[start]]\nat = [-2.5, 1]\n\
     [[optimizer]]\nkind = \"gd\"\nlr = 0.0198\n[[optimizer]]\nkind = \"momentum\"\nform = \"velocity\"\n\
     lr = 0.012\nbeta = 0.8\n[[optimizer]]\nkind = \"nesterov\"\nform = \"lookahead\"\nlr = 0.01\nbeta = 0.9\n",
    "title = \"A run that diverges beside two that converge, under a title long enough to need two lines\"\n\
     [output]\nsize = [640, 240]\nsteps = 60\n[surface]\nkind = \"quadratic\"\nb = 25\n\
     [draw]\ncharts = [\"loss\", \"rate\", \"stability\"]\n[[start]]\nat = [-2.5, 1]\n\
     [[optimizer]]\nlabel = \"GD lr=0.05\"\nkind = \"gd\"\nlr = 0.05\n[[optimizer]]\nkind = \"momentum\"\nlr = 0.02\nbeta = 0.9\n\
     [[optimizer]]\nlabel = \"GD lr=0.1\"\nkind = \"gd\"\nlr = 0.1\n",
    "title = \"Himmelblau\"\n[output]\nsize = [480, 300]\nsteps = 60\n[surface]\nkind = \"himmelblau\"\n\
     [draw]\npanels = \"start\"\ncharts = [\"loss\"]\n[[start]]\nat = [0, 0]\n[[start]]\nat = [-0.5, -0.5]\n\
     [[start]]\nat = [0.5, -1]\n[[optimizer]]\nlabel = \"GD from {start}\"\nkind = \"gd\"\nlr = 0.01\n\
     [[optimizer]]\nlabel = \"Momentum from {start}\"\nkind = \"momentum\"\nlr = 0.01\nbeta = 0.9\n",
];

/// Every chart of every project scene and of [`HARD_SCENES`], with the scene's name.
fn every_chart() -> Vec<(String, &'static str, Picture)> {
    let mut scenes = project_scenes();
    for src in HARD_SCENES {
        let s = scene(src);
        let t = crate::pipeline::trajectories(&s);
        scenes.push((s, t));
    }
    let mut out = Vec::new();
    for (s, t) in scenes {
        for (suffix, picture) in chart_pictures(&s, &t).unwrap() {
            out.push((format!("{}{suffix}", s.output.name), suffix, picture));
        }
    }
    out
}

/// Every stroked path of a picture: (colour, width, points).
/// A stroked path: colour, width, points.
type StrokedPath = (Rgb, f32, Vec<(f32, f32)>);

fn strokes(picture: &Picture) -> Vec<StrokedPath> {
    picture
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            crate::picture::ItemKind::Shape(sh) if sh.fill.is_none() => {
                let st = sh.stroke?;
                let points = sh
                    .path
                    .ops
                    .iter()
                    .filter_map(|op| match *op {
                        crate::picture::PathOp::MoveTo(x, y)
                        | crate::picture::PathOp::LineTo(x, y) => Some((x, y)),
                        crate::picture::PathOp::Close => None,
                    })
                    .collect();
                Some((st.colour.rgb_part(), st.width, points))
            }
            _ => None,
        })
        .collect()
}

/// Every filled shape of a picture: (colour with alpha, bounds).
fn fills(picture: &Picture) -> Vec<(crate::picture::Colour, (f32, f32, f32, f32))> {
    picture
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            crate::picture::ItemKind::Shape(sh) => Some((sh.fill?, sh.path.bounds()?)),
            _ => None,
        })
        .collect()
}

/// No two texts of any chart overlap (tick labels, titles, legends, notes): their line boxes,
/// shrunk by a pixel each way for anti-aliasing slack, are disjoint; every text lies on the
/// page and is at least the smallest text size.
#[test]
fn no_chart_text_overlaps_another_or_leaves_the_page() {
    let mut clashes = Vec::new();
    for (name, _, picture) in every_chart() {
        let boxes = text_boxes(&picture);
        for (i, (a, ba)) in boxes.iter().enumerate() {
            if ba.0 < -0.5
                || ba.1 < -0.5
                || ba.2 > picture.width as f32 + 0.5
                || ba.3 > picture.height as f32 + 0.5
            {
                clashes.push(format!("{name}: {a:?} {ba:?} leaves the page"));
            }
            for (b, bb) in &boxes[i + 1..] {
                let overlap = ba.0 + 1.0 < bb.2 - 1.0
                    && bb.0 + 1.0 < ba.2 - 1.0
                    && ba.1 + 1.0 < bb.3 - 1.0
                    && bb.1 + 1.0 < ba.3 - 1.0;
                if overlap {
                    clashes.push(format!("{name}: {a:?} {ba:?} / {b:?} {bb:?}"));
                }
            }
        }
        for item in &picture.items {
            if let crate::picture::ItemKind::Text(t) = &item.kind {
                if t.shaped.size < crate::picture::mark::MIN_FONT - 0.01 {
                    clashes.push(format!(
                        "{name}: {:?} at {} px",
                        t.shaped.text, t.shaped.size
                    ));
                }
            }
        }
    }
    assert!(clashes.is_empty(), "{}", clashes.join("\n"));
}

/// A legend never covers data: in every chart, no stroke of data (anything but the grid, the
/// box's own border and its swatches) passes through a legend box.
#[test]
fn no_legend_box_covers_data() {
    let mut covered = Vec::new();
    let mut boxes_seen = 0;
    for (name, _, picture) in every_chart() {
        // Legend boxes: translucent white fills.
        let legend_boxes: Vec<_> = fills(&picture)
            .into_iter()
            .filter(|(c, _)| c.rgb_part() == [255, 255, 255] && c.alpha() < 255 && c.alpha() > 128)
            .map(|(_, b)| b)
            .collect();
        boxes_seen += legend_boxes.len();
        for b in legend_boxes {
            let inside = |(x, y): (f32, f32)| {
                x > b.0 + 1.0 && x < b.2 - 1.0 && y > b.1 + 1.0 && y < b.3 - 1.0
            };
            for (colour, _, points) in strokes(&picture) {
                if colour == [225, 225, 225] || colour == [200, 200, 200] {
                    continue;
                }
                // The box's own swatches lie wholly inside it.
                if points.iter().all(|&p| inside(p)) {
                    continue;
                }
                let hit = points.windows(2).any(|w| {
                    (0..=8).any(|k| {
                        let t = k as f32 / 8.0;
                        inside((
                            w[0].0 + t * (w[1].0 - w[0].0),
                            w[0].1 + t * (w[1].1 - w[0].1),
                        ))
                    })
                });
                if hit {
                    covered.push(format!(
                        "{name}: a {colour:?} line under the legend at {b:?}"
                    ));
                }
            }
        }
    }
    assert!(boxes_seen >= 3, "legend boxes were found ({boxes_seen})");
    assert!(covered.is_empty(), "{}", covered.join("\n"));
}

/// A run that diverges does not set the y axis: the axis spans the converging runs' decades,
/// the diverging run is cut at the top edge and marked there, and its legend row says so.
#[test]
fn a_diverging_run_leaves_the_loss_chart_at_its_top() {
    let s = scene(HARD_SCENES[1]);
    let t = crate::pipeline::trajectories(&s);
    assert!(t[2].diverged.is_some(), "lr 0.1 on λ = 25 diverges");
    let data = LossData::new(&s, &t).unwrap();
    let (lo, hi) = log_range(&data, |r| &r.gap);
    let converging_top = t[..2]
        .iter()
        .flat_map(|t| t.losses.iter())
        .fold(0.0f64, |a, &b| a.max(b));
    assert!(
        hi <= 2.0 * converging_top + 1e-12 && lo > 0.0,
        "{lo} {hi} vs {converging_top}"
    );
    let pictures = chart_pictures(&s, &t).unwrap();
    let loss = &pictures.iter().find(|p| p.0 == ".loss").unwrap().1;
    // The highest tick of the left panel is within a decade of the converging runs' top.
    let decades: Vec<i32> = text_boxes(loss)
        .iter()
        .filter(|(_, b)| b.0 < loss.width as f32 / 2.0)
        .filter_map(|(t, _)| t.strip_prefix("1e")?.replace('−', "-").parse().ok())
        .collect();
    let top = *decades.iter().max().unwrap();
    assert!(
        f64::from(top) <= converging_top.log10().ceil() + 1.0,
        "{decades:?}"
    );
    // The diverging run's strokes stay below the panel's caption, and an upward triangle in its
    // colour marks where it leaves.
    let colour = run_colour(&s, 2);
    let caption = text_boxes(loss)
        .into_iter()
        .find(|(t, _)| t.starts_with("loss above"))
        .unwrap()
        .1;
    for (c, _, points) in strokes(loss) {
        if c == colour && points.len() > 2 {
            assert!(points.iter().all(|p| p.1 >= caption.3), "{points:?}");
        }
    }
    let triangles = loss
        .items
        .iter()
        .filter(|i| {
            matches!(&i.kind, crate::picture::ItemKind::Shape(sh)
            if sh.fill.map(|f| f.rgb_part()) == Some(colour) && sh.path.ops.len() == 4)
        })
        .count();
    assert_eq!(triangles, 2, "one exit mark per panel");
    assert!(text_boxes(loss)
        .iter()
        .any(|(t, _)| t == "GD lr=0.1 (diverges ▲)"));
}

/// Each start of a setting has its own line style when runs share a colour (panels by start),
/// named in the legend; the distance is to the global minima, so a run settled in a shallower
/// pit does not look converged.
#[test]
fn loss_lines_tell_starts_apart_and_measure_to_the_global_minimum() {
    let s = scene(HARD_SCENES[2]);
    let t = crate::pipeline::trajectories(&s);
    let data = LossData::new(&s, &t).unwrap();
    let styles: Vec<usize> = data.runs.iter().map(|r| r.style).collect();
    assert_eq!(styles, [0, 1, 2, 0, 1, 2]);
    let labels: Vec<&str> = data.start_rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        labels,
        ["from (0, 0)", "from (-0.5, -0.5)", "from (0.5, -1)"]
    );
    assert!(
        data.several_global,
        "Himmelblau's four minima are all global"
    );
    // On the shallow-pit scene, Nesterov settles in the pit: far from the deep basin.
    let (mm, tm) = project_scenes()
        .into_iter()
        .find(|(s, _)| s.output.name == "multiple_minima")
        .unwrap();
    let data = LossData::new(&mm, &tm).unwrap();
    let last = |k: usize| *data.runs[k].distance.last().unwrap();
    assert!(
        last(0) < 0.1,
        "heavy ball ends in the deep basin: {}",
        last(0)
    );
    assert!(
        last(1) > 1.5,
        "Nesterov ends in the pit, ~2 away: {}",
        last(1)
    );
}

/// The rate chart zooms to what it draws, draws each method in its runs' colour, and labels
/// the optimum right under its ring; every run's dot is whole, even at β = 0 on the axis.
#[test]
fn the_rate_chart_zooms_colours_and_labels_its_optimum() {
    let s = scene(HARD_SCENES[0]);
    let t = crate::pipeline::trajectories(&s);
    let pictures = chart_pictures(&s, &t).unwrap();
    let rate = &pictures.iter().find(|p| p.0 == ".rate").unwrap().1;
    // The y tick labels: numbers right-aligned on one edge in the left quarter.
    let numbers: Vec<(f64, f32)> = text_boxes(rate)
        .into_iter()
        .filter(|(_, b)| b.2 < rate.width as f32 / 4.0)
        .filter_map(|(t, b)| Some((t.parse().ok()?, b.2)))
        .collect();
    let on_edge = |e: f32| numbers.iter().filter(|n| (n.1 - e).abs() < 0.5).count();
    let axis = numbers
        .iter()
        .map(|n| n.1)
        .max_by_key(|&e| on_edge(e))
        .unwrap();
    let ticks: Vec<f64> = numbers
        .iter()
        .filter(|n| (n.1 - axis).abs() < 0.5)
        .map(|n| n.0)
        .collect();
    let lowest = ticks.iter().copied().fold(f64::INFINITY, f64::min);
    // κ = 100: ρ* = 9/11 = 0.818; the axis starts near it, not at 0.
    assert!(lowest > 0.6 && lowest < 0.818, "{ticks:?}");
    let colours: Vec<Rgb> = strokes(rate)
        .iter()
        .filter(|s| s.1 >= 1.4)
        .map(|s| s.0)
        .collect();
    for kind in ["gd", "momentum", "nesterov"] {
        assert!(colours.contains(&style::named_kind_colour(kind)), "{kind}");
    }
    // The ring: an ink 32-gon; the label's top a few pixels under it, centred on it.
    let ring = strokes(rate)
        .into_iter()
        .find(|(c, w, p)| *c == INK && (*w - 1.5).abs() < 0.01 && p.len() == 32)
        .unwrap();
    let (cx, cy) = (
        ring.2.iter().map(|p| p.0).sum::<f32>() / 32.0,
        ring.2.iter().map(|p| p.1).sum::<f32>() / 32.0,
    );
    let label = text_boxes(rate)
        .into_iter()
        .find(|(t, _)| t.starts_with("β* ="))
        .unwrap()
        .1;
    assert!(
        label.1 > cy && label.1 - cy < 20.0,
        "{label:?} under ({cx}, {cy})"
    );
    assert!(((label.0 + label.2) / 2.0 - cx).abs() < 1.0);
    // GD's dot at β = 0 sits on the y axis, drawn whole: as tall as it is wide.
    let gd = run_colour(&s, 0);
    let dots: Vec<_> = fills(rate)
        .into_iter()
        .filter(|(c, b)| c.rgb_part() == gd && (b.2 - b.0) > 6.0)
        .collect();
    assert!(!dots.is_empty());
    for (_, b) in dots {
        assert!(
            ((b.2 - b.0) - (b.3 - b.1)).abs() < 0.5,
            "a whole dot: {b:?}"
        );
    }
}

/// Every run theory places on the stability map is a dot named in the key under the maps, the
/// optimum a ring drawn over the dots.
#[test]
fn the_stability_maps_key_names_every_run() {
    let s = scene(HARD_SCENES[0]);
    let t = crate::pipeline::trajectories(&s);
    let pictures = chart_pictures(&s, &t).unwrap();
    let map = &pictures.iter().find(|p| p.0 == ".stability").unwrap().1;
    let texts: Vec<String> = text_boxes(map).into_iter().map(|t| t.0).collect();
    for run in &s.runs {
        assert!(texts.contains(&run.label), "{} in the key", run.label);
    }
    for i in 0..s.runs.len() {
        let c = run_colour(&s, i);
        let dots = fills(map).iter().filter(|(f, _)| f.rgb_part() == c).count();
        assert!(dots >= 2, "run {i}: a dot on its map and one in the key");
    }
    // Rings (the optimum on each map and the key's) come after every dot in the list.
    let last_dot = map
        .items
        .iter()
        .rposition(|i| matches!(&i.kind, crate::picture::ItemKind::Shape(sh)
            if sh.fill.is_some_and(|f| f.rgb_part() == run_colour(&s, 1)) && sh.path.ops.len() == 33))
        .unwrap();
    let rings: Vec<usize> = map
        .items
        .iter()
        .enumerate()
        .filter(|(_, i)| matches!(&i.kind, crate::picture::ItemKind::Shape(sh)
            if sh.fill.is_none() && sh.stroke.is_some_and(|st| st.colour.rgb_part() == INK) && sh.path.ops.len() == 33))
        .map(|(k, _)| k)
        .collect();
    assert!(rings.len() >= 2, "{rings:?}");
    assert!(rings.iter().filter(|&&k| k > last_dot).count() >= 1);
}

/// A title too long for the page takes two lines, both whole and on the page.
#[test]
fn long_chart_titles_wrap_instead_of_being_cut() {
    let s = scene(HARD_SCENES[1]);
    let t = crate::pipeline::trajectories(&s);
    for (suffix, picture) in chart_pictures(&s, &t).unwrap() {
        let boxes = text_boxes(&picture);
        let title: Vec<&TextBox> = boxes.iter().filter(|(_, b)| b.1 < 40.0).take(2).collect();
        let joined = format!("{} {}", title[0].0, title[1].0);
        assert!(
            joined.starts_with("A run that diverges") && !joined.contains('…'),
            "{suffix}: {joined}"
        );
        for (_, b) in title {
            assert!(b.0 >= 0.0 && b.2 <= picture.width as f32, "{suffix}: {b:?}");
        }
    }
}

/// The lr chart draws the rate each step used: a step schedule's line drops where the schedule
/// does (after steps 5 and 10 for step_size 5), level in between.
#[test]
fn the_lr_chart_follows_the_schedule() {
    let s = scene(
        "[output]\nsize = [320, 240]\nsteps = 12\n[surface]\nkind = \"bowl\"\n[draw]\ncharts = [\"lr\"]\n\
         [[start]]\nat = [1, 1]\n[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n\
         schedule = { kind = \"step\", step_size = 5, gamma = 0.5 }\n",
    );
    let t = crate::pipeline::trajectories(&s);
    assert_eq!(t[0].lrs[4], 0.1);
    assert_eq!(t[0].lrs[5], 0.05);
    let pictures = chart_pictures(&s, &t).unwrap();
    assert_eq!(pictures.iter().map(|p| p.0).collect::<Vec<_>>(), [".lr"]);
    // Three levels, each lower on the page (greater y) than the last.
    let levels = line_levels(&pictures[0].1, run_colour(&s, 0));
    assert_eq!(levels.len(), 3, "{levels:?}");
    assert!(levels[0] < levels[1] && levels[1] < levels[2]);
}

/// The page heights a chart's longest line in `colour` stays level at, in order along it (a
/// step schedule's line: one height per step of the schedule).
fn line_levels(picture: &Picture, colour: Rgb) -> Vec<f32> {
    let line = strokes(picture)
        .into_iter()
        .filter(|(c, _, p)| *c == colour && p.len() > 2)
        .max_by_key(|(_, _, p)| p.len())
        .unwrap()
        .2;
    let mut levels: Vec<f32> = Vec::new();
    for p in &line {
        if levels.last().is_none_or(|&y| (p.1 - y).abs() > 0.5) {
            levels.push(p.1);
        }
    }
    levels
}

/// Adagrad's `lr_decay` is part of the rate in force: its line falls step by step (every level
/// lower than the last), while a run without decay stays level.
#[test]
fn the_lr_chart_shows_adagrad_decay() {
    let s = scene(
        "[output]\nsize = [320, 240]\nsteps = 6\n[surface]\nkind = \"bowl\"\n[draw]\ncharts = [\"lr\"]\n\
         [[start]]\nat = [1, 1]\n[[optimizer]]\nkind = \"adagrad\"\nlr = 0.1\nlr_decay = 0.5\n\
         [[optimizer]]\nkind = \"gd\"\nlr = 0.1\n",
    );
    let t = crate::pipeline::trajectories(&s);
    let pictures = chart_pictures(&s, &t).unwrap();
    let levels = |run: usize| line_levels(&pictures[0].1, run_colour(&s, run));
    let decayed = levels(0);
    assert_eq!(decayed.len(), 6, "{decayed:?}");
    assert!(decayed.windows(2).all(|w| w[0] < w[1]), "{decayed:?}");
    assert_eq!(levels(1).len(), 1);
    // The first step is at the undecayed rate: level with the plain run.
    assert!((decayed[0] - levels(1)[0]).abs() < 0.5);
}

/// The numeric tick labels of one axis of a chart: those sharing the most common edge (the
/// top edge along x, the right edge along y), as (value, centre along the axis).
fn axis_ticks(picture: &Picture, along_x: bool) -> Vec<(f64, f32)> {
    let numbers: Vec<(f64, (f32, f32, f32, f32))> = text_boxes(picture)
        .into_iter()
        .filter_map(|(t, b)| Some((t.replace('−', "-").parse().ok()?, b)))
        .collect();
    let edge = |b: &(f32, f32, f32, f32)| if along_x { b.1 } else { b.2 };
    let shared = |e: f32| {
        numbers
            .iter()
            .filter(|n| (edge(&n.1) - e).abs() < 0.5)
            .count()
    };
    let axis = numbers
        .iter()
        .map(|n| edge(&n.1))
        .max_by_key(|&e| shared(e))
        .unwrap();
    numbers
        .iter()
        .filter(|n| (edge(&n.1) - axis).abs() < 0.5)
        .map(|n| {
            let b = n.1;
            (
                n.0,
                if along_x {
                    (b.0 + b.2) / 2.0
                } else {
                    (b.1 + b.3) / 2.0
                },
            )
        })
        .collect()
}

/// The pixel of value `v` on an axis, from its first and last tick labels.
fn tick_pixel(ticks: &[(f64, f32)], v: f64) -> f32 {
    let (a, b) = (ticks[0], ticks[ticks.len() - 1]);
    a.1 + ((v - a.0) / (b.0 - a.0)) as f32 * (b.1 - a.1)
}

/// The centres of the 32-gon rings stroked in colour `c`.
fn rings(picture: &Picture, c: Rgb) -> Vec<(f32, f32)> {
    strokes(picture)
        .into_iter()
        .filter(|(colour, w, p)| *colour == c && (*w - 1.5).abs() < 0.01 && p.len() == 32)
        .map(|(_, _, p)| {
            (
                p.iter().map(|q| q.0).sum::<f32>() / 32.0,
                p.iter().map(|q| q.1).sum::<f32>() / 32.0,
            )
        })
        .collect()
}

/// Nesterov's constants lr = 1/L, β = (√κ − 1)/(√κ + 1) are ringed in Nesterov's colour at
/// their place on both theory charts, with their numbers (and the rate 1 − 1/√κ) in the
/// legend or key.
#[test]
fn nesterovs_constants_are_ringed_and_numbered_on_both_theory_charts() {
    // The first hard scene is the quadratic ½(x² + 100y²): curvatures 1 and 100, κ = 100, so
    // lr = 0.01, β = 9/11, ρ = 0.9.
    let s = scene(HARD_SCENES[0]);
    let t = crate::pipeline::trajectories(&s);
    let pictures = chart_pictures(&s, &t).unwrap();
    let green = style::named_kind_colour("nesterov");
    let (lr, beta, rho) = theory::optimal_nesterov((1.0, 100.0));
    assert!((rho - 0.9).abs() < 1e-12 && (beta - 9.0 / 11.0).abs() < 1e-12);
    let numbers = format!("Nesterov's lr = 1/L = {lr:.3}, β = {beta:.3}: ρ = {rho:.3}");
    assert_eq!(numbers, "Nesterov's lr = 1/L = 0.010, β = 0.818: ρ = 0.900");
    for (suffix, x, y) in [(".rate", beta, rho), (".stability", lr, beta)] {
        let chart = &pictures.iter().find(|p| p.0 == suffix).unwrap().1;
        let texts: Vec<String> = text_boxes(chart).into_iter().map(|t| t.0).collect();
        assert!(texts.contains(&numbers), "{suffix}: {texts:?}");
        // One ring on the chart and one in the legend or key; the chart's where theory puts
        // it (the stability map's x ticks are those of its Nesterov map, the second one).
        let found = rings(chart, green);
        assert_eq!(found.len(), 2, "{suffix}: {found:?}");
        let xs = axis_ticks(chart, true);
        let ys = axis_ticks(chart, false);
        let xs: Vec<(f64, f32)> = if suffix == ".stability" {
            let mid = chart.width as f32 / 2.0;
            xs.into_iter().filter(|t| t.1 > mid).collect()
        } else {
            xs
        };
        let want = (tick_pixel(&xs, x), tick_pixel(&ys, y));
        assert!(
            found
                .iter()
                .any(|r| (r.0 - want.0).abs() < 1.5 && (r.1 - want.1).abs() < 1.5),
            "{suffix}: rings {found:?}, expected one at {want:?}"
        );
    }
}

/// The step-length chart draws, per run, the length of every step against the step number,
/// from zero: a line through (k, |θ_k − θ_{k−1}|) in the run's colour.
#[test]
fn the_step_length_chart_draws_how_far_each_step_went() {
    let s = scene(
        "[output]\nsize = [480, 320]\nsteps = 20\n[surface]\nkind = \"quadratic\"\n\
         [draw]\ncharts = [\"step_length\"]\n[[start]]\nat = [2.5, -2]\n\
         [[optimizer]]\nkind = \"gd\"\nlr = 0.05\n[[optimizer]]\nkind = \"adagrad\"\nlr = 0.3\n",
    );
    let t = crate::pipeline::trajectories(&s);
    let lengths = step_lengths(&t[1]);
    assert_eq!(lengths.len(), 20);
    for (k, &(step, len)) in lengths.iter().enumerate() {
        let (a, b) = (t[1].positions[k], t[1].positions[k + 1]);
        assert_eq!(step, (k + 1) as f64);
        assert_eq!(len, (b[0] - a[0]).hypot(b[1] - a[1]));
    }
    let pictures = chart_pictures(&s, &t).unwrap();
    let names: Vec<&str> = pictures.iter().map(|p| p.0).collect();
    assert_eq!(names, [".step_length"]);
    let chart = &pictures[0].1;
    let texts: Vec<String> = text_boxes(chart).into_iter().map(|t| t.0).collect();
    assert!(
        texts.iter().any(|t| t == "step length |θₖ − θₖ₋₁|"),
        "{texts:?}"
    );
    // Each run: a line of 20 points in its colour (its legend swatch has 2), and AdaGrad's
    // falls: its first point is the highest.
    for i in 0..2 {
        let lines: Vec<Vec<(f32, f32)>> = strokes(chart)
            .into_iter()
            .filter(|(c, _, p)| *c == run_colour(&s, i) && p.len() == 20)
            .map(|(_, _, p)| p)
            .collect();
        assert_eq!(lines.len(), 1, "run {i}");
        if i == 1 {
            let top = lines[0].iter().map(|p| p.1).fold(f32::MAX, f32::min);
            assert_eq!(lines[0][0].1, top);
        }
    }
}

/// On a curve the loss chart speaks of x, not of a vector θ.
#[test]
fn the_loss_chart_of_a_curve_titles_its_axes_in_x() {
    let s = scene(
        "[output]\nsteps = 10\n[surface]\nkind = \"quadratic1d\"\n[draw]\ncharts = [\"loss\"]\n\
         [[start]]\nat = 3.0\n[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n",
    );
    let t = crate::pipeline::trajectories(&s);
    let pictures = chart_pictures(&s, &t).unwrap();
    let texts: Vec<String> = text_boxes(&pictures[0].1)
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert!(texts.iter().any(|t| t == "|x − x*|"), "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains('θ')), "{texts:?}");
}
