//! `kota export --all DIR` and `kota import --all DIR`: the whole network as files in a
//! folder, and back into an empty database. What the files hold is the store's
//! ([`kota_store::export`]); this reads and writes the folder.

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;

use crate::config::DatabaseArgs;

/// Arguments of `kota export`.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Export every table of the network into this folder (new or empty): JSON and CSV per
    /// table, cities.geojson, the audit log's signed heads and manifest.json.
    #[arg(long = "all", value_name = "DIR")]
    pub(crate) dir: PathBuf,
    #[command(flatten)]
    pub(crate) db: DatabaseArgs,
}

/// Writes the export into a folder that is new or empty.
pub(crate) async fn export(args: ExportArgs) -> anyhow::Result<()> {
    if args.dir.exists()
        && std::fs::read_dir(&args.dir)
            .with_context(|| format!("cannot read {}", args.dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} is not empty: export into a new or empty folder",
            args.dir.display()
        );
    }
    let store = args.db.open().await?;
    let files = store.export_all().await;
    store.close().await;
    let files = files.context("cannot read the network")?;
    // The files hold accounts (addresses, password and token hashes): readable by their
    // owner only, like the database.
    let mut folders = std::fs::DirBuilder::new();
    folders.recursive(true).mode(0o700);
    for (path, bytes) in &files {
        let target = args.dir.join(path);
        if let Some(parent) = target.parent() {
            folders
                .create(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&target)
            .and_then(|mut file| file.write_all(bytes))
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    println!(
        "Exported the network into {} ({} files; see {}).",
        args.dir.display(),
        files.len(),
        kota_store::export::MANIFEST
    );
    Ok(())
}

/// Reads every file under the folder and loads them into the database.
pub(crate) async fn import(dir: &Path, db: DatabaseArgs) -> anyhow::Result<()> {
    let mut files = BTreeMap::new();
    read_tree(dir, dir, &mut files)?;
    let store = db.open().await?;
    let result = store.import_all(&files).await;
    store.close().await;
    result.with_context(|| format!("nothing was imported from {}", dir.display()))?;
    println!("Imported the network from {}.", dir.display());
    Ok(())
}

/// Every file under `dir`, by its path relative to `root` with `/` between names.
fn read_tree(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) -> anyhow::Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            read_tree(root, &path, out)?;
        } else {
            let relative = path
                .strip_prefix(root)
                .context("a file outside the folder")?
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            out.insert(relative, bytes);
        }
    }
    Ok(())
}
