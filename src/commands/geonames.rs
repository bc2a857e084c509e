//! `kota import geonames FILE`: the world's places from a GeoNames cities dump (the
//! `cities15000.txt` column layout, plain or gzip), as candidate cities and as the names in
//! every script of the member cities that point at them. The dump is checked whole: any error
//! refuses it whole, naming each error's line and column, and nothing changes. Importing the
//! same dump again changes nothing.

use std::fmt::Write as _;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use kota_domain::place::PlacesCounts;
use kota_domain::place::dump::{self, DumpError};
use kota_store::Actor;

use crate::config::DatabaseArgs;

/// How the audit log names who imported: the command, run by whoever runs the server (as
/// `kota seed` is).
const ACTOR: &str = "kota import geonames";

/// Errors listed at most; the rest are counted.
const SHOWN_ERRORS: usize = 50;

/// Arguments of `kota import geonames`.
#[derive(Debug, Args)]
pub(crate) struct GeonamesArgs {
    /// The dump: tab-separated, 19 columns (geonameid, name, asciiname, alternatenames,
    /// latitude, longitude, feature class, feature code, country code, cc2, admin1 to admin4
    /// codes, population, elevation, dem, timezone, modification date), UTF-8, plain or gzip.
    file: PathBuf,
    /// Show what would change and write nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    db: DatabaseArgs,
}

/// The file's text, gunzipped when it is gzip.
pub(crate) fn read_text(file: &Path) -> anyhow::Result<String> {
    let name = file.display();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {name}"))?;
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes.as_slice())
            .read_to_end(&mut out)
            .with_context(|| format!("cannot unpack {name} as gzip"))?;
        out
    } else {
        bytes
    };
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        anyhow::anyhow!("cannot read {name} as UTF-8 text: line {line} is not UTF-8")
    })
}

/// The errors of a refused dump, one a line.
fn refusal(file: &str, errors: &[DumpError]) -> String {
    let mut text = format!(
        "{file} is refused, nothing was changed ({} error{}):",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    for e in errors.iter().take(SHOWN_ERRORS) {
        let _ = write!(text, "\n  {e}");
    }
    if errors.len() > SHOWN_ERRORS {
        let _ = write!(text, "\n  … and {} more", errors.len() - SHOWN_ERRORS);
    }
    text
}

fn report(c: &PlacesCounts) -> String {
    format!(
        "{} added, {} changed, {} unchanged places.",
        c.added, c.changed, c.unchanged
    )
}

/// A progress bar on a terminal; nothing shown otherwise.
fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_message("reading and comparing the places");
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

pub(crate) async fn run(args: GeonamesArgs) -> anyhow::Result<()> {
    let GeonamesArgs { file, dry_run, db } = args;
    let name = file.display().to_string();
    let bar = progress_bar();
    let text = read_text(&file)?;
    let dump = dump::read(&text).map_err(|errors| {
        bar.finish_and_clear();
        anyhow::anyhow!(refusal(&name, &errors))
    })?;
    drop(text);
    let places = dump.places;
    let left_out = match dump.names_left_out {
        0 => None,
        1 => Some(
            "1 alternate name garbled with invisible control characters is left out.".to_owned(),
        ),
        n => Some(format!(
            "{n} alternate names garbled with invisible control characters are left out."
        )),
    };
    if dry_run {
        let store = db.open().await?;
        let plan = store.plan_places(places).await;
        store.close().await;
        bar.finish_and_clear();
        println!("{}", report(&plan?.counts()));
        left_out.iter().for_each(|l| println!("{l}"));
        println!("Dry run: nothing was written.");
        return Ok(());
    }
    let store = db.open_signed().await?;
    let shown = |written: usize, total: usize| {
        if written == 0 {
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} places written")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_length(total as u64);
        }
        bar.set_position(written as u64);
    };
    let imported = store
        .import_places(places, &Actor::system(ACTOR), &shown)
        .await;
    store.close().await;
    bar.finish_and_clear();
    let counts = imported.context("cannot store the places")?;
    println!("{}", report(&counts));
    left_out.iter().for_each(|l| println!("{l}"));
    if counts.added + counts.changed == 0 {
        println!("Every place is stored just so already: nothing changed.");
    } else {
        println!("Stored in the {} database.", store.backend());
    }
    Ok(())
}
