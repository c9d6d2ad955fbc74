//! Workflow steps: one transaction per step takes a queued step, locks the execution, loads its
//! saved engine state (and the program by version), feeds the engine what arrived (start, child
//! results, due timers, signals), carries out the engine's commands (task attempts, timers,
//! children, logs, the end) and saves the new state under a state-version check.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use rhythm_engine::{
    ChildOutcome, Command, Engine, Event, ExecutionMeta, ExecutionState, FlowVm,
    Status as EngineStatus,
};
use rhythm_interpreter::{HandleId, Limits};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool, Row};

use crate::error::{Error, Result};
use crate::model::{Kind, StartOptions};
use crate::store::{self, sql};

/// Compiled programs by version, shared by a worker's step loops, each run with the worker's
/// limits.
#[derive(Default)]
pub(crate) struct Programs {
    compiled: Mutex<HashMap<String, Arc<FlowVm>>>,
    limits: Limits,
}

impl Programs {
    /// No program yet; every program compiled later runs within `limits`.
    pub(crate) fn new(limits: Limits) -> Self {
        Programs {
            compiled: Mutex::default(),
            limits,
        }
    }

    fn get(&self, version: &str, source: Option<&str>) -> std::result::Result<Arc<FlowVm>, String> {
        if let Ok(m) = self.compiled.lock()
            && let Some(vm) = m.get(version)
        {
            return Ok(vm.clone());
        }
        let source =
            source.ok_or_else(|| format!("workflow version {version} is not registered"))?;
        let vm = Arc::new(
            FlowVm::compile(source)
                .map_err(|e| e.to_string())?
                .with_limits(self.limits.clone()),
        );
        if let Ok(mut m) = self.compiled.lock() {
            m.insert(version.to_owned(), vm.clone());
        }
        Ok(vm)
    }
}

/// What one call of [`run_one`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepResult {
    /// No step was due.
    Idle,
    /// A step ran (or found its execution already ended).
    Ran,
}

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

fn seed_of(id: &str) -> u64 {
    let digest = Sha256::digest(id.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(bytes)
}

fn corrupt(what: &'static str, value: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        what,
        value: value.to_string(),
    }
}

/// Runs one due workflow step of `queue`, in one transaction.
pub(crate) async fn run_one(
    pool: &PgPool,
    programs: &Programs,
    engine: &Engine,
    queue: &str,
) -> Result<StepResult> {
    let mut tx = pool.begin().await?;
    let id: Option<String> = sqlx::query_scalar(sql::CLAIM_STEP)
        .bind(queue)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(id) = id else {
        tx.commit().await?;
        return Ok(StepResult::Idle);
    };
    match step(&mut tx, programs, engine, &id).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(StepResult::Ran)
        }
        Err(e) if e.is_transient() => Err(e),
        Err(e) => {
            // Rolled back; a step that cannot run would fail forever, so the execution fails
            // with the reason, visible in `rhythm status`.
            drop(tx);
            tracing::warn!("workflow {id}: step failed: {e}");
            let error = json!({"type": "StepError", "message": e.to_string()});
            let mut conn = pool.acquire().await?;
            finish(&mut conn, &id, "failed", None, Some(&error)).await?;
            Ok(StepResult::Ran)
        }
    }
}

async fn step(tx: &mut PgConnection, programs: &Programs, engine: &Engine, id: &str) -> Result<()> {
    let Some(row) = sqlx::query(sql::LOAD_FOR_STEP)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(());
    };
    let status: String = row.try_get("status")?;
    if !matches!(status.as_str(), "running" | "waiting") {
        return Ok(()); // ended meanwhile (cancelled): nothing to do
    }
    let name: String = row.try_get("name")?;
    let inputs: Value = row.try_get("inputs")?;
    let version: Option<String> = row.try_get("content_hash")?;
    let version = version.unwrap_or_default();
    let source: Option<String> = row.try_get("source")?;
    let saved: Option<Vec<u8>> = row.try_get("state")?;
    let state_version: Option<i64> = row.try_get("state_version")?;

    let vm = match programs.get(&version, source.as_deref()) {
        Ok(vm) => vm,
        Err(message) => {
            let error = json!({"type": "CompileError", "message": message});
            finish(tx, id, "failed", None, Some(&error)).await?;
            return Ok(());
        }
    };
    let mut state = match &saved {
        Some(bytes) => {
            ExecutionState::from_bytes(bytes).map_err(|e| corrupt("workflow state", e))?
        }
        None => ExecutionState::new(ExecutionMeta {
            execution_id: id.to_owned(),
            workflow_name: name.clone(),
            version: version.clone(),
            random_seed: seed_of(id),
        }),
    };

    // What arrived, in arrival order.
    let mut arrived: Vec<(DateTime<Utc>, i64, Event)> = Vec::new();
    for r in sqlx::query(sql::TAKE_INBOX)
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
    {
        let event: Value = r.try_get("event")?;
        if let Some(e) = inbox_event(&event) {
            arrived.push((r.try_get("created_at")?, r.try_get("seq")?, e));
        } else {
            tracing::warn!("workflow {id}: ignoring an unreadable inbox event {event}");
        }
    }
    for r in sqlx::query(sql::TAKE_SIGNALS)
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
    {
        let event = Event::SignalArrived {
            name: r.try_get("name")?,
            payload: r.try_get("payload")?,
        };
        arrived.push((r.try_get("created_at")?, r.try_get("seq")?, event));
    }
    arrived.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut events: Vec<Event> = Vec::new();
    if matches!(state.status, EngineStatus::Created) {
        events.push(Event::Start { inputs });
    }
    events.extend(arrived.into_iter().map(|(_, _, e)| e));

    let now = now_ms();
    let mut commands = Vec::new();
    for event in events {
        match engine.apply(&mut state, vm.as_ref(), event, now) {
            Ok(c) => commands.extend(c),
            Err(rejected) => tracing::debug!("workflow {id}: event refused: {rejected}"),
        }
    }
    let ended = carry_out(tx, id, &state, commands, now).await?;
    if ended {
        return Ok(());
    }
    let bytes = state.to_bytes().map_err(|e| corrupt("workflow state", e))?;
    let saved: Option<i64> = sqlx::query_scalar(sql::SAVE_STATE)
        .bind(id)
        .bind(&bytes)
        .bind(state_version.unwrap_or(-1))
        .fetch_optional(&mut *tx)
        .await?;
    if saved.is_none() {
        // Another step advanced the execution since we loaded it; ours must not count.
        return Err(Error::Invalid {
            what: "workflow step",
            reason: format!("state of {id} changed under the step"),
        });
    }
    let waits: Vec<String> = state.signal_waits.keys().cloned().collect();
    sqlx::query(sql::SET_WAITING)
        .bind(id)
        .bind(&waits)
        .execute(&mut *tx)
        .await?;
    // A step that does not end the execution commits without waiting for the WAL flush: if a
    // crash loses it, everything it consumed and produced is lost together and the step runs
    // again; anything durable that depended on it (a task's result) flushes it first. Steps
    // that end an execution stay synchronous, so a finished execution never reappears running.
    sqlx::query("SELECT set_config('synchronous_commit', 'off', true)")
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Reads an inbox event written by SQL (see `store/sql.rs`).
fn inbox_event(v: &Value) -> Option<Event> {
    let handle = || {
        v.get("handle")
            .and_then(Value::as_u64)
            .and_then(|h| u32::try_from(h).ok())
            .map(HandleId)
    };
    let attempt = || {
        v.get("attempt")
            .and_then(Value::as_u64)
            .and_then(|a| u32::try_from(a).ok())
    };
    let field = |k: &str| v.get(k).cloned().unwrap_or(Value::Null);
    match v.get("type")?.as_str()? {
        "task_succeeded" => Some(Event::TaskSucceeded {
            handle: handle()?,
            attempt: attempt()?,
            output: field("output"),
        }),
        "task_failed" => {
            let error = field("error");
            if error.get("type").and_then(Value::as_str) == Some("Timeout") {
                Some(Event::TaskTimedOut {
                    handle: handle()?,
                    attempt: attempt()?,
                })
            } else {
                Some(Event::TaskFailed {
                    handle: handle()?,
                    attempt: attempt()?,
                    error,
                })
            }
        }
        "timer_due" => Some(Event::TimerDue { handle: handle()? }),
        "child_finished" => {
            let outcome = match v.get("status")?.as_str()? {
                "completed" => ChildOutcome::Completed {
                    output: field("output"),
                },
                "failed" => ChildOutcome::Failed {
                    error: field("error"),
                },
                _ => ChildOutcome::Cancelled {
                    error: field("error"),
                },
            };
            Some(Event::ChildFinished {
                handle: handle()?,
                execution_id: v.get("child_id")?.as_str()?.to_owned(),
                outcome,
            })
        }
        "cancel" => Some(Event::CancelRequested),
        _ => None,
    }
}

/// Carries out the engine's commands inside the step's transaction. Returns whether the
/// execution ended.
async fn carry_out(
    tx: &mut PgConnection,
    id: &str,
    state: &ExecutionState,
    commands: Vec<Command>,
    now: f64,
) -> Result<bool> {
    let mut new_tasks = Vec::new();
    let mut ended = false;
    let meta_queue = None::<String>;
    for c in commands {
        match c {
            Command::QueueTask(a) => {
                let delay_ms = (a.run_at - now).max(0.0);
                let timeout = a
                    .timeout_at
                    .map(|t| Duration::from_millis((t - a.run_at).max(1.0) as u64));
                let options = StartOptions {
                    queue: a.queue.clone().or_else(|| meta_queue.clone()),
                    priority: a
                        .priority
                        .map(|p| p.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
                        .unwrap_or(0),
                    delay: Some(Duration::from_millis(delay_ms as u64)),
                    max_attempts: Some(1),
                    timeout,
                    ..StartOptions::default()
                };
                let mut n =
                    crate::client::new_execution(Kind::Task, &a.name, a.inputs, &options, None)?;
                n.parent_id = Some(id.to_owned());
                n.parent_handle = Some(i64::from(a.handle.0));
                n.parent_attempt = i32::try_from(a.attempt).ok();
                new_tasks.push(n);
            }
            Command::WithdrawTask { handle, attempt } => {
                cancel_child(tx, id, handle, i32::try_from(attempt).ok()).await?;
            }
            Command::StartTimer { handle, fire_at } => {
                sqlx::query(sql::START_TIMER)
                    .bind(id)
                    .bind(handle.0.to_string())
                    .bind(fire_at)
                    .execute(&mut *tx)
                    .await?;
            }
            Command::CancelTimer { handle } => {
                sqlx::query(sql::CANCEL_TIMER)
                    .bind(id)
                    .bind(handle.0.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
            Command::StartChild {
                handle,
                name,
                inputs,
                options,
            } => {
                let version = sqlx::query_scalar::<_, String>(
                    "SELECT content_hash FROM rhythm_workflow_definitions WHERE name = $1 ORDER BY first_seen_at DESC LIMIT 1",
                )
                .bind(&name)
                .fetch_optional(&mut *tx)
                .await?;
                let start = StartOptions {
                    queue: options.queue.clone(),
                    priority: options
                        .priority
                        .map(|p| p.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
                        .unwrap_or(0),
                    ..StartOptions::default()
                };
                match version {
                    Some(v) => {
                        let mut n = crate::client::new_execution(
                            Kind::Workflow,
                            &name,
                            inputs,
                            &start,
                            Some(v),
                        )?;
                        n.parent_id = Some(id.to_owned());
                        n.parent_handle = Some(i64::from(handle.0));
                        store::insert_executions_on(tx, &[n]).await?;
                    }
                    None => {
                        // Report the failure to ourselves at the next step.
                        sqlx::query(
                            "WITH i AS (INSERT INTO rhythm_inbox (execution_id, event) VALUES ($1, $2))
                             INSERT INTO rhythm_ready (execution_id, kind, name, queue, priority, run_at, attempt)
                             SELECT id, kind, name, queue, priority, now(), 1 FROM rhythm_executions WHERE id = $1
                             ON CONFLICT (execution_id) DO NOTHING",
                        )
                        .bind(id)
                        .bind(json!({"type": "child_finished", "handle": handle.0, "child_id": "", "status": "failed",
                                     "error": {"type": "UnknownWorkflow", "message": format!("no workflow named {name:?} is registered")}}))
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
            Command::CancelChild { handle } => cancel_child(tx, id, handle, None).await?,
            Command::Log { line } => {
                sqlx::query(sql::INSERT_LOG)
                    .bind(id)
                    .bind(line.replace('\0', "\u{FFFD}"))
                    .execute(&mut *tx)
                    .await?;
            }
            Command::Complete { output } => {
                finish(tx, id, "completed", Some(&output), None).await?;
                ended = true;
            }
            Command::Fail { error } => {
                finish(tx, id, "failed", None, Some(&error)).await?;
                ended = true;
            }
            Command::Cancelled { error } => {
                finish(tx, id, "cancelled", None, Some(&error)).await?;
                ended = true;
            }
        }
    }
    if !new_tasks.is_empty() {
        store::insert_executions_on(tx, &new_tasks).await?;
    }
    Ok(ended || state.status.is_terminal())
}

async fn cancel_child(
    tx: &mut PgConnection,
    id: &str,
    handle: HandleId,
    attempt: Option<i32>,
) -> Result<()> {
    let children: Vec<String> = sqlx::query_scalar(sql::CHILD_ID)
        .bind(id)
        .bind(i64::from(handle.0))
        .bind(attempt)
        .fetch_all(&mut *tx)
        .await?;
    for child in children {
        sqlx::query(sql::CANCEL)
            .bind(&child)
            .fetch_optional(&mut *tx)
            .await?;
    }
    Ok(())
}

async fn finish(
    tx: &mut PgConnection,
    id: &str,
    status: &str,
    output: Option<&Value>,
    error: Option<&Value>,
) -> Result<()> {
    sqlx::query(sql::FINISH_WORKFLOW)
        .bind(id)
        .bind(status)
        .bind(output)
        .bind(error)
        .fetch_one(&mut *tx)
        .await?;
    Ok(())
}

/// Fires due timers (any worker may); returns how many fired.
pub(crate) async fn fire_timers(pool: &PgPool) -> Result<u64> {
    let row = sqlx::query(sql::FIRE_TIMERS)
        .bind(1000_i64)
        .fetch_one(pool)
        .await?;
    let n: i64 = row.try_get("fired")?;
    Ok(u64::try_from(n).unwrap_or(0))
}
