//! The one edit pipeline every change of a record runs through, written once:
//! begin → load → authorise → version → validate → apply → save → audit → notify → commit.
//!
//! A record plugs in by implementing [`Edit`] (its SQL lives in its own module under
//! `records/`); the API and the forms call [`Store::edit`] alike, so who may change what is
//! decided in one place. The pipeline runs in the store's write queue, not in the caller's
//! task: a caller that goes away (a closed connection, a timeout) cannot cut a write between
//! its statements, and a write either commits and is answered as committed, or is rolled
//! back.

use std::future::Future;
use std::time::Instant;

use kota_domain::access::Principal;
use kota_domain::edit::FieldError;
use kota_domain::notice::Notice;
use serde::Serialize;
use tokio::sync::oneshot;

use crate::audit::{Actor, Change};
use crate::conn::Conn;
use crate::idempotency::{self, IdempotencyKey};
use crate::write_queue::{Queued, Running};
use crate::{Store, StoreError, StoreResult};

/// Why a change was not made.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// No record has this id or slug.
    #[error("not found")]
    NotFound,
    /// The principal may not change this record.
    #[error("forbidden")]
    Forbidden,
    /// The record changed since the version the change was based on.
    #[error("the record is at version {current}")]
    Stale {
        /// The version it is at now.
        current: i32,
    },
    /// The record's state does not allow the change (accepting twice, a duplicate).
    #[error("{0}")]
    Conflict(String),
    /// Fields are invalid.
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    /// The idempotency key was used before with another request.
    #[error("the idempotency key was used with another request")]
    KeyReused,
    /// Storage failed, or the write lock was not had in time (nothing was written).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for WriteError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(StoreError::Database(e))
    }
}

/// Result of a change.
pub type WriteResult<T> = Result<T, WriteError>;

/// What the audit log records of a change besides the record after it.
pub struct Audited {
    /// The id of the record changed.
    pub object_id: String,
    /// The record before (none for a creation).
    pub before: Option<serde_json::Value>,
}

impl Audited {
    /// A change of the record `id`, which was `before`.
    pub fn update(id: impl ToString, before: &impl Serialize) -> Self {
        Self {
            object_id: id.to_string(),
            before: json(before),
        }
    }

    /// The creation of the record `id`.
    pub fn creation(id: impl ToString) -> Self {
        Self {
            object_id: id.to_string(),
            before: None,
        }
    }
}

/// One kind of change to one kind of record.
pub trait Edit: Send + Sync + 'static {
    /// What the change applies to, as loaded inside the transaction (the record itself, or
    /// the record a new one belongs to).
    type Target: Serialize + Send + Sync;
    /// The record as the change leaves it.
    type Output: Serialize + Send + Sync + 'static;
    /// How the audit log names the kind of record (`city`, `project`).
    const OBJECT_TYPE: &'static str;
    /// How the audit log names the change (`update`, `create`).
    const ACTION: &'static str;

    /// Loads what the change applies to; `None` when there is no such record.
    fn load(
        &self,
        conn: &mut Conn<'_>,
        who: &Principal,
    ) -> impl Future<Output = StoreResult<Option<Self::Target>>> + Send;

    /// Whether `who` may make this kind of change to `target` (pages ask the same).
    fn allowed(who: &Principal, target: &Self::Target) -> bool;

    /// The version `target` is at, checked against the one the change is based on; `None`
    /// for a change that needs none (a creation).
    fn version(target: &Self::Target) -> Option<i32>;

    /// Checks the input against what it refers to, read in the same transaction, and against
    /// the state `target` is in for `who` (a 409 when it does not allow the change).
    fn check(
        &self,
        conn: &mut Conn<'_>,
        who: &Principal,
        target: &Self::Target,
    ) -> impl Future<Output = WriteResult<()>> + Send;

    /// The record after the change.
    fn apply(
        &self,
        conn: &mut Conn<'_>,
        who: &Principal,
        target: &Self::Target,
    ) -> impl Future<Output = StoreResult<Self::Output>> + Send;

    /// Writes the record as `apply` left it (`target` is what it applied to: a save may
    /// leave alone what did not change).
    fn save(
        &self,
        conn: &mut Conn<'_>,
        who: &Principal,
        target: &Self::Target,
        output: &Self::Output,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// What the audit log records besides the record after the change.
    fn audited(target: &Self::Target, output: &Self::Output) -> Audited;

    /// What the change tells the people it concerns (a proposal to their city, an interest
    /// in their project), recorded in the same transaction; none by default.
    fn notices(
        &self,
        conn: &mut Conn<'_>,
        who: &Principal,
        target: &Self::Target,
        output: &Self::Output,
    ) -> impl Future<Output = StoreResult<Vec<Notice>>> + Send {
        let _ = (conn, who, target, output);
        async { Ok(Vec::new()) }
    }
}

/// The answer of a change.
#[derive(Debug)]
pub enum Edited<T> {
    /// Made now.
    Done(T),
    /// Made earlier by the same request under the same idempotency key: the answer given
    /// then, as JSON.
    Replayed(serde_json::Value),
}

/// A change as a caller asks for it.
pub struct EditRequest<'a, E> {
    /// Who makes it.
    pub who: &'a Principal,
    /// The change.
    pub edit: E,
    /// The version the change is based on (`If-Match`, a form's hidden version).
    pub based_on: Option<i32>,
    /// The client's key that makes retrying a creation safe.
    pub idempotency: Option<IdempotencyKey>,
}

impl<'a, E: Edit> EditRequest<'a, E> {
    /// A change by `who`, based on no version and with no idempotency key.
    pub fn new(who: &'a Principal, edit: E) -> Self {
        Self {
            who,
            edit,
            based_on: None,
            idempotency: None,
        }
    }

    /// Based on `version`.
    pub fn based_on(mut self, version: impl Into<Option<i32>>) -> Self {
        self.based_on = version.into();
        self
    }

    /// Under the client's idempotency key.
    pub fn idempotent(mut self, key: Option<IdempotencyKey>) -> Self {
        self.idempotency = key;
        self
    }
}

impl Store {
    /// Runs a change through the pipeline and answers with the record as changed, once it is
    /// committed (with the writes queued beside it: `write_queue`).
    pub async fn edit<E: Edit>(
        &self,
        request: EditRequest<'_, E>,
    ) -> WriteResult<Edited<E::Output>> {
        let (reply, answer) = oneshot::channel();
        let EditRequest {
            who,
            edit,
            based_on,
            idempotency,
        } = request;
        let job = EditJob {
            store: self.clone(),
            who: who.clone(),
            edit,
            based_on,
            idempotency,
            deadline: Instant::now() + self.write_deadline,
            outcome: None,
            reply,
        };
        if !self.writes.push(Box::new(job)) {
            return Err(StoreError::Task("the store is closing".into()).into());
        }
        answer
            .await
            .map_err(|_| StoreError::Task("the write stopped without an answer".into()))?
    }

    /// [`Store::edit`] for callers that take no idempotency key: the record as changed.
    pub async fn apply_edit<E: Edit>(
        &self,
        who: &Principal,
        edit: E,
        based_on: Option<i32>,
    ) -> WriteResult<E::Output> {
        match self
            .edit(EditRequest::new(who, edit).based_on(based_on))
            .await?
        {
            Edited::Done(output) => Ok(output),
            Edited::Replayed(_) => Err(WriteError::KeyReused),
        }
    }
}

/// A change waiting in the write queue, with where its answer goes.
struct EditJob<E: Edit> {
    store: Store,
    who: Principal,
    edit: E,
    based_on: Option<i32>,
    idempotency: Option<IdempotencyKey>,
    deadline: Instant,
    /// What the pipeline gave, once it ran (before the commit).
    outcome: Option<WriteResult<Edited<E::Output>>>,
    reply: oneshot::Sender<WriteResult<Edited<E::Output>>>,
}

impl<E: Edit> Queued for EditJob<E> {
    fn store(&self) -> &Store {
        &self.store
    }

    fn deadline(&self) -> Instant {
        self.deadline
    }

    fn run<'a>(&'a mut self, conn: &'a mut Conn<'_>) -> Running<'a, bool> {
        Box::pin(async move {
            let outcome = self.steps(conn).await;
            // Refusals (not found, forbidden, stale, invalid) come before anything is
            // written; only a storage error leaves the transaction unusable.
            let usable = !matches!(outcome, Err(WriteError::Store(_)));
            self.outcome = Some(outcome);
            usable
        })
    }

    fn answer(self: Box<Self>, committed: Result<(), StoreError>) {
        let answer = match (committed, self.outcome) {
            (Err(e), _) => Err(e.into()),
            (Ok(()), Some(outcome)) => {
                if matches!(outcome, Ok(Edited::Done(_))) {
                    // Its audit entry, and so the signing key's row, is committed.
                    self.store.audited_write_committed();
                }
                outcome
            }
            (Ok(()), None) => Err(StoreError::Task("the write did not run".into()).into()),
        };
        // The caller may have gone away; the write stands either way.
        let _ = self.reply.send(answer);
    }

    fn answer_own_error(self: Box<Self>) {
        let answer = match self.outcome {
            Some(Err(e)) => Err(e),
            _ => Err(StoreError::Task("the write failed".into()).into()),
        };
        let _ = self.reply.send(answer);
    }
}

impl<E: Edit> EditJob<E> {
    /// The pipeline from the load to the audit entry, on the group's transaction.
    async fn steps(&self, conn: &mut Conn<'_>) -> WriteResult<Edited<E::Output>> {
        let Self {
            store,
            who,
            edit,
            based_on,
            idempotency,
            ..
        } = self;
        if let Some(key) = idempotency
            && let Some(answer) = idempotency::earlier_answer(conn, who, key).await?
        {
            return Ok(Edited::Replayed(answer));
        }
        let target = edit.load(conn, who).await?.ok_or(WriteError::NotFound)?;
        if !E::allowed(who, &target) {
            return Err(WriteError::Forbidden);
        }
        if let (Some(current), Some(expected)) = (E::version(&target), *based_on)
            && current != expected
        {
            return Err(WriteError::Stale { current });
        }
        edit.check(conn, who, &target).await?;
        let output = edit.apply(conn, who, &target).await?;
        edit.save(conn, who, &target, &output).await?;
        let Audited { object_id, before } = E::audited(&target, &output);
        let after = serde_json::to_value(&output).ok();
        conn.audit(
            store.checkpoint_signer(),
            Change {
                actor: &Actor::of(who),
                action: E::ACTION,
                object_type: E::OBJECT_TYPE,
                object_id,
                before,
                after: after.clone(),
            },
        )
        .await?;
        let notices = edit.notices(conn, who, &target, &output).await?;
        if !notices.is_empty() {
            conn.record_notices(who.user_id, &notices).await?;
        }
        if let (Some(key), Some(answer)) = (idempotency, &after) {
            idempotency::remember(conn, who, key, answer).await?;
        }
        Ok(Edited::Done(output))
    }
}

/// The value as audited JSON.
pub(crate) fn json<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}
