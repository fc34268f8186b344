//! Animated GIF encoding: one global palette, changed-rectangle frames with transparency, and LZW
//! compression of all frames in parallel.
//!
//! Each [`FramePatch`] from the animator becomes a GIF frame covering only its changed rectangle;
//! pixels that did not change are written as the transparent index (disposal "keep", so the
//! previous frame shows through), which LZW compresses to almost nothing. Quantizing and
//! compressing a frame depends on that frame alone, so frames are processed with rayon and
//! written in order: the bytes are the same for any thread count.

use gif::{DisposalMethod, Encoder, Frame, Repeat};
use rayon::prelude::*;

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

/// Encodes the patches as a looping GIF of `width × height` with the given palette and delays.
pub fn encode(
    width: u32,
    height: u32,
    patches: &[FramePatch],
    palette: &Palette,
    delays: &[u16],
) -> Result<Vec<u8>, GifError> {
    let transparent = palette.transparent_index();
    let frames: Vec<Frame<'static>> = patches
        .par_iter()
        .zip(delays.par_iter())
        .enumerate()
        .map_init(NearestCache::default, |cache, (i, (patch, &delay))| {
            let indices: Vec<u8> = patch
                .rgba
                .chunks_exact(4)
                .zip(&patch.changed)
                .map(|(px, &changed)| {
                    if changed {
                        cache.index(palette, [px[0], px[1], px[2]])
                    } else {
                        transparent
                    }
                })
                .collect();
            let mut frame = Frame::from_indexed_pixels(
                patch.rect.width() as u16,
                patch.rect.height() as u16,
                indices,
                (i > 0).then_some(transparent),
            );
            frame.left = patch.rect.x0 as u16;
            frame.top = patch.rect.y0 as u16;
            frame.delay = delay;
            frame.dispose = DisposalMethod::Keep;
            frame.make_lzw_pre_encoded();
            frame
        })
        .collect();
    let err = |e: gif::EncodingError| GifError(e.to_string());
    let mut encoder =
        Encoder::new(Vec::new(), width as u16, height as u16, &palette.table()).map_err(err)?;
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
