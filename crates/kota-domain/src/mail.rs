//! Outgoing e-mail as Kota writes it: what it is, to whom, and the page it points to. The
//! store queues it in the same transaction as the change that caused it; a sender delivers it
//! later, by SMTP or into the outbox folder.

/// What a mail is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// One notice, sent at once.
    Notification,
    /// The day's notices in one mail.
    Digest,
    /// An invitation to join the network, with a single-use link.
    Invitation,
    /// A link to choose a new password.
    PasswordReset,
}

impl MailKind {
    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Notification => "notification",
            Self::Digest => "digest",
            Self::Invitation => "invitation",
            Self::PasswordReset => "password_reset",
        }
    }

    /// The stored value read back.
    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Notification,
            Self::Digest,
            Self::Invitation,
            Self::PasswordReset,
        ]
        .into_iter()
        .find(|k| k.as_str() == raw)
    }

    /// Whether the mail is about notices, which a person may stop with one click
    /// (RFC 8058); invitations and password resets are answers to a request and have no
    /// unsubscribe link.
    pub fn may_unsubscribe(self) -> bool {
        matches!(self, Self::Notification | Self::Digest)
    }

    /// Whether its link is a secret (a single-use token): the sender forgets the body and
    /// link once the mail is delivered.
    pub fn holds_secret(self) -> bool {
        matches!(self, Self::Invitation | Self::PasswordReset)
    }
}

/// A mail to be queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// What it is.
    pub kind: MailKind,
    /// The account it is for, when there is one (notices, resets); none for an invitation.
    pub user_id: Option<uuid::Uuid>,
    /// The address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The text, without the link (the sender adds it, with the site's address).
    pub body: String,
    /// The page the mail points to, as a path (`/invitations/…`).
    pub link: String,
}
