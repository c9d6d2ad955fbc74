//! Every SQL statement of the Postgres store, in one place. Each is one round trip and one
//! (implicit) transaction; each sends at most one NOTIFY.

/// Inserts executions (and their first ready row) from parallel arrays; idempotency-key
/// conflicts insert nothing. A task attempt started by a workflow carries the engine's attempt
/// number (the engine retries by starting a new attempt; each runs once here). Returns the created ids; notifies `rhythm_ready` once with the
/// queues of the rows due now.
pub(crate) const INSERT_EXECUTIONS: &str = r#"
WITH input AS (
    SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::int4[],
                         $7::text[], $8::int4[], $9::int4[], $10::int4[], $11::int8[], $12::text[],
                         $13::text[], $14::int8[], $15::int4[])
        AS i(id, kind, name, inputs, queue, priority, idempotency_key, max_attempts, backoff_ms,
             timeout_ms, delay_ms, content_hash, parent_id, parent_handle, parent_attempt)
), ins AS (
    INSERT INTO rhythm_executions (id, kind, name, status, inputs, queue, priority, idempotency_key,
                                   max_attempts, backoff_ms, timeout_ms, content_hash, parent_id,
                                   parent_handle, parent_attempt)
    SELECT id, kind, name, 'running', inputs, queue, priority, idempotency_key, max_attempts,
           backoff_ms, timeout_ms, content_hash, parent_id, parent_handle, parent_attempt
    FROM input
    ON CONFLICT (kind, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING id, kind, name, queue, priority
), rdy AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT ins.id, ins.kind, ins.name, ins.queue, ins.priority,
           now() + input.delay_ms * interval '1 millisecond', coalesce(input.parent_attempt, 1)
    FROM ins JOIN input ON input.id = ins.id
    RETURNING queue, run_at
)
SELECT coalesce((SELECT array_agg(id) FROM ins), '{}'::text[]) AS created,
       (SELECT count(*) FROM (
            SELECT pg_notify('rhythm_ready', s)
            FROM (SELECT string_agg(DISTINCT queue, ',') AS s FROM rdy WHERE run_at <= now()) a
            WHERE s IS NOT NULL) n) AS notified
"#;

/// The ids of executions of a kind with the given idempotency keys.
pub(crate) const IDS_BY_IDEMPOTENCY_KEY: &str = r#"
SELECT idempotency_key, id FROM rhythm_executions
WHERE kind = $1 AND idempotency_key = ANY($2::text[])
"#;

/// Claims up to `$3` due task attempts of queue `$1` and the names `$2` for worker `$4` with a
/// lease of `$5` ms: deletes their ready rows and inserts their in-flight rows. One queue per
/// statement: with `queue = ANY(...)` Postgres cannot walk the claim index in order and sorts
/// the whole backlog instead (2.4 s at 1M rows against 0.15 ms).
///
/// The claim commits with `synchronous_commit = off`: a claim lost in a crash only means the
/// attempt runs again, which at-least-once delivery allows anyway, and it spares a WAL flush
/// on the latency path. Starts and results stay synchronous.
pub(crate) const CLAIM_TASKS: &str = r#"
WITH async_commit AS (
    SELECT set_config('synchronous_commit', 'off', true)
), picked AS (
    SELECT execution_id FROM rhythm_ready
    WHERE kind = 'task' AND queue = $1 AND name = ANY($2::text[]) AND run_at <= now()
    ORDER BY priority DESC, run_at, seq
    LIMIT $3
    FOR UPDATE SKIP LOCKED
), del AS (
    DELETE FROM rhythm_ready r USING picked p
    WHERE r.execution_id = p.execution_id
    RETURNING r.execution_id, r.attempt
), ins AS (
    INSERT INTO rhythm_attempts (execution_id, attempt, worker_id, lease_expires_at, deadline_at)
    SELECT del.execution_id, del.attempt, $4, now() + $5 * interval '1 millisecond',
           now() + e.timeout_ms * interval '1 millisecond'
    FROM del JOIN rhythm_executions e ON e.id = del.execution_id
    RETURNING execution_id, attempt
)
SELECT e.id, e.name, e.inputs, ins.attempt, e.max_attempts, e.timeout_ms
FROM ins JOIN rhythm_executions e ON e.id = ins.execution_id
WHERE (SELECT count(*) FROM async_commit) = 1
"#;

/// Records successful attempts of worker `$4` (parallel arrays id, attempt, output). An
/// attempt that is no longer this worker's (cancelled, reaped, retried) is ignored; a terminal
/// execution never changes. Notifies `rhythm_done` once with the finished ids.
pub(crate) const COMPLETE_ATTEMPTS: &str = r#"
WITH input AS (
    SELECT * FROM UNNEST($1::text[], $2::int4[], $3::jsonb[]) AS i(execution_id, attempt, output)
), del AS (
    DELETE FROM rhythm_attempts a USING input i
    WHERE a.execution_id = i.execution_id AND a.attempt = i.attempt AND a.worker_id = $4
    RETURNING a.execution_id, i.output
), upd AS (
    UPDATE rhythm_executions e
    SET status = 'completed', output = del.output, error = NULL, completed_at = now()
    FROM del
    WHERE e.id = del.execution_id AND e.status IN ('running', 'waiting')
    RETURNING e.id, e.parent_id, e.parent_handle, e.parent_attempt, del.output
), inbox AS (
    INSERT INTO rhythm_inbox (execution_id, event)
    SELECT parent_id, jsonb_build_object('type', 'task_succeeded', 'handle', parent_handle,
                                         'attempt', parent_attempt, 'output', output)
    FROM upd WHERE parent_id IS NOT NULL
    RETURNING execution_id
), wake AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT p.id, p.kind, p.name, p.queue, p.priority, now(), 1
    FROM (SELECT DISTINCT execution_id FROM inbox) i JOIN rhythm_executions p ON p.id = i.execution_id
    WHERE p.status IN ('running', 'waiting')
    ON CONFLICT (execution_id) DO NOTHING
)
SELECT (SELECT count(*) FROM upd) AS completed,
       (SELECT count(*) FROM (
            SELECT pg_notify('rhythm_done', CASE WHEN length(s) > 7900 THEN '*' ELSE s END)
            FROM (SELECT string_agg(id, ',') AS s FROM upd) a
            WHERE s IS NOT NULL) n) AS notified
"#;

/// The shared tail of the statements that settle failed attempts. Expects a CTE `failed
/// (execution_id, attempt, error, retryable, immediate)` of deleted attempt rows. Retries what
/// may retry (a new ready row, after the backoff unless `immediate`), fails the rest; locks the
/// executions first so a concurrent cancel either wins (nothing retried) or sees the retry row.
macro_rules! settle_failures_tail {
    () => {
        r#"
, info AS (
    SELECT f.execution_id, f.attempt, f.error, e.kind, e.name, e.queue, e.priority,
           (f.retryable AND f.attempt < e.max_attempts) AS will_retry,
           CASE WHEN f.immediate THEN now() ELSE now() + rhythm_backoff(e.backoff_ms, f.attempt) END
               AS run_at
    FROM failed f JOIN rhythm_executions e ON e.id = f.execution_id
    WHERE e.status IN ('running', 'waiting')
    FOR UPDATE OF e
), retry AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT execution_id, kind, name, queue, priority, run_at, attempt + 1 FROM info WHERE will_retry
    RETURNING execution_id
), upd AS (
    UPDATE rhythm_executions e
    SET error = info.error,
        status = CASE WHEN info.will_retry THEN e.status ELSE 'failed' END,
        completed_at = CASE WHEN info.will_retry THEN NULL ELSE now() END
    FROM info
    WHERE e.id = info.execution_id
    RETURNING e.id, info.will_retry, e.parent_id, e.parent_handle, e.parent_attempt, info.error
), inbox AS (
    INSERT INTO rhythm_inbox (execution_id, event)
    SELECT parent_id, jsonb_build_object('type', 'task_failed', 'handle', parent_handle,
                                         'attempt', parent_attempt, 'error', error)
    FROM upd WHERE parent_id IS NOT NULL AND NOT will_retry
    RETURNING execution_id
), wake AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT p.id, p.kind, p.name, p.queue, p.priority, now(), 1
    FROM (SELECT DISTINCT execution_id FROM inbox) i JOIN rhythm_executions p ON p.id = i.execution_id
    WHERE p.status IN ('running', 'waiting')
    ON CONFLICT (execution_id) DO NOTHING
)
SELECT (SELECT count(*) FROM upd WHERE NOT will_retry) AS failed,
       (SELECT count(*) FROM retry) AS retried,
       (SELECT count(*) FROM (
            SELECT pg_notify('rhythm_done', CASE WHEN length(s) > 7900 THEN '*' ELSE s END)
            FROM (SELECT string_agg(id, ',') AS s FROM upd WHERE NOT will_retry) a
            WHERE s IS NOT NULL) n) AS notified
"#
    };
}

/// Records failed attempts of worker `$5` (parallel arrays id, attempt, error, retryable).
pub(crate) const FAIL_ATTEMPTS: &str = concat!(
    r#"
WITH input AS (
    SELECT * FROM UNNEST($1::text[], $2::int4[], $3::jsonb[], $4::bool[])
        AS i(execution_id, attempt, error, retryable)
), failed AS (
    DELETE FROM rhythm_attempts a USING input i
    WHERE a.execution_id = i.execution_id AND a.attempt = i.attempt AND a.worker_id = $5
    RETURNING a.execution_id, a.attempt, i.error, i.retryable, false AS immediate
)"#,
    settle_failures_tail!()
);

/// Takes up to `$1` attempts whose lease expired (worker gone) or whose deadline passed
/// (timeout), whichever worker held them, and settles them as retryable failures: a lost lease
/// is retried at once, a timeout after the backoff.
pub(crate) const REAP_ATTEMPTS: &str = concat!(
    r#"
WITH expired AS (
    SELECT execution_id FROM rhythm_attempts
    WHERE lease_expires_at < now() OR deadline_at < now()
    LIMIT $1
    FOR UPDATE SKIP LOCKED
), failed AS (
    DELETE FROM rhythm_attempts a USING expired x
    WHERE a.execution_id = x.execution_id
    RETURNING a.execution_id, a.attempt,
        CASE WHEN coalesce(a.deadline_at < now(), false)
            THEN jsonb_build_object('type', 'Timeout', 'message',
                 format('attempt %s timed out (deadline %s)', a.attempt, a.deadline_at))
            ELSE jsonb_build_object('type', 'LeaseExpired', 'message',
                 format('worker %s stopped heartbeating: the lease of attempt %s expired at %s',
                        a.worker_id, a.attempt, a.lease_expires_at))
        END AS error,
        true AS retryable,
        NOT coalesce(a.deadline_at < now(), false) AS immediate
)"#,
    settle_failures_tail!()
);

/// Extends the leases of worker `$1` on the attempts `$2` by `$3` ms; returns those still held.
pub(crate) const HEARTBEAT: &str = r#"
UPDATE rhythm_attempts SET lease_expires_at = now() + $3 * interval '1 millisecond'
WHERE worker_id = $1 AND execution_id = ANY($2::text[])
RETURNING execution_id
"#;

/// Gives attempts of worker `$1` back to the queue unchanged (graceful shutdown): they run
/// again, with the same attempt number, on the next worker.
pub(crate) const RELEASE_ATTEMPTS: &str = r#"
WITH del AS (
    DELETE FROM rhythm_attempts a
    WHERE a.worker_id = $1 AND a.execution_id = ANY($2::text[])
    RETURNING a.execution_id, a.attempt
), rdy AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT e.id, e.kind, e.name, e.queue, e.priority, now(), del.attempt
    FROM del JOIN rhythm_executions e ON e.id = del.execution_id
    WHERE e.status IN ('running', 'waiting')
    RETURNING queue
)
SELECT (SELECT count(*) FROM rdy) AS released,
       (SELECT count(*) FROM (
            SELECT pg_notify('rhythm_ready', s)
            FROM (SELECT string_agg(DISTINCT queue, ',') AS s FROM rdy) a
            WHERE s IS NOT NULL) n) AS notified
"#;

/// Cancels an execution and the executions it started (recursively), unless terminal:
/// withdraws their queued and in-flight attempts, timers and signal waits. Returns the status
/// of `$1` before, and whether it was cancelled.
pub(crate) const CANCEL: &str = r#"
WITH RECURSIVE tree(id) AS (
    SELECT id FROM rhythm_executions WHERE id = $1
    UNION ALL
    SELECT c.id FROM rhythm_executions c JOIN tree t ON c.parent_id = t.id
), upd AS (
    UPDATE rhythm_executions e
    SET status = 'cancelled', completed_at = now(),
        error = jsonb_build_object('type', 'Cancelled', 'message', 'cancelled by a client')
    FROM tree
    WHERE e.id = tree.id AND e.status IN ('running', 'waiting')
    RETURNING e.id
), dr AS (
    DELETE FROM rhythm_ready r USING upd WHERE r.execution_id = upd.id
), da AS (
    DELETE FROM rhythm_attempts a USING upd WHERE a.execution_id = upd.id
), dt AS (
    DELETE FROM rhythm_timers t USING upd WHERE t.execution_id = upd.id
), dw AS (
    DELETE FROM rhythm_signal_waits w USING upd WHERE w.execution_id = upd.id
)
SELECT e.status AS before,
       EXISTS (SELECT 1 FROM upd WHERE upd.id = $1) AS cancelled,
       (SELECT count(*) FROM (
            SELECT pg_notify('rhythm_done', CASE WHEN length(s) > 7900 THEN '*' ELSE s END)
            FROM (SELECT string_agg(id, ',') AS s FROM upd) a
            WHERE s IS NOT NULL) n) AS notified
FROM rhythm_executions e WHERE e.id = $1
"#;

/// Buffers a signal for a running or waiting workflow and queues a step for it (which hands the
/// signal to the engine; the engine buffers it until a `Signal.next` takes it). Waking on every
/// signal, not only awaited names, avoids a race with a step that starts waiting meanwhile. Returns the execution's kind and status (no row: unknown id)
/// and the signal's sequence number (null: refused).
pub(crate) const SEND_SIGNAL: &str = r#"
WITH e AS (
    SELECT id, kind, status, name, queue, priority FROM rhythm_executions WHERE id = $1 FOR SHARE
), ins AS (
    INSERT INTO rhythm_signals (execution_id, name, payload)
    SELECT id, $2, $3 FROM e WHERE kind = 'workflow' AND status IN ('running', 'waiting')
    RETURNING seq
), wake AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT e.id, 'workflow', e.name, e.queue, e.priority, now(), 1
    FROM e
    WHERE EXISTS (SELECT 1 FROM ins)
    ON CONFLICT (execution_id) DO NOTHING
    RETURNING queue
)
SELECT e.kind, e.status, (SELECT seq FROM ins) AS seq,
       (SELECT count(*) FROM (SELECT pg_notify('rhythm_ready', queue) FROM wake) n) AS notified
FROM e
"#;

/// One execution with where it waits.
pub(crate) const GET_EXECUTION: &str = r#"
SELECT e.id, e.kind, e.name, e.status, e.inputs, e.output, e.error, e.parent_id, e.queue,
       e.priority, e.content_hash, e.created_at, e.completed_at,
       r.attempt AS ready_attempt, r.run_at,
       a.attempt AS leased_attempt, a.worker_id, a.lease_expires_at, a.deadline_at,
       coalesce((SELECT array_agg(w.name ORDER BY w.name) FROM rhythm_signal_waits w
                 WHERE w.execution_id = e.id), '{}'::text[]) AS signal_waits
FROM rhythm_executions e
LEFT JOIN rhythm_ready r ON r.execution_id = e.id
LEFT JOIN rhythm_attempts a ON a.execution_id = e.id
WHERE e.id = $1
"#;

/// Executions, newest first, filtered by optional status, name and kind.
pub(crate) const LIST_EXECUTIONS: &str = r#"
SELECT id, kind, name, status, created_at, completed_at
FROM rhythm_executions
WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR name = $2)
  AND ($3::text IS NULL OR kind = $3)
ORDER BY created_at DESC, id DESC
LIMIT $4
"#;

/// Stores a workflow version (no-op when known). Returns its first-seen time.
pub(crate) const UPSERT_WORKFLOW: &str = r#"
INSERT INTO rhythm_workflow_definitions (name, content_hash, source) VALUES ($1, $2, $3)
ON CONFLICT (name, content_hash) DO NOTHING
"#;

/// The newest version of a workflow.
pub(crate) const NEWEST_WORKFLOW: &str = r#"
SELECT content_hash FROM rhythm_workflow_definitions WHERE name = $1
ORDER BY first_seen_at DESC LIMIT 1
"#;

pub(crate) const WORKFLOW_VERSION_EXISTS: &str = r#"
SELECT EXISTS (SELECT 1 FROM rhythm_workflow_definitions WHERE name = $1 AND content_hash = $2)
"#;

/// The status of one execution.
pub(crate) const STATUS: &str = "SELECT status FROM rhythm_executions WHERE id = $1";

/// Takes one due workflow step of queue `$1` (the caller's transaction holds the row lock until
/// the step commits, so a crash mid-step loses nothing).
pub(crate) const CLAIM_STEP: &str = r#"
DELETE FROM rhythm_ready r
WHERE r.execution_id = (
    SELECT execution_id FROM rhythm_ready
    WHERE kind = 'workflow' AND queue = $1 AND run_at <= now()
    ORDER BY priority DESC, run_at, seq
    LIMIT 1
    FOR UPDATE SKIP LOCKED
)
RETURNING r.execution_id
"#;

/// A workflow execution and its saved state, locked for the step.
pub(crate) const LOAD_FOR_STEP: &str = r#"
SELECT e.name, e.status, e.inputs, e.content_hash, d.source, s.state, s.state_version
FROM rhythm_executions e
LEFT JOIN rhythm_workflow_definitions d ON d.name = e.name AND d.content_hash = e.content_hash
LEFT JOIN rhythm_workflow_state s ON s.execution_id = e.id
WHERE e.id = $1 AND e.kind = 'workflow'
FOR UPDATE OF e
"#;

/// The events waiting for a step (child results, timers), consumed.
pub(crate) const TAKE_INBOX: &str = r#"
DELETE FROM rhythm_inbox WHERE execution_id = $1
RETURNING seq, event, created_at
"#;

/// The signals waiting for a step, consumed (each exactly once: the rows go with the step).
pub(crate) const TAKE_SIGNALS: &str = r#"
DELETE FROM rhythm_signals WHERE execution_id = $1
RETURNING seq, name, payload, created_at
"#;

/// Saves a step's state if nobody advanced the execution meanwhile (`$3` = the version loaded;
/// -1 when there was no state yet). Returns a row only on success.
pub(crate) const SAVE_STATE: &str = r#"
INSERT INTO rhythm_workflow_state (execution_id, state, state_version) VALUES ($1, $2, 0)
ON CONFLICT (execution_id) DO UPDATE
    SET state = EXCLUDED.state, state_version = rhythm_workflow_state.state_version + 1,
        updated_at = clock_timestamp()
    WHERE rhythm_workflow_state.state_version = $3
RETURNING state_version
"#;

/// Marks a workflow waiting and rewrites the signal names it waits for.
pub(crate) const SET_WAITING: &str = r#"
WITH upd AS (
    UPDATE rhythm_executions SET status = 'waiting' WHERE id = $1 AND status = 'running'
), del AS (
    DELETE FROM rhythm_signal_waits WHERE execution_id = $1
)
INSERT INTO rhythm_signal_waits (execution_id, name)
SELECT $1, n FROM unnest($2::text[]) AS n
ON CONFLICT DO NOTHING
"#;

/// Ends a workflow (`$2` status, `$3` output, `$4` error), drops its timers, waits and state,
/// reports to its parent, and notifies `rhythm_done` once.
pub(crate) const FINISH_WORKFLOW: &str = r#"
WITH upd AS (
    UPDATE rhythm_executions
    SET status = $2, output = $3, error = $4, completed_at = now()
    WHERE id = $1 AND status IN ('running', 'waiting')
    RETURNING id, parent_id, parent_handle
), dt AS (
    DELETE FROM rhythm_timers WHERE execution_id = $1
), dw AS (
    DELETE FROM rhythm_signal_waits WHERE execution_id = $1
), ds AS (
    DELETE FROM rhythm_workflow_state WHERE execution_id = $1
), inbox AS (
    INSERT INTO rhythm_inbox (execution_id, event)
    SELECT parent_id, jsonb_build_object('type', 'child_finished', 'handle', parent_handle,
                                         'child_id', id, 'status', $2::text,
                                         'output', $3::jsonb, 'error', $4::jsonb)
    FROM upd WHERE parent_id IS NOT NULL
    RETURNING execution_id
), wake AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT p.id, p.kind, p.name, p.queue, p.priority, now(), 1
    FROM inbox i JOIN rhythm_executions p ON p.id = i.execution_id
    WHERE p.status IN ('running', 'waiting')
    ON CONFLICT (execution_id) DO NOTHING
)
SELECT (SELECT count(*) FROM upd) AS finished,
       (SELECT count(*) FROM (SELECT pg_notify('rhythm_done', id) FROM upd) n) AS notified
"#;

/// Starts or moves a workflow timer.
pub(crate) const START_TIMER: &str = r#"
INSERT INTO rhythm_timers (execution_id, timer_key, fire_at)
VALUES ($1, $2, to_timestamp($3::float8 / 1000.0))
ON CONFLICT (execution_id, timer_key) DO UPDATE SET fire_at = EXCLUDED.fire_at
"#;

/// Forgets a workflow timer.
pub(crate) const CANCEL_TIMER: &str =
    "DELETE FROM rhythm_timers WHERE execution_id = $1 AND timer_key = $2";

/// Fires up to `$1` due timers: each becomes an inbox event of its workflow and queues a step.
/// One NOTIFY `rhythm_ready` when any fired.
pub(crate) const FIRE_TIMERS: &str = r#"
WITH due AS (
    DELETE FROM rhythm_timers t
    WHERE t.id IN (
        SELECT id FROM rhythm_timers WHERE fire_at <= now()
        ORDER BY fire_at LIMIT $1
        FOR UPDATE SKIP LOCKED
    )
    RETURNING t.execution_id, t.timer_key, t.fire_at
), inbox AS (
    INSERT INTO rhythm_inbox (execution_id, event)
    SELECT execution_id, jsonb_build_object('type', 'timer_due', 'handle', timer_key::bigint)
    FROM due ORDER BY fire_at, timer_key::bigint
    RETURNING execution_id
), wake AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT p.id, p.kind, p.name, p.queue, p.priority, now(), 1
    FROM (SELECT DISTINCT execution_id FROM inbox) i JOIN rhythm_executions p ON p.id = i.execution_id
    WHERE p.status IN ('running', 'waiting')
    ON CONFLICT (execution_id) DO NOTHING
    RETURNING queue
)
SELECT (SELECT count(*) FROM due) AS fired,
       (SELECT count(*) FROM (
            SELECT pg_notify('rhythm_ready', s)
            FROM (SELECT string_agg(DISTINCT queue, ',') AS s FROM wake) a
            WHERE s IS NOT NULL) n) AS notified
"#;

/// The child execution of a workflow behind a handle (and attempt, for tasks).
pub(crate) const CHILD_ID: &str = r#"
SELECT id FROM rhythm_executions
WHERE parent_id = $1 AND parent_handle = $2 AND ($3::int4 IS NULL OR parent_attempt = $3)
"#;

/// Appends a log line.
pub(crate) const INSERT_LOG: &str =
    "INSERT INTO rhythm_logs (execution_id, level, message) VALUES ($1, 'info', $2)";

/// Asks a running or waiting workflow to cancel: a `cancel` inbox event and a queued step, so
/// the engine raises `Cancelled` at the current await and `catch` / `finally` can clean up.
/// Returns the execution's kind and status and whether the request was stored (no row: unknown).
pub(crate) const REQUEST_CANCEL: &str = r#"
WITH e AS (
    SELECT id, kind, status, name, queue, priority FROM rhythm_executions WHERE id = $1 FOR UPDATE
), ins AS (
    INSERT INTO rhythm_inbox (execution_id, event)
    SELECT id, '{"type": "cancel"}'::jsonb FROM e
    WHERE kind = 'workflow' AND status IN ('running', 'waiting')
    RETURNING execution_id
), wake AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT e.id, 'workflow', e.name, e.queue, e.priority, now(), 1
    FROM e WHERE EXISTS (SELECT 1 FROM ins)
    ON CONFLICT (execution_id) DO NOTHING
    RETURNING queue
)
SELECT e.kind, e.status, EXISTS (SELECT 1 FROM ins) AS requested,
       (SELECT count(*) FROM (SELECT pg_notify('rhythm_ready', queue) FROM wake) n) AS notified
FROM e
"#;
