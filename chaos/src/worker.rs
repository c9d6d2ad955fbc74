//! `rhythm-chaos worker`: one worker process with the chaos task handlers, serving workflow
//! steps. Every handler run that finishes is recorded in `chaos_runs` (execution, attempt, pid,
//! outcome) before the handler returns, so the checks can count re-runs. The process stops
//! gracefully when its stdin closes (the harness closes it, or dies) or on SIGTERM.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use clap::Args;
use rhythm_runtime::worker::WithContext;
use rhythm_runtime::{TaskContext, TaskError, Worker, WorkerOptions};
use serde_json::{Value, json};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tokio::io::AsyncReadExt;

use crate::schema;

/// Options of `rhythm-chaos worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// The chaos database.
    #[arg(long)]
    pub url: String,
    /// Lease length in milliseconds (short, so takeovers happen within the run).
    #[arg(long, default_value_t = 2000)]
    pub lease_ms: u64,
    /// Task attempts run at once.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// Workflow steps run at once.
    #[arg(long, default_value_t = 3)]
    pub step_concurrency: usize,
}

/// How long a handler keeps retrying to record its run while the database is away.
const RECORD_FOR: Duration = Duration::from_secs(60);

/// Runs the worker until stdin closes or SIGTERM.
pub async fn worker(args: WorkerArgs) -> Result<()> {
    let pid = std::process::id();
    let url = crate::url::with_param(
        &args.url,
        "application_name",
        &format!("chaos-worker-{pid}"),
    );
    // Lazy pools: a replacement worker may start while Postgres is restarting.
    let steps = args.step_concurrency.max(1);
    let pool = PgPoolOptions::new()
        .max_connections(u32::try_from(6 + steps).unwrap_or(8))
        .acquire_timeout(Duration::from_secs(10))
        .connect_lazy(&url)?;
    let log_pool = PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy(&url)?;
    let options = WorkerOptions {
        worker_id: Some(format!("chaos-{pid}")),
        concurrency: args.concurrency.max(1),
        batch_size: args.concurrency.max(1),
        lease: Duration::from_millis(args.lease_ms.max(1000)),
        poll_interval: Duration::from_millis(200),
        reap_every: Duration::from_millis(500),
        shutdown_grace: Duration::from_secs(5),
        serve_workflows: true,
        step_concurrency: steps,
        ..WorkerOptions::default()
    };
    let mut w = Worker::new(pool, options);
    let logs = Arc::new(log_pool);
    let l = logs.clone();
    w.register(
        schema::TASK,
        WithContext(move |t: TaskContext| {
            let pool = l.clone();
            async move { chaos_task(&pool, pid, t).await }
        }),
    );
    let l = logs.clone();
    w.register(
        schema::DOUBLE,
        WithContext(move |t: TaskContext| {
            let pool = l.clone();
            async move {
                let n = t.inputs["n"].as_i64().unwrap_or(0);
                record(&pool, pid, &t, "ok").await?;
                Ok(json!(n * 2))
            }
        }),
    );
    let stats = w.run_until(stop_signal()).await?;
    tracing::info!("worker {pid} stopped: {stats:?}");
    Ok(())
}

/// Resolves when stdin reaches end of file (or fails) or SIGTERM arrives.
async fn stop_signal() {
    let stdin = async {
        let mut buf = [0u8; 64];
        let mut stdin = tokio::io::stdin();
        loop {
            match stdin.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = stdin => {}
        () = term => {}
    }
}

/// The standalone task: `{i, n, slow_ms, mode}` → `{i, v: 3n + 1}`. Mode `flaky` fails its
/// first attempt (retryable), `fatal` fails for good.
async fn chaos_task(pool: &PgPool, pid: u32, t: TaskContext) -> Result<Value, TaskError> {
    let i = t.inputs["i"].clone();
    let n = t.inputs["n"].as_i64().unwrap_or(0);
    let slow = t.inputs["slow_ms"].as_u64().unwrap_or(0);
    if slow > 0 {
        tokio::time::sleep(Duration::from_millis(slow)).await;
    }
    match t.inputs["mode"].as_str().unwrap_or("ok") {
        "fatal" => {
            record(pool, pid, &t, "fatal").await?;
            Err(TaskError::fatal("ChaosFatal", "this task always fails"))
        }
        "flaky" if t.attempt == 1 => {
            record(pool, pid, &t, "flaky").await?;
            Err(TaskError::new("ChaosFlaky", "the first attempt fails"))
        }
        _ => {
            record(pool, pid, &t, "ok").await?;
            Ok(json!({ "i": i, "v": n * 3 + 1 }))
        }
    }
}

/// Records one finished handler run, retrying while the database is away. The run id makes a
/// retried insert (after an ambiguous commit) count once.
async fn record(pool: &PgPool, pid: u32, t: &TaskContext, outcome: &str) -> Result<(), TaskError> {
    let run_id = uuid::Uuid::new_v4();
    let end = tokio::time::Instant::now() + RECORD_FOR;
    let mut delay = Duration::from_millis(50);
    loop {
        let r = sqlx::query(
            "INSERT INTO chaos_runs (run_id, execution_id, name, attempt, worker_pid, outcome) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (run_id) DO NOTHING",
        )
        .bind(run_id)
        .bind(&t.execution_id)
        .bind(&t.name)
        .bind(t.attempt)
        .bind(i32::try_from(pid).unwrap_or(-1))
        .bind(outcome)
        .execute(pool)
        .await;
        match r {
            Ok(_) => return Ok(()),
            Err(e) if tokio::time::Instant::now() < end => {
                tracing::debug!("chaos worker: recording a run failed, retrying: {e}");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(1));
            }
            Err(e) => {
                return Err(TaskError::new(
                    "ChaosRecord",
                    format!("cannot record the run: {e}"),
                ));
            }
        }
    }
}
