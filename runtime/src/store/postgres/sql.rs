//! Every SQL statement of the Postgres store, in one place. Each is one round trip and one
//! (implicit) transaction; each sends at most one NOTIFY.
//!
//! Wake-ups (a `rhythm_ready` row for a workflow that has a new inbox event or signal) use
//! `ON CONFLICT (execution_id) DO UPDATE SET run_at = rhythm_ready.run_at`, never `DO NOTHING`:
//! the update locks an existing ready row until the wake-up commits, so a step cannot claim that
//! row in between and then miss the uncommitted event (the event would stay in the inbox with no
//! step queued: a workflow stuck for ever; found by the chaos harness and by
//! `runtime/tests/processes.rs`). It keeps the row's `run_at` (a signal does not start a
//! delayed workflow early) and returns the row, so the wake-up still notifies. Rows are woken in
//! id order to avoid deadlocks between two batches.

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
      -- Operator action: a paused queue claims nothing. Not correlated with the row, so it is
      -- a one-time filter (one primary-key probe per statement, none per row).
      AND NOT EXISTS (SELECT 1 FROM rhythm_paused_queues q WHERE q.queue = $1)
    ORDER BY priority DESC, run_at, seq
    LIMIT $3
    FOR UPDATE SKIP LOCKED
), del AS (
    DELETE FROM rhythm_ready r USING picked p
    WHERE r.execution_id = p.execution_id
    RETURNING r.execution_id, r.kind, r.name, r.queue, r.priority, r.run_at, r.attempt
), rows AS (
    -- The join the attempt rows need anyway (the timeout), which also reads `paused`.
    SELECT del.*, e.timeout_ms, (e.paused IS NOT NULL) AS paused
    FROM del JOIN rhythm_executions e ON e.id = del.execution_id
), still_paused AS (
    -- Operator action (rare): a task of a paused execution that reached the queue anyway (a
    -- retry, takeover or release of an attempt that was running when it was paused) is held,
    -- not claimed. Re-checked under a lock, so a resume that commits meanwhile is seen (its
    -- rows are claimed) and never leaves a row held. Empty, and free, when nothing is paused.
    SELECT e.id FROM rhythm_executions e
    WHERE e.id IN (SELECT execution_id FROM rows WHERE paused) AND e.paused IS NOT NULL
    FOR SHARE
), hold AS (
    INSERT INTO rhythm_held (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT execution_id, kind, name, queue, priority, run_at, attempt FROM rows
    WHERE execution_id IN (SELECT id FROM still_paused)
    ON CONFLICT (execution_id) DO NOTHING
), ins AS (
    INSERT INTO rhythm_attempts (execution_id, attempt, worker_id, lease_expires_at, deadline_at)
    SELECT execution_id, attempt, $4, now() + $5 * interval '1 millisecond',
           now() + timeout_ms * interval '1 millisecond'
    FROM rows
    WHERE execution_id NOT IN (SELECT id FROM still_paused)
    RETURNING execution_id, attempt
)
SELECT e.id, e.name, e.inputs, ins.attempt, e.max_attempts, e.timeout_ms
FROM ins JOIN rhythm_executions e ON e.id = ins.execution_id
WHERE (SELECT count(*) FROM async_commit) = 1
"#;

/// The CTE `wake` that queues a step for each live workflow with a new event in the CTE
/// `inbox (execution_id)`, in id order, coalescing with a queued step through `ON CONFLICT DO
/// UPDATE` (which keeps that row locked until the event commits: see the module doc). One
/// definition, so every wake-up keeps that rule.
macro_rules! wake_inbox_owners {
    () => {
        r#"
), wake AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT p.id, p.kind, p.name, p.queue, p.priority, now(), 1
    FROM (SELECT DISTINCT execution_id FROM inbox) i JOIN rhythm_executions p ON p.id = i.execution_id
    -- `failed` too: an operator may be retrying it right now, and this wake-up, which holds
    -- the retry's ready row until the event commits, keeps the retried step from missing it
    -- (the step claim drops the ready row of a workflow still failed).
    WHERE p.status IN ('running', 'waiting', 'failed')
    ORDER BY p.id
    ON CONFLICT (execution_id) DO UPDATE SET run_at = rhythm_ready.run_at
)
"#
    };
}

/// Records successful attempts of worker `$4` (parallel arrays id, attempt, output). An
/// attempt that is no longer this worker's (cancelled, reaped, retried) is ignored; a terminal
/// execution never changes. Notifies `rhythm_done` once with the finished ids.
pub(crate) const COMPLETE_ATTEMPTS: &str = concat!(
    r#"
WITH input AS (
    SELECT * FROM UNNEST($1::text[], $2::int4[], $3::jsonb[]) AS i(execution_id, attempt, output)
), del AS (
    DELETE FROM rhythm_attempts a USING input i
    WHERE a.execution_id = i.execution_id AND a.attempt = i.attempt AND a.worker_id = $4
    RETURNING a.execution_id, a.attempt, a.claimed_at, i.output
), upd AS (
    UPDATE rhythm_executions e
    SET status = 'completed', output = del.output, error = NULL, completed_at = now(),
        last_attempt = del.attempt, last_worker_id = $4, last_claimed_at = del.claimed_at
    FROM del
    WHERE e.id = del.execution_id AND e.status IN ('running', 'waiting')
    RETURNING e.id, e.parent_id, e.parent_handle, e.parent_attempt, del.output
), inbox AS (
    INSERT INTO rhythm_inbox (execution_id, event)
    SELECT parent_id, jsonb_build_object('type', 'task_succeeded', 'handle', parent_handle,
                                         'attempt', parent_attempt, 'output', output)
    FROM upd WHERE parent_id IS NOT NULL
    RETURNING execution_id
"#,
    wake_inbox_owners!(),
    r#"SELECT (SELECT count(*) FROM upd) AS completed,
       (SELECT count(*) FROM (
            SELECT pg_notify('rhythm_done', CASE WHEN length(s) > 7900 THEN '*' ELSE s END)
            FROM (SELECT string_agg(id, ',') AS s FROM upd) a
            WHERE s IS NOT NULL) n) AS notified
"#
);

/// The shared tail of the statements that settle failed attempts. Expects a CTE `failed
/// (execution_id, attempt, error, retryable, immediate, worker_id, claimed_at)` of deleted
/// attempt rows; writes each one's `attempt_failed` history row. Retries what
/// may retry (a new ready row, after the backoff unless `immediate`), fails the rest; locks the
/// executions first so a concurrent cancel either wins (nothing retried) or sees the retry row.
macro_rules! settle_failures_tail {
    () => {
        concat!(
            r#"
, info AS (
    SELECT f.execution_id, f.attempt, f.error, f.worker_id, f.claimed_at, e.kind, e.name, e.queue,
           e.priority,
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
), hist AS (
    INSERT INTO rhythm_history (execution_id, type, data)
    SELECT execution_id, 'attempt_failed',
           jsonb_build_object('attempt', attempt, 'error', error, 'worker_id', worker_id,
                              'claimed_at', claimed_at,
                              'retry_at', CASE WHEN will_retry THEN run_at END)
    FROM info
), inbox AS (
    INSERT INTO rhythm_inbox (execution_id, event)
    SELECT parent_id, jsonb_build_object('type', 'task_failed', 'handle', parent_handle,
                                         'attempt', parent_attempt, 'error', error)
    FROM upd WHERE parent_id IS NOT NULL AND NOT will_retry
    RETURNING execution_id
"#,
            wake_inbox_owners!(),
            r#"SELECT (SELECT count(*) FROM upd WHERE NOT will_retry) AS failed,
       (SELECT count(*) FROM retry) AS retried,
       (SELECT count(*) FROM (
            SELECT pg_notify('rhythm_done', CASE WHEN length(s) > 7900 THEN '*' ELSE s END)
            FROM (SELECT string_agg(id, ',') AS s FROM upd WHERE NOT will_retry) a
            WHERE s IS NOT NULL) n) AS notified
"#
        )
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
    RETURNING a.execution_id, a.attempt, i.error, i.retryable, false AS immediate, a.worker_id,
              a.claimed_at
)"#,
    settle_failures_tail!()
);

/// Takes up to `$1` attempts whose lease expired (worker gone) or whose deadline passed
/// (timeout), whichever worker held them. A lost lease of a workflow's task (`parent_id` set) is
/// a takeover: the attempt goes back to the queue unchanged, at most [`MAX_TAKEOVERS`] times per
/// execution, because the engine's retry policy is about the task failing, not its worker. The
/// rest are settled as retryable failures: a lost lease is retried at once, a timeout after the
/// backoff. Takeovers wait for the next poll (no NOTIFY: one per statement, and the tail owns it).
pub(crate) const REAP_ATTEMPTS: &str = concat!(
    r#"
WITH expired AS (
    SELECT execution_id FROM rhythm_attempts
    WHERE lease_expires_at < now() OR deadline_at < now()
    LIMIT $1
    FOR UPDATE SKIP LOCKED
), judged AS (
    SELECT a.execution_id,
           coalesce(a.deadline_at < now(), false) AS timed_out,
           (NOT coalesce(a.deadline_at < now(), false)
            AND e.parent_id IS NOT NULL AND e.lease_losses < $2) AS takeover
    FROM expired x
    JOIN rhythm_attempts a ON a.execution_id = x.execution_id
    JOIN rhythm_executions e ON e.id = x.execution_id
), taken AS (
    DELETE FROM rhythm_attempts a USING judged j
    WHERE a.execution_id = j.execution_id AND j.takeover
    RETURNING a.execution_id, a.attempt
), requeued AS (
    UPDATE rhythm_executions e SET lease_losses = e.lease_losses + 1
    FROM taken t
    WHERE e.id = t.execution_id AND e.status IN ('running', 'waiting')
    RETURNING e.id, e.kind, e.name, e.queue, e.priority, t.attempt
), back AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT id, kind, name, queue, priority, now(), attempt FROM requeued
    ON CONFLICT (execution_id) DO NOTHING
), hist_taken AS (
    INSERT INTO rhythm_history (execution_id, type, data)
    SELECT id, 'attempt_taken_over', jsonb_build_object('attempt', attempt) FROM requeued
), failed AS (
    DELETE FROM rhythm_attempts a USING judged j
    WHERE a.execution_id = j.execution_id AND NOT j.takeover
    RETURNING a.execution_id, a.attempt,
        CASE WHEN j.timed_out
            THEN jsonb_build_object('type', 'Timeout', 'message',
                 format('attempt %s timed out (deadline %s)', a.attempt, a.deadline_at))
            ELSE jsonb_build_object('type', 'LeaseExpired', 'message',
                 format('worker %s stopped heartbeating: the lease of attempt %s expired at %s',
                        a.worker_id, a.attempt, a.lease_expires_at))
        END AS error,
        true AS retryable,
        NOT j.timed_out AS immediate, a.worker_id, a.claimed_at
)"#,
    settle_failures_tail!()
);

/// How many times a workflow task's attempt is taken over after its worker died, before a lost
/// lease counts as a failure (`LeaseExpired`): `$2` of [`REAP_ATTEMPTS`].
pub(crate) const MAX_TAKEOVERS: i32 = 2;

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
), hist AS (
    INSERT INTO rhythm_history (execution_id, type, data)
    SELECT execution_id, 'attempt_released', jsonb_build_object('attempt', attempt, 'worker_id', $1)
    FROM del
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

/// Queues a step for a running or waiting workflow, or locks the one already queued, before
/// `SEND_SIGNAL` or `REQUEST_CANCEL` locks the execution: the order a step takes its locks in
/// (ready row, then execution), so a signal or cancel sent during a step never deadlocks with it.
pub(crate) const QUEUE_STEP: &str = r#"
INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
SELECT id, 'workflow', name, queue, priority, now(), 1 FROM rhythm_executions
WHERE id = $1 AND kind = 'workflow' AND status IN ('running', 'waiting')
ON CONFLICT (execution_id) DO UPDATE SET run_at = rhythm_ready.run_at
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
), hist AS (
    INSERT INTO rhythm_history (execution_id, type, data)
    SELECT $1, 'signal_sent', jsonb_build_object('name', $2::text, 'seq', seq) FROM ins
), wake AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT e.id, 'workflow', e.name, e.queue, e.priority, now(), 1
    FROM e
    WHERE EXISTS (SELECT 1 FROM ins)
    ON CONFLICT (execution_id) DO UPDATE SET run_at = rhythm_ready.run_at
    RETURNING queue
)
SELECT e.kind, e.status, (SELECT seq FROM ins) AS seq,
       (SELECT count(*) FROM (SELECT pg_notify('rhythm_ready', queue) FROM wake) n) AS notified
FROM e
"#;

/// One execution with where it waits.
pub(crate) const GET_EXECUTION: &str = r#"
SELECT e.id, e.kind, e.name, e.status, e.inputs, e.output, e.error, e.parent_id, e.queue,
       e.priority, e.content_hash, e.created_at, e.completed_at, e.paused,
       -- A paused execution's queued work is held (rhythm_held), and still shows as queued.
       coalesce(r.attempt, h.attempt) AS ready_attempt, coalesce(r.run_at, h.run_at) AS run_at,
       a.attempt AS leased_attempt, a.worker_id, a.lease_expires_at, a.deadline_at,
       coalesce((SELECT array_agg(w.name ORDER BY w.name) FROM rhythm_signal_waits w
                 WHERE w.execution_id = e.id), '{}'::text[]) AS signal_waits
FROM rhythm_executions e
LEFT JOIN rhythm_ready r ON r.execution_id = e.id
LEFT JOIN rhythm_held h ON h.execution_id = e.id
LEFT JOIN rhythm_attempts a ON a.execution_id = e.id
WHERE e.id = $1
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

/// Fires up to `$1` due timers: each becomes an inbox event of its workflow and queues a step.
/// The workflows are locked first (`FOR SHARE ... SKIP LOCKED`, in id order): a timer whose
/// workflow is in a step right now stays and fires at the next round, so firing never waits on
/// (or deadlocks with) a step that is rewriting that workflow's timers. One NOTIFY
/// `rhythm_ready` when any fired.
pub(crate) const FIRE_TIMERS: &str = r#"
WITH pick AS (
    SELECT id, execution_id FROM rhythm_timers WHERE fire_at <= now()
    ORDER BY fire_at LIMIT $1
    FOR UPDATE SKIP LOCKED
), owners AS (
    SELECT p.id, p.kind, p.name, p.queue, p.priority, p.status FROM rhythm_executions p
    WHERE p.id IN (SELECT execution_id FROM pick)
    ORDER BY p.id
    FOR SHARE SKIP LOCKED
), due AS (
    DELETE FROM rhythm_timers t USING pick, owners o
    WHERE t.id = pick.id AND pick.execution_id = o.id
    RETURNING t.execution_id, t.timer_key, t.fire_at
), inbox AS (
    INSERT INTO rhythm_inbox (execution_id, event)
    SELECT execution_id, jsonb_build_object('type', 'timer_due', 'handle', timer_key::bigint)
    FROM due ORDER BY fire_at, timer_key::bigint
    RETURNING execution_id
), hist AS (
    INSERT INTO rhythm_history (execution_id, type, data)
    SELECT execution_id, 'timer_fired', jsonb_build_object('handle', timer_key::bigint, 'due_at', fire_at)
    FROM due
), wake AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT o.id, o.kind, o.name, o.queue, o.priority, now(), 1
    FROM owners o
    WHERE o.status IN ('running', 'waiting') AND o.id IN (SELECT execution_id FROM due)
    ORDER BY o.id
    ON CONFLICT (execution_id) DO UPDATE SET run_at = rhythm_ready.run_at
    RETURNING queue
)
SELECT (SELECT count(*) FROM due) AS fired,
       (SELECT count(*) FROM inbox) AS events,
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
), hist AS (
    INSERT INTO rhythm_history (execution_id, type) SELECT execution_id, 'cancel_requested' FROM ins
), wake AS (
    INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
    SELECT e.id, 'workflow', e.name, e.queue, e.priority, now(), 1
    FROM e WHERE EXISTS (SELECT 1 FROM ins)
    ON CONFLICT (execution_id) DO UPDATE SET run_at = rhythm_ready.run_at
    RETURNING queue
)
SELECT e.kind, e.status, EXISTS (SELECT 1 FROM ins) AS requested,
       (SELECT count(*) FROM (SELECT pg_notify('rhythm_ready', queue) FROM wake) n) AS notified
FROM e
"#;

// ---------------------------------------------------------------------------------------------
// Batched workflow steps (see `store/steps.rs` and docs/runtime.md, "Workflow steps").
// ---------------------------------------------------------------------------------------------

/// The shared tail of [`CLAIM_STEPS`] and [`CLAIM_STEPS_BY_ID`]. Expects a CTE `picked
/// (execution_id)` of ready rows locked with `SKIP LOCKED`. Locks their executions **in id
/// order** with `FOR NO KEY UPDATE SKIP LOCKED` (which excludes other steps, and signal sends
/// and cancel requests, which lock the execution first) and deletes the ready rows of the
/// executions it locked. A ready row whose execution is busy (a signal or cancel being recorded
/// for it right now) stays queued, so the claim never waits on a lock and a sender never
/// deadlocks with it. Wake-ups that coalesce with a queued ready row hold that row locked until
/// they commit (`ON CONFLICT ... DO UPDATE`, see the module doc), so `picked`
/// skips it meanwhile. Returns every picked row with its status and whether it was taken.
macro_rules! claim_steps_tail {
    () => {
        r#"
, locked AS (
    -- A paused execution (operator action) takes no step: its ready row is taken and dropped
    -- like that of an execution that ended; resume queues a step.
    SELECT e.id, CASE WHEN e.paused IS NULL THEN e.status ELSE 'paused' END AS status
    FROM rhythm_executions e
    WHERE e.id IN (SELECT execution_id FROM picked)
    ORDER BY e.id
    FOR NO KEY UPDATE SKIP LOCKED
), taken AS (
    DELETE FROM rhythm_ready r USING locked l
    WHERE r.execution_id = l.id
    RETURNING r.execution_id
)
SELECT p.execution_id AS id, l.status, (t.execution_id IS NOT NULL) AS taken
FROM picked p
LEFT JOIN locked l ON l.id = p.execution_id
LEFT JOIN taken t ON t.execution_id = p.execution_id
ORDER BY p.execution_id
"#
    };
}

/// Claims up to `$2` due workflow steps of queue `$1` (see `claim_steps_tail!`). The caller's
/// transaction holds the locks until the batch commits, so a crash mid-batch loses nothing.
pub(crate) const CLAIM_STEPS: &str = concat!(
    r#"
WITH picked AS (
    SELECT execution_id FROM rhythm_ready
    WHERE kind = 'workflow' AND queue = $1 AND run_at <= now()
      -- Operator action: a paused queue takes no steps (a one-time filter, as in CLAIM_TASKS).
      AND NOT EXISTS (SELECT 1 FROM rhythm_paused_queues q WHERE q.queue = $1)
    ORDER BY priority DESC, run_at, seq
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)"#,
    claim_steps_tail!()
);

/// [`CLAIM_STEPS`] for the given executions `$1` (at most `$2`): one execution at a time when
/// a batch failed as a whole.
pub(crate) const CLAIM_STEPS_BY_ID: &str = concat!(
    r#"
WITH picked AS (
    SELECT execution_id FROM rhythm_ready
    WHERE kind = 'workflow' AND execution_id = ANY($1::text[]) AND run_at <= now()
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)"#,
    claim_steps_tail!()
);

/// Loads the claimed (locked) executions `$1` for their steps: consumes their inbox events and
/// signals and returns one row per execution with its saved state, the source of its version
/// only when `$2` (the versions the worker has compiled) does not hold it, and what arrived as
/// a JSON array in arrival order. A statement of its own, after the claim: its snapshot is
/// taken once the claim got its locks, so it sees every event whose sender held the ready row
/// or the execution (see `claim_steps_tail!`) and committed before; a sender that commits
/// later queues a new step. In one statement with the claim, its snapshot would predate a
/// sender that committed while the claim waited, and the event would be stranded.
pub(crate) const LOAD_STEPS: &str = r#"
WITH inbox AS (
    DELETE FROM rhythm_inbox i WHERE i.execution_id = ANY($1::text[])
    RETURNING i.execution_id, i.seq, i.created_at, 'inbox' AS source, i.event
), signals AS (
    DELETE FROM rhythm_signals s WHERE s.execution_id = ANY($1::text[])
    RETURNING s.execution_id, s.seq, s.created_at, 'signal' AS source,
              jsonb_build_object('name', s.name, 'payload', s.payload) AS event
), arrived AS (
    SELECT a.execution_id,
           jsonb_agg(jsonb_build_object('seq', a.seq, 'created_at', a.created_at,
                                        'source', a.source, 'event', a.event)
                     ORDER BY a.created_at, a.seq) AS events
    FROM (SELECT * FROM inbox UNION ALL SELECT * FROM signals) a
    GROUP BY a.execution_id
)
SELECT e.id, e.name, e.status, e.inputs, e.content_hash, d.source, s.state, s.state_version,
       coalesce(a.events, '[]'::jsonb) AS events,
       (SELECT coalesce(max(t.revision), 0) FROM rhythm_task_definitions t) AS defaults_revision
FROM rhythm_executions e
LEFT JOIN rhythm_workflow_definitions d
       ON d.name = e.name AND d.content_hash = e.content_hash
      AND NOT (e.content_hash = ANY($2::text[]))
LEFT JOIN rhythm_workflow_state s ON s.execution_id = e.id
LEFT JOIN arrived a ON a.execution_id = e.id
WHERE e.id = ANY($1::text[])
ORDER BY e.id
"#;

/// Saves the states of a batch (parallel arrays id `$1`, state `$2`, the `state_version`
/// loaded `$3`, -1 when there was none) where nobody advanced the execution meanwhile, marks
/// those executions `waiting` and rewrites their signal waits (parallel arrays `$4` id, `$5`
/// name). `$6`: commit without waiting for the WAL flush. Returns the ids saved; an id missing
/// from the result lost the state-version check.
pub(crate) const SAVE_STATES: &str = r#"
WITH input AS (
    SELECT * FROM UNNEST($1::text[], $2::bytea[], $3::int8[]) AS i(execution_id, state, loaded)
), ins AS (
    INSERT INTO rhythm_workflow_state (execution_id, state, state_version)
    SELECT execution_id, state, 0 FROM input WHERE loaded = -1
    ON CONFLICT (execution_id) DO NOTHING
    RETURNING execution_id
), upd AS (
    UPDATE rhythm_workflow_state s
    SET state = i.state, state_version = s.state_version + 1, updated_at = clock_timestamp()
    FROM input i
    WHERE s.execution_id = i.execution_id AND i.loaded >= 0 AND s.state_version = i.loaded
    RETURNING s.execution_id
), saved AS (
    SELECT execution_id FROM ins UNION ALL SELECT execution_id FROM upd
), waiting AS (
    UPDATE rhythm_executions e SET status = 'waiting'
    FROM saved WHERE e.id = saved.execution_id AND e.status = 'running'
), waits AS (
    SELECT w.execution_id, w.name FROM UNNEST($4::text[], $5::text[]) AS w(execution_id, name)
    WHERE w.execution_id IN (SELECT execution_id FROM saved)
), del_waits AS (
    DELETE FROM rhythm_signal_waits w USING saved
    WHERE w.execution_id = saved.execution_id
      AND NOT EXISTS (SELECT 1 FROM waits n WHERE n.execution_id = w.execution_id AND n.name = w.name)
), add_waits AS (
    INSERT INTO rhythm_signal_waits (execution_id, name) SELECT execution_id, name FROM waits
    ON CONFLICT DO NOTHING
), hist AS (
    INSERT INTO rhythm_history (execution_id, type, data)
    SELECT h.execution_id, h.type, h.data
    FROM UNNEST($7::text[], $8::text[], $9::jsonb[]) WITH ORDINALITY AS h(execution_id, type, data, n)
    WHERE h.execution_id IN (SELECT execution_id FROM saved)
    ORDER BY n
)
SELECT coalesce((SELECT array_agg(execution_id) FROM saved), '{}'::text[]) AS saved,
       (SELECT count(*) FROM (
            SELECT set_config('synchronous_commit',
                              CASE WHEN $6 THEN 'off' ELSE current_setting('synchronous_commit') END,
                              true)) c) AS configured
"#;

/// Starts or moves timers (parallel arrays `$1` id, `$2` key, `$3` fire time in epoch ms) and
/// forgets others (`$4` id, `$5` key), for a whole batch.
pub(crate) const SET_TIMERS: &str = r#"
WITH del AS (
    DELETE FROM rhythm_timers t USING UNNEST($4::text[], $5::text[]) AS c(execution_id, timer_key)
    WHERE t.execution_id = c.execution_id AND t.timer_key = c.timer_key
), ins AS (
    INSERT INTO rhythm_timers (execution_id, timer_key, fire_at)
    SELECT execution_id, timer_key, to_timestamp(fire_at / 1000.0)
    FROM UNNEST($1::text[], $2::text[], $3::float8[]) AS s(execution_id, timer_key, fire_at)
    ON CONFLICT (execution_id, timer_key) DO UPDATE SET fire_at = EXCLUDED.fire_at
)
SELECT 1 AS done
"#;

/// Appends log lines of a batch (parallel arrays `$1` id, `$2` line), in order.
pub(crate) const INSERT_LOGS: &str = r#"
INSERT INTO rhythm_logs (execution_id, level, message)
SELECT execution_id, 'info', message
FROM UNNEST($1::text[], $2::text[]) WITH ORDINALITY AS l(execution_id, message, n)
ORDER BY n
"#;

/// Ends workflows (parallel arrays `$1` id, `$2` status, `$3` output, `$4` error) unless
/// terminal already: drops their timers, waits and state (a failed one keeps its state, for
/// a retry), reports to their parents (inbox
/// event and a queued step), and notifies `rhythm_done` once with the ids that ended.
pub(crate) const FINISH_WORKFLOWS: &str = concat!(
    r#"
WITH input AS (
    SELECT * FROM UNNEST($1::text[], $2::text[], $3::jsonb[], $4::jsonb[])
        AS i(id, status, output, error)
), upd AS (
    UPDATE rhythm_executions e
    SET status = i.status, output = i.output, error = i.error, completed_at = now()
    FROM input i
    WHERE e.id = i.id AND e.status IN ('running', 'waiting')
    RETURNING e.id, e.parent_id, e.parent_handle, i.status, i.output, i.error
), dt AS (
    DELETE FROM rhythm_timers t USING upd WHERE t.execution_id = upd.id
), dw AS (
    DELETE FROM rhythm_signal_waits w USING upd WHERE w.execution_id = upd.id
), ds AS (
    -- A failed workflow keeps the state it saved at its last await, for an operator retry.
    DELETE FROM rhythm_workflow_state s USING upd
    WHERE s.execution_id = upd.id AND upd.status <> 'failed'
), inbox AS (
    INSERT INTO rhythm_inbox (execution_id, event)
    SELECT parent_id, jsonb_build_object('type', 'child_finished', 'handle', parent_handle,
                                         'child_id', id, 'status', status,
                                         'output', output, 'error', error)
    FROM upd WHERE parent_id IS NOT NULL
    RETURNING execution_id
"#,
    wake_inbox_owners!(),
    r#"SELECT (SELECT count(*) FROM upd) AS finished,
       (SELECT count(*) FROM (
            SELECT pg_notify('rhythm_done', CASE WHEN length(s) > 7900 THEN '*' ELSE s END)
            FROM (SELECT string_agg(id, ',') AS s FROM upd) a
            WHERE s IS NOT NULL) n) AS notified
"#
);

/// The newest version of each workflow named in `$1`.
pub(crate) const NEWEST_WORKFLOWS: &str = r#"
SELECT DISTINCT ON (name) name, content_hash FROM rhythm_workflow_definitions
WHERE name = ANY($1::text[])
ORDER BY name, first_seen_at DESC
"#;

/// Reports an event `$2` to workflow `$1` itself at its next step (a child workflow that could
/// not start).
pub(crate) const REPORT_TO_SELF: &str = r#"
WITH i AS (INSERT INTO rhythm_inbox (execution_id, event) VALUES ($1, $2))
INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
SELECT id, kind, name, queue, priority, now(), 1 FROM rhythm_executions WHERE id = $1
ON CONFLICT (execution_id) DO NOTHING
"#;

/// Puts back what a step of `$1` consumed (inbox rows: parallel arrays `$2` seq, `$3` time,
/// `$4` event; signals: `$5` seq, `$6` time, `$7` name, `$8` payload) with their original
/// sequence numbers, and queues the step again: the step lost the state-version check, so it
/// must not count, and the events go to the step that runs on the current state.
pub(crate) const RESTORE_STEP: &str = r#"
WITH ib AS (
    INSERT INTO rhythm_inbox (seq, execution_id, event, created_at) OVERRIDING SYSTEM VALUE
    SELECT seq, $1, event, created_at::timestamptz
    FROM UNNEST($2::int8[], $3::text[], $4::jsonb[]) AS i(seq, created_at, event)
), sg AS (
    INSERT INTO rhythm_signals (seq, execution_id, name, payload, created_at) OVERRIDING SYSTEM VALUE
    SELECT seq, $1, name, payload, created_at::timestamptz
    FROM UNNEST($5::int8[], $6::text[], $7::text[], $8::jsonb[])
        AS s(seq, created_at, name, payload)
)
INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
SELECT id, kind, name, queue, priority, now(), 1 FROM rhythm_executions
WHERE id = $1 AND status IN ('running', 'waiting')
ON CONFLICT (execution_id) DO NOTHING
"#;

/// Serializes registrations of task definitions, so that revisions are assigned in commit order.
pub(crate) const LOCK_TASK_DEFINITIONS: &str =
    "SELECT pg_advisory_xact_lock(hashtext('rhythm_task_definitions'))";

/// Registers task definitions (parallel arrays name `$1`, defaults `$2`); a definition whose
/// defaults did not change keeps its revision (a restarted worker invalidates no cache).
pub(crate) const REGISTER_TASK_DEFINITIONS: &str = r#"
INSERT INTO rhythm_task_definitions AS t (name, defaults)
SELECT * FROM UNNEST($1::text[], $2::jsonb[])
ON CONFLICT (name) DO UPDATE
SET defaults = excluded.defaults,
    revision = nextval('rhythm_task_definitions_revision'),
    updated_at = now()
WHERE t.defaults IS DISTINCT FROM excluded.defaults
"#;

/// The definitions of the tasks named in `$1`, or of every task when `$1` is null.
pub(crate) const TASK_DEFINITIONS: &str = r#"
SELECT name, defaults FROM rhythm_task_definitions
WHERE $1::text[] IS NULL OR name = ANY($1::text[])
ORDER BY name
"#;
