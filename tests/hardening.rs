//! Hardening tests: the scene checker and the formula parser under fuzzing, hostile numbers end to
//! end through the library, and the `render` binary killed part-way through a render.
//!
//! Property case counts are fixed (the seed is random unless `PROPTEST_RNG_SEED` is set; no
//! failure files are written). Every property prints `<name>: N cases run` on stderr
//! (`cargo test --test hardening -- --nocapture` shows them):
//!
//! | property                                  | cases |
//! |-------------------------------------------|-------|
//! | scene_from_arbitrary_unicode              |   600 |
//! | scene_from_toml_fragment_soup             |   700 |
//! | scene_from_structured_hostile_tables      |   900 |
//! | scene_mutations_of_gd_vs_momentum         |  1000 |
//! | expr_from_arbitrary_strings               |   700 |
//! | expr_from_token_soup                      |   700 |
//! | expr_from_grammar                         |  1200 |
//! | total                                     |  5800 |

// `pipeline::Error` is large; the library allows this lint for the same reason.
#![allow(clippy::result_large_err)]

mod common;
use common::{listing, TempDir};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use inertia::expr::Expr;
use inertia::pipeline::{self, Outputs};
use inertia::scene::Scene;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::{Config, TestCaseError, TestRunner};

const TEMP_MARKER: &str = ".inertia-tmp-";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Runs `test` on `cases` values of `strategy` and prints how many cases ran.
fn run_property<S>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: std::fmt::Debug,
{
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let count = AtomicUsize::new(0);
    let started = Instant::now();
    let result = runner.run(&strategy, |v| {
        count.fetch_add(1, Ordering::Relaxed);
        test(v)
    });
    eprintln!(
        "{name}: {} cases run ({cases} configured) in {:.1} s",
        count.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
}

/// Numbers as they may be written in TOML (or nearly): edge values, overflow, specials, junk.
fn hostile_number() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        3 => select(vec![
            "0", "-0", "-0.0", "0.0", "+0.0", "1", "-1", "2", "0.5", "0.99", "0.999999", "1.0",
            "1e400", "-1e400", "1e-400", "1e308", "-1e308", "1.7976931348623157e308", "5e-324",
            "nan", "-nan", "+nan", "inf", "-inf", "+inf", "99999999999999999999999",
            "9223372036854775807", "-9223372036854775808", "9223372036854775808",
            "18446744073709551616", "0x10", "0o7", "0b1", "1_000", "1__0", "01", "1.", ".5",
            "1e", "4096", "4097", "160", "159", "10000", "10001", "64", "65", "50", "50.01",
            "0.4", "30", "30.5", "2.5", "-2.0", "1e-12", "1e12", "1e9",
        ])
        .prop_map(str::to_string),
        1 => any::<i64>().prop_map(|v| v.to_string()),
        1 => any::<f64>().prop_map(|v| format!("{v:e}")),
        1 => (-1000i32..1000).prop_map(|v| v.to_string()),
    ]
}

/// Checks the documented properties of a scene error (or of an accepted scene).
fn check_scene_result(text: &str) -> Result<Option<Scene>, TestCaseError> {
    match Scene::from_toml(Path::new("f.toml"), text) {
        Ok(scene) => {
            let o = &scene.output;
            prop_assert!(
                (1..=64).contains(&scene.runs.len()),
                "{} runs",
                scene.runs.len()
            );
            prop_assert!((160..=4096).contains(&o.width) && (160..=4096).contains(&o.height));
            prop_assert!((1..=10_000).contains(&o.steps));
            prop_assert!(o.fps.is_finite() && (0.5..=50.0).contains(&o.fps));
            prop_assert!(o.hold.is_finite() && (0.0..=30.0).contains(&o.hold));
            let w = &scene.view.window();
            prop_assert!(
                w.x.0.is_finite() && w.x.1.is_finite() && w.x.0 < w.x.1,
                "window x {:?}",
                w.x
            );
            prop_assert!(
                w.y.0.is_finite() && w.y.1.is_finite() && w.y.0 < w.y.1,
                "window y {:?}",
                w.y
            );
            for (i, r) in scene.runs.iter().enumerate() {
                prop_assert_eq!(r.index, i);
                prop_assert!(r.start[0].is_finite() && r.start[1].is_finite());
            }
            Ok(Some(scene))
        }
        Err(e) => {
            let lines = text.lines().count();
            prop_assert!(e.line >= 1 && e.column >= 1, "{}:{}", e.line, e.column);
            prop_assert!(
                e.line <= lines + 1,
                "line {} of a text with {} lines",
                e.line,
                lines
            );
            // The column (in characters) lies on the line or just after its end.
            let line_text = text.split('\n').nth(e.line - 1);
            prop_assert!(line_text.is_some(), "line {} does not exist", e.line);
            let chars = line_text.unwrap().chars().count();
            prop_assert!(
                e.column <= chars + 1,
                "column {} on a line of {} characters",
                e.column,
                chars
            );
            let shown = e.to_string();
            prop_assert!(!shown.trim().is_empty());
            let prefix = format!("f.toml:{}:{}: ", e.line, e.column);
            prop_assert!(shown.starts_with(&prefix), "{shown:?}");
            prop_assert!(!e.message.trim().is_empty(), "{shown:?}");
            Ok(None)
        }
    }
}

/// Runs the trajectories of an accepted scene (when not too many steps) and checks that every
/// recorded position and loss is finite and that the bookkeeping is consistent.
fn check_trajectories(scene: &Scene, max_work: usize) -> Result<(), TestCaseError> {
    if scene.runs.len() * scene.output.steps > max_work {
        return Ok(());
    }
    let trajs = pipeline::trajectories(scene);
    prop_assert_eq!(trajs.len(), scene.runs.len());
    for (run, t) in scene.runs.iter().zip(&trajs) {
        prop_assert_eq!(t.positions.len(), t.losses.len());
        prop_assert!(!t.positions.is_empty() && t.positions.len() <= scene.output.steps + 1);
        prop_assert_eq!(t.gradient_points.len() + 1, t.positions.len());
        prop_assert_eq!(t.positions[0], run.start);
        if t.diverged.is_none() {
            prop_assert_eq!(t.positions.len(), scene.output.steps + 1);
        }
        for (p, l) in t.positions.iter().zip(&t.losses) {
            prop_assert!(
                p[0].is_finite() && p[1].is_finite() && l.is_finite(),
                "run {} has a non-finite point {:?} / loss {}",
                run.index,
                p,
                l
            );
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 1a. Arbitrary and TOML-ish strings into Scene::from_toml
// ---------------------------------------------------------------------------------------------

#[test]
fn scene_from_arbitrary_unicode() {
    // 600 cases: any unicode string (proptest's default `String` strategy) or any chars.
    let strategy = prop_oneof![
        any::<String>(),
        proptest::collection::vec(any::<char>(), 0..200).prop_map(|v| v.into_iter().collect()),
    ];
    run_property(
        "scene_from_arbitrary_unicode",
        600,
        strategy,
        |s: String| check_scene_result(&s).map(|_| ()),
    );
}

const TOML_FRAGMENTS: &[&str] = &[
    "[output]",
    "[surface]",
    "[draw]",
    "[[optimizer]]",
    "[[start]]",
    "[start]",
    "[[output]]",
    "[optimizer]",
    "[surface.x]",
    "[[",
    "]]",
    "[",
    "]",
    "{",
    "}",
    "kind = \"momentum\"",
    "kind = \"gd\"",
    "kind = \"nesterov\"",
    "kind = \"adam\"",
    "kind = \"quadratic\"",
    "kind = \"rosenbrock\"",
    "kind = \"linear_regression\"",
    "expr = \"x^2 + y^2\"",
    "expr = \"ln(x)\"",
    "form = \"velocity\"",
    "form = \"lookahead\"",
    "lr = ",
    "beta = ",
    "at = ",
    "x = ",
    "y = ",
    "size = ",
    "steps = ",
    "fps = ",
    "hold = ",
    "levels = ",
    "name = ",
    "title = ",
    "label = \"{beta}\"",
    "label = \"{",
    "noise = { std = 0.5 }",
    "data = [[1, 2], [3, 4]]",
    "data_file = \"/dev/null\"",
    "minima = [[0, 0]]",
    "center = [0, 0]",
    "seed = ",
    "\"",
    "'",
    "\"\"\"",
    "'''",
    "=",
    "==",
    ",",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "\t",
    "#",
    "# comment\n",
    "[1, 2]",
    "[2.5, -2.0]",
    "[]",
    "[[1, 2]]",
    "[0.1, 0.2, 0.3]",
    "[nan, inf]",
    "[1e308, -1e308]",
    "true",
    "false",
    "\"β\"",
    "\\",
    "\\u{0}",
    "\u{0}",
    "\u{feff}",
    "é",
    "🙂",
    "1979-05-27",
    "k.",
    "a.b.c = 1",
    "x",
];

fn toml_soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => select(TOML_FRAGMENTS).prop_map(str::to_string),
            2 => hostile_number(),
            1 => "[a-z_]{1,8}",
            1 => any::<char>().prop_map(|c| c.to_string()),
        ],
        0..48,
    )
    .prop_map(|v| v.concat())
}

#[test]
fn scene_from_toml_fragment_soup() {
    // 700 cases: concatenations of up to 48 TOML-ish fragments and hostile numbers.
    run_property("scene_from_toml_fragment_soup", 700, toml_soup(), |s| {
        if let Some(scene) = check_scene_result(&s)? {
            check_trajectories(&scene, 50_000)?;
        }
        Ok(())
    });
}

/// A value for any key: numbers, lists of numbers, strings, tables.
fn any_value() -> impl Strategy<Value = String> {
    let number = hostile_number();
    prop_oneof![
        4 => number.clone(),
        2 => proptest::collection::vec(number.clone(), 0..5)
            .prop_map(|v| format!("[{}]", v.join(", "))),
        1 => proptest::collection::vec(
            proptest::collection::vec(number.clone(), 0..3).prop_map(|v| format!("[{}]", v.join(", "))),
            0..4,
        )
        .prop_map(|v| format!("[{}]", v.join(", "))),
        2 => select(vec![
            "\"momentum\"", "\"gd\"", "\"nesterov\"", "\"adam\"", "\"adagrad\"", "\"rmsprop\"",
            "\"pytorch\"", "\"ema\"", "\"velocity\"", "\"lookahead\"", "\"quadratic\"",
            "\"bowl\"", "\"ravine\"", "\"rosenbrock\"", "\"himmelblau\"", "\"beale\"",
            "\"saddle\"", "\"rastrigin\"", "\"six_hump_camel\"", "\"multi_minima\"",
            "\"linear_regression\"", "\"auto\"", "\"log\"", "\"linear\"", "\"\"", "\"k\"",
            "\"sweep\"", "\"single\"", "[\"loss\", \"rate\"]", "[\"velocity\", \"loss\"]",
            "\".hidden\"", "\"a/b\"", "\"{beta} {lr} {{x}} {run}\"", "\"{nope}\"", "\"{\"",
            "\"x^2 + 10*y^2\"", "\"ln(x) + y^2\"", "\"1/(x^2+y^2)\"", "\"exp(x^3)\"",
            "\"-exp(x^3)\"", "\"sqrt(x)\"", "\"x/0\"", "\"atan2(y, x)\"", "\"2x\"", "\"\"",
            "\"(1 - x)^2 + 100*(y - x^2)^2\"", "\"x^y\"", "\"pow(x, 1e308)\"",
            "{ std = 0.5, seed = 7 }", "{ std = -1 }", "{ std = nan }", "{ seed = 1 }",
            "{ std = 1e308, seed = -1 }", "true", "[\"a\", 1]",
        ])
        .prop_map(str::to_string),
    ]
}

const KEYS: &[&str] = &[
    "title",
    "name",
    "size",
    "fps",
    "steps",
    "hold",
    "kind",
    "expr",
    "a",
    "b",
    "angle",
    "center",
    "tilt",
    "data",
    "data_file",
    "minima",
    "x",
    "y",
    "levels",
    "scale",
    "charts",
    "overlays",
    "panels",
    "at",
    "label",
    "form",
    "lr",
    "beta",
    "dampening",
    "beta1",
    "beta2",
    "alpha",
    "eps",
    "lr_decay",
    "noise",
    "bta",
    "stpes",
    "",
];

fn structured_scene() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        1 => select(vec![
            "[output]", "[surface]", "[draw]", "[[start]]", "[[optimizer]]", "[[optimizer]]",
            "[[start]]",
        ])
        .prop_map(str::to_string),
        4 => (select(KEYS), any_value()).prop_map(|(k, v)| format!("{k} = {v}")),
    ];
    // A mostly valid skeleton with some hostile lines spliced in.
    let skeleton = Just(vec![
        "[output]".to_string(),
        "size = [160, 160]".to_string(),
        "steps = 20".to_string(),
        "[surface]".to_string(),
        "kind = \"quadratic\"".to_string(),
        "[[start]]".to_string(),
        "at = [1.0, 1.0]".to_string(),
        "[[optimizer]]".to_string(),
        "kind = \"momentum\"".to_string(),
        "lr = 0.1".to_string(),
    ]);
    prop_oneof![
        proptest::collection::vec(line.clone(), 0..30).prop_map(|v| v.join("\n")),
        (
            skeleton,
            proptest::collection::vec((any::<Index>(), line, any::<bool>()), 1..6)
        )
            .prop_map(|(mut lines, edits)| {
                for (at, l, replace) in edits {
                    let i = at.index(lines.len());
                    if replace {
                        lines[i] = l;
                    } else {
                        lines.insert(i, l);
                    }
                }
                lines.join("\n")
            }),
    ]
}

#[test]
fn scene_from_structured_hostile_tables() {
    // 900 cases: tables with known (and mistyped) keys and hostile values, freely or spliced
    // into a valid skeleton. Accepted scenes have their trajectories run (up to 50 000 steps).
    run_property(
        "scene_from_structured_hostile_tables",
        900,
        structured_scene(),
        |s| {
            if let Some(scene) = check_scene_result(&s)? {
                check_trajectories(&scene, 50_000)?;
            }
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------------
// 1b. Mutations of a valid scene
// ---------------------------------------------------------------------------------------------

const VALID_SCENE: &str = include_str!("../scenes/gd_vs_momentum.toml");

#[derive(Debug, Clone)]
enum Mutation {
    DeleteByte(Index),
    InsertChar(Index, char),
    DuplicateLine(Index),
    DeleteLine(Index),
    SwapLines(Index, Index),
    ReplaceNumber(Index, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let alphabet = select(vec![
        '[', ']', '{', '}', '"', '\'', '=', ',', '.', '-', '+', '#', '\n', ' ', '\t', '0', '1',
        '9', 'e', 'x', 'y', '_', 'a', 'β', '\u{0}', '\r', '\\',
    ]);
    prop_oneof![
        3 => any::<Index>().prop_map(Mutation::DeleteByte),
        3 => (any::<Index>(), alphabet).prop_map(|(i, c)| Mutation::InsertChar(i, c)),
        1 => any::<Index>().prop_map(Mutation::DuplicateLine),
        1 => any::<Index>().prop_map(Mutation::DeleteLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        4 => (any::<Index>(), hostile_number()).prop_map(|(i, n)| Mutation::ReplaceNumber(i, n)),
    ]
}

fn apply(text: &[u8], m: &Mutation) -> Vec<u8> {
    let mut bytes = text.to_vec();
    let lines =
        |b: &[u8]| -> Vec<Vec<u8>> { b.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect() };
    match m {
        Mutation::DeleteByte(i) => {
            if !bytes.is_empty() {
                bytes.remove(i.index(bytes.len()));
            }
        }
        Mutation::InsertChar(i, c) => {
            let at = i.index(bytes.len() + 1);
            let mut buf = [0u8; 4];
            let enc = c.encode_utf8(&mut buf).as_bytes().to_vec();
            bytes.splice(at..at, enc);
        }
        Mutation::DuplicateLine(i) => {
            let mut ls = lines(&bytes);
            let k = i.index(ls.len());
            let l = ls[k].clone();
            ls.insert(k, l);
            bytes = ls.join(&b'\n');
        }
        Mutation::DeleteLine(i) => {
            let mut ls = lines(&bytes);
            ls.remove(i.index(ls.len()));
            bytes = ls.join(&b'\n');
        }
        Mutation::SwapLines(a, b) => {
            let mut ls = lines(&bytes);
            let (a, b) = (a.index(ls.len()), b.index(ls.len()));
            ls.swap(a, b);
            bytes = ls.join(&b'\n');
        }
        Mutation::ReplaceNumber(i, n) => {
            // Maximal runs of digits and dots that start with a digit.
            let mut runs = Vec::new();
            let mut k = 0;
            while k < bytes.len() {
                if bytes[k].is_ascii_digit() {
                    let start = k;
                    while k < bytes.len() && (bytes[k].is_ascii_digit() || bytes[k] == b'.') {
                        k += 1;
                    }
                    runs.push(start..k);
                } else {
                    k += 1;
                }
            }
            if !runs.is_empty() {
                let r = runs[i.index(runs.len())].clone();
                bytes.splice(r, n.bytes());
            }
        }
    }
    bytes
}

#[test]
fn scene_mutations_of_gd_vs_momentum() {
    // 1000 cases: 1 to 6 mutations (byte deletions, insertions from a TOML-ish alphabet,
    // duplicated / deleted / swapped lines, numbers replaced by hostile numbers) of
    // scenes/gd_vs_momentum.toml. Accepted scenes have their trajectories run.
    let base = Scene::from_toml(Path::new("f.toml"), VALID_SCENE).expect("the base scene is valid");
    assert_eq!(base.runs.len(), 3);
    let accepted = AtomicUsize::new(0);
    run_property(
        "scene_mutations_of_gd_vs_momentum",
        1000,
        proptest::collection::vec(mutation(), 1..7),
        |ms| {
            let mut bytes = VALID_SCENE.as_bytes().to_vec();
            for m in &ms {
                bytes = apply(&bytes, m);
            }
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if let Some(scene) = check_scene_result(&text)? {
                accepted.fetch_add(1, Ordering::Relaxed);
                check_trajectories(&scene, 200_000)?;
            }
            Ok(())
        },
    );
    eprintln!(
        "scene_mutations_of_gd_vs_momentum: {} mutated scenes were accepted and simulated",
        accepted.load(Ordering::Relaxed)
    );
}

// ---------------------------------------------------------------------------------------------
// 1c. Formulas
// ---------------------------------------------------------------------------------------------

const EVAL_POINTS: &[(f64, f64)] = &[
    (0.0, 0.0),
    (1.0, -1.0),
    (-2.5, 0.5),
    (0.5, 2.0),
    (-0.0, 1e-300),
    (1e300, -1e300),
    (f64::MAX, f64::MIN_POSITIVE),
    (f64::NAN, 1.0),
    (f64::INFINITY, f64::NEG_INFINITY),
];

/// Parses `src` and checks the documented guarantees; returns whether it parsed.
fn check_expr(src: &str) -> Result<bool, TestCaseError> {
    match Expr::parse(src) {
        Ok(e) => {
            prop_assert_eq!(e.source(), src.trim());
            for &(x, y) in EVAL_POINTS {
                let v = e.value(x, y);
                let (vg, _gx, _gy) = e.value_and_gradient(x, y);
                prop_assert!(
                    v.to_bits() == vg.to_bits() || (v.is_nan() && vg.is_nan()),
                    "{src:?} at ({x}, {y}): value {v:e} but value_and_gradient {vg:e}"
                );
            }
            Ok(true)
        }
        Err(err) => {
            let s = &err.span;
            prop_assert!(
                s.start <= s.end && s.end <= src.len(),
                "span {s:?} outside {} bytes of {src:?}",
                src.len()
            );
            prop_assert!(
                src.is_char_boundary(s.start) && src.is_char_boundary(s.end),
                "span {s:?} not on char boundaries of {src:?}"
            );
            prop_assert!(!err.message.trim().is_empty());
            prop_assert_eq!(err.to_string(), err.message.clone());
            Ok(false)
        }
    }
}

#[test]
fn expr_from_arbitrary_strings() {
    // 700 cases: any unicode string.
    run_property("expr_from_arbitrary_strings", 700, any::<String>(), |s| {
        check_expr(&s).map(|_| ())
    });
}

const EXPR_TOKENS: &[&str] = &[
    "x", "y", "z", "(", ")", "(", ")", "+", "-", "*", "/", "^", "**", ",", ".", " ", "2", "0",
    "1e308", "1e400", "1e-400", "1.5e", "0x1", "exp", "ln", "log", "log10", "sqrt", "sin", "cos",
    "tan", "tanh", "sinh", "cosh", "atan", "abs", "sigmoid", "min", "max", "atan2", "pow", "exp(",
    "min(", "pow(", "pi", "e", "nan", "inf", "é", "β", "🙂", "\u{0}", "\t", "\n", "_", "==", "!",
    "%", "[", "]",
];

#[test]
fn expr_from_token_soup() {
    // 700 cases: up to 40 formula tokens (and junk) concatenated.
    let strategy = proptest::collection::vec(
        prop_oneof![
            4 => select(EXPR_TOKENS).prop_map(str::to_string),
            1 => hostile_number(),
            1 => any::<char>().prop_map(|c| c.to_string()),
        ],
        0..40,
    )
    .prop_map(|v| v.concat());
    run_property("expr_from_token_soup", 700, strategy, |s| {
        check_expr(&s).map(|_| ())
    });
}

/// Formulas from the documented grammar: every compound operand parenthesised, so each must
/// parse.
fn formula() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        3 => select(vec!["x", "y"]).prop_map(str::to_string),
        2 => select(vec![
            "0", "1", "2", "0.5", "10", "100", "1e308", "1e-300", "2.5e3", "pi", "e", "0.0",
            "3.14159", "1e-5",
        ])
        .prop_map(str::to_string),
    ];
    let paren = |s: &str| -> String {
        let atom = s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
        if atom {
            s.to_string()
        } else {
            format!("({s})")
        }
    };
    leaf.prop_recursive(8, 64, 3, move |inner| {
        prop_oneof![
            4 => (inner.clone(), select(vec!["+", "-", "*", "/", "^", "**"]), inner.clone())
                .prop_map(move |(a, op, b)| format!("{} {op} {}", paren(&a), paren(&b))),
            1 => inner.clone().prop_map(move |a| format!("-{}", paren(&a))),
            1 => inner.clone().prop_map(|a| format!("({a})")),
            3 => (
                select(vec![
                    "exp", "ln", "log", "log10", "sqrt", "sin", "cos", "tan", "tanh", "sinh",
                    "cosh", "atan", "abs", "sigmoid",
                ]),
                inner.clone()
            )
                .prop_map(|(f, a)| format!("{f}({a})")),
            1 => (select(vec!["min", "max", "atan2", "pow"]), inner.clone(), inner)
                .prop_map(|(f, a, b)| format!("{f}({a}, {b})")),
        ]
    })
}

#[test]
fn expr_from_grammar() {
    // 1200 cases: random formula trees (depth <= 8) over x, y, numbers, + - * / ^ **, unary
    // minus, the documented one- and two-argument functions and parentheses; each must parse,
    // and `value_and_gradient` must agree with `value` at 9 points (incl. NaN, inf, huge).
    run_property("expr_from_grammar", 1200, formula(), |s| {
        let ok = check_expr(&s)?;
        prop_assert!(
            ok,
            "a formula of the documented grammar was rejected: {s:?}: {:?}",
            Expr::parse(&s).err()
        );
        Ok(())
    });
}

#[test]
fn expr_documented_edge_cases() {
    let v = |s: &str, x: f64, y: f64| Expr::parse(s).unwrap().value(x, y);
    assert_eq!(v("-x^2", 3.0, 0.0), -9.0);
    assert_eq!(v("2^3^2", 0.0, 0.0), 512.0);
    assert_eq!(v("2**3**2", 0.0, 0.0), 512.0);
    assert!(Expr::parse("2x").is_err());
    // Hostile shapes: very deep nesting, very long input. None may overflow the stack.
    let n = 4999;
    let cases = [
        format!("{}x{}", "(".repeat(n), ")".repeat(n)),
        format!("{}x", "-".repeat(9999)),
        format!("{}x", "x^".repeat(n)),
        format!("{}x{}", "sin(".repeat(2000), ")".repeat(2000)),
        format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000)),
        format!("{}x", "x+".repeat(4999)),
        format!("{}1", "1*".repeat(4999)),
        format!("{}x", "(".repeat(150)),
        format!("{}(x{}", "pow(x, ".repeat(190), ")".repeat(190)),
        "x".repeat(10_001),
        "é".repeat(5_001),
    ];
    for src in &cases {
        check_expr(src).unwrap_or_else(|e| panic!("{e} for {} bytes", src.len()));
    }
    // A long flat sum exceeds the inline evaluation stack only if the parser nests it; either
    // way value and gradient agree.
    // (1500 terms: 8997 bytes, under the 10 000-byte limit.)
    let flat = (0..1500).map(|_| "x*y").collect::<Vec<_>>().join(" + ");
    assert!(check_expr(&flat).unwrap());
    let e = Expr::parse(&flat).unwrap();
    assert_eq!(e.value(1.0, 2.0), 3000.0);
    assert_eq!(e.value_and_gradient(1.0, 2.0), (3000.0, 3000.0, 1500.0));
}

// ---------------------------------------------------------------------------------------------
// 2. Hostile numbers end to end through the library
// ---------------------------------------------------------------------------------------------

/// Renders `text` through the library on a helper thread, failing if it takes over 60 s (a
/// hang), and checks every output file.
fn render_scene(text: &str) -> (Scene, Outputs) {
    render_scene_within(text, Duration::from_secs(60))
}

/// [`render_scene`] with a chosen time limit.
fn render_scene_within(text: &str, limit: Duration) -> (Scene, Outputs) {
    let scene = Scene::from_toml(Path::new("hostile.toml"), text)
        .unwrap_or_else(|e| panic!("scene rejected:\n{e}\n{text}"));
    let (tx, rx) = std::sync::mpsc::channel();
    let s = scene.clone();
    std::thread::spawn(move || {
        let r = std::panic::catch_unwind(|| pipeline::render(&s, &inertia::report::NoProgress));
        let _ = tx.send(r);
    });
    let outputs = match rx.recv_timeout(limit) {
        Ok(Ok(Ok(o))) => o,
        Ok(Ok(Err(e))) => panic!("render failed: {e}\n{text}"),
        Ok(Err(_)) => panic!("render panicked\n{text}"),
        Err(_) => panic!("render did not finish in {limit:?} (hang)\n{text}"),
    };
    let name = &scene.output.name;
    let files: BTreeMap<&str, &[u8]> = outputs
        .files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    // The animation, the figure (PNG and SVG), the CSV, the player, the caption and the
    // convergence chart (PNG and SVG).
    assert_eq!(files.len(), 8, "{:?}", files.keys());
    let player = std::str::from_utf8(files[format!("{name}.html").as_str()]).expect("UTF-8");
    assert!(
        !player.contains("NaN") && !player.contains("inf"),
        "{name}.html: {player}"
    );
    for figure in [format!("{name}.svg"), format!("{name}.loss.svg")] {
        let svg = files[figure.as_str()];
        assert!(svg.starts_with(b"<svg ") && svg.ends_with(b"</svg>\n"));
        // Hostile numbers never reach an SVG as NaN or infinity.
        let svg = std::str::from_utf8(svg).expect("UTF-8 SVG");
        assert!(
            !svg.contains("NaN") && !svg.contains("inf"),
            "{figure}: {svg}"
        );
    }
    let chart = files[format!("{name}.loss.png").as_str()];
    image::load_from_memory_with_format(chart, image::ImageFormat::Png).expect("chart PNG");
    let gif = files[format!("{name}.gif").as_str()];
    let g = common::gif_summary(gif, true).unwrap_or_else(|e| panic!("GIF: {e}"));
    assert_eq!(g.delays.len(), scene.output.steps + 1);
    assert_eq!(
        (g.width, g.height),
        (scene.output.width, scene.output.height)
    );
    let png = files[format!("{name}.png").as_str()];
    let img = image::load_from_memory_with_format(png, image::ImageFormat::Png).expect("PNG");
    assert_eq!(
        (img.width(), img.height()),
        (scene.output.width, scene.output.height)
    );
    let csv = std::str::from_utf8(files[format!("{name}.csv").as_str()]).expect("UTF-8 CSV");
    check_csv(csv).unwrap_or_else(|e| panic!("CSV: {e}"));
    // Rows per run match the trajectories, which stop at the last finite step.
    let trajs = pipeline::trajectories(&scene);
    let rows = csv.lines().count() - 1;
    assert_eq!(rows, trajs.iter().map(|t| t.positions.len()).sum::<usize>());
    (scene, outputs)
}

/// Checks the CSV format: the header, complete lines of six fields, finite numbers. Labels
/// used in these tests hold no comma or quote.
fn check_csv(text: &str) -> Result<usize, String> {
    let mut lines = text.lines();
    if lines.next() != Some("run,label,step,x,y,loss") {
        return Err("bad header".into());
    }
    if !text.ends_with('\n') {
        return Err("the last line is incomplete (no newline)".into());
    }
    let mut n = 0;
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 6 {
            return Err(format!("{} fields in {line:?}", f.len()));
        }
        for s in &f[3..] {
            let v: f64 = s.parse().map_err(|_| format!("{s:?} in {line:?}"))?;
            if !v.is_finite() {
                return Err(format!("non-finite {s:?} in {line:?}"));
            }
        }
        n += 1;
    }
    Ok(n)
}

fn hostile_scene(surface: &str, starts: &[&str], optimizers: &str) -> String {
    let starts: String = starts
        .iter()
        .map(|s| format!("[[start]]\nat = {s}\n"))
        .collect();
    format!(
        "[output]\nname = \"hostile\"\nsize = [160, 160]\nsteps = 12\nfps = 10\nhold = 0\n\
         [surface]\n{surface}\n{starts}{optimizers}"
    )
}

#[test]
fn nan_and_inf_regions_and_overflowing_gradients_render() {
    // ln(x) is NaN left of 0 and -inf at 0: GD is pushed across and lands on NaN.
    let text = hostile_scene(
        "expr = \"ln(x) + y^2\"\nx = [-1.0, 2.0]\ny = [-1.0, 1.0]",
        &["[1.5, 0.5]"],
        "[[optimizer]]\nlabel = \"GD\"\nkind = \"gd\"\nlr = 0.5\n\
         [[optimizer]]\nlabel = \"Adam\"\nkind = \"adam\"\nlr = 0.01\n",
    );
    let (_, out) = render_scene(&text);
    assert!(out.diverged.iter().any(|d| d.0 == 0), "{:?}", out.diverged);

    // A pole at the origin (inf there, decades of range around it).
    let text = hostile_scene(
        "expr = \"1/(x^2+y^2)\"\nx = [-2.0, 2.0]\ny = [-2.0, 2.0]",
        &["[1.0, 0.5]", "[-0.01, 0.01]"],
        "[[optimizer]]\nlabel = \"GD\"\nkind = \"gd\"\nlr = 0.1\n\
         [[optimizer]]\nlabel = \"momentum\"\nkind = \"momentum\"\nlr = 0.1\nbeta = 0.9\n",
    );
    render_scene(&text);

    // A start point where the surface is not finite is an input error, not a panic.
    let text = hostile_scene(
        "expr = \"1/(x^2+y^2)\"",
        &["[0.0, 0.0]"],
        "[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n",
    );
    let e = Scene::from_toml(Path::new("hostile.toml"), &text).unwrap_err();
    assert!(e.to_string().contains("not finite"), "{e}");

    // Gradients that overflow: exp(x^3) falls off a cliff; huge learning rates; huge curvature.
    let text = hostile_scene(
        "expr = \"-exp(x^3) + y^2\"\nx = [-2.0, 3.0]\ny = [-1.0, 1.0]",
        &["[2.0, 0.5]"],
        "[[optimizer]]\nlabel = \"GD\"\nkind = \"gd\"\nlr = 0.01\n\
         [[optimizer]]\nlabel = \"Nesterov\"\nkind = \"nesterov\"\nform = \"lookahead\"\nlr = 0.01\nbeta = 0.9\n",
    );
    let (_, out) = render_scene(&text);
    let diverged: Vec<usize> = out.diverged.iter().map(|d| d.0).collect();
    assert_eq!(diverged, vec![0, 1], "{:?}", out.diverged);

    let text = hostile_scene(
        "kind = \"bowl\"",
        &["[1.0, 1.0]"],
        "[[optimizer]]\nlabel = \"lr {lr}\"\nkind = \"gd\"\nlr = [1e300, 1.7976931348623157e308]\n\
         [[optimizer]]\nlabel = \"adam\"\nkind = \"adam\"\nlr = 1e300\n\
         [[optimizer]]\nlabel = \"velocity\"\nkind = \"momentum\"\nform = \"velocity\"\nlr = 1e200\nbeta = 0.99\n\
         [[optimizer]]\nlabel = \"rmsprop\"\nkind = \"rmsprop\"\nlr = 1e300\neps = 1e-300\n\
         [[optimizer]]\nlabel = \"adagrad\"\nkind = \"adagrad\"\nlr = 1e300\neps = 5e-324\n",
    );
    for text in [text.clone(), format!("{text}{EVERYTHING_DRAWN}")] {
        let (scene, out) = render_scene(&text);
        let diverged: Vec<usize> = out.diverged.iter().map(|d| d.0).collect();
        assert_eq!(
            diverged,
            (0..scene.runs.len()).collect::<Vec<_>>(),
            "{:?}",
            out.diverged
        );
    }

    let text = hostile_scene(
        "kind = \"quadratic\"\na = 1e300\nb = 1e300\nangle = 1e300\ncenter = [1e-300, -1e-300]",
        &["[1.0, 1.0]"],
        "[[optimizer]]\nlabel = \"GD\"\nkind = \"gd\"\nlr = 0.5\n",
    );
    let (_, out) = render_scene(&text);
    assert_eq!(out.diverged.len(), 1, "{:?}", out.diverged);
}

#[test]
fn huge_and_tiny_windows_render() {
    let gd = "[[optimizer]]\nlabel = \"GD\"\nkind = \"gd\"\nlr = 0.1\n\
              [[optimizer]]\nlabel = \"Momentum\"\nkind = \"momentum\"\nlr = 0.01\n";
    let windows: &[(&str, &str)] = &[
        (
            "kind = \"bowl\"\nx = [1e9, 1000000010.0]\ny = [-1e-9, 1e-9]",
            "[1000000005.0, 0.0]",
        ),
        (
            "expr = \"(x - 1e9)^2 + 1e18*y^2\"\nx = [1e9, 1000000010.0]\ny = [-1e-9, 1e-9]",
            "[1000000005.0, 5e-10]",
        ),
        (
            "kind = \"bowl\"\nx = [-1e12, 1e12]\ny = [-1.0, 1.0]",
            "[5e11, 0.5]",
        ),
        (
            "expr = \"x^2/1e24 + y^2\"\nx = [-1e12, 1e12]",
            "[5e11, 0.5]",
        ),
        (
            "kind = \"bowl\"\nx = [-1e-300, 1e-300]\ny = [-1e-300, 1e-300]",
            "[5e-301, 0.0]",
        ),
        (
            "expr = \"x + y\"\nx = [0.0, 5e-324]\ny = [0.0, 1e-323]",
            "[0.0, 0.0]",
        ),
        (
            "kind = \"rosenbrock\"\nx = [-1e300, 1e300]\ny = [-1e300, 1e300]",
            "[1.0, 1.0]",
        ),
    ];
    for (surface, start) in windows {
        let text = hostile_scene(surface, &[start], gd);
        render_scene(&text);
        // Small multiples (per setting and per start) with equal axes and every overlay, on
        // the same hostile numbers: a window 1e18 times wider than high leaves a plot one
        // pixel high.
        render_scene(&format!("{text}{EVERYTHING_DRAWN}"));
        render_scene(&format!(
            "{text}{}",
            EVERYTHING_DRAWN.replace("sweep", "start")
        ));
    }
}

/// A `[draw]` table asking for small multiples, equal axes and every teaching overlay.
const EVERYTHING_DRAWN: &str = "[draw]\npanels = \"sweep\"\naspect = \"equal\"\n\
     overlays = [\"velocity\", \"gradient\", \"lookahead\", \"loss\"]\n";

/// A window whose bounds are finite but whose width overflows f64 (1e308 − (−1e308) = inf) once
/// made plotters' axis key-point computation spin forever; the checker now refuses it. The
/// render runs on a helper thread with a 20 s limit, so a regression fails rather than hangs.
#[test]
fn window_with_infinite_width_renders_or_is_rejected() {
    // (x = [0, 1.7e308] and x = [-8e307, 8e307], whose widths are finite, render fine.)
    for window in [
        "x = [-1e308, 1e308]\ny = [-1.0, 1.0]",
        "x = [-1.0, 1.0]\ny = [-1e308, 1e308]",
    ] {
        let text = hostile_scene(
            &format!("kind = \"bowl\"\n{window}"),
            &["[1.0, 0.5]"],
            "[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n",
        );
        // Either answer is fine: a located input error, or a complete render.
        if Scene::from_toml(Path::new("hostile.toml"), &text).is_ok() {
            render_scene_within(&text, Duration::from_secs(20));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Killing the binary part-way through
// ---------------------------------------------------------------------------------------------

fn small_scene() -> &'static str {
    "[output]\nname = \"k\"\nsize = [160, 160]\nsteps = 5\nfps = 10\nhold = 0\n\
     [surface]\nkind = \"bowl\"\n[[start]]\nat = [2.0, 1.0]\n\
     [[optimizer]]\nlabel = \"GD\"\nkind = \"gd\"\nlr = 0.1\n"
}

/// 8 runs (4 learning rates × 2 starts) on Rosenbrock. `steps = 3000` at 1600×1200 exceeds the
/// checker's 4 GiB frame budget, so the heavy scene has 1000 steps (≈ 30 s in a debug build).
fn sweep_scene(size: (u32, u32), steps: usize) -> String {
    format!(
        "[output]\nname = \"k\"\nsize = [{}, {}]\nsteps = {steps}\n\
         [surface]\nkind = \"rosenbrock\"\n\
         [[start]]\nat = [-1.5, 2.0]\n[[start]]\nat = [1.5, -0.5]\n\
         [[optimizer]]\nlabel = \"lr {{lr}}\"\nkind = \"momentum\"\n\
         lr = [0.0001, 0.0002, 0.0005, 0.001]\nbeta = 0.9\n",
        size.0, size.1
    )
}

const OUTPUT_NAMES: [&str; 6] = ["k.gif", "k.png", "k.svg", "k.csv", "k.html", "k.txt"];

/// Files `render` writes besides the animation: the charts, then the manifest and the gallery,
/// each atomically.
const BOOKKEEPING: [&str; 4] = ["k.loss.png", "k.loss.svg", "manifest.json", "index.html"];

/// The manifest and the gallery, when present, are complete files.
fn check_bookkeeping(out: &Path, name: &str) {
    match name {
        "manifest.json" => {
            let text = std::fs::read_to_string(out.join(name)).unwrap();
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("half-written manifest.json: {e}"));
        }
        "index.html" => {
            let text = std::fs::read_to_string(out.join(name)).unwrap();
            assert!(
                text.trim_end().ends_with("</html>"),
                "half-written index.html"
            );
        }
        _ => {}
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Old,
    New,
}

fn render_small(scenes: &TempDir, out: &Path) -> BTreeMap<String, Vec<u8>> {
    let small = scenes.path("small.toml");
    let o = Command::new(env!("CARGO_BIN_EXE_render"))
        .arg("-q")
        .arg("--out")
        .arg(out)
        .arg(&small)
        .output()
        .expect("cannot run render");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let names = listing(out);
    let temps: Vec<&String> = names.iter().filter(|n| n.contains(TEMP_MARKER)).collect();
    assert!(
        temps.is_empty(),
        "temporaries left after a valid render: {temps:?}"
    );
    OUTPUT_NAMES
        .iter()
        .map(|n| (n.to_string(), std::fs::read(out.join(n)).unwrap()))
        .collect()
}

/// After a kill: each output is byte-identical to the old one or a complete new one, and no
/// other non-temporary file is there. Returns what each output is and the temporaries.
fn inspect_after_kill(
    out: &Path,
    old: &BTreeMap<String, Vec<u8>>,
    new_frames: usize,
) -> (Vec<(String, Seen)>, Vec<String>) {
    let names = listing(out);
    let mut temps = Vec::new();
    for n in &names {
        if n.contains(TEMP_MARKER) {
            temps.push(n.clone());
        } else {
            assert!(
                OUTPUT_NAMES.contains(&n.as_str()) || BOOKKEEPING.contains(&n.as_str()),
                "unexpected file {n:?} in {names:?}"
            );
            check_bookkeeping(out, n);
        }
    }
    let mut seen = Vec::new();
    for n in OUTPUT_NAMES {
        let bytes = std::fs::read(out.join(n)).unwrap_or_else(|e| panic!("{n} is missing: {e}"));
        if bytes == old[n] {
            seen.push((n.to_string(), Seen::Old));
            continue;
        }
        match n {
            "k.gif" => {
                let frames = common::gif_summary(&bytes, true)
                    .unwrap_or_else(|e| panic!("half-written {n}: {e}"))
                    .delays
                    .len();
                assert_eq!(frames, new_frames, "{n} has {frames} frames");
            }
            "k.png" => {
                image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)
                    .unwrap_or_else(|e| panic!("half-written {n}: {e}"));
            }
            "k.svg" => {
                assert!(
                    bytes.starts_with(b"<svg ") && bytes.ends_with(b"</svg>\n"),
                    "half-written {n}"
                );
            }
            "k.html" => {
                assert!(
                    bytes.starts_with(b"<!DOCTYPE html>") && bytes.ends_with(b"</html>\n"),
                    "half-written {n}"
                );
            }
            "k.txt" => {
                let text = std::str::from_utf8(&bytes).expect("UTF-8 caption");
                assert!(
                    text.ends_with(".\n") && text.lines().count() >= 1,
                    "half-written {n}: {text:?}"
                );
            }
            _ => {
                let text = std::str::from_utf8(&bytes).expect("UTF-8 CSV");
                check_csv(text).unwrap_or_else(|e| panic!("half-written {n}: {e}"));
                let last = text.lines().last().unwrap();
                assert_eq!(last.split(',').count(), 6, "{last:?}");
            }
        }
        seen.push((n.to_string(), Seen::New));
    }
    (seen, temps)
}

fn stop(child: &mut Child, sigint: bool) {
    if sigint {
        let status = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("cannot run kill");
        assert!(status.success() || child.try_wait().unwrap().is_some());
    } else {
        let _ = child.kill();
    }
}

fn spawn_render(out: &Path, scene: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_render"))
        .arg("-q")
        .arg("--out")
        .arg(out)
        .arg(scene)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start render")
}

/// Kills renders at fixed delays and once as soon as a temporary output file appears (while
/// writing); returns a line per kill for the report.
fn kill_renders(
    tag: &str,
    sigint: bool,
    delays_ms: &[u64],
    writing_attempts: usize,
) -> Vec<String> {
    let scenes = TempDir::new("hardening", &format!("{tag}-scenes"));
    let out_dir = TempDir::new("hardening", &format!("{tag}-out"));
    let out = out_dir.0.clone();
    scenes.write("small.toml", small_scene());
    let heavy_steps = 1000;
    let heavy = scenes.write("heavy.toml", &sweep_scene((1600, 1200), heavy_steps));
    let medium_steps = 120;
    let medium = scenes.write("medium.toml", &sweep_scene((480, 360), medium_steps));
    let mut report = Vec::new();
    let describe = |what: &str,
                    status: Option<std::process::ExitStatus>,
                    seen: &[(String, Seen)],
                    temps: &[String]| {
        format!(
            "{tag} {what}: exit {status:?}; {}; temporaries left: {temps:?}",
            seen.iter()
                .map(|(n, s)| format!("{n} {s:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    for &ms in delays_ms {
        let old = render_small(&scenes, &out);
        let mut child = spawn_render(&out, &heavy);
        std::thread::sleep(Duration::from_millis(ms));
        let finished_before = child.try_wait().unwrap();
        stop(&mut child, sigint);
        let status = child.wait().unwrap();
        assert!(
            finished_before.is_none(),
            "the heavy render finished within {ms} ms"
        );
        assert!(
            !status.success(),
            "killed render reported success: {status:?}"
        );
        let (seen, temps) = inspect_after_kill(&out, &old, heavy_steps + 1);
        report.push(describe(
            &format!("after {ms} ms"),
            Some(status),
            &seen,
            &temps,
        ));
    }
    // Kill while writing: poll for the temporary file of one output (the GIF, then the PNG,
    // then the CSV, in turn) and kill at once.
    for attempt in 0..writing_attempts {
        let target = format!(".{}{TEMP_MARKER}", OUTPUT_NAMES[attempt % 3]);
        let old = render_small(&scenes, &out);
        let mut child = spawn_render(&out, &medium);
        let started = Instant::now();
        let mut caught = None;
        loop {
            if let Some(t) = listing(&out).into_iter().find(|n| n.starts_with(&target)) {
                stop(&mut child, sigint);
                caught = Some(t);
                break;
            }
            if child.try_wait().unwrap().is_some() || started.elapsed() > Duration::from_secs(60) {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        if caught.is_none() {
            let _ = child.kill();
        }
        let status = child.wait().unwrap();
        let (seen, temps) = inspect_after_kill(&out, &old, medium_steps + 1);
        let what = match &caught {
            Some(t) => format!(
                "while writing (attempt {attempt}, saw {t} after {} ms)",
                started.elapsed().as_millis()
            ),
            None => format!("while writing (attempt {attempt}): not caught, the render finished"),
        };
        report.push(describe(&what, Some(status), &seen, &temps));
    }
    // A valid render into the same folder leaves no temporaries (checked inside).
    let after = render_small(&scenes, &out);
    assert_eq!(after.len(), OUTPUT_NAMES.len());
    assert_eq!(
        listing(&out),
        vec![
            "index.html",
            "k.csv",
            "k.gif",
            "k.html",
            "k.loss.png",
            "k.loss.svg",
            "k.png",
            "k.svg",
            "k.txt",
            "manifest.json"
        ]
    );
    report
}

#[test]
fn sigkill_leaves_old_or_complete_new_outputs() {
    // 4 kills at fixed delays of the heavy render plus 3 kills timed to the temporary file of
    // k.gif, k.png, k.csv in turn, of a medium render (≈ 1 s each in a debug build).
    let report = kill_renders("sigkill", false, &[20, 80, 200, 500], 3);
    for line in &report {
        eprintln!("{line}");
    }
}

#[test]
fn sigint_leaves_old_or_complete_new_outputs() {
    // 2 SIGINTs (`kill -INT`) at fixed delays plus 1 timed to the temporary file of k.gif.
    let report = kill_renders("sigint", true, &[50, 300], 1);
    for line in &report {
        eprintln!("{line}");
    }
}
