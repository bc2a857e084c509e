//! What coordinators record of the chairmanship: a year's chair, and its handover.

use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Checked, done, paragraphs, report};
use crate::network::Chairmanship;
use crate::provenance::Source;

/// The chair of a year: a member state, with the document that says so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ChairInput {
    /// The year.
    #[garde(range(min = 2018, max = 2100))]
    pub year: i32,
    /// The chairing member state (ISO alpha-2, e.g. `PH`).
    #[garde(length(min = 2, max = 2))]
    pub state: String,
    /// Where it is documented (a web address or a citation).
    #[garde(length(chars, min = 1, max = 1000), custom(paragraphs))]
    pub source: String,
}

impl ChairInput {
    /// Every invalid field, given the member states' codes.
    pub fn check(&self, state_codes: &[String]) -> Checked {
        let mut errors = report(self.validate());
        if !state_codes.iter().any(|c| c == &self.state) {
            errors.push(super::words::unknown_record(
                "state",
                &self.state,
                "a member state: give the member state as a two-letter code, e.g. PH",
            ));
        }
        done(errors)
    }

    /// The year's chairmanship, chaired by the state named `state_name`, at `version`.
    pub fn chairmanship(&self, state_name: &str, version: i32) -> Chairmanship {
        Chairmanship {
            year: self.year,
            chair: state_name.to_owned(),
            state_iso2: Some(self.state.clone()),
            source: Source(self.source.trim().to_owned()),
            version,
        }
    }
}

/// The outgoing chair's notes for the handover of a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct HandoverInput {
    /// What the outgoing chair passes on in their own words.
    #[garde(length(chars, min = 1, max = 10000), custom(paragraphs))]
    pub notes: String,
}

impl HandoverInput {
    /// Every invalid field.
    pub fn check(&self) -> Checked {
        done(report(self.validate()))
    }
}
