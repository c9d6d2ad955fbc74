//! Compiling destructuring: binding and assignment patterns.

use rhythm_analyzer::ir::{Pattern, PatternId, PropKey, Resolution};

use super::{Compiler, R};
use crate::bytecode::Op;

impl Compiler<'_> {
    /// Consumes the value on top of the stack into `pat`. `decl` marks a declaration (which
    /// initializes `const` bindings instead of rejecting the write).
    pub(super) fn bind_pattern(&mut self, pat: PatternId, decl: bool) -> R {
        let m = self.m;
        let range = m.pattern_range(pat);
        self.with_range(range, |c| match m.pattern(pat) {
            Pattern::Missing => c.err("this pattern did not parse"),
            Pattern::Binding(b) => {
                if !decl && c.is_const(*b) {
                    c.emit(Op::ConstAssign);
                }
                c.store_binding(*b)
            }
            Pattern::Name(n) => match &n.resolution {
                Resolution::Local(b) => {
                    if !decl && c.is_const(*b) {
                        c.emit(Op::ConstAssign);
                    }
                    c.store_binding(*b)
                }
                Resolution::Global(_) => {
                    c.emit(Op::ConstAssign);
                    Ok(())
                }
                Resolution::Unresolved => {
                    let k = c.konst(&n.name);
                    c.emit(Op::ThrowUndefinedName(k));
                    Ok(())
                }
            },
            Pattern::Member { object, property } => {
                let k = c.konst(property);
                c.expr(*object)?;
                c.emit(Op::Swap);
                c.emit(Op::SetProp(k));
                c.emit(Op::Pop);
                Ok(())
            }
            Pattern::Index { object, index } => {
                c.expr(*object)?;
                c.emit(Op::Swap);
                c.expr(*index)?;
                c.emit(Op::Swap);
                c.emit(Op::SetIndex);
                c.emit(Op::Pop);
                Ok(())
            }
            Pattern::Object { props, rest } => {
                c.emit(Op::RequireObject);
                let mut keys = Vec::new();
                for p in props {
                    c.emit(Op::Dup);
                    match &p.key {
                        PropKey::Static(k) => {
                            let k = c.konst(k);
                            keys.push(Err(k));
                            c.emit(Op::GetProp(k));
                        }
                        PropKey::Computed(e) => {
                            c.expr(*e)?;
                            if rest.is_some() {
                                let t = c.temp("<key>");
                                c.emit(Op::Dup);
                                c.emit(Op::Store(t));
                                keys.push(Ok(t));
                            }
                            c.emit(Op::GetIndex);
                        }
                    }
                    if let Some(d) = p.default {
                        let j = c.emit(Op::JumpIfNotUndef(0));
                        c.expr(d)?;
                        c.patch_here(j);
                    }
                    c.bind_pattern(p.value, decl)?;
                }
                if let Some(r) = rest {
                    c.emit(Op::Dup);
                    for k in &keys {
                        match k {
                            Ok(t) => c.emit(Op::Load(*t)),
                            Err(k) => c.emit(Op::Str(*k)),
                        };
                    }
                    c.emit(Op::ObjectRest(keys.len() as u16));
                    c.bind_pattern(*r, decl)?;
                }
                c.emit(Op::Pop);
                Ok(())
            }
            Pattern::Array { elements, rest } => {
                c.emit(Op::IterArray);
                for (i, el) in elements.iter().enumerate() {
                    let Some(el) = el else { continue };
                    c.emit(Op::Dup);
                    c.emit(Op::Num(i as f64));
                    c.emit(Op::GetIndex);
                    if let Some(d) = el.default {
                        let j = c.emit(Op::JumpIfNotUndef(0));
                        c.expr(d)?;
                        c.patch_here(j);
                    }
                    c.bind_pattern(el.pattern, decl)?;
                }
                if let Some(r) = rest {
                    c.emit(Op::Dup);
                    c.emit(Op::SliceFrom(elements.len() as u32));
                    c.bind_pattern(*r, decl)?;
                }
                c.emit(Op::Pop);
                Ok(())
            }
        })
    }
}
