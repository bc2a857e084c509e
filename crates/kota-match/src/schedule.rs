//! The brokerage scheduler: accepted 1:1 meetings to (time slot, table) so that nobody has two
//! meetings in one slot, no table hosts two meetings at once and unavailable slots are
//! respected.
//!
//! Meetings are slots-coloured edges of the participants' graph. Each meeting takes a slot free
//! for both sides; when there is none, an alternating (Kempe) chain of two slots is swapped to
//! free one (König's theorem: on a bipartite graph with no unavailability this places every
//! meeting whenever the slots are at least the busiest participant's meetings). Then slots with
//! more meetings than tables hand whole alternating chains to emptier slots, which balances the
//! load whenever `slots × tables` suffices. With unavailable slots the problem is NP-hard in
//! general: the same steps are applied only where they respect availability, and meetings that
//! still find no place are reported as unplaced.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

/// A scheduling problem.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleProblem {
    /// Number of time slots (numbered from 0).
    pub slots: u32,
    /// Number of tables (numbered from 0).
    pub tables: u32,
    /// Accepted meetings, each between two participants.
    pub meetings: Vec<(String, String)>,
    /// Slots in which a participant cannot meet.
    #[serde(default)]
    pub unavailable: BTreeMap<String, Vec<u32>>,
}

/// A meeting with its place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    /// Position of the meeting in the input.
    pub meeting: usize,
    /// The slot.
    pub slot: u32,
    /// The table.
    pub table: u32,
}

/// Why a meeting found no place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unplaced {
    /// Both ends are the same participant.
    SameParticipant,
    /// In every slot, one side or the other already meets someone or is unavailable.
    NoCommonSlot,
    /// Both sides are free in some slot, but every such slot has all its tables taken.
    NoTable,
}

/// A schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Placed meetings, by slot then table.
    pub placed: Vec<Placed>,
    /// Positions of the meetings that found no place.
    pub unplaced: Vec<usize>,
}

const NONE: usize = usize::MAX;

struct Board {
    slots: usize,
    /// Participants of each meeting.
    ends: Vec<[usize; 2]>,
    /// busy[participant][slot] = the meeting there, or NONE.
    busy: Vec<Vec<usize>>,
    blocked: Vec<Vec<bool>>,
    colour: Vec<usize>,
    load: Vec<usize>,
}

impl Board {
    fn free(&self, v: usize, c: usize) -> bool {
        self.busy[v][c] == NONE && !self.blocked[v][c]
    }

    fn set(&mut self, m: usize, c: usize) {
        let old = self.colour[m];
        for v in self.ends[m] {
            if old != NONE {
                self.busy[v][old] = NONE;
            }
            if c != NONE {
                self.busy[v][c] = m;
            }
        }
        if old != NONE {
            self.load[old] -= 1;
        }
        if c != NONE {
            self.load[c] += 1;
        }
        self.colour[m] = c;
    }

    /// The maximal chain of meetings alternately in slots `a` and `b`, starting at `v` with
    /// its meeting in slot `a`.
    fn chain(&self, v: usize, a: usize, b: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let (mut at, mut slot, mut other) = (v, a, b);
        while self.busy[at][slot] != NONE {
            let m = self.busy[at][slot];
            if chain.contains(&m) {
                break; // a cycle
            }
            chain.push(m);
            let [x, y] = self.ends[m];
            at = if x == at { y } else { x };
            std::mem::swap(&mut slot, &mut other);
        }
        chain
    }

    /// Swaps slots `a` and `b` along `chain` if every meeting can take its new slot.
    fn swap(&mut self, chain: &[usize], a: usize, b: usize) -> bool {
        let target = |c: usize| if c == a { b } else { a };
        let allowed = chain.iter().all(|&m| {
            let t = target(self.colour[m]);
            self.ends[m].iter().all(|&v| !self.blocked[v][t])
        });
        if !allowed {
            return false;
        }
        let moves: Vec<(usize, usize)> =
            chain.iter().map(|&m| (m, target(self.colour[m]))).collect();
        for &(m, _) in &moves {
            self.set(m, NONE);
        }
        for (m, t) in moves {
            self.set(m, t);
        }
        true
    }

    /// Places meeting `m`, directly or after a Kempe chain swap.
    fn place(&mut self, m: usize) -> bool {
        let [u, v] = self.ends[m];
        if let Some(c) = (0..self.slots).find(|&c| self.free(u, c) && self.free(v, c)) {
            self.set(m, c);
            return true;
        }
        let alphas: Vec<usize> = (0..self.slots)
            .filter(|&a| self.free(u, a) && !self.blocked[v][a])
            .collect();
        let betas: Vec<usize> = (0..self.slots)
            .filter(|&b| self.free(v, b) && !self.blocked[u][b])
            .collect();
        for &a in &alphas {
            for &b in &betas {
                let chain = self.chain(v, a, b);
                let ends_at_u = chain.iter().any(|&x| self.ends[x].contains(&u));
                if !ends_at_u && self.swap(&chain, a, b) && self.free(v, a) && self.free(u, a) {
                    self.set(m, a);
                    return true;
                }
            }
        }
        false
    }

    /// Moves alternating chains from slots above `tables` meetings to slots below.
    fn balance(&mut self, tables: usize) {
        let mut progress = true;
        while progress {
            progress = false;
            let Some(a) = (0..self.slots).find(|&c| self.load[c] > tables) else {
                return;
            };
            let emptier: Vec<usize> = (0..self.slots).filter(|&b| self.load[b] < tables).collect();
            for b in emptier {
                // A chain that starts at a participant free in b and holds more a than b.
                let starts: Vec<usize> = (0..self.colour.len())
                    .filter(|&m| self.colour[m] == a)
                    .flat_map(|m| self.ends[m])
                    .filter(|&v| self.busy[v][b] == NONE)
                    .collect();
                for v in starts {
                    let chain = self.chain(v, a, b);
                    let in_a = chain.iter().filter(|&&m| self.colour[m] == a).count();
                    if 2 * in_a > chain.len() && self.swap(&chain, a, b) {
                        progress = true;
                        break;
                    }
                }
                if progress {
                    break;
                }
            }
        }
    }
}

impl ScheduleProblem {
    /// Computes a schedule.
    pub fn solve(&self) -> Schedule {
        let mut ids: HashMap<&str, usize> = HashMap::new();
        let mut ends = Vec::with_capacity(self.meetings.len());
        for (a, b) in &self.meetings {
            ends.push([intern(&mut ids, a), intern(&mut ids, b)]);
        }
        let slots = self.slots as usize;
        let mut blocked = vec![vec![false; slots]; ids.len()];
        for (who, list) in &self.unavailable {
            if let Some(&v) = ids.get(who.as_str()) {
                for &s in list.iter().filter(|&&s| (s as usize) < slots) {
                    blocked[v][s as usize] = true;
                }
            }
        }
        let mut board = Board {
            slots,
            busy: vec![vec![NONE; slots]; ids.len()],
            blocked,
            colour: vec![NONE; ends.len()],
            load: vec![0; slots],
            ends,
        };
        let mut unplaced: Vec<usize> = Vec::new();
        for m in 0..self.meetings.len() {
            let [u, v] = board.ends[m];
            if u == v || !board.place(m) {
                unplaced.push(m);
            }
        }
        let tables = self.tables as usize;
        board.balance(tables);
        // Whatever still exceeds the tables cannot be seated there.
        for c in 0..slots {
            while board.load[c] > tables {
                let m = (0..board.colour.len())
                    .rev()
                    .find(|&m| board.colour[m] == c)
                    .unwrap_or(0);
                board.set(m, NONE);
                unplaced.push(m);
            }
        }
        // A meeting taken out of a full slot may still fit a slot with a table left.
        unplaced.retain(|&m| {
            let [u, v] = board.ends[m];
            let open = (0..slots).find(|&c| {
                u != v && board.load[c] < tables && board.free(u, c) && board.free(v, c)
            });
            open.map(|c| board.set(m, c)).is_none()
        });
        unplaced.sort_unstable();
        let mut placed: Vec<Placed> = (0..board.colour.len())
            .filter(|&m| board.colour[m] != NONE)
            .map(|m| Placed {
                meeting: m,
                slot: board.colour[m] as u32,
                table: 0,
            })
            .collect();
        placed.sort_by_key(|p| (p.slot, p.meeting));
        let mut table = 0;
        for i in 0..placed.len() {
            table = if i > 0 && placed[i - 1].slot == placed[i].slot {
                table + 1
            } else {
                0
            };
            placed[i].table = table;
        }
        Schedule { placed, unplaced }
    }
}

impl Schedule {
    /// Why each unplaced meeting of `problem` found no place in this schedule, in the order
    /// of [`Schedule::unplaced`].
    pub fn reasons(&self, problem: &ScheduleProblem) -> Vec<(usize, Unplaced)> {
        let mut busy: HashMap<(&str, u32), ()> = HashMap::new();
        let mut load: HashMap<u32, u32> = HashMap::new();
        for p in &self.placed {
            if let Some((a, b)) = problem.meetings.get(p.meeting) {
                busy.insert((a, p.slot), ());
                busy.insert((b, p.slot), ());
                *load.entry(p.slot).or_default() += 1;
            }
        }
        let free = |who: &str, slot: u32| {
            !busy.contains_key(&(who, slot))
                && !problem
                    .unavailable
                    .get(who)
                    .is_some_and(|s| s.contains(&slot))
        };
        self.unplaced
            .iter()
            .filter_map(|&m| {
                let (a, b) = problem.meetings.get(m)?;
                let reason = if a == b {
                    Unplaced::SameParticipant
                } else if (0..problem.slots).any(|c| free(a, c) && free(b, c)) {
                    Unplaced::NoTable
                } else {
                    Unplaced::NoCommonSlot
                };
                Some((m, reason))
            })
            .collect()
    }
}

fn intern<'a>(ids: &mut HashMap<&'a str, usize>, s: &'a str) -> usize {
    let n = ids.len();
    *ids.entry(s).or_insert(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(slots: u32, tables: u32, meetings: &[(&str, &str)]) -> ScheduleProblem {
        ScheduleProblem {
            slots,
            tables,
            meetings: meetings
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect(),
            unavailable: BTreeMap::new(),
        }
    }

    #[test]
    fn what_does_not_fit_is_told_why() {
        // Three meetings of one participant in two slots: one has no slot in common.
        let p = problem(2, 5, &[("a", "x"), ("a", "y"), ("a", "z"), ("b", "b")]);
        let s = p.solve();
        assert_eq!(s.placed.len(), 2);
        let reasons: Vec<Unplaced> = s.reasons(&p).into_iter().map(|(_, r)| r).collect();
        assert_eq!(reasons, [Unplaced::NoCommonSlot, Unplaced::SameParticipant]);
        // Two slots of one table for three separate pairs: the third finds no table.
        let p = problem(2, 1, &[("a", "x"), ("b", "y"), ("c", "z")]);
        let s = p.solve();
        assert_eq!(s.placed.len(), 2);
        assert_eq!(s.reasons(&p), [(2, Unplaced::NoTable)]);
    }

    #[test]
    fn a_meeting_cut_from_a_full_slot_takes_a_table_left_elsewhere() {
        let p = problem(2, 1, &[("a", "x"), ("b", "y")]);
        let s = p.solve();
        assert!(s.unplaced.is_empty());
        assert_ne!(s.placed[0].slot, s.placed[1].slot);
    }
}
