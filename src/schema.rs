//! The JSON Schema (draft-07) of the scene file, generated from the declarations.
//!
//! Taplo (and the Even Better TOML extension built on it) validates and completes TOML against a
//! JSON Schema: `.taplo.toml` maps `scenes/*.toml` to the committed `scene.schema.json`, which is
//! exactly [`scene_schema_json`]'s output (`render --schema` prints it; `tests/schema.rs` checks
//! that the committed file is up to date and validates every shipped scene and a set of invalid
//! documents with an independent validator).
//!
//! Nothing here is written by hand: every table, key, range, default, description and name comes
//! from the same declarations the scene checker reads ([`crate::scene::tables`], each surface
//! kind's and optimizer kind's file). Every table is closed (`additionalProperties: false`), as
//! the checker rejects unknown keys. The kind-dependent tables list every kind's keys and then
//! say, per kind (`if` its `kind` is ..., `then` ...), which keys it takes, within which ranges
//! and with which defaults, and which forms; a key of another kind is `false` there. What a
//! schema cannot say (a window's min < max, the 64-run limit across sweeps, a data file's
//! content) is left to [`crate::scene::Scene::from_toml`], which remains the authority.

use serde_json::{json, Map, Value};

use crate::keys::{Absent, Bound, Choice, Key, Range, Type};
use crate::optimizer::{OptimizerKind, OPTIMIZER_KINDS};
use crate::scene::{limits, tables};
use crate::schedule::SCHEDULE_KINDS;
use crate::surface::{Dims, SurfaceKind, FORMULA, SURFACE_KINDS};

/// The draft the schema is written in (the one Taplo supports best).
pub const DRAFT: &str = "http://json-schema.org/draft-07/schema#";

/// `schema` with the keys of `extra` added (both must be JSON objects).
fn with(mut schema: Value, extra: Value) -> Value {
    if let (Value::Object(s), Value::Object(e)) = (&mut schema, extra) {
        s.extend(e);
    }
    schema
}

/// A number as JSON, written as an integer when it is one (`15`, not `15.0`), as scenes write
/// it.
fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

/// A number's bounds as schema keywords.
fn bounds(range: Range) -> Value {
    let mut b = Map::new();
    match range.min {
        Bound::Inclusive(v) => b.insert("minimum".into(), number(v)),
        Bound::Exclusive(v) => b.insert("exclusiveMinimum".into(), number(v)),
        Bound::Open => None,
    };
    match range.max {
        Bound::Inclusive(v) => b.insert("maximum".into(), number(v)),
        Bound::Exclusive(v) => b.insert("exclusiveMaximum".into(), number(v)),
        Bound::Open => None,
    };
    Value::Object(b)
}

/// A point or a range: an array of exactly two numbers.
fn pair(item: Value) -> Value {
    json!({ "type": "array", "items": item, "minItems": 2, "maxItems": 2 })
}

fn names(choices: &[Choice]) -> Vec<&'static str> {
    choices.iter().map(|c| c.name).collect()
}

/// One value (`one`), or with `sweep` also a list of them.
fn maybe_swept(one: Value, sweep: bool) -> Value {
    if sweep {
        json!({
            "anyOf": [
                one,
                { "type": "array", "items": one, "minItems": 1, "maxItems": limits::MAX_RUNS }
            ]
        })
    } else {
        one
    }
}

/// A number within `range`, or one of `names` (values theory computes), or with `sweep` a
/// list of these.
fn number_schema(range: Range, sweep: bool, names: &[&str]) -> Value {
    let number = with(json!({ "type": "number" }), bounds(range));
    let one = if names.is_empty() {
        number
    } else {
        json!({ "anyOf": [number, { "type": "string", "enum": names }] })
    };
    maybe_swept(one, sweep)
}

/// The names a key's number may be written as.
fn named(key: &Key) -> Vec<&'static str> {
    key.named.iter().map(|n| n.name).collect()
}

/// The type part of a key's schema.
fn type_schema(key: &Key) -> Value {
    match key.ty {
        Type::Number { range, sweep } => number_schema(range, sweep, &named(key)),
        Type::Whole { range, sweep } => {
            maybe_swept(with(json!({ "type": "integer" }), bounds(range)), sweep)
        }
        Type::Bool { sweep } => maybe_swept(json!({ "type": "boolean" }), sweep),
        Type::WholeList { range } => json!({
            "type": "array",
            "items": with(json!({ "type": "integer" }), bounds(range)),
            "minItems": 1
        }),
        Type::Schedule => schedule_schema(),
        Type::Text | Type::PointsFile { .. } | Type::FontFile => json!({ "type": "string" }),
        Type::FileName => json!({
            "type": "string",
            "pattern": "^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$"
        }),
        Type::Choice(choices) => json!({ "type": "string", "enum": names(choices) }),
        Type::Choices(choices) => json!({
            "type": "array",
            "items": { "type": "string", "enum": names(choices) }
        }),
        Type::SweptKeys => json!({
            "type": "array",
            "items": { "type": "string", "enum": names(&tables::slider_keys()) }
        }),
        Type::Point | Type::Interval => pair(json!({ "type": "number" })),
        Type::Position => {
            json!({ "anyOf": [{ "type": "number" }, pair(json!({ "type": "number" }))] })
        }
        Type::Positions { min, max } => {
            let list = |item: Value| {
                let mut s = json!({ "type": "array", "items": item });
                if min > 0 {
                    s["minItems"] = json!(min);
                }
                if max != usize::MAX {
                    s["maxItems"] = json!(max);
                }
                s
            };
            json!({ "anyOf": [
                list(json!({ "type": "number" })),
                list(pair(json!({ "type": "number" })))
            ] })
        }
        Type::WholePair { range, .. } => pair(with(json!({ "type": "integer" }), bounds(range))),
        Type::Points { min, max } => {
            let mut s = json!({ "type": "array", "items": pair(json!({ "type": "number" })) });
            if min > 0 {
                s["minItems"] = json!(min);
            }
            if max != usize::MAX {
                s["maxItems"] = json!(max);
            }
            s
        }
        Type::Table(keys) => table(keys, &[]),
        Type::Tables { keys, max } => {
            let mut s = json!({ "type": "array", "items": table(keys, &[]), "maxItems": max });
            if key.absent == Absent::Required {
                s["minItems"] = json!(1);
            }
            s
        }
        Type::Surface => surface_schema(),
        Type::Optimizers => json!({
            "type": "array",
            "items": optimizer_schema(),
            "minItems": 1,
            "maxItems": limits::MAX_RUNS
        }),
    }
}

/// A key's description: its doc, the names it takes, what a valid value is and its default
/// where that is not a plain value.
fn description(key: &Key) -> String {
    let mut text = key.doc.to_string();
    if let Type::Choice(choices) | Type::Choices(choices) = key.ty {
        let each: Vec<String> = choices
            .iter()
            .map(|c| format!("\"{}\": {}", c.name, c.doc.trim_end_matches('.')))
            .collect();
        text.push(' ');
        text.push_str(&each.join("; "));
        text.push('.');
    }
    if key.range() != Range::ANY {
        text.push_str(&format!(" Expected: {}.", key.expected()));
    }
    if !key.named.is_empty() {
        let each: Vec<String> = key
            .named
            .iter()
            .map(|n| format!("\"{}\": {}", n.name, n.doc.trim_end_matches('.')))
            .collect();
        text.push_str(&format!(
            " On convex quadratic surfaces also {}.",
            each.join("; ")
        ));
    }
    if let Type::Number { sweep: true, .. }
    | Type::Whole { sweep: true, .. }
    | Type::Bool { sweep: true } = key.ty
    {
        text.push_str(" A list is a sweep: one run per value.");
    }
    if !key.forms.is_empty() {
        text.push_str(&format!(" Only for the {} form.", key.forms.join(", ")));
    }
    match key.absent {
        Absent::Required => text.push_str(" Required."),
        Absent::Computed(words) => text.push_str(&format!(" Default: {words}.")),
        _ => {}
    }
    text
}

/// A key's default as JSON, when it is a plain value.
fn default(key: &Key) -> Option<Value> {
    Some(match key.absent {
        Absent::Number(v) => number(v),
        Absent::Whole(v) => json!(v),
        Absent::Bool(v) => json!(v),
        Absent::Point(p) => json!([number(p[0]), number(p[1])]),
        Absent::WholePair(p) => json!(p),
        Absent::Name(n) => json!(n),
        Absent::Names(n) => json!(n),
        Absent::Required | Absent::Optional | Absent::Computed(_) => return None,
    })
}

/// A key's whole schema: type, description and default.
fn key_schema(key: &Key) -> Value {
    let mut s = with(type_schema(key), json!({ "description": description(key) }));
    if let Some(d) = default(key) {
        s["default"] = d;
    }
    s
}

/// A closed table of `keys` (plus `extra` properties already made).
fn table(keys: &[Key], extra: &[(&str, Value)]) -> Value {
    let mut props: Map<String, Value> = keys
        .iter()
        .map(|k| (k.name.to_string(), key_schema(k)))
        .collect();
    for (k, v) in extra {
        props.insert(k.to_string(), v.clone());
    }
    let required: Vec<&str> = keys
        .iter()
        .filter(|k| k.absent == Absent::Required)
        .map(|k| k.name)
        .collect();
    let mut s = json!({ "type": "object", "properties": props, "additionalProperties": false });
    if !required.is_empty() {
        s["required"] = json!(required);
    }
    s
}

/// Every key the kinds declare, by name, with the names of the kinds that declare it: the
/// kind-dependent table lists them all (a closed table must), and each kind's `then` says which
/// are its own.
fn union<'k>(
    kinds: impl Iterator<Item = (&'static str, &'k [Key])>,
) -> Vec<(Key, Vec<&'static str>)> {
    let mut all: Vec<(Key, Vec<&'static str>)> = Vec::new();
    for (kind, keys) in kinds {
        for key in keys {
            match all.iter_mut().find(|(k, _)| k.name == key.name) {
                Some((_, owners)) => owners.push(kind),
                None => all.push((*key, vec![kind])),
            }
        }
    }
    all
}

/// A union key's schema in the shared list: its type with no range and every owner's names
/// (each kind's `then` has the kind's own), and each owner's doc. Owners whose keys of one name
/// take different types (`center`, a point of the plane's quadratic and a number of the
/// curve's) give any of them.
fn union_key_schema(key: &Key, owners: &[&str], docs: &[String], names: &[&str]) -> Value {
    union_types_schema(&[*key], owners, docs, names)
}

/// [`union_key_schema`] for the keys of one name that `owners` declare.
fn union_types_schema(keys: &[Key], owners: &[&str], docs: &[String], names: &[&str]) -> Value {
    let loose = |key: &Key| match key.ty {
        Type::Number { sweep, .. } => number_schema(Range::ANY, sweep, names),
        Type::Whole { sweep, .. } => maybe_swept(json!({ "type": "integer" }), sweep),
        _ => type_schema(key),
    };
    let mut types: Vec<Value> = Vec::new();
    for key in keys {
        let t = loose(key);
        if !types.contains(&t) {
            types.push(t);
        }
    }
    let loose_type = match types.len() {
        1 => types.remove(0),
        _ => json!({ "anyOf": types }),
    };
    // Owners that document the key alike share one sentence: "adagrad, rmsprop, adam: ...".
    let mut groups: Vec<(Vec<&str>, &str)> = Vec::new();
    for (owner, doc) in owners.iter().zip(docs) {
        match groups.iter_mut().find(|(_, d)| *d == doc.as_str()) {
            Some((names, _)) => names.push(owner),
            None => groups.push((vec![owner], doc)),
        }
    }
    let described: Vec<String> = groups
        .iter()
        .map(|(names, doc)| format!("{}: {doc}", names.join(", ")))
        .collect();
    with(loose_type, json!({ "description": described.join(" ") }))
}

/// `if` the table's `kind` is `name`.
fn kind_is(name: &str) -> Value {
    json!({ "properties": { "kind": { "const": name } }, "required": ["kind"] })
}

/// A kind's `then`: its own keys in full, every other kind's key `false`, its required keys.
fn kind_then(own: &[Key], others: impl Iterator<Item = &'static str>) -> Map<String, Value> {
    let mut props: Map<String, Value> = own
        .iter()
        .map(|k| (k.name.to_string(), key_schema(k)))
        .collect();
    for name in others {
        if !own.iter().any(|k| k.name == name) {
            props.insert(name.to_string(), json!(false));
        }
    }
    let mut then = Map::new();
    then.insert("properties".into(), Value::Object(props));
    let required: Vec<&str> = own
        .iter()
        .filter(|k| k.absent == Absent::Required)
        .map(|k| k.name)
        .collect();
    if !required.is_empty() {
        then.insert("required".into(), json!(required));
    }
    then
}

fn surface_schema() -> Value {
    let all: Vec<&'static SurfaceKind> = SURFACE_KINDS.iter().copied().chain([FORMULA]).collect();
    let shared = union(all.iter().map(|k| (k.name, k.keys)));
    let kind_list: Vec<String> = SURFACE_KINDS
        .iter()
        .map(|k| format!("`{}`: {}", k.name, k.formula))
        .collect();
    let mut props: Map<String, Value> = Map::new();
    props.insert(
        tables::SURFACE_KIND.name.into(),
        json!({
            "type": "string",
            "enum": SURFACE_KINDS.iter().map(|k| k.name).collect::<Vec<_>>(),
            "description": format!("{} {}.", tables::SURFACE_KIND.doc, kind_list.join("; "))
        }),
    );
    for (key, owners) in &shared {
        let owned: Vec<Key> = owners
            .iter()
            .map(|o| {
                let kind = all.iter().find(|k| k.name == *o).expect("an owner");
                *kind.key(key.name).expect("its key")
            })
            .collect();
        let docs: Vec<String> = owned.iter().map(|k| k.doc.to_string()).collect();
        props.insert(
            key.name.into(),
            union_types_schema(&owned, owners, &docs, &[]),
        );
    }
    for key in tables::WINDOW_KEYS {
        props.insert(key.name.into(), key_schema(key));
    }
    let shared_names = || shared.iter().map(|(k, _)| k.name);
    let mut cases: Vec<Value> = Vec::new();
    for kind in &all {
        let mut then = kind_then(kind.keys, shared_names());
        if kind.dims == Some(Dims::One) {
            // A curve has no y to show.
            if let Some(Value::Object(props)) = then.get_mut("properties") {
                props.insert(tables::WINDOW_KEYS[1].name.into(), json!(false));
            }
        }
        if !kind.exactly_one_of.is_empty() {
            let one_of: Vec<Value> = kind
                .exactly_one_of
                .iter()
                .map(|k| json!({ "required": [k] }))
                .collect();
            then.insert("oneOf".into(), Value::Array(one_of));
        }
        let condition = if kind.name == FORMULA.name {
            json!({ "required": [FORMULA.keys[0].name] })
        } else {
            kind_is(kind.name)
        };
        cases.push(json!({ "if": condition, "then": then }));
    }
    json!({
        "type": "object",
        "description": tables::SURFACE.doc,
        "properties": props,
        "additionalProperties": false,
        // A built-in kind, or a formula: exactly one of the two.
        "oneOf": [
            { "required": [tables::SURFACE_KIND.name] },
            { "required": [FORMULA.keys[0].name] }
        ],
        "allOf": cases
    })
}

fn optimizer_schema() -> Value {
    let shared = union(OPTIMIZER_KINDS.iter().map(|k| (k.name, k.keys)));
    let forms: Vec<&str> = {
        let mut forms = Vec::new();
        for f in OPTIMIZER_KINDS.iter().flat_map(|k| k.forms) {
            if !f.name.is_empty() && !forms.contains(&f.name) {
                forms.push(f.name);
            }
        }
        forms
    };
    let mut props: Map<String, Value> = Map::new();
    for key in tables::OPTIMIZER_KEYS {
        props.insert(key.name.into(), key_schema(key));
    }
    let kind_list: Vec<String> = OPTIMIZER_KINDS
        .iter()
        .map(|k| format!("`{}`: {}", k.name, k.doc.trim_end_matches('.')))
        .collect();
    props.insert(
        tables::OPTIMIZER_KIND.name.into(),
        json!({
            "type": "string",
            "enum": OPTIMIZER_KINDS.iter().map(|k| k.name).collect::<Vec<_>>(),
            "description": format!("{} {}.", description(&tables::OPTIMIZER_KIND), kind_list.join("; "))
        }),
    );
    props.insert(
        tables::FORM.name.into(),
        with(key_schema(&tables::FORM), json!({ "enum": forms })),
    );
    for (key, owners) in &shared {
        let owned: Vec<&Key> = owners
            .iter()
            .map(|o| {
                let kind = OPTIMIZER_KINDS
                    .iter()
                    .find(|k| k.name == *o)
                    .expect("an owner");
                kind.key(key.name).expect("its key")
            })
            .collect();
        let docs: Vec<String> = owned.iter().map(|k| k.doc.to_string()).collect();
        let mut names: Vec<&str> = Vec::new();
        for name in owned.iter().flat_map(|k| named(k)) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        props.insert(
            key.name.into(),
            union_key_schema(key, owners, &docs, &names),
        );
    }
    let cases: Vec<Value> = OPTIMIZER_KINDS
        .iter()
        .map(|kind| json!({ "if": kind_is(kind.name), "then": optimizer_then(kind, &shared) }))
        .collect();
    json!({
        "type": "object",
        "description": tables::OPTIMIZER.doc,
        "properties": props,
        "additionalProperties": false,
        "required": [tables::OPTIMIZER_KIND.name],
        "allOf": cases
    })
}

/// `schedule = { kind = "...", ... }`: every schedule kind's keys, and per kind which it takes.
fn schedule_schema() -> Value {
    let shared = union(SCHEDULE_KINDS.iter().map(|k| (k.name, k.keys)));
    let mut props: Map<String, Value> = Map::new();
    let kind_list: Vec<String> = SCHEDULE_KINDS
        .iter()
        .map(|k| {
            format!(
                "`{}` (torch's {}): lr at step k = {}",
                k.name, k.torch, k.formula
            )
        })
        .collect();
    props.insert(
        "kind".into(),
        json!({
            "type": "string",
            "enum": SCHEDULE_KINDS.iter().map(|k| k.name).collect::<Vec<_>>(),
            "description": format!("The schedule: {}.", kind_list.join("; "))
        }),
    );
    for (key, owners) in &shared {
        let docs: Vec<String> = owners
            .iter()
            .map(|o| {
                let kind = SCHEDULE_KINDS
                    .iter()
                    .find(|k| k.name == *o)
                    .expect("an owner");
                kind.key(key.name).expect("its key").doc.to_string()
            })
            .collect();
        props.insert(key.name.into(), union_key_schema(key, owners, &docs, &[]));
    }
    let cases: Vec<Value> = SCHEDULE_KINDS
        .iter()
        .map(|kind| {
            json!({
                "if": kind_is(kind.name),
                "then": kind_then(kind.keys, shared.iter().map(|(k, _)| k.name))
            })
        })
        .collect();
    json!({
        "type": "object",
        "properties": props,
        "additionalProperties": false,
        "required": ["kind"],
        "allOf": cases
    })
}

/// An optimizer kind's `then`: its keys, its forms, and the keys that apply to some forms only.
fn optimizer_then(kind: &OptimizerKind, shared: &[(Key, Vec<&'static str>)]) -> Value {
    let mut then = kind_then(kind.keys, shared.iter().map(|(k, _)| k.name));
    let form = if kind.has_named_forms() {
        let forms: Vec<&str> = kind.forms.iter().map(|f| f.name).collect();
        json!({ "enum": forms, "default": forms[0] })
    } else {
        json!(false)
    };
    then["properties"][tables::FORM.name] = form;
    let by_form: Vec<Value> = kind
        .keys
        .iter()
        .filter(|k| !k.forms.is_empty())
        .map(|k| {
            json!({
                "if": {
                    "properties": { "form": { "not": { "enum": k.forms } } },
                    "required": ["form"]
                },
                "then": { "properties": { (k.name): false } }
            })
        })
        .collect();
    if !by_form.is_empty() {
        then.insert("allOf".into(), Value::Array(by_form));
    }
    Value::Object(then)
}

/// The JSON Schema of a scene file.
pub fn scene_schema() -> Value {
    with(
        with(
            json!({
                "$schema": DRAFT,
                "title": "inertia scene",
                "description": "A scene of inertia's `render`: a surface, start points and \
                                optimizers with their hyper-parameters, sweeps included."
            }),
            table(tables::SCENE_KEYS, &[]),
        ),
        json!({ "allOf": start_shapes() }),
    )
}

/// A built-in kind says how many coordinates a start point has: `at` is a number on a 1-D
/// kind and [x, y] on a 2-D one (a formula's variables decide, which the checker sees).
fn start_shapes() -> Vec<Value> {
    let at = tables::START_KEYS[0].name;
    [Dims::One, Dims::Two]
        .iter()
        .map(|&dims| {
            let kinds: Vec<&str> = SURFACE_KINDS
                .iter()
                .filter(|k| k.dims == Some(dims))
                .map(|k| k.name)
                .collect();
            let shape = match dims {
                Dims::One => json!({ "type": "number" }),
                Dims::Two => pair(json!({ "type": "number" })),
            };
            json!({
                "if": {
                    "properties": {
                        tables::SURFACE.name: {
                            "properties": { tables::SURFACE_KIND.name: { "enum": kinds } },
                            "required": [tables::SURFACE_KIND.name]
                        }
                    },
                    "required": [tables::SURFACE.name]
                },
                "then": {
                    "properties": {
                        tables::START.name: {
                            "items": { "properties": { at: shape } }
                        }
                    }
                }
            })
        })
        .collect()
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
    fn walk(schema: &Value, at: &str, f: &mut dyn FnMut(&str, &Value)) {
        f(at, schema);
        let Value::Object(s) = schema else {
            return;
        };
        for map in ["properties"] {
            if let Some(Value::Object(props)) = s.get(map) {
                for (k, v) in props {
                    walk(v, &format!("{at}/{map}/{k}"), f);
                }
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
    fn schema_json_is_pretty_with_a_trailing_newline_and_round_trips() {
        let text = scene_schema_json();
        assert!(text.ends_with("}\n") && !text.ends_with("\n\n"));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, scene_schema());
        assert_eq!(scene_schema()["$schema"], DRAFT);
        assert_eq!(text, scene_schema_json(), "deterministic");
    }

    #[test]
    fn every_table_is_closed_and_every_listed_key_described() {
        let mut tables = 0;
        walk(&scene_schema(), "#", &mut |at, s| {
            if s.get("type") != Some(&json!("object")) {
                return;
            }
            tables += 1;
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
        });
        // The top level, output, surface, draw, start, optimizer, noise, schedule.
        assert_eq!(tables, 8);
    }

    #[test]
    fn enums_come_from_the_declarations() {
        let schema = scene_schema();
        let surface = &schema["properties"]["surface"];
        let kinds: Vec<&str> = SURFACE_KINDS.iter().map(|k| k.name).collect();
        assert_eq!(surface["properties"]["kind"]["enum"], json!(kinds));
        // One case per surface kind and one for the formula.
        assert_eq!(
            surface["allOf"].as_array().unwrap().len(),
            SURFACE_KINDS.len() + 1
        );
        let optimizer = &schema["properties"]["optimizer"]["items"];
        let kinds: Vec<&str> = OPTIMIZER_KINDS.iter().map(|k| k.name).collect();
        assert_eq!(optimizer["properties"]["kind"]["enum"], json!(kinds));
        assert_eq!(
            optimizer["properties"]["form"]["enum"],
            json!(["pytorch", "ema", "velocity", "lookahead"])
        );
        let draw = &schema["properties"]["draw"]["properties"];
        assert_eq!(
            draw["charts"]["items"]["enum"],
            json!(names(tables::CHARTS))
        );
        assert_eq!(draw["aspect"]["enum"], json!(names(tables::ASPECTS)));
    }

    #[test]
    fn a_kind_takes_its_own_keys_with_their_ranges_and_no_others() {
        let schema = scene_schema();
        let cases = schema["properties"]["optimizer"]["items"]["allOf"]
            .as_array()
            .unwrap();
        let adam = cases
            .iter()
            .find(|c| c["if"]["properties"]["kind"]["const"] == "adam")
            .expect("a case for adam");
        let then = &adam["then"]["properties"];
        assert_eq!(then["beta"], json!(false));
        assert_eq!(then["form"], json!(false));
        assert_eq!(then["eps"]["default"], json!(1e-8));
        assert_eq!(then["beta2"]["anyOf"][0]["exclusiveMaximum"], json!(1));
        assert_eq!(adam["then"]["required"], json!(["lr"]));
        let momentum = cases
            .iter()
            .find(|c| c["if"]["properties"]["kind"]["const"] == "momentum")
            .unwrap();
        assert_eq!(
            momentum["then"]["allOf"][0]["if"]["properties"]["form"]["not"]["enum"],
            json!(["pytorch"])
        );
    }
}
