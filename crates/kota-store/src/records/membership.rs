//! Member cities as coordinators keep them: admission of a new member and its membership
//! facts (name, country, place, cohort).

use kota_domain::access::Principal;
use kota_domain::city::City;
use kota_domain::edit::MemberCityInput;
use kota_domain::ids::Key;
use kota_domain::place::PlaceDetail;
use sqlx::types::Json;
use uuid::Uuid;

use super::checked;
use crate::StoreResult;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteResult};

/// Admits a new member city.
pub struct AdmitCity {
    /// The city's membership facts.
    pub input: MemberCityInput,
}

impl Edit for AdmitCity {
    type Target = ();
    type Output = City;
    const OBJECT_TYPE: &'static str = "city";
    const ACTION: &'static str = "create";

    async fn load(&self, _: &mut Conn<'_>, _: &Principal) -> StoreResult<Option<()>> {
        Ok(Some(()))
    }

    fn allowed(who: &Principal, _: &()) -> bool {
        who.may_manage_network()
    }

    fn version(_: &()) -> Option<i32> {
        None
    }

    async fn check(&self, conn: &mut Conn<'_>, _: &Principal, _: &()) -> WriteResult<()> {
        let states = conn.state_codes().await?;
        let place = conn.named_place(&self.input).await?;
        checked(self.input.check(&states, place.as_ref(), None))
    }

    async fn apply(&self, conn: &mut Conn<'_>, _: &Principal, _: &()) -> StoreResult<City> {
        let base = self.input.slug_base();
        let taken = conn.city_ref(&Key::Slug(base.clone())).await?.is_some();
        let place = conn.named_place(&self.input).await?;
        Ok(self.input.create(
            Uuid::new_v4(),
            |s| taken && s == base,
            place.map(|p| p.place.name),
        ))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &Self::Target,
        city: &City,
    ) -> StoreResult<()> {
        on_conn!(conn, c => sqlx::query(
            "INSERT INTO cities (id, slug, name, aliases, country_iso2, latitude, longitude, \
             joined_year, cohort, joined_source, role_evidence, documented_twinnings, uncertain, \
             seeded, version, geonames_id, geonames_name) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, FALSE, FALSE, $13, $14, $15)",
        )
        .bind(city.id).bind(&city.slug).bind(&city.name).bind(Json(&city.aliases))
        .bind(&city.country_iso2).bind(city.latitude).bind(city.longitude).bind(city.joined_year)
        .bind(&city.cohort).bind(city.joined_source.as_str()).bind(Json(&city.role_evidence))
        .bind(Json(&city.documented_twinnings)).bind(city.version).bind(city.geonames_id)
        .bind(&city.geonames_name)
        .execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(_: &(), city: &City) -> Audited {
        Audited::creation(city.id)
    }
}

/// Changes the membership facts of the city `city`.
pub struct UpdateMembership {
    /// The city.
    pub city: Key,
    /// Its membership facts.
    pub input: MemberCityInput,
}

impl Edit for UpdateMembership {
    type Target = City;
    type Output = City;
    const OBJECT_TYPE: &'static str = "city";
    const ACTION: &'static str = "update_membership";

    async fn load(&self, conn: &mut Conn<'_>, who: &Principal) -> StoreResult<Option<City>> {
        conn.city(&self.city, Some(who)).await
    }

    fn allowed(who: &Principal, _: &City) -> bool {
        who.may_manage_network()
    }

    fn version(city: &City) -> Option<i32> {
        Some(city.version)
    }

    async fn check(&self, conn: &mut Conn<'_>, _: &Principal, city: &City) -> WriteResult<()> {
        let states = conn.state_codes().await?;
        let place = conn.named_place(&self.input).await?;
        checked(self.input.check(&states, place.as_ref(), Some(city)))
    }

    async fn apply(&self, conn: &mut Conn<'_>, _: &Principal, before: &City) -> StoreResult<City> {
        let place = conn.named_place(&self.input).await?;
        Ok(self.input.apply(before, place.map(|p| p.place.name)))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &Self::Target,
        after: &City,
    ) -> StoreResult<()> {
        on_conn!(conn, c => sqlx::query(
            "UPDATE cities SET name = $1, aliases = $2, country_iso2 = $3, latitude = $4, \
             longitude = $5, joined_year = $6, cohort = $7, joined_source = $8, version = $9, \
             geonames_id = $10, geonames_name = $11 WHERE id = $12",
        )
        .bind(&after.name).bind(Json(&after.aliases)).bind(&after.country_iso2)
        .bind(after.latitude).bind(after.longitude).bind(after.joined_year).bind(&after.cohort)
        .bind(after.joined_source.as_str()).bind(after.version).bind(after.geonames_id)
        .bind(&after.geonames_name).bind(after.id)
        .execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(before: &City, after: &City) -> Audited {
        Audited::update(after.id, before)
    }
}

impl Conn<'_> {
    /// The place a membership names, as stored with the city that has it; none when it names
    /// none or no such place is stored.
    async fn named_place(&mut self, input: &MemberCityInput) -> StoreResult<Option<PlaceDetail>> {
        match input.geonames_id {
            Some(id) => self.place(id).await,
            None => Ok(None),
        }
    }
}
