//! Field errors in words: what a person reads beside a field (in the field's own terms, with
//! the rule it breaks), and beside it a stable code for machines. Every refusal of a value,
//! from the checks of an input, a JSON body, a form or an account rule, is worded here.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldError;
use crate::ids::KeyError;

/// What is wrong with a field, for machines: stable, whatever the words say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = FieldErrorCode)]
pub enum Code {
    /// Nothing was given where a value is needed.
    Required,
    /// The text is shorter than the rule allows.
    TooShort,
    /// The text is longer than the rule allows.
    TooLong,
    /// The list has fewer entries than it needs.
    TooFew,
    /// The list has more entries than it may.
    TooMany,
    /// The number or day is outside the range the rule allows.
    OutOfRange,
    /// A number was expected.
    NotANumber,
    /// The value is not written the way the field takes it (a date, an address, a code).
    InvalidFormat,
    /// The value is not one of the field's choices.
    NotAChoice,
    /// The value names no record of the kind the field takes.
    UnknownRecord,
    /// The same entry is listed twice.
    Duplicate,
    /// The value does not agree with another field or with the record's state.
    Conflict,
    /// The body has a field Kota does not take.
    UnknownField,
    /// The value is of another kind than the field takes (text for a number, a list for a
    /// text).
    WrongType,
    /// The password is easy to guess.
    TooWeak,
}

impl Code {
    /// The code as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooShort => "too_short",
            Self::TooLong => "too_long",
            Self::TooFew => "too_few",
            Self::TooMany => "too_many",
            Self::OutOfRange => "out_of_range",
            Self::NotANumber => "not_a_number",
            Self::InvalidFormat => "invalid_format",
            Self::NotAChoice => "not_a_choice",
            Self::UnknownRecord => "unknown_record",
            Self::Duplicate => "duplicate",
            Self::Conflict => "conflict",
            Self::UnknownField => "unknown_field",
            Self::WrongType => "wrong_type",
            Self::TooWeak => "too_weak",
        }
    }
}

/// What kind of value a field holds, which decides how its rules are said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Text: lengths are counted in characters.
    Text,
    /// A list: lengths are counted in entries, named in the singular and the plural.
    List(&'static str, &'static str),
    /// A number.
    Number,
    /// A year: bounds are "or later" and "or earlier".
    Year,
}

/// How a field is spoken of: its name with an article ("a title", "the member state"), and
/// its kind. Fields not listed are named by their own name in words ("the change note").
const TERMS: &[(&str, &str, Kind)] = &[
    ("title", "a title", Kind::Text),
    ("name", "a name", Kind::Text),
    ("description", "the description", Kind::Text),
    ("website", "the web site", Kind::Text),
    ("contact", "the contact", Kind::Text),
    ("population", "the population", Kind::Number),
    (
        "population_year",
        "the year of the population figure",
        Kind::Year,
    ),
    (
        "population_source",
        "the source of the population figure",
        Kind::Text,
    ),
    (
        "csco_designation",
        "the Chief Smart City Officer's designation",
        Kind::Text,
    ),
    ("about", "what the meeting is about", Kind::Text),
    ("text", "the text", Kind::Text),
    ("note", "a note", Kind::Text),
    ("id", "the id or short name", Kind::Text),
    ("time_zone", "the time zone", Kind::Text),
    ("place", "the place", Kind::Text),
    ("host_city", "the host city", Kind::Text),
    (
        "participants",
        "the participants",
        Kind::List("participant", "participants"),
    ),
    (
        "agenda",
        "the agenda",
        Kind::List("agenda item", "agenda items"),
    ),
    ("outcome", "the outcome", Kind::Text),
    (
        "concerns",
        "the concerns",
        Kind::List("concern", "concerns"),
    ),
    ("amount", "the amount", Kind::Number),
    ("currency", "the currency", Kind::Text),
    (
        "aliases",
        "the other names",
        Kind::List("other name", "other names"),
    ),
    ("country_iso2", "the member state", Kind::Text),
    ("latitude", "the latitude", Kind::Number),
    ("longitude", "the longitude", Kind::Number),
    ("joined_year", "the year the city joined", Kind::Year),
    ("cohort", "the cohort", Kind::Text),
    ("joined_source", "the source of the joining", Kind::Text),
    ("definition", "the definition", Kind::Text),
    (
        "subcategories",
        "the subcategories",
        Kind::List("subcategory", "subcategories"),
    ),
    (
        "strengths",
        "the strengths",
        Kind::List("strength", "strengths"),
    ),
    (
        "instruments",
        "the instruments",
        Kind::List("instrument", "instruments"),
    ),
    ("ticket_min", "the smallest ticket", Kind::Number),
    ("ticket_max", "the largest ticket", Kind::Number),
    ("ticket_currency", "the ticket's currency", Kind::Text),
    (
        "countries_of_interest",
        "the member states of interest",
        Kind::List("member state", "member states"),
    ),
    (
        "levels_served",
        "the income levels served",
        Kind::List("level", "levels"),
    ),
    ("twinning_capacity", "the number of twinnings", Kind::Number),
    ("year", "the year", Kind::Year),
    ("vision", "the vision", Kind::Text),
    (
        "focus_areas",
        "the focus areas",
        Kind::List("focus area", "focus areas"),
    ),
    ("targets", "the targets", Kind::List("target", "targets")),
    ("change_note", "a note on the change", Kind::Text),
    (
        "support_sought",
        "the support sought",
        Kind::List("kind of support", "kinds of support"),
    ),
    (
        "viability_rationale",
        "the reason it is open to private investment",
        Kind::Text,
    ),
    ("confidential_notes", "the confidential notes", Kind::Text),
    (
        "milestones",
        "the milestones",
        Kind::List("milestone", "milestones"),
    ),
    ("progress", "the progress", Kind::Number),
    ("objectives", "the objectives", Kind::Text),
    ("on_date", "the day", Kind::Text),
    ("deadline", "the deadline", Kind::Text),
    ("starts_at", "the start", Kind::Text),
    ("ends_at", "the end", Kind::Text),
    ("slots", "the slots", Kind::List("slot", "slots")),
    ("tables", "the tables", Kind::List("table", "tables")),
    ("capacity", "the number of cities per partner", Kind::Number),
    ("partner", "the partner", Kind::Text),
    ("city", "the city", Kind::Text),
    ("project", "the project", Kind::Text),
    ("twinning", "the twinning", Kind::Text),
    ("with", "whom you ask", Kind::Text),
    ("from", "who asks", Kind::Text),
    ("in_reply_to", "the comment answered", Kind::Text),
    ("kind", "the kind", Kind::Text),
    ("stage", "the stage", Kind::Text),
    ("email", "your e-mail address", Kind::Text),
    ("password", "a password", Kind::Text),
    ("budget", "the budget", Kind::Number),
    (
        "budget_confidential",
        "whether the amounts are confidential",
        Kind::Text,
    ),
    (
        "open_to_private_investment",
        "whether it is open to private investment",
        Kind::Text,
    ),
    ("instrument", "how the firm would take part", Kind::Text),
    ("funding_gap", "the funding gap", Kind::Number),
    ("code", "the indicator's code", Kind::Text),
    ("unit", "the unit", Kind::Text),
    ("value", "the value", Kind::Number),
    ("source", "the source", Kind::Text),
    ("verification", "the verification", Kind::Text),
    ("target_year", "the target year", Kind::Year),
    ("target_value", "the target value", Kind::Number),
    ("body", "the text", Kind::Text),
    ("language", "the language", Kind::Text),
    ("visibility", "who may read it", Kind::Text),
    ("label", "what the figure measures", Kind::Text),
    ("url", "the web address", Kind::Text),
    (
        "outcomes",
        "the outcome figures",
        Kind::List("outcome figure", "outcome figures"),
    ),
    ("sources", "the sources", Kind::List("source", "sources")),
];

/// The last named part of a field's path: `milestones[0].title` → `title`,
/// `focus_areas[2]` → `focus_areas`.
fn last_name(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last)
}

/// Whether the path ends at an entry of a list (`focus_areas[2]`).
fn is_entry(path: &str) -> bool {
    path.ends_with(']')
}

fn term(path: &str) -> (String, Kind) {
    let name = last_name(path);
    match TERMS.iter().find(|(n, _, _)| *n == name) {
        Some((_, noun, kind)) => ((*noun).to_owned(), *kind),
        None => (format!("the {}", name.replace('_', " ")), Kind::Text),
    }
}

/// How a field is named in a sentence: "a title", "the member state", "the change note".
pub fn noun(path: &str) -> String {
    let (noun, _) = term(path);
    let entry = is_entry(path);
    match (entry, term(path).1) {
        (true, Kind::List(one, _)) => format!("each {one}"),
        _ => noun,
    }
}

/// A field's name as a label: "Member state", "Title", "Budget confidential".
pub fn label(path: &str) -> String {
    let (noun, _) = term(path);
    let bare = noun
        .strip_prefix("a ")
        .or_else(|| noun.strip_prefix("the "))
        .unwrap_or(&noun);
    capital(bare)
}

/// The noun with "the" instead of "a": "the title".
fn definite(path: &str) -> String {
    let n = noun(path);
    n.strip_prefix("a ")
        .map_or(n.clone(), |rest| format!("the {rest}"))
}

/// The definite noun to start a sentence with: "The title".
fn the(path: &str) -> String {
    capital(&definite(path))
}

/// The text with its first letter in capitals.
pub fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A whole number as people write it: 1,000,000.
fn grouped(n: &str) -> String {
    let (sign, digits) = n.strip_prefix('-').map_or(("", n), |d| ("-", d));
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return n.to_owned();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// Markers the custom checks of the inputs return to garde; [`from_rule`] words them with
/// the field they are about.
pub(super) mod rule {
    /// The text is blank.
    pub const BLANK: &str = "blank";
    /// The text has control characters.
    pub const CONTROL: &str = "control";
    /// Not an http or https address.
    pub const WEB_ADDRESS: &str = "web-address";
    /// Not an ISO 4217 currency code.
    pub const CURRENCY: &str = "currency";
    /// An entry of a list is blank: `entry-blank:N`.
    pub const ENTRY_BLANK: &str = "entry-blank";
    /// An entry of a list is too long: `entry-long:N:MAX`.
    pub const ENTRY_LONG: &str = "entry-long";
    /// An entry of a list has control characters: `entry-control:N`.
    pub const ENTRY_CONTROL: &str = "entry-control";
}

/// One refusal of garde's (its own rules' messages, or the markers of [`rule`]) worded for
/// the field at `path`.
pub(super) fn from_rule(path: &str, message: &str) -> FieldError {
    let (_, kind) = term(path);
    let n = noun(path);
    let the_n = the(path);
    let e = |code, message: String| FieldError::new(path, code, message);
    let mut parts = message.split(':');
    let head = parts.next().unwrap_or_default();
    let num = |p: Option<&str>| p.unwrap_or_default().to_owned();
    if last_name(path) == "country_iso2" {
        return e(
            Code::InvalidFormat,
            "Give the member state as a two-letter code, e.g. TH".into(),
        );
    }
    if let Some(min) = message.strip_prefix("length is lower than ") {
        return match kind {
            Kind::List(one, many) if !is_entry(path) => e(
                Code::TooFew,
                if min == "1" {
                    format!("Choose at least one {one}")
                } else {
                    format!("Choose at least {min} {many}")
                },
            ),
            _ if min == "1" => required(path),
            _ => e(
                Code::TooShort,
                format!("Give {n} of at least {min} characters"),
            ),
        };
    }
    if let Some(max) = message.strip_prefix("length is greater than ") {
        return match kind {
            Kind::List(_, many) if !is_entry(path) => e(
                Code::TooMany,
                format!("Give at most {} {many}", grouped(max)),
            ),
            _ => e(
                Code::TooLong,
                format!("Give {n} of at most {} characters", grouped(max)),
            ),
        };
    }
    if let Some(min) = message.strip_prefix("lower than ") {
        return e(
            Code::OutOfRange,
            match kind {
                Kind::Year => format!("{the_n} must be {min} or later"),
                _ => format!("{the_n} must be at least {}", grouped(min)),
            },
        );
    }
    if let Some(max) = message.strip_prefix("greater than ") {
        return e(
            Code::OutOfRange,
            match kind {
                Kind::Year => format!("{the_n} must be {max} or earlier"),
                _ => format!("{the_n} must be at most {}", grouped(max)),
            },
        );
    }
    match head {
        rule::BLANK => required(path),
        rule::CONTROL => control(path),
        rule::WEB_ADDRESS => e(
            Code::InvalidFormat,
            format!("Give {n} as an address starting with https:// or http://"),
        ),
        rule::CURRENCY => currency(path),
        rule::ENTRY_BLANK => e(
            Code::Required,
            format!(
                "Line {} is blank: give text or remove it",
                num(parts.next())
            ),
        ),
        rule::ENTRY_LONG => {
            let line = num(parts.next());
            e(
                Code::TooLong,
                format!(
                    "Line {line} is too long: give each at most {} characters",
                    grouped(&num(parts.next()))
                ),
            )
        }
        rule::ENTRY_CONTROL => e(
            Code::InvalidFormat,
            format!(
                "Line {} has invisible control characters: take them out",
                num(parts.next())
            ),
        ),
        // A rule without words of its own: said plainly rather than passed on.
        _ => e(Code::InvalidFormat, format!("Check {n}: {message}")),
    }
}

/// Nothing was given.
pub fn required(path: &str) -> FieldError {
    FieldError::new(path, Code::Required, format!("Give {}", noun(path)))
}

/// Control characters in text.
pub fn control(path: &str) -> FieldError {
    FieldError::new(
        path,
        Code::InvalidFormat,
        format!(
            "Take the invisible control characters out of {}",
            noun(path)
        ),
    )
}

/// Not an ISO 4217 currency code.
pub fn currency(path: &str) -> FieldError {
    FieldError::new(
        path,
        Code::InvalidFormat,
        format!(
            "Give {} as a three-letter ISO 4217 code, e.g. USD or THB",
            noun(path)
        ),
    )
}

/// Not a number (as typed: `value`).
pub fn not_a_number(path: &str, value: &str) -> FieldError {
    FieldError::new(
        path,
        Code::NotANumber,
        format!(
            "Give {} as a number (“{}” is not one)",
            noun(path),
            value.trim()
        ),
    )
}

/// Not a whole number.
pub fn not_a_whole_number(path: &str) -> FieldError {
    FieldError::new(
        path,
        Code::NotANumber,
        format!("Give {} as a whole number", noun(path)),
    )
}

/// Not a day as YYYY-MM-DD.
pub fn not_a_date(path: &str) -> FieldError {
    FieldError::new(
        path,
        Code::InvalidFormat,
        format!(
            "Give {} as a date, YYYY-MM-DD (e.g. 2026-03-31)",
            noun(path)
        ),
    )
}

/// Not a time with its offset.
pub fn not_a_time(path: &str) -> FieldError {
    FieldError::new(
        path,
        Code::InvalidFormat,
        format!(
            "Give {} as a date and time with its offset, e.g. 2026-03-31T09:00:00+07:00",
            noun(path)
        ),
    )
}

/// Not one of the field's choices (as typed: `value`); `choices` when they are few enough
/// to list.
pub fn not_a_choice(path: &str, value: &str, choices: &[&str]) -> FieldError {
    let value = value.trim();
    let message = if choices.is_empty() {
        format!(
            "Choose {} from the list (“{value}” is not one of them)",
            noun(path)
        )
    } else {
        format!(
            "Choose {} from: {} (“{value}” is not one of them)",
            noun(path),
            choices.join(", ")
        )
    };
    FieldError::new(path, Code::NotAChoice, message)
}

/// The value names no record the field can take (`what`: "a focus area of the framework").
pub fn unknown_record(path: &str, value: &str, what: &str) -> FieldError {
    FieldError::new(
        path,
        Code::UnknownRecord,
        format!("“{}” is not {what}", value.trim()),
    )
}

/// A record named by a text that cannot name one.
pub fn key(path: &str, e: &KeyError) -> FieldError {
    let n = noun(path);
    match e {
        KeyError::Empty => required(path),
        KeyError::TooLong => FieldError::new(
            path,
            Code::TooLong,
            format!(
                "Give {n} by its id or short name, at most {} characters",
                crate::ids::MAX_KEY_LEN
            ),
        ),
        KeyError::Control => control(path),
    }
}

/// An account value refused by its rule, under `path`.
pub fn account(path: &str, e: &crate::account::AccountRuleError) -> FieldError {
    FieldError::new(path, e.code(), e.to_string())
}

/// What the JSON reader said of a body's value at `path`, in words. Reads serde's
/// messages (which name Rust types) so that none reaches a person.
pub fn from_json(path: &str, serde_message: &str) -> FieldError {
    let e = |field: &str, code, message: String| FieldError::new(field, code, message);
    let quoted =
        |s: &str| -> Vec<String> { s.split('`').skip(1).step_by(2).map(str::to_owned).collect() };
    let joined = |parent: &str, name: &str| {
        let parent = parent.trim_end_matches('?').trim_end_matches('.');
        if parent.is_empty() {
            name.to_owned()
        } else if last_name(parent) == name {
            parent.to_owned()
        } else {
            format!("{parent}.{name}")
        }
    };
    let m = serde_message;
    if let Some(rest) = m.strip_prefix("missing field ") {
        let name = quoted(rest).into_iter().next().unwrap_or_default();
        return required(&joined(path, &name));
    }
    if let Some(rest) = m.strip_prefix("unknown field ") {
        let names = quoted(rest);
        let field = joined(path, names.first().map_or("", String::as_str));
        let takes = names.get(1..).unwrap_or_default().join(", ");
        return e(
            &field,
            Code::UnknownField,
            if takes.is_empty() {
                "This field is not taken here: leave it out".into()
            } else {
                format!("This field is not taken here: leave it out (the fields are {takes})")
            },
        );
    }
    if let Some(rest) = m.strip_prefix("unknown variant ") {
        let names = quoted(rest);
        let given = names.first().cloned().unwrap_or_default();
        let choices: Vec<&str> = names
            .get(1..)
            .unwrap_or_default()
            .iter()
            .map(String::as_str)
            .collect();
        return not_a_choice(path, &given, &choices);
    }
    let expected = m.rsplit_once(", expected ").map_or("", |(_, x)| x);
    let integer = [
        "u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize",
    ]
    .contains(&expected)
        || expected.starts_with("an integer");
    if m.starts_with("invalid value: integer") && integer {
        return e(
            path,
            Code::OutOfRange,
            format!("{} is too large or too small", the(path)),
        );
    }
    if m.starts_with("invalid type:") || m.starts_with("invalid value:") {
        let n = noun(path);
        let (code, message) = match expected {
            _ if integer => (Code::NotANumber, format!("Give {n} as a whole number")),
            "f32" | "f64" => (Code::NotANumber, format!("Give {n} as a number")),
            "a boolean" => (Code::WrongType, format!("Give {n} as true or false")),
            "a string" | "a borrowed string" | "a character" => (
                Code::WrongType,
                format!("Put {} in double quotes: it is text", definite(path)),
            ),
            "a sequence" => (Code::WrongType, format!("Give {n} as a list, in [ ]")),
            x if x.starts_with("a map") || x.starts_with("struct ") => {
                (Code::WrongType, format!("Give {n} as an object, in {{ }}"))
            }
            x if x.contains("date and time") || x.contains("RFC 3339") => {
                return not_a_time(path);
            }
            x if x.contains("date") => return not_a_date(path),
            x if x.starts_with("a UUID") || x.starts_with("UUID") => {
                (Code::InvalidFormat, format!("Give {n} as an id (a UUID)"))
            }
            x if x.starts_with("variant") || x.contains("enum") => (
                Code::NotAChoice,
                format!("Choose {n} from its list of values"),
            ),
            _ => (Code::WrongType, format!("Give {n} in the form it takes")),
        };
        return e(path, code, message);
    }
    let lower = m.to_ascii_lowercase();
    if lower.starts_with("input contains invalid characters")
        || lower.starts_with("premature end of input")
        || lower.starts_with("input is out of range")
        || lower.starts_with("trailing input")
        || lower.starts_with("input is not enough")
        || lower.starts_with("no possible date and time")
        || lower.starts_with("bad or unsupported format")
    {
        let name = last_name(path);
        return if name.ends_with("_at") || name == "starts" || name == "ends" {
            not_a_time(path)
        } else {
            not_a_date(path)
        };
    }
    if lower.contains("uuid") {
        return e(
            path,
            Code::InvalidFormat,
            format!("Give {} as an id (a UUID)", noun(path)),
        );
    }
    if lower.starts_with("invalid length") {
        return e(
            path,
            Code::WrongType,
            format!("Give {} with the number of entries it takes", noun(path)),
        );
    }
    e(
        path,
        Code::InvalidFormat,
        format!("{} is not in a form Kota reads", the(path)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(path: &str, garde: &str) -> (String, &'static str, String) {
        let e = from_rule(path, garde);
        (e.field, e.code.as_str(), e.message)
    }

    #[test]
    fn garde_rules_are_said_in_the_fields_own_terms() {
        assert_eq!(
            said("title", "length is lower than 1"),
            ("title".into(), "required", "Give a title".into())
        );
        assert_eq!(
            said("milestones[0].title", "length is greater than 300").2,
            "Give a title of at most 300 characters"
        );
        assert_eq!(
            said("country_iso2", "length is lower than 2").2,
            "Give the member state as a two-letter code, e.g. TH"
        );
        assert_eq!(
            said("joined_year", "lower than 2018"),
            (
                "joined_year".into(),
                "out_of_range",
                "The year the city joined must be 2018 or later".into()
            )
        );
        assert_eq!(
            said("year", "greater than 2100").2,
            "The year must be 2100 or earlier"
        );
        assert_eq!(
            said("amount", "greater than 1000000000000000").2,
            "The amount must be at most 1,000,000,000,000,000"
        );
        assert_eq!(
            said("focus_areas", "length is lower than 1"),
            (
                "focus_areas".into(),
                "too_few",
                "Choose at least one focus area".into()
            )
        );
        assert_eq!(
            said("focus_areas", "length is greater than 6").2,
            "Give at most 6 focus areas"
        );
        assert_eq!(
            said("focus_areas[1]", "length is lower than 1").2,
            "Give each focus area"
        );
        assert_eq!(
            said("objectives", "control").2,
            "Take the invisible control characters out of the objectives"
        );
        assert_eq!(said("targets", "entry-long:3:500").1, "too_long");
        assert_eq!(
            said("targets", "entry-long:3:500").2,
            "Line 3 is too long: give each at most 500 characters"
        );
        assert_eq!(
            said("change_note", "length is greater than 1000").2,
            "Give a note on the change of at most 1,000 characters"
        );
    }

    /// garde's own messages are read by their words: this fails first if an upgrade of
    /// garde words them otherwise.
    #[test]
    fn garde_still_words_its_rules_as_read_here() {
        use garde::Validate;
        #[derive(Validate)]
        struct Sample {
            #[garde(length(chars, min = 2, max = 3))]
            short: String,
            #[garde(range(min = 2018, max = 2100))]
            year: i32,
        }
        let report = Sample {
            short: "x".into(),
            year: 3000,
        }
        .validate()
        .err()
        .map(|r| {
            r.iter()
                .map(|(_, e)| e.message().to_owned())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
        assert_eq!(report, ["length is lower than 2", "greater than 2100"]);
    }

    #[test]
    fn json_readers_messages_never_reach_a_person() {
        let cases = [
            (
                "year",
                "invalid type: string \"x\", expected i32",
                "not_a_number",
                "Give the year as a whole number",
            ),
            (
                "progress",
                "invalid value: integer `-1`, expected u32",
                "out_of_range",
                "The progress is too large or too small",
            ),
            (".", "missing field `title`", "required", "Give a title"),
            (
                "milestones[0]",
                "missing field `title`",
                "required",
                "Give a title",
            ),
            (
                "stage",
                "unknown variant `done`, expected one of `idea`, `planning`",
                "not_a_choice",
                "Choose the stage from: idea, planning (“done” is not one of them)",
            ),
            (
                "deadline",
                "input contains invalid characters",
                "invalid_format",
                "Give the deadline as a date, YYYY-MM-DD (e.g. 2026-03-31)",
            ),
            (
                "budget_confidential",
                "invalid type: string \"yes\", expected a boolean",
                "wrong_type",
                "Give whether the amounts are confidential as true or false",
            ),
            (
                "title",
                "invalid type: integer `5`, expected a string",
                "wrong_type",
                "Put the title in double quotes: it is text",
            ),
            (
                "focus_areas",
                "invalid type: string \"x\", expected a sequence",
                "wrong_type",
                "Give the focus areas as a list, in [ ]",
            ),
        ];
        for (path, serde, code, words) in cases {
            let e = from_json(path, serde);
            assert_eq!(
                (e.code.as_str(), e.message.as_str()),
                (code, words),
                "{serde}"
            );
        }
        let unknown = from_json(".", "unknown field `colour`, expected `title` or `note`");
        assert_eq!(unknown.field, "colour");
        assert_eq!(unknown.code, Code::UnknownField);
        assert!(!unknown.message.contains('`'));
    }
}
