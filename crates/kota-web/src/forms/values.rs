//! A submitted form as name → values (a name may repeat: checkboxes), and typed reads of it
//! that collect what does not parse as field errors.

use std::str::FromStr;

use chrono::NaiveDate;

use kota_domain::edit::{FieldError, words};

/// The fields of a form, as submitted (read from `application/x-www-form-urlencoded`) or as
/// filled from a record.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(from = "Vec<(String, String)>")]
pub(crate) struct FormValues(Vec<(String, String)>);

/// Browsers send a text area's line breaks as CR LF; Kota keeps text with LF alone (a CR is
/// a control character no text field takes).
impl From<Vec<(String, String)>> for FormValues {
    fn from(pairs: Vec<(String, String)>) -> Self {
        Self(
            pairs
                .into_iter()
                .map(|(name, value)| (name, value.replace("\r\n", "\n").replace('\r', "\n")))
                .collect(),
        )
    }
}

impl FormValues {
    /// Sets `name` to `value` (when given), replacing what was there.
    pub(crate) fn set(&mut self, name: &str, value: impl Into<Option<String>>) -> &mut Self {
        self.0.retain(|(n, _)| n != name);
        if let Some(v) = value.into() {
            self.0.push((name.to_owned(), v));
        }
        self
    }

    /// Sets `name` to each of `values` (checkboxes).
    pub(crate) fn set_all<S: ToString>(
        &mut self,
        name: &str,
        values: impl IntoIterator<Item = S>,
    ) -> &mut Self {
        self.0.retain(|(n, _)| n != name);
        self.0
            .extend(values.into_iter().map(|v| (name.to_owned(), v.to_string())));
        self
    }

    /// The first value of `name`, or "".
    pub(crate) fn text(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The value of `name`, trimmed, or `None` when blank.
    pub(crate) fn opt(&self, name: &str) -> Option<String> {
        let v = self.text(name).trim();
        (!v.is_empty()).then(|| v.to_owned())
    }

    /// Every value of `name`.
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Whether the checkbox `name` was ticked.
    pub(crate) fn checked(&self, name: &str) -> bool {
        !self.text(name).is_empty()
    }

    /// The non-blank lines of the text area `name`.
    pub(crate) fn lines(&self, name: &str) -> Vec<String> {
        self.text(name)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The value of `name` as a number (or other parsed value), `None` when blank; a value
    /// that does not parse adds an error naming the field.
    pub(crate) fn number<T: FromStr>(&self, name: &str, errors: &mut Vec<FieldError>) -> Option<T> {
        let v = self.opt(name)?;
        let parsed = v.replace([',', '_', ' '], "").parse().ok();
        if parsed.is_none() {
            errors.push(words::not_a_number(name, &v));
        }
        parsed
    }

    /// The value of `name` as a day (YYYY-MM-DD); anything else adds an error naming the field.
    pub(crate) fn date(&self, name: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
        let parsed = NaiveDate::parse_from_str(self.text(name).trim(), "%Y-%m-%d").ok();
        if parsed.is_none() {
            errors.push(words::not_a_date(name));
        }
        parsed
    }

    /// The value of `name` read by `parse` (a vocabulary), `None` when blank; an unknown value
    /// adds an error naming the field.
    pub(crate) fn choice<T>(
        &self,
        name: &str,
        parse: impl Fn(&str) -> Option<T>,
        errors: &mut Vec<FieldError>,
    ) -> Option<T> {
        let v = self.opt(name)?;
        let parsed = parse(&v);
        if parsed.is_none() {
            errors.push(words::not_a_choice(name, &v, &[]));
        }
        parsed
    }

    /// Every value of `name` read by `parse`; unknown values add an error naming the field.
    pub(crate) fn choices<T>(
        &self,
        name: &str,
        parse: impl Fn(&str) -> Option<T>,
        errors: &mut Vec<FieldError>,
    ) -> Vec<T> {
        let mut out = Vec::new();
        for v in self.all(name) {
            match parse(&v) {
                Some(t) => out.push(t),
                None => errors.push(words::not_a_choice(name, &v, &[])),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_names_and_typed_reads() {
        let v: FormValues = serde_urlencoded::from_bytes(
            b"a=1&a=2&n=1%2C000&bad=x&c=on&t=%20one%0D%0A%0D%0Atwo%20",
        )
        .unwrap();
        assert_eq!(v.all("a"), ["1", "2"]);
        let mut errors = Vec::new();
        assert_eq!(v.number::<i64>("n", &mut errors), Some(1000));
        assert_eq!(v.number::<i64>("bad", &mut errors), None);
        assert_eq!(v.number::<i64>("missing", &mut errors), None);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "bad");
        assert!(v.checked("c") && !v.checked("d"));
        assert_eq!(v.lines("t"), ["one", "two"]);
    }
}
