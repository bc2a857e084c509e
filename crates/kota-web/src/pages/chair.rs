//! The chairmanship: the chair by year, and a year's page with its handover, which only
//! coordinators read (it names twinning proposals and interests that only their two sides
//! and coordinators see).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use kota_domain::access::Principal;
use kota_domain::chair::{Handover, OpenWork};
use kota_domain::network::Chairmanship;

use crate::AppState;
use crate::api::chair::year_of;
use crate::auth::OptionalPrincipal;
use crate::error::{PageResult, Problem};
use crate::extract::KeyPath;

#[derive(Template, WebTemplate)]
#[template(path = "chairmanship.html")]
pub(crate) struct ChairmanshipPage {
    title: String,
    section: &'static str,
    /// Each year's chair, and whether its handover is recorded.
    years: Vec<(Chairmanship, bool)>,
    may_manage: bool,
}

/// `/chairmanship`: the chair by year.
pub(crate) async fn list(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
) -> PageResult<ChairmanshipPage> {
    let handed_over = s.store.handover_years().await?;
    Ok(ChairmanshipPage {
        title: "Chairmanship".into(),
        section: "chairmanship",
        years: s
            .store
            .chairmanship()
            .await?
            .into_iter()
            .map(|c| {
                let recorded = handed_over.contains(&c.year);
                (c, recorded)
            })
            .collect(),
        may_manage: who.as_ref().is_some_and(Principal::may_manage_network),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "chair_year.html")]
pub(crate) struct ChairYearPage {
    title: String,
    section: &'static str,
    chair: Chairmanship,
    previous: Option<Chairmanship>,
    next: Option<Chairmanship>,
    may_manage: bool,
    handover: Option<Handover>,
    /// The open work as it stands now, for a coordinator before the handover is recorded.
    open_now: Option<OpenWork>,
}

/// `/chairmanship/{year}`: a year's chair, and its handover.
pub(crate) async fn year(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(key): KeyPath,
) -> PageResult<ChairYearPage> {
    let year = year_of(&key)?;
    let chair = s
        .store
        .chair_of(year)
        .await?
        .ok_or_else(|| Problem::not_found("chairmanship year", year))?;
    let may_manage = who.as_ref().is_some_and(Principal::may_manage_network);
    let handover = s.store.handover(year).await?;
    let open_now = if may_manage && handover.is_none() {
        Some(s.store.open_work().await?)
    } else {
        None
    };
    Ok(ChairYearPage {
        title: format!("Chairmanship {year}"),
        section: "chairmanship",
        previous: s.store.chair_of(year - 1).await?,
        next: s.store.chair_of(year + 1).await?,
        chair,
        may_manage,
        handover,
        open_now,
    })
}

/// `/chairmanship.csv`: the chair by year as CSV.
pub(crate) async fn csv(State(s): State<AppState>) -> Result<axum::response::Response, Problem> {
    crate::open_data::csv_file("chairmanship.csv", &s.store.chairmanship().await?)
}
