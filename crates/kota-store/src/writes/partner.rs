//! A partner's profile and offers, changed by its representatives or coordinators.

use kota_domain::access::Principal;
use kota_domain::edit::PartnerProfileInput;
use kota_domain::partner::Partner;
use sqlx::types::Json;

use super::{WriteError, WriteResult, actor, check_version, json};
use crate::audit::{Change, append_audit};
use crate::{Store, begin_write, with_pool};

impl Store {
    /// Replaces a partner's profile and offers as `who`, based on `version` when given.
    pub async fn update_partner_profile(
        &self,
        who: &Principal,
        key: &str,
        version: Option<i32>,
        input: &PartnerProfileInput,
    ) -> WriteResult<Partner> {
        let areas = self.focus_area_ids().await?;
        let states = self.state_codes().await?;
        with_pool!(self, pool => {
            let mut tx = begin_write!(self, pool);
            let before = self.partner(key).await?.ok_or(WriteError::NotFound)?;
            if !who.may_edit_partner(before.id) {
                return Err(WriteError::Forbidden);
            }
            check_version(before.version, version)?;
            input.check(&areas, &states).map_err(WriteError::Invalid)?;
            let after = input.apply(&before);
            sqlx::query("UPDATE partners SET profile = $1, version = $2 WHERE id = $3")
                .bind(Json(&after.profile)).bind(after.version).bind(after.id)
                .execute(&mut *tx).await?;
            append_audit!(tx, self.audit_signer(), Change {
                actor: &actor(who), action: "update", object_type: "partner",
                object_id: after.id.to_string(), before: json(&before), after: json(&after),
            });
            tx.commit().await?;
            Ok(after)
        })
    }
}
