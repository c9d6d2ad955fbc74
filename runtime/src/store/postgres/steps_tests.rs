//! Tests of the step transaction on a real Postgres.

#![allow(clippy::unwrap_used)]

use serde_json::json;
use sqlx::PgPool;

use super::*;
use crate::{Client, StartOptions};

/// A step that loses the state-version check puts back exactly what it consumed (same
/// sequence numbers, so arrival order holds) and queues itself again.
#[sqlx::test(migrations = "../migrations")]
async fn a_lost_version_check_restores_the_events(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client
        .register_workflow("w", r#"return await Signal.next("go");"#)
        .await
        .unwrap();
    let id = client
        .start_workflow("w", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    // Pretend an earlier step saved a state (version 0), then two signals arrive.
    sqlx::query("INSERT INTO rhythm_workflow_state (execution_id, state) VALUES ($1, '\\x00')")
        .bind(&id)
        .execute(&pool)
        .await
        .unwrap();
    let s1 = client.send_signal(&id, "go", json!(1)).await.unwrap();
    let s2 = client.send_signal(&id, "go", json!(2)).await.unwrap();

    let mut tx = pool.begin().await.unwrap();
    let claimed = claim_steps(&mut tx, "default", 10).await.unwrap();
    assert_eq!(claimed.taken.len(), 1);
    assert_eq!(claimed.busy, 0);
    let taken = load_steps(&mut tx, std::slice::from_ref(&id), &[])
        .await
        .unwrap();
    assert_eq!(taken.len(), 1);
    let step = &taken[0];
    assert_eq!(step.state_version, Some(0));
    assert!(step.source.is_some(), "the version is not compiled yet");
    let seqs: Vec<i64> = step.arrived.iter().map(|a| a.seq).collect();
    assert_eq!(seqs, vec![s1, s2]);

    // Someone else advances the execution meanwhile.
    sqlx::query("UPDATE rhythm_workflow_state SET state_version = 1 WHERE execution_id = $1")
        .bind(&id)
        .execute(&pool)
        .await
        .unwrap();
    let save = StateSave {
        id: id.clone(),
        bytes: b"{}".to_vec(),
        loaded: 0,
        waits: vec!["go".to_owned()],
        history: vec![HistoryEvent {
            kind: "step".to_owned(),
            data: json!({"lost": true}),
        }],
    };
    let saved = save_states(&mut tx, &[save], true).await.unwrap();
    assert!(saved.is_empty(), "the check must fail");
    let rows: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM rhythm_history WHERE execution_id = $1 AND type = 'step'",
    )
    .bind(&id)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(rows, 0, "a step that lost the check writes no history");
    restore_step(&mut tx, &id, &step.arrived).await.unwrap();
    tx.commit().await.unwrap();

    let back: Vec<(i64, Value)> = sqlx::query_as(
        "SELECT seq, payload FROM rhythm_signals WHERE execution_id = $1 ORDER BY seq",
    )
    .bind(&id)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(back, vec![(s1, json!(1)), (s2, json!(2))]);
    let ready: i64 =
        sqlx::query_scalar("SELECT count(*) FROM rhythm_ready WHERE execution_id = $1")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(ready, 1);
    // The state is the other step's, untouched.
    let version: i64 = sqlx::query_scalar(
        "SELECT state_version FROM rhythm_workflow_state WHERE execution_id = $1",
    )
    .bind(&id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(version, 1);
}

/// A due step whose execution is locked by someone else is left queued, not waited for.
#[sqlx::test(migrations = "../migrations")]
async fn a_busy_execution_is_skipped_not_waited_for(pool: PgPool) {
    let client = Client::from_pool(pool.clone());
    client.register_workflow("w", r#"return 1;"#).await.unwrap();
    let a = client
        .start_workflow("w", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    let b = client
        .start_workflow("w", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id;
    let mut holder = pool.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM rhythm_executions WHERE id = $1 FOR SHARE")
        .bind(&a)
        .execute(&mut *holder)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    let claimed = claim_steps(&mut tx, "default", 10).await.unwrap();
    assert_eq!(claimed.taken, vec![(b.clone(), "running".to_owned())]);
    assert_eq!(claimed.busy, 1);
    tx.commit().await.unwrap();
    holder.rollback().await.unwrap();
    let left: Vec<String> = sqlx::query_scalar("SELECT execution_id FROM rhythm_ready")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(left, vec![a]);
}
