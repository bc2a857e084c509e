//! Business matching pages: the pipeline of interests the viewer may see, one interest with
//! its messages and the steps the viewer may take, and the blocks the project and partner
//! pages show (partners on a project, suggested firms, suggested projects).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use kota_domain::access::{Principal, Scope};
use kota_domain::ids::Key;
use kota_domain::interest::{
    Interest, InterestState, InterestStep, Partnership, ProjectSuggestions, project_closure,
};
use kota_domain::money::Money;
use kota_domain::page::PageRequest;
use kota_domain::partner::Partner;
use kota_domain::project::Project;
use kota_domain::suggestion::Suggestions;
use kota_store::matching::DEFAULT_SUGGESTIONS;

use super::edit::interest::step_path;
use super::view::{Choice, Pager};
use crate::AppState;
use crate::auth::{CsrfToken, OptionalPrincipal, RequiredPrincipal};
use crate::error::{PageResult, Problem};
use crate::extract::KeyPath;
use crate::filters::{InterestQuery, PageQuery, Params};
use crate::open_data::{csv_file, csv_link};

/// An amount as people read it (`USD 5,000,000`), or a dash.
fn shown(amount: Option<&Money>) -> String {
    amount.map_or_else(|| "—".into(), Money::readable)
}

#[derive(Template, WebTemplate)]
#[template(path = "interests.html")]
pub(crate) struct InterestsPage {
    title: String,
    section: &'static str,
    heading: &'static str,
    rows: Vec<(Interest, String)>,
    pager: Pager,
    states: Vec<Choice>,
    /// The address of the same list as CSV.
    csv: String,
}

pub(crate) async fn list(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    uri: Uri,
    Params(q): Params<InterestQuery>,
    Params(paging): Params<PageQuery>,
) -> PageResult<InterestsPage> {
    let filter = q.resolve(&s.store).await?;
    let page = s
        .store
        .interests(&filter, paging.page()?, Some(&who))
        .await?;
    let heading = match who.scope {
        Scope::PartnerRepresentative { .. } => "Your firm's interests in city projects",
        Scope::CityOfficer { .. } | Scope::NationalRepresentative { .. } => {
            "Interests in your cities' projects"
        }
        Scope::Coordinator => "Every interest in the network",
        Scope::Admin => "Administrators see no interests",
    };
    Ok(InterestsPage {
        title: "Interests".into(),
        section: "interests",
        heading,
        pager: Pager::of(&page, "/interests", uri.query()),
        rows: page
            .items
            .into_iter()
            .map(|i| {
                let amount = shown(i.amount.as_ref());
                (i, amount)
            })
            .collect(),
        states: Choice::list(
            InterestState::ALL
                .iter()
                .map(|st| (st.as_str(), st.label())),
            &q.state,
        ),
        csv: csv_link("/interests", uri.query()),
    })
}

/// `/interests.csv`: the interests `/interests` shows the viewer with the same filters, every
/// page, as CSV.
pub(crate) async fn list_csv(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    Params(q): Params<InterestQuery>,
) -> Result<Response, Problem> {
    let filter = q.resolve(&s.store).await?;
    let page = s
        .store
        .interests(&filter, PageRequest::all(), Some(&who))
        .await?;
    csv_file("interests.csv", &page.items)
}

#[derive(Template, WebTemplate)]
#[template(path = "interest.html")]
pub(crate) struct InterestPage {
    title: String,
    section: &'static str,
    i: Interest,
    amount: String,
    /// The steps the viewer may take, each with where its form goes.
    actions: Vec<(InterestStep, String)>,
    csrf: CsrfToken,
    may_audit: bool,
}

pub(crate) async fn page(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    csrf: CsrfToken,
    KeyPath(key): KeyPath,
) -> PageResult<InterestPage> {
    let i = s
        .store
        .interest(&key, who.as_ref())
        .await?
        .ok_or_else(|| Problem::not_found("interest", &key))?;
    let actions = who
        .as_ref()
        .map(|w| i.open_to(w))
        .unwrap_or_default()
        .into_iter()
        .map(|step| (step, step_path(&i, step)))
        .collect();
    Ok(InterestPage {
        title: format!("{} on {}", i.partner.name, i.project.title),
        section: "interests",
        amount: shown(i.amount.as_ref()),
        actions,
        csrf,
        may_audit: who.as_ref().is_some_and(Principal::may_read_audit),
        i,
    })
}

/// What a project's page shows of business matching.
pub(crate) struct ProjectBusiness {
    pub(crate) slug: String,
    pub(crate) partnerships: Vec<(Partnership, String)>,
    /// Why the project takes no interest, when it does not.
    pub(crate) closed: Option<&'static str>,
    /// Whether the viewer may express an interest (a firm's representative, a coordinator).
    pub(crate) may_submit: bool,
    pub(crate) signed_in: bool,
    pub(crate) firms: Suggestions,
}

impl ProjectBusiness {
    /// The block of `project` as `who` sees it.
    pub(crate) async fn of(
        s: &AppState,
        project: &Project,
        who: Option<&Principal>,
    ) -> PageResult<Self> {
        let closed = project_closure(project).map(|c| c.reason());
        let firms = if closed.is_none() {
            s.store
                .firm_suggestions(&Key::Id(project.id), DEFAULT_SUGGESTIONS, who)
                .await?
                .unwrap_or(Suggestions { items: Vec::new() })
        } else {
            Suggestions { items: Vec::new() }
        };
        Ok(Self {
            slug: project.slug.clone(),
            partnerships: s
                .store
                .project_partnerships(project.id, who)
                .await?
                .into_iter()
                .map(|p| {
                    let amount = shown(p.amount.as_ref());
                    (p, amount)
                })
                .collect(),
            closed,
            may_submit: who.is_some_and(|w| {
                w.is_coordinator() || matches!(w.scope, Scope::PartnerRepresentative { .. })
            }),
            signed_in: who.is_some(),
            firms,
        })
    }
}

/// What a partner's page shows of business matching: the projects it works on and, for a
/// firm, the projects that fit it best.
pub(crate) struct PartnerBusiness {
    pub(crate) partnerships: Vec<Partnership>,
    pub(crate) projects: ProjectSuggestions,
}

impl PartnerBusiness {
    /// The block of `partner` as `who` sees it.
    pub(crate) async fn of(
        s: &AppState,
        partner: &Partner,
        who: Option<&Principal>,
    ) -> PageResult<Self> {
        Ok(Self {
            partnerships: s.store.partner_partnerships(partner.id, who).await?,
            projects: s
                .store
                .project_suggestions(&Key::Id(partner.id), DEFAULT_SUGGESTIONS, who)
                .await?
                .unwrap_or(ProjectSuggestions { items: Vec::new() }),
        })
    }
}
