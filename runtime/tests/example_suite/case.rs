//! One case on Postgres: its own database and worker, driven through its events, then checked
//! against the expectations.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rhythm_runtime::worker::WithContext;
use rhythm_runtime::{Client, StartOptions, Status, TaskContext, TaskError, Worker, WorkerOptions};
use rhythm_testkit::matching::{json_eq, json_subset};
use rhythm_testkit::testfile::{Case, CaseEvent, StatusSpec, TestFile, json_diff};
use rhythm_testkit::{Stub, StubCall};
use serde_json::{Value, json};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgPool, Row};

use crate::advance::{Advance, advance, observe};
use crate::clock::{Clock, wall_ms};
use crate::stubs::{stub_flow, task_error};
use crate::{CASE_TIMEOUT, master_url, url_of};

/// One case on Postgres: the failures (empty when it passed).
pub(crate) async fn run_case(file: &TestFile, case: &Case) -> Vec<String> {
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

pub(crate) async fn drive(pool: &PgPool, file: &TestFile, case: &Case) -> Vec<String> {
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
pub(crate) async fn wall_instant(pool: &PgPool, id: &str, column: &str) -> Option<f64> {
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
pub(crate) struct Times {
    pub(crate) shift: f64,
    pub(crate) elapsed: Option<f64>,
}

pub(crate) async fn check(
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

pub(crate) fn fmt_ms(ms: f64) -> String {
    rhythm_engine::duration::format_duration(ms.round())
}
