//! Goldberg's cost-scaling push-relabel algorithm with partial augment-relabel steps.
//!
//! Costs are multiplied by `n + 1`, so a flow that is 1-optimal for the scaled costs is optimal
//! for the original ones. Each phase divides ε by [`ALPHA`] and restores ε-optimality: it first
//! saturates every arc of negative reduced cost, then moves the excesses along short paths of
//! admissible arcs (reduced cost < 0), lowering a node's price when it has none.

use std::collections::VecDeque;

use super::residual::Residual;

/// The factor by which ε shrinks between phases.
const ALPHA: i64 = 16;
/// The longest admissible path walked before pushing along it.
const MAX_PATH: usize = 4;

/// Whether scaled costs and prices are guaranteed to fit in 64 bits.
pub(crate) fn fits(g: &Residual) -> bool {
    let n = g.nodes() as i128 + 1;
    let max_cost = g
        .arcs
        .iter()
        .map(|a| i128::from(a.cost).abs())
        .max()
        .unwrap_or(0);
    // Prices fall by less than (ALPHA + 1)·n·ε per phase, and the ε sum to at most
    // max_cost·(n + 1)·ALPHA/(ALPHA - 1); a factor 8 covers that, reduced costs and dead ends.
    n * n * max_cost.max(1) * 8 < i128::from(i64::MAX)
}

/// Turns `excess` into zero at minimum cost. A feasible flow must exist.
pub(crate) fn solve(g: &mut Residual, excess: &mut [i64]) {
    let n = g.nodes();
    let scale = n as i64 + 1;
    for a in &mut g.arcs {
        a.cost *= scale;
    }
    let max_cost = g.arcs.iter().map(|a| a.cost.abs()).max().unwrap_or(0);
    let mut state = State {
        price: vec![0; n],
        next: vec![0; n],
        active: VecDeque::new(),
        path: Vec::with_capacity(MAX_PATH),
    };
    let mut eps = max_cost.max(1);
    loop {
        eps = (eps / ALPHA).max(1);
        state.refine(g, excess, eps);
        if eps == 1 {
            break;
        }
    }
    for a in &mut g.arcs {
        a.cost /= scale;
    }
}

struct State {
    price: Vec<i64>,
    next: Vec<u32>,
    active: VecDeque<u32>,
    path: Vec<u32>,
}

impl State {
    /// Turns an (ALPHA·ε)-optimal pseudoflow into an ε-optimal flow.
    fn refine(&mut self, g: &mut Residual, excess: &mut [i64], eps: i64) {
        let n = g.nodes();
        for v in 0..n {
            let pv = self.price[v];
            for e in g.first[v] as usize..g.first[v + 1] as usize {
                let a = g.arcs[e];
                if a.cap > 0 && a.cost + pv - self.price[a.head as usize] < 0 {
                    excess[v] -= a.cap;
                    excess[a.head as usize] += a.cap;
                    g.push(e, a.cap);
                }
            }
        }
        self.next.copy_from_slice(&g.first[..n]);
        self.active.clear();
        self.active
            .extend((0..n as u32).filter(|&v| excess[v as usize] > 0));
        while let Some(&start) = self.active.front() {
            if excess[start as usize] <= 0 {
                self.active.pop_front();
                continue;
            }
            self.find_path(g, excess, start as usize, eps);
            self.augment(g, excess, start as usize);
        }
    }

    /// Walks admissible arcs from `start` until a node with a deficit or [`MAX_PATH`] arcs,
    /// relabelling (and stepping back from) dead ends.
    fn find_path(&mut self, g: &Residual, excess: &[i64], start: usize, eps: i64) {
        self.path.clear();
        let mut tip = start;
        while excess[tip] >= 0 && self.path.len() < MAX_PATH {
            let pt = self.price[tip];
            let end = g.first[tip + 1];
            let mut e = self.next[tip];
            let mut found = false;
            while e < end {
                let a = g.arcs[e as usize];
                if a.cap > 0 && a.cost + pt - self.price[a.head as usize] < 0 {
                    found = true;
                    break;
                }
                e += 1;
            }
            if found {
                self.next[tip] = e;
                self.path.push(e);
                tip = g.arcs[e as usize].head as usize;
                continue;
            }
            // Relabel: the cheapest residual arc becomes admissible (reduced cost -ε).
            let mut best = i64::MAX;
            for a in &g.arcs[g.first[tip] as usize..end as usize] {
                if a.cap > 0 {
                    best = best.min(a.cost - self.price[a.head as usize]);
                }
            }
            self.price[tip] = if best == i64::MAX {
                pt - eps * (g.nodes() as i64 + 1) // no residual arc: a dead end for a long time
            } else {
                -best - eps
            };
            self.next[tip] = g.first[tip];
            if let Some(back) = self.path.pop() {
                tip = g.arcs[g.arcs[back as usize].rev as usize].head as usize;
            }
        }
    }

    /// Pushes as much as possible along the path found from `start`.
    fn augment(&mut self, g: &mut Residual, excess: &mut [i64], start: usize) {
        let mut u = start;
        for &e in &self.path {
            let e = e as usize;
            let v = g.arcs[e].head as usize;
            let delta = g.arcs[e].cap.min(excess[u]);
            g.push(e, delta);
            excess[u] -= delta;
            excess[v] += delta;
            if excess[v] > 0 && excess[v] <= delta {
                self.active.push_back(v as u32);
            }
            u = v;
        }
    }
}
