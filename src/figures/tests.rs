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

/// The legend goes to the corner its box hides the least of the lines in.
#[test]
fn the_legend_takes_the_emptiest_corner() {
    // A line falling from the upper left to the lower right: the upper right is free.
    let falling = vec![(0.0, 1.0), (1.0, 0.0)];
    assert_eq!(emptiest_corner(&[falling], (0.3, 0.3)), Corner::UpperRight);
    // A flat line along the top and one along the bottom right: the lower left is free.
    let top = vec![(0.0, 0.95), (1.0, 0.95)];
    let bottom_right = vec![(0.6, 0.05), (1.0, 0.05)];
    assert_eq!(
        emptiest_corner(&[top.clone(), bottom_right], (0.4, 0.3)),
        Corner::LowerLeft
    );
    // Nothing anywhere: the upper right.
    assert_eq!(emptiest_corner(&[], (0.4, 0.3)), Corner::UpperRight);
    // The choice is made once and kept, whatever the second backend's pixel size.
    let place = LegendPlace::new(&crate::text::embedded());
    let first = place.corner(std::slice::from_ref(&top), &["a"], 10.0, (300, 200));
    assert_eq!(first, Corner::LowerRight);
    let again = place.corner(&[], &["a"], 20.0, (600, 400));
    assert_eq!(again, first);
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
    let files = charts(&s, &t).unwrap();
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
    let files = charts(&s, &t).unwrap();
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
    assert_eq!(charts(&s, &t).unwrap(), files);
}

/// The map's own ρ = 1 edge (the first cell of each row that diverges) is the textbook bound
/// lr = 2(1 + β)/λ_max (heavy ball) and 2(1 + β)/((1 + 2β)·λ_max) (Nesterov), within a cell.
#[test]
fn the_stability_maps_edge_is_the_theory_bound_within_one_cell() {
    let c = (1.0, 25.0);
    let cell = map_lr_max(c) / MAP_CELLS as f64;
    for method in [Method::HeavyBall, Method::Nesterov] {
        for (j, row) in stability_grid(method, c).iter().enumerate() {
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
                None => assert!(bound >= map_lr_max(c) - cell, "{method:?} β={beta}"),
            }
        }
    }
}

#[test]
fn asked_for_charts_are_drawn_and_need_a_quadratic() {
    let src = "[output]\nsize = [320, 240]\nsteps = 10\n[surface]\nkind = \"quadratic\"\nb = 25\n[draw]\ncharts = [\"rate\", \"stability\"]\n[[start]]\nat = [1, 1]\n[[optimizer]]\nkind = \"momentum\"\nlr = 0.05\n";
    let s = scene(src);
    let t = crate::pipeline::trajectories(&s);
    let files = charts(&s, &t).unwrap();
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
    let names: Vec<String> = charts(&s, &t).unwrap().into_iter().map(|f| f.0).collect();
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
    let files = charts(&s, &t).unwrap();
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
    let files = charts(&s, &t).unwrap();
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
