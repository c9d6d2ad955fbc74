-- The history of every execution: an append-only log, in order, of what happened to it
-- (started, attempts queued / claimed / completed / failed / timed out / taken over, steps,
-- timers, signals, children, cancels, operator actions, status changes). Rows are inserted by the
-- statements that make the changes they record, in the same transaction, and never updated.
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
