//! The problem and solution types of the min-cost flow solver.

use super::{cost_scaling, feasibility, residual::Residual, special, ssp};

/// An arc of a flow problem: `low <= flow <= cap`, each unit of flow costs `cost`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arc {
    /// The node the flow leaves.
    pub tail: usize,
    /// The node the flow enters.
    pub head: usize,
    /// The least flow the arc must carry.
    pub low: i64,
    /// The most flow the arc may carry.
    pub cap: i64,
    /// The cost of one unit of flow (may be negative).
    pub cost: i64,
}

/// Which exact algorithm solves a [`FlowProblem`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Algorithm {
    /// A specialised exact solver when the network is a dense assignment (Jonker–Volgenant)
    /// or a bipartite b-matching with a bypass arc; cost scaling otherwise. The default.
    #[default]
    Auto,
    /// Cost-scaling push-relabel.
    CostScaling,
    /// Successive shortest augmenting paths with Dijkstra and node potentials.
    SuccessiveShortestPaths,
}

/// Why a flow problem has no optimal solution.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    /// Supplies do not sum to zero.
    #[error("supplies sum to {0}, not 0")]
    Unbalanced(i64),
    /// No flow meets every supply, demand and arc bound.
    #[error("no feasible flow")]
    Infeasible,
    /// An arc names a missing node or has bounds outside `0 <= low <= cap`.
    #[error("arc {index}: {reason}")]
    InvalidArc {
        /// The arc's position (0-based) in insertion order.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// Costs times capacities are too large for exact 64-bit arithmetic.
    #[error("costs or capacities too large for exact 64-bit arithmetic")]
    Overflow,
}

/// An optimal flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowSolution {
    /// The minimum total cost.
    pub cost: i64,
    /// The flow on each arc, in the order the arcs were added.
    pub flow: Vec<i64>,
}

/// A min-cost flow problem: supplies on nodes (positive: source, negative: demand) and arcs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlowProblem {
    supply: Vec<i64>,
    arcs: Vec<Arc>,
}

impl FlowProblem {
    /// A problem with `nodes` nodes (numbered from 0), no supply and no arcs.
    pub fn new(nodes: usize) -> Self {
        Self {
            supply: vec![0; nodes],
            arcs: Vec::new(),
        }
    }

    /// The number of nodes.
    pub fn node_count(&self) -> usize {
        self.supply.len()
    }

    /// The arcs, in insertion order.
    pub fn arcs(&self) -> &[Arc] {
        &self.arcs
    }

    /// The supplies of all nodes.
    pub fn supplies(&self) -> &[i64] {
        &self.supply
    }

    /// Sets the supply of `node` (negative for a demand).
    ///
    /// # Panics
    /// If `node` is not a node of the problem.
    pub fn set_supply(&mut self, node: usize, supply: i64) {
        self.supply[node] = supply;
    }

    /// Adds an arc and returns its index.
    pub fn add_arc(
        &mut self,
        tail: usize,
        head: usize,
        low: i64,
        cap: i64,
        cost: i64,
    ) -> Result<usize, FlowError> {
        let index = self.arcs.len();
        let n = self.node_count();
        let invalid = |reason: String| Err(FlowError::InvalidArc { index, reason });
        if tail >= n || head >= n {
            return invalid(format!("node out of range (the problem has {n} nodes)"));
        }
        if low < 0 || low > cap {
            return invalid(format!(
                "bounds must satisfy 0 <= low <= cap, got {low}..{cap}"
            ));
        }
        self.arcs.push(Arc {
            tail,
            head,
            low,
            cap,
            cost,
        });
        Ok(index)
    }

    /// Solves with the default algorithm.
    pub fn solve(&self) -> Result<FlowSolution, FlowError> {
        self.solve_with(Algorithm::default())
    }

    /// Solves with the chosen algorithm. All return a minimum-cost flow (ties may be broken
    /// differently).
    pub fn solve_with(&self, algorithm: Algorithm) -> Result<FlowSolution, FlowError> {
        self.prepare(algorithm)?.solve()
    }

    /// Checks the problem and converts it for the chosen algorithm (for [`Algorithm::Auto`]:
    /// recognises a specialised structure), so that [`PreparedFlow::solve`] does only the
    /// solving; benchmarks time the two apart.
    pub fn prepare(&self, algorithm: Algorithm) -> Result<PreparedFlow<'_>, FlowError> {
        let total: i128 = self.supply.iter().map(|&s| i128::from(s)).sum();
        if total != 0 {
            return Err(FlowError::Unbalanced(
                i64::try_from(total).unwrap_or(i64::MAX),
            ));
        }
        let bound: i128 = self
            .arcs
            .iter()
            .map(|a| i128::from(a.cost).abs() * i128::from(a.cap))
            .sum::<i128>()
            + self
                .supply
                .iter()
                .map(|&s| i128::from(s).abs())
                .sum::<i128>();
        if bound > i128::from(i64::MAX / 4) {
            return Err(FlowError::Overflow);
        }
        let special = match algorithm {
            Algorithm::Auto => special::recognise(self),
            _ => None,
        };
        Ok(PreparedFlow {
            problem: self,
            algorithm,
            special,
        })
    }
}

/// A checked flow problem, converted for its algorithm.
#[derive(Clone, Debug)]
pub struct PreparedFlow<'a> {
    problem: &'a FlowProblem,
    algorithm: Algorithm,
    special: Option<special::Special>,
}

impl PreparedFlow<'_> {
    /// Solves the problem.
    pub fn solve(&self) -> Result<FlowSolution, FlowError> {
        if let Some(solved) = self.special.as_ref().and_then(|s| s.solve(self.problem)) {
            return Ok(solved);
        }
        let (problem, algorithm) = (self.problem, self.algorithm);
        let mut excess = problem.supply.clone();
        let mut base_cost = 0i64;
        for a in &problem.arcs {
            excess[a.tail] -= a.low;
            excess[a.head] += a.low;
            base_cost += a.low * a.cost;
        }
        let mut residual = Residual::build(problem.node_count(), &problem.arcs);
        if !feasibility::has_feasible_flow(&residual, &excess) {
            return Err(FlowError::Infeasible);
        }
        match algorithm {
            Algorithm::Auto | Algorithm::CostScaling if cost_scaling::fits(&residual) => {
                cost_scaling::solve(&mut residual, &mut excess)
            }
            _ => ssp::solve(&mut residual, &mut excess)?,
        }
        let flow: Vec<i64> = problem
            .arcs
            .iter()
            .enumerate()
            .map(|(i, a)| a.low + residual.flow(i))
            .collect();
        let cost = base_cost
            + problem
                .arcs
                .iter()
                .zip(&flow)
                .map(|(a, f)| (f - a.low) * a.cost)
                .sum::<i64>();
        Ok(FlowSolution { cost, flow })
    }
}
