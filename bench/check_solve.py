#!/usr/bin/env python3
"""Checks that `kota match solve` agrees with OR-Tools' SimpleMinCostFlow: on random networks
with the degenerate cases (zero-cost and negative arcs, parallel arcs, isolated nodes, lower
bounds, unbalanced and infeasible supplies), half of them shaped for the specialised solvers
(dense and sparse assignment, b-matching with and without fair-mode bonuses), and on the
reference generator's instances.
Every Kota answer is also checked for bounds, conservation and its reported cost.

  python3 bench/check_solve.py --kota target/release/kota --random 500
  python3 bench/check_solve.py --kota target/release/kota --instances bmatch_city_1k2,sparse_lap_n12k_k50
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

import numpy as np
from ortools.graph.python import min_cost_flow

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, "..", "shared", "bench", "reference_assign.py")


def random_network(rng):
    n = rng.randint(1, 25)
    arcs = []
    for _ in range(rng.randint(0, 8 * n)):
        t, h = rng.randrange(n), rng.randrange(n)
        if t == h:
            continue
        low = 1 if rng.random() < 0.05 else 0
        cap = low + rng.randint(0, 6)
        cost = rng.choice([0, 0, rng.randint(-30, 30), rng.randint(0, 1000)])
        arcs.append((t, h, low, cap, cost))
        if rng.random() < 0.15:  # a parallel arc
            arcs.append((t, h, 0, rng.randint(0, 4), rng.randint(-5, 5)))
    supply = [0] * n
    for _ in range(rng.randint(0, 6)):
        a, b, k = rng.randrange(n), rng.randrange(n), rng.randint(1, 3)
        supply[a] += k
        supply[b] -= k
    if rng.random() < 0.05:
        supply[rng.randrange(n)] += 1  # unbalanced
    n += rng.choice([0, 0, 2])  # isolated nodes
    supply += [0] * (n - len(supply))
    return n, supply, arcs


def random_assignment(rng):
    """Unit sources and sinks: complete (dense) or with some arcs only (sparse), parallel arcs,
    ties, sometimes without a perfect matching; sources first or last."""
    n = rng.randint(1, 12)
    if rng.random() < 0.3:
        pairs = [(i, j) for i in range(n) for j in range(n)]
    else:
        hidden = rng.sample(range(n), n)
        pairs = [(i, hidden[i]) for i in range(n) if rng.random() > 0.1]
        pairs += [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(0, 3 * n))]
    flip = rng.random() < 0.5
    row = (lambda i: n + i) if flip else (lambda i: i)
    col = (lambda j: j) if flip else (lambda j: n + j)
    arcs = [(row(i), col(j), 0, rng.choice([1, 1, 2]), rng.choice([0, rng.randint(-20, 50)]))
            for i, j in pairs]
    supply = [0] * (2 * n)
    for i in range(n):
        supply[row(i)], supply[col(i)] = 1, -1
    return 2 * n, supply, arcs


def random_bmatching(rng):
    """The twinning network: source, left nodes, right nodes, sink, a bypass arc; in fair mode
    each right node's first unit carries a dominant bonus (often with scarce left capacity)."""
    nl, nr = rng.randint(1, 8), rng.randint(1, 8)
    cap_l, cap_r, smax = rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, 50)
    fair = rng.random() < 0.5
    S, T = 0, 1 + nl + nr
    arcs = [(S, 1 + i, 0, cap_l, 0) for i in range(nl)]
    for _ in range(rng.randint(0, nl * nr * 2)):
        i, j = rng.randrange(nl), rng.randrange(nr)
        arcs.append((1 + i, 1 + nl + j, 0, 1, -rng.randint(0, smax)))
    if fair:
        bonus = smax * min(nl * cap_l, nr * cap_r) + 1
        arcs += [(1 + nl + j, T, 0, 1, -bonus) for j in range(nr)]
        arcs += [(1 + nl + j, T, 0, cap_r - 1, 0) for j in range(nr)]
    else:
        arcs += [(1 + nl + j, T, 0, cap_r, 0) for j in range(nr)]
    arcs.append((S, T, 0, nl * cap_l, 0))
    supply = [0] * (T + 1)
    supply[S], supply[T] = nl * cap_l, -nl * cap_l
    return T + 1, supply, arcs


def write_dimacs(path, n, supply, arcs):
    with open(path, "w") as fh:
        fh.write(f"c random\np min {n} {len(arcs)}\n")
        for v, s in enumerate(supply):
            if s:
                fh.write(f"n {v + 1} {s}\n")
        for t, h, low, cap, cost in arcs:
            fh.write(f"a {t + 1} {h + 1} {low} {cap} {cost}\n")


def read_dimacs(path):
    supply, arcs, n = None, [], 0
    with open(path) as fh:
        for line in fh:
            f = line.split()
            if not f or f[0] == "c":
                continue
            if f[0] == "p":
                n = int(f[2])
                supply = [0] * n
            elif f[0] == "n":
                supply[int(f[1]) - 1] = int(f[2])
            elif f[0] == "a":
                arcs.append(tuple(int(x) for x in f[1:6]))
    a = np.array(arcs, dtype=np.int64).reshape(-1, 5)
    a[:, 0:2] -= 1
    return n, supply, a


def ortools(n, supply, arcs):
    arcs = np.asarray(arcs, dtype=np.int64).reshape(-1, 5)
    if sum(supply) != 0:
        return None
    s = np.array(supply, dtype=np.int64)
    np.subtract.at(s, arcs[:, 0], arcs[:, 2])
    np.add.at(s, arcs[:, 1], arcs[:, 2])
    f = min_cost_flow.SimpleMinCostFlow()
    if len(arcs):
        f.add_arcs_with_capacity_and_unit_cost(arcs[:, 0].astype(np.int32), arcs[:, 1].astype(np.int32),
                                               arcs[:, 3] - arcs[:, 2], arcs[:, 4])
    f.set_nodes_supplies(np.arange(n, dtype=np.int32), s)
    if n and not len(arcs):
        return 0 if not s.any() else None
    st = f.solve()
    if st != f.OPTIMAL:
        return None
    return int(f.optimal_cost()) + int((arcs[:, 2] * arcs[:, 4]).sum())


def kota(binary, path, n, supply, arcs):
    p = subprocess.run([binary, "match", "solve", "--zeros", path], capture_output=True, text=True)
    if p.returncode == 1:
        return None
    if p.returncode != 0:
        raise SystemExit(f"{path}: kota exited {p.returncode}: {p.stderr}")
    lines = p.stdout.split("\n")
    cost = int(lines[0].split()[1])
    arcs = np.asarray(arcs, dtype=np.int64).reshape(-1, 5)
    # With --zeros there is one `f` line per arc, in input order.
    fl = np.array([[int(x) for x in ln.split()[1:]] for ln in lines[1:] if ln.startswith("f ")],
                  dtype=np.int64).reshape(-1, 3)
    assert len(fl) == len(arcs) and (fl[:, 0:2] - 1 == arcs[:, 0:2]).all(), f"{path}: f lines"
    flow = fl[:, 2]
    assert ((arcs[:, 2] <= flow) & (flow <= arcs[:, 3])).all(), f"{path}: bounds violated"
    bal = np.array(supply, dtype=np.int64)
    np.subtract.at(bal, arcs[:, 0], flow)
    np.add.at(bal, arcs[:, 1], flow)
    assert not bal.any(), f"{path}: flow not conserved"
    assert int((flow * arcs[:, 4]).sum()) == cost, f"{path}: cost does not match flows"
    return cost


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kota", required=True)
    ap.add_argument("--random", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--instances", default="")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    tmp = tempfile.mkdtemp(prefix="kota-check-")
    checked = infeasible = failed = 0
    shapes = [random_network, random_network, random_assignment, random_bmatching]
    for i in range(a.random):
        n, supply, arcs = shapes[i % len(shapes)](rng)
        path = os.path.join(tmp, f"r{i}.min")
        write_dimacs(path, n, supply, arcs)
        want = ortools(n, supply, arcs)
        got = kota(a.kota, path, n, supply, arcs)
        checked += 1
        infeasible += want is None
        if want != got:
            failed += 1
            print(f"MISMATCH {path}: OR-Tools {want}, Kota {got}")
    for name in filter(None, a.instances.split(",")):
        path = subprocess.run([sys.executable, REF, "--export-dimacs", tmp, "--only", name],
                              capture_output=True, text=True, check=True).stdout.strip()
        n, supply, arcs = read_dimacs(path)
        want, got = ortools(n, supply, arcs), kota(a.kota, path, n, supply, arcs)
        checked += 1
        ok = want == got
        failed += not ok
        print(f"{name}: OR-Tools {want}, Kota {got}: {'equal' if ok else 'MISMATCH'}")
    print(f"{checked - failed} passed, {failed} failed")
    print(f"(of which infeasible or unbalanced: {infeasible})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
