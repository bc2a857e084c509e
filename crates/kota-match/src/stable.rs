//! Stable many-to-many matching by deferred acceptance (Gale–Shapley with capacities): the
//! proposing side gets its best stable outcome. Run it with partners or with cities proposing.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// One side's member: its capacity and its ranked list of acceptable members of the other side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    /// Unique id on its side.
    pub id: String,
    /// How many matches it can hold.
    pub capacity: u32,
    /// Acceptable members of the other side, best first.
    pub prefs: Vec<String>,
}

/// Why a stable matching problem is rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StableError {
    /// Two agents of one side share an id.
    #[error("duplicate id `{0}`")]
    DuplicateId(String),
    /// A preference list names an unknown agent.
    #[error("`{agent}` ranks unknown `{unknown}`")]
    UnknownId {
        /// Whose list.
        agent: String,
        /// The unknown id.
        unknown: String,
    },
}

/// A pair (proposer id, receiver id).
pub type Pair = (String, String);

struct Side<'a> {
    agents: &'a [Agent],
    /// rank[a][other] = position of `other` in a's list.
    rank: Vec<HashMap<usize, usize>>,
    prefs: Vec<Vec<usize>>,
}

fn index(agents: &[Agent]) -> Result<HashMap<&str, usize>, StableError> {
    let mut map = HashMap::new();
    for (i, a) in agents.iter().enumerate() {
        if map.insert(a.id.as_str(), i).is_some() {
            return Err(StableError::DuplicateId(a.id.clone()));
        }
    }
    Ok(map)
}

impl<'a> Side<'a> {
    fn new(agents: &'a [Agent], others: &HashMap<&str, usize>) -> Result<Self, StableError> {
        let mut prefs = Vec::with_capacity(agents.len());
        let mut rank = Vec::with_capacity(agents.len());
        for a in agents {
            let mut list = Vec::new();
            let mut r = HashMap::new();
            for id in &a.prefs {
                let o = *others
                    .get(id.as_str())
                    .ok_or_else(|| StableError::UnknownId {
                        agent: a.id.clone(),
                        unknown: id.clone(),
                    })?;
                if let std::collections::hash_map::Entry::Vacant(slot) = r.entry(o) {
                    slot.insert(list.len());
                    list.push(o);
                }
            }
            prefs.push(list);
            rank.push(r);
        }
        Ok(Self {
            agents,
            rank,
            prefs,
        })
    }

    fn accepts(&self, a: usize, other: usize) -> Option<usize> {
        self.rank[a].get(&other).copied()
    }
}

fn sides<'a>(p: &'a [Agent], r: &'a [Agent]) -> Result<(Side<'a>, Side<'a>), StableError> {
    let (pi, ri) = (index(p)?, index(r)?);
    Ok((Side::new(p, &ri)?, Side::new(r, &pi)?))
}

/// Deferred acceptance with `proposers` proposing. Only mutually acceptable pairs are
/// matched. Returns the pairs sorted by proposer, then receiver.
pub fn deferred_acceptance(
    proposers: &[Agent],
    receivers: &[Agent],
) -> Result<Vec<Pair>, StableError> {
    let (p, r) = sides(proposers, receivers)?;
    let mut next = vec![0usize; proposers.len()];
    let mut held: Vec<Vec<usize>> = vec![Vec::new(); receivers.len()];
    let mut load = vec![0u32; proposers.len()];
    let mut queue: Vec<usize> = (0..proposers.len()).collect();
    while let Some(a) = queue.pop() {
        while load[a] < proposers[a].capacity && next[a] < p.prefs[a].len() {
            let b = p.prefs[a][next[a]];
            next[a] += 1;
            if r.accepts(b, a).is_none() || receivers[b].capacity == 0 {
                continue;
            }
            load[a] += 1;
            let h = &mut held[b];
            h.push(a);
            if h.len() > receivers[b].capacity as usize {
                let worst = (0..h.len()).max_by_key(|&i| r.rank[b][&h[i]]).unwrap_or(0);
                let loser = h.swap_remove(worst);
                load[loser] -= 1;
                if loser != a {
                    queue.push(loser);
                }
            }
        }
    }
    let mut pairs: Vec<Pair> = held
        .iter()
        .enumerate()
        .flat_map(|(b, h)| h.iter().map(move |&a| (a, b)))
        .map(|(a, b)| (proposers[a].id.clone(), receivers[b].id.clone()))
        .collect();
    pairs.sort();
    Ok(pairs)
}

/// The pairs that block `matching`: mutually acceptable, unmatched, and each side has a free
/// place or prefers the other to its worst current match. Empty means stable.
pub fn blocking_pairs(
    proposers: &[Agent],
    receivers: &[Agent],
    matching: &[Pair],
) -> Result<Vec<Pair>, StableError> {
    let (p, r) = sides(proposers, receivers)?;
    let (pi, ri) = (index(proposers)?, index(receivers)?);
    let mut mp: Vec<Vec<usize>> = vec![Vec::new(); proposers.len()];
    let mut mr: Vec<Vec<usize>> = vec![Vec::new(); receivers.len()];
    for (a, b) in matching {
        let (a, b) = (pi[a.as_str()], ri[b.as_str()]);
        mp[a].push(b);
        mr[b].push(a);
    }
    let wants = |side: &Side, me: usize, current: &[usize], other: usize| {
        let Some(rank) = side.accepts(me, other) else {
            return false;
        };
        current.len() < side.agents[me].capacity as usize
            || current
                .iter()
                .any(|&c| side.rank[me].get(&c).is_none_or(|&rc| rc > rank))
    };
    let mut blocking = Vec::new();
    for a in 0..proposers.len() {
        for &b in &p.prefs[a] {
            if !mp[a].contains(&b) && wants(&p, a, &mp[a], b) && wants(&r, b, &mr[b], a) {
                blocking.push((proposers[a].id.clone(), receivers[b].id.clone()));
            }
        }
    }
    Ok(blocking)
}
