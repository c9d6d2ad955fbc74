//! The compiled form of a program: stack-machine bytecode, one [`FuncCode`] per function.

use text_size::TextRange;

use crate::catalog::Native;
use crate::value::Str;

/// Binary operators that need no short circuit.
pub use rhythm_analyzer::ir::BinaryOp;

/// One instruction. Operands are popped from the top of the operand stack; results pushed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    /// Push `undefined`.
    Undef,
    /// Push `null`.
    Null,
    /// Push a boolean.
    Bool(bool),
    /// Push a number.
    Num(f64),
    /// Push string constant `n`.
    Str(u32),
    /// Push a builtin global.
    Native(Native),
    /// Push `Inputs`.
    Inputs,
    /// Discard the top.
    Pop,
    /// Duplicate the top.
    Dup,
    /// Duplicate the two top values (`a b` → `a b a b`).
    Dup2,
    /// Swap the two top values.
    Swap,
    /// Move the top value `n` places down.
    Bury(u8),
    /// Push local slot `n` (throws a ReferenceError in its temporal dead zone).
    Load(u16),
    /// Pop into local slot `n`.
    Store(u16),
    /// Push slot `slot` of the environment `depth` levels up (name constant for errors).
    LoadEnv(u16, u16, u32),
    /// Pop into slot `slot` of the environment `depth` levels up.
    StoreEnv(u16, u16),
    /// Set local slot `n` to the uninitialized marker.
    Uninit(u16),
    /// Set env slot to the uninitialized marker.
    UninitEnv(u16, u16),
    /// Throw `TypeError: Assignment to constant variable.`
    ConstAssign,
    /// Enter a new environment with `n` slots.
    PushEnv(u16),
    /// Leave the current environment.
    PopEnv,
    /// Replace the current environment by a copy (per-iteration `let` bindings).
    CopyEnv,
    /// `obj` → `obj.name` (name is string constant `n`).
    GetProp(u32),
    /// `obj key` → `obj[key]`.
    GetIndex,
    /// `obj value` → `value`, setting `obj.name`.
    SetProp(u32),
    /// `obj key value` → `value`, setting `obj[key]`.
    SetIndex,
    /// `callee args...` → result.
    Call(u8),
    /// `callee args...` → result, for `await f(...)`: an async callee runs inline instead of
    /// as a concurrent branch (the same result, without the bookkeeping).
    CallAwaited(u8),
    /// `callee argsArray` → result.
    CallSpread,
    /// `obj args...` → `obj.name(args...)`.
    CallMethod(u32, u8),
    /// `obj argsArray` → `obj.name(...args)`.
    CallMethodSpread(u32),
    /// `callee args...` → `new callee(args...)`.
    New(u8),
    /// `callee argsArray` → `new callee(...args)`.
    NewSpread,
    /// Return the top value from the current function.
    Return,
    /// Jump to `pc`.
    Jump(u32),
    /// Pop; jump when falsy.
    JumpIfFalse(u32),
    /// Pop; jump when truthy.
    JumpIfTrue(u32),
    /// Jump when the top is falsy (keeping it), else pop it.
    JumpIfFalseKeep(u32),
    /// Jump when the top is truthy (keeping it), else pop it.
    JumpIfTrueKeep(u32),
    /// Jump when the top is neither `null` nor `undefined` (keeping it), else pop it.
    JumpIfNotNullishKeep(u32),
    /// Pop; jump when not `undefined` (the value is pushed back) — used for defaults.
    JumpIfNotUndef(u32),
    /// Optional chaining: when the top is nullish, pop `pop` values and jump.
    OptCheck(u32, u8),
    /// A binary operator.
    Binary(BinaryOp),
    /// `-x`.
    Neg,
    /// `+x`.
    Plus,
    /// `!x`.
    Not,
    /// `~x`.
    BitNot,
    /// `typeof x`.
    Typeof,
    /// `x` → `ToNumeric(x)`.
    ToNumber,
    /// `x` → `x + 1`.
    Inc,
    /// `x` → `x - 1`.
    Dec,
    /// `n` parts → concatenated `ToString` of each.
    Template(u16),
    /// `n` values → a new array.
    Array(u32),
    /// `arr value` → `arr` with value appended.
    ArrayPush,
    /// `arr iterable` → `arr` with the elements appended.
    ArraySpread,
    /// Push a new empty object.
    Object,
    /// `obj value` → `obj` with property `name` set (definition, not assignment).
    DefineProp(u32),
    /// `obj key value` → `obj` with the computed property set.
    DefineIndex,
    /// `obj source` → `obj` with the source's own enumerable properties copied.
    ObjectSpread,
    /// Push a new closure of function `n`.
    Closure(u32),
    /// Wait for a handle (or pass a plain value through).
    Await,
    /// Throw the top value.
    Throw,
    /// Install an exception handler that jumps to `pc` with the exception pushed.
    PushHandler(u32),
    /// Remove the innermost exception handler.
    PopHandler,
    /// `iterable` → an array to iterate (strings give their characters) — `for…of`, spread.
    IterArray,
    /// Loop step over the array in local `a` with the index in local `i`: push the next
    /// element, or jump to `pc` when done.
    IterNext(u16, u16, u32),
    /// `obj` → the array of its enumerable keys (`for…in`).
    ForInKeys,
    /// Destructuring: throw a TypeError when the top is `null`/`undefined` (kept).
    RequireObject,
    /// `obj key1..keyN` → an object with the other enumerable properties.
    ObjectRest(u16),
    /// `arr` → a new array of the elements from index `n`.
    SliceFrom(u32),
    /// Push the closure being run (a named function expression refers to itself).
    Callee,
    /// Throw `ReferenceError: <name> is not defined` (name constant).
    ThrowUndefinedName(u32),
}

/// One compiled function.
#[derive(Debug, Clone)]
pub struct FuncCode {
    /// Its name (`""` for anonymous functions, `"<script>"` for the body).
    pub name: Str,
    /// Declared parameters (excluding a rest parameter).
    pub nparams: u16,
    /// Ends with a `...rest` parameter.
    pub has_rest: bool,
    /// Local slots in total (parameters first).
    pub nlocals: u16,
    /// The instructions.
    pub code: Vec<Op>,
    /// The source range of each instruction.
    pub ranges: Vec<TextRange>,
    /// Names of the local slots (for error messages).
    pub local_names: Vec<Str>,
    /// `async`.
    pub is_async: bool,
}
