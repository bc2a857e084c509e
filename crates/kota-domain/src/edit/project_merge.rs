//! What a caller gives to merge a project record into another, and a draft project to check
//! for similar ones before saving it.

use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Checked, Code, FieldError, done, no_control, report, title_text};
use crate::city::CityRef;
use crate::ids::Key;
use crate::project::{Seek, Stage};
use crate::similarity::Profile;

/// A merge: the record of the path is merged into the record `into`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    /// The id or slug of the surviving project (same city).
    pub into: String,
}

impl MergeInput {
    /// The surviving project's key, or the field's error.
    pub fn key(&self) -> Result<Key, Vec<FieldError>> {
        Key::parse(self.into.trim()).map_err(|_| {
            vec![FieldError::new(
                "into",
                Code::InvalidFormat,
                "Give the id or slug of the project to merge into",
            )]
        })
    }
}

/// A project not saved yet, checked for similar projects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DraftProject {
    /// The id or slug of the city that would run it.
    #[garde(length(chars, min = 1, max = 200))]
    pub city: String,
    /// Title.
    #[garde(length(chars, min = 1, max = 300), custom(title_text))]
    pub title: String,
    /// Description.
    #[serde(default)]
    #[garde(length(chars, max = 10_000), custom(no_control))]
    pub description: Option<String>,
    /// Focus areas (ids).
    #[serde(default)]
    #[garde(length(max = 6), inner(length(min = 1, max = 64)))]
    pub focus_areas: Vec<String>,
    /// Stage.
    #[serde(default)]
    #[garde(skip)]
    pub stage: Option<Stage>,
    /// The support it would seek.
    #[serde(default)]
    #[garde(length(max = 5))]
    pub support_sought: Vec<Seek>,
}

impl DraftProject {
    /// Every invalid field.
    pub fn check(&self) -> Checked {
        let mut errors = report(self.validate());
        if Key::parse(self.city.trim()).is_err() {
            errors.push(FieldError::new(
                "city",
                Code::InvalidFormat,
                "Give the id or slug of the city",
            ));
        }
        done(errors)
    }

    /// The draft as similarity compares it, in `city`.
    pub fn profile(&self, city: CityRef) -> Profile {
        Profile {
            id: None,
            slug: String::new(),
            city,
            title: self.title.trim().to_owned(),
            description: self.description.clone(),
            focus_areas: self.focus_areas.clone(),
            origin: None,
            report_years: Vec::new(),
            stage: self.stage,
            completed: self.stage == Some(Stage::Completed),
            support_sought: self.support_sought.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_needs_a_title_and_a_city() {
        let d = DraftProject {
            city: "\u{7}".into(),
            title: " ".into(),
            description: None,
            focus_areas: vec![],
            stage: None,
            support_sought: vec![],
        };
        let fields: Vec<String> = d
            .check()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert!(fields.contains(&"title".to_owned()), "{fields:?}");
        assert!(fields.contains(&"city".to_owned()), "{fields:?}");
        let bad = MergeInput {
            into: "\u{1b}x".into(),
        };
        assert!(bad.key().is_err());
    }
}
