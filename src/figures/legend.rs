//! Chart legends: a box of rows (a sample line and a label) in the corner of a plotting area
//! that hides the least of the data.

use super::*;

/// One row of a chart's legend: its label and the style of its sample line.
pub(super) type LegendRow = (String, ShapeStyle);

/// The legend box every chart uses, in a corner of the chart's plotting area: translucent
/// white, a light border, a sample line and a label per row in `font_px` text. Sized by the
/// backend's own text measure, so it fits whatever fonts the scene draws with.
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
    let mut text_w = 0;
    for (label, _) in rows {
        text_w = text_w.max(area.estimate_text_size(label, &style).map_err(err)?.0 as i32);
    }
    let px = |v: f64| (v * scale) as i32;
    let (pad, sample, gap) = (px(6.0), px(18.0), px(6.0));
    let row_h = (font_px * 1.45) as i32;
    let (box_w, box_h) = (
        pad + sample + gap + text_w + pad,
        pad + rows.len() as i32 * row_h + pad - px(2.0),
    );
    let margin = px(6.0);
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
    for (k, (label, line)) in rows.iter().enumerate() {
        let y = y0 + pad + k as i32 * row_h + row_h / 2 - px(1.0);
        area.draw(&PathElement::new(
            vec![(x0 + pad, y), (x0 + pad + sample, y)],
            *line,
        ))
        .map_err(err)?;
        area.draw(&Text::new(
            label.as_str(),
            (x0 + pad + sample + gap, y),
            style.clone(),
        ))
        .map_err(err)?;
    }
    Ok(())
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
}

/// The corner where a legend box `size` (fractions of the plotting area) covers the fewest
/// sample points of the lines (fractions, y up), upper right first among equals. Each segment
/// between consecutive points of a line is sampled eight times, so a steep stretch counts too.
pub(super) fn emptiest_corner(lines: &[Vec<(f64, f64)>], size: (f64, f64)) -> Corner {
    let (w, h) = (size.0.min(1.0), size.1.min(1.0));
    let covered = |corner: Corner| {
        let (x0, y0) = match corner {
            Corner::UpperRight => (1.0 - w, 1.0 - h),
            Corner::UpperLeft => (0.0, 1.0 - h),
            Corner::LowerRight => (1.0 - w, 0.0),
            Corner::LowerLeft => (0.0, 0.0),
        };
        let inside = |(x, y): (f64, f64)| x >= x0 && x <= x0 + w && y >= y0 && y <= y0 + h;
        lines
            .iter()
            .flat_map(|line| line.windows(2))
            .flat_map(|seg| {
                (0..8).map(move |k| {
                    let t = f64::from(k) / 8.0;
                    (
                        seg[0].0 + t * (seg[1].0 - seg[0].0),
                        seg[0].1 + t * (seg[1].1 - seg[0].1),
                    )
                })
            })
            .filter(|p| inside(*p))
            .count()
    };
    Corner::ALL
        .into_iter()
        .min_by_key(|&c| covered(c))
        .unwrap_or(Corner::UpperRight)
}

/// A legend placed where it hides the least of the data: the corner is chosen by the first
/// backend to draw and kept for the other, so the PNG and the SVG agree.
pub(super) struct LegendPlace {
    chosen: std::cell::Cell<Option<Corner>>,
    /// The fonts the legend's labels are measured in.
    fonts: std::sync::Arc<crate::text::Fonts>,
    /// Plotters units per pixel of the chart being drawn.
    scale: f64,
}

impl LegendPlace {
    pub(super) fn new(fonts: &std::sync::Arc<crate::text::Fonts>) -> Self {
        LegendPlace {
            chosen: std::cell::Cell::new(None),
            fonts: fonts.clone(),
            scale: f64::from(crate::picture::plot::SCALE),
        }
    }

    /// The corner for a legend of `labels` in `font_px` text over a plotting area of
    /// `plot_px`, given the chart's lines in plot fractions.
    pub(super) fn corner(
        &self,
        lines: &[Vec<(f64, f64)>],
        labels: &[&str],
        font_px: f64,
        plot_px: (u32, u32),
    ) -> Corner {
        if let Some(c) = self.chosen.get() {
            return c;
        }
        let widest = labels
            .iter()
            .map(|l| f64::from(self.fonts.width(l, (font_px / self.scale) as f32)) * self.scale)
            .fold(0.0, f64::max);
        // Swatch, gaps and border around the text; rows of about 1.5 lines each.
        let w = widest + font_px * 4.5;
        let h = labels.len() as f64 * font_px * 1.5 + font_px;
        let size = (
            w / f64::from(plot_px.0.max(1)),
            h / f64::from(plot_px.1.max(1)),
        );
        let c = emptiest_corner(lines, size);
        self.chosen.set(Some(c));
        c
    }

    /// Draws the chart's legend `rows`, in `font_px` text, in the corner it hides the least of
    /// `lines` (the chart's lines in plot fractions) in.
    pub(super) fn draw<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
        &self,
        chart: &ChartContext<'a, DB, CT>,
        scale: f64,
        font_px: f64,
        lines: &[Vec<(f64, f64)>],
        rows: &[LegendRow],
    ) -> Result<(), DrawError> {
        let plot = chart.plotting_area().dim_in_pixel();
        let labels: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        let corner = self.corner(lines, &labels, font_px, plot);
        legend_box(chart, scale, font_px, rows, corner)
    }
}
