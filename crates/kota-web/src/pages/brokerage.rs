//! Brokerage pages: an event's brokerage (the viewer's requests and those to answer, inline;
//! for coordinators every request, the settings and the schedule) and a participant's agenda
//! with its iCalendar link. Plain forms, no JavaScript.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use kota_domain::access::Principal;
use kota_domain::brokerage::{
    Agenda, BrokerageSchedule, MeetingRequest, MeetingState, Participant,
};
use kota_store::records::meeting_request::{Accept, BrokerageEvent, Decline};

use super::edit::meeting_request::{AnswerForm, RequestForm, ScheduleForm, SettingsForm, own_side};
use crate::AppState;
use crate::api::brokerage::{AgendaQuery, agenda_of, ics_response};
use crate::auth::{CsrfToken, OptionalPrincipal, RequiredPrincipal};
use crate::error::{PageResult, Problem};
use crate::extract::KeyPath;
use crate::filters::Params;
use crate::forms;

/// The brokerage pages and forms, merged into the pages' router.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/events/{key}/brokerage", get(page))
        .route(
            "/events/{key}/brokerage/request",
            forms::routes::<RequestForm>(),
        )
        .route(
            "/events/{key}/brokerage/settings",
            forms::routes::<SettingsForm>(),
        )
        .route(
            "/events/{key}/brokerage/schedule",
            forms::routes::<ScheduleForm>(),
        )
        .route(
            "/meeting-requests/{key}/accept",
            forms::routes::<AnswerForm<Accept>>(),
        )
        .route(
            "/meeting-requests/{key}/decline",
            forms::routes::<AnswerForm<Decline>>(),
        )
        .route("/events/{key}/agenda", get(agenda))
        .route("/events/{key}/agenda.ics", get(agenda_ics))
}

/// A request as the page lists it, with whether the viewer may answer it.
pub(crate) struct Row {
    r: MeetingRequest,
    answerable: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "brokerage.html")]
pub(crate) struct BrokeragePage {
    title: String,
    section: &'static str,
    event: BrokerageEvent,
    signed_in: bool,
    coordinator: bool,
    /// Requests the viewer's side made (every request, for coordinators).
    outgoing: Vec<Row>,
    /// Requests made to the viewer's side.
    incoming: Vec<Row>,
    /// The participants whose agendas the viewer may open.
    agendas: Vec<Participant>,
    schedule: Option<BrokerageSchedule>,
    csrf: CsrfToken,
}

async fn page(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    csrf: CsrfToken,
    KeyPath(key): KeyPath,
) -> PageResult<BrokeragePage> {
    let event = s
        .store
        .brokerage_event(&key)
        .await?
        .ok_or_else(|| Problem::not_found("event", &key))?;
    let requests = s
        .store
        .meeting_requests(event.event.id, who.as_ref())
        .await?;
    let coordinator = who.as_ref().is_some_and(Principal::is_coordinator);
    let (mut outgoing, mut incoming) = (Vec::new(), Vec::new());
    let mut agendas: Vec<Participant> = Vec::new();
    if let Some(w) = &who {
        if let Some(own) = own_side(&s, w).await? {
            agendas.push(own);
        }
        for r in requests {
            for p in [&r.requester, &r.invitee] {
                if p.open_to(w) && !agendas.iter().any(|a| a.id == p.id) {
                    agendas.push(p.clone());
                }
            }
            let answerable = r.state == MeetingState::Requested && r.invitee.speaks_for(w);
            let row = Row { r, answerable };
            if row.r.invitee.speaks_for(w) {
                incoming.push(row);
            } else {
                outgoing.push(row);
            }
        }
    }
    agendas.sort_by(|a, b| a.name.cmp(&b.name));
    let schedule = if coordinator {
        s.store.brokerage_schedule(event.event.id).await?
    } else {
        None
    };
    Ok(BrokeragePage {
        title: format!("One-to-one meetings: {}", event.event.name),
        section: "events",
        signed_in: who.is_some(),
        coordinator,
        outgoing,
        incoming,
        agendas,
        schedule,
        csrf,
        event,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "agenda.html")]
pub(crate) struct AgendaPage {
    title: String,
    section: &'static str,
    agenda: Agenda,
}

async fn agenda(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(key): KeyPath,
    Params(q): Params<AgendaQuery>,
) -> PageResult<AgendaPage> {
    let agenda = agenda_of(&s.store, &who, &key, q.participant.as_deref()).await?;
    Ok(AgendaPage {
        title: format!(
            "Agenda of {}: {}",
            agenda.participant.name, agenda.event.name
        ),
        section: "events",
        agenda,
    })
}

/// The agenda as an iCalendar file, for a signed-in browser (the API's asks for a token).
async fn agenda_ics(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(key): KeyPath,
    Params(q): Params<AgendaQuery>,
) -> PageResult<Response> {
    let agenda = agenda_of(&s.store, &who, &key, q.participant.as_deref()).await?;
    Ok(ics_response(&agenda))
}
