//! `kota audit`: checks the audit log's hash chain.

use clap::Subcommand;
use kota_domain::audit::ChainCheck;

use crate::config::DatabaseArgs;

/// Subcommands of `kota audit`.
#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Walk the whole audit log and report the first altered or removed entry; exits 1 when
    /// the chain is broken.
    Verify {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The head hash recorded earlier (from a previous `verify`): also reveals removal of
        /// the newest entries.
        #[arg(long)]
        expect_head: Option<String>,
    },
}

pub(crate) async fn run(cmd: AuditCommand) -> anyhow::Result<()> {
    let AuditCommand::Verify { db, expect_head } = cmd;
    let store = db.open().await?;
    let check = store.verify_audit().await?;
    store.close().await;
    match check {
        ChainCheck::Intact { entries, head } => {
            if let Some(expected) = expect_head
                && !expected.eq_ignore_ascii_case(&head)
            {
                anyhow::bail!(
                    "the audit log's {entries} entries link up, but its head is {head}, not the \
                     expected {expected}: newer entries were removed, or the log was replaced"
                );
            }
            println!("The audit log is intact: {entries} entries; head {head}");
            Ok(())
        }
        ChainCheck::Broken { seq, reason } => {
            anyhow::bail!("the audit log is broken at entry {seq}: {reason}")
        }
    }
}
