//! A partner's profile and offers, kept by its representatives.

use axum::Json;
use axum::extract::{Path, State};
use kota_domain::edit::PartnerProfileInput;
use kota_domain::partner::Partner;

use super::body::JsonBody;
use super::write_support::{IfMatch, UpdateProblems, etag};
use crate::AppState;
use crate::auth::RequiredPrincipal;
use crate::problem::Problem;

/// Replaces a partner's profile and offers (its representatives, coordinators).
#[utoipa::path(put, path = "/api/v1/partners/{id}/profile", tag = "editing",
    params(("id" = String, Path, description = "The partner's UUID or slug"),
           ("If-Match" = String, Header, description = "The ETag of the partner as read")),
    request_body = PartnerProfileInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The partner as changed, with its new ETag", body = Partner),
        UpdateProblems
    ))]
pub(crate) async fn put_partner_profile(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
    JsonBody(input): JsonBody<PartnerProfileInput>,
) -> Result<(axum::http::HeaderMap, Json<Partner>), Problem> {
    let partner = s
        .store
        .update_partner_profile(&who, &id, Some(version), &input)
        .await?;
    Ok((etag(partner.version), Json(partner)))
}
