//! The teaching scenes say in their comments what happens in them; these tests check those
//! claims on the trajectories the scenes actually produce (`scene::load` +
//! `pipeline::trajectories`), so a change to a scene, a surface or an optimizer that breaks a
//! claim fails here instead of silently shipping a misleading picture.

use std::path::{Path, PathBuf};

use inertia::pipeline::trajectories;
use inertia::scene::{self, Scene};
use inertia::surface::multi_minima::MultiMinima;
use inertia::surface::{Point, Surface};
use inertia::trajectory::Trajectory;

/// The scenes whose claims are checked here.
const SCENES: [&str; 20] = [
    "ravine_kappa100",
    "rosenbrock_valley",
    "ravine_25",
    "effective_learning_rate",
    "noisy_gradients",
    "saddle_point",
    "plateau",
    "multiple_minima",
    "linear_regression",
    "beta_sweep_panels",
    "himmelblau_starts",
    "minibatch_sgd",
    "lr_schedules",
    "newton_vs_gd",
    "adaptive_ravine",
    "adagrad_decay",
    "adamw_decay",
    "ball_on_curve",
    "double_well_1d",
    "damping_1d",
];

fn scenes_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes")
}

fn scene_path(name: &str) -> PathBuf {
    scenes_dir().join(format!("{name}.toml"))
}

/// Loads a scene, failing on errors and on warnings.
fn load(name: &str) -> Scene {
    let scene = scene::load(&scene_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(
        scene.warnings.is_empty(),
        "{name}: unexpected warnings: {:?}",
        scene.warnings
    );
    scene
}

/// Loads a scene from its file's text after replacing every occurrence of each `from` by its
/// `to` (each `from` must occur).
fn variant(name: &str, edits: &[(&str, &str)]) -> Scene {
    let path = scene_path(name);
    let mut source = std::fs::read_to_string(&path).unwrap();
    for (from, to) in edits {
        assert!(source.contains(from), "{name}: `{from}` not found");
        source = source.replace(from, to);
    }
    Scene::from_toml(&path, &source).unwrap_or_else(|e| panic!("{name} variant: {e}"))
}

/// The scene's trajectories by legend label: the run whose label starts with `prefix`.
struct Runs {
    scene: Scene,
    trajectories: Vec<Trajectory>,
}

impl Runs {
    fn new(scene: Scene) -> Self {
        let trajectories = trajectories(&scene);
        Runs {
            scene,
            trajectories,
        }
    }

    fn get(&self, prefix: &str) -> &Trajectory {
        let found: Vec<usize> = (0..self.scene.runs.len())
            .filter(|&i| self.scene.runs[i].label.starts_with(prefix))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "{}: exactly one run labelled `{prefix}…` expected",
            self.scene.title
        );
        &self.trajectories[found[0]]
    }

    fn assert_none_diverged(&self) {
        for (run, t) in self.scene.runs.iter().zip(&self.trajectories) {
            assert!(
                t.diverged.is_none(),
                "{}: run `{}` diverged at {:?}",
                self.scene.title,
                run.label,
                t.diverged
            );
            assert_eq!(t.last_step(), self.scene.output.steps);
        }
    }
}

fn dist(a: Point, b: Point) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

fn last(t: &Trajectory) -> Point {
    *t.positions.last().unwrap()
}

/// Number of sign changes of coordinate `axis` along the path.
fn sign_changes(t: &Trajectory, axis: usize) -> usize {
    t.positions
        .windows(2)
        .filter(|w| w[0][axis] * w[1][axis] < 0.0)
        .count()
}

/// The first step at which `pred` holds, if any.
fn first_step(t: &Trajectory, pred: impl Fn(Point, f64) -> bool) -> Option<usize> {
    (0..t.positions.len()).find(|&k| pred(t.positions[k], t.losses[k]))
}

/// The steps θ_k − θ_(k−1), k = 1..
fn steps_of(t: &Trajectory) -> Vec<Point> {
    t.positions
        .windows(2)
        .map(|w| [w[1][0] - w[0][0], w[1][1] - w[0][1]])
        .collect()
}

fn path_length(t: &Trajectory) -> f64 {
    steps_of(t).iter().map(|s| s[0].hypot(s[1])).sum()
}

/// Mean size of the change from one step to the next: how jagged a path is.
fn mean_step_change(t: &Trajectory) -> f64 {
    let s = steps_of(t);
    let changes: Vec<f64> = s
        .windows(2)
        .map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]))
        .collect();
    changes.iter().sum::<f64>() / changes.len() as f64
}

#[test]
fn every_scene_loads_without_warnings() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(scenes_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    names.sort();
    for path in &names {
        let scene = scene::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            scene.warnings.is_empty(),
            "{}: warnings: {:?}",
            path.display(),
            scene.warnings
        );
    }
    for name in SCENES {
        assert!(
            names.contains(&scene_path(name)),
            "scenes/{name}.toml is missing"
        );
    }
}

#[test]
fn no_run_of_the_teaching_scenes_diverges() {
    for name in SCENES {
        Runs::new(load(name)).assert_none_diverged();
    }
}

#[test]
fn ravine_kappa100_gd_zigzags_while_momentum_and_nesterov_run_along_the_floor() {
    let r = Runs::new(load("ravine_kappa100"));
    let (gd, mom, nag) = (r.get("GD"), r.get("Momentum"), r.get("Nesterov"));
    let steps = r.scene.output.steps;
    assert_eq!(steps, 60);
    // GD: y changes sign at every step (×(1 − 200·lr) = −0.9), x crawls (×0.981).
    assert_eq!(sign_changes(gd, 1), steps);
    for k in 1..=steps {
        let ratio = gd.positions[k][1] / gd.positions[k - 1][1];
        assert!(
            (ratio + 0.9).abs() < 1e-9,
            "GD y ratio at step {k}: {ratio}"
        );
    }
    assert!(
        last(gd)[0] < -0.8,
        "GD should still be far out: {:?}",
        last(gd)
    );
    // Momentum and Nesterov (half GD's lr) are closer to x = 0 than GD from step 10 on.
    for k in 10..=steps {
        let g = gd.positions[k][0].abs();
        assert!(mom.positions[k][0].abs() < g, "momentum behind GD at {k}");
        assert!(nag.positions[k][0].abs() < g, "Nesterov behind GD at {k}");
    }
    // They cross x = 0 after about 22 steps and overshoot to about +0.4 / +0.3.
    for (t, over) in [(mom, 0.4), (nag, 0.3)] {
        let cross = first_step(t, |p, _| p[0] > 0.0).unwrap();
        assert!((20..=24).contains(&cross), "crossed x = 0 at step {cross}");
        let max_x = t.positions.iter().map(|p| p[0]).fold(f64::MIN, f64::max);
        assert!((max_x - over).abs() < 0.03, "overshoot to {max_x}");
        assert!(dist(last(t), [0.0, 0.0]) < 0.03, "ends at {:?}", last(t));
    }
    // Momentum keeps swinging across the ravine, but far less often than GD zig-zags;
    // Nesterov's steep direction is dead from step 2 on (lr·200 = 1).
    let swings = sign_changes(mom, 1);
    assert!(
        swings > 5 && swings < steps / 2,
        "momentum y sign changes: {swings}"
    );
    assert!(mom.positions[20..].iter().any(|p| p[1].abs() > 0.1));
    for p in &nag.positions[2..] {
        assert!(p[1].abs() < 1e-12, "Nesterov y not damped: {p:?}");
    }
}

#[test]
fn rosenbrock_gd_crawls_while_momentum_follows_the_valley() {
    let r = Runs::new(load("rosenbrock_valley"));
    let (gd, mom) = (r.get("GD"), r.get("Momentum"));
    assert_eq!(r.scene.output.steps, 100);
    // GD drops onto the floor within 5 steps, then creeps: less than 0.1 further in x.
    assert!((gd.positions[5][0] + 1.02).abs() < 0.01);
    let (gx, gl) = (last(gd)[0], *gd.losses.last().unwrap());
    assert!(gx < -0.9 && gx - gd.positions[5][0] < 0.1, "GD at {gx}");
    assert!(gl > 3.5, "GD loss {gl}");
    // Momentum passes x = 0 after about 26 steps and ends round the bend near (0.71, 0.51).
    let cross = first_step(mom, |p, _| p[0] > 0.0).unwrap();
    assert!(
        (24..=28).contains(&cross),
        "momentum passed x = 0 at {cross}"
    );
    assert!(dist(last(mom), [0.71, 0.51]) < 0.02, "{:?}", last(mom));
    let ml = *mom.losses.last().unwrap();
    assert!(ml < 0.1 && gl / ml > 40.0, "losses GD {gl}, momentum {ml}");
    // Once through the bend it runs along the valley floor y = x².
    for p in &mom.positions[60..] {
        assert!((p[1] - p[0] * p[0]).abs() < 0.02, "off the floor at {p:?}");
    }
    // From step 40 on it keeps moving up the valley (small wiggles aside): x grows over
    // every 5 steps.
    for k in 40..=95 {
        assert!(
            mom.positions[k + 5][0] > mom.positions[k][0],
            "stalled at {k}"
        );
    }
}

#[test]
fn ravine_25_heavy_ball_moves_further_along_the_floor_and_swings_across_it() {
    let r = Runs::new(load("ravine_25"));
    let (gd, hb) = (r.get("GD"), r.get("Heavy ball"));
    let steps = r.scene.output.steps;
    let x0 = gd.positions[0][0];
    // v₀ = 0: the first step is the same plain gradient step.
    assert!(dist(gd.positions[1], hb.positions[1]) < 1e-12);
    // The textbook's number: after two steps the heavy ball has come 1.46 times as far
    // along x as GD.
    let progress = |t: &Trajectory| t.positions[2][0] - x0;
    let ratio = progress(hb) / progress(gd);
    assert!((ratio - 1.46).abs() <= 0.005, "x-progress ratio {ratio}");
    // lr·25 = 1: GD lands on the floor y = 0 in one step and stays there.
    for p in &gd.positions[1..] {
        assert!(p[1].abs() < 1e-12, "GD off the floor: {p:?}");
    }
    // The heavy ball swings across the ravine (to y ≈ −0.9 at step 2, 20 sign changes).
    assert!((hb.positions[2][1] + 0.9).abs() < 1e-9);
    assert_eq!(sign_changes(hb, 1), 20);
    // Along x it crosses 0 at step 9 and overshoots to about 1.13 at step 15, yet it is
    // closer to x = 0 than GD at every step from step 2 on.
    assert_eq!(first_step(hb, |p, _| p[0] > 0.0), Some(9));
    let (peak, max_x) = hb
        .positions
        .iter()
        .enumerate()
        .map(|(k, p)| (k, p[0]))
        .fold((0, f64::MIN), |a, b| if b.1 > a.1 { b } else { a });
    assert!(
        peak == 15 && (max_x - 1.13).abs() < 0.01,
        "peak {max_x} at {peak}"
    );
    for k in 2..=steps {
        assert!(
            hb.positions[k][0].abs() < gd.positions[k][0].abs(),
            "heavy ball behind GD along x at step {k}"
        );
    }
    // After 60 steps: the heavy ball within 0.09 of the minimum, GD still at x ≈ −0.22.
    assert_eq!(steps, 60);
    assert!(dist(last(hb), [0.0, 0.0]) < 0.09, "{:?}", last(hb));
    assert!((last(gd)[0] + 0.22).abs() < 0.01, "{:?}", last(gd));
}

#[test]
fn effective_learning_rate_momentum_moves_like_gd_with_ten_times_the_lr() {
    let r = Runs::new(load("effective_learning_rate"));
    let (gd10, mom, gd1) = (r.get("GD lr=10η"), r.get("Momentum"), r.get("GD lr=η"));
    let start = gd10.positions[0];
    let d = |t: &Trajectory, k: usize| dist(t.positions[k], start);
    let steps = r.scene.output.steps;
    // The buffer fills during the first ~10 steps: momentum lags GD(10η) there.
    for k in 1..=10 {
        assert!(d(mom, k) < 0.7 * d(gd10, k), "no lag at step {k}");
    }
    // From step 50 on the two have travelled the same distance to within 5%.
    for k in 50..=steps {
        let ratio = d(mom, k) / d(gd10, k);
        assert!((ratio - 1.0).abs() < 0.05, "step {k}: ratio {ratio}");
    }
    // Both end about 80% of the way; GD(η) has covered less than a fifth of GD(10η)'s way.
    let total = dist(start, [0.0, 0.0]);
    for t in [gd10, mom] {
        let frac = d(t, steps) / total;
        assert!((0.78..0.85).contains(&frac), "fraction {frac}");
    }
    for k in 1..=steps {
        assert!(
            d(gd1, k) < 0.2 * d(gd10, k),
            "GD(η) not lagging at step {k}"
        );
    }
    // Overdamped: momentum never overshoots, its distance to the minimum only shrinks.
    for w in mom.positions.windows(2) {
        assert!(dist(w[1], [0.0, 0.0]) < dist(w[0], [0.0, 0.0]));
    }
}

#[test]
fn effective_learning_rate_is_exactly_ten_times_on_a_consistent_slope() {
    // The course text's argument, with the scene's optimizers on a plane (a perfectly
    // consistent gradient g): momentum's k-th step is lr·|g|·(1 − βᵏ)/(1 − β), so it
    // approaches GD(10η)'s step lr·10·|g| and is within 5% of it after 29 steps.
    let scene = variant(
        "effective_learning_rate",
        &[("kind = \"bowl\"", "expr = \"0.3*x - 0.4*y\"")],
    );
    let r = Runs::new(scene);
    let (gd10, mom) = (r.get("GD lr=10η"), r.get("Momentum"));
    let (s_gd10, s_mom) = (steps_of(gd10), steps_of(mom));
    let g = 0.5; // |∇f| = |(0.3, −0.4)|
    for (i, (a, b)) in s_gd10.iter().zip(&s_mom).enumerate() {
        let k = i as i32 + 1;
        assert!((a[0].hypot(a[1]) - 0.01 * g).abs() < 1e-12);
        let want = 0.001 * g * (1.0 - 0.9f64.powi(k)) / (1.0 - 0.9);
        assert!((b[0].hypot(b[1]) - want).abs() < 1e-12, "step {k}");
    }
    let fraction = |k: usize| s_mom[k - 1][0].hypot(s_mom[k - 1][1]) / (0.01 * g);
    assert!(fraction(28) < 0.95 && fraction(29) > 0.95);
}

#[test]
fn noisy_gradients_momentum_filters_the_noise() {
    let r = Runs::new(load("noisy_gradients"));
    let (sgd, mom) = (r.get("SGD"), r.get("Momentum"));
    // Both runs get the same noise (same std and seed).
    assert_eq!(r.scene.runs[0].noise, r.scene.runs[1].noise);
    assert!(r.scene.runs[0].noise.is_some_and(|n| n.std > 0.0));
    // Momentum's path is much shorter and far less jagged.
    let (l_sgd, l_mom) = (path_length(sgd), path_length(mom));
    assert!(l_mom < 0.5 * l_sgd, "path lengths {l_mom} vs {l_sgd}");
    let (j_sgd, j_mom) = (mean_step_change(sgd), mean_step_change(mom));
    assert!(j_mom < 0.1 * j_sgd, "step changes {j_mom} vs {j_sgd}");
    // The noise really is what makes SGD jagged: without it the same GD is smooth.
    let clean = Runs::new(variant(
        "noisy_gradients",
        &[(
            "lr = 0.05\nnoise = { std = 3.0, seed = 7 }\n\n[[optimizer]]",
            "lr = 0.05\n\n[[optimizer]]",
        )],
    ));
    assert!(mean_step_change(clean.get("SGD")) < 0.1 * j_sgd);
    // The comment's honest caveat: momentum ends closer with this seed (0.10 vs 0.37), but
    // over the last 40 steps both sit at about the same mean distance (~0.47).
    let origin = [0.0, 0.0];
    assert!(dist(last(mom), origin) < 0.15 && dist(last(sgd), origin) > 0.3);
    let mean_tail = |t: &Trajectory| {
        let tail = &t.positions[t.positions.len() - 40..];
        tail.iter().map(|&p| dist(p, origin)).sum::<f64>() / 40.0
    };
    let (m_sgd, m_mom) = (mean_tail(sgd), mean_tail(mom));
    assert!(
        (m_mom / m_sgd - 1.0).abs() < 0.1 && (m_sgd - 0.47).abs() < 0.03,
        "mean tail distances {m_mom} vs {m_sgd}"
    );
}

#[test]
fn saddle_point_gd_lingers_while_momentum_leaves() {
    let r = Runs::new(load("saddle_point"));
    let (gd, mom) = (r.get("GD"), r.get("Momentum"));
    let origin = [0.0, 0.0];
    // Momentum: |y| passes 1 at step 27 and it leaves the window (|y| > 2) at step 30.
    assert_eq!(first_step(mom, |p, _| p[1].abs() > 1.0), Some(27));
    assert_eq!(first_step(mom, |p, _| p[1].abs() > 2.0), Some(30));
    // GD: within 0.3 of the saddle from step 19 to the end, ending at about (0.06, 0.02).
    for (k, &p) in gd.positions.iter().enumerate().skip(19) {
        assert!(
            dist(p, origin) < 0.3,
            "GD away from the saddle at step {k}: {p:?}"
        );
    }
    assert!(dist(last(gd), [0.06, 0.02]) < 0.01, "{:?}", last(gd));
    // Run on: GD's |y| would only pass 1 after about 73 steps, momentum's growth rate is
    // the larger root of r² − (1 + β + 2·lr)·r + β = 0.
    let mut longer = r.scene.clone();
    longer.output.steps = 100;
    let more = Runs::new(longer);
    let gd_out = first_step(more.get("GD"), |p, _| p[1].abs() > 1.0).unwrap();
    assert!((72..=74).contains(&gd_out), "GD leaves at {gd_out}");
    let (lr, beta): (f64, f64) = (0.05, 0.9);
    let b = 1.0 + beta + 2.0 * lr;
    let root = (b + (b * b - 4.0 * beta).sqrt()) / 2.0;
    assert!((root - 1.32).abs() < 0.01);
    let growth = mom.positions[30][1] / mom.positions[29][1];
    assert!((growth - root).abs() < 0.02, "momentum growth {growth}");
}

#[test]
fn plateau_gd_crawls_while_momentum_carries_through() {
    let r = Runs::new(load("plateau"));
    let (gd, mom) = (r.get("GD"), r.get("Momentum"));
    // At the end GD is still on the plateau, having moved about 0.5.
    assert!(*gd.losses.last().unwrap() > 0.98);
    assert!((dist(last(gd), gd.positions[0]) - 0.5).abs() < 0.02);
    // Momentum leaves the plateau at step 17 (f < 0.9) and is below 0.5 at step 21.
    assert_eq!(first_step(mom, |_, f| f < 0.9), Some(17));
    assert_eq!(first_step(mom, |_, f| f < 0.5), Some(21));
    assert!(*mom.losses.last().unwrap() < 0.05);
    assert!((dist(last(mom), [0.0, 0.0]) - 0.34).abs() < 0.01);
    // It overshoots the basin to the far side before coming back.
    assert!(mom.positions.iter().any(|p| p[0] < -1.0));
    // Run on: GD needs 56 steps to get below f = 0.9 and 63 to get below 0.5.
    let mut longer = r.scene.clone();
    longer.output.steps = 120;
    let more = Runs::new(longer);
    let gd_long = more.get("GD");
    assert_eq!(first_step(gd_long, |_, f| f < 0.9), Some(56));
    assert_eq!(first_step(gd_long, |_, f| f < 0.5), Some(63));
}

/// The shallow pit, the ridge and the deep basin of `multi_minima` along y = 0.
fn wells(surface: &Surface) -> (f64, f64, f64) {
    let Some(&MultiMinima { tilt }) = surface.downcast_ref::<MultiMinima>() else {
        panic!("not multi_minima: {surface:?}")
    };
    // The roots of f'(x) = 4x³ − 4x + tilt, by Newton from either side and the middle.
    let root = |mut x: f64| {
        for _ in 0..100 {
            x -= (4.0 * x * x * x - 4.0 * x + tilt) / (12.0 * x * x - 4.0);
        }
        x
    };
    let (deep, ridge, shallow) = (root(-1.2), root(0.0), root(1.2));
    let minima = surface.minima();
    assert!((minima[0][0] - deep).abs() < 1e-6 && (minima[1][0] - shallow).abs() < 1e-6);
    (deep, ridge, shallow)
}

/// Heavy ball ends in the deep basin, Nesterov in the shallow pit, as the scene claims.
fn check_multiple_minima(scene: Scene) -> Result<(), String> {
    let (deep, ridge, shallow) = wells(&scene.surface);
    let r = Runs::new(scene);
    let (hb, nag) = (r.get("Heavy ball"), r.get("Nesterov"));
    if hb.diverged.is_some() || nag.diverged.is_some() {
        return Err("diverged".into());
    }
    let cross = first_step(hb, |p, _| p[0] < ridge).ok_or("heavy ball never crossed")?;
    if hb.positions[cross..].iter().any(|p| p[0] >= ridge) {
        return Err("heavy ball came back over the ridge".into());
    }
    if (last(hb)[0] - deep).abs() > 0.05 {
        return Err(format!("heavy ball ends at {:?}", last(hb)));
    }
    if nag.positions.iter().any(|p| p[0] < ridge) {
        return Err("Nesterov crossed the ridge".into());
    }
    if (last(nag)[0] - shallow).abs() > 0.05 {
        return Err(format!("Nesterov ends at {:?}", last(nag)));
    }
    Ok(())
}

#[test]
fn multiple_minima_heavy_ball_escapes_the_shallow_pit_nesterov_stays() {
    let scene = load("multiple_minima");
    let (deep, ridge, shallow) = wells(&scene.surface);
    assert!((deep + 1.068).abs() < 1e-3 && (ridge - 0.154).abs() < 1e-3);
    assert!((shallow - 0.914).abs() < 1e-3);
    let r = Runs::new(scene.clone());
    r.assert_none_diverged();
    let (hb, nag) = (r.get("Heavy ball"), r.get("Nesterov"));
    // Heavy ball rolls down through the pit (past its bottom), over the ridge at step 8, and
    // ends within 0.02 of the global minimum, with the lower loss.
    assert!(hb.positions[0][0] > shallow);
    assert_eq!(first_step(hb, |p, _| p[0] < ridge), Some(8));
    assert!(dist(last(hb), [deep, 0.0]) < 0.02, "{:?}", last(hb));
    assert!(hb.losses.last() < nag.losses.last());
    // Nesterov gets no further than x ≈ 0.53 and settles in the pit.
    let min_x = nag.positions.iter().map(|p| p[0]).fold(f64::MAX, f64::min);
    assert!(
        (min_x - 0.53).abs() < 0.01,
        "Nesterov's furthest x: {min_x}"
    );
    assert!(dist(last(nag), [shallow, 0.0]) < 0.01, "{:?}", last(nag));
    check_multiple_minima(scene).unwrap();
}

#[test]
fn multiple_minima_claim_holds_in_a_band_and_fails_outside_it() {
    let name = "multiple_minima";
    // PyTorch's forms give the same outcome.
    let pytorch = variant(
        name,
        &[
            ("form = \"velocity\"", "form = \"pytorch\""),
            ("form = \"lookahead\"", "form = \"pytorch\""),
        ],
    );
    check_multiple_minima(pytorch).unwrap();
    // Inside the band the comment gives (lr 0.015–0.048, β 0.87–0.93, start x 1.39–1.55,
    // tilt 0.41–0.84), changing one value at a time (lr and β on both entries).
    let lr = "\nlr = 0.025\n";
    let beta = "\nbeta = 0.9\n";
    let at = "at = [1.45, 1.0]";
    let tilt = "\ntilt = 0.6\n";
    let inside = [
        (lr, "\nlr = 0.016\n"),
        (lr, "\nlr = 0.047\n"),
        (beta, "\nbeta = 0.87\n"),
        (beta, "\nbeta = 0.93\n"),
        (at, "at = [1.4, 1.0]"),
        (at, "at = [1.55, 1.0]"),
        (tilt, "\ntilt = 0.42\n"),
        (tilt, "\ntilt = 0.83\n"),
    ];
    for edit in inside {
        check_multiple_minima(variant(name, &[edit])).unwrap_or_else(|e| panic!("{edit:?}: {e}"));
    }
    // Outside it: too little inertia and both stay in the pit, too much and both escape.
    let outside = [
        ((lr, "\nlr = 0.01\n"), false),
        ((beta, "\nbeta = 0.8\n"), false),
        ((at, "at = [1.3, 1.0]"), false),
        ((lr, "\nlr = 0.06\n"), true),
        ((beta, "\nbeta = 0.96\n"), true),
    ];
    for (edit, both_escape) in outside {
        let scene = variant(name, &[edit]);
        let (deep, _, shallow) = wells(&scene.surface);
        let r = Runs::new(scene);
        r.assert_none_diverged();
        let want = if both_escape { deep } else { shallow };
        for label in ["Heavy ball", "Nesterov"] {
            let end = last(r.get(label));
            assert!(
                (end[0] - want).abs() < 0.05,
                "{edit:?}: {label} ends at {end:?}"
            );
        }
    }
}

#[test]
fn linear_regression_data_is_the_documented_line_plus_fixed_noise() {
    let text = std::fs::read_to_string(scenes_dir().join("data/regression.csv")).unwrap();
    let points = scene::parse_points_csv(Path::new("regression.csv"), &text, None).unwrap();
    assert_eq!(points.len(), 20);
    for (i, p) in points.iter().enumerate() {
        let x = 0.1 * i as f64;
        let noise = 0.06 * (((7 * i) % 11) as f64 - 5.0);
        assert!((p[0] - x).abs() < 1e-12, "row {i}: x = {}", p[0]);
        assert!(
            (p[1] - (2.0 * x + 1.0 + noise)).abs() < 1e-9,
            "row {i}: y = {}",
            p[1]
        );
    }
    // The least-squares fit the scene's comment quotes.
    let n = points.len() as f64;
    let (mx, my) = (
        points.iter().map(|p| p[0]).sum::<f64>() / n,
        points.iter().map(|p| p[1]).sum::<f64>() / n,
    );
    let sxx: f64 = points.iter().map(|p| (p[0] - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p[0] - mx) * (p[1] - my)).sum();
    let (m, b) = (sxy / sxx, my - sxy / sxx * mx);
    assert!(
        (m - 2.002).abs() < 5e-4 && (b - 0.992).abs() < 5e-4,
        "{m}, {b}"
    );
}

#[test]
fn linear_regression_all_converge_and_momentum_overshoots() {
    let r = Runs::new(load("linear_regression"));
    let (gd, mom, nag) = (r.get("GD"), r.get("Momentum"), r.get("NAG"));
    let optimum = r.scene.surface.minima()[0];
    assert!(dist(optimum, [2.002, 0.992]) < 1e-3, "{optimum:?}");
    // All three end near the least-squares optimum.
    assert!(dist(last(gd), optimum) < 0.08, "GD {:?}", last(gd));
    assert!(dist(last(mom), optimum) < 0.01, "momentum {:?}", last(mom));
    assert!(dist(last(nag), optimum) < 0.003, "NAG {:?}", last(nag));
    // GD's loss only goes down (lr < 2/λ_max); momentum's goes back up: it overshoots.
    assert!(gd.losses.windows(2).all(|w| w[1] <= w[0]));
    let rises = mom.losses.windows(2).filter(|w| w[1] > w[0]).count();
    assert!(rises >= 3, "momentum's loss rose only {rises} times");
    // Both momentum methods shoot past the optimum down the valley; NAG less far.
    let overshoot = |t: &Trajectory| {
        let first_near = first_step(t, |p, _| dist(p, optimum) < 0.5).unwrap();
        t.positions[first_near..]
            .iter()
            .map(|&p| dist(p, optimum))
            .fold(0.0, f64::max)
    };
    let (o_mom, o_nag) = (overshoot(mom), overshoot(nag));
    assert!(
        o_mom > 1.0 && o_nag > 0.5 && o_nag < 0.8 * o_mom,
        "overshoots {o_mom} vs {o_nag}"
    );
}

#[test]
fn minibatch_sgd_the_smaller_the_batch_the_noisier_the_path() {
    let r = Runs::new(load("minibatch_sgd"));
    assert!(r.scene.draw.data_view && r.scene.data_window.is_some());
    let (all, five, one) = (
        r.get("GD: batch = all"),
        r.get("SGD batch = 5"),
        r.get("SGD batch = 1"),
    );
    let batches: Vec<Option<usize>> = r
        .scene
        .runs
        .iter()
        .map(|run| run.batch.as_ref().map(|b| b.size))
        .collect();
    assert_eq!(batches, [Some(20), Some(5), Some(1)]);
    // A batch of all 20 points is plain gradient descent, bit for bit.
    let plain = Runs::new(variant(
        "minibatch_sgd",
        &[("lr = 0.15\nbatch = 20\n", "lr = 0.15\n")],
    ));
    let gd = plain.get("GD");
    assert!(plain.scene.runs[0].batch.is_none());
    assert_eq!(gd.positions, all.positions);
    assert_eq!(gd.losses, all.losses);
    // The smaller the batch, the longer and the more jagged the path: about twice GD's length
    // with batch 5, about four times with batch 1.
    let (l_all, l_five, l_one) = (path_length(all), path_length(five), path_length(one));
    assert!(
        (1.8..2.4).contains(&(l_five / l_all)) && (3.6..4.8).contains(&(l_one / l_all)),
        "path lengths {l_all} {l_five} {l_one}"
    );
    let (j_all, j_five, j_one) = (
        mean_step_change(all),
        mean_step_change(five),
        mean_step_change(one),
    );
    assert!(
        j_all < j_five && j_five < j_one,
        "step changes {j_all} {j_five} {j_one}"
    );
    // GD's (full-data) loss falls at every step; batch 5's rises on 29 steps, batch 1's on 39.
    let rises = |t: &Trajectory| t.losses.windows(2).filter(|w| w[1] > w[0]).count();
    assert_eq!((rises(all), rises(five), rises(one)), (0, 29, 39));
    // All three end within 0.12 of the least-squares fit.
    let optimum = r.scene.surface.minima()[0];
    for t in [all, five, one] {
        assert!(dist(last(t), optimum) < 0.12, "{:?}", last(t));
    }
}

#[test]
fn lr_schedules_decay_the_noise_and_warm_up_starts_slowly() {
    let r = Runs::new(load("lr_schedules"));
    let names = ["constant", "step", "cosine", "warm-up"];
    let [constant, step, cosine, warmup] = names.map(|n| r.get(n));
    // Every run gets the same noise.
    let noises: Vec<_> = r.scene.runs.iter().map(|run| run.noise).collect();
    assert!(noises.iter().all(|n| *n == noises[0] && n.is_some()));
    // The rates the lr chart draws are the schedules' closed forms (torch's, step k after
    // k − 1 scheduler steps).
    let pi = std::f64::consts::PI;
    let cos = |k: f64, t: f64| 0.15 * (1.0 + (pi * k / t).cos()) / 2.0;
    let want: [&dyn Fn(f64) -> f64; 4] = [
        &|_| 0.15,
        &|k| 0.15 * 0.3f64.powi((k / 30.0).floor() as i32),
        &|k| cos(k, 100.0),
        &|k| {
            if k < 10.0 {
                0.15 * (0.1 + 0.9 * k / 10.0)
            } else {
                cos(k - 10.0, 90.0)
            }
        },
    ];
    for (t, (name, rate)) in [constant, step, cosine, warmup]
        .iter()
        .zip(names.iter().zip(want))
    {
        assert_eq!(t.lrs.len(), 100);
        for (i, &lr) in t.lrs.iter().enumerate() {
            let w = rate(i as f64);
            assert!((lr - w).abs() < 1e-12, "{name} step {}: {lr} vs {w}", i + 1);
        }
    }
    // Over the last 20 steps the constant rate keeps the noise's kicks: 0.66 per step, 0.71
    // from the minimum on average; the schedules move less than 0.03 per step and sit 0.14,
    // 0.25 and 0.26 from it.
    let tail = |t: &Trajectory| {
        let n = t.positions.len();
        let moved = steps_of(t)[n - 21..]
            .iter()
            .map(|s| s[0].hypot(s[1]))
            .sum::<f64>()
            / 20.0;
        let away = t.positions[n - 20..]
            .iter()
            .map(|&p| dist(p, [0.0, 0.0]))
            .sum::<f64>()
            / 20.0;
        (moved, away)
    };
    let (c_moved, c_away) = tail(constant);
    assert!((c_moved - 0.66).abs() < 0.01 && (c_away - 0.71).abs() < 0.01);
    for (t, away) in [(step, 0.14), (cosine, 0.25), (warmup, 0.26)] {
        let (m, a) = tail(t);
        assert!(m < 0.03 && (a - away).abs() < 0.01, "tail {m} {a}");
    }
    // The cosines freeze about 0.22 out; the step decay, with a rate to the end, gets closer.
    for t in [cosine, warmup] {
        assert!((dist(last(t), [0.0, 0.0]) - 0.22).abs() < 0.01);
    }
    assert!(dist(last(step), [0.0, 0.0]) < 0.1);
    // The warm-up's first 10 steps cover 4.1 against the others' 11.5; at step 10 it is 1.1
    // from the minimum against 0.6.
    let first = |t: &Trajectory| {
        steps_of(t)[..10]
            .iter()
            .map(|s| s[0].hypot(s[1]))
            .sum::<f64>()
    };
    assert!((first(warmup) - 4.1).abs() < 0.05 && (first(constant) - 11.5).abs() < 0.05);
    assert!((dist(warmup.positions[10], [0.0, 0.0]) - 1.1).abs() < 0.01);
    assert!((dist(constant.positions[10], [0.0, 0.0]) - 0.6).abs() < 0.01);
}

#[test]
fn newton_vs_gd_one_step_to_the_minimum_and_newton_to_the_saddle() {
    let r = Runs::new(load("newton_vs_gd"));
    let f = &r.scene.surface;
    let at = |label: &str, start: Point| at_start(&r, label, start);
    let (bowl, pass) = ([-2.0, 1.2], [1.4, 0.8]);
    // The surface is the bowl ½(x² + 10y²) for x ≤ 1, and no lower than its minimum in the
    // window.
    for (x, y) in [(-2.0, 1.2), (0.5, -0.7), (1.0, 1.0)] {
        assert!((f.value([x, y]) - 0.5 * (x * x + 10.0 * y * y)).abs() < 1e-12);
    }
    let w = r.scene.view.window();
    for i in 0..=48 {
        for j in 0..=30 {
            let p = [
                w.x.0 + w.width() * f64::from(i) / 48.0,
                w.y.0 + w.height() * f64::from(j) / 30.0,
            ];
            assert!(f.value(p) >= 0.0, "{p:?}");
        }
    }
    // In the bowl one Newton step lands on the minimum, and it stays.
    let newton = at("Newton", bowl);
    for p in &newton.positions[1..] {
        assert!(dist(*p, [0.0, 0.0]) < 1e-12, "{p:?}");
    }
    // GD with lr 1/λ_max = 0.1 zeroes the steep y in one step, then x shrinks by exactly 0.9
    // per step: still at −0.085 after 30 steps.
    let gd = at("GD", bowl);
    assert_eq!(r.scene.runs[2].optimizer.lr(), 0.1);
    for (k, w) in gd.positions.windows(2).enumerate() {
        assert!(w[1][1].abs() < 1e-12, "y at step {}", k + 1);
        assert!((w[1][0] / w[0][0] - 0.9).abs() < 1e-12);
    }
    assert!((last(gd)[0] + 0.085).abs() < 0.001, "{:?}", last(gd));
    // lr 1/λ_min = 1 would zero x in one step but multiply y by −9.
    let steep = Runs::new(variant("newton_vs_gd", &[("lr = 0.1", "lr = 1.0")]));
    let g1 = at_start(&steep, "GD", bowl);
    assert!(g1.positions[1][0].abs() < 1e-12 && (g1.positions[1][1] + 9.0 * 1.2).abs() < 1e-12);
    assert!(g1.diverged.is_some());
    // Past x = 1 Newton goes to the saddle ((7 + √13)/6, 0): within 1e-9 after 5 steps,
    // after overshooting to x ≈ 2.06, climbing from f = 0.93 to 1.11.
    let saddle = [(7.0 + 13f64.sqrt()) / 6.0, 0.0];
    let h = f.hessian(saddle);
    assert!(
        (h[0][0] + 13f64.sqrt()).abs() < 1e-9 && h[1][1] == 10.0 && h[0][1].abs() < 1e-12,
        "{h:?}"
    );
    assert!(f.gradient(saddle).iter().all(|g| g.abs() < 1e-12));
    let newton = at("Newton", pass);
    assert!((newton.positions[1][0] - 2.06).abs() < 0.005);
    for p in &newton.positions[5..] {
        assert!(dist(*p, saddle) < 1e-9, "{p:?}");
    }
    assert!((newton.losses[1] - 0.93).abs() < 0.005 && (last_loss(newton) - 1.11).abs() < 0.005);
    // GD from there goes downhill, back into the bowl, to x ≈ 0.064.
    let gd = at("GD", pass);
    assert!(gd.losses.windows(2).all(|w| w[1] < w[0]));
    assert!(dist(last(gd), [0.064, 0.0]) < 0.001, "{:?}", last(gd));
}

/// The run of `runs` labelled `label…` from `start`.
fn at_start<'a>(runs: &'a Runs, label: &str, start: Point) -> &'a Trajectory {
    let i = (0..runs.scene.runs.len())
        .find(|&i| runs.scene.runs[i].label.starts_with(label) && runs.scene.runs[i].start == start)
        .unwrap_or_else(|| panic!("{label} from {start:?}"));
    &runs.trajectories[i]
}

fn last_loss(t: &Trajectory) -> f64 {
    *t.losses.last().unwrap()
}

#[test]
fn adaptive_ravine_adaptive_steps_ignore_the_ravines_steepness() {
    let r = Runs::new(load("adaptive_ravine"));
    let (mom, adagrad, rmsprop, adam) = (
        r.get("Momentum"),
        r.get("AdaGrad"),
        r.get("RMSprop"),
        r.get("Adam"),
    );
    // The first step: momentum goes down the gradient (2x, 200y), nearly straight across
    // the ravine; each adaptive method moves the same distance along x and y, 45° down the
    // slope: lr for AdaGrad and Adam, 10·lr for RMSprop (its first average is 0.01·g²).
    let first = |t: &Trajectory| steps_of(t)[0];
    let m = first(mom);
    assert!((m[1] / m[0] - 100.0 * 0.8 / -2.6).abs() < 1e-9, "{m:?}");
    for (t, size) in [(adagrad, 0.4), (rmsprop, 0.3), (adam, 0.2)] {
        let s = first(t);
        assert!(
            (s[0] - size).abs() < 1e-6 && (s[1] + size).abs() < 1e-6,
            "{s:?}"
        );
    }
    // Across the ravine: momentum swings 20 times, Adam (whose β₁ = 0.9 is momentum too) 6;
    // AdaGrad and RMSprop never cross the floor.
    let swings: Vec<usize> = [mom, adam, adagrad, rmsprop]
        .iter()
        .map(|t| sign_changes(t, 1))
        .collect();
    assert_eq!(swings, [20, 6, 0, 0]);
    // Adam loops past the minimum to x ≈ 0.57; nothing goes past the window's x = 1.
    let max_x = |t: &Trajectory| t.positions.iter().map(|p| p[0]).fold(f64::MIN, f64::max);
    assert!((max_x(adam) - 0.57).abs() < 0.005, "{}", max_x(adam));
    for t in [mom, adagrad, rmsprop, adam] {
        assert!(max_x(t) < r.scene.view.window().x.1);
    }
    // Along the floor the adaptive ones are ahead: at step 10 all three are closer to the
    // minimum than momentum.
    let at10 = |t: &Trajectory| dist(t.positions[10], [0.0, 0.0]);
    for t in [adagrad, rmsprop, adam] {
        assert!(at10(t) < 0.8 * at10(mom), "{} vs {}", at10(t), at10(mom));
    }
    // All four end near the minimum: AdaGrad 0.028, RMSprop 0.10, Adam 0.019, momentum 0.027.
    for (t, d) in [
        (adagrad, 0.028),
        (rmsprop, 0.103),
        (adam, 0.019),
        (mom, 0.027),
    ] {
        let end = dist(last(t), [0.0, 0.0]);
        assert!((end - d).abs() < 0.002, "{end} vs {d}");
    }
}

#[test]
fn adagrad_decay_the_step_shrinks_like_one_over_root_t_on_a_constant_slope() {
    let r = Runs::new(load("adagrad_decay"));
    let (gd, adagrad) = (r.get("GD"), r.get("AdaGrad"));
    // Both were given the same constant lr (what the lr chart draws).
    for t in [gd, adagrad] {
        assert!(t.lrs.iter().all(|&lr| lr == 0.3));
    }
    // The floor's slope is nearly constant where AdaGrad goes: 0.97 to 0.99.
    for x in [-9.0, -6.0, -4.0] {
        let g = r.scene.surface.gradient([x, 0.0])[0].abs();
        assert!((0.97..0.995).contains(&g), "slope {g} at {x}");
    }
    // AdaGrad's x step is lr/√t to within 1.5 % at every step.
    for (i, s) in steps_of(adagrad).iter().enumerate() {
        let t = (i + 1) as f64;
        let ratio = s[0] * t.sqrt() / 0.3;
        assert!((ratio - 1.0).abs() < 0.015, "step {t}: {ratio}");
    }
    // GD keeps steps of 0.28 to 0.30 on the slope (steps 8 to 22), then its steps shrink
    // with the gradient.
    for s in &steps_of(gd)[7..22] {
        let len = s[0].hypot(s[1]);
        assert!((0.28..0.3).contains(&len), "{len}");
    }
    assert_eq!(first_step(gd, |p, _| dist(p, [0.0, 0.0]) < 0.5), Some(31));
    assert!(dist(gd.positions[45], [0.0, 0.0]) < 0.01);
    // After 80 steps AdaGrad stands at x ≈ −4.07, still on the slope.
    assert!(
        (last(adagrad)[0] + 4.07).abs() < 0.005,
        "{:?}",
        last(adagrad)
    );
}

#[test]
fn adamw_decay_decoupled_decay_keeps_adamw_in_a_box_coupled_l2_moves_the_minimum() {
    let r = Runs::new(load("adamw_decay"));
    let (adam, l2, adamw) = (r.get("Adam,"), r.get("Adam + L2"), r.get("AdamW"));
    let origin = [0.0, 0.0];
    // Adam ends at the minimum, away from the origin.
    let minimum = r.scene.surface.minima()[0];
    assert_eq!(minimum, [2.0, 1.5]);
    assert!(dist(last(adam), minimum) < 0.001, "{:?}", last(adam));
    // Coupled L2 moves the minimum: f + ½λ|θ|² has its minimum at (2/(1 + λ), 6/(4 + λ)).
    let lambda = 1.0;
    let ridge = [2.0 / (1.0 + lambda), 4.0 * 1.5 / (4.0 + lambda)];
    assert!(dist(last(l2), ridge) < 0.001, "{:?} vs {ridge:?}", last(l2));
    // AdamW: inside the box |x|, |y| ≤ 1/λ from step 12 on, heading for its corner (1, 1);
    // the closest of the three to the origin.
    let inside = |p: &Point| p[0].abs().max(p[1].abs()) <= 1.0 / lambda;
    assert!(!inside(&adamw.positions[11]));
    assert!(adamw.positions[12..].iter().all(inside));
    let to_corner = |k: usize| dist(adamw.positions[k], [1.0, 1.0]);
    assert!((to_corner(50) - 0.15).abs() < 0.005 && (to_corner(150) - 0.087).abs() < 0.002);
    assert!((50..150).all(|k| to_corner(k + 1) < to_corner(k)));
    assert!(dist(last(adamw), [0.91, 1.0]) < 0.01, "{:?}", last(adamw));
    assert!(dist(last(adamw), origin) < dist(last(l2), origin));
    assert!(dist(last(l2), origin) < dist(last(adam), origin));
    // Without its decay AdamW is Adam, bit for bit: the decay is all that differs.
    let undecayed = Runs::new(variant(
        "adamw_decay",
        &[(
            "kind = \"adamw\"\nlr = 0.05\nweight_decay = 1.0",
            "kind = \"adamw\"\nlr = 0.05\nweight_decay = 0.0",
        )],
    ));
    assert_eq!(undecayed.get("AdamW").positions, adam.positions);
}

/// `stability_map`: the heavy ball at Polyak's optimum (lr*, β*) converges fastest of the four
/// runs, and its distance to the minimum shrinks at about the predicted rate ρ* = 2/3 per step.
#[test]
fn stability_map_polyak_run_is_the_fastest_at_the_predicted_rate() {
    let path =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenes/stability_map.toml");
    let scene = inertia::scene::load(&path).unwrap();
    let t = inertia::pipeline::trajectories(&scene);
    let dist = |k: usize, step: usize| {
        let p = t[k].positions[step];
        (p[0] * p[0] + p[1] * p[1]).sqrt()
    };
    let last = scene.output.steps;
    let polyak = 1;
    assert!(scene.runs[polyak].label.contains("Polyak"));
    for k in 0..t.len() {
        if k != polyak {
            assert!(
                dist(polyak, last) < dist(k, last),
                "run {k} ends closer than Polyak's"
            );
        }
    }
    // At the optimum both directions have a double root of modulus ρ*, so the distance
    // behaves like t·ρ*^t: from step 10 to step 30 it falls by (30/10)·ρ*^20.
    let (_, _, rate) = inertia::theory::optimal_heavy_ball((1.0, 25.0));
    let measured = (dist(polyak, 30) / dist(polyak, 10)).powf(1.0 / 20.0);
    let predicted = rate * 3f64.powf(1.0 / 20.0);
    assert!(
        (measured - predicted).abs() < 0.01 * predicted,
        "measured {measured} vs {predicted}"
    );
    // And nothing converges like that without momentum: GD's best is (κ − 1)/(κ + 1).
    let gd = (dist(0, 30) / dist(0, 10)).powf(1.0 / 20.0);
    assert!(gd > 0.9, "GD's factor {gd}");
}

/// `damping_1d`: on the curve ½λw², β = 0.3 creeps in without crossing, β = 0.64 (critical)
/// does not cross either but gets closer sooner, β = 0.9 overshoots again and again; the
/// damping chart's labels (from the discriminant) say the same.
#[test]
fn damping_1d_behaves_as_the_discriminants_say() {
    use inertia::theory::Damping;
    let scene = load("damping_1d");
    assert_eq!(scene.dims(), inertia::surface::Dims::One);
    let t = inertia::pipeline::trajectories(&scene);
    let xs = |k: usize| t[k].positions.iter().map(|p| p[0]).collect::<Vec<f64>>();
    let crossings = |w: &[f64]| w.windows(2).filter(|p| p[0] * p[1] < 0.0).count();
    let regimes: Vec<Option<Damping>> = scene
        .runs
        .iter()
        .map(|r| inertia::figures::damping_regime(&scene, &r.optimizer))
        .collect();
    assert_eq!(
        regimes,
        [
            Some(Damping::Over),
            Some(Damping::Critical),
            Some(Damping::Under)
        ]
    );
    let (over, critical, under) = (xs(0), xs(1), xs(2));
    assert_eq!(crossings(&over), 0);
    assert_eq!(crossings(&critical), 0);
    assert!(crossings(&under) >= 3, "{}", crossings(&under));
    // Critical damping is the fastest approach that does not overshoot.
    assert!(
        critical[30].abs() < over[30].abs() / 5.0,
        "{} vs {}",
        critical[30],
        over[30]
    );
    // The heavy ball on ½λw²: w_{t+1} = (1 + β − lr·λ)·w_t − β·w_{t−1}, each run.
    for (k, run) in scene.runs.iter().enumerate() {
        let (lr, beta) = (run.optimizer.lr(), run.optimizer.beta().unwrap());
        let w = xs(k);
        for i in 1..w.len() - 1 {
            let next = (1.0 + beta - lr) * w[i] - beta * w[i - 1];
            assert!((w[i + 1] - next).abs() < 1e-12, "run {k} step {}", i + 1);
        }
    }
}

/// `ball_on_curve`: the seed's ½(x − 5)² from 0 (lr 0.1, β 0.9). By hand, x₂ = 0.95 (GD),
/// 1.4 (heavy ball), 1.355 (NAG); GD is geometric, x_k − 5 = 0.9^k·(−5), and never crosses 5;
/// the heavy ball rolls farthest past the minimum and still swings at the end; NAG overshoots
/// less and settles.
#[test]
fn ball_on_curve_gd_creeps_momentum_swings_nesterov_settles() {
    let r = Runs::new(load("ball_on_curve"));
    r.assert_none_diverged();
    assert_eq!(r.scene.dims(), inertia::surface::Dims::One);
    let (gd, mom, nag) = (r.get("GD"), r.get("Momentum"), r.get("Nesterov"));
    let x = |t: &Trajectory, k: usize| t.positions[k][0];
    for (t, x2) in [(gd, 0.95), (mom, 1.4), (nag, 1.355)] {
        assert!((x(t, 1) - 0.5).abs() < 1e-15 && (x(t, 2) - x2).abs() < 1e-15);
    }
    for k in 0..=r.scene.output.steps {
        let expected = -5.0 * 0.9f64.powi(k as i32);
        assert!((x(gd, k) - 5.0 - expected).abs() < 1e-12, "GD at step {k}");
    }
    let farthest = |t: &Trajectory| t.positions.iter().map(|p| p[0]).fold(f64::MIN, f64::max);
    let (fg, fm, fn_) = (farthest(gd), farthest(mom), farthest(nag));
    assert!(fg < 5.0, "GD never crosses: {fg}");
    assert!(fm > 8.0 && fn_ > 6.5 && fn_ < fm - 1.0, "{fm} vs {fn_}");
    // Over the last 20 steps NAG stays within 0.1 of 5, the heavy ball swings five times as
    // wide, and ends farther off than NAG by more than tenfold.
    let steps = r.scene.output.steps;
    let swing = |t: &Trajectory| {
        (steps - 20..=steps)
            .map(|k| (x(t, k) - 5.0).abs())
            .fold(0.0, f64::max)
    };
    let (sm, sn) = (swing(mom), swing(nag));
    assert!(sn < 0.1 && sm > 5.0 * sn, "swings {sm} vs {sn}");
    let end = |t: &Trajectory| (x(t, steps) - 5.0).abs();
    assert!(end(mom) > 10.0 * end(nag), "{} vs {}", end(mom), end(nag));
}

/// `double_well_1d`: from x = 1.7 GD stays in the shallow well (x ≈ 0.96) and never crosses
/// the hump; heavy-ball momentum crosses it and settles in the deep well (x ≈ −1.04).
#[test]
fn double_well_1d_momentum_rolls_out_of_the_shallow_well_gd_stays() {
    use inertia::surface::double_well::DoubleWell;
    let r = Runs::new(load("double_well_1d"));
    r.assert_none_diverged();
    let well = r
        .scene
        .surface
        .downcast_ref::<DoubleWell>()
        .expect("a double well");
    let hump = well.hump();
    let minima = r.scene.surface.minima();
    let (deep, shallow) = (minima[0][0], minima[1][0]);
    assert!(deep < hump && hump < shallow, "{deep} {hump} {shallow}");
    let (gd, mom) = (r.get("GD"), r.get("Momentum"));
    let xs = |t: &Trajectory| t.positions.iter().map(|p| p[0]).collect::<Vec<f64>>();
    assert!(
        xs(gd).iter().all(|x| *x > hump),
        "GD never crosses the hump"
    );
    assert!((last(gd)[0] - shallow).abs() < 1e-3, "{:?}", last(gd));
    let crossed = xs(mom)
        .iter()
        .position(|x| *x < hump)
        .expect("momentum crosses");
    assert!(crossed < 10, "crosses at step {crossed}");
    // Settled: the last 20 steps within 0.02 of the deep well, never back over the hump.
    let m = xs(mom);
    assert!(m[crossed..].iter().all(|x| *x < hump));
    assert!(
        m[m.len() - 20..].iter().all(|x| (x - deep).abs() < 0.02),
        "{:?}",
        last(mom)
    );
}

/// The β sweep in small multiples: one panel per β, and the picture the exercise asks for:
/// overshoot grows with β (β = 0 never overshoots the floor of the ravine) while small β is
/// sluggish along the shallow axis; β = 0.99 is still swinging at the last step.
#[test]
fn beta_sweep_panels_overshoot_grows_with_beta_and_small_beta_is_sluggish() {
    let runs = Runs::new(load("beta_sweep_panels"));
    runs.assert_none_diverged();
    let s = &runs.scene;
    assert_eq!(s.draw.panels, scene::Panels::Sweep);
    let panels: Vec<(&str, usize)> = s
        .settings
        .iter()
        .map(|t| (t.label.as_str(), t.runs.len()))
        .collect();
    assert_eq!(
        panels,
        [
            ("β = 0", 1),
            ("β = 0.5", 1),
            ("β = 0.9", 1),
            ("β = 0.99", 1)
        ]
    );
    // One run per panel, in sweep order.
    let by_beta = [0, 1, 2, 3].map(|i| &runs.trajectories[i]);
    // How far a run goes past the minimum, on the far side from its start, along either axis.
    let start = s.runs[0].start;
    let overshoot = |t: &Trajectory| {
        t.positions
            .iter()
            .flat_map(|p| [-p[0] * start[0].signum(), -p[1] * start[1].signum()])
            .fold(0.0, f64::max)
    };
    let overshoots = by_beta.map(overshoot);
    assert_eq!(overshoots[0], 0.0, "β = 0 never overshoots");
    assert!(
        overshoots.windows(2).all(|w| w[0] < w[1]),
        "overshoot grows with β: {overshoots:?}"
    );
    let end = by_beta.map(|t| dist(last(t), [0.0, 0.0]));
    assert!(
        end[0] > 5.0 * end[1] && end[0] > 5.0 * end[2],
        "β = 0 is sluggish: {end:?}"
    );
    assert!(
        end[3] > end[0] && end[3] > end[1] && end[3] > end[2],
        "β = 0.99 is the farthest at the end: {end:?}"
    );
}

/// Himmelblau from four starts, one panel each: from the origin GD and the heavy ball end in
/// different minima (the heavy ball is carried past (3, 2)); from the other starts in the same
/// one; every run ends within 0.05 of a minimum.
#[test]
fn himmelblau_starts_momentum_changes_the_minimum_from_the_origin_only() {
    let runs = Runs::new(load("himmelblau_starts"));
    runs.assert_none_diverged();
    let s = &runs.scene;
    assert_eq!(s.draw.panels, scene::Panels::Start);
    let minima = s.surface.minima();
    assert_eq!(minima.len(), 4);
    // The minimum each run ends nearest to, and how near.
    let nearest = |t: &Trajectory| {
        let end = last(t);
        (0..minima.len())
            .map(|i| (i, dist(end, minima[i])))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap()
    };
    let (gd, heavy) = (&s.settings[0], &s.settings[1]);
    assert_eq!(gd.runs.len(), 4);
    for (k, (&g, &m)) in gd.runs.iter().zip(&heavy.runs).enumerate() {
        assert_eq!(s.runs[g].start, s.runs[m].start);
        let (a, b) = (
            nearest(&runs.trajectories[g]),
            nearest(&runs.trajectories[m]),
        );
        assert!(a.1 < 0.05 && b.1 < 0.05, "start {k}: {a:?} {b:?}");
        if s.runs[g].start == [0.0, 0.0] {
            assert_ne!(a.0, b.0, "from the origin they part");
            assert!(dist(minima[a.0], [3.0, 2.0]) < 1e-6, "GD settles at (3, 2)");
        } else {
            assert_eq!(a.0, b.0, "start {k}: the same minimum");
        }
    }
}
