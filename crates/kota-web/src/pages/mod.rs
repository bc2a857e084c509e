//! Server-rendered pages: every page works without JavaScript, links every name it shows,
//! and shows the source behind each fact.

mod brokerage;
mod catalogue;
mod chair;
mod dashboard;
mod edit;
mod events;
mod home;
mod indicators;
mod interests;
mod map;
mod places;
mod prose;
mod records;
mod reports;
mod rounds;
mod search;
mod similar;
mod stories;
mod twinnings;
mod unsubscribe;
pub(crate) mod view;

use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use kota_store::records::interest;
use kota_store::records::twinning::{Accept, Conclude, Decline, Endorse, LogActivity, Withdraw};

use crate::AppState;
use crate::error::{PageError, Problem};
use crate::forms;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/about", get(home::about))
        .route(
            "/unsubscribe/{token}",
            get(unsubscribe::ask).post(unsubscribe::stop),
        )
        .route("/map", get(map::network))
        .route("/member-states", get(catalogue::member_states))
        .route("/member-states.csv", get(catalogue::member_states_csv))
        .route("/member-states/{iso2}", get(records::member_state))
        .route("/search", get(search::page))
        .route("/cities", get(catalogue::cities))
        .route("/cities.csv", get(catalogue::cities_csv))
        .route("/cities/{key}", get(records::city))
        .route("/cities/{key}/indicators", get(indicators::city))
        .route(
            "/cities/{key}/indicators/upload",
            get(indicators::upload_form).post(indicators::upload),
        )
        .route("/indicators/{code}", get(indicators::compare))
        .route("/framework", get(home::framework))
        .route("/places/{key}", get(places::place))
        .route("/projects", get(catalogue::projects))
        .route("/projects.csv", get(catalogue::projects_csv))
        .route("/projects/duplicates", get(similar::duplicates))
        .route("/projects/{key}", get(records::project))
        .route(
            "/projects/{key}/merge",
            get(similar::confirm).post(similar::merge),
        )
        .route("/partners", get(catalogue::partners))
        .route("/partners.csv", get(catalogue::partners_csv))
        .route("/partners/{key}", get(records::partner))
        .route("/events", get(events::list))
        .route("/events.csv", get(events::list_csv))
        .route("/events.ics", get(crate::api::events::list_events_ics))
        .route("/events/new", forms::routes::<edit::event::NewEventForm>())
        .route("/events/{key}", get(events::page))
        .route(
            "/events/{key}/edit",
            forms::routes::<edit::event::EventForm>(),
        )
        .route(
            "/events/{key}/decisions/new",
            forms::routes::<edit::event::DecisionForm>(),
        )
        .route("/chairmanship", get(chair::list))
        .route(
            "/chairmanship/new",
            forms::routes::<edit::chair::ChairForm>(),
        )
        .route("/chairmanship/{key}", get(chair::year))
        .route(
            "/chairmanship/{key}/handover",
            forms::routes::<edit::chair::HandoverForm>(),
        )
        .route("/chairmanship.csv", get(chair::csv))
        .route("/dashboard", get(dashboard::dashboard))
        .route("/reports", get(reports::list))
        .route("/reports/{year}", get(reports::report))
        .route("/cities/new", forms::routes::<edit::city::AdmitForm>())
        .route(
            "/cities/{key}/edit",
            forms::routes::<edit::city::ProfileForm>(),
        )
        .route(
            "/cities/{key}/membership",
            forms::routes::<edit::city::MembershipForm>(),
        )
        .route("/cities/{key}/plan", get(edit::plan::history))
        .route("/cities/{key}/plan/diff", get(edit::plan::diff))
        .route(
            "/cities/{key}/plan/edit",
            forms::routes::<edit::plan::PlanForm>(),
        )
        .route(
            "/cities/{key}/projects/new",
            get(forms::show::<edit::project::NewProjectForm>).post(similar::new_project),
        )
        .route(
            "/projects/{key}/edit",
            forms::routes::<edit::project::ProjectForm>(),
        )
        .route(
            "/projects/{key}/progress",
            forms::routes::<edit::project::ProgressForm>(),
        )
        .route(
            "/partners/{key}/edit",
            forms::routes::<edit::partner::PartnerForm>(),
        )
        .route(
            "/framework/focus-areas/{id}/edit",
            forms::routes::<edit::framework::FocusAreaForm>(),
        )
        .route(
            "/projects/{key}/comments",
            forms::routes::<edit::comment::CommentForm>(),
        )
        .route("/audit", get(edit::audit::audit))
        .route("/stories", get(stories::list))
        .route("/stories/new", forms::routes::<edit::story::NewStoryForm>())
        .route("/stories/{key}", get(stories::page))
        .route(
            "/stories/{key}/edit",
            forms::routes::<edit::story::StoryForm>(),
        )
        .merge(rounds::routes())
        .merge(brokerage::routes())
        .route("/twinnings", get(twinnings::list))
        .route("/twinnings.csv", get(twinnings::list_csv))
        .route("/twinnings/inbox", get(twinnings::inbox))
        .route("/twinnings/{key}", get(twinnings::page))
        .route(
            "/partners/{key}/twinnings/new",
            forms::routes::<edit::twinning::ProposeForm>(),
        )
        .route(
            "/twinnings/{key}/accept",
            forms::routes::<edit::twinning::StepForm<Accept>>(),
        )
        .route(
            "/twinnings/{key}/decline",
            forms::routes::<edit::twinning::StepForm<Decline>>(),
        )
        .route(
            "/twinnings/{key}/endorse",
            forms::routes::<edit::twinning::StepForm<Endorse>>(),
        )
        .route(
            "/twinnings/{key}/activities",
            forms::routes::<edit::twinning::StepForm<LogActivity>>(),
        )
        .route(
            "/twinnings/{key}/conclude",
            forms::routes::<edit::twinning::StepForm<Conclude>>(),
        )
        .route(
            "/twinnings/{key}/withdraw",
            forms::routes::<edit::twinning::StepForm<Withdraw>>(),
        )
        .route("/interests", get(interests::list))
        .route("/interests.csv", get(interests::list_csv))
        .route("/interests/{key}", get(interests::page))
        .route(
            "/projects/{key}/interests/new",
            forms::routes::<edit::interest::SubmitForm>(),
        )
        .route(
            "/interests/{key}/shortlist",
            forms::routes::<edit::interest::StepForm<interest::Shortlist>>(),
        )
        .route(
            "/interests/{key}/agree",
            forms::routes::<edit::interest::StepForm<interest::Agree>>(),
        )
        .route(
            "/interests/{key}/decline",
            forms::routes::<edit::interest::StepForm<interest::Decline>>(),
        )
        .route(
            "/interests/{key}/withdraw",
            forms::routes::<edit::interest::StepForm<interest::Withdraw>>(),
        )
        .route(
            "/interests/{key}/messages",
            forms::routes::<edit::interest::StepForm<interest::Message>>(),
        )
}

/// Anything not routed: a problem for API paths, a page for the rest.
pub(crate) async fn not_found(uri: Uri) -> Response {
    let problem = Problem::no_route(uri.path());
    if uri.path().starts_with("/api/") {
        problem.into_response()
    } else {
        let mut response = PageError(problem).into_response();
        *response.status_mut() = StatusCode::NOT_FOUND;
        response
    }
}
