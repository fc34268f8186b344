//! Animated GIF encoding: one global palette, changed-rectangle frames with transparency, and
//! each frame quantized on the thread that drew it, as soon as it is drawn.
//!
//! A [`GifEncoder`] holds the palette (see [`super::palette`]), fixed before the first frame,
//! in its GIF order. Each [`FramePatch`] is quantized ([`GifEncoder::quantize`]; unchanged
//! pixels are not looked up and are written as the transparent index, disposal "keep", so the
//! previous frame shows through) and LZW-compressed ([`GifEncoder::compress`]). When the order
//! is known before the first frame, both happen at once ([`GifEncoder::frame`]) and what is
//! kept of a frame until the file is assembled ([`GifEncoder::assemble`]) is its compressed
//! bytes, so memory does not grow with the frames' pixels. Otherwise a frame is kept quantized,
//! one byte per pixel of its rectangle, until every frame has told how much it draws of each
//! colour ([`Usage`]); the encoder is then [`reordered`](GifEncoder::reordered) and the frames
//! compressed. A frame's bytes depend on that frame and the order alone, and frames are written
//! in order, so the file is the same for any thread count.
//!
//! The palette's order matters for size: LZW codes start one bit wider than the largest index a
//! frame uses, so the transparent entry comes first and then the colours the frames draw most
//! (paths, heads, counter, and the bands around them: see [`crate::pipeline::GifFrames`]). A
//! frame that only draws those is written with 6- or 7-bit codes instead of 9-bit ones.

use gif::{DisposalMethod, Encoder, Frame, Repeat};

use super::lzw;
use super::palette::{NearestCache, Palette};
use crate::picture::frames::FramePatch;
use crate::picture::IRect;

/// GIF delays are whole hundredths of a second. Rounding each frame's delay alone turns 15 fps
/// (6.67 cs) into 7 cs (14.3 fps) or 6 cs (16.7 fps); instead frame i lasts
/// round((i + 1)·100/fps) − round(i·100/fps), so the running total never drifts more than half a
/// hundredth from the true clock and the average rate is exactly `fps`. The last frame also
/// holds for `hold` seconds before the loop restarts.
pub fn frame_delays(frames: usize, fps: f64, hold: f64) -> Vec<u16> {
    let at = |i: usize| (i as f64 * 100.0 / fps).round() as i64;
    let mut delays: Vec<u16> = (0..frames)
        .map(|i| (at(i + 1) - at(i)).clamp(1, i64::from(u16::MAX)) as u16)
        .collect();
    if let Some(last) = delays.last_mut() {
        *last = last.saturating_add((hold * 100.0).round() as u16);
    }
    delays
}

/// An encoding failure from the gif crate, which stays reachable as the error's source.
#[derive(Debug, thiserror::Error)]
#[error("GIF encoding failed: {0}")]
pub struct GifError(#[from] pub gif::EncodingError);

/// The index written for "unchanged: let the previous frame show through".
const TRANSPARENT: u8 = 0;

/// One frame, compressed: where it goes, its LZW data, and whether it has a transparent index
/// (every frame but the first).
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedFrame {
    pub rect: IRect,
    lzw: Vec<u8>,
    transparent: bool,
}

/// One frame quantized to the palette but not yet compressed: what is kept of a frame while the
/// palette's order is not known (see [`GifEncoder::reordered`]). One byte per pixel of its
/// rectangle, kept in a [`FrameStore`]'s chunk.
#[derive(Debug, Clone)]
pub struct QuantizedFrame {
    pub rect: IRect,
    /// Each pixel's palette index + 1, row-major; 0 where the pixel did not change.
    indices: Kept,
    first: bool,
    /// The palette indices the changed pixels draw, with how many pixels of each, in index
    /// order: counted while quantizing.
    drawn: Vec<(u8, u64)>,
}

impl QuantizedFrame {
    /// The palette indices the frame draws, with how many pixels of each, in index order (none
    /// for the first frame of the animation, which [`Usage`] leaves out).
    pub fn drawn(&self) -> &[(u8, u64)] {
        if self.first {
            return &[];
        }
        &self.drawn
    }
}

/// A block of quantized frames' bytes: written by the [`FrameStore`] that made it, read by the
/// frames kept in it once they are compressed.
type Chunk = std::sync::Arc<std::sync::RwLock<Vec<u8>>>;

/// Bytes kept in a [`FrameStore`]: `range` of `chunk`.
#[derive(Debug, Clone)]
pub struct Kept {
    chunk: Chunk,
    range: std::ops::Range<usize>,
}

impl Kept {
    /// Calls `f` with the bytes.
    pub fn with<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        let chunk = crate::sync::read(&self.chunk);
        f(&chunk[self.range.clone()])
    }
}

/// Where one thread keeps the frames it quantizes: chunks of [`FrameStore::CHUNK`] bytes or
/// more, each frame's bytes appended to the chunk being filled while it has room. A short
/// animation keeps every frame quantized until the last is drawn, and a buffer of its own for
/// each frame was new memory each time, paged in 4 KiB at a time: 10,000 page faults, most of
/// those of `render scenes/`. A chunk is one allocation the size of a huge page (see
/// [`crate::memory`]), paged in at once.
#[derive(Debug, Default)]
pub struct FrameStore {
    chunk: Chunk,
}

impl FrameStore {
    /// The size of a chunk, bytes: what [`crate::memory`] maps on huge pages.
    pub const CHUNK: usize = crate::memory::LARGE_UNZEROED;

    /// Keeps the `len` bytes `fill` appends to the vector it is given (more or fewer are kept
    /// too, but the next chunk may then start early), with what `fill` returns.
    pub fn keep<R>(&mut self, len: usize, fill: impl FnOnce(&mut Vec<u8>) -> R) -> (Kept, R) {
        let mut bytes = crate::sync::write(&self.chunk);
        if bytes.capacity() - bytes.len() < len {
            drop(bytes);
            self.chunk = Chunk::new(std::sync::RwLock::new(Vec::with_capacity(
                len.max(Self::CHUNK),
            )));
            bytes = crate::sync::write(&self.chunk);
        }
        let start = bytes.len();
        let made = fill(&mut bytes);
        let range = start..bytes.len();
        drop(bytes);
        let kept = Kept {
            chunk: self.chunk.clone(),
            range,
        };
        (kept, made)
    }
}

/// The palette look-up of one frame's changed pixels: the last colour's index is reused along
/// a run of it (frames are opaque, so a pixel's four bytes name its colour), and how many
/// pixels each index drew is counted a run at a time.
struct Lookup<'a> {
    palette: &'a Palette,
    cache: &'a mut NearestCache,
    /// The last pixel's four bytes and its index + 1, and how many pixels in a row had them.
    last: Option<(u32, u8)>,
    run: u64,
    counts: [u64; 256],
}

impl Lookup<'_> {
    fn index(&mut self, px: &[u8]) -> u8 {
        let word = u32::from_le_bytes([px[0], px[1], px[2], px[3]]);
        match self.last {
            Some((w, i)) if w == word => {
                self.run += 1;
                i
            }
            _ => {
                self.flush();
                let i = self.cache.index(self.palette, [px[0], px[1], px[2]]) + 1;
                self.last = Some((word, i));
                self.run = 1;
                i
            }
        }
    }

    /// Appends the indices of every pixel of `rgba`, a run of one colour at a time: looked up
    /// once, its length found sixteen bytes at a time (a frame composed whole is mostly flat
    /// bands).
    fn runs(&mut self, rgba: &[u8], indices: &mut Vec<u8>) {
        let n = rgba.len() / 4;
        let mut k = 0;
        while k < n {
            let px = &rgba[4 * k..4 * k + 4];
            let i = self.index(px);
            let mut pattern = [0u8; 16];
            for quarter in pattern.chunks_exact_mut(4) {
                quarter.copy_from_slice(px);
            }
            let mut end = k + 1;
            while end + 4 <= n && rgba[4 * end..4 * end + 16] == pattern {
                end += 4;
            }
            while end < n && rgba[4 * end..4 * end + 4] == *px {
                end += 1;
            }
            // The first pixel was counted by `index`, the rest of the run here.
            self.run += (end - k - 1) as u64;
            indices.extend(std::iter::repeat_n(i, end - k));
            k = end;
        }
    }

    fn flush(&mut self) {
        if let Some((_, i)) = self.last {
            self.counts[usize::from(i)] += self.run;
        }
    }

    /// The indices drawn (index + 1 taken back to the index), with their counts.
    fn drawn(mut self) -> Vec<(u8, u64)> {
        self.flush();
        (1..256)
            .filter(|&i| self.counts[i] > 0)
            .map(|i| ((i - 1) as u8, self.counts[i]))
            .collect()
    }
}

/// How much each palette colour is drawn in the frames after the first, gathered frame by
/// frame: the order key of [`GifEncoder::new`].
#[derive(Debug, Clone, Default)]
pub struct Usage {
    frames_with: Vec<u64>,
    pixels: Vec<u64>,
}

impl Usage {
    /// Adds one frame (after the first): the palette indices it draws, with how many pixels of
    /// each (an index may come more than once).
    pub fn add_frame(&mut self, drawn: impl IntoIterator<Item = (u8, u64)>) {
        let mut seen = [false; 256];
        for (index, count) in drawn {
            let i = usize::from(index);
            if self.pixels.len() <= i {
                self.pixels.resize(i + 1, 0);
                self.frames_with.resize(i + 1, 0);
            }
            self.pixels[i] += count;
            if !seen[i] {
                seen[i] = true;
                self.frames_with[i] += 1;
            }
        }
    }

    /// The order key per palette index: in how many frames the colour appears, then in how
    /// many pixels.
    pub fn keys(&self) -> Vec<u64> {
        self.frames_with
            .iter()
            .zip(&self.pixels)
            .map(|(&f, &p)| (f << 40) | p.min((1 << 40) - 1))
            .collect()
    }
}

/// Encodes one animation with one global palette.
pub struct GifEncoder {
    width: u16,
    height: u16,
    palette: Palette,
    /// A quantized frame's byte (palette index + 1) → the index LZW writes (see
    /// [`lzw::Indexed`]; byte 0, "unchanged", is written transparent).
    symbols: [u8; 256],
    /// The global colour table in GIF order.
    table: Vec<u8>,
}

impl GifEncoder {
    /// An encoder for `width × height` frames with `palette`, ordered by `usage` (how much each
    /// palette colour is expected to be drawn in the frames after the first, see
    /// [`Usage::keys`]; missing entries count 0): most first, then by palette index, after the
    /// transparent entry.
    pub fn new(width: u32, height: u32, palette: Palette, usage: &[u64]) -> Self {
        let n = palette.colours().len();
        let weight = |i: usize| usage.get(i).copied().unwrap_or(0);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| weight(b).cmp(&weight(a)).then(a.cmp(&b)));
        let mut symbols = [TRANSPARENT; 256];
        let mut table = vec![0u8, 0, 0];
        for (new, &old) in order.iter().enumerate() {
            symbols[old + 1] = (new + 1) as u8;
            table.extend_from_slice(&palette.colours()[old]);
        }
        GifEncoder {
            width: width as u16,
            height: height as u16,
            palette,
            symbols,
            table,
        }
    }

    /// The same encoder with its palette ordered by `usage` instead (for frames quantized
    /// before the order was known: quantizing does not depend on it).
    pub fn reordered(self, usage: &[u64]) -> Self {
        GifEncoder::new(
            u32::from(self.width),
            u32::from(self.height),
            self.palette,
            usage,
        )
    }

    /// Quantizes and compresses one frame (see [`GifEncoder::quantize`]).
    pub fn frame(&self, patch: &FramePatch, cache: &mut NearestCache) -> EncodedFrame {
        let mut indices =
            Vec::with_capacity(patch.rect.width() as usize * patch.rect.height() as usize);
        let drawn = self.quantize_into(patch, cache, &mut indices);
        self.compress_indices(patch.rect, &indices, &drawn, patch.is_first())
    }

    /// Quantizes a frame's changed pixels to the palette (unchanged ones are not looked up:
    /// they will be written transparent), kept in `store`. `cache` is a per-thread memo of
    /// colour look-ups.
    pub fn quantize(
        &self,
        patch: &FramePatch,
        cache: &mut NearestCache,
        store: &mut FrameStore,
    ) -> QuantizedFrame {
        let len = patch.rect.width() as usize * patch.rect.height() as usize;
        let (indices, drawn) = store.keep(len, |bytes| self.quantize_into(patch, cache, bytes));
        QuantizedFrame {
            rect: patch.rect,
            indices,
            first: patch.is_first(),
            drawn,
        }
    }

    /// Appends the indices of a frame's pixels to `indices` (see [`QuantizedFrame`]); returns
    /// the palette indices it draws, with their counts.
    fn quantize_into(
        &self,
        patch: &FramePatch,
        cache: &mut NearestCache,
        indices: &mut Vec<u8>,
    ) -> Vec<(u8, u64)> {
        // Runs of one colour are common (flat bands): the last look-up is reused.
        let mut lookup = Lookup {
            palette: &self.palette,
            cache,
            last: None,
            run: 0,
            counts: [0; 256],
        };
        for (rgba, changed) in patch.rows() {
            match changed {
                None => lookup.runs(rgba, indices),
                Some(changed) => {
                    // 64 pixels at a time: the stretch up to the next changed pixel is pushed
                    // at once, and only the changed pixels of a word are looked up.
                    let n = rgba.len() / 4;
                    let mut i = 0;
                    while i < n {
                        let take = (n - i).min(64);
                        let bits = changed.bits(i, take);
                        if bits == 0 {
                            let mut end = i + take;
                            while end < n && changed.bits(end, (n - end).min(64)) == 0 {
                                end += (n - end).min(64);
                            }
                            indices.resize(indices.len() + (end - i), 0);
                            i = end;
                            continue;
                        }
                        let start = indices.len();
                        indices.resize(start + take, 0);
                        let out = &mut indices[start..];
                        let mut left = bits;
                        while left != 0 {
                            let k = left.trailing_zeros() as usize;
                            out[k] = lookup.index(&rgba[(i + k) * 4..(i + k) * 4 + 4]);
                            left &= left - 1;
                        }
                        i += take;
                    }
                }
            }
        }
        lookup.drawn()
    }

    /// Compresses a quantized frame in this encoder's palette order.
    pub fn compress(&self, frame: &QuantizedFrame) -> EncodedFrame {
        frame
            .indices
            .with(|indices| self.compress_indices(frame.rect, indices, &frame.drawn, frame.first))
    }

    /// Compresses the indices of the frame at `rect` that draws `drawn`.
    fn compress_indices(
        &self,
        rect: IRect,
        indices: &[u8],
        drawn: &[(u8, u64)],
        first: bool,
    ) -> EncodedFrame {
        // The indices written are those the frame draws (unchanged pixels are transparent).
        let max_index = drawn
            .iter()
            .map(|&(i, _)| self.symbols[usize::from(i) + 1])
            .fold(TRANSPARENT, u8::max);
        EncodedFrame {
            rect,
            lzw: lzw::encode_indexed(
                &lzw::Indexed {
                    bytes: indices,
                    symbols: &self.symbols,
                    transparent: TRANSPARENT,
                },
                max_index,
            ),
            transparent: !first,
        }
    }

    /// Writes the file: header, global colour table, infinite loop, the frames in order with
    /// their delays (hundredths of a second).
    pub fn assemble(&self, frames: Vec<EncodedFrame>, delays: &[u16]) -> Result<Vec<u8>, GifError> {
        let err = GifError;
        let size: usize = frames.iter().map(|f| f.lzw.len() + 32).sum();
        let mut encoder = Encoder::new(
            Vec::with_capacity(size + self.table.len() + 1024),
            self.width,
            self.height,
            &self.table,
        )
        .map_err(err)?;
        encoder.set_repeat(Repeat::Infinite).map_err(err)?;
        for (f, &delay) in frames.into_iter().zip(delays) {
            let frame = Frame {
                width: f.rect.width() as u16,
                height: f.rect.height() as u16,
                left: f.rect.x0 as u16,
                top: f.rect.y0 as u16,
                delay,
                dispose: DisposalMethod::Keep,
                transparent: f.transparent.then_some(TRANSPARENT),
                buffer: f.lzw.into(),
                ..Frame::default()
            };
            encoder.write_lzw_pre_encoded_frame(&frame).map_err(err)?;
        }
        encoder.into_inner().map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_average_to_the_frame_rate() {
        let d = frame_delays(61, 15.0, 0.0);
        assert_eq!(&d[..3], &[7, 6, 7]);
        let total: u32 = d.iter().map(|&x| u32::from(x)).sum();
        // 61 frames at 15 fps last 61/15 s = 406.67 cs.
        assert_eq!(total, 407);
        let d = frame_delays(10, 25.0, 1.5);
        assert_eq!(d[..9], [4; 9]);
        assert_eq!(d[9], 154);
    }

    /// Frames kept in a store read back as written, whether they share a chunk, start a new
    /// one when the last has no room, or are larger than a chunk; a chunk is not outgrown.
    #[test]
    fn kept_frames_read_back_across_chunks() {
        let mut store = FrameStore::default();
        let chunk = FrameStore::CHUNK;
        let sizes = [
            0,
            1,
            chunk / 3,
            chunk / 2,
            chunk / 2,
            2 * chunk + 5,
            7,
            chunk,
        ];
        let kept: Vec<(Kept, usize)> = sizes
            .iter()
            .enumerate()
            .map(|(k, &len)| {
                let (kept, made) = store.keep(len, |bytes| {
                    let before = bytes.capacity();
                    bytes.extend((0..len).map(|i| (i * 31 + k) as u8));
                    assert_eq!(bytes.capacity(), before, "frame {k} outgrew its chunk");
                    len
                });
                (kept, made)
            })
            .collect();
        for (k, (kept, len)) in kept.iter().enumerate() {
            kept.with(|bytes| {
                assert_eq!(bytes.len(), *len);
                assert!(bytes
                    .iter()
                    .enumerate()
                    .all(|(i, &b)| b == (i * 31 + k) as u8));
            });
        }
        // The first four share a chunk (a third and a half fit after nothing and one byte);
        // the second half does not fit and starts the next.
        let same = |a: usize, b: usize| std::sync::Arc::ptr_eq(&kept[a].0.chunk, &kept[b].0.chunk);
        assert!(same(1, 2) && same(2, 3) && !same(3, 4));
        assert!(!same(4, 5) && !same(5, 6));
    }
}
