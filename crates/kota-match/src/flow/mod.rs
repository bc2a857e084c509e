//! Minimum-cost flow: the exact optimiser under every assignment in the engine.
//!
//! A [`FlowProblem`] holds nodes with supplies and arcs with a lower bound, a capacity and an
//! integer unit cost. [`FlowProblem::solve`] returns a [`FlowSolution`] of minimum total cost or
//! tells why there is none. Two exact algorithms are implemented (see `docs/matching.md` for the
//! measurements behind the default):
//!
//! * [`Algorithm::Auto`] (the default): recognises dense and sparse assignment networks and
//!   bipartite b-matching networks and hands them to [`crate::assignment`] and
//!   [`crate::bmatching`]; cost scaling for everything else.
//! * [`Algorithm::CostScaling`]: Goldberg's cost-scaling push-relabel with partial
//!   augment-relabel steps: its running time hardly depends on the total flow.
//! * [`Algorithm::SuccessiveShortestPaths`]: Dijkstra with potentials, one augmenting path at a
//!   time. Simple and a good cross-check; used when scaled costs would not fit in 64 bits.

mod cost_scaling;
mod dimacs;
mod feasibility;
mod problem;
mod residual;
mod special;
mod ssp;

pub use dimacs::{DimacsError, parse_dimacs, write_dimacs_solution};
pub use problem::{Algorithm, Arc, FlowError, FlowProblem, FlowSolution, PreparedFlow};
