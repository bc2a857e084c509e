//! Mail as a test reads it: the outbox delivered into a folder of `.eml` files, and the
//! single-use links they carry.

use kota_web::mail::{Sender, Transport};

use super::TestApp;

/// A delivered mail: its raw text, with quoted-printable soft line breaks joined.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The text of the `.eml` file.
    pub text: String,
}

impl Mail {
    /// The token of the first link to `prefix` (`/invitations/`), if the mail has one.
    pub fn token(&self, prefix: &str) -> Option<String> {
        let start = self.text.find(prefix)? + prefix.len();
        let token: String = self.text[start..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        (!token.is_empty()).then_some(token)
    }

    /// Whether it is addressed to `to`.
    pub fn is_to(&self, to: &str) -> bool {
        self.text
            .lines()
            .any(|l| l.to_ascii_lowercase().starts_with("to:") && l.contains(to))
    }
}

impl TestApp {
    /// Delivers every mail due now and answers them.
    pub async fn deliver_mail(&self) -> Vec<Mail> {
        let dir = tempfile::tempdir().expect("a folder for mail");
        let sender = Sender::new(
            self.store.clone(),
            Transport::folder(dir.path()).expect("a folder transport"),
            &self.url(""),
            "Kota <kota@localhost>".parse().expect("an address"),
        )
        .await
        .expect("a sender");
        sender.send_due().await.expect("send the outbox");
        let mut mails = Vec::new();
        for entry in std::fs::read_dir(dir.path()).expect("the mail folder") {
            let path = entry.expect("an entry").path();
            let text = std::fs::read_to_string(&path).expect("a mail");
            mails.push(Mail {
                text: text.replace("=\r\n", "").replace("=\n", ""),
            });
        }
        mails
    }

    /// The token of the link to `prefix` in the one mail delivered now to `to`.
    pub async fn link_mailed_to(&self, to: &str, prefix: &str) -> String {
        let mails: Vec<Mail> = self
            .deliver_mail()
            .await
            .into_iter()
            .filter(|m| m.is_to(to))
            .collect();
        assert_eq!(mails.len(), 1, "one mail to {to}");
        mails[0].token(prefix).expect("a link in the mail")
    }
}
