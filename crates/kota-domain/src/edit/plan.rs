//! A city's Smart City Action Plan as versions: every save is a new version, and any two
//! versions can be compared.

use garde::Validate;
use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Checked, clean, done, list_text, no_control, report, title_text};
use crate::city::ActionPlan;
use crate::provenance::Source;

/// A new version of a city's action plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// The year the plan is for.
    #[garde(range(min = 2000, max = 2100))]
    pub year: i32,
    /// The city's vision.
    #[garde(length(chars, min = 1, max = 10_000), custom(title_text))]
    pub vision: String,
    /// Focus areas of the framework the plan addresses (ids), at least one.
    #[garde(length(min = 1, max = 6), inner(length(min = 1, max = 64)))]
    pub focus_areas: Vec<String>,
    /// The plan's targets, one statement each.
    #[serde(default)]
    #[garde(length(max = 50), custom(list_text(500)))]
    pub targets: Vec<String>,
    /// What changed in this version and why.
    #[garde(length(chars, max = 1000), custom(no_control))]
    pub change_note: Option<String>,
}

impl PlanInput {
    /// Every invalid field, given the framework's focus area ids.
    pub fn check(&self, focus_area_ids: &[String]) -> Checked {
        let mut errors = report(self.validate());
        errors.extend(super::unknown_focus_areas(
            &self.focus_areas,
            focus_area_ids,
        ));
        done(errors)
    }

    /// The version that follows `latest` (the city's first when there is none), written by
    /// `author` at `now`.
    pub fn next_version(
        &self,
        city_id: Uuid,
        latest: Option<&ActionPlan>,
        author: &str,
        now: &str,
    ) -> ActionPlan {
        let mut focus_areas: Vec<String> = Vec::new();
        for id in &self.focus_areas {
            if !focus_areas.contains(id) {
                focus_areas.push(id.clone());
            }
        }
        ActionPlan {
            city_id,
            version: latest.map_or(1, |p| p.version + 1),
            year: self.year,
            vision: self.vision.trim().to_owned(),
            focus_areas,
            focus_areas_as_written: Vec::new(),
            land_area_as_reported: None,
            population_as_reported: None,
            csco_designation: None,
            note: None,
            source: Source(format!("Written in Kota by {author}")),
            targets: self
                .targets
                .iter()
                .map(|t| t.trim())
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            change_note: clean(&self.change_note),
            author: Some(author.to_owned()),
            created_at: Some(now.to_owned()),
        }
    }
}

crate::vocabulary! {
    /// Whether a piece of text is in both versions, or only the older or the newer.
    pub enum DiffTag {
        /// In both.
        Same = ("same", "Unchanged"),
        /// Only in the newer version.
        Added = ("added", "Added"),
        /// Only in the older version.
        Removed = ("removed", "Removed"),
    }
}

/// A run of text of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DiffSpan {
    /// Same, added or removed.
    pub tag: DiffTag,
    /// The text.
    pub text: String,
}

/// What changed between two versions of an action plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlanDiff {
    /// The older version.
    pub from: i32,
    /// The newer version.
    pub to: i32,
    /// The year, when it changed: (older, newer).
    pub year: Option<(i32, i32)>,
    /// The vision, word by word.
    pub vision: Vec<DiffSpan>,
    /// Focus areas (ids) the newer version adds.
    pub focus_areas_added: Vec<String>,
    /// Focus areas (ids) the newer version drops.
    pub focus_areas_removed: Vec<String>,
    /// Targets the newer version adds.
    pub targets_added: Vec<String>,
    /// Targets the newer version drops.
    pub targets_removed: Vec<String>,
}

impl PlanDiff {
    /// The changes from `older` to `newer`.
    pub fn between(older: &ActionPlan, newer: &ActionPlan) -> Self {
        let missing_from = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter().filter(|x| !b.contains(x)).cloned().collect()
        };
        let mut vision: Vec<DiffSpan> = Vec::new();
        for change in TextDiff::from_words(&older.vision, &newer.vision).iter_all_changes() {
            let tag = match change.tag() {
                ChangeTag::Equal => DiffTag::Same,
                ChangeTag::Insert => DiffTag::Added,
                ChangeTag::Delete => DiffTag::Removed,
            };
            match vision.last_mut() {
                Some(last) if last.tag == tag => last.text.push_str(change.value()),
                _ => vision.push(DiffSpan {
                    tag,
                    text: change.value().to_owned(),
                }),
            }
        }
        Self {
            from: older.version,
            to: newer.version,
            year: (older.year != newer.year).then_some((older.year, newer.year)),
            vision,
            focus_areas_added: missing_from(&newer.focus_areas, &older.focus_areas),
            focus_areas_removed: missing_from(&older.focus_areas, &newer.focus_areas),
            targets_added: missing_from(&newer.targets, &older.targets),
            targets_removed: missing_from(&older.targets, &newer.targets),
        }
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.year.is_none()
            && self.vision.iter().all(|s| s.tag == DiffTag::Same)
            && self.focus_areas_added.is_empty()
            && self.focus_areas_removed.is_empty()
            && self.targets_added.is_empty()
            && self.targets_removed.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PlanInput {
        PlanInput {
            year: 2026,
            vision: "A liveable and green city".into(),
            focus_areas: vec!["quality_environment".into()],
            targets: vec!["Plant 10,000 trees".into()],
            change_note: Some("First plan written in Kota".into()),
        }
    }

    fn areas() -> Vec<String> {
        vec!["quality_environment".into(), "built_infrastructure".into()]
    }

    #[test]
    fn a_good_plan_passes_and_bad_fields_are_named() {
        assert_eq!(input().check(&areas()), Ok(()));
        let bad = PlanInput {
            year: 1800,
            vision: " ".into(),
            focus_areas: vec!["moon".into()],
            targets: vec!["x".repeat(501)],
            change_note: None,
        };
        let mut fields: Vec<String> = bad
            .check(&areas())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        fields.sort();
        assert_eq!(fields, ["focus_areas[0]", "targets", "vision", "year"]);
    }

    #[test]
    fn versions_follow_each_other_and_diff_word_by_word() {
        let city = Uuid::nil();
        let first = input().next_version(city, None, "a@city.test", "2026-01-01T00:00:00Z");
        assert_eq!(first.version, 1);
        let mut change = input();
        change.vision = "A liveable, safe and green city".into();
        change.focus_areas.push("built_infrastructure".into());
        change.targets = vec!["Plant 20,000 trees".into()];
        let second = change.next_version(city, Some(&first), "b@city.test", "2026-02-01T00:00:00Z");
        assert_eq!(second.version, 2);
        assert_eq!(second.author.as_deref(), Some("b@city.test"));
        let diff = PlanDiff::between(&first, &second);
        assert_eq!((diff.from, diff.to), (1, 2));
        assert_eq!(diff.year, None);
        assert_eq!(diff.focus_areas_added, ["built_infrastructure"]);
        assert_eq!(diff.targets_added, ["Plant 20,000 trees"]);
        assert_eq!(diff.targets_removed, ["Plant 10,000 trees"]);
        let side = |keep: DiffTag| -> String {
            diff.vision
                .iter()
                .filter(|s| s.tag == DiffTag::Same || s.tag == keep)
                .map(|s| s.text.as_str())
                .collect()
        };
        assert_eq!(side(DiffTag::Removed), first.vision);
        assert_eq!(side(DiffTag::Added), second.vision);
        assert!(
            diff.vision
                .iter()
                .any(|s| s.tag == DiffTag::Added && s.text.contains("safe"))
        );
        assert!(!diff.is_empty());
        assert!(PlanDiff::between(&second, &second).is_empty());
    }
}
