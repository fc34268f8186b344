//! `cargo bench`: how fast `render` is, stage by stage and as a whole process, how much memory
//! it takes, and the sizes of what it writes. Figures are medians over repeated runs; nothing
//! here asserts a time.
//!
//! The scenes are `benches/scenes/*.toml`: `bench_60` (the gd_vs_momentum scene, 61 frames,
//! 640×480, 3 runs), the same with 200 steps, at 1280×960 and at 3840×2160, and `bench_10k`
//! (10 000 steps at 640×480, four runs with overlays). The whole-process figures run the release
//! `render` binary (the justfile's `bench` recipe builds it first), timed alone; peak memory is
//! the maximum resident set that GNU time (`/usr/bin/time`) reports, when it is installed, in
//! runs of its own (GNU time around a timed run would add its own start and wait to it).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use inertia::encode;
use inertia::picture::frames::Plan;
use inertia::pipeline;
use inertia::render::Figure;
use inertia::report::NoProgress;
use inertia::scene::{self, Scene};

/// The allocator `render` runs with, so the in-process stages are timed as the binary runs them.
#[global_allocator]
static ALLOCATOR: inertia::memory::HugePages = inertia::memory::HugePages;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Repetitions for a scene: 21 for the small ones, fewer as frames × pixels grow (at least 3).
fn repetitions(scene: &Scene) -> usize {
    let work = (scene.output.steps + 1) as f64
        * f64::from(scene.output.width)
        * f64::from(scene.output.height);
    let quad60 = 61.0 * 640.0 * 480.0;
    ((21.0 * quad60 / work).round() as usize).clamp(3, 21)
}

/// Times each stage of one scene in-process, one after another on the calling thread's pool
/// (warm: after the first repetition, buffers and caches are hot, so this is the compute cost
/// without process start-up). `render` itself overlaps the frames with the stills, the charts,
/// the player and the PDF.
fn stages(scene: &Scene, reps: usize) {
    let names = [
        "trajectories",
        "figure",
        "plan",
        "palette",
        "frames (drawn, GIF-quantized)",
        "png",
        "svg",
        "charts",
        "csv",
        "gif (compressed, assembled)",
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
        let (mut plan, keyframes) = Plan::new(picture).expect("plan");
        lap(&mut times, 2);
        let gif =
            pipeline::GifFrames::new(&figure, &mut plan, pipeline::keyframe_colours(&keyframes));
        let delays =
            encode::gif::frame_delays(picture.steps + 1, scene.output.fps, scene.output.hold);
        lap(&mut times, 3);
        let frames = plan
            .run(Default::default, |(cache, store), _, p| {
                gif.frame(p, cache, store)
            })
            .expect("frames");
        lap(&mut times, 4);
        let _ = encode::png::encode(&keyframes.last).expect("png");
        lap(&mut times, 5);
        let _ = inertia::picture::svg::write(picture, picture.steps, &encode::png::encode_image);
        lap(&mut times, 6);
        let _ = inertia::figures::charts(scene, &trajectories, true, true).expect("charts");
        lap(&mut times, 7);
        let _ = encode::csv::encode(&scene.runs, &trajectories, scene.dims());
        lap(&mut times, 8);
        let gif = gif.finish(frames, &delays).expect("gif");
        lap(&mut times, 9);
        gif_len = gif.len();
        let caption = inertia::caption::describe(scene, &trajectories);
        let _ = inertia::player::html(
            scene,
            &trajectories,
            &figure,
            &caption,
            &encode::png::encode_image,
        );
        lap(&mut times, 10);
        let _ = inertia::picture::pdf::frames(&figure.picture, &encode::png::encode_image);
        lap(&mut times, 11);
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

/// GNU time, if installed: it reports a child's peak resident set.
fn gnu_time() -> Option<PathBuf> {
    let time = PathBuf::from("/usr/bin/time");
    Command::new(&time)
        .args(["-f", "%M", "true"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| time)
}

/// One run of `render ARGS`: its wall time (the process alone: GNU time around it adds about
/// 3 ms of its own start and wait to a run).
fn run(binary: &Path, args: &[&std::ffi::OsStr]) -> Duration {
    let t = Instant::now();
    let status = Command::new(binary)
        .args(args)
        .status()
        .expect("run render");
    let elapsed = t.elapsed();
    assert!(status.success(), "render {args:?} failed");
    elapsed
}

/// The median peak resident set (KiB) of `runs` runs of `render ARGS` under GNU time, run apart
/// from the timed ones.
fn peak(time: &Path, binary: &Path, args: &[&std::ffi::OsStr], runs: usize) -> u64 {
    let mut peaks: Vec<u64> = (0..runs)
        .map(|_| {
            let output = Command::new(time)
                .args(["-f", "%M"])
                .arg(binary)
                .args(args)
                .output()
                .expect("run render");
            assert!(output.status.success(), "render {args:?} failed");
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .and_then(|l| l.trim().parse().ok())
                .unwrap_or(0)
        })
        .collect();
    peaks.sort_unstable();
    peaks[peaks.len() / 2]
}

/// The arguments that render `scene` into `out`, every output written again.
fn forced<'a>(scene: &'a Path, out: &'a Path) -> [&'a std::ffi::OsStr; 5] {
    [
        "--quiet".as_ref(),
        "--force".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
        scene.as_os_str(),
    ]
}

/// Times the whole `render` process on each of `scenes` (runs alternating between them, so a
/// machine's drift spreads over all alike): the median time of each, in order.
fn process(binary: &Path, scenes: &[&Path], out: &Path, reps: usize) -> Vec<Duration> {
    let mut times = vec![vec![]; scenes.len()];
    for _ in 0..reps {
        for (k, scene) in scenes.iter().enumerate() {
            times[k].push(run(binary, &forced(scene, out)));
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

/// The CSV's bytes per row and the SVG's bytes per trail segment of a rendered scene.
fn sizes(out: &Path, scene: &Scene) {
    let name = &scene.output.name;
    let size = |ext: &str| {
        std::fs::metadata(out.join(format!("{name}.{ext}")))
            .map(|m| m.len())
            .unwrap_or(0)
    };
    let rows = std::fs::read_to_string(out.join(format!("{name}.csv")))
        .map(|c| c.lines().count().saturating_sub(1))
        .unwrap_or(0);
    let trajectories = pipeline::trajectories(scene);
    let figure = Figure::new(scene, &trajectories).expect("figure");
    // The path segments the trails draw: each run's path, and its curve in the loss inset.
    let segments: usize = figure
        .picture
        .items
        .iter()
        .map(|item| match &item.kind {
            inertia::picture::ItemKind::Trail(t) => t.points.len().saturating_sub(1),
            _ => 0,
        })
        .sum();
    let no_png = |_: &inertia::picture::Image| Vec::new();
    let svg = |step| inertia::picture::svg::write(&figure.picture, step, &no_png).len();
    let trails = svg(figure.picture.steps).saturating_sub(svg(0));
    println!(
        "  CSV {} bytes, {:.1} bytes per row ; SVG {} bytes, trails {:.1} bytes per path segment ; \
         player {} bytes",
        size("csv"),
        size("csv") as f64 / rows.max(1) as f64,
        size("svg"),
        trails as f64 / segments.max(1) as f64,
        size("html")
    );
}

/// `render scenes/` into an empty folder, then again with nothing changed (runs alternating).
fn folder(binary: &Path, root: &Path, out: &Path, reps: usize) {
    let folder = out.join("folder");
    let scenes = root.join("scenes");
    let args = [
        "--quiet".as_ref(),
        "--out".as_ref(),
        folder.as_os_str(),
        scenes.as_os_str(),
    ];
    let (mut clean, mut unchanged) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        let _ = std::fs::remove_dir_all(&folder);
        clean.push(run(binary, &args));
        unchanged.push(run(binary, &args));
    }
    let files = std::fs::read_dir(&folder).map(|d| d.count()).unwrap_or(0);
    // The folder grows as scenes are added: the time per scene compares across its sizes.
    let count = std::fs::read_dir(&scenes)
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
                .count()
        })
        .unwrap_or(0);
    let clean = median(clean);
    println!(
        "render scenes/ (medians of {reps}): from an empty folder {} ({count} scenes, {} a \
         scene; {files} files) ; nothing changed {}",
        ms(clean),
        ms(clean / count.max(1) as u32),
        ms(median(unchanged))
    );
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let binary = root.join("target/release/render");
    let out = std::env::temp_dir().join(format!("inertia-bench-{}", std::process::id()));
    let time = gnu_time();
    let mut scenes: Vec<PathBuf> = std::fs::read_dir(root.join("benches/scenes"))
        .expect("benches/scenes")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    scenes.sort();
    // `cargo bench -- bench_60 bench_4k` times only the scenes named; the folder of `scenes/`
    // is timed only when no name is given.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if !only.is_empty() {
        scenes.retain(|p| {
            p.file_stem()
                .is_some_and(|s| only.iter().any(|o| *o == s.to_string_lossy()))
        });
    }
    let mut whole: Vec<(String, Duration)> = Vec::new();
    for path in &scenes {
        let scene = scene::load(path).expect("bench scene");
        let reps = repetitions(&scene);
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
        if !binary.exists() {
            println!("  (build target/release/render to time the whole process)");
            continue;
        }
        // The scene as it is (the default formats, the player among them), without the
        // player, and with the frames PDF too.
        let copies = out.join("scenes");
        let plain = with_formats(path, &copies, "plain", r#"["gif", "png", "svg", "csv"]"#);
        let pdf = with_formats(
            path,
            &copies,
            "pdf",
            r#"["gif", "png", "svg", "csv", "html", "pdf"]"#,
        );
        let t = process(&binary, &[path, &plain, &pdf], &out, reps);
        let peak = match &time {
            Some(time) => {
                let runs = reps.min(5);
                let kib = peak(time, &binary, &forced(path, &out), runs);
                format!(", peak {:.1} MB (median of {runs})", kib as f64 / 1024.0)
            }
            None => String::new(),
        };
        println!(
            "  whole `render` process (medians of {reps}): {}{peak} ; without the player {} ; \
             with the player and the frames PDF {}",
            ms(t[0]),
            ms(t[1]),
            ms(t[2])
        );
        whole.push((scene.output.name.clone(), t[0]));
        let name = &scene.output.name;
        let gif = out.join(format!("{name}.gif"));
        let size = std::fs::metadata(&gif).map(|m| m.len()).unwrap_or(0);
        let pdf_size = std::fs::metadata(out.join(format!("{name}.frames.pdf")))
            .map(|m| m.len())
            .unwrap_or(0);
        println!(
            "  {} {size} bytes ; frames PDF {pdf_size} bytes",
            gif.display()
        );
        sizes(&out, &scene);
        gifsicle_check(&gif, size);
    }
    let of = |name: &str| whole.iter().find(|(n, _)| n == name).map(|(_, t)| *t);
    if let (Some(t60), Some(t200)) = (of("bench_60"), of("bench_200")) {
        println!(
            "200 steps against 60: {:.2}× the time (3.3× the frames)",
            t200.as_secs_f64() / t60.as_secs_f64()
        );
    }
    if binary.exists() && only.is_empty() {
        folder(&binary, &root, &out, 7);
    }
    let _ = std::fs::remove_dir_all(&out);
}
