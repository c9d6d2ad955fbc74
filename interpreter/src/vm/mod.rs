//! The virtual machine: runs bytecode over an explicit, serializable state.
//!
//! Nothing here recurses on the Rust stack per JavaScript call: calls push [`Frame`]s, and
//! builtins that call back into the program (`map`, `sort`, ...) run as native frames whose
//! progress is plain data ([`native::NativeTask`]). So the whole execution — frames, operand
//! stack, environments, heap, pending handles — can be saved at any `await`.

pub mod conv;
pub mod date;
mod errors;
mod exec;
pub mod inspect;
pub mod json;
mod json_parse;
mod methods;
pub mod native;
mod natives;
pub mod ops;
mod promise;
mod props;

use serde::{Deserialize, Serialize};

use crate::effects::{HandleId, Request};
use crate::heap::{Heap, Trace};
use crate::program::{Limits, Program, RunContext};
use crate::value::{ObjId, Value};

pub use errors::Exc;
use native::NativeTask;

/// An installed `try` handler.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Handler {
    /// Where the handler code starts.
    pub pc: u32,
    /// Operand stack height to restore.
    pub sp: u32,
    /// Environment to restore.
    pub env: Option<ObjId>,
}

/// One activation: of a compiled function, or of a builtin that calls back into the program.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Frame {
    /// The function (`u32::MAX` for native frames).
    pub func: u32,
    /// The next instruction.
    pub pc: u32,
    /// Stack index of the first local (the callee sits just below).
    pub base: u32,
    /// The current environment.
    pub env: Option<ObjId>,
    /// Installed `try` handlers, innermost last.
    pub handlers: Vec<Handler>,
    /// The builtin's progress, for native frames.
    pub native: Option<Box<NativeTask>>,
}

/// The saved part of an execution.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct VmState {
    /// Operand stack (locals of every frame included).
    pub stack: Vec<Value>,
    /// Call stack.
    pub frames: Vec<Frame>,
    /// Objects.
    pub heap: Heap,
    /// The `Inputs` value.
    pub inputs: Value,
    /// The promise the innermost `await` waits for.
    pub awaiting: Option<ObjId>,
    /// Pending external handles and their promises.
    pub handles: Vec<(HandleId, ObjId)>,
    /// Next handle number.
    pub next_handle: u32,
    /// `Math.random` state.
    pub rng: u64,
}

impl VmState {
    /// Every object reference held outside the heap.
    pub fn roots(&self) -> Vec<ObjId> {
        let mut roots = Vec::new();
        self.stack.trace(&mut roots);
        for f in &self.frames {
            f.env.trace(&mut roots);
            for h in &f.handlers {
                h.env.trace(&mut roots);
            }
            if let Some(n) = &f.native {
                n.trace(&mut roots);
            }
        }
        self.inputs.trace(&mut roots);
        self.awaiting.trace(&mut roots);
        roots
    }

    /// Rewrites every reference held outside the heap.
    pub fn remap_roots(&mut self, map: &dyn Fn(ObjId) -> ObjId) {
        self.stack.remap(map);
        for f in &mut self.frames {
            f.env.remap(map);
            for h in &mut f.handlers {
                h.env.remap(map);
            }
            if let Some(n) = &mut f.native {
                n.remap(map);
            }
        }
        self.inputs.remap(map);
        self.awaiting.remap(map);
        for (_, p) in &mut self.handles {
            p.remap(map);
        }
    }

    /// Drops unreachable objects and renumbers the rest (before saving).
    pub fn compact(&mut self) {
        let roots = self.roots();
        let map = self.heap.compact(roots);
        let f = |id: ObjId| ObjId(map.get(id.0 as usize).copied().unwrap_or(u32::MAX));
        // Pending handles whose promise nobody can reach any more are forgotten.
        self.handles
            .retain(|(_, p)| map.get(p.0 as usize).is_some_and(|n| *n != u32::MAX));
        self.remap_roots(&f);
    }

    /// Collects garbage without renumbering (during a run).
    pub fn collect(&mut self) {
        let roots = self.roots();
        let marked = self.heap.sweep(roots);
        self.handles
            .retain(|(_, p)| marked.get(p.0 as usize).copied().unwrap_or(false));
    }
}

/// How a run of the machine ended.
pub enum RunEnd {
    /// The script returned.
    Completed(Value),
    /// Waiting on a pending promise.
    Suspended,
    /// An exception escaped, or a limit was exceeded.
    Failed(Exc),
}

/// A machine running one step of an execution.
pub struct Machine<'p> {
    /// The program.
    pub prog: &'p Program,
    /// Clock, identity, seed, limits.
    pub ctx: &'p RunContext,
    /// The saved state.
    pub s: VmState,
    /// Requests made during this step.
    pub requests: Vec<Request>,
    /// Log lines written during this step.
    pub logs: Vec<String>,
    /// Instructions left in this step.
    pub budget: u64,
    /// Source range of the most recent throw (for uncaught non-error values).
    pub throw_range: Option<(u32, u32)>,
}

impl<'p> Machine<'p> {
    /// A machine over `state`.
    pub fn new(prog: &'p Program, ctx: &'p RunContext, s: VmState) -> Self {
        Machine {
            prog,
            ctx,
            s,
            requests: Vec::new(),
            logs: Vec::new(),
            budget: ctx.limits.max_instructions,
            throw_range: None,
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.ctx.limits
    }

    /// A fresh machine at the start of the script.
    pub fn start(prog: &'p Program, ctx: &'p RunContext, inputs: Value, s: VmState) -> Self {
        let mut m = Machine::new(prog, ctx, s);
        m.s.inputs = inputs;
        m.s.rng = ctx.random_seed;
        let nlocals = prog.funcs.first().map_or(0, |f| f.nlocals);
        m.s.stack.push(Value::Undefined);
        m.s.frames.push(Frame {
            func: 0,
            pc: 0,
            base: 1,
            env: None,
            handlers: Vec::new(),
            native: None,
        });
        for _ in 0..nlocals {
            m.s.stack.push(Value::Uninit);
        }
        m
    }

    /// Runs until the script ends or waits.
    pub fn run(&mut self) -> RunEnd {
        loop {
            match self.exec() {
                Ok(Some(v)) => return RunEnd::Completed(v),
                Ok(None) => return RunEnd::Suspended,
                Err(Exc::Throw(v)) => {
                    if !self.unwind(v.clone()) {
                        return RunEnd::Failed(Exc::Throw(v));
                    }
                }
                Err(fatal) => return RunEnd::Failed(fatal),
            }
        }
    }

    /// Transfers control to the innermost handler; false when none is left.
    fn unwind(&mut self, exc: Value) -> bool {
        while let Some(frame) = self.s.frames.last_mut() {
            if let Some(h) = frame.handlers.pop() {
                frame.pc = h.pc;
                frame.env = h.env;
                self.s.stack.truncate(h.sp as usize);
                self.s.stack.push(exc);
                return true;
            }
            let base = frame.base as usize;
            let native = frame.native.is_some();
            self.s.frames.pop();
            self.s
                .stack
                .truncate(if native { base } else { base.saturating_sub(1) });
        }
        false
    }

    /// Resumes at the pending `await` after deliveries were applied.
    pub fn resume_await(&mut self) -> Result<bool, Exc> {
        let Some(p) = self.s.awaiting else {
            return Ok(true);
        };
        match self.promise_result(p) {
            Some(Ok(v)) => {
                self.s.awaiting = None;
                self.s.stack.push(v);
                Ok(true)
            }
            Some(Err(e)) => {
                self.s.awaiting = None;
                Err(Exc::Throw(e))
            }
            None => Ok(false),
        }
    }

    /// Throws `exc` at the pending `await` (cancellation).
    pub fn throw_at_await(&mut self, exc: Value) -> RunEnd {
        self.s.awaiting = None;
        if self.unwind(exc.clone()) {
            self.run()
        } else {
            RunEnd::Failed(Exc::Throw(exc))
        }
    }

    /// Resumes a suspended machine: continues when its awaited promise settled.
    pub fn continue_run(&mut self) -> RunEnd {
        match self.resume_await() {
            Ok(true) => self.run(),
            Ok(false) => RunEnd::Suspended,
            Err(Exc::Throw(v)) => {
                if self.unwind(v.clone()) {
                    self.run()
                } else {
                    RunEnd::Failed(Exc::Throw(v))
                }
            }
            Err(e) => RunEnd::Failed(e),
        }
    }

    /// Next `Math.random()` value (SplitMix64, 53 random bits).
    pub fn random(&mut self) -> f64 {
        self.s.rng = self.s.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.s.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}
