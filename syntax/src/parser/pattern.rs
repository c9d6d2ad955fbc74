//! Patterns: binding patterns (declarations, parameters, `catch`) and assignment targets
//! (destructuring assignment, `for (target of ...)`).

use super::{Parser, is_recovery};
use crate::SyntaxKind::*;

/// Whether a pattern binds names (declarations) or assigns to existing targets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Bind,
    Assign,
}

impl Parser<'_> {
    /// A binding pattern: a name, `[...]` or `{...}`.
    pub(crate) fn binding_pattern(&mut self) {
        self.pattern(Mode::Bind);
    }

    /// An assignment target: a name, member/index expression, `[...]` or `{...}`.
    pub(crate) fn assign_target_pattern(&mut self) {
        self.pattern(Mode::Assign);
    }

    /// Whether the token after the group or name at `n` ends it as a pattern element (rather
    /// than continuing it as an expression like `a.b` or `a[0]`).
    fn ends_target(&self, after: usize) -> bool {
        !matches!(
            self.nth(after),
            DOT | L_BRACK | L_PAREN | QUESTION_DOT | BACKTICK
        )
    }

    fn pattern(&mut self, mode: Mode) {
        if !self.enter() {
            return;
        }
        match self.current() {
            IDENT if mode == Mode::Bind || self.ends_target(1) => {
                self.start(IDENT_PAT);
                self.bump();
                self.finish();
            }
            L_BRACK | L_CURLY
                if mode == Mode::Bind
                    || self.after_matching(0).is_none_or(|n| self.ends_target(n)) =>
            {
                if self.at(L_BRACK) {
                    self.array_pattern(mode);
                } else {
                    self.object_pattern(mode);
                }
            }
            _ if mode == Mode::Assign && self.at_expr_start() => {
                self.start(EXPR_PAT);
                let info = self.lhs_expr();
                if !info.assignable {
                    self.error_at(info.range, "invalid destructuring target: only names, `a.b` and `a[i]` can be assigned");
                }
                self.finish();
            }
            k if k.is_keyword() && !is_recovery(k) => {
                let message = format!(
                    "{} is a reserved word and cannot be used as a variable name",
                    self.describe_current()
                );
                self.error(message);
                self.start(IDENT_PAT);
                self.bump();
                self.finish();
            }
            _ => {
                let message = format!(
                    "expected a variable name or a destructuring pattern, found {}",
                    self.describe_current()
                );
                self.error_missing(message);
                if !is_recovery(self.current())
                    && !matches!(self.current(), EQ | FAT_ARROW)
                    && !self.nl_before()
                {
                    self.bump_error();
                }
            }
        }
        self.leave();
    }

    /// A pattern with an optional `= default`.
    fn pattern_element(&mut self, mode: Mode) {
        let cp = self.checkpoint();
        self.pattern(mode);
        if self.at(EQ) {
            self.start_at(cp, ASSIGN_PAT);
            self.bump();
            self.assign_expr(false);
            self.finish();
        }
    }

    fn rest_pattern(&mut self, mode: Mode) {
        self.start(REST_PAT);
        self.bump();
        self.pattern(mode);
        if self.at(EQ) {
            self.error("a rest element cannot have a default value");
            self.bump();
            self.assign_expr(false);
        }
        self.finish();
    }

    fn array_pattern(&mut self, mode: Mode) {
        self.start(ARRAY_PAT);
        let open = self.current_range();
        self.bump();
        while !matches!(self.current(), R_BRACK | EOF) {
            if self.at(COMMA) {
                self.start(HOLE);
                self.finish();
                self.bump();
                continue;
            }
            let before = self.pos;
            if self.at(DOT3) {
                self.rest_pattern(mode);
                if self.at(COMMA) && self.nth(1) != R_BRACK {
                    self.error("the rest element must be the last element of the pattern");
                }
            } else {
                self.pattern_element(mode);
            }
            if self.pos == before {
                break;
            }
            if self.at(COMMA) {
                self.bump();
            } else {
                break;
            }
        }
        self.expect_closing(R_BRACK, open, "array pattern");
        self.finish();
    }

    fn object_pattern(&mut self, mode: Mode) {
        self.start(OBJECT_PAT);
        let open = self.current_range();
        self.bump();
        while !matches!(self.current(), R_CURLY | EOF) {
            let before = self.pos;
            if self.at(DOT3) {
                self.rest_pattern(mode);
            } else if (self.at(IDENT) || self.current().is_keyword()) && self.nth(1) != COLON {
                // Shorthand `{ a }` or `{ a = 1 }`.
                self.start(OBJECT_PAT_PROP);
                let cp = self.checkpoint();
                if self.current().is_keyword() {
                    let message = format!(
                        "{} is a reserved word and cannot be used as a variable name",
                        self.describe_current()
                    );
                    self.error(message);
                }
                self.start(IDENT_PAT);
                self.bump();
                self.finish();
                if self.at(EQ) {
                    self.start_at(cp, ASSIGN_PAT);
                    self.bump();
                    self.assign_expr(false);
                    self.finish();
                }
                self.finish();
            } else if matches!(self.current(), IDENT | STRING | NUMBER | L_BRACK)
                || self.current().is_keyword()
            {
                self.start(OBJECT_PAT_PROP);
                self.prop_key();
                if self.expect(COLON) {
                    self.pattern_element(mode);
                }
                self.finish();
            } else {
                let message = format!(
                    "expected a property name in the pattern, found {}",
                    self.describe_current()
                );
                if !self.recover_in_list(message) {
                    break;
                }
            }
            if !self.list_continues(before) {
                break;
            }
        }
        self.expect_closing(R_CURLY, open, "object pattern");
        self.finish();
    }

    /// `(a, b = 1, { c }, ...rest)`.
    pub(crate) fn param_list(&mut self) {
        self.start(PARAM_LIST);
        if !self.at(L_PAREN) {
            let message = format!(
                "expected `(` to start the parameter list, found {}",
                self.describe_current()
            );
            self.error_missing(message);
            self.finish();
            return;
        }
        let open = self.current_range();
        self.bump();
        while !matches!(self.current(), R_PAREN | EOF) {
            let before = self.pos;
            if self.at(DOT3) {
                self.rest_pattern(Mode::Bind);
                if self.at(COMMA) {
                    self.error("the rest parameter must be the last parameter");
                }
            } else if matches!(self.current(), IDENT | L_BRACK | L_CURLY)
                || self.current().is_keyword()
            {
                self.pattern_element(Mode::Bind);
            } else {
                let message = format!(
                    "expected a parameter name, found {}",
                    self.describe_current()
                );
                if !self.recover_in_list(message) {
                    break;
                }
            }
            if !self.list_continues(before) {
                break;
            }
        }
        self.expect_closing(R_PAREN, open, "parameter list");
        self.finish();
    }
}
