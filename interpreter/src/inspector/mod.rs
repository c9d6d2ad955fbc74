//! Reads a saved state without running it: the stack of each suspended context with its
//! frames' functions, the source position each waits at, and the variables in scope with their
//! values. Pure (no database), bounded by the state's size and the render limits, and never
//! panics on a corrupt state: what cannot be read is left out or marked.

mod layout;
mod render;

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value as Json;

use rhythm_analyzer::ir::{FunctionId, Module};

use crate::effects::HandleId;
use crate::heap::Heap;
use crate::program::Program;
use crate::state::{self, StateError};
use crate::value::{Obj, ObjId, PromiseSource, Value};
use crate::vm::{Coroutine, Frame, VmState};

pub use layout::{Layout, Place};
pub use render::RenderLimits;

/// A readable view of a suspended VM.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateView {
    /// The main context's frames, innermost first (the script is last).
    pub frames: Vec<FrameView>,
    /// Concurrent branches (async calls not awaited yet) that wait, each innermost first.
    pub branches: Vec<Vec<FrameView>>,
    /// The external handles the main context's await waits on (through `Promise.all` & co.).
    pub awaiting: Vec<HandleId>,
}

/// One frame of a suspended context.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameView {
    /// The function's name (`<script>` for the body, `(anonymous)` for unnamed ones).
    pub function: String,
    /// 1-based line of the expression the frame waits at (its `await`, or the call it made).
    pub line: u32,
    /// 1-based column (in characters) of that expression.
    pub column: u32,
    /// Byte range of that expression.
    pub start: u32,
    /// End of that byte range.
    pub end: u32,
    /// Variables in scope: the frame's own, then captured ones of enclosing scopes, each name
    /// once (the innermost binding wins). Values rendered by [`RenderLimits`].
    pub variables: IndexMap<String, Json>,
}

/// Decodes `bytes` (a state saved by `program`) and views it.
pub fn view_state(
    program: &Program,
    bytes: &[u8],
    limits: RenderLimits,
) -> Result<StateView, StateError> {
    let state = state::decode(bytes, program.hash())?;
    let analysis = rhythm_analyzer::analyze(program.source());
    Ok(view_vm(program, &analysis.module, &state, limits))
}

/// Views a decoded state of `program`, whose lowered module is `module`.
pub fn view_vm(
    program: &Program,
    module: &Module,
    state: &VmState,
    limits: RenderLimits,
) -> StateView {
    let layout = Layout::of(module);
    let names = |f: u32| {
        program
            .funcs
            .get(f as usize)
            .map(|c| c.name.to_string())
            .unwrap_or_default()
    };
    let renderer = render::Renderer::new(&state.heap, &names, limits);
    let reader = Reader {
        program,
        module,
        layout: &layout,
        heap: &state.heap,
        renderer: &renderer,
    };
    let mut frames = reader.frames(&state.frames, &state.stack);
    for caller in state.callers.iter().rev() {
        frames.extend(reader.frames(&caller.frames, &caller.stack));
    }
    let branches = state
        .parked
        .iter()
        .map(|c: &Coroutine| reader.frames(&c.frames, &c.stack))
        .filter(|f| !f.is_empty())
        .collect();
    let mut awaiting = Vec::new();
    if let Some(p) = state.awaiting {
        external_handles(&state.heap, p, &mut awaiting, &mut Vec::new());
    }
    StateView {
        frames,
        branches,
        awaiting,
    }
}

/// The external handles a promise waits on, through combinators.
fn external_handles(heap: &Heap, p: ObjId, out: &mut Vec<HandleId>, seen: &mut Vec<ObjId>) {
    if seen.contains(&p) || seen.len() > 10_000 {
        return;
    }
    seen.push(p);
    let Some(Obj::Promise(promise)) = heap.get(p) else {
        return;
    };
    if !matches!(promise.state, crate::value::PromiseState::Pending) {
        return;
    }
    match &promise.source {
        PromiseSource::External {
            handle, withdrawn, ..
        } if !withdrawn => out.push(*handle),
        PromiseSource::Combinator { items, .. } => {
            for item in items {
                if let Value::Object(id) = item {
                    external_handles(heap, *id, out, seen);
                }
            }
        }
        _ => {}
    }
}

struct Reader<'a> {
    program: &'a Program,
    module: &'a Module,
    layout: &'a Layout,
    heap: &'a Heap,
    renderer: &'a render::Renderer<'a>,
}

impl Reader<'_> {
    /// Views frames stored outermost first as innermost first.
    fn frames(&self, frames: &[Frame], stack: &[Value]) -> Vec<FrameView> {
        frames
            .iter()
            .rev()
            .filter_map(|f| self.frame(f, stack))
            .collect()
    }

    fn frame(&self, frame: &Frame, stack: &[Value]) -> Option<FrameView> {
        let code = self.program.funcs.get(frame.func as usize)?;
        let at = frame.pc.saturating_sub(1) as usize;
        let range = code.ranges.get(at).or(code.ranges.last())?;
        let (start, end) = (u32::from(range.start()), u32::from(range.end()));
        let (line, column) = self.program.line_col(start);
        let function = match &*code.name {
            "" => "(anonymous)".to_owned(),
            name => name.to_owned(),
        };
        let variables = self.variables(frame, stack, start);
        Some(FrameView {
            function,
            line,
            column,
            start,
            end,
            variables,
        })
    }

    /// The frame's locals in scope at `pos`, then the bindings of its environment chain.
    fn variables(&self, frame: &Frame, stack: &[Value], pos: u32) -> IndexMap<String, Json> {
        let mut out = IndexMap::new();
        let func = FunctionId(frame.func);
        let Some(innermost) = layout::innermost_scope(self.module, func, pos) else {
            return out;
        };
        // The scopes around `pos`, innermost first, across enclosing functions.
        let mut chain = Vec::new();
        let mut scope = Some(innermost);
        while let Some(s) = scope {
            if chain.len() > self.module.scopes.len() {
                break;
            }
            chain.push(s);
            scope = self.module.scopes.get(s.index()).and_then(|x| x.parent);
        }
        // Environment objects pair with the scopes that have one, innermost first.
        let mut env = frame.env;
        let mut env_values: Vec<(usize, &[Value])> = Vec::new();
        for s in &chain {
            if self.layout.env_size(*s) == 0 {
                continue;
            }
            let Some(Obj::Env { slots, parent }) = env.and_then(|id| self.heap.get(id)) else {
                break;
            };
            if slots.len() != usize::from(self.layout.env_size(*s)) {
                break;
            }
            env_values.push((s.index(), slots.as_slice()));
            env = *parent;
        }
        for s in &chain {
            let Some(scope) = self.module.scopes.get(s.index()) else {
                continue;
            };
            for b in &scope.bindings {
                let Some(binding) = self.module.bindings.get(b.index()) else {
                    continue;
                };
                if out.contains_key(binding.name.as_str()) {
                    continue;
                }
                let value = match self.layout.places.get(b.index()).copied().flatten() {
                    Some(Place::Local(slot)) if binding.function == func => {
                        stack.get(frame.base as usize + usize::from(slot))
                    }
                    Some(Place::Env(slot)) => env_values
                        .iter()
                        .find(|(i, _)| *i == s.index())
                        .and_then(|(_, slots)| slots.get(usize::from(slot))),
                    _ => None,
                };
                match value {
                    None | Some(Value::Uninit) => {}
                    Some(v) => {
                        out.insert(binding.name.to_string(), self.renderer.render(v));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
