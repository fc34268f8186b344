//! A JSON Schema (draft-07) of the scene file, for editors.
//!
//! Taplo (and the Even Better TOML extension built on it) validates and completes TOML against a
//! JSON Schema: `.taplo.toml` maps `scenes/*.toml` to the committed `scene.schema.json`, which is
//! exactly [`scene_schema_json`]'s output (`render --schema` prints it; `tests/schema.rs` checks
//! that the committed file is up to date and that every shipped scene validates).
//!
//! The schema is written by hand and mirrors [`crate::scene::file`] table for table and key for
//! key, with `additionalProperties: false` everywhere as the checker rejects unknown keys. Ranges
//! come from [`crate::scene::limits`] and the optimizer checks, and the `kind` and `form` enums
//! from [`SURFACE_KINDS`] and [`OPTIMIZER_KINDS`], so they cannot drift from the code. What a
//! schema cannot say (a window's min < max, `kind` or `expr` but not both, which keys a given kind
//! takes, the 64-run limit across sweeps) is left to [`crate::scene::Scene::from_toml`], which
//! remains the authority.

use serde_json::{json, Map, Value};

use crate::optimizer::OPTIMIZER_KINDS;
use crate::scene::limits;
use crate::surface::SURFACE_KINDS;

/// The draft the schema is written in (the one Taplo supports best).
pub const DRAFT: &str = "http://json-schema.org/draft-07/schema#";

/// `schema` with the keys of `extra` added (both must be JSON objects).
fn with(mut schema: Value, extra: Value) -> Value {
    if let (Value::Object(s), Value::Object(e)) = (&mut schema, extra) {
        s.extend(e);
    }
    schema
}

/// `schema` with a `description`.
fn described(schema: Value, description: impl Into<String>) -> Value {
    with(schema, json!({ "description": description.into() }))
}

/// A number, with its `bounds` (`minimum`, `exclusiveMaximum`, ...). Integers are numbers too.
fn number(bounds: Value) -> Value {
    with(json!({ "type": "number" }), bounds)
}

/// An integer, with its `bounds`.
fn integer(bounds: Value) -> Value {
    with(json!({ "type": "integer" }), bounds)
}

/// A point or a range: an array of exactly two numbers.
fn pair() -> Value {
    json!({
        "type": "array",
        "items": { "type": "number" },
        "minItems": 2,
        "maxItems": 2
    })
}

/// A table: the given properties and no others.
fn table(properties: Map<String, Value>, required: &[&str]) -> Value {
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false
    });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

/// A table's properties from `(key, schema)` pairs.
fn properties<const N: usize>(entries: [(&str, Value); N]) -> Map<String, Value> {
    entries
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// An optimizer hyper-parameter: a number within `bounds`, or a list of them (a sweep).
fn sweepable(bounds: Value, description: &str) -> Value {
    let one = number(bounds);
    json!({
        "description": format!("{description} A list is a sweep: one run per value."),
        "anyOf": [
            one,
            {
                "type": "array",
                "items": one,
                "minItems": 1,
                "maxItems": limits::MAX_RUNS
            }
        ]
    })
}

/// Every `form` name, in the order of [`OPTIMIZER_KINDS`], each once.
fn form_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for form in OPTIMIZER_KINDS.iter().flat_map(|k| k.forms) {
        if !form.name.is_empty() && !names.contains(&form.name) {
            names.push(form.name);
        }
    }
    names
}

fn output_schema() -> Value {
    let (size_lo, size_hi) = limits::SIZE;
    let (fps_lo, fps_hi) = limits::FPS;
    let props = properties([
        (
            "name",
            described(
                json!({ "type": "string" }),
                "Base name of the files written: NAME.gif, NAME.png and NAME.csv. Letters, \
                 digits, `_`, `-` and `.` (not first), at most 100 characters. Default: the \
                 scene file's name.",
            ),
        ),
        (
            "size",
            described(
                json!({
                    "type": "array",
                    "items": integer(json!({ "minimum": size_lo, "maximum": size_hi })),
                    "minItems": 2,
                    "maxItems": 2,
                    "default": [640, 480]
                }),
                format!("[width, height] in pixels, each from {size_lo} to {size_hi}."),
            ),
        ),
        (
            "fps",
            described(
                number(json!({ "minimum": fps_lo, "maximum": fps_hi, "default": 15 })),
                format!("Frames per second, {fps_lo} to {fps_hi}."),
            ),
        ),
        (
            "steps",
            described(
                integer(json!({ "minimum": 1, "maximum": limits::MAX_STEPS, "default": 60 })),
                format!(
                    "Optimizer steps, 1 to {}; the animation has steps + 1 frames (frame 0 is \
                     the start).",
                    limits::MAX_STEPS
                ),
            ),
        ),
        (
            "hold",
            described(
                number(json!({ "minimum": 0, "maximum": limits::MAX_HOLD, "default": 1.5 })),
                format!("Seconds the last frame is held, 0 to {}.", limits::MAX_HOLD),
            ),
        ),
    ]);
    described(table(props, &[]), "File names, canvas and clock.")
}

fn surface_schema() -> Value {
    let kinds: Vec<&str> = SURFACE_KINDS.iter().map(|k| k.name).collect();
    let kind_list = SURFACE_KINDS
        .iter()
        .map(|k| format!("`{}`: {}", k.name, k.formula))
        .collect::<Vec<_>>()
        .join("; ");
    let props = properties([
        (
            "kind",
            described(
                json!({ "type": "string", "enum": kinds }),
                format!(
                    "A built-in surface (not with `expr`; `render --list` shows them): {kind_list}."
                ),
            ),
        ),
        (
            "expr",
            described(
                json!({ "type": "string" }),
                "A formula in x and y (not with `kind`), e.g. \"(1 - x)^2 + 100*(y - x^2)^2\". \
                 `^` (or `**`) is right-associative, -x^2 is -(x²), and multiplication is \
                 explicit (2*x). Functions: exp ln log log10 sqrt sin cos tan tanh sinh cosh \
                 atan abs sigmoid, and min max atan2 pow (two arguments); constants pi and e.",
            ),
        ),
        (
            "a",
            described(
                number(json!({})),
                "quadratic: the curvature a (> 0, default 1); rosenbrock: a (default 1); \
                 rastrigin: the amplitude a (≥ 0, default 10).",
            ),
        ),
        (
            "b",
            described(
                number(json!({ "exclusiveMinimum": 0 })),
                "quadratic: the curvature b (> 0, default 10); rosenbrock: b (> 0, default 100).",
            ),
        ),
        (
            "angle",
            described(
                number(json!({ "default": 0 })),
                "quadratic: the rotation of the axes, in degrees.",
            ),
        ),
        (
            "center",
            described(
                with(pair(), json!({ "default": [0, 0] })),
                "quadratic: the centre [cx, cy].",
            ),
        ),
        (
            "tilt",
            described(
                number(json!({
                    "exclusiveMinimum": -1.5,
                    "exclusiveMaximum": 1.5,
                    "default": 0.6
                })),
                "multi_minima: the tilt, |tilt| < 1.5 (beyond it the shallow pit disappears).",
            ),
        ),
        (
            "data",
            described(
                json!({
                    "type": "array",
                    "items": pair(),
                    "minItems": 2,
                    "maxItems": limits::MAX_DATA_POINTS
                }),
                format!(
                    "linear_regression: the data points [[x, y], ...], 2 to {} of them (or \
                     `data_file`, not both).",
                    limits::MAX_DATA_POINTS
                ),
            ),
        ),
        (
            "data_file",
            described(
                json!({ "type": "string" }),
                "linear_regression: a CSV file of rows `x,y` (an optional header, `#` \
                 comments), relative to the scene file (or `data`, not both).",
            ),
        ),
        (
            "minima",
            described(
                json!({ "type": "array", "items": pair() }),
                "expr only: points [[x, y], ...] to mark as minima.",
            ),
        ),
        (
            "x",
            described(
                pair(),
                "The view window's x range [min, max], min < max. Default: the surface's own, \
                 grown to hold every start point.",
            ),
        ),
        (
            "y",
            described(
                pair(),
                "The view window's y range [min, max], min < max. Default: the surface's own, \
                 grown to hold every start point.",
            ),
        ),
    ]);
    described(
        table(props, &[]),
        "The loss surface: a built-in `kind` with its parameters, or a formula `expr` in x and \
         y (not both), and the view window.",
    )
}

fn draw_schema() -> Value {
    let (lo, hi) = limits::LEVELS;
    let props = properties([
        (
            "levels",
            described(
                integer(json!({ "minimum": lo, "maximum": hi, "default": 16 })),
                format!("Contour levels, {lo} to {hi}."),
            ),
        ),
        (
            "scale",
            described(
                json!({
                    "type": "string",
                    "enum": ["auto", "linear", "log"],
                    "default": "auto"
                }),
                "How contour levels are spaced: \"auto\" (log when the surface spans decades \
                 over the window), \"linear\" or \"log\".",
            ),
        ),
        (
            "charts",
            described(
                json!({
                    "type": "array",
                    "items": {
                        "type": "string",
                        "enum": crate::scene::CHARTS.iter().map(|c| c.name).collect::<Vec<_>>()
                    },
                    "default": ["loss"]
                }),
                "Static charts besides the animation, as NAME.<chart>.png and .svg: \"loss\" \
                 (f − f* and distance to the minimum against the step; f itself where no \
                 minimum is known), \"rate\" (the best convergence rate against β, β* marked), \"stability\" (the convergence \
                 factor over (lr, β)); these two need a convex quadratic surface; \"damping\" \
                 (x − x* against the step, heavy-ball runs labelled over-, critically or \
                 under-damped); \"ewma\" (the first noisy run's gradients and their moving \
                 averages, plain and bias-corrected; needs a run with noise); \"surface3d\" (a \
                 3-D view of the surface with the paths on it).",
            ),
        ),
        (
            "overlays",
            described(
                json!({
                    "type": "array",
                    "items": {
                        "type": "string",
                        "enum": crate::scene::OVERLAYS.iter().map(|c| c.name).collect::<Vec<_>>()
                    },
                    "default": []
                }),
                "Teaching overlays on every frame: \"velocity\" (the step just taken, continued \
                 from the head), \"gradient\" (the plain gradient step −lr·∇f at the head) and \
                 \"lookahead\" (where Nesterov's next gradient is taken) and \"loss\" (a small \
                 loss-curve chart beside the plot that grows with the animation).",
            ),
        ),
        (
            "panels",
            described(
                json!({
                    "type": "string",
                    "enum": crate::scene::PANELS.iter().map(|c| c.name).collect::<Vec<_>>(),
                    "default": "single"
                }),
                format!(
                    "\"single\": one plot holds every run. \"sweep\": small multiples, one \
                     panel per optimizer setting (each entry and each value of its sweeps). \
                     \"start\": one panel per start point, a setting in the same colour in \
                     every panel. At most {} panels, all on the same window and one step clock.",
                    limits::MAX_PANELS
                ),
            ),
        ),
        (
            "aspect",
            described(
                json!({
                    "type": "string",
                    "enum": crate::scene::ASPECTS.iter().map(|c| c.name).collect::<Vec<_>>(),
                    "default": "fill"
                }),
                "\"fill\": each axis stretched to fill the plot. \"equal\": one unit is as long \
                 across as up (circles stay round); the plot takes the window's proportions.",
            ),
        ),
    ]);
    described(table(props, &[]), "How the surface is shown.")
}

fn start_schema() -> Value {
    let props = properties([("at", described(pair(), "The start point [x, y]."))]);
    described(table(props, &["at"]), "A start point.")
}

fn optimizer_schema() -> Value {
    let kinds: Vec<&str> = OPTIMIZER_KINDS.iter().map(|k| k.name).collect();
    let kind_list = OPTIMIZER_KINDS
        .iter()
        .map(|k| {
            let keys: Vec<String> = k.keys.iter().map(|key| key.summary()).collect();
            format!("`{}` ({})", k.name, keys.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let form_list = OPTIMIZER_KINDS
        .iter()
        .filter(|k| k.has_named_forms())
        .map(|k| {
            let forms: Vec<String> = k
                .forms
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    if i == 0 {
                        format!("{} (default)", f.name)
                    } else {
                        f.name.to_string()
                    }
                })
                .collect();
            format!("{}: {}", k.name, forms.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let unit = json!({ "minimum": 0, "exclusiveMaximum": 1 });
    let noise = table(
        properties([
            (
                "std",
                described(
                    number(json!({ "minimum": 0 })),
                    "The standard deviation, ≥ 0: N(0, std²) is added to each gradient \
                     component wherever the gradient is taken.",
                ),
            ),
            (
                "seed",
                described(
                    integer(json!({ "minimum": 0, "default": 0 })),
                    "The seed, ≥ 0. Runs with the same seed see the same noise sequence.",
                ),
            ),
        ]),
        &["std"],
    );
    let props = properties([
        (
            "label",
            described(
                json!({ "type": "string" }),
                "The legend label. {key} placeholders are filled from the run's values: {lr}, \
                 {beta}, {dampening}, {beta1}, {beta2}, {alpha}, {eps}, {lr_decay}, {kind}, \
                 {form}, {start}, {run}; {{ and }} are literal braces. Default: the optimizer's \
                 name and the swept values, and the start point when there are several.",
            ),
        ),
        (
            "kind",
            described(
                json!({ "type": "string", "enum": kinds }),
                format!("The optimizer, with its keys: {kind_list}."),
            ),
        ),
        (
            "form",
            described(
                json!({ "type": "string", "enum": form_names() }),
                format!("The update rule's form ({form_list})."),
            ),
        ),
        (
            "lr",
            sweepable(
                json!({ "exclusiveMinimum": 0 }),
                "The learning rate, > 0 (required).",
            ),
        ),
        (
            "beta",
            with(
                sweepable(unit.clone(), "momentum, nesterov: β, 0 ≤ β < 1."),
                json!({ "default": 0.9 }),
            ),
        ),
        (
            "dampening",
            with(
                sweepable(
                    json!({ "minimum": 0, "maximum": 1 }),
                    "momentum (pytorch form only): the dampening, 0 to 1.",
                ),
                json!({ "default": 0 }),
            ),
        ),
        (
            "beta1",
            with(
                sweepable(unit.clone(), "adam: β₁, 0 ≤ β₁ < 1."),
                json!({ "default": 0.9 }),
            ),
        ),
        (
            "beta2",
            with(
                sweepable(unit.clone(), "adam: β₂, 0 ≤ β₂ < 1."),
                json!({ "default": 0.999 }),
            ),
        ),
        (
            "alpha",
            with(
                sweepable(unit, "rmsprop: the smoothing constant α, 0 ≤ α < 1."),
                json!({ "default": 0.99 }),
            ),
        ),
        (
            "eps",
            sweepable(
                json!({ "exclusiveMinimum": 0 }),
                "adagrad, rmsprop, adam: ε, > 0 (default 1e-10 for adagrad, 1e-8 otherwise).",
            ),
        ),
        (
            "lr_decay",
            with(
                sweepable(
                    json!({ "minimum": 0 }),
                    "adagrad: the learning-rate decay, ≥ 0.",
                ),
                json!({ "default": 0 }),
            ),
        ),
        (
            "noise",
            described(
                noise,
                "Gaussian gradient noise (optional), e.g. { std = 0.5, seed = 7 }.",
            ),
        ),
    ]);
    described(table(props, &["kind", "lr"]), "An optimizer entry.")
}

/// The JSON Schema of a scene file.
pub fn scene_schema() -> Value {
    let props = properties([
        (
            "title",
            described(
                json!({ "type": "string" }),
                "The figure's title. Default: the surface kind.",
            ),
        ),
        ("output", output_schema()),
        ("surface", surface_schema()),
        ("draw", draw_schema()),
        (
            "start",
            described(
                json!({
                    "type": "array",
                    "items": start_schema(),
                    "minItems": 1,
                    "maxItems": limits::MAX_RUNS
                }),
                "[[start]]: one or more start points.",
            ),
        ),
        (
            "optimizer",
            described(
                json!({
                    "type": "array",
                    "items": optimizer_schema(),
                    "minItems": 1,
                    "maxItems": limits::MAX_RUNS
                }),
                format!(
                    "[[optimizer]]: one or more optimizer entries. Runs expand in this order: \
                     entries in file order, then sweep values in list order, then start points \
                     in file order; several swept keys on one entry give every combination. At \
                     most {} runs in all.",
                    limits::MAX_RUNS
                ),
            ),
        ),
    ]);
    with(
        json!({
            "$schema": DRAFT,
            "title": "inertia scene",
            "description": "A scene of inertia's `render`: a surface, start points and \
                            optimizers with their hyper-parameters, sweeps included."
        }),
        table(props, &["surface", "start", "optimizer"]),
    )
}

/// [`scene_schema`] as pretty-printed JSON with a trailing newline, as committed in
/// `scene.schema.json` and printed by `render --schema`.
pub fn scene_schema_json() -> String {
    let mut text =
        serde_json::to_string_pretty(&scene_schema()).expect("a JSON value always serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calls `f` on every subschema (the schema itself included), with its JSON pointer.
    fn walk(schema: &Value, at: &str, f: &mut dyn FnMut(&str, &Map<String, Value>)) {
        let Value::Object(s) = schema else {
            panic!("{at}: a schema is an object");
        };
        f(at, s);
        if let Some(Value::Object(props)) = s.get("properties") {
            for (k, v) in props {
                walk(v, &format!("{at}/properties/{k}"), f);
            }
        }
        if let Some(items) = s.get("items") {
            walk(items, &format!("{at}/items"), f);
        }
        if let Some(Value::Array(any)) = s.get("anyOf") {
            for (i, v) in any.iter().enumerate() {
                walk(v, &format!("{at}/anyOf/{i}"), f);
            }
        }
    }

    #[test]
    fn schema_json_is_pretty_with_a_trailing_newline_and_round_trips() {
        let text = scene_schema_json();
        assert!(text.ends_with("}\n") && !text.ends_with("\n\n"));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, scene_schema());
        assert_eq!(scene_schema()["$schema"], DRAFT);
        assert_eq!(text, scene_schema_json(), "deterministic");
    }

    #[test]
    fn every_table_is_closed_and_every_key_described() {
        walk(&scene_schema(), "#", &mut |at, s| {
            if s.get("type") == Some(&json!("object")) {
                assert_eq!(s.get("additionalProperties"), Some(&json!(false)), "{at}");
                for (k, v) in s["properties"].as_object().unwrap() {
                    let d = v.get("description").and_then(Value::as_str);
                    assert!(
                        d.is_some_and(|d| !d.is_empty()),
                        "{at}/{k} has no description"
                    );
                }
                for r in s
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    assert!(
                        s["properties"].get(r.as_str().unwrap()).is_some(),
                        "{at}: {r}"
                    );
                }
            }
        });
    }

    #[test]
    fn enums_come_from_the_catalogues() {
        let schema = scene_schema();
        let surface_kinds: Vec<&str> = SURFACE_KINDS.iter().map(|k| k.name).collect();
        assert_eq!(
            schema["properties"]["surface"]["properties"]["kind"]["enum"],
            json!(surface_kinds)
        );
        let optimizer = &schema["properties"]["optimizer"]["items"]["properties"];
        let optimizer_kinds: Vec<&str> = OPTIMIZER_KINDS.iter().map(|k| k.name).collect();
        assert_eq!(optimizer["kind"]["enum"], json!(optimizer_kinds));
        assert_eq!(
            optimizer["form"]["enum"],
            json!(["pytorch", "ema", "velocity", "lookahead"])
        );
    }
}
