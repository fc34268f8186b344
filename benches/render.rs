//! `cargo bench`: how fast `render` is, stage by stage and as a whole process, with the sizes of
//! what it writes. Figures are medians over repeated runs; nothing here asserts a time.
//!
//! The whole-process figure runs the release `render` binary (built by `cargo bench` itself via
//! `cargo build --release` beforehand; see the justfile's `bench` recipe).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use inertia::encode::{self, palette::Palette};
use inertia::pipeline;
use inertia::render::style::{self, INK, WHITE};
use inertia::render::Figure;
use inertia::scene::{self, Scene};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Times each stage of one scene in-process.
fn stages(scene: &Scene, reps: usize) {
    let mut t_traj = vec![];
    let mut t_fig = vec![];
    let mut t_frames = vec![];
    let mut t_palette = vec![];
    let mut t_gif = vec![];
    let mut t_png = vec![];
    let mut gif_len = 0;
    for _ in 0..reps {
        let t = Instant::now();
        let trajectories = pipeline::trajectories(scene);
        t_traj.push(t.elapsed());
        let t = Instant::now();
        let figure = Figure::new(scene, &trajectories).expect("figure");
        t_fig.push(t.elapsed());
        let t = Instant::now();
        let frames = inertia::render::animate::all_frames(&figure).expect("frames");
        let (patches, last) = (frames.patches, frames.last);
        t_frames.push(t.elapsed());
        if std::env::var("INERTIA_PATCHES").is_ok() {
            let a: u64 = patches
                .iter()
                .skip(1)
                .map(|p| u64::from(p.rect.width()) * u64::from(p.rect.height()))
                .sum();
            let c: usize = patches
                .iter()
                .skip(1)
                .map(|p| p.changed.iter().filter(|x| **x).count())
                .sum();
            eprintln!(
                "mean patch area {} px, mean changed {} px",
                a / (patches.len() as u64 - 1),
                c / (patches.len() - 1)
            );
        }
        let t = Instant::now();
        let mut forced: Vec<[u8; 3]> = (0..scene.runs.len()).map(style::run_colour).collect();
        forced.extend([INK, WHITE]);
        let palette = Palette::build(&[last.data(), &patches[0].rgba], &forced);
        t_palette.push(t.elapsed());
        let t = Instant::now();
        let delays = encode::gif::frame_delays(patches.len(), scene.output.fps, scene.output.hold);
        let gif = encode::gif::encode(
            figure.layout.width,
            figure.layout.height,
            &patches,
            &palette,
            &delays,
        )
        .expect("gif");
        t_gif.push(t.elapsed());
        gif_len = gif.len();
        let t = Instant::now();
        let _ = encode::png::encode(&last).expect("png");
        t_png.push(t.elapsed());
    }
    println!(
        "  stages (median of {reps}): trajectories {}, background {}, frames {}, palette {}, gif {}, png {} ; gif {} bytes",
        ms(median(t_traj)),
        ms(median(t_fig)),
        ms(median(t_frames)),
        ms(median(t_palette)),
        ms(median(t_gif)),
        ms(median(t_png)),
        gif_len
    );
}

/// Times the whole `render` process.
fn process(binary: &Path, scene: &Path, out: &Path, reps: usize) -> Duration {
    let mut times = vec![];
    for _ in 0..reps {
        let t = Instant::now();
        let status = Command::new(binary)
            .args(["--quiet", "--out"])
            .arg(out)
            .arg(scene)
            .status()
            .expect("run render");
        times.push(t.elapsed());
        assert!(status.success());
    }
    median(times)
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let binary = root.join("target/release/render");
    let out = std::env::temp_dir().join(format!("inertia-bench-{}", std::process::id()));
    let reps = 21;
    let mut scenes: Vec<PathBuf> = std::fs::read_dir(root.join("benches/scenes"))
        .expect("benches/scenes")
        .flatten()
        .map(|e| e.path())
        .collect();
    scenes.sort();
    for path in &scenes {
        let scene = scene::load(path).expect("bench scene");
        println!(
            "{} ({} frames, {} runs, {}×{})",
            path.display(),
            scene.output.steps + 1,
            scene.runs.len(),
            scene.output.width,
            scene.output.height
        );
        stages(&scene, reps);
        let _ = pipeline::render(&scene, &ProgressBar::hidden());
        if binary.exists() {
            let t = process(&binary, path, &out, reps);
            let gif = out.join(format!("{}.gif", scene.output.name));
            let size = std::fs::metadata(&gif).map(|m| m.len()).unwrap_or(0);
            println!(
                "  whole `render` process (median of {reps}): {} ; {} {} bytes",
                ms(t),
                gif.display(),
                size
            );
        } else {
            println!("  (build target/release/render to time the whole process)");
        }
    }
    let _ = std::fs::remove_dir_all(&out);
}
