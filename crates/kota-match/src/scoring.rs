//! Explained, deterministic integer scores for (partner, city) twinning pairs and (firm,
//! project) business pairs. A score is `Σ weight × value` over its factors, each value an
//! integer from 0 to 100, so scores are exact integers and the optimiser's optimum is exact.

use serde::{Deserialize, Serialize};

use crate::profile::{City, FocusArea, FocusWeights, Partner, Project, Seek, Stage};

/// Twinning factor weights. Defaults: complementarity 50, development fit 15, country
/// interest 15, offer fit 20 (a perfect pair scores 10,000).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TwinningWeights {
    /// Partner strengths against city needs, by focus area.
    pub complementarity: u32,
    /// The partner serves the city's development level.
    pub development_fit: u32,
    /// The city's country is among the partner's countries of interest.
    pub country_interest: u32,
    /// The partner's instruments answer what the city's projects seek.
    pub offer_fit: u32,
}

impl Default for TwinningWeights {
    fn default() -> Self {
        Self {
            complementarity: 50,
            development_fit: 15,
            country_interest: 15,
            offer_fit: 20,
        }
    }
}

/// Business matching factor weights. Defaults: focus match 35, offer fit 20, ticket fit 20,
/// stage fit 15, country interest 10 (a perfect pair scores 10,000).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BusinessWeights {
    /// The firm's strengths in the project's focus areas.
    pub focus_match: u32,
    /// The firm's instruments answer what the project seeks.
    pub offer_fit: u32,
    /// The firm's ticket size against the project's funding gap.
    pub ticket_fit: u32,
    /// How ready the project is for a firm.
    pub stage_fit: u32,
    /// The project's country is among the firm's countries of interest.
    pub country_interest: u32,
}

impl Default for BusinessWeights {
    fn default() -> Self {
        Self {
            focus_match: 35,
            offer_fit: 20,
            ticket_fit: 20,
            stage_fit: 15,
            country_interest: 10,
        }
    }
}

/// A factor of a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    /// Need-weighted average of the partner's strengths over the city's needs.
    Complementarity,
    /// 100 if the partner serves the city's income group (or all), else 0.
    DevelopmentFit,
    /// 100 if the country is of interest, 50 if the partner states none, else 0.
    CountryInterest,
    /// Share of the sought kinds of support that the partner offers (50 if nothing is sought).
    OfferFit,
    /// Average strength of the firm over the project's focus areas.
    FocusMatch,
    /// Ticket range against the funding gap (100 if the project seeks no funding).
    TicketFit,
    /// Readiness of the project's stage for a firm.
    StageFit,
}

/// One term of a score: `contribution = weight × value`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    /// The factor.
    pub factor: Factor,
    /// Its configured weight.
    pub weight: u32,
    /// Its value for this pair, 0 to 100.
    pub value: u8,
    /// `weight × value`.
    pub contribution: i64,
}

/// A score with the terms that make it up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// The sum of the contributions.
    pub score: i64,
    /// The terms, in a fixed factor order.
    pub terms: Vec<Term>,
}

impl Explanation {
    fn from_terms(terms: Vec<(Factor, u32, u8)>) -> Self {
        let terms: Vec<Term> = terms
            .into_iter()
            .map(|(factor, weight, value)| Term {
                factor,
                weight,
                value,
                contribution: i64::from(weight) * i64::from(value),
            })
            .collect();
        Self {
            score: terms.iter().map(|t| t.contribution).sum(),
            terms,
        }
    }
}

/// Scores a twinning pair; `city_seeks` is what the city's projects seek (may be empty).
pub fn twinning_score(
    w: &TwinningWeights,
    partner: &Partner,
    city: &City,
    city_seeks: &[Seek],
) -> Explanation {
    Explanation::from_terms(vec![
        (
            Factor::Complementarity,
            w.complementarity,
            complementarity(&partner.strengths, &city.needs),
        ),
        (
            Factor::DevelopmentFit,
            w.development_fit,
            development_fit(partner, city),
        ),
        (
            Factor::CountryInterest,
            w.country_interest,
            country_interest(partner, &city.country),
        ),
        (
            Factor::OfferFit,
            w.offer_fit,
            offer_fit(partner, city_seeks),
        ),
    ])
}

/// Scores a business pair; `country` is the project's city's country.
pub fn business_score(
    w: &BusinessWeights,
    firm: &Partner,
    project: &Project,
    country: &str,
) -> Explanation {
    Explanation::from_terms(vec![
        (
            Factor::FocusMatch,
            w.focus_match,
            focus_match(&firm.strengths, &project.focus_areas),
        ),
        (
            Factor::OfferFit,
            w.offer_fit,
            offer_fit(firm, &project.seeks),
        ),
        (Factor::TicketFit, w.ticket_fit, ticket_fit(firm, project)),
        (Factor::StageFit, w.stage_fit, stage_fit(project.stage)),
        (
            Factor::CountryInterest,
            w.country_interest,
            country_interest(firm, country),
        ),
    ])
}

/// Need-weighted average strength: `Σ strength·need / Σ need` (0 if the city states no need).
pub fn complementarity(strengths: &FocusWeights, needs: &FocusWeights) -> u8 {
    let total: u32 = needs.values().map(|&n| u32::from(n.min(100))).sum();
    if total == 0 {
        return 0;
    }
    let dot: u32 = needs
        .iter()
        .map(|(f, &n)| u32::from(n.min(100)) * u32::from(strength(strengths, f)))
        .sum();
    (dot / total) as u8
}

fn strength(strengths: &FocusWeights, f: &str) -> u8 {
    strengths.get(f).copied().unwrap_or(0).min(100)
}

fn development_fit(partner: &Partner, city: &City) -> u8 {
    serves_level(partner, city.income_group)
}

/// 100 if the partner serves `level` (or states no levels), else 0.
pub(crate) fn serves_level(partner: &Partner, level: crate::profile::IncomeGroup) -> u8 {
    if partner.levels.is_empty() || partner.levels.contains(&level) {
        100
    } else {
        0
    }
}

/// 100 if `country` is of interest, 50 if the partner states no countries, else 0.
pub(crate) fn country_interest(partner: &Partner, country: &str) -> u8 {
    if partner.countries.is_empty() {
        50
    } else if partner
        .countries
        .iter()
        .any(|c| c.eq_ignore_ascii_case(country))
    {
        100
    } else {
        0
    }
}

fn offer_fit(partner: &Partner, seeks: &[Seek]) -> u8 {
    let mut wanted: Vec<Seek> = seeks.to_vec();
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return 50;
    }
    let answered = wanted
        .iter()
        .filter(|s| partner.offers.iter().any(|o| s.answered_by(o.instrument)))
        .count();
    (answered * 100 / wanted.len()) as u8
}

/// Average strength over the (distinct) areas, 0 without areas.
pub(crate) fn focus_match(strengths: &FocusWeights, areas: &[FocusArea]) -> u8 {
    let mut areas = areas.to_vec();
    areas.sort();
    areas.dedup();
    if areas.is_empty() {
        return 0;
    }
    let sum: u32 = areas
        .iter()
        .map(|f| u32::from(strength(strengths, f)))
        .sum();
    (sum / areas.len() as u32) as u8
}

/// 100 when a funding offer in the gap's currency covers the gap; `100·max/gap` when the
/// largest ticket is too small, `100·gap/min` when the smallest is too large; 0 without a
/// funding offer in that currency; 100 when the project seeks no funding.
fn ticket_fit(firm: &Partner, project: &Project) -> u8 {
    let Some(gap) = &project.funding_gap else {
        return 100;
    };
    if !project.seeks.contains(&Seek::Funding) || gap.amount == 0 {
        return 100;
    }
    let same = |m: &Option<crate::profile::Money>| {
        m.as_ref()
            .is_none_or(|m| m.currency.eq_ignore_ascii_case(&gap.currency))
    };
    firm.offers
        .iter()
        .filter(|o| o.instrument.is_funding() && same(&o.ticket_min) && same(&o.ticket_max))
        .filter(|o| o.ticket_min.is_some() || o.ticket_max.is_some())
        .map(|o| {
            let g = u128::from(gap.amount);
            let min = o.ticket_min.as_ref().map_or(0, |m| u128::from(m.amount));
            let max = o
                .ticket_max
                .as_ref()
                .map_or(u128::MAX, |m| u128::from(m.amount));
            if g < min {
                (g * 100 / min) as u8
            } else if g > max {
                (max * 100 / g) as u8
            } else {
                100
            }
        })
        .max()
        .unwrap_or(0)
}

/// Idea 20, planning 50, feasibility 80, funding 100, implementation 70, stalled 30,
/// completed 0.
pub fn stage_fit(stage: Stage) -> u8 {
    match stage {
        Stage::Idea => 20,
        Stage::Planning => 50,
        Stage::Feasibility => 80,
        Stage::Funding => 100,
        Stage::Implementation => 70,
        Stage::Stalled => 30,
        Stage::Completed => 0,
    }
}
