//! Reading the network: lists with filters and pages, single records by id or slug, and the
//! composite views pages show.

use std::collections::HashMap;

use kota_domain::access::Principal;
use kota_domain::city::{City, CityRef};
use kota_domain::event::Event;
use kota_domain::framework::{Framework, FrameworkElement};
use kota_domain::ids::Key;
use kota_domain::network::{Chairmanship, MemberState, NetworkCounts, NetworkDocument};
use kota_domain::page::{Page, PageRequest};
use kota_domain::partner::{Partner, PartnerRef};
use kota_domain::project::{Project, ReportedStatus};
use kota_domain::views::CityDetail;
use sqlx::types::Json;
use uuid::Uuid;

use crate::StoreResult;
use crate::args::{Arg, Sql, bind_args};
use crate::conn::{Conn, on_conn};
use crate::filter::{CityFilter, EventFilter, PartnerFilter, ProjectFilter, StatusFilter};
use crate::rows::{
    CITY_COLUMNS, CITY_FROM, ChairRow, CityRefRow, CityRow, EVENT_COLUMNS, ElementRow,
    FOCUS_AREA_COLUMNS, FocusAreaRow, OutcomeRow, PARTNER_COLUMNS, PartnerRefRow, PartnerRow,
    ProjectRow, StateRow, project_columns,
};

/// How a record is looked up: by its UUID, or else by its slug.
pub(crate) fn key_condition(sql: &mut Sql, alias: &str, key: &Key) -> String {
    match key {
        Key::Id(id) => format!("{alias}.id = {}", sql.arg(Arg::Id(*id))),
        Key::Slug(slug) => format!("{alias}.slug = {}", sql.arg(Arg::Text(slug.clone()))),
    }
}

fn limit_offset(sql: &mut Sql, page: PageRequest) {
    let limit = sql.arg(Arg::Int(i64::from(page.limit)));
    let offset = sql.arg(Arg::Int(i64::try_from(page.offset).unwrap_or(i64::MAX)));
    sql.push(&format!(" LIMIT {limit} OFFSET {offset}"));
}

fn count_of(total: i64) -> u64 {
    u64::try_from(total).unwrap_or(0)
}

impl Conn<'_> {
    /// How many rows of `from` meet `conditions` (whose values `sql` holds), and the page of
    /// them selected as `columns` in `order`.
    pub(crate) async fn paged_rows<R>(
        &mut self,
        mut sql: Sql,
        (columns, from, order): (&str, &str, &str),
        conditions: &[String],
        page: PageRequest,
    ) -> StoreResult<(u64, Vec<R>)>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        let mut w = Sql::default();
        w.push_where(conditions);
        let total: i64 = {
            let text = format!("SELECT COUNT(*) FROM {from}{}", w.text);
            on_conn!(self, pool => bind_args!(sqlx::query_scalar(&text), &sql.args).fetch_one(&mut *pool).await)?
        };
        sql.text = format!("SELECT {columns} FROM {from}{} ORDER BY {order}", w.text);
        limit_offset(&mut sql, page);
        let rows: Vec<R> = on_conn!(self, pool => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *pool).await)?;
        Ok((count_of(total), rows))
    }

    /// Whether the network has been loaded (any member state stored).
    pub async fn is_empty(&mut self) -> StoreResult<bool> {
        let n: i64 = on_conn!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM member_states").fetch_one(&mut *pool).await)?;
        Ok(n == 0)
    }

    /// How many states, cities, projects, partners and events the network has.
    pub async fn counts(&mut self) -> StoreResult<NetworkCounts> {
        let row: (i64, i64, i64, i64, i64, i64) = on_conn!(self, pool => sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM member_states), (SELECT COUNT(*) FROM cities), \
             (SELECT COUNT(*) FROM projects WHERE merged_into IS NULL), \
             (SELECT COUNT(*) FROM partners), (SELECT COUNT(*) FROM events), \
             (SELECT COUNT(*) FROM projects)",
        ).fetch_one(&mut *pool).await)?;
        Ok(NetworkCounts {
            member_states: count_of(row.0),
            cities: count_of(row.1),
            projects: count_of(row.2),
            partners: count_of(row.3),
            events: count_of(row.4),
            project_records: count_of(row.5),
        })
    }

    /// The framework: outcomes, focus areas, urban systems and enablers, in order.
    pub async fn framework(&mut self) -> StoreResult<Framework> {
        let (outcomes, areas, elements): (Vec<OutcomeRow>, Vec<FocusAreaRow>, Vec<ElementRow>) = on_conn!(self, pool => {
            let o = sqlx::query_as("SELECT id, name, definition, source FROM strategic_outcomes ORDER BY position").fetch_all(&mut *pool).await?;
            let f = sqlx::query_as(&format!("SELECT {FOCUS_AREA_COLUMNS} FROM focus_areas ORDER BY position")).fetch_all(&mut *pool).await?;
            let e = sqlx::query_as("SELECT kind, name, definition, examples, source FROM framework_elements ORDER BY kind DESC, position").fetch_all(&mut *pool).await?;
            StoreResult::Ok((o, f, e))
        })?;
        Ok(Framework {
            outcomes: outcomes.into_iter().map(Into::into).collect(),
            focus_areas: areas.into_iter().map(Into::into).collect(),
            elements: elements
                .into_iter()
                .map(FrameworkElement::try_from)
                .collect::<StoreResult<_>>()?,
        })
    }

    /// Member states in the order the network lists them.
    pub async fn member_states(&mut self) -> StoreResult<Vec<MemberState>> {
        let rows: Vec<StateRow> = on_conn!(self, pool => sqlx::query_as(
            "SELECT iso2, name, income_group, income_group_year, income_group_source, \
             income_group_uncertain, national_representative, note FROM member_states ORDER BY position",
        ).fetch_all(&mut *pool).await)?;
        rows.into_iter().map(MemberState::try_from).collect()
    }

    /// One member state by ISO alpha-2 code.
    pub async fn member_state(&mut self, iso2: &str) -> StoreResult<Option<MemberState>> {
        Ok(self
            .member_states()
            .await?
            .into_iter()
            .find(|s| s.iso2 == iso2))
    }

    /// Cities that pass the filter, by name.
    pub async fn cities(
        &mut self,
        filter: &CityFilter,
        page: PageRequest,
        viewer: Option<&Principal>,
    ) -> StoreResult<Page<City>> {
        let mut sql = Sql::default();
        let mut conditions = Vec::new();
        if let Some(country) = &filter.country {
            conditions.push(format!(
                "c.country_iso2 = {}",
                sql.arg(Arg::Text(country.clone()))
            ));
        }
        if let Some(role) = filter.role {
            let p = sql.arg(Arg::Text(role.as_str().to_owned()));
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM city_roles r WHERE r.city_id = c.id AND r.role = {p})"
            ));
        }
        if let Some(area) = &filter.focus_area {
            let p = sql.arg(Arg::Text(area.clone()));
            conditions.push(format!(
                "(EXISTS (SELECT 1 FROM projects p JOIN project_focus_areas pf ON pf.project_id = p.id \
                 WHERE p.city_id = c.id AND pf.focus_area_id = {p}) \
                 OR EXISTS (SELECT 1 FROM action_plan_focus_areas af WHERE af.city_id = c.id AND af.focus_area_id = {p}))"
            ));
        }
        if let Some(year) = filter.cohort {
            conditions.push(format!(
                "c.joined_year = {}",
                sql.arg(Arg::Int(year.into()))
            ));
        }
        if let Some(ids) = &filter.matching {
            conditions.push(matching_ids(&mut sql, "c.id", ids));
        }
        let where_sql = {
            let mut w = Sql::default();
            w.push_where(&conditions);
            w.text
        };
        let total: i64 = {
            let text = format!("SELECT COUNT(*) FROM cities c{where_sql}");
            on_conn!(self, pool => bind_args!(sqlx::query_scalar(&text), &sql.args).fetch_one(&mut *pool).await)?
        };
        sql.text =
            format!("SELECT {CITY_COLUMNS} FROM {CITY_FROM}{where_sql} ORDER BY c.name, c.id");
        limit_offset(&mut sql, page);
        let rows: Vec<CityRow> = on_conn!(self, pool => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *pool).await)?;
        let items = self.cities_with_roles(rows, viewer).await?;
        Ok(Page {
            items,
            total: count_of(total),
            limit: page.limit,
            offset: page.offset,
        })
    }

    async fn cities_with_roles(
        &mut self,
        rows: Vec<CityRow>,
        viewer: Option<&Principal>,
    ) -> StoreResult<Vec<City>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut sql = Sql::default();
        let list = sql.id_list(&ids);
        sql.text = format!(
            "SELECT city_id, role, uncertain FROM city_roles WHERE city_id IN {list} ORDER BY city_id, position"
        );
        let roles: Vec<(Uuid, String, bool)> = on_conn!(self, pool => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *pool).await)?;
        let mut by_city: HashMap<Uuid, Vec<(String, bool)>> = HashMap::new();
        for (id, role, uncertain) in roles {
            by_city.entry(id).or_default().push((role, uncertain));
        }
        rows.into_iter()
            .map(|r| {
                let roles = by_city.remove(&r.id).unwrap_or_default();
                let mut city = r.into_city(roles)?;
                city.redact_for(viewer);
                Ok(city)
            })
            .collect()
    }

    /// One city by id or slug.
    pub async fn city(
        &mut self,
        key: &Key,
        viewer: Option<&Principal>,
    ) -> StoreResult<Option<City>> {
        let mut sql = Sql::default();
        let cond = key_condition(&mut sql, "c", key);
        sql.text = format!("SELECT {CITY_COLUMNS} FROM {CITY_FROM} WHERE {cond}");
        let rows: Vec<CityRow> = on_conn!(self, pool => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *pool).await)?;
        Ok(self
            .cities_with_roles(rows, viewer)
            .await?
            .into_iter()
            .next())
    }

    /// A city with its state, current plan, projects, partners and events.
    pub async fn city_detail(
        &mut self,
        key: &Key,
        viewer: Option<&Principal>,
    ) -> StoreResult<Option<CityDetail>> {
        let Some(city) = self.city(key, viewer).await? else {
            return Ok(None);
        };
        let Some(state) = self.member_state(&city.country_iso2).await? else {
            return Ok(None);
        };
        let action_plan = self.action_plan(city.id, None).await?;
        let projects = self
            .projects(
                &ProjectFilter {
                    city: Some(city.id),
                    ..Default::default()
                },
                PageRequest::all(),
                viewer,
            )
            .await?
            .items;
        let partner_rows: Vec<PartnerRefRow> = on_conn!(self, pool => sqlx::query_as(
            "SELECT pa.id, pa.slug, pa.name, pa.kind FROM partners pa \
             JOIN partner_cities pc ON pc.partner_id = pa.id WHERE pc.city_id = $1 ORDER BY pa.name",
        ).bind(city.id).fetch_all(&mut *pool).await)?;
        let partners = partner_rows
            .into_iter()
            .map(PartnerRef::try_from)
            .collect::<StoreResult<_>>()?;
        let events = self
            .events(
                &EventFilter {
                    city: Some(city.id),
                    ..Default::default()
                },
                PageRequest::all(),
            )
            .await?
            .items;
        Ok(Some(CityDetail {
            city,
            state,
            action_plan,
            projects,
            partners,
            events,
        }))
    }

    /// Projects that pass the filter, by city and title.
    pub async fn projects(
        &mut self,
        filter: &ProjectFilter,
        page: PageRequest,
        viewer: Option<&Principal>,
    ) -> StoreResult<Page<Project>> {
        let mut sql = Sql::default();
        let mut conditions = vec!["p.merged_into IS NULL".to_owned()];
        if let Some(city) = filter.city {
            conditions.push(format!("p.city_id = {}", sql.arg(Arg::Id(city))));
        }
        if let Some(country) = &filter.country {
            conditions.push(format!(
                "c.country_iso2 = {}",
                sql.arg(Arg::Text(country.clone()))
            ));
        }
        if let Some(area) = &filter.focus_area {
            let p = sql.arg(Arg::Text(area.clone()));
            conditions.push(format!("EXISTS (SELECT 1 FROM project_focus_areas pf WHERE pf.project_id = p.id AND pf.focus_area_id = {p})"));
        }
        match filter.status {
            Some(StatusFilter::Reported(status)) => {
                let p = sql.arg(Arg::Text(status.as_str().to_owned()));
                conditions.push(format!("p.reported_status = {p}"));
            }
            Some(StatusFilter::Unreported) => conditions.push("p.reported_status IS NULL".into()),
            None => {}
        }
        if let Some(stage) = filter.stage {
            conditions.push(format!(
                "p.stage = {}",
                sql.arg(Arg::Text(stage.as_str().to_owned()))
            ));
        }
        if let Some(seek) = filter.support_sought {
            // Vocabulary names hold no wildcard; the JSON list reads alike on both backends.
            let p = sql.arg(Arg::Text(format!("%\"{}\"%", seek.as_str())));
            conditions.push(format!("CAST(p.support_sought AS TEXT) LIKE {p}"));
        }
        let completed = "(COALESCE(p.stage, '') = 'completed' \
            OR COALESCE(p.reported_status, '') = 'completed')";
        match filter.open_to_private_investment {
            Some(true) => conditions.push(format!(
                "p.open_to_private_investment = TRUE AND NOT {completed}"
            )),
            Some(false) => conditions.push(format!(
                "NOT (COALESCE(p.open_to_private_investment, FALSE) = TRUE AND NOT {completed})"
            )),
            None => {}
        }
        match filter.completed {
            Some(true) => conditions.push(completed.to_owned()),
            Some(false) => conditions.push(format!("NOT {completed}")),
            None => {}
        }
        if let Some(day) = filter.deadline_before {
            let p = sql.arg(Arg::Date(day));
            conditions.push(format!("p.deadline <= {p}"));
        }
        if let Some(ids) = &filter.matching {
            conditions.push(matching_ids(&mut sql, "p.id", ids));
        }
        let mut w = Sql::default();
        w.push_where(&conditions);
        let from = format!(
            "FROM projects p JOIN cities c ON c.id = p.city_id{}",
            w.text
        );
        let total: i64 = {
            let text = format!("SELECT COUNT(*) {from}");
            on_conn!(self, pool => bind_args!(sqlx::query_scalar(&text), &sql.args).fetch_one(&mut *pool).await)?
        };
        let columns = project_columns(self.is_postgres());
        sql.text = format!("SELECT {columns} {from} ORDER BY c.name, p.title, p.id");
        limit_offset(&mut sql, page);
        let rows: Vec<ProjectRow> = on_conn!(self, pool => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *pool).await)?;
        let items = Self::projects_of(rows, viewer)?;
        Ok(Page {
            items,
            total: count_of(total),
            limit: page.limit,
            offset: page.offset,
        })
    }

    /// One project by id or slug.
    pub async fn project(
        &mut self,
        key: &Key,
        viewer: Option<&Principal>,
    ) -> StoreResult<Option<Project>> {
        let mut sql = Sql::default();
        let cond = key_condition(&mut sql, "p", key);
        let columns = project_columns(self.is_postgres());
        sql.text = format!(
            "SELECT {columns} FROM projects p JOIN cities c ON c.id = p.city_id \
             WHERE {cond} AND p.merged_into IS NULL"
        );
        let rows: Vec<ProjectRow> = on_conn!(self, pool => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *pool).await)?;
        Ok(Self::projects_of(rows, viewer)?.into_iter().next())
    }

    /// The projects of `rows`, redacted for `viewer`.
    fn projects_of(rows: Vec<ProjectRow>, viewer: Option<&Principal>) -> StoreResult<Vec<Project>> {
        rows.into_iter()
            .map(|r| {
                let mut project = r.into_project()?;
                project.redact_for(viewer);
                Ok(project)
            })
            .collect()
    }

    /// The `value` column of a child table for each parent id, in stored order.
    async fn tags(
        &mut self,
        table: &str,
        parent: &str,
        value: &str,
        ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, Vec<String>>> {
        let mut out: HashMap<Uuid, Vec<String>> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let mut sql = Sql::default();
        let list = sql.id_list(ids);
        sql.text = format!(
            "SELECT {parent}, {value} FROM {table} WHERE {parent} IN {list} ORDER BY {parent}, position"
        );
        let rows: Vec<(Uuid, String)> = on_conn!(self, pool => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *pool).await)?;
        for (id, v) in rows {
            out.entry(id).or_default().push(v);
        }
        Ok(out)
    }

    /// Partners that pass the filter, by name.
    pub async fn partners(
        &mut self,
        filter: &PartnerFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Partner>> {
        let mut sql = Sql::default();
        let mut conditions = Vec::new();
        if let Some(kind) = filter.kind {
            conditions.push(format!(
                "pa.kind = {}",
                sql.arg(Arg::Text(kind.as_str().to_owned()))
            ));
        }
        if let Some(area) = &filter.focus_area {
            let p = sql.arg(Arg::Text(area.clone()));
            conditions.push(format!("EXISTS (SELECT 1 FROM partner_focus_areas pf WHERE pf.partner_id = pa.id AND pf.focus_area_id = {p})"));
        }
        if let Some(city) = filter.city {
            let p = sql.arg(Arg::Id(city));
            conditions.push(format!("EXISTS (SELECT 1 FROM partner_cities pc WHERE pc.partner_id = pa.id AND pc.city_id = {p})"));
        }
        if let Some(ids) = &filter.matching {
            conditions.push(matching_ids(&mut sql, "pa.id", ids));
        }
        let (total, rows): (u64, Vec<PartnerRow>) = self
            .paged_rows(
                sql,
                (PARTNER_COLUMNS, "partners pa", "pa.name, pa.id"),
                &conditions,
                page,
            )
            .await?;
        let items = self.partners_with_links(rows).await?;
        Ok(Page {
            items,
            total,
            limit: page.limit,
            offset: page.offset,
        })
    }

    /// One partner by id or slug.
    pub async fn partner(&mut self, key: &Key) -> StoreResult<Option<Partner>> {
        let mut sql = Sql::default();
        let cond = key_condition(&mut sql, "pa", key);
        sql.text = format!("SELECT {PARTNER_COLUMNS} FROM partners pa WHERE {cond}");
        let rows: Vec<PartnerRow> = on_conn!(self, pool => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *pool).await)?;
        Ok(self.partners_with_links(rows).await?.into_iter().next())
    }

    async fn partners_with_links(&mut self, rows: Vec<PartnerRow>) -> StoreResult<Vec<Partner>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut areas = self
            .tags("partner_focus_areas", "partner_id", "focus_area_id", &ids)
            .await?;
        let mut sql = Sql::default();
        let list = sql.id_list(&ids);
        sql.text = format!(
            "SELECT pc.partner_id, c.id, c.slug, c.name, c.country_iso2 FROM partner_cities pc \
             JOIN cities c ON c.id = pc.city_id WHERE pc.partner_id IN {list} ORDER BY pc.partner_id, pc.position"
        );
        let links: Vec<(Uuid, Uuid, String, String, String)> = on_conn!(self, pool => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *pool).await)?;
        let mut cities: HashMap<Uuid, Vec<CityRef>> = HashMap::new();
        for (partner, id, slug, name, country_iso2) in links {
            cities.entry(partner).or_default().push(CityRef {
                id,
                slug,
                name,
                country_iso2,
            });
        }
        rows.into_iter()
            .map(|r| {
                let a = areas.remove(&r.id).unwrap_or_default();
                let c = cities.remove(&r.id).unwrap_or_default();
                r.into_partner(a, c)
            })
            .collect()
    }

    /// Events that pass the filter, newest first.
    pub async fn events(
        &mut self,
        filter: &EventFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Event>> {
        let mut sql = Sql::default();
        let mut conditions = Vec::new();
        if let Some(year) = filter.year {
            let first_day =
                |y: i32| chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(chrono::NaiveDate::MIN);
            let from = sql.arg(Arg::Date(first_day(year)));
            let to = sql.arg(Arg::Date(first_day(year + 1)));
            conditions.push(format!("e.starts_on >= {from} AND e.starts_on < {to}"));
        }
        if let Some(city) = filter.city {
            conditions.push(format!("e.city_id = {}", sql.arg(Arg::Id(city))));
        }
        let mut w = Sql::default();
        w.push_where(&conditions);
        let from = format!(
            "FROM events e LEFT JOIN cities c ON c.id = e.city_id{}",
            w.text
        );
        let total: i64 = {
            let text = format!("SELECT COUNT(*) {from}");
            on_conn!(self, pool => bind_args!(sqlx::query_scalar(&text), &sql.args).fetch_one(&mut *pool).await)?
        };
        sql.text = format!("SELECT {EVENT_COLUMNS} {from} ORDER BY e.starts_on DESC, e.name");
        limit_offset(&mut sql, page);
        let rows: Vec<crate::rows::EventRow> = on_conn!(self, pool => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *pool).await)?;
        let mut items: Vec<Event> = rows
            .into_iter()
            .map(Event::try_from)
            .collect::<StoreResult<_>>()?;
        self.with_event_links(&mut items).await?;
        Ok(Page {
            items,
            total: count_of(total),
            limit: page.limit,
            offset: page.offset,
        })
    }

    /// One event by id or slug.
    pub async fn event(&mut self, key: &Key) -> StoreResult<Option<Event>> {
        let mut sql = Sql::default();
        let cond = key_condition(&mut sql, "e", key);
        sql.text = format!(
            "SELECT {EVENT_COLUMNS} FROM events e LEFT JOIN cities c ON c.id = e.city_id WHERE {cond}"
        );
        let row: Option<crate::rows::EventRow> = on_conn!(self, pool => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_optional(&mut *pool).await)?;
        let mut event: Vec<Event> = row.map(Event::try_from).transpose()?.into_iter().collect();
        self.with_event_links(&mut event).await?;
        Ok(event.pop())
    }

    /// Chairmanship by year, oldest first.
    pub async fn chairmanship(&mut self) -> StoreResult<Vec<Chairmanship>> {
        let rows: Vec<ChairRow> = on_conn!(self, pool => sqlx::query_as(
            "SELECT year, chair, state_iso2, source, version FROM chairmanship ORDER BY year",
        ).fetch_all(&mut *pool).await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// A network-level document by key.
    pub async fn document(&mut self, key: &str) -> StoreResult<Option<NetworkDocument>> {
        let body: Option<Json<serde_json::Value>> = on_conn!(self, pool => sqlx::query_scalar(
            "SELECT body FROM network_documents WHERE key = $1",
        ).bind(key).fetch_optional(&mut *pool).await)?;
        Ok(body.map(|b| NetworkDocument {
            key: key.to_owned(),
            body: b.0,
        }))
    }

    /// A city's reference (id, slug, name, country) by id or slug.
    pub async fn city_ref(&mut self, key: &Key) -> StoreResult<Option<CityRef>> {
        let mut sql = Sql::default();
        let cond = key_condition(&mut sql, "c", key);
        sql.text =
            format!("SELECT c.id, c.slug, c.name, c.country_iso2 FROM cities c WHERE {cond}");
        let row: Option<CityRefRow> = on_conn!(self, pool => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_optional(&mut *pool).await)?;
        Ok(row.map(Into::into))
    }

    /// How many member cities each member state has, by ISO code.
    pub async fn cities_per_state(&mut self) -> StoreResult<HashMap<String, u64>> {
        let rows: Vec<(String, i64)> = on_conn!(self, pool => sqlx::query_as(
            "SELECT country_iso2, COUNT(*) FROM cities GROUP BY country_iso2",
        ).fetch_all(&mut *pool).await)?;
        Ok(rows.into_iter().map(|(k, n)| (k, count_of(n))).collect())
    }

    /// The years cities joined in (the cohorts), oldest first.
    pub async fn cohort_years(&mut self) -> StoreResult<Vec<i32>> {
        Ok(on_conn!(self, pool => sqlx::query_scalar(
            "SELECT DISTINCT joined_year FROM cities ORDER BY joined_year",
        ).fetch_all(&mut *pool).await)?)
    }

    /// The years events start in, newest first.
    pub async fn event_years(&mut self) -> StoreResult<Vec<i32>> {
        let starts: Vec<chrono::NaiveDate> = on_conn!(self, pool => sqlx::query_scalar(
            "SELECT DISTINCT starts_on FROM events ORDER BY starts_on DESC",
        ).fetch_all(&mut *pool).await)?;
        let mut years: Vec<i32> = starts.iter().map(chrono::Datelike::year).collect();
        years.dedup();
        Ok(years)
    }

    /// Every city as a reference, by name.
    pub async fn city_refs(&mut self) -> StoreResult<Vec<CityRef>> {
        let rows: Vec<CityRefRow> = on_conn!(self, pool => sqlx::query_as(
            "SELECT c.id, c.slug, c.name, c.country_iso2 FROM cities c ORDER BY c.name",
        ).fetch_all(&mut *pool).await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// How many projects of each reported status, for statistics (`None`: not reported).
    pub async fn project_status_counts(
        &mut self,
    ) -> StoreResult<Vec<(Option<ReportedStatus>, u64)>> {
        let rows: Vec<(Option<String>, i64)> = on_conn!(self, pool => sqlx::query_as(
            "SELECT reported_status, COUNT(*) FROM projects WHERE merged_into IS NULL GROUP BY reported_status ORDER BY reported_status",
        ).fetch_all(&mut *pool).await)?;
        rows.into_iter()
            .map(|(s, n)| {
                let status = s
                    .map(|s| {
                        crate::rows::parse_stored(
                            "projects",
                            "reported_status",
                            &s,
                            ReportedStatus::parse,
                        )
                    })
                    .transpose()?;
                Ok((status, count_of(n)))
            })
            .collect()
    }
}

crate::reads_on_a_pooled_connection! {
    /// Whether the network has been loaded (any member state stored).
    fn is_empty() -> bool;
    /// How many states, cities, projects, partners and events the network has.
    fn counts() -> NetworkCounts;
    /// Cities that pass the filter, by name.
    fn cities(filter: &CityFilter, page: PageRequest, viewer: Option<&Principal>) -> Page<City>;
    /// One city by id or slug.
    fn city(key: &Key, viewer: Option<&Principal>) -> Option<City>;
    /// A city with its state, current plan, projects, partners and events.
    fn city_detail(key: &Key, viewer: Option<&Principal>) -> Option<CityDetail>;
    /// Projects that pass the filter, by city and title.
    fn projects(filter: &ProjectFilter, page: PageRequest, viewer: Option<&Principal>) -> Page<Project>;
    /// One project by id or slug.
    fn project(key: &Key, viewer: Option<&Principal>) -> Option<Project>;
    /// Partners that pass the filter, by name.
    fn partners(filter: &PartnerFilter, page: PageRequest) -> Page<Partner>;
    /// One partner by id or slug.
    fn partner(key: &Key) -> Option<Partner>;
    /// Events that pass the filter, newest first.
    fn events(filter: &EventFilter, page: PageRequest) -> Page<Event>;
    /// One event by id or slug.
    fn event(key: &Key) -> Option<Event>;
    /// The chairmanship by year.
    fn chairmanship() -> Vec<Chairmanship>;
    /// A document of the network file kept whole (e.g. the network's own description).
    fn document(key: &str) -> Option<NetworkDocument>;
    /// A city's reference (id, slug, name, country) by id or slug.
    fn city_ref(key: &Key) -> Option<CityRef>;
    /// How many member cities each member state has, by ISO code.
    fn cities_per_state() -> HashMap<String, u64>;
    /// The years cities joined, oldest first.
    fn cohort_years() -> Vec<i32>;
    /// The years events were held, newest first.
    fn event_years() -> Vec<i32>;
    /// Every city's reference, by name.
    fn city_refs() -> Vec<CityRef>;
    /// How many projects have each reported status.
    fn project_status_counts() -> Vec<(Option<ReportedStatus>, u64)>;
}

/// The condition that keeps only the records `ids` names (none when it names none).
fn matching_ids(sql: &mut Sql, column: &str, ids: &[Uuid]) -> String {
    if ids.is_empty() {
        "1 = 0".to_owned()
    } else {
        format!("{column} IN {}", sql.id_list(ids))
    }
}
