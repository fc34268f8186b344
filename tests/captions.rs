//! Every statement of every shipped scene's caption (`outputs/NAME.txt`) checked against the
//! trajectories in its CSV: the text is parsed back (it is made of a few fixed phrases) and
//! each claim recomputed here from the positions, independently of the caption module: when
//! a run first comes within the tolerance of a minimum, when it leaves for good or from when it
//! stays, how often it overshoots along the axis named, where it ends or diverges. A curve's
//! (1-D scene's) places are written `x = 5`, and its CSV leaves `y` empty.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A number as captions write it (a true minus sign).
fn number(s: &str) -> f64 {
    s.replace('−', "-")
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

/// `(x, y)` at the start of `s`, or a curve's `x = 5` (its y 0), and the rest.
fn point(s: &str) -> ([f64; 2], &str) {
    if let Some(x) = s.strip_prefix("x = ") {
        let end = x.find([',', ' ']).unwrap_or(x.len());
        // A sentence's full stop is not the number's.
        let end = if x[..end].ends_with('.') {
            end - 1
        } else {
            end
        };
        return ([number(&x[..end]), 0.0], &x[end..]);
    }
    let s = s
        .strip_prefix('(')
        .unwrap_or_else(|| panic!("no point at {s:?}"));
    let end = s.find(')').unwrap();
    let (x, y) = s[..end].split_once(", ").unwrap();
    ([number(x), number(y)], &s[end + 1..])
}

/// The whole number at the start of `s`, and the rest.
fn whole(s: &str) -> (usize, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    (s[..end].parse().unwrap(), &s[end..])
}

fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// Each run's positions (and losses) from a CSV, in run order.
fn runs(csv: &str) -> Vec<Vec<([f64; 2], f64)>> {
    let mut out: Vec<Vec<([f64; 2], f64)>> = Vec::new();
    for line in csv.lines().skip(1) {
        // The label may be quoted and hold commas: the numbers are the last fields.
        let fields: Vec<&str> = line.rsplitn(4, ',').collect();
        let run: usize = line.split(',').next().unwrap().parse().unwrap();
        if run == out.len() {
            out.push(Vec::new());
        }
        // A curve's y is empty: its places are (x, 0).
        let y = if fields[1].is_empty() {
            0.0
        } else {
            number(fields[1])
        };
        let p = [number(fields[2]), y];
        out[run].push((p, number(fields[0])));
    }
    out
}

/// The minimum a caption names: "the minimum" (the only one) or "the … minimum at (x, y)".
fn named_minimum(s: &str, minima: &[[f64; 2]]) -> ([f64; 2], usize) {
    let rest = s.trim_start_matches("the ");
    let rest = rest
        .trim_start_matches("global ")
        .trim_start_matches("local ");
    let rest = rest.strip_prefix("minimum").unwrap();
    let place = rest
        .strip_prefix(" at ")
        .filter(|at| at.starts_with('(') || at.starts_with("x = "));
    if let Some(at) = place {
        let (p, after) = point(at);
        let m = *minima
            .iter()
            .find(|m| distance(**m, p) < 0.006)
            .unwrap_or_else(|| panic!("no minimum at {p:?}"));
        let len = s.len() - after.len();
        (m, len)
    } else {
        assert_eq!(minima.len(), 1, "\"the minimum\" with several: {s}");
        (minima[0], s.len() - rest.len())
    }
}

/// The sign changes of `errors`, only swings beyond `tolerance` counted.
fn overshoots(errors: &[f64], tolerance: f64) -> usize {
    let mut side = 0.0;
    let mut count = 0;
    for e in errors.iter().filter(|e| e.abs() > tolerance) {
        if side != 0.0 && e.signum() != side {
            count += 1;
        }
        side = e.signum();
    }
    count
}

fn check_scene(name: &str, scene_path: &Path) -> usize {
    let scene = inertia::scene::load(scene_path).unwrap();
    let caption = std::fs::read_to_string(root().join(format!("outputs/{name}.txt"))).unwrap();
    let csv = std::fs::read_to_string(root().join(format!("outputs/{name}.csv"))).unwrap();
    let paths = runs(&csv);
    let lines: Vec<&str> = caption.lines().collect();
    assert_eq!(lines.len(), paths.len() + 1, "{name}: a sentence per run");
    let minima = scene.surface.minima();
    let steps = scene.output.steps;
    let one_d = scene.dims() == inertia::surface::Dims::One;
    let side = match scene.view {
        inertia::scene::View::Plane(w) => w.width().max(w.height()),
        inertia::scene::View::Curve { x, .. } => x.1 - x.0,
    };
    let mut statements = 0;

    // The introduction: runs, steps, minima.
    assert!(
        lines[0].contains(&format!(" of {steps} steps on ")),
        "{name}: {}",
        lines[0]
    );
    for m in &minima {
        let text = if one_d {
            format!("x = {}", inertia::caption::coordinate(m[0]))
        } else {
            format!(
                "({}, {})",
                inertia::caption::coordinate(m[0]),
                inertia::caption::coordinate(m[1])
            )
        };
        assert!(lines[0].contains(&text), "{name}: {text} in {}", lines[0]);
    }
    statements += 1;

    for (run, (sentence, path)) in lines[1..].iter().zip(&paths).enumerate() {
        let label = &scene.runs[run].label;
        let body = sentence
            .strip_prefix(label.as_str())
            .unwrap_or_else(|| panic!("{name}: run {run} should start with {label}: {sentence}"));
        let body = body.strip_suffix('.').unwrap();
        let (story, shoots) = body.split_once("; it ").unwrap_or((body, ""));
        let near = |k: usize, m: [f64; 2], t: f64| distance(path[k].0, m) <= t;
        let last = path.len() - 1;
        let mut rest = story;
        let mut current: Option<[f64; 2]> = None;
        let mut tolerance = None;
        while !rest.is_empty() {
            rest = rest
                .trim_start_matches(' ')
                .trim_start_matches(", ")
                .trim_start_matches("and ");
            if let Some(r) = rest.strip_prefix("comes within ") {
                let (t, r) = r.split_once(" of ").unwrap();
                let t = number(t);
                tolerance = Some(t);
                let (m, len) = named_minimum(r, &minima);
                let (k, r) = whole(r[len..].strip_prefix(" at step ").unwrap());
                assert!(
                    near(k, m, t),
                    "{name} run {run}: not within {t} at step {k}"
                );
                assert!(
                    (0..k).all(|j| !near(j, m, t)),
                    "{name} run {run}: near before {k}"
                );
                current = Some(m);
                rest = r;
            } else if let Some(r) = rest.strip_prefix("leaves it for good at step ") {
                let (j, r) = whole(r);
                let (m, t) = (current.unwrap(), tolerance.unwrap());
                assert!(near(j - 1, m, t) && (j..=last).all(|i| !near(i, m, t)));
                rest = r;
            } else if let Some(r) = rest.strip_prefix("stays there") {
                let (m, t) = (current.unwrap(), tolerance.unwrap());
                let k = (0..=last).find(|&k| near(k, m, t)).unwrap();
                assert!((k..=last).all(|i| near(i, m, t)), "{name} run {run}");
                rest = r;
            } else if let Some(r) = rest.strip_prefix("stays within ") {
                let (t, r) = r.split_once(" of it from step ").unwrap();
                let (s, r) = whole(r);
                let m = current.unwrap();
                let t = number(t);
                assert!((s..=last).all(|i| near(i, m, t)) && !near(s - 1, m, t));
                rest = r;
            } else if let Some(r) = rest.strip_prefix("does not come within ") {
                let (t, r) = r.split_once(" of a minimum in ").unwrap();
                let t = number(t);
                tolerance = Some(t);
                let (n, r) = whole(r);
                assert_eq!(n, steps);
                assert!(minima.iter().all(|m| (0..=last).all(|k| !near(k, *m, t))));
                rest = r.strip_prefix(" steps").unwrap();
            } else if let Some(r) = rest.strip_prefix("ends at ") {
                let (p, r) = point(r);
                let end = path[last].0;
                assert!(
                    (p[0] - end[0]).abs() <= 0.005 + 1e-12
                        && (p[1] - end[1]).abs() <= 0.005 + 1e-12,
                    "{name} run {run}: ends at {end:?}, not {p:?}"
                );
                assert_eq!(
                    last, steps,
                    "{name} run {run}: a run that ends ran every step"
                );
                let mut r = r;
                if let Some(c) = r.strip_prefix(", closest to ") {
                    let (m, len) = named_minimum(c, &minima);
                    let d = distance(end, m);
                    assert!(minima.iter().all(|o| distance(end, *o) >= d));
                    current = Some(m);
                    r = &c[len..];
                } else if let Some(f) = r.strip_prefix(", where f = ") {
                    let value = number(f);
                    let loss = path[last].1;
                    assert!(
                        (value - loss).abs() <= 0.005 * loss.abs(),
                        "{value} vs {loss}"
                    );
                    r = "";
                }
                rest = r;
            } else if let Some(r) = rest.strip_prefix("diverges at step ") {
                let (d, r) = whole(r);
                assert!(
                    last < steps && (d == last || d == last + 1),
                    "{name} run {run}"
                );
                rest = r;
            } else {
                panic!("{name} run {run}: unknown statement at {rest:?} in {sentence}");
            }
            statements += 1;
        }

        // The overshoots, along the axis named, against the minimum named (or the one the
        // sentence is about).
        if shoots.is_empty() {
            assert!(minima.is_empty(), "{name} run {run}: no overshoot count");
            continue;
        }
        let (count, rest) = if let Some(r) = shoots.strip_prefix("does not overshoot") {
            (0, r)
        } else {
            let r = shoots.strip_prefix("overshoots").unwrap();
            let (target, r) = match r.strip_prefix(' ') {
                Some(t) if t.starts_with("the ") => {
                    let (m, len) = named_minimum(t, &minima);
                    (m, &t[len..])
                }
                _ => (current.unwrap_or(minima[0]), r),
            };
            current = Some(target);
            let r = r.trim_start();
            let (n, r) = if let Some(r) = r.strip_prefix("once") {
                (1, r)
            } else if let Some(r) = r.strip_prefix("twice") {
                (2, r)
            } else {
                let (n, r) = whole(r);
                (n, r.strip_prefix(" times").unwrap())
            };
            (n, r)
        };
        let rest = rest.trim_start();
        let rest = match rest.strip_prefix("the ") {
            Some(r)
                if r.starts_with("minimum")
                    || r.starts_with("global")
                    || r.starts_with("local") =>
            {
                let (m, len) = named_minimum(rest, &minima);
                current = Some(m);
                rest[len..].trim_start()
            }
            _ => rest,
        };
        let axis_text = rest.strip_prefix("along ").unwrap();
        let m = current.unwrap_or(minima[0]);
        let (xn, yn) = scene.surface.axis_names();
        let axis = if axis_text == xn {
            [1.0, 0.0]
        } else if axis_text == yn {
            [0.0, 1.0]
        } else if let Some(a) = axis_text.strip_prefix("the slow axis ") {
            let (a, _) = point(a);
            let n = a[0].hypot(a[1]);
            [a[0] / n, a[1] / n]
        } else {
            assert_eq!(axis_text, "the line from its start");
            let s = scene.runs[run].start;
            let d = [s[0] - m[0], s[1] - m[1]];
            let n = d[0].hypot(d[1]);
            [d[0] / n, d[1] / n]
        };
        let t = tolerance.unwrap();
        // The tolerance is 1 % of the window's larger side, to one significant digit.
        let one = 0.01 * side;
        assert!(
            (t - one).abs() <= 0.5 * 10f64.powf(one.log10().floor()) + 1e-12,
            "{name}: tolerance {t} for a window of {side}"
        );
        let errors: Vec<f64> = path
            .iter()
            .map(|(p, _)| (p[0] - m[0]) * axis[0] + (p[1] - m[1]) * axis[1])
            .collect();
        assert_eq!(
            overshoots(&errors, t),
            count,
            "{name} run {run}: overshoots along {axis_text}: {sentence}"
        );
        statements += 1;
    }
    statements
}

#[test]
fn every_caption_statement_holds_on_the_trajectories() {
    let dir = root().join("scenes");
    let mut scenes: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    scenes.sort();
    let mut total = 0;
    for path in &scenes {
        let scene = inertia::scene::load(path).unwrap();
        total += check_scene(&scene.output.name, path);
    }
    eprintln!("{total} statements checked in {} captions", scenes.len());
    assert!(total > 3 * scenes.len());
}

/// The caption is made from the trajectories: the same scene gives the same text, and it
/// follows the runs, not the title.
#[test]
fn captions_are_deterministic_and_ignore_the_title() {
    let path = root().join("scenes/gd_vs_momentum.toml");
    let scene = inertia::scene::load(&path).unwrap();
    let t = inertia::pipeline::trajectories(&scene);
    let a = inertia::caption::describe(&scene, &t).file();
    assert_eq!(a, inertia::caption::describe(&scene, &t).file());
    let mut retitled = scene.clone();
    retitled.title = "Something else entirely".into();
    assert_eq!(a, inertia::caption::describe(&retitled, &t).file());
    assert_eq!(
        a,
        std::fs::read_to_string(root().join("outputs/gd_vs_momentum.txt")).unwrap()
    );
}
