//! Member, index and call chains (`a.b[c](d)?.e`), argument lists and `new`.

use super::{ExprInfo, Parser, is_recovery};
use crate::SyntaxKind::*;

impl Parser<'_> {
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
}
