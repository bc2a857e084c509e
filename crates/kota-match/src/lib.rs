//! Kota's matching engine: a pure library (no I/O, no printing).
//!
//! * [`profile`]: the input: cities, partners, projects, exclusions.
//! * [`scoring`]: explained integer scores with configurable weights.
//! * [`network`] and [`topk`]: checked data, top-k recommendations through a candidate index,
//!   and "what would change it"; all partners' top-k cities at once for the twinning
//!   market's candidate graph ([`network::Network::recommend_cities_for_all_partners`]).
//! * [`twinning`]: optimal (and fair) capacity-aware assignment of partners to cities, and of
//!   firms to projects.
//! * [`round`]: a coordinator's round: pins, forbids, warm re-solves and capacity what-ifs,
//!   with one deterministic plan per input.
//! * [`stable`]: deferred acceptance with capacities, from either side.
//! * [`schedule`]: brokerage meetings to (slot, table) without clashes.
//! * [`bmatching`]: exact min-cost bipartite b-matching with first-match bonuses (fair mode).
//! * [`flow`]: an exact min-cost flow solver (cost scaling, successive shortest paths), DIMACS.
//! * [`assignment`]: the linear assignment problem, dense or sparse (Jonker–Volgenant).

pub mod assignment;
pub mod bmatching;
mod bulk;
pub mod flow;
pub mod network;
pub mod profile;
pub mod round;
pub mod schedule;
pub mod scoring;
pub mod stable;
pub mod topk;
pub mod twinning;
