/// One bar of a [`BarChart`]: a labelled count, a link when there is
/// something to see behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// Short label printed beside the bar ("Nov").
    pub label: String,
    /// Full name for screen readers and tooltips ("November 2026").
    pub long_label: String,
    pub count: u64,
    /// Where the bar leads; `None` for an empty bar.
    pub url: Option<String>,
}

/// A horizontal bar chart drawn as inline SVG on the server: one row per
/// bar, label on the left, count at the bar's end. Geometry is computed
/// here so the template only prints numbers, and the fixed `viewBox` gives
/// the browser the chart's aspect ratio before it paints (no layout shift).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    pub title: String,
    pub rows: Vec<ChartRow>,
    pub width: u32,
    pub height: u32,
}

/// A bar with its geometry in `viewBox` units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartRow {
    pub bar: Bar,
    /// Top of the row's whole band, which is the link's target area.
    pub band_y: u32,
    pub y: u32,
    pub text_y: u32,
    pub bar_width: u32,
    pub count_x: u32,
}

impl BarChart {
    pub const WIDTH: u32 = 340;
    /// Tall enough that each bar's link is a 24 px target (WCAG 2.5.8) even
    /// when the chart is drawn at its narrowest.
    pub const ROW: u32 = 32;
    pub const BAR: u32 = 20;
    /// Room for the labels left of the bars ("September" at 15 units).
    pub const LABEL: u32 = 92;
    /// Room for the count right of the longest bar.
    pub const COUNT: u32 = 40;

    pub fn new(title: impl Into<String>, bars: Vec<Bar>) -> Self {
        let max = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
        let span = u64::from(Self::WIDTH - Self::LABEL - Self::COUNT);
        let rows: Vec<ChartRow> = bars
            .into_iter()
            .enumerate()
            .map(|(i, bar)| {
                let i = u32::try_from(i).unwrap_or(u32::MAX);
                let y = i.saturating_mul(Self::ROW) + (Self::ROW - Self::BAR) / 2;
                // A non-empty bar is at least 2 units wide so it stays visible.
                let w = if bar.count == 0 {
                    0
                } else {
                    u32::try_from((bar.count * span).div_ceil(max))
                        .unwrap_or(0)
                        .max(2)
                };
                ChartRow {
                    band_y: i.saturating_mul(Self::ROW),
                    y,
                    text_y: y + Self::BAR / 2 + 5,
                    bar_width: w,
                    count_x: Self::LABEL + w + 6,
                    bar,
                }
            })
            .collect();
        let height = u32::try_from(rows.len())
            .unwrap_or(0)
            .saturating_mul(Self::ROW)
            .max(Self::ROW);
        Self {
            title: title.into(),
            rows,
            width: Self::WIDTH,
            height,
        }
    }

    pub fn label_x(&self) -> u32 {
        Self::LABEL - 8
    }

    pub fn bar_x(&self) -> u32 {
        Self::LABEL
    }

    pub fn row_height(&self) -> u32 {
        Self::ROW
    }

    pub fn bar_height(&self) -> u32 {
        Self::BAR
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(count: u64) -> Bar {
        Bar {
            label: "x".into(),
            long_label: "x".into(),
            count,
            url: None,
        }
    }

    #[test]
    fn bars_scale_to_the_largest_and_empty_ones_have_no_width() {
        let c = BarChart::new("t", vec![bar(10), bar(5), bar(0), bar(1)]);
        let widths: Vec<_> = c.rows.iter().map(|r| r.bar_width).collect();
        assert_eq!(widths, [208, 104, 0, 21]);
        assert_eq!(c.height, 4 * BarChart::ROW);
        assert!(c.rows.iter().all(|r| r.count_x + 30 <= c.width));
    }

    #[test]
    fn an_empty_chart_keeps_a_height() {
        assert_eq!(BarChart::new("t", vec![]).height, BarChart::ROW);
    }
}
