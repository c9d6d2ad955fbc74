//! Control flow: `while`, `do…while`, `for`, `for…of`/`for…in`, `switch` and `try`. Each
//! pushes its entry on the control stack ([`Ctrl`]) so that [`super::unwind`] can find the
//! targets of `break` and `continue` and the `finally` blocks an exit crosses.

use rhythm_analyzer::ir::{
    BinaryOp, CatchClause, ExprId, ForHead, ForInit, ScopeId, StmtId, SwitchCase,
};

use super::unwind::Ctrl;
use super::{Compiler, R};
use crate::bytecode::Op;

impl Compiler<'_> {
    /// `while (cond) body`.
    pub(super) fn while_loop(&mut self, cond: ExprId, body: StmtId) -> R {
        let top = self.here();
        self.expr(cond)?;
        let exit = self.emit(Op::JumpIfFalse(0));
        self.loop_body(body, top)?;
        self.emit(Op::Jump(top));
        self.patch_here(exit);
        Ok(())
    }

    /// `do body while (cond)`.
    pub(super) fn do_while(&mut self, body: StmtId, cond: ExprId) -> R {
        let top = self.here();
        self.f.ctrl.push(Ctrl::Loop {
            breaks: Vec::new(),
            continues: Vec::new(),
        });
        self.stmt(body)?;
        let (breaks, continues) = self.pop_loop();
        for c in continues {
            self.patch_here(c);
        }
        self.expr(cond)?;
        self.emit(Op::JumpIfTrue(top));
        for b in breaks {
            self.patch_here(b);
        }
        Ok(())
    }

    /// `for (init; test; update) body`, with a fresh copy of the scope's environment per
    /// iteration.
    pub(super) fn for_loop(
        &mut self,
        scope: ScopeId,
        init: Option<&ForInit>,
        test: Option<ExprId>,
        update: Option<ExprId>,
        body: StmtId,
    ) -> R {
        let had = self.enter_scope_env(scope);
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
                self.expr(t)?;
                Some(self.emit(Op::JumpIfFalse(0)))
            }
            None => None,
        };
        self.f.ctrl.push(Ctrl::Loop {
            breaks: Vec::new(),
            continues: Vec::new(),
        });
        self.stmt(body)?;
        let (breaks, continues) = self.pop_loop();
        for c in continues {
            self.patch_here(c);
        }
        if had {
            self.emit(Op::CopyEnv);
        }
        if let Some(u) = update {
            self.expr_discard(u)?;
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

    /// Pops the innermost loop entry: its pending `break` and `continue` jumps.
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
    pub(super) fn for_each(&mut self, scope: ScopeId, head: &ForHead, body: StmtId) -> R {
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

    /// `switch`: the tests in order (strict equality with the discriminant), then the bodies
    /// as one fall-through sequence that `break` leaves.
    pub(super) fn switch(
        &mut self,
        discriminant: ExprId,
        scope: ScopeId,
        cases: &[SwitchCase],
    ) -> R {
        self.expr(discriminant)?;
        let d = self.temp("<switch>");
        self.emit(Op::Store(d));
        let had = self.enter_scope_env(scope);
        let all: Vec<StmtId> = cases.iter().flat_map(|c| c.body.clone()).collect();
        self.hoist(&all)?;
        let mut jumps = Vec::new();
        for case in cases {
            if let Some(t) = case.test {
                self.emit(Op::Load(d));
                self.expr(t)?;
                self.emit(Op::Binary(BinaryOp::StrictEq));
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

    /// `try`/`catch`/`finally`. The `finally` block is compiled on the normal path and on the
    /// exception path (which rethrows); exits that cross it inline it too ([`super::unwind`]).
    pub(super) fn try_stmt(
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
}
