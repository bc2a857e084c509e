//! The JSON API under `/api/v1`, described by the OpenAPI 3.1 document it serves at
//! `/api/v1/openapi.json`.

mod audit_checkpoints;
mod body;
pub(crate) mod brokerage;
pub(crate) mod chair;
mod comments;
mod dashboard;
mod edit;
pub(crate) mod events;
mod indicators;
mod interests;
mod me;
mod membership;
mod network;
mod open_data;
mod partner_profile;
mod people;
pub(crate) mod places;
pub(crate) mod plans;
mod rounds;
pub(crate) mod search;
mod similar;
pub(crate) mod stories;
mod suggestions;
mod twinnings;
pub(crate) mod write_support;

use axum::Json;
use axum::Router;
use axum::routing::get;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kota API",
        description = "The open data and working API of a network of smart cities: member states, \
                       cities, action plans, projects, partners, events and the framework they \
                       are tagged against. Errors are RFC 9457 problem details.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    modifiers(&BearerScheme),
    paths(events::get_event_ics),
    tags(
        (name = "network", description = "The network as documented: read by anyone."),
        (name = "auth", description = "Your account and API tokens. Send a token as \
                                      `Authorization: Bearer <secret>`; make the first one on \
                                      your account page or with `kota token create`."),
        (name = "people", description = "People in the network: invitations with single-use \
                                           links, password resets, and what waits on you."),
        (name = "editing", description = "Changes by the people who own a record, each checked, \
                                            versioned (ETag / If-Match) and audited."),
        (name = "twinning", description = "Twinnings of partners with member cities: proposed \
                                              by a partner's side, accepted or declined by the \
                                              city's, endorsed by coordinators, with activities \
                                              until they conclude."),
        (name = "planning", description = "Planning input: comments on projects in an early \
                                              stage from partners and other cities, answered by \
                                              the city."),
        (name = "business", description = "Business matching: firms express interest in \
                                              projects open to private investment, cities \
                                              shortlist, agree or decline, with messages \
                                              between; suggested firms and projects."),
        (name = "brokerage", description = "Brokerage sessions at events: one-to-one meeting \
                                             requests between cities and partners, their \
                                             schedule into slots and tables, and agendas."),
        (name = "indicators", description = "City indicators over time: values by year with \
                                              their source and verification, and targets."),
        (name = "stories", description = "Success stories and lessons learned, and peer \
                                             learning: whom a city can learn from, and its \
                                             peers."),
        (name = "audit", description = "The audit chain's signed heads, public so that anyone \
                                          can keep a copy to check the log against later."),
        (name = "operations", description = "Health of the service.")
    )
)]
struct ApiDoc;

/// Declares the `bearer` security scheme: an API token as `Authorization: Bearer <secret>`.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (`kota_…`), made on the account page, through \
                         `POST /api/v1/me/tokens`, or with `kota token create`.",
                    ))
                    .build(),
            ),
        );
    }
}

fn parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(network::list_member_states))
        .routes(routes!(network::list_cities, membership::post_city))
        .routes(routes!(network::get_city))
        .routes(routes!(open_data::cities_geojson))
        .routes(routes!(open_data::get_catalog))
        .routes(routes!(network::list_projects))
        .routes(routes!(network::get_project))
        .routes(routes!(similar::similar_projects))
        .routes(routes!(similar::similar_to_draft))
        .routes(routes!(similar::merge_project))
        .routes(routes!(network::list_partners))
        .routes(routes!(network::get_partner))
        .routes(routes!(places::list_places))
        .routes(routes!(places::get_place))
        .routes(routes!(search::search))
        .routes(routes!(events::list_events, events::post_event))
        .routes(routes!(events::get_event, events::put_event))
        .routes(routes!(events::list_events_ics))
        .routes(routes!(events::post_decision))
        .routes(routes!(events::list_city_decisions))
        .routes(routes!(
            indicators::list_indicators,
            indicators::post_indicators
        ))
        .routes(routes!(network::get_framework))
        .routes(routes!(
            network::list_chairmanship,
            chair::post_chairmanship
        ))
        .routes(routes!(chair::get_handover, chair::post_handover))
        .routes(routes!(network::healthz))
        .routes(routes!(dashboard::get_dashboard))
        .routes(routes!(me::me))
        .routes(routes!(me::put_name))
        .routes(routes!(me::list_tokens, me::create_token))
        .routes(routes!(me::revoke_token))
        .routes(routes!(people::waiting))
        .routes(routes!(people::list_invitations, people::post_invitation))
        .routes(routes!(people::revoke_invitation))
        .routes(routes!(people::resend_invitation))
        .routes(routes!(people::accept_invitation))
        .routes(routes!(people::ask_reset))
        .routes(routes!(people::complete_reset))
        .routes(routes!(edit::put_city_profile))
        .routes(routes!(edit::post_project))
        .routes(routes!(edit::put_project))
        .routes(routes!(
            edit::post_project_update,
            edit::list_project_updates
        ))
        .routes(routes!(comments::list_comments, comments::post_comment))
        .routes(routes!(edit::list_audit))
        .routes(routes!(audit_checkpoints::list_checkpoints))
        .routes(routes!(membership::put_membership))
        .routes(routes!(
            membership::get_focus_area,
            membership::put_focus_area
        ))
        .routes(routes!(partner_profile::put_partner_profile))
        .routes(routes!(plans::list_plan_versions, plans::post_plan_version))
        .routes(routes!(plans::get_plan_version))
        .routes(routes!(plans::get_plan_diff))
        .routes(routes!(rounds::list_rounds, rounds::post_round))
        .routes(routes!(rounds::get_round))
        .routes(routes!(rounds::pin))
        .routes(routes!(rounds::forbid))
        .routes(routes!(rounds::rerun))
        .routes(routes!(rounds::publish))
        .routes(routes!(rounds::what_if))
        .routes(routes!(suggestions::partner_suggestions))
        .routes(routes!(suggestions::city_suggestions))
        .routes(routes!(twinnings::list_twinnings, twinnings::post_twinning))
        .routes(routes!(twinnings::get_twinning))
        .routes(routes!(twinnings::accept))
        .routes(routes!(twinnings::decline))
        .routes(routes!(twinnings::endorse))
        .routes(routes!(twinnings::post_activity))
        .routes(routes!(twinnings::conclude))
        .routes(routes!(twinnings::withdraw))
        .routes(routes!(interests::post_interest))
        .routes(routes!(interests::list_interests))
        .routes(routes!(interests::get_interest))
        .routes(routes!(interests::shortlist_interest))
        .routes(routes!(interests::agree_to_interest))
        .routes(routes!(interests::decline_interest))
        .routes(routes!(interests::withdraw_interest))
        .routes(routes!(interests::post_message))
        .routes(routes!(interests::list_partnerships))
        .routes(routes!(interests::project_suggestions))
        .routes(routes!(interests::partner_project_suggestions))
        .routes(routes!(stories::list_stories, stories::post_story))
        .routes(routes!(stories::get_story, stories::patch_story))
        .routes(routes!(stories::city_peers))
        .merge(brokerage::routes())
        .split_for_parts()
}

/// The OpenAPI document of the API, as served.
pub fn openapi() -> utoipa::openapi::OpenApi {
    parts().1
}

pub(crate) fn router() -> Router<AppState> {
    let (router, doc) = parts();
    router.route(
        "/api/v1/openapi.json",
        get(move || async move { Json(doc) }),
    )
}
