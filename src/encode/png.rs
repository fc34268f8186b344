//! PNG encoding of full frames (the static figure, charts, `--frame` stills, the folder of
//! frames) and of the images a picture embeds: 8-bit RGB, rows compressed as they are read from
//! the canvas (no RGB copy of the image is made first).
//!
//! Every row has filter type None and the stream is deflate level 3 (greedy, 32 probes), chosen
//! by measurement on the shipped figures and charts: against the Sub filter figures used before
//! (Up for charts), None is 7–20 % smaller in the same time (gd_vs_momentum's figure 32.3 KB
//! against 38.6 KB, its loss chart 38.4 against 45.7 KB, a 3840 × 2160 figure 201 against
//! 226 KB): these pictures repeat whole pixels (flat bands, the same glyph edges), which the
//! matcher finds unfiltered and filters break up. Level 1 is 4–6 times faster but 40 % larger;
//! levels 2 to 6 cost about what 3 does.

use miniz_oxide::deflate::core::{
    compress_to_output, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush, TDEFLStatus,
};
use tiny_skia::Pixmap;

/// A PNG that cannot be made (an empty or oversized image, or a compressor defect).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PngError(String);

/// The deflate level (see the module header).
const LEVEL: i32 = 3;

/// CRC-32 (ISO 3309, as PNG chunks use it), table-driven.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

fn crc32(parts: &[&[u8]]) -> u32 {
    let mut c = u32::MAX;
    for part in parts {
        for &b in *part {
            c = CRC_TABLE[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
        }
    }
    !c
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(&[kind, data]).to_be_bytes());
}

/// Encodes a `width × height` RGB image whose rows `row(y, out)` appends (3 bytes a pixel).
fn encode_rows(
    width: u32,
    height: u32,
    mut row: impl FnMut(usize, &mut Vec<u8>),
) -> Result<Vec<u8>, PngError> {
    if width == 0 || height == 0 || width > (1 << 24) || height > (1 << 24) {
        return Err(PngError(format!("cannot encode a {width}×{height} image")));
    }
    let mut idat = Vec::new();
    let mut compressor = CompressorOxide::new(create_comp_flags_from_zip_params(LEVEL, 15, 0));
    let mut line = Vec::with_capacity(1 + 3 * width as usize);
    for y in 0..height as usize {
        line.clear();
        line.push(0); // filter type None
        row(y, &mut line);
        let (status, _) = compress_to_output(&mut compressor, &line, TDEFLFlush::None, |o| {
            idat.extend_from_slice(o);
            true
        });
        if status != TDEFLStatus::Okay {
            return Err(PngError(format!("deflate failed: {status:?}")));
        }
    }
    let (status, _) = compress_to_output(&mut compressor, &[], TDEFLFlush::Finish, |o| {
        idat.extend_from_slice(o);
        true
    });
    if status != TDEFLStatus::Done {
        return Err(PngError(format!("deflate failed: {status:?}")));
    }
    let mut png = Vec::with_capacity(idat.len() + 64);
    png.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    // Bit depth 8, colour type 2 (RGB), deflate, adaptive filtering (the method), no interlace.
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &idat);
    chunk(&mut png, b"IEND", &[]);
    Ok(png)
}

/// Encodes row-major 8-bit RGB as a PNG.
pub fn encode_rgb(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, PngError> {
    let stride = width as usize * 3;
    if rgb.len() != stride * height as usize {
        return Err(PngError(format!(
            "{} bytes for a {width}×{height} RGB image",
            rgb.len()
        )));
    }
    encode_rows(width, height, |y, out| {
        out.extend_from_slice(&rgb[y * stride..(y + 1) * stride]);
    })
}

/// Encodes an opaque pixmap as an 8-bit RGB PNG.
pub fn encode(pixmap: &Pixmap) -> Result<Vec<u8>, PngError> {
    let stride = pixmap.width() as usize * 4;
    let data = pixmap.data();
    encode_rows(pixmap.width(), pixmap.height(), |y, out| {
        for px in data[y * stride..(y + 1) * stride].chunks_exact(4) {
            out.extend_from_slice(&px[..3]);
        }
    })
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
    /// sizes; the CRC is the standard one.
    #[test]
    fn pngs_decode_to_their_pixels() {
        assert_eq!(crc32(&[b"IEND"]), 0xAE42_6082);
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
        }
        assert!(encode_rgb(&[0; 5], 2, 1).is_err());
    }
}
