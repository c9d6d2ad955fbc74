//! The boundary between the engine and the VM: the engine drives any [`Vm`], so every engine
//! rule can be tested with a scripted VM and production plugs in the real interpreter.

use rhythm_interpreter::effects::{Delivery, EpochMillis, Json, Outcome, Request};
use serde::{Deserialize, Serialize};

/// What the engine hands to the VM at each run: the clock and the execution's identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VmContext {
    /// The current time (the engine's event time).
    pub now: EpochMillis,
    /// The execution's id (`Context.executionId`).
    pub execution_id: String,
    /// The workflow's name (`Context.workflowName`).
    pub workflow_name: String,
    /// Seed of the execution's `Math.random`.
    pub random_seed: u64,
}

/// The result of running the VM until it ends or needs the world.
#[derive(Debug, Clone, PartialEq)]
pub struct VmStep {
    /// How the run ended.
    pub outcome: Outcome,
    /// The VM state to resume from (present when the outcome is `Suspended`).
    pub state: Option<Vec<u8>>,
    /// `console.log` lines written during this run.
    pub logs: Vec<String>,
    /// Requests made during a run that then ended (fire-and-forget tasks started right before
    /// the end): they are still carried out.
    pub detached: Vec<Request>,
}

/// The VM could not resume from its saved state.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot resume the workflow from its saved state: {0}")]
pub struct VmError(pub String);

/// One compiled program on a VM: starts and resumes executions of it.
pub trait Vm {
    /// Runs the program from its beginning with `inputs`.
    fn start(&self, inputs: Json, ctx: &VmContext) -> VmStep;
    /// Resumes a suspended run from `state`, handing it `deliveries` in order.
    fn resume(
        &self,
        state: &[u8],
        deliveries: Vec<Delivery>,
        ctx: &VmContext,
    ) -> Result<VmStep, VmError>;
}
