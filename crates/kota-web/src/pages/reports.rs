//! The network's report of a year, written by its data and laid out to print, and the list
//! of the years there are reports of.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kota_domain::report::YearReport;

use crate::AppState;
use crate::error::{PageResult, Problem};

#[derive(Template, WebTemplate)]
#[template(path = "reports.html")]
pub(crate) struct ReportsPage {
    title: String,
    section: &'static str,
    years: Vec<i32>,
}

pub(crate) async fn list(State(s): State<AppState>) -> PageResult<ReportsPage> {
    Ok(ReportsPage {
        title: "Reports by year".into(),
        section: "reports",
        years: s.store.report_years().await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "report.html")]
pub(crate) struct ReportPage {
    title: String,
    section: &'static str,
    r: YearReport,
    today: String,
}

pub(crate) async fn report(
    State(s): State<AppState>,
    Path(year): Path<String>,
) -> PageResult<ReportPage> {
    let missing = || {
        Problem::with_status(
            StatusCode::NOT_FOUND,
            "not-found",
            format!(
                "the network has no records of the year `{year}`: /reports lists the years it has"
            ),
        )
    };
    let number: i32 = year.parse().map_err(|_| missing())?;
    let r = s.store.year_report(number).await?.ok_or_else(missing)?;
    Ok(ReportPage {
        title: format!("The network in {number}"),
        section: "reports",
        r,
        today: chrono::Utc::now().date_naive().to_string(),
    })
}
