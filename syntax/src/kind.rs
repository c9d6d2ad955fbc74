//! `SyntaxKind`: every token and node kind of the `.flow` syntax tree, and the rowan language.

/// Declares `SyntaxKind` with consecutive discriminants from 0 and `ALL_KINDS`, the table
/// `from_raw` indexes, from one list so the two can never drift apart.
macro_rules! syntax_kinds {
    ($($(#[$attr:meta])* $kind:ident,)*) => {
        /// The kind of a token or node in the syntax tree.
        #[allow(non_camel_case_types, missing_docs)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u16)]
        pub enum SyntaxKind {
            $($(#[$attr])* $kind,)*
        }

        /// Every kind, indexed by its `u16` value.
        const ALL_KINDS: &[SyntaxKind] = &[$(SyntaxKind::$kind,)*];
    };
}

syntax_kinds! {
    // ---- trivia ----
    WHITESPACE,
    NEWLINE,
    LINE_COMMENT,
    BLOCK_COMMENT,
    // ---- literals and names ----
    IDENT,
    NUMBER,
    STRING,
    REGEX,
    /// `` ` `` opening or closing a template literal.
    BACKTICK,
    /// Raw text between backticks and substitutions of a template literal.
    TEMPLATE_CHUNK,
    /// `${` opening a template substitution.
    DOLLAR_L_CURLY,
    /// A character or unterminated literal the lexer could not make sense of.
    ERROR_TOKEN,
    // ---- punctuation ----
    L_PAREN,
    R_PAREN,
    L_BRACK,
    R_BRACK,
    L_CURLY,
    R_CURLY,
    SEMICOLON,
    COMMA,
    DOT,
    DOT3,
    QUESTION,
    QUESTION_DOT,
    COLON,
    FAT_ARROW,
    EQ,
    EQ2,
    EQ3,
    NEQ,
    NEQ2,
    LT,
    LTEQ,
    GT,
    GTEQ,
    PLUS,
    MINUS,
    STAR,
    STAR2,
    SLASH,
    PERCENT,
    PLUS2,
    MINUS2,
    SHL,
    SHR,
    USHR,
    AMP,
    PIPE,
    CARET,
    BANG,
    TILDE,
    AMP2,
    PIPE2,
    QUESTION2,
    PLUS_EQ,
    MINUS_EQ,
    STAR_EQ,
    STAR2_EQ,
    SLASH_EQ,
    PERCENT_EQ,
    SHL_EQ,
    SHR_EQ,
    USHR_EQ,
    AMP_EQ,
    PIPE_EQ,
    CARET_EQ,
    AMP2_EQ,
    PIPE2_EQ,
    QUESTION2_EQ,
    HASH,
    AT,
    // ---- keywords ----
    AWAIT_KW,
    BREAK_KW,
    CASE_KW,
    CATCH_KW,
    CLASS_KW,
    CONST_KW,
    CONTINUE_KW,
    DEBUGGER_KW,
    DEFAULT_KW,
    DELETE_KW,
    DO_KW,
    ELSE_KW,
    EXPORT_KW,
    EXTENDS_KW,
    FALSE_KW,
    FINALLY_KW,
    FOR_KW,
    FUNCTION_KW,
    IF_KW,
    IMPORT_KW,
    IN_KW,
    INSTANCEOF_KW,
    LET_KW,
    NEW_KW,
    NULL_KW,
    RETURN_KW,
    SUPER_KW,
    SWITCH_KW,
    THIS_KW,
    THROW_KW,
    TRUE_KW,
    TRY_KW,
    TYPEOF_KW,
    VAR_KW,
    VOID_KW,
    WHILE_KW,
    WITH_KW,
    YIELD_KW,
    /// End of input (never stored in the tree).
    EOF,

    // ---- nodes ----
    /// The root: a whole `.flow` file.
    SCRIPT,
    /// Text the parser could not fit into the grammar.
    ERROR,
    // statements
    /// `let`/`const`/`var` declaration.
    VAR_DECL,
    /// One `pattern = init` of a declaration.
    DECLARATOR,
    EXPR_STMT,
    BLOCK_STMT,
    EMPTY_STMT,
    IF_STMT,
    /// The `else` branch of an `if`.
    ELSE_CLAUSE,
    FOR_STMT,
    FOR_IN_STMT,
    FOR_OF_STMT,
    /// The initializer part of a C-style `for` (a declaration or expression).
    FOR_INIT,
    /// The condition part of a C-style `for`.
    FOR_TEST,
    /// The update part of a C-style `for`.
    FOR_UPDATE,
    WHILE_STMT,
    DO_WHILE_STMT,
    BREAK_STMT,
    CONTINUE_STMT,
    RETURN_STMT,
    THROW_STMT,
    TRY_STMT,
    CATCH_CLAUSE,
    FINALLY_CLAUSE,
    FUNCTION_DECL,
    SWITCH_STMT,
    SWITCH_CASE,
    LABELED_STMT,
    CLASS_DECL,
    /// The body `{ ... }` of a class (kept opaque: classes are rejected by the analyzer).
    CLASS_BODY,
    IMPORT_DECL,
    EXPORT_DECL,
    WITH_STMT,
    DEBUGGER_STMT,
    // functions
    PARAM_LIST,
    // patterns
    IDENT_PAT,
    ARRAY_PAT,
    OBJECT_PAT,
    /// `key: pattern` or shorthand `name` (with optional default) inside an object pattern.
    OBJECT_PAT_PROP,
    /// `pattern = default`.
    ASSIGN_PAT,
    /// `...pattern`.
    REST_PAT,
    /// An array hole `[, a]` in a pattern or array literal.
    HOLE,
    /// An assignment-target expression (`a.b`, `a[i]`) inside a destructuring assignment.
    EXPR_PAT,
    // expressions
    LITERAL,
    NAME_REF,
    THIS_EXPR,
    SUPER_EXPR,
    TEMPLATE,
    /// `${ expr }` inside a template literal.
    TEMPLATE_SUBST,
    TAGGED_TEMPLATE,
    ARRAY_EXPR,
    SPREAD_ELEMENT,
    OBJECT_EXPR,
    /// `key: value` in an object literal.
    PROP,
    /// `name` or `name = default` (the latter only valid as a pattern) in an object literal.
    SHORTHAND_PROP,
    /// `key(params) { body }` in an object literal.
    METHOD_PROP,
    /// `get key() {}` / `set key(v) {}` in an object literal.
    ACCESSOR_PROP,
    /// A property name: identifier, string, number or `[computed]`.
    PROP_KEY,
    PAREN_EXPR,
    ARROW_FUNC,
    FUNCTION_EXPR,
    CLASS_EXPR,
    CALL_EXPR,
    ARG_LIST,
    NEW_EXPR,
    MEMBER_EXPR,
    INDEX_EXPR,
    UNARY_EXPR,
    AWAIT_EXPR,
    YIELD_EXPR,
    /// `++x`, `x--`, ...
    UPDATE_EXPR,
    BIN_EXPR,
    COND_EXPR,
    ASSIGN_EXPR,
    SEQUENCE_EXPR,
}

use SyntaxKind::*;

impl SyntaxKind {
    /// Whitespace, newlines and comments.
    pub fn is_trivia(self) -> bool {
        matches!(self, WHITESPACE | NEWLINE | LINE_COMMENT | BLOCK_COMMENT)
    }

    /// A reserved word (`if`, `let`, `true`, ...).
    pub fn is_keyword(self) -> bool {
        (self as u16) >= (AWAIT_KW as u16) && (self as u16) <= (YIELD_KW as u16)
    }

    /// A punctuation or operator token.
    pub fn is_punct(self) -> bool {
        (self as u16) >= (L_PAREN as u16) && (self as u16) <= (AT as u16)
    }

    /// A token kind (as opposed to a node kind).
    pub fn is_token(self) -> bool {
        (self as u16) <= (EOF as u16)
    }

    /// An expression node.
    #[inline]
    pub fn is_expr(self) -> bool {
        matches!(
            self,
            LITERAL
                | NAME_REF
                | THIS_EXPR
                | SUPER_EXPR
                | TEMPLATE
                | TAGGED_TEMPLATE
                | ARRAY_EXPR
                | OBJECT_EXPR
                | PAREN_EXPR
                | ARROW_FUNC
                | FUNCTION_EXPR
                | CLASS_EXPR
                | CALL_EXPR
                | NEW_EXPR
                | MEMBER_EXPR
                | INDEX_EXPR
                | UNARY_EXPR
                | AWAIT_EXPR
                | YIELD_EXPR
                | UPDATE_EXPR
                | BIN_EXPR
                | COND_EXPR
                | ASSIGN_EXPR
                | SEQUENCE_EXPR
        )
    }

    /// A statement node (declarations included; not clauses such as `catch`).
    #[inline]
    pub fn is_stmt(self) -> bool {
        matches!(
            self,
            VAR_DECL
                | EXPR_STMT
                | BLOCK_STMT
                | EMPTY_STMT
                | IF_STMT
                | FOR_STMT
                | FOR_IN_STMT
                | FOR_OF_STMT
                | WHILE_STMT
                | DO_WHILE_STMT
                | BREAK_STMT
                | CONTINUE_STMT
                | RETURN_STMT
                | THROW_STMT
                | TRY_STMT
                | FUNCTION_DECL
                | SWITCH_STMT
                | LABELED_STMT
                | CLASS_DECL
                | IMPORT_DECL
                | EXPORT_DECL
                | WITH_STMT
                | DEBUGGER_STMT
        )
    }

    /// A binding or assignment pattern node.
    #[inline]
    pub fn is_pattern(self) -> bool {
        matches!(
            self,
            IDENT_PAT | ARRAY_PAT | OBJECT_PAT | ASSIGN_PAT | REST_PAT | EXPR_PAT
        )
    }

    /// The keyword kind spelled `text`, if `text` is a reserved word.
    pub fn from_keyword(text: &str) -> Option<SyntaxKind> {
        Some(match text {
            "await" => AWAIT_KW,
            "break" => BREAK_KW,
            "case" => CASE_KW,
            "catch" => CATCH_KW,
            "class" => CLASS_KW,
            "const" => CONST_KW,
            "continue" => CONTINUE_KW,
            "debugger" => DEBUGGER_KW,
            "default" => DEFAULT_KW,
            "delete" => DELETE_KW,
            "do" => DO_KW,
            "else" => ELSE_KW,
            "export" => EXPORT_KW,
            "extends" => EXTENDS_KW,
            "false" => FALSE_KW,
            "finally" => FINALLY_KW,
            "for" => FOR_KW,
            "function" => FUNCTION_KW,
            "if" => IF_KW,
            "import" => IMPORT_KW,
            "in" => IN_KW,
            "instanceof" => INSTANCEOF_KW,
            "let" => LET_KW,
            "new" => NEW_KW,
            "null" => NULL_KW,
            "return" => RETURN_KW,
            "super" => SUPER_KW,
            "switch" => SWITCH_KW,
            "this" => THIS_KW,
            "throw" => THROW_KW,
            "true" => TRUE_KW,
            "try" => TRY_KW,
            "typeof" => TYPEOF_KW,
            "var" => VAR_KW,
            "void" => VOID_KW,
            "while" => WHILE_KW,
            "with" => WITH_KW,
            "yield" => YIELD_KW,
            _ => return None,
        })
    }

    /// How a token is written, for error messages (`` `)` ``, `an identifier`, ...).
    pub fn describe(self) -> &'static str {
        match self {
            IDENT => "an identifier",
            NUMBER => "a number",
            STRING => "a string",
            REGEX => "a regular expression",
            BACKTICK => "`` ` ``",
            TEMPLATE_CHUNK => "template text",
            DOLLAR_L_CURLY => "`${`",
            ERROR_TOKEN => "an invalid token",
            EOF => "the end of the file",
            WHITESPACE | NEWLINE => "whitespace",
            LINE_COMMENT | BLOCK_COMMENT => "a comment",
            _ => self.text().unwrap_or("a syntax node"),
        }
    }

    /// The fixed text of a punctuation token or keyword, wrapped in backticks.
    pub fn text(self) -> Option<&'static str> {
        Some(match self {
            L_PAREN => "`(`",
            R_PAREN => "`)`",
            L_BRACK => "`[`",
            R_BRACK => "`]`",
            L_CURLY => "`{`",
            R_CURLY => "`}`",
            SEMICOLON => "`;`",
            COMMA => "`,`",
            DOT => "`.`",
            DOT3 => "`...`",
            QUESTION => "`?`",
            QUESTION_DOT => "`?.`",
            COLON => "`:`",
            FAT_ARROW => "`=>`",
            EQ => "`=`",
            EQ2 => "`==`",
            EQ3 => "`===`",
            NEQ => "`!=`",
            NEQ2 => "`!==`",
            LT => "`<`",
            LTEQ => "`<=`",
            GT => "`>`",
            GTEQ => "`>=`",
            PLUS => "`+`",
            MINUS => "`-`",
            STAR => "`*`",
            STAR2 => "`**`",
            SLASH => "`/`",
            PERCENT => "`%`",
            PLUS2 => "`++`",
            MINUS2 => "`--`",
            SHL => "`<<`",
            SHR => "`>>`",
            USHR => "`>>>`",
            AMP => "`&`",
            PIPE => "`|`",
            CARET => "`^`",
            BANG => "`!`",
            TILDE => "`~`",
            AMP2 => "`&&`",
            PIPE2 => "`||`",
            QUESTION2 => "`??`",
            PLUS_EQ => "`+=`",
            MINUS_EQ => "`-=`",
            STAR_EQ => "`*=`",
            STAR2_EQ => "`**=`",
            SLASH_EQ => "`/=`",
            PERCENT_EQ => "`%=`",
            SHL_EQ => "`<<=`",
            SHR_EQ => "`>>=`",
            USHR_EQ => "`>>>=`",
            AMP_EQ => "`&=`",
            PIPE_EQ => "`|=`",
            CARET_EQ => "`^=`",
            AMP2_EQ => "`&&=`",
            PIPE2_EQ => "`||=`",
            QUESTION2_EQ => "`??=`",
            HASH => "`#`",
            AT => "`@`",
            AWAIT_KW => "`await`",
            BREAK_KW => "`break`",
            CASE_KW => "`case`",
            CATCH_KW => "`catch`",
            CLASS_KW => "`class`",
            CONST_KW => "`const`",
            CONTINUE_KW => "`continue`",
            DEBUGGER_KW => "`debugger`",
            DEFAULT_KW => "`default`",
            DELETE_KW => "`delete`",
            DO_KW => "`do`",
            ELSE_KW => "`else`",
            EXPORT_KW => "`export`",
            EXTENDS_KW => "`extends`",
            FALSE_KW => "`false`",
            FINALLY_KW => "`finally`",
            FOR_KW => "`for`",
            FUNCTION_KW => "`function`",
            IF_KW => "`if`",
            IMPORT_KW => "`import`",
            IN_KW => "`in`",
            INSTANCEOF_KW => "`instanceof`",
            LET_KW => "`let`",
            NEW_KW => "`new`",
            NULL_KW => "`null`",
            RETURN_KW => "`return`",
            SUPER_KW => "`super`",
            SWITCH_KW => "`switch`",
            THIS_KW => "`this`",
            THROW_KW => "`throw`",
            TRUE_KW => "`true`",
            TRY_KW => "`try`",
            TYPEOF_KW => "`typeof`",
            VAR_KW => "`var`",
            VOID_KW => "`void`",
            WHILE_KW => "`while`",
            WITH_KW => "`with`",
            YIELD_KW => "`yield`",
            _ => return None,
        })
    }

    /// Converts a raw `u16` back to a kind (`None` when out of range).
    pub fn from_raw(raw: u16) -> Option<SyntaxKind> {
        ALL_KINDS.get(usize::from(raw)).copied()
    }
}

impl From<SyntaxKind> for rowan::SyntaxKind {
    fn from(kind: SyntaxKind) -> Self {
        rowan::SyntaxKind(kind as u16)
    }
}

/// The rowan language of `.flow` syntax trees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlowLanguage {}

impl rowan::Language for FlowLanguage {
    type Kind = SyntaxKind;

    fn kind_from_raw(raw: rowan::SyntaxKind) -> SyntaxKind {
        SyntaxKind::from_raw(raw.0).unwrap_or(ERROR)
    }

    fn kind_to_raw(kind: SyntaxKind) -> rowan::SyntaxKind {
        kind.into()
    }
}

/// A node of the syntax tree.
pub type SyntaxNode = rowan::SyntaxNode<FlowLanguage>;
/// A token (leaf) of the syntax tree.
pub type SyntaxToken = rowan::SyntaxToken<FlowLanguage>;
/// A node or a token.
pub type SyntaxElement = rowan::SyntaxElement<FlowLanguage>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_raw_value() {
        let count = u16::try_from(ALL_KINDS.len()).expect("fits");
        for raw in 0..count {
            let kind = SyntaxKind::from_raw(raw).expect("in range");
            assert_eq!(kind as u16, raw);
        }
        assert_eq!(SyntaxKind::from_raw(count), None);
        assert_eq!(SyntaxKind::from_raw(u16::MAX), None);
    }
}
