//! Success stories and lessons learned: what a city did, what came of it (outcome figures with
//! their units) and where that is documented, written by the city's side, a partner that took
//! part, or coordinators; public, or for the network's signed-in members only.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::Principal;
use crate::city::CityRef;
use crate::interest::ProjectRef;
use crate::partner::PartnerRef;

crate::vocabulary! {
    /// What a story tells.
    pub enum StoryKind {
        /// What worked, and what came of it.
        SuccessStory = ("success_story", "Success story"),
        /// What the city learned, often from what did not work.
        Lesson = ("lesson", "Lesson learned"),
    }
}

crate::vocabulary! {
    /// Who may read a story.
    pub enum Visibility {
        /// Anyone.
        Public = ("public", "Public"),
        /// The network's signed-in members only.
        Network = ("network", "Network members only"),
    }
}

/// The languages a story may be written in, by BCP 47 tag, with their names in English: the
/// languages of the ASEAN member states and Timor-Leste, and English.
pub const LANGUAGES: &[(&str, &str)] = &[
    ("en", "English"),
    ("id", "Indonesian"),
    ("ms", "Malay"),
    ("fil", "Filipino"),
    ("th", "Thai"),
    ("vi", "Vietnamese"),
    ("km", "Khmer"),
    ("lo", "Lao"),
    ("my", "Burmese"),
    ("zh", "Chinese"),
    ("ta", "Tamil"),
    ("tet", "Tetum"),
    ("pt", "Portuguese"),
];

/// Why `tag` is not a language a story may be written in, in words; none when it is one.
pub fn unknown_language(tag: &str) -> Option<String> {
    if LANGUAGES.iter().any(|(t, _)| *t == tag) {
        return None;
    }
    let tags: Vec<&str> = LANGUAGES.iter().map(|(t, _)| *t).collect();
    Some(format!(
        "Give the language as one of these tags: {} (“{tag}” is not one)",
        tags.join(", ")
    ))
}

/// The English name of the language with this tag, when it is one Kota knows.
pub fn language_name(tag: &str) -> Option<&'static str> {
    LANGUAGES
        .iter()
        .find(|(t, _)| *t == tag)
        .map(|(_, name)| *name)
}

/// An outcome figure: what was measured, the number, and its unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Outcome {
    /// What the figure measures (`Travel time on the main corridor`).
    pub label: String,
    /// The number.
    pub value: f64,
    /// Its unit (`%`, `minutes`, `tonnes CO2e per year`).
    pub unit: String,
}

/// A document the story rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StorySource {
    /// Its title.
    pub title: String,
    /// Where it is on the web (http or https), when it is.
    pub url: Option<String>,
}

/// A success story or a lesson learned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Story {
    /// Stable id.
    pub id: Uuid,
    /// URL slug, accepted wherever the id is.
    pub slug: String,
    /// A success story or a lesson.
    pub kind: StoryKind,
    /// The city it is about.
    pub city: CityRef,
    /// The project it is about, when one.
    pub project: Option<ProjectRef>,
    /// The partner that tells it or took part, when one.
    pub partner: Option<PartnerRef>,
    /// Focus areas of the framework (ids).
    pub focus_areas: Vec<String>,
    /// The language of the title and text (BCP 47 tag: `en`, `th`, `vi`, …).
    pub language: String,
    /// Title.
    pub title: String,
    /// The story, in paragraphs separated by blank lines.
    pub body: String,
    /// Outcome figures with their units.
    pub outcomes: Vec<Outcome>,
    /// The documents it rests on.
    pub sources: Vec<StorySource>,
    /// Who may read it.
    pub visibility: Visibility,
    /// Who wrote it (name, role, place).
    pub author: String,
    /// The account of who wrote it (not sent: people are shown by their label).
    #[serde(skip)]
    pub author_id: Option<Uuid>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
    /// Version, raised by every change (for `ETag` / `If-Match`).
    pub version: i32,
}

/// The longest excerpt a list shows, in characters.
pub const EXCERPT_CHARS: usize = 240;

impl Story {
    /// Whether `who` (none: an anonymous visitor) may read it: a public story anyone, a
    /// network story any signed-in person.
    pub fn visible_to(&self, who: Option<&Principal>) -> bool {
        self.visibility == Visibility::Public || who.is_some()
    }

    /// The text's paragraphs: runs of lines separated by blank lines, each trimmed.
    pub fn paragraphs(&self) -> Vec<String> {
        paragraphs(&self.body)
    }

    /// The start of the text, cut at a word boundary within [`EXCERPT_CHARS`], with an
    /// ellipsis when cut. Text written without spaces (Thai, Lao, Khmer, Burmese) is cut at
    /// the limit.
    pub fn excerpt(&self) -> String {
        excerpt(&self.body, EXCERPT_CHARS)
    }

    /// The English name of its language.
    pub fn language_name(&self) -> &'static str {
        language_name(&self.language).unwrap_or("another language")
    }

    /// The story as a list names it.
    pub fn summary(&self) -> StorySummary {
        StorySummary {
            id: self.id,
            slug: self.slug.clone(),
            title: self.title.clone(),
            kind: self.kind,
            city: self.city.clone(),
            project: self.project.clone(),
            partner: self.partner.clone(),
            focus_areas: self.focus_areas.clone(),
            language: self.language.clone(),
            visibility: self.visibility,
            excerpt: self.excerpt(),
            author: self.author.clone(),
            updated_at: self.updated_at,
        }
    }
}

/// A story as a list names it: what it is, where, and its first words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StorySummary {
    /// Stable id.
    pub id: Uuid,
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// A success story or a lesson.
    pub kind: StoryKind,
    /// The city it is about.
    pub city: CityRef,
    /// The project it is about, when one.
    pub project: Option<ProjectRef>,
    /// The partner that tells it or took part, when one.
    pub partner: Option<PartnerRef>,
    /// Focus areas of the framework (ids).
    pub focus_areas: Vec<String>,
    /// The language (BCP 47 tag).
    pub language: String,
    /// Who may read it.
    pub visibility: Visibility,
    /// The start of the text.
    pub excerpt: String,
    /// Who wrote it.
    pub author: String,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
}

/// Runs of lines separated by blank lines, each run's lines joined by a space and trimmed.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

/// The start of `text` within `max` user-perceived characters, on one line, cut after the
/// last whole word that fits, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match kota_text::cut_point(&flat, max) {
        None => flat,
        Some(at) => format!(
            "{}…",
            flat[..at].trim_end_matches([',', ';', ':', '.', ' '])
        ),
    }
}

/// Whether `who` may write a story about `city`, naming `partner`: the city's officers, its
/// national representative and coordinators; and a partner's representatives for a story
/// that names their own partner, about a city the partner `worked_with` (a city the
/// documents link it to, a twinning that began, a project it became a partner of).
pub fn may_write(
    who: &Principal,
    city: &CityRef,
    partner: Option<Uuid>,
    worked_with: bool,
) -> bool {
    who.may_edit_city(city.id, &city.country_iso2) || (worked_with && tells_for(who, partner))
}

/// Whether `who` represents `partner`.
fn tells_for(who: &Principal, partner: Option<Uuid>) -> bool {
    partner.is_some_and(|p| who.partner_id() == Some(p))
}

/// Whether `who` may write stories at all (the form for a new one is theirs).
pub fn may_write_any(who: &Principal) -> bool {
    !who.is_admin()
}

/// Whether `who` may edit `story`: the city's side (its officers, national representative)
/// and coordinators any story of the city; anyone else only a story they wrote and may still
/// write, so a partner's representative never rewrites what the city wrote.
pub fn may_edit(who: &Principal, story: &Story) -> bool {
    who.may_edit_city(story.city.id, &story.city.country_iso2)
        || (story.author_id == Some(who.user_id)
            && tells_for(who, story.partner.as_ref().map(|p| p.id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Scope;

    fn who(scope: Scope) -> Principal {
        Principal {
            user_id: Uuid::from_u128(7),
            email: "a@example.org".into(),
            name: "A".into(),
            place: None,
            scope,
        }
    }

    fn story() -> Story {
        Story {
            id: Uuid::nil(),
            slug: "s".into(),
            kind: StoryKind::Lesson,
            city: CityRef {
                id: Uuid::from_u128(1),
                slug: "da-nang".into(),
                name: "Da Nang".into(),
                country_iso2: "VN".into(),
            },
            project: None,
            partner: Some(PartnerRef {
                id: Uuid::from_u128(9),
                slug: "p".into(),
                name: "P".into(),
                kind: crate::partner::PartnerKind::Government,
            }),
            focus_areas: vec![],
            language: "vi".into(),
            title: "T".into(),
            body: "First line\nstill first.\n\n  Second.  \n\n\n".into(),
            outcomes: vec![],
            sources: vec![],
            visibility: Visibility::Network,
            author: "A".into(),
            author_id: None,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
            version: 1,
        }
    }

    #[test]
    fn paragraphs_and_excerpts() {
        assert_eq!(story().paragraphs(), ["First line still first.", "Second."]);
        assert_eq!(excerpt("one two three", 100), "one two three");
        assert_eq!(excerpt("one two three", 9), "one two…");
        assert_eq!(excerpt("กรุงเทพมหานคร", 5), "กรุงเท…");
        // ICU cuts this run as ศูนย์/ปฏิบัติ/การเมือง/…: the cut falls after a whole word.
        assert_eq!(excerpt("ศูนย์ปฏิบัติการเมืองอัจฉริยะ", 12), "ศูนย์ปฏิบัติ…");
        assert_eq!(excerpt("a, b, c", 4), "a, b…");
    }

    #[test]
    fn who_reads_and_who_writes() {
        let s = story();
        assert!(!s.visible_to(None));
        let rep = who(Scope::PartnerRepresentative {
            partner_id: Uuid::from_u128(9),
        });
        assert!(s.visible_to(Some(&rep)));
        assert!(
            !may_edit(&rep, &s),
            "the partner it names, but written by someone else"
        );
        let mut own = story();
        own.author_id = Some(rep.user_id);
        assert!(may_edit(&rep, &own), "their own story naming their partner");
        let other_rep = who(Scope::PartnerRepresentative {
            partner_id: Uuid::from_u128(8),
        });
        assert!(!may_edit(&other_rep, &s));
        assert!(!may_write(&other_rep, &s.city, None, true));
        let partner = Some(Uuid::from_u128(9));
        assert!(may_write(&rep, &s.city, partner, true));
        assert!(
            !may_write(&rep, &s.city, partner, false),
            "not about a city the partner never worked with"
        );
        let officer = who(Scope::CityOfficer {
            city_id: Uuid::from_u128(1),
        });
        assert!(may_write(&officer, &s.city, None, false));
        let elsewhere = who(Scope::CityOfficer {
            city_id: Uuid::from_u128(2),
        });
        assert!(!may_edit(&elsewhere, &s));
        let author = Story {
            author_id: Some(elsewhere.user_id),
            ..story()
        };
        assert!(
            !may_edit(&elsewhere, &author),
            "an author who may no longer write about the city"
        );
        let admin = who(Scope::Admin);
        assert!(!may_write_any(&admin) && !may_edit(&admin, &author));
        assert!(may_write(&who(Scope::Coordinator), &s.city, None, false));
    }
}
