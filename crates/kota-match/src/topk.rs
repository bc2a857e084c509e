//! Top-k recommendations without scoring every pair: candidates are grouped into buckets
//! (cities by country, income group and main need; partners and firms by main strength,
//! levels served and stated countries; projects by country, stage and focus areas), each with
//! an upper bound on the score any member can reach for the query. Buckets are scored in
//! decreasing bound order and the search stops when the k-th best score beats the next bound,
//! so the result is exactly the brute-force top-k (ties broken by id).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::network::{Network, NetworkError};
use crate::profile::{FocusArea, Partner, Stage};
use crate::scoring::{Explanation, Factor, country_interest, focus_match, serves_level, stage_fit};

/// Whose ranked list a query asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Query {
    /// The best cities for a partner.
    CitiesForPartner,
    /// The best partners for a city.
    PartnersForCity,
    /// The best projects for a firm.
    ProjectsForFirm,
    /// The best firms for a project.
    FirmsForProject,
}

/// A recommended counterpart and its score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    /// The counterpart's id.
    pub id: String,
    /// Its score with the query's subject.
    pub score: i64,
}

/// The smallest change that moves a pair into (or out of) the subject's top-k.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhatIf {
    /// Whether the pair is in the top-k now.
    pub in_top_k: bool,
    /// The pair's score.
    pub score: i64,
    /// The pair it must overtake (or that would overtake it), if any.
    pub rival: Option<Recommendation>,
    /// The score change needed: positive to enter, negative to leave (0 if no rival).
    pub score_change: i64,
    /// Single-factor changes that suffice, smallest value change first.
    pub levers: Vec<Lever>,
}

/// Changing one factor's value enough to cross the top-k boundary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lever {
    /// The factor.
    pub factor: Factor,
    /// Its value now.
    pub value: u8,
    /// The value that would suffice.
    pub required_value: u8,
}

/// Candidate buckets for each kind of query.
#[derive(Clone, Debug, Default)]
pub(crate) struct Indexes {
    cities: Vec<Bucket>,
    partners: Vec<Bucket>,
    projects: Vec<Bucket>,
    firms: Vec<Bucket>,
}

/// Candidates sharing a key, with what their bound needs.
#[derive(Clone, Debug)]
struct Bucket {
    members: Vec<u32>,
    /// A representative member (its country, level, stage or focus set is the bucket's).
    first: usize,
    /// Per focus area (the network's areas, in order): the members' largest need share
    /// (percent, rounded up) or strength.
    top: Vec<u32>,
    /// Partner buckets: whether members state countries of interest.
    has_countries: bool,
}

/// The position of the largest value (the first on ties), `a.len()` when all are zero.
fn main_area(a: &[u32]) -> usize {
    (0..a.len())
        .filter(|&i| a[i] > 0)
        .max_by_key(|&i| (a[i], std::cmp::Reverse(i)))
        .unwrap_or(a.len())
}

fn group<K: Ord>(
    items: impl Iterator<Item = (usize, K, Vec<u32>)>,
    has_countries: impl Fn(usize) -> bool,
) -> Vec<Bucket> {
    let mut map: BTreeMap<K, Bucket> = BTreeMap::new();
    for (i, key, top) in items {
        let b = map.entry(key).or_insert_with(|| Bucket {
            members: Vec::new(),
            first: i,
            top: vec![0; top.len()],
            has_countries: has_countries(i),
        });
        b.members.push(i as u32);
        for (t, v) in b.top.iter_mut().zip(top) {
            *t = (*t).max(v);
        }
    }
    map.into_values().collect()
}

impl Indexes {
    pub(crate) fn build(n: &Network) -> Self {
        let d = n.data();
        let shares = |c: &crate::profile::City| {
            let needs = n.area_vector(&c.needs);
            let total: u32 = needs.iter().sum();
            needs
                .into_iter()
                .map(|x| {
                    if total == 0 {
                        0
                    } else {
                        (100 * x).div_ceil(total)
                    }
                })
                .collect::<Vec<u32>>()
        };
        let cities = group(
            d.cities.iter().enumerate().map(|(i, c)| {
                let s = shares(c);
                (
                    i,
                    (
                        c.country.to_ascii_uppercase(),
                        c.income_group,
                        main_area(&s),
                    ),
                    s,
                )
            }),
            |_| false,
        );
        let partner_key = |p: &Partner| {
            let s = n.area_vector(&p.strengths);
            let mut levels = p
                .levels
                .iter()
                .map(|l| 1u8 << (*l as u8))
                .fold(0, |a, b| a | b);
            if levels == 0 {
                levels = 0xF;
            }
            ((main_area(&s), levels, !p.countries.is_empty()), s)
        };
        let partners = group(
            d.partners.iter().enumerate().map(|(i, p)| {
                let (k, s) = partner_key(p);
                (i, k, s)
            }),
            |i| !d.partners[i].countries.is_empty(),
        );
        let firms = group(
            n.firms.iter().map(|&i| {
                let (k, s) = partner_key(&d.partners[i]);
                (i, (k.0, k.2), s)
            }),
            |i| !d.partners[i].countries.is_empty(),
        );
        let projects = group(
            d.projects
                .iter()
                .enumerate()
                .filter(|(_, p)| p.commercially_viable && p.stage != Stage::Completed)
                .map(|(j, p)| {
                    let mut areas: Vec<usize> = p
                        .focus_areas
                        .iter()
                        .filter_map(|f| n.area_position(f))
                        .collect();
                    areas.sort_unstable();
                    areas.dedup();
                    let country = n.project_country(j).to_ascii_uppercase();
                    (j, (country, p.stage as u8, areas), vec![0; n.area_count()])
                }),
            |_| false,
        );
        Self {
            cities,
            partners,
            projects,
            firms,
        }
    }
}

/// Orders recommendations: higher score first, then smaller id.
fn better(a: (i64, &str), b: (i64, &str)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
}

/// The k best of the buckets' members; `bounds` must bound every member's score.
fn select<'a>(
    k: usize,
    mut buckets: Vec<(i64, &[u32])>,
    mut score: impl FnMut(usize) -> Option<(i64, &'a str)>,
) -> Vec<Recommendation> {
    buckets.sort_by_key(|b| std::cmp::Reverse(b.0));
    let mut best: Vec<(i64, &str)> = Vec::with_capacity(k + 1);
    for (bound, members) in buckets {
        if k == 0 || (best.len() == k && best[k - 1].0 > bound) {
            break;
        }
        for &m in members {
            let Some(s) = score(m as usize) else { continue };
            if best.len() < k || better(s, best[best.len() - 1]) {
                let at = best.partition_point(|&b| better(b, s));
                best.insert(at, s);
                best.truncate(k);
            }
        }
    }
    best.into_iter()
        .map(|(score, id)| Recommendation {
            id: id.to_owned(),
            score,
        })
        .collect()
}

impl Network {
    fn subject(&self, query: Query, subject: &str) -> Result<usize, NetworkError> {
        match query {
            Query::CitiesForPartner => self.partner_index(subject),
            Query::PartnersForCity => self.city_index(subject),
            Query::ProjectsForFirm => self.firm_index(subject),
            Query::FirmsForProject => self.project_index(subject),
        }
    }

    fn counterpart(&self, query: Query, id: &str) -> Result<usize, NetworkError> {
        match query {
            Query::CitiesForPartner => self.city_index(id),
            Query::PartnersForCity => self.partner_index(id),
            Query::ProjectsForFirm => self.project_index(id),
            Query::FirmsForProject => self.firm_index(id),
        }
    }

    /// Score of subject `s` with counterpart `o` (indices), or why the pair is excluded.
    fn pair(
        &self,
        query: Query,
        s: usize,
        o: usize,
    ) -> Result<Explanation, crate::profile::ExclusionReason> {
        match query {
            Query::CitiesForPartner => self.twinning_pair(s, o),
            Query::PartnersForCity => self.twinning_pair(o, s),
            Query::ProjectsForFirm => self.business_pair(s, o),
            Query::FirmsForProject => self.business_pair(o, s),
        }
    }

    fn counterpart_id(&self, query: Query, o: usize) -> &str {
        let d = self.data();
        match query {
            Query::CitiesForPartner => &d.cities[o].id,
            Query::PartnersForCity | Query::FirmsForProject => &d.partners[o].id,
            Query::ProjectsForFirm => &d.projects[o].id,
        }
    }

    /// The score of a pair with its terms (`subject` is the query's subject).
    pub fn explain(
        &self,
        query: Query,
        subject: &str,
        other: &str,
    ) -> Result<Explanation, NetworkError> {
        let s = self.subject(query, subject)?;
        let o = self.counterpart(query, other)?;
        self.pair(query, s, o).map_err(NetworkError::Excluded)
    }

    /// The k best counterparts for `subject`, found through the candidate index.
    pub fn recommend(
        &self,
        query: Query,
        subject: &str,
        k: usize,
    ) -> Result<Vec<Recommendation>, NetworkError> {
        let s = self.subject(query, subject)?;
        let buckets = self.bounded_buckets(query, s);
        Ok(select(k, buckets, |o| self.score_of(query, s, o)))
    }

    /// The k best counterparts for `subject`, scoring every candidate (the reference the
    /// indexed [`Network::recommend`] must equal).
    pub fn recommend_exhaustive(
        &self,
        query: Query,
        subject: &str,
        k: usize,
    ) -> Result<Vec<Recommendation>, NetworkError> {
        let s = self.subject(query, subject)?;
        let all: Vec<u32> = match query {
            Query::CitiesForPartner => (0..self.data().cities.len() as u32).collect(),
            Query::PartnersForCity => (0..self.data().partners.len() as u32).collect(),
            Query::ProjectsForFirm => (0..self.data().projects.len() as u32).collect(),
            Query::FirmsForProject => self.firms.iter().map(|&f| f as u32).collect(),
        };
        Ok(select(k, vec![(i64::MAX, &all)], |o| {
            self.score_of(query, s, o)
        }))
    }

    fn score_of(&self, query: Query, s: usize, o: usize) -> Option<(i64, &str)> {
        let e = self.pair(query, s, o).ok()?;
        Some((e.score, self.counterpart_id(query, o)))
    }

    /// Each bucket of the query's candidates with an upper bound of its members' scores.
    fn bounded_buckets(&self, query: Query, s: usize) -> Vec<(i64, &[u32])> {
        let d = self.data();
        let (tw, bw) = (&d.weights.twinning, &d.weights.business);
        let w = |weight: u32, value: u32| i64::from(weight) * i64::from(value.min(100));
        let list = match query {
            Query::CitiesForPartner => &self.index.cities,
            Query::PartnersForCity => &self.index.partners,
            Query::ProjectsForFirm => &self.index.projects,
            Query::FirmsForProject => &self.index.firms,
        };
        list.iter()
            .map(|b| {
                let bound = match query {
                    Query::CitiesForPartner => {
                        let p = &d.partners[s];
                        let c = &d.cities[b.first];
                        let st = self.area_vector(&p.strengths);
                        let compl = st
                            .iter()
                            .zip(&b.top)
                            .map(|(s, t)| s * t)
                            .sum::<u32>()
                            .div_ceil(100);
                        w(tw.complementarity, compl)
                            + w(
                                tw.development_fit,
                                u32::from(serves_level(p, c.income_group)),
                            )
                            + w(
                                tw.country_interest,
                                u32::from(country_interest(p, &c.country)),
                            )
                            + w(tw.offer_fit, 100)
                    }
                    Query::PartnersForCity => {
                        let c = &d.cities[s];
                        let p = &d.partners[b.first];
                        let needs = self.area_vector(&c.needs);
                        let total: u32 = needs.iter().sum();
                        let dot: u32 = needs.iter().zip(&b.top).map(|(n, t)| n * t).sum();
                        let compl = if total == 0 { 0 } else { dot.div_ceil(total) };
                        w(tw.complementarity, compl)
                            + w(
                                tw.development_fit,
                                u32::from(serves_level(p, c.income_group)),
                            )
                            + w(tw.country_interest, if b.has_countries { 100 } else { 50 })
                            + w(tw.offer_fit, 100)
                    }
                    Query::ProjectsForFirm => {
                        let f = &d.partners[s];
                        let j = &d.projects[b.first];
                        w(
                            bw.focus_match,
                            u32::from(focus_match(&f.strengths, &j.focus_areas)),
                        ) + w(bw.offer_fit, 100)
                            + w(bw.ticket_fit, 100)
                            + w(bw.stage_fit, u32::from(stage_fit(j.stage)))
                            + w(bw.country_interest, {
                                u32::from(country_interest(f, self.project_country(b.first)))
                            })
                    }
                    Query::FirmsForProject => {
                        let j = &d.projects[s];
                        let mut areas: Vec<FocusArea> = j.focus_areas.clone();
                        areas.sort();
                        areas.dedup();
                        let fm = if areas.is_empty() {
                            0
                        } else {
                            let sum: u32 = areas
                                .iter()
                                .map(|a| self.area_position(a).map_or(0, |i| b.top[i]))
                                .sum();
                            sum.div_ceil(areas.len() as u32)
                        };
                        w(bw.focus_match, fm)
                            + w(bw.offer_fit, 100)
                            + w(bw.ticket_fit, 100)
                            + w(bw.stage_fit, u32::from(stage_fit(j.stage)))
                            + w(bw.country_interest, if b.has_countries { 100 } else { 50 })
                    }
                };
                (bound, b.members.as_slice())
            })
            .collect()
    }

    /// The smallest change of one factor that moves `other` into or out of `subject`'s top-k.
    pub fn what_would_change(
        &self,
        query: Query,
        subject: &str,
        other: &str,
        k: usize,
    ) -> Result<WhatIf, NetworkError> {
        let explanation = self.explain(query, subject, other)?;
        let top = self.recommend(query, subject, k + 1)?;
        let score = explanation.score;
        let in_top_k = top.iter().take(k).any(|r| r.id == other);
        let rival = if in_top_k {
            top.get(k).cloned()
        } else {
            k.checked_sub(1).and_then(|i| top.get(i)).cloned()
        };
        let score_change = match &rival {
            None => 0,
            Some(r) if in_top_k => -(score - r.score + i64::from(r.id.as_str() > other)),
            Some(r) => r.score - score + i64::from(other > r.id.as_str()),
        };
        let mut levers: Vec<Lever> = Vec::new();
        if score_change != 0 {
            for t in explanation.terms.iter().filter(|t| t.weight > 0) {
                let step = score_change.unsigned_abs().div_ceil(u64::from(t.weight)) as i64;
                let required = i64::from(t.value) + step * score_change.signum();
                if (0..=100).contains(&required) {
                    levers.push(Lever {
                        factor: t.factor,
                        value: t.value,
                        required_value: required as u8,
                    });
                }
            }
        }
        levers.sort_by_key(|l| (l.value.abs_diff(l.required_value), l.factor));
        Ok(WhatIf {
            in_top_k,
            score,
            rival,
            score_change,
            levers,
        })
    }
}
