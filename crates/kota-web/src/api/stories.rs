//! Stories: success stories and lessons learned, read by anyone (network-only ones by
//! signed-in members), written and edited through the one edit pipeline; and peer learning,
//! whom a city can learn from and its peers.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use kota_domain::edit::{StoryInput, StoryPatch};
use kota_domain::page::Page;
use kota_domain::peers::CityPeers;
use kota_domain::story::{Story, StoryKind, StorySummary, unknown_language};
use kota_store::EditRequest;
use kota_store::Store;
use kota_store::records::story::{CreateStory, StoryFilter, UpdateStory};
use serde::Deserialize;
use utoipa::IntoParams;

use super::body::JsonBody;
use super::write_support::{CreateProblems, IfMatch, UpdateProblems, etag, written};
use crate::AppState;
use crate::auth::{OptionalPrincipal, RequiredPrincipal};
use crate::error::Problem;
use crate::extract::{IDEMPOTENCY_KEY_DOC, IdempotencyHeader, KeyPath};
use crate::filters::{
    PageQuery, Params, city, focus_area, given, key_param, partner, unknown, vocabulary,
};

/// Filters of the story list.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StoryQuery {
    /// The city it is about, by id or slug.
    #[param(value_type = Option<String>)]
    pub city: Option<String>,
    /// A focus area id of the framework.
    #[param(value_type = Option<String>)]
    pub focus_area: Option<String>,
    /// The partner it names, by id or slug.
    #[param(value_type = Option<String>)]
    pub partner: Option<String>,
    /// The project it is about, by id or slug.
    #[param(value_type = Option<String>)]
    pub project: Option<String>,
    /// `success_story` or `lesson`.
    #[param(value_type = Option<StoryKind>)]
    pub kind: Option<String>,
    /// Its language, as a BCP 47 tag (`en`, `th`, `vi`, …).
    #[param(value_type = Option<String>)]
    pub language: Option<String>,
}

impl StoryQuery {
    pub(crate) async fn resolve(&self, store: &Store) -> Result<StoryFilter, Problem> {
        let project = match key_param("project", &self.project)? {
            Some(key) => Some(
                store
                    .project(&key, None)
                    .await?
                    .map(|p| p.id)
                    .ok_or_else(|| unknown("project", &key))?,
            ),
            None => None,
        };
        let language = given(&self.language)
            .map(|tag| match unknown_language(tag) {
                None => Ok(tag.to_owned()),
                Some(why) => Err(Problem::bad_parameter("language", &why)),
            })
            .transpose()?;
        Ok(StoryFilter {
            city: city(store, &self.city).await?,
            focus_area: focus_area(store, &self.focus_area).await?,
            partner: partner(store, &self.partner).await?,
            project,
            kind: vocabulary(
                "kind",
                &self.kind,
                StoryKind::parse,
                StoryKind::ALL,
                StoryKind::as_str,
            )?,
            language,
        })
    }
}

/// Stories the viewer may read, filtered and paged, newest first; network-only ones for
/// signed-in members only.
#[utoipa::path(get, path = "/api/v1/stories", tag = "stories", params(StoryQuery, PageQuery),
    responses(
        (status = 200, description = "A page of stories", body = Page<StorySummary>),
        (status = 400, description = "A parameter has a bad value", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_stories(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    Params(q): Params<StoryQuery>,
    Params(page): Params<PageQuery>,
) -> Result<Json<Page<StorySummary>>, Problem> {
    let filter = q.resolve(&s.store).await?;
    let found = s.store.stories(&filter, page.page()?, who.as_ref()).await?;
    Ok(Json(Page {
        items: found.items.iter().map(Story::summary).collect(),
        total: found.total,
        limit: found.limit,
        offset: found.offset,
    }))
}

/// One story by id or slug, with its `ETag`; a network-only story is a 404 to anonymous
/// visitors.
#[utoipa::path(get, path = "/api/v1/stories/{id}", tag = "stories",
    params(("id" = String, Path, description = "The story's UUID or slug")),
    responses(
        (status = 200, description = "The story", body = Story),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such story, or not one the viewer may read", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn get_story(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(id): KeyPath,
) -> Result<(HeaderMap, Json<Story>), Problem> {
    let story = s
        .store
        .visible_story(&id, who.as_ref())
        .await?
        .ok_or_else(|| Problem::not_found("story", &id))?;
    Ok((etag(story.version), Json(story)))
}

/// Writes a story: the city's officers and national representative and coordinators about
/// the city; a partner's representatives when it names their partner.
#[utoipa::path(post, path = "/api/v1/stories", tag = "stories",
    params(("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY_DOC)),
    request_body = StoryInput,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The story, with its ETag and Location", body = Story),
        CreateProblems
    ))]
pub(crate) async fn post_story(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    uri: Uri,
    idempotency: IdempotencyHeader,
    JsonBody(input): JsonBody<StoryInput>,
) -> Result<Response, Problem> {
    let key = idempotency.for_request(uri.path(), &input);
    let edited = s
        .store
        .edit(EditRequest::new(&who, CreateStory { input }).idempotent(key))
        .await?;
    Ok(written(StatusCode::CREATED, edited, |story: &Story| {
        (
            story.version,
            Some(format!("/api/v1/stories/{}", story.slug)),
        )
    }))
}

/// Changes the fields of a story the body names (its author, coordinators, and those who may
/// write about its city or for its partner); `project` or `partner` set to `null` take the
/// link away.
#[utoipa::path(patch, path = "/api/v1/stories/{id}", tag = "stories",
    params(("id" = String, Path, description = "The story's UUID or slug"),
           ("If-Match" = String, Header, description = "The story's ETag as read")),
    request_body = StoryPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The story as changed, with its new ETag", body = Story),
        UpdateProblems
    ))]
pub(crate) async fn patch_story(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(id): KeyPath,
    IfMatch(version): IfMatch,
    JsonBody(patch): JsonBody<StoryPatch>,
) -> Result<(HeaderMap, Json<Story>), Problem> {
    let edit = UpdateStory { story: id, patch };
    let story = s.store.apply_edit(&who, edit, Some(version)).await?;
    Ok((etag(story.version), Json(story)))
}

/// Whom a city can learn from (cities that completed a project or wrote a story in a focus
/// area where it has open projects) and its peers (the five cities most alike in needs,
/// size, role and development level), each with a score from 0 to 100 and the reasons.
#[utoipa::path(get, path = "/api/v1/cities/{id}/peers", tag = "stories",
    params(("id" = String, Path, description = "The city's UUID or slug")),
    responses(
        (status = 200, description = "Cities to learn from, and peers", body = CityPeers),
        (status = 400, description = "The id is not one a record can have (a control character, or too long)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such city", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn city_peers(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(id): KeyPath,
) -> Result<Json<CityPeers>, Problem> {
    s.store
        .city_peers(&id, who.as_ref())
        .await?
        .map(Json)
        .ok_or_else(|| Problem::not_found("city", &id))
}
