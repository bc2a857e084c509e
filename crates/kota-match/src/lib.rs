//! Kota's matching engine: a pure library (no I/O).
//!
//! * [`flow`]: an exact min-cost flow solver (cost scaling, successive shortest paths), DIMACS.
//! * [`bmatching`]: exact min-cost bipartite b-matching with first-match bonuses (fair mode).
//! * [`assignment`]: the dense linear assignment problem (Jonker–Volgenant).

pub mod assignment;
pub mod bmatching;
pub mod flow;
