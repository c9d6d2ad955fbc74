//! Expressions: literals, names and globals, operators, objects and arrays, functions,
//! member access, optional chains, calls and `await`.

use rhythm_analyzer::ir::{
    Argument, ArrayElement, Expr, ExprId, Literal, LogicalOp, NameRef, ObjectMember, PropKey,
    Resolution, UnaryOp,
};

use super::{Compiler, R, name_hint};
use crate::bytecode::Op;
use crate::catalog::Native;
use crate::value::Str;

impl Compiler<'_> {
    /// Compiles an expression for its effects only.
    pub(super) fn expr_discard(&mut self, id: ExprId) -> R {
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

    /// Compiles expression `id` at its range, leaving its value on the stack.
    pub(super) fn expr(&mut self, id: ExprId) -> R {
        let range = self.m.expr_range(id);
        self.with_range(range, |c| c.expr_inner(id))
    }

    /// Pushes global `name`: a value, a builtin, or a `ReferenceError` when it is unknown.
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

    /// Pushes the value a name refers to.
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
                if elements
                    .iter()
                    .all(|e| !matches!(e, ArrayElement::Spread(_)))
                {
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
                match m.expr(*e) {
                    Expr::Call {
                        callee,
                        args,
                        optional: false,
                    } if !args.iter().any(|a| a.spread)
                        && !matches!(m.expr(*callee), Expr::Member { .. })
                        && args.len() <= 255 =>
                    {
                        let (callee, args) = (*callee, args.clone());
                        let range = m.expr_range(*e);
                        self.with_range(range, |c| {
                            c.expr(callee)?;
                            for a in &args {
                                c.expr(a.expr)?;
                            }
                            c.with_range(m.expr_range(callee), |c| {
                                c.emit(Op::CallAwaited(args.len() as u8));
                                Ok(())
                            })
                        })?;
                    }
                    _ => self.expr(*e)?,
                }
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

    /// Short-circuits the innermost optional chain when the top is nullish (popping `pop`
    /// values).
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

    /// A call: a method call keeps its receiver, a builtin's static member is resolved at
    /// compile time, spread arguments go as one array.
    pub(super) fn call(&mut self, callee: ExprId, args: &[Argument], optional: bool) -> R {
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
}
