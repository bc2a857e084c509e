//! The subcommands of `kota`.

pub(crate) mod audit;
pub(crate) mod bench_search;
pub(crate) mod export;
mod geonames;
pub(crate) mod import;
mod indicators;
mod password;
pub(crate) mod seed;
pub(crate) mod serve;
pub(crate) mod token;
pub(crate) mod user;

use crate::config::DatabaseArgs;

/// `kota migrate`: applies the migrations the database lacks.
pub(crate) async fn migrate(db: DatabaseArgs) -> anyhow::Result<()> {
    let store = db.open().await?;
    println!("The {} database is up to date.", store.backend());
    store.close().await;
    Ok(())
}

/// `kota openapi`: prints the API's OpenAPI document.
pub(crate) fn print_openapi() -> anyhow::Result<()> {
    println!("{}", kota_web::openapi().to_pretty_json()?);
    Ok(())
}
