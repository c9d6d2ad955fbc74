-- A workflow's task attempt whose worker died (its lease expired) is taken over: put back on the
-- queue as the same attempt, instead of failing it, up to two times per execution. The engine's
-- retry policy is for failures of the task itself, not for lost workers.
ALTER TABLE rhythm_executions ADD COLUMN lease_losses integer NOT NULL DEFAULT 0;
