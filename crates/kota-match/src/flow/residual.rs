//! The residual graph in forward-star form, shared by the flow algorithms.

use super::problem::Arc;

/// One residual arc: an arc of the problem or its reverse.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ResidualArc {
    /// The node it enters.
    pub head: u32,
    /// The index of its paired arc (forward <-> reverse).
    pub rev: u32,
    /// The remaining capacity.
    pub cap: i64,
    /// The unit cost (the negated cost on reverse arcs).
    pub cost: i64,
}

/// Residual arcs grouped by tail node: the arcs leaving `v` are `arcs[first[v]..first[v+1]]`.
pub(crate) struct Residual {
    pub first: Vec<u32>,
    pub arcs: Vec<ResidualArc>,
    forward: Vec<u32>,
}

impl Residual {
    /// Builds the residual graph of `arcs` with lower bounds already removed (capacities are
    /// `cap - low`, no flow).
    pub fn build(nodes: usize, arcs: &[Arc]) -> Self {
        let mut first = vec![0u32; nodes + 1];
        for a in arcs {
            first[a.tail + 1] += 1;
            first[a.head + 1] += 1;
        }
        for v in 0..nodes {
            first[v + 1] += first[v];
        }
        let mut next = first.clone();
        let empty = ResidualArc {
            head: 0,
            rev: 0,
            cap: 0,
            cost: 0,
        };
        let mut residual = vec![empty; 2 * arcs.len()];
        let mut forward = Vec::with_capacity(arcs.len());
        for a in arcs {
            let f = next[a.tail];
            next[a.tail] += 1;
            let r = next[a.head];
            next[a.head] += 1;
            residual[f as usize] = ResidualArc {
                head: a.head as u32,
                rev: r,
                cap: a.cap - a.low,
                cost: a.cost,
            };
            residual[r as usize] = ResidualArc {
                head: a.tail as u32,
                rev: f,
                cap: 0,
                cost: -a.cost,
            };
            forward.push(f);
        }
        Self {
            first,
            arcs: residual,
            forward,
        }
    }

    /// The number of nodes.
    pub fn nodes(&self) -> usize {
        self.first.len() - 1
    }

    /// The flow above the lower bound on the problem's arc `index`.
    pub fn flow(&self, index: usize) -> i64 {
        let f = self.arcs[self.forward[index] as usize];
        self.arcs[f.rev as usize].cap
    }

    /// Moves `delta` units along residual arc `e`.
    #[inline]
    pub fn push(&mut self, e: usize, delta: i64) {
        self.arcs[e].cap -= delta;
        let r = self.arcs[e].rev as usize;
        self.arcs[r].cap += delta;
    }
}
