//! Workflow starts and signals: versions, buffering in order, exactly-once consumption.

mod common;

use common::count;
use rhythm_runtime::{Client, Error, StartOptions, Status, content_hash};
use serde_json::{Value, json};
use sqlx::PgPool;

async fn consume(pool: &PgPool, id: &str, name: &str) -> Option<Value> {
    sqlx::query_scalar::<_, Value>("SELECT payload FROM rhythm_consume_signal($1, $2)")
        .bind(id)
        .bind(name)
        .fetch_optional(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn workflow_versions_and_start(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    assert!(matches!(
        client
            .start_workflow("order", json!({}), StartOptions::default())
            .await,
        Err(Error::UnknownWorkflow(_))
    ));
    let v1 = client
        .register_workflow("order", "return 1;")
        .await
        .unwrap();
    assert_eq!(v1, content_hash("return 1;"));
    assert_eq!(
        client
            .register_workflow("order", "return 1;")
            .await
            .unwrap(),
        v1
    );
    let v2 = client
        .register_workflow("order", "return 2;")
        .await
        .unwrap();
    let s = client
        .start_workflow("order", json!({"x": 1}), StartOptions::default())
        .await
        .unwrap();
    let e = client.get(&s.id).await.unwrap();
    assert_eq!(e.content_hash.as_deref(), Some(v2.as_str()));
    assert_eq!(e.status, Status::Running);
    let s1 = client
        .start_workflow(
            "order",
            json!({}),
            StartOptions {
                version: Some(v1.clone()),
                ..StartOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(client.get(&s1.id).await.unwrap().content_hash, Some(v1));
    // Its first step is queued for workflow workers.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM rhythm_ready WHERE kind = 'workflow'"
        )
        .await,
        2
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn signals_are_buffered_in_order_and_consumed_once(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client.register_workflow("wf", "x").await.unwrap();
    let id = client
        .start_workflow("wf", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    let a1 = client
        .send_signal(&id, "approve", json!({"n": 1}))
        .await
        .unwrap();
    client.send_signal(&id, "other", json!("o")).await.unwrap();
    let a2 = client
        .send_signal(&id, "approve", json!({"n": 2}))
        .await
        .unwrap();
    assert!(a2 > a1);
    assert_eq!(consume(&pool, &id, "approve").await, Some(json!({"n": 1})));
    assert_eq!(consume(&pool, &id, "approve").await, Some(json!({"n": 2})));
    assert_eq!(consume(&pool, &id, "approve").await, None);
    assert_eq!(consume(&pool, &id, "other").await, Some(json!("o")));

    // Concurrent consumers: each buffered signal goes to exactly one.
    for i in 0..50 {
        client.send_signal(&id, "many", json!(i)).await.unwrap();
    }
    let mut joins = Vec::new();
    for _ in 0..8 {
        let pool = pool.clone();
        let id = id.clone();
        joins.push(tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some(v) = consume(&pool, &id, "many").await {
                got.push(v.as_i64().unwrap());
            }
            got
        }));
    }
    let mut all = Vec::new();
    for j in joins {
        let got = j.await.unwrap();
        assert!(
            got.windows(2).all(|w| w[0] < w[1]),
            "each consumer sees arrival order"
        );
        all.extend(got);
    }
    all.sort_unstable();
    assert_eq!(all, (0..50).collect::<Vec<_>>());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_signal_queues_one_step_for_the_workflow(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client.register_workflow("wf", "x").await.unwrap();
    let id = client
        .start_workflow("wf", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    // As if its first step ran and suspended on Signal.next("go").
    sqlx::query("DELETE FROM rhythm_ready")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE rhythm_executions SET status = 'waiting'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO rhythm_signal_waits VALUES ($1, 'go')")
        .bind(&id)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        client.get(&id).await.unwrap().waiting_for_signals,
        vec!["go".to_owned()]
    );
    // Every signal queues a step (the engine buffers the ones nobody waits for yet); several
    // signals coalesce into one queued step.
    client
        .send_signal(&id, "unrelated", json!(1))
        .await
        .unwrap();
    client.send_signal(&id, "go", json!(1)).await.unwrap();
    client.send_signal(&id, "go", json!(2)).await.unwrap();
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM rhythm_ready WHERE kind = 'workflow'"
        )
        .await,
        1
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM rhythm_signals").await, 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn signals_to_tasks_finished_or_unknown_are_refused(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    let task = client
        .queue_task("t", json!(1), StartOptions::default())
        .await
        .unwrap()
        .id;
    assert!(matches!(
        client.send_signal(&task, "s", json!(1)).await,
        Err(Error::NotAWorkflow(_))
    ));
    client.register_workflow("wf", "x").await.unwrap();
    let wf = client
        .start_workflow("wf", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    client.cancel(&wf).await.unwrap();
    assert!(matches!(
        client.send_signal(&wf, "s", json!(1)).await,
        Err(Error::Finished {
            status: Status::Cancelled,
            ..
        })
    ));
    assert!(matches!(
        client.send_signal("nope", "s", json!(1)).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(count(&pool, "SELECT count(*) FROM rhythm_signals").await, 0);
}
