//! The control stack and the one unwinder behind `break`, `continue` and `return`.
//!
//! Constructs that an exit must undo push a [`Ctrl`] entry while their body compiles: scope
//! environments, `try` handlers, `finally` blocks, loops and `switch`. An exit walks the stack
//! from the innermost entry outward, popping environments and handlers and inlining every
//! `finally` block it crosses, until it reaches its target: the innermost loop (`continue`),
//! the innermost loop or `switch` (`break`), or the bottom of the function (`return`).

use rhythm_analyzer::ir::StmtId;

use super::{Compiler, R};
use crate::bytecode::Op;

/// An entry of the compile-time control stack, used to unwind on `break`/`continue`/`return`.
#[derive(Debug)]
pub(super) enum Ctrl {
    /// A scope environment (`PopEnv` on exit).
    Env,
    /// A `try` handler (`PopHandler` on exit).
    Handler,
    /// A `finally` block (inlined on exit).
    Finally(StmtId),
    /// A loop: the pending jumps of its `break`s and `continue`s.
    Loop {
        breaks: Vec<usize>,
        continues: Vec<usize>,
    },
    /// A `switch`: the pending jumps of its `break`s.
    Breakable { breaks: Vec<usize> },
}

/// The statement that leaves the construct it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Exit {
    /// `break`: to the end of the innermost loop or `switch`.
    Break,
    /// `continue`: to the next iteration of the innermost loop.
    Continue,
    /// `return`: out of the function (the value is already saved).
    Return,
}

impl Compiler<'_> {
    /// Emits the unwinding of `exit`: every environment and handler it leaves is popped and
    /// every `finally` block it crosses runs, innermost first; `break` and `continue` end with
    /// a jump patched when their target's end is known. The compile-time environment chain
    /// is left as it was (the code after the exit is still inside every scope).
    pub(super) fn unwind(&mut self, exit: Exit) -> R {
        let saved_chain = self.f.chain.clone();
        let mut i = self.f.ctrl.len();
        let mut reached = exit == Exit::Return;
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
                Ctrl::Loop { .. } if exit != Exit::Return => {
                    let j = self.emit(Op::Jump(0));
                    if let Some(Ctrl::Loop { breaks, continues }) = self.f.ctrl.get_mut(i) {
                        if exit == Exit::Break {
                            breaks.push(j);
                        } else {
                            continues.push(j);
                        }
                    }
                    reached = true;
                    break;
                }
                Ctrl::Breakable { .. } if exit == Exit::Break => {
                    let j = self.emit(Op::Jump(0));
                    if let Some(Ctrl::Breakable { breaks }) = self.f.ctrl.get_mut(i) {
                        breaks.push(j);
                    }
                    reached = true;
                    break;
                }
                Ctrl::Loop { .. } | Ctrl::Breakable { .. } => {}
            }
        }
        self.f.chain = saved_chain;
        if reached {
            Ok(())
        } else {
            self.err("`break`/`continue` outside of a loop")
        }
    }

    /// `return` of the value on the stack. Without a `finally` to run, the VM's return drops
    /// the frame's environments and handlers itself; otherwise the value waits in a
    /// temporary while [`Self::unwind`] runs the `finally` blocks.
    pub(super) fn emit_return(&mut self) -> R {
        let has_finally = self.f.ctrl.iter().any(|c| matches!(c, Ctrl::Finally(_)));
        if !has_finally {
            self.emit(Op::Return);
            return Ok(());
        }
        let t = self.temp("<return>");
        self.emit(Op::Store(t));
        self.unwind(Exit::Return)?;
        self.emit(Op::Load(t));
        self.emit(Op::Return);
        Ok(())
    }

    /// Compiles a `finally` block at an exit, with only the control entries outside it.
    fn inline_finally(&mut self, depth: usize, s: StmtId) -> R {
        let rest = self.f.ctrl.split_off(depth);
        let out = self.stmt(s);
        self.f.ctrl.extend(rest);
        out
    }
}
