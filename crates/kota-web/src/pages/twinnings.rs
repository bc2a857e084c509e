//! Twinning pages: the list with its filters, one twinning with the steps the viewer may take,
//! and the inbox of what waits on the viewer.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use kota_domain::access::{Principal, Scope};
use kota_domain::page::PageRequest;
use kota_domain::twinning::{ActivityKind, Transition, Twinning, TwinningState};
use kota_store::filter::PartnerFilter;

use super::edit::twinning::step_path;
use super::view::{AreaLabel, AreaNames, Choice, Pager};
use crate::AppState;
use crate::auth::{CsrfToken, OptionalPrincipal, RequiredPrincipal};
use crate::error::{PageResult, Problem};
use crate::extract::KeyPath;
use crate::filters::{PageQuery, Params, TwinningQuery};
use crate::open_data::{csv_file, csv_link};

#[derive(Template, WebTemplate)]
#[template(path = "twinnings.html")]
pub(crate) struct TwinningsPage {
    title: String,
    section: &'static str,
    twinnings: Vec<Twinning>,
    pager: Pager,
    cities: Vec<Choice>,
    partners: Vec<Choice>,
    states: Vec<Choice>,
    signed_in: bool,
    csv: String,
}

pub(crate) async fn list(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    uri: Uri,
    Params(q): Params<TwinningQuery>,
    Params(paging): Params<PageQuery>,
) -> PageResult<TwinningsPage> {
    let filter = q.resolve(&s.store).await?;
    let page = s
        .store
        .twinnings(&filter, paging.page()?, who.as_ref())
        .await?;
    let cities = s.store.city_refs().await?;
    let partners = s
        .store
        .partners(&PartnerFilter::default(), PageRequest::all())
        .await?
        .items;
    Ok(TwinningsPage {
        title: "Twinnings".into(),
        section: "twinnings",
        pager: Pager::of(&page, "/twinnings", uri.query()),
        twinnings: page.items,
        cities: Choice::list(cities.into_iter().map(|c| (c.slug, c.name)), &q.city),
        partners: Choice::list(partners.into_iter().map(|p| (p.slug, p.name)), &q.partner),
        states: Choice::list(
            TwinningState::ALL
                .iter()
                .map(|st| (st.as_str(), st.label())),
            &q.state,
        ),
        signed_in: who.is_some(),
        csv: csv_link("/twinnings", uri.query()),
    })
}

/// `/twinnings.csv`: the twinnings `/twinnings` shows the viewer with the same filters, every
/// page, as CSV.
pub(crate) async fn list_csv(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    Params(q): Params<TwinningQuery>,
) -> Result<Response, Problem> {
    let filter = q.resolve(&s.store).await?;
    let page = s
        .store
        .twinnings(&filter, PageRequest::all(), who.as_ref())
        .await?;
    csv_file("twinnings.csv", &page.items)
}

#[derive(Template, WebTemplate)]
#[template(path = "twinning.html")]
pub(crate) struct TwinningPage {
    title: String,
    section: &'static str,
    t: Twinning,
    areas: Vec<AreaLabel>,
    dormant_days: u32,
    /// The steps the viewer may take, each with where its form goes.
    actions: Vec<(Transition, String)>,
    kinds: &'static [ActivityKind],
    today: String,
    csrf: CsrfToken,
    may_audit: bool,
}

pub(crate) async fn page(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    csrf: CsrfToken,
    KeyPath(key): KeyPath,
) -> PageResult<TwinningPage> {
    let t = s
        .store
        .twinning(&key, who.as_ref())
        .await?
        .ok_or_else(|| Problem::not_found("twinning", &key))?;
    let names = AreaNames::of(&s.store.framework().await?);
    let dormancy = s.store.dormancy();
    let actions = who
        .as_ref()
        .map(|w| t.open_to(w))
        .unwrap_or_default()
        .into_iter()
        .map(|step| (step, step_path(&t, step)))
        .collect();
    Ok(TwinningPage {
        title: format!("{} with {}", t.partner.name, t.city.name),
        section: "twinnings",
        areas: names.labels(&t.focus_areas),
        dormant_days: dormancy.days,
        actions,
        kinds: ActivityKind::ALL,
        today: dormancy.today.to_string(),
        csrf,
        may_audit: who.as_ref().is_some_and(Principal::may_read_audit),
        t,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "twinning_inbox.html")]
pub(crate) struct InboxPage {
    title: String,
    section: &'static str,
    waiting_heading: &'static str,
    waiting: Vec<Twinning>,
    dormant: Option<Vec<Twinning>>,
}

pub(crate) async fn inbox(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
) -> PageResult<InboxPage> {
    let inbox = s.store.twinning_inbox(&who).await?;
    let (waiting_heading, shows_dormant) = match who.scope {
        Scope::CityOfficer { .. } | Scope::NationalRepresentative { .. } => {
            ("Proposals waiting for your answer", false)
        }
        Scope::PartnerRepresentative { .. } => ("Your proposals waiting for an answer", true),
        Scope::Coordinator => ("Proposals to endorse", true),
        Scope::Admin => ("Nothing waits on administrators", false),
    };
    Ok(InboxPage {
        title: "Twinning inbox".into(),
        section: "twinnings",
        waiting_heading,
        waiting: inbox.waiting,
        dormant: shows_dormant.then_some(inbox.dormant),
    })
}
