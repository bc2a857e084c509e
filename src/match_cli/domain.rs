//! The domain commands: JSON in (documented in docs/matching.md), pretty JSON out.

use std::path::Path;
use std::process::ExitCode;

use kota_match::network::{Network, NetworkData, Weights};
use kota_match::profile::{City, Exclusion, Partner, Project};
use kota_match::schedule::ScheduleProblem;
use kota_match::stable::{Agent, blocking_pairs, deferred_acceptance};
use kota_match::topk::Query;
use kota_match::twinning::AssignOptions;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{SOLVED, WRONG_INPUT, emit, read_input};

/// `twinning` and `recommend` input: the network, plus options for `twinning`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkInput {
    #[serde(default)]
    weights: Weights,
    #[serde(default)]
    cities: Vec<City>,
    #[serde(default)]
    partners: Vec<Partner>,
    firm_kinds: Option<Vec<String>>,
    #[serde(default)]
    projects: Vec<Project>,
    #[serde(default)]
    exclusions: Vec<Exclusion>,
    #[serde(default)]
    options: AssignOptions,
}

/// `stable` input.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StableInput {
    /// `partners` (the default) or `cities`.
    #[serde(default)]
    proposing: Proposing,
    partners: Vec<Agent>,
    cities: Vec<Agent>,
}

#[derive(Clone, Copy, Default, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Proposing {
    #[default]
    Partners,
    Cities,
}

/// Reads and parses a JSON file; errors name the file, line and column (exit 2).
fn load<T: DeserializeOwned>(path: &Path) -> Result<T, ExitCode> {
    let text = read_input(path)?;
    serde_json::from_str(&text).map_err(|e| {
        eprintln!(
            "error: {}: line {}, column {}: {e}",
            path.display(),
            e.line(),
            e.column()
        );
        ExitCode::from(WRONG_INPUT)
    })
}

fn wrong(path: &Path, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {}: {message}", path.display());
    ExitCode::from(WRONG_INPUT)
}

fn print(value: &impl Serialize) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(s) => emit(&format!("{s}\n"), SOLVED),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn network(path: &Path) -> Result<(Network, AssignOptions), ExitCode> {
    let input: NetworkInput = load(path)?;
    let defaults = NetworkData::default();
    let data = NetworkData {
        weights: input.weights,
        cities: input.cities,
        partners: input.partners,
        firm_kinds: input.firm_kinds.unwrap_or(defaults.firm_kinds),
        projects: input.projects,
        exclusions: input.exclusions,
    };
    let network = Network::new(data).map_err(|e| wrong(path, e))?;
    Ok((network, input.options))
}

/// `kota match twinning --input FILE`.
pub fn twinning(path: &Path) -> ExitCode {
    match network(path) {
        Ok((network, options)) => print(&network.assign(&options)),
        Err(code) => code,
    }
}

/// `kota match recommend --input FILE --query Q --subject ID --k K`.
pub fn recommend(path: &Path, query: &str, subject: &str, k: usize) -> ExitCode {
    let query: Query = match serde_json::from_value(serde_json::Value::String(query.into())) {
        Ok(q) => q,
        Err(_) => return wrong(path, format!("unknown query `{query}`")),
    };
    let network = match network(path) {
        Ok((n, _)) => n,
        Err(code) => return code,
    };
    let top = match network.recommend(query, subject, k) {
        Ok(top) => top,
        Err(e) => return wrong(path, e),
    };
    let explained: Vec<serde_json::Value> = top
        .iter()
        .filter_map(|r| {
            let explanation = network.explain(query, subject, &r.id).ok()?;
            let what_if = network.what_would_change(query, subject, &r.id, k).ok()?;
            Some(serde_json::json!({
                "id": r.id,
                "score": r.score,
                "terms": explanation.terms,
                "to_leave_top_k": what_if,
            }))
        })
        .collect();
    print(
        &serde_json::json!({ "query": query, "subject": subject, "k": k, "recommendations": explained }),
    )
}

/// `kota match stable --input FILE`.
pub fn stable(path: &Path) -> ExitCode {
    let input: StableInput = match load(path) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let (proposers, receivers) = match input.proposing {
        Proposing::Partners => (&input.partners, &input.cities),
        Proposing::Cities => (&input.cities, &input.partners),
    };
    let solved = deferred_acceptance(proposers, receivers)
        .and_then(|m| blocking_pairs(proposers, receivers, &m).map(|b| (m, b)));
    let (matching, blocking) = match solved {
        Ok(x) => x,
        Err(e) => return wrong(path, e),
    };
    let pairs: Vec<serde_json::Value> = matching
        .iter()
        .map(|(a, b)| match input.proposing {
            Proposing::Partners => serde_json::json!({ "partner": a, "city": b }),
            Proposing::Cities => serde_json::json!({ "partner": b, "city": a }),
        })
        .collect();
    print(&serde_json::json!({ "pairs": pairs, "blocking_pairs": blocking.len() }))
}

/// `kota match schedule --input FILE`.
pub fn schedule(path: &Path) -> ExitCode {
    let problem: ScheduleProblem = match load(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let s = problem.solve();
    let placed: Vec<serde_json::Value> = s
        .placed
        .iter()
        .map(|p| {
            let (a, b) = &problem.meetings[p.meeting];
            serde_json::json!({ "meeting": p.meeting, "between": [a, b], "slot": p.slot, "table": p.table })
        })
        .collect();
    print(&serde_json::json!({ "placed": placed, "unplaced": s.unplaced }))
}
