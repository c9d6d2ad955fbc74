//! The resilient parser: recursive descent for statements, Pratt binding powers for
//! expressions, building a rowan green tree directly (trivia is attached before each token).
//!
//! Guarantees: the tree text equals the input; parsing terminates (a fuel counter stops any
//! loop that makes no progress); nesting deeper than [`MAX_DEPTH`] is reported as an error
//! instead of overflowing the stack.

mod builder;
mod chain;
mod expr;
mod pattern;
mod primary;
mod stmt;

use std::cell::Cell;

use builder::{Builder, Checkpoint};
use rowan::GreenNode;
use text_size::{TextRange, TextSize};

use crate::SyntaxKind::{self, *};
use crate::{SyntaxError, lexer};

/// How deeply statements, expressions and patterns may nest before the parser gives up on
/// the nested part (reporting an error) rather than risk overflowing the stack.
pub const MAX_DEPTH: u32 = 256;

/// Lookahead calls allowed without consuming a token before the parser declares itself stuck.
const FUEL: u32 = 1024;

/// Parses `text` into a green tree and its errors.
pub(crate) fn parse_text(text: &str) -> (GreenNode, Vec<SyntaxError>) {
    let (tokens, lex_errors) = lexer::lex_spans(text);
    let mut p = Parser::new(text, tokens);
    p.errors.extend(lex_errors.into_iter().map(|e| SyntaxError {
        range: e.range,
        message: e.message,
        labels: Vec::new(),
    }));
    p.script();
    (p.builder.finish(), p.errors)
}

type Tok = lexer::Span;

/// What the caller of an expression parser needs to know about the expression just built.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ExprInfo {
    /// The kind of the outermost node built (`ERROR` when nothing fit).
    pub kind: SyntaxKind,
    /// For a `BIN_EXPR`, its operator (used to reject `a ?? b || c`).
    pub op: Option<SyntaxKind>,
    /// Whether it may stand on the left of `=` or be the operand of `++`/`--`.
    pub assignable: bool,
    /// Where it is.
    pub range: TextRange,
}

pub(crate) struct Parser<'t> {
    text: &'t str,
    tokens: Vec<Tok>,
    /// Indices into `tokens` of the significant (non-trivia) tokens.
    sig: Vec<u32>,
    /// For each significant token: whether a line break precedes it.
    nl_before: Vec<bool>,
    /// For each significant opening bracket: the significant index of its closing bracket.
    matching: Vec<u32>,
    /// Current index into `sig`.
    pos: usize,
    /// Next index into `tokens` to emit.
    emitted: usize,
    /// End offset of the last significant token consumed.
    last_end: u32,
    builder: Builder<'t>,
    pub(crate) errors: Vec<SyntaxError>,
    fuel: Cell<u32>,
    stuck_reported: bool,
    depth: u32,
    depth_reported: bool,
}

const NO_MATCH: u32 = u32::MAX;

impl<'t> Parser<'t> {
    fn new(text: &'t str, tokens: Vec<Tok>) -> Self {
        let mut sig = Vec::with_capacity(tokens.len() / 2 + 1);
        let mut nl_before = Vec::with_capacity(tokens.len() / 2 + 1);
        let mut saw_newline = false;
        for (i, t) in tokens.iter().enumerate() {
            match t.kind {
                NEWLINE => saw_newline = true,
                BLOCK_COMMENT => {
                    if text[t.start as usize..t.end as usize]
                        .contains(['\n', '\r', '\u{2028}', '\u{2029}'])
                    {
                        saw_newline = true;
                    }
                }
                k if k.is_trivia() => {}
                _ => {
                    sig.push(i as u32);
                    nl_before.push(saw_newline);
                    saw_newline = false;
                }
            }
        }
        let mut matching = vec![NO_MATCH; sig.len()];
        let mut stack: Vec<usize> = Vec::new();
        for (si, &ti) in sig.iter().enumerate() {
            let kind = tokens[ti as usize].kind;
            match kind {
                L_PAREN | L_BRACK | L_CURLY | DOLLAR_L_CURLY => stack.push(si),
                R_PAREN | R_BRACK | R_CURLY => {
                    if let Some(&open) = stack.last() {
                        let open_kind = tokens[sig[open] as usize].kind;
                        let fits = matches!(
                            (open_kind, kind),
                            (L_PAREN, R_PAREN)
                                | (L_BRACK, R_BRACK)
                                | (L_CURLY | DOLLAR_L_CURLY, R_CURLY)
                        );
                        if fits {
                            stack.pop();
                            matching[open] = si as u32;
                        }
                    }
                }
                _ => {}
            }
        }
        Parser {
            text,
            tokens,
            sig,
            nl_before,
            matching,
            pos: 0,
            emitted: 0,
            last_end: 0,
            builder: Builder::default(),
            errors: Vec::new(),
            fuel: Cell::new(FUEL),
            stuck_reported: false,
            depth: 0,
            depth_reported: false,
        }
    }

    // ---- lookahead ----

    fn sig_tok(&self, i: usize) -> Option<Tok> {
        self.sig.get(i).map(|&ti| self.tokens[ti as usize])
    }

    /// The kind of the `n`th significant token ahead (`EOF` past the end, or when stuck).
    pub(crate) fn nth(&self, n: usize) -> SyntaxKind {
        let fuel = self.fuel.get();
        if fuel == 0 {
            return EOF;
        }
        self.fuel.set(fuel - 1);
        self.sig_tok(self.pos + n).map_or(EOF, |t| t.kind)
    }

    pub(crate) fn current(&self) -> SyntaxKind {
        self.nth(0)
    }

    pub(crate) fn at(&self, kind: SyntaxKind) -> bool {
        self.current() == kind
    }

    pub(crate) fn nth_text(&self, n: usize) -> &'t str {
        match self.sig_tok(self.pos + n) {
            Some(t) => &self.text[t.start as usize..t.end as usize],
            None => "",
        }
    }

    /// Whether the current token is the identifier `word` (contextual keywords).
    pub(crate) fn at_contextual(&self, word: &str) -> bool {
        self.at(IDENT) && self.nth_text(0) == word
    }

    /// Whether a line break precedes the `n`th significant token ahead.
    pub(crate) fn nl_before_nth(&self, n: usize) -> bool {
        self.nl_before.get(self.pos + n).copied().unwrap_or(true)
    }

    pub(crate) fn nl_before(&self) -> bool {
        self.nl_before_nth(0)
    }

    /// The significant index (relative to the current one) just after the bracket matching the
    /// opening bracket `n` tokens ahead.
    pub(crate) fn after_matching(&self, n: usize) -> Option<usize> {
        let m = *self.matching.get(self.pos + n)?;
        (m != NO_MATCH).then(|| m as usize + 1 - self.pos)
    }

    pub(crate) fn current_range(&self) -> TextRange {
        match self.sig_tok(self.pos) {
            Some(t) => TextRange::new(TextSize::new(t.start), TextSize::new(t.end)),
            None => TextRange::empty(size(self.text.len())),
        }
    }

    /// Where to report something missing: the current token, or just after the previous one
    /// when the current token is on a later line or is the end of the file.
    fn missing_range(&self) -> TextRange {
        if self.pos >= self.sig.len() || self.nl_before() {
            TextRange::empty(TextSize::new(self.last_end))
        } else {
            self.current_range()
        }
    }

    pub(crate) fn start_offset(&self) -> TextSize {
        match self.sig_tok(self.pos) {
            Some(t) => TextSize::new(t.start),
            None => size(self.text.len()),
        }
    }

    pub(crate) fn range_from(&self, start: TextSize) -> TextRange {
        let end = TextSize::new(self.last_end).max(start);
        TextRange::new(start, end)
    }

    pub(crate) fn describe_current(&self) -> String {
        match self.current() {
            IDENT => format!("`{}`", self.nth_text(0)),
            NUMBER | STRING => format!("`{}`", self.nth_text(0)),
            k => k.describe().to_string(),
        }
    }

    // ---- building ----

    fn flush_trivia(&mut self) {
        let upto = self
            .sig
            .get(self.pos)
            .map_or(self.tokens.len(), |&i| i as usize);
        while self.emitted < upto {
            let t = self.tokens[self.emitted];
            self.builder
                .token(t.kind, &self.text[t.start as usize..t.end as usize]);
            self.emitted += 1;
        }
    }

    /// Consumes the current token (and the trivia before it) into the current node.
    pub(crate) fn bump(&mut self) {
        if self.pos >= self.sig.len() {
            return;
        }
        self.flush_trivia();
        let t = self.tokens[self.emitted];
        self.builder
            .token(t.kind, &self.text[t.start as usize..t.end as usize]);
        self.emitted += 1;
        self.pos += 1;
        self.last_end = t.end;
        self.fuel.set(FUEL);
    }

    pub(crate) fn start(&mut self, kind: SyntaxKind) {
        self.flush_trivia();
        self.builder.start_node(kind);
    }

    pub(crate) fn finish(&mut self) {
        self.builder.finish_node();
    }

    pub(crate) fn checkpoint(&mut self) -> Checkpoint {
        self.flush_trivia();
        self.builder.checkpoint()
    }

    pub(crate) fn start_at(&mut self, cp: Checkpoint, kind: SyntaxKind) {
        self.builder.start_node_at(cp, kind);
    }

    // ---- errors ----

    pub(crate) fn error_at(&mut self, range: TextRange, message: impl Into<String>) {
        self.push_error(SyntaxError {
            range,
            message: message.into(),
            labels: Vec::new(),
        });
    }

    /// Records an error, unless one was already reported at the same place (one mistake
    /// should give one message, not a cascade).
    pub(crate) fn push_error(&mut self, error: SyntaxError) {
        if self
            .errors
            .last()
            .is_some_and(|last| last.range.start() == error.range.start())
        {
            return;
        }
        self.errors.push(error);
    }

    pub(crate) fn error(&mut self, message: impl Into<String>) {
        let range = self.current_range();
        self.error_at(range, message);
    }

    pub(crate) fn error_missing(&mut self, message: impl Into<String>) {
        let range = self.missing_range();
        self.error_at(range, message);
    }

    /// Consumes the current token wrapped in an `ERROR` node.
    pub(crate) fn bump_error(&mut self) {
        self.start(ERROR);
        self.bump();
        self.finish();
    }

    /// Reports `message` at a token that cannot start an element of a comma-separated list,
    /// then recovers: returns `false` when the list should end (at a recovery token other than
    /// `,`), otherwise skips the stray token (unless it is the `,` itself) and returns `true`.
    pub(crate) fn recover_in_list(&mut self, message: impl Into<String>) -> bool {
        self.error(message);
        if is_recovery(self.current()) && !self.at(COMMA) {
            return false;
        }
        if !self.at(COMMA) {
            self.bump_error();
        }
        true
    }

    /// After one element of a comma-separated list that started at token `before`: consumes the
    /// `,` and returns `true`, or returns `false` at the end of the list (no `,`, or no progress).
    pub(crate) fn list_continues(&mut self, before: usize) -> bool {
        if self.pos == before && !self.at(COMMA) {
            return false;
        }
        if self.at(COMMA) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Consumes `kind` or reports it missing.
    pub(crate) fn expect(&mut self, kind: SyntaxKind) -> bool {
        if self.at(kind) {
            self.bump();
            return true;
        }
        let message = format!(
            "expected {}, found {}",
            kind.describe(),
            self.describe_current()
        );
        self.error_missing(message);
        false
    }

    /// Consumes the closing bracket `kind`, or reports it missing with a label on `open`.
    pub(crate) fn expect_closing(&mut self, kind: SyntaxKind, open: TextRange, what: &str) -> bool {
        if self.at(kind) {
            self.bump();
            return true;
        }
        let message = format!(
            "expected {} to close the {what} opened here, found {}",
            kind.describe(),
            self.describe_current()
        );
        let range = self.missing_range();
        self.push_error(SyntaxError {
            range,
            message,
            labels: vec![(open, format!("{what} opened here"))],
        });
        false
    }

    // ---- depth guard ----

    /// Enters one nesting level; `false` (after reporting once) when too deep.
    pub(crate) fn enter(&mut self) -> bool {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            if !self.depth_reported {
                self.depth_reported = true;
                let message = format!(
                    "this code is nested too deeply (more than {MAX_DEPTH} levels); split it up"
                );
                self.error(message);
            }
            self.skip_group();
            self.depth -= 1;
            return false;
        }
        true
    }

    /// Enters one more link of a left-nested chain (`a.b.c`, `1 + 2 + 3`), which deepens the
    /// tree like nesting does. When too deep, reports it once and swallows the rest of the
    /// expression flat into an `ERROR` node; the caller then stops the chain.
    pub(crate) fn enter_chain(&mut self) -> bool {
        if self.depth < MAX_DEPTH {
            self.depth += 1;
            return true;
        }
        if !self.depth_reported {
            self.depth_reported = true;
            let message = format!(
                "this expression is too long or nested too deeply (more than {MAX_DEPTH} levels); split it up"
            );
            self.error(message);
        }
        self.start(ERROR);
        loop {
            let k = self.current();
            let ends = matches!(k, EOF | SEMICOLON | R_PAREN | R_BRACK | R_CURLY | COMMA);
            if ends || (self.nl_before() && is_recovery(k)) {
                break;
            }
            let end = self
                .after_matching(0)
                .map_or(self.pos + 1, |n| self.pos + n);
            while self.pos < end && self.pos < self.sig.len() {
                self.bump();
            }
        }
        self.finish();
        false
    }

    pub(crate) fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Consumes a balanced bracket group (or one token) into an `ERROR` node.
    fn skip_group(&mut self) {
        if self.pos >= self.sig.len() {
            return;
        }
        self.start(ERROR);
        let end = self
            .after_matching(0)
            .map_or(self.pos + 1, |n| self.pos + n);
        while self.pos < end && self.pos < self.sig.len() {
            self.bump();
        }
        self.finish();
    }

    // ---- root ----

    fn script(&mut self) {
        // Not `start`: leading trivia belongs inside the root.
        self.builder.start_node(SCRIPT);
        self.stmt_list(&[]);
        if self.pos < self.sig.len() {
            if !self.stuck_reported {
                self.stuck_reported = true;
                self.error("the parser could not make sense of the rest of the file");
            }
            self.start(ERROR);
            while self.pos < self.sig.len() {
                self.bump();
            }
            self.finish();
        }
        self.flush_trivia();
        self.finish();
    }
}

pub(crate) fn size(n: usize) -> TextSize {
    TextSize::new(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Tokens at which expression-level recovery stops instead of swallowing the token.
pub(crate) fn is_recovery(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        R_PAREN
            | R_BRACK
            | R_CURLY
            | SEMICOLON
            | COMMA
            | COLON
            | EOF
            | LET_KW
            | CONST_KW
            | VAR_KW
            | IF_KW
            | FOR_KW
            | WHILE_KW
            | DO_KW
            | RETURN_KW
            | FUNCTION_KW
            | TRY_KW
            | CATCH_KW
            | FINALLY_KW
            | SWITCH_KW
            | CASE_KW
            | DEFAULT_KW
            | BREAK_KW
            | CONTINUE_KW
            | THROW_KW
            | ELSE_KW
            | CLASS_KW
            | IMPORT_KW
            | EXPORT_KW
    )
}
