//! A pair's score in plain words: why the two fit, and what would raise the score most. Built
//! only from the snapshot, so only from what the viewer may see.

use std::collections::BTreeSet;

use kota_domain::city::City;
use kota_domain::money::Money;
use kota_domain::partner::Partner;
use kota_domain::project::Seek;
use kota_match::profile::FocusWeights;
use kota_match::scoring::{Explanation, Factor};

use super::input::{ProfileSources, city_needs, is_open};
use super::snapshot::NetworkSnapshot;

/// The two sides of a pair and what the engine made of them.
pub struct Pair<'a> {
    /// The network as the viewer sees it.
    pub snapshot: &'a NetworkSnapshot,
    /// The partner.
    pub partner: &'a Partner,
    /// The city.
    pub city: &'a City,
    /// The partner's strengths as the engine used them.
    pub strengths: &'a FocusWeights,
    /// Where the partner's profile came from.
    pub sources: Option<&'a ProfileSources>,
    /// The engine's score and terms.
    pub explanation: &'a Explanation,
}

/// Joins names as people write lists: `a`, `a and b`, `a, b and c`.
pub fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Why the country counts as it does, for a partner called `who` ("partner", "firm"), from
/// the country factor's `value`.
pub(super) fn country_reason(value: u8, country: &str, who: &str) -> String {
    match value {
        100 => format!("{country} is among the countries the {who} works in."),
        50 => format!("The {who} names no countries it prefers."),
        _ => format!("The {who} does not name {country} among its countries."),
    }
}

/// What of the profile of a partner called `who` was taken from the network's documents,
/// when anything was.
pub(super) fn sources_reason(sources: Option<&ProfileSources>, who: &str) -> Option<String> {
    let s = sources?;
    let mut taken = Vec::new();
    if s.documented_areas {
        taken.push("its focus areas".to_owned());
    }
    if s.documented_countries {
        taken.push("its countries (from the cities it works with)".to_owned());
    }
    (!taken.is_empty()).then(|| {
        format!(
            "The {who} has not filled in its profile: {} come from the network's documents.",
            list(&taken)
        )
    })
}

/// An amount with thousands separators: `USD 12,000,000`.
pub fn money(amount: i64, currency: &str) -> String {
    Money {
        amount,
        currency: currency.to_owned(),
    }
    .readable()
}

impl Pair<'_> {
    fn country(&self) -> &str {
        self.snapshot
            .state(&self.city.country_iso2)
            .map_or(self.city.country_iso2.as_str(), |s| s.name.as_str())
    }

    fn value(&self, factor: Factor) -> u8 {
        self.explanation
            .terms
            .iter()
            .find(|t| t.factor == factor)
            .map_or(0, |t| t.value)
    }

    fn open_projects(&self) -> impl Iterator<Item = &kota_domain::project::Project> {
        self.snapshot
            .projects
            .iter()
            .filter(|p| p.city.id == self.city.id && is_open(p))
    }

    fn sought(&self) -> BTreeSet<Seek> {
        self.open_projects()
            .flat_map(|p| p.support_sought.iter().copied())
            .collect()
    }

    fn names(&self, areas: &[String]) -> Vec<String> {
        areas
            .iter()
            .map(|a| self.snapshot.area_name(a).to_owned())
            .collect()
    }

    /// The focus areas both work on, the city's largest needs first.
    fn common_areas(&self, needs: &FocusWeights) -> Vec<String> {
        let mut common: Vec<(u32, &String)> = needs
            .iter()
            .filter_map(|(a, &n)| {
                let s = *self.strengths.get(a)?;
                (s > 0 && n > 0).then_some((u32::from(n) * u32::from(s), a))
            })
            .collect();
        common.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(y.1)));
        common.into_iter().map(|(_, a)| a.clone()).collect()
    }

    /// Why the two fit, one reason per line.
    pub fn reasons(&self) -> Vec<String> {
        let needs = city_needs(self.snapshot, self.city.id);
        let common = self.common_areas(&needs);
        let city = &self.city.name;
        let mut out = Vec::new();
        if common.is_empty() {
            out.push(format!("{city} and the partner share no focus area yet."));
        } else {
            out.push(format!(
                "Both work on {}.",
                list(&self.names(&common[..common.len().min(3)]))
            ));
            let projects: Vec<_> = self
                .open_projects()
                .filter(|p| p.focus_areas.iter().any(|a| common.contains(a)))
                .collect();
            if !projects.is_empty() {
                let n = projects.len();
                out.push(format!(
                    "{city} has {n} open project{} in {}.",
                    if n == 1 { "" } else { "s" },
                    if common.len() == 1 {
                        "that area"
                    } else {
                        "these areas"
                    }
                ));
                let mut gaps: std::collections::BTreeMap<&str, i64> = Default::default();
                for p in &projects {
                    if let Some(gap) = &p.funding_gap
                        && gap.amount > 0
                    {
                        *gaps.entry(gap.currency.as_str()).or_default() += gap.amount;
                    }
                }
                let gaps: Vec<String> = gaps.iter().map(|(c, a)| money(*a, c)).collect();
                if !gaps.is_empty() {
                    out.push(format!("They still seek {} in funding.", list(&gaps)));
                }
            }
        }
        if let Some(t) = &self.partner.profile.ticket
            && self
                .partner
                .profile
                .instruments
                .iter()
                .any(|i| i.is_funding())
        {
            out.push(format!(
                "The partner funds {} to {} per project.",
                money(t.min, &t.currency),
                money(t.max, &t.currency)
            ));
        }
        let sought = self.sought();
        let offered: Vec<String> = self
            .partner
            .profile
            .instruments
            .iter()
            .map(|i| i.label().to_lowercase())
            .collect();
        if !sought.is_empty() {
            let wanted: Vec<String> = sought.iter().map(|s| s.label().to_lowercase()).collect();
            out.push(if offered.is_empty() {
                format!(
                    "{city}'s open projects seek {}; the partner has not said how it supports.",
                    list(&wanted)
                )
            } else {
                format!(
                    "{city}'s open projects seek {}; the partner offers {}.",
                    list(&wanted),
                    list(&offered)
                )
            });
        }
        let level = self
            .snapshot
            .state(&self.city.country_iso2)
            .map(|s| s.income_group);
        if let Some(level) = level {
            let label = level.label().to_lowercase();
            out.push(if self.partner.profile.levels_served.is_empty() {
                format!(
                    "{} ({label}): the partner serves every level of development.",
                    self.country()
                )
            } else if self.value(Factor::DevelopmentFit) > 0 {
                format!("{} is {label}, which the partner serves.", self.country())
            } else {
                format!(
                    "{} is {label}, which the partner does not serve.",
                    self.country()
                )
            });
        }
        out.push(country_reason(
            self.value(Factor::CountryInterest),
            self.country(),
            "partner",
        ));
        out.extend(sources_reason(self.sources, "partner"));
        out
    }

    /// What would raise the score most: the two factors with the most points left, in words.
    pub fn what_would_change(&self) -> Vec<String> {
        let mut open: Vec<(i64, Factor, u8)> = self
            .explanation
            .terms
            .iter()
            .filter(|t| t.value < 100 && t.weight > 0)
            .map(|t| {
                (
                    i64::from(t.weight) * i64::from(100 - t.value),
                    t.factor,
                    t.value,
                )
            })
            .collect();
        open.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let needs = city_needs(self.snapshot, self.city.id);
        open.into_iter()
            .take(2)
            .filter_map(|(gain, factor, _)| {
                let points = (gain as f64 / 100.0).round();
                let what = match factor {
                    Factor::Complementarity => {
                        let mut weak: Vec<(&String, u8)> = needs
                            .iter()
                            .filter(|(a, _)| self.strengths.get(*a).copied().unwrap_or(0) < 100)
                            .map(|(a, &n)| (a, n))
                            .collect();
                        weak.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                        let areas: Vec<String> =
                            weak.iter().take(2).map(|(a, _)| (*a).clone()).collect();
                        if areas.is_empty() {
                            format!(
                                "{} stating what it needs in its action plan",
                                self.city.name
                            )
                        } else {
                            format!(
                                "the partner being stronger in {}, where {} needs most",
                                list(&self.names(&areas)),
                                self.city.name
                            )
                        }
                    }
                    Factor::DevelopmentFit => format!(
                        "the partner serving {} countries",
                        self.snapshot
                            .state(&self.city.country_iso2)
                            .map_or("this level of", |s| s.income_group.label())
                            .to_lowercase()
                    ),
                    Factor::CountryInterest => {
                        format!("the partner naming {} among its countries", self.country())
                    }
                    Factor::OfferFit => {
                        let sought = self.sought();
                        let missing: Vec<String> = sought
                            .iter()
                            .filter(|s| {
                                !self
                                    .partner
                                    .profile
                                    .instruments
                                    .iter()
                                    .any(|&i| s.answered_by(i))
                            })
                            .map(|s| s.label().to_lowercase())
                            .collect();
                        if sought.is_empty() {
                            format!(
                                "{}'s projects saying what support they seek",
                                self.city.name
                            )
                        } else {
                            format!("the partner offering {}", list(&missing))
                        }
                    }
                    _ => return None,
                };
                Some(format!("Up to {points} points more with {what}."))
            })
            .collect()
    }
}
