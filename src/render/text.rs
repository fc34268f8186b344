//! A small glyph cache for the one text that changes every frame: the step counter.
//!
//! plotters rasterizes every glyph outline each time it draws text, which for a counter redrawn
//! on every frame was the largest single cost of a frame. Here each character is rasterized once
//! (with the same embedded font and the same scale plotters uses, so the counter matches the
//! rest of the figure) and then only blended.

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont};
use tiny_skia::Pixmap;

use super::paint::IRect;
use super::style::{Rgb, FONT_BYTES};

/// One rasterized character: its coverage, where it sits relative to the pen, and its advance.
struct Glyph {
    id: GlyphId,
    advance: f32,
    left: i32,
    top: i32,
    width: usize,
    coverage: Vec<f32>,
}

/// Glyphs of one font size, rasterized on first use.
pub struct GlyphCache {
    font: FontRef<'static>,
    scale: PxScale,
    glyphs: Vec<(char, Glyph)>,
}

impl GlyphCache {
    /// A cache for text of `size` pixels; `None` if the embedded font cannot be read (a build
    /// defect, reported by the caller).
    pub fn new(size: f64) -> Option<Self> {
        let font = FontRef::try_from_slice(FONT_BYTES).ok()?;
        Some(GlyphCache {
            font,
            scale: PxScale::from(size as f32),
            glyphs: Vec::new(),
        })
    }

    fn glyph(&mut self, c: char) -> usize {
        if let Some(i) = self.glyphs.iter().position(|(ch, _)| *ch == c) {
            return i;
        }
        let scaled = self.font.as_scaled(self.scale);
        let id = scaled.glyph_id(c);
        let advance = scaled.h_advance(id);
        let mut g = Glyph {
            id,
            advance,
            left: 0,
            top: 0,
            width: 0,
            coverage: Vec::new(),
        };
        if let Some(outline) = scaled.outline_glyph(id.with_scale(self.scale)) {
            let b = outline.px_bounds();
            g.left = b.min.x as i32;
            g.top = b.min.y as i32;
            g.width = b.width() as usize;
            g.coverage = vec![0.0; g.width * b.height() as usize];
            outline.draw(|x, y, v| {
                let i = y as usize * g.width + x as usize;
                if let Some(slot) = g.coverage.get_mut(i) {
                    *slot = v;
                }
            });
        }
        self.glyphs.push((c, g));
        self.glyphs.len() - 1
    }

    /// Draws `text` left-aligned, vertically centred in `rect`, over the pixmap's pixels.
    pub fn draw(&mut self, pixmap: &mut Pixmap, rect: IRect, text: &str, colour: Rgb) {
        let scaled = self.font.as_scaled(self.scale);
        let baseline =
            (rect.y0 + rect.y1) as f32 / 2.0 + (scaled.ascent() + scaled.descent()) / 2.0;
        let (pw, ph) = (pixmap.width() as i32, pixmap.height() as i32);
        let mut pen = rect.x0 as f32;
        let mut previous: Option<GlyphId> = None;
        for c in text.chars() {
            let gi = self.glyph(c);
            let scaled = self.font.as_scaled(self.scale);
            let g = &self.glyphs[gi].1;
            if let Some(p) = previous {
                pen += scaled.kern(p, g.id);
            }
            previous = Some(g.id);
            let x0 = pen.round() as i32 + g.left;
            let y0 = baseline.round() as i32 + g.top;
            let data = pixmap.data_mut();
            for (k, &v) in g.coverage.iter().enumerate() {
                if v <= 0.0 {
                    continue;
                }
                let (x, y) = (x0 + (k % g.width) as i32, y0 + (k / g.width) as i32);
                if x < rect.x0.max(0)
                    || x >= rect.x1.min(pw)
                    || y < rect.y0.max(0)
                    || y >= rect.y1.min(ph)
                {
                    continue;
                }
                let i = ((y * pw + x) * 4) as usize;
                let a = super::paint::quantize_coverage(v);
                if a <= 0.0 {
                    continue;
                }
                for ch in 0..3 {
                    let d = f32::from(data[i + ch]);
                    data[i + ch] = (d + (f32::from(colour[ch]) - d) * a + 0.5) as u8;
                }
            }
            pen += g.advance;
        }
    }
}
