//! Task definitions registered by workers (the SDK's `@rhythm.task(retries=, timeout=,
//! queue=)`): their defaults fill the options a call leaves out, in workflows and for
//! standalone tasks, and a running worker picks up a change at its next step.

mod common;

use std::time::Duration;

use common::{count, fast_options, worker};
use rhythm_runtime::worker::WithContext;
use rhythm_runtime::{
    Client, Error, StartOptions, Status, TaskContext, TaskDefinition, TaskError, WorkerOptions,
};
use serde_json::{Value, json};
use sqlx::PgPool;

const WAIT: Duration = Duration::from_secs(30);

fn definition(name: &str, defaults: Value) -> TaskDefinition {
    TaskDefinition {
        name: name.to_owned(),
        defaults,
    }
}

/// A worker serving workflows and the queues `default` and `payments`, whose `flaky` task
/// fails its first two attempts and whose `slow` task takes 2 s.
fn serving_worker(pool: &PgPool) -> rhythm_runtime::WorkerHandle {
    let mut w = worker(
        pool,
        WorkerOptions {
            serve_workflows: true,
            queues: vec!["default".into(), "payments".into()],
            ..fast_options()
        },
    );
    w.register(
        "flaky",
        WithContext(|t: TaskContext| async move {
            if t.attempt < 3 {
                Err(TaskError::new("Flaky", format!("attempt {}", t.attempt)))
            } else {
                Ok(json!("ok"))
            }
        }),
    );
    w.register("slow", |_v: Value| async {
        tokio::time::sleep(Duration::from_secs(2)).await;
        Ok::<Value, TaskError>(json!("late"))
    });
    w.spawn()
}

async fn run(client: &Client, workflow: &str) -> rhythm_runtime::Execution {
    let id = client
        .start_workflow(workflow, json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    client.wait(&id, WAIT).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_definition_s_defaults_apply_to_calls_that_leave_them_out(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow("uses-defaults", r#"return await Task.run("flaky", {})"#)
        .await
        .unwrap();
    client
        .register_workflow(
            "own-options",
            r#"return await Task.run("flaky", {}, { retries: 0 })"#,
        )
        .await
        .unwrap();
    client
        .register_workflow("slow", r#"return await Task.run("slow", {})"#)
        .await
        .unwrap();
    let h = serving_worker(&pool);

    // No definition yet: one attempt.
    let e = run(&client, "uses-defaults").await;
    assert_eq!(e.status, Status::Failed, "{e:?}");
    assert_eq!(e.error.as_ref().unwrap()["attempts"], 1);

    // Registered while the worker runs: its next step uses the definition.
    client
        .register_task_definitions(&[
            definition(
                "flaky",
                json!({"retries": {"max": 2, "initial": "20ms"}, "queue": "payments"}),
            ),
            definition("slow", json!({"timeout": "300ms"})),
        ])
        .await
        .unwrap();
    let e = run(&client, "uses-defaults").await;
    assert_eq!(e.status, Status::Completed, "{e:?}");
    assert_eq!(e.output, Some(json!("ok")));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM rhythm_executions WHERE name = 'flaky' AND queue = 'payments'"
        )
        .await,
        3,
        "three attempts, on the definition's queue"
    );

    let e = run(&client, "own-options").await;
    assert_eq!(
        e.status,
        Status::Failed,
        "the call's own retries win: {e:?}"
    );
    assert_eq!(e.error.as_ref().unwrap()["attempts"], 1);

    let e = run(&client, "slow").await;
    assert_eq!(e.status, Status::Failed, "{e:?}");
    assert_eq!(e.error.as_ref().unwrap()["cause"]["type"], "Timeout");
    h.shutdown().await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn standalone_tasks_take_the_defaults_too_and_bad_definitions_are_refused(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_task_definitions(&[definition(
            "charge",
            json!({"retries": 4, "timeout": "30s", "queue": "payments"}),
        )])
        .await
        .unwrap();
    let id = client
        .queue_task("charge", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    let row: (String, i32, Option<i32>) = sqlx::query_as(
        "SELECT queue, max_attempts, timeout_ms FROM rhythm_executions WHERE id = $1",
    )
    .bind(&id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(row, ("payments".to_owned(), 5, Some(30_000)));

    let own = StartOptions {
        queue: Some("fast".into()),
        max_attempts: Some(1),
        ..StartOptions::default()
    };
    let id = client
        .queue_task("charge", json!({}), own)
        .await
        .unwrap()
        .id;
    let row: (String, i32) =
        sqlx::query_as("SELECT queue, max_attempts FROM rhythm_executions WHERE id = $1")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(row, ("fast".to_owned(), 1));

    for bad in [
        json!({"retries": "many"}),
        json!({"timeout": "soon"}),
        json!({"queue": 1}),
    ] {
        let err = client
            .register_task_definitions(&[definition("charge", bad.clone())])
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Invalid { .. }), "{bad}: {err}");
        assert!(err.to_string().contains("\"charge\""), "{err}");
    }
    let stored: Value =
        sqlx::query_scalar("SELECT defaults FROM rhythm_task_definitions WHERE name = 'charge'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(stored["retries"], 4, "a refused definition changes nothing");
}

#[sqlx::test(migrations = "../migrations")]
async fn registering_the_same_defaults_again_keeps_the_revision(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    let defs = [definition("a", json!({"retries": 1}))];
    client.register_task_definitions(&defs).await.unwrap();
    let revision = "SELECT max(revision) FROM rhythm_task_definitions";
    let first = count(&pool, revision).await;
    client.register_task_definitions(&defs).await.unwrap();
    assert_eq!(
        count(&pool, revision).await,
        first,
        "a restarted worker changes nothing"
    );
    client
        .register_task_definitions(&[definition("a", json!({"retries": 2}))])
        .await
        .unwrap();
    assert!(count(&pool, revision).await > first);
}
