//! Expressions down to the operand: sequences, assignments, arrows, conditionals, binary
//! operators (Pratt binding powers), unary and update operators. Operands are in `chain.rs`
//! (member and call chains) and `primary.rs` (literals, names, brackets).

use text_size::TextRange;

use super::{ExprInfo, Parser};
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
    /// The info of a node that is neither an operator expression nor assignable.
    pub(super) fn node(kind: SyntaxKind, range: TextRange) -> Self {
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
}
