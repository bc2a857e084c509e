//! Optimal capacity-aware assignment (b-matching) of partners to cities and of firms to
//! projects, with a fair mode that first maximises the number of cities (projects) served.

use serde::{Deserialize, Serialize};

use crate::bmatching::BMatchingProblem;
use crate::network::Network;
use crate::topk::Query;

/// Which market to assign.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Market {
    /// Partners (capacity) to cities (`max_partners`).
    #[default]
    Twinning,
    /// Firms (capacity) to commercially viable projects (`project_capacity` firms each).
    Business,
}

/// How to assign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssignOptions {
    /// The market.
    pub market: Market,
    /// First maximise the number of targets with at least one match, then the total score.
    pub fair: bool,
    /// Pairs scoring below this are never matched (default 1: never a zero-score pair).
    pub min_score: i64,
    /// Consider only each partner's (firm's) top-k targets: for global-scale networks. `None`
    /// (the default) considers every pair, which is exact.
    pub candidates_per_partner: Option<usize>,
    /// Business market: how many firms a project can take (default 1).
    pub project_capacity: u32,
}

impl Default for AssignOptions {
    fn default() -> Self {
        Self {
            market: Market::Twinning,
            fair: false,
            min_score: 1,
            candidates_per_partner: None,
            project_capacity: 1,
        }
    }
}

/// One assigned pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assigned {
    /// The partner or firm.
    pub partner: String,
    /// The city or project.
    pub target: String,
    /// The pair's score.
    pub score: i64,
}

/// An optimal assignment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The pairs, by partner then target id.
    pub pairs: Vec<Assigned>,
    /// The total score (the maximum; in fair mode the maximum among the plans that serve
    /// the most targets).
    pub total_score: i64,
    /// How many targets have at least one partner.
    pub targets_served: usize,
    /// How many targets there are.
    pub targets: usize,
}

/// The b-matching an assignment solves: partners (left) to targets (right), one edge per
/// candidate pair scoring at least `min_score`, grouped by partner.
pub(crate) struct Candidates {
    /// The network index of each left node.
    pub(crate) partners: Vec<usize>,
    pub(crate) left_cap: Vec<u32>,
    pub(crate) right_cap: Vec<u32>,
    /// `(left, right)` per edge, in left order.
    pub(crate) edges: Vec<(u32, u32)>,
    pub(crate) scores: Vec<i64>,
}

impl Candidates {
    /// Fair mode's bonus on each target's first slot: more than any total score.
    pub(crate) fn fair_bonus(&self) -> i64 {
        let total = |caps: &[u32]| caps.iter().map(|&c| i64::from(c)).sum::<i64>();
        let units = total(&self.left_cap).min(total(&self.right_cap));
        self.scores.iter().max().copied().unwrap_or(0) * units + 1
    }
}

impl Network {
    /// Computes the optimal assignment.
    pub fn assign(&self, options: &AssignOptions) -> Plan {
        let g = self.candidates(options);
        let mut problem = BMatchingProblem::new(g.left_cap.clone(), g.right_cap.clone());
        problem.edges = g
            .edges
            .iter()
            .zip(&g.scores)
            .map(|(&(l, t), &s)| (l, t, -s))
            .collect();
        if options.fair {
            problem.right_bonus = vec![g.fair_bonus(); g.right_cap.len()];
        }
        let solved = problem.solve();
        let used = g
            .edges
            .iter()
            .zip(&g.scores)
            .zip(&solved.used)
            .filter(|(_, u)| **u)
            .map(|((&(l, t), &s), _)| (l, t, s));
        self.plan(options.market, &g.partners, g.right_cap.len(), used)
    }

    /// The candidate pairs of an assignment and the capacities of both sides.
    pub(crate) fn candidates(&self, options: &AssignOptions) -> Candidates {
        let d = self.data();
        let (partners, query, targets): (Vec<usize>, Query, usize) = match options.market {
            Market::Twinning => (
                (0..d.partners.len()).collect(),
                Query::CitiesForPartner,
                d.cities.len(),
            ),
            Market::Business => (self.firms.clone(), Query::ProjectsForFirm, d.projects.len()),
        };
        let right_cap: Vec<u32> = match options.market {
            Market::Twinning => d.cities.iter().map(|c| c.max_partners).collect(),
            Market::Business => vec![options.project_capacity; targets],
        };
        let left_cap = partners.iter().map(|&p| d.partners[p].capacity).collect();
        let lists: Vec<Vec<(u32, i64)>> = match (options.market, options.candidates_per_partner) {
            (Market::Twinning, Some(k)) => self.top_cities_by_partner(k),
            (market, k) => partners
                .iter()
                .map(|&p| {
                    let targets: Vec<usize> = match k {
                        Some(k) => self
                            .recommend(query, &d.partners[p].id, k)
                            .unwrap_or_default()
                            .iter()
                            .filter_map(|r| self.target_index(market, &r.id))
                            .collect(),
                        None => (0..targets).collect(),
                    };
                    targets
                        .into_iter()
                        .filter_map(|t| Some((t as u32, self.pair_score(market, p, t).ok()?)))
                        .collect()
                })
                .collect(),
        };
        let (mut edges, mut scores) = (Vec::new(), Vec::new());
        for (l, list) in lists.into_iter().enumerate() {
            for (t, score) in list {
                if score >= options.min_score.max(1) {
                    edges.push((l as u32, t));
                    scores.push(score);
                }
            }
        }
        Candidates {
            partners,
            left_cap,
            right_cap,
            edges,
            scores,
        }
    }

    /// The score of partner (firm) `p` and target `t` (indices), or why the pair is excluded.
    pub(crate) fn pair_score(
        &self,
        market: Market,
        p: usize,
        t: usize,
    ) -> Result<i64, crate::profile::ExclusionReason> {
        match market {
            Market::Twinning => self.twinning_pair(p, t),
            Market::Business => self.business_pair(p, t),
        }
        .map(|e| e.score)
    }

    /// The plan of the used pairs `(left, target, score)`, `partners` mapping left nodes to
    /// partner indices.
    pub(crate) fn plan(
        &self,
        market: Market,
        partners: &[usize],
        targets: usize,
        used: impl Iterator<Item = (u32, u32, i64)>,
    ) -> Plan {
        let d = self.data();
        let mut served = vec![false; targets];
        let mut pairs: Vec<Assigned> = used
            .map(|(l, t, score)| {
                served[t as usize] = true;
                Assigned {
                    partner: d.partners[partners[l as usize]].id.clone(),
                    target: self.target_id(market, t as usize).to_owned(),
                    score,
                }
            })
            .collect();
        pairs.sort_by(|a, b| (&a.partner, &a.target).cmp(&(&b.partner, &b.target)));
        Plan {
            total_score: pairs.iter().map(|p| p.score).sum(),
            targets_served: served.iter().filter(|&&s| s).count(),
            targets,
            pairs,
        }
    }

    pub(crate) fn target_index(&self, market: Market, id: &str) -> Option<usize> {
        match market {
            Market::Twinning => self.city_index(id).ok(),
            Market::Business => self.project_index(id).ok(),
        }
    }

    pub(crate) fn target_id(&self, market: Market, t: usize) -> &str {
        match market {
            Market::Twinning => &self.data().cities[t].id,
            Market::Business => &self.data().projects[t].id,
        }
    }
}
