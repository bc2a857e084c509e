//! Minimum-cost bipartite b-matching with a bonus for each node's first match: the exact
//! optimiser behind twinning and business matching.
//!
//! Each edge is used at most once, each node at most its capacity; a node's first match earns
//! its `first_bonus` (≥ 0: convex per-node costs, the tool of fair mode). The total cost
//! `Σ cost(used edges) − Σ first_bonus(matched nodes)` is minimised; unprofitable edges stay
//! unused.
//!
//! The algorithm is successive shortest paths specialised to the bipartite structure: the side
//! with the smaller total capacity "proposes" one node at a time; each unit of a proposer looks
//! for the cheapest cycle through the virtual terminal (take a free slot, or displace a holder
//! who moves on or drops out) with Dijkstra on reduced costs, stopping as soon as the terminal is
//! settled. Node potentials keep every reduced cost non-negative, so each step keeps the partial
//! solution optimal. Most searches end after a handful of nodes, which is why this beats generic
//! min-cost flow on these networks (see `docs/matching.md`). When the accepting side has
//! bonuses, searches from the proposers would have to go far for the last nodes still
//! unmatched: fair mode's dominant bonus is then handled in two stages (`serve_most_first`),
//! any other bonuses there go to cost scaling (`solve_by_cost_scaling`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::flow::{Algorithm, FlowProblem};

/// A b-matching problem between a left and a right side.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BMatchingProblem {
    /// Capacity of each left node.
    pub left_cap: Vec<u32>,
    /// Bonus (≥ 0) that a left node earns with its first match.
    pub left_bonus: Vec<i64>,
    /// Capacity of each right node.
    pub right_cap: Vec<u32>,
    /// Bonus (≥ 0) that a right node earns with its first match.
    pub right_bonus: Vec<i64>,
    /// Edges `(left, right, cost)`; each can be used once.
    pub edges: Vec<(u32, u32, i64)>,
}

/// An optimal b-matching.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BMatching {
    /// The minimum total cost, bonuses included.
    pub cost: i64,
    /// Whether each edge (in input order) is used.
    pub used: Vec<bool>,
}

impl BMatchingProblem {
    /// A problem with the given capacities, no bonuses and no edges.
    pub fn new(left_cap: Vec<u32>, right_cap: Vec<u32>) -> Self {
        Self {
            left_bonus: vec![0; left_cap.len()],
            right_bonus: vec![0; right_cap.len()],
            left_cap,
            right_cap,
            edges: Vec::new(),
        }
    }

    /// Solves the problem exactly: by the specialised successive shortest paths below (in two
    /// stages in fair mode), or by cost scaling when the side with the larger capacity has
    /// bonuses that do not dominate as fair mode's do.
    ///
    /// # Panics
    /// If an edge names a missing node or a bonus is negative.
    pub fn solve(&self) -> BMatching {
        assert!(
            self.left_bonus
                .iter()
                .chain(&self.right_bonus)
                .all(|&b| b >= 0)
        );
        let Some((_, solver)) = run(
            &self.left_cap,
            &self.left_bonus,
            &self.right_cap,
            &self.right_bonus,
            &self.edges,
        ) else {
            return self.solve_by_cost_scaling();
        };
        let used = solver.used_by_edge();
        let edge_cost: i64 = self
            .edges
            .iter()
            .zip(&used)
            .filter(|(_, u)| **u)
            .map(|(e, _)| e.2)
            .sum();
        let bonus = |caps: &[u32], bonuses: &[i64], side: fn(&(u32, u32, i64)) -> u32| {
            let mut matched = vec![false; caps.len()];
            for (e, _) in self.edges.iter().zip(&used).filter(|(_, u)| **u) {
                matched[side(e) as usize] = true;
            }
            bonuses
                .iter()
                .zip(matched)
                .filter(|(_, m)| *m)
                .map(|(b, _)| b)
                .sum::<i64>()
        };
        let cost = edge_cost
            - bonus(&self.left_cap, &self.left_bonus, |e| e.0)
            - bonus(&self.right_cap, &self.right_bonus, |e| e.1);
        BMatching { cost, used }
    }

    /// The same problem as a min-cost flow network (source → left → right → sink, a bypass,
    /// bonus arcs on first slots) solved by cost scaling. Used when the accepting side has
    /// first-match bonuses other than fair mode's: there proposals must search far for the
    /// last nodes still unmatched, and cost scaling was the faster (measured before the two
    /// stages existed: 1.0 s against 5.3 s on `bmatch_city_12k_scarce_fair`).
    fn solve_by_cost_scaling(&self) -> BMatching {
        let (nl, nr) = (self.left_cap.len(), self.right_cap.len());
        let (s, t) = (0, nl + nr + 1);
        let supply: i64 = self.left_cap.iter().map(|&c| i64::from(c)).sum();
        let mut f = FlowProblem::new(nl + nr + 2);
        f.set_supply(s, supply);
        f.set_supply(t, -supply);
        let add = |f: &mut FlowProblem, tail: usize, head: usize, cap: u32, bonus: i64| {
            let cap = i64::from(cap);
            if cap > 0 {
                let first = if bonus > 0 { 1 } else { 0 };
                f.add_arc(tail, head, 0, first, -bonus).expect("valid arc");
                f.add_arc(tail, head, 0, cap - first, 0).expect("valid arc");
            }
        };
        for l in 0..nl {
            add(&mut f, s, 1 + l, self.left_cap[l], self.left_bonus[l]);
        }
        for r in 0..nr {
            add(
                &mut f,
                1 + nl + r,
                t,
                self.right_cap[r],
                self.right_bonus[r],
            );
        }
        let first_edge = f.arcs().len();
        for &(l, r, c) in &self.edges {
            f.add_arc(1 + l as usize, 1 + nl + r as usize, 0, 1, c)
                .expect("valid arc");
        }
        f.add_arc(s, t, 0, supply, 0).expect("valid arc");
        let solved = f
            .solve_with(Algorithm::CostScaling)
            .expect("a b-matching network with a bypass is always feasible");
        let used = solved.flow[first_edge..first_edge + self.edges.len()]
            .iter()
            .map(|&x| x == 1)
            .collect();
        BMatching {
            cost: solved.cost,
            used,
        }
    }
}

/// The integer cost type of the shortest-path solver: `i64` for flow networks, `i128` where a
/// round adds a tie-break below the score (see `crate::round`).
pub(crate) trait Cost:
    Copy
    + Ord
    + std::fmt::Debug
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Neg<Output = Self>
    + std::ops::AddAssign
    + From<i64>
{
    /// Zero.
    const ZERO: Self;
    /// The largest value: "unreached".
    const MAX: Self;
    /// Bonuses at or above this are refused by the two-stage fair mode (overflow margin).
    const BONUS_LIMIT: i128;
    /// The value as an `i128`.
    fn wide(self) -> i128;
}

impl Cost for i64 {
    const ZERO: Self = 0;
    const MAX: Self = i64::MAX;
    const BONUS_LIMIT: i128 = 1 << 52;
    fn wide(self) -> i128 {
        i128::from(self)
    }
}

impl Cost for i128 {
    const ZERO: Self = 0;
    const MAX: Self = i128::MAX;
    const BONUS_LIMIT: i128 = 1 << 116;
    fn wide(self) -> i128 {
        self
    }
}

/// Runs the shortest-path solver on a b-matching given by its sides (capacities, first-match
/// bonuses) and edges `(left, right, cost)`, the side with the smaller total capacity
/// proposing. Returns whether the right side proposed and the solved state; `None` when the
/// accepting side has bonuses that do not dominate (cost scaling is then the way).
pub(crate) fn run<C: Cost>(
    left_cap: &[u32],
    left_bonus: &[C],
    right_cap: &[u32],
    right_bonus: &[C],
    edges: &[(u32, u32, C)],
) -> Option<(bool, Solver<C>)> {
    let total = |caps: &[u32]| caps.iter().map(|&c| u64::from(c)).sum::<u64>();
    let flip = total(left_cap) > total(right_cap);
    let (pcap, pbonus, acap, abonus) = if flip {
        (right_cap, right_bonus, left_cap, left_bonus)
    } else {
        (left_cap, left_bonus, right_cap, right_bonus)
    };
    let oriented = edges
        .iter()
        .map(move |&(l, r, c)| if flip { (r, l, c) } else { (l, r, c) });
    let solver = if abonus.iter().all(|&b| b == C::ZERO) {
        let mut s = Solver::new(
            pcap.to_vec(),
            pbonus.to_vec(),
            acap.to_vec(),
            abonus.to_vec(),
            oriented,
        );
        s.propose_all();
        s
    } else {
        let bonus = dominant_bonus(pcap, pbonus, acap, abonus, oriented.clone())?;
        serve_most_first(pcap, acap, abonus, oriented, bonus)
    };
    Some((flip, solver))
}

/// The bonus of the accepting side when fair mode's lexicographic structure holds: every
/// acceptor with an edge has the same bonus, larger than the spread of the total edge cost of
/// any b-matching; proposers have none.
fn dominant_bonus<C: Cost>(
    pcap: &[u32],
    pbonus: &[C],
    acap: &[u32],
    abonus: &[C],
    edges: impl Iterator<Item = (u32, u32, C)>,
) -> Option<C> {
    if pbonus.iter().any(|&b| b != C::ZERO) {
        return None;
    }
    let (mut bonus, mut most, mut least) = (None, C::ZERO, C::ZERO);
    for (_, a, cost) in edges {
        let a = a as usize;
        if acap[a] > 0 && *bonus.get_or_insert(abonus[a]) != abonus[a] {
            return None;
        }
        (most, least) = (most.max(cost), least.min(cost));
    }
    let total = |caps: &[u32]| caps.iter().map(|&c| i128::from(c)).sum::<i128>();
    let spread = total(pcap)
        .min(total(acap))
        .checked_mul(most.wide().checked_sub(least.wide())?)?;
    bonus.filter(|&b| b.wide() > spread && b.wide() < C::BONUS_LIMIT)
}

/// Fair mode in two stages, exact when `bonus` dominates (see [`dominant_bonus`]). First each
/// acceptor proposes one unit, with `bonus` taken off every cost, to proposers with their full
/// capacity: that serves as many acceptors as can be served, at the least cost, and is cheap
/// because free capacity abounds on the other side. Then the proposers go on with their
/// remaining units from there (see [`Solver::resume_from_reversed`]).
fn serve_most_first<C: Cost>(
    pcap: &[u32],
    acap: &[u32],
    abonus: &[C],
    edges: impl Iterator<Item = (u32, u32, C)> + Clone,
    bonus: C,
) -> Solver<C> {
    let ones: Vec<u32> = acap.iter().map(|&c| c.min(1)).collect();
    let reversed = edges.clone().map(|(p, a, c)| (a, p, c - bonus));
    let mut covered = Solver::new(
        ones,
        vec![C::ZERO; acap.len()],
        pcap.to_vec(),
        vec![C::ZERO; pcap.len()],
        reversed,
    );
    covered.propose_all();
    let mut s = Solver::new(
        pcap.to_vec(),
        vec![C::ZERO; pcap.len()],
        acap.to_vec(),
        abonus.to_vec(),
        edges,
    );
    s.resume_from_reversed(&covered, bonus);
    s.propose_all();
    s
}

/// Offers node `v` the distance `d` in the search numbered `run` (nodes whose `stamp` is older
/// count as unreached): true, with `dist[v]` lowered to `d`, if `v` is not settled and `d` beats
/// its distance.
pub(crate) fn improves<C: Cost>(
    v: usize,
    d: C,
    run: u32,
    stamp: &mut [u32],
    done: &mut [bool],
    dist: &mut [C],
    touched: &mut Vec<u32>,
) -> bool {
    if stamp[v] != run {
        stamp[v] = run;
        done[v] = false;
        dist[v] = C::MAX;
        touched.push(v as u32);
    }
    let better = !done[v] && d < dist[v];
    if better {
        dist[v] = d;
    }
    better
}

/// An edge as seen from its proposer.
#[derive(Clone, Copy)]
struct Adj<C> {
    acceptor: u32,
    proposer: u32,
    cost: C,
    id: u32,
}

const NONE: u32 = u32::MAX;

pub(crate) struct Solver<C> {
    pcap: Vec<u32>,
    pbonus: Vec<C>,
    acap: Vec<u32>,
    abonus: Vec<C>,
    /// Edges grouped by proposer: `adj[first[p]..first[p + 1]]`.
    first: Vec<u32>,
    adj: Vec<Adj<C>>,
    used: Vec<bool>,
    pdeg: Vec<u32>,
    /// Positions (in `adj`) of the used edges of each acceptor: `holders[hstart[a]..][..adeg[a]]`.
    hstart: Vec<u32>,
    holders: Vec<u32>,
    adeg: Vec<u32>,
    /// Potentials of proposers, then acceptors, then the terminal.
    pi: Vec<C>,
    /// The initial potential of each acceptor: a ceiling, as potentials never rise.
    ceiling: Vec<C>,
    dist: Vec<C>,
    stamp: Vec<u32>,
    done: Vec<bool>,
    pred_node: Vec<u32>,
    pred_pos: Vec<u32>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<(C, u32)>>,
    /// Edges to full acceptors met while scanning a proposer, with their distances.
    deferred: Vec<(u32, C)>,
    /// The least distance still worth reaching in the current search: the limit, or the
    /// terminal's tentative distance once it is reached.
    bound: C,
    run: u32,
    /// Whether each proposer has had its potential set (it takes part from then on).
    entered: Vec<bool>,
    /// Whether each proposer is done: no edges, or a unit of it found nothing profitable.
    closed: Vec<bool>,
}

impl<C: Cost> Solver<C> {
    fn new(
        pcap: Vec<u32>,
        pbonus: Vec<C>,
        acap: Vec<u32>,
        abonus: Vec<C>,
        edges: impl Iterator<Item = (u32, u32, C)> + Clone,
    ) -> Self {
        let (np, na) = (pcap.len(), acap.len());
        let mut first = vec![0u32; np + 1];
        for (p, _, _) in edges.clone() {
            first[p as usize + 1] += 1;
        }
        for p in 0..np {
            first[p + 1] += first[p];
        }
        let mut next = first.clone();
        let blank = Adj {
            acceptor: 0,
            proposer: 0,
            cost: C::ZERO,
            id: 0,
        };
        let mut adj = vec![blank; first[np] as usize];
        let mut min_in = vec![C::MAX; na];
        for (id, (p, a, cost)) in edges.enumerate() {
            let slot = &mut next[p as usize];
            adj[*slot as usize] = Adj {
                acceptor: a,
                proposer: p,
                cost,
                id: id as u32,
            };
            *slot += 1;
            min_in[a as usize] = min_in[a as usize].min(cost);
        }
        let mut hstart = vec![0u32; na + 1];
        for a in 0..na {
            hstart[a + 1] = hstart[a] + acap[a];
        }
        let total = np + na + 1;
        let mut pi = vec![C::ZERO; total];
        let mut z = C::ZERO;
        for a in 0..na {
            pi[np + a] = if min_in[a] == C::MAX {
                C::ZERO
            } else {
                min_in[a]
            };
            if acap[a] > 0 {
                z = z.min(pi[np + a] - abonus[a]);
            }
        }
        pi[np + na] = z;
        // Acceptor potentials only fall, so `cost - ceiling[a]` bounds an edge's reduced cost
        // (less the proposer's potential) from below: in this order a scan can stop early.
        let ceiling = pi[np..np + na].to_vec();
        for p in 0..np {
            let range = first[p] as usize..first[p + 1] as usize;
            adj[range].sort_unstable_by_key(|e| e.cost - ceiling[e.acceptor as usize]);
        }
        Self {
            pcap,
            pbonus,
            acap,
            abonus,
            used: vec![false; adj.len()],
            first,
            adj,
            pdeg: vec![0; np],
            holders: vec![NONE; hstart[na] as usize],
            hstart,
            adeg: vec![0; na],
            pi,
            ceiling,
            dist: vec![C::ZERO; total],
            stamp: vec![0; total],
            done: vec![false; total],
            pred_node: vec![NONE; total],
            pred_pos: vec![NONE; total],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            deferred: Vec::new(),
            bound: C::ZERO,
            run: 0,
            entered: vec![false; np],
            closed: vec![false; np],
        }
    }

    fn terminal(&self) -> usize {
        self.pi.len() - 1
    }

    /// Lets every proposer, in turn, propose all the units that pay off.
    fn propose_all(&mut self) {
        for p in 0..self.pcap.len() {
            while self.propose_unit(p) {}
        }
    }

    /// The solved state: whether each input edge is used, and the potentials of the
    /// proposers, the acceptors and the terminal, under which every residual arc except those
    /// leaving the terminal has a reduced cost `cost + π(tail) − π(head)` ≥ 0.
    pub(crate) fn into_state(self) -> (Vec<bool>, Vec<C>) {
        (self.used_by_edge(), self.pi)
    }

    /// Whether each edge, by its index in the input, is used.
    fn used_by_edge(&self) -> Vec<bool> {
        let mut used = vec![false; self.adj.len()];
        for (e, &u) in self.adj.iter().zip(&self.used) {
            used[e.id as usize] = u;
        }
        used
    }

    /// Starts from the optimum of `covered`: the same edges seen from the other side with
    /// `bonus` taken off each cost, where every acceptor here had capacity 1 and proposed.
    ///
    /// With a dominant bonus that optimum serves as many acceptors as can be served, with the
    /// least cost among such choices, and is optimal here too for the units its proposers use
    /// (anything else with no more units serves fewer acceptors, or is a choice `covered` had);
    /// its potentials carry over (negated, acceptors raised by `bonus`), so the proposers here
    /// go on with their remaining units.
    fn resume_from_reversed(&mut self, covered: &Solver<C>, bonus: C) {
        let (np, na) = (self.pcap.len(), self.acap.len());
        for p in 0..np {
            self.pi[p] = -covered.pi[na + p];
        }
        for a in 0..na {
            self.pi[np + a] = bonus - covered.pi[a];
            self.ceiling[a] = self.pi[np + a];
        }
        for p in 0..np {
            let range = self.first[p] as usize..self.first[p + 1] as usize;
            let ceiling = &self.ceiling;
            self.adj[range].sort_unstable_by_key(|e| e.cost - ceiling[e.acceptor as usize]);
        }
        let taken = covered.used_by_edge();
        for pos in 0..self.adj.len() {
            let e = self.adj[pos];
            if taken[e.id as usize] {
                let (p, a) = (e.proposer as usize, e.acceptor as usize);
                self.used[pos] = true;
                self.pdeg[p] += 1;
                self.holders[(self.hstart[a] + self.adeg[a]) as usize] = pos as u32;
                self.adeg[a] += 1;
                self.entered[p] = true;
            }
        }
        let z = self.terminal();
        self.pi[z] = (0..z)
            .filter_map(|v| self.exit_cost(v).map(|c| self.pi[v] + c))
            .min()
            .unwrap_or(C::ZERO);
    }

    /// Gives proposer `p` one more unit if it has one and it pays off (true), else closes `p`
    /// once a unit of it did not pay off (false).
    fn propose_unit(&mut self, p: usize) -> bool {
        if !self.entered[p] {
            self.entered[p] = true;
            let (lo, hi) = (self.first[p] as usize, self.first[p + 1] as usize);
            self.closed[p] = lo == hi;
            // Make every edge out of p tight or slack: rc(p -> a) = cost + pi_p - pi_a >= 0.
            let np = self.pcap.len();
            self.pi[p] = self.adj[lo..hi]
                .iter()
                .map(|e| self.pi[np + e.acceptor as usize] - e.cost)
                .max()
                .unwrap_or(C::ZERO);
        }
        if self.closed[p] || self.pdeg[p] >= self.pcap[p] {
            return false;
        }
        let slot_cost = if self.pdeg[p] == 0 {
            -self.pbonus[p]
        } else {
            C::ZERO
        };
        // A new unit pays off iff slot_cost + (real path cost) < 0, i.e. iff the reduced
        // distance to the terminal is below this limit.
        let limit = self.pi[p] - self.pi[self.terminal()] - slot_cost;
        if !self.shortest_path(p, limit) {
            self.closed[p] = true;
            return false;
        }
        self.augment(p);
        true
    }

    /// Offers `v` the distance `d` (arriving from `from` over `pos`). Nothing at or beyond the
    /// bound can lie on a shorter path to the terminal, so it is not queued; a node with an
    /// arc to the terminal offers the terminal its distance at once, which tightens the bound.
    fn reach(&mut self, v: usize, d: C, from: usize, pos: u32) {
        if d >= self.bound {
            return;
        }
        if v == self.terminal() {
            self.bound = d;
        }
        let (stamp, done, dist) = (&mut self.stamp, &mut self.done, &mut self.dist);
        if improves(v, d, self.run, stamp, done, dist, &mut self.touched) {
            self.pred_node[v] = from as u32;
            self.pred_pos[v] = pos;
            self.heap.push(Reverse((d, v as u32)));
            if let Some(exit) = self.exit_cost(v) {
                let z = self.terminal();
                self.reach(z, d + exit + self.pi[v] - self.pi[z], v, NONE);
            }
        }
    }

    /// The cost of `v`'s arc to the terminal, if it has one: an acceptor's free slot (its
    /// bonus on the first) or a proposer dropping one of its units.
    fn exit_cost(&self, v: usize) -> Option<C> {
        let np = self.pcap.len();
        if v < np {
            let drop = if self.pdeg[v] == 1 {
                self.pbonus[v]
            } else {
                C::ZERO
            };
            (self.pdeg[v] > 0).then_some(drop)
        } else if v < self.terminal() {
            let a = v - np;
            let take = if self.adeg[a] == 0 {
                -self.abonus[a]
            } else {
                C::ZERO
            };
            (self.adeg[a] < self.acap[a]).then_some(take)
        } else {
            None
        }
    }

    /// Dijkstra from `source` until the terminal is settled below `limit` (true) or nothing
    /// below `limit` is left (false); then updates the potentials of the settled nodes, which
    /// keeps every reduced cost non-negative (and makes a next unit of `source` cost exactly
    /// its reduced cost when the search failed).
    fn shortest_path(&mut self, source: usize, limit: C) -> bool {
        self.run = self.run.wrapping_add(1);
        if self.run == 0 {
            self.stamp.fill(0);
            self.run = 1;
        }
        self.touched.clear();
        self.heap.clear();
        let np = self.pcap.len();
        let z = self.terminal();
        self.bound = limit;
        self.reach(source, C::ZERO, NONE as usize, NONE);
        let mut reach = limit;
        while let Some(Reverse((d, v))) = self.heap.pop() {
            let v = v as usize;
            if self.done[v] || d > self.dist[v] {
                continue;
            }
            if d >= limit {
                break;
            }
            self.done[v] = true;
            if v == z {
                reach = d;
                break;
            }
            let pv = self.pi[v];
            if v < np {
                // Free slots first: the terminal's distance they give prunes the rest.
                self.deferred.clear();
                for pos in self.first[v]..self.first[v + 1] {
                    let e = self.adj[pos as usize];
                    if d + e.cost - self.ceiling[e.acceptor as usize] + pv >= self.bound {
                        break; // this edge and every later one end beyond the bound
                    }
                    if !self.used[pos as usize] {
                        let a = np + e.acceptor as usize;
                        let da = d + e.cost + pv - self.pi[a];
                        if self.adeg[e.acceptor as usize] < self.acap[e.acceptor as usize] {
                            self.reach(a, da, v, pos);
                        } else if da < self.bound {
                            self.deferred.push((pos, da));
                        }
                    }
                }
                for k in 0..self.deferred.len() {
                    let (pos, da) = self.deferred[k];
                    let a = np + self.adj[pos as usize].acceptor as usize;
                    self.reach(a, da, v, pos);
                }
            } else {
                let a = v - np;
                let h0 = self.hstart[a] as usize;
                for k in 0..self.adeg[a] as usize {
                    let pos = self.holders[h0 + k];
                    let e = self.adj[pos as usize];
                    let q = e.proposer as usize;
                    self.reach(q, d - e.cost + pv - self.pi[q], v, pos);
                }
            }
        }
        for &v in &self.touched {
            let v = v as usize;
            if self.done[v] {
                self.pi[v] += self.dist[v] - reach;
            }
        }
        reach < limit
    }

    /// Flips the edges of the path found to the terminal; `source` gains one unit.
    fn augment(&mut self, source: usize) {
        let np = self.pcap.len();
        let mut v = self.terminal();
        let last = self.pred_node[v] as usize;
        if last < np {
            self.pdeg[last] -= 1; // a proposer drops out of one match
        }
        v = last;
        while v != source {
            let pos = self.pred_pos[v];
            let e = self.adj[pos as usize];
            let a = e.acceptor as usize;
            let h0 = self.hstart[a] as usize;
            if v < np {
                // Arrived over a used edge: the acceptor releases it.
                self.used[pos as usize] = false;
                let deg = self.adeg[a] as usize;
                let k = (0..deg)
                    .find(|&k| self.holders[h0 + k] == pos)
                    .expect("holder");
                self.holders[h0 + k] = self.holders[h0 + deg - 1];
                self.adeg[a] -= 1;
            } else {
                self.used[pos as usize] = true;
                self.holders[h0 + self.adeg[a] as usize] = pos;
                self.adeg[a] += 1;
            }
            v = self.pred_node[v] as usize;
        }
        self.pdeg[source] += 1;
    }
}
