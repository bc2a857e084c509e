//! City indicators: uploads of values (one, a batch, or a whole file) written through the one
//! edit pipeline, each upload audited with the values it replaced; a city's series; and each
//! city's latest value of one indicator, for comparing peers.

use chrono::{DateTime, Utc};
use kota_domain::access::{Principal, Scope};
use kota_domain::city::{City, CityRef};
use kota_domain::edit::{FieldError, IndicatorRow};
use kota_domain::ids::Key;
use kota_domain::indicator::{
    IndicatorPlan, IndicatorSeries, IndicatorTarget, IndicatorUpload, IndicatorValue, Known,
    PeerValue, Verification, may_record, plan, series,
};
use kota_domain::network::IncomeGroup;
use serde::Serialize;
use uuid::Uuid;

use crate::args::{Sql, bind_args};
use crate::audit::now;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, EditRequest, Edited, WriteError, WriteResult};
use crate::rows::parse_stored;
use crate::{Store, StoreResult};

/// Records indicator values: of the city `city` (a city's page, the API's path), or of the
/// cities each row names (a file).
pub struct RecordIndicators {
    /// The city the upload is for, when it is for one.
    pub city: Option<Key>,
    /// The values, in the order given.
    pub rows: Vec<IndicatorRow>,
}

/// What an upload applies to: the cities it names and what it would change.
#[derive(Debug, Serialize)]
pub struct Upload {
    /// The city the upload is for, when it is for one.
    pub city: Option<CityRef>,
    /// The cities the rows name that exist.
    pub cities: Vec<CityRef>,
    /// What it would change, or every invalid field (`[row].field`).
    pub plan: Result<IndicatorPlan, Vec<FieldError>>,
}

/// The before of an upload in the audit log: the values and targets it replaced.
#[derive(Serialize)]
struct Replaced {
    values: Vec<IndicatorValue>,
    targets: Vec<IndicatorTarget>,
}

impl Edit for RecordIndicators {
    type Target = Upload;
    type Output = IndicatorUpload;
    const OBJECT_TYPE: &'static str = "indicator_upload";
    const ACTION: &'static str = "record";

    async fn load(&self, conn: &mut Conn<'_>, who: &Principal) -> StoreResult<Option<Upload>> {
        let city = match &self.city {
            Some(key) => match conn.city_ref(key).await? {
                Some(c) => Some(c),
                None => return Ok(None),
            },
            None => None,
        };
        let known = conn.indicators_known(city.clone(), &self.rows).await?;
        let mut cities: Vec<CityRef> = Vec::new();
        for c in known.cities.iter().flatten() {
            if !cities.iter().any(|k| k.id == c.id) {
                cities.push(c.clone());
            }
        }
        let plan = plan(&self.rows, &known, who, now());
        Ok(Some(Upload { city, cities, plan }))
    }

    fn allowed(who: &Principal, upload: &Upload) -> bool {
        let records_cities = matches!(
            who.scope,
            Scope::CityOfficer { .. } | Scope::NationalRepresentative { .. } | Scope::Coordinator
        );
        records_cities
            && upload.city.iter().all(|c| may_record(who, c))
            && upload.cities.iter().all(|c| may_record(who, c))
    }

    fn version(_: &Upload) -> Option<i32> {
        None
    }

    async fn check(&self, _: &mut Conn<'_>, _: &Principal, upload: &Upload) -> WriteResult<()> {
        match &upload.plan {
            Ok(_) => Ok(()),
            Err(errors) => Err(WriteError::Invalid(errors.clone())),
        }
    }

    async fn apply(
        &self,
        _: &mut Conn<'_>,
        _: &Principal,
        upload: &Upload,
    ) -> StoreResult<IndicatorUpload> {
        let plan = upload.plan.as_ref().map_err(|_| {
            crate::StoreError::Task("an upload with invalid fields reached its apply".into())
        })?;
        Ok(plan.upload(Uuid::new_v4()))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &Upload,
        done: &IndicatorUpload,
    ) -> StoreResult<()> {
        for v in &done.values {
            on_conn!(conn, c => sqlx::query(
                "INSERT INTO indicator_values (id, city_id, code, name, unit, year, value, source, \
                 verification, version, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT (city_id, code, year) DO UPDATE SET name = excluded.name, \
                 unit = excluded.unit, value = excluded.value, source = excluded.source, \
                 verification = excluded.verification, version = excluded.version, \
                 recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
            )
            .bind(v.id).bind(v.city.id).bind(&v.code).bind(&v.name).bind(&v.unit).bind(v.year)
            .bind(v.value).bind(&v.source).bind(v.verification.as_str()).bind(v.version)
            .bind(&v.recorded_by).bind(v.recorded_at)
            .execute(&mut *c).await.map(|_| ()))?;
        }
        for t in &done.targets {
            on_conn!(conn, c => sqlx::query(
                "INSERT INTO indicator_targets (city_id, code, year, value) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (city_id, code, year) DO UPDATE SET value = excluded.value",
            )
            .bind(t.city.id).bind(&t.code).bind(t.year).bind(t.value)
            .execute(&mut *c).await.map(|_| ()))?;
        }
        Ok(())
    }

    fn audited(upload: &Upload, done: &IndicatorUpload) -> Audited {
        let replaced = upload.plan.as_ref().map_or_else(
            |_| Replaced {
                values: Vec::new(),
                targets: Vec::new(),
            },
            |plan| {
                let (values, targets) = plan.written();
                Replaced {
                    values: values
                        .into_iter()
                        .filter_map(|v| v.before.clone())
                        .collect(),
                    targets: targets
                        .into_iter()
                        .filter_map(|t| {
                            t.before.map(|value| IndicatorTarget {
                                value,
                                ..t.after.clone()
                            })
                        })
                        .collect(),
                }
            },
        );
        Audited::update(done.id, &replaced)
    }
}

/// What an upload did.
#[derive(Debug)]
pub enum Recorded {
    /// It changed values or targets (or was answered before under its idempotency key).
    Written(Edited<IndicatorUpload>),
    /// Every value and target was recorded just so already: nothing was written.
    Unchanged(IndicatorUpload),
}

/// A stored value: its id, its city (id, slug, name, member state), code, name, unit, year,
/// value, source, verification, version, recorder and time.
type ValueRow = (
    Uuid,
    Uuid,
    String,
    String,
    String,
    String,
    String,
    String,
    i32,
    f64,
    String,
    String,
    i32,
    String,
    DateTime<Utc>,
);

const VALUE_COLUMNS: &str = "v.id, c.id, c.slug, c.name, c.country_iso2, v.code, v.name, v.unit, \
     v.year, v.value, v.source, v.verification, v.version, v.recorded_by, v.recorded_at";

/// A stored target: its city (id, slug, name, member state), code, year and value.
type TargetRow = (Uuid, String, String, String, String, i32, f64);

fn value_of(row: ValueRow) -> StoreResult<IndicatorValue> {
    let (id, city, slug, city_name, iso2, code, name, unit, year, value, source, verification) = (
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11,
    );
    Ok(IndicatorValue {
        id,
        city: CityRef {
            id: city,
            slug,
            name: city_name,
            country_iso2: iso2,
        },
        code,
        name,
        unit,
        year,
        value,
        source,
        verification: parse_stored(
            "indicator_values",
            "verification",
            &verification,
            Verification::parse,
        )?,
        version: row.12,
        recorded_by: row.13,
        recorded_at: row.14,
    })
}

fn target_of((id, slug, name, iso2, code, year, value): TargetRow) -> IndicatorTarget {
    IndicatorTarget {
        city: CityRef {
            id,
            slug,
            name,
            country_iso2: iso2,
        },
        code,
        year,
        value,
    }
}

impl Conn<'_> {
    /// Every city's values for the year `year`, by city and code.
    pub(crate) async fn indicators_of_year(
        &mut self,
        year: i32,
    ) -> StoreResult<Vec<IndicatorValue>> {
        self.indicator_values(&[], None, Some(year)).await
    }

    /// The values recorded for the cities `ids` (all cities: none given), of the indicator
    /// `code` only and for the year `year` only when given.
    async fn indicator_values(
        &mut self,
        ids: &[Uuid],
        code: Option<&str>,
        year: Option<i32>,
    ) -> StoreResult<Vec<IndicatorValue>> {
        let mut sql = Sql::new(format!(
            "SELECT {VALUE_COLUMNS} FROM indicator_values v JOIN cities c ON c.id = v.city_id"
        ));
        let mut conditions = Vec::new();
        if !ids.is_empty() {
            conditions.push(format!("v.city_id IN {}", sql.id_list(ids)));
        }
        if let Some(code) = code {
            conditions.push(format!(
                "v.code = {}",
                sql.arg(crate::args::Arg::Text(code.to_owned()))
            ));
        }
        if let Some(year) = year {
            conditions.push(format!(
                "v.year = {}",
                sql.arg(crate::args::Arg::Int(year.into()))
            ));
        }
        sql.push_where(&conditions)
            .push(" ORDER BY c.name, v.code, v.year");
        let rows: Vec<ValueRow> = on_conn!(self, c => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *c).await)?;
        rows.into_iter().map(value_of).collect()
    }

    /// The targets recorded for the cities `ids`.
    async fn indicator_targets(&mut self, ids: &[Uuid]) -> StoreResult<Vec<IndicatorTarget>> {
        let mut sql = Sql::default();
        let list = sql.id_list(ids);
        sql.text = format!(
            "SELECT c.id, c.slug, c.name, c.country_iso2, t.code, t.year, t.value \
             FROM indicator_targets t JOIN cities c ON c.id = t.city_id \
             WHERE t.city_id IN {list} ORDER BY t.code, t.year"
        );
        let rows: Vec<TargetRow> = on_conn!(self, c => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *c).await)?;
        Ok(rows.into_iter().map(target_of).collect())
    }

    /// What planning an upload of `rows` (for the city `scope`, when it is for one) needs to
    /// know: the cities named, what they have recorded, and the unit of each code.
    async fn indicators_known(
        &mut self,
        scope: Option<CityRef>,
        rows: &[IndicatorRow],
    ) -> StoreResult<Known> {
        let mut found: Vec<(Key, Option<CityRef>)> = Vec::new();
        let mut cities = Vec::with_capacity(rows.len());
        for row in rows {
            let city = match found.iter().find(|(k, _)| *k == row.city) {
                Some((_, c)) => c.clone(),
                None => {
                    let c = self.city_ref(&row.city).await?;
                    found.push((row.city.clone(), c.clone()));
                    c
                }
            };
            cities.push(city);
        }
        let ids: Vec<Uuid> = found
            .iter()
            .filter_map(|(_, c)| c.as_ref())
            .map(|c| c.id)
            .collect();
        let (values, targets) = if ids.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            (
                self.indicator_values(&ids, None, None).await?,
                self.indicator_targets(&ids).await?,
            )
        };
        let units: Vec<(String, String)> = on_conn!(self, c => sqlx::query_as(
            "SELECT code, MIN(unit) FROM indicator_values GROUP BY code",
        ).fetch_all(&mut *c).await)?;
        Ok(Known {
            cities,
            scope,
            values,
            targets,
            units: units.into_iter().collect(),
        })
    }

    /// A city's indicators as series (none: no such city).
    pub async fn city_indicators(
        &mut self,
        key: &Key,
        viewer: Option<&Principal>,
    ) -> StoreResult<Option<(City, Vec<IndicatorSeries>)>> {
        let Some(city) = self.city(key, viewer).await? else {
            return Ok(None);
        };
        let values = self.indicator_values(&[city.id], None, None).await?;
        let targets = self.indicator_targets(&[city.id]).await?;
        Ok(Some((city, series(values, targets))))
    }

    /// Each city's latest value of the indicator `code`, with its population and its member
    /// state's income group.
    pub async fn indicator_peers(&mut self, code: &str) -> StoreResult<Vec<PeerValue>> {
        let values = self.indicator_values(&[], Some(code), None).await?;
        let places: Vec<(Uuid, Option<i64>, String)> = on_conn!(self, c => sqlx::query_as(
            "SELECT c.id, c.population, s.income_group FROM cities c \
             JOIN member_states s ON s.iso2 = c.country_iso2",
        ).fetch_all(&mut *c).await)?;
        let mut peers: Vec<PeerValue> = Vec::new();
        for v in values {
            let Some((_, population, income)) = places.iter().find(|(id, _, _)| *id == v.city.id)
            else {
                continue;
            };
            match peers.iter_mut().find(|p| p.latest.city.id == v.city.id) {
                Some(p) if p.latest.year < v.year => p.latest = v,
                Some(_) => {}
                None => peers.push(PeerValue {
                    latest: v,
                    population: *population,
                    income_group: parse_stored(
                        "member_states",
                        "income_group",
                        income,
                        IncomeGroup::parse,
                    )?,
                }),
            }
        }
        Ok(peers)
    }
}

crate::reads_on_a_pooled_connection! {
    /// A city's indicators as series (none: no such city).
    fn city_indicators(key: &Key, viewer: Option<&Principal>) -> Option<(City, Vec<IndicatorSeries>)>;
    /// Each city's latest value of the indicator `code`, with its population and its member
    /// state's income group.
    fn indicator_peers(code: &str) -> Vec<PeerValue>;
}

impl Store {
    /// What an upload would do, read without writing (a dry run): `None` when the city it is
    /// for does not exist; else its plan or its invalid fields, and whether `who` may make it.
    pub async fn plan_indicators(
        &self,
        who: &Principal,
        upload: &RecordIndicators,
    ) -> StoreResult<Option<(Upload, bool)>> {
        let mut pooled = self.pooled().await?;
        let mut conn = pooled.conn();
        let Some(target) = upload.load(&mut conn, who).await? else {
            return Ok(None);
        };
        let allowed = RecordIndicators::allowed(who, &target);
        Ok(Some((target, allowed)))
    }

    /// Records an upload through the edit pipeline, unless a dry run finds that it changes
    /// nothing: then nothing is written (no new version, no audit entry).
    pub async fn record_indicators(
        &self,
        request: EditRequest<'_, RecordIndicators>,
    ) -> WriteResult<Recorded> {
        if request.idempotency.is_none()
            && let Some((upload, true)) = self.plan_indicators(request.who, &request.edit).await?
            && let Ok(plan) = &upload.plan
            && !plan.changes_anything()
        {
            return Ok(Recorded::Unchanged(plan.upload(Uuid::nil())));
        }
        Ok(Recorded::Written(self.edit(request).await?))
    }
}
