#!/usr/bin/env python3
"""OR-Tools beside Kota on a round: reads the DIMACS files `kota bench twinning-round --dimacs
DIR` wrote (as is, pinned, pinned and forbidden) and times SimpleMinCostFlow on each, building
its input and solving, since it cannot start from a previous solution. Prints one JSON object.

  python3 bench/ortools_round.py DIR
"""
import json
import os
import resource
import sys
import time

import numpy as np
from ortools.graph.python import min_cost_flow

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_solve import read_dimacs  # noqa: E402


def solve(n, supply, arcs):
    """Builds the solver's input and solves; lower bounds by the usual supply shift."""
    t = time.perf_counter()
    s = np.array(supply, dtype=np.int64)
    np.subtract.at(s, arcs[:, 0], arcs[:, 2])
    np.add.at(s, arcs[:, 1], arcs[:, 2])
    f = min_cost_flow.SimpleMinCostFlow()
    f.add_arcs_with_capacity_and_unit_cost(arcs[:, 0].astype(np.int32), arcs[:, 1].astype(np.int32),
                                           arcs[:, 3] - arcs[:, 2], arcs[:, 4])
    f.set_nodes_supplies(np.arange(n, dtype=np.int32), s)
    assert f.solve() == f.OPTIMAL
    cost = int(f.optimal_cost()) + int((arcs[:, 2] * arcs[:, 4]).sum())
    return time.perf_counter() - t, cost


def main():
    out = {}
    for name in ("round", "round_pin", "round_pin_forbid"):
        n, supply, arcs = read_dimacs(os.path.join(sys.argv[1], f"{name}.min"))
        seconds, cost = solve(n, supply, arcs)
        out[name] = {"build_solve_s": seconds, "cost": cost}
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
