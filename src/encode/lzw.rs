//! GIF's LZW compression, written for frames that are mostly "unchanged" pixels.
//!
//! A frame after the first covers the rectangle that changed, and most of its pixels did not
//! change: they may be written either as the transparent index (the previous frame shows through)
//! or as their own colour index (which is what is already shown). This encoder takes that freedom
//! ("don't care" pixels) and, at each step, extends the current string with whichever of the two
//! the dictionary already holds, which gives longer strings and smaller frames. Runs of
//! transparent pixels are skipped in one step along the dictionary's chain of transparent strings
//! T, TT, TTT, ..., so their cost is one operation per emitted code, not per pixel.
//!
//! The GIF encoder hands a frame over as it keeps it, a byte per pixel ([`Indexed`]): runs are
//! then runs of equal bytes, scanned sixteen at a time, and no pixel is spelled out but those
//! the dictionary's chains do not cover.
//!
//! The output is what [`gif::Encoder::write_lzw_pre_encoded_frame`] expects: the minimum code
//! size byte followed by the LZW code stream (LSB-first, variable width, clear code first,
//! end-of-information code last, a clear code whenever the 4096-entry dictionary is full).

/// GIF's largest code.
const MAX_CODE: u16 = 4095;
/// Open-addressing hash table size (a power of two, at least twice the dictionary).
const TABLE: usize = 1 << 13;
const EMPTY: u32 = u32::MAX;

/// One pixel to encode: its colour index, and whether it may be written transparent instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pixel {
    pub index: u8,
    pub dont_care: bool,
}

struct Dictionary {
    /// Entries `(prefix << 8 | symbol) << 12 | code`, by open addressing on the key: one word
    /// per slot, so the whole table (32 KB) stays in the L1 cache. A prefix is a code below
    /// the one being added, so at most 4094, and no entry is `EMPTY`.
    entries: Vec<u32>,
    next: u16,
    first_free: u16,
    /// `run[l - 1]` is the code of the string of `l` transparent pixels (`run[0]` is the
    /// transparent index itself).
    run: Vec<u16>,
    /// Per colour index `c`, `solid[c][l - 1]` is the code of the string of `l` pixels of
    /// colour `c` that must be written as `c` (a flat band in a first frame), as far as the
    /// encoder followed such strings as they were added. A chain is empty until its first
    /// string of two pixels is added (so a small frame allocates none of them).
    solid: Vec<Vec<u16>>,
}

impl Dictionary {
    fn new(first_free: u16, transparent: u8) -> Self {
        Dictionary {
            entries: vec![EMPTY; TABLE],
            next: first_free,
            first_free,
            run: vec![u16::from(transparent)],
            solid: vec![Vec::new(); usize::from(first_free.saturating_sub(2).min(256))],
        }
    }

    fn reset(&mut self) {
        self.entries.fill(EMPTY);
        self.next = self.first_free;
        self.run.truncate(1);
        for chain in &mut self.solid {
            chain.truncate(1);
        }
    }

    fn slot(key: u32) -> usize {
        (key.wrapping_mul(0x9E37_79B1) >> 19) as usize & (TABLE - 1)
    }

    fn get(&self, prefix: u16, symbol: u8) -> Option<u16> {
        let key = (u32::from(prefix) << 8) | u32::from(symbol);
        let mut i = Self::slot(key);
        loop {
            match self.entries[i] {
                EMPTY => return None,
                e if e >> 12 == key => return Some((e & 0xFFF) as u16),
                _ => i = (i + 1) & (TABLE - 1),
            }
        }
    }

    fn insert(&mut self, prefix: u16, symbol: u8) {
        let key = (u32::from(prefix) << 8) | u32::from(symbol);
        let mut i = Self::slot(key);
        while self.entries[i] != EMPTY {
            i = (i + 1) & (TABLE - 1);
        }
        self.entries[i] = key << 12 | u32::from(self.next);
        self.next += 1;
    }
}

struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    bits: u32,
}

impl BitWriter {
    fn put(&mut self, code: u16, width: u32) {
        self.acc |= u64::from(code) << self.bits;
        self.bits += width;
        while self.bits >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.bits -= 8;
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.bits > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// The smallest GIF minimum code size for indices up to `max_index`.
pub fn min_code_size(max_index: u8) -> u8 {
    let bits = 8 - max_index.leading_zeros() as u8;
    bits.max(2)
}

/// The pixels LZW reads, one by one or, along the dictionary's chains, as runs.
trait Source {
    fn len(&self) -> usize;
    fn pixel(&self, i: usize) -> Pixel;
    /// How many pixels from `i` on (at most `limit`) are don't-care pixels, in a row.
    fn dont_care_run(&self, i: usize, limit: usize) -> usize;
    /// How many pixels from `i` on (at most `limit`) must be written as the colour pixel `i`
    /// must be written as, in a row (pixel `i` is one that must be written).
    fn solid_run(&self, i: usize, limit: usize) -> usize;
}

/// How many of `items` pass `test`, in a row: sixteen at a time while all do (a test LLVM does
/// in a few vector instructions), then one by one.
fn run_of<T>(items: &[T], test: impl Fn(&T) -> bool) -> usize {
    let whole = items
        .chunks_exact(16)
        .take_while(|c| c.iter().fold(true, |all, q| all & test(q)))
        .count()
        * 16;
    whole + items[whole..].iter().take_while(|q| test(q)).count()
}

impl Source for [Pixel] {
    fn len(&self) -> usize {
        <[Pixel]>::len(self)
    }

    fn pixel(&self, i: usize) -> Pixel {
        self[i]
    }

    fn dont_care_run(&self, i: usize, limit: usize) -> usize {
        let items = &self[i..];
        run_of(&items[..limit.min(items.len())], |q| q.dont_care)
    }

    fn solid_run(&self, i: usize, limit: usize) -> usize {
        let items = &self[i..];
        let colour = self[i].index;
        run_of(&items[..limit.min(items.len())], |q| {
            !q.dont_care & (q.index == colour)
        })
    }
}

/// A frame as the GIF encoder keeps it: a byte per pixel, 0 for a don't-care pixel written
/// transparent, any other byte a pixel that must be written as `symbols[byte]`, which is never
/// the transparent index (so that runs are runs of equal bytes).
pub struct Indexed<'a> {
    pub bytes: &'a [u8],
    pub symbols: &'a [u8; 256],
    pub transparent: u8,
}

impl Source for Indexed<'_> {
    fn len(&self) -> usize {
        self.bytes.len()
    }

    fn pixel(&self, i: usize) -> Pixel {
        match self.bytes[i] {
            0 => Pixel {
                index: self.transparent,
                dont_care: true,
            },
            b => Pixel {
                index: self.symbols[usize::from(b)],
                dont_care: false,
            },
        }
    }

    fn dont_care_run(&self, i: usize, limit: usize) -> usize {
        let items = &self.bytes[i..];
        run_of(&items[..limit.min(items.len())], |&b| b == 0)
    }

    fn solid_run(&self, i: usize, limit: usize) -> usize {
        let items = &self.bytes[i..];
        let byte = items[0];
        run_of(&items[..limit.min(items.len())], |&b| b == byte)
    }
}

/// Encodes `pixels` (row-major) for a frame whose transparent index is `transparent`.
pub fn encode(pixels: &[Pixel], transparent: u8) -> Vec<u8> {
    // The code size follows the largest index that must be written; a don't-care pixel whose
    // own colour lies beyond it can only be written transparent.
    let max_index = pixels
        .iter()
        .filter(|p| !p.dont_care)
        .map(|p| p.index)
        .chain(std::iter::once(transparent))
        .max()
        .unwrap_or(0);
    let clear: u16 = 1 << min_code_size(max_index);
    let limited: Vec<Pixel>;
    let pixels = if pixels.iter().any(|p| u16::from(p.index) >= clear) {
        limited = pixels
            .iter()
            .map(|p| {
                if u16::from(p.index) >= clear {
                    Pixel {
                        index: transparent,
                        ..*p
                    }
                } else {
                    *p
                }
            })
            .collect();
        &limited[..]
    } else {
        pixels
    };
    encode_fitting(pixels, transparent, max_index)
}

/// [`encode`] once the code size is known: no index (transparent included) is above
/// `max_index`.
fn encode_fitting(pixels: &[Pixel], transparent: u8, max_index: u8) -> Vec<u8> {
    debug_assert!(pixels.iter().all(|p| p.index <= max_index));
    encode_source(pixels, transparent, max_index)
}

/// `encode_fitting` for a frame kept as bytes (see [`Indexed`]): no pixel is unpacked but
/// those the dictionary's chains do not cover.
pub fn encode_indexed(frame: &Indexed, max_index: u8) -> Vec<u8> {
    debug_assert!(frame.bytes.iter().all(|&b| b == 0
        || (frame.symbols[usize::from(b)] <= max_index
            && frame.symbols[usize::from(b)] != frame.transparent)));
    encode_source(frame, frame.transparent, max_index)
}

fn encode_source<S: Source + ?Sized>(pixels: &S, transparent: u8, max_index: u8) -> Vec<u8> {
    debug_assert!(transparent <= max_index);
    let m = min_code_size(max_index);
    let clear: u16 = 1 << m;
    let eoi = clear + 1;
    let mut dict = Dictionary::new(eoi + 1, transparent);
    let mut w = BitWriter {
        out: vec![m],
        acc: 0,
        bits: 0,
    };
    let mut size = u32::from(m) + 1;
    w.put(clear, size);
    if pixels.len() == 0 {
        w.put(eoi, size);
        return w.finish();
    }
    let first = pixels.pixel(0);
    // The current string: its code, and its length when it is a run of transparent pixels,
    // or when it is a run of pixels that must all be written as one colour (`solid`, of
    // colour `solid_colour`; 0 when the string is neither, or was not followed).
    let choose = |p: &Pixel| if p.dont_care { transparent } else { p.index };
    let mut cur: u16 = u16::from(choose(&first));
    let mut run_len: usize = usize::from(first.dont_care);
    let solid_start = |p: &Pixel| usize::from(!p.dont_care && p.index != transparent);
    let mut solid = solid_start(&first);
    let mut solid_colour = first.index;
    let mut i = 1;
    while i < pixels.len() {
        let p = pixels.pixel(i);
        // Fast path: extend a run of one colour along its chain, the strings of 1, 2, 3, ...
        // pixels of it, as far as the dictionary holds them: what looking each pixel up would
        // find, one step for all.
        if solid > 0 && !p.dont_care && p.index == solid_colour {
            let chain = &dict.solid[usize::from(solid_colour)];
            if solid <= chain.len() {
                let ahead = pixels.solid_run(i, chain.len() - solid);
                if ahead > 0 {
                    cur = chain[solid + ahead - 1];
                    i += ahead;
                    solid += ahead;
                    continue;
                }
            }
        }
        // Fast path: extend a transparent run along the chain of transparent strings.
        if run_len > 0 && p.dont_care {
            let ahead = pixels.dont_care_run(i, dict.run.len() - run_len);
            let reach = (run_len + ahead).min(dict.run.len());
            if reach > run_len {
                cur = dict.run[reach - 1];
                i += reach - run_len;
                run_len = reach;
                continue;
            }
        }
        // A don't-care pixel extends the string with whichever symbol the dictionary has:
        // transparent first inside a transparent run, its own colour first otherwise.
        let extended = if p.dont_care {
            let (first, second) = if run_len > 0 {
                (transparent, p.index)
            } else {
                (p.index, transparent)
            };
            dict.get(cur, first)
                .map(|c| (c, first))
                .or_else(|| dict.get(cur, second).map(|c| (c, second)))
        } else {
            dict.get(cur, p.index).map(|c| (c, p.index))
        };
        match extended {
            Some((code, symbol)) => {
                cur = code;
                solid = if solid > 0 && !p.dont_care && symbol == solid_colour {
                    solid + 1
                } else {
                    0
                };
                run_len = if run_len > 0 && symbol == transparent && p.dont_care {
                    run_len + 1
                } else {
                    0
                };
            }
            None => {
                w.put(cur, size);
                let symbol = choose(&p);
                if dict.next <= MAX_CODE {
                    // The new entry is cur + symbol; a run grows the transparent chain.
                    if run_len > 0 && run_len == dict.run.len() && symbol == transparent {
                        dict.run.push(dict.next);
                    }
                    // ... and a run of one colour grows its chain.
                    if solid > 0 && !p.dont_care && symbol == solid_colour {
                        let chain = &mut dict.solid[usize::from(solid_colour)];
                        if chain.is_empty() {
                            chain.push(u16::from(solid_colour));
                        }
                        if solid == chain.len() {
                            chain.push(dict.next);
                        }
                    }
                    dict.insert(cur, symbol);
                    if u32::from(dict.next) > (1 << size) && size < 12 {
                        size += 1;
                    }
                } else {
                    w.put(clear, size);
                    dict.reset();
                    size = u32::from(m) + 1;
                }
                cur = u16::from(symbol);
                run_len = usize::from(symbol == transparent && p.dont_care);
                solid = solid_start(&p);
                solid_colour = p.index;
            }
        }
        i += 1;
    }
    w.put(cur, size);
    w.put(eoi, size);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes one frame of `pixels` through the gif crate and returns its indices.
    fn round_trip(pixels: &[Pixel], width: u16, transparent: u8) -> Vec<u8> {
        let height = (pixels.len() / usize::from(width)) as u16;
        let mut frame = gif::Frame::from_indexed_pixels(
            width,
            height,
            vec![0; pixels.len()],
            Some(transparent),
        );
        frame.buffer = encode(pixels, transparent).into();
        let palette: Vec<u8> = (0..=255u8).flat_map(|i| [i, i, i]).collect();
        let mut bytes = Vec::new();
        {
            let mut e = gif::Encoder::new(&mut bytes, width, height, &palette).unwrap();
            e.write_lzw_pre_encoded_frame(&frame).unwrap();
        }
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::Indexed);
        let mut d = options.read_info(bytes.as_slice()).unwrap();
        d.read_next_frame().unwrap().unwrap().buffer.to_vec()
    }

    fn check(pixels: &[Pixel], width: u16, transparent: u8) -> usize {
        let decoded = round_trip(pixels, width, transparent);
        assert_eq!(decoded.len(), pixels.len());
        for (k, (p, d)) in pixels.iter().zip(&decoded).enumerate() {
            if p.dont_care {
                assert!(
                    *d == transparent || *d == p.index,
                    "pixel {k}: {d} for {p:?}"
                );
            } else {
                assert_eq!(*d, p.index, "pixel {k}");
            }
        }
        encode(pixels, transparent).len()
    }

    /// A deterministic pseudo-random sequence (xorshift).
    fn rng(seed: u64) -> impl FnMut() -> u64 {
        let mut s = seed | 1;
        move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        }
    }

    #[test]
    fn random_frames_decode_exactly_through_the_gif_crate() {
        let mut next = rng(7);
        for case in 0..60 {
            let width = 1 + (next() % 300) as u16;
            let height = 1 + (next() % 200) as usize;
            let colours = 1 + (next() % 255) as u8;
            let care_rate = next() % 100;
            let pixels: Vec<Pixel> = (0..usize::from(width) * height)
                .map(|_| Pixel {
                    index: (next() % u64::from(colours)) as u8,
                    dont_care: next() % 100 >= care_rate,
                })
                .collect();
            let transparent = colours.min(254) + 1;
            check(
                &pixels,
                width,
                if case % 2 == 0 { transparent } else { 255 },
            );
        }
    }

    /// Frames of runs of every length (don't-care stretches and stretches of one colour, cut
    /// anywhere inside a block of sixteen) decode exactly, and the run scans count what a pixel
    /// by pixel scan counts.
    #[test]
    fn runs_of_any_length_decode_exactly() {
        let mut next = rng(11);
        let mut pixels = Vec::new();
        while pixels.len() < 60_000 {
            let len = 1 + (next() % 90) as usize;
            let dont_care = next() % 2 == 0;
            let index = (next() % 4) as u8;
            pixels.extend(std::iter::repeat_n(Pixel { index, dont_care }, len));
        }
        pixels.truncate(60_000);
        check(&pixels, 300, 255);
        for start in 0..200 {
            let rest = &pixels[start..];
            for limit in [0, 1, 15, 16, 17, 40, 1000] {
                let naive = rest.iter().take(limit).take_while(|q| q.dont_care).count();
                assert_eq!(pixels.dont_care_run(start, limit), naive, "{start} {limit}");
                if !rest[0].dont_care {
                    let c = rest[0].index;
                    let naive = rest
                        .iter()
                        .take(limit)
                        .take_while(|q| !q.dont_care && q.index == c)
                        .count();
                    assert_eq!(pixels.solid_run(start, limit), naive, "{start} {limit}");
                }
            }
        }
        // Knowing the largest index changes nothing but the work.
        let fitting: Vec<Pixel> = pixels
            .iter()
            .map(|p| Pixel {
                index: if p.dont_care { 255 } else { p.index },
                ..*p
            })
            .collect();
        assert_eq!(encode_fitting(&fitting, 255, 255), encode(&fitting, 255));
    }

    /// A frame kept as bytes encodes to the same bytes as its pixels spelled out, and decodes
    /// to them.
    #[test]
    fn indexed_frames_encode_as_their_pixels() {
        let mut next = rng(5);
        let mut symbols = [0u8; 256];
        for (b, s) in symbols.iter_mut().enumerate().skip(1) {
            *s = (b as u8).wrapping_mul(7) % 200 + 1;
        }
        for case in 0..20 {
            let mut bytes = Vec::new();
            while bytes.len() < 30_000 {
                let len = 1 + (next() % 70) as usize;
                let b = if next() % 2 == 0 {
                    0
                } else {
                    (1 + next() % 255) as u8
                };
                bytes.extend(std::iter::repeat_n(b, len));
            }
            bytes.truncate(30_000);
            let transparent = if case % 2 == 0 { 0 } else { 255 };
            let frame = Indexed {
                bytes: &bytes,
                symbols: &symbols,
                transparent,
            };
            let pixels: Vec<Pixel> = (0..bytes.len()).map(|i| frame.pixel(i)).collect();
            assert_eq!(
                encode_indexed(&frame, 255),
                encode_fitting(&pixels, transparent, 255)
            );
            check(&pixels, 200, transparent);
        }
    }

    #[test]
    fn long_runs_fill_and_reset_the_dictionary() {
        // 640×480 with rare changed pixels: exercises the run chain across dictionary resets.
        let mut next = rng(3);
        let pixels: Vec<Pixel> = (0..640 * 480)
            .map(|_| {
                let changed = next() % 500 == 0;
                Pixel {
                    index: (next() % 40) as u8,
                    dont_care: !changed,
                }
            })
            .collect();
        let n = check(&pixels, 640, 255);
        assert!(n < 8000, "{n} bytes");
        // All distinct-ish data forces many clears.
        let noisy: Vec<Pixel> = (0..200_000)
            .map(|_| Pixel {
                index: (next() % 256) as u8,
                dont_care: false,
            })
            .collect();
        check(&noisy, 500, 0);
    }

    #[test]
    fn dont_care_pixels_make_frames_smaller_than_plain_transparency() {
        // A frame of contour bands where a small blob changed: unchanged pixels may be written
        // as transparent or as their own colour.
        let (w, h) = (300usize, 200usize);
        let pixels: Vec<Pixel> = (0..w * h)
            .map(|k| {
                let (x, y) = ((k % w) as f64, (k / w) as f64);
                let band = (((x - 150.0).powi(2) / 4.0 + (y - 100.0).powi(2)).sqrt() / 9.0) as u8;
                let blob = (x - 80.0).powi(2) + (y - 60.0).powi(2) < 36.0;
                Pixel {
                    index: if blob { 200 } else { band },
                    dont_care: !blob,
                }
            })
            .collect();
        let dont_care = check(&pixels, w as u16, 255);
        let plain: Vec<u8> = encode_plain(&pixels, 255);
        assert!(dont_care <= plain.len(), "{dont_care} > {}", plain.len());
    }

    /// Every unchanged pixel written transparent (what a plain encoder does).
    fn encode_plain(pixels: &[Pixel], transparent: u8) -> Vec<u8> {
        let forced: Vec<Pixel> = pixels
            .iter()
            .map(|p| Pixel {
                index: if p.dont_care { transparent } else { p.index },
                dont_care: false,
            })
            .collect();
        encode(&forced, transparent)
    }

    #[test]
    fn tiny_frames() {
        check(
            &[Pixel {
                index: 5,
                dont_care: false,
            }],
            1,
            255,
        );
        check(
            &[Pixel {
                index: 5,
                dont_care: true,
            }],
            1,
            255,
        );
        assert_eq!(min_code_size(1), 2);
        assert_eq!(min_code_size(4), 3);
        assert_eq!(min_code_size(255), 8);
    }
}
