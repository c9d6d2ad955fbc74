//! Primary expressions: names, literals, parentheses, templates, array and object literals.

use super::{ExprInfo, Parser, is_recovery};
use crate::SyntaxKind::{self, *};

impl Parser<'_> {
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

    /// A primary expression: a name, literal, template, bracketed or function expression.
    pub(super) fn primary(&mut self) -> ExprInfo {
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
