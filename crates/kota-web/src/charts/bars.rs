//! Horizontal bar charts: one bar per row, split into series when there are several, each
//! label above its bar so that the chart reads at phone width.

use std::fmt::Write;

use super::figure::{Chart, Row, esc, svg_open};

/// Fills of the series, in order: dark enough to stand out on white (3:1 or more).
const FILLS: [&str; 4] = ["#0b5d6b", "#b35c00", "#5b4a9e", "#6b6b6b"];

/// Width of the drawing, in SVG units.
const WIDTH: u32 = 360;
/// Room left of a bar's end for its total.
const VALUE_ROOM: u32 = 48;
/// Height of one row: its label, then its bar.
const ROW: u32 = 44;
/// Height of one line of the legend.
const LEGEND_LINE: u32 = 20;

/// A bar chart of `rows` (one value per series each) under `title`; `series` names the
/// parts of each bar (one name: plain bars), `head` is the table's header.
pub(crate) fn chart(
    id: &str,
    title: &str,
    head: Vec<String>,
    series: &[&str],
    rows: Vec<Row>,
) -> Chart {
    let legend = if series.len() > 1 {
        u32::try_from(series.len()).unwrap_or(0) * LEGEND_LINE + 8
    } else {
        0
    };
    let count = u32::try_from(rows.len()).unwrap_or(0);
    let height = legend + count.max(1) * ROW + 4;
    let desc = description(series, &rows);
    let mut svg = svg_open(id, WIDTH, height, title, &desc);
    if legend > 0 {
        for (i, name) in series.iter().enumerate() {
            let y = u32::try_from(i).unwrap_or(0) * LEGEND_LINE;
            let _ = write!(
                svg,
                r#"<rect x="0" y="{}" width="14" height="14" fill="{}"/><text x="20" y="{}" class="chart-label">{}</text>"#,
                y + 2,
                FILLS[i % FILLS.len()],
                y + 14,
                esc(name)
            );
        }
    }
    let max = rows
        .iter()
        .map(|r| r.values.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let room = f64::from(WIDTH - VALUE_ROOM);
    if rows.is_empty() {
        let _ = write!(
            svg,
            r#"<text x="0" y="{}" class="chart-label">Nothing to count yet</text>"#,
            legend + 20
        );
    }
    for (i, row) in rows.iter().enumerate() {
        let top = legend + u32::try_from(i).unwrap_or(0) * ROW;
        let _ = write!(
            svg,
            r#"<text x="0" y="{}" class="chart-label">{}</text>"#,
            top + 14,
            esc(&row.label)
        );
        let mut x = 0.0_f64;
        for (s, value) in row.values.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let w = room * (*value as f64) / (max as f64);
            if w > 0.0 {
                let _ = write!(
                    svg,
                    r#"<rect x="{x:.1}" y="{}" width="{w:.1}" height="16" fill="{}"/>"#,
                    top + 20,
                    FILLS[s % FILLS.len()]
                );
            }
            x += w;
        }
        let total: u64 = row.values.iter().sum();
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{}" class="chart-value">{total}</text>"#,
            x + 6.0,
            top + 33
        );
    }
    svg.push_str("</svg>");
    Chart {
        id: id.to_owned(),
        title: title.to_owned(),
        svg,
        head,
        rows,
    }
}

/// The chart in words: each row with its total, and its parts when there are several series.
fn description(series: &[&str], rows: &[Row]) -> String {
    if rows.is_empty() {
        return "Nothing to count yet.".into();
    }
    rows.iter()
        .map(|r| {
            let total: u64 = r.values.iter().sum();
            if series.len() > 1 {
                let parts: Vec<String> = series
                    .iter()
                    .zip(&r.values)
                    .map(|(name, v)| format!("{v} {}", name.to_lowercase()))
                    .collect();
                format!("{}: {total} ({})", r.label, parts.join(", "))
            } else {
                format!("{}: {total}", r.label)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
        + "."
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(label: &str, values: Vec<u64>) -> Row {
        Row {
            label: label.into(),
            href: None,
            values,
        }
    }

    #[test]
    fn a_bar_chart_has_its_title_a_text_alternative_and_a_total_per_row() {
        let c = chart(
            "c",
            "Projects & stages",
            vec!["Stage".into(), "Projects".into()],
            &["Projects"],
            vec![row("Idea", vec![3]), row("Planning", vec![0])],
        );
        assert!(
            c.svg
                .contains(r#"<title id="c-title">Projects &amp; stages</title>"#)
        );
        assert!(c.svg.contains("Idea: 3; Planning: 0."));
        assert_eq!(c.svg.matches("class=\"chart-value\"").count(), 2);
    }

    #[test]
    fn stacked_bars_say_their_parts() {
        let c = chart(
            "s",
            "By year",
            vec!["Year".into(), "A".into(), "B".into()],
            &["Completed", "Ongoing"],
            vec![row("2025", vec![1, 2])],
        );
        assert!(c.svg.contains("2025: 3 (1 completed, 2 ongoing)"));
    }
}
