//! The real interpreter behind the [`Vm`] trait: a compiled `.flow` [`Program`] with its limits.

use rhythm_interpreter::effects::{Delivery, Json};
use rhythm_interpreter::{Limits, Program, RunContext, Step};

use crate::vm::{Vm, VmContext, VmError, VmStep};

/// A compiled `.flow` program run by the interpreter.
#[derive(Debug, Clone)]
pub struct FlowVm {
    program: Program,
    limits: Limits,
}

impl FlowVm {
    /// Wraps `program`, run with the default limits.
    pub fn new(program: Program) -> Self {
        FlowVm {
            program,
            limits: Limits::default(),
        }
    }

    /// Compiles `source`.
    pub fn compile(source: &str) -> Result<Self, rhythm_interpreter::CompileError> {
        Program::compile(source).map(FlowVm::new)
    }

    /// Sets the limits of every run.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The program's version (hex SHA-256 of its source).
    pub fn version(&self) -> &str {
        self.program.hash()
    }

    /// The program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    fn context(&self, ctx: &VmContext) -> RunContext {
        RunContext {
            now: ctx.now,
            execution_id: ctx.execution_id.clone(),
            workflow_name: ctx.workflow_name.clone(),
            random_seed: ctx.random_seed,
            limits: self.limits.clone(),
        }
    }
}

fn convert(step: Step) -> VmStep {
    VmStep {
        outcome: step.outcome,
        state: step.state,
        logs: step.logs,
        detached: step.detached,
    }
}

impl Vm for FlowVm {
    fn start(&self, inputs: Json, ctx: &VmContext) -> VmStep {
        convert(rhythm_interpreter::start(
            &self.program,
            inputs,
            &self.context(ctx),
        ))
    }

    fn resume(
        &self,
        state: &[u8],
        deliveries: Vec<Delivery>,
        ctx: &VmContext,
    ) -> Result<VmStep, VmError> {
        rhythm_interpreter::resume(&self.program, state, deliveries, &self.context(ctx))
            .map(convert)
            .map_err(|e| VmError(e.to_string()))
    }
}
