//! A coordinator's matching round: the optimal (or fair) assignment under pinned and forbidden
//! pairs, re-solved warm from the previous optimum when pairs are pinned or forbidden or a
//! partner's capacity changes.
//!
//! The cold solve builds the candidate graph ([`AssignOptions`]), solves it with the b-matching
//! solver and keeps the optimum with node potentials that certify it ([`WarmStart`]). A change
//! is applied to that state: forbidding a used pair or pinning an unused one moves one unit of
//! flow and leaves one node with a unit too many and one with a unit too few; a capacity change
//! may do the same on the changed partner. Successive shortest paths from each node with a
//! unit too many to the nearest node short of one (Dijkstra on reduced costs, the kept
//! potentials) restore an optimum without rebuilding anything. Pins and forbids of the cold
//! solve go through the same repair.
//!
//! **Determinism.** Scores are integers and equally good plans are common, so each pair's cost
//! carries a tie-break below the score: `cost = −score · 2^62 + h(partner id, target id)`,
//! `h` a 40-bit hash of the two ids (FNV-1a then the SplitMix64 finaliser). No tie-break sum
//! reaches `2^62`, so the optimal total score (and, in fair mode, the number of targets served)
//! is unchanged; among the optimal plans the one with the least hash sum is chosen, which is
//! unique unless two optimal plans have exactly equal 40-bit hash sums. Any exact method thus
//! gives the same plan: cold or warm, in any order of pins and forbids, in any later run.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::bmatching::{improves, run};
use crate::flow::FlowProblem;
use crate::network::{Network, NetworkError};
use crate::twinning::{AssignOptions, Candidates, Plan};

/// A (partner or firm, city or project) pair, by ids.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Pair {
    /// The partner or firm.
    pub partner: String,
    /// The city or project.
    pub target: String,
}

/// A round's constraints: pairs that must be in the plan, pairs that must not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Constraints {
    /// Pairs the plan must contain (even outside a partner's top-k candidates, even below
    /// `min_score`, as long as they are not excluded and capacities allow).
    pub pins: Vec<Pair>,
    /// Pairs the plan must not contain.
    pub forbids: Vec<Pair>,
}

/// A change of a partner's (firm's) capacity for [`Network::round_what_if`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CapacityChange {
    /// `slots` more than it has in the round.
    Add {
        /// The partner's id.
        partner: String,
        /// How many more.
        slots: u32,
    },
    /// Exactly `capacity`.
    Set {
        /// The partner's id.
        partner: String,
        /// The new capacity.
        capacity: u32,
    },
}

/// What a capacity change would do to a round's plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotsWhatIf {
    /// The plan with the changed capacities (pins and forbids kept).
    pub plan: Plan,
    /// How many targets the round's plan serves now.
    pub targets_served_before: usize,
    /// Targets served with the change that are not now, by id.
    pub newly_served: Vec<String>,
    /// Targets served now that would not be (possible in optimal mode only), by id.
    pub no_longer_served: Vec<String>,
}

/// Why a round cannot be solved as asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoundError {
    /// An unknown id, or a pinned pair that is excluded.
    #[error(transparent)]
    Network(#[from] NetworkError),
    /// The pair is both pinned and forbidden.
    #[error("`{}`–`{}` is both pinned and forbidden", .0.partner, .0.target)]
    PinnedAndForbidden(Pair),
    /// More pins on one side than its capacity.
    #[error("{kind} `{id}` has capacity {capacity}, fewer than its {pins} pinned pairs")]
    OverCapacity {
        /// partner or target.
        kind: &'static str,
        /// Its id.
        id: String,
        /// Its capacity.
        capacity: u32,
        /// The pins it would carry.
        pins: u32,
    },
    /// Scores or capacities too large for the exact tie-break (a score of 2^24 or more, or
    /// more than 2^21 units to assign).
    #[error("the round is too large for exact tie-breaking")]
    TooLarge,
    /// The warm start was made for a network with other partners or targets.
    #[error("the warm start belongs to another network")]
    OtherNetwork,
}

/// The state a round is re-solved from: the optimum with its certifying potentials, the
/// candidate graph, and the options and constraints it was solved with. Opaque.
#[derive(Clone, Debug)]
pub struct WarmStart {
    options: AssignOptions,
    constraints: Constraints,
    partners: Vec<usize>,
    g: Residual,
}

impl WarmStart {
    /// The options the round was solved with.
    pub fn options(&self) -> &AssignOptions {
        &self.options
    }

    /// Every pin and forbid applied so far, in order.
    pub fn constraints(&self) -> &Constraints {
        &self.constraints
    }
}

impl Network {
    /// Solves a round from scratch: the optimal (fair: served-most-first) assignment that
    /// contains every pin and no forbidden pair, with the state to re-solve it warm.
    pub fn solve_round(
        &self,
        options: &AssignOptions,
        constraints: &Constraints,
    ) -> Result<(Plan, WarmStart), RoundError> {
        let c = self.candidates(options);
        let mut warm = WarmStart {
            options: options.clone(),
            constraints: Constraints::default(),
            g: Residual::solve(self, options, &c)?,
            partners: c.partners,
        };
        let plan = self.resolve_round(&mut warm, constraints)?;
        Ok((plan, warm))
    }

    /// Adds pins and forbids to a solved round and re-solves it from its previous optimum.
    /// The plan is the one [`Network::solve_round`] gives with all the round's constraints.
    /// On an error the state is left as it was.
    pub fn resolve_round(
        &self,
        warm: &mut WarmStart,
        added: &Constraints,
    ) -> Result<Plan, RoundError> {
        let changes = self.check_constraints(warm, added)?;
        for change in changes {
            warm.g.apply(change);
        }
        warm.g.repair();
        warm.constraints.pins.extend(added.pins.iter().cloned());
        warm.constraints
            .forbids
            .extend(added.forbids.iter().cloned());
        Ok(self.round_plan(warm))
    }

    /// What-if on a solved round: with these partners' capacities changed, which targets would
    /// (and would no longer) be served. Re-solved warm from a copy of the state.
    pub fn round_what_if(
        &self,
        warm: &WarmStart,
        changes: &[CapacityChange],
    ) -> Result<SlotsWhatIf, RoundError> {
        let mut caps: HashMap<usize, u32> = HashMap::new();
        for change in changes {
            let (id, set) = match change {
                CapacityChange::Add { partner, .. } | CapacityChange::Set { partner, .. } => {
                    (partner, change)
                }
            };
            let l = self.left_node(warm, id)?;
            let node = warm.g.partner_node(l);
            let cap = caps.entry(node).or_insert(warm.g.cap[node]);
            *cap = match set {
                CapacityChange::Add { slots, .. } => cap.saturating_add(*slots),
                CapacityChange::Set { capacity, .. } => *capacity,
            };
        }
        let mut caps: Vec<(usize, u32)> = caps.into_iter().collect();
        caps.sort_unstable();
        if let Some(&(node, capacity)) = caps.iter().find(|&&(v, cap)| cap < warm.g.pins[v]) {
            let p = warm.partners[warm.g.partner_index(node)];
            return Err(RoundError::OverCapacity {
                kind: "partner",
                id: self.data().partners[p].id.clone(),
                capacity,
                pins: warm.g.pins[node],
            });
        }
        let before = self.round_plan(warm);
        let mut next = warm.clone();
        for (node, cap) in caps {
            next.g.set_capacity(node, cap);
        }
        // As the cold solve: too many units for the exact tie-break (and fair mode's bonus).
        if next.g.units_to_assign() > UNIT_LIMIT {
            return Err(RoundError::TooLarge);
        }
        next.g.repair();
        let plan = self.round_plan(&next);
        let served = |p: &Plan| {
            let mut t: Vec<String> = p.pairs.iter().map(|a| a.target.clone()).collect();
            t.sort();
            t.dedup();
            t
        };
        let (old, new) = (served(&before), served(&plan));
        Ok(SlotsWhatIf {
            newly_served: new
                .iter()
                .filter(|t| old.binary_search(t).is_err())
                .cloned()
                .collect(),
            no_longer_served: old
                .iter()
                .filter(|t| new.binary_search(t).is_err())
                .cloned()
                .collect(),
            targets_served_before: before.targets_served,
            plan,
        })
    }

    /// The round as a min-cost flow network, for other solvers: node 0 the source, then the
    /// partners (firms), the targets and the sink; arcs source → partner (capacity), partner →
    /// target (capacity 1, cost −score; lower bound 1 if pinned; none if forbidden), target →
    /// sink (in fair mode the first slot with cost −bonus, as [`Network::assign`] sets it) and
    /// a bypass source → sink. The minimum cost is minus the optimal total score (less the
    /// bonuses of the targets served, in fair mode).
    pub fn round_flow(
        &self,
        options: &AssignOptions,
        constraints: &Constraints,
    ) -> Result<FlowProblem, RoundError> {
        let c = self.candidates(options);
        let (nl, nr) = (c.left_cap.len(), c.right_cap.len());
        let index = |pair: &Pair| -> Result<(u32, u32), RoundError> {
            let p = self.partner_index(&pair.partner)?;
            let l = c
                .partners
                .binary_search(&p)
                .map_err(|_| NetworkError::UnknownId {
                    kind: "firm",
                    id: pair.partner.clone(),
                })?;
            let t = self
                .target_index(options.market, &pair.target)
                .ok_or_else(|| NetworkError::UnknownId {
                    kind: "target",
                    id: pair.target.clone(),
                })?;
            Ok((l as u32, t as u32))
        };
        let pins = constraints
            .pins
            .iter()
            .map(index)
            .collect::<Result<Vec<_>, _>>()?;
        let forbids = constraints
            .forbids
            .iter()
            .map(index)
            .collect::<Result<Vec<_>, _>>()?;
        let (source, sink) = (0, nl + nr + 1);
        let supply: i64 = c.left_cap.iter().map(|&x| i64::from(x)).sum();
        let mut f = FlowProblem::new(nl + nr + 2);
        f.set_supply(source, supply);
        f.set_supply(sink, -supply);
        let arc = |f: &mut FlowProblem, tail, head, low, cap, cost| {
            f.add_arc(tail, head, low, cap, cost)
                .map(|_| ())
                .expect("valid arc");
        };
        for (l, &cap) in c.left_cap.iter().enumerate() {
            arc(&mut f, source, 1 + l, 0, i64::from(cap), 0);
        }
        let mut pinned = pins.clone();
        for (&(l, t), &score) in c.edges.iter().zip(&c.scores) {
            if forbids.contains(&(l, t)) {
                continue;
            }
            let low = i64::from(pins.contains(&(l, t)));
            pinned.retain(|&p| p != (l, t));
            arc(&mut f, 1 + l as usize, 1 + nl + t as usize, low, 1, -score);
        }
        for (l, t) in pinned {
            let score = self
                .pair_score(options.market, c.partners[l as usize], t as usize)
                .map_err(NetworkError::Excluded)?;
            arc(&mut f, 1 + l as usize, 1 + nl + t as usize, 1, 1, -score);
        }
        let bonus = if options.fair { c.fair_bonus() } else { 0 };
        for (t, &cap) in c.right_cap.iter().enumerate() {
            let first = i64::from(bonus > 0 && cap > 0);
            if first > 0 {
                arc(&mut f, 1 + nl + t, sink, 0, 1, -bonus);
            }
            arc(&mut f, 1 + nl + t, sink, 0, i64::from(cap) - first, 0);
        }
        arc(&mut f, source, sink, 0, supply, 0);
        Ok(f)
    }

    /// The plan of a round's current state.
    pub fn round_plan(&self, warm: &WarmStart) -> Plan {
        let g = &warm.g;
        self.plan(
            warm.options.market,
            &warm.partners,
            g.sides().1,
            g.used_pairs(),
        )
    }

    /// The left node of a partner (firm) id in a round.
    fn left_node(&self, warm: &WarmStart, id: &str) -> Result<u32, RoundError> {
        let p = self.partner_index(id)?;
        let l = warm
            .partners
            .binary_search(&p)
            .map_err(|_| NetworkError::UnknownId {
                kind: "firm",
                id: id.into(),
            })?;
        Ok(l as u32)
    }

    /// Resolves and checks added constraints against a round (ids known, no pair both pinned
    /// and forbidden, pins within capacities, pinned pairs not excluded) without changing it.
    fn check_constraints(
        &self,
        warm: &WarmStart,
        added: &Constraints,
    ) -> Result<Vec<Change>, RoundError> {
        if warm.g.sides() != (warm.partners.len(), self.targets(warm.options.market)) {
            return Err(RoundError::OtherNetwork);
        }
        let market = warm.options.market;
        let node = |pair: &Pair| -> Result<(u32, u32), RoundError> {
            let l = self.left_node(warm, &pair.partner)?;
            let t =
                self.target_index(market, &pair.target)
                    .ok_or_else(|| NetworkError::UnknownId {
                        kind: "target",
                        id: pair.target.clone(),
                    })?;
            Ok((l, t as u32))
        };
        let all = |f: fn(&Constraints) -> &Vec<Pair>| {
            f(&warm.constraints)
                .iter()
                .chain(f(added))
                .cloned()
                .collect::<Vec<Pair>>()
        };
        let (pins, forbids) = (all(|c| &c.pins), all(|c| &c.forbids));
        if let Some(p) = pins.iter().find(|p| forbids.contains(p)) {
            return Err(RoundError::PinnedAndForbidden(p.clone()));
        }
        let mut changes = Vec::new();
        let mut load: HashMap<usize, u32> = HashMap::new();
        for pair in &added.pins {
            let (l, t) = node(pair)?;
            if warm.constraints.pins.contains(pair) || changes.contains(&Change::Pin(l, t, 0)) {
                continue;
            }
            let score = self
                .pair_score(market, warm.partners[l as usize], t as usize)
                .map_err(NetworkError::Excluded)?;
            for (v, kind, id) in [
                (warm.g.partner_node(l), "partner", &pair.partner),
                (warm.g.target_node(t), "target", &pair.target),
            ] {
                let pins = load.entry(v).or_insert(warm.g.pins[v]);
                *pins += 1;
                if *pins > warm.g.cap[v] {
                    return Err(RoundError::OverCapacity {
                        kind,
                        id: id.clone(),
                        capacity: warm.g.cap[v],
                        pins: *pins,
                    });
                }
            }
            changes.push(Change::Pin(l, t, score));
        }
        for pair in &added.forbids {
            let (l, t) = node(pair)?;
            changes.push(Change::Forbid(l, t));
        }
        Ok(changes)
    }

    fn targets(&self, market: crate::twinning::Market) -> usize {
        match market {
            crate::twinning::Market::Twinning => self.data().cities.len(),
            crate::twinning::Market::Business => self.data().projects.len(),
        }
    }
}

/// A checked change to a round: pin `(left, right)` with its score, or forbid it.
#[derive(Clone, Copy, Debug)]
enum Change {
    Pin(u32, u32, i64),
    Forbid(u32, u32),
}

impl PartialEq for Change {
    /// The same kind of change on the same pair.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Pin(a, b, _), Self::Pin(c, d, _)) => (a, b) == (c, d),
            (Self::Forbid(a, b), Self::Forbid(c, d)) => (a, b) == (c, d),
            _ => false,
        }
    }
}

/// The largest score the tie-break leaves room for, and the most units.
const SCORE_LIMIT: i64 = 1 << 24;
const UNIT_LIMIT: u64 = 1 << 21;
/// Scores sit above this many bits of tie-break.
const SHIFT: u32 = 62;

/// The 40-bit tie-break of a pair: FNV-1a over both ids, then the SplitMix64 finaliser.
fn tie_break(partner: &str, target: &str) -> i128 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in partner.bytes().chain([0xff]).chain(target.bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    i128::from((h ^ (h >> 31)) >> 24)
}

/// Whether an edge carries flow and whether a constraint fixes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EdgeState {
    Free,
    Used,
    Pinned,
    Forbidden,
}

const NONE: u32 = u32::MAX;

/// The round as a min-cost circulation: a terminal `T` (source and sink in one), left nodes
/// fed by `T`, right nodes draining into it, unit edges between; a node's k-th unit on its
/// terminal arc costs `−bonus` for k = 0 and 0 after, up to its capacity. Reduced costs
/// `cost + π(tail) − π(head)` of every residual arc stay ≥ 0, so the flow is optimal as soon
/// as every node is balanced.
#[derive(Clone, Debug)]
struct Residual {
    /// Whether the targets are the left side (the solver let the side with the smaller total
    /// capacity propose, and its potentials hold in that orientation).
    flip: bool,
    nl: usize,
    nr: usize,
    /// Edges grouped by left node: `first[l]..first[l + 1]`.
    first: Vec<u32>,
    left: Vec<u32>,
    right: Vec<u32>,
    cost: Vec<i128>,
    score: Vec<i64>,
    state: Vec<EdgeState>,
    /// Per right node: its used, unpinned edges (the arcs back to left nodes).
    holders: Vec<Vec<u32>>,
    /// Pinned pairs outside the candidate graph: `(partner, target, score)`.
    fixed: Vec<(u32, u32, i64)>,
    /// Per node (left, then right): capacity, first-unit bonus, units on its terminal arc,
    /// used edges (pinned and fixed ones included), pins.
    cap: Vec<u32>,
    bonus: Vec<i128>,
    units: Vec<u32>,
    degree: Vec<u32>,
    pins: Vec<u32>,
    /// The terminal's inflow less its outflow.
    terminal_excess: i64,
    /// Potentials: left nodes, right nodes, the terminal.
    pi: Vec<i128>,
    search: Search,
}

/// Dijkstra's scratch space, reused across searches.
#[derive(Clone, Debug, Default)]
struct Search {
    dist: Vec<i128>,
    stamp: Vec<u32>,
    done: Vec<bool>,
    pred: Vec<(u32, u32)>,
    touched: Vec<u32>,
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(i128, u32)>>,
    run: u32,
}

impl Search {
    fn new(n: usize) -> Self {
        Self {
            dist: vec![0; n],
            stamp: vec![0; n],
            done: vec![false; n],
            pred: vec![(NONE, NONE); n],
            ..Self::default()
        }
    }

    fn start(&mut self) {
        self.run = self.run.wrapping_add(1);
        if self.run == 0 {
            self.stamp.fill(0);
            self.run = 1;
        }
        self.touched.clear();
        self.heap.clear();
    }

    /// Offers `v` the distance `d` over `arc` (an edge, or `NONE` for a terminal arc).
    fn reach(&mut self, v: usize, d: i128, from: u32, arc: u32) {
        let (stamp, done, dist) = (&mut self.stamp, &mut self.done, &mut self.dist);
        if improves(v, d, self.run, stamp, done, dist, &mut self.touched) {
            self.pred[v] = (from, arc);
            self.heap.push(std::cmp::Reverse((d, v as u32)));
        }
    }

    /// The next node to settle, with its distance.
    fn next(&mut self) -> Option<(usize, i128)> {
        while let Some(std::cmp::Reverse((d, v))) = self.heap.pop() {
            let v = v as usize;
            if !self.done[v] && d == self.dist[v] {
                self.done[v] = true;
                return Some((v, d));
            }
        }
        None
    }
}

impl Residual {
    /// Solves the unconstrained round cold and certifies the optimum.
    fn solve(
        network: &Network,
        options: &AssignOptions,
        c: &Candidates,
    ) -> Result<Self, RoundError> {
        let total = |caps: &[u32]| caps.iter().map(|&x| u64::from(x)).sum::<u64>();
        let units = total(&c.left_cap).min(total(&c.right_cap));
        let top = c.scores.iter().copied().max().unwrap_or(0);
        if units > UNIT_LIMIT || top >= SCORE_LIMIT {
            return Err(RoundError::TooLarge);
        }
        let d = network.data();
        let cost: Vec<i128> = c
            .edges
            .iter()
            .zip(&c.scores)
            .map(|(&(l, t), &s)| {
                let partner = &d.partners[c.partners[l as usize]].id;
                let target = network.target_id(options.market, t as usize);
                -(i128::from(s) << SHIFT) + tie_break(partner, target)
            })
            .collect();
        let (nl, nr) = (c.left_cap.len(), c.right_cap.len());
        // Fair mode: the first slot of a target outweighs any spread of total cost (without an
        // edge to a target with a slot there is nothing to serve, and no bonus is needed). The
        // bound on the units holds for any partner capacities a what-if can set (the targets'
        // capacities stay, and more than `UNIT_LIMIT` units is refused), so the bonus kept in
        // the warm state still dominates after a capacity change: sized by this round's units
        // alone, it is 1 when every partner has capacity 0 and fairness would be lost.
        let open = c.edges.iter().any(|&(_, t)| c.right_cap[t as usize] > 0);
        let most_units = total(&c.right_cap).min(UNIT_LIMIT);
        let bonus = if options.fair && open {
            i128::from(most_units) * (i128::from(top + 1) << SHIFT) + 1
        } else {
            0
        };
        let edges: Vec<(u32, u32, i128)> = c
            .edges
            .iter()
            .zip(&cost)
            .map(|(&(l, t), &k)| (l, t, k))
            .collect();
        let mut node_bonus = vec![0i128; nl + nr];
        node_bonus[nl..].fill(bonus);
        let (flip, solver) = run(
            &c.left_cap,
            &node_bonus[..nl],
            &c.right_cap,
            &node_bonus[nl..],
            &edges,
        )
        .expect("fair mode's bonus dominates");
        drop(edges);
        let (used, pi) = solver.into_state();
        // The graph in the solver's orientation (its potentials hold there): proposers first.
        let (nl, nr, caps, bonus) = if flip {
            node_bonus.rotate_left(nl);
            let caps = c.right_cap.iter().chain(&c.left_cap).copied().collect();
            (nr, nl, caps, node_bonus)
        } else {
            let caps = c.left_cap.iter().chain(&c.right_cap).copied().collect();
            (nl, nr, caps, node_bonus)
        };
        let oriented = |e: usize| {
            let (l, t) = c.edges[e];
            if flip { (t, l) } else { (l, t) }
        };
        let mut first = vec![0u32; nl + 1];
        for e in 0..c.edges.len() {
            first[oriented(e).0 as usize + 1] += 1;
        }
        for u in 0..nl {
            first[u + 1] += first[u];
        }
        // Edges grouped by proposer (a stable counting sort of the input order).
        let mut order = vec![0u32; c.edges.len()];
        let mut next = first.clone();
        for e in 0..c.edges.len() {
            let u = oriented(e).0 as usize;
            order[next[u] as usize] = e as u32;
            next[u] += 1;
        }
        let pick = |f: &dyn Fn(usize) -> u32| order.iter().map(|&e| f(e as usize)).collect();
        let mut g = Self {
            flip,
            nl,
            nr,
            left: pick(&|e| oriented(e).0),
            right: pick(&|e| oriented(e).1),
            first,
            cost: order.iter().map(|&e| cost[e as usize]).collect(),
            score: order.iter().map(|&e| c.scores[e as usize]).collect(),
            state: vec![EdgeState::Free; used.len()],
            holders: vec![Vec::new(); nr],
            fixed: Vec::new(),
            cap: caps,
            bonus,
            units: vec![0; nl + nr],
            degree: vec![0; nl + nr],
            pins: vec![0; nl + nr],
            terminal_excess: 0,
            pi,
            search: Search::new(nl + nr + 1),
        };
        for e in (0..order.len()).filter(|&e| used[order[e] as usize]) {
            g.state[e] = EdgeState::Used;
            let (l, r) = (g.left[e] as usize, g.right[e] as usize);
            g.holders[r].push(e as u32);
            for v in [l, nl + r] {
                g.degree[v] += 1;
                g.units[v] += 1;
            }
        }
        g.certify();
        Ok(g)
    }

    fn terminal(&self) -> usize {
        self.nl + self.nr
    }

    /// The (left, right) indices of a (partner, target) pair.
    fn oriented(&self, partner: u32, target: u32) -> (u32, u32) {
        if self.flip {
            (target, partner)
        } else {
            (partner, target)
        }
    }

    /// The nodes of a partner and of a target.
    fn partner_node(&self, partner: u32) -> usize {
        let (l, r) = self.oriented(partner, 0);
        if self.flip {
            self.nl + r as usize
        } else {
            l as usize
        }
    }

    /// The partner (its position in the round) of a partner node.
    fn partner_index(&self, node: usize) -> usize {
        if self.flip { node - self.nl } else { node }
    }

    fn target_node(&self, target: u32) -> usize {
        let (l, r) = self.oriented(0, target);
        if self.flip {
            l as usize
        } else {
            self.nl + r as usize
        }
    }

    /// The smaller of the two sides' total capacities: the most units a plan can assign.
    fn units_to_assign(&self) -> u64 {
        let total = |caps: &[u32]| caps.iter().map(|&x| u64::from(x)).sum::<u64>();
        total(&self.cap[..self.nl]).min(total(&self.cap[self.nl..]))
    }

    /// How many partners and targets the round has.
    fn sides(&self) -> (usize, usize) {
        if self.flip {
            (self.nr, self.nl)
        } else {
            (self.nl, self.nr)
        }
    }

    /// The used pairs `(partner, target, score)`, pinned ones included.
    fn used_pairs(&self) -> impl Iterator<Item = (u32, u32, i64)> + '_ {
        (0..self.state.len())
            .filter(|&e| matches!(self.state[e], EdgeState::Used | EdgeState::Pinned))
            .map(|e| {
                let (p, t) = self.oriented(self.left[e], self.right[e]);
                (p, t, self.score[e])
            })
            .chain(self.fixed.iter().copied())
    }

    /// The cost of node `v`'s k-th unit on its terminal arc, if it has that many.
    fn unit_cost(&self, v: usize, k: u32) -> Option<i128> {
        (k < self.cap[v]).then(|| if k == 0 { -self.bonus[v] } else { 0 })
    }

    /// The terminal arcs of `v` in the residual graph: `(tail, head, cost, adds a unit)`.
    fn terminal_arcs(&self, v: usize) -> [Option<(usize, usize, i128, bool)>; 2] {
        let t = self.terminal();
        let u = self.units[v];
        let more = self.unit_cost(v, u);
        let fewer = u
            .checked_sub(1)
            .and_then(|k| self.unit_cost(v, k))
            .map(|c| -c);
        if v < self.nl {
            [
                more.map(|c| (t, v, c, true)),
                fewer.map(|c| (v, t, c, false)),
            ]
        } else {
            [
                more.map(|c| (v, t, c, true)),
                fewer.map(|c| (t, v, c, false)),
            ]
        }
    }

    fn reduced(&self, tail: usize, head: usize, cost: i128) -> i128 {
        cost + self.pi[tail] - self.pi[head]
    }

    /// A node's inflow less its outflow.
    fn excess(&self, v: usize) -> i64 {
        if v == self.terminal() {
            self.terminal_excess
        } else if v < self.nl {
            i64::from(self.units[v]) - i64::from(self.degree[v])
        } else {
            i64::from(self.degree[v]) - i64::from(self.units[v])
        }
    }

    /// Calls `f(head, cost, edge or NONE)` for each residual arc leaving `v`.
    fn for_each_arc(&self, v: usize, mut f: impl FnMut(usize, i128, u32)) {
        let t = self.terminal();
        if v == t {
            for w in 0..t {
                for (tail, head, c, _) in self.terminal_arcs(w).into_iter().flatten() {
                    if tail == t {
                        f(head, c, NONE);
                    }
                }
            }
            return;
        }
        if v < self.nl {
            for e in self.first[v]..self.first[v + 1] {
                if self.state[e as usize] == EdgeState::Free {
                    f(
                        self.nl + self.right[e as usize] as usize,
                        self.cost[e as usize],
                        e,
                    );
                }
            }
        } else {
            for &e in &self.holders[v - self.nl] {
                f(self.left[e as usize] as usize, -self.cost[e as usize], e);
            }
        }
        for (tail, head, c, _) in self.terminal_arcs(v).into_iter().flatten() {
            if tail == v {
                f(head, c, NONE);
            }
        }
    }

    /// Makes the potentials valid on the terminal's own arcs too (the solver leaves those
    /// unchecked): shortest reduced distances from the terminal, arcs leaving it the only
    /// negative ones, added to the potentials. Exact because the flow is optimal (no negative
    /// cycle); nodes the terminal does not reach get the largest distance.
    fn certify(&mut self) {
        let t = self.terminal();
        let mut s = std::mem::take(&mut self.search);
        s.start();
        s.reach(t, 0, NONE, NONE);
        s.next();
        self.for_each_arc(t, |w, c, _| {
            let d = self.reduced(t, w, c);
            s.reach(w, d, t as u32, NONE);
        });
        let mut far = 0i128;
        while let Some((v, d)) = s.next() {
            far = far.max(d);
            self.for_each_arc(v, |w, c, e| {
                if w != t {
                    s.reach(w, d + self.reduced(v, w, c), v as u32, e);
                }
            });
        }
        for v in 0..t {
            self.pi[v] += if s.stamp[v] == s.run && s.done[v] {
                s.dist[v]
            } else {
                far
            };
        }
        self.search = s;
        debug_assert!(self.potentials_valid());
    }

    /// Whether every residual arc has a non-negative reduced cost (a debug check).
    fn potentials_valid(&self) -> bool {
        (0..=self.terminal()).all(|v| {
            let mut ok = true;
            self.for_each_arc(v, |w, c, _| ok &= self.reduced(v, w, c) >= 0);
            ok
        })
    }

    /// The edge from `l` to `r` in the candidate graph, if there is one.
    fn edge(&self, l: u32, r: u32) -> Option<usize> {
        (self.first[l as usize]..self.first[l as usize + 1])
            .find(|&e| self.right[e as usize] == r)
            .map(|e| e as usize)
    }

    /// Takes edge `e` out of its right node's holders.
    fn release(&mut self, e: usize) {
        let h = &mut self.holders[self.right[e] as usize];
        let k = h.iter().position(|&x| x as usize == e).expect("a holder");
        h.swap_remove(k);
    }

    /// Records a used pair on both of its nodes (`by` = +1) or takes it off (`by` = −1).
    fn count(&mut self, l: u32, r: u32, by: i32) {
        for v in [l as usize, self.nl + r as usize] {
            self.degree[v] = self.degree[v].wrapping_add_signed(by);
        }
    }

    /// Applies a checked pin or forbid; nodes may be left unbalanced (see [`Self::repair`]).
    fn apply(&mut self, change: Change) {
        match change {
            Change::Pin(p, t, score) => {
                let (l, r) = self.oriented(p, t);
                for v in [l as usize, self.nl + r as usize] {
                    self.pins[v] += 1;
                }
                match self.edge(l, r) {
                    Some(e) if self.state[e] == EdgeState::Used => {
                        self.release(e);
                        self.state[e] = EdgeState::Pinned;
                    }
                    Some(e) => {
                        self.state[e] = EdgeState::Pinned;
                        self.count(l, r, 1);
                    }
                    None => {
                        self.fixed.push((p, t, score));
                        self.count(l, r, 1);
                    }
                }
            }
            Change::Forbid(p, t) => {
                let (l, r) = self.oriented(p, t);
                if let Some(e) = self.edge(l, r) {
                    if self.state[e] == EdgeState::Used {
                        self.release(e);
                        self.count(l, r, -1);
                    }
                    self.state[e] = EdgeState::Forbidden;
                }
            }
        }
    }

    /// Sets node `l`'s capacity, then moves units on its terminal arc until both of that
    /// arc's residual directions have non-negative reduced costs.
    fn set_capacity(&mut self, l: usize, cap: u32) {
        self.cap[l] = cap;
        loop {
            let step = if self.units[l] > cap {
                Some(false)
            } else {
                self.terminal_arcs(l)
                    .into_iter()
                    .flatten()
                    .find(|&(tail, head, c, _)| self.reduced(tail, head, c) < 0)
                    .map(|a| a.3)
            };
            match step {
                Some(add) => self.move_unit(l, add),
                None => break,
            }
        }
    }

    /// Adds (or removes) one unit on `v`'s terminal arc.
    fn move_unit(&mut self, v: usize, add: bool) {
        let into_terminal = (v >= self.nl) == add;
        self.units[v] = if add {
            self.units[v] + 1
        } else {
            self.units[v] - 1
        };
        self.terminal_excess += if into_terminal { 1 } else { -1 };
    }

    /// Successive shortest paths from every node with a unit too many to the nearest node
    /// short of one, with the kept potentials: balances every node and keeps reduced costs
    /// non-negative, so the flow is optimal again.
    fn repair(&mut self) {
        let t = self.terminal();
        while let Some(source) = (0..=t).find(|&v| self.excess(v) > 0) {
            while self.excess(source) > 0 {
                let target = self.shortest_path(source);
                self.augment(source, target);
            }
        }
        debug_assert!(self.potentials_valid());
    }

    /// Dijkstra from `source` to the first settled node short of a unit; then moves the
    /// potentials of the settled nodes so the path has reduced cost 0 and every reduced cost
    /// stays non-negative.
    fn shortest_path(&mut self, source: usize) -> usize {
        let mut s = std::mem::take(&mut self.search);
        s.start();
        s.reach(source, 0, NONE, NONE);
        let (target, reach) = loop {
            let (v, d) = s
                .next()
                .expect("a pin within capacities always leaves a way to rebalance");
            if self.excess(v) < 0 {
                break (v, d);
            }
            self.for_each_arc(v, |w, c, e| {
                s.reach(w, d + self.reduced(v, w, c), v as u32, e);
            });
        };
        for &v in &s.touched {
            let v = v as usize;
            if s.done[v] {
                self.pi[v] += s.dist[v] - reach;
            }
        }
        self.search = s;
        target
    }

    /// Moves one unit along the path the last search found from `source` to `target`.
    fn augment(&mut self, source: usize, target: usize) {
        let t = self.terminal();
        let mut v = target;
        while v != source {
            let (from, e) = self.search.pred[v];
            let from = from as usize;
            if e == NONE {
                // A terminal arc: adds a unit when it runs T → left or right → T.
                let node = if from == t { v } else { from };
                let add = (from == t) == (node < self.nl);
                self.move_unit(node, add);
            } else {
                let e = e as usize;
                let (l, r) = (self.left[e], self.right[e]);
                if from < self.nl {
                    self.state[e] = EdgeState::Used;
                    self.holders[r as usize].push(e as u32);
                    self.count(l, r, 1);
                } else {
                    self.release(e);
                    self.state[e] = EdgeState::Free;
                    self.count(l, r, -1);
                }
            }
            v = from;
        }
    }
}
