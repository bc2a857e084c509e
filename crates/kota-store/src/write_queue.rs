//! Writes wait in one queue and are committed in groups. While one group holds the write
//! lock and the next waits for it, the writes that arrive queue up; a group takes every write
//! queued when it starts (up to [`GROUP`]) and runs them in one transaction, one after the
//! other, each through the whole pipeline (its own checks, audit entry and signed
//! checkpoint), with one lock, one commit and one sync for the group. A write is answered
//! only once its group's commit is known: what its pipeline gave when the group committed,
//! the commit's error when it did not (a refusal may rest on what the group wrote). A write
//! still queued at its deadline is answered busy, nothing written.
//!
//! A storage error inside a group leaves its transaction unusable: the group is rolled back
//! and each of its writes runs again in a transaction of its own, so that one write's failure
//! never becomes another's.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use tokio::sync::{Semaphore, mpsc};

use crate::conn::Conn;
use crate::{Store, StoreError};

/// The most writes one group runs.
const GROUP: usize = 32;
/// Groups under way at once: one holding the lock, the next waiting for it.
const GROUPS_UNDER_WAY: usize = 2;

/// A future borrowed for `'a`, sent between threads.
pub(crate) type Running<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One write in the queue, whatever its record.
pub(crate) trait Queued: Send {
    /// The store it was asked of.
    fn store(&self) -> &Store;
    /// When it stops waiting: past it, it is answered busy, nothing written.
    fn deadline(&self) -> Instant;
    /// Runs the pipeline up to the commit on `conn`. `false` when a storage error left the
    /// transaction unusable.
    fn run<'a>(&'a mut self, conn: &'a mut Conn<'_>) -> Running<'a, bool>;
    /// Answers the caller once the group's commit is known: what the pipeline gave when it
    /// committed, else the commit's error (a refusal may rest on what the group wrote).
    fn answer(self: Box<Self>, committed: Result<(), StoreError>);
    /// Answers the caller with the storage error its own run ended with.
    fn answer_own_error(self: Box<Self>);
}

/// The queue of a store (shared by its clones); its runner starts with the first write.
#[derive(Debug, Default)]
pub(crate) struct WriteQueue {
    sender: OnceLock<mpsc::UnboundedSender<Box<dyn Queued>>>,
    /// Writes queued and not yet taken into a group.
    waiting: Arc<AtomicUsize>,
}

impl std::fmt::Debug for dyn Queued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a queued write")
    }
}

impl WriteQueue {
    /// Queues `write`; `false` when the runner has stopped (the runtime is ending).
    pub(crate) fn push(&self, write: Box<dyn Queued>) -> bool {
        let sender = self.sender.get_or_init(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            tokio::spawn(run_queue(receiver, Arc::clone(&self.waiting)));
            sender
        });
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let queued = sender.send(write).is_ok();
        if !queued {
            self.waiting.fetch_sub(1, Ordering::Relaxed);
        }
        queued
    }

    /// How many writes wait for a group now.
    pub(crate) fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }
}

/// Takes the queued writes in groups, each as soon as a group may start.
async fn run_queue(mut queue: mpsc::UnboundedReceiver<Box<dyn Queued>>, waiting: Arc<AtomicUsize>) {
    let under_way = Arc::new(Semaphore::new(GROUPS_UNDER_WAY));
    loop {
        let Ok(permit) = Arc::clone(&under_way).acquire_owned().await else {
            return;
        };
        let Some(first) = queue.recv().await else {
            return;
        };
        let mut group = vec![first];
        while group.len() < GROUP
            && let Ok(next) = queue.try_recv()
        {
            group.push(next);
        }
        waiting.fetch_sub(group.len(), Ordering::Relaxed);
        // A task of its own: a panic in one group answers its writers with an error (their
        // answer channels close) and the queue goes on.
        tokio::spawn(async move {
            run_group(group).await;
            drop(permit);
        });
    }
}

/// Runs `group` in one transaction, or each of its writes alone when the group fails.
async fn run_group(group: Vec<Box<dyn Queued>>) {
    let now = Instant::now();
    let (late, mut group): (Vec<_>, Vec<_>) = group.into_iter().partition(|w| w.deadline() <= now);
    for write in late {
        write.answer(Err(StoreError::Busy));
    }
    // The latest deadline: one write near its own must not make the others busy. Every
    // deadline is at most the store's write deadline from now, so is the group's wait.
    let Some(deadline) = group.iter().map(|w| w.deadline()).max() else {
        return;
    };
    let store = group[0].store().clone();
    let mut tx = match store.begin_write(deadline).await {
        Ok(tx) => tx,
        Err(e) => {
            for write in group {
                write.answer(Err(shared(&e)));
            }
            return;
        }
    };
    let mut usable = true;
    {
        let mut conn = tx.conn();
        for write in &mut group {
            if !write.run(&mut conn).await {
                usable = false;
                break;
            }
        }
    }
    if !usable {
        let rolled_back = tx.rollback().await;
        if group.len() == 1 {
            group.into_iter().for_each(|write| write.answer_own_error());
        } else if let Err(e) = rolled_back {
            for write in group {
                write.answer(Err(shared(&e)));
            }
        } else {
            for write in group {
                Box::pin(run_group(vec![write])).await;
            }
        }
        return;
    }
    let committed = tx.commit().await;
    for write in group {
        write.answer(committed.as_ref().map(|_| ()).map_err(shared));
    }
}

/// The same error for each writer of a group: busy stays busy, anything else is told as it
/// was.
fn shared(e: &StoreError) -> StoreError {
    match e {
        StoreError::Busy => StoreError::Busy,
        other => StoreError::Task(other.to_string()),
    }
}
