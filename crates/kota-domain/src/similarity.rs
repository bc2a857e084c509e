//! Which projects are alike: within one city, records that are likely the same project
//! (listed by two sources, or renamed between reports), and across cities, projects that
//! pursue the same thing and could be paired rather than built twice.
//!
//! Text is compared by its distinctive words, each weighted by how rare it is across the
//! network (inverse document frequency): words every project uses ("smart", "system",
//! "project") and the cities' own names carry no evidence, and a record never matches
//! itself.

pub mod merge;
pub mod terms;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::city::CityRef;
use crate::interest::ProjectRef;
use crate::project::{Project, ProjectOrigin, Seek, Stage};

/// The score from which two records of one city are taken to be the same project.
pub const SAME_PROJECT: f64 = 0.6;
/// The score from which two projects of different cities are shown as similar.
pub const SIMILAR_ELSEWHERE: f64 = 0.5;

/// What similarity compares of a project: a stored one, or a draft not yet saved.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The project's id; none for a draft.
    pub id: Option<Uuid>,
    /// Its URL slug; empty for a draft.
    pub slug: String,
    /// Its city.
    pub city: CityRef,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Focus areas (ids).
    pub focus_areas: Vec<String>,
    /// Where the record comes from; none for a draft.
    pub origin: Option<ProjectOrigin>,
    /// Years of the monitoring reports that list it.
    pub report_years: Vec<i32>,
    /// Stage set by the city.
    pub stage: Option<Stage>,
    /// Whether it is completed.
    pub completed: bool,
    /// The support it seeks.
    pub support_sought: Vec<Seek>,
}

impl From<&Project> for Profile {
    fn from(p: &Project) -> Self {
        Self {
            id: Some(p.id),
            slug: p.slug.clone(),
            city: p.city.clone(),
            title: p.title.clone(),
            description: p.description.clone(),
            focus_areas: p.focus_areas.clone(),
            origin: Some(p.origin),
            report_years: p.report_years.clone(),
            stage: p.stage,
            completed: p.is_completed(),
            support_sought: p.support_sought.clone(),
        }
    }
}

/// How alike two projects are, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Similarity {
    /// From 0 (nothing in common) to 1.
    pub score: f64,
    /// Whether the two are likely one project listed twice (same city only).
    pub same_project: bool,
    /// The evidence, in words.
    pub reason: String,
}

/// A project found alike, with how alike.
#[derive(Debug, Clone, PartialEq)]
pub struct Match<'a> {
    /// The other project.
    pub other: &'a Profile,
    /// How alike.
    pub similarity: Similarity,
}

/// Two projects found alike.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair<'a> {
    /// The first (by city, then title).
    pub a: &'a Profile,
    /// The second.
    pub b: &'a Profile,
    /// How alike.
    pub similarity: Similarity,
}

struct Doc {
    profile: Profile,
    /// Each term as first written in the text (folded), for reasons in words.
    written: BTreeMap<String, String>,
    title: BTreeSet<String>,
    all: BTreeSet<String>,
    has_description: bool,
}

impl Doc {
    fn new(profile: Profile) -> Self {
        let names = terms::name_terms(&profile.city.name);
        let title = terms::terms(&profile.title, &names);
        let description = profile
            .description
            .as_deref()
            .map(|d| terms::terms(d, &names))
            .unwrap_or_default();
        let mut written = BTreeMap::new();
        let text = format!(
            "{} {}",
            profile.title,
            profile.description.as_deref().unwrap_or("")
        );
        for w in kota_text::words(&text) {
            written
                .entry(terms::normalise(&w.folded))
                .or_insert(w.folded);
        }
        Self {
            written,
            has_description: !description.is_empty(),
            all: title.union(&description).cloned().collect(),
            title,
            profile,
        }
    }
}

/// The network's projects prepared for comparison: each one's distinctive terms, and how
/// many projects use each term.
pub struct Corpus {
    docs: Vec<Doc>,
    frequency: HashMap<String, usize>,
    city_names: HashMap<Uuid, BTreeSet<String>>,
}

impl Corpus {
    /// The corpus of `profiles` (the network's projects, merged records left out).
    pub fn new(profiles: impl IntoIterator<Item = Profile>) -> Self {
        let docs: Vec<Doc> = profiles.into_iter().map(Doc::new).collect();
        let mut frequency = HashMap::new();
        let mut city_names = HashMap::new();
        for d in &docs {
            for t in &d.all {
                *frequency.entry(t.clone()).or_insert(0) += 1;
            }
            city_names
                .entry(d.profile.city.id)
                .or_insert_with(|| terms::name_terms(&d.profile.city.name));
        }
        Self {
            docs,
            frequency,
            city_names,
        }
    }

    /// How much `term` says: rare terms much, common ones little.
    fn weight(&self, term: &str) -> f64 {
        let n = self.docs.len().max(1) as f64;
        let df = self.frequency.get(term).copied().unwrap_or(0).max(1) as f64;
        (1.0 + n / df).ln()
    }

    /// Weighted Jaccard overlap of two term sets, without `ignored` terms, and the shared
    /// terms (rarest first).
    fn overlap(
        &self,
        a: &BTreeSet<String>,
        b: &BTreeSet<String>,
        ignored: &BTreeSet<String>,
    ) -> (f64, Vec<String>) {
        let keep = |t: &&String| !ignored.contains(*t);
        let union: f64 = a.union(b).filter(keep).map(|t| self.weight(t)).sum::<f64>();
        let mut shared: Vec<&String> = a.intersection(b).filter(keep).collect();
        let both: f64 = shared.iter().map(|t| self.weight(t)).sum();
        shared.sort_by(|x, y| {
            self.weight(y)
                .total_cmp(&self.weight(x))
                .then_with(|| x.cmp(y))
        });
        let score = if union > 0.0 { both / union } else { 0.0 };
        (score, shared.into_iter().cloned().collect())
    }

    /// How alike the texts of `a` and `b` are, and their shared distinctive terms: the
    /// titles, and the titles with descriptions where both have one. Names of either city
    /// carry no evidence.
    fn text(&self, a: &Doc, b: &Doc) -> (f64, Vec<String>) {
        let mut ignored = BTreeSet::new();
        for city in [&a.profile.city, &b.profile.city] {
            match self.city_names.get(&city.id) {
                Some(names) => ignored.extend(names.iter().cloned()),
                None => ignored.extend(terms::name_terms(&city.name)),
            }
        }
        let (title, shared) = self.overlap(&a.title, &b.title, &ignored);
        if a.has_description && b.has_description {
            let (all, shared_all) = self.overlap(&a.all, &b.all, &ignored);
            ((title + all) / 2.0, shared_all)
        } else {
            (title, shared)
        }
    }

    /// How alike `a` and `b` are: within one city whether they are the same project, across
    /// cities whether they pursue the same thing. None for a record and itself, and for two
    /// projects with no distinctive word in common.
    fn compare(&self, a: &Doc, b: &Doc) -> Option<Similarity> {
        let (pa, pb) = (&a.profile, &b.profile);
        if pa.id.is_some() && pa.id == pb.id {
            return None;
        }
        let (text, shared) = self.text(a, b);
        if shared.is_empty() {
            return None;
        }
        let words: Vec<&str> = shared
            .iter()
            .map(|t| a.written.get(t).unwrap_or(t).as_str())
            .collect();
        let mut because = vec![format!("shared words: {}", words.join(", "))];
        let shared_areas = pa.focus_areas.iter().any(|f| pb.focus_areas.contains(f));
        let similarity = if pa.city.id == pb.city.id {
            let evidence = same_city_evidence(pa, pb, shared_areas, &mut because);
            let score = (text + evidence).clamp(0.0, 1.0);
            Similarity {
                score,
                same_project: score >= SAME_PROJECT,
                reason: String::new(),
            }
        } else {
            if !shared_areas {
                return None;
            }
            because.push("same focus area".into());
            let mut evidence = 0.0;
            if similar_stage(pa, pb) {
                evidence += 0.05;
                because.push("similar stage".into());
            }
            let seeks = shared_seeks(pa, pb);
            if !seeks.is_empty() {
                evidence += 0.1;
                because.push(format!("both seek {}", seeks.join(", ")));
            }
            Similarity {
                score: (text + evidence).clamp(0.0, 1.0),
                same_project: false,
                reason: String::new(),
            }
        };
        Some(Similarity {
            score: (similarity.score * 1000.0).round() / 1000.0,
            reason: capitalise(&because.join("; ")),
            ..similarity
        })
    }

    /// The projects alike to `profile` (one of the corpus, or a draft): in its own city those
    /// likely the same project, in other cities those scoring at least
    /// [`SIMILAR_ELSEWHERE`]; best first.
    pub fn similar_to(&self, profile: &Profile) -> Vec<Match<'_>> {
        let own = match profile.id {
            Some(id) => self.docs.iter().find(|d| d.profile.id == Some(id)),
            None => None,
        };
        let draft;
        let doc = match own {
            Some(d) => d,
            None => {
                draft = Doc::new(profile.clone());
                &draft
            }
        };
        let mut out: Vec<Match<'_>> = self
            .docs
            .iter()
            .filter_map(|other| {
                let s = self.compare(doc, other)?;
                let shown = if other.profile.city.id == profile.city.id {
                    s.same_project
                } else {
                    s.score >= SIMILAR_ELSEWHERE
                };
                shown.then_some(Match {
                    other: &other.profile,
                    similarity: s,
                })
            })
            .collect();
        out.sort_by(|x, y| {
            y.similarity
                .same_project
                .cmp(&x.similarity.same_project)
                .then_with(|| y.similarity.score.total_cmp(&x.similarity.score))
                .then_with(|| x.other.title.cmp(&y.other.title))
        });
        out
    }

    /// Every pair of records of one city that are likely the same project, by city and title.
    pub fn merge_candidates(&self) -> Vec<Pair<'_>> {
        self.pairs(|a, b| a.city.id == b.city.id, |s| s.same_project)
    }

    /// Cross-purpose alerts: pairs of similar projects in different cities that seek the same
    /// kind of support, or where neither has said yet what it seeks, by city and title.
    /// Completed projects are left out (nothing left to pair on).
    pub fn cross_purpose_alerts(&self) -> Vec<Pair<'_>> {
        self.pairs(
            |a, b| {
                a.city.id != b.city.id
                    && !a.completed
                    && !b.completed
                    && (!shared_seeks(a, b).is_empty()
                        || (a.support_sought.is_empty() && b.support_sought.is_empty()))
            },
            |s| s.score >= SIMILAR_ELSEWHERE,
        )
    }

    fn pairs(
        &self,
        wanted: impl Fn(&Profile, &Profile) -> bool,
        kept: impl Fn(&Similarity) -> bool,
    ) -> Vec<Pair<'_>> {
        let mut docs: Vec<&Doc> = self.docs.iter().collect();
        docs.sort_by(|x, y| order(&x.profile, &y.profile));
        let mut out = Vec::new();
        for (i, a) in docs.iter().enumerate() {
            for b in &docs[i + 1..] {
                if !wanted(&a.profile, &b.profile) {
                    continue;
                }
                if let Some(s) = self.compare(a, b).filter(&kept) {
                    out.push(Pair {
                        a: &a.profile,
                        b: &b.profile,
                        similarity: s,
                    });
                }
            }
        }
        out
    }
}

/// A project found alike to another, as the API and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SimilarProject {
    /// The other project (its slug, title and city).
    pub project: ProjectRef,
    /// From 0 to 1.
    pub score: f64,
    /// Whether it is likely the same project (same city only): a merge candidate.
    pub same_project: bool,
    /// The evidence, in words.
    pub reason: String,
}

/// Two projects found alike: a merge candidate (same city) or a cross-purpose alert
/// (different cities).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SimilarPair {
    /// One project.
    pub a: ProjectRef,
    /// The other.
    pub b: ProjectRef,
    /// From 0 to 1.
    pub score: f64,
    /// Whether they are likely the same project.
    pub same_project: bool,
    /// The evidence, in words.
    pub reason: String,
}

/// A project as the similarity lists name it.
fn project_ref(p: &Profile) -> ProjectRef {
    ProjectRef {
        id: p.id.unwrap_or_default(),
        slug: p.slug.clone(),
        title: p.title.clone(),
        city: p.city.clone(),
    }
}

impl From<Match<'_>> for SimilarProject {
    fn from(m: Match<'_>) -> Self {
        Self {
            project: project_ref(m.other),
            score: m.similarity.score,
            same_project: m.similarity.same_project,
            reason: m.similarity.reason,
        }
    }
}

impl From<Pair<'_>> for SimilarPair {
    fn from(p: Pair<'_>) -> Self {
        Self {
            a: project_ref(p.a),
            b: project_ref(p.b),
            score: p.similarity.score,
            same_project: p.similarity.same_project,
            reason: p.similarity.reason,
        }
    }
}

/// The projects alike to `profile` that `who` may be shown: projects in other cities to
/// everyone; records of its own city likely the same project (merge candidates) only to
/// those who may merge them (coordinators and the city's officers).
pub fn similar_for(
    corpus: &Corpus,
    profile: &Profile,
    who: Option<&crate::access::Principal>,
) -> Vec<SimilarProject> {
    let sees_candidates = who.is_some_and(|w| merge::may_merge_in(w, profile.city.id));
    corpus
        .similar_to(profile)
        .into_iter()
        .filter(|m| sees_candidates || m.other.city.id != profile.city.id)
        .map(SimilarProject::from)
        .collect()
}

fn order(a: &Profile, b: &Profile) -> std::cmp::Ordering {
    a.city
        .name
        .cmp(&b.city.name)
        .then_with(|| a.title.cmp(&b.title))
        .then_with(|| a.slug.cmp(&b.slug))
}

/// What speaks for or against two records of one city being one project: one from the 2018
/// action plan and one from a monitoring report; listed in different report years (two
/// records in one report are two projects); their focus areas.
fn same_city_evidence(
    a: &Profile,
    b: &Profile,
    shared_areas: bool,
    because: &mut Vec<String>,
) -> f64 {
    let mut evidence = 0.0;
    match (a.origin, b.origin) {
        (Some(x), Some(y)) if x != y && x != ProjectOrigin::City && y != ProjectOrigin::City => {
            evidence += 0.1;
            because.push("one from the 2018 action plan, one from a monitoring report".into());
        }
        _ => {}
    }
    if !a.report_years.is_empty() && !b.report_years.is_empty() {
        let common: Vec<i32> = a
            .report_years
            .iter()
            .filter(|y| b.report_years.contains(y))
            .copied()
            .collect();
        if common.is_empty() {
            evidence += 0.05;
            because.push(format!(
                "listed in different report years ({} and {})",
                years(&a.report_years),
                years(&b.report_years)
            ));
        } else {
            evidence -= 0.2;
            because.push(format!("both listed in the {} reports", years(&common)));
        }
    }
    if shared_areas {
        evidence += 0.05;
        because.push("same focus area".into());
    } else if !a.focus_areas.is_empty() && !b.focus_areas.is_empty() {
        evidence -= 0.1;
        because.push("different focus areas".into());
    }
    evidence
}

/// Whether two projects are at a like stage: both completed, both not, and where both
/// stages are set, the same or neighbouring ones.
fn similar_stage(a: &Profile, b: &Profile) -> bool {
    if a.completed != b.completed {
        return false;
    }
    match (a.stage, b.stage) {
        (Some(x), Some(y)) => {
            let rank = |s: Stage| Stage::ALL.iter().position(|t| *t == s).unwrap_or(0);
            rank(x).abs_diff(rank(y)) <= 1
        }
        _ => true,
    }
}

fn shared_seeks(a: &Profile, b: &Profile) -> Vec<String> {
    a.support_sought
        .iter()
        .filter(|s| b.support_sought.contains(s))
        .map(|s| s.label().to_lowercase())
        .collect()
}

/// Years as a short list: "2022, 2023".
fn years(years: &[i32]) -> String {
    let set: BTreeMap<i32, ()> = years.iter().map(|y| (*y, ())).collect();
    set.keys()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
