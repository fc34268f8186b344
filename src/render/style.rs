//! Colours, sizes and the embedded font: everything about how a figure looks that is not layout.

use std::sync::Once;

use plotters::style::FontStyle;

/// An opaque colour.
pub type Rgb = [u8; 3];

/// Run colours: Okabe & Ito's colour-blind-safe qualitative palette, yellow left out (it vanishes
/// on light backgrounds), ordered so that the first three (the usual GD / momentum / Nesterov)
/// differ in hue and lightness.
pub const RUN_COLOURS: [Rgb; 7] = [
    [0xD5, 0x5E, 0x00], // vermillion
    [0x00, 0x72, 0xB2], // blue
    [0x00, 0x9E, 0x73], // bluish green
    [0xCC, 0x79, 0xA7], // reddish purple
    [0xE6, 0x9F, 0x00], // orange
    [0x56, 0xB4, 0xE9], // sky blue
    [0x00, 0x00, 0x00], // black
];

/// The colour of run `i` (the palette repeats after seven runs).
pub fn run_colour(i: usize) -> Rgb {
    RUN_COLOURS[i % RUN_COLOURS.len()]
}

pub const WHITE: Rgb = [255, 255, 255];
/// Text, axes and marker outlines.
pub const INK: Rgb = [0x22, 0x22, 0x22];
/// Secondary text (e.g. "diverged at step k").
pub const MUTED: Rgb = [0x66, 0x66, 0x66];
/// Where the surface is not a finite number.
pub const MASKED: Rgb = [0xD9, 0xD9, 0xD9];

/// Viridis at nine evenly spaced stops (matplotlib's values).
const VIRIDIS: [[f64; 3]; 9] = [
    [0.267, 0.005, 0.329],
    [0.283, 0.141, 0.458],
    [0.254, 0.265, 0.530],
    [0.207, 0.372, 0.553],
    [0.164, 0.471, 0.558],
    [0.128, 0.567, 0.551],
    [0.135, 0.659, 0.518],
    [0.267, 0.749, 0.441],
    [0.478, 0.821, 0.317],
];

/// How much of the background colour map is white: a pale map keeps every run colour readable
/// on every band (the matplotlib reference loses its white path on the light bands).
const BACKGROUND_WASH: f64 = 0.52;

/// The background colour for a band at `t` ∈ [0, 1] (0 = lowest loss): viridis, washed out.
pub fn band_colour(t: f64) -> Rgb {
    let t = t.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let i = (t.floor() as usize).min(VIRIDIS.len() - 2);
    let f = t - i as f64;
    let mut out = [0u8; 3];
    for c in 0..3 {
        let v = VIRIDIS[i][c] * (1.0 - f) + VIRIDIS[i + 1][c] * f;
        let washed = v * (1.0 - BACKGROUND_WASH) + BACKGROUND_WASH;
        out[c] = (washed * 255.0).round() as u8;
    }
    out
}

/// The font family name under which the embedded font is registered with plotters.
pub const FONT: &str = "sans-serif";

/// DejaVu Sans (Bitstream Vera licence, see `assets/DejaVuSans-LICENSE.txt`), embedded so text
/// never depends on the fonts a machine happens to have.
pub(crate) static FONT_BYTES: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// Registers the embedded font with plotters (once per process).
pub fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_err() {
            // The bytes are compiled in and known good; a failure here is a build defect.
            panic!("the embedded font could not be loaded");
        }
    });
}

/// Sizes in pixels, scaled with the canvas (designed at 640 × 480).
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub font: f64,
    pub title_font: f64,
    pub line_width: f32,
    pub head_radius: f32,
    pub marker_radius: f32,
    pub outline: f32,
}

impl Sizes {
    /// Sizes for a `width × height` canvas: scaled by its height, or by its width when that is
    /// relatively narrower, so a tall, narrow canvas does not get text too wide for it.
    pub fn for_canvas(width: u32, height: u32) -> Self {
        let s = (f64::from(height) / 480.0)
            .min(f64::from(width) / 640.0)
            .clamp(0.5, 4.0);
        Sizes {
            font: 14.0 * s,
            title_font: 18.0 * s,
            line_width: (2.4 * s) as f32,
            head_radius: (5.0 * s) as f32,
            marker_radius: (6.5 * s) as f32,
            outline: (1.3 * s) as f32,
        }
    }
}
