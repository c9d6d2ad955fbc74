-- Workers register themselves so that operators (and the inspector's reasons) can tell a task
-- that waits for a worker from one that waits for a busy worker. One row per worker process;
-- `heartbeat_at` is refreshed every few seconds (an update of unindexed columns only, so it
-- stays HOT), `stopped_at` set on a graceful shutdown. A worker whose heartbeat is older than a
-- few periods is lost. Rows of stopped and lost workers stay for a day for `rhythm workers`.
CREATE TABLE rhythm_workers (
    id           text        PRIMARY KEY,
    host         text        NOT NULL,
    pid          integer     NOT NULL,
    queues       text[]      NOT NULL,
    tasks        text[]      NOT NULL,
    workflows    boolean     NOT NULL,
    sdk          text        NOT NULL,
    version      text        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    stopped_at   timestamptz
) WITH (fillfactor = 50);
