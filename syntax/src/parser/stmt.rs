//! Statements: recursive descent, with automatic semicolon insertion as JavaScript does it.

use text_size::TextRange;

use super::Parser;
use crate::SyntaxKind::{self, *};

impl Parser<'_> {
    /// Parses statements until one of `ends` (or the end of the file).
    pub(crate) fn stmt_list(&mut self, ends: &[SyntaxKind]) {
        loop {
            let k = self.current();
            if k == EOF || ends.contains(&k) {
                break;
            }
            let before = self.pos;
            self.statement();
            if self.pos == before {
                self.bump_error();
            }
        }
    }

    /// Ends a statement: `;`, or a line break / `}` / end of file before the next token.
    pub(crate) fn semi(&mut self) {
        if self.at(SEMICOLON) {
            self.bump();
            return;
        }
        if self.at(R_CURLY) || self.at(EOF) || self.nl_before() {
            return;
        }
        if self.at(ERROR_TOKEN) {
            // Already reported by the lexer.
            return;
        }
        let message = format!(
            "expected `;` or a line break after the statement, found {}",
            self.describe_current()
        );
        self.error(message);
    }

    pub(crate) fn statement(&mut self) {
        if !self.enter() {
            return;
        }
        match self.current() {
            L_CURLY => self.block(),
            SEMICOLON => {
                self.start(EMPTY_STMT);
                self.bump();
                self.finish();
            }
            LET_KW | CONST_KW | VAR_KW => self.var_decl_stmt(),
            IF_KW => self.if_stmt(),
            FOR_KW => self.for_stmt(),
            WHILE_KW => self.while_stmt(),
            DO_KW => self.do_while_stmt(),
            BREAK_KW => self.jump_stmt(BREAK_STMT),
            CONTINUE_KW => self.jump_stmt(CONTINUE_STMT),
            RETURN_KW => self.return_stmt(),
            THROW_KW => self.throw_stmt(),
            TRY_KW => self.try_stmt(),
            FUNCTION_KW => self.function(FUNCTION_DECL),
            IDENT
                if self.at_contextual("async")
                    && self.nth(1) == FUNCTION_KW
                    && !self.nl_before_nth(1) =>
            {
                self.function(FUNCTION_DECL)
            }
            SWITCH_KW => self.switch_stmt(),
            CLASS_KW => self.class(CLASS_DECL),
            IMPORT_KW if !matches!(self.nth(1), L_PAREN | DOT) => self.import_decl(),
            EXPORT_KW => self.export_decl(),
            WITH_KW => {
                self.start(WITH_STMT);
                self.bump();
                self.paren_head("`with`");
                self.statement();
                self.finish();
            }
            DEBUGGER_KW => {
                self.start(DEBUGGER_STMT);
                self.bump();
                self.semi();
                self.finish();
            }
            IDENT if self.nth(1) == COLON => {
                self.start(LABELED_STMT);
                self.bump();
                self.bump();
                self.statement();
                self.finish();
            }
            ERROR_TOKEN => self.bump_error(),
            _ if self.at_expr_start() => {
                self.start(EXPR_STMT);
                self.expr();
                self.semi();
                self.finish();
            }
            _ => {
                let message = format!("expected a statement, found {}", self.describe_current());
                self.error(message);
                self.bump_error();
            }
        }
        self.leave();
    }

    /// `{ stmts }`; reports an error (consuming nothing) when the `{` is missing.
    pub(crate) fn block(&mut self) {
        if !self.at(L_CURLY) {
            let message = format!(
                "expected a block `{{ ... }}`, found {}",
                self.describe_current()
            );
            self.error_missing(message);
            return;
        }
        self.start(BLOCK_STMT);
        let open = self.current_range();
        self.bump();
        self.stmt_list(&[R_CURLY]);
        self.expect_closing(R_CURLY, open, "block");
        self.finish();
    }

    /// `( expr )` after `if`, `while`, `switch`, `with`.
    pub(crate) fn paren_head(&mut self, after: &str) {
        if !self.at(L_PAREN) {
            let message = format!(
                "expected `(` after {after}, found {}",
                self.describe_current()
            );
            self.error_missing(message);
            if self.at_expr_start() && !self.at(L_CURLY) {
                self.expr();
            }
            return;
        }
        let open = self.current_range();
        self.bump();
        if self.at(R_PAREN) {
            self.error("expected a condition inside the parentheses");
        } else {
            self.expr();
        }
        self.expect_closing(R_PAREN, open, "condition");
    }

    fn var_decl_stmt(&mut self) {
        let missing = self.var_decl(false);
        for range in missing {
            self.report_missing_init(range);
        }
        self.semi_after_decl();
    }

    fn semi_after_decl(&mut self) {
        self.semi();
        self.finish();
    }

    fn report_missing_init(&mut self, (range, is_const): (TextRange, bool)) {
        if is_const {
            self.error_at(
                range,
                "`const` declarations need an initializer: `const name = value`",
            );
        } else {
            self.error_at(
                range,
                "a destructuring declaration needs an initializer: `let { a } = value`",
            );
        }
    }

    /// `let/const/var declarator, ...`: starts a `VAR_DECL` node and leaves it open for the
    /// caller to finish. Returns the declarators that lack a required initializer.
    fn var_decl(&mut self, no_in: bool) -> Vec<(TextRange, bool)> {
        self.start(VAR_DECL);
        let is_const = self.at(CONST_KW);
        self.bump();
        let mut missing = Vec::new();
        loop {
            self.start(DECLARATOR);
            let start = self.start_offset();
            let simple = self.at(IDENT);
            self.binding_pattern();
            if self.at(EQ) {
                self.bump();
                self.assign_expr(no_in);
            } else if is_const || !simple {
                missing.push((self.range_from(start), is_const));
            }
            self.finish();
            if self.at(COMMA) {
                self.bump();
            } else {
                break;
            }
        }
        missing
    }

    fn if_stmt(&mut self) {
        self.start(IF_STMT);
        self.bump();
        self.paren_head("`if`");
        self.body_statement("`if`");
        if self.at(ELSE_KW) {
            self.start(ELSE_CLAUSE);
            self.bump();
            self.body_statement("`else`");
            self.finish();
        }
        self.finish();
    }

    /// The statement body of `if`, loops, `else`: reports it missing at `}` or the end.
    fn body_statement(&mut self, after: &str) {
        if matches!(self.current(), EOF | R_CURLY) {
            let message = format!("expected a statement after {after}");
            self.error_missing(message);
            return;
        }
        self.statement();
    }

    fn while_stmt(&mut self) {
        self.start(WHILE_STMT);
        self.bump();
        self.paren_head("`while`");
        self.body_statement("`while (...)`");
        self.finish();
    }

    fn do_while_stmt(&mut self) {
        self.start(DO_WHILE_STMT);
        self.bump();
        self.body_statement("`do`");
        if self.expect(WHILE_KW) {
            self.paren_head("`while`");
        }
        // JavaScript inserts a semicolon after `do ... while (...)` even on the same line.
        if self.at(SEMICOLON) {
            self.bump();
        }
        self.finish();
    }

    /// Whether the `for` head at the current `(` is `for (... of/in ...)`; which one.
    fn for_each_kind(&self, paren: usize) -> Option<SyntaxKind> {
        let mut i = self.pos + paren + 1;
        let end = self
            .after_matching(paren)
            .map_or(self.sig.len(), |n| self.pos + n - 1);
        let first = i;
        while i < end {
            let t = self.sig_tok(i)?;
            match t.kind {
                SEMICOLON => return None,
                IN_KW => return Some(FOR_IN_STMT),
                IDENT if i > first && &self.text[t.start as usize..t.end as usize] == "of" => {
                    // `for (of of xs)`: the first `of` is the variable.
                    return Some(FOR_OF_STMT);
                }
                L_PAREN | L_BRACK | L_CURLY => {
                    let m = self.matching[i];
                    if m == super::NO_MATCH {
                        return None;
                    }
                    i = m as usize;
                }
                _ => {}
            }
            i += 1;
        }
        None
    }

    fn for_stmt(&mut self) {
        let kind = if self.nth(1) == L_PAREN || (self.nth(1) == AWAIT_KW && self.nth(2) == L_PAREN)
        {
            let paren = if self.nth(1) == AWAIT_KW { 2 } else { 1 };
            self.for_each_kind(paren).unwrap_or(FOR_STMT)
        } else {
            FOR_STMT
        };
        self.start(kind);
        self.bump();
        if self.at(AWAIT_KW) {
            // `for await` is kept for the analyzer to reject.
            self.bump();
        }
        if !self.at(L_PAREN) {
            let message = format!(
                "expected `(` after `for`, found {}",
                self.describe_current()
            );
            self.error_missing(message);
            self.finish();
            return;
        }
        let open = self.current_range();
        self.bump();
        if kind == FOR_STMT {
            self.for_classic_head(open);
        } else {
            if matches!(self.current(), LET_KW | CONST_KW | VAR_KW) {
                self.start(VAR_DECL);
                self.bump();
                self.start(DECLARATOR);
                self.binding_pattern();
                if self.at(EQ) {
                    self.error("a `for ... of` / `for ... in` variable cannot have an initializer");
                    self.bump();
                    self.assign_expr(true);
                }
                self.finish();
                if self.at(COMMA) {
                    self.error(
                        "only one variable may be declared in a `for ... of` / `for ... in` head",
                    );
                    while self.at(COMMA) {
                        self.bump();
                        self.start(DECLARATOR);
                        self.binding_pattern();
                        self.finish();
                    }
                }
                self.finish();
            } else {
                self.assign_target_pattern();
            }
            // `of` or `in`
            self.bump();
            if kind == FOR_OF_STMT {
                self.assign_expr(false);
            } else {
                self.expr();
            }
            self.expect_closing(R_PAREN, open, "`for` head");
        }
        self.body_statement("`for (...)`");
        self.finish();
    }

    fn for_classic_head(&mut self, open: TextRange) {
        if !self.at(SEMICOLON) {
            self.start(FOR_INIT);
            if matches!(self.current(), LET_KW | CONST_KW | VAR_KW) {
                let missing = self.var_decl(true);
                self.finish();
                for range in missing {
                    self.report_missing_init(range);
                }
            } else {
                self.expr_no_in();
            }
            self.finish();
        }
        if !self.expect(SEMICOLON) {
            self.skip_to_close_paren(open);
            return;
        }
        if !self.at(SEMICOLON) {
            self.start(FOR_TEST);
            self.expr();
            self.finish();
        }
        if !self.expect(SEMICOLON) {
            self.skip_to_close_paren(open);
            return;
        }
        if !self.at(R_PAREN) {
            self.start(FOR_UPDATE);
            self.expr();
            self.finish();
        }
        self.expect_closing(R_PAREN, open, "`for` head");
    }

    fn skip_to_close_paren(&mut self, open: TextRange) {
        if self.at(R_PAREN) {
            self.bump();
            return;
        }
        if self.at(L_CURLY) || self.at(EOF) {
            return;
        }
        self.start(ERROR);
        while !matches!(self.current(), R_PAREN | L_CURLY | EOF) {
            self.bump();
        }
        self.finish();
        if self.at(R_PAREN) {
            self.bump();
        } else {
            self.expect_closing(R_PAREN, open, "`for` head");
        }
    }

    fn jump_stmt(&mut self, kind: SyntaxKind) {
        self.start(kind);
        self.bump();
        if self.at(IDENT) && !self.nl_before() {
            self.bump();
        }
        self.semi();
        self.finish();
    }

    fn return_stmt(&mut self) {
        self.start(RETURN_STMT);
        self.bump();
        if !self.nl_before()
            && !matches!(self.current(), SEMICOLON | R_CURLY | EOF)
            && self.at_expr_start()
        {
            self.expr();
        }
        self.semi();
        self.finish();
    }

    fn throw_stmt(&mut self) {
        self.start(THROW_STMT);
        self.bump();
        if self.nl_before() && !self.at(EOF) {
            self.error_missing("a line break is not allowed between `throw` and the thrown value");
        }
        if self.at_expr_start() && !self.at(R_CURLY) {
            self.expr();
        } else {
            self.error_missing("expected the value to throw after `throw`");
        }
        self.semi();
        self.finish();
    }

    fn try_stmt(&mut self) {
        self.start(TRY_STMT);
        self.bump();
        self.block();
        let mut handled = false;
        if self.at(CATCH_KW) {
            handled = true;
            self.start(CATCH_CLAUSE);
            self.bump();
            if self.at(L_PAREN) {
                let open = self.current_range();
                self.bump();
                self.binding_pattern();
                self.expect_closing(R_PAREN, open, "`catch` binding");
            }
            self.block();
            self.finish();
        }
        if self.at(FINALLY_KW) {
            handled = true;
            self.start(FINALLY_CLAUSE);
            self.bump();
            self.block();
            self.finish();
        }
        if !handled {
            self.error_missing("expected `catch` or `finally` after the `try` block");
        }
        self.finish();
    }

    /// `async? function *? name? (params) { body }` as a declaration or expression.
    pub(crate) fn function(&mut self, kind: SyntaxKind) {
        self.function_with(kind, kind == FUNCTION_DECL);
    }

    fn function_with(&mut self, kind: SyntaxKind, name_required: bool) {
        self.start(kind);
        if self.at_contextual("async") {
            self.bump();
        }
        self.bump(); // `function`
        if self.at(STAR) {
            self.bump();
        }
        if self.at(IDENT)
            || (self.current().is_keyword() && self.nth(1) == L_PAREN && kind == FUNCTION_EXPR)
        {
            self.bump();
        } else if name_required {
            let message = format!(
                "expected a function name after `function`, found {}",
                self.describe_current()
            );
            self.error_missing(message);
            if self.current().is_keyword() && self.nth(1) == L_PAREN {
                self.bump_error();
            }
        }
        self.param_list();
        self.block();
        self.finish();
    }

    fn switch_stmt(&mut self) {
        self.start(SWITCH_STMT);
        self.bump();
        self.paren_head("`switch`");
        if !self.at(L_CURLY) {
            self.error_missing("expected `{` to start the `switch` cases");
            self.finish();
            return;
        }
        let open = self.current_range();
        self.bump();
        let mut seen_default = false;
        while !matches!(self.current(), R_CURLY | EOF) {
            match self.current() {
                CASE_KW | DEFAULT_KW => {
                    self.start(SWITCH_CASE);
                    if self.at(CASE_KW) {
                        self.bump();
                        self.expr();
                    } else {
                        if seen_default {
                            self.error("a `switch` may have only one `default` case");
                        }
                        seen_default = true;
                        self.bump();
                    }
                    self.expect(COLON);
                    self.stmt_list(&[CASE_KW, DEFAULT_KW, R_CURLY]);
                    self.finish();
                }
                _ => {
                    let message = format!(
                        "expected `case` or `default`, found {}",
                        self.describe_current()
                    );
                    self.error(message);
                    self.bump_error();
                }
            }
        }
        self.expect_closing(R_CURLY, open, "`switch` body");
        self.finish();
    }

    /// `class Name? (extends Expr)? { ... }`: the body is kept opaque (classes are rejected).
    pub(crate) fn class(&mut self, kind: SyntaxKind) {
        self.start(kind);
        self.bump();
        if self.at(IDENT) {
            self.bump();
        }
        if self.at(EXTENDS_KW) {
            self.bump();
            self.lhs_expr();
        }
        if self.at(L_CURLY) {
            self.start(CLASS_BODY);
            let end = self
                .after_matching(0)
                .map_or(self.sig.len(), |n| self.pos + n);
            while self.pos < end && !self.at(EOF) {
                self.bump();
            }
            self.finish();
        } else {
            self.error_missing("expected `{` to start the class body");
        }
        self.finish();
    }

    /// Skips the clause of an `import`/`export` declaration up to its module string.
    fn module_clause(&mut self) {
        let first = self.pos;
        loop {
            match self.current() {
                // A template is never part of a module clause; skipping it would hide its
                // errors (an unterminated template swallowing the rest of the file).
                EOF | SEMICOLON | BACKTICK => break,
                STRING => {
                    self.bump();
                    break;
                }
                _ if self.pos > first
                    && self.nl_before()
                    && !self.at_contextual("from")
                    && self.sig_tok(self.pos - 1).is_some_and(|t| t.kind != COMMA) =>
                {
                    break;
                }
                L_CURLY | L_PAREN | L_BRACK => {
                    let end = self
                        .after_matching(0)
                        .map_or(self.pos + 1, |n| self.pos + n);
                    while self.pos < end && !self.at(EOF) {
                        self.bump();
                    }
                }
                _ => self.bump(),
            }
        }
    }

    fn import_decl(&mut self) {
        self.start(IMPORT_DECL);
        self.bump();
        self.module_clause();
        self.semi();
        self.finish();
    }

    fn export_decl(&mut self) {
        self.start(EXPORT_DECL);
        self.bump();
        let is_default = self.at(DEFAULT_KW);
        if is_default {
            self.bump();
        }
        match self.current() {
            FUNCTION_KW if is_default => self.function_with(FUNCTION_DECL, false),
            IDENT if is_default && self.at_contextual("async") && self.nth(1) == FUNCTION_KW => {
                self.function_with(FUNCTION_DECL, false)
            }
            FUNCTION_KW | CLASS_KW | LET_KW | CONST_KW | VAR_KW => self.statement(),
            IDENT if self.at_contextual("async") && self.nth(1) == FUNCTION_KW => self.statement(),
            L_CURLY | STAR if !is_default => {
                self.module_clause();
                self.semi();
            }
            _ if is_default && self.at_expr_start() => {
                self.start(EXPR_STMT);
                self.assign_expr(false);
                self.semi();
                self.finish();
            }
            _ => {
                let message = format!(
                    "expected a declaration after `export`, found {}",
                    self.describe_current()
                );
                self.error_missing(message);
            }
        }
        self.finish();
    }
}
