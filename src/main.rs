//! The `kota` command.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod match_cli;

/// Kota: the platform that runs a network of smart cities.
#[derive(Parser)]
#[command(name = "kota", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The matching engine: min-cost flow, twinning, stable matching, meeting schedules.
    #[command(subcommand)]
    Match(match_cli::MatchCommand),
    /// Benchmarks of the matching engine.
    #[command(subcommand)]
    Bench(match_cli::BenchCommand),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Match(cmd) => match_cli::run_match(cmd),
        Command::Bench(cmd) => match_cli::run_bench(cmd),
    }
}
