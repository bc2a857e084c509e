//! The world's places from a GeoNames cities dump: loaded in one write transaction in batches,
//! only the places that differ written (a second import of the same dump changes nothing),
//! audited once per import that changed something; read back as candidate cities, one place
//! with the member city that points at it, and the names member cities take from their place.

use std::collections::HashMap;

use chrono::NaiveDate;
use kota_domain::city::CityRef;
use kota_domain::page::{Page, PageRequest};
use kota_domain::place::{Place, PlaceDetail, PlacesCounts, PlacesPlan};
use sqlx::types::Json;

use crate::args::{Arg, Sql, value_rows};
use crate::audit::{Actor, Change};
use crate::conn::{Conn, on_conn};
use crate::rows::CityRefRow;
use crate::{Store, StoreResult, begin_write, with_write_pool};

/// Places written by one statement: 13 values each, well under either backend's limit of
/// values a statement may bind.
const BATCH: usize = 500;

/// Columns of [`PlaceRow`], for `SELECT … FROM places p`.
const PLACE_COLUMNS: &str = "CAST(p.geonames_id AS BIGINT) AS geonames_id, p.name, p.ascii_name, \
    p.alternate_names, p.latitude, p.longitude, p.feature_class, p.feature_code, p.country_code, \
    p.admin1_code, CAST(p.population AS BIGINT) AS population, p.timezone, p.modified_on";

/// Places not pointed at by a member city.
const CANDIDATE: &str = "NOT EXISTS (SELECT 1 FROM cities c WHERE c.geonames_id = p.geonames_id)";

#[derive(sqlx::FromRow)]
struct PlaceRow {
    geonames_id: i64,
    name: String,
    ascii_name: String,
    alternate_names: Json<Vec<String>>,
    latitude: f64,
    longitude: f64,
    feature_class: String,
    feature_code: String,
    country_code: String,
    admin1_code: String,
    population: i64,
    timezone: String,
    modified_on: Option<NaiveDate>,
}

impl From<PlaceRow> for Place {
    fn from(r: PlaceRow) -> Self {
        Self {
            geonames_id: r.geonames_id,
            name: r.name,
            ascii_name: r.ascii_name,
            alternate_names: r.alternate_names.0,
            latitude: r.latitude,
            longitude: r.longitude,
            feature_class: r.feature_class,
            feature_code: r.feature_code,
            country_code: r.country_code,
            admin1_code: r.admin1_code,
            population: r.population,
            timezone: r.timezone,
            modified_on: r.modified_on,
        }
    }
}

impl Store {
    /// What importing `dump` would add, change and leave alone, written nowhere.
    pub async fn plan_places(&self, dump: Vec<Place>) -> StoreResult<PlacesPlan> {
        let stored = self.pooled().await?.conn().stored_places().await?;
        Ok(PlacesPlan::new(dump, &stored))
    }

    /// Imports `dump` in one write transaction, holding the write lock: places not stored yet
    /// are added and places stored with other values updated, in batches; the others are left
    /// alone, and places stored but not in the dump are kept. An import that changed
    /// something is recorded once in the audit log (`places`/`geonames`, its counts in
    /// `after`) as `actor`. `progress` hears how many places are written so far of how many
    /// are to be, first once the dump is compared, then after each batch.
    pub async fn import_places(
        &self,
        dump: Vec<Place>,
        actor: &Actor,
        progress: &(dyn Fn(usize, usize) + Send + Sync),
    ) -> StoreResult<PlacesCounts> {
        with_write_pool!(self, pool => {
            let mut tx = begin_write!(self, pool);
            let mut conn = Conn::from(&mut *tx);
            let stored = conn.stored_places().await?;
            let plan = PlacesPlan::new(dump, &stored);
            let counts = plan.counts();
            if !plan.changes_anything() {
                tx.rollback().await?;
                return Ok(counts);
            }
            let to_write: Vec<&Place> = plan.added.iter().chain(&plan.changed).collect();
            progress(0, to_write.len());
            let mut written = 0;
            for batch in to_write.chunks(BATCH) {
                conn.upsert_places(batch).await?;
                written += batch.len();
                progress(written, to_write.len());
            }
            conn.audit(self.checkpoint_signer(), Change {
                actor,
                action: "import",
                object_type: "places",
                object_id: "geonames".into(),
                before: None,
                after: serde_json::to_value(counts).ok(),
            }).await?;
            tx.commit().await?;
            self.audited_write_committed();
            StoreResult::Ok(counts)
        })
    }
}

impl Conn<'_> {
    /// Every stored place, by GeoNames id.
    pub async fn stored_places(&mut self) -> StoreResult<HashMap<i64, Place>> {
        let text = format!("SELECT {PLACE_COLUMNS} FROM places p");
        let rows: Vec<PlaceRow> =
            on_conn!(self, c => sqlx::query_as(&text).fetch_all(&mut *c).await)?;
        Ok(rows
            .into_iter()
            .map(|r| (r.geonames_id, Place::from(r)))
            .collect())
    }

    /// Adds the places, or updates them where stored: one statement.
    async fn upsert_places(&mut self, places: &[&Place]) -> StoreResult<()> {
        let text = format!(
            "INSERT INTO places (geonames_id, name, ascii_name, alternate_names, latitude, \
             longitude, feature_class, feature_code, country_code, admin1_code, population, \
             timezone, modified_on) VALUES {} ON CONFLICT (geonames_id) DO UPDATE SET \
             name = excluded.name, ascii_name = excluded.ascii_name, \
             alternate_names = excluded.alternate_names, latitude = excluded.latitude, \
             longitude = excluded.longitude, feature_class = excluded.feature_class, \
             feature_code = excluded.feature_code, country_code = excluded.country_code, \
             admin1_code = excluded.admin1_code, population = excluded.population, \
             timezone = excluded.timezone, modified_on = excluded.modified_on",
            value_rows(places.len(), 13, "")
        );
        on_conn!(self, c => {
            let mut q = sqlx::query(&text);
            for p in places {
                // Ids of a checked dump fit the column (a whole number from 1 to 2^31 - 1).
                let id = i32::try_from(p.geonames_id).unwrap_or(i32::MAX);
                q = q
                    .bind(id)
                    .bind(&p.name)
                    .bind(&p.ascii_name)
                    .bind(Json(&p.alternate_names))
                    .bind(p.latitude)
                    .bind(p.longitude)
                    .bind(&p.feature_class)
                    .bind(&p.feature_code)
                    .bind(&p.country_code)
                    .bind(&p.admin1_code)
                    .bind(p.population)
                    .bind(&p.timezone)
                    .bind(p.modified_on);
            }
            q.execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }

    /// One place by GeoNames id, with the member city that points at it, if any.
    pub async fn place(&mut self, geonames_id: i64) -> StoreResult<Option<PlaceDetail>> {
        let text = format!("SELECT {PLACE_COLUMNS} FROM places p WHERE p.geonames_id = $1");
        let row: Option<PlaceRow> = on_conn!(self, c => sqlx::query_as(&text)
            .bind(geonames_id)
            .fetch_optional(&mut *c)
            .await)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let city: Option<CityRefRow> = on_conn!(self, c => sqlx::query_as(
            "SELECT c.id, c.slug, c.name, c.country_iso2 FROM cities c \
             WHERE c.geonames_id = $1 ORDER BY c.name, c.id LIMIT 1",
        )
        .bind(geonames_id)
        .fetch_optional(&mut *c)
        .await)?;
        Ok(Some(PlaceDetail {
            place: row.into(),
            city: city.map(CityRef::from),
        }))
    }

    /// Candidate cities: places no member city points at, in `country` (ISO 3166-1 alpha-2)
    /// when given, the most populous first.
    pub async fn candidate_places(
        &mut self,
        country: Option<&str>,
        page: PageRequest,
    ) -> StoreResult<Page<Place>> {
        let mut sql = Sql::default();
        let mut conditions = vec![CANDIDATE.to_owned()];
        if let Some(country) = country {
            let p = sql.arg(Arg::Text(country.to_ascii_uppercase()));
            conditions.push(format!("p.country_code = {p}"));
        }
        let (total, rows) = self
            .paged_rows::<PlaceRow>(
                sql,
                (
                    PLACE_COLUMNS,
                    "places p",
                    "p.population DESC, p.geonames_id",
                ),
                &conditions,
                page,
            )
            .await?;
        Ok(Page {
            items: rows.into_iter().map(Place::from).collect(),
            total,
            limit: page.limit,
            offset: page.offset,
        })
    }
}

crate::reads_on_a_pooled_connection! {
    /// One place by GeoNames id, with the member city that points at it, if any.
    fn place(geonames_id: i64) -> Option<PlaceDetail>;
    /// Candidate cities: places no member city points at, in `country` when given, the most
    /// populous first.
    fn candidate_places(country: Option<&str>, page: PageRequest) -> Page<Place>;
}
