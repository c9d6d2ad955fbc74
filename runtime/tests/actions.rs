//! Operator actions on Postgres: retry after a fix, retry of a failed child workflow, pause and
//! resume with a signal arriving meanwhile, a paused execution's task not claimed, queue pause
//! and resume, bulk retry, and the actions refused.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::{count, fast_options, worker};
use rhythm_runtime::{
    Action, ActionFilter, Actor, Client, Error, StartOptions, Status, TaskError, WorkerOptions,
};
use serde_json::{Value, json};
use sqlx::PgPool;

const WAIT: Duration = Duration::from_secs(30);

fn ada() -> Actor {
    Actor {
        by: "ada@box".into(),
        reason: Some("fixed the task".into()),
    }
}

/// A worker serving workflows, with a task `fixable` that fails until `fixed` is set.
fn workflow_worker(pool: &PgPool, fixed: Arc<AtomicBool>) -> rhythm_runtime::WorkerHandle {
    let mut w = worker(
        pool,
        WorkerOptions {
            serve_workflows: true,
            ..fast_options()
        },
    );
    w.register("fixable", move |v: Value| {
        let fixed = fixed.clone();
        async move {
            if fixed.load(Ordering::SeqCst) {
                Ok(json!({"v": v["n"], "fixed": true}))
            } else {
                Err(TaskError::fatal("Bug", "not fixed yet"))
            }
        }
    });
    w.register("double", |v: Value| async move {
        Ok::<Value, TaskError>(json!(v["n"].as_i64().unwrap_or(0) * 2))
    });
    w.spawn()
}

async fn history(pool: &PgPool, id: &str) -> Vec<(String, Value)> {
    sqlx::query_as("SELECT type, data FROM rhythm_history WHERE execution_id = $1 AND type IN ('retried', 'paused', 'resumed', 'queue_paused', 'queue_resumed') ORDER BY seq")
        .bind(id)
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn start(client: &Client, name: &str, inputs: Value) -> String {
    client
        .start_workflow(name, inputs, StartOptions::default())
        .await
        .unwrap()
        .id
}

#[sqlx::test(migrations = "../migrations")]
async fn retry_after_the_task_is_fixed_completes_with_the_new_output(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "order",
            r#"
            const a = await Task.run("double", { n: 2 });
            const b = await Task.run("fixable", { n: a });
            return { a, b };
            "#,
        )
        .await
        .unwrap();
    let fixed = Arc::new(AtomicBool::new(false));
    let h = workflow_worker(&pool, fixed.clone());
    let id = start(&client, "order", json!({})).await;
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Failed, "{e:?}");
    assert_eq!(e.error.as_ref().unwrap()["type"], "TaskFailed");
    // The failed workflow keeps the state of its last await.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM rhythm_workflow_state s JOIN rhythm_executions e ON e.id = s.execution_id WHERE e.status = 'failed'"
        )
        .await,
        1
    );

    fixed.store(true, Ordering::SeqCst);
    client.retry(&id, &ada()).await.unwrap();
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Completed, "{e:?}");
    assert_eq!(
        e.output,
        Some(json!({"a": 4, "b": {"v": 4, "fixed": true}}))
    );
    // `double` ran once, `fixable` twice (attempt 1 failed, attempt 2 after the retry).
    let runs: Vec<(String, i32)> = sqlx::query_as(
        "SELECT name, parent_attempt FROM rhythm_executions WHERE parent_id = $1 ORDER BY created_at",
    )
    .bind(&id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        runs,
        vec![
            ("double".to_owned(), 1),
            ("fixable".to_owned(), 1),
            ("fixable".to_owned(), 2)
        ]
    );
    assert_eq!(
        history(&pool, &id).await,
        vec![(
            "retried".to_owned(),
            json!({"by": "ada@box", "reason": "fixed the task"})
        )]
    );
    // A completed workflow keeps no state.
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rhythm_workflow_state").await,
        0
    );
    // Retrying it again is refused and changes nothing.
    let err = client.retry(&id, &ada()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Refused { .. }) && err.to_string().contains("it is completed"),
        "{err}"
    );
    assert_eq!(history(&pool, &id).await.len(), 1);
    h.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn retry_of_a_parent_retries_its_failed_child_workflow(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "child",
            r#"return await Task.run("fixable", { n: Inputs.n });"#,
        )
        .await
        .unwrap();
    client
        .register_workflow(
            "parent",
            r#"
            const c = await Workflow.run("child", { n: 7 });
            return { c };
            "#,
        )
        .await
        .unwrap();
    let fixed = Arc::new(AtomicBool::new(false));
    let h = workflow_worker(&pool, fixed.clone());
    let id = start(&client, "parent", json!({})).await;
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Failed, "{e:?}");
    assert_eq!(e.error.as_ref().unwrap()["type"], "WorkflowFailed");
    let child: String = sqlx::query_scalar(
        "SELECT id FROM rhythm_executions WHERE parent_id = $1 AND kind = 'workflow'",
    )
    .bind(&id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(client.get(&child).await.unwrap().status, Status::Failed);

    fixed.store(true, Ordering::SeqCst);
    client.retry(&id, &ada()).await.unwrap();
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Completed, "{e:?}");
    assert_eq!(e.output, Some(json!({"c": {"v": 7, "fixed": true}})));
    assert_eq!(client.get(&child).await.unwrap().status, Status::Completed);
    let child_history = history(&pool, &child).await;
    assert_eq!(child_history.len(), 1);
    assert_eq!(child_history[0].0, "retried");
    assert_eq!(child_history[0].1["by"], format!("workflow {id}"));
    h.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_standalone_task_is_retried_as_a_new_attempt(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    let fixed = Arc::new(AtomicBool::new(false));
    let h = workflow_worker(&pool, fixed.clone());
    let id = client
        .queue_task("fixable", json!({"n": 1}), StartOptions::default())
        .await
        .unwrap()
        .id;
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Failed, "{e:?}");
    fixed.store(true, Ordering::SeqCst);
    client.retry(&id, &ada()).await.unwrap();
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Completed, "{e:?}");
    assert_eq!(e.output, Some(json!({"v": 1, "fixed": true})));
    h.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_signal_sent_while_paused_is_delivered_once_after_resume(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "w",
            r#"
            const s = await Signal.next("go");
            const d = await Task.run("double", { n: s.n });
            const t = await Signal.next("go");
            return { d, t: t.n };
            "#,
        )
        .await
        .unwrap();
    let h = workflow_worker(&pool, Arc::default());
    let id = start(&client, "w", json!({})).await;
    common::eventually("waiting for go", || async {
        client.get(&id).await.unwrap().waiting_for_signals == vec!["go".to_owned()]
    })
    .await;
    assert_eq!(client.pause(&id, &ada()).await.unwrap(), 1);
    let e = client.get(&id).await.unwrap();
    assert_eq!(e.paused.as_ref().unwrap().by, "ada@box");
    assert_eq!(rhythm_runtime::inspect::display_status(&e), "paused");
    client
        .send_signal(&id, "go", json!({"n": 5}))
        .await
        .unwrap();
    // Paused: no step takes it.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(count(&pool, "SELECT count(*) FROM rhythm_signals").await, 1);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM rhythm_executions WHERE kind = 'task'"
        )
        .await,
        0
    );
    let err = client.pause(&id, &ada()).await.unwrap_err();
    assert!(err.to_string().contains("paused already"), "{err}");

    assert_eq!(client.resume(&id, &ada()).await.unwrap(), 1);
    common::eventually("waiting for the second go", || async {
        count(
            &pool,
            "SELECT count(*) FROM rhythm_executions WHERE kind = 'task' AND status = 'completed'",
        )
        .await
            == 1
            && client.get(&id).await.unwrap().waiting_for_signals == vec!["go".to_owned()]
    })
    .await;
    // Delivered once: the second wait still waits.
    assert_eq!(client.get(&id).await.unwrap().status, Status::Waiting);
    client
        .send_signal(&id, "go", json!({"n": 9}))
        .await
        .unwrap();
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.output, Some(json!({"d": 10, "t": 9})));
    let kinds: Vec<String> = history(&pool, &id).await.into_iter().map(|h| h.0).collect();
    assert_eq!(kinds, vec!["paused", "resumed"]);
    let err = client.resume(&id, &ada()).await.unwrap_err();
    assert!(err.to_string().contains("not paused"), "{err}");
    let err = client.pause(&id, &ada()).await.unwrap_err();
    assert!(
        err.to_string().contains("it has ended (completed)"),
        "{err}"
    );
    h.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_paused_workflow_s_queued_task_is_not_claimed(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow("w", r#"return await Task.run("double", { n: 21 });"#)
        .await
        .unwrap();
    // A worker for steps only: the task gets queued and stays.
    let steps = {
        let mut w = worker(
            &pool,
            WorkerOptions {
                serve_workflows: true,
                ..fast_options()
            },
        );
        w.register("other", |_v: Value| async {
            Ok::<Value, TaskError>(json!(0))
        });
        w.spawn()
    };
    let id = start(&client, "w", json!({})).await;
    common::eventually("the task queued", || async {
        count(
            &pool,
            "SELECT count(*) FROM rhythm_ready WHERE kind = 'task'",
        )
        .await
            == 1
    })
    .await;
    assert_eq!(client.pause(&id, &ada()).await.unwrap(), 2);
    assert_eq!(count(&pool, "SELECT count(*) FROM rhythm_held").await, 1);
    let task: String = sqlx::query_scalar("SELECT id FROM rhythm_executions WHERE kind = 'task'")
        .fetch_one(&pool)
        .await
        .unwrap();
    // Still shown as queued, and paused.
    let t = client.get(&task).await.unwrap();
    assert!(t.attempt.is_some() && t.paused.is_some(), "{t:?}");

    let tasks = worker(&pool, fast_options());
    let mut tasks = tasks;
    tasks.register("double", |v: Value| async move {
        Ok::<Value, TaskError>(json!(v["n"].as_i64().unwrap_or(0) * 2))
    });
    let tasks = tasks.spawn();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(client.get(&task).await.unwrap().status, Status::Running);

    // A task row that reaches the queue anyway (as after a released attempt) is held by the
    // claim, not run.
    sqlx::query("WITH m AS (DELETE FROM rhythm_held RETURNING *) INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt) SELECT execution_id, kind, name, queue, priority, run_at, attempt FROM m")
        .execute(&pool)
        .await
        .unwrap();
    common::eventually("held again by the claim", || async {
        count(&pool, "SELECT count(*) FROM rhythm_held").await == 1
    })
    .await;
    assert_eq!(client.get(&task).await.unwrap().status, Status::Running);

    client.resume(&id, &ada()).await.unwrap();
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.output, Some(json!(42)));
    tasks.shutdown().await.unwrap();
    steps.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_paused_queue_is_not_claimed_until_resumed(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client.pause_queue("slow", &ada()).await.unwrap();
    let err = client.pause_queue("slow", &ada()).await.unwrap_err();
    assert!(err.to_string().contains("paused already"), "{err}");
    let mut w = worker(
        &pool,
        WorkerOptions {
            queues: vec!["default".into(), "slow".into()],
            ..fast_options()
        },
    );
    w.register("double", |v: Value| async move {
        Ok::<Value, TaskError>(json!(v["n"].as_i64().unwrap_or(0) * 2))
    });
    let h = w.spawn();
    let id = client
        .queue_task(
            "double",
            json!({"n": 4}),
            StartOptions {
                queue: Some("slow".into()),
                ..StartOptions::default()
            },
        )
        .await
        .unwrap()
        .id;
    let other = client
        .queue_task("double", json!({"n": 1}), StartOptions::default())
        .await
        .unwrap()
        .id;
    assert_eq!(
        client.wait(&other, WAIT).await.unwrap().status,
        Status::Completed
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(client.get(&id).await.unwrap().status, Status::Running);
    let queues = client.queues().await.unwrap();
    let slow = queues.iter().find(|q| q.queue == "slow").unwrap();
    assert_eq!(slow.paused.as_ref().unwrap().by, "ada@box");
    assert_eq!(slow.ready, 1);
    let i = client.inspect(&id).await.unwrap();
    assert!(
        i.waiting_on[0].reason.starts_with("queue slow is paused"),
        "{:?}",
        i.waiting_on
    );

    client.resume_queue("slow", &ada()).await.unwrap();
    assert_eq!(client.wait(&id, WAIT).await.unwrap().output, Some(json!(8)));
    let err = client.resume_queue("slow", &ada()).await.unwrap_err();
    assert!(err.to_string().contains("not paused"), "{err}");
    let kinds: Vec<String> = history(&pool, "queue:slow")
        .await
        .into_iter()
        .map(|h| h.0)
        .collect();
    assert_eq!(kinds, vec!["queue_paused", "queue_resumed"]);
    h.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn bulk_retry_counts_then_retries_every_failed_execution(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow("w", r#"return await Task.run("fixable", { n: Inputs.n });"#)
        .await
        .unwrap();
    let fixed = Arc::new(AtomicBool::new(false));
    let h = workflow_worker(&pool, fixed.clone());
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(start(&client, "w", json!({"n": n})).await);
    }
    for id in &ids {
        assert_eq!(client.wait(id, WAIT).await.unwrap().status, Status::Failed);
    }
    let filter = ActionFilter {
        name: Some("w".into()),
        status: Some(Status::Failed),
        since: Some(Duration::from_secs(7200)),
        version: None,
    };
    // The dry run: a count, nothing changed.
    assert_eq!(client.count_matching(&filter).await.unwrap(), 5);
    let other = ActionFilter {
        version: Some("nope".into()),
        ..filter.clone()
    };
    assert_eq!(client.count_matching(&other).await.unwrap(), 0);

    fixed.store(true, Ordering::SeqCst);
    let mut rounds = 0;
    let counts = client
        .bulk(Action::Retry, &filter, &ada(), &mut |_| rounds += 1)
        .await
        .unwrap();
    assert_eq!((counts.matched, counts.applied, counts.skipped), (5, 5, 0));
    assert_eq!(rounds, 1);
    for (n, id) in ids.iter().enumerate() {
        let e = client.wait(id, WAIT).await.unwrap();
        assert_eq!(e.output, Some(json!({"v": n, "fixed": true})));
    }
    assert_eq!(client.count_matching(&filter).await.unwrap(), 0);
    h.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn actions_that_do_not_apply_are_refused_and_change_nothing(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow("w", r#"return await Signal.next("go");"#)
        .await
        .unwrap();
    let id = start(&client, "w", json!({})).await;
    let err = client.retry(&id, &ada()).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("it is running: only a failed execution can be retried"),
        "{err}"
    );
    assert!(matches!(
        client.retry("nope", &ada()).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        client.pause("", &ada()).await,
        Err(Error::Invalid { .. })
    ));
    let bad = Actor {
        by: "x".into(),
        reason: Some("a\0b".into()),
    };
    assert!(matches!(
        client.pause(&id, &bad).await,
        Err(Error::Invalid { .. })
    ));
    assert!(matches!(
        client.pause_queue("", &ada()).await,
        Err(Error::Invalid { .. })
    ));
    assert_eq!(count(&pool, "SELECT count(*) FROM rhythm_history WHERE type IN ('retried', 'paused', 'resumed', 'queue_paused', 'queue_resumed')").await, 0);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM rhythm_executions WHERE paused IS NOT NULL"
        )
        .await,
        0
    );
}
