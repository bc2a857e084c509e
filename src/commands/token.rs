//! `kota token …`: API tokens from the command line, e.g. for a user's first program.

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use crate::config::DatabaseArgs;

/// Arguments of `kota token`.
#[derive(Debug, Args)]
pub(crate) struct TokenArgs {
    #[command(subcommand)]
    command: TokenCommand,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Make an API token for a user and print its secret, this once (only its hash is kept).
    Create {
        /// The user's e-mail address.
        #[arg(long)]
        email: String,
        /// What the token is for (1 to 100 characters).
        #[arg(long)]
        name: String,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

pub(crate) async fn run(args: TokenArgs) -> anyhow::Result<()> {
    match args.command {
        TokenCommand::Create { email, name, db } => {
            let store = db.open().await?;
            let Some(user) = store.user_by_email(&email).await? else {
                bail!("no user has the e-mail address {}", email.trim());
            };
            if user.disabled {
                bail!("{} is disabled: enable them first", user.email);
            }
            let issued = store
                .create_api_token(user.id, &name)
                .await
                .context("cannot make the token")?;
            store.close().await;
            eprintln!(
                "Made the token “{}” ({}…) for {}. Its secret follows; it is shown this once:",
                issued.token.name, issued.token.prefix, user.email
            );
            println!("{}", issued.secret);
            Ok(())
        }
    }
}
