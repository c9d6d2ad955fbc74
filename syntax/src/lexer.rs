//! The lexer: turns source text into a lossless list of tokens (trivia included).
//!
//! Ordinary tokens come from a logos automaton; strings, block comments, regular-expression
//! literals and template literals are scanned by hand around it, with a small mode stack so
//! that templates nest inside substitutions inside templates. Nothing is ever dropped: text
//! the lexer cannot make sense of becomes an [`SyntaxKind::ERROR_TOKEN`].

use logos::Logos;
use text_size::{TextRange, TextSize};

use crate::SyntaxKind::{self, *};

/// One token: its kind and its length in bytes. Tokens are contiguous; the first starts at 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: SyntaxKind,
    /// Its length in bytes.
    pub len: TextSize,
}

/// A problem found while lexing (an unterminated literal or an unknown character).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// Where the problem is.
    pub range: TextRange,
    /// What is wrong, for a person.
    pub message: String,
}

/// Lexes `text` into tokens whose lengths add up to `text.len()`.
pub fn lex(text: &str) -> Vec<Token> {
    lex_with_errors(text).0
}

/// Lexes `text`, also returning the lexical errors.
pub fn lex_with_errors(text: &str) -> (Vec<Token>, Vec<LexError>) {
    let (spans, errors) = lex_spans(text);
    let tokens = spans
        .iter()
        .map(|t| Token {
            kind: t.kind,
            len: TextSize::new(t.end - t.start),
        })
        .collect();
    (tokens, errors)
}

/// A token with its byte range, as the parser uses it (no second pass to compute offsets).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub(crate) kind: SyntaxKind,
    pub(crate) start: u32,
    pub(crate) end: u32,
}

/// Lexes `text` into tokens with their ranges, and the lexical errors.
pub(crate) fn lex_spans(text: &str) -> (Vec<Span>, Vec<LexError>) {
    lex_spans_with(text, true)
}

fn lex_spans_with(text: &str, fast: bool) -> (Vec<Span>, Vec<LexError>) {
    let mut lexer = Lexer {
        fast,
        text,
        tokens: Vec::with_capacity(text.len() / 3 + 1),
        errors: Vec::new(),
        pos: 0,
        prev_significant: None,
        braces: Vec::new(),
        parens: Vec::new(),
        closed_control_head: false,
    };
    lexer.run();
    (lexer.tokens, lexer.errors)
}

#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
enum Raw {
    #[regex(r"[ \t\u{000B}\u{000C}\u{00A0}\u{FEFF}\p{Zs}]+")]
    Whitespace,
    #[regex(r"\r\n|\n|\r|\u{2028}|\u{2029}")]
    Newline,
    #[regex(r"//[^\r\n\u{2028}\u{2029}]*", allow_greedy = true)]
    LineComment,
    #[token("/*")]
    BlockCommentStart,
    #[regex(r"[\p{ID_Start}$_][\p{ID_Continue}$\u{200C}\u{200D}]*")]
    Ident,
    #[regex(r"[0-9][0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9_]+)?")]
    #[regex(r"\.[0-9][0-9_]*([eE][+-]?[0-9_]+)?")]
    #[regex(r"0[xX][0-9a-fA-F_]+")]
    #[regex(r"0[oO][0-7_]+")]
    #[regex(r"0[bB][01_]+")]
    Number,
    #[token("\"")]
    #[token("'")]
    Quote,
    #[token("`")]
    Backtick,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBrack,
    #[token("]")]
    RBrack,
    #[token("{")]
    LCurly,
    #[token("}")]
    RCurly,
    #[token(";")]
    Semicolon,
    #[token(",")]
    Comma,
    #[token(".")]
    Dot,
    #[token("...")]
    Dot3,
    #[token("?")]
    Question,
    #[token("?.")]
    QuestionDot,
    #[token(":")]
    Colon,
    #[token("=>")]
    FatArrow,
    #[token("=")]
    Eq,
    #[token("==")]
    Eq2,
    #[token("===")]
    Eq3,
    #[token("!=")]
    Neq,
    #[token("!==")]
    Neq2,
    #[token("<")]
    Lt,
    #[token("<=")]
    LtEq,
    #[token(">")]
    Gt,
    #[token(">=")]
    GtEq,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("**")]
    Star2,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("++")]
    Plus2,
    #[token("--")]
    Minus2,
    #[token("<<")]
    Shl,
    #[token(">>")]
    Shr,
    #[token(">>>")]
    Ushr,
    #[token("&")]
    Amp,
    #[token("|")]
    Pipe,
    #[token("^")]
    Caret,
    #[token("!")]
    Bang,
    #[token("~")]
    Tilde,
    #[token("&&")]
    Amp2,
    #[token("||")]
    Pipe2,
    #[token("??")]
    Question2,
    #[token("+=")]
    PlusEq,
    #[token("-=")]
    MinusEq,
    #[token("*=")]
    StarEq,
    #[token("**=")]
    Star2Eq,
    #[token("/=")]
    SlashEq,
    #[token("%=")]
    PercentEq,
    #[token("<<=")]
    ShlEq,
    #[token(">>=")]
    ShrEq,
    #[token(">>>=")]
    UshrEq,
    #[token("&=")]
    AmpEq,
    #[token("|=")]
    PipeEq,
    #[token("^=")]
    CaretEq,
    #[token("&&=")]
    Amp2Eq,
    #[token("||=")]
    Pipe2Eq,
    #[token("??=")]
    Question2Eq,
    #[token("#")]
    Hash,
    #[token("@")]
    At,
}

impl Raw {
    fn simple_kind(self) -> SyntaxKind {
        match self {
            Raw::Whitespace => WHITESPACE,
            Raw::Newline => NEWLINE,
            Raw::LineComment => LINE_COMMENT,
            Raw::BlockCommentStart => BLOCK_COMMENT,
            Raw::Ident => IDENT,
            Raw::Number => NUMBER,
            Raw::Quote => STRING,
            Raw::Backtick => BACKTICK,
            Raw::LParen => L_PAREN,
            Raw::RParen => R_PAREN,
            Raw::LBrack => L_BRACK,
            Raw::RBrack => R_BRACK,
            Raw::LCurly => L_CURLY,
            Raw::RCurly => R_CURLY,
            Raw::Semicolon => SEMICOLON,
            Raw::Comma => COMMA,
            Raw::Dot => DOT,
            Raw::Dot3 => DOT3,
            Raw::Question => QUESTION,
            Raw::QuestionDot => QUESTION_DOT,
            Raw::Colon => COLON,
            Raw::FatArrow => FAT_ARROW,
            Raw::Eq => EQ,
            Raw::Eq2 => EQ2,
            Raw::Eq3 => EQ3,
            Raw::Neq => NEQ,
            Raw::Neq2 => NEQ2,
            Raw::Lt => LT,
            Raw::LtEq => LTEQ,
            Raw::Gt => GT,
            Raw::GtEq => GTEQ,
            Raw::Plus => PLUS,
            Raw::Minus => MINUS,
            Raw::Star => STAR,
            Raw::Star2 => STAR2,
            Raw::Slash => SLASH,
            Raw::Percent => PERCENT,
            Raw::Plus2 => PLUS2,
            Raw::Minus2 => MINUS2,
            Raw::Shl => SHL,
            Raw::Shr => SHR,
            Raw::Ushr => USHR,
            Raw::Amp => AMP,
            Raw::Pipe => PIPE,
            Raw::Caret => CARET,
            Raw::Bang => BANG,
            Raw::Tilde => TILDE,
            Raw::Amp2 => AMP2,
            Raw::Pipe2 => PIPE2,
            Raw::Question2 => QUESTION2,
            Raw::PlusEq => PLUS_EQ,
            Raw::MinusEq => MINUS_EQ,
            Raw::StarEq => STAR_EQ,
            Raw::Star2Eq => STAR2_EQ,
            Raw::SlashEq => SLASH_EQ,
            Raw::PercentEq => PERCENT_EQ,
            Raw::ShlEq => SHL_EQ,
            Raw::ShrEq => SHR_EQ,
            Raw::UshrEq => USHR_EQ,
            Raw::AmpEq => AMP_EQ,
            Raw::PipeEq => PIPE_EQ,
            Raw::CaretEq => CARET_EQ,
            Raw::Amp2Eq => AMP2_EQ,
            Raw::Pipe2Eq => PIPE2_EQ,
            Raw::Question2Eq => QUESTION2_EQ,
            Raw::Hash => HASH,
            Raw::At => AT,
        }
    }
}

struct Lexer<'a> {
    /// Whether to use [`Lexer::ascii_fast_path`] (off only to test it against the automaton).
    fast: bool,
    text: &'a str,
    tokens: Vec<Span>,
    errors: Vec<LexError>,
    /// Byte offset where the next token starts.
    pos: usize,
    prev_significant: Option<SyntaxKind>,
    /// One entry per open template substitution: the number of `{` opened inside it.
    braces: Vec<u32>,
    /// One entry per open `(`: whether it opens the head of `if`/`while`/`for`/`with`.
    parens: Vec<bool>,
    /// Whether the last significant token is a `)` closing such a head (a regex may follow).
    closed_control_head: bool,
}

impl Lexer<'_> {
    fn push(&mut self, kind: SyntaxKind, end: usize) {
        debug_assert!(end > self.pos);
        self.tokens.push(Span {
            kind,
            start: offset(self.pos),
            end: offset(end),
        });
        if !kind.is_trivia() {
            self.prev_significant = Some(kind);
        }
        self.pos = end;
    }

    fn error(&mut self, start: usize, end: usize, message: &str) {
        self.errors.push(LexError {
            range: TextRange::new(size(start), size(end)),
            message: message.to_string(),
        });
    }

    fn run(&mut self) {
        let text = self.text;
        let mut raw = Raw::lexer(text);
        while self.pos < text.len() {
            if self.fast && self.ascii_fast_path() {
                continue;
            }
            if raw.span().end != self.pos {
                raw = Raw::lexer(text);
                raw.bump(self.pos);
            }
            let Some(result) = raw.next() else { break };
            let span = raw.span();
            let end = if result.is_ok() && span.end > self.pos {
                // A match covers whole characters.
                span.end
            } else {
                span.end.max(self.pos + char_len(text, self.pos))
            };
            let Ok(tok) = result else {
                self.error(self.pos, end, "unexpected character");
                self.push(ERROR_TOKEN, end);
                continue;
            };
            match tok {
                Raw::Ident => {
                    let kind = SyntaxKind::from_keyword(&text[span.clone()]).unwrap_or(IDENT);
                    self.push(kind, end);
                }
                Raw::BlockCommentStart => self.block_comment(),
                Raw::Quote => self.string(),
                Raw::Backtick => {
                    self.push(BACKTICK, end);
                    self.template_text();
                }
                Raw::Slash | Raw::SlashEq if self.regex_allowed() => self.regex(),
                Raw::QuestionDot if text.as_bytes().get(end).is_some_and(u8::is_ascii_digit) => {
                    // `a?.5:1` is a conditional, not optional chaining.
                    self.push(QUESTION, self.pos + 1);
                }
                Raw::LParen => {
                    let control = matches!(
                        self.prev_significant,
                        Some(IF_KW | WHILE_KW | FOR_KW | WITH_KW)
                    );
                    self.parens.push(control);
                    self.push(L_PAREN, end);
                }
                Raw::RParen => {
                    let control = self.parens.pop().unwrap_or(false);
                    self.push(R_PAREN, end);
                    self.closed_control_head = control;
                }
                Raw::LCurly => {
                    if let Some(depth) = self.braces.last_mut() {
                        *depth += 1;
                    }
                    self.push(L_CURLY, end);
                }
                Raw::RCurly => {
                    let closes_substitution = match self.braces.last_mut() {
                        Some(0) => true,
                        Some(depth) => {
                            *depth -= 1;
                            false
                        }
                        None => false,
                    };
                    self.push(R_CURLY, end);
                    if closes_substitution {
                        self.braces.pop();
                        self.template_text();
                    }
                }
                Raw::Number => {
                    if crate::parse_number(&text[span.clone()]).is_none() {
                        self.error(
                            self.pos,
                            end,
                            "invalid number: `_` must sit between digits, and leading zeros are not allowed",
                        );
                    }
                    self.push(NUMBER, end);
                }
                other => self.push(other.simple_kind(), end),
            }
        }
    }

    /// Lexes the commonest tokens (ASCII spaces, `\n`, ASCII identifiers and keywords) without
    /// the automaton, exactly as it would; `false` (having done nothing) when unsure, such as
    /// when a non-ASCII character follows, which might continue the token.
    fn ascii_fast_path(&mut self) -> bool {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let Some(&first) = bytes.get(start) else {
            return false;
        };
        // The first byte that does not continue the token, if any, must be ASCII.
        let ends_cleanly = |i: usize| bytes.get(i).is_none_or(u8::is_ascii);
        match first {
            b'\n' => {
                self.push(NEWLINE, start + 1);
                true
            }
            b' ' | b'\t' => {
                let mut i = start + 1;
                while bytes.get(i).is_some_and(|&b| b == b' ' || b == b'\t') {
                    i += 1;
                }
                // Vertical tab and form feed continue whitespace too.
                if ends_cleanly(i) && !matches!(bytes.get(i), Some(0x0B | 0x0C)) {
                    self.push(WHITESPACE, i);
                    return true;
                }
                false
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'$' => {
                let mut i = start + 1;
                while bytes
                    .get(i)
                    .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
                {
                    i += 1;
                }
                if ends_cleanly(i) {
                    let kind = SyntaxKind::from_keyword(&self.text[start..i]).unwrap_or(IDENT);
                    self.push(kind, i);
                    return true;
                }
                false
            }
            _ => false,
        }
    }

    /// Regular-expression literals may start where an expression may start, as JS lexers decide.
    fn regex_allowed(&self) -> bool {
        if self.prev_significant == Some(R_PAREN) && self.closed_control_head {
            return true;
        }
        !matches!(
            self.prev_significant,
            Some(
                IDENT
                    | NUMBER
                    | STRING
                    | REGEX
                    | BACKTICK
                    | R_PAREN
                    | R_BRACK
                    | R_CURLY
                    | THIS_KW
                    | SUPER_KW
                    | TRUE_KW
                    | FALSE_KW
                    | NULL_KW
                    | PLUS2
                    | MINUS2
                    | ERROR_TOKEN
            )
        )
    }

    fn block_comment(&mut self) {
        let start = self.pos;
        match self.text[start + 2..].find("*/") {
            Some(i) => self.push(BLOCK_COMMENT, start + 2 + i + 2),
            None => {
                let end = self.text.len();
                self.error(start, end, "unterminated block comment: expected `*/`");
                self.push(ERROR_TOKEN, end);
            }
        }
    }

    fn string(&mut self) {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let quote = bytes[start];
        let mut i = start + 1;
        loop {
            match bytes.get(i) {
                None | Some(b'\n' | b'\r') => {
                    self.error(
                        start,
                        i,
                        "unterminated string literal: add the closing quote",
                    );
                    self.push(ERROR_TOKEN, i);
                    return;
                }
                Some(&b) if b == quote => {
                    self.push(STRING, i + 1);
                    return;
                }
                Some(b'\\') => {
                    i += 1;
                    if bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) == Some(&b'\n') {
                        i += 2;
                    } else if i < bytes.len() {
                        i += char_len(self.text, i);
                    }
                }
                Some(_) => i += 1,
            }
        }
    }

    fn regex(&mut self) {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let mut i = start + 1;
        let mut in_class = false;
        loop {
            match bytes.get(i) {
                None | Some(b'\n' | b'\r') => {
                    self.error(start, i, "unterminated regular expression literal");
                    self.push(ERROR_TOKEN, i);
                    return;
                }
                Some(b'\\') => {
                    i += 1;
                    if i < bytes.len() && !matches!(bytes[i], b'\n' | b'\r') {
                        i += char_len(self.text, i);
                    }
                }
                Some(b'[') => {
                    in_class = true;
                    i += 1;
                }
                Some(b']') => {
                    in_class = false;
                    i += 1;
                }
                Some(b'/') if !in_class => {
                    i += 1;
                    while i < bytes.len()
                        && (bytes[i].is_ascii_alphanumeric()
                            || bytes[i] == b'_'
                            || bytes[i] == b'$')
                    {
                        i += 1;
                    }
                    self.push(REGEX, i);
                    return;
                }
                Some(_) => i += 1,
            }
        }
    }

    /// Scans template text after an opening backtick or a substitution's closing `}`.
    fn template_text(&mut self) {
        let bytes = self.text.as_bytes();
        let mut i = self.pos;
        loop {
            match bytes.get(i) {
                None => {
                    if i > self.pos {
                        self.push(TEMPLATE_CHUNK, i);
                    }
                    return;
                }
                Some(b'`') => {
                    if i > self.pos {
                        self.push(TEMPLATE_CHUNK, i);
                    }
                    self.push(BACKTICK, i + 1);
                    return;
                }
                Some(b'$') if bytes.get(i + 1) == Some(&b'{') => {
                    if i > self.pos {
                        self.push(TEMPLATE_CHUNK, i);
                    }
                    self.push(DOLLAR_L_CURLY, i + 2);
                    self.braces.push(0);
                    return;
                }
                Some(b'\\') => {
                    i += 1;
                    if i < bytes.len() {
                        i += char_len(self.text, i);
                    }
                }
                Some(_) => i += 1,
            }
        }
    }
}

fn char_len(text: &str, pos: usize) -> usize {
    text[pos..].chars().next().map_or(1, char::len_utf8)
}

/// Converts a byte offset to a `u32` (saturating on absurdly large inputs).
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Converts a byte offset to a `TextSize` (saturating on absurdly large inputs).
pub(crate) fn size(n: usize) -> TextSize {
    TextSize::new(u32::try_from(n).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(SyntaxKind, String)> {
        let mut pos = 0usize;
        let mut out = Vec::new();
        for t in lex(text) {
            let len = u32::from(t.len) as usize;
            if !t.kind.is_trivia() {
                out.push((t.kind, text[pos..pos + len].to_string()));
            }
            pos += len;
        }
        assert_eq!(pos, text.len());
        out
    }

    #[test]
    fn keyword_prefixed_identifiers() {
        for word in [
            "nullable",
            "letter",
            "returnValue",
            "async_x",
            "of",
            "get",
            "iffy",
            "newer",
            "trueish",
            "undefined",
        ] {
            assert_eq!(kinds(word), vec![(IDENT, word.to_string())], "{word}");
        }
        assert_eq!(kinds("let")[0].0, LET_KW);
        assert_eq!(kinds("null")[0].0, NULL_KW);
    }

    proptest::proptest! {
        #[test]
        fn ascii_fast_path_agrees_with_the_automaton(
            text in "([ \t\u{000B}\u{000C}\n\r\u{00A0}\u{200C}\u{0301}\u{3000}éa-z0-9_$`{}/\"'.=]|let|if){0,40}"
        ) {
            let (fast, fast_errors) = lex_spans_with(&text, true);
            let (slow, slow_errors) = lex_spans_with(&text, false);
            let key = |t: &[Span]| t.iter().map(|t| (t.kind, t.start, t.end)).collect::<Vec<_>>();
            proptest::prop_assert_eq!(key(&fast), key(&slow));
            proptest::prop_assert_eq!(fast_errors, slow_errors);
        }
    }

    #[test]
    fn ascii_fast_path_defers_to_the_automaton_near_non_ascii() {
        let one = |text: &str, kind: SyntaxKind| {
            let tokens = lex(text);
            assert_eq!(tokens.len(), 1, "{text:?}: {tokens:?}");
            assert_eq!(tokens[0].kind, kind, "{text:?}");
        };
        for text in [
            "ab\u{200C}c",
            "x\u{0301}",
            "$é",
            "café",
            "if\u{00E9}",
            "_\u{200D}",
        ] {
            one(text, IDENT);
        }
        for text in [
            " \u{00A0} ",
            "\t\u{FEFF}",
            " \u{000B}",
            "\t\u{000C} ",
            "  \u{3000}",
        ] {
            one(text, WHITESPACE);
        }
        assert_eq!(
            kinds("let\tx_1 = $y\n"),
            vec![
                (LET_KW, "let".to_string()),
                (IDENT, "x_1".to_string()),
                (EQ, "=".to_string()),
                (IDENT, "$y".to_string())
            ]
        );
    }

    #[test]
    fn number_forms() {
        for n in [
            "1_000", "1e3", "1E-3", "0x1F", "0o17", "0b101", ".5", "5.", "1.5e+10", "0",
        ] {
            assert_eq!(kinds(n), vec![(NUMBER, n.to_string())], "{n}");
        }
    }

    #[test]
    fn nested_templates() {
        let k: Vec<SyntaxKind> = kinds("`a${ `b${ {c: 1}.c }` }d`")
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(
            k,
            vec![
                BACKTICK,
                TEMPLATE_CHUNK,
                DOLLAR_L_CURLY,
                BACKTICK,
                TEMPLATE_CHUNK,
                DOLLAR_L_CURLY,
                L_CURLY,
                IDENT,
                COLON,
                NUMBER,
                R_CURLY,
                DOT,
                IDENT,
                R_CURLY,
                BACKTICK,
                R_CURLY,
                TEMPLATE_CHUNK,
                BACKTICK
            ]
        );
    }

    #[test]
    fn regex_versus_division() {
        assert_eq!(
            kinds("a / b / c").iter().filter(|t| t.0 == SLASH).count(),
            2
        );
        assert_eq!(
            kinds("x = /ab+[/]c/gi.test(s)")[2],
            (REGEX, "/ab+[/]c/gi".to_string())
        );
        assert_eq!(kinds("f(a) / 2")[4].0, SLASH);
        assert_eq!(kinds("if (a) /x/.test(s)")[4].0, REGEX);
        assert_eq!(kinds("while (f(a)) /x/g")[7].0, REGEX);
        assert_eq!(kinds("(a) / (b)")[3].0, SLASH);
    }

    #[test]
    fn errors_keep_text() {
        let (tokens, errors) = lex_with_errors("let s = \"abc\nx /* never closed");
        assert_eq!(tokens.iter().map(|t| u32::from(t.len)).sum::<u32>(), 30);
        assert_eq!(errors.len(), 2);
        let (_, errors) = lex_with_errors("a § b");
        assert_eq!(errors[0].message, "unexpected character");
        assert_eq!(kinds("a?.5:1")[1].0, QUESTION);
    }
}
