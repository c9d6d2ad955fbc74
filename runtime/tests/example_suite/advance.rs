//! Observing the database for quiescence and moving its due instants back to advance the virtual
//! clock.

use sqlx::{Connection, PgPool, Row};

use crate::clock::Clock;

/// What the driver sees in the database.
pub(crate) struct Observation {
    /// The database's clock when it looked.
    pub(crate) now_ms: f64,
    pub(crate) busy: Vec<String>,
    /// Virtual instant of the next due row, if any.
    pub(crate) next_due: Option<f64>,
    pub(crate) attempts: Vec<String>,
    pub(crate) unserved: Vec<String>,
}

pub(crate) const OBSERVE: &str = r#"
WITH t AS (SELECT clock_timestamp() AS now)
SELECT
  (SELECT (1000 * extract(epoch FROM t.now))::float8 FROM t) AS now_ms,
  (SELECT count(*) FROM rhythm_ready, t WHERE run_at <= t.now) AS ready_due,
  (SELECT count(*) FROM rhythm_timers, t WHERE fire_at <= t.now) AS timers_due,
  (SELECT count(*) FROM rhythm_attempts, t
     WHERE deadline_at <= t.now OR lease_expires_at <= t.now) AS attempts_due,
  coalesce((SELECT array_agg(execution_id) FROM rhythm_attempts), '{}'::text[]) AS attempts,
  (SELECT (1000 * extract(epoch FROM least(
      (SELECT min(fire_at) FROM rhythm_timers),
      (SELECT min(run_at) FROM rhythm_ready),
      (SELECT min(deadline_at) FROM rhythm_attempts))))::float8) AS next_due_ms,
  coalesce((SELECT array_agg(DISTINCT name) FROM rhythm_ready
            WHERE kind = 'task' AND name <> ALL($1::text[])), '{}'::text[]) AS unserved
"#;

pub(crate) async fn observe(
    conn: &mut sqlx::PgConnection,
    clock: &Clock,
    served: &[String],
) -> sqlx::Result<Observation> {
    let row = sqlx::query(OBSERVE)
        .bind(served)
        .fetch_one(&mut *conn)
        .await?;
    let now_ms: f64 = row.try_get("now_ms")?;
    let mut busy = Vec::new();
    for (col, what) in [
        ("ready_due", "steps or task attempts due"),
        ("timers_due", "timers due"),
        ("attempts_due", "attempts past their deadline or lease"),
    ] {
        let n: i64 = row.try_get(col)?;
        if n > 0 {
            busy.push(format!("{n} {what}"));
        }
    }
    let attempts: Vec<String> = row.try_get("attempts")?;
    let sleeping = clock.sleeping();
    let running = attempts
        .iter()
        .filter(|a| !sleeping.iter().any(|(id, _)| id == *a))
        .count();
    if running > 0 {
        busy.push(format!("{running} attempts running"));
    }
    // A row due at wall-clock instant `d` is due at virtual `d - base + S`: later shifts move
    // it along with the clock.
    let next_due: Option<f64> = row.try_get("next_due_ms")?;
    Ok(Observation {
        now_ms,
        busy,
        next_due: next_due.map(|d| d - clock.base_ms + clock.shift_at(now_ms)),
        attempts,
        unserved: row.try_get("unserved")?,
    })
}

pub(crate) enum Advance {
    /// Not quiescent yet.
    Busy,
    /// Nothing left to happen.
    Idle,
    /// Time moved (and sleepers were released) up to the target.
    Moved,
    /// Time moved to the next event, which is now to be sent.
    Event,
}

/// When quiescent, moves the clock to the next thing that happens (see the module docs).
pub(crate) async fn advance(
    pool: &PgPool,
    clock: &Clock,
    served: &[String],
    next_event: Option<f64>,
) -> sqlx::Result<Advance> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    // NOWAIT: the driver never waits for a lock, so it can never be part of a deadlock; a
    // worker statement holding one of the tables just means "not quiescent yet".
    let locked = sqlx::query(
        "LOCK TABLE rhythm_ready, rhythm_timers, rhythm_attempts IN EXCLUSIVE MODE NOWAIT",
    )
    .execute(&mut *tx)
    .await;
    match locked {
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("55P03") => {
            return Ok(Advance::Busy);
        }
        Err(e) => return Err(e),
    }
    let o = observe(&mut tx, clock, served).await?;
    if !o.busy.is_empty() {
        return Ok(Advance::Busy);
    }
    let sleeper_end = clock
        .sleeping()
        .into_iter()
        .filter(|(id, _)| o.attempts.contains(id))
        .map(|(_, wake)| wake)
        .reduce(f64::min);
    let work = match (o.next_due, sleeper_end) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    // At one instant, work and timers go before outside events (the kit's order).
    let (target, is_event) = match (work, next_event) {
        (None, None) => return Ok(Advance::Idle),
        (Some(w), Some(e)) if e < w => (e, true),
        (Some(w), _) => (w, false),
        (None, Some(e)) => (e, true),
    };
    // Nothing can be written while the tables are locked, so moving everything by the distance
    // from the virtual instant of the observation to the target is exact.
    let delta = target - clock.at(o.now_ms);
    if delta > 0.0 {
        for sql in [
            "UPDATE rhythm_timers SET fire_at = fire_at - $1 * interval '1 millisecond'",
            "UPDATE rhythm_ready SET run_at = run_at - $1 * interval '1 millisecond'",
            "UPDATE rhythm_attempts SET deadline_at = deadline_at - $1 * interval '1 millisecond'",
        ] {
            sqlx::query(sql).bind(delta).execute(&mut *tx).await?;
        }
        // The shift counts from before the commit, so a handler that starts on a row the
        // commit made due already reads the shifted clock.
        clock.shifts.lock().unwrap().push((o.now_ms, delta));
        if let Err(e) = tx.commit().await {
            clock.shifts.lock().unwrap().pop();
            return Err(e);
        }
    } else {
        tx.commit().await?;
    }
    clock.release(target);
    Ok(if is_event {
        Advance::Event
    } else {
        Advance::Moved
    })
}
