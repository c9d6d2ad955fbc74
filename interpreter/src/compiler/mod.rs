//! The compiler: analyzed IR → stack-machine bytecode.
//!
//! Bindings that no closure captures live in frame slots; captured ones live in heap
//! environments, one per scope that has any (a fresh copy per loop iteration, as JavaScript's
//! per-iteration `let` requires). `finally` blocks are inlined at every exit that crosses them.
//!
//! Layout, after the analyzer's lowering (`rhythm_analyzer::lower`): this module holds the
//! compiler's state and entry point; `emit` appends and patches instructions; `function`
//! compiles function bodies and hoists declarations; `scope` places bindings in slots and
//! environments; `stmt` compiles statements, `control` loops, `switch` and `try`, and
//! `unwind` the one unwinder behind `break`, `continue` and `return`; `expr` compiles
//! expressions and calls; `assign` assignments and updates; `pattern` destructuring.

mod assign;
mod control;
mod emit;
mod expr;
mod function;
mod pattern;
mod scope;
mod stmt;
mod unwind;

use std::collections::HashMap;

use rhythm_analyzer::ir::{Expr, ExprId, FunctionId, Module, ScopeId};
use text_size::TextRange;

use crate::bytecode::{FuncCode, Op};
use crate::value::Str;
use unwind::Ctrl;

/// A construct the compiler cannot translate (the analyzer should have rejected it).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct Unsupported {
    /// What went wrong.
    pub message: String,
    /// Where.
    pub range: TextRange,
}

/// Where a binding lives at run time.
#[derive(Debug, Clone, Copy)]
enum Loc {
    Local(u16),
    Env { scope: ScopeId, slot: u16 },
}

/// The output of compilation.
pub struct Compiled {
    /// Functions by [`FunctionId`] index.
    pub funcs: Vec<FuncCode>,
    /// String constants.
    pub consts: Vec<Str>,
}

/// Compiles a lowered module.
pub fn compile(module: &Module) -> Result<Compiled, Unsupported> {
    let mut c = Compiler::new(module);
    let chain = Vec::new();
    c.compile_function(Module::SCRIPT, &chain)?;
    let funcs = c
        .funcs
        .into_iter()
        .map(|f| {
            f.unwrap_or_else(|| FuncCode {
                name: Str::from(""),
                nparams: 0,
                has_rest: false,
                nlocals: 0,
                code: vec![Op::Undef, Op::Return],
                ranges: vec![TextRange::default(); 2],
                local_names: Vec::new(),
                is_async: false,
            })
        })
        .collect();
    Ok(Compiled {
        funcs,
        consts: c.consts,
    })
}

/// The state of one compilation: the module, the output so far, and the function being
/// compiled.
struct Compiler<'m> {
    m: &'m Module,
    /// The function being compiled.
    current_fn: FunctionId,
    /// Inferred names of anonymous functions.
    names: HashMap<FunctionId, Str>,
    consts: Vec<Str>,
    const_map: HashMap<Str, u32>,
    /// Compiled functions by [`FunctionId`] index.
    funcs: Vec<Option<FuncCode>>,
    /// Where each binding lives, by [`rhythm_analyzer::ir::BindingId`] index.
    locs: Vec<Option<Loc>>,
    /// The number of environment slots of each scope (0: no environment).
    scope_env: Vec<u16>,
    /// The function being compiled.
    f: FnState,
}

/// The state of the function being compiled.
#[derive(Default)]
struct FnState {
    code: Vec<Op>,
    /// The source range of each instruction.
    ranges: Vec<TextRange>,
    local_names: Vec<Str>,
    /// The scopes whose environments are live, innermost last.
    chain: Vec<ScopeId>,
    /// The control stack (see `unwind`).
    ctrl: Vec<Ctrl>,
    /// The range of the construct being compiled, given to each emitted instruction.
    range: TextRange,
    /// Jump patches of the innermost optional chain.
    opt_chain: Option<Vec<usize>>,
}

/// The name an anonymous function takes from where it is defined (`const f = () => 1`).
fn name_hint(m: &Module, e: ExprId) -> Option<FunctionId> {
    match m.expr(e) {
        Expr::Function(fid) if m.function(*fid).name.is_none() => Some(*fid),
        _ => None,
    }
}

/// The result of a compiling step.
type R<T = ()> = Result<T, Unsupported>;

impl<'m> Compiler<'m> {
    /// Allocates an environment slot to every captured binding.
    fn new(m: &'m Module) -> Self {
        let mut scope_env = vec![0u16; m.scopes.len()];
        let mut locs = vec![None; m.bindings.len()];
        for (i, b) in m.bindings.iter().enumerate() {
            if b.captured {
                let s = b.scope.index();
                if let Some(n) = scope_env.get_mut(s) {
                    locs[i] = Some(Loc::Env {
                        scope: b.scope,
                        slot: *n,
                    });
                    *n += 1;
                }
            }
        }
        Compiler {
            m,
            current_fn: Module::SCRIPT,
            names: HashMap::new(),
            consts: Vec::new(),
            const_map: HashMap::new(),
            funcs: vec![None; m.functions.len()],
            locs,
            scope_env,
            f: FnState::default(),
        }
    }

    /// An [`Unsupported`] error at the current range.
    fn err<T>(&self, message: impl Into<String>) -> R<T> {
        Err(Unsupported {
            message: message.into(),
            range: self.f.range,
        })
    }

    /// The index of string constant `s` (interned).
    fn konst(&mut self, s: &str) -> u32 {
        if let Some(i) = self.const_map.get(s) {
            return *i;
        }
        let i = self.consts.len() as u32;
        let s: Str = Str::from(s);
        self.consts.push(s.clone());
        self.const_map.insert(s, i);
        i
    }
}
