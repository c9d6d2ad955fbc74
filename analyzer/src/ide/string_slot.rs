//! Which string argument a string literal is (the task name of `Task.run`, the signal name of
//! `Signal.next`/`Signal.when`) and the range of its contents: shared by completion and hover.

use rhythm_syntax::{SyntaxKind, SyntaxToken, TextRange, TextSize};

/// Which string argument the cursor is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StringSlot {
    /// The name of `Task.run`.
    TaskName,
    /// The name of `Signal.next` / `Signal.when`.
    SignalName,
}

/// When `token` (a string) is the first argument of `Task.run` or `Signal.next/when`, which.
pub(crate) fn string_slot(token: &SyntaxToken) -> Option<StringSlot> {
    let literal = token.parent()?;
    let args = literal.parent()?;
    if args.kind() != SyntaxKind::ARG_LIST {
        return None;
    }
    let first = args.children().next()?;
    if first != literal {
        return None;
    }
    let call = args.parent()?;
    if call.kind() != SyntaxKind::CALL_EXPR {
        return None;
    }
    let callee = call.children().next()?;
    let name: String = callee
        .text()
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    match name.as_str() {
        "Task.run" => Some(StringSlot::TaskName),
        "Signal.next" | "Signal.when" => Some(StringSlot::SignalName),
        _ => None,
    }
}

/// The byte range of a string literal's contents (without quotes; to the end when unclosed).
pub(crate) fn string_contents(token: &SyntaxToken) -> TextRange {
    let range = token.text_range();
    let text = token.text();
    let start = range.start() + TextSize::from(1);
    let closed = text.len() >= 2
        && (text.ends_with('"') || text.ends_with('\''))
        && text.chars().next() == text.chars().last();
    let end = if closed {
        range.end() - TextSize::from(1)
    } else {
        range.end()
    };
    TextRange::new(start.min(end), end)
}
