//! A partner's profile and offers, changed by its representatives or coordinators.

use kota_domain::access::Principal;
use kota_domain::edit::PartnerProfileInput;
use kota_domain::ids::Key;
use kota_domain::partner::Partner;
use sqlx::types::Json;

use super::checked;
use crate::StoreResult;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteResult};

/// Replaces the profile and offers of the partner `partner`.
pub struct UpdatePartnerProfile {
    /// The partner.
    pub partner: Key,
    /// The new profile.
    pub input: PartnerProfileInput,
}

impl Edit for UpdatePartnerProfile {
    type Target = Partner;
    type Output = Partner;
    const OBJECT_TYPE: &'static str = "partner";
    const ACTION: &'static str = "update";

    async fn load(&self, conn: &mut Conn<'_>, _: &Principal) -> StoreResult<Option<Partner>> {
        conn.partner(&self.partner).await
    }

    fn allowed(who: &Principal, partner: &Partner) -> bool {
        who.may_edit_partner(partner.id)
    }

    fn version(partner: &Partner) -> Option<i32> {
        Some(partner.version)
    }

    async fn check(&self, conn: &mut Conn<'_>, _: &Principal, _: &Partner) -> WriteResult<()> {
        let areas = conn.focus_area_ids().await?;
        let states = conn.state_codes().await?;
        checked(self.input.check(&areas, &states))
    }

    async fn apply(
        &self,
        _: &mut Conn<'_>,
        _: &Principal,
        before: &Partner,
    ) -> StoreResult<Partner> {
        Ok(self.input.apply(before))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &Self::Target,
        after: &Partner,
    ) -> StoreResult<()> {
        on_conn!(conn, c => sqlx::query("UPDATE partners SET profile = $1, version = $2 WHERE id = $3")
            .bind(Json(&after.profile)).bind(after.version).bind(after.id)
            .execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(before: &Partner, after: &Partner) -> Audited {
        Audited::update(after.id, before)
    }
}
