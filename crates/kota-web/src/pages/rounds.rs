//! Matching round pages (coordinators): the list, and one round with its pairs explained, the
//! cities left out and why, coverage, the forms that change it, a what-if and publishing.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use kota_domain::access::Principal;
use kota_domain::ids::Key;
use kota_domain::round::{Round, RoundStatus, WhatIfAnswer, may_run_rounds};
use kota_store::matching::round::WhatIfChange;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CsrfForm, CsrfToken, RequiredPrincipal};
use crate::error::{PageError, PageResult, Problem};
use crate::extract::KeyPath;

fn coordinator(who: &Principal) -> Result<(), PageError> {
    if may_run_rounds(who) {
        Ok(())
    } else {
        Err(Problem::forbidden("matching rounds are for the network's coordinators").into())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "rounds.html")]
pub(crate) struct RoundsPage {
    title: String,
    section: &'static str,
    rounds: Vec<Round>,
}

pub(crate) async fn list(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
) -> PageResult<RoundsPage> {
    coordinator(&who)?;
    Ok(RoundsPage {
        title: "Matching rounds".into(),
        section: "twinnings",
        rounds: s.store.rounds().await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "round.html")]
pub(crate) struct RoundPage {
    title: String,
    section: &'static str,
    r: Round,
    draft: bool,
    csrf: CsrfToken,
    what_if: Option<WhatIfAnswer>,
}

async fn round_page(
    s: &AppState,
    who: &Principal,
    csrf: CsrfToken,
    key: &Key,
    what_if: Option<WhatIfAnswer>,
) -> PageResult<RoundPage> {
    coordinator(who)?;
    let r = s
        .store
        .stored_round(key)
        .await?
        .ok_or_else(|| Problem::not_found("round", key))?
        .round;
    Ok(RoundPage {
        title: format!("Matching round of {}", r.created_at.format("%-d %B %Y")),
        section: "twinnings",
        draft: r.status == RoundStatus::Draft,
        r,
        csrf,
        what_if,
    })
}

pub(crate) async fn page(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    KeyPath(key): KeyPath,
) -> PageResult<RoundPage> {
    round_page(&s, &who, csrf, &key, None).await
}

/// The what-if form: more slots, or one partner's capacity.
#[derive(Debug, Deserialize)]
pub(crate) struct WhatIfForm {
    #[serde(default)]
    slots: String,
}

pub(crate) async fn what_if(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    KeyPath(key): KeyPath,
    CsrfForm(form): CsrfForm<WhatIfForm>,
) -> PageResult<RoundPage> {
    let slots: u32 = form
        .slots
        .trim()
        .parse()
        .ok()
        .filter(|n| (1..=100).contains(n))
        .ok_or_else(|| Problem::invalid_body("give from 1 to 100 more partner slots"))?;
    let answer = s
        .store
        .round_what_if(&who, &key, &WhatIfChange::Slots(slots))
        .await?;
    round_page(&s, &who, csrf, &key, Some(answer)).await
}

/// Publishing: a one-button form with the version it was based on.
#[derive(Debug, Deserialize)]
pub(crate) struct PublishForm {
    version: String,
}

pub(crate) async fn publish(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(key): KeyPath,
    CsrfForm(form): CsrfForm<PublishForm>,
) -> Result<Response, PageError> {
    coordinator(&who)?;
    let version = form.version.parse().ok();
    let r = s.store.publish_round(&who, &key, version).await?;
    Ok(Redirect::to(&format!("/rounds/{}", r.id)).into_response())
}
