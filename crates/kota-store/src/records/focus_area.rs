//! The framework's focus areas, kept by coordinators.

use kota_domain::access::Principal;
use kota_domain::edit::FocusAreaInput;
use kota_domain::framework::FocusArea;
use sqlx::types::Json;

use super::checked;
use crate::StoreResult;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteResult};
use crate::rows::{FOCUS_AREA_COLUMNS, FocusAreaRow};

/// Changes the focus area `id`.
pub struct UpdateFocusArea {
    /// The focus area's id.
    pub id: String,
    /// Its new name, definition and sub-categories.
    pub input: FocusAreaInput,
}

impl Edit for UpdateFocusArea {
    type Target = FocusArea;
    type Output = FocusArea;
    const OBJECT_TYPE: &'static str = "focus_area";
    const ACTION: &'static str = "update";

    async fn load(&self, conn: &mut Conn<'_>, _: &Principal) -> StoreResult<Option<FocusArea>> {
        conn.focus_area(&self.id).await
    }

    fn allowed(who: &Principal, _: &FocusArea) -> bool {
        who.may_manage_network()
    }

    fn version(area: &FocusArea) -> Option<i32> {
        Some(area.version)
    }

    async fn check(&self, _: &mut Conn<'_>, _: &Principal, _: &FocusArea) -> WriteResult<()> {
        checked(self.input.check())
    }

    async fn apply(
        &self,
        _: &mut Conn<'_>,
        _: &Principal,
        before: &FocusArea,
    ) -> StoreResult<FocusArea> {
        Ok(self.input.apply(before))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &Self::Target,
        after: &FocusArea,
    ) -> StoreResult<()> {
        on_conn!(conn, c => sqlx::query(
            "UPDATE focus_areas SET name = $1, definition = $2, subcategories = $3, version = $4 \
             WHERE id = $5",
        )
        .bind(&after.name).bind(&after.definition).bind(Json(&after.subcategories))
        .bind(after.version).bind(&after.id)
        .execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(before: &FocusArea, after: &FocusArea) -> Audited {
        Audited::update(&after.id, before)
    }
}

impl Conn<'_> {
    /// One focus area of the framework.
    pub async fn focus_area(&mut self, id: &str) -> StoreResult<Option<FocusArea>> {
        let row: Option<FocusAreaRow> = on_conn!(self, c => sqlx::query_as(&format!(
            "SELECT {FOCUS_AREA_COLUMNS} FROM focus_areas WHERE id = $1"
        )).bind(id).fetch_optional(&mut *c).await)?;
        Ok(row.map(FocusArea::from))
    }
}

crate::reads_on_a_pooled_connection! {
    /// One focus area of the framework.
    fn focus_area(id: &str) -> Option<FocusArea>;
}
