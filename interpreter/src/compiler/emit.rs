//! Appending and patching instructions.

use text_size::TextRange;

use super::{Compiler, R};
use crate::bytecode::Op;
use crate::value::Str;

impl Compiler<'_> {
    /// Appends `op` at the current range; returns its index.
    pub(super) fn emit(&mut self, op: Op) -> usize {
        self.f.code.push(op);
        self.f.ranges.push(self.f.range);
        self.f.code.len() - 1
    }

    /// The index the next instruction gets.
    pub(super) fn here(&self) -> u32 {
        self.f.code.len() as u32
    }

    /// Sets the jump target of the instruction at `at`.
    pub(super) fn patch(&mut self, at: usize, target: u32) {
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

    /// Points the jump at `at` to the next instruction.
    pub(super) fn patch_here(&mut self, at: usize) {
        let h = self.here();
        self.patch(at, h);
    }

    /// A fresh local slot for a compiler temporary.
    pub(super) fn temp(&mut self, name: &str) -> u16 {
        self.f.local_names.push(Str::from(name));
        (self.f.local_names.len() - 1) as u16
    }

    /// Runs `f` with `range` as the current range.
    pub(super) fn with_range<T>(
        &mut self,
        range: TextRange,
        f: impl FnOnce(&mut Self) -> R<T>,
    ) -> R<T> {
        let saved = self.f.range;
        self.f.range = range;
        let out = f(self);
        self.f.range = saved;
        out
    }
}
