//! The task queue against a real Postgres: enqueue, claim, complete, concurrency, leases,
//! retries, timeouts, cancellation, idempotency, shutdown, reconnection.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{count, eventually, fast_options, worker};
use rhythm_runtime::worker::WithContext;
use rhythm_runtime::{
    AttemptState, CancelOutcome, Client, Error, ListFilter, StartOptions, Status, TaskContext,
    TaskError, WorkerOptions,
};
use serde_json::{Value, json};
use sqlx::PgPool;

const WAIT: Duration = Duration::from_secs(20);

async fn echo(v: Value) -> Result<Value, TaskError> {
    Ok(json!({ "echo": v }))
}

#[sqlx::test(migrations = "../migrations")]
async fn enqueue_claim_complete(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    let started = client
        .queue_task("echo", json!({"n": 1}), StartOptions::default())
        .await
        .unwrap();
    assert!(started.created);
    let queued = client.get(&started.id).await.unwrap();
    assert_eq!(queued.status, Status::Running);
    assert!(matches!(
        queued.attempt,
        Some(AttemptState::Queued { attempt: 1, .. })
    ));

    let mut w = worker(&pool, fast_options());
    w.register("echo", echo);
    let handle = w.spawn();
    let done = client.wait(&started.id, WAIT).await.unwrap();
    assert_eq!(done.status, Status::Completed);
    assert_eq!(done.output, Some(json!({"echo": {"n": 1}})));
    assert!(done.attempt.is_none());
    let stats = handle.shutdown().await.unwrap();
    assert_eq!(stats.claimed, 1);
    assert_eq!(stats.completed, 1);
    assert_eq!(count(&pool, "SELECT count(*) FROM rhythm_ready").await, 0);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rhythm_attempts").await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn several_workers_run_each_attempt_once(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    const N: usize = 1500;
    let runs: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let mut handles = Vec::new();
    for _ in 0..4 {
        let mut w = worker(
            &pool,
            WorkerOptions {
                concurrency: 16,
                batch_size: 16,
                ..fast_options()
            },
        );
        let runs = runs.clone();
        w.register(
            "count",
            WithContext(move |t: TaskContext| {
                let runs = runs.clone();
                async move {
                    *runs
                        .lock()
                        .unwrap()
                        .entry(t.execution_id.clone())
                        .or_default() += 1;
                    tokio::task::yield_now().await;
                    Ok(json!(t.inputs))
                }
            }),
        );
        handles.push(w.spawn());
    }
    // Enqueue while the workers run, in batches and one by one.
    let batch: Vec<_> = (0..N - 100)
        .map(|i| ("count".to_owned(), json!(i), StartOptions::default()))
        .collect();
    for chunk in batch.chunks(200) {
        client.queue_tasks(chunk.to_vec()).await.unwrap();
    }
    for i in 0..100 {
        client
            .queue_task("count", json!(i), StartOptions::default())
            .await
            .unwrap();
    }
    eventually("all completed", || async {
        count(
            &pool,
            "SELECT count(*) FROM rhythm_executions WHERE status = 'completed'",
        )
        .await
            == N as i64
    })
    .await;
    let mut total = rhythm_runtime::worker::WorkerStats::default();
    for h in handles {
        let s = h.shutdown().await.unwrap();
        total.claimed += s.claimed;
        total.completed += s.completed;
    }
    let runs = runs.lock().unwrap().clone();
    assert_eq!(runs.len(), N);
    assert!(runs.values().all(|&n| n == 1), "an attempt ran twice");
    assert_eq!(total.claimed, N as u64);
    assert_eq!(total.completed, N as u64);
    assert_eq!(count(&pool, "SELECT count(*) FROM rhythm_ready").await, 0);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rhythm_attempts").await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM rhythm_executions WHERE output IS NULL"
        )
        .await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn expired_lease_is_taken_over(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    let id = client
        .queue_task("slow-once", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;

    // Worker A claims it with a 1 s lease, never finishes, and dies.
    let mut a = worker(
        &pool,
        WorkerOptions {
            lease: Duration::from_secs(1),
            ..fast_options()
        },
    );
    a.register("slow-once", |_v: Value| async {
        std::future::pending::<()>().await;
        Ok(Value::Null)
    });
    let a = a.spawn();
    eventually("A holds the attempt", || async {
        count(&pool, "SELECT count(*) FROM rhythm_attempts").await == 1
    })
    .await;
    a.kill();

    // Worker B takes over once the lease has expired: attempt 2.
    let mut b = worker(&pool, fast_options());
    b.register(
        "slow-once",
        WithContext(|t: TaskContext| async move { Ok(json!({"attempt": t.attempt})) }),
    );
    let b = b.spawn();
    let done = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(done.status, Status::Completed);
    assert_eq!(done.output, Some(json!({"attempt": 2})));
    let stats = b.shutdown().await.unwrap();
    assert!(stats.reaped >= 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn retries_with_backoff_then_succeed_or_fail(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    let opts = |n| StartOptions {
        max_attempts: Some(n),
        backoff: Some(Duration::from_millis(50)),
        ..StartOptions::default()
    };
    let flaky = client
        .queue_task("flaky", json!({}), opts(3))
        .await
        .unwrap()
        .id;
    let doomed = client
        .queue_task("always-fails", json!({}), opts(2))
        .await
        .unwrap()
        .id;
    let fatal = client
        .queue_task("fatal", json!({}), opts(5))
        .await
        .unwrap()
        .id;

    let fatal_runs = Arc::new(AtomicUsize::new(0));
    let mut w = worker(&pool, fast_options());
    w.register(
        "flaky",
        WithContext(|t: TaskContext| async move {
            if t.attempt < 3 {
                Err(TaskError::new("Flaky", format!("attempt {}", t.attempt)))
            } else {
                Ok(json!({"attempt": t.attempt}))
            }
        }),
    );
    w.register("always-fails", |_v: Value| async {
        Err::<Value, _>(TaskError::new("Boom", "no luck"))
    });
    let fr = fatal_runs.clone();
    w.register("fatal", move |_v: Value| {
        fr.fetch_add(1, Ordering::SeqCst);
        async { Err::<Value, _>(TaskError::fatal("BadInput", "never retry")) }
    });
    let h = w.spawn();

    let e = client.wait(&flaky, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Completed);
    assert_eq!(e.output, Some(json!({"attempt": 3})));
    assert_eq!(e.error, None);

    let e = client.wait(&doomed, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Failed);
    assert_eq!(e.error, Some(json!({"type": "Boom", "message": "no luck"})));

    let e = client.wait(&fatal, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Failed);
    assert_eq!(e.error.as_ref().unwrap()["type"], "BadInput");
    assert_eq!(fatal_runs.load(Ordering::SeqCst), 1);
    let stats = h.shutdown().await.unwrap();
    assert_eq!(stats.retried, 3); // flaky 2, doomed 1
    assert_eq!(stats.failed, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn backoff_grows_exponentially(pool: PgPool) {
    // rhythm_backoff: base * 2^(attempt-1), ±20 % jitter, capped at one hour.
    for (attempt, lo, hi) in [
        (1, 800.0, 1200.0),
        (3, 3200.0, 4800.0),
        (40, 2_880_000.0, 4_320_000.0),
    ] {
        let ms: f64 = sqlx::query_scalar(
            "SELECT extract(epoch FROM rhythm_backoff(1000, $1))::float8 * 1000",
        )
        .bind(attempt)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(ms >= lo && ms <= hi, "attempt {attempt}: {ms} ms");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn timeout_is_enforced_when_the_worker_is_gone(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    let id = client
        .queue_task(
            "hang",
            json!({}),
            StartOptions {
                timeout: Some(Duration::from_millis(800)),
                max_attempts: Some(1),
                ..StartOptions::default()
            },
        )
        .await
        .unwrap()
        .id;
    // A claims with a long lease and dies: only the deadline can end the attempt.
    let mut a = worker(
        &pool,
        WorkerOptions {
            lease: Duration::from_secs(600),
            ..fast_options()
        },
    );
    a.register("hang", |_v: Value| async {
        std::future::pending::<()>().await;
        Ok(Value::Null)
    });
    let a = a.spawn();
    eventually("A holds the attempt", || async {
        count(&pool, "SELECT count(*) FROM rhythm_attempts").await == 1
    })
    .await;
    a.kill();
    // B serves another task; its reaper enforces A's deadline.
    let mut b = worker(&pool, fast_options());
    b.register("other", echo);
    let b = b.spawn();
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Failed);
    assert_eq!(e.error.as_ref().unwrap()["type"], "Timeout");
    b.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn local_timeout_retries(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    let id = client
        .queue_task(
            "slow-first",
            json!({}),
            StartOptions {
                timeout: Some(Duration::from_millis(300)),
                backoff: Some(Duration::from_millis(10)),
                ..StartOptions::default()
            },
        )
        .await
        .unwrap()
        .id;
    let mut w = worker(&pool, fast_options());
    w.register(
        "slow-first",
        WithContext(|t: TaskContext| async move {
            if t.attempt == 1 {
                std::future::pending::<()>().await;
            }
            Ok(json!(t.attempt))
        }),
    );
    let h = w.spawn();
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.output, Some(json!(2)));
    h.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn cancel_withdraws_queued_and_running_attempts(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    // Queued, no worker.
    let queued = client
        .queue_task("q", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    assert_eq!(
        client.cancel(&queued).await.unwrap(),
        CancelOutcome::Cancelled
    );
    assert_eq!(
        client.cancel(&queued).await.unwrap(),
        CancelOutcome::AlreadyFinished(Status::Cancelled)
    );
    let e = client.get(&queued).await.unwrap();
    assert_eq!(e.status, Status::Cancelled);
    assert_eq!(e.error.as_ref().unwrap()["type"], "Cancelled");
    assert_eq!(count(&pool, "SELECT count(*) FROM rhythm_ready").await, 0);

    // Running: the heartbeat notices the withdrawn lease and stops the handler.
    struct Dropped(Arc<AtomicUsize>);
    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let dropped = Arc::new(AtomicUsize::new(0));
    let d = dropped.clone();
    let mut w = worker(&pool, fast_options());
    w.register("long", move |_v: Value| {
        let guard = Dropped(d.clone());
        async move {
            let _guard = guard;
            std::future::pending::<()>().await;
            Ok(Value::Null)
        }
    });
    let h = w.spawn();
    let running = client
        .queue_task("long", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    eventually("claimed", || async {
        count(&pool, "SELECT count(*) FROM rhythm_attempts").await == 1
    })
    .await;
    assert_eq!(
        client.cancel(&running).await.unwrap(),
        CancelOutcome::Cancelled
    );
    eventually("handler stopped", || async {
        dropped.load(Ordering::SeqCst) == 1
    })
    .await;
    assert_eq!(
        client.get(&running).await.unwrap().status,
        Status::Cancelled
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rhythm_attempts").await,
        0
    );

    // Completed: stays completed.
    let mut w2 = worker(&pool, fast_options());
    w2.register("echo", echo);
    let h2 = w2.spawn();
    let done = client
        .queue_task("echo", json!(1), StartOptions::default())
        .await
        .unwrap()
        .id;
    client.wait(&done, WAIT).await.unwrap();
    assert_eq!(
        client.cancel(&done).await.unwrap(),
        CancelOutcome::AlreadyFinished(Status::Completed)
    );
    assert_eq!(client.get(&done).await.unwrap().status, Status::Completed);
    assert!(matches!(
        client.cancel("nope").await,
        Err(Error::NotFound(_))
    ));
    h.shutdown().await.unwrap();
    h2.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_starts_with_one_key_make_one_execution(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    let mut joins = Vec::new();
    for i in 0..20 {
        let c = client.clone();
        joins.push(tokio::spawn(async move {
            c.queue_task(
                "once",
                json!({"caller": i}),
                StartOptions {
                    idempotency_key: Some("order-42".into()),
                    ..StartOptions::default()
                },
            )
            .await
            .unwrap()
        }));
    }
    let mut results = Vec::new();
    for j in joins {
        results.push(j.await.unwrap());
    }
    let created: Vec<_> = results.iter().filter(|s| s.created).collect();
    assert_eq!(created.len(), 1);
    assert!(results.iter().all(|s| s.id == created[0].id));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rhythm_executions").await,
        1
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM rhythm_ready").await, 1);
    // Same key in one batch: one execution too.
    let key = StartOptions {
        idempotency_key: Some("k2".into()),
        ..StartOptions::default()
    };
    let r = client
        .queue_tasks(vec![
            ("once".into(), json!(1), key.clone()),
            ("once".into(), json!(2), key),
        ])
        .await
        .unwrap();
    assert_eq!(r[0].id, r[1].id);
    assert!(r[0].created ^ r[1].created);
}

#[sqlx::test(migrations = "../migrations")]
async fn delayed_start_waits_for_its_time(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    let mut w = worker(&pool, fast_options());
    w.register("echo", echo);
    let h = w.spawn();
    let id = client
        .queue_task(
            "echo",
            json!(1),
            StartOptions {
                delay: Some(Duration::from_millis(700)),
                ..StartOptions::default()
            },
        )
        .await
        .unwrap()
        .id;
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Completed);
    let waited = e.completed_at.unwrap() - e.created_at;
    assert!(
        waited >= chrono::Duration::milliseconds(700),
        "ran after {waited}"
    );
    h.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn higher_priority_runs_first(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    for (i, p) in [0, 5, 1, 9, 5].into_iter().enumerate() {
        client
            .queue_task(
                "p",
                json!(i),
                StartOptions {
                    priority: p,
                    ..StartOptions::default()
                },
            )
            .await
            .unwrap();
    }
    let order: Arc<Mutex<Vec<i64>>> = Arc::default();
    let o = order.clone();
    let mut w = worker(
        &pool,
        WorkerOptions {
            concurrency: 1,
            batch_size: 1,
            ..fast_options()
        },
    );
    w.register("p", move |v: Value| {
        o.lock().unwrap().push(v.as_i64().unwrap());
        async { Ok(Value::Null) }
    });
    let h = w.spawn();
    eventually("all ran", || async { order.lock().unwrap().len() == 5 }).await;
    h.shutdown().await.unwrap();
    // Priority 9, then the two 5s in enqueue order, then 1, then 0.
    assert_eq!(*order.lock().unwrap(), vec![3, 1, 4, 2, 0]);
}

#[sqlx::test(migrations = "../migrations")]
async fn graceful_shutdown_releases_unfinished_attempts(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    let id = client
        .queue_task("long", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    let mut w = worker(
        &pool,
        WorkerOptions {
            shutdown_grace: Duration::from_millis(200),
            ..fast_options()
        },
    );
    w.register("long", |_v: Value| async {
        std::future::pending::<()>().await;
        Ok(Value::Null)
    });
    let h = w.spawn();
    eventually("claimed", || async {
        count(&pool, "SELECT count(*) FROM rhythm_attempts").await == 1
    })
    .await;
    let stats = h.shutdown().await.unwrap();
    assert_eq!(stats.released, 1);
    let e = client.get(&id).await.unwrap();
    assert_eq!(e.status, Status::Running);
    // Same attempt number: a release is not a failure.
    assert!(matches!(
        e.attempt,
        Some(AttemptState::Queued { attempt: 1, .. })
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn worker_survives_lost_connections(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    let mut w = worker(&pool, fast_options());
    w.register("echo", echo);
    let h = w.spawn();
    let first = client
        .queue_task("echo", json!(1), StartOptions::default())
        .await
        .unwrap()
        .id;
    client.wait(&first, WAIT).await.unwrap();
    // Terminate every connection to this test database (as a restart would), except ours.
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&pool)
        .await
        .unwrap();
    let killed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = $1 AND pid <> pg_backend_pid()) t",
    )
    .bind(&db)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(killed >= 1);
    let second = client
        .queue_task("echo", json!(2), StartOptions::default())
        .await
        .unwrap()
        .id;
    let e = client.wait(&second, WAIT).await.unwrap();
    assert_eq!(e.output, Some(json!({"echo": 2})));
    h.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn hostile_input_is_bound_or_refused(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    let name = "x'); DROP TABLE rhythm_executions; --";
    let s = client
        .queue_task(
            name,
            json!({"q": "'; SELECT 1; --"}),
            StartOptions {
                queue: Some("q\"'$1".into()),
                ..StartOptions::default()
            },
        )
        .await
        .unwrap();
    let e = client.get(&s.id).await.unwrap();
    assert_eq!(e.name, name);
    assert_eq!(e.queue, "q\"'$1");
    assert!(matches!(
        client
            .queue_task("", json!(1), StartOptions::default())
            .await,
        Err(Error::Invalid {
            what: "task name",
            ..
        })
    ));
    assert!(matches!(
        client
            .queue_task("t", json!("a\u{0}b"), StartOptions::default())
            .await,
        Err(Error::Invalid { what: "inputs", .. })
    ));
    let huge = Value::String("x".repeat(rhythm_runtime::MAX_PAYLOAD_BYTES + 1));
    assert!(matches!(
        client.queue_task("t", huge, StartOptions::default()).await,
        Err(Error::Invalid { what: "inputs", .. })
    ));
    let id = StartOptions {
        id: Some("fixed-id".into()),
        ..StartOptions::default()
    };
    client.queue_task("t", json!(1), id.clone()).await.unwrap();
    assert!(
        matches!(client.queue_task("t", json!(1), id).await, Err(Error::DuplicateId(i)) if i == "fixed-id")
    );
    assert!(matches!(
        client.get("missing").await,
        Err(Error::NotFound(_))
    ));
    // A 1 MB payload round-trips.
    let big = json!({"blob": "y".repeat(1 << 20)});
    let s = client
        .queue_task("t", big.clone(), StartOptions::default())
        .await
        .unwrap();
    assert_eq!(client.get(&s.id).await.unwrap().inputs, big);
}

#[sqlx::test(migrations = "../migrations")]
async fn list_filters(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    let a = client
        .queue_task("a", json!(1), StartOptions::default())
        .await
        .unwrap()
        .id;
    client
        .queue_task("b", json!(1), StartOptions::default())
        .await
        .unwrap();
    client.cancel(&a).await.unwrap();
    let all = client.list(&ListFilter::default()).await.unwrap();
    assert_eq!(all.len(), 2);
    let cancelled = client
        .list(&ListFilter {
            status: Some(Status::Cancelled),
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        cancelled.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        vec![a.as_str()]
    );
    let bs = client
        .list(&ListFilter {
            name: Some("b".into()),
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(bs.len(), 1);
    assert_eq!(bs[0].name, "b");
}

#[sqlx::test(migrations = "../migrations")]
async fn completion_notifies_and_wakes_wait(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    let id = client
        .queue_task("echo", json!(7), StartOptions::default())
        .await
        .unwrap()
        .id;
    let mut listener = sqlx::postgres::PgListener::connect_with(&pool)
        .await
        .unwrap();
    listener.listen(rhythm_runtime::DONE_CHANNEL).await.unwrap();
    let waiter = {
        let c = client.clone();
        let id = id.clone();
        tokio::spawn(async move { c.wait(&id, WAIT).await })
    };
    let mut w = worker(&pool, fast_options());
    w.register("echo", echo);
    let h = w.spawn();
    let n = tokio::time::timeout(WAIT, listener.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n.payload(), id);
    let e = waiter.await.unwrap().unwrap();
    assert_eq!(e.status, Status::Completed);
    h.shutdown().await.unwrap();
    // And a wait that cannot finish times out with the status it saw.
    let stuck = client
        .queue_task("nobody", json!(1), StartOptions::default())
        .await
        .unwrap()
        .id;
    assert!(matches!(
        client.wait(&stuck, Duration::from_millis(200)).await,
        Err(Error::WaitTimeout {
            status: Status::Running,
            ..
        })
    ));
}
