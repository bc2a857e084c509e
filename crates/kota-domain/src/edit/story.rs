//! What people write in a story: its kind, the city (and project, partner) it is about, focus
//! areas, language, title and text, outcome figures with units, and sources; whole for a new
//! story, or only the fields to change for an edit.

use chrono::{DateTime, Utc};
use garde::Validate;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    Checked, Code, FieldError, done, paragraphs, report, title_text, unknown_focus_areas,
    web_address,
};
use crate::access::Principal;
use crate::city::CityRef;
use crate::interest::ProjectRef;
use crate::partner::PartnerRef;
use crate::story::{Outcome, Story, StoryKind, StorySource, Visibility, unknown_language};

/// An outcome figure as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    /// What the figure measures.
    #[garde(length(chars, min = 1, max = 200), custom(title_text))]
    pub label: String,
    /// The number (finite).
    #[garde(skip)]
    pub value: f64,
    /// Its unit (`%`, `minutes`, `households`).
    #[garde(length(chars, min = 1, max = 40), custom(title_text))]
    pub unit: String,
}

/// A source as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SourceInput {
    /// The document's title.
    #[garde(length(chars, min = 1, max = 300), custom(title_text))]
    pub title: String,
    /// Where it is on the web (http or https).
    #[serde(default)]
    #[garde(length(max = 500), custom(web_address))]
    pub url: Option<String>,
}

/// A story as written: every field of a new one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct StoryInput {
    /// `success_story` or `lesson`.
    #[garde(skip)]
    pub kind: StoryKind,
    /// The city it is about (UUID or slug).
    #[garde(length(chars, min = 1, max = 200))]
    pub city: String,
    /// The project it is about, one of the city's (UUID or slug).
    #[serde(default)]
    #[garde(length(chars, min = 1, max = 200))]
    pub project: Option<String>,
    /// The partner that tells it or took part (UUID or slug); a partner's representative
    /// names their own, and writes only of a city it worked with.
    #[serde(default)]
    #[garde(length(chars, min = 1, max = 200))]
    pub partner: Option<String>,
    /// Focus areas of the framework (ids), one to six.
    #[garde(length(min = 1, max = 6), inner(length(min = 1, max = 64)))]
    pub focus_areas: Vec<String>,
    /// The language of the title and text, as a BCP 47 tag: `en`, `id`, `ms`, `fil`, `th`,
    /// `vi`, `km`, `lo`, `my`, `zh`, `ta`, `tet`, `pt`.
    #[garde(length(chars, min = 1, max = 16))]
    pub language: String,
    /// Title.
    #[garde(length(chars, min = 1, max = 200), custom(title_text))]
    pub title: String,
    /// The story, in paragraphs separated by blank lines.
    #[garde(length(chars, min = 1, max = 20000), custom(paragraphs))]
    pub body: String,
    /// Outcome figures, each with its unit (at most 20).
    #[serde(default)]
    #[garde(length(max = 20), dive)]
    pub outcomes: Vec<OutcomeInput>,
    /// The documents it rests on (at most 20).
    #[serde(default)]
    #[garde(length(max = 20), dive)]
    pub sources: Vec<SourceInput>,
    /// `public` (the default) or `network` (signed-in members only).
    #[serde(default)]
    #[garde(skip)]
    pub visibility: Option<Visibility>,
}

/// The records a story names, as found (none: no such record).
#[derive(Debug, Clone, Default, Serialize)]
pub struct StoryLinks {
    /// The city.
    pub city: Option<CityRef>,
    /// The project, when one is named.
    pub project: Option<ProjectRef>,
    /// The partner, when one is named.
    pub partner: Option<PartnerRef>,
}

impl StoryInput {
    /// Every invalid field, given the framework's focus area ids and the records it names as
    /// found: a language Kota does not know, a figure that is not a finite number, a city,
    /// project or partner that is not one, a project of another city.
    pub fn check(&self, focus_area_ids: &[String], links: &StoryLinks) -> Checked {
        let mut errors = report(self.validate());
        let mut add = |e: FieldError| {
            if !errors.iter().any(|known| known.field == e.field) {
                errors.push(e);
            }
        };
        if let Some(why) = unknown_language(&self.language) {
            add(FieldError::new("language", Code::NotAChoice, why));
        }
        for (i, o) in self.outcomes.iter().enumerate() {
            if !o.value.is_finite() {
                add(FieldError::new(
                    format!("outcomes[{i}].value"),
                    Code::NotANumber,
                    format!("Give outcome {} as a number", i + 1),
                ));
            }
        }
        for (i, area) in self.focus_areas.iter().enumerate() {
            if self.focus_areas[..i].contains(area) {
                add(FieldError::new(
                    format!("focus_areas[{i}]"),
                    Code::Duplicate,
                    format!("The focus area {area} is given twice"),
                ));
            }
        }
        for e in unknown_focus_areas(&self.focus_areas, focus_area_ids) {
            add(e);
        }
        let named = |field: &str, given: bool, found: bool, what: &str, value: &str| {
            (given && !found).then(|| super::words::unknown_record(field, value, what))
        };
        let missing = [
            named(
                "city",
                true,
                links.city.is_some(),
                "a member city",
                &self.city,
            ),
            named(
                "project",
                self.project.is_some(),
                links.project.is_some(),
                "a project",
                self.project.as_deref().unwrap_or(""),
            ),
            named(
                "partner",
                self.partner.is_some(),
                links.partner.is_some(),
                "a partner",
                self.partner.as_deref().unwrap_or(""),
            ),
        ];
        for e in missing.into_iter().flatten() {
            add(e);
        }
        if let (Some(city), Some(project)) = (&links.city, &links.project)
            && project.city.id != city.id
        {
            add(FieldError::new(
                "project",
                Code::Conflict,
                format!(
                    "“{}” is a project of {}, not of {}: name one of {}'s projects, or none",
                    project.title, project.city.name, city.name, city.name
                ),
            ));
        }
        done(errors)
    }

    /// Who may read it: public unless `network` is asked for.
    pub fn visibility(&self) -> Visibility {
        self.visibility.unwrap_or(Visibility::Public)
    }

    /// The story `who` writes now, about the records it names (checked by [`Self::check`]).
    pub fn create(
        &self,
        id: Uuid,
        slug: String,
        city: CityRef,
        links: &StoryLinks,
        who: &Principal,
        now: DateTime<Utc>,
    ) -> Story {
        self.written(
            Story {
                id,
                slug,
                kind: self.kind,
                city: city.clone(),
                project: None,
                partner: None,
                focus_areas: Vec::new(),
                language: String::new(),
                title: String::new(),
                body: String::new(),
                outcomes: Vec::new(),
                sources: Vec::new(),
                visibility: self.visibility(),
                author: who.public_label(),
                author_id: Some(who.user_id),
                created_at: now,
                updated_at: now,
                version: 1,
            },
            city,
            links,
        )
    }

    /// `before` as this input leaves it at `now`: its id, slug, author and creation stay.
    pub fn apply(
        &self,
        before: &Story,
        city: CityRef,
        links: &StoryLinks,
        now: DateTime<Utc>,
    ) -> Story {
        self.written(
            Story {
                updated_at: now,
                version: before.version + 1,
                ..before.clone()
            },
            city,
            links,
        )
    }

    /// `story` with what this input says.
    fn written(&self, story: Story, city: CityRef, links: &StoryLinks) -> Story {
        Story {
            kind: self.kind,
            city,
            project: links.project.clone(),
            partner: links.partner.clone(),
            focus_areas: self.focus_areas.clone(),
            language: self.language.clone(),
            title: self.title.trim().to_owned(),
            body: self.body.trim().to_owned(),
            outcomes: self
                .outcomes
                .iter()
                .map(|o| Outcome {
                    label: o.label.trim().to_owned(),
                    value: o.value,
                    unit: o.unit.trim().to_owned(),
                })
                .collect(),
            sources: self
                .sources
                .iter()
                .map(|s| StorySource {
                    title: s.title.trim().to_owned(),
                    url: super::clean(&s.url),
                })
                .collect(),
            visibility: self.visibility(),
            ..story
        }
    }

    /// The input that writes `story` as it is.
    pub fn of(story: &Story) -> Self {
        Self {
            kind: story.kind,
            city: story.city.slug.clone(),
            project: story.project.as_ref().map(|p| p.slug.clone()),
            partner: story.partner.as_ref().map(|p| p.slug.clone()),
            focus_areas: story.focus_areas.clone(),
            language: story.language.clone(),
            title: story.title.clone(),
            body: story.body.clone(),
            outcomes: story
                .outcomes
                .iter()
                .map(|o| OutcomeInput {
                    label: o.label.clone(),
                    value: o.value,
                    unit: o.unit.clone(),
                })
                .collect(),
            sources: story
                .sources
                .iter()
                .map(|s| SourceInput {
                    title: s.title.clone(),
                    url: s.url.clone(),
                })
                .collect(),
            visibility: Some(story.visibility),
        }
    }
}

/// A present JSON value, `null` included, as `Some` (so that a field left out and a field
/// set to `null` differ).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// The fields of a story to change; those left out stay as they are. `project` and
/// `partner` set to `null` take the link away.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoryPatch {
    /// `success_story` or `lesson`.
    #[serde(default)]
    pub kind: Option<StoryKind>,
    /// The city it is about (UUID or slug).
    #[serde(default)]
    pub city: Option<String>,
    /// The project (UUID or slug), or `null` for none.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub project: Option<Option<String>>,
    /// The partner (UUID or slug), or `null` for none.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub partner: Option<Option<String>>,
    /// Focus areas of the framework (ids).
    #[serde(default)]
    pub focus_areas: Option<Vec<String>>,
    /// The language (BCP 47 tag).
    #[serde(default)]
    pub language: Option<String>,
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
    /// The story.
    #[serde(default)]
    pub body: Option<String>,
    /// Outcome figures (the whole list).
    #[serde(default)]
    pub outcomes: Option<Vec<OutcomeInput>>,
    /// Sources (the whole list).
    #[serde(default)]
    pub sources: Option<Vec<SourceInput>>,
    /// `public` or `network`.
    #[serde(default)]
    pub visibility: Option<Visibility>,
}

impl StoryPatch {
    /// The whole input `story` with these changes makes.
    pub fn over(self, story: &Story) -> StoryInput {
        let s = StoryInput::of(story);
        StoryInput {
            kind: self.kind.unwrap_or(s.kind),
            city: self.city.unwrap_or(s.city),
            project: self.project.unwrap_or(s.project),
            partner: self.partner.unwrap_or(s.partner),
            focus_areas: self.focus_areas.unwrap_or(s.focus_areas),
            language: self.language.unwrap_or(s.language),
            title: self.title.unwrap_or(s.title),
            body: self.body.unwrap_or(s.body),
            outcomes: self.outcomes.unwrap_or(s.outcomes),
            sources: self.sources.unwrap_or(s.sources),
            visibility: self.visibility.or(s.visibility),
        }
    }
}

/// A whole input as a patch that names every field.
impl From<StoryInput> for StoryPatch {
    fn from(input: StoryInput) -> Self {
        Self {
            kind: Some(input.kind),
            city: Some(input.city),
            project: Some(input.project),
            partner: Some(input.partner),
            focus_areas: Some(input.focus_areas),
            language: Some(input.language),
            title: Some(input.title),
            body: Some(input.body),
            outcomes: Some(input.outcomes),
            sources: Some(input.sources),
            visibility: input.visibility,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn city() -> CityRef {
        CityRef {
            id: Uuid::from_u128(1),
            slug: "da-nang".into(),
            name: "Da Nang".into(),
            country_iso2: "VN".into(),
        }
    }

    fn input() -> StoryInput {
        StoryInput {
            kind: StoryKind::SuccessStory,
            city: "da-nang".into(),
            project: None,
            partner: None,
            focus_areas: vec!["mobility".into()],
            language: "vi".into(),
            title: "Xe buýt thông minh".into(),
            body: "Đoạn một.\n\nĐoạn hai.".into(),
            outcomes: vec![OutcomeInput {
                label: "Riders".into(),
                value: 12.5,
                unit: "%".into(),
            }],
            sources: vec![SourceInput {
                title: "Report".into(),
                url: Some("https://example.org/r".into()),
            }],
            visibility: None,
        }
    }

    fn links() -> StoryLinks {
        StoryLinks {
            city: Some(city()),
            ..StoryLinks::default()
        }
    }

    fn areas() -> Vec<String> {
        vec!["mobility".into(), "health".into()]
    }

    #[test]
    fn a_good_story_passes_and_is_public() {
        assert_eq!(input().check(&areas(), &links()), Ok(()));
        assert_eq!(input().visibility(), Visibility::Public);
    }

    #[test]
    fn each_bad_field_is_named() {
        let bad = StoryInput {
            title: " ".into(),
            body: String::new(),
            language: "xx".into(),
            focus_areas: vec!["mobility".into(), "space".into(), "mobility".into()],
            outcomes: vec![OutcomeInput {
                label: "Riders".into(),
                value: f64::INFINITY,
                unit: String::new(),
            }],
            sources: vec![SourceInput {
                title: "R".into(),
                url: Some("javascript:alert(1)".into()),
            }],
            project: Some("elsewhere".into()),
            ..input()
        };
        let mut fields: Vec<String> = bad
            .check(&areas(), &StoryLinks::default())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        fields.sort();
        assert_eq!(
            fields,
            [
                "body",
                "city",
                "focus_areas[1]",
                "focus_areas[2]",
                "language",
                "outcomes[0].unit",
                "outcomes[0].value",
                "project",
                "sources[0].url",
                "title"
            ]
        );
    }

    #[test]
    fn a_project_of_another_city_is_refused() {
        let links = StoryLinks {
            project: Some(ProjectRef {
                id: Uuid::from_u128(5),
                slug: "p".into(),
                title: "P".into(),
                city: CityRef {
                    id: Uuid::from_u128(2),
                    slug: "hue".into(),
                    name: "Hue".into(),
                    country_iso2: "VN".into(),
                },
            }),
            ..links()
        };
        let input = StoryInput {
            project: Some("p".into()),
            ..input()
        };
        let errors = input.check(&areas(), &links).unwrap_err();
        assert_eq!(errors[0].field, "project");
        assert!(errors[0].message.contains("Hue"), "{}", errors[0].message);
    }

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let who = Principal {
            user_id: Uuid::from_u128(3),
            email: String::new(),
            name: "Nguyen Van A".into(),
            place: Some("Da Nang".into()),
            scope: crate::access::Scope::CityOfficer { city_id: city().id },
        };
        let story = input().create(
            Uuid::nil(),
            "s".into(),
            city(),
            &links(),
            &who,
            DateTime::UNIX_EPOCH,
        );
        let patch: StoryPatch =
            serde_json::from_str(r#"{"title": "New", "partner": null}"#).expect("patch");
        assert_eq!(patch.partner, Some(None));
        let merged = patch.over(&story);
        assert_eq!(merged.title, "New");
        assert_eq!(merged.body, story.body);
        let after = merged.apply(&story, city(), &links(), Utc::now());
        assert_eq!(
            (after.version, after.author.as_str()),
            (2, story.author.as_str())
        );
        assert_eq!(after.author_id, Some(who.user_id));
        assert!(after.updated_at > after.created_at);
        let none: StoryPatch = serde_json::from_str("{}").expect("empty patch");
        assert_eq!(none.partner, None);
    }
}
