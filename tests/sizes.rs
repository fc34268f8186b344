//! Outputs whose size must not grow faster than the work they describe: the CSV's rows stay
//! short however small the numbers get, and the SVG's paths cost a few bytes per segment.

mod common;

use common::TempDir;
use inertia::scene;

/// Four runs on a bowl for 5000 steps: gradient descent, heavy ball, Nesterov and Adam all
/// converge, so positions and losses shrink towards 1e-300 and below.
const CONVERGING: &str = r#"
title = "Five thousand steps"

[output]
name = "long"
steps = 5000

[surface]
kind = "quadratic"
a = 1.0
b = 10.0

[[start]]
at = [2.5, -2.0]

[[optimizer]]
label = "GD"
kind = "gd"
lr = 0.05

[[optimizer]]
label = "Momentum β={beta}"
kind = "momentum"
lr = 0.05
beta = 0.9

[[optimizer]]
label = "Nesterov β={beta}"
kind = "nesterov"
lr = 0.05
beta = 0.9

[[optimizer]]
label = "Adam"
kind = "adam"
lr = 0.1
"#;

fn load(dir: &TempDir, name: &str, text: &str) -> scene::Scene {
    scene::load(&dir.write(name, text)).expect("a valid scene")
}

/// Rows stay short at any step count: a number that converges to zero is written with an
/// exponent (`1.8e-169`), not as hundreds of digits; and every number reads back exactly.
#[test]
fn csv_rows_stay_short_and_numbers_read_back_exactly() {
    let dir = TempDir::new("sizes", "csv");
    let scene = load(&dir, "long.toml", CONVERGING);
    let trajectories = inertia::pipeline::trajectories(&scene);
    let smallest = trajectories
        .iter()
        .flat_map(|t| t.losses.iter())
        .copied()
        .filter(|&l| l != 0.0)
        .fold(f64::INFINITY, |a, l| a.min(l.abs()));
    assert!(
        smallest < 1e-150,
        "the runs reach tiny numbers: {smallest:e}"
    );
    let csv = String::from_utf8(inertia::encode::csv::encode(
        &scene.runs,
        &trajectories,
        scene.surface.dims(),
    ))
    .unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 4 * 5001);
    let bytes = rows.iter().map(|r| r.len() + 1).sum::<usize>();
    let per_row = bytes as f64 / rows.len() as f64;
    eprintln!("CSV: {per_row:.1} bytes per row");
    assert!(per_row <= 80.0, "{per_row:.1} bytes per row");
    let longest = rows.iter().map(|r| r.len()).max().unwrap();
    assert!(longest <= 100, "a row of {longest} bytes");
    for row in rows {
        let f: Vec<&str> = row.split(',').collect();
        let (run, step): (usize, usize) = (f[0].parse().unwrap(), f[2].parse().unwrap());
        let t = &trajectories[run];
        let read = |s: &str| s.parse::<f64>().unwrap().to_bits();
        assert_eq!(read(f[3]), t.positions[step][0].to_bits(), "{row}");
        assert_eq!(read(f[4]), t.positions[step][1].to_bits(), "{row}");
        assert_eq!(read(f[5]), t.losses[step].to_bits(), "{row}");
    }
}

/// The bytes the trails add to the SVG per segment drawn: the document at the last step
/// against the document at step 0 (no trail yet), over the segments drawn in between.
fn svg_bytes_per_segment(scene: &scene::Scene) -> f64 {
    let trajectories = inertia::pipeline::trajectories(scene);
    let figure = inertia::render::Figure::new(scene, &trajectories).unwrap();
    let picture = &figure.picture;
    let no_png = |_: &inertia::picture::Image| Vec::new();
    let last = inertia::picture::svg::write(picture, picture.steps, &no_png);
    let first = inertia::picture::svg::write(picture, 0, &no_png);
    let segments: usize = trajectories
        .iter()
        .map(|t| t.positions.len().saturating_sub(1))
        .sum();
    (last.len() - first.len()) as f64 / segments as f64
}

/// Trails cost a few bytes per segment: each stroke is written relative to the point before
/// with the attributes the clip's strokes share on their group and its colour as a short class,
/// a run that has settled writes nothing more, and a stroke is cut only where another run
/// really painted over its way.
/// (Scenes with overlays are left out: their markers at the last step weigh in.)
#[test]
fn svg_paths_cost_a_few_bytes_per_segment() {
    let dir = TempDir::new("sizes", "svg");
    let noisy = CONVERGING.replace(
        "lr = 0.05\n",
        "lr = 0.05\nnoise = { std = 1.0, seed = 1 }\n",
    );
    let mut scenes = vec![
        (
            "converging".to_string(),
            load(&dir, "long.toml", CONVERGING),
        ),
        ("noisy".to_string(), load(&dir, "noisy.toml", &noisy)),
    ];
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes");
    let mut paths: Vec<_> = std::fs::read_dir(shipped)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    for path in paths {
        let scene = scene::load(&path).unwrap();
        if scene.draw.overlays.is_empty() {
            scenes.push((path.display().to_string(), scene));
        }
    }
    for (name, scene) in &scenes {
        let per_segment = svg_bytes_per_segment(scene);
        eprintln!("{name}: {per_segment:.1} SVG bytes per segment");
        // Minibatch paths jitter across one another at nearly every step, so their strokes are
        // cut into pieces of a segment or two (each piece starts a new path): a looser bound.
        let bound = if name.ends_with("minibatch_sgd.toml") {
            48.0
        } else {
            36.0
        };
        assert!(
            per_segment <= bound,
            "{name}: {per_segment:.1} bytes per segment"
        );
    }
}
