-- Indexes of `rhythm list` (see docs/runtime.md, "Indexes, and why"). It is on columns
-- written once at insert and never updated, so the one update an execution gets (at its end)
-- stays HOT.

-- `rhythm list --version HASH`: the executions of one workflow version, newest first. Partial:
-- tasks have no version and cost nothing here.
CREATE INDEX rhythm_executions_version ON rhythm_executions (content_hash, created_at DESC)
    WHERE content_hash IS NOT NULL;

-- No GIN index on `inputs` for `--where` (`inputs @> $n::jsonb`): it costs on every insert, in
-- proportion to the size of the inputs (measured: +60 % on the insert statement with 5-path
-- inputs). docs/runtime.md says how to add it where listing by inputs matters more.
