//! A partner's profile and offers, as its representatives keep them.

use std::collections::BTreeMap;

use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    Checked, Code, FieldError, clean, done, iso_currency, no_control, report, web_address, words,
};
use crate::network::IncomeGroup;
use crate::partner::{Instrument, Partner, PartnerProfile, TicketRange};

/// A partner's profile and offers as entered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PartnerProfileInput {
    /// What the partner says about itself.
    #[garde(length(chars, max = 5000), custom(no_control))]
    pub description: Option<String>,
    /// The partner's web site (http or https).
    #[garde(length(max = 500), custom(web_address))]
    pub website: Option<String>,
    /// Strength per focus area of the framework (id → 0–100).
    #[serde(default)]
    #[garde(length(max = 6))]
    pub strengths: BTreeMap<String, i32>,
    /// How it supports cities and projects.
    #[serde(default)]
    #[garde(length(max = 6))]
    pub instruments: Vec<Instrument>,
    /// Smallest amount it funds per project (whole units of `ticket_currency`).
    #[garde(range(min = 0, max = 1_000_000_000_000_000))]
    pub ticket_min: Option<i64>,
    /// Largest amount it funds per project.
    #[garde(range(min = 0, max = 1_000_000_000_000_000))]
    pub ticket_max: Option<i64>,
    /// Currency of the ticket sizes (ISO 4217).
    #[garde(custom(iso_currency))]
    pub ticket_currency: Option<String>,
    /// Member states it wants to work in (ISO alpha-2; none: any).
    #[serde(default)]
    #[garde(length(max = 20))]
    pub countries_of_interest: Vec<String>,
    /// Levels of development it serves (none: any).
    #[serde(default)]
    #[garde(length(max = 4))]
    pub levels_served: Vec<IncomeGroup>,
    /// How many more cities it can twin with.
    #[garde(range(min = 0, max = 1000))]
    pub twinning_capacity: Option<i32>,
}

/// Instruments that fund, and so give a ticket size meaning.
const FUNDING: [Instrument; 3] = [Instrument::Grant, Instrument::Loan, Instrument::Equity];

fn twice<T: PartialEq>(values: &[T]) -> bool {
    values
        .iter()
        .enumerate()
        .any(|(i, v)| values[..i].contains(v))
}

impl PartnerProfileInput {
    /// Every invalid field, given the framework's focus area ids and the member states' codes.
    pub fn check(&self, focus_area_ids: &[String], state_codes: &[String]) -> Checked {
        let mut errors = report(self.validate());
        for (id, strength) in &self.strengths {
            if !focus_area_ids.contains(id) {
                errors.push(words::unknown_record(
                    &format!("strengths.{id}"),
                    id,
                    "a focus area of the framework",
                ));
            } else if !(0..=100).contains(strength) {
                errors.push(FieldError::new(
                    format!("strengths.{id}"),
                    Code::OutOfRange,
                    "Give each strength from 0 to 100",
                ));
            }
        }
        for (i, code) in self.countries_of_interest.iter().enumerate() {
            if !state_codes.iter().any(|c| c.eq_ignore_ascii_case(code)) {
                errors.push(words::unknown_record(
                    &format!("countries_of_interest[{i}]"),
                    code,
                    "a member state: give each as a two-letter code, e.g. TH",
                ));
            }
        }
        let mut push = |field: &str, code: Code, message: &str| {
            errors.push(FieldError::new(field, code, message))
        };
        if twice(&self.instruments) {
            push(
                "instruments",
                Code::Duplicate,
                "An instrument is listed twice",
            );
        }
        if twice(&self.levels_served) {
            push("levels_served", Code::Duplicate, "A level is listed twice");
        }
        let ticket = self.ticket_min.is_some() || self.ticket_max.is_some();
        if ticket {
            if self.ticket_min.is_none() || self.ticket_max.is_none() {
                push(
                    "ticket_max",
                    Code::Required,
                    "Give both the smallest and the largest ticket",
                );
            }
            if clean(&self.ticket_currency).is_none() {
                push(
                    "ticket_currency",
                    Code::Required,
                    "Give the currency of the ticket size",
                );
            }
            if !self.instruments.iter().any(|i| FUNDING.contains(i)) {
                push(
                    "instruments",
                    Code::Conflict,
                    "A ticket size needs a funding instrument: grant, loan or equity",
                );
            }
        }
        if let (Some(min), Some(max)) = (self.ticket_min, self.ticket_max)
            && min > max
        {
            push(
                "ticket_min",
                Code::Conflict,
                "The smallest ticket cannot be larger than the largest",
            );
        }
        done(errors)
    }

    /// The partner with this profile (and its next version).
    pub fn apply(&self, partner: &Partner) -> Partner {
        let ticket = match (
            self.ticket_min,
            self.ticket_max,
            clean(&self.ticket_currency),
        ) {
            (Some(min), Some(max), Some(currency)) => Some(TicketRange {
                min,
                max,
                currency: currency.to_ascii_uppercase(),
            }),
            _ => None,
        };
        Partner {
            profile: PartnerProfile {
                description: clean(&self.description),
                website: clean(&self.website),
                strengths: self.strengths.clone(),
                instruments: self.instruments.clone(),
                ticket,
                countries_of_interest: self
                    .countries_of_interest
                    .iter()
                    .map(|c| c.to_ascii_uppercase())
                    .collect(),
                levels_served: self.levels_served.clone(),
                twinning_capacity: self.twinning_capacity,
            },
            version: partner.version + 1,
            ..partner.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(r: Checked) -> Vec<String> {
        let mut f: Vec<String> = r.unwrap_err().into_iter().map(|e| e.field).collect();
        f.sort();
        f
    }

    fn areas() -> Vec<String> {
        vec!["built_infrastructure".into()]
    }

    fn states() -> Vec<String> {
        vec!["TH".into(), "VN".into()]
    }

    #[test]
    fn a_full_profile_passes() {
        let input = PartnerProfileInput {
            description: Some("Urban infrastructure finance".into()),
            website: Some("https://bank.example/".into()),
            strengths: [("built_infrastructure".to_owned(), 90)].into(),
            instruments: vec![Instrument::Loan, Instrument::TechnicalAssistance],
            ticket_min: Some(1_000_000),
            ticket_max: Some(50_000_000),
            ticket_currency: Some("usd".into()),
            countries_of_interest: vec!["th".into()],
            levels_served: vec![IncomeGroup::LowerMiddle],
            twinning_capacity: Some(3),
        };
        assert_eq!(input.check(&areas(), &states()), Ok(()));
    }

    #[test]
    fn every_bad_field_is_named() {
        let input = PartnerProfileInput {
            website: Some("ftp://x".into()),
            strengths: [
                ("moon".to_owned(), 50),
                ("built_infrastructure".to_owned(), 101),
            ]
            .into(),
            instruments: vec![Instrument::Training, Instrument::Training],
            ticket_min: Some(10),
            ticket_max: Some(5),
            ticket_currency: Some("XYZ".into()),
            countries_of_interest: vec!["FR".into()],
            twinning_capacity: Some(-1),
            ..Default::default()
        };
        assert_eq!(
            fields(input.check(&areas(), &states())),
            [
                "countries_of_interest[0]",
                "instruments",
                "instruments",
                "strengths.built_infrastructure",
                "strengths.moon",
                "ticket_currency",
                "ticket_min",
                "twinning_capacity",
                "website",
            ]
        );
    }
}
