//! A GeoNames cities dump (the `cities15000.txt` column layout: 19 columns separated by tabs,
//! no header), read whole: every error is named by its line and column, and a dump with any
//! error is refused as a whole.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;

use super::Place;

/// The dump's columns, in order, by the names GeoNames gives them.
pub const COLUMNS: [&str; 19] = [
    "geonameid",
    "name",
    "asciiname",
    "alternatenames",
    "latitude",
    "longitude",
    "feature class",
    "feature code",
    "country code",
    "cc2",
    "admin1 code",
    "admin2 code",
    "admin3 code",
    "admin4 code",
    "population",
    "elevation",
    "dem",
    "timezone",
    "modification date",
];

/// What is wrong in a dump, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumpError {
    /// The line (from 1).
    pub line: u64,
    /// The column (from 1), when the error is in one; its name is in [`COLUMNS`].
    pub column: Option<usize>,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for DumpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(n) => write!(
                f,
                "line {}, column {n} ({}): {}",
                self.line,
                COLUMNS[n - 1],
                self.message
            ),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// A dump read.
#[derive(Debug, Clone, PartialEq)]
pub struct Dump {
    /// Its places, in the file's order.
    pub places: Vec<Place>,
    /// How many alternate names were left out for carrying invisible control characters
    /// (garbled text in the dump, no name in any script).
    pub names_left_out: usize,
}

/// Reads a whole dump: its places, or every error found.
pub fn read(text: &str) -> Result<Dump, Vec<DumpError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut places = Vec::new();
    let mut names_left_out = 0;
    let mut errors = Vec::new();
    let mut first_line: HashMap<i64, u64> = HashMap::new();
    let lines: Vec<&str> = text.lines().collect();
    let last = lines.len();
    for (i, raw) in lines.into_iter().enumerate() {
        let line = i as u64 + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.is_empty() && i + 1 == last {
            continue;
        }
        match read_line(line, raw) {
            Ok((place, left_out)) => {
                names_left_out += left_out;
                if let Some(earlier) = first_line.insert(place.geonames_id, line) {
                    errors.push(DumpError {
                        line,
                        column: Some(1),
                        message: format!(
                            "the place {} is on line {earlier} already",
                            place.geonames_id
                        ),
                    });
                }
                places.push(place);
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    if places.is_empty() && errors.is_empty() {
        errors.push(DumpError {
            line: 1,
            column: None,
            message: "the file holds no places".into(),
        });
    }
    if errors.is_empty() {
        Ok(Dump {
            places,
            names_left_out,
        })
    } else {
        Err(errors)
    }
}

/// One line's place and how many of its alternate names were left out, or its errors.
fn read_line(line: u64, raw: &str) -> Result<(Place, usize), Vec<DumpError>> {
    let fields: Vec<&str> = raw.split('\t').collect();
    if fields.len() != COLUMNS.len() {
        return Err(vec![DumpError {
            line,
            column: None,
            message: format!(
                "{} columns separated by tabs where a GeoNames cities dump has {}",
                fields.len(),
                COLUMNS.len()
            ),
        }]);
    }
    let mut errors = Vec::new();
    let mut fail = |column: usize, message: String| {
        errors.push(DumpError {
            line,
            column: Some(column),
            message,
        });
    };
    let field = |column: usize| fields[column - 1].trim();
    let geonames_id = match field(1).parse::<i32>() {
        Ok(id) if id > 0 => i64::from(id),
        _ => {
            fail(
                1,
                format!(
                    "“{}” is not a GeoNames id (a whole number from 1)",
                    field(1)
                ),
            );
            0
        }
    };
    let name = field(2);
    if name.is_empty() {
        fail(2, "the place has no name".into());
    }
    for column in (1..=COLUMNS.len()).filter(|c| *c != 4) {
        if fields[column - 1].chars().any(char::is_control) {
            fail(column, "take out the invisible control characters".into());
        }
    }
    let mut coordinate = |column: usize, bound: f64| match field(column).parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= bound => v,
        Ok(_) => {
            fail(
                column,
                format!("{} is outside -{bound} to {bound}", field(column)),
            );
            0.0
        }
        Err(_) => {
            fail(column, format!("“{}” is not a number", field(column)));
            0.0
        }
    };
    let latitude = coordinate(5, 90.0);
    let longitude = coordinate(6, 180.0);
    let feature_class = field(7);
    if !(feature_class.is_empty()
        || feature_class.len() == 1 && feature_class.bytes().all(|b| b.is_ascii_uppercase()))
    {
        fail(
            7,
            format!("“{feature_class}” is not a feature class (one capital letter, e.g. P)"),
        );
    }
    let feature_code = field(8);
    if feature_code.len() > 10
        || !feature_code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        fail(
            8,
            format!("“{feature_code}” is not a feature code (capital letters, e.g. PPLC)"),
        );
    }
    let country_code = field(9);
    if !(country_code.len() == 2 && country_code.bytes().all(|b| b.is_ascii_uppercase())) {
        fail(
            9,
            format!("“{country_code}” is not a two-letter country code, e.g. TH"),
        );
    }
    let population = match field(15).parse::<i64>() {
        Ok(n) if n >= 0 => n,
        _ => {
            fail(
                15,
                format!(
                    "“{}” is not a population (a whole number from 0)",
                    field(15)
                ),
            );
            0
        }
    };
    for column in [16, 17] {
        if !field(column).is_empty() && field(column).parse::<i32>().is_err() {
            fail(
                column,
                format!("“{}” is not a whole number of metres", field(column)),
            );
        }
    }
    let timezone = field(18);
    if timezone.is_empty() || timezone.contains(char::is_whitespace) {
        fail(
            18,
            format!("“{timezone}” is not a time zone, e.g. Asia/Bangkok"),
        );
    }
    let modified_on = match field(19) {
        "" => None,
        date => match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
            Ok(d) if date.len() == 10 => Some(d),
            _ => {
                fail(
                    19,
                    format!("“{date}” is not a date written yyyy-mm-dd, e.g. 2024-03-31"),
                );
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let (alternate_names, garbled): (Vec<&str>, Vec<&str>) = field(4)
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .partition(|n| !n.chars().any(char::is_control));
    let place = Place {
        geonames_id,
        name: name.to_owned(),
        ascii_name: field(3).to_owned(),
        alternate_names: alternate_names.into_iter().map(str::to_owned).collect(),
        latitude,
        longitude,
        feature_class: feature_class.to_owned(),
        feature_code: feature_code.to_owned(),
        country_code: country_code.to_owned(),
        admin1_code: field(11).to_owned(),
        population,
        timezone: timezone.to_owned(),
        modified_on,
    };
    Ok((place, garbled.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BANGKOK: &str = "1609350\tBangkok\tBangkok\tKrung Thep,กรุงเทพมหานคร\t13.75398\t100.50144\tP\tPPLC\tTH\t\t40\t\t\t\t5104476\t\t4\tAsia/Bangkok\t2024-05-01";

    #[test]
    fn a_line_reads_as_a_place() {
        let dump = read(&format!("{BANGKOK}\n")).expect("a good dump");
        assert_eq!(dump.names_left_out, 0);
        let places = dump.places;
        assert_eq!(places.len(), 1);
        let p = &places[0];
        assert_eq!(p.geonames_id, 1_609_350);
        assert_eq!(p.alternate_names, ["Krung Thep", "กรุงเทพมหานคร"]);
        assert_eq!(p.admin1_code, "40");
        assert_eq!(p.modified_on, NaiveDate::from_ymd_opt(2024, 5, 1));
    }

    #[test]
    fn every_error_is_named_by_line_and_column() {
        let bad = BANGKOK
            .replace("13.75398", "93.1")
            .replace("2024-05-01", "2024-13-01")
            .replace("1609350", "1609351");
        let short = "12\tNowhere";
        let errors = read(&format!("{BANGKOK}\n{bad}\n{short}\n{BANGKOK}\n")).unwrap_err();
        let said: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            said,
            [
                "line 2, column 5 (latitude): 93.1 is outside -90 to 90",
                "line 2, column 19 (modification date): “2024-13-01” is not a date written yyyy-mm-dd, e.g. 2024-03-31",
                "line 3: 2 columns separated by tabs where a GeoNames cities dump has 19",
                "line 4, column 1 (geonameid): the place 1609350 is on line 1 already",
            ]
        );
    }

    #[test]
    fn a_garbled_alternate_name_is_left_out_and_counted() {
        let garbled = BANGKOK.replace("Krung Thep,", "Krung Thep,\u{9f}AA¬²±,");
        let dump = read(&garbled).expect("a good dump");
        assert_eq!(dump.names_left_out, 1);
        assert_eq!(
            dump.places[0].alternate_names,
            ["Krung Thep", "กรุงเทพมหานคร"]
        );
        let bad_name = BANGKOK.replace("\tBangkok\tBangkok\t", "\tBang\u{1}kok\tBangkok\t");
        assert!(
            read(&bad_name).is_err(),
            "control characters elsewhere are refused"
        );
    }

    #[test]
    fn an_empty_file_is_refused() {
        assert!(read("").is_err());
    }
}
