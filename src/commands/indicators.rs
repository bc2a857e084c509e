//! `kota import indicators FILE.csv`: indicator values from a CSV file, recorded through the
//! same checks, rights and audit as the upload form and the API. The file is checked whole:
//! any error refuses it whole, naming each error's line and column, and nothing changes.

use std::fmt::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Subcommand;
use kota_domain::indicator::sheet::{self, SheetError};
use kota_domain::indicator::{Change, IndicatorPlan};
use kota_store::EditRequest;
use kota_store::records::indicator::{RecordIndicators, Recorded};
use kota_store::{Edited, WriteError};

use crate::config::DatabaseArgs;

/// What `kota import` loads from a file.
#[derive(Debug, Subcommand)]
pub(crate) enum ImportCommand {
    /// Indicator values from a CSV file whose first line names the columns
    /// city,code,name,unit,year,value,source[,verification,target_year,target_value]. A value
    /// recorded before for the same city, code and year is updated.
    Indicators {
        /// The CSV file (UTF-8).
        file: PathBuf,
        /// The account the values are recorded as, by its e-mail address: its role decides
        /// the cities it may record (its own city, its member state's, or any for a
        /// coordinator) and whether it may mark values verified (coordinators).
        #[arg(long = "as", value_name = "EMAIL")]
        by: String,
        /// Show what would change and write nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

/// The errors of a refused file, one a line.
fn refusal(file: &str, errors: &[SheetError]) -> String {
    let mut text = format!(
        "{file} is refused, nothing was changed ({} error{}):",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    for e in errors {
        let _ = write!(text, "\n  {e}");
    }
    text
}

/// What a plan changes, one value or target a line (unchanged ones counted).
fn report(plan: &IndicatorPlan) -> String {
    let mut text = format!(
        "{} new, {} changed, {} unchanged value{}.",
        plan.count(Change::New),
        plan.count(Change::Changed),
        plan.count(Change::Unchanged),
        if plan.values.len() == 1 { "" } else { "s" }
    );
    for v in plan.values.iter().filter(|v| v.change != Change::Unchanged) {
        let a = &v.after;
        let _ = write!(
            text,
            "\n  {:<9} {} {} {}: {}",
            v.change.as_str(),
            a.city.slug,
            a.code,
            a.year,
            v.said()
        );
    }
    for t in plan
        .targets
        .iter()
        .filter(|t| t.change != Change::Unchanged)
    {
        let a = &t.after;
        let _ = write!(
            text,
            "\n  {:<9} {} {} target {}: {}",
            t.change.as_str(),
            a.city.slug,
            a.code,
            a.year,
            t.said()
        );
    }
    text
}

pub(crate) async fn run(what: ImportCommand) -> anyhow::Result<()> {
    let ImportCommand::Indicators {
        file,
        by,
        dry_run,
        db,
    } = what;
    let name = file.display().to_string();
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {name} as UTF-8 text"))?;
    let sheet = sheet::read(&text).map_err(|errors| anyhow::anyhow!(refusal(&name, &errors)))?;
    let store = if dry_run {
        db.open().await?
    } else {
        db.open_signed().await?
    };
    let Some(user) = store.user_by_email(&by).await? else {
        bail!("no user has the e-mail address {}", by.trim());
    };
    if user.disabled {
        bail!("{} is disabled: enable them first", user.email);
    }
    let who = user
        .principal()
        .with_context(|| format!("{} is bound to nothing their role needs", user.email))?;
    let edit = RecordIndicators {
        city: None,
        rows: sheet.rows.clone(),
    };
    let Some((upload, allowed)) = store.plan_indicators(&who, &edit).await? else {
        bail!("the file names no city");
    };
    let plan = upload
        .plan
        .map_err(|errors| anyhow::anyhow!(refusal(&name, &sheet.locate(&errors))))?;
    if !allowed {
        bail!(
            "{} may not record indicators of the cities the file names",
            user.email
        );
    }
    println!("{}", report(&plan));
    if dry_run || !plan.changes_anything() {
        store.close().await;
        println!(
            "{}",
            if dry_run {
                "Dry run: nothing was written."
            } else {
                "Every value is recorded just so already: nothing changed."
            }
        );
    } else {
        let recorded = store.record_indicators(EditRequest::new(&who, edit)).await;
        store.close().await;
        match recorded {
            Ok(Recorded::Written(Edited::Done(upload))) => println!(
                "Recorded {} new and {} changed values of {} (upload {}).",
                upload.new,
                upload.changed,
                upload
                    .cities
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                upload.id
            ),
            Ok(_) => println!("Every value is recorded just so already: nothing changed."),
            Err(WriteError::Invalid(errors)) => bail!(refusal(&name, &sheet.locate(&errors))),
            Err(e) => return Err(anyhow::Error::new(e).context("cannot record the values")),
        }
    }
    Ok(())
}
