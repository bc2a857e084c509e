//! Property tests of the min-cost flow solvers and the dense assignment solver.

use kota_match::assignment::solve_dense;
use kota_match::flow::{Algorithm, FlowError, FlowProblem, FlowSolution};
use pathfinding::kuhn_munkres::kuhn_munkres_min;
use pathfinding::matrix::Matrix;
use proptest::prelude::*;

/// A random network: supplies summing to zero, arcs with bounds (parallel arcs, self-loops and
/// isolated nodes happen).
fn network() -> impl Strategy<Value = FlowProblem> {
    (1usize..8).prop_flat_map(|n| {
        let arcs = prop::collection::vec((0..n, 0..n, 0i64..3, 0i64..6, -20i64..20), 0..20);
        let supplies = prop::collection::vec(-4i64..5, n);
        (Just(n), arcs, supplies).prop_map(|(n, arcs, mut supplies)| {
            let total: i64 = supplies.iter().sum();
            supplies[0] -= total;
            let mut p = FlowProblem::new(n);
            for (v, s) in supplies.into_iter().enumerate() {
                p.set_supply(v, s);
            }
            for (t, h, low, extra, cost) in arcs {
                p.add_arc(t, h, low.min(extra), extra, cost).unwrap();
            }
            p
        })
    })
}

/// Checks bounds and conservation, and that the residual graph has no negative cycle
/// (Bellman-Ford), which proves optimality.
fn assert_optimal(p: &FlowProblem, s: &FlowSolution) {
    let n = p.node_count();
    let mut balance = p.supplies().to_vec();
    let mut residual = Vec::new();
    let mut cost = 0;
    for (a, &f) in p.arcs().iter().zip(&s.flow) {
        assert!(
            a.low <= f && f <= a.cap,
            "flow {f} outside {}..{}",
            a.low,
            a.cap
        );
        balance[a.tail] -= f;
        balance[a.head] += f;
        cost += f * a.cost;
        if f < a.cap {
            residual.push((a.tail, a.head, a.cost));
        }
        if f > a.low {
            residual.push((a.head, a.tail, -a.cost));
        }
    }
    assert!(
        balance.iter().all(|&b| b == 0),
        "not conserved: {balance:?}"
    );
    assert_eq!(cost, s.cost);
    let mut dist = vec![0i64; n];
    for _ in 0..n {
        for &(t, h, c) in &residual {
            dist[h] = dist[h].min(dist[t] + c);
        }
    }
    for &(t, h, c) in &residual {
        assert!(
            dist[t] + c >= dist[h],
            "negative residual cycle: not optimal"
        );
    }
}

/// Tries every flow on tiny networks: the exhaustive minimum, or None if infeasible.
fn brute_force(p: &FlowProblem) -> Option<i64> {
    fn go(p: &FlowProblem, i: usize, bal: &mut Vec<i64>, cost: i64, best: &mut Option<i64>) {
        if i == p.arcs().len() {
            if bal.iter().all(|&b| b == 0) && best.is_none_or(|b| cost < b) {
                *best = Some(cost);
            }
            return;
        }
        let a = p.arcs()[i];
        for f in a.low..=a.cap {
            bal[a.tail] -= f;
            bal[a.head] += f;
            go(p, i + 1, bal, cost + f * a.cost, best);
            bal[a.tail] += f;
            bal[a.head] -= f;
        }
    }
    let mut bal = p.supplies().to_vec();
    let mut best = None;
    go(p, 0, &mut bal, 0, &mut best);
    best
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn both_algorithms_are_optimal_and_agree(p in network()) {
        let a = p.solve_with(Algorithm::CostScaling);
        let b = p.solve_with(Algorithm::SuccessiveShortestPaths);
        match (&a, &b) {
            (Ok(x), Ok(y)) => {
                assert_optimal(&p, x);
                assert_optimal(&p, y);
                prop_assert_eq!(x.cost, y.cost);
            }
            (Err(x), Err(y)) => prop_assert_eq!(x, y),
            _ => prop_assert!(false, "{a:?} vs {b:?}"),
        }
    }

    #[test]
    fn tiny_networks_match_exhaustive_search(p in network().prop_filter("tiny", |p| {
        p.arcs().len() <= 6 && p.arcs().iter().all(|a| a.cap <= 3)
    })) {
        let expected = brute_force(&p);
        match p.solve() {
            Ok(s) => prop_assert_eq!(Some(s.cost), expected),
            Err(FlowError::Infeasible) => prop_assert_eq!(None, expected),
            Err(e) => prop_assert!(false, "{e}"),
        }
    }

    #[test]
    fn dense_assignment_matches_kuhn_munkres(
        (n, costs) in (1usize..9).prop_flat_map(|n| (Just(n), prop::collection::vec(0i64..50, n * n)))
    ) {
        let a = solve_dense(n, &costs);
        let m = Matrix::from_vec(n, n, costs.clone()).unwrap();
        let (expected, _) = kuhn_munkres_min(&m);
        prop_assert_eq!(a.cost, expected);
        let mut seen = vec![false; n];
        for &j in &a.row_to_col {
            prop_assert!(!seen[j]);
            seen[j] = true;
        }
    }
}

#[test]
fn unbalanced_supplies_are_reported() {
    let mut p = FlowProblem::new(2);
    p.set_supply(0, 1);
    assert_eq!(p.solve(), Err(FlowError::Unbalanced(1)));
}

#[test]
fn infeasible_when_capacity_is_short() {
    let mut p = FlowProblem::new(2);
    p.set_supply(0, 3);
    p.set_supply(1, -3);
    p.add_arc(0, 1, 0, 2, 1).unwrap();
    assert_eq!(p.solve(), Err(FlowError::Infeasible));
}

#[test]
fn invalid_bounds_are_rejected() {
    let mut p = FlowProblem::new(2);
    assert!(matches!(
        p.add_arc(0, 1, 3, 2, 0),
        Err(FlowError::InvalidArc { index: 0, .. })
    ));
    assert!(matches!(
        p.add_arc(0, 5, 0, 2, 0),
        Err(FlowError::InvalidArc { .. })
    ));
}
