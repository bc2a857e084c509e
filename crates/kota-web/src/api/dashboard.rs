//! The dashboard's numbers as JSON: whole for coordinators, from public records otherwise.

use axum::Json;
use axum::extract::State;
use kota_domain::dashboard::Dashboard;

use crate::AppState;
use crate::auth::OptionalPrincipal;
use crate::error::Problem;

/// The network in numbers: cities without an active partner, focus areas, the project
/// pipeline, twinnings and business matching. Coordinators get every number; anyone else
/// gets those of public records (`view` is `public`, `hidden` says what is left out).
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "network",
    responses((status = 200, description = "The network in numbers", body = Dashboard)))]
pub(crate) async fn get_dashboard(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
) -> Result<Json<Dashboard>, Problem> {
    Ok(Json(s.store.dashboard(who.as_ref()).await?))
}
