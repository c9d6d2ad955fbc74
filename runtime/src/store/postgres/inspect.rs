//! The inspector's reads and the worker registry on Postgres. Plain `SELECT`s (no row locks,
//! so a worker never waits on an inspection) and single-row upserts of `rhythm_workers`.

use chrono::{DateTime, Utc};
use sqlx::{PgPool, Row};

use super::{attempt_of, get, status_of};
use crate::error::Result;
use crate::inspect::{
    ChildExecution, HistoryEntry, InspectData, LogLine, QueueStats, WORKER_LOST_AFTER_SECS,
    WorkerInfo, WorkerRegistration,
};

/// A workflow version's source and first registration.
const VERSION: &str = r#"
SELECT source, first_seen_at FROM rhythm_workflow_definitions WHERE name = $1 AND content_hash = $2
"#;

/// A waiting workflow's saved state.
const STATE: &str = "SELECT state FROM rhythm_workflow_state WHERE execution_id = $1";

/// What an execution started, with each one's queued or leased attempt.
const CHILDREN: &str = r#"
SELECT e.id, e.kind, e.name, e.status, e.queue, e.parent_handle, e.created_at, e.error,
       r.attempt AS ready_attempt, r.run_at,
       a.attempt AS leased_attempt, a.worker_id, a.lease_expires_at, a.deadline_at
FROM rhythm_executions e
LEFT JOIN rhythm_ready r ON r.execution_id = e.id
LEFT JOIN rhythm_attempts a ON a.execution_id = e.id
WHERE e.parent_id = $1
ORDER BY e.created_at, e.id
LIMIT $2
"#;

/// The newest `$2` log lines of an execution, oldest first.
const LOGS: &str = r#"
SELECT seq, created_at, level, message FROM (
    SELECT seq, created_at, level, message FROM rhythm_logs
    WHERE execution_id = $1 ORDER BY seq DESC LIMIT $2
) l ORDER BY seq
"#;

/// The newest `$2` events of an execution's history, oldest first: the rows of
/// `rhythm_history` merged with what the execution's own rows record (its start, its attempt in
/// flight, its successful last attempt, its end), which are not written twice. The start comes
/// first and the end last by definition (their times come from the transactions' start, which
/// can precede a row written later in the same transaction); stored rows in `seq` order; the
/// attempt in flight or the last, successful attempt after them.
const HISTORY: &str = r#"
SELECT at, type, data FROM (
    SELECT created_at AS at, 0 AS rank, 0::int8 AS seq, 'started' AS type,
           jsonb_strip_nulls(jsonb_build_object(
               'kind', kind, 'name', name, 'queue', queue, 'version', content_hash,
               'parent_id', parent_id, 'idempotency_key', idempotency_key)) AS data
    FROM rhythm_executions WHERE id = $1
    UNION ALL
    SELECT * FROM (
        SELECT at, 1, seq, type, data FROM rhythm_history
        WHERE execution_id = $1 ORDER BY seq DESC LIMIT $2
    ) stored
    UNION ALL
    SELECT claimed_at, 2, 0, 'attempt_claimed',
           jsonb_build_object('attempt', attempt, 'worker_id', worker_id,
                              'lease_expires_at', lease_expires_at)
    FROM rhythm_attempts WHERE execution_id = $1
    UNION ALL
    SELECT completed_at, 3, 0, 'attempt_completed',
           jsonb_build_object('attempt', last_attempt, 'worker_id', last_worker_id,
                              'claimed_at', last_claimed_at)
    FROM rhythm_executions WHERE id = $1 AND last_attempt IS NOT NULL
    UNION ALL
    SELECT completed_at, 4, 0, status,
           CASE WHEN error IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('error', error) END
    FROM rhythm_executions
    WHERE id = $1 AND status IN ('completed', 'failed', 'cancelled') AND completed_at IS NOT NULL
) h
ORDER BY CASE rank WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 4 THEN 3 ELSE 2 END DESC, seq DESC, at DESC
LIMIT $2
"#;

/// Workers not stopped for more than `$1` seconds (and not lost for more than that).
const WORKERS: &str = r#"
SELECT id, host, pid, queues, tasks, workflows, sdk, version, started_at, heartbeat_at,
       stopped_at, extract(epoch FROM now() - heartbeat_at)::float8 AS age
FROM rhythm_workers
WHERE coalesce(stopped_at, heartbeat_at) > now() - $1 * interval '1 second'
ORDER BY started_at, id
"#;

/// Registers (or re-registers) a worker.
const REGISTER_WORKER: &str = r#"
INSERT INTO rhythm_workers (id, host, pid, queues, tasks, workflows, sdk, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid,
    queues = excluded.queues, tasks = excluded.tasks, workflows = excluded.workflows,
    sdk = excluded.sdk, version = excluded.version, heartbeat_at = now(), stopped_at = NULL
"#;

/// A worker's heartbeat; also forgets workers gone for a day (one worker's heartbeat at a time
/// does it, cheaply, since the table is small).
const WORKER_HEARTBEAT: &str = r#"
WITH beat AS (
    UPDATE rhythm_workers SET heartbeat_at = now() WHERE id = $1 RETURNING id
), old AS (
    DELETE FROM rhythm_workers
    WHERE coalesce(stopped_at, heartbeat_at) < now() - interval '1 day' AND id <> $1
)
SELECT count(*) AS n FROM beat
"#;

/// A worker's graceful stop.
const STOP_WORKER: &str = "UPDATE rhythm_workers SET stopped_at = now() WHERE id = $1";

/// Per queue: due entries and their oldest age, delayed entries, attempts in flight.
const QUEUES: &str = r#"
WITH ready AS (
    SELECT queue, count(*) FILTER (WHERE run_at <= now()) AS ready,
           extract(epoch FROM now() - min(run_at) FILTER (WHERE run_at <= now()))::float8 AS oldest,
           count(*) FILTER (WHERE run_at > now()) AS delayed
    FROM rhythm_ready GROUP BY queue
), flight AS (
    SELECT e.queue, count(*) AS in_flight
    FROM rhythm_attempts a JOIN rhythm_executions e ON e.id = a.execution_id
    GROUP BY e.queue
)
SELECT coalesce(r.queue, f.queue) AS queue, coalesce(r.ready, 0) AS ready, r.oldest,
       coalesce(r.delayed, 0) AS delayed, coalesce(f.in_flight, 0) AS in_flight
FROM ready r FULL JOIN flight f ON f.queue = r.queue
ORDER BY 1
"#;

/// Everything the inspector needs about one execution.
pub(super) async fn inspect_data(
    pool: &PgPool,
    id: &str,
    log_limit: i64,
    history_limit: i64,
) -> Result<InspectData> {
    let execution = get(pool, id).await?;
    let (mut source, mut first_seen) = (None, None);
    if let Some(hash) = &execution.content_hash
        && let Some(r) = sqlx::query(VERSION)
            .bind(&execution.name)
            .bind(hash)
            .fetch_optional(pool)
            .await?
    {
        source = Some(r.try_get::<String, _>("source")?);
        first_seen = Some(r.try_get::<DateTime<Utc>, _>("first_seen_at")?);
    }
    let state: Option<Vec<u8>> = sqlx::query_scalar(STATE)
        .bind(id)
        .fetch_optional(pool)
        .await?;
    let mut children = Vec::new();
    for r in sqlx::query(CHILDREN)
        .bind(id)
        .bind(1000_i64)
        .fetch_all(pool)
        .await?
    {
        let kind: String = r.try_get("kind")?;
        children.push(ChildExecution {
            id: r.try_get("id")?,
            kind: kind.parse()?,
            name: r.try_get("name")?,
            status: status_of(&r, "status")?,
            queue: r.try_get("queue")?,
            parent_handle: r.try_get("parent_handle")?,
            created_at: r.try_get("created_at")?,
            attempt: attempt_of(&r)?,
            error: r.try_get("error")?,
        });
    }
    let mut logs = Vec::new();
    for r in sqlx::query(LOGS)
        .bind(id)
        .bind(log_limit)
        .fetch_all(pool)
        .await?
    {
        logs.push(LogLine {
            seq: r.try_get("seq")?,
            at: r.try_get("created_at")?,
            level: r.try_get("level")?,
            message: r.try_get("message")?,
        });
    }
    let history = history(pool, id, history_limit).await?;
    let workers = workers(pool, 60).await?;
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(pool).await?;
    Ok(InspectData {
        execution,
        source,
        version_first_seen: first_seen,
        state,
        children,
        logs,
        history,
        workers,
        now,
        paused_queues: super::actions::paused_queues(pool).await?,
    })
}

/// The newest `limit` events of an execution's history, oldest first, numbered from 1 in that
/// order.
pub(super) async fn history(pool: &PgPool, id: &str, limit: i64) -> Result<Vec<HistoryEntry>> {
    let rows = sqlx::query(HISTORY)
        .bind(id)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows.iter().rev() {
        out.push(HistoryEntry {
            seq: 0,
            at: r.try_get("at")?,
            kind: r.try_get("type")?,
            data: r.try_get("data")?,
        });
    }
    for (i, h) in out.iter_mut().enumerate() {
        h.seq = i as i64 + 1;
    }
    Ok(out)
}

/// Workers seen within `recent_secs`.
pub(super) async fn workers(pool: &PgPool, recent_secs: i64) -> Result<Vec<WorkerInfo>> {
    let rows = sqlx::query(WORKERS)
        .bind(recent_secs as f64)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(WorkerInfo {
                id: r.try_get("id")?,
                host: r.try_get("host")?,
                pid: r.try_get("pid")?,
                queues: r.try_get("queues")?,
                tasks: r.try_get("tasks")?,
                workflows: r.try_get("workflows")?,
                sdk: r.try_get("sdk")?,
                version: r.try_get("version")?,
                started_at: r.try_get("started_at")?,
                heartbeat_at: r.try_get("heartbeat_at")?,
                stopped_at: r.try_get("stopped_at")?,
                heartbeat_age_secs: r.try_get("age")?,
                live: r
                    .try_get::<Option<DateTime<Utc>>, _>("stopped_at")?
                    .is_none()
                    && r.try_get::<f64, _>("age")? < WORKER_LOST_AFTER_SECS as f64,
            })
        })
        .collect()
}

/// Registers a worker.
pub(super) async fn register_worker(pool: &PgPool, w: &WorkerRegistration) -> Result<()> {
    sqlx::query(REGISTER_WORKER)
        .bind(&w.id)
        .bind(&w.host)
        .bind(w.pid)
        .bind(&w.queues)
        .bind(&w.tasks)
        .bind(w.workflows)
        .bind(&w.sdk)
        .bind(&w.version)
        .execute(pool)
        .await?;
    Ok(())
}

/// A worker's heartbeat; whether it is still registered.
pub(super) async fn worker_heartbeat(pool: &PgPool, id: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(WORKER_HEARTBEAT)
        .bind(id)
        .fetch_one(pool)
        .await?;
    Ok(n > 0)
}

/// A worker's graceful stop.
pub(super) async fn stop_worker(pool: &PgPool, id: &str) -> Result<()> {
    sqlx::query(STOP_WORKER).bind(id).execute(pool).await?;
    Ok(())
}

/// Every queue with work, and every paused queue.
pub(super) async fn queues(pool: &PgPool) -> Result<Vec<QueueStats>> {
    let rows = sqlx::query(QUEUES).fetch_all(pool).await?;
    let mut paused: std::collections::BTreeMap<String, crate::model::Paused> =
        super::actions::paused_queues(pool)
            .await?
            .into_iter()
            .map(|q| (q.queue, q.paused))
            .collect();
    let mut stats = rows
        .iter()
        .map(|r| {
            let queue: String = r.try_get("queue")?;
            Ok(QueueStats {
                paused: paused.remove(&queue),
                queue,
                ready: r.try_get("ready")?,
                oldest_ready_age_secs: r.try_get("oldest")?,
                in_flight: r.try_get("in_flight")?,
                delayed: r.try_get("delayed")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    stats.extend(paused.into_iter().map(|(queue, p)| QueueStats {
        queue,
        ready: 0,
        oldest_ready_age_secs: None,
        in_flight: 0,
        delayed: 0,
        paused: Some(p),
    }));
    stats.sort_by(|a, b| a.queue.cmp(&b.queue));
    Ok(stats)
}
