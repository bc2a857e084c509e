//! What a city reports of an indicator: one value for one year, with where it comes from, and
//! optionally the value the city aims at by a target year.

use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Checked, Code, FieldError, done, report, title_text};
use crate::ids::Key;
use crate::indicator::Verification;

/// One indicator value as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct IndicatorInput {
    /// The indicator's code: lowercase letters, digits and underscores, starting with a
    /// letter (`pm25_annual_mean`); the same code means the same indicator in every city.
    #[garde(length(chars, min = 1, max = 64), custom(title_text))]
    pub code: String,
    /// The indicator's name (`Annual mean PM2.5 concentration`).
    #[garde(length(chars, min = 1, max = 200), custom(title_text))]
    pub name: String,
    /// The unit of the value (`µg/m³`, `%`, `tonnes per person`).
    #[garde(length(chars, min = 1, max = 40), custom(title_text))]
    pub unit: String,
    /// The year the value is for.
    #[garde(range(min = 1900, max = 2100))]
    pub year: i32,
    /// The value.
    #[garde(skip)]
    pub value: f64,
    /// Where the value comes from (a report, a statistics office, an address).
    #[garde(length(chars, min = 1, max = 500), custom(title_text))]
    pub source: String,
    /// Who vouches for it: `self_reported` (the default) or `verified` (coordinators only).
    #[serde(default)]
    #[garde(skip)]
    pub verification: Option<Verification>,
    /// The year of the city's target for this indicator, when it gives one.
    #[serde(default)]
    #[garde(range(min = 1900, max = 2100))]
    pub target_year: Option<i32>,
    /// The value the city aims at by the target year.
    #[serde(default)]
    #[garde(skip)]
    pub target_value: Option<f64>,
}

/// One value of an upload, with the city it is for.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    /// The city, by id or slug.
    pub city: Key,
    /// The value.
    pub input: IndicatorInput,
}

impl IndicatorInput {
    /// The verification asked for (self-reported when none is named).
    pub fn verification(&self) -> Verification {
        self.verification.unwrap_or(Verification::SelfReported)
    }

    /// Every field invalid on its own or against the others of the value.
    pub fn check(&self) -> Checked {
        let mut errors = report(self.validate());
        let mut add = |field: &str, code, message: &str| {
            if !errors.iter().any(|e: &FieldError| e.field == field) {
                errors.push(FieldError::new(field, code, message));
            }
        };
        if !is_code(&self.code) {
            add(
                "code",
                Code::InvalidFormat,
                "Write the code in lowercase letters, digits and underscores, starting with a \
                 letter (e.g. pm25_annual_mean)",
            );
        }
        if !self.value.is_finite() {
            add("value", Code::NotANumber, "Give the value as a number");
        }
        if self.target_value.is_some_and(|v| !v.is_finite()) {
            add(
                "target_value",
                Code::NotANumber,
                "Give the target value as a number",
            );
        }
        match (self.target_year, self.target_value) {
            (Some(_), None) => add(
                "target_value",
                Code::Required,
                "Give the target value for the target year, or leave both out",
            ),
            (None, Some(_)) => add(
                "target_year",
                Code::Required,
                "Give the year of the target, or leave both out",
            ),
            _ => {}
        }
        done(errors)
    }
}

/// Whether `code` is written as indicator codes are: a lowercase letter, then lowercase
/// letters, digits and underscores.
pub fn is_code(code: &str) -> bool {
    let mut chars = code.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The path of `field` of the value at `row` of an upload: `[2].year`.
pub fn row_path(row: usize, field: &str) -> String {
    format!("[{row}].{field}")
}

/// The row and field a path of [`row_path`] names.
pub fn row_of(path: &str) -> Option<(usize, &str)> {
    let rest = path.strip_prefix('[')?;
    let (row, field) = rest.split_once("].")?;
    Some((row.parse().ok()?, field))
}

/// The errors of the value at `row`, their paths made paths of the upload.
pub fn at_row(row: usize, errors: Vec<FieldError>) -> impl Iterator<Item = FieldError> {
    errors.into_iter().map(move |e| FieldError {
        field: row_path(row, &e.field),
        ..e
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> IndicatorInput {
        IndicatorInput {
            code: "pm25_annual_mean".into(),
            name: "Annual mean PM2.5".into(),
            unit: "µg/m³".into(),
            year: 2023,
            value: 21.5,
            source: "Example report".into(),
            verification: None,
            target_year: Some(2030),
            target_value: Some(15.0),
        }
    }

    #[test]
    fn a_good_value_passes_and_is_self_reported() {
        assert_eq!(input().check(), Ok(()));
        assert_eq!(input().verification(), Verification::SelfReported);
    }

    #[test]
    fn each_bad_field_is_named() {
        let bad = IndicatorInput {
            code: "PM 2.5".into(),
            year: 1800,
            value: f64::NAN,
            target_value: None,
            ..input()
        };
        let errors = bad.check().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["year", "code", "value", "target_value"]);
        assert!(errors[0].message.contains("1900"), "{}", errors[0].message);
    }

    #[test]
    fn codes_and_row_paths() {
        assert!(is_code("pm25_annual_mean") && is_code("a"));
        assert!(!is_code("") && !is_code("1abc") && !is_code("Abc") && !is_code("a-b"));
        assert_eq!(row_of(&row_path(3, "year")), Some((3, "year")));
        assert_eq!(row_of("year"), None);
    }
}
