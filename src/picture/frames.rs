//! An animated picture's frames, step by step, painting only what is new.
//!
//! Two canvases carry the animation: the *trail* (the static items of [`Layer::Under`] plus
//! every trail segment revealed so far) and the *displayed* frame (the trail with everything
//! above it composed for the current step: static markers, heads and overlays, the counter).
//! Step k paints the k-th segment of each trail onto the trail canvas, then recomposes the
//! displayed frame only inside the rectangles that can have changed (new segments, the
//! markers of steps k − 1 and k) and reports the pixels that really changed as a
//! [`FramePatch`]. A frame's cost depends on what moved, not on the step number.
//!
//! Everything composed above the trail paints the same pixels however it is clipped: markers
//! and glyphs are functions of the pixel alone, and vector shapes (a star) are painted once
//! into a sprite that is then blended. So a frame composed in patches equals the still composed
//! whole, which the tests check.
//!
//! Frames are made in chunks of consecutive steps that can run in parallel: one cheap
//! sequential pass paints every segment and keeps a copy of the trail where each chunk starts.
//! The thread that runs the animation carries on from one chunk to the next; a thread that is
//! idle takes chunks from the end, each recomposing its first "previous" frame from its copy
//! and animating on its own (see [`Plan::run`]). Chunk lengths depend on the step count only,
//! never on the thread count.

use std::sync::Arc;

use rayon::prelude::*;
use tiny_skia::{IntRect, Pixmap, Transform};

use super::geom::IRect;
use super::mark::Mark;
use super::raster::{self, GlyphCache};
use super::{DrawError, ItemKind, Layer, Picture, Trail};

/// What changed from one frame to the next: the bounding rectangle of the changed pixels, seen
/// in the frame itself (nothing is copied), and which of its pixels changed.
pub struct FramePatch<'a> {
    pub rect: IRect,
    frame: &'a Pixmap,
    /// Where the pixel differs from the previous frame's (GIF can leave the others
    /// transparent). Not read for the first frame, all of which is new.
    changed: &'a Marks,
    first: bool,
}

impl<'a> FramePatch<'a> {
    /// The whole frame.
    pub fn frame(&self) -> &'a Pixmap {
        self.frame
    }

    /// True for the first frame of the animation (every pixel is new).
    pub fn is_first(&self) -> bool {
        self.first
    }

    /// The rectangle's rows, top to bottom: RGBA bytes, and which pixels changed (`None` for
    /// the first frame: all did).
    pub fn rows(&self) -> impl Iterator<Item = (&'a [u8], Option<RowMarks<'a>>)> + '_ {
        let w = self.frame.width() as usize;
        let (x0, x1) = (self.rect.x0 as usize, self.rect.x1 as usize);
        let data = self.frame.data();
        (self.rect.y0 as usize..self.rect.y1 as usize).map(move |y| {
            let row = y * w;
            (
                &data[(row + x0) * 4..(row + x1) * 4],
                (!self.first).then_some(RowMarks {
                    marks: self.changed,
                    start: row + x0,
                }),
            )
        })
    }
}

/// One bit per canvas pixel.
pub struct Marks {
    words: Vec<u64>,
}

impl Marks {
    fn new(pixels: usize) -> Self {
        Marks {
            words: vec![0; pixels.div_ceil(64)],
        }
    }

    fn set(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    /// Whether pixel `i` is marked (the reference the tests read word-wide reads against).
    #[cfg(test)]
    fn get(&self, i: usize) -> bool {
        self.words[i / 64] >> (i % 64) & 1 == 1
    }

    /// Clears pixels `range` (canvas indices), a word at a time.
    fn clear(&mut self, range: std::ops::Range<usize>) {
        if range.is_empty() {
            return;
        }
        let (first, last) = (range.start / 64, (range.end - 1) / 64);
        for (k, word) in self.words[first..=last].iter_mut().enumerate() {
            let lo = if k == 0 { range.start % 64 } else { 0 };
            let hi = if first + k == last {
                (range.end - 1) % 64 + 1
            } else {
                64
            };
            // Bits lo..hi of the word.
            let mask = (u64::MAX >> (64 - (hi - lo))) << lo;
            *word &= !mask;
        }
    }
}

/// The marks of one row of a patch, from its first pixel.
#[derive(Clone, Copy)]
pub struct RowMarks<'a> {
    marks: &'a Marks,
    start: usize,
}

impl RowMarks<'_> {
    /// Whether pixel `i` of the row changed (the reference for [`RowMarks::bits`] in tests).
    #[cfg(test)]
    pub fn get(&self, i: usize) -> bool {
        self.marks.get(self.start + i)
    }

    /// Whether pixels `i .. i + n` of the row changed (`n` ≤ 64), as the low `n` bits of a
    /// word, pixel `i` lowest: a run of unchanged pixels is read 64 at a time.
    pub fn bits(&self, i: usize, n: usize) -> u64 {
        let at = self.start + i;
        let (word, offset) = (at / 64, at % 64);
        let words = &self.marks.words;
        let mut bits = words[word] >> offset;
        if offset > 0 && word + 1 < words.len() {
            bits |= words[word + 1] << (64 - offset);
        }
        if n < 64 {
            bits &= (1u64 << n) - 1;
        }
        bits
    }
}

/// A static item above the trails, ready to compose.
enum Above {
    /// Painted as it is (its pixels do not depend on the clip).
    Direct { kind: ItemKind, clip: IRect },
    /// Painted once into a small image, then blended.
    Sprite { sprite: Sprite, clip: IRect },
    /// The marks of track `index` (into [`Prepared::tracks`]).
    Track(usize),
}

/// A premultiplied image at a fixed canvas position.
struct Sprite {
    origin: (i32, i32),
    pixmap: Pixmap,
}

impl Sprite {
    fn rect(&self) -> IRect {
        IRect::at(self.origin, self.pixmap.width(), self.pixmap.height())
    }

    /// Source-over blend onto `target` (top-left at canvas `origin`), inside `clip`.
    fn blit(&self, target: &mut Pixmap, origin: (i32, i32), clip: IRect) {
        let area = self
            .rect()
            .intersect(IRect::at(origin, target.width(), target.height()))
            .intersect(clip);
        if area.is_empty() {
            return;
        }
        let (sw, tw) = (self.pixmap.width() as usize, target.width() as usize);
        let src = self.pixmap.data();
        let dst = target.data_mut();
        for y in area.y0..area.y1 {
            for x in area.x0..area.x1 {
                let s = (((y - self.origin.1) as usize) * sw + (x - self.origin.0) as usize) * 4;
                let a = u32::from(src[s + 3]);
                if a == 0 {
                    continue;
                }
                let d = (((y - origin.1) as usize) * tw + (x - origin.0) as usize) * 4;
                for c in 0..3 {
                    let v = u32::from(src[s + c]) + (u32::from(dst[d + c]) * (255 - a) + 127) / 255;
                    dst[d + c] = v.min(255) as u8;
                }
            }
        }
    }
}

/// A shape painted into a sprite covering `bounds` (canvas pixels).
fn sprite_of(
    picture: &Picture,
    kind: &ItemKind,
    bounds: IRect,
    glyphs: &mut GlyphCache,
) -> Option<Sprite> {
    let origin = (bounds.x0, bounds.y0);
    let mut pixmap = Pixmap::new(bounds.width().max(1), bounds.height().max(1))?;
    let whole = IRect::at(origin, pixmap.width(), pixmap.height());
    match kind {
        ItemKind::Shape(s) => raster::vector(&mut pixmap, origin, whole, s),
        ItemKind::Mark(m) => raster::mark(&mut pixmap, origin, whole, m, glyphs, &picture.fonts),
        _ => return None,
    }
    let _ = Transform::identity();
    Some(Sprite { origin, pixmap })
}

/// The picture split for animation: the background, the trails, what is composed above them.
struct Prepared<'p> {
    picture: &'p Picture,
    background: Arc<Pixmap>,
    /// The trails with their clip and item index, and how they are cut into pieces.
    trails: Vec<(&'p Trail, IRect, usize)>,
    pieces: super::TrailPieces,
    tracks: Vec<(&'p super::Track, IRect)>,
    above: Vec<Above>,
}

impl<'p> Prepared<'p> {
    fn new(picture: &'p Picture) -> Result<Self, DrawError> {
        let mut glyphs = GlyphCache::default();
        let mut background = raster::canvas(picture)?;
        raster::paint_static(&mut background, picture, |l| l == Layer::Under, &mut glyphs);
        let mut trails = Vec::new();
        let mut tracks = Vec::new();
        let mut above = Vec::new();
        let mut order: Vec<usize> = (0..picture.items.len()).collect();
        order.sort_by_key(|&i| picture.items[i].layer);
        for index in order {
            let item = &picture.items[index];
            let clip = picture.clip_of(item);
            match &item.kind {
                ItemKind::Trail(t) => trails.push((t, clip, index)),
                ItemKind::Track(t) => {
                    above.push(Above::Track(tracks.len()));
                    tracks.push((t, clip));
                }
                _ if item.layer == Layer::Under => {}
                ItemKind::Shape(s) => {
                    let b = s.path.bounds().map(|(x0, y0, x1, y1)| {
                        let pad = s.stroke.map_or(0.0, |k| k.width) + 2.0;
                        IRect::new(
                            (x0 - pad).floor() as i32,
                            (y0 - pad).floor() as i32,
                            (x1 + pad).ceil() as i32,
                            (y1 + pad).ceil() as i32,
                        )
                    });
                    if let Some(sprite) =
                        b.and_then(|b| sprite_of(picture, &item.kind, b, &mut glyphs))
                    {
                        above.push(Above::Sprite { sprite, clip });
                    }
                }
                ItemKind::Mark(m @ Mark::Polygon { .. }) => {
                    if let Some(sprite) = sprite_of(picture, &item.kind, m.bounds(), &mut glyphs) {
                        above.push(Above::Sprite { sprite, clip });
                    }
                }
                kind => above.push(Above::Direct {
                    kind: kind.clone(),
                    clip,
                }),
            }
        }
        Ok(Prepared {
            picture,
            background: Arc::new(background),
            pieces: picture.trail_pieces(),
            trails,
            tracks,
            above,
        })
    }

    /// Paints every trail's segment into point `step` onto `trail`; returns what they touched.
    fn paint_segments(&self, trail: &mut Pixmap, step: usize) -> Vec<IRect> {
        self.trails
            .iter()
            .filter_map(|(t, clip, index)| {
                let start = self.pieces.start(*index, step);
                raster::trail_segment(trail, (0, 0), *clip, t, step, start)
            })
            .collect()
    }

    /// Every track's marks at `step`, with the clip each is painted in.
    fn marks(&self, step: usize) -> Vec<Vec<Mark>> {
        self.tracks
            .iter()
            .map(|(t, clip)| {
                let mut out = Vec::new();
                self.picture.track_marks(t, *clip, step, &mut out);
                out
            })
            .collect()
    }

    /// Composes everything above the trail inside `rect` of `patch` (whose top-left pixel is
    /// at `rect`'s corner), with the tracks' `marks` of the step.
    fn compose(
        &self,
        patch: &mut Pixmap,
        rect: IRect,
        marks: &[Vec<Mark>],
        glyphs: &mut GlyphCache,
    ) {
        let origin = (rect.x0, rect.y0);
        for a in &self.above {
            match a {
                Above::Direct { kind, clip } => raster::static_item(
                    patch,
                    origin,
                    clip.intersect(rect),
                    self.picture,
                    kind,
                    glyphs,
                ),
                Above::Sprite { sprite, clip } => sprite.blit(patch, origin, clip.intersect(rect)),
                Above::Track(i) => {
                    let clip = self.tracks[*i].1.intersect(rect);
                    for m in &marks[*i] {
                        if !m.bounds().intersect(clip).is_empty() {
                            raster::mark(patch, origin, clip, m, glyphs, &self.picture.fonts);
                        }
                    }
                }
            }
        }
    }

    /// The full frame of `step` from a trail holding every segment up to `step`.
    fn full(
        &self,
        trail: &Pixmap,
        step: usize,
        glyphs: &mut GlyphCache,
        spare: Option<Pixmap>,
    ) -> Pixmap {
        let mut frame = copy_of(trail, spare);
        self.finish(&mut frame, step, glyphs);
        frame
    }

    /// Composes everything above the trails at `step` onto `frame`, a trail holding every
    /// segment up to `step`, which becomes the full frame.
    fn finish(&self, frame: &mut Pixmap, step: usize, glyphs: &mut GlyphCache) {
        let marks = self.marks(step);
        self.compose(frame, self.picture.canvas(), &marks, glyphs);
    }

    /// The colours frame 0 draws over the background, with how many pixels of each: the
    /// frame composed band by band (bands in parallel), never whole.
    fn first_colours(&self) -> Vec<([u8; 3], u32)> {
        let marks = self.marks(0);
        let (w, h) = (self.picture.width as i32, self.picture.height as i32);
        let bands: Vec<Vec<[u8; 3]>> = (0..(h as u32).div_ceil(BAND_ROWS as u32) as i32)
            .into_par_iter()
            .map_init(GlyphCache::default, |glyphs, k| {
                let y0 = k * BAND_ROWS;
                let r = IRect::new(0, y0, w, (y0 + BAND_ROWS).min(h));
                let Some(mut band) = IntRect::from_xywh(r.x0, r.y0, r.width(), r.height())
                    .and_then(|ir| self.background.clone_rect(ir))
                else {
                    return Vec::new();
                };
                self.compose(&mut band, r, &marks, glyphs);
                let before = &self.background.data()
                    [(y0 * w) as usize * 4..((y0 + r.height() as i32) * w) as usize * 4];
                changed_pixels(before, band.data(), w as usize).collect()
            })
            .collect();
        counted(bands.concat())
    }

    /// The rectangles frame `step` (from 1) recomposes: where the markers of the step before
    /// (`before`) and of the step (`now`) are, and the step's new segments.
    fn dirty_rects(&self, step: usize, before: &[Vec<Mark>], now: &[Vec<Mark>]) -> Vec<IRect> {
        let canvas = self.picture.canvas();
        let mut rects: Vec<IRect> = Prepared::mark_rects(before)
            .chain(Prepared::mark_rects(now))
            .collect();
        rects.extend(self.trails.iter().filter_map(|(t, clip, _)| {
            super::trail_segment_geometry(t, *clip, step).map(|(_, r)| r.intersect(*clip))
        }));
        let rects = rects.into_iter().map(|r| r.intersect(canvas));
        merge_overlapping(rects.filter(|r| !r.is_empty()).collect())
    }

    /// The colours of the pixels a sampled frame changes and how many of each: each of its
    /// rectangles composed over the trail before and after the step's segments, at the step
    /// before and at the step, and compared.
    fn sample_colours(&self, sample: Sample, glyphs: &mut GlyphCache) -> Vec<([u8; 3], u32)> {
        let mut colours: Vec<[u8; 3]> = Vec::new();
        for (r, mut previous, mut next) in sample.patches {
            self.compose(&mut previous, r, &sample.before, glyphs);
            self.compose(&mut next, r, &sample.now, glyphs);
            for (a, b) in previous
                .data()
                .chunks_exact(4)
                .zip(next.data().chunks_exact(4))
            {
                if a != b {
                    colours.push([b[0], b[1], b[2]]);
                }
            }
        }
        counted(colours)
    }

    /// The rectangles the tracks' marks cover.
    fn mark_rects(marks: &[Vec<Mark>]) -> impl Iterator<Item = IRect> + '_ {
        marks.iter().flatten().map(Mark::bounds)
    }
}

/// A copy of `source`, made in `spare` when it is a canvas of the same size: a canvas written
/// again is already in memory, where a new one is paged in (at 3840 × 2160, 33 MB of page
/// faults each, on huge pages where they are offered: see [`crate::memory`]).
fn copy_of(source: &Pixmap, spare: Option<Pixmap>) -> Pixmap {
    let (w, h) = (source.width(), source.height());
    match spare.filter(|c| c.width() == w && c.height() == h) {
        Some(mut canvas) => {
            canvas.data_mut().copy_from_slice(source.data());
            canvas
        }
        None => crate::memory::canvas_copy(source).unwrap_or_else(|| source.clone()),
    }
}

/// Walks consecutive steps of a prepared picture, producing one [`FramePatch`] per frame.
struct Animator<'a, 'p> {
    prepared: &'a Prepared<'p>,
    trail: Pixmap,
    displayed: Pixmap,
    /// The last step composed into `displayed`, and its marks; `None` before the first frame.
    step: Option<(usize, Vec<Vec<Mark>>)>,
    /// Per-pixel "changed in this frame" marks, canvas-sized, reused between frames.
    changed: Marks,
    /// The rectangle of the last frame's patch (where marks may be set).
    patch: IRect,
    glyphs: GlyphCache,
    /// The memory each changed rectangle is composed in, kept from one to the next: a new
    /// canvas for each was zeroed, then overwritten.
    scratch: Vec<u8>,
}

impl<'a, 'p> Animator<'a, 'p> {
    /// An animator whose first frame is `first`, given the trail up to `first − 1` (the
    /// background for the first frame of all).
    /// (`spare` is a canvas of the picture's size to compose into, if one is free.)
    fn new(prepared: &'a Prepared<'p>, trail: Pixmap, first: usize, spare: Option<Pixmap>) -> Self {
        let mut glyphs = GlyphCache::default();
        let pic = prepared.picture;
        let (displayed, step) = if first == 0 {
            (copy_of(&prepared.background, spare), None)
        } else {
            let frame = prepared.full(&trail, first - 1, &mut glyphs, spare);
            (frame, Some((first - 1, prepared.marks(first - 1))))
        };
        Animator {
            prepared,
            trail,
            displayed,
            step,
            changed: Marks::new((pic.width * pic.height) as usize),
            patch: IRect::default(),
            glyphs,
            scratch: Vec::new(),
        }
    }

    /// Composes the next frame (step 0 first) and returns what changed; `None` after the last.
    /// The patch must be [`Animator::done`] with before the next frame.
    fn next_frame(&mut self) -> Result<Option<FramePatch<'_>>, DrawError> {
        let pic = self.prepared.picture;
        let (step, previous) = match self.step.take() {
            None => (0, Vec::new()),
            Some((s, _)) if s >= pic.steps => return Ok(None),
            Some((s, marks)) => (s + 1, marks),
        };
        let whole = pic.canvas();
        let marks = self.prepared.marks(step);
        let mut bbox = IRect::default();
        if step == 0 {
            // The first frame is all new: composed in place over the background, which is
            // what `displayed` holds before it.
            self.prepared
                .compose(&mut self.displayed, whole, &marks, &mut self.glyphs);
        } else {
            let mut dirty: Vec<IRect> = Vec::new();
            dirty.extend(self.prepared.paint_segments(&mut self.trail, step));
            dirty.extend(Prepared::mark_rects(&previous));
            dirty.extend(Prepared::mark_rects(&marks));
            for rect in merge_overlapping(dirty) {
                let rect = rect.intersect(whole);
                if rect.is_empty() {
                    continue;
                }
                bbox = bbox.union(self.compose(rect, &marks)?);
            }
        }
        self.step = Some((step, marks));
        // A frame where nothing changed still needs one pixel (GIF frames cannot be empty).
        let bbox = if step == 0 {
            whole
        } else if bbox.is_empty() {
            IRect::new(0, 0, 1, 1)
        } else {
            bbox
        };
        self.patch = bbox;
        Ok(Some(FramePatch {
            rect: bbox,
            frame: &self.displayed,
            changed: &self.changed,
            first: step == 0,
        }))
    }

    /// Clears the marks of the frame just made.
    fn done(&mut self) {
        let w = self.prepared.picture.width as usize;
        let r = self.patch;
        for y in r.y0 as usize..r.y1 as usize {
            self.changed
                .clear(y * w + r.x0 as usize..y * w + r.x1 as usize);
        }
    }

    /// Recomposes `rect` of the displayed frame; returns the bounding box of the pixels that
    /// changed (marked in `self.changed`).
    fn compose(&mut self, rect: IRect, marks: &[Vec<Mark>]) -> Result<IRect, DrawError> {
        let w = self.prepared.picture.width as usize;
        let pw = rect.width() as usize;
        let inside = rect.x0 >= 0
            && rect.y0 >= 0
            && rect.x1 as usize <= w
            && rect.y1 as u32 <= self.trail.height();
        let size = tiny_skia::IntSize::from_wh(rect.width(), rect.height())
            .filter(|_| inside)
            .ok_or_else(|| DrawError("frame rectangle outside the canvas".into()))?;
        // The trail's rectangle, copied into the scratch memory (as `clone_rect` would into a
        // new canvas).
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let trail = self.trail.data();
        for y in rect.y0 as usize..rect.y1 as usize {
            let start = (y * w + rect.x0 as usize) * 4;
            scratch.extend_from_slice(&trail[start..start + pw * 4]);
        }
        let mut patch = Pixmap::from_vec(scratch, size)
            .ok_or_else(|| DrawError("frame rectangle outside the canvas".into()))?;
        self.prepared
            .compose(&mut patch, rect, marks, &mut self.glyphs);
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
                    self.changed.set(y * w + rect.x0 as usize + col);
                    first = first.min(col);
                    last = col;
                }
            }
            d_row.copy_from_slice(s_row);
            changed = changed.union(IRect::new(
                rect.x0 + first as i32,
                y as i32,
                rect.x0 + last as i32 + 1,
                y as i32 + 1,
            ));
        }
        self.scratch = patch.take();
        Ok(changed)
    }
}

/// The colour of each pixel of `after` that differs from `before` (two canvases of `width`
/// pixels a row), row by row; a row that is the same in both is passed over whole.
pub fn changed_pixels<'a>(
    before: &'a [u8],
    after: &'a [u8],
    width: usize,
) -> impl Iterator<Item = [u8; 3]> + 'a {
    before
        .chunks(4 * width.max(1))
        .zip(after.chunks(4 * width.max(1)))
        .filter(|(b, a)| b != a)
        .flat_map(|(b, a)| {
            b.chunks_exact(4)
                .zip(a.chunks_exact(4))
                .filter(|(p, q)| p != q)
                .map(|(_, q)| [q[0], q[1], q[2]])
        })
}

/// Each colour once with how many times it occurs, in colour order.
fn counted(colours: Vec<[u8; 3]>) -> Vec<([u8; 3], u32)> {
    // Runs of one colour first (pixels in a row mostly repeat their neighbour's colour): far
    // fewer to sort than pixels.
    let mut runs = merged(colours.into_iter().map(|c| (c, 1)));
    runs.sort_unstable_by_key(|&(c, _)| c);
    merged(runs)
}

/// Colours with their counts, neighbours of one colour merged into one.
fn merged(colours: impl IntoIterator<Item = ([u8; 3], u32)>) -> Vec<([u8; 3], u32)> {
    let mut merged: Vec<([u8; 3], u32)> = Vec::new();
    for (c, k) in colours {
        match merged.last_mut() {
            Some((last, n)) if *last == c => *n += k,
            _ => merged.push((c, k)),
        }
    }
    merged
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

/// Frames per chunk: at least 32, and at most 8 chunks, from the step count alone. (A chunk
/// starts with two canvases of its own and a frame composed whole: a 61-frame animation is two
/// chunks, one per core of a small machine.)
fn chunk_len(frames: usize) -> usize {
    frames.div_ceil(8).max(32)
}

/// The background, and the last frame in full (composed directly).
pub struct Keyframes {
    pub background: Arc<Pixmap>,
    pub last: Pixmap,
}

/// A sampled frame's rectangles, each as the trail holds it before and after the step's
/// segments, and the markers of the step before and of the step (see
/// [`Plan::changed_colours`]).
struct Sample {
    patches: Vec<(IRect, Pixmap, Pixmap)>,
    before: Vec<Vec<Mark>>,
    now: Vec<Vec<Mark>>,
}

/// Rows of the canvas composed at a time where a whole frame is only looked at.
const BAND_ROWS: i32 = 64;

/// The side of the tiles a [`Snapshot`] keeps, pixels.
const TILE: i32 = 64;

/// The tiles of the canvas that segments have been painted on so far.
struct Touched {
    columns: i32,
    rows: i32,
    tiles: Vec<bool>,
}

impl Touched {
    fn new(width: u32, height: u32) -> Self {
        let columns = width.div_ceil(TILE as u32) as i32;
        let rows = height.div_ceil(TILE as u32) as i32;
        Touched {
            columns,
            rows,
            tiles: vec![false; (columns * rows) as usize],
        }
    }

    fn mark(&mut self, r: IRect) {
        if r.is_empty() {
            return;
        }
        let column = |x: i32| x.div_euclid(TILE).clamp(0, self.columns - 1);
        let row = |y: i32| y.div_euclid(TILE).clamp(0, self.rows - 1);
        for y in row(r.y0)..=row(r.y1 - 1) {
            for x in column(r.x0)..=column(r.x1 - 1) {
                self.tiles[(y * self.columns + x) as usize] = true;
            }
        }
    }

    /// The touched tiles of `trail`.
    fn snapshot(&self, trail: &Pixmap) -> Snapshot {
        let canvas = IRect::at((0, 0), trail.width(), trail.height());
        let w = trail.width() as usize;
        let data = trail.data();
        let tiles = (0..self.tiles.len())
            .filter(|&k| self.tiles[k])
            .map(|k| {
                let (x, y) = (k as i32 % self.columns, k as i32 / self.columns);
                let r = IRect::new(x * TILE, y * TILE, (x + 1) * TILE, (y + 1) * TILE)
                    .intersect(canvas);
                let mut pixels = Vec::with_capacity(r.width() as usize * r.height() as usize * 4);
                for row in r.y0 as usize..r.y1 as usize {
                    pixels.extend_from_slice(
                        &data[(row * w + r.x0 as usize) * 4..(row * w + r.x1 as usize) * 4],
                    );
                }
                (r, pixels)
            })
            .collect();
        Snapshot { tiles }
    }
}

/// The trail canvas where a chunk starts, kept as the tiles segments have touched (elsewhere it
/// is the background): what a chunk needs, in the space the paths cover rather than the
/// canvas's.
struct Snapshot {
    tiles: Vec<(IRect, Vec<u8>)>,
}

impl Snapshot {
    /// The trail canvas: the background with the tiles put back.
    fn restore(&self, background: &Pixmap, spare: Option<Pixmap>) -> Pixmap {
        let mut trail = copy_of(background, spare);
        let w = trail.width() as usize;
        let data = trail.data_mut();
        for (r, pixels) in &self.tiles {
            let tw = r.width() as usize * 4;
            for (k, row) in (r.y0 as usize..r.y1 as usize).enumerate() {
                let at = (row * w + r.x0 as usize) * 4;
                data[at..at + tw].copy_from_slice(&pixels[k * tw..(k + 1) * tw]);
            }
        }
        trail
    }
}

/// The plan of a chunked animation: where each chunk starts, with the trail it starts from.
/// Made by one sequential pass that paints every segment.
pub struct Plan<'p> {
    prepared: Prepared<'p>,
    chunk: usize,
    starts: Vec<(usize, Option<Snapshot>)>,
    /// The sampled frames (see [`SAMPLED_FRAMES`]).
    samples: Vec<Sample>,
}

/// A chunk's index and what [`Plan::run`] made of its frames.
type ChunkFrames<T> = (usize, Result<Vec<T>, DrawError>);

/// The memory the canvases of the chunks that run together may take, bytes.
const CHUNKS_MEMORY: usize = 96 << 20;

/// How many frames (after the first) the plan's pass samples for the colours they change, spread
/// evenly, in an animation of more steps than this: what the GIF palette's order is decided
/// from before any frame is drawn, so that every frame is compressed as soon as it is drawn. A
/// shorter animation is not sampled (sampling composes a frame twice more): the GIF keeps its
/// frames quantized and reads the order off all of them (see [`crate::pipeline::GifFrames`]).
pub const SAMPLED_FRAMES: usize = 256;

/// Whether an animation of `steps` steps is sampled ahead (see [`SAMPLED_FRAMES`]).
pub fn sampled_ahead(steps: usize) -> bool {
    steps > SAMPLED_FRAMES
}

/// Whether the pass samples `step` (from 1) of `steps`.
fn sampled(step: usize, steps: usize) -> bool {
    if !sampled_ahead(steps) {
        return false;
    }
    // Sample k is step 1 + ⌊k·steps/n⌋ for k < n: step s is one when some k lands on it.
    let n = SAMPLED_FRAMES;
    let k = ((step - 1) * n).div_ceil(steps);
    k < n && 1 + k * steps / n == step
}

impl<'p> Plan<'p> {
    pub fn new(picture: &'p Picture) -> Result<(Self, Keyframes), DrawError> {
        let prepared = Prepared::new(picture)?;
        let frames = picture.steps + 1;
        let chunk = chunk_len(frames);
        let mut trail = copy_of(&prepared.background, None);
        let mut touched = Touched::new(picture.width, picture.height);
        let mut starts: Vec<(usize, Option<Snapshot>)> = vec![(0, None)];
        let mut samples = Vec::new();
        for step in 1..frames {
            if step % chunk == 0 {
                starts.push((step, Some(touched.snapshot(&trail))));
            }
            // A sampled frame keeps its rectangles of the trail before and after its segments
            // (composing them is left for when the palette is made).
            let sample = sampled(step, picture.steps).then(|| {
                let (before, now) = (prepared.marks(step - 1), prepared.marks(step));
                (prepared.dirty_rects(step, &before, &now), before, now)
            });
            let rects = sample.as_ref().map(|(rects, _, _)| rects.clone());
            let patch = |trail: &Pixmap, r: &IRect| {
                IntRect::from_xywh(r.x0, r.y0, r.width(), r.height())
                    .and_then(|ir| trail.clone_rect(ir))
            };
            let before: Vec<Option<Pixmap>> =
                rects.iter().flatten().map(|r| patch(&trail, r)).collect();
            for r in prepared.paint_segments(&mut trail, step) {
                touched.mark(r);
            }
            if let Some((rects, before_marks, now)) = sample {
                let patches = rects
                    .into_iter()
                    .zip(before)
                    .filter_map(|(r, b)| Some((r, b?, patch(&trail, &r)?)))
                    .collect();
                samples.push(Sample {
                    patches,
                    before: before_marks,
                    now,
                });
            }
        }
        let mut last = trail;
        prepared.finish(&mut last, picture.steps, &mut GlyphCache::default());
        let background = Arc::clone(&prepared.background);
        Ok((
            Plan {
                prepared,
                chunk,
                starts,
                samples,
            },
            Keyframes { background, last },
        ))
    }

    /// The colours of the pixels each sampled frame changes, with how many pixels of each (see
    /// [`SAMPLED_FRAMES`]: none for an animation that is not sampled ahead), in step order; the
    /// samples composed in parallel.
    /// (The samples are used up.)
    pub fn changed_colours(&mut self) -> Vec<Vec<([u8; 3], u32)>> {
        let prepared = &self.prepared;
        std::mem::take(&mut self.samples)
            .into_par_iter()
            .map_init(GlyphCache::default, |glyphs, sample| {
                prepared.sample_colours(sample, glyphs)
            })
            .collect()
    }

    /// The colours frame 0 draws over the background, with how many pixels of each.
    pub fn first_colours(&self) -> Vec<([u8; 3], u32)> {
        self.prepared.first_colours()
    }

    /// Animates every chunk, passing each frame's patch (with its frame index) through `map`,
    /// with a state from `init` per thread of work, as soon as it is made; the results are in
    /// frame order.
    ///
    /// The calling thread takes the chunks from the first on, each carrying on from the one
    /// before it: its trail and frame already hold the step before, so nothing is restored or
    /// composed whole. Helpers, queued for threads that are idle, take chunks from the last
    /// one back, each started from its snapshot. A chunk no thread was free for costs only its
    /// frames: quad60's second chunk started from its snapshot took 0.3–2.3 ms more. At most
    /// as many chunks run at once as their canvases fit in `CHUNKS_MEMORY` (at least one).
    /// Who makes a frame changes nothing in it.
    pub fn run<S, T, I, F>(self, init: I, map: F) -> Result<Vec<T>, DrawError>
    where
        T: Send,
        I: Fn() -> S + Sync,
        F: Fn(&mut S, usize, &FramePatch) -> T + Sync,
    {
        let len = self.chunk;
        let prepared = &self.prepared;
        let frames = prepared.picture.steps + 1;
        let count = self.starts.len();
        let canvas = 4 * prepared.picture.width as usize * prepared.picture.height as usize;
        let together = (CHUNKS_MEMORY / (2 * canvas)).max(1);
        let helpers = (count.min(together).min(rayon::current_num_threads())).saturating_sub(1);
        // The snapshots, each taken by whoever starts its chunk from it; the chunks not
        // claimed yet, [front, back); each chunk's frames, by chunk.
        let snapshots: Vec<std::sync::Mutex<Option<Snapshot>>> = self
            .starts
            .into_iter()
            .map(|(_, snapshot)| std::sync::Mutex::new(snapshot))
            .collect();
        let unclaimed = std::sync::Mutex::new((0usize, count));
        let done: std::sync::Mutex<Vec<ChunkFrames<T>>> =
            std::sync::Mutex::new(Vec::with_capacity(count));
        // Canvases of helpers' chunks that are done, for the next chunk a helper starts.
        let spare: std::sync::Mutex<Vec<Pixmap>> = std::sync::Mutex::default();
        let claim = |from_front: bool| {
            let mut range = crate::sync::lock(&unclaimed);
            if range.0 >= range.1 {
                return None;
            }
            Some(if from_front {
                range.0 += 1;
                range.0 - 1
            } else {
                range.1 -= 1;
                range.1
            })
        };
        let snapshot_of = |k: usize| crate::sync::lock(&snapshots[k]).take();
        let take = || crate::sync::lock(&spare).pop();
        // The frames of chunk `k` from `animator`, which holds the step before its first.
        let frames_of = |animator: &mut Animator, state: &mut S, k: usize| {
            let first = k * len;
            let end = (first + len).min(frames);
            let mut out = Vec::with_capacity(end - first);
            for index in first..end {
                let Some(patch) = animator.next_frame()? else {
                    break;
                };
                out.push(map(state, index, &patch));
                animator.done();
            }
            Ok(out)
        };
        let start = |k: usize, spare: &dyn Fn() -> Option<Pixmap>| {
            let first = k * len;
            let trail = match snapshot_of(k) {
                Some(s) => s.restore(&prepared.background, spare()),
                None => copy_of(&prepared.background, spare()),
            };
            Animator::new(prepared, trail, first, spare())
        };
        let record = |k: usize, result: Result<Vec<T>, DrawError>| {
            crate::sync::lock(&done).push((k, result));
        };
        rayon::scope(|scope| {
            for _ in 0..helpers {
                scope.spawn(|_| {
                    let mut state = init();
                    while let Some(k) = claim(false) {
                        let mut animator = start(k, &take);
                        let result = frames_of(&mut animator, &mut state, k);
                        record(k, result);
                        // Kept only while there are chunks left to start.
                        let left = {
                            let range = crate::sync::lock(&unclaimed);
                            range.1 - range.0
                        };
                        let mut spare = crate::sync::lock(&spare);
                        if spare.len() < 2 * left {
                            spare.extend([animator.trail, animator.displayed]);
                        }
                    }
                });
            }
            let mut state = init();
            let mut carried: Option<(usize, Animator)> = None;
            while let Some(k) = claim(true) {
                let mut animator = match carried.take() {
                    Some((last, animator)) if last + 1 == k => animator,
                    _ => start(k, &|| None),
                };
                let result = frames_of(&mut animator, &mut state, k);
                let failed = result.is_err();
                record(k, result);
                if !failed {
                    carried = Some((k, animator));
                }
            }
            // Its canvases go before the helpers are waited for.
            drop(carried);
        });
        let mut chunks = done.into_inner().unwrap_or_else(|e| e.into_inner());
        chunks.sort_by_key(|(k, _)| *k);
        let mut out = Vec::with_capacity(frames);
        for (_, chunk) in chunks {
            out.extend(chunk?);
        }
        Ok(out)
    }
}

/// The animation: every frame's changed rectangle in order, and the last frame's full canvas.
pub struct Frames {
    pub rects: Vec<IRect>,
    pub last: Pixmap,
}

/// Every frame of the animation (chunks in parallel), with the last frame's full canvas.
pub fn all_frames(picture: &Picture) -> Result<Frames, DrawError> {
    let (plan, keyframes) = Plan::new(picture)?;
    let rects = plan.run(|| (), |_, _, p| p.rect)?;
    Ok(Frames {
        rects,
        last: keyframes.last,
    })
}

/// The full canvas of the frame at `step` (clamped to the last step), composed directly.
pub fn still(picture: &Picture, step: usize) -> Result<Pixmap, DrawError> {
    let mut prepared = Prepared::new(picture)?;
    let step = step.min(picture.steps);
    // The background is this function's alone: painted on in place, not copied.
    let background = std::mem::replace(
        &mut prepared.background,
        Arc::new(Pixmap::new(1, 1).ok_or_else(|| DrawError("no canvas".into()))?),
    );
    let mut frame = Arc::try_unwrap(background).unwrap_or_else(|shared| (*shared).clone());
    for s in 1..=step {
        prepared.paint_segments(&mut frame, s);
    }
    prepared.finish(&mut frame, step, &mut GlyphCache::default());
    Ok(frame)
}

/// Every frame composed incrementally, one after another from step 0, as full canvases (for
/// tests that compare them with stills).
pub fn sequential_frames(picture: &Picture) -> Result<Vec<Pixmap>, DrawError> {
    let prepared = Prepared::new(picture)?;
    let mut a = Animator::new(&prepared, (*prepared.background).clone(), 0, None);
    let mut out = Vec::new();
    while a.next_frame()?.is_some() {
        a.done();
        out.push(a.displayed.clone());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {

    /// A row's marks read 64 at a time are the marks read one at a time, at any offset.
    #[test]
    fn row_marks_read_as_words_match_single_marks() {
        let mut marks = Marks::new(500);
        for i in (0..500).filter(|i| i % 3 == 0 || i % 7 == 1) {
            marks.set(i);
        }
        for start in [0, 1, 63, 64, 100, 130] {
            let row = RowMarks {
                marks: &marks,
                start,
            };
            for i in [0, 5, 63, 64, 200] {
                for n in [1, 7, 63, 64] {
                    if start + i + n > 500 {
                        continue;
                    }
                    let bits = row.bits(i, n);
                    for k in 0..64 {
                        let want = k < n && row.get(i + k);
                        assert_eq!(bits >> k & 1 == 1, want, "{start} {i} {n} {k}");
                    }
                }
            }
        }
    }

    /// Clearing a range a word at a time clears exactly the bits of the range, at word edges
    /// and inside one word alike.
    #[test]
    fn marks_clear_exactly_their_range() {
        let n = 300;
        for (start, end) in [
            (0, 0),
            (0, 300),
            (3, 4),
            (5, 64),
            (63, 65),
            (64, 128),
            (70, 250),
            (1, 299),
        ] {
            let mut marks = Marks::new(n);
            for i in 0..n {
                marks.set(i);
            }
            marks.clear(start..end);
            for i in 0..n {
                assert_eq!(
                    marks.get(i),
                    !(start..end).contains(&i),
                    "{start}..{end} at {i}"
                );
            }
        }
    }
    use super::*;

    /// The changed pixels and their counts are those a pixel-by-pixel comparison finds, in
    /// order, whether rows are the same, differ in places or the width leaves a short row.
    #[test]
    fn changed_pixels_are_found_row_by_row_as_pixel_by_pixel() {
        let (w, h) = (7usize, 5usize);
        let before: Vec<u8> = (0..w * h * 4).map(|k| (k * 37 % 251) as u8).collect();
        let mut after = before.clone();
        for k in [3usize, 4, 10, 11, 33] {
            after[4 * k] ^= 0x55;
        }
        after[4 * 20 + 3] ^= 1; // alpha alone: a changed pixel too
        let naive: Vec<[u8; 3]> = before
            .chunks_exact(4)
            .zip(after.chunks_exact(4))
            .filter(|(p, q)| p != q)
            .map(|(_, q)| [q[0], q[1], q[2]])
            .collect();
        assert_eq!(naive.len(), 6);
        for width in [w, 1, 3, 35] {
            let found: Vec<[u8; 3]> = changed_pixels(&before, &after, width).collect();
            assert_eq!(found, naive, "width {width}");
        }
        assert_eq!(changed_pixels(&before, &before, w).count(), 0);
        let colours = vec![
            [1, 1, 1],
            [2, 2, 2],
            [1, 1, 1],
            [1, 1, 1],
            [0, 9, 9],
            [2, 2, 2],
        ];
        assert_eq!(
            counted(colours),
            vec![([0, 9, 9], 1), ([1, 1, 1], 3), ([2, 2, 2], 2)]
        );
    }

    #[test]
    fn chunks_depend_on_the_frame_count_only() {
        assert_eq!(chunk_len(61), 32);
        assert_eq!(chunk_len(201), 32);
        assert_eq!(chunk_len(10_001), 1251);
    }

    #[test]
    fn long_animations_are_sampled_evenly_and_short_ones_not_at_all() {
        for steps in [1, 2, 60, 255, 256] {
            assert!(!sampled_ahead(steps));
            assert!((1..=steps).all(|s| !sampled(s, steps)), "{steps} steps");
        }
        for steps in [257, 300, 1000, 10_000] {
            assert!(sampled_ahead(steps));
            let picked: Vec<usize> = (1..=steps).filter(|&s| sampled(s, steps)).collect();
            assert_eq!(picked.len(), SAMPLED_FRAMES, "{steps} steps");
            assert_eq!(picked[0], 1);
            let widest = picked.windows(2).map(|w| w[1] - w[0]).max().unwrap();
            assert!(widest <= steps.div_ceil(SAMPLED_FRAMES), "{steps} steps");
        }
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
