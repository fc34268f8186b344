//! Hostile input against the `render` binary, each case a real process with a time limit: a
//! hang is killed and fails the test, a panic shows as exit status 101. Covers what a course
//! repository full of scenes written by many hands can throw at it: magnitudes that reach the
//! drawing only through derived quantities, files that are not files, closed pipes, names that
//! collide through derived names, concurrent renders into one folder, stale records, files
//! outside the project, and folders standing where files go.

mod common;
use common::{listing, TempDir};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn render() -> Command {
    Command::new(env!("CARGO_BIN_EXE_render"))
}

/// Waits for `child` at most `limit`; a child still running then is killed and the test fails.
fn wait_within(mut child: Child, limit: Duration, what: &str) -> Output {
    let started = Instant::now();
    loop {
        match child.try_wait().expect("wait for render") {
            Some(_) => return child.wait_with_output().expect("collect render's output"),
            None if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{what}: still running after {} s (a hang)", limit.as_secs());
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// Runs `render` with `args` in `dir`, at most `limit`.
fn run_in(dir: &Path, args: &[&str], limit: Duration) -> Output {
    let child = render()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start render");
    wait_within(child, limit, &format!("render {}", args.join(" ")))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_status(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "stderr:\n{}", stderr(o));
}

/// A small scene: `surface` as the `[surface]` body, `draw` as `[draw]`'s, one start and the
/// optimizers.
fn scene(name: &str, surface: &str, draw: &str, start: &str, optimizers: &str) -> String {
    format!(
        "[output]\nname = \"{name}\"\nsize = [200, 160]\nsteps = 8\n[surface]\n{surface}\n\
         [draw]\n{draw}\n[[start]]\nat = {start}\n{optimizers}"
    )
}

const ALL_CHARTS: &str = "charts = [\"loss\", \"rate\", \"stability\", \"damping\", \"ewma\", \
                          \"surface3d\"]";
const ALL_OVERLAYS: &str = "overlays = [\"velocity\", \"gradient\", \"lookahead\", \"loss\"]";

/// Hostile magnitudes that reach plotters and the painters only through derived quantities
/// (a run's noisy gradients, a loss, a window grown from a start point, a fit's window): every
/// chart, overlay and panel mode, each case a process that must finish (valid: 0; refused with
/// a located error: 2) within its time limit. Empty or overflowing series once gave plotters an
/// infinite range and spun forever.
#[test]
fn derived_magnitudes_never_hang_or_panic() {
    let t = TempDir::new("hostile", "magnitudes");
    let quadratic = "kind = \"quadratic\"\nb = 4";
    let noisy = |std: &str| {
        format!(
            "[[optimizer]]\nkind = \"momentum\"\nlr = 0.1\nnoise = {{ std = {std}, seed = 1 }}\n\
             [[optimizer]]\nkind = \"nesterov\"\nform = \"lookahead\"\nlr = [0.1, 0.2]\n\
             noise = {{ std = {std}, seed = 2 }}\n"
        )
    };
    let cases: Vec<(&str, String, String, String)> = vec![
        ("noise_1e300", quadratic.into(), "[1.0, 1.0]".into(), noisy("1e300")),
        ("noise_1e150", quadratic.into(), "[1.0, 1.0]".into(), noisy("1e150")),
        ("lr_1e300", quadratic.into(), "[1.0, 1.0]".into(),
            "[[optimizer]]\nkind = \"gd\"\nlr = 1e300\nnoise = { std = 1.0 }\n[[optimizer]]\nkind = \"momentum\"\nlr = [1e300, 1e-300]\n".into()),
        ("far_start", quadratic.into(), "[1e150, -1e150]".into(), noisy("1.0")),
        ("farther_start", quadratic.into(), "[1.75e308, 0.0]".into(), noisy("1.0")),
        ("tiny_window", format!("{quadratic}\nx = [0.0, 1e-300]\ny = [0.0, 1e-300]"), "[5e-301, 5e-301]".into(), noisy("1e-300")),
        ("huge_window", format!("{quadratic}\nx = [-1e299, 1e299]\ny = [-1e299, 1e299]"), "[1e298, 1e298]".into(), noisy("1e298")),
        ("overflowing_formula", "expr = \"exp(x^2 + y^2) * 1e300\"".into(), "[1.0, 1.0]".into(), noisy("1.0")),
        ("nan_formula", "expr = \"sqrt(x) + ln(y)\"\nx = [-1.0, 4.0]\ny = [-1.0, 4.0]".into(), "[2.0, 2.0]".into(), noisy("10.0")),
        ("wide_fit", "kind = \"linear_regression\"\ndata = [[0, 1e120], [1, -1e120], [2, 3e120]]".into(), "[0.0, 0.0]".into(), noisy("1.0")),
    ];
    let mut ran = 0;
    for (name, surface, start, optimizers) in &cases {
        for panels in ["single", "sweep", "start"] {
            let draw =
                format!("{ALL_CHARTS}\n{ALL_OVERLAYS}\npanels = \"{panels}\"\naspect = \"equal\"");
            let text = scene(name, surface, &draw, start, optimizers);
            let file = t.write(&format!("{name}-{panels}.toml"), &text);
            let out = t.path(&format!("out-{name}-{panels}"));
            let o = run_in(
                &t.0,
                &["-q", "--out", out.to_str().unwrap(), file.to_str().unwrap()],
                Duration::from_secs(120),
            );
            let code = o.status.code();
            assert!(
                matches!(code, Some(0) | Some(2)),
                "{name} ({panels}): exit {code:?}\n{}\n{text}",
                stderr(&o)
            );
            if code == Some(2) {
                assert!(
                    stderr(&o).contains(&format!("{name}-{panels}.toml:")),
                    "{name}: a refusal names the file and line:\n{}",
                    stderr(&o)
                );
                // What the render refused, --check refuses too: nothing derived escapes it.
                let check = run_in(
                    &t.0,
                    &["--check", file.to_str().unwrap()],
                    Duration::from_secs(60),
                );
                assert_status(&check, 2);
            }
            ran += 1;
        }
    }
    assert_eq!(ran, cases.len() * 3);
}

/// Named pipes, devices and folders are refused as scene, data, font and manifest files at
/// once (a pipe would block the reader forever, `/dev/zero` never ends), and a file over its
/// size limit too.
#[cfg(unix)]
#[test]
fn files_that_are_not_files_are_refused_at_once() {
    let t = TempDir::new("hostile", "fifo");
    let fifo = |name: &str| {
        let p = t.path(name);
        let status = Command::new("mkfifo").arg(&p).status().expect("mkfifo");
        assert!(status.success());
        p
    };
    let limit = Duration::from_secs(20);
    // The scene itself: a pipe, a device, a folder.
    let pipe = fifo("pipe.toml");
    for target in [pipe.to_str().unwrap(), "/dev/zero", t.0.to_str().unwrap()] {
        let o = run_in(&t.0, &["--check", target], limit);
        if target == t.0.to_str().unwrap() {
            // A folder is a folder of scenes (here: none).
            assert_status(&o, 2);
            continue;
        }
        assert_status(&o, 2);
        assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
    }
    // A data file and a font that are pipes, or links to /dev/zero.
    fifo("data.csv");
    fifo("font.ttf");
    std::os::unix::fs::symlink("/dev/zero", t.path("zero.csv")).unwrap();
    let base = |extra: &str, surface: &str| {
        format!(
            "[surface]\n{surface}\n[draw]\n{extra}\n[[start]]\nat = [0.0, 0.0]\n\
             [[optimizer]]\nkind = \"gd\"\nlr = 0.1\n"
        )
    };
    for (name, text) in [
        (
            "d1",
            base("", "kind = \"linear_regression\"\ndata_file = \"data.csv\""),
        ),
        (
            "d2",
            base("", "kind = \"linear_regression\"\ndata_file = \"zero.csv\""),
        ),
        ("f1", base("font = \"font.ttf\"", "kind = \"bowl\"")),
    ] {
        let file = t.write(&format!("{name}.toml"), &text);
        let o = run_in(&t.0, &["--check", file.to_str().unwrap()], limit);
        assert_status(&o, 2);
        // A link out of the project is refused for where it leads before anything is read.
        let err = stderr(&o);
        assert!(
            err.contains("not a regular file") || err.contains("outside the scene's folder"),
            "{name}: {err}"
        );
        let o = run_in(
            &t.0,
            &["--check", "--allow-outside", file.to_str().unwrap()],
            limit,
        );
        assert_status(&o, 2);
        assert!(
            stderr(&o).contains("not a regular file"),
            "{name}: {}",
            stderr(&o)
        );
    }
    // A scene file over 1 MiB.
    let big = format!(
        "{}\n# {}\n",
        base("", "kind = \"bowl\""),
        "x".repeat(1 << 20)
    );
    let file = t.write("big.toml", &big);
    let o = run_in(&t.0, &["--check", file.to_str().unwrap()], limit);
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("larger than the 1 MiB limit"),
        "{}",
        stderr(&o)
    );
    // A manifest that is a pipe is set aside with a note: the render goes on, and writes a
    // manifest in its place.
    let out = t.path("out");
    std::fs::create_dir_all(&out).unwrap();
    let status = Command::new("mkfifo")
        .arg(out.join("manifest.json"))
        .status()
        .unwrap();
    assert!(status.success());
    let ok = t.write("ok.toml", &base("", "kind = \"bowl\""));
    let o = run_in(
        &t.0,
        &["--out", out.to_str().unwrap(), ok.to_str().unwrap()],
        limit,
    );
    assert_status(&o, 0);
    assert!(
        stderr(&o).contains("is set aside: it is a named pipe"),
        "{}",
        stderr(&o)
    );
    assert!(out.join("manifest.json").is_file());
}

/// A reader that goes away never makes `render` panic, whatever it was printing; the exit
/// status is the one the run would have had.
#[test]
fn closed_pipes_never_panic() {
    let t = TempDir::new("hostile", "pipes");
    // stdout closed after the first bytes of a long print.
    for args in [&["--schema"][..], &["--list"][..]] {
        let mut child = render()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 1];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // The pipe's read end is closed now (dropped above).
        let o = wait_within(child, Duration::from_secs(20), "render --schema");
        assert_status(&o, 0);
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
    // stderr closed before an error, and before a successful render's table.
    let bad = t.write("bad.toml", "[surface]\nkind = \"bowl\"\n");
    let good = t.write(
        "good.toml",
        "[output]\nsize = [160, 160]\nsteps = 3\n[surface]\nkind = \"bowl\"\n[[start]]\nat = [1.0, 1.0]\n\
         [[optimizer]]\nkind = \"gd\"\nlr = 0.1\n",
    );
    let out = t.path("out");
    for (file, code) in [(&bad, 2), (&good, 0)] {
        let mut child = render()
            .args(["--out", out.to_str().unwrap(), file.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = wait_within(child, Duration::from_secs(60), "render, stderr closed").status;
        assert_eq!(status.code(), Some(code), "{}", file.display());
    }
}

/// Scenes named `a` and `a.loss` would both write `a.loss.png` (the first's loss chart): found
/// before any work, located at the second's name.
#[test]
fn names_that_collide_through_derived_names_are_refused() {
    let t = TempDir::new("hostile", "derived-names");
    let text = |name: &str| {
        format!(
            "[output]\nname = \"{name}\"\nsize = [160, 160]\nsteps = 3\n[surface]\nkind = \"bowl\"\n\
             [[start]]\nat = [1.0, 1.0]\n[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n"
        )
    };
    let a = t.write("a.toml", &text("a"));
    let b = t.write("b.toml", &text("a.loss"));
    let out = t.path("out");
    let o = run_in(
        &t.0,
        &[
            "--out",
            out.to_str().unwrap(),
            a.to_str().unwrap(),
            b.to_str().unwrap(),
        ],
        Duration::from_secs(60),
    );
    assert_status(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("b.toml:2:8: `output.name`"), "{err}");
    assert!(err.contains("`a.loss.png`"), "{err}");
    assert!(listing(&out).is_empty());
}

fn tiny(name: &str) -> String {
    format!(
        "[output]\nname = \"{name}\"\nsize = [160, 160]\nsteps = 3\n[surface]\nkind = \"bowl\"\n\
         [[start]]\nat = [1.0, 1.0]\n[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n"
    )
}

fn manifest_names(out: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["scenes"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

/// Two renders of disjoint scene sets into one folder at once lose no record: the manifest
/// and the gallery list every scene.
#[test]
fn concurrent_renders_into_one_folder_keep_every_record() {
    let t = TempDir::new("hostile", "concurrent");
    let (one, two) = (t.path("one"), t.path("two"));
    std::fs::create_dir_all(&one).unwrap();
    std::fs::create_dir_all(&two).unwrap();
    let mut names = Vec::new();
    for i in 0..6 {
        let (dir, name) = if i % 2 == 0 {
            (&one, format!("e{i}"))
        } else {
            (&two, format!("o{i}"))
        };
        std::fs::write(dir.join(format!("{name}.toml")), tiny(&name)).unwrap();
        names.push(name);
    }
    names.sort();
    let out = t.path("out");
    for _ in 0..3 {
        let _ = std::fs::remove_dir_all(&out);
        let spawn = |dir: &PathBuf| {
            render()
                .args(["-q", "--out", out.to_str().unwrap(), dir.to_str().unwrap()])
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(&one), spawn(&two));
        for child in [a, b] {
            let o = wait_within(child, Duration::from_secs(120), "concurrent render");
            assert_status(&o, 0);
        }
        assert_eq!(manifest_names(&out), names, "records were lost");
        let page = std::fs::read_to_string(out.join("index.html")).unwrap();
        for n in &names {
            assert!(
                page.contains(&format!("{n}.gif")),
                "{n} missing from the gallery"
            );
        }
    }
}

/// The manifest stores paths relative to the output folder: a render from another working
/// directory still finds (and lists) the scenes rendered before, and the gallery's links lead
/// to the scene files whatever mix of relative and absolute paths was given.
#[test]
fn the_gallery_keeps_scenes_rendered_from_another_working_directory() {
    let t = TempDir::new("hostile", "cwd");
    std::fs::create_dir_all(t.path("scenes")).unwrap();
    std::fs::create_dir_all(t.path("elsewhere")).unwrap();
    t.write("scenes/a.toml", &tiny("a"));
    t.write("scenes/b.toml", &tiny("b"));
    let out_abs = t.path("out");
    // From the project folder, relative paths.
    let o = run_in(
        &t.0,
        &["-q", "--out", "out", "scenes/a.toml"],
        Duration::from_secs(60),
    );
    assert_status(&o, 0);
    // From another folder, a relative scene and an absolute output folder.
    let o = run_in(
        &t.path("elsewhere"),
        &["-q", "--out", out_abs.to_str().unwrap(), "../scenes/b.toml"],
        Duration::from_secs(60),
    );
    assert_status(&o, 0);
    assert_eq!(manifest_names(&out_abs), ["a", "b"]);
    let page = std::fs::read_to_string(out_abs.join("index.html")).unwrap();
    assert!(page.contains("a.gif") && page.contains("b.gif"), "{page}");
    assert!(
        page.contains("href=\"../scenes/a.toml\"") && page.contains("href=\"../scenes/b.toml\""),
        "{page}"
    );
    // Unchanged scenes are skipped from either place.
    let o = run_in(
        &t.path("elsewhere"),
        &["--out", "../out", "../scenes"],
        Duration::from_secs(60),
    );
    assert_status(&o, 0);
    assert_eq!(stderr(&o).matches("skipped").count(), 2, "{}", stderr(&o));
}

/// `--check` on a folder of broken scenes reports every error of every scene at once, sorted by
/// position within each file, and counts them.
#[test]
fn every_error_of_every_scene_is_reported_at_once() {
    let t = TempDir::new("hostile", "all-errors");
    let dir = t.path("scenes");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.toml"),
        "[output]\nsteps = 0\n[surface]\nkind = \"bowl\"\n[[start]]\nat = [1.0, 1.0]\n\
         [[optimizer]]\nkind = \"momentum\"\nlr = -1\nbta = 0.9\n",
    )
    .unwrap();
    std::fs::write(dir.join("b.toml"), "[surface]\nkind = \"bowll\"\n").unwrap();
    std::fs::write(dir.join("c.toml"), "this is = not = toml\n").unwrap();
    std::fs::write(dir.join("d.toml"), tiny("d")).unwrap();
    std::fs::write(
        dir.join("e.toml"),
        "title = \"E\"\n[surface]\nexpr = \"x^2 + * y\"\n[[start]]\nat = [1.0]\n[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n",
    )
    .unwrap();
    let o = run_in(
        &t.0,
        &["--check", dir.to_str().unwrap()],
        Duration::from_secs(60),
    );
    assert_status(&o, 2);
    let err = stderr(&o);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    let located: Vec<&&str> = errors.iter().filter(|l| l.contains(".toml:")).collect();
    // a: steps, lr, bta (in file order); b: the kind and the missing start and optimizer;
    // c: the syntax error; e: the formula and the start point.
    for (file, count) in [("a.toml", 3), ("c.toml", 1), ("e.toml", 2)] {
        assert_eq!(
            located.iter().filter(|l| l.contains(file)).count(),
            count,
            "{file}:\n{err}"
        );
    }
    assert!(
        located.iter().filter(|l| l.contains("b.toml")).count() >= 2,
        "{err}"
    );
    let a_lines: Vec<usize> = located
        .iter()
        .filter(|l| l.contains("a.toml:"))
        .map(|l| {
            l.split("a.toml:")
                .nth(1)
                .unwrap()
                .split(':')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(
        a_lines.windows(2).all(|w| w[0] <= w[1]),
        "in file order: {a_lines:?}"
    );
    let last = err.lines().last().unwrap();
    assert!(
        last.starts_with(&format!("error: {} errors in 4 files", located.len())),
        "{last}"
    );
}

/// A scene deleted since its render: a plain render keeps its record while its files remain
/// (and says so); `--prune` deletes exactly those files and says which; the gallery never
/// lists it.
#[test]
fn stale_records_are_pruned_on_request() {
    let t = TempDir::new("hostile", "stale");
    let dir = t.path("scenes");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("keep.toml"), tiny("keep")).unwrap();
    std::fs::write(dir.join("gone.toml"), tiny("gone")).unwrap();
    let out = t.path("out");
    let o = run_in(
        &t.0,
        &["-q", "--out", "out", "scenes"],
        Duration::from_secs(60),
    );
    assert_status(&o, 0);
    std::fs::write(out.join("unrelated.txt"), "mine").unwrap();
    std::fs::remove_file(dir.join("gone.toml")).unwrap();
    let o = run_in(&t.0, &["--out", "out", "scenes"], Duration::from_secs(60));
    assert_status(&o, 0);
    assert!(
        stderr(&o).contains("`gone`: its scene file"),
        "{}",
        stderr(&o)
    );
    assert!(out.join("gone.gif").exists());
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        !page.contains("gone.gif"),
        "the gallery lists a deleted scene"
    );
    let o = run_in(
        &t.0,
        &["--prune", "--out", "out", "scenes"],
        Duration::from_secs(60),
    );
    assert_status(&o, 0);
    let err = stderr(&o);
    let pruned: Vec<&str> = err.lines().filter(|l| l.starts_with("pruned ")).collect();
    // gif, png, svg, csv, the player, the caption and the loss chart (png, svg).
    assert_eq!(pruned.len(), 8, "{err}");
    let left = listing(&out);
    assert!(!left.iter().any(|f| f.starts_with("gone.")), "{left:?}");
    assert!(left.contains(&"unrelated.txt".to_string()) && left.contains(&"keep.gif".to_string()));
    assert_eq!(manifest_names(&out), ["keep"]);
}

/// Data files (and fonts) stay inside the scene's folder or the working directory, links
/// followed, unless `--allow-outside`; an error in a file outside never shows its content.
#[test]
fn data_files_stay_inside_the_project() {
    let t = TempDir::new("hostile", "outside");
    let project = t.path("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(t.path("secret.csv"), "0,1\n1,2\nroot:x:0:0:secret\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(t.path("secret.csv"), project.join("link.csv")).unwrap();
    let text = |file: &str| {
        format!(
            "[surface]\nkind = \"linear_regression\"\ndata_file = \"{file}\"\n[[start]]\nat = [0.0, 0.0]\n\
             [[optimizer]]\nkind = \"gd\"\nlr = 0.1\n"
        )
    };
    let mut files = vec!["../secret.csv"];
    if cfg!(unix) {
        files.push("link.csv");
    }
    for file in files {
        let s = project.join("s.toml");
        std::fs::write(&s, text(file)).unwrap();
        let o = run_in(&project, &["--check", "s.toml"], Duration::from_secs(30));
        assert_status(&o, 2);
        assert!(
            stderr(&o).contains("outside the scene's folder"),
            "{}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("root:x"), "{}", stderr(&o));
        // Allowed, the bad row is reported without its content.
        let o = run_in(
            &project,
            &["--check", "--allow-outside", "s.toml"],
            Duration::from_secs(30),
        );
        assert_status(&o, 2);
        assert!(
            stderr(&o).contains("its content is not shown"),
            "{}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("root:x"), "{}", stderr(&o));
    }
}

/// A folder where `manifest.json`, `index.html` or an output goes is found before any output
/// is written: invalid input, exit 2, nothing written.
#[test]
fn folders_in_the_way_are_found_before_writing() {
    let t = TempDir::new("hostile", "in-the-way");
    let s = t.write("s.toml", &tiny("s"));
    for blocker in ["manifest.json", "index.html", "s.png", "s.loss.svg"] {
        let out = t.path(&format!("out-{blocker}"));
        std::fs::create_dir_all(out.join(blocker)).unwrap();
        let o = run_in(
            &t.0,
            &["--out", out.to_str().unwrap(), s.to_str().unwrap()],
            Duration::from_secs(60),
        );
        assert_status(&o, 2);
        assert!(stderr(&o).contains(blocker), "{}", stderr(&o));
        assert_eq!(listing(&out), [blocker], "something was written");
    }
}

/// Titles and labels with control characters still make SVGs that are XML: no character XML
/// forbids reaches the document.
#[test]
fn control_characters_never_reach_an_svg() {
    let t = TempDir::new("hostile", "control");
    let text = "title = \"bell\\u0007 and \\u0001 nul-ish\"\n[output]\nname = \"c\"\nsize = [160, 160]\nsteps = 3\n\
                [surface]\nkind = \"bowl\"\n[[start]]\nat = [1.0, 1.0]\n[[optimizer]]\nkind = \"gd\"\nlr = 0.1\nlabel = \"a\\u0008b\"\n";
    let s = t.write("c.toml", text);
    let out = t.path("out");
    let o = run_in(
        &t.0,
        &["-q", "--out", out.to_str().unwrap(), s.to_str().unwrap()],
        Duration::from_secs(60),
    );
    if o.status.code() == Some(2) {
        // Characters no font draws are refused as text the scene cannot show: also fine.
        assert!(
            stderr(&o).contains("U+0007") || stderr(&o).contains("glyph"),
            "{}",
            stderr(&o)
        );
        return;
    }
    assert_status(&o, 0);
    for f in listing(&out).iter().filter(|f| f.ends_with(".svg")) {
        let bytes = std::fs::read(out.join(f)).unwrap();
        assert!(
            !bytes
                .iter()
                .any(|&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t')),
            "{f} holds a control character"
        );
    }
}

/// Messages stay short and say what is wrong where: a 10 MB data row makes a short message
/// naming the key and the scene; a byte-order mark before the first row is no error; numbers
/// print compactly; an oversized fit is blamed on the data, not the start point; a seed too
/// large for a whole number says so.
#[test]
fn messages_are_short_located_and_blame_what_is_wrong() {
    let t = TempDir::new("hostile", "messages");
    let lr = |file: &str| {
        format!(
            "[surface]\nkind = \"linear_regression\"\ndata_file = \"{file}\"\n[[start]]\nat = [0.0, 0.0]\n\
             [[optimizer]]\nkind = \"gd\"\nlr = 0.1\n"
        )
    };
    std::fs::write(
        t.path("big.csv"),
        format!("x,y\n1,2\n3,{}x\n", "9".repeat(10_000_000)),
    )
    .unwrap();
    let s = t.write("big.toml", &lr("big.csv"));
    let o = run_in(
        &t.0,
        &["--check", s.to_str().unwrap()],
        Duration::from_secs(60),
    );
    assert_status(&o, 2);
    let err = stderr(&o);
    assert!(err.len() < 2_000, "{} bytes of stderr", err.len());
    assert!(err.contains("big.csv:3:1: `surface.data_file`"), "{err}");
    assert!(
        err.contains("the data file of `") && err.contains("big.toml`"),
        "{err}"
    );
    std::fs::write(t.path("bom.csv"), "\u{FEFF}1,2\n2,3\n3,5\n").unwrap();
    let s = t.write("bom.toml", &lr("bom.csv"));
    assert_status(
        &run_in(
            &t.0,
            &["--check", s.to_str().unwrap()],
            Duration::from_secs(30),
        ),
        0,
    );
    std::fs::write(t.path("wide.csv"), "0,1e308\n1,-1e308\n2,1e308\n").unwrap();
    let s = t.write("wide.toml", &lr("wide.csv"));
    let o = run_in(
        &t.0,
        &["--check", s.to_str().unwrap()],
        Duration::from_secs(30),
    );
    assert_status(&o, 2);
    assert!(
        stderr(&o).contains("`surface.data_file`: the data are too large"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("start[0]"), "{}", stderr(&o));
    let s = t.write(
        "n.toml",
        "[surface]\nkind = \"bowl\"\n[[start]]\nat = [1.0, 1.0]\n[[optimizer]]\nkind = \"momentum\"\n\
         lr = 0.1\nbeta = 1e308\nnoise = { std = 1.0, seed = 1e30 }\n",
    );
    let o = run_in(
        &t.0,
        &["--check", s.to_str().unwrap()],
        Duration::from_secs(30),
    );
    assert_status(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains("found 1e308") && !err.contains("000000000"),
        "{err}"
    );
    assert!(
        err.contains("`optimizer[0].noise.seed`: expected a whole number below 2^62"),
        "{err}"
    );
    assert!(
        err.lines().last().unwrap().contains("2 errors in 1 file"),
        "{err}"
    );
    // A swept value of 1e300 labels its run compactly.
    let out = t.path("out");
    let s = t.write(
        "label.toml",
        "[output]\nname = \"label\"\nsize = [160, 160]\nsteps = 2\n[surface]\nkind = \"bowl\"\n\
         [[start]]\nat = [1.0, 1.0]\n[[optimizer]]\nkind = \"gd\"\nlr = [1e-300, 0.1]\n",
    );
    let o = run_in(
        &t.0,
        &["-q", "--out", out.to_str().unwrap(), s.to_str().unwrap()],
        Duration::from_secs(60),
    );
    assert_status(&o, 0);
    let csv = std::fs::read_to_string(out.join("label.csv")).unwrap();
    assert!(csv.contains("lr=1e-300"), "{}", &csv[..csv.len().min(400)]);
}

/// An output whose name contains the temporaries' marker is an output like any other: a later
/// render never takes it for a stray temporary.
#[test]
fn outputs_named_like_temporaries_survive() {
    let t = TempDir::new("hostile", "tmp-names");
    let s = t.write("a.toml", &tiny("a.inertia-tmp-1"));
    let out = t.path("out");
    for _ in 0..2 {
        let o = run_in(
            &t.0,
            &[
                "-q",
                "--force",
                "--out",
                out.to_str().unwrap(),
                s.to_str().unwrap(),
            ],
            Duration::from_secs(60),
        );
        assert_status(&o, 0);
    }
    let o = run_in(
        &t.0,
        &[
            "-q",
            "--out",
            out.to_str().unwrap(),
            t.write("b.toml", &tiny("b")).to_str().unwrap(),
        ],
        Duration::from_secs(60),
    );
    assert_status(&o, 0);
    assert!(
        out.join("a.inertia-tmp-1.gif").is_file(),
        "{:?}",
        listing(&out)
    );
}
