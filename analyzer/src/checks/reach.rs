//! Unreachable code: statements after `return`, `throw`, `break` or `continue` in the same list.

use text_size::TextRange;

use crate::diagnostic::Diagnostic;
use crate::ir::{FunctionBody, Module, Stmt, StmtId};

pub(super) fn check(module: &Module, diagnostics: &mut Vec<Diagnostic>) {
    for f in &module.functions {
        if let FunctionBody::Block(body) = &f.body {
            list(module, body, diagnostics);
        }
    }
    for stmt in &module.stmts {
        match stmt {
            Stmt::Block { body, .. } => list(module, body, diagnostics),
            Stmt::Switch { cases, .. } => {
                for case in cases {
                    list(module, &case.body, diagnostics);
                }
            }
            _ => {}
        }
    }
}

/// Warns about the statements of one list that follow one that always exits.
fn list(module: &Module, body: &[StmtId], diagnostics: &mut Vec<Diagnostic>) {
    let Some(exit) = body.iter().position(|s| always_exits(module, *s, 0)) else {
        return;
    };
    let dead: Vec<StmtId> = body[exit + 1..]
        .iter()
        .copied()
        .filter(|s| {
            !matches!(
                module.stmts.get(s.index()),
                Some(Stmt::FunctionDecl(_) | Stmt::Empty)
            )
        })
        .collect();
    if let (Some(first), Some(last)) = (dead.first(), dead.last()) {
        let range = TextRange::new(
            module.stmt_range(*first).start(),
            module
                .stmt_range(*last)
                .end()
                .max(module.stmt_range(*first).start()),
        );
        diagnostics.push(
            Diagnostic::warning("unreachable-code", range, "this code can never run").with_label(
                module.stmt_range(body[exit]),
                "because this statement always leaves before it",
            ),
        );
    }
}

/// True when the statement never completes normally.
fn always_exits(module: &Module, id: StmtId, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    match module.stmts.get(id.index()) {
        Some(Stmt::Return(_) | Stmt::Throw(_) | Stmt::Break | Stmt::Continue) => true,
        Some(Stmt::Block { body, .. }) => body.iter().any(|s| always_exits(module, *s, depth + 1)),
        Some(Stmt::If {
            then,
            otherwise: Some(otherwise),
            ..
        }) => always_exits(module, *then, depth + 1) && always_exits(module, *otherwise, depth + 1),
        Some(Stmt::Try {
            block,
            catch,
            finally,
        }) => {
            let body_exits = always_exits(module, *block, depth + 1)
                && catch
                    .as_ref()
                    .is_none_or(|c| always_exits(module, c.body, depth + 1));
            body_exits || finally.is_some_and(|f| always_exits(module, f, depth + 1))
        }
        _ => false,
    }
}
