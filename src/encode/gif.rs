//! Animated GIF encoding: one global palette, changed-rectangle frames with transparency, and LZW
//! compression of all frames in parallel.
//!
//! Each [`FramePatch`] from the animator becomes a GIF frame covering only its changed rectangle;
//! pixels that did not change may be written as the transparent index (disposal "keep", so the
//! previous frame shows through) or as their own colour, whichever compresses better
//! ([`super::lzw`]). Quantizing and
//! compressing a frame depends on that frame alone, so frames are processed with rayon and
//! written in order: the bytes are the same for any thread count.

use gif::{DisposalMethod, Encoder, Frame, Repeat};
use rayon::prelude::*;

use super::lzw::{self, Pixel};
use super::palette::{NearestCache, Palette};
use crate::render::animate::FramePatch;

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

/// An encoding failure from the gif crate.
#[derive(Debug)]
pub struct GifError(pub String);

impl std::fmt::Display for GifError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GIF encoding failed: {}", self.0)
    }
}

impl std::error::Error for GifError {}

/// Marks an unchanged pixel before remapping (never a palette index: palettes hold at most 255).
const UNCHANGED: u8 = 255;

/// Encodes the patches as a looping GIF of `width × height` with the given palette and delays.
///
/// The global colour table is reordered before writing: the transparent entry first, then the
/// colours by how often frames after the first use them. LZW codes start one bit wider than the
/// largest index a frame uses, so a frame that only draws path, marker and counter colours (a
/// few dozen entries) is written with 7- or 6-bit codes instead of 9-bit ones.
pub fn encode(
    width: u32,
    height: u32,
    patches: &[FramePatch],
    palette: &Palette,
    delays: &[u16],
) -> Result<Vec<u8>, GifError> {
    // Quantize every frame (in parallel; a frame's indices depend on that frame alone).
    // Unchanged pixels are not quantized: they are written transparent.
    let indexed: Vec<Vec<u8>> = patches
        .par_iter()
        .map_init(NearestCache::default, |cache, patch| {
            patch
                .rgba
                .chunks_exact(4)
                .zip(&patch.changed)
                .map(|(px, &changed)| {
                    if changed {
                        cache.index(palette, [px[0], px[1], px[2]])
                    } else {
                        UNCHANGED
                    }
                })
                .collect()
        })
        .collect();
    // How often each colour is drawn after the first frame.
    let mut usage = vec![0u64; palette.colours().len()];
    for (patch, indices) in patches.iter().zip(&indexed).skip(1) {
        for (&i, &changed) in indices.iter().zip(&patch.changed) {
            if changed {
                usage[usize::from(i)] += 1;
            }
        }
    }
    let mut order: Vec<usize> = (0..usage.len()).collect();
    order.sort_by(|&a, &b| usage[b].cmp(&usage[a]).then(a.cmp(&b)));
    let mut remap = vec![0u8; 256];
    for (new, &old) in order.iter().enumerate() {
        remap[old] = (new + 1) as u8;
    }
    let mut table = vec![0u8, 0, 0];
    for &old in &order {
        table.extend_from_slice(&palette.colours()[old]);
    }
    const TRANSPARENT: u8 = 0;
    let frames: Vec<Frame<'static>> = patches
        .par_iter()
        .zip(indexed.par_iter())
        .zip(delays.par_iter())
        .enumerate()
        .map(|(i, ((patch, indices), &delay))| {
            let pixels: Vec<Pixel> = indices
                .iter()
                .zip(&patch.changed)
                .map(|(&index, &changed)| Pixel {
                    index: if changed {
                        remap[usize::from(index)]
                    } else {
                        TRANSPARENT
                    },
                    dont_care: !changed,
                })
                .collect();
            let mut frame = Frame {
                width: patch.rect.width() as u16,
                height: patch.rect.height() as u16,
                left: patch.rect.x0 as u16,
                top: patch.rect.y0 as u16,
                delay,
                dispose: DisposalMethod::Keep,
                transparent: (i > 0).then_some(TRANSPARENT),
                ..Frame::default()
            };
            frame.buffer = lzw::encode(&pixels, TRANSPARENT).into();
            frame
        })
        .collect();
    let err = |e: gif::EncodingError| GifError(e.to_string());
    let mut encoder = Encoder::new(Vec::new(), width as u16, height as u16, &table).map_err(err)?;
    encoder.set_repeat(Repeat::Infinite).map_err(err)?;
    for frame in &frames {
        encoder.write_lzw_pre_encoded_frame(frame).map_err(err)?;
    }
    encoder.into_inner().map_err(err)
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
