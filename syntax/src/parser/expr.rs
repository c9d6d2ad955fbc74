//! Expressions: Pratt binding powers for binary operators, recursive descent for the rest.

use text_size::TextRange;

use super::{ExprInfo, Parser, is_recovery};
use crate::SyntaxKind::{self, *};

/// Left and right binding powers of binary operators (JavaScript precedence).
fn binding_power(kind: SyntaxKind) -> Option<(u8, u8)> {
    Some(match kind {
        QUESTION2 => (1, 2),
        PIPE2 => (3, 4),
        AMP2 => (5, 6),
        PIPE => (7, 8),
        CARET => (9, 10),
        AMP => (11, 12),
        EQ2 | NEQ | EQ3 | NEQ2 => (13, 14),
        LT | GT | LTEQ | GTEQ | INSTANCEOF_KW | IN_KW => (15, 16),
        SHL | SHR | USHR => (17, 18),
        PLUS | MINUS => (19, 20),
        STAR | SLASH | PERCENT => (21, 22),
        // Right-associative.
        STAR2 => (24, 23),
        _ => return None,
    })
}

/// Whether `kind` is an assignment operator (`=`, `+=`, `??=`, ...).
fn is_assign_op(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        EQ | PLUS_EQ
            | MINUS_EQ
            | STAR_EQ
            | STAR2_EQ
            | SLASH_EQ
            | PERCENT_EQ
            | SHL_EQ
            | SHR_EQ
            | USHR_EQ
            | AMP_EQ
            | PIPE_EQ
            | CARET_EQ
            | AMP2_EQ
            | PIPE2_EQ
            | QUESTION2_EQ
    )
}

impl ExprInfo {
    fn node(kind: SyntaxKind, range: TextRange) -> Self {
        ExprInfo {
            kind,
            op: None,
            assignable: false,
            range,
        }
    }
}

impl Parser<'_> {
    /// Whether the current token can start an expression.
    pub(crate) fn at_expr_start(&self) -> bool {
        matches!(
            self.current(),
            IDENT
                | NUMBER
                | STRING
                | REGEX
                | BACKTICK
                | TRUE_KW
                | FALSE_KW
                | NULL_KW
                | THIS_KW
                | SUPER_KW
                | FUNCTION_KW
                | CLASS_KW
                | NEW_KW
                | TYPEOF_KW
                | VOID_KW
                | DELETE_KW
                | AWAIT_KW
                | YIELD_KW
                | IMPORT_KW
                | L_PAREN
                | L_BRACK
                | L_CURLY
                | BANG
                | MINUS
                | PLUS
                | TILDE
                | PLUS2
                | MINUS2
                | ERROR_TOKEN
        )
    }

    /// A full expression, comma sequences included.
    pub(crate) fn expr(&mut self) -> ExprInfo {
        self.expr_inner(false)
    }

    /// A full expression where `in` is not an operator (the init of a C-style `for`).
    pub(crate) fn expr_no_in(&mut self) -> ExprInfo {
        self.expr_inner(true)
    }

    fn expr_inner(&mut self, no_in: bool) -> ExprInfo {
        let start = self.start_offset();
        let cp = self.checkpoint();
        let first = self.assign_expr(no_in);
        if !self.at(COMMA) {
            return first;
        }
        self.start_at(cp, SEQUENCE_EXPR);
        while self.at(COMMA) {
            self.bump();
            self.assign_expr(no_in);
        }
        self.finish();
        ExprInfo::node(SEQUENCE_EXPR, self.range_from(start))
    }

    /// An assignment expression (what one argument or array element may be).
    pub(crate) fn assign_expr(&mut self, no_in: bool) -> ExprInfo {
        let start = self.start_offset();
        if !self.enter() {
            return ExprInfo {
                kind: ERROR,
                op: None,
                assignable: true,
                range: self.range_from(start),
            };
        }
        let info = self.assign_expr_inner(no_in, start);
        self.leave();
        info
    }

    fn assign_expr_inner(&mut self, no_in: bool, start: text_size::TextSize) -> ExprInfo {
        // Arrow functions.
        if self.at(IDENT) && self.nth(1) == FAT_ARROW {
            return self.arrow(false, no_in, start);
        }
        if self.at_contextual("async") && !self.nl_before_nth(1) {
            if self.nth(1) == IDENT && self.nth(2) == FAT_ARROW {
                return self.arrow(true, no_in, start);
            }
            if self.nth(1) == L_PAREN
                && self
                    .after_matching(1)
                    .is_some_and(|n| self.nth(n) == FAT_ARROW)
            {
                return self.arrow(true, no_in, start);
            }
        }
        if self.at(L_PAREN)
            && self
                .after_matching(0)
                .is_some_and(|n| self.nth(n) == FAT_ARROW)
        {
            return self.arrow(false, no_in, start);
        }
        if self.at(YIELD_KW) {
            self.start(YIELD_EXPR);
            self.bump();
            if !self.nl_before() && self.at(STAR) {
                self.bump();
            }
            if !self.nl_before() && self.at_expr_start() && !matches!(self.current(), R_CURLY) {
                self.assign_expr(no_in);
            }
            self.finish();
            return ExprInfo::node(YIELD_EXPR, self.range_from(start));
        }
        // Destructuring assignment: `[a, b] = ...`, `({ a } = ...)`.
        if matches!(self.current(), L_BRACK | L_CURLY)
            && self.after_matching(0).is_some_and(|n| self.nth(n) == EQ)
        {
            let cp = self.checkpoint();
            self.assign_target_pattern();
            self.start_at(cp, ASSIGN_EXPR);
            self.bump();
            self.assign_expr(no_in);
            self.finish();
            return ExprInfo::node(ASSIGN_EXPR, self.range_from(start));
        }
        let cp = self.checkpoint();
        let lhs = self.cond_expr(no_in);
        let op = self.current();
        if !is_assign_op(op) {
            return lhs;
        }
        if !lhs.assignable {
            self.error_at(lhs.range, format!("invalid assignment target: only names, `a.b` and `a[i]` can be assigned with {}", op.describe()));
        }
        self.start_at(cp, ASSIGN_EXPR);
        self.bump();
        self.assign_expr(no_in);
        self.finish();
        ExprInfo::node(ASSIGN_EXPR, self.range_from(start))
    }

    fn arrow(&mut self, is_async: bool, no_in: bool, start: text_size::TextSize) -> ExprInfo {
        self.start(ARROW_FUNC);
        if is_async {
            self.bump();
        }
        if self.at(IDENT) {
            self.start(PARAM_LIST);
            self.start(IDENT_PAT);
            self.bump();
            self.finish();
            self.finish();
        } else {
            self.param_list();
        }
        if self.nl_before() {
            self.error("a line break is not allowed before `=>`");
        }
        self.expect(FAT_ARROW);
        if self.at(L_CURLY) {
            self.block();
        } else if self.at_expr_start() {
            self.assign_expr(no_in);
        } else {
            self.error_missing(
                "expected the arrow function's body: an expression or a block `{ ... }`",
            );
        }
        self.finish();
        ExprInfo::node(ARROW_FUNC, self.range_from(start))
    }

    fn cond_expr(&mut self, no_in: bool) -> ExprInfo {
        let start = self.start_offset();
        let cp = self.checkpoint();
        let test = self.binary(0, no_in);
        if !self.at(QUESTION) {
            return test;
        }
        self.start_at(cp, COND_EXPR);
        self.bump();
        self.assign_expr(false);
        if self.expect(COLON) {
            self.assign_expr(no_in);
        }
        self.finish();
        ExprInfo::node(COND_EXPR, self.range_from(start))
    }

    fn binary(&mut self, min_bp: u8, no_in: bool) -> ExprInfo {
        let start = self.start_offset();
        let cp = self.checkpoint();
        let mut lhs = self.unary();
        let mut links = 0;
        loop {
            let op = self.current();
            if op == IN_KW && no_in {
                break;
            }
            let Some((lbp, rbp)) = binding_power(op) else {
                break;
            };
            if lbp < min_bp {
                break;
            }
            if !self.enter_chain() {
                break;
            }
            links += 1;
            if op == STAR2 && matches!(lhs.kind, UNARY_EXPR | AWAIT_EXPR) {
                self.error_at(
                    lhs.range,
                    "a unary expression cannot be the base of `**`: add parentheses, e.g. `(-a) ** b`",
                );
            }
            self.start_at(cp, BIN_EXPR);
            self.bump();
            let rhs = if self.enter() {
                let rhs = self.binary(rbp, no_in);
                self.leave();
                Some(rhs)
            } else {
                None
            };
            self.finish();
            let range = self.range_from(start);
            let logical = |k: Option<SyntaxKind>| matches!(k, Some(AMP2 | PIPE2));
            let mixes = match op {
                QUESTION2 => logical(lhs.op) || rhs.is_some_and(|r| logical(r.op)),
                AMP2 | PIPE2 => {
                    lhs.op == Some(QUESTION2) || rhs.is_some_and(|r| r.op == Some(QUESTION2))
                }
                _ => false,
            };
            if mixes {
                self.error_at(
                    range,
                    "`??` cannot be mixed with `||` or `&&` without parentheses: write `(a ?? b) || c` or `a ?? (b || c)`",
                );
            }
            lhs = ExprInfo {
                kind: BIN_EXPR,
                op: Some(op),
                assignable: false,
                range,
            };
        }
        self.depth -= links;
        lhs
    }

    fn unary(&mut self) -> ExprInfo {
        let start = self.start_offset();
        let kind = match self.current() {
            BANG | MINUS | PLUS | TILDE | TYPEOF_KW | VOID_KW | DELETE_KW => UNARY_EXPR,
            PLUS2 | MINUS2 => UPDATE_EXPR,
            AWAIT_KW => AWAIT_EXPR,
            _ => return self.postfix(),
        };
        self.start(kind);
        self.bump();
        let operand = if self.enter() {
            let o = self.unary();
            self.leave();
            Some(o)
        } else {
            None
        };
        self.finish();
        if kind == UPDATE_EXPR
            && let Some(o) = operand
            && !o.assignable
        {
            self.error_at(
                o.range,
                "invalid `++`/`--` operand: only names, `a.b` and `a[i]` can be updated",
            );
        }
        ExprInfo::node(kind, self.range_from(start))
    }

    fn postfix(&mut self) -> ExprInfo {
        let start = self.start_offset();
        let cp = self.checkpoint();
        let operand = self.lhs_expr();
        if matches!(self.current(), PLUS2 | MINUS2) && !self.nl_before() {
            if !operand.assignable {
                self.error_at(
                    operand.range,
                    "invalid `++`/`--` operand: only names, `a.b` and `a[i]` can be updated",
                );
            }
            self.start_at(cp, UPDATE_EXPR);
            self.bump();
            self.finish();
            return ExprInfo::node(UPDATE_EXPR, self.range_from(start));
        }
        operand
    }

    /// A member/call chain: `a.b[c](d)?.e`.
    pub(crate) fn lhs_expr(&mut self) -> ExprInfo {
        let start = self.start_offset();
        let cp = self.checkpoint();
        let mut info = if self.at(NEW_KW) {
            self.new_expr()
        } else {
            self.primary()
        };
        let mut optional = false;
        let mut links = 0;
        loop {
            if matches!(
                self.current(),
                DOT | QUESTION_DOT | L_BRACK | L_PAREN | BACKTICK
            ) {
                if !self.enter_chain() {
                    break;
                }
                links += 1;
            }
            match self.current() {
                DOT => {
                    self.start_at(cp, MEMBER_EXPR);
                    self.bump();
                    self.property_name();
                    self.finish();
                    info = ExprInfo {
                        kind: MEMBER_EXPR,
                        op: None,
                        assignable: !optional,
                        range: self.range_from(start),
                    };
                }
                QUESTION_DOT => {
                    optional = true;
                    let kind = match self.nth(1) {
                        L_PAREN => CALL_EXPR,
                        L_BRACK => INDEX_EXPR,
                        _ => MEMBER_EXPR,
                    };
                    self.start_at(cp, kind);
                    self.bump();
                    match kind {
                        CALL_EXPR => self.arg_list(),
                        INDEX_EXPR => self.index_suffix(),
                        _ => self.property_name(),
                    }
                    self.finish();
                    info = ExprInfo {
                        kind,
                        op: None,
                        assignable: false,
                        range: self.range_from(start),
                    };
                }
                L_BRACK => {
                    self.start_at(cp, INDEX_EXPR);
                    self.index_suffix();
                    self.finish();
                    info = ExprInfo {
                        kind: INDEX_EXPR,
                        op: None,
                        assignable: !optional,
                        range: self.range_from(start),
                    };
                }
                L_PAREN => {
                    self.start_at(cp, CALL_EXPR);
                    self.arg_list();
                    self.finish();
                    info = ExprInfo::node(CALL_EXPR, self.range_from(start));
                }
                BACKTICK => {
                    if optional {
                        self.error("a tagged template cannot be used in an optional chain");
                    }
                    self.start_at(cp, TAGGED_TEMPLATE);
                    self.template();
                    self.finish();
                    info = ExprInfo::node(TAGGED_TEMPLATE, self.range_from(start));
                }
                _ => break,
            }
        }
        self.depth -= links;
        info
    }

    fn property_name(&mut self) {
        if self.at(HASH) && self.nth(1) == IDENT && !self.nl_before_nth(1) {
            self.bump();
            self.bump();
        } else if self.at(IDENT) || self.current().is_keyword() {
            self.bump();
        } else {
            let message = format!(
                "expected a property name after `.`, found {}",
                self.describe_current()
            );
            self.error_missing(message);
        }
    }

    fn index_suffix(&mut self) {
        let open = self.current_range();
        self.bump();
        if self.at(R_BRACK) {
            self.error("expected an index expression inside `[]`");
        } else {
            self.expr();
        }
        self.expect_closing(R_BRACK, open, "index");
    }

    /// `( args )` of a call or `new`.
    pub(crate) fn arg_list(&mut self) {
        self.start(ARG_LIST);
        let open = self.current_range();
        self.bump();
        while !matches!(self.current(), R_PAREN | EOF) {
            if self.at(DOT3) {
                self.start(SPREAD_ELEMENT);
                self.bump();
                self.assign_expr(false);
                self.finish();
            } else if self.at_expr_start() {
                self.assign_expr(false);
            } else {
                let message = format!("expected an argument, found {}", self.describe_current());
                if !self.recover_in_list(message) {
                    break;
                }
            }
            if self.at(COMMA) {
                self.bump();
            } else if self.at_expr_start() && !is_recovery(self.current()) && !self.nl_before() {
                self.error_missing("expected `,` between arguments");
            } else if !matches!(self.current(), R_PAREN) {
                break;
            }
        }
        self.expect_closing(R_PAREN, open, "call");
        self.finish();
    }

    fn new_expr(&mut self) -> ExprInfo {
        let start = self.start_offset();
        if !self.enter() {
            return ExprInfo::node(ERROR, self.range_from(start));
        }
        self.start(NEW_EXPR);
        self.bump();
        if self.at(DOT) {
            // `new.target`
            self.bump();
            self.property_name();
            self.finish();
            self.leave();
            return ExprInfo::node(NEW_EXPR, self.range_from(start));
        }
        let cp = self.checkpoint();
        if self.at(NEW_KW) {
            self.new_expr();
        } else {
            self.primary();
        }
        loop {
            match self.current() {
                DOT => {
                    self.start_at(cp, MEMBER_EXPR);
                    self.bump();
                    self.property_name();
                    self.finish();
                }
                L_BRACK => {
                    self.start_at(cp, INDEX_EXPR);
                    self.index_suffix();
                    self.finish();
                }
                BACKTICK => {
                    self.start_at(cp, TAGGED_TEMPLATE);
                    self.template();
                    self.finish();
                }
                QUESTION_DOT => {
                    self.error("optional chaining cannot be used in the constructor of `new`");
                    break;
                }
                _ => break,
            }
        }
        if self.at(L_PAREN) {
            self.arg_list();
        }
        self.finish();
        self.leave();
        ExprInfo::node(NEW_EXPR, self.range_from(start))
    }

    fn literal(&mut self, kind: SyntaxKind) -> ExprInfo {
        let start = self.start_offset();
        self.start(kind);
        self.bump();
        self.finish();
        ExprInfo {
            kind,
            op: None,
            assignable: kind == NAME_REF,
            range: self.range_from(start),
        }
    }

    fn primary(&mut self) -> ExprInfo {
        let start = self.start_offset();
        match self.current() {
            NUMBER | STRING | TRUE_KW | FALSE_KW | NULL_KW | REGEX => self.literal(LITERAL),
            IDENT
                if self.at_contextual("async")
                    && self.nth(1) == FUNCTION_KW
                    && !self.nl_before_nth(1) =>
            {
                self.function(FUNCTION_EXPR);
                ExprInfo::node(FUNCTION_EXPR, self.range_from(start))
            }
            IDENT | IMPORT_KW => self.literal(NAME_REF),
            THIS_KW => self.literal(THIS_EXPR),
            SUPER_KW => self.literal(SUPER_EXPR),
            BACKTICK => {
                self.template();
                ExprInfo::node(TEMPLATE, self.range_from(start))
            }
            L_BRACK => self.array_expr(),
            L_CURLY => self.object_expr(),
            L_PAREN => self.paren_expr(),
            FUNCTION_KW => {
                self.function(FUNCTION_EXPR);
                ExprInfo::node(FUNCTION_EXPR, self.range_from(start))
            }
            CLASS_KW => {
                self.class(CLASS_EXPR);
                ExprInfo::node(CLASS_EXPR, self.range_from(start))
            }
            ERROR_TOKEN => {
                // The lexer already reported it.
                self.bump_error();
                ExprInfo {
                    kind: ERROR,
                    op: None,
                    assignable: true,
                    range: self.range_from(start),
                }
            }
            _ => {
                let message = format!("expected an expression, found {}", self.describe_current());
                self.error_missing(message);
                if !is_recovery(self.current()) && !self.nl_before() {
                    self.bump_error();
                }
                ExprInfo {
                    kind: ERROR,
                    op: None,
                    assignable: true,
                    range: self.range_from(start),
                }
            }
        }
    }

    fn paren_expr(&mut self) -> ExprInfo {
        let start = self.start_offset();
        self.start(PAREN_EXPR);
        let open = self.current_range();
        self.bump();
        let inner = if self.at(R_PAREN) {
            self.error("expected an expression inside the parentheses");
            None
        } else {
            Some(self.expr())
        };
        self.expect_closing(R_PAREN, open, "parenthesized expression");
        self.finish();
        let assignable = inner.is_some_and(|i| {
            i.assignable && matches!(i.kind, NAME_REF | MEMBER_EXPR | INDEX_EXPR | PAREN_EXPR)
        });
        ExprInfo {
            kind: PAREN_EXPR,
            op: None,
            assignable,
            range: self.range_from(start),
        }
    }

    /// `` `text ${expr} text` ``.
    pub(crate) fn template(&mut self) {
        self.start(TEMPLATE);
        let open = self.current_range();
        self.bump();
        loop {
            match self.current() {
                TEMPLATE_CHUNK => self.bump(),
                BACKTICK => {
                    self.bump();
                    break;
                }
                DOLLAR_L_CURLY => {
                    self.start(TEMPLATE_SUBST);
                    let sub_open = self.current_range();
                    self.bump();
                    if self.at(R_CURLY) {
                        self.error("expected an expression inside `${}`");
                    } else {
                        self.expr();
                    }
                    if !self.at(R_CURLY) && !self.at(EOF) {
                        self.expect_closing(R_CURLY, sub_open, "template substitution");
                        self.start(ERROR);
                        while !matches!(self.current(), R_CURLY | EOF) {
                            self.bump();
                        }
                        self.finish();
                    }
                    if self.at(R_CURLY) {
                        self.bump();
                    } else {
                        self.expect_closing(R_CURLY, sub_open, "template substitution");
                    }
                    self.finish();
                }
                _ => {
                    self.push_error(crate::SyntaxError {
                        range: self.missing_range(),
                        message: "unterminated template literal: expected `` ` `` to close the template opened here"
                            .to_string(),
                        labels: vec![(open, "template opened here".to_string())],
                    });
                    break;
                }
            }
        }
        self.finish();
    }

    fn array_expr(&mut self) -> ExprInfo {
        let start = self.start_offset();
        self.start(ARRAY_EXPR);
        let open = self.current_range();
        self.bump();
        while !matches!(self.current(), R_BRACK | EOF) {
            if self.at(COMMA) {
                self.start(HOLE);
                self.finish();
                self.bump();
                continue;
            }
            if self.at(DOT3) {
                self.start(SPREAD_ELEMENT);
                self.bump();
                self.assign_expr(false);
                self.finish();
            } else if self.at_expr_start() {
                self.assign_expr(false);
            } else {
                let message = format!(
                    "expected an array element, found {}",
                    self.describe_current()
                );
                self.error(message);
                if is_recovery(self.current()) {
                    break;
                }
                self.bump_error();
            }
            if self.at(COMMA) {
                self.bump();
            } else if !self.at(R_BRACK) && (!self.at_expr_start() || is_recovery(self.current())) {
                break;
            } else if !self.at(R_BRACK) {
                self.error_missing("expected `,` between array elements");
            }
        }
        self.expect_closing(R_BRACK, open, "array");
        self.finish();
        ExprInfo::node(ARRAY_EXPR, self.range_from(start))
    }

    fn at_prop_key_start(&self, n: usize) -> bool {
        let k = self.nth(n);
        matches!(k, IDENT | STRING | NUMBER | L_BRACK) || k.is_keyword()
    }

    /// A property name: identifier, reserved word, string, number or `[computed]`.
    pub(crate) fn prop_key(&mut self) {
        self.start(PROP_KEY);
        match self.current() {
            L_BRACK => {
                let open = self.current_range();
                self.bump();
                self.assign_expr(false);
                self.expect_closing(R_BRACK, open, "computed key");
            }
            IDENT | STRING | NUMBER => self.bump(),
            k if k.is_keyword() => self.bump(),
            _ => {
                let message = format!(
                    "expected a property name, found {}",
                    self.describe_current()
                );
                self.error_missing(message);
            }
        }
        self.finish();
    }

    fn object_expr(&mut self) -> ExprInfo {
        let start = self.start_offset();
        self.start(OBJECT_EXPR);
        let open = self.current_range();
        self.bump();
        while !matches!(self.current(), R_CURLY | EOF) {
            let before = self.pos;
            self.object_member();
            if self.pos == before {
                if is_recovery(self.current()) && !self.at(COMMA) {
                    break;
                }
                self.bump_error();
            }
            if self.at(COMMA) {
                self.bump();
            } else if !self.at(R_CURLY) {
                if self.at_prop_key_start(0) && !is_recovery(self.current()) {
                    self.error_missing("expected `,` between object properties");
                } else {
                    break;
                }
            }
        }
        self.expect_closing(R_CURLY, open, "object literal");
        self.finish();
        ExprInfo::node(OBJECT_EXPR, self.range_from(start))
    }

    fn method_rest(&mut self) {
        self.param_list();
        self.block();
    }

    fn object_member(&mut self) {
        if self.at(DOT3) {
            self.start(SPREAD_ELEMENT);
            self.bump();
            self.assign_expr(false);
            self.finish();
            return;
        }
        if (self.at_contextual("get") || self.at_contextual("set")) && self.at_prop_key_start(1) {
            self.start(ACCESSOR_PROP);
            self.bump();
            self.prop_key();
            self.method_rest();
            self.finish();
            return;
        }
        if self.at_contextual("async")
            && !self.nl_before_nth(1)
            && (self.at_prop_key_start(1) || self.nth(1) == STAR)
        {
            self.start(METHOD_PROP);
            self.bump();
            if self.at(STAR) {
                self.bump();
            }
            self.prop_key();
            self.method_rest();
            self.finish();
            return;
        }
        if self.at(STAR) {
            self.start(METHOD_PROP);
            self.bump();
            self.prop_key();
            self.method_rest();
            self.finish();
            return;
        }
        let name_like = self.at(IDENT) || self.current().is_keyword();
        if name_like && matches!(self.nth(1), COMMA | R_CURLY) {
            if self.current().is_keyword()
                && !matches!(self.current(), AWAIT_KW | YIELD_KW | LET_KW)
            {
                let message = format!(
                    "{} is a reserved word and cannot be used as a shorthand property",
                    self.describe_current()
                );
                self.error(message);
            }
            self.start(SHORTHAND_PROP);
            self.bump();
            self.finish();
            return;
        }
        if self.at(IDENT) && self.nth(1) == EQ {
            self.error("`name = default` is only valid in a destructuring pattern, not in an object literal");
            self.start(SHORTHAND_PROP);
            self.bump();
            self.bump();
            self.assign_expr(false);
            self.finish();
            return;
        }
        if !self.at_prop_key_start(0) {
            let message = format!("expected a property, found {}", self.describe_current());
            self.error(message);
            return;
        }
        let cp = self.checkpoint();
        self.prop_key();
        match self.current() {
            COLON => {
                self.start_at(cp, PROP);
                self.bump();
                self.assign_expr(false);
                self.finish();
            }
            L_PAREN => {
                self.start_at(cp, METHOD_PROP);
                self.method_rest();
                self.finish();
            }
            _ => {
                self.start_at(cp, PROP);
                let message = format!(
                    "expected `:` after the property name, found {}",
                    self.describe_current()
                );
                self.error_missing(message);
                self.finish();
            }
        }
    }
}
