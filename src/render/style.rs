//! Colours that carry meaning: the surface's bands and each run's colour.
//!
//! Run colours follow the optimizer, not the run's position in the file: where a scene has one
//! run of a kind, that run takes its kind's colour (gradient descent is always vermillion,
//! momentum blue, Nesterov green, ...), so a colour means the same thing in every scene. The runs
//! of one entry's sweep take a ramp of their kind's colour, from a light tint of it at the
//! sweep's smallest value to a dark shade at its largest, so the legend reads in order and
//! neighbouring values stay apart.
//! Colours come from Okabe & Ito's colour-blind-safe palette (yellow left out: it vanishes on
//! light backgrounds), on a washed-out viridis background, so every path stays visible on every
//! band.

use crate::optimizer::Optimizer;
use crate::picture::mark::Rgb;
use crate::scene::{Panels, Scene};

/// Okabe & Ito's palette without yellow, then Tol's wine and olive (also told apart with
/// colour-blind eyes) and black, in the order kinds take them: one colour per registered kind.
pub const PALETTE: [Rgb; 9] = [
    [0xD5, 0x5E, 0x00], // vermillion: gd
    [0x00, 0x72, 0xB2], // blue: momentum
    [0x00, 0x9E, 0x73], // bluish green: nesterov
    [0xCC, 0x79, 0xA7], // reddish purple: adagrad
    [0xE6, 0x9F, 0x00], // orange: rmsprop
    [0x56, 0xB4, 0xE9], // sky blue: adam
    [0x88, 0x22, 0x55], // wine: adamw
    [0x99, 0x99, 0x33], // olive: nadam
    [0x00, 0x00, 0x00], // black: newton
];

/// The colour of an optimizer kind (an index into [`PALETTE`]): the kind's place in the
/// registry, the same in every scene.
pub fn kind_colour(o: &Optimizer) -> usize {
    o.kind_index() % PALETTE.len()
}

/// The colour of the optimizer kind named `name` (a scene's `kind = "..."`), as its runs take it:
/// what a chart's theory curve for that method is drawn in.
pub fn named_kind_colour(name: &str) -> Rgb {
    let k = crate::optimizer::OPTIMIZER_KINDS
        .iter()
        .position(|k| k.name == name)
        .unwrap_or(0);
    PALETTE[k % PALETTE.len()]
}

/// `c` mixed with white by −`t` for `t` < 0, with black by `t` for `t` > 0.
fn shade(c: Rgb, t: f32) -> Rgb {
    if t < 0.0 {
        return c.map(|v| (f32::from(v) + (255.0 - f32::from(v)) * -t).round() as u8);
    }
    darker(c, t)
}

/// `c` mixed with black by `t` ∈ [0, 1].
fn darker(c: Rgb, t: f32) -> Rgb {
    c.map(|v| (f32::from(v) * (1.0 - t)).round() as u8)
}

/// A ramp's ends: its first colour's share of white, its last colour's share of black.
const RAMP_LIGHT: f32 = 0.4;
const RAMP_DEPTH: f32 = 0.6;

/// Every run's colour, in run order (see the module header). With one panel per start point a
/// setting has one colour in every panel.
pub fn run_colours(scene: &Scene) -> Vec<Rgb> {
    // The groups that share a colour: a setting's runs with a panel per start, else each run.
    let groups: Vec<Vec<usize>> = if scene.draw.panels == Panels::Start {
        scene.settings.iter().map(|s| s.runs.clone()).collect()
    } else {
        (0..scene.runs.len()).map(|r| vec![r]).collect()
    };
    let entries = scene
        .runs
        .iter()
        .map(|r| r.entry)
        .max()
        .map_or(0, |e| e + 1);
    let used_kinds: Vec<usize> = scene
        .runs
        .iter()
        .map(|r| kind_colour(&r.optimizer))
        .collect();
    let mut taken = vec![false; PALETTE.len()];
    let mut spare = (0..PALETTE.len()).filter(move |k| !used_kinds.contains(k));
    let mut colours = vec![PALETTE[0]; scene.runs.len()];
    // The setting of each run, whose swept values order a ramp.
    let mut setting_of = vec![0; scene.runs.len()];
    for (k, s) in scene.settings.iter().enumerate() {
        for &r in &s.runs {
            setting_of[r] = k;
        }
    }
    let swept = |run: usize| -> Vec<f64> {
        scene.settings[setting_of[run]]
            .swept
            .iter()
            .map(|(_, v)| *v)
            .collect()
    };
    for entry in 0..entries {
        let mut mine: Vec<&Vec<usize>> = groups
            .iter()
            .filter(|g| scene.runs[g[0]].entry == entry)
            .collect();
        // Smallest swept values first (then file order): the ramp reads in the values' order
        // whatever order the sweep lists them in.
        mine.sort_by(|a, b| {
            swept(a[0])
                .partial_cmp(&swept(b[0]))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let Some(first) = mine.first() else {
            continue;
        };
        let kind = kind_colour(&scene.runs[first[0]].optimizer);
        // The kind's colour the first time, another unused one after that.
        let base = if taken[kind] {
            spare.next().unwrap_or(kind)
        } else {
            kind
        };
        taken[base] = true;
        let n = mine.len();
        for (k, group) in mine.iter().enumerate() {
            let t = if n > 1 {
                -RAMP_LIGHT + (RAMP_LIGHT + RAMP_DEPTH) * k as f32 / (n - 1) as f32
            } else {
                0.0
            };
            for &r in group.iter() {
                colours[r] = shade(PALETTE[base], t);
            }
        }
    }
    colours
}

/// Viridis at nine evenly spaced stops (matplotlib's values).
const VIRIDIS: [[f64; 3]; 9] = [
    [0.267, 0.005, 0.329],
    [0.283, 0.141, 0.458],
    [0.254, 0.265, 0.530],
    [0.207, 0.372, 0.553],
    [0.164, 0.471, 0.558],
    [0.128, 0.567, 0.551],
    [0.135, 0.659, 0.518],
    [0.267, 0.749, 0.441],
    [0.478, 0.821, 0.317],
];

/// A curve's line (1-D scenes): dark, but lighter than the ink of axes and outlines, so a
/// ball's ring stands out on it.
pub const CURVE_LINE: Rgb = [0x4A, 0x4A, 0x4A];

/// The ground under a curve: the bands' low, blue-green end washed almost to white, pale enough
/// for every run colour, its fading past included, to stay readable on it.
pub const CURVE_GROUND: Rgb = [0xE3, 0xEE, 0xEE];

/// How much of the background colour map is white: a pale map keeps every run colour readable
/// on every band (the matplotlib reference loses its white path on the light bands).
const BACKGROUND_WASH: f64 = 0.52;

/// The background colour for a band at `t` ∈ [0, 1] (0 = lowest loss): viridis, washed out.
pub fn band_colour(t: f64) -> Rgb {
    let t = t.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let i = (t.floor() as usize).min(VIRIDIS.len() - 2);
    let f = t - i as f64;
    let mut out = [0u8; 3];
    for c in 0..3 {
        let v = VIRIDIS[i][c] * (1.0 - f) + VIRIDIS[i + 1][c] * f;
        let washed = v * (1.0 - BACKGROUND_WASH) + BACKGROUND_WASH;
        out[c] = (washed * 255.0).round() as u8;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene(src: &str) -> Scene {
        Scene::from_toml(std::path::Path::new("t.toml"), src).unwrap()
    }

    const HEAD: &str = "[surface]\nkind = \"bowl\"\n[[start]]\nat = [1.0, 1.0]\n";

    /// A kind has its colour wherever it has one run, whatever its position in the file.
    #[test]
    fn each_kind_keeps_its_colour_across_scenes() {
        let a = scene(&format!(
            "{HEAD}[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n[[optimizer]]\nkind = \"momentum\"\nlr = 0.1\n"
        ));
        let b = scene(&format!(
            "{HEAD}[[optimizer]]\nkind = \"momentum\"\nlr = 0.1\n[[optimizer]]\nkind = \"nesterov\"\nlr = 0.1\n[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n"
        ));
        let (ca, cb) = (run_colours(&a), run_colours(&b));
        assert_eq!(ca[0], cb[2], "gd");
        assert_eq!(ca[1], cb[0], "momentum");
        assert_eq!(ca, vec![PALETTE[0], PALETTE[1]]);
        // A second gd entry takes a colour no kind of the scene uses.
        let c = scene(&format!(
            "{HEAD}[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n[[optimizer]]\nkind = \"gd\"\nlr = 0.2\n[[optimizer]]\nkind = \"momentum\"\nlr = 0.1\n"
        ));
        let cc = run_colours(&c);
        assert_eq!(cc[0], PALETTE[0]);
        assert!(!PALETTE[..2].contains(&cc[1]), "{:?}", cc[1]);
        assert_eq!(cc[2], PALETTE[1]);
    }

    /// Every registered kind has a colour of its own.
    #[test]
    fn every_kind_has_its_own_colour() {
        let kinds = crate::optimizer::OPTIMIZER_KINDS;
        assert!(kinds.len() <= PALETTE.len());
        let colours: std::collections::BTreeSet<Rgb> =
            kinds.iter().map(|k| named_kind_colour(k.name)).collect();
        assert_eq!(colours.len(), kinds.len());
    }

    /// A sweep's runs take an ordered ramp of their kind's colour, light to dark: each darker
    /// than the last by a step the eye tells apart, in the order of the swept values, however
    /// the sweep lists them.
    #[test]
    fn a_sweep_takes_an_ordered_ramp() {
        let s = scene(&format!(
            "{HEAD}[[optimizer]]\nkind = \"momentum\"\nlr = 0.1\nbeta = [0.0, 0.5, 0.9, 0.99]\n"
        ));
        let c = run_colours(&s);
        let lum = |c: Rgb| c.iter().map(|&v| u32::from(v)).sum::<u32>();
        assert!(
            lum(c[0]) > lum(PALETTE[1]) && lum(c[3]) < lum(PALETTE[1]),
            "{c:?}"
        );
        for k in 1..4 {
            assert!(lum(c[k]) + 90 < lum(c[k - 1]), "{c:?}");
        }
        let shuffled = scene(&format!(
            "{HEAD}[[optimizer]]\nkind = \"momentum\"\nlr = 0.1\nbeta = [0.9, 0.0, 0.99, 0.5]\n"
        ));
        let d = run_colours(&shuffled);
        assert_eq!((d[1], d[3], d[0], d[2]), (c[0], c[1], c[2], c[3]));
    }
}
