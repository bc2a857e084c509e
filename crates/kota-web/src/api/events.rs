//! Events: read by anyone (as JSON or as iCalendar), created and edited by coordinators, with
//! the decisions taken there; and the decisions that concern a city.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use kota_domain::edit::{DecisionInput, EventInput};
use kota_domain::event::{Decision, Event};
use kota_domain::ical;
use kota_domain::ids::Key;
use kota_domain::page::{Page, PageRequest};
use kota_store::EditRequest;
use kota_store::filter::EventFilter;
use kota_store::records::event::{CreateEvent, RecordDecision, UpdateEvent};

use super::body::JsonBody;
use super::write_support::{CreateProblems, IfMatch, UpdateProblems, etag, written};
use crate::AppState;
use crate::auth::RequiredPrincipal;
use crate::error::Problem;
use crate::extract::{IDEMPOTENCY_KEY_DOC, IdempotencyHeader, KeyPath};
use crate::filters::{EventQuery, PageQuery, Params};
use crate::plan_versions::city_of;

/// The media type of calendars.
const CALENDAR: &str = "text/calendar; charset=utf-8";

/// Events, filtered and paged, newest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "network", params(EventQuery, PageQuery),
    responses(
        (status = 200, description = "A page of events", body = Page<Event>),
        (status = 400, description = "A parameter has a bad value", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_events(
    State(s): State<AppState>,
    Params(q): Params<EventQuery>,
    Params(page): Params<PageQuery>,
) -> Result<Json<Page<Event>>, Problem> {
    let filter = q.resolve(&s.store).await?;
    Ok(Json(s.store.events(&filter, page.page()?).await?))
}

/// One event by id or slug, with its agenda, participants and decisions, and its `ETag`.
/// (`/api/v1/events/{id}.ics` is the same event as iCalendar.)
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "network",
    params(("id" = String, Path, description = "The event's UUID or slug")),
    responses(
        (status = 200, description = "The event", body = Event),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_event(
    State(s): State<AppState>,
    KeyPath(id): KeyPath,
) -> Result<Response, Problem> {
    // The router cannot tell `{id}.ics` from `{id}`: the suffix is read here.
    if let Key::Slug(slug) = &id
        && let Some(event) = slug.strip_suffix(".ics")
        && let Ok(event) = Key::parse(event)
    {
        return get_event_ics(&s, &event).await;
    }
    let event = event_of(&s, &id).await?;
    Ok((etag(event.version), Json(event)).into_response())
}

async fn event_of(s: &AppState, id: &Key) -> Result<Event, Problem> {
    s.store
        .event(id)
        .await?
        .ok_or_else(|| Problem::not_found("event", id))
}

/// One event as an iCalendar file (RFC 5545): timed in its time zone with the zone
/// described, or all-day for a documented event known to the day.
#[utoipa::path(get, path = "/api/v1/events/{id}.ics", tag = "network",
    params(("id" = String, Path, description = "The event's UUID or slug")),
    responses(
        (status = 200, description = "The event as a calendar", body = String, content_type = "text/calendar"),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, or it is known only to the month or year", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_event_ics(s: &AppState, id: &Key) -> Result<Response, Problem> {
    let event = event_of(s, id).await?;
    let entry = event.calendar_entry().ok_or_else(|| {
        Problem::with_status(
            StatusCode::NOT_FOUND,
            "not-found",
            format!(
                "the event `{}` is known only as `{}`: it has no day to put in a calendar",
                event.slug, event.date.text
            ),
        )
    })?;
    Ok(calendar(&[entry]))
}

/// Every event with its days known, as one iCalendar file (RFC 5545).
#[utoipa::path(get, path = "/api/v1/events.ics", tag = "network",
    responses(
        (status = 200, description = "The events as a calendar", body = String, content_type = "text/calendar")
    ))]
pub(crate) async fn list_events_ics(State(s): State<AppState>) -> Result<Response, Problem> {
    let events = s
        .store
        .events(&EventFilter::default(), PageRequest::all())
        .await?;
    let entries: Vec<ical::CalendarEntry> = events
        .items
        .iter()
        .filter_map(Event::calendar_entry)
        .collect();
    Ok(calendar(&entries))
}

fn calendar(entries: &[ical::CalendarEntry]) -> Response {
    (
        [(header::CONTENT_TYPE, CALENDAR)],
        ical::calendar(entries, Utc::now()),
    )
        .into_response()
}

/// Creates an event (coordinators): title, kind, start and end (RFC 3339) in an IANA time
/// zone, place, host city, participants and agenda.
#[utoipa::path(post, path = "/api/v1/events", tag = "editing",
    params(("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)),
    request_body = EventInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The event, with its ETag and Location", body = Event),
        CreateProblems
    ))]
pub(crate) async fn post_event(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    uri: Uri,
    idempotency: IdempotencyHeader,
    JsonBody(input): JsonBody<EventInput>,
) -> Result<Response, Problem> {
    let key = idempotency.for_request(uri.path(), &input);
    let edited = s
        .store
        .edit(EditRequest::new(&who, CreateEvent { input }).idempotent(key))
        .await?;
    Ok(written(StatusCode::CREATED, edited, |e: &Event| {
        (e.version, Some(format!("/api/v1/events/{}", e.id)))
    }))
}

/// Replaces an event's fields (coordinators); its sources and decisions stay. A documented
/// event known only by its written date may be edited without times.
#[utoipa::path(put, path = "/api/v1/events/{id}", tag = "editing",
    params(("id" = String, Path, description = "The event's UUID or slug"),
           ("If-Match" = String, Header, description = "The event's ETag as read")),
    request_body = EventInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The event as edited, with its new ETag", body = Event),
        UpdateProblems
    ))]
pub(crate) async fn put_event(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(id): KeyPath,
    IfMatch(version): IfMatch,
    JsonBody(input): JsonBody<EventInput>,
) -> Result<(HeaderMap, Json<Event>), Problem> {
    let edit = UpdateEvent { event: id, input };
    let event = s.store.apply_edit(&who, edit, Some(version)).await?;
    Ok((etag(event.version), Json(event)))
}

/// Records a decision taken at an event (coordinators), with its outcome and the cities,
/// projects, plans and twinnings it concerns (`{"type": "project", "id": "<id or slug>"}`).
#[utoipa::path(post, path = "/api/v1/events/{id}/decisions", tag = "editing",
    params(("id" = String, Path, description = "The event's UUID or slug"),
           ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)),
    request_body = DecisionInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The decision as recorded", body = Decision),
        CreateProblems
    ))]
pub(crate) async fn post_decision(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(id): KeyPath,
    uri: Uri,
    idempotency: IdempotencyHeader,
    JsonBody(input): JsonBody<DecisionInput>,
) -> Result<Response, Problem> {
    let key = idempotency.for_request(uri.path(), &input);
    let edit = RecordDecision { event: id, input };
    let edited = s
        .store
        .edit(EditRequest::new(&who, edit).idempotent(key))
        .await?;
    Ok(written(StatusCode::CREATED, edited, |_: &Decision| {
        (1, None)
    }))
}

/// The decisions that concern a city (itself, its projects, its plan, its twinnings), newest
/// first, each with its event.
#[utoipa::path(get, path = "/api/v1/cities/{id}/decisions", tag = "network",
    params(("id" = String, Path, description = "The city's UUID or slug")),
    responses(
        (status = 200, description = "The decisions, newest first", body = Vec<Decision>),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such city", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_city_decisions(
    State(s): State<AppState>,
    KeyPath(id): KeyPath,
) -> Result<Json<Vec<Decision>>, Problem> {
    let city = city_of(&s, &id).await?;
    Ok(Json(s.store.city_decisions(city.id).await?))
}
