//! Lowering: the lossless syntax tree becomes the arena IR ([`crate::ir`]).
//!
//! Lowering reads the rowan tree directly (node kinds and child tokens), so it copes with any
//! tree the resilient parser builds: a missing piece lowers to a `Missing` node, never a panic.
//! It opens scopes and declares bindings as it goes and records every name use; resolution
//! runs afterwards over the complete module ([`crate::resolve`]), which is what makes function
//! hoisting and the temporal dead zone work. Constructs outside the language are reported here,
//! each with its own `unsupported-*` code naming the alternative.

pub(crate) mod builder;
mod expr;
mod function;
pub(crate) mod literal;
mod pattern;
mod stmt;
mod tree;
mod unsupported;

use text_size::TextRange;
use tree::Node;

use crate::diagnostic::Diagnostic;
use crate::ir::{Function, FunctionBody, Module, ScopeId, ScopeKind};
use builder::Builder;

/// Deepest nesting of expressions and statements lowering follows before giving up on a
/// subtree (the parser bounds nesting too; this keeps lowering's own stack bounded).
const MAX_DEPTH: u32 = 256;

/// Lowers a whole file.
pub(crate) fn lower(root: &rowan::GreenNodeData) -> Builder {
    let root = Node::root(root);
    let mut l = Lowerer {
        b: Builder::default(),
        depth: 0,
        too_deep_reported: false,
    };
    let range = root.text_range();
    let script = l.b.function(Function {
        name: None,
        name_binding: None,
        params: Vec::new(),
        body: FunctionBody::Block(Vec::new()),
        is_async: true,
        is_arrow: false,
        scope: ScopeId(0),
        parent: None,
        range,
    });
    l.b.enter_function(script);
    let scope = l.b.open_scope(ScopeKind::Function, range);
    let body = l.stmt_list(&root);
    if let Some(f) = l.b.function_mut(script) {
        f.scope = scope;
        f.body = FunctionBody::Block(body);
    }
    l.b.close_scope();
    l.b.exit_function();
    debug_assert_eq!(Module::SCRIPT, script);
    l.b
}

/// Lowering state: the builder plus the recursion depth.
pub(crate) struct Lowerer {
    pub(crate) b: Builder,
    depth: u32,
    too_deep_reported: bool,
}

impl Lowerer {
    /// Enters one level of nesting; false (after reporting once) when too deep.
    fn descend(&mut self, range: TextRange) -> bool {
        if self.depth >= MAX_DEPTH {
            if !self.too_deep_reported {
                self.too_deep_reported = true;
                self.b.report(Diagnostic::error(
                    "nesting-too-deep",
                    range,
                    format!("this code is nested more than {MAX_DEPTH} levels deep; split it up"),
                ));
            }
            return false;
        }
        self.depth += 1;
        true
    }

    fn ascend(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }
}
