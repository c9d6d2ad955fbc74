//! The bench's own SQL: what it measures of Postgres itself, beside the runtime.
//!
//! The runtime's SQL lives in its Postgres store (`store/postgres/`); this module is the one
//! exception, and the bench's alone. These queries are not operations of the runtime (no
//! client or worker needs them, and no other store could answer them): a scratch database of
//! the bench's own, progress polls that count rows, the server's commit and WAL counters, the
//! split of an await's time from the tasks' timestamps, and the minimal batched queue `pgbench`
//! runs as the limit the runtime is compared with. They read the tables the runtime writes, so
//! they follow its schema (`migrations/`).

use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgConnection, Row};

pub use sqlx::PgPool;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A connection to the server's default database, to create and drop the bench's own.
pub struct Admin(PgConnection);

impl Admin {
    /// Connects to `url` (`DATABASE_URL`).
    pub async fn connect(url: &str) -> Result<Self, BoxError> {
        Ok(Admin(PgConnection::connect(url).await?))
    }

    /// Creates the database `db` afresh (dropping a leftover of the same name).
    pub async fn create_database(&mut self, db: &str) -> Result<(), BoxError> {
        sqlx::query(&format!("DROP DATABASE IF EXISTS {db}"))
            .execute(&mut self.0)
            .await?;
        sqlx::query(&format!("CREATE DATABASE {db}"))
            .execute(&mut self.0)
            .await?;
        Ok(())
    }

    /// Drops the database `db`, closing its connections.
    pub async fn drop_database(&mut self, db: &str) -> Result<(), BoxError> {
        sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
            .execute(&mut self.0)
            .await?;
        Ok(())
    }
}

/// A pool of up to `max_connections` on `url`, for the client and the bench's own queries.
pub async fn pool(url: &str, max_connections: u32) -> Result<PgPool, BoxError> {
    Ok(PgPoolOptions::new()
        .max_connections(max_connections)
        .connect(url)
        .await?)
}

/// How many standalone tasks and workflows have completed.
pub async fn completed(pool: &PgPool) -> Result<i64, BoxError> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM rhythm_executions WHERE status = 'completed'")
            .fetch_one(pool)
            .await?,
    )
}

/// How many workflows have ended (completed, failed or cancelled).
pub async fn workflows_ended(pool: &PgPool) -> Result<i64, BoxError> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM rhythm_executions
         WHERE kind = 'workflow' AND status IN ('completed', 'failed', 'cancelled')",
    )
    .fetch_one(pool)
    .await?)
}

/// How many workflows have not completed.
pub async fn workflows_not_completed(pool: &PgPool) -> Result<i64, BoxError> {
    Ok(sqlx::query_scalar(
        "SELECT count(*) FROM rhythm_executions WHERE kind = 'workflow' AND status <> 'completed'",
    )
    .fetch_one(pool)
    .await?)
}

/// The server's counters of one database.
pub struct Counters {
    /// Transactions committed in it.
    pub commits: i64,
    /// WAL bytes written so far (cluster-wide).
    pub wal: i64,
}

/// The commit and WAL counters of the database `db`, as the statistics show them now.
pub async fn counters(pool: &PgPool, db: &str) -> Result<Counters, BoxError> {
    let mut conn = pool.acquire().await?;
    sqlx::query("SELECT pg_stat_clear_snapshot()")
        .execute(&mut *conn)
        .await?;
    let row = sqlx::query(
        "SELECT xact_commit, (pg_current_wal_lsn() - '0/0'::pg_lsn)::int8 AS wal
         FROM pg_stat_database WHERE datname = $1",
    )
    .bind(db)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Counters {
        commits: row.try_get("xact_commit")?,
        wal: row.try_get("wal")?,
    })
}

/// Where the awaits of workflow `id` spent their time, from its tasks' timestamps (`created_at`
/// is taken when the step inserts the task, `completed_at` when the completion's transaction
/// starts): the p50 of step inserts the task → its completion starts, and of completion starts
/// → the next step inserts the next task, in milliseconds.
pub async fn await_split(pool: &PgPool, id: &str) -> Result<(Option<f64>, Option<f64>), BoxError> {
    let row = sqlx::query(
        "WITH t AS (
             SELECT created_at, completed_at,
                    lead(created_at) OVER (ORDER BY created_at) AS next_created
             FROM rhythm_executions WHERE parent_id = $1)
         SELECT (percentile_cont(0.5) WITHIN GROUP (ORDER BY
                     extract(epoch FROM completed_at - created_at)) * 1000)::float8 AS run_ms,
                (percentile_cont(0.5) WITHIN GROUP (ORDER BY
                     extract(epoch FROM next_created - completed_at)) * 1000)::float8 AS step_ms
         FROM t",
    )
    .bind(id)
    .fetch_one(pool)
    .await?;
    Ok((row.try_get("run_ms")?, row.try_get("step_ms")?))
}

/// Creates the table of the minimal queue `pgbench` runs, with its indexes.
pub async fn create_queue_table(pool: &PgPool) -> Result<(), BoxError> {
    sqlx::query(
        "CREATE TABLE bench_jobs (id bigserial PRIMARY KEY, payload jsonb NOT NULL,
         status smallint NOT NULL DEFAULT 0, locked_by int, done_at timestamptz)",
    )
    .execute(pool)
    .await?;
    sqlx::query("CREATE INDEX bench_jobs_ready ON bench_jobs (id) WHERE status = 0")
        .execute(pool)
        .await?;
    sqlx::query("CREATE INDEX bench_jobs_locked ON bench_jobs (locked_by) WHERE status = 1")
        .execute(pool)
        .await?;
    Ok(())
}
