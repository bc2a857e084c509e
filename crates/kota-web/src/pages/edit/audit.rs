//! The audit log for coordinators: network-wide, or the history of one object, each entry
//! with the fields it changed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::Uri;
use kota_domain::audit::AuditEntry;
use kota_domain::audit::readable::{Readable, readable};

use crate::AppState;
use crate::auth::RequiredPrincipal;
use crate::error::{PageError, Problem};
use crate::filters::{AuditQuery, PageQuery, Params};
use crate::pages::view::Pager;

/// An entry as the page shows it: the entry, and the same in words.
pub(crate) struct EntryView {
    entry: AuditEntry,
    said: Readable,
}

fn view(entry: AuditEntry) -> EntryView {
    EntryView {
        said: readable(&entry),
        entry,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub(crate) struct AuditPage {
    title: String,
    section: &'static str,
    /// The object whose history this is: its name in words and where it is shown.
    object: Option<(String, Option<String>)>,
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
    let entries: Vec<EntryView> = page.items.into_iter().map(view).collect();
    let object = object.map(|(kind, id)| {
        // The newest entry names the object as it is now.
        let said = entries.first().map(|v| v.said.clone());
        match said {
            Some(said) => (said.subject, said.href),
            None => (format!("{} {id}", kind.replace('_', " ")), None),
        }
    });
    Ok(AuditPage {
        title: match &object {
            Some((name, _)) => format!("History of {}", lower_first(name)),
            None => "Audit log".into(),
        },
        section: "audit",
        object,
        entries,
        pager,
    })
}

/// The text with its first letter in lower case ("City “Bangkok”" → "city “Bangkok”").
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}
