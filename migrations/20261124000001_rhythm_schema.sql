-- Rhythm schema, version 1. Every table is prefixed `rhythm_` so the schema can share a database.
-- Rows on the hot path are inserted and deleted rather than updated where possible, and the
-- columns that are updated on the hot path (status, output, lease expiry) carry no index, so
-- those updates stay HOT. See docs/runtime.md for the reasoning behind each index.

-- Workflow source texts, one row per version. A version is the SHA-256 of the source bytes.
-- Old versions stay while executions that started on them still exist.
CREATE TABLE rhythm_workflow_definitions (
    name          text        NOT NULL,
    content_hash  text        NOT NULL,
    source        text        NOT NULL,
    first_seen_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (name, content_hash)
);
-- "Newest version of a workflow" for new starts.
CREATE INDEX rhythm_workflow_definitions_newest ON rhythm_workflow_definitions (name, first_seen_at DESC);

-- One row per execution: a workflow run or a standalone task (or a task a workflow started).
-- Written at start and at the end; never on claim, so a claim costs no write here.
CREATE TABLE rhythm_executions (
    id              text        PRIMARY KEY,
    kind            text        NOT NULL CHECK (kind IN ('task', 'workflow')),
    name            text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('running', 'waiting', 'completed', 'failed', 'cancelled')),
    inputs          jsonb       NOT NULL,
    output          jsonb,
    error           jsonb,
    parent_id       text        REFERENCES rhythm_executions (id) ON DELETE CASCADE,
    queue           text        NOT NULL,
    priority        integer     NOT NULL DEFAULT 0,
    idempotency_key text,
    content_hash    text,
    -- Retry policy and per-attempt timeout (standalone tasks and tasks started by workflows).
    max_attempts    integer     NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
    backoff_ms      integer     NOT NULL DEFAULT 1000 CHECK (backoff_ms >= 0),
    timeout_ms      integer     CHECK (timeout_ms > 0),
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    completed_at    timestamptz,
    CHECK (length(id) BETWEEN 1 AND 256),
    CHECK (length(name) BETWEEN 1 AND 256),
    CHECK (length(queue) BETWEEN 1 AND 256)
) WITH (fillfactor = 50);
-- fillfactor 50: a row is inserted once and updated about once (at its end), and that update
-- only touches unindexed columns; the free half of each page lets it be a HOT update (no new
-- index entries) instead of a cold one writing into all the indexes below.
-- Idempotent starts: one execution per (kind, key). Never updated after insert.
CREATE UNIQUE INDEX rhythm_executions_idempotency ON rhythm_executions (kind, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- Children of a workflow (cancellation, listing). Never updated after insert.
CREATE INDEX rhythm_executions_parent ON rhythm_executions (parent_id) WHERE parent_id IS NOT NULL;
-- `rhythm list --workflow W` and the newest-first listing. Never updated after insert.
CREATE INDEX rhythm_executions_name_created ON rhythm_executions (name, created_at DESC);
CREATE INDEX rhythm_executions_created ON rhythm_executions (created_at DESC);

-- The ready queue: one row per execution that has work to do (a task attempt to run, or a
-- workflow step to take). Inserted when work becomes ready (or scheduled, with `run_at` in the
-- future), deleted when claimed. Never updated, so the claim index only ever sees inserts and
-- deletes, and the table stays as small as the backlog.
CREATE TABLE rhythm_ready (
    execution_id text        PRIMARY KEY REFERENCES rhythm_executions (id) ON DELETE CASCADE,
    kind         text        NOT NULL CHECK (kind IN ('task', 'workflow')),
    name         text        NOT NULL,
    queue        text        NOT NULL,
    priority     integer     NOT NULL,
    run_at       timestamptz NOT NULL,
    attempt      integer     NOT NULL CHECK (attempt >= 1),
    seq          bigint      GENERATED ALWAYS AS IDENTITY
);
-- The claim path: `WHERE kind = $1 AND queue = ANY($2) AND run_at <= now()
-- ORDER BY priority DESC, run_at, seq LIMIT n FOR UPDATE SKIP LOCKED`.
CREATE INDEX rhythm_ready_claim ON rhythm_ready (kind, queue, priority DESC, run_at, seq);

-- Task attempts in flight: one row per claimed attempt, inserted on claim and deleted on
-- completion, failure, release or expiry. Small (bounded by the workers' concurrency), so the
-- reaper's scan of expired leases and deadlines needs no index, and heartbeats (which update
-- `lease_expires_at`) stay HOT.
CREATE TABLE rhythm_attempts (
    execution_id     text        PRIMARY KEY REFERENCES rhythm_executions (id) ON DELETE CASCADE,
    attempt          integer     NOT NULL CHECK (attempt >= 1),
    worker_id        text        NOT NULL,
    claimed_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    lease_expires_at timestamptz NOT NULL,
    deadline_at      timestamptz
);

-- Saved interpreter/engine state of a workflow between two steps. `state_version` increases at
-- every step: a step writes `WHERE state_version = <the version it loaded>`, so two workers never
-- both advance one execution.
CREATE TABLE rhythm_workflow_state (
    execution_id  text        PRIMARY KEY REFERENCES rhythm_executions (id) ON DELETE CASCADE,
    state         bytea       NOT NULL,
    state_version bigint      NOT NULL DEFAULT 0,
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- What happened to a workflow since its last step (a child task settled, a timer fired, a
-- cancel was asked), in arrival order. A step reads and deletes its execution's rows.
CREATE TABLE rhythm_inbox (
    seq          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    execution_id text        NOT NULL REFERENCES rhythm_executions (id) ON DELETE CASCADE,
    event        jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX rhythm_inbox_execution ON rhythm_inbox (execution_id, seq);

-- Durable timers of workflows (`Time.sleep`, timeouts). Inserted by a step, deleted when due.
CREATE TABLE rhythm_timers (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    execution_id text        NOT NULL REFERENCES rhythm_executions (id) ON DELETE CASCADE,
    timer_key    text        NOT NULL,
    fire_at      timestamptz NOT NULL,
    UNIQUE (execution_id, timer_key)
);
-- The due-timer query: `WHERE fire_at <= now() ORDER BY fire_at LIMIT n FOR UPDATE SKIP LOCKED`.
CREATE INDEX rhythm_timers_due ON rhythm_timers (fire_at);

-- Signals sent to workflows: buffered in arrival order (`seq`), consumed exactly once (the
-- consuming step deletes the row inside its own transaction, see rhythm_consume_signal).
CREATE TABLE rhythm_signals (
    seq          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    execution_id text        NOT NULL REFERENCES rhythm_executions (id) ON DELETE CASCADE,
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 256),
    payload      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX rhythm_signals_lookup ON rhythm_signals (execution_id, name, seq);

-- Signal names a waiting workflow currently listens for, so a sent signal wakes it only when
-- it is waited for. Rewritten by each step.
CREATE TABLE rhythm_signal_waits (
    execution_id text NOT NULL REFERENCES rhythm_executions (id) ON DELETE CASCADE,
    name         text NOT NULL,
    PRIMARY KEY (execution_id, name)
);

-- Log lines written by workflows (`console.log`) and tasks.
CREATE TABLE rhythm_logs (
    seq          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    execution_id text        NOT NULL REFERENCES rhythm_executions (id) ON DELETE CASCADE,
    level        text        NOT NULL,
    message      text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX rhythm_logs_execution ON rhythm_logs (execution_id, seq);

-- Consumes the oldest buffered signal `name` of an execution, exactly once: the row is locked
-- and deleted in the caller's transaction; a concurrent consumer skips it and takes the next.
-- Returns no row when none is buffered.
CREATE FUNCTION rhythm_consume_signal(p_execution_id text, p_name text)
RETURNS TABLE (seq bigint, payload jsonb, created_at timestamptz)
LANGUAGE sql AS $$
    DELETE FROM rhythm_signals s
    WHERE s.seq = (
        SELECT i.seq FROM rhythm_signals i
        WHERE i.execution_id = p_execution_id AND i.name = p_name
        ORDER BY i.seq
        LIMIT 1
        FOR UPDATE SKIP LOCKED
    )
    RETURNING s.seq, s.payload, s.created_at
$$;

-- Delay before retry `attempt + 1` after attempt `attempt` failed: exponential from `base_ms`,
-- capped at one hour, with ±20 % jitter so failures of many tasks do not retry in lockstep.
CREATE FUNCTION rhythm_backoff(base_ms integer, attempt integer)
RETURNS interval
LANGUAGE sql VOLATILE AS $$
    SELECT (least(base_ms::float8 * power(2::float8, least(greatest(attempt, 1) - 1, 30)), 3600000)
            * (0.8 + random() * 0.4)) * interval '1 millisecond'
$$;
