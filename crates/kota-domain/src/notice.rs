//! Notices: what a change means to the people it concerns (a proposal to their city, an
//! interest in their project, a comment, a meeting request, a decision). A change names who it
//! concerns by their part of the network; each of them finds the notice in their workspace and
//! gets it by e-mail at once or in a daily digest, as they choose.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::Principal;
use crate::mail::{MailKind, Outgoing};

/// Who a notice is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// A city's officers and the national representatives of its member state.
    City(Uuid),
    /// A partner's representatives.
    Partner(Uuid),
    /// One person.
    Person(Uuid),
    /// Every coordinator.
    Coordinators,
}

/// What a change tells the people it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Who it is for (never the person who made the change).
    pub audience: Audience,
    /// What kind of thing happened (`twinning_proposed`), for filters and tests.
    pub kind: &'static str,
    /// One line, the mail's subject: "Asian Development Bank proposes a twinning with Bangkok".
    pub subject: String,
    /// A few lines of what happened and what is asked of the reader.
    pub text: String,
    /// The page where it can be seen and acted on (a path: `/twinnings/…`).
    pub link: String,
}

impl Notice {
    /// A notice for `audience`.
    pub fn new(
        audience: Audience,
        kind: &'static str,
        subject: impl Into<String>,
        text: impl Into<String>,
        link: impl Into<String>,
    ) -> Self {
        Self {
            audience,
            kind,
            subject: subject.into(),
            text: text.into(),
            link: link.into(),
        }
    }
}

/// Who made a change, as the notice's subject names them: the city, member state or
/// partner they act for, or "A coordinator".
pub fn acting(who: &Principal) -> String {
    who.place.clone().unwrap_or_else(|| {
        if who.is_coordinator() {
            "A coordinator".to_owned()
        } else {
            who.name.clone()
        }
    })
}

/// A text cut to about `max` characters at a word, for the lines of a notice.
pub fn excerpt(text: &str, max: usize) -> String {
    let text = text.trim();
    match kota_text::cut_point(text, max) {
        None => text.to_owned(),
        Some(at) => format!("{}…", text[..at].trim_end()),
    }
}

/// How a person wants notices by e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// One e-mail for each notice, as it happens.
    #[default]
    Immediate,
    /// One e-mail a day with what came in since the last.
    Daily,
    /// No e-mail (notices still show in the workspace).
    Off,
}

impl Delivery {
    /// Every choice, in the order a form offers them.
    pub const ALL: [Self; 3] = [Self::Immediate, Self::Daily, Self::Off];

    /// The stored and API value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Immediate => "immediate",
            Self::Daily => "daily",
            Self::Off => "off",
        }
    }

    /// The stored value read back.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == raw)
    }

    /// What a person reads on their account page.
    pub fn label(self) -> &'static str {
        match self {
            Self::Immediate => "An e-mail for each, at once",
            Self::Daily => "One e-mail a day",
            Self::Off => "No e-mail",
        }
    }
}

/// A notice as its reader sees it in their workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Notification {
    /// Stable id.
    pub id: Uuid,
    /// What kind of thing happened.
    pub kind: String,
    /// One line.
    pub subject: String,
    /// What happened.
    pub text: String,
    /// The page to see it on.
    pub link: String,
    /// When.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The mail of one notice, for a person who wants each at once.
pub fn immediate(user_id: Uuid, email: &str, notice: &Notice) -> Outgoing {
    Outgoing {
        kind: MailKind::Notification,
        user_id: Some(user_id),
        to: email.to_owned(),
        subject: notice.subject.clone(),
        body: notice.text.clone(),
        link: notice.link.clone(),
    }
}

/// The day's mail of a person who wants one digest a day: the subject of each notice, newest
/// last, pointing to the workspace that lists them with their links.
pub fn digest(user_id: Uuid, email: &str, subjects: &[String]) -> Outgoing {
    let count = subjects.len();
    let subject = if count == 1 {
        "One thing in the network concerns you".to_owned()
    } else {
        format!("{count} things in the network concern you")
    };
    let mut body = String::from("Since your last digest:\n\n");
    for line in subjects {
        body.push_str("- ");
        body.push_str(line);
        body.push('\n');
    }
    body.push_str("\nYour workspace lists each with a link.");
    Outgoing {
        kind: MailKind::Digest,
        user_id: Some(user_id),
        to: email.to_owned(),
        subject,
        body,
        link: "/me".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deliveries_read_back_as_stored() {
        for d in Delivery::ALL {
            assert_eq!(Delivery::parse(d.as_str()), Some(d));
        }
        assert_eq!(Delivery::parse("weekly"), None);
        assert_eq!(Delivery::default(), Delivery::Immediate);
    }

    #[test]
    fn excerpts_cut_at_a_word() {
        assert_eq!(excerpt("  short  ", 10), "short");
        assert_eq!(excerpt("one two three four", 10), "one two…");
        assert_eq!(excerpt("กรุงเทพมหานคร อมรรัตนโกสินทร์", 14), "กรุงเทพมหานคร…");
    }

    #[test]
    fn a_digest_lists_each_notice_and_points_to_the_workspace() {
        let items = vec![
            "Bangkok accepts the twinning".to_owned(),
            "A comment on Smart Lighting".to_owned(),
        ];
        let mail = digest(Uuid::nil(), "a@b.org", &items);
        assert_eq!(mail.subject, "2 things in the network concern you");
        assert!(
            mail.body
                .contains("- Bangkok accepts the twinning\n- A comment on Smart Lighting")
        );
        assert_eq!(mail.link, "/me");
        assert_eq!(mail.kind, MailKind::Digest);
        assert_eq!(
            digest(Uuid::nil(), "a@b.org", &items[..1]).subject,
            "One thing in the network concerns you"
        );
    }
}
