//! The node structs, the `Stmt`/`Expr`/`Pattern` enums and their accessors.

use super::{AstNode, child, child_after, child_before, children, token};
use crate::SyntaxKind::{self, *};
use crate::{SyntaxNode, SyntaxToken};

macro_rules! ast_node {
    ($(#[$doc:meta] $name:ident => $kind:ident;)*) => {$(
        #[$doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(SyntaxNode);

        impl AstNode for $name {
            fn can_cast(kind: SyntaxKind) -> bool {
                kind == $kind
            }
            fn cast(node: SyntaxNode) -> Option<Self> {
                (node.kind() == $kind).then(|| Self(node))
            }
            fn syntax(&self) -> &SyntaxNode {
                &self.0
            }
        }
    )*};
}

macro_rules! ast_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident($ty:ident),)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant($ty),)*
        }

        impl AstNode for $name {
            fn can_cast(kind: SyntaxKind) -> bool {
                $($ty::can_cast(kind))||*
            }
            fn cast(node: SyntaxNode) -> Option<Self> {
                $(if $ty::can_cast(node.kind()) {
                    return $ty::cast(node).map($name::$variant);
                })*
                None
            }
            fn syntax(&self) -> &SyntaxNode {
                match self {
                    $($name::$variant(it) => it.syntax(),)*
                }
            }
        }
    };
}

ast_node! {
    /// A whole file.
    Script => SCRIPT;
    /// `let`/`const`/`var` declaration.
    VarDecl => VAR_DECL;
    /// `pattern = init` inside a declaration.
    Declarator => DECLARATOR;
    /// An expression followed by `;` or a line break.
    ExprStmt => EXPR_STMT;
    /// `{ ... }`.
    BlockStmt => BLOCK_STMT;
    /// `;` alone.
    EmptyStmt => EMPTY_STMT;
    /// `if (c) a else b`.
    IfStmt => IF_STMT;
    /// `else b`.
    ElseClause => ELSE_CLAUSE;
    /// `for (init; test; update) body`.
    ForStmt => FOR_STMT;
    /// `for (x in o) body`.
    ForInStmt => FOR_IN_STMT;
    /// `for (x of xs) body`.
    ForOfStmt => FOR_OF_STMT;
    /// The init part of a C-style `for`.
    ForInit => FOR_INIT;
    /// The test part of a C-style `for`.
    ForTest => FOR_TEST;
    /// The update part of a C-style `for`.
    ForUpdate => FOR_UPDATE;
    /// `while (c) body`.
    WhileStmt => WHILE_STMT;
    /// `do body while (c)`.
    DoWhileStmt => DO_WHILE_STMT;
    /// `break label?`.
    BreakStmt => BREAK_STMT;
    /// `continue label?`.
    ContinueStmt => CONTINUE_STMT;
    /// `return value?`.
    ReturnStmt => RETURN_STMT;
    /// `throw value`.
    ThrowStmt => THROW_STMT;
    /// `try {} catch {} finally {}`.
    TryStmt => TRY_STMT;
    /// `catch (e) {}` or `catch {}`.
    CatchClause => CATCH_CLAUSE;
    /// `finally {}`.
    FinallyClause => FINALLY_CLAUSE;
    /// `async? function name(params) {}` as a statement.
    FunctionDecl => FUNCTION_DECL;
    /// `switch (d) { cases }`.
    SwitchStmt => SWITCH_STMT;
    /// `case e: stmts` or `default: stmts`.
    SwitchCase => SWITCH_CASE;
    /// `label: stmt` (rejected by the analyzer).
    LabeledStmt => LABELED_STMT;
    /// `class Name {}` (rejected by the analyzer).
    ClassDecl => CLASS_DECL;
    /// `import ...` (rejected by the analyzer).
    ImportDecl => IMPORT_DECL;
    /// `export ...` (rejected by the analyzer).
    ExportDecl => EXPORT_DECL;
    /// `with (o) stmt` (rejected by the analyzer).
    WithStmt => WITH_STMT;
    /// `debugger`.
    DebuggerStmt => DEBUGGER_STMT;
    /// `(a, b = 1, ...rest)` of a function, or the bare parameter of `x => ...`.
    ParamList => PARAM_LIST;
    /// A binding name.
    IdentPat => IDENT_PAT;
    /// `[a, , b = 1, ...rest]` as a pattern.
    ArrayPat => ARRAY_PAT;
    /// `{ a, b: c, d = 1, ...rest }` as a pattern.
    ObjectPat => OBJECT_PAT;
    /// One property of an object pattern.
    ObjectPatProp => OBJECT_PAT_PROP;
    /// `pattern = default`.
    AssignPat => ASSIGN_PAT;
    /// `...pattern`.
    RestPat => REST_PAT;
    /// An assignment target that is an expression (`o.a`, `xs[i]`) inside a destructuring assignment.
    ExprPat => EXPR_PAT;
    /// A hole in an array pattern or literal.
    Hole => HOLE;
    /// A number, string, boolean, `null` or regular-expression literal.
    Literal => LITERAL;
    /// A use of a name.
    NameRef => NAME_REF;
    /// `this` (rejected by the analyzer).
    ThisExpr => THIS_EXPR;
    /// `super` (rejected by the analyzer).
    SuperExpr => SUPER_EXPR;
    /// `` `text ${expr} text` ``.
    Template => TEMPLATE;
    /// `${ expr }` inside a template.
    TemplateSubst => TEMPLATE_SUBST;
    /// ``tag`text` ``.
    TaggedTemplate => TAGGED_TEMPLATE;
    /// `[a, , ...b]`.
    ArrayExpr => ARRAY_EXPR;
    /// `...expr` in an array, object or argument list.
    SpreadElement => SPREAD_ELEMENT;
    /// `{ ... }` as an expression.
    ObjectExpr => OBJECT_EXPR;
    /// `key: value`.
    Prop => PROP;
    /// `name` as a property (`{ a }`).
    ShorthandProp => SHORTHAND_PROP;
    /// `key(params) { body }`.
    MethodProp => METHOD_PROP;
    /// `get key() {}` / `set key(v) {}` (rejected by the analyzer).
    AccessorProp => ACCESSOR_PROP;
    /// A property name: identifier, string, number or `[computed]`.
    PropKey => PROP_KEY;
    /// `(expr)`.
    ParenExpr => PAREN_EXPR;
    /// `params => body`.
    ArrowFunc => ARROW_FUNC;
    /// `function name?(params) {}` as an expression.
    FunctionExpr => FUNCTION_EXPR;
    /// `class {}` as an expression (rejected by the analyzer).
    ClassExpr => CLASS_EXPR;
    /// `callee(args)` or `callee?.(args)`.
    CallExpr => CALL_EXPR;
    /// `(a, ...b)` of a call or `new`.
    ArgList => ARG_LIST;
    /// `new Callee(args)`.
    NewExpr => NEW_EXPR;
    /// `object.name` or `object?.name`.
    MemberExpr => MEMBER_EXPR;
    /// `object[index]` or `object?.[index]`.
    IndexExpr => INDEX_EXPR;
    /// `op operand` for `! - + ~ typeof void delete`.
    UnaryExpr => UNARY_EXPR;
    /// `await operand`.
    AwaitExpr => AWAIT_EXPR;
    /// `yield operand?` (rejected by the analyzer).
    YieldExpr => YIELD_EXPR;
    /// `++x`, `--x`, `x++`, `x--`.
    UpdateExpr => UPDATE_EXPR;
    /// `lhs op rhs` (arithmetic, comparison, logical, `in`, `instanceof`).
    BinExpr => BIN_EXPR;
    /// `test ? then : else`.
    CondExpr => COND_EXPR;
    /// `target op= value`.
    AssignExpr => ASSIGN_EXPR;
    /// `a, b, c`.
    SequenceExpr => SEQUENCE_EXPR;
}

ast_enum! {
    /// Any statement.
    Stmt {
        /// `let`/`const`/`var`.
        VarDecl(VarDecl),
        /// Expression statement.
        Expr(ExprStmt),
        /// Block.
        Block(BlockStmt),
        /// `;`.
        Empty(EmptyStmt),
        /// `if`.
        If(IfStmt),
        /// C-style `for`.
        For(ForStmt),
        /// `for in`.
        ForIn(ForInStmt),
        /// `for of`.
        ForOf(ForOfStmt),
        /// `while`.
        While(WhileStmt),
        /// `do while`.
        DoWhile(DoWhileStmt),
        /// `break`.
        Break(BreakStmt),
        /// `continue`.
        Continue(ContinueStmt),
        /// `return`.
        Return(ReturnStmt),
        /// `throw`.
        Throw(ThrowStmt),
        /// `try`.
        Try(TryStmt),
        /// Function declaration.
        Function(FunctionDecl),
        /// `switch`.
        Switch(SwitchStmt),
        /// Labelled statement.
        Labeled(LabeledStmt),
        /// `class` declaration.
        Class(ClassDecl),
        /// `import`.
        Import(ImportDecl),
        /// `export`.
        Export(ExportDecl),
        /// `with`.
        With(WithStmt),
        /// `debugger`.
        Debugger(DebuggerStmt),
    }
}

ast_enum! {
    /// Any expression.
    Expr {
        /// Literal.
        Literal(Literal),
        /// Name.
        NameRef(NameRef),
        /// `this`.
        This(ThisExpr),
        /// `super`.
        Super(SuperExpr),
        /// Template literal.
        Template(Template),
        /// Tagged template.
        TaggedTemplate(TaggedTemplate),
        /// Array literal.
        Array(ArrayExpr),
        /// Object literal.
        Object(ObjectExpr),
        /// Parenthesized.
        Paren(ParenExpr),
        /// Arrow function.
        Arrow(ArrowFunc),
        /// Function expression.
        Function(FunctionExpr),
        /// Class expression.
        Class(ClassExpr),
        /// Call.
        Call(CallExpr),
        /// `new`.
        New(NewExpr),
        /// `a.b`.
        Member(MemberExpr),
        /// `a[b]`.
        Index(IndexExpr),
        /// Unary operator.
        Unary(UnaryExpr),
        /// `await`.
        Await(AwaitExpr),
        /// `yield`.
        Yield(YieldExpr),
        /// `++`/`--`.
        Update(UpdateExpr),
        /// Binary operator.
        Bin(BinExpr),
        /// `?:`.
        Cond(CondExpr),
        /// Assignment.
        Assign(AssignExpr),
        /// Comma sequence.
        Sequence(SequenceExpr),
    }
}

ast_enum! {
    /// Any binding or assignment pattern.
    Pattern {
        /// A name.
        Ident(IdentPat),
        /// `[...]`.
        Array(ArrayPat),
        /// `{...}`.
        Object(ObjectPat),
        /// `p = default`.
        Assign(AssignPat),
        /// `...p`.
        Rest(RestPat),
        /// An expression target (`o.a`) in a destructuring assignment.
        Expr(ExprPat),
    }
}

ast_enum! {
    /// A member of an object literal.
    ObjectMember {
        /// `key: value`.
        Prop(Prop),
        /// `{ a }`.
        Shorthand(ShorthandProp),
        /// `key() {}`.
        Method(MethodProp),
        /// `get/set key() {}`.
        Accessor(AccessorProp),
        /// `...expr`.
        Spread(SpreadElement),
    }
}

ast_enum! {
    /// An expression or a spread, as found in arrays and argument lists.
    ExprOrSpread {
        /// A spread `...expr`.
        Spread(SpreadElement),
        /// Any other expression.
        Expr(Expr),
    }
}

ast_enum! {
    /// The body of an arrow function: a block or a single expression.
    ArrowBody {
        /// `=> { ... }`.
        Block(BlockStmt),
        /// `=> expr`.
        Expr(Expr),
    }
}

fn ident_token(node: &SyntaxNode) -> Option<SyntaxToken> {
    token(node, &[IDENT])
}

/// Kinds of tokens that may serve as a property or member name (identifiers and reserved words).
fn is_name_like(kind: SyntaxKind) -> bool {
    kind == IDENT || kind.is_keyword()
}

impl Script {
    /// Top-level statements.
    pub fn stmts(&self) -> impl Iterator<Item = Stmt> + use<> {
        children(&self.0)
    }
}

/// How a variable is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeclKind {
    /// `let`.
    Let,
    /// `const`.
    Const,
    /// `var` (rejected by the analyzer).
    Var,
}

impl VarDecl {
    /// `let`, `const` or `var`.
    pub fn kind(&self) -> Option<DeclKind> {
        Some(match token(&self.0, &[LET_KW, CONST_KW, VAR_KW])?.kind() {
            LET_KW => DeclKind::Let,
            CONST_KW => DeclKind::Const,
            _ => DeclKind::Var,
        })
    }
    /// The keyword token.
    pub fn kind_token(&self) -> Option<SyntaxToken> {
        token(&self.0, &[LET_KW, CONST_KW, VAR_KW])
    }
    /// The declarators, in order.
    pub fn declarators(&self) -> impl Iterator<Item = Declarator> + use<> {
        children(&self.0)
    }
}

impl Declarator {
    /// The bound pattern.
    pub fn pattern(&self) -> Option<Pattern> {
        child(&self.0)
    }
    /// The initializer after `=`.
    pub fn init(&self) -> Option<Expr> {
        child_after(&self.0, &[EQ])
    }
}

impl ExprStmt {
    /// The expression.
    pub fn expr(&self) -> Option<Expr> {
        child(&self.0)
    }
}

impl BlockStmt {
    /// The statements of the block.
    pub fn stmts(&self) -> impl Iterator<Item = Stmt> + use<> {
        children(&self.0)
    }
}

impl IfStmt {
    /// The condition.
    pub fn condition(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The statement run when the condition holds.
    pub fn then_branch(&self) -> Option<Stmt> {
        child_after(&self.0, &[R_PAREN])
    }
    /// The `else` statement.
    pub fn else_branch(&self) -> Option<Stmt> {
        child::<ElseClause>(&self.0).and_then(|e| child(&e.0))
    }
}

impl ElseClause {
    /// The statement after `else`.
    pub fn stmt(&self) -> Option<Stmt> {
        child(&self.0)
    }
}

impl ForStmt {
    /// The init part (`let i = 0` or an expression).
    pub fn init(&self) -> Option<ForInit> {
        child(&self.0)
    }
    /// The test part.
    pub fn test(&self) -> Option<Expr> {
        child::<ForTest>(&self.0).and_then(|t| child(&t.0))
    }
    /// The update part.
    pub fn update(&self) -> Option<Expr> {
        child::<ForUpdate>(&self.0).and_then(|t| child(&t.0))
    }
    /// The loop body.
    pub fn body(&self) -> Option<Stmt> {
        child_after(&self.0, &[R_PAREN])
    }
}

impl ForInit {
    /// The declaration, when the init declares variables.
    pub fn decl(&self) -> Option<VarDecl> {
        child(&self.0)
    }
    /// The expression, when the init is one.
    pub fn expr(&self) -> Option<Expr> {
        child(&self.0)
    }
}

impl ForTest {
    /// The condition.
    pub fn expr(&self) -> Option<Expr> {
        child(&self.0)
    }
}

impl ForUpdate {
    /// The update expression.
    pub fn expr(&self) -> Option<Expr> {
        child(&self.0)
    }
}

macro_rules! for_each_accessors {
    ($name:ident, $kw:literal) => {
        impl $name {
            /// The declaration on the left (`const x`), when there is one.
            pub fn decl(&self) -> Option<VarDecl> {
                child(&self.0)
            }
            /// The bound pattern: the declarator's pattern, or the bare target (`for (x ...)`).
            pub fn pattern(&self) -> Option<Pattern> {
                match self.decl() {
                    Some(d) => d.declarators().next()?.pattern(),
                    None => child(&self.0),
                }
            }
            #[doc = concat!("The iterated expression after `", $kw, "`.")]
            pub fn iterable(&self) -> Option<Expr> {
                let mut seen = false;
                for e in self.0.children_with_tokens() {
                    match e {
                        rowan::NodeOrToken::Token(t)
                            if t.kind() == IN_KW || (t.kind() == IDENT && t.text() == "of") =>
                        {
                            seen = true
                        }
                        rowan::NodeOrToken::Node(n) if seen => {
                            if let Some(x) = Expr::cast(n) {
                                return Some(x);
                            }
                        }
                        _ => {}
                    }
                }
                None
            }
            /// The loop body.
            pub fn body(&self) -> Option<Stmt> {
                child_after(&self.0, &[R_PAREN])
            }
        }
    };
}
for_each_accessors!(ForInStmt, "in");
for_each_accessors!(ForOfStmt, "of");

impl WhileStmt {
    /// The condition.
    pub fn condition(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The loop body.
    pub fn body(&self) -> Option<Stmt> {
        child_after(&self.0, &[R_PAREN])
    }
}

impl DoWhileStmt {
    /// The loop body.
    pub fn body(&self) -> Option<Stmt> {
        child(&self.0)
    }
    /// The condition after `while`.
    pub fn condition(&self) -> Option<Expr> {
        child_after(&self.0, &[WHILE_KW])
    }
}

impl BreakStmt {
    /// The label, when one is given (labels are rejected by the analyzer).
    pub fn label(&self) -> Option<SyntaxToken> {
        ident_token(&self.0)
    }
}

impl ContinueStmt {
    /// The label, when one is given (labels are rejected by the analyzer).
    pub fn label(&self) -> Option<SyntaxToken> {
        ident_token(&self.0)
    }
}

impl ReturnStmt {
    /// The returned value.
    pub fn value(&self) -> Option<Expr> {
        child(&self.0)
    }
}

impl ThrowStmt {
    /// The thrown value.
    pub fn value(&self) -> Option<Expr> {
        child(&self.0)
    }
}

impl TryStmt {
    /// The `try` block.
    pub fn block(&self) -> Option<BlockStmt> {
        child(&self.0)
    }
    /// The `catch` clause.
    pub fn catch_clause(&self) -> Option<CatchClause> {
        child(&self.0)
    }
    /// The `finally` clause.
    pub fn finally_clause(&self) -> Option<FinallyClause> {
        child(&self.0)
    }
}

impl CatchClause {
    /// The binding `e` of `catch (e)`; `None` for `catch {}`.
    pub fn binding(&self) -> Option<Pattern> {
        child(&self.0)
    }
    /// The handler block.
    pub fn block(&self) -> Option<BlockStmt> {
        child(&self.0)
    }
}

impl FinallyClause {
    /// The `finally` block.
    pub fn block(&self) -> Option<BlockStmt> {
        child(&self.0)
    }
}

macro_rules! function_accessors {
    ($name:ident) => {
        impl $name {
            /// The function's name.
            pub fn name(&self) -> Option<SyntaxToken> {
                let mut seen = false;
                for e in self.0.children_with_tokens() {
                    if let rowan::NodeOrToken::Token(t) = e {
                        match t.kind() {
                            FUNCTION_KW => seen = true,
                            IDENT if seen => return Some(t),
                            _ => {}
                        }
                    }
                }
                None
            }
            /// Whether it is written `async function`.
            pub fn is_async(&self) -> bool {
                self.0
                    .children_with_tokens()
                    .filter_map(|e| e.into_token())
                    .take_while(|t| t.kind() != FUNCTION_KW)
                    .any(|t| t.kind() == IDENT && t.text() == "async")
            }
            /// Whether it is a generator `function*` (rejected by the analyzer).
            pub fn is_generator(&self) -> bool {
                token(&self.0, &[STAR]).is_some()
            }
            /// The parameters.
            pub fn param_list(&self) -> Option<ParamList> {
                child(&self.0)
            }
            /// The body.
            pub fn body(&self) -> Option<BlockStmt> {
                child(&self.0)
            }
        }
    };
}
function_accessors!(FunctionDecl);
function_accessors!(FunctionExpr);

impl ParamList {
    /// The parameters, in order (`AssignPat` for defaults, `RestPat` for `...rest`).
    pub fn params(&self) -> impl Iterator<Item = Pattern> + use<> {
        children(&self.0)
    }
}

impl SwitchStmt {
    /// The discriminant.
    pub fn discriminant(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The cases, in order.
    pub fn cases(&self) -> impl Iterator<Item = SwitchCase> + use<> {
        children(&self.0)
    }
}

impl SwitchCase {
    /// Whether it is the `default:` case.
    pub fn is_default(&self) -> bool {
        token(&self.0, &[DEFAULT_KW]).is_some()
    }
    /// The tested value of `case value:`.
    pub fn test(&self) -> Option<Expr> {
        child_before(&self.0, &[COLON])
    }
    /// The statements after the colon.
    pub fn stmts(&self) -> impl Iterator<Item = Stmt> + use<> {
        children(&self.0)
    }
}

impl LabeledStmt {
    /// The label.
    pub fn label(&self) -> Option<SyntaxToken> {
        ident_token(&self.0)
    }
    /// The labelled statement.
    pub fn stmt(&self) -> Option<Stmt> {
        child(&self.0)
    }
}

impl ClassDecl {
    /// The class name.
    pub fn name(&self) -> Option<SyntaxToken> {
        ident_token(&self.0)
    }
}

impl WithStmt {
    /// The object.
    pub fn object(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The body.
    pub fn body(&self) -> Option<Stmt> {
        child_after(&self.0, &[R_PAREN])
    }
}

impl ExportDecl {
    /// The exported declaration, when it is one.
    pub fn stmt(&self) -> Option<Stmt> {
        child(&self.0)
    }
}

impl IdentPat {
    /// The bound name token.
    pub fn name(&self) -> Option<SyntaxToken> {
        ident_token(&self.0)
    }
}

impl ArrayPat {
    /// The elements in order; `None` for a hole (`[, a]`).
    pub fn elements(&self) -> impl Iterator<Item = Option<Pattern>> + use<> {
        self.0.children().filter_map(|n| {
            if n.kind() == HOLE {
                Some(None)
            } else {
                Pattern::cast(n).map(Some)
            }
        })
    }
}

impl ObjectPat {
    /// The properties (`a`, `a: b`, `a = 1`), not including the rest element.
    pub fn props(&self) -> impl Iterator<Item = ObjectPatProp> + use<> {
        children(&self.0)
    }
    /// The `...rest` element.
    pub fn rest(&self) -> Option<RestPat> {
        child(&self.0)
    }
}

impl ObjectPatProp {
    /// The key of `key: pattern`; `None` for shorthand `{ a }` / `{ a = 1 }`.
    pub fn key(&self) -> Option<PropKey> {
        child(&self.0)
    }
    /// Whether it is the shorthand form.
    pub fn is_shorthand(&self) -> bool {
        self.key().is_none()
    }
    /// The bound pattern (for shorthand, an `IdentPat` or an `AssignPat` around one).
    pub fn pattern(&self) -> Option<Pattern> {
        child(&self.0)
    }
}

impl AssignPat {
    /// The pattern before `=`.
    pub fn pattern(&self) -> Option<Pattern> {
        child(&self.0)
    }
    /// The default value.
    pub fn default_value(&self) -> Option<Expr> {
        child_after(&self.0, &[EQ])
    }
}

impl RestPat {
    /// The pattern after `...`.
    pub fn pattern(&self) -> Option<Pattern> {
        child(&self.0)
    }
}

impl ExprPat {
    /// The target expression.
    pub fn expr(&self) -> Option<Expr> {
        child(&self.0)
    }
}

/// What a literal token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiteralKind {
    /// A number (see [`crate::parse_number`]).
    Number,
    /// A quoted string (see [`crate::cook_string`]).
    String,
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A regular-expression literal (rejected by the analyzer).
    Regex,
}

impl Literal {
    /// The literal token.
    pub fn token(&self) -> Option<SyntaxToken> {
        token(
            &self.0,
            &[NUMBER, STRING, TRUE_KW, FALSE_KW, NULL_KW, REGEX],
        )
    }
    /// What kind of literal it is.
    pub fn kind(&self) -> Option<LiteralKind> {
        Some(match self.token()?.kind() {
            NUMBER => LiteralKind::Number,
            STRING => LiteralKind::String,
            TRUE_KW => LiteralKind::Bool(true),
            FALSE_KW => LiteralKind::Bool(false),
            NULL_KW => LiteralKind::Null,
            _ => LiteralKind::Regex,
        })
    }
    /// The value of a number literal.
    pub fn as_number(&self) -> Option<f64> {
        let t = self.token()?;
        (t.kind() == NUMBER)
            .then(|| crate::parse_number(t.text()))
            .flatten()
    }
    /// The cooked value of a string literal (`None` if it is not a valid string literal).
    pub fn as_string(&self) -> Option<String> {
        let t = self.token()?;
        if t.kind() != STRING {
            return None;
        }
        crate::cook_string_literal(t.text()).ok()
    }
}

impl NameRef {
    /// The name token (an identifier, or a reserved word used where a name was expected).
    pub fn ident(&self) -> Option<SyntaxToken> {
        self.0
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| is_name_like(t.kind()))
    }
}

impl Template {
    /// The raw text of each quasi (the text between substitutions); always one more than the
    /// number of substitutions, empty strings where two pieces touch.
    pub fn quasis(&self) -> Vec<SyntaxQuasi> {
        let mut out = Vec::new();
        let mut current: Option<SyntaxToken> = None;
        let mut started = false;
        for e in self.0.children_with_tokens() {
            match e {
                rowan::NodeOrToken::Token(t) if t.kind() == TEMPLATE_CHUNK => current = Some(t),
                rowan::NodeOrToken::Token(t) if t.kind() == BACKTICK => {
                    if started {
                        out.push(SyntaxQuasi(current.take()));
                    }
                    started = true;
                }
                rowan::NodeOrToken::Node(n) if n.kind() == TEMPLATE_SUBST => {
                    out.push(SyntaxQuasi(current.take()));
                }
                _ => {}
            }
        }
        if out.len() < self.substitutions().count() + 1 {
            out.push(SyntaxQuasi(current.take()));
        }
        out
    }
    /// The substitution expressions, in order.
    pub fn substitutions(&self) -> impl Iterator<Item = TemplateSubst> + use<> {
        children(&self.0)
    }
    /// Whether the closing backtick is present.
    pub fn is_terminated(&self) -> bool {
        self.0
            .children_with_tokens()
            .filter(|e| e.kind() == BACKTICK)
            .count()
            >= 2
    }
}

/// One quasi of a template: the raw chunk token, or `None` for an empty piece.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SyntaxQuasi(pub Option<SyntaxToken>);

impl SyntaxQuasi {
    /// The raw text (escapes not processed; see [`crate::cook_template`]).
    pub fn raw(&self) -> &str {
        self.0.as_ref().map_or("", |t| t.text())
    }
}

impl TemplateSubst {
    /// The substituted expression.
    pub fn expr(&self) -> Option<Expr> {
        child(&self.0)
    }
}

impl TaggedTemplate {
    /// The tag.
    pub fn tag(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The template.
    pub fn template(&self) -> Option<Template> {
        self.0.children().filter_map(Template::cast).last()
    }
}

impl ArrayExpr {
    /// The elements in order; `None` for a hole (`[1, , 2]`).
    pub fn elements(&self) -> impl Iterator<Item = Option<ExprOrSpread>> + use<> {
        self.0.children().filter_map(|n| {
            if n.kind() == HOLE {
                Some(None)
            } else {
                ExprOrSpread::cast(n).map(Some)
            }
        })
    }
}

impl SpreadElement {
    /// The spread expression.
    pub fn expr(&self) -> Option<Expr> {
        child(&self.0)
    }
}

impl ObjectExpr {
    /// The members, in order.
    pub fn members(&self) -> impl Iterator<Item = ObjectMember> + use<> {
        children(&self.0)
    }
}

impl Prop {
    /// The key.
    pub fn key(&self) -> Option<PropKey> {
        child(&self.0)
    }
    /// The value.
    pub fn value(&self) -> Option<Expr> {
        child_after(&self.0, &[COLON])
    }
}

impl ShorthandProp {
    /// The name (both the key and the variable read).
    pub fn name(&self) -> Option<SyntaxToken> {
        self.0
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| is_name_like(t.kind()))
    }
}

impl MethodProp {
    /// The key.
    pub fn key(&self) -> Option<PropKey> {
        child(&self.0)
    }
    /// Whether it is `async key() {}`.
    pub fn is_async(&self) -> bool {
        token(&self.0, &[IDENT]).is_some_and(|t| t.text() == "async")
    }
    /// Whether it is a generator `*key() {}`.
    pub fn is_generator(&self) -> bool {
        token(&self.0, &[STAR]).is_some()
    }
    /// The parameters.
    pub fn param_list(&self) -> Option<ParamList> {
        child(&self.0)
    }
    /// The body.
    pub fn body(&self) -> Option<BlockStmt> {
        child(&self.0)
    }
}

impl AccessorProp {
    /// Whether it is a getter (`get`) rather than a setter (`set`).
    pub fn is_getter(&self) -> bool {
        token(&self.0, &[IDENT]).is_some_and(|t| t.text() == "get")
    }
    /// The key.
    pub fn key(&self) -> Option<PropKey> {
        child(&self.0)
    }
}

/// The name of a property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropName {
    /// An identifier or reserved word: `{ a: 1 }`, `{ if: 1 }`.
    Ident(SyntaxToken),
    /// A string: `{ "a-b": 1 }` (cook it with [`crate::cook_string_literal`]).
    String(SyntaxToken),
    /// A number: `{ 1: 1 }` (the key is the number's string form).
    Number(SyntaxToken),
    /// A computed key: `{ [k]: 1 }`.
    Computed(Expr),
}

impl PropKey {
    /// The name, classified.
    pub fn name(&self) -> Option<PropName> {
        if token(&self.0, &[L_BRACK]).is_some() {
            return child(&self.0).map(PropName::Computed);
        }
        let t = self
            .0
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| !t.kind().is_trivia())?;
        Some(match t.kind() {
            STRING => PropName::String(t),
            NUMBER => PropName::Number(t),
            k if is_name_like(k) => PropName::Ident(t),
            _ => return None,
        })
    }
    /// Whether it is a computed key `[expr]`.
    pub fn is_computed(&self) -> bool {
        token(&self.0, &[L_BRACK]).is_some()
    }
}

impl ParenExpr {
    /// The inner expression.
    pub fn expr(&self) -> Option<Expr> {
        child(&self.0)
    }
}

impl ArrowFunc {
    /// Whether it is `async`.
    pub fn is_async(&self) -> bool {
        token(&self.0, &[IDENT]).is_some_and(|t| t.text() == "async")
    }
    /// The parameters (present without parens for `x => ...`).
    pub fn param_list(&self) -> Option<ParamList> {
        child(&self.0)
    }
    /// The body: a block or an expression.
    pub fn body(&self) -> Option<ArrowBody> {
        child_after(&self.0, &[FAT_ARROW])
    }
}

impl ClassExpr {
    /// The class name, if any.
    pub fn name(&self) -> Option<SyntaxToken> {
        ident_token(&self.0)
    }
}

impl CallExpr {
    /// The called expression.
    pub fn callee(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The arguments.
    pub fn arg_list(&self) -> Option<ArgList> {
        child(&self.0)
    }
    /// Whether it is an optional call `f?.()`.
    pub fn is_optional(&self) -> bool {
        token(&self.0, &[QUESTION_DOT]).is_some()
    }
}

impl ArgList {
    /// The arguments, in order.
    pub fn args(&self) -> impl Iterator<Item = ExprOrSpread> + use<> {
        children(&self.0)
    }
}

impl NewExpr {
    /// The constructor expression.
    pub fn callee(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The arguments (`None` for `new X` without parens).
    pub fn arg_list(&self) -> Option<ArgList> {
        child(&self.0)
    }
}

impl MemberExpr {
    /// The object.
    pub fn object(&self) -> Option<Expr> {
        child(&self.0)
    }
    /// The property name after the dot.
    pub fn property(&self) -> Option<SyntaxToken> {
        let mut seen = false;
        for e in self.0.children_with_tokens() {
            if let rowan::NodeOrToken::Token(t) = e {
                if matches!(t.kind(), DOT | QUESTION_DOT) {
                    seen = true;
                } else if seen && (is_name_like(t.kind()) || t.kind() == HASH) {
                    return Some(t);
                }
            }
        }
        None
    }
    /// Whether it is written `a?.b`.
    pub fn is_optional(&self) -> bool {
        token(&self.0, &[QUESTION_DOT]).is_some()
    }
}

impl IndexExpr {
    /// The object.
    pub fn object(&self) -> Option<Expr> {
        child_before(&self.0, &[L_BRACK])
    }
    /// The index inside the brackets.
    pub fn index(&self) -> Option<Expr> {
        child_after(&self.0, &[L_BRACK])
    }
    /// Whether it is written `a?.[k]`.
    pub fn is_optional(&self) -> bool {
        token(&self.0, &[QUESTION_DOT]).is_some()
    }
}

const UNARY_OPS: &[SyntaxKind] = &[BANG, MINUS, PLUS, TILDE, TYPEOF_KW, VOID_KW, DELETE_KW];

impl UnaryExpr {
    /// The operator: `BANG`, `MINUS`, `PLUS`, `TILDE`, `TYPEOF_KW`, `VOID_KW` or `DELETE_KW`.
    pub fn op(&self) -> Option<SyntaxKind> {
        self.op_token().map(|t| t.kind())
    }
    /// The operator token.
    pub fn op_token(&self) -> Option<SyntaxToken> {
        token(&self.0, UNARY_OPS)
    }
    /// The operand.
    pub fn operand(&self) -> Option<Expr> {
        child(&self.0)
    }
}

impl AwaitExpr {
    /// The awaited expression.
    pub fn operand(&self) -> Option<Expr> {
        child(&self.0)
    }
}

impl YieldExpr {
    /// The yielded expression.
    pub fn operand(&self) -> Option<Expr> {
        child(&self.0)
    }
}

impl UpdateExpr {
    /// `PLUS2` (`++`) or `MINUS2` (`--`).
    pub fn op(&self) -> Option<SyntaxKind> {
        token(&self.0, &[PLUS2, MINUS2]).map(|t| t.kind())
    }
    /// Whether the operator comes first (`++x`).
    pub fn is_prefix(&self) -> bool {
        self.0
            .children_with_tokens()
            .find(|e| !e.kind().is_trivia())
            .is_some_and(|e| matches!(e.kind(), PLUS2 | MINUS2))
    }
    /// The updated target.
    pub fn operand(&self) -> Option<Expr> {
        child(&self.0)
    }
}

/// Binary operator token kinds.
pub const BINARY_OPS: &[SyntaxKind] = &[
    PLUS,
    MINUS,
    STAR,
    STAR2,
    SLASH,
    PERCENT,
    EQ2,
    EQ3,
    NEQ,
    NEQ2,
    LT,
    LTEQ,
    GT,
    GTEQ,
    SHL,
    SHR,
    USHR,
    AMP,
    PIPE,
    CARET,
    AMP2,
    PIPE2,
    QUESTION2,
    IN_KW,
    INSTANCEOF_KW,
];

/// Assignment operator token kinds.
pub const ASSIGN_OPS: &[SyntaxKind] = &[
    EQ,
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
];

impl BinExpr {
    /// The operator kind (`PLUS`, `EQ3`, `AMP2`, `QUESTION2`, `IN_KW`, ...).
    pub fn op(&self) -> Option<SyntaxKind> {
        self.op_token().map(|t| t.kind())
    }
    /// The operator token.
    pub fn op_token(&self) -> Option<SyntaxToken> {
        token(&self.0, BINARY_OPS)
    }
    /// The left operand.
    pub fn lhs(&self) -> Option<Expr> {
        child_before(&self.0, BINARY_OPS)
    }
    /// The right operand.
    pub fn rhs(&self) -> Option<Expr> {
        child_after(&self.0, BINARY_OPS)
    }
}

impl CondExpr {
    /// The condition.
    pub fn test(&self) -> Option<Expr> {
        child_before(&self.0, &[QUESTION])
    }
    /// The value when true.
    pub fn then_expr(&self) -> Option<Expr> {
        let mut seen = false;
        for e in self.0.children_with_tokens() {
            match e {
                rowan::NodeOrToken::Token(t) if t.kind() == QUESTION => seen = true,
                rowan::NodeOrToken::Token(t) if t.kind() == COLON => return None,
                rowan::NodeOrToken::Node(n) if seen => {
                    if let Some(x) = Expr::cast(n) {
                        return Some(x);
                    }
                }
                _ => {}
            }
        }
        None
    }
    /// The value when false.
    pub fn else_expr(&self) -> Option<Expr> {
        child_after(&self.0, &[COLON])
    }
}

/// The target of an assignment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AssignTarget {
    /// A name, member or index expression.
    Expr(Expr),
    /// A destructuring pattern (`[a, b] = ...`, `({ a } = ...)`).
    Pattern(Pattern),
}

impl AssignExpr {
    /// The operator kind (`EQ`, `PLUS_EQ`, `QUESTION2_EQ`, ...).
    pub fn op(&self) -> Option<SyntaxKind> {
        self.op_token().map(|t| t.kind())
    }
    /// The operator token.
    pub fn op_token(&self) -> Option<SyntaxToken> {
        token(&self.0, ASSIGN_OPS)
    }
    /// The target.
    pub fn target(&self) -> Option<AssignTarget> {
        let n = self.0.first_child()?;
        if let Some(p) = Pattern::cast(n.clone()) {
            return Some(AssignTarget::Pattern(p));
        }
        child_before(&self.0, ASSIGN_OPS).map(AssignTarget::Expr)
    }
    /// The assigned value.
    pub fn value(&self) -> Option<Expr> {
        child_after(&self.0, ASSIGN_OPS)
    }
}

impl SequenceExpr {
    /// The expressions, in order.
    pub fn exprs(&self) -> impl Iterator<Item = Expr> + use<> {
        children(&self.0)
    }
}
