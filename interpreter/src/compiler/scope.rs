//! Where bindings live: frame slots, or the environments of scopes with captured bindings.

use rhythm_analyzer::ir::{BindingId, ScopeId};

use super::unwind::Ctrl;
use super::{Compiler, Loc, R};
use crate::bytecode::Op;

impl Compiler<'_> {
    /// Pushes the scope's environment if it has captured bindings.
    pub(super) fn enter_scope_env(&mut self, scope: ScopeId) -> bool {
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

    /// Pops the environment [`Self::enter_scope_env`] pushed (`had`).
    pub(super) fn exit_scope_env(&mut self, had: bool) {
        if had {
            self.emit(Op::PopEnv);
            self.f.ctrl.pop();
            self.f.chain.pop();
        }
    }

    /// How many environments up the chain `scope`'s is.
    pub(super) fn env_depth(&self, scope: ScopeId) -> R<u16> {
        match self.f.chain.iter().rposition(|s| *s == scope) {
            Some(p) => Ok((self.f.chain.len() - 1 - p) as u16),
            None => self.err("internal: binding's environment is not in scope"),
        }
    }

    /// Pushes the value of binding `b`.
    pub(super) fn load_binding(&mut self, b: BindingId) -> R {
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

    /// Pops the top into binding `b`.
    pub(super) fn store_binding(&mut self, b: BindingId) -> R {
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
}
