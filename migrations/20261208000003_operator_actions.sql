-- Operator actions (retry, pause/resume, queue pause/resume; docs/runtime.md, "Operator actions").
--
-- A paused execution: `paused` is `{"by", "reason", "at"}` while it is paused, NULL otherwise.
-- Nullable without a default, so adding it rewrites nothing; unindexed, so setting it is a HOT
-- update. The step claim reads it from the execution row it locks anyway, and the task claim
-- from the row it joins anyway: no extra lookup on the hot path.
ALTER TABLE rhythm_executions ADD COLUMN paused jsonb;

-- Ready rows held while their execution is paused: same columns as rhythm_ready. Pause moves an
-- execution's ready rows here, resume moves them back (with their `run_at`), so the claim index
-- never walks over held work.
CREATE TABLE rhythm_held (
    execution_id text        PRIMARY KEY REFERENCES rhythm_executions (id) ON DELETE CASCADE,
    kind         text        NOT NULL,
    name         text        NOT NULL,
    queue        text        NOT NULL,
    priority     integer     NOT NULL,
    run_at       timestamptz NOT NULL,
    attempt      integer     NOT NULL
);

-- Paused queues: no task or step of these queues is claimed until the row is deleted. The claim
-- checks its one queue once per statement (a one-time filter on this primary key).
CREATE TABLE rhythm_paused_queues (
    queue     text        PRIMARY KEY,
    paused_by text        NOT NULL,
    reason    text,
    paused_at timestamptz NOT NULL DEFAULT now()
);
