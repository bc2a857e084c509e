//! The sparse linear assignment problem: each row may take only some columns. The same
//! Jonker–Volgenant steps as for dense matrices, over each row's own list of columns: column
//! reduction with reduction transfer and two passes of augmenting row reduction serve most rows
//! cheaply; each row still free then gets a Dijkstra search over columns with a binary heap,
//! stopping at the first free column it settles.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{Duals, FREE, augmenting_row_reduction, two_least};

/// A sparse `n × n` assignment problem, row by row: the columns open to row `i` are
/// `col[first[i]..first[i + 1]]`, at the matching `cost`s.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SparseProblem {
    /// Start of each row's entries, and the total at the end (`n + 1` values).
    pub first: Vec<u32>,
    /// The column of each entry.
    pub col: Vec<u32>,
    /// The cost of each entry.
    pub cost: Vec<i64>,
}

impl SparseProblem {
    /// The number of rows (and columns).
    pub fn n(&self) -> usize {
        self.first.len().saturating_sub(1)
    }

    fn entries(&self, i: usize) -> std::ops::Range<usize> {
        self.first[i] as usize..self.first[i + 1] as usize
    }
}

/// An optimal sparse assignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SparseAssignment {
    /// The minimum total cost.
    pub cost: i64,
    /// For each row, the entry it takes: its column is `col[entry[i]]`.
    pub entry: Vec<usize>,
}

/// Solves the sparse assignment problem: a minimum-cost perfect matching of rows to columns,
/// or `None` when there is none. Each (row, column) pair should appear once.
///
/// # Panics
/// If `first` does not delimit `col` and `cost`, or a column is `n` or more.
pub fn solve_sparse(p: &SparseProblem) -> Option<SparseAssignment> {
    let n = p.n();
    assert!(
        p.col.len() == p.cost.len() && p.first.last().map_or(0, |&f| f as usize) == p.col.len()
    );
    let mut lap = SparseLap {
        p,
        duals: Duals::new(n),
    };
    let free = lap.column_reduction()?;
    let two_least_of_row = |d: &Duals, i: usize| {
        two_least(p.entries(i).map(|k| {
            let j = p.col[k] as usize;
            (p.cost[k] - d.v[j], j, k)
        }))
    };
    let free = augmenting_row_reduction(&mut lap.duals, free, two_least_of_row);
    let mut search = Search {
        d: vec![0; n],
        pred: vec![0; n],
        via: vec![0; n],
        bound: 0,
        stamp: vec![0; n],
        settled: Vec::new(),
        heap: BinaryHeap::new(),
        run: 0,
    };
    for f in free {
        lap.augment(f as usize, &mut search)?;
    }
    let entry: Vec<usize> = lap.duals.at.iter().map(|&k| k as usize).collect();
    Some(SparseAssignment {
        cost: entry.iter().map(|&k| p.cost[k]).sum(),
        entry,
    })
}

struct SparseLap<'a> {
    p: &'a SparseProblem,
    duals: Duals,
}

/// The state of one shortest-path search, reused from row to row.
struct Search {
    d: Vec<i64>,
    /// The row a column was reached from, and over which of its entries.
    pred: Vec<u32>,
    via: Vec<u32>,
    /// The distance of the nearest free column reached so far: nothing beyond it is queued.
    bound: i64,
    /// `stamp[j] == run` when column `j` was reached in this search; `run + 1` once settled.
    stamp: Vec<u32>,
    settled: Vec<u32>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
    run: u32,
}

impl SparseLap<'_> {
    /// The reduced cost of each entry of row `i`: `(entry, column, cost - v[column])`.
    fn reduced(&self, i: usize) -> impl Iterator<Item = (usize, usize, i64)> + '_ {
        self.p.entries(i).map(|k| {
            let j = self.p.col[k] as usize;
            (k, j, self.p.cost[k] - self.duals.v[j])
        })
    }

    /// Column minima as duals; each row gets at most one of the columns whose minimum it holds.
    /// Returns the free rows, or `None` if a column has no entry (no perfect matching).
    fn column_reduction(&mut self) -> Option<Vec<u32>> {
        let n = self.p.n();
        self.duals.v.fill(i64::MAX);
        let mut argmin = vec![(FREE, FREE); n];
        for i in 0..n {
            for k in self.p.entries(i) {
                let j = self.p.col[k] as usize;
                if self.p.cost[k] < self.duals.v[j] {
                    self.duals.v[j] = self.p.cost[k];
                    argmin[j] = (i as u32, k as u32);
                }
            }
        }
        if argmin.iter().any(|a| a.0 == FREE) {
            return None;
        }
        let (free, single) = self
            .duals
            .claim_minima(|j| (argmin[j].0 as usize, argmin[j].1 as usize));
        for i in single {
            // Reduction transfer: move the row's slack onto its column's dual.
            let j1 = self.duals.x[i] as usize;
            let slack = self
                .reduced(i)
                .filter(|&(_, j, _)| j != j1)
                .map(|(_, _, h)| h)
                .min();
            if let Some(slack) = slack {
                self.duals.v[j1] -= slack;
            }
        }
        Some(free)
    }

    /// Dijkstra over columns from free row `f` until a free column is settled; augments along
    /// the path and lowers the reduced costs of the settled columns. `None` if no free column
    /// can be reached (no perfect matching).
    fn augment(&mut self, f: usize, s: &mut Search) -> Option<()> {
        s.run = s.run.wrapping_add(2);
        if s.run < 2 {
            s.stamp.fill(0);
            s.run = 2;
        }
        s.settled.clear();
        s.heap.clear();
        s.bound = i64::MAX;
        let (reached, done) = (s.run, s.run + 1);
        let y = &self.duals.y;
        let offer = |s: &mut Search, (k, j, d): (usize, usize, i64), from: usize| {
            if d < s.bound && s.stamp[j] != done && (s.stamp[j] != reached || d < s.d[j]) {
                s.stamp[j] = reached;
                s.d[j] = d;
                s.pred[j] = from as u32;
                s.via[j] = k as u32;
                s.heap.push(Reverse((d, j as u32)));
                if y[j] == FREE {
                    s.bound = d;
                }
            }
        };
        for e in self.reduced(f) {
            offer(s, e, f);
        }
        let (end, last) = loop {
            let Reverse((d, j)) = s.heap.pop()?;
            let j = j as usize;
            if s.stamp[j] == done || d > s.d[j] {
                continue;
            }
            s.stamp[j] = done;
            s.settled.push(j as u32);
            let i = self.duals.y[j];
            if i == FREE {
                break (j, d);
            }
            // Row i holds j at its least reduced cost: going on from j costs the difference.
            let i = i as usize;
            let held = self.p.cost[self.duals.at[i] as usize] - self.duals.v[j];
            for (k, j2, h) in self.reduced(i) {
                offer(s, (k, j2, d + h - held), i);
            }
        };
        for &j in &s.settled {
            let j = j as usize;
            self.duals.v[j] += s.d[j] - last;
        }
        self.duals.flip_path(f, end, &s.pred, |j| s.via[j] as usize);
        Some(())
    }
}
