//! PNG encoding of full frames (the static figure, charts, `--frame` stills, the folder of
//! frames) and of the images a picture embeds: 8-bit RGB through the `image` crate's encoder.
//!
//! Every row has filter type None and the stream is deflate level 6, on flate2's zlib-rs
//! backend (`Cargo.toml` selects it for the encoder's flate2), chosen by measurement on the
//! shipped figures and charts (bytes) and on a whole 61-frame 640 × 480 render (instructions
//! counted by callgrind):
//!
//! | deflate | filter | shipped PNGs | instructions |
//! |---|---|---|---|
//! | zlib-rs 6 | None | 2.24 MB | 373 M |
//! | zlib-rs 4 | None | 2.38 MB | 345 M |
//! | zlib-rs 9 | None | 1.94 MB | 626 M |
//! | zlib-rs 6 | Up / adaptive | 2.74 / 2.73 MB | 382 / 391 M |
//! | miniz_oxide 3 (flate2's default) | None | 2.16 MB | |
//!
//! flate2's miniz_oxide backend zero-fills its 32 KB output buffer for every row the encoder
//! writes. Against it at level 3, `cargo bench` (in-process medians) measures the figure's PNG
//! at 5.2 against 6.3 ms at 640 × 480, 12.8 against 19.4 ms at 1280 × 960 and 50 against
//! 126 ms at 3840 × 2160. None beats the filters because these pictures repeat whole pixels
//! (flat bands, the same glyph edges), which the matcher finds unfiltered and filters break up.

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use tiny_skia::Pixmap;

/// A PNG that cannot be made (an empty or oversized image, or a compressor defect).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PngError(String);

/// The deflate level (see the module header).
const LEVEL: u8 = 6;

/// Encodes row-major 8-bit RGB as a PNG.
pub fn encode_rgb(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, PngError> {
    if width == 0 || height == 0 {
        return Err(PngError(format!("cannot encode a {width}×{height} image")));
    }
    // The encoder asserts the length: checked here, so a wrong one is an error, not a panic.
    if rgb.len() as u64 != 3 * u64::from(width) * u64::from(height) {
        return Err(PngError(format!(
            "{} bytes for a {width}×{height} RGB image",
            rgb.len()
        )));
    }
    let mut out = Vec::new();
    PngEncoder::new_with_quality(
        &mut out,
        CompressionType::Level(LEVEL),
        FilterType::NoFilter,
    )
    .write_image(rgb, width, height, ExtendedColorType::Rgb8)
    .map_err(|e| PngError(e.to_string()))?;
    Ok(out)
}

/// Encodes an opaque pixmap as an 8-bit RGB PNG (its RGB copied out first; see
/// [`encode_owned`] for a canvas no longer needed).
pub fn encode(pixmap: &Pixmap) -> Result<Vec<u8>, PngError> {
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    encode_rgb(&rgb, pixmap.width(), pixmap.height())
}

/// Encodes an opaque pixmap that is used up, its pixels packed to RGB in place, so a large
/// canvas is not held a second time while it is compressed.
pub fn encode_owned(pixmap: Pixmap) -> Result<Vec<u8>, PngError> {
    let (width, height) = (pixmap.width(), pixmap.height());
    let mut data = pixmap.take();
    let pixels = data.len() / 4;
    for k in 0..pixels {
        data.copy_within(4 * k..4 * k + 3, 3 * k);
    }
    data.truncate(3 * pixels);
    encode_rgb(&data, width, height)
}

/// Encodes a picture's image (for the SVG writer, which embeds images as PNG). The image is a
/// valid RGB buffer by construction, so encoding into memory cannot fail but for a defect.
pub fn encode_image(image: &crate::picture::Image) -> Vec<u8> {
    encode_rgb(&image.rgb, image.width, image.height).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the `image` crate decodes is what was encoded, for pixmaps and RGB images of odd
    /// sizes; a pixmap used up encodes to the same bytes; a buffer of the wrong length is refused.
    #[test]
    fn pngs_decode_to_their_pixels() {
        for (w, h) in [(1, 1), (7, 3), (300, 201)] {
            let mut p = Pixmap::new(w, h).unwrap();
            for (k, px) in p.data_mut().chunks_exact_mut(4).enumerate() {
                let k = k as u32;
                px.copy_from_slice(&[
                    (k * 7 % 256) as u8,
                    (k / 3 % 256) as u8,
                    (k % 5 * 50) as u8,
                    255,
                ]);
            }
            let png = encode(&p).unwrap();
            let decoded = image::load_from_memory(&png).unwrap().to_rgb8();
            assert_eq!(decoded.dimensions(), (w, h));
            let want: Vec<u8> = p
                .data()
                .chunks_exact(4)
                .flat_map(|c| [c[0], c[1], c[2]])
                .collect();
            assert_eq!(decoded.as_raw(), &want);
            assert_eq!(encode_rgb(&want, w, h).unwrap(), png);
            assert_eq!(encode_owned(p).unwrap(), png);
        }
        assert!(encode_rgb(&[0; 5], 2, 1).is_err());
    }
}
