//! The virtual machine: runs bytecode over an explicit, serializable state.
//!
//! Nothing here recurses on the Rust stack per JavaScript call: calls push [`Frame`]s, and
//! builtins that call back into the program (`map`, `sort`, ...) run as native frames whose
//! progress is plain data ([`callbacks::NativeTask`]). So the whole execution — frames, operand
//! stack, environments, heap, pending handles — can be saved at any `await`.

pub mod callbacks;
pub mod conv;
pub mod date;
mod errors;
mod exec;
mod globals;
pub mod inspect;
pub mod json;
mod json_parse;
mod methods;
pub mod ops;
mod promise;
mod props;

use serde::{Deserialize, Serialize};

use crate::effects::{HandleId, Request};
use crate::heap::{Heap, Trace};
use crate::program::{Limits, Program, RunContext};
use crate::value::{Obj, ObjId, PromiseObj, PromiseSource, PromiseState, Value};

use callbacks::NativeTask;
pub use errors::Exc;

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

/// An execution context other than the running one: a concurrent branch (an async function
/// called without `await`) waiting on a promise, or a caller waiting for a branch it started.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Coroutine {
    /// Its operand stack.
    pub stack: Vec<Value>,
    /// Its frames.
    pub frames: Vec<Frame>,
    /// The promise it waits on.
    pub awaiting: Option<ObjId>,
    /// The promise of its async call (`None` for the script itself).
    pub promise: Option<ObjId>,
    /// When restored as a caller: receives the started branch's promise as a call result.
    pub takes_result: bool,
}

fn trace_frames(frames: &[Frame], out: &mut Vec<ObjId>) {
    for f in frames {
        f.env.trace(out);
        for h in &f.handlers {
            h.env.trace(out);
        }
        if let Some(n) = &f.native {
            n.trace(out);
        }
    }
}

fn remap_frames(frames: &mut [Frame], map: &dyn Fn(ObjId) -> ObjId) {
    for f in frames {
        f.env.remap(map);
        for h in &mut f.handlers {
            h.env.remap(map);
        }
        if let Some(n) = &mut f.native {
            n.remap(map);
        }
    }
}

impl Trace for Coroutine {
    fn trace(&self, out: &mut Vec<ObjId>) {
        self.stack.trace(out);
        trace_frames(&self.frames, out);
        self.awaiting.trace(out);
        self.promise.trace(out);
    }
    fn remap(&mut self, map: &dyn Fn(ObjId) -> ObjId) {
        self.stack.remap(map);
        remap_frames(&mut self.frames, map);
        self.awaiting.remap(map);
        self.promise.remap(map);
    }
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
    /// The promise of the running concurrent branch (`None`: the script itself runs).
    pub current: Option<ObjId>,
    /// Contexts below the running one (innermost last).
    pub callers: Vec<Coroutine>,
    /// Concurrent branches waiting on promises.
    pub parked: Vec<Coroutine>,
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
        self.current.trace(&mut roots);
        self.callers.trace(&mut roots);
        self.parked.trace(&mut roots);
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
        self.current.remap(map);
        self.callers.remap(map);
        self.parked.remap(map);
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
    /// The call being made is awaited at once (`await f()`): run an async callee inline.
    pub awaited_call: bool,
    /// Tests only: run every instruction on the general path (to compare with the fast one).
    #[cfg(test)]
    pub slow_only: bool,
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
            awaited_call: false,
            #[cfg(test)]
            slow_only: false,
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

    /// Runs until the script ends or waits. Concurrent branches whose promise settled run
    /// whenever the script itself is blocked on an await.
    pub fn run(&mut self) -> RunEnd {
        loop {
            if self.s.current.is_none() && self.s.awaiting.is_some() {
                if let Some(i) = self.ready_branch() {
                    let branch = self.s.parked.remove(i);
                    let mut main = self.take_context();
                    main.takes_result = false;
                    self.s.callers.push(main);
                    self.put_context(branch);
                } else if self
                    .s
                    .awaiting
                    .and_then(|p| self.promise_result(p))
                    .is_none()
                {
                    return RunEnd::Suspended;
                }
                if let Err(e) = self.resume_await()
                    && let Some(end) = self.handle_exc(e)
                {
                    return end;
                }
                continue;
            }
            match self.exec() {
                Ok(Some(v)) => return RunEnd::Completed(v),
                Ok(None) => {}
                Err(e) => {
                    if let Some(end) = self.handle_exc(e) {
                        return end;
                    }
                }
            }
        }
    }

    /// A parked branch whose awaited promise has settled.
    fn ready_branch(&self) -> Option<usize> {
        self.s
            .parked
            .iter()
            .position(|c| c.awaiting.is_some_and(|p| self.promise_result(p).is_some()))
    }

    /// Moves the running context out of the machine.
    fn take_context(&mut self) -> Coroutine {
        Coroutine {
            stack: std::mem::take(&mut self.s.stack),
            frames: std::mem::take(&mut self.s.frames),
            awaiting: self.s.awaiting.take(),
            promise: self.s.current.take(),
            takes_result: false,
        }
    }

    /// Makes `c` the running context.
    fn put_context(&mut self, c: Coroutine) {
        self.s.stack = c.stack;
        self.s.frames = c.frames;
        self.s.awaiting = c.awaiting;
        self.s.current = c.promise;
    }

    /// An exception escaped the running code: to a handler, to the end of a branch (which
    /// rejects its promise), or out of the script (`Some`: the run ends).
    fn handle_exc(&mut self, mut e: Exc) -> Option<RunEnd> {
        loop {
            match e {
                Exc::Throw(v) => {
                    if self.unwind(v.clone()) {
                        return None;
                    }
                    if self.s.current.is_none() {
                        return Some(RunEnd::Failed(Exc::Throw(v)));
                    }
                    match self.finish_branch(Err(v)) {
                        Ok(()) => return None,
                        Err(e2) => e = e2,
                    }
                }
                fatal => return Some(RunEnd::Failed(fatal)),
            }
        }
    }

    /// Starts an async function as a concurrent branch: it runs until its first pending
    /// await; the caller then gets its promise.
    pub fn spawn(
        &mut self,
        func: u32,
        env: Option<ObjId>,
        at: usize,
        argc: usize,
    ) -> Result<(), Exc> {
        let p = self.s.heap.alloc(Obj::Promise(PromiseObj {
            state: PromiseState::Pending,
            source: PromiseSource::Async,
            dependents: Vec::new(),
        }));
        let call: Vec<Value> = self.s.stack.drain(at..).collect();
        let mut caller = self.take_context();
        caller.takes_result = true;
        self.s.callers.push(caller);
        self.s.stack = call;
        self.s.current = Some(p);
        self.push_frame(func, env, 1, argc)
    }

    /// The running branch returned or threw: settle its promise, go back to its caller.
    pub fn finish_branch(&mut self, r: Result<Value, Value>) -> Result<(), Exc> {
        let Some(p) = self.s.current else {
            return Ok(());
        };
        // Returning a promise adopts it: the branch's promise follows it (as a one-input
        // race, which settles exactly when its input does).
        let pending_inner = match &r {
            Ok(Value::Object(inner)) if *inner != p => match self.s.heap.get(*inner) {
                Some(Obj::Promise(po)) if matches!(po.state, PromiseState::Pending) => Some(*inner),
                _ => None,
            },
            _ => None,
        };
        match pending_inner {
            Some(inner) => {
                if let Some(Obj::Promise(po)) = self.s.heap.get_mut(p) {
                    po.source = PromiseSource::Combinator {
                        kind: crate::value::Combinator::Race,
                        items: vec![Value::Object(inner)],
                        results: vec![None],
                        remaining: 1,
                    };
                }
                if let Some(Obj::Promise(po)) = self.s.heap.get_mut(inner) {
                    po.dependents.push(p);
                }
            }
            None => {
                let r = match r {
                    Ok(Value::Object(inner)) => match self.promise_result(inner) {
                        Some(res) => res,
                        None => Ok(Value::Object(inner)),
                    },
                    other => other,
                };
                self.settle(p, r);
            }
        }
        self.return_to_caller(p)
    }

    /// The running branch waits on `on`: park it, go back to its caller.
    pub fn park_branch(&mut self, on: ObjId) -> Result<(), Exc> {
        let Some(p) = self.s.current else {
            return Ok(());
        };
        let mut branch = self.take_context();
        branch.awaiting = Some(on);
        self.s.parked.push(branch);
        self.return_to_caller(p)
    }

    fn return_to_caller(&mut self, p: ObjId) -> Result<(), Exc> {
        let Some(caller) = self.s.callers.pop() else {
            return Err(self.fatal_internal("a concurrent branch has no caller"));
        };
        let takes = caller.takes_result;
        self.put_context(caller);
        if takes {
            self.deliver(Value::Object(p))?;
        }
        Ok(())
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

    /// Continues the blocked context when its awaited promise settled: pushes the value
    /// (`Ok(true)`), throws the reason (`Err`), or reports it still pending (`Ok(false)`).
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

    /// Throws `exc` at the script's pending `await` (cancellation).
    pub fn throw_at_await(&mut self, exc: Value) -> RunEnd {
        self.s.awaiting = None;
        if let Some(end) = self.handle_exc(Exc::Throw(exc)) {
            return end;
        }
        self.run()
    }

    /// Resumes a suspended machine.
    pub fn continue_run(&mut self) -> RunEnd {
        self.run()
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
