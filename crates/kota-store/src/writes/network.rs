//! What coordinators change: member cities (admission and membership facts) and the
//! framework's focus areas.

use kota_domain::access::Principal;
use kota_domain::city::City;
use kota_domain::edit::{FocusAreaInput, MemberCityInput};
use kota_domain::framework::FocusArea;
use sqlx::types::Json;
use uuid::Uuid;

use super::{WriteError, WriteResult, actor, check_version, json};
use crate::audit::{Change, append_audit};
use crate::rows::{FOCUS_AREA_COLUMNS, FocusAreaRow};
use crate::{Store, begin_write, with_pool};

fn network_manager(who: &Principal) -> WriteResult<()> {
    if who.may_manage_network() {
        Ok(())
    } else {
        Err(WriteError::Forbidden)
    }
}

impl Store {
    /// Admits a new member city (coordinators only).
    pub async fn create_member_city(
        &self,
        who: &Principal,
        input: &MemberCityInput,
    ) -> WriteResult<City> {
        network_manager(who)?;
        let states = self.state_codes().await?;
        input.check(&states).map_err(WriteError::Invalid)?;
        with_pool!(self, pool => {
            let mut tx = begin_write!(self, pool);
            let base = input.slug_base();
            let taken = self.city_ref(&base).await?.is_some();
            let city = input.create(Uuid::new_v4(), |s| taken && s == base);
            sqlx::query(
                "INSERT INTO cities (id, slug, name, aliases, country_iso2, latitude, longitude, \
                 joined_year, cohort, joined_source, role_evidence, documented_twinnings, uncertain, \
                 seeded, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, FALSE, FALSE, $13)",
            )
            .bind(city.id).bind(&city.slug).bind(&city.name).bind(Json(&city.aliases))
            .bind(&city.country_iso2).bind(city.latitude).bind(city.longitude).bind(city.joined_year)
            .bind(&city.cohort).bind(city.joined_source.as_str()).bind(Json(&city.role_evidence))
            .bind(Json(&city.documented_twinnings)).bind(city.version)
            .execute(&mut *tx).await?;
            append_audit!(tx, self.audit_signer(), Change {
                actor: &actor(who), action: "create", object_type: "city",
                object_id: city.id.to_string(), before: None, after: json(&city),
            });
            tx.commit().await?;
            Ok(city)
        })
    }

    /// Changes a member city's membership facts (coordinators only), based on `version`
    /// when given.
    pub async fn update_membership(
        &self,
        who: &Principal,
        key: &str,
        version: Option<i32>,
        input: &MemberCityInput,
    ) -> WriteResult<City> {
        network_manager(who)?;
        let states = self.state_codes().await?;
        with_pool!(self, pool => {
            let mut tx = begin_write!(self, pool);
            let before = self.city(key, Some(who)).await?.ok_or(WriteError::NotFound)?;
            check_version(before.version, version)?;
            input.check(&states).map_err(WriteError::Invalid)?;
            let after = input.apply(&before);
            sqlx::query(
                "UPDATE cities SET name = $1, aliases = $2, country_iso2 = $3, latitude = $4, \
                 longitude = $5, joined_year = $6, cohort = $7, joined_source = $8, version = $9 \
                 WHERE id = $10",
            )
            .bind(&after.name).bind(Json(&after.aliases)).bind(&after.country_iso2)
            .bind(after.latitude).bind(after.longitude).bind(after.joined_year).bind(&after.cohort)
            .bind(after.joined_source.as_str()).bind(after.version).bind(after.id)
            .execute(&mut *tx).await?;
            append_audit!(tx, self.audit_signer(), Change {
                actor: &actor(who), action: "update_membership", object_type: "city",
                object_id: after.id.to_string(), before: json(&before), after: json(&after),
            });
            tx.commit().await?;
            Ok(after)
        })
    }

    /// One focus area of the framework.
    pub async fn focus_area(&self, id: &str) -> crate::StoreResult<Option<FocusArea>> {
        let row: Option<FocusAreaRow> = with_pool!(self, pool => sqlx::query_as(&format!(
            "SELECT {FOCUS_AREA_COLUMNS} FROM focus_areas WHERE id = $1"
        )).bind(id).fetch_optional(pool).await)?;
        Ok(row.map(FocusArea::from))
    }

    /// Changes a focus area of the framework (coordinators only), based on `version` when
    /// given.
    pub async fn update_focus_area(
        &self,
        who: &Principal,
        id: &str,
        version: Option<i32>,
        input: &FocusAreaInput,
    ) -> WriteResult<FocusArea> {
        network_manager(who)?;
        with_pool!(self, pool => {
            let mut tx = begin_write!(self, pool);
            let before = self.focus_area(id).await?.ok_or(WriteError::NotFound)?;
            check_version(before.version, version)?;
            input.check().map_err(WriteError::Invalid)?;
            let after = input.apply(&before);
            sqlx::query(
                "UPDATE focus_areas SET name = $1, definition = $2, subcategories = $3, version = $4 \
                 WHERE id = $5",
            )
            .bind(&after.name).bind(&after.definition).bind(Json(&after.subcategories))
            .bind(after.version).bind(&after.id)
            .execute(&mut *tx).await?;
            append_audit!(tx, self.audit_signer(), Change {
                actor: &actor(who), action: "update", object_type: "focus_area",
                object_id: after.id.clone(), before: json(&before), after: json(&after),
            });
            tx.commit().await?;
            Ok(after)
        })
    }
}
