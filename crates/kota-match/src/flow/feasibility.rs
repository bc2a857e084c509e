//! Feasibility check: a maximum flow from the supply nodes to the demand nodes (Dinic's
//! algorithm) must move every unit of supply.

use super::residual::Residual;

const UNSEEN: u32 = u32::MAX;

/// Whether some flow within the residual capacities turns `excess` into zero everywhere.
pub(crate) fn has_feasible_flow(residual: &Residual, excess: &[i64]) -> bool {
    let mut dinic = Dinic {
        g: residual,
        cap: residual.arcs.iter().map(|a| a.cap).collect(),
        excess: excess.to_vec(),
        level: vec![UNSEEN; residual.nodes()],
        next: vec![0; residual.nodes()],
        sink_level: UNSEEN,
    };
    let mut missing: i64 = excess.iter().filter(|&&e| e > 0).sum();
    while missing > 0 && dinic.levels() {
        for v in 0..residual.nodes() {
            dinic.next[v] = residual.first[v];
        }
        for s in 0..residual.nodes() {
            while dinic.excess[s] > 0 && dinic.level[s] == 0 {
                let want = dinic.excess[s];
                let moved = dinic.augment(s, want);
                if moved == 0 {
                    break;
                }
                dinic.excess[s] -= moved;
                missing -= moved;
            }
        }
    }
    missing == 0
}

struct Dinic<'a> {
    g: &'a Residual,
    cap: Vec<i64>,
    excess: Vec<i64>,
    level: Vec<u32>,
    next: Vec<u32>,
    sink_level: u32,
}

impl Dinic<'_> {
    /// Breadth-first levels from all supply nodes; false when no demand node is reachable.
    fn levels(&mut self) -> bool {
        self.level.fill(UNSEEN);
        let mut queue = Vec::new();
        for (v, &e) in self.excess.iter().enumerate() {
            if e > 0 {
                self.level[v] = 0;
                queue.push(v as u32);
            }
        }
        self.sink_level = UNSEEN;
        let mut head = 0;
        while head < queue.len() {
            let v = queue[head] as usize;
            head += 1;
            if self.excess[v] < 0 {
                self.sink_level = self.level[v];
                break;
            }
            for e in self.g.first[v]..self.g.first[v + 1] {
                let w = self.g.arcs[e as usize].head as usize;
                if self.cap[e as usize] > 0 && self.level[w] == UNSEEN {
                    self.level[w] = self.level[v] + 1;
                    queue.push(w as u32);
                }
            }
        }
        self.sink_level != UNSEEN
    }

    /// Pushes up to `limit` units from `v` to demand nodes along the level graph (iterative DFS).
    fn augment(&mut self, start: usize, limit: i64) -> i64 {
        let mut path: Vec<u32> = Vec::new();
        let mut v = start;
        loop {
            if self.excess[v] < 0 && self.level[v] == self.sink_level {
                let mut delta = limit.min(-self.excess[v]);
                for &e in &path {
                    delta = delta.min(self.cap[e as usize]);
                }
                for &e in &path {
                    self.cap[e as usize] -= delta;
                    self.cap[self.g.arcs[e as usize].rev as usize] += delta;
                }
                self.excess[v] += delta;
                return delta;
            }
            let mut advanced = false;
            if self.level[v] < self.sink_level {
                while self.next[v] < self.g.first[v + 1] {
                    let e = self.next[v] as usize;
                    let w = self.g.arcs[e].head as usize;
                    if self.cap[e] > 0 && self.level[w] == self.level[v] + 1 {
                        path.push(e as u32);
                        v = w;
                        advanced = true;
                        break;
                    }
                    self.next[v] += 1;
                }
            }
            if !advanced {
                self.level[v] = UNSEEN; // dead end: prune it
                match path.pop() {
                    Some(e) => {
                        v = self.g.arcs[self.g.arcs[e as usize].rev as usize].head as usize;
                        self.next[v] += 1;
                    }
                    None => return 0,
                }
            }
        }
    }
}
