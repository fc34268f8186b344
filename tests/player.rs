//! The player (`NAME.html`) in a real browser: headless Chromium loads the committed players
//! from `file://` and a script added to a copy of the page drives them as a reader would
//! (clicks, keys, the scrubber, a slider) and reports what the page shows. Checked: no console
//! error and no request; the clock runs while playing and stops when paused; the keys; the
//! readout of every step against the CSV's row; sliders show the runs of their value; a reader
//! who prefers reduced motion gets the poster, paused; a screenshot at step k against
//! `render --frame k`. Without Chromium these tests skip with a message (`.ci/run` installs it).
//!
//! Also here, browser or not: the quad60 player's size, and what the page embeds.

use std::path::{Path, PathBuf};
use std::process::Command;

use inertia::scene::Scene;

mod browser;
use browser::{differing_pixels, find_chromium, run_chromium, TempDir};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shipped(name: &str) -> Scene {
    inertia::scene::load(&root().join("scenes").join(format!("{name}.toml")))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn render_bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_render"))
}

/// Runs `render` with `args`, which must succeed.
fn render(args: &[&std::ffi::OsStr]) {
    let o = render_bin().args(args).output().unwrap();
    assert!(
        o.status.success(),
        "render {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Recording errors from the very start of the page: uncaught errors, console errors and
/// warnings, requests the page's policy refused.
const PROBE_HEAD: &str = r##"<script>
window.probeErrors = [];
addEventListener("error", (e) => probeErrors.push("error: " + e.message));
addEventListener("unhandledrejection", (e) => probeErrors.push("rejection: " + e.reason));
document.addEventListener("securitypolicyviolation", (e) => probeErrors.push("blocked: " + e.blockedURI));
for (const level of ["error", "warn"]) {
  const f = console[level];
  console[level] = (...a) => { probeErrors.push(level + ": " + a.join(" ")); f.apply(console, a); };
}
</script>"##;

/// What a reader does, once the player has started, and what the page shows after each act;
/// the report goes into `<pre id="probe">` as JSON.
const PROBE_BODY: &str = r##"<script>
(async () => {
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  const root = document.getElementById("player");
  const data = JSON.parse(document.getElementById("data").textContent);
  const n = data.picture.steps;
  const state = () => ({ step: Number(root.dataset.step), playing: root.dataset.playing === "true" });
  const key = (k) => document.body.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
  const runs = () => Array.from(document.querySelectorAll("#readout .run"), (r) => ({
    hidden: r.hidden,
    values: Array.from(r.querySelectorAll("dd"), (d) => d.textContent),
    note: r.querySelector(".note").textContent,
  }));
  // The runs whose paths show (a piece with points) at the shown step.
  const drawn = () => {
    const seen = new Set();
    data.picture.trails.forEach((pieces, g) => {
      const paths = document.getElementById("tr" + g).children;
      pieces.forEach(([run], i) => { if (run >= 0 && paths[i].hasAttribute("d")) seen.add(run); });
    });
    return Array.from(seen).sort((a, b) => a - b);
  };
  const out = { steps: n };
  out.start = state();
  const t0 = performance.now();
  await wait(1000);
  out.played = state();
  out.playedMs = performance.now() - t0;
  document.getElementById("play").click();
  out.paused = state();
  await wait(1000);
  out.later = state();
  key("Home"); out.home = state();
  key("ArrowRight"); key("ArrowRight"); out.right = state();
  key("ArrowLeft"); out.left = state();
  key("End"); out.end = state();
  key("ArrowRight"); out.beyond = state();
  key("Home");
  key(" "); out.spacePlays = state();
  await wait(400);
  out.spaceClock = state();
  key(" "); out.spacePauses = state();
  document.getElementById("forward").click(); out.forward = state();
  document.getElementById("last").click(); out.last = state();
  document.getElementById("first").click(); out.first = state();
  const scrub = document.getElementById("scrub");
  out.readouts = [];
  for (let k = 0; k <= n; k++) {
    scrub.value = k;
    scrub.dispatchEvent(new Event("input"));
    out.readouts.push(runs());
  }
  out.scrubbed = state();
  out.counter = document.getElementById("counter").textContent;
  const toggle = document.getElementById("caption-toggle"), caption = document.getElementById("caption");
  out.captionBefore = caption.hidden;
  toggle.click();
  out.captionShown = !caption.hidden && toggle.getAttribute("aria-expanded") === "true";
  out.caption = caption.textContent;
  out.sliders = [];
  data.sliders.forEach((s, i) => {
    const input = document.getElementById("slider" + i);
    const views = [];
    for (let v = 0; v < s.values.length; v++) {
      input.value = v;
      input.dispatchEvent(new Event("input"));
      views.push({
        text: document.getElementById("slider" + i + "-value").textContent,
        readout: runs().map((r, k) => r.hidden ? -1 : k).filter((k) => k >= 0),
        drawn: drawn(),
      });
    }
    out.sliders.push(views);
  });
  out.labels = Array.from(document.querySelectorAll("button, input, select"), (e) =>
    e.getAttribute("aria-label") || (e.labels && e.labels.length ? e.labels[0].textContent.trim() : "") ||
    e.textContent.trim());
  out.resources = performance.getEntriesByType("resource").map((e) => e.name);
  out.errors = probeErrors;
  const pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.append(pre);
})();
</script>"##;

/// A copy of the player `html` in `dir` with the probe in it; returns its path.
fn probe_copy(html: &Path, dir: &Path) -> PathBuf {
    let page = std::fs::read_to_string(html).unwrap();
    let page = page
        .replacen("<head>", &format!("<head>\n{PROBE_HEAD}"), 1)
        .replacen("</body>", &format!("{PROBE_BODY}\n</body>"), 1);
    let path = dir.join(html.file_name().unwrap());
    std::fs::write(&path, page).unwrap();
    path
}

/// The probe's report in a dumped DOM.
fn report(dom: &str) -> serde_json::Value {
    let start = dom
        .find("<pre id=\"probe\">")
        .unwrap_or_else(|| panic!("no probe report in the page:\n{dom}"))
        + "<pre id=\"probe\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let text = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn url(p: &Path) -> String {
    format!("file://{}", p.display())
}

/// Loads the probed copy of a committed player and returns the report.
fn probe(chromium: &Path, tmp: &TempDir, name: &str) -> serde_json::Value {
    let page = probe_copy(&root().join("outputs").join(format!("{name}.html")), &tmp.0);
    let dom = run_chromium(
        chromium,
        &tmp.0,
        name,
        &["--virtual-time-budget=20000".into(), "--dump-dom".into()],
        &url(&page),
    );
    report(&dom)
}

/// (step, playing) of a reported state.
fn state(v: &serde_json::Value) -> (u64, bool) {
    (v["step"].as_u64().unwrap(), v["playing"].as_bool().unwrap())
}

#[test]
fn the_player_plays_pauses_steps_and_reads_out_the_csv() {
    let Some(chromium) = find_chromium() else {
        eprintln!("skipped: chromium not installed; apt-get install chromium");
        return;
    };
    // Over the plane, and on a curve (whose readout has no y).
    for name in ["gd_vs_momentum", "ball_on_curve"] {
        plays_and_reads_out(&chromium, name);
    }
}

fn plays_and_reads_out(chromium: &Path, name: &str) {
    let tmp = TempDir::new("player-probe");
    let r = probe(chromium, &tmp, name);
    let n = r["steps"].as_u64().unwrap();
    assert_eq!(
        r["errors"],
        serde_json::json!([]),
        "errors: {}",
        r["errors"]
    );
    assert_eq!(
        r["resources"],
        serde_json::json!([]),
        "requests: {}",
        r["resources"]
    );

    // It plays from the start, at 15 steps a second: never ahead of the clock, and not far
    // behind it (a loaded machine may deliver the page's timers late, so the time is the
    // page's own).
    assert_eq!(state(&r["start"]), (0, true));
    let (played, playing) = state(&r["played"]);
    let due = r["playedMs"].as_f64().unwrap() * 15.0 / 1000.0;
    assert!(
        playing && played as f64 <= due + 1.5 && played as f64 >= due * 0.6 - 1.0,
        "after {} ms: {} (due {due:.1})",
        r["playedMs"],
        r["played"]
    );
    // Pausing stops the clock.
    let (paused, playing) = state(&r["paused"]);
    assert!(!playing && paused >= played);
    assert_eq!(
        state(&r["later"]),
        (paused, false),
        "the clock ran while paused"
    );
    // The keys.
    assert_eq!(state(&r["home"]), (0, false));
    assert_eq!(state(&r["right"]), (2, false));
    assert_eq!(state(&r["left"]), (1, false));
    assert_eq!(state(&r["end"]), (n, false));
    assert_eq!(state(&r["beyond"]), (n, false));
    assert_eq!(state(&r["spacePlays"]), (0, true));
    let (k, playing) = state(&r["spaceClock"]);
    assert!(playing && (4..=7).contains(&k), "{}", r["spaceClock"]);
    assert!(!state(&r["spacePauses"]).1);
    // The buttons.
    let at = state(&r["spacePauses"]).0;
    assert_eq!(state(&r["forward"]), (at + 1, false));
    assert_eq!(state(&r["last"]), (n, false));
    assert_eq!(state(&r["first"]), (0, false));
    assert_eq!(state(&r["scrubbed"]), (n, false));
    assert_eq!(r["counter"], format!("step {n} / {n}"));
    // Every control is labelled.
    for label in r["labels"].as_array().unwrap() {
        assert!(!label.as_str().unwrap().is_empty(), "{}", r["labels"]);
    }
    // The caption, on demand.
    assert_eq!(r["captionBefore"], true);
    assert_eq!(r["captionShown"], true);
    let caption = std::fs::read_to_string(root().join(format!("outputs/{name}.txt"))).unwrap();
    assert_eq!(
        r["caption"].as_str().unwrap(),
        caption.lines().collect::<Vec<_>>().join(" ")
    );

    // The readout of every step: θ and f(θ) are the CSV's fields as written, the step length
    // and the lr as the library computes them.
    let csv = std::fs::read_to_string(root().join(format!("outputs/{name}.csv"))).unwrap();
    let scene = shipped(name);
    let trajectories = inertia::pipeline::trajectories(&scene);
    let readouts = r["readouts"].as_array().unwrap();
    assert_eq!(readouts.len() as u64, n + 1);
    let mut checked = 0;
    for line in csv.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let (run, step) = (
            fields[0].parse::<usize>().unwrap(),
            fields[2].parse::<usize>().unwrap(),
        );
        let shown = &readouts[step][run];
        let values: Vec<&str> = shown["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        // The CSV's x, y and loss; a curve's readout has no y (its CSV field is empty).
        let csv_fields: Vec<&str> = fields[3..6]
            .iter()
            .copied()
            .filter(|f| !f.is_empty())
            .collect();
        let n = csv_fields.len();
        assert_eq!(values[..n], csv_fields[..], "run {run} at step {step}");
        let (_, library) =
            inertia::player::readout(&scene.runs[run], &trajectories[run], step, scene.dims());
        assert_eq!(
            values[n], library[1],
            "step length, run {run} at step {step}"
        );
        assert_eq!(values[n + 1], library[2], "lr, run {run} at step {step}");
        checked += 1;
    }
    assert_eq!(checked, 3 * (n as usize + 1));
}

#[test]
fn a_slider_shows_the_runs_of_its_value() {
    let Some(chromium) = find_chromium() else {
        eprintln!("skipped: chromium not installed; apt-get install chromium");
        return;
    };
    let name = "momentum_beta_sweep";
    let scene = shipped(name);
    assert_eq!(scene.draw.sliders, ["beta"], "the scene has a β slider");
    let tmp = TempDir::new("player-slider");
    let r = probe(&chromium, &tmp, name);
    assert_eq!(
        r["errors"],
        serde_json::json!([]),
        "errors: {}",
        r["errors"]
    );
    let views = r["sliders"][0].as_array().unwrap();
    assert_eq!(views.len(), scene.runs.len());
    for (k, view) in views.iter().enumerate() {
        let beta = scene.runs[k].optimizer.beta().unwrap();
        assert_eq!(view["text"], inertia::keys::number_text(beta));
        // One run per value, in the readout and on the plot (the scrubber is at the last step).
        assert_eq!(view["readout"], serde_json::json!([k]), "β = {beta}");
        assert_eq!(view["drawn"], serde_json::json!([k]), "β = {beta}");
    }
}

#[test]
fn reduced_motion_starts_paused_on_the_poster() {
    let Some(chromium) = find_chromium() else {
        eprintln!("skipped: chromium not installed; apt-get install chromium");
        return;
    };
    let tmp = TempDir::new("player-still");
    // A scene whose poster is step 20.
    let text = std::fs::read_to_string(root().join("scenes/gd_vs_momentum.toml")).unwrap();
    let text = text.replacen("[output]", "[output]\nposter = 20", 1);
    let scene = tmp.0.join("poster.toml");
    std::fs::write(&scene, text).unwrap();
    let out = tmp.0.join("out");
    render(&[
        "-q".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
        scene.as_os_str(),
    ]);
    let page = out.join("gd_vs_momentum.html");
    let dom = run_chromium(
        &chromium,
        &tmp.0,
        "still",
        &[
            "--force-prefers-reduced-motion".into(),
            "--virtual-time-budget=3000".into(),
            "--dump-dom".into(),
        ],
        &url(&page),
    );
    assert!(
        dom.contains(r#"data-step="20""#) && dom.contains(r#"data-playing="false""#),
        "{}",
        &dom[dom.find("<main").unwrap()..][..200]
    );
    // Without the preference it plays.
    let dom = run_chromium(
        &chromium,
        &tmp.0,
        "moving",
        &["--virtual-time-budget=3000".into(), "--dump-dom".into()],
        &url(&page),
    );
    assert!(dom.contains(r#"data-playing="true""#));
}

/// A screenshot of the player at step k (named in the address) against `render --frame k`:
/// the picture is the same up to anti-aliasing.
#[test]
fn a_screenshot_at_step_k_is_frame_k() {
    let Some(chromium) = find_chromium() else {
        eprintln!("skipped: chromium not installed; apt-get install chromium");
        return;
    };
    let tmp = TempDir::new("player-shots");
    for (name, step) in [
        ("gd_vs_momentum", 12),
        ("nesterov_lookahead", 9),
        ("himmelblau_starts", 40),
        ("ball_on_curve", 12),
    ] {
        let scene = shipped(name);
        let (w, h) = (scene.output.width, scene.output.height);
        let frames = tmp.0.join(name);
        render(&[
            "-q".as_ref(),
            "--out".as_ref(),
            frames.as_os_str(),
            "--frame".as_ref(),
            step.to_string().as_ref(),
            root().join(format!("scenes/{name}.toml")).as_os_str(),
        ]);
        let frame = image::open(frames.join(format!("{name}.frame{step}.png")))
            .unwrap()
            .to_rgb8();
        let shot = tmp.0.join(format!("{name}-{step}.png"));
        let page = root().join(format!("outputs/{name}.html"));
        run_chromium(
            &chromium,
            &tmp.0,
            &format!("{name}-shot"),
            &[
                format!("--window-size={w},{}", h + 200),
                "--virtual-time-budget=2000".into(),
                format!("--screenshot={}", shot.display()),
            ],
            &format!("{}#step={step}", url(&page)),
        );
        let shown = image::open(&shot).unwrap().to_rgb8();
        let shown = image::imageops::crop_imm(&shown, 0, 0, w, h).to_image();
        let (differ, diff) = differing_pixels(&frame, &shown);
        let share = differ as f64 / f64::from(w * h);
        eprintln!(
            "{name} at step {step}: {:.3} % of pixels differ",
            share * 100.0
        );
        if share > 0.002 {
            let path = tmp.0.join(format!("{name}.diff.png"));
            diff.save(&path).unwrap();
            std::mem::forget(tmp);
            panic!(
                "{name} at step {step}: {:.2} % of pixels differ; diff: {}",
                share * 100.0,
                path.display()
            );
        }
    }
}

/// The readout's numbers are written as Rust writes them (the CSV): the player's formatter,
/// run in Chromium on thousands of doubles (exact ties between two shortest forms among them:
/// JavaScript and Rust break those differently), against the CSV's own writer.
#[test]
fn numbers_are_written_as_the_csv_writes_them() {
    let Some(chromium) = find_chromium() else {
        eprintln!("skipped: chromium not installed; apt-get install chromium");
        return;
    };
    let script = include_str!("../src/player/player.js");
    let function = &script[..script.find("(() => {").expect("the player's main function")];
    let mut values: Vec<f64> = vec![
        0.0,
        -0.0,
        0.1,
        0.3,
        1.0 / 3.0,
        0.1 + 0.2,
        1e21,
        1e22,
        123_456_789.123,
        f64::MAX,
        f64::MIN_POSITIVE,
        f64::from_bits(1),
        -2.980_232_238_769_531_3e-8,
    ];
    for k in 0..2046u64 {
        // Every power of two, and three times each: exact binary fractions whose shortest
        // decimal forms often tie.
        values.push(f64::from_bits(k << 52));
        values.push(3.0 * f64::from_bits(k << 52));
    }
    // Doubles of every magnitude from a fixed sequence (a linear congruential generator).
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..3000 {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let v = f64::from_bits(x >> 1);
        if v.is_finite() {
            values.push(if x & 1 == 0 { v } else { -v });
        }
    }
    values.retain(|v| v.is_finite());
    let json = serde_json::to_string(&values).unwrap();
    let tmp = TempDir::new("player-numbers");
    let page = tmp.0.join("numbers.html");
    std::fs::write(
        &page,
        format!(
            "<!DOCTYPE html><html><body><pre id=\"out\"></pre><script>{function}\n\
             const values = {json};\n\
             document.getElementById(\"out\").textContent = JSON.stringify(values.map(csvNumber));\n\
             </script></body></html>"
        ),
    )
    .unwrap();
    let dom = run_chromium(
        &chromium,
        &tmp.0,
        "numbers",
        &["--virtual-time-budget=5000".into(), "--dump-dom".into()],
        &url(&page),
    );
    let start = dom.find("<pre id=\"out\">").expect("the result") + "<pre id=\"out\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let shown: Vec<String> = serde_json::from_str(&dom[start..end]).unwrap();
    assert_eq!(shown.len(), values.len());
    let wrong: Vec<String> = values
        .iter()
        .zip(&shown)
        .filter(|(v, s)| inertia::encode::csv::number(**v) != **s)
        .map(|(v, s)| {
            let rust = inertia::encode::csv::number(*v);
            format!("{v:e}: Rust {rust}, player {s}")
        })
        .take(5)
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The quad60 scene's player stays small, and embeds nothing it does not need.
#[test]
fn the_quad60_player_is_small() {
    let tmp = TempDir::new("player-size");
    let scene = root().join("benches/scenes/bench_60.toml");
    render(&[
        "-q".as_ref(),
        "--out".as_ref(),
        tmp.0.as_os_str(),
        scene.as_os_str(),
    ]);
    let html = std::fs::read(tmp.0.join("bench_60.html")).unwrap();
    eprintln!("quad60 player: {} bytes", html.len());
    assert!(html.len() <= 150 * 1024, "{} bytes", html.len());
    let text = String::from_utf8(html).unwrap();
    // The surface is embedded once.
    assert_eq!(text.matches("data:image/png;base64,").count(), 1);
}
