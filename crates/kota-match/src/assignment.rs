//! The dense linear assignment problem: a minimum-cost perfect matching of an `n × n` matrix,
//! solved with the shortest augmenting path method of Jonker and Volgenant (column reduction,
//! reduction transfer, augmenting row reduction, then Dijkstra over columns for each free row).
//!
//! The matrix may hold any integer type that widens to `i64`: the solver is bound by memory
//! traffic, so a matrix of `i32` (half the bytes) is solved faster than the same one in `i64`.

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
        v: vec![0; n],
        x: vec![FREE; n],
        y: vec![FREE; n],
    };
    let free = lap.column_reduction();
    let mut free = lap.augmenting_row_reduction(free);
    free = lap.augmenting_row_reduction(free);
    let mut scratch = Scratch {
        d: vec![0; n],
        pred: vec![0; n],
        cols: vec![0; n],
    };
    for f in free {
        lap.augment(f as usize, &mut scratch);
    }
    let row_to_col: Vec<usize> = lap.x.iter().map(|&j| j as usize).collect();
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

struct Lap<'a, T> {
    n: usize,
    c: &'a [T],
    /// Column duals.
    v: Vec<i64>,
    /// Row -> column.
    x: Vec<u32>,
    /// Column -> row.
    y: Vec<u32>,
}

struct Scratch {
    d: Vec<i64>,
    pred: Vec<u32>,
    cols: Vec<u32>,
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
        for (v, &c) in self.v.iter_mut().zip(first) {
            *v = c.into();
        }
        for i in 1..n {
            let row = self.row(i);
            for j in 0..n {
                let c = row[j].into();
                if c < self.v[j] {
                    self.v[j] = c;
                    argmin[j] = i as u32;
                }
            }
        }
        let mut matches = vec![0u32; n];
        for j in (0..n).rev() {
            let i = argmin[j] as usize;
            matches[i] += 1;
            if matches[i] == 1 {
                self.x[i] = j as u32;
                self.y[j] = i as u32;
            }
        }
        let mut free = Vec::new();
        for (i, &count) in matches.iter().enumerate() {
            match count {
                0 => free.push(i as u32),
                1 => {
                    // Reduction transfer: move the row's slack onto its column's dual.
                    let j1 = self.x[i] as usize;
                    let row = self.row(i);
                    let slack = (0..n)
                        .filter(|&j| j != j1)
                        .map(|j| row[j].into() - self.v[j])
                        .min()
                        .unwrap_or(0);
                    self.v[j1] -= slack;
                }
                _ => {}
            }
        }
        free
    }

    /// One pass of augmenting row reduction; returns the rows still free. A row displaced
    /// from a column whose dual fell is reduced again at once; one displaced by a tie waits
    /// for the next pass (or the shortest-path phase), so ties cannot cycle.
    fn augmenting_row_reduction(&mut self, mut free: Vec<u32>) -> Vec<u32> {
        let n = self.n;
        let (mut current, mut kept, mut steps) = (0usize, 0usize, 0usize);
        // Rows reduced again at once may chain on; a budget caps the pass (measured: twice
        // the free rows plus n beats both less and no cap).
        let budget = 2 * free.len() + n;
        while current < free.len() {
            steps += 1;
            let i = free[current] as usize;
            current += 1;
            let row = self.row(i);
            let (mut u1, mut u2) = (i64::MAX, i64::MAX);
            let (mut j1, mut j2) = (0usize, 0usize);
            for (j, (&c, &vj)) in row.iter().zip(&self.v).enumerate() {
                let h = c.into() - vj;
                if h < u2 {
                    if h >= u1 {
                        u2 = h;
                        j2 = j;
                    } else {
                        u2 = u1;
                        j2 = j1;
                        u1 = h;
                        j1 = j;
                    }
                }
            }
            if n == 1 {
                u2 = u1;
            }
            let mut i0 = self.y[j1];
            let lowers = u1 < u2;
            if steps < budget {
                if lowers {
                    self.v[j1] -= u2 - u1;
                } else if i0 != FREE {
                    j1 = j2;
                    i0 = self.y[j1];
                }
            }
            if i0 != FREE {
                self.x[i0 as usize] = FREE;
                if lowers && steps < budget {
                    current -= 1;
                    free[current] = i0;
                } else {
                    free[kept] = i0;
                    kept += 1;
                }
            }
            self.x[i] = j1 as u32;
            self.y[j1] = i as u32;
        }
        free.truncate(kept);
        free
    }

    /// Dijkstra over columns from free row `f`; augments along the shortest path to a free
    /// column and updates the duals of the columns scanned.
    fn augment(&mut self, f: usize, s: &mut Scratch) {
        let n = self.n;
        let row = self.row(f);
        for (j, (d, (&c, &vj))) in s.d.iter_mut().zip(row.iter().zip(&self.v)).enumerate() {
            *d = c.into() - vj;
            s.cols[j] = j as u32;
        }
        s.pred.fill(f as u32);
        let (mut low, mut up, mut ready) = (0usize, 0usize, 0usize);
        let mut min = 0i64;
        let end = 'search: loop {
            if up == low {
                ready = low;
                min = s.d[s.cols[up] as usize];
                up += 1;
                // Gather the columns at the minimum distance right after `low`.
                let mut k = up;
                while k < n {
                    let j = s.cols[k] as usize;
                    let dj = s.d[j];
                    if dj <= min {
                        if dj < min {
                            up = low;
                            min = dj;
                        }
                        s.cols[k] = s.cols[up];
                        s.cols[up] = j as u32;
                        up += 1;
                    }
                    k += 1;
                }
                for k in low..up {
                    let j = s.cols[k] as usize;
                    if self.y[j] == FREE {
                        break 'search j;
                    }
                }
            }
            let j1 = s.cols[low] as usize;
            low += 1;
            let i = self.y[j1] as usize;
            let row = self.row(i);
            let u1 = row[j1].into() - self.v[j1] - min;
            let mut k = up;
            while k < n {
                let j = s.cols[k] as usize;
                let h = row[j].into() - self.v[j] - u1;
                if h < s.d[j] {
                    s.pred[j] = i as u32;
                    s.d[j] = h;
                    if h == min {
                        if self.y[j] == FREE {
                            break 'search j;
                        }
                        s.cols[k] = s.cols[up];
                        s.cols[up] = j as u32;
                        up += 1;
                    }
                }
                k += 1;
            }
        };
        for &j in &s.cols[..ready] {
            let j = j as usize;
            self.v[j] += s.d[j] - min;
        }
        let mut j = end;
        loop {
            let i = s.pred[j] as usize;
            self.y[j] = i as u32;
            let next = self.x[i];
            self.x[i] = j as u32;
            if i == f {
                break;
            }
            j = next as usize;
        }
    }
}
