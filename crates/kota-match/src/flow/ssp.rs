//! Successive shortest paths: Dijkstra on reduced costs from all nodes with excess to the
//! nearest node with a deficit, then augment; potentials keep reduced costs non-negative.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{FlowError, residual::Residual};

const INF: i64 = i64::MAX;

/// Turns `excess` into zero at minimum cost, or reports that it cannot.
pub(crate) fn solve(g: &mut Residual, excess: &mut [i64]) -> Result<(), FlowError> {
    let n = g.nodes();
    // Saturate negative arcs: every residual arc then has a non-negative cost.
    for v in 0..n {
        for e in g.first[v] as usize..g.first[v + 1] as usize {
            let a = g.arcs[e];
            if a.cap > 0 && a.cost < 0 {
                excess[v] -= a.cap;
                excess[a.head as usize] += a.cap;
                g.push(e, a.cap);
            }
        }
    }
    let mut potential = vec![0i64; n];
    let mut dist = vec![INF; n];
    let mut parent = vec![u32::MAX; n];
    let mut done = vec![false; n];
    let mut heap = BinaryHeap::new();
    let mut touched: Vec<usize> = Vec::new();
    loop {
        for &v in &touched {
            dist[v] = INF;
            done[v] = false;
            parent[v] = u32::MAX;
        }
        touched.clear();
        heap.clear();
        for (v, &e) in excess.iter().enumerate() {
            if e > 0 {
                dist[v] = 0;
                touched.push(v);
                heap.push(Reverse((0i64, v as u32)));
            }
        }
        if heap.is_empty() {
            return Ok(());
        }
        let mut target = None;
        while let Some(Reverse((d, v))) = heap.pop() {
            let v = v as usize;
            if done[v] || d > dist[v] {
                continue;
            }
            done[v] = true;
            if excess[v] < 0 {
                target = Some(v);
                break;
            }
            for e in g.first[v] as usize..g.first[v + 1] as usize {
                let a = g.arcs[e];
                let w = a.head as usize;
                if a.cap <= 0 || done[w] {
                    continue;
                }
                let nd = d + a.cost + potential[v] - potential[w];
                if nd < dist[w] {
                    if dist[w] == INF {
                        touched.push(w);
                    }
                    dist[w] = nd;
                    parent[w] = e as u32;
                    heap.push(Reverse((nd, w as u32)));
                }
            }
        }
        let t = target.ok_or(FlowError::Infeasible)?;
        let dt = dist[t];
        // Shift by -dt so that nodes never reached keep their potential unchanged.
        for &v in &touched {
            potential[v] -= dt - dist[v].min(dt);
        }
        // Walk back to the source of the path and find the amount to move.
        let mut delta = -excess[t];
        let mut v = t;
        while parent[v] != u32::MAX {
            let e = parent[v] as usize;
            delta = delta.min(g.arcs[e].cap);
            v = g.arcs[g.arcs[e].rev as usize].head as usize;
        }
        delta = delta.min(excess[v]);
        let source = v;
        let mut v = t;
        while parent[v] != u32::MAX {
            let e = parent[v] as usize;
            g.push(e, delta);
            v = g.arcs[g.arcs[e].rev as usize].head as usize;
        }
        excess[source] -= delta;
        excess[t] += delta;
    }
}
