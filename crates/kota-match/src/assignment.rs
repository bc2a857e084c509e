//! The linear assignment problem: a minimum-cost perfect matching of an `n × n` matrix, solved
//! with the shortest augmenting path method of Jonker and Volgenant (column reduction,
//! reduction transfer, augmenting row reduction, then Dijkstra over columns for each free row);
//! [`solve_dense`] for complete matrices, [`solve_sparse`] when each row has its own columns.
//!
//! The matrix may hold any integer type that widens to `i64`: the solver is bound by memory
//! traffic, so a matrix of `i32` (half the bytes) is solved faster than the same one in `i64`.

mod sparse;

pub use sparse::{SparseAssignment, SparseProblem, solve_sparse};

const FREE: u32 = u32::MAX;

/// An optimal assignment of rows to columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The minimum total cost.
    pub cost: i64,
    /// For each row, its column.
    pub row_to_col: Vec<usize>,
}

/// Solves the assignment problem for the row-major `n × n` matrix `cost`.
///
/// # Panics
/// If `cost.len() != n * n`.
pub fn solve_dense<T: Copy + Into<i64>>(n: usize, cost: &[T]) -> Assignment {
    assert_eq!(cost.len(), n * n, "the cost matrix must be n × n");
    if n == 0 {
        return Assignment {
            cost: 0,
            row_to_col: Vec::new(),
        };
    }
    let mut lap = Lap {
        n,
        c: cost,
        duals: Duals::new(n),
    };
    let free = lap.column_reduction();
    let two_least_of_row = |d: &Duals, i: usize| {
        let reduced = cost[i * n..(i + 1) * n].iter().zip(&d.v).enumerate();
        two_least(reduced.map(|(j, (&c, &v))| (c.into() - v, j, j)))
    };
    let free = augmenting_row_reduction(&mut lap.duals, free, two_least_of_row);
    let mut scratch = Scratch {
        d: vec![0; n],
        pred: vec![0; n],
        cols: vec![0; n],
    };
    for f in free {
        lap.augment(f as usize, &mut scratch);
    }
    let row_to_col: Vec<usize> = lap.duals.x.iter().map(|&j| j as usize).collect();
    let total = row_to_col
        .iter()
        .enumerate()
        .map(|(i, &j)| cost[i * n + j].into())
        .sum();
    Assignment {
        cost: total,
        row_to_col,
    }
}

/// One entry of a row: its reduced cost, its column and its position in the row.
type Entry = (i64, usize, usize);

/// Column duals and the assignment so far, shared by the dense and the sparse solver.
struct Duals {
    /// Column duals.
    v: Vec<i64>,
    /// Row -> column.
    x: Vec<u32>,
    /// Row -> the position of its column among the row's entries (the column when dense).
    at: Vec<u32>,
    /// Column -> row.
    y: Vec<u32>,
}

impl Duals {
    fn new(n: usize) -> Self {
        Self {
            v: vec![0; n],
            x: vec![FREE; n],
            at: vec![FREE; n],
            y: vec![FREE; n],
        }
    }

    /// Gives row `i` column `j`, at position `k` among its entries.
    fn assign(&mut self, i: usize, j: usize, k: usize) {
        self.x[i] = j as u32;
        self.at[i] = k as u32;
        self.y[j] = i as u32;
    }

    /// Gives each row the first of the columns whose least entry it holds; `argmin(j)` is that
    /// entry of column `j` as (row, position). Returns the rows left free and the rows that hold
    /// exactly one column minimum.
    fn claim_minima(&mut self, argmin: impl Fn(usize) -> (usize, usize)) -> (Vec<u32>, Vec<usize>) {
        let n = self.v.len();
        let mut held = vec![0u32; n];
        for j in (0..n).rev() {
            let (i, k) = argmin(j);
            held[i] += 1;
            if held[i] == 1 {
                self.assign(i, j, k);
            }
        }
        let free = (0..n).filter(|&i| held[i] == 0).map(|i| i as u32).collect();
        let single = (0..n).filter(|&i| held[i] == 1).collect();
        (free, single)
    }

    /// Flips the augmenting path from free row `f` to free column `end`, along which column
    /// `j` was reached from row `pred[j]` over the entry at position `via(j)`.
    fn flip_path(&mut self, f: usize, end: usize, pred: &[u32], via: impl Fn(usize) -> usize) {
        let mut j = end;
        loop {
            let i = pred[j] as usize;
            let next = self.x[i];
            self.assign(i, j, via(j));
            if i == f {
                return;
            }
            j = next as usize;
        }
    }
}

/// Two passes of augmenting row reduction (as Jonker and Volgenant do) over the `free` rows,
/// whose two least entries `two_least` gives; returns the rows still free.
fn augmenting_row_reduction(
    d: &mut Duals,
    free: Vec<u32>,
    two_least: impl Fn(&Duals, usize) -> Option<[Entry; 2]>,
) -> Vec<u32> {
    let free = row_reduction_pass(d, free, &two_least);
    row_reduction_pass(d, free, &two_least)
}

/// One pass of augmenting row reduction over the `free` rows whose two least entries
/// `two_least` gives (the same entry twice if a row has one; `None` if none); returns the rows
/// still free. A row displaced from a column whose dual fell is reduced again at once; one
/// displaced by a tie waits for the next pass (or the shortest-path phase), so ties cannot
/// cycle.
fn row_reduction_pass(
    d: &mut Duals,
    mut free: Vec<u32>,
    two_least: impl Fn(&Duals, usize) -> Option<[Entry; 2]>,
) -> Vec<u32> {
    let (mut current, mut kept, mut steps) = (0usize, 0usize, 0usize);
    // Rows reduced again at once may chain on; a budget caps the pass (measured: twice the
    // free rows plus n beats both less and no cap).
    let budget = 2 * free.len() + d.v.len();
    while current < free.len() {
        steps += 1;
        let i = free[current] as usize;
        current += 1;
        let Some([(u1, mut j1, mut k1), (u2, j2, k2)]) = two_least(d, i) else {
            // A row without entries: its search will find no column.
            free[kept] = i as u32;
            kept += 1;
            continue;
        };
        let mut i0 = d.y[j1];
        let lowers = u1 < u2;
        if steps < budget {
            if lowers {
                d.v[j1] -= u2 - u1;
            } else if i0 != FREE {
                (j1, k1) = (j2, k2);
                i0 = d.y[j1];
            }
        }
        if i0 != FREE {
            d.x[i0 as usize] = FREE;
            if lowers && steps < budget {
                current -= 1;
                free[current] = i0;
            } else {
                free[kept] = i0;
                kept += 1;
            }
        }
        d.assign(i, j1, k1);
    }
    free.truncate(kept);
    free
}

/// The two least entries, least first (the first of equals first); one entry is given twice.
fn two_least(entries: impl Iterator<Item = Entry>) -> Option<[Entry; 2]> {
    const NONE: Entry = (i64::MAX, usize::MAX, usize::MAX);
    let (mut first, mut second) = (NONE, NONE);
    for e in entries {
        if e.0 < second.0 {
            if e.0 >= first.0 {
                second = e;
            } else {
                second = first;
                first = e;
            }
        }
    }
    match (first.1, second.1) {
        (usize::MAX, _) => None,
        (_, usize::MAX) => Some([first, first]),
        _ => Some([first, second]),
    }
}

struct Lap<'a, T> {
    n: usize,
    c: &'a [T],
    duals: Duals,
}

struct Scratch {
    d: Vec<i64>,
    pred: Vec<u32>,
    cols: Vec<u32>,
}

impl Scratch {
    /// Moves the columns at the least distance among `cols[low..]` to the front of that range;
    /// returns the distance and where the front ends.
    #[inline(always)]
    fn gather(&mut self, low: usize) -> (i64, usize) {
        let mut min = self.d[self.cols[low] as usize];
        let start = low + 1;
        let mut up = start;
        for k in start..self.cols.len() {
            let j = self.cols[k] as usize;
            let dj = self.d[j];
            if dj <= min {
                if dj < min {
                    up = low;
                    min = dj;
                }
                self.cols[k] = self.cols[up];
                self.cols[up] = j as u32;
                up += 1;
            }
        }
        (min, up)
    }

    /// Relaxes the columns not yet at the minimum distance `min` (`cols[up..]`) over row `i`,
    /// which holds column `j1`; columns that reach `min` join the front. Returns a free column
    /// reached at `min`, if any.
    fn relax<T: Copy + Into<i64>>(
        &mut self,
        i: usize,
        row: &[T],
        j1: usize,
        duals: &Duals,
        min: i64,
        up: &mut usize,
    ) -> Option<usize> {
        let Duals { v, y, .. } = duals;
        let u1 = row[j1].into() - v[j1] - min;
        for k in *up..self.cols.len() {
            let j = self.cols[k] as usize;
            let h = row[j].into() - v[j] - u1;
            if h < self.d[j] {
                self.pred[j] = i as u32;
                self.d[j] = h;
                if h == min {
                    if y[j] == FREE {
                        return Some(j);
                    }
                    self.cols[k] = self.cols[*up];
                    self.cols[*up] = j as u32;
                    *up += 1;
                }
            }
        }
        None
    }
}

impl<'a, T: Copy + Into<i64>> Lap<'a, T> {
    fn row(&self, i: usize) -> &'a [T] {
        &self.c[i * self.n..(i + 1) * self.n]
    }

    /// Column minima as duals; each row gets at most one of the columns whose minimum it holds.
    /// Returns the free rows.
    fn column_reduction(&mut self) -> Vec<u32> {
        let n = self.n;
        let mut argmin = vec![0u32; n];
        let first = self.row(0);
        for (v, &c) in self.duals.v.iter_mut().zip(first) {
            *v = c.into();
        }
        for i in 1..n {
            let row = self.row(i);
            for j in 0..n {
                let c = row[j].into();
                if c < self.duals.v[j] {
                    self.duals.v[j] = c;
                    argmin[j] = i as u32;
                }
            }
        }
        let (free, single) = self.duals.claim_minima(|j| (argmin[j] as usize, j));
        for i in single {
            // Reduction transfer: move the row's slack onto its column's dual.
            let j1 = self.duals.x[i] as usize;
            let row = self.row(i);
            let slack = (0..n)
                .filter(|&j| j != j1)
                .map(|j| row[j].into() - self.duals.v[j])
                .min()
                .unwrap_or(0);
            self.duals.v[j1] -= slack;
        }
        free
    }

    /// Dijkstra over columns from free row `f`; augments along the shortest path to a free
    /// column and updates the duals of the columns scanned.
    #[inline(never)]
    fn augment(&mut self, f: usize, s: &mut Scratch) {
        let Duals { v, y, .. } = &self.duals;
        let row = self.row(f);
        for (j, (d, (&c, &vj))) in s.d.iter_mut().zip(row.iter().zip(v)).enumerate() {
            *d = c.into() - vj;
            s.cols[j] = j as u32;
        }
        s.pred.fill(f as u32);
        let (mut low, mut up, mut ready) = (0usize, 0usize, 0usize);
        let mut min = 0i64;
        let end = 'search: loop {
            if up == low {
                ready = low;
                (min, up) = s.gather(low);
                for k in low..up {
                    let j = s.cols[k] as usize;
                    if y[j] == FREE {
                        break 'search j;
                    }
                }
            }
            let j1 = s.cols[low] as usize;
            low += 1;
            let i = y[j1] as usize;
            if let Some(j) = s.relax(i, self.row(i), j1, &self.duals, min, &mut up) {
                break 'search j;
            }
        };
        for &j in &s.cols[..ready] {
            let j = j as usize;
            self.duals.v[j] += s.d[j] - min;
        }
        self.duals.flip_path(f, end, &s.pred, |j| j);
    }
}
