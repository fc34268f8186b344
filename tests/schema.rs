//! The JSON Schema of the scene format (`scene.schema.json`, used by Taplo / Even Better TOML),
//! checked by an independent draft-07 validator (the `jsonschema` crate):
//!
//! - the committed file is exactly `inertia::schema::scene_schema_json()`, and Taplo maps the
//!   scenes to it;
//! - every shipped scene validates, and the scene checker accepts it;
//! - invalid documents are rejected by the schema (at the expected place) and by the checker
//!   (at the expected key): schema and checker agree;
//! - for every declared key of every kind, a key of another kind, a value beyond each bound and
//!   the default written out get the same verdict from both.

use std::path::{Path, PathBuf};

use inertia::keys::{Absent, Bound, Key, Type};
use inertia::optimizer::OPTIMIZER_KINDS;
use inertia::scene::Scene;
use inertia::schema::{scene_schema, scene_schema_json};
use inertia::surface::{FORMULA, SURFACE_KINDS};
use serde_json::Value;

const REGENERATE: &str = "regenerate with `cargo run -- --schema > scene.schema.json` \
                          (or `INERTIA_BLESS=1 cargo test --test schema`)";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft7::new(&scene_schema()).expect("the schema is a valid draft-07 schema")
}

/// A JSON pointer (`/optimizer/1/beta`) written like the checker's keys (`optimizer[1].beta`).
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        if segment.parse::<usize>().is_ok() {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment.replace("~1", "/").replace("~0", "~"));
        }
    }
    out
}

/// A TOML document as the JSON a schema validator sees.
fn toml_to_json(source: &str) -> Value {
    toml::from_str::<Value>(source).expect("valid TOML")
}

/// The schema's complaints about a document: (where, what), empty when it validates.
fn schema_errors(source: &str) -> Vec<(String, String)> {
    let doc = toml_to_json(source);
    validator()
        .iter_errors(&doc)
        .map(|e| (dotted(e.instance_path().as_str()), e.to_string()))
        .collect()
}

/// The checker's complaints about a document: (key, message), empty when it accepts it.
fn checker_errors(source: &str) -> Vec<(String, String)> {
    match Scene::check(Path::new("doc.toml"), source) {
        Ok(_) => vec![],
        Err(errors) => errors.into_iter().map(|e| (e.key, e.message)).collect(),
    }
}

fn scenes() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("scenes"))
        .expect("scenes/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no scene in scenes/");
    paths
}

// ---------------------------------------------------------------------------------------------
// The committed file.

#[test]
fn committed_schema_is_up_to_date() {
    let path = root().join("scene.schema.json");
    let expected = scene_schema_json();
    if std::env::var_os("INERTIA_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &expected).expect("write scene.schema.json");
        eprintln!("wrote {}", path.display());
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != expected {
        let line = committed
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(expected.lines().count()))
            + 1;
        panic!("scene.schema.json is out of date (first difference at line {line}): {REGENERATE}");
    }
}

#[test]
fn the_schema_is_valid_draft_07() {
    let schema = scene_schema();
    assert!(
        jsonschema::draft7::meta::is_valid(&schema),
        "{:?}",
        jsonschema::draft7::meta::validate(&schema).err()
    );
}

#[test]
fn taplo_maps_the_scenes_to_the_schema() {
    let text = std::fs::read_to_string(root().join(".taplo.toml")).expect(".taplo.toml");
    let config: Value = toml::from_str(&text).expect(".taplo.toml is TOML");
    let rules = config["rule"].as_array().expect("[[rule]]");
    assert!(
        rules
            .iter()
            .any(|r| r["include"] == serde_json::json!(["scenes/*.toml"])
                && r["schema"]["path"] == "./scene.schema.json"),
        "no rule maps scenes/*.toml to ./scene.schema.json: {config}"
    );
}

// ---------------------------------------------------------------------------------------------
// Shipped scenes: accepted by the schema and by the checker.

#[test]
fn every_shipped_scene_validates() {
    for path in scenes() {
        let source = std::fs::read_to_string(&path).unwrap();
        let errors = schema_errors(&source);
        assert!(
            errors.is_empty(),
            "{}: {errors:?} (fix the scene, or the declarations and {REGENERATE})",
            path.display()
        );
        if let Err(e) = Scene::from_toml(&path, &source) {
            panic!("the scene checker rejects {}: {e}", path.display());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Invalid documents: rejected by the schema and by the checker, each at the expected place.

/// A valid scene that uses every table, sweeps and noise; the cases below each break one thing.
const BASE: &str = r#"title = "Base"

[output]
name = "base"
size = [640, 480]
fps = 15
steps = 60
hold = 1.5

[surface]
kind = "quadratic"
a = 1.0
b = 10.0
angle = 30
center = [0.5, -0.5]
x = [-3.0, 3.0]
y = [-3.0, 3.0]

[draw]
levels = 16
scale = "auto"

[[start]]
at = [2.5, -2.0]

[[start]]
at = [-2, 2]

[[optimizer]]
label = "Momentum β={beta}"
kind = "momentum"
form = "pytorch"
lr = 0.05
beta = [0.0, 0.5, 0.9]
dampening = 0.1
noise = { std = 0.5, seed = 7 }

[[optimizer]]
kind = "adam"
lr = [0.1, 0.3]
beta1 = 0.9
beta2 = 0.999
eps = 1e-8
"#;

/// `BASE` with `from` replaced by `to` (which must occur exactly once).
fn edit(from: &str, to: &str) -> String {
    assert_eq!(
        BASE.matches(from).count(),
        1,
        "`{from}` must occur once in BASE"
    );
    BASE.replacen(from, to, 1)
}

#[test]
fn the_base_scene_is_valid_for_both() {
    assert_eq!(schema_errors(BASE), vec![]);
    let scene = Scene::from_toml(Path::new("base.toml"), BASE).expect("BASE is a valid scene");
    assert_eq!(scene.runs.len(), 3 * 2 + 2 * 2);
}

/// Whole numbers written with a fractional part of zero (`60.0`) are integers to draft-07, and
/// the checker takes them too: schema and checker agree.
#[test]
fn whole_numbers_written_as_floats_are_valid_for_both() {
    let doc = edit("steps = 60", "steps = 60.0");
    assert_eq!(schema_errors(&doc), vec![]);
    let scene = Scene::from_toml(Path::new("whole.toml"), &doc).expect("60.0 steps");
    assert_eq!(scene.output.steps, 60);
    // 60.5 is neither.
    let doc = edit("steps = 60", "steps = 60.5");
    assert!(!schema_errors(&doc).is_empty());
    assert!(!checker_errors(&doc).is_empty());
}

/// `(what, document, where the schema complains, the key the checker names)`.
fn invalid_documents() -> Vec<(&'static str, String, &'static str, &'static str)> {
    vec![
        (
            "unknown key",
            edit("beta = [0.0, 0.5, 0.9]", "bta = [0.0, 0.5, 0.9]"),
            "optimizer[0]",
            "optimizer[0].bta",
        ),
        (
            "unknown top-level key",
            edit("title = \"Base\"", "titel = \"Base\""),
            "",
            "titel",
        ),
        (
            "unknown key in an inline table",
            edit("seed = 7", "sed = 7"),
            "optimizer[0].noise",
            "optimizer[0].noise.sed",
        ),
        (
            "unknown table",
            format!("{BASE}\n[colors]\nbg = 1\n"),
            "",
            "colors",
        ),
        (
            "wrong type: string",
            edit("fps = 15", "fps = \"15\""),
            "output.fps",
            "output.fps",
        ),
        (
            "wrong type: float steps",
            edit("steps = 60", "steps = 60.5"),
            "output.steps",
            "output.steps",
        ),
        (
            "wrong type: float size",
            edit("size = [640, 480]", "size = [640.5, 480]"),
            "output.size[0]",
            "output.size",
        ),
        (
            "wrong type: pair",
            edit("at = [2.5, -2.0]", "at = 2.5"),
            "start[0].at",
            "start[0].at",
        ),
        (
            "wrong type: sweep",
            edit("lr = 0.05", "lr = \"0.05\""),
            "optimizer[0].lr",
            "optimizer[0].lr",
        ),
        (
            "wrong type: sweep item",
            edit("lr = [0.1, 0.3]", "lr = [0.1, \"0.3\"]"),
            "optimizer[1].lr",
            "optimizer[1].lr",
        ),
        (
            "wrong type: a table",
            edit("title = \"Base\"", "title = \"Base\"\ndraw = 1")
                .replace("[draw]\nlevels = 16\nscale = \"auto\"\n", ""),
            "draw",
            "draw",
        ),
        (
            "out of range: fps",
            edit("fps = 15", "fps = 60"),
            "output.fps",
            "output.fps",
        ),
        (
            "out of range: fps low",
            edit("fps = 15", "fps = 0.25"),
            "output.fps",
            "output.fps",
        ),
        (
            "out of range: size",
            edit("size = [640, 480]", "size = [640, 100]"),
            "output.size[1]",
            "output.size",
        ),
        (
            "out of range: steps",
            edit("steps = 60", "steps = 0"),
            "output.steps",
            "output.steps",
        ),
        (
            "out of range: hold",
            edit("hold = 1.5", "hold = 31"),
            "output.hold",
            "output.hold",
        ),
        (
            "out of range: levels",
            edit("levels = 16", "levels = 1"),
            "draw.levels",
            "draw.levels",
        ),
        (
            "out of range: b",
            edit("b = 10.0", "b = 0"),
            "surface.b",
            "surface.b",
        ),
        (
            "out of range for this kind: rastrigin's a",
            edit(
                "kind = \"quadratic\"\na = 1.0\nb = 10.0\nangle = 30\ncenter = [0.5, -0.5]\n",
                "kind = \"rastrigin\"\na = -1\n",
            ),
            "surface.a",
            "surface.a",
        ),
        (
            "out of range: lr",
            edit("lr = 0.05", "lr = 0"),
            "optimizer[0].lr",
            "optimizer[0].lr",
        ),
        (
            "out of range: beta = 1",
            edit("beta = [0.0, 0.5, 0.9]", "beta = [0.0, 0.5, 1.0]"),
            "optimizer[0].beta",
            "optimizer[0].beta",
        ),
        (
            "out of range: negative beta",
            edit("beta = [0.0, 0.5, 0.9]", "beta = -0.1"),
            "optimizer[0].beta",
            "optimizer[0].beta",
        ),
        (
            "out of range: dampening",
            edit("dampening = 0.1", "dampening = 1.5"),
            "optimizer[0].dampening",
            "optimizer[0].dampening",
        ),
        (
            "out of range: beta2",
            edit("beta2 = 0.999", "beta2 = 1"),
            "optimizer[1].beta2",
            "optimizer[1].beta2",
        ),
        (
            "out of range: eps",
            edit("eps = 1e-8", "eps = 0.0"),
            "optimizer[1].eps",
            "optimizer[1].eps",
        ),
        (
            "out of range: noise std",
            edit("std = 0.5", "std = -0.5"),
            "optimizer[0].noise.std",
            "optimizer[0].noise.std",
        ),
        (
            "out of range: seed",
            edit("seed = 7", "seed = -7"),
            "optimizer[0].noise.seed",
            "optimizer[0].noise.seed",
        ),
        (
            "empty sweep",
            edit("beta = [0.0, 0.5, 0.9]", "beta = []"),
            "optimizer[0].beta",
            "optimizer[0].beta",
        ),
        (
            "not a file name",
            edit("name = \"base\"", "name = \"../base\""),
            "output.name",
            "output.name",
        ),
        (
            "bad enum: surface kind",
            edit("kind = \"quadratic\"", "kind = \"quadratc\""),
            "surface.kind",
            "surface.kind",
        ),
        (
            "bad enum: optimizer kind",
            edit("kind = \"adam\"", "kind = \"adamax\""),
            "optimizer[1].kind",
            "optimizer[1].kind",
        ),
        (
            "bad enum: form",
            edit("form = \"pytorch\"", "form = \"torch\""),
            "optimizer[0].form",
            "optimizer[0].form",
        ),
        (
            "a form of another kind",
            edit("kind = \"momentum\"", "kind = \"nesterov\"")
                .replace("form = \"pytorch\"", "form = \"velocity\"")
                .replace("dampening = 0.1\n", ""),
            "optimizer[0].form",
            "optimizer[0].form",
        ),
        (
            "bad enum: aspect",
            edit("scale = \"auto\"", "scale = \"auto\"\naspect = \"square\""),
            "draw.aspect",
            "draw.aspect",
        ),
        (
            "bad enum: panels",
            edit("scale = \"auto\"", "scale = \"auto\"\npanels = \"grid\""),
            "draw.panels",
            "draw.panels",
        ),
        (
            "bad enum: scale",
            edit("scale = \"auto\"", "scale = \"sqrt\""),
            "draw.scale",
            "draw.scale",
        ),
        (
            "bad enum: chart",
            edit(
                "scale = \"auto\"",
                "scale = \"auto\"\ncharts = [\"losses\"]",
            ),
            "draw.charts[0]",
            "draw.charts",
        ),
        (
            "a key of another surface kind",
            edit("angle = 30", "angle = 30\ntilt = 0.5"),
            "surface.tilt",
            "surface.tilt",
        ),
        (
            "a key of another optimizer kind",
            edit("beta1 = 0.9", "beta1 = 0.9\nbeta = 0.9"),
            "optimizer[1].beta",
            "optimizer[1].beta",
        ),
        (
            "a form on a kind without forms",
            edit("beta1 = 0.9", "beta1 = 0.9\nform = \"pytorch\""),
            "optimizer[1].form",
            "optimizer[1].form",
        ),
        (
            "a key of another form",
            edit("form = \"pytorch\"", "form = \"ema\""),
            "optimizer[0].dampening",
            "optimizer[0].dampening",
        ),
        (
            "both kind and expr",
            edit(
                "kind = \"quadratic\"",
                "kind = \"quadratic\"\nexpr = \"x^2\"",
            ),
            "surface",
            "surface.expr",
        ),
        (
            "neither kind nor expr",
            edit(
                "kind = \"quadratic\"\na = 1.0\nb = 10.0\nangle = 30\ncenter = [0.5, -0.5]\n",
                "",
            ),
            "surface",
            "surface",
        ),
        (
            "both data and data_file",
            edit(
                "kind = \"quadratic\"\na = 1.0\nb = 10.0\nangle = 30\ncenter = [0.5, -0.5]\n",
                "kind = \"linear_regression\"\ndata = [[0, 1], [1, 3]]\ndata_file = \"p.csv\"\n",
            ),
            "surface",
            "surface.data_file",
        ),
        (
            "neither data nor data_file",
            edit(
                "kind = \"quadratic\"\na = 1.0\nb = 10.0\nangle = 30\ncenter = [0.5, -0.5]\n",
                "kind = \"linear_regression\"\n",
            ),
            "surface",
            "surface",
        ),
        (
            "too-short pair",
            edit("at = [2.5, -2.0]", "at = [2.5]"),
            "start[0].at",
            "start[0].at",
        ),
        (
            "too-long pair",
            edit("center = [0.5, -0.5]", "center = [0.5, -0.5, 1]"),
            "surface.center",
            "surface.center",
        ),
        (
            "too-short window",
            edit("x = [-3.0, 3.0]", "x = [-3.0]"),
            "surface.x",
            "surface.x",
        ),
        (
            "too-short size",
            edit("size = [640, 480]", "size = [640]"),
            "output.size",
            "output.size",
        ),
        (
            "missing optimizer kind",
            edit("kind = \"adam\"\n", ""),
            "optimizer[1]",
            "optimizer[1].kind",
        ),
        (
            "missing lr",
            edit("lr = [0.1, 0.3]\n", ""),
            "optimizer[1]",
            "optimizer[1].lr",
        ),
        (
            "missing at",
            edit("at = [-2, 2]\n", ""),
            "start[1]",
            "start[1].at",
        ),
        (
            "missing noise std",
            edit("std = 0.5, ", ""),
            "optimizer[0].noise",
            "optimizer[0].noise.std",
        ),
    ]
}

#[test]
fn invalid_documents_are_rejected_by_the_schema_and_the_checker() {
    for (what, doc, schema_at, checker_at) in invalid_documents() {
        let schema = schema_errors(&doc);
        assert!(
            schema.iter().any(|(at, _)| at == schema_at),
            "{what}: the schema should complain at `{schema_at}`, it says {schema:#?}\n{doc}"
        );
        let checker = checker_errors(&doc);
        assert!(
            checker.iter().any(|(key, _)| key == checker_at),
            "{what}: the checker should complain at `{checker_at}`, it says {checker:#?}\n{doc}"
        );
        // Shown with --nocapture: the two verdicts side by side.
        eprintln!("{what}:\n  schema:  {schema:?}\n  checker: {checker:?}");
    }
}

#[test]
fn whole_scene_requirements() {
    // No [surface], no start point, no optimizer: both refuse.
    let no_surface =
        BASE.split("[surface]").next().unwrap().to_string() + &BASE[BASE.find("[draw]").unwrap()..];
    let no_start = BASE
        .replace("[[start]]\nat = [2.5, -2.0]\n", "")
        .replace("[[start]]\nat = [-2, 2]\n", "");
    let no_optimizer = BASE[..BASE.find("[[optimizer]]").unwrap()].to_string();
    for (what, doc, key) in [
        ("no surface", no_surface, "surface"),
        ("no start", no_start, "start"),
        ("no optimizer", no_optimizer, "optimizer"),
    ] {
        let schema = schema_errors(&doc);
        assert!(
            schema
                .iter()
                .any(|(at, message)| at.is_empty() && message.contains(key)),
            "{what}: {schema:?}"
        );
        let checker = checker_errors(&doc);
        assert_eq!(
            checker.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            [key],
            "{what}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Schema and checker agree on every declared key.

/// A value of `key`'s type that is valid for it, whatever its range.
fn some_value(key: &Key) -> String {
    match key.ty {
        Type::Number { .. } => "0.5".into(),
        Type::Whole { .. } => "1".into(),
        Type::Text => "\"x^2\"".into(),
        Type::PointsFile { .. } => "\"points.csv\"".into(),
        Type::Point | Type::Interval | Type::Position => "[0, 1]".into(),
        Type::Points { .. } | Type::Positions { .. } => "[[0, 1], [1, 3]]".into(),
        other => panic!("no sample value for {other:?}"),
    }
}

/// Values just beyond each of `key`'s bounds.
fn beyond(key: &Key) -> Vec<String> {
    let range = key.range();
    let mut out = Vec::new();
    match range.min {
        Bound::Exclusive(a) => out.push(a),
        Bound::Inclusive(a) => out.push(a - 0.5),
        Bound::Open => {}
    }
    match range.max {
        Bound::Exclusive(b) => out.push(b),
        Bound::Inclusive(b) => out.push(b + 0.5),
        Bound::Open => {}
    }
    out.into_iter().map(|v| format!("{v:?}")).collect()
}

/// The key written at its declared default or, when required, its example.
fn written(key: &Key) -> Option<String> {
    match key.absent {
        Absent::Number(v) => Some(format!("{v:?}")),
        Absent::Point([x, y]) => Some(format!("[{x:?}, {y:?}]")),
        Absent::Required => Some(key.example.to_string()),
        _ => None,
    }
}

#[track_caller]
fn both_accept(doc: &str, what: &str) {
    assert_eq!(
        schema_errors(doc),
        vec![],
        "{what}: the schema rejects\n{doc}"
    );
    assert_eq!(
        checker_errors(doc),
        vec![],
        "{what}: the checker rejects\n{doc}"
    );
}

#[track_caller]
fn both_reject(doc: &str, what: &str, key: &str) {
    let schema = schema_errors(doc);
    assert!(!schema.is_empty(), "{what}: the schema accepts\n{doc}");
    let checker = checker_errors(doc);
    assert!(
        checker.iter().any(|(k, _)| k == key),
        "{what}: the checker should name `{key}`: {checker:?}\n{doc}"
    );
}

#[test]
fn schema_and_checker_agree_on_every_surface_key() {
    let others: Vec<&Key> = SURFACE_KINDS
        .iter()
        .copied()
        .chain([FORMULA])
        .flat_map(|k| k.keys)
        .collect();
    let mut cases = 0;
    for kind in SURFACE_KINDS.iter().copied().chain([FORMULA]) {
        // The kind with what it needs: its required keys, or the first of an either-or.
        let mut needed = String::new();
        if kind.name != FORMULA.name {
            needed.push_str(&format!("kind = \"{}\"\n", kind.name));
        }
        for key in kind.keys {
            let needs =
                key.absent == Absent::Required || kind.exactly_one_of.first() == Some(&key.name);
            if needs {
                needed.push_str(&format!("{} = {}\n", key.name, key.example));
            }
        }
        // A 1-D kind starts at a number.
        let at = match kind.dims {
            Some(inertia::surface::Dims::One) => "0.5",
            _ => "[0.5, 0.5]",
        };
        let doc = |extra: &str| {
            format!(
                "[surface]\n{needed}{extra}\n[[start]]\nat = {at}\n\
                 [[optimizer]]\nkind = \"gd\"\nlr = 0.1\n"
            )
        };
        both_accept(&doc(""), kind.name);
        if kind.dims == Some(inertia::surface::Dims::One) {
            // A curve has no y range, and its start is no point of the plane.
            both_reject(&doc("y = [-1.0, 1.0]\n"), kind.name, "surface.y");
            let plane = doc("").replace("at = 0.5", "at = [0.5, 0.5]");
            both_reject(&plane, kind.name, "start[0].at");
            cases += 2;
        } else if kind.dims == Some(inertia::surface::Dims::Two) {
            let line = doc("").replace("at = [0.5, 0.5]", "at = 0.5");
            both_reject(&line, kind.name, "start[0].at");
            cases += 1;
        }
        for key in kind.keys {
            if let (Some(v), false) = (written(key), needed.contains(&format!("{} =", key.name))) {
                both_accept(&doc(&format!("{} = {v}\n", key.name)), key.name);
            }
            for v in beyond(key) {
                let what = format!("{}.{} = {v}", kind.name, key.name);
                both_reject(
                    &doc(&format!("{} = {v}\n", key.name)),
                    &what,
                    &format!("surface.{}", key.name),
                );
                cases += 1;
            }
        }
        for other in &others {
            if kind.key(other.name).is_some() || needed.contains(&format!("{} =", other.name)) {
                continue;
            }
            let what = format!("{} with {}", kind.name, other.name);
            let line = format!("{} = {}\n", other.name, some_value(other));
            let doc = doc(&line);
            let schema = schema_errors(&doc);
            assert!(!schema.is_empty(), "{what}: the schema accepts\n{doc}");
            assert!(
                !checker_errors(&doc).is_empty(),
                "{what}: the checker accepts\n{doc}"
            );
            cases += 1;
        }
    }
    assert!(cases > 40, "{cases} cases");
}

#[test]
fn schema_and_checker_agree_on_every_optimizer_key() {
    let mut cases = 0;
    for kind in OPTIMIZER_KINDS {
        for form in kind.forms {
            let form_line = if form.name.is_empty() {
                String::new()
            } else {
                format!("form = \"{}\"\n", form.name)
            };
            let doc = |extra: &str| {
                format!(
                    "[surface]\nkind = \"bowl\"\n[[start]]\nat = [0.5, 0.5]\n\
                     [[optimizer]]\nkind = \"{}\"\n{form_line}{extra}",
                    kind.name
                )
            };
            for key in kind.keys {
                let at = format!("optimizer[0].{}", key.name);
                let rest = if key.name == "lr" { "" } else { "lr = 0.1\n" };
                let what = format!("{}/{} {}", kind.name, form.name, key.name);
                if !key.applies_to_form(form.name) {
                    both_reject(&doc(&format!("{rest}{} = 0.5\n", key.name)), &what, &at);
                    cases += 1;
                    continue;
                }
                if let Some(v) = written(key) {
                    both_accept(&doc(&format!("{rest}{} = {v}\n", key.name)), &what);
                }
                for v in beyond(key) {
                    both_reject(&doc(&format!("{rest}{} = {v}\n", key.name)), &what, &at);
                    // The same value inside a sweep.
                    both_reject(&doc(&format!("{rest}{} = [{v}]\n", key.name)), &what, &at);
                    cases += 2;
                }
            }
            // Every other kind's key.
            for other in OPTIMIZER_KINDS.iter().flat_map(|k| k.keys) {
                if kind.key(other.name).is_none() {
                    let what = format!("{} with {}", kind.name, other.name);
                    let at = format!("optimizer[0].{}", other.name);
                    both_reject(
                        &doc(&format!("lr = 0.1\n{} = 0.5\n", other.name)),
                        &what,
                        &at,
                    );
                    cases += 1;
                }
            }
        }
        if !kind.has_named_forms() {
            let doc = format!(
                "[surface]\nkind = \"bowl\"\n[[start]]\nat = [0.5, 0.5]\n\
                 [[optimizer]]\nkind = \"{}\"\nlr = 0.1\nform = \"pytorch\"\n",
                kind.name
            );
            both_reject(&doc, kind.name, "optimizer[0].form");
        }
    }
    assert!(cases > 60, "{cases} cases");
}

/// Calls `f` on every subschema, with its JSON pointer.
fn walk(schema: &Value, at: &str, f: &mut dyn FnMut(&str, &Value)) {
    f(at, schema);
    let Value::Object(s) = schema else {
        return;
    };
    if let Some(Value::Object(props)) = s.get("properties") {
        for (k, v) in props {
            walk(v, &format!("{at}/properties/{k}"), f);
        }
    }
    for one in ["items", "if", "then", "not"] {
        if let Some(v) = s.get(one) {
            walk(v, &format!("{at}/{one}"), f);
        }
    }
    for list in ["anyOf", "allOf", "oneOf"] {
        if let Some(Value::Array(all)) = s.get(list) {
            for (i, v) in all.iter().enumerate() {
                walk(v, &format!("{at}/{list}/{i}"), f);
            }
        }
    }
}

#[test]
fn every_default_is_valid() {
    let mut defaults = 0;
    walk(&scene_schema(), "#", &mut |at, s| {
        if let Some(d) = s.get("default") {
            defaults += 1;
            let v = jsonschema::draft7::new(s).unwrap_or_else(|e| panic!("{at}: {e}"));
            if let Err(e) = v.validate(d) {
                panic!("{at}: the default {d} is invalid: {e}");
            }
        }
    });
    assert!(defaults > 20, "{defaults} defaults");
}
