//! The analyzer's intermediate representation: an arena of lowered, name-resolved code.
//!
//! Lowering turns the lossless syntax tree into this IR. Every node keeps the byte range of the
//! syntax it came from (the source map), every identifier use is resolved to a [`BindingId`] or
//! to a global, and every declared name is a [`Binding`] owned by a [`Scope`]. The interpreter
//! compiles from this IR; the checks and the editor features read it.
//!
//! Shapes follow JavaScript's grammar closely. Syntax that failed to parse lowers to
//! [`Expr::Missing`] / [`Stmt::Missing`] / [`Pattern::Missing`] so that analysis always has a
//! complete module to work on.

use smol_str::SmolStr;
use text_size::TextRange;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// The position of this node in its arena.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id_type!(
    /// Index into [`Module::exprs`].
    ExprId
);
id_type!(
    /// Index into [`Module::stmts`].
    StmtId
);
id_type!(
    /// Index into [`Module::patterns`].
    PatternId
);
id_type!(
    /// Index into [`Module::functions`]. `FunctionId(0)` is the script body.
    FunctionId
);
id_type!(
    /// Index into [`Module::bindings`].
    BindingId
);
id_type!(
    /// Index into [`Module::scopes`].
    ScopeId
);

/// A whole lowered `.flow` file.
///
/// The script itself is `functions[0]`: an async function with no parameters whose body may
/// `await` and `return`; `Inputs` is a global (resolved as [`Resolution::Global`]).
#[derive(Debug, Clone, Default)]
pub struct Module {
    /// Every expression; index with [`ExprId`].
    pub exprs: Vec<Expr>,
    /// Source range of each expression, parallel to `exprs`.
    pub expr_ranges: Vec<TextRange>,
    /// Every statement; index with [`StmtId`].
    pub stmts: Vec<Stmt>,
    /// Source range of each statement, parallel to `stmts`.
    pub stmt_ranges: Vec<TextRange>,
    /// Every pattern (declaration and assignment targets); index with [`PatternId`].
    pub patterns: Vec<Pattern>,
    /// Source range of each pattern, parallel to `patterns`.
    pub pattern_ranges: Vec<TextRange>,
    /// Every function, the script body first.
    pub functions: Vec<Function>,
    /// Every declared name.
    pub bindings: Vec<Binding>,
    /// Every lexical scope; `scopes[0]` is the script body's scope.
    pub scopes: Vec<Scope>,
}

impl Module {
    /// The function that is the script body.
    pub const SCRIPT: FunctionId = FunctionId(0);

    /// The expression with this id.
    pub fn expr(&self, id: ExprId) -> &Expr {
        &self.exprs[id.index()]
    }
    /// The statement with this id.
    pub fn stmt(&self, id: StmtId) -> &Stmt {
        &self.stmts[id.index()]
    }
    /// The pattern with this id.
    pub fn pattern(&self, id: PatternId) -> &Pattern {
        &self.patterns[id.index()]
    }
    /// The function with this id.
    pub fn function(&self, id: FunctionId) -> &Function {
        &self.functions[id.index()]
    }
    /// The binding with this id.
    pub fn binding(&self, id: BindingId) -> &Binding {
        &self.bindings[id.index()]
    }
    /// The scope with this id.
    pub fn scope(&self, id: ScopeId) -> &Scope {
        &self.scopes[id.index()]
    }
    /// Source range of an expression.
    pub fn expr_range(&self, id: ExprId) -> TextRange {
        self.expr_ranges[id.index()]
    }
    /// Source range of a statement.
    pub fn stmt_range(&self, id: StmtId) -> TextRange {
        self.stmt_ranges[id.index()]
    }
    /// Source range of a pattern.
    pub fn pattern_range(&self, id: PatternId) -> TextRange {
        self.pattern_ranges[id.index()]
    }
}

/// A function declaration, function expression, arrow function, or the script body.
#[derive(Debug, Clone)]
pub struct Function {
    /// The declared name, if any (`function step(...)`).
    pub name: Option<SmolStr>,
    /// For declarations, the binding the name introduces in the enclosing scope.
    pub name_binding: Option<BindingId>,
    /// Parameters in order.
    pub params: Vec<Param>,
    /// The body.
    pub body: FunctionBody,
    /// `async function` / `async () => ...` (the script body counts as async).
    pub is_async: bool,
    /// An arrow function.
    pub is_arrow: bool,
    /// The function's own scope: parameters live here; a block body's declarations too.
    pub scope: ScopeId,
    /// The enclosing function (`None` only for the script body).
    pub parent: Option<FunctionId>,
    /// Source range of the whole function.
    pub range: TextRange,
}

/// A function's body.
#[derive(Debug, Clone)]
pub enum FunctionBody {
    /// `{ ... }`: statements in order, declared in [`Function::scope`].
    Block(Vec<StmtId>),
    /// `x => x * 2`: a single expression whose value is returned.
    Expr(ExprId),
}

/// One formal parameter: `x`, `{ a } = {}`, `...rest`.
#[derive(Debug, Clone)]
pub struct Param {
    /// What the argument is bound to.
    pub pattern: PatternId,
    /// Default value, evaluated when the argument is `undefined`.
    pub default: Option<ExprId>,
    /// A rest parameter (`...rest`), always last.
    pub rest: bool,
}

/// What kind of declaration introduced a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BindingKind {
    /// `let x`.
    Let,
    /// `const x` (assignment is an error).
    Const,
    /// `function f() {}` (hoisted to the top of its scope, initialized at scope entry).
    Function,
    /// A function parameter.
    Param,
    /// The variable of `catch (e)`.
    CatchParam,
}

/// A declared name.
#[derive(Debug, Clone)]
pub struct Binding {
    /// The name as written.
    pub name: SmolStr,
    /// How it was declared.
    pub kind: BindingKind,
    /// The scope it lives in.
    pub scope: ScopeId,
    /// The function whose frame owns it (the function of `scope`).
    pub function: FunctionId,
    /// Range of the identifier at the declaration.
    pub range: TextRange,
    /// True when some function other than `function` refers to it (a closure captures it).
    pub captured: bool,
    /// True when it is assigned anywhere after its declaration.
    pub reassigned: bool,
}

/// What kind of construct opened a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScopeKind {
    /// A function's parameters and body (also the script body).
    Function,
    /// A `{ ... }` block, a `switch` body, a `catch` clause.
    Block,
    /// The head of a `for` / `for-of` / `for-in` loop (a fresh copy per iteration, as in JS).
    Loop,
}

/// A lexical scope.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The enclosing scope (`None` for the script body).
    pub parent: Option<ScopeId>,
    /// The function this scope belongs to.
    pub function: FunctionId,
    /// What opened it.
    pub kind: ScopeKind,
    /// Bindings declared directly in this scope, in source order.
    pub bindings: Vec<BindingId>,
    /// Source range of the construct that opened it.
    pub range: TextRange,
}

/// `let` or `const` in a declaration statement or a loop head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeclKind {
    /// `let`.
    Let,
    /// `const`.
    Const,
}

/// One `pattern = init` of a declaration.
#[derive(Debug, Clone)]
pub struct Declarator {
    /// The declared pattern (its leaves are [`Pattern::Binding`]).
    pub pattern: PatternId,
    /// The initializer.
    pub init: Option<ExprId>,
}

/// The first clause of a C-style `for`.
#[derive(Debug, Clone)]
pub enum ForInit {
    /// `for (let i = 0; ...)`.
    Decl {
        /// `let` or `const`.
        kind: DeclKind,
        /// The declarators.
        declarators: Vec<Declarator>,
    },
    /// `for (i = 0; ...)`.
    Expr(ExprId),
}

/// The left side of `for (... of xs)` / `for (... in o)`.
#[derive(Debug, Clone)]
pub enum ForHead {
    /// `const x` / `let [a, b]`: a fresh binding per iteration.
    Decl {
        /// `let` or `const`.
        kind: DeclKind,
        /// The pattern bound each iteration.
        pattern: PatternId,
    },
    /// `x` / `o.p` / `[a, b]`: an assignment target assigned each iteration.
    Target(PatternId),
}

/// A `catch` clause.
#[derive(Debug, Clone)]
pub struct CatchClause {
    /// The scope of the clause (holds the parameter's bindings).
    pub scope: ScopeId,
    /// `catch (e)` / `catch ({ message })`, or `None` for `catch { ... }`.
    pub param: Option<PatternId>,
    /// The clause's block (a [`Stmt::Block`]).
    pub body: StmtId,
}

/// One `case test:` or `default:` of a `switch`.
#[derive(Debug, Clone)]
pub struct SwitchCase {
    /// `None` for `default`.
    pub test: Option<ExprId>,
    /// The statements up to the next case.
    pub body: Vec<StmtId>,
}

/// A statement.
#[derive(Debug, Clone)]
pub enum Stmt {
    /// Syntax that did not parse.
    Missing,
    /// `;` alone.
    Empty,
    /// An expression evaluated for its effects.
    Expr(ExprId),
    /// `let` / `const` declaration.
    Decl {
        /// `let` or `const`.
        kind: DeclKind,
        /// The declarators in order.
        declarators: Vec<Declarator>,
    },
    /// `function f() {}`; the binding is hoisted and initialized when its scope is entered.
    FunctionDecl(FunctionId),
    /// `{ ... }` with its own scope.
    Block {
        /// The block's scope.
        scope: ScopeId,
        /// Statements in order.
        body: Vec<StmtId>,
    },
    /// `if (cond) then else otherwise`.
    If {
        /// The condition.
        cond: ExprId,
        /// The consequent.
        then: StmtId,
        /// The alternative.
        otherwise: Option<StmtId>,
    },
    /// `while (cond) body`.
    While {
        /// The condition.
        cond: ExprId,
        /// The body.
        body: StmtId,
    },
    /// `do body while (cond)`.
    DoWhile {
        /// The body.
        body: StmtId,
        /// The condition.
        cond: ExprId,
    },
    /// `for (init; test; update) body`.
    For {
        /// Scope of `let`/`const` declared in `init` (copied per iteration, as in JS).
        scope: ScopeId,
        /// The first clause.
        init: Option<ForInit>,
        /// The condition (absent: always true).
        test: Option<ExprId>,
        /// The update expression.
        update: Option<ExprId>,
        /// The body.
        body: StmtId,
    },
    /// `for (head of iterable) body`.
    ForOf {
        /// Scope of the head's bindings (fresh per iteration).
        scope: ScopeId,
        /// What each element is bound or assigned to.
        head: ForHead,
        /// The iterated value.
        iterable: ExprId,
        /// The body.
        body: StmtId,
    },
    /// `for (head in object) body`.
    ForIn {
        /// Scope of the head's bindings (fresh per iteration).
        scope: ScopeId,
        /// What each key is bound or assigned to.
        head: ForHead,
        /// The object whose keys are visited.
        object: ExprId,
        /// The body.
        body: StmtId,
    },
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `return value?`.
    Return(Option<ExprId>),
    /// `throw value`.
    Throw(ExprId),
    /// `try { } catch { } finally { }`.
    Try {
        /// The protected block (a [`Stmt::Block`]).
        block: StmtId,
        /// The handler.
        catch: Option<CatchClause>,
        /// The finalizer (a [`Stmt::Block`]).
        finally: Option<StmtId>,
    },
    /// `switch (discriminant) { cases }`; all cases share one block scope.
    Switch {
        /// The value compared with `===` against each case test.
        discriminant: ExprId,
        /// Scope of declarations in the case bodies.
        scope: ScopeId,
        /// The cases in source order.
        cases: Vec<SwitchCase>,
    },
}

/// How a name reference resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Resolution {
    /// A binding declared in this file.
    Local(BindingId),
    /// A global of the builtin catalog (`Task`, `Math`, `Inputs`, `undefined`, ...).
    Global(SmolStr),
    /// Not declared anywhere (the analyzer reports `unknown-name`).
    Unresolved,
}

/// A use of a name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NameRef {
    /// The name as written.
    pub name: SmolStr,
    /// What it refers to.
    pub resolution: Resolution,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number literal, already converted (`1_000`, `0x1F`, `1e3`, `.5`).
    Number(f64),
    /// A string literal with escapes already processed.
    String(String),
}

/// A property key in an object literal or object pattern.
#[derive(Debug, Clone)]
pub enum PropKey {
    /// `a: ...`, `"a": ...`, `1: ...` (numbers converted to their canonical string).
    Static(SmolStr),
    /// `[expr]: ...`.
    Computed(ExprId),
}

/// One member of an object literal.
#[derive(Debug, Clone)]
pub enum ObjectMember {
    /// `key: value`, shorthand `{ a }` (value is the name reference), or a method
    /// `f() {}` (value is an [`Expr::Function`]).
    Property {
        /// The key.
        key: PropKey,
        /// The value.
        value: ExprId,
    },
    /// `...expr`.
    Spread(ExprId),
}

/// One element of an array literal.
#[derive(Debug, Clone)]
pub enum ArrayElement {
    /// `expr`.
    Expr(ExprId),
    /// `...expr`.
    Spread(ExprId),
    /// An elision: `[1, , 3]`.
    Hole,
}

/// One argument of a call.
#[derive(Debug, Clone)]
pub struct Argument {
    /// The argument's expression.
    pub expr: ExprId,
    /// `...expr`.
    pub spread: bool,
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`.
    Neg,
    /// `+x`.
    Plus,
    /// `!x`.
    Not,
    /// `~x`.
    BitNot,
    /// `typeof x` (does not throw on an unresolved name).
    Typeof,
    /// `void x`.
    Void,
}

/// Non-short-circuit binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Rem,
    /// `**`.
    Pow,
    /// `==`.
    LooseEq,
    /// `!=`.
    LooseNe,
    /// `===`.
    StrictEq,
    /// `!==`.
    StrictNe,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `&`.
    BitAnd,
    /// `|`.
    BitOr,
    /// `^`.
    BitXor,
    /// `<<`.
    Shl,
    /// `>>`.
    Shr,
    /// `>>>`.
    UShr,
    /// `in`.
    In,
    /// `instanceof`.
    Instanceof,
}

/// Short-circuit operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogicalOp {
    /// `&&`.
    And,
    /// `||`.
    Or,
    /// `??`.
    Nullish,
}

/// The operator of an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssignOp {
    /// `=`.
    Assign,
    /// `+=`, `-=`, ... : read, combine, write.
    Binary(BinaryOp),
    /// `&&=`, `||=`, `??=`: write only when the short circuit does not skip it.
    Logical(LogicalOp),
}

/// `++` or `--`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UpdateOp {
    /// `++`.
    Increment,
    /// `--`.
    Decrement,
}

/// An expression.
#[derive(Debug, Clone)]
pub enum Expr {
    /// Syntax that did not parse.
    Missing,
    /// A literal.
    Literal(Literal),
    /// A template literal: `quasis.len() == exprs.len() + 1`, strings cooked.
    Template {
        /// The literal text pieces.
        quasis: Vec<String>,
        /// The substitutions.
        exprs: Vec<ExprId>,
    },
    /// A name: a variable, a global, or `undefined`/`NaN`/`Infinity` (globals).
    Name(NameRef),
    /// `[a, ...b, , c]`.
    Array(Vec<ArrayElement>),
    /// `{ a: 1, b, [k]: v, ...o }`.
    Object(Vec<ObjectMember>),
    /// A function expression or arrow function.
    Function(FunctionId),
    /// `op arg`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        arg: ExprId,
    },
    /// `++x`, `x--`, `o.n++`.
    Update {
        /// `++` or `--`.
        op: UpdateOp,
        /// Prefix form (the new value is the result) or postfix (the old value).
        prefix: bool,
        /// What is updated: a [`Pattern::Name`], [`Pattern::Member`] or [`Pattern::Index`].
        target: PatternId,
    },
    /// `lhs op rhs`.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        lhs: ExprId,
        /// Right operand.
        rhs: ExprId,
    },
    /// `lhs && rhs`, `lhs || rhs`, `lhs ?? rhs`.
    Logical {
        /// The operator.
        op: LogicalOp,
        /// Left operand.
        lhs: ExprId,
        /// Right operand, evaluated only when needed.
        rhs: ExprId,
    },
    /// `test ? then : otherwise`.
    Conditional {
        /// The condition.
        test: ExprId,
        /// Value when truthy.
        then: ExprId,
        /// Value when falsy.
        otherwise: ExprId,
    },
    /// `target op value`; `target` may be a destructuring pattern for `=`.
    Assign {
        /// The operator.
        op: AssignOp,
        /// What is assigned.
        target: PatternId,
        /// The assigned value.
        value: ExprId,
    },
    /// `object.property` or `object?.property`.
    Member {
        /// The object.
        object: ExprId,
        /// The property name.
        property: SmolStr,
        /// Range of the property name (for member diagnostics and editor features).
        property_range: TextRange,
        /// `?.`: yields `undefined` for the whole enclosing [`Expr::OptionalChain`] when
        /// `object` is `null` or `undefined`.
        optional: bool,
    },
    /// `object[index]` or `object?.[index]`.
    Index {
        /// The object.
        object: ExprId,
        /// The key expression.
        index: ExprId,
        /// `?.[`.
        optional: bool,
    },
    /// `callee(args)` or `callee?.(args)`; a member callee passes its object as `this`
    /// to builtin methods.
    Call {
        /// The called expression.
        callee: ExprId,
        /// The arguments.
        args: Vec<Argument>,
        /// `?.(`.
        optional: bool,
    },
    /// `new Error(...)` / `new Date(...)` (other constructors are rejected by the analyzer).
    New {
        /// The constructor expression.
        callee: ExprId,
        /// The arguments.
        args: Vec<Argument>,
    },
    /// The boundary of an optional chain: `a?.b.c` lowers to `OptionalChain(Member(Member(a, b,
    /// optional), c))`; a short circuit anywhere inside jumps here with `undefined`.
    OptionalChain(ExprId),
    /// `await expr`.
    Await(ExprId),
    /// `a, b, c`: evaluates all, yields the last.
    Sequence(Vec<ExprId>),
    /// `(expr)`: kept so tools can tell `(a, b)` from `a, b`; evaluates to `expr`.
    Paren(ExprId),
}

/// A binding or assignment target.
#[derive(Debug, Clone)]
pub enum Pattern {
    /// Syntax that did not parse.
    Missing,
    /// A declared name (in declarations, parameters, catch clauses and loop heads).
    Binding(BindingId),
    /// An existing name being assigned (in assignment targets).
    Name(NameRef),
    /// `object.property` as an assignment target.
    Member {
        /// The object.
        object: ExprId,
        /// The property name.
        property: SmolStr,
    },
    /// `object[index]` as an assignment target.
    Index {
        /// The object.
        object: ExprId,
        /// The key.
        index: ExprId,
    },
    /// `{ a, b: c = 1, [k]: d, ...rest }`.
    Object {
        /// The properties in order.
        props: Vec<ObjectPatternProp>,
        /// `...rest`: receives the remaining own enumerable properties.
        rest: Option<PatternId>,
    },
    /// `[a, , b = 2, ...rest]`.
    Array {
        /// Elements in order; `None` is a hole.
        elements: Vec<Option<ArrayPatternElement>>,
        /// `...rest`: receives the remaining elements as an array.
        rest: Option<PatternId>,
    },
}

/// One property of an object pattern.
#[derive(Debug, Clone)]
pub struct ObjectPatternProp {
    /// The property read from the value.
    pub key: PropKey,
    /// Where its value goes (for shorthand `{ a }`, a pattern for `a` itself).
    pub value: PatternId,
    /// Used when the property is `undefined`.
    pub default: Option<ExprId>,
}

/// One element of an array pattern.
#[derive(Debug, Clone)]
pub struct ArrayPatternElement {
    /// Where the element goes.
    pub pattern: PatternId,
    /// Used when the element is `undefined`.
    pub default: Option<ExprId>,
}
