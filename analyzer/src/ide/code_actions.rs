//! Code actions: the fixes the analyzer attached to diagnostics (did-you-mean, `var` → `let`,
//! add a missing `await`, ...).

use rhythm_syntax::TextRange;

use crate::{Analysis, Diagnostic, Fix};

/// A quick fix for one diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeAction<'a> {
    /// The diagnostic it fixes.
    pub diagnostic: &'a Diagnostic,
    /// The fix.
    pub fix: &'a Fix,
    /// True when it is the diagnostic's only fix (editors may apply it on "fix all").
    pub preferred: bool,
}

/// The fixes of diagnostics whose range touches `range`.
pub fn code_actions(analysis: &Analysis, range: TextRange) -> Vec<CodeAction<'_>> {
    analysis
        .diagnostics
        .iter()
        .filter(|d| d.range.intersect(range).is_some())
        .flat_map(|d| {
            d.fixes.iter().map(move |fix| CodeAction {
                diagnostic: d,
                fix,
                preferred: d.fixes.len() == 1,
            })
        })
        .collect()
}
