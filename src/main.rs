//! `kota`: the command that runs a network of smart cities — the web site and API, its
//! database migrations, and the loading of the network's data.

mod commands;
mod config;
mod match_cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::DatabaseArgs;

/// Kota runs a network of smart cities: cities, action plans, projects, partners, events.
#[derive(Debug, Parser)]
#[command(name = "kota", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web site and the API (migrates the database and loads the network when empty).
    Serve(commands::serve::ServeArgs),
    /// Apply database migrations.
    Migrate {
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Load the network's data (the built-in ASCN data, or a file); running it again changes
    /// nothing, and after a fix to the file it updates the records in place.
    Seed(commands::seed::SeedArgs),
    /// Print the OpenAPI 3.1 document of the API.
    Openapi,
    /// Check the audit log.
    #[command(subcommand)]
    Audit(commands::audit::AuditCommand),
    /// The matching engine: min-cost flow, twinning, stable matching, meeting schedules.
    #[command(subcommand)]
    Match(match_cli::MatchCommand),
    /// Benchmarks: the matching engine, and search at scale.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Manage users: add (the only way to make coordinators and administrators), list,
    /// set-password, disable, enable.
    User(commands::user::UserArgs),
    /// Manage API tokens: create one for a user.
    Token(commands::token::TokenArgs),
    /// Write the whole network into a folder: `kota export --all DIR`.
    Export(commands::export::ExportArgs),
    /// Load data from files: a folder written by `kota export --all` into an empty database
    /// (`kota import --all DIR`), or indicator values from CSV (`kota import indicators FILE`).
    Import(commands::import::ImportArgs),
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    #[command(flatten)]
    Matching(match_cli::BenchCommand),
    /// Times search over a large corpus (the GeoNames places and generated project texts in
    /// the network's scripts) as a server answers it, per class of query.
    Search(commands::bench_search::SearchBenchArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Match(cmd) => match_cli::run_match(cmd),
        Command::Bench(BenchCommand::Matching(cmd)) => match_cli::run_bench(cmd),
        Command::Bench(BenchCommand::Search(args)) => run(commands::bench_search::run(args)),
        Command::Serve(args) => run(commands::serve::run(args)),
        Command::Migrate { db } => run(commands::migrate(db)),
        Command::Seed(args) => run(commands::seed::run(args)),
        Command::Openapi => report(commands::print_openapi()),
        Command::Audit(cmd) => run(commands::audit::run(cmd)),
        Command::User(args) => run(commands::user::run(args)),
        Command::Token(args) => run(commands::token::run(args)),
        Command::Export(args) => run(commands::export::export(args)),
        Command::Import(args) => run(commands::import::run(args)),
    }
}

/// Runs a command that needs the database (and so the async runtime), with logging.
fn run(command: impl std::future::Future<Output = anyhow::Result<()>>) -> ExitCode {
    config::init_logging();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => report(runtime.block_on(command)),
        Err(e) => report(Err(
            anyhow::Error::new(e).context("cannot start the async runtime")
        )),
    }
}

/// Exit code 0 on success; otherwise the error on standard error and exit code 1.
fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kota: {e:#}");
            ExitCode::FAILURE
        }
    }
}
