//! Frames, step by step, drawing only what is new.
//!
//! The [`Animator`] keeps two canvases: the *trail* (background plus every path segment drawn so
//! far) and the *displayed* frame (trail plus the overlays of the current step: heads, start and
//! minimum markers, the step counter). Step k strokes the k-th segment of each run onto the trail,
//! then recomposes the displayed frame only inside the small rectangles that can have changed
//! (new segments, old and new heads, the counter) and reports the pixels that really changed as a
//! [`FramePatch`]. A frame's cost depends on what moved, not on the step number.

use tiny_skia::{IntRect, Pixmap, Transform};

use super::background::draw_text_in;
use super::paint::{self, IRect};
use super::style::{INK, WHITE};
use super::{Figure, RenderError};

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

/// Walks the steps of a [`Figure`], producing one [`FramePatch`] per frame.
pub struct Animator<'a> {
    figure: &'a Figure,
    trail: Pixmap,
    displayed: Pixmap,
    /// The last step composed into `displayed`, or `None` before the first frame.
    step: Option<usize>,
    /// Per-pixel "changed in this frame" marks, canvas-sized, reused between frames.
    marks: Vec<bool>,
}

impl<'a> Animator<'a> {
    pub fn new(figure: &'a Figure) -> Self {
        let n = (figure.layout.width * figure.layout.height) as usize;
        Animator {
            figure,
            trail: figure.background.clone(),
            displayed: figure.background.clone(),
            step: None,
            marks: vec![false; n],
        }
    }

    /// The frame composed last.
    pub fn displayed(&self) -> &Pixmap {
        &self.displayed
    }

    /// The canvas rectangle.
    fn canvas(&self) -> IRect {
        IRect {
            x0: 0,
            y0: 0,
            x1: self.figure.layout.width as i32,
            y1: self.figure.layout.height as i32,
        }
    }

    /// Composes the next frame (step 0 first) and returns what changed; `None` after the last.
    pub fn next_frame(&mut self) -> Result<Option<FramePatch>, RenderError> {
        let step = match self.step {
            None => 0,
            Some(s) if s >= self.figure.steps => return Ok(None),
            Some(s) => s + 1,
        };
        let canvas = self.canvas();
        let mut dirty: Vec<IRect> = Vec::new();
        if step == 0 {
            dirty.push(canvas);
        } else {
            dirty.extend(self.draw_segments(step));
            dirty.extend(self.overlay_rects(step - 1));
            dirty.extend(self.overlay_rects(step));
            dirty.push(self.figure.layout.counter);
        }
        let mut bbox = IRect::default();
        for rect in dirty {
            let rect = self.with_counter_whole(rect.intersect(canvas));
            if rect.is_empty() {
                continue;
            }
            bbox = bbox.union(self.compose(rect, step)?);
        }
        self.step = Some(step);
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

    /// Strokes every run's segment from step − 1 to step onto the trail; returns their rectangles.
    fn draw_segments(&mut self, step: usize) -> Vec<IRect> {
        let fig = self.figure;
        let lw = fig.layout.sizes.line_width;
        let p = fig.layout.plot;
        let pad = f64::from(lw) * 2.0;
        let bounds = (
            f64::from(p.x0) - pad,
            f64::from(p.y0) - pad,
            f64::from(p.x1) + pad,
            f64::from(p.y1) + pad,
        );
        let mut rects = Vec::new();
        for run in &fig.runs {
            if step >= run.px.len() {
                continue;
            }
            let Some((a, b)) = paint::clip_segment(run.px[step - 1], run.px[step], bounds) else {
                continue;
            };
            let (a, b) = ((a.0 as f32, a.1 as f32), (b.0 as f32, b.1 as f32));
            paint::segment(&mut self.trail, a, b, run.colour, lw, Some(&fig.clip));
            let r = lw / 2.0 + 1.0;
            rects.push(IRect::around(a.0, a.1, r).union(IRect::around(b.0, b.1, r)));
        }
        rects
    }

    /// The heads of `step` (a cross where a run has diverged), as (centre, is_cross, run).
    fn heads(&self, step: usize) -> Vec<((f32, f32), bool, usize)> {
        let fig = self.figure;
        fig.runs
            .iter()
            .enumerate()
            .filter_map(|(i, run)| {
                let last = run.px.len() - 1;
                let p = run.px[step.min(last)];
                if !fig.layout.in_plot(p) {
                    return None;
                }
                let cross = run.diverged.is_some() && step > last;
                Some(((p.0 as f32, p.1 as f32), cross, i))
            })
            .collect()
    }

    fn overlay_rects(&self, step: usize) -> Vec<IRect> {
        let r = self.figure.layout.sizes.head_radius + self.figure.layout.sizes.outline * 2.0;
        self.heads(step)
            .into_iter()
            .map(|(c, _, _)| IRect::around(c.0, c.1, r))
            .collect()
    }

    /// Recomposes `rect` of the displayed frame for `step`; returns the bounding box of the pixels
    /// that changed (marked in `self.marks`).
    fn compose(&mut self, rect: IRect, step: usize) -> Result<IRect, RenderError> {
        let fig = self.figure;
        let s = fig.layout.sizes;
        let ir = IntRect::from_xywh(rect.x0, rect.y0, rect.width(), rect.height())
            .ok_or_else(|| RenderError("empty frame rectangle".into()))?;
        let mut patch = self
            .trail
            .clone_rect(ir)
            .ok_or_else(|| RenderError("frame rectangle outside the canvas".into()))?;
        let t = Transform::from_translate(-rect.x0 as f32, -rect.y0 as f32);
        for &(x, y) in &fig.minima {
            paint::star(
                &mut patch,
                (x as f32, y as f32),
                s.marker_radius * 1.25,
                WHITE,
                INK,
                s.outline,
                t,
            );
        }
        for &(x, y) in &fig.starts {
            paint::disc(
                &mut patch,
                (x as f32, y as f32),
                s.marker_radius * 0.8,
                Some(WHITE),
                INK,
                s.outline * 1.4,
                t,
            );
        }
        for (c, cross, i) in self.heads(step) {
            let colour = fig.runs[i].colour;
            if cross {
                paint::cross(&mut patch, c, s.head_radius, colour, s.line_width, t);
            } else {
                paint::disc(
                    &mut patch,
                    c,
                    s.head_radius,
                    Some(colour),
                    INK,
                    s.outline,
                    t,
                );
            }
        }
        let counter = fig.layout.counter;
        if !rect.intersect(counter).is_empty() {
            let local = IRect {
                x0: counter.x0 - rect.x0,
                y0: counter.y0 - rect.y0,
                x1: counter.x1 - rect.x0,
                y1: counter.y1 - rect.y0,
            };
            let text = format!("step {step} / {}", fig.steps);
            draw_text_in(&mut patch, local, &text, s.font * 1.1, INK)?;
        }
        // Copy into the displayed frame, marking what changed.
        let w = fig.layout.width as usize;
        let pw = rect.width() as usize;
        let src = patch.data();
        let dst = self.displayed.data_mut();
        let mut changed = IRect::default();
        for row in 0..rect.height() as usize {
            let y = rect.y0 as usize + row;
            for col in 0..pw {
                let x = rect.x0 as usize + col;
                let s4 = (row * pw + col) * 4;
                let d4 = (y * w + x) * 4;
                if src[s4..s4 + 4] != dst[d4..d4 + 4] {
                    dst[d4..d4 + 4].copy_from_slice(&src[s4..s4 + 4]);
                    self.marks[y * w + x] = true;
                    changed = changed.union(IRect {
                        x0: x as i32,
                        y0: y as i32,
                        x1: x as i32 + 1,
                        y1: y as i32 + 1,
                    });
                }
            }
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

/// Every frame of the animation, in order, with the last frame's full canvas.
pub fn all_frames(figure: &Figure) -> Result<(Vec<FramePatch>, Pixmap), RenderError> {
    let mut animator = Animator::new(figure);
    let mut frames = Vec::with_capacity(figure.steps + 1);
    while let Some(f) = animator.next_frame()? {
        frames.push(f);
    }
    Ok((frames, animator.displayed.clone()))
}

/// The full canvas of the frame at `step` (clamped to the last step).
pub fn still(figure: &Figure, step: usize) -> Result<Pixmap, RenderError> {
    let mut animator = Animator::new(figure);
    for _ in 0..=step.min(figure.steps) {
        animator.next_frame()?;
    }
    Ok(animator.displayed.clone())
}
