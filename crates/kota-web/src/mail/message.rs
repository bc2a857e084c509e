//! A queued mail as the message that goes out: plain text with the page's full address, a
//! `Message-ID` made of the mail's id (the same on every attempt, so a receiver can tell a
//! repeat), and for notices the one-click unsubscribe headers of RFC 8058.

use kota_store::mail::QueuedMail;
use lettre::Message;
use lettre::message::Mailbox;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};

use super::unsubscribe;

/// `List-Unsubscribe: <https://…/unsubscribe/TOKEN>`.
#[derive(Clone)]
struct ListUnsubscribe(String);

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.trim_matches(['<', '>']).to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

/// The message of a queued mail, for the site at `site`.
pub fn render(
    mail: &QueuedMail,
    site: &str,
    from: &Mailbox,
    key: &unsubscribe::Key,
) -> Result<Message, lettre::error::Error> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|_| lettre::error::Error::MissingTo)?;
    let host = site
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', ':']).next())
        .filter(|h| !h.is_empty())
        .unwrap_or("kota");
    let mut text = format!("{}\n\n{site}{}\n", mail.body.trim_end(), mail.link);
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{}@{host}>", mail.id)))
        .header(ContentType::TEXT_PLAIN);
    if let (true, Some(user_id)) = (mail.kind.may_unsubscribe(), mail.user_id) {
        let address = format!("{site}/unsubscribe/{}", key.token(user_id));
        text.push_str(&format!(
            "\n--\nYou get this e-mail because something in the network concerns you. Choose \
             how often on {site}/account, or stop these e-mails: {address}\n"
        ));
        builder = builder
            .header(ListUnsubscribe(address))
            .header(ListUnsubscribePost);
    }
    builder.body(text)
}
