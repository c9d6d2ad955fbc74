//! Shared test driver: runs a program to the end, answering every request deterministically
//! (as the Node corpus runner's shims do) and saving + loading the state at every suspension.

#![allow(dead_code)]

use rhythm_interpreter::{
    Delivery, Json, Outcome, Program, Request, RunContext, Settlement, Step, resume, start,
};
use serde_json::json;

/// What a whole run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// Final outcome (never `Suspended`).
    pub outcome: Outcome,
    /// Every request, in order.
    pub requests: Vec<Request>,
    /// Every log line.
    pub logs: Vec<String>,
    /// Saved state sizes at each suspension.
    pub state_sizes: Vec<usize>,
}

/// The corpus context: 2026-01-01T00:00:00Z, execution "exec-1".
pub fn ctx(name: &str) -> RunContext {
    RunContext {
        now: 1_767_225_600_000.0,
        execution_id: "exec-1".into(),
        workflow_name: name.into(),
        random_seed: 42,
        ..RunContext::default()
    }
}

/// The deterministic answer to a request (`None` for withdrawals).
pub fn answer(r: &Request) -> Option<(rhythm_interpreter::HandleId, Settlement)> {
    match r {
        Request::RunTask {
            handle,
            name,
            inputs,
            ..
        } => {
            if name.starts_with("fail") {
                Some((
                    *handle,
                    Settlement::Rejected(json!({
                        "type": "TaskFailed", "name": "TaskFailed",
                        "message": format!("task {name} failed"), "task": name,
                        "attempts": 1, "cause": {"type": "Error", "message": "boom"}
                    })),
                ))
            } else {
                Some((
                    *handle,
                    Settlement::Fulfilled(json!({"task": name, "inputs": inputs})),
                ))
            }
        }
        Request::StartTimer { handle, .. } => Some((*handle, Settlement::Fulfilled(Json::Null))),
        Request::WaitSignal { handle, name, .. } => {
            Some((*handle, Settlement::Fulfilled(json!({"signal": name}))))
        }
        Request::StartWorkflow {
            handle,
            name,
            inputs,
            ..
        } => Some((
            *handle,
            Settlement::Fulfilled(json!({"workflow": name, "inputs": inputs})),
        )),
        Request::Withdraw { .. } => None,
    }
}

/// Runs to the end; when `save_load` the state bytes are decoded at every suspension (they
/// always are: resume takes bytes), else the same bytes are fed back unchanged.
pub fn run_to_end(program: &Program, inputs: Json, ctx: &RunContext) -> RunResult {
    let mut step: Step = start(program, inputs, ctx);
    let mut requests = Vec::new();
    let mut logs = Vec::new();
    let mut sizes = Vec::new();
    let mut pending: Vec<Request> = Vec::new();
    let mut guard = 0;
    loop {
        logs.extend(step.logs.clone());
        match &step.outcome {
            Outcome::Suspended {
                requests: new,
                waiting_on,
            } => {
                requests.extend(new.clone());
                for r in new {
                    if let Request::Withdraw { handle } = r {
                        pending.retain(|p| answer(p).map(|a| a.0) != Some(*handle));
                    } else {
                        pending.push(r.clone());
                    }
                }
                let state = step.state.clone().unwrap_or_default();
                sizes.push(state.len());
                // Deliver the oldest pending request (one at a time, in request order).
                let delivery = if pending.is_empty() {
                    guard = 1000;
                    None
                } else {
                    let r = pending.remove(0);
                    answer(&r).map(|(handle, settlement)| Delivery::Settled { handle, settlement })
                };
                let _ = waiting_on;
                guard += 1;
                if guard > 500 {
                    return RunResult {
                        outcome: Outcome::Failed {
                            error: json!({"type": "Stuck", "name": "Stuck", "message": "never settles"}),
                        },
                        requests,
                        logs,
                        state_sizes: sizes,
                    };
                }
                step = resume(program, &state, delivery.into_iter().collect(), ctx)
                    .unwrap_or_else(|e| panic!("resume failed: {e}"));
            }
            _ => {
                requests.extend(step.detached.clone());
                return RunResult {
                    outcome: step.outcome.clone(),
                    requests,
                    logs,
                    state_sizes: sizes,
                };
            }
        }
    }
}

/// Compiles and runs a source text with `{}` inputs.
pub fn run_src(src: &str) -> RunResult {
    let program = Program::compile(src).unwrap_or_else(|e| panic!("compile failed: {e:?}"));
    run_to_end(&program, json!({}), &ctx("test"))
}

/// The completed output, or the failure error, as JSON text.
pub fn outcome_text(r: &RunResult) -> String {
    match &r.outcome {
        Outcome::Completed { output } => output.to_string(),
        Outcome::Failed { error } => format!("error {error}"),
        Outcome::Suspended { .. } => "suspended".into(),
    }
}
