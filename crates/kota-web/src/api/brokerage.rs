//! Brokerage sessions at an event: meeting requests between member cities and partners,
//! answered by the invitee's side; the event's setting that accepts every request; the
//! schedule a coordinator runs over the accepted ones; and each participant's agenda, as JSON
//! and as iCalendar. Requests and agendas are for their sides and coordinators.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use kota_domain::access::Principal;
use kota_domain::brokerage::{Agenda, BrokerageSchedule, BrokerageSettings, MeetingRequest};
use kota_domain::edit::brokerage::{BrokerageSettingsInput, MeetingRequestInput, ScheduleInput};
use kota_domain::ids::Key;
use kota_domain::page::Page;
use kota_store::records::brokerage::{RunSchedule, SetBrokerage};
use kota_store::records::meeting_request::{
    Accept, AnswerKind, AnswerMeeting, Decline, RequestMeeting,
};
use kota_store::{EditRequest, Store};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::body::JsonBody;
use super::twinnings::OptionalIfMatch;
use super::write_support::{CreateProblems, etag, written};
use crate::AppState;
use crate::auth::RequiredPrincipal;
use crate::error::Problem;
use crate::extract::{IDEMPOTENCY_KEY_DOC, IdempotencyHeader, KeyPath, parse_key};
use crate::filters::{PageQuery, Params};

/// The brokerage endpoints, merged into the API's router.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(post_meeting_request))
        .routes(routes!(list_meeting_requests))
        .routes(routes!(get_meeting_request))
        .routes(routes!(accept_meeting))
        .routes(routes!(decline_meeting))
        .routes(routes!(post_brokerage))
        .routes(routes!(post_schedule))
        .routes(routes!(get_agenda))
        .routes(routes!(get_agenda_ics))
}

/// Requests a one-to-one meeting at an event with a member city or partner (`with`), for
/// the city or partner you act for, or for `from` (a coordinator names it). The request is
/// `requested` until the invitee's side answers, or `accepted` at once when the event
/// accepts every request.
#[utoipa::path(post, path = "/api/v1/events/{id}/meeting-requests", tag = "brokerage",
    params(("id" = String, Path, description = "The event's UUID or slug"),
           ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)),
    request_body = MeetingRequestInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The meeting request", body = MeetingRequest),
        (status = 409, description = "The event is over, or the two have a meeting requested or accepted there already", body = Problem, content_type = "application/problem+json"),
        CreateProblems
    ))]
pub(crate) async fn post_meeting_request(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(event): KeyPath,
    uri: Uri,
    idempotency: IdempotencyHeader,
    JsonBody(body): JsonBody<MeetingRequestInput>,
) -> Result<Response, Problem> {
    let key = idempotency.for_request(uri.path(), &body);
    let keys = body.parts().map_err(Problem::invalid)?;
    let edit = RequestMeeting { event, keys };
    let edited = s
        .store
        .edit(EditRequest::new(&who, edit).idempotent(key))
        .await?;
    Ok(written(StatusCode::CREATED, edited, |r| {
        (
            r.version,
            Some(format!("/api/v1/meeting-requests/{}", r.id)),
        )
    }))
}

/// Which meeting requests.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct MeetingRequestQuery {
    /// The event, by id or slug (every event when absent).
    pub event: Option<String>,
}

/// The meeting requests your side made or was asked (every request, for coordinators), at
/// one event or at any, newest first.
#[utoipa::path(get, path = "/api/v1/meeting-requests", tag = "brokerage",
    params(MeetingRequestQuery, PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of meeting requests", body = Page<MeetingRequest>),
        (status = 400, description = "A parameter has a bad value, or names no event", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_meeting_requests(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    Params(q): Params<MeetingRequestQuery>,
    Params(page): Params<PageQuery>,
) -> Result<Json<Page<MeetingRequest>>, Problem> {
    let page = page.page()?;
    let event = match q.event.as_deref() {
        Some(raw) => {
            let key = parse_key(raw).map_err(|p| Problem::bad_parameter("event", &p.detail))?;
            let found = s.store.brokerage_event(&key).await?.ok_or_else(|| {
                Problem::bad_parameter(
                    "event",
                    &format!("No event has the id or short name “{key}”"),
                )
            })?;
            Some(found.event.id)
        }
        None => None,
    };
    Ok(Json(s.store.meeting_request_page(&who, event, page).await?))
}

/// One meeting request (its two sides and coordinators).
#[utoipa::path(get, path = "/api/v1/meeting-requests/{id}", tag = "brokerage",
    params(("id" = String, Path, description = "The meeting request's UUID")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The meeting request, with its ETag", body = MeetingRequest),
        (status = 400, description = "The id is not one a record can have", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither side's nor a coordinator's", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such meeting request", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_meeting_request(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(id): KeyPath,
) -> Result<(HeaderMap, Json<MeetingRequest>), Problem> {
    let r = s
        .store
        .meeting_request(&id)
        .await?
        .ok_or_else(|| Problem::not_found("meeting request", &id))?;
    if !r.visible_to(&who) {
        return Err(Problem::forbidden(
            "a meeting request is for its two sides and coordinators",
        ));
    }
    Ok((etag(r.version), Json(r)))
}

/// Answers a meeting request for the invitee's side.
async fn answer<A: AnswerKind>(
    s: &AppState,
    who: &Principal,
    request: Key,
    OptionalIfMatch(version): OptionalIfMatch,
) -> Result<(HeaderMap, Json<MeetingRequest>), Problem> {
    let r = s
        .store
        .apply_edit(who, AnswerMeeting::<A>::new(request), version)
        .await?;
    Ok((etag(r.version), Json(r)))
}

/// Accepts a meeting request (the invitee's side: a city's officers or its national
/// representative, a partner's representatives).
#[utoipa::path(post, path = "/api/v1/meeting-requests/{id}/accept", tag = "brokerage",
    params(("id" = String, Path, description = "The meeting request's UUID"),
           ("If-Match" = Option<String>, Header, description = "The ETag of the request as read; when sent, a change since is refused (412)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The meeting request, now accepted", body = MeetingRequest),
        (status = 409, description = "The request was answered already", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since you read it", body = Problem, content_type = "application/problem+json"),
        CreateProblems
    ))]
pub(crate) async fn accept_meeting(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(id): KeyPath,
    version: OptionalIfMatch,
) -> Result<(HeaderMap, Json<MeetingRequest>), Problem> {
    answer::<Accept>(&s, &who, id, version).await
}

/// Declines a meeting request (the invitee's side).
#[utoipa::path(post, path = "/api/v1/meeting-requests/{id}/decline", tag = "brokerage",
    params(("id" = String, Path, description = "The meeting request's UUID"),
           ("If-Match" = Option<String>, Header, description = "The ETag of the request as read; when sent, a change since is refused (412)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The meeting request, now declined", body = MeetingRequest),
        (status = 409, description = "The request was answered already", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since you read it", body = Problem, content_type = "application/problem+json"),
        CreateProblems
    ))]
pub(crate) async fn decline_meeting(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(id): KeyPath,
    version: OptionalIfMatch,
) -> Result<(HeaderMap, Json<MeetingRequest>), Problem> {
    answer::<Decline>(&s, &who, id, version).await
}

/// Sets an event's brokerage (coordinators): with `accept_all`, every request is accepted
/// as it is made, and the requests waiting are accepted now.
#[utoipa::path(post, path = "/api/v1/events/{id}/brokerage", tag = "brokerage",
    params(("id" = String, Path, description = "The event's UUID or slug"),
           ("If-Match" = Option<String>, Header, description = "The ETag of the settings as read; when sent, a change since is refused (412)")),
    request_body = BrokerageSettingsInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The event's brokerage settings", body = BrokerageSettings),
        (status = 412, description = "Changed since you read it", body = Problem, content_type = "application/problem+json"),
        CreateProblems
    ))]
pub(crate) async fn post_brokerage(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(event): KeyPath,
    OptionalIfMatch(version): OptionalIfMatch,
    JsonBody(input): JsonBody<BrokerageSettingsInput>,
) -> Result<(HeaderMap, Json<BrokerageSettings>), Problem> {
    let settings = s
        .store
        .apply_edit(&who, SetBrokerage { event, input }, version)
        .await?;
    Ok((etag(settings.version), Json(settings)))
}

/// Schedules an event's accepted meetings (coordinators) into the `slots` given (RFC 3339
/// start and end, in order, none overlapping) and `tables`: nobody meets twice in a slot and
/// no table hosts two meetings at once. Every meeting is placed when the busiest
/// participant has no more meetings than slots, the meetings are between cities and partners
/// (or otherwise split into two sides) and the slots' tables suffice; the meetings left say
/// why. The schedule replaces the one run before.
#[utoipa::path(post, path = "/api/v1/events/{id}/schedule", tag = "brokerage",
    params(("id" = String, Path, description = "The event's UUID or slug"),
           ("If-Match" = Option<String>, Header, description = "The ETag of the schedule as read; when sent, a run since is refused (412)")),
    request_body = ScheduleInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The schedule: meetings placed and those left, with why", body = BrokerageSchedule),
        (status = 412, description = "Run again since you read it", body = Problem, content_type = "application/problem+json"),
        CreateProblems
    ))]
pub(crate) async fn post_schedule(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(event): KeyPath,
    OptionalIfMatch(version): OptionalIfMatch,
    JsonBody(input): JsonBody<ScheduleInput>,
) -> Result<(HeaderMap, Json<BrokerageSchedule>), Problem> {
    let schedule = s
        .store
        .apply_edit(&who, RunSchedule { event, input }, version)
        .await?;
    Ok((etag(schedule.version), Json(schedule)))
}

/// Whose agenda.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AgendaQuery {
    /// The city or partner, by id or slug.
    pub participant: Option<String>,
}

/// The agenda of a participant at an event, from the schedule last run (empty before one),
/// when `who` may read it: the participant's side and coordinators.
pub(crate) async fn agenda_of(
    store: &Store,
    who: &Principal,
    event: &Key,
    participant: Option<&str>,
) -> Result<Agenda, Problem> {
    let Some(participant) = participant else {
        return Err(Problem::bad_parameter(
            "participant",
            "name the city or partner whose agenda to show",
        ));
    };
    let key =
        parse_key(participant).map_err(|p| Problem::bad_parameter("participant", &p.detail))?;
    let e = store
        .brokerage_event(event)
        .await?
        .ok_or_else(|| Problem::not_found("event", event))?;
    let p = store
        .participant(&key)
        .await?
        .ok_or_else(|| Problem::not_found("city or partner", &key))?;
    if !p.open_to(who) {
        return Err(Problem::forbidden(
            "an agenda is for its participant's side and coordinators",
        ));
    }
    Ok(match store.brokerage_schedule(e.event.id).await? {
        Some(schedule) => schedule.agenda(&p),
        None => Agenda {
            event: e.event,
            participant: p,
            items: Vec::new(),
            scheduled_at: None,
        },
    })
}

/// A participant's agenda at an event: time, table, counterpart and what each meeting is
/// about (the participant's side and coordinators).
#[utoipa::path(get, path = "/api/v1/events/{id}/agenda", tag = "brokerage",
    params(("id" = String, Path, description = "The event's UUID or slug"), AgendaQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The agenda, by time", body = Agenda),
        (status = 400, description = "No participant named, or an id no record can have", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the participant's side nor a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, city or partner", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_agenda(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(event): KeyPath,
    Params(q): Params<AgendaQuery>,
) -> Result<Json<Agenda>, Problem> {
    Ok(Json(
        agenda_of(&s.store, &who, &event, q.participant.as_deref()).await?,
    ))
}

/// A participant's agenda as an iCalendar file (RFC 5545): one event per meeting, in UTC.
#[utoipa::path(get, path = "/api/v1/events/{id}/agenda.ics", tag = "brokerage",
    params(("id" = String, Path, description = "The event's UUID or slug"), AgendaQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The agenda as iCalendar", content_type = "text/calendar", body = String),
        (status = 400, description = "No participant named, or an id no record can have", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the participant's side nor a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such event, city or partner", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_agenda_ics(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(event): KeyPath,
    Params(q): Params<AgendaQuery>,
) -> Result<Response, Problem> {
    let agenda = agenda_of(&s.store, &who, &event, q.participant.as_deref()).await?;
    Ok(ics_response(&agenda))
}

/// An agenda as a downloadable iCalendar answer.
pub(crate) fn ics_response(agenda: &Agenda) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    let name = format!(
        "attachment; filename=\"{}-{}.ics\"",
        agenda.event.slug, agenda.participant.slug
    );
    if let Ok(value) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    (headers, agenda.to_ics(chrono::Utc::now())).into_response()
}
