-- Task definitions registered by workers (the SDK's `@rhythm.task(retries=, timeout=, queue=)`):
-- the defaults of each task for the calls that leave those options out. `defaults` is a task
-- manifest entry ({"queue", "retries", "timeout"}). `revision` grows with every change, in commit
-- order (registrations take an advisory lock), so a step worker that cached the definitions at
-- revision R reloads them when it sees a larger maximum.
CREATE SEQUENCE rhythm_task_definitions_revision;

CREATE TABLE rhythm_task_definitions (
    name       text PRIMARY KEY,
    defaults   jsonb NOT NULL,
    revision   bigint NOT NULL DEFAULT nextval('rhythm_task_definitions_revision'),
    updated_at timestamptz NOT NULL DEFAULT now()
);
