//! Matching round pages (coordinators): the list, and one round with its pairs explained, the
//! cities left out and why, coverage, the forms that change it, a what-if and publishing.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kota_domain::access::Principal;
use kota_domain::edit::{Code, FieldError};
use kota_domain::ids::Key;
use kota_domain::round::{Round, RoundStatus, WhatIfAnswer};
use kota_store::matching::round::WhatIfChange;
use kota_store::records::round::MAX_SLOTS;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CsrfForm, CsrfToken, RequiredPrincipal};
use crate::error::{PageError, PageResult, Problem};
use crate::extract::KeyPath;
use crate::forms;

/// The round pages and their forms.
pub(crate) fn routes() -> Router<AppState> {
    use super::edit::round::{Forbid, Pin, RoundStepForm, StartForm};
    Router::new()
        .route("/rounds", get(list))
        .route("/rounds/new", forms::routes::<StartForm>())
        .route("/rounds/{key}", get(page))
        .route("/rounds/{key}/pins", forms::routes::<RoundStepForm<Pin>>())
        .route(
            "/rounds/{key}/forbids",
            forms::routes::<RoundStepForm<Forbid>>(),
        )
        .route(
            "/rounds/{key}/rerun",
            forms::routes::<RoundStepForm<super::edit::round::Rerun>>(),
        )
        .route("/rounds/{key}/what-if", post(what_if))
        .route("/rounds/{key}/publish", post(publish))
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
    Ok(RoundsPage {
        title: "Matching rounds".into(),
        section: "twinnings",
        rounds: s.store.rounds_for(&who).await?,
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
    let r = s.store.round(who, key).await?;
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
        .filter(|n| (1..=MAX_SLOTS).contains(n))
        .ok_or_else(|| {
            Problem::invalid(vec![FieldError::new(
                "slots",
                Code::OutOfRange,
                format!("Give 1 to {MAX_SLOTS} more partner slots"),
            )])
        })?;
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
    let version = form.version.parse().ok();
    let r = s.store.publish_round(&who, &key, version).await?;
    Ok(Redirect::to(&format!("/rounds/{}", r.id)).into_response())
}
