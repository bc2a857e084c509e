//! `kota seed`: loads the network's data through the validated importer.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use kota_domain::seed::NetworkData;
use kota_store::{Actor, ImportSummary, Store};

use crate::config::DatabaseArgs;

/// The ASEAN Smart Cities Network as documented, built into the binary.
const ASCN: &str = include_str!("../../data/ascn/ascn_seed.json");

/// Arguments of `kota seed`.
#[derive(Debug, Args)]
pub(crate) struct SeedArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    /// A network file in Kota's JSON format; by default the built-in ASCN data.
    #[arg(long)]
    file: Option<PathBuf>,
}

/// The built-in ASCN data, validated.
pub(crate) fn builtin_network() -> anyhow::Result<NetworkData> {
    Ok(kota_domain::seed::parse(
        "data/ascn/ascn_seed.json (built in)",
        ASCN,
    )?)
}

/// Stores a network and says what was stored.
pub(crate) async fn load(
    store: &Store,
    data: &NetworkData,
    by: &str,
) -> anyhow::Result<ImportSummary> {
    let summary = store
        .import(data, &Actor::system(by))
        .await
        .context("cannot store the network")?;
    tracing::info!(?summary, "network loaded");
    Ok(summary)
}

/// Stores a network when the database holds none yet, deciding so under the database's write
/// lock, so that of several servers started together on an empty database only one loads it.
/// Says what was stored, or `None` when the database was not empty.
pub(crate) async fn load_if_empty(
    store: &Store,
    data: &NetworkData,
    by: &str,
) -> anyhow::Result<Option<ImportSummary>> {
    let summary = store
        .import_into_empty(data, &Actor::system(by))
        .await
        .context("cannot store the network")?;
    if let Some(summary) = &summary {
        tracing::info!(?summary, "network loaded");
    }
    Ok(summary)
}

pub(crate) async fn run(args: SeedArgs) -> anyhow::Result<()> {
    let data = match &args.file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            kota_domain::seed::parse(&path.display().to_string(), &text)?
        }
        None => builtin_network()?,
    };
    let store = args.db.open_signed().await?;
    let s = load(&store, &data, "kota seed").await?;
    store.close().await;
    if s.unchanged {
        println!(
            "The {} database already holds this network: nothing changed.",
            store.backend()
        );
        return Ok(());
    }
    println!(
        "Loaded {} member states, {} cities, {} action plans, {} projects, {} partners and {} events into the {} database.",
        s.member_states,
        s.cities,
        s.action_plans,
        s.projects,
        s.partners,
        s.events,
        store.backend()
    );
    Ok(())
}
