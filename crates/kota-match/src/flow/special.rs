//! Recognises flow problems with a structure that a specialised exact solver handles faster:
//! dense and sparse assignment (Jonker–Volgenant) and bipartite b-matching with a bypass arc
//! (the twinning network). Each reports flows on the original arcs, so callers see no
//! difference.

use super::{Arc, FlowProblem, FlowSolution};
use crate::assignment::{SparseProblem, solve_dense, solve_sparse};
use crate::bmatching::BMatchingProblem;

/// A problem converted for a specialised solver.
#[derive(Clone, Debug)]
pub(crate) enum Special {
    /// A dense assignment: the row-major cost matrix, and the arc of each cell unless the
    /// arcs come row by row (arc k = cell k).
    Dense {
        n: usize,
        cost: DenseCosts,
        index: Option<Vec<u32>>,
    },
    /// A sparse assignment: rows and columns renumbered, each entry's arc beside it.
    Sparse {
        problem: SparseProblem,
        arc: Vec<u32>,
    },
    /// A b-matching network.
    BMatching(Box<BMatchingNetwork>),
}

/// A dense cost matrix, in 32 bits when every cost fits (half the memory traffic).
#[derive(Clone, Debug)]
pub(crate) enum DenseCosts {
    Narrow(Vec<i32>),
    Wide(Vec<i64>),
}

/// A b-matching network and where its parts sit among the flow problem's arcs.
#[derive(Clone, Debug)]
pub(crate) struct BMatchingNetwork {
    problem: BMatchingProblem,
    edge_arcs: Vec<usize>,
    left: Vec<TerminalNode>,
    right: Vec<TerminalNode>,
    bypass: Vec<(usize, i64)>,
    supply: i64,
}

/// Recognises a structure with a specialised solver, if costs are small enough for exact
/// 64-bit arithmetic there (|cost| · nodes ≤ 2^52).
pub(crate) fn recognise(problem: &FlowProblem) -> Option<Special> {
    dense_assignment(problem)
        .or_else(|| sparse_assignment(problem))
        .or_else(|| bipartite_bmatching(problem))
}

impl Special {
    /// Solves the converted problem and maps the answer back onto `p`'s arcs; `None` when a
    /// sparse assignment has no perfect matching (the generic solver then says why).
    pub(crate) fn solve(&self, p: &FlowProblem) -> Option<FlowSolution> {
        let mut flow = vec![0i64; p.arcs().len()];
        let mut cost = 0;
        match self {
            Special::Dense {
                n,
                cost: matrix,
                index,
            } => {
                let solved = match matrix {
                    DenseCosts::Narrow(c) => solve_dense(*n, c),
                    DenseCosts::Wide(c) => solve_dense(*n, c),
                };
                for (i, &j) in solved.row_to_col.iter().enumerate() {
                    let cell = i * n + j;
                    flow[index.as_ref().map_or(cell, |x| x[cell] as usize)] = 1;
                }
                cost = solved.cost;
            }
            Special::Sparse { problem, arc } => {
                let solved = solve_sparse(problem)?;
                for &k in &solved.entry {
                    flow[arc[k] as usize] = 1;
                }
                cost = solved.cost;
            }
            Special::BMatching(b) => {
                b.solve(&mut flow);
                for (k, &f) in flow.iter().enumerate().filter(|(_, f)| **f != 0) {
                    cost += p.arcs()[k].cost * f;
                }
            }
        }
        Some(FlowSolution { cost, flow })
    }
}

/// Whether costs up to `max_abs` keep path lengths and totals exact over `nodes` nodes.
fn small(max_abs: i64, nodes: usize) -> bool {
    i128::from(max_abs) * (nodes as i128 + 1) <= 1 << 52
}

/// `n` unit sources, `n` unit sinks and exactly one arc (0 ≤ low ≤ 1 ≤ cap, so low = 0) from
/// every source to every sink.
fn dense_assignment(p: &FlowProblem) -> Option<Special> {
    let nodes = p.node_count();
    let n = nodes / 2;
    if n == 0 || nodes != 2 * n || p.arcs().len() != n * n {
        return None;
    }
    let s = p.supplies();
    if !(s[..n].iter().all(|&x| x == 1) && s[n..].iter().all(|&x| x == -1)) {
        return None;
    }
    let (cost, index, max_abs) = match dense_matrix::<i32>(p, n) {
        Ok(m) => (DenseCosts::Narrow(m.cost), m.index, m.max_abs),
        Err(NotDense::Wide) => {
            let m = dense_matrix::<i64>(p, n).ok()?;
            (DenseCosts::Wide(m.cost), m.index, m.max_abs)
        }
        Err(NotDense::Shape) => return None,
    };
    small(max_abs, nodes).then_some(Special::Dense { n, cost, index })
}

/// `n` unit sources, `n` unit sinks and every arc from a source to a sink, lower bound 0 and
/// capacity at least 1, but not every pair joined (that is [`dense_assignment`]). Of parallel
/// arcs only the cheapest is kept.
fn sparse_assignment(p: &FlowProblem) -> Option<Special> {
    let supplies = p.supplies();
    let mut index = vec![u32::MAX; supplies.len()];
    let (mut rows, mut cols) = (0u32, 0u32);
    for (v, &x) in supplies.iter().enumerate() {
        let counter = match x {
            1 => &mut rows,
            -1 => &mut cols,
            _ => return None,
        };
        index[v] = *counter;
        *counter += 1;
    }
    let n = rows as usize;
    if rows != cols || n == 0 {
        return None;
    }
    let mut first = vec![0u32; n + 1];
    let mut max_abs = 0i64;
    for a in p.arcs() {
        if supplies[a.tail] != 1 || supplies[a.head] != -1 || a.low != 0 || a.cap < 1 {
            return None;
        }
        first[index[a.tail] as usize + 1] += 1;
        max_abs = max_abs.max(a.cost.saturating_abs());
    }
    if !small(max_abs, supplies.len()) {
        return None;
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let m = p.arcs().len();
    let (mut col, mut cost, mut arc) = (vec![0u32; m], vec![0i64; m], vec![0u32; m]);
    let mut next = first.clone();
    for (k, a) in p.arcs().iter().enumerate() {
        let i = index[a.tail] as usize;
        let slot = next[i] as usize;
        next[i] += 1;
        (col[slot], cost[slot], arc[slot]) = (index[a.head], a.cost, k as u32);
    }
    // Parallel arcs keep the cheapest: compact each row in place, remembering where each
    // column was last entered as (row, position).
    let mut seen = vec![(u32::MAX, 0usize); n];
    let mut kept = 0usize;
    let mut start = 0usize;
    for i in 0..n {
        let end = first[i + 1] as usize;
        for k in start..end {
            let j = col[k] as usize;
            match seen[j] {
                (row, at) if row == i as u32 => {
                    if cost[k] < cost[at] {
                        (cost[at], arc[at]) = (cost[k], arc[k]);
                    }
                }
                _ => {
                    seen[j] = (i as u32, kept);
                    (col[kept], cost[kept], arc[kept]) = (col[k], cost[k], arc[k]);
                    kept += 1;
                }
            }
        }
        start = end;
        first[i + 1] = kept as u32;
    }
    col.truncate(kept);
    cost.truncate(kept);
    arc.truncate(kept);
    let problem = SparseProblem { first, col, cost };
    Some(Special::Sparse { problem, arc })
}

/// Why [`dense_matrix`] gave up.
enum NotDense {
    /// The arcs do not form a complete assignment network.
    Shape,
    /// A cost does not fit the matrix's element type.
    Wide,
}

/// A dense assignment network's costs as a matrix.
struct DenseMatrix<T> {
    /// Row-major costs.
    cost: Vec<T>,
    /// The arc of each cell, unless arc k is cell k.
    index: Option<Vec<u32>>,
    /// The largest absolute cost.
    max_abs: i64,
}

/// Reads the cost matrix of a dense assignment network.
fn dense_matrix<T: TryFrom<i64> + Copy + Default>(
    p: &FlowProblem,
    n: usize,
) -> Result<DenseMatrix<T>, NotDense> {
    let mut cost = vec![T::default(); n * n];
    let mut index: Option<Vec<u32>> = None;
    let mut max_abs = 0i64;
    for (k, a) in p.arcs().iter().enumerate() {
        if a.tail >= n || a.head < n || a.low != 0 || a.cap < 1 {
            return Err(NotDense::Shape);
        }
        let cell = a.tail * n + (a.head - n);
        if cell != k && index.is_none() {
            let identity = (0..k as u32).chain(std::iter::repeat_n(u32::MAX, n * n - k));
            index = Some(identity.collect());
        }
        if let Some(index) = index.as_mut() {
            if index[cell] != u32::MAX {
                return Err(NotDense::Shape);
            }
            index[cell] = k as u32;
        }
        cost[cell] = T::try_from(a.cost).map_err(|_| NotDense::Wide)?;
        max_abs = max_abs.max(a.cost.saturating_abs());
    }
    Ok(DenseMatrix {
        cost,
        index,
        max_abs,
    })
}

/// Role of a node in a b-matching network.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Unknown,
    Left(u32),
    Right(u32),
}

/// One source `s` and one sink `t` with opposite supplies X; a bypass `s → t` of cost 0 and
/// capacity ≥ X; arcs `s → left` and `right → t` of cost 0, except at most one per node of
/// capacity 1 and cost ≤ 0 (a first-match bonus); unit arcs `left → right`; X at least the
/// left capacity; all lower bounds 0.
fn bipartite_bmatching(p: &FlowProblem) -> Option<Special> {
    let supplies = p.supplies();
    let mut nonzero = supplies.iter().enumerate().filter(|(_, x)| **x != 0);
    let (a, b) = (nonzero.next()?, nonzero.next()?);
    if nonzero.next().is_some() {
        return None;
    }
    let ((s, &x), (t, _)) = if *a.1 > 0 { (a, b) } else { (b, a) };
    let mut role = vec![Role::Unknown; p.node_count()];
    let (mut left, mut right) = (Vec::new(), Vec::new());
    let mut bypass_cap = 0i64;
    for (k, arc) in p.arcs().iter().enumerate() {
        if arc.low != 0 {
            return None;
        }
        if arc.tail == s && arc.head == t {
            if arc.cost != 0 {
                return None;
            }
            bypass_cap += arc.cap;
        } else if arc.tail == s {
            add_terminal_arc(&mut role, &mut left, arc.head, (k, arc), true)?;
        } else if arc.head == t {
            add_terminal_arc(&mut role, &mut right, arc.tail, (k, arc), false)?;
        }
    }
    let left_cap: i64 = left.iter().map(|n: &TerminalNode| n.cap).sum();
    if bypass_cap < x || x < left_cap {
        return None;
    }
    let max_abs = p
        .arcs()
        .iter()
        .map(|a| a.cost.saturating_abs())
        .max()
        .unwrap_or(0);
    if !small(max_abs, p.node_count()) {
        return None;
    }
    let mut problem = BMatchingProblem::new(
        left.iter()
            .map(|n| u32::try_from(n.cap).ok())
            .collect::<Option<_>>()?,
        right
            .iter()
            .map(|n| u32::try_from(n.cap).ok())
            .collect::<Option<_>>()?,
    );
    problem.left_bonus = left.iter().map(|n| n.bonus).collect();
    problem.right_bonus = right.iter().map(|n| n.bonus).collect();
    let mut edge_arcs = Vec::new();
    for (k, arc) in p.arcs().iter().enumerate() {
        if arc.tail == s || arc.head == t {
            continue;
        }
        match (role[arc.tail], role[arc.head]) {
            (Role::Left(l), Role::Right(r)) if arc.cap == 1 => {
                problem.edges.push((l, r, arc.cost));
                edge_arcs.push(k);
            }
            _ => return None,
        }
    }
    let bypass = p
        .arcs()
        .iter()
        .enumerate()
        .filter(|(_, a)| a.tail == s && a.head == t)
        .map(|(k, a)| (k, a.cap))
        .collect();
    Some(Special::BMatching(Box::new(BMatchingNetwork {
        problem,
        edge_arcs,
        left,
        right,
        bypass,
        supply: x,
    })))
}

impl BMatchingNetwork {
    fn solve(&self, flow: &mut [i64]) {
        let solved = self.problem.solve();
        let mut ldeg = vec![0i64; self.left.len()];
        let mut rdeg = vec![0i64; self.right.len()];
        for (&k, (&(l, r, _), &used)) in self
            .edge_arcs
            .iter()
            .zip(self.problem.edges.iter().zip(&solved.used))
        {
            if used {
                flow[k] = 1;
                ldeg[l as usize] += 1;
                rdeg[r as usize] += 1;
            }
        }
        spread(&self.left, &ldeg, flow);
        spread(&self.right, &rdeg, flow);
        let mut rest = self.supply - ldeg.iter().sum::<i64>();
        for &(k, cap) in &self.bypass {
            flow[k] = rest.min(cap);
            rest -= flow[k];
        }
    }
}

/// A left or right node with its arcs to the source or the sink.
#[derive(Clone, Debug)]
struct TerminalNode {
    cap: i64,
    bonus: i64,
    /// The bonus arc first (if any), then the cost-0 arcs.
    arcs: Vec<(usize, i64)>,
}

fn add_terminal_arc(
    role: &mut [Role],
    side: &mut Vec<TerminalNode>,
    node: usize,
    (k, arc): (usize, &Arc),
    is_left: bool,
) -> Option<()> {
    let index = match role[node] {
        Role::Unknown => {
            let i = side.len() as u32;
            role[node] = if is_left {
                Role::Left(i)
            } else {
                Role::Right(i)
            };
            side.push(TerminalNode {
                cap: 0,
                bonus: 0,
                arcs: Vec::new(),
            });
            i
        }
        Role::Left(i) if is_left => i,
        Role::Right(i) if !is_left => i,
        _ => return None,
    };
    let n = &mut side[index as usize];
    if arc.cost < 0 {
        if arc.cap != 1 || n.bonus != 0 {
            return None;
        }
        n.bonus = -arc.cost;
        n.arcs.insert(0, (k, arc.cap));
    } else if arc.cost == 0 {
        n.arcs.push((k, arc.cap));
    } else {
        return None;
    }
    n.cap += arc.cap;
    Some(())
}

/// Puts each node's matched units on its terminal arcs, the bonus arc first.
fn spread(nodes: &[TerminalNode], degrees: &[i64], flow: &mut [i64]) {
    for (n, &deg) in nodes.iter().zip(degrees) {
        let mut rest = deg;
        for &(k, cap) in &n.arcs {
            flow[k] = rest.min(cap);
            rest -= flow[k];
        }
    }
}
