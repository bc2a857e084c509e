//! The `kota match` and `kota bench` commands over the `kota-match` engine: reading files,
//! JSON, printing and exit codes (0 solved, 1 infeasible, 2 wrong input: the message names
//! the file and line).

mod bench;
mod brokerage;
mod domain;
mod round;
mod solve;

pub(crate) use bench::peak_rss_mib;
pub(crate) use round::uint;

use std::io::{ErrorKind, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

/// `kota match …`: solve matching problems from files.
#[derive(Debug, Subcommand)]
pub enum MatchCommand {
    /// Solves a DIMACS min-cost-flow problem (`p min`, `n`, `a SRC DST LOW CAP COST`) and
    /// prints `s COST` and `f SRC DST FLOW` lines; exit 1 if infeasible.
    Solve {
        /// The DIMACS file.
        file: PathBuf,
        /// Also print `f` lines for arcs without flow (one line per arc, in input order).
        #[arg(long)]
        zeros: bool,
    },
    /// Optimal (or fair) assignment of partners to cities, or firms to projects (JSON in and
    /// out; see docs/matching.md).
    Twinning {
        /// The network and options (JSON).
        #[arg(long)]
        input: PathBuf,
    },
    /// Top-k recommendations with explained scores and what would change them.
    Recommend {
        /// The network (JSON, as for `twinning`).
        #[arg(long)]
        input: PathBuf,
        /// cities_for_partner, partners_for_city, projects_for_firm or firms_for_project.
        #[arg(long)]
        query: String,
        /// The id of the partner, city, firm or project asking.
        #[arg(long)]
        subject: String,
        /// How many to recommend.
        #[arg(long, default_value_t = 5)]
        k: usize,
    },
    /// Stable matching by deferred acceptance from ranked preferences with capacities.
    Stable {
        /// Both sides' preferences (JSON).
        #[arg(long)]
        input: PathBuf,
    },
    /// Brokerage meetings to (slot, table) without clashes.
    Schedule {
        /// Slots, tables, meetings and unavailability (JSON).
        #[arg(long)]
        input: PathBuf,
    },
}

/// `kota bench …`: time the engine on benchmark instances.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Times the min-cost-flow solver on a DIMACS file (solve only, parsing excluded).
    MatchDimacs {
        /// The DIMACS file (the reference generator's export).
        file: PathBuf,
        /// How many times to solve.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Print one JSON object (the reference script's `--external` contract).
        #[arg(long)]
        json: bool,
    },
    /// Times a coordinator's round at scale: the places of a GeoNames file as cities,
    /// generated partners; cold solve, warm re-solves after a pin and a forbid, a what-if.
    TwinningRound {
        /// The GeoNames file (`cities15000.tsv.gz`).
        places: PathBuf,
        /// How many partners to generate.
        #[arg(long, default_value_t = 50_000)]
        partners: usize,
        /// Candidate cities per partner.
        #[arg(long, default_value_t = 50)]
        k: usize,
        /// The generator's seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Fair mode (serve the most cities first).
        #[arg(long)]
        fair: bool,
        /// Also write the instance as DIMACS into this folder (as is, pinned, pinned and
        /// forbidden) for the reference solvers.
        #[arg(long)]
        dimacs: Option<PathBuf>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Times the brokerage scheduler on a generated event: accepted meetings between random
    /// distinct pairs of participants, into slots and tables.
    Brokerage {
        /// Participants.
        #[arg(long, default_value_t = 400)]
        participants: usize,
        /// Accepted meetings.
        #[arg(long, default_value_t = 2000)]
        meetings: usize,
        /// Time slots.
        #[arg(long, default_value_t = 12)]
        slots: u32,
        /// Tables.
        #[arg(long, default_value_t = 60)]
        tables: u32,
        /// The generator's seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// How many times to schedule.
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
}

/// Runs a `kota match` command and returns the process exit code.
pub fn run_match(cmd: MatchCommand) -> ExitCode {
    match cmd {
        MatchCommand::Solve { file, zeros } => solve::run(&file, zeros),
        MatchCommand::Twinning { input } => domain::twinning(&input),
        MatchCommand::Recommend {
            input,
            query,
            subject,
            k,
        } => domain::recommend(&input, &query, &subject, k),
        MatchCommand::Stable { input } => domain::stable(&input),
        MatchCommand::Schedule { input } => domain::schedule(&input),
    }
}

/// Runs a `kota bench` command and returns the process exit code.
pub fn run_bench(cmd: BenchCommand) -> ExitCode {
    match cmd {
        BenchCommand::MatchDimacs { file, runs, json } => bench::match_dimacs(&file, runs, json),
        BenchCommand::TwinningRound {
            places,
            partners,
            k,
            seed,
            fair,
            dimacs,
            json,
        } => round::twinning_round(&round::RoundArgs {
            places: &places,
            partners,
            k,
            seed,
            fair,
            dimacs: dimacs.as_deref(),
            json,
        }),
        BenchCommand::Brokerage {
            participants,
            meetings,
            slots,
            tables,
            seed,
            runs,
        } => brokerage::brokerage(
            &brokerage::BrokerageArgs {
                participants,
                meetings,
                slots,
                tables,
                seed,
            },
            runs,
        ),
    }
}

/// Exit code for a solved problem.
const SOLVED: u8 = 0;
/// Exit code for a problem without a feasible solution.
const INFEASIBLE: u8 = 1;
/// Exit code for input that cannot be read.
const WRONG_INPUT: u8 = 2;

/// Reads a whole file or reports it (exit 2).
fn read_input(path: &std::path::Path) -> Result<String, ExitCode> {
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        ExitCode::from(WRONG_INPUT)
    })
}

/// Writes `text` to standard output and exits with `code`. A reader that stopped early (a
/// closed pipe, as with `| head`) is no error; any other failure to write is reported.
fn emit(text: &str, code: u8) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write the answer: {e}");
            ExitCode::FAILURE
        }
        _ => ExitCode::from(code),
    }
}
