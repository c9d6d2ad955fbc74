//! The Postgres store ([`PgStore`]): every query of the runtime, with binds only (no SQL is
//! built from input), the migrations, and the LISTEN/NOTIFY channels. This module is the only
//! place in the runtime that knows SQL, sqlx or Postgres.

mod actions;
mod definitions;
mod error;
mod inspect;
mod list;
mod notify;
mod sql;
mod steps;
#[cfg(test)]
mod wake_tests;

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::Value;
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgConnection, Row};

/// The Postgres connection pool a [`PgStore`] runs on (sqlx's).
pub use sqlx::PgPool;

use super::{
    AttemptResult, Channel, ClaimedTask, NewExecution, Notifications, Settled, StepBatch,
    StepBatchError, StepPlanner, StepSelection, Store, TaskDefinition,
};
use crate::error::{Error, Result};
use crate::inspect::{HistoryEntry, InspectData, QueueStats, WorkerInfo, WorkerRegistration};
use crate::listing::ListPage;
use crate::model::{
    ActionFilter, Actor, AttemptState, CancelOutcome, Execution, Kind, ListFilter, Paused,
    QueuePause, Started, Status,
};
use definitions::task_definitions;
use definitions::{
    newest_workflow, register_task_definitions, upsert_workflow, workflow_version_exists,
};

/// The embedded migrations (`migrations/` at the repository root).
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// The channel new work is announced on (`NOTIFY rhythm_ready`, payload: queues).
pub const READY_CHANNEL: &str = "rhythm_ready";
/// The channel finished executions are announced on (`NOTIFY rhythm_done`, payload: ids
/// separated by commas, or `*`).
pub const DONE_CHANNEL: &str = "rhythm_done";

/// The store on a Postgres database.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// A store on an existing pool.
    pub fn new(pool: PgPool) -> Self {
        PgStore { pool }
    }

    /// Connects to the database at `url` with a pool of up to `max_connections`.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        Ok(PgStore { pool })
    }

    /// The connection pool (for tools that measure Postgres itself, such as the bench).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait]
impl Store for PgStore {
    async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    async fn insert_executions(&self, new: &[NewExecution]) -> Result<Vec<Started>> {
        insert_executions(&self.pool, new).await
    }

    async fn upsert_workflow(&self, name: &str, version: &str, source: &str) -> Result<()> {
        upsert_workflow(&self.pool, name, version, source).await
    }

    async fn workflow_version_exists(&self, name: &str, version: &str) -> Result<bool> {
        workflow_version_exists(&self.pool, name, version).await
    }

    async fn newest_workflow(&self, name: &str) -> Result<Option<String>> {
        newest_workflow(&self.pool, name).await
    }

    async fn register_task_definitions(&self, definitions: &[TaskDefinition]) -> Result<()> {
        register_task_definitions(&self.pool, definitions).await
    }

    async fn task_definitions(&self, names: &[String]) -> Result<Vec<TaskDefinition>> {
        let mut conn = self.pool.acquire().await?;
        task_definitions(&mut conn, Some(names)).await
    }

    async fn send_signal(&self, id: &str, name: &str, payload: &Value) -> Result<i64> {
        send_signal(&self.pool, id, name, payload).await
    }

    async fn cancel(&self, id: &str) -> Result<CancelOutcome> {
        cancel(&self.pool, id).await
    }

    async fn get(&self, id: &str) -> Result<Execution> {
        get(&self.pool, id).await
    }

    async fn list(&self, filter: &ListFilter) -> Result<ListPage> {
        list::list(&self.pool, filter).await
    }

    async fn claim_tasks(
        &self,
        queues: &[String],
        names: &[String],
        limit: usize,
        worker_id: &str,
        lease_ms: i64,
    ) -> Result<Vec<ClaimedTask>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        claim_tasks(&self.pool, queues, names, limit, worker_id, lease_ms).await
    }

    async fn settle_attempts(&self, worker_id: &str, results: &[AttemptResult]) -> Result<Settled> {
        settle_attempts(&self.pool, worker_id, results).await
    }

    async fn heartbeat(
        &self,
        worker_id: &str,
        ids: &[String],
        lease_ms: i64,
    ) -> Result<Vec<String>> {
        heartbeat(&self.pool, worker_id, ids, lease_ms).await
    }

    async fn release_attempts(&self, worker_id: &str, ids: &[String]) -> Result<u64> {
        release_attempts(&self.pool, worker_id, ids).await
    }

    async fn reap_expired(&self, limit: usize) -> Result<Settled> {
        reap_expired(&self.pool, i64::try_from(limit).unwrap_or(i64::MAX)).await
    }

    async fn fire_timers(&self, limit: usize) -> Result<u64> {
        steps::fire_timers(&self.pool, i64::try_from(limit).unwrap_or(i64::MAX)).await
    }

    async fn run_step_batch(
        &self,
        which: StepSelection<'_>,
        planner: &dyn StepPlanner,
    ) -> std::result::Result<StepBatch, StepBatchError> {
        steps::run_step_batch(&self.pool, which, planner).await
    }

    async fn fail_workflow(&self, id: &str, error: Value) -> Result<bool> {
        steps::fail_workflow(&self.pool, id, error).await
    }

    async fn retry(&self, id: &str, actor: &Actor) -> Result<()> {
        actions::retry(&self.pool, id, actor).await
    }

    async fn pause(&self, id: &str, actor: &Actor) -> Result<u64> {
        actions::pause(&self.pool, id, actor).await
    }

    async fn resume(&self, id: &str, actor: &Actor) -> Result<u64> {
        actions::resume(&self.pool, id, actor).await
    }

    async fn pause_queue(&self, queue: &str, actor: &Actor) -> Result<()> {
        actions::pause_queue(&self.pool, queue, actor).await
    }

    async fn resume_queue(&self, queue: &str, actor: &Actor) -> Result<()> {
        actions::resume_queue(&self.pool, queue, actor).await
    }

    async fn paused_queues(&self) -> Result<Vec<QueuePause>> {
        actions::paused_queues(&self.pool).await
    }

    async fn select_ids(
        &self,
        filter: &ActionFilter,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<String>> {
        actions::select_ids(&self.pool, filter, after, limit).await
    }

    async fn count_ids(&self, filter: &ActionFilter) -> Result<u64> {
        actions::count_ids(&self.pool, filter).await
    }

    async fn inspect_data(
        &self,
        id: &str,
        log_limit: i64,
        history_limit: i64,
    ) -> Result<InspectData> {
        inspect::inspect_data(&self.pool, id, log_limit, history_limit).await
    }

    async fn history(&self, id: &str, limit: i64) -> Result<Vec<HistoryEntry>> {
        get(&self.pool, id).await?;
        inspect::history(&self.pool, id, limit).await
    }

    async fn register_worker(&self, worker: &WorkerRegistration) -> Result<()> {
        inspect::register_worker(&self.pool, worker).await
    }

    async fn worker_heartbeat(&self, id: &str) -> Result<bool> {
        inspect::worker_heartbeat(&self.pool, id).await
    }

    async fn stop_worker(&self, id: &str) -> Result<()> {
        inspect::stop_worker(&self.pool, id).await
    }

    async fn workers(&self, recent_secs: i64) -> Result<Vec<WorkerInfo>> {
        inspect::workers(&self.pool, recent_secs).await
    }

    async fn queues(&self) -> Result<Vec<QueueStats>> {
        inspect::queues(&self.pool).await
    }

    async fn listen(&self, channels: &[Channel]) -> Result<Box<dyn Notifications>> {
        Ok(Box::new(
            notify::PgNotifications::listen(&self.pool, channels).await?,
        ))
    }
}

fn count(row: &sqlx::postgres::PgRow, col: &str) -> Result<u64> {
    let n: i64 = row.try_get(col)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

fn map_insert_error(e: sqlx::Error, first_id: &str) -> Error {
    if let sqlx::Error::Database(db) = &e
        && db.constraint() == Some("rhythm_executions_pkey")
    {
        return Error::DuplicateId(first_id.to_owned());
    }
    Error::from(e)
}

/// Inserts executions with their first ready row, honouring idempotency keys. The result is
/// in input order.
async fn insert_executions(pool: &PgPool, new: &[NewExecution]) -> Result<Vec<Started>> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = pool.acquire().await?;
    insert_executions_on(&mut conn, new).await
}

/// [`insert_executions`] on a given connection (inside the caller's transaction, if any).
pub(super) async fn insert_executions_on(
    conn: &mut PgConnection,
    new: &[NewExecution],
) -> Result<Vec<Started>> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids = Vec::with_capacity(new.len());
    let mut kinds = Vec::with_capacity(new.len());
    let mut names = Vec::with_capacity(new.len());
    let mut inputs = Vec::with_capacity(new.len());
    let mut queues = Vec::with_capacity(new.len());
    let mut priorities = Vec::with_capacity(new.len());
    let mut keys = Vec::with_capacity(new.len());
    let mut max_attempts = Vec::with_capacity(new.len());
    let mut backoffs = Vec::with_capacity(new.len());
    let mut timeouts = Vec::with_capacity(new.len());
    let mut delays = Vec::with_capacity(new.len());
    let mut hashes = Vec::with_capacity(new.len());
    let mut parents = Vec::with_capacity(new.len());
    let mut parent_handles = Vec::with_capacity(new.len());
    let mut parent_attempts = Vec::with_capacity(new.len());
    for n in new {
        ids.push(n.id.clone());
        kinds.push(n.kind.as_str().to_owned());
        names.push(n.name.clone());
        inputs.push(n.inputs.clone());
        queues.push(n.queue.clone());
        priorities.push(n.priority);
        keys.push(n.idempotency_key.clone());
        max_attempts.push(n.max_attempts);
        backoffs.push(n.backoff_ms);
        timeouts.push(n.timeout_ms);
        delays.push(n.delay_ms);
        hashes.push(n.content_hash.clone());
        parents.push(n.parent_id.clone());
        parent_handles.push(n.parent_handle);
        parent_attempts.push(n.parent_attempt);
    }
    let row = sqlx::query(sql::INSERT_EXECUTIONS)
        .bind(&ids)
        .bind(&kinds)
        .bind(&names)
        .bind(&inputs)
        .bind(&queues)
        .bind(&priorities)
        .bind(&keys)
        .bind(&max_attempts)
        .bind(&backoffs)
        .bind(&timeouts)
        .bind(&delays)
        .bind(&hashes)
        .bind(&parents)
        .bind(&parent_handles)
        .bind(&parent_attempts)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| map_insert_error(e, &ids[0]))?;
    let created: Vec<String> = row.try_get("created")?;
    let created: std::collections::HashSet<String> = created.into_iter().collect();

    // Starts whose idempotency key existed already: find the first execution of each key.
    let mut existing: HashMap<(Kind, String), String> = HashMap::new();
    for kind in [Kind::Task, Kind::Workflow] {
        let wanted: Vec<String> = new
            .iter()
            .filter(|n| n.kind == kind && !created.contains(&n.id))
            .filter_map(|n| n.idempotency_key.clone())
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let rows = sqlx::query(sql::IDS_BY_IDEMPOTENCY_KEY)
            .bind(kind.as_str())
            .bind(&wanted)
            .fetch_all(&mut *conn)
            .await?;
        for r in rows {
            existing.insert((kind, r.try_get("idempotency_key")?), r.try_get("id")?);
        }
    }
    new.iter()
        .map(|n| {
            if created.contains(&n.id) {
                return Ok(Started {
                    id: n.id.clone(),
                    created: true,
                });
            }
            n.idempotency_key
                .as_ref()
                .and_then(|k| existing.get(&(n.kind, k.clone())))
                .map(|id| Started {
                    id: id.clone(),
                    created: false,
                })
                .ok_or_else(|| Error::DuplicateId(n.id.clone()))
        })
        .collect()
}

/// Claims up to `limit` due attempts of tasks named in `names`, from `queues` in the order
/// given (the next queue only when the previous one has fewer than `limit` due).
async fn claim_tasks(
    pool: &PgPool,
    queues: &[String],
    names: &[String],
    limit: i64,
    worker_id: &str,
    lease_ms: i64,
) -> Result<Vec<ClaimedTask>> {
    let mut claimed = Vec::new();
    for queue in queues {
        let want = limit - i64::try_from(claimed.len()).unwrap_or(limit);
        if want <= 0 {
            break;
        }
        let rows = sqlx::query(sql::CLAIM_TASKS)
            .bind(queue)
            .bind(names)
            .bind(want)
            .bind(worker_id)
            .bind(lease_ms)
            .fetch_all(pool)
            .await?;
        for r in &rows {
            claimed.push(claimed_task(r)?);
        }
    }
    Ok(claimed)
}

fn claimed_task(r: &sqlx::postgres::PgRow) -> Result<ClaimedTask> {
    {
        Ok(ClaimedTask {
            execution_id: r.try_get("id")?,
            name: r.try_get("name")?,
            inputs: r.try_get("inputs")?,
            attempt: r.try_get("attempt")?,
            max_attempts: r.try_get("max_attempts")?,
            timeout_ms: r.try_get("timeout_ms")?,
        })
    }
}

/// Records finished attempts of a worker: completions in one statement, failures in another.
async fn settle_attempts(
    pool: &PgPool,
    worker_id: &str,
    results: &[AttemptResult],
) -> Result<Settled> {
    let mut settled = Settled::default();
    let (ok, failed): (Vec<&AttemptResult>, Vec<&AttemptResult>) =
        results.iter().partition(|r| r.outcome.is_ok());
    if !ok.is_empty() {
        let ids: Vec<&str> = ok.iter().map(|r| r.execution_id.as_str()).collect();
        let attempts: Vec<i32> = ok.iter().map(|r| r.attempt).collect();
        let outputs: Vec<&Value> = ok.iter().filter_map(|r| r.outcome.as_ref().ok()).collect();
        let row = sqlx::query(sql::COMPLETE_ATTEMPTS)
            .bind(&ids)
            .bind(&attempts)
            .bind(&outputs)
            .bind(worker_id)
            .fetch_one(pool)
            .await?;
        settled.completed = count(&row, "completed")?;
    }
    if !failed.is_empty() {
        let mut ids = Vec::new();
        let mut attempts = Vec::new();
        let mut errors = Vec::new();
        let mut retryable = Vec::new();
        for r in &failed {
            if let Err((error, may_retry)) = &r.outcome {
                ids.push(r.execution_id.as_str());
                attempts.push(r.attempt);
                errors.push(error);
                retryable.push(*may_retry);
            }
        }
        let row = sqlx::query(sql::FAIL_ATTEMPTS)
            .bind(&ids)
            .bind(&attempts)
            .bind(&errors)
            .bind(&retryable)
            .bind(worker_id)
            .fetch_one(pool)
            .await?;
        settled.failed = count(&row, "failed")?;
        settled.retried = count(&row, "retried")?;
    }
    Ok(settled)
}

/// Settles up to `limit` attempts whose lease expired or whose deadline passed.
async fn reap_expired(pool: &PgPool, limit: i64) -> Result<Settled> {
    let row = sqlx::query(sql::REAP_ATTEMPTS)
        .bind(limit)
        .bind(sql::MAX_TAKEOVERS)
        .fetch_one(pool)
        .await?;
    Ok(Settled {
        completed: 0,
        failed: count(&row, "failed")?,
        retried: count(&row, "retried")?,
    })
}

/// Extends a worker's leases; returns the attempts it still holds.
async fn heartbeat(
    pool: &PgPool,
    worker_id: &str,
    ids: &[String],
    lease_ms: i64,
) -> Result<Vec<String>> {
    let rows = sqlx::query(sql::HEARTBEAT)
        .bind(worker_id)
        .bind(ids)
        .bind(lease_ms)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| Ok(r.try_get("execution_id")?))
        .collect()
}

/// Gives a worker's attempts back to the queue; returns how many went back.
async fn release_attempts(pool: &PgPool, worker_id: &str, ids: &[String]) -> Result<u64> {
    let row = sqlx::query(sql::RELEASE_ATTEMPTS)
        .bind(worker_id)
        .bind(ids)
        .fetch_one(pool)
        .await?;
    count(&row, "released")
}

/// Cancels a task at once (with what it started), or asks a workflow to cancel.
///
/// Like `send_signal`, queues (or locks) a workflow's step before `REQUEST_CANCEL` locks the
/// execution, in one transaction, so a cancel sent during a step waits for it instead of
/// deadlocking with it; a deadlock that still happens rolls back and is retried.
async fn cancel(pool: &PgPool, id: &str) -> Result<CancelOutcome> {
    let mut tries = 0u64;
    loop {
        tries += 1;
        let r = cancel_once(pool, id).await;
        match r.as_ref().err().and_then(error::deadlock) {
            Some(e) if tries < 5 => {
                tracing::debug!("cancel: deadlock, retrying: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(10 * tries)).await;
            }
            _ => return r,
        }
    }
}

/// One attempt of [`cancel`], in one transaction.
async fn cancel_once(pool: &PgPool, id: &str) -> Result<CancelOutcome> {
    let mut tx = pool.begin().await?;
    sqlx::query(sql::QUEUE_STEP)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let outcome = cancel_on(&mut tx, id).await?;
    match outcome {
        CancelOutcome::Requested | CancelOutcome::Cancelled => tx.commit().await?,
        // Nothing to cancel: no step to queue either.
        CancelOutcome::AlreadyFinished(_) => tx.rollback().await?,
    }
    Ok(outcome)
}

/// [`cancel`] on a given connection (inside the caller's transaction, if any).
async fn cancel_on(conn: &mut PgConnection, id: &str) -> Result<CancelOutcome> {
    let row = sqlx::query(sql::REQUEST_CANCEL)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::NotFound(id.to_owned()))?;
    if row.try_get::<bool, _>("requested")? {
        return Ok(CancelOutcome::Requested);
    }
    let kind: String = row.try_get("kind")?;
    if Kind::from_str(&kind)? == Kind::Workflow {
        return Ok(CancelOutcome::AlreadyFinished(status_of(&row, "status")?));
    }
    cancel_task(conn, id).await
}

async fn cancel_task(conn: &mut PgConnection, id: &str) -> Result<CancelOutcome> {
    let row = sqlx::query(sql::CANCEL)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::NotFound(id.to_owned()))?;
    if row.try_get::<bool, _>("cancelled")? {
        return Ok(CancelOutcome::Cancelled);
    }
    // Not cancelled: it was terminal already, or became terminal concurrently.
    let status = status_on(conn, id).await?;
    if status.is_terminal() {
        Ok(CancelOutcome::AlreadyFinished(status))
    } else {
        // Raced with a retry or step that held the row: try once more.
        let row = sqlx::query(sql::CANCEL)
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
        if row.try_get::<bool, _>("cancelled")? {
            Ok(CancelOutcome::Cancelled)
        } else {
            Ok(CancelOutcome::AlreadyFinished(status_of(&row, "before")?))
        }
    }
}

fn status_of(row: &sqlx::postgres::PgRow, col: &str) -> Result<Status> {
    let s: String = row.try_get(col)?;
    Status::from_str(&s)
}

/// The status of an execution.
async fn status_on(conn: &mut PgConnection, id: &str) -> Result<Status> {
    let row = sqlx::query(sql::STATUS)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::NotFound(id.to_owned()))?;
    status_of(&row, "status")
}

/// Buffers a signal; returns its sequence number.
///
/// Locks in the order a step does — the workflow's ready row (queued here first), then the
/// execution — so a signal sent while a step runs waits for the step instead of deadlocking with
/// it (the `SEND_SIGNAL` statement alone locks the execution `FOR SHARE` first, then waits for
/// the ready row a step holds while the step waits for the execution). A deadlock that still
/// happens rolls everything back, so it is retried.
async fn send_signal(pool: &PgPool, id: &str, name: &str, payload: &Value) -> Result<i64> {
    let mut tries = 0u64;
    let row = loop {
        tries += 1;
        let r = send_signal_once(pool, id, name, payload).await;
        match r.as_ref().err().and_then(error::deadlock) {
            Some(e) if tries < 5 => {
                tracing::debug!("send_signal: deadlock, retrying: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(10 * tries)).await;
            }
            _ => break r?,
        }
    }
    .ok_or_else(|| Error::NotFound(id.to_owned()))?;
    if let Some(seq) = row.try_get::<Option<i64>, _>("seq")? {
        return Ok(seq);
    }
    let kind: String = row.try_get("kind")?;
    if Kind::from_str(&kind)? == Kind::Task {
        return Err(Error::NotAWorkflow(id.to_owned()));
    }
    Err(Error::Finished {
        id: id.to_owned(),
        status: status_of(&row, "status")?,
    })
}

/// One attempt of `send_signal`, in one transaction.
async fn send_signal_once(
    pool: &PgPool,
    id: &str,
    name: &str,
    payload: &Value,
) -> Result<Option<sqlx::postgres::PgRow>> {
    let mut tx = pool.begin().await?;
    sqlx::query(sql::QUEUE_STEP)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let row = sqlx::query(sql::SEND_SIGNAL)
        .bind(id)
        .bind(name)
        .bind(payload)
        .fetch_optional(&mut *tx)
        .await?;
    let stored = match &row {
        Some(r) => r.try_get::<Option<i64>, _>("seq")?.is_some(),
        None => false,
    };
    if stored {
        tx.commit().await?;
    } else {
        // Refused (unknown, a task, or finished meanwhile): no step to queue either.
        tx.rollback().await?;
    }
    Ok(row)
}

/// The queued (`ready_attempt`, `run_at`) or leased (`leased_attempt`, `worker_id`,
/// `lease_expires_at`, `deadline_at`) attempt of a row that joins `rhythm_ready` and
/// `rhythm_attempts` (a leased attempt wins).
pub(super) fn attempt_of(r: &sqlx::postgres::PgRow) -> Result<Option<AttemptState>> {
    let ready_attempt: Option<i32> = r.try_get("ready_attempt")?;
    let leased_attempt: Option<i32> = r.try_get("leased_attempt")?;
    Ok(match (leased_attempt, ready_attempt) {
        (Some(attempt), _) => Some(AttemptState::Leased {
            attempt,
            worker_id: r.try_get("worker_id")?,
            lease_expires_at: r.try_get("lease_expires_at")?,
            deadline_at: r.try_get("deadline_at")?,
        }),
        (None, Some(attempt)) => Some(AttemptState::Queued {
            attempt,
            run_at: r.try_get("run_at")?,
        }),
        (None, None) => None,
    })
}

/// One execution.
async fn get(pool: &PgPool, id: &str) -> Result<Execution> {
    let r = sqlx::query(sql::GET_EXECUTION)
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| Error::NotFound(id.to_owned()))?;
    let kind: String = r.try_get("kind")?;
    let attempt = attempt_of(&r)?;
    Ok(Execution {
        id: r.try_get("id")?,
        kind: Kind::from_str(&kind)?,
        name: r.try_get("name")?,
        status: status_of(&r, "status")?,
        inputs: r.try_get("inputs")?,
        output: r.try_get("output")?,
        error: r.try_get("error")?,
        parent_id: r.try_get("parent_id")?,
        queue: r.try_get("queue")?,
        priority: r.try_get("priority")?,
        content_hash: r.try_get("content_hash")?,
        created_at: r.try_get("created_at")?,
        completed_at: r.try_get("completed_at")?,
        attempt,
        waiting_for_signals: r.try_get("signal_waits")?,
        paused: paused_of(&r)?,
    })
}

/// The pause of an execution row (`paused`: `{"by", "reason", "at"}`), if paused.
pub(super) fn paused_of(r: &sqlx::postgres::PgRow) -> Result<Option<Paused>> {
    let v: Option<Value> = r.try_get("paused")?;
    v.map(|v| {
        serde_json::from_value(v.clone()).map_err(|_| Error::Corrupt {
            what: "paused",
            value: v.to_string(),
        })
    })
    .transpose()
}
