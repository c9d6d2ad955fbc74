//! Just enough type inference for member completion and hover: the type of an expression
//! when it is obvious (a literal, `new Date()`, a catalog method's documented result, a
//! `const` initialized with one of those).

use std::collections::HashMap;

use crate::catalog::{self, GlobalKind, Member, ValueType};
use crate::ir::{
    BindingId, BindingKind, Expr, ExprId, Literal, Module, NameRef, Pattern, Resolution, Stmt,
};

/// How deep inference follows bindings and calls (guards `const a = b, b = a`).
const MAX_DEPTH: u32 = 16;

/// What a member access is made on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Receiver {
    /// A global with static members (`Task`, `Math`, `Date`).
    Global(&'static catalog::Global),
    /// A value of a known type.
    Value(ValueType),
}

impl Receiver {
    /// The members available on this receiver.
    pub(crate) fn members(self) -> &'static [Member] {
        match self {
            Receiver::Global(g) => g.members,
            Receiver::Value(ty) => catalog::members_of(ty),
        }
    }
}

/// Type inference over one module; build once per request (it indexes initializers).
pub(crate) struct Types<'a> {
    module: &'a Module,
    /// The initializer of each binding declared as `name = init`.
    inits: HashMap<BindingId, ExprId>,
}

impl<'a> Types<'a> {
    /// Indexes the module's initializers.
    pub(crate) fn new(module: &'a Module) -> Self {
        let mut inits = HashMap::new();
        for stmt in &module.stmts {
            if let Stmt::Decl { declarators, .. } = stmt {
                for d in declarators {
                    if let (Some(Pattern::Binding(b)), Some(init)) =
                        (module.patterns.get(d.pattern.index()), d.init)
                    {
                        inits.insert(*b, init);
                    }
                }
            }
        }
        Types { module, inits }
    }

    /// The catalog member `object.property` denotes, when the object is a global namespace
    /// (not shadowed) or a value whose type is known.
    pub(crate) fn member_of(&self, object: ExprId, property: &str) -> Option<&'static Member> {
        self.member_at(object, property, 0)
    }

    /// What `expr` is as the object of a member access.
    pub(crate) fn receiver(&self, expr: ExprId) -> Option<Receiver> {
        self.receiver_at(expr, 0)
    }

    /// A short description of a binding's type for hovers and completion details.
    pub(crate) fn describe_binding(&self, binding: BindingId) -> Option<&'static str> {
        Some(match self.binding_type(binding, 0)? {
            ValueType::String => "string",
            ValueType::Number => "number",
            ValueType::Array => "array",
            ValueType::Date => "Date",
            ValueType::Error => "Error",
        })
    }

    fn member_at(&self, object: ExprId, property: &str, depth: u32) -> Option<&'static Member> {
        match self.receiver_at(object, depth)? {
            Receiver::Global(g) => g.member(property),
            Receiver::Value(ty) => catalog::member_of(ty, property),
        }
    }

    fn receiver_at(&self, expr: ExprId, depth: u32) -> Option<Receiver> {
        if let Some(Expr::Name(NameRef {
            resolution: Resolution::Global(g),
            ..
        })) = self.module.exprs.get(expr.index())
        {
            let global = catalog::global(g)?;
            return match global.kind {
                GlobalKind::Namespace | GlobalKind::Constructor | GlobalKind::Value
                    if !global.members.is_empty() =>
                {
                    Some(Receiver::Global(global))
                }
                _ => None,
            };
        }
        self.expr_type(expr, depth).map(Receiver::Value)
    }

    fn expr_type(&self, expr: ExprId, depth: u32) -> Option<ValueType> {
        if depth > MAX_DEPTH {
            return None;
        }
        let module = self.module;
        match module.exprs.get(expr.index())? {
            Expr::Literal(Literal::String(_)) | Expr::Template { .. } => Some(ValueType::String),
            Expr::Literal(Literal::Number(_)) => Some(ValueType::Number),
            Expr::Array(_) => Some(ValueType::Array),
            Expr::Paren(inner) => self.expr_type(*inner, depth + 1),
            Expr::Name(NameRef {
                resolution: Resolution::Local(b),
                ..
            }) => self.binding_type(*b, depth + 1),
            Expr::New { callee, .. } => match module.exprs.get(callee.index())? {
                Expr::Name(NameRef {
                    resolution: Resolution::Global(g),
                    ..
                }) => match g.as_str() {
                    "Date" => Some(ValueType::Date),
                    "Error" => Some(ValueType::Error),
                    _ => None,
                },
                _ => None,
            },
            Expr::Binary { op, lhs, rhs } => {
                use crate::ir::BinaryOp::*;
                match op {
                    Add => {
                        let l = self.expr_type(*lhs, depth + 1);
                        let r = self.expr_type(*rhs, depth + 1);
                        match (l, r) {
                            (Some(ValueType::String), _) | (_, Some(ValueType::String)) => {
                                Some(ValueType::String)
                            }
                            (Some(ValueType::Number), Some(ValueType::Number)) => {
                                Some(ValueType::Number)
                            }
                            _ => None,
                        }
                    }
                    Sub | Mul | Div | Rem | Pow => Some(ValueType::Number),
                    _ => None,
                }
            }
            Expr::Call { callee, .. } => match module.exprs.get(callee.index())? {
                Expr::Member {
                    object, property, ..
                } => type_named(self.member_at(*object, property, depth + 1)?.returns),
                Expr::Name(NameRef {
                    resolution: Resolution::Global(g),
                    ..
                }) => match g.as_str() {
                    "String" => Some(ValueType::String),
                    "Number" | "parseInt" | "parseFloat" => Some(ValueType::Number),
                    _ => None,
                },
                _ => None,
            },
            Expr::Member {
                object, property, ..
            } => type_named(self.member_at(*object, property, depth + 1)?.returns),
            _ => None,
        }
    }

    fn binding_type(&self, binding: BindingId, depth: u32) -> Option<ValueType> {
        let b = self.module.bindings.get(binding.index())?;
        match b.kind {
            BindingKind::CatchParam => return Some(ValueType::Error),
            BindingKind::Const => {}
            BindingKind::Let if !b.reassigned => {}
            _ => return None,
        }
        let init = *self.inits.get(&binding)?;
        self.expr_type(init, depth + 1)
    }
}

/// A catalog type string as a value type (`string`, `number`, `any[]`, `Date`).
fn type_named(ty: &str) -> Option<ValueType> {
    match ty {
        "string" => Some(ValueType::String),
        "number" => Some(ValueType::Number),
        "Date" => Some(ValueType::Date),
        "Error" => Some(ValueType::Error),
        t if t.ends_with("[]") => Some(ValueType::Array),
        _ => None,
    }
}
