//! Document symbols: the outline of functions, constants and variables.

use rhythm_syntax::TextRange;

use crate::Analysis;
use crate::ir::{Expr, FunctionBody, Module, Pattern, Stmt, StmtId};

/// What a symbol is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// A function declaration or a `const` holding a function.
    Function,
    /// A `const`.
    Constant,
    /// A `let`.
    Variable,
}

/// One entry of the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSymbol {
    /// The name.
    pub name: String,
    /// What it is.
    pub kind: SymbolKind,
    /// The whole declaration.
    pub range: TextRange,
    /// The name at the declaration.
    pub selection: TextRange,
    /// Declarations inside a function.
    pub children: Vec<DocumentSymbol>,
}

/// The outline of the file: top-level declarations, and inside functions theirs.
pub fn document_symbols(analysis: &Analysis) -> Vec<DocumentSymbol> {
    let module = &analysis.module;
    match module.functions.first().map(|f| &f.body) {
        Some(FunctionBody::Block(body)) => stmts(module, body, 0),
        _ => Vec::new(),
    }
}

const MAX_DEPTH: usize = 64;

fn stmts(module: &Module, body: &[StmtId], depth: usize) -> Vec<DocumentSymbol> {
    let mut out = Vec::new();
    if depth > MAX_DEPTH {
        return out;
    }
    for &id in body {
        let range = module.stmt_range(id);
        match module.stmt(id) {
            Stmt::FunctionDecl(f) => {
                let Some(function) = module.functions.get(f.index()) else {
                    continue;
                };
                let Some(b) = function.name_binding else {
                    continue;
                };
                let binding = module.binding(b);
                out.push(DocumentSymbol {
                    name: binding.name.to_string(),
                    kind: SymbolKind::Function,
                    range,
                    selection: binding.range,
                    children: function_children(module, &function.body, depth),
                });
            }
            Stmt::Decl { kind, declarators } => {
                for d in declarators {
                    let mut names = Vec::new();
                    pattern_bindings(module, d.pattern, &mut names, 0);
                    let function = d.init.and_then(|e| match module.exprs.get(e.index()) {
                        Some(Expr::Function(f)) => module.functions.get(f.index()),
                        _ => None,
                    });
                    for b in names {
                        let binding = module.binding(b);
                        let (kind, children) = match function {
                            Some(f) if names_len_one(module, d.pattern) => (
                                SymbolKind::Function,
                                function_children(module, &f.body, depth),
                            ),
                            _ => (
                                match kind {
                                    crate::ir::DeclKind::Const => SymbolKind::Constant,
                                    crate::ir::DeclKind::Let => SymbolKind::Variable,
                                },
                                Vec::new(),
                            ),
                        };
                        out.push(DocumentSymbol {
                            name: binding.name.to_string(),
                            kind,
                            range,
                            selection: binding.range,
                            children,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn names_len_one(module: &Module, pattern: crate::ir::PatternId) -> bool {
    matches!(
        module.patterns.get(pattern.index()),
        Some(Pattern::Binding(_))
    )
}

fn function_children(module: &Module, body: &FunctionBody, depth: usize) -> Vec<DocumentSymbol> {
    match body {
        FunctionBody::Block(body) => stmts(module, body, depth + 1),
        FunctionBody::Expr(_) => Vec::new(),
    }
}

/// The bindings a declaration pattern introduces, in source order.
fn pattern_bindings(
    module: &Module,
    pattern: crate::ir::PatternId,
    out: &mut Vec<crate::ir::BindingId>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match module.patterns.get(pattern.index()) {
        Some(Pattern::Binding(b)) => out.push(*b),
        Some(Pattern::Object { props, rest }) => {
            for p in props {
                pattern_bindings(module, p.value, out, depth + 1);
            }
            if let Some(r) = rest {
                pattern_bindings(module, *r, out, depth + 1);
            }
        }
        Some(Pattern::Array { elements, rest }) => {
            for e in elements.iter().flatten() {
                pattern_bindings(module, e.pattern, out, depth + 1);
            }
            if let Some(r) = rest {
                pattern_bindings(module, *r, out, depth + 1);
            }
        }
        _ => {}
    }
}
