//! The DIMACS min-cost-flow text format: `c` comments, one `p min NODES ARCS` line,
//! `n ID SUPPLY` lines and `a SRC DST LOW CAP COST` lines, with 1-based node ids.

use std::fmt::Write;

use super::{FlowProblem, FlowSolution};

/// A DIMACS input that cannot be read, with the 1-based line where it was found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct DimacsError {
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses a DIMACS min-cost-flow problem.
pub fn parse_dimacs(text: &str) -> Result<FlowProblem, DimacsError> {
    let mut problem: Option<(FlowProblem, usize)> = None;
    let mut last = 0;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        last = line;
        let err = |message: String| DimacsError { line, message };
        let mut fields = raw.split_ascii_whitespace();
        let Some(tag) = fields.next() else { continue };
        let numbers =
            |fields: std::str::SplitAsciiWhitespace<'_>| -> Result<Vec<i64>, DimacsError> {
                fields
                    .map(|f| {
                        f.parse::<i64>()
                            .map_err(|_| err(format!("`{f}` is not an integer")))
                    })
                    .collect()
            };
        match tag {
            "c" => {}
            "p" => {
                if problem.is_some() {
                    return Err(err("a second `p` line".into()));
                }
                let kind = fields.next();
                if kind != Some("min") {
                    return Err(err("expected `p min NODES ARCS`".into()));
                }
                let [nodes, arcs] = exact::<2>(numbers(fields)?).ok_or_else(|| err(usage("p")))?;
                let nodes = count(nodes).ok_or_else(|| err("negative node count".into()))?;
                let arcs = count(arcs).ok_or_else(|| err("negative arc count".into()))?;
                problem = Some((FlowProblem::new(nodes), arcs));
            }
            "n" => {
                let (p, _) = problem
                    .as_mut()
                    .ok_or_else(|| err("`n` before `p`".into()))?;
                let [id, supply] = exact::<2>(numbers(fields)?).ok_or_else(|| err(usage("n")))?;
                let node = node_index(id, p.node_count()).map_err(&err)?;
                p.set_supply(node, supply);
            }
            "a" => {
                let (p, _) = problem
                    .as_mut()
                    .ok_or_else(|| err("`a` before `p`".into()))?;
                let [src, dst, low, cap, cost] =
                    exact::<5>(numbers(fields)?).ok_or_else(|| err(usage("a")))?;
                let tail = node_index(src, p.node_count()).map_err(&err)?;
                let head = node_index(dst, p.node_count()).map_err(&err)?;
                p.add_arc(tail, head, low, cap, cost)
                    .map_err(|e| err(e.to_string()))?;
            }
            other => return Err(err(format!("unknown line type `{other}`"))),
        }
    }
    let (problem, arcs) = problem.ok_or(DimacsError {
        line: last.max(1),
        message: "no `p min` line".into(),
    })?;
    if problem.arcs().len() != arcs {
        return Err(DimacsError {
            line: last.max(1),
            message: format!("`p` announced {arcs} arcs, found {}", problem.arcs().len()),
        });
    }
    Ok(problem)
}

/// Writes a solution as DIMACS `s COST` and `f SRC DST FLOW` lines (in input order, 1-based
/// nodes; arcs without flow only if `zeros`).
pub fn write_dimacs_solution(
    problem: &FlowProblem,
    solution: &FlowSolution,
    zeros: bool,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "s {}", solution.cost);
    for (a, &f) in problem.arcs().iter().zip(&solution.flow) {
        if f != 0 || zeros {
            let _ = writeln!(out, "f {} {} {f}", a.tail + 1, a.head + 1);
        }
    }
    out
}

fn exact<const N: usize>(values: Vec<i64>) -> Option<[i64; N]> {
    values.try_into().ok()
}

fn count(value: i64) -> Option<usize> {
    usize::try_from(value).ok()
}

fn usage(tag: &str) -> String {
    match tag {
        "p" => "expected `p min NODES ARCS`",
        "n" => "expected `n ID SUPPLY`",
        _ => "expected `a SRC DST LOW CAP COST`",
    }
    .into()
}

fn node_index(id: i64, nodes: usize) -> Result<usize, String> {
    match usize::try_from(id) {
        Ok(id) if (1..=nodes).contains(&id) => Ok(id - 1),
        _ => Err(format!("node {id} is not in 1..={nodes}")),
    }
}
