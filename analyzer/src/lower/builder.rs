//! The arena builder used by lowering: allocates IR nodes with their ranges, opens scopes,
//! declares bindings and records every name use for the resolver.

use smol_str::SmolStr;
use text_size::{TextRange, TextSize};

use crate::diagnostic::Diagnostic;
use crate::ir::{
    Binding, BindingId, BindingKind, Expr, ExprId, FunctionId, Module, Pattern, PatternId, Scope,
    ScopeId, ScopeKind, Stmt, StmtId,
};

/// Where a name is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SiteNode {
    /// An [`Expr::Name`]: a read.
    Expr(ExprId),
    /// A [`Pattern::Name`]: a write (assignment, update, for-in/of target).
    Pattern(PatternId),
}

/// One use of a name, with the scope it appears in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NameSite {
    /// The node holding the [`crate::ir::NameRef`].
    pub node: SiteNode,
    /// The innermost scope at the use.
    pub scope: ScopeId,
    /// The function containing the use.
    pub function: FunctionId,
    /// Range of the name.
    pub range: TextRange,
    /// An unknown name is not reported here (the operand of `typeof`, or the callee of `new`,
    /// which `unsupported-new` reports).
    pub in_typeof: bool,
    /// The name is also read (`x += 1`, `x++`): counts as a use.
    pub also_read: bool,
}

/// Per-function state while lowering its body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FnState {
    /// The function being lowered.
    pub id: FunctionId,
    /// Enclosing loops (for `break` / `continue`).
    pub loops: u32,
    /// Enclosing `switch` statements (for `break`).
    pub switches: u32,
}

/// The growing module and everything lowering learns on the way.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    /// The module under construction.
    pub module: Module,
    /// Diagnostics found while lowering.
    pub diagnostics: Vec<Diagnostic>,
    /// For each binding, the offset where its temporal dead zone ends (its declarator's end;
    /// zero for bindings without one).
    pub tdz_end: Vec<TextSize>,
    /// For each binding, the initializer evaluated while it is still in its dead zone (the
    /// right side of its declaration, or the iterable of a for-in/of head).
    pub tdz_init: Vec<Option<TextRange>>,
    /// Every name use.
    pub sites: Vec<NameSite>,
    /// Bindings exempt from the unused-variable warning (rest siblings, function expression
    /// names).
    pub unused_exempt: Vec<BindingId>,
    scopes: Vec<ScopeId>,
    functions: Vec<FnState>,
}

impl Builder {
    /// Adds an expression.
    pub fn expr(&mut self, expr: Expr, range: TextRange) -> ExprId {
        let id = ExprId(len_u32(self.module.exprs.len()));
        self.module.exprs.push(expr);
        self.module.expr_ranges.push(range);
        id
    }

    /// Adds a statement.
    pub fn stmt(&mut self, stmt: Stmt, range: TextRange) -> StmtId {
        let id = StmtId(len_u32(self.module.stmts.len()));
        self.module.stmts.push(stmt);
        self.module.stmt_ranges.push(range);
        id
    }

    /// Adds a pattern.
    pub fn pattern(&mut self, pattern: Pattern, range: TextRange) -> PatternId {
        let id = PatternId(len_u32(self.module.patterns.len()));
        self.module.patterns.push(pattern);
        self.module.pattern_ranges.push(range);
        id
    }

    /// Adds a function (its body is filled in later) and returns its id.
    pub fn function(&mut self, function: crate::ir::Function) -> FunctionId {
        let id = FunctionId(len_u32(self.module.functions.len()));
        self.module.functions.push(function);
        id
    }

    /// The function with this id, for filling in.
    pub fn function_mut(&mut self, id: FunctionId) -> Option<&mut crate::ir::Function> {
        self.module.functions.get_mut(id.index())
    }

    /// Opens a scope inside the current one (or the root scope when none is open).
    pub fn open_scope(&mut self, kind: ScopeKind, range: TextRange) -> ScopeId {
        let id = ScopeId(len_u32(self.module.scopes.len()));
        self.module.scopes.push(Scope {
            parent: self.scopes.last().copied(),
            function: self.current_function(),
            kind,
            bindings: Vec::new(),
            range,
        });
        self.scopes.push(id);
        id
    }

    /// Closes the innermost scope.
    pub fn close_scope(&mut self) {
        self.scopes.pop();
    }

    /// The innermost open scope.
    pub fn current_scope(&self) -> ScopeId {
        self.scopes.last().copied().unwrap_or(ScopeId(0))
    }

    /// Enters a function's body.
    pub fn enter_function(&mut self, id: FunctionId) {
        self.functions.push(FnState {
            id,
            loops: 0,
            switches: 0,
        });
    }

    /// Leaves the innermost function.
    pub fn exit_function(&mut self) {
        self.functions.pop();
    }

    /// The function being lowered.
    pub fn current_function(&self) -> FunctionId {
        self.functions.last().map_or(Module::SCRIPT, |f| f.id)
    }

    /// Mutable state of the function being lowered.
    pub fn fn_state(&mut self) -> Option<&mut FnState> {
        self.functions.last_mut()
    }

    /// Whether the function being lowered is `async` (the script body is).
    pub fn in_async(&self) -> bool {
        self.module
            .functions
            .get(self.current_function().index())
            .is_none_or(|f| f.is_async)
    }

    /// Declares a name in the current scope.
    pub fn declare(
        &mut self,
        name: SmolStr,
        kind: BindingKind,
        range: TextRange,
        tdz_end: TextSize,
    ) -> BindingId {
        let scope = self.current_scope();
        self.declare_in(scope, name, kind, range, tdz_end)
    }

    /// Declares a name in a given scope.
    pub fn declare_in(
        &mut self,
        scope: ScopeId,
        name: SmolStr,
        kind: BindingKind,
        range: TextRange,
        tdz_end: TextSize,
    ) -> BindingId {
        let id = BindingId(len_u32(self.module.bindings.len()));
        let function = self
            .module
            .scopes
            .get(scope.index())
            .map_or(Module::SCRIPT, |s| s.function);
        self.module.bindings.push(Binding {
            name,
            kind,
            scope,
            function,
            range,
            captured: false,
            reassigned: false,
        });
        self.tdz_end.push(tdz_end);
        self.tdz_init.push(None);
        if let Some(s) = self.module.scopes.get_mut(scope.index()) {
            s.bindings.push(id);
        }
        id
    }

    /// Records a use of a name.
    pub fn site(&mut self, node: SiteNode, range: TextRange, in_typeof: bool, also_read: bool) {
        self.sites.push(NameSite {
            node,
            scope: self.current_scope(),
            function: self.current_function(),
            range,
            in_typeof,
            also_read,
        });
    }

    /// Reports a diagnostic.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// Arena lengths fit in `u32` for any file the parser accepts (at most 4 GiB of text).
fn len_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}
