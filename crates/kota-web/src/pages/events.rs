//! Event pages: the list (kind and times in each event's own time zone, with the calendar to
//! subscribe to), and one event with its agenda, participants and decisions; coordinators
//! see the links to edit it and record decisions.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use kota_domain::access::Principal;
use kota_domain::event::Event;
use kota_domain::network::MemberState;
use kota_domain::page::PageRequest;

use super::view::{Choice, Pager};
use crate::AppState;
use crate::auth::OptionalPrincipal;
use crate::error::{PageResult, Problem};
use crate::extract::KeyPath;
use crate::filters::{EventQuery, PageQuery, Params};
use crate::open_data::{csv_file, csv_link};

/// When an event takes place, as people at its place read it: `Tue 10 Mar 2026, 09:00–17:30
/// (Asia/Manila, UTC+08:00)`; the written date for an event known only by it.
pub(crate) fn when(e: &Event) -> String {
    match (e.starts_at, e.ends_at, &e.time_zone) {
        (Some(start), Some(end), Some(zone)) => {
            let offset = start.format("UTC%:z");
            if start.date_naive() == end.date_naive() {
                format!(
                    "{}, {}–{} ({zone}, {offset})",
                    start.format("%a %-d %b %Y"),
                    start.format("%H:%M"),
                    end.format("%H:%M")
                )
            } else {
                format!(
                    "{} – {} ({zone}, {offset})",
                    start.format("%a %-d %b %Y, %H:%M"),
                    end.format("%a %-d %b %Y, %H:%M")
                )
            }
        }
        _ => e.date.text.clone(),
    }
}

/// An event in the list, with when it is as its place reads it.
pub(crate) struct EventLine {
    pub(crate) event: Event,
    pub(crate) when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "events.html")]
pub(crate) struct EventsPage {
    title: String,
    section: &'static str,
    may_manage: bool,
    events: Vec<EventLine>,
    pager: Pager,
    years: Vec<Choice>,
    csv: String,
}

/// `/events`: events newest first, filtered by year.
pub(crate) async fn list(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    uri: Uri,
    Params(q): Params<EventQuery>,
    Params(paging): Params<PageQuery>,
) -> PageResult<EventsPage> {
    let filter = q.resolve(&s.store).await?;
    let page = s.store.events(&filter, paging.page()?).await?;
    let pager = Pager::of(&page, "/events", uri.query());
    let years = s.store.event_years().await?;
    Ok(EventsPage {
        title: "Events".into(),
        section: "events",
        may_manage: who.as_ref().is_some_and(Principal::may_manage_network),
        events: page
            .items
            .into_iter()
            .map(|event| EventLine {
                when: when(&event),
                event,
            })
            .collect(),
        pager,
        years: Choice::list(
            years.into_iter().map(|y| (y.to_string(), y.to_string())),
            &q.year,
        ),
        csv: csv_link("/events", uri.query()),
    })
}

/// `/events.csv`: the events `/events` shows with the same filters, every page, as CSV.
pub(crate) async fn list_csv(
    State(s): State<AppState>,
    Params(q): Params<EventQuery>,
) -> Result<Response, Problem> {
    let filter = q.resolve(&s.store).await?;
    let page = s.store.events(&filter, PageRequest::all()).await?;
    csv_file("events.csv", &page.items)
}

#[derive(Template, WebTemplate)]
#[template(path = "event.html")]
pub(crate) struct EventPage {
    title: String,
    section: &'static str,
    may_manage: bool,
    when: String,
    in_calendar: bool,
    event: Event,
    chair: Option<MemberState>,
}

/// `/events/{key}`: one event with its agenda, participants and decisions.
pub(crate) async fn page(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(key): KeyPath,
) -> PageResult<EventPage> {
    let event = s
        .store
        .event(&key)
        .await?
        .ok_or_else(|| Problem::not_found("event", &key))?;
    let chair = match &event.chair {
        Some(iso2) => s.store.member_state(iso2).await?,
        None => None,
    };
    Ok(EventPage {
        title: event.title.clone(),
        section: "events",
        may_manage: who.as_ref().is_some_and(Principal::may_manage_network),
        when: when(&event),
        in_calendar: event.calendar_entry().is_some(),
        event,
        chair,
    })
}
