//! Statements: declarations, blocks, `if`, `throw`, and the dispatch to [`super::control`]
//! for loops, `switch` and `try`, and to [`super::unwind`] for `break`, `continue` and
//! `return`.

use rhythm_analyzer::ir::{ScopeId, Stmt, StmtId};

use super::unwind::Exit;
use super::{Compiler, R};
use crate::bytecode::Op;

impl Compiler<'_> {
    /// Compiles statement `id` at its range.
    pub(super) fn stmt(&mut self, id: StmtId) -> R {
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
            Stmt::While { cond, body } => self.while_loop(*cond, *body),
            Stmt::DoWhile { body, cond } => self.do_while(*body, *cond),
            Stmt::For {
                scope,
                init,
                test,
                update,
                body,
            } => self.for_loop(*scope, init.as_ref(), *test, *update, *body),
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
            Stmt::Break => self.unwind(Exit::Break),
            Stmt::Continue => self.unwind(Exit::Continue),
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
            } => self.switch(*discriminant, *scope, cases),
        }
    }

    /// A block: its environment, hoisted declarations, then its statements.
    pub(super) fn block(&mut self, scope: ScopeId, body: &[StmtId]) -> R {
        let had = self.enter_scope_env(scope);
        self.hoist(body)?;
        for s in body {
            self.stmt(*s)?;
        }
        self.exit_scope_env(had);
        Ok(())
    }
}
