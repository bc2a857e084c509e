//! A city's profile, kept by its officers, its national representative and coordinators.

use kota_domain::access::Principal;
use kota_domain::city::City;
use kota_domain::edit::CityProfileInput;
use kota_domain::ids::Key;

use super::checked;
use crate::StoreResult;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteResult};

/// Replaces the profile of the city `city`.
pub struct UpdateCityProfile {
    /// The city.
    pub city: Key,
    /// The new profile.
    pub input: CityProfileInput,
}

impl Edit for UpdateCityProfile {
    type Target = City;
    type Output = City;
    const OBJECT_TYPE: &'static str = "city";
    const ACTION: &'static str = "update";

    async fn load(&self, conn: &mut Conn<'_>, who: &Principal) -> StoreResult<Option<City>> {
        conn.city(&self.city, Some(who)).await
    }

    fn allowed(who: &Principal, city: &City) -> bool {
        who.may_edit_city(city.id, &city.country_iso2)
    }

    fn version(city: &City) -> Option<i32> {
        Some(city.version)
    }

    async fn check(&self, _: &mut Conn<'_>, _: &Principal, _: &City) -> WriteResult<()> {
        checked(self.input.check())
    }

    async fn apply(&self, _: &mut Conn<'_>, _: &Principal, city: &City) -> StoreResult<City> {
        Ok(self.input.apply(city))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &Self::Target,
        after: &City,
    ) -> StoreResult<()> {
        on_conn!(conn, c => sqlx::query(
            "UPDATE cities SET description = $1, website = $2, contact = $3, population = $4, \
             population_year = $5, population_source = $6, csco_designation = $7, version = $8 \
             WHERE id = $9",
        )
        .bind(&after.description).bind(&after.website).bind(&after.contact).bind(after.population)
        .bind(after.population_year).bind(after.population_source.as_ref().map(|s| s.as_str()))
        .bind(&after.csco_designation).bind(after.version).bind(after.id)
        .execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(before: &City, after: &City) -> Audited {
        Audited::update(after.id, before)
    }
}
