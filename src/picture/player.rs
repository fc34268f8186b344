//! The display list as a player draws it: an SVG document of the static items (written by
//! [`super::svg::document`], as the SVG output is) with an empty group where each clip's trails
//! and each track go, and, as compact JSON, what those groups hold at every step. The player's
//! script (`crate::player`) only draws what this data says; it knows nothing of optimizers,
//! surfaces or markers.
//!
//! - **Trails** are the pieces the SVG writer strokes (see [`super::TrailPieces`]): each is one
//!   `<path>` in its clip's group, its points listed once; at step k a piece that starts at
//!   step s ≤ k shows its first k − s + 2 points. Pieces are stacked as the raster painter
//!   paints the segments, so crossing paths lie as in the frames.
//! - **Tracks** (heads, teaching overlays, the step counter) are evaluated at every step by the
//!   same code the frames use ([`super::Picture::track_marks`]). Each marker is written once as
//!   a template centred on the origin (`<g id="mN">` in `<defs>`) and placed per step with
//!   `<use>`; a text (the counter) is a list of glyphs, each glyph's outline defined once and
//!   composed per step at the position the text engine gave it, so "step k / n" looks exactly
//!   like the frames' counter.
//! - **Visibility**: when a reader shows some runs only (sliders over a sweep), the heads a
//!   panel shares are evaluated for each set of visible runs, so coinciding heads are cut into
//!   wedges for the runs actually shown; trails and overlays name their run and are hidden
//!   whole.
//!
//! The groups are filled with the poster step, so the document shows a frame even where no
//! script runs. Numbers have at most two decimals, as in the SVG, and nothing depends on
//! hashing order or threads: the same picture gives the same bytes.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use super::mark::{Mark, Rgb};
use super::svg::{self, Animated};
use super::{Image, ItemKind, Picture, Rotation, Text, Track, Trail};

/// The player's picture: the SVG document, and the data of every step, written as JSON where
/// the page wants it ([`Animation::write_json`]: a long animation's data is tens of megabytes,
/// written once, straight into the page).
pub struct Animation {
    /// The SVG document (no XML declaration: it goes inline into HTML).
    pub svg: String,
    steps: usize,
    /// Each item's run (`None` for what runs share), by item index.
    runs: Vec<Option<usize>>,
    pieces: Vec<(Option<usize>, Vec<svg::TrailPiece>)>,
    tracks: Vec<(usize, TrackSteps)>,
    collected: Collected,
}

impl Animation {
    /// Appends what the groups hold at every step to `j`, as a JSON object:
    ///
    /// ```text
    /// { "steps": n,
    ///   "glyphs": ["g0-83", ...],                      glyph ids, for texts
    ///   "texts": [[fill, [scale, glyph, dx, dy, ...], ...], ...],
    ///   "trails": [[[run, start, [x0, y0, x1, y1, ...]], ...], ...],   per group (`trN`), per piece
    ///   "tracks": [[run, [[[kind, i, x, y, ...], ...], ...]], ...] }   per group (`tkN`): its run,
    ///             then per set of visible runs, per step, the markers placed: kind 0 is template
    ///             `mI` placed with `<use>` at (x, y), kind 1 text I with its pen at (x, y)
    /// ```
    ///
    /// `run` is the run index, or −1 for what runs share.
    ///
    /// It holds numbers, colours and glyph ids only: no `<`, so it may go into a `<script>`
    /// element as it is.
    pub fn write_json(&self, j: &mut String) {
        let Animation {
            steps,
            runs,
            pieces,
            tracks,
            collected,
            ..
        } = self;
        let run_of = |index: usize| -> i64 { runs[index].map_or(-1, |r| r as i64) };
        let _ = write!(j, "{{\"steps\":{steps},\"glyphs\":[");
        for (k, (font, id)) in collected.glyphs.iter().enumerate() {
            let _ = write!(
                j,
                "{}\"{}\"",
                if k == 0 { "" } else { "," },
                svg::GlyphId(*font, *id)
            );
        }
        j.push_str("],\"texts\":[");
        for (k, text) in collected.texts.iter().enumerate() {
            if k > 0 {
                j.push(',');
            }
            text.write_json(j);
        }
        j.push_str("],\"trails\":[");
        for (g, (_, group)) in pieces.iter().enumerate() {
            j.push_str(if g == 0 { "[" } else { ",[" });
            for (p, piece) in group.iter().enumerate() {
                let _ = write!(
                    j,
                    "{}[{},{},[",
                    if p == 0 { "" } else { "," },
                    run_of(piece.item),
                    piece.start
                );
                for (k, (x, y)) in piece.points.iter().enumerate() {
                    let _ = write!(
                        j,
                        "{}{},{}",
                        if k == 0 { "" } else { "," },
                        svg::Num(*x),
                        svg::Num(*y)
                    );
                }
                j.push_str("]]");
            }
            j.push(']');
        }
        j.push_str("],\"tracks\":[");
        for (t, (index, variants)) in tracks.iter().enumerate() {
            let _ = write!(j, "{}[{},[", if t == 0 { "" } else { "," }, run_of(*index));
            for (v, steps) in variants.iter().enumerate() {
                j.push_str(if v == 0 { "[" } else { ",[" });
                for (s, placed) in steps.iter().enumerate() {
                    j.push_str(if s == 0 { "[" } else { ",[" });
                    for (k, p) in placed.iter().enumerate() {
                        let (kind, i, (x, y)) = match *p {
                            Placed::Template(i, at) => (0, i, at),
                            Placed::Text(i, at) => (1, i, at),
                        };
                        let _ = write!(
                            j,
                            "{}{kind},{i},{},{}",
                            if k == 0 { "" } else { "," },
                            svg::Num::of(x),
                            svg::Num::of(y)
                        );
                    }
                    j.push(']');
                }
                j.push(']');
            }
            j.push_str("]]");
        }
        j.push_str("]}");
    }

    /// [`Animation::write_json`] into a new string.
    pub fn json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

/// A marker placed at one step: a template (index into the templates) or a text (index into
/// the texts), at a point.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Placed {
    Template(usize, (f32, f32)),
    Text(usize, (f32, f32)),
}

/// One track's markers: for each set of visible runs (one unless the track is a panel's heads
/// and several sets are given), for each step, what is placed.
type TrackSteps = Vec<Vec<Vec<Placed>>>;

/// Glyphs of one scale: pixels per font unit, and each glyph (index, dx, dy) from the pen.
type GlyphGroup = (f32, Vec<(usize, f32, f32)>);

/// A text as the script composes it: its colour and its glyphs relative to its pen, in groups
/// of one scale (a glyph from a fallback font has its own).
#[derive(Debug, Clone, PartialEq)]
struct TextParts {
    fill: super::Rgb,
    groups: Vec<GlyphGroup>,
}

impl TextParts {
    /// Writes `[fill, [scale, glyph, dx, dy, glyph, dx, dy, ...], [scale, ...]]`.
    fn write_json(&self, json: &mut String) {
        let _ = write!(json, "[\"{}\"", svg::Hex(self.fill));
        for (scale, glyphs) in &self.groups {
            let _ = write!(json, ",[{}", svg::scale(f64::from(*scale)));
            for (gi, dx, dy) in glyphs {
                let _ = write!(json, ",{gi},{},{}", svg::Num::of(*dx), svg::Num::of(*dy));
            }
            json.push(']');
        }
        json.push(']');
    }

    /// A hash that equal parts share: of the colour, the glyphs and the bits of the numbers,
    /// with −0 taken as 0 (they are equal).
    fn hash(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let bits = |v: f32| (v + 0.0).to_bits();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.fill.hash(&mut h);
        for (scale, glyphs) in &self.groups {
            bits(*scale).hash(&mut h);
            glyphs.len().hash(&mut h);
            for &(gi, dx, dy) in glyphs {
                (gi, bits(dx), bits(dy)).hash(&mut h);
            }
        }
        h.finish()
    }
}

/// Everything the templates, texts and glyphs are collected into while the steps are walked.
#[derive(Default)]
struct Collected {
    /// Marker templates as SVG, each once (a long animation's arrows are a template per
    /// step: tens of thousands).
    templates: Templates,
    /// Texts, each once, with their index by the hash of their JSON.
    texts: Vec<TextParts>,
    text_index: HashChains,
    /// Glyphs (font, id), each once, with their index.
    glyphs: Vec<(u8, u16)>,
    glyph_index: HashMap<(u8, u16), usize>,
}

impl Collected {
    fn place(&mut self, picture: &Picture, m: &Mark) -> Placed {
        match m {
            Mark::Text(t) if t.rotation == Rotation::None => {
                let parts = self.text_parts(picture, t);
                let texts = &self.texts;
                let hash = parts.hash();
                let i = match self
                    .text_index
                    .find(hash, texts.len(), |i| texts[i] == parts)
                {
                    Ok(i) => i,
                    Err(i) => {
                        self.texts.push(parts);
                        i
                    }
                };
                Placed::Text(i, (t.x, t.y))
            }
            _ => {
                let at = m.anchor();
                let mut svg_text = String::new();
                svg::mark(&mut svg_text, &m.moved_to((0.0, 0.0)), picture, None);
                Placed::Template(self.templates.index(&svg_text), at)
            }
        }
    }

    fn text_parts(&mut self, picture: &Picture, t: &Text) -> TextParts {
        let mut groups: Vec<GlyphGroup> = Vec::new();
        for g in &t.shaped.glyphs {
            if picture.fonts.outline(g.font, g.id).segments.is_empty() {
                continue;
            }
            let next = self.glyphs.len();
            let gi = *self.glyph_index.entry((g.font, g.id)).or_insert(next);
            if gi == next {
                self.glyphs.push((g.font, g.id));
            }
            let scale = picture.fonts.scale(g.font, t.shaped.size);
            match groups.last_mut() {
                Some((s, list)) if *s == scale => list.push((gi, g.x, g.y)),
                _ => groups.push((scale, vec![(gi, g.x, g.y)])),
            }
        }
        TextParts {
            fill: t.colour,
            groups,
        }
    }
}

/// Where values kept each once (by index, in the order they came) are found by their hash: the
/// first index of each hash, and for each index the next one of the same hash. A value costs a
/// few words, where a list per hash cost about 50 bytes more (a 10,000-step scene has 80,000
/// arrow templates and 10,000 counter texts).
#[derive(Default)]
struct HashChains {
    first: HashMap<u64, usize>,
    next: Vec<Option<usize>>,
}

impl HashChains {
    /// The index among the `len` values kept so far that has `hash` and that `is` accepts; or,
    /// when none does, `Err(len)`: the index the caller keeps the new value at, chained in.
    fn find(&mut self, hash: u64, len: usize, is: impl Fn(usize) -> bool) -> Result<usize, usize> {
        debug_assert_eq!(len, self.next.len());
        let mut last = None;
        let mut at = self.first.get(&hash).copied();
        while let Some(i) = at {
            if is(i) {
                return Ok(i);
            }
            last = Some(i);
            at = self.next[i];
        }
        self.next.push(None);
        match last {
            Some(l) => self.next[l] = Some(len),
            None => {
                self.first.insert(hash, len);
            }
        }
        Err(len)
    }
}

/// Texts, each once, in one buffer, found by their hash: a template costs its text and a few
/// words, where a `String` each cost about 30 bytes more.
#[derive(Default)]
struct Templates {
    text: String,
    /// Where each text ends in `text`.
    ends: Vec<usize>,
    index: HashChains,
}

impl Templates {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> &str {
        text_at(&self.text, &self.ends, i)
    }

    /// The index of `t`, added if it is new.
    fn index(&mut self, t: &str) -> usize {
        self.index_hashed(t, hash_of(t))
    }

    /// [`Templates::index`] with the hash given (texts of one hash are chained).
    fn index_hashed(&mut self, t: &str, hash: u64) -> usize {
        let (text, ends) = (&self.text, &self.ends);
        match self
            .index
            .find(hash, ends.len(), |i| text_at(text, ends, i) == t)
        {
            Ok(i) => i,
            Err(i) => {
                self.text.push_str(t);
                self.ends.push(self.text.len());
                i
            }
        }
    }
}

/// Text `i` of texts kept one after another in `text`, each ending where `ends` says.
fn text_at<'a>(text: &'a str, ends: &[usize], i: usize) -> &'a str {
    let start = if i == 0 { 0 } else { ends[i - 1] };
    &text[start..ends[i]]
}

/// A hash of `text` for looking it up (never iterated, so the order of a map keyed by it never
/// reaches the output).
fn hash_of(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// Which trail pieces and track markers show, for [`Animated`].
struct Slots<'a> {
    poster: usize,
    /// The trail pieces of each clip group, in document order: (clip, pieces).
    pieces: Vec<(Option<usize>, Vec<svg::TrailPiece>)>,
    /// Track item index → its markers.
    tracks: &'a [(usize, TrackSteps)],
    collected: &'a Collected,
}

impl Slots<'_> {
    fn placed_svg(&self, out: &mut String, placed: &Placed) {
        match *placed {
            Placed::Template(i, (x, y)) => {
                let _ = writeln!(
                    out,
                    r##"<use xlink:href="#m{i}" x="{}" y="{}"/>"##,
                    svg::Num::of(x),
                    svg::Num::of(y)
                );
            }
            Placed::Text(i, (x, y)) => {
                // The glyphs placed as the script places them from the text's JSON.
                let text = &self.collected.texts[i];
                let _ = write!(out, r#"<g fill="{}">"#, svg::Hex(text.fill));
                for (scale, glyphs) in &text.groups {
                    let s = svg::scale(f64::from(*scale));
                    for &(gi, dx, dy) in glyphs {
                        let (font, id) = self.collected.glyphs[gi];
                        let _ = write!(
                            out,
                            r##"<use xlink:href="#{}" transform="matrix({s} 0 0 -{s} {} {})"/>"##,
                            svg::GlyphId(font, id),
                            svg::Num::of(x + dx),
                            svg::Num::of(y + dy)
                        );
                    }
                }
                out.push_str("</g>\n");
            }
        }
    }
}

impl Animated for Slots<'_> {
    fn glyphs(&self, _picture: &Picture, glyphs: &mut BTreeSet<(u8, u16)>) {
        glyphs.extend(self.collected.glyphs.iter().copied());
    }

    fn defs(&self, _picture: &Picture, out: &mut String) {
        let templates = &self.collected.templates;
        for i in 0..templates.len() {
            let _ = writeln!(out, r#"<g id="m{i}">{}</g>"#, templates.get(i).trim_end());
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
        let Some(slot) = self.pieces.iter().position(|(c, _)| *c == clip) else {
            return;
        };
        let _ = writeln!(
            out,
            r#"<g id="tr{slot}"{}{}>"#,
            svg::trail_group_attrs(trails),
            svg::ClipAttr(clip)
        );
        for piece in &self.pieces[slot].1 {
            let ItemKind::Trail(t) = &picture.items[piece.item].kind else {
                continue;
            };
            let shown = shown_points(piece, self.poster);
            out.push_str("<path");
            if shown >= 2 {
                out.push_str(r#" d=""#);
                svg::write_polyline_data(out, &piece.points[..shown]);
                out.push('"');
            }
            svg::write_trail_attrs(out, t, trails, colours);
            out.push_str("/>\n");
        }
        out.push_str("</g>\n");
    }

    fn track(&self, picture: &Picture, out: &mut String, index: usize) {
        let Some(slot) = self.tracks.iter().position(|(i, _)| *i == index) else {
            return;
        };
        let clip = picture.items[index].clip;
        let _ = writeln!(out, r#"<g id="tk{slot}"{}>"#, svg::ClipAttr(clip));
        if let Some(step) = self.tracks[slot].1.first().and_then(|c| c.get(self.poster)) {
            for placed in step {
                self.placed_svg(out, placed);
            }
        }
        out.push_str("</g>\n");
    }

    fn tags_runs(&self) -> bool {
        true
    }
}

/// How many of a piece's points show at `step`: none before it starts, then one more per step.
fn shown_points(piece: &svg::TrailPiece, step: usize) -> usize {
    if step < piece.start {
        0
    } else {
        (step - piece.start + 2).min(piece.points.len())
    }
}

/// The player's picture of `picture`, its groups filled with step `poster`. `visible` lists the
/// sets of runs a reader may show (each a flag per run, by run index); the first is shown at
/// `poster` in the document. With one set (or none), every track is evaluated once.
pub fn animation(
    picture: &Picture,
    poster: usize,
    visible: &[Vec<bool>],
    png: &dyn Fn(&Image) -> Vec<u8>,
) -> Animation {
    let steps = picture.steps;
    let poster = poster.min(steps);
    let mut collected = Collected::default();
    // Tracks, in list order (their slots' order in the JSON).
    let mut tracks: Vec<(usize, TrackSteps)> = Vec::new();
    let mut marks = Vec::new();
    for (index, item) in picture.items.iter().enumerate() {
        let ItemKind::Track(track) = &item.kind else {
            continue;
        };
        let clip = picture.clip_of(item);
        let variants: Vec<Track> = match track {
            Track::Heads { heads, sizes } if visible.len() > 1 => visible
                .iter()
                .map(|shown| Track::Heads {
                    heads: heads
                        .iter()
                        .filter(|h| shown.get(h.run).copied().unwrap_or(true))
                        .cloned()
                        .collect(),
                    sizes: *sizes,
                })
                .collect(),
            other => vec![other.clone()],
        };
        let per_variant = variants
            .iter()
            .map(|t| {
                (0..=steps)
                    .map(|step| {
                        marks.clear();
                        picture.track_marks(t, clip, step, &mut marks);
                        marks.iter().map(|m| collected.place(picture, m)).collect()
                    })
                    .collect()
            })
            .collect();
        tracks.push((index, per_variant));
    }
    // Trails: each clip's pieces at the last step (the pieces of any step are these, cut).
    let trail_pieces = picture.trail_pieces();
    let mut pieces: Vec<(Option<usize>, Vec<svg::TrailPiece>)> = Vec::new();
    for index in picture.painting_order() {
        let item = &picture.items[index];
        if !matches!(item.kind, ItemKind::Trail(_)) || pieces.iter().any(|(c, _)| *c == item.clip) {
            continue;
        }
        let group = picture.trails_in(item.clip);
        let rect = picture.clip_of(item);
        pieces.push((
            item.clip,
            svg::trail_pieces(&group, &trail_pieces, rect, steps),
        ));
    }
    let slots = Slots {
        poster,
        pieces,
        tracks: &tracks,
        collected: &collected,
    };
    let svg = svg::document(picture, png, &slots, r#" id="picture" role="presentation""#);
    let pieces = slots.pieces;
    // The templates are in the document now; the data names them by index only (a long
    // animation's arrows are megabytes of them).
    collected.templates = Templates::default();
    Animation {
        svg,
        steps,
        runs: picture.items.iter().map(|item| item.run).collect(),
        pieces,
        tracks,
        collected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each text is kept once and found again, whatever hashes it shares.
    #[test]
    fn templates_are_kept_once_and_found_by_text() {
        let mut t = Templates::default();
        let texts: Vec<String> = (0..50).map(|k| format!("<path d=\"M{k} 0\"/>")).collect();
        for (k, text) in texts.iter().enumerate() {
            // Three hashes for fifty texts: long chains.
            assert_eq!(t.index_hashed(text, k as u64 % 3), k);
        }
        for (k, text) in texts.iter().enumerate().rev() {
            assert_eq!(t.index_hashed(text, k as u64 % 3), k);
            assert_eq!(t.get(k), text);
        }
        assert_eq!(t.len(), 50);
        assert_eq!(t.index("<g/>"), 50);
        assert_eq!(t.index("<g/>"), 50);
        assert_eq!(t.get(50), "<g/>");
    }

    fn animation_of(name: &str, visible: &[Vec<bool>]) -> (Picture, Animation) {
        let (_, figure) = crate::render::shipped_figure(name);
        let a = animation(&figure.picture, figure.picture.steps, visible, &|_| {
            Vec::new()
        });
        (figure.picture, a)
    }

    #[test]
    fn the_data_is_json_and_every_slot_is_in_the_document() {
        let (picture, a) = animation_of("gd_vs_momentum", &[]);
        let json = a.json();
        // Nothing to escape for a `<script>` element.
        assert!(!json.contains('<'));
        let data: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(data["steps"], picture.steps);
        let trails = data["trails"].as_array().unwrap();
        let tracks = data["tracks"].as_array().unwrap();
        assert_eq!(trails.len(), 1, "one clip, one group of trails");
        for k in 0..trails.len() {
            assert!(a.svg.contains(&format!("<g id=\"tr{k}\"")), "tr{k}");
        }
        for k in 0..tracks.len() {
            assert!(a.svg.contains(&format!("<g id=\"tk{k}\"")), "tk{k}");
        }
        // Heads and the counter; every track has steps + 1 steps.
        assert_eq!(tracks.len(), 2);
        for t in tracks {
            assert_eq!(t[1][0].as_array().unwrap().len(), picture.steps + 1);
        }
        // The counter composes its glyphs: a text at every step, digits defined once.
        let glyphs = data["glyphs"].as_array().unwrap();
        assert!(glyphs.len() <= 16, "{glyphs:?}");
        assert_eq!(data["texts"].as_array().unwrap().len(), picture.steps + 1);
    }

    /// At the poster step the player's document draws what the SVG of that step draws: the
    /// same paths (points and strokes) and the same markers.
    #[test]
    fn the_poster_is_the_svg_of_its_step() {
        let (_, figure) = crate::render::shipped_figure("momentum_beta_sweep");
        let picture = &figure.picture;
        for poster in [0, 7, picture.steps] {
            let a = animation(picture, poster, &[], &|_| Vec::new());
            let plain = svg::write(picture, poster, &|_| Vec::new());
            // The paths inside the trails' groups (those with round joins), with their strokes.
            let paths = |doc: &str| -> Vec<String> {
                let mut inside = false;
                let mut out = Vec::new();
                for l in doc.lines() {
                    if l.starts_with("<g") && l.contains("stroke-linejoin=\"round\"") {
                        inside = true;
                    } else if l == "</g>" {
                        inside = false;
                    } else if inside && l.starts_with("<path d=\"M") {
                        out.push(l.to_string());
                    }
                }
                out
            };
            assert_eq!(paths(&a.svg), paths(&plain), "poster {poster}");
            let circles = |doc: &str| doc.matches("<circle").count();
            let uses = a.svg.matches("<use xlink:href=\"#m").count();
            let templates_with_circles = plain.matches("<circle").count();
            assert!(uses > 0 && circles(&plain) == templates_with_circles);
        }
    }

    #[test]
    fn heads_are_evaluated_for_each_set_of_visible_runs() {
        let (_, figure) = crate::render::shipped_figure("momentum_beta_sweep");
        let runs = figure.runs.len();
        let sets: Vec<Vec<bool>> = (0..runs)
            .map(|r| (0..runs).map(|k| k == r).collect())
            .collect();
        let a = animation(&figure.picture, 0, &sets, &|_| Vec::new());
        let data: serde_json::Value = serde_json::from_str(&a.json()).unwrap();
        let heads = data["tracks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t[1].as_array().unwrap().len() == runs)
            .expect("the heads track, once per set");
        // At step 0 every run sits on the start: alone, each set shows one disc (a template),
        // where all runs together make one wedged disc.
        for set in heads[1].as_array().unwrap() {
            assert_eq!(set[0].as_array().unwrap().len(), 4, "{}", set[0]);
        }
        // Trails name their runs.
        let runs_named: BTreeSet<i64> = data["trails"][0]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[0].as_i64().unwrap())
            .collect();
        assert_eq!(runs_named.len(), runs);
    }

    #[test]
    fn same_picture_same_bytes() {
        let (_, a) = animation_of("nesterov_lookahead", &[]);
        let (_, b) = animation_of("nesterov_lookahead", &[]);
        assert_eq!(a.svg, b.svg);
        assert_eq!(a.json(), b.json());
    }
}
