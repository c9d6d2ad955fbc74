//! Workflow steps, batched: one transaction takes up to N due steps (claim the ready rows and
//! lock the executions in id order: one statement; load states and consume inbox events and
//! signals: one statement), runs the engine for each
//! execution in Rust, then writes what the engine decided for the whole batch with set-based
//! statements (states under the state-version check, task executions, timers, logs, ends).
//! A problem in one execution (a program that does not compile, a corrupt state, a lost
//! state-version check, an invalid command) fails or skips only that execution.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rhythm_engine::{
    ChildOutcome, Command, Engine, Event, ExecutionMeta, ExecutionState, FlowVm,
    Status as EngineStatus,
};
use rhythm_interpreter::{HandleId, Limits};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

use crate::error::{Error, Result};
use crate::model::{Kind, StartOptions};
use crate::store::steps::{self as st, Finish, StateSave, TakenStep};
use crate::store::{self, NewExecution};

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

    /// The versions compiled already: a step of these does not load the source.
    fn known(&self) -> Vec<String> {
        match self.compiled.lock() {
            Ok(m) => m.keys().cloned().collect(),
            Err(_) => Vec::new(),
        }
    }
}

/// What one call of [`run_batch`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct BatchResult {
    /// Steps taken from the queue.
    pub taken: usize,
    /// Due steps left queued because their execution was busy for a moment (retry soon).
    pub busy: usize,
    /// Bytes of engine state saved.
    pub state_bytes: u64,
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

/// Runs up to `limit` due workflow steps of `queue` in one transaction. When the batch fails
/// as a whole for a reason other than a lost connection or a transient conflict (deadlock,
/// serialization), it is rolled back and its executions run one transaction each, so the
/// execution at fault fails alone.
pub(crate) async fn run_batch(
    pool: &PgPool,
    programs: &Programs,
    engine: &Engine,
    queue: &str,
    limit: usize,
) -> Result<BatchResult> {
    let limit = i64::try_from(limit.max(1)).unwrap_or(1);
    let mut tx = pool.begin().await?;
    let claimed = st::claim_steps(&mut tx, queue, limit).await?;
    let busy = claimed.busy;
    if claimed.taken.is_empty() {
        tx.rollback().await?;
        return Ok(BatchResult {
            busy,
            ..BatchResult::default()
        });
    }
    let ids: Vec<String> = claimed.taken.iter().map(|(id, _)| id.clone()).collect();
    let n = ids.len();
    match advance(&mut tx, programs, engine, claimed).await {
        Ok(state_bytes) => {
            tx.commit().await?;
            Ok(BatchResult {
                taken: n,
                busy,
                state_bytes,
            })
        }
        Err(e) if e.is_transient() => Err(e),
        Err(e) => {
            drop(tx); // rolled back: every step of the batch is queued again
            if n == 1 {
                fail_step(pool, &ids[0], &e).await?;
                return Ok(BatchResult {
                    taken: 1,
                    busy,
                    state_bytes: 0,
                });
            }
            tracing::warn!("workflow steps: a batch of {n} failed ({e}); running them one by one");
            let mut result = BatchResult {
                busy,
                ..BatchResult::default()
            };
            for id in ids {
                let r = run_alone(pool, programs, engine, &id).await?;
                result.taken += r.taken;
                result.busy += r.busy;
                result.state_bytes += r.state_bytes;
            }
            Ok(result)
        }
    }
}

/// Runs the step of one execution in its own transaction; a step that fails other than
/// transiently fails the execution with `{type: "StepError"}`.
async fn run_alone(
    pool: &PgPool,
    programs: &Programs,
    engine: &Engine,
    id: &str,
) -> Result<BatchResult> {
    let mut tx = pool.begin().await?;
    let claimed = st::claim_steps_by_id(&mut tx, &[id.to_owned()]).await?;
    let busy = claimed.busy;
    if claimed.taken.is_empty() {
        tx.rollback().await?;
        return Ok(BatchResult {
            busy,
            ..BatchResult::default()
        });
    }
    match advance(&mut tx, programs, engine, claimed).await {
        Ok(state_bytes) => {
            tx.commit().await?;
            Ok(BatchResult {
                taken: 1,
                busy,
                state_bytes,
            })
        }
        Err(e) if e.is_transient() => Err(e),
        Err(e) => {
            drop(tx);
            fail_step(pool, id, &e).await?;
            Ok(BatchResult {
                taken: 1,
                busy,
                state_bytes: 0,
            })
        }
    }
}

/// A step that cannot run would fail forever: the execution fails with the reason, visible
/// in `rhythm status`.
async fn fail_step(pool: &PgPool, id: &str, e: &Error) -> Result<()> {
    tracing::warn!("workflow {id}: step failed: {e}");
    st::finish_workflow(
        pool,
        Finish {
            id: id.to_owned(),
            status: "failed",
            output: None,
            error: Some(json!({"type": "StepError", "message": e.to_string()})),
        },
    )
    .await?;
    Ok(())
}

/// What the engine decided for one execution in this step.
#[derive(Default)]
struct Plan {
    id: String,
    /// The new state, unless the execution ended.
    save: Option<StateSave>,
    tasks: Vec<NewExecution>,
    /// Child workflows to start: handle, name, inputs, options.
    children: Vec<(HandleId, String, Value, StartOptions)>,
    /// Timers by key: `Some(fire_at)` to start or move, `None` to forget.
    timers: BTreeMap<String, Option<f64>>,
    logs: Vec<String>,
    /// Children to cancel: handle and, for task attempts, the attempt.
    cancels: Vec<(HandleId, Option<i32>)>,
    end: Option<Finish>,
    /// What the step consumed (put back if the state-version check fails).
    arrived: Vec<st::Arrived>,
}

/// Loads the claimed executions, runs the engine for every step of the batch, then writes the
/// outcome. Returns the bytes of state saved.
async fn advance(
    tx: &mut PgConnection,
    programs: &Programs,
    engine: &Engine,
    claimed: st::Claimed,
) -> Result<u64> {
    // Executions that ended meanwhile (cancelled) have nothing to do.
    let live: Vec<String> = claimed
        .taken
        .into_iter()
        .filter(|(_, status)| matches!(status.as_str(), "running" | "waiting"))
        .map(|(id, _)| id)
        .collect();
    if live.is_empty() {
        return Ok(0);
    }
    let taken = st::load_steps(tx, &live, &programs.known()).await?;
    let now = now_ms();
    let mut plans: Vec<Plan> = Vec::with_capacity(taken.len());
    for t in taken {
        if !t.is_live() {
            continue; // ended meanwhile (cancelled): nothing to do
        }
        let id = t.id.clone();
        let arrived = t.arrived.clone();
        match plan(programs, engine, t, now) {
            Ok(p) => plans.push(p),
            Err(error) => {
                tracing::warn!("workflow {id}: step failed: {error}");
                plans.push(Plan {
                    id: id.clone(),
                    end: Some(Finish {
                        id,
                        status: "failed",
                        output: None,
                        error: Some(error),
                    }),
                    arrived,
                    ..Plan::default()
                });
            }
        }
    }

    // States first: a step that lost the state-version check must write nothing else.
    let saves: Vec<StateSave> = plans.iter().filter_map(|p| p.save.clone()).collect();
    let ends_any = plans.iter().any(|p| p.end.is_some());
    let mut state_bytes = 0u64;
    if !saves.is_empty() {
        // Steps that end an execution commit synchronously, so a finished execution never
        // reappears as running; the others need no WAL flush: a batch lost in a crash loses
        // what it consumed and produced together and runs again, and anything durable that
        // depended on it (a task's result) flushes it first.
        let saved = st::save_states(tx, &saves, !ends_any).await?;
        let mut kept = Vec::with_capacity(plans.len());
        for p in plans {
            match &p.save {
                Some(_) if !saved.contains(&p.id) => {
                    tracing::warn!(
                        "workflow {}: state changed under the step; its events go back",
                        p.id
                    );
                    st::restore_step(tx, &p.id, &p.arrived).await?;
                }
                Some(s) => {
                    state_bytes += s.bytes.len() as u64;
                    kept.push(p);
                }
                None => kept.push(p),
            }
        }
        plans = kept;
    }

    // Child workflows start on the newest version of their workflow.
    let child_names: Vec<String> = plans
        .iter()
        .flat_map(|p| p.children.iter().map(|c| c.1.clone()))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let versions = if child_names.is_empty() {
        HashMap::new()
    } else {
        st::newest_versions(tx, &child_names).await?
    };

    let mut new = Vec::new();
    let mut timer_starts = Vec::new();
    let mut timer_cancels = Vec::new();
    let mut logs = Vec::new();
    let mut ends = Vec::new();
    let mut unknown_children = Vec::new();
    let mut cancels = Vec::new();
    for p in plans {
        new.extend(p.tasks);
        for (handle, name, inputs, options) in p.children {
            match versions.get(&name) {
                Some(v) => {
                    let mut n = crate::client::new_execution(
                        Kind::Workflow,
                        &name,
                        inputs,
                        &options,
                        Some(v.clone()),
                    )?;
                    n.parent_id = Some(p.id.clone());
                    n.parent_handle = Some(i64::from(handle.0));
                    new.push(n);
                }
                None => unknown_children.push((
                    p.id.clone(),
                    json!({"type": "child_finished", "handle": handle.0, "child_id": "",
                           "status": "failed",
                           "error": {"type": "UnknownWorkflow",
                                     "message": format!("no workflow named {name:?} is registered")}}),
                )),
            }
        }
        for (key, at) in p.timers {
            match at {
                Some(at) => timer_starts.push((p.id.clone(), key, at)),
                None => timer_cancels.push((p.id.clone(), key)),
            }
        }
        logs.extend(p.logs.into_iter().map(|l| (p.id.clone(), l)));
        cancels.extend(p.cancels.into_iter().map(|(h, a)| (p.id.clone(), h, a)));
        ends.extend(p.end);
    }

    if !new.is_empty() {
        store::insert_executions_on(tx, &new).await?;
    }
    for (id, event) in &unknown_children {
        st::report_to_self(tx, id, event).await?;
    }
    if !timer_starts.is_empty() || !timer_cancels.is_empty() {
        st::set_timers(tx, &timer_starts, &timer_cancels).await?;
    }
    if !logs.is_empty() {
        st::insert_logs(tx, &logs).await?;
    }
    for (id, handle, attempt) in &cancels {
        st::cancel_children(tx, id, i64::from(handle.0), *attempt).await?;
    }
    if !ends.is_empty() {
        st::finish_workflows(tx, &ends).await?;
    }
    Ok(state_bytes)
}

/// Runs the engine for one step; an `Err` is the error the execution fails with.
fn plan(
    programs: &Programs,
    engine: &Engine,
    t: TakenStep,
    now: f64,
) -> std::result::Result<Plan, Value> {
    let step_error = |e: Error| json!({"type": "StepError", "message": e.to_string()});
    let id = t.id;
    let vm = programs
        .get(&t.version, t.source.as_deref())
        .map_err(|message| json!({"type": "CompileError", "message": message}))?;
    let mut state = match &t.state {
        Some(bytes) => ExecutionState::from_bytes(bytes)
            .map_err(|e| step_error(corrupt("workflow state", e)))?,
        None => ExecutionState::new(ExecutionMeta {
            execution_id: id.clone(),
            workflow_name: t.name.clone(),
            version: t.version.clone(),
            random_seed: seed_of(&id),
        }),
    };

    // What arrived, in arrival order (the statement sorted it).
    let mut events: Vec<Event> = Vec::with_capacity(t.arrived.len() + 1);
    if matches!(state.status, EngineStatus::Created) {
        events.push(Event::Start { inputs: t.inputs });
    }
    for a in &t.arrived {
        if a.is_signal {
            let name = a.event.get("name").and_then(Value::as_str);
            match name {
                Some(name) => events.push(Event::SignalArrived {
                    name: name.to_owned(),
                    payload: a.event.get("payload").cloned().unwrap_or(Value::Null),
                }),
                None => tracing::warn!("workflow {id}: ignoring an unreadable signal {}", a.event),
            }
        } else if let Some(e) = inbox_event(&a.event) {
            events.push(e);
        } else {
            tracing::warn!(
                "workflow {id}: ignoring an unreadable inbox event {}",
                a.event
            );
        }
    }

    let mut commands = Vec::new();
    for event in events {
        match engine.apply(&mut state, vm.as_ref(), event, now) {
            Ok(c) => commands.extend(c),
            Err(rejected) => tracing::debug!("workflow {id}: event refused: {rejected}"),
        }
    }

    let mut p = Plan {
        id: id.clone(),
        arrived: t.arrived,
        ..Plan::default()
    };
    for c in commands {
        match c {
            Command::QueueTask(a) => {
                let delay_ms = (a.run_at - now).max(0.0);
                let timeout = a
                    .timeout_at
                    .map(|at| Duration::from_millis((at - a.run_at).max(1.0) as u64));
                let options = StartOptions {
                    queue: a.queue.clone(),
                    priority: a.priority.map(clamp_priority).unwrap_or(0),
                    delay: Some(Duration::from_millis(delay_ms as u64)),
                    max_attempts: Some(1),
                    timeout,
                    ..StartOptions::default()
                };
                let mut n =
                    crate::client::new_execution(Kind::Task, &a.name, a.inputs, &options, None)
                        .map_err(step_error)?;
                n.parent_id = Some(id.clone());
                n.parent_handle = Some(i64::from(a.handle.0));
                n.parent_attempt = i32::try_from(a.attempt).ok();
                p.tasks.push(n);
            }
            Command::WithdrawTask { handle, attempt } => {
                p.cancels.push((handle, i32::try_from(attempt).ok()));
            }
            Command::StartTimer { handle, fire_at } => {
                p.timers.insert(handle.0.to_string(), Some(fire_at));
            }
            Command::CancelTimer { handle } => {
                p.timers.insert(handle.0.to_string(), None);
            }
            Command::StartChild {
                handle,
                name,
                inputs,
                options,
            } => {
                let start = StartOptions {
                    queue: options.queue.clone(),
                    priority: options.priority.map(clamp_priority).unwrap_or(0),
                    ..StartOptions::default()
                };
                p.children.push((handle, name, inputs, start));
            }
            Command::CancelChild { handle } => p.cancels.push((handle, None)),
            Command::Log { line } => p.logs.push(line.replace('\0', "\u{FFFD}")),
            Command::Complete { output } => p.end = Some(end(&id, "completed", Some(output), None)),
            Command::Fail { error } => p.end = Some(end(&id, "failed", None, Some(error))),
            Command::Cancelled { error } => {
                p.end = Some(end(&id, "cancelled", None, Some(error)));
            }
        }
    }
    if p.end.is_none() && !state.status.is_terminal() {
        let bytes = state
            .to_bytes()
            .map_err(|e| step_error(corrupt("workflow state", e)))?;
        p.save = Some(StateSave {
            id: id.clone(),
            bytes,
            loaded: t.state_version.unwrap_or(-1),
            waits: state.signal_waits.keys().cloned().collect(),
        });
    }
    Ok(p)
}

fn end(id: &str, status: &'static str, output: Option<Value>, error: Option<Value>) -> Finish {
    Finish {
        id: id.to_owned(),
        status,
        output,
        error,
    }
}

fn clamp_priority(p: i64) -> i32 {
    p.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

/// Fires due timers (any worker may); returns how many fired.
pub(crate) async fn fire_timers(pool: &PgPool) -> Result<u64> {
    st::fire_timers(pool, 1000).await
}
