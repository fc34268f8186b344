//! The display list: every picture inertia makes (an animation's frames, its static figure, a
//! chart) is one [`Picture`], a list of drawing items in pixel space, and every backend is a
//! reader of that list:
//!
//! - [`raster`] paints it with anti-aliasing (tiny-skia for vector shapes, exact-area coverage
//!   for glyphs, distance fields for markers) into a pixmap: PNG figures and charts;
//! - [`frames`] animates it: the frame of step k is painted incrementally from the frame of
//!   step k − 1, only where something changed (GIF frames);
//! - [`svg`] writes it as an SVG document, text as glyph outlines;
//! - [`player`] writes it as the SVG of an HTML player: the static items once, and per step
//!   what the trails reveal and the tracks show, as data its script draws;
//! - [`pdf`] writes it as a PDF with one vector page per step, everything that does not
//!   change (the surface image, text, axes) written once and reused by every page;
//! - [`plot`] is a plotters `DrawingBackend` that records what plotters draws (axes, ticks,
//!   labels, chart series) as items, so charts keep plotters' layout and gain this list's
//!   painters.
//!
//! An item has a [`Layer`] (painting order: layers first, then list order), an optional clip
//! (one of the picture's clip rectangles, e.g. a panel), the run it draws when it draws one
//! (a path, a run's overlays, its legend row: readers that show some runs only, like the
//! player's sliders, go by it), and a kind that says *when* it shows:
//! static shapes, text, images and markers show at every step; a [`Trail`] is revealed segment by
//! segment (the segment into point k appears at step k and stays); a [`Track`] is redrawn at
//! every step (run heads, teaching overlays, the data view's lines, the step counter). A static picture (a chart) has
//! no trails or tracks and `steps == 0`.
//!
//! Marker shapes and sizes are declared once, in [`mark`].

pub mod frames;
pub mod geom;
pub mod mark;
pub mod pdf;
pub mod player;
pub mod plot;
pub mod raster;
pub mod svg;

use std::sync::Arc;

use crate::text::{Fonts, Shaped};
pub use geom::IRect;
pub use mark::{Mark, Rgb, Sizes};

/// A failure while drawing (not an input error: the scene was already checked).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct DrawError(pub String);

/// Painting order, bottom to top. Static items of [`Layer::Under`] make the background every
/// frame starts from; trails go over it; the other layers are composed over the trails in
/// every frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    /// The background: surface, axes, labels, legend.
    Under,
    /// The paths runs leave behind.
    Trail,
    /// Static markers over the paths (start points, minima).
    Over,
    /// What moves: heads and teaching overlays.
    Moving,
    /// Above everything: minima outlines, so a head never hides a minimum; the step counter.
    Top,
}

/// An RGBA colour, not premultiplied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Colour(pub [u8; 4]);

impl Colour {
    pub const fn rgb(c: Rgb) -> Colour {
        Colour([c[0], c[1], c[2], 255])
    }

    pub fn with_alpha(self, a: u8) -> Colour {
        Colour([self.0[0], self.0[1], self.0[2], a])
    }

    pub fn alpha(self) -> u8 {
        self.0[3]
    }

    pub fn rgb_part(self) -> Rgb {
        [self.0[0], self.0[1], self.0[2]]
    }
}

/// One step of a vector path, pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PathOp {
    MoveTo(f32, f32),
    LineTo(f32, f32),
    Close,
}

/// A vector path made of straight segments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Path {
    pub ops: Vec<PathOp>,
}

impl Path {
    /// A polyline through `points` (open).
    pub fn polyline(points: impl IntoIterator<Item = (f32, f32)>) -> Path {
        let mut ops = Vec::new();
        for (i, (x, y)) in points.into_iter().enumerate() {
            ops.push(if i == 0 {
                PathOp::MoveTo(x, y)
            } else {
                PathOp::LineTo(x, y)
            });
        }
        Path { ops }
    }

    /// A closed polygon through `points`.
    pub fn polygon(points: impl IntoIterator<Item = (f32, f32)>) -> Path {
        let mut p = Path::polyline(points);
        p.ops.push(PathOp::Close);
        p
    }

    /// The rectangle from (x0, y0) to (x1, y1).
    pub fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> Path {
        Path::polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    }

    /// A circle as a 32-gon (charts' dots; markers that must be exact are [`Mark`]s).
    pub fn circle(cx: f32, cy: f32, r: f32) -> Path {
        Path::polygon((0..32).map(|k| {
            let a = std::f32::consts::TAU * k as f32 / 32.0;
            (cx + r * a.cos(), cy + r * a.sin())
        }))
    }

    /// The bounding box of the path's points, if it has any.
    pub fn bounds(&self) -> Option<(f32, f32, f32, f32)> {
        let mut b: Option<(f32, f32, f32, f32)> = None;
        for op in &self.ops {
            if let PathOp::MoveTo(x, y) | PathOp::LineTo(x, y) = *op {
                b = Some(match b {
                    None => (x, y, x, y),
                    Some((a, c, d, e)) => (a.min(x), c.min(y), d.max(x), e.max(y)),
                });
            }
        }
        b
    }
}

/// How a path's outline is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    pub colour: Colour,
    pub width: f32,
    /// Round caps and joins (paths of data); otherwise butt caps and miter joins (axes, ticks).
    pub round: bool,
}

/// A static vector shape: a path filled and/or stroked.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub path: Path,
    pub fill: Option<Colour>,
    pub stroke: Option<Stroke>,
}

/// Text rotated a quarter turn counter-clockwise (a y-axis title) or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rotation {
    #[default]
    None,
    /// Reads bottom to top.
    Ccw90,
}

/// A line of shaped text, its pen starting at (x, y) on the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub shaped: Arc<Shaped>,
    pub x: f32,
    pub y: f32,
    pub colour: Rgb,
    pub rotation: Rotation,
}

impl Text {
    /// The text's line box on the canvas: (left, top, right, bottom), pixels, turned with the
    /// text.
    pub fn bounds(&self) -> (f32, f32, f32, f32) {
        let s = &self.shaped;
        match self.rotation {
            Rotation::None => (
                self.x,
                self.y - s.ascent,
                self.x + s.width,
                self.y + s.descent,
            ),
            // Turned a quarter counter-clockwise about the pen: the advance runs up.
            Rotation::Ccw90 => (
                self.x - s.ascent,
                self.y - s.width,
                self.x + s.descent,
                self.y,
            ),
        }
    }
}

/// An opaque RGB raster, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

/// A polyline revealed step by step: the segment from point k − 1 to point k appears at step
/// k and stays. Segments are clipped to the item's clip grown by `pad` (the half width, so a
/// path running along an edge is drawn whole), in f64, so far points of a diverging run never
/// reach the painters.
#[derive(Debug, Clone, PartialEq)]
pub struct Trail {
    pub points: Arc<[(f64, f64)]>,
    pub colour: Rgb,
    pub width: f32,
}

/// One run's head in a [`Track::Heads`].
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    /// The run (its index in the scene) whose head this is.
    pub run: usize,
    /// The run's path: the head of step k is at point k, or at the last point once the path has
    /// ended.
    pub points: Arc<[(f64, f64)]>,
    pub colour: Rgb,
    /// The run diverged after its last point: from then on its head is a cross.
    pub diverged: bool,
}

/// A straight line through two points, pixels.
pub type Segment = ((f64, f64), (f64, f64));

/// Something drawn anew at every step.
#[derive(Debug, Clone, PartialEq)]
pub enum Track {
    /// The heads of the runs in one panel. Heads whose centres lie within half a radius of each
    /// other share one disc, cut into a wedge per run, so none hides another.
    Heads { heads: Vec<Head>, sizes: Sizes },
    /// At step k an arrow from `from[k]` to `to[k]` (none where `to[k]` is missing), clipped to
    /// the item's clip.
    Arrows {
        from: Arc<[(f64, f64)]>,
        to: Arc<[Option<(f64, f64)>]>,
        colour: Rgb,
        width: f32,
    },
    /// At step k the `count` places before point k of `points` (the last point once the run
    /// has ended), each a smaller disc in `colour` paler with its age: a ball's fading past on
    /// a curve. A place that lies on a newer one is not drawn again, nor point 0 (the start,
    /// which has its own marker).
    Ghosts {
        points: Arc<[(f64, f64)]>,
        colour: Rgb,
        count: usize,
        sizes: Sizes,
    },
    /// At step k the marker `mark` centred at `at[k]` (none where missing).
    Dots {
        at: Arc<[Option<(f64, f64)>]>,
        mark: Mark,
    },
    /// At step k a straight stroke through `ends[k]` (the last one once the run has ended),
    /// clipped to the item's clip: a run's fitted line in the data view.
    Lines {
        ends: Arc<[Segment]>,
        colour: Rgb,
        width: f32,
    },
    /// The step counter: "step k / n", left-aligned in `rect`, vertically centred.
    Counter { rect: IRect, size: f32, colour: Rgb },
}

/// What an item is.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    Shape(Shape),
    Text(Text),
    /// Image `image` of the picture with its top-left pixel at (x, y).
    Image {
        image: usize,
        x: i32,
        y: i32,
    },
    Mark(Mark),
    Trail(Trail),
    Track(Track),
}

/// One entry of the display list.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub layer: Layer,
    /// Index into [`Picture::clips`]; `None` draws anywhere on the canvas.
    pub clip: Option<usize>,
    /// The run the item draws, when it draws one run only (its path, its overlays, its legend
    /// row); `None` for what every run shares.
    pub run: Option<usize>,
    pub kind: ItemKind,
}

impl Item {
    /// True when the item looks the same at every step.
    pub fn is_static(&self) -> bool {
        !matches!(self.kind, ItemKind::Trail(_) | ItemKind::Track(_))
    }
}

/// A picture: its canvas, its shared resources and its items.
#[derive(Debug, Clone)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    /// Steps of the animation (frames = steps + 1); 0 for a static picture.
    pub steps: usize,
    /// The fonts the text items were shaped with (glyph outlines are looked up here).
    pub fonts: Arc<Fonts>,
    /// Clip rectangles items refer to by index.
    pub clips: Vec<IRect>,
    /// Images items refer to by index (each written once by the SVG writer).
    pub images: Vec<Arc<Image>>,
    pub items: Vec<Item>,
    /// The background colour under everything.
    pub background: Rgb,
    /// The run the items pushed now draw (see [`Picture::set_run`]).
    current_run: Option<usize>,
}

impl Picture {
    /// An empty `width × height` picture on white.
    pub fn new(width: u32, height: u32, fonts: Arc<Fonts>) -> Picture {
        Picture {
            width,
            height,
            steps: 0,
            fonts,
            clips: Vec::new(),
            images: Vec::new(),
            items: Vec::new(),
            background: mark::WHITE,
            current_run: None,
        }
    }

    /// The whole canvas as a rectangle.
    pub fn canvas(&self) -> IRect {
        IRect::new(0, 0, self.width as i32, self.height as i32)
    }

    /// Adds a clip rectangle; returns its index.
    pub fn add_clip(&mut self, r: IRect) -> usize {
        if let Some(i) = self.clips.iter().position(|c| *c == r) {
            return i;
        }
        self.clips.push(r);
        self.clips.len() - 1
    }

    /// Adds an image; returns its index.
    pub fn add_image(&mut self, image: Arc<Image>) -> usize {
        self.images.push(image);
        self.images.len() - 1
    }

    pub fn push(&mut self, layer: Layer, clip: Option<usize>, kind: ItemKind) {
        self.items.push(Item {
            layer,
            clip,
            run: self.current_run,
            kind,
        });
    }

    /// The items pushed from now on draw run `run` (`None`: what runs share), until the next
    /// call.
    pub fn set_run(&mut self, run: Option<usize>) {
        self.current_run = run;
    }

    /// Text `text` at `size` with its pen at (x, y) on the baseline.
    pub fn text(&mut self, layer: Layer, text: &str, size: f32, (x, y): (f32, f32), colour: Rgb) {
        let shaped = Arc::new(self.fonts.shape(text, size));
        self.push(
            layer,
            None,
            ItemKind::Text(Text {
                shaped,
                x,
                y,
                colour,
                rotation: Rotation::None,
            }),
        );
    }

    /// The clip rectangle of an item (the canvas when it has none).
    pub fn clip_of(&self, item: &Item) -> IRect {
        item.clip
            .and_then(|c| self.clips.get(c).copied())
            .unwrap_or_else(|| self.canvas())
    }

    /// The items in painting order: by layer, then as listed.
    pub fn ordered(&self) -> Vec<&Item> {
        self.painting_order()
            .into_iter()
            .map(|i| &self.items[i])
            .collect()
    }

    /// The items' indices in painting order: by layer, then as listed.
    pub fn painting_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.items.len()).collect();
        order.sort_by_key(|&i| self.items[i].layer);
        order
    }

    /// The trail items of clip `clip`, with their indices, in list order.
    pub fn trails_in(&self, clip: Option<usize>) -> Vec<(usize, &Trail)> {
        self.items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.clip == clip)
            .filter_map(|(k, i)| match &i.kind {
                ItemKind::Trail(t) => Some((k, t)),
                _ => None,
            })
            .collect()
    }

    /// How the trails are cut into pieces, each piece one stroke: for each item (by index), the
    /// step where the piece holding each step's segment starts (`None` for items that are not
    /// trails). See [`TrailPieces`].
    pub fn trail_pieces(&self) -> TrailPieces {
        let mut starts: Vec<Option<Vec<usize>>> = vec![None; self.items.len()];
        let mut clips: Vec<Option<usize>> = Vec::new();
        for item in &self.items {
            if matches!(item.kind, ItemKind::Trail(_)) && !clips.contains(&item.clip) {
                clips.push(item.clip);
            }
        }
        for clip in clips {
            let group = self.trails_in(clip);
            let rect = clip
                .and_then(|c| self.clips.get(c).copied())
                .unwrap_or_else(|| self.canvas());
            for (k, piece_starts) in cut_trails(&group, rect) {
                starts[k] = Some(piece_starts);
            }
        }
        TrailPieces { starts }
    }

    /// The markers `track` shows at `step`, clipped to `clip` where they must be.
    pub fn track_marks(&self, track: &Track, clip: IRect, step: usize, out: &mut Vec<Mark>) {
        mark::track_marks(&self.fonts, self.steps, track, clip, step, out);
    }
}

/// Where each trail's pieces start. A piece is a stretch of one trail's consecutive segments
/// that no other trail's segment painted in between overlaps (by bounding box): such a stretch
/// can be stroked as one path without changing what lies on top of what. The SVG writer writes
/// a piece as one `<path>`; the raster painter joins a segment with the earlier segments of its
/// piece the way one stroke joins (see [`raster::trail_segment`]). Both read this one cut, so
/// the PNG and the SVG agree.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrailPieces {
    starts: Vec<Option<Vec<usize>>>,
}

impl TrailPieces {
    /// The step where the piece holding segment `step` of item `item` starts (`step` itself
    /// when the segment starts a piece, or when the item is not a trail).
    pub fn start(&self, item: usize, step: usize) -> usize {
        self.starts
            .get(item)
            .and_then(|s| s.as_ref())
            .and_then(|s| s.get(step))
            .copied()
            .unwrap_or(step)
    }
}

/// A trail's segment `k` (into point k) clipped to `rect` grown by twice its width, in f32; and
/// the pixels it can touch.
pub fn trail_segment_geometry(
    t: &Trail,
    rect: IRect,
    k: usize,
) -> Option<((geom::P32, geom::P32), IRect)> {
    if k == 0 || k >= t.points.len() {
        return None;
    }
    let pad = f64::from(t.width) * 2.0;
    let (a, b) = geom::clip_segment(t.points[k - 1], t.points[k], rect.bounds(pad))?;
    let (a, b) = (geom::p32(a), geom::p32(b));
    let reach = t.width / 2.0 + 1.0;
    Some((
        (a, b),
        IRect::around(a.0, a.1, reach).union(IRect::around(b.0, b.1, reach)),
    ))
}

/// Cuts the trails of one clip into pieces (see [`TrailPieces`]), going through the segments in
/// the order the animation paints them: step by step, trails in list order within a step.
///
/// A trail's segment starts a new piece when it overlaps a segment of another trail painted
/// since the trail's current piece began, as far as two tests can tell that both err only
/// towards an overlap (the bounding box of all those segments, and the cells of a
/// [`PaintedGrid`] their bounding boxes cover), or when the path left the clip in between; a segment of no length at the piece's end never does (it adds nothing to the
/// stroke). Written in the order they start, pieces then stack as the segments were painted:
/// for any two overlapping segments of different trails, the piece of the one painted first
/// starts first (had the later one's piece started earlier, the earlier segment would have been
/// painted since, and the overlap would have cut that piece).
fn cut_trails(group: &[(usize, &Trail)], rect: IRect) -> Vec<(usize, Vec<usize>)> {
    struct State {
        starts: Vec<usize>,
        start: usize,
        /// When (in segments painted) the current piece began.
        since: u32,
        /// What other trails painted since this piece began, as one rectangle.
        others: IRect,
        /// Where the last segment ended (a piece continues only from there).
        end: Option<geom::P32>,
    }
    let mut states: Vec<State> = group
        .iter()
        .map(|(_, t)| State {
            starts: (0..t.points.len()).collect(),
            start: 0,
            since: 0,
            others: IRect::default(),
            end: None,
        })
        .collect();
    let mut grid = PaintedGrid::new(rect);
    let mut clock: u32 = 0;
    let steps = group.iter().map(|(_, t)| t.points.len()).max().unwrap_or(0);
    for k in 1..steps {
        for (i, (_, t)) in group.iter().enumerate() {
            let Some(((a, b), bbox)) = trail_segment_geometry(t, rect, k) else {
                states[i].end = None;
                continue;
            };
            let s = &mut states[i];
            if a == b && s.end == Some(a) {
                // A segment of no length where its piece already ends adds nothing to the
                // stroke: it stays in the piece and paints nothing over other trails (a run
                // that has settled is not drawn again over every run that passes by).
                s.starts[k] = s.start;
                continue;
            }
            clock += 1;
            // Both tests only ever err towards an overlap, so a piece goes on unless both see
            // one.
            let overlaps = !s.others.intersect(bbox).is_empty()
                && grid.painted_by_others_since(bbox, i, s.since);
            if s.end != Some(a) || overlaps {
                s.start = k;
                s.since = clock;
                s.others = IRect::default();
            }
            s.starts[k] = s.start;
            s.end = Some(b);
            grid.paint(bbox, i, clock);
            for (j, other) in states.iter_mut().enumerate() {
                if j != i {
                    other.others = other.others.union(bbox);
                }
            }
        }
    }
    group
        .iter()
        .zip(states)
        .map(|((k, _), s)| (*k, s.starts))
        .collect()
}

/// The side of a [`PaintedGrid`] cell, pixels.
const GRID_CELL: i32 = 4;

/// Which trail painted each cell of a clip last, and when, for [`cut_trails`]: per cell the
/// latest segment's time and trail, and the latest time any other trail painted it, so "did a
/// trail other than `i` paint here since `t`" is one look per cell, however long ago the
/// piece began. Cells beyond the grid's edge count as the edge's cells (a segment clipped to
/// the clip grown by its width may reach past it).
struct PaintedGrid {
    origin: (i32, i32),
    columns: i32,
    rows: i32,
    /// `(time, trail, time by another trail)`; time 0 is "never".
    cells: Vec<(u32, usize, u32)>,
}

impl PaintedGrid {
    fn new(rect: IRect) -> Self {
        let columns = rect.width().div_ceil(GRID_CELL as u32).max(1) as i32;
        let rows = rect.height().div_ceil(GRID_CELL as u32).max(1) as i32;
        PaintedGrid {
            origin: (rect.x0, rect.y0),
            columns,
            rows,
            cells: vec![(0, usize::MAX, 0); (columns * rows) as usize],
        }
    }

    /// The cells `r` covers: column and row ranges.
    fn span(&self, r: IRect) -> (std::ops::Range<i32>, std::ops::Range<i32>) {
        let cell = |v: i32, o: i32, n: i32| ((v - o).div_euclid(GRID_CELL)).clamp(0, n - 1);
        let (c0, c1) = (
            cell(r.x0, self.origin.0, self.columns),
            cell(r.x1 - 1, self.origin.0, self.columns),
        );
        let (r0, r1) = (
            cell(r.y0, self.origin.1, self.rows),
            cell(r.y1 - 1, self.origin.1, self.rows),
        );
        (c0..c1 + 1, r0..r1 + 1)
    }

    fn painted_by_others_since(&self, r: IRect, trail: usize, since: u32) -> bool {
        let (columns, rows) = self.span(r);
        rows.into_iter().any(|y| {
            columns.clone().any(|x| {
                let (t, by, other) = self.cells[(y * self.columns + x) as usize];
                (if by == trail { other } else { t }) > since
            })
        })
    }

    fn paint(&mut self, r: IRect, trail: usize, time: u32) {
        let (columns, rows) = self.span(r);
        for y in rows {
            for x in columns.clone() {
                let cell = &mut self.cells[(y * self.columns + x) as usize];
                *cell = if cell.1 == trail {
                    (time, trail, cell.2)
                } else {
                    (time, trail, cell.0)
                };
            }
        }
    }
}
