//! `NAME.html`: the player. One self-contained HTML page (inline SVG, CSS, script and data; no
//! network, no other file, so it works from `file://` and in an iframe) that shows a scene's
//! animation with controls a teacher needs: play and pause, step back and forward, first and
//! last, a scrubber, the speed (0.25× to 4×) and looping; the keyboard (space, ← →, Home, End);
//! a readout per run of the shown step; sliders over swept keys; the caption.
//!
//! The picture is [`crate::picture::player`]'s: the display list's static items as SVG and
//! what changes per step as data, drawn by `player.js`. This module adds what is about the
//! scene: each run's numbers for the readout (θ and f(θ) as in the CSV, the lr in force), the
//! sliders (which runs each value shows), the caption, the controls, and puts it in a page.
//! Every control is a labelled HTML control, reachable with the keyboard; the shown step is
//! announced to screen readers when the player is paused. A reader who prefers reduced
//! motion gets the poster step, paused.
//!
//! The page forbids itself every request (a Content-Security-Policy of `default-src 'none'`,
//! images from `data:` only), so an embedding page can trust it stays offline.

use std::fmt::Write as _;

use serde_json::json;

use crate::caption::Caption;
use crate::encode::csv::number;
use crate::keys::number_text;
use crate::optimizer::OPTIMIZER_KINDS;
use crate::picture::{player, svg, Image};
use crate::render::Figure;
use crate::scene::Scene;
use crate::surface::Dims;
use crate::text::escape_markup;
use crate::trajectory::Trajectory;

const SCRIPT: &str = include_str!("player.js");
const STYLE: &str = include_str!("player.css");

/// A swept key as a slider: its values in increasing order.
#[derive(Debug, Clone, PartialEq)]
pub struct Slider {
    pub key: &'static str,
    /// How the key is written (β for beta).
    pub label: &'static str,
    pub values: Vec<f64>,
}

/// The sliders of a scene (`[draw] sliders`) and, for each combination of their values (the
/// last slider's value varying fastest), which runs show: a run shows when, for each slider,
/// its setting does not sweep the key or sweeps it to the slider's value.
pub fn sliders(scene: &Scene) -> (Vec<Slider>, Vec<Vec<bool>>) {
    let sliders: Vec<Slider> = scene
        .draw
        .sliders
        .iter()
        .map(|&key| {
            let mut values: Vec<f64> = scene
                .settings
                .iter()
                .flat_map(|s| s.swept.iter())
                .filter(|(k, _)| *k == key)
                .map(|(_, v)| *v)
                .collect();
            values.sort_by(f64::total_cmp);
            values.dedup();
            let label = OPTIMIZER_KINDS
                .iter()
                .find_map(|k| k.key(key))
                .map_or(key, |k| k.symbol_or_name());
            Slider { key, label, values }
        })
        .collect();
    // Each run's value index per slider (None: its setting does not sweep the key).
    let mut at: Vec<Vec<Option<usize>>> = vec![Vec::new(); scene.runs.len()];
    for setting in &scene.settings {
        let coords: Vec<Option<usize>> = sliders
            .iter()
            .map(|s| {
                let v = setting.swept.iter().find(|(k, _)| *k == s.key)?.1;
                s.values.iter().position(|x| *x == v)
            })
            .collect();
        for &r in &setting.runs {
            at[r] = coords.clone();
        }
    }
    let combos: usize = sliders.iter().map(|s| s.values.len()).product();
    let visible = (0..combos)
        .map(|mut c| {
            let mut chosen = vec![0; sliders.len()];
            for (k, s) in sliders.iter().enumerate().rev() {
                chosen[k] = c % s.values.len();
                c /= s.values.len();
            }
            at.iter()
                .map(|coords| {
                    coords
                        .iter()
                        .zip(&chosen)
                        .all(|(have, want)| have.is_none_or(|h| h == *want))
                })
                .collect()
        })
        .collect();
    (sliders, visible)
}

/// The learning rate the update rule applies at step `step` (see
/// [`crate::trajectory::Run::lr_in_force`]).
pub fn lr_in_force(run: &crate::trajectory::Run, step: usize) -> f64 {
    run.lr_in_force(step)
}

/// The length of the step into `k`: √(Δx² + Δy²), written as the script computes it so the two
/// agree to the last bit (on a curve Δy is 0, and the script takes it so).
pub fn step_length(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    (dx * dx + dy * dy).sqrt()
}

/// One run's readout at `step`, as the page shows it: the place, f, the step length, the lr in
/// force and the divergence note ("—" where a value does not apply). The place is its
/// coordinates as the CSV writes them (see
/// [`crate::encode::csv::number`]): `[x, y]`, or `[x]` on a curve.
pub fn readout(
    run: &crate::trajectory::Run,
    trajectory: &Trajectory,
    step: usize,
    dims: Dims,
) -> (Vec<String>, [String; 4]) {
    let dash = || "—".to_string();
    let p = &trajectory.positions;
    let coordinates = match dims {
        Dims::One => 1,
        Dims::Two => 2,
    };
    let (theta, f, length, lr) = if step < p.len() {
        let theta = p[step][..coordinates].iter().map(|&v| number(v)).collect();
        let f = number(trajectory.losses[step]);
        if step > 0 {
            (
                theta,
                f,
                number(step_length(p[step - 1], p[step])),
                number(lr_in_force(run, step)),
            )
        } else {
            (theta, f, dash(), dash())
        }
    } else {
        (vec![dash(); coordinates], dash(), dash(), dash())
    };
    let note = match trajectory.diverged {
        Some(d) if step >= d.step => format!("diverged at step {}", d.step),
        _ => String::new(),
    };
    (theta, [f, length, lr, note])
}

/// Icons for the buttons (16 × 16), hidden from screen readers: the buttons carry labels.
fn icon(path: &str, class: &str) -> String {
    format!(
        r#"<svg class="{class}" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path d="{path}"/></svg>"#
    )
}

/// Writes the page's JSON into `out`: the picture's data, the clock, the runs' numbers and
/// the sliders. `<` is escaped so the data never closes its `<script>` element.
fn data_json(
    out: &mut String,
    scene: &Scene,
    trajectories: &[Trajectory],
    figure: &Figure,
    animation: &player::Animation,
    sliders: &[Slider],
    visible: &[Vec<bool>],
) {
    let runs: Vec<serde_json::Value> = scene
        .runs
        .iter()
        .zip(trajectories)
        .zip(&figure.runs)
        .map(|((run, t), g)| {
            let lrs: Vec<f64> = (0..=scene.output.steps)
                .map(|k| lr_in_force(run, k))
                .collect();
            let lr = if lrs.iter().all(|v| *v == lrs[0]) {
                json!(lrs[0])
            } else {
                json!(lrs)
            };
            let mut r = json!({
                "label": run.label,
                "colour": svg::hex(g.colour),
                "x": t.positions.iter().map(|p| p[0]).collect::<Vec<f64>>(),
                "f": t.losses,
                "lr": lr,
                "diverged": t.diverged.map(|d| d.step),
            });
            // A curve has no y: the script reads its absence.
            if scene.dims() == Dims::Two {
                r["y"] = json!(t.positions.iter().map(|p| p[1]).collect::<Vec<f64>>());
            }
            r
        })
        .collect();
    let sliders: Vec<serde_json::Value> = sliders
        .iter()
        .map(|s| {
            json!({
                "key": s.key,
                "label": s.label,
                "values": s.values,
                "text": s.values.iter().map(|v| number_text(*v)).collect::<Vec<String>>(),
            })
        })
        .collect();
    let visible: Vec<Vec<u8>> = if visible.is_empty() {
        vec![vec![1; scene.runs.len()]]
    } else {
        visible
            .iter()
            .map(|set| set.iter().map(|v| u8::from(*v)).collect())
            .collect()
    };
    let rest = json!({
        "fps": scene.output.fps,
        "hold": scene.output.hold,
        "poster": scene.output.poster,
        "runs": runs,
        "sliders": sliders,
        "visible": visible,
    })
    .to_string();
    // `rest` is an object: splice the picture's data in as its first member (written straight
    // into the page: it has no `<` to escape).
    out.push_str("{\"picture\":");
    animation.write_json(out);
    out.push(',');
    push_script_safe(out, &rest[1..]);
}

/// Appends `json` with every `<` written `\u003c`, so it cannot close a `<script>` element.
fn push_script_safe(out: &mut String, json: &str) {
    let mut parts = json.split('<');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push_str("\\u003c");
        out.push_str(part);
    }
}

/// The player page of a rendered scene. `png` encodes the picture's images.
pub fn html(
    scene: &Scene,
    trajectories: &[Trajectory],
    figure: &Figure,
    caption: &Caption,
    png: &dyn Fn(&Image) -> Vec<u8>,
) -> String {
    let (sliders, visible) = sliders(scene);
    let picture = &figure.picture;
    let poster = scene.output.poster.min(picture.steps);
    // The picture's SVG goes into the page at once and its JSON at the end, each written
    // once: a long animation's player is tens of megabytes.
    let mut animation = player::animation(picture, poster, &visible, png);
    let svg = std::mem::take(&mut animation.svg);
    let title = escape_markup(&scene.title);
    let steps = picture.steps;
    let caption_text = escape_markup(&caption.text());

    let runs_bytes: usize = trajectories.iter().map(|t| 64 * t.positions.len()).sum();
    let mut h = String::with_capacity(svg.len() + runs_bytes + 16_384);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n",
    );
    let _ = writeln!(h, "<title>{title}</title>");
    let _ = writeln!(h, "<style>\n{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(
        h,
        r#"<main class="player" id="player" data-step="{poster}" style="max-width:{}px">"#,
        picture.width * 2
    );
    let _ = write!(
        h,
        r#"<div class="stage" role="img" aria-label="{title}" aria-describedby="caption">"#
    );
    h.push_str(&svg);
    drop(svg);
    h.push_str("</div>\n");

    // Controls.
    h.push_str(r#"<div class="bar" role="group" aria-label="Animation controls">"#);
    h.push('\n');
    let button = |h: &mut String, id: &str, label: &str, key: &str, icons: &str| {
        let _ = writeln!(
            h,
            r#"<button type="button" id="{id}" aria-label="{label}" title="{label} ({key})">{icons}</button>"#
        );
    };
    button(
        &mut h,
        "first",
        "First step",
        "Home",
        &icon("M1 2h2v12H1zM9 2v12L4 8zM15 2v12L10 8z", ""),
    );
    button(
        &mut h,
        "back",
        "Step back",
        "←",
        &icon("M14 2v12L7 8zM3 2h2v12H3z", ""),
    );
    button(
        &mut h,
        "play",
        "Play",
        "space",
        &format!(
            "{}{}",
            icon("M4 2v12l10-6z", "play"),
            icon("M3 2h4v12H3zM9 2h4v12H9z", "pause")
        ),
    );
    button(
        &mut h,
        "forward",
        "Step forward",
        "→",
        &icon("M2 2v12l7-6zM11 2h2v12h-2z", ""),
    );
    button(
        &mut h,
        "last",
        "Last step",
        "End",
        &icon("M13 2h2v12h-2zM7 2v12l5-6zM1 2v12l5-6z", ""),
    );
    let _ = writeln!(
        h,
        r#"<input id="scrub" type="range" min="0" max="{steps}" step="1" value="{poster}" aria-label="Step" aria-valuetext="step {poster} of {steps}">"#
    );
    let _ = writeln!(
        h,
        r#"<output id="counter" for="scrub">step {poster} / {steps}</output>"#
    );
    h.push_str(r#"<label>Speed <select id="speed">"#);
    for (value, text) in [
        ("0.25", "0.25×"),
        ("0.5", "0.5×"),
        ("1", "1×"),
        ("2", "2×"),
        ("4", "4×"),
    ] {
        let selected = if value == "1" { " selected" } else { "" };
        let _ = write!(h, r#"<option value="{value}"{selected}>{text}</option>"#);
    }
    h.push_str("</select></label>\n");
    h.push_str(r#"<label><input id="loop" type="checkbox" checked> Loop</label>"#);
    h.push('\n');
    h.push_str(
        r#"<button type="button" id="caption-toggle" aria-expanded="false" aria-controls="caption">Caption</button>"#,
    );
    h.push_str("\n</div>\n");
    if !sliders.is_empty() {
        h.push_str(r#"<div class="sliders" role="group" aria-label="Swept values">"#);
        h.push('\n');
        for (i, s) in sliders.iter().enumerate() {
            let _ = writeln!(
                h,
                r#"<label for="slider{i}">{}</label><input id="slider{i}" type="range" min="0" max="{}" step="1" value="0"><output id="slider{i}-value" for="slider{i}">{}</output>"#,
                escape_markup(s.label),
                s.values.len() - 1,
                number_text(s.values[0])
            );
        }
        h.push_str("</div>\n");
    }
    let _ = writeln!(
        h,
        r#"<p id="caption" class="caption" hidden>{caption_text}</p>"#
    );

    // The readout, filled with the poster step (the script refills it at every step).
    let (xn, yn) = scene.surface.axis_names();
    h.push_str(r#"<section id="readout" class="readout" aria-label="Each run at the shown step">"#);
    h.push('\n');
    for ((run, t), g) in scene.runs.iter().zip(trajectories).zip(&figure.runs) {
        let (theta, [f, length, lr, note]) = readout(run, t, poster, scene.dims());
        let _ = write!(
            h,
            r#"<div class="run" data-run="{}"><p class="name"><span class="swatch" style="background:{}"></span>{}</p><dl>"#,
            run.index,
            svg::hex(g.colour),
            escape_markup(&run.label)
        );
        let terms = theta.into_iter().zip([xn, yn]).map(|(v, t)| (t, v));
        let rest = [("f", f), ("step length", length), ("lr", lr)];
        for (term, value) in terms.chain(rest) {
            let _ = write!(
                h,
                "<div><dt>{term}</dt><dd>{}</dd></div>",
                escape_markup(&value)
            );
        }
        let _ = writeln!(
            h,
            r#"</dl><p class="note">{}</p></div>"#,
            escape_markup(&note)
        );
    }
    h.push_str("</section>\n");
    h.push_str(r#"<p id="status" class="visually-hidden" aria-live="polite"></p>"#);
    h.push_str("\n</main>\n");
    h.push_str("<script id=\"data\" type=\"application/json\">");
    data_json(
        &mut h,
        scene,
        trajectories,
        figure,
        &animation,
        &sliders,
        &visible,
    );
    drop(animation);
    h.push_str("</script>\n");
    let _ = writeln!(h, "<script>\n{SCRIPT}</script>\n</body>\n</html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(name: &str) -> (Scene, String) {
        let (scene, figure) = crate::render::shipped_figure(name);
        let t = crate::pipeline::trajectories(&scene);
        let caption = crate::caption::describe(&scene, &t);
        let html = html(
            &scene,
            &t,
            &figure,
            &caption,
            &crate::encode::png::encode_image,
        );
        (scene, html)
    }

    #[test]
    fn the_page_is_self_contained() {
        let (_, html) = page("gd_vs_momentum");
        for bad in [
            "https://", "src=\"", "<link", "@import", "url(h", "url(/", "url(d",
        ] {
            assert!(!html.contains(bad), "{bad} in the page");
        }
        // The only addresses are the SVG namespaces.
        assert_eq!(
            html.matches("http://").count(),
            html.matches("http://www.w3.org/").count()
        );
        assert!(html.contains("default-src 'none'"));
        // The data parses, and nothing in it closes the script element early.
        let start = html.find("application/json\">").unwrap() + "application/json\">".len();
        let end = start + html[start..].find("</script>").unwrap();
        let data: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(data["runs"].as_array().unwrap().len(), 3);
        assert_eq!(data["poster"], 60);
    }

    #[test]
    fn every_control_has_a_label() {
        let (_, html) = page("momentum_beta_sweep");
        for id in ["first", "back", "play", "forward", "last"] {
            let at = html
                .find(&format!("id=\"{id}\""))
                .unwrap_or_else(|| panic!("{id}"));
            let tag = &html[html[..at].rfind('<').unwrap()..at + html[at..].find('>').unwrap()];
            assert!(tag.contains("aria-label=\""), "{tag}");
        }
        assert!(html.contains("aria-label=\"Step\""));
        assert!(html.contains("<label>Speed <select id=\"speed\">"));
        assert!(html.contains("<label><input id=\"loop\""));
    }

    #[test]
    fn sliders_choose_the_runs_of_one_value() {
        let src = "[draw]\nsliders = [\"beta\"]\n\
                   [surface]\nkind = \"quadratic\"\n[[start]]\nat = [2.5, -2.0]\n\
                   [[optimizer]]\nkind = \"momentum\"\nlr = 0.03\nbeta = [0.9, 0.0, 0.99, 0.5]\n\
                   [[optimizer]]\nkind = \"gd\"\nlr = 0.03\n";
        let scene = Scene::from_toml(std::path::Path::new("s.toml"), src).unwrap();
        let (sliders, visible) = sliders(&scene);
        assert_eq!(sliders.len(), 1);
        // In increasing order, whatever the sweep's.
        assert_eq!(sliders[0].values, [0.0, 0.5, 0.9, 0.99]);
        assert_eq!(sliders[0].label, "β");
        assert_eq!(visible.len(), 4);
        // Each value shows its one momentum run, and the GD run (which sweeps nothing) always.
        let beta_run = |v: f64| (0..4).find(|&r| scene.runs[r].optimizer.beta() == Some(v));
        for (k, set) in visible.iter().enumerate() {
            let shown: Vec<usize> = (0..set.len()).filter(|&r| set[r]).collect();
            let expected = [beta_run(sliders[0].values[k]).unwrap(), 4];
            assert_eq!(shown, expected, "β = {}", sliders[0].values[k]);
        }
    }

    #[test]
    fn two_sliders_choose_one_run_of_a_two_key_sweep() {
        let src = "[draw]\nsliders = [\"beta\", \"lr\"]\n\
                   [surface]\nkind = \"quadratic\"\n[[start]]\nat = [2.5, -2.0]\n\
                   [[optimizer]]\nkind = \"momentum\"\nlr = [0.01, 0.02, 0.03]\nbeta = [0.5, 0.9]\n";
        let scene = Scene::from_toml(std::path::Path::new("s.toml"), src).unwrap();
        let (sliders, visible) = sliders(&scene);
        assert_eq!(
            sliders.iter().map(|s| s.key).collect::<Vec<_>>(),
            ["beta", "lr"]
        );
        // Combinations with the last slider fastest, as the script numbers them.
        assert_eq!(visible.len(), 6);
        for (c, set) in visible.iter().enumerate() {
            let (beta, lr) = (sliders[0].values[c / 3], sliders[1].values[c % 3]);
            let shown: Vec<usize> = (0..set.len()).filter(|&r| set[r]).collect();
            assert_eq!(shown.len(), 1, "{set:?}");
            let o = &scene.runs[shown[0]].optimizer;
            assert_eq!((o.beta(), o.lr()), (Some(beta), lr));
        }
    }

    #[test]
    fn the_lr_in_force_follows_adagrad_decay_and_the_schedule() {
        let run = |o| crate::trajectory::Run::new(0, "", o, [0.0, 0.0]);
        let o = run(crate::optimizer::adagrad::new(0.5, 0.1, 1e-10));
        assert_eq!(lr_in_force(&o, 1), 0.5);
        assert_eq!(lr_in_force(&o, 11), 0.5 / 2.0);
        let g = run(crate::optimizer::gd::new(0.05));
        assert_eq!(lr_in_force(&g, 30), 0.05);
        let stepped = crate::trajectory::Run {
            schedule: Some(crate::schedule::Schedule::Step {
                step_size: 10,
                gamma: 0.5,
            }),
            ..g
        };
        assert_eq!(lr_in_force(&stepped, 10), 0.05);
        assert_eq!(lr_in_force(&stepped, 11), 0.025);
    }
}
