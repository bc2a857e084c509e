//! Indicator values as a CSV file (RFC 4180, UTF-8, its first line naming the columns), read
//! whole: every error is named by its line and column, and a file with any error is refused
//! as a whole.

use std::collections::HashMap;
use std::fmt;

use crate::edit::{FieldError, IndicatorInput, IndicatorRow, row_of, words};
use crate::ids::Key;
use crate::indicator::Verification;

/// The columns a file may have, in the order a new file lists them.
pub const COLUMNS: &[&str] = &[
    "city",
    "code",
    "name",
    "unit",
    "year",
    "value",
    "source",
    "verification",
    "target_year",
    "target_value",
];

/// The columns a file must have.
const REQUIRED: &[&str] = &["city", "code", "name", "unit", "year", "value", "source"];

/// A file read: its rows, each with the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The values, in the file's order.
    pub rows: Vec<IndicatorRow>,
    /// The line each row starts on.
    lines: Vec<u64>,
    /// The column of each name (from 1).
    columns: HashMap<String, usize>,
}

/// What is wrong in a file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetError {
    /// The line (from 1), when the error is on one.
    pub line: Option<u64>,
    /// The column (from 1) and its name, when the error is in one.
    pub column: Option<(usize, String)>,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for SheetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, &self.column) {
            (Some(line), Some((n, name))) => {
                write!(f, "line {line}, column {n} ({name}): {}", self.message)
            }
            (Some(line), None) => write!(f, "line {line}: {}", self.message),
            (None, _) => write!(f, "the file: {}", self.message),
        }
    }
}

impl Sheet {
    /// The errors of an upload of this file's rows (at `[row].field`), at their lines and
    /// columns.
    pub fn locate(&self, errors: &[FieldError]) -> Vec<SheetError> {
        errors
            .iter()
            .map(|e| match row_of(&e.field) {
                Some((row, field)) => SheetError {
                    line: self.lines.get(row).copied(),
                    column: self.columns.get(field).map(|n| (*n, field.to_owned())),
                    message: e.message.clone(),
                },
                None => SheetError {
                    line: None,
                    column: None,
                    message: e.message.clone(),
                },
            })
            .collect()
    }

    /// The line the row at `row` starts on.
    pub fn line(&self, row: usize) -> Option<u64> {
        self.lines.get(row).copied()
    }
}

/// Reads a file of indicator values: its rows, or every error in it.
pub fn read(text: &str) -> Result<Sheet, Vec<SheetError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let at = |line: Option<u64>, message: String| SheetError {
        line,
        column: None,
        message,
    };
    let header = match records.next() {
        None => {
            return Err(vec![at(
                None,
                format!(
                    "The file is empty: its first line names the columns ({})",
                    COLUMNS.join(",")
                ),
            )]);
        }
        Some(Err(e)) => return Err(vec![unreadable(&e)]),
        Some(Ok(h)) => h,
    };
    let mut errors = Vec::new();
    let mut columns = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.to_lowercase();
        let column = Some((i + 1, name.clone()));
        if !COLUMNS.contains(&name.as_str()) {
            errors.push(SheetError {
                line: Some(1),
                column,
                message: format!(
                    "There is no column “{name}” in an indicator file; its columns are {}",
                    COLUMNS.join(", ")
                ),
            });
        } else if columns.insert(name.clone(), i + 1).is_some() {
            errors.push(SheetError {
                line: Some(1),
                column,
                message: format!("The column “{name}” is named twice"),
            });
        }
    }
    for name in REQUIRED {
        if !columns.contains_key(*name) {
            errors.push(at(
                Some(1),
                format!("The first line lacks the column “{name}”"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut sheet = Sheet {
        rows: Vec::new(),
        lines: Vec::new(),
        columns,
    };
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(unreadable(&e));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        if record.len() != header.len() {
            errors.push(at(
                Some(line),
                format!(
                    "The line has {} fields; the first line names {} columns",
                    record.len(),
                    header.len()
                ),
            ));
            continue;
        }
        let mut cells = Cells {
            sheet: &sheet,
            record: &record,
            line,
            errors: Vec::new(),
        };
        let city = cells.key("city");
        let input = IndicatorInput {
            code: cells.text("code"),
            name: cells.text("name"),
            unit: cells.text("unit"),
            year: cells.year("year").unwrap_or_default(),
            value: cells.number("value").unwrap_or_default(),
            source: cells.text("source"),
            verification: cells.verification(),
            target_year: cells.year("target_year"),
            target_value: cells.number("target_value"),
        };
        let mut found = cells.errors;
        if found.is_empty()
            && let Err(checked) = input.check()
        {
            found.extend(checked.into_iter().map(|e| SheetError {
                line: Some(line),
                column: sheet.columns.get(&e.field).map(|n| (*n, e.field.clone())),
                message: e.message,
            }));
        }
        errors.extend(found);
        if let Some(city) = city {
            sheet.rows.push(IndicatorRow { city, input });
            sheet.lines.push(line);
        }
    }
    if errors.is_empty() {
        Ok(sheet)
    } else {
        Err(errors)
    }
}

/// A record the CSV reader could not read (a quote left open, text that is not UTF-8).
fn unreadable(e: &csv::Error) -> SheetError {
    let line = e.position().map(csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "The line is not UTF-8 text: save the file as UTF-8".into(),
        _ => format!("The line cannot be read as CSV ({e}): check its quotes"),
    };
    SheetError {
        line,
        column: None,
        message,
    }
}

/// The cells of one record, read by column name, with what does not read.
struct Cells<'a> {
    sheet: &'a Sheet,
    record: &'a csv::StringRecord,
    line: u64,
    errors: Vec<SheetError>,
}

impl Cells<'_> {
    /// The cell of `name` ("" when the file has no such column).
    fn cell(&self, name: &str) -> &str {
        self.sheet
            .columns
            .get(name)
            .and_then(|n| self.record.get(n - 1))
            .unwrap_or("")
    }

    fn refuse(&mut self, name: &str, error: FieldError) {
        let column = self.sheet.columns.get(name).map(|n| (*n, name.to_owned()));
        self.errors.push(SheetError {
            line: Some(self.line),
            column,
            message: error.message,
        });
    }

    fn text(&self, name: &str) -> String {
        self.cell(name).to_owned()
    }

    fn key(&mut self, name: &str) -> Option<Key> {
        let text = self.cell(name).to_owned();
        match Key::parse(&text) {
            Ok(key) => Some(key),
            Err(_) if text.is_empty() => {
                self.refuse(name, words::required(name));
                None
            }
            Err(e) => {
                self.refuse(
                    name,
                    FieldError::new(name, words::Code::InvalidFormat, e.to_string()),
                );
                None
            }
        }
    }

    fn year(&mut self, name: &str) -> Option<i32> {
        let text = self.cell(name).to_owned();
        if text.is_empty() {
            if REQUIRED.contains(&name) {
                self.refuse(name, words::required(name));
            }
            return None;
        }
        text.parse()
            .map_err(|_| self.refuse(name, words::not_a_whole_number(name)))
            .ok()
    }

    fn number(&mut self, name: &str) -> Option<f64> {
        let text = self.cell(name).to_owned();
        if text.is_empty() {
            if REQUIRED.contains(&name) {
                self.refuse(name, words::required(name));
            }
            return None;
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            _ => {
                self.refuse(name, words::not_a_number(name, &text));
                None
            }
        }
    }

    fn verification(&mut self) -> Option<Verification> {
        let text = self.cell("verification").to_owned();
        if text.is_empty() {
            return None;
        }
        let found = Verification::parse(&text);
        if found.is_none() {
            let choices: Vec<&str> = Verification::ALL.iter().map(|v| v.as_str()).collect();
            self.refuse(
                "verification",
                words::not_a_choice("verification", &text, &choices),
            );
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "city,code,name,unit,year,value,source,verification,target_year,target_value";

    #[test]
    fn a_good_file_reads_with_its_lines() {
        let text = format!(
            "\u{feff}{HEADER}\nbangkok,pm25_annual_mean,PM2.5,µg/m³,2022,24,\"Report, 2023\",,2030,15\n\
             bangkok,pm25_annual_mean,PM2.5,µg/m³,2023,21.5,Report,verified,,\n"
        );
        let sheet = read(&text).expect("reads");
        assert_eq!(sheet.rows.len(), 2);
        assert_eq!(sheet.rows[0].input.source, "Report, 2023");
        assert_eq!(sheet.rows[0].input.target_value, Some(15.0));
        assert_eq!(
            sheet.rows[1].input.verification,
            Some(Verification::Verified)
        );
        assert_eq!((sheet.line(0), sheet.line(1)), (Some(2), Some(3)));
    }

    #[test]
    fn every_error_is_named_by_line_and_column() {
        let text = format!(
            "{HEADER}\nbangkok,pm25,PM2.5,µg/m³,20x3,abc,Report,,,\n\
             bangkok,pm25,PM2.5,µg/m³,2023,1,Report,checked,,\nbangkok,too,few\n"
        );
        let errors = read(&text).unwrap_err();
        let said: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(said.len(), 4, "{said:#?}");
        assert!(
            said[0].starts_with("line 2, column 5 (year): "),
            "{said:#?}"
        );
        assert!(
            said[1].starts_with("line 2, column 6 (value): "),
            "{said:#?}"
        );
        assert!(said[2].starts_with("line 3, column 8 (verification): "));
        assert!(said[3].starts_with("line 4: The line has 3 fields"));
    }

    #[test]
    fn a_bad_header_is_refused() {
        let errors = read("city,code,colour\n").unwrap_err();
        assert_eq!(errors[0].column, Some((3, "colour".into())));
        assert!(errors.iter().any(|e| e.message.contains("“value”")));
        assert!(read("").is_err());
    }

    #[test]
    fn upload_errors_are_located() {
        let sheet = read(&format!("{HEADER}\nx,a,b,c,2020,1,s,,,\n")).expect("reads");
        let located = sheet.locate(&[FieldError::new(
            "[0].city",
            words::Code::UnknownRecord,
            "No city",
        )]);
        assert_eq!(located[0].to_string(), "line 2, column 1 (city): No city");
    }
}
