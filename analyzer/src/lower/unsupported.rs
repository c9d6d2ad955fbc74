//! Diagnostics for JavaScript constructs that are outside the language, each naming the
//! construct and the supported alternative.

use rhythm_syntax::SyntaxKind;
use text_size::TextRange;

use super::Lowerer;
use super::tree::{Node, token};
use crate::diagnostic::Diagnostic;

impl Lowerer {
    /// Reports an unsupported statement.
    pub(super) fn unsupported_stmt(&mut self, node: &Node<'_>) {
        use SyntaxKind as K;
        let range = node.text_range();
        let keyword = |kinds: &[SyntaxKind]| token(node, kinds).map_or(range, |t| t.text_range());
        let (code, at, message): (&'static str, TextRange, &str) = match node.kind() {
            K::CLASS_DECL => (
                "unsupported-class",
                keyword(&[K::CLASS_KW]),
                "classes are not supported: use plain objects and functions",
            ),
            K::IMPORT_DECL => (
                "unsupported-module",
                keyword(&[K::IMPORT_KW]),
                "`import` is not supported: a workflow is one file; call other workflows with \
                 `Workflow.run(...)` and side effects with `Task.run(...)`",
            ),
            K::WITH_STMT => (
                "unsupported-with",
                keyword(&[K::WITH_KW]),
                "`with` is not supported: read the properties explicitly (`obj.a`) or \
                 destructure them (`const { a, b } = obj`)",
            ),
            _ => (
                "unsupported-debugger",
                keyword(&[K::DEBUGGER_KW]),
                "`debugger` is not supported: use `console.log(...)` to trace a workflow",
            ),
        };
        self.b.report(Diagnostic::error(code, at, message));
    }

    /// Reports an unsupported expression.
    pub(super) fn unsupported_expr(&mut self, node: &Node<'_>) {
        use SyntaxKind as K;
        let range = node.text_range();
        let keyword = |kinds: &[SyntaxKind]| token(node, kinds).map_or(range, |t| t.text_range());
        let (code, at, message): (&'static str, TextRange, &str) = match node.kind() {
            K::THIS_EXPR => (
                "unsupported-this",
                range,
                "`this` is not supported: pass the object as a parameter instead",
            ),
            K::SUPER_EXPR | K::CLASS_EXPR => (
                "unsupported-class",
                keyword(&[K::CLASS_KW, K::SUPER_KW]),
                "classes are not supported: use plain objects and functions",
            ),
            K::YIELD_EXPR => (
                "unsupported-generator",
                keyword(&[K::YIELD_KW]),
                "generators and `yield` are not supported: return an array, or loop with `await`",
            ),
            K::TAGGED_TEMPLATE => (
                "unsupported-tagged-template",
                range,
                "tagged templates are not supported: call the function with a template string",
            ),
            _ => (
                "unsupported-accessor",
                range,
                "getters and setters are not supported: use a plain property or a method",
            ),
        };
        self.b.report(Diagnostic::error(code, at, message));
    }
}
