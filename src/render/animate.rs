//! Frames, step by step, drawing only what is new.
//!
//! Two canvases carry the animation: the *trail* (background plus every path segment drawn so
//! far) and the *displayed* frame (trail plus the overlays of the current step: heads, start and
//! minimum markers, the step counter). Step k strokes the k-th segment of each run onto the trail,
//! then recomposes the displayed frame only inside the small rectangles that can have changed
//! (new segments, old and new heads, the counter) and reports the pixels that really changed as a
//! [`FramePatch`]. A frame's cost depends on what moved, not on the step number.
//!
//! Frames are made in chunks of consecutive steps that run in parallel: one cheap sequential pass
//! strokes every segment and keeps a copy of the trail where each chunk starts; each chunk then
//! recomposes its first "previous" frame from that copy and animates on its own. Chunk lengths
//! depend on the step count only, never on the thread count, and a recomposed frame equals the
//! incrementally composed one pixel for pixel, so the frames are the same however they are cut.

use rayon::prelude::*;
use tiny_skia::{IntRect, Pixmap};

use super::paint::{self, IRect};
use super::style::{Rgb, INK, WHITE};
use super::text::GlyphCache;
use super::{Figure, RenderError};
use crate::scene::Overlay;

/// What changed from one frame to the next: the bounding rectangle of the changed pixels, the
/// frame's pixels there (RGBA, row-major) and which of them changed.
#[derive(Debug, Clone, PartialEq)]
pub struct FramePatch {
    pub rect: IRect,
    pub rgba: Vec<u8>,
    /// `changed[i]` is false where the pixel equals the previous frame's (GIF can leave those
    /// transparent). All true for the first frame.
    pub changed: Vec<bool>,
}

/// The whole canvas as a rectangle.
fn canvas(figure: &Figure) -> IRect {
    IRect {
        x0: 0,
        y0: 0,
        x1: figure.layout.width as i32,
        y1: figure.layout.height as i32,
    }
}

/// Strokes every run's segment from step − 1 to step onto `trail`; returns their rectangles.
fn draw_segments(figure: &Figure, trail: &mut Pixmap, step: usize) -> Vec<IRect> {
    let lw = figure.layout.sizes.line_width;
    let pad = f64::from(lw) * 2.0;
    let mut rects = Vec::new();
    for run in &figure.runs {
        if step == 0 || step >= run.px.len() {
            continue;
        }
        let p = figure.layout.panels[run.panel].rect;
        let bounds = (
            f64::from(p.x0) - pad,
            f64::from(p.y0) - pad,
            f64::from(p.x1) + pad,
            f64::from(p.y1) + pad,
        );
        let Some((a, b)) = paint::clip_segment(run.px[step - 1], run.px[step], bounds) else {
            continue;
        };
        let (a, b) = ((a.0 as f32, a.1 as f32), (b.0 as f32, b.1 as f32));
        paint::capsule(trail, (0, 0), p, a, b, run.colour, lw);
        let r = lw / 2.0 + 1.0;
        rects.push(IRect::around(a.0, a.1, r).union(IRect::around(b.0, b.1, r)));
    }
    // The loss inset grows by one segment per run, like the paths.
    if let Some(inset) = figure.layout.inset {
        let w = lw * 0.6;
        for run in &figure.runs {
            if step == 0 || step >= run.inset_px.len() {
                continue;
            }
            let (a, b) = (run.inset_px[step - 1], run.inset_px[step]);
            let (a, b) = ((a.0 as f32, a.1 as f32), (b.0 as f32, b.1 as f32));
            paint::capsule(trail, (0, 0), inset, a, b, run.colour, w);
            let r = w / 2.0 + 1.0;
            rects.push(
                IRect::around(a.0, a.1, r)
                    .union(IRect::around(b.0, b.1, r))
                    .intersect(inset),
            );
        }
    }
    rects
}

/// The heads of `step` (a cross where a run has diverged), as (centre, is_cross, run).
pub(crate) fn heads(figure: &Figure, step: usize) -> Vec<((f32, f32), bool, usize)> {
    figure
        .runs
        .iter()
        .enumerate()
        .filter_map(|(i, run)| {
            let last = run.px.len() - 1;
            let p = run.px[step.min(last)];
            if !figure.layout.in_panel(run.panel, p) {
                return None;
            }
            let cross = run.diverged.is_some() && step > last;
            Some(((p.0 as f32, p.1 as f32), cross, i))
        })
        .collect()
}

fn head_rects(figure: &Figure, step: usize) -> Vec<IRect> {
    let s = figure.layout.sizes;
    let r = s.head_radius + s.outline * 2.0;
    let mut rects: Vec<IRect> = heads(figure, step)
        .into_iter()
        .map(|(c, _, _)| IRect::around(c.0, c.1, r))
        .collect();
    let pad = s.line_width + s.head_radius;
    for (shape, _) in overlay_shapes(figure, step) {
        let (a, b) = match shape {
            Shape::Arrow { from, to, .. } => (from, to),
            Shape::Ring { centre, .. } => (centre, centre),
        };
        rects.push(IRect::around(a.0, a.1, pad).union(IRect::around(b.0, b.1, pad)));
    }
    rects
}

/// A teaching overlay, in pixels.
pub(crate) enum Shape {
    Arrow {
        from: (f32, f32),
        to: (f32, f32),
        colour: Rgb,
    },
    Ring {
        centre: (f32, f32),
        colour: Rgb,
    },
}

/// The teaching overlays of `step`, each with the panel (index into the layout's panels) it is
/// clipped to (runs that have stopped show none).
pub(crate) fn overlay_shapes(figure: &Figure, step: usize) -> Vec<(Shape, usize)> {
    if figure.overlays.is_empty() {
        return Vec::new();
    }
    let f = |q: (f64, f64)| (q.0 as f32, q.1 as f32);
    let mut shapes = Vec::new();
    for run in &figure.runs {
        if step >= run.px.len() || !figure.layout.in_panel(run.panel, run.px[step]) {
            continue;
        }
        let p = figure.layout.panels[run.panel].rect;
        let bounds = (
            f64::from(p.x0),
            f64::from(p.y0),
            f64::from(p.x1),
            f64::from(p.y1),
        );
        let mut push = |shape| shapes.push((shape, run.panel));
        let head = run.px[step];
        for overlay in &figure.overlays {
            match overlay {
                Overlay::Velocity if step > 0 => {
                    let prev = run.px[step - 1];
                    let to = (2.0 * head.0 - prev.0, 2.0 * head.1 - prev.1);
                    if let Some((a, b)) = paint::clip_segment(head, to, bounds) {
                        push(Shape::Arrow {
                            from: f(a),
                            to: f(b),
                            colour: run.colour,
                        });
                    }
                }
                Overlay::Gradient => {
                    if let Some(&to) = run.gradient_step_px.get(step) {
                        if let Some((a, b)) = paint::clip_segment(head, to, bounds) {
                            push(Shape::Arrow {
                                from: f(a),
                                to: f(b),
                                colour: INK,
                            });
                        }
                    }
                }
                Overlay::Lookahead => {
                    if let Some(&q) = run.lookahead_px.get(step) {
                        let apart = (q.0 - head.0).hypot(q.1 - head.1) > 0.5;
                        if apart && figure.layout.in_panel(run.panel, q) {
                            push(Shape::Ring {
                                centre: f(q),
                                colour: run.colour,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
    }
    shapes
}

/// Draws the overlays of `step` (markers, heads, counter) onto `patch`, which holds the trail's
/// pixels of `rect`. Only overlays that reach into the rectangle are drawn.
fn draw_overlays(
    figure: &Figure,
    glyphs: &mut GlyphCache,
    patch: &mut Pixmap,
    rect: IRect,
    step: usize,
) {
    let s = figure.layout.sizes;
    for sprite in &figure.minima {
        sprite.blit(patch, (rect.x0, rect.y0));
    }
    let origin = (rect.x0, rect.y0);
    let start_r = s.marker_radius * 0.8;
    for &(x, y) in &figure.starts {
        let (x, y) = (x as f32, y as f32);
        paint::ringed_disc(
            patch,
            origin,
            rect,
            (x, y),
            start_r,
            WHITE,
            INK,
            s.outline * 1.4,
        );
    }
    // Teaching overlays under the heads.
    let thin = s.line_width * 0.7;
    for (shape, panel) in overlay_shapes(figure, step) {
        let panel = figure.layout.panels[panel].rect;
        match shape {
            Shape::Arrow { from, to, colour } => {
                paint::arrow(patch, origin, rect.intersect(panel), from, to, colour, thin)
            }
            Shape::Ring { centre, colour } => paint::ringed_disc(
                patch,
                origin,
                rect.intersect(panel),
                centre,
                s.head_radius * 0.7,
                WHITE,
                colour,
                thin,
            ),
        }
    }
    for (c, cross, i) in heads(figure, step) {
        let colour = figure.runs[i].colour;
        let plot = figure.layout.panels[figure.runs[i].panel].rect;
        if cross {
            let r = s.head_radius;
            for (dx, dy) in [(r, r), (r, -r)] {
                let (a, b) = ((c.0 - dx, c.1 - dy), (c.0 + dx, c.1 + dy));
                paint::capsule(
                    patch,
                    origin,
                    rect.intersect(plot),
                    a,
                    b,
                    colour,
                    s.line_width,
                );
            }
        } else {
            paint::ringed_disc(
                patch,
                origin,
                rect,
                c,
                s.head_radius,
                colour,
                INK,
                s.outline,
            );
        }
    }
    let counter = figure.layout.counter;
    if !rect.intersect(counter).is_empty() {
        let local = IRect {
            x0: counter.x0 - rect.x0,
            y0: counter.y0 - rect.y0,
            x1: counter.x1 - rect.x0,
            y1: counter.y1 - rect.y0,
        };
        glyphs.draw(patch, local, &super::counter_text(step, figure.steps), INK);
    }
}

fn glyph_cache(figure: &Figure) -> Result<GlyphCache, RenderError> {
    GlyphCache::new(figure.layout.sizes.font)
        .ok_or_else(|| RenderError("the embedded font could not be read".into()))
}

/// The full frame of `step` from a trail holding every segment up to `step`.
fn compose_full(figure: &Figure, glyphs: &mut GlyphCache, trail: &Pixmap, step: usize) -> Pixmap {
    let mut frame = trail.clone();
    draw_overlays(figure, glyphs, &mut frame, canvas(figure), step);
    frame
}

/// Walks consecutive steps of a [`Figure`], producing one [`FramePatch`] per frame.
pub struct Animator<'a> {
    figure: &'a Figure,
    trail: Pixmap,
    displayed: Pixmap,
    /// The last step composed into `displayed`, or `None` before the first frame.
    step: Option<usize>,
    /// Per-pixel "changed in this frame" marks, canvas-sized, reused between frames.
    marks: Vec<bool>,
    glyphs: GlyphCache,
}

impl<'a> Animator<'a> {
    /// An animator whose first frame is step 0.
    pub fn new(figure: &'a Figure) -> Result<Self, RenderError> {
        Ok(Animator {
            figure,
            trail: figure.background.clone(),
            displayed: figure.background.clone(),
            step: None,
            marks: vec![false; (figure.layout.width * figure.layout.height) as usize],
            glyphs: glyph_cache(figure)?,
        })
    }

    /// An animator whose first frame is `step` (> 0), given the trail up to `step − 1`.
    fn resume(figure: &'a Figure, trail: Pixmap, step: usize) -> Result<Self, RenderError> {
        let mut glyphs = glyph_cache(figure)?;
        let displayed = compose_full(figure, &mut glyphs, &trail, step - 1);
        Ok(Animator {
            figure,
            trail,
            displayed,
            step: Some(step - 1),
            marks: vec![false; (figure.layout.width * figure.layout.height) as usize],
            glyphs,
        })
    }

    /// The frame composed last.
    pub fn displayed(&self) -> &Pixmap {
        &self.displayed
    }

    /// Composes the next frame (step 0 first) and returns what changed; `None` after the last.
    pub fn next_frame(&mut self) -> Result<Option<FramePatch>, RenderError> {
        let step = match self.step {
            None => 0,
            Some(s) if s >= self.figure.steps => return Ok(None),
            Some(s) => s + 1,
        };
        let fig = self.figure;
        let whole = canvas(fig);
        let mut dirty: Vec<IRect> = Vec::new();
        if step == 0 {
            dirty.push(whole);
        } else {
            dirty.extend(draw_segments(fig, &mut self.trail, step));
            dirty.extend(head_rects(fig, step - 1));
            dirty.extend(head_rects(fig, step));
            dirty.push(fig.layout.counter);
        }
        let mut bbox = IRect::default();
        for rect in merge_overlapping(dirty) {
            let rect = self.with_counter_whole(rect.intersect(whole));
            if rect.is_empty() {
                continue;
            }
            bbox = bbox.union(self.compose(rect, step)?);
        }
        self.step = Some(step);
        // The first frame is drawn in full, whatever changed.
        let bbox = if step == 0 { whole } else { bbox };
        Ok(Some(self.take_patch(bbox, step == 0)))
    }

    /// A rectangle touching the step counter grows to hold all of it (its text is laid out
    /// relative to its own box).
    fn with_counter_whole(&self, rect: IRect) -> IRect {
        let c = self.figure.layout.counter;
        if rect.intersect(c).is_empty() {
            rect
        } else {
            rect.union(c)
        }
    }

    /// Recomposes `rect` of the displayed frame for `step`; returns the bounding box of the pixels
    /// that changed (marked in `self.marks`).
    fn compose(&mut self, rect: IRect, step: usize) -> Result<IRect, RenderError> {
        let fig = self.figure;
        let ir = IntRect::from_xywh(rect.x0, rect.y0, rect.width(), rect.height())
            .ok_or_else(|| RenderError("empty frame rectangle".into()))?;
        let mut patch = self
            .trail
            .clone_rect(ir)
            .ok_or_else(|| RenderError("frame rectangle outside the canvas".into()))?;
        draw_overlays(fig, &mut self.glyphs, &mut patch, rect, step);
        // Copy into the displayed frame, marking what changed.
        let w = fig.layout.width as usize;
        let pw = rect.width() as usize;
        let src = patch.data();
        let dst = self.displayed.data_mut();
        let mut changed = IRect::default();
        for row in 0..rect.height() as usize {
            let y = rect.y0 as usize + row;
            let s_row = &src[row * pw * 4..(row + 1) * pw * 4];
            let d_start = (y * w + rect.x0 as usize) * 4;
            let d_row = &mut dst[d_start..d_start + pw * 4];
            if s_row == d_row {
                continue;
            }
            let mut first = usize::MAX;
            let mut last = 0;
            for col in 0..pw {
                let k = col * 4;
                if s_row[k..k + 4] != d_row[k..k + 4] {
                    self.marks[y * w + rect.x0 as usize + col] = true;
                    first = first.min(col);
                    last = col;
                }
            }
            d_row.copy_from_slice(s_row);
            changed = changed.union(IRect {
                x0: rect.x0 + first as i32,
                y0: y as i32,
                x1: rect.x0 + last as i32 + 1,
                y1: y as i32 + 1,
            });
        }
        Ok(changed)
    }

    /// Cuts the patch for `bbox` out of the displayed frame and clears the marks there.
    fn take_patch(&mut self, bbox: IRect, first: bool) -> FramePatch {
        // A frame where nothing changed still needs one pixel (GIF frames cannot be empty).
        let bbox = if bbox.is_empty() {
            IRect {
                x0: 0,
                y0: 0,
                x1: 1,
                y1: 1,
            }
        } else {
            bbox
        };
        let w = self.figure.layout.width as usize;
        let (bw, bh) = (bbox.width() as usize, bbox.height() as usize);
        let mut rgba = Vec::with_capacity(bw * bh * 4);
        let mut changed = Vec::with_capacity(bw * bh);
        let data = self.displayed.data();
        for y in bbox.y0 as usize..bbox.y1 as usize {
            let row = y * w;
            rgba.extend_from_slice(
                &data[(row + bbox.x0 as usize) * 4..(row + bbox.x1 as usize) * 4],
            );
            for m in &mut self.marks[row + bbox.x0 as usize..row + bbox.x1 as usize] {
                changed.push(first || *m);
                *m = false;
            }
        }
        FramePatch {
            rect: bbox,
            rgba,
            changed,
        }
    }
}

/// Merges rectangles that overlap until none do, so no pixel is composed twice.
fn merge_overlapping(mut rects: Vec<IRect>) -> Vec<IRect> {
    let mut merged: Vec<IRect> = Vec::with_capacity(rects.len());
    while let Some(mut r) = rects.pop() {
        let mut grew = true;
        while grew {
            grew = false;
            let mut k = 0;
            while k < merged.len() {
                if merged[k].intersect(r).is_empty() {
                    k += 1;
                } else {
                    r = r.union(merged.swap_remove(k));
                    grew = true;
                }
            }
        }
        merged.push(r);
    }
    merged
}

/// Frames per chunk: at least 24, and at most 8 chunks, from the step count alone.
fn chunk_len(frames: usize) -> usize {
    frames.div_ceil(8).max(24)
}

/// The animation: every frame's patch in order, and the last frame's full canvas.
pub struct Frames {
    pub patches: Vec<FramePatch>,
    pub last: Pixmap,
}

/// The plan of a chunked animation: where each chunk starts (with the trail it starts from) and
/// the first and last frames in full. Made by one sequential pass that strokes every segment.
pub struct Plan<'a> {
    figure: &'a Figure,
    chunk: usize,
    starts: Vec<(usize, Option<Pixmap>)>,
}

/// Frame 0 and the last frame in full, composed directly.
pub struct Keyframes {
    pub first: Pixmap,
    pub last: Pixmap,
}

impl<'a> Plan<'a> {
    pub fn new(figure: &'a Figure) -> Result<(Self, Keyframes), RenderError> {
        let frames = figure.steps + 1;
        let chunk = chunk_len(frames);
        let mut trail = figure.background.clone();
        let mut starts: Vec<(usize, Option<Pixmap>)> = vec![(0, None)];
        for step in 1..frames {
            if step % chunk == 0 {
                starts.push((step, Some(trail.clone())));
            }
            draw_segments(figure, &mut trail, step);
        }
        let mut glyphs = glyph_cache(figure)?;
        let first = compose_full(figure, &mut glyphs, &figure.background, 0);
        let last = compose_full(figure, &mut glyphs, &trail, figure.steps);
        Ok((
            Plan {
                figure,
                chunk,
                starts,
            },
            Keyframes { first, last },
        ))
    }

    /// Animates every chunk in parallel, passing each frame's patch (with its frame index)
    /// through `map`, with a per-chunk state from `init`, as soon as it is made; the results are
    /// in frame order.
    pub fn run<S, T, I, F>(self, init: I, map: F) -> Result<Vec<T>, RenderError>
    where
        T: Send,
        I: Fn() -> S + Sync,
        F: Fn(&mut S, usize, FramePatch) -> T + Sync,
    {
        let (figure, len) = (self.figure, self.chunk);
        let frames = figure.steps + 1;
        let chunks: Vec<Result<Vec<T>, RenderError>> = self
            .starts
            .into_par_iter()
            .map(|(first, start_trail)| {
                let mut animator = match start_trail {
                    None => Animator::new(figure)?,
                    Some(t) => Animator::resume(figure, t, first)?,
                };
                let mut state = init();
                let end = (first + len).min(frames);
                let mut out = Vec::with_capacity(end - first);
                for index in first..end {
                    match animator.next_frame()? {
                        Some(p) => out.push(map(&mut state, index, p)),
                        None => break,
                    }
                }
                Ok(out)
            })
            .collect();
        let mut out = Vec::with_capacity(frames);
        for chunk in chunks {
            out.extend(chunk?);
        }
        Ok(out)
    }
}

/// Every frame of the animation (chunks in parallel), with the last frame's full canvas.
pub fn all_frames(figure: &Figure) -> Result<Frames, RenderError> {
    let (plan, keyframes) = Plan::new(figure)?;
    let patches = plan.run(|| (), |_, _, p| p)?;
    Ok(Frames {
        patches,
        last: keyframes.last,
    })
}

/// The full canvas of the frame at `step` (clamped to the last step), composed directly.
pub fn still(figure: &Figure, step: usize) -> Result<Pixmap, RenderError> {
    let step = step.min(figure.steps);
    let mut trail = figure.background.clone();
    for s in 1..=step {
        draw_segments(figure, &mut trail, s);
    }
    Ok(compose_full(
        figure,
        &mut glyph_cache(figure)?,
        &trail,
        step,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_depend_on_the_frame_count_only() {
        assert_eq!(chunk_len(61), 24);
        assert_eq!(chunk_len(201), 26);
        assert_eq!(chunk_len(10_001), 1251);
    }

    #[test]
    fn overlapping_rectangles_merge() {
        let a = IRect::new(0, 0, 10, 10);
        let b = IRect::new(5, 5, 15, 15);
        let c = IRect::new(100, 100, 110, 110);
        let d = IRect::new(14, 0, 20, 6);
        let mut m = merge_overlapping(vec![a, c, b, d]);
        m.sort_by_key(|r| r.x0);
        assert_eq!(m, vec![IRect::new(0, 0, 20, 15), c]);
    }
}

#[cfg(test)]
mod equivalence {
    use super::super::shipped_figure;
    use super::*;

    /// Chunked frames equal frames composed one after another from step 0, pixel for pixel.
    #[test]
    fn chunked_frames_equal_sequential_frames() {
        let (_, fig) = shipped_figure("gd_vs_momentum");
        let chunked = all_frames(&fig).unwrap();
        let mut a = Animator::new(&fig).unwrap();
        let mut k = 0;
        while let Some(p) = a.next_frame().unwrap() {
            assert_eq!(p.rect, chunked.patches[k].rect, "frame {k}");
            assert!(p == chunked.patches[k], "frame {k} differs");
            k += 1;
        }
        assert_eq!(k, chunked.patches.len());
        assert!(a.displayed().data() == chunked.last.data(), "last frame");
    }
}

#[cfg(test)]
mod still_equivalence {
    use super::super::shipped_figure;
    use super::*;

    /// The incrementally composed frame at every step equals the directly composed still
    /// (with and without teaching overlays).
    #[test]
    fn incremental_frames_equal_stills() {
        for name in [
            "momentum_vs_nesterov",
            "nesterov_lookahead",
            "beta_sweep_panels",
            "himmelblau_starts",
        ] {
            incremental_frames_equal_stills_for(name);
        }
    }

    fn incremental_frames_equal_stills_for(name: &str) {
        let (_, fig) = shipped_figure(name);
        let mut a = Animator::new(&fig).unwrap();
        let mut step = 0;
        while a.next_frame().unwrap().is_some() {
            let s = still(&fig, step).unwrap();
            let (d, e) = (a.displayed().data(), s.data());
            if let Some(i) = (0..d.len() / 4).find(|&i| d[i * 4..i * 4 + 4] != e[i * 4..i * 4 + 4])
            {
                let w = fig.layout.width as usize;
                panic!(
                    "step {step}: pixel ({}, {}) is {:?} incrementally, {:?} in the still",
                    i % w,
                    i / w,
                    &d[i * 4..i * 4 + 4],
                    &e[i * 4..i * 4 + 4]
                );
            }
            step += 1;
        }
    }
}

#[cfg(test)]
mod inset {
    use super::super::shipped_figure;
    use super::*;

    /// The loss inset is laid out when asked for and its curves grow with the steps.
    #[test]
    fn the_loss_inset_grows_with_the_animation() {
        let (_, fig) = shipped_figure("nesterov_lookahead");
        let r = fig.layout.inset.expect("an inset");
        let w = fig.layout.width as usize;
        let inked = |p: &Pixmap| {
            let mut n = 0;
            for y in r.y0..r.y1 {
                for x in r.x0..r.x1 {
                    let i = (y as usize * w + x as usize) * 4;
                    n += usize::from(p.data()[i..i + 3] != [255, 255, 255]);
                }
            }
            n
        };
        let (a, b, c) = (
            inked(&still(&fig, 0).unwrap()),
            inked(&still(&fig, 10).unwrap()),
            inked(&still(&fig, 30).unwrap()),
        );
        assert_eq!(a, 0, "nothing drawn at step 0");
        assert!(b > 20 && c > b, "{a} {b} {c}");
        // Scenes that do not ask for it have none.
        assert!(shipped_figure("gd_vs_momentum").1.layout.inset.is_none());
    }
}
