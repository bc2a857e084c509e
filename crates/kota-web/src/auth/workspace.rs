//! `/me`: where a signed-in person lands. Their city, member state or partner (by name, as a
//! link), what waits on them across the network, their notifications, and what they changed
//! lately.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use kota_domain::invitation::may_invite_anyone;
use kota_domain::notice::Notification;
use kota_domain::workspace::{RecentChange, Waiting};

use super::principal::RequiredPrincipal;
use crate::AppState;
use crate::error::{PageResult, Problem};

#[derive(Template, WebTemplate)]
#[template(path = "me.html")]
pub(super) struct WorkspacePage {
    title: String,
    section: &'static str,
    name: String,
    role: &'static str,
    /// The place they act for, by name, with its page.
    place: Option<(String, String)>,
    may_invite: bool,
    waiting: Vec<Waiting>,
    notifications: Vec<Notification>,
    changes: Vec<RecentChange>,
}

/// `GET /me`.
pub(super) async fn show(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
) -> PageResult<WorkspacePage> {
    let user = s
        .store
        .user_by_id(who.user_id)
        .await?
        .ok_or_else(|| Problem::unauthorized("this account no longer exists"))?;
    let href = match (&user.city_slug, &user.state_iso2, &user.partner_slug) {
        (Some(city), _, _) => Some(format!("/cities/{city}")),
        (_, Some(state), _) => Some(format!("/member-states/{state}")),
        (_, _, Some(partner)) => Some(format!("/partners/{partner}")),
        _ => None,
    };
    let place = user.place.clone().zip(href);
    Ok(WorkspacePage {
        title: "Your workspace".into(),
        section: "me",
        name: who.name.clone(),
        role: who.role().label(),
        place,
        may_invite: may_invite_anyone(&who),
        waiting: s.store.waiting(&who).await?,
        notifications: s.store.notifications(who.user_id).await?,
        changes: s.store.recent_changes(who.user_id).await?,
    })
}
