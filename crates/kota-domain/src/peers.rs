//! Peer learning: which cities a city can learn from (they completed a project or wrote a
//! story in a focus area where it has open projects), and which cities are most alike it in
//! needs (the focus areas of their projects), size (population), role (capital, commercial
//! centre, …) and development level (their member state's income group). Each answer is
//! explained in words.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::city::{CityRef, CityRole};
use crate::network::IncomeGroup;
use crate::story::StoryKind;

/// How many cities each list gives at most.
pub const MAX_PEERS: usize = 5;

/// How many reasons a city to learn from is given, at most, before "and N more".
const MAX_REASONS: usize = 3;

/// A project as peer learning reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerProject {
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Focus areas (ids).
    pub focus_areas: Vec<String>,
    /// Whether it is completed ([`crate::project::Project::is_completed`]).
    pub completed: bool,
}

/// A story as peer learning reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerStory {
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// A success story or a lesson.
    pub kind: StoryKind,
    /// Focus areas (ids).
    pub focus_areas: Vec<String>,
}

/// A city as peer learning reads it: what it is, and what it does and wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerCity {
    /// The city.
    pub city: CityRef,
    /// Its population, when on record.
    pub population: Option<i64>,
    /// Its documented roles.
    pub roles: Vec<CityRole>,
    /// Its member state's income group.
    pub income_group: IncomeGroup,
    /// Its projects.
    pub projects: Vec<PeerProject>,
    /// The stories about it (those the viewer may read).
    pub stories: Vec<PeerStory>,
}

/// The network as peer learning reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Network {
    /// Every member city.
    pub cities: Vec<PeerCity>,
    /// The framework's focus areas' names, by id.
    pub area_names: HashMap<String, String>,
}

/// What a city to learn from did in a focus area where the city has open projects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Evidence {
    /// `project` (one it completed) or `story` (one it wrote).
    pub kind: String,
    /// The record's slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// The focus area (id).
    pub focus_area: String,
}

impl Evidence {
    /// Where the record is shown.
    pub fn href(&self) -> String {
        match self.kind.as_str() {
            "story" => format!("/stories/{}", self.slug),
            _ => format!("/projects/{}", self.slug),
        }
    }
}

/// A city another can learn from, or a peer: the city, a score from 0 to 100, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PeerAdvice {
    /// The other city.
    pub city: CityRef,
    /// How strong the advice is, from 0 to 100.
    pub score: u32,
    /// Why, in words.
    pub reasons: Vec<String>,
    /// The completed projects and stories behind a city to learn from (empty for a peer).
    pub evidence: Vec<Evidence>,
}

/// Whom a city can learn from, and its peers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CityPeers {
    /// Cities that completed a project or wrote a story in a focus area where this city has
    /// open projects: the most of its open work covered first.
    pub learn_from: Vec<PeerAdvice>,
    /// The cities most alike in needs, size, role and development level, most alike first.
    pub peers: Vec<PeerAdvice>,
}

/// How alike two cities are, each part from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// Needs: the cosine of their projects' counts by focus area.
    pub needs: f64,
    /// Size: 1 for the same population, 0 at a factor of 100 apart or when either is unknown.
    pub size: f64,
    /// Role: the share of their roles they have in common.
    pub role: f64,
    /// Development level: 1 for the same income group, less by a third per group apart.
    pub development: f64,
}

impl Similarity {
    /// The weighted whole, from 0 to 1: needs count twice as much as each other part.
    pub fn score(&self) -> f64 {
        0.4 * self.needs + 0.2 * self.size + 0.2 * self.role + 0.2 * self.development
    }
}

/// How many projects of a city are in each focus area.
fn area_counts(city: &PeerCity) -> BTreeMap<&str, u32> {
    let mut counts = BTreeMap::new();
    for p in &city.projects {
        for a in &p.focus_areas {
            *counts.entry(a.as_str()).or_insert(0) += 1;
        }
    }
    counts
}

/// How alike `a` and `b` are; the same whichever comes first.
pub fn similarity(a: &PeerCity, b: &PeerCity) -> Similarity {
    let (ca, cb) = (area_counts(a), area_counts(b));
    let areas: BTreeSet<&str> = ca.keys().chain(cb.keys()).copied().collect();
    let (mut dot, mut na, mut nb) = (0.0, 0.0, 0.0);
    for area in areas {
        let x = f64::from(ca.get(area).copied().unwrap_or(0));
        let y = f64::from(cb.get(area).copied().unwrap_or(0));
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    let needs = if na > 0.0 && nb > 0.0 {
        (dot / (na.sqrt() * nb.sqrt())).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let size = match (a.population, b.population) {
        (Some(x), Some(y)) if x > 0 && y > 0 => {
            #[allow(clippy::cast_precision_loss)] // populations are far below 2^52
            let apart = ((x as f64).log10() - (y as f64).log10()).abs();
            (1.0 - apart / 2.0).clamp(0.0, 1.0)
        }
        _ => 0.0,
    };
    let ra: BTreeSet<CityRole> = a.roles.iter().copied().collect();
    let rb: BTreeSet<CityRole> = b.roles.iter().copied().collect();
    let union = ra.union(&rb).count();
    let role = if union == 0 {
        0.0
    } else {
        ratio(ra.intersection(&rb).count(), union)
    };
    let rank = |g: IncomeGroup| IncomeGroup::ALL.iter().position(|x| *x == g).unwrap_or(0);
    let apart = rank(a.income_group).abs_diff(rank(b.income_group));
    let development = 1.0 - ratio(apart, IncomeGroup::ALL.len() - 1);
    Similarity {
        needs,
        size,
        role,
        development,
    }
}

/// `part / whole` as a number.
fn ratio(part: usize, whole: usize) -> f64 {
    let part = u32::try_from(part).unwrap_or(u32::MAX);
    let whole = u32::try_from(whole).unwrap_or(u32::MAX).max(1);
    f64::from(part) / f64::from(whole)
}

/// `part` of `whole` in percent, rounded half up (`part` at most `whole`).
fn share(part: u32, whole: u32) -> u32 {
    (part.min(whole) * 100 + whole / 2) / whole.max(1)
}

/// A share from 0 to 1 as a whole number from 0 to 100.
fn percent(share: f64) -> u32 {
    let p = (share.clamp(0.0, 1.0) * 100.0).round();
    // Clamped to 0..=100 above, so the cast keeps it.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let p = p as u32;
    p
}

/// Whom the city `of` can learn from, and its peers, in `network`; empty lists when the city
/// is not in it.
pub fn advise(network: &Network, of: uuid::Uuid) -> CityPeers {
    let Some(city) = network.cities.iter().find(|c| c.city.id == of) else {
        return CityPeers::default();
    };
    CityPeers {
        learn_from: learn_from(network, city),
        peers: peers(network, city),
    }
}

fn area_name<'a>(network: &'a Network, id: &'a str) -> &'a str {
    network.area_names.get(id).map_or(id, String::as_str)
}

/// "1 open project", "3 open projects".
fn open_projects(n: u32) -> String {
    if n == 1 {
        "1 open project".into()
    } else {
        format!("{n} open projects")
    }
}

/// The cities that completed a project or wrote a story in a focus area where `city` has
/// open projects, the most of its open work covered first.
fn learn_from(network: &Network, city: &PeerCity) -> Vec<PeerAdvice> {
    let mut open: BTreeMap<&str, u32> = BTreeMap::new();
    for p in city.projects.iter().filter(|p| !p.completed) {
        for a in &p.focus_areas {
            *open.entry(a.as_str()).or_insert(0) += 1;
        }
    }
    let total: u32 = open.values().sum();
    if total == 0 {
        return Vec::new();
    }
    let first_open = |areas: &[String]| {
        areas
            .iter()
            .find(|a| open.contains_key(a.as_str()))
            .cloned()
    };
    let mut found: Vec<(PeerAdvice, usize)> = Vec::new();
    for other in network.cities.iter().filter(|o| o.city.id != city.city.id) {
        let mut evidence = Vec::new();
        // Every open focus area the city's completed projects and stories are in.
        let mut covered: BTreeSet<&str> = BTreeSet::new();
        let done = other.projects.iter().filter(|p| p.completed);
        for areas in done
            .map(|p| &p.focus_areas)
            .chain(other.stories.iter().map(|s| &s.focus_areas))
        {
            covered.extend(
                areas
                    .iter()
                    .map(String::as_str)
                    .filter(|a| open.contains_key(a)),
            );
        }
        for p in other.projects.iter().filter(|p| p.completed) {
            if let Some(area) = first_open(&p.focus_areas) {
                evidence.push(Evidence {
                    kind: "project".into(),
                    slug: p.slug.clone(),
                    title: p.title.clone(),
                    focus_area: area,
                });
            }
        }
        for s in &other.stories {
            if let Some(area) = first_open(&s.focus_areas) {
                evidence.push(Evidence {
                    kind: "story".into(),
                    slug: s.slug.clone(),
                    title: s.title.clone(),
                    focus_area: area,
                });
            }
        }
        if evidence.is_empty() {
            continue;
        }
        let weight: u32 = covered
            .iter()
            .map(|a| open.get(a).copied().unwrap_or(0))
            .sum();
        let mut reasons: Vec<String> = evidence
            .iter()
            .take(MAX_REASONS)
            .map(|e| {
                let did = match e.kind.as_str() {
                    "story" => {
                        let kind = other
                            .stories
                            .iter()
                            .find(|s| s.slug == e.slug)
                            .map_or(StoryKind::SuccessStory, |s| s.kind);
                        match kind {
                            StoryKind::SuccessStory => "wrote the success story",
                            StoryKind::Lesson => "wrote the lesson",
                        }
                    }
                    _ => "completed",
                };
                format!(
                    "{} {did} “{}” in {}, where {} has {}",
                    other.city.name,
                    e.title,
                    area_name(network, &e.focus_area),
                    city.city.name,
                    open_projects(open.get(e.focus_area.as_str()).copied().unwrap_or(0)),
                )
            })
            .collect();
        if evidence.len() > MAX_REASONS {
            reasons.push(format!(
                "and {} more in the same focus areas",
                evidence.len() - MAX_REASONS
            ));
        }
        let n = evidence.len();
        found.push((
            PeerAdvice {
                city: other.city.clone(),
                score: share(weight, total).max(1),
                reasons,
                evidence,
            },
            n,
        ));
    }
    found.sort_by(|(a, na), (b, nb)| {
        b.score
            .cmp(&a.score)
            .then(nb.cmp(na))
            .then_with(|| a.city.name.cmp(&b.city.name))
    });
    found
        .into_iter()
        .take(MAX_PEERS)
        .map(|(advice, _)| advice)
        .collect()
}

/// A number of people in words: "850,000 people", "1.2 million people".
fn people(n: i64) -> String {
    if n >= 1_000_000 {
        let tenths = (n + 50_000) / 100_000;
        format!("{}.{} million people", tenths / 10, tenths % 10)
    } else {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        format!("{out} people")
    }
}

/// A role in the plural, as "both are …" says it.
fn roles_said(role: CityRole) -> &'static str {
    match role {
        CityRole::Capital => "capitals",
        CityRole::Administrative => "administrative centres",
        CityRole::Commercial => "commercial centres",
        CityRole::Tourism => "tourism destinations",
    }
}

/// Words joined as a person lists them: "a", "a and b", "a, b and c".
fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Why `a` and `b` are alike, in words: the parts of their similarity that are strong.
fn reasons(network: &Network, a: &PeerCity, b: &PeerCity, s: &Similarity) -> Vec<String> {
    let mut said = Vec::new();
    let (ca, cb) = (area_counts(a), area_counts(b));
    let mut shared: Vec<(&str, u32)> = ca
        .iter()
        .filter_map(|(area, x)| cb.get(area).map(|y| (*area, (*x).min(*y))))
        .collect();
    shared.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    if !shared.is_empty() && s.needs > 0.0 {
        let names: Vec<String> = shared
            .iter()
            .take(3)
            .map(|(area, _)| area_name(network, area).to_owned())
            .collect();
        said.push(format!("Both have projects in {}", listed(&names)));
    }
    if let (Some(x), Some(y)) = (a.population, b.population)
        && s.size >= 0.5
    {
        said.push(format!("Alike in size: {} and {}", people(x), people(y)));
    }
    let common: Vec<String> = CityRole::ALL
        .iter()
        .filter(|r| a.roles.contains(r) && b.roles.contains(r))
        .map(|r| roles_said(*r).to_owned())
        .collect();
    if !common.is_empty() {
        said.push(format!("Both are {}", listed(&common)));
    }
    if a.income_group == b.income_group {
        said.push(format!(
            "Both in {} member states",
            a.income_group.label().to_lowercase()
        ));
    } else if s.development > 0.5 {
        said.push(format!(
            "In member states one income group apart ({} and {})",
            a.income_group.label().to_lowercase(),
            b.income_group.label().to_lowercase()
        ));
    }
    said
}

/// The cities most alike `city`, most alike first, each with why.
fn peers(network: &Network, city: &PeerCity) -> Vec<PeerAdvice> {
    let mut scored: Vec<(f64, PeerAdvice)> = network
        .cities
        .iter()
        .filter(|o| o.city.id != city.city.id)
        .map(|other| {
            let s = similarity(city, other);
            (
                s.score(),
                PeerAdvice {
                    city: other.city.clone(),
                    score: percent(s.score()),
                    reasons: reasons(network, city, other, &s),
                    evidence: Vec::new(),
                },
            )
        })
        .filter(|(score, _)| *score > 0.0)
        .collect();
    scored.sort_by(|(x, a), (y, b)| y.total_cmp(x).then_with(|| a.city.name.cmp(&b.city.name)));
    scored
        .into_iter()
        .take(MAX_PEERS)
        .map(|(_, advice)| advice)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn project(slug: &str, areas: &[&str], completed: bool) -> PeerProject {
        PeerProject {
            slug: slug.into(),
            title: slug.to_uppercase(),
            focus_areas: areas.iter().map(|a| (*a).to_owned()).collect(),
            completed,
        }
    }

    fn city(n: u128, name: &str, population: Option<i64>, income: IncomeGroup) -> PeerCity {
        PeerCity {
            city: CityRef {
                id: Uuid::from_u128(n),
                slug: name.to_lowercase().replace(' ', "-"),
                name: name.into(),
                country_iso2: "VN".into(),
            },
            population,
            roles: Vec::new(),
            income_group: income,
            projects: Vec::new(),
            stories: Vec::new(),
        }
    }

    fn network(cities: Vec<PeerCity>) -> Network {
        Network {
            cities,
            area_names: [("mobility", "Smart Mobility"), ("health", "Health")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        }
    }

    #[test]
    fn a_city_learns_from_who_completed_or_wrote_in_its_open_areas() {
        let mut hanoi = city(1, "Ha Noi", Some(8_000_000), IncomeGroup::LowerMiddle);
        hanoi.projects = vec![
            project("bus", &["mobility"], false),
            project("rail", &["mobility"], false),
            project("clinic", &["health"], true),
        ];
        let mut danang = city(2, "Da Nang", Some(1_200_000), IncomeGroup::LowerMiddle);
        danang.projects = vec![
            project("its", &["mobility"], true),
            project("hospital", &["health"], true),
        ];
        let mut hue = city(3, "Hue", Some(450_000), IncomeGroup::LowerMiddle);
        hue.stories = vec![PeerStory {
            slug: "lesson".into(),
            title: "What we learned".into(),
            kind: StoryKind::Lesson,
            focus_areas: vec!["health".into(), "mobility".into()],
        }];
        let mut cebu = city(4, "Cebu City", None, IncomeGroup::LowerMiddle);
        cebu.projects = vec![project("health-app", &["health"], true)];
        let net = network(vec![hanoi, danang, hue, cebu]);
        let advice = advise(&net, Uuid::from_u128(1));
        let names: Vec<&str> = advice
            .learn_from
            .iter()
            .map(|a| a.city.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["Da Nang", "Hue"],
            "Cebu completed nothing in an open area"
        );
        assert_eq!(
            advice.learn_from[0].reasons,
            ["Da Nang completed “ITS” in Smart Mobility, where Ha Noi has 2 open projects"]
        );
        assert_eq!(advice.learn_from[0].score, 100);
        assert_eq!(
            advice.learn_from[1].reasons,
            [
                "Hue wrote the lesson “What we learned” in Smart Mobility, where Ha Noi has 2 open projects"
            ]
        );
        assert_eq!(advice.learn_from[1].evidence[0].href(), "/stories/lesson");
    }

    #[test]
    fn peers_are_alike_in_needs_size_role_and_level() {
        let mut a = city(1, "A", Some(1_000_000), IncomeGroup::UpperMiddle);
        a.roles = vec![CityRole::Capital];
        a.projects = vec![project("a1", &["mobility"], false)];
        let mut b = city(2, "B", Some(1_100_000), IncomeGroup::UpperMiddle);
        b.roles = vec![CityRole::Capital, CityRole::Commercial];
        b.projects = vec![project("b1", &["mobility"], false)];
        let mut c = city(3, "C", Some(20_000), IncomeGroup::Low);
        c.projects = vec![project("c1", &["health"], false)];
        let net = network(vec![a, b, c]);
        let peers = advise(&net, Uuid::from_u128(1)).peers;
        assert_eq!(peers[0].city.name, "B");
        assert_eq!(
            peers[0].reasons,
            [
                "Both have projects in Smart Mobility",
                "Alike in size: 1.0 million people and 1.1 million people",
                "Both are capitals",
                "Both in upper-middle income member states"
            ]
        );
        assert!(peers[0].score > peers[1].score);
        assert_eq!(people(850_000), "850,000 people");
    }

    fn arb_city(n: u128) -> impl Strategy<Value = PeerCity> {
        let areas = prop::sample::subsequence(vec!["a", "b", "c", "d"], 0..=3);
        let proj =
            (areas.clone(), any::<bool>()).prop_map(|(areas, done)| project("p", &areas, done));
        (
            prop::option::of(1_000i64..20_000_000),
            prop::sample::subsequence(CityRole::ALL.to_vec(), 0..=2),
            prop::sample::select(IncomeGroup::ALL.to_vec()),
            prop::collection::vec(proj, 0..5),
            prop::collection::vec(areas, 0..2),
        )
            .prop_map(move |(population, roles, income, projects, stories)| {
                let mut c = city(n, &format!("City {n}"), population, income);
                c.roles = roles;
                c.projects = projects;
                c.stories = stories
                    .into_iter()
                    .map(|areas| PeerStory {
                        slug: "s".into(),
                        title: "S".into(),
                        kind: StoryKind::SuccessStory,
                        focus_areas: areas.iter().map(|a| (*a).to_owned()).collect(),
                    })
                    .collect();
                c
            })
    }

    fn arb_network() -> impl Strategy<Value = Network> {
        (1usize..8).prop_flat_map(|n| {
            (0..n)
                .map(|i| arb_city(i as u128 + 1))
                .collect::<Vec<_>>()
                .prop_map(network)
        })
    }

    proptest! {
        #[test]
        fn no_city_is_its_own_peer_and_scores_stay_in_range(net in arb_network()) {
            for c in &net.cities {
                let advice = advise(&net, c.city.id);
                for a in advice.peers.iter().chain(&advice.learn_from) {
                    prop_assert_ne!(a.city.id, c.city.id);
                    prop_assert!(a.score <= 100);
                }
                prop_assert!(advice.peers.len() <= MAX_PEERS);
                prop_assert!(advice.learn_from.iter().all(|a| a.score > 0));
            }
        }

        #[test]
        fn similarity_is_symmetric_and_within_bounds(a in arb_city(1), b in arb_city(2)) {
            let (ab, ba) = (similarity(&a, &b), similarity(&b, &a));
            prop_assert_eq!(ab, ba);
            for part in [ab.needs, ab.size, ab.role, ab.development, ab.score()] {
                prop_assert!((0.0..=1.0).contains(&part));
            }
        }
    }
}
