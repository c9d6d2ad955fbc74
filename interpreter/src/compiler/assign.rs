//! Assignments (`=`, compound and logical) and updates (`++`, `--`) to names, members and
//! indices; destructuring assignments go to [`super::pattern`].

use rhythm_analyzer::ir::{
    AssignOp, BindingId, BindingKind, ExprId, LogicalOp, Pattern, PatternId, Resolution, UpdateOp,
};

use super::{Compiler, R, name_hint};
use crate::bytecode::Op;
use crate::value::Str;

impl Compiler<'_> {
    /// `const f = () => ...` names the function `f`.
    pub(super) fn hint_binding_name(&mut self, pattern: PatternId, init: Option<ExprId>) {
        let m = self.m;
        if let (Some(e), Pattern::Binding(b)) = (init, m.pattern(pattern))
            && let Some(f) = name_hint(m, e)
        {
            self.names.insert(f, Str::from(m.binding(*b).name.as_str()));
        }
    }

    /// Whether binding `b` is a `const`.
    pub(super) fn is_const(&self, b: BindingId) -> bool {
        self.m.binding(b).kind == BindingKind::Const
    }

    /// `target op= value`; leaves the result on the stack when `want`.
    pub(super) fn assign(
        &mut self,
        op: AssignOp,
        target: PatternId,
        value: ExprId,
        want: bool,
    ) -> R {
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
                self.assign_name(
                    op,
                    Resolution::Local(b),
                    &m.binding(b).name.clone(),
                    value,
                    want,
                )
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

    /// Assignment to a name: a local binding (with its TDZ and `const` checks), a global
    /// (a `TypeError`), or an unknown name (a `ReferenceError`).
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

    /// `++`/`--` on `target`, prefix or postfix; leaves the result on the stack when `want`.
    pub(super) fn update(
        &mut self,
        op: UpdateOp,
        prefix: bool,
        target: PatternId,
        want: bool,
    ) -> R {
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
