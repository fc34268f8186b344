//! The JSON Schema of the scene format (`scene.schema.json`, used by Taplo / Even Better TOML).
//!
//! - The committed file is exactly `inertia::schema::scene_schema_json()`.
//! - Every shipped scene validates against it, checked by a small draft-07 validator below that
//!   supports exactly the keywords the schema uses (and refuses any other, so a new keyword in
//!   the schema cannot go unchecked here).
//! - The validator is tested on invalid documents, each of which the scene checker rejects too,
//!   and the schema's tables are compared with the keys the scene checker accepts.

use std::path::{Path, PathBuf};

use inertia::scene::Scene;
use inertia::schema::{scene_schema, scene_schema_json};
use serde_json::{json, Map, Value};

const REGENERATE: &str = "regenerate with `cargo run -- --schema > scene.schema.json` \
                          (or `INERTIA_BLESS=1 cargo test --test schema`)";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------------------------
// A minimal draft-07 validator.

/// Where and why a document breaks the schema. `path` is written like the scene checker's keys:
/// `output.fps`, `optimizer[1].beta`, `start[0].at[1]`; the root is the empty path.
#[derive(Debug, Clone, PartialEq)]
struct Violation {
    path: String,
    message: String,
}

/// Annotation keywords: they describe, they do not constrain.
const ANNOTATIONS: &[&str] = &["$schema", "title", "description", "default"];

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        // Draft-07: an integer is a number without a fractional part, so 3.0 is one.
        "integer" => {
            value.is_i64()
                || value.is_u64()
                || value
                    .as_f64()
                    .is_some_and(|x| x.is_finite() && x.fract() == 0.0)
        }
        other => panic!("the validator does not know the type {other:?}"),
    }
}

/// Validates `value` (at `path`) against `schema`; the first violation found, if any.
fn validate(schema: &Value, value: &Value, path: &str) -> Result<(), Violation> {
    let Value::Object(s) = schema else {
        panic!("{path}: a schema must be an object, found {schema}");
    };
    let fail = |message: String| {
        Err(Violation {
            path: path.to_string(),
            message,
        })
    };
    for k in s.keys() {
        let known = [
            "type",
            "enum",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "minItems",
            "maxItems",
            "items",
            "required",
            "properties",
            "additionalProperties",
            "anyOf",
        ];
        assert!(
            known.contains(&k.as_str()) || ANNOTATIONS.contains(&k.as_str()),
            "the validator does not support the keyword {k:?} (at {path:?})"
        );
    }
    if let Some(t) = s.get("type") {
        let name = t.as_str().expect("`type` is a single type name here");
        if !type_matches(name, value) {
            return fail(format!("expected {name}, found {value}"));
        }
    }
    if let Some(options) = s.get("enum") {
        let options = options.as_array().expect("`enum` is an array");
        if !options.contains(value) {
            return fail(format!(
                "{value} is not one of {}",
                Value::from(options.clone())
            ));
        }
    }
    if let Some(x) = value.as_f64() {
        let bound = |k: &str| s.get(k).map(|b| b.as_f64().expect("a numeric bound"));
        if let Some(b) = bound("minimum").filter(|b| x < *b) {
            return fail(format!("{x} is below the minimum {b}"));
        }
        if let Some(b) = bound("maximum").filter(|b| x > *b) {
            return fail(format!("{x} is above the maximum {b}"));
        }
        if let Some(b) = bound("exclusiveMinimum").filter(|b| x <= *b) {
            return fail(format!("{x} is not above {b}"));
        }
        if let Some(b) = bound("exclusiveMaximum").filter(|b| x >= *b) {
            return fail(format!("{x} is not below {b}"));
        }
    }
    if let Value::Array(items) = value {
        let count = |k: &str| s.get(k).map(|n| n.as_u64().expect("a count") as usize);
        if let Some(n) = count("minItems").filter(|n| items.len() < *n) {
            return fail(format!("{} item(s), fewer than {n}", items.len()));
        }
        if let Some(n) = count("maxItems").filter(|n| items.len() > *n) {
            return fail(format!("{} item(s), more than {n}", items.len()));
        }
        if let Some(item) = s.get("items") {
            assert!(
                item.is_object(),
                "only a single `items` schema is supported"
            );
            for (i, v) in items.iter().enumerate() {
                validate(item, v, &format!("{path}[{i}]"))?;
            }
        }
    }
    if let Value::Object(map) = value {
        for r in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let r = r.as_str().expect("required keys are strings");
            if !map.contains_key(r) {
                return fail(format!("missing the required key `{r}`"));
            }
        }
        let empty = Map::new();
        let props = s.get("properties").map_or(&empty, |p| {
            p.as_object().expect("`properties` is an object")
        });
        let closed = match s.get("additionalProperties") {
            None => false,
            Some(Value::Bool(false)) => true,
            Some(other) => panic!("only `additionalProperties: false` is supported, found {other}"),
        };
        for (k, v) in map {
            match props.get(k) {
                Some(sub) => validate(sub, v, &child(path, k))?,
                None if closed => {
                    return Err(Violation {
                        path: child(path, k),
                        message: format!("unknown key `{k}`"),
                    })
                }
                None => {}
            }
        }
    }
    if let Some(any) = s.get("anyOf") {
        let any = any.as_array().expect("`anyOf` is an array");
        let errors: Vec<Violation> = any
            .iter()
            .filter_map(|sub| validate(sub, value, path).err())
            .collect();
        if errors.len() == any.len() {
            let why: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.path, e.message))
                .collect();
            return fail(format!("matches none of anyOf ({})", why.join("; ")));
        }
    }
    Ok(())
}

/// A TOML document as the JSON a schema validator sees.
fn toml_to_json(source: &str) -> Value {
    toml::from_str::<Value>(source).expect("valid TOML")
}

fn check(source: &str) -> Result<(), Violation> {
    validate(&scene_schema(), &toml_to_json(source), "")
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
fn taplo_maps_the_scenes_to_the_schema() {
    let text = std::fs::read_to_string(root().join(".taplo.toml")).expect(".taplo.toml");
    let config: Value = toml::from_str(&text).expect(".taplo.toml is TOML");
    let rules = config["rule"].as_array().expect("[[rule]]");
    assert!(
        rules
            .iter()
            .any(|r| r["include"] == json!(["scenes/*.toml"])
                && r["schema"]["path"] == json!("./scene.schema.json")),
        "no rule maps scenes/*.toml to ./scene.schema.json: {config}"
    );
}

// ---------------------------------------------------------------------------------------------
// Shipped scenes: accepted by the schema and by the checker.

#[test]
fn every_shipped_scene_validates() {
    for path in scenes() {
        let source = std::fs::read_to_string(&path).unwrap();
        if let Err(v) = check(&source) {
            panic!(
                "{}: `{}`: {} (fix the scene, or the schema and {})",
                path.display(),
                v.path,
                v.message,
                REGENERATE
            );
        }
        if let Err(e) = Scene::from_toml(&path, &source) {
            panic!("the scene checker rejects {}: {e}", path.display());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Invalid documents: rejected by the schema (at the expected key) and by the checker.

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
    assert_eq!(check(BASE), Ok(()));
    let scene = Scene::from_toml(Path::new("base.toml"), BASE).expect("BASE is a valid scene");
    assert_eq!(scene.runs.len(), 3 * 2 + 2 * 2);
}

/// Whole numbers written with a fractional part of zero (`60.0`) are integers to draft-07, and
/// the checker takes them too: schema and checker agree.
#[test]
fn whole_numbers_written_as_floats_are_valid_for_both() {
    let doc = edit("steps = 60", "steps = 60.0");
    assert_eq!(check(&doc), Ok(()));
    let scene = Scene::from_toml(Path::new("whole.toml"), &doc).expect("60.0 steps");
    assert_eq!(scene.output.steps, 60);
    // 60.5 is neither.
    let doc = edit("steps = 60", "steps = 60.5");
    assert!(check(&doc).is_err());
    assert!(Scene::from_toml(Path::new("whole.toml"), &doc).is_err());
}

/// `(what, document, the schema's violation path)`.
fn invalid_documents() -> Vec<(&'static str, String, &'static str)> {
    vec![
        (
            "unknown key",
            edit("beta = [0.0, 0.5, 0.9]", "bta = [0.0, 0.5, 0.9]"),
            "optimizer[0].bta",
        ),
        (
            "unknown top-level key",
            edit("title = \"Base\"", "titel = \"Base\""),
            "titel",
        ),
        (
            "unknown key in an inline table",
            edit("seed = 7", "sed = 7"),
            "optimizer[0].noise.sed",
        ),
        (
            "unknown table",
            format!("{BASE}\n[colors]\nbg = 1\n"),
            "colors",
        ),
        (
            "wrong type: string",
            edit("fps = 15", "fps = \"15\""),
            "output.fps",
        ),
        (
            "wrong type: float steps",
            edit("steps = 60", "steps = 60.5"),
            "output.steps",
        ),
        (
            "wrong type: float size",
            edit("size = [640, 480]", "size = [640.5, 480]"),
            "output.size[0]",
        ),
        (
            "wrong type: pair",
            edit("at = [2.5, -2.0]", "at = 2.5"),
            "start[0].at",
        ),
        (
            "wrong type: sweep",
            edit("lr = 0.05", "lr = \"0.05\""),
            "optimizer[0].lr",
        ),
        (
            "wrong type: sweep item",
            edit("lr = [0.1, 0.3]", "lr = [0.1, \"0.3\"]"),
            "optimizer[1].lr",
        ),
        (
            "out of range: fps",
            edit("fps = 15", "fps = 60"),
            "output.fps",
        ),
        (
            "out of range: fps low",
            edit("fps = 15", "fps = 0.25"),
            "output.fps",
        ),
        (
            "out of range: size",
            edit("size = [640, 480]", "size = [640, 100]"),
            "output.size[1]",
        ),
        (
            "out of range: steps",
            edit("steps = 60", "steps = 0"),
            "output.steps",
        ),
        (
            "out of range: hold",
            edit("hold = 1.5", "hold = 31"),
            "output.hold",
        ),
        (
            "out of range: levels",
            edit("levels = 16", "levels = 1"),
            "draw.levels",
        ),
        ("out of range: b", edit("b = 10.0", "b = 0"), "surface.b"),
        (
            "out of range: lr",
            edit("lr = 0.05", "lr = 0"),
            "optimizer[0].lr",
        ),
        (
            "out of range: beta = 1",
            edit("beta = [0.0, 0.5, 0.9]", "beta = [0.0, 0.5, 1.0]"),
            "optimizer[0].beta",
        ),
        (
            "out of range: negative beta",
            edit("beta = [0.0, 0.5, 0.9]", "beta = -0.1"),
            "optimizer[0].beta",
        ),
        (
            "out of range: dampening",
            edit("dampening = 0.1", "dampening = 1.5"),
            "optimizer[0].dampening",
        ),
        (
            "out of range: beta2",
            edit("beta2 = 0.999", "beta2 = 1"),
            "optimizer[1].beta2",
        ),
        (
            "out of range: eps",
            edit("eps = 1e-8", "eps = 0.0"),
            "optimizer[1].eps",
        ),
        (
            "out of range: noise std",
            edit("std = 0.5", "std = -0.5"),
            "optimizer[0].noise.std",
        ),
        (
            "out of range: seed",
            edit("seed = 7", "seed = -7"),
            "optimizer[0].noise.seed",
        ),
        (
            "empty sweep",
            edit("beta = [0.0, 0.5, 0.9]", "beta = []"),
            "optimizer[0].beta",
        ),
        (
            "bad enum: surface kind",
            edit("kind = \"quadratic\"", "kind = \"quadratc\""),
            "surface.kind",
        ),
        (
            "bad enum: optimizer kind",
            edit("kind = \"adam\"", "kind = \"adamw\""),
            "optimizer[1].kind",
        ),
        (
            "bad enum: form",
            edit("form = \"pytorch\"", "form = \"torch\""),
            "optimizer[0].form",
        ),
        (
            "bad enum: aspect",
            edit("scale = \"auto\"", "scale = \"auto\"\naspect = \"square\""),
            "draw.aspect",
        ),
        (
            "bad enum: panels",
            edit("scale = \"auto\"", "scale = \"auto\"\npanels = \"grid\""),
            "draw.panels",
        ),
        (
            "bad enum: scale",
            edit("scale = \"auto\"", "scale = \"sqrt\""),
            "draw.scale",
        ),
        (
            "too-short pair",
            edit("at = [2.5, -2.0]", "at = [2.5]"),
            "start[0].at",
        ),
        (
            "too-long pair",
            edit("center = [0.5, -0.5]", "center = [0.5, -0.5, 1]"),
            "surface.center",
        ),
        (
            "too-short window",
            edit("x = [-3.0, 3.0]", "x = [-3.0]"),
            "surface.x",
        ),
        (
            "too-short size",
            edit("size = [640, 480]", "size = [640]"),
            "output.size",
        ),
        (
            "missing optimizer kind",
            edit("kind = \"adam\"\n", ""),
            "optimizer[1]",
        ),
        ("missing lr", edit("lr = [0.1, 0.3]\n", ""), "optimizer[1]"),
        ("missing at", edit("at = [-2, 2]\n", ""), "start[1]"),
        (
            "missing noise std",
            edit("std = 0.5, ", ""),
            "optimizer[0].noise",
        ),
    ]
}

#[test]
fn invalid_documents_are_rejected_by_the_schema_and_the_checker() {
    for (what, doc, expected_path) in invalid_documents() {
        let v = match check(&doc) {
            Ok(()) => panic!("{what}: the schema accepts\n{doc}"),
            Err(v) => v,
        };
        assert_eq!(v.path, expected_path, "{what}: {}", v.message);
        match Scene::from_toml(Path::new("invalid.toml"), &doc) {
            Ok(scene) => panic!(
                "{what}: the scene checker accepts\n{doc}\n({} runs)",
                scene.runs.len()
            ),
            // Shown with --nocapture: the two verdicts side by side.
            Err(e) => eprintln!(
                "{what}:\n  schema:  `{}`: {}\n  checker: `{}`: {}",
                v.path, v.message, e.key, e.message
            ),
        }
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
    for (what, doc, path) in [
        ("no surface", no_surface, ""),
        ("no start", no_start, ""),
        ("no optimizer", no_optimizer, ""),
    ] {
        let v = check(&doc).expect_err(what);
        assert_eq!(v.path, path, "{what}: {}", v.message);
        assert!(v.message.contains("missing"), "{what}: {}", v.message);
        assert!(
            Scene::from_toml(Path::new("x.toml"), &doc).is_err(),
            "{what}"
        );
    }
}

#[test]
fn the_validator_follows_draft_07() {
    let schema = json!({
        "type": "object",
        "properties": {
            "n": { "type": "integer", "minimum": 1 },
            "v": { "anyOf": [{ "type": "number" }, { "type": "array", "items": { "type": "number" } }] }
        },
        "additionalProperties": false
    });
    let ok = |v: Value| validate(&schema, &v, "");
    assert!(ok(json!({ "n": 3 })).is_ok());
    assert!(
        ok(json!({ "n": 3.0 })).is_ok(),
        "3.0 is an integer in draft-07"
    );
    assert!(ok(json!({ "n": 3.5 })).is_err());
    assert!(ok(json!({ "n": 0 })).is_err());
    assert!(ok(json!({ "v": 1 })).is_ok(), "an integer is a number");
    assert!(ok(json!({ "v": [1, 2.5] })).is_ok());
    assert_eq!(ok(json!({ "v": [1, "a"] })).unwrap_err().path, "v");
    assert_eq!(ok(json!({ "w": 1 })).unwrap_err().path, "w");
    assert!(ok(json!([])).is_err());
}

// ---------------------------------------------------------------------------------------------
// The schema's tables against the keys the scene checker accepts (serde's list of fields).

/// The keys the scene checker lists for a table, from the hint it gives for an unknown key.
fn checker_keys(doc: &str) -> Vec<String> {
    let e = Scene::from_toml(Path::new("keys.toml"), doc).expect_err("an unknown key");
    assert!(e.message.contains("zzqxzzqx"), "{e}");
    let hint = e.hint.clone().unwrap_or_default();
    let list = hint
        .strip_prefix("the keys here are ")
        .unwrap_or_else(|| panic!("unexpected hint: {e}"));
    let mut keys: Vec<String> = list
        .split(", ")
        .map(|k| k.trim_matches('`').to_string())
        .collect();
    keys.sort();
    keys
}

fn schema_keys(schema: &Value) -> Vec<String> {
    let mut keys: Vec<String> = schema["properties"]
        .as_object()
        .expect("a table schema")
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

#[test]
fn schema_tables_have_exactly_the_checker_keys() {
    let schema = scene_schema();
    let p = &schema["properties"];
    let cases: [(&str, String, &Value); 7] = [
        ("the top level", format!("zzqxzzqx = 1\n{BASE}"), &schema),
        (
            "[output]",
            edit("[output]\n", "[output]\nzzqxzzqx = 1\n"),
            &p["output"],
        ),
        (
            "[surface]",
            edit("[surface]\n", "[surface]\nzzqxzzqx = 1\n"),
            &p["surface"],
        ),
        (
            "[draw]",
            edit("[draw]\n", "[draw]\nzzqxzzqx = 1\n"),
            &p["draw"],
        ),
        (
            "[[start]]",
            edit("at = [-2, 2]\n", "at = [-2, 2]\nzzqxzzqx = 1\n"),
            &p["start"]["items"],
        ),
        (
            "[[optimizer]]",
            edit("eps = 1e-8\n", "eps = 1e-8\nzzqxzzqx = 1\n"),
            &p["optimizer"]["items"],
        ),
        (
            "noise",
            edit("seed = 7 }", "seed = 7, zzqxzzqx = 1 }"),
            &p["optimizer"]["items"]["properties"]["noise"],
        ),
    ];
    for (what, doc, sub) in cases {
        let (schema, checker) = (schema_keys(sub), checker_keys(&doc));
        if what == "[surface]" || what == "[[optimizer]]" {
            // The checker lists the keys of the table's kind, the schema those of every kind.
            for k in &checker {
                assert!(schema.contains(k), "{what}: {k} is not in the schema");
            }
        } else {
            assert_eq!(schema, checker, "{what}");
        }
        let v = check(&doc).expect_err(what);
        assert!(v.path.ends_with("zzqxzzqx"), "{what}: {v:?}");
    }
}

/// Calls `f` on every subschema, with its JSON pointer.
fn walk(schema: &Value, at: &str, f: &mut dyn FnMut(&str, &Value)) {
    f(at, schema);
    if let Some(Value::Object(props)) = schema.get("properties") {
        for (k, v) in props {
            walk(v, &format!("{at}/properties/{k}"), f);
        }
    }
    if let Some(items) = schema.get("items") {
        walk(items, &format!("{at}/items"), f);
    }
    if let Some(Value::Array(any)) = schema.get("anyOf") {
        for (i, v) in any.iter().enumerate() {
            walk(v, &format!("{at}/anyOf/{i}"), f);
        }
    }
}

#[test]
fn every_default_is_valid() {
    let mut defaults = 0;
    walk(&scene_schema(), "#", &mut |at, s| {
        if let Some(d) = s.get("default") {
            defaults += 1;
            if let Err(v) = validate(s, d, "") {
                panic!("{at}: the default {d} is invalid: {}", v.message);
            }
        }
    });
    assert!(defaults > 0);
}
