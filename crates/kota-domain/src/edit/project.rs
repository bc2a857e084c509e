//! What a city enters about a project: its description, stage, the support it seeks, its
//! amounts, whether it is open to private investment, its deadline and milestones; and the
//! dated updates of its progress.

use chrono::NaiveDate;
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    Checked, Code, FieldError, clean, done, no_control, paragraphs, report, title_text,
    unknown_focus_areas, words,
};
use crate::city::CityRef;
use crate::ids::{slugify, slugify_with_suffix};
use crate::money::Money;
use crate::project::{Milestone, Project, ProjectOrigin, Seek, Stage};
use crate::provenance::Source;

/// The largest amount a project may give, in whole units.
const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

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
    /// Budget.
    #[garde(skip)]
    pub budget: Option<Money>,
    /// Funding still sought, in the budget's currency and at most the budget.
    #[garde(skip)]
    pub funding_gap: Option<Money>,
    /// Whether the amounts are confidential.
    #[serde(default)]
    #[garde(skip)]
    pub budget_confidential: bool,
    /// The support the project seeks.
    #[serde(default)]
    #[garde(length(max = 5))]
    pub support_sought: Vec<Seek>,
    /// Whether the city regards the project as open to private investment.
    #[serde(default)]
    #[garde(skip)]
    pub open_to_private_investment: bool,
    /// Why it is open to private investment (required when it is), or why not.
    #[garde(length(chars, max = 5000), custom(no_control))]
    pub viability_rationale: Option<String>,
    /// The day by which the city needs the support it seeks (YYYY-MM-DD).
    #[garde(skip)]
    pub deadline: Option<NaiveDate>,
    /// Notes for the city and coordinators only.
    #[garde(length(chars, max = 10_000), custom(no_control))]
    pub confidential_notes: Option<String>,
    /// Milestones, in order.
    #[serde(default)]
    #[garde(length(max = 100), dive)]
    pub milestones: Vec<Milestone>,
}

impl ProjectInput {
    /// Every invalid field, given the framework's focus area ids.
    pub fn check(&self, focus_area_ids: &[String]) -> Checked {
        let mut errors = report(self.validate());
        errors.extend(unknown_focus_areas(&self.focus_areas, focus_area_ids));
        let mut push = |field: &str, code: Code, message: String| {
            errors.push(FieldError::new(field, code, message))
        };
        for (field, money) in [("budget", &self.budget), ("funding_gap", &self.funding_gap)] {
            let Some(m) = money else { continue };
            if !(0..=MAX_AMOUNT).contains(&m.amount) {
                push(
                    &format!("{field}.amount"),
                    Code::OutOfRange,
                    "Give the amount in whole units, from 0 to 1,000,000,000,000,000".into(),
                );
            }
            if !Money::is_currency(&m.currency) {
                let e = words::currency(&format!("{field}.currency"));
                push(&e.field, e.code, e.message);
            }
        }
        if let (Some(budget), Some(gap)) = (&self.budget, &self.funding_gap) {
            if !budget
                .currency
                .trim()
                .eq_ignore_ascii_case(gap.currency.trim())
            {
                push(
                    "funding_gap.currency",
                    Code::Conflict,
                    "Give the funding gap in the budget's currency".into(),
                );
            } else if gap.amount > budget.amount {
                push(
                    "funding_gap.amount",
                    Code::Conflict,
                    "The funding gap cannot exceed the budget".into(),
                );
            }
        }
        if self.open_to_private_investment && clean(&self.viability_rationale).is_none() {
            push(
                "viability_rationale",
                Code::Required,
                "Say why the project is open to private investment (what makes it commercially viable)"
                    .into(),
            );
        }
        let earliest = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN);
        let latest = NaiveDate::from_ymd_opt(2100, 12, 31).unwrap_or(NaiveDate::MAX);
        if self.deadline.is_some_and(|d| d < earliest || d > latest) {
            push(
                "deadline",
                Code::OutOfRange,
                "Give a deadline from 2000 to 2100 (YYYY-MM-DD)".into(),
            );
        }
        let mut seen = Vec::new();
        for s in &self.support_sought {
            if seen.contains(s) {
                push(
                    "support_sought",
                    Code::Duplicate,
                    format!("{} is listed twice", s.label()),
                );
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
        let money = |m: &Option<Money>| {
            m.as_ref().map(|m| Money {
                amount: m.amount,
                currency: m.currency.trim().to_ascii_uppercase(),
            })
        };
        Project {
            title: self.title.trim().to_owned(),
            description: clean(&self.description),
            focus_areas,
            stage: self.stage,
            budget: money(&self.budget),
            funding_gap: money(&self.funding_gap),
            budget_confidential: self.budget_confidential,
            support_sought: self.support_sought.clone(),
            open_to_private_investment: self.open_to_private_investment,
            viability_rationale: clean(&self.viability_rationale),
            deadline: self.deadline,
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
            budget: None,
            funding_gap: None,
            budget_confidential: false,
            support_sought: Vec::new(),
            open_to_private_investment: false,
            viability_rationale: None,
            deadline: None,
            confidential_notes: None,
            milestones: Vec::new(),
            aliases: Vec::new(),
            merged_records: Vec::new(),
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
    #[garde(length(chars, min = 1, max = 5000), custom(paragraphs))]
    pub note: String,
}

impl ProjectUpdateInput {
    /// Every invalid field.
    pub fn check(&self) -> Checked {
        let mut errors = report(self.validate());
        if self.stage.is_none() && self.progress.is_none() {
            errors.push(FieldError::new(
                "stage",
                Code::Required,
                "Give a new stage, a progress figure, or both",
            ));
        }
        if self.on_date < NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or(self.on_date) {
            errors.push(FieldError::new(
                "on_date",
                Code::OutOfRange,
                "Give the day of the update: 1990 or later",
            ));
        }
        done(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(r: Checked) -> Vec<String> {
        let mut f: Vec<String> = r
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect();
        f.sort();
        f
    }

    fn usd(amount: i64) -> Option<Money> {
        Some(Money {
            amount,
            currency: "usd".into(),
        })
    }

    fn project() -> ProjectInput {
        ProjectInput {
            title: "Flood sensors".into(),
            description: None,
            focus_areas: vec!["quality_environment".into()],
            stage: Some(Stage::Planning),
            budget: usd(1000),
            funding_gap: usd(400),
            budget_confidential: true,
            support_sought: vec![Seek::Funding],
            open_to_private_investment: false,
            viability_rationale: None,
            deadline: NaiveDate::from_ymd_opt(2027, 6, 30),
            confidential_notes: None,
            milestones: vec![],
        }
    }

    #[test]
    fn a_good_project_passes_and_keeps_codes_upper_case() {
        let p = project();
        assert_eq!(p.check(&["quality_environment".into()]), Ok(()));
        let city = CityRef {
            id: Uuid::nil(),
            slug: "bangkok".into(),
            name: "Bangkok".into(),
            country_iso2: "TH".into(),
        };
        let made = p.create(Uuid::nil(), &city, |_| false);
        assert_eq!(
            made.funding_gap.map(|m| m.short()).as_deref(),
            Some("400 USD")
        );
        assert_eq!(made.deadline, p.deadline);
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = ProjectInput {
            title: "  ".into(),
            focus_areas: vec!["space".into()],
            budget: Some(Money {
                amount: -5,
                currency: "XYZ".into(),
            }),
            open_to_private_investment: true,
            support_sought: vec![Seek::Funding, Seek::Funding],
            deadline: NaiveDate::from_ymd_opt(1999, 1, 1),
            milestones: vec![Milestone {
                title: String::new(),
                due_on: None,
                done_on: None,
            }],
            ..project()
        };
        assert_eq!(
            fields(bad.check(&["quality_environment".into()])),
            [
                "budget.amount",
                "budget.currency",
                "deadline",
                "focus_areas[0]",
                "funding_gap.currency",
                "milestones[0].title",
                "support_sought",
                "title",
                "viability_rationale"
            ]
        );
    }

    #[test]
    fn the_gap_is_at_most_the_budget_in_its_currency() {
        let over = ProjectInput {
            funding_gap: usd(2000),
            ..project()
        };
        assert_eq!(
            fields(over.check(&["quality_environment".into()])),
            ["funding_gap.amount"]
        );
        let gap_only = ProjectInput {
            budget: None,
            ..project()
        };
        assert_eq!(gap_only.check(&["quality_environment".into()]), Ok(()));
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
