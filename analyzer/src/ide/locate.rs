//! Finding what is at an offset: the name, member or declaration under the cursor, and every
//! place a binding is used.

use rhythm_syntax::{SyntaxKind, SyntaxNode, SyntaxToken, TextRange, TextSize};

use crate::catalog::{self, Global, Member};
use crate::ide::infer::Types;
use crate::ir::{BindingId, Expr, Module, Pattern, Resolution};

/// What an identifier at an offset denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Symbol {
    /// A binding declared in the file (at its declaration or at a use).
    Local(BindingId),
    /// A catalog global.
    Global(&'static Global),
    /// A catalog member (of a global namespace or of a value type).
    Member(&'static Member),
    /// A name that resolves to nothing.
    Unresolved,
}

/// The symbol whose identifier contains `offset` (inclusive at both ends), with that range.
pub(crate) fn symbol_at(module: &Module, offset: TextSize) -> Option<(Symbol, TextRange)> {
    let types = Types::new(module);
    let mut best: Option<(Symbol, TextRange)> = None;
    let mut consider = |symbol: Symbol, range: TextRange| {
        if !range.contains_inclusive(offset) {
            return;
        }
        // Prefer a range that strictly contains the offset over one that merely touches it.
        let strict = |r: TextRange| r.contains(offset);
        match best {
            Some((_, r)) if strict(r) || !strict(range) => {}
            _ => best = Some((symbol, range)),
        }
    };
    for (i, expr) in module.exprs.iter().enumerate() {
        match expr {
            Expr::Name(name) => {
                let range = module.expr_ranges[i];
                consider(resolution_symbol(&name.resolution), range);
            }
            Expr::Member {
                object,
                property,
                property_range,
                ..
            } if property_range.contains_inclusive(offset) && !property_range.is_empty() => {
                match types.member_of(*object, property) {
                    Some(m) => consider(Symbol::Member(m), *property_range),
                    None => consider(Symbol::Unresolved, *property_range),
                }
            }
            _ => {}
        }
    }
    for (i, pattern) in module.patterns.iter().enumerate() {
        match pattern {
            Pattern::Binding(b) => consider(Symbol::Local(*b), module.binding(*b).range),
            Pattern::Name(name) => consider(
                resolution_symbol(&name.resolution),
                module.pattern_ranges[i],
            ),
            _ => {}
        }
    }
    for (i, binding) in module.bindings.iter().enumerate() {
        // Function names are bindings without a pattern.
        consider(Symbol::Local(BindingId(i as u32)), binding.range);
    }
    best
}

fn resolution_symbol(resolution: &Resolution) -> Symbol {
    match resolution {
        Resolution::Local(b) => Symbol::Local(*b),
        Resolution::Global(g) => catalog::global(g).map_or(Symbol::Unresolved, Symbol::Global),
        Resolution::Unresolved => Symbol::Unresolved,
    }
}

/// Every range where `binding` is named: its declaration first, then uses in source order.
/// The flag is true for writes (the declaration and assignment targets).
pub(crate) fn references(module: &Module, binding: BindingId) -> Vec<(TextRange, bool)> {
    let mut out = vec![(module.binding(binding).range, true)];
    for (i, expr) in module.exprs.iter().enumerate() {
        if let Expr::Name(name) = expr
            && name.resolution == Resolution::Local(binding)
        {
            out.push((module.expr_ranges[i], false));
        }
    }
    for (i, pattern) in module.patterns.iter().enumerate() {
        match pattern {
            Pattern::Name(name) if name.resolution == Resolution::Local(binding) => {
                out.push((module.pattern_ranges[i], true));
            }
            _ => {}
        }
    }
    out[1..].sort_by_key(|(r, _)| r.start());
    out.dedup_by_key(|(r, _)| *r);
    out
}

/// The token at `offset`, preferring the one that ends there (the word being typed).
pub(crate) fn token_left(root: &SyntaxNode, offset: TextSize) -> Option<SyntaxToken> {
    if offset > root.text_range().end() {
        return None;
    }
    root.token_at_offset(offset).left_biased()
}

/// The token at `offset`, preferring the one that starts there.
pub(crate) fn token_right(root: &SyntaxNode, offset: TextSize) -> Option<SyntaxToken> {
    if offset > root.text_range().end() {
        return None;
    }
    root.token_at_offset(offset).right_biased()
}

/// True for identifiers and keywords (a word the user may be typing).
pub(crate) fn is_word(kind: SyntaxKind) -> bool {
    kind == SyntaxKind::IDENT || kind.is_keyword()
}
