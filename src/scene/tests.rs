//! Tests of the scene checker.

use super::*;
use crate::optimizer::{adagrad, adam, gd, momentum, nesterov, rmsprop, Optimizer};
use crate::surface::formula::Formula;
use crate::surface::linear_regression::LinearRegression;
use crate::surface::quadratic::Quadratic;
use crate::trajectory::Noise;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn parse(src: &str) -> Scene {
    match Scene::from_toml(Path::new("t.toml"), src) {
        Ok(s) => s,
        Err(e) => panic!("expected a valid scene, got:\n{e}\nfor:\n{src}"),
    }
}

fn fail(src: &str) -> SceneError {
    match Scene::from_toml(Path::new("t.toml"), src) {
        Ok(s) => panic!(
            "expected an error, the scene was accepted with {} runs:\n{src}",
            s.runs.len()
        ),
        Err(e) => e,
    }
}

/// 1-based (line, column in characters) of the `nth` (0-based) occurrence of `needle` in `src`.
fn loc_nth(src: &str, needle: &str, nth: usize) -> (usize, usize) {
    let at = src
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` (#{nth}) not in:\n{src}"))
        .0;
    let before = &src[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, src[line_start..at].chars().count() + 1)
}

fn loc(src: &str, needle: &str) -> (usize, usize) {
    loc_nth(src, needle, 0)
}

/// The location just after the first `prefix` in `src` (e.g. the value after `lr = `).
fn after(src: &str, prefix: &str) -> (usize, usize) {
    let (line, column) = loc(src, prefix);
    (line, column + prefix.chars().count())
}

/// Asserts everything a user sees of an error: where, which key, what, and the hint (`None`: the
/// error must have no hint).
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
    assert_eq!(e.path, Path::new("t.toml"));
}

/// A valid quadratic scene (window [-3, 3]², start (2.5, -2)) followed by `optimizers`.
fn with_optimizers(optimizers: &str) -> String {
    format!(
        "[surface]\nkind = \"quadratic\"\na = 1.0\nb = 10.0\nx = [-3.0, 3.0]\ny = [-3.0, 3.0]\n\n\
         [[start]]\nat = [2.5, -2.0]\n\n{optimizers}"
    )
}

/// A valid scene with one GD optimizer, preceded by `prefix` (e.g. an `[output]` table).
fn with_prefix(prefix: &str) -> String {
    format!(
        "{prefix}{}",
        with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = 0.05\n")
    )
}

/// A valid scene with `surface` as its `[surface]` table body.
fn with_surface(surface: &str) -> String {
    format!(
        "[surface]\n{surface}\n[[start]]\nat = [0.5, 0.5]\n\n[[optimizer]]\nkind = \"gd\"\nlr = 0.05\n"
    )
}

/// A unique, empty temporary folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("inertia-scene-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const ISSUE_OPTIMIZERS: &str = r#"[[optimizer]]
label = "GD"
kind = "gd"
lr = 0.05

[[optimizer]]
label = "Momentum β={beta}"
kind = "momentum"
lr = 0.05
beta = [0.0, 0.5, 0.9, 0.99]

[[optimizer]]
label = "Nesterov"
kind = "nesterov"
lr = 0.05
beta = 0.9
"#;

fn momentum(lr: f64, beta: f64) -> Optimizer {
    momentum::pytorch(lr, beta, 0.0)
}

fn nesterov(lr: f64, beta: f64) -> Optimizer {
    nesterov::pytorch(lr, beta)
}

fn labels(s: &Scene) -> Vec<&str> {
    s.runs.iter().map(|r| r.label.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------
// A.1 The issue's example and the expansion order
// ---------------------------------------------------------------------------------------------

#[test]
fn issue_example_parses_with_defaults() {
    let s = parse(&with_optimizers(ISSUE_OPTIMIZERS));
    assert_eq!(s.path, Path::new("t.toml"));
    assert_eq!(s.surface_name, "quadratic");
    assert_eq!(
        s.title, "quadratic",
        "an absent title falls back to the surface name"
    );
    assert_eq!(
        s.surface.downcast_ref::<Quadratic>(),
        Some(&Quadratic {
            a: 1.0,
            b: 10.0,
            angle: 0.0,
            center: [0.0, 0.0]
        }),
        "{:?}",
        s.surface
    );
    assert_eq!(s.view.window(), Window::new((-3.0, 3.0), (-3.0, 3.0)));
    assert_eq!(
        s.output,
        OutputSpec {
            name: "t".into(),
            width: 640,
            height: 480,
            fps: 15.0,
            steps: 60,
            hold: 1.5,
            name_span: s.output.name_span.clone(),
            formats: vec![
                Format::Gif,
                Format::Png,
                Format::Svg,
                Format::Csv,
                Format::Html
            ],
            poster: 60,
        }
    );
    assert_eq!(
        s.draw,
        DrawSpec {
            levels: 16,
            scale: ContourScale::Auto,
            charts: vec![Chart::Loss],
            overlays: vec![],
            panels: Panels::Single,
            aspect: Aspect::Equal,
            font: None,
            sliders: vec![],
            data_view: false,
        }
    );
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    assert!(s.inputs.is_empty());
}

#[test]
fn issue_example_expands_entries_then_sweep_values() {
    let s = parse(&with_optimizers(ISSUE_OPTIMIZERS));
    assert_eq!(
        labels(&s),
        [
            "GD",
            "Momentum β=0",
            "Momentum β=0.5",
            "Momentum β=0.9",
            "Momentum β=0.99",
            "Nesterov"
        ]
    );
    let optimizers: Vec<Optimizer> = s.runs.iter().map(|r| r.optimizer).collect();
    assert_eq!(
        optimizers,
        [
            gd::new(0.05),
            momentum(0.05, 0.0),
            momentum(0.05, 0.5),
            momentum(0.05, 0.9),
            momentum(0.05, 0.99),
            nesterov(0.05, 0.9),
        ]
    );
    let entries: Vec<usize> = s.runs.iter().map(|r| r.entry).collect();
    assert_eq!(entries, [0, 1, 1, 1, 1, 2]);
    for (i, r) in s.runs.iter().enumerate() {
        assert_eq!(r.index, i, "run.index must equal the run's position");
        assert_eq!(r.start, [2.5, -2.0]);
        assert_eq!(r.noise, None);
    }
}

#[test]
fn start_points_vary_fastest() {
    let src = with_optimizers(ISSUE_OPTIMIZERS).replace(
        "at = [2.5, -2.0]\n",
        "at = [2.5, -2.0]\n\n[[start]]\nat = [-2.0, 2.0]\n",
    );
    let s = parse(&src);
    assert_eq!(s.runs.len(), 12);
    let got: Vec<(usize, Optimizer, Point, &str)> = s
        .runs
        .iter()
        .map(|r| (r.entry, r.optimizer, r.start, r.label.as_str()))
        .collect();
    let mut want = Vec::new();
    let combos: [(usize, Optimizer, &str); 6] = [
        (0, gd::new(0.05), "GD"),
        (1, momentum(0.05, 0.0), "Momentum β=0"),
        (1, momentum(0.05, 0.5), "Momentum β=0.5"),
        (1, momentum(0.05, 0.9), "Momentum β=0.9"),
        (1, momentum(0.05, 0.99), "Momentum β=0.99"),
        (2, nesterov(0.05, 0.9), "Nesterov"),
    ];
    for (entry, opt, label) in combos {
        for start in [[2.5, -2.0], [-2.0, 2.0]] {
            want.push((entry, opt, start, label));
        }
    }
    assert_eq!(got, want);
    for (i, r) in s.runs.iter().enumerate() {
        assert_eq!(r.index, i);
    }
}

#[test]
fn default_labels_name_only_swept_keys() {
    let s = parse(&with_optimizers(
        r#"[[optimizer]]
kind = "gd"
lr = 0.05

[[optimizer]]
kind = "momentum"
lr = 0.05
beta = 0.9

[[optimizer]]
kind = "momentum"
lr = 0.05
beta = [0.5, 0.9]

[[optimizer]]
kind = "nesterov"
lr = [0.01, 0.1]

[[optimizer]]
kind = "momentum"
lr = 0.05
beta = [0.9]
"#,
    ));
    assert_eq!(
        labels(&s),
        [
            "GD",
            "Momentum",
            "Momentum β=0.5",
            "Momentum β=0.9",
            "Nesterov lr=0.01",
            "Nesterov lr=0.1",
            "Momentum β=0.9",
        ]
    );
}

/// Entries whose default labels would read the same are told apart by what differs: the keys
/// whose values differ, the form when forms differ; written labels are left as written.
#[test]
fn clashing_default_labels_name_what_differs() {
    let s = parse(&with_optimizers(
        r#"[[optimizer]]
kind = "gd"
lr = 0.05

[[optimizer]]
kind = "gd"
lr = 0.1

[[optimizer]]
kind = "momentum"
form = "velocity"
lr = 0.05
beta = 0.9

[[optimizer]]
kind = "momentum"
form = "ema"
lr = 0.05
beta = 0.9

[[optimizer]]
label = "GD"
kind = "gd"
lr = 0.2
"#,
    ));
    assert_eq!(
        labels(&s),
        [
            "GD lr=0.05",
            "GD lr=0.1",
            "Momentum (velocity)",
            "Momentum (ema)",
            "GD",
        ]
    );
}

#[test]
fn default_labels_name_the_start_when_there_are_several() {
    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = 0.05\n").replace(
        "at = [2.5, -2.0]\n",
        "at = [2.5, -2.0]\n[[start]]\nat = [-1.5, 0.25]\n",
    );
    let s = parse(&src);
    assert_eq!(labels(&s), ["GD from (2.5, −2)", "GD from (−1.5, 0.25)"]);
}

#[test]
fn label_placeholders_are_filled() {
    let s = parse(&with_optimizers(
        r#"[[optimizer]]
kind = "gd"
lr = 0.05

[[optimizer]]
label = "{kind}/{form} lr={lr} β={beta} d={dampening} #{run} at {start} {{literal}}"
kind = "momentum"
form = "ema"
lr = 0.05
beta = [0.5, 0.25]
"#,
    ));
    assert_eq!(
        labels(&s),
        [
            "GD",
            "momentum/ema lr=0.05 β=0.5 d=0 #1 at (2.5, −2) {literal}",
            "momentum/ema lr=0.05 β=0.25 d=0 #2 at (2.5, −2) {literal}",
        ]
    );
    assert_eq!(s.runs[1].optimizer, momentum::ema(0.05, 0.5));
}

#[test]
fn forms_and_defaults_reach_the_optimizers() {
    let s = parse(&with_optimizers(
        r#"[[optimizer]]
kind = "momentum"
form = "velocity"
lr = 0.1

[[optimizer]]
kind = "momentum"
lr = 0.1
dampening = 0.5

[[optimizer]]
kind = "nesterov"
form = "lookahead"
lr = 0.1
beta = 0.8

[[optimizer]]
kind = "adagrad"
lr = 0.1

[[optimizer]]
kind = "rmsprop"
lr = 0.1

[[optimizer]]
kind = "adam"
lr = 0.1
noise = { std = 0.5, seed = 7 }

[[optimizer]]
kind = "gd"
lr = 0.1
noise = { std = 0.25 }
"#,
    ));
    let optimizers: Vec<Optimizer> = s.runs.iter().map(|r| r.optimizer).collect();
    assert_eq!(
        optimizers,
        [
            momentum::velocity(0.1, 0.9),
            momentum::pytorch(0.1, 0.9, 0.5),
            nesterov::lookahead(0.1, 0.8),
            adagrad::new(0.1, 0.0, 1e-10),
            rmsprop::new(0.1, 0.99, 1e-8),
            adam::new(0.1, 0.9, 0.999, 1e-8),
            gd::new(0.1),
        ]
    );
    assert_eq!(s.runs[5].noise, Some(Noise { std: 0.5, seed: 7 }));
    assert_eq!(s.runs[6].noise, Some(Noise { std: 0.25, seed: 0 }));
    assert_eq!(s.runs[0].noise, None);
}

#[test]
fn output_and_draw_tables_are_read() {
    let s = parse(&with_prefix(
        "title = \"Hello\"\n[output]\nname = \"my-scene.v2\"\nsize = [160, 2048]\nfps = 50\nsteps = 10000\nhold = 0\n\n[draw]\nlevels = 64\nscale = \"log\"\n\n",
    ));
    assert_eq!(s.title, "Hello");
    assert_eq!(
        s.output,
        OutputSpec {
            name: "my-scene.v2".into(),
            width: 160,
            height: 2048,
            fps: 50.0,
            steps: 10000,
            hold: 0.0,
            name_span: s.output.name_span.clone(),
            formats: vec![
                Format::Gif,
                Format::Png,
                Format::Svg,
                Format::Csv,
                Format::Html
            ],
            poster: 10000,
        }
    );
    assert_eq!(
        s.draw,
        DrawSpec {
            levels: 64,
            scale: ContourScale::Log,
            charts: vec![Chart::Loss],
            overlays: vec![],
            panels: Panels::Single,
            aspect: Aspect::Equal,
            font: None,
            sliders: vec![],
            data_view: false,
        }
    );
}

// ---------------------------------------------------------------------------------------------
// A.2 Cartesian products of sweeps
// ---------------------------------------------------------------------------------------------

#[test]
fn two_sweeps_expand_as_a_product_first_key_slowest() {
    let s = parse(&with_optimizers(
        "[[optimizer]]\nkind = \"adam\"\nlr = 0.1\nbeta1 = [0.8, 0.9]\nbeta2 = [0.99, 0.999]\n",
    ));
    let got: Vec<Optimizer> = s.runs.iter().map(|r| r.optimizer).collect();
    let adam = |beta1, beta2| adam::new(0.1, beta1, beta2, 1e-8);
    assert_eq!(
        got,
        [
            adam(0.8, 0.99),
            adam(0.8, 0.999),
            adam(0.9, 0.99),
            adam(0.9, 0.999)
        ]
    );
    assert_eq!(
        labels(&s),
        [
            "Adam β₁=0.8 β₂=0.99",
            "Adam β₁=0.8 β₂=0.999",
            "Adam β₁=0.9 β₂=0.99",
            "Adam β₁=0.9 β₂=0.999"
        ]
    );
}

#[test]
fn three_sweeps_follow_the_key_order_not_the_file_order() {
    // Written beta2, beta1, lr in the file; the code's order is lr, beta1, beta2.
    let s = parse(&with_optimizers(
        "[[optimizer]]\nkind = \"adam\"\nbeta2 = [0.99, 0.999]\nbeta1 = [0.8, 0.9]\nlr = [0.1, 0.2]\n",
    ));
    let mut want = Vec::new();
    for lr in [0.1, 0.2] {
        for beta1 in [0.8, 0.9] {
            for beta2 in [0.99, 0.999] {
                want.push(adam::new(lr, beta1, beta2, 1e-8));
            }
        }
    }
    let got: Vec<Optimizer> = s.runs.iter().map(|r| r.optimizer).collect();
    assert_eq!(got, want);
    assert_eq!(s.runs[5].label, "Adam lr=0.2 β₁=0.8 β₂=0.999");
}

#[test]
fn momentum_sweeps_order_lr_beta_dampening() {
    let s = parse(&with_optimizers(
        "[[optimizer]]\nkind = \"momentum\"\ndampening = [0.0, 0.5]\nbeta = [0.5, 0.9]\nlr = [0.1, 0.2]\n",
    ));
    let mut want = Vec::new();
    for lr in [0.1, 0.2] {
        for beta in [0.5, 0.9] {
            for dampening in [0.0, 0.5] {
                want.push(momentum::pytorch(lr, beta, dampening));
            }
        }
    }
    let got: Vec<Optimizer> = s.runs.iter().map(|r| r.optimizer).collect();
    assert_eq!(got, want);
}

#[test]
fn adagrad_sweeps_order_eps_before_lr_decay() {
    let s = parse(&with_optimizers(
        "[[optimizer]]\nkind = \"adagrad\"\nlr = 0.1\nlr_decay = [0.0, 0.1]\neps = [1e-10, 1e-6]\n",
    ));
    let got: Vec<Optimizer> = s.runs.iter().map(|r| r.optimizer).collect();
    let ada = |eps, lr_decay| adagrad::new(0.1, lr_decay, eps);
    assert_eq!(
        got,
        [
            ada(1e-10, 0.0),
            ada(1e-10, 0.1),
            ada(1e-6, 0.0),
            ada(1e-6, 0.1)
        ]
    );
}

#[test]
fn rmsprop_sweeps_order_alpha_before_eps() {
    let s = parse(&with_optimizers(
        "[[optimizer]]\nkind = \"rmsprop\"\neps = [1e-8, 1e-4]\nalpha = [0.9, 0.99]\nlr = 0.01\n",
    ));
    let got: Vec<(f64, f64)> = s
        .runs
        .iter()
        .map(|r| {
            match (
                r.optimizer.kind().name,
                r.optimizer.get("alpha"),
                r.optimizer.get("eps"),
            ) {
                ("rmsprop", Some(alpha), Some(eps)) => (alpha, eps),
                _ => panic!("{:?}", r.optimizer),
            }
        })
        .collect();
    assert_eq!(got, [(0.9, 1e-8), (0.9, 1e-4), (0.99, 1e-8), (0.99, 1e-4)]);
}

#[test]
fn sweep_times_starts_up_to_the_run_limit_is_accepted() {
    // 8 × 8 = 64 runs: exactly the limit.
    let s = parse(&with_optimizers(
        "[[optimizer]]\nkind = \"momentum\"\nlr = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08]\nbeta = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]\n",
    ));
    assert_eq!(s.runs.len(), limits::MAX_RUNS);
    assert_eq!(s.runs.last().unwrap().index, limits::MAX_RUNS - 1);
}

// ---------------------------------------------------------------------------------------------
// A.3 Errors
// ---------------------------------------------------------------------------------------------

#[test]
fn toml_syntax_error_is_located() {
    let src = "title = \"x\"\n[surface\nkind = \"quadratic\"\n";
    let e = fail(src);
    check(&e, (2, 9), "", "expected `]`", None);
    let text = e.to_string();
    assert!(text.starts_with("t.toml:2:9: "), "{text}");
    assert!(text.contains("2 | [surface\n"), "{text}");
}

#[test]
fn toml_unclosed_array_is_located() {
    let src = with_optimizers("[[optimizer]]\nkind = \"momentum\"\nlr = 0.1\nbeta = [0.5, 0.9\n");
    let e = fail(&src);
    // Reported where the `]` is missing: the end of the line.
    check(
        &e,
        after(&src, "beta = [0.5, 0.9"),
        "",
        "unclosed array, expected `]`",
        None,
    );
}

#[test]
fn duplicate_key_is_a_located_error() {
    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\nlr = 0.2\n");
    let e = fail(&src);
    assert_eq!(e.line, loc_nth(&src, "lr = ", 1).0, "{e}");
    assert!(e.message.contains("duplicate"), "{e}");
}

#[test]
fn unknown_top_level_key_suggests_a_close_one() {
    let src = with_prefix("titl = \"x\"\n");
    let e = fail(&src);
    check(
        &e,
        (1, 1),
        "titl",
        "unknown key `titl`",
        Some("did you mean `title`?"),
    );
}

#[test]
fn unknown_top_level_key_far_from_any_lists_the_keys() {
    let src = with_prefix("temperature = 3\n");
    let e = fail(&src);
    check(
        &e,
        (1, 1),
        "temperature",
        "unknown key",
        Some("the keys here are `title`, `output`, `surface`, `draw`, `start`, `optimizer`"),
    );
}

#[test]
fn unknown_output_key_suggests_a_close_one() {
    let src = with_prefix("[output]\nstep = 10\n");
    let e = fail(&src);
    check(
        &e,
        (2, 1),
        "output.step",
        "unknown key `step`",
        Some("did you mean `steps`?"),
    );
}

#[test]
fn unknown_surface_key_suggests_a_close_one() {
    let src = with_surface("kind = \"quadratic\"\nangl = 30\n");
    let e = fail(&src);
    check(
        &e,
        loc(&src, "angl"),
        "surface.angl",
        "unknown key `angl`",
        Some("did you mean `angle`?"),
    );
}

#[test]
fn unknown_optimizer_key_suggests_a_close_one() {
    let src = with_optimizers("[[optimizer]]\nkind = \"momentum\"\nlr = 0.1\nbta = 0.9\n");
    let e = fail(&src);
    check(
        &e,
        loc(&src, "bta"),
        "optimizer[0].bta",
        "unknown key `bta`",
        Some("did you mean `beta`?"),
    );
    let text = e.to_string();
    assert!(
        text.contains("`optimizer[0].bta`: unknown key `bta`"),
        "{text}"
    );
    assert!(text.contains("hint: did you mean `beta`?"), "{text}");
}

#[test]
fn unknown_keys_in_draw_start_and_noise_suggest_close_ones() {
    let src = with_prefix("[draw]\nlevel = 8\n");
    check(
        &fail(&src),
        (2, 1),
        "draw.level",
        "unknown key",
        Some("`levels`"),
    );

    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n")
        .replace("at = [2.5, -2.0]", "at = [2.5, -2.0]\nt = 1");
    check(
        &fail(&src),
        loc(&src, "t = 1"),
        "start[0].t",
        "unknown key",
        Some("`at`"),
    );

    let src = with_optimizers(
        "[[optimizer]]\nkind = \"gd\"\nlr = 0.1\nnoise = { std = 1.0, seeed = 3 }\n",
    );
    check(
        &fail(&src),
        loc(&src, "seeed"),
        "optimizer[0].noise.seeed",
        "unknown key",
        Some("`seed`"),
    );
}

/// Transposed letters are the commonest typo; "did you mean" should catch them in short keys too.
#[test]
fn did_you_mean_catches_transposed_letters() {
    for (prefix, typo, meant) in [
        ("", "titel = \"x\"\n", "title"),
        ("[output]\n", "fsp = 15\n", "fps"),
        ("[output]\n", "stpes = 15\n", "steps"),
    ] {
        let src = with_prefix(&format!("{prefix}{typo}"));
        let e = fail(&src);
        let hint = e.hint.clone().unwrap_or_default();
        assert!(
            hint.contains(&format!("did you mean `{meant}`?")),
            "`{}` should suggest `{meant}`:\n{e}",
            typo.trim()
        );
    }
    let src = with_surface("kind = \"quadratic\"\nangel = 30\n");
    let e = fail(&src);
    assert_eq!(e.hint.as_deref(), Some("did you mean `angle`?"), "{e}");
}

#[test]
fn wrong_type_is_located_with_a_hint() {
    let src = with_prefix("[output]\nfps = \"fast\"\n");
    let e = fail(&src);
    assert_eq!((e.line, e.column), (2, 7), "{e}");
    assert!(
        e.message.contains("expected a number, found `\"fast\"`"),
        "{e}"
    );
    assert_eq!(
        e.hint.as_deref(),
        Some("numbers are written without quotes")
    );

    let src = with_prefix("[output]\nsteps = 1.5\n");
    let e = fail(&src);
    assert_eq!((e.line, e.column), (2, 9), "{e}");
    assert_eq!(e.key, "output.steps");
    assert!(e.message.contains("expected a whole number"), "{e}");
    assert_eq!(
        e.hint.as_deref(),
        Some("this value is a whole number: no fractional part")
    );
    let src = with_prefix("[output]\nsteps = \"60\"\n");
    let e = fail(&src);
    assert_eq!(e.key, "output.steps");
    assert_eq!(
        e.hint.as_deref(),
        Some("numbers are written without quotes")
    );
    // What the JSON Schema calls an integer (60.0 too), the checker takes as one.
    let s = parse(&with_prefix(
        "[output]\nsteps = 60.0\nsize = [640.0, 480]\n[draw]\nlevels = 8.0\n",
    ));
    assert_eq!(
        (s.output.steps, s.output.width, s.output.height),
        (60, 640, 480)
    );
    assert_eq!(s.draw.levels, 8);

    let src = with_prefix("[output]\nsize = 640\n");
    let e = fail(&src);
    assert_eq!((e.line, e.column), (2, 8), "{e}");
    assert!(e.hint.as_deref().unwrap_or("").contains("[x, y]"), "{e}");

    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = \"fast\"\n");
    let e = fail(&src);
    assert_eq!((e.line, e.column), loc(&src, "\"fast\""), "{e}");
    assert!(
        e.message
            .contains("expected a number or a list of numbers, found `\"fast\"`"),
        "{e}"
    );
}

/// A type error is not a syntax error: it is about one key, which the error should name.
#[test]
fn wrong_type_errors_name_their_key() {
    let src = with_prefix("[output]\nfps = \"fast\"\n");
    assert_eq!(fail(&src).key, "output.fps");
    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = \"fast\"\n");
    assert_eq!(fail(&src).key, "optimizer[0].lr");
}

/// `lr = "fast"` should get the same "without quotes" hint as `fps = "fast"`.
#[test]
fn quoted_sweepable_number_gets_the_quotes_hint() {
    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = \"fast\"\n");
    let e = fail(&src);
    assert!(
        e.hint.as_deref().unwrap_or("").contains("without quotes"),
        "{e}"
    );
}

#[test]
fn learning_rate_must_be_positive() {
    for lr in ["0", "-1", "0.0"] {
        let src = with_optimizers(&format!("[[optimizer]]\nkind = \"gd\"\nlr = {lr}\n"));
        let e = fail(&src);
        check(
            &e,
            after(&src, "lr = "),
            "optimizer[0].lr",
            "expected a learning rate > 0, found",
            None,
        );
    }
    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = [0.1, -0.1]\n");
    let e = fail(&src);
    check(
        &e,
        loc(&src, "[0.1, -0.1]"),
        "optimizer[0].lr",
        "found -0.1",
        None,
    );
}

#[test]
fn missing_learning_rate_points_at_the_entry() {
    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\n");
    let e = fail(&src);
    check(
        &e,
        loc(&src, "[[optimizer]]"),
        "optimizer[0].lr",
        "missing the learning rate `lr`",
        Some("lr = 0.05"),
    );
}

#[test]
fn missing_optimizer_kind_is_an_error() {
    let src = with_optimizers("[[optimizer]]\nlr = 0.1\n");
    let e = fail(&src);
    assert!(
        e.message.contains("missing the optimizer kind `kind`"),
        "{e}"
    );
    assert_eq!(e.hint.as_deref(), Some("add e.g. kind = \"gd\""));
    assert!(e.key.contains("kind"), "{e}");
    assert_eq!(e.line, loc(&src, "[[optimizer]]").0, "{e}");
}

#[test]
fn beta_must_be_in_zero_one() {
    for (beta, found) in [
        ("1.0", "found 1"),
        ("-0.1", "found -0.1"),
        ("1.5", "found 1.5"),
    ] {
        let src = with_optimizers(&format!(
            "[[optimizer]]\nkind = \"momentum\"\nlr = 0.1\nbeta = {beta}\n"
        ));
        let e = fail(&src);
        check(
            &e,
            after(&src, "beta = "),
            "optimizer[0].beta",
            &format!("expected a momentum β with 0 ≤ β < 1, {found}"),
            None,
        );
    }
    // 0 is allowed (plain gradient descent) and so is 0.999.
    parse(&with_optimizers(
        "[[optimizer]]\nkind = \"momentum\"\nlr = 0.1\nbeta = [0, 0.999]\n",
    ));
}

#[test]
fn beta_out_of_range_inside_a_sweep() {
    let src = with_optimizers(
        "[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n\n[[optimizer]]\nkind = \"nesterov\"\nlr = 0.1\nbeta = [0.5, 0.9, 1.0]\n",
    );
    let e = fail(&src);
    check(
        &e,
        loc(&src, "[0.5, 0.9, 1.0]"),
        "optimizer[1].beta",
        "found 1",
        Some("Nesterov momentum requires a momentum and zero dampening"),
    );
}

#[test]
fn adam_betas_and_eps_are_checked() {
    let src = with_optimizers("[[optimizer]]\nkind = \"adam\"\nlr = 0.1\nbeta2 = 1\n");
    check(
        &fail(&src),
        after(&src, "beta2 = "),
        "optimizer[0].beta2",
        "β₂ with 0 ≤ β₂ < 1",
        None,
    );
    let src = with_optimizers("[[optimizer]]\nkind = \"adam\"\nlr = 0.1\neps = 0\n");
    check(
        &fail(&src),
        after(&src, "eps = "),
        "optimizer[0].eps",
        "an epsilon > 0",
        None,
    );
    let src = with_optimizers("[[optimizer]]\nkind = \"rmsprop\"\nlr = 0.1\nalpha = 1\n");
    check(
        &fail(&src),
        after(&src, "alpha = "),
        "optimizer[0].alpha",
        "α with 0 ≤ α < 1",
        None,
    );
    let src = with_optimizers("[[optimizer]]\nkind = \"adagrad\"\nlr = 0.1\nlr_decay = -1\n");
    check(
        &fail(&src),
        after(&src, "lr_decay = "),
        "optimizer[0].lr_decay",
        "decay ≥ 0",
        None,
    );
}

#[test]
fn empty_sweep_is_an_error() {
    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = []\n");
    check(
        &fail(&src),
        loc(&src, "[]"),
        "optimizer[0].lr",
        "an empty sweep",
        None,
    );
}

#[test]
fn dampening_only_with_the_pytorch_form() {
    // The hint shows the form's own rule, which has no dampening (the ema form's already
    // weights the gradient by 1 − β).
    for (form, rule) in [
        ("ema", "v = β·v + (1 − β)·g"),
        ("velocity", "v = β·v − lr·g"),
    ] {
        let src = with_optimizers(&format!(
            "[[optimizer]]\nkind = \"momentum\"\nform = \"{form}\"\nlr = 0.1\ndampening = 0.1\n"
        ));
        let e = fail(&src);
        check(
            &e,
            after(&src, "dampening = "),
            "optimizer[0].dampening",
            &format!("`dampening` only applies to the \"pytorch\" form, not \"{form}\""),
            Some(&format!(
                "use form = \"pytorch\"; the \"{form}\" form's rule is {rule}"
            )),
        );
    }
    let src = with_optimizers("[[optimizer]]\nkind = \"momentum\"\nlr = 0.1\ndampening = 1.5\n");
    check(
        &fail(&src),
        after(&src, "dampening = "),
        "optimizer[0].dampening",
        "a dampening from 0 to 1",
        None,
    );
}

#[test]
fn keys_that_do_not_apply_to_the_kind() {
    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\nbeta = 0.9\n");
    check(
        &fail(&src),
        after(&src, "beta = "),
        "optimizer[0].beta",
        "`beta` does not apply to `gd`",
        Some("`gd` takes `lr`"),
    );
    // torch's SGD takes dampening = 0 with nesterov=True, and refuses any other.
    let src = with_optimizers("[[optimizer]]\nkind = \"nesterov\"\nlr = 0.1\ndampening = 0.1\n");
    check(
        &fail(&src),
        after(&src, "dampening = "),
        "optimizer[0].dampening",
        "expected a dampening equal to 0, found 0.1",
        Some("torch's SGD refuses nesterov=True with dampening"),
    );
    parse(&with_optimizers(
        "[[optimizer]]\nkind = \"nesterov\"\nlr = 0.1\ndampening = 0\n",
    ));
    let src = with_optimizers("[[optimizer]]\nkind = \"adam\"\nlr = 0.1\ndampening = 0.1\n");
    check(
        &fail(&src),
        after(&src, "dampening = "),
        "optimizer[0].dampening",
        "`dampening` does not apply to `adam`",
        Some("`adam` takes `lr`, `beta1`"),
    );
    let src = with_optimizers("[[optimizer]]\nkind = \"adam\"\nlr = 0.1\nform = \"ema\"\n");
    check(
        &fail(&src),
        loc(&src, "\"ema\""),
        "optimizer[0].form",
        "`form` does not apply to `adam`",
        Some("only `momentum` and `nesterov` have forms"),
    );
}

#[test]
fn steps_must_be_within_limits() {
    for (steps, col) in [("0", 9), ("10001", 9), ("-5", 9)] {
        let src = with_prefix(&format!("[output]\nsteps = {steps}\n"));
        check(
            &fail(&src),
            (2, col),
            "output.steps",
            &format!(
                "expected a number of steps from 1 to {}, found {steps}",
                limits::MAX_STEPS
            ),
            None,
        );
    }
}

#[test]
fn size_must_be_two_values_within_limits() {
    let src = with_prefix("[output]\nsize = [159, 480]\n");
    check(
        &fail(&src),
        (2, 9),
        "output.size",
        "expected a width from 160 to 4096 pixels, found 159",
        None,
    );
    let src = with_prefix("[output]\nsize = [640, 4097]\n");
    check(
        &fail(&src),
        (2, 14),
        "output.size",
        "expected a height from 160 to 4096 pixels, found 4097",
        None,
    );
    let src = with_prefix("[output]\nsize = [640]\n");
    check(
        &fail(&src),
        (2, 8),
        "output.size",
        "expected [width, height], found 1 value",
        None,
    );
    let src = with_prefix("[output]\nsize = [640, 480, 3]\n");
    check(&fail(&src), (2, 8), "output.size", "found 3 values", None);
}

#[test]
fn fps_and_hold_must_be_within_limits() {
    for fps in ["0", "0.4", "51", "-15"] {
        let src = with_prefix(&format!("[output]\nfps = {fps}\n"));
        check(
            &fail(&src),
            (2, 7),
            "output.fps",
            "expected a frame rate from 0.5 to 50",
            None,
        );
    }
    parse(&with_prefix("[output]\nfps = 0.5\n"));
    let src = with_prefix("[output]\nhold = -1\n");
    check(
        &fail(&src),
        (2, 8),
        "output.hold",
        "seconds from 0 to 30",
        None,
    );
    let src = with_prefix("[output]\nhold = 31\n");
    check(&fail(&src), (2, 8), "output.hold", "found 31", None);
}

#[test]
fn output_name_must_be_a_plain_file_name() {
    for name in ["../escape", ".hidden", "", "a b", "dir/file"] {
        let src = with_prefix(&format!("[output]\nname = \"{name}\"\n"));
        check(
            &fail(&src),
            (2, 8),
            "output.name",
            "is not a usable file name",
            Some("letters, digits"),
        );
    }
}

#[test]
fn draw_levels_and_scale_are_checked() {
    let src = with_prefix("[draw]\nlevels = 1\n");
    check(
        &fail(&src),
        (2, 10),
        "draw.levels",
        "expected a number of contour levels from 2 to 64, found 1",
        None,
    );
    let src = with_prefix("[draw]\nlevels = 65\n");
    check(&fail(&src), (2, 10), "draw.levels", "found 65", None);
    let src = with_prefix("[draw]\nscale = \"logarithmic\"\n");
    check(
        &fail(&src),
        (2, 9),
        "draw.scale",
        "unknown scale `logarithmic`",
        Some("\"linear\""),
    );
}

#[test]
fn window_min_must_be_below_max() {
    let src = with_surface("kind = \"quadratic\"\nx = [1, -1]\n");
    check(
        &fail(&src),
        loc(&src, "[1, -1]"),
        "surface.x",
        "expected a range [min, max] with min < max, found [1, -1]",
        Some("write [-1, 1]"),
    );
    let src = with_surface("kind = \"quadratic\"\ny = [2, 2]\n");
    check(
        &fail(&src),
        loc(&src, "[2, 2]"),
        "surface.y",
        "found [2, 2]",
        Some("write [2, 3]"),
    );
    let src = with_surface("kind = \"quadratic\"\ny = [2]\n");
    check(
        &fail(&src),
        loc(&src, "[2]"),
        "surface.y",
        "two finite numbers, found 1 value",
        None,
    );
}

#[test]
fn unknown_surface_kind_suggests_a_close_one() {
    let src = with_surface("kind = \"rosenbrok\"\n");
    check(
        &fail(&src),
        loc(&src, "\"rosenbrok\""),
        "surface.kind",
        "unknown surface kind `rosenbrok`",
        Some("did you mean `rosenbrock`?"),
    );
    let src = with_surface("kind = \"volcano\"\n");
    check(
        &fail(&src),
        loc(&src, "\"volcano\""),
        "surface.kind",
        "unknown surface kind `volcano`",
        Some("render --list"),
    );
}

#[test]
fn surface_parameters_are_checked_per_kind() {
    let src = with_surface("kind = \"bowl\"\na = 2\n");
    check(
        &fail(&src),
        after(&src, "a = "),
        "surface.a",
        "`a` does not apply to surface kind `bowl`",
        Some("`bowl` has no parameters"),
    );
    let src = with_surface("kind = \"rosenbrock\"\ntilt = 0.5\n");
    check(
        &fail(&src),
        after(&src, "tilt = "),
        "surface.tilt",
        "does not apply",
        Some("`rosenbrock` takes `a`, `b`"),
    );
    let src = with_surface("kind = \"quadratic\"\na = 0\n");
    check(
        &fail(&src),
        after(&src, "a = "),
        "surface.a",
        "expected a curvature > 0, found 0",
        None,
    );
    let src = with_surface("kind = \"multi_minima\"\ntilt = 1.5\n");
    check(
        &fail(&src),
        after(&src, "tilt = "),
        "surface.tilt",
        "|tilt| < 1.5",
        None,
    );
}

#[test]
fn unknown_optimizer_kind_suggests_a_close_one() {
    let src = with_optimizers("[[optimizer]]\nkind = \"momentun\"\nlr = 0.1\n");
    check(
        &fail(&src),
        loc(&src, "\"momentun\""),
        "optimizer[0].kind",
        "unknown optimizer kind `momentun`",
        Some("did you mean `momentum`?"),
    );
    let src = with_optimizers("[[optimizer]]\nkind = \"lbfgs\"\nlr = 0.1\n");
    check(
        &fail(&src),
        loc(&src, "\"lbfgs\""),
        "optimizer[0].kind",
        "unknown optimizer kind `lbfgs`",
        Some("gd, momentum, nesterov, adagrad, rmsprop, adam"),
    );
}

#[test]
fn unknown_form_suggests_or_lists_the_forms() {
    let src = with_optimizers("[[optimizer]]\nkind = \"momentum\"\nform = \"pytorh\"\nlr = 0.1\n");
    check(
        &fail(&src),
        loc(&src, "\"pytorh\""),
        "optimizer[0].form",
        "unknown form `pytorh` for `momentum`",
        Some("did you mean `pytorch`?"),
    );
    let src =
        with_optimizers("[[optimizer]]\nkind = \"nesterov\"\nform = \"velocity\"\nlr = 0.1\n");
    check(
        &fail(&src),
        loc(&src, "\"velocity\""),
        "optimizer[0].form",
        "unknown form `velocity` for `nesterov`",
        Some("\"pytorch\", \"lookahead\""),
    );
}

#[test]
fn surface_needs_exactly_one_of_kind_and_expr() {
    let src = with_surface("kind = \"quadratic\"\nexpr = \"x^2\"\n");
    check(
        &fail(&src),
        loc(&src, "\"x^2\""),
        "surface.expr",
        "either `kind` or `expr`, not both",
        Some("remove `kind = \"quadratic\"`"),
    );
    let src = with_surface("x = [-1, 1]\n");
    check(
        &fail(&src),
        (1, 1),
        "surface",
        "expected `kind` (a built-in surface) or `expr` (a formula)",
        Some("kind = \"rosenbrock\""),
    );
}

#[test]
fn missing_surface_table_is_an_error() {
    let src = "[[start]]\nat = [0, 0]\n[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n";
    check(
        &fail(src),
        (1, 1),
        "surface",
        "no [surface] table",
        Some("[surface]"),
    );
}

// Expressions: src/expr.rs has a real parser (Expr::parse), so these run against it.

#[test]
fn expression_error_points_inside_the_string() {
    let src = with_surface("expr = \"x + $\"\n");
    check(
        &fail(&src),
        loc(&src, "$"),
        "surface.expr",
        "unexpected character `$`",
        None,
    );
    let text = fail(&src).to_string();
    assert!(
        text.contains("expr = \"x + $\"\n  |             ^\n"),
        "{text}"
    );
}

#[test]
fn expression_operator_without_operand() {
    let src = with_surface("expr = \"x +* y\"\n");
    check(
        &fail(&src),
        loc(&src, "*"),
        "surface.expr",
        "expected a number, variable, function or `(`",
        Some("`*` needs an operand before it"),
    );
}

#[test]
fn expression_unclosed_parenthesis() {
    let src = with_surface("expr = \"(1 - x\"\n");
    let (line, col) = loc(&src, "x\"");
    check(
        &fail(&src),
        (line, col + 1),
        "surface.expr",
        "expected `)`",
        Some("the `(` at column 1 is not closed"),
    );
}

#[test]
fn expression_unknown_variable() {
    let src = with_surface("expr = \"x^2 + z\"\n");
    check(
        &fail(&src),
        loc(&src, "z"),
        "surface.expr",
        "unknown variable `z`",
        Some("the variables are `x` and `y`"),
    );
}

#[test]
fn expression_in_a_literal_string_is_located_too() {
    let src = with_surface("expr = 'x + $'\n");
    check(
        &fail(&src),
        loc(&src, "$"),
        "surface.expr",
        "unexpected character",
        None,
    );
}

#[test]
fn expression_with_escapes_points_at_the_whole_value() {
    let src = with_surface("expr = \"x\\t+ $\"\n");
    check(
        &fail(&src),
        loc(&src, "\"x"),
        "surface.expr",
        "unexpected character",
        None,
    );
}

#[test]
fn expression_surface_parses_with_minima() {
    let s = parse(&with_surface(
        "expr = \"(1 - x)^2 + 100*(y - x^2)^2\"\nminima = [[1, 1]]\nx = [-2, 2]\n",
    ));
    assert_eq!(s.surface_name, "expr");
    assert_eq!(s.view.window(), Window::new((-2.0, 2.0), (-3.0, 3.0)));
    match s.surface.downcast_ref::<Formula>() {
        Some(Formula {
            expr,
            minima,
            given,
            saddles,
        }) => {
            assert!(*given);
            assert!(saddles.is_empty());
            assert_eq!(minima, &vec![[1.0, 1.0]]);
            assert_eq!(expr.value(1.0, 1.0), 0.0);
            assert_eq!(expr.value(0.0, 0.0), 1.0);
        }
        None => panic!("expected a formula, got {:?}", s.surface),
    }
    let src = with_surface("expr = \"x^2\"\na = 1\n");
    check(
        &fail(&src),
        after(&src, "a = "),
        "surface.a",
        "does not apply to an `expr` surface",
        Some("`minima`"),
    );
}

/// Without `minima`, a formula's minima are found inside its window: the global ones first,
/// local ones after, saddles and maxima never, and none outside the window.
#[test]
fn a_formula_without_minima_has_them_found_in_its_window() {
    // (x² − 1)² + 0.5·x + y²: a deep well near x = −1.06, a shallow one near x = 0.93, a
    // saddle between them.
    let s = parse(&with_surface(
        "expr = \"(x^2 - 1)^2 + 0.5*x + y^2\"\nx = [-2, 2]\n",
    ));
    let minima = s.surface.minima();
    assert_eq!(minima.len(), 2, "{minima:?}");
    assert!(minima[0][0] < -1.0 && minima[1][0] > 0.9, "{minima:?}");
    for m in &minima {
        let g = s.surface.gradient(*m);
        assert!(g[0].abs() < 1e-12 && g[1].abs() < 1e-12, "{m:?}: {g:?}");
    }
    assert_eq!(s.surface.global_minimum_count(), 1);
    assert!(s.surface.is_global_minimum(0) && !s.surface.is_global_minimum(1));
    // A window that holds only the shallow well finds only it, and it is global there.
    let s = parse(&with_surface(
        "expr = \"(x^2 - 1)^2 + 0.5*x + y^2\"\nx = [0.5, 2]\ny = [-1, 1]\n",
    ));
    let minima = s.surface.minima();
    assert_eq!(minima.len(), 1, "{minima:?}");
    assert!(minima[0][0] > 0.9);
    // Equally deep minima are all global: x⁴ − 2x² + y² has two.
    let s = parse(&with_surface("expr = \"x^4 - 2*x^2 + y^2\"\nx = [-2, 2]\n"));
    assert_eq!(s.surface.minima().len(), 2);
    assert_eq!(s.surface.global_minimum_count(), 2);
    // A saddle has no minimum; neither has a valley of them (a singular Hessian).
    for expr in ["x^2 - y^2", "(x - y)^2"] {
        let s = parse(&with_surface(&format!("expr = \"{expr}\"\n")));
        assert!(
            s.surface.minima().is_empty(),
            "{expr}: {:?}",
            s.surface.minima()
        );
    }
}

// Linear regression.

#[test]
fn linear_regression_with_inline_data() {
    let s = parse(&with_surface(
        "kind = \"linear_regression\"\ndata = [[0, 1], [1, 3], [2, 5]]\n",
    ));
    match s.surface.downcast_ref::<LinearRegression>() {
        Some(lr) => {
            assert_eq!(lr.points, vec![[0.0, 1.0], [1.0, 3.0], [2.0, 5.0]]);
            assert!((lr.optimum[0] - 2.0).abs() < 1e-12 && (lr.optimum[1] - 1.0).abs() < 1e-12);
        }
        None => panic!("expected linear regression, got {:?}", s.surface),
    }
    // The default window is centred on the optimum (m, b) = (2, 1), at least ±3 wide.
    assert_eq!(s.view.window(), Window::new((-1.0, 5.0), (-2.0, 4.0)));
}

#[test]
fn linear_regression_without_data() {
    let src = with_surface("kind = \"linear_regression\"\n");
    check(
        &fail(&src),
        (1, 1),
        "surface",
        "a linear_regression surface needs `data` or `data_file`",
        Some("data_file = \"points.csv\""),
    );
}

#[test]
fn linear_regression_with_both_data_and_file() {
    let src = with_surface(
        "kind = \"linear_regression\"\ndata = [[0, 1], [1, 2]]\ndata_file = \"p.csv\"\n",
    );
    check(
        &fail(&src),
        loc(&src, "\"p.csv\""),
        "surface.data_file",
        "give either `data` or `data_file`, not both",
        None,
    );
}

#[test]
fn linear_regression_with_constant_x() {
    let src = with_surface("kind = \"linear_regression\"\ndata = [[1, 2], [1, 3], [1, 4]]\n");
    check(
        &fail(&src),
        loc(&src, "[[1, 2]"),
        "surface.data",
        "the data's x values do not vary",
        Some("at least two different x values"),
    );
    let src = with_surface("kind = \"linear_regression\"\ndata = [[1, 2]]\n");
    check(
        &fail(&src),
        loc(&src, "[[1, 2]"),
        "surface.data",
        "expected from 2 to 100000 data points, found 1",
        None,
    );
    let src = with_surface("kind = \"linear_regression\"\ndata = [[1, 2], [3]]\n");
    check(
        &fail(&src),
        loc(&src, "[3]"),
        "surface.data[1]",
        "a data point [x, y]",
        None,
    );
}

#[test]
fn linear_regression_data_file_is_relative_to_the_scene() {
    let dir = TempDir::new("data-file");
    let sub = dir.0.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(sub.join("points.csv"), "x,y\n0,1\n1,3\n2,5\n").unwrap();
    let scene = dir.write(
        "scene.toml",
        &with_surface("kind = \"linear_regression\"\ndata_file = \"sub/points.csv\"\n"),
    );
    let s = load(&scene).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.inputs, vec![dir.0.join("sub/points.csv")]);
    // The scene keeps the very bytes it was made from, the scene file first.
    let sources: Vec<(&Path, &[u8])> = s
        .sources
        .iter()
        .map(|src| (src.path.as_path(), &*src.bytes))
        .collect();
    assert_eq!(
        sources,
        [
            (scene.as_path(), std::fs::read(&scene).unwrap().as_slice()),
            (
                dir.0.join("sub/points.csv").as_path(),
                b"x,y\n0,1\n1,3\n2,5\n".as_slice()
            ),
        ]
    );
    assert_eq!(
        s.surface.data_points(),
        Some(&[[0.0, 1.0], [1.0, 3.0], [2.0, 5.0]][..]),
        "{:?}",
        s.surface
    );
    assert_eq!(s.output.name, "scene");
}

#[test]
fn linear_regression_missing_data_file() {
    let dir = TempDir::new("missing-data");
    let src = with_surface("kind = \"linear_regression\"\ndata_file = \"nope.csv\"\n");
    let scene = dir.write("scene.toml", &src);
    let e = load(&scene).unwrap_err();
    assert_eq!(e.path, scene);
    assert_eq!((e.line, e.column), loc(&src, "\"nope.csv\""), "{e}");
    assert_eq!(e.key, "surface.data_file");
    let expected_path = dir.0.join("nope.csv");
    assert!(
        e.message
            .contains(&format!("cannot read `{}`", expected_path.display())),
        "the message should name the resolved path:\n{e}"
    );
    assert_eq!(
        e.hint.as_deref(),
        Some("the path is relative to the scene file's folder")
    );
}

#[test]
fn linear_regression_malformed_csv_row_names_the_csv_file_and_line() {
    let dir = TempDir::new("bad-csv");
    let csv = dir.write("points.csv", "x,y\n0,1\n\n1,oops\n2,5\n");
    let scene = dir.write(
        "scene.toml",
        &with_surface("kind = \"linear_regression\"\ndata_file = \"points.csv\"\n"),
    );
    let e = load(&scene).unwrap_err();
    assert_eq!(e.path, csv, "{e}");
    assert_eq!((e.line, e.column), (4, 1), "{e}");
    assert!(
        e.message
            .contains("expected a row `x,y` of two finite numbers, found `1,oops`"),
        "{e}"
    );
    let text = e.to_string();
    assert!(
        text.starts_with(&format!("{}:4:1: ", csv.display())),
        "{text}"
    );
    assert!(text.contains("4 | 1,oops\n"), "{text}");
}

#[test]
fn linear_regression_data_file_with_constant_x() {
    let dir = TempDir::new("const-x");
    dir.write("points.csv", "1,2\n1,3\n");
    let src = with_surface("kind = \"linear_regression\"\ndata_file = \"points.csv\"\n");
    let scene = dir.write("scene.toml", &src);
    let e = load(&scene).unwrap_err();
    assert_eq!((e.line, e.column), loc(&src, "\"points.csv\""), "{e}");
    assert!(e.message.contains("x values do not vary"), "{e}");
    assert!(e.hint.is_some(), "{e}");
}

/// The error points at `data_file = ...`, so its key should say `surface.data_file`.
#[test]
fn constant_x_in_a_data_file_names_the_data_file_key() {
    let dir = TempDir::new("const-x-key");
    dir.write("points.csv", "1,2\n1,3\n");
    let scene = dir.write(
        "scene.toml",
        &with_surface("kind = \"linear_regression\"\ndata_file = \"points.csv\"\n"),
    );
    let e = load(&scene).unwrap_err();
    assert_eq!(e.key, "surface.data_file", "{e}");
}

#[test]
fn sweep_beyond_the_run_limit() {
    let src = with_optimizers(
        "[[optimizer]]\nkind = \"momentum\"\nlr = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09]\nbeta = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]\n",
    );
    check(
        &fail(&src),
        loc(&src, "[[optimizer]]"),
        "optimizer[0]",
        "the sweeps expand to 72 runs in all, more than the limit of 64",
        Some("shorten the sweep lists"),
    );
    // 64 runs in the first entry, then one more: the second entry is the one reported.
    let src = with_optimizers(
        "[[optimizer]]\nkind = \"momentum\"\nlr = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08]\nbeta = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]\n\n[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n",
    );
    check(
        &fail(&src),
        loc_nth(&src, "[[optimizer]]", 1),
        "optimizer[1]",
        "65 runs",
        Some("split the scene"),
    );
    // Start points multiply too: 2 starts × 33 values = 66.
    let values: Vec<String> = (1..=33).map(|i| format!("{}", i as f64 / 100.0)).collect();
    let src = with_optimizers(&format!(
        "[[optimizer]]\nkind = \"gd\"\nlr = [{}]\n",
        values.join(", ")
    ))
    .replace(
        "at = [2.5, -2.0]\n",
        "at = [2.5, -2.0]\n[[start]]\nat = [1, 1]\n",
    );
    check(
        &fail(&src),
        loc(&src, "[[optimizer]]"),
        "optimizer[0]",
        "66 runs",
        Some("shorten"),
    );
}

#[test]
fn unknown_label_placeholder() {
    let src = with_optimizers(
        "[[optimizer]]\nlabel = \"Momentum γ={gamma}\"\nkind = \"momentum\"\nlr = 0.1\n",
    );
    check(
        &fail(&src),
        loc(&src, "\"Momentum"),
        "optimizer[0].label",
        "unknown placeholder `{gamma}`",
        Some(
            "{beta}, {dampening}, {form}, {kind}, {lr}, {run}, {schedule}, {start}, {weight_decay}",
        ),
    );
    // A key of another kind is unknown to this entry.
    let src = with_optimizers("[[optimizer]]\nlabel = \"GD β={beta}\"\nkind = \"gd\"\nlr = 0.1\n");
    check(
        &fail(&src),
        loc(&src, "\"GD"),
        "optimizer[0].label",
        "unknown placeholder `{beta}`",
        Some("{lr}"),
    );
}

#[test]
fn no_start_point() {
    let src = "[surface]\nkind = \"quadratic\"\n\n[[optimizer]]\nkind = \"gd\"\nlr = 0.1";
    let e = fail(src);
    check(
        &e,
        (6, 9),
        "start",
        "no start point",
        Some("[[start]]\nat = [2.5, -2.0]"),
    );
}

#[test]
fn no_optimizer() {
    let src = "[surface]\nkind = \"quadratic\"\n\n[[start]]\nat = [1, 1]";
    let e = fail(src);
    check(
        &e,
        (5, 12),
        "optimizer",
        "no optimizer",
        Some("[[optimizer]]\nkind = \"gd\""),
    );
}

#[test]
fn start_point_must_be_a_pair() {
    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n")
        .replace("at = [2.5, -2.0]", "at = [2.5, -2.0, 1]");
    check(
        &fail(&src),
        loc(&src, "[2.5, -2.0, 1]"),
        "start[0].at",
        "expected a start point [x, y]: two finite numbers, found 3 values",
        None,
    );
}

#[test]
fn start_outside_the_window_is_a_warning() {
    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n").replace(
        "at = [2.5, -2.0]\n",
        "at = [2.5, -2.0]\n[[start]]\nat = [4.0, 0.0]\n[[start]]\nat = [3.0, -3.0]\n",
    );
    let s = parse(&src);
    assert_eq!(s.runs.len(), 3);
    assert_eq!(s.runs[1].start, [4.0, 0.0]);
    // One warning: (3, -3) is on the window's edge, which counts as inside.
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    let w = &s.warnings[0];
    assert_eq!((w.line, w.column), loc(&src, "[4.0, 0.0]"));
    assert_eq!(w.key, "start[1].at");
    assert!(w.message.contains("outside the view window"), "{w}");
    assert!(w.hint.as_deref().unwrap_or("").contains("surface.x"), "{w}");
}

#[test]
fn noise_is_checked() {
    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\nnoise = { std = -1 }\n");
    check(
        &fail(&src),
        after(&src, "std = "),
        "optimizer[0].noise.std",
        "a standard deviation ≥ 0",
        None,
    );
    let src =
        with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\nnoise = { std = 1, seed = -3 }\n");
    check(
        &fail(&src),
        after(&src, "seed = "),
        "optimizer[0].noise.seed",
        "expected a seed ≥ 0, found -3",
        None,
    );
}

#[test]
fn error_display_has_location_caret_and_hint() {
    let src = with_optimizers("[[optimizer]]\nkind = \"momentum\"\nlr = 0.1\nbeta = 1.0\n");
    let e = fail(&src);
    let (line, col) = after(&src, "beta = ");
    let gutter = " ".repeat(line.to_string().len());
    assert_eq!(
        e.to_string(),
        format!(
            "t.toml:{line}:{col}: `optimizer[0].beta`: expected a momentum β with 0 ≤ β < 1, found 1\n\
             {gutter} |\n{line} | beta = 1.0\n{gutter} | {}^^^\n",
            " ".repeat(col - 1)
        )
    );
    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\nbta = 1.0\n");
    assert!(fail(&src)
        .to_string()
        .ends_with("\nhint: did you mean `beta`?\n"));
}

#[test]
fn load_reports_an_unreadable_scene_file() {
    let dir = TempDir::new("unreadable");
    let path = dir.0.join("absent.toml");
    let e = load(&path).unwrap_err();
    assert_eq!(e.path, path);
    assert_eq!((e.line, e.column), (1, 1));
    assert!(e.message.contains("cannot read the scene file"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// A.4 parse_points_csv
// ---------------------------------------------------------------------------------------------

#[test]
fn csv_header_row_is_skipped() {
    let p = parse_points_csv(Path::new("p.csv"), "x,y\n1,2\n3.5,-4e-1\n", None).unwrap();
    assert_eq!(p, vec![[1.0, 2.0], [3.5, -0.4]]);
    let p = parse_points_csv(Path::new("p.csv"), "1,2\n3,4", None).unwrap();
    assert_eq!(p, vec![[1.0, 2.0], [3.0, 4.0]]);
}

#[test]
fn csv_comments_blank_lines_spaces_and_crlf_are_skipped() {
    let text = "x, y\r\n# a comment\r\n\r\n 1 , 2 \r\n   \r\n  # indented comment\r\n3,4\r\n";
    let p = parse_points_csv(Path::new("p.csv"), text, None).unwrap();
    assert_eq!(p, vec![[1.0, 2.0], [3.0, 4.0]]);
}

/// "A first row that is not numeric is a header. Blank lines and `#` comments are skipped": a
/// header after a leading comment or blank line is still the first row.
#[test]
fn csv_header_after_a_leading_comment_is_skipped() {
    let text = "# measurements, 2024\nx,y\n1,2\n3,4\n";
    let p = parse_points_csv(Path::new("p.csv"), text, None);
    assert_eq!(
        p.map_err(|e| e.to_string()),
        Ok(vec![[1.0, 2.0], [3.0, 4.0]])
    );
    let text = "\nx,y\n1,2\n3,4\n";
    let p = parse_points_csv(Path::new("p.csv"), text, None);
    assert_eq!(
        p.map_err(|e| e.to_string()),
        Ok(vec![[1.0, 2.0], [3.0, 4.0]])
    );
}

#[test]
fn csv_bad_rows_are_located() {
    for (text, line, row) in [
        ("x,y\n1,2\nfoo,bar\n", 3, "foo,bar"),
        ("1,2\n3,4,5\n", 2, "3,4,5"),
        ("1,2\n# c\n7\n", 3, "7"),
        ("1,2\n3,inf\n", 2, "3,inf"),
        ("1,2\nNaN,1\n", 2, "NaN,1"),
        ("1,x\n", 1, "1,x"),
    ] {
        let e = parse_points_csv(Path::new("data/p.csv"), text, None).unwrap_err();
        assert_eq!(e.path, Path::new("data/p.csv"));
        assert_eq!((e.line, e.column), (line, 1), "{text:?}: {e}");
        assert!(
            e.message.contains(&format!("found `{row}`")),
            "{text:?}: {e}"
        );
    }
}

#[test]
fn non_finite_pair_is_not_reported_as_a_wrong_count() {
    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n")
        .replace("at = [2.5, -2.0]", "at = [inf, 0.0]");
    let e = fail(&src);
    assert_eq!((e.line, e.column), after(&src, "at = "), "{e}");
    assert_eq!(e.key, "start[0].at");
    assert!(!e.message.contains("found 2 values"), "{e}");
    let src = with_surface("kind = \"quadratic\"\nx = [nan, 1]\n");
    let e = fail(&src);
    assert_eq!(e.key, "surface.x");
    assert!(!e.message.contains("found 2 values"), "{e}");
}

#[test]
fn a_default_window_grows_to_hold_the_start_points_but_a_set_one_does_not() {
    let base = "[surface]\nkind = \"quadratic\"\n[[start]]\nat = [5.0, -0.5]\n[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n";
    let s = Scene::from_toml(Path::new("t.toml"), base).unwrap();
    // [-3, 3] grows on the right to hold x = 5 with a 5 % margin; y is untouched.
    assert!(
        s.view.window().x.1 > 5.0 && s.view.window().x.0 == -3.0,
        "{:?}",
        s.view.window()
    );
    let margin = s.view.window().x.1 - 5.0;
    assert!(
        (margin - 0.05 * (5.0 - -3.0)).abs() < 1e-9,
        "{:?}",
        s.view.window()
    );
    assert_eq!(s.view.window().y, (-3.0, 3.0));
    assert!(s.warnings.is_empty());
    let set = base.replace(
        "kind = \"quadratic\"\n",
        "kind = \"quadratic\"\nx = [-3, 3]\n",
    );
    let s = Scene::from_toml(Path::new("t.toml"), &set).unwrap();
    assert_eq!(s.view.window().x, (-3.0, 3.0));
    assert_eq!(s.warnings.len(), 1);
}

#[test]
fn keys_of_errors_inside_lists_and_of_unknown_tables() {
    let src = with_prefix("[output]\nsize = [640.5, 480]\n");
    assert_eq!(fail(&src).key, "output.size");
    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n\n[colors]\nrun = 1\n");
    assert_eq!(fail(&src).key, "colors");
    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\nnoise = { std = \"x\" }\n");
    assert_eq!(fail(&src).key, "optimizer[0].noise.std");
}

// ---------------------------------------------------------------------------------------------
// Small multiples
// ---------------------------------------------------------------------------------------------

#[test]
fn settings_group_the_runs_of_each_sweep_value_across_start_points() {
    let src = format!(
        "[draw]\npanels = \"sweep\"\n{}",
        with_optimizers(
            "[[start]]\nat = [1.0, 1.0]\n\n[[optimizer]]\nkind = \"gd\"\nlr = 0.05\n\n\
             [[optimizer]]\nkind = \"momentum\"\nlr = 0.02\nbeta = [0.5, 0.9]\n\n\
             [[optimizer]]\nlabel = \"NAG {beta} from {start}\"\nkind = \"nesterov\"\n\
             lr = 0.02\nbeta = 0.8\n"
        )
    );
    let s = parse(&src);
    assert_eq!(s.draw.panels, Panels::Sweep);
    assert_eq!(s.runs.len(), 8);
    let labels: Vec<&str> = s.settings.iter().map(|t| t.label.as_str()).collect();
    // Several entries: the kind names the setting; a `{start}` placeholder is left out.
    assert_eq!(
        labels,
        ["GD", "Momentum β=0.5", "Momentum β=0.9", "NAG 0.8"]
    );
    let groups: Vec<Vec<usize>> = s.settings.iter().map(|t| t.runs.clone()).collect();
    assert_eq!(groups, [vec![0, 1], vec![2, 3], vec![4, 5], vec![6, 7]]);
    for t in &s.settings {
        let first = &s.runs[t.runs[0]];
        let second = &s.runs[t.runs[1]];
        assert_eq!(first.optimizer, second.optimizer);
        assert_eq!((first.start, second.start), ([2.5, -2.0], [1.0, 1.0]));
    }
    // One entry: the swept values alone tell the panels apart.
    let s = parse(&with_optimizers(
        "[[optimizer]]\nkind = \"momentum\"\nlr = [0.01, 0.02]\nbeta = [0.0, 0.9]\n",
    ));
    let labels: Vec<&str> = s.settings.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "lr=0.01 β=0",
            "lr=0.01 β=0.9",
            "lr=0.02 β=0",
            "lr=0.02 β=0.9"
        ]
    );
    assert_eq!(s.draw.panels, Panels::Single, "one plot by default");
}

#[test]
fn an_unknown_panels_value_is_located_with_a_suggestion() {
    let src = with_prefix("[draw]\npanels = \"swep\"\n\n");
    check(
        &fail(&src),
        loc(&src, "\"swep\""),
        "draw.panels",
        "unknown panels value `swep`",
        Some("did you mean `sweep`?"),
    );
    let src = with_prefix("[draw]\npanels = \"mosaic\"\n\n");
    check(
        &fail(&src),
        loc(&src, "\"mosaic\""),
        "draw.panels",
        "unknown panels value `mosaic`",
        Some("use \"single\", \"sweep\""),
    );
}

#[test]
fn more_settings_than_panels_allow_is_refused_at_the_panels_key() {
    let too_many = format!(
        "[draw]\npanels = \"sweep\"\n{}",
        with_optimizers(
            "[[optimizer]]\nkind = \"momentum\"\nlr = [0.01, 0.02, 0.03, 0.04, 0.05]\n\
             beta = [0.0, 0.3, 0.6, 0.9]\n"
        )
    );
    check(
        &fail(&too_many),
        loc(&too_many, "\"sweep\""),
        "draw.panels",
        "the optimizers make 20 settings, more panels than the limit of 16",
        Some("panels = \"single\""),
    );
    // The same sweep in one plot is fine, and 16 settings still make panels.
    parse(&too_many.replace("panels = \"sweep\"", "panels = \"single\""));
    parse(&too_many.replace(", 0.05]", "]"));
}

#[test]
fn aspect_is_equal_by_default_fill_on_request_and_checked() {
    // Undistorted geometry by default: a κ = 100 ravine looks like one.
    assert_eq!(parse(&with_prefix("")).draw.aspect, Aspect::Equal);
    let s = parse(&with_prefix("[draw]\naspect = \"fill\"\n\n"));
    assert_eq!(s.draw.aspect, Aspect::Fill);
    let src = with_prefix("[draw]\naspect = \"eqaul\"\n\n");
    check(
        &fail(&src),
        loc(&src, "\"eqaul\""),
        "draw.aspect",
        "unknown aspect `eqaul`",
        Some("did you mean `equal`?"),
    );
}

#[test]
fn start_panels_hold_at_most_sixteen_start_points() {
    let starts: String = (0..17)
        .map(|i| format!("[[start]]\nat = [{}, 0.5]\n", f64::from(i) * 0.1))
        .collect();
    let src = format!(
        "[draw]\npanels = \"start\"\n[surface]\nkind = \"bowl\"\n{starts}\
         [[optimizer]]\nkind = \"gd\"\nlr = 0.1\n"
    );
    check(
        &fail(&src),
        loc(&src, "\"start\""),
        "draw.panels",
        "the scene has 17 start points, more panels than the limit of 16",
        Some("use fewer start points"),
    );
    let fewer = src.replacen("[[start]]\nat = [0, 0.5]\n", "", 1);
    assert_eq!(parse(&fewer).draw.panels, Panels::Start);
}

#[test]
fn with_start_panels_a_setting_has_one_colour_and_one_legend_row() {
    let src = format!(
        "[draw]\npanels = \"start\"\n{}",
        with_optimizers(
            "[[start]]\nat = [1.0, 1.0]\n\n[[optimizer]]\nlabel = \"GD from {start}\"\n\
             kind = \"gd\"\nlr = 0.05\n\n[[optimizer]]\nkind = \"momentum\"\nlr = 0.02\nbeta = 0.9\n"
        )
    );
    let s = parse(&src);
    // Runs: GD from each start, then momentum from each start.
    let slots: Vec<usize> = (0..4).map(|r| s.colour_slot(r)).collect();
    assert_eq!(slots, [0, 0, 1, 1]);
    let legend: Vec<Option<&str>> = (0..4).map(|r| s.legend_label(r)).collect();
    assert_eq!(legend, [Some("GD"), None, Some("Momentum"), None]);
    // Other layouts: every run its own colour and row.
    let single = parse(&src.replace("panels = \"start\"", "panels = \"sweep\""));
    assert_eq!(
        (0..4).map(|r| single.colour_slot(r)).collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
    assert_eq!(single.legend_label(1), Some("GD from (1, 1)"));
}

// ---------------------------------------------------------------------------------------------
// The declarations drive the checker
// ---------------------------------------------------------------------------------------------

#[test]
fn every_independent_error_is_collected_in_file_order() {
    let src = "colour = 1\n[output]\nfps = \"fast\"\n[draw]\nlevels = 100\n\
               [surface]\nkind = \"quadratic\"\n[[start]]\nat = [1, 1]\n\
               [[optimizer]]\nkind = \"momentum\"\nlr = 0.1\nbeta = 2\n\
               [[optimizer]]\nkind = \"lbfgs\"\nlr = 0.1\n";
    let errors = Scene::check(Path::new("t.toml"), src).unwrap_err();
    let got: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.key.as_str())).collect();
    assert_eq!(
        got,
        [
            (1, "colour"),
            (3, "output.fps"),
            (5, "draw.levels"),
            (13, "optimizer[0].beta"),
            (15, "optimizer[1].kind"),
        ],
        "{errors:#?}"
    );
    // from_toml reports the first of them.
    assert_eq!(fail(src), errors[0]);
}

#[test]
fn a_check_that_depends_on_a_wrong_value_is_skipped() {
    // The surface kind is unknown: its keys cannot be checked, but a key no kind has is still
    // a typo, and the optimizers are checked all the same.
    let src = "[surface]\nkind = \"volcano\"\nangl = 30\n[[start]]\nat = [1, 1]\n\
               [[optimizer]]\nkind = \"gd\"\nlr = -1\n";
    let errors = Scene::check(Path::new("t.toml"), src).unwrap_err();
    let got: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        got,
        ["surface.kind", "surface.angl", "optimizer[0].lr"],
        "{errors:#?}"
    );
    assert_eq!(errors[1].hint.as_deref(), Some("did you mean `angle`?"));
}

#[test]
fn values_of_the_wrong_type_name_what_was_expected() {
    let src = with_prefix("[output]\nfps = 1979-05-27\n");
    check(
        &fail(&src),
        (2, 7),
        "output.fps",
        "expected a number, found `1979-05-27`",
        None,
    );
    let src = with_surface("kind = 5\n");
    check(
        &fail(&src),
        loc(&src, "5"),
        "surface.kind",
        "expected text, found `5`",
        Some("in quotes"),
    );
    let src = with_prefix("[draw]\ncharts = \"loss\"\n");
    check(
        &fail(&src),
        loc(&src, "\"loss\""),
        "draw.charts",
        "expected a list of charts, found `\"loss\"`",
        Some("[\"loss\"]"),
    );
    let src = with_prefix("output = 3\n");
    check(
        &fail(&src),
        loc(&src, "3"),
        "output",
        "expected a table, found `3`",
        Some("[output]"),
    );
    let src = with_optimizers("[[optimizer]]\nkind = \"gd\"\nlr = 0.1\nnoise = 1\n");
    check(
        &fail(&src),
        after(&src, "noise = "),
        "optimizer[0].noise",
        "expected a table, found `1`",
        Some("noise = { ... }"),
    );
}

/// A value just outside `range` on each bounded side.
fn outside(range: crate::keys::Range) -> Vec<f64> {
    use crate::keys::Bound;
    let mut out = Vec::new();
    match range.min {
        Bound::Exclusive(a) => out.push(a),
        Bound::Inclusive(a) => out.push(a - 1.0),
        Bound::Open => {}
    }
    match range.max {
        Bound::Exclusive(b) => out.push(b),
        Bound::Inclusive(b) => out.push(b + 1.0),
        Bound::Open => {}
    }
    out
}

/// Every bound declared on a surface or optimizer key is enforced, at the key, in the words the
/// declaration gives.
#[test]
fn every_declared_bound_of_a_kind_is_enforced() {
    let mut checked = 0;
    for kind in crate::optimizer::OPTIMIZER_KINDS {
        for key in kind.keys {
            for bad in outside(key.range()) {
                let mut body = format!("[[optimizer]]\nkind = \"{}\"\n", kind.name);
                if key.name != "lr" {
                    body.push_str("lr = 0.1\n");
                }
                body.push_str(&format!("{} = {bad}\n", key.name));
                let src = with_optimizers(&body);
                let e = fail(&src);
                let at = format!("optimizer[0].{}", key.name);
                let (line, column) = loc(&src, &format!("{} = {bad}\n", key.name));
                check(
                    &e,
                    (line, column + key.name.len() + 3),
                    &at,
                    &format!("expected {}, found", key.expected()),
                    (!key.why.is_empty()).then_some(key.why),
                );
                checked += 1;
            }
        }
    }
    for kind in crate::surface::SURFACE_KINDS {
        for key in kind.keys {
            for bad in outside(key.range()) {
                let src =
                    with_surface(&format!("kind = \"{}\"\n{} = {bad}\n", kind.name, key.name));
                let e = fail(&src);
                let (line, column) = loc(&src, &format!("{} = {bad}\n", key.name));
                check(
                    &e,
                    (line, column + key.name.len() + 3),
                    &format!("surface.{}", key.name),
                    &format!("expected {}, found", key.expected()),
                    None,
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 15, "only {checked} bounds");
}

/// Every declared default lies within the key's own range, and every key a kind declares is
/// accepted at its default written out.
#[test]
fn declared_defaults_are_valid_values() {
    use crate::keys::Absent;
    for kind in crate::optimizer::OPTIMIZER_KINDS {
        let mut body = format!("[[optimizer]]\nkind = \"{}\"\n", kind.name);
        for key in kind.keys {
            match key.absent {
                Absent::Number(d) => {
                    assert!(key.range().contains(d), "{}.{}", kind.name, key.name);
                    body.push_str(&format!("{} = {}\n", key.name, crate::keys::number_text(d)));
                }
                Absent::Required => body.push_str(&format!("{} = {}\n", key.name, key.example)),
                Absent::Bool(b) => body.push_str(&format!("{} = {b}\n", key.name)),
                other => panic!("{}.{}: {other:?}", kind.name, key.name),
            }
        }
        let s = parse(&with_optimizers(&body));
        let written = s.runs[0].optimizer;
        // The learning rate as written above when it is required, else its default too.
        let lr = match kind.keys[0].absent {
            Absent::Required => format!("lr = {}\n", kind.keys[0].example),
            _ => String::new(),
        };
        let defaulted = parse(&with_optimizers(&format!(
            "[[optimizer]]\nkind = \"{}\"\n{lr}",
            kind.name
        )))
        .runs[0]
            .optimizer;
        assert_eq!(written, defaulted, "{}", kind.name);
    }
    for key in tables::OUTPUT_KEYS
        .iter()
        .chain(tables::DRAW_KEYS)
        .chain(tables::NOISE_KEYS)
        .chain(crate::surface::SURFACE_KINDS.iter().flat_map(|k| k.keys))
    {
        match key.absent {
            Absent::Number(d) => assert!(key.range().contains(d), "{}", key.name),
            Absent::Whole(d) => assert!(key.range().contains(d as f64), "{}", key.name),
            _ => {}
        }
    }
}

#[test]
fn settings_know_their_entry_and_swept_values() {
    let s = parse(&with_optimizers(
        "[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n\n\
         [[optimizer]]\nkind = \"momentum\"\nlr = [0.01, 0.02]\nbeta = [0.5, 0.9]\n",
    ));
    let got: Vec<(usize, Vec<(&str, f64)>)> = s
        .settings
        .iter()
        .map(|t| (t.entry, t.swept.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (0, vec![]),
            (1, vec![("lr", 0.01), ("beta", 0.5)]),
            (1, vec![("lr", 0.01), ("beta", 0.9)]),
            (1, vec![("lr", 0.02), ("beta", 0.5)]),
            (1, vec![("lr", 0.02), ("beta", 0.9)]),
        ]
    );
    // A one-value list is a sweep of one; a plain number is not swept.
    let s = parse(&with_optimizers(
        "[[optimizer]]\nkind = \"momentum\"\nlr = 0.1\nbeta = [0.9]\n",
    ));
    assert_eq!(s.settings[0].swept, vec![("beta", 0.9)]);
}

#[test]
fn numbers_beyond_64_bits_are_located() {
    let src = with_prefix("[output]\nsteps = 99999999999999999999\n");
    let e = fail(&src);
    assert_eq!(
        (e.line, e.column, e.key.as_str()),
        (2, 9, "output.steps"),
        "{e}"
    );
    assert!(e.message.contains("out of range"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Fonts: text the embedded font cannot draw, and `draw.font`
// ---------------------------------------------------------------------------------------------

/// A scene in `dir` with `title`, `label` on its GD entry and `draw` as its `[draw]` body.
fn font_scene(title: &str, label: &str, draw: &str) -> String {
    format!(
        "title = \"{title}\"\n[draw]\n{draw}\n{}",
        with_optimizers(&format!(
            "[[optimizer]]\nlabel = \"{label}\"\nkind = \"gd\"\nlr = 0.05\n"
        ))
    )
}

/// The fonts folder of the shipped scenes.
fn shipped_fonts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes/fonts")
}

#[test]
fn text_the_embedded_font_lacks_is_an_error_naming_the_characters() {
    let src = font_scene("梯度 descent", "GD", "");
    let e = fail(&src);
    check(
        &e,
        after(&src, "title = "),
        "title",
        "the embedded font has no glyphs for 梯 (U+68AF), 度 (U+5EA6)",
        Some("set `draw.font`"),
    );
    // Labels too, at their own key; every such text is reported.
    let src = font_scene("梯度", "动量", "");
    let errors = Scene::check(Path::new("t.toml"), &src).unwrap_err();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[1].key, "optimizer[0].label");
    assert!(errors[1].message.contains("动 (U+52A8), 量 (U+91CF)"));
    // What the embedded font has (Greek, subscripts, a true minus) is fine.
    parse(&font_scene("x² − y², β₁ and ∇f", "GD", ""));
}

#[test]
fn a_scene_font_draws_what_the_embedded_font_lacks() {
    let dir = TempDir::new("font");
    let font = std::fs::read(shipped_fonts().join("wqy-microhei-subset.ttf")).unwrap();
    std::fs::create_dir_all(dir.0.join("fonts")).unwrap();
    std::fs::write(dir.0.join("fonts/zh.ttf"), &font).unwrap();
    let path = dir.write(
        "s.toml",
        &font_scene("梯度下降", "动量", "font = \"fonts/zh.ttf\""),
    );
    let s = crate::scene::load(&path).unwrap();
    let f = s.draw.font.as_ref().expect("the font");
    assert_eq!(f.path, dir.0.join("fonts/zh.ttf"));
    // The font's bytes are among the scene's sources (the manifest hashes them).
    assert!(s
        .sources
        .iter()
        .any(|src| src.path == f.path && *src.bytes == *font));
    // A character neither font has is still an error, naming the scene's font.
    let path = dir.write(
        "t.toml",
        &font_scene("梯度下降 🙂", "GD", "font = \"fonts/zh.ttf\""),
    );
    let e = crate::scene::load(&path).unwrap_err();
    assert_eq!(e.key, "title");
    assert!(
        e.message.contains("nor the embedded font") && e.message.contains("🙂 (U+1F642)"),
        "{e}"
    );
}

#[test]
fn a_font_that_cannot_be_read_is_an_error_at_its_key() {
    let dir = TempDir::new("bad-font");
    let path = dir.write("s.toml", &font_scene("T", "GD", "font = \"missing.otf\""));
    let e = crate::scene::load(&path).unwrap_err();
    assert_eq!(e.key, "draw.font");
    assert!(e.message.contains("cannot read"), "{e}");
    assert_eq!(
        e.hint.as_deref(),
        Some("the path is relative to the scene file's folder")
    );
    dir.write("not-a-font.ttf", "this is text, not a font");
    let path = dir.write(
        "t.toml",
        &font_scene("T", "GD", "font = \"not-a-font.ttf\""),
    );
    let e = crate::scene::load(&path).unwrap_err();
    assert_eq!(e.key, "draw.font");
    assert!(e.message.contains("not a font file"), "{e}");
}

/// A collection (TTC) gives its first face.
#[test]
fn a_font_collection_gives_its_first_face() {
    let ttc = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fonts/two-faces.ttc");
    let dir = TempDir::new("ttc");
    std::fs::copy(&ttc, dir.0.join("two.ttc")).unwrap();
    let path = dir.write("s.toml", &font_scene("梯度", "GD", "font = \"two.ttc\""));
    let s = crate::scene::load(&path).unwrap();
    assert!(s.draw.font.as_ref().unwrap().font.has_glyph('梯'));
    let bytes = std::fs::read(&ttc).unwrap();
    let second = crate::text::Font::from_bytes(&bytes, 1).unwrap();
    assert!(second.has_glyph('7') && !second.has_glyph('梯'));
    assert_eq!(
        crate::text::Font::from_bytes(&bytes, 2).unwrap_err(),
        crate::text::FontError::NoSuchFace(2)
    );
}

/// The TOML slips a newcomer makes most are answered with what to write, in the scene's terms.
#[test]
fn toml_slips_say_what_to_write() {
    let e = fail("[surface]\nkind = quadratic\n");
    assert_eq!((e.line, e.column), (2, 8));
    assert!(e.message.contains("written in quotes"), "{e}");
    assert_eq!(e.hint.as_deref(), Some("write kind = \"quadratic\""));
    let e = fail("[output]\nsteps 20\n");
    assert!(e.message.contains("followed by `=`"), "{e}");
    let e = fail("title = \"a\"\ntitle = \"b\"\n");
    assert!(e.message.contains("once per table"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// Output formats, the poster step and sliders
// ---------------------------------------------------------------------------------------------

#[test]
fn formats_default_to_the_animation_stills_data_and_player() {
    let s = parse(&with_prefix(""));
    assert_eq!(
        s.output.formats,
        [
            Format::Gif,
            Format::Png,
            Format::Svg,
            Format::Csv,
            Format::Html
        ]
    );
    assert!(!s.output.writes(Format::Pdf) && !s.output.writes(Format::Frames));
    let s = parse(&with_prefix(
        "[output]\nformats = [\"pdf\", \"frames\", \"pdf\"]\n\n",
    ));
    assert_eq!(s.output.formats, [Format::Pdf, Format::Frames]);
}

#[test]
fn an_unknown_format_is_located_with_a_suggestion() {
    let src = with_prefix("[output]\nformats = [\"gif\", \"pfd\"]\n\n");
    check(
        &fail(&src),
        loc(&src, "\"pfd\""),
        "output.formats",
        "unknown format `pfd`",
        Some("did you mean `pdf`?"),
    );
    let src = with_prefix("[output]\nformats = \"gif\"\n\n");
    check(
        &fail(&src),
        loc(&src, "\"gif\""),
        "output.formats",
        "expected a list of formats",
        Some("[\"gif\"]"),
    );
}

#[test]
fn charts_without_a_still_format_are_a_warning() {
    let s = parse(&with_prefix("[output]\nformats = [\"gif\"]\n\n"));
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert_eq!(s.warnings[0].key, "draw.charts");
    assert!(s.warnings[0].message.contains("no chart is written"));
    let s = parse(&with_prefix(
        "[output]\nformats = [\"gif\"]\n[draw]\ncharts = []\n\n",
    ));
    assert!(s.warnings.is_empty());
}

#[test]
fn the_poster_is_the_last_step_unless_set_within_the_steps() {
    assert_eq!(
        parse(&with_prefix("[output]\nsteps = 40\n\n"))
            .output
            .poster,
        40
    );
    let s = parse(&with_prefix("[output]\nsteps = 40\nposter = 12\n\n"));
    assert_eq!(s.output.poster, 12);
    let src = with_prefix("[output]\nsteps = 40\nposter = 41\n\n");
    check(
        &fail(&src),
        loc(&src, "41\n"),
        "output.poster",
        "the poster step 41 is beyond the scene's 40 steps",
        Some("from 0 to 40"),
    );
}

#[test]
fn sliders_name_swept_keys() {
    let swept = "[[optimizer]]\nkind = \"momentum\"\nlr = 0.05\nbeta = [0.5, 0.9]\n\n\
                 [[optimizer]]\nkind = \"gd\"\nlr = 0.05\n";
    let s = parse(&format!(
        "[draw]\nsliders = [\"beta\"]\n{}",
        with_optimizers(swept)
    ));
    assert_eq!(s.draw.sliders, ["beta"]);
    assert!(parse(&with_optimizers(swept)).draw.sliders.is_empty());
    // A typo: the names are every sweepable key.
    let src = format!("[draw]\nsliders = [\"betta\"]\n{}", with_optimizers(swept));
    check(
        &fail(&src),
        loc(&src, "\"betta\""),
        "draw.sliders",
        "unknown slider `betta`",
        Some("did you mean `beta`?"),
    );
    // A key no entry sweeps.
    let src = format!("[draw]\nsliders = [\"lr\"]\n{}", with_optimizers(swept));
    check(
        &fail(&src),
        loc(&src, "[\"lr\"]"),
        "draw.sliders",
        "`lr` is not swept",
        Some("the swept keys are `beta`"),
    );
    // Small multiples give each setting its own panel: nothing to choose.
    let src = format!(
        "[draw]\nsliders = [\"beta\"]\npanels = \"sweep\"\n{}",
        with_optimizers(swept)
    );
    check(
        &fail(&src),
        loc(&src, "[\"beta\"]"),
        "draw.sliders",
        "panels = \"sweep\"",
        Some("panels = \"single\""),
    );
}

#[test]
fn the_data_view_needs_a_surface_made_from_data() {
    let data = "[surface]\nkind = \"linear_regression\"\ndata = [[0, 1], [1, 3], [2, 4]]\n\n\
                [[start]]\nat = [0.0, 0.0]\n\n[[optimizer]]\nkind = \"gd\"\nlr = 0.05\n";
    let s = parse(&format!("[draw]\ndata_view = true\n{data}"));
    assert!(s.draw.data_view);
    // The points' ranges with a margin: x 0..2 by 6 %, y 1..4 by 10 %.
    let w = s.data_window.expect("a data window");
    let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
    assert!(close(w.x.0, -0.12) && close(w.x.1, 2.12), "{w:?}");
    assert!(close(w.y.0, 0.7) && close(w.y.1, 4.3), "{w:?}");
    let s = parse(data);
    assert!(!s.draw.data_view && s.data_window.is_none());
    // Any other surface: an error at the key, naming the surface, with what to do.
    let src = format!("[draw]\ndata_view = true\n{}", with_prefix(""));
    check(
        &fail(&src),
        loc(&src, "true"),
        "draw.data_view",
        "this surface is `quadratic`",
        Some("kind = \"linear_regression\""),
    );
    // Not a flag.
    let src = format!("[draw]\ndata_view = \"yes\"\n{}", with_prefix(""));
    let e = fail(&src);
    assert_eq!(e.key, "draw.data_view", "{e}");
}

// ---------------------------------------------------------------------------------------------
// 1-D scenes
// ---------------------------------------------------------------------------------------------

/// A 1-D scene: `[surface]` lines, then one start at `at` and one GD entry.
fn curve_scene(surface: &str, at: &str) -> String {
    format!(
        "[surface]\n{surface}\n\n[[start]]\nat = {at}\n\n[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n"
    )
}

/// A formula in x alone and the 1-D kinds make 1-D scenes: their view is a curve, their start
/// points are numbers held as [x, 0], labels name them by x.
#[test]
fn a_formula_in_x_alone_or_a_1d_kind_makes_a_1d_scene() {
    let s = parse(&curve_scene(
        "expr = \"0.5*(x - 5)^2\"\nx = [-2.0, 12.0]",
        "0.0",
    ));
    assert_eq!(s.dims(), Dims::One);
    let View::Curve { x, f } = s.view else {
        panic!("{:?}", s.view)
    };
    assert_eq!(x, (-2.0, 12.0));
    // From 0 to 24.5 (at −2), with 6 % margins.
    assert!((f.0 + 0.06 * 24.5).abs() < 1e-12 && (f.1 - 1.06 * 24.5).abs() < 1e-12);
    assert_eq!(s.runs[0].start, [0.0, 0.0]);
    assert_eq!(
        s.surface.minima().len(),
        1,
        "the minimum is found on the line"
    );
    for kind in ["quadratic1d\"\nlambda = 2.0\ncenter = 1.0", "double_well\""] {
        let s = parse(&curve_scene(&format!("kind = \"{kind}"), "1.5"));
        assert_eq!(s.dims(), Dims::One, "{kind}");
    }
    // A default range grows to hold the start, as a window does; labels name starts by x.
    let src = "[surface]\nkind = \"quadratic1d\"\n[[start]]\nat = 5.0\n[[start]]\nat = -1.0\n\
               [[optimizer]]\nkind = \"gd\"\nlr = 0.1\n";
    let s = parse(src);
    assert!(s.view.window().x.1 > 5.0 && s.view.window().x.0 == -3.0);
    assert_eq!(labels(&s), ["GD from 5", "GD from −1"]);
    // And a 2-D formula stays 2-D.
    let s = parse(&with_surface("expr = \"x^2 + y^2\""));
    assert_eq!(s.dims(), Dims::Two);
}

/// A start in the other shape is an error at its `at`, saying which shape and how to write it.
#[test]
fn a_start_of_the_wrong_shape_is_located() {
    let src = curve_scene("kind = \"quadratic1d\"", "[1.0, 2.0]");
    let e = fail(&src);
    check(
        &e,
        after(&src, "at = "),
        "start[0].at",
        "the surface is 1-D",
        Some("write at = 1"),
    );
    let src = curve_scene("kind = \"quadratic\"", "2.5");
    let e = fail(&src);
    check(
        &e,
        after(&src, "at = "),
        "start[0].at",
        "the surface is 2-D: a start point is [x, y]",
        Some("at = [2.5, 0.0]"),
    );
    let src = curve_scene("kind = \"quadratic1d\"", "\"1\"");
    let e = fail(&src);
    check(
        &e,
        after(&src, "at = "),
        "start[0].at",
        "x on a 1-D surface, [x, y] on a 2-D one",
        Some("without quotes"),
    );
}

/// `y` with a curve is an error at `y`, for a formula and for a 1-D kind.
#[test]
fn a_y_range_for_a_curve_is_located() {
    let src = curve_scene("expr = \"x^2\"\nx = [-2.0, 2.0]\ny = [-1.0, 1.0]", "1.0");
    let e = fail(&src);
    check(
        &e,
        after(&src, "y = "),
        "surface.y",
        "a formula in x alone is a curve f(x): it has no y range",
        Some("use y in the formula"),
    );
    let src = curve_scene("kind = \"double_well\"\ny = [-1.0, 1.0]", "1.0");
    let e = fail(&src);
    check(
        &e,
        after(&src, "y = "),
        "surface.y",
        "`double_well` is a curve f(x)",
        Some("remove `y`"),
    );
}

/// The 3-D view is refused in a 1-D scene at `draw.charts`; every other chart and overlay is
/// accepted; contour and aspect keys are warned about, each at its key.
#[test]
fn a_1d_scene_refuses_the_3d_view_and_warns_of_contour_keys() {
    let base = curve_scene("kind = \"quadratic1d\"", "2.0");
    let src = format!("[draw]\ncharts = [\"loss\", \"surface3d\"]\n{base}");
    let e = fail(&src);
    check(
        &e,
        after(&src, "charts = "),
        "draw.charts",
        "the surface3d chart shows a surface over the plane",
        Some("remove \"surface3d\""),
    );
    let src = format!(
        "[draw]\ncharts = [\"loss\", \"rate\", \"stability\", \"damping\", \"lr\"]\n\
         overlays = [\"velocity\", \"gradient\", \"lookahead\", \"loss\"]\nlevels = 8\n\
         aspect = \"fill\"\n{base}"
    );
    let s = parse(&src);
    let keys: Vec<&str> = s.warnings.iter().map(|w| w.key.as_str()).collect();
    assert_eq!(keys, ["draw.levels", "draw.aspect"]);
    assert_eq!(
        (s.warnings[0].line, s.warnings[0].column),
        after(&src, "levels = ")
    );
}

/// A formula's minima come as numbers on a curve, as points over the plane; the other shape is
/// an error at `minima`.
#[test]
fn a_formula_s_minima_take_its_dimension() {
    let s = parse(&curve_scene(
        "expr = \"(x^2 - 1)^2\"\nminima = [1.0, -1.0]",
        "0.5",
    ));
    assert_eq!(s.surface.minima(), [[1.0, 0.0], [-1.0, 0.0]]);
    let src = curve_scene("expr = \"(x^2 - 1)^2\"\nminima = [[1.0, 0.0]]", "0.5");
    let e = fail(&src);
    check(
        &e,
        after(&src, "minima = "),
        "surface.minima",
        "its minima are numbers",
        Some("minima = [5.0]"),
    );
}

/// A curve nowhere finite over its range, or too large to draw there, is refused at
/// `surface.x`.
#[test]
fn a_curve_that_cannot_be_drawn_is_located() {
    let src = curve_scene("expr = \"1e305*x\"\nx = [-3.0, 3.0]", "1.0");
    let e = fail(&src);
    check(
        &e,
        after(&src, "x = "),
        "surface.x",
        "too large to draw",
        Some("narrow `surface.x`"),
    );
    let src = curve_scene("expr = \"sqrt(x)\"\nx = [-3.0, -1.0]", "-2.0");
    let e = fail(&src);
    check(
        &e,
        after(&src, "x = "),
        "surface.x",
        "not a finite number anywhere",
        Some("narrow `surface.x`"),
    );
}

/// A formula marks the saddle points it is given; a curve has none to give.
#[test]
fn a_formula_marks_the_saddles_it_is_given() {
    let s = parse(&with_surface("expr = \"x^2 - y^2\"\nsaddles = [[0, 0]]\n"));
    assert_eq!(s.surface.saddles(), vec![[0.0, 0.0]]);
    let s = parse(&with_surface("expr = \"x^2 - y^2\"\n"));
    assert!(s.surface.saddles().is_empty());
    let src = with_surface("expr = \"x^2\"\nsaddles = [[0, 0]]\n");
    let e = fail(&src);
    assert_eq!(e.key, "surface.saddles", "{e}");
    assert!(e.message.contains("no saddle points"), "{e}");
}
