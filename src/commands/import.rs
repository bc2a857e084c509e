//! `kota import`: a whole network from a folder written by `kota export --all`
//! (`kota import --all DIR`), or one kind of record from a file (`kota import indicators FILE`).

use std::path::PathBuf;

use clap::Args;

use super::{export, indicators};
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
    what: Option<indicators::ImportCommand>,
}

/// Runs the import the arguments name.
pub(crate) async fn run(args: ImportArgs) -> anyhow::Result<()> {
    match (args.all, args.what) {
        (Some(dir), None) => export::import(&dir, args.db).await,
        (None, Some(what)) => indicators::run(what).await,
        _ => anyhow::bail!("say what to import: --all DIR, or indicators FILE"),
    }
}
