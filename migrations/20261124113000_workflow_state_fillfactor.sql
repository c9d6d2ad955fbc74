-- Batched workflow steps: every step rewrites its workflow's saved state (one row, ~1 kB).
-- fillfactor 50 leaves room in each page for the new version, so the update is HOT (no new
-- entry in the primary key index) instead of a cold update into another page. Applies to pages
-- written from now on.
ALTER TABLE rhythm_workflow_state SET (fillfactor = 50);
