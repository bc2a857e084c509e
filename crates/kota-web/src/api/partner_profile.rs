//! A partner's profile and offers, kept by its representatives.

use axum::Json;
use axum::extract::State;
use kota_domain::edit::PartnerProfileInput;
use kota_domain::partner::Partner;
use kota_store::records::partner_profile::UpdatePartnerProfile;

use super::body::JsonBody;
use super::write_support::{IfMatch, UpdateProblems, etag};
use crate::AppState;
use crate::auth::RequiredPrincipal;
use crate::error::Problem;
use crate::extract::KeyPath;

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
    KeyPath(id): KeyPath,
    IfMatch(version): IfMatch,
    JsonBody(input): JsonBody<PartnerProfileInput>,
) -> Result<(axum::http::HeaderMap, Json<Partner>), Problem> {
    let edit = UpdatePartnerProfile { partner: id, input };
    let partner = s.store.apply_edit(&who, edit, Some(version)).await?;
    Ok((etag(partner.version), Json(partner)))
}
