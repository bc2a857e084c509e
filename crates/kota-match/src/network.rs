//! The network the engine matches over: profiles, exclusions and weights, checked once, with
//! the candidate indexes that make top-k queries cheap.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::profile::{
    City, Exclusion, ExclusionReason, FocusWeights, Partner, Project, Seek, Stage,
};
use crate::scoring::{
    BusinessWeights, Explanation, TwinningWeights, business_score, twinning_score,
};

/// All weights of the engine (configuration, with documented defaults).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// Weights of (partner, city) scores.
    pub twinning: TwinningWeights,
    /// Weights of (firm, project) scores.
    pub business: BusinessWeights,
}

/// The profiles and exclusions the engine matches over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkData {
    /// Factor weights.
    pub weights: Weights,
    /// The cities.
    pub cities: Vec<City>,
    /// The partners.
    pub partners: Vec<Partner>,
    /// The partner kinds that take part in business matching as firms (default:
    /// `private_firm`).
    #[serde(default = "default_firm_kinds")]
    pub firm_kinds: Vec<String>,
    /// The city projects.
    pub projects: Vec<Project>,
    /// Pairs that must not be matched.
    pub exclusions: Vec<Exclusion>,
}

impl Default for NetworkData {
    fn default() -> Self {
        Self {
            weights: Weights::default(),
            cities: Vec::new(),
            partners: Vec::new(),
            firm_kinds: default_firm_kinds(),
            projects: Vec::new(),
            exclusions: Vec::new(),
        }
    }
}

fn default_firm_kinds() -> Vec<String> {
    vec!["private_firm".into()]
}

/// Why network data or a query is rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    /// Two records of one kind share an id.
    #[error("duplicate {kind} id `{id}`")]
    DuplicateId {
        /// city, partner or project.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// An id names no record of the expected kind.
    #[error("unknown {kind} `{id}`")]
    UnknownId {
        /// city, partner, firm or project.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// The pair is excluded from matching.
    #[error("the pair is excluded: {0:?}")]
    Excluded(ExclusionReason),
}

/// A checked network with its indexes.
#[derive(Clone, Debug)]
pub struct Network {
    pub(crate) data: NetworkData,
    city_by_id: HashMap<String, usize>,
    partner_by_id: HashMap<String, usize>,
    project_by_id: HashMap<String, usize>,
    /// Per city: the kinds of support its projects seek.
    city_seeks: Vec<Vec<Seek>>,
    /// Per project: the index of its city.
    project_city: Vec<usize>,
    /// Indices of the partners whose kind is one of the firm kinds.
    pub(crate) firms: Vec<usize>,
    /// Every focus area the profiles name, sorted: the dimensions of the candidate index.
    areas: Vec<String>,
    exclusions: HashMap<(String, String), ExclusionReason>,
    pub(crate) index: crate::topk::Indexes,
}

impl Network {
    /// Checks the data (unique ids, projects in known cities) and builds the indexes.
    pub fn new(data: NetworkData) -> Result<Self, NetworkError> {
        let ids = |kind: &'static str, ids: Vec<&String>| {
            let mut map = HashMap::new();
            for (i, id) in ids.into_iter().enumerate() {
                if map.insert(id.clone(), i).is_some() {
                    return Err(NetworkError::DuplicateId {
                        kind,
                        id: id.clone(),
                    });
                }
            }
            Ok(map)
        };
        let city_by_id = ids("city", data.cities.iter().map(|c| &c.id).collect())?;
        let partner_by_id = ids("partner", data.partners.iter().map(|p| &p.id).collect())?;
        let project_by_id = ids("project", data.projects.iter().map(|p| &p.id).collect())?;
        let mut city_seeks: Vec<HashSet<Seek>> = vec![HashSet::new(); data.cities.len()];
        let mut project_city = Vec::with_capacity(data.projects.len());
        for p in &data.projects {
            let c = *city_by_id
                .get(&p.city)
                .ok_or_else(|| NetworkError::UnknownId {
                    kind: "city",
                    id: p.city.clone(),
                })?;
            project_city.push(c);
            if p.stage != Stage::Completed {
                city_seeks[c].extend(p.seeks.iter().copied());
            }
        }
        let city_seeks = city_seeks
            .into_iter()
            .map(|s| {
                let mut v: Vec<Seek> = s.into_iter().collect();
                v.sort();
                v
            })
            .collect();
        let exclusions = data
            .exclusions
            .iter()
            .map(|e| ((e.partner.clone(), e.target.clone()), e.reason))
            .collect();
        let firms = (0..data.partners.len())
            .filter(|&i| data.firm_kinds.contains(&data.partners[i].kind))
            .collect();
        let mut areas: Vec<String> = data
            .cities
            .iter()
            .flat_map(|c| c.needs.keys())
            .chain(data.partners.iter().flat_map(|p| p.strengths.keys()))
            .chain(data.projects.iter().flat_map(|p| p.focus_areas.iter()))
            .cloned()
            .collect();
        areas.sort();
        areas.dedup();
        let mut network = Self {
            data,
            city_by_id,
            partner_by_id,
            project_by_id,
            city_seeks,
            project_city,
            firms,
            areas,
            exclusions,
            index: crate::topk::Indexes::default(),
        };
        network.index = crate::topk::Indexes::build(&network);
        Ok(network)
    }

    /// The data the network was built from.
    pub fn data(&self) -> &NetworkData {
        &self.data
    }

    /// How many focus areas the profiles name.
    pub(crate) fn area_count(&self) -> usize {
        self.areas.len()
    }

    /// The position of a focus area among [`Network::area_count`] (none if no profile names it).
    pub(crate) fn area_position(&self, area: &str) -> Option<usize> {
        self.areas.binary_search_by(|a| a.as_str().cmp(area)).ok()
    }

    /// Weights as a vector over the focus areas, each capped at 100.
    pub(crate) fn area_vector(&self, weights: &FocusWeights) -> Vec<u32> {
        let mut v = vec![0u32; self.areas.len()];
        for (f, &w) in weights {
            if let Some(i) = self.area_position(f) {
                v[i] = u32::from(w.min(100));
            }
        }
        v
    }

    /// What city `c`'s open projects seek, sorted.
    pub(crate) fn city_seeks(&self, c: usize) -> &[Seek] {
        &self.city_seeks[c]
    }

    pub(crate) fn city_index(&self, id: &str) -> Result<usize, NetworkError> {
        self.city_by_id
            .get(id)
            .copied()
            .ok_or_else(|| NetworkError::UnknownId {
                kind: "city",
                id: id.into(),
            })
    }

    pub(crate) fn partner_index(&self, id: &str) -> Result<usize, NetworkError> {
        self.partner_by_id
            .get(id)
            .copied()
            .ok_or_else(|| NetworkError::UnknownId {
                kind: "partner",
                id: id.into(),
            })
    }

    pub(crate) fn firm_index(&self, id: &str) -> Result<usize, NetworkError> {
        let i = self.partner_index(id)?;
        if !self.data.firm_kinds.contains(&self.data.partners[i].kind) {
            return Err(NetworkError::UnknownId {
                kind: "firm",
                id: id.into(),
            });
        }
        Ok(i)
    }

    pub(crate) fn project_index(&self, id: &str) -> Result<usize, NetworkError> {
        self.project_by_id
            .get(id)
            .copied()
            .ok_or_else(|| NetworkError::UnknownId {
                kind: "project",
                id: id.into(),
            })
    }

    pub(crate) fn project_country(&self, project: usize) -> &str {
        &self.data.cities[self.project_city[project]].country
    }

    /// Why a (partner or firm, city or project) pair is excluded, if it is.
    pub fn exclusion(&self, partner: &str, target: &str) -> Option<ExclusionReason> {
        self.exclusions
            .get(&(partner.to_owned(), target.to_owned()))
            .copied()
    }

    /// The twinning score of partner `p` and city `c` (indices), or why the pair is excluded.
    pub(crate) fn twinning_pair(&self, p: usize, c: usize) -> Result<Explanation, ExclusionReason> {
        let (partner, city) = (&self.data.partners[p], &self.data.cities[c]);
        if let Some(reason) = self.exclusion(&partner.id, &city.id) {
            return Err(reason);
        }
        Ok(twinning_score(
            &self.data.weights.twinning,
            partner,
            city,
            &self.city_seeks[c],
        ))
    }

    /// The business score of firm `f` (a partner index) and project `j`, or why excluded.
    pub(crate) fn business_pair(&self, f: usize, j: usize) -> Result<Explanation, ExclusionReason> {
        let (firm, project) = (&self.data.partners[f], &self.data.projects[j]);
        if !project.commercially_viable || project.stage == Stage::Completed {
            return Err(ExclusionReason::NotCommerciallyViable);
        }
        if let Some(reason) = self.exclusion(&firm.id, &project.id) {
            return Err(reason);
        }
        Ok(business_score(
            &self.data.weights.business,
            firm,
            project,
            self.project_country(j),
        ))
    }
}
