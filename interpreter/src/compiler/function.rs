//! Function bodies: parameter slots and defaults, the self-name binding, hoisted declarations.

use rhythm_analyzer::ir::{FunctionBody, FunctionId, Module, Pattern, ScopeId, Stmt, StmtId};

use super::{Compiler, Loc, R};
use crate::bytecode::{FuncCode, Op};
use crate::value::Str;

impl Compiler<'_> {
    /// Compiles function `fid` (the script is [`Module::SCRIPT`]) into its slot of `funcs`;
    /// `chain` is the environment chain it closes over.
    pub(super) fn compile_function(&mut self, fid: FunctionId, chain: &[ScopeId]) -> R {
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
            .unwrap_or(if fid == Module::SCRIPT {
                "<script>"
            } else {
                ""
            })
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

    /// Creates the closures of the function declarations among `stmts` (hoisting).
    pub(super) fn hoist(&mut self, stmts: &[StmtId]) -> R {
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
}
