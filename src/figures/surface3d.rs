//! The 3-D view: the surface seen from above at an angle, with every run's path laid on it.
//!
//! Drawn into the chart's picture directly with its own orthographic camera (plotters draws the
//! title only):
//!
//! - the mesh's cells and the runs' paths, cut into pieces a cell long and lifted onto the
//!   surface, are painted together far to near (the painter's algorithm), so a ridge hides the
//!   stretch of a path behind it;
//! - the camera is the first of a few views, lowest first, from which nearly all of the paths
//!   and markers are in sight;
//! - the markers (minima, starts, the runs' heads) go on top;
//! - the axes are the box's front edges, with tick labels and titles outside the box, kept
//!   clear of each other and of the title; the legend and the key sit under the box.

use std::sync::Arc;

use super::*;
use crate::picture::geom::{clip_segment, P32};
use crate::picture::mark::{MASKED, MUTED, WHITE};
use crate::picture::{Colour, ItemKind, Layer, Mark, Path as Outline, Shape, Sizes, Stroke};
use crate::surface::{Point, Window};
use crate::text::Fonts;

/// Cells per side of the 3-D surface's mesh.
pub(super) const SURFACE_GRID: usize = 32;

/// The views tried, in order, as (azimuth, elevation) in radians: the azimuth is the direction
/// towards the camera in the (x, y) plane, counter-clockwise from +x; the elevation its height
/// above that plane. First from low y and a little to the high-x side (x runs left to right, y
/// into the picture), then from the low-x side, then from high y; each lower first (more
/// relief), then higher (into deeper valleys).
const VIEWS: [(f64, f64); 16] = {
    let mut views = [(0.0, 0.0); 16];
    let azimuths = [-1.3, -1.84, 1.3, 1.84];
    let elevations = [0.8, 1.0, 1.2, 1.4];
    let mut k = 0;
    while k < 16 {
        views[k] = (azimuths[k % 4], elevations[k / 4]);
        k += 1;
    }
    views
};

/// The share of the paths' points (and markers) a view must show to be taken.
const IN_SIGHT: f64 = 0.97;

/// The box's height next to its longer side.
const BOX_HEIGHT: f64 = 0.5;

/// A point in the box (x, y, up) or in the data (x, y, f).
type P3 = [f64; 3];

fn dot(a: P3, b: P3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn normalised(a: P3) -> P3 {
    let l = dot(a, a).sqrt().max(1e-300);
    [a[0] / l, a[1] / l, a[2] / l]
}

/// An orthographic camera: the screen's right and up, and the direction towards the viewer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Camera {
    right: P3,
    up: P3,
    toward: P3,
}

impl Camera {
    pub(super) fn new(azimuth: f64, elevation: f64) -> Camera {
        let (sa, ca) = azimuth.sin_cos();
        let (se, ce) = elevation.sin_cos();
        Camera {
            right: [-sa, ca, 0.0],
            up: [-se * ca, -se * sa, ce],
            toward: [ce * ca, ce * sa, se],
        }
    }

    /// Where a box point lands on the screen, in box units, y down.
    fn screen(&self, p: P3) -> (f64, f64) {
        (dot(p, self.right), -dot(p, self.up))
    }
}

/// The data's place in the box: the window and the heights from `lo` to `cap`, in a box
/// centred on the origin whose longer side is 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Frame {
    win: Window,
    lo: f64,
    cap: f64,
    /// The box's sides along x, y and up.
    size: P3,
}

impl Frame {
    pub(super) fn new(win: Window, lo: f64, cap: f64) -> Frame {
        // Sides in proportion to the window, within a factor of 1.6.
        let ratio = (win.height() / win.width()).clamp(1.0 / 1.6, 1.6);
        let (sx, sy) = if ratio <= 1.0 {
            (1.0, ratio)
        } else {
            (1.0 / ratio, 1.0)
        };
        Frame {
            win,
            lo,
            cap,
            size: [sx, sy, BOX_HEIGHT],
        }
    }

    /// Box coordinates of the data point (x, y, f).
    fn at(&self, [x, y, f]: P3) -> P3 {
        let t = |v: f64, lo: f64, span: f64| (v - lo) / span - 0.5;
        [
            t(x, self.win.x.0, self.win.width()) * self.size[0],
            t(y, self.win.y.0, self.win.height()) * self.size[1],
            t(f, self.lo, self.cap - self.lo) * self.size[2],
        ]
    }

    /// Data units per box unit along x, y and f.
    fn per_box(&self) -> P3 {
        [
            self.win.width() / self.size[0],
            self.win.height() / self.size[1],
            (self.cap - self.lo) / self.size[2],
        ]
    }
}

/// The mesh: the window cut into `n × n` cells.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Grid {
    pub(super) win: Window,
    pub(super) n: usize,
}

impl Grid {
    /// The x of mesh line `i` (0 to n).
    pub(super) fn x(&self, i: usize) -> f64 {
        self.win.x.0 + self.win.width() * i as f64 / self.n as f64
    }

    pub(super) fn y(&self, j: usize) -> f64 {
        self.win.y.0 + self.win.height() * j as f64 / self.n as f64
    }

    /// The cell (i, j) holding (x, y); the nearest one for a point outside the window.
    pub(super) fn cell_of(&self, x: f64, y: f64) -> (usize, usize) {
        let n = self.n as f64;
        let index = |v: f64, lo: f64, span: f64| {
            let k = ((v - lo) / span * n).floor();
            if k.is_nan() {
                0
            } else {
                k.clamp(0.0, n - 1.0) as usize
            }
        };
        (
            index(x, self.win.x.0, self.win.width()),
            index(y, self.win.y.0, self.win.height()),
        )
    }
}

/// The surface sampled on the grid, heights capped to `[lo, cap]`.
pub(super) struct Mesh {
    pub(super) grid: Grid,
    /// f at the grid points, `raw[i][j]` at (x(i), y(j)), as the surface gives it.
    raw: Vec<Vec<f64>>,
    pub(super) lo: f64,
    pub(super) cap: f64,
}

impl Mesh {
    /// The surface of `scene` over its window, capped a little above the highest start (so a
    /// steep rim does not flatten the valleys where the paths run), the cap rounded up to two
    /// digits of the range so the key can say where; `None` when it has no finite value, or
    /// no plane (the checker refuses the 3-D view of a curve).
    pub(super) fn new(scene: &Scene, n: usize) -> Option<Mesh> {
        let grid = Grid {
            win: scene.view.plane()?,
            n,
        };
        let f = |x: f64, y: f64| scene.surface.value([x, y]);
        let raw: Vec<Vec<f64>> = (0..=n)
            .map(|i| (0..=n).map(|j| f(grid.x(i), grid.y(j))).collect())
            .collect();
        let finite = raw.iter().flatten().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if !lo.is_finite() {
            return None;
        }
        let start_top = scene
            .runs
            .iter()
            .map(|r| f(r.start[0], r.start[1]))
            .filter(|v| v.is_finite())
            .fold(f64::NEG_INFINITY, f64::max);
        let cap = if start_top.is_finite() {
            let cap = start_top + 0.25 * (start_top - lo);
            let unit = 10f64.powf((cap - lo).log10().floor() - 1.0);
            let rounded = (cap / unit).ceil() * unit;
            if rounded.is_finite() {
                rounded
            } else {
                cap
            }
        } else {
            hi
        };
        let range = axis_range(lo, cap.min(hi));
        Some(Mesh {
            grid,
            raw,
            lo: range.start,
            cap: range.end,
        })
    }

    /// A value as drawn: within `[lo, cap]`, the cap where it is not a number.
    pub(super) fn clamp(&self, v: f64) -> f64 {
        if v.is_finite() {
            v.clamp(self.lo, self.cap)
        } else {
            self.cap
        }
    }

    /// Whether the surface is cut off anywhere.
    fn any_cut(&self) -> bool {
        self.raw
            .iter()
            .flatten()
            .any(|&v| !v.is_finite() || v > self.cap)
    }

    /// The drawn surface's height at (x, y): the capped heights at the grid points, bilinear
    /// in between.
    fn height_at(&self, x: f64, y: f64) -> f64 {
        let g = &self.grid;
        let (i, j) = g.cell_of(x, y);
        let u = ((x - g.x(i)) / (g.x(i + 1) - g.x(i))).clamp(0.0, 1.0);
        let v = ((y - g.y(j)) / (g.y(j + 1) - g.y(j))).clamp(0.0, 1.0);
        let h = |a: usize, b: usize| self.clamp(self.raw[a][b]);
        (1.0 - v) * ((1.0 - u) * h(i, j) + u * h(i + 1, j))
            + v * ((1.0 - u) * h(i, j + 1) + u * h(i + 1, j + 1))
    }

    /// Cell (i, j) as polygons of data points (x, y, height), each with whether it is cut off:
    /// the whole cell, or where the cap crosses it, each of its two triangles split along the
    /// cap into the part below (at the surface's heights) and the part above (flat at the cap),
    /// so the cut's edge follows the cap instead of the mesh.
    fn cell_parts(&self, i: usize, j: usize) -> Vec<(Vec<P3>, bool)> {
        let (g, cap) = (&self.grid, self.cap);
        // What is not a number counts as far above the cap.
        let above = cap + (cap - self.lo).max(1.0);
        let corner = |a: usize, b: usize| {
            let v = self.raw[a][b];
            [g.x(a), g.y(b), if v.is_finite() { v } else { above }]
        };
        let quad = [
            corner(i, j),
            corner(i + 1, j),
            corner(i + 1, j + 1),
            corner(i, j + 1),
        ];
        let flat = |p: P3| [p[0], p[1], cap];
        let cut = quad.iter().filter(|p| p[2] > cap).count();
        if cut == 0 {
            return vec![(quad.map(|p| [p[0], p[1], self.clamp(p[2])]).to_vec(), false)];
        }
        if cut == 4 {
            return vec![(quad.map(flat).to_vec(), true)];
        }
        let mut parts = Vec::new();
        for triangle in [[quad[0], quad[1], quad[2]], [quad[0], quad[2], quad[3]]] {
            let (mut below, mut over) = (Vec::new(), Vec::new());
            for k in 0..3 {
                let (a, b) = (triangle[k], triangle[(k + 1) % 3]);
                if a[2] <= cap {
                    below.push([a[0], a[1], self.clamp(a[2])]);
                } else {
                    over.push(flat(a));
                }
                if (a[2] <= cap) != (b[2] <= cap) {
                    let t = (cap - a[2]) / (b[2] - a[2]);
                    let c = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), cap];
                    below.push(c);
                    over.push(c);
                }
            }
            for (part, is_cut) in [(below, false), (over, true)] {
                if part.len() >= 3 {
                    parts.push((part, is_cut));
                }
            }
        }
        // The cut parts last: their outlines, not the coloured parts', then make the edge.
        parts.sort_by_key(|p| p.1);
        parts
    }

    /// Whether the data point `p` on the surface is in sight from `camera`: no part of the
    /// drawn surface between it and the camera (beyond its own cell) lies above the line of
    /// sight.
    fn in_sight(&self, camera: &Camera, frame: &Frame, p: P3) -> bool {
        let per = frame.per_box();
        let cell = frame.size[0].min(frame.size[1]) / self.grid.n as f64;
        // Half a cell at a time along the line of sight, from a cell away, until it leaves the
        // window or rises above the cap (within a box's height: the camera looks down).
        let steps = (2.0 * frame.size[2] / camera.toward[2].max(0.1) / cell).ceil() as usize;
        (2..steps + 2).all(|k| {
            let t = k as f64 * cell / 2.0;
            let q = [0, 1, 2].map(|a| p[a] + t * camera.toward[a] * per[a]);
            !self.grid.win.contains([q[0], q[1]])
                || q[2] > self.cap
                || self.height_at(q[0], q[1]) <= q[2] + 0.01 * (self.cap - self.lo)
        })
    }
}

/// A run's path laid on the surface: every step's segment, clipped to the window, is cut where
/// it crosses a mesh line (so every piece between two points lies in one cell, no longer than
/// the cell), and every point is lifted to `height` there: (x, y, height(x, y)). A path that
/// leaves the window breaks into several polylines.
pub(super) fn drape(
    positions: &[Point],
    grid: &Grid,
    height: &dyn Fn(f64, f64) -> f64,
) -> Vec<Vec<P3>> {
    let win = grid.win;
    let rect = (win.x.0, win.y.0, win.x.1, win.y.1);
    let lift = |(x, y): (f64, f64)| [x, y, height(x, y)];
    let mut lines = Vec::new();
    let mut line: Vec<P3> = Vec::new();
    let mut finish = |line: &mut Vec<P3>| {
        if line.len() > 1 {
            lines.push(std::mem::take(line));
        } else {
            line.clear();
        }
    };
    for pair in positions.windows(2) {
        let (a, b) = ((pair[0][0], pair[0][1]), (pair[1][0], pair[1][1]));
        let Some((a, b)) = clip_segment(a, b, rect) else {
            finish(&mut line);
            continue;
        };
        if line.last().is_none_or(|p| (p[0], p[1]) != a) {
            finish(&mut line);
            line.push(lift(a));
        }
        if a == b {
            continue;
        }
        let mut cuts: Vec<f64> = Vec::new();
        for k in 1..grid.n {
            for (from, to, at) in [(a.0, b.0, grid.x(k)), (a.1, b.1, grid.y(k))] {
                if (from < at && at < to) || (to < at && at < from) {
                    cuts.push((at - from) / (to - from));
                }
            }
        }
        cuts.sort_by(f64::total_cmp);
        for t in cuts {
            line.push(lift((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))));
        }
        line.push(lift(b));
    }
    finish(&mut line);
    lines
}

/// A draped polyline cut into pieces that each lie in one cell: (the cell, its points).
pub(super) fn pieces(line: &[P3], grid: &Grid) -> Vec<((usize, usize), Vec<P3>)> {
    let mut out: Vec<((usize, usize), Vec<P3>)> = Vec::new();
    for seg in line.windows(2) {
        let cell = grid.cell_of((seg[0][0] + seg[1][0]) / 2.0, (seg[0][1] + seg[1][1]) / 2.0);
        match out.last_mut() {
            Some((c, points)) if *c == cell => points.push(seg[1]),
            _ => out.push((cell, vec![seg[0], seg[1]])),
        }
    }
    out
}

/// The order to paint the surface's cells and the path pieces on them in, far to near, as
/// indices into `patches` (each: its cell, and whether it is a path piece). `toward` is the
/// direction towards the camera along the ground per cell: the box units a cell spans along x
/// and along y, times the direction's x and y.
///
/// The surface is a height field seen from above, so a place can only be hidden by places
/// nearer the camera along the ground: cells are painted by how far their centre lies towards
/// the camera. A path piece is painted just after its cell's nearer neighbours (a bias of one
/// cell towards the camera), so their fills never cut its stroke, while every cell further in
/// front (a ridge between it and the camera) still covers it.
pub(super) fn paint_order(patches: &[((usize, usize), bool)], toward: (f64, f64)) -> Vec<usize> {
    let key = |i: i64, j: i64| toward.0 * i as f64 + toward.1 * j as f64;
    // A piece takes the key of its cell's neighbour diagonally in front (the same sum, so an
    // exact tie, which puts the cell first).
    let step = |d: f64| (d > 0.0) as i64 - (d < 0.0) as i64;
    let (di, dj) = (step(toward.0), step(toward.1));
    let keys: Vec<(f64, bool)> = patches
        .iter()
        .map(|&((i, j), piece)| {
            let (i, j) = (i as i64, j as i64);
            if piece {
                (key(i + di, j + dj), true)
            } else {
                (key(i, j), false)
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..patches.len()).collect();
    order.sort_by(|&a, &b| {
        let ((ka, pa), (kb, pb)) = (keys[a], keys[b]);
        ka.total_cmp(&kb).then(pa.cmp(&pb)).then(a.cmp(&b))
    });
    order
}

/// The first of [`VIEWS`] from which every one of `marks` and at least [`IN_SIGHT`] of `path`
/// (data points on the surface) are in sight, else the one that shows the largest share of
/// both.
fn choose_camera(mesh: &Mesh, frame: &Frame, marks: &[P3], path: &[P3]) -> Camera {
    // The share of `points` in sight (all of none).
    let share = |camera: &Camera, points: &[P3]| {
        let seen = points
            .iter()
            .filter(|p| mesh.in_sight(camera, frame, **p))
            .count();
        if points.is_empty() {
            1.0
        } else {
            seen as f64 / points.len() as f64
        }
    };
    let mut best = (Camera::new(VIEWS[0].0, VIEWS[0].1), -1.0);
    for &(azimuth, elevation) in &VIEWS {
        let camera = Camera::new(azimuth, elevation);
        let (marks, path) = (share(&camera, marks), share(&camera, path));
        if marks >= 1.0 && path >= IN_SIGHT {
            return camera;
        }
        if marks + path > best.1 {
            best = (camera, marks + path);
        }
    }
    best.0
}

/// A line of text placed by its centre, with its size on the canvas.
#[derive(Debug, Clone, PartialEq)]
struct Label {
    text: String,
    size: f32,
    centre: (f64, f64),
    w: f64,
    h: f64,
}

/// (left, top, right, bottom), pixels.
type Rect = [f64; 4];

impl Label {
    fn new(fonts: &Fonts, text: &str, size: f32) -> Label {
        let s = fonts.shape(text, size);
        Label {
            text: text.to_string(),
            size,
            centre: (0.0, 0.0),
            w: f64::from(s.width),
            h: f64::from(s.ascent + s.descent),
        }
    }

    fn rect(&self) -> Rect {
        let (x, y) = self.centre;
        let (w, h) = (self.w / 2.0, self.h / 2.0);
        [x - w, y - h, x + w, y + h]
    }

    /// How far the label reaches along the unit direction `d`, from one side to the other.
    fn extent(&self, d: (f64, f64)) -> f64 {
        d.0.abs() * self.w + d.1.abs() * self.h
    }

    /// The label placed beyond `p` along the unit direction `d`, its near side `gap` from `p`.
    fn beyond(mut self, p: (f64, f64), d: (f64, f64), gap: f64) -> Label {
        let r = gap + self.extent(d) / 2.0;
        self.centre = (p.0 + d.0 * r, p.1 + d.1 * r);
        self
    }
}

fn overlap(a: Rect, b: Rect, pad: f64) -> bool {
    a[0] < b[2] + pad && b[0] < a[2] + pad && a[1] < b[3] + pad && b[1] < a[3] + pad
}

fn union(a: Rect, b: Rect) -> Rect {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

const EMPTY: Rect = [
    f64::INFINITY,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NEG_INFINITY,
];

/// Round ticks from `lo` to `hi`: the finest 1-2-5 step that gives at most `most`.
fn nice_ticks(lo: f64, hi: f64, most: usize) -> Vec<f64> {
    let span = hi - lo;
    if !(span > 0.0 && span.is_finite()) {
        return vec![];
    }
    let mut unit = 10f64.powf((span / most as f64).log10().floor() - 1.0);
    for _ in 0..8 {
        for m in [1.0, 2.0, 5.0] {
            let step = unit * m;
            let first = (lo / step - 1e-9).ceil();
            let last = (hi / step + 1e-9).floor();
            if last - first < most as f64 {
                return (first as i64..=last as i64)
                    .map(|k| k as f64 * step)
                    .collect();
            }
        }
        unit *= 10.0;
    }
    vec![]
}

/// One of the three axes: an edge of the box with ticks going out of it.
struct Axis {
    lo: f64,
    hi: f64,
    format: TickFormat,
    title: String,
    /// The box point of value v on the axis's edge.
    at: Box<dyn Fn(f64) -> P3>,
    /// The way ticks, labels and the title go, on the screen (unit).
    out: (f64, f64),
    /// The title goes over the axis's high end (a vertical axis), not beside its middle.
    title_on_top: bool,
}

/// The axes as drawn: tick marks, labels and titles, pixels.
#[derive(Default)]
struct Furniture {
    /// For each axis: the values of its labelled ticks.
    ticks: [Vec<f64>; 3],
    marks: Vec<((f64, f64), (f64, f64))>,
    labels: Vec<Label>,
}

/// The camera's view scaled to pixels.
#[derive(Debug, Clone, Copy)]
struct Screen {
    camera: Camera,
    frame: Frame,
    scale: f64,
    origin: (f64, f64),
}

impl Screen {
    /// The pixel of a box point.
    fn px(&self, p: P3) -> (f64, f64) {
        let (x, y) = self.camera.screen(p);
        (
            self.origin.0 + self.scale * x,
            self.origin.1 + self.scale * y,
        )
    }

    fn px32(&self, p: P3) -> P32 {
        let (x, y) = self.px(p);
        (x as f32, y as f32)
    }

    /// The pixel of a data point (x, y, f).
    fn data32(&self, p: P3) -> P32 {
        self.px32(self.frame.at(p))
    }
}

/// Sizes of the view's text and furniture, pixels.
struct Style {
    sizes: Sizes,
    tick_font: f32,
    title_font: f32,
    tick: f64,
    gap: f64,
}

/// Lays the axes' ticks, labels and titles out for `screen`, clear of `taken`: each axis gets
/// the most ticks (up to 7) whose labels keep apart; a label that would touch one placed
/// before (another axis's, the chart's title) is left out; a title moves out until it is clear.
fn furnish(
    axes: &[Axis; 3],
    screen: &Screen,
    fonts: &Fonts,
    st: &Style,
    taken: &[Rect],
) -> Furniture {
    let mut out = Furniture::default();
    let mut placed: Vec<Rect> = taken.to_vec();
    let pad = f64::from(st.tick_font) * 0.35;
    for (k, axis) in axes.iter().enumerate() {
        let edge = |v: f64| screen.px((axis.at)(v));
        let mut chosen: Vec<(f64, Label)> = Vec::new();
        for most in (2..=7).rev() {
            let labels: Vec<(f64, Label)> = nice_ticks(axis.lo, axis.hi, most)
                .into_iter()
                .map(|v| {
                    let l = Label::new(fonts, &axis.format.label(v), st.tick_font);
                    (v, l.beyond(edge(v), axis.out, st.tick + st.gap))
                })
                .collect();
            let apart = labels
                .windows(2)
                .all(|w| !overlap(w[0].1.rect(), w[1].1.rect(), pad));
            chosen = labels;
            if apart {
                break;
            }
        }
        let mut reach: f64 = 0.0;
        for (v, label) in chosen {
            if placed.iter().any(|r| overlap(*r, label.rect(), pad)) {
                continue;
            }
            let p = edge(v);
            let tip = (p.0 + axis.out.0 * st.tick, p.1 + axis.out.1 * st.tick);
            out.marks.push((p, tip));
            reach = reach.max(label.extent(axis.out));
            placed.push(label.rect());
            out.ticks[k].push(v);
            out.labels.push(label);
        }
        // The title beyond the labels at the middle of the edge, or over the labels' column
        // at the top.
        let (from, way, mut gap) = if axis.title_on_top {
            let top = edge(axis.hi);
            let column = st.tick + st.gap + reach / 2.0;
            let from = (top.0 + axis.out.0 * column, top.1 + axis.out.1 * column);
            (from, (0.0, -1.0), f64::from(st.tick_font) * 0.8)
        } else {
            let mid = edge((axis.lo + axis.hi) / 2.0);
            (mid, axis.out, st.tick + st.gap + reach + st.gap * 1.5)
        };
        let mut title = Label::new(fonts, &axis.title, st.title_font).beyond(from, way, gap);
        for _ in 0..8 {
            if !placed.iter().any(|r| overlap(*r, title.rect(), pad)) {
                break;
            }
            gap += st.gap * 2.0;
            title = title.beyond(from, way, gap);
        }
        placed.push(title.rect());
        out.labels.push(title);
    }
    out
}

/// A symbol of the legend or the key.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Symbol {
    /// A run: a stretch of path ending in its head.
    Run(Rgb),
    Start,
    Minimum {
        global: bool,
    },
    Cut,
}

/// The marker of a minimum: the animation's (white where the surface is lowest, grey at a
/// local minimum), larger, so its points show round a head on it.
fn minimum_mark(c: P32, global: bool, s: &Sizes) -> Mark {
    let r = s.marker_radius * if global { 1.6 } else { 1.35 };
    Mark::minimum_of_radius(c, global, r, s)
}

/// A run's head on the surface: a disc in the run's colour with a white ring.
fn head_mark(c: P32, colour: Rgb, s: &Sizes) -> Mark {
    Mark::Disc {
        c,
        r: s.head_radius,
        fill: colour,
        ring: WHITE,
        ring_width: s.outline,
    }
}

/// A colour with a tenth of white mixed in.
fn pale(c: Rgb) -> Rgb {
    c.map(|v| ((u32::from(v) * 9 + 255) / 10) as u8)
}

/// The colour of the surface where it is cut off.
fn cut_colour() -> Rgb {
    pale(MASKED)
}

/// The upward normal of a polygon of box points (Newell's method).
fn normal(poly: &[P3]) -> P3 {
    let mut n = [0.0; 3];
    for (k, a) in poly.iter().enumerate() {
        let b = poly[(k + 1) % poly.len()];
        n[0] += (a[1] - b[1]) * (a[2] + b[2]);
        n[1] += (a[2] - b[2]) * (a[0] + b[0]);
        n[2] += (a[0] - b[0]) * (a[1] + b[1]);
    }
    let n = normalised(n);
    if n[2] < 0.0 {
        n.map(|v| -v)
    } else {
        n
    }
}

/// `c` lit from the upper left of the viewer: a face turned to the light keeps its colour, one
/// turned away darkens; the underside (seen where the surface rises towards the viewer more
/// steeply than the line of sight) is darker still.
fn shaded(c: Rgb, normal: P3, camera: &Camera) -> Rgb {
    let (t, u, r) = (camera.toward, camera.up, camera.right);
    let light = normalised([0, 1, 2].map(|k| 0.6 * t[k] + 0.6 * u[k] - 0.5 * r[k]));
    let k = if dot(normal, t) >= 0.0 {
        0.72 + 0.32 * dot(normal, light).max(0.0)
    } else {
        0.62 + 0.2 * (-dot(normal, light)).max(0.0)
    };
    c.map(|v| (f64::from(v) * k.min(1.0)).round() as u8)
}

fn line_shape(points: impl IntoIterator<Item = P32>, stroke: Stroke) -> ItemKind {
    ItemKind::Shape(Shape {
        path: Outline::polyline(points),
        fill: None,
        stroke: Some(stroke),
    })
}

fn thin(c: Rgb) -> Stroke {
    Stroke {
        colour: Colour::rgb(c),
        width: 1.0,
        round: false,
    }
}

/// The two walls at the back of the box, with grid lines at the ticks (`ticks`: x, y, f): the
/// wall at the far x end spans y, the one at the far y end spans x. `near` is the corner
/// nearest the camera.
fn back_walls(picture: &mut Picture, screen: &Screen, near: (f64, f64), ticks: &[Vec<f64>; 3]) {
    let frame = screen.frame;
    let (bottom, top) = (-frame.size[2] / 2.0, frame.size[2] / 2.0);
    let [x_ticks, y_ticks, f_ticks] = ticks;
    for (wall, far, along, ticks) in [(0, -near.0, 1, y_ticks), (1, -near.1, 0, x_ticks)] {
        let half = frame.size[along] / 2.0;
        let point = |t: f64, z: f64| {
            let mut p = [0.0; 3];
            p[wall] = far;
            p[along] = t;
            p[2] = z;
            screen.px32(p)
        };
        let quad = [
            point(-half, bottom),
            point(half, bottom),
            point(half, top),
            point(-half, top),
        ];
        let mut items = vec![ItemKind::Shape(Shape {
            path: Outline::polygon(quad),
            fill: Some(Colour::rgb([246, 246, 246])),
            stroke: None,
        })];
        for &v in ticks {
            let mut d = [0.0; 3];
            d[along] = v;
            let t = frame.at(d)[along];
            items.push(line_shape(
                [point(t, bottom), point(t, top)],
                thin([222; 3]),
            ));
        }
        for &v in f_ticks {
            let z = frame.at([0.0, 0.0, v])[2];
            items.push(line_shape(
                [point(-half, z), point(half, z)],
                thin([222; 3]),
            ));
        }
        for (a, b) in [(3, 2), (0, 3), (1, 2)] {
            items.push(line_shape([quad[a], quad[b]], thin([200; 3])));
        }
        for item in items {
            picture.push(Layer::Under, None, item);
        }
    }
}

/// The surface's cells and the pieces of the runs' `paths` (each run's draped polylines, in
/// the colours `colours`), far to near (see [`paint_order`]).
fn surface_and_paths(
    picture: &mut Picture,
    screen: &Screen,
    mesh: &Mesh,
    paths: &[(Vec<Vec<P3>>, Rgb)],
    width: f32,
) {
    let (frame, camera, grid) = (&screen.frame, &screen.camera, &mesh.grid);
    let mut patches: Vec<((usize, usize), bool)> = Vec::new();
    let mut shapes: Vec<Vec<Shape>> = Vec::new();
    for i in 0..grid.n {
        for j in 0..grid.n {
            let mut cell = Vec::new();
            for (part, cut) in mesh.cell_parts(i, j) {
                let boxed: Vec<P3> = part.iter().map(|&p| frame.at(p)).collect();
                let colour = if cut {
                    cut_colour()
                } else {
                    let mean = part.iter().map(|p| p[2]).sum::<f64>() / part.len() as f64;
                    let band = style::band_colour((mean - mesh.lo) / (mesh.cap - mesh.lo));
                    shaded(pale(band), normal(&boxed), camera)
                };
                let c = Colour::rgb(colour);
                cell.push(Shape {
                    path: Outline::polygon(boxed.iter().map(|&p| screen.px32(p))),
                    fill: Some(c),
                    // Outlined in its own colour too, so neighbouring cells meet without seams.
                    stroke: Some(Stroke {
                        colour: c,
                        width: 1.0,
                        round: false,
                    }),
                });
            }
            patches.push(((i, j), false));
            shapes.push(cell);
        }
    }
    for (lines, colour) in paths {
        let stroke = Stroke {
            colour: Colour::rgb(*colour),
            width,
            round: true,
        };
        for line in lines {
            for (cell, points) in pieces(line, grid) {
                patches.push((cell, true));
                shapes.push(vec![Shape {
                    path: Outline::polyline(points.iter().map(|&p| screen.data32(p))),
                    fill: None,
                    stroke: Some(stroke),
                }]);
            }
        }
    }
    let per_cell = (
        camera.toward[0] * frame.size[0] / grid.n as f64,
        camera.toward[1] * frame.size[1] / grid.n as f64,
    );
    for k in paint_order(&patches, per_cell) {
        for s in std::mem::take(&mut shapes[k]) {
            picture.push(Layer::Under, None, ItemKind::Shape(s));
        }
    }
}

/// Markers for the runs' heads `(point, colour)` on the canvas: a disc each, or where heads
/// coincide (within half a radius), one disc cut into a wedge per run, so none hides another.
fn head_marks(heads: &[(P32, Rgb)], s: &Sizes) -> Vec<Mark> {
    let mut discs: Vec<(P32, Vec<Rgb>)> = Vec::new();
    for &(c, colour) in heads {
        let near =
            |d: &&mut (P32, Vec<Rgb>)| (d.0 .0 - c.0).hypot(d.0 .1 - c.1) < s.head_radius * 0.5;
        match discs.iter_mut().find(near) {
            Some((_, colours)) => colours.push(colour),
            None => discs.push((c, vec![colour])),
        }
    }
    discs
        .into_iter()
        .map(|(c, colours)| match colours[..] {
            [colour] => head_mark(c, colour, s),
            _ => Mark::Wedges {
                c,
                r: s.head_radius * 1.15,
                fills: colours,
                ring: WHITE,
                ring_width: s.outline,
            },
        })
        .collect()
}

/// The 3-D view of `scene` with its runs' paths, `w × h` pixels.
pub(super) fn surface3d_picture(
    fonts: &Arc<Fonts>,
    w: u32,
    h: u32,
    scene: &Scene,
    trajectories: &[Trajectory],
) -> Result<Picture, DrawError> {
    view3d(fonts, (w, h), scene, trajectories, None)
}

/// [`surface3d_picture`] seen from `camera`, or from the camera [`choose_camera`] picks.
pub(super) fn view3d(
    fonts: &Arc<Fonts>,
    (w, h): (u32, u32),
    scene: &Scene,
    trajectories: &[Trajectory],
    camera: Option<Camera>,
) -> Result<Picture, DrawError> {
    let mut picture = record(fonts, w, h, |area, scale| {
        page(&area, scale, scene, "the surface in 3-D").map(|_| ())
    })?;
    let title: Vec<Rect> = picture
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            ItemKind::Text(t) => {
                let (a, b, c, d) = t.bounds();
                Some([a, b, c, d].map(f64::from))
            }
            _ => None,
        })
        .collect();
    let Some(mesh) = Mesh::new(scene, SURFACE_GRID) else {
        return Ok(picture);
    };
    let (grid, lo, cap) = (mesh.grid, mesh.lo, mesh.cap);
    let win = grid.win;
    let height = |x: f64, y: f64| mesh.clamp(scene.surface.value([x, y]));
    let on_surface = |p: Point| [p[0], p[1], height(p[0], p[1])];
    let frame = Frame::new(win, lo, cap);

    // What is drawn on the surface: the paths, the heads, the starts and the minima.
    let paths: Vec<Vec<Vec<P3>>> = trajectories
        .iter()
        .take(scene.runs.len())
        .map(|t| drape(&t.positions, &grid, &height))
        .collect();
    let heads: Vec<(P3, Rgb)> = trajectories
        .iter()
        .enumerate()
        .take(scene.runs.len())
        .filter_map(|(i, t)| {
            let last = t.positions.iter().rev().find(|p| win.contains(**p))?;
            Some((on_surface(*last), run_colour(scene, i)))
        })
        .collect();
    let mut starts: Vec<P3> = Vec::new();
    for run in &scene.runs {
        let p = on_surface(run.start);
        if win.contains(run.start) && !starts.contains(&p) {
            starts.push(p);
        }
    }
    let lowest = scene.surface.lowest_minimum();
    let minima: Vec<(P3, bool)> = scene
        .surface
        .minima()
        .into_iter()
        .filter(|m| win.contains(*m))
        .map(|m| {
            let v = scene.surface.value(m);
            let global = lowest.is_some_and(|l| v <= l + 1e-9 * (1.0 + l.abs()));
            (on_surface(m), global)
        })
        .collect();
    let camera = camera.unwrap_or_else(|| {
        let path: Vec<P3> = paths.iter().flatten().flatten().copied().collect();
        let mut marks: Vec<P3> = heads.iter().map(|h| h.0).collect();
        marks.extend(starts.iter().copied());
        marks.extend(minima.iter().map(|m| m.0));
        choose_camera(&mesh, &frame, &marks, &path)
    });

    let sizes = Sizes::for_canvas(scene.output.width, scene.output.height);
    let font = sizes.font;
    let st = Style {
        sizes,
        tick_font: (font * TICK as f32).max(crate::picture::mark::MIN_FONT),
        title_font: font,
        tick: f64::from(4.0 * sizes.scale),
        gap: f64::from(font) * 0.3,
    };

    // The axes. x and y run along the two ground edges that meet at the corner nearest the
    // camera, their ticks pointing away from the box.
    let [bx, by, bz] = frame.size;
    let sx = if camera.toward[0] >= 0.0 { 1.0 } else { -1.0 };
    let sy = if camera.toward[1] >= 0.0 { 1.0 } else { -1.0 };
    let (near_x, near_y) = (sx * bx / 2.0, sy * by / 2.0);
    let bottom = -bz / 2.0;
    let out_of = |d: P3| {
        let (x, y) = camera.screen(d);
        let l = x.hypot(y).max(1e-12);
        (x / l, y / l)
    };
    let (x_out, y_out) = (out_of([0.0, sy, 0.0]), out_of([sx, 0.0, 0.0]));
    // f goes up the vertical edge at the far end of the ground axis whose labels hang below it
    // (the other's go sideways, as f's do, and would meet them), its labels out sideways.
    let side = if x_out.1.abs() >= y_out.1.abs() {
        [-near_x, near_y]
    } else {
        [near_x, -near_y]
    };
    let f_out = if camera.screen([side[0], side[1], 0.0]).0 >= 0.0 {
        (1.0, 0.0)
    } else {
        (-1.0, 0.0)
    };
    let (x_name, y_name) = scene.surface.axis_names();
    let x_format = TickFormat::for_range(win.x.0, win.x.1);
    let y_format = TickFormat::for_range(win.y.0, win.y.1);
    let f_format = TickFormat::for_range(lo, cap);
    let axes: [Axis; 3] = [
        Axis {
            lo: win.x.0,
            hi: win.x.1,
            format: x_format,
            title: x_format.axis_title(x_name),
            at: Box::new(move |v| [frame.at([v, 0.0, 0.0])[0], near_y, bottom]),
            out: x_out,
            title_on_top: false,
        },
        Axis {
            lo: win.y.0,
            hi: win.y.1,
            format: y_format,
            title: y_format.axis_title(y_name),
            at: Box::new(move |v| [near_x, frame.at([0.0, v, 0.0])[1], bottom]),
            out: y_out,
            title_on_top: false,
        },
        Axis {
            lo,
            hi: cap,
            format: f_format,
            title: f_format.axis_title("f"),
            at: Box::new(move |v| [side[0], side[1], frame.at([0.0, 0.0, v])[2]]),
            out: f_out,
            title_on_top: true,
        },
    ];

    // The legend (the runs) and the key under the box.
    let mut runs: Vec<(Symbol, String)> = Vec::new();
    for (i, run) in scene.runs.iter().enumerate() {
        runs.push((Symbol::Run(run_colour(scene, i)), run.label.clone()));
    }
    let mut key: Vec<(Symbol, String)> = Vec::new();
    if !starts.is_empty() {
        key.push((Symbol::Start, "start".into()));
    }
    let local = minima.iter().any(|m| !m.1);
    if minima.iter().any(|m| m.1) {
        let name = if local { "global minimum" } else { "minimum" };
        key.push((Symbol::Minimum { global: true }, name.into()));
    }
    if local {
        key.push((Symbol::Minimum { global: false }, "local minimum".into()));
    }
    if mesh.any_cut() {
        key.push((
            Symbol::Cut,
            format!("cut off above f = {}", f_format.label(cap)),
        ));
    }
    let (pw, ph) = (f64::from(w), f64::from(h));
    let margin = f64::from(font) * 0.6;
    let legend = Legend::new(fonts, &st, &[runs, key], pw - 2.0 * margin);
    let legend_top = ph - margin - legend.height;
    let title_bottom = title.iter().map(|r| r[3]).fold(0.0, f64::max);
    // Tick labels keep clear of the title and the legend.
    let mut taken = title.clone();
    taken.push([0.0, legend_top, pw, ph]);
    let region: Rect = [
        margin,
        title_bottom + f64::from(font) * 0.8,
        pw - margin,
        legend_top - f64::from(font) * 0.4,
    ];

    // The box and its axes fitted into the region between the title and the legend: the
    // labels take about the same room at any scale, so a few rounds settle it.
    let corners: Vec<P3> = (0..8)
        .map(|k| {
            let s = |bit: usize, side: f64| {
                if k & bit == 0 {
                    -side / 2.0
                } else {
                    side / 2.0
                }
            };
            [s(1, bx), s(2, by), s(4, bz)]
        })
        .collect();
    let hull = corners.iter().fold(EMPTY, |r, &c| {
        let (x, y) = camera.screen(c);
        union(r, [x, y, x, y])
    });
    let (hw, hh) = (hull[2] - hull[0], hull[3] - hull[1]);
    let (rw, rh) = (region[2] - region[0], region[3] - region[1]);
    let mut screen = Screen {
        camera,
        frame,
        scale: ((rw / hw).min(rh / hh) * 0.75).max(1.0),
        origin: (0.0, 0.0),
    };
    let bounds = |screen: &Screen| {
        let furniture = furnish(&axes, screen, fonts, &st, &taken);
        let b = corners.iter().fold(EMPTY, |r, &c| {
            let (x, y) = screen.px(c);
            union(r, [x, y, x, y])
        });
        furniture.labels.iter().fold(b, |b, l| union(b, l.rect()))
    };
    for _ in 0..6 {
        let b = bounds(&screen);
        let (extra_w, extra_h) = (
            (b[2] - b[0]) - hw * screen.scale,
            (b[3] - b[1]) - hh * screen.scale,
        );
        let scale = ((rw - extra_w) / hw).min((rh - extra_h) / hh).max(1.0);
        let settled = (scale - screen.scale).abs() < 0.25;
        screen.scale = scale;
        let b = bounds(&screen);
        screen.origin.0 += (region[0] + region[2] - b[0] - b[2]) / 2.0;
        screen.origin.1 += (region[1] + region[3] - b[1] - b[3]) / 2.0;
        if settled {
            break;
        }
    }
    let furniture = furnish(&axes, &screen, fonts, &st, &taken);
    let under = |picture: &mut Picture, kind: ItemKind| picture.push(Layer::Under, None, kind);

    back_walls(&mut picture, &screen, (near_x, near_y), &furniture.ticks);

    // The surface and the paths on it, far to near.
    let coloured: Vec<(Vec<Vec<P3>>, Rgb)> = paths
        .into_iter()
        .enumerate()
        .map(|(i, lines)| (lines, run_colour(scene, i)))
        .collect();
    surface_and_paths(&mut picture, &screen, &mesh, &coloured, sizes.line_width);

    // The axes' edges, ticks, labels and titles.
    for axis in &axes {
        let (a, b) = ((axis.at)(axis.lo), (axis.at)(axis.hi));
        under(
            &mut picture,
            line_shape([screen.px32(a), screen.px32(b)], thin(MUTED)),
        );
    }
    for &(a, b) in &furniture.marks {
        let (a, b) = ((a.0 as f32, a.1 as f32), (b.0 as f32, b.1 as f32));
        under(&mut picture, line_shape([a, b], thin(MUTED)));
    }
    for l in &furniture.labels {
        picture.anchored_text(
            Layer::Under,
            &l.text,
            l.size,
            (l.centre.0 as f32, l.centre.1 as f32),
            (HPos::Center, VPos::Center),
            INK,
        );
    }
    legend.draw(&mut picture, &st, (pw / 2.0, legend_top));

    // The markers on top of everything: minima, starts, then the heads.
    let mark = |picture: &mut Picture, m: Mark| picture.push(Layer::Over, None, ItemKind::Mark(m));
    for &(p, global) in &minima {
        mark(&mut picture, minimum_mark(screen.data32(p), global, &sizes));
    }
    for &p in &starts {
        mark(&mut picture, Mark::start(screen.data32(p), &sizes));
    }
    let heads: Vec<(P32, Rgb)> = heads.iter().map(|&(p, c)| (screen.data32(p), c)).collect();
    for m in head_marks(&heads, &sizes) {
        mark(&mut picture, m);
    }
    Ok(picture)
}

/// Rows of symbols and labels centred under the box: the runs, then the key on rows of its
/// own; a row that would get too wide wraps.
struct Legend {
    /// Each row's entries: symbol, label, width.
    rows: Vec<Vec<(Symbol, Label, f64)>>,
    row_height: f64,
    height: f64,
}

impl Legend {
    fn new(fonts: &Fonts, st: &Style, groups: &[Vec<(Symbol, String)>], width: f64) -> Legend {
        let em = f64::from(st.tick_font);
        let mut rows: Vec<Vec<(Symbol, Label, f64)>> = Vec::new();
        for group in groups {
            let mut row: Vec<(Symbol, Label, f64)> = Vec::new();
            let mut used = 0.0;
            for (symbol, text) in group {
                let label = Label::new(fonts, text, st.tick_font);
                let entry = Self::symbol_width(*symbol, st) + em * 0.5 + label.w;
                if !row.is_empty() && used + em * 1.5 + entry > width {
                    rows.push(std::mem::take(&mut row));
                }
                used = if row.is_empty() {
                    entry
                } else {
                    used + em * 1.5 + entry
                };
                row.push((*symbol, label, entry));
            }
            if !row.is_empty() {
                rows.push(row);
            }
        }
        let row_height = em * 1.6;
        Legend {
            height: rows.len() as f64 * row_height,
            rows,
            row_height,
        }
    }

    fn symbol_width(symbol: Symbol, st: &Style) -> f64 {
        let s = &st.sizes;
        f64::from(match symbol {
            Symbol::Run(_) => s.line_width * 12.0,
            Symbol::Start => s.marker_radius * 1.6,
            Symbol::Minimum { .. } => s.marker_radius * 3.2,
            Symbol::Cut => st.tick_font,
        })
    }

    /// Draws the rows centred on `centre_x`, the first row's top at `top`.
    fn draw(&self, picture: &mut Picture, st: &Style, (centre_x, top): (f64, f64)) {
        let s = &st.sizes;
        let em = f64::from(st.tick_font);
        for (r, row) in self.rows.iter().enumerate() {
            let y = top + (r as f64 + 0.5) * self.row_height;
            let total = row.iter().map(|e| e.2).sum::<f64>() + em * 1.5 * (row.len() - 1) as f64;
            let mut x = centre_x - total / 2.0;
            for (symbol, label, entry) in row {
                let sw = Self::symbol_width(*symbol, st);
                let (cx, cy) = ((x + sw / 2.0) as f32, y as f32);
                let marks = match *symbol {
                    Symbol::Run(c) => {
                        let a = (x as f32 + s.line_width, cy);
                        let b = ((x + sw) as f32 - s.head_radius, cy);
                        vec![Mark::path_swatch(a, b, c, s), head_mark(b, c, s)]
                    }
                    Symbol::Start => vec![Mark::start((cx, cy), s)],
                    Symbol::Minimum { global } => vec![minimum_mark((cx, cy), global, s)],
                    Symbol::Cut => {
                        let h = st.tick_font * 0.4;
                        picture.push(
                            Layer::Under,
                            None,
                            ItemKind::Shape(Shape {
                                path: Outline::rect(cx - h, cy - h, cx + h, cy + h),
                                fill: Some(Colour::rgb(cut_colour())),
                                stroke: Some(thin(MUTED)),
                            }),
                        );
                        vec![]
                    }
                };
                for m in marks {
                    picture.push(Layer::Under, None, ItemKind::Mark(m));
                }
                picture.anchored_text(
                    Layer::Under,
                    &label.text,
                    label.size,
                    ((x + sw + em * 0.5) as f32, cy),
                    (HPos::Left, VPos::Center),
                    INK,
                );
                x += entry + em * 1.5;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::picture::{PathOp, Rotation};

    fn scene(src: &str) -> Scene {
        Scene::from_toml(std::path::Path::new("t.toml"), src).unwrap()
    }

    fn shipped(name: &str) -> Scene {
        let path = format!("{}/scenes/{name}.toml", env!("CARGO_MANIFEST_DIR"));
        crate::scene::load(std::path::Path::new(&path)).unwrap()
    }

    /// The 3-D view's picture, from `camera` or the one it chooses.
    fn view(s: &Scene, camera: Option<Camera>) -> Picture {
        let t = crate::pipeline::trajectories(s);
        let fonts = crate::render::fonts_for(s);
        let (w, h) = (s.output.width, s.output.height);
        view3d(&fonts, (w, h), s, &t, camera).unwrap()
    }

    fn points(path: &Outline) -> Vec<P32> {
        path.ops
            .iter()
            .filter_map(|op| match *op {
                PathOp::MoveTo(x, y) | PathOp::LineTo(x, y) => Some((x, y)),
                PathOp::Close => None,
            })
            .collect()
    }

    /// Whether `p` lies inside the polygon (even-odd rule).
    fn inside(polygon: &[P32], p: P32) -> bool {
        let mut inside = false;
        for k in 0..polygon.len() {
            let (a, b) = (polygon[k], polygon[(k + 1) % polygon.len()]);
            if (a.1 > p.1) != (b.1 > p.1) && p.0 < a.0 + (p.1 - a.1) / (b.1 - a.1) * (b.0 - a.0) {
                inside = !inside;
            }
        }
        inside
    }

    /// For each path piece of colour `c` (a stroke, no fill) in painting order: its middle
    /// point on the canvas, and whether a filled polygon painted after it (a cell of the
    /// surface nearer the camera) covers that point.
    fn pieces_covered(picture: &Picture, c: Rgb) -> Vec<(P32, bool)> {
        let items = picture.ordered();
        let mut out = Vec::new();
        for (k, item) in items.iter().enumerate() {
            let ItemKind::Shape(s) = &item.kind else {
                continue;
            };
            if s.fill.is_some() || s.stroke.is_none_or(|st| st.colour != Colour::rgb(c)) {
                continue;
            }
            let p = points(&s.path);
            let (a, b) = (p[0], p[p.len() - 1]);
            let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
            let covered = items[k + 1..].iter().any(|later| match &later.kind {
                ItemKind::Shape(cell) if cell.fill.is_some() => inside(&points(&cell.path), mid),
                _ => false,
            });
            out.push((mid, covered));
        }
        out
    }

    /// The order is far to near along the direction towards the camera; a piece comes after
    /// its own cell and the neighbours just in front of it, and before the cells further in
    /// front, which can hide it.
    #[test]
    fn pieces_are_painted_after_their_cell_and_before_what_lies_in_front() {
        // Looking along +j from high j: higher j is nearer.
        let patches = [
            ((0, 3), false),
            ((0, 0), true),
            ((0, 1), false),
            ((0, 0), false),
            ((0, 2), false),
        ];
        let order = paint_order(&patches, (0.0, 0.1));
        assert_eq!(order, [3, 2, 1, 4, 0]);
        // From the other side the order turns round; the piece still follows its cell and the
        // neighbour in front of it, now at j = −1 (none), so right after its cell.
        let order = paint_order(&patches, (0.0, -0.1));
        assert_eq!(order, [0, 4, 2, 3, 1]);
        // Along a diagonal: the diagonal neighbour in front precedes the piece.
        let patches = [
            ((1, 1), false),
            ((0, 0), true),
            ((0, 0), false),
            ((2, 2), false),
            ((1, 0), false),
        ];
        let order = paint_order(&patches, (0.05, 0.05));
        assert_eq!(order, [2, 4, 0, 1, 3]);
    }

    /// A path in a trough behind a ridge, seen from across the ridge: the stretch in the trough
    /// is painted over by the ridge's cells, the start high on the far slope is not. Drawn
    /// over the whole surface (as before depth order), no piece would be covered.
    #[test]
    fn a_ridge_hides_the_stretch_of_a_path_behind_it() {
        let s = scene(
            "[output]\nsize = [640, 480]\nsteps = 30\n[surface]\n\
             expr = \"2*exp(-6*(y + 0.5)^2) + 0.5*(y - 1)^2\"\n[draw]\ncharts = [\"surface3d\"]\n\
             [[start]]\nat = [0, 2.5]\n[[optimizer]]\nkind = \"gd\"\nlr = 0.1\n",
        );
        let c = run_colour(&s, 0);
        // From low y, where the ridge (capped flat) stands between the camera and the trough.
        let low = Camera::new(-std::f64::consts::FRAC_PI_2, 0.6);
        let pieces = pieces_covered(&view(&s, Some(low)), c);
        assert!(pieces.len() > 5, "{}", pieces.len());
        assert!(!pieces[0].1, "the start's piece is in sight");
        let hidden = pieces.iter().filter(|p| p.1).count();
        assert!(hidden >= pieces.len() / 3, "{hidden} of {}", pieces.len());
        // Looking along the line of sight agrees: the trough is out of sight from there.
        let mesh = Mesh::new(&s, SURFACE_GRID).unwrap();
        let frame = Frame::new(s.view.window(), mesh.lo, mesh.cap);
        let at = |y: f64| [0.0, y, mesh.clamp(s.surface.value([0.0, y]))];
        assert!(!mesh.in_sight(&low, &frame, at(1.0)));
        assert!(mesh.in_sight(&low, &frame, at(2.5)));
        // Left to choose, the view shows the path: no piece is covered.
        let chosen = pieces_covered(&view(&s, None), c);
        assert!(chosen.iter().all(|p| !p.1), "{chosen:?}");
    }

    /// Every point of a draped path is on the capped surface, consecutive points lie in one
    /// cell, and a path that leaves the window is cut where it crosses the edge.
    #[test]
    fn draped_paths_lie_on_the_capped_surface() {
        let s = shipped("multiple_minima");
        let mesh = Mesh::new(&s, SURFACE_GRID).unwrap();
        let grid = mesh.grid;
        let height = |x: f64, y: f64| mesh.clamp(s.surface.value([x, y]));
        // The runs' paths, and one that leaves the window on the right and comes back.
        let t = crate::pipeline::trajectories(&s);
        let mut paths: Vec<Vec<Point>> = t.iter().map(|t| t.positions.clone()).collect();
        paths.push(vec![
            [1.0, 0.0],
            [3.0, 0.5],
            [2.5, 1.0],
            [0.5, 1.2],
            [0.5, 1.2],
        ]);
        let (cw, ch) = (
            s.view.window().width() / 32.0,
            s.view.window().height() / 32.0,
        );
        for positions in &paths {
            let lines = drape(positions, &grid, &height);
            assert!(!lines.is_empty());
            for line in &lines {
                for p in line {
                    assert_eq!(p[2], mesh.clamp(s.surface.value([p[0], p[1]])), "{p:?}");
                    assert!(s.view.window().contains([p[0], p[1]]), "{p:?}");
                }
                for seg in line.windows(2) {
                    let (a, b) = (seg[0], seg[1]);
                    assert!(
                        (a[0] - b[0]).abs() <= cw * (1.0 + 1e-9)
                            && (a[1] - b[1]).abs() <= ch * (1.0 + 1e-9),
                        "{a:?} {b:?}"
                    );
                }
                for (cell, piece) in pieces(line, &grid) {
                    for p in &piece {
                        let (x0, y0) = (grid.x(cell.0), grid.y(cell.1));
                        let (x1, y1) = (grid.x(cell.0 + 1), grid.y(cell.1 + 1));
                        let e = 1e-9;
                        assert!(
                            p[0] >= x0 - e && p[0] <= x1 + e && p[1] >= y0 - e && p[1] <= y1 + e
                        );
                    }
                }
            }
        }
        // The detour: out at x = 2 (y = 0.25), back in at x = 2 (y = 1.05).
        let lines = drape(&paths[2], &grid, &height);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[0].last().unwrap()[..2], [2.0, 0.25]);
        assert_eq!(lines[1][0][0], 2.0);
        assert!((lines[1][0][1] - 1.05).abs() < 1e-12);
    }

    /// Heads that end in one place share a disc, a wedge per run; others keep their own.
    #[test]
    fn coinciding_heads_share_a_disc() {
        let s = Sizes::for_canvas(640, 480);
        let marks = head_marks(
            &[
                ((10.0, 10.0), [1, 0, 0]),
                ((40.0, 10.0), [2, 0, 0]),
                ((10.5, 10.0), [3, 0, 0]),
            ],
            &s,
        );
        assert_eq!(marks.len(), 2);
        assert!(
            matches!(&marks[0], Mark::Wedges { fills, ring, .. } if fills == &vec![[1, 0, 0], [3, 0, 0]] && *ring == WHITE)
        );
        assert!(matches!(
            &marks[1],
            Mark::Disc {
                fill: [2, 0, 0],
                ring: WHITE,
                ..
            }
        ));
    }

    /// A cell the cap crosses is split along the cap: the parts below keep the surface's
    /// heights, the parts above are flat at the cap, and together they cover the cell.
    #[test]
    fn cells_are_cut_along_the_cap() {
        let s = shipped("multiple_minima");
        let mesh = Mesh::new(&s, SURFACE_GRID).unwrap();
        assert!((mesh.cap - 4.1).abs() < 1e-9, "{}", mesh.cap);
        let area = |p: &[P3]| {
            let mut a = 0.0;
            for k in 0..p.len() {
                let (u, v) = (p[k], p[(k + 1) % p.len()]);
                a += u[0] * v[1] - v[0] * u[1];
            }
            a.abs() / 2.0
        };
        let cell = (s.view.window().width() / 32.0) * (s.view.window().height() / 32.0);
        let mut split = 0;
        for i in 0..32 {
            for j in 0..32 {
                let parts = mesh.cell_parts(i, j);
                let total: f64 = parts.iter().map(|p| area(&p.0)).sum();
                assert!((total - cell).abs() < 1e-9 * cell.max(1.0), "{i} {j}");
                for (part, cut) in &parts {
                    for p in part {
                        if *cut {
                            assert_eq!(p[2], mesh.cap);
                        } else {
                            assert!(p[2] <= mesh.cap && p[2] >= mesh.lo);
                        }
                    }
                }
                if parts.iter().any(|p| p.1) && parts.iter().any(|p| !p.1) {
                    split += 1;
                }
            }
        }
        assert!(split > 10, "the rims are cut: {split}");
    }

    fn texts(picture: &Picture) -> Vec<(String, (f32, f32, f32, f32))> {
        picture
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Text(t) => Some((t.shaped.text.clone(), t.bounds())),
                _ => None,
            })
            .collect()
    }

    /// No two texts of the 3-D view (title, tick labels, axis titles, legend, key) overlap,
    /// and all lie on the canvas: on the shipped scene, on a small canvas and with many runs.
    #[test]
    fn no_text_of_the_3d_view_overlaps_another() {
        let small = scene(
            "[output]\nsize = [320, 240]\nsteps = 20\n[surface]\nkind = \"bowl\"\n[draw]\n\
             charts = [\"surface3d\"]\n[[start]]\nat = [2, 1]\n[[optimizer]]\nlabel = \"GD run\"\n\
             kind = \"gd\"\nlr = 0.1\n[[optimizer]]\nkind = \"momentum\"\nlr = 0.05\n",
        );
        let mut many = shipped("himmelblau_starts");
        many.draw.charts = vec![Chart::Surface3d];
        for s in [shipped("multiple_minima"), small, many] {
            let t = crate::pipeline::trajectories(&s);
            let pictures = chart_pictures(&s, &t).unwrap();
            let (_, picture) = pictures.iter().find(|p| p.0 == ".surface3d").unwrap();
            let texts = texts(picture);
            assert!(texts.len() > 10, "{texts:?}");
            for (k, (a, ra)) in texts.iter().enumerate() {
                let (w, h) = (picture.width as f32, picture.height as f32);
                assert!(
                    ra.0 >= 0.0 && ra.1 >= 0.0 && ra.2 <= w && ra.3 <= h,
                    "{}: {a} off the canvas at {ra:?}",
                    s.title
                );
                for (b, rb) in &texts[k + 1..] {
                    let apart = ra.2 <= rb.0 || rb.2 <= ra.0 || ra.3 <= rb.1 || rb.3 <= ra.1;
                    assert!(apart, "{}: {a} {ra:?} overlaps {b} {rb:?}", s.title);
                }
            }
        }
    }

    /// The axes are titled with the surface's names and f; the key explains the markers.
    #[test]
    fn the_axes_are_titled_and_the_key_explains_the_markers() {
        let s = shipped("multiple_minima");
        let picture = view(&s, None);
        let texts: Vec<String> = texts(&picture).into_iter().map(|t| t.0).collect();
        for t in ["x", "y", "f", "start", "global minimum", "local minimum"] {
            assert!(texts.iter().any(|x| x == t), "{t}: {texts:?}");
        }
        assert!(
            texts.contains(&"cut off above f = 4.1".to_string()),
            "{texts:?}"
        );
        assert!(
            !texts.iter().any(|t| t.contains("left–right")),
            "no old note"
        );
        assert!(picture.items.iter().all(|i| match &i.kind {
            ItemKind::Text(t) => t.rotation == Rotation::None,
            _ => true,
        }));
        let regression = shipped("linear_regression");
        let texts: Vec<String> = texts_of(&regression);
        assert!(
            texts.contains(&"m (slope)".to_string())
                && texts.contains(&"b (intercept)".to_string())
        );
    }

    fn texts_of(s: &Scene) -> Vec<String> {
        texts(&view(s, None)).into_iter().map(|t| t.0).collect()
    }

    /// The minima are stars on the surface, the global one dark and the shallow one white; each
    /// run ends in a disc of its colour with a white ring, on top of everything: heavy ball's
    /// on the global minimum, Nesterov's on the local one.
    #[test]
    fn minima_starts_and_heads_are_marked_on_top() {
        let s = shipped("multiple_minima");
        let picture = view(&s, None);
        let last_surface = picture
            .items
            .iter()
            .rposition(|i| matches!(&i.kind, ItemKind::Shape(sh) if sh.fill.is_some()))
            .unwrap();
        let marks: Vec<(usize, &Mark)> = picture
            .items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.layer == Layer::Over)
            .filter_map(|(k, i)| match &i.kind {
                ItemKind::Mark(m) => Some((k, m)),
                _ => None,
            })
            .collect();
        assert!(marks.iter().all(|(k, _)| *k > last_surface));
        let star = |fill: Rgb| {
            marks.iter().find_map(|(_, m)| match m {
                Mark::Polygon {
                    c, fill: Some(f), ..
                } if *f == fill => Some(*c),
                _ => None,
            })
        };
        let (global, local) = (
            star(WHITE).unwrap(),
            star(crate::picture::mark::LOCAL_MINIMUM).unwrap(),
        );
        let head = |i: usize| {
            marks.iter().find_map(|(_, m)| match m {
                Mark::Disc { c, fill, ring, .. }
                    if *fill == run_colour(&s, i) && *ring == WHITE =>
                {
                    Some(*c)
                }
                _ => None,
            })
        };
        let near = |a: P32, b: P32| (a.0 - b.0).hypot(a.1 - b.1) < 4.0;
        assert!(
            near(head(0).unwrap(), global),
            "heavy ball ends in the deep basin"
        );
        assert!(near(head(1).unwrap(), local), "Nesterov stays in the pit");
        let start = marks.iter().any(
            |(_, m)| matches!(m, Mark::Disc { fill, ring, .. } if *fill == WHITE && *ring == INK),
        );
        assert!(start, "the start is a white ring");
        // The paths are in sight but for a step or two behind the basin's near rim.
        for i in 0..2 {
            let pieces = pieces_covered(&picture, run_colour(&s, i));
            let hidden = pieces.iter().filter(|p| p.1).count();
            assert!(
                hidden * 20 <= pieces.len(),
                "run {i}: {hidden} of {}",
                pieces.len()
            );
        }
    }
}
