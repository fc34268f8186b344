//! Chart legends: a box of rows (a swatch and a label) in a corner of a plotting area, placed
//! where it hides none of the data: in an empty corner, or, when every corner holds data, in an
//! upper corner over room the y axis grows for it.
//!
//! When the box would take more than a fifth of the plot's height from the data, the legend
//! goes under the plot instead, as a band of rows ([`Band`]), the way the stability map's key
//! does.
//!
//! A chart plans its legend before it builds its axes ([`Legend::plan`]), because the room a
//! legend needs can change the y range or the plot's height, then draws it with
//! [`legend_box`] or [`Band::draw`].

use super::*;

/// What a legend row shows beside its label.
#[derive(Clone, Copy)]
pub(super) enum Swatch {
    /// A sample of a line.
    Line(ShapeStyle),
    /// A sample of a dashed line: dashes and gaps `(dash, gap)` pixels long.
    Dashed(ShapeStyle, (f64, f64)),
    /// A filled dot with a white rim, as a run's point on a chart.
    Dot(RGBColor),
    /// A ring in a colour, as an optimum on a chart (ink: the fastest setting).
    Ring(RGBColor),
}

impl From<ShapeStyle> for Swatch {
    fn from(style: ShapeStyle) -> Swatch {
        Swatch::Line(style)
    }
}

/// One row of a chart's legend: its label and its swatch.
pub(super) type LegendRow = (String, Swatch);

/// The legend's box in scaled pixels: padding, swatch and gap before the text, row height.
struct BoxMetrics {
    pad: f64,
    sample: f64,
    gap: f64,
    row: f64,
    /// Distance from the plotting area's edges.
    margin: f64,
}

impl BoxMetrics {
    fn new(scale: f64, font_px: f64) -> BoxMetrics {
        BoxMetrics {
            pad: 6.0 * scale,
            sample: 24.0 * scale,
            gap: 6.0 * scale,
            row: (font_px * 1.45).floor(),
            margin: 6.0 * scale,
        }
    }

    /// The box's width and height for `rows` rows whose widest label is `text_w` wide.
    fn size(&self, text_w: f64, rows: usize, scale: f64) -> (f64, f64) {
        (
            (self.pad + self.sample + self.gap + text_w + self.pad).floor(),
            (self.pad + rows as f64 * self.row + self.pad - 2.0 * scale).floor(),
        )
    }
}

/// Draws a legend box in `corner` of a chart's plotting area: translucent white, a light
/// border, a swatch and a label per row in `font_px` text. Sized by the backend's own text
/// measure, so it fits whatever fonts the scene draws with.
pub(super) fn legend_box<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &ChartContext<'a, DB, CT>,
    scale: f64,
    font_px: f64,
    rows: &[LegendRow],
    corner: Corner,
) -> Result<(), DrawError> {
    if rows.is_empty() {
        return Ok(());
    }
    let area = chart.plotting_area().strip_coord_spec();
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let style = text_style(font_px, INK).pos(Pos::new(HPos::Left, VPos::Center));
    let mut text_w = 0.0f64;
    for (label, _) in rows {
        text_w = text_w.max(f64::from(
            area.estimate_text_size(label, &style).map_err(err)?.0,
        ));
    }
    let m = BoxMetrics::new(scale, font_px);
    let (box_w, box_h) = m.size(text_w, rows.len(), scale);
    let (box_w, box_h, margin) = (box_w as i32, box_h as i32, m.margin as i32);
    let (x0, y0) = match corner {
        Corner::UpperRight => (w - margin - box_w, margin),
        Corner::UpperLeft => (margin, margin),
        Corner::LowerRight => (w - margin - box_w, h - margin - box_h),
        Corner::LowerLeft => (margin, h - margin - box_h),
    };
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + box_w, y0 + box_h)],
        WHITE.mix(0.85).filled(),
    ))
    .map_err(err)?;
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + box_w, y0 + box_h)],
        RGBColor(200, 200, 200).stroke_width(scale as u32),
    ))
    .map_err(err)?;
    let (pad, sample, gap) = (m.pad as i32, m.sample as i32, m.gap as i32);
    for (k, (label, swatch)) in rows.iter().enumerate() {
        let y = y0 + pad + (k as f64 * m.row + m.row / 2.0) as i32 - scale as i32;
        let (sx0, sx1) = (x0 + pad, x0 + pad + sample);
        swatch_at(&area, *swatch, (sx0, sx1, (sx0 + sx1) / 2), y, scale)?;
        area.draw(&Text::new(label.as_str(), (sx1 + gap, y), style.clone()))
            .map_err(err)?;
    }
    Ok(())
}

/// A run's point on a chart: a dot in its colour with a white rim, at `at` (backend
/// coordinates of `area`).
pub(super) fn dot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    c: RGBColor,
    scale: f64,
) -> Result<(), DrawError> {
    let r = (4.5 * scale) as i32;
    area.draw(&Circle::new(at, r, c.filled())).map_err(err)?;
    area.draw(&Circle::new(at, r, WHITE.stroke_width(scale as u32)))
        .map_err(err)
}

/// An optimum on a chart: a ring in colour `c` (ink for the fastest setting) with a white
/// halo, wider than a run's dot, so a run sitting at the optimum shows inside it.
pub(super) fn ring<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    c: RGBColor,
    scale: f64,
) -> Result<(), DrawError> {
    let r = (7.5 * scale) as i32;
    area.draw(&Circle::new(
        at,
        r,
        WHITE.stroke_width((3.5 * scale) as u32),
    ))
    .map_err(err)?;
    area.draw(&Circle::new(at, r, c.stroke_width((1.5 * scale) as u32)))
        .map_err(err)
}

/// A corner of a chart's plotting area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Corner {
    UpperRight,
    UpperLeft,
    LowerRight,
    LowerLeft,
}

impl Corner {
    pub(super) const ALL: [Corner; 4] = [
        Corner::UpperRight,
        Corner::UpperLeft,
        Corner::LowerRight,
        Corner::LowerLeft,
    ];

    /// The box of a legend `size` (fractions of the plotting area) in this corner: (x0, y0),
    /// lower left, y up.
    fn origin(self, (w, h): (f64, f64)) -> (f64, f64) {
        match self {
            Corner::UpperRight => (1.0 - w, 1.0 - h),
            Corner::UpperLeft => (0.0, 1.0 - h),
            Corner::LowerRight => (1.0 - w, 0.0),
            Corner::LowerLeft => (0.0, 0.0),
        }
    }
}

/// The lines' points, each segment sampled eight times so a steep stretch counts too.
fn samples(lines: &[Vec<(f64, f64)>]) -> impl Iterator<Item = (f64, f64)> + '_ {
    lines
        .iter()
        .flat_map(|line| {
            let last = line.last().copied();
            line.windows(2)
                .flat_map(|seg| {
                    (0..8).map(move |k| {
                        let t = f64::from(k) / 8.0;
                        (
                            seg[0].0 + t * (seg[1].0 - seg[0].0),
                            seg[0].1 + t * (seg[1].1 - seg[0].1),
                        )
                    })
                })
                .chain(last)
        })
        .filter(|(x, y)| x.is_finite() && y.is_finite())
}

/// How many sample points of the lines (fractions, y up) a legend box `size` covers in each
/// corner, in [`Corner::ALL`] order.
fn coverage(lines: &[Vec<(f64, f64)>], size: (f64, f64)) -> [usize; 4] {
    let (w, h) = (size.0.min(1.0), size.1.min(1.0));
    Corner::ALL.map(|corner| {
        let (x0, y0) = corner.origin((w, h));
        samples(lines)
            .filter(|&(x, y)| x >= x0 && x <= x0 + w && y >= y0 && y <= y0 + h)
            .count()
    })
}

/// Where a legend goes, and how far up the data may reach so that it stays clear of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct LegendPlan {
    pub(super) corner: Corner,
    /// The share of the plot's height (from the bottom) the data's own range may take: 1 when
    /// a corner is free; less when the y axis must grow upward to make room for the legend.
    pub(super) data_share: f64,
    /// The legend goes under the plot as a band, not in a corner.
    pub(super) below: bool,
}

impl LegendPlan {
    /// No legend inside the plot, nothing grown.
    pub(super) const NONE: LegendPlan = LegendPlan {
        corner: Corner::UpperRight,
        data_share: 1.0,
        below: false,
    };
}

impl LegendPlan {
    /// A linear axis range `lo..hi` grown upward so the data takes [`Self::data_share`].
    pub(super) fn grow_linear(&self, lo: f64, hi: f64) -> (f64, f64) {
        (lo, lo + (hi - lo) / self.data_share)
    }

    /// A logarithmic axis range `lo..hi` (both > 0) grown upward alike, in decades.
    pub(super) fn grow_log(&self, lo: f64, hi: f64) -> (f64, f64) {
        let (a, b) = (lo.log10(), hi.log10());
        (lo, 10f64.powf(a + (b - a) / self.data_share))
    }
}

/// The smallest share of the plot the data keeps, however tall a legend is.
const MIN_DATA_SHARE: f64 = 0.4;

/// Below this share of the plot for the data, the legend goes under the plot instead.
const BAND_BELOW_SHARE: f64 = 0.8;

/// The corner for `lines` (fractions of the data's ranges, y up) and a legend box `size`
/// (fractions of the plot): the emptiest corner if it covers nothing, else the upper corner
/// that needs the y axis to grow the least for the box to sit above every point beneath it.
pub(super) fn plan_corner(lines: &[Vec<(f64, f64)>], size: (f64, f64)) -> LegendPlan {
    let covered = coverage(lines, size);
    if let Some(k) = (0..4).find(|&k| covered[k] == 0) {
        return LegendPlan {
            corner: Corner::ALL[k],
            data_share: 1.0,
            below: false,
        };
    }
    let (w, h) = (size.0.min(1.0), size.1.min(1.0));
    // For an upper corner, the highest point under the box's x span: the data must end below
    // the box, so it may take (1 − h) / top of the grown plot.
    let share = |corner: Corner| {
        let (x0, _) = corner.origin((w, h));
        let top = samples(lines)
            .filter(|&(x, _)| x >= x0 && x <= x0 + w)
            .map(|(_, y)| y)
            .fold(0.0f64, f64::max);
        if top <= 0.0 {
            1.0
        } else {
            ((1.0 - h) / top).clamp(MIN_DATA_SHARE, 1.0)
        }
    };
    let (right, left) = (share(Corner::UpperRight), share(Corner::UpperLeft));
    if left > right {
        LegendPlan {
            corner: Corner::UpperLeft,
            data_share: left,
            below: false,
        }
    } else {
        LegendPlan {
            corner: Corner::UpperRight,
            data_share: right,
            below: false,
        }
    }
}

/// Measures and places legends in the fonts a chart draws with.
pub(super) struct Legend {
    fonts: std::sync::Arc<crate::text::Fonts>,
    /// Plotters units per pixel of the chart being drawn.
    scale: f64,
}

impl Legend {
    pub(super) fn new(fonts: &std::sync::Arc<crate::text::Fonts>) -> Self {
        Legend {
            fonts: fonts.clone(),
            scale: f64::from(crate::picture::plot::SCALE),
        }
    }

    /// The size of the legend box for `rows` in `font_px` text, in scaled pixels, margins
    /// from the plot's edges included.
    fn size(&self, rows: &[LegendRow], font_px: f64) -> (f64, f64) {
        let widest = rows
            .iter()
            .map(|(l, _)| {
                f64::from(self.fonts.width(l, (font_px / self.scale) as f32)) * self.scale
            })
            .fold(0.0, f64::max);
        let m = BoxMetrics::new(self.scale, font_px);
        let (w, h) = m.size(widest.ceil(), rows.len(), self.scale);
        (w + 2.0 * m.margin, h + 2.0 * m.margin)
    }

    /// Plans the legend of `rows` in `font_px` text over a plotting area of `plot_px` scaled
    /// pixels, given the chart's lines in fractions of the data's ranges (y up).
    pub(super) fn plan(
        &self,
        lines: &[Vec<(f64, f64)>],
        rows: &[LegendRow],
        font_px: f64,
        plot_px: (f64, f64),
    ) -> LegendPlan {
        if rows.is_empty() {
            return LegendPlan::NONE;
        }
        let (w, h) = self.size(rows, font_px);
        let plan = plan_corner(lines, (w / plot_px.0.max(1.0), h / plot_px.1.max(1.0)));
        if plan.data_share < BAND_BELOW_SHARE || w > plot_px.0 * 0.7 {
            LegendPlan {
                below: true,
                ..LegendPlan::NONE
            }
        } else {
            plan
        }
    }

    /// The width of `text` at `font_px` (scaled pixels per em), in scaled pixels.
    fn width(&self, text: &str, font_px: f64) -> f64 {
        f64::from(self.fonts.width(text, (font_px / self.scale) as f32)) * self.scale
    }

    /// A key of `groups` in `font_px` text laid out in centred rows across `width` scaled
    /// pixels: each group stays on one row, a row takes groups while they fit.
    pub(super) fn band(&self, groups: Vec<Vec<KeyPart>>, font_px: f64, width: f64) -> Band {
        let m = BandMetrics::new(font_px);
        let widths: Vec<f64> = groups
            .iter()
            .map(|g| {
                g.iter()
                    .map(|p| m.part_width(p, |t| self.width(t, font_px)))
                    .sum::<f64>()
                    + m.gap * g.len().saturating_sub(1) as f64
            })
            .collect();
        let mut rows: Vec<Vec<usize>> = Vec::new();
        let mut used = 0.0;
        for (k, &w) in widths.iter().enumerate() {
            match rows.last_mut() {
                Some(row) if used + m.group_gap + w <= width => {
                    row.push(k);
                    used += m.group_gap + w;
                }
                _ => {
                    rows.push(vec![k]);
                    used = w;
                }
            }
        }
        let height = m.row * rows.len() as f64 + font_px * 0.4;
        Band {
            groups,
            widths,
            rows,
            font_px,
            height,
        }
    }
}

/// Takes the room a legend planned to go below needs from the bottom of `body`: the area left
/// for the plots, and the band with the height its top sits at (backend coordinates).
pub(super) fn reserve<DB: DrawingBackend>(
    body: DrawingArea<DB, Shift>,
    plan: &LegendPlan,
    legend: &Legend,
    rows: &[LegendRow],
    font_px: f64,
) -> (DrawingArea<DB, Shift>, Option<(Band, f64)>) {
    if !plan.below || rows.is_empty() {
        return (body, None);
    }
    let (w, h) = body.dim_in_pixel();
    let band = legend.band(row_groups(rows), font_px, f64::from(w));
    let top = f64::from(body.get_base_pixel().1) + f64::from(h) - band.height;
    let plots = body.margin(0, band.height as i32, 0, 0);
    (plots, Some((band, top)))
}

/// One part of a key laid out in a band.
pub(super) enum KeyPart {
    Text(String),
    Swatch(Swatch),
    /// A colour bar of the surface's 12 bands.
    Bar,
    /// A filled box of a colour.
    Box(Rgb),
}

/// The groups of a legend's rows: each row's swatch and label kept together.
pub(super) fn row_groups(rows: &[LegendRow]) -> Vec<Vec<KeyPart>> {
    rows.iter()
        .map(|(label, swatch)| vec![KeyPart::Swatch(*swatch), KeyPart::Text(label.clone())])
        .collect()
}

/// A band's sizes, scaled pixels, for labels `font_px` per em.
struct BandMetrics {
    gap: f64,
    group_gap: f64,
    row: f64,
    swatch: f64,
    box_h: f64,
}

impl BandMetrics {
    fn new(font_px: f64) -> BandMetrics {
        BandMetrics {
            gap: font_px * 0.4,
            group_gap: font_px * 1.4,
            row: font_px * 1.45,
            swatch: font_px * 2.2,
            box_h: font_px * 0.85,
        }
    }

    fn part_width(&self, part: &KeyPart, text: impl Fn(&str) -> f64) -> f64 {
        match part {
            KeyPart::Text(t) => text(t),
            KeyPart::Bar => self.box_h * 10.0,
            KeyPart::Box(_) => self.box_h * 1.5,
            KeyPart::Swatch(Swatch::Dot(_) | Swatch::Ring(_)) => self.box_h * 1.6,
            KeyPart::Swatch(_) => self.swatch,
        }
    }
}

/// A key laid out in rows (see [`Legend::band`]).
pub(super) struct Band {
    groups: Vec<Vec<KeyPart>>,
    widths: Vec<f64>,
    rows: Vec<Vec<usize>>,
    font_px: f64,
    /// The band's height, scaled pixels.
    pub(super) height: f64,
}

impl Band {
    /// Draws the band with its top at `top` (backend coordinates of `root`), centred across
    /// `root`'s width.
    pub(super) fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        top: f64,
        scale: f64,
    ) -> Result<(), DrawError> {
        let m = BandMetrics::new(self.font_px);
        let page_w = f64::from(root.dim_in_pixel().0);
        let style = text_style(self.font_px, INK).pos(Pos::new(HPos::Left, VPos::Center));
        let hb = (m.box_h / 2.0) as i32;
        for (r, row) in self.rows.iter().enumerate() {
            let total = row.iter().map(|&k| self.widths[k]).sum::<f64>()
                + m.group_gap * (row.len() - 1) as f64;
            let y = (top + m.row * (r as f64 + 0.5)) as i32;
            let mut x = (page_w - total) / 2.0;
            for &k in row {
                for part in &self.groups[k] {
                    let w = m.part_width(part, |t| {
                        root.estimate_text_size(t, &style)
                            .map_or(0.0, |s| f64::from(s.0))
                    });
                    let (x0, x1, xm) = (x as i32, (x + w) as i32, (x + w / 2.0) as i32);
                    match part {
                        KeyPart::Text(t) => root.draw_text(t, &style, (x0, y)).map_err(err)?,
                        KeyPart::Bar => {
                            for b in 0..12 {
                                let a = (x + w * f64::from(b) / 12.0) as i32;
                                let z = (x + w * f64::from(b + 1) / 12.0) as i32;
                                root.draw(&Rectangle::new(
                                    [(a, y - hb), (z, y + hb)],
                                    rgb(style::band_colour(f64::from(b) / 11.0)).filled(),
                                ))
                                .map_err(err)?;
                            }
                        }
                        KeyPart::Box(c) => root
                            .draw(&Rectangle::new(
                                [(x0, y - hb), (x1, y + hb)],
                                rgb(*c).filled(),
                            ))
                            .map_err(err)?,
                        KeyPart::Swatch(swatch) => {
                            swatch_at(root, *swatch, (x0, x1, xm), y, scale)?
                        }
                    }
                    x += w + m.gap;
                }
                x += m.group_gap - m.gap;
            }
        }
        Ok(())
    }
}

/// Draws `swatch` across `x0..x1` (centre `xm`) at height `y` of `area`.
fn swatch_at<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    swatch: Swatch,
    (x0, x1, xm): (i32, i32, i32),
    y: i32,
    scale: f64,
) -> Result<(), DrawError> {
    match swatch {
        Swatch::Line(line) => area
            .draw(&PathElement::new(vec![(x0, y), (x1, y)], line))
            .map_err(err),
        Swatch::Dashed(line, (dash, space)) => {
            let (dash, space) = (dash * scale, space * scale);
            let mut x = f64::from(x0);
            while x < f64::from(x1) {
                let end = (x + dash).min(f64::from(x1));
                area.draw(&PathElement::new(
                    vec![(x as i32, y), (end as i32, y)],
                    line,
                ))
                .map_err(err)?;
                x += dash + space;
            }
            Ok(())
        }
        Swatch::Dot(c) => dot(area, (xm, y), c, scale),
        Swatch::Ring(c) => ring(area, (xm, y), c, scale),
    }
}

/// The plotting area of a chart built on a `panel_px` area (scaled pixels) with `margin` on
/// every side, a caption `caption` high, and label areas `x_area` (below) and `y_area` (left).
pub(super) fn plot_size(
    panel_px: (u32, u32),
    margin: f64,
    caption: f64,
    x_area: f64,
    y_area: f64,
) -> (f64, f64) {
    (
        (f64::from(panel_px.0) - 2.0 * margin - y_area).max(1.0),
        (f64::from(panel_px.1) - 2.0 * margin - caption - x_area).max(1.0),
    )
}
