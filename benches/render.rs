//! `cargo bench`: how fast `render` is, stage by stage and as a whole process, with the sizes of
//! what it writes. Figures are medians over repeated runs; nothing here asserts a time.
//!
//! The whole-process figure runs the release `render` binary (built by `cargo bench` itself via
//! `cargo build --release` beforehand; see the justfile's `bench` recipe).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use inertia::encode::{self, palette::NearestCache};
use inertia::picture::frames::Plan;
use inertia::pipeline;
use inertia::render::Figure;
use inertia::report::NoProgress;
use inertia::scene::{self, Scene};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Times each stage of one scene in-process (warm: after the first repetition, buffers and
/// caches are hot, so this is the compute cost without process start-up).
fn stages(scene: &Scene, reps: usize) {
    let names = [
        "trajectories",
        "background",
        "plan",
        "palette",
        "frames",
        "png",
        "svg",
        "gif",
        "player",
        "pdf",
    ];
    let mut times: Vec<Vec<Duration>> = vec![vec![]; names.len()];
    let mut gif_len = 0;
    for _ in 0..reps {
        let mut lap = {
            let mut t = Instant::now();
            move |times: &mut Vec<Vec<Duration>>, i: usize| {
                times[i].push(t.elapsed());
                t = Instant::now();
            }
        };
        let trajectories = pipeline::trajectories(scene);
        lap(&mut times, 0);
        let figure = Figure::new(scene, &trajectories).expect("figure");
        lap(&mut times, 1);
        let picture = &figure.picture;
        let (plan, keyframes) = Plan::new(picture).expect("plan");
        lap(&mut times, 2);
        let encoder = pipeline::gif_encoder(&figure, &plan, &keyframes);
        let delays =
            encode::gif::frame_delays(picture.steps + 1, scene.output.fps, scene.output.hold);
        lap(&mut times, 3);
        // Frames are compressed for the GIF as they are drawn.
        let frames = plan
            .run(NearestCache::default, |cache, _, p| encoder.frame(p, cache))
            .expect("frames");
        lap(&mut times, 4);
        let _ = encode::png::encode(&keyframes.last).expect("png");
        lap(&mut times, 5);
        let _ = inertia::picture::svg::write(picture, picture.steps, &encode::png::encode_image);
        lap(&mut times, 6);
        let gif = encoder.assemble(frames, &delays).expect("gif");
        lap(&mut times, 7);
        gif_len = gif.len();
        let caption = inertia::caption::describe(scene, &trajectories);
        let _ = inertia::player::html(
            scene,
            &trajectories,
            &figure,
            &caption,
            &encode::png::encode_image,
        );
        lap(&mut times, 8);
        let _ = inertia::picture::pdf::frames(&figure.picture, &encode::png::encode_image);
        lap(&mut times, 9);
    }
    let parts: Vec<String> = names
        .iter()
        .zip(times)
        .map(|(n, t)| format!("{n} {}", ms(median(t))))
        .collect();
    println!(
        "  stages, in-process, median of {reps}: {} ; gif {gif_len} bytes",
        parts.join(", ")
    );
}

/// Times the whole `render` process on each of `scenes` (runs alternating between them, so a
/// machine's drift spreads over all alike); medians, in order.
fn process(binary: &Path, scenes: &[&Path], out: &Path, reps: usize) -> Vec<Duration> {
    let mut times = vec![vec![]; scenes.len()];
    for _ in 0..reps {
        for (scene, times) in scenes.iter().zip(&mut times) {
            let t = Instant::now();
            let status = Command::new(binary)
                .args(["--quiet", "--force", "--out"])
                .arg(out)
                .arg(scene)
                .status()
                .expect("run render");
            times.push(t.elapsed());
            assert!(status.success());
        }
    }
    times.into_iter().map(median).collect()
}

/// A copy of the scene at `path` in `dir` that writes `formats`.
fn with_formats(path: &Path, dir: &Path, suffix: &str, formats: &str) -> PathBuf {
    let text = std::fs::read_to_string(path).expect("bench scene");
    let copy = dir.join(format!(
        "{}-{suffix}.toml",
        path.file_stem().unwrap().to_string_lossy()
    ));
    std::fs::create_dir_all(dir).expect("bench folder");
    std::fs::write(
        &copy,
        text.replacen("[output]", &format!("[output]\nformats = {formats}"), 1),
    )
    .expect("bench scene copy");
    copy
}

/// How much `gifsicle -O3` (a lossless GIF optimizer) can still shrink the GIF, when installed.
fn gifsicle_check(gif: &Path, size: u64) {
    let optimized = gif.with_extension("O3.gif");
    let status = Command::new("gifsicle")
        .arg("-O3")
        .arg(gif)
        .arg("-o")
        .arg(&optimized)
        .status();
    match status {
        Ok(s) if s.success() => {
            let o3 = std::fs::metadata(&optimized)
                .map(|m| m.len())
                .unwrap_or(size);
            let shrink = 100.0 * (size as f64 - o3 as f64) / size as f64;
            println!("  gifsicle -O3: {o3} bytes, {shrink:.1} % smaller");
        }
        _ => println!("  (install gifsicle to see how far the GIF is from its lossless optimum)"),
    }
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
        let _ = pipeline::render(&scene, &NoProgress);
        if binary.exists() {
            // The scene as it is (the default formats, the player among them), without the
            // player, and with the frames PDF too.
            let scenes = out.join("scenes");
            let plain = with_formats(path, &scenes, "plain", r#"["gif", "png", "svg", "csv"]"#);
            let pdf = with_formats(
                path,
                &scenes,
                "pdf",
                r#"["gif", "png", "svg", "csv", "html", "pdf"]"#,
            );
            let t = process(&binary, &[path, &plain, &pdf], &out, reps);
            let gif = out.join(format!("{}.gif", scene.output.name));
            let size = std::fs::metadata(&gif).map(|m| m.len()).unwrap_or(0);
            let html = out.join(format!("{}.html", scene.output.name));
            let html_size = std::fs::metadata(&html).map(|m| m.len()).unwrap_or(0);
            let pdf_file = out.join(format!("{}.frames.pdf", scene.output.name));
            let pdf_size = std::fs::metadata(&pdf_file).map(|m| m.len()).unwrap_or(0);
            println!(
                "  whole `render` process (medians of {reps}): {} ; without the player {} ; \
                 with the player and the frames PDF {}",
                ms(t[0]),
                ms(t[1]),
                ms(t[2])
            );
            println!(
                "  {} {size} bytes ; player {html_size} bytes ; frames PDF {pdf_size} bytes",
                gif.display()
            );
            gifsicle_check(&gif, size);
        } else {
            println!("  (build target/release/render to time the whole process)");
        }
    }
    let _ = std::fs::remove_dir_all(&out);
}
