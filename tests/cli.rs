//! End-to-end tests of the `render` binary: exit statuses, what is (and is not) written, the
//! format of every output file, and determinism.

mod common;
use common::{gif_summary, listing, TempDir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn render() -> Command {
    Command::new(env!("CARGO_BIN_EXE_render"))
}

fn run(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let mut cmd = render();
    for a in args {
        cmd.arg(a);
    }
    cmd.output().expect("cannot run render")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[track_caller]
fn assert_status(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

/// Every file in `dir` with its bytes, those in folders as `FOLDER/FILE`.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for n in listing(dir) {
        let path = dir.join(&n);
        if path.is_dir() {
            for (inner, bytes) in contents(&path) {
                out.insert(format!("{n}/{inner}"), bytes);
            }
        } else {
            out.insert(n, std::fs::read(path).unwrap());
        }
    }
    out
}

/// A small, fast scene: 160×160, `steps` steps, three runs (one noisy).
fn tiny_scene(name: &str, steps: usize) -> String {
    format!(
        r#"title = "tiny"

[output]
name = "{name}"
size = [160, 160]
fps = 10
steps = {steps}
hold = 0.5

[surface]
kind = "quadratic"
a = 1.0
b = 10.0

[[start]]
at = [2.5, -2.0]

[[optimizer]]
label = "Momentum β={{beta}}"
kind = "momentum"
lr = 0.05
beta = [0.5, 0.9]

[[optimizer]]
label = "GD, noisy"
kind = "gd"
lr = 0.05
noise = {{ std = 0.5, seed = 3 }}
"#
    )
}

/// A scene with an error at line 12, column 8 (`beta = 1.5`), writing `<name>.*` if it were valid.
fn invalid_scene(name: &str) -> String {
    format!(
        "[output]\nname = \"{name}\"\nsize = [160, 160]\nsteps = 5\n[surface]\nkind = \"quadratic\"\n\
         [[start]]\nat = [1, 1]\n[[optimizer]]\nkind = \"momentum\"\nlr = 0.1\nbeta = 1.5\n"
    )
}
const INVALID_AT: &str = ":12:8:";

/// Splits one CSV line into fields (RFC 4180 quoting, no line breaks inside fields).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if cur.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut cur)),
            (_, c) => cur.push(c),
        }
    }
    assert!(!quoted, "unterminated quote in {line:?}");
    fields.push(cur);
    fields
}

/// One CSV row.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    run: usize,
    label: String,
    step: usize,
    x: f64,
    /// Empty in a 1-D scene's CSV.
    y: Option<f64>,
    loss: f64,
}

/// Parses and checks the CSV format: exact header, six fields a row, finite numbers.
fn parse_csv(text: &str) -> Vec<Row> {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("run,label,step,x,y,loss"));
    assert!(text.ends_with('\n'), "the CSV should end with a newline");
    lines
        .map(|line| {
            let f = csv_fields(line);
            assert_eq!(f.len(), 6, "{line:?}");
            let num = |s: &str| -> f64 {
                let v: f64 = s.parse().unwrap_or_else(|_| panic!("{s:?} in {line:?}"));
                assert!(v.is_finite(), "non-finite {s:?} in {line:?}");
                v
            };
            Row {
                run: f[0].parse().unwrap_or_else(|_| panic!("{line:?}")),
                label: f[1].clone(),
                step: f[2].parse().unwrap_or_else(|_| panic!("{line:?}")),
                x: num(&f[3]),
                y: (!f[4].is_empty()).then(|| num(&f[4])),
                loss: num(&f[5]),
            }
        })
        .collect()
}

/// Groups rows by run and checks: runs 0..n in order, each with steps 0, 1, ... with no gaps
/// and at most `steps`, one label per run.
fn check_runs(rows: &[Row], runs: usize, steps: usize) -> Vec<Vec<Row>> {
    let mut by_run: Vec<Vec<Row>> = Vec::new();
    for r in rows {
        if r.run == by_run.len() {
            by_run.push(Vec::new());
        }
        assert_eq!(
            r.run + 1,
            by_run.len(),
            "run indices must appear in order 0, 1, ...: {r:?}"
        );
        let run = by_run.last_mut().unwrap();
        assert_eq!(
            r.step,
            run.len(),
            "steps must be 0, 1, 2, ... with no gaps: {r:?}"
        );
        assert!(r.step <= steps, "{r:?} beyond {steps} steps");
        if let Some(first) = run.first() {
            assert_eq!(r.label, first.label, "one label per run");
        }
        run.push(r.clone());
    }
    assert_eq!(by_run.len(), runs, "number of runs in the CSV");
    by_run
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(PNG_SIGNATURE), "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// (width, height, frames, total delay in hundredths) of a GIF. With `decode`, every frame's LZW
/// data is decoded too (slow in a debug build, so only for small GIFs).
fn gif_info(bytes: &[u8], decode: bool) -> (u32, u32, usize, u64) {
    let g = gif_summary(bytes, decode).unwrap_or_else(|e| panic!("GIF: {e}"));
    let delay = g.delays.iter().map(|&d| u64::from(d)).sum();
    (g.width, g.height, g.delays.len(), delay)
}

// ---------------------------------------------------------------------------------------------
// B.1 Every shipped scene
// ---------------------------------------------------------------------------------------------

fn shipped_scenes() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes");
    let mut scenes: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    scenes.sort();
    assert!(!scenes.is_empty(), "no scenes in {}", dir.display());
    scenes
}

#[test]
fn every_shipped_scene_renders_valid_outputs() {
    let out = TempDir::new("cli", "shipped");
    let scenes = shipped_scenes();
    // One process per scene, all at once: the renders are independent and this keeps the test
    // short on several cores.
    let children: Vec<_> = scenes
        .iter()
        .enumerate()
        .map(|(i, scene)| {
            let dir = out.path(&i.to_string());
            let child = render()
                .arg("--out")
                .arg(&dir)
                .arg(scene)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            (scene, dir, child)
        })
        .collect();
    for (scene, dir, child) in children {
        let o = child.wait_with_output().unwrap();
        assert_status(&o, 0);
        let err = stderr(&o);

        // What the scene says, read independently of the library...
        let table: toml::Table = toml::from_str(&std::fs::read_to_string(scene).unwrap()).unwrap();
        let output = table.get("output").and_then(|o| o.as_table());
        let get = |k: &str| output.and_then(|o| o.get(k));
        let stem = scene.file_stem().unwrap().to_str().unwrap();
        let name = get("name").and_then(|v| v.as_str()).unwrap_or(stem);
        let steps = get("steps").and_then(|v| v.as_integer()).unwrap_or(60) as usize;
        let fps = get("fps")
            .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
            .unwrap_or(15.0);
        let hold = get("hold")
            .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
            .unwrap_or(1.5);
        let size: Vec<u32> = get("size")
            .and_then(|v| v.as_array())
            .map(|a| a.iter().map(|v| v.as_integer().unwrap() as u32).collect())
            .unwrap_or(vec![640, 480]);
        // A start is [x, y], or a number x in a 1-D scene (whose CSV leaves y empty).
        let n = |v: &toml::Value| v.as_float().or(v.as_integer().map(|i| i as f64));
        let starts: Vec<(f64, Option<f64>)> = table["start"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| match s["at"].as_array() {
                Some(at) => (n(&at[0]).unwrap(), Some(n(&at[1]).unwrap())),
                None => (n(&s["at"]).unwrap(), None),
            })
            .collect();
        // ... and the runs as the library expands them.
        let checked = inertia::scene::load(scene).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(checked.output.name, name);
        assert_eq!(checked.output.steps, steps);

        // The files of the formats the scene asks for, the caption, and the charts in the
        // still formats.
        use inertia::scene::Format;
        let writes = |f: Format| checked.output.formats.contains(&f);
        let mut expected = vec![
            format!("{name}.txt"),
            "index.html".to_string(),
            "manifest.json".to_string(),
        ];
        for (format, files) in [
            (Format::Gif, vec!["gif"]),
            (Format::Png, vec!["png"]),
            (Format::Svg, vec!["svg"]),
            (Format::Csv, vec!["csv"]),
            (Format::Html, vec!["html"]),
            (Format::Pdf, vec!["frames.pdf", "tex"]),
            (Format::Frames, vec!["frames"]),
        ] {
            if writes(format) {
                expected.extend(files.iter().map(|ext| format!("{name}.{ext}")));
            }
        }
        for chart in &checked.draw.charts {
            let suffix = match chart {
                inertia::scene::Chart::Loss => "loss",
                inertia::scene::Chart::Rate => "rate",
                inertia::scene::Chart::Stability => "stability",
                inertia::scene::Chart::Damping => "damping",
                inertia::scene::Chart::Ewma => "ewma",
                inertia::scene::Chart::Surface3d => "surface3d",
                inertia::scene::Chart::Lr => "lr",
                inertia::scene::Chart::StepLength => "step_length",
            };
            for ext in ["png", "svg"] {
                if (ext == "png" && writes(Format::Png)) || (ext == "svg" && writes(Format::Svg)) {
                    expected.push(format!("{name}.{suffix}.{ext}"));
                }
            }
        }
        expected.sort();
        assert_eq!(listing(&dir), expected, "{}", scene.display());

        let csv = std::fs::read_to_string(dir.join(format!("{name}.csv"))).unwrap();
        let rows = parse_csv(&csv);
        let by_run = check_runs(&rows, checked.runs.len(), steps);
        for (i, run) in by_run.iter().enumerate() {
            let spec = &checked.runs[i];
            assert_eq!(run[0].label, spec.label, "{}: run {i}", scene.display());
            assert_eq!(
                (run[0].x, run[0].y),
                starts[i % starts.len()],
                "{}: run {i} must start at its start point",
                scene.display()
            );
            assert_eq!([run[0].x, run[0].y.unwrap_or(0.0)], spec.start);
            assert!(
                run.iter().all(|r| r.y.is_some() == starts[0].1.is_some()),
                "{}: y is written exactly in 2-D",
                scene.display()
            );
            let last = run.len() - 1;
            if last < steps {
                assert!(
                    err.contains(&format!("run {i} (")) && err.contains("diverged"),
                    "{}: run {i} stops at step {last} of {steps} without a note:\n{err}",
                    scene.display()
                );
            }
            // The shipped scenes are axis-aligned quadratics: check every loss against
            // ½(a·x² + b·y²), and the 1-D ones against ½λ(x − c)².
            let surface = table["surface"].as_table().unwrap();
            if surface.get("kind").and_then(|k| k.as_str()) == Some("quadratic1d") {
                let coef = |k: &str, d: f64| surface.get(k).and_then(n).unwrap_or(d);
                let (lambda, c) = (coef("lambda", 1.0), coef("center", 0.0));
                for r in run {
                    let want = 0.5 * lambda * (r.x - c) * (r.x - c);
                    assert!(
                        (r.loss - want).abs() <= 1e-12 * want.abs().max(1.0),
                        "{}: {r:?}, expected loss {want}",
                        scene.display()
                    );
                }
            }
            if surface.get("kind").and_then(|k| k.as_str()) == Some("quadratic")
                && !surface.contains_key("angle")
                && !surface.contains_key("center")
            {
                let coef = |k: &str, d: f64| surface.get(k).and_then(|v| v.as_float()).unwrap_or(d);
                let (a, b) = (coef("a", 1.0), coef("b", 10.0));
                for r in run {
                    let y = r.y.unwrap();
                    let want = 0.5 * (a * r.x * r.x + b * y * y);
                    assert!(
                        (r.loss - want).abs() <= 1e-12 * want.abs().max(1.0),
                        "{}: {r:?}, expected loss {want}",
                        scene.display()
                    );
                }
            }
        }

        let gif = std::fs::read(dir.join(format!("{name}.gif"))).unwrap();
        let (w, h, frames, delay) = gif_info(&gif, false);
        assert_eq!((w, h), (size[0], size[1]), "{}: GIF size", scene.display());
        assert_eq!(frames, steps + 1, "{}: GIF frames", scene.display());
        let expected_delay =
            ((steps + 1) as f64 * 100.0 / fps).round() as u64 + (hold * 100.0).round() as u64;
        assert_eq!(delay, expected_delay, "{}: GIF duration", scene.display());

        let png = std::fs::read(dir.join(format!("{name}.png"))).unwrap();
        assert_eq!(
            png_size(&png),
            (size[0], size[1]),
            "{}: PNG size",
            scene.display()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// B.2 --check and invalid input
// ---------------------------------------------------------------------------------------------

#[test]
fn check_on_a_valid_scene_writes_nothing() {
    let t = TempDir::new("cli", "check-valid");
    let scene = t.write("tiny.toml", &tiny_scene("tiny", 5));
    let out = t.path("out");
    let o = run(&[&"--check", &"--out", &out, &scene]);
    assert_status(&o, 0);
    assert!(
        listing(&out).is_empty(),
        "--check wrote {:?}",
        listing(&out)
    );
    assert!(stderr(&o).contains("ok:"), "{}", stderr(&o));
    assert!(stderr(&o).contains("(3 runs)"), "{}", stderr(&o));
    // Shipped scenes all pass --check too, as one folder argument.
    let scenes = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes");
    let o = run(&[&"--check", &"--out", &out, &scenes]);
    assert_status(&o, 0);
    assert_eq!(stderr(&o).matches("ok: ").count(), shipped_scenes().len());
    assert!(listing(&out).is_empty());
}

#[test]
fn check_on_an_invalid_scene_exits_2_with_the_location() {
    let t = TempDir::new("cli", "check-invalid");
    let scene = t.write("bad.toml", &invalid_scene("bad"));
    let out = t.path("out");
    let o = run(&[&"--check", &"--out", &out, &scene]);
    assert_status(&o, 2);
    let err = stderr(&o);
    let at = format!("{}{INVALID_AT}", scene.display());
    assert!(err.contains(&at), "stderr should contain {at:?}:\n{err}");
    assert!(err.contains("`optimizer[0].beta`"), "{err}");
    assert!(
        err.contains("beta = 1.5"),
        "the source line is shown:\n{err}"
    );
    assert!(listing(&out).is_empty());
}

#[test]
fn invalid_scene_leaves_existing_outputs_untouched() {
    let t = TempDir::new("cli", "untouched");
    let out = t.path("out");
    let good = t.write("good.toml", &tiny_scene("same", 5));
    assert_status(&run(&[&"-q", &"--out", &out, &good]), 0);
    let before = contents(&out);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        [
            "index.html",
            "manifest.json",
            "same.csv",
            "same.gif",
            "same.html",
            "same.loss.png",
            "same.loss.svg",
            "same.png",
            "same.svg",
            "same.txt"
        ]
    );

    let bad = t.write("bad.toml", &invalid_scene("same"));
    let o = run(&[&"--out", &out, &bad]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains(INVALID_AT), "{}", stderr(&o));
    assert_eq!(
        contents(&out),
        before,
        "an invalid scene changed the outputs"
    );
}

#[test]
fn second_scene_invalid_writes_nothing_for_the_first() {
    let t = TempDir::new("cli", "two-scenes");
    let out = t.path("out");
    let good = t.write("a_good.toml", &tiny_scene("first", 5));
    let bad = t.write("b_bad.toml", &invalid_scene("second"));
    let o = run(&[&"--out", &out, &good, &bad]);
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains(&format!("{}{INVALID_AT}", bad.display())),
        "{}",
        stderr(&o)
    );
    assert!(listing(&out).is_empty(), "wrote {:?}", listing(&out));

    // The same through a folder argument (a_good.toml sorts first).
    let o = run(&[&"--out", &out, &t.0]);
    assert_status(&o, 2);
    assert!(listing(&out).is_empty(), "wrote {:?}", listing(&out));
}

#[test]
fn missing_scene_file_is_invalid_input() {
    let t = TempDir::new("cli", "missing");
    let out = t.path("out");
    let absent = t.path("absent.toml");
    let o = run(&[&"--out", &out, &absent]);
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains(&absent.display().to_string()),
        "{}",
        stderr(&o)
    );
    assert!(listing(&out).is_empty());
}

#[test]
fn warnings_do_not_stop_a_check() {
    let t = TempDir::new("cli", "warning");
    let scene = t.write(
        "warn.toml",
        &tiny_scene("warn", 5)
            .replace("at = [2.5, -2.0]", "at = [5.0, -2.0]")
            .replace("b = 10.0", "b = 10.0\nx = [-3.0, 3.0]\ny = [-3.0, 3.0]"),
    );
    let o = run(&[&"--check", &"--out", &t.path("out"), &scene]);
    assert_status(&o, 0);
    let err = stderr(&o);
    assert!(err.contains("warning: "), "{err}");
    assert!(err.contains("outside the view window"), "{err}");
    // -q silences warnings.
    let o = run(&[&"--check", &"-q", &"--out", &t.path("out"), &scene]);
    assert_status(&o, 0);
    assert_eq!(stderr(&o), "");
}

// ---------------------------------------------------------------------------------------------
// B.4, B.5 --list, --version, --help, no arguments
// ---------------------------------------------------------------------------------------------

#[test]
fn list_shows_every_surface_optimizer_and_form() {
    let o = run(&[&"--list"]);
    assert_status(&o, 0);
    let text = stdout(&o);
    for surface in [
        "quadratic",
        "bowl",
        "ravine",
        "rosenbrock",
        "himmelblau",
        "beale",
        "saddle",
        "rastrigin",
        "six_hump_camel",
        "multi_minima",
        "linear_regression",
    ] {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("{surface} "))),
            "--list misses surface {surface}:\n{text}"
        );
    }
    for k in inertia::surface::SURFACE_KINDS {
        assert!(text.contains(k.name), "{}", k.name);
    }
    // Each optimizer's block runs from its name's line to the next optimizer's.
    let section = &text[text.find("Optimizers").expect("an Optimizers section")..];
    let names = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"];
    let starts: Vec<usize> = names
        .iter()
        .map(|n| {
            section
                .find(&format!("\n  {n} "))
                .unwrap_or_else(|| panic!("--list misses optimizer {n}:\n{text}"))
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "order: {names:?}");
    let block = |i: usize| &section[starts[i]..starts.get(i + 1).copied().unwrap_or(section.len())];
    for form in ["pytorch", "ema", "velocity"] {
        assert!(
            block(1).contains(&format!("form = \"{form}\"")),
            "momentum misses form {form}:\n{}",
            block(1)
        );
    }
    for form in ["pytorch", "lookahead"] {
        assert!(
            block(2).contains(&format!("form = \"{form}\"")),
            "nesterov misses form {form}:\n{}",
            block(2)
        );
    }
    assert!(block(1).contains("form = \"pytorch\" (default)"));
    assert!(!block(0).contains("form ="), "gd has no forms");
}

#[test]
fn version_and_help_exit_0() {
    let o = run(&[&"--version"]);
    assert_status(&o, 0);
    assert_eq!(
        stdout(&o).trim(),
        format!("render {}", env!("CARGO_PKG_VERSION"))
    );
    let o = run(&[&"--help"]);
    assert_status(&o, 0);
    let text = stdout(&o);
    for flag in [
        "--out",
        "--check",
        "--list",
        "--frame",
        "--quiet",
        "--version",
        "SCENE",
    ] {
        assert!(text.contains(flag), "--help misses {flag}:\n{text}");
    }
}

#[test]
fn no_arguments_exits_2() {
    let o = run(&[]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("Usage"), "{}", stderr(&o));
    let o = run(&[&"--no-such-flag", &"x.toml"]);
    assert_status(&o, 2);
}

// ---------------------------------------------------------------------------------------------
// B.6 Output failures
// ---------------------------------------------------------------------------------------------

#[test]
fn unwritable_output_dir_exits_2_naming_the_path() {
    let t = TempDir::new("cli", "unwritable");
    let scene = t.write("tiny.toml", &tiny_scene("tiny", 3));
    let o = run(&[&"-q", &"--out", &"/proc/inertia-test", &scene]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("/proc/inertia-test"), "{}", stderr(&o));
    // A regular file where the folder should be.
    let file = t.write("not-a-dir", "x");
    let o = run(&[&"-q", &"--out", &file, &scene]);
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains(&file.display().to_string()),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
}

// ---------------------------------------------------------------------------------------------
// B.7 Determinism
// ---------------------------------------------------------------------------------------------

#[test]
fn rendering_is_deterministic_across_runs_and_thread_counts() {
    let t = TempDir::new("cli", "determinism");
    // Every format, so every writer is held to it.
    let scene = t.write(
        "det.toml",
        &tiny_scene("det", 8).replace(
            "hold = 0.5",
            "hold = 0.5\nformats = [\"gif\", \"png\", \"svg\", \"csv\", \"html\", \"pdf\", \"frames\"]",
        ),
    );
    let render_into = |dir: &str, threads: Option<&str>| {
        let mut cmd = render();
        cmd.arg("-q").arg("--out").arg(t.path(dir)).arg(&scene);
        if let Some(n) = threads {
            cmd.env("RAYON_NUM_THREADS", n);
        }
        let o = cmd.output().unwrap();
        assert_status(&o, 0);
        let files = contents(&t.path(dir));
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            [
                "det.csv",
                "det.frames.pdf",
                "det.frames/0000.png",
                "det.frames/0001.png",
                "det.frames/0002.png",
                "det.frames/0003.png",
                "det.frames/0004.png",
                "det.frames/0005.png",
                "det.frames/0006.png",
                "det.frames/0007.png",
                "det.frames/0008.png",
                "det.gif",
                "det.html",
                "det.loss.png",
                "det.loss.svg",
                "det.png",
                "det.svg",
                "det.tex",
                "det.txt",
                "index.html",
                "manifest.json"
            ]
        );
        files
    };
    let a = render_into("a", None);
    let b = render_into("b", None);
    assert!(a == b, "two renders of the same scene differ");
    let one = render_into("one", Some("1"));
    let two = render_into("two", Some("2"));
    for name in a.keys() {
        assert!(
            one[name] == two[name],
            "{name} differs between 1 and 2 threads"
        );
        assert!(
            one[name] == a[name],
            "{name} differs with the default thread count"
        );
    }
    // Each frame of the folder is the frame `--frame` writes.
    let frame = t.path("frame");
    let o = render()
        .args(["-q", "--frame", "5", "--out"])
        .arg(&frame)
        .arg(&scene)
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert_eq!(
        std::fs::read(frame.join("det.frame5.png")).unwrap(),
        a["det.frames/0005.png"]
    );
    // The noisy run really is noisy (so the comparison above covers the noise stream).
    let rows = parse_csv(std::str::from_utf8(&a["det.csv"]).unwrap());
    let runs = check_runs(&rows, 3, 8);
    assert_eq!(runs[2][0].label, "GD, noisy");
    assert_eq!(gif_info(&a["det.gif"], true), (160, 160, 9, 90 + 50));
    assert_eq!(png_size(&a["det.png"]), (160, 160));
    assert_eq!(runs[0][0].label, "Momentum β=0.5");
}

// ---------------------------------------------------------------------------------------------
// B.8 --frame
// ---------------------------------------------------------------------------------------------

#[test]
fn frame_writes_only_that_frame() {
    let t = TempDir::new("cli", "frame");
    let scene = t.write("tiny.toml", &tiny_scene("tiny", 30));
    let out = t.path("out");
    let o = run(&[&"-q", &"--frame", &"20", &"--out", &out, &scene]);
    assert_status(&o, 0);
    assert_eq!(listing(&out), ["tiny.frame20.png"]);
    let png = std::fs::read(out.join("tiny.frame20.png")).unwrap();
    assert_eq!(png_size(&png), (160, 160));

    // Frame 0 differs from frame 20 (the paths have moved).
    let o = run(&[&"-q", &"--frame", &"0", &"--out", &out, &scene]);
    assert_status(&o, 0);
    assert_eq!(listing(&out), ["tiny.frame0.png", "tiny.frame20.png"]);
    assert!(std::fs::read(out.join("tiny.frame0.png")).unwrap() != png);
}

#[test]
fn csv_labels_with_commas_are_quoted() {
    let t = TempDir::new("cli", "quoted");
    let scene = t.write("q.toml", &tiny_scene("q", 4));
    let out = t.path("out");
    assert_status(&run(&[&"-q", &"--out", &out, &scene]), 0);
    let csv = std::fs::read_to_string(out.join("q.csv")).unwrap();
    assert!(csv.contains("\n2,\"GD, noisy\",0,2.5,-2,"), "{csv}");
    let rows = parse_csv(&csv);
    let runs = check_runs(&rows, 3, 4);
    assert!(runs.iter().all(|r| r.len() == 5));
}

#[test]
fn diverging_run_stops_early_with_a_note() {
    let t = TempDir::new("cli", "diverge");
    // GD with lr = 0.5 on b = 10 multiplies y by −4 each step: it leaves the window grown by
    // 10 window sizes on each side (|y| > 63) at step 3 (|y| = 2·4³ = 128); the point that left
    // is kept.
    let scene = t.write(
        "div.toml",
        &tiny_scene("div", 20).replace(
            "label = \"GD, noisy\"\nkind = \"gd\"\nlr = 0.05\nnoise = { std = 0.5, seed = 3 }",
            "label = \"GD lr=0.5\"\nkind = \"gd\"\nlr = 0.5",
        ),
    );
    let out = t.path("out");
    let o = run(&[&"--out", &out, &scene]);
    assert_status(&o, 0);
    let err = stderr(&o);
    assert!(
        err.contains("run 2 (GD lr=0.5) diverged at step 3"),
        "{err}"
    );
    let rows = parse_csv(&std::fs::read_to_string(out.join("div.csv")).unwrap());
    let runs = check_runs(&rows, 3, 20);
    assert_eq!(runs[0].len(), 21);
    assert_eq!(runs[1].len(), 21);
    let ys: Vec<f64> = runs[2].iter().map(|r| r.y.unwrap()).collect();
    assert_eq!(ys, [-2.0, 8.0, -32.0, 128.0]);
    // The GIF still has a frame per step.
    let gif = std::fs::read(out.join("div.gif")).unwrap();
    assert_eq!(gif_info(&gif, false).2, 21);
}

#[test]
fn two_scenes_with_one_output_name_are_refused_before_any_work() {
    let t = TempDir::new("cli", "same-name");
    let a = t.write("a.toml", &tiny_scene("same", 3));
    let b = t.write("b.toml", &tiny_scene("same", 4));
    let out = t.path("out");
    let o = run(&[&"--out", &out, &a, &b]);
    assert_status(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains("b.toml:") && err.contains("a.toml`") && err.contains("`same.gif`"),
        "{err}"
    );
    assert!(err.contains("`output.name`"), "located at the name: {err}");
    assert!(
        !out.exists() || listing(&out).is_empty(),
        "{:?}",
        listing(&out)
    );
}

#[test]
fn a_scene_beyond_the_memory_budget_is_refused_with_its_location() {
    let t = TempDir::new("cli", "budget");
    let src = tiny_scene("huge", 3)
        .replace("size = [160, 160]", "size = [4096, 4096]")
        .replace("steps = 3", "steps = 9000");
    let scene = t.write("huge.toml", &src);
    let o = run(&[&"--check", &scene]);
    assert_status(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("huge.toml:7:9:"), "{err}");
    assert!(err.contains("GiB budget"), "{err}");
}

#[test]
fn unchanged_scenes_are_skipped_and_force_renders_them() {
    let t = TempDir::new("cli", "incremental");
    let a = t.write("a.toml", &tiny_scene("inc_a", 3));
    let b = t.write("b.toml", &tiny_scene("inc_b", 3));
    let out = t.path("out");
    let o = run(&[&"--out", &out, &a, &b]);
    assert_status(&o, 0);
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("\"inc_a\"") && manifest.contains("\"inc_b\""),
        "{manifest}"
    );
    assert!(manifest.contains("\"sha256\""), "{manifest}");
    let first = contents(&out);
    // Nothing changed: both skipped, nothing rewritten.
    let o = run(&[&"--out", &out, &a, &b]);
    assert_status(&o, 0);
    assert_eq!(
        stderr(&o).matches("skipped (unchanged)").count(),
        2,
        "{}",
        stderr(&o)
    );
    assert_eq!(contents(&out), first);
    // One scene edited: only it renders.
    std::fs::write(&a, tiny_scene("inc_a", 4)).unwrap();
    let o = run(&[&"--out", &out, &a, &b]);
    assert_status(&o, 0);
    let err = stderr(&o);
    assert_eq!(err.matches("skipped (unchanged)").count(), 1, "{err}");
    assert!(
        err.lines()
            .any(|l| l.starts_with("inc_a") && l.ends_with("rendered")),
        "{err}"
    );
    // An output changed by hand is rendered again; --force renders everything.
    std::fs::write(out.join("inc_b.csv"), "edited").unwrap();
    let o = run(&[&"--out", &out, &a, &b]);
    assert!(stderr(&o)
        .lines()
        .any(|l| l.starts_with("inc_b") && l.ends_with("rendered")));
    let o = run(&[&"--force", &"--out", &out, &a, &b]);
    assert_eq!(stderr(&o).matches("rendered").count(), 2, "{}", stderr(&o));
    // The gallery lists both.
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("inc_a.gif") && index.contains("inc_b.gif"));
}

/// The stamps file beside the manifest holds every output the manifest lists; a build where
/// nothing changed leaves it as it is; an output edited in place to the same size (a new time)
/// is hashed, found changed and rendered again.
#[test]
fn stamps_are_kept_beside_the_manifest() {
    let t = TempDir::new("cli", "stamps");
    let a = t.write("a.toml", &tiny_scene("st", 3));
    let out = t.path("out");
    assert_status(&run(&[&"-q", &"--out", &out, &a]), 0);
    let stamps_path = out.join(inertia::manifest::STAMPS_FILE);
    let stamps = std::fs::read_to_string(&stamps_path).unwrap();
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    let outputs = listing(&out)
        .into_iter()
        .filter(|n| n.starts_with("st."))
        .collect::<Vec<_>>();
    assert!(outputs.len() >= 5, "{outputs:?}");
    for name in &outputs {
        assert!(manifest.contains(&format!("\"{name}\"")), "{name}");
        assert!(stamps.contains(&format!("\"{name}\"")), "{name}: {stamps}");
    }
    let o = run(&[&"--out", &out, &a]);
    assert!(stderr(&o).contains("skipped (unchanged)"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&stamps_path).unwrap(), stamps);
    let csv = out.join("st.csv");
    let mut edited = std::fs::read(&csv).unwrap();
    edited[0] = if edited[0] == b'#' { b'%' } else { b'#' };
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&csv, &edited).unwrap();
    let o = run(&[&"--out", &out, &a]);
    assert!(
        stderr(&o)
            .lines()
            .any(|l| l.starts_with("st ") && l.ends_with("rendered")),
        "{}",
        stderr(&o)
    );
    assert_ne!(std::fs::read(&csv).unwrap(), edited);
}

#[test]
fn verify_passes_on_fresh_outputs_and_names_every_stale_file() {
    let t = TempDir::new("cli", "verify");
    let a = t.write("a.toml", &tiny_scene("ver", 3));
    let out = t.path("out");
    assert_status(&run(&[&"-q", &"--out", &out, &a]), 0);
    let o = run(&[&"--verify", &"--out", &out, &a]);
    assert_status(&o, 0);
    let before = contents(&out);
    std::fs::write(out.join("ver.png"), b"not the png").unwrap();
    std::fs::remove_file(out.join("ver.csv")).unwrap();
    let o = run(&[&"--verify", &"--out", &out, &a]);
    assert_status(&o, 1);
    let err = stderr(&o);
    assert!(
        err.contains("ver.png") && err.contains("ver.csv") && !err.contains("ver.gif"),
        "{err}"
    );
    // --verify writes nothing.
    assert_eq!(contents(&out).get("ver.gif"), before.get("ver.gif"));
    assert!(!out.join("ver.csv").exists());
}

/// The committed outputs are what the current code renders: a change that alters an asset
/// without re-rendering it (`cargo run --release -- scenes/`) cannot land unnoticed.
#[test]
fn committed_outputs_match_the_scenes() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let o = run(&[
        &"--verify",
        &"--out",
        &root.join("outputs"),
        &root.join("scenes"),
    ]);
    assert_status(&o, 0);
}

#[test]
fn an_empty_folder_and_a_frame_beyond_the_steps_are_invalid_input() {
    let t = TempDir::new("cli", "empty");
    let empty = t.path("nothing");
    std::fs::create_dir_all(&empty).unwrap();
    let o = run(&[&"--check", &empty]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("no scene files"), "{}", stderr(&o));
    let a = t.write("a.toml", &tiny_scene("fr", 5));
    let o = run(&[&"--frame", &"6", &"--out", &t.path("out"), &a]);
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("--frame 6 is beyond the steps") && stderr(&o).contains("has 5"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn watch_renders_on_every_change_and_survives_errors() {
    use std::io::Read;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    let t = TempDir::new("cli", "watch");
    let scene = t.write("w.toml", &tiny_scene("w", 3));
    let out = t.path("out");
    let mut child = render()
        .arg("--watch")
        .arg("--out")
        .arg(&out)
        .arg(&scene)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let log = Arc::new(Mutex::new(String::new()));
    let mut stderr_pipe = child.stderr.take().unwrap();
    let sink = log.clone();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stderr_pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let wait_for = |what: &str, cond: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !cond() {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "timed out waiting for {what}; log:\n{}",
                log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let gif = out.join("w.gif");
    wait_for("the first render", &|| gif.exists());
    let first = std::fs::read(&gif).unwrap();
    // An edit renders again.
    std::fs::write(&scene, tiny_scene("w", 6)).unwrap();
    wait_for("the second render", &|| {
        std::fs::read(&gif).is_ok_and(|b| b != first)
    });
    let second = std::fs::read(&gif).unwrap();
    // A broken scene prints its error and watching goes on.
    std::fs::write(&scene, invalid_scene("w")).unwrap();
    wait_for("the error", &|| log.lock().unwrap().contains("error: "));
    assert!(
        child.try_wait().unwrap().is_none(),
        "watch exited on an error"
    );
    assert_eq!(
        std::fs::read(&gif).unwrap(),
        second,
        "an invalid scene wrote output"
    );
    // Fixed again: renders again.
    std::fs::write(&scene, tiny_scene("w", 4)).unwrap();
    wait_for("the third render", &|| {
        std::fs::read(&gif).is_ok_and(|b| b != second)
    });
    child.kill().unwrap();
    child.wait().unwrap();
    reader.join().unwrap();
}

#[test]
fn the_committed_schema_is_what_render_prints() {
    let o = run(&[&"--schema"]);
    assert_status(&o, 0);
    let committed = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scene.schema.json"),
    )
    .unwrap();
    assert_eq!(
        stdout(&o),
        committed,
        "regenerate with `cargo run -- --schema > scene.schema.json`"
    );
}

/// The shipped CJK scene renders with its `draw.font`; the same scene without it is invalid
/// input that names the characters no font can draw and writes nothing.
#[test]
fn a_cjk_scene_needs_its_font() {
    let t = TempDir::new("cli", "cjk");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/gd_vs_momentum_zh.toml");
    let out = t.path("out");
    let o = run(&[&"--out", &out, &shipped]);
    assert_status(&o, 0);
    assert!(listing(&out).contains(&"gd_vs_momentum_zh.png".to_string()));
    // The title's glyphs are in the SVG as outlines, and its text as the group's label.
    let svg = std::fs::read_to_string(out.join("gd_vs_momentum_zh.svg")).unwrap();
    assert!(svg.contains("aria-label=\"梯度下降与动量：谁先到达最小值？\""));
    assert!(svg.contains("<path id=\"g0-"), "glyphs of the scene's font");
    let without: String = std::fs::read_to_string(&shipped)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("font = "))
        .map(|l| format!("{l}\n"))
        .collect();
    let scene = t.write("zh.toml", &without);
    let out = t.path("out2");
    let o = run(&[&"--out", &out, &scene]);
    assert_status(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains("`title`") && err.contains("梯 (U+68AF)"),
        "{err}"
    );
    assert!(err.contains("hint: set `draw.font`"), "{err}");
    assert!(listing(&out).is_empty());
}

/// `render -` reads the scene from standard input: its files are named after `output.name`
/// (`stdin` by default), its errors are located in `<stdin>`, and `-` is read only once.
#[test]
fn a_scene_on_standard_input_renders_and_is_located_as_stdin() {
    use std::io::Write;
    let t = TempDir::new("cli", "stdin");
    let out = t.path("out");
    let pipe = |text: &str, args: &[&str]| {
        let mut child = render()
            .args(args)
            .arg("--out")
            .arg(&out)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let o = pipe(&tiny_scene("piped", 3), &["-"]);
    assert_status(&o, 0);
    assert!(out.join("piped.gif").is_file() && out.join("piped.png").is_file());
    let unnamed = tiny_scene("x", 3).replace("name = \"x\"\n", "");
    assert_status(&pipe(&unnamed, &["-"]), 0);
    assert!(out.join("stdin.gif").is_file(), "{:?}", listing(&out));
    let o = pipe(&invalid_scene("bad"), &["--check", "-"]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("<stdin>:"), "{}", stderr(&o));
    let o = pipe("", &["-", "-"]);
    assert_status(&o, 2);
    assert!(stderr(&o).contains("read once"), "{}", stderr(&o));
}

/// A folder's scenes include its sub-folders' (one folder per chapter), sorted by path; hidden
/// folders are passed over; two chapters' scenes with one output name are refused.
#[test]
fn folders_are_searched_with_their_sub_folders() {
    let t = TempDir::new("cli", "chapters");
    let scenes = t.path("scenes");
    for dir in ["ch1", "ch2/part", ".hidden"] {
        std::fs::create_dir_all(scenes.join(dir)).unwrap();
    }
    std::fs::write(scenes.join("ch1/a.toml"), tiny_scene("a", 2)).unwrap();
    std::fs::write(scenes.join("ch2/part/b.toml"), tiny_scene("b", 2)).unwrap();
    std::fs::write(scenes.join(".hidden/c.toml"), invalid_scene("c")).unwrap();
    let out = t.path("out");
    let o = run(&[&"--out", &out, &scenes]);
    assert_status(&o, 0);
    assert!(out.join("a.gif").is_file() && out.join("b.gif").is_file());
    assert!(!out.join("c.gif").exists());
    // The same name in two chapters: refused, at the second scene's name.
    std::fs::write(scenes.join("ch2/a.toml"), tiny_scene("a", 3)).unwrap();
    let o = run(&[&"--check", &scenes]);
    assert_status(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains("ch2") && err.contains("`output.name`"),
        "{err}"
    );
}

/// `render --new NAME` writes a commented starter scene that renders as it is, and never
/// overwrites one.
#[test]
fn new_writes_a_starter_scene_that_renders() {
    let t = TempDir::new("cli", "new");
    let o = render()
        .current_dir(&t.0)
        .args(["--new", "first"])
        .output()
        .unwrap();
    assert_status(&o, 0);
    assert!(
        stdout(&o).contains("render scenes/first.toml"),
        "{}",
        stdout(&o)
    );
    let scene = t.path("scenes/first.toml");
    let text = std::fs::read_to_string(&scene).unwrap();
    assert!(
        text.lines().filter(|l| l.contains('#')).count() >= 8,
        "commented"
    );
    let o = render()
        .current_dir(&t.0)
        .arg("scenes/first.toml")
        .output()
        .unwrap();
    assert_status(&o, 0);
    for f in ["first.gif", "first.png", "first.loss.png", "first.csv"] {
        assert!(t.path("outputs").join(f).is_file(), "{f}");
    }
    std::fs::write(&scene, "# mine").unwrap();
    let o = render()
        .current_dir(&t.0)
        .args(["--new", "first"])
        .output()
        .unwrap();
    assert_status(&o, 2);
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&scene).unwrap(), "# mine");
}
