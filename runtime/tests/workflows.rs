//! Workflow steps end to end: a worker serving workflows runs `.flow` programs whose tasks run
//! on Rust handlers, with timers, signals, retries, child workflows and cancellation.

mod common;

use std::time::Duration;

use common::{count, fast_options, worker};
use rhythm_runtime::worker::WithContext;
use rhythm_runtime::{Client, StartOptions, Status, TaskContext, TaskError, WorkerOptions};
use serde_json::{Value, json};
use sqlx::PgPool;

const WAIT: Duration = Duration::from_secs(30);

fn workflow_worker(pool: &PgPool) -> rhythm_runtime::WorkerHandle {
    let mut w = worker(
        pool,
        WorkerOptions {
            serve_workflows: true,
            ..fast_options()
        },
    );
    w.register("double", |v: Value| async move {
        let n = v["n"].as_i64().unwrap_or(0);
        Ok::<Value, TaskError>(json!(n * 2))
    });
    w.register(
        "flaky",
        WithContext(|t: TaskContext| async move {
            if t.attempt < 2 {
                Err(TaskError::new("Flaky", "first attempt fails"))
            } else {
                Ok(json!("ok"))
            }
        }),
    );
    w.register("boom", |_v: Value| async {
        Err::<Value, _>(TaskError::new("Boom", "always"))
    });
    w.spawn()
}

#[sqlx::test(migrations = "../migrations")]
async fn tasks_timers_and_signals(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "flow",
            r#"
            const a = await Task.run("double", { n: Inputs.x });
            const b = await Task.run("double", { n: a });
            await Timer.delay("200ms");
            const s = await Signal.next("go");
            console.log("got", s.v);
            return { a, b, s: s.v };
            "#,
        )
        .await
        .unwrap();
    let h = workflow_worker(&pool);
    let id = client
        .start_workflow("flow", json!({"x": 3}), StartOptions::default())
        .await
        .unwrap()
        .id;
    // Wait until it waits for the signal, then send it.
    common::eventually("waiting for go", || async {
        client.get(&id).await.unwrap().waiting_for_signals == vec!["go".to_owned()]
    })
    .await;
    assert_eq!(client.get(&id).await.unwrap().status, Status::Waiting);
    client
        .send_signal(&id, "go", json!({"v": "yes"}))
        .await
        .unwrap();
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Completed, "{e:?}");
    assert_eq!(e.output, Some(json!({"a": 6, "b": 12, "s": "yes"})));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM rhythm_logs WHERE message = 'got yes'"
        )
        .await,
        1
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM rhythm_signals").await, 0);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rhythm_workflow_state").await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM rhythm_executions WHERE kind = 'task' AND status = 'completed'"
        )
        .await,
        2
    );
    h.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_signal_sent_before_the_wait_is_kept(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "early",
            r#"await Timer.delay("300ms"); return await Signal.next("s");"#,
        )
        .await
        .unwrap();
    let id = client
        .start_workflow("early", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    client.send_signal(&id, "s", json!(1)).await.unwrap();
    client.send_signal(&id, "s", json!(2)).await.unwrap();
    let h = workflow_worker(&pool);
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.output, Some(json!(1)));
    h.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn retries_failures_and_children(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "parent",
            r#"
            const r = await Task.run("flaky", {}, { retries: { max: 2, initial: 0.05 } });
            let caught = null;
            try { await Task.run("boom", {}); } catch (e) { caught = e.type; }
            const child = await Workflow.run("child", { n: 5 });
            return { r, caught, child };
            "#,
        )
        .await
        .unwrap();
    client
        .register_workflow(
            "child",
            r#"return await Task.run("double", { n: Inputs.n });"#,
        )
        .await
        .unwrap();
    let h = workflow_worker(&pool);
    let id = client
        .start_workflow("parent", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Completed, "{e:?}");
    assert_eq!(
        e.output,
        Some(json!({"r": "ok", "caught": "TaskFailed", "child": 10}))
    );
    h.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn uncaught_errors_fail_the_workflow(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow("bad", r#"throw new Error("nope");"#)
        .await
        .unwrap();
    client.register_workflow("broken", "let = ;").await.unwrap();
    let h = workflow_worker(&pool);
    let bad = client
        .start_workflow("bad", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    let broken = client
        .start_workflow("broken", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    let e = client.wait(&bad, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Failed);
    assert_eq!(e.error.as_ref().unwrap()["message"], "nope");
    let e = client.wait(&broken, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Failed);
    assert_eq!(e.error.as_ref().unwrap()["type"], "CompileError");
    h.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn cancel_runs_cleanup_then_ends_cancelled(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "cancellable",
            r#"
            try {
                await Signal.next("never");
            } finally {
                await Task.run("double", { n: 21 });
            }
            "#,
        )
        .await
        .unwrap();
    let h = workflow_worker(&pool);
    let id = client
        .start_workflow("cancellable", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    common::eventually("waiting", || async {
        client.get(&id).await.unwrap().status == Status::Waiting
    })
    .await;
    assert_eq!(
        client.cancel(&id).await.unwrap(),
        rhythm_runtime::CancelOutcome::Requested
    );
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Cancelled, "{e:?}");
    assert_eq!(e.error.as_ref().unwrap()["type"], "Cancelled");
    // The cleanup task ran.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM rhythm_executions WHERE kind = 'task' AND output = '42'"
        )
        .await,
        1
    );
    assert_eq!(
        client.cancel(&id).await.unwrap(),
        rhythm_runtime::CancelOutcome::AlreadyFinished(Status::Cancelled)
    );
    h.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_workflow_task_whose_worker_dies_is_taken_over_without_retries(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "takeover",
            r#"const r = await Task.run("double", { n: 21 })
            return r"#,
        )
        .await
        .unwrap();
    let id = client
        .start_workflow("takeover", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;

    // Worker A serves the step and claims the task with a 1 s lease, then dies mid-task.
    let mut a = worker(
        &pool,
        WorkerOptions {
            serve_workflows: true,
            lease: Duration::from_secs(1),
            ..fast_options()
        },
    );
    a.register("double", |_v: Value| async {
        std::future::pending::<()>().await;
        Ok::<Value, TaskError>(Value::Null)
    });
    let a = a.spawn();
    common::eventually("A holds the task's attempt", || async {
        count(&pool, "SELECT count(*) FROM rhythm_attempts").await == 1
    })
    .await;
    a.kill();

    // The task has no retries, yet the workflow completes: a lost worker is not a task failure.
    let b = workflow_worker(&pool);
    let done = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(done.status, Status::Completed, "{:?}", done.error);
    assert_eq!(done.output, Some(json!(42)));
    assert_eq!(
        count(
            &pool,
            "SELECT lease_losses::int8 FROM rhythm_executions WHERE name = 'double'"
        )
        .await,
        1
    );
    b.shutdown().await.unwrap();
}
