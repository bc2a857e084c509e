//! `kota import`: a whole network from a folder written by `kota export --all`
//! (`kota import --all DIR`), or one kind of record from a file (`kota import indicators FILE`,
//! `kota import geonames FILE`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{export, geonames, indicators};
use crate::config::DatabaseArgs;

/// Arguments of `kota import`: `--all DIR`, or what to import as a subcommand.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, arg_required_else_help = true)]
pub(crate) struct ImportArgs {
    /// Import a folder written by `kota export --all` into an empty database.
    #[arg(long = "all", value_name = "DIR")]
    all: Option<PathBuf>,
    #[command(flatten)]
    db: DatabaseArgs,
    #[command(subcommand)]
    what: Option<What>,
}

/// What `kota import` loads from a file.
#[derive(Debug, Subcommand)]
enum What {
    #[command(flatten)]
    Indicators(indicators::ImportCommand),
    /// The world's places from a GeoNames cities dump (the cities15000.txt column layout,
    /// plain or gzip): candidate cities, and the names in every script of the member cities
    /// that point at them. Importing the same dump again changes nothing.
    Geonames(geonames::GeonamesArgs),
}

/// Runs the import the arguments name.
pub(crate) async fn run(args: ImportArgs) -> anyhow::Result<()> {
    match (args.all, args.what) {
        (Some(dir), None) => export::import(&dir, args.db).await,
        (None, Some(What::Indicators(what))) => indicators::run(what).await,
        (None, Some(What::Geonames(what))) => geonames::run(what).await,
        _ => anyhow::bail!("say what to import: --all DIR, indicators FILE or geonames FILE"),
    }
}
