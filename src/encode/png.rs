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
//! adds 7 % more bytes again and level 4 saves 2 % of them for 20–35 % more time.
//!
//! That knee is the figures'. Charts (mostly flat white, thin lines and text) lose little at
//! level 2, so they are written there ([`Content::Chart`]). The 34 shipped charts and 26
//! figures, encoded in one thread (in-process, best of 5 passes, two runs):
//!
//! | deflate (zlib-rs), filter None | charts | figures |
//! |---|---|---|
//! | level 1 | 2.04 MB, 29–34 ms | 1.36 MB, 26–27 ms |
//! | level 2 | 1.71 MB, 42–54 ms | 1.13 MB, 36–41 ms |
//! | level 3 | 1.67 MB, 61–72 ms | 1.01 MB, 55–59 ms |
//! | level 4 | 1.66 MB, 80 ms | 0.97 MB, 59–68 ms |
//!
//! For the charts, level 2 is 2.3 % more bytes for a quarter to a third less time; for the
//! figures, 12 % more bytes. (Filters
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

/// What a PNG shows, which decides its deflate level (see the module header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// A figure or frame of the animation, or an image in it: bands, trails, text.
    Figure,
    /// A chart: mostly flat white, thin lines and text.
    Chart,
}

impl Content {
    fn level(self) -> u8 {
        match self {
            Content::Figure => 3,
            Content::Chart => 2,
        }
    }
}

/// Encodes row-major 8-bit RGB as a PNG of a figure.
pub fn encode_rgb(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, PngError> {
    encode_rgb_of(Content::Figure, rgb, width, height)
}

/// Encodes row-major 8-bit RGB as a PNG of `content`.
fn encode_rgb_of(
    content: Content,
    rgb: &[u8],
    width: u32,
    height: u32,
) -> Result<Vec<u8>, PngError> {
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
        CompressionType::Level(content.level()),
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

/// Encodes an opaque pixmap of a figure that is used up, its pixels packed to RGB in place, so
/// a large canvas is not held a second time while it is compressed.
pub fn encode_owned(pixmap: Pixmap) -> Result<Vec<u8>, PngError> {
    encode_owned_of(Content::Figure, pixmap)
}

/// [`encode_owned`] for a PNG of `content`.
pub fn encode_owned_of(content: Content, pixmap: Pixmap) -> Result<Vec<u8>, PngError> {
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
    encode_rgb_of(content, &data, width, height)
}

/// Encodes a picture's image (for the SVG writer, which embeds images as PNG): with a palette
/// when it has 256 colours or fewer (see [`encode_indexed`]), else as RGB. The image is a valid
/// RGB buffer by construction, so encoding into memory cannot fail but for a defect.
pub fn encode_image(image: &crate::picture::Image) -> Vec<u8> {
    let (w, h) = (image.width, image.height);
    match palette_of(&image.rgb) {
        Some((palette, indices)) => encode_indexed(&palette, &indices, w, h),
        None => encode_rgb(&image.rgb, w, h),
    }
    .unwrap_or_default()
}

/// The colours of row-major RGB pixels in the order they first appear, and each pixel's index
/// among them; `None` when there are more than 256.
fn palette_of(rgb: &[u8]) -> Option<(Vec<[u8; 3]>, Vec<u8>)> {
    // An open-addressed table of the colours met (key: colour + 1, 0 for an empty slot), far
    // larger than 256 so probes stay short.
    const SLOTS: usize = 1024;
    let mut keys = [0u32; SLOTS];
    let mut values = [0u8; SLOTS];
    let mut palette: Vec<[u8; 3]> = Vec::new();
    let mut indices = Vec::with_capacity(rgb.len() / 3);
    let mut at = 0;
    while at + 3 <= rgb.len() {
        let colour = [rgb[at], rgb[at + 1], rgb[at + 2]];
        // Flat stretches are runs of one colour: looked up once.
        let mut end = at + 3;
        while end + 3 <= rgb.len() && rgb[end..end + 3] == colour {
            end += 3;
        }
        let key =
            (u32::from(colour[0]) << 16 | u32::from(colour[1]) << 8 | u32::from(colour[2])) + 1;
        let mut slot = (key.wrapping_mul(0x9E37_79B1) >> 22) as usize % SLOTS;
        let index = loop {
            if keys[slot] == key {
                break values[slot];
            }
            if keys[slot] == 0 {
                if palette.len() == 256 {
                    return None;
                }
                let index = palette.len() as u8;
                keys[slot] = key;
                values[slot] = index;
                palette.push(colour);
                break index;
            }
            slot = (slot + 1) % SLOTS;
        };
        indices.resize(indices.len() + (end - at) / 3, index);
        at = end;
    }
    Some((palette, indices))
}

/// Encodes row-major palette indices, one byte each, as an 8-bit indexed PNG (filter None, the
/// deflate level of a figure's RGB): a third of the bytes to compress. The surface images the
/// SVGs embed have 75 to 120 colours (flat bands and their quantized blends near contour
/// lines).
pub fn encode_indexed(
    palette: &[[u8; 3]],
    indices: &[u8],
    width: u32,
    height: u32,
) -> Result<Vec<u8>, PngError> {
    if width == 0 || height == 0 || palette.is_empty() || palette.len() > 256 {
        return Err(PngError(format!(
            "cannot encode a {width}×{height} image of {} colours",
            palette.len()
        )));
    }
    if indices.len() as u64 != u64::from(width) * u64::from(height) {
        return Err(PngError(format!(
            "{} indices for a {width}×{height} image",
            indices.len()
        )));
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(palette.as_flattened());
    encoder.set_filter(png::Filter::NoFilter);
    encoder.set_deflate_compression(png::DeflateCompression::Level(Content::Figure.level()));
    let mut writer = encoder
        .write_header()
        .map_err(|e| PngError(e.to_string()))?;
    writer
        .write_image_data(indices)
        .map_err(|e| PngError(e.to_string()))?;
    writer.finish().map_err(|e| PngError(e.to_string()))?;
    Ok(out)
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
            // A chart's PNG is deflated at its own level, and decodes to the same pixels.
            let chart = encode_owned_of(Content::Chart, p.clone()).unwrap();
            let decoded = image::load_from_memory(&chart).unwrap().to_rgb8();
            assert_eq!(decoded.as_raw(), &want);
            assert_eq!(encode_owned(p).unwrap(), png);
        }
        assert!(encode_rgb(&[0; 5], 2, 1).is_err());
    }

    /// An image of 256 colours or fewer is written with a palette, one of more as RGB, and
    /// both decode to the image's pixels; indexed input of the wrong length or palette is
    /// refused.
    #[test]
    fn images_of_few_colours_take_a_palette_and_decode_to_their_pixels() {
        for colours in [1u32, 2, 80, 256, 257, 1000] {
            let (w, h) = (37u32, 29u32);
            let rgb: Vec<u8> = (0..w * h)
                .flat_map(|k| {
                    // Runs of 3 pixels, colours cycling, so runs and look-ups both happen.
                    let c = (k / 3) % colours;
                    [(c % 256) as u8, (c / 256 * 60) as u8, (c * 7 % 251) as u8]
                })
                .collect();
            let image = crate::picture::Image {
                width: w,
                height: h,
                rgb: rgb.clone(),
            };
            let png = encode_image(&image);
            let decoder = png::Decoder::new(std::io::Cursor::new(&png));
            let info = decoder.read_info().unwrap().info().clone();
            let indexed = colours.min(w * h / 3 + 1) <= 256;
            assert_eq!(
                info.color_type == png::ColorType::Indexed,
                indexed,
                "{colours} colours"
            );
            let decoded = image::load_from_memory(&png).unwrap().to_rgb8();
            assert_eq!(decoded.as_raw(), &rgb, "{colours} colours");
        }
        assert!(encode_indexed(&[[0, 0, 0]], &[0; 5], 2, 2).is_err());
        assert!(encode_indexed(&[], &[0; 4], 2, 2).is_err());
        assert!(encode_indexed(&[[1, 2, 3]; 257], &[0; 4], 2, 2).is_err());
    }
}
