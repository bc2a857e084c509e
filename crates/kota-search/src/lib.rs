//! Kota's search: one index over cities, places, projects, partners, stories and events,
//! held in memory and derived from the database (which stays the one source of truth).
//!
//! Every text is cut into words by [`kota_text::words`], for indexing and querying alike:
//! - each word is indexed as written (normalised, marks kept) and folded (Latin marks removed,
//!   `đ` read `d`), so "Đà Nẵng" and "da nang" match, and a query with marks ranks the
//!   records with exactly those marks first;
//! - runs of Thai, Lao, Khmer and Burmese (written without spaces) are also indexed as pairs
//!   of user-perceived characters at consecutive positions, so a word is found inside a run
//!   the dictionary cut differently, a name missing from the dictionary is found, and a word
//!   typed in part finds the words it begins;
//! - a long Latin word is forgiven a typo, and the last word of a query also matches the
//!   words it begins (search as you type).
//!
//! Each record carries who may see it; a query carries who asks, and never sees more.

mod analysis;
mod index;
mod query;
mod snippet;

#[cfg(test)]
mod tests;

pub use index::{SearchError, SearchIndex, Update};

/// The kinds of record search finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A member city.
    City,
    /// A place of the world's gazetteer that is not a member city.
    Place,
    /// A project.
    Project,
    /// A partner organisation.
    Partner,
    /// A story or lesson.
    Story,
    /// An event.
    Event,
}

impl Kind {
    /// Every kind, in the order facets list them.
    pub const ALL: [Kind; 6] = [
        Kind::City,
        Kind::Place,
        Kind::Project,
        Kind::Partner,
        Kind::Story,
        Kind::Event,
    ];

    /// The kind's name in the API (`city`, `place`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::City => "city",
            Kind::Place => "place",
            Kind::Project => "project",
            Kind::Partner => "partner",
            Kind::Story => "story",
            Kind::Event => "event",
        }
    }

    /// The kind named `s` in the API.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Who may see a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Anyone, signed in or not.
    Public,
    /// Signed-in members of the network only.
    Network,
}

impl Visibility {
    fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Network => "network",
        }
    }
}

/// Who is asking: what a query may find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Someone not signed in: public records only.
    Anonymous,
    /// A signed-in member: public and network records.
    Member,
}

/// One searchable record, as read from the database.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// What it is.
    pub kind: Kind,
    /// Its id in the database (a UUID, or a GeoNames id for a place).
    pub id: String,
    /// Its slug in links.
    pub slug: String,
    /// Its page.
    pub url: String,
    /// Its title or name.
    pub title: String,
    /// Its other names (aliases, earlier titles, names in other scripts), ranked as titles.
    pub names: Vec<String>,
    /// Its texts (description, body, activities, place), ranked below titles.
    pub body: Vec<String>,
    /// Its member state or country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// The focus areas it belongs to (framework ids).
    pub focus_areas: Vec<String>,
    /// The years it belongs to (report years, the year it was written, the event's year).
    pub years: Vec<i32>,
    /// Who may see it.
    pub visibility: Visibility,
}

/// What a search asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The words typed.
    pub text: String,
    /// Only records of this kind.
    pub kind: Option<Kind>,
    /// Only records of this country.
    pub country: Option<String>,
    /// Only records of this focus area.
    pub focus_area: Option<String>,
    /// Only records of this year.
    pub year: Option<i32>,
    /// Who asks.
    pub audience: Audience,
    /// How many hits at most.
    pub limit: usize,
    /// How many of the best hits to skip.
    pub offset: usize,
}

/// One record found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// What it is.
    pub kind: Kind,
    /// Its id in the database.
    pub id: String,
    /// Its slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Its page.
    pub url: String,
    /// A piece of its text around the words found, as HTML: the text escaped, the words
    /// found inside `<mark>`.
    pub snippet: String,
    /// How well it matches (higher is better).
    pub score: f32,
}

/// How many records found fall in each value of a facet.
pub type Counts = Vec<(String, u64)>;

/// What a search found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Found {
    /// The best hits, best first, after the offset.
    pub hits: Vec<Hit>,
    /// How many records match in all.
    pub total: u64,
    /// Counts per kind.
    pub kinds: Counts,
    /// Counts per country.
    pub countries: Counts,
    /// Counts per focus area.
    pub focus_areas: Counts,
    /// Counts per year.
    pub years: Counts,
}
