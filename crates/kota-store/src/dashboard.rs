//! The dashboard's numbers and the year reports, each counted by SQL on the stored network.

use chrono::NaiveDate;
use kota_domain::city::CityRef;
use kota_domain::dashboard::{
    Dashboard, DashboardView, DormantTwinning, FocusAreaSupport, Funnel, StateAreaRow, Tally,
    YearStatus,
};
use kota_domain::partner::PartnerRef;
use kota_domain::project::{ReportedStatus, Stage};
use kota_domain::report::YearReport;
use kota_domain::twinning::TwinningState;
use uuid::Uuid;

use crate::conn::{Conn, on_conn};
use crate::filter::EventFilter;
use crate::records::twinning::PUBLIC as PUBLIC_TWINNINGS;
use crate::rows::{CityRefRow, PartnerRefRow};
use crate::{Store, StoreResult};

fn count_of(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The rows of a project's report years (`value`, as text or number), aliased `alias`: a
/// table function whose name differs between the backends.
fn each_report_year(postgres: bool, alias: &str) -> String {
    if postgres {
        format!("jsonb_array_elements_text(p.report_years) {alias}(value)")
    } else {
        format!("json_each(p.report_years) {alias}")
    }
}

/// `(key, label, n)` rows of a vocabulary in its order, `none` (not set) last when counted.
fn tallies<T: Copy>(
    all: &[T],
    found: &[(Option<String>, i64)],
    as_str: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    none_label: &str,
) -> Vec<Tally> {
    let count = |key: Option<&str>| {
        found
            .iter()
            .filter(|(k, _)| k.as_deref() == key)
            .map(|(_, n)| count_of(*n))
            .sum()
    };
    let mut out: Vec<Tally> = all
        .iter()
        .map(|v| Tally {
            key: as_str(*v).to_owned(),
            label: label(*v).to_owned(),
            count: count(Some(as_str(*v))),
        })
        .collect();
    let unset = count(None);
    if unset > 0 {
        out.push(Tally {
            key: "none".into(),
            label: none_label.into(),
            count: unset,
        });
    }
    out
}

/// The status-by-year rows, summed into one [`YearStatus`] a year.
fn year_statuses(rows: Vec<(i32, Option<String>, bool, i64)>) -> StoreResult<Vec<YearStatus>> {
    let mut years: Vec<YearStatus> = Vec::new();
    for (year, status, latest, n) in rows {
        let n = count_of(n);
        if years.last().is_none_or(|y| y.year != year) {
            years.push(YearStatus {
                year,
                ..YearStatus::default()
            });
        }
        let y = years.last_mut().expect("pushed above");
        y.listed += n;
        let status = status
            .filter(|_| latest)
            .map(|s| {
                crate::rows::parse_stored("projects", "reported_status", &s, ReportedStatus::parse)
            })
            .transpose()?;
        match status {
            Some(ReportedStatus::Completed) => y.completed += n,
            Some(ReportedStatus::OngoingOrPlanning) => y.ongoing_or_planning += n,
            None => y.no_status += n,
        }
    }
    Ok(years)
}

/// The first day of `year` and of the year after.
fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?,
    ))
}

impl Conn<'_> {
    /// Member cities with no active twinning, no partner the network's documents name for
    /// them (as a partner's city or a documented twinning), and no partnership on a project.
    async fn cities_without_partner(&mut self) -> StoreResult<Vec<CityRef>> {
        let rows: Vec<CityRefRow> = on_conn!(self, c => sqlx::query_as(
            "SELECT c.id, c.slug, c.name, c.country_iso2 FROM cities c \
             WHERE NOT EXISTS (SELECT 1 FROM twinnings t WHERE t.city_id = c.id AND t.state = 'active') \
             AND NOT EXISTS (SELECT 1 FROM partner_cities pc WHERE pc.city_id = c.id) \
             AND NOT EXISTS (SELECT 1 FROM project_partnerships pp \
                             JOIN projects p ON p.id = pp.project_id WHERE p.city_id = c.id) \
             AND CAST(c.documented_twinnings AS TEXT) = '[]' \
             ORDER BY c.name, c.id",
        ).fetch_all(&mut *c).await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Focus areas in order, with their projects and the partners offering support in them.
    async fn focus_area_support(&mut self) -> StoreResult<Vec<FocusAreaSupport>> {
        let rows: Vec<(String, String, i64, i64)> = on_conn!(self, c => sqlx::query_as(
            "SELECT f.id, f.name, \
             (SELECT COUNT(*) FROM project_focus_areas pf JOIN projects p ON p.id = pf.project_id \
              WHERE pf.focus_area_id = f.id AND p.merged_into IS NULL), \
             (SELECT COUNT(*) FROM partner_focus_areas af WHERE af.focus_area_id = f.id) \
             FROM focus_areas f ORDER BY f.position",
        ).fetch_all(&mut *c).await)?;
        Ok(rows
            .into_iter()
            .map(|(id, name, projects, partners)| FocusAreaSupport {
                id,
                name,
                projects: count_of(projects),
                partners: count_of(partners),
            })
            .collect())
    }

    /// Projects by member state and focus area, a row per member state in the network's
    /// order.
    async fn state_areas(&mut self, areas: &[String]) -> StoreResult<Vec<StateAreaRow>> {
        let states: Vec<(String, String)> = on_conn!(self, c => sqlx::query_as(
            "SELECT iso2, name FROM member_states ORDER BY position",
        ).fetch_all(&mut *c).await)?;
        let counts: Vec<(String, String, i64)> = on_conn!(self, c => sqlx::query_as(
            "SELECT ci.country_iso2, pf.focus_area_id, COUNT(*) FROM project_focus_areas pf \
             JOIN projects p ON p.id = pf.project_id JOIN cities ci ON ci.id = p.city_id \
             WHERE p.merged_into IS NULL GROUP BY ci.country_iso2, pf.focus_area_id",
        ).fetch_all(&mut *c).await)?;
        let counts: Vec<(String, String, u64)> = counts
            .into_iter()
            .map(|(s, a, n)| (s, a, count_of(n)))
            .collect();
        Ok(StateAreaRow::table(&states, areas, &counts))
    }

    /// Projects by stage (those listed in `year`'s monitoring report only, when given).
    async fn stages(&mut self, year: Option<i32>) -> StoreResult<Vec<Tally>> {
        let postgres = self.is_postgres();
        let found: Vec<(Option<String>, i64)> = match year {
            None => on_conn!(self, c => sqlx::query_as(
                "SELECT stage, COUNT(*) FROM projects WHERE merged_into IS NULL GROUP BY stage",
            ).fetch_all(&mut *c).await)?,
            Some(year) => {
                let text = format!(
                    "SELECT p.stage, COUNT(*) FROM projects p WHERE p.merged_into IS NULL AND EXISTS \
                     (SELECT 1 FROM {} WHERE CAST(y.value AS INTEGER) = $1) GROUP BY p.stage",
                    each_report_year(postgres, "y")
                );
                on_conn!(self, c => sqlx::query_as(&text).bind(year).fetch_all(&mut *c).await)?
            }
        };
        Ok(tallies(
            Stage::ALL,
            &found,
            Stage::as_str,
            Stage::label,
            "No stage set",
        ))
    }

    /// Projects listed in each monitoring report, by the status recorded for that year.
    async fn status_by_year(&mut self) -> StoreResult<Vec<YearStatus>> {
        let text = format!(
            "SELECT year, reported_status, year = last_year AS latest, COUNT(*) FROM \
             (SELECT CAST(y.value AS INTEGER) AS year, p.reported_status, \
              (SELECT MAX(CAST(l.value AS INTEGER)) FROM {}) AS last_year \
              FROM projects p CROSS JOIN {} WHERE p.merged_into IS NULL) listed \
             GROUP BY year, reported_status, year = last_year ORDER BY year",
            each_report_year(self.is_postgres(), "l"),
            each_report_year(self.is_postgres(), "y"),
        );
        let rows: Vec<(i32, Option<String>, bool, i64)> =
            on_conn!(self, c => sqlx::query_as(&text).fetch_all(&mut *c).await)?;
        year_statuses(rows)
    }

    /// Twinnings by state, every state in order (the public ones only, unless `whole`).
    async fn twinnings_by_state(&mut self, whole: bool) -> StoreResult<Vec<Tally>> {
        let text = format!(
            "SELECT state, COUNT(*) FROM twinnings t{} GROUP BY state",
            if whole {
                String::new()
            } else {
                format!(" WHERE {PUBLIC_TWINNINGS}")
            }
        );
        let found: Vec<(Option<String>, i64)> =
            on_conn!(self, c => sqlx::query_as(&text).fetch_all(&mut *c).await)?;
        let shown: Vec<TwinningState> = TwinningState::ALL
            .iter()
            .copied()
            .filter(|s| whole || matches!(s, TwinningState::Active | TwinningState::Concluded))
            .collect();
        Ok(tallies(
            &shown,
            &found,
            TwinningState::as_str,
            TwinningState::label,
            "",
        ))
    }

    /// Active twinnings whose latest activity is on or before `threshold`, quietest first.
    async fn dormant_twinnings(
        &mut self,
        threshold: NaiveDate,
    ) -> StoreResult<Vec<DormantTwinning>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: Uuid,
            last_active_on: NaiveDate,
            city_id: Uuid,
            city_slug: String,
            city_name: String,
            city_country: String,
            partner_id: Uuid,
            partner_slug: String,
            partner_name: String,
            partner_kind: String,
        }
        let rows: Vec<Row> = on_conn!(self, c => sqlx::query_as(
            "SELECT t.id, t.last_active_on, c.id AS city_id, c.slug AS city_slug, \
             c.name AS city_name, c.country_iso2 AS city_country, \
             p.id AS partner_id, p.slug AS partner_slug, p.name AS partner_name, p.kind AS partner_kind \
             FROM twinnings t JOIN cities c ON c.id = t.city_id JOIN partners p ON p.id = t.partner_id \
             WHERE t.state = 'active' AND t.last_active_on <= $1 \
             ORDER BY t.last_active_on, c.name, p.name, t.id",
        ).bind(threshold).fetch_all(&mut *c).await)?;
        rows.into_iter()
            .map(|r| {
                Ok(DormantTwinning {
                    id: r.id,
                    last_active_on: r.last_active_on,
                    city: CityRef {
                        id: r.city_id,
                        slug: r.city_slug,
                        name: r.city_name,
                        country_iso2: r.city_country,
                    },
                    partner: PartnerRef::try_from(PartnerRefRow {
                        id: r.partner_id,
                        slug: r.partner_slug,
                        name: r.partner_name,
                        kind: r.partner_kind,
                    })?,
                })
            })
            .collect()
    }

    /// Firms' interests from submission to answer.
    async fn funnel(&mut self) -> StoreResult<Funnel> {
        let rows: Vec<(String, i64, i64)> = on_conn!(self, c => sqlx::query_as(
            "SELECT state, COUNT(*), COUNT(shortlisted_at) FROM interests GROUP BY state",
        ).fetch_all(&mut *c).await)?;
        let mut f = Funnel::default();
        for (state, n, shortlisted) in rows {
            let n = count_of(n);
            f.submitted += n;
            f.shortlisted += count_of(shortlisted);
            match state.as_str() {
                "agreed" => f.agreed += n,
                "declined" => f.declined += n,
                "withdrawn" => f.withdrawn += n,
                _ => f.open += n,
            }
        }
        Ok(f)
    }

    /// Partnerships on projects, those agreed in `[from, to)` only when given.
    async fn partnership_count(
        &mut self,
        during: Option<(NaiveDate, NaiveDate)>,
    ) -> StoreResult<u64> {
        let n: i64 = match during {
            None => on_conn!(self, c => sqlx::query_scalar(
                "SELECT COUNT(*) FROM project_partnerships",
            ).fetch_one(&mut *c).await)?,
            Some((from, to)) => on_conn!(self, c => sqlx::query_scalar(
                "SELECT COUNT(*) FROM project_partnerships WHERE since >= $1 AND since < $2",
            ).bind(from)
             .bind(to)
             .fetch_one(&mut *c).await)?,
        };
        Ok(count_of(n))
    }

    /// The network in numbers, as `view` may see it.
    pub async fn dashboard(
        &mut self,
        view: DashboardView,
        dormancy: kota_domain::twinning::Dormancy,
    ) -> StoreResult<Dashboard> {
        let cities: i64 = on_conn!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM cities")
            .fetch_one(&mut *c).await)?;
        let focus_areas = self.focus_area_support().await?;
        let area_ids: Vec<String> = focus_areas.iter().map(|a| a.id.clone()).collect();
        Ok(Dashboard {
            view,
            hidden: view.hidden(),
            cities: count_of(cities),
            cities_without_partner: self.cities_without_partner().await?,
            state_areas: self.state_areas(&area_ids).await?,
            focus_areas,
            stages: self.stages(None).await?,
            status_by_year: self.status_by_year().await?,
            twinnings_by_state: self.twinnings_by_state(view.is_whole()).await?,
            dormant_days: dormancy.days,
            dormant: self.dormant_twinnings(dormancy.threshold()).await?,
            funnel: if view.is_whole() {
                Some(self.funnel().await?)
            } else {
                None
            },
            partnerships: self.partnership_count(None).await?,
            cross_purpose: self.cross_purpose_alerts().await?,
        })
    }

    /// The years the network has records of: chairs, cities joining, events and monitoring
    /// reports; newest first.
    pub async fn report_years(&mut self) -> StoreResult<Vec<i32>> {
        let statuses = self.status_by_year().await?;
        self.years_with(&statuses).await
    }

    /// [`Self::report_years`], with the monitoring reports' statuses read already.
    async fn years_with(&mut self, statuses: &[YearStatus]) -> StoreResult<Vec<i32>> {
        let mut years: Vec<i32> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT year FROM chairmanship UNION SELECT joined_year FROM cities",
        ).fetch_all(&mut *c).await)?;
        years.extend(self.event_years().await?);
        years.extend(statuses.iter().map(|y| y.year));
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        Ok(years)
    }

    /// The report of `year`, from public records; none when the network has no records of it.
    pub async fn year_report(&mut self, year: i32) -> StoreResult<Option<YearReport>> {
        let Some((from, to)) = year_bounds(year) else {
            return Ok(None);
        };
        let statuses = self.status_by_year().await?;
        if !self.years_with(&statuses).await?.contains(&year) {
            return Ok(None);
        }
        let postgres = self.is_postgres();
        let (members, states): (i64, i64) = on_conn!(self, c => sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT country_iso2) FROM cities WHERE joined_year <= $1",
        ).bind(year).fetch_one(&mut *c).await)?;
        let joined: Vec<CityRefRow> = on_conn!(self, c => sqlx::query_as(
            "SELECT id, slug, name, country_iso2 FROM cities WHERE joined_year = $1 ORDER BY name, id",
        ).bind(year).fetch_all(&mut *c).await)?;
        let areas_text = format!(
            "SELECT f.id, f.name, (SELECT COUNT(*) FROM project_focus_areas pf \
             JOIN projects p ON p.id = pf.project_id WHERE pf.focus_area_id = f.id AND p.merged_into IS NULL AND EXISTS \
             (SELECT 1 FROM {} WHERE CAST(y.value AS INTEGER) = $1)) \
             FROM focus_areas f ORDER BY f.position",
            each_report_year(postgres, "y")
        );
        let areas: Vec<(String, String, i64)> =
            on_conn!(self, c => sqlx::query_as(&areas_text).bind(year).fetch_all(&mut *c).await)?;
        let begun: Vec<(Option<String>, i64)> = on_conn!(self, c => sqlx::query_as(&format!(
            "SELECT state, COUNT(*) FROM twinnings t WHERE {PUBLIC_TWINNINGS} \
             AND decided_at >= $1 AND decided_at < $2 GROUP BY state"
        )).bind(from.and_time(chrono::NaiveTime::MIN).and_utc())
          .bind(to.and_time(chrono::NaiveTime::MIN).and_utc())
          .fetch_all(&mut *c).await)?;
        let concluded: i64 = on_conn!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM twinnings WHERE state = 'concluded' \
             AND ended_at >= $1 AND ended_at < $2",
        ).bind(from.and_time(chrono::NaiveTime::MIN).and_utc())
         .bind(to.and_time(chrono::NaiveTime::MIN).and_utc())
         .fetch_one(&mut *c).await)?;
        let chair = self
            .chairmanship()
            .await?
            .into_iter()
            .find(|c| c.year == year);
        let mut events = self
            .events(
                &EventFilter {
                    year: Some(year),
                    city: None,
                },
                kota_domain::page::PageRequest::all(),
            )
            .await?
            .items;
        events.reverse();
        Ok(Some(YearReport {
            year,
            chair,
            member_cities: count_of(members),
            member_states: count_of(states),
            joined: joined.into_iter().map(Into::into).collect(),
            reported: statuses.into_iter().find(|y| y.year == year),
            reported_by_area: areas
                .into_iter()
                .map(|(key, label, n)| Tally {
                    key,
                    label,
                    count: count_of(n),
                })
                .collect(),
            reported_by_stage: self.stages(Some(year)).await?,
            twinnings_begun: tallies(
                &[TwinningState::Active, TwinningState::Concluded],
                &begun,
                TwinningState::as_str,
                TwinningState::label,
                "",
            ),
            twinnings_concluded: count_of(concluded),
            partnerships_agreed: self.partnership_count(Some((from, to))).await?,
            events,
            indicators: self.indicators_of_year(year).await?,
        }))
    }
}

impl Store {
    /// The network in numbers for `viewer`: whole for coordinators, from public records for
    /// everyone else.
    pub async fn dashboard(
        &self,
        viewer: Option<&kota_domain::access::Principal>,
    ) -> StoreResult<Dashboard> {
        let dormancy = self.dormancy();
        let mut pooled = self.pooled().await?;
        pooled
            .conn()
            .dashboard(DashboardView::for_viewer(viewer), dormancy)
            .await
    }
}

crate::reads_on_a_pooled_connection! {
    /// The years the network has records of, newest first.
    fn report_years() -> Vec<i32>;
    /// The network's report of a year, none when it has no records of the year.
    fn year_report(year: i32) -> Option<YearReport>;
}
