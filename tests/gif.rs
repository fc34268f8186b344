//! The animated GIF, decoded: frame count, size, loop, timing, the composited last frame against
//! the static figure, determinism, and a golden frame compared pixel by pixel.
//!
//! Golden images live in `tests/golden/`. Regenerate them with `INERTIA_BLESS=1 cargo test`;
//! on a mismatch a diff image (`*.diff.png`, changed pixels in magenta) is written beside the
//! rendered one under the target directory.

use std::path::{Path, PathBuf};

use inertia::pipeline;
use inertia::report::NoProgress;
use inertia::scene::Scene;

fn scene(src: &str) -> Scene {
    Scene::from_toml(Path::new("test.toml"), src).expect("valid scene")
}

fn shipped(name: &str) -> Scene {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("scenes")
        .join(name);
    inertia::scene::load(&path).expect("shipped scene")
}

fn file<'a>(out: &'a pipeline::Outputs, ext: &str) -> &'a [u8] {
    &out.files
        .iter()
        .find(|(n, _)| n.ends_with(ext))
        .expect("output")
        .1
}

/// A decoded GIF: canvas size, loop count, per-frame delays and the composited frames (RGB).
struct Decoded {
    width: usize,
    height: usize,
    repeat: gif::Repeat,
    delays: Vec<u16>,
    frames: Vec<Vec<[u8; 3]>>,
    palette: Vec<[u8; 3]>,
}

fn decode(bytes: &[u8]) -> Decoded {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::Indexed);
    let mut d = options.read_info(bytes).expect("GIF header");
    let (width, height) = (usize::from(d.width()), usize::from(d.height()));
    let palette: Vec<[u8; 3]> = d
        .global_palette()
        .expect("global palette")
        .chunks_exact(3)
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    let mut canvas = vec![[0u8; 3]; width * height];
    let mut frames = Vec::new();
    let mut delays = Vec::new();
    while let Some(f) = d.read_next_frame().expect("frame") {
        assert!(f.palette.is_none(), "frames use the global palette");
        assert_eq!(f.dispose, gif::DisposalMethod::Keep);
        for y in 0..usize::from(f.height) {
            for x in 0..usize::from(f.width) {
                let i = f.buffer[y * usize::from(f.width) + x];
                if Some(i) == f.transparent {
                    continue;
                }
                canvas[(usize::from(f.top) + y) * width + usize::from(f.left) + x] =
                    palette[usize::from(i)];
            }
        }
        delays.push(f.delay);
        frames.push(canvas.clone());
    }
    Decoded {
        width,
        height,
        repeat: d.repeat(),
        delays,
        frames,
        palette,
    }
}

fn png_rgb(bytes: &[u8]) -> (usize, usize, Vec<[u8; 3]>) {
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
        .expect("PNG")
        .to_rgb8();
    let (w, h) = (img.width() as usize, img.height() as usize);
    (w, h, img.pixels().map(|p| p.0).collect())
}

fn distance(a: [u8; 3], b: [u8; 3]) -> i32 {
    let d = |i: usize| i32::from(a[i]) - i32::from(b[i]);
    2 * d(0) * d(0) + 4 * d(1) * d(1) + 3 * d(2) * d(2)
}

#[test]
fn the_gif_has_every_frame_loops_and_keeps_the_clock() {
    let s = shipped("gd_vs_momentum.toml");
    let out = pipeline::render(&s, &NoProgress).unwrap();
    let g = decode(file(&out, ".gif"));
    assert_eq!(
        (g.width, g.height),
        (s.output.width as usize, s.output.height as usize)
    );
    assert_eq!(g.frames.len(), s.output.steps + 1);
    assert_eq!(g.repeat, gif::Repeat::Infinite);
    // Every frame but the held last one: the average delay is 100/fps hundredths of a second.
    let n = g.delays.len() - 1;
    let moving: u32 = g.delays[..n].iter().map(|&d| u32::from(d)).sum();
    let mean = f64::from(moving) / n as f64;
    assert!(
        (mean - 100.0 / s.output.fps).abs() < 0.05,
        "mean delay {mean} cs"
    );
    // The last frame is held for `hold` seconds on top of its own delay.
    let hold = u32::from(g.delays[n]) - (100.0 / s.output.fps).round() as u32;
    assert!(
        (f64::from(hold) - s.output.hold * 100.0).abs() <= 1.0,
        "hold {hold} cs"
    );
    // 15 fps is 15 fps, not the 16.7 of a rounded 6 cs delay.
    let total: u32 = g.delays.iter().map(|&d| u32::from(d)).sum();
    let expected =
        (g.frames.len() as f64 * 100.0 / s.output.fps + s.output.hold * 100.0).round() as u32;
    assert!(total.abs_diff(expected) <= 1, "{total} vs {expected}");
}

/// The composited last frame of the GIF is the static figure, quantized: each GIF pixel is a
/// palette colour nearest to the PNG's pixel (exactly the PNG's colour where the palette has it).
#[test]
fn the_last_gif_frame_is_the_static_figure() {
    for name in ["gd_vs_momentum.toml", "momentum_beta_sweep.toml"] {
        let s = shipped(name);
        let out = pipeline::render(&s, &NoProgress).unwrap();
        let g = decode(file(&out, ".gif"));
        let (w, h, png) = png_rgb(file(&out, ".png"));
        assert_eq!((w, h), (g.width, g.height));
        let last = g.frames.last().unwrap();
        let mut exact = 0;
        for (k, (&q, &p)) in last.iter().zip(&png).enumerate() {
            let best = g.palette.iter().map(|&c| distance(c, p)).min().unwrap();
            assert_eq!(
                distance(q, p),
                best,
                "{name}: pixel ({}, {}): GIF {q:?}, PNG {p:?}",
                k % w,
                k / w
            );
            exact += usize::from(q == p);
        }
        // Bands, ink, white and the run colours are palette entries: nearly every pixel is exact.
        assert!(
            exact * 100 > png.len() * 95,
            "{name}: only {exact} of {} pixels exact",
            png.len()
        );
    }
}

/// Frame k of the GIF is `render --frame k`, quantized the same way.
#[test]
fn a_middle_frame_is_the_still_of_that_step() {
    let s = shipped("momentum_vs_nesterov.toml");
    let out = pipeline::render(&s, &NoProgress).unwrap();
    let g = decode(file(&out, ".gif"));
    let step = s.output.steps / 3;
    let still = pipeline::render_frame(&s, step).unwrap();
    let (_, _, png) = png_rgb(&still.files[0].1);
    for (k, (&q, &p)) in g.frames[step].iter().zip(&png).enumerate() {
        let best = g.palette.iter().map(|&c| distance(c, p)).min().unwrap();
        assert_eq!(
            distance(q, p),
            best,
            "pixel ({}, {}): GIF {q:?}, still {p:?}",
            k % g.width,
            k / g.width
        );
    }
}

#[test]
fn the_same_scene_gives_the_same_bytes_whatever_the_thread_count() {
    let s = shipped("momentum_beta_sweep.toml");
    let render_with = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| pipeline::render(&s, &NoProgress).unwrap())
    };
    let one = render_with(1);
    let two = render_with(2);
    let three = render_with(3);
    assert_eq!(one, two);
    assert_eq!(two, three);
    assert_eq!(one, pipeline::render(&s, &NoProgress).unwrap());
}

/// Frames after the first are small: the GIF holds only what changed.
#[test]
fn frames_after_the_first_cover_only_what_changed() {
    let src = r#"
        [output]
        size = [320, 240]
        steps = 30
        [surface]
        kind = "bowl"
        [[start]]
        at = [2.0, 1.5]
        [[optimizer]]
        kind = "gd"
        lr = 0.1
    "#;
    let out = pipeline::render(&scene(src), &NoProgress).unwrap();
    let bytes = file(&out, ".gif");
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::Indexed);
    let mut d = options.read_info(bytes).unwrap();
    let first = d.read_next_frame().unwrap().unwrap().clone();
    assert_eq!((first.width, first.height), (320, 240));
    while let Some(f) = d.read_next_frame().unwrap() {
        assert!(
            usize::from(f.width) * usize::from(f.height) < 320 * 240 / 2,
            "{}×{}",
            f.width,
            f.height
        );
        assert!(f.transparent.is_some());
    }
}

/// A small still compared pixel by pixel with the committed golden image.
#[test]
fn golden_frame() {
    let src = r#"
        title = "Golden: GD vs momentum"
        [output]
        name = "golden"
        size = [400, 300]
        steps = 20
        [surface]
        kind = "quadratic"
        a = 1.0
        b = 6.0
        [[start]]
        at = [2.5, -2.0]
        [[optimizer]]
        label = "GD"
        kind = "gd"
        lr = 0.08
        [[optimizer]]
        label = "Momentum β={beta}"
        kind = "momentum"
        lr = 0.04
        beta = 0.85
    "#;
    let out = pipeline::render_frame(&scene(src), 12).unwrap();
    let (w, h, got) = png_rgb(&out.files[0].1);
    let golden = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/golden.frame12.png");
    if std::env::var_os("INERTIA_BLESS").is_some() || !golden.exists() {
        std::fs::write(&golden, &out.files[0].1).unwrap();
        if std::env::var_os("INERTIA_BLESS").is_none() {
            panic!(
                "no golden image yet: wrote {}; check it and commit it",
                golden.display()
            );
        }
        return;
    }
    let (gw, gh, want) = png_rgb(&std::fs::read(&golden).unwrap());
    assert_eq!((w, h), (gw, gh));
    let differing: Vec<usize> = (0..got.len()).filter(|&i| got[i] != want[i]).collect();
    if !differing.is_empty() {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let mut diff = image::RgbImage::new(w as u32, h as u32);
        for (i, p) in diff.pixels_mut().enumerate() {
            let g = want[i];
            let grey = ((u32::from(g[0]) + u32::from(g[1]) + u32::from(g[2])) / 6) as u8;
            p.0 = if got[i] != want[i] {
                [255, 0, 255]
            } else {
                [grey, grey, grey]
            };
        }
        diff.save(dir.join("golden.frame12.diff.png")).unwrap();
        std::fs::write(dir.join("golden.frame12.png"), &out.files[0].1).unwrap();
        panic!(
            "{} pixels differ from {}; see {} (regenerate with INERTIA_BLESS=1 if the change is intended)",
            differing.len(),
            golden.display(),
            dir.join("golden.frame12.diff.png").display()
        );
    }
}

/// The global palette is in the order of what the frames after the first draw: the colours
/// drawn in the most frames first, then the most pixels (counted off the frames themselves, as
/// the encoder counts them), so small frames need narrow LZW codes.
#[test]
fn the_palette_is_ordered_by_what_the_frames_draw_most() {
    let s = shipped("gd_vs_momentum.toml");
    let out = pipeline::render(&s, &NoProgress).unwrap();
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::Indexed);
    let mut d = options.read_info(file(&out, ".gif")).unwrap();
    let colours = d.global_palette().unwrap().len() / 3;
    let (mut frames_with, mut pixels) = (vec![0u64; colours], vec![0u64; colours]);
    let mut frames = 0;
    while let Some(f) = d.read_next_frame().unwrap() {
        frames += 1;
        let Some(transparent) = f.transparent else {
            continue;
        };
        assert_eq!(transparent, 0, "the transparent entry comes first");
        let mut seen = vec![false; colours];
        for &i in f.buffer.iter().filter(|&&i| i != transparent) {
            pixels[usize::from(i)] += 1;
            seen[usize::from(i)] = true;
        }
        for (n, s) in frames_with.iter_mut().zip(seen) {
            *n += u64::from(s);
        }
    }
    assert_eq!(frames, s.output.steps + 1);
    let keys: Vec<(u64, u64)> = (1..colours).map(|i| (frames_with[i], pixels[i])).collect();
    assert!(keys[0].0 > 0, "the first colour is drawn");
    for (k, pair) in keys.windows(2).enumerate() {
        assert!(
            pair[0] >= pair[1],
            "GIF index {} {:?} before {:?}",
            k + 1,
            pair[0],
            pair[1]
        );
    }
}

/// What `render_into` hands on early (for a writer to start on) is exactly what it returns: the
/// charts, CSV, caption, still, SVG and player, each once; the GIF comes with the rest.
#[test]
fn files_handed_on_early_are_the_files_rendered() {
    let s = shipped("gd_vs_momentum.toml");
    let early = std::sync::Mutex::new(Vec::<(String, Vec<u8>)>::new());
    let out = pipeline::render_into(&s, &NoProgress, &|name, bytes| {
        early
            .lock()
            .unwrap()
            .push((name.to_string(), bytes.to_vec()));
    })
    .unwrap();
    let mut early = early.into_inner().unwrap();
    early.sort();
    let mut names: Vec<&str> = early.iter().map(|(n, _)| n.as_str()).collect();
    names.dedup();
    assert_eq!(names.len(), early.len(), "each file once: {names:?}");
    for ext in [
        ".png",
        ".svg",
        ".csv",
        ".txt",
        ".html",
        ".loss.png",
        ".loss.svg",
    ] {
        let name = format!("gd_vs_momentum{ext}");
        assert!(names.contains(&name.as_str()), "{name} not handed on early");
    }
    assert!(!names.iter().any(|n| n.ends_with(".gif")));
    for (name, bytes) in &early {
        let made = out.files.iter().find(|(n, _)| n == name).expect("returned");
        assert_eq!(&made.1, bytes, "{name}");
    }
    assert_eq!(out, pipeline::render(&s, &NoProgress).unwrap());
}
