//! The surface as a picture sees it: filled contour bands with anti-aliased contour lines,
//! computed once per scene at one sample per pixel centre, and the contour levels chosen for it.

use rayon::prelude::*;

use super::layout::Layout;
use super::style::band_colour;
use crate::picture::mark::{Rgb, INK, MASKED};
use crate::picture::raster::quantize_coverage;
use crate::picture::Image;
use crate::scene::ContourScale;
use crate::surface::Surface;

/// How contour levels were chosen for a scene, in "level coordinates" h(f): h = f (linear) or
/// h = ln(f − f_lo + δ) (log), levels evenly spaced in h.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levels {
    pub log: bool,
    pub f_lo: f64,
    pub f_hi: f64,
    delta: f64,
    h_lo: f64,
    step: f64,
    count: usize,
}

impl Levels {
    /// Chooses levels from the finite values seen over the window (others are ignored).
    pub fn choose(values: &[f64], count: usize, scale: ContourScale) -> Levels {
        let (mut f_lo, mut f_hi, mut finite) = (f64::INFINITY, f64::NEG_INFINITY, 0usize);
        for &v in values.iter().filter(|v| v.is_finite()) {
            f_lo = f_lo.min(v);
            f_hi = f_hi.max(v);
            finite += 1;
        }
        // With no finite value, the window is read as one value, 0.
        let none = finite == 0;
        if none {
            (f_lo, f_hi, finite) = (0.0, 0.0, 1);
        }
        let f_hi = f_hi.max(f_lo + 1e-12);
        // "Spans decades": the top of the window is far above where most of the low region is,
        // that is far above the tenth percentile p10 (the value at index len / 10 in sorted
        // order). The test is monotone in the value, so p10 passes it exactly when more than
        // len / 10 values do: a count, where finding p10 itself took a partial sort.
        let low = |v: f64| (f_hi - f_lo) > 100.0 * (v - f_lo);
        let log = match scale {
            ContourScale::Log => true,
            ContourScale::Linear => false,
            ContourScale::Auto => {
                let passing = if none {
                    usize::from(low(0.0))
                } else {
                    values.iter().filter(|v| v.is_finite() && low(**v)).count()
                };
                passing > finite / 10
            }
        };
        let delta = (f_hi - f_lo) * 1e-4;
        let mut levels = Levels {
            log,
            f_lo,
            f_hi,
            delta,
            h_lo: 0.0,
            step: 1.0,
            count,
        };
        let (h_lo, h_hi) = (levels.h(f_lo), levels.h(f_hi));
        levels.h_lo = h_lo;
        levels.step = (h_hi - h_lo) / count as f64;
        levels
    }

    /// The level coordinate of f, and dh/df.
    fn h_and_slope(&self, f: f64) -> (f64, f64) {
        if self.log {
            let s = (f - self.f_lo).max(0.0) + self.delta;
            (s.ln(), 1.0 / s)
        } else {
            (f, 1.0)
        }
    }

    fn h(&self, f: f64) -> f64 {
        self.h_and_slope(f).0
    }

    /// The band of f: 0 (lowest) ..= count − 1.
    pub fn band(&self, f: f64) -> usize {
        self.band_at(self.t(self.h(f)))
    }

    /// Where level coordinate `h` lies, in steps above the lowest level.
    fn t(&self, h: f64) -> f64 {
        (h - self.h_lo) / self.step
    }

    /// The band at `t` steps above the lowest level (see [`Levels::t`]).
    fn band_at(&self, t: f64) -> usize {
        // Below 0 (or NaN) is band 0; above, truncating floors (inline, unlike `floor`).
        let b = if t > 0.0 { t as usize } else { 0 };
        b.min(self.count - 1)
    }
}

/// Line strength of contour lines (alpha of ink at full coverage).
const CONTOUR_ALPHA: f64 = 0.32;

/// The filled bands and contour lines of one panel as an image (every panel has the same size
/// and shows the same window, so it is computed once and placed in each): values and gradients
/// at pixel centres, rows in parallel.
pub fn draw_surface(
    layout: &Layout,
    surface: &Surface,
    levels_count: usize,
    scale: ContourScale,
) -> (Image, Levels) {
    let first = layout.panels[0].rect;
    let (pw, ph) = (first.width() as usize, first.height() as usize);
    // Data units per pixel along each axis.
    let sx = layout.window.width() / pw as f64;
    let sy = layout.window.height() / ph as f64;
    // The x of each pixel centre of a row: every row evaluates the surface along them, a row
    // at a time (one dynamic call per row).
    let xs: Vec<f64> = (0..pw)
        .map(|col| layout.window.x.0 + (col as f64 + 0.5) * sx)
        .collect();
    // Levels come from the values on every other pixel of every other row: a quarter of the
    // evaluations, and the bands are clamped at both ends anyway.
    let every_other: Vec<f64> = xs.iter().step_by(2).copied().collect();
    let sampled_rows = ph.div_ceil(2);
    let mut values = vec![0.0; sampled_rows * every_other.len()];
    if !every_other.is_empty() {
        values
            .par_chunks_mut(every_other.len())
            .enumerate()
            .for_each(|(k, out)| {
                let y = layout.window.y.1 - ((2 * k) as f64 + 0.5) * sy;
                surface.values_along(&every_other, y, out);
            });
    }
    let levels = Levels::choose(&values, levels_count, scale);
    let colours: Vec<Rgb> = (0..levels.count)
        .map(|b| band_colour(b as f64 / (levels.count - 1).max(1) as f64))
        .collect();
    let row_bytes = pw * 3;
    let mut plot_rgb = vec![0u8; row_bytes * ph];
    plot_rgb
        .par_chunks_mut(row_bytes)
        .enumerate()
        .for_each_init(Vec::new, |along, (row, out)| {
            let y = layout.window.y.1 - (row as f64 + 0.5) * sy;
            along.resize(pw, (0.0, 0.0, 0.0));
            surface.values_and_gradients_along(&xs, y, along);
            for (px, &(f, gx, gy)) in out.chunks_exact_mut(3).zip(along.iter()) {
                if !f.is_finite() {
                    px.copy_from_slice(&MASKED);
                    continue;
                }
                // One level coordinate per pixel gives both its band and its contour line.
                let (h, slope) = levels.h_and_slope(f);
                let t = levels.t(h);
                let mut c = colours[levels.band_at(t)];
                let grad_px = slope * ((gx * sx).powi(2) + (gy * sy).powi(2)).sqrt();
                if grad_px.is_finite() && grad_px > 0.0 {
                    // t ≥ 0 here, so adding ½ and truncating rounds (and inlines, unlike round).
                    let nearest = (t + 0.5) as i64 as f64;
                    let distance = (t - nearest).abs() * levels.step;
                    // A pixel or more from the line (most pixels), the coverage is 0 and the
                    // band's colour stays as it is: only pixels by a line are blended.
                    if nearest >= 1.0 && nearest <= (levels.count - 1) as f64 && distance < grad_px
                    {
                        let d_px = distance / grad_px;
                        // Quantized coverage keeps the background to a few colours per band, all
                        // exact in a GIF palette.
                        let coverage = f64::from(quantize_coverage((1.0 - d_px) as f32));
                        let a = CONTOUR_ALPHA * coverage;
                        if a > 0.0 {
                            for k in 0..3 {
                                c[k] = (f64::from(c[k]) * (1.0 - a) + f64::from(INK[k]) * a + 0.5)
                                    as u8;
                            }
                        }
                    }
                }
                px.copy_from_slice(&c);
            }
        });
    (
        Image {
            width: pw as u32,
            height: ph as u32,
            rgb: plot_rgb,
        },
        levels,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The count decides as the tenth percentile itself does, at and around the threshold,
    /// with ties, non-finite values and nothing finite at all.
    #[test]
    fn auto_scale_follows_the_tenth_percentile() {
        let by_percentile = |values: &[f64]| {
            let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
            if finite.is_empty() {
                finite.push(0.0);
            }
            let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = finite
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max)
                .max(lo + 1e-12);
            let tenth = finite.len() / 10;
            let p10 = *finite.select_nth_unstable_by(tenth, f64::total_cmp).1;
            (hi - lo) > 100.0 * (p10 - lo)
        };
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut cases: Vec<Vec<f64>> = vec![
            vec![],
            vec![f64::NAN, f64::INFINITY],
            vec![3.0; 20],
            // The tenth value sits exactly on the threshold (100 × 0.01 = 1 = hi − lo).
            [vec![0.0; 9], vec![0.01], vec![1.0; 90]].concat(),
            [vec![0.0; 10], vec![0.02; 90], vec![1.0]].concat(),
        ];
        for n in [1, 2, 9, 10, 11, 99, 100, 101, 1000] {
            for spread in [1.0, 50.0, 1e4] {
                cases.push(
                    (0..n)
                        .map(|_| match next() % 23 {
                            0 => f64::NAN,
                            1 => f64::INFINITY,
                            k if k < 8 => (next() % 4) as f64 * 0.25,
                            _ => (next() % 1000) as f64 / 1000.0 * spread,
                        })
                        .collect(),
                );
            }
        }
        for values in &cases {
            assert_eq!(
                Levels::choose(values, 16, ContourScale::Auto).log,
                by_percentile(values),
                "{values:?}"
            );
        }
        assert!(cases.iter().any(|v| by_percentile(v)) && cases.iter().any(|v| !by_percentile(v)));
    }

    #[test]
    fn log_levels_for_surfaces_that_span_decades() {
        // Rosenbrock-like spread: most values small, a few huge.
        let mut v: Vec<f64> = (0..1000).map(|i| f64::from(i) * 0.01).collect();
        v.extend((0..100).map(|i| 1000.0 + f64::from(i) * 20.0));
        let l = Levels::choose(&v, 16, ContourScale::Auto);
        assert!(l.log);
        // A quadratic bowl sampled on a grid: linear.
        let q: Vec<f64> = (0..100)
            .flat_map(|i| {
                (0..100).map(move |j| {
                    let (x, y) = (f64::from(i) / 50.0 - 1.0, f64::from(j) / 50.0 - 1.0);
                    0.5 * (x * x + 10.0 * y * y)
                })
            })
            .collect();
        assert!(!Levels::choose(&q, 16, ContourScale::Auto).log);
        let l = Levels::choose(&q, 16, ContourScale::Linear);
        assert_eq!(l.band(l.f_lo), 0);
        assert_eq!(l.band(l.f_hi), 15);
    }
}
