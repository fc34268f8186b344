//! The PDF writer: a [`Picture`] as a PDF with one vector page per step, for LaTeX's `animate`
//! package (`\animategraphics` plays a multi-page PDF) and for print.
//!
//! Everything that is the same on every page is written once and drawn by reference:
//!
//! - each image (the surface) is one image XObject, its PNG data reused as it is (PNG's
//!   compressed rows are a Flate stream with PNG predictors, which PDF reads natively);
//! - each glyph is one form XObject, its outline in font units, drawn wherever the glyph is
//!   (text is outlines, as in the SVG and the frames: no font is embedded or needed);
//! - each stretch of static items between two animated ones (the background, the markers over
//!   the paths, the minima's outlines) is one form XObject;
//! - the trails are cut into blocks of consecutive steps, each block one form XObject, so page
//!   k draws the blocks before it and only the few segments after the last block: a page's
//!   size does not grow with the step number.
//!
//! Pages share one resource dictionary (on the page tree, which every page inherits). Items are
//! drawn in the painting order the raster painter uses, trail segments stacked step by step, so
//! page k looks like frame k. Content streams are Flate-compressed; nothing depends on hashing
//! order or on threads (pages are made in parallel and written in order), so the same picture
//! gives the same bytes.

use std::collections::BTreeMap;

use miniz_oxide::deflate::core::{
    compress, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush, TDEFLStatus,
};
use pdf_writer::types::{LineCapStyle, LineJoinStyle};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref};
use rayon::prelude::*;

use super::geom::P32;
use super::mark::{Mark, Rgb};
use super::svg::{self, TrailPiece};
use super::{Colour, Image, ItemKind, Path, PathOp, Picture, Rotation, Shape, Text};
use crate::text::Segment;

/// A number rounded to a hundredth (the precision of the SVG), so content streams stay short.
fn r2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// A colour component in 0..1, to three decimals.
fn unit(c: u8) -> f32 {
    (f32::from(c) / 255.0 * 1000.0).round() / 1000.0
}

/// Steps per block of trail segments: about the square root of the step count (so a page draws
/// at most about √n blocks and √n loose segments), and at least 16.
fn block_len(steps: usize) -> usize {
    ((steps as f64).sqrt().ceil() as usize).max(16)
}

/// What a page draws, in painting order.
enum Op {
    /// A form XObject of static items (its resource name's number).
    Static(usize),
    /// The trails of one clip group (index into the groups).
    Trails(usize),
    /// A track item (its index in the picture).
    Track(usize),
}

/// One clip's trails: the clip and the pieces at the last step, in stacking order.
struct TrailGroup {
    clip: Option<usize>,
    pieces: Vec<(TrailPiece, Rgb, f32)>,
    /// The form XObject (resource number) of each complete block.
    blocks: Vec<usize>,
}

/// The shared resources, by the names content streams use.
#[derive(Default)]
struct Names {
    /// Glyph (font, id) → form number `/Gn`.
    glyphs: BTreeMap<(u8, u16), usize>,
    /// (fill alpha, stroke alpha) → graphics state number `/An`.
    alphas: BTreeMap<(u8, u8), usize>,
}

/// Writes drawing operators into a content stream, in the picture's pixel space (y down; each
/// page flips once at its start).
struct Painter<'a> {
    c: Content,
    picture: &'a Picture,
    names: &'a Names,
}

impl<'a> Painter<'a> {
    fn new(picture: &'a Picture, names: &'a Names) -> Self {
        Painter {
            c: Content::new(),
            picture,
            names,
        }
    }

    fn fill(&mut self, c: Rgb) {
        self.c.set_fill_rgb(unit(c[0]), unit(c[1]), unit(c[2]));
    }

    fn stroke(&mut self, c: Rgb, width: f32, round: bool) {
        self.c.set_stroke_rgb(unit(c[0]), unit(c[1]), unit(c[2]));
        self.c.set_line_width(r2(width));
        if round {
            self.c.set_line_cap(LineCapStyle::RoundCap);
            self.c.set_line_join(LineJoinStyle::RoundJoin);
        } else {
            self.c.set_line_cap(LineCapStyle::ButtCap);
            self.c.set_line_join(LineJoinStyle::MiterJoin);
            // SVG's default, which the raster painter follows too.
            self.c.set_miter_limit(4.0);
        }
    }

    /// Sets the graphics state with these alphas, when either is not opaque.
    fn alpha(&mut self, fill: u8, stroke: u8) {
        if let Some(n) = self.names.alphas.get(&(fill, stroke)) {
            self.c.set_parameters(Name(format!("A{n}").as_bytes()));
        }
    }

    fn clip(&mut self, clip: Option<usize>) {
        if let Some(r) = clip.and_then(|c| self.picture.clips.get(c)) {
            self.c
                .rect(
                    r.x0 as f32,
                    r.y0 as f32,
                    r.width() as f32,
                    r.height() as f32,
                )
                .clip_nonzero()
                .end_path();
        }
    }

    fn move_to(&mut self, p: P32) {
        self.c.move_to(r2(p.0), r2(p.1));
    }

    fn line_to(&mut self, p: P32) {
        self.c.line_to(r2(p.0), r2(p.1));
    }

    fn path(&mut self, path: &Path) {
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => self.move_to((x, y)),
                PathOp::LineTo(x, y) => self.line_to((x, y)),
                PathOp::Close => {
                    self.c.close_path();
                }
            }
        }
    }

    fn polyline(&mut self, points: &[(f64, f64)]) {
        for (k, p) in points.iter().enumerate() {
            let p = (p.0 as f32, p.1 as f32);
            if k == 0 {
                self.move_to(p);
            } else {
                self.line_to(p);
            }
        }
    }

    /// A circle as four cubic arcs, clockwise from the top.
    fn circle(&mut self, c: P32, r: f32) {
        self.arc(c, r, 0.0, std::f32::consts::TAU, true);
        self.c.close_path();
    }

    /// An arc of the circle at `c` from angle `a0` to `a1` (clockwise on screen from twelve
    /// o'clock, as [`Mark::Wedges`] counts), in pieces of at most a quarter turn; `start` moves
    /// to its first point.
    fn arc(&mut self, c: P32, r: f32, a0: f32, a1: f32, start: bool) {
        let at = |a: f32| (c.0 + r * a.sin(), c.1 - r * a.cos());
        let tangent = |a: f32| (r * a.cos(), r * a.sin());
        let pieces = ((a1 - a0) / std::f32::consts::FRAC_PI_2).ceil().max(1.0) as usize;
        let step = (a1 - a0) / pieces as f32;
        if start {
            self.move_to(at(a0));
        }
        for k in 0..pieces {
            let (s, e) = (a0 + step * k as f32, a0 + step * (k + 1) as f32);
            let h = 4.0 / 3.0 * (step / 4.0).tan();
            let (p0, p1) = (at(s), at(e));
            let (t0, t1) = (tangent(s), tangent(e));
            self.c.cubic_to(
                r2(p0.0 + h * t0.0),
                r2(p0.1 + h * t0.1),
                r2(p1.0 - h * t1.0),
                r2(p1.1 - h * t1.1),
                r2(p1.0),
                r2(p1.1),
            );
        }
    }

    /// Round-capped strokes.
    fn lines(&mut self, lines: &[(P32, P32)], colour: Rgb, width: f32) {
        self.stroke(colour, width, true);
        for (a, b) in lines {
            self.move_to(*a);
            self.line_to(*b);
        }
        self.c.stroke();
    }

    fn shape(&mut self, s: &Shape) {
        let fill_alpha = s.fill.map_or(255, Colour::alpha);
        let stroke_alpha = s.stroke.map_or(255, |k| k.colour.alpha());
        let translucent = fill_alpha < 255 || stroke_alpha < 255;
        if translucent {
            self.c.save_state();
            self.alpha(fill_alpha, stroke_alpha);
        }
        if let Some(f) = s.fill {
            self.fill(f.rgb_part());
        }
        if let Some(k) = s.stroke {
            self.stroke(k.colour.rgb_part(), k.width, k.round);
        }
        self.path(&s.path);
        match (s.fill.is_some(), s.stroke.is_some()) {
            (true, true) => self.c.fill_nonzero_and_stroke(),
            (true, false) => self.c.fill_nonzero(),
            (false, true) => self.c.stroke(),
            (false, false) => self.c.end_path(),
        };
        if translucent {
            self.c.restore_state();
        }
    }

    fn text(&mut self, t: &Text) {
        self.fill(t.colour);
        for g in &t.shaped.glyphs {
            let Some(n) = self.names.glyphs.get(&(g.font, g.id)) else {
                continue;
            };
            let s = self.picture.fonts.scale(g.font, t.shaped.size);
            let matrix = match t.rotation {
                Rotation::None => [s, 0.0, 0.0, -s, r2(t.x + g.x), r2(t.y + g.y)],
                Rotation::Ccw90 => [0.0, -s, -s, 0.0, r2(t.x + g.y), r2(t.y - g.x)],
            };
            self.c.save_state();
            self.c.transform(matrix);
            self.c.x_object(Name(format!("G{n}").as_bytes()));
            self.c.restore_state();
        }
    }

    fn mark(&mut self, m: &Mark) {
        match m {
            Mark::Disc {
                c,
                r,
                fill,
                ring,
                ring_width,
            } => {
                self.fill(*fill);
                self.stroke(*ring, *ring_width, true);
                self.circle(*c, *r);
                self.c.fill_nonzero_and_stroke();
            }
            Mark::Wedges {
                c,
                r,
                fills,
                ring,
                ring_width,
            } => {
                let n = fills.len().max(1);
                let angle = |k: usize| std::f32::consts::TAU * k as f32 / n as f32;
                for (k, f) in fills.iter().enumerate() {
                    self.fill(*f);
                    self.move_to(*c);
                    let a = angle(k);
                    self.line_to((c.0 + r * a.sin(), c.1 - r * a.cos()));
                    self.arc(*c, *r, a, angle(k + 1), false);
                    self.c.close_path().fill_nonzero();
                }
                self.stroke(*ring, *ring_width, true);
                self.circle(*c, *r);
                self.c.stroke();
            }
            Mark::Capsule {
                a,
                b,
                colour,
                width,
            } => self.lines(&[(*a, *b)], *colour, *width),
            Mark::Arrow {
                from,
                to,
                colour,
                width,
            } => {
                if let Some([h1, h2]) = Mark::arrow_head(*from, *to, *width) {
                    self.lines(&[(*from, *to), h1, h2], *colour, *width);
                }
            }
            Mark::Cross {
                c,
                r,
                colour,
                width,
            } => self.lines(
                &[
                    ((c.0 - r, c.1 - r), (c.0 + r, c.1 + r)),
                    ((c.0 - r, c.1 + r), (c.0 + r, c.1 - r)),
                ],
                *colour,
                *width,
            ),
            Mark::Polygon {
                c,
                r,
                shape,
                fill,
                outline,
                width,
            } => {
                let points = shape.points(*c, *r);
                self.stroke(*outline, *width, true);
                for (k, p) in points.iter().enumerate() {
                    if k == 0 {
                        self.move_to(*p);
                    } else {
                        self.line_to(*p);
                    }
                }
                self.c.close_path();
                match fill {
                    Some(f) => {
                        self.fill(*f);
                        self.c.fill_nonzero_and_stroke();
                    }
                    None => {
                        self.c.stroke();
                    }
                }
            }
            Mark::Text(t) => self.text(t),
        }
    }

    /// A static item (not a trail or a track).
    fn item(&mut self, kind: &ItemKind) {
        match kind {
            ItemKind::Shape(s) => self.shape(s),
            ItemKind::Text(t) => self.text(t),
            ItemKind::Mark(m) => self.mark(m),
            ItemKind::Image { image, x, y } => {
                let Some(img) = self.picture.images.get(*image) else {
                    return;
                };
                // A hundredth of a pixel short of its far edges: renderers that snap an
                // image's box outwards to whole pixels (poppler) would otherwise stretch it by
                // a row and a column; everywhere else the difference does not show.
                let (w, h) = (img.width as f32 - 0.01, img.height as f32 - 0.01);
                self.c.save_state();
                self.c
                    .transform([w, 0.0, 0.0, -h, *x as f32, *y as f32 + h]);
                self.c.x_object(Name(format!("I{image}").as_bytes()));
                self.c.restore_state();
            }
            ItemKind::Trail(_) | ItemKind::Track(_) => {}
        }
    }

    /// The segments of steps `lo ..= hi` of a group's pieces, in stacking order.
    fn trail_steps(&mut self, group: &TrailGroup, lo: usize, hi: usize) {
        for (piece, colour, width) in &group.pieces {
            let last = piece.points.len() - 1;
            // Point i (from 1) ends the segment of step start + i − 1.
            let first_i = lo.saturating_sub(piece.start) + 1;
            let last_i = (hi + 1).saturating_sub(piece.start).min(last);
            if hi < piece.start || first_i > last_i {
                continue;
            }
            self.stroke(*colour, *width, true);
            self.polyline(&piece.points[first_i - 1..=last_i]);
            self.c.stroke();
        }
    }

    fn finish(self) -> Vec<u8> {
        self.c.finish().into_vec()
    }
}

/// Flate (zlib) compression of content streams, with one compressor reused from stream to
/// stream (allocating one costs about as much as compressing a glyph's outline).
struct Deflater(Box<CompressorOxide>);

impl Deflater {
    fn new() -> Self {
        // Level 6, a zlib header, the default strategy.
        Deflater(Box::new(CompressorOxide::new(
            create_comp_flags_from_zip_params(6, 1, 0),
        )))
    }

    fn deflate(&mut self, mut input: &[u8]) -> Vec<u8> {
        self.0.reset();
        let mut out = vec![0; (input.len() / 2).max(64)];
        let mut at = 0;
        loop {
            let (status, read, written) =
                compress(&mut self.0, input, &mut out[at..], TDEFLFlush::Finish);
            at += written;
            input = &input[read..];
            match status {
                TDEFLStatus::Done => {
                    out.truncate(at);
                    return out;
                }
                TDEFLStatus::Okay => {
                    if out.len() - at < 64 {
                        out.resize(out.len() * 2, 0);
                    }
                }
                // Compressing into memory has no other outcome but a defect.
                other => panic!("deflate failed: {other:?}"),
            }
        }
    }
}

/// The pixels of a non-interlaced 8-bit PNG, RGB or indexed, as PDF takes them: the
/// concatenated IDAT data (a zlib stream of rows, each with its PNG filter byte, which PDF
/// decodes with `/Predictor 15`) and, for an indexed PNG, its palette (RGB triples).
#[derive(Debug, PartialEq)]
struct PngRows {
    idat: Vec<u8>,
    palette: Option<Vec<u8>>,
}

/// The rows of `png` (see [`PngRows`]); `None` for any other PNG.
fn png_rows(png: &[u8]) -> Option<PngRows> {
    let mut rest = png.strip_prefix(b"\x89PNG\r\n\x1a\n")?;
    let mut idat = Vec::new();
    // The colour type: 2 (RGB) or 3 (indexed), at bit depth 8 without interlacing.
    let mut colour_type = None;
    let mut palette = None;
    while rest.len() >= 12 {
        let len = u32::from_be_bytes(rest[..4].try_into().ok()?) as usize;
        let kind = &rest[4..8];
        let data = rest.get(8..8 + len)?;
        match kind {
            b"IHDR" if data.len() == 13 && data[8] == 8 && data[12] == 0 => {
                colour_type = Some(data[9]).filter(|&t| t == 2 || t == 3);
            }
            b"PLTE" if len % 3 == 0 && (3..=3 * 256).contains(&len) => {
                palette = Some(data.to_vec());
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        rest = rest.get(8 + len + 4..)?;
    }
    if idat.is_empty() {
        return None;
    }
    match colour_type? {
        2 => Some(PngRows {
            idat,
            palette: None,
        }),
        _ => Some(PngRows {
            idat,
            palette: Some(palette?),
        }),
    }
}

/// The bounding box of a glyph outline, font units.
fn outline_bounds(segments: &[Segment]) -> Rect {
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    let mut add = |p: [f32; 2]| {
        x0 = x0.min(p[0]);
        y0 = y0.min(p[1]);
        x1 = x1.max(p[0]);
        y1 = y1.max(p[1]);
    };
    for s in segments {
        match *s {
            Segment::MoveTo(a) | Segment::LineTo(a) => add(a),
            Segment::QuadTo(b, a) => {
                add(b);
                add(a);
            }
            Segment::CubicTo(b, c, a) => {
                add(b);
                add(c);
                add(a);
            }
            Segment::Close => {}
        }
    }
    if x0 > x1 {
        return Rect::new(0.0, 0.0, 0.0, 0.0);
    }
    Rect::new(x0.floor(), y0.floor(), x1.ceil(), y1.ceil())
}

/// A glyph outline as a filled path, font units (quadratic curves raised to cubic).
fn glyph_content(segments: &[Segment]) -> Vec<u8> {
    let mut c = Content::new();
    let mut last = [0.0f32; 2];
    for s in segments {
        match *s {
            Segment::MoveTo(a) => {
                c.move_to(a[0], a[1]);
                last = a;
            }
            Segment::LineTo(a) => {
                c.line_to(a[0], a[1]);
                last = a;
            }
            Segment::QuadTo(b, a) => {
                let c1 = [
                    last[0] + 2.0 / 3.0 * (b[0] - last[0]),
                    last[1] + 2.0 / 3.0 * (b[1] - last[1]),
                ];
                let c2 = [
                    a[0] + 2.0 / 3.0 * (b[0] - a[0]),
                    a[1] + 2.0 / 3.0 * (b[1] - a[1]),
                ];
                c.cubic_to(r2(c1[0]), r2(c1[1]), r2(c2[0]), r2(c2[1]), a[0], a[1]);
                last = a;
            }
            Segment::CubicTo(b, d, a) => {
                c.cubic_to(b[0], b[1], d[0], d[1], a[0], a[1]);
                last = a;
            }
            Segment::Close => {
                c.close_path();
            }
        }
    }
    c.fill_nonzero();
    c.finish().into_vec()
}

/// The picture as a PDF, one page per step (`steps + 1` pages, page k showing step k), each
/// page `width × height` points (one point per pixel). `png` encodes the picture's images.
pub fn frames(picture: &Picture, png: &dyn Fn(&Image) -> Vec<u8>) -> Vec<u8> {
    let steps = picture.steps;
    let (w, h) = (picture.width as f32, picture.height as f32);
    let mut next = 0;
    let mut alloc = || {
        next += 1;
        Ref::new(next)
    };
    let catalog = alloc();
    let tree = alloc();

    // Shared names: glyphs of every text (static or in a track at any step), alphas.
    let mut names = Names::default();
    let mut track_marks: BTreeMap<usize, Vec<Vec<Mark>>> = BTreeMap::new();
    for (index, item) in picture.items.iter().enumerate() {
        if let ItemKind::Track(t) = &item.kind {
            let clip = picture.clip_of(item);
            let per_step = (0..=steps)
                .map(|step| {
                    let mut out = Vec::new();
                    picture.track_marks(t, clip, step, &mut out);
                    out
                })
                .collect();
            track_marks.insert(index, per_step);
        }
    }
    let mut glyphs: std::collections::BTreeSet<(u8, u16)> = std::collections::BTreeSet::new();
    let texts = picture
        .items
        .iter()
        .filter_map(|i| match &i.kind {
            ItemKind::Text(t) | ItemKind::Mark(Mark::Text(t)) => Some(t),
            _ => None,
        })
        .chain(
            track_marks
                .values()
                .flatten()
                .flatten()
                .filter_map(|m| match m {
                    Mark::Text(t) => Some(t),
                    _ => None,
                }),
        );
    for t in texts {
        svg::text_glyphs(t, &mut glyphs);
    }
    for (font, id) in glyphs {
        if !picture.fonts.outline(font, id).segments.is_empty() {
            let n = names.glyphs.len();
            names.glyphs.insert((font, id), n);
        }
    }
    for item in &picture.items {
        if let ItemKind::Shape(s) = &item.kind {
            let a = (
                s.fill.map_or(255, Colour::alpha),
                s.stroke.map_or(255, |k| k.colour.alpha()),
            );
            if a != (255, 255) && !names.alphas.contains_key(&a) {
                let n = names.alphas.len();
                names.alphas.insert(a, n);
            }
        }
    }

    // What a page draws: static stretches as forms, the trails, the tracks.
    let mut ops: Vec<Op> = Vec::new();
    let mut static_forms: Vec<Vec<u8>> = Vec::new();
    let mut groups: Vec<TrailGroup> = Vec::new();
    let pieces = picture.trail_pieces();
    let mut current: Option<Painter> = None;
    for index in picture.painting_order() {
        let item = &picture.items[index];
        if item.is_static() {
            let p = current.get_or_insert_with(|| Painter::new(picture, &names));
            p.c.save_state();
            p.clip(item.clip);
            p.item(&item.kind);
            p.c.restore_state();
            continue;
        }
        if let Some(p) = current.take() {
            ops.push(Op::Static(static_forms.len()));
            static_forms.push(p.finish());
        }
        match &item.kind {
            ItemKind::Trail(_) if !groups.iter().any(|g| g.clip == item.clip) => {
                let group = picture.trails_in(item.clip);
                let rect = picture.clip_of(item);
                let cut = svg::trail_pieces(&group, &pieces, rect, steps)
                    .into_iter()
                    .filter_map(|p| match &picture.items[p.item].kind {
                        ItemKind::Trail(t) => Some((p, t.colour, t.width)),
                        _ => None,
                    })
                    .collect();
                ops.push(Op::Trails(groups.len()));
                groups.push(TrailGroup {
                    clip: item.clip,
                    pieces: cut,
                    blocks: Vec::new(),
                });
            }
            ItemKind::Track(_) => ops.push(Op::Track(index)),
            _ => {}
        }
    }
    if let Some(p) = current.take() {
        ops.push(Op::Static(static_forms.len()));
        static_forms.push(p.finish());
    }
    // Complete blocks of trail segments, each a form.
    let block = block_len(steps);
    let mut block_forms: Vec<Vec<u8>> = Vec::new();
    for g in &mut groups {
        for b in 0..steps / block {
            let mut p = Painter::new(picture, &names);
            p.trail_steps(g, b * block + 1, (b + 1) * block);
            g.blocks.push(block_forms.len());
            block_forms.push(p.finish());
        }
    }

    // The pages' contents, in parallel.
    let contents: Vec<Vec<u8>> = (0..=steps)
        .into_par_iter()
        .map_init(Deflater::new, |deflater, step| {
            let mut p = Painter::new(picture, &names);
            p.c.transform([1.0, 0.0, 0.0, -1.0, 0.0, h]);
            for op in &ops {
                match op {
                    Op::Static(n) => {
                        p.c.x_object(Name(format!("S{n}").as_bytes()));
                    }
                    Op::Trails(g) => {
                        let g = &groups[*g];
                        p.c.save_state();
                        p.clip(g.clip);
                        let done = step / block;
                        for b in &g.blocks[..done.min(g.blocks.len())] {
                            p.c.x_object(Name(format!("T{b}").as_bytes()));
                        }
                        if step > done * block {
                            p.trail_steps(g, done * block + 1, step);
                        }
                        p.c.restore_state();
                    }
                    Op::Track(index) => {
                        p.c.save_state();
                        p.clip(picture.items[*index].clip);
                        for m in &track_marks[index][step] {
                            p.mark(m);
                        }
                        p.c.restore_state();
                    }
                }
            }
            deflater.deflate(&p.finish())
        })
        .collect();

    // The document: PDF 1.4 (nothing here is newer: form XObjects, Flate with PNG predictors,
    // constant alpha), which pdfLaTeX includes without a warning.
    let mut pdf = Pdf::new();
    pdf.set_version(1, 4);
    let image_refs: Vec<Ref> = picture.images.iter().map(|_| alloc()).collect();
    let glyph_refs: Vec<Ref> = names.glyphs.iter().map(|_| alloc()).collect();
    let static_refs: Vec<Ref> = static_forms.iter().map(|_| alloc()).collect();
    let block_refs: Vec<Ref> = block_forms.iter().map(|_| alloc()).collect();
    let alpha_refs: Vec<Ref> = names.alphas.iter().map(|_| alloc()).collect();
    let page_refs: Vec<(Ref, Ref)> = (0..=steps).map(|_| (alloc(), alloc())).collect();

    pdf.catalog(catalog).pages(tree);
    {
        let mut pages = pdf.pages(tree);
        pages
            .kids(page_refs.iter().map(|(p, _)| *p))
            .count((steps + 1) as i32);
        let mut res = pages.resources();
        {
            let mut x = res.x_objects();
            for (i, r) in image_refs.iter().enumerate() {
                x.pair(Name(format!("I{i}").as_bytes()), *r);
            }
            for (n, r) in glyph_refs.iter().enumerate() {
                x.pair(Name(format!("G{n}").as_bytes()), *r);
            }
            for (n, r) in static_refs.iter().enumerate() {
                x.pair(Name(format!("S{n}").as_bytes()), *r);
            }
            for (n, r) in block_refs.iter().enumerate() {
                x.pair(Name(format!("T{n}").as_bytes()), *r);
            }
        }
        if !alpha_refs.is_empty() {
            let mut gs = res.ext_g_states();
            for (n, r) in alpha_refs.iter().enumerate() {
                gs.pair(Name(format!("A{n}").as_bytes()), *r);
            }
        }
    }
    let mut deflater = Deflater::new();
    for (img, r) in picture.images.iter().zip(&image_refs) {
        let (data, palette, predicted) = match png_rows(&png(img)) {
            Some(PngRows { idat, palette }) => (idat, palette, true),
            None => (deflater.deflate(&img.rgb), None, false),
        };
        let mut x = pdf.image_xobject(*r, &data);
        x.filter(Filter::FlateDecode);
        x.width(img.width as i32).height(img.height as i32);
        match &palette {
            Some(p) => x
                .color_space()
                .indexed(Name(b"DeviceRGB"), (p.len() / 3) as i32 - 1, p),
            None => x.color_space().device_rgb(),
        }
        x.bits_per_component(8);
        if predicted {
            x.decode_parms()
                .predictor(pdf_writer::types::Predictor::PngOptimum)
                .colors(if palette.is_some() { 1 } else { 3 })
                .bits_per_component(8)
                .columns(img.width as i32);
        }
        x.finish();
    }
    for ((&(font, id), _), r) in names.glyphs.iter().zip(&glyph_refs) {
        let outline = picture.fonts.outline(font, id);
        let data = deflater.deflate(&glyph_content(&outline.segments));
        let mut f = pdf.form_xobject(*r, &data);
        f.filter(Filter::FlateDecode);
        f.bbox(outline_bounds(&outline.segments));
        f.finish();
    }
    let page_box = Rect::new(0.0, 0.0, w, h);
    for (content, r) in static_forms
        .iter()
        .chain(&block_forms)
        .zip(static_refs.iter().chain(&block_refs))
    {
        let data = deflater.deflate(content);
        let mut f = pdf.form_xobject(*r, &data);
        f.filter(Filter::FlateDecode);
        // The form draws in the page's flipped space: its box is the canvas there.
        f.bbox(Rect::new(0.0, 0.0, w, h));
        f.finish();
    }
    for ((&(fill, stroke), _), r) in names.alphas.iter().zip(&alpha_refs) {
        pdf.ext_graphics(*r)
            .non_stroking_alpha(unit(fill))
            .stroking_alpha(unit(stroke));
    }
    for ((page, content), data) in page_refs.iter().zip(&contents) {
        pdf.page(*page)
            .parent(tree)
            .media_box(page_box)
            .contents(*content);
        pdf.stream(*content, data).filter(Filter::FlateDecode);
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_grow_with_the_square_root_of_the_steps() {
        assert_eq!(block_len(60), 16);
        assert_eq!(block_len(10_000), 100);
    }

    /// The rows of an RGB PNG and of an indexed one (with its palette) are what PDF decodes:
    /// a filter byte and the row's samples; anything else is refused.
    #[test]
    fn png_rows_are_read_from_rgb_and_indexed_pngs_only() {
        let few = Image {
            width: 3,
            height: 2,
            rgb: [[10, 20, 30], [40, 50, 60]].repeat(3).concat(),
        };
        let rows = png_rows(&crate::encode::png::encode_image(&few)).expect("an indexed PNG");
        assert_eq!(rows.palette, Some(vec![10, 20, 30, 40, 50, 60]));
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&rows.idat).unwrap();
        assert_eq!(raw, [0, 0, 1, 0, 0, 1, 0, 1]);
        let rgb = crate::encode::png::encode_rgb(&few.rgb, 3, 2).unwrap();
        let rows = png_rows(&rgb).expect("an RGB PNG");
        assert_eq!(rows.palette, None);
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&rows.idat).unwrap();
        // Each row: a filter byte and 3 RGB pixels.
        assert_eq!(raw.len(), 2 * (1 + 9));
        assert_eq!(png_rows(b"not a png"), None);
        assert_eq!(png_rows(&rgb[..rgb.len() / 2]), None);
    }

    /// The page count, one image object shared by all pages, and the same bytes twice.
    #[test]
    fn one_page_per_step_and_the_surface_once() {
        let (_, figure) = crate::render::shipped_figure("nesterov_lookahead");
        let picture = &figure.picture;
        let pdf = frames(picture, &crate::encode::png::encode_image);
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.starts_with("%PDF-"));
        assert_eq!(
            text.matches("/Type /Page\n").count()
                + text.matches("/Type /Page ").count()
                + text.matches("/Type /Page>").count(),
            picture.steps + 1,
        );
        assert_eq!(text.matches("/Subtype /Image").count(), 1);
        assert_eq!(
            text.matches(&format!("/Count {}", picture.steps + 1))
                .count(),
            1
        );
        assert_eq!(pdf, frames(picture, &crate::encode::png::encode_image));
    }
}
