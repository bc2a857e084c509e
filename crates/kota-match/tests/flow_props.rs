//! Property tests of the min-cost flow solvers and the dense assignment solver.

use kota_match::assignment::solve_dense;
use kota_match::bmatching::BMatchingProblem;
use kota_match::flow::{Algorithm, FlowError, FlowProblem, FlowSolution};
use pathfinding::kuhn_munkres::{kuhn_munkres, kuhn_munkres_min};
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
        let narrow: Vec<i32> = costs.iter().map(|&c| c as i32).collect();
        prop_assert_eq!(solve_dense(n, &narrow).cost, expected);
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

/// A random b-matching: up to `max_nodes - 1` nodes a side, capacities below `max_cap`.
fn random_bmatching(
    max_nodes: usize,
    max_cap: u32,
    bonus: impl Strategy<Value = i64> + Clone,
    cost: std::ops::Range<i64>,
    max_edges: usize,
) -> impl Strategy<Value = BMatchingProblem> {
    (1..max_nodes, 1..max_nodes).prop_flat_map(move |(nl, nr)| {
        (
            prop::collection::vec(0..max_cap, nl),
            prop::collection::vec(bonus.clone(), nl),
            prop::collection::vec(0..max_cap, nr),
            prop::collection::vec(bonus.clone(), nr),
            prop::collection::vec((0..nl as u32, 0..nr as u32, cost.clone()), 0..max_edges),
        )
            .prop_map(|(left_cap, left_bonus, right_cap, right_bonus, edges)| {
                BMatchingProblem {
                    left_cap,
                    left_bonus,
                    right_cap,
                    right_bonus,
                    edges,
                }
            })
    })
}

/// A random small b-matching problem with bonuses.
fn bmatching_problem(max_edges: usize) -> impl Strategy<Value = BMatchingProblem> {
    random_bmatching(5, 3, 0i64..30, -20..8, max_edges)
}

/// Every subset of edges that respects the capacities: the exhaustive optimum.
fn brute_force_bmatching(p: &BMatchingProblem) -> i64 {
    let m = p.edges.len();
    let mut best = 0;
    for mask in 0u32..(1 << m) {
        let mut ldeg = vec![0u32; p.left_cap.len()];
        let mut rdeg = vec![0u32; p.right_cap.len()];
        let mut cost = 0;
        for (k, &(l, r, c)) in p.edges.iter().enumerate() {
            if mask & (1 << k) != 0 {
                ldeg[l as usize] += 1;
                rdeg[r as usize] += 1;
                cost += c;
            }
        }
        let fits = ldeg.iter().zip(&p.left_cap).all(|(d, c)| d <= c)
            && rdeg.iter().zip(&p.right_cap).all(|(d, c)| d <= c);
        if fits {
            let bonus = |deg: &[u32], b: &[i64]| -> i64 {
                deg.iter()
                    .zip(b)
                    .filter(|(d, _)| **d > 0)
                    .map(|(_, b)| b)
                    .sum()
            };
            best = best.min(cost - bonus(&ldeg, &p.left_bonus) - bonus(&rdeg, &p.right_bonus));
        }
    }
    best
}

/// A larger random b-matching: long searches, ties, zero-cost and parallel edges, unmatched
/// nodes.
fn larger_bmatching_problem() -> impl Strategy<Value = BMatchingProblem> {
    random_bmatching(14, 4, prop::sample::select(vec![0i64, 0, 5, 40]), -6..3, 90)
}

/// Fair mode's shape: no bonus on the side with the smaller total capacity, and on the other
/// side one bonus larger than the spread of any total of edge costs.
fn make_fair(p: &mut BMatchingProblem) {
    let left: u32 = p.left_cap.iter().sum();
    let right: u32 = p.right_cap.iter().sum();
    let most = p.edges.iter().map(|e| e.2).max().unwrap_or(0).max(0);
    let least = p.edges.iter().map(|e| e.2).min().unwrap_or(0).min(0);
    let bonus = i64::from(left.min(right)) * (most - least) + 1;
    let (none, fair) = if left > right {
        (&mut p.right_bonus, &mut p.left_bonus)
    } else {
        (&mut p.left_bonus, &mut p.right_bonus)
    };
    none.fill(0);
    fair.fill(bonus);
}

/// Whether the used edges keep every node within its capacity.
fn respects_capacities(p: &BMatchingProblem, used: &[bool]) -> bool {
    let mut ldeg = vec![0u32; p.left_cap.len()];
    let mut rdeg = vec![0u32; p.right_cap.len()];
    for (&(l, r, _), &u) in p.edges.iter().zip(used) {
        if u {
            ldeg[l as usize] += 1;
            rdeg[r as usize] += 1;
        }
    }
    ldeg.iter().zip(&p.left_cap).all(|(d, c)| d <= c)
        && rdeg.iter().zip(&p.right_cap).all(|(d, c)| d <= c)
}

/// The b-matching as a min-cost flow network with a bypass arc (the generator's shape).
fn as_network(p: &BMatchingProblem) -> FlowProblem {
    let (nl, nr) = (p.left_cap.len(), p.right_cap.len());
    let (s, t) = (0, nl + nr + 1);
    let supply: i64 = p.left_cap.iter().map(|&c| i64::from(c)).sum();
    let mut f = FlowProblem::new(nl + nr + 2);
    f.set_supply(s, supply);
    f.set_supply(t, -supply);
    let tiers = |f: &mut FlowProblem, tail: usize, head: usize, cap: u32, bonus: i64| {
        let cap = i64::from(cap);
        if cap > 0 {
            f.add_arc(tail, head, 0, 1, -bonus).unwrap();
            f.add_arc(tail, head, 0, cap - 1, 0).unwrap();
        }
    };
    for l in 0..nl {
        tiers(&mut f, s, 1 + l, p.left_cap[l], p.left_bonus[l]);
    }
    for &(l, r, c) in &p.edges {
        f.add_arc(1 + l as usize, 1 + nl + r as usize, 0, 1, c)
            .unwrap();
    }
    for r in 0..nr {
        tiers(&mut f, 1 + nl + r, t, p.right_cap[r], p.right_bonus[r]);
    }
    f.add_arc(s, t, 0, supply, 0).unwrap();
    f
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn bmatching_matches_exhaustive_search(p in bmatching_problem(11)) {
        let solved = p.solve();
        prop_assert_eq!(solved.cost, brute_force_bmatching(&p));
    }

    #[test]
    fn bmatching_with_bonuses_on_the_proposing_side_matches_exhaustive_search(
        mut p in bmatching_problem(11)
    ) {
        // The side with the larger total capacity accepts; without bonuses there, the
        // specialised shortest-path solver (not cost scaling) runs.
        let left: u32 = p.left_cap.iter().sum();
        let right: u32 = p.right_cap.iter().sum();
        if left > right {
            p.left_bonus.fill(0);
        } else {
            p.right_bonus.fill(0);
        }
        prop_assert_eq!(p.solve().cost, brute_force_bmatching(&p));
    }

    #[test]
    fn bmatching_network_is_solved_alike_by_every_algorithm(p in bmatching_problem(30)) {
        let f = as_network(&p);
        let auto = f.solve_with(Algorithm::Auto).unwrap();
        let generic = f.solve_with(Algorithm::CostScaling).unwrap();
        assert_optimal(&f, &auto);
        prop_assert_eq!(auto.cost, generic.cost);
        prop_assert_eq!(auto.cost, p.solve().cost);
    }

    #[test]
    fn larger_bmatching_agrees_with_successive_shortest_paths(mut p in larger_bmatching_problem()) {
        // Long searches, ties, zero-cost and parallel edges, unmatched nodes: the specialised
        // shortest-path solver (pruned, early-stopping scans; no bonuses on the accepting
        // side, so it does not hand over to cost scaling) against the plain one.
        let left: u32 = p.left_cap.iter().sum();
        let right: u32 = p.right_cap.iter().sum();
        if left > right {
            p.left_bonus.fill(0);
        } else {
            p.right_bonus.fill(0);
        }
        let f = as_network(&p);
        let expected = f.solve_with(Algorithm::SuccessiveShortestPaths).unwrap();
        let solved = p.solve();
        prop_assert_eq!(solved.cost, expected.cost);
        prop_assert!(respects_capacities(&p, &solved.used));
    }

    #[test]
    fn fair_bmatching_with_a_dominant_bonus_on_the_accepting_side_is_optimal(
        (mut small, mut large) in (bmatching_problem(11), larger_bmatching_problem())
    ) {
        // Fair mode's shape: the accepting side (larger total capacity) earns one bonus that
        // outweighs any total of edge costs; solved in two stages (serve the most acceptors,
        // then the rest) against exhaustive search and the plain shortest-path solver.
        make_fair(&mut small);
        make_fair(&mut large);
        prop_assert_eq!(small.solve().cost, brute_force_bmatching(&small));
        let expected = as_network(&large).solve_with(Algorithm::SuccessiveShortestPaths).unwrap();
        let solved = large.solve();
        prop_assert_eq!(solved.cost, expected.cost);
        prop_assert!(respects_capacities(&large, &solved.used));
    }

    #[test]
    fn unit_bmatching_matches_kuhn_munkres(
        (n, scores) in (1usize..7).prop_flat_map(|n| (Just(n), prop::collection::vec(0i64..100, n * n)))
    ) {
        // Capacities 1, complete graph: the max-weight assignment (zero weight = unmatched).
        let mut p = BMatchingProblem::new(vec![1; n], vec![1; n]);
        for (k, &s) in scores.iter().enumerate() {
            p.edges.push(((k / n) as u32, (k % n) as u32, -s));
        }
        let (best, _) = kuhn_munkres(&Matrix::from_vec(n, n, scores).unwrap());
        prop_assert_eq!(-p.solve().cost, best);
    }

    #[test]
    fn auto_solves_dense_assignments_optimally(
        (n, costs) in (1usize..6).prop_flat_map(|n| (Just(n), prop::collection::vec(-9i64..50, n * n)))
    ) {
        let mut f = FlowProblem::new(2 * n);
        for i in 0..n {
            f.set_supply(i, 1);
            f.set_supply(n + i, -1);
        }
        for (k, &c) in costs.iter().enumerate() {
            f.add_arc(k / n, n + k % n, 0, 1, c).unwrap();
        }
        let s = f.solve().unwrap();
        assert_optimal(&f, &s);
        prop_assert_eq!(s.cost, solve_dense(n, &costs).cost);
    }

    #[test]
    fn auto_solves_dense_assignments_with_costs_beyond_32_bits(
        (n, costs) in (1usize..6).prop_flat_map(|n| (Just(n), prop::collection::vec(-9i64..50, n * n)))
    ) {
        // Costs that need 64 bits take the matrix's wide form.
        let mut f = FlowProblem::new(2 * n);
        for i in 0..n {
            f.set_supply(i, 1);
            f.set_supply(n + i, -1);
        }
        for (k, &c) in costs.iter().enumerate() {
            f.add_arc(k / n, n + k % n, 0, 1, c << 34).unwrap();
        }
        let s = f.solve().unwrap();
        assert_optimal(&f, &s);
        let expected = f.solve_with(Algorithm::SuccessiveShortestPaths).unwrap();
        prop_assert_eq!(s.cost, expected.cost);
    }
}

proptest! {
    // Wrong duals show only in some searches: many cases.
    #![proptest_config(ProptestConfig::with_cases(5000))]

    #[test]
    fn sparse_assignments_are_optimal_or_found_infeasible(
        (n, hidden, missing, mut arcs) in (1usize..60).prop_flat_map(|n| {
            (
                Just(n),
                Just((0..n).collect::<Vec<_>>()).prop_shuffle(),
                0..n + 3,
                prop::collection::vec((0..n, 0..n, -9i64..40), 0..n * 4),
            )
        })
    ) {
        // A hidden perfect matching (one pair of it missing in some cases), rows with few
        // columns, parallel arcs, ties; the sources first or last in the node order. Against
        // successive shortest paths, which also says when there is no perfect matching.
        for (i, &j) in hidden.iter().enumerate().filter(|&(i, _)| i != missing) {
            arcs.push((i, j, 20));
        }
        let mut f = FlowProblem::new(2 * n);
        let flipped = n % 2 == 1;
        let row = |i: usize| if flipped { n + i } else { i };
        let col = |j: usize| if flipped { j } else { n + j };
        for i in 0..n {
            f.set_supply(row(i), 1);
            f.set_supply(col(i), -1);
        }
        for &(i, j, c) in &arcs {
            f.add_arc(row(i), col(j), 0, 1 + (c & 1), c).unwrap();
        }
        let auto = f.solve_with(Algorithm::Auto);
        let expected = f.solve_with(Algorithm::SuccessiveShortestPaths);
        match (auto, expected) {
            (Ok(a), Ok(e)) => {
                assert_optimal(&f, &a);
                prop_assert_eq!(a.cost, e.cost);
            }
            (a, e) => prop_assert_eq!(a.map(|s| s.cost), e.map(|s| s.cost)),
        }
    }
}
