//! Every case of the test kit's example suite (`examples/**/*.test.toml`) run on Postgres, with a
//! real worker, real steps and real (short) durations.
//!
//! Each case gets its own database and its own worker. Task stubs become Rust handlers that
//! return the scripted outputs and errors; stubbed child workflows become generated `.flow`
//! programs (a `Timer.delay` for `takes`, then `return` or `throw` of the stubbed value).
//!
//! **Time.** The engine keeps absolute instants (timers, waits) in its saved state but never
//! compares them with the clock when a timer fires: Postgres decides when things are due
//! (`rhythm_timers.fire_at`, `rhythm_ready.run_at`, `rhythm_attempts.deadline_at`). So the
//! harness makes hours pass by moving those instants back. It keeps a virtual clock `V = real
//! time since the start + S`, where `S` is the sum of the shifts. When the database is
//! *quiescent* (nothing due, no step or claim in progress, every attempt in flight is a handler
//! sleeping through its stubbed `takes`), it picks the earliest of: the next due instant in the
//! database, the next sleeping handler's end, the next scripted event; then, in one transaction
//! that locks the three tables (so nothing is written meanwhile), moves every due instant back
//! by `target - V` and adds it to `S`; then releases the sleepers whose end is reached, or sends
//! the event. Stubbed `takes` sleep on that clock, never on the wall clock. Everything between
//! two advances runs for real on the worker.
//!
//! Deviations from the kit, none of which an example depends on:
//! - Elapsed time includes real processing time: it is checked as `S <= expected <= V(end)`.
//! - A stub array is indexed by creation order of the attempts of that task name (every
//!   attempt is its own execution here), which is the kit's start order except when a delayed
//!   retry and a new call of the same name interleave. `calls` are listed in the same order.
//! - The wall clock is not the kit's 2026-01-01 (workflows reading `Date.now()` differ).
//! - Child workflow stubs must be a single result (`Stub::Always`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rhythm_runtime::worker::WithContext;
use rhythm_runtime::{Client, StartOptions, Status, TaskContext, TaskError, Worker, WorkerOptions};
use rhythm_testkit::matching::{json_eq, json_subset};
use rhythm_testkit::testfile::{self, Case, CaseEvent, StatusSpec, TestFile, json_diff};
use rhythm_testkit::{Stub, StubCall, StubResult, flow_compiler};
use serde_json::{Value, json};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgPool, Row};
use tokio::sync::{Semaphore, watch};

/// Cases of one file run at once (each has its own database, worker and connections).
const PARALLEL_CASES: usize = 2;
/// Real time a case may take before it counts as hung.
const CASE_TIMEOUT: Duration = Duration::from_secs(60);

fn master_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn url_of(db: &str) -> String {
    let base = master_url();
    let (prefix, _) = base
        .rsplit_once('/')
        .expect("DATABASE_URL has a database name");
    format!("{prefix}/{db}")
}

/// Wall-clock milliseconds since the Unix epoch: the clock Postgres's `clock_timestamp()` reads
/// on this machine, so instants from the database and from the harness compare exactly.
fn wall_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// The virtual clock and the handlers sleeping on it: `V(t) = t - base + S(t)`, with `t` the
/// wall clock and `S(t)` the shifts applied up to `t`.
struct Clock {
    base_ms: f64,
    /// (wall-clock instant, amount) of every shift, in order.
    shifts: Mutex<Vec<(f64, f64)>>,
    /// Sleepers whose end is at or before this virtual instant may return.
    released: watch::Sender<f64>,
    sleepers: Mutex<HashMap<u64, (String, f64)>>,
    next_token: AtomicU64,
}

impl Clock {
    fn new() -> Self {
        Clock {
            base_ms: wall_ms(),
            shifts: Mutex::new(Vec::new()),
            released: watch::channel(f64::NEG_INFINITY).0,
            sleepers: Mutex::new(HashMap::new()),
            next_token: AtomicU64::new(0),
        }
    }

    /// The sum of the shifts applied up to wall-clock instant `t`.
    fn shift_at(&self, t: f64) -> f64 {
        self.shifts
            .lock()
            .unwrap()
            .iter()
            .filter(|(at, _)| *at <= t)
            .map(|(_, d)| d)
            .sum()
    }

    /// The virtual instant of wall-clock instant `t` (for `t` up to now).
    fn at(&self, t: f64) -> f64 {
        t - self.base_ms + self.shift_at(t)
    }

    fn now(&self) -> f64 {
        self.at(wall_ms())
    }

    /// Sleeps until the driver releases virtual instant `wake` (dropped with the handler when
    /// the worker aborts it).
    async fn sleep_until(self: &Arc<Self>, execution_id: &str, wake: f64) {
        let token = self.next_token.fetch_add(1, Ordering::Relaxed);
        self.sleepers
            .lock()
            .unwrap()
            .insert(token, (execution_id.to_owned(), wake));
        let _guard = SleeperGuard(self.clone(), token);
        let mut rx = self.released.subscribe();
        loop {
            if *rx.borrow_and_update() >= wake {
                return;
            }
            if rx.changed().await.is_err() {
                return;
            }
        }
    }

    /// Sleepers not yet released: (execution id, end).
    fn sleeping(&self) -> Vec<(String, f64)> {
        let released = *self.released.borrow();
        self.sleepers
            .lock()
            .unwrap()
            .values()
            .filter(|(_, wake)| *wake > released)
            .cloned()
            .collect()
    }

    fn release(&self, upto: f64) {
        self.released.send_modify(|r| *r = r.max(upto));
    }
}

struct SleeperGuard(Arc<Clock>, u64);

impl Drop for SleeperGuard {
    fn drop(&mut self) {
        if let Ok(mut m) = self.0.sleepers.lock() {
            m.remove(&self.1);
        }
    }
}

/// The stored error of a stub `error` table as a handler error: `type` and `message`, other
/// fields as `details`.
fn task_error(e: &Value) -> TaskError {
    let mut err = TaskError::new(
        e.get("type").and_then(Value::as_str).unwrap_or("Error"),
        e.get("message").and_then(Value::as_str).unwrap_or(""),
    );
    if let Some(obj) = e.as_object() {
        let rest: serde_json::Map<String, Value> = obj
            .iter()
            .filter(|(k, _)| k.as_str() != "type" && k.as_str() != "message")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !rest.is_empty() {
            err.details = Some(Value::Object(rest));
        }
    }
    err
}

/// A generated program standing for a stubbed child workflow.
fn stub_flow(r: &StubResult) -> String {
    let mut s = String::from("// generated by runtime/tests/example_suite.rs\n");
    if r.takes_ms > 0.0 {
        s.push_str(&format!("await Timer.delay({})\n", r.takes_ms / 1000.0));
    }
    match &r.outcome {
        Ok(v) => s.push_str(&format!("return {v}\n")),
        Err(e) => s.push_str(&format!("throw {e}\n")),
    }
    s
}

/// Why a case cannot run here, if it cannot.
fn unsupported(case: &Case) -> Option<String> {
    for (name, stub) in &case.workflows {
        if !matches!(stub, Stub::Always(_)) {
            return Some(format!(
                "child workflow stub \"{name}\" gives different results per call; only single-result workflow stubs become generated programs"
            ));
        }
    }
    None
}

/// What the driver sees in the database.
struct Observation {
    /// The database's clock when it looked.
    now_ms: f64,
    busy: Vec<String>,
    /// Virtual instant of the next due row, if any.
    next_due: Option<f64>,
    attempts: Vec<String>,
    unserved: Vec<String>,
}

const OBSERVE: &str = r#"
WITH t AS (SELECT clock_timestamp() AS now)
SELECT
  (SELECT (1000 * extract(epoch FROM t.now))::float8 FROM t) AS now_ms,
  (SELECT count(*) FROM rhythm_ready, t WHERE run_at <= t.now) AS ready_due,
  (SELECT count(*) FROM rhythm_timers, t WHERE fire_at <= t.now) AS timers_due,
  (SELECT count(*) FROM rhythm_attempts, t
     WHERE deadline_at <= t.now OR lease_expires_at <= t.now) AS attempts_due,
  coalesce((SELECT array_agg(execution_id) FROM rhythm_attempts), '{}'::text[]) AS attempts,
  (SELECT (1000 * extract(epoch FROM least(
      (SELECT min(fire_at) FROM rhythm_timers),
      (SELECT min(run_at) FROM rhythm_ready),
      (SELECT min(deadline_at) FROM rhythm_attempts))))::float8) AS next_due_ms,
  coalesce((SELECT array_agg(DISTINCT name) FROM rhythm_ready
            WHERE kind = 'task' AND name <> ALL($1::text[])), '{}'::text[]) AS unserved
"#;

async fn observe(
    conn: &mut sqlx::PgConnection,
    clock: &Clock,
    served: &[String],
) -> sqlx::Result<Observation> {
    let row = sqlx::query(OBSERVE)
        .bind(served)
        .fetch_one(&mut *conn)
        .await?;
    let now_ms: f64 = row.try_get("now_ms")?;
    let mut busy = Vec::new();
    for (col, what) in [
        ("ready_due", "steps or task attempts due"),
        ("timers_due", "timers due"),
        ("attempts_due", "attempts past their deadline or lease"),
    ] {
        let n: i64 = row.try_get(col)?;
        if n > 0 {
            busy.push(format!("{n} {what}"));
        }
    }
    let attempts: Vec<String> = row.try_get("attempts")?;
    let sleeping = clock.sleeping();
    let running = attempts
        .iter()
        .filter(|a| !sleeping.iter().any(|(id, _)| id == *a))
        .count();
    if running > 0 {
        busy.push(format!("{running} attempts running"));
    }
    // A row due at wall-clock instant `d` is due at virtual `d - base + S`: later shifts move
    // it along with the clock.
    let next_due: Option<f64> = row.try_get("next_due_ms")?;
    Ok(Observation {
        now_ms,
        busy,
        next_due: next_due.map(|d| d - clock.base_ms + clock.shift_at(now_ms)),
        attempts,
        unserved: row.try_get("unserved")?,
    })
}

enum Advance {
    /// Not quiescent yet.
    Busy,
    /// Nothing left to happen.
    Idle,
    /// Time moved (and sleepers were released) up to the target.
    Moved,
    /// Time moved to the next event, which is now to be sent.
    Event,
}

/// When quiescent, moves the clock to the next thing that happens (see the module docs).
async fn advance(
    pool: &PgPool,
    clock: &Clock,
    served: &[String],
    next_event: Option<f64>,
) -> sqlx::Result<Advance> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    // NOWAIT: the driver never waits for a lock, so it can never be part of a deadlock; a
    // worker statement holding one of the tables just means "not quiescent yet".
    let locked = sqlx::query(
        "LOCK TABLE rhythm_ready, rhythm_timers, rhythm_attempts IN EXCLUSIVE MODE NOWAIT",
    )
    .execute(&mut *tx)
    .await;
    match locked {
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("55P03") => {
            return Ok(Advance::Busy);
        }
        Err(e) => return Err(e),
    }
    let o = observe(&mut tx, clock, served).await?;
    if !o.busy.is_empty() {
        return Ok(Advance::Busy);
    }
    let sleeper_end = clock
        .sleeping()
        .into_iter()
        .filter(|(id, _)| o.attempts.contains(id))
        .map(|(_, wake)| wake)
        .reduce(f64::min);
    let work = match (o.next_due, sleeper_end) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    // At one instant, work and timers go before outside events (the kit's order).
    let (target, is_event) = match (work, next_event) {
        (None, None) => return Ok(Advance::Idle),
        (Some(w), Some(e)) if e < w => (e, true),
        (Some(w), _) => (w, false),
        (None, Some(e)) => (e, true),
    };
    // Nothing can be written while the tables are locked, so moving everything by the distance
    // from the virtual instant of the observation to the target is exact.
    let delta = target - clock.at(o.now_ms);
    if delta > 0.0 {
        for sql in [
            "UPDATE rhythm_timers SET fire_at = fire_at - $1 * interval '1 millisecond'",
            "UPDATE rhythm_ready SET run_at = run_at - $1 * interval '1 millisecond'",
            "UPDATE rhythm_attempts SET deadline_at = deadline_at - $1 * interval '1 millisecond'",
        ] {
            sqlx::query(sql).bind(delta).execute(&mut *tx).await?;
        }
        // The shift counts from before the commit, so a handler that starts on a row the
        // commit made due already reads the shifted clock.
        clock.shifts.lock().unwrap().push((o.now_ms, delta));
        if let Err(e) = tx.commit().await {
            clock.shifts.lock().unwrap().pop();
            return Err(e);
        }
    } else {
        tx.commit().await?;
    }
    clock.release(target);
    Ok(if is_event {
        Advance::Event
    } else {
        Advance::Moved
    })
}

/// One case on Postgres: the failures (empty when it passed).
async fn run_case(file: &TestFile, case: &Case) -> Vec<String> {
    let db = format!(
        "rhythm_suite_{}_{}",
        std::process::id(),
        uuid::Uuid::now_v7().simple()
    );
    let mut admin = sqlx::PgConnection::connect(&master_url())
        .await
        .expect("connect to DATABASE_URL");
    sqlx::query(&format!("CREATE DATABASE {db}"))
        .execute(&mut admin)
        .await
        .expect("create the case's database");
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(Duration::from_secs(30))
        .connect(&url_of(&db))
        .await
        .expect("connect to the case's database");
    let failures = match tokio::time::timeout(CASE_TIMEOUT * 2, drive(&pool, file, case)).await {
        Ok(f) => f,
        Err(_) => vec![format!(
            "did not finish within {:?} of real time",
            CASE_TIMEOUT * 2
        )],
    };
    pool.close().await;
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .execute(&mut admin)
        .await;
    failures
}

async fn drive(pool: &PgPool, file: &TestFile, case: &Case) -> Vec<String> {
    let client = Client::from_pool(pool.clone());
    client.migrate().await.expect("migrate");
    let mut failures = Vec::new();

    // Workflows: the file's, with stubbed ones replaced by generated programs.
    let mut sources: Vec<(String, String)> = file
        .registry
        .names()
        .filter_map(|n| Some((n.to_owned(), file.registry.source(n)?.to_owned())))
        .collect();
    for (name, stub) in &case.workflows {
        if let Stub::Always(r) = stub {
            sources.retain(|(n, _)| n != name);
            sources.push((name.clone(), stub_flow(r)));
        }
    }
    for (name, source) in &sources {
        client
            .register_workflow(name, source)
            .await
            .expect("register a workflow");
    }

    // A worker whose handlers play the stubs.
    let clock = Arc::new(Clock::new());
    let invoked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut worker = Worker::new(
        pool.clone(),
        WorkerOptions {
            serve_workflows: true,
            step_concurrency: 2,
            poll_interval: Duration::from_millis(50),
            reap_every: Duration::from_millis(50),
            heartbeat_every: Some(Duration::from_millis(100)),
            lease: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(1),
            ..WorkerOptions::default()
        },
    );
    let served: Vec<String> = case.tasks.keys().cloned().collect();
    for (name, stub) in &case.tasks {
        let (name, stub) = (name.clone(), stub.clone());
        let (clock, invoked, pool) = (clock.clone(), invoked.clone(), pool.clone());
        worker.register(
            name.clone(),
            WithContext(move |t: TaskContext| {
                let (name, stub) = (name.clone(), stub.clone());
                let (clock, invoked, pool) = (clock.clone(), invoked.clone(), pool.clone());
                async move {
                    let start = clock.now();
                    invoked.lock().unwrap().push(t.execution_id.clone());
                    // The stub index: this attempt's rank among the attempts of its name.
                    let index: i64 = sqlx::query_scalar(
                        "SELECT count(*) FROM rhythm_executions o, rhythm_executions me
                         WHERE me.id = $1 AND o.kind = 'task' AND o.name = me.name
                           AND (o.created_at, o.id) < (me.created_at, me.id)",
                    )
                    .bind(&t.execution_id)
                    .fetch_one(&pool)
                    .await
                    .map_err(|e| TaskError::new("HarnessError", e.to_string()))?;
                    let result = stub.result(&StubCall {
                        name: &name,
                        inputs: &t.inputs,
                        attempt: u32::try_from(t.attempt).unwrap_or(1),
                        index: usize::try_from(index).unwrap_or(0),
                    });
                    if result.takes_ms > 0.0 {
                        clock
                            .sleep_until(&t.execution_id, start + result.takes_ms)
                            .await;
                    }
                    match result.outcome {
                        Ok(v) => Ok(v),
                        Err(e) => Err(task_error(&e)),
                    }
                }
            }),
        );
    }
    let handle = worker.spawn();

    let root = match client
        .start_workflow(&case.workflow, case.inputs.clone(), StartOptions::default())
        .await
    {
        Ok(s) => s.id,
        Err(e) => {
            handle.kill();
            return vec![format!("start: {e}")];
        }
    };
    // The instant the execution was created at.
    let created = match wall_instant(pool, &root, "created_at").await {
        Some(t) => t,
        None => {
            handle.kill();
            return vec!["cannot read the root's creation time".to_owned()];
        }
    };
    let start_v = clock.at(created);
    let mut events: Vec<(f64, CaseEvent)> = case.events.clone();
    events.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut events = events.into_iter().peekable();
    let real_end = Instant::now() + CASE_TIMEOUT;
    let mut last_busy = Vec::new();

    // Drive until the root ends (or waits with nothing left to happen).
    loop {
        if Instant::now() > real_end {
            failures.push(format!(
                "did not finish within {CASE_TIMEOUT:?} of real time (last seen: {})",
                last_busy.join(", ")
            ));
            break;
        }
        let status = client.get(&root).await.map(|e| e.status);
        if status.as_ref().is_ok_and(|s| s.is_terminal()) {
            break;
        }
        let mut conn = pool.acquire().await.expect("a connection");
        let o = observe(&mut conn, &clock, &served).await;
        drop(conn);
        if let Ok(o) = &o {
            if !o.unserved.is_empty() {
                failures.push(format!(
                    "task {} called with no stub",
                    o.unserved.join(", ")
                ));
                break;
            }
            if !o.busy.is_empty() {
                last_busy = o.busy.clone();
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        }
        let next_event = events.peek().map(|(at, _)| start_v + at);
        match advance(pool, &clock, &served, next_event).await {
            Ok(Advance::Busy | Advance::Moved) => {}
            Ok(Advance::Idle) => break,
            Ok(Advance::Event) => {
                if let Some((_, event)) = events.next() {
                    let sent = match event {
                        CaseEvent::Signal { name, payload } => {
                            client.send_signal(&root, &name, payload).await.map(|_| ())
                        }
                        CaseEvent::Cancel => client.cancel(&root).await.map(|_| ()),
                    };
                    if let Err(e) = sent {
                        // The kit drops events an ended execution refuses; so do we.
                        eprintln!("{}: event refused: {e}", case.name);
                    }
                }
            }
            Err(e) => {
                // A lock timeout or a connection hiccup: look again.
                eprintln!("{}: advance: {e}", case.name);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
    // What is due at the end's instant still runs (fire-and-forget attempts); time stands.
    let settle_end = Instant::now() + Duration::from_secs(10);
    while failures.is_empty() && Instant::now() < settle_end {
        let mut conn = pool.acquire().await.expect("a connection");
        match observe(&mut conn, &clock, &served).await {
            Ok(o) if o.busy.is_empty() => break,
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    // Shifts made after the end (the driver may advance once more while the last step
    // commits) do not count.
    let completed = wall_instant(pool, &root, "completed_at").await;
    handle.kill();
    if failures.is_empty() {
        let times = Times {
            shift: clock.shift_at(completed.unwrap_or_else(wall_ms)) - clock.shift_at(created),
            elapsed: completed.map(|end| clock.at(end) - start_v),
        };
        check(pool, &client, &root, case, times, &invoked, &mut failures).await;
    }
    failures
}

/// A timestamp column of an execution, in wall-clock milliseconds.
async fn wall_instant(pool: &PgPool, id: &str, column: &str) -> Option<f64> {
    let sql = format!(
        "SELECT (1000 * extract(epoch FROM {column}))::float8 FROM rhythm_executions WHERE id = $1"
    );
    sqlx::query_scalar(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await
        .ok()
        .flatten()
        .flatten()
}

/// The case's time from start to end: the sum of the shifts, and the virtual time.
struct Times {
    shift: f64,
    elapsed: Option<f64>,
}

async fn check(
    pool: &PgPool,
    client: &Client,
    root: &str,
    case: &Case,
    times: Times,
    invoked: &Mutex<Vec<String>>,
    failures: &mut Vec<String>,
) {
    let x = &case.expect;
    let exec = client.get(root).await.expect("read the root execution");
    let actual = match exec.status {
        Status::Running | Status::Waiting => StatusSpec::Waiting,
        Status::Completed => StatusSpec::Completed,
        Status::Failed => StatusSpec::Failed,
        Status::Cancelled => StatusSpec::Cancelled,
    };
    if let Some(expected) = x.status
        && expected != actual
    {
        let mut msg = format!(
            "status: expected {}, got {}",
            expected.name(),
            actual.name()
        );
        if let Some(error) = &exec.error {
            msg.push_str(&format!("\n  error: {error}"));
        }
        failures.push(msg);
    }
    if let Some(expected) = &x.output {
        match &exec.output {
            Some(actual) if json_eq(expected, actual) => {}
            Some(actual) => failures.push(format!(
                "output differs (- expected, + actual):\n{}",
                json_diff(expected, actual)
            )),
            None => failures.push(format!(
                "output: expected {expected}, but the execution is {} with error {}",
                exec.status,
                exec.error.clone().unwrap_or(Value::Null)
            )),
        }
    }
    if let Some(expected) = &x.error {
        match &exec.error {
            Some(actual) if json_subset(expected, actual) => {}
            Some(actual) => failures.push(format!(
                "error does not match (- expected fields, + actual error):\n{}",
                json_diff(expected, actual)
            )),
            None => failures.push(format!(
                "error: expected {expected}, but the execution is {} with no error",
                exec.status
            )),
        }
    }
    if let Some(expected) = &x.calls {
        let order: Vec<(String, String)> = sqlx::query(
            "SELECT id, name FROM rhythm_executions WHERE kind = 'task' ORDER BY created_at, id",
        )
        .fetch_all(pool)
        .await
        .expect("list the task executions")
        .into_iter()
        .map(|r| (r.get("id"), r.get("name")))
        .collect();
        let invoked = invoked.lock().unwrap().clone();
        let mut actual = Vec::new();
        for (id, name) in order {
            for _ in invoked.iter().filter(|i| **i == id) {
                actual.push(name.clone());
            }
        }
        if &actual != expected {
            failures.push(format!(
                "calls differ (- expected, + actual):\n{}",
                json_diff(&json!(expected), &json!(actual))
            ));
        }
    }
    if let Some(expected) = x.elapsed_ms {
        // The shifts are the virtual time the harness added; the rest of the elapsed virtual
        // time is real processing time, so the kit's figure lies between the two.
        match times.elapsed {
            Some(end) if times.shift - 1.0 <= expected && expected <= end + 1.0 => {}
            Some(end) => failures.push(format!(
                "elapsed: expected {}, got {} ({} of it shifted)",
                fmt_ms(expected),
                fmt_ms(end),
                fmt_ms(times.shift)
            )),
            None => failures.push(format!(
                "elapsed: expected {}, but the execution has not ended",
                fmt_ms(expected)
            )),
        }
    }
    if let Some(expected) = &x.logs {
        let actual: Vec<String> = sqlx::query_scalar(
            "SELECT message FROM rhythm_logs WHERE execution_id = $1 ORDER BY seq",
        )
        .bind(root)
        .fetch_all(pool)
        .await
        .expect("read the logs");
        if &actual != expected {
            failures.push(format!(
                "logs differ (- expected, + actual):\n{}",
                json_diff(&json!(expected), &json!(actual))
            ));
        }
    }
}

fn fmt_ms(ms: f64) -> String {
    rhythm_engine::duration::format_duration(ms.round())
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

/// Every `*.test.toml` under `examples/` (recursively, as `rhythm test examples/` finds
/// them), relative to it, with `/` separators.
fn example_files() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read a folder of examples/") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.to_string_lossy().ends_with(".test.toml") {
                out.push(path);
            }
        }
    }
    let root = examples_dir();
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut names: Vec<String> = files
        .iter()
        .filter_map(|p| p.strip_prefix(&root).ok())
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    names.sort();
    names
}

/// Runs every case of `examples/<name>` on Postgres and reports each.
async fn run_file(name: &str) {
    let path = examples_dir().join(name);
    let file = Arc::new(
        testfile::load(&path, flow_compiler())
            .unwrap_or_else(|e| panic!("malformed test file: {e}")),
    );
    assert!(!file.cases.is_empty(), "{name} has no case");
    let mut jobs = Vec::new();
    let sem = Arc::new(Semaphore::new(PARALLEL_CASES));
    for i in 0..file.cases.len() {
        let (file, sem) = (file.clone(), sem.clone());
        jobs.push(tokio::spawn(async move {
            let case = &file.cases[i];
            let label = format!("{} / {}", file.path.display(), case.name);
            if let Some(reason) = unsupported(case) {
                return (label, None, Some(reason), Duration::ZERO);
            }
            let _permit = sem.acquire().await.expect("semaphore");
            let started = Instant::now();
            let failures = run_case(&file, case).await;
            (label, Some(failures), None, started.elapsed())
        }));
    }
    let mut failed = Vec::new();
    let mut skipped = Vec::new();
    let total = jobs.len();
    for job in jobs {
        let (label, failures, reason, took) = job.await.expect("a case panicked");
        match (failures, reason) {
            (Some(f), _) if f.is_empty() => println!("ok      {label} ({took:.1?})"),
            (Some(f), _) => {
                println!("FAILED  {label} ({took:.1?})");
                failed.push(format!("{label}:\n  {}", f.join("\n  ")));
            }
            (None, reason) => {
                let reason = reason.unwrap_or_default();
                println!("SKIPPED {label}: {reason}");
                skipped.push(format!("{label}: {reason}"));
            }
        }
    }
    println!(
        "{} passed, {} failed, {} cannot run on Postgres",
        total - failed.len() - skipped.len(),
        failed.len(),
        skipped.len()
    );
    assert!(
        failed.is_empty(),
        "example cases failing on Postgres:\n{}",
        failed.join("\n")
    );
    assert!(
        skipped.is_empty(),
        "example cases that cannot run on Postgres:\n{}",
        skipped.join("\n")
    );
}

/// One test per example file (so they run in parallel and each stays short), and a check that
/// no example file is left out.
macro_rules! example_files {
    ($($test:ident => $file:literal),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                run_file($file).await;
            }
        )*

        #[test]
        fn every_example_file_has_a_postgres_test() {
            let covered = [$($file),*];
            let files = example_files();
            assert!(!files.is_empty(), "no examples/**/*.test.toml found");
            for f in &files {
                assert!(
                    covered.contains(&f.as_str()),
                    "examples/{f} has no Postgres test: add it to example_files! in {}",
                    file!()
                );
            }
            assert_eq!(files.len(), covered.len(), "a listed example file is missing");
        }
    };
}

example_files! {
    onboarding_examples_pass_on_postgres => "onboarding.test.toml",
    process_order_examples_pass_on_postgres => "process_order.test.toml",
    refund_examples_pass_on_postgres => "refund.test.toml",
    report_batch_examples_pass_on_postgres => "report_batch.test.toml",
    orders_examples_pass_on_postgres => "orders/process_order.test.toml",
}

/// The harness is not vacuous: wrong expectations and a missing stub are reported, by field,
/// as the kit reports them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_harness_reports_what_differs() {
    let text = r#"
workflows = ["workflows"]

[[case]]
name = "wrong on purpose"
workflow = "process_order"
inputs = { total = 42, userId = "u1", orderId = "o1" }

[case.tasks]
"process-payment" = { output = { id = "pay_1" } }

[[case.events]]
at = "1h"
signal = "manager-approval"
payload = { approved = true }

[case.expect]
status = "failed"
output = { status = "shipped", paymentId = "pay_2" }
calls = ["process-payment", "cancel-order"]
elapsed = "2h"
logs = ["nothing"]

[[case]]
name = "no stub for the payment"
workflow = "process_order"
inputs = { total = 42, userId = "u1", orderId = "o1" }
"#;
    let path = examples_dir().join("harness_self_test.test.toml");
    let file = testfile::parse(&path, text, flow_compiler()).expect("a valid test file");
    let wrong = &file.cases[0];
    assert!(
        !testfile::run_case(&file, wrong).passed(),
        "the kit fails it too"
    );
    let failures = run_case(&file, wrong).await;
    let starts: Vec<&str> = failures
        .iter()
        .map(|f| f.split([':', ' ']).next().unwrap_or(""))
        .collect();
    assert_eq!(
        starts,
        ["status", "output", "calls", "elapsed", "logs"],
        "{failures:#?}"
    );
    assert!(
        failures[0].contains("expected failed, got completed"),
        "{failures:#?}"
    );
    assert!(
        failures[1].contains("-   \"paymentId\": \"pay_2\""),
        "{failures:#?}"
    );
    assert!(
        failures[1].contains("+   \"paymentId\": \"pay_1\""),
        "{failures:#?}"
    );
    assert!(failures[3].contains("expected 2h, got 1h"), "{failures:#?}");

    let failures = run_case(&file, &file.cases[1]).await;
    assert_eq!(
        failures,
        ["task process-payment called with no stub"],
        "{failures:#?}"
    );
}
