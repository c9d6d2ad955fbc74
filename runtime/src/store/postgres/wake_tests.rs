//! Regression tests for lost wake-ups (found by the chaos harness): a statement that gives a
//! workflow a new event or signal and wakes it must keep the workflow's ready row locked until it
//! commits. Otherwise a step claims the row in between, reads no event (it is not committed
//! yet), and the event then sits in the inbox with no step queued: the workflow is stuck.

use serde_json::json;
use sqlx::{PgConnection, PgPool, Row};

use super::sql;
use crate::{Client, StartOptions};

/// A started workflow: its first step is queued (a ready row exists).
async fn queued_workflow(pool: &PgPool) -> String {
    let client = Client::from_pool(pool.clone());
    client.register_workflow("w", "return 1;").await.unwrap();
    client
        .start_workflow("w", json!({}), StartOptions::default())
        .await
        .unwrap()
        .id
}

/// What a step batch does first (`CLAIM_STEPS` on the default queue, one step), in `conn`'s
/// transaction: the id of the execution it took, if any.
async fn claim_in(conn: &mut PgConnection) -> Option<String> {
    let rows = sqlx::query(sql::CLAIM_STEPS)
        .bind("default")
        .bind(1_i64)
        .fetch_all(conn)
        .await
        .unwrap();
    rows.iter()
        .find(|r| r.get::<bool, _>("taken"))
        .map(|r| r.get("id"))
}

/// [`claim_in`] in a transaction of its own.
async fn claim(pool: &PgPool) -> Option<String> {
    let mut conn = pool.acquire().await.unwrap();
    claim_in(&mut conn).await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_signal_holds_the_ready_row_until_it_commits(pool: PgPool) {
    let id = queued_workflow(&pool).await;
    let mut producer = pool.begin().await.unwrap();
    sqlx::query(sql::SEND_SIGNAL)
        .bind(&id)
        .bind("s")
        .bind(json!(1))
        .fetch_optional(&mut *producer)
        .await
        .unwrap();
    // The signal is not committed: a step must not take the row now (it would miss the signal).
    assert_eq!(claim(&pool).await, None);
    producer.commit().await.unwrap();
    assert_eq!(claim(&pool).await, Some(id));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_fired_timer_holds_the_ready_row_until_it_commits(pool: PgPool) {
    let id = queued_workflow(&pool).await;
    sqlx::query(sql::SET_TIMERS)
        .bind(vec![id.clone()])
        .bind(vec!["7"])
        .bind(vec![0.0_f64])
        .bind(Vec::<String>::new())
        .bind(Vec::<String>::new())
        .execute(&pool)
        .await
        .unwrap();
    let mut producer = pool.begin().await.unwrap();
    let row = sqlx::query(sql::FIRE_TIMERS)
        .bind(10_i64)
        .fetch_one(&mut *producer)
        .await
        .unwrap();
    let fired: i64 = row.get("fired");
    assert_eq!(fired, 1);
    assert_eq!(claim(&pool).await, None);
    producer.commit().await.unwrap();
    assert_eq!(claim(&pool).await, Some(id));
}

/// Waits until some connection of this test database waits on a lock.
async fn until_someone_waits_on_a_lock(pool: &PgPool) {
    let end = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        if waiting > 0 {
            return;
        }
        assert!(tokio::time::Instant::now() < end, "nobody waits on a lock");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_signal_waiting_for_a_step_holds_no_lock_the_step_needs(pool: PgPool) {
    // A step holds the ready row (claimed) and then locks its execution. A signal sent in
    // between used to lock the execution (FOR SHARE) and then wait for the ready row: a
    // deadlock, one of the two rolled back after deadlock_timeout.
    let id = queued_workflow(&pool).await;
    let mut step = pool.begin().await.unwrap();
    let claimed = claim_in(&mut step).await;
    assert_eq!(claimed.as_deref(), Some(id.as_str()));
    let sender = tokio::spawn({
        let (pool, id) = (pool.clone(), id.clone());
        async move {
            Client::from_pool(pool)
                .send_signal(&id, "s", json!(1))
                .await
        }
    });
    until_someone_waits_on_a_lock(&pool).await;
    // Shorter than deadlock_timeout (1 s): the step must get the lock at once.
    sqlx::query("SET LOCAL lock_timeout = '500ms'")
        .execute(&mut *step)
        .await
        .unwrap();
    sqlx::query("SELECT 1 FROM rhythm_executions WHERE id = $1 FOR UPDATE")
        .bind(&id)
        .execute(&mut *step)
        .await
        .expect("the step must not wait for the signal");
    step.commit().await.unwrap();
    sender.await.unwrap().unwrap();
    // The signal queued a new step.
    assert_eq!(claim(&pool).await, Some(id));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_cancel_waiting_for_a_step_holds_no_lock_the_step_needs(pool: PgPool) {
    // The same with a cancel: REQUEST_CANCEL locks the execution FOR UPDATE, then the ready row.
    let id = queued_workflow(&pool).await;
    let mut step = pool.begin().await.unwrap();
    let claimed = claim_in(&mut step).await;
    assert_eq!(claimed.as_deref(), Some(id.as_str()));
    let canceller = tokio::spawn({
        let (pool, id) = (pool.clone(), id.clone());
        async move { Client::from_pool(pool).cancel(&id).await }
    });
    until_someone_waits_on_a_lock(&pool).await;
    sqlx::query("SET LOCAL lock_timeout = '500ms'")
        .execute(&mut *step)
        .await
        .unwrap();
    sqlx::query("SELECT 1 FROM rhythm_executions WHERE id = $1 FOR UPDATE")
        .bind(&id)
        .execute(&mut *step)
        .await
        .expect("the step must not wait for the cancel");
    step.commit().await.unwrap();
    assert_eq!(
        canceller.await.unwrap().unwrap(),
        crate::CancelOutcome::Requested
    );
    assert_eq!(claim(&pool).await, Some(id));
}
