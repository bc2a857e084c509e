//! A city's Smart City Action Plan as versions: every save is a new version, and any two
//! versions can be compared.

use garde::Validate;
use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Checked, clean, done, list_text, no_control, paragraphs, report};
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
    #[garde(length(chars, min = 1, max = 10_000), custom(paragraphs))]
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

crate::vocabulary! {
    /// How finely two visions were compared: the cost of a word-by-word comparison grows with
    /// the square of the words that differ, so long visions are compared in coarser pieces.
    pub enum DiffUnit {
        /// Word by word (visions of up to [`WORD_DIFF_MAX_WORDS`] words together).
        Words = ("words", "word by word"),
        /// Line by line (longer visions of up to [`LINE_DIFF_MAX_LINES`] lines together).
        Lines = ("lines", "line by line"),
        /// As wholes: the older vision removed, the newer added (anything longer).
        Whole = ("whole", "as a whole"),
    }
}

/// The most words two visions may have together to be compared word by word.
pub const WORD_DIFF_MAX_WORDS: usize = 2_000;
/// The most lines two visions may have together to be compared line by line.
pub const LINE_DIFF_MAX_LINES: usize = 2_000;

impl DiffUnit {
    /// The finest unit two texts can be compared in at a bounded cost.
    pub fn for_texts(older: &str, newer: &str) -> Self {
        let words = |t: &str| t.split_whitespace().count();
        let lines = |t: &str| t.lines().count();
        if words(older) + words(newer) <= WORD_DIFF_MAX_WORDS {
            Self::Words
        } else if lines(older) + lines(newer) <= LINE_DIFF_MAX_LINES {
            Self::Lines
        } else {
            Self::Whole
        }
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
    /// How finely the visions were compared.
    pub vision_unit: DiffUnit,
    /// The vision, in runs of the same, added or removed text.
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
        let vision_unit = DiffUnit::for_texts(&older.vision, &newer.vision);
        let vision = match vision_unit {
            DiffUnit::Words => spans(&TextDiff::from_words(&older.vision, &newer.vision)),
            DiffUnit::Lines => spans(&TextDiff::from_lines(&older.vision, &newer.vision)),
            DiffUnit::Whole if older.vision == newer.vision => vec![DiffSpan {
                tag: DiffTag::Same,
                text: older.vision.clone(),
            }],
            DiffUnit::Whole => [
                (DiffTag::Removed, &older.vision),
                (DiffTag::Added, &newer.vision),
            ]
            .into_iter()
            .filter(|(_, text)| !text.is_empty())
            .map(|(tag, text)| DiffSpan {
                tag,
                text: text.clone(),
            })
            .collect(),
        };
        Self {
            from: older.version,
            to: newer.version,
            year: (older.year != newer.year).then_some((older.year, newer.year)),
            vision_unit,
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

/// The changes of a text diff as runs of the same tag.
fn spans<'a>(diff: &TextDiff<'a, 'a, 'a, str>) -> Vec<DiffSpan> {
    let mut runs: Vec<DiffSpan> = Vec::new();
    for change in diff.iter_all_changes() {
        let tag = match change.tag() {
            ChangeTag::Equal => DiffTag::Same,
            ChangeTag::Insert => DiffTag::Added,
            ChangeTag::Delete => DiffTag::Removed,
        };
        match runs.last_mut() {
            Some(last) if last.tag == tag => last.text.push_str(change.value()),
            _ => runs.push(DiffSpan {
                tag,
                text: change.value().to_owned(),
            }),
        }
    }
    runs
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

    fn plan(version: i32, vision: String) -> ActionPlan {
        let mut p = input().next_version(Uuid::nil(), None, "a@city.test", "2026-01-01T00:00:00Z");
        p.version = version;
        p.vision = vision;
        p
    }

    /// Both sides of a diff read back from its runs.
    fn sides(diff: &PlanDiff) -> (String, String) {
        let side = |skip: DiffTag| -> String {
            diff.vision
                .iter()
                .filter(|s| s.tag != skip)
                .map(|s| s.text.as_str())
                .collect()
        };
        (side(DiffTag::Added), side(DiffTag::Removed))
    }

    #[test]
    fn long_visions_are_compared_in_coarser_units_and_still_read_back() {
        let words = |n: usize, w: &str| vec![w; n].join(" ");
        let short = PlanDiff::between(&plan(1, words(900, "green")), &plan(2, words(900, "blue")));
        assert_eq!(short.vision_unit, DiffUnit::Words);

        let old = (0..40)
            .map(|i| format!("{i} {}", words(30, "green")))
            .collect::<Vec<_>>();
        let mut new = old.clone();
        new[7] = words(31, "blue");
        let (old, new) = (old.join("\n"), new.join("\n"));
        let lines = PlanDiff::between(&plan(1, old.clone()), &plan(2, new.clone()));
        assert_eq!(lines.vision_unit, DiffUnit::Lines);
        assert_eq!(sides(&lines), (old, new));
        let changed: Vec<&DiffSpan> = lines
            .vision
            .iter()
            .filter(|s| s.tag != DiffTag::Same)
            .collect();
        assert_eq!(changed.len(), 2, "one line out, one in: {changed:?}");

        let (old, new) = ("a\n".repeat(1_500), "b\n".repeat(1_500));
        let whole = PlanDiff::between(&plan(1, old.clone()), &plan(2, new.clone()));
        assert_eq!(whole.vision_unit, DiffUnit::Whole);
        assert_eq!(sides(&whole), (old.clone(), new));
        assert!(PlanDiff::between(&plan(1, old.clone()), &plan(2, old)).is_empty());
    }
}
