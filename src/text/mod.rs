//! The text engine: every string inertia draws is shaped here, once, into glyphs placed at
//! fractional positions, and every backend draws those same glyphs from their outlines.
//!
//! - [`Font`] is a parsed font file (the embedded DejaVu Sans, or a scene's `draw.font`).
//! - [`Fonts`] is the stack a scene draws with: its own font first (if any), the embedded font
//!   behind it. Each character takes the first font that has a glyph for it, so a CJK title in
//!   the scene's font still gets the embedded font's β and true minus; [`Fonts::missing`] names
//!   the characters no font has (the scene checker turns them into a located error).
//! - [`Fonts::shape`] lays a string out with rustybuzz (kerning from the font's `GPOS` or `kern`
//!   table, ligatures, marks) into a [`Shaped`] run: glyph ids and positions in pixels at the
//!   requested size, with fractional advances (no snapping to whole pixels).
//! - [`Fonts::outline`] gives a glyph's outline in font units, cached: the raster painter fills
//!   it with exact-area anti-aliasing at the glyph's sub-pixel position, and the SVG writer
//!   writes it as path data, so PNG and SVG show the same shapes whatever fonts a viewer has.
//!
//! This module knows nothing of figures; it depends only on the font crates.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rustybuzz::ttf_parser;

/// DejaVu Sans (Bitstream Vera licence, see `assets/DejaVuSans-LICENSE.txt`), embedded so text
/// never depends on the fonts a machine happens to have.
pub static EMBEDDED_FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// A font file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FontError {
    /// The bytes are not a TrueType/OpenType font (or collection) that can be parsed.
    #[error("not a font file that can be read (TTF, OTF or TTC expected)")]
    Unreadable,
    /// A collection without the requested face.
    #[error("the font collection has no face {0}")]
    NoSuchFace(u32),
}

/// Font bytes that live as long as the process, so a parsed face can be kept with them. Each
/// distinct file is kept once, however often it is loaded (a watched scene reloads its font on
/// every change).
fn lasting_bytes(data: &[u8]) -> &'static [u8] {
    static KEPT: Mutex<Vec<&'static [u8]>> = Mutex::new(Vec::new());
    let mut kept = crate::sync::lock(&KEPT);
    if let Some(k) = kept.iter().find(|k| ***k == *data) {
        return k;
    }
    let leaked: &'static [u8] = Box::leak(data.to_vec().into_boxed_slice());
    kept.push(leaked);
    leaked
}

/// One segment of a glyph outline, in font units (y up, as fonts store them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Segment {
    MoveTo([f32; 2]),
    LineTo([f32; 2]),
    QuadTo([f32; 2], [f32; 2]),
    CubicTo([f32; 2], [f32; 2], [f32; 2]),
    Close,
}

/// A glyph's outline: closed contours in font units.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outline {
    pub segments: Vec<Segment>,
}

impl ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.segments.push(Segment::MoveTo([x, y]));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.segments.push(Segment::LineTo([x, y]));
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.segments.push(Segment::QuadTo([x1, y1], [x, y]));
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.segments
            .push(Segment::CubicTo([x1, y1], [x2, y2], [x, y]));
    }
    fn close(&mut self) {
        self.segments.push(Segment::Close);
    }
}

/// A parsed font file.
pub struct Font {
    /// The face, parsed once (shaping tables included) over bytes that live as long as the
    /// process: see [`lasting_bytes`].
    face: rustybuzz::Face<'static>,
    bytes: usize,
    index: u32,
    units_per_em: f32,
    /// Ascender and descender (descender negative), font units.
    ascender: f32,
    descender: f32,
    /// Outlines read so far, by glyph id.
    outlines: Mutex<HashMap<u16, Arc<Outline>>>,
    /// Shaping plans made so far, by what a text's run asks for (see [`Font::plan`]).
    plans: Mutex<Vec<(PlanKey, Arc<rustybuzz::ShapePlan>)>>,
}

/// What a shaping plan is made for: a run's direction, script and language.
type PlanKey = (
    rustybuzz::Direction,
    Option<rustybuzz::Script>,
    Option<rustybuzz::Language>,
);

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("bytes", &self.bytes)
            .field("index", &self.index)
            .finish()
    }
}

impl Font {
    /// The embedded DejaVu Sans, parsed once per process.
    pub fn embedded() -> Arc<Font> {
        static FONT: OnceLock<Arc<Font>> = OnceLock::new();
        FONT.get_or_init(|| {
            // The bytes are compiled in and known good: a failure here is a build defect.
            Arc::new(Font::from_static(EMBEDDED_FONT, 0).expect("the embedded font parses"))
        })
        .clone()
    }

    /// Parses face `index` of a font file (TTF, OTF, or a TTC collection).
    pub fn from_bytes(data: &[u8], index: u32) -> Result<Font, FontError> {
        // Checked before the bytes are kept, so what is not a font is not kept.
        let faces = ttf_parser::fonts_in_collection(data).unwrap_or(1);
        if index >= faces {
            return Err(FontError::NoSuchFace(index));
        }
        ttf_parser::Face::parse(data, index).map_err(|_| FontError::Unreadable)?;
        Font::from_static(lasting_bytes(data), index)
    }

    fn from_static(data: &'static [u8], index: u32) -> Result<Font, FontError> {
        let faces = ttf_parser::fonts_in_collection(data).unwrap_or(1);
        if index >= faces {
            return Err(FontError::NoSuchFace(index));
        }
        let face = rustybuzz::Face::from_slice(data, index).ok_or(FontError::Unreadable)?;
        let (units_per_em, ascender, descender) = (
            face.units_per_em() as f32,
            f32::from(face.ascender()),
            f32::from(face.descender()),
        );
        if units_per_em <= 0.0 {
            return Err(FontError::Unreadable);
        }
        Ok(Font {
            face,
            bytes: data.len(),
            index,
            units_per_em,
            ascender,
            descender,
            outlines: Mutex::new(HashMap::new()),
            plans: Mutex::default(),
        })
    }

    fn face(&self) -> &rustybuzz::Face<'static> {
        &self.face
    }

    /// The plan `rustybuzz::shape` would make for `buffer` (its segment properties guessed),
    /// made once per font and kind of run: making it reads the font's layout tables, and cost
    /// more than shaping a step counter (a tenth of a 10,000-step render went to it).
    fn plan(&self, buffer: &rustybuzz::UnicodeBuffer) -> Arc<rustybuzz::ShapePlan> {
        // A guessed script is never "unknown": unknown is how the buffer says it has none.
        let script = Some(buffer.script()).filter(|&s| s != rustybuzz::script::UNKNOWN);
        let key: PlanKey = (buffer.direction(), script, buffer.language());
        let mut plans = crate::sync::lock(&self.plans);
        if let Some((_, plan)) = plans.iter().find(|(k, _)| *k == key) {
            return Arc::clone(plan);
        }
        let plan = Arc::new(rustybuzz::ShapePlan::new(
            self.face(),
            key.0,
            key.1,
            key.2.as_ref(),
            &[],
        ));
        plans.push((key, Arc::clone(&plan)));
        plan
    }

    /// True when the font maps `c` to a glyph.
    pub fn has_glyph(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some()
    }

    /// Font units per em.
    pub fn units_per_em(&self) -> f32 {
        self.units_per_em
    }

    /// The outline of glyph `id`, in font units (empty for a space).
    pub fn outline(&self, id: u16) -> Arc<Outline> {
        let mut cache = crate::sync::lock(&self.outlines);
        cache
            .entry(id)
            .or_insert_with(|| {
                let mut outline = Outline::default();
                self.face
                    .outline_glyph(ttf_parser::GlyphId(id), &mut outline);
                Arc::new(outline)
            })
            .clone()
    }
}

/// A glyph placed on a line: which font, which glyph, where its origin is relative to the
/// pen's start on the baseline (pixels, y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedGlyph {
    /// Index into the [`Fonts`] stack.
    pub font: u8,
    pub id: u16,
    /// The byte offset in the text of the first character this glyph draws.
    pub cluster: usize,
    pub x: f32,
    pub y: f32,
}

/// A shaped line of text at one size.
#[derive(Debug, Clone, PartialEq)]
pub struct Shaped {
    /// The text, as given.
    pub text: String,
    /// The size in pixels per em.
    pub size: f32,
    pub glyphs: Vec<PlacedGlyph>,
    /// Advance width of the whole line, pixels.
    pub width: f32,
    /// Distance from the baseline up to the top of the line box, pixels (> 0).
    pub ascent: f32,
    /// Distance from the baseline down to the bottom of the line box, pixels (> 0).
    pub descent: f32,
}

impl Shaped {
    /// The height of the line box.
    pub fn height(&self) -> f32 {
        self.ascent + self.descent
    }

    /// Where the pen is when the text's first `byte` bytes have been drawn: the start of the
    /// first glyph of a later character (glyphs in text order, as in left-to-right scripts),
    /// or the whole width.
    pub fn advance_to(&self, byte: usize) -> f32 {
        self.glyphs
            .iter()
            .find(|g| g.cluster >= byte)
            .map_or(self.width, |g| g.x)
    }
}

/// The fonts a scene draws with, most preferred first; the embedded font is always last.
#[derive(Debug, Clone)]
pub struct Fonts {
    stack: Vec<Arc<Font>>,
    /// Lines already shaped, by text and size (see [`Fonts::shape`]).
    shaped: Arc<Mutex<HashMap<(String, u32), Shaped>>>,
}

/// How many shaped lines [`Fonts`] keeps: every label, tick and title of a scene's pictures,
/// and the step counters of a long animation up to this many.
const SHAPED_KEPT: usize = 4096;

impl Default for Fonts {
    fn default() -> Self {
        Fonts::embedded()
    }
}

/// The embedded font's stack, shared by every scene without a font of its own.
pub fn embedded() -> Arc<Fonts> {
    static FONTS: OnceLock<Arc<Fonts>> = OnceLock::new();
    FONTS.get_or_init(|| Arc::new(Fonts::embedded())).clone()
}

impl Fonts {
    /// Just the embedded font.
    pub fn embedded() -> Fonts {
        Fonts {
            stack: vec![Font::embedded()],
            shaped: Arc::default(),
        }
    }

    /// `font` first, the embedded font behind it for what `font` lacks.
    pub fn with_preferred(font: Arc<Font>) -> Fonts {
        Fonts {
            stack: vec![font, Font::embedded()],
            shaped: Arc::default(),
        }
    }

    /// The font at `index` of the stack.
    pub fn font(&self, index: u8) -> &Font {
        &self.stack[usize::from(index).min(self.stack.len() - 1)]
    }

    /// The fonts, most preferred first.
    pub fn stack(&self) -> &[Arc<Font>] {
        &self.stack
    }

    /// The characters of `text` that no font of the stack can draw (each once, in order of
    /// appearance). Whitespace and control characters need no glyph.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for c in text.chars() {
            if c.is_whitespace() || c.is_control() || needs_no_glyph(c) || out.contains(&c) {
                continue;
            }
            if !self.stack.iter().any(|f| f.has_glyph(c)) {
                out.push(c);
            }
        }
        out
    }

    /// The outline of glyph `id` of font `font`.
    pub fn outline(&self, font: u8, id: u16) -> Arc<Outline> {
        self.font(font).outline(id)
    }

    /// Pixels per font unit of font `font` at `size` pixels per em.
    pub fn scale(&self, font: u8, size: f32) -> f32 {
        size / self.font(font).units_per_em
    }

    /// The line box of the embedded font at `size`: (ascent, descent), both > 0. Every text
    /// uses it, so lines in different fonts share baselines and heights.
    pub fn line_metrics(&self, size: f32) -> (f32, f32) {
        let base = self
            .stack
            .last()
            .expect("the embedded font is always there");
        let s = size / base.units_per_em;
        (base.ascender * s, -base.descender * s)
    }

    /// Lays `text` out on one line at `size` pixels per em. The figure, its charts, the SVG,
    /// the player and the PDF lay out the same lines: each is shaped once.
    pub fn shape(&self, text: &str, size: f32) -> Shaped {
        let key = (text.to_string(), size.to_bits());
        let lock = || crate::sync::lock(&self.shaped);
        if let Some(s) = lock().get(&key) {
            return s.clone();
        }
        let shaped = self.shape_now(text, size);
        let mut kept = lock();
        if kept.len() < SHAPED_KEPT {
            kept.insert(key, shaped.clone());
        }
        shaped
    }

    fn shape_now(&self, text: &str, size: f32) -> Shaped {
        let (ascent, descent) = self.line_metrics(size);
        let mut glyphs = Vec::new();
        let mut pen = 0.0f32;
        for (font, offset, run) in self.runs(text) {
            let f = &self.stack[usize::from(font)];
            let face = f.face();
            let scale = size / f.units_per_em;
            let mut buffer = rustybuzz::UnicodeBuffer::new();
            buffer.push_str(run);
            buffer.guess_segment_properties();
            let shaped = rustybuzz::shape_with_plan(face, &f.plan(&buffer), buffer);
            for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
                glyphs.push(PlacedGlyph {
                    font,
                    id: info.glyph_id as u16,
                    cluster: offset + info.cluster as usize,
                    x: pen + pos.x_offset as f32 * scale,
                    y: -(pos.y_offset as f32) * scale,
                });
                pen += pos.x_advance as f32 * scale;
            }
        }
        Shaped {
            text: text.to_string(),
            size,
            glyphs,
            width: pen,
            ascent,
            descent,
        }
    }

    /// The advance width of `text` at `size`, pixels.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        self.shape(text, size).width
    }

    /// `text` cut into runs that one font draws: each character stays with the run it is in
    /// if that run's font has it, else goes to the first font that has it; characters that
    /// need no glyph of their own (joiners, variation selectors) and those no font has stay
    /// with their run.
    fn runs<'t>(&self, text: &'t str) -> Vec<(u8, usize, &'t str)> {
        if self.stack.len() == 1 {
            return vec![(0, 0, text)];
        }
        let faces: Vec<&rustybuzz::Face> = self.stack.iter().map(|f| f.face()).collect();
        let mut runs: Vec<(u8, usize, &str)> = Vec::new();
        let mut current: Option<(u8, usize)> = None;
        for (i, c) in text.char_indices() {
            let has = |k: usize| faces.get(k).is_some_and(|f| f.glyph_index(c).is_some());
            let font = match current {
                Some((k, _)) if needs_no_glyph(c) || has(usize::from(k)) => k,
                _ => match (0..faces.len()).find(|&k| has(k)) {
                    Some(k) => k as u8,
                    None => current.map_or(0, |(k, _)| k),
                },
            };
            match current {
                Some((k, start)) if k != font => {
                    runs.push((k, start, &text[start..i]));
                    current = Some((font, i));
                }
                None => current = Some((font, i)),
                _ => {}
            }
        }
        if let Some((k, start)) = current {
            runs.push((k, start, &text[start..]));
        }
        runs
    }
}

// Shortening and wrapping, for labels in a fixed room.

/// `text` on one line if it fits in `max` pixels, else on two: cut at the last space that lets
/// the first line fit, the second shortened with an ellipsis if it must be (a text without
/// such a space is shortened on one line).
pub fn wrap_two(fonts: &Fonts, text: &str, size: f32, max: f32) -> Vec<String> {
    let shaped = fonts.shape(text, size);
    if shaped.width <= max {
        return vec![text.to_string()];
    }
    // Spaces where the first line fits, with whether they lie outside brackets ("GD from
    // (1.5, 0.05)" breaks before the point, not inside it).
    let mut depth = 0i32;
    let spaces: Vec<(usize, bool)> = text
        .char_indices()
        .filter_map(|(i, c)| {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                _ => {}
            }
            (c == ' ' && i > 0 && shaped.advance_to(i) <= max).then_some((i, depth <= 0))
        })
        .collect();
    let rest_fits = |i: usize| fonts.width(text[i..].trim_start(), size) <= max;
    // Outside brackets with the rest whole; else any with the rest whole; else the last.
    let cut = spaces
        .iter()
        .rev()
        .find(|&&(i, outside)| outside && rest_fits(i))
        .or_else(|| spaces.iter().rev().find(|&&(i, _)| rest_fits(i)))
        .or(spaces.last())
        .map(|&(i, _)| i);
    match cut {
        Some(i) => vec![
            text[..i].to_string(),
            fit_text(fonts, text[i..].trim_start(), size, max),
        ],
        None => vec![fit_text(fonts, text, size, max)],
    }
}

/// A title set to fit `max` pixels: on one line at `size` if it fits; else on one line shrunk
/// down to at most a fifth smaller (never below `min`); else on two lines, broken at a space,
/// at the largest size from `size` down to `min` at which both fit. Only a title too long for
/// two lines at `min` is shortened (its second line ends in an ellipsis). Returns the lines and
/// their size.
pub fn title_lines(fonts: &Fonts, text: &str, size: f32, min: f32, max: f32) -> (Vec<String>, f32) {
    let min = min.min(size);
    let width = fonts.width(text, size);
    if width <= max {
        return (vec![text.to_string()], size);
    }
    let shrunk = size * max / width;
    if shrunk >= min.max(size * 0.8) {
        // Shaping is not exactly linear in size (hinting-free, but rounding): a hair smaller.
        return (vec![text.to_string()], shrunk * 0.995);
    }
    // Two lines: the largest size (in steps of 4 %) at which both fit whole.
    let fits = |s: f32| {
        let lines = wrap_two(fonts, text, s, max);
        // Whole: the second line is the rest of the text, not shortened.
        let whole = lines.len() == 2 && text.ends_with(lines[1].as_str());
        whole.then_some(lines)
    };
    let mut s = size;
    loop {
        if let Some(lines) = fits(s) {
            return (lines, s);
        }
        if s <= min {
            return (wrap_two(fonts, text, min, max), min);
        }
        s = (s * 0.96).max(min);
    }
}

/// `text` shortened with an ellipsis until it fits in `max` pixels at `size`. The text is
/// shaped once and cut where the pen passes the room left for the ellipsis, so the work is
/// linear in the text's length.
pub fn fit_text(fonts: &Fonts, text: &str, size: f32, max: f32) -> String {
    let shaped = fonts.shape(text, size);
    if shaped.width <= max {
        return text.to_string();
    }
    let room = max - fonts.width("…", size);
    // The first glyph that would end beyond the room: the text is cut before its character.
    let mut cut = text.len();
    for (k, g) in shaped.glyphs.iter().enumerate() {
        let end = shaped.glyphs.get(k + 1).map_or(shaped.width, |n| n.x);
        if end > room {
            cut = g.cluster;
            break;
        }
    }
    let kept = text[..cut.min(text.len())].trim_end();
    if kept.is_empty() {
        return String::new();
    }
    format!("{kept}…")
}

/// Text made safe inside markup (SVG, HTML) element content and quoted attribute values:
/// markup characters escaped, characters XML 1.0 forbids (most control characters) replaced by
/// U+FFFD, line breaks and tabs by spaces.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Characters that are drawn with (or instead of) their neighbours: joiners, variation
/// selectors, the byte-order mark.
fn needs_no_glyph(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{2060}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_wrap_onto_a_second_line() {
        let fonts = Fonts::embedded();
        let lines = wrap_two(&fonts, "Momentum lr=0.0095 β=0.9", 13.0, 120.0);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines.iter().all(|l| fonts.width(l, 13.0) <= 120.0));
        assert_eq!(lines.concat().replace(' ', ""), "Momentumlr=0.0095β=0.9");
        assert_eq!(wrap_two(&fonts, "GD", 13.0, 120.0), ["GD"]);
        let one = wrap_two(&fonts, &"x".repeat(200), 13.0, 120.0);
        assert_eq!(one.len(), 1);
        assert!(one[0].ends_with('…'));
    }

    /// A point in brackets stays on one line when a break outside it works as well.
    #[test]
    fn labels_break_outside_brackets() {
        let fonts = Fonts::embedded();
        let max = fonts.width("GD from (1.5,", 13.0) + 1.0;
        assert_eq!(
            wrap_two(&fonts, "GD from (1.5, 0.05)", 13.0, max),
            ["GD from", "(1.5, 0.05)"]
        );
        // No break outside fits: inside it, rather than an ellipsis.
        let max = fonts.width("(1.5, 0.05,", 13.0) + 1.0;
        assert_eq!(
            wrap_two(&fonts, "(1.5, 0.05, 2.5)", 13.0, max),
            ["(1.5, 0.05,", "2.5)"]
        );
    }

    #[test]
    fn long_labels_are_shortened_to_fit_with_an_ellipsis() {
        let fonts = Fonts::embedded();
        let t = fit_text(&fonts, "Momentum β=0.9 from (2.5, −2)", 13.0, 90.0);
        assert!(t.ends_with('…') && t.starts_with("Momentum"), "{t}");
        assert!(fonts.width(&t, 13.0) <= 90.0);
        assert_eq!(fit_text(&fonts, "GD", 13.0, 90.0), "GD");
        // Long labels take linear time: a 100k-character label is cut at once.
        let long = "x".repeat(100_000);
        let t = fit_text(&fonts, &long, 13.0, 200.0);
        assert!(t.chars().count() < 100 && fonts.width(&t, 13.0) <= 200.0);
    }

    #[test]
    fn kerning_and_fractional_advances() {
        let fonts = Fonts::embedded();
        let a = fonts.shape("AV", 20.0);
        let (ax, vx) = (a.glyphs[0].x, a.glyphs[1].x);
        let advance_a = fonts.shape("A", 20.0).width;
        // DejaVu kerns A and V together.
        assert!(vx - ax < advance_a - 0.5, "{vx} {ax} {advance_a}");
        // Advances are not whole pixels.
        let w = fonts.width("Momentum", 13.0);
        assert!(w.fract() != 0.0 && w > 50.0 && w < 80.0, "{w}");
        // Sizes scale linearly.
        let w2 = fonts.width("Momentum", 26.0);
        assert!((w2 - 2.0 * w).abs() < 1e-3, "{w} {w2}");
    }

    #[test]
    fn outlines_exist_for_letters_and_not_for_spaces() {
        let fonts = Fonts::embedded();
        let s = fonts.shape("β −", 12.0);
        assert_eq!(s.glyphs.len(), 3);
        assert!(!fonts.outline(0, s.glyphs[0].id).segments.is_empty());
        assert!(fonts.outline(0, s.glyphs[1].id).segments.is_empty());
    }

    #[test]
    fn missing_characters_are_named_once() {
        let fonts = Fonts::embedded();
        assert!(fonts.missing("Gradient descent β=0.9, x² − y²").is_empty());
        assert_eq!(fonts.missing("动量 动量 ok"), vec!['动', '量']);
    }
}
