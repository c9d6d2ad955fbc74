//! The compiler: analyzed IR → stack-machine bytecode.
//!
//! Bindings that no closure captures live in frame slots; captured ones live in heap
//! environments, one per scope that has any (a fresh copy per loop iteration, as JavaScript's
//! per-iteration `let` requires). `finally` blocks are inlined at every exit that crosses them.

mod patterns;

use std::collections::HashMap;

use rhythm_analyzer::ir::{
    Argument, ArrayElement, AssignOp, BindingId, BindingKind, CatchClause, Expr, ExprId, ForHead,
    ForInit, FunctionBody, FunctionId, Literal, LogicalOp, Module, NameRef, ObjectMember, Pattern,
    PatternId, PropKey, Resolution, ScopeId, Stmt, StmtId, UnaryOp, UpdateOp,
};
use text_size::TextRange;

use crate::builtins::Native;
use crate::bytecode::{FuncCode, Op};
use crate::value::Str;

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

/// An entry of the compile-time control stack, used to unwind on `break`/`continue`/`return`.
#[derive(Debug)]
enum Ctrl {
    Env,
    Handler,
    Finally(StmtId),
    Loop {
        breaks: Vec<usize>,
        continues: Vec<usize>,
    },
    Breakable {
        breaks: Vec<usize>,
    },
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

struct Compiler<'m> {
    m: &'m Module,
    /// The function being compiled.
    current_fn: FunctionId,
    /// Inferred names of anonymous functions.
    names: HashMap<FunctionId, Str>,
    consts: Vec<Str>,
    const_map: HashMap<Str, u32>,
    funcs: Vec<Option<FuncCode>>,
    locs: Vec<Option<Loc>>,
    scope_env: Vec<u16>,
    f: FnState,
}

#[derive(Default)]
struct FnState {
    code: Vec<Op>,
    ranges: Vec<TextRange>,
    local_names: Vec<Str>,
    chain: Vec<ScopeId>,
    ctrl: Vec<Ctrl>,
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

type R<T = ()> = Result<T, Unsupported>;

impl<'m> Compiler<'m> {
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

    fn err<T>(&self, message: impl Into<String>) -> R<T> {
        Err(Unsupported {
            message: message.into(),
            range: self.f.range,
        })
    }

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

    fn emit(&mut self, op: Op) -> usize {
        self.f.code.push(op);
        self.f.ranges.push(self.f.range);
        self.f.code.len() - 1
    }

    fn here(&self) -> u32 {
        self.f.code.len() as u32
    }

    fn patch(&mut self, at: usize, target: u32) {
        if let Some(op) = self.f.code.get_mut(at) {
            *op = match *op {
                Op::Jump(_) => Op::Jump(target),
                Op::JumpIfFalse(_) => Op::JumpIfFalse(target),
                Op::JumpIfTrue(_) => Op::JumpIfTrue(target),
                Op::JumpIfFalseKeep(_) => Op::JumpIfFalseKeep(target),
                Op::JumpIfTrueKeep(_) => Op::JumpIfTrueKeep(target),
                Op::JumpIfNotNullishKeep(_) => Op::JumpIfNotNullishKeep(target),
                Op::JumpIfNotUndef(_) => Op::JumpIfNotUndef(target),
                Op::OptCheck(_, n) => Op::OptCheck(target, n),
                Op::PushHandler(_) => Op::PushHandler(target),
                Op::IterNext(a, i, _) => Op::IterNext(a, i, target),
                other => other,
            };
        }
    }

    fn patch_here(&mut self, at: usize) {
        let h = self.here();
        self.patch(at, h);
    }

    fn temp(&mut self, name: &str) -> u16 {
        self.f.local_names.push(Str::from(name));
        (self.f.local_names.len() - 1) as u16
    }

    fn with_range<T>(&mut self, range: TextRange, f: impl FnOnce(&mut Self) -> R<T>) -> R<T> {
        let saved = self.f.range;
        self.f.range = range;
        let out = f(self);
        self.f.range = saved;
        out
    }

    // ----- functions and scopes -----

    fn compile_function(&mut self, fid: FunctionId, chain: &[ScopeId]) -> R {
        let m = self.m;
        let func = m.function(fid);
        let saved = std::mem::take(&mut self.f);
        let saved_fn = std::mem::replace(&mut self.current_fn, fid);
        self.f.chain = chain.to_vec();
        self.f.range = func.range;
        let nparams = func.params.iter().filter(|p| !p.rest).count();
        let has_rest = func.params.iter().any(|p| p.rest);
        let nslots = nparams + usize::from(has_rest);
        for i in 0..nslots {
            self.f.local_names.push(Str::from(format!("<arg{i}>")));
        }
        // Simple parameters bind directly to their argument slots.
        for (i, p) in func.params.iter().enumerate() {
            if let Pattern::Binding(b) = m.pattern(p.pattern)
                && p.default.is_none()
                && self.locs[b.index()].is_none()
            {
                self.locs[b.index()] = Some(Loc::Local(i as u16));
                self.f.local_names[i] = Str::from(m.binding(*b).name.as_str());
            }
        }
        for (i, b) in m.bindings.iter().enumerate() {
            if b.function == fid && self.locs[i].is_none() {
                self.f.local_names.push(Str::from(b.name.as_str()));
                self.locs[i] = Some(Loc::Local((self.f.local_names.len() - 1) as u16));
            }
        }
        self.enter_scope_env(func.scope);
        for (i, p) in func.params.iter().enumerate() {
            let direct = matches!(m.pattern(p.pattern), Pattern::Binding(b)
                if matches!(self.locs[b.index()], Some(Loc::Local(s)) if s as usize == i));
            if direct {
                continue;
            }
            self.emit(Op::Load(i as u16));
            if let Some(d) = p.default {
                let j = self.emit(Op::JumpIfNotUndef(0));
                self.expr(d)?;
                self.patch_here(j);
            }
            self.bind_pattern(p.pattern, true)?;
        }
        if let Some(b) = func.name_binding
            && m.binding(b).scope == func.scope
        {
            self.emit(Op::Callee);
            self.store_binding(b)?;
        }
        match &func.body {
            FunctionBody::Block(stmts) => {
                self.hoist(stmts)?;
                for s in stmts {
                    self.stmt(*s)?;
                }
                self.emit(Op::Undef);
                self.emit(Op::Return);
            }
            FunctionBody::Expr(e) => {
                self.expr(*e)?;
                self.emit(Op::Return);
            }
        }
        let inferred = self.names.get(&fid).cloned();
        let name = func
            .name
            .as_deref()
            .or(inferred.as_deref())
            .unwrap_or(if fid == Module::SCRIPT { "<script>" } else { "" })
            .to_string();
        let done = std::mem::replace(&mut self.f, saved);
        self.current_fn = saved_fn;
        let code = FuncCode {
            name: Str::from(name.as_str()),
            nparams: nparams as u16,
            has_rest,
            nlocals: done.local_names.len() as u16,
            code: done.code,
            ranges: done.ranges,
            local_names: done.local_names,
            is_async: func.is_async,
        };
        if let Some(slot) = self.funcs.get_mut(fid.index()) {
            *slot = Some(code);
        }
        Ok(())
    }

    /// Pushes the scope's environment if it has captured bindings.
    fn enter_scope_env(&mut self, scope: ScopeId) -> bool {
        let n = self.scope_env.get(scope.index()).copied().unwrap_or(0);
        if n > 0 {
            self.emit(Op::PushEnv(n));
            self.f.ctrl.push(Ctrl::Env);
            self.f.chain.push(scope);
            true
        } else {
            false
        }
    }

    fn exit_scope_env(&mut self, had: bool) {
        if had {
            self.emit(Op::PopEnv);
            self.f.ctrl.pop();
            self.f.chain.pop();
        }
    }

    /// Creates the closures of the function declarations among `stmts` (hoisting).
    fn hoist(&mut self, stmts: &[StmtId]) -> R {
        for s in stmts {
            if let Stmt::FunctionDecl(fid) = self.m.stmt(*s) {
                let fid = *fid;
                let chain = self.f.chain.clone();
                self.compile_function(fid, &chain)?;
                if let Some(b) = self.m.function(fid).name_binding {
                    self.emit(Op::Closure(fid.0));
                    self.store_binding(b)?;
                }
            }
        }
        Ok(())
    }

    fn block(&mut self, scope: ScopeId, body: &[StmtId]) -> R {
        let had = self.enter_scope_env(scope);
        self.hoist(body)?;
        for s in body {
            self.stmt(*s)?;
        }
        self.exit_scope_env(had);
        Ok(())
    }

    fn env_depth(&self, scope: ScopeId) -> R<u16> {
        match self.f.chain.iter().rposition(|s| *s == scope) {
            Some(p) => Ok((self.f.chain.len() - 1 - p) as u16),
            None => self.err("internal: binding's environment is not in scope"),
        }
    }

    fn load_binding(&mut self, b: BindingId) -> R {
        match self.locs.get(b.index()).copied().flatten() {
            Some(Loc::Local(s)) => {
                self.emit(Op::Load(s));
            }
            Some(Loc::Env { scope, slot }) => {
                let d = self.env_depth(scope)?;
                let name = self.konst(&self.m.binding(b).name.clone());
                self.emit(Op::LoadEnv(d, slot, name));
            }
            None => return self.err("internal: unallocated binding"),
        }
        Ok(())
    }

    fn store_binding(&mut self, b: BindingId) -> R {
        match self.locs.get(b.index()).copied().flatten() {
            Some(Loc::Local(s)) => {
                self.emit(Op::Store(s));
            }
            Some(Loc::Env { scope, slot }) => {
                let d = self.env_depth(scope)?;
                self.emit(Op::StoreEnv(d, slot));
            }
            None => return self.err("internal: unallocated binding"),
        }
        Ok(())
    }

    // ----- statements -----

    fn stmt(&mut self, id: StmtId) -> R {
        let range = self.m.stmt_range(id);
        self.with_range(range, |c| c.stmt_inner(id))
    }

    fn stmt_inner(&mut self, id: StmtId) -> R {
        let m = self.m;
        match m.stmt(id) {
            Stmt::Missing => self.err("this statement did not parse"),
            Stmt::Empty | Stmt::FunctionDecl(_) => Ok(()),
            Stmt::Expr(e) => self.expr_discard(*e),
            Stmt::Decl { declarators, .. } => {
                for d in declarators {
                    self.hint_binding_name(d.pattern, d.init);
                    match d.init {
                        Some(e) => self.expr(e)?,
                        None => {
                            self.emit(Op::Undef);
                        }
                    }
                    self.bind_pattern(d.pattern, true)?;
                }
                Ok(())
            }
            Stmt::Block { scope, body } => self.block(*scope, body),
            Stmt::If {
                cond,
                then,
                otherwise,
            } => {
                self.expr(*cond)?;
                let j = self.emit(Op::JumpIfFalse(0));
                self.stmt(*then)?;
                if let Some(o) = otherwise {
                    let j2 = self.emit(Op::Jump(0));
                    self.patch_here(j);
                    self.stmt(*o)?;
                    self.patch_here(j2);
                } else {
                    self.patch_here(j);
                }
                Ok(())
            }
            Stmt::While { cond, body } => {
                let top = self.here();
                self.expr(*cond)?;
                let exit = self.emit(Op::JumpIfFalse(0));
                self.loop_body(*body, top)?;
                self.emit(Op::Jump(top));
                self.patch_here(exit);
                Ok(())
            }
            Stmt::DoWhile { body, cond } => {
                let top = self.here();
                self.f.ctrl.push(Ctrl::Loop {
                    breaks: Vec::new(),
                    continues: Vec::new(),
                });
                self.stmt(*body)?;
                let (breaks, continues) = self.pop_loop();
                for c in continues {
                    self.patch_here(c);
                }
                self.expr(*cond)?;
                self.emit(Op::JumpIfTrue(top));
                for b in breaks {
                    self.patch_here(b);
                }
                Ok(())
            }
            Stmt::For {
                scope,
                init,
                test,
                update,
                body,
            } => {
                let had = self.enter_scope_env(*scope);
                match init {
                    Some(ForInit::Decl { declarators, .. }) => {
                        for d in declarators {
                            match d.init {
                                Some(e) => self.expr(e)?,
                                None => {
                                    self.emit(Op::Undef);
                                }
                            }
                            self.bind_pattern(d.pattern, true)?;
                        }
                    }
                    Some(ForInit::Expr(e)) => self.expr_discard(*e)?,
                    None => {}
                }
                let top = self.here();
                let exit = match test {
                    Some(t) => {
                        self.expr(*t)?;
                        Some(self.emit(Op::JumpIfFalse(0)))
                    }
                    None => None,
                };
                self.f.ctrl.push(Ctrl::Loop {
                    breaks: Vec::new(),
                    continues: Vec::new(),
                });
                self.stmt(*body)?;
                let (breaks, continues) = self.pop_loop();
                for c in continues {
                    self.patch_here(c);
                }
                if had {
                    self.emit(Op::CopyEnv);
                }
                if let Some(u) = update {
                    self.expr_discard(*u)?;
                }
                self.emit(Op::Jump(top));
                if let Some(e) = exit {
                    self.patch_here(e);
                }
                for b in breaks {
                    self.patch_here(b);
                }
                self.exit_scope_env(had);
                Ok(())
            }
            Stmt::ForOf {
                scope,
                head,
                iterable,
                body,
            } => {
                self.expr(*iterable)?;
                self.emit(Op::IterArray);
                self.for_each(*scope, head, *body)
            }
            Stmt::ForIn {
                scope,
                head,
                object,
                body,
            } => {
                self.expr(*object)?;
                self.emit(Op::ForInKeys);
                self.for_each(*scope, head, *body)
            }
            Stmt::Break => self.jump_out(true),
            Stmt::Continue => self.jump_out(false),
            Stmt::Return(value) => {
                match value {
                    Some(e) => self.expr(*e)?,
                    None => {
                        self.emit(Op::Undef);
                    }
                }
                self.emit_return()
            }
            Stmt::Throw(e) => {
                self.expr(*e)?;
                self.emit(Op::Throw);
                Ok(())
            }
            Stmt::Try {
                block,
                catch,
                finally,
            } => self.try_stmt(*block, catch.as_ref(), *finally),
            Stmt::Switch {
                discriminant,
                scope,
                cases,
            } => {
                self.expr(*discriminant)?;
                let d = self.temp("<switch>");
                self.emit(Op::Store(d));
                let had = self.enter_scope_env(*scope);
                let all: Vec<StmtId> = cases.iter().flat_map(|c| c.body.clone()).collect();
                self.hoist(&all)?;
                let mut jumps = Vec::new();
                for case in cases {
                    if let Some(t) = case.test {
                        self.emit(Op::Load(d));
                        self.expr(t)?;
                        self.emit(Op::Binary(rhythm_analyzer::ir::BinaryOp::StrictEq));
                        jumps.push(Some(self.emit(Op::JumpIfTrue(0))));
                    } else {
                        jumps.push(None);
                    }
                }
                let to_default = self.emit(Op::Jump(0));
                self.f.ctrl.push(Ctrl::Breakable { breaks: Vec::new() });
                let mut default_pc = None;
                for (case, j) in cases.iter().zip(jumps) {
                    match j {
                        Some(j) => self.patch_here(j),
                        None => default_pc = Some(self.here()),
                    }
                    for s in &case.body {
                        self.stmt(*s)?;
                    }
                }
                let breaks = match self.f.ctrl.pop() {
                    Some(Ctrl::Breakable { breaks }) => breaks,
                    _ => return self.err("internal: control stack"),
                };
                let end = self.here();
                self.patch(to_default, default_pc.unwrap_or(end));
                for b in breaks {
                    self.patch_here(b);
                }
                self.exit_scope_env(had);
                Ok(())
            }
        }
    }

    fn pop_loop(&mut self) -> (Vec<usize>, Vec<usize>) {
        match self.f.ctrl.pop() {
            Some(Ctrl::Loop { breaks, continues }) => (breaks, continues),
            _ => (Vec::new(), Vec::new()),
        }
    }

    /// A loop body whose `continue` jumps to `cont`.
    fn loop_body(&mut self, body: StmtId, cont: u32) -> R {
        self.f.ctrl.push(Ctrl::Loop {
            breaks: Vec::new(),
            continues: Vec::new(),
        });
        self.stmt(body)?;
        let (breaks, continues) = self.pop_loop();
        for c in continues {
            self.patch(c, cont);
        }
        // Breaks jump past the loop's final jump; the caller emits it right after.
        let after_jump = self.here() + 1;
        for b in breaks {
            self.patch(b, after_jump);
        }
        Ok(())
    }

    /// `for…of` / `for…in` over the array on the stack.
    fn for_each(&mut self, scope: ScopeId, head: &ForHead, body: StmtId) -> R {
        let arr = self.temp("<iter>");
        let idx = self.temp("<index>");
        self.emit(Op::Store(arr));
        self.emit(Op::Num(0.0));
        self.emit(Op::Store(idx));
        let top = self.here();
        let next = self.emit(Op::IterNext(arr, idx, 0));
        self.f.ctrl.push(Ctrl::Loop {
            breaks: Vec::new(),
            continues: Vec::new(),
        });
        let had = self.enter_scope_env(scope);
        match head {
            ForHead::Decl { pattern, .. } => self.bind_pattern(*pattern, true)?,
            ForHead::Target(p) => self.bind_pattern(*p, false)?,
        }
        self.stmt(body)?;
        self.exit_scope_env(had);
        let (breaks, continues) = self.pop_loop();
        for c in continues {
            self.patch(c, top);
        }
        self.emit(Op::Jump(top));
        self.patch_here(next);
        for b in breaks {
            self.patch_here(b);
        }
        Ok(())
    }

    /// Emits the unwinding for `break` (`is_break`) or `continue`.
    fn jump_out(&mut self, is_break: bool) -> R {
        let saved_chain = self.f.chain.clone();
        let mut i = self.f.ctrl.len();
        let mut done = false;
        while i > 0 {
            i -= 1;
            match &self.f.ctrl[i] {
                Ctrl::Env => {
                    self.emit(Op::PopEnv);
                    self.f.chain.pop();
                }
                Ctrl::Handler => {
                    self.emit(Op::PopHandler);
                }
                Ctrl::Finally(s) => {
                    let s = *s;
                    self.inline_finally(i, s)?;
                }
                Ctrl::Loop { .. } => {
                    let j = self.emit(Op::Jump(0));
                    if let Some(Ctrl::Loop { breaks, continues }) = self.f.ctrl.get_mut(i) {
                        if is_break {
                            breaks.push(j);
                        } else {
                            continues.push(j);
                        }
                    }
                    done = true;
                    break;
                }
                Ctrl::Breakable { .. } => {
                    if is_break {
                        let j = self.emit(Op::Jump(0));
                        if let Some(Ctrl::Breakable { breaks }) = self.f.ctrl.get_mut(i) {
                            breaks.push(j);
                        }
                        done = true;
                        break;
                    }
                }
            }
        }
        self.f.chain = saved_chain;
        if done {
            Ok(())
        } else {
            self.err("`break`/`continue` outside of a loop")
        }
    }

    /// Compiles a `finally` block at an exit, with only the control entries outside it.
    fn inline_finally(&mut self, depth: usize, s: StmtId) -> R {
        let rest = self.f.ctrl.split_off(depth);
        let out = self.stmt(s);
        self.f.ctrl.extend(rest);
        out
    }

    fn emit_return(&mut self) -> R {
        let has_finally = self.f.ctrl.iter().any(|c| matches!(c, Ctrl::Finally(_)));
        if !has_finally {
            self.emit(Op::Return);
            return Ok(());
        }
        let t = self.temp("<return>");
        self.emit(Op::Store(t));
        let saved_chain = self.f.chain.clone();
        let mut i = self.f.ctrl.len();
        while i > 0 {
            i -= 1;
            match &self.f.ctrl[i] {
                Ctrl::Env => {
                    self.emit(Op::PopEnv);
                    self.f.chain.pop();
                }
                Ctrl::Handler => {
                    self.emit(Op::PopHandler);
                }
                Ctrl::Finally(s) => {
                    let s = *s;
                    self.inline_finally(i, s)?;
                }
                _ => {}
            }
        }
        self.f.chain = saved_chain;
        self.emit(Op::Load(t));
        self.emit(Op::Return);
        Ok(())
    }

    fn try_stmt(
        &mut self,
        block: StmtId,
        catch: Option<&CatchClause>,
        finally: Option<StmtId>,
    ) -> R {
        let fin_handler = if let Some(f) = finally {
            self.f.ctrl.push(Ctrl::Finally(f));
            let h = self.emit(Op::PushHandler(0));
            self.f.ctrl.push(Ctrl::Handler);
            Some(h)
        } else {
            None
        };
        if let Some(cc) = catch {
            let h = self.emit(Op::PushHandler(0));
            self.f.ctrl.push(Ctrl::Handler);
            self.stmt(block)?;
            self.emit(Op::PopHandler);
            self.f.ctrl.pop();
            let skip = self.emit(Op::Jump(0));
            self.patch_here(h);
            let had = self.enter_scope_env(cc.scope);
            match cc.param {
                Some(p) => self.bind_pattern(p, true)?,
                None => {
                    self.emit(Op::Pop);
                }
            }
            self.stmt(cc.body)?;
            self.exit_scope_env(had);
            self.patch_here(skip);
        } else {
            self.stmt(block)?;
        }
        if let (Some(h), Some(f)) = (fin_handler, finally) {
            self.emit(Op::PopHandler);
            self.f.ctrl.pop();
            self.f.ctrl.pop();
            self.stmt(f)?;
            let skip = self.emit(Op::Jump(0));
            self.patch_here(h);
            let t = self.temp("<exception>");
            self.emit(Op::Store(t));
            self.stmt(f)?;
            self.emit(Op::Load(t));
            self.emit(Op::Throw);
            self.patch_here(skip);
        }
        Ok(())
    }

    // ----- expressions -----

    /// Compiles an expression for its effects only.
    fn expr_discard(&mut self, id: ExprId) -> R {
        let range = self.m.expr_range(id);
        match self.m.expr(id) {
            Expr::Assign { op, target, value } => {
                let (op, target, value) = (*op, *target, *value);
                self.with_range(range, |c| c.assign(op, target, value, false))
            }
            Expr::Update { op, target, .. } => {
                let (op, target) = (*op, *target);
                self.with_range(range, |c| c.update(op, true, target, false))
            }
            _ => {
                self.expr(id)?;
                self.emit(Op::Pop);
                Ok(())
            }
        }
    }

    fn expr(&mut self, id: ExprId) -> R {
        let range = self.m.expr_range(id);
        self.with_range(range, |c| c.expr_inner(id))
    }

    fn global(&mut self, name: &str) -> R {
        match name {
            "undefined" => self.emit(Op::Undef),
            "NaN" => self.emit(Op::Num(f64::NAN)),
            "Infinity" => self.emit(Op::Num(f64::INFINITY)),
            "Inputs" => self.emit(Op::Inputs),
            _ => match Native::global(name) {
                Some(n) => self.emit(Op::Native(n)),
                None => {
                    let k = self.konst(name);
                    self.emit(Op::ThrowUndefinedName(k))
                }
            },
        };
        Ok(())
    }

    fn name(&mut self, n: &NameRef) -> R {
        match &n.resolution {
            Resolution::Local(b) => self.load_binding(*b),
            Resolution::Global(g) => self.global(g),
            // A builtin the catalog does not list yet still works at run time.
            Resolution::Unresolved => self.global(&n.name),
        }
    }

    /// `Math.floor` and the like, resolved at compile time.
    fn static_native(&self, object: ExprId, property: &str) -> Option<Native> {
        match self.m.expr(object) {
            Expr::Name(NameRef {
                resolution: Resolution::Global(g),
                ..
            }) => Native::global(g).and_then(|n| n.member_fn(property)),
            _ => None,
        }
    }

    fn expr_inner(&mut self, id: ExprId) -> R {
        let m = self.m;
        match m.expr(id) {
            Expr::Missing => return self.err("this expression did not parse"),
            Expr::Literal(l) => {
                match l {
                    Literal::Null => self.emit(Op::Null),
                    Literal::Bool(b) => self.emit(Op::Bool(*b)),
                    Literal::Number(n) => self.emit(Op::Num(*n)),
                    Literal::String(s) => {
                        let k = self.konst(s);
                        self.emit(Op::Str(k))
                    }
                };
            }
            Expr::Template { quasis, exprs } => {
                let mut n = 0u16;
                for (i, q) in quasis.iter().enumerate() {
                    if !q.is_empty() || (exprs.is_empty() && i == 0) {
                        let k = self.konst(q);
                        self.emit(Op::Str(k));
                        n += 1;
                    }
                    if let Some(e) = exprs.get(i) {
                        self.expr(*e)?;
                        n += 1;
                    }
                }
                self.emit(Op::Template(n));
            }
            Expr::Name(n) => self.name(n)?,
            Expr::Array(elements) => {
                if elements.iter().all(|e| !matches!(e, ArrayElement::Spread(_))) {
                    for e in elements {
                        match e {
                            ArrayElement::Expr(x) => self.expr(*x)?,
                            _ => {
                                self.emit(Op::Undef);
                            }
                        }
                    }
                    self.emit(Op::Array(elements.len() as u32));
                } else {
                    self.emit(Op::Array(0));
                    for e in elements {
                        match e {
                            ArrayElement::Expr(x) => {
                                self.expr(*x)?;
                                self.emit(Op::ArrayPush);
                            }
                            ArrayElement::Spread(x) => {
                                self.expr(*x)?;
                                self.emit(Op::ArraySpread);
                            }
                            ArrayElement::Hole => {
                                self.emit(Op::Undef);
                                self.emit(Op::ArrayPush);
                            }
                        }
                    }
                }
            }
            Expr::Object(members) => {
                self.emit(Op::Object);
                for mem in members {
                    match mem {
                        ObjectMember::Property {
                            key: PropKey::Static(k),
                            value,
                        } => {
                            if let Some(f) = name_hint(m, *value) {
                                self.names.insert(f, Str::from(k.as_str()));
                            }
                            self.expr(*value)?;
                            let k = self.konst(k);
                            self.emit(Op::DefineProp(k));
                        }
                        ObjectMember::Property {
                            key: PropKey::Computed(k),
                            value,
                        } => {
                            self.expr(*k)?;
                            self.expr(*value)?;
                            self.emit(Op::DefineIndex);
                        }
                        ObjectMember::Spread(x) => {
                            self.expr(*x)?;
                            self.emit(Op::ObjectSpread);
                        }
                    }
                }
            }
            Expr::Function(fid) => {
                let chain = self.f.chain.clone();
                self.compile_function(*fid, &chain)?;
                self.emit(Op::Closure(fid.0));
            }
            Expr::Unary { op, arg } => {
                if *op == UnaryOp::Typeof
                    && let Expr::Name(NameRef {
                        resolution: Resolution::Unresolved,
                        ..
                    }) = m.expr(*arg)
                {
                    let k = self.konst("undefined");
                    self.emit(Op::Str(k));
                    return Ok(());
                }
                self.expr(*arg)?;
                match op {
                    UnaryOp::Neg => self.emit(Op::Neg),
                    UnaryOp::Plus => self.emit(Op::Plus),
                    UnaryOp::Not => self.emit(Op::Not),
                    UnaryOp::BitNot => self.emit(Op::BitNot),
                    UnaryOp::Typeof => self.emit(Op::Typeof),
                    UnaryOp::Void => {
                        self.emit(Op::Pop);
                        self.emit(Op::Undef)
                    }
                };
            }
            Expr::Update { op, prefix, target } => self.update(*op, *prefix, *target, true)?,
            Expr::Binary { op, lhs, rhs } => {
                self.expr(*lhs)?;
                self.expr(*rhs)?;
                self.emit(Op::Binary(*op));
            }
            Expr::Logical { op, lhs, rhs } => {
                self.expr(*lhs)?;
                let j = match op {
                    LogicalOp::And => self.emit(Op::JumpIfFalseKeep(0)),
                    LogicalOp::Or => self.emit(Op::JumpIfTrueKeep(0)),
                    LogicalOp::Nullish => self.emit(Op::JumpIfNotNullishKeep(0)),
                };
                self.expr(*rhs)?;
                self.patch_here(j);
            }
            Expr::Conditional {
                test,
                then,
                otherwise,
            } => {
                self.expr(*test)?;
                let j = self.emit(Op::JumpIfFalse(0));
                self.expr(*then)?;
                let j2 = self.emit(Op::Jump(0));
                self.patch_here(j);
                self.expr(*otherwise)?;
                self.patch_here(j2);
            }
            Expr::Assign { op, target, value } => self.assign(*op, *target, *value, true)?,
            Expr::Member {
                object,
                property,
                optional,
                ..
            } => {
                if let Some(n) = self.static_native(*object, property) {
                    self.emit(Op::Native(n));
                    return Ok(());
                }
                self.expr(*object)?;
                if *optional {
                    self.opt_check(1);
                }
                let k = self.konst(property);
                self.emit(Op::GetProp(k));
            }
            Expr::Index {
                object,
                index,
                optional,
            } => {
                self.expr(*object)?;
                if *optional {
                    self.opt_check(1);
                }
                self.expr(*index)?;
                self.emit(Op::GetIndex);
            }
            Expr::Call {
                callee,
                args,
                optional,
            } => self.call(*callee, args, *optional)?,
            Expr::New { callee, args } => {
                self.expr(*callee)?;
                if args.iter().any(|a| a.spread) {
                    self.spread_args(args)?;
                    self.emit(Op::NewSpread);
                } else {
                    for a in args {
                        self.expr(a.expr)?;
                    }
                    self.emit(Op::New(args.len() as u8));
                }
            }
            Expr::OptionalChain(inner) => {
                let saved = self.f.opt_chain.replace(Vec::new());
                self.expr(*inner)?;
                let patches = std::mem::replace(&mut self.f.opt_chain, saved).unwrap_or_default();
                if !patches.is_empty() {
                    let j = self.emit(Op::Jump(0));
                    for p in patches {
                        self.patch_here(p);
                    }
                    self.emit(Op::Undef);
                    self.patch_here(j);
                }
            }
            Expr::Await(e) => {
                self.expr(*e)?;
                self.emit(Op::Await);
            }
            Expr::Sequence(items) => {
                for (i, e) in items.iter().enumerate() {
                    self.expr(*e)?;
                    if i + 1 < items.len() {
                        self.emit(Op::Pop);
                    }
                }
            }
            Expr::Paren(e) => self.expr(*e)?,
        }
        Ok(())
    }

    /// `const f = () => ...` names the function `f`.
    fn hint_binding_name(&mut self, pattern: PatternId, init: Option<ExprId>) {
        let m = self.m;
        if let (Some(e), Pattern::Binding(b)) = (init, m.pattern(pattern))
            && let Some(f) = name_hint(m, e)
        {
            self.names.insert(f, Str::from(m.binding(*b).name.as_str()));
        }
    }

    fn opt_check(&mut self, pop: u8) {
        let j = self.emit(Op::OptCheck(0, pop));
        match &mut self.f.opt_chain {
            Some(p) => p.push(j),
            None => self.f.opt_chain = Some(vec![j]),
        }
    }

    /// Pushes the arguments as one array (for spread calls).
    fn spread_args(&mut self, args: &[Argument]) -> R {
        self.emit(Op::Array(0));
        for a in args {
            self.expr(a.expr)?;
            self.emit(if a.spread {
                Op::ArraySpread
            } else {
                Op::ArrayPush
            });
        }
        Ok(())
    }

    fn call(&mut self, callee: ExprId, args: &[Argument], optional: bool) -> R {
        let m = self.m;
        let spread = args.iter().any(|a| a.spread);
        if args.len() > 255 {
            return self.err("too many arguments (at most 255)");
        }
        let callee_range = m.expr_range(callee);
        if let Expr::Member {
            object,
            property,
            optional: member_opt,
            ..
        } = m.expr(callee)
        {
            if let Some(n) = self.static_native(*object, property) {
                self.emit(Op::Native(n));
            } else {
                self.expr(*object)?;
                if *member_opt {
                    self.opt_check(1);
                }
                let k = self.konst(property);
                if optional {
                    self.emit(Op::Dup);
                    self.emit(Op::GetProp(k));
                    self.opt_check(2);
                    self.emit(Op::Pop);
                }
                if spread {
                    self.spread_args(args)?;
                    self.with_range(callee_range, |c| {
                        c.emit(Op::CallMethodSpread(k));
                        Ok(())
                    })?;
                } else {
                    for a in args {
                        self.expr(a.expr)?;
                    }
                    self.with_range(callee_range, |c| {
                        c.emit(Op::CallMethod(k, args.len() as u8));
                        Ok(())
                    })?;
                }
                return Ok(());
            }
        } else {
            self.expr(callee)?;
        }
        if optional {
            self.opt_check(1);
        }
        if spread {
            self.spread_args(args)?;
            self.with_range(callee_range, |c| {
                c.emit(Op::CallSpread);
                Ok(())
            })
        } else {
            for a in args {
                self.expr(a.expr)?;
            }
            self.with_range(callee_range, |c| {
                c.emit(Op::Call(args.len() as u8));
                Ok(())
            })
        }
    }

    fn is_const(&self, b: BindingId) -> bool {
        self.m.binding(b).kind == BindingKind::Const
    }

    /// `target op= value`; leaves the result on the stack when `want`.
    fn assign(&mut self, op: AssignOp, target: PatternId, value: ExprId, want: bool) -> R {
        let m = self.m;
        match (op, m.pattern(target)) {
            (AssignOp::Assign, Pattern::Object { .. } | Pattern::Array { .. }) => {
                self.expr(value)?;
                if want {
                    self.emit(Op::Dup);
                }
                self.bind_pattern(target, false)
            }
            (_, Pattern::Binding(b)) => {
                let b = *b;
                self.hint_binding_name(target, Some(value));
                self.assign_name(op, Resolution::Local(b), &m.binding(b).name.clone(), value, want)
            }
            (_, Pattern::Name(n)) => {
                let n = n.clone();
                if let Some(f) = name_hint(m, value) {
                    self.names.insert(f, Str::from(n.name.as_str()));
                }
                self.assign_name(op, n.resolution, &n.name, value, want)
            }
            (_, Pattern::Member { object, property }) => {
                let k = self.konst(property);
                self.expr(*object)?;
                match op {
                    AssignOp::Assign => {
                        self.expr(value)?;
                        self.emit(Op::SetProp(k));
                    }
                    AssignOp::Binary(b) => {
                        self.emit(Op::Dup);
                        self.emit(Op::GetProp(k));
                        self.expr(value)?;
                        self.emit(Op::Binary(b));
                        self.emit(Op::SetProp(k));
                    }
                    AssignOp::Logical(l) => {
                        self.emit(Op::Dup);
                        self.emit(Op::GetProp(k));
                        let j = self.logical_jump(l);
                        self.expr(value)?;
                        self.emit(Op::SetProp(k));
                        let end = self.emit(Op::Jump(0));
                        self.patch_here(j);
                        self.emit(Op::Swap);
                        self.emit(Op::Pop);
                        self.patch_here(end);
                    }
                }
                if !want {
                    self.emit(Op::Pop);
                }
                Ok(())
            }
            (_, Pattern::Index { object, index }) => {
                self.expr(*object)?;
                self.expr(*index)?;
                match op {
                    AssignOp::Assign => {
                        self.expr(value)?;
                        self.emit(Op::SetIndex);
                    }
                    AssignOp::Binary(b) => {
                        self.emit(Op::Dup2);
                        self.emit(Op::GetIndex);
                        self.expr(value)?;
                        self.emit(Op::Binary(b));
                        self.emit(Op::SetIndex);
                    }
                    AssignOp::Logical(l) => {
                        self.emit(Op::Dup2);
                        self.emit(Op::GetIndex);
                        let j = self.logical_jump(l);
                        self.expr(value)?;
                        self.emit(Op::SetIndex);
                        let end = self.emit(Op::Jump(0));
                        self.patch_here(j);
                        self.emit(Op::Bury(2));
                        self.emit(Op::Pop);
                        self.emit(Op::Pop);
                        self.patch_here(end);
                    }
                }
                if !want {
                    self.emit(Op::Pop);
                }
                Ok(())
            }
            (_, Pattern::Missing) => self.err("this assignment target did not parse"),
            (_, Pattern::Object { .. } | Pattern::Array { .. }) => {
                self.err("a destructuring pattern cannot be used with a compound assignment")
            }
        }
    }

    /// Assigning a `let` binding before its declaration ran throws, as reading it does: a read
    /// is emitted where the write could come first (earlier in the text, or in a closure).
    fn tdz_check(&mut self, b: BindingId) -> R {
        let binding = self.m.binding(b);
        if binding.kind != BindingKind::Let {
            return Ok(());
        }
        let early = self.f.range.start() < binding.range.end();
        let other_fn = self.current_fn != binding.function;
        if early || other_fn {
            self.load_binding(b)?;
            self.emit(Op::Pop);
        }
        Ok(())
    }

    /// For logical assignment: jumps (keeping the current value) when the write is skipped;
    /// otherwise pops the current value.
    fn logical_jump(&mut self, l: LogicalOp) -> usize {
        match l {
            LogicalOp::And => self.emit(Op::JumpIfFalseKeep(0)),
            LogicalOp::Or => self.emit(Op::JumpIfTrueKeep(0)),
            LogicalOp::Nullish => self.emit(Op::JumpIfNotNullishKeep(0)),
        }
    }

    fn assign_name(
        &mut self,
        op: AssignOp,
        res: Resolution,
        name: &str,
        value: ExprId,
        want: bool,
    ) -> R {
        let b = match res {
            Resolution::Local(b) => b,
            Resolution::Global(_) => {
                self.expr(value)?;
                self.emit(Op::ConstAssign);
                return Ok(());
            }
            Resolution::Unresolved => {
                let k = self.konst(name);
                self.emit(Op::ThrowUndefinedName(k));
                return Ok(());
            }
        };
        match op {
            AssignOp::Assign => {
                self.tdz_check(b)?;
                self.expr(value)?;
            }
            AssignOp::Binary(bop) => {
                self.load_binding(b)?;
                self.expr(value)?;
                self.emit(Op::Binary(bop));
            }
            AssignOp::Logical(l) => {
                self.load_binding(b)?;
                let j = self.logical_jump(l);
                self.expr(value)?;
                if self.is_const(b) {
                    self.emit(Op::ConstAssign);
                }
                if want {
                    self.emit(Op::Dup);
                }
                self.store_binding(b)?;
                let end = self.emit(Op::Jump(0));
                self.patch_here(j);
                if !want {
                    self.emit(Op::Pop);
                }
                self.patch_here(end);
                return Ok(());
            }
        }
        if self.is_const(b) {
            self.emit(Op::ConstAssign);
        }
        if want {
            self.emit(Op::Dup);
        }
        self.store_binding(b)
    }

    fn update(&mut self, op: UpdateOp, prefix: bool, target: PatternId, want: bool) -> R {
        let m = self.m;
        let step = match op {
            UpdateOp::Increment => Op::Inc,
            UpdateOp::Decrement => Op::Dec,
        };
        let b = match m.pattern(target) {
            Pattern::Binding(b) => Some(Resolution::Local(*b)),
            Pattern::Name(n) => Some(n.resolution.clone()),
            _ => None,
        };
        if let Some(res) = b {
            let b = match res {
                Resolution::Local(b) => b,
                Resolution::Global(_) => {
                    self.emit(Op::ConstAssign);
                    return Ok(());
                }
                Resolution::Unresolved => {
                    let name = match m.pattern(target) {
                        Pattern::Name(n) => n.name.to_string(),
                        _ => String::new(),
                    };
                    let k = self.konst(&name);
                    self.emit(Op::ThrowUndefinedName(k));
                    return Ok(());
                }
            };
            self.load_binding(b)?;
            self.emit(Op::ToNumber);
            if want && !prefix {
                self.emit(Op::Dup);
            }
            self.emit(step);
            if self.is_const(b) {
                self.emit(Op::ConstAssign);
            }
            if want && prefix {
                self.emit(Op::Dup);
            }
            return self.store_binding(b);
        }
        match m.pattern(target) {
            Pattern::Member { object, property } => {
                let k = self.konst(property);
                self.expr(*object)?;
                self.emit(Op::Dup);
                self.emit(Op::GetProp(k));
                self.emit(Op::ToNumber);
                if want && !prefix {
                    self.emit(Op::Dup);
                    self.emit(Op::Bury(2));
                }
                self.emit(step);
                self.emit(Op::SetProp(k));
                if !want || !prefix {
                    self.emit(Op::Pop);
                }
                Ok(())
            }
            Pattern::Index { object, index } => {
                self.expr(*object)?;
                self.expr(*index)?;
                self.emit(Op::Dup2);
                self.emit(Op::GetIndex);
                self.emit(Op::ToNumber);
                if want && !prefix {
                    self.emit(Op::Dup);
                    self.emit(Op::Bury(3));
                }
                self.emit(step);
                self.emit(Op::SetIndex);
                if !want || !prefix {
                    self.emit(Op::Pop);
                }
                Ok(())
            }
            _ => self.err("invalid update target"),
        }
    }
}
