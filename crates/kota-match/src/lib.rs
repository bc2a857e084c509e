//! Kota's matching engine: a pure library (no I/O).
//!
//! * [`flow`]: an exact min-cost flow solver (cost scaling, successive shortest paths), DIMACS.
//! * [`assignment`]: the dense linear assignment problem (Jonker–Volgenant).

pub mod assignment;
pub mod flow;
