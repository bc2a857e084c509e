//! `kota user …`: accounts from the command line. This is the only way to make a coordinator
//! or an administrator (no web page makes either), and so the way to make the first one.

use anyhow::Context;
use clap::{Args, Subcommand};
use kota_domain::access::Role;
use kota_store::{NewUser, ScopeKey};

use super::password::read_password;
use crate::config::DatabaseArgs;

/// Arguments of `kota user`.
#[derive(Debug, Args)]
pub(crate) struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Make a user. The password comes from standard input when it is piped (or with
    /// --password-stdin), else it is asked for twice without echo.
    Add(AddArgs),
    /// List the users.
    List {
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Give a user a new password (read like `add` does); their signed-in sessions end.
    SetPassword {
        #[command(flatten)]
        who: Who,
        /// Read the password from standard input even on a terminal.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Disable a user: they can no longer sign in, and their API tokens stop working.
    Disable {
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Enable a disabled user again.
    Enable {
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

/// Which user.
#[derive(Debug, Args)]
struct Who {
    /// The user's e-mail address (their login).
    #[arg(long)]
    email: String,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("scope").args(["city", "state", "partner"])))]
struct AddArgs {
    /// Their e-mail address, their login (compared without regard to case); shown to no one
    /// else.
    #[arg(long)]
    email: String,
    /// The name others see them by, e.g. "Nguyen Van A" (1 to 100 characters, no `@`); they
    /// can change it on /account.
    #[arg(long)]
    name: String,
    /// Their role: city_officer (needs --city), national_representative (needs --state),
    /// partner_representative (needs --partner), coordinator, admin.
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// The city of a city officer (slug or id).
    #[arg(long, value_name = "SLUG")]
    city: Option<String>,
    /// The member state of a national representative (ISO alpha-2 code).
    #[arg(long, value_name = "ISO2")]
    state: Option<String>,
    /// The partner of a partner representative (slug or id).
    #[arg(long, value_name = "SLUG")]
    partner: Option<String>,
    /// Read the password from standard input even on a terminal.
    #[arg(long)]
    password_stdin: bool,
    #[command(flatten)]
    db: DatabaseArgs,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(&s.trim().to_lowercase().replace('-', "_")).ok_or_else(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("`{s}` is not one of {}", names.join(", "))
    })
}

pub(crate) async fn run(args: UserArgs) -> anyhow::Result<()> {
    match args.command {
        UserCommand::Add(add) => self::add(add).await,
        UserCommand::List { db } => list(db).await,
        UserCommand::SetPassword {
            who,
            password_stdin,
            db,
        } => {
            let password = read_password(password_stdin)?;
            let store = db.open().await?;
            let user = store
                .set_password(&who.email, &password)
                .await
                .context("cannot set the password")?;
            store.close().await;
            println!("Set a new password for {}.", user.email);
            Ok(())
        }
        UserCommand::Disable { who, db } => set_disabled(who, db, true).await,
        UserCommand::Enable { who, db } => set_disabled(who, db, false).await,
    }
}

async fn add(args: AddArgs) -> anyhow::Result<()> {
    let scope = match (args.city, args.state, args.partner) {
        (Some(city), _, _) => ScopeKey::City(city),
        (_, Some(state), _) => ScopeKey::MemberState(state),
        (_, _, Some(partner)) => ScopeKey::Partner(partner),
        _ => ScopeKey::Network,
    };
    let password = read_password(args.password_stdin)?;
    let store = args.db.open().await?;
    let user = store
        .create_user(&NewUser {
            email: args.email,
            name: args.name,
            password,
            role: args.role,
            scope,
        })
        .await
        .context("cannot add the user")?;
    store.close().await;
    let scope = user
        .scope_label()
        .map(|s| format!(" for {s}"))
        .unwrap_or_default();
    println!(
        "Added {} ({}) as {}{scope}.",
        user.email,
        user.display_name(),
        user.role.label()
    );
    Ok(())
}

async fn list(db: DatabaseArgs) -> anyhow::Result<()> {
    let store = db.open().await?;
    let users = store.users().await?;
    store.close().await;
    let rows: Vec<[String; 6]> = users
        .iter()
        .map(|u| {
            [
                u.email.clone(),
                u.display_name().to_owned(),
                u.role.as_str().to_owned(),
                u.scope_label().unwrap_or_else(|| "-".into()),
                u.created_at.format("%Y-%m-%d").to_string(),
                if u.disabled { "disabled" } else { "enabled" }.to_owned(),
            ]
        })
        .collect();
    let header = ["EMAIL", "NAME", "ROLE", "FOR", "CREATED", "STATE"].map(str::to_owned);
    let widths: Vec<usize> = (0..6)
        .map(|i| {
            std::iter::once(&header)
                .chain(&rows)
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        println!("{}", cells.join("  ").trim_end());
    }
    if users.is_empty() {
        eprintln!(
            "No users yet: add the first coordinator with `kota user add --role coordinator --name NAME`."
        );
    }
    Ok(())
}

async fn set_disabled(who: Who, db: DatabaseArgs, disabled: bool) -> anyhow::Result<()> {
    let store = db.open().await?;
    let user = store
        .set_user_disabled(&who.email, disabled)
        .await
        .context(if disabled {
            "cannot disable the user"
        } else {
            "cannot enable the user"
        })?;
    store.close().await;
    println!(
        "{} is {}.",
        user.email,
        if disabled { "disabled" } else { "enabled" }
    );
    Ok(())
}
