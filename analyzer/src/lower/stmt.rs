//! Lowering statements.

use rhythm_syntax::SyntaxKind;
use text_size::{TextRange, TextSize};

use super::Lowerer;
use super::pattern::Mode;
use super::tree::{
    Node, body_after_paren, child, exprs, first_expr, first_stmt, nodes, token, tokens,
};
use crate::diagnostic::{Diagnostic, Fix, TextEdit};
use crate::ir::{
    BindingKind, CatchClause, DeclKind, Declarator, ForHead, ForInit, ScopeKind, Stmt, StmtId,
    SwitchCase,
};

impl Lowerer {
    /// Lowers the statement children of a node (a script, block or case) in order.
    pub(super) fn stmt_list(&mut self, node: &Node<'_>) -> Vec<StmtId> {
        nodes(node)
            .filter(|n| n.kind().is_stmt() || n.kind() == SyntaxKind::ERROR)
            .map(|n| self.stmt(&n))
            .collect()
    }

    /// Lowers an optional statement (a missing one becomes [`Stmt::Missing`]).
    fn opt_stmt(&mut self, node: Option<Node<'_>>, fallback: TextRange) -> StmtId {
        match node {
            Some(n) => self.stmt(&n),
            None => self.b.stmt(Stmt::Missing, TextRange::empty(fallback.end())),
        }
    }

    /// Lowers one statement.
    pub(super) fn stmt(&mut self, node: &Node<'_>) -> StmtId {
        let range = node.text_range();
        if !self.descend(range) {
            return self.b.stmt(Stmt::Missing, range);
        }
        let stmt = self.stmt_inner(node, range);
        self.ascend();
        stmt
    }

    fn stmt_inner(&mut self, node: &Node<'_>, range: TextRange) -> StmtId {
        use SyntaxKind as K;
        let stmt = match node.kind() {
            K::VAR_DECL => {
                let (kind, declarators) = self.declaration(node, None);
                Stmt::Decl { kind, declarators }
            }
            K::EXPR_STMT => Stmt::Expr(self.opt_expr(first_expr(node), range)),
            K::BLOCK_STMT => return self.block(node),
            K::EMPTY_STMT => Stmt::Empty,
            K::IF_STMT => {
                let cond = self.opt_expr(first_expr(node), range);
                let then = self.opt_stmt(body_after_paren(node), range);
                let otherwise = child(node, &[K::ELSE_CLAUSE])
                    .map(|e| self.opt_stmt(first_stmt(&e), e.text_range()));
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                }
            }
            K::WHILE_STMT => {
                let cond = self.opt_expr(first_expr(node), range);
                let body = self.loop_body(body_after_paren(node), range);
                Stmt::While { cond, body }
            }
            K::DO_WHILE_STMT => {
                let body = self.loop_body(first_stmt(node), range);
                let cond = self.opt_expr(first_expr(node), range);
                Stmt::DoWhile { body, cond }
            }
            K::FOR_STMT => self.for_stmt(node, range),
            K::FOR_OF_STMT | K::FOR_IN_STMT => self.for_each(node, range),
            K::BREAK_STMT | K::CONTINUE_STMT => self.jump(node, range),
            K::RETURN_STMT => Stmt::Return(first_expr(node).map(|e| self.expr(&e))),
            K::THROW_STMT => Stmt::Throw(self.opt_expr(first_expr(node), range)),
            K::TRY_STMT => self.try_stmt(node, range),
            K::FUNCTION_DECL => {
                Stmt::FunctionDecl(self.function(node, super::function::FnKind::Decl))
            }
            K::SWITCH_STMT => self.switch(node, range),
            K::LABELED_STMT => {
                let label = token(node, &[K::IDENT]).map_or(range, |t| t.text_range());
                self.b.report(Diagnostic::error(
                    "unsupported-label",
                    label,
                    "labels are not supported: move the inner loop into a function and `return`, \
                     or use a flag with `break`",
                ));
                return match first_stmt(node) {
                    Some(inner) => self.stmt(&inner),
                    None => self.b.stmt(Stmt::Missing, range),
                };
            }
            K::EXPORT_DECL => {
                let kw = token(node, &[K::EXPORT_KW]).map_or(range, |t| t.text_range());
                self.b.report(Diagnostic::error(
                    "unsupported-module",
                    kw,
                    "`export` is not supported: a workflow is one file; give results with `return`",
                ));
                return match first_stmt(node) {
                    Some(inner) => self.stmt(&inner),
                    None => self.b.stmt(Stmt::Missing, range),
                };
            }
            K::CLASS_DECL | K::IMPORT_DECL | K::WITH_STMT | K::DEBUGGER_STMT => {
                self.unsupported_stmt(node);
                if node.kind() == K::CLASS_DECL
                    && let Some(name) = token(node, &[K::IDENT])
                {
                    // Declared anyway, so its uses do not also report unknown names.
                    let b = self.b.declare(
                        name.text().into(),
                        BindingKind::Const,
                        name.text_range(),
                        TextSize::from(0),
                    );
                    self.b.unused_exempt.push(b);
                }
                Stmt::Missing
            }
            _ => Stmt::Missing,
        };
        self.b.stmt(stmt, range)
    }

    /// `{ ... }` with its own block scope.
    pub(super) fn block(&mut self, node: &Node<'_>) -> StmtId {
        let range = node.text_range();
        let scope = self.b.open_scope(ScopeKind::Block, range);
        let body = self.stmt_list(node);
        self.b.close_scope();
        self.b.stmt(Stmt::Block { scope, body }, range)
    }

    fn loop_body(&mut self, node: Option<Node<'_>>, range: TextRange) -> StmtId {
        if let Some(f) = self.b.fn_state() {
            f.loops += 1;
        }
        let body = self.opt_stmt(node, range);
        if let Some(f) = self.b.fn_state() {
            f.loops = f.loops.saturating_sub(1);
        }
        body
    }

    /// `let` / `const` / `var` with its declarators. `in_for_each`: the head of a for-in/of
    /// (no initializer required; the dead zone lasts until the iterable is evaluated).
    fn declaration(
        &mut self,
        node: &Node<'_>,
        for_each_iterable: Option<TextRange>,
    ) -> (DeclKind, Vec<Declarator>) {
        let in_for_each = for_each_iterable.is_some();
        use SyntaxKind as K;
        let keyword = token(node, &[K::LET_KW, K::CONST_KW, K::VAR_KW]);
        let kind = match keyword.as_ref().map(|t| t.kind()) {
            Some(K::CONST_KW) => DeclKind::Const,
            Some(K::VAR_KW) => {
                if let Some(kw) = &keyword {
                    self.b.report(
                        Diagnostic::error(
                            "unsupported-var",
                            kw.text_range(),
                            "`var` is not supported: use `let` (or `const` if it is never \
                             reassigned)",
                        )
                        .with_fix(Fix {
                            title: "Replace `var` with `let`".into(),
                            edits: vec![TextEdit {
                                range: kw.text_range(),
                                new_text: "let".into(),
                            }],
                        }),
                    );
                }
                DeclKind::Let
            }
            _ => DeclKind::Let,
        };
        let binding_kind = match kind {
            DeclKind::Let => BindingKind::Let,
            DeclKind::Const => BindingKind::Const,
        };
        let mut declarators = Vec::new();
        let list: Vec<Node<'_>> = {
            let ds: Vec<Node<'_>> = nodes(node).filter(|n| n.kind() == K::DECLARATOR).collect();
            if ds.is_empty() { vec![*node] } else { ds }
        };
        for d in list {
            let target = nodes(&d).find(|n| n.kind().is_pattern() || n.kind() == K::NAME_REF);
            let init_node = first_expr_after_eq(&d);
            let init_range = for_each_iterable.or(init_node.as_ref().map(|n| n.text_range()));
            let pattern = match target {
                Some(t) => self.pattern(&t, Mode::Declare(binding_kind, init_range)),
                None => self.b.pattern(crate::ir::Pattern::Missing, d.text_range()),
            };
            if init_node.is_none() && kind == DeclKind::Const && !in_for_each {
                self.b.report(Diagnostic::error(
                    "missing-initializer",
                    d.text_range(),
                    "a `const` declaration needs a value: `const name = value`",
                ));
            }
            let init = init_node.map(|e| self.expr(&e));
            declarators.push(Declarator { pattern, init });
        }
        (kind, declarators)
    }

    fn for_stmt(&mut self, node: &Node<'_>, range: TextRange) -> Stmt {
        use SyntaxKind as K;
        let scope = self.b.open_scope(ScopeKind::Loop, range);
        let init = child(node, &[K::FOR_INIT]).and_then(|i| {
            if let Some(decl) = child(&i, &[K::VAR_DECL]) {
                let (kind, declarators) = self.declaration(&decl, None);
                Some(ForInit::Decl { kind, declarators })
            } else {
                first_expr(&i).map(|e| ForInit::Expr(self.expr(&e)))
            }
        });
        let test = child(node, &[K::FOR_TEST])
            .and_then(|t| first_expr(&t))
            .map(|e| self.expr(&e));
        let update = child(node, &[K::FOR_UPDATE])
            .and_then(|t| first_expr(&t))
            .map(|e| self.expr(&e));
        let body = self.loop_body(body_after_paren(node), range);
        self.b.close_scope();
        Stmt::For {
            scope,
            init,
            test,
            update,
            body,
        }
    }

    fn for_each(&mut self, node: &Node<'_>, range: TextRange) -> Stmt {
        use SyntaxKind as K;
        let scope = self.b.open_scope(ScopeKind::Loop, range);
        let decl = child(node, &[K::VAR_DECL]);
        let all_exprs = exprs(node);
        let iterable_range = all_exprs.last().map(|e| e.text_range());
        let (head, iterable_node) = match &decl {
            Some(d) => {
                let (kind, mut declarators) =
                    self.declaration(d, Some(iterable_range.unwrap_or(range)));
                let pattern = match declarators.pop() {
                    Some(first) if declarators.is_empty() => first.pattern,
                    Some(last) => last.pattern,
                    None => self.b.pattern(crate::ir::Pattern::Missing, d.text_range()),
                };
                (ForHead::Decl { kind, pattern }, all_exprs.last().cloned())
            }
            None => {
                let target = nodes(node).find(|n| n.kind().is_expr() || n.kind().is_pattern());
                let head = match &target {
                    Some(t) => ForHead::Target(self.pattern(t, Mode::Assign { also_read: false })),
                    None => ForHead::Target(self.b.pattern(crate::ir::Pattern::Missing, range)),
                };
                let iterable = all_exprs
                    .iter()
                    .rfind(|e| target.as_ref() != Some(*e))
                    .cloned();
                (head, iterable)
            }
        };
        let iterable = self.opt_expr(iterable_node, range);
        let body = self.loop_body(body_after_paren(node), range);
        self.b.close_scope();
        if node.kind() == K::FOR_OF_STMT {
            Stmt::ForOf {
                scope,
                head,
                iterable,
                body,
            }
        } else {
            Stmt::ForIn {
                scope,
                head,
                object: iterable,
                body,
            }
        }
    }

    fn jump(&mut self, node: &Node<'_>, range: TextRange) -> Stmt {
        use SyntaxKind as K;
        let is_break = node.kind() == K::BREAK_STMT;
        if let Some(label) = token(node, &[K::IDENT]) {
            self.b.report(Diagnostic::error(
                "unsupported-label",
                label.text_range(),
                "labelled `break` / `continue` is not supported: move the loops into a function \
                 and `return`, or use a flag",
            ));
        }
        let (loops, switches) = self.b.fn_state().map_or((0, 0), |f| (f.loops, f.switches));
        if is_break && loops == 0 && switches == 0 {
            self.b.report(Diagnostic::error(
                "jump-outside-loop",
                range,
                "`break` can only be used inside a loop or `switch`",
            ));
        } else if !is_break && loops == 0 {
            self.b.report(Diagnostic::error(
                "jump-outside-loop",
                range,
                "`continue` can only be used inside a loop",
            ));
        }
        if is_break {
            Stmt::Break
        } else {
            Stmt::Continue
        }
    }

    fn try_stmt(&mut self, node: &Node<'_>, range: TextRange) -> Stmt {
        use SyntaxKind as K;
        let block = match child(node, &[K::BLOCK_STMT]) {
            Some(b) => self.block(&b),
            None => self.b.stmt(Stmt::Missing, range),
        };
        let catch = child(node, &[K::CATCH_CLAUSE]).map(|c| {
            let scope = self.b.open_scope(ScopeKind::Block, c.text_range());
            let param = nodes(&c)
                .find(|n| n.kind().is_pattern())
                .map(|p| self.pattern(&p, Mode::Declare(BindingKind::CatchParam, None)));
            let body = match child(&c, &[K::BLOCK_STMT]) {
                Some(b) => self.block(&b),
                None => self.b.stmt(Stmt::Missing, c.text_range()),
            };
            self.b.close_scope();
            CatchClause { scope, param, body }
        });
        let finally =
            child(node, &[K::FINALLY_CLAUSE]).map(|f| match child(&f, &[K::BLOCK_STMT]) {
                Some(b) => self.block(&b),
                None => self.b.stmt(Stmt::Missing, f.text_range()),
            });
        Stmt::Try {
            block,
            catch,
            finally,
        }
    }

    fn switch(&mut self, node: &Node<'_>, range: TextRange) -> Stmt {
        use SyntaxKind as K;
        let discriminant = self.opt_expr(first_expr(node), range);
        let scope = self.b.open_scope(ScopeKind::Block, range);
        if let Some(f) = self.b.fn_state() {
            f.switches += 1;
        }
        let mut cases = Vec::new();
        for case in nodes(node).filter(|n| n.kind() == K::SWITCH_CASE) {
            let test = if token(&case, &[K::CASE_KW]).is_some() {
                Some(self.opt_expr(first_expr(&case), case.text_range()))
            } else {
                None
            };
            let body = self.stmt_list(&case);
            cases.push(SwitchCase { test, body });
        }
        if let Some(f) = self.b.fn_state() {
            f.switches = f.switches.saturating_sub(1);
        }
        self.b.close_scope();
        Stmt::Switch {
            discriminant,
            scope,
            cases,
        }
    }
}

/// The expression after `=` in a declarator (its initializer).
fn first_expr_after_eq<'a>(node: &Node<'a>) -> Option<Node<'a>> {
    let eq = tokens(node).find(|t| t.kind() == SyntaxKind::EQ)?;
    let after = eq.text_range().end();
    nodes(node).find(|n| n.kind().is_expr() && n.text_range().start() >= after)
}
