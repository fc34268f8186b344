//! The SVG writer: a [`Picture`] at one step as an SVG document.
//!
//! Items are written in painting order, as the raster painter paints them: vector shapes as
//! `<path>`, markers as circles, lines and polygons, images once in `<defs>` and placed with
//! `<use>`, trails as one `<path>` per stretch of a run that no other run's segment interrupts
//! (trails in one clip are stacked step by step, as the animation paints them, so a crossing path
//! lies on the same side as in the PNG), in one group per clip that carries what their strokes
//! share, their points relative to the one before. Text is written as glyph outlines (each glyph once, in
//! `<defs>`, in font units), so the document looks the same in every viewer whatever fonts it
//! has; each line of text is a group whose `aria-label` is the text itself.
//!
//! Numbers have at most two decimals and the document depends on nothing but the picture, so the
//! same picture gives the same bytes.
//!
//! [`document`] writes the static items and asks an [`Animated`] for what changes with the step
//! (the trails of each clip, each track): [`write()`] gives it the step's trails and markers; the
//! player (`super::player`) gives it placeholders its script fills, step by step. Both documents
//! come from this one writer, so the player looks like the SVG.

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};

use super::geom::{clip_segment, IRect, P32};
use super::mark::{Mark, Rgb};
use super::{Colour, ItemKind, Path, PathOp, Picture, Rotation, Shape, Text, Trail};
use crate::text::{escape_markup, Segment};

/// `#rrggbb`.
pub fn hex(c: Rgb) -> String {
    Hex(c).to_string()
}

/// A colour as `#rrggbb` where it is formatted: documents write thousands of them, and a
/// string for each cost more than the digits.
#[derive(Debug, Clone, Copy)]
pub struct Hex(pub Rgb);

impl fmt::Display for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = [b'#'; 7];
        for (k, &c) in self.0.iter().enumerate() {
            text[1 + 2 * k] = DIGITS[usize::from(c >> 4)];
            text[2 + 2 * k] = DIGITS[usize::from(c & 15)];
        }
        f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
    }
}

/// A number as [`num`] writes it, where it is formatted.
#[derive(Debug, Clone, Copy)]
pub struct Num(pub f64);

impl Num {
    pub fn of(v: f32) -> Num {
        Num(f64::from(v))
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match hundredths(self.0) {
            Some(h) => f.write_str(hundredths_text(h, true, &mut [0; HUNDREDTHS_LEN])),
            None => f.write_str(&num(self.0)),
        }
    }
}

/// ` clip-path="url(#cN)"` for a clipped item, nothing for another, where it is formatted.
#[derive(Debug, Clone, Copy)]
pub struct ClipAttr(pub Option<usize>);

impl fmt::Display for ClipAttr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(c) => write!(f, r#" clip-path="url(#c{c})""#),
            None => Ok(()),
        }
    }
}

/// The id of glyph `id` of font `font` in `<defs>`, where it is formatted.
#[derive(Debug, Clone, Copy)]
pub struct GlyphId(pub u8, pub u16);

impl fmt::Display for GlyphId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "g{}-{}", self.0, self.1)
    }
}

/// A number with at most two decimals, without trailing zeros.
pub fn num(v: f64) -> String {
    let mut s = String::new();
    write_num(&mut s, v);
    s
}

/// `v` in hundredths, rounded as `format!("{v:.2}")` rounds (the exact value, ties to even);
/// `None` beyond ±10⁷ or for what is not a number.
fn hundredths(v: f64) -> Option<i64> {
    if !v.is_finite() || v.abs() >= 1e7 {
        return None;
    }
    let t = v * 100.0;
    // Far from a tie, rounding the product decides as the exact value would; near one (rare:
    // binary fractions such as 0.125), the formatter decides.
    if ((t - t.floor()) - 0.5).abs() > 1e-6 {
        return Some(t.round() as i64);
    }
    let s = format!("{v:.2}");
    let (whole, frac) = s.split_once('.')?;
    let magnitude =
        whole.trim_start_matches('-').parse::<i64>().ok()? * 100 + frac.parse::<i64>().ok()?;
    Some(if s.starts_with('-') {
        -magnitude
    } else {
        magnitude
    })
}

/// Writes `v` as [`num`] does: at most two decimals, no trailing zeros, `0` for anything that
/// rounds to zero. Integer arithmetic on hundredths rather than float formatting: documents
/// write hundreds of thousands of these.
pub fn write_num(out: &mut String, v: f64) {
    match hundredths(v) {
        Some(h) => write_hundredths(out, h, true),
        None => {
            let s = format!("{v:.2}");
            out.push_str(s.trim_end_matches('0').trim_end_matches('.'));
        }
    }
}

/// Writes `h` hundredths with at most two decimals; `0.5` or `.5` (SVG path data may leave
/// out the leading zero) as `leading_zero` says.
fn write_hundredths(out: &mut String, h: i64, leading_zero: bool) {
    out.push_str(hundredths_text(h, leading_zero, &mut [0; HUNDREDTHS_LEN]));
}

/// Room for any `i64` of hundredths: a sign, 17 digits, a point and 2 decimals.
const HUNDREDTHS_LEN: usize = 24;

/// `h` hundredths as [`write_hundredths`] writes them, in `buf`. The digits by hand, from the
/// right: the formatter's machinery costs more than the number.
fn hundredths_text(h: i64, leading_zero: bool, buf: &mut [u8; HUNDREDTHS_LEN]) -> &str {
    let a = h.unsigned_abs();
    let (whole, frac) = (a / 100, a % 100);
    let mut at = buf.len();
    if frac != 0 {
        if frac % 10 != 0 {
            at -= 1;
            buf[at] = b'0' + (frac % 10) as u8;
        }
        at -= 1;
        buf[at] = b'0' + (frac / 10) as u8;
        at -= 1;
        buf[at] = b'.';
    }
    if whole > 0 || leading_zero || frac == 0 {
        let mut rest = whole;
        loop {
            at -= 1;
            buf[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
    }
    if h < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    // Only ASCII digits, '.' and '-' were written.
    std::str::from_utf8(&buf[at..]).unwrap_or("0")
}

pub fn n32(v: f32) -> String {
    num(f64::from(v))
}

/// Standard base64 (RFC 4648) with padding.
pub fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn write_path_data(out: &mut String, path: &Path) {
    for op in &path.ops {
        match *op {
            PathOp::MoveTo(x, y) => {
                let _ = write!(out, "M{} {}", Num::of(x), Num::of(y));
            }
            PathOp::LineTo(x, y) => {
                let _ = write!(out, "L{} {}", Num::of(x), Num::of(y));
            }
            PathOp::Close => out.push('Z'),
        }
    }
}

fn write_paint_attrs(out: &mut String, fill: Option<Colour>, stroke: Option<super::Stroke>) {
    match fill {
        Some(c) => {
            let _ = write!(out, r#" fill="{}""#, Hex(c.rgb_part()));
            if c.alpha() < 255 {
                let _ = write!(
                    out,
                    r#" fill-opacity="{}""#,
                    Num(f64::from(c.alpha()) / 255.0)
                );
            }
        }
        None => out.push_str(r#" fill="none""#),
    }
    if let Some(s) = stroke {
        let _ = write!(
            out,
            r#" stroke="{}" stroke-width="{}""#,
            Hex(s.colour.rgb_part()),
            Num::of(s.width)
        );
        if s.colour.alpha() < 255 {
            let _ = write!(
                out,
                r#" stroke-opacity="{}""#,
                Num(f64::from(s.colour.alpha()) / 255.0)
            );
        }
        if s.round {
            out.push_str(r#" stroke-linecap="round" stroke-linejoin="round""#);
        }
    }
}

fn shape(out: &mut String, s: &Shape, clip: Option<usize>) {
    out.push_str(r#"<path d=""#);
    write_path_data(out, &s.path);
    out.push('"');
    write_paint_attrs(out, s.fill, s.stroke);
    let _ = writeln!(out, "{}/>", ClipAttr(clip));
}

fn text(out: &mut String, t: &Text, picture: &Picture, clip: Option<usize>) {
    let _ = write!(
        out,
        r#"<g fill="{}" aria-label="{}"{}>"#,
        Hex(t.colour),
        escape_markup(&t.shaped.text),
        ClipAttr(clip)
    );
    // The glyphs of a text share a scale but for those of a fallback font: the matrix is
    // written out again only when the scale changes.
    let mut matrix: Option<(f64, String)> = None;
    for g in &t.shaped.glyphs {
        if picture.fonts.outline(g.font, g.id).segments.is_empty() {
            continue;
        }
        let s = f64::from(picture.fonts.scale(g.font, t.shaped.size));
        if matrix.as_ref().is_none_or(|(scale_of, _)| *scale_of != s) {
            let m = match t.rotation {
                Rotation::None => format!("{} 0 0 {}", scale(s), scale(-s)),
                Rotation::Ccw90 => format!("0 {} {} 0", scale(-s), scale(-s)),
            };
            matrix = Some((s, m));
        }
        let m = matrix.as_ref().map_or("", |(_, m)| m.as_str());
        let (x, y) = match t.rotation {
            Rotation::None => (t.x + g.x, t.y + g.y),
            Rotation::Ccw90 => (t.x + g.y, t.y - g.x),
        };
        let _ = write!(
            out,
            r##"<use xlink:href="#{}" transform="matrix({m} {} {})"/>"##,
            GlyphId(g.font, g.id),
            Num::of(x),
            Num::of(y)
        );
    }
    out.push_str("</g>\n");
}

/// A glyph scale factor: enough significant digits for a 4096-pixel canvas.
pub fn scale(s: f64) -> String {
    let t = format!("{s:.7}");
    t.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Writes a glyph outline as path data, font units (y up), rounded to a hundredth of a unit.
fn write_glyph_path(out: &mut String, segments: &[Segment]) {
    let point = |out: &mut String, v: [f32; 2]| {
        write_num(out, f64::from(v[0]));
        out.push(' ');
        write_num(out, f64::from(v[1]));
    };
    for s in segments {
        match *s {
            Segment::MoveTo(a) => {
                out.push('M');
                point(out, a);
            }
            Segment::LineTo(a) => {
                out.push('L');
                point(out, a);
            }
            Segment::QuadTo(c, a) => {
                out.push('Q');
                point(out, c);
                out.push(' ');
                point(out, a);
            }
            Segment::CubicTo(c1, c2, a) => {
                out.push('C');
                point(out, c1);
                out.push(' ');
                point(out, c2);
                out.push(' ');
                point(out, a);
            }
            Segment::Close => out.push('Z'),
        }
    }
}

/// Writes marker `m` (clipped to clip `clip`, if any).
pub fn mark(out: &mut String, m: &Mark, picture: &Picture, clip: Option<usize>) {
    let clip_a = ClipAttr(clip);
    match m {
        Mark::Disc {
            c,
            r,
            fill,
            ring,
            ring_width,
        } => {
            let _ = writeln!(
                out,
                r#"<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="{}" stroke-width="{}"{clip_a}/>"#,
                Num::of(c.0),
                Num::of(c.1),
                Num::of(*r),
                Hex(*fill),
                Hex(*ring),
                Num::of(*ring_width)
            );
        }
        Mark::Wedges {
            c,
            r,
            fills,
            ring,
            ring_width,
        } => {
            let n = fills.len().max(1);
            let at = |k: usize| {
                let a = std::f32::consts::TAU * k as f32 / n as f32;
                (c.0 + r * a.sin(), c.1 - r * a.cos())
            };
            for (k, f) in fills.iter().enumerate() {
                let (a, b) = (at(k), at(k + 1));
                let _ = writeln!(
                    out,
                    r#"<path d="M{} {}L{} {}A{} {} 0 0 1 {} {}Z" fill="{}"{clip_a}/>"#,
                    Num::of(c.0),
                    Num::of(c.1),
                    Num::of(a.0),
                    Num::of(a.1),
                    Num::of(*r),
                    Num::of(*r),
                    Num::of(b.0),
                    Num::of(b.1),
                    Hex(*f)
                );
            }
            let _ = writeln!(
                out,
                r#"<circle cx="{}" cy="{}" r="{}" fill="none" stroke="{}" stroke-width="{}"{clip_a}/>"#,
                Num::of(c.0),
                Num::of(c.1),
                Num::of(*r),
                Hex(*ring),
                Num::of(*ring_width)
            );
        }
        Mark::Capsule {
            a,
            b,
            colour,
            width,
        } => line_path(out, &[(*a, *b)], *colour, *width, clip_a),
        Mark::Arrow {
            from,
            to,
            colour,
            width,
        } => {
            if let Some([h1, h2]) = Mark::arrow_head(*from, *to, *width) {
                line_path(out, &[(*from, *to), h1, h2], *colour, *width, clip_a);
            }
        }
        Mark::Cross {
            c,
            r,
            colour,
            width,
        } => line_path(
            out,
            &[
                ((c.0 - r, c.1 - r), (c.0 + r, c.1 + r)),
                ((c.0 - r, c.1 + r), (c.0 + r, c.1 - r)),
            ],
            *colour,
            *width,
            clip_a,
        ),
        Mark::Polygon {
            c,
            r,
            shape,
            fill,
            outline,
            width,
        } => {
            out.push_str(r#"<polygon points=""#);
            for (k, (x, y)) in shape.points(*c, *r).iter().enumerate() {
                let gap = if k == 0 { "" } else { " " };
                let _ = write!(out, "{gap}{},{}", Num::of(*x), Num::of(*y));
            }
            match fill {
                Some(f) => {
                    let _ = write!(out, r#"" fill="{}""#, Hex(*f));
                }
                None => out.push_str(r#"" fill="none""#),
            }
            let _ = writeln!(
                out,
                r#" stroke="{}" stroke-width="{}" stroke-linejoin="round"{clip_a}/>"#,
                Hex(*outline),
                Num::of(*width)
            );
        }
        Mark::Text(t) => text(out, t, picture, clip),
    }
}

/// Round-capped strokes as one path.
fn line_path(out: &mut String, lines: &[(P32, P32)], colour: Rgb, width: f32, clip: ClipAttr) {
    out.push_str(r#"<path d=""#);
    for (a, b) in lines {
        let _ = write!(
            out,
            "M{} {}L{} {}",
            Num::of(a.0),
            Num::of(a.1),
            Num::of(b.0),
            Num::of(b.1)
        );
    }
    let _ = writeln!(
        out,
        r#"" fill="none" stroke="{}" stroke-width="{}" stroke-linecap="round"{clip}/>"#,
        Hex(colour),
        Num::of(width)
    );
}

/// One stroke of a clip's trails: a stretch of one trail's consecutive segments (see
/// [`super::TrailPieces`]).
#[derive(Debug, Clone, PartialEq)]
pub struct TrailPiece {
    /// The trail's item index.
    pub item: usize,
    /// The step of the piece's first segment: point `i` (from 1) ends the segment of step
    /// `start + i − 1`.
    pub start: usize,
    /// The points, each segment clipped to the clip grown by twice the trail's width.
    pub points: Vec<(f64, f64)>,
}

/// The trails (item index, trail) of one clip as pieces (see [`super::TrailPieces`]) up to
/// `step`, in the order their strokes go into the document: by the step each starts at, then as
/// listed. A piece is the points of its segments, each segment clipped to `r` grown by twice the
/// trail's width (so far points of a diverging run never reach the document). The pieces at a
/// step are those at the last step that start by then, cut after that step's segment.
pub fn trail_pieces(
    trails: &[(usize, &Trail)],
    pieces: &super::TrailPieces,
    r: IRect,
    step: usize,
) -> Vec<TrailPiece> {
    // Each piece with its trail's order in the group.
    let mut out: Vec<(usize, TrailPiece)> = Vec::new();
    for (order, &(item, t)) in trails.iter().enumerate() {
        let last = t.points.len().min(step.saturating_add(1));
        let pad = f64::from(t.width) * 2.0;
        let mut current: Option<TrailPiece> = None;
        for k in 1..last {
            let Some((a, b)) = clip_segment(t.points[k - 1], t.points[k], r.bounds(pad)) else {
                continue;
            };
            let start = pieces.start(item, k);
            match &mut current {
                Some(p) if p.start == start && p.points.last() == Some(&a) => p.points.push(b),
                _ => {
                    if let Some(p) = current.take() {
                        out.push((order, p));
                    }
                    current = Some(TrailPiece {
                        item,
                        start,
                        points: vec![a, b],
                    });
                }
            }
        }
        if let Some(p) = current {
            out.push((order, p));
        }
    }
    out.sort_by_key(|(order, p)| (p.start, *order));
    out.into_iter().map(|(_, p)| p).collect()
}

/// A trail piece's points as path data: the first point absolute, then each point relative to
/// the one before (`M262.5 230.5l.21-.12 3 -1.5`), in hundredths of a pixel as [`num`] rounds
/// them, differences of the rounded values so that nothing drifts. A point that rounds to where
/// the path already is adds nothing to the stroke and is left out, unless the piece is only
/// such points (a stroke of zero length still draws its round cap).
pub fn polyline_data(points: &[(f64, f64)]) -> String {
    let mut d = String::new();
    write_polyline_data(&mut d, points);
    d
}

/// Writes [`polyline_data`] at the end of `d`.
pub fn write_polyline_data(d: &mut String, points: &[(f64, f64)]) {
    let Some(&(x0, y0)) = points.first() else {
        return;
    };
    let at = |v: f64| hundredths(v).unwrap_or(0);
    let mut last = (at(x0), at(y0));
    d.push('M');
    write_hundredths(d, last.0, true);
    d.push(' ');
    write_hundredths(d, last.1, true);
    let mut moved = false;
    for &(x, y) in &points[1..] {
        let p = (at(x), at(y));
        let (dx, dy) = (p.0 - last.0, p.1 - last.1);
        if dx == 0 && dy == 0 {
            continue;
        }
        d.push(if moved { ' ' } else { 'l' });
        write_hundredths(d, dx, false);
        if dy >= 0 {
            d.push(' ');
        }
        write_hundredths(d, dy, false);
        last = p;
        moved = true;
    }
    if !moved && points.len() > 1 {
        d.push_str("l0 0");
    }
}

/// The attributes a clip's trails share, for the group that holds their pieces: no fill, round
/// caps and joins, and the stroke width when every trail there has the same one.
pub fn trail_group_attrs(trails: &[(usize, &Trail)]) -> String {
    let mut a = String::from(r#" fill="none" stroke-linecap="round" stroke-linejoin="round""#);
    if let Some(w) = shared_width(trails) {
        let _ = write!(a, r#" stroke-width="{}""#, n32(w));
    }
    a
}

/// The width every trail of a clip has, if they all have one.
fn shared_width(trails: &[(usize, &Trail)]) -> Option<f32> {
    let w = trails.first()?.1.width;
    trails.iter().all(|(_, t)| t.width == w).then_some(w)
}

/// The colours of a picture's trails, each once, in the order the items list them: trail
/// pieces name their colour by its place here, as a class the document's style defines (see
/// [`trail_style`]).
pub fn trail_colours(picture: &Picture) -> Vec<Rgb> {
    let mut colours: Vec<Rgb> = Vec::new();
    for item in &picture.items {
        if let ItemKind::Trail(t) = &item.kind {
            if !colours.contains(&t.colour) {
                colours.push(t.colour);
            }
        }
    }
    colours
}

/// The style rules of the trail classes (`.t0{stroke:#d55e00}`): a trail is cut into many
/// pieces where runs cross, and a class names a piece's colour in 9 bytes where a `stroke`
/// attribute takes 16. Class rules in a `<style>` element are what vector editors write and
/// read themselves (Illustrator's `.st0`), so the document imports as well as with attributes.
pub fn trail_style(colours: &[Rgb]) -> String {
    let mut rules = String::new();
    for (k, &c) in colours.iter().enumerate() {
        let _ = write!(rules, ".t{k}{{stroke:{}}}", Hex(c));
    }
    rules
}

/// A trail piece's own attributes inside its group (see [`trail_group_attrs`]): its colour, as
/// the class of its place in `colours` (see [`trail_colours`]), and its width where the group
/// has none, written at the end of `out`.
pub fn write_trail_attrs(out: &mut String, t: &Trail, trails: &[(usize, &Trail)], colours: &[Rgb]) {
    let _ = match colours.iter().position(|&c| c == t.colour) {
        Some(k) => write!(out, r#" class="t{k}""#),
        None => write!(out, r#" stroke="{}""#, Hex(t.colour)),
    };
    if shared_width(trails).is_none() {
        let _ = write!(out, r#" stroke-width="{}""#, Num::of(t.width));
    }
}

/// What a [`document`] writes where the items that change with the step are.
pub trait Animated {
    /// Adds the glyphs the animated content draws (besides the static texts', which the writer
    /// collects itself), so `<defs>` defines each once.
    fn glyphs(&self, picture: &Picture, glyphs: &mut BTreeSet<(u8, u16)>);
    /// Writes more definitions into `<defs>`.
    fn defs(&self, _picture: &Picture, _out: &mut String) {}
    /// Writes the trails of clip `clip` (the picture's trail items there, in list order, with
    /// their indices), where the first of them comes in painting order; `colours` are the
    /// picture's [`trail_colours`], whose classes the document defines.
    fn trails(
        &self,
        picture: &Picture,
        out: &mut String,
        clip: Option<usize>,
        trails: &[(usize, &Trail)],
        colours: &[Rgb],
    );
    /// Writes track item `index`.
    fn track(&self, picture: &Picture, out: &mut String, index: usize);
    /// True when static items that draw one run (a legend row) are each wrapped in a group
    /// that names the run (`<g data-run="3">`), for a reader that shows some runs only.
    fn tags_runs(&self) -> bool {
        false
    }
}

/// The glyphs of text `t`.
pub fn text_glyphs(t: &Text, glyphs: &mut BTreeSet<(u8, u16)>) {
    for g in &t.shaped.glyphs {
        glyphs.insert((g.font, g.id));
    }
}

/// The picture as an SVG document: its static items, with what `animated` writes in place of
/// its trails and tracks; `png` encodes the picture's images (the writer embeds them as PNG
/// data). Extra attributes for the `<svg>` element (e.g. an id) come in `svg_attrs`.
pub fn document(
    picture: &Picture,
    png: &dyn Fn(&super::Image) -> Vec<u8>,
    animated: &dyn Animated,
    svg_attrs: &str,
) -> String {
    let (w, h) = (picture.width, picture.height);
    let order = picture.painting_order();
    let mut doc = String::new();
    let _ = writeln!(
        doc,
        r#"<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}"{svg_attrs} xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">"#
    );
    let _ = writeln!(
        doc,
        r#"<rect width="{w}" height="{h}" fill="{}"/>"#,
        Hex(picture.background)
    );
    // Everything the body refers to: glyphs, images, clips.
    let mut glyphs: BTreeSet<(u8, u16)> = BTreeSet::new();
    let mut used_images: BTreeSet<usize> = BTreeSet::new();
    for item in &picture.items {
        match &item.kind {
            ItemKind::Text(t) | ItemKind::Mark(Mark::Text(t)) => text_glyphs(t, &mut glyphs),
            ItemKind::Image { image, .. } => {
                used_images.insert(*image);
            }
            _ => {}
        }
    }
    animated.glyphs(picture, &mut glyphs);
    doc.push_str("<defs>\n");
    for &i in &used_images {
        let img = &picture.images[i];
        let png = png(img);
        let _ = writeln!(
            doc,
            r#"<image id="img{i}" width="{}" height="{}" preserveAspectRatio="none" xlink:href="data:image/png;base64,{}"/>"#,
            img.width,
            img.height,
            base64(&png)
        );
    }
    for (i, r) in picture.clips.iter().enumerate() {
        let _ = writeln!(
            doc,
            r#"<clipPath id="c{i}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>"#,
            r.x0,
            r.y0,
            r.width(),
            r.height()
        );
    }
    for &(font, id) in &glyphs {
        let outline = picture.fonts.outline(font, id);
        if !outline.segments.is_empty() {
            let _ = write!(doc, r#"<path id="{}" d=""#, GlyphId(font, id));
            write_glyph_path(&mut doc, &outline.segments);
            doc.push_str("\"/>\n");
        }
    }
    let trail_colours = trail_colours(picture);
    if !trail_colours.is_empty() {
        let _ = writeln!(doc, "<style>{}</style>", trail_style(&trail_colours));
    }
    animated.defs(picture, &mut doc);
    doc.push_str("</defs>\n");
    let mut done_clips: Vec<Option<usize>> = Vec::new();
    for &index in &order {
        let item = &picture.items[index];
        let tag = animated.tags_runs() && item.is_static();
        if let (true, Some(run)) = (tag, item.run) {
            let _ = write!(doc, r#"<g data-run="{run}">"#);
        }
        match &item.kind {
            ItemKind::Shape(s) => shape(&mut doc, s, item.clip),
            ItemKind::Text(t) => text(&mut doc, t, picture, item.clip),
            ItemKind::Image { image, x, y } => {
                let _ = writeln!(
                    doc,
                    r##"<use xlink:href="#img{image}" x="{x}" y="{y}"{}/>"##,
                    ClipAttr(item.clip)
                );
            }
            ItemKind::Mark(m) => mark(&mut doc, m, picture, item.clip),
            ItemKind::Trail(_) => {
                // The trails of one clip are stacked together, step by step, as the raster
                // painter paints them; trails of other clips never overlap them.
                if !done_clips.contains(&item.clip) {
                    done_clips.push(item.clip);
                    let group = picture.trails_in(item.clip);
                    animated.trails(picture, &mut doc, item.clip, &group, &trail_colours);
                }
            }
            ItemKind::Track(_) => animated.track(picture, &mut doc, index),
        }
        if let (true, Some(_)) = (tag, item.run) {
            doc.push_str("</g>\n");
        }
    }
    doc.push_str("</svg>\n");
    doc
}

/// The trails and tracks at one step, as [`write`] writes them.
struct AtStep {
    step: usize,
    pieces: super::TrailPieces,
    /// Each item's markers at the step (empty for items that are not tracks).
    marks: Vec<Vec<Mark>>,
}

impl Animated for AtStep {
    fn glyphs(&self, _picture: &Picture, glyphs: &mut BTreeSet<(u8, u16)>) {
        for m in self.marks.iter().flatten() {
            if let Mark::Text(t) = m {
                text_glyphs(t, glyphs);
            }
        }
    }

    fn trails(
        &self,
        picture: &Picture,
        out: &mut String,
        clip: Option<usize>,
        trails: &[(usize, &Trail)],
        colours: &[Rgb],
    ) {
        let rect = clip
            .and_then(|c| picture.clips.get(c).copied())
            .unwrap_or_else(|| picture.canvas());
        let pieces = trail_pieces(trails, &self.pieces, rect, self.step);
        if pieces.is_empty() {
            return;
        }
        let _ = writeln!(out, "<g{}{}>", trail_group_attrs(trails), ClipAttr(clip));
        for piece in pieces {
            let ItemKind::Trail(t) = &picture.items[piece.item].kind else {
                continue;
            };
            out.push_str(r#"<path d=""#);
            write_polyline_data(out, &piece.points);
            out.push('"');
            write_trail_attrs(out, t, trails, colours);
            out.push_str("/>\n");
        }
        out.push_str("</g>\n");
    }

    fn track(&self, picture: &Picture, out: &mut String, index: usize) {
        for m in &self.marks[index] {
            mark(out, m, picture, picture.items[index].clip);
        }
    }
}

/// The picture at `step` as an SVG document; `png` encodes the picture's images (the writer
/// embeds them as PNG data).
pub fn write(picture: &Picture, step: usize, png: &dyn Fn(&super::Image) -> Vec<u8>) -> String {
    let marks = picture
        .items
        .iter()
        .map(|item| {
            let mut out = Vec::new();
            if let ItemKind::Track(t) = &item.kind {
                picture.track_marks(t, picture.clip_of(item), step, &mut out);
            }
            out
        })
        .collect();
    let at = AtStep {
        step,
        pieces: picture.trail_pieces(),
        marks,
    };
    document(picture, png, &at, "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
        assert_eq!(base64(&[0xfb, 0xff, 0xbf]), "+/+/");
    }

    /// `num` writes what two-decimal formatting with trailing zeros trimmed writes, ties
    /// included; path data is relative, in the same hundredths, and ends where the points do.
    #[test]
    fn numbers_are_two_decimal_formatting_and_paths_add_up() {
        let formatted = |v: f64| {
            let v = if v.abs() < 0.005 { 0.0 } else { v };
            let s = format!("{v:.2}");
            let s = s.trim_end_matches('0').trim_end_matches('.').to_string();
            if s == "-0" {
                "0".to_string()
            } else {
                s
            }
        };
        let mut x: u64 = 7;
        let mut values = vec![
            0.0,
            -0.0,
            0.125,
            -0.125,
            0.005,
            -0.005,
            0.015,
            2.675,
            1e6 + 0.125,
        ];
        for _ in 0..100_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let v = (x >> 11) as f64 / (1u64 << 53) as f64;
            values.push((v - 0.5) * 2f64.powi((x % 24) as i32));
            values.push(((x >> 20) % 100_000) as f64 / 8.0 - 6000.0);
        }
        values.extend([1e7, -2.5e9, f64::NAN, f64::INFINITY, 12345678.9]);
        for v in values {
            assert_eq!(num(v), formatted(v), "{v:e}");
            // Written where formatted, the same text.
            assert_eq!(format!("{}", Num(v)), num(v), "{v:e}");
        }
        for c in [[0, 0, 0], [255, 255, 255], [0x0f, 0xa0, 0x7b]] {
            assert_eq!(
                format!("{}", Hex(c)),
                format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
            );
        }
        assert_eq!(
            format!("x{}", ClipAttr(Some(3))),
            r#"x clip-path="url(#c3)""#
        );
        assert_eq!(format!("x{}", ClipAttr(None)), "x");
        let points = [
            (10.0, 20.0),
            (10.004, 20.0),
            (12.5, 18.25),
            (12.5, 18.25),
            (3.0, 30.0),
        ];
        assert_eq!(polyline_data(&points), "M10 20l2.5-1.75 -9.5 11.75");
        assert_eq!(polyline_data(&points[..2]), "M10 20l0 0");
    }

    #[test]
    fn control_characters_never_reach_the_document() {
        assert_eq!(
            escape_markup("a\u{0}b\u{7}c<&>\"'"),
            "a\u{FFFD}b\u{FFFD}c&lt;&amp;&gt;&quot;&#39;"
        );
    }

    /// The pieces of the trails of a picture with one clip (0, 0, 100, 100).
    fn pieces_of(trails: Vec<Trail>, step: usize) -> Vec<(usize, Vec<(f64, f64)>)> {
        let mut p = Picture::new(100, 100, crate::text::embedded());
        let clip = p.add_clip(IRect::new(0, 0, 100, 100));
        for t in trails {
            p.push(super::super::Layer::Trail, Some(clip), ItemKind::Trail(t));
        }
        let group: Vec<(usize, &Trail)> = p
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, it)| match &it.kind {
                ItemKind::Trail(t) => Some((i, t)),
                _ => None,
            })
            .collect();
        trail_pieces(&group, &p.trail_pieces(), IRect::new(0, 0, 100, 100), step)
            .into_iter()
            .map(|piece| (piece.item, piece.points))
            .collect()
    }

    fn trail(points: Vec<(f64, f64)>) -> Trail {
        Trail {
            points: points.into(),
            colour: [0, 0, 0],
            width: 0.0,
        }
    }

    /// A path leaving its clip (to infinity, even) is cut where it leaves and resumes where it
    /// comes back.
    #[test]
    fn trails_are_clipped_into_pieces() {
        let a = trail(vec![
            (10.0, 10.0),
            (50.0, 50.0),
            (f64::NEG_INFINITY, f64::INFINITY),
            (1e12, 50.0),
            (50.0, 60.0),
            (60.0, 60.0),
        ]);
        let pieces = pieces_of(vec![a], usize::MAX);
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert_eq!(pieces[0], (0, vec![(10.0, 10.0), (50.0, 50.0)]));
        assert_eq!(pieces[1].1[0].0, 100.0);
        assert_eq!(pieces[1].1[1..], [(50.0, 60.0), (60.0, 60.0)]);
    }

    /// Trails that cross are stacked step by step, as the animation paints them; trails that
    /// never touch are one stroke each.
    #[test]
    fn crossing_trails_are_stacked_step_by_step() {
        let a = trail((0..5).map(|k| (f64::from(k) * 10.0, 5.0)).collect());
        let b = trail(vec![(0.0, 6.0), (10.0, 6.0)]);
        let order = |p: Vec<(usize, Vec<(f64, f64)>)>| -> Vec<(usize, usize)> {
            p.iter().map(|(i, p)| (*i, p.len())).collect()
        };
        assert_eq!(
            order(pieces_of(vec![a.clone(), b.clone()], usize::MAX)),
            [(0, 2), (1, 2), (0, 4)]
        );
        assert_eq!(
            order(pieces_of(vec![a.clone(), b], 2)),
            [(0, 2), (1, 2), (0, 2)]
        );
        let far = trail(vec![(0.0, 90.0), (10.0, 90.0), (20.0, 90.0)]);
        assert_eq!(order(pieces_of(vec![a, far], usize::MAX)), [(0, 5), (1, 3)]);
    }

    /// Each trail colour is one class, defined once in the document's style; every piece of a
    /// trail names its own colour's class, and no piece writes its colour out.
    #[test]
    fn trail_pieces_name_their_colour_by_a_class() {
        let mut p = Picture::new(100, 100, crate::text::embedded());
        let clip = p.add_clip(IRect::new(0, 0, 100, 100));
        let colours = [[213, 94, 0], [0, 114, 178]];
        // Two crossing trails (cut into pieces where they cross) and a third of the first colour.
        for (k, points) in [
            vec![(10.0, 50.0), (50.0, 50.0), (90.0, 50.0)],
            vec![(50.0, 10.0), (50.0, 90.0), (60.0, 90.0)],
            vec![(10.0, 10.0), (20.0, 10.0)],
        ]
        .into_iter()
        .enumerate()
        {
            let t = Trail {
                points: points.into(),
                colour: colours[k % 2],
                width: 2.0,
            };
            p.push(super::super::Layer::Trail, Some(clip), ItemKind::Trail(t));
        }
        let doc = write(&p, usize::MAX, &|_| Vec::new());
        assert!(
            doc.contains("<style>.t0{stroke:#d55e00}.t1{stroke:#0072b2}</style>"),
            "{doc}"
        );
        assert_eq!(doc.matches("<style>").count(), 1);
        let pieces: Vec<&str> = doc.lines().filter(|l| l.starts_with("<path d=")).collect();
        let classes: Vec<&str> = pieces
            .iter()
            .filter_map(|l| l.split(r#"class=""#).nth(1)?.split('"').next())
            .collect();
        assert_eq!(classes.len(), pieces.len(), "{doc}");
        assert_eq!(classes, ["t0", "t1", "t0", "t0"], "{doc}");
        assert!(pieces.iter().all(|l| !l.contains("stroke=")), "{doc}");
    }

    #[test]
    fn text_is_written_as_glyph_outlines_once_each() {
        let mut p = Picture::new(100, 40, crate::text::embedded());
        p.text(
            super::super::Layer::Under,
            "a<a",
            12.0,
            (5.0, 20.0),
            [0, 0, 0],
        );
        let doc = write(&p, 0, &|_| Vec::new());
        assert!(doc.contains(r#"aria-label="a&lt;a""#), "{doc}");
        assert_eq!(doc.matches("<use ").count(), 3);
        // Two distinct glyphs defined once each.
        assert_eq!(doc.matches(r#"<path id="g0-"#).count(), 2);
        assert!(!doc.contains("<text"));
        let _ = Arc::clone(&p.fonts);
    }
}
