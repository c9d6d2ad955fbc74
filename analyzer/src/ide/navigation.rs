//! Go to definition, find references and document highlights for names declared in the file.

use rhythm_syntax::{TextRange, TextSize};

use crate::Analysis;
use crate::ide::locate::{self, Symbol};

/// Where the name at `offset` is declared (`None` for globals and unknown names).
pub fn definition(analysis: &Analysis, offset: TextSize) -> Option<TextRange> {
    match locate::symbol_at(&analysis.module, offset)? {
        (Symbol::Local(b), _) => Some(analysis.module.binding(b).range),
        _ => None,
    }
}

/// Every place the name at `offset` appears, the declaration first when
/// `include_declaration`, then uses in source order.
pub fn references(
    analysis: &Analysis,
    offset: TextSize,
    include_declaration: bool,
) -> Vec<TextRange> {
    let Some((Symbol::Local(b), _)) = locate::symbol_at(&analysis.module, offset) else {
        return Vec::new();
    };
    locate::references(&analysis.module, b)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| include_declaration || *i > 0)
        .map(|(_, (r, _))| r)
        .collect()
}

/// How a highlighted occurrence uses the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Read.
    Read,
    /// Declared or assigned.
    Write,
}

/// The occurrences of the name at `offset` in this file, marked read or write.
pub fn highlights(analysis: &Analysis, offset: TextSize) -> Vec<(TextRange, Access)> {
    let Some((Symbol::Local(b), _)) = locate::symbol_at(&analysis.module, offset) else {
        return Vec::new();
    };
    locate::references(&analysis.module, b)
        .into_iter()
        .map(|(r, w)| (r, if w { Access::Write } else { Access::Read }))
        .collect()
}
