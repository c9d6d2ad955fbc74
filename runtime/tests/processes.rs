//! Workers as real OS processes against one Postgres: a worker killed with SIGKILL in the middle
//! of a task, a worker restarted in the middle of a workflow, a busy worker killed at any
//! moment, several workers at once.
//!
//! The worker processes are this test binary run again on the ignored test `worker_process`
//! (`--exact worker_process --ignored`) with `RHYTHM_SUITE_WORKER` holding its configuration.
//! Their handler (`work`) writes one row per invocation into `suite_calls` (execution,
//! attempt, process id), so the tests can count how often each attempt ran and where.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use rhythm_runtime::worker::WithContext;
use rhythm_runtime::{Client, StartOptions, Status, TaskContext, TaskError, Worker, WorkerOptions};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Row};

const ROLE_ENV: &str = "RHYTHM_SUITE_WORKER";
const WAIT: Duration = Duration::from_secs(30);

/// What a worker process does.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Role {
    url: String,
    /// `work` never returns in this process (it records the call, then hangs until killed).
    hang: bool,
    /// Lease of the process's attempts, in ms (heartbeats every third).
    lease_ms: u64,
    concurrency: usize,
    batch: usize,
}

impl Role {
    fn new(url: &str) -> Self {
        Role {
            url: url.to_owned(),
            hang: false,
            lease_ms: 30_000,
            concurrency: 16,
            batch: 8,
        }
    }
}

/// The worker process's body: a worker serving workflows and the `work` task until killed (or
/// until its parent, the test, is gone).
#[test]
#[ignore = "a worker process: started by the other tests of this file"]
fn worker_process() {
    let role: Role = serde_json::from_str(
        &std::env::var(ROLE_ENV).expect("started by a test of this file with RHYTHM_SUITE_WORKER"),
    )
    .expect("a valid role");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async move {
        let parent = std::os::unix::process::parent_id();
        let pid = i32::try_from(std::process::id()).expect("a pid");
        let calls = PgPoolOptions::new()
            .max_connections(2)
            .connect(&role.url)
            .await
            .expect("connect");
        let mut worker = Worker::connect(
            &role.url,
            WorkerOptions {
                serve_workflows: true,
                concurrency: role.concurrency,
                batch_size: role.batch,
                lease: Duration::from_millis(role.lease_ms),
                poll_interval: Duration::from_millis(100),
                reap_every: Duration::from_millis(200),
                ..WorkerOptions::default()
            },
        )
        .await
        .expect("connect the worker");
        let hang = role.hang;
        let pool = calls.clone();
        worker.register(
            "work",
            WithContext(move |t: TaskContext| {
                let pool = pool.clone();
                async move {
                    sqlx::query(
                        "INSERT INTO suite_calls (execution_id, attempt, pid) VALUES ($1, $2, $3)",
                    )
                    .bind(&t.execution_id)
                    .bind(t.attempt)
                    .bind(pid)
                    .execute(&pool)
                    .await
                    .map_err(|e| TaskError::new("Db", e.to_string()))?;
                    if hang {
                        std::future::pending::<()>().await;
                    }
                    let n = t.inputs["n"].as_i64().unwrap_or(0);
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    Ok(json!({ "n": n * 2, "pid": pid }))
                }
            }),
        );
        let handle = worker.spawn();
        sqlx::query("INSERT INTO suite_workers (pid) VALUES ($1)")
            .bind(pid)
            .execute(&calls)
            .await
            .expect("announce the worker");
        // Until killed; a process whose test is gone stops by itself.
        while std::os::unix::process::parent_id() == parent {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        handle.kill();
    });
}

/// A worker process, killed with SIGKILL when dropped (a failing test leaves none behind).
struct Proc {
    child: Child,
}

impl Proc {
    fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).expect("a pid")
    }

    /// SIGKILL, and reap it; returns the signal that ended it.
    fn kill_9(mut self) -> Option<i32> {
        use std::os::unix::process::ExitStatusExt;
        self.child.kill().expect("SIGKILL the worker");
        let status = self.child.wait().expect("reap the worker");
        status.signal()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_worker(role: &Role) -> Proc {
    let exe = std::env::current_exe().expect("the test binary");
    let child = Command::new(exe)
        .args([
            "worker_process",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE_ENV, serde_json::to_string(role).expect("a role"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start a worker process");
    Proc { child }
}

async fn db_url(pool: &PgPool) -> String {
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let (prefix, _) = base.rsplit_once('/').unwrap();
    format!("{prefix}/{db}")
}

async fn setup(pool: &PgPool) -> String {
    sqlx::raw_sql(
        "CREATE TABLE suite_calls (execution_id text NOT NULL, attempt int NOT NULL,
                                   pid int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
         CREATE TABLE suite_workers (pid int NOT NULL);",
    )
    .execute(pool)
    .await
    .unwrap();
    db_url(pool).await
}

/// Polls `f` until it returns true; panics after 30 s.
async fn eventually<F, Fut>(what: &str, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let end = tokio::time::Instant::now() + WAIT;
    while tokio::time::Instant::now() < end {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for: {what}");
}

async fn scalar(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn started(pool: &PgPool, procs: &[&Proc]) {
    for p in procs {
        let pid = p.pid();
        eventually(&format!("worker process {pid} to start"), || async move {
            scalar(
                pool,
                &format!("SELECT count(*) FROM suite_workers WHERE pid = {pid}"),
            )
            .await
                > 0
        })
        .await;
    }
}

/// (attempt, pid) of every invocation for an execution, in order.
async fn calls_of(pool: &PgPool, id: &str) -> Vec<(i32, i32)> {
    sqlx::query("SELECT attempt, pid FROM suite_calls WHERE execution_id = $1 ORDER BY at")
        .bind(id)
        .fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.get("attempt"), r.get("pid")))
        .collect()
}

/// The task executions a workflow started, oldest first: (id, status, error).
async fn children(pool: &PgPool, parent: &str) -> Vec<(String, String, Option<Value>)> {
    sqlx::query(
        "SELECT id, status, error FROM rhythm_executions WHERE parent_id = $1 ORDER BY created_at, id",
    )
    .bind(parent)
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .map(|r| (r.get("id"), r.get("status"), r.get("error")))
    .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_worker_killed_mid_task_is_taken_over_by_another_process(pool: PgPool) {
    let url = setup(&pool).await;
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "one_task",
            r#"const r = await Task.run("work", { n: 5 }, { retries: 1 })
return r.n"#,
        )
        .await
        .unwrap();

    // The first worker holds its attempts on a short lease and never finishes them.
    let first = spawn_worker(&Role {
        hang: true,
        lease_ms: 2000,
        ..Role::new(&url)
    });
    started(&pool, &[&first]).await;
    let task = client
        .queue_task("work", json!({ "n": 21 }), StartOptions::default())
        .await
        .unwrap()
        .id;
    let flow = client
        .start_workflow("one_task", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    let p = pool.clone();
    eventually("both attempts running in the first worker", || {
        let p = p.clone();
        async move { scalar(&p, "SELECT count(*) FROM suite_calls").await == 2 }
    })
    .await;
    let first_pid = first.pid();
    assert_eq!(first.kill_9(), Some(9), "the worker died of SIGKILL");

    // Nothing finished while no worker ran; a second process takes the attempts over once the
    // dead worker's leases expire.
    assert_eq!(
        client.get(&task).await.unwrap().status,
        Status::Running,
        "the task is still in flight"
    );
    let second = spawn_worker(&Role::new(&url));
    let second_pid = second.pid();

    let done = client.wait(&task, WAIT).await.unwrap();
    assert_eq!(done.status, Status::Completed, "{done:?}");
    assert_eq!(done.output, Some(json!({ "n": 42, "pid": second_pid })));
    assert_eq!(
        calls_of(&pool, &task).await,
        vec![(1, first_pid), (2, second_pid)],
        "attempt 1 died with the first process, attempt 2 ran on the second"
    );

    let done = client.wait(&flow, WAIT).await.unwrap();
    assert_eq!(done.status, Status::Completed, "{done:?}");
    assert_eq!(done.output, Some(json!(10)));
    // The workflow's task: the first attempt's lease expired (an attempt lost with its
    // worker), the engine's retry ran on the second process.
    let kids = children(&pool, &flow).await;
    assert_eq!(kids.len(), 2, "{kids:?}");
    assert_eq!(kids[0].1, "failed");
    assert_eq!(
        kids[0].2.as_ref().and_then(|e| e["type"].as_str()),
        Some("LeaseExpired"),
        "{kids:?}"
    );
    assert_eq!(calls_of(&pool, &kids[0].0).await, vec![(1, first_pid)]);
    assert_eq!(kids[1].1, "completed");
    assert_eq!(calls_of(&pool, &kids[1].0).await, vec![(2, second_pid)]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_worker_restarted_mid_workflow_lets_it_continue(pool: PgPool) {
    let url = setup(&pool).await;
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "steps",
            r#"const a = await Task.run("work", { n: 1 })
await Timer.delay(1)
const s = await Signal.next("go")
const b = await Task.run("work", { n: a.n + s })
return { a: a.n, s, b: b.n }"#,
        )
        .await
        .unwrap();

    let first = spawn_worker(&Role::new(&url));
    let first_pid = first.pid();
    started(&pool, &[&first]).await;
    let id = client
        .start_workflow("steps", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    // The first task ran and the workflow sleeps on its durable timer: kill the worker there.
    let p = pool.clone();
    eventually("the workflow waiting on its timer", || {
        let p = p.clone();
        async move { scalar(&p, "SELECT count(*) FROM rhythm_timers").await == 1 }
    })
    .await;
    assert_eq!(first.kill_9(), Some(9));

    // The timer comes due and the signal arrives while no worker runs.
    let p = pool.clone();
    eventually("the timer to be due", || {
        let p = p.clone();
        async move {
            scalar(
                &p,
                "SELECT count(*) FROM rhythm_timers WHERE fire_at < now()",
            )
            .await
                == 1
        }
    })
    .await;
    client.send_signal(&id, "go", json!(10)).await.unwrap();
    assert_eq!(client.get(&id).await.unwrap().status, Status::Waiting);

    // A new worker process picks the workflow up where it stopped.
    let second = spawn_worker(&Role::new(&url));
    let second_pid = second.pid();
    let done = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(done.status, Status::Completed, "{done:?}");
    assert_eq!(done.output, Some(json!({ "a": 2, "s": 10, "b": 24 })));
    let kids = children(&pool, &id).await;
    assert_eq!(kids.len(), 2, "{kids:?}");
    assert_eq!(calls_of(&pool, &kids[0].0).await, vec![(1, first_pid)]);
    assert_eq!(calls_of(&pool, &kids[1].0).await, vec![(1, second_pid)]);
}

#[sqlx::test(migrations = "../migrations")]
async fn several_worker_processes_never_run_an_attempt_twice(pool: PgPool) {
    let url = setup(&pool).await;
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "fan",
            r#"const rs = await Promise.all([1, 2, 3].map((n) => Task.run("work", { n: Inputs.k * 10 + n })))
let sum = 0
for (const r of rs) sum += r.n
const last = await Task.run("work", { n: sum })
return last.n"#,
        )
        .await
        .unwrap();
    let role = Role {
        concurrency: 8,
        batch: 4,
        ..Role::new(&url)
    };
    let procs = [
        spawn_worker(&role),
        spawn_worker(&role),
        spawn_worker(&role),
    ];
    started(&pool, &procs.iter().collect::<Vec<_>>()).await;

    const TASKS: i64 = 150;
    const FLOWS: i64 = 30;
    let tasks = client
        .queue_tasks(
            (0..TASKS)
                .map(|n| {
                    (
                        "work".to_owned(),
                        json!({ "n": n }),
                        StartOptions::default(),
                    )
                })
                .collect(),
        )
        .await
        .unwrap();
    let mut flows = Vec::new();
    for k in 0..FLOWS {
        flows.push((
            k,
            client
                .start_workflow("fan", json!({ "k": k }), StartOptions::default())
                .await
                .unwrap()
                .id,
        ));
    }

    for (n, t) in tasks.iter().enumerate() {
        let done = client.wait(&t.id, WAIT).await.unwrap();
        assert_eq!(done.status, Status::Completed, "{done:?}");
        assert_eq!(done.output.as_ref().unwrap()["n"], json!(2 * n as i64));
    }
    for (k, id) in &flows {
        let done = match client.wait(id, WAIT).await {
            Ok(done) => done,
            Err(e) => panic!("{e}\n{}", diagnose(&pool, id).await),
        };
        assert_eq!(done.status, Status::Completed, "{done:?}");
        // (2(10k+1) + 2(10k+2) + 2(10k+3)) * 2
        assert_eq!(done.output, Some(json!((60 * k + 12) * 2)));
    }

    // Every task execution ran exactly once, and each completion was recorded.
    let executions = TASKS + FLOWS * 4;
    assert_eq!(
        scalar(
            &pool,
            "SELECT count(*) FROM rhythm_executions WHERE kind = 'task' AND status = 'completed'"
        )
        .await,
        executions
    );
    assert_eq!(
        scalar(&pool, "SELECT count(*) FROM suite_calls").await,
        executions,
        "one invocation per task execution"
    );
    let twice = sqlx::query(
        "SELECT execution_id, attempt, count(*) AS n, array_agg(pid) AS pids FROM suite_calls
         GROUP BY execution_id, attempt HAVING count(*) > 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        twice.is_empty(),
        "attempts that ran more than once: {:?}",
        twice
            .iter()
            .map(|r| (
                r.get::<String, _>("execution_id"),
                r.get::<i32, _>("attempt"),
                r.get::<Vec<i32>, _>("pids")
            ))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        scalar(
            &pool,
            "SELECT count(*) FROM rhythm_executions e WHERE kind = 'task'
             AND NOT EXISTS (SELECT 1 FROM suite_calls c WHERE c.execution_id = e.id)"
        )
        .await,
        0,
        "every task execution ran"
    );
    let pids = scalar(&pool, "SELECT count(DISTINCT pid) FROM suite_calls").await;
    assert!(
        pids >= 2,
        "the work was shared by the processes ({pids} did it all)"
    );
    assert_eq!(
        scalar(&pool, "SELECT count(*) FROM rhythm_ready").await
            + scalar(&pool, "SELECT count(*) FROM rhythm_attempts").await,
        0,
        "nothing left queued or in flight"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_busy_worker_killed_at_any_moment_loses_no_workflow(pool: PgPool) {
    let url = setup(&pool).await;
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "fan",
            r#"const rs = await Promise.all([1, 2, 3].map((n) => Task.run("work", { n: Inputs.k * 10 + n }, { retries: 2 })))
let sum = 0
for (const r of rs) sum += r.n
const last = await Task.run("work", { n: sum }, { retries: 2 })
return last.n"#,
        )
        .await
        .unwrap();
    let first = spawn_worker(&Role {
        lease_ms: 2000,
        ..Role::new(&url)
    });
    started(&pool, &[&first]).await;
    const FLOWS: i64 = 20;
    let mut flows = Vec::new();
    for k in 0..FLOWS {
        flows.push((
            k,
            client
                .start_workflow("fan", json!({ "k": k }), StartOptions::default())
                .await
                .unwrap()
                .id,
        ));
    }
    // Killed while steps, claims and results are in flight.
    let p = pool.clone();
    eventually("the first worker to be busy", || {
        let p = p.clone();
        async move { scalar(&p, "SELECT count(*) FROM suite_calls").await >= 20 }
    })
    .await;
    assert_eq!(first.kill_9(), Some(9));
    let _second = spawn_worker(&Role::new(&url));

    for (k, id) in &flows {
        let done = match client.wait(id, WAIT).await {
            Ok(done) => done,
            Err(e) => panic!("{e}\n{}", diagnose(&pool, id).await),
        };
        assert_eq!(done.status, Status::Completed, "{done:?}");
        assert_eq!(done.output, Some(json!((60 * k + 12) * 2)));
    }
    let lost = scalar(
        &pool,
        "SELECT count(*) FROM rhythm_executions WHERE error->>'type' = 'LeaseExpired'",
    )
    .await;
    println!("attempts lost with the killed worker and retried: {lost}");
    // No attempt ran twice: an attempt lost with the worker is retried as a new attempt.
    assert_eq!(
        scalar(
            &pool,
            "SELECT count(*) FROM (SELECT 1 FROM suite_calls GROUP BY execution_id, attempt
                                   HAVING count(*) > 1) t"
        )
        .await,
        0
    );
}

/// What the database holds about a workflow, for a failure message.
async fn diagnose(pool: &PgPool, id: &str) -> String {
    let mut out = String::new();
    for (what, sql) in [
        (
            "execution",
            "SELECT to_jsonb(e) FROM rhythm_executions e WHERE id = $1",
        ),
        (
            "children",
            "SELECT to_jsonb(e) FROM rhythm_executions e WHERE parent_id = $1 ORDER BY created_at",
        ),
        (
            "ready",
            "SELECT to_jsonb(r) FROM rhythm_ready r WHERE execution_id = $1",
        ),
        (
            "inbox",
            "SELECT to_jsonb(i) FROM rhythm_inbox i WHERE execution_id = $1",
        ),
        (
            "attempts of children",
            "SELECT to_jsonb(a) FROM rhythm_attempts a JOIN rhythm_executions e ON e.id = a.execution_id WHERE e.parent_id = $1",
        ),
        (
            "ready of children",
            "SELECT to_jsonb(r) FROM rhythm_ready r JOIN rhythm_executions e ON e.id = r.execution_id WHERE e.parent_id = $1",
        ),
        (
            "calls of children",
            "SELECT to_jsonb(c) FROM suite_calls c JOIN rhythm_executions e ON e.id = c.execution_id WHERE e.parent_id = $1",
        ),
        (
            "state",
            "SELECT jsonb_build_object('version', state_version, 'updated_at', updated_at, 'state', convert_from(state, 'UTF8')::jsonb - 'vm_state') FROM rhythm_workflow_state WHERE execution_id = $1",
        ),
    ] {
        let rows: Vec<Value> = sqlx::query_scalar(sql)
            .bind(id)
            .fetch_all(pool)
            .await
            .unwrap_or_default();
        out.push_str(&format!("{what}:\n"));
        for r in rows {
            out.push_str(&format!("  {r}\n"));
        }
    }
    out
}
