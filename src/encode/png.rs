//! PNG encoding of full frames (the static figure, charts, `--frame` stills, the folder of
//! frames) and of the images a picture embeds: 8-bit RGB through the `image` crate's encoder.
//!
//! Every row has filter type None and the stream is deflate level 3, on flate2's zlib-rs
//! backend (`Cargo.toml` selects it for the encoder's flate2), chosen by measurement on the 60
//! shipped figures and charts: their bytes, and the time to encode all of them in one thread
//! (in-process, the mean of 3 passes, two sessions):
//!
//! | deflate (zlib-rs), filter None | shipped PNGs | time |
//! |---|---|---|
//! | level 6 | 2.24 MB | 186–243 ms |
//! | level 4 | 2.38 MB | 117–133 ms |
//! | level 3 | 2.44 MB | 95–97 ms |
//! | level 2 | 2.61 MB | 72–84 ms |
//! | level 1 | 3.17 MB | 44–52 ms |
//!
//! Level 3 is the knee: it takes 40–50 % of level 6's time for 9 % more bytes, where level 2
//! adds 7 % more bytes again and level 4 saves 2 % of them for 20–35 % more time. (Filters
//! only cost: `Up` or adaptive gave 2.73 MB at level 6, and the `png` crate's fast mode 7.7 MB
//! with `Up`, 4.8 MB adaptive.) None beats the filters because these pictures repeat whole
//! pixels (flat bands, the same glyph edges), which the matcher finds unfiltered and filters
//! break up. flate2's default miniz_oxide backend zero-fills its 32 KB output buffer for every
//! row the encoder writes: at its level 3 it took 6.3 ms for the 640 × 480 figure, where zlib-rs
//! took 5.2 ms at level 6.

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use tiny_skia::Pixmap;

/// A PNG that cannot be made (an empty or oversized image, or a compressor defect).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PngError(String);

/// The deflate level (see the module header).
const LEVEL: u8 = 3;

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
    // Four pixels at a time (16 bytes in, 12 out, which the compiler makes one shuffle), then
    // the rest one by one; the writes stay behind the reads.
    let groups = pixels / 4;
    for g in 0..groups {
        let mut px = [0u8; 16];
        px.copy_from_slice(&data[16 * g..16 * g + 16]);
        let rgb = [
            px[0], px[1], px[2], px[4], px[5], px[6], px[8], px[9], px[10], px[12], px[13], px[14],
        ];
        data[12 * g..12 * g + 12].copy_from_slice(&rgb);
    }
    for k in 4 * groups..pixels {
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
        for (w, h) in [(1, 1), (2, 2), (5, 3), (7, 3), (300, 201)] {
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
