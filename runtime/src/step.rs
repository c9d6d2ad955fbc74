//! Workflow steps, batched: one store transaction ([`Store::run_step_batch`]) takes up to N
//! due steps, loads their states and consumes what arrived for them; the [`Planner`] here runs
//! the engine for each execution in Rust (pure: no I/O), and the store writes what it decided
//! for the whole batch (states under the state-version check, task executions, timers, logs,
//! ends). A problem in one execution (a program that does not compile, a corrupt state, a lost
//! state-version check, an invalid command) fails or skips only that execution.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rhythm_engine::{
    ChildOutcome, Command, Engine, Event, ExecutionMeta, ExecutionState, FlowVm,
    Status as EngineStatus, TaskDefaults, TaskDefinitions,
};
use rhythm_interpreter::{HandleId, Limits};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::{Kind, StartOptions};
use crate::store::{
    Arrival, ChildCancel, ChildStart, HistoryEvent, NewExecution, NewState, Plan, StepBatch,
    StepBatchError, StepInput, StepPlanner, StepSelection, Store, TaskDefinition, WorkflowEnd,
};

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

/// Reads an inbox event written by the store (see `store/postgres/sql.rs`).
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
        "retry" => {
            let handle_of =
                |x: &Value| x.as_u64().and_then(|h| u32::try_from(h).ok()).map(HandleId);
            let failed_tasks = v
                .get("tasks")?
                .as_array()?
                .iter()
                .filter_map(|t| {
                    let attempt = t.get("attempt")?.as_u64()?;
                    Some((handle_of(t.get("handle")?)?, u32::try_from(attempt).ok()?))
                })
                .collect();
            let failed_children = v
                .get("children")?
                .as_array()?
                .iter()
                .filter_map(handle_of)
                .collect();
            Some(Event::Retry {
                failed_tasks,
                failed_children,
            })
        }
        _ => None,
    }
}

/// What a worker's step loops share to decide steps: the compiled programs and the engine,
/// with the task definitions' defaults of a revision.
pub(crate) struct Planner {
    programs: Arc<Programs>,
    engine: RwLock<(i64, Arc<Engine>)>,
}

impl Planner {
    /// A planner on the worker's shared programs.
    pub(crate) fn new(programs: Arc<Programs>) -> Self {
        Planner {
            programs,
            engine: RwLock::new((0, Arc::new(Engine::default()))),
        }
    }

    fn engine(&self) -> Arc<Engine> {
        match self.engine.read() {
            Ok(guard) => Arc::clone(&guard.1),
            Err(poisoned) => Arc::clone(&poisoned.get_ref().1),
        }
    }
}

/// Reads registered definitions; one that cannot be read is logged and left out (its calls
/// get no defaults) rather than stopping every workflow.
fn task_defaults(definitions: Vec<TaskDefinition>) -> TaskDefinitions {
    let mut defaults = TaskDefinitions::default();
    for d in definitions {
        match TaskDefaults::from_entry(&d.name, &d.defaults) {
            Ok(entry) => defaults.insert(&d.name, entry),
            Err(e) => tracing::warn!("ignoring a registered task definition: {e}"),
        }
    }
    defaults
}

impl StepPlanner for Planner {
    fn compiled_versions(&self) -> Vec<String> {
        self.programs.known()
    }

    fn task_defaults_revision(&self) -> i64 {
        match self.engine.read() {
            Ok(guard) => guard.0,
            Err(poisoned) => poisoned.get_ref().0,
        }
    }

    fn set_task_defaults(&self, revision: i64, definitions: Vec<TaskDefinition>) {
        let engine = Engine::default().with_task_defaults(task_defaults(definitions));
        let mut guard = match self.engine.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = (revision, Arc::new(engine));
    }

    fn plan_steps(&self, steps: Vec<StepInput>) -> Vec<Plan> {
        let now = now_ms();
        let engine = self.engine();
        steps
            .into_iter()
            .map(|step| {
                let id = step.id.clone();
                plan(&self.programs, &engine, step, now).unwrap_or_else(|error| {
                    tracing::warn!("workflow {id}: step failed: {error}");
                    Plan {
                        id,
                        end: Some(WorkflowEnd::Failed(error)),
                        ..Plan::default()
                    }
                })
            })
            .collect()
    }
}

/// Runs up to `limit` due workflow steps of `queue` in one transaction. When the batch fails
/// as a whole for a reason other than a lost connection or a transient conflict (deadlock,
/// serialization), it is rolled back and its executions run one transaction each, so the
/// execution at fault fails alone.
pub(crate) async fn run_batch(
    store: &dyn Store,
    planner: &Planner,
    queue: &str,
    limit: usize,
) -> Result<StepBatch> {
    match store
        .run_step_batch(StepSelection::Due { queue, limit }, planner)
        .await
    {
        Ok(batch) => Ok(batch),
        Err(StepBatchError::Failed(e)) => Err(e),
        Err(StepBatchError::RolledBack { taken, busy, error }) => {
            if let [id] = taken.as_slice() {
                fail_step(store, id, &error).await?;
                return Ok(StepBatch {
                    taken: 1,
                    busy,
                    state_bytes: 0,
                });
            }
            let n = taken.len();
            tracing::warn!(
                "workflow steps: a batch of {n} failed ({error}); running them one by one"
            );
            let mut result = StepBatch {
                busy,
                ..StepBatch::default()
            };
            for id in taken {
                let r = run_alone(store, planner, &id).await?;
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
async fn run_alone(store: &dyn Store, planner: &Planner, id: &str) -> Result<StepBatch> {
    match store
        .run_step_batch(StepSelection::Execution(id), planner)
        .await
    {
        Ok(batch) => Ok(batch),
        Err(StepBatchError::Failed(e)) => Err(e),
        Err(StepBatchError::RolledBack { busy, error, .. }) => {
            fail_step(store, id, &error).await?;
            Ok(StepBatch {
                taken: 1,
                busy,
                state_bytes: 0,
            })
        }
    }
}

/// A step that cannot run would fail forever: the execution fails with the reason, visible
/// in `rhythm status`.
async fn fail_step(store: &dyn Store, id: &str, e: &Error) -> Result<()> {
    tracing::warn!("workflow {id}: step failed: {e}");
    store
        .fail_workflow(id, json!({"type": "StepError", "message": e.to_string()}))
        .await?;
    Ok(())
}

/// Runs the engine for one step; an `Err` is the error the execution fails with.
fn plan(
    programs: &Programs,
    engine: &Engine,
    t: StepInput,
    now: f64,
) -> std::result::Result<Plan, Value> {
    let step_error = |e: Error| json!({"type": "StepError", "message": e.to_string()});
    let id = t.id;
    let vm = programs
        .get(&t.version, t.source.as_deref())
        .map_err(|message| json!({"type": "CompileError", "message": message}))?;
    // A saved state that cannot be read fails this execution alone, at once: decoding is
    // bounded by the row's size (serde_json here, the interpreter's bounded decode for the VM
    // state inside, whose failure the engine reports as a `StateError` with the same words).
    let mut state = match &t.state {
        Some(bytes) => ExecutionState::from_bytes(bytes).map_err(
            |e| json!({"type": "StepError", "message": format!("state could not be decoded: {e}")}),
        )?,
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
        match a {
            Arrival::Signal(signal) => {
                let name = signal.get("name").and_then(Value::as_str);
                match name {
                    Some(name) => events.push(Event::SignalArrived {
                        name: name.to_owned(),
                        payload: signal.get("payload").cloned().unwrap_or(Value::Null),
                    }),
                    None => tracing::warn!("workflow {id}: ignoring an unreadable signal {signal}"),
                }
            }
            Arrival::Event(event) => match inbox_event(event) {
                Some(e) => events.push(e),
                None => {
                    tracing::warn!("workflow {id}: ignoring an unreadable inbox event {event}");
                }
            },
        }
    }

    // An operator retry applies to the state saved at the last await before anything else:
    // the failures the failed step consumed (kept for this) then concern old attempts.
    let (retries, rest): (Vec<Event>, Vec<Event>) = events
        .into_iter()
        .partition(|e| matches!(e, Event::Retry { .. }));
    let (start, rest): (Vec<Event>, Vec<Event>) = rest
        .into_iter()
        .partition(|e| matches!(e, Event::Start { .. }));
    let events: Vec<Event> = start.into_iter().chain(retries).chain(rest).collect();

    let consumed: Vec<Value> = events.iter().map(event_summary).collect();
    let mut commands = Vec::new();
    for event in events {
        match engine.apply(&mut state, vm.as_ref(), event, now) {
            Ok(c) => commands.extend(c),
            Err(rejected) => tracing::debug!("workflow {id}: event refused: {rejected}"),
        }
    }

    let mut p = Plan {
        id: id.clone(),
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
                let mut n = NewExecution::validated(Kind::Task, &a.name, a.inputs, &options, None)
                    .map_err(step_error)?;
                n.parent_id = Some(id.clone());
                n.parent_handle = Some(i64::from(a.handle.0));
                n.parent_attempt = i32::try_from(a.attempt).ok();
                p.tasks.push(n);
            }
            Command::WithdrawTask { handle, attempt } => {
                p.cancels.push(ChildCancel {
                    handle: handle.0,
                    attempt: i32::try_from(attempt).ok(),
                });
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
                p.children.push(ChildStart {
                    handle: handle.0,
                    name,
                    inputs,
                    options: start,
                });
            }
            Command::CancelChild { handle } => p.cancels.push(ChildCancel {
                handle: handle.0,
                attempt: None,
            }),
            Command::RetryChild { handle } => p.retry_children.push(handle.0),
            Command::Log { line } => p.logs.push(line.replace('\0', "\u{FFFD}")),
            Command::Complete { output } => p.end = Some(WorkflowEnd::Completed(output)),
            Command::Fail { error } => p.end = Some(WorkflowEnd::Failed(error)),
            Command::Cancelled { error } => p.end = Some(WorkflowEnd::Cancelled(error)),
        }
    }
    p.history.push(HistoryEvent {
        kind: "step".to_owned(),
        data: step_summary(&p, consumed, &state),
    });
    if p.end.is_none() && !state.status.is_terminal() {
        let bytes = state
            .to_bytes()
            .map_err(|e| step_error(corrupt("workflow state", e)))?;
        p.save = Some(NewState {
            bytes,
            signal_waits: state.signal_waits.keys().cloned().collect(),
        });
    }
    Ok(p)
}

fn clamp_priority(p: i64) -> i32 {
    p.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

/// An event a step consumed, for the history: its kind and whom it concerns, without payloads
/// (outputs, errors and signal payloads can be large; the inspector shows them elsewhere).
fn event_summary(event: &Event) -> Value {
    let mut full = serde_json::to_value(event).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut full {
        let status = map.get("outcome").and_then(|o| o.get("status")).cloned();
        map.retain(|k, _| {
            matches!(
                k.as_str(),
                "kind" | "handle" | "attempt" | "name" | "execution_id"
            )
        });
        if let Some(status) = status {
            map.insert("status".to_owned(), status);
        }
    }
    full
}

/// The `step` history row: what the step consumed, what it started, and what it waits on now.
fn step_summary(p: &Plan, consumed: Vec<Value>, state: &ExecutionState) -> Value {
    let tasks: Vec<Value> = p
        .tasks
        .iter()
        .map(|t| json!({"name": t.name, "handle": t.parent_handle, "attempt": t.parent_attempt}))
        .collect();
    let children: Vec<Value> = p
        .children
        .iter()
        .map(|c| json!({"name": c.name, "handle": c.handle}))
        .collect();
    let waiting_on: Vec<Value> = state
        .waiting_on
        .iter()
        .filter_map(|h| state.handles.get(h).map(|pending| (h, pending)))
        .map(|(h, pending)| match pending {
            rhythm_engine::Pending::Task(t) => {
                json!({"kind": "task", "handle": h.0, "name": t.name})
            }
            rhythm_engine::Pending::Timer { fire_at } => {
                json!({"kind": "timer", "handle": h.0, "fire_at": fire_at})
            }
            rhythm_engine::Pending::Signal { name, .. } => {
                json!({"kind": "signal", "handle": h.0, "name": name})
            }
            rhythm_engine::Pending::Child { name, .. } => {
                json!({"kind": "child", "handle": h.0, "name": name})
            }
        })
        .collect();
    let mut data = json!({"consumed": consumed});
    if !tasks.is_empty() {
        data["tasks"] = Value::Array(tasks);
    }
    if !children.is_empty() {
        data["children"] = Value::Array(children);
    }
    if !p.timers.is_empty() {
        data["timers"] = json!(p.timers);
    }
    if !p.logs.is_empty() {
        data["logs"] = json!(p.logs.len());
    }
    if !waiting_on.is_empty() {
        data["waiting_on"] = Value::Array(waiting_on);
    }
    data
}
