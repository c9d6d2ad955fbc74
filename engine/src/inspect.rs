//! A readable view of a saved execution: the VM's frames and variables (from
//! [`rhythm_interpreter::inspector`]) with what the engine knows beside them: what the current
//! await waits on, buffered signals, pending timers and a requested cancel. Pure: the runtime
//! adds what only the store knows (queues, workers, history).

use std::collections::BTreeMap;

use rhythm_interpreter::Program;
use rhythm_interpreter::effects::{EpochMillis, HandleId, Json};
use rhythm_interpreter::inspector::{self, FrameView, RenderLimits};
use serde::Serialize;

use crate::state::{ExecutionState, Pending};

/// An execution as the inspector shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExecutionView {
    /// The engine's status name (`created`, `running`, `completed`, `failed`, `cancelled`).
    pub status: &'static str,
    /// The main context's frames, innermost first (empty when the VM state is unreadable or
    /// the execution has not started).
    pub frames: Vec<FrameView>,
    /// Concurrent branches that wait, each innermost first.
    pub branches: Vec<Vec<FrameView>>,
    /// What the current await waits on.
    pub waiting_on: Vec<Wait>,
    /// Other pending work (fire-and-forget tasks, withdrawn waits still settling).
    pub pending: Vec<Wait>,
    /// Signals received and not consumed, per name, oldest first.
    pub buffered_signals: BTreeMap<String, Vec<Json>>,
    /// A cancel was asked and not yet delivered.
    pub cancel_requested: bool,
    /// Why the VM state could not be read, when it could not (a corrupt row, a format from
    /// another version).
    pub state_error: Option<String>,
}

/// One thing an execution waits on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Wait {
    /// `task`, `signal`, `timer` or `child`.
    pub kind: &'static str,
    /// The engine's handle number (a task's or child's `parent_handle`).
    pub handle: u32,
    /// Task, signal or child workflow name (`None` for timers).
    pub name: Option<String>,
    /// The task's current attempt.
    pub attempt: Option<u32>,
    /// When a timer fires (epoch ms).
    pub fire_at: Option<EpochMillis>,
    /// When a signal wait started (epoch ms).
    pub since: Option<EpochMillis>,
    /// When a signal wait gives up (epoch ms).
    pub timeout_at: Option<EpochMillis>,
}

impl Wait {
    fn of(handle: HandleId, pending: &Pending) -> Wait {
        let mut w = Wait {
            kind: "task",
            handle: handle.0,
            name: None,
            attempt: None,
            fire_at: None,
            since: None,
            timeout_at: None,
        };
        match pending {
            Pending::Task(t) => {
                w.name = Some(t.name.clone());
                w.attempt = Some(t.attempt);
            }
            Pending::Timer { fire_at } => {
                w.kind = "timer";
                w.fire_at = Some(*fire_at);
            }
            Pending::Signal {
                name,
                since,
                timeout_at,
            } => {
                w.kind = "signal";
                w.name = Some(name.clone());
                w.since = Some(*since);
                w.timeout_at = *timeout_at;
            }
            Pending::Child { name, .. } => {
                w.kind = "child";
                w.name = Some(name.clone());
            }
        }
        w
    }
}

/// Views an execution's saved engine state (`bytes`, as the store keeps it) of `program`.
/// Fails only when the engine state itself cannot be read; an unreadable VM state is reported
/// in [`ExecutionView::state_error`].
pub fn view_execution(
    program: &Program,
    bytes: &[u8],
    limits: RenderLimits,
) -> Result<ExecutionView, String> {
    let state = ExecutionState::from_bytes(bytes).map_err(|e| e.to_string())?;
    Ok(view_state(program, &state, limits))
}

/// Views a decoded engine state.
pub fn view_state(
    program: &Program,
    state: &ExecutionState,
    limits: RenderLimits,
) -> ExecutionView {
    let (mut frames, mut branches, mut state_error) = (Vec::new(), Vec::new(), None);
    if let Some(vm) = &state.vm_state {
        match inspector::view_state(program, vm, limits) {
            Ok(v) => {
                frames = v.frames;
                branches = v.branches;
            }
            Err(e) => state_error = Some(e.to_string()),
        }
    }
    let waiting_on: Vec<Wait> = state
        .waiting_on
        .iter()
        .filter_map(|h| state.handles.get(h).map(|p| Wait::of(*h, p)))
        .collect();
    let pending = state
        .handles
        .iter()
        .filter(|(h, _)| !state.waiting_on.contains(h))
        .map(|(h, p)| Wait::of(*h, p))
        .collect();
    ExecutionView {
        status: state.status.name(),
        frames,
        branches,
        waiting_on,
        pending,
        buffered_signals: state
            .signals
            .iter()
            .map(|(k, v)| (k.clone(), v.iter().cloned().collect()))
            .collect(),
        cancel_requested: state.cancel_requested,
        state_error,
    }
}
