//! What people edit, checked field by field: each input type validates itself and applies
//! to the record it changes, without touching storage.

use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::city::City;
use crate::provenance::Source;

pub mod brokerage;
mod chair;
mod comment;
mod event;
mod indicator;
mod interest;
mod network;
mod partner;
mod plan;
mod project;
mod project_merge;
mod story;
mod twinning;
pub mod words;

pub use chair::{ChairInput, HandoverInput};
pub use comment::CommentInput;
pub use event::{
    AgendaItemInput, ConcernInput, DecisionInput, EventInput, ParticipantInput, key_of,
};
pub use indicator::{IndicatorInput, IndicatorRow, at_row, is_code, row_of, row_path};
pub use interest::{InterestChange, InterestInput, MessageInput};
pub use network::{FocusAreaInput, MemberCityInput};
pub use partner::PartnerProfileInput;
pub use plan::{
    DiffSpan, DiffTag, DiffUnit, LINE_DIFF_MAX_LINES, PlanDiff, PlanInput, WORD_DIFF_MAX_WORDS,
};
pub use project::{ProjectInput, ProjectUpdateInput};
pub use project_merge::{DraftProject, MergeInput};
pub use story::{OutcomeInput, SourceInput, StoryInput, StoryLinks, StoryPatch};
pub use twinning::{ActivityInput, ConclusionInput, ProposalInput, Step, TwinningProposal};
pub use words::Code;

/// One invalid field and what is wrong with it: in words for a person, and as a code for
/// machines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// The field, as a path (`milestones[0].title`).
    pub field: String,
    /// What is wrong, as a stable code.
    pub code: Code,
    /// What is wrong, in words, with the rule the value breaks.
    pub message: String,
}

impl FieldError {
    /// The field at `field` is wrong in the way `code` says, and `message` tells a person.
    pub fn new(field: impl Into<String>, code: Code, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// Every invalid field of an input, or nothing.
pub type Checked = Result<(), Vec<FieldError>>;

/// An input whose fields can be checked on their own (lengths, ranges, formats), without
/// the network's data that the full `check` of each input also uses.
pub trait Input {
    /// The fields invalid on their own.
    fn field_errors(&self) -> Vec<FieldError>;
}

impl<T: Validate<Context = ()>> Input for T {
    fn field_errors(&self) -> Vec<FieldError> {
        report(self.validate())
    }
}

fn report(result: Result<(), garde::Report>) -> Vec<FieldError> {
    match result {
        Ok(()) => Vec::new(),
        Err(r) => r
            .iter()
            .map(|(path, e)| words::from_rule(&path.to_string(), e.message()))
            .fold(Vec::new(), |mut said: Vec<FieldError>, e| {
                // Two rules of one field may say the same (a blank title is both too short
                // and blank): once is enough.
                if !said.contains(&e) {
                    said.push(e);
                }
                said
            }),
    }
}

fn done(errors: Vec<FieldError>) -> Checked {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Blank text is no text.
fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

fn no_control(value: &Option<String>, _: &()) -> garde::Result {
    match value {
        Some(v) if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => {
            Err(garde::Error::new(words::rule::CONTROL))
        }
        _ => Ok(()),
    }
}

/// Every entry of a list: not blank, at most `max` characters, no control characters.
fn list_text(max: usize) -> impl FnOnce(&Vec<String>, &()) -> garde::Result {
    move |values, _| {
        for (i, v) in values.iter().enumerate() {
            let line = i + 1;
            if v.trim().is_empty() {
                return Err(garde::Error::new(format!(
                    "{}:{line}",
                    words::rule::ENTRY_BLANK
                )));
            }
            if v.chars().count() > max {
                return Err(garde::Error::new(format!(
                    "{}:{line}:{max}",
                    words::rule::ENTRY_LONG
                )));
            }
            if v.chars().any(char::is_control) {
                return Err(garde::Error::new(format!(
                    "{}:{line}",
                    words::rule::ENTRY_CONTROL
                )));
            }
        }
        Ok(())
    }
}

/// Text of one or more paragraphs: not blank, and no control characters but line breaks and
/// tabs (what a text area sends).
#[allow(clippy::ptr_arg)] // garde hands custom validators the field as declared
fn paragraphs(value: &String, _: &()) -> garde::Result {
    if value.trim().is_empty() {
        Err(garde::Error::new(words::rule::BLANK))
    } else if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Err(garde::Error::new(words::rule::CONTROL))
    } else {
        Ok(())
    }
}

#[allow(clippy::ptr_arg)] // garde hands custom validators the field as declared
fn title_text(value: &String, _: &()) -> garde::Result {
    if value.trim().is_empty() {
        Err(garde::Error::new(words::rule::BLANK))
    } else if value.chars().any(char::is_control) {
        Err(garde::Error::new(words::rule::CONTROL))
    } else {
        Ok(())
    }
}

/// The entries of `ids` that are not focus areas of the framework.
fn unknown_focus_areas<'a>(
    ids: impl IntoIterator<Item = &'a String>,
    focus_area_ids: &[String],
) -> Vec<FieldError> {
    ids.into_iter()
        .enumerate()
        .filter(|(_, id)| !focus_area_ids.contains(id))
        .map(|(i, id)| {
            words::unknown_record(
                &format!("focus_areas[{i}]"),
                id,
                "a focus area of the framework",
            )
        })
        .collect()
}

fn iso_currency(value: &Option<String>, _: &()) -> garde::Result {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(code) if !crate::money::Money::is_currency(code) => {
            Err(garde::Error::new(words::rule::CURRENCY))
        }
        _ => Ok(()),
    }
}

/// The profile a city's officers keep current.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CityProfileInput {
    /// What the city says about itself.
    #[garde(length(chars, max = 5000), custom(no_control))]
    pub description: Option<String>,
    /// The city's web site (http or https).
    #[garde(length(max = 500), custom(web_address))]
    pub website: Option<String>,
    /// How to reach the smart-city office (confidential).
    #[garde(length(chars, max = 1000), custom(no_control))]
    pub contact: Option<String>,
    /// Population.
    #[garde(range(min = 1, max = 100_000_000))]
    pub population: Option<i64>,
    /// Year of the population figure.
    #[garde(range(min = 1900, max = 2200))]
    pub population_year: Option<i32>,
    /// Where the population figure comes from.
    #[garde(length(chars, max = 1000), custom(no_control))]
    pub population_source: Option<String>,
    /// Designation of the Chief Smart City Officer (no personal names).
    #[garde(length(chars, max = 500), custom(no_control))]
    pub csco_designation: Option<String>,
}

fn web_address(value: &Option<String>, _: &()) -> garde::Result {
    match clean(value) {
        Some(v) => match url_scheme(&v) {
            Some("http" | "https")
                if v.len() > "https://".len() && !v.contains(char::is_whitespace) =>
            {
                Ok(())
            }
            _ => Err(garde::Error::new(words::rule::WEB_ADDRESS)),
        },
        None => Ok(()),
    }
}

fn url_scheme(s: &str) -> Option<&str> {
    s.split_once("://").map(|(scheme, _)| scheme)
}

impl CityProfileInput {
    /// Every invalid field.
    pub fn check(&self) -> Checked {
        let mut errors = report(self.validate());
        if self.population_year.is_some() && self.population.is_none() {
            errors.push(FieldError::new(
                "population_year",
                Code::Conflict,
                "Give the population this year's figure is of, or leave the year out",
            ));
        }
        done(errors)
    }

    /// The city with this profile.
    pub fn apply(&self, city: &City) -> City {
        City {
            description: clean(&self.description),
            website: clean(&self.website),
            contact: clean(&self.contact),
            population: self.population,
            population_year: self.population_year,
            population_source: clean(&self.population_source).map(Source),
            csco_designation: clean(&self.csco_designation),
            version: city.version + 1,
            ..city.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(r: Checked) -> Vec<String> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn profile_addresses_and_years_are_checked() {
        let bad = CityProfileInput {
            website: Some("javascript:alert(1)".into()),
            population_year: Some(2020),
            ..Default::default()
        };
        let mut got = fields(bad.check());
        got.sort();
        assert_eq!(got, ["population_year", "website"]);
        let good = CityProfileInput {
            website: Some("https://bangkok.go.th/".into()),
            ..Default::default()
        };
        assert_eq!(good.check(), Ok(()));
    }
}
