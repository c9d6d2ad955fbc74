//! `rhythm-chaos run`: set up the database and the workers, drive the load while the fault loop
//! runs, drain, check, print the summary.

mod fault_loop;
mod load;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use rhythm_runtime::Client;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::check::{self, Expectations, IdemStart};
use crate::faults::{PgCluster, ServerGuard, Workers};
use crate::rng::Rng;
use crate::schema;
use fault_loop::{AbortOnDrop, fault_loop, scan_logs};
use load::{produce_cancels, produce_idempotent, produce_tasks, produce_workflows, signal_client};

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
