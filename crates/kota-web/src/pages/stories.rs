//! Story pages: the list with its filters, and one story with its outcome figures and
//! sources; the city, project and partner pages list theirs (`Stories::of`), and the city page
//! whom it can learn from and its peers.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::Uri;
use kota_domain::access::Principal;
use kota_domain::ids::Key;
use kota_domain::page::PageRequest;
use kota_domain::peers::CityPeers;
use kota_domain::story::{LANGUAGES, Story, StoryKind, may_edit, may_write_any};
use kota_store::filter::PartnerFilter;
use kota_store::records::story::StoryFilter;

use super::view::{AreaLabel, AreaNames, Choice, Pager};
use crate::AppState;
use crate::api::stories::StoryQuery;
use crate::auth::OptionalPrincipal;
use crate::error::{PageResult, Problem};
use crate::extract::KeyPath;
use crate::filters::{PageQuery, Params};

/// A story as a list shows it, with its focus areas' names.
pub(crate) struct StoryLine {
    pub(crate) story: Story,
    pub(crate) areas: Vec<AreaLabel>,
    pub(crate) excerpt: String,
}

impl StoryLine {
    fn new(story: Story, names: &AreaNames) -> Self {
        Self {
            areas: names.labels(&story.focus_areas),
            excerpt: story.excerpt(),
            story,
        }
    }
}

/// How many stories a city, project or partner page shows; the list has the rest.
const SHOWN_ON_A_RECORD: u32 = 5;

/// The stories a city, project or partner page lists ("Stories and lessons"): the latest.
pub(crate) struct Stories {
    pub(crate) lines: Vec<StoryLine>,
    /// How many there are in all.
    pub(crate) total: u64,
    /// Where the whole list is, filtered to the record.
    pub(crate) more: String,
    /// Whether the viewer may write one.
    pub(crate) may_write: bool,
}

impl Stories {
    /// The stories `filter` finds that `who` may read, and the list's address `more`.
    pub(crate) async fn of(
        s: &AppState,
        filter: StoryFilter,
        more: String,
        who: Option<&Principal>,
    ) -> PageResult<Self> {
        let names = AreaNames::of(&s.store.framework().await?);
        let page = PageRequest {
            limit: SHOWN_ON_A_RECORD,
            offset: 0,
        };
        let found = s.store.stories(&filter, page, who).await?;
        Ok(Self {
            total: found.total,
            lines: found
                .items
                .into_iter()
                .map(|story| StoryLine::new(story, &names))
                .collect(),
            more,
            may_write: who.is_some_and(may_write_any),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "stories.html")]
pub(crate) struct StoriesPage {
    title: String,
    section: &'static str,
    lines: Vec<StoryLine>,
    pager: Pager,
    cities: Vec<Choice>,
    areas: Vec<Choice>,
    kinds: Vec<Choice>,
    partners: Vec<Choice>,
    languages: Vec<Choice>,
    /// The project the list is filtered to (slug, title), kept by the filter form.
    project: Option<(String, String)>,
    may_write: bool,
}

/// `/stories`: the stories the viewer may read, filtered by city, focus area, kind, partner,
/// language and project.
pub(crate) async fn list(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    uri: Uri,
    Params(q): Params<StoryQuery>,
    Params(paging): Params<PageQuery>,
) -> PageResult<StoriesPage> {
    let filter = q.resolve(&s.store).await?;
    let page = s
        .store
        .stories(&filter, paging.page()?, who.as_ref())
        .await?;
    let framework = s.store.framework().await?;
    let names = AreaNames::of(&framework);
    let cities = s.store.city_refs().await?;
    let partners = s
        .store
        .partners(&PartnerFilter::default(), PageRequest::all())
        .await?
        .items;
    let project = match filter.project {
        Some(id) => s
            .store
            .project(&Key::Id(id), who.as_ref())
            .await?
            .map(|p| (p.slug, p.title)),
        None => None,
    };
    Ok(StoriesPage {
        title: "Stories and lessons".into(),
        section: "stories",
        pager: Pager::of(&page, "/stories", uri.query()),
        lines: page
            .items
            .into_iter()
            .map(|story| StoryLine::new(story, &names))
            .collect(),
        cities: Choice::list(cities.into_iter().map(|c| (c.slug, c.name)), &q.city),
        areas: Choice::list(
            framework.focus_areas.into_iter().map(|f| (f.id, f.name)),
            &q.focus_area,
        ),
        kinds: Choice::list(
            StoryKind::ALL.iter().map(|k| (k.as_str(), k.label())),
            &q.kind,
        ),
        partners: Choice::list(partners.into_iter().map(|p| (p.slug, p.name)), &q.partner),
        languages: Choice::list(LANGUAGES.iter().copied(), &q.language),
        project,
        may_write: who.as_ref().is_some_and(may_write_any),
    })
}

/// One outcome figure as the page shows it.
pub(crate) struct Figure {
    label: String,
    value: String,
    unit: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "story.html")]
pub(crate) struct StoryPage {
    title: String,
    section: &'static str,
    story: Story,
    areas: Vec<AreaLabel>,
    paragraphs: Vec<String>,
    figures: Vec<Figure>,
    may_edit: bool,
    may_audit: bool,
}

/// A figure as people write it: whole numbers with thousands separators, others as given.
fn figure(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        // Whole and well within i64.
        #[allow(clippy::cast_possible_truncation)]
        let whole = value as i64;
        super::view::thousands(whole)
    } else {
        value.to_string()
    }
}

/// `/stories/{key}`: one story; a network-only story is not found for anonymous visitors.
pub(crate) async fn page(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(key): KeyPath,
) -> PageResult<StoryPage> {
    let story = s
        .store
        .visible_story(&key, who.as_ref())
        .await?
        .ok_or_else(|| Problem::not_found("story", &key))?;
    let names = AreaNames::of(&s.store.framework().await?);
    Ok(StoryPage {
        title: story.title.clone(),
        section: "stories",
        areas: names.labels(&story.focus_areas),
        paragraphs: story.paragraphs(),
        figures: story
            .outcomes
            .iter()
            .map(|o| Figure {
                label: o.label.clone(),
                value: figure(o.value),
                unit: o.unit.clone(),
            })
            .collect(),
        may_edit: who.as_ref().is_some_and(|w| may_edit(w, &story)),
        may_audit: who.as_ref().is_some_and(Principal::may_read_audit),
        story,
    })
}

/// Whom a city can learn from and its peers, as `who` may see the network.
pub(crate) async fn peers_of(
    s: &AppState,
    id: uuid::Uuid,
    who: Option<&Principal>,
) -> PageResult<CityPeers> {
    Ok(s.store
        .city_peers(&id.into(), who)
        .await?
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::figure;

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(figure(1_250_000.0), "1,250,000");
        assert_eq!(figure(12.5), "12.5");
        assert_eq!(figure(-3.0), "-3");
    }
}
