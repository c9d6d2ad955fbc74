//! Just enough type inference for member completion and hover: the type of an expression
//! when it is obvious (a literal, `new Date()`, a catalog method's documented result, a
//! `const` initialized with one of those).

use crate::catalog::ValueType;
use crate::ir::{
    BindingId, BindingKind, Expr, ExprId, Literal, Module, NameRef, Pattern, Resolution, Stmt,
};

/// How deep inference follows bindings and calls (guards `const a = b, b = a`).
const MAX_DEPTH: u32 = 16;

/// The value type of `expr`, when obvious.
pub(crate) fn type_of_expr(module: &Module, expr: ExprId) -> Option<ValueType> {
    expr_type(module, expr, 0)
}

/// The value type of a binding, when obvious.
pub(crate) fn type_of_binding(module: &Module, binding: BindingId) -> Option<ValueType> {
    binding_type(module, binding, 0)
}

fn expr_type(module: &Module, expr: ExprId, depth: u32) -> Option<ValueType> {
    if depth > MAX_DEPTH {
        return None;
    }
    match module.exprs.get(expr.index())? {
        Expr::Literal(Literal::String(_)) | Expr::Template { .. } => Some(ValueType::String),
        Expr::Literal(Literal::Number(_)) => Some(ValueType::Number),
        Expr::Array(_) => Some(ValueType::Array),
        Expr::Paren(inner) => expr_type(module, *inner, depth + 1),
        Expr::Name(NameRef {
            resolution: Resolution::Local(b),
            ..
        }) => binding_type(module, *b, depth + 1),
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
                    let l = expr_type(module, *lhs, depth + 1);
                    let r = expr_type(module, *rhs, depth + 1);
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
            } => {
                let member = crate::ide::locate::member_of(module, *object, property)?;
                type_named(member.returns)
            }
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
        } => {
            let member = crate::ide::locate::member_of(module, *object, property)?;
            type_named(member.returns)
        }
        _ => None,
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

fn binding_type(module: &Module, binding: BindingId, depth: u32) -> Option<ValueType> {
    let b = module.bindings.get(binding.index())?;
    match b.kind {
        BindingKind::CatchParam => return Some(ValueType::Error),
        BindingKind::Const => {}
        BindingKind::Let if !b.reassigned => {}
        _ => return None,
    }
    let init = initializer(module, binding)?;
    expr_type(module, init, depth + 1)
}

/// The initializer of a binding declared directly as `const name = init`.
fn initializer(module: &Module, binding: BindingId) -> Option<ExprId> {
    module.stmts.iter().find_map(|stmt| match stmt {
        Stmt::Decl { declarators, .. } => {
            declarators
                .iter()
                .find_map(|d| match module.patterns.get(d.pattern.index()) {
                    Some(Pattern::Binding(b)) if *b == binding => d.init,
                    _ => None,
                })
        }
        _ => None,
    })
}

/// A short description of a binding's type for hovers and completion details.
pub(crate) fn describe_binding(module: &Module, binding: BindingId) -> Option<&'static str> {
    Some(match type_of_binding(module, binding)? {
        ValueType::String => "string",
        ValueType::Number => "number",
        ValueType::Array => "array",
        ValueType::Date => "Date",
        ValueType::Error => "Error",
    })
}
