//! Operator actions of the [`Client`]: retry, pause and resume executions, pause and resume
//! queues, and their bulk forms over a filter. Each is recorded in the execution's history
//! with who asked ([`Actor`]). The store does each action in one transaction
//! (`Store::retry`, ...); this module validates and pages.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::{Action, ActionFilter, Actor, BulkCounts, CancelOutcome, QueuePause};
use crate::validate;

/// Ids a bulk action reads and applies per round.
pub const BULK_BATCH: usize = 500;

impl Client {
    /// Retries a failed execution: a standalone task gets a new attempt; a workflow goes back
    /// to the await where it failed, with a new attempt of each task that failed for good and a
    /// retry of each failed child workflow it awaits. `Error::Refused` for any other status
    /// (nothing changes), and for a task that a workflow started (retry the workflow).
    pub async fn retry(&self, id: &str, actor: &Actor) -> Result<()> {
        validate::name("execution id", id)?;
        self.store().retry(id, actor).await
    }

    /// Pauses a running or waiting execution and what it started that is still live: no step
    /// runs and no queued task is claimed until [`Client::resume`]; signals, results and timers
    /// that arrive meanwhile are kept. Returns how many executions were paused.
    pub async fn pause(&self, id: &str, actor: &Actor) -> Result<u64> {
        validate::name("execution id", id)?;
        self.store().pause(id, actor).await
    }

    /// Resumes a paused execution (and those paused with it). Returns how many resumed.
    pub async fn resume(&self, id: &str, actor: &Actor) -> Result<u64> {
        validate::name("execution id", id)?;
        self.store().resume(id, actor).await
    }

    /// Stops every worker from claiming tasks and steps of `queue` until it is resumed.
    pub async fn pause_queue(&self, queue: &str, actor: &Actor) -> Result<()> {
        self.store().pause_queue(queue, actor).await
    }

    /// Lets workers claim from `queue` again.
    pub async fn resume_queue(&self, queue: &str, actor: &Actor) -> Result<()> {
        self.store().resume_queue(queue, actor).await
    }

    /// The paused queues.
    pub async fn paused_queues(&self) -> Result<Vec<QueuePause>> {
        self.store().paused_queues().await
    }

    /// How many executions match `filter` (what a bulk action would look at).
    pub async fn count_matching(&self, filter: &ActionFilter) -> Result<u64> {
        check_filter(filter)?;
        self.store().count_ids(filter).await
    }

    /// Applies `action` to every execution matching `filter`, [`BULK_BATCH`] at a time in id
    /// order, calling `progress` after each batch with the counts so far. Each execution is
    /// its own transaction; one the action does not apply to (any more) is skipped, not an
    /// error. A database error stops the run; what was applied stays applied.
    pub async fn bulk(
        &self,
        action: Action,
        filter: &ActionFilter,
        actor: &Actor,
        progress: &mut (dyn FnMut(BulkCounts) + Send),
    ) -> Result<BulkCounts> {
        check_filter(filter)?;
        let mut counts = BulkCounts::default();
        let mut after: Option<String> = None;
        loop {
            let ids = self
                .store()
                .select_ids(filter, after.as_deref(), BULK_BATCH as i64)
                .await?;
            let Some(last) = ids.last().cloned() else {
                break;
            };
            for id in &ids {
                counts.matched += 1;
                if self.apply(action, id, actor).await? {
                    counts.applied += 1;
                } else {
                    counts.skipped += 1;
                }
            }
            progress(counts);
            if ids.len() < BULK_BATCH {
                break;
            }
            after = Some(last);
        }
        Ok(counts)
    }

    /// Applies one action; `false` when it did not apply.
    async fn apply(&self, action: Action, id: &str, actor: &Actor) -> Result<bool> {
        let r = match action {
            Action::Retry => self.store().retry(id, actor).await.map(|()| true),
            Action::Pause => self.store().pause(id, actor).await.map(|_| true),
            Action::Resume => self.store().resume(id, actor).await.map(|_| true),
            Action::Cancel => self
                .store()
                .cancel(id)
                .await
                .map(|o| !matches!(o, CancelOutcome::AlreadyFinished(_))),
        };
        match r {
            Ok(applied) => Ok(applied),
            Err(Error::Refused { .. } | Error::NotFound(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

fn check_filter(filter: &ActionFilter) -> Result<()> {
    if let Some(n) = &filter.name {
        validate::name("workflow name", n)?;
    }
    if let Some(v) = &filter.version {
        validate::name("version", v)?;
    }
    Ok(())
}
