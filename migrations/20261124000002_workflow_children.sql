-- Workflow steps: a task attempt or child workflow started by a workflow remembers which of
-- the parent's handles (and, for tasks, which attempt) its result goes to.
ALTER TABLE rhythm_executions
    ADD COLUMN parent_handle  bigint,
    ADD COLUMN parent_attempt integer;
