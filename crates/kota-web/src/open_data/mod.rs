//! Open data: each list page as a CSV file at its own address with `.csv` (the same filters,
//! what the viewer may see), and the catalogue of the datasets Kota publishes.

pub(crate) mod catalog;
pub(crate) mod rows;

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::Problem;

/// The media type of CSV files.
pub(crate) const CSV: &str = "text/csv; charset=utf-8";

/// A record as a row of a CSV file.
pub(crate) trait CsvRow {
    /// The names of the columns.
    const HEADER: &'static [&'static str];
    /// The record's values, one per column of [`Self::HEADER`].
    fn row(&self) -> Vec<String>;
}

/// The text of a CSV file (RFC 4180): a header row, then one row per record, each line ended
/// by CRLF, a field quoted when it holds a comma, a quote or a line break. A text that a
/// spreadsheet would run as a formula is written as text (see [`inert`]).
pub(crate) fn csv_text<T: CsvRow>(records: &[T]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    out.write_record(T::HEADER)?;
    for r in records {
        out.write_record(r.row().iter().map(|cell| inert(cell).into_owned()))?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// A cell that begins as a spreadsheet formula does (`=`, `+`, `-`, `@`, a tab or a carriage
/// return) and is not a number, led by an apostrophe so that a spreadsheet shows it as text
/// instead of running it: anyone may write a project's title, and coordinators open these
/// files.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula && cell.parse::<f64>().is_err() {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A CSV file to download as `name` (`cities.csv`).
pub(crate) fn csv_file<T: CsvRow>(name: &str, records: &[T]) -> Result<Response, Problem> {
    let body = csv_text(records).map_err(|e| {
        tracing::error!(error = %e, "a CSV file could not be written");
        Problem::internal()
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, CSV.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// The address of the CSV file of the list at `path` with the filters of `query` (paging
/// left out: the file holds every row).
pub(crate) fn csv_link(path: &str, query: Option<&str>) -> String {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or(""))
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, v)| k != "offset" && k != "limit" && !v.is_empty())
            .collect();
    let qs = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if qs.is_empty() {
        format!("{path}.csv")
    } else {
        format!("{path}.csv?{qs}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Line(&'static str, &'static str);

    impl CsvRow for Line {
        const HEADER: &'static [&'static str] = &["name", "note"];
        fn row(&self) -> Vec<String> {
            vec![self.0.to_owned(), self.1.to_owned()]
        }
    }

    #[test]
    fn fields_are_quoted_as_rfc_4180_asks() {
        let text = csv_text(&[
            Line("Cebu City", "plain"),
            Line("Kuching, Sarawak", "a \"quoted\" word"),
            Line("Two\nlines", ""),
        ])
        .unwrap();
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "name,note\r\nCebu City,plain\r\n\"Kuching, Sarawak\",\"a \"\"quoted\"\" word\"\r\n\"Two\nlines\",\r\n"
        );
    }

    #[test]
    fn the_link_keeps_filters_and_drops_paging() {
        assert_eq!(csv_link("/cities", None), "/cities.csv");
        assert_eq!(
            csv_link("/projects", Some("city=cebu-city&offset=50&limit=10&q=")),
            "/projects.csv?city=cebu-city"
        );
        assert_eq!(
            csv_link("/partners", Some("q=smart+city")),
            "/partners.csv?q=smart+city"
        );
    }

    #[test]
    fn formulas_are_written_as_text_and_numbers_stay_numbers() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("-6.2088"), "-6.2088");
        assert_eq!(inert("+66"), "+66");
        assert_eq!(inert("Smart traffic - phase 2"), "Smart traffic - phase 2");
    }
}
