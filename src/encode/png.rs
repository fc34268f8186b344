//! PNG encoding of a full frame (the static figure and `--frame` stills).

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use tiny_skia::Pixmap;

/// Encodes an opaque pixmap as an 8-bit RGB PNG.
pub fn encode(pixmap: &Pixmap) -> Result<Vec<u8>, image::ImageError> {
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Default, FilterType::Adaptive)
        .write_image(
            &rgb,
            pixmap.width(),
            pixmap.height(),
            ExtendedColorType::Rgb8,
        )?;
    Ok(out)
}
