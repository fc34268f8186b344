//! The keys of an `[[optimizer]]` entry beyond its kind's numbers, as scene files write them:
//! flags, the learning-rate `schedule` table, minibatches (`batch`, `shuffle_seed`), swept
//! noise, the names theory computes (`lr = "polyak"`), label formats, and torch's refusals for
//! Nesterov. Each valid form is checked by what it expands to; each invalid one by where the
//! error points, what it says and its hint. The example scenes in `tests/scenes` (every newer
//! rule with the theory charts, Newton stopped by its Hessian, minibatch SGD on a schedule)
//! render end to end.

use std::path::Path;

use inertia::minibatch::Minibatch;
use inertia::scene::{Scene, SceneError};
use inertia::schedule::Schedule;
use inertia::theory;
use inertia::trajectory::Noise;

fn parse(src: &str) -> Scene {
    Scene::from_toml(Path::new("t.toml"), src)
        .unwrap_or_else(|e| panic!("expected a valid scene, got:\n{e}\nfor:\n{src}"))
}

fn fail(src: &str) -> SceneError {
    match Scene::from_toml(Path::new("t.toml"), src) {
        Ok(s) => panic!("expected an error, got {} runs:\n{src}", s.runs.len()),
        Err(e) => e,
    }
}

/// 1-based (line, column) of the first `needle` in `src`.
fn loc(src: &str, needle: &str) -> (usize, usize) {
    let at = src
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in:\n{src}"));
    let before = &src[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        src[line_start..at].chars().count() + 1,
    )
}

/// The location just after the first `prefix` in `src` (the value after `lr = `).
fn after(src: &str, prefix: &str) -> (usize, usize) {
    let (line, column) = loc(src, prefix);
    (line, column + prefix.chars().count())
}

#[track_caller]
fn check(e: &SceneError, at: (usize, usize), key: &str, message: &str, hint: Option<&str>) {
    assert_eq!((e.line, e.column), at, "wrong location for:\n{e}");
    assert_eq!(e.key, key, "wrong key for:\n{e}");
    assert!(
        e.message.contains(message),
        "message should contain {message:?}:\n{e}"
    );
    match (hint, &e.hint) {
        (Some(want), Some(got)) => {
            assert!(got.contains(want), "hint should contain {want:?}:\n{e}")
        }
        (Some(want), None) => panic!("expected a hint containing {want:?}:\n{e}"),
        (None, Some(got)) => panic!("expected no hint, got {got:?}:\n{e}"),
        (None, None) => {}
    }
}

/// A scene on ½(x² + 25y²) (curvatures 1 and 25) with `optimizers`.
fn on_quadratic(optimizers: &str) -> String {
    format!(
        "[surface]\nkind = \"quadratic\"\na = 1.0\nb = 25.0\n\n[[start]]\nat = [2.5, -2.0]\n\n{optimizers}"
    )
}

/// A scene on Rosenbrock (not a quadratic) with `optimizers`.
fn on_rosenbrock(optimizers: &str) -> String {
    format!("[surface]\nkind = \"rosenbrock\"\n\n[[start]]\nat = [-1.0, 1.5]\n\n{optimizers}")
}

/// A scene on 10 data points (y = 2x + 1 with noise) with `optimizers`.
fn on_data(optimizers: &str) -> String {
    format!(
        "[surface]\nkind = \"linear_regression\"\n\
         data = [[0, 1.2], [1, 2.9], [2, 5.1], [3, 6.8], [4, 9.3], [5, 10.9], [6, 13.2], \
         [7, 14.8], [8, 17.1], [9, 19.0]]\n\n[[start]]\nat = [-1.0, 3.0]\n\n{optimizers}"
    )
}

// ---------------------------------------------------------------------------------------------
// Flags and the newer kinds' keys.

#[test]
fn flags_are_true_or_false_and_may_be_swept() {
    let s = parse(&on_quadratic(
        "[[optimizer]]\nkind = \"adam\"\nlr = 0.1\namsgrad = [false, true]\n\n\
         [[optimizer]]\nkind = \"rmsprop\"\nlr = 0.01\ncentered = true\nmomentum = 0.9\n",
    ));
    let flags: Vec<Option<bool>> = s.runs.iter().map(|r| r.optimizer.flag("amsgrad")).collect();
    assert_eq!(flags, [Some(false), Some(true), None]);
    assert_eq!(s.runs[1].label, "Adam amsgrad=true");
    assert_eq!(s.runs[2].optimizer.flag("centered"), Some(true));
    assert_eq!(s.runs[2].optimizer.get("momentum"), Some(0.9));
    for written in ["1", "\"true\"", "[true, 0]"] {
        let src = on_quadratic(&format!(
            "[[optimizer]]\nkind = \"adamw\"\nlr = 0.1\namsgrad = {written}\n"
        ));
        let e = fail(&src);
        assert_eq!(e.key, "optimizer[0].amsgrad", "{e}");
        assert!(
            e.message.starts_with("expected true or false, found `"),
            "{e}"
        );
        assert!(
            e.hint.as_deref().unwrap_or("").contains("amsgrad = true"),
            "{e}"
        );
    }
}

#[test]
fn newer_kinds_take_their_torch_defaults() {
    let s = parse(&on_quadratic(
        "[[optimizer]]\nkind = \"adamw\"\nlr = 0.1\n\n[[optimizer]]\nkind = \"nadam\"\nlr = 0.1\n\n\
         [[optimizer]]\nkind = \"newton\"\n\n[[optimizer]]\nkind = \"adagrad\"\nlr = 0.1\n\
         initial_accumulator_value = 0.5\n",
    ));
    let o = |i: usize| s.runs[i].optimizer;
    assert_eq!(o(0).get("weight_decay"), Some(0.01), "AdamW's decay");
    assert_eq!(o(1).get("momentum_decay"), Some(0.004));
    assert_eq!(
        (o(2).lr(), o(2).get("damping")),
        (1.0, Some(0.0)),
        "a full Newton step"
    );
    assert_eq!(o(3).get("initial_accumulator_value"), Some(0.5));
    let src = on_quadratic("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\nweight_decay = -0.1\n");
    check(
        &fail(&src),
        loc(&src, "-0.1"),
        "optimizer[0].weight_decay",
        "expected a weight decay ≥ 0, found -0.1",
        None,
    );
}

/// torch's SGD refuses Nesterov without momentum or with dampening: so does the checker, at the
/// key, with torch's reason.
#[test]
fn nesterov_is_refused_as_torch_refuses_it() {
    for form in ["pytorch", "lookahead"] {
        let src = on_quadratic(&format!(
            "[[optimizer]]\nkind = \"nesterov\"\nform = \"{form}\"\nlr = 0.1\nbeta = 0\n"
        ));
        check(
            &fail(&src),
            after(&src, "beta = "),
            "optimizer[0].beta",
            "expected a momentum β with 0 < β < 1, found 0",
            Some("for plain gradient descent use kind = \"gd\""),
        );
    }
    let src = on_quadratic("[[optimizer]]\nkind = \"nesterov\"\nlr = 0.1\ndampening = [0, 0.5]\n");
    check(
        &fail(&src),
        loc(&src, "[0, 0.5]"),
        "optimizer[0].dampening",
        "expected a dampening equal to 0, found 0.5",
        Some("Nesterov momentum requires a momentum and zero dampening"),
    );
}

// ---------------------------------------------------------------------------------------------
// Schedules.

#[test]
fn the_five_schedules_as_the_issue_writes_them() {
    let s = parse(&on_quadratic(
        "[[optimizer]]\nkind = \"gd\"\nlr = 0.1\nschedule = { kind = \"step\", step_size = 30, gamma = 0.1 }\n\n\
         [[optimizer]]\nkind = \"momentum\"\nlr = 0.1\nschedule = { kind = \"multistep\", milestones = [30, 80], gamma = 0.1 }\n\n\
         [[optimizer]]\nkind = \"adam\"\nlr = 0.1\nschedule = { kind = \"exponential\", gamma = 0.95 }\n\n\
         [[optimizer]]\nkind = \"nesterov\"\nlr = 0.1\nschedule = { kind = \"cosine\", t_max = 100, eta_min = 0.0 }\n\n\
         [[optimizer]]\nkind = \"rmsprop\"\nlr = 0.1\nschedule = { kind = \"linear\", start_factor = 0.1, end_factor = 1.0, total_iters = 10 }\n\n\
         [[optimizer]]\nkind = \"newton\"\n",
    ));
    let schedules: Vec<Option<Schedule>> = s.runs.iter().map(|r| r.schedule.clone()).collect();
    assert_eq!(
        schedules,
        [
            Some(Schedule::Step {
                step_size: 30,
                gamma: 0.1
            }),
            Some(Schedule::MultiStep {
                milestones: vec![30, 80],
                gamma: 0.1
            }),
            Some(Schedule::Exponential { gamma: 0.95 }),
            Some(Schedule::Cosine {
                t_max: 100,
                eta_min: 0.0
            }),
            Some(Schedule::Linear {
                start_factor: 0.1,
                end_factor: 1.0,
                total_iters: 10
            }),
            None,
        ]
    );
    // Defaults are torch's: StepLR's γ 0.1, LinearLR's 1/3 → 1 over 5 steps.
    let s = parse(&on_quadratic(
        "[[optimizer]]\nkind = \"gd\"\nlr = 0.1\nschedule = { kind = \"step\", step_size = 5 }\n\n\
         [[optimizer]]\nkind = \"gd\"\nlr = 0.1\nschedule = { kind = \"linear\" }\n\n\
         [[optimizer]]\nlabel = \"{kind} {schedule}\"\nkind = \"gd\"\nlr = 0.1\n",
    ));
    assert_eq!(
        s.runs[0].schedule,
        Some(Schedule::Step {
            step_size: 5,
            gamma: 0.1
        })
    );
    assert_eq!(
        s.runs[1].schedule,
        Some(Schedule::Linear {
            start_factor: 1.0 / 3.0,
            end_factor: 1.0,
            total_iters: 5
        })
    );
    assert_eq!(s.runs[2].label, "gd constant");
}

#[test]
fn schedule_errors_are_located() {
    let cases: &[(&str, &str, &str, &str, Option<&str>)] = &[
        (
            "schedule = { kind = \"cosinus\", t_max = 10 }",
            "\"cosinus\"",
            "optimizer[0].schedule.kind",
            "unknown schedule kind `cosinus`",
            Some("did you mean `cosine`?"),
        ),
        (
            "schedule = { step_size = 10 }",
            "{ step_size",
            "optimizer[0].schedule",
            "missing the schedule's `kind`",
            Some("\"step\", \"multistep\""),
        ),
        (
            "schedule = { kind = \"step\" }",
            "{ kind",
            "optimizer[0].schedule.step_size",
            "missing the step size `step_size`",
            Some("step_size = 30"),
        ),
        (
            "schedule = { kind = \"step\", step_size = 0 }",
            "0 }",
            "optimizer[0].schedule.step_size",
            "expected a step size ≥ 1, found 0",
            None,
        ),
        (
            "schedule = { kind = \"step\", step_size = 2.5 }",
            "2.5",
            "optimizer[0].schedule.step_size",
            "expected a whole number, found 2.5",
            Some("no fractional part"),
        ),
        (
            "schedule = { kind = \"multistep\", milestones = [30, 30, 80] }",
            "30, 80]",
            "optimizer[0].schedule.milestones",
            "the milestones must increase: 30 follows 30",
            Some("increasing order"),
        ),
        (
            "schedule = { kind = \"multistep\", milestones = [] }",
            "[]",
            "optimizer[0].schedule.milestones",
            "expected at least one milestone",
            Some("[30, 80]"),
        ),
        (
            "schedule = { kind = \"exponential\", gamma = 0 }",
            "0 }",
            "optimizer[0].schedule.gamma",
            "expected a decay factor γ > 0, found 0",
            None,
        ),
        (
            "schedule = { kind = \"exponential\" }",
            "{ kind",
            "optimizer[0].schedule.gamma",
            "missing the decay factor γ `gamma`",
            Some("gamma = 0.95"),
        ),
        (
            "schedule = { kind = \"step\", step_size = 3, t_max = 10 }",
            "10 }",
            "optimizer[0].schedule.t_max",
            "`t_max` does not apply to schedule kind `step`",
            Some("`step` takes `step_size`, `gamma`"),
        ),
        (
            "schedule = { kind = \"cosine\", t_max = 10, tmax = 3 }",
            "tmax",
            "optimizer[0].schedule.tmax",
            "unknown key `tmax`",
            Some("did you mean `t_max`?"),
        ),
        (
            "schedule = { kind = \"linear\", start_factor = 0 }",
            "0 }",
            "optimizer[0].schedule.start_factor",
            "expected a start factor with 0 < start_factor ≤ 1, found 0",
            None,
        ),
        (
            "schedule = \"cosine\"",
            "\"cosine\"",
            "optimizer[0].schedule",
            "expected a table, found `\"cosine\"`",
            Some("schedule = { kind = \"step\", step_size = 30, gamma = 0.1 }"),
        ),
    ];
    for (line, at, key, message, hint) in cases {
        let src = on_quadratic(&format!("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n{line}\n"));
        // `at` is where in `line` the error points.
        let column = line
            .find(at)
            .unwrap_or_else(|| panic!("`{at}` not in `{line}`"));
        let (row, start) = loc(&src, line);
        let expected = (row, start + line[..column].chars().count());
        check(&fail(&src), expected, key, message, *hint);
    }
}

// ---------------------------------------------------------------------------------------------
// Minibatches and noise sweeps.

#[test]
fn batches_and_noise_may_be_swept_in_the_documented_order() {
    let s = parse(&on_data(
        "[[optimizer]]\nkind = \"gd\"\nlr = 0.01\nbatch = [1, 5, 10]\nshuffle_seed = [0, 1]\n\
         noise = { std = [0.0, 0.5], seed = 3 }\n",
    ));
    assert_eq!(s.runs.len(), 12);
    let got: Vec<(usize, u64, f64)> = s
        .runs
        .iter()
        .map(|r| {
            let b = r.batch.expect("a minibatch run");
            (b.size, b.seed, r.noise.expect("noisy").std)
        })
        .collect();
    // batch varies slowest, then shuffle_seed, then noise.std.
    assert_eq!(
        &got[..4],
        &[(1, 0, 0.0), (1, 0, 0.5), (1, 1, 0.0), (1, 1, 0.5)]
    );
    assert_eq!(got[11], (10, 1, 0.5));
    assert_eq!(s.runs[0].label, "GD batch=1 shuffle_seed=0 σ=0");
    let labelled = parse(&on_data(
        "[[optimizer]]\nlabel = \"SGD, {batch} points, noise {noise.std} (seed {noise.seed})\"\n\
         kind = \"gd\"\nlr = 0.01\nbatch = 5\nnoise = { std = 0.5, seed = [1, 2] }\n",
    ));
    let labels: Vec<&str> = labelled.runs.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "SGD, 5 points, noise 0.5 (seed 1)",
            "SGD, 5 points, noise 0.5 (seed 2)"
        ]
    );
    assert_eq!(labelled.runs[1].noise, Some(Noise { std: 0.5, seed: 2 }));
    // Only a seed: every point in every batch, full-batch gradient descent.
    let s = parse(&on_data(
        "[[optimizer]]\nkind = \"gd\"\nlr = 0.01\nshuffle_seed = 4\n",
    ));
    assert_eq!(s.runs[0].batch, Some(Minibatch { size: 10, seed: 4 }));
    // No minibatch keys: no minibatches.
    let s = parse(&on_data("[[optimizer]]\nkind = \"gd\"\nlr = 0.01\n"));
    assert_eq!(s.runs[0].batch, None);
}

#[test]
fn minibatches_need_data_and_fit_in_it() {
    let src = on_quadratic("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\nbatch = 5\n");
    check(
        &fail(&src),
        after(&src, "batch = "),
        "optimizer[0].batch",
        "`batch` needs a surface made from data, and `quadratic` is not one",
        Some("linear_regression"),
    );
    let src = on_quadratic("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\nshuffle_seed = 5\n");
    check(
        &fail(&src),
        after(&src, "shuffle_seed = "),
        "optimizer[0].shuffle_seed",
        "`shuffle_seed` needs a surface made from data",
        Some("noise = { std = 0.5 }"),
    );
    let src = on_data("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\nbatch = [5, 11]\n");
    check(
        &fail(&src),
        loc(&src, "[5, 11]"),
        "optimizer[0].batch",
        "a batch of 11 points, but the data has 10",
        Some("from 1 to 10"),
    );
    let src = on_data("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\nbatch = 0\n");
    check(
        &fail(&src),
        after(&src, "batch = "),
        "optimizer[0].batch",
        "expected a batch size ≥ 1, found 0",
        None,
    );
}

// ---------------------------------------------------------------------------------------------
// Numbers theory computes.

#[test]
fn polyak_and_optimal_are_theorys_numbers_on_quadratics() {
    let s = parse(&on_quadratic(
        "[[optimizer]]\nkind = \"momentum\"\nlr = \"polyak\"\nbeta = \"polyak\"\n\n\
         [[optimizer]]\nkind = \"momentum\"\nform = \"ema\"\nlr = \"polyak\"\nbeta = \"polyak\"\n\n\
         [[optimizer]]\nkind = \"gd\"\nlr = [0.01, \"optimal\"]\n\n\
         [[optimizer]]\nlabel = \"NAG lr={lr:.4} β={beta:.3}\"\nkind = \"nesterov\"\nlr = \"optimal\"\nbeta = \"optimal\"\n",
    ));
    let c = (1.0, 25.0);
    let (lr, beta, _) = theory::optimal_heavy_ball(c);
    let o = |i: usize| s.runs[i].optimizer;
    assert_eq!((o(0).lr(), o(0).beta()), (lr, Some(beta)));
    // The ema form's steps are (1 − β) times shorter: its Polyak rate is divided by 1 − β*.
    assert_eq!(o(1).lr(), lr / (1.0 - beta));
    assert_eq!(
        o(1).theory().map(|t| t.lr),
        Some(lr / (1.0 - beta) * (1.0 - beta))
    );
    assert_eq!(o(2).lr(), 0.01);
    assert_eq!(o(3).lr(), theory::optimal_gd(c).0);
    assert_eq!(o(3).lr(), 2.0 / 26.0);
    assert_eq!((o(4).lr(), o(4).beta()), (1.0 / 25.0, Some(4.0 / 6.0)));
    assert_eq!(s.runs[4].label, "NAG lr=0.0400 β=0.667");
}

#[test]
fn names_for_numbers_are_refused_where_theory_has_none() {
    let src = on_rosenbrock("[[optimizer]]\nkind = \"momentum\"\nlr = 0.001\nbeta = \"polyak\"\n");
    check(
        &fail(&src),
        loc(&src, "\"polyak\""),
        "optimizer[0].beta",
        "beta = \"polyak\" needs a convex quadratic surface, and `rosenbrock` is not one",
        Some("polyak's optimal momentum"),
    );
    let src = on_quadratic("[[optimizer]]\nkind = \"adam\"\nlr = \"polyak\"\n");
    check(
        &fail(&src),
        loc(&src, "\"polyak\""),
        "optimizer[0].lr",
        "expected a number or a list of numbers, found `\"polyak\"`",
        Some("\"polyak\" is a value of the lr of `momentum`, not of `adam`'s"),
    );
    let src = on_quadratic("[[optimizer]]\nkind = \"gd\"\nlr = [0.1, \"polyak\"]\n");
    check(
        &fail(&src),
        loc(&src, "\"polyak\""),
        "optimizer[0].lr",
        "found `\"polyak\"`",
        Some("`gd`'s lr also takes \"optimal\" on convex quadratic surfaces"),
    );
    // A saddle's Hessian is not positive definite: no optimum either.
    let src = "[surface]\nkind = \"saddle\"\n\n[[start]]\nat = [1.0, 0.1]\n\n\
               [[optimizer]]\nkind = \"gd\"\nlr = \"optimal\"\n";
    check(
        &fail(src),
        loc(src, "\"optimal\""),
        "optimizer[0].lr",
        "needs a convex quadratic surface, and `saddle` is not one",
        Some("2/(λ_min + λ_max)"),
    );
    // On a bowl (κ = 1) Nesterov's optimal β is 0, which Nesterov refuses.
    let src = "[surface]\nkind = \"bowl\"\n\n[[start]]\nat = [1.0, 0.1]\n\n\
               [[optimizer]]\nkind = \"nesterov\"\nlr = 0.1\nbeta = \"optimal\"\n";
    check(
        &fail(src),
        loc(src, "\"optimal\""),
        "optimizer[0].beta",
        "found 0",
        Some("nesterov=True"),
    );
}

// ---------------------------------------------------------------------------------------------
// Label formats.

#[test]
fn placeholders_take_rust_number_formats() {
    let s = parse(&on_quadratic(
        "[[optimizer]]\nlabel = \"{beta:.3} {lr:.0}\"\nkind = \"momentum\"\nlr = 1.5\nbeta = 0.9\n",
    ));
    assert_eq!(s.runs[0].label, "0.900 2");
    let src = on_quadratic(
        "[[optimizer]]\nlabel = \"lr={lr:.2e}\"\nkind = \"adam\"\nlr = 0.0125\nbeta1 = 0.9\n",
    );
    assert_eq!(parse(&src).runs[0].label, "lr=1.25e-2");
    let cases = [
        ("{lr:.3f}", "unknown number format `.3f`"),
        ("{lr:>8}", "unknown number format `>8`"),
        (
            "{kind:.2}",
            "only numbers take a format, and `kind` is not one",
        ),
        (
            "{amsgrad:.2}",
            "only numbers take a format, and `amsgrad` is not one",
        ),
        ("{lr:.99}", "unknown number format `.99`"),
    ];
    for (placeholder, message) in cases {
        let src = on_quadratic(&format!(
            "[[optimizer]]\nlabel = \"x {placeholder}\"\nkind = \"adam\"\nlr = 0.1\n"
        ));
        check(
            &fail(&src),
            loc(&src, "\"x "),
            "optimizer[0].label",
            message,
            Some("{lr:.2e} (scientific, 2 decimals)"),
        );
    }
    // The first label above, a flag and literal braces included.
    let s = parse(&on_quadratic(
        "[[optimizer]]\nlabel = \"β={beta1:.3} lr={lr:.2e} ({lr:e}, {lr}) {amsgrad} {{x}}\"\n\
         kind = \"adam\"\nlr = 0.0125\namsgrad = true\n",
    ));
    assert_eq!(
        s.runs[0].label,
        "β=0.900 lr=1.25e-2 (1.25e-2, 0.0125) true {x}"
    );
}

// ---------------------------------------------------------------------------------------------
// The example scenes in tests/scenes render end to end.

fn example(name: &str) -> Scene {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenes")
        .join(name);
    inertia::scene::load(&path).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every newer rule, schedule, swept noise and the theory charts on one quadratic: each output
/// is made, and the CSV has a row per run per step.
#[test]
fn the_newer_optimizers_scene_renders() {
    let scene = example("newer_optimizers.toml");
    assert_eq!(scene.runs.len(), 6);
    let out = inertia::pipeline::render(&scene, &inertia::report::NoProgress).expect("renders");
    let names: Vec<&str> = out.files.iter().map(|(n, _)| n.as_str()).collect();
    for chart in ["loss", "rate", "stability", "damping", "ewma"] {
        assert!(
            names.contains(&format!("newer_optimizers.{chart}.png").as_str()),
            "{names:?}"
        );
    }
    let csv = &out
        .files
        .iter()
        .find(|(n, _)| n.ends_with(".csv"))
        .unwrap()
        .1;
    let rows = String::from_utf8_lossy(csv).lines().count();
    assert_eq!(rows, 1 + 6 * 21, "a header and 21 rows per run");
    assert!(out.diverged.is_empty(), "{:?}", out.diverged);
}

/// A singular Hessian ends the Newton run with its reason; the other run goes on.
#[test]
fn the_newton_scene_says_why_its_run_stopped() {
    let scene = example("newton_stops.toml");
    assert!(
        scene.surface.minima().is_empty(),
        "x² has a valley of minima, none isolated"
    );
    let out = inertia::pipeline::render(&scene, &inertia::report::NoProgress).expect("renders");
    assert_eq!(out.diverged.len(), 1);
    let (run, label, stop) = &out.diverged[0];
    assert_eq!((*run, label.as_str()), (0, "Newton"));
    assert_eq!(stop.note(), "singular Hessian at step 1");
}

/// Minibatch runs on a step schedule: the batches expand in order, every trajectory records
/// the halving rate.
#[test]
fn the_minibatch_scene_renders() {
    let scene = example("minibatch_sgd.toml");
    let labels: Vec<&str> = scene.runs.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["batch 1", "batch 5", "batch 10"]);
    let trajectories = inertia::pipeline::trajectories(&scene);
    for t in &trajectories {
        assert_eq!(t.lrs[..11], [[0.01; 10].as_slice(), &[0.005]].concat());
        assert_eq!(t.lrs[29], 0.0025);
    }
    inertia::pipeline::render(&scene, &inertia::report::NoProgress).expect("renders");
}
