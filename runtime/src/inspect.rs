//! The inspector: what an execution is doing and why, from one read of the store. The VM's
//! frames and variables come from the engine's pure view of the saved state
//! ([`rhythm_engine::inspect`]); this module adds what only the store knows (attempts, queues,
//! live workers, children, logs) and words each wait's reason. Pure: [`build`] takes the rows.

use chrono::{DateTime, Utc};
use indexmap::IndexMap;
use rhythm_engine::inspect::{ExecutionView, Wait};
/// How much of each variable's value an inspection renders.
pub use rhythm_interpreter::inspector::RenderLimits;
use rhythm_interpreter::{Json, Program};
use serde::Serialize;

use crate::model::{AttemptState, Execution, Kind, Paused, QueuePause, Status};

/// A worker older than this since its last heartbeat counts as lost.
pub const WORKER_LOST_AFTER_SECS: i64 = 30;

/// What the store returns for one inspection (read in one snapshot).
#[derive(Debug, Clone)]
pub struct InspectData {
    /// The execution.
    pub execution: Execution,
    /// Its workflow version's source, for workflows.
    pub source: Option<String>,
    /// When its version was first registered.
    pub version_first_seen: Option<DateTime<Utc>>,
    /// Its saved engine state, while it waits.
    pub state: Option<Vec<u8>>,
    /// Executions it started (tasks and child workflows), oldest first.
    pub children: Vec<ChildExecution>,
    /// Its log lines, oldest first (the newest `limit`).
    pub logs: Vec<LogLine>,
    /// Its history, oldest first (the newest `limit` rows).
    pub history: Vec<HistoryEntry>,
    /// The workers registered and not stopped.
    pub workers: Vec<WorkerInfo>,
    /// The database's clock at the read.
    pub now: DateTime<Utc>,
    /// The paused queues.
    pub paused_queues: Vec<QueuePause>,
}

/// A task or child workflow an execution started.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildExecution {
    /// Its id.
    pub id: String,
    /// Task or workflow.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// Its status.
    pub status: Status,
    /// Its queue.
    pub queue: String,
    /// The parent's handle on it.
    pub parent_handle: Option<i64>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Its queued or leased attempt.
    pub attempt: Option<AttemptState>,
    /// The error of its last failed attempt (or its final error).
    pub error: Option<Json>,
}

impl ChildExecution {
    /// Its status as `rhythm status` names it: `queued` for a task no worker has claimed.
    pub fn display_status(&self) -> &'static str {
        status_name(self.status, self.attempt.as_ref(), self.kind)
    }
}

/// One row of an execution's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntry {
    /// Its place among the events returned, from 1.
    pub seq: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened: `started`, `attempt_claimed`, `attempt_completed`, `attempt_failed`,
    /// `attempt_taken_over`, `attempt_released`, `step`, `timer_fired`, `signal_sent`,
    /// `cancel_requested`, `cancelled`, `completed`, `failed`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Its details.
    pub data: Json,
}

/// One log line of an execution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogLine {
    /// Order among the execution's lines.
    pub seq: i64,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// `info`, `warn`, ...
    pub level: String,
    /// The text.
    pub message: String,
}

/// A registered worker process.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkerInfo {
    /// Its id (the lease owner of its attempts).
    pub id: String,
    /// Host name.
    pub host: String,
    /// Process id.
    pub pid: i32,
    /// Queues it claims from.
    pub queues: Vec<String>,
    /// Task names it runs.
    pub tasks: Vec<String>,
    /// Whether it runs workflow steps.
    pub workflows: bool,
    /// The SDK that runs it (`rust`, `python 3.11`, ...).
    pub sdk: String,
    /// Rhythm's version in it.
    pub version: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Its last heartbeat.
    pub heartbeat_at: DateTime<Utc>,
    /// When it stopped gracefully, if it did.
    pub stopped_at: Option<DateTime<Utc>>,
    /// Seconds since its last heartbeat, by the database's clock at the read.
    pub heartbeat_age_secs: f64,
    /// Not stopped, and its last heartbeat is recent (see [`WORKER_LOST_AFTER_SECS`]).
    pub live: bool,
}

impl WorkerInfo {
    /// Whether it is running: not stopped, and its heartbeat is recent at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.stopped_at.is_none()
            && (now - self.heartbeat_at).num_seconds() < WORKER_LOST_AFTER_SECS
    }

    /// Whether it runs task `name` from `queue`.
    pub fn serves_task(&self, name: &str, queue: &str) -> bool {
        self.tasks.iter().any(|t| t == name) && self.queues.iter().any(|q| q == queue)
    }

    /// Whether it runs workflow steps from `queue`.
    pub fn serves_steps(&self, queue: &str) -> bool {
        self.workflows && self.queues.iter().any(|q| q == queue)
    }
}

/// A worker's registration, as the worker sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerRegistration {
    /// Its id.
    pub id: String,
    /// Host name.
    pub host: String,
    /// Process id.
    pub pid: i32,
    /// Queues it claims from.
    pub queues: Vec<String>,
    /// Task names it runs.
    pub tasks: Vec<String>,
    /// Whether it runs workflow steps.
    pub workflows: bool,
    /// The SDK that runs it.
    pub sdk: String,
    /// Rhythm's version in it.
    pub version: String,
}

/// Per queue: what waits and what runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueStats {
    /// The queue.
    pub queue: String,
    /// Task attempts and workflow steps due now.
    pub ready: i64,
    /// Age of the oldest due entry, in seconds.
    pub oldest_ready_age_secs: Option<f64>,
    /// Task attempts claimed and running.
    pub in_flight: i64,
    /// Entries due later (delayed starts, retry backoffs).
    pub delayed: i64,
    /// Who paused the queue, when it is paused (`rhythm queues pause`).
    pub paused: Option<Paused>,
}

/// An execution as `rhythm inspect` shows it (the JSON contract of `--format json`).
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    /// The execution id.
    pub id: String,
    /// Its status; `queued` for a task no worker has claimed yet.
    pub status: String,
    /// Task or workflow.
    pub kind: Kind,
    /// The workflow's (or task's) name.
    pub workflow: String,
    /// The version it runs.
    pub version: Option<Version>,
    /// Where it waits: the innermost frame's await.
    pub location: Option<Location>,
    /// The main context's frames, innermost first.
    pub frames: Vec<FrameInfo>,
    /// Concurrent branches that wait, each innermost first.
    pub branches: Vec<Vec<FrameInfo>>,
    /// What it waits on, with the reason in words.
    pub waiting_on: Vec<WaitInfo>,
    /// Signals received and not consumed yet, per name.
    pub buffered_signals: IndexMap<String, Vec<Json>>,
    /// Its inputs.
    pub inputs: Json,
    /// Its output, once completed.
    pub output: Option<Json>,
    /// Its error, once failed (or the last attempt's error of a retrying task).
    pub error: Option<Json>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it ended.
    pub completed_at: Option<DateTime<Utc>>,
    /// The parent workflow, for tasks and children.
    pub parent_id: Option<String>,
    /// What it started.
    pub children: Vec<ChildExecution>,
    /// Why the saved state could not be read, when it could not.
    pub state_error: Option<String>,
    /// Its history, oldest first (the newest rows only, unless all were asked for).
    pub history: Vec<HistoryEntry>,
    /// Its log lines.
    pub logs: Vec<LogLine>,
}

/// A workflow version.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    /// The SHA-256 of the source.
    pub hash: String,
    /// When it was first registered.
    pub first_seen: Option<DateTime<Utc>>,
}

/// A place in the workflow's source.
#[derive(Debug, Clone, Serialize)]
pub struct Location {
    /// The file, as `<workflow>.flow`.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// The source line.
    pub source: String,
    /// Byte range of the awaited expression.
    pub start: u32,
    /// End of that range.
    pub end: u32,
}

/// One frame.
#[derive(Debug, Clone, Serialize)]
pub struct FrameInfo {
    /// The function's name.
    pub function: String,
    /// 1-based line of its await or call.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Variables in scope.
    pub variables: IndexMap<String, Json>,
}

/// One wait, with its reason.
#[derive(Debug, Clone, Serialize)]
pub struct WaitInfo {
    /// `task`, `signal`, `timer`, `child` or `step`.
    pub kind: &'static str,
    /// Task, signal or workflow name.
    pub name: Option<String>,
    /// Since when.
    pub since: Option<DateTime<Utc>>,
    /// Why it still waits, in words.
    pub reason: String,
    /// The task's or child's execution id.
    pub execution_id: Option<String>,
    /// The task's attempt.
    pub attempt: Option<i32>,
    /// The worker that holds it.
    pub worker_id: Option<String>,
    /// When it is due (timers, backoffs, delayed starts).
    pub due_at: Option<DateTime<Utc>>,
}

impl WaitInfo {
    fn new(kind: &'static str, name: Option<String>, reason: String) -> WaitInfo {
        WaitInfo {
            kind,
            name,
            since: None,
            reason,
            execution_id: None,
            attempt: None,
            worker_id: None,
            due_at: None,
        }
    }
}

/// The stored status, except `queued` for a task whose attempt no worker has claimed yet.
fn status_name(status: Status, attempt: Option<&AttemptState>, kind: Kind) -> &'static str {
    match (status, attempt, kind) {
        (Status::Running, Some(AttemptState::Queued { .. }), Kind::Task) => "queued",
        (status, ..) => status.as_str(),
    }
}

/// How `rhythm status` names an execution's state: the stored status, except that a paused
/// execution that has not ended is `paused`, and a task (or a workflow step) that no worker has
/// claimed yet is `queued`.
pub fn display_status(e: &Execution) -> &'static str {
    if e.paused.is_some() && !e.status.is_terminal() {
        return "paused";
    }
    status_name(e.status, e.attempt.as_ref(), e.kind)
}

fn secs(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let s = (now - then).num_milliseconds().max(0) as f64 / 1000.0;
    if s < 120.0 {
        format!("{s:.0} s")
    } else if s < 7200.0 {
        format!("{:.0} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

fn at(ms: f64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms as i64)
}

fn error_text(e: &Option<Json>) -> String {
    match e {
        Some(Json::Object(o)) => {
            let kind = o.get("type").and_then(Json::as_str).unwrap_or("Error");
            let message = o.get("message").and_then(Json::as_str).unwrap_or("");
            format!("{kind}: {message}")
        }
        Some(other) => other.to_string(),
        None => "an error".to_owned(),
    }
}

/// Builds an inspection from what the store read; `program` is the execution's compiled
/// version (workflows only).
pub fn build(data: InspectData, program: Option<&Program>, limits: RenderLimits) -> Inspection {
    let e = &data.execution;
    let mut view: Option<ExecutionView> = None;
    let mut state_error = None;
    if let (Some(p), Some(bytes)) = (program, &data.state) {
        match rhythm_engine::inspect::view_execution(p, bytes, limits) {
            Ok(v) => {
                state_error.clone_from(&v.state_error);
                view = Some(v);
            }
            Err(err) => state_error = Some(format!("state could not be decoded: {err}")),
        }
    }
    let frames: Vec<FrameInfo> = view
        .as_ref()
        .map(|v| v.frames.iter().map(frame_info).collect())
        .unwrap_or_default();
    let location = match (view.as_ref().and_then(|v| v.frames.first()), &data.source) {
        (Some(f), Some(source)) => Some(Location {
            file: format!("{}.flow", e.name),
            line: f.line,
            column: f.column,
            source: source
                .lines()
                .nth(f.line.saturating_sub(1) as usize)
                .unwrap_or("")
                .to_owned(),
            start: f.start,
            end: f.end,
        }),
        _ => None,
    };
    let mut waiting_on = Vec::new();
    if !e.status.is_terminal() {
        if let Some(p) = &e.paused {
            let mut w = WaitInfo::new("paused", None, paused_reason(p));
            w.since = Some(p.at);
            waiting_on.push(w);
        }
        if let Some(step) = step_wait(&data) {
            waiting_on.push(step);
        }
        if let Some(v) = &view {
            for w in &v.waiting_on {
                waiting_on.push(reason_for(&data, v, w));
            }
        }
        if e.kind == Kind::Task {
            waiting_on.push(task_wait(
                &data,
                e.name.clone(),
                &e.queue,
                &e.id,
                e.attempt.as_ref(),
                &e.error,
            ));
        }
    }
    Inspection {
        id: e.id.clone(),
        status: display_status(e).to_owned(),
        kind: e.kind,
        workflow: e.name.clone(),
        version: e.content_hash.as_ref().map(|h| Version {
            hash: h.clone(),
            first_seen: data.version_first_seen,
        }),
        location,
        frames,
        branches: view
            .as_ref()
            .map(|v| {
                v.branches
                    .iter()
                    .map(|b| b.iter().map(frame_info).collect())
                    .collect()
            })
            .unwrap_or_default(),
        waiting_on,
        buffered_signals: view
            .as_ref()
            .map(|v| v.buffered_signals.clone().into_iter().collect())
            .unwrap_or_default(),
        inputs: e.inputs.clone(),
        output: e.output.clone(),
        error: e.error.clone(),
        created_at: e.created_at,
        completed_at: e.completed_at,
        parent_id: e.parent_id.clone(),
        children: data.children.clone(),
        state_error,
        history: data.history.clone(),
        logs: data.logs.clone(),
    }
}

/// `paused by WHO at T` (and why, when given).
pub fn paused_reason(p: &Paused) -> String {
    match &p.reason {
        Some(r) => format!("paused by {} at {}: {r}", p.by, p.at),
        None => format!("paused by {} at {}", p.by, p.at),
    }
}

/// `queue Q is paused (by WHO at T)` when `queue` is paused.
fn queue_paused(data: &InspectData, queue: &str) -> Option<String> {
    let q = data.paused_queues.iter().find(|q| q.queue == queue)?;
    Some(format!(
        "queue {queue} is paused ({})",
        paused_reason(&q.paused)
    ))
}

fn frame_info(f: &rhythm_interpreter::inspector::FrameView) -> FrameInfo {
    FrameInfo {
        function: f.function.clone(),
        line: f.line,
        column: f.column,
        variables: f.variables.clone(),
    }
}

/// A workflow whose next step is queued: who could take it.
fn step_wait(data: &InspectData) -> Option<WaitInfo> {
    let e = &data.execution;
    if e.kind != Kind::Workflow {
        return None;
    }
    let Some(AttemptState::Queued { run_at, .. }) = &e.attempt else {
        return None;
    };
    let live = data
        .workers
        .iter()
        .filter(|w| w.is_live(data.now) && w.serves_steps(&e.queue))
        .count();
    let reason = if let Some(paused) = queue_paused(data, &e.queue) {
        paused
    } else if *run_at > data.now {
        format!("its next step is due at {run_at}")
    } else if live == 0 {
        format!(
            "its next step is queued on queue {} for {}, and no live workflow worker serves that queue",
            e.queue,
            secs(data.now, *run_at)
        )
    } else {
        format!(
            "its next step is queued on queue {} for {}; {live} live workflow worker(s) serve it",
            e.queue,
            secs(data.now, *run_at)
        )
    };
    let mut w = WaitInfo::new("step", None, reason);
    w.since = Some(*run_at);
    Some(w)
}

fn reason_for(data: &InspectData, view: &ExecutionView, w: &Wait) -> WaitInfo {
    let child = data
        .children
        .iter()
        .rev()
        .find(|c| c.parent_handle == Some(i64::from(w.handle)));
    match w.kind {
        "task" => {
            let name = w.name.clone().unwrap_or_default();
            match child {
                Some(c) => task_wait(data, name, &c.queue, &c.id, c.attempt.as_ref(), &c.error),
                None => WaitInfo::new(
                    "task",
                    Some(name),
                    "the task's attempt is being queued by the workflow's next step".to_owned(),
                ),
            }
        }
        "signal" => {
            let name = w.name.clone().unwrap_or_default();
            let buffered: Vec<&String> = view.buffered_signals.keys().collect();
            let mut reason = format!("signal {name} has not been sent yet");
            if !buffered.is_empty() {
                let list: Vec<&str> = buffered.iter().map(|s| s.as_str()).collect();
                reason.push_str(&format!(" (buffered: {})", list.join(", ")));
            }
            if let Some(t) = w.timeout_at.and_then(at) {
                reason.push_str(&format!("; it times out at {t}"));
            }
            let mut info = WaitInfo::new("signal", Some(name), reason);
            info.since = w.since.and_then(at);
            info.due_at = w.timeout_at.and_then(at);
            info
        }
        "timer" => {
            let due = w.fire_at.and_then(at);
            let reason = match due {
                Some(t) if t <= data.now => {
                    format!("timer was due at {t}; it fires at the next timer sweep")
                }
                Some(t) => format!("timer due at {t}"),
                None => "timer".to_owned(),
            };
            let mut info = WaitInfo::new("timer", None, reason);
            info.due_at = due;
            info
        }
        _ => {
            let name = w.name.clone().unwrap_or_default();
            let reason = match child {
                Some(c) => format!("child workflow {name} ({}) is {}", c.id, c.status),
                None => {
                    format!("child workflow {name} is being started by the workflow's next step")
                }
            };
            let mut info = WaitInfo::new("child", Some(name), reason);
            info.execution_id = child.map(|c| c.id.clone());
            info.since = child.map(|c| c.created_at);
            info
        }
    }
}

/// The reason a task (standalone or a workflow's) has not finished.
fn task_wait(
    data: &InspectData,
    name: String,
    queue: &str,
    id: &str,
    attempt: Option<&AttemptState>,
    error: &Option<Json>,
) -> WaitInfo {
    let now = data.now;
    let mut info = WaitInfo::new("task", Some(name.clone()), String::new());
    info.execution_id = Some(id.to_owned());
    match attempt {
        Some(AttemptState::Queued { attempt, run_at }) => {
            info.attempt = Some(*attempt);
            info.since = Some(*run_at);
            if *run_at > now {
                info.due_at = Some(*run_at);
                info.reason = if *attempt > 1 {
                    format!(
                        "backing off until {run_at} after attempt {} failed with {}",
                        attempt - 1,
                        error_text(error)
                    )
                } else {
                    format!("delayed until {run_at}")
                };
            } else {
                let live: Vec<&WorkerInfo> = data
                    .workers
                    .iter()
                    .filter(|w| w.is_live(now) && w.serves_task(&name, queue))
                    .collect();
                info.reason = if let Some(paused) = queue_paused(data, queue) {
                    paused
                } else if live.is_empty() {
                    format!(
                        "queued on queue {queue} for {}, and no live worker serves task {name} on {queue}",
                        secs(now, *run_at)
                    )
                } else {
                    format!(
                        "queued on queue {queue} for {}; {} live worker(s) serve task {name} there (busy?)",
                        secs(now, *run_at),
                        live.len()
                    )
                };
            }
        }
        Some(AttemptState::Leased {
            attempt, worker_id, ..
        }) => {
            info.attempt = Some(*attempt);
            info.worker_id = Some(worker_id.clone());
            info.reason = match data.workers.iter().find(|w| &w.id == worker_id) {
                Some(w) => format!(
                    "attempt {attempt} claimed by worker {worker_id} ({}, pid {}) whose last heartbeat is {} old",
                    w.host,
                    w.pid,
                    secs(now, w.heartbeat_at)
                ),
                None => format!("attempt {attempt} claimed by worker {worker_id} (not registered)"),
            };
        }
        None => info.reason = "the task is being settled".to_owned(),
    }
    info
}

#[cfg(test)]
mod tests;
