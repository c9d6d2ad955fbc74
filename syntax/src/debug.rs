//! `debug_tree`: a readable, indented dump of a syntax tree.

use std::fmt::Write;

use rowan::WalkEvent;

use crate::SyntaxNode;

/// Dumps `node` with one line per node or token: kind, range, and token text (escaped).
pub fn debug_tree(node: &SyntaxNode) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for event in node.preorder_with_tokens() {
        match event {
            WalkEvent::Enter(element) => {
                for _ in 0..depth {
                    out.push_str("  ");
                }
                let range = element.text_range();
                let _ = write!(
                    out,
                    "{:?}@{}..{}",
                    element.kind(),
                    u32::from(range.start()),
                    u32::from(range.end())
                );
                if let Some(token) = element.as_token() {
                    let _ = write!(out, " {:?}", token.text());
                }
                out.push('\n');
                depth += 1;
            }
            WalkEvent::Leave(_) => depth = depth.saturating_sub(1),
        }
    }
    out
}
