//! Captions: what a scene's runs do, in words, read off their trajectories (never off the
//! scene's title or labels' claims). A caption is the gallery's `alt` text, the player's caption
//! and its description for screen readers, and `NAME.txt`.
//!
//! Per run it says:
//!
//! - whether and when the run comes within a tolerance of a known minimum (1 % of the window's
//!   larger side, or of a curve's x range, rounded to one significant digit), and whether it
//!   stays there or leaves for good;
//! - how many times it overshoots: the sign changes of its error along the slow axis of the
//!   minimum it heads for (the Hessian's eigenvector of least curvature there, or the line from
//!   the start where every direction curves alike), counting only swings farther than the
//!   tolerance, so jitter about the minimum is not an overshoot (on a curve, along x itself);
//! - where it diverges, or where it ends and which minimum that is nearest.
//!
//! The facts are [`RunFacts`], each sentence is made from them alone, and the whole is
//! deterministic. `tests/captions.rs` checks every statement of every shipped scene's caption
//! against the trajectories in its CSV.

use std::fmt::Write as _;

use crate::keys::number_text;
use crate::scene::Scene;
use crate::surface::{Dims, Point, Surface};
use crate::trajectory::Trajectory;

/// A stay near a minimum: when a run first comes within the tolerance, and when it leaves for
/// good (`None`: it is still there at the end).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Visit {
    /// Index into the scene's minima ([`Surface::minima`]).
    pub minimum: usize,
    /// The first step within the tolerance.
    pub reached: usize,
    /// The first step of the stay that lasts to the end, when there is one.
    pub settled: Option<usize>,
    /// The first step after the last step within the tolerance, when the run does not end there.
    pub left: Option<usize>,
}

/// Overshoots along an axis, measured against one minimum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overshoots {
    pub minimum: usize,
    /// The unit vector the error is projected on: the slow axis, or where every direction
    /// curves alike, the direction of the start from the minimum.
    pub axis: Point,
    /// True when the axis is the direction of the start (no direction is slower).
    pub axis_from_start: bool,
    pub count: usize,
}

/// What one run does, in facts.
#[derive(Debug, Clone, PartialEq)]
pub struct RunFacts {
    pub run: usize,
    pub label: String,
    /// Every minimum the run comes near, in the order it first does.
    pub visits: Vec<Visit>,
    /// `None` where no minimum is known.
    pub overshoots: Option<Overshoots>,
    /// The step where the run diverged.
    pub diverged: Option<usize>,
    /// The last position (the last finite one for a diverged run).
    pub end: Point,
    /// f there.
    pub end_value: f64,
    /// The minimum nearest the end, when minima are known.
    pub nearest: Option<usize>,
}

/// A scene's caption: the tolerance, the minima as named in the text, and each run's facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Caption {
    /// "Near a minimum" means closer than this.
    pub tolerance: f64,
    /// The tolerance as the text writes it.
    pub tolerance_text: String,
    pub minima: Vec<Point>,
    /// How the text names each minimum ("the minimum at (0, 0)", "the global minimum at ...").
    pub minimum_names: Vec<String>,
    pub axis_names: (String, String),
    /// A curve's places are named by x alone ("x = 5"), the plane's as points.
    pub dims: Dims,
    pub steps: usize,
    pub surface: String,
    pub runs: Vec<RunFacts>,
}

/// A coordinate as captions write it: at most two decimals, a true minus sign.
pub fn coordinate(v: f64) -> String {
    crate::picture::svg::num(v).replace('-', "−")
}

/// `(x, y)` as captions write it; on a curve `x = 5`.
pub fn point_text(dims: Dims, p: Point) -> String {
    match dims {
        Dims::Two => format!("({}, {})", coordinate(p[0]), coordinate(p[1])),
        Dims::One => format!("x = {}", coordinate(p[0])),
    }
}

/// "once", "twice", "3 times".
fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

/// A number written in words when small ("Three runs").
fn count_word(n: usize) -> String {
    const WORDS: [&str; 10] = [
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| w.to_string())
}

/// A value to three significant digits, with a true minus sign.
fn significant(v: f64) -> String {
    let rounded: f64 = format!("{v:.2e}").parse().unwrap_or(v);
    coordinate_text(rounded)
}

/// A number as Rust writes it, with a true minus sign.
fn coordinate_text(v: f64) -> String {
    v.to_string().replace('-', "−")
}

/// The tolerance for a window whose larger side is `side`: 1 % of it to one significant digit,
/// and its text.
pub fn tolerance(side: f64) -> (f64, String) {
    let t = 0.01 * side;
    // A window too narrow for a normal number (checked windows are finite): as it is.
    if !t.is_normal() {
        return (t, number_text(t));
    }
    // One significant digit, rounded as the decimal expansion says.
    let value: f64 = format!("{t:.0e}").parse().unwrap_or(t);
    (value, number_text(value))
}

fn distance(a: Point, b: Point) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// The slow axis at minimum `m`: the Hessian's eigenvector of least curvature (by central
/// differences of the exact gradient), or `None` where every direction curves alike.
pub fn slow_axis(surface: &Surface, m: Point) -> Option<Point> {
    let h = 1e-5 * m[0].abs().max(m[1].abs()).max(1.0);
    let g = |p: Point| surface.gradient(p);
    let (gx1, gx0) = (g([m[0] + h, m[1]]), g([m[0] - h, m[1]]));
    let (gy1, gy0) = (g([m[0], m[1] + h]), g([m[0], m[1] - h]));
    let a = (gx1[0] - gx0[0]) / (2.0 * h);
    let c = (gy1[1] - gy0[1]) / (2.0 * h);
    let b = ((gx1[1] - gx0[1]) + (gy1[0] - gy0[0])) / (4.0 * h);
    let mean = (a + c) / 2.0;
    let spread = ((a - c) / 2.0).hypot(b);
    if !(spread.is_finite() && mean.is_finite()) || spread <= 0.01 * mean.abs().max(1e-12) {
        return None;
    }
    let low = mean - spread;
    // Both forms of the eigenvector; the longer one is the better conditioned.
    let (u, v) = ([b, low - a], [low - c, b]);
    let w = if u[0].hypot(u[1]) >= v[0].hypot(v[1]) {
        u
    } else {
        v
    };
    let n = w[0].hypot(w[1]);
    // A fixed orientation, so the axis does not depend on the eigenvector's sign.
    let s = if w[0] < 0.0 || (w[0] == 0.0 && w[1] < 0.0) {
        -1.0
    } else {
        1.0
    };
    Some([s * w[0] / n, s * w[1] / n])
}

/// The number of sign changes of `errors`, counting only values farther than `tolerance` from
/// zero (a swing within the tolerance is not an overshoot).
pub fn sign_changes(errors: impl IntoIterator<Item = f64>, tolerance: f64) -> usize {
    let mut side = 0.0f64;
    let mut count = 0;
    for e in errors {
        if e.abs() <= tolerance {
            continue;
        }
        let s = e.signum();
        if side != 0.0 && s != side {
            count += 1;
        }
        side = s;
    }
    count
}

/// The visits of a path to each minimum (see [`Visit`]), in the order they start.
pub fn visits(positions: &[Point], minima: &[Point], tolerance: f64) -> Vec<Visit> {
    let last = positions.len().saturating_sub(1);
    let mut out: Vec<Visit> = minima
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let near: Vec<bool> = positions
                .iter()
                .map(|p| distance(*p, *m) <= tolerance)
                .collect();
            let reached = near.iter().position(|n| *n)?;
            let last_near = near.iter().rposition(|n| *n)?;
            let (settled, left) = if last_near == last {
                let from = near.iter().rposition(|n| !*n).map_or(0, |k| k + 1);
                (Some(from), None)
            } else {
                (None, Some(last_near + 1))
            };
            Some(Visit {
                minimum: i,
                reached,
                settled,
                left,
            })
        })
        .collect();
    out.sort_by_key(|v| (v.reached, v.minimum));
    out
}

/// The facts of every run of `scene` and the caption they make.
pub fn describe(scene: &Scene, trajectories: &[Trajectory]) -> Caption {
    let dims = scene.dims();
    let point_text = |p: Point| point_text(dims, p);
    let (tolerance, tolerance_text) = tolerance(scene.view.size());
    let minima: Vec<Point> = scene.surface.minima();
    let values: Vec<f64> = minima.iter().map(|m| scene.surface.value(*m)).collect();
    let lowest = values.iter().copied().fold(f64::INFINITY, f64::min);
    let global = |f: f64| f <= lowest + 1e-9 * (1.0 + lowest.abs());
    let distinct_depths = values.iter().any(|f| !global(*f));
    let minimum_names = minima
        .iter()
        .zip(&values)
        .map(|(m, f)| {
            // One minimum is named in the introduction; several by their place.
            match (minima.len(), distinct_depths, global(*f)) {
                (1, _, _) => "the minimum".to_string(),
                (_, false, _) => format!("the minimum at {}", point_text(*m)),
                (_, true, true) => format!("the global minimum at {}", point_text(*m)),
                (_, true, false) => format!("the local minimum at {}", point_text(*m)),
            }
        })
        .collect();
    let runs = scene
        .runs
        .iter()
        .zip(trajectories)
        .map(|(run, t)| {
            let visits = visits(&t.positions, &minima, tolerance);
            let end = *t.positions.last().unwrap_or(&run.start);
            let nearest = (0..minima.len())
                .min_by(|&a, &b| distance(end, minima[a]).total_cmp(&distance(end, minima[b])));
            // The minimum the run heads for: where it settles, else the one nearest its end
            // (for a diverged run, nearest its start: it was heading away).
            let target = visits
                .iter()
                .find(|v| v.settled.is_some())
                .map(|v| v.minimum)
                .or(if t.diverged.is_some() {
                    (0..minima.len()).min_by(|&a, &b| {
                        distance(run.start, minima[a]).total_cmp(&distance(run.start, minima[b]))
                    })
                } else {
                    nearest
                });
            let overshoots = target.map(|i| {
                let m = minima[i];
                // A curve's one axis is x.
                let slow = match dims {
                    Dims::Two => slow_axis(&scene.surface, m),
                    Dims::One => Some([1.0, 0.0]),
                };
                let axis = slow.unwrap_or_else(|| {
                    let d = [run.start[0] - m[0], run.start[1] - m[1]];
                    let n = d[0].hypot(d[1]).max(f64::MIN_POSITIVE);
                    [d[0] / n, d[1] / n]
                });
                let errors = t
                    .positions
                    .iter()
                    .map(|p| (p[0] - m[0]) * axis[0] + (p[1] - m[1]) * axis[1]);
                Overshoots {
                    minimum: i,
                    axis,
                    axis_from_start: slow.is_none(),
                    count: sign_changes(errors, tolerance),
                }
            });
            RunFacts {
                run: run.index,
                label: run.label.clone(),
                visits,
                overshoots,
                diverged: t.diverged.map(|d| d.step),
                end,
                end_value: *t.losses.last().unwrap_or(&f64::NAN),
                nearest,
            }
        })
        .collect();
    let (x, y) = scene.surface.axis_names();
    Caption {
        tolerance,
        tolerance_text,
        minima,
        minimum_names,
        axis_names: (x.to_string(), y.to_string()),
        dims,
        steps: scene.output.steps,
        surface: match scene.surface_name.as_str() {
            "expr" => "formula".to_string(),
            other => other.replace('_', " "),
        },
        runs,
    }
}

impl Caption {
    /// How the text names an axis: a coordinate's name when the axis is one (within 2°), else
    /// "its slow axis".
    pub fn axis_text(&self, axis: Point) -> String {
        let aligned = 2f64.to_radians().cos();
        if axis[0].abs() >= aligned {
            self.axis_names.0.clone()
        } else if axis[1].abs() >= aligned {
            self.axis_names.1.clone()
        } else {
            format!(
                "the slow axis ({}, {})",
                coordinate(axis[0]),
                coordinate(axis[1])
            )
        }
    }

    /// A place as the text writes it.
    fn place(&self, p: Point) -> String {
        point_text(self.dims, p)
    }

    /// The first sentence: the runs, the steps and the minima, and what "near" means.
    pub fn intro(&self) -> String {
        let n = self.runs.len();
        let runs = if n == 1 {
            "One run".to_string()
        } else {
            let w = count_word(n);
            let mut c = w.chars();
            let first = c.next().map(|f| f.to_uppercase().collect::<String>());
            format!("{}{} runs", first.unwrap_or_default(), c.as_str())
        };
        let minima = match self.minima.len() {
            0 => "no known minimum".to_string(),
            1 => format!("its minimum at {}", self.place(self.minima[0])),
            k => {
                let points: Vec<String> = self.minima.iter().map(|m| self.place(*m)).collect();
                format!(
                    "{} minima, at {} and {}",
                    count_word(k),
                    points[..k - 1].join(", "),
                    points[k - 1]
                )
            }
        };
        let article = if self.surface.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        let what = match self.dims {
            Dims::Two => "surface",
            Dims::One => "curve",
        };
        format!(
            "{runs} of {} steps on {article} {} {what} with {minima}.",
            self.steps, self.surface
        )
    }

    /// One run's sentence: what it does, in order, then how often it overshoots.
    pub fn run_sentence(&self, f: &RunFacts) -> String {
        let tol = &self.tolerance_text;
        let name = |i: usize| self.minimum_names[i].clone();
        let mut phrases: Vec<String> = Vec::new();
        for v in &f.visits {
            phrases.push(format!(
                "comes within {tol} of {} at step {}",
                name(v.minimum),
                v.reached
            ));
            match (v.left, v.settled) {
                (Some(left), _) => phrases.push(format!("leaves it for good at step {left}")),
                (None, Some(s)) if s == v.reached => phrases.push("stays there".into()),
                (None, Some(s)) => phrases.push(format!("stays within {tol} of it from step {s}")),
                (None, None) => {}
            }
        }
        let settled = f.visits.iter().any(|v| v.settled.is_some());
        match (f.diverged, settled, f.nearest) {
            (Some(d), _, _) => phrases.push(format!("diverges at step {d}")),
            (None, true, _) => {}
            (None, false, Some(n)) => {
                if f.visits.is_empty() {
                    phrases.push(format!(
                        "does not come within {tol} of a minimum in {} steps",
                        self.steps
                    ));
                }
                phrases.push(if self.minima.len() > 1 {
                    format!("ends at {}, closest to {}", self.place(f.end), name(n))
                } else {
                    format!("ends at {}", self.place(f.end))
                });
            }
            (None, false, None) => phrases.push(format!(
                "ends at {}, where f = {}",
                self.place(f.end),
                significant(f.end_value)
            )),
        }
        let mut s = f.label.clone();
        let last = phrases.len().saturating_sub(1);
        for (k, p) in phrases.iter().enumerate() {
            let sep = match k {
                0 => " ",
                k if k == last => " and ",
                _ => ", ",
            };
            let _ = write!(s, "{sep}{p}");
        }
        if let Some(o) = &f.overshoots {
            let axis = match o.axis_from_start {
                true => "the line from its start".to_string(),
                false => self.axis_text(o.axis),
            };
            // The minimum is named unless the sentence already has.
            let named = f.visits.iter().any(|v| v.minimum == o.minimum)
                || (f.nearest == Some(o.minimum) && !settled && f.diverged.is_none());
            let target = if named {
                String::new()
            } else {
                format!(" {}", name(o.minimum))
            };
            let _ = match o.count {
                0 => write!(s, "; it does not overshoot{target} along {axis}"),
                n => write!(s, "; it overshoots{target} {} along {axis}", times(n)),
            };
        }
        s.push('.');
        s
    }

    /// Every sentence: the introduction, then one per run.
    pub fn sentences(&self) -> Vec<String> {
        std::iter::once(self.intro())
            .chain(self.runs.iter().map(|f| self.run_sentence(f)))
            .collect()
    }

    /// The caption as one paragraph (alt text, the player's caption).
    pub fn text(&self) -> String {
        self.sentences().join(" ")
    }

    /// `NAME.txt`: one sentence per line.
    pub fn file(&self) -> String {
        let mut out = self.sentences().join("\n");
        out.push('\n');
        out
    }
}

/// A caption file's text ([`Caption::file`]) as one paragraph: its lines joined by spaces, which
/// is [`Caption::text`] unless a label holds a line break. (The gallery reads a scene's
/// caption back from its file.)
pub fn paragraph(file: &str) -> String {
    file.lines().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerances_are_one_significant_digit_of_a_percent() {
        assert_eq!(tolerance(6.0), (0.06, "0.06".to_string()));
        assert_eq!(tolerance(3.2), (0.03, "0.03".to_string()));
        assert_eq!(tolerance(10.0), (0.1, "0.1".to_string()));
        assert_eq!(tolerance(260.0), (3.0, "3".to_string()));
        // Windows at the ends of the doubles.
        assert_eq!(tolerance(1e-300), (1e-302, "1e-302".to_string()));
        assert_eq!(tolerance(3e300), (3e298, "3e298".to_string()));
        assert_eq!(tolerance(1e-323).1, "0");
    }

    #[test]
    fn overshoots_count_swings_beyond_the_tolerance_only() {
        assert_eq!(sign_changes([2.0, 1.0, -0.5, 0.3, -0.2], 0.1), 3);
        assert_eq!(sign_changes([2.0, 1.0, -0.05, 0.03, -0.02], 0.1), 0);
        assert_eq!(sign_changes([2.0, -1.0, 0.0, -0.5, 1.0], 0.1), 2);
        assert_eq!(sign_changes(std::iter::empty(), 0.1), 0);
    }

    #[test]
    fn visits_say_when_a_path_arrives_leaves_and_settles() {
        let path = [
            [3.0, 0.0],
            [0.05, 0.0],
            [0.5, 0.0],
            [0.02, 0.0],
            [0.01, 0.0],
        ];
        let v = visits(&path, &[[0.0, 0.0], [9.0, 9.0]], 0.06);
        assert_eq!(
            v,
            [Visit {
                minimum: 0,
                reached: 1,
                settled: Some(3),
                left: None
            }]
        );
        let v = visits(&path[..3], &[[0.0, 0.0]], 0.06);
        assert_eq!(v[0].left, Some(2));
        assert_eq!(v[0].settled, None);
    }

    #[test]
    fn the_slow_axis_of_a_quadratic_is_its_flat_direction() {
        let (scene, _) = crate::render::shipped_figure("gd_vs_momentum");
        let axis = slow_axis(&scene.surface, [0.0, 0.0]).unwrap();
        assert!(
            (axis[0] - 1.0).abs() < 1e-6 && axis[1].abs() < 1e-6,
            "{axis:?}"
        );
        let (bowl, _) = crate::render::shipped_figure("effective_learning_rate");
        assert_eq!(slow_axis(&bowl.surface, [0.0, 0.0]), None);
    }

    #[test]
    fn a_caption_names_what_each_run_does() {
        let (scene, _) = crate::render::shipped_figure("gd_vs_momentum");
        let t = crate::pipeline::trajectories(&scene);
        let c = describe(&scene, &t);
        let s = c.sentences();
        assert_eq!(
            s[0],
            "Three runs of 60 steps on a quadratic surface with its minimum at (0, 0)."
        );
        assert!(s[1].starts_with("GD "), "{}", s[1]);
        assert!(
            s[2].contains("; it overshoots 4 times along x."),
            "{}",
            s[2]
        );
        assert_eq!(c, describe(&scene, &t), "deterministic");
    }
}
