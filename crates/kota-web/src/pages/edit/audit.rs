//! The audit log for coordinators: network-wide, or the history of one object, each entry
//! with the fields it changed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::Uri;
use kota_domain::audit::{AuditEntry, FieldChange};

use crate::AppState;
use crate::auth::RequiredPrincipal;
use crate::error::{PageError, Problem};
use crate::filters::{AuditQuery, PageQuery, Params};
use crate::pages::view::Pager;

/// An entry as the page shows it.
pub(crate) struct EntryView {
    entry: AuditEntry,
    href: Option<String>,
    changes: Vec<(String, String, String)>,
}

/// Where an audited object is shown.
fn object_href(kind: &str, id: &str) -> Option<String> {
    match kind {
        "city" => Some(format!("/cities/{id}")),
        "project" => Some(format!("/projects/{id}")),
        "partner" => Some(format!("/partners/{id}")),
        "action_plan" => Some(format!("/cities/{id}/plan")),
        "focus_area" => Some(format!("/framework#{id}")),
        _ => None,
    }
}

/// A value of a change as text, cut short when long.
fn shown(value: &Option<serde_json::Value>) -> String {
    let text = match value {
        None | Some(serde_json::Value::Null) => "—".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    if text.chars().count() > 300 {
        format!("{}…", text.chars().take(300).collect::<String>())
    } else {
        text
    }
}

fn view(entry: AuditEntry) -> EntryView {
    let changes = entry
        .changed_fields()
        .into_iter()
        .filter(|c: &FieldChange| c.field != "version")
        .map(|c| (c.field.clone(), shown(&c.before), shown(&c.after)))
        .collect();
    EntryView {
        href: object_href(&entry.object_type, &entry.object_id),
        changes,
        entry,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub(crate) struct AuditPage {
    title: String,
    section: &'static str,
    object: Option<(String, String, Option<String>)>,
    entries: Vec<EntryView>,
    pager: Pager,
}

/// `GET /audit[?object_type=&object_id=]`.
pub(crate) async fn audit(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    uri: Uri,
    Params(q): Params<AuditQuery>,
    Params(paging): Params<PageQuery>,
) -> Result<AuditPage, PageError> {
    if !who.may_read_audit() {
        return Err(Problem::audit_refused().into());
    }
    let object = q.object()?;
    let page = s.store.audit_entries(object, paging.page()?).await?;
    let pager = Pager::of(&page, "/audit", uri.query());
    Ok(AuditPage {
        title: match object {
            Some((kind, _)) => format!("History of a {}", kind.replace('_', " ")),
            None => "Audit log".into(),
        },
        section: "audit",
        object: object.map(|(k, i)| (k.to_owned(), i.to_owned(), object_href(k, i))),
        entries: page.items.into_iter().map(view).collect(),
        pager,
    })
}
