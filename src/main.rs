//! `kota`: the command that runs a network of smart cities — the web site and API, its
//! database migrations, and the loading of the network's data.

mod commands;
mod config;

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
    /// Manage users: add (the only way to make coordinators and administrators), list,
    /// set-password, disable, enable.
    User(commands::user::UserArgs),
    /// Manage API tokens: create one for a user.
    Token(commands::token::TokenArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    config::init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kota: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => commands::serve::run(args).await,
            Command::Migrate { db } => commands::migrate(db).await,
            Command::Seed(args) => commands::seed::run(args).await,
            Command::Openapi => commands::print_openapi(),
            Command::User(args) => commands::user::run(args).await,
            Command::Token(args) => commands::token::run(args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kota: {e:#}");
            ExitCode::FAILURE
        }
    }
}
