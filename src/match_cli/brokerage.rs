//! `kota bench brokerage`: times the brokerage scheduler on a generated event (participants,
//! accepted meetings between distinct pairs, slots, tables), deterministic for a seed.

use std::collections::HashSet;
use std::process::ExitCode;
use std::time::Instant;

use kota_match::schedule::{ScheduleProblem, Unplaced};

use super::round::uint;
use super::{SOLVED, WRONG_INPUT, emit};

/// What the generated event has.
pub struct BrokerageArgs {
    /// Participants.
    pub participants: usize,
    /// Accepted meetings, each between two distinct participants, no pair twice.
    pub meetings: usize,
    /// Time slots.
    pub slots: u32,
    /// Tables.
    pub tables: u32,
    /// The generator's seed.
    pub seed: u64,
}

/// Generates the event, schedules it `runs` times and prints what was placed and how long
/// the scheduler took (median).
pub fn brokerage(a: &BrokerageArgs, runs: usize) -> ExitCode {
    let n = a.participants as u64;
    let possible = a.participants * a.participants.saturating_sub(1) / 2;
    if n < 2 || a.meetings > possible {
        eprintln!(
            "error: {} participants have at most {possible} distinct pairs",
            a.participants
        );
        return ExitCode::from(WRONG_INPUT);
    }
    let mut seen = HashSet::new();
    let mut meetings = Vec::with_capacity(a.meetings);
    let mut i = 0;
    while meetings.len() < a.meetings {
        let (x, y) = (uint(a.seed, 50, i, n), uint(a.seed, 51, i, n));
        i += 1;
        if x != y && seen.insert((x.min(y), x.max(y))) {
            meetings.push((format!("p{x}"), format!("p{y}")));
        }
    }
    let problem = ScheduleProblem {
        slots: a.slots,
        tables: a.tables,
        meetings,
        unavailable: Default::default(),
    };
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let schedule = problem.solve();
        let reasons = schedule.reasons(&problem);
        times.push(t.elapsed().as_secs_f64());
        last = Some((schedule, reasons));
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let Some((schedule, reasons)) = last else {
        return ExitCode::FAILURE;
    };
    let count = |r: Unplaced| reasons.iter().filter(|(_, x)| *x == r).count();
    emit(
        &format!(
            "brokerage: {} participants, {} meetings, {} slots × {} tables (seed {}): placed {} \
             (at most {}), left {} ({} with no common slot, {} with no table) | schedule median \
             {median:.3} s over {} runs\n",
            a.participants,
            a.meetings,
            a.slots,
            a.tables,
            a.seed,
            schedule.placed.len(),
            a.slots * a.tables,
            schedule.unplaced.len(),
            count(Unplaced::NoCommonSlot),
            count(Unplaced::NoTable),
            times.len(),
        ),
        SOLVED,
    )
}
