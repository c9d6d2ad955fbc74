//! Operator actions on Postgres: retry, pause and resume of executions, pause and resume of
//! queues, and the selection behind their bulk forms. Each action is one transaction that
//! locks the execution (`FOR UPDATE`) before it checks what the action needs, and appends one
//! `rhythm_history` row per execution it changes. The statements come first.
//!
//! Lock order: an action locks the execution first, then ready rows. Steps never wait on an
//! execution (`SKIP LOCKED`); the task claim waits only on an execution that its snapshot
//! already saw paused (to re-check it), and a resume never waits on a ready row a claim holds
//! (see [`RESUME`]), so no action deadlocks with the hot path.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool, Row};

use crate::error::{Error, Result};
use crate::model::{ActionFilter, Actor, Paused, QueuePause};
use crate::validate;

/// Locks one execution for an action and reads what the action checks.
const LOCK: &str = r#"
SELECT kind, status, parent_id, paused IS NOT NULL AS paused FROM rhythm_executions
WHERE id = $1 FOR UPDATE
"#;

/// Appends one history row of type `$2` with data `$3` for each execution in `$1`.
const HISTORY: &str = r#"
INSERT INTO rhythm_history (execution_id, type, data)
SELECT id, $2, $3 FROM UNNEST($1::text[]) AS i(id)
"#;

/// Retries a failed standalone task `$1`: one more attempt allowed, queued now.
const RETRY_TASK: &str = r#"
WITH upd AS (
    UPDATE rhythm_executions
    SET status = 'running', completed_at = NULL, max_attempts = max_attempts + 1
    WHERE id = $1 AND kind = 'task' AND status = 'failed'
    RETURNING id, kind, name, queue, priority, max_attempts
), rdy AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT id, kind, name, queue, priority, now(), max_attempts FROM upd
    ON CONFLICT (execution_id) DO NOTHING
    RETURNING queue
)
SELECT (SELECT count(*) FROM upd) AS retried,
       (SELECT count(*) FROM (SELECT pg_notify('rhythm_ready', queue) FROM rdy) n) AS notified
"#;

/// The children of workflow `$1` that failed for good: per parent handle the newest child
/// (task attempt or child workflow), when it failed.
const FAILED_CHILDREN: &str = r#"
SELECT id, kind, parent_handle, parent_attempt FROM (
    SELECT DISTINCT ON (kind, parent_handle) id, kind, status, parent_handle, parent_attempt
    FROM rhythm_executions
    WHERE parent_id = $1 AND parent_handle IS NOT NULL
    ORDER BY kind, parent_handle, parent_attempt DESC NULLS LAST, created_at DESC
) c
WHERE status = 'failed'
"#;

/// Reopens failed workflow `$1` at the state it saved at its last await: drops the failure
/// reports of the children it retries (`$3`: their ids; they report again when they end),
/// queues the `retry` inbox event `$2` and a step.
const REOPEN_WORKFLOW: &str = r#"
WITH stale AS (
    DELETE FROM rhythm_inbox
    WHERE execution_id = $1 AND event->>'type' = 'child_finished'
      AND event->>'child_id' = ANY($3::text[])
), upd AS (
    UPDATE rhythm_executions SET status = 'running', error = NULL, completed_at = NULL
    WHERE id = $1 AND kind = 'workflow' AND status = 'failed'
    RETURNING id, kind, name, queue, priority
), ev AS (
    INSERT INTO rhythm_inbox (execution_id, event) SELECT id, $2 FROM upd
), rdy AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT id, kind, name, queue, priority, now(), 1 FROM upd
    ON CONFLICT (execution_id) DO UPDATE SET run_at = rhythm_ready.run_at
    RETURNING queue
)
SELECT (SELECT count(*) FROM upd) AS retried,
       (SELECT count(*) FROM (SELECT pg_notify('rhythm_ready', queue) FROM rdy) n) AS notified
"#;

/// Pauses execution `$1` and its live descendants not paused yet (`paused = $2`), and moves
/// their ready rows to `rhythm_held`. Returns the ids paused.
const PAUSE: &str = r#"
WITH RECURSIVE tree(id) AS (
    SELECT id FROM rhythm_executions WHERE id = $1
    UNION ALL
    SELECT c.id FROM rhythm_executions c JOIN tree t ON c.parent_id = t.id
), upd AS (
    UPDATE rhythm_executions e SET paused = $2
    FROM tree
    WHERE e.id = tree.id AND e.status IN ('running', 'waiting') AND e.paused IS NULL
    RETURNING e.id
), moved AS (
    DELETE FROM rhythm_ready r USING upd WHERE r.execution_id = upd.id
    RETURNING r.execution_id, r.kind, r.name, r.queue, r.priority, r.run_at, r.attempt
), held AS (
    INSERT INTO rhythm_held (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT * FROM moved
    ON CONFLICT (execution_id) DO NOTHING
)
SELECT coalesce((SELECT array_agg(id ORDER BY id) FROM upd), '{}'::text[]) AS ids
"#;

/// Resumes execution `$1` and its paused descendants: clears `paused`, moves their held rows
/// back to the queue (live executions only; a task cancelled meanwhile loses its row), and
/// queues a step for each live workflow among them without a held row (what arrived while it
/// was paused was kept; its wake-ups were dropped). An execution with a held row had no ready
/// row and no attempt in flight when it was paused, so putting its row back never meets a row
/// a claim holds. Returns the ids resumed.
pub(super) const RESUME: &str = r#"
WITH RECURSIVE tree(id) AS (
    SELECT id FROM rhythm_executions WHERE id = $1
    UNION ALL
    SELECT c.id FROM rhythm_executions c JOIN tree t ON c.parent_id = t.id
), upd AS (
    UPDATE rhythm_executions e SET paused = NULL
    FROM tree
    WHERE e.id = tree.id AND e.paused IS NOT NULL
    RETURNING e.id, e.kind, e.name, e.queue, e.priority, e.status
), back AS (
    DELETE FROM rhythm_held h USING upd WHERE h.execution_id = upd.id
    RETURNING h.execution_id, h.kind, h.name, h.queue, h.priority, h.run_at, h.attempt
), rdy AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT b.execution_id, b.kind, b.name, b.queue, b.priority, b.run_at, b.attempt
    FROM back b JOIN upd u ON u.id = b.execution_id
    WHERE u.status IN ('running', 'waiting')
    ON CONFLICT (execution_id) DO NOTHING
    RETURNING queue, run_at
), steps AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT id, 'workflow', name, queue, priority, now(), 1 FROM upd
    WHERE kind = 'workflow' AND status IN ('running', 'waiting')
      AND id NOT IN (SELECT execution_id FROM back)
    ORDER BY id
    ON CONFLICT (execution_id) DO UPDATE SET run_at = rhythm_ready.run_at
    RETURNING queue, run_at
)
SELECT coalesce((SELECT array_agg(id ORDER BY id) FROM upd), '{}'::text[]) AS ids,
       (SELECT count(*) FROM (
            SELECT pg_notify('rhythm_ready', s)
            FROM (SELECT string_agg(DISTINCT queue, ',') AS s
                  FROM (SELECT queue, run_at FROM rdy UNION ALL SELECT queue, run_at FROM steps) q
                  WHERE run_at <= now()) a
            WHERE s IS NOT NULL) n) AS notified
"#;

/// Pauses queue `$1` (by `$2`, reason `$3`); returns whether it was not paused before.
const PAUSE_QUEUE: &str = r#"
INSERT INTO rhythm_paused_queues (queue, paused_by, reason) VALUES ($1, $2, $3)
ON CONFLICT (queue) DO NOTHING
RETURNING queue
"#;

/// Resumes queue `$1` and wakes the workers; returns whether it was paused.
const RESUME_QUEUE: &str = r#"
WITH del AS (DELETE FROM rhythm_paused_queues WHERE queue = $1 RETURNING queue)
SELECT queue, (SELECT count(*) FROM (SELECT pg_notify('rhythm_ready', queue) FROM del) n) AS notified
FROM del
"#;

/// The paused queues.
const PAUSED_QUEUES: &str = r#"
SELECT queue, paused_by, reason, paused_at FROM rhythm_paused_queues ORDER BY queue
"#;

/// The filter of the bulk actions: name `$1`, status `$2`, created within `$3` ms, version
/// `$4` (each NULL: any).
macro_rules! action_filter {
    () => {
        r#"
WHERE ($1::text IS NULL OR name = $1) AND ($2::text IS NULL OR status = $2)
  AND ($3::int8 IS NULL OR created_at >= now() - $3 * interval '1 millisecond')
  AND ($4::text IS NULL OR content_hash = $4)
"#
    };
}

/// Up to `$6` ids matching the filter after id `$5`, in id order.
const SELECT_IDS: &str = concat!(
    "SELECT id FROM rhythm_executions",
    action_filter!(),
    "  AND ($5::text IS NULL OR id > $5)\nORDER BY id LIMIT $6"
);

/// How many executions match the filter.
const COUNT_IDS: &str = concat!("SELECT count(*) FROM rhythm_executions", action_filter!());

/// The longest reason an action takes, in characters.
const MAX_REASON_CHARS: usize = 4096;

/// Checks an actor (who is a name; the reason is free text without NUL, bounded).
fn check_actor(actor: &Actor) -> Result<()> {
    validate::name("actor", &actor.by)?;
    if let Some(r) = &actor.reason
        && (r.contains('\0') || r.chars().count() > MAX_REASON_CHARS)
    {
        return Err(Error::Invalid {
            what: "reason",
            reason: format!("at most {MAX_REASON_CHARS} characters, without NUL"),
        });
    }
    Ok(())
}

/// The history data of an action.
fn history_data(actor: &Actor) -> Value {
    json!({"by": actor.by, "reason": actor.reason})
}

fn refused(id: &str, reason: impl Into<String>) -> Error {
    Error::Refused {
        what: "execution",
        id: id.to_owned(),
        reason: reason.into(),
    }
}

/// Appends history rows of type `kind` for `ids`.
async fn history(conn: &mut PgConnection, ids: &[String], kind: &str, data: &Value) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query(HISTORY)
        .bind(ids)
        .bind(kind)
        .bind(data)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// What [`LOCK`] read.
struct Locked {
    kind: String,
    status: String,
    parent_id: Option<String>,
    paused: bool,
}

async fn lock(conn: &mut PgConnection, id: &str) -> Result<Locked> {
    let r = sqlx::query(LOCK)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::NotFound(id.to_owned()))?;
    Ok(Locked {
        kind: r.try_get("kind")?,
        status: r.try_get("status")?,
        parent_id: r.try_get("parent_id")?,
        paused: r.try_get("paused")?,
    })
}

/// Retries a failed execution (see [`crate::store::Store::retry`]).
pub(super) async fn retry(pool: &PgPool, id: &str, actor: &Actor) -> Result<()> {
    check_actor(actor)?;
    let mut tx = pool.begin().await?;
    let e = lock(&mut tx, id).await?;
    if e.status != "failed" {
        return Err(refused(
            id,
            format!("it is {}: only a failed execution can be retried", e.status),
        ));
    }
    if let (true, Some(parent)) = (e.kind == "task", &e.parent_id) {
        return Err(refused(
            id,
            format!("it is a task of workflow {parent}: retry the workflow"),
        ));
    }
    reopen(&mut tx, id, &e.kind, &history_data(actor)).await?;
    tx.commit().await?;
    Ok(())
}

/// Retries the failed child of workflow `parent` behind `handle`, inside a step's
/// transaction (after an operator retried the parent). A child no longer failed (retried
/// meanwhile) is left alone.
pub(super) async fn retry_child(conn: &mut PgConnection, parent: &str, handle: i64) -> Result<()> {
    let children: Vec<String> = sqlx::query_scalar(super::sql::CHILD_ID)
        .bind(parent)
        .bind(handle)
        .bind(None::<i32>)
        .fetch_all(&mut *conn)
        .await?;
    let data = json!({"by": format!("workflow {parent}"), "reason": "its parent was retried"});
    for child in children {
        let e = lock(conn, &child).await?;
        if e.status == "failed" && e.kind == "workflow" {
            reopen(conn, &child, &e.kind, &data).await?;
        }
    }
    Ok(())
}

/// Reopens locked failed execution `id` of `kind` and records it.
async fn reopen(conn: &mut PgConnection, id: &str, kind: &str, data: &Value) -> Result<()> {
    if kind == "task" {
        sqlx::query(RETRY_TASK)
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    } else {
        let rows = sqlx::query(FAILED_CHILDREN)
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
        let mut tasks = Vec::new();
        let mut children = Vec::new();
        let mut child_ids = Vec::new();
        for r in &rows {
            let kind: String = r.try_get("kind")?;
            let handle: Option<i64> = r.try_get("parent_handle")?;
            let Some(handle) = handle else { continue };
            if kind == "task" {
                let attempt: Option<i32> = r.try_get("parent_attempt")?;
                tasks.push(json!({"handle": handle, "attempt": attempt.unwrap_or(1)}));
            } else {
                children.push(json!(handle));
                child_ids.push(r.try_get::<String, _>("id")?);
            }
        }
        let event = json!({"type": "retry", "tasks": tasks, "children": children});
        sqlx::query(REOPEN_WORKFLOW)
            .bind(id)
            .bind(&event)
            .bind(&child_ids)
            .fetch_one(&mut *conn)
            .await?;
    }
    history(conn, &[id.to_owned()], "retried", data).await
}

/// Pauses an execution and its live descendants (see [`crate::store::Store::pause`]).
pub(super) async fn pause(pool: &PgPool, id: &str, actor: &Actor) -> Result<u64> {
    check_actor(actor)?;
    let mut tx = pool.begin().await?;
    let e = lock(&mut tx, id).await?;
    if !matches!(e.status.as_str(), "running" | "waiting") {
        return Err(refused(
            id,
            format!(
                "it has ended ({}): only a running or waiting execution can be paused",
                e.status
            ),
        ));
    }
    if e.paused {
        return Err(refused(id, "it is paused already"));
    }
    let paused = json!({"by": actor.by, "reason": actor.reason, "at": Utc::now()});
    let row = sqlx::query(PAUSE)
        .bind(id)
        .bind(&paused)
        .fetch_one(&mut *tx)
        .await?;
    let ids: Vec<String> = row.try_get("ids")?;
    history(&mut tx, &ids, "paused", &history_data(actor)).await?;
    tx.commit().await?;
    Ok(ids.len() as u64)
}

/// Resumes a paused execution and its paused descendants (see [`crate::store::Store::resume`]).
pub(super) async fn resume(pool: &PgPool, id: &str, actor: &Actor) -> Result<u64> {
    check_actor(actor)?;
    let mut tx = pool.begin().await?;
    let e = lock(&mut tx, id).await?;
    if !e.paused {
        return Err(refused(id, format!("it is {} and not paused", e.status)));
    }
    let row = sqlx::query(RESUME).bind(id).fetch_one(&mut *tx).await?;
    let ids: Vec<String> = row.try_get("ids")?;
    history(&mut tx, &ids, "resumed", &history_data(actor)).await?;
    tx.commit().await?;
    Ok(ids.len() as u64)
}

/// The history key of a queue action (`rhythm_history` rows are per execution; a queue's
/// actions are recorded under `queue:NAME`).
fn queue_key(queue: &str) -> String {
    format!("queue:{queue}")
}

/// Pauses a queue (see [`crate::store::Store::pause_queue`]).
pub(super) async fn pause_queue(pool: &PgPool, queue: &str, actor: &Actor) -> Result<()> {
    validate::name("queue", queue)?;
    check_actor(actor)?;
    let mut tx = pool.begin().await?;
    let row = sqlx::query(PAUSE_QUEUE)
        .bind(queue)
        .bind(&actor.by)
        .bind(&actor.reason)
        .fetch_optional(&mut *tx)
        .await?;
    if row.is_none() {
        return Err(Error::Refused {
            what: "queue",
            id: queue.to_owned(),
            reason: "it is paused already".to_owned(),
        });
    }
    history(
        &mut tx,
        &[queue_key(queue)],
        "queue_paused",
        &history_data(actor),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Resumes a queue (see [`crate::store::Store::resume_queue`]).
pub(super) async fn resume_queue(pool: &PgPool, queue: &str, actor: &Actor) -> Result<()> {
    validate::name("queue", queue)?;
    check_actor(actor)?;
    let mut tx = pool.begin().await?;
    let row = sqlx::query(RESUME_QUEUE)
        .bind(queue)
        .fetch_optional(&mut *tx)
        .await?;
    if row.is_none() {
        return Err(Error::Refused {
            what: "queue",
            id: queue.to_owned(),
            reason: "it is not paused".to_owned(),
        });
    }
    history(
        &mut tx,
        &[queue_key(queue)],
        "queue_resumed",
        &history_data(actor),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The paused queues.
pub(super) async fn paused_queues(pool: &PgPool) -> Result<Vec<QueuePause>> {
    let rows = sqlx::query(PAUSED_QUEUES).fetch_all(pool).await?;
    rows.iter()
        .map(|r| {
            let at: DateTime<Utc> = r.try_get("paused_at")?;
            Ok(QueuePause {
                queue: r.try_get("queue")?,
                paused: Paused {
                    by: r.try_get("paused_by")?,
                    reason: r.try_get("reason")?,
                    at,
                },
            })
        })
        .collect()
}

/// Binds the filter of [`SELECT_IDS`] and [`COUNT_IDS`].
fn filter_ms(filter: &ActionFilter) -> Result<Option<i64>> {
    filter
        .since
        .map(|d| validate::millis_i64("since", d))
        .transpose()
}

/// Ids matching a filter, in id order, after `after`.
pub(super) async fn select_ids(
    pool: &PgPool,
    filter: &ActionFilter,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(SELECT_IDS)
        .bind(filter.name.as_deref())
        .bind(filter.status.map(|s| s.as_str()))
        .bind(filter_ms(filter)?)
        .bind(filter.version.as_deref())
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

/// How many executions match a filter.
pub(super) async fn count_ids(pool: &PgPool, filter: &ActionFilter) -> Result<u64> {
    let n: i64 = sqlx::query_scalar(COUNT_IDS)
        .bind(filter.name.as_deref())
        .bind(filter.status.map(|s| s.as_str()))
        .bind(filter_ms(filter)?)
        .bind(filter.version.as_deref())
        .fetch_one(pool)
        .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}
