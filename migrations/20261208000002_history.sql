-- The history of every execution: an append-only log, in order, of what happened to it
-- (attempts failed / timed out / taken over / released, steps, timers, signals, cancel requests,
-- operator actions). Rows are inserted by the statements that make the changes they record, in
-- the same transaction, and never updated. What the execution row already holds is not written
-- twice: its start (`created_at`), its end (`status`, `completed_at`, `error`) and its last,
-- successful attempt (the columns below, set by the completion's update) are read from there
-- and merged into the history by the reader; so the common path, a task that succeeds, writes
-- no history row at all.
-- `seq` orders the rows of one execution (and of the whole table, by commit order of the
-- sequence); `(execution_id, seq)` is the only index, so an insert costs one B-tree entry.
-- No foreign key: the check would cost an index probe per row on the hot path; prune deletes an
-- execution's history with the execution.
CREATE TABLE rhythm_history (
    execution_id text        NOT NULL,
    seq          bigint      GENERATED ALWAYS AS IDENTITY,
    at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    type         text        NOT NULL,
    data         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (execution_id, seq)
);

-- The attempt that completed a task: its number, its worker and when it was claimed. Set by the
-- completion's update, which already rewrites the row (unindexed columns: still a HOT update).
ALTER TABLE rhythm_executions
    ADD COLUMN last_attempt    integer,
    ADD COLUMN last_worker_id  text,
    ADD COLUMN last_claimed_at timestamptz;
