//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::time::Duration;

use rhythm_runtime::{Worker, WorkerOptions};
use sqlx::PgPool;

/// Options for fast tests: short poll, reap and heartbeat periods.
pub fn fast_options() -> WorkerOptions {
    WorkerOptions {
        poll_interval: Duration::from_millis(100),
        reap_every: Duration::from_millis(100),
        heartbeat_every: Some(Duration::from_millis(100)),
        lease: Duration::from_secs(30),
        shutdown_grace: Duration::from_secs(5),
        ..WorkerOptions::default()
    }
}

/// A worker on the test pool.
pub fn worker(pool: &PgPool, options: WorkerOptions) -> Worker {
    Worker::new(pool.clone(), options)
}

/// Polls `f` until it returns true or 20 s pass.
pub async fn eventually<F, Fut>(what: &str, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let end = tokio::time::Instant::now() + Duration::from_secs(20);
    while tokio::time::Instant::now() < end {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for: {what}");
}

/// A scalar count from SQL.
pub async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(pool)
        .await
        .unwrap()
}
