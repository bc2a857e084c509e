//! What people edit, checked field by field: each input type validates itself and applies
//! to the record it changes, without touching storage.

use chrono::NaiveDate;
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::city::{City, CityRef};
use crate::ids::{slugify, slugify_with_suffix};
use crate::project::{Milestone, Project, ProjectOrigin, Seek, Stage};
use crate::provenance::Source;

pub mod brokerage;
mod network;
mod partner;
mod plan;
mod twinning;

pub use network::{FocusAreaInput, MemberCityInput};
pub use partner::PartnerProfileInput;
pub use plan::{
    DiffSpan, DiffTag, DiffUnit, LINE_DIFF_MAX_LINES, PlanDiff, PlanInput, WORD_DIFF_MAX_WORDS,
};
pub use twinning::{ActivityInput, ConclusionInput, ProposalInput, Step, TwinningProposal};

/// One invalid field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// The field, as a path (`milestones[0].title`).
    pub field: String,
    /// What is wrong.
    pub message: String,
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
            .map(|(path, e)| FieldError {
                field: path.to_string(),
                message: e.message().to_owned(),
            })
            .collect(),
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
            Err(garde::Error::new("must not contain control characters"))
        }
        _ => Ok(()),
    }
}

/// Every entry of a list: not blank, at most `max` characters, no control characters.
fn list_text(max: usize) -> impl FnOnce(&Vec<String>, &()) -> garde::Result {
    move |values, _| {
        for (i, v) in values.iter().enumerate() {
            if v.trim().is_empty() {
                return Err(garde::Error::new(format!("entry {} is blank", i + 1)));
            }
            if v.chars().count() > max {
                return Err(garde::Error::new(format!(
                    "entry {} is longer than {max} characters",
                    i + 1
                )));
            }
            if v.chars().any(char::is_control) {
                return Err(garde::Error::new(format!(
                    "entry {} contains control characters",
                    i + 1
                )));
            }
        }
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
        .map(|(i, id)| FieldError {
            field: format!("focus_areas[{i}]"),
            message: format!("`{id}` is not a focus area of the framework"),
        })
        .collect()
}

fn iso_currency(value: &Option<String>, _: &()) -> garde::Result {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(code) if iso_currency::Currency::from_code(&code.to_ascii_uppercase()).is_none() => {
            Err(garde::Error::new(format!(
                "`{code}` is not an ISO 4217 currency code"
            )))
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
            _ => Err(garde::Error::new("must be an http or https address")),
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
            errors.push(FieldError {
                field: "population_year".into(),
                message: "needs a population".into(),
            });
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

/// A project as a city enters or edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    /// Title.
    #[garde(length(chars, min = 1, max = 300), custom(title_text))]
    pub title: String,
    /// Description.
    #[garde(length(chars, max = 10_000), custom(no_control))]
    pub description: Option<String>,
    /// Focus areas of the framework (ids), at least one.
    #[garde(length(min = 1, max = 6), inner(length(min = 1, max = 64)))]
    pub focus_areas: Vec<String>,
    /// Stage.
    #[garde(skip)]
    pub stage: Option<Stage>,
    /// Currency of the amounts (ISO 4217), required with an amount.
    #[garde(custom(iso_currency))]
    pub currency: Option<String>,
    /// Budget in whole units of the currency.
    #[garde(range(min = 0, max = 1_000_000_000_000_000))]
    pub budget: Option<i64>,
    /// Funding still sought in whole units of the currency.
    #[garde(range(min = 0, max = 1_000_000_000_000_000))]
    pub funding_gap: Option<i64>,
    /// Whether the amounts are confidential.
    #[serde(default)]
    #[garde(skip)]
    pub budget_confidential: bool,
    /// What the project seeks.
    #[serde(default)]
    #[garde(length(max = 4))]
    pub seeks: Vec<Seek>,
    /// Whether the project is commercially viable (none: not assessed).
    #[garde(skip)]
    pub commercially_viable: Option<bool>,
    /// Why it is or is not commercially viable.
    #[garde(length(chars, max = 5000), custom(no_control))]
    pub viability_rationale: Option<String>,
    /// Notes for the city and coordinators only.
    #[garde(length(chars, max = 10_000), custom(no_control))]
    pub confidential_notes: Option<String>,
    /// Milestones, in order.
    #[serde(default)]
    #[garde(length(max = 100), dive)]
    pub milestones: Vec<Milestone>,
}

#[allow(clippy::ptr_arg)] // garde hands custom validators the field as declared
fn title_text(value: &String, _: &()) -> garde::Result {
    if value.trim().is_empty() {
        Err(garde::Error::new("must not be blank"))
    } else if value.chars().any(char::is_control) {
        Err(garde::Error::new("must not contain control characters"))
    } else {
        Ok(())
    }
}

impl ProjectInput {
    /// Every invalid field, given the framework's focus area ids.
    pub fn check(&self, focus_area_ids: &[String]) -> Checked {
        let mut errors = report(self.validate());
        errors.extend(unknown_focus_areas(&self.focus_areas, focus_area_ids));
        let mut push = |field: &str, message: String| {
            errors.push(FieldError {
                field: field.into(),
                message,
            })
        };
        if (self.budget.is_some() || self.funding_gap.is_some()) && clean(&self.currency).is_none()
        {
            push("currency", "is required with an amount".into());
        }
        if let (Some(budget), Some(gap)) = (self.budget, self.funding_gap)
            && gap > budget
        {
            push("funding_gap", "cannot exceed the budget".into());
        }
        if self.commercially_viable == Some(true) && clean(&self.viability_rationale).is_none() {
            push(
                "viability_rationale",
                "is required when the project is marked commercially viable".into(),
            );
        }
        let mut seen = Vec::new();
        for s in &self.seeks {
            if seen.contains(s) {
                push("seeks", format!("`{}` is listed twice", s.as_str()));
            }
            seen.push(*s);
        }
        done(errors)
    }

    fn fill(&self, p: Project) -> Project {
        let mut focus_areas = Vec::new();
        for id in &self.focus_areas {
            if !focus_areas.contains(id) {
                focus_areas.push(id.clone());
            }
        }
        Project {
            title: self.title.trim().to_owned(),
            description: clean(&self.description),
            focus_areas,
            stage: self.stage,
            currency: clean(&self.currency).map(|c| c.to_ascii_uppercase()),
            budget: self.budget,
            funding_gap: self.funding_gap,
            budget_confidential: self.budget_confidential,
            seeks: self.seeks.clone(),
            commercially_viable: self.commercially_viable,
            viability_rationale: clean(&self.viability_rationale),
            confidential_notes: clean(&self.confidential_notes),
            milestones: self
                .milestones
                .iter()
                .map(|m| Milestone {
                    title: m.title.trim().to_owned(),
                    ..m.clone()
                })
                .collect(),
            ..p
        }
    }

    /// A new project of `city`, with a fresh id and a slug not in `taken`.
    pub fn create(&self, id: Uuid, city: &CityRef, taken: impl Fn(&str) -> bool) -> Project {
        let base = slugify(&format!("{} {}", city.name, self.title));
        let slug = if taken(&base) {
            slugify_with_suffix(&base, &id.simple().to_string()[..8])
        } else {
            base
        };
        self.fill(Project {
            id,
            slug,
            city: city.clone(),
            title: String::new(),
            description: None,
            focus_areas: Vec::new(),
            origin: ProjectOrigin::City,
            reported_status: None,
            report_years: Vec::new(),
            status_note: None,
            stage: None,
            focus_area_note: None,
            focus_area_history: Default::default(),
            earlier_titles: Vec::new(),
            uncertain: false,
            source: Source(format!("Entered in Kota by {}", city.name)),
            currency: None,
            budget: None,
            funding_gap: None,
            budget_confidential: false,
            seeks: Vec::new(),
            commercially_viable: None,
            viability_rationale: None,
            confidential_notes: None,
            milestones: Vec::new(),
            version: 1,
        })
    }

    /// The project with these values (its id, slug, city and history kept).
    pub fn apply(&self, project: &Project) -> Project {
        let mut p = self.fill(project.clone());
        p.version = project.version + 1;
        p
    }
}

/// A dated stage change or progress report on a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ProjectUpdateInput {
    /// The day it refers to.
    #[garde(skip)]
    pub on_date: NaiveDate,
    /// The new stage, when the stage changes.
    #[garde(skip)]
    pub stage: Option<Stage>,
    /// Progress in percent.
    #[garde(range(min = 0, max = 100))]
    pub progress: Option<i32>,
    /// What happened.
    #[garde(length(chars, min = 1, max = 5000), custom(title_text))]
    pub note: String,
}

impl ProjectUpdateInput {
    /// Every invalid field.
    pub fn check(&self) -> Checked {
        let mut errors = report(self.validate());
        if self.stage.is_none() && self.progress.is_none() {
            errors.push(FieldError {
                field: "stage".into(),
                message: "give a new stage, a progress figure, or both".into(),
            });
        }
        if self.on_date < NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or(self.on_date) {
            errors.push(FieldError {
                field: "on_date".into(),
                message: "is not a plausible date".into(),
            });
        }
        done(errors)
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

    fn project() -> ProjectInput {
        ProjectInput {
            title: "Flood sensors".into(),
            description: None,
            focus_areas: vec!["quality_environment".into()],
            stage: Some(Stage::Planning),
            currency: Some("THB".into()),
            budget: Some(1000),
            funding_gap: Some(400),
            budget_confidential: true,
            seeks: vec![Seek::Funding],
            commercially_viable: None,
            viability_rationale: None,
            confidential_notes: None,
            milestones: vec![],
        }
    }

    #[test]
    fn a_good_project_passes() {
        assert_eq!(project().check(&["quality_environment".into()]), Ok(()));
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = ProjectInput {
            title: "  ".into(),
            focus_areas: vec!["space".into()],
            currency: Some("XYZ".into()),
            budget: Some(-5),
            funding_gap: Some(10),
            commercially_viable: Some(true),
            seeks: vec![Seek::Funding, Seek::Funding],
            milestones: vec![Milestone {
                title: String::new(),
                due_on: None,
                done_on: None,
            }],
            ..project()
        };
        let mut got = fields(bad.check(&["quality_environment".into()]));
        got.sort();
        assert_eq!(
            got,
            [
                "budget",
                "currency",
                "focus_areas[0]",
                "funding_gap",
                "milestones[0].title",
                "seeks",
                "title",
                "viability_rationale"
            ]
        );
    }

    #[test]
    fn amounts_need_a_currency() {
        let p = ProjectInput {
            currency: None,
            ..project()
        };
        assert_eq!(
            fields(p.check(&["quality_environment".into()])),
            ["currency"]
        );
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

    #[test]
    fn an_update_needs_a_stage_or_progress() {
        let u = ProjectUpdateInput {
            on_date: NaiveDate::from_ymd_opt(2026, 1, 2).unwrap_or_default(),
            stage: None,
            progress: None,
            note: "x".into(),
        };
        assert_eq!(fields(u.check()), ["stage"]);
    }
}
