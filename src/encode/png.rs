//! PNG encoding of full frames (the static figure, charts, `--frame` stills) and of the images a
//! picture embeds.

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use tiny_skia::Pixmap;

/// Encodes row-major 8-bit RGB as a PNG.
pub fn encode_rgb(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Default, FilterType::Adaptive)
        .write_image(rgb, width, height, ExtendedColorType::Rgb8)?;
    Ok(out)
}

/// Encodes an opaque pixmap as an 8-bit RGB PNG.
pub fn encode(pixmap: &Pixmap) -> Result<Vec<u8>, image::ImageError> {
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    encode_rgb(&rgb, pixmap.width(), pixmap.height())
}

/// Encodes a picture's image (for the SVG writer, which embeds images as PNG). The image is a
/// valid RGB buffer by construction, so encoding into memory cannot fail but for a defect.
pub fn encode_image(image: &crate::picture::Image) -> Vec<u8> {
    encode_rgb(&image.rgb, image.width, image.height).unwrap_or_default()
}
