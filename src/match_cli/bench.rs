//! `kota bench match-dimacs`: times the solver on a reference instance and reports the
//! objective in the reference script's convention.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use kota_match::flow::{Algorithm, FlowProblem, FlowSolution, parse_dimacs};
use serde::Deserialize;

use super::{INFEASIBLE, SOLVED, WRONG_INPUT, emit, read_input};

/// The instance parameters the reference generator writes in its first comment line.
#[derive(Debug, Default, Deserialize)]
struct Params {
    kind: Option<String>,
    #[serde(default)]
    fair: bool,
    #[serde(rename = "R")]
    rows: Option<i64>,
    #[serde(rename = "Cn")]
    cols: Option<i64>,
    cap_r: Option<i64>,
    cap_c: Option<i64>,
    smax: Option<i64>,
}

impl Params {
    fn from_header(text: &str) -> Self {
        let first = text.lines().next().unwrap_or("");
        let json = first
            .strip_prefix("c ")
            .and_then(|rest| rest.find('{').map(|i| &rest[i..]));
        json.and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default()
    }

    /// The fair variant's tier bonus on each column's first slot.
    fn bonus(&self) -> Option<i64> {
        let (r, c, cr, cc, s) = (self.rows?, self.cols?, self.cap_r?, self.cap_c?, self.smax?);
        self.fair.then(|| s * (r * cr).min(c * cc) + 1)
    }

    /// The table's objective: b-matching reports the maximised score without the tier bonus,
    /// everything else the minimum cost.
    fn objective(&self, problem: &FlowProblem, solution: &FlowSolution) -> i64 {
        if self.kind.as_deref() != Some("bmatch") {
            return solution.cost;
        }
        let covered_bonus: i64 = match self.bonus() {
            Some(b) => problem
                .arcs()
                .iter()
                .zip(&solution.flow)
                .filter(|(a, _)| a.cost == -b)
                .map(|(_, &f)| f * b)
                .sum(),
            None => 0,
        };
        -(solution.cost + covered_bonus)
    }
}

/// Parses `path`, solves it `runs` times and prints the timings.
pub fn match_dimacs(path: &Path, runs: usize, json: bool) -> ExitCode {
    let text = match read_input(path) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let t0 = Instant::now();
    let problem = match parse_dimacs(&text) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::from(WRONG_INPUT);
        }
    };
    let parse_s = t0.elapsed().as_secs_f64();
    let params = Params::from_header(&text);
    drop(text);
    // Like the peers' figures, `solve_s` excludes building the solver's input format (here:
    // checks and recognising a specialised structure), which is done once, as theirs is,
    // and reported as `prepare_s`.
    let cpu0 = thread_cpu_s();
    let t = Instant::now();
    let prepared = problem.prepare(Algorithm::Auto);
    let prepare_s = t.elapsed().as_secs_f64();
    let prepare_cpu = thread_cpu_s().zip(cpu0).map(|(b, a)| b - a);
    let prepared = match prepared {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(INFEASIBLE);
        }
    };
    let mut times = Vec::with_capacity(runs);
    let mut cpu_times = Vec::with_capacity(runs);
    let mut objective = None;
    for _ in 0..runs.max(1) {
        let cpu0 = thread_cpu_s();
        let t = Instant::now();
        let solved = prepared.solve();
        times.push(t.elapsed().as_secs_f64());
        let solve_cpu = thread_cpu_s().zip(cpu0).map(|(b, a)| b - a);
        cpu_times.push(solve_cpu.zip(prepare_cpu).map(|(s, p)| s + p));
        match solved {
            Ok(s) => objective = Some(params.objective(&problem, &s)),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(INFEASIBLE);
            }
        }
    }
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    let peak = peak_rss_mib();
    if json {
        let out = serde_json::json!({
            "objective": objective,
            "solve_s": times,
            "prepare_s": prepare_s,
            "cpu_s": cpu_times,
            "parse_s": parse_s,
            "peak_rss_mib": peak,
            "nodes": problem.node_count(),
            "arcs": problem.arcs().len(),
        });
        emit(&format!("{out}\n"), SOLVED)
    } else {
        emit(
            &format!(
                "{}: objective {} | solve median {median:.3} s over {} runs | prepare {:.3} s | parse {parse_s:.3} s | peak RSS {}\n",
                path.display(),
                objective.unwrap_or_default(),
                times.len(),
                prepare_s,
                peak.map_or("?".into(), |m| format!("{m:.0} MiB")),
            ),
            SOLVED,
        )
    }
}

/// CPU time of the calling thread (Linux `schedstat`, nanoseconds), in seconds.
fn thread_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// The process's peak resident memory (Linux `VmHWM`), in MiB.
pub(crate) fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
