//! A chart as a page shows it: the SVG with its title and text alternative, and a table of the
//! same numbers beside it.

use std::fmt::Write;

use askama::Template;

/// Text made safe for SVG and HTML: `&`, `<`, `>` and quotes escaped.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The opening of an accessible SVG of `width` × `height` units, named by its title and
/// described by its text alternative (both elements written here).
pub(crate) fn svg_open(id: &str, width: u32, height: u32, title: &str, desc: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(desc)
    );
    s
}

/// A row of a chart's table: what it counts and its numbers, with a link when it has a page.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// What the row counts.
    pub(crate) label: String,
    /// The page of what it counts.
    pub(crate) href: Option<String>,
    /// One number per column.
    pub(crate) values: Vec<u64>,
}

/// A chart: its SVG and the table of its numbers.
#[derive(Debug, Clone, Template)]
#[template(path = "chart.html")]
pub(crate) struct Chart {
    /// Id in the page (and prefix of the SVG's element ids).
    pub(crate) id: String,
    /// The chart's title, also the table's caption.
    pub(crate) title: String,
    /// The SVG markup, escaped as it was written.
    pub(crate) svg: String,
    /// The table's header: what the rows are, then one name per column.
    pub(crate) head: Vec<String>,
    /// The table's rows.
    pub(crate) rows: Vec<Row>,
}
