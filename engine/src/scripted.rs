//! A scripted [`Vm`] for tests of the engine and its shells: the "program" is a Rust closure
//! over a small serializable [`Script`] state, called once per start or resume.

use std::collections::BTreeMap;

use rhythm_interpreter::effects::{Delivery, HandleId, Json, Outcome, Request};
use serde::{Deserialize, Serialize};

use crate::vm::{Vm, VmContext, VmError, VmStep};

/// The scripted program's state: a step counter, variables, and what it has been handed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Script {
    /// Which step the program is at (the closure advances it).
    pub step: u32,
    /// The workflow inputs.
    pub inputs: Json,
    /// Free variables.
    pub vars: BTreeMap<String, Json>,
    /// Every delivery received so far, in order.
    pub received: Vec<Delivery>,
    /// Lines logged during the current run (not saved).
    #[serde(skip)]
    pub logs: Vec<String>,
    /// The clock of the current run (not saved).
    #[serde(skip)]
    pub now: f64,
}

impl Script {
    /// Logs a line.
    pub fn log(&mut self, line: impl Into<String>) {
        self.logs.push(line.into());
    }
}

/// The program: called with the script and the deliveries of this run (empty at start).
pub type ScriptFn = dyn Fn(&mut Script, &[Delivery]) -> Outcome + Send + Sync;

/// A [`Vm`] running a [`ScriptFn`].
pub struct ScriptedVm {
    program: Box<ScriptFn>,
}

impl std::fmt::Debug for ScriptedVm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScriptedVm")
    }
}

impl ScriptedVm {
    /// A VM running `program`.
    pub fn new(
        program: impl Fn(&mut Script, &[Delivery]) -> Outcome + Send + Sync + 'static,
    ) -> Self {
        ScriptedVm {
            program: Box::new(program),
        }
    }

    fn run(&self, mut script: Script, deliveries: Vec<Delivery>, ctx: &VmContext) -> VmStep {
        script.now = ctx.now;
        script.received.extend(deliveries.iter().cloned());
        let outcome = (self.program)(&mut script, &deliveries);
        let logs = std::mem::take(&mut script.logs);
        let state = match outcome {
            Outcome::Suspended { .. } => serde_json::to_vec(&script).ok(),
            _ => None,
        };
        VmStep {
            outcome,
            state,
            logs,
            detached: Vec::new(),
        }
    }
}

impl Vm for ScriptedVm {
    fn start(&self, inputs: Json, ctx: &VmContext) -> VmStep {
        let script = Script {
            inputs,
            ..Script::default()
        };
        self.run(script, Vec::new(), ctx)
    }

    fn resume(
        &self,
        state: &[u8],
        deliveries: Vec<Delivery>,
        ctx: &VmContext,
    ) -> Result<VmStep, VmError> {
        let script: Script = serde_json::from_slice(state).map_err(|e| VmError(e.to_string()))?;
        Ok(self.run(script, deliveries, ctx))
    }
}

/// `Outcome::Suspended` with these requests, waiting on `waiting_on`.
pub fn suspend(requests: Vec<Request>, waiting_on: &[u32]) -> Outcome {
    Outcome::Suspended {
        requests,
        waiting_on: waiting_on.iter().map(|h| HandleId(*h)).collect(),
    }
}

/// `Outcome::Completed`.
pub fn complete(output: Json) -> Outcome {
    Outcome::Completed { output }
}

/// `Outcome::Failed`.
pub fn fail(error: Json) -> Outcome {
    Outcome::Failed { error }
}

/// A `Task.run` request with default options.
pub fn task(handle: u32, name: &str, inputs: Json) -> Request {
    Request::RunTask {
        handle: HandleId(handle),
        name: name.into(),
        inputs,
        options: Default::default(),
    }
}

/// A `Timer` request.
pub fn timer(handle: u32, fire_at: f64) -> Request {
    Request::StartTimer {
        handle: HandleId(handle),
        fire_at,
    }
}

/// A `Signal.next` request.
pub fn signal(handle: u32, name: &str, timeout_at: Option<f64>) -> Request {
    Request::WaitSignal {
        handle: HandleId(handle),
        name: name.into(),
        timeout_at,
    }
}

/// A `Withdraw` request.
pub fn withdraw(handle: u32) -> Request {
    Request::Withdraw {
        handle: HandleId(handle),
    }
}
