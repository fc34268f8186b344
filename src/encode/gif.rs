//! Animated GIF encoding: one global palette, changed-rectangle frames with transparency, and
//! frames compressed in parallel as soon as they are drawn.
//!
//! A [`GifEncoder`] holds the palette (see [`super::palette`]), known before the first frame.
//! Each [`FramePatch`] is quantized on whichever thread drew it, as soon as it is drawn
//! ([`GifEncoder::quantize`]); unchanged pixels are not looked up. [`GifEncoder::encode`] then
//! orders the palette and compresses all frames in parallel: unchanged pixels may be written as
//! the transparent index (disposal "keep", so the previous frame shows through) or as their own
//! colour, whichever compresses better ([`super::lzw`]). A frame's bytes depend on that frame
//! alone and frames are written in order, so the file is the same for any thread count.
//!
//! The palette's order matters for size: LZW codes start one bit wider than the largest index a
//! frame uses, so the transparent entry comes first and then the colours that most frames draw
//! (paths, heads, counter). A frame that only draws those is written with 6- or 7-bit codes
//! instead of 9-bit ones.

use gif::{DisposalMethod, Encoder, Frame, Repeat};
use rayon::prelude::*;

use super::lzw::{self, Pixel};
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

/// Marks an unchanged pixel in an [`IndexedFrame`] (never a palette index: palettes hold at most
/// 255 colours).
const UNCHANGED: u8 = 255;

/// A frame's changed rectangle in palette indices, `UNCHANGED` where the pixel did not change.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedFrame {
    pub rect: IRect,
    pub indices: Vec<u8>,
}

/// Encodes one animation with one global palette.
pub struct GifEncoder {
    width: u16,
    height: u16,
    palette: Palette,
}

impl GifEncoder {
    pub fn new(width: u32, height: u32, palette: Palette) -> Self {
        GifEncoder {
            width: width as u16,
            height: height as u16,
            palette,
        }
    }

    /// Quantizes a frame's changed pixels (unchanged ones are not looked up). `cache` is a
    /// per-thread memo of colour look-ups.
    pub fn quantize(&self, patch: &FramePatch, cache: &mut NearestCache) -> IndexedFrame {
        let indices = patch
            .rgba
            .chunks_exact(4)
            .zip(&patch.changed)
            .map(|(px, &changed)| {
                if changed {
                    cache.index(&self.palette, [px[0], px[1], px[2]])
                } else {
                    UNCHANGED
                }
            })
            .collect();
        IndexedFrame {
            rect: patch.rect,
            indices,
        }
    }

    /// The palette order: colours used by more frames after the first come first (then by
    /// pixel count, then by palette index), after the transparent entry. Returns palette index →
    /// GIF index, and the global colour table in GIF order.
    fn order(&self, frames: &[IndexedFrame]) -> (Vec<u8>, Vec<u8>) {
        let n = self.palette.colours().len();
        let mut in_frames = vec![0u64; n];
        let mut pixels = vec![0u64; n];
        let mut seen = vec![false; 256];
        for frame in frames.iter().skip(1) {
            seen.fill(false);
            for &i in &frame.indices {
                if i != UNCHANGED {
                    pixels[usize::from(i)] += 1;
                    seen[usize::from(i)] = true;
                }
            }
            for (c, &s) in in_frames.iter_mut().zip(&seen) {
                *c += u64::from(s);
            }
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            (in_frames[b], pixels[b])
                .cmp(&(in_frames[a], pixels[a]))
                .then(a.cmp(&b))
        });
        let mut remap = vec![TRANSPARENT; 256];
        let mut table = vec![0u8, 0, 0];
        for (new, &old) in order.iter().enumerate() {
            remap[old] = (new + 1) as u8;
            table.extend_from_slice(&self.palette.colours()[old]);
        }
        (remap, table)
    }

    /// Orders the palette, compresses the frames in parallel, and writes the file: header,
    /// global colour table, infinite loop, the frames in order with their delays (hundredths of
    /// a second).
    pub fn encode(&self, frames: &[IndexedFrame], delays: &[u16]) -> Result<Vec<u8>, GifError> {
        let (remap, table) = self.order(frames);
        let encoded: Vec<Frame<'static>> = frames
            .par_iter()
            .zip(delays.par_iter())
            .enumerate()
            .map(|(i, (f, &delay))| {
                let pixels: Vec<Pixel> = f
                    .indices
                    .iter()
                    .map(|&index| Pixel {
                        index: remap[usize::from(index)],
                        dont_care: index == UNCHANGED,
                    })
                    .collect();
                let mut frame = Frame {
                    width: f.rect.width() as u16,
                    height: f.rect.height() as u16,
                    left: f.rect.x0 as u16,
                    top: f.rect.y0 as u16,
                    delay,
                    dispose: DisposalMethod::Keep,
                    transparent: (i > 0).then_some(TRANSPARENT),
                    ..Frame::default()
                };
                frame.buffer = lzw::encode(&pixels, TRANSPARENT).into();
                frame
            })
            .collect();
        let err = GifError;
        let size: usize = encoded.iter().map(|f| f.buffer.len() + 32).sum();
        let mut encoder = Encoder::new(
            Vec::with_capacity(size + 1024),
            self.width,
            self.height,
            &table,
        )
        .map_err(err)?;
        encoder.set_repeat(Repeat::Infinite).map_err(err)?;
        for frame in &encoded {
            encoder.write_lzw_pre_encoded_frame(frame).map_err(err)?;
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
}
