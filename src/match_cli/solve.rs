//! `kota match solve FILE`: DIMACS min-cost flow in, DIMACS solution out.

use std::path::Path;
use std::process::ExitCode;

use kota_match::flow::{FlowError, parse_dimacs, write_dimacs_solution};

use super::{INFEASIBLE, SOLVED, WRONG_INPUT, emit, read_input};

/// Solves the DIMACS problem in `path` and prints its solution.
pub fn run(path: &Path, zeros: bool) -> ExitCode {
    let text = match read_input(path) {
        Ok(text) => text,
        Err(code) => return code,
    };
    let problem = match parse_dimacs(&text) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::from(WRONG_INPUT);
        }
    };
    match problem.solve() {
        Ok(solution) => emit(&write_dimacs_solution(&problem, &solution, zeros), SOLVED),
        Err(e @ (FlowError::Infeasible | FlowError::Unbalanced(_))) => {
            emit(&format!("c infeasible: {e}\n"), INFEASIBLE)
        }
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            ExitCode::from(WRONG_INPUT)
        }
    }
}
