//! `cargo run --release -p rhythm-runtime --bin bench`: figures of the Postgres runtime on the
//! local database (`DATABASE_URL`, default local trust auth), in a fresh database of its own.
//!
//! Prints: batched enqueue rate; no-op standalone tasks per second with Rust handlers;
//! commits and WAL bytes per task; enqueue→start latency p50/p99 with an idle worker; and the
//! `pgbench` limit of a minimal batched queue (100 jobs a transaction: insert, claim with
//! SKIP LOCKED, complete) on the same database with as many connections as the workers use,
//! with the runtime's figure as a ratio to it. Each phase is bounded to a few seconds.
//!
//! `--only SECTIONS` (comma list of `tasks`, `latency`, `workflows`, `pgbench`; default all)
//! runs only those sections, e.g. `bench --only tasks,pgbench`.
//!
//! The bench drives the runtime through its public API (client, workers); what it reads of
//! Postgres itself (counters, progress, the pgbench queue) is in [`pg`], its only SQL.
#![deny(clippy::unwrap_used)]

mod pg;

use std::collections::HashMap;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rhythm_runtime::worker::{WithContext, WorkerStats};
use rhythm_runtime::{Client, StartOptions, TaskContext, TaskError, Worker, WorkerOptions};
use serde_json::{Value, json};

use pg::PgPool;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Workers in the throughput phase.
const WORKERS: usize = 2;
/// Connections each worker keeps busy on the hot path (claims, results).
const HOT_CONNECTIONS_PER_WORKER: usize = 2;
/// Tasks in the throughput phase.
const TASKS: usize = 100_000;
/// Enqueue batch size.
const ENQUEUE_BATCH: usize = 1000;
/// Latency samples.
const SAMPLES: usize = 300;
/// pgbench duration, seconds.
const PGBENCH_SECONDS: u32 = 5;

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("bench: {e}");
        std::process::exit(1);
    }
}

/// The sections of the bench, selectable with `--only`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sections {
    tasks: bool,
    latency: bool,
    workflows: bool,
    pgbench: bool,
}

impl Sections {
    const ALL: Sections = Sections {
        tasks: true,
        latency: true,
        workflows: true,
        pgbench: true,
    };

    /// Parses the command line: no argument runs everything; `--only a,b` (or `--only=a,b`)
    /// runs the named sections.
    fn from_args(args: &[String]) -> Result<Sections, BoxError> {
        let mut only: Option<&str> = None;
        let mut i = 0;
        while i < args.len() {
            let a = args[i].as_str();
            if a == "--only" {
                only = Some(args.get(i + 1).ok_or("--only needs a list of sections")?);
                i += 2;
            } else if let Some(v) = a.strip_prefix("--only=") {
                only = Some(v);
                i += 1;
            } else if a == "--help" || a == "-h" {
                return Err(USAGE.into());
            } else {
                return Err(format!("unknown argument {a:?}\n{USAGE}").into());
            }
        }
        let Some(list) = only else {
            return Ok(Sections::ALL);
        };
        let mut s = Sections {
            tasks: false,
            latency: false,
            workflows: false,
            pgbench: false,
        };
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "tasks" => s.tasks = true,
                "latency" => s.latency = true,
                "workflows" => s.workflows = true,
                "pgbench" => s.pgbench = true,
                other => return Err(format!("unknown section {other:?}\n{USAGE}").into()),
            }
        }
        if s == (Sections {
            tasks: false,
            latency: false,
            workflows: false,
            pgbench: false,
        }) {
            return Err(format!("--only names no section\n{USAGE}").into());
        }
        Ok(s)
    }
}

const USAGE: &str =
    "usage: bench [--only SECTIONS]   (SECTIONS: comma list of tasks, latency, workflows, pgbench)";

async fn run() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sections = Sections::from_args(&args)?;
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let (prefix, _) = base
        .rsplit_once('/')
        .ok_or("DATABASE_URL has no database part")?;
    let db = format!("rhythm_bench_{}", std::process::id());
    let url = format!("{prefix}/{db}");
    let mut admin = pg::Admin::connect(&base).await?;
    admin.create_database(&db).await?;
    let result = bench(&url, &db, sections).await;
    // Close every pool before dropping the database.
    tokio::time::sleep(Duration::from_millis(200)).await;
    if let Err(e) = admin.drop_database(&db).await {
        eprintln!("bench: could not drop {db}: {e}");
    }
    result
}

async fn bench(url: &str, db: &str, sections: Sections) -> Result<(), BoxError> {
    let pool = pg::pool(url, 4).await?;
    let client = Client::from_pool(pool.clone());
    client.migrate().await?;
    println!(
        "rhythm runtime bench: database {db}, {WORKERS} workers (concurrency 256, claim batch 128)"
    );
    let rate = if sections.tasks {
        Some(tasks(url, db, &pool, &client).await?)
    } else {
        None
    };

    if sections.latency {
        let (p50, p99) = latency(url, &client).await?;
        println!(
            "enqueue→start latency (idle):     p50 {p50:.2} ms, p99 {p99:.2} ms ({SAMPLES} samples; targets ≤ 5 ms, ≤ 20 ms)"
        );
    }

    if sections.workflows {
        workflow_awaits(url, db, &pool, &client).await?;
    }

    if sections.pgbench {
        let connections = WORKERS * HOT_CONNECTIONS_PER_WORKER;
        match pgbench(url, &pool, connections).await {
            Ok(limit) => {
                println!(
                    "pgbench limit (100 jobs/tx, {connections} connections, {PGBENCH_SECONDS} s): {limit:>9.0} jobs/s"
                );
                if let Some(rate) = rate {
                    println!(
                        "no-op tasks / pgbench limit:      {:>9.2}  (target ≥ 0.5)",
                        rate / limit
                    );
                }
            }
            Err(e) => println!("pgbench limit: not measured ({e})"),
        }
    }
    pool.close().await;
    Ok(())
}

/// Enqueues [`TASKS`] no-op tasks in batches, then drains them with [`WORKERS`] workers;
/// prints the enqueue rate, the processing rate and commits / WAL per task. Returns tasks/s.
async fn tasks(url: &str, db: &str, pool: &PgPool, client: &Client) -> Result<f64, BoxError> {
    // Enqueue, batched.
    let t = Instant::now();
    let mut batch = Vec::with_capacity(ENQUEUE_BATCH);
    for i in 0..TASKS {
        batch.push((
            "noop".to_owned(),
            json!({ "i": i }),
            StartOptions::default(),
        ));
        if batch.len() == ENQUEUE_BATCH {
            client.queue_tasks(std::mem::take(&mut batch)).await?;
        }
    }
    if !batch.is_empty() {
        client.queue_tasks(batch).await?;
    }
    let enqueue_rate = TASKS as f64 / t.elapsed().as_secs_f64();
    println!("enqueue (batches of {ENQUEUE_BATCH}):       {enqueue_rate:>9.0} tasks/s");

    // Throughput of no-op tasks from a full queue.
    let before = db_counters(pool, db).await?;
    let t = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..WORKERS {
        let mut w = Worker::connect(
            url,
            WorkerOptions {
                concurrency: 256,
                batch_size: 128,
                poll_interval: Duration::from_millis(200),
                ..WorkerOptions::default()
            },
        )
        .await?;
        w.register("noop", |_v: Value| async {
            Ok::<Value, TaskError>(Value::Null)
        });
        handles.push(w.spawn());
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let done = pg::completed(pool).await?;
        if done as usize >= TASKS {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("only {done} of {TASKS} tasks done after 60 s").into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = t.elapsed().as_secs_f64();
    let mut total = WorkerStats::default();
    for h in handles {
        let s = h.shutdown().await?;
        total.claimed += s.claimed;
        total.completed += s.completed;
    }
    let after = db_counters(pool, db).await?;
    let rate = TASKS as f64 / elapsed;
    println!(
        "no-op tasks (Rust handlers):      {rate:>9.0} tasks/s  ({TASKS} tasks in {elapsed:.2} s, claimed {}, completed {})",
        total.claimed, total.completed
    );
    let commits = (after.commits - before.commits) as f64 / TASKS as f64;
    let wal = (after.wal - before.wal) as f64 / TASKS as f64;
    println!(
        "per task while processing:        {commits:>9.3} commits, {wal:.0} WAL bytes (WAL is cluster-wide: other databases' writes count too); enqueue adds 1/{ENQUEUE_BATCH} commit"
    );

    Ok(rate)
}

async fn db_counters(pool: &PgPool, db: &str) -> Result<pg::Counters, BoxError> {
    // Statistics reach pg_stat_database within a second of a transaction's end.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    pg::counters(pool, db).await
}

async fn latency(url: &str, client: &Client) -> Result<(f64, f64), BoxError> {
    let started: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let s = started.clone();
    let mut w = Worker::connect(url, WorkerOptions::default()).await?;
    w.register(
        "ping",
        WithContext(move |t: TaskContext| {
            if let Ok(mut m) = s.lock() {
                m.insert(t.execution_id, Instant::now());
            }
            async { Ok::<Value, TaskError>(Value::Null) }
        }),
    );
    let h = w.spawn();
    tokio::time::sleep(Duration::from_millis(500)).await; // listening, idle
    let mut samples = Vec::with_capacity(SAMPLES);
    let mut enqueue_ms = Vec::with_capacity(SAMPLES);
    let mut after_commit = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let t0 = Instant::now();
        let id = client
            .queue_task("ping", json!({}), StartOptions::default())
            .await?
            .id;
        let committed = Instant::now();
        enqueue_ms.push((committed - t0).as_secs_f64() * 1000.0);
        let end = Instant::now() + Duration::from_secs(5);
        loop {
            let got = started.lock().ok().and_then(|m| m.get(&id).copied());
            if let Some(t1) = got {
                samples.push((t1 - t0).as_secs_f64() * 1000.0);
                after_commit.push(t1.saturating_duration_since(committed).as_secs_f64() * 1000.0);
                break;
            }
            if Instant::now() > end {
                return Err("a ping task did not start within 5 s".into());
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    h.shutdown().await?;
    println!(
        "  (of which the enqueue call, a synchronous commit: p50 {:.2} ms, p99 {:.2} ms)",
        percentile(&mut enqueue_ms, 0.50),
        percentile(&mut enqueue_ms, 0.99)
    );
    println!(
        "  (from the enqueue's return to the handler's start: p50 {:.2} ms, p99 {:.2} ms)",
        percentile(&mut after_commit, 0.50),
        percentile(&mut after_commit, 0.99)
    );
    Ok((
        percentile(&mut samples, 0.50),
        percentile(&mut samples, 0.99),
    ))
}

/// The `p` quantile of the samples (NaN when there are none).
fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64 * p) as usize).min(v.len().saturating_sub(1));
    v.get(i).copied().unwrap_or(f64::NAN)
}

/// The batched minimal queue pgbench runs: insert 100 jobs, claim 100 with SKIP LOCKED,
/// complete them, in one transaction.
const PGBENCH_SCRIPT: &str = r#"BEGIN;
INSERT INTO bench_jobs (payload) SELECT '{}'::jsonb FROM generate_series(1, 100);
WITH c AS (SELECT id FROM bench_jobs WHERE status = 0 ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED)
UPDATE bench_jobs j SET status = 1, locked_by = :client_id FROM c WHERE j.id = c.id;
UPDATE bench_jobs SET status = 2, done_at = now() WHERE locked_by = :client_id AND status = 1;
COMMIT;
"#;

async fn pgbench(url: &str, pool: &PgPool, connections: usize) -> Result<f64, BoxError> {
    pg::create_queue_table(pool).await?;
    let dir = std::env::temp_dir().join(format!("rhythm-pgbench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let script = dir.join("queue.sql");
    std::fs::write(&script, PGBENCH_SCRIPT)?;
    let out = Command::new("pgbench")
        .args([
            "-n",
            "-c",
            &connections.to_string(),
            "-j",
            &connections.min(2).to_string(),
        ])
        .args(["-T", &PGBENCH_SECONDS.to_string(), "-f"])
        .arg(&script)
        .arg(url)
        .output()?;
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("pgbench failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let tps = text
        .lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.trim_start_matches("tps = ").split_whitespace().next())
        .and_then(|n| n.parse::<f64>().ok())
        .ok_or_else(|| format!("no tps in pgbench output: {text}"))?;
    Ok(tps * 100.0)
}

/// Workflows of [`SEQ_TASKS`] sequential tasks started at once in the concurrent phase.
const SEQ_WORKFLOWS: usize = 1000;
/// Sequential task awaits per workflow in the concurrent phase.
const SEQ_TASKS: usize = 10;

/// Figures of workflows awaiting tasks: the time of one await in a sequential loop (one idle
/// worker), then awaits per second of [`SEQ_WORKFLOWS`] workflows of [`SEQ_TASKS`] sequential
/// no-op tasks each, all started before [`WORKERS`] workers (serving both steps and tasks)
/// begin, with commits, WAL bytes and saved state bytes per await.
async fn workflow_awaits(
    url: &str,
    db: &str,
    pool: &PgPool,
    client: &Client,
) -> Result<(), BoxError> {
    const SEQUENTIAL: usize = 100;
    client
        .register_workflow(
            "loop",
            "for (let i = 0; i < Inputs.n; i++) { await Task.run(\"noop\", { i }); }\nreturn Inputs.n;",
        )
        .await?;
    // Step knobs, for experiments: RHYTHM_BENCH_STEP_BATCH, RHYTHM_BENCH_STEP_CONCURRENCY.
    let knob = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(default)
    };
    let defaults = WorkerOptions::default();
    let step_batch = knob("RHYTHM_BENCH_STEP_BATCH", defaults.step_batch);
    let step_concurrency = knob("RHYTHM_BENCH_STEP_CONCURRENCY", defaults.step_concurrency);
    let connect = |concurrency: usize| {
        let url = url.to_owned();
        async move {
            let mut w = Worker::connect(
                &url,
                WorkerOptions {
                    serve_workflows: true,
                    concurrency,
                    batch_size: concurrency.min(128),
                    poll_interval: Duration::from_millis(200),
                    step_batch,
                    step_concurrency,
                    ..WorkerOptions::default()
                },
            )
            .await?;
            w.register("noop", |_v: Value| async {
                Ok::<Value, TaskError>(Value::Null)
            });
            Ok::<_, BoxError>(w)
        }
    };

    // One await at a time.
    let h = connect(64).await?.spawn();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let t = Instant::now();
    let id = client
        .start_workflow("loop", json!({ "n": SEQUENTIAL }), StartOptions::default())
        .await?
        .id;
    client.wait(&id, Duration::from_secs(60)).await?;
    let per_await = t.elapsed().as_secs_f64() * 1000.0 / SEQUENTIAL as f64;
    h.shutdown().await?;
    println!(
        "workflow await (sequential):      {per_await:>9.2} ms per awaited no-op task ({SEQUENTIAL} awaits in one workflow, idle worker)"
    );
    // Where an await's time goes, from the tasks' timestamps.
    let (run_ms, step_ms) = pg::await_split(pool, &id).await?;
    println!(
        "  (p50: step inserts the task → its completion starts {:.2} ms [step commit, claim, run]; completion starts → the next step inserts the next task {:.2} ms [synchronous completion commit, wake-up, next step])",
        run_ms.unwrap_or(f64::NAN),
        step_ms.unwrap_or(f64::NAN)
    );

    // Many workflows of sequential tasks at once: start them all, then let the workers go.
    let sem = Arc::new(tokio::sync::Semaphore::new(4));
    let mut starts = tokio::task::JoinSet::new();
    for _ in 0..SEQ_WORKFLOWS {
        let client = client.clone();
        let sem = sem.clone();
        starts.spawn(async move {
            let _permit = sem.acquire_owned().await?;
            let id = client
                .start_workflow("loop", json!({ "n": SEQ_TASKS }), StartOptions::default())
                .await?
                .id;
            Ok::<String, BoxError>(id)
        });
    }
    while let Some(r) = starts.join_next().await {
        r??;
    }
    let before = db_counters(pool, db).await?;
    let t = Instant::now();
    let mut handles = Vec::with_capacity(WORKERS);
    for _ in 0..WORKERS {
        handles.push(connect(256).await?.spawn());
    }
    // The sequential workflow above has ended too.
    let expected = SEQ_WORKFLOWS + 1;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let done = pg::workflows_ended(pool).await?;
        if done as usize >= expected {
            break;
        }
        if Instant::now() > deadline {
            return Err(
                format!("only {done} of {SEQ_WORKFLOWS} workflows ended after 120 s").into(),
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = t.elapsed().as_secs_f64();
    let mut total = WorkerStats::default();
    for h in handles {
        let s = h.shutdown().await?;
        total.steps += s.steps;
        total.step_batches += s.step_batches;
        total.state_bytes += s.state_bytes;
    }
    let after = db_counters(pool, db).await?;
    let failed = pg::workflows_not_completed(pool).await?;
    if failed > 0 {
        return Err(format!("{failed} workflows did not complete").into());
    }
    let awaits = (SEQ_WORKFLOWS * SEQ_TASKS) as f64;
    println!(
        "workflow awaits (concurrent):     {:>9.0} awaits/s  (target ≥ 5 000; {SEQ_WORKFLOWS} workflows × {SEQ_TASKS} sequential tasks in {elapsed:.2} s, {WORKERS} workers × {step_concurrency} step loops × batches of ≤ {step_batch}: {} steps in {} transactions)",
        awaits / elapsed,
        total.steps,
        total.step_batches,
    );
    println!(
        "per await:                        {:>9.3} commits (target ≤ 2), {:.0} WAL bytes, {:.0} bytes of saved state (WAL is cluster-wide; commits count the bench's progress polls)",
        (after.commits - before.commits) as f64 / awaits,
        (after.wal - before.wal) as f64 / awaits,
        total.state_bytes as f64 / awaits,
    );
    Ok(())
}
