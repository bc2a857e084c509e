//! Heat tables: a grid of counts, each cell shaded by its count, with the columns' short names
//! spelled out under the grid.

use std::fmt::Write;

use super::figure::{Chart, Row, esc, svg_open};

/// Width of the row labels.
const LABEL: u32 = 128;
/// Width and height of a cell.
const CELL_W: u32 = 44;
const CELL_H: u32 = 26;
/// Height of the header of short column names.
const HEAD: u32 = 24;
/// Height of one line of the key under the grid.
const KEY_LINE: u32 = 18;

/// The short name of a column: the initials of its capitalised words ("Civic and Social" →
/// "CS").
pub(crate) fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .collect()
}

/// A heat table of `rows` (one value per column) under `title`; `corner` names what the rows
/// are and `columns` the columns, in full.
pub(crate) fn chart(
    id: &str,
    title: &str,
    corner: &str,
    columns: &[String],
    rows: Vec<Row>,
) -> Chart {
    let n_cols = u32::try_from(columns.len()).unwrap_or(0);
    let n_rows = u32::try_from(rows.len()).unwrap_or(0);
    let width = LABEL + n_cols * CELL_W;
    let grid_bottom = HEAD + n_rows * CELL_H;
    let height = grid_bottom + 8 + n_cols * KEY_LINE;
    let max = rows
        .iter()
        .flat_map(|r| r.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let desc = description(corner, columns, &rows);
    let mut svg = svg_open(id, width, height, title, &desc);
    let shorts: Vec<String> = columns.iter().map(|c| initials(c)).collect();
    for (c, short) in shorts.iter().enumerate() {
        let x = LABEL + u32::try_from(c).unwrap_or(0) * CELL_W + CELL_W / 2;
        let _ = write!(
            svg,
            r#"<text x="{x}" y="{}" text-anchor="middle" class="chart-label">{}</text>"#,
            HEAD - 8,
            esc(short)
        );
    }
    for (r, row) in rows.iter().enumerate() {
        let y = HEAD + u32::try_from(r).unwrap_or(0) * CELL_H;
        let _ = write!(
            svg,
            r#"<text x="0" y="{}" class="chart-label">{}</text>"#,
            y + 18,
            esc(&row.label)
        );
        for (c, value) in row.values.iter().enumerate() {
            let x = LABEL + u32::try_from(c).unwrap_or(0) * CELL_W;
            // Dark enough to see, light enough that the count in ink stays readable.
            #[allow(clippy::cast_precision_loss)]
            let shade = 0.06 + 0.54 * (*value as f64) / (max as f64);
            let _ = write!(
                svg,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#0b5d6b" fill-opacity="{shade:.2}" stroke="#c9d1d9"/><text x="{}" y="{}" text-anchor="middle" class="chart-value">{value}</text>"##,
                x + 1,
                y + 1,
                CELL_W - 2,
                CELL_H - 2,
                x + CELL_W / 2,
                y + 18
            );
        }
    }
    for (c, (short, name)) in shorts.iter().zip(columns).enumerate() {
        let y = grid_bottom + 8 + u32::try_from(c).unwrap_or(0) * KEY_LINE + 13;
        let _ = write!(
            svg,
            r#"<text x="0" y="{y}" class="chart-note">{}: {}</text>"#,
            esc(short),
            esc(name)
        );
    }
    svg.push_str("</svg>");
    let mut head = vec![corner.to_owned()];
    head.extend(columns.iter().cloned());
    Chart {
        id: id.to_owned(),
        title: title.to_owned(),
        svg,
        head,
        rows,
    }
}

/// The table in words: each row's non-zero cells, and the rows with none.
fn description(corner: &str, columns: &[String], rows: &[Row]) -> String {
    let mut parts = Vec::new();
    let mut empty = Vec::new();
    for r in rows {
        let cells: Vec<String> = columns
            .iter()
            .zip(&r.values)
            .filter(|(_, v)| **v > 0)
            .map(|(c, v)| format!("{c} {v}"))
            .collect();
        if cells.is_empty() {
            empty.push(r.label.clone());
        } else {
            parts.push(format!("{}: {}", r.label, cells.join(", ")));
        }
    }
    let mut text = parts.join("; ");
    if !empty.is_empty() {
        if !text.is_empty() {
            text.push_str(". ");
        }
        let _ = write!(text, "None for {}", empty.join(", "));
    }
    if text.is_empty() {
        text = format!("No {} to count yet", corner.to_lowercase());
    }
    text + "."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_shortened_to_their_initials_and_spelled_out_in_the_key() {
        assert_eq!(initials("Civic and Social"), "CS");
        assert_eq!(initials("Health and Well-being"), "HW");
        let c = chart(
            "h",
            "Projects",
            "Member state",
            &["Civic and Social".to_owned()],
            vec![Row {
                label: "Thailand".into(),
                href: None,
                values: vec![4],
            }],
        );
        assert!(c.svg.contains("CS: Civic and Social"));
        assert!(c.svg.contains("Thailand: Civic and Social 4."));
    }
}
