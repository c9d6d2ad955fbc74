//! Finding what is at an offset: the name, member or declaration under the cursor, and every
//! place a binding is used.

use rhythm_syntax::{SyntaxKind, SyntaxNode, SyntaxToken, TextRange, TextSize};

use crate::catalog::{self, Global, GlobalKind, Member};
use crate::ide::infer;
use crate::ir::{BindingId, Expr, ExprId, Module, Pattern, Resolution};

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
                match member_of(module, *object, property) {
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

/// The catalog member `object.property` denotes, when the object is a global namespace (not
/// shadowed) or a value whose type is known.
pub(crate) fn member_of(
    module: &Module,
    object: ExprId,
    property: &str,
) -> Option<&'static Member> {
    match receiver(module, object)? {
        Receiver::Global(g) => g.member(property),
        Receiver::Value(ty) => catalog::member_of(ty, property),
    }
}

/// What a member access is made on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Receiver {
    /// A global with static members (`Task`, `Math`, `Date`).
    Global(&'static Global),
    /// A value of a known type.
    Value(catalog::ValueType),
}

impl Receiver {
    /// The members available on this receiver.
    pub(crate) fn members(self) -> &'static [Member] {
        match self {
            Receiver::Global(g) => g.members,
            Receiver::Value(ty) => catalog::members_of(ty),
        }
    }
}

/// What `expr` is as the object of a member access.
pub(crate) fn receiver(module: &Module, expr: ExprId) -> Option<Receiver> {
    if let Some(Expr::Name(name)) = module.exprs.get(expr.index())
        && let Resolution::Global(g) = &name.resolution
    {
        let global = catalog::global(g)?;
        return match global.kind {
            GlobalKind::Namespace | GlobalKind::Constructor | GlobalKind::Value
                if !global.members.is_empty() =>
            {
                Some(Receiver::Global(global))
            }
            _ => None,
        };
    }
    infer::type_of_expr(module, expr).map(Receiver::Value)
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

/// The closest token before `token` that is not whitespace or a comment.
pub(crate) fn prev_non_trivia(token: &SyntaxToken) -> Option<SyntaxToken> {
    let mut t = token.prev_token();
    while let Some(tok) = t {
        if !tok.kind().is_trivia() {
            return Some(tok);
        }
        t = tok.prev_token();
    }
    None
}

/// True for identifiers and keywords (a word the user may be typing).
pub(crate) fn is_word(kind: SyntaxKind) -> bool {
    kind == SyntaxKind::IDENT || kind.is_keyword()
}
