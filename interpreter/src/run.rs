//! Starting and resuming executions: the interpreter's public entry points.

use crate::effects::{Delivery, Json, Outcome, Request};
use crate::program::{Program, RunContext};
use crate::state::{self, StateError};
use crate::value::{Obj, Value};
use crate::vm::{Exc, Machine, RunEnd, VmState};

/// The result of running an execution until it ends or waits.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// How the step ended.
    pub outcome: Outcome,
    /// The saved state, present when the outcome is `Suspended`.
    pub state: Option<Vec<u8>>,
    /// Lines written by `console.log` during this step.
    pub logs: Vec<String>,
    /// Requests made during a step that then completed or failed (fire-and-forget tasks
    /// started right before the end): the host must still carry them out. Empty when
    /// suspended (the requests are in the outcome then).
    pub detached: Vec<Request>,
}

/// Starts an execution of `program` with `inputs`.
pub fn start(program: &Program, inputs: Json, ctx: &RunContext) -> Step {
    let mut m = Machine::start(program, ctx, Value::Undefined, VmState::default());
    m.s.inputs = m.from_json(&inputs);
    let end = m.run();
    finish(m, end)
}

/// Resumes a suspended execution with the results that arrived.
pub fn resume(
    program: &Program,
    state: &[u8],
    deliveries: Vec<Delivery>,
    ctx: &RunContext,
) -> Result<Step, StateError> {
    let vm = state::decode(state, program.hash())?;
    let mut m = Machine::new(program, ctx, vm);
    let mut cancel = None;
    for d in deliveries {
        if let Some(e) = m.apply_delivery(d) {
            cancel = Some(e);
        }
    }
    let end = match cancel {
        Some(e) => m.throw_at_await(e),
        None => m.continue_run(),
    };
    Ok(finish(m, end))
}

fn finish(mut m: Machine<'_>, end: RunEnd) -> Step {
    let logs = std::mem::take(&mut m.logs);
    let requests = std::mem::take(&mut m.requests);
    let outcome = match end {
        RunEnd::Completed(v) => match m.to_json_out(&v) {
            Ok(output) => Outcome::Completed { output },
            Err(msg) => Outcome::Failed {
                error: plain_error("TypeError", &format!("the workflow's output: {msg}")),
            },
        },
        RunEnd::Failed(Exc::Fatal(error)) => Outcome::Failed { error },
        RunEnd::Failed(Exc::Throw(v)) => Outcome::Failed {
            error: error_json(&m, &v),
        },
        RunEnd::Suspended => {
            let waiting_on = m.s.awaiting.map(|p| m.waiting_on(p)).unwrap_or_default();
            m.s.compact();
            match state::encode(m.prog.hash(), &m.s) {
                Ok(bytes) if bytes.len() <= m.limits().max_state_bytes => {
                    return Step {
                        outcome: Outcome::Suspended {
                            requests,
                            waiting_on,
                        },
                        state: Some(bytes),
                        logs,
                        detached: Vec::new(),
                    };
                }
                Ok(bytes) => Outcome::Failed {
                    error: plain_error(
                        "LimitExceeded",
                        &format!(
                            "saved state too large ({} bytes, limit {})",
                            bytes.len(),
                            m.limits().max_state_bytes
                        ),
                    ),
                },
                Err(e) => Outcome::Failed {
                    error: plain_error("InternalError", &format!("cannot save state: {e}")),
                },
            }
        }
    };
    Step {
        outcome,
        state: None,
        logs,
        detached: requests,
    }
}

fn plain_error(kind: &str, message: &str) -> Json {
    serde_json::json!({ "type": kind, "name": kind, "message": message })
}

/// The JSON of an uncaught exception: `type`, `name`, `message`, the error's own enumerable
/// properties, and `location` (`{ line, column, start, end }`) when known.
fn error_json(m: &Machine<'_>, v: &Value) -> Json {
    let mut map = serde_json::Map::new();
    let mut range = m.throw_range;
    if let Value::Object(id) = v {
        match m.s.heap.get(*id) {
            Some(Obj::Error(p, r)) => {
                if r.is_some() {
                    range = *r;
                }
                let get = |k: &str| p.get(k).map(|v| m.plain_to_string(v));
                let name = get("name").unwrap_or_else(|| "Error".into());
                let ty = get("type").unwrap_or_else(|| name.clone());
                map.insert("type".into(), ty.into());
                map.insert("name".into(), name.into());
                map.insert(
                    "message".into(),
                    get("message").unwrap_or_default().into(),
                );
            }
            Some(Obj::Object(p)) => {
                let get = |k: &str| p.get(k).map(|v| m.plain_to_string(v));
                let name = get("name").or_else(|| get("type")).unwrap_or_else(|| "Error".into());
                let ty = get("type").unwrap_or_else(|| name.clone());
                map.insert("type".into(), ty.into());
                map.insert("name".into(), name.into());
                map.insert(
                    "message".into(),
                    get("message").unwrap_or_default().into(),
                );
            }
            _ => {}
        }
        if let Ok(Json::Object(own)) = m.to_json_out(v) {
            for (k, val) in own {
                map.entry(k).or_insert(val);
            }
        }
    }
    if map.is_empty() {
        let shown = m.plain_to_string(v);
        map.insert("type".into(), "Error".into());
        map.insert("name".into(), "Error".into());
        map.insert("message".into(), format!("Uncaught {shown}").into());
        if let Ok(j) = m.to_json_out(v) {
            map.insert("value".into(), j);
        }
    }
    if let Some(r) = range {
        map.insert("location".into(), m.prog.location_json(r));
    }
    Json::Object(map)
}
