//! Lowering functions: declarations, expressions, arrows and object methods.

use rhythm_syntax::SyntaxKind;
use smol_str::SmolStr;
use text_size::TextSize;

use super::Lowerer;
use super::pattern::Mode;
use super::tree::{Node, child, first_expr, nodes, token, tokens};
use crate::diagnostic::Diagnostic;
use crate::ir::{
    BindingKind, Function, FunctionBody, FunctionId, Param, Pattern, ScopeId, ScopeKind,
};

/// What syntax a function came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FnKind {
    /// `function f() {}` as a statement.
    Decl,
    /// `function () {}` / `function g() {}` as an expression.
    Expr,
    /// `(a) => ...`.
    Arrow,
    /// `key() {}` in an object literal.
    Method,
}

impl Lowerer {
    /// Lowers a function node and returns its id.
    pub(super) fn function(&mut self, node: &Node<'_>, kind: FnKind) -> FunctionId {
        use SyntaxKind as K;
        let range = node.text_range();
        // Tokens before the body / arrow: `async`, `function`, `*`, the name.
        let body_start = child(node, &[K::BLOCK_STMT])
            .map(|b| b.text_range().start())
            .or_else(|| token(node, &[K::FAT_ARROW]).map(|t| t.text_range().start()))
            .unwrap_or(range.end());
        let params_node = child(node, &[K::PARAM_LIST]);
        let params_start = params_node
            .as_ref()
            .map_or(body_start, |p| p.text_range().start());
        let head: Vec<_> = tokens(node)
            .filter(|t| t.text_range().start() < params_start.min(body_start))
            .collect();
        let idents: Vec<_> = head.iter().filter(|t| t.kind() == K::IDENT).collect();
        let is_async = match kind {
            // `async x => ...` has two identifiers before the arrow; `x => ...` one.
            FnKind::Arrow if params_node.is_none() && child(node, &[K::IDENT_PAT]).is_none() => {
                idents.len() >= 2 && idents.first().is_some_and(|t| t.text() == "async")
            }
            FnKind::Method => {
                idents.first().is_some_and(|t| t.text() == "async")
                    && child(node, &[K::PROP_KEY]).is_some_and(|k| {
                        idents
                            .first()
                            .is_some_and(|t| t.text_range().end() <= k.text_range().start())
                    })
            }
            _ => idents.first().is_some_and(|t| t.text() == "async"),
        };
        if let Some(star) = head.iter().find(|t| t.kind() == K::STAR) {
            self.b.report(Diagnostic::error(
                "unsupported-generator",
                star.text_range(),
                "generator functions are not supported: return an array, or loop with `await`",
            ));
        }
        let name_token = match kind {
            FnKind::Decl | FnKind::Expr => {
                let function_kw = token(node, &[K::FUNCTION_KW]).map(|t| t.text_range().end());
                head.iter()
                    .find(|t| {
                        t.kind() == K::IDENT
                            && function_kw.is_some_and(|end| t.text_range().start() >= end)
                    })
                    .cloned()
            }
            _ => None,
        };
        let name = name_token.as_ref().map(|t| SmolStr::new(t.text()));
        // A declaration's name lives in the enclosing scope, hoisted (no dead zone).
        let mut name_binding = match (kind, &name_token) {
            (FnKind::Decl, Some(t)) => Some(self.b.declare(
                SmolStr::new(t.text()),
                BindingKind::Function,
                t.text_range(),
                TextSize::from(0),
            )),
            _ => None,
        };
        let id = self.b.function(Function {
            name: name.clone(),
            name_binding,
            params: Vec::new(),
            body: FunctionBody::Block(Vec::new()),
            is_async,
            is_arrow: kind == FnKind::Arrow,
            scope: ScopeId(0),
            parent: Some(self.b.current_function()),
            range,
        });
        self.b.enter_function(id);
        let scope = self.b.open_scope(ScopeKind::Function, range);
        // A named function expression sees its own name inside its body.
        if let (FnKind::Expr, Some(t)) = (kind, &name_token) {
            let b = self.b.declare(
                SmolStr::new(t.text()),
                BindingKind::Function,
                t.text_range(),
                TextSize::from(0),
            );
            self.b.unused_exempt.push(b);
            name_binding = Some(b);
        }
        let params = self.params(node, params_node.as_ref(), body_start);
        let body = match child(node, &[K::BLOCK_STMT]) {
            Some(block) => FunctionBody::Block(self.stmt_list(&block)),
            None => {
                let arrow_end = token(node, &[K::FAT_ARROW]).map(|t| t.text_range().end());
                let expr = nodes(node).find(|n| {
                    n.kind().is_expr() && arrow_end.is_some_and(|end| n.text_range().start() >= end)
                });
                FunctionBody::Expr(self.opt_expr(expr, range))
            }
        };
        self.b.close_scope();
        self.b.exit_function();
        if let Some(f) = self.b.function_mut(id) {
            f.scope = scope;
            f.params = params;
            f.body = body;
            f.name_binding = name_binding;
        }
        id
    }

    /// The parameters: from the `PARAM_LIST`, or the single bare parameter of `x => ...`.
    fn params(
        &mut self,
        node: &Node<'_>,
        list: Option<&Node<'_>>,
        body_start: TextSize,
    ) -> Vec<Param> {
        use SyntaxKind as K;
        let mode = Mode::Declare(BindingKind::Param, None);
        let Some(list) = list else {
            // `x => ...`: an IDENT_PAT / NAME_REF child or a bare identifier token.
            if let Some(p) = nodes(node).find(|n| {
                (n.kind().is_pattern() || n.kind() == K::NAME_REF)
                    && n.text_range().start() < body_start
            }) {
                let pattern = self.pattern(&p, mode);
                return vec![Param {
                    pattern,
                    default: None,
                    rest: false,
                }];
            }
            let idents: Vec<_> = tokens(node)
                .filter(|t| t.kind() == K::IDENT && t.text_range().start() < body_start)
                .collect();
            return match idents.last() {
                Some(t) => {
                    let b = self.b.declare(
                        SmolStr::new(t.text()),
                        BindingKind::Param,
                        t.text_range(),
                        TextSize::from(0),
                    );
                    let pattern = self.b.pattern(Pattern::Binding(b), t.text_range());
                    vec![Param {
                        pattern,
                        default: None,
                        rest: false,
                    }]
                }
                None => Vec::new(),
            };
        };
        let mut params = Vec::new();
        for p in nodes(list) {
            match p.kind() {
                K::REST_PAT => {
                    let pattern = match nodes(&p).next() {
                        Some(inner) => self.pattern(&inner, mode),
                        None => self.b.pattern(Pattern::Missing, p.text_range()),
                    };
                    params.push(Param {
                        pattern,
                        default: None,
                        rest: true,
                    });
                }
                K::ASSIGN_PAT => {
                    let target = nodes(&p).next();
                    let eq_end = token(&p, &[K::EQ]).map(|t| t.text_range().end());
                    let pattern = match target {
                        Some(t) => self.pattern(&t, mode),
                        None => self.b.pattern(Pattern::Missing, p.text_range()),
                    };
                    let default = eq_end
                        .and_then(|end| {
                            nodes(&p).find(|n| n.kind().is_expr() && n.text_range().start() >= end)
                        })
                        .map(|d| self.expr(&d));
                    params.push(Param {
                        pattern,
                        default,
                        rest: false,
                    });
                }
                k if k.is_pattern() || k == K::NAME_REF => {
                    let pattern = self.pattern(&p, mode);
                    params.push(Param {
                        pattern,
                        default: None,
                        rest: false,
                    });
                }
                _ => {
                    let _ = first_expr(&p);
                }
            }
        }
        params
    }
}
