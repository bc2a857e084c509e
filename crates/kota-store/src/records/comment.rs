//! Planning input: comments on a project in an early stage and the city's answers, each
//! written through the one edit pipeline (audited as the creation of a comment).

use chrono::{DateTime, Utc};
use kota_domain::access::Principal;
use kota_domain::comment::{Comment, CommentSide, closed_because, may_answer, side_of};
use kota_domain::edit::{Code, CommentInput, FieldError};
use kota_domain::ids::Key;
use kota_domain::notice::Notice;
use kota_domain::project::Project;
use uuid::Uuid;

use super::checked;
use crate::audit::now;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteError, WriteResult};
use crate::rows::parse_stored;
use crate::{Store, StoreResult};

/// Writes a comment on a project, or the city's answer to one.
pub struct PostComment {
    /// The project.
    pub project: Key,
    /// What is written.
    pub input: CommentInput,
}

impl Edit for PostComment {
    type Target = Project;
    type Output = Comment;
    const OBJECT_TYPE: &'static str = "comment";
    const ACTION: &'static str = "create";

    async fn load(&self, conn: &mut Conn<'_>, who: &Principal) -> StoreResult<Option<Project>> {
        conn.project(&self.project, Some(who)).await
    }

    fn allowed(who: &Principal, project: &Project) -> bool {
        side_of(who, project).is_some()
    }

    fn version(_: &Project) -> Option<i32> {
        None
    }

    async fn check(
        &self,
        conn: &mut Conn<'_>,
        who: &Principal,
        project: &Project,
    ) -> WriteResult<()> {
        if self.input.in_reply_to.is_some() && !may_answer(who, project) {
            return Err(WriteError::Forbidden);
        }
        checked(self.input.check())?;
        if let Some(reason) = closed_because(project) {
            return Err(WriteError::Conflict(reason));
        }
        if let Some(answered) = self.input.in_reply_to {
            let parent: Option<(Uuid, Option<Uuid>)> = on_conn!(conn, c => sqlx::query_as(
                "SELECT project_id, in_reply_to FROM project_comments WHERE id = $1",
            ).bind(answered).fetch_optional(&mut *c).await)?;
            let message = match parent {
                Some((on, None)) if on == project.id => return Ok(()),
                Some((on, Some(_))) if on == project.id => {
                    "Answer the comment that began the thread, not an answer in it"
                }
                _ => "No comment on this project has that id",
            };
            return checked(Err(vec![FieldError::new(
                "in_reply_to",
                Code::UnknownRecord,
                message,
            )]));
        }
        Ok(())
    }

    async fn apply(
        &self,
        _: &mut Conn<'_>,
        who: &Principal,
        project: &Project,
    ) -> StoreResult<Comment> {
        let side = side_of(who, project).unwrap_or(CommentSide::OtherCity);
        Ok(self
            .input
            .create(Uuid::new_v4(), project.id, who, side, now()))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        who: &Principal,
        _: &Project,
        c: &Comment,
    ) -> StoreResult<()> {
        on_conn!(conn, db => sqlx::query(
            "INSERT INTO project_comments (id, project_id, in_reply_to, author, side, text, created_at, author_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(c.id).bind(c.project).bind(c.in_reply_to).bind(&c.author).bind(c.side.as_str())
        .bind(&c.text).bind(c.created_at).bind(who.user_id)
        .execute(&mut *db).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(_: &Project, c: &Comment) -> Audited {
        Audited::creation(c.id)
    }

    async fn notices(
        &self,
        conn: &mut Conn<'_>,
        who: &Principal,
        project: &Project,
        c: &Comment,
    ) -> StoreResult<Vec<Notice>> {
        let answered: Option<Uuid> = match c.in_reply_to {
            Some(parent) => on_conn!(conn, db => sqlx::query_scalar(
                "SELECT author_id FROM project_comments WHERE id = $1",
            ).bind(parent).fetch_optional(&mut *db).await)?
            .flatten(),
            None => None,
        };
        Ok(c.notices(project, answered, who))
    }
}

type CommentRow = (
    Uuid,
    Uuid,
    Option<Uuid>,
    String,
    String,
    String,
    DateTime<Utc>,
);

impl Conn<'_> {
    /// A project's comments and answers, oldest first.
    pub async fn comments_on(&mut self, project: Uuid) -> StoreResult<Vec<Comment>> {
        let rows: Vec<CommentRow> = on_conn!(self, c => sqlx::query_as(
            "SELECT id, project_id, in_reply_to, author, side, text, created_at \
             FROM project_comments WHERE project_id = $1 ORDER BY created_at, id",
        ).bind(project).fetch_all(&mut *c).await)?;
        rows.into_iter()
            .map(
                |(id, project, in_reply_to, author, side, text, created_at)| {
                    Ok(Comment {
                        id,
                        project,
                        in_reply_to,
                        author,
                        side: parse_stored("project_comments", "side", &side, CommentSide::parse)?,
                        text,
                        created_at,
                    })
                },
            )
            .collect()
    }
}

impl Store {
    /// The project `key` names as `viewer` may see it, with its comments (none: no project).
    pub async fn project_comments(
        &self,
        key: &Key,
        viewer: Option<&Principal>,
    ) -> StoreResult<Option<(Project, Vec<Comment>)>> {
        let mut pooled = self.pooled().await?;
        let mut conn = pooled.conn();
        let Some(project) = conn.project(key, viewer).await? else {
            return Ok(None);
        };
        let comments = conn.comments_on(project.id).await?;
        Ok(Some((project, comments)))
    }
}
