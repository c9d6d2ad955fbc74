-- Indexes of `rhythm list` (see docs/runtime.md, "Indexes, and why"). Both are on columns
-- written once at insert and never updated, so the one update an execution gets (at its end)
-- stays HOT.

-- `rhythm list --version HASH`: the executions of one workflow version, newest first. Partial:
-- tasks have no version and cost nothing here.
CREATE INDEX rhythm_executions_version ON rhythm_executions (content_hash, created_at DESC)
    WHERE content_hash IS NOT NULL;
