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
    let csv = String::from_utf8(inertia::encode::csv::encode(&scene.runs, &trajectories)).unwrap();
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
