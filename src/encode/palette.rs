//! One global GIF palette per animation, built once and deterministically.
//!
//! The palette holds the colours that must stay exact (run colours, ink, white) and the most
//! common colours of the sample frames exactly (the flat contour bands), and fills the remaining
//! entries by a weighted median cut of everything else (anti-aliased edges). Inputs are sorted
//! before use, never iterated in hash order, so the palette is the same on every run and with
//! every thread count. The last index is reserved for transparency.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fast hasher for 24-bit colour keys (the histogram is sorted before use, so the hash never
/// affects the result).
#[derive(Default)]
struct ColourHasher(u64);

impl Hasher for ColourHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, k: u32) {
        self.0 = u64::from(k).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// At most this many colours; index 255 is the transparent one.
pub const MAX_COLOURS: usize = 255;

/// How many of the most frequent colours are kept exactly before the median cut.
const EXACT_SLOTS: usize = 96;

/// Weighted colour counts (what the palette must represent well).
#[derive(Default)]
pub struct Histogram {
    counts: HashMap<u32, u64, BuildHasherDefault<ColourHasher>>,
}

impl Histogram {
    pub fn add(&mut self, c: [u8; 3], weight: u64) {
        *self.counts.entry(key(c)).or_insert(0) += weight;
    }

    /// Adds each colour with its weight, a run of one colour at once (flat bands repeat a
    /// colour over many pixels in a row): the counts are those of adding them one by one.
    pub fn add_runs(&mut self, colours: impl IntoIterator<Item = ([u8; 3], u64)>) {
        let mut run: Option<([u8; 3], u64)> = None;
        for (c, weight) in colours {
            match &mut run {
                Some((last, n)) if *last == c => *n += weight,
                _ => {
                    if let Some((last, n)) = run.replace((c, weight)) {
                        self.add(last, n);
                    }
                }
            }
        }
        if let Some((last, n)) = run {
            self.add(last, n);
        }
    }
}

/// A global palette with nearest-colour lookup.
#[derive(Debug, Clone, PartialEq)]
pub struct Palette {
    colours: Vec<[u8; 3]>,
}

fn key(c: [u8; 3]) -> u32 {
    (u32::from(c[0]) << 16) | (u32::from(c[1]) << 8) | u32::from(c[2])
}

fn unkey(k: u32) -> [u8; 3] {
    [(k >> 16) as u8, (k >> 8) as u8, k as u8]
}

impl Palette {
    /// Builds the palette from RGBA sample images and the colours that must be exact.
    pub fn build(samples: &[&[u8]], forced: &[[u8; 3]]) -> Palette {
        let mut h = Histogram::default();
        for image in samples {
            h.add_runs(image.chunks_exact(4).map(|px| ([px[0], px[1], px[2]], 1)));
        }
        Palette::from_histogram(h, forced)
    }

    /// Builds the palette from a colour histogram and the colours that must be exact.
    pub fn from_histogram(h: Histogram, forced: &[[u8; 3]]) -> Palette {
        // Deterministic order: by count (descending), then by colour.
        let mut histogram: Vec<(u32, u64)> = h.counts.into_iter().collect();
        histogram.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));

        let mut colours: Vec<[u8; 3]> = Vec::new();
        // The keys of `colours`, looked up once per histogram colour (thousands of them).
        let mut taken: std::collections::HashSet<u32, BuildHasherDefault<ColourHasher>> =
            Default::default();
        for c in forced {
            if colours.len() < MAX_COLOURS && taken.insert(key(*c)) {
                colours.push(*c);
            }
        }
        let mut rest: Vec<(u32, u64)> = Vec::new();
        for &(k, n) in &histogram {
            if taken.contains(&k) {
                continue;
            }
            let exact =
                colours.len() < EXACT_SLOTS.max(forced.len()) || histogram.len() <= MAX_COLOURS;
            if exact && colours.len() < MAX_COLOURS {
                colours.push(unkey(k));
                taken.insert(k);
                continue;
            }
            rest.push((k, n));
        }
        let free = MAX_COLOURS - colours.len();
        if !rest.is_empty() && free > 0 {
            colours.extend(median_cut(rest, free));
        }
        // Sorted exact duplicates cannot occur, but the cut may land on an existing colour.
        let mut seen = std::collections::BTreeSet::new();
        colours.retain(|c| seen.insert(key(*c)));
        Palette { colours }
    }

    /// The palette colours (at most 255).
    pub fn colours(&self) -> &[[u8; 3]] {
        &self.colours
    }

    /// The transparent index (one past the last colour).
    pub fn transparent_index(&self) -> u8 {
        self.colours.len() as u8
    }

    /// The GIF global colour table: the colours, then a filler entry for the transparent index.
    pub fn table(&self) -> Vec<u8> {
        let mut t: Vec<u8> = self.colours.iter().flatten().copied().collect();
        t.extend_from_slice(&[0, 0, 0]);
        t
    }

    /// The index of the colour nearest to `c` (perceptually weighted RGB distance; ties go to
    /// the lower index).
    pub fn nearest(&self, c: [u8; 3]) -> u8 {
        let mut best = 0;
        let mut best_d = u32::MAX;
        for (i, p) in self.colours.iter().enumerate() {
            let dr = i32::from(p[0]) - i32::from(c[0]);
            let dg = i32::from(p[1]) - i32::from(c[1]);
            let db = i32::from(p[2]) - i32::from(c[2]);
            let d = (2 * dr * dr + 4 * dg * dg + 3 * db * db) as u32;
            if d < best_d {
                best_d = d;
                best = i;
                if d == 0 {
                    break;
                }
            }
        }
        best as u8
    }
}

/// A memo of nearest-colour look-ups: a direct-mapped table, one per thread. The answer never
/// depends on the memo, only the time does.
#[derive(Debug)]
pub struct NearestCache {
    /// `(colour key + 1, index)`; key 0 marks an empty slot.
    slots: Vec<(u32, u8)>,
}

impl Default for NearestCache {
    fn default() -> Self {
        NearestCache {
            slots: vec![(0, 0); 1 << 14],
        }
    }
}

impl NearestCache {
    pub fn index(&mut self, palette: &Palette, c: [u8; 3]) -> u8 {
        let k = key(c) + 1;
        let slot = (k.wrapping_mul(0x9E37_79B1) >> 18) as usize;
        let entry = &mut self.slots[slot];
        if entry.0 != k {
            *entry = (k, palette.nearest(c));
        }
        entry.1
    }
}

/// A box of median cut: its colours with their counts, its widest channel, and its extent along
/// that channel times its weight (which box is split next), worked out once when the box is
/// made (a box is only ever split, never changed).
struct ColourBox {
    items: Vec<(u32, u64)>,
    channel: usize,
    score: u64,
}

impl ColourBox {
    fn new(items: Vec<(u32, u64)>) -> Self {
        let (channel, extent) = widest_channel(&items);
        let weight: u64 = items.iter().map(|x| x.1).sum();
        ColourBox {
            items,
            channel,
            score: u64::from(extent) * weight,
        }
    }
}

/// Weighted median cut of `(colour, count)` into at most `n` colours (weighted means).
fn median_cut(mut items: Vec<(u32, u64)>, n: usize) -> Vec<[u8; 3]> {
    items.sort_unstable();
    let mut boxes = vec![ColourBox::new(items)];
    while boxes.len() < n {
        // Split the box with the largest weighted extent.
        let Some((bi, channel)) = boxes
            .iter()
            .enumerate()
            .filter(|(_, b)| b.items.len() > 1)
            .map(|(i, b)| (i, b.channel, b.score))
            .max_by(|a, b| a.2.cmp(&b.2).then(b.0.cmp(&a.0)))
            .map(|(i, ch, _)| (i, ch))
        else {
            break;
        };
        let mut b = boxes.swap_remove(bi).items;
        b.sort_by_key(|&(k, _)| (unkey(k)[channel], k));
        let total: u64 = b.iter().map(|x| x.1).sum();
        let mut acc = 0;
        let mut cut = 1;
        for (i, x) in b.iter().enumerate() {
            acc += x.1;
            if acc * 2 >= total {
                cut = (i + 1).clamp(1, b.len() - 1);
                break;
            }
        }
        let tail = b.split_off(cut);
        boxes.push(ColourBox::new(b));
        boxes.push(ColourBox::new(tail));
    }
    boxes
        .iter()
        .map(|ColourBox { items: b, .. }| {
            let total: u64 = b.iter().map(|x| x.1).sum::<u64>().max(1);
            let mut sum = [0u64; 3];
            for &(k, n) in b {
                let c = unkey(k);
                for i in 0..3 {
                    sum[i] += u64::from(c[i]) * n;
                }
            }
            [0, 1, 2].map(|i| ((sum[i] + total / 2) / total) as u8)
        })
        .collect()
}

fn widest_channel(b: &[(u32, u64)]) -> (usize, u8) {
    let mut lo = [255u8; 3];
    let mut hi = [0u8; 3];
    for &(k, _) in b {
        let c = unkey(k);
        for i in 0..3 {
            lo[i] = lo[i].min(c[i]);
            hi[i] = hi[i].max(c[i]);
        }
    }
    (0..3)
        .map(|i| (i, hi[i] - lo[i]))
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .unwrap_or((0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Colours added a run at a time are counted as colours added one by one.
    #[test]
    fn runs_are_counted_as_single_adds() {
        let colours: Vec<([u8; 3], u64)> = (0..2000u32)
            .map(|k| {
                (
                    [(k / 7 % 5) as u8, (k / 50 % 3) as u8, 9],
                    u64::from(k % 4 + 1),
                )
            })
            .collect();
        let mut one_by_one = Histogram::default();
        for &(c, w) in &colours {
            one_by_one.add(c, w);
        }
        let mut by_runs = Histogram::default();
        by_runs.add_runs(colours.iter().copied());
        assert_eq!(by_runs.counts, one_by_one.counts);
        assert_eq!(by_runs.counts.len(), 15);
        let mut empty = Histogram::default();
        empty.add_runs(std::iter::empty());
        assert!(empty.counts.is_empty());
    }

    fn image(colours: &[[u8; 3]]) -> Vec<u8> {
        colours
            .iter()
            .flat_map(|c| [c[0], c[1], c[2], 255])
            .collect()
    }

    #[test]
    fn few_colours_are_kept_exactly_with_forced_first() {
        let img = image(&[[1, 2, 3], [1, 2, 3], [200, 100, 0], [9, 9, 9]]);
        let p = Palette::build(&[&img], &[[255, 0, 0]]);
        assert_eq!(p.colours()[0], [255, 0, 0]);
        assert_eq!(p.colours().len(), 4);
        for c in [[1, 2, 3], [200, 100, 0], [9, 9, 9], [255, 0, 0]] {
            assert_eq!(p.colours()[p.nearest(c) as usize], c);
        }
        assert_eq!(p.transparent_index(), 4);
        assert_eq!(p.table().len(), 15);
    }

    #[test]
    fn many_colours_fit_in_255_and_are_deterministic() {
        let colours: Vec<[u8; 3]> = (0..5000u32)
            .map(|i| {
                [
                    (i * 7 % 256) as u8,
                    (i * 13 % 256) as u8,
                    (i * 31 % 256) as u8,
                ]
            })
            .collect();
        let img = image(&colours);
        let a = Palette::build(&[&img], &[[0, 114, 178]]);
        let b = Palette::build(&[&img], &[[0, 114, 178]]);
        assert_eq!(a, b);
        assert!(a.colours().len() <= MAX_COLOURS);
        assert!(a.colours().len() > 200);
        assert_eq!(
            a.colours()[a.nearest([0, 114, 178]) as usize],
            [0, 114, 178]
        );
        // Every colour maps to a palette entry reasonably near it.
        for c in &colours {
            let q = a.colours()[a.nearest(*c) as usize];
            let d: i32 = (0..3)
                .map(|i| (i32::from(q[i]) - i32::from(c[i])).abs())
                .max()
                .unwrap();
            assert!(d < 96, "{c:?} → {q:?}");
        }
    }
}
