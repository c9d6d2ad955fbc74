//! Statements: lists with preserved blank lines, blocks, control flow, declarations.

use rhythm_syntax::{SyntaxElement, SyntaxKind, SyntaxNode, SyntaxToken};

use rhythm_syntax::read::{first_significant_token, has_child_token, significant_children};

use super::Gen;
use super::expr::needs_parens_as_object;
use crate::doc::*;

use SyntaxKind::*;

/// Whether an expression statement starting with this token needs a leading `;` when
/// semicolons are omitted (it would otherwise continue the previous line).
fn asi_hazard(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        L_PAREN | L_BRACK | BACKTICK | PLUS | MINUS | SLASH | REGEX | SLASH_EQ
    )
}

impl Gen<'_> {
    /// Statements one per line, keeping (at most) one blank line where the source had some.
    pub fn stmt_list(&mut self, nodes: &[SyntaxNode]) -> Doc {
        let mut parts = Vec::new();
        let mut count = 0;
        for node in nodes {
            if node.kind() == EMPTY_STMT {
                // Dropped; its comments stay.
                let docs: Vec<Doc> = significant_children(node)
                    .filter_map(SyntaxElement::into_token)
                    .map(|t| self.drop_tok(&t))
                    .collect();
                parts.push(concat(docs));
                continue;
            }
            if count > 0 {
                parts.push(Doc::LineStart);
                if first_significant_token(node).is_some_and(|t| self.blank_before(&t)) {
                    parts.push(Doc::BlankLine);
                }
            }
            count += 1;
            if node.kind() == EXPR_STMT
                && first_significant_token(node).is_some_and(|t| {
                    asi_hazard(t.kind()) || t.parent().is_some_and(|p| needs_parens_as_object(&p))
                })
            {
                self.asi = true;
            }
            parts.push(self.stmt(node));
            self.asi = false;
        }
        concat(parts)
    }

    /// One statement, its leading comments first.
    pub fn stmt(&mut self, node: &SyntaxNode) -> Doc {
        self.wrapped(node, Self::stmt_inner)
    }

    fn stmt_inner(&mut self, node: &SyntaxNode) -> Doc {
        match node.kind() {
            EXPR_STMT => self.simple_stmt(node, false),
            VAR_DECL => self.var_decl(node),
            RETURN_STMT | THROW_STMT | BREAK_STMT | CONTINUE_STMT => self.simple_stmt(node, true),
            BLOCK_STMT => self.block(node),
            EMPTY_STMT => self.generic_tokens(node),
            IF_STMT => self.if_stmt(node),
            FOR_STMT => self.for_stmt(node),
            FOR_IN_STMT | FOR_OF_STMT => self.for_in_of(node),
            WHILE_STMT => self.while_stmt(node),
            DO_WHILE_STMT => self.do_while(node),
            TRY_STMT | CATCH_CLAUSE | FINALLY_CLAUSE => self.spaced_parts(node),
            FUNCTION_DECL => self.function(node),
            SWITCH_STMT => self.switch(node),
            _ => self.verbatim(node),
        }
    }

    /// Tokens and nodes of a node, each formatted, without separators.
    fn generic_tokens(&mut self, node: &SyntaxNode) -> Doc {
        let mut parts = Vec::new();
        for e in significant_children(node) {
            parts.push(self.element(&e));
        }
        concat(parts)
    }

    /// A token or a node (expression or statement).
    pub fn element(&mut self, e: &SyntaxElement) -> Doc {
        match e {
            rhythm_syntax::SyntaxElement::Token(t) => self.tok(t),
            rhythm_syntax::SyntaxElement::Node(n) => self.any(n),
        }
    }

    /// Any node: statements and expressions alike.
    pub fn any(&mut self, node: &SyntaxNode) -> Doc {
        match node.kind() {
            k if k.is_stmt() || matches!(k, CATCH_CLAUSE | FINALLY_CLAUSE) => self.stmt(node),
            _ => self.expr(node),
        }
    }

    /// `expr`, `return expr`, `break label`...: parts separated by spaces, `;` dropped.
    fn simple_stmt(&mut self, node: &SyntaxNode, spaced: bool) -> Doc {
        let mut parts = Vec::new();
        let mut first = true;
        for e in significant_children(node) {
            if e.kind() == SEMICOLON {
                if let Some(t) = e.as_token() {
                    parts.push(self.drop_tok(t));
                }
                continue;
            }
            if spaced && !first {
                parts.push(text(" "));
            }
            first = false;
            parts.push(self.element(&e));
        }
        concat(parts)
    }

    /// `let a = 1, b` (the `;` dropped).
    fn var_decl(&mut self, node: &SyntaxNode) -> Doc {
        let elements: Vec<SyntaxElement> = significant_children(node).collect();
        let declarators: Vec<&SyntaxNode> = elements.iter().filter_map(|e| e.as_node()).collect();
        let multi_line = node.parent().is_none_or(|p| p.kind() != FOR_INIT)
            && declarators.len() > 1
            && declarators.iter().any(|d| has_child_token(d, EQ));
        let mut head = Vec::new();
        let mut rest = Vec::new();
        let mut seen_decl = false;
        let mut semicolon = None;
        for e in &elements {
            match e {
                rhythm_syntax::SyntaxElement::Token(t) if t.kind() == SEMICOLON => {
                    // Outside the declarators' indentation: a comment before the `;` stands
                    // on its own line, as it would before the next statement.
                    semicolon = Some(self.drop_tok(t));
                }
                rhythm_syntax::SyntaxElement::Token(t) if t.kind() == COMMA => {
                    let d = self.tok(t);
                    rest.push(d);
                    rest.push(if multi_line { Doc::HardLine } else { Doc::Line });
                }
                rhythm_syntax::SyntaxElement::Token(t) => {
                    let d = self.tok(t);
                    head.push(d);
                    head.push(text(" "));
                }
                rhythm_syntax::SyntaxElement::Node(n) => {
                    let d = self.expr(n);
                    if seen_decl {
                        rest.push(d);
                    } else {
                        head.push(d);
                    }
                    seen_decl = true;
                }
            }
        }
        head.push(indent(concat(rest)));
        head.extend(semicolon);
        group(concat(head))
    }

    /// `{ statements }`.
    pub fn block(&mut self, node: &SyntaxNode) -> Doc {
        let elements: Vec<SyntaxElement> = significant_children(node).collect();
        let stmts: Vec<SyntaxNode> = elements
            .iter()
            .filter_map(|e| e.as_node().cloned())
            .collect();
        let open = elements.first().and_then(|e| e.as_token().cloned());
        let close = elements
            .last()
            .and_then(|e| e.as_token().cloned())
            .filter(|t| t.kind() == R_CURLY);
        let open = match open {
            Some(t) => self.tok(&t),
            None => return self.verbatim(node),
        };
        let body = self.stmt_list(&stmts);
        let has_stmts = stmts.iter().any(|s| s.kind() != EMPTY_STMT);
        self.close_block(open, body, has_stmts, close.as_ref())
    }

    /// `open`, indented `body`, dangling comments, then the closing brace on its own line.
    pub fn close_block(
        &mut self,
        open: Doc,
        body: Doc,
        has_body: bool,
        close: Option<&SyntaxToken>,
    ) -> Doc {
        let Some(close) = close else {
            return concat(vec![open, body]);
        };
        let dangling = self.has_leading(close);
        let blank = has_body && self.blank_before(close);
        let (lead, close_doc) = self.tok_split_with(close, "}", false);
        if !has_body && !dangling {
            return concat(vec![open, body, close_doc]);
        }
        let mut inner = vec![Doc::HardLine, body];
        if dangling {
            if blank {
                inner.push(Doc::BlankLine);
            }
            inner.push(lead);
        }
        concat(vec![open, indent(concat(inner)), Doc::LineStart, close_doc])
    }

    /// The body of `if`/`for`/`while`: a block after a space, else an indented statement.
    fn clause(&mut self, node: &SyntaxNode) -> Doc {
        match node.kind() {
            BLOCK_STMT => concat(vec![text(" "), self.block(node)]),
            EMPTY_STMT => self.generic_tokens(node),
            _ => {
                let body = self.stmt(node);
                group(indent(concat(vec![Doc::Line, body])))
            }
        }
    }

    /// The `(test)` of `if`, `while`, `do … while` or `switch` starting at `elements[i]`, and how
    /// many elements it took (3, or 1 when the parentheses are broken and it is printed as it
    /// stands).
    fn paren_test_at(&mut self, elements: &[SyntaxElement], i: usize) -> (Doc, usize) {
        let open = elements.get(i);
        if let (Some(open), Some(test), Some(close)) = (
            open.and_then(|e| e.as_token()),
            elements.get(i + 1).and_then(|e| e.as_node()),
            elements.get(i + 2).and_then(|e| e.as_token()),
        ) {
            return (self.paren_test(open, test, close), 3);
        }
        (
            open.map_or_else(|| concat(Vec::new()), |e| self.element(e)),
            1,
        )
    }

    /// `( test )`, breaking inside the parentheses when too long.
    fn paren_test(&mut self, open: &SyntaxToken, test: &SyntaxNode, close: &SyntaxToken) -> Doc {
        let open = self.tok(open);
        let test = self.expr(test);
        let close = self.tok(close);
        concat(vec![
            open,
            group(concat(vec![
                indent(concat(vec![Doc::SoftLine, test])),
                Doc::SoftLine,
            ])),
            close,
        ])
    }

    fn if_stmt(&mut self, node: &SyntaxNode) -> Doc {
        let elements: Vec<SyntaxElement> = significant_children(node).collect();
        let mut parts = Vec::new();
        let mut i = 0;
        let mut cons_is_block = false;
        while i < elements.len() {
            let e = &elements[i];
            match e.kind() {
                IF_KW | WHILE_KW => {
                    parts.push(self.element(e));
                    parts.push(text(" "));
                }
                L_PAREN => {
                    let (doc, used) = self.paren_test_at(&elements, i);
                    parts.push(doc);
                    i += used;
                    continue;
                }
                ELSE_CLAUSE => {
                    if let Some(n) = e.as_node() {
                        parts.push(if cons_is_block {
                            text(" ")
                        } else {
                            Doc::HardLine
                        });
                        parts.push(self.else_clause(n));
                    }
                }
                _ => match e.as_node() {
                    Some(n) => {
                        cons_is_block = n.kind() == BLOCK_STMT;
                        parts.push(self.clause(n));
                    }
                    None => parts.push(self.element(e)),
                },
            }
            i += 1;
        }
        concat(parts)
    }

    fn else_clause(&mut self, node: &SyntaxNode) -> Doc {
        let mut parts = Vec::new();
        for e in significant_children(node) {
            match e.as_node() {
                Some(n) if n.kind() == IF_STMT => {
                    parts.push(text(" "));
                    parts.push(self.stmt(n));
                }
                Some(n) => parts.push(self.clause(n)),
                None => parts.push(self.element(&e)),
            }
        }
        concat(parts)
    }

    fn while_stmt(&mut self, node: &SyntaxNode) -> Doc {
        self.if_stmt(node)
    }

    fn do_while(&mut self, node: &SyntaxNode) -> Doc {
        let elements: Vec<SyntaxElement> = significant_children(node).collect();
        let mut parts = Vec::new();
        let mut body_is_block = false;
        let mut i = 0;
        while i < elements.len() {
            let e = &elements[i];
            match e.kind() {
                DO_KW => parts.push(self.element(e)),
                WHILE_KW => {
                    parts.push(if body_is_block {
                        text(" ")
                    } else {
                        Doc::HardLine
                    });
                    parts.push(self.element(e));
                    parts.push(text(" "));
                }
                L_PAREN => {
                    let (doc, used) = self.paren_test_at(&elements, i);
                    parts.push(doc);
                    i += used;
                    continue;
                }
                SEMICOLON => {
                    if let Some(t) = e.as_token() {
                        parts.push(self.drop_tok(t));
                    }
                }
                _ => match e.as_node() {
                    Some(n) => {
                        body_is_block = n.kind() == BLOCK_STMT;
                        if n.kind() == EMPTY_STMT {
                            parts.push(text(" "));
                            parts.push(self.generic_tokens(n));
                        } else {
                            parts.push(self.clause(n));
                        }
                    }
                    None => parts.push(self.element(e)),
                },
            }
            i += 1;
        }
        concat(parts)
    }

    fn for_stmt(&mut self, node: &SyntaxNode) -> Doc {
        let elements: Vec<SyntaxElement> = significant_children(node).collect();
        let mut parts = Vec::new();
        let mut header = Vec::new();
        let mut in_header = false;
        for (i, e) in elements.iter().enumerate() {
            match e.kind() {
                FOR_KW => {
                    parts.push(self.element(e));
                    parts.push(text(" "));
                }
                L_PAREN if !in_header => {
                    in_header = true;
                    parts.push(self.element(e));
                }
                SEMICOLON if in_header => {
                    header.push(self.element(e));
                    let next = elements.get(i + 1).map(|n| n.kind());
                    if matches!(next, Some(FOR_TEST | FOR_UPDATE)) {
                        header.push(Doc::Line);
                    }
                }
                R_PAREN if in_header => {
                    in_header = false;
                    parts.push(group(concat(vec![
                        indent(concat(vec![
                            Doc::SoftLine,
                            concat(std::mem::take(&mut header)),
                        ])),
                        Doc::SoftLine,
                    ])));
                    parts.push(self.element(e));
                }
                FOR_INIT | FOR_TEST | FOR_UPDATE => {
                    let mut inner = Vec::new();
                    if let Some(n) = e.as_node() {
                        for c in significant_children(n) {
                            inner.push(self.element(&c));
                        }
                    }
                    header.push(concat(inner));
                }
                _ => match e.as_node() {
                    Some(n) if !in_header => parts.push(self.clause(n)),
                    _ => {
                        let d = self.element(e);
                        if in_header {
                            header.push(d)
                        } else {
                            parts.push(d)
                        }
                    }
                },
            }
        }
        concat(parts)
    }

    fn for_in_of(&mut self, node: &SyntaxNode) -> Doc {
        let elements: Vec<SyntaxElement> = significant_children(node).collect();
        let mut parts = Vec::new();
        let mut in_header = false;
        for e in &elements {
            match e.kind() {
                FOR_KW | AWAIT_KW => {
                    parts.push(self.element(e));
                    parts.push(text(" "));
                }
                L_PAREN if !in_header => {
                    in_header = true;
                    parts.push(self.element(e));
                }
                R_PAREN if in_header => {
                    in_header = false;
                    parts.push(self.element(e));
                }
                IN_KW | IDENT if in_header => {
                    parts.push(text(" "));
                    parts.push(self.element(e));
                    parts.push(text(" "));
                }
                _ => match e.as_node() {
                    Some(n) if !in_header => parts.push(self.clause(n)),
                    _ => parts.push(self.element(e)),
                },
            }
        }
        concat(parts)
    }

    /// `try {} catch (e) {} finally {}` and its clauses: parts separated by single spaces,
    /// except inside the catch parentheses.
    fn spaced_parts(&mut self, node: &SyntaxNode) -> Doc {
        let mut parts = Vec::new();
        let mut prev: Option<SyntaxKind> = None;
        for e in significant_children(node) {
            let kind = e.kind();
            if let Some(p) = prev
                && p != L_PAREN
                && kind != R_PAREN
            {
                parts.push(text(" "));
            }
            prev = Some(kind);
            parts.push(self.element(&e));
        }
        concat(parts)
    }

    fn switch(&mut self, node: &SyntaxNode) -> Doc {
        let elements: Vec<SyntaxElement> = significant_children(node).collect();
        let mut parts = Vec::new();
        let mut i = 0;
        let mut cases: Vec<SyntaxNode> = Vec::new();
        let mut open = None;
        let mut close = None;
        while i < elements.len() {
            let e = &elements[i];
            match e.kind() {
                SWITCH_KW => {
                    parts.push(self.element(e));
                    parts.push(text(" "));
                }
                L_PAREN => {
                    let (doc, used) = self.paren_test_at(&elements, i);
                    parts.push(doc);
                    i += used;
                    continue;
                }
                L_CURLY => open = e.as_token().cloned(),
                R_CURLY => close = e.as_token().cloned(),
                SWITCH_CASE => {
                    if let Some(n) = e.as_node() {
                        cases.push(n.clone());
                    }
                }
                _ => parts.push(self.element(e)),
            }
            i += 1;
        }
        let Some(open) = open else {
            return self.verbatim(node);
        };
        let open = self.tok(&open);
        let mut body = Vec::new();
        for (k, case) in cases.iter().enumerate() {
            if k > 0 {
                body.push(Doc::LineStart);
                if first_significant_token(case).is_some_and(|t| self.blank_before(&t)) {
                    body.push(Doc::BlankLine);
                }
            }
            body.push(self.switch_case(case));
        }
        parts.push(text(" "));
        let has_cases = !cases.is_empty();
        parts.push(self.close_block(open, concat(body), has_cases, close.as_ref()));
        concat(parts)
    }

    fn switch_case(&mut self, node: &SyntaxNode) -> Doc {
        let mut head = Vec::new();
        let mut stmts = Vec::new();
        let mut seen_colon = false;
        for e in significant_children(node) {
            if seen_colon {
                if let Some(n) = e.as_node() {
                    stmts.push(n.clone());
                }
                continue;
            }
            match e.kind() {
                CASE_KW => {
                    head.push(self.element(&e));
                    head.push(text(" "));
                }
                COLON => {
                    seen_colon = true;
                    head.push(self.element(&e));
                }
                _ => head.push(self.element(&e)),
            }
        }
        let real: Vec<&SyntaxNode> = stmts.iter().filter(|s| s.kind() != EMPTY_STMT).collect();
        if real.len() == 1 && real[0].kind() == BLOCK_STMT && stmts.len() == 1 {
            head.push(text(" "));
            head.push(self.block(&stmts[0]));
        } else if !stmts.is_empty() {
            let body = self.stmt_list(&stmts);
            head.push(indent(concat(vec![Doc::HardLine, body])));
        }
        concat(head)
    }
}
