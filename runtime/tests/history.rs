//! The history of executions on Postgres: every change writes its row in the same statement,
//! in order, and the inspector returns it.

mod common;

use std::time::Duration;

use common::{fast_options, worker};
use rhythm_runtime::worker::WithContext;
use rhythm_runtime::{Client, StartOptions, Status, TaskContext, TaskError, WorkerOptions};
use serde_json::{Value, json};
use sqlx::PgPool;

const WAIT: Duration = Duration::from_secs(30);

fn types(history: &[rhythm_runtime::inspect::HistoryEntry]) -> Vec<&str> {
    history.iter().map(|h| h.kind.as_str()).collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_workflow_and_its_retried_task_tell_their_story(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow(
            "order",
            r#"
            const paid = await Task.run("flaky", {}, { retries: { max: 2, initial: "10ms" } });
            await Timer.delay("100ms");
            const approval = await Signal.next("approve");
            return { paid, approval };
            "#,
        )
        .await
        .unwrap();
    let mut w = worker(
        &pool,
        WorkerOptions {
            serve_workflows: true,
            ..fast_options()
        },
    );
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
    let h = w.spawn();
    let id = client
        .start_workflow("order", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    common::eventually("waiting for approve", || async {
        client.get(&id).await.unwrap().waiting_for_signals == vec!["approve".to_owned()]
    })
    .await;
    client
        .send_signal(&id, "approve", json!(true))
        .await
        .unwrap();
    let e = client.wait(&id, WAIT).await.unwrap();
    assert_eq!(e.status, Status::Completed, "{e:?}");
    h.shutdown().await.unwrap();

    let history = client.history(&id).await.unwrap();
    assert_eq!(
        types(&history),
        [
            "started",
            "step", // task attempt 1 queued
            "step", // attempt 1 failed: attempt 2 queued after the backoff
            "step", // attempt 2 succeeded: the timer starts
            "timer_fired",
            "step", // now waits for the signal
            "signal_sent",
            "completed",
        ],
        "{history:#?}"
    );
    let seqs: Vec<i64> = history.iter().map(|h| h.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order: {seqs:?}");
    assert_eq!(history[0].data["name"], "order");
    assert!(history[0].data["version"].as_str().is_some());
    assert_eq!(history[1].data["consumed"][0]["kind"], "start");
    assert_eq!(history[1].data["tasks"][0]["name"], "flaky");
    assert_eq!(history[1].data["waiting_on"][0]["kind"], "task");
    assert_eq!(history[2].data["consumed"][0]["kind"], "task_failed");
    assert_eq!(history[5].data["waiting_on"][0]["name"], "approve");
    assert_eq!(history[6].data["name"], "approve");

    // The task's own story: two attempts, the first failed with a retry, by this worker.
    let task_id = client.inspect(&id).await.unwrap().children[0].id.clone();
    let task = client.history(&task_id).await.unwrap();
    // The engine retries a workflow's task by starting a new execution per attempt.
    assert_eq!(
        types(&task),
        ["started", "attempt_failed", "failed"],
        "{task:#?}"
    );
    assert_eq!(task[1].data["error"]["type"], "Flaky");
    assert_eq!(task[1].data["attempt"], 1);
    assert!(task[1].data["worker_id"].as_str().is_some());
    assert!(task[1].data["claimed_at"].as_str().is_some());
    assert_eq!(
        task[1].data["retry_at"],
        Value::Null,
        "the engine retries, not the queue"
    );

    // The inspector returns the newest rows.
    let inspection = client.inspect(&id).await.unwrap();
    assert_eq!(
        inspection.history.last().map(|h| h.kind.as_str()),
        Some("completed")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn standalone_tasks_retries_and_cancels(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    let options = StartOptions {
        max_attempts: Some(2),
        backoff: Some(Duration::from_millis(10)),
        ..StartOptions::default()
    };
    let id = client
        .queue_task("flaky", json!({}), options)
        .await
        .unwrap()
        .id;
    let mut w = worker(&pool, fast_options());
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
    let h = w.spawn();
    assert_eq!(
        client.wait(&id, WAIT).await.unwrap().status,
        Status::Completed
    );
    h.shutdown().await.unwrap();
    let history = client.history(&id).await.unwrap();
    assert_eq!(
        types(&history),
        [
            "started",
            "attempt_failed",
            "attempt_completed",
            "completed"
        ]
    );
    assert!(
        history[1].data["retry_at"].as_str().is_some(),
        "{:?}",
        history[1]
    );
    assert_eq!(history[2].data["attempt"], 2);
    assert!(history[2].data["worker_id"].as_str().is_some());
    let seqs: Vec<i64> = history.iter().map(|h| h.seq).collect();
    assert_eq!(seqs, [1, 2, 3, 4]);

    // A task in flight shows its claim.
    let slow = client
        .queue_task("slow", Value::Null, StartOptions::default())
        .await
        .unwrap()
        .id;
    let mut w = worker(&pool, fast_options());
    w.register("slow", |_v: Value| async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok::<Value, TaskError>(Value::Null)
    });
    let h = w.spawn();
    common::eventually("the slow task is claimed", || async {
        types(&client.history(&slow).await.unwrap()) == ["started", "attempt_claimed"]
    })
    .await;
    client.cancel(&slow).await.unwrap();
    h.kill();

    let never = client
        .queue_task("never", Value::Null, StartOptions::default())
        .await
        .unwrap()
        .id;
    client.cancel(&never).await.unwrap();
    assert_eq!(
        types(&client.history(&never).await.unwrap()),
        ["started", "cancelled"]
    );
    assert!(matches!(
        client.history("no-such-id").await,
        Err(rhythm_runtime::Error::NotFound(_))
    ));
}
