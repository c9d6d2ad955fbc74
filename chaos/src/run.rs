//! `rhythm-chaos run`: set up the database and the workers, drive the load while the fault loop
//! runs, drain, check, print the summary.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use rhythm_runtime::{Client, StartOptions};
use serde_json::{Value, json};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::check::{self, Expect, Expectations, IdemStart};
use crate::faults::{self, PgCluster, ServerGuard, Workers};
use crate::rng::Rng;
use crate::schema;

/// Options of `rhythm-chaos run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Seconds of load and faults (the drain comes after).
    #[arg(long, default_value_t = 40)]
    pub seconds: u64,
    /// Standalone tasks to run.
    #[arg(long, default_value_t = 1000)]
    pub tasks: usize,
    /// Workflows to run (each with two tasks, a timer, a child workflow and signals).
    #[arg(long, default_value_t = 100)]
    pub workflows: usize,
    /// Seed of the load's shape and of the fault choices (default: from the clock).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Do not restart Postgres.
    #[arg(long)]
    pub no_db_restart: bool,
    /// Postgres restarts during the run.
    #[arg(long, default_value_t = 1)]
    pub db_restarts: u32,
    /// Shutdown mode of the restarts: `fast` (a clean restart) or `immediate` (a crash: the
    /// server recovers from the WAL, and commits made with `synchronous_commit = off` may be lost).
    #[arg(long, default_value = "fast", value_parser = ["fast", "immediate"])]
    pub restart_mode: String,
    /// Worker processes alive at any time.
    #[arg(long, default_value_t = 3)]
    pub workers: usize,
    /// Signals each workflow waits for.
    #[arg(long, default_value_t = 3)]
    pub signals: usize,
    /// Workflows started and then cancelled (default: a tenth of `--workflows`).
    #[arg(long)]
    pub cancels: Option<usize>,
    /// Concurrent clients sending signals.
    #[arg(long, default_value_t = 8)]
    pub signal_clients: usize,
    /// Concurrent starts sharing one idempotency key.
    #[arg(long, default_value_t = 4)]
    pub concurrent_starts: usize,
    /// Mean milliseconds between two worker kills.
    #[arg(long, default_value_t = 3000)]
    pub kill_every_ms: u64,
    /// Mean milliseconds between two rounds of `pg_terminate_backend` on the workers.
    #[arg(long, default_value_t = 5000)]
    pub terminate_every_ms: u64,
    /// Worker lease in milliseconds.
    #[arg(long, default_value_t = 2000)]
    pub lease_ms: u64,
    /// Seconds the drain may take before what is left counts as stuck.
    #[arg(long, default_value_t = 120)]
    pub drain_seconds: u64,
    /// A database on the server to connect to for administration (loopback only).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub url: String,
    /// Keep the chaos database and the worker logs at the end (they are kept anyway when a
    /// check fails).
    #[arg(long)]
    pub keep_db: bool,
}

/// Counters of the client side.
#[derive(Debug, Default)]
pub struct ClientStats {
    /// Client calls that failed and were retried (database restarting, connection lost).
    pub retried_calls: AtomicU64,
    /// Signal sends whose outcome was unknown and that were checked against the trigger log.
    pub signals_checked: AtomicU64,
    /// Client errors by kind (the message without ids and numbers), with counts.
    pub errors: std::sync::Mutex<std::collections::BTreeMap<String, u64>>,
}

impl ClientStats {
    /// Counts a failed client call that will be retried.
    fn retried(&self, what: &str, e: &dyn std::fmt::Display) {
        self.retried_calls.fetch_add(1, Ordering::Relaxed);
        let kind: String = format!("{what}: {e}")
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .take(160)
            .collect();
        if let Ok(mut m) = self.errors.lock() {
            *m.entry(kind).or_default() += 1;
        }
    }
}

/// What the fault loop did.
#[derive(Debug, Default)]
pub struct FaultStats {
    /// Workers SIGKILLed.
    pub kills: u64,
    /// Postgres restarts done.
    pub restarts: u64,
    /// Rounds of `pg_terminate_backend`, and connections terminated.
    pub terminate_rounds: u64,
    /// Connections terminated in all.
    pub terminated: i64,
    /// Notes (a restart that was not permitted, ...).
    pub notes: Vec<String>,
}

/// Everything the load tasks share.
struct Load {
    client: Client,
    pool: PgPool,
    expect: Mutex<Expectations>,
    stats: ClientStats,
    /// Give up on a client call (the run fails) after this.
    deadline: Instant,
}

/// Runs the harness. `Ok(true)` when every check passed.
pub async fn run(args: RunArgs) -> Result<bool> {
    crate::url::require_loopback(&args.url)?;
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
    });
    let mut rng = Rng::new(seed);
    let database = format!("rhythm_chaos_{}", std::process::id());
    let db_url = crate::url::with_database(&args.url, &database)?;
    let restarts_wanted = if args.no_db_restart {
        0
    } else {
        args.db_restarts
    };
    let cluster = if restarts_wanted > 0 {
        match PgCluster::detect(&args.url) {
            Ok(c) => Some(c),
            Err(e) => {
                println!("chaos: note: Postgres restarts skipped: {e:#}");
                None
            }
        }
    } else {
        None
    };
    // From here on, Postgres is up again whenever this function returns or unwinds.
    let guard = ServerGuard(cluster.clone());

    let admin = PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(10))
        .connect(&args.url)
        .await
        .context("connecting to the admin database")?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        .execute(&admin)
        .await?;
    sqlx::query(&format!("CREATE DATABASE {database}"))
        .execute(&admin)
        .await?;
    println!(
        "chaos: seed {seed}, database {database}, {} s of load and faults, {} tasks, {} workflows, {} workers",
        args.seconds, args.tasks, args.workflows, args.workers
    );

    let result = tokio::select! {
        r = drive(&args, &mut rng, &admin, &database, &db_url, cluster.as_ref()) => r,
        _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
    };
    // Interrupted or not, Postgres is up again before going on (the workers were dropped with
    // the run, which kills them).
    drop(guard);
    let passed = match result {
        Ok(passed) => passed,
        Err(e) => {
            println!("chaos: the run failed: {e:#}; database {database} kept");
            return Err(e);
        }
    };
    if passed && !args.keep_db {
        let dropped = sqlx::query(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            .execute(&admin)
            .await;
        if let Err(e) = dropped {
            println!("chaos: note: could not drop {database}: {e}");
        }
    } else {
        println!("chaos: database {database} kept for inspection");
    }
    Ok(passed)
}

/// Everything between creating the database and dropping it.
async fn drive(
    args: &RunArgs,
    rng: &mut Rng,
    admin: &PgPool,
    database: &str,
    db_url: &str,
    cluster: Option<&PgCluster>,
) -> Result<bool> {
    let pool = PgPoolOptions::new()
        .max_connections(u32::try_from(args.signal_clients + 8).unwrap_or(16))
        .acquire_timeout(Duration::from_secs(10))
        .connect(db_url)
        .await?;
    let client = Client::from_pool(pool.clone());
    client.migrate().await?;
    for stmt in schema::SETUP {
        sqlx::query(stmt).execute(&pool).await?;
    }
    client
        .register_workflow(schema::MAIN_FLOW, &schema::main_flow())
        .await?;
    client
        .register_workflow(schema::CHILD_FLOW, &schema::child_flow())
        .await?;
    client
        .register_workflow(schema::CANCEL_FLOW, &schema::cancel_flow())
        .await?;

    let log_dir = std::env::temp_dir().join(database);
    std::fs::create_dir_all(&log_dir)?;
    let mut workers = Workers::new(db_url, args.lease_ms, log_dir.clone())?;
    for _ in 0..args.workers.max(1) {
        workers.spawn()?;
    }

    let start = Instant::now();
    let run_for = Duration::from_secs(args.seconds.max(5));
    // Load arrives during the first 60 % of the run, so every fault hits work in flight.
    let load_for = run_for.mul_f64(0.6);
    let load = Arc::new(Load {
        client,
        pool: pool.clone(),
        expect: Mutex::new(Expectations::default()),
        stats: ClientStats::default(),
        deadline: start + run_for + Duration::from_secs(120),
    });

    let mut producers = JoinSet::new();
    let (sig_tx, sig_rx) = mpsc::unbounded_channel::<(String, String, u64)>();
    let sig_rx = Arc::new(Mutex::new(sig_rx));
    let mut senders = JoinSet::new();
    for _ in 0..args.signal_clients.max(1) {
        senders.spawn(signal_client(load.clone(), sig_rx.clone()));
    }
    producers.spawn(produce_tasks(
        load.clone(),
        args.tasks,
        start,
        load_for,
        rng.fork(),
    ));
    producers.spawn(produce_workflows(
        load.clone(),
        args.workflows,
        args.signals,
        start,
        load_for,
        rng.fork(),
        sig_tx,
    ));
    producers.spawn(produce_cancels(
        load.clone(),
        args.cancels.unwrap_or(args.workflows / 10),
        start,
        load_for,
        rng.fork(),
    ));
    let idem_keys = (args.workflows / 10).max(1);
    let idem_task_keys = (args.tasks / 100).max(1);
    let idem: Arc<Mutex<Vec<IdemStart>>> = Arc::default();
    producers.spawn(produce_idempotent(
        load.clone(),
        idem_keys,
        idem_task_keys,
        args.concurrent_starts.max(2),
        start,
        load_for,
        rng.fork(),
        idem.clone(),
    ));

    // A progress line every 30 s.
    let progress_pool = pool.clone();
    let progress = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        tick.tick().await;
        loop {
            tick.tick().await;
            let counts = sqlx::query_as::<_, (i64, i64)>(
                "SELECT count(*), count(*) FILTER (WHERE status IN ('completed', 'failed', 'cancelled')) \
                 FROM rhythm_executions",
            )
            .fetch_one(&progress_pool)
            .await;
            if let Ok((all, done)) = counts {
                println!(
                    "chaos: {:.0} s: {all} executions, {done} finished",
                    start.elapsed().as_secs_f64()
                );
            }
        }
    });
    let progress = AbortOnDrop(progress);

    // The fault loop.
    let restarts_wanted = if args.no_db_restart || cluster.is_none() {
        0
    } else {
        args.db_restarts
    };
    let faults = fault_loop(
        args,
        rng,
        admin,
        database,
        cluster,
        &mut workers,
        start + run_for,
        restarts_wanted,
    )
    .await?;

    // Wait for the load to be submitted (bounded by the clients' deadline).
    let mut load_errors = Vec::new();
    while let Some(r) = producers.join_next().await {
        match r {
            Ok(Ok(())) => {}
            Ok(Err(e)) => load_errors.push(format!("{e:#}")),
            Err(e) => load_errors.push(format!("load task panicked: {e}")),
        }
    }
    while let Some(r) = senders.join_next().await {
        match r {
            Ok(Ok(())) => {}
            Ok(Err(e)) => load_errors.push(format!("{e:#}")),
            Err(e) => load_errors.push(format!("signal client panicked: {e}")),
        }
    }
    let loaded_at = start.elapsed();

    // Drain: everything must reach a terminal status within the drain period.
    let drain_end = Instant::now() + Duration::from_secs(args.drain_seconds);
    let mut open = i64::MAX;
    while Instant::now() < drain_end {
        workers.check_alive()?;
        match sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM rhythm_executions WHERE status IN ('running', 'waiting')",
        )
        .fetch_one(&pool)
        .await
        {
            Ok(0) => {
                open = 0;
                break;
            }
            Ok(n) => open = n,
            Err(e) => tracing::debug!("drain: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let drained_at = start.elapsed();
    drop(progress);
    workers.check_alive()?;
    workers.shutdown(Duration::from_secs(15)).await;
    println!(
        "chaos: load submitted after {:.1} s, drained after {:.1} s ({} open at the end)",
        loaded_at.as_secs_f64(),
        drained_at.as_secs_f64(),
        if open == i64::MAX { -1 } else { open }
    );

    let expectations = std::mem::take(&mut *load.expect.lock().await);
    let idem = std::mem::take(&mut *idem.lock().await);
    let report = check::check(&pool, &expectations, &idem).await?;
    let stats = &load.stats;
    println!(
        "chaos: faults: {} worker kills, {} db restarts, {} terminate rounds ({} connections); \
         client calls retried: {}; signal sends checked after an error: {}",
        faults.kills,
        faults.restarts,
        faults.terminate_rounds,
        faults.terminated,
        stats.retried_calls.load(Ordering::Relaxed),
        stats.signals_checked.load(Ordering::Relaxed),
    );
    if let Ok(errors) = stats.errors.lock() {
        for (kind, n) in errors.iter() {
            println!("chaos: client error x{n}: {kind}");
        }
    }
    for note in &faults.notes {
        println!("chaos: note: {note}");
    }
    report.print_details();
    let (warnings, deadlocks, panics) = scan_logs(&log_dir);
    println!(
        "chaos: worker logs: {warnings} warnings ({deadlocks} deadlocks rolled back and retried), {panics} panics"
    );
    let mut failures = load_errors;
    if panics > 0 {
        failures.push(format!("{panics} panics in the worker logs"));
    }
    failures.extend(workers.unexpected_exits.iter().cloned());
    failures.extend(report.failures());
    for f in &failures {
        println!("chaos: FAIL: {f}");
    }
    println!(
        "chaos: {} executions, {} lost, {} stuck, {} duplicated completions, {} worker kills, {} db restarts",
        report.executions,
        report.lost(),
        report.stuck,
        report.duplicated(),
        faults.kills,
        faults.restarts
    );
    if !failures.is_empty() || args.keep_db {
        println!("chaos: worker logs in {}", log_dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&log_dir);
    }
    Ok(failures.is_empty())
}

/// Kills workers, terminates their connections and restarts Postgres until `end`.
#[allow(clippy::too_many_arguments)]
async fn fault_loop(
    args: &RunArgs,
    rng: &mut Rng,
    admin: &PgPool,
    database: &str,
    cluster: Option<&PgCluster>,
    workers: &mut Workers,
    end: Instant,
    restarts_wanted: u32,
) -> Result<FaultStats> {
    let mut stats = FaultStats::default();
    let start = Instant::now();
    let span = end.saturating_duration_since(start);
    // Restarts evenly inside the run (at 1/(R+1), 2/(R+1), ...).
    let mut restarts: Vec<Instant> = (1..=restarts_wanted)
        .map(|i| start + span.mul_f64(f64::from(i) / f64::from(restarts_wanted + 1)))
        .collect();
    restarts.reverse();
    let jitter =
        |rng: &mut Rng, mean: u64| Duration::from_millis(rng.range(mean / 2, mean * 3 / 2 + 1));
    let mut next_kill = start + jitter(rng, args.kill_every_ms);
    let mut next_term = start + jitter(rng, args.terminate_every_ms);
    let mut restarting_allowed = cluster.is_some();
    loop {
        let next_restart = restarts.last().copied().filter(|_| restarting_allowed);
        let wake = [Some(next_kill), Some(next_term), next_restart, Some(end)]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(end);
        tokio::time::sleep_until(wake).await;
        let now = Instant::now();
        if now >= end {
            break;
        }
        workers.check_alive()?;
        if let (Some(t), Some(c)) = (next_restart, cluster)
            && now >= t
        {
            restarts.pop();
            println!(
                "chaos: restarting Postgres {} ({}) at {:.1} s",
                c.name(),
                args.restart_mode,
                start.elapsed().as_secs_f64()
            );
            let before = postmaster_start(admin).await;
            match c.restart(&args.restart_mode).await {
                Ok(()) => {
                    // Proof that the server really restarted: its start time moved.
                    let after = postmaster_start(admin).await;
                    if before.is_some() && before == after {
                        bail!(
                            "pg_ctlcluster restart succeeded but the server start time did not change"
                        );
                    }
                    stats.restarts += 1;
                }
                Err(e) => {
                    stats.notes.push(format!("Postgres restart skipped: {e:#}"));
                    restarting_allowed = false;
                    if !c.wait_ready(Duration::from_secs(60)).await {
                        bail!("Postgres is down after a failed restart");
                    }
                }
            }
        }
        if now >= next_kill {
            workers.kill_random(rng).await?;
            next_kill = Instant::now() + jitter(rng, args.kill_every_ms);
        }
        if now >= next_term {
            match faults::terminate_worker_connections(admin, database).await {
                Ok(n) => {
                    stats.terminate_rounds += 1;
                    stats.terminated += n;
                }
                Err(e) => tracing::debug!("terminate: {e}"),
            }
            next_term = Instant::now() + jitter(rng, args.terminate_every_ms);
        }
    }
    stats.kills = workers.kills;
    Ok(stats)
}

/// Counts warning lines, deadlocks and panics in the worker logs.
fn scan_logs(dir: &std::path::Path) -> (usize, usize, usize) {
    let (mut warnings, mut deadlocks, mut panics) = (0, 0, 0);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (0, 0, 0);
    };
    for entry in entries.flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        for line in text.lines() {
            warnings += usize::from(line.contains("WARN"));
            deadlocks += usize::from(line.contains("deadlock detected"));
            panics += usize::from(line.contains("panicked"));
        }
    }
    (warnings, deadlocks, panics)
}

/// Aborts a spawned task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The server's start time (`pg_postmaster_start_time()`), retried while it comes back up.
async fn postmaster_start(admin: &PgPool) -> Option<String> {
    for _ in 0..50 {
        match sqlx::query_scalar::<_, String>("SELECT pg_postmaster_start_time()::text")
            .fetch_one(admin)
            .await
        {
            Ok(t) => return Some(t),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    None
}

/// Calls `f` until it succeeds, retrying transient errors (with backoff) until the deadline.
async fn retry<T, F, Fut>(load: &Load, what: &str, mut f: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = rhythm_runtime::Result<T>>,
{
    let mut delay = Duration::from_millis(50);
    loop {
        match f().await {
            Ok(v) => return Ok(v),
            Err(e) if e.is_transient() && Instant::now() < load.deadline => {
                load.stats.retried(what, &e);
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(1));
            }
            Err(e) => bail!("{what}: {e}"),
        }
    }
}

/// The ids among `ids` that exist (after a start whose outcome is unknown).
async fn existing(load: &Load, ids: &[String]) -> Result<Vec<String>> {
    let ids = ids.to_vec();
    retry(load, "reading started ids", || {
        let ids = ids.clone();
        async move {
            Ok(sqlx::query_scalar::<_, String>(
                "SELECT id FROM rhythm_executions WHERE id = ANY($1)",
            )
            .bind(ids)
            .fetch_all(&load.pool)
            .await?)
        }
    })
    .await
}

/// Sleeps until the `k`-th of `count` items is due within the load window.
async fn pace(start: Instant, load_for: Duration, k: usize, count: usize) {
    let at = start + load_for.mul_f64(k as f64 / count.max(1) as f64);
    tokio::time::sleep_until(at).await;
}

/// Queues the standalone tasks in batches of 50 with explicit ids, spread over the window.
async fn produce_tasks(
    load: Arc<Load>,
    tasks: usize,
    start: Instant,
    load_for: Duration,
    mut rng: Rng,
) -> Result<()> {
    const BATCH: usize = 50;
    let batches = tasks.div_ceil(BATCH);
    let mut i = 0usize;
    for b in 0..batches {
        pace(start, load_for, b, batches).await;
        let mut batch: Vec<(String, Value, Expect)> = Vec::new();
        while batch.len() < BATCH && i < tasks {
            let n = rng.range(0, 1_000_000) as i64;
            let roll = rng.range(0, 100);
            let mode = match roll {
                0..=1 => "fatal",
                2..=11 => "flaky",
                _ => "ok",
            };
            // Most tasks are quick; one in five takes up to 1.5 s, so kills catch them running.
            let slow_ms = if rng.range(0, 5) == 0 {
                rng.range(100, 1500)
            } else {
                rng.range(0, 20)
            };
            let id = format!("t-{i}");
            let inputs = json!({ "i": i, "n": n, "slow_ms": slow_ms, "mode": mode });
            let expect = if mode == "fatal" {
                Expect::TaskFatal
            } else {
                Expect::TaskOk(json!({ "i": i, "v": n * 3 + 1 }))
            };
            batch.push((id, inputs, expect));
            i += 1;
        }
        {
            let mut e = load.expect.lock().await;
            for (id, _, expect) in &batch {
                e.by_id.insert(id.clone(), expect.clone());
            }
        }
        let mut pending: Vec<(String, Value)> =
            batch.into_iter().map(|(id, v, _)| (id, v)).collect();
        let mut delay = Duration::from_millis(50);
        loop {
            let req = pending
                .iter()
                .map(|(id, inputs)| {
                    (
                        schema::TASK.to_owned(),
                        inputs.clone(),
                        StartOptions {
                            id: Some(id.clone()),
                            max_attempts: Some(10),
                            backoff: Some(Duration::from_millis(200)),
                            ..StartOptions::default()
                        },
                    )
                })
                .collect();
            match load.client.queue_tasks(req).await {
                Ok(_) => break,
                Err(e) => {
                    load.stats.retried("queue_tasks", &e);
                    if Instant::now() >= load.deadline {
                        bail!("queueing tasks: {e}");
                    }
                    tracing::debug!("queue_tasks: {e}; checking what was stored");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(1));
                    let ids: Vec<String> = pending.iter().map(|(id, _)| id.clone()).collect();
                    let there = existing(&load, &ids).await?;
                    pending.retain(|(id, _)| !there.contains(id));
                    if pending.is_empty() {
                        break;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Starts the workflows with explicit ids, spread over the window, and queues their signals for
/// the signal clients.
#[allow(clippy::too_many_arguments)]
async fn produce_workflows(
    load: Arc<Load>,
    workflows: usize,
    signals: usize,
    start: Instant,
    load_for: Duration,
    mut rng: Rng,
    sig_tx: mpsc::UnboundedSender<(String, String, u64)>,
) -> Result<()> {
    for k in 0..workflows {
        pace(start, load_for, k, workflows).await;
        let n = rng.range(0, 1_000_000) as i64;
        let id = format!("w-{k}");
        load.expect
            .lock()
            .await
            .by_id
            .insert(id.clone(), Expect::Flow { n });
        let inputs = json!({ "n": n, "signals": signals });
        let mut delay = Duration::from_millis(50);
        loop {
            let r = load
                .client
                .start_workflow(
                    schema::MAIN_FLOW,
                    inputs.clone(),
                    StartOptions {
                        id: Some(id.clone()),
                        ..StartOptions::default()
                    },
                )
                .await;
            match r {
                Ok(_) => break,
                Err(e) => {
                    load.stats.retried("start_workflow", &e);
                    if Instant::now() >= load.deadline {
                        bail!("starting workflow {id}: {e}");
                    }
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(1));
                    if !existing(&load, std::slice::from_ref(&id)).await?.is_empty() {
                        break;
                    }
                }
            }
        }
        for s in 0..signals {
            // The receiver lives as long as the signal clients; a send error means they are
            // gone, which the join reports.
            let _ = sig_tx.send((id.clone(), format!("{id}-s{s}"), rng.range(0, 40)));
        }
    }
    Ok(())
}

/// Starts workflows that wait for ever and cancels each after a random pause (0–2 s), so cancels
/// land while its task runs, while it waits, or while a step runs.
async fn produce_cancels(
    load: Arc<Load>,
    count: usize,
    start: Instant,
    load_for: Duration,
    mut rng: Rng,
) -> Result<()> {
    let mut cancels = JoinSet::new();
    for k in 0..count {
        pace(start, load_for, k, count).await;
        let id = format!("c-{k}");
        let n = rng.range(0, 1_000_000) as i64;
        load.expect
            .lock()
            .await
            .by_id
            .insert(id.clone(), Expect::Cancelled);
        // The id, and the same key: a start retried after an unknown outcome returns the first.
        let options = StartOptions {
            id: Some(id.clone()),
            idempotency_key: Some(id.clone()),
            ..StartOptions::default()
        };
        retry(&load, "starting a workflow to cancel", || {
            load.client
                .start_workflow(schema::CANCEL_FLOW, json!({ "n": n }), options.clone())
        })
        .await?;
        let pause = Duration::from_millis(rng.range(0, 2000));
        let load = load.clone();
        cancels.spawn(async move {
            tokio::time::sleep(pause).await;
            retry(&load, "cancel", || load.client.cancel(&id)).await
        });
    }
    while let Some(r) = cancels.join_next().await {
        r.context("cancel panicked")??;
    }
    Ok(())
}

/// One signal client: sends the signals it takes from the shared queue. After an error it asks
/// the trigger log whether the signal was stored before sending it again, so each signal is
/// stored exactly once.
async fn signal_client(
    load: Arc<Load>,
    jobs: Arc<Mutex<mpsc::UnboundedReceiver<(String, String, u64)>>>,
) -> Result<()> {
    loop {
        let job = jobs.lock().await.recv().await;
        let Some((workflow, signal, pause_ms)) = job else {
            return Ok(());
        };
        tokio::time::sleep(Duration::from_millis(pause_ms)).await;
        let payload = json!({ "id": signal });
        let mut delay = Duration::from_millis(50);
        loop {
            match load
                .client
                .send_signal(&workflow, "sig", payload.clone())
                .await
            {
                Ok(_) => break,
                Err(e) => {
                    load.stats.retried("send_signal", &e);
                    load.stats.signals_checked.fetch_add(1, Ordering::Relaxed);
                    if !e.is_transient() || Instant::now() >= load.deadline {
                        bail!("sending {signal} to {workflow}: {e}");
                    }
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(1));
                    let sig = signal.clone();
                    let stored = retry(&load, "checking a signal", || {
                        let sig = sig.clone();
                        let pool = load.pool.clone();
                        async move {
                            Ok(sqlx::query_scalar::<_, bool>(
                                "SELECT EXISTS (SELECT 1 FROM chaos_signals_sent WHERE payload->>'id' = $1)",
                            )
                            .bind(sig)
                            .fetch_one(&pool)
                            .await?)
                        }
                    })
                    .await?;
                    if stored {
                        break;
                    }
                }
            }
        }
        load.expect
            .lock()
            .await
            .signals
            .entry(workflow)
            .or_default()
            .push(signal);
    }
}

/// Starts child workflows and tasks with shared idempotency keys, `starts` at once per key.
#[allow(clippy::too_many_arguments)]
async fn produce_idempotent(
    load: Arc<Load>,
    flow_keys: usize,
    task_keys: usize,
    starts: usize,
    start: Instant,
    load_for: Duration,
    mut rng: Rng,
    out: Arc<Mutex<Vec<IdemStart>>>,
) -> Result<()> {
    let total = flow_keys + task_keys;
    for k in 0..total {
        pace(start, load_for, k, total).await;
        let n = rng.range(0, 1_000_000) as i64;
        let workflow = k < flow_keys;
        let key = format!("idem-{k}");
        let mut set = JoinSet::new();
        for _ in 0..starts {
            let load = load.clone();
            let key = key.clone();
            set.spawn(async move {
                let options = StartOptions {
                    idempotency_key: Some(key.clone()),
                    max_attempts: Some(10),
                    backoff: Some(Duration::from_millis(200)),
                    ..StartOptions::default()
                };
                if workflow {
                    retry(&load, "idempotent workflow start", || {
                        load.client.start_workflow(
                            schema::CHILD_FLOW,
                            json!({ "n": n }),
                            options.clone(),
                        )
                    })
                    .await
                } else {
                    retry(&load, "idempotent task start", || {
                        load.client.queue_task(
                            schema::TASK,
                            json!({ "i": key, "n": n, "slow_ms": 0, "mode": "ok" }),
                            options.clone(),
                        )
                    })
                    .await
                }
            });
        }
        let mut ids = Vec::new();
        let mut created = 0;
        while let Some(r) = set.join_next().await {
            let started = r.context("idempotent start panicked")??;
            created += usize::from(started.created);
            ids.push(started.id);
        }
        let expect = if workflow {
            Expect::Child { n }
        } else {
            Expect::TaskOk(json!({ "i": key, "v": n * 3 + 1 }))
        };
        {
            let mut e = load.expect.lock().await;
            for id in &ids {
                e.by_id.insert(id.clone(), expect.clone());
            }
        }
        out.lock().await.push(IdemStart {
            key,
            kind: if workflow { "workflow" } else { "task" },
            ids,
            created,
        });
    }
    Ok(())
}
