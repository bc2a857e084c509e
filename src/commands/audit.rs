//! `kota audit`: checks the audit log's hash chain, against a saved copy of its signed heads
//! too, and shows the key that signs them.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use kota_domain::audit::ChainCheck;
use kota_domain::audit::checkpoint::SignedHeads;

use crate::config::DatabaseArgs;

/// Subcommands of `kota audit`.
#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Walk the whole audit log and report the first altered or removed entry; exits 1 when
    /// the chain is broken, or does not match the witness copy given.
    Verify {
        #[command(flatten)]
        db: DatabaseArgs,
        /// The head hash recorded earlier (from a previous `verify`): also reveals removal of
        /// the newest entries.
        #[arg(long)]
        expect_head: Option<String>,
        /// A saved answer of `GET /api/v1/audit/checkpoints`: reveals entries removed,
        /// altered or re-sealed since it was taken, and a copy that is not genuine.
        #[arg(long, value_name = "FILE")]
        witness: Option<PathBuf>,
    },
    /// Print the public key that signs the audit log's head (made first when there is none),
    /// and its id.
    Key {
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

pub(crate) async fn run(cmd: AuditCommand) -> anyhow::Result<()> {
    match cmd {
        AuditCommand::Verify {
            db,
            expect_head,
            witness,
        } => verify(db, expect_head, witness).await,
        AuditCommand::Key { db } => {
            let signer = db.audit_signer()?;
            let key = signer.public_key();
            println!("key id:     {}", key.key_id);
            println!("public key: {}", key.public_key);
            println!("file:       {}", db.audit_key_path().display());
            Ok(())
        }
    }
}

async fn verify(
    db: DatabaseArgs,
    expect_head: Option<String>,
    witness: Option<PathBuf>,
) -> anyhow::Result<()> {
    let copy = witness
        .as_ref()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the witness copy {}", path.display()))?;
            serde_json::from_str::<SignedHeads>(&text).with_context(|| {
                format!(
                    "{} is not a saved answer of GET /api/v1/audit/checkpoints",
                    path.display()
                )
            })
        })
        .transpose()?;
    let store = db.open().await?;
    let check = store.verify_audit().await;
    let witnessed = match &copy {
        Some(copy) => Some(store.check_audit_witness(copy).await),
        None => None,
    };
    store.close().await;
    let (entries, head) = match check? {
        ChainCheck::Intact { entries, head } => (entries, head),
        ChainCheck::Broken { seq, reason } => {
            anyhow::bail!("the audit log is broken at entry {seq}: {reason}")
        }
    };
    if let Some(expected) = expect_head
        && !expected.eq_ignore_ascii_case(&head)
    {
        anyhow::bail!(
            "the audit log's {entries} entries link up, but its head is {head}, not the \
             expected {expected}: newer entries were removed, or the log was replaced"
        );
    }
    if let Some(witnessed) = witnessed.transpose()? {
        if !witnessed.findings.is_empty() {
            let lines: Vec<String> = witnessed
                .findings
                .iter()
                .map(|f| format!("  - {f}"))
                .collect();
            let verdict = if witnessed.findings.iter().all(|f| f.discredits_copy()) {
                "the witness copy is not genuine"
            } else {
                "the audit log does not match the witness copy"
            };
            anyhow::bail!(
                "the audit log's {entries} entries link up, but {verdict}:\n{}",
                lines.join("\n")
            );
        }
        if witnessed.agreeing == 0 {
            println!(
                "The witness copy holds no checkpoint (it was taken before the first signed \
                 change): it has nothing to compare."
            );
        } else {
            println!(
                "The witness copy is genuine and the log matches all its {} checkpoints.",
                witnessed.agreeing
            );
        }
    }
    println!("The audit log is intact: {entries} entries; head {head}");
    Ok(())
}
