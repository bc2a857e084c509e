//! `/unsubscribe/{token}`, the link in every notice mail: a page that asks before it stops
//! the mail (so that a link checker opening it changes nothing), and the one-click `POST` of
//! RFC 8058 that mail programs send, which stops it at once. The token is the proof; no
//! sign-in and no form token are needed.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, State};
use kota_domain::notice::Delivery;

use crate::AppState;
use crate::error::{PageResult, Problem};
use crate::mail::unsubscribe::Keys;

#[derive(Template, WebTemplate)]
#[template(path = "unsubscribe.html")]
pub(crate) struct UnsubscribePage {
    title: String,
    section: &'static str,
    token: String,
    done: bool,
}

/// The person a token names, or a 404 that says the link is not (or no longer) valid.
async fn person(s: &AppState, keys: &Keys, token: &str) -> PageResult<uuid::Uuid> {
    let person = keys
        .key()
        .await?
        .person(token)
        .ok_or_else(|| Problem::not_found("unsubscribe link", token))?;
    s.store
        .user_by_id(person)
        .await?
        .map(|user| user.id)
        .ok_or_else(|| Problem::not_found("unsubscribe link", token).into())
}

/// `GET /unsubscribe/{token}`: asks whether to stop the mail.
pub(crate) async fn ask(
    State(s): State<AppState>,
    Extension(keys): Extension<Keys>,
    Path(token): Path<String>,
) -> PageResult<UnsubscribePage> {
    person(&s, &keys, &token).await?;
    Ok(UnsubscribePage {
        title: "Stop e-mail from Kota".into(),
        section: "account",
        token,
        done: false,
    })
}

/// `POST /unsubscribe/{token}`: stops notice mail for the token's person (a mail program's
/// one-click request, or the page's button).
pub(crate) async fn stop(
    State(s): State<AppState>,
    Extension(keys): Extension<Keys>,
    Path(token): Path<String>,
) -> PageResult<UnsubscribePage> {
    let user_id = person(&s, &keys, &token).await?;
    s.store.set_delivery(user_id, Delivery::Off).await?;
    Ok(UnsubscribePage {
        title: "No more e-mail from Kota".into(),
        section: "account",
        token,
        done: true,
    })
}
